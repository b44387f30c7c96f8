import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DType, Tensor } from '../index.js';
import * as torch from '../index.js';

// Golden values from PyTorch 1.13 (CPU): scripts/gen-sort-goldens.py writes them.
type Value = number | string;
interface TensorJson {
  dtype: DType;
  shape: number[];
  data: Value[];
}
interface Case {
  name: string;
  op: string;
  inputs: Record<string, TensorJson>;
  args: Record<string, unknown>;
  outputs?: TensorJson[];
  error?: { type: string; message: string };
}
const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/sort.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

function decodeNumber(value: Value): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === '-0') return -0;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(value);
}

function fromJson(json: TensorJson): Tensor {
  if (json.dtype === 'int64') {
    const data = BigInt64Array.from(json.data.map((v) => BigInt(v as string)));
    return torch.fromTypedArray(data, json.shape);
  }
  const values = json.data.map(decodeNumber);
  return torch.tensor(values, { dtype: json.dtype }).reshape(json.shape);
}

/** Flat values of a tensor as strings (int64) or numbers, for exact comparison (NaN equal, -0 kept). */
function flatValues(t: Tensor): Value[] {
  if (t.dtype === 'int64')
    return Array.from(torch.toTypedArray(t.contiguous()) as BigInt64Array, (v) => v.toString());
  const list = t.reshape([-1]).tolist() as (number | boolean)[];
  return list.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
}

function expectTensor(actual: Tensor, expected: TensorJson, label: string): void {
  expect(actual.dtype, `${label} dtype`).toBe(expected.dtype);
  expect(actual.shape, `${label} shape`).toEqual(expected.shape);
  const values = flatValues(actual);
  const wanted = expected.dtype === 'int64' ? expected.data : expected.data.map(decodeNumber);
  expect(values.length, `${label} length`).toBe(wanted.length);
  for (let i = 0; i < values.length; i++) {
    const a = values[i]!;
    const b = wanted[i]!;
    if (!Object.is(a, b)) expect.fail(`${label}[${i}]: got ${String(a)}, expected ${String(b)}`);
  }
}

/** The args a case may carry (TypeScript names). */
interface Args {
  dim?: number;
  descending?: boolean;
  stable?: boolean;
  k?: number;
  largest?: boolean;
  sorted?: boolean;
  keepdim?: boolean;
  q?: number;
  interpolation?: torch.QuantileInterpolation;
  returnInverse?: boolean;
  returnCounts?: boolean;
  minlength?: number;
  bins?: number;
  min?: number;
  max?: number;
  right?: boolean;
  side?: 'left' | 'right';
  outInt32?: boolean;
  value?: number;
}

