/**
 * Derivatives of view ops: each maps the view's gradient back onto the base's shape.
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { defineFormulas, type Formula } from '../formula.js';

/** A one-input view formula computed from the gradient and the recorded attrs/input shape. */
function viewFormula(
  name: string | ((attrs: Readonly<Record<string, unknown>>) => string),
  grad: (g: Tensor, attrs: Readonly<Record<string, unknown>>, inputShape: number[]) => Tensor,
): Formula {
  return {
    name,
    backward(ctx, [g]) {
      if (!g) return [null];
      return [grad(g, ctx.attrs, ctx.inputShape(0))];
    },
  };
}

/** A zero tensor of the input's shape with `g` written into the region the view selected. */
function scatterIntoZeros(g: Tensor, inputShape: number[], region: (buffer: Tensor) => Tensor): Tensor {
  const buffer = torch.zeros(inputShape, { dtype: g.dtype });
  region(buffer).copy_(g);
  return buffer;
}

defineFormulas({
  view: viewFormula('ViewBackward0', (g, _a, shape) => g.reshape(shape)),
  reshape: viewFormula('UnsafeViewBackward0', (g, _a, shape) => g.reshape(shape)),
  reshapeAlias: viewFormula('ReshapeAliasBackward0', (g, _a, shape) => g.reshape(shape)),
  t: viewFormula('TBackward0', (g) => g.t()),
  alias: viewFormula('AliasBackward0', (g) => g),
  squeeze: viewFormula(
    (attrs) => ((attrs.dim as number[] | undefined)?.length === 1 ? 'SqueezeBackward1' : 'SqueezeBackward0'),
    (g, _a, shape) => g.reshape(shape),
  ),
  unsqueeze: viewFormula('UnsqueezeBackward0', (g, attrs) => g.squeeze(attrs.dim as number)),
  transpose: viewFormula('TransposeBackward0', (g, attrs) =>
    g.transpose(attrs.dim0 as number, attrs.dim1 as number),
  ),
  permute: viewFormula('PermuteBackward0', (g, attrs) => {
    const dims = attrs.dims as number[];
    const inverse = new Array<number>(dims.length);
    dims.forEach((d, i) => {
      inverse[d] = i;
    });
    return g.permute(inverse);
  }),
  expand: viewFormula('ExpandBackward0', (g) => g), // summed back to the input shape by the engine
  narrow: viewFormula('SliceBackward0', (g, attrs, shape) =>
    scatterIntoZeros(g, shape, (b) =>
      b.narrow(attrs.dim as number, attrs.start as number, attrs.length as number),
    ),
  ),
  select: viewFormula('SelectBackward0', (g, attrs, shape) =>
    scatterIntoZeros(g, shape, (b) => b.select(attrs.dim as number, attrs.index as number)),
  ),
  diagonal: viewFormula('DiagonalBackward0', (g, attrs, shape) =>
    scatterIntoZeros(g, shape, (b) =>
      b.diagonal(attrs.offset as number, attrs.dim1 as number, attrs.dim2 as number),
    ),
  ),
  unfold: viewFormula('UnfoldBackward0', (g, attrs, shape) => {
    const dim = attrs.dimension as number;
    const size = attrs.size as number;
    const step = attrs.step as number;
    const buffer = torch.zeros(shape, { dtype: g.dtype });
    if (shape.length === 0) return buffer.add(g.reshape([]));
    const windows = g.size(dim);
    // Overlapping windows accumulate: add each window's gradient into its span.
    for (let k = 0; k < windows; k++) {
      const window = g.select(dim, k).movedim(-1, dim);
      buffer.narrow(dim, k * step, size).add_(window);
    }
    return buffer;
  }),
  asStrided: {
    name: 'AsStridedBackward0',
    saveInputs: [0],
    backward(ctx, [g]) {
      if (!g) return [null];
      const input = ctx.input(0);
      const size = ctx.attrs.size as number[];
      const stride = ctx.attrs.stride as number[];
      const offset = ctx.attrs.storageOffset as number;
      // Work in the input's storage coordinates: a zero buffer as long as the storage, then view it like the input.
      const storage = torch.zeros([input.untypedStorage().length], { dtype: g.dtype });
      const region = storage.asStrided(size, stride, offset);
      region.add_(g);
      return [storage.asStrided(input.shape, input.stride(), input.storageOffset()).clone()];
    },
  },
});
