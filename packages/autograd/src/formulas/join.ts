/**
 * Derivatives of joining, splitting and shape-building ops (`ops/join.ts`, `ops/shape-ops.ts` of @proj/tensor):
 * `cat`, `stack`, the multi-output split views (`split`, `tensorSplit`, `unbind`), `flip`, `roll`, `repeat`,
 * `repeatInterleave`, `tril`/`triu` (in place too), `diag` and `diagEmbed`.
 *
 * Composites of @proj/tensor (`hstack`, `tile`, `rot90`, `kron`, `cross`, `trace`, `diagflat`...) are recorded as
 * the ops they are built from and need nothing here.
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { defineFormulas, type Formula } from '../formula.js';

type Attrs = Readonly<Record<string, unknown>>;
type Grads = readonly (Tensor | null)[];

/** The dtype of the first gradient that reached the node (zeros filling the gaps take it). */
function gradDtype(grads: Grads): Tensor['dtype'] | null {
  for (const g of grads) if (g !== null && g !== undefined) return g.dtype;
  return null;
}

/**
 * The gradient of the input of a multi-output narrow view (`split`, `tensorSplit`): output `i` is the window
 * `[starts[i], starts[i] + lengths[i])` of `dim`. Outputs no gradient reached count as zeros (PyTorch's
 * `split_backward`). When the windows tile the dim in order, one `cat` assembles the gradient; otherwise (the
 * overlapping windows that `tensor_split` makes from unsorted indices) each window's gradient is padded with zeros
 * to the input's shape and the paddings are summed.
 */
function narrowViewsBackward(
  grads: Grads,
  inputShape: number[],
  dim: number,
  starts: number[],
  lengths: number[],
): Tensor | null {
  const dtype = gradDtype(grads);
  if (dtype === null) return null;
  const pieceShape = (length: number) => inputShape.map((size, d) => (d === dim ? length : size));
  const pieces = lengths.map((length, i) => grads[i] ?? torch.zeros(pieceShape(length), { dtype }));
  let position = 0;
  let tiles = true;
  for (let i = 0; i < starts.length; i++) {
    if (starts[i] !== position) tiles = false;
    position += lengths[i]!;
  }
  if (tiles && position === inputShape[dim]) return torch.cat(pieces, dim);
  let total: Tensor | null = null;
  pieces.forEach((piece, i) => {
    if (grads[i] === null || grads[i] === undefined || lengths[i] === 0) return;
    const before = starts[i]!;
    const after = inputShape[dim]! - before - lengths[i]!;
    const padded = torch.cat(
      [torch.zeros(pieceShape(before), { dtype }), piece, torch.zeros(pieceShape(after), { dtype })],
      dim,
    );
    total = total === null ? padded : torch.add(total, padded);
  });
  return total ?? torch.zeros(inputShape, { dtype });
}

/** A formula for a multi-output narrow view recorded with `{ dim, starts, lengths }`. */
function narrowViewsFormula(name: string | ((attrs: Attrs) => string)): Formula {
  return {
    name,
    backward(ctx, grads) {
      const { dim, starts, lengths } = ctx.attrs as { dim: number; starts: number[]; lengths: number[] };
      return [narrowViewsBackward(grads, ctx.inputShape(0), dim, starts, lengths)];
    },
  };
}

/** `repeatInterleave` backward: output slices `[start, start + count)` along `dim` all came from input slice `i`. */
function repeatInterleaveBackward(g: Tensor, inputShape: number[], dim: number, counts: number[]): Tensor {
  // A 0-d source was read as shape [1].
  const shape = inputShape.length === 0 ? [1] : inputShape;
  const size = shape[dim]!;
  const first = counts[0] ?? 0;
  let result: Tensor;
  if (size > 0 && first > 0 && counts.every((c) => c === first)) {
    // Equal counts: split the dim into [size, count] and sum the copies.
    const split = [...shape.slice(0, dim), size, first, ...shape.slice(dim + 1)];
    result = g.reshape(split).sum(dim + 1);
  } else {
    const slices: Tensor[] = [];
    let start = 0;
    for (let i = 0; i < size; i++) {
      const count = counts[i]!;
      slices.push(
        count === 0
          ? torch.zeros(
              shape.map((s, d) => (d === dim ? 1 : s)),
              { dtype: g.dtype },
            )
          : g.narrow(dim, start, count).sum(dim, true),
      );
      start += count;
    }
    result = size === 0 ? torch.zeros(shape, { dtype: g.dtype }) : torch.cat(slices, dim);
  }
  return result.reshape(inputShape);
}

/** `repeat` backward: the output, read as `[r0, s0, r1, s1, ...]`, summed over the repeat dims. */
function repeatBackward(g: Tensor, inputShape: number[], repeats: number[]): Tensor {
  const lead = repeats.length - inputShape.length;
  const padded = [...new Array<number>(lead).fill(1), ...inputShape];
  const interleaved: number[] = [];
  const repeatDims: number[] = [];
  padded.forEach((size, i) => {
    repeatDims.push(interleaved.length);
    interleaved.push(repeats[i]!, size);
  });
  if (interleaved.length === 0) return g.reshape(inputShape);
  return g.reshape(interleaved).sum(repeatDims).reshape(inputShape);
}

