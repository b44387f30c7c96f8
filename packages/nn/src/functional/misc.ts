/** Shape and attention helpers: `pixelShuffle`, `pixelUnshuffle`, `interpolate`, `scaledDotProductAttention`. */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { dropout } from './dropout.js';

/** `F.pixel_shuffle(input, upscale_factor)`: `(*, C r², H, W)` → `(*, C, H r, W r)`. */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  if (input.dim() < 3) {
    throw new torch.RuntimeError(
      `pixel_shuffle expects input to have at least 3 dimensions, but got input with ${input.dim()} dimension(s)`,
    );
  }
  const r = upscaleFactor;
  const shape = input.shape;
  const [c, h, w] = shape.slice(-3) as [number, number, number];
  if (c % (r * r) !== 0) {
    throw new torch.RuntimeError(
      `pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`,
    );
  }
  const batch = shape.slice(0, -3);
  const k = batch.length;
  const outC = c / (r * r);
  return input
    .reshape([...batch, outC, r, r, h, w])
    .permute([...Array.from({ length: k }, (_, i) => i), k, k + 3, k + 1, k + 4, k + 2])
    .reshape([...batch, outC, h * r, w * r]);
}

/** `F.pixel_unshuffle(input, downscale_factor)`: the inverse of `pixelShuffle`. */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  const r = downscaleFactor;
  const shape = input.shape;
  const [c, h, w] = shape.slice(-3) as [number, number, number];
  if (h % r !== 0 || w % r !== 0) {
    throw new torch.RuntimeError(
      `pixel_unshuffle expects height and width to be divisible by downscale_factor, but input.size(-2)=${h}, input.size(-1)=${w}`,
    );
  }
  const batch = shape.slice(0, -3);
  const k = batch.length;
  return input
    .reshape([...batch, c, h / r, r, w / r, r])
    .permute([...Array.from({ length: k }, (_, i) => i), k, k + 2, k + 4, k + 1, k + 3])
    .reshape([...batch, c * r * r, h / r, w / r]);
}

/** Interpolation modes of `interpolate`. */
export type InterpolateMode = 'nearest' | 'linear' | 'bilinear';

/** Source coordinate scale of one dim (PyTorch's `area_pixel_compute_scale`). */
function sourceScale(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  scaleFactor: number | null,
): number {
  if (alignCorners) return outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  return scaleFactor !== null && scaleFactor > 0 ? 1 / scaleFactor : inSize / outSize;
}

/** The `[out, in]` interpolation matrix of linear interpolation along one dim. */
function linearMatrix(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  scaleFactor: number | null,
  dtype: torch.DType,
): Tensor {
  const scale = sourceScale(inSize, outSize, alignCorners, scaleFactor);
  const data = new Float64Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    let source = alignCorners ? i * scale : Math.max(scale * (i + 0.5) - 0.5, 0);
    if (source > inSize - 1) source = inSize - 1;
    const low = Math.floor(source);
    const high = Math.min(low + 1, inSize - 1);
    const lambda = source - low;
    data[i * inSize + low]! += 1 - lambda;
    data[i * inSize + high]! += lambda;
  }
  return torch.fromTypedArray(data, [outSize, inSize]).to(dtype);
}

function nearestIndex(inSize: number, outSize: number, scaleFactor: number | null): Tensor {
  const scale = scaleFactor !== null && scaleFactor > 0 ? 1 / scaleFactor : inSize / outSize;
  const indices: number[] = [];
  for (let i = 0; i < outSize; i++) indices.push(Math.min(Math.floor(i * scale), inSize - 1));
  return torch.tensor(indices, { dtype: 'int64' });
}

/**
 * `F.interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None)` for `'nearest'` and
 * `'linear'`/`'bilinear'` on `(N, C, L)` / `(N, C, H, W)` inputs.
 */
export function interpolate(
  input: Tensor,
  options: {
    size?: number | readonly number[] | null;
    scaleFactor?: number | readonly number[] | null;
    mode?: InterpolateMode;
    alignCorners?: boolean | null;
  },
): Tensor {
  const mode = options.mode ?? 'nearest';
  const spatial = input.dim() - 2;
  if (spatial < 1 || spatial > 2) {
    throw new torch.NotImplementedError(
      `Input Error: Only 3D and 4D input Tensors are supported (got ${input.dim()}D) for the modes: nearest | linear | bilinear (got ${mode})`,
    );
  }
  if (mode === 'nearest' && options.alignCorners !== undefined && options.alignCorners !== null) {
    throw new torch.ValueError(
      'align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear',
    );
  }
  if ((mode === 'linear' && spatial !== 1) || (mode === 'bilinear' && spatial !== 2)) {
    throw new torch.NotImplementedError(
      `Got ${input.dim()}D input, but ${mode} mode needs ${mode === 'linear' ? 3 : 4}D input`,
    );
  }
  const inSizes = input.shape.slice(2);
  let outSizes: number[];
  let scales: (number | null)[];
  if (options.size !== undefined && options.size !== null) {
    if (options.scaleFactor !== undefined && options.scaleFactor !== null) {
      throw new torch.ValueError('only one of size or scale_factor should be defined');
    }
    outSizes =
      typeof options.size === 'number' ? new Array(spatial).fill(options.size) : options.size.slice();
    scales = new Array(spatial).fill(null);
  } else if (options.scaleFactor !== undefined && options.scaleFactor !== null) {
    scales =
      typeof options.scaleFactor === 'number'
        ? new Array(spatial).fill(options.scaleFactor)
        : options.scaleFactor.slice();
    outSizes = inSizes.map((s, d) => Math.floor(s * scales[d]!));
  } else {
    throw new torch.ValueError('either size or scale_factor should be defined');
  }
  let out = input;
  for (let d = 0; d < spatial; d++) {
    const dim = 2 + d;
    if (mode === 'nearest') {
      out = out.indexSelect(dim, nearestIndex(inSizes[d]!, outSizes[d]!, scales[d]!));
    } else {
      const matrix = linearMatrix(
        inSizes[d]!,
        outSizes[d]!,
        options.alignCorners ?? false,
        scales[d]!,
        input.dtype,
      );
      out = out.movedim(dim, -1).matmul(matrix.t()).movedim(-1, dim);
    }
  }
  return out;
}

/**
 * `F.scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0, is_causal=False, scale=None)`:
 * `softmax(q kᵀ · scale + mask) v`. A boolean mask marks the positions that may attend; a float mask is added.
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options?: { attnMask?: Tensor | null; dropoutP?: number; isCausal?: boolean; scale?: number | null },
): Tensor {
  const l = query.size(-2);
  const s = key.size(-2);
  const scale = options?.scale ?? 1 / Math.sqrt(query.size(-1));
  let scores = query.matmul(key.transpose(-2, -1)).mul(scale);
  if (options?.isCausal) {
    const causal = torch.ones([l, s], { dtype: 'bool' }).tril();
    scores = scores.maskedFill(causal.logicalNot(), Number.NEGATIVE_INFINITY);
  }
  const mask = options?.attnMask ?? null;
  if (mask !== null) {
    scores =
      mask.dtype === 'bool'
        ? scores.maskedFill(mask.logicalNot(), Number.NEGATIVE_INFINITY)
        : scores.add(mask);
  }
  let weights = scores.softmax(-1);
  const p = options?.dropoutP ?? 0;
  if (p > 0) weights = dropout(weights, p, true);
  return weights.matmul(value);
}
