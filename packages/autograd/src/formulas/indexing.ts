/**
 * Derivatives of indexing, gather/scatter and the masked ops, after PyTorch 1.13's derivatives.yaml. Each backward
 * is written with the op's "dual" (`index` ↔ `indexPut(accumulate)`, `gather` ↔ `scatterAdd`, `indexSelect` ↔
 * `indexAdd`, `maskedSelect` ↔ `maskedScatter`), so the formulas are differentiable again.
 *
 * NOTE [Index inputs]: index and mask tensors are inputs of the recorded ops (so they are saved with their version
 * and a later in-place write to them is caught), but they are integer/bool and never get a gradient.
 */

import type { IndexItem, Slice, Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { NotImplementedError, RuntimeError } from '@proj/tensor';
import { defineFormulas, type Formula, type FormulaContext } from '../formula.js';

type Attrs = Readonly<Record<string, unknown>>;

/** A zero tensor of input `i`'s shape in the gradient's dtype. */
function zerosFor(ctx: FormulaContext, i: number, g: Tensor): Tensor {
  return torch.zeros(ctx.inputShape(i), { dtype: g.dtype });
}

/**
 * `t[indices]` for PyTorch's `index` index list (one entry per dim, `null` = the whole dim, a k-d mask covering k
 * dims), replayed through `get`, where a full slice stands for `null`.
 */
function indexWith(t: Tensor, indices: readonly (Tensor | null)[]): Tensor {
  return t.get(...indices.map((index): IndexItem => (index === null ? ':' : index)));
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Whether `from` can be summed back to `to` (PyTorch's `is_expandable_to(to, from)`). */
function expandableTo(to: readonly number[], from: readonly number[]): boolean {
  if (to.length > from.length) return false;
  for (let i = 1; i <= to.length; i++) {
    const a = to[to.length - i]!;
    const b = from[from.length - i]!;
    if (a !== b && a !== 1) return false;
  }
  return true;
}

/**
 * PyTorch's engine rejects a gradient that cannot be summed to its input's shape (e.g. `scatter`'s `src` larger
 * than `index`); the message is the engine's.
 */
function checkGradShape(name: string, position: number, grad: Tensor, shape: readonly number[]): Tensor {
  if (!sameShape(grad.shape, shape) && !expandableTo(shape, grad.shape)) {
    throw new RuntimeError(
      `Function ${name} returned an invalid gradient at index ${position} - got [${grad.shape.join(', ')}] but expected shape compatible with [${shape.join(', ')}]`,
    );
  }
  return grad;
}

/** The item kinds `set` records, classified as PyTorch's `__setitem__` sees them (for the node name). */
function setitemName(attrs: Attrs): string {
  const items = attrs.indices as readonly IndexItem[];
  let basic = false;
  let advanced = false;
  for (const item of items) {
    if (typeof item === 'string' && item.trim() === '...') continue;
    if (item instanceof torch.Tensor) {
      // 0-d integer and bool tensors index like Python ints and bools (views); others are advanced.
      if (item.ndim === 0) basic = true;
      else advanced = true;
    } else if (Array.isArray(item)) advanced = true;
    else basic = true;
  }
  // A view was written (CopySlices); otherwise index_put_ on the tensor itself; otherwise copy_/fill_ (`x[...] = v`).
  if (basic) return 'CopySlices';
  if (advanced) return 'IndexPutBackward0';
  return 'CopyBackwards';
}

/** Broadcast of the two input shapes (masked ops broadcast the mask against the input). */
function broadcastInputs(ctx: FormulaContext, a: number, b: number): number[] {
  return torch.broadcastShapes(ctx.inputShape(a), ctx.inputShape(b));
}

/** Scatter node name: `scatter(src)` is ScatterBackward0, `scatter(value)` ScatterBackward1, with reduce none. */
function scatterName(attrs: Attrs): string {
  if (attrs.reduce !== null && attrs.reduce !== undefined) return 'NotImplemented';
  return 'value' in attrs ? 'ScatterBackward1' : 'ScatterBackward0';
}

/**
 * PyTorch's `scatter_reduce_backward` (FunctionsManual.cpp): gradients of `self` and `src` for the five reductions.
 * Ties of amax/amin share the gradient evenly; with `includeSelf: false` the scattered-to positions of `self` get 0.
 */
function scatterReduceBackward(
  g: Tensor,
  self: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor,
  reduce: string,
  includeSelf: boolean,
  result: Tensor,
): [Tensor, Tensor] {
  let gradSelf: Tensor;
  let gradSrc: Tensor;
  if (reduce === 'sum') {
    gradSelf = g;
    gradSrc = g.gather(dim, index);
  } else if (reduce === 'prod') {
    // Exclusive products, computed explicitly where self/src hold zeros (result / x would be 0/0 there).
    const maskedSelf = self.maskedFill(self.eq(0), 1);
    const maskedSelfResult = maskedSelf.scatterReduce(dim, index, src, 'prod', { includeSelf });
    gradSelf = torch.div(torch.mul(g, maskedSelfResult), maskedSelf);
    const srcZero = src.eq(0);
    const srcZeroCount = torch
      .zerosLike(self)
      .scatterAdd(dim, index, srcZero.to(self.dtype))
      .gather(dim, index);
    const srcSingleZero = torch.logicalAnd(srcZero, srcZeroCount.eq(1));
    const maskedSrc = src.maskedFill(srcSingleZero, 1);
    const maskedSrcResult = self.scatterReduce(dim, index, maskedSrc, 'prod', { includeSelf });
    gradSrc = torch.where(
      srcSingleZero,
      torch.mul(g, maskedSrcResult).gather(dim, index),
      torch.div(torch.mul(g, result).gather(dim, index), src.maskedFill(srcZero, 1)),
    );
  } else if (reduce === 'mean') {
    let count = includeSelf ? torch.onesLike(g) : torch.zerosLike(g);
    count = count.scatterAdd(dim, index, torch.onesLike(src));
    count = count.maskedFill(count.eq(0), 1);
    gradSelf = torch.div(g, count);
    gradSrc = torch.div(g.gather(dim, index), count.gather(dim, index));
  } else if (reduce === 'amax' || reduce === 'amin') {
    const value = result.gather(dim, index);
    const selfIsResult = self.eq(result);
    const srcIsResult = src.eq(value);
    const shares = selfIsResult.to(self.dtype).scatterAdd(dim, index, srcIsResult.to(self.dtype));
    const distributed = torch.div(g, shares);
    gradSelf = torch.mul(selfIsResult, distributed);
    gradSrc = torch.mul(srcIsResult, distributed.gather(dim, index));
  } else {
    throw new RuntimeError(
      `Expected 'reduce' argument to be one of 'sum', 'prod', 'mean', 'amax' or 'amin' but got ${reduce}.`,
    );
  }
  if (!includeSelf) gradSelf = gradSelf.scatter(dim, index, 0);
  return [gradSelf, gradSrc];
}

const table: Record<string, Formula> = {
  slice: {
    name: 'SliceBackward0',
    backward(ctx, [g]) {
      if (!g) return [null];
      const dim = ctx.attrs.dim as number;
      const region: Slice = {
        start: ctx.attrs.start as number,
        stop: ctx.attrs.end as number,
        step: ctx.attrs.step as number,
      };
      const buffer = zerosFor(ctx, 0, g);
      const items: IndexItem[] = new Array<IndexItem>(dim).fill(':');
      items.push(region);
      buffer.get(...items).copy_(g);
      return [buffer];
    },
  },
  index: {
    name: 'IndexBackward0',
    backward(ctx, [g]) {
      if (!g) return [null];
      // Repeated indices all add (PyTorch's index_backward: _index_put_impl_(zeros, indices, grad, accumulate)).
      const indices = ctx.attrs.indices as readonly (Tensor | null)[];
      return [zerosFor(ctx, 0, g).indexPut(indices, g, { accumulate: true })];
    },
  },
  index_put: {
    name: 'IndexPutBackward0',
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const indices = ctx.attrs.indices as readonly (Tensor | null)[];
      const accumulate = ctx.attrs.accumulate as boolean;
      const gradSelf = ctx.needsInputGrad[0] ? (accumulate ? g : g.indexPut(indices, 0)) : null;
      // Every write (repeated indices included) reads the gradient of where it went, as PyTorch's grad.index(indices).
      const gradValues = ctx.needsInputGrad[1] ? indexWith(g, indices) : null;
      return [gradSelf, gradValues];
    },
  },
  setitem: {
    name: setitemName,
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const items = ctx.attrs.indices as readonly IndexItem[];
      // `x[items] = v` overwrites: x gets the gradient outside the written region; v the gradient of the region,
      // summed back to its shape (broadcasting, dropped leading ones) by the engine.
      const gradSelf = ctx.needsInputGrad[0] ? g.clone().set(items, 0) : null;
      const gradValue = ctx.needsInputGrad[1] ? g.get(...items) : null;
      return [gradSelf, gradValue];
    },
  },
  gather: {
    name: 'GatherBackward0',
    saveInputs: [1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const dim = ctx.attrs.dim as number;
      return [zerosFor(ctx, 0, g).scatterAdd(dim, ctx.input(1), g), null];
    },
  },
  scatter: {
    name: scatterName,
    saveInputs: [1],
    backward(ctx, [g]) {
      if (ctx.attrs.reduce !== null && ctx.attrs.reduce !== undefined) {
        // PyTorch 1.13 has no derivative for scatter with `reduce`.
        throw new NotImplementedError('derivative for aten::scatter is not implemented');
      }
      if (!g) return [null, null, null];
      const dim = ctx.attrs.dim as number;
      const index = ctx.input(1);
      const gradSelf = ctx.needsInputGrad[0] ? g.scatter(dim, index, 0) : null;
      const gradSrc =
        ctx.needsInputGrad[2] === true
          ? checkGradShape(scatterName(ctx.attrs), 1, g.gather(dim, index), ctx.inputShape(2))
          : null;
      return [gradSelf, null, gradSrc];
    },
  },
  scatter_add: {
    name: 'ScatterAddBackward0',
    saveInputs: [1],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const dim = ctx.attrs.dim as number;
      const gradSrc = ctx.needsInputGrad[2]
        ? checkGradShape('ScatterAddBackward0', 1, g.gather(dim, ctx.input(1)), ctx.inputShape(2))
        : null;
      return [g, null, gradSrc];
    },
  },
  scatter_reduce: {
    name: 'ScatterReduceBackward0',
    saveInputs: [0, 1, 2],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const [gradSelf, gradSrc] = scatterReduceBackward(
        g,
        ctx.input(0),
        ctx.attrs.dim as number,
        ctx.input(1),
        ctx.input(2),
        ctx.attrs.reduce as string,
        ctx.attrs.includeSelf as boolean,
        ctx.output(0),
      );
      return [
        ctx.needsInputGrad[0] ? gradSelf : null,
        null,
        ctx.needsInputGrad[2]
          ? checkGradShape('ScatterReduceBackward0', 1, gradSrc, ctx.inputShape(2))
          : null,
      ];
    },
  },
  index_select: {
    name: 'IndexSelectBackward0',
    saveInputs: [1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const dim = ctx.attrs.dim as number;
      return [zerosFor(ctx, 0, g).indexAdd(dim, ctx.input(1), g), null];
    },
  },
  index_add: {
    name: 'IndexAddBackward0',
    saveInputs: [1],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const dim = ctx.attrs.dim as number;
      const alpha = ctx.attrs.alpha as number;
      let gradSource: Tensor | null = null;
      if (ctx.needsInputGrad[2]) {
        // A 0-d source is one slice (PyTorch: index_select(dim, index.squeeze(0))); the engine sums the rest.
        gradSource = g.indexSelect(dim, ctx.input(1));
        if (alpha !== 1) gradSource = torch.mul(gradSource, alpha);
      }
      return [g, null, gradSource];
    },
  },
  index_copy: {
    name: 'IndexCopyBackward0',
    saveInputs: [1],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const dim = ctx.attrs.dim as number;
      const index = ctx.input(1);
      const gradSelf = ctx.needsInputGrad[0] ? g.indexFill(dim, index, 0) : null;
      const gradSource = ctx.needsInputGrad[2] ? g.indexSelect(dim, index) : null;
      return [gradSelf, null, gradSource];
    },
  },
  index_fill: {
    name: (attrs) => (attrs.value === null ? 'IndexFillBackward1' : 'IndexFillBackward0'),
    saveInputs: [1],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const dim = ctx.attrs.dim as number;
      const index = ctx.input(1);
      const gradSelf = ctx.needsInputGrad[0] ? g.indexFill(dim, index, 0) : null;
      // The value went to every filled slice once, whatever the repeats in `index` (PyTorch uses unique(index)).
      const gradValue =
        ctx.needsInputGrad[2] === true
          ? torch.mul(g, torch.zerosLike(g).indexFill(dim, index, 1)).sum()
          : null;
      return [gradSelf, null, gradValue];
    },
  },
  masked_fill: {
    name: (attrs) => (attrs.value === null ? 'MaskedFillBackward1' : 'MaskedFillBackward0'),
    saveInputs: [1],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const mask = ctx.input(1);
      const gradSelf = ctx.needsInputGrad[0] ? g.maskedFill(mask, 0) : null;
      const gradValue = ctx.needsInputGrad[2] === true ? g.maskedFill(mask.logicalNot(), 0).sum() : null;
      return [gradSelf, null, gradValue];
    },
  },
  masked_scatter: {
    name: 'MaskedScatterBackward0',
    saveInputs: [1],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const mask = ctx.input(1);
      const gradSelf = ctx.needsInputGrad[0] ? g.maskedFill(mask, 0) : null;
      let gradSource: Tensor | null = null;
      if (ctx.needsInputGrad[2]) {
        // The source's first `count` elements (row-major) were used; the rest get zeros.
        const sourceShape = ctx.inputShape(2);
        const numel = sourceShape.reduce((n, s) => n * s, 1);
        let selected = g.maskedSelect(mask);
        const missing = numel - selected.numel();
        if (missing > 0) selected = torch.cat([selected, torch.zeros([missing], { dtype: g.dtype })]);
        gradSource = selected.reshape(sourceShape);
      }
      return [gradSelf, null, gradSource];
    },
  },
  masked_select: {
    name: 'MaskedSelectBackward0',
    saveInputs: [1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      // Scattered into the broadcast shape; the engine sums it back to the input's shape.
      const buffer = torch.zeros(broadcastInputs(ctx, 0, 1), { dtype: g.dtype });
      return [buffer.maskedScatter(ctx.input(1), g), null];
    },
  },
  take: {
    name: 'TakeBackward0',
    saveInputs: [1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      // PyTorch's take_backward: zeros_like(self).put_(index, grad, accumulate=true); indexPut wraps negatives too.
      const shape = ctx.inputShape(0);
      const flat = torch.zeros([shape.reduce((n, s) => n * s, 1)], { dtype: g.dtype });
      const gathered = flat.indexPut([ctx.input(1).reshape(-1)], g.reshape(-1), { accumulate: true });
      return [gathered.reshape(shape), null];
    },
  },
};

/**
 * Ops whose input 1 is an index or mask tensor, which PyTorch's derivatives.yaml marks `non_differentiable`: such
 * inputs are left out of the node's `nextFunctions` (GatherBackward0 has one edge, not two). `nonDifferentiable` is
 * read by the engine where it supports it; elsewhere the input just gets a `[null, 0]` edge.
 */
const INDEX_INPUT_OPS = [
  'gather',
  'scatter',
  'scatter_add',
  'scatter_reduce',
  'index_select',
  'index_add',
  'index_copy',
  'index_fill',
  'masked_fill',
  'masked_scatter',
  'masked_select',
  'take',
];
for (const op of INDEX_INPUT_OPS) table[op] = { ...table[op]!, nonDifferentiable: [1] } as Formula;

defineFormulas(table);