defineFormulas({
  cat: {
    name: 'CatBackward0',
    backward(ctx, [g]) {
      const sizes = ctx.attrs.sizes as number[];
      if (!g) return sizes.map(() => null);
      const dim = ctx.attrs.dim as number;
      let offset = 0;
      return sizes.map((size, i) => {
        const shape = ctx.inputShape(i);
        // A skipped 1-d empty input (see NOTE [Empty 1-d tensors in cat] in @proj/tensor) gets an empty gradient.
        if (size === 0 && shape.length === 1 && shape[0] === 0)
          return ctx.needsInputGrad[i] ? torch.zeros([0], { dtype: g.dtype }) : null;
        const start = offset;
        offset += size;
        return ctx.needsInputGrad[i] ? g.narrow(dim, start, size) : null;
      });
    },
  },
  stack: {
    name: 'StackBackward0',
    backward(ctx, [g]) {
      const count = ctx.needsInputGrad.length;
      if (!g) return new Array<null>(count).fill(null);
      const dim = ctx.attrs.dim as number;
      return ctx.needsInputGrad.map((needed, i) => (needed ? g.select(dim, i) : null));
    },
  },
  // split(int) and split(list) record the same op; PyTorch names the list form SplitWithSizesBackward0.
  split: narrowViewsFormula((attrs) => (attrs.withSizes ? 'SplitWithSizesBackward0' : 'SplitBackward0')),
  splitWithSizes: narrowViewsFormula('SplitWithSizesBackward0'),
  // PyTorch's tensor_split is a composite of slices: each output's node is a SliceBackward0.
  tensorSplit: narrowViewsFormula('SliceBackward0'),
  unbind: {
    name: 'UnbindBackward0',
    backward(ctx, grads) {
      const dtype = gradDtype(grads);
      if (dtype === null) return [null];
      const dim = ctx.attrs.dim as number;
      const pieceShape = ctx.inputShape(0).filter((_, d) => d !== dim);
      return [
        torch.stack(
          grads.map((g) => g ?? torch.zeros(pieceShape, { dtype })),
          dim,
        ),
      ];
    },
  },
  flip: {
    name: 'FlipBackward0',
    backward(ctx, [g]) {
      if (!g) return [null];
      const dims = ctx.attrs.dims as number[];
      return [dims.length === 0 ? g : g.flip(dims)];
    },
  },
  roll: {
    name: 'RollBackward0',
    backward(ctx, [g]) {
      if (!g) return [null];
      const shifts = (ctx.attrs.shifts as number[]).map((s) => -s);
      const dims = ctx.attrs.dims as number[] | null;
      return [dims === null ? g.roll(shifts) : g.roll(shifts, dims)];
    },
  },
  repeat: {
    name: 'RepeatBackward0',
    backward(ctx, [g]) {
      if (!g) return [null];
      return [repeatBackward(g, ctx.inputShape(0), ctx.attrs.repeats as number[])];
    },
  },
  // PyTorch computes repeat_interleave with index_select.
  repeatInterleave: {
    name: 'IndexSelectBackward0',
    backward(ctx, [g]) {
      if (!g) return [null];
      return [
        repeatInterleaveBackward(
          g,
          ctx.inputShape(0),
          ctx.attrs.dim as number,
          ctx.attrs.repeats as number[],
        ),
      ];
    },
  },
  tril: {
    name: 'TrilBackward0',
    backward(ctx, [g]) {
      return [g ? g.tril(ctx.attrs.diagonal as number) : null];
    },
  },
  triu: {
    name: 'TriuBackward0',
    backward(ctx, [g]) {
      return [g ? g.triu(ctx.attrs.diagonal as number) : null];
    },
  },
  diag: {
    name: 'DiagBackward0',
    backward(ctx, [g]) {
      if (!g) return [null];
      const diagonal = ctx.attrs.diagonal as number;
      const shape = ctx.inputShape(0);
      // A vector was placed on a diagonal: read it back.
      if (shape.length === 1) return [g.diagonal(diagonal)];
      // A diagonal was read from a matrix: write the gradient onto it in a zero matrix.
      const buffer = torch.zeros(shape, { dtype: g.dtype });
      buffer.diagonal(diagonal).copy_(g);
      return [buffer];
    },
  },
  diagEmbed: {
    name: 'DiagEmbedBackward0',
    backward(ctx, [g]) {
      if (!g) return [null];
      const { offset, dim1, dim2 } = ctx.attrs as { offset: number; dim1: number; dim2: number };
      return [g.diagonal(offset, dim1, dim2)];
    },
  },
});