function run(c: Case): Tensor | Tensor[] {
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, fromJson(v)]));
  const decodedArgs = Object.fromEntries(
    Object.entries(c.args).map(([k, v]) => [
      k,
      k !== 'side' && k !== 'interpolation' && typeof v === 'string' ? decodeNumber(v) : v,
    ]),
  );
  const a = decodedArgs as Args;
  const x = inputs.x!;
  switch (c.op) {
    case 'sort':
      return torch.sort(x, { dim: a.dim, descending: a.descending, stable: a.stable });
    case 'argsort':
      return torch.argsort(x, a.dim ?? -1, a.descending ?? false, { stable: a.stable });
    case 'msort':
      return torch.msort(x);
    case 'topk':
      return torch.topk(x, a.k!, { dim: a.dim, largest: a.largest, sorted: a.sorted });
    case 'kthvalue':
      return torch.kthvalue(x, a.k!, a.dim ?? -1, a.keepdim);
    case 'median':
      return a.dim === undefined ? torch.median(x) : torch.median(x, a.dim, { keepdim: a.keepdim });
    case 'nanmedian':
      return a.dim === undefined ? x.nanmedian() : x.nanmedian(a.dim, a.keepdim);
    case 'mode':
      return x.mode({ dim: a.dim, keepdim: a.keepdim });
    case 'quantile':
    case 'nanquantile': {
      const fn = c.op === 'quantile' ? torch.quantile : torch.nanquantile;
      return fn(x, inputs.q ?? a.q!, a.dim, { keepdim: a.keepdim, interpolation: a.interpolation });
    }
    case 'unique':
      return torch.unique(x, {
        sorted: a.sorted,
        returnInverse: a.returnInverse,
        returnCounts: a.returnCounts,
        dim: a.dim,
      });
    case 'uniqueConsecutive':
      return torch.uniqueConsecutive(x, {
        returnInverse: a.returnInverse,
        returnCounts: a.returnCounts,
        dim: a.dim,
      });
    case 'bincount':
      return torch.bincount(x, inputs.w ?? null, a.minlength);
    case 'histc':
      return x.histc({ bins: a.bins, min: a.min, max: a.max });
    case 'searchsorted':
      return torch.searchsorted(inputs.s!, inputs.v ?? a.value!, {
        right: a.right,
        side: a.side,
        outInt32: a.outInt32,
        sorter: inputs.sorter,
      });
    case 'bucketize':
      return torch.bucketize(inputs.x ?? a.value!, inputs.b!, { right: a.right, outInt32: a.outInt32 });
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

describe('sorting ops match PyTorch 1.13 goldens', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      if (c.error !== undefined) {
        let thrown: unknown = null;
        try {
          run(c);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, 'expected an error').toBeInstanceOf(Error);
        expect((thrown as Error).name).toBe(c.error.type);
        expect((thrown as Error).message).toBe(c.error.message);
        return;
      }
      const result = run(c);
      const outputs = Array.isArray(result) ? [...result] : [result];
      expect(outputs.length).toBe(c.outputs!.length);
      for (const [i, t] of outputs.entries()) expectTensor(t, c.outputs![i]!, `${c.name} output ${i}`);
    });
  }
});

describe('sort API', () => {
  it('returns named values and indices, and methods agree with functions', () => {
    const x = torch.tensor([3, 1, 2]);
    const { values, indices } = x.sort();
    expect(values.tolist()).toEqual([1, 2, 3]);
    expect(indices.tolist()).toEqual([1, 2, 0]);
    const [v, i] = torch.sort(x, 0, true);
    expect(v.tolist()).toEqual([3, 2, 1]);
    expect(i.tolist()).toEqual([0, 2, 1]);
    expect(x.argsort({ descending: true }).tolist()).toEqual([0, 2, 1]);
    expect(x.topk(2).values.tolist()).toEqual([3, 2]);
    expect(x.kthvalue(2).values.item()).toBe(2);
  });

  it('sorts non-contiguous inputs along any dim', () => {
    const x = torch
      .tensor([
        [5, 1, 4],
        [2, 8, 0],
      ])
      .t();
    const { values, indices } = torch.sort(x, 0);
    expect(values.tolist()).toEqual([
      [1, 0],
      [4, 2],
      [5, 8],
    ]);
    expect(indices.tolist()).toEqual([
      [1, 2],
      [2, 0],
      [0, 1],
    ]);
  });

  it('stable sort agrees with a naive stable sort (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 0, maxLength: 80 }),
        fc.boolean(),
        (data, descending) => {
          const { values, indices } = torch.sort(torch.tensor(data, { dtype: 'float32' }), {
            stable: true,
            descending,
          });
          const order = data
            .map((_, i) => i)
            .sort((p, q) => (descending ? data[q]! - data[p]! : data[p]! - data[q]!) || p - q);
          expect(indices.tolist()).toEqual(order);
          expect(values.tolist()).toEqual(order.map((i) => data[i]));
        },
      ),
    );
  });

  it('unstable sort orders values correctly and returns a permutation (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 200 }), (data) => {
        const { values, indices } = torch.sort(torch.tensor(data, { dtype: 'int64' }));
        const sortedValues = data.slice().sort((p, q) => p - q);
        expect(values.tolist()).toEqual(sortedValues);
        const idx = indices.tolist() as number[];
        expect(idx.slice().sort((p, q) => p - q)).toEqual(data.map((_, i) => i));
        expect(idx.map((i) => data[i])).toEqual(sortedValues);
      }),
    );
  });
});
