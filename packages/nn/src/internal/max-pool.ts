/**
 * 2-d max pooling as a differentiable op with a dedicated kernel: one pass over each window finds the maximum and
 * its flat index in the input plane; the backward scatters the gradient through those indices.
 *
 * NOTE [Max pooling semantics]
 * As PyTorch's CPU kernel: the window is clipped to the input (padding never wins), a later element replaces the
 * running maximum only when strictly greater (so the first maximum wins ties) or when it is NaN (so NaN propagates,
 * the last NaN giving the index), and the running maximum starts at -inf with the index of the window's first
 * in-bounds element (an all -inf window reports that element).
 *
 * The indices are kept as int32 (BigInt writes would dominate the kernel) and widened to PyTorch's int64 only when
 * the caller asks for them. The backward (`maxPool2dScatter`) and its adjoint (`maxPool2dGather`) are ops too, each
 * the other's derivative, so double backward works.
 */
import { defineFormulas } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { type FloatArray, floatData, kernelDtype, zerosWithData } from './im2col.js';

/** Window geometry and output size of a 2-d max pooling (after PyTorch's ceil-mode rule). */
export interface PoolWindow {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  outputSize: [number, number];
}

interface MaxPoolAttrs {
  window: PoolWindow;
  /** The int32 argmax indices `[N, C, oh, ow]`, filled in by the forward. */
  indices: Tensor | null;
}

/** Start (first in-bounds tap) and end (exclusive) of every window along one dim, as `[start0, end0, start1, ...]`. */
function windowBounds(
  count: number,
  size: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
): Int32Array {
  const bounds = new Int32Array(2 * count);
  for (let o = 0; o < count; o++) {
    let start = o * stride - padding;
    const end = Math.min(start + (kernel - 1) * dilation + 1, size);
    while (start < 0) start += dilation;
    bounds[2 * o] = start;
    bounds[2 * o + 1] = end;
  }
  return bounds;
}

/** The general kernel: every window clipped to the input, with any stride, padding and dilation. */
function maxPoolWindows(
  src: FloatArray,
  planes: number,
  h: number,
  w: number,
  oh: number,
  ow: number,
  rows: Int32Array,
  cols: Int32Array,
  dh: number,
  dw: number,
  dst: FloatArray,
  indices: Int32Array,
): void {
  const planeSize = h * w;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * planeSize;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = rows[2 * oy]!;
      const y1 = rows[2 * oy + 1]!;
      for (let ox = 0; ox < ow; ox++, o++) {
        const x0 = cols[2 * ox]!;
        const x1 = cols[2 * ox + 1]!;
        let maxIndex = y0 * w + x0;
        let maxValue = Number.NEGATIVE_INFINITY;
        for (let y = y0; y < y1; y += dh) {
          for (let index = y * w + x0, end = y * w + x1; index < end; index += dw) {
            const value = src[base + index]!;
            // `value !== value` is the NaN test, without a call in the hot loop.
            if (value > maxValue || value !== value) {
              maxValue = value;
              maxIndex = index;
            }
          }
        }
        dst[o] = maxValue;
        indices[o] = maxIndex;
      }
    }
  }
}

/** `MaxPool2d(2)`, the common case: whole 2x2 windows at stride 2 with no padding, unrolled; same answers as above. */
function maxPool2x2(
  src: FloatArray,
  planes: number,
  h: number,
  w: number,
  oh: number,
  ow: number,
  dst: FloatArray,
  indices: Int32Array,
): void {
  const planeSize = h * w;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * planeSize;
    for (let oy = 0; oy < oh; oy++) {
      const top = 2 * oy * w;
      for (let ox = 0, index = top; ox < ow; ox++, o++, index += 2) {
        const p = base + index;
        const a = src[p]!;
        const b = src[p + 1]!;
        const c = src[p + w]!;
        const d = src[p + w + 1]!;
        // Math.max is NaN when any is; the tap is then the last NaN, else the first equal to the maximum. The value
        // is read back from the tap, so -0 and +0 keep PyTorch's first-wins answer.
        const maxValue = Math.max(a, b, c, d);
        let tap: number;
        if (maxValue !== maxValue) tap = d !== d ? w + 1 : c !== c ? w : b !== b ? 1 : 0;
        else tap = a === maxValue ? 0 : b === maxValue ? 1 : c === maxValue ? w : w + 1;
        dst[o] = src[p + tap]!;
        indices[o] = index + tap;
      }
    }
  }
}

function maxPoolKernel(input: Tensor, window: PoolWindow): [Tensor, Tensor] {
  const [n, c, h, w] = input.shape as [number, number, number, number];
  const [oh, ow] = window.outputSize;
  const [dh, dw] = window.dilation;
  const src = floatData(input);
  const dtype = kernelDtype(input.dtype);
  const [values, dst] = zerosWithData([n, c, oh, ow], dtype);
  const indices = new Int32Array(n * c * oh * ow);
  if (
    window.kernel[0] === 2 &&
    window.kernel[1] === 2 &&
    window.stride[0] === 2 &&
    window.stride[1] === 2 &&
    window.padding[0] === 0 &&
    window.padding[1] === 0 &&
    dh === 1 &&
    dw === 1 &&
    2 * oh <= h &&
    2 * ow <= w
  ) {
    maxPool2x2(src, n * c, h, w, oh, ow, dst, indices);
  } else {
    const rows = windowBounds(oh, h, window.kernel[0], window.stride[0], window.padding[0], dh);
    const cols = windowBounds(ow, w, window.kernel[1], window.stride[1], window.padding[1], dw);
    maxPoolWindows(src, n * c, h, w, oh, ow, rows, cols, dh, dw, dst, indices);
  }
  return [
    input.dtype === dtype ? values : values.to(input.dtype),
    torch.fromTypedArray(indices, [n, c, oh, ow]),
  ];
}

