import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import { grad } from '../index.js';
import { check, fixture, fromData, type Inputs, runGolden } from './golden.test-helpers.js';

const f64 = { dtype: 'float64' as const };

/** A float64 leaf without ties: a shuffled grid of well-separated values (finite differences never reorder it). */
function distinct(...shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch
    .randperm(n)
    .to('float64')
    .mul(0.37)
    .sub(1.5)
    .add(torch.rand([n], f64).mul(0.1))
    .reshape(shape)
    .requiresGrad_(true);
}

/** The same, laid out non-contiguously (a transpose). */
function distinctTransposed(rows: number, cols: number): Tensor {
  const t = distinct(cols, rows).detach().t();
  expect(t.isContiguous()).toBe(false);
  return t.requiresGrad_(true);
}

// Goldens from PyTorch 1.13 (scripts/gen-indexing-sort-goldens.py), shared with indexing.test.ts.

const cases: Record<string, (t: Inputs) => Tensor> = {
  sort: ({ x }) => torch.sort(x!).values,
  sortDescendingDim0: ({ x }) => torch.sort(x!, 0, true).values,
  sortStable: ({ x }) => torch.sort(x!, { stable: true }).values,
  topk: ({ x }) => torch.topk(x!, 2).values,
  topkSmallestDim0: ({ x }) => torch.topk(x!, 3, 0, false).values,
  kthvalue: ({ x }) => torch.kthvalue(x!, 2, 1, true).values,
  medianAll: ({ x }) => torch.median(x!),
  medianAllTies: ({ x }) => torch.median(x!),
  medianDim: ({ x }) => torch.median(x!, 1).values,
  nanmedianAll: ({ x }) => torch.nanmedian(x!),
  medianAllNan: ({ x }) => torch.median(x!),
  nanmedianDim: ({ x }) => torch.nanmedian(x!, 1).values,
  mode: ({ x }) => torch.mode(x!, 1).values,
  quantileDim: ({ x, q }) => torch.quantile(x!, q!, 1, true),
  quantileMidpoint: ({ x, q }) => torch.quantile(x!, q!, 0, { interpolation: 'midpoint' }),
  quantileLower: ({ x, q }) => torch.quantile(x!, q!, 0, { interpolation: 'lower' }),
  quantileNearest: ({ x, q }) => torch.quantile(x!, q!, 1, { interpolation: 'nearest' }),
  nanquantile: ({ x, q }) => torch.nanquantile(x!, q!, 1),
};

describe('goldens from PyTorch 1.13', () => {
  for (const [id, build] of Object.entries(cases)) test(id, () => runGolden(id, build));
  test('quantileScalar (a number q)', () => runGolden('quantileScalar', ({ x }) => torch.quantile(x!, 0.3)));
});

