import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Tensor, ValueError } from '@proj/tensor';
import { describe, expect, it } from 'vitest';
import {
  CsvDataset,
  DataFileError,
  DataLoader,
  FileStreamDataset,
  IdxDataset,
  JsonLinesDataset,
  readCsv,
  readCsvSync,
  readIdx,
  readIdxSync,
  readJsonLines,
  readTextLines,
  TextLinesDataset,
} from '../index.js';

const dir = mkdtempSync(join(tmpdir(), 'proj-data-readers-'));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

/** An IDX file: header (magic, type, dims) and big-endian values. */
function idx(typeCode: number, shape: number[], values: number[], itemSize: number): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = typeCode;
  header[3] = shape.length;
  shape.forEach((s, i) => {
    view.setUint32(4 + 4 * i, s, false);
  });
  const data = new Uint8Array(values.length * itemSize);
  const dv = new DataView(data.buffer);
  values.forEach((v, i) => {
    if (typeCode === 0x08) dv.setUint8(i, v);
    else if (typeCode === 0x09) dv.setInt8(i, v);
    else if (typeCode === 0x0b) dv.setInt16(2 * i, v, false);
    else if (typeCode === 0x0c) dv.setInt32(4 * i, v, false);
    else if (typeCode === 0x0d) dv.setFloat32(4 * i, v, false);
    else dv.setFloat64(8 * i, v, false);
  });
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

const SWAG = [
  {
    id: 'a1',
    sent1: 'She opens the door.',
    sent2: 'She',
    ending0: 'walks in.',
    ending1: 'flies.',
    ending2: 'sings.',
    ending3: 'melts.',
    label: 0,
  },
  {
    id: 'a2',
    sent1: 'He picks up a ball.',
    sent2: 'He',
    ending0: 'eats it.',
    ending1: 'throws it.',
    ending2: 'is a ball.',
    ending3: 'sleeps.',
    label: 1,
  },
  {
    id: 'a3',
    sent1: 'Rain falls.',
    sent2: 'The street',
    ending0: 'burns.',
    ending1: 'sings.',
    ending2: 'gets wet.',
    ending3: 'flies.',
    label: 2,
  },
];

describe('JSON Lines', () => {
  const good = file('swag.jsonl', `${SWAG.map((r) => JSON.stringify(r)).join('\r\n')}\n\n`);

  it('streams and loads records, skipping blank lines', async () => {
    expect(await collect(readJsonLines(good))).toEqual(SWAG);
    const ds = new JsonLinesDataset<(typeof SWAG)[number]>(good);
    expect(ds.length).toBe(3);
    expect(ds.getItem(1).ending1).toBe('throws it.');
  });

  it('names the file, line and reason for malformed JSON', async () => {
    const bad = file('bad.jsonl', `${JSON.stringify(SWAG[0])}\n{"id": "a2", "label": }\n`);
    await expect(collect(readJsonLines(bad))).rejects.toThrow(new RegExp(`^${bad}:2: invalid JSON: `));
    expect(() => new JsonLinesDataset(bad)).toThrow(DataFileError);
    try {
      new JsonLinesDataset(bad);
    } catch (error) {
      expect(error).toBeInstanceOf(ValueError);
      expect((error as DataFileError).line).toBe(2);
      expect((error as DataFileError).file).toBe(bad);
    }
  });

  it('streams files larger than one read chunk', async () => {
    const records = Array.from({ length: 5000 }, (_, i) => ({ i, text: 'x'.repeat(i % 50) }));
    const big = file('big.jsonl', records.map((r) => JSON.stringify(r)).join('\n'));
    const read = await collect(readJsonLines<{ i: number }>(big));
    expect(read.length).toBe(5000);
    expect(read.every((r, i) => r.i === i)).toBe(true);
  });

  it('rejects invalid UTF-8 with its line', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('{"a":1}\n"'), 0xff, 0x22, 0x0a]);
    await expect(collect(readJsonLines(file('utf.jsonl', bytes)))).rejects.toThrow(':2: invalid UTF-8');
  });
});

