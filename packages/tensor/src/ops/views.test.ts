import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as torch from '../index.js';
import { type GoldenCase, runGoldenCase } from '../testing/golden.js';

// Golden values from PyTorch 1.13: scripts/gen-core2-goldens.py writes fixtures/views.json. Each case checks the
// result's shape, dtype, values, strides, storage offset, contiguity, whether it shares the input's storage and
// data pointer, or the exact error.
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/views.json', import.meta.url), 'utf8')) as {
  cases: GoldenCase[];
};

describe('views match PyTorch 1.13 (shapes, strides, offsets, sharing, errors)', () => {
  it('has the golden cases', () => expect(fixture.cases.length).toBeGreaterThan(100));
  for (const c of fixture.cases) {
    it(c.name, () => runGoldenCase({ ...c, group: 'views' }));
  }
});

const f32 = (values: number[], shape: number[]) => torch.tensor(values, { dtype: 'float32' }).reshape(shape);

describe('storage sharing, _base and write-through', () => {
  it('a chain of views keeps the original tensor as _base and writes through', () => {
    const x = torch.arange(24, { dtype: 'float32' });
    expect(x._base).toBeNull();
    const v = x.view(2, 3, 4);
    const w = v.transpose(0, 2).narrow(1, 1, 2).select(0, 3);
    expect(v._base).toBe(x);
    expect(w._base).toBe(x);
    expect(w.untypedStorage()).toBe(x.untypedStorage());
    expect(w.isView()).toBe(true);
    // w[i][j] = v[j][i + 1][3] = x[12 j + 4 (i + 1) + 3]
    w.fill_(-1);
    const expected = Array.from({ length: 24 }, (_, i) => i);
    for (const i of [0, 1]) for (const j of [0, 1]) expected[12 * j + 4 * (i + 1) + 3] = -1;
    expect(x.tolist()).toEqual(expected);
    expect(x._version).toBe(w._version);
  });

  it('writes through expand, diagonal, unfold, asStrided, squeeze/unsqueeze, T and mT', () => {
    const x = torch.zeros(3, 3);
    x.diagonal().fill_(1);
    expect(x.tolist()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    x.diagonal(1).copy_(torch.tensor([5, 6], { dtype: 'float32' }));
    expect(x.tolist()).toEqual([
      [1, 5, 0],
      [0, 1, 6],
      [0, 0, 1],
    ]);
    const flat = torch.zeros(6);
    flat.unfold(0, 2, 2).select(1, 1).fill_(7);
    expect(flat.tolist()).toEqual([0, 7, 0, 7, 0, 7]);
    flat.asStrided([2], [3], 0).fill_(9);
    expect(flat.tolist()).toEqual([9, 7, 0, 9, 0, 7]);
    const m = torch.zeros(2, 1, 3);
    m.squeeze(1).unsqueeze(0).T.mT.select(0, 2).fill_(4);
    expect(m.reshape(-1).tolist()).toEqual([0, 0, 4, 0, 0, 4]);
  });

  it('reshape/flatten share storage only when a view is possible; contiguous/clone/detach as PyTorch', () => {
    const x = torch.arange(12, { dtype: 'float32' }).view(3, 4);
    expect(x.reshape(4, 3).untypedStorage()).toBe(x.untypedStorage());
    expect(x.reshape(4, 3)._base).toBe(x._base);
    const copied = x.t().reshape(12);
    expect(copied.untypedStorage()).not.toBe(x.untypedStorage());
    expect(copied._base).toBeNull();
    expect(x.t().flatten().untypedStorage()).not.toBe(x.untypedStorage());
    expect(x.contiguous()).toBe(x);
    const c = x.t().contiguous();
    expect(c.untypedStorage()).not.toBe(x.untypedStorage());
    expect(c.stride()).toEqual([3, 1]);
    const cloned = x.clone();
    expect(cloned.untypedStorage()).not.toBe(x.untypedStorage());
    expect(cloned._base).toBeNull();
    const detached = x.t().detach();
    expect(detached.untypedStorage()).toBe(x.untypedStorage());
    expect(detached._base).toBeNull();
    expect(detached.stride()).toEqual([1, 4]);
    expect(detached.dataPtr()).toBe(x.dataPtr());
    expect(x.narrow(1, 1, 2).dataPtr()).toBe(x.dataPtr() + 4);
    expect(x.select(0, 1).dataPtr()).toBe(x.dataPtr() + 16);
  });

  it('clone keeps a dense layout and makes overlapping/sparse ones dense in the same order', () => {
    const x = torch.zeros(2, 3, 4).permute(2, 0, 1);
    expect(x.clone().stride()).toEqual([1, 12, 4]);
    expect(torch.zeros(3, 1).expand(3, 4).clone().stride()).toEqual([4, 1]);
    expect(torch.zeros(2, 3).narrow(1, 0, 2).clone().stride()).toEqual([2, 1]);
    expect(torch.zeros(4, 6).t().narrow(0, 0, 3).clone().stride()).toEqual([1, 3]);
  });

  it('resize_ keeps the contents and zero-fills new elements; views of the storage see the growth', () => {
    const x = torch.arange(4, { dtype: 'float32' }).view(2, 2);
    const alias = x.view(4);
    x.resize_(2, 3);
    expect(x.shape).toEqual([2, 3]);
    expect(x.stride()).toEqual([3, 1]);
    expect(x.reshape(-1).tolist()).toEqual([0, 1, 2, 3, 0, 0]);
    expect(alias.untypedStorage()).toBe(x.untypedStorage());
    expect(x.untypedStorage().length).toBe(6);
    x.resizeAs_(torch.zeros(1));
    expect(x.tolist()).toEqual([0]);
  });

  it('squeeze with a list removes only the listed size-1 dims', () => {
    const x = torch.zeros(1, 2, 1, 3, 1);
    expect(x.squeeze([0, -1]).shape).toEqual([2, 1, 3]);
    expect(x.squeeze([1, 2]).shape).toEqual([1, 2, 3, 1]);
    expect(x.squeeze([]).shape).toEqual([1, 2, 1, 3, 1]);
    expect(() => x.squeeze([0, 0])).toThrow('dim 0 appears multiple times in the list of dims');
  });

  it('dims out of range use PyTorch wording and error class', () => {
    const x = f32([1, 2, 3, 4], [2, 2]);
    expect(() => x.transpose(0, 2)).toThrow(torch.IndexError);
    expect(() => x.transpose(0, 2)).toThrow(
      'Dimension out of range (expected to be in range of [-2, 1], but got 2)',
    );
    expect(() => x.select(0, 2)).toThrow(torch.IndexError);
    expect(() => x.view(3)).toThrow(torch.RuntimeError);
    expect(() => x.t().view(4)).toThrow('Use .reshape(...) instead.');
    expect(() => x.asStrided([3, 3], [2, 1])).toThrow(/out of bounds for storage of size 16/);
    expect(() => x.mT.size(2)).toThrow(torch.IndexError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property test: random chains of view ops against a naive reference that tracks, for every element, the storage
// index it reads.

interface Reference {
  shape: number[];
  /** Storage index of each element, row-major. */
  index: number[];
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function unravel(linear: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = linear % shape[d]!;
    linear = Math.floor(linear / shape[d]!);
  }
  return out;
}

function ravel(index: readonly number[], shape: readonly number[]): number {
  let linear = 0;
  for (let d = 0; d < shape.length; d++) linear = linear * shape[d]! + index[d]!;
  return linear;
}

/** The reference after a view op: `source` maps each new multi-index to the old one. */
function remap(ref: Reference, shape: number[], source: (index: number[]) => number[]): Reference {
  const n = product(shape);
  const index = new Array<number>(n);
  for (let i = 0; i < n; i++) index[i] = ref.index[ravel(source(unravel(i, shape)), ref.shape)]!;
  return { shape, index };
}

type Step = (x: torch.Tensor, ref: Reference, seed: number) => [torch.Tensor, Reference] | null;

const STEPS: Record<string, Step> = {
  transpose(x, ref, seed) {
    if (ref.shape.length < 1) return null;
    const a = seed % ref.shape.length;
    const b = Math.floor(seed / 7) % ref.shape.length;
    const shape = ref.shape.slice();
    [shape[a], shape[b]] = [shape[b]!, shape[a]!];
    return [
      x.transpose(a, b - ref.shape.length),
      remap(ref, shape, (i) => {
        const o = i.slice();
        [o[a], o[b]] = [o[b]!, o[a]!];
        return o;
      }),
    ];
  },
  permute(x, ref, seed) {
    const order = ref.shape.map((_, i) => i);
    let s = seed;
    for (let i = order.length - 1; i > 0; i--) {
      const j = s % (i + 1);
      s = Math.floor(s / (i + 1)) + 3;
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const shape = order.map((d) => ref.shape[d]!);
    return [
      x.permute(order),
      remap(ref, shape, (i) => {
        const o = new Array<number>(i.length);
        order.forEach((d, k) => {
          o[d] = i[k]!;
        });
        return o;
      }),
    ];
  },
  narrow(x, ref, seed) {
    if (ref.shape.length === 0) return null;
    const d = seed % ref.shape.length;
    const size = ref.shape[d]!;
    const start = Math.floor(seed / 5) % (size + 1);
    const length = Math.floor(seed / 11) % (size - start + 1);
    const shape = ref.shape.slice();
    shape[d] = length;
    return [x.narrow(d, start, length), remap(ref, shape, (i) => i.map((v, k) => (k === d ? v + start : v)))];
  },
  select(x, ref, seed) {
    const d = ref.shape.findIndex((s, k) => s > 0 && k === seed % Math.max(ref.shape.length, 1));
    if (d < 0) return null;
    const i0 = Math.floor(seed / 3) % ref.shape[d]!;
    const shape = ref.shape.filter((_, k) => k !== d);
    return [
      x.select(d, i0 - (seed % 2 === 0 ? 0 : ref.shape[d]!)),
      remap(ref, shape, (i) => [...i.slice(0, d), i0, ...i.slice(d)]),
    ];
  },
  unsqueeze(x, ref, seed) {
    if (ref.shape.length >= 5) return null;
    const d = seed % (ref.shape.length + 1);
    const shape = [...ref.shape.slice(0, d), 1, ...ref.shape.slice(d)];
    return [x.unsqueeze(d), remap(ref, shape, (i) => [...i.slice(0, d), ...i.slice(d + 1)])];
  },
  squeeze(x, ref, seed) {
    const ones = ref.shape.map((s, k) => (s === 1 ? k : -1)).filter((k) => k >= 0);
    if (ones.length === 0) return null;
    const d = ones[seed % ones.length]!;
    const shape = ref.shape.filter((_, k) => k !== d);
    return [x.squeeze(d), remap(ref, shape, (i) => [...i.slice(0, d), 0, ...i.slice(d)])];
  },
  expand(x, ref, seed) {
    const size = 1 + (seed % 3);
    const shape = ref.shape.map((s) => (s === 1 ? size : s));
    const lead = seed % 2 === 0 && ref.shape.length < 4 ? [2] : [];
    return [
      x.expand([...lead, ...ref.shape.map((s) => (s === 1 ? size : -1))]),
      remap(ref, [...lead, ...shape], (i) =>
        i.slice(lead.length).map((v, k) => (ref.shape[k] === 1 ? 0 : v)),
      ),
    ];
  },
  diagonal(x, ref, seed) {
    if (ref.shape.length < 2) return null;
    const d1 = seed % ref.shape.length;
    const d2 = (d1 + 1 + (Math.floor(seed / 3) % (ref.shape.length - 1))) % ref.shape.length;
    const offset = (Math.floor(seed / 13) % 5) - 2;
    const length = Math.max(
      0,
      Math.min(ref.shape[d1]! + Math.min(offset, 0), ref.shape[d2]! - Math.max(offset, 0)),
    );
    const rest = ref.shape.map((_, k) => k).filter((k) => k !== d1 && k !== d2);
    const shape = [...rest.map((k) => ref.shape[k]!), length];
    return [
      x.diagonal(offset, d1, d2),
      remap(ref, shape, (i) => {
        const o = new Array<number>(ref.shape.length);
        rest.forEach((k, j) => {
          o[k] = i[j]!;
        });
        const t = i[i.length - 1]!;
        o[d1] = t + Math.max(-offset, 0);
        o[d2] = t + Math.max(offset, 0);
        return o;
      }),
    ];
  },
  unfold(x, ref, seed) {
    if (ref.shape.length === 0 || ref.shape.length >= 5) return null;
    const d = seed % ref.shape.length;
    const n = ref.shape[d]!;
    if (n === 0) return null;
    const size = 1 + (Math.floor(seed / 3) % n);
    const step = 1 + (Math.floor(seed / 17) % 3);
    const shape = ref.shape.slice();
    shape[d] = Math.floor((n - size) / step) + 1;
    shape.push(size);
    return [
      x.unfold(d, size, step),
      remap(ref, shape, (i) => i.slice(0, -1).map((v, k) => (k === d ? v * step + i[i.length - 1]! : v))),
    ];
  },
  reshape(x, ref, seed) {
    // Split the flat index space into a random factorisation of numel.
    const n = product(ref.shape);
    const divisors = [1, 2, 3, 4, 6].filter((k) => n % k === 0);
    const first = divisors[seed % divisors.length]!;
    const shape = n === 0 ? [0, 2] : [first, n / first];
    const result = seed % 3 === 0 ? x.flatten() : x.reshape(shape);
    const refShape = seed % 3 === 0 ? (ref.shape.length === 0 ? [1] : [n]) : shape;
    return [result, remap(ref, refShape, (i) => unravel(ravel(i, refShape), ref.shape))];
  },
  view(x, ref, seed) {
    // `view` must either succeed with the right index map or refuse; whenever it refuses, reshape must copy.
    const n = product(ref.shape);
    const shape = [n];
    let result: torch.Tensor;
    try {
      result = x.view(shape);
    } catch (error) {
      expect((error as Error).message).toContain('Use .reshape(...) instead.');
      const copy = x.reshape(shape);
      expect(copy.untypedStorage()).not.toBe(x.untypedStorage());
      return null;
    }
    void seed;
    expect(result.untypedStorage()).toBe(x.untypedStorage());
    return [result, remap(ref, shape, (i) => unravel(i[0]!, ref.shape))];
  },
  movedim(x, ref, seed) {
    if (ref.shape.length < 2) return null;
    const source = seed % ref.shape.length;
    const destination = Math.floor(seed / 5) % ref.shape.length;
    const order = ref.shape.map((_, k) => k).filter((k) => k !== source);
    order.splice(destination, 0, source);
    const shape = order.map((d) => ref.shape[d]!);
    return [
      x.movedim(source, destination),
      remap(ref, shape, (i) => {
        const o = new Array<number>(i.length);
        order.forEach((d, k) => {
          o[d] = i[k]!;
        });
        return o;
      }),
    ];
  },
};

/** Storage index of every element of `x`, row-major, from its strides and offset. */
function storageIndices(x: torch.Tensor): number[] {
  const shape = x.shape;
  const strides = x.stride();
  const out: number[] = [];
  const n = product(shape);
  for (let i = 0; i < n; i++) {
    const index = unravel(i, shape);
    out.push(x.storageOffset() + index.reduce((acc, v, d) => acc + v * strides[d]!, 0));
  }
  return out;
}

describe('property: random chains of view ops agree with a naive index-map reference', () => {
  it('matches shapes, storage indices and values; views share storage', () => {
    const names = Object.keys(STEPS);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(names.length - 1), fc.nat(10_000)), { minLength: 1, maxLength: 8 }),
        (shape, steps) => {
          const n = product(shape);
          let x = torch.arange(n, { dtype: 'float64' }).reshape(shape);
          const storage = x.untypedStorage();
          let ref: Reference = { shape, index: Array.from({ length: n }, (_, i) => i) };
          for (const [which, seed] of steps) {
            const next = STEPS[names[which]!]!(x, ref, seed);
            if (next === null) continue;
            [x, ref] = next;
            expect(x.shape).toEqual(ref.shape);
            if (x.untypedStorage() === storage) expect(storageIndices(x)).toEqual(ref.index);
            expect(product(x.shape) === 0 ? [] : (x.reshape(-1).tolist() as number[])).toEqual(ref.index);
            expect(x.isContiguous()).toBe(isContiguousReference(x.shape, x.stride()));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** PyTorch's definition, written out independently: strides of non-1 dims are the row-major ones. */
function isContiguousReference(shape: number[], strides: number[]): boolean {
  if (product(shape) === 0) return true;
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}
