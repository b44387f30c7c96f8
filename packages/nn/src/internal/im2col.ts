/**
 * `im2col` (PyTorch's `F.unfold`) and its adjoint `col2im` (`F.fold`) as differentiable ops with typed-array
 * kernels. Convolutions and average pooling are built on them: each is the other's derivative, so double backward
 * works.
 *
 * Layout (as PyTorch's): an image batch `[N, C, H, W]` unfolds to `[N, C * kh * kw, L]`, where row
 * `c * kh * kw + i * kw + j` holds the kernel tap `(i, j)` of channel `c` and the `L = oh * ow` columns are the
 * output positions in row-major order. Padding is implicit zeros. With this layout `weight[outC, C*kh*kw]` times the
 * columns of one image is that image's output in NCHW order, so a convolution needs no transposing copies.
 */
import { defineFormulas } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';

/** Geometry of a 2-d sliding window. */
export interface WindowGeometry {
  kernel: [number, number];
  dilation: [number, number];
  padding: [number, number];
  stride: [number, number];
}

/** Output size of a sliding window along one dim (floor mode). */
export function windowCount(
  size: number,
  kernel: number,
  dilation: number,
  padding: number,
  stride: number,
): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Output size `[oh, ow]` of a 2-d sliding window over an `h x w` image. */
export function outputSize(geometry: WindowGeometry, h: number, w: number): [number, number] {
  const { kernel, dilation, padding, stride } = geometry;
  return [
    windowCount(h, kernel[0], dilation[0], padding[0], stride[0]),
    windowCount(w, kernel[1], dilation[1], padding[1], stride[1]),
  ];
}

/** The float arrays the kernels work on. */
export type FloatArray = Float32Array | Float64Array;

/** The dtypes the kernels compute in. */
export type KernelDtype = 'float32' | 'float64';

/** The float dtype a kernel computes `dtype` in: float64 stays float64, everything else goes through float32. */
export function kernelDtype(dtype: torch.DType): KernelDtype {
  return dtype === 'float64' ? 'float64' : 'float32';
}

/**
 * The elements of `t` as a contiguous float array in its kernel dtype (see {@link kernelDtype}): a subarray of its
 * own storage when it already is one, else of a converted copy.
 */
export function floatData(t: Tensor): FloatArray {
  const dtype = kernelDtype(t.dtype);
  const contiguous = t.dtype === dtype && t.isContiguous() ? t : t.to(dtype).contiguous();
  const data = contiguous.untypedStorage().data as FloatArray;
  const offset = contiguous.storageOffset();
  return data.subarray(offset, offset + contiguous.numel()) as FloatArray;
}

/** A new zero-filled contiguous tensor of `shape` in `dtype` and its data array. */
export function zerosWithData(shape: number[], dtype: KernelDtype): [Tensor, FloatArray] {
  const out = torch.zeros(shape, { dtype });
  return [out, out.untypedStorage().data as FloatArray];
}

/** First output position `x` whose tap `x * stride + tapOffset` lies in `[0, size)` (clamped to `[0, count]`). */
function firstInside(tapOffset: number, stride: number, count: number): number {
  return Math.min(count, Math.max(0, Math.ceil(-tapOffset / stride)));
}

/** One past the last output position whose tap `x * stride + tapOffset` lies in `[0, size)`. */
function endInside(tapOffset: number, size: number, stride: number, count: number): number {
  return Math.min(count, Math.max(0, Math.floor((size - 1 - tapOffset) / stride) + 1));
}

/**
 * Unfolds one image (`channels x h x w` at `src[srcOffset]`) into its `[channels*kh*kw, oh*ow]` columns at
 * `dst[dstOffset]`, writing every element (zeros where a tap falls on the padding), so `dst` may be scratch memory.
 */