describe('CSV', () => {
  const text = 'id,name,score\n1,"Smith, J",3.5\n2,"He said ""hi""",4\n3,"multi\nline",-1e2\n';
  const good = file('people.csv', text);

  it('parses quoted fields, escaped quotes and fields spanning lines', async () => {
    const rows = readCsvSync(good, { columnTypes: { id: 'integer', score: 'number' } });
    expect(rows).toEqual([
      { id: 1, name: 'Smith, J', score: 3.5 },
      { id: 2, name: 'He said "hi"', score: 4 },
      { id: 3, name: 'multi\nline', score: -100 },
    ]);
    expect(await collect(readCsv(good, { columnTypes: { id: 'integer', score: 'number' } }))).toEqual(rows);
    expect(new CsvDataset(good).getItem(0)).toEqual({ id: '1', name: 'Smith, J', score: '3.5' });
  });

  it('handles CRLF, other delimiters and quotes split across chunks', async () => {
    const path = file('semi.csv', 'a;b\r\n"x""";2\r\n');
    expect(readCsvSync(path, { delimiter: ';' })).toEqual([{ a: 'x"', b: '2' }]);
    const long = `a,b\n${Array.from({ length: 20000 }, (_, i) => `"${i}""q",${i}`).join('\n')}\n`;
    const rows = await collect(readCsv(file('long.csv', long), { columnTypes: { b: 'integer' } }));
    expect(rows.length).toBe(20000);
    expect(rows.every((r, i) => r.a === `${i}"q` && r.b === i)).toBe(true);
  });

  it('reports the file, line and reason for malformed input', async () => {
    const cases: [string, string][] = [
      ['a,b\n1,2\n3\n', ':3: expected 2 fields (as in the header), found 1'],
      ['a,b\n1,"2\n', ':2: unterminated quoted field'],
      ['a,b\n1,x"y\n', ':2: stray quote'],
      ['a,b\n1,"x"y\n', ':2: unexpected character "y" after a closing quote'],
      ['a,a\n1,2\n', ':1: duplicate column name "a"'],
      ['', ':1: empty file: expected a header row'],
    ];
    for (const [content, message] of cases) {
      const path = file('bad.csv', content);
      expect(() => readCsvSync(path)).toThrow(message);
      await expect(collect(readCsv(path))).rejects.toThrow(message);
    }
    const typed = file('typed.csv', 'n\n1\nabc\n');
    expect(() => readCsvSync(typed, { columnTypes: { n: 'number' } })).toThrow(
      ':3: column "n": cannot parse "abc" as a number',
    );
  });
});

describe('text lines', () => {
  it('streams and loads lines, with or without a final newline', async () => {
    const path = file('lines.txt', 'alpha\r\nbeta\n\ngamma');
    expect(await collect(readTextLines(path))).toEqual(['alpha', 'beta', '', 'gamma']);
    const ds = new TextLinesDataset(path);
    expect([ds.length, ds.getItem(-1)]).toEqual([4, 'gamma']);
  });
});

