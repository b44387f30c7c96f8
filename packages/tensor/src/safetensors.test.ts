import fs, { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SafetensorsEntry } from './safetensors.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  SafetensorsError,
  writeFileAtomic,
  writeFileAtomicSync,
} from './safetensors.js';

const float32Bytes = (values: number[]): Uint8Array => new Uint8Array(new Float32Array(values).buffer);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** A file image from a header string and data bytes, with the header length written as given. */
function rawFile(header: string, data: number[] = [], declaredLength?: number): Uint8Array {
  const headerBytes = new TextEncoder().encode(header);
  const file = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(file.buffer).setBigUint64(0, BigInt(declaredLength ?? headerBytes.length), true);
  file.set(headerBytes, 8);
  file.set(data, 8 + headerBytes.length);
  return file;
}

describe('encodeSafetensors matches the reference implementation byte for byte', () => {
  // Expected bytes are the reference's own unit tests (safetensors/src/tensor.rs).
  it('test_serialization: one F32 tensor', () => {
    const file = encodeSafetensors([
      { name: 'attn.0', dtype: 'float32', shape: [1, 2, 3], bytes: float32Bytes([0, 1, 2, 3, 4, 5]) },
    ]);
    expect(Array.from(file)).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101,
      34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34,
      100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0,
      0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  it('test_serialization_forced_alignement: header padded with spaces', () => {
    const file = encodeSafetensors([
      { name: 'attn0', dtype: 'float32', shape: [1, 1, 2, 3], bytes: float32Bytes([0, 1, 2, 3, 4, 5]) },
    ]);
    expect(Array.from(file)).toEqual([
      72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34,
      58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 49, 44, 50, 44, 51, 93, 44,
      34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125,
      32, 32, 32, 32, 32, 32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
      160, 64,
    ]);
  });

  it('test_empty: no tensors, with and without metadata', () => {
    expect(Array.from(encodeSafetensors([]))).toEqual([
      8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32,
    ]);
    expect(Array.from(encodeSafetensors([], { framework: 'pt' }))).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34,
      102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });

  it('orders tensors by descending dtype alignment, then by name (UTF-8 order)', () => {
    const entry = (name: string, dtype: string, itemSize: number): SafetensorsEntry => ({
      name,
      dtype,
      shape: [1],
      bytes: new Uint8Array(itemSize),
    });
    const file = encodeSafetensors([
      entry('b', 'bool', 1),
      entry('z', 'float32', 4),
      entry('a', 'float32', 4),
      entry('h', 'float16', 2),
      entry('bf', 'bfloat16', 2),
      entry('i64', 'int64', 8),
      entry('f64', 'float64', 8),
      entry('u8', 'uint8', 1),
      entry('i8', 'int8', 1),
      entry('i16', 'int16', 2),
      entry('i32', 'int32', 4),
      entry('\u{1F600}', 'int32', 4), // astral: after U+FFFD in UTF-8 order, before it in UTF-16 order
      entry('\uFFFD', 'int32', 4),
    ]);
    const { entries } = decodeSafetensors(file);
    expect(entries.map((decoded) => decoded.name)).toEqual([
      'i64',
      'f64',
      'a',
      'z',
      'i32',
      '\uFFFD',
      '\u{1F600}',
      'bf',
      'h',
      'i16',
      'i8',
      'u8',
      'b',
    ]);
    const header = text(file.subarray(8, 8 + Number(new DataView(file.buffer).getBigUint64(0, true))));
    expect(header.startsWith('{"i64":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"f64":{')).toBe(true);
  });

  it('writes __metadata__ first, keeping integer-like keys in the given order', () => {
    const file = encodeSafetensors([{ name: '1', dtype: 'uint8', shape: [], bytes: new Uint8Array([7]) }], {
      format: 'pt',
      '2': 'two',
      'quote"\n': 'é',
    });
    const headerLength = Number(new DataView(file.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    expect(text(file.subarray(8, 8 + headerLength)).trimEnd()).toBe(
      '{"__metadata__":{"2":"two","format":"pt","quote\\"\\n":"é"},"1":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}',
    );
  });

  it('rejects entries it cannot write', () => {
    const bytes = new Uint8Array(4);
    expect(() => encodeSafetensors([{ name: 'x', dtype: 'complex64', shape: [1], bytes }])).toThrow(
      "cannot save tensor 'x': dtype 'complex64' has no safetensors code",
    );
    expect(() => encodeSafetensors([{ name: 'x', dtype: 'float32', shape: [2], bytes }])).toThrow(
      "cannot save tensor 'x': 4 bytes given but shape [2] of float32 needs 8",
    );
    expect(() => encodeSafetensors([{ name: 'x', dtype: 'float32', shape: [-1], bytes }])).toThrow(
      /invalid shape/,
    );
    expect(() =>
      encodeSafetensors([
        { name: 'x', dtype: 'float32', shape: [1], bytes },
        { name: 'x', dtype: 'int32', shape: [1], bytes },
      ]),
    ).toThrow("cannot save two tensors named 'x'");
    expect(() => encodeSafetensors([{ name: '__metadata__', dtype: 'float32', shape: [1], bytes }])).toThrow(
      /reserved/,
    );
    expect(() => encodeSafetensors([{ name: '\uD800', dtype: 'float32', shape: [1], bytes }])).toThrow(
      /not valid Unicode/,
    );
    expect(() => encodeSafetensors([], { n: 3 as unknown as string })).toThrow(/values must be strings/);
  });
});

describe('round trips', () => {
  it('every dtype, 0-d, empty and multi-dimensional tensors, and metadata', () => {
    const entries: SafetensorsEntry[] = [
      {
        name: 'f64',
        dtype: 'float64',
        shape: [2],
        bytes: new Uint8Array(new Float64Array([Math.PI, -0]).buffer),
      },
      { name: 'f32', dtype: 'float32', shape: [2, 2], bytes: float32Bytes([1, NaN, -Infinity, 1e-45]) },
      { name: 'f16', dtype: 'float16', shape: [3], bytes: new Uint8Array([0, 60, 0, 124, 1, 0]) },
      { name: 'bf16', dtype: 'bfloat16', shape: [1], bytes: new Uint8Array([128, 63]) },
      {
        name: 'i64',
        dtype: 'int64',
        shape: [],
        bytes: new Uint8Array(new BigInt64Array([-(2n ** 63n)]).buffer),
      },
      { name: 'i32', dtype: 'int32', shape: [1, 1, 1], bytes: new Uint8Array(new Int32Array([-5]).buffer) },
      { name: 'i16', dtype: 'int16', shape: [2], bytes: new Uint8Array(new Int16Array([300, -300]).buffer) },
      { name: 'i8', dtype: 'int8', shape: [3], bytes: new Uint8Array([255, 0, 127]) },
      { name: 'u8', dtype: 'uint8', shape: [0, 5], bytes: new Uint8Array(0) },
      { name: 'empty f32', dtype: 'float32', shape: [3, 0], bytes: new Uint8Array(0) },
      { name: 'mask', dtype: 'bool', shape: [2, 2], bytes: new Uint8Array([1, 0, 0, 1]) },
      { name: 'ünïcode.層', dtype: 'uint8', shape: [1], bytes: new Uint8Array([42]) },
    ];
    const metadata = { format: 'pt', nesting: '{"a":{"b":"c"}}' };
    const file = encodeSafetensors(entries, metadata);
    const decoded = decodeSafetensors(file);
    expect(decoded.metadata).toEqual(metadata);
    expect(decoded.entries).toHaveLength(entries.length);
    const byName = new Map(decoded.entries.map((entry) => [entry.name, entry]));
    for (const entry of entries) {
      const roundTripped = byName.get(entry.name)!;
      expect(roundTripped.dtype).toBe(entry.dtype);
      expect(roundTripped.shape).toEqual(entry.shape);
      expect(Array.from(roundTripped.bytes)).toEqual(Array.from(entry.bytes));
    }
    // Re-encoding the decoded entries reproduces the file exactly.
    expect(encodeSafetensors(decoded.entries, decoded.metadata!)).toEqual(file);
  });

  it('returns views into the buffer, 8-byte aligned, without copying', () => {
    const file = encodeSafetensors([
      { name: 'a', dtype: 'float64', shape: [2], bytes: new Uint8Array(16).fill(1) },
      { name: 'b', dtype: 'uint8', shape: [3], bytes: new Uint8Array(3).fill(2) },
    ]);
    const { entries, metadata } = decodeSafetensors(file);
    expect(metadata).toBeNull();
    for (const entry of entries) expect(entry.bytes.buffer).toBe(file.buffer);
    expect(entries[0]!.bytes.byteOffset % 8).toBe(0);
    // Works on a subarray of a larger buffer too.
    const padded = new Uint8Array(file.length + 5);
    padded.set(file, 5);
    const again = decodeSafetensors(padded.subarray(5));
    expect(Array.from(again.entries[1]!.bytes)).toEqual([2, 2, 2]);
    expect(again.entries[1]!.bytes.byteOffset).toBe(5 + file.length - 3);
  });

  it('accepts headers from other writers: any key order, extra whitespace, unknown fields', () => {
    const file = rawFile(
      '{ "b": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2], "extra": 1},\n' +
        '  "a": {"data_offsets": [0, 1], "shape": [], "dtype": "I8"} }\n\t ',
      [9, 8],
    );
    const { entries } = decodeSafetensors(file);
    expect(entries.map((entry) => [entry.name, entry.dtype, entry.shape, Array.from(entry.bytes)])).toEqual([
      ['a', 'int8', [], [9]],
      ['b', 'uint8', [1], [8]],
    ]);
  });

  it('keeps a "__proto__" metadata key as plain data', () => {
    const file = rawFile('{"__metadata__":{"__proto__":"x"}}');
    const { metadata } = decodeSafetensors(file);
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.keys(metadata!)).toEqual(['__proto__']);
  });
});

describe('decodeSafetensors rejects corrupted files with a clear message', () => {
  const f32 = (offsets: string, shape = '[1]'): string =>
    `{"dtype":"F32","shape":${shape},"data_offsets":${offsets}}`;
  const cases: [description: string, file: Uint8Array, message: string][] = [
    ['empty buffer', new Uint8Array(0), 'is too short: 0 bytes, but the header length field alone takes 8'],
    ['5-byte buffer', new Uint8Array(5), 'is too short: 5 bytes'],
    [
      'header longer than file',
      rawFile('{}', [], 1234),
      'is truncated: header says 1234 bytes but only 2 follow',
    ],
    [
      'header over 100 MB',
      rawFile('{}', [], 100_000_001),
      'is corrupted: header says 100000001 bytes, more than the 100000000-byte limit',
    ],
    [
      'header length 2^64-1',
      (() => {
        const file = rawFile('{}');
        file.fill(255, 0, 8);
        return file;
      })(),
      'more than the 100000000-byte limit',
    ],
    ['zero-length header', rawFile('', []), "the header does not start with '{'"],
    ['header not starting with {', rawFile('[1]'), "the header does not start with '{'"],
    [
      'header not UTF-8',
      rawFile('{"\xff"}', []).map((byte, index) => (index === 10 ? 0xff : byte)),
      'the header is not valid UTF-8',
    ],
    ['header not JSON', rawFile('{"a":'), 'is corrupted: the header is not valid JSON ('],
    ['metadata not an object', rawFile('{"__metadata__":[]}'), "'__metadata__' must be an object of strings"],
    [
      'metadata value not a string',
      rawFile('{"__metadata__":{"epoch":3}}'),
      "metadata 'epoch' must be a string, got 3",
    ],
    ['entry not an object', rawFile('{"w":5}'), "the entry for tensor 'w' is not an object"],
    ['missing dtype', rawFile('{"w":{"shape":[],"data_offsets":[0,0]}}'), "tensor 'w' has no dtype"],
    [
      'unknown dtype',
      rawFile('{"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}', [0, 0, 0, 0, 0, 0, 0, 0]),
      'has tensor \'w\' with unsupported dtype "C64" (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)',
    ],
    [
      'negative shape',
      rawFile(`{"w":${f32('[0,4]', '[-1]')}}`, [0, 0, 0, 0]),
      "tensor 'w' has an invalid shape [-1]",
    ],
    [
      'fractional shape',
      rawFile(`{"w":${f32('[0,4]', '[1.5]')}}`, [0, 0, 0, 0]),
      "tensor 'w' has an invalid shape [1.5]",
    ],
    [
      'shape not an array',
      rawFile(`{"w":${f32('[0,4]', '4')}}`, [0, 0, 0, 0]),
      "tensor 'w' has an invalid shape 4",
    ],
    [
      'shape overflows',
      rawFile(`{"w":${f32('[0,4]', '[4294967296,4294967296]')}}`, [0, 0, 0, 0]),
      "tensor 'w' has a shape [4294967296,4294967296] too large to address",
    ],
    ['offsets wrong arity', rawFile(`{"w":${f32('[0]')}}`), "tensor 'w' has invalid data_offsets [0]"],
    ['negative offset', rawFile(`{"w":${f32('[-4,0]')}}`), "tensor 'w' has invalid data_offsets [-4,0]"],
    [
      'offset beyond 2^53',
      rawFile(`{"w":${f32('[0,18446744073709551615]')}}`),
      "tensor 'w' has invalid data_offsets",
    ],
    [
      'offsets reversed',
      rawFile(`{"w":${f32('[4,0]')}}`),
      "tensor 'w' has data_offsets [4, 0] that end before they begin",
    ],
    [
      'offsets do not match dtype and shape',
      rawFile(`{"w":${f32('[0,8]')}}`, [0, 0, 0, 0, 0, 0, 0, 0]),
      "tensor 'w' has data_offsets [0, 8] (8 bytes) but dtype F32 with shape [1] needs 4 bytes",
    ],
    [
      'overlapping tensors',
      rawFile(`{"a":${f32('[0,4]')},"b":${f32('[2,6]', '[1]')}}`, [0, 0, 0, 0, 0, 0]),
      "tensors 'a' [0, 4) and 'b' [2, 6) overlap",
    ],
    [
      'gap between tensors',
      rawFile(`{"a":${f32('[0,4]')},"b":${f32('[8,12]')}}`, new Array<number>(12).fill(0)),
      "data bytes [4, 8) belong to no tensor (before 'b')",
    ],
    [
      'gap at the start',
      rawFile(`{"a":${f32('[4,8]')}}`, new Array<number>(8).fill(0)),
      'data bytes [0, 4) belong to no tensor',
    ],
    [
      'data truncated',
      rawFile(`{"a":${f32('[0,4]')},"b":${f32('[4,8]')}}`, [0, 0, 0, 0, 0, 0]),
      "is truncated: tensor 'b' needs data up to byte 8 but only 6 data bytes follow the header",
    ],
    [
      'trailing bytes',
      rawFile(`{"a":${f32('[0,4]')}}`, [0, 0, 0, 0, 1, 2]),
      "2 trailing bytes after the last tensor's data",
    ],
    ['trailing bytes with no tensors', rawFile('{}', [1]), '1 trailing bytes'],
  ];

  for (const [description, file, message] of cases) {
    it(description, () => {
      let caught: unknown;
      try {
        decodeSafetensors(file, { fileName: 'model.safetensors' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SafetensorsError);
      expect((caught as Error).message.startsWith("safetensors file 'model.safetensors' ")).toBe(true);
      expect((caught as Error).message).toContain(message);
    });
  }

  it('names the data generically without a file name', () => {
    expect(() => decodeSafetensors(new Uint8Array(3))).toThrow(
      'safetensors data is too short: 3 bytes, but the header length field alone takes 8',
    );
  });

  it('gives an error, never a crash or a wrong result, for a valid file truncated at every length', () => {
    const file = encodeSafetensors(
      [
        { name: 'weight', dtype: 'float32', shape: [3, 2], bytes: float32Bytes([1, 2, 3, 4, 5, 6]) },
        { name: 'bias', dtype: 'int64', shape: [2], bytes: new Uint8Array(16) },
        { name: 'flag', dtype: 'bool', shape: [], bytes: new Uint8Array([1]) },
      ],
      { format: 'pt' },
    );
    expect(decodeSafetensors(file).entries).toHaveLength(3);
    for (let length = 0; length < file.length; length++) {
      expect(() => decodeSafetensors(file.subarray(0, length), { fileName: 'cut' })).toThrow(
        SafetensorsError,
      );
    }
  });

  it('gives an error or a consistent result when any single byte is flipped', () => {
    const file = encodeSafetensors([
      { name: 'weight', dtype: 'float32', shape: [2], bytes: float32Bytes([1, 2]) },
      { name: 'step', dtype: 'int64', shape: [], bytes: new Uint8Array(8) },
    ]);
    for (let index = 0; index < file.length; index++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const corrupted = file.slice();
        corrupted[index]! ^= flip;
        try {
          const { entries } = decodeSafetensors(corrupted);
          for (const entry of entries) {
            expect(entry.bytes.byteOffset + entry.bytes.length).toBeLessThanOrEqual(corrupted.length);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(SafetensorsError);
        }
      }
    }
  });
});

describe('writeFileAtomic', () => {
  let directory = '';
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'safetensors-test-'));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(directory, { recursive: true, force: true });
  });

  it('writes and replaces a file (async and sync)', async () => {
    const path = join(directory, 'model.safetensors');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 3]);
    writeFileAtomicSync(path, new Uint8Array([4, 5]));
    expect(Array.from(readFileSync(path))).toEqual([4, 5]);
    await writeFileAtomic(path, new Uint8Array(0));
    expect(readFileSync(path).length).toBe(0);
    expect(readdirSync(directory)).toEqual(['model.safetensors']);
  });

  it('writes a large buffer completely', () => {
    const path = join(directory, 'big.bin');
    const data = new Uint8Array(5_000_000).map((_, index) => index % 251);
    writeFileAtomicSync(path, data);
    expect(readFileSync(path).equals(data)).toBe(true);
  });

  it('keeps the previous file and leaves no temporary file when the sync write fails', () => {
    const path = join(directory, 'model.safetensors');
    writeFileSync(path, 'previous');
    vi.spyOn(fs, 'fsyncSync').mockImplementation(() => {
      throw new Error('ENOSPC: no space left on device');
    });
    expect(() => writeFileAtomicSync(path, new Uint8Array([1, 2, 3]))).toThrow('ENOSPC');
    expect(readFileSync(path, 'utf8')).toBe('previous');
    expect(readdirSync(directory)).toEqual(['model.safetensors']);
  });

  it('keeps the previous file and leaves no temporary file when the async write fails', async () => {
    const path = join(directory, 'model.safetensors');
    writeFileSync(path, 'previous');
    vi.spyOn(fs.promises, 'rename').mockRejectedValue(new Error('EXDEV: rename failed'));
    await expect(writeFileAtomic(path, new Uint8Array([1, 2, 3]))).rejects.toThrow('EXDEV');
    expect(readFileSync(path, 'utf8')).toBe('previous');
    expect(readdirSync(directory)).toEqual(['model.safetensors']);
  });

  it('fails cleanly when the directory does not exist', async () => {
    const path = join(directory, 'missing', 'model.safetensors');
    await expect(writeFileAtomic(path, new Uint8Array([1]))).rejects.toThrow(/ENOENT/);
    expect(() => writeFileAtomicSync(path, new Uint8Array([1]))).toThrow(/ENOENT/);
  });
});
