/**
 * Dropout family. The masks are drawn exactly as PyTorch's CPU kernels draw them (`bernoulli_(1 - p)` on a tensor
 * of the input's shape, or of `[N, C, 1, ...]` for feature dropout), so a seeded run drops the same elements.
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';

function checkProbability(p: number): void {
  if (p < 0 || p > 1)
    throw new torch.ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
}

function apply(
  input: Tensor,
  p: number,
  training: boolean,
  inplace: boolean,
  feature: boolean,
  alpha: boolean,
): Tensor {
  checkProbability(p);
  if (!training || p === 0 || input.numel() === 0) return input;
  if (p === 1) {
    const zeroed = alpha ? input.mul(0) : input.mul(0);
    if (inplace) return input.copy_(zeroed);
    return zeroed;
  }
  const noiseShape = feature
    ? [input.size(0), input.size(1), ...new Array<number>(input.dim() - 2).fill(1)]
    : input.shape;
  const noise = torch.empty(noiseShape, { dtype: input.dtype, device: input.device }).bernoulli_(1 - p);
  let result: Tensor;
  if (alpha) {
    const alphaConstant = 1.7580993408473766;
    const a = 1 / Math.sqrt((alphaConstant * alphaConstant * p + 1) * (1 - p));
    const b = noise
      .add(-1)
      .mul(alphaConstant * a)
      .add(alphaConstant * a * p);
    result = input.mul(noise.mul(a)).add(b);
  } else {
    result = input.mul(noise.div(1 - p));
  }
  if (inplace) return input.copy_(result);
  return result;
}

/** `F.dropout(input, p=0.5, training=True, inplace=False)`: zeroes elements with probability `p`, scales by 1/(1-p). */
export function dropout(input: Tensor, p = 0.5, training = true, inplace = false): Tensor {
  return apply(input, p, training, inplace, false, false);
}

/** `F.alpha_dropout`: dropout that keeps zero mean and unit variance (for SELU networks). */
export function alphaDropout(input: Tensor, p = 0.5, training = false, inplace = false): Tensor {
  return apply(input, p, training, inplace, false, true);
}

/** `F.feature_alpha_dropout`: alpha dropout of whole channels. */
export function featureAlphaDropout(input: Tensor, p = 0.5, training = false, inplace = false): Tensor {
  return apply(input, p, training, inplace, true, true);
}

function featureDropout(
  input: Tensor,
  p: number,
  training: boolean,
  inplace: boolean,
  batchedDim: number,
  name: string,
): Tensor {
  const ndim = input.dim();
  if (ndim !== batchedDim && ndim !== batchedDim - 1) {
    throw new torch.RuntimeError(
      `${name}: Expected ${batchedDim - 1}D or ${batchedDim}D input, but received a ${ndim}D input. Note that ${name} exists to provide channel-wise dropout on inputs with ${batchedDim - 2} spatial dimension${batchedDim - 2 === 1 ? '' : 's'}, a channel dimension, and an optional batch dimension (i.e. ${batchedDim - 1}D or ${batchedDim}D inputs).`,
    );
  }
  if (ndim === batchedDim - 1) {
    const result = apply(input.unsqueeze(0), p, training, false, true, false).squeeze(0);
    return inplace ? input.copy_(result) : result;
  }
  return apply(input, p, training, inplace, true, false);
}

/** `F.dropout1d`: zeroes whole channels of `(N, C, L)` or `(C, L)` inputs. */
export function dropout1d(input: Tensor, p = 0.5, training = true, inplace = false): Tensor {
  return featureDropout(input, p, training, inplace, 3, 'dropout1d');
}

/** `F.dropout2d`: zeroes whole channels of `(N, C, H, W)` or `(C, H, W)` inputs. */
export function dropout2d(input: Tensor, p = 0.5, training = true, inplace = false): Tensor {
  return featureDropout(input, p, training, inplace, 4, 'dropout2d');
}

/** `F.dropout3d`: zeroes whole channels of `(N, C, D, H, W)` or `(C, D, H, W)` inputs. */
export function dropout3d(input: Tensor, p = 0.5, training = true, inplace = false): Tensor {
  return featureDropout(input, p, training, inplace, 5, 'dropout3d');
}