export function im2colImage(
  src: FloatArray,
  srcOffset: number,
  channels: number,
  h: number,
  w: number,
  geometry: WindowGeometry,
  dst: FloatArray,
  dstOffset: number,
): void {
  const [kh, kw] = geometry.kernel;
  const [dh, dw] = geometry.dilation;
  const [ph, pw] = geometry.padding;
  const [sh, sw] = geometry.stride;
  const oh = windowCount(h, kh, dh, ph, sh);
  const ow = windowCount(w, kw, dw, pw, sw);
  const count = oh * ow;
  // Unit strides and full-width rows: a tap's in-bounds rows are one contiguous run in both arrays.
  const contiguousRows = sh === 1 && sw === 1 && ow === w;
  for (let ch = 0; ch < channels; ch++) {
    const plane = srcOffset + ch * h * w;
    for (let i = 0; i < kh; i++) {
      const rowOffset = i * dh - ph;
      const y0 = firstInside(rowOffset, sh, oh);
      const y1 = Math.max(y0, endInside(rowOffset, h, sh, oh));
      for (let j = 0; j < kw; j++) {
        const colOffset = j * dw - pw;
        const x0 = firstInside(colOffset, sw, ow);
        const x1 = Math.max(x0, endInside(colOffset, w, sw, ow));
        const rowBase = dstOffset + ((ch * kh + i) * kw + j) * count;
        dst.fill(0, rowBase, rowBase + y0 * ow);
        dst.fill(0, rowBase + y1 * ow, rowBase + count);
        if (contiguousRows && y1 > y0) {
          const first = y0 * ow + x0;
          const length = (y1 - y0) * ow - x0 - (ow - x1);
          const source = plane + (y0 + rowOffset) * w + colOffset + x0;
          if (length > 0) dst.set(src.subarray(source, source + length), rowBase + first);
          if (x0 > 0 || x1 < ow) {
            for (let y = y0; y < y1; y++) {
              const target = rowBase + y * ow;
              for (let x = 0; x < x0; x++) dst[target + x] = 0;
              for (let x = x1; x < ow; x++) dst[target + x] = 0;
            }
          }
          continue;
        }
        for (let y = y0; y < y1; y++) {
          const source = plane + (y * sh + rowOffset) * w + colOffset;
          const target = rowBase + y * ow;
          for (let x = 0; x < x0; x++) dst[target + x] = 0;
          if (sw === 1) {
            for (let x = x0; x < x1; x++) dst[target + x] = src[source + x]!;
          } else {
            for (let x = x0; x < x1; x++) dst[target + x] = src[source + x * sw]!;
          }
          for (let x = x1; x < ow; x++) dst[target + x] = 0;
        }
      }
    }
  }
}

/**
 * Folds `[channels*kh*kw, oh*ow]` columns at `src[srcOffset]` back into one image (`channels x h x w` at
 * `dst[dstOffset]`), adding overlapping taps; taps on the padding are dropped. Accumulates into `dst`.
 */
export function col2imImage(
  src: FloatArray,
  srcOffset: number,
  channels: number,
  h: number,
  w: number,
  geometry: WindowGeometry,
  dst: FloatArray,
  dstOffset: number,
): void {
  const [kh, kw] = geometry.kernel;
  const [dh, dw] = geometry.dilation;
  const [ph, pw] = geometry.padding;
  const [sh, sw] = geometry.stride;
  if (kh === 3 && kw === 3 && dh === 1 && dw === 1 && ph === 1 && pw === 1 && sh === 1 && sw === 1) {
    col2im3x3Same(src, srcOffset, channels, h, w, dst, dstOffset);
    return;
  }
  const oh = windowCount(h, kh, dh, ph, sh);
  const ow = windowCount(w, kw, dw, pw, sw);
  const count = oh * ow;
  const contiguousRows = sh === 1 && sw === 1 && ow === w;
  for (let ch = 0; ch < channels; ch++) {
    const plane = dstOffset + ch * h * w;
    for (let i = 0; i < kh; i++) {
      const rowOffset = i * dh - ph;
      const y0 = firstInside(rowOffset, sh, oh);
      const y1 = endInside(rowOffset, h, sh, oh);
      for (let j = 0; j < kw; j++) {
        const colOffset = j * dw - pw;
        const x0 = firstInside(colOffset, sw, ow);
        const x1 = endInside(colOffset, w, sw, ow);
        const rowBase = srcOffset + ((ch * kh + i) * kw + j) * count;
        if (contiguousRows && x0 === 0 && x1 === ow) {
          // Every column in bounds: the tap's rows form one run in both arrays.
          const shift = plane + rowOffset * w + colOffset - rowBase;
          for (let q = rowBase + y0 * ow, end = rowBase + y1 * ow; q < end; q++) dst[q + shift]! += src[q]!;
          continue;
        }
        for (let y = y0; y < y1; y++) {
          const target = plane + (y * sh + rowOffset) * w + colOffset;
          const source = rowBase + y * ow;
          if (sw === 1) {
            for (let x = x0; x < x1; x++) dst[target + x]! += src[source + x]!;
          } else {
            for (let x = x0; x < x1; x++) dst[target + x * sw]! += src[source + x]!;
          }
        }
      }
    }
  }
}

/**
 * {@link col2imImage} for the most common convolution, 3x3 with stride 1 and padding 1 (so `oh, ow = h, w`), as a
 * gather: each pixel sums its nine taps in a register and is written once, instead of nine read-modify-writes.
 * Tap `(i, j)` of pixel `(y, x)` sits at column position `(y + 1 - i, x + 1 - j)` of row `c*9 + i*3 + j`.
 */