describe('IDX', () => {
  const images = Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 7) % 256);
  const imagesPath = file('images-idx3-ubyte', idx(0x08, [3, 4, 5], images, 1));

  it('reads every IDX type into a tensor of its dtype and shape', () => {
    const t = readIdxSync(imagesPath);
    expect([t.dtype, t.shape]).toEqual(['uint8', [3, 4, 5]]);
    expect(Array.from(t.toTypedArray() as Uint8Array)).toEqual(images);
    const cases: [number, string, number[], number][] = [
      [0x09, 'int8', [-3, 5, 127], 1],
      [0x0b, 'int16', [-300, 5, 32767], 2],
      [0x0c, 'int32', [-70000, 5, 2 ** 31 - 1], 4],
      [0x0d, 'float32', [0.5, -2.25, 1e10], 4],
      [0x0e, 'float64', [0.1, -2.5, 1e300], 8],
    ];
    for (const [code, dtype, values, size] of cases) {
      const read = readIdxSync(file(`t${code}.idx`, idx(code, [3], values, size)));
      expect(read.dtype).toBe(dtype);
      expect(read.tolist()).toEqual(values);
    }
  });

  it('reads gzipped files and reads asynchronously', async () => {
    const gz = file('images.gz', gzipSync(idx(0x08, [3, 4, 5], images, 1)));
    expect(Array.from((await readIdx(gz)).toTypedArray() as Uint8Array)).toEqual(images);
  });

  it('serves items from disk as a dataset, also to workers', async () => {
    const ds = new IdxDataset(imagesPath);
    expect(ds.length).toBe(3);
    const item = ds.getItem(1);
    expect(item.shape).toEqual([4, 5]);
    expect(Array.from(item.toTypedArray() as Uint8Array)).toEqual(images.slice(20, 40));
    const labels = new IdxDataset(file('labels-idx1-ubyte', idx(0x08, [3], [7, 2, 1], 1)));
    expect(labels.getItem(2).item()).toBe(1);
    const gzDataset = new IdxDataset(file('images2.gz', gzipSync(idx(0x08, [3, 4, 5], images, 1))));
    expect(Array.from(gzDataset.getItem(2).contiguous().toTypedArray() as Uint8Array)).toEqual(
      images.slice(40),
    );
    const batches: Tensor[] = [];
    for await (const b of new DataLoader(ds, { batchSize: 2, numWorkers: 2 })) batches.push(b);
    expect(batches.map((b) => b.shape)).toEqual([
      [2, 4, 5],
      [1, 4, 5],
    ]);
    expect(Array.from(batches[1]!.toTypedArray() as Uint8Array)).toEqual(images.slice(40));
    ds.close();
  });

  it('rejects malformed files with the file and the byte offsets, before allocating', () => {
    const good = idx(0x08, [3, 4, 5], images, 1);
    const cases: [Uint8Array, string][] = [
      [
        good.slice(0, good.length - 1),
        'truncated: the header promises shape [3, 4, 5] of unsigned byte (76 bytes in all), but the file has 75 bytes',
      ],
      [new Uint8Array([...good, 0]), '1 unexpected bytes after the data, which ends at byte 76'],
      [new Uint8Array([1, 0, 8, 1]), 'not an IDX file: bytes 0-1 are 0x01 0x00, expected 0x00 0x00'],
      [new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]), 'unknown IDX type code 0x0a at byte 2'],
      [new Uint8Array([0, 0, 8, 3, 0, 0]), 'truncated header: 3 dimensions need 16 bytes, the file has 6'],
      [
        idx(0x08, [0xffffffff, 0xffffffff], [], 1),
        'truncated: the header promises shape [4294967295, 4294967295]',
      ],
      [new Uint8Array([0x1f, 0x8b, 1, 2, 3]), 'corrupt gzip data'],
    ];
    for (const [bytes, message] of cases) {
      const path = file('bad.idx', bytes);
      expect(() => readIdxSync(path)).toThrow(`${path}: ${message}`);
    }
    expect(() => new IdxDataset(file('bad2.idx', good.slice(0, 40)))).toThrow('truncated');
  });
});

describe('FileStreamDataset', () => {
  it('streams a file and splits records between workers without loss or duplicates', async () => {
    const path = file('stream.jsonl', Array.from({ length: 37 }, (_, i) => JSON.stringify({ i })).join('\n'));
    for (const numWorkers of [0, 2]) {
      const seen: number[] = [];
      const loader = new DataLoader(new FileStreamDataset<{ i: number }>(path, { format: 'jsonl' }), {
        batchSize: 5,
        numWorkers,
      });
      for await (const b of loader) seen.push(...((b as unknown as { i: Tensor }).i.tolist() as number[]));
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 37 }, (_, i) => i));
    }
  });

  it('surfaces a malformed line from a worker with file and line', async () => {
    const path = file('stream-bad.csv', 'a\n1\n2,3\n');
    const loader = new DataLoader(new FileStreamDataset(path, { format: 'csv' }), {
      batchSize: 1,
      numWorkers: 2,
    });
    await expect(collect(loader)).rejects.toThrow(`${path}:3: expected 1 fields (as in the header), found 2`);
  });
});