/** The contiguous int32 data of an indices tensor made by {@link maxPoolKernel}. */
function indexData(indices: Tensor): Int32Array {
  const offset = indices.storageOffset();
  return (indices.untypedStorage().data as Int32Array).subarray(offset, offset + indices.numel());
}

/** `out[plane, indices[plane, o]] += grad[plane, o]` over `[N, C, H, W]` zeros. */
function scatterKernel(grad: Tensor, indices: Tensor, inputSize: [number, number]): Tensor {
  const [n, c, oh, ow] = indices.shape as [number, number, number, number];
  const planeSize = inputSize[0] * inputSize[1];
  const count = oh * ow;
  const src = floatData(grad);
  const index = indexData(indices);
  const dtype = kernelDtype(grad.dtype);
  const [out, dst] = zerosWithData([n, c, inputSize[0], inputSize[1]], dtype);
  for (let plane = 0, o = 0; plane < n * c; plane++) {
    const base = plane * planeSize;
    for (let end = o + count; o < end; o++) dst[base + index[o]!]! += src[o]!;
  }
  return grad.dtype === dtype ? out : out.to(grad.dtype);
}

/** `out[plane, o] = source[plane, indices[plane, o]]`: the adjoint of {@link scatterKernel}. */
function gatherKernel(source: Tensor, indices: Tensor): Tensor {
  const [n, c, oh, ow] = indices.shape as [number, number, number, number];
  const planeSize = source.size(2) * source.size(3);
  const count = oh * ow;
  const src: FloatArray = floatData(source);
  const index = indexData(indices);
  const dtype = kernelDtype(source.dtype);
  const [out, dst] = zerosWithData([n, c, oh, ow], dtype);
  for (let plane = 0, o = 0; plane < n * c; plane++) {
    const base = plane * planeSize;
    for (let end = o + count; o < end; o++) dst[o] = src[base + index[o]!]!;
  }
  return source.dtype === dtype ? out : out.to(source.dtype);
}

/**
 * Max pooling of a batched `[N, C, H, W]` input (arguments already checked): the pooled values `[N, C, oh, ow]`
 * (differentiable) and the int32 flat index of each maximum in its input plane.
 */
export function maxPool2dWithIndices(input: Tensor, window: PoolWindow): [Tensor, Tensor] {
  const attrs: MaxPoolAttrs = { window, indices: null };
  const values = torch.dispatch('max_pool2d', [input], attrs as unknown as Record<string, unknown>, () => {
    const [pooled, indices] = maxPoolKernel(input, window);
    attrs.indices = indices;
    return pooled;
  });
  return [values, attrs.indices!];
}

/** Max pooling's backward: the gradient of each pooled value goes to its maximum's position (differentiable). */
export function maxPool2dScatter(grad: Tensor, indices: Tensor, inputSize: [number, number]): Tensor {
  return torch.dispatch('max_pool2d_scatter', [grad, indices], { inputSize }, () =>
    scatterKernel(grad, indices, inputSize),
  );
}

/** Reads `source [N, C, H, W]` at the pooling indices (the adjoint of {@link maxPool2dScatter}; differentiable). */
export function maxPool2dGather(source: Tensor, indices: Tensor): Tensor {
  return torch.dispatch(
    'max_pool2d_gather',
    [source, indices],
    { inputSize: [source.size(2), source.size(3)] },
    () => gatherKernel(source, indices),
  );
}

defineFormulas({
  max_pool2d: {
    name: 'MaxPool2DWithIndicesBackward0',
    backward(ctx, [grad]) {
      if (!grad) return [null];
      const { indices } = ctx.attrs as unknown as MaxPoolAttrs;
      const shape = ctx.inputShape(0);
      return [maxPool2dScatter(grad, indices!, [shape[2]!, shape[3]!])];
    },
  },
  max_pool2d_scatter: {
    name: 'MaxPool2DWithIndicesBackwardBackward0',
    saveInputs: [1],
    nonDifferentiable: [1],
    backward(ctx, [grad]) {
      if (!grad) return [null, null];
      return [maxPool2dGather(grad, ctx.input(1)), null];
    },
  },
  max_pool2d_gather: {
    name: 'MaxPool2DGatherBackward0',
    saveInputs: [1],
    nonDifferentiable: [1],
    backward(ctx, [grad]) {
      if (!grad) return [null, null];
      return [maxPool2dScatter(grad, ctx.input(1), ctx.attrs.inputSize as [number, number]), null];
    },
  },
});
