import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DType, Tensor } from '../index.js';
import * as torch from '../index.js';

// PyTorch goldens for these ops (values, dtypes, strides, errors) run in join.test.ts from fixtures/join.json;
// this file adds naive-reference properties and checks of the kernels' fast paths.

function arangeTensor(shape: number[], dtype: DType = 'float32', transposed = false): Tensor {
  const source =
    transposed && shape.length >= 2 ? [...shape.slice(0, -2), shape.at(-1)!, shape.at(-2)!] : shape;
  const t = torch
    .arange(
      source.reduce((p, s) => p * s, 1),
      { dtype },
    )
    .reshape(source);
  return transposed && shape.length >= 2 ? t.transpose(-1, -2) : t;
}

function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((p, s) => p * s, 1);
  const index = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    yield index.slice();
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
}

function at(nested: unknown, index: readonly number[]): unknown {
  let v = nested;
  for (const i of index) v = (v as unknown[])[i];
  return v;
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

describe('naive-reference properties', () => {
  it('flip reverses exactly the chosen dims', () => {
    fc.assert(
      fc.property(
        shapeArb,
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        (shape, chosen, transposed) => {
          const x = arangeTensor(shape, 'int32', transposed);
          const dims = shape.map((_, d) => d).filter((d) => chosen[d]);
          const y = x.flip(dims);
          const xs = x.tolist();
          const ys = y.tolist();
          for (const index of indices(shape)) {
            const source = index.map((i, d) => (dims.includes(d) ? shape[d]! - 1 - i : i));
            expect(at(ys, index)).toBe(at(xs, source));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('roll moves element i to (i + shift) mod n along each dim', () => {
    fc.assert(
      fc.property(
        shapeArb,
        fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        (shape, shifts, transposed) => {
          const x = arangeTensor(shape, 'float64', transposed);
          const dims = shape.map((_, d) => d);
          const used = shifts.slice(0, shape.length);
          const y = x.roll(used, dims);
          const xs = x.tolist();
          const ys = y.tolist();
          for (const index of indices(shape)) {
            const target = index.map((i, d) => (((i + used[d]!) % shape[d]!) + shape[d]!) % shape[d]!);
            expect(at(ys, target)).toBe(at(xs, index));
          }
          // Without dims: the flattened roll.
          const flat = x.roll(used[0]!);
          const flatX = x.reshape(-1).tolist() as number[];
          const n = flatX.length;
          const flatY = flat.reshape(-1).tolist() as number[];
          flatX.forEach((v, i) => {
            expect(flatY[(((i + used[0]!) % n) + n) % n]).toBe(v);
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('repeat and tile index the input modulo its size', () => {
    fc.assert(
      fc.property(
        shapeArb,
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 6 }),
        (shape, reps) => {
          const x = arangeTensor(shape, 'int64');
          const repeats = reps.slice(0, Math.max(shape.length, reps.length - 1));
          const y = x.repeat(repeats);
          const lead = repeats.length - shape.length;
          const padded = [...new Array<number>(lead).fill(1), ...shape];
          expect(y.shape).toEqual(padded.map((s, i) => s * repeats[i]!));
          const xs = x.tolist();
          const ys = y.tolist();
          for (const index of indices(y.shape)) {
            const source = index.slice(lead).map((i, d) => i % shape[d]!);
            expect(at(ys, index)).toBe(at(xs, source));
          }
          expect(x.tile(repeats).tolist()).toEqual(ys);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('repeatInterleave with per-slice counts matches a naive expansion', () => {
    fc.assert(
      fc.property(
        shapeArb,
        fc.nat(),
        fc.array(fc.nat(3), { minLength: 4, maxLength: 4 }),
        (shape, dimSeed, counts) => {
          const dim = dimSeed % shape.length;
          const x = arangeTensor(shape, 'float32');
          const used = counts.slice(0, shape[dim]!);
          while (used.length < shape[dim]!) used.push(1);
          const y = x.repeatInterleave(torch.tensor(used, { dtype: 'int64' }), dim);
          const sourceIndex: number[] = [];
          used.forEach((c, i) => {
            for (let r = 0; r < c; r++) sourceIndex.push(i);
          });
          const xs = x.tolist();
          const ys = y.tolist();
          for (const index of indices(y.shape)) {
            const source = index.slice();
            source[dim] = sourceIndex[index[dim]!]!;
            expect(at(ys, index)).toBe(at(xs, source));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('tril + triu(diagonal + 1) reassembles the input; diagEmbed puts vectors on diagonals', () => {
    fc.assert(
      fc.property(
        shapeArb.filter((s) => s.length >= 2),
        fc.integer({ min: -4, max: 4 }),
        (shape, k) => {
          const x = arangeTensor(shape, 'float64', true);
          expect(torch.add(x.tril(k), x.triu(k + 1)).tolist()).toEqual(x.tolist());
          const v = arangeTensor(shape, 'float32');
          const embedded = torch.diagEmbed(v, k);
          expect(embedded.diagonal(k, -2, -1).tolist()).toEqual(v.tolist());
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('cat fast path', () => {
  it('gives the same result as the strided path for wide and narrow blocks', () => {
    for (const width of [1, 5, 63, 64, 200]) {
      const a = arangeTensor([3, 4, width], 'float32');
      const b = torch.neg(arangeTensor([3, 2, width], 'float32'));
      const fast = torch.cat([a, b], 1);
      // Transposed copies take the generic strided path.
      const slowA = a.transpose(0, 2).contiguous().transpose(0, 2);
      const slowB = b.transpose(0, 2).contiguous().transpose(0, 2);
      expect(slowA.isContiguous()).toBe(false);
      expect(torch.cat([slowA, slowB], 1).tolist()).toEqual(fast.tolist());
    }
  });

  it('copies int64 and float16 storages exactly', () => {
    const a = torch.tensor([1n, 2n ** 60n, -3n], { dtype: 'int64' }).reshape(3, 1);
    const b = torch.tensor([4n, 5n, -(2n ** 61n)], { dtype: 'int64' }).reshape(3, 1);
    expect(Array.from(torch.toTypedArray(torch.cat([a, b], 1)) as BigInt64Array)).toEqual([
      1n,
      4n,
      2n ** 60n,
      5n,
      -3n,
      -(2n ** 61n),
    ]);
    const h = torch.tensor([0.1, 65504, -0], { dtype: 'float16' });
    const bits = Array.from(torch.toTypedArray(h) as Uint16Array);
    expect(Array.from(torch.toTypedArray(torch.cat([h, h])) as Uint16Array)).toEqual([...bits, ...bits]);
  });
});
