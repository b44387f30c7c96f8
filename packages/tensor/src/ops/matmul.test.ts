import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as torch from '../index.js';
import { type GoldenCase, runGoldenCase } from '../testing/golden.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/matmul.json', import.meta.url), 'utf8')) as {
  cases: GoldenCase[];
};

// Golden values from PyTorch 1.13: scripts/gen-core2-goldens.py writes fixtures/matmul.json (every 1-d/2-d/n-d
// combination, float32/float64/int64/int32, transposed operands, beta/alpha, exact error messages).
describe('matrix products match PyTorch 1.13', () => {
  for (const c of fixture.cases) {
    it(c.name, () => runGoldenCase({ ...c, group: 'matmul' }));
  }
});

describe('matmul on random shapes and layouts agrees with a naive triple loop', () => {
  it('broadcast batches, transposed operands, float64', () => {
    fc.assert(
      fc.property(
        fc.record({
          m: fc.integer({ min: 1, max: 5 }),
          k: fc.integer({ min: 0, max: 5 }),
          n: fc.integer({ min: 1, max: 5 }),
          batchA: fc.constantFrom([], [2], [1, 3], [2, 1]),
          batchB: fc.constantFrom([], [2], [3], [2, 3]),
          transposeA: fc.boolean(),
          transposeB: fc.boolean(),
          seed: fc.nat(1000),
        }),
        ({ m, k, n, batchA, batchB, transposeA, transposeB, seed }) => {
          let batch: number[];
          try {
            batch = torch.broadcastShapes(batchA, batchB);
          } catch {
            return;
          }
          torch.manualSeed(seed);
          const a = transposeA
            ? torch.randn([...batchA, k, m], { dtype: 'float64' }).mT
            : torch.randn([...batchA, m, k], { dtype: 'float64' });
          const b = transposeB
            ? torch.randn([...batchB, n, k], { dtype: 'float64' }).mT
            : torch.randn([...batchB, k, n], { dtype: 'float64' });
          const out = a.matmul(b);
          expect(out.shape).toEqual([...batch, m, n]);
          const A = a
            .expand([...batch, m, k])
            .contiguous()
            .reshape(-1)
            .tolist() as number[];
          const B = b
            .expand([...batch, k, n])
            .contiguous()
            .reshape(-1)
            .tolist() as number[];
          const C = out.reshape(-1).tolist() as number[];
          const count = batch.reduce((x, y) => x * y, 1);
          for (let p = 0; p < count; p++) {
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let acc = 0;
                for (let q = 0; q < k; q++) acc += A[p * m * k + i * k + q]! * B[p * k * n + q * n + j]!;
                expect(C[p * m * n + i * n + j]).toBeCloseTo(acc, 10);
              }
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('outer, addmm with beta = 0 and NaN input, int64 exactness', () => {
    const a = torch.tensor([1, 2], { dtype: 'float32' });
    const b = torch.tensor([3, 4, 5], { dtype: 'float32' });
    expect(torch.outer(a, b).tolist()).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ]);
    const input = torch.full([2, 3], Number.NaN);
    expect(torch.addmm(input, a.unsqueeze(1), b.unsqueeze(0), { beta: 0 }).tolist()).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ]);
    const big = torch.tensor([[2n ** 40n]]);
    const product = big.mm(torch.tensor([[2n ** 20n + 1n]]));
    expect((product.toTypedArray() as BigInt64Array)[0]).toBe(2n ** 60n + 2n ** 40n);
  });
});
