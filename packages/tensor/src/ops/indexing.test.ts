import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DType, IndexItem, Tensor } from '../index.js';
import * as torch from '../index.js';

// ---------------------------------------------------------------------------------------------------------------
// Goldens from real PyTorch (scripts/gen-indexing-goldens.py): every op of indexing.ts and scatter.ts.

type Encoded = number | string | boolean;
interface TensorSpec {
  shape: number[];
  dtype: DType;
  data: Encoded[];
  permute?: number[];
  slice?: unknown[];
}
interface Expected {
  shape?: number[];
  dtype?: DType;
  data?: Encoded[];
  strides?: number[];
  offset?: number;
  shares?: boolean;
  tuple?: Expected[];
  error?: string;
}
interface GoldenCase {
  name: string;
  fn: string;
  method: boolean;
  args: unknown[];
  kwargs: Record<string, unknown>;
  expect: Expected;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/indexing.json', import.meta.url), 'utf8'),
) as {
  cases: GoldenCase[];
};

function decode(value: Encoded): number | boolean {
  if (value === 'nan') return Number.NaN;
  if (value === 'inf') return Number.POSITIVE_INFINITY;
  if (value === '-inf') return Number.NEGATIVE_INFINITY;
  return value as number | boolean;
}

function isTensorArg(value: unknown): value is { t: TensorSpec } {
  return typeof value === 'object' && value !== null && 't' in value;
}

function build(arg: unknown): unknown {
  if (isTensorArg(arg)) {
    const spec = arg.t;
    let t = torch.tensor(spec.data.map(decode), { dtype: spec.dtype }).view(spec.shape);
    if (spec.permute !== undefined) t = t.permute(spec.permute);
    if (spec.slice !== undefined) t = t.get(...spec.slice.map(item));
    return t;
  }
  if (Array.isArray(arg)) return arg.map(build);
  return arg;
}

/** Fixture index items → IndexItems, exercising every spelling: strings, slice objects, arrays, tensors. */
function item(raw: unknown): IndexItem {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    if ('s' in raw) return (raw as { s: string }).s;
    if ('slice' in raw) {
      const [start, stop, step] = (raw as { slice: (number | null)[] }).slice;
      return torch.slice(start, stop, step);
    }
    if ('list' in raw) return (raw as { list: IndexItem }).list;
    return build(raw) as Tensor;
  }
  return raw as IndexItem;
}

type Call = (args: unknown[], kwargs: Record<string, unknown>) => unknown;
const T = (value: unknown) => value as Tensor;
const N = (value: unknown) => value as number;