describe('gradcheck and gradgradcheck (no ties)', () => {
  test('sort, ascending and descending, non-contiguous, 1-d and 0-d', () => {
    torch.manualSeed(1);
    check((x) => torch.sort(x).values, [distinctTransposed(3, 4)]);
    check((x) => torch.sort(x, 0, true).values, [distinct(3, 4)]);
    check((x) => torch.sort(x, { stable: true }).values, [distinct(5)]);
    check((x) => torch.sort(x).values, [distinct()]);
  });

  test('topk and kthvalue', () => {
    torch.manualSeed(2);
    check((x) => torch.topk(x, 2).values, [distinctTransposed(3, 5)]);
    check((x) => torch.topk(x, 3, 0, false).values, [distinct(4, 2)]);
    check((x) => torch.kthvalue(x, 2, 1).values, [distinctTransposed(2, 4)]);
    check((x) => torch.kthvalue(x, 3, 0, true).values, [distinct(4, 3)]);
  });

  test('median and nanmedian, full and along a dim', () => {
    torch.manualSeed(3);
    check((x) => torch.median(x), [distinctTransposed(3, 4)]);
    check((x) => torch.median(x, 1).values, [distinct(3, 5)]);
    check((x) => torch.median(x, 0, true).values, [distinctTransposed(4, 3)]);
    check((x) => torch.nanmedian(x), [distinct(2, 3)]);
    check((x) => torch.nanmedian(x, -1).values, [distinct(2, 3)]);
  });

  test('mode', () => {
    torch.manualSeed(4);
    check((x) => torch.mode(x, 1).values, [distinct(3, 4)]);
  });

  test('quantile with a q tensor (x and q), every interpolation, nanquantile', () => {
    torch.manualSeed(5);
    // No q lands on an integer rank (a kink, where PyTorch too gives q no gradient).
    const q = torch.tensor([0.15, 0.55, 0.9], f64).requiresGrad_(true);
    check((x, qq) => torch.quantile(x, qq, 1), [distinctTransposed(3, 5), q]);
    check((x, qq) => torch.quantile(x, qq, null, true), [distinct(2, 3), q]);
    check((x, qq) => torch.quantile(x, qq), [distinct(7), torch.tensor(0.3, f64).requiresGrad_(true)]);
    for (const interpolation of ['lower', 'higher', 'midpoint', 'nearest'] as const) {
      check((x) => torch.quantile(x, q.detach(), 0, { interpolation }), [distinct(5, 2)]);
    }
    check((x, qq) => torch.nanquantile(x, qq, 1), [distinct(2, 4), q]);
  });

  test('quantile with a number q, recorded as the op will record it once q is in its attrs', () => {
    torch.manualSeed(7);
    // Nested dispatches are not recorded, so this is one quantile node with `q` in its attrs.
    const numberQuantile =
      (name: 'quantile' | 'nanquantile', q: number, dim: number | null, keepdim: boolean) => (x: Tensor) =>
        torch.dispatch(name, [x, null], { dim, keepdim, interpolation: 'linear', q }, () =>
          name === 'quantile' ? torch.quantile(x, q, dim, keepdim) : torch.nanquantile(x, q, dim, keepdim),
        );
    check(numberQuantile('quantile', 0.3, null, false), [distinct(3, 4)]);
    check(numberQuantile('nanquantile', 0.8, 1, true), [distinct(3, 4)]);
    const c = fixture.cases.quantileScalar!;
    const x = fromData(c.inputs.x!).requiresGrad_(true);
    const [g] = grad(torch.mul(numberQuantile('quantile', 0.3, null, false)(x), fromData(c.G)).sum(), [x]);
    expect(torch.allclose(g!, fromData(c.grads.x!), { rtol: 1e-12, atol: 1e-12 })).toBe(true);
  });

  test('quantile with a number q', () => {
    torch.manualSeed(6);
    check((x) => torch.quantile(x, 0.3), [distinct(3, 4)]);
    check((x) => torch.nanquantile(x, 0.8, 1, true), [distinct(3, 4)]);
  });
});

describe('PyTorch conventions', () => {
  test('full median shares the gradient evenly among ties (evenly_distribute_backward)', () => {
    const x = torch.tensor([1, 2, 3, 2, 2, 0], f64).requiresGrad_(true);
    torch.median(x).backward();
    expect(x.grad!.tolist()).toEqual([0, 1 / 3, 0, 1 / 3, 1 / 3, 0]);
  });

  test('median(dim) sends the gradient to the returned index only', () => {
    const x = torch.tensor([[1, 2, 2, 2]], f64).requiresGrad_(true);
    const { values, indices } = torch.median(x, 1);
    values.sum().backward();
    const expected = [0, 0, 0, 0];
    expected[Number(indices.item())] = 1;
    expect(x.grad!.tolist()).toEqual([expected]);
  });

  test('a NaN median sends the gradient to the NaNs; nanmedian skips them', () => {
    const x = torch.tensor([1, Number.NaN, 3, Number.NaN], f64).requiresGrad_(true);
    torch.median(x).backward();
    expect(x.grad!.tolist()).toEqual([0, 0.5, 0, 0.5]);
    const y = torch.tensor([1, Number.NaN, 3, 2], f64).requiresGrad_(true);
    torch.nanmedian(y).backward();
    expect(y.grad!.tolist()).toEqual([0, 0, 0, 1]);
  });

  test('sort node names and the indices output is not differentiable', () => {
    const x = distinct(2, 3);
    const { values, indices } = torch.sort(x);
    expect(values.gradFn!.name).toBe('SortBackward0');
    expect(indices.requiresGrad).toBe(false);
    expect(torch.sort(x, { stable: true }).values.gradFn!.name).toBe('SortBackward1');
    expect(torch.topk(x, 1).values.gradFn!.name).toBe('TopkBackward0');
    expect(torch.msort(x).gradFn!.name).toBe('SortBackward0');
  });

  test('sort gradients through a second use of the values (createGraph)', () => {
    const x = distinct(4);
    const sorted = torch.sort(x).values;
    const [g] = grad(sorted.pow(3).mul(torch.arange(4, f64)).sum(), [x], { createGraph: true });
    const [gg] = grad(g!.sum(), [x]);
    // d/dx_i of 3 x_i^2 rank(i) = 6 x_i rank(i)
    const rank = torch.argsort(x.detach()).argsort().to('float64');
    expect(torch.allclose(gg!, x.detach().mul(rank).mul(6))).toBe(true);
  });
});
