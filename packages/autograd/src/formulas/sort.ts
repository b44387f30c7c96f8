/**
 * Derivatives of sorting and selection: `sort`, `topk`, `kthvalue`, `median`/`nanmedian` (with and without dim),
 * `mode`, `quantile`/`nanquantile`, after PyTorch 1.13's derivatives.yaml. Values get their gradient through the
 * returned indices (PyTorch's `value_selecting_reduction_backward`, a scatter into zeros); the full `median` has no
 * index and, like PyTorch's `evenly_distribute_backward`, shares the gradient among all elements equal to it.
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { NotImplementedError } from '@proj/tensor';
import { defineFormulas, type Formula, type FormulaContext } from '../formula.js';

/**
 * PyTorch's `value_selecting_reduction_backward(grad, dim, indices, sizes, keepdim)`: a zero tensor of the input's
 * shape with `grad` scattered to `indices` along `dim`.
 */
function valueSelectingBackward(ctx: FormulaContext, g: Tensor, dim: number, keepdim: boolean): Tensor {
  const shape = ctx.inputShape(0);
  if (shape.length === 0) return g.reshape([]);
  let indices = ctx.output(1);
  let grad = g;
  if (!keepdim) {
    indices = indices.unsqueeze(dim);
    grad = grad.unsqueeze(dim);
  }
  return torch.zeros(shape, { dtype: g.dtype }).scatter(dim, indices, grad);
}

/** Formula of an op returning (values, indices) whose values' gradient goes to the indices. */
function indexedSelection(
  name: string | ((attrs: Readonly<Record<string, unknown>>) => string),
  keepsDim: boolean,
): Formula {
  return {
    name,
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const keepdim = keepsDim || (ctx.attrs.keepdim as boolean);
      return [valueSelectingBackward(ctx, g, ctx.attrs.dim as number, keepdim)];
    },
  };
}

/**
 * PyTorch's `evenly_distribute_backward(grad, input, value)`: every element equal to the result (every NaN, when the
 * result is NaN) gets `grad / count`.
 */
function evenlyDistributed(name: string): Formula {
  return {
    name,
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const input = ctx.input(0);
      const value = ctx.output(0);
      const mask = Number.isNaN(value.item() as number) ? input.isnan() : input.eq(value);
      return [torch.mul(mask, torch.div(g, mask.sum()))];
    },
  };
}

/** Whether optional input `i` was given (the context has no direct way to tell; a null input has no shape). */
function hasInput(ctx: FormulaContext, i: number): boolean {
  try {
    ctx.inputShape(i);
    return true;
  } catch {
    return false;
  }
}

/**
 * The q values of a quantile node as a 1-d tensor of `dtype`, and whether q was a 1-d tensor (the output then has a
 * leading q dim). A number q must have been recorded in the attrs.
 */
function quantileQ(ctx: FormulaContext, dtype: Tensor['dtype']): { q: Tensor; vector: boolean } {
  if (hasInput(ctx, 1)) return { q: ctx.input(1).reshape(-1), vector: ctx.inputShape(1).length === 1 };
  const q = ctx.attrs.q;
  if (typeof q !== 'number') {
    throw new NotImplementedError(
      "the derivative for 'quantile' with a number q needs q in the op's attrs (@proj/tensor's quantile records only a q tensor)",
    );
  }
  return { q: torch.tensor([q], { dtype }), vector: false };
}

/**
 * `quantile`/`nanquantile`: PyTorch computes them as sort → gather of the two neighbouring ranks → lerp, so the
 * gradient goes to the elements at those ranks (weights 1 − w and w); with linear interpolation a q tensor gets
 * `grad · (above − below) · dRank/dq`.
 */