const CALLS: Record<string, Call> = {
  getitem: ([x, items]) => T(x).get(...(items as unknown[]).map(item)),
  setitem: ([x, items, value]) => T(x).set((items as unknown[]).map(item), value as Tensor),
  setitem_view: ([x, viewItems, items, value]) => {
    T(x)
      .get(...(viewItems as unknown[]).map(item))
      .set((items as unknown[]).map(item), value as Tensor);
    return x;
  },
  gather: ([x, d, i]) => torch.gather(T(x), N(d), T(i)),
  'method gather': ([x, d, i]) => T(x).gather(N(d), T(i)),
  scatter: ([x, d, i, s], kw) =>
    torch.scatter(T(x), N(d), T(i), s as Tensor, kw.reduce ? { reduce: kw.reduce as 'add' } : undefined),
  'method scatter_': ([x, d, i, s]) => T(x).scatter_(N(d), T(i), s as Tensor),
  scatter_add: ([x, d, i, s]) => torch.scatterAdd(T(x), N(d), T(i), T(s)),
  'method scatter_add_': ([x, d, i, s]) => T(x).scatterAdd_(N(d), T(i), T(s)),
  scatter_reduce: ([x, d, i, s], kw) =>
    torch.scatterReduce(T(x), N(d), T(i), T(s), kw.reduce as 'sum', {
      includeSelf: kw.include_self as boolean | undefined,
    }),
  'method scatter_reduce_': ([x, d, i, s, reduce]) => T(x).scatterReduce_(N(d), T(i), T(s), reduce as 'sum'),
  index_select: ([x, d, i]) => torch.indexSelect(T(x), N(d), T(i)),
  'method index_select': ([x, d, i]) => T(x).indexSelect(N(d), T(i)),
  index_add: ([x, d, i, s], kw) =>
    torch.indexAdd(T(x), N(d), T(i), T(s), { alpha: kw.alpha as number | undefined }),
  'method index_add_': ([x, d, i, s]) => T(x).indexAdd_(N(d), T(i), T(s)),
  index_fill: ([x, d, i, v]) => torch.indexFill(T(x), N(d), T(i), v as Tensor),
  'method index_fill_': ([x, d, i, v]) => T(x).indexFill_(N(d), T(i), v as Tensor),
  index_copy: ([x, d, i, s]) => torch.indexCopy(T(x), N(d), T(i), T(s)),
  'method index_copy_': ([x, d, i, s]) => T(x).indexCopy_(N(d), T(i), T(s)),
  index_put: ([x, indices, v], kw) =>
    torch.indexPut(T(x), indices as Tensor[], T(v), { accumulate: kw.accumulate as boolean }),
  'method index_put_': ([x, indices, v]) => T(x).indexPut_(indices as Tensor[], T(v)),
  masked_select: ([x, m]) => torch.maskedSelect(T(x), T(m)),
  masked_fill: ([x, m, v]) => torch.maskedFill(T(x), T(m), v as Tensor),
  'method masked_fill_': ([x, m, v]) => T(x).maskedFill_(T(m), v as Tensor),
  masked_scatter: ([x, m, s]) => torch.maskedScatter(T(x), T(m), T(s)),
  'method masked_scatter_': ([x, m, s]) => T(x).maskedScatter_(T(m), T(s)),
  take: ([x, i]) => torch.take(T(x), T(i)),
  take_along_dim: ([x, i, d]) => torch.takeAlongDim(T(x), T(i), d as number | undefined),
  nonzero: ([x], kw) => torch.nonzero(T(x), { asTuple: kw.as_tuple as boolean | undefined }),
  'method nonzero': ([x]) => T(x).nonzero(),
  argwhere: ([x]) => torch.argwhere(T(x)),
  where: ([x]) => torch.whereNonzero(T(x)),
};

