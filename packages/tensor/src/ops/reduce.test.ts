import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as torch from '../index.js';
import { type GoldenCase, runGoldenCase } from '../testing/golden.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/reduce.json', import.meta.url), 'utf8')) as {
  cases: GoldenCase[];
};

// Golden values from PyTorch 1.13: scripts/gen-core2-goldens.py writes fixtures/reduce.json (values, dtypes,
// shapes, NaN/-inf/tie handling, empty inputs, non-contiguous inputs and exact error messages).
describe('reductions match PyTorch 1.13', () => {
  for (const c of fixture.cases) {
    it(c.name, () => runGoldenCase({ ...c, group: 'reduce' }));
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Hand-written checks of what the fixtures cannot express.

describe('reduction call forms and dtypes', () => {
  const x = torch.tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { dtype: 'float32' },
  );
  it('accepts dims positionally, as a list or in an options object', () => {
    expect(x.sum(1).tolist()).toEqual([6, 15]);
    expect(x.sum([0, 1]).item()).toBe(21);
    expect(x.sum({ dim: 0, keepdim: true }).shape).toEqual([1, 3]);
    expect(x.sum(1, true).shape).toEqual([2, 1]);
    expect(x.mean(-1, { keepdim: true }).tolist()).toEqual([[2], [5]]);
    expect(x.var({ dim: 1, correction: 0 }).tolist()).toEqual([2 / 3, 2 / 3].map(Math.fround));
  });

  it('sums integers and booleans to int64 exactly', () => {
    const big = torch.tensor([2n ** 62n, 2n ** 62n - 1n, -5n]);
    const total = big.sum();
    expect(total.dtype).toBe('int64');
    expect((total.toTypedArray() as BigInt64Array)[0]).toBe(2n ** 63n - 6n);
    expect(torch.tensor([true, true, false]).sum().dtype).toBe('int64');
    expect(torch.tensor([1, 2], { dtype: 'int8' }).cumsum(0).dtype).toBe('int64');
    expect(torch.tensor([1, 2], { dtype: 'int8' }).sum({ dtype: 'float32' }).dtype).toBe('float32');
  });

  it('max/min with a dim destructure like a named tuple', () => {
    const [values, indices] = x.max(1);
    expect(values.tolist()).toEqual([3, 6]);
    expect(indices.tolist()).toEqual([2, 2]);
    const result = x.min(0, true);
    expect(result.values.shape).toEqual([1, 3]);
    expect(result.indices.dtype).toBe('int64');
    expect(torch.max(x, torch.tensor(4, { dtype: 'float32' })).tolist()).toEqual([
      [4, 4, 4],
      [4, 5, 6],
    ]);
  });

  it('empty reductions', () => {
    const empty = torch.zeros(0, 3);
    expect(empty.sum().item()).toBe(0);
    expect(empty.prod().item()).toBe(1);
    expect(Number.isNaN(empty.mean().item() as number)).toBe(true);
    expect(() => empty.max()).toThrow(
      "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
    );
    expect(empty.amax(1).shape).toEqual([0]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property test: reductions over random dims of random (possibly non-contiguous) tensors against a naive reference.

function unravel(linear: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = linear % shape[d]!;
    linear = Math.floor(linear / shape[d]!);
  }
  return out;
}

/** Groups the row-major `values` of `shape` by output element of a reduction over `dims`. */
function groups(values: number[], shape: number[], dims: number[]): number[][] {
  const outShape = shape.filter((_, d) => !dims.includes(d));
  const count = outShape.reduce((a, b) => a * b, 1);
  const out: number[][] = Array.from({ length: count }, () => []);
  values.forEach((v, i) => {
    const index = unravel(i, shape).filter((_, d) => !dims.includes(d));
    let linear = 0;
    index.forEach((k, j) => {
      linear = linear * outShape[j]! + k;
    });
    out[linear]!.push(v);
  });
  return out;
}

const REFERENCE: Record<string, (xs: number[]) => number> = {
  sum: (xs) => xs.reduce((a, b) => a + b, 0),
  prod: (xs) => xs.reduce((a, b) => a * b, 1),
  mean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  amax: (xs) => (xs.some(Number.isNaN) ? NaN : Math.max(...xs)),
  amin: (xs) => (xs.some(Number.isNaN) ? NaN : Math.min(...xs)),
  nansum: (xs) => xs.filter((v) => !Number.isNaN(v)).reduce((a, b) => a + b, 0),
  var0: (xs) => {
    const m = REFERENCE.mean!(xs);
    return xs.reduce((a, v) => a + (v - m) ** 2, 0) / xs.length;
  },
  var1: (xs) => {
    const m = REFERENCE.mean!(xs);
    return xs.reduce((a, v) => a + (v - m) ** 2, 0) / Math.max(0, xs.length - 1);
  },
  logsumexp: (xs) => {
    const m = Math.max(...xs);
    if (!Number.isFinite(m)) return Math.log(xs.reduce((a, v) => a + Math.exp(v), 0));
    return m + Math.log(xs.reduce((a, v) => a + Math.exp(v - m), 0));
  },
  norm2: (xs) => Math.sqrt(xs.reduce((a, v) => a + v * v, 0)),
  norm1: (xs) => xs.reduce((a, v) => a + Math.abs(v), 0),
  countNonzero: (xs) => xs.filter((v) => v !== 0).length,
  any: (xs) => (xs.some((v) => v !== 0) ? 1 : 0),
  all: (xs) => (xs.every((v) => v !== 0) ? 1 : 0),
};

function ours(op: string, x: torch.Tensor, dims: number[], keepdim: boolean): torch.Tensor {
  switch (op) {
    case 'var0':
      return x.var(dims, keepdim, { correction: 0 });
    case 'var1':
      return x.var(dims, keepdim);
    case 'norm2':
      return x.norm(2, dims, keepdim);
    case 'norm1':
      return x.norm(1, dims, keepdim);
    case 'countNonzero':
      return x.countNonzero(dims);
    case 'any':
    case 'all':
      return dims.length === 1 ? x[op](dims[0]!, keepdim) : x[op]();
    default:
      return (x as unknown as Record<string, (d: number[], k: boolean) => torch.Tensor>)[op]!(dims, keepdim);
  }
}

function close(a: number, e: number): boolean {
  if (Number.isNaN(e)) return Number.isNaN(a);
  return a === e || Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e));
}

const shapeAndPermutation = fc
  .array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      permutation: fc.shuffledSubarray(
        shape.map((_, i) => i),
        { minLength: shape.length, maxLength: shape.length },
      ),
      dimMask: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
      keepdim: fc.boolean(),
      values: fc.array(
        fc.oneof(
          fc.integer({ min: -3, max: 3 }),
          fc.constant(Number.NaN),
          fc.double({ min: -5, max: 5, noNaN: true }),
        ),
        {
          minLength: shape.reduce((a, b) => a * b, 1),
          maxLength: shape.reduce((a, b) => a * b, 1),
        },
      ),
    }),
  );

describe('property: reductions over random dims agree with a naive reference', () => {
  it('sum/prod/mean/amax/amin/nansum/var/logsumexp/norm/countNonzero/any/all', () => {
    fc.assert(
      fc.property(shapeAndPermutation, fc.constantFrom(...Object.keys(REFERENCE)), (input, op) => {
        const { shape, permutation, keepdim } = input;
        // Store the data permuted and permute back: the logical tensor is non-contiguous whenever the permutation
        // is not the identity.
        const stored = permutation.map((d) => shape[d]!);
        const base = torch.tensor(input.values, { dtype: 'float64' }).reshape(stored);
        const inverse = shape.map((_, d) => permutation.indexOf(d));
        const x = base.permute(inverse);
        const logical = (x.contiguous().reshape(-1).tolist() as number[]).slice();
        let dims = shape.map((_, d) => d).filter((d) => input.dimMask[d]);
        if (op === 'any' || op === 'all') dims = dims.slice(0, 1);
        const reduceDims = dims.length === 0 ? shape.map((_, d) => d) : dims;
        const isEmptyGroup = reduceDims.some((d) => shape[d] === 0);
        if ((op === 'amax' || op === 'amin') && isEmptyGroup) {
          expect(() => ours(op, x, dims, keepdim)).toThrow();
          return;
        }
        const result = ours(op, x, dims, keepdim);
        const expectedGroups = groups(logical, shape, reduceDims);
        // count_nonzero has no keepdim; all/any are called without dims (full reduction) when no dim was drawn.
        const logicalFull = (op === 'any' || op === 'all') && dims.length === 0;
        const effectiveKeep = keepdim && op !== 'countNonzero' && !logicalFull;
        const expectedShape = shape.flatMap((size, d) =>
          reduceDims.includes(d) ? (effectiveKeep ? [1] : []) : [size],
        );
        expect(result.shape).toEqual(expectedShape);
        const actual = result.reshape(-1).tolist() as (number | boolean | bigint)[];
        expectedGroups.forEach((g, i) => {
          const e = REFERENCE[op]!(g);
          const a = Number(actual[i]);
          if (!close(a, e))
            throw new Error(`${op} over ${reduceDims} of [${shape}]: element ${i} is ${a}, expected ${e}`);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('max/min/argmax/argmin over one dim pick the first extreme, NaN first', () => {
    fc.assert(
      fc.property(shapeAndPermutation, fc.nat(3), fc.boolean(), (input, which, useMax) => {
        const { shape, permutation } = input;
        const stored = permutation.map((d) => shape[d]!);
        const x = torch
          .tensor(input.values, { dtype: 'float64' })
          .reshape(stored)
          .permute(shape.map((_, d) => permutation.indexOf(d)));
        const dim = which % shape.length;
        if (shape[dim] === 0) {
          expect(() => (useMax ? x.max(dim) : x.min(dim))).toThrow('Expected reduction dim');
          return;
        }
        const logical = (x.contiguous().reshape(-1).tolist() as number[]).slice();
        const [values, indices] = useMax ? x.max(dim) : x.min(dim);
        const argIndices = useMax ? x.argmax(dim) : x.argmin(dim);
        expect(argIndices.tolist()).toEqual(indices.tolist());
        const outShape = shape.filter((_, d) => d !== dim);
        const count = outShape.reduce((a, b) => a * b, 1);
        const vs = values.reshape(-1).tolist() as number[];
        const is = indices.reshape(-1).tolist() as number[];
        for (let o = 0; o < count; o++) {
          const outer = unravel(o, outShape);
          let best = Number.NaN;
          let bestIndex = -1;
          for (let k = 0; k < shape[dim]!; k++) {
            const index = [...outer.slice(0, dim), k, ...outer.slice(dim)];
            const v = logical[index.reduce((acc, i, d) => acc * shape[d]! + i, 0)]!;
            if (bestIndex >= 0 && Number.isNaN(best)) break;
            if (bestIndex < 0 || Number.isNaN(v) || (useMax ? v > best : v < best)) {
              best = v;
              bestIndex = k;
            }
          }
          expect(close(vs[o]!, best)).toBe(true);
          expect(is[o]).toBe(bestIndex);
        }
      }),
      { numRuns: 300 },
    );
  });
});
