import type * as NodeFs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { DType } from '../dtype.js';
import * as torch from '../index.js';

// The module object the code under test uses (spied on below to inject failures).
const fs = (process as unknown as { getBuiltinModule(id: string): typeof NodeFs }).getBuiltinModule(
  'node:fs',
);
const directory = mkdtempSync(join(tmpdir(), 'proj-serialization-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(directory, `file-${counter++}.safetensors`);

/** Equality of values and dtype/shape; NaN equals NaN whatever its payload bits. */
function expectSameTensor(actual: unknown, expected: torch.Tensor): void {
  expect(actual).toBeInstanceOf(torch.Tensor);
  const t = actual as torch.Tensor;
  expect(t.dtype).toBe(expected.dtype);
  expect(t.shape).toEqual(expected.shape);
  const a = t.toTypedArray();
  const e = expected.toTypedArray();
  expect(a.length).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (typeof y === 'number' && Number.isNaN(y)) expect(Number.isNaN(x as number)).toBe(true);
    else expect(x).toBe(y);
  }
}

const EVERY_DTYPE: Record<DType, () => torch.Tensor> = {
  float32: () =>
    torch.tensor([0, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -3.4e38, 1e-45], { dtype: 'float32' }),
  float64: () =>
    torch.tensor([0, -0, Math.PI, Number.NaN, Number.NEGATIVE_INFINITY, Number.MAX_VALUE, 5e-324], {
      dtype: 'float64',
    }),
  float16: () =>
    torch.tensor([0, 1.5, -65504, Number.NaN, Number.POSITIVE_INFINITY, 6e-8], { dtype: 'float16' }),
  bfloat16: () => torch.tensor([0, 1.5, -3e38, Number.NaN, Number.NEGATIVE_INFINITY], { dtype: 'bfloat16' }),
  int64: () => torch.tensor([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 53n + 1n]),
  int32: () => torch.tensor([-(2 ** 31), 2 ** 31 - 1, 0, -1], { dtype: 'int32' }),
  int16: () => torch.tensor([-32768, 32767, 0], { dtype: 'int16' }),
  int8: () => torch.tensor([-128, 127, 0], { dtype: 'int8' }),
  uint8: () => torch.tensor([0, 255, 17], { dtype: 'uint8' }),
  bool: () => torch.tensor([true, false, true]),
};

describe('save/load round trips', () => {
  for (const [dtype, make] of Object.entries(EVERY_DTYPE)) {
    it(`${dtype}, including its extremes`, () => {
      const path = freshPath();
      const t = make();
      torch.save(t, path);
      expectSameTensor(torch.load(path), t);
      const nested = torch.deserialize(torch.serialize({ x: t.reshape(1, -1) })) as { x: torch.Tensor };
      expectSameTensor(nested.x, t.reshape(1, -1));
    });
  }

  it('NaN payloads do not matter for equality (float32 bits may be canonicalised)', () => {
    const bits = new Uint32Array([0x7fc00001, 0xffc00000, 0x7f800001]);
    const t = torch.fromTypedArray(new Float32Array(bits.buffer));
    const back = torch.deserialize(torch.serialize(t)) as torch.Tensor;
    expectSameTensor(back, t);
  });

  it('non-contiguous tensors are saved with their logical values', () => {
    const base = torch.arange(12, { dtype: 'float32' }).view(3, 4);
    const views = {
      transposed: base.t(),
      sliced: base.narrow(1, 1, 2),
      expanded: torch.tensor([1, 2], { dtype: 'int64' }).expand(3, 2),
      diagonal: base.diagonal(),
    };
    const path = freshPath();
    torch.save(views, path);
    const loaded = torch.load(path) as Record<string, torch.Tensor>;
    for (const [name, t] of Object.entries(views)) {
      expectSameTensor(loaded[name], t.contiguous());
      expect(loaded[name]!.isContiguous()).toBe(true);
    }
  });

  it('0-d and empty tensors', () => {
    const value = {
      scalar: torch.tensor(2.5),
      empty: torch.zeros(0, 3),
      emptyInt: torch.zeros([2, 0], { dtype: 'int64' }),
    };
    const loaded = torch.deserialize(torch.serialize(value)) as Record<string, torch.Tensor>;
    expectSameTensor(loaded.scalar, value.scalar);
    expectSameTensor(loaded.empty, value.empty);
    expectSameTensor(loaded.emptyInt, value.emptyInt);
  });

  it('nested objects, arrays and Maps with numbers, strings, booleans, bigints, null and non-finite numbers', () => {
    const weight = torch.randn(2, 3);
    const state = {
      model: {
        'layer.0': { weight, bias: torch.zeros(3) },
        layers: [torch.ones(1), { inner: torch.tensor([1n, 2n]) }],
      },
      optimizer: new Map<string, torch.Saveable>([
        ['lr', 0.001],
        ['betas', [0.9, 0.999]],
        ['name', 'adam'],
        ['amsgrad', false],
        ['step', 12345678901234567890n],
      ]),
      epoch: 3,
      note: null,
      special: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0],
      unicode: 'héllo ✓ "quoted" \\ \n',
      lookalikes: ['NaN', 'Infinity', '-0', '1n'],
      protoKey: JSON.parse('{"__proto__": 1}') as Record<string, number>,
      empty: {},
      emptyList: [],
    };
    const path = freshPath();
    torch.save(state, path);
    const loaded = torch.load(path) as typeof state;
    expectSameTensor(loaded.model['layer.0'].weight, weight);
    expectSameTensor(loaded.model['layer.0'].bias, state.model['layer.0'].bias);
    expectSameTensor(loaded.model.layers[0], torch.ones(1));
    expectSameTensor((loaded.model.layers[1] as { inner: torch.Tensor }).inner, torch.tensor([1n, 2n]));
    expect(loaded.optimizer).toBeInstanceOf(Map);
    expect([...loaded.optimizer.entries()]).toEqual([...state.optimizer.entries()]);
    expect(loaded.epoch).toBe(3);
    expect(loaded.note).toBeNull();
    expect(loaded.special[0]).toBeNaN();
    expect(loaded.special.slice(1, 3)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(Object.is(loaded.special[3], -0)).toBe(true);
    expect(loaded.unicode).toBe(state.unicode);
    expect(loaded.lookalikes).toEqual(['NaN', 'Infinity', '-0', '1n']);
    expect(Object.keys(loaded.protoKey)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(loaded.protoKey)).toBe(Object.prototype);
    expect(loaded.empty).toEqual({});
    expect(loaded.emptyList).toEqual([]);
  });

  it('async save/load', async () => {
    const path = freshPath();
    const t = torch.arange(5, { dtype: 'float64' });
    await torch.saveAsync({ t }, path);
    expectSameTensor(((await torch.loadAsync(path)) as { t: torch.Tensor }).t, t);
  });

  it('keys that collide after flattening are rejected before anything is written', () => {
    const path = freshPath();
    expect(() => torch.save({ 'a.b': torch.ones(1), a: { b: torch.ones(1) } }, path)).toThrow(
      torch.ValueError,
    );
    expect(fs.existsSync(path)).toBe(false);
  });

  it('a key named like the safetensors metadata entry still round-trips', () => {
    const value = { __metadata__: torch.ones(2), nested: { __metadata__: torch.zeros(1) } };
    const loaded = torch.deserialize(torch.serialize(value)) as typeof value;
    expectSameTensor(loaded.__metadata__, value.__metadata__);
    expectSameTensor(loaded.nested.__metadata__, value.nested.__metadata__);
  });

  it('files without our structure entry (plain safetensors) load as a flat object of tensors', () => {
    const bytes = plainSafetensors({
      'a.weight': { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) },
    });
    const loaded = torch.deserialize(bytes) as Record<string, torch.Tensor>;
    expectSameTensor(loaded['a.weight'], torch.tensor([1, 2], { dtype: 'float32' }));
  });
});