/**
 * Where we follow newer PyTorch on purpose: int32 index tensors are accepted (PyTorch >= 2.0), so the message names
 * them too.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'float tensor index': 'IndexError: tensors used as indices must be long, int, byte or bool tensors',
};

function checkResult(actual: unknown, expected: Expected, first: unknown, name: string): void {
  if (expected.tuple !== undefined) {
    expect(Array.isArray(actual), name).toBe(true);
    const list = actual as Tensor[];
    expect(list.length).toBe(expected.tuple.length);
    list.forEach((t, i) => {
      checkResult(t, expected.tuple![i]!, first, name);
    });
    return;
  }
  const t = actual as Tensor;
  expect(t.shape, `${name}: shape`).toEqual(expected.shape);
  expect(t.dtype, `${name}: dtype`).toBe(expected.dtype);
  const flat = t.numel() === 0 ? [] : (t.reshape(-1).tolist() as unknown[]);
  expect(flat, `${name}: data`).toEqual(expected.data!.map(decode));
  const shares = t.untypedStorage() === (first as Tensor).untypedStorage();
  expect(shares, `${name}: shares storage`).toBe(expected.shares);
  if (expected.shares) {
    // Views and in-place results: PyTorch's exact layout.
    expect(t.stride(), `${name}: strides`).toEqual(expected.strides);
    expect(t.storageOffset(), `${name}: offset`).toBe(expected.offset);
  }
}

describe('goldens from PyTorch', () => {
  for (const c of fixture.cases) {
    it(`${c.fn}: ${c.name}`, () => {
      const args = c.args.map((a, i) =>
        (c.fn.startsWith('setitem') || c.fn === 'getitem') && i > 0 ? a : build(a),
      );
      if (c.fn === 'setitem') args[2] = build(c.args[2]);
      if (c.fn === 'setitem_view') args[3] = build(c.args[3]);
      if (c.fn === 'index_put' || c.fn === 'index_put_') args[1] = (c.args[1] as unknown[]).map(build);
      const call = CALLS[c.method ? `method ${c.fn}` : c.fn];
      if (call === undefined) throw new Error(`no call for ${c.fn}`);
      const expectedError = KNOWN_DIFFERENCES[c.name] ?? c.expect.error;
      if (expectedError !== undefined) {
        let message = '(no error)';
        try {
          call(args, c.kwargs);
        } catch (error) {
          message = `${(error as Error).name}: ${(error as Error).message}`;
        }
        expect(message).toBe(expectedError);
        return;
      }
      const out = call(args, c.kwargs);
      checkResult(out, c.expect, args[0], c.name);
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Behaviour beyond values

describe('get and set', () => {
  it('basic indexing returns views that write through to the base', () => {
    const x = torch.tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], { dtype: 'float32' }).view(3, 4);
    const row = x.get(1);
    expect(row._base).toBe(x._base);
    row.set(['::2'], -1);
    expect(x.tolist()).toEqual([
      [0, 1, 2, 3],
      [-1, 5, -1, 7],
      [8, 9, 10, 11],
    ]);
    const column = x.get(':', -1);
    expect(column.stride()).toEqual([4]);
    expect(column.storageOffset()).toBe(3);
  });

  it('advanced indexing returns copies', () => {
    const x = torch.arange(6).view(2, 3);
    const picked = x.get([1, 0]);
    expect(picked.untypedStorage()).not.toBe(x.untypedStorage());
    picked.set([0, 0], 100);
    expect(x.get(1, 0).item()).toBe(3);
  });

  it('x.get() and x.get("...") are new alias views', () => {
    const x = torch.arange(3);
    const alias = x.get('...');
    expect(alias).not.toBe(x);
    expect(alias.untypedStorage()).toBe(x.untypedStorage());
    expect(x.get()._base).toBe(x);
  });

  it('set bumps the version once and returns the tensor', () => {
    const x = torch.zeros(3, 4);
    const before = x._version;
    expect(x.set([0], 1)).toBe(x);
    expect(x._version).toBe(before + 1);
    x.set([[0, 2]], torch.ones(4));
    expect(x._version).toBe(before + 2);
  });

  it('set through a view bumps the shared version', () => {
    const x = torch.zeros(3, 4);
    const view = x.get('1:');
    const before = x._version;
    view.set([0, 0], 5);
    expect(x._version).toBe(before + 1);
    expect(x.get(1, 0).item()).toBe(5);
  });

  it('set accepts a single item without a list', () => {
    const x = torch.zeros(3);
    x.set(1, 4);
    expect(x.tolist()).toEqual([0, 4, 0]);
  });

  it('overlapping set reads the value before writing (x[1:] = x[:-1])', () => {
    const x = torch.arange(5);
    x.set(['1:'], x.get(':-1'));
    expect(x.tolist()).toEqual([0, 0, 1, 2, 3]);
  });

  it('int64 values beyond 2^53 are copied exactly', () => {
    const big = 2n ** 60n + 1n;
    const x = torch.tensor([big, 1n, 2n]);
    const picked = x.get([0, 0]);
    expect(Array.from(torch.toTypedArray(picked) as BigInt64Array)).toEqual([big, big]);
    const y = torch.zeros(2, { dtype: 'int64' });
    y.set([[1]], big);
    expect((torch.toTypedArray(y) as BigInt64Array)[1]).toBe(big);
  });

  it('rejects bad items with PyTorch-style errors', () => {
    const x = torch.zeros(3);
    expect(() => x.get(1.5)).toThrow(torch.IndexError);
    expect(() => x.get('1:2:3:4')).toThrow(TypeError);
    expect(() => x.get(torch.slice(0.5))).toThrow('slice indices must be integers');
    expect(() => x.get(torch.tensor([0.5]))).toThrow(
      'tensors used as indices must be long, int, byte or bool tensors',
    );
    expect(() => x.set([0], 'a' as never)).toThrow(TypeError);
  });

  it('accepts int32 index tensors (as PyTorch >= 2.0 does)', () => {
    const x = torch.arange(5);
    expect(x.get(torch.tensor([4, 0], { dtype: 'int32' })).tolist()).toEqual([4, 0]);
  });
});

describe('dispatch', () => {
  it('records get as PyTorch primitives and set as one in-place op', () => {
    const records: torch.OpRecord[] = [];
    torch.installAutogradHooks({
      isGradEnabled: () => true,
      prepareInplace: () => null,
      record: (r) => {
        records.push(r);
        // Stand-in for the engine: outputs of recorded ops require grad, so chained ops are recorded too.
        for (const out of r.outputs) if (out.isFloatingPoint() && !r.isInplace) out.requiresGrad_();
      },
      backward: () => {},
    });
    try {
      const x = torch.zeros(3, 4).requiresGrad_();
      x.get(0, '::2', null);
      x.get([0, 1], [1, 2]);
      expect(records.map((r) => r.op)).toEqual(['select', 'slice', 'unsqueeze', 'index']);
      expect(records[1]!.isView).toBe(true);
      expect(records[3]!.isView).toBeUndefined();
      records.length = 0;
      const y = torch.zeros(3, 4);
      const v = torch.ones(4).requiresGrad_();
      y.set([0], v);
      expect(records.map((r) => [r.op, r.isInplace])).toEqual([['setitem', true]]);
      records.length = 0;
      torch.maskedFill(x, torch.tensor([true, false, true, false]), 1);
      torch.gather(x, 1, torch.tensor([[0], [1], [2]]));
      expect(records.map((r) => r.op)).toEqual(['masked_fill', 'gather']);
    } finally {
      torch.installAutogradHooks(null);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property-based: get against a naive reference on nested index arithmetic.

/** A tensor as a function of its coordinates: the reference never shares code with the implementation. */
interface LazyTensor {
  shape: number[];
  at: (coords: number[]) => number;
}