function quantileFormula(ignoreNan: boolean): Formula {
  return {
    // PyTorch's composite ends in a squeeze of the q dim.
    name: 'SqueezeBackward3',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const x = ctx.input(0);
      const dim = ctx.attrs.dim as number | null;
      const interpolation = ctx.attrs.interpolation as string;
      const { q, vector } = quantileQ(ctx, x.dtype);
      const source = dim === null ? x.reshape([-1]) : x;
      const d = dim ?? 0;
      const { values, indices } = torch.sort(source, d);
      // Work with the reduced dim last: sorted [...rest, n], gradient [...rest, Q].
      const sorted = values.movedim(d, -1);
      const order = indices.movedim(d, -1);
      const rest = sorted.shape.slice(0, -1);
      const n = sorted.size(-1);
      const count = q.numel();
      const grad = g.reshape(vector ? [count, ...rest] : [1, ...rest]).movedim(0, -1);
      let ranks: Tensor;
      let rankScale: Tensor;
      if (ignoreNan) {
        rankScale = torch.sub(sorted.isnan().logicalNot().sum(-1, true), 1).to(x.dtype);
        ranks = torch.mul(q, rankScale);
        rankScale = torch.where(ranks.lt(0), 0, rankScale);
        ranks = torch.where(ranks.lt(0), 0, ranks);
      } else {
        const hasNan = sorted.isnan().any(-1, true);
        rankScale = torch.where(hasNan, 0, torch.full(hasNan.shape, n - 1, { dtype: x.dtype }));
        ranks = torch.where(hasNan, n - 1, torch.mul(q, n - 1));
      }
      // The ranks stay differentiable in q: linear interpolation's weight is rank − ⌊rank⌋.
      ranks = ranks.expand([...rest, count]);
      let positions = ranks.detach();
      if (interpolation === 'lower') positions = positions.floor();
      else if (interpolation === 'higher') positions = positions.ceil();
      else if (interpolation === 'nearest') positions = positions.round();
      const below = positions.floor().to('int64');
      const gradSorted = torch.zeros(sorted.shape, { dtype: g.dtype });
      let gradQ: Tensor | null = null;
      let gradOfSorted: Tensor;
      if (interpolation === 'linear' || interpolation === 'midpoint') {
        const above = positions.ceil().to('int64');
        const weights = interpolation === 'midpoint' ? torch.fullLike(ranks, 0.5) : torch.sub(ranks, below);
        // lerp(below, above, w): d/d below = 1 - w, d/d above = w.
        gradOfSorted = gradSorted
          .scatterAdd(-1, below, torch.mul(grad, torch.sub(1, weights)))
          .scatterAdd(-1, above, torch.mul(grad, weights));
        if (interpolation === 'linear' && ctx.needsInputGrad[1] === true) {
          const span = torch.sub(sorted.gather(-1, above), sorted.gather(-1, below));
          const perRow = torch.mul(torch.mul(grad, span), rankScale);
          gradQ = perRow.reshape([-1, count]).sum(0).reshape(ctx.inputShape(1));
        }
      } else {
        gradOfSorted = gradSorted.scatterAdd(-1, below, grad);
      }
      // Undo the sort (SortBackward0: scatter to the sorted positions' original indices).
      let gradX = torch.zerosLike(gradOfSorted).scatter(-1, order, gradOfSorted).movedim(-1, d);
      if (dim === null) gradX = gradX.reshape(ctx.inputShape(0));
      return [gradX, gradQ];
    },
  };
}

defineFormulas({
  sort: indexedSelection((attrs) => (attrs.stable ? 'SortBackward1' : 'SortBackward0'), true),
  topk: indexedSelection('TopkBackward0', true),
  kthvalue: indexedSelection('KthvalueBackward0', false),
  medianDim: indexedSelection('MedianBackward1', false),
  nanmedianDim: indexedSelection('NanmedianBackward1', false),
  mode: indexedSelection('ModeBackward0', false),
  median: evenlyDistributed('MedianBackward0'),
  nanmedian: evenlyDistributed('NanmedianBackward0'),
  quantile: quantileFormula(false),
  nanquantile: quantileFormula(true),
});
