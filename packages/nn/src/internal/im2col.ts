/**
 * `im2col` (PyTorch's `F.unfold`) and its adjoint `col2im` (`F.fold`) as differentiable ops with typed-array
 * kernels. Convolutions and pooling are built on them: each is the other's derivative, so double backward works.
 *
 * Layout (as PyTorch's): an image batch `[N, C, H, W]` unfolds to `[N, C * kh * kw, L]`, where row
 * `c * kh * kw + i * kw + j` holds the kernel tap `(i, j)` of channel `c` and the `L = oh * ow` columns are the
 * output positions in row-major order. Padding is implicit zeros.
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

type FloatArray = Float32Array | Float64Array;

function floatData(t: Tensor): { data: FloatArray; tensor: Tensor } {
  const dtype = t.dtype === 'float64' ? 'float64' : 'float32';
  const contiguous = t.dtype === dtype && t.isContiguous() ? t : t.to(dtype).contiguous();
  const data = contiguous.untypedStorage().data as FloatArray;
  const offset = contiguous.storageOffset();
  return { data: data.subarray(offset, offset + contiguous.numel()) as FloatArray, tensor: contiguous };
}

function im2colKernel(input: Tensor, geometry: WindowGeometry): Tensor {
  const [n, c, h, w] = input.shape as [number, number, number, number];
  const [kh, kw] = geometry.kernel;
  const [dh, dw] = geometry.dilation;
  const [ph, pw] = geometry.padding;
  const [sh, sw] = geometry.stride;
  const oh = windowCount(h, kh, dh, ph, sh);
  const ow = windowCount(w, kw, dw, pw, sw);
  const { data: src } = floatData(input);
  const dtype = src instanceof Float64Array ? 'float64' : 'float32';
  const rows = c * kh * kw;
  const columns = oh * ow;
  const out = torch.zeros([n, rows, columns], { dtype });
  const dst = out.untypedStorage().data as FloatArray;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const srcBase = (b * c + ch) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const row = (ch * kh + i) * kw + j;
          let dstIndex = (b * rows + row) * columns;
          for (let y = 0; y < oh; y++) {
            const sy = y * sh - ph + i * dh;
            if (sy < 0 || sy >= h) {
              dstIndex += ow;
              continue;
            }
            const srcRow = srcBase + sy * w;
            let sx = -pw + j * dw;
            for (let x = 0; x < ow; x++, sx += sw, dstIndex++) {
              if (sx >= 0 && sx < w) dst[dstIndex] = src[srcRow + sx]!;
            }
          }
        }
      }
    }
  }
  return input.dtype === dtype ? out : out.to(input.dtype);
}

function col2imKernel(columns: Tensor, outputSize: [number, number], geometry: WindowGeometry): Tensor {
  const [n, rows, count] = columns.shape as [number, number, number];
  const [h, w] = outputSize;
  const [kh, kw] = geometry.kernel;
  const [dh, dw] = geometry.dilation;
  const [ph, pw] = geometry.padding;
  const [sh, sw] = geometry.stride;
  const oh = windowCount(h, kh, dh, ph, sh);
  const ow = windowCount(w, kw, dw, pw, sw);
  const c = rows / (kh * kw);
  const { data: src } = floatData(columns);
  const dtype = src instanceof Float64Array ? 'float64' : 'float32';
  const out = torch.zeros([n, c, h, w], { dtype });
  const dst = out.untypedStorage().data as FloatArray;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const dstBase = (b * c + ch) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const row = (ch * kh + i) * kw + j;
          let srcIndex = (b * rows + row) * count;
          for (let y = 0; y < oh; y++) {
            const sy = y * sh - ph + i * dh;
            if (sy < 0 || sy >= h) {
              srcIndex += ow;
              continue;
            }
            const dstRow = dstBase + sy * w;
            let sx = -pw + j * dw;
            for (let x = 0; x < ow; x++, sx += sw, srcIndex++) {
              if (sx >= 0 && sx < w) dst[dstRow + sx]! += src[srcIndex]!;
            }
          }
        }
      }
    }
  }
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