type RefItem =
  | { kind: 'int'; value: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number }
  | { kind: 'ellipsis' }
  | { kind: 'newaxis' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'ints'; shape: number[]; values: number[] }
  | { kind: 'mask'; shape: number[]; values: boolean[] };

class ReferenceMismatch extends Error {}

function pythonSliceIndices(size: number, start: number | null, stop: number | null, step: number): number[] {
  let lo = start ?? 0;
  let hi = stop ?? size;
  if (lo < 0) lo = Math.max(lo + size, 0);
  if (hi < 0) hi = Math.max(hi + size, 0);
  lo = Math.min(lo, size);
  hi = Math.min(hi, size);
  const out: number[] = [];
  for (let i = lo; i < hi; i += step) out.push(i);
  return out;
}

function coordsOf(shape: readonly number[], flat: number): number[] {
  const coords = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    coords[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return coords;
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function materialize(t: LazyTensor): number[] {
  const out: number[] = [];
  for (let i = 0; i < numel(t.shape); i++) out.push(t.at(coordsOf(t.shape, i)));
  return out;
}

function referenceGet(x: LazyTensor, items: RefItem[]): LazyTensor {
  const consumed = items.reduce(
    (n, it) =>
      n +
      (it.kind === 'int' || it.kind === 'slice' || it.kind === 'ints'
        ? 1
        : it.kind === 'mask'
          ? it.shape.length
          : 0),
    0,
  );
  let cur = x;
  let dim = 0;
  const advanced: { dim: number; shape: number[]; values: number[] }[] = [];
  for (const it of items) {
    const prev = cur;
    const d = dim;
    switch (it.kind) {
      case 'int': {
        const i = it.value < 0 ? it.value + prev.shape[d]! : it.value;
        cur = {
          shape: prev.shape.filter((_, k) => k !== d),
          at: (c) => prev.at([...c.slice(0, d), i, ...c.slice(d)]),
        };
        break;
      }
      case 'slice': {
        const picks = pythonSliceIndices(prev.shape[d]!, it.start, it.stop, it.step);
        const shape = prev.shape.slice();
        shape[d] = picks.length;
        cur = { shape, at: (c) => prev.at(c.map((v, k) => (k === d ? picks[v]! : v))) };
        dim++;
        break;
      }
      case 'ellipsis':
        dim += x.shape.length - consumed;
        break;
      case 'newaxis':
      case 'bool': {
        const shape = prev.shape.slice();
        shape.splice(d, 0, 1);
        cur = { shape, at: (c) => prev.at(c.filter((_, k) => k !== d)) };
        if (it.kind === 'bool')
          advanced.push({ dim: d, shape: [it.value ? 1 : 0], values: it.value ? [0] : [] });
        dim++;
        break;
      }
      case 'ints':
        advanced.push({ dim: d, shape: it.shape, values: it.values });
        dim++;
        break;
      case 'mask': {
        // Row-major coordinates of the true elements, one 1-d index per mask dim.
        const trues: number[][] = [];
        it.values.forEach((v, flat) => {
          if (v) trues.push(coordsOf(it.shape, flat));
        });
        for (let j = 0; j < it.shape.length; j++) {
          advanced.push({ dim: d + j, shape: [trues.length], values: trues.map((c) => c[j]!) });
        }
        dim += it.shape.length;
        break;
      }
    }
  }
  if (advanced.length === 0) return cur;
  // Broadcast the index shapes (NumPy rule).
  const ndim = Math.max(...advanced.map((a) => a.shape.length));
  const broadcast = new Array<number>(ndim).fill(1);
  for (const a of advanced) {
    a.shape.forEach((size, k) => {
      const at = ndim - a.shape.length + k;
      if (broadcast[at] === 1) broadcast[at] = size;
      else if (size !== 1 && size !== broadcast[at]) throw new ReferenceMismatch('shape mismatch');
    });
  }
  const indexAt = (a: (typeof advanced)[number], b: number[]): number => {
    const own = a.shape.map((size, k) => (size === 1 ? 0 : b[ndim - a.shape.length + k]!));
    let flat = 0;
    own.forEach((c, k) => {
      flat = flat * a.shape[k]! + c;
    });
    const v = a.values[flat]!;
    return v < 0 ? v + cur.shape[a.dim]! : v;
  };
  const dims = advanced.map((a) => a.dim);
  const adjacent = dims[dims.length - 1]! - dims[0]! + 1 === dims.length;
  const rest = cur.shape.map((_, k) => k).filter((k) => !dims.includes(k));
  const before = adjacent ? rest.filter((k) => k < dims[0]!) : [];
  const after = rest.filter((k) => !before.includes(k));
  const source = cur;
  return {
    shape: [...before.map((k) => source.shape[k]!), ...broadcast, ...after.map((k) => source.shape[k]!)],
    at: (c) => {
      const coords = new Array<number>(source.shape.length).fill(0);
      before.forEach((k, j) => {
        coords[k] = c[j]!;
      });
      const b = c.slice(before.length, before.length + ndim);
      for (const a of advanced) coords[a.dim] = indexAt(a, b);
      after.forEach((k, j) => {
        coords[k] = c[before.length + ndim + j]!;
      });
      return source.at(coords);
    },
  };
}

/** Turns random numbers into a valid index expression for `shape` (and its spelling as IndexItems). */
function makeItems(shape: number[], random: number[]): { ref: RefItem[]; items: IndexItem[] } {
  let r = 0;
  const next = (n: number) => (n <= 0 ? 0 : random[r++ % random.length]! % n);
  const ref: RefItem[] = [];
  const items: IndexItem[] = [];
  const intLength = 1 + next(3);
  let usedEllipsis = false;
  let d = 0;
  while (d < shape.length) {
    if (next(5) === 0) {
      ref.push({ kind: 'newaxis' });
      items.push(null);
    }
    const size = shape[d]!;
    const action = next(9);
    if (action === 0) break; // leave the remaining dims alone
    if (action === 1 && size > 0) {
      const value = next(2 * size) - size;
      ref.push({ kind: 'int', value });
      items.push(value);
      d++;
    } else if (action === 2 || action === 3 || (action === 1 && size === 0)) {
      const start = next(3) === 0 ? null : next(13) - 6;
      const stop = next(3) === 0 ? null : next(13) - 6;
      const step = 1 + next(3);
      ref.push({ kind: 'slice', start, stop, step });
      const text = `${start ?? ''}:${stop ?? ''}${step === 1 && next(2) === 0 ? '' : `:${step}`}`;
      items.push(next(2) === 0 ? text : torch.slice(start, stop, step));
      d++;
    } else if (action === 4 && !usedEllipsis) {
      const covered = next(shape.length - d + 1);
      usedEllipsis = true;
      ref.push({ kind: 'ellipsis' });
      items.push('...');
      // The ellipsis covers `covered` dims, and must then be followed by exactly the remaining items: stop here
      // after indexing the trailing dims with ':'-free basic items.
      d += covered;
      // Everything after an ellipsis is aligned to the end, so index the trailing dims fully or not at all.
      while (d < shape.length) {
        const tail = shape[d]!;
        if (tail > 0 && next(2) === 0) {
          const value = next(tail);
          ref.push({ kind: 'int', value });
          items.push(value);
        } else {
          ref.push({ kind: 'slice', start: null, stop: null, step: 1 + next(2) });
          items.push(`::${(ref[ref.length - 1] as { step: number }).step}`);
        }
        d++;
      }
    } else if ((action === 5 || action === 6) && size > 0) {
      const twoD = next(4) === 0;
      const length = next(4) === 0 ? 1 : intLength;
      const count = twoD ? 2 * length : length;
      const values = Array.from({ length: count }, () => next(2 * size) - size);
      const itemShape = twoD ? [2, length] : [length];
      ref.push({ kind: 'ints', shape: itemShape, values });
      items.push(
        next(2) === 0
          ? twoD
            ? [values.slice(0, length), values.slice(length)]
            : values
          : torch.tensor(values, { dtype: 'int64' }).view(itemShape),
      );
      d++;
    } else if (action === 7) {
      const width = d + 1 < shape.length && next(2) === 0 ? 2 : 1;
      const maskShape = shape.slice(d, d + width);
      const values = Array.from({ length: numel(maskShape) }, () => next(2) === 0);
      ref.push({ kind: 'mask', shape: maskShape, values });
      const nested =
        width === 1
          ? values
          : Array.from({ length: maskShape[0]! }, (_, i) =>
              values.slice(i * maskShape[1]!, (i + 1) * maskShape[1]!),
            );
      // Empty masks as nested arrays lose their shape (and `[]` is an integer index), so they go as tensors.
      const asArray = numel(maskShape) > 0 && next(2) === 0;
      items.push(asArray ? nested : torch.tensor(values, { dtype: 'bool' }).view(maskShape));
      d += width;
    } else if (action === 8 && next(3) === 0) {
      const value = next(2) === 0;
      ref.push({ kind: 'bool', value });
      items.push(value);
    } else {
      ref.push({ kind: 'slice', start: null, stop: null, step: 1 });
      items.push(':');
      d++;
    }
  }
  return { ref, items };
}

describe('property: get matches a naive reference', () => {
  it('random shapes up to 4-d, random mixes of items', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
        fc.array(fc.nat(1000), { minLength: 48, maxLength: 48 }),
        fc.boolean(),
        (rawShape, random, permuted) => {
          // Mostly non-empty dims; a 0-size dim now and then.
          const shape = rawShape.map((s, i) => (s === 0 && random[i]! % 4 !== 0 ? 1 : s));
          const n = numel(shape);
          // The input is either contiguous or a permuted (strided) view of a contiguous base.
          const order = shape.map((_, i) => i);
          if (permuted) order.reverse();
          const baseShape = order.map((k) => shape[k]!);
          const x = torch
            .arange(n, { dtype: 'float32' })
            .view(baseShape)
            .permute(order.map((_, i) => order.indexOf(i)));
          const baseStrides = torch.contiguousStrides(baseShape);
          const lazy: LazyTensor = {
            shape,
            at: (c) => c.reduce((sum, v, i) => sum + v * baseStrides[order.indexOf(i)]!, 0),
          };
          expect(x.shape).toEqual(shape);
          const { ref, items } = makeItems(shape, random);
          let expected: LazyTensor | null = null;
          try {
            expected = referenceGet(lazy, ref);
          } catch (error) {
            if (!(error instanceof ReferenceMismatch)) throw error;
          }
          if (expected === null) {
            expect(() => x.get(...items)).toThrow(torch.IndexError);
            return;
          }
          const out = x.get(...items);
          expect(out.shape).toEqual(expected.shape);
          const flat = out.numel() === 0 ? [] : (out.reshape(-1).tolist() as number[]);
          expect(flat).toEqual(materialize(expected));
          const advanced = ref.some((it) => it.kind === 'ints' || it.kind === 'mask' || it.kind === 'bool');
          expect(out.untypedStorage() === x.untypedStorage()).toBe(!advanced);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('set writes exactly where get reads (basic and advanced)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(1000), { minLength: 48, maxLength: 48 }),
        (shape, random) => {
          const { items, ref } = makeItems(shape, random);
          const x = torch.zeros(shape);
          let selected: Tensor;
          try {
            selected = x.get(...items);
          } catch {
            return; // invalid combinations are covered by the first property
          }
          // Duplicated advanced indices make "last write wins" order-dependent; skip those.
          const hasAdvanced = ref.some((it) => it.kind === 'ints' || it.kind === 'bool');
          if (hasAdvanced) return;
          x.set(items, 1);
          // Basic items and masks select distinct elements: exactly those become 1.
          expect(x.sum().item()).toBe(selected.numel());
          if (selected.numel() > 0)
            expect(
              x
                .get(...items)
                .amin()
                .item(),
            ).toBe(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