function col2im3x3Same(
  src: FloatArray,
  srcOffset: number,
  channels: number,
  h: number,
  w: number,
  dst: FloatArray,
  dstOffset: number,
): void {
  const count = h * w;
  for (let ch = 0; ch < channels; ch++) {
    const rows = srcOffset + ch * 9 * count;
    const plane = dstOffset + ch * count;
    for (let y = 0; y < h; y++) {
      const hasBelow = y + 1 < h;
      const hasAbove = y > 0;
      // Column positions of pixel (y, 0) for the tap rows i = 0, 1, 2 (rows y + 1, y, y - 1).
      const below = rows + (y + 1) * w;
      const level = rows + 3 * count + y * w;
      const above = rows + 6 * count + (y - 1) * w;
      for (let x = 0; x < w; x++) {
        const hasRight = x + 1 < w;
        const hasLeft = x > 0;
        let sum = 0;
        if (hasBelow) {
          if (hasRight) sum += src[below + x + 1]!;
          sum += src[below + count + x]!;
          if (hasLeft) sum += src[below + 2 * count + x - 1]!;
        }
        if (hasRight) sum += src[level + x + 1]!;
        sum += src[level + count + x]!;
        if (hasLeft) sum += src[level + 2 * count + x - 1]!;
        if (hasAbove) {
          if (hasRight) sum += src[above + x + 1]!;
          sum += src[above + count + x]!;
          if (hasLeft) sum += src[above + 2 * count + x - 1]!;
        }
        dst[plane + y * w + x]! += sum;
      }
    }
  }
}

/** `[N, C, H, W]` → `[N, C*kh*kw, L]` columns, as a plain (unrecorded) computation. */
export function im2colKernel(input: Tensor, geometry: WindowGeometry): Tensor {
  const [n, c, h, w] = input.shape as [number, number, number, number];
  const [kh, kw] = geometry.kernel;
  const [oh, ow] = outputSize(geometry, h, w);
  const src = floatData(input);
  const dtype = kernelDtype(input.dtype);
  const rows = c * kh * kw;
  const [out, dst] = zerosWithData([n, rows, oh * ow], dtype);
  if (oh > 0 && ow > 0) {
    for (let b = 0; b < n; b++) im2colImage(src, b * c * h * w, c, h, w, geometry, dst, b * rows * oh * ow);
  }
  return input.dtype === dtype ? out : out.to(input.dtype);
}

/** `[N, C*kh*kw, L]` columns → `[N, C, H, W]`, summing overlaps, as a plain (unrecorded) computation. */
export function col2imKernel(
  columns: Tensor,
  outputSize: [number, number],
  geometry: WindowGeometry,
): Tensor {
  const [n, rows, count] = columns.shape as [number, number, number];
  const [h, w] = outputSize;
  const c = rows / (geometry.kernel[0] * geometry.kernel[1]);
  const src = floatData(columns);
  const dtype = kernelDtype(columns.dtype);
  const [out, dst] = zerosWithData([n, c, h, w], dtype);
  for (let b = 0; b < n; b++) col2imImage(src, b * rows * count, c, h, w, geometry, dst, b * c * h * w);
  return columns.dtype === dtype ? out : out.to(columns.dtype);
}

/** `im2col(input [N, C, H, W])` → `[N, C*kh*kw, L]` (differentiable). */
export function im2col(input: Tensor, geometry: WindowGeometry): Tensor {
  return torch.dispatch('im2col', [input], { geometry, inputSize: [input.size(2), input.size(3)] }, () =>
    im2colKernel(input, geometry),
  );
}

/** `col2im(columns [N, C*kh*kw, L], [H, W])` → `[N, C, H, W]`, summing overlaps (differentiable). */
export function col2im(columns: Tensor, outputSize: [number, number], geometry: WindowGeometry): Tensor {
  return torch.dispatch('col2im', [columns], { geometry, outputSize }, () =>
    col2imKernel(columns, outputSize, geometry),
  );
}

defineFormulas({
  im2col: {
    name: 'Im2ColBackward0',
    backward(ctx, [grad]) {
      if (!grad) return [null];
      return [col2im(grad, ctx.attrs.inputSize as [number, number], ctx.attrs.geometry as WindowGeometry)];
    },
  },
  col2im: {
    name: 'Col2ImBackward0',
    backward(ctx, [grad]) {
      if (!grad) return [null];
      return [im2col(grad, ctx.attrs.geometry as WindowGeometry)];
    },
  },
});