/** Builds a safetensors file by hand, as another tool would write it. */
function plainSafetensors(
  tensors: Record<string, { dtype: string; shape: number[]; data: ArrayBufferView }>,
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header.__metadata__ = metadata;
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let text = JSON.stringify(header);
  while ((8 + text.length) % 8 !== 0) text += ' ';
  const headerBytes = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const chunk of chunks) {
    out.set(chunk, position);
    position += chunk.length;
  }
  return out;
}

describe('truncated and corrupted files give clear errors', () => {
  const good = torch.serialize({ weight: torch.randn(4, 4), step: 3 });

  it('every truncation of a valid file is rejected with a message naming the file', () => {
    const path = freshPath();
    for (let length = 0; length < good.length; length += 7) {
      writeFileSync(path, good.subarray(0, length));
      expect(() => torch.load(path)).toThrow(path);
    }
  });

  it('a header length far beyond the file is rejected without allocating it', () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 62n, true);
    expect(() => torch.deserialize(bytes, 'huge.safetensors')).toThrow(/huge\.safetensors.*corrupted/);
    new DataView(bytes.buffer).setBigUint64(0, 1_000_000n, true);
    expect(() => torch.deserialize(bytes, 'long.safetensors')).toThrow(/truncated/);
  });

  it('a shape that does not match its data, or an absurd shape, is rejected', () => {
    const lying = plainSafetensors({
      w: { dtype: 'F32', shape: [1_000_000_000, 1_000_000_000], data: new Float32Array(4) },
    });
    expect(() => torch.deserialize(lying)).toThrow(/corrupted/);
    const short = plainSafetensors({ w: { dtype: 'F32', shape: [5], data: new Float32Array(4) } });
    expect(() => torch.deserialize(short)).toThrow(/corrupted/);
  });

  it('random byte flips never crash: either a clear error or a well-formed result', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 300; trial++) {
      const bytes = good.slice();
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        torch.deserialize(bytes, 'flipped');
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).name).toMatch(/SafetensorsError|ValueError/);
      }
    }
  });

  it('a corrupted structure entry is reported as such', () => {
    const notJson = plainSafetensors(
      { w: { dtype: 'F32', shape: [1], data: new Float32Array(1) } },
      { 'proj.structure': '{oops' },
    );
    expect(() => torch.deserialize(notJson, 'model.safetensors')).toThrow(
      "load(): 'model.safetensors' has a corrupted proj.structure entry (not JSON)",
    );
    const missing = plainSafetensors(
      { w: { dtype: 'F32', shape: [1], data: new Float32Array(1) } },
      { 'proj.structure': JSON.stringify({ o: [['x', { t: 'nothere' }]] }) },
    );
    expect(() => torch.deserialize(missing, 'model.safetensors')).toThrow(/names tensor 'nothere'/);
    const malformed = plainSafetensors(
      { w: { dtype: 'F32', shape: [1], data: new Float32Array(1) } },
      { 'proj.structure': JSON.stringify({ q: 1 }) },
    );
    expect(() => torch.deserialize(malformed, 'model.safetensors')).toThrow(/malformed proj.structure/);
    const wrongShape = plainSafetensors(
      { w: { dtype: 'F32', shape: [1], data: new Float32Array(1) } },
      { 'proj.structure': JSON.stringify({ a: 5 }) },
    );
    expect(() => torch.deserialize(wrongShape, 'model.safetensors')).toThrow(/malformed proj.structure/);
  });
});

