/**
 * The op layer of the random functions (shapes, dtypes, strided outputs, generators, tensor mean/std) against
 * torch 1.13 after `manual_seed` (fixtures/creation.json, section `random`). The samplers underneath are checked
 * bit for bit in src/random/sampling.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DType, Tensor } from '../index.js';
import * as torch from '../index.js';

const golden = JSON.parse(
  readFileSync(new URL('../../fixtures/creation.json', import.meta.url), 'utf8'),
).random;

interface TensorSpec {
  shape: number[];
  dtype: DType;
  data: (number | string | boolean)[];
}

/** Compares values exactly, except float64 normals (libm log/cos differ from V8's in the last bits). */
function expectMatches(got: Tensor, want: TensorSpec, label: string): void {
  expect(got.dtype, label).toBe(want.dtype);
  expect(got.shape, label).toEqual(want.shape);
  const values = Array.from(got.contiguous().toTypedArray() as ArrayLike<number | bigint>);
  const expected = want.data.map((v) => (want.dtype === 'int64' ? BigInt(v as string) : Number(v)));
  if (want.dtype !== 'float64') {
    expect(values, label).toEqual(expected);
    return;
  }
  values.forEach((v, i) => {
    const w = expected[i] as number;
    expect(Math.abs((v as number) - w), `${label}[${i}]`).toBeLessThanOrEqual(
      8 * Number.EPSILON * Math.max(1, Math.abs(w)),
    );
  });
}

describe('random ops after manualSeed', () => {
  it('rand, randn, randint and randperm give torch’s numbers in sequence', () => {
    torch.manualSeed(0);
    expectMatches(torch.rand(5), golden.rand, 'rand');
    expectMatches(torch.rand(2, 3, { dtype: 'float64' }), golden.rand64, 'rand64');
    expectMatches(torch.randn(17), golden.randn, 'randn');
    expectMatches(torch.randint(0, 10, [6]), golden.randint, 'randint');
    expectMatches(torch.randint(5, [3]), golden.randintHigh, 'randintHigh');
    expectMatches(torch.randperm(7), golden.randperm, 'randperm');
  });

  it('normal with tensor and scalar mean/std (broadcast)', () => {
    torch.manualSeed(1);
    expectMatches(
      torch.normal(
        torch.tensor([0, 10, 100], { dtype: 'float32' }),
        torch.tensor([1, 2, 3], { dtype: 'float32' }),
      ),
      golden.normalTensors,
      'normalTensors',
    );
    expectMatches(
      torch.normal(torch.tensor([0, 10, 100, -5], { dtype: 'float32' }), 2),
      golden.normalMeanTensor,
      'normalMeanTensor',
    );
    expectMatches(
      torch.normal(1.5, torch.tensor([1, 0.5, 3], { dtype: 'float32' })),
      golden.normalStdTensor,
      'normalStdTensor',
    );
    expectMatches(torch.normal(2, 3, [4]), golden.normalScalars, 'normalScalars');
    expectMatches(
      torch.normal(
        torch.tensor([[0], [10]], { dtype: 'float32' }),
        torch.tensor([1, 2, 3], { dtype: 'float32' }),
      ),
      golden.normalBroadcast,
      'normalBroadcast',
    );
  });

  it('bernoulli and multinomial', () => {
    torch.manualSeed(2);
    const p = torch.tensor([0.2, 0.5, 0.9, 0, 1, 0.33, 0.2, 0.5, 0.9, 0, 1, 0.33, 0.2, 0.5, 0.9, 0, 1, 0.33]);
    expectMatches(torch.bernoulli(p), golden.bernoulli, 'bernoulli');
    expectMatches(torch.zeros(5).bernoulli_(0.3), golden.bernoulliP, 'bernoulliP');
    expectMatches(
      torch.multinomial(torch.tensor([0.1, 0.2, 0.3, 0.4]), 3),
      golden.multinomial,
      'multinomial',
    );
    expectMatches(
      torch.multinomial(
        torch.tensor([
          [0.1, 0.2, 0.7],
          [0.5, 0.5, 0],
        ]),
        5,
        true,
      ),
      golden.multinomialReplacement,
      'multinomialReplacement',
    );
  });

  it('uniform_ and normal_ fill contiguous and strided tensors in torch’s element order', () => {
    torch.manualSeed(3);
    const x = torch.zeros(4, 5);
    expect(x.uniform_(-1, 1)).toBe(x);
    expectMatches(x, golden.uniformContiguous, 'uniformContiguous');
    let base = torch.zeros(5, 4);
    base.t().uniform_(-2, 3);
    expectMatches(base, golden.uniformTransposed, 'uniformTransposed');
    base = torch.zeros(6, 5, { dtype: 'float64' });
    base.get('1:5:2', '::2').normal_(1, 2);
    expectMatches(base, golden.normalStrided, 'normalStrided');
    base = torch.zeros(3, 17);
    base.get(':', '1:').normal_();
    expectMatches(base, golden.normalRowsNarrow, 'normalRowsNarrow');
    expect(base._version).toBe(1);
    // an explicit Generator leaves the default one where it was
    const g = new torch.Generator().manualSeed(42);
    expectMatches(torch.rand(4, { generator: g }), golden.generatorRand, 'generatorRand');
    expectMatches(torch.randn(3, { generator: g }), golden.generatorRandn, 'generatorRandn');
    expectMatches(torch.rand(2), golden.defaultAfterGenerator, 'defaultAfterGenerator');
  });

  it('*Like and integer dtypes', () => {
    torch.manualSeed(4);
    expectMatches(torch.randLike(torch.zeros(2, 2, { dtype: 'float64' })), golden.randLike, 'randLike');
    expectMatches(torch.randint(-5, 5, [5], { dtype: 'int32' }), golden.randintDtype, 'randintDtype');
  });
});