describe('a failed save never destroys the previous file', () => {
  const previous = { w: torch.arange(3, { dtype: 'float32' }) };

  function withPreviousFile(): string {
    const path = freshPath();
    torch.save(previous, path);
    return path;
  }

  function expectPreviousIntact(path: string): void {
    expectSameTensor((torch.load(path) as typeof previous).w, previous.w);
    // No temporary file is left behind.
    expect(readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }

  it('when the value cannot be serialised', () => {
    const path = withPreviousFile();
    expect(() => torch.save({ w: torch.ones(2), bad: Symbol('x') as never }, path)).toThrow(torch.ValueError);
    expectPreviousIntact(path);
  });

  it('when writing fails half-way (disk full)', () => {
    const path = withPreviousFile();
    const spy = vi.spyOn(fs, 'writeSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    try {
      expect(() => torch.save({ w: torch.ones(1000) }, path)).toThrow('ENOSPC');
    } finally {
      spy.mockRestore();
    }
    expectPreviousIntact(path);
  });

  it('when the final rename fails', async () => {
    const path = withPreviousFile();
    const spy = vi
      .spyOn(fs.promises, 'rename')
      .mockRejectedValueOnce(Object.assign(new Error('EXDEV'), { code: 'EXDEV' }));
    try {
      await expect(torch.saveAsync({ w: torch.ones(10) }, path)).rejects.toThrow('EXDEV');
    } finally {
      spy.mockRestore();
    }
    expectPreviousIntact(path);
  });

  it('when the temporary file cannot be created (directory not writable or missing)', () => {
    const missing = join(directory, 'no-such-directory', 'model.safetensors');
    expect(() => torch.save(previous, missing)).toThrow(/ENOENT/);
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (isRoot) return; // root ignores directory permissions
    const locked = mkdtempSync(join(directory, 'locked-'));
    const path = join(locked, 'model.safetensors');
    torch.save(previous, path);
    fs.chmodSync(locked, 0o500);
    try {
      expect(() => torch.save({ w: torch.ones(1) }, path)).toThrow(/EACCES/);
    } finally {
      fs.chmodSync(locked, 0o700);
    }
    expectSameTensor((torch.load(path) as typeof previous).w, previous.w);
  });

  it('the file on disk is byte-identical to serialize()', () => {
    const path = freshPath();
    const value = { a: torch.ones(3), b: [1, 'two'] };
    torch.save(value, path);
    expect(new Uint8Array(readFileSync(path))).toEqual(torch.serialize(value));
  });
});
