/** Normalisation functionals: batch, instance, layer, group and RMS norm, `normalize`. */
import { noGrad } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';

function sizeString(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** Reshapes a per-channel vector to broadcast over dim 1 of an `ndim`-d input. */
function channelView(vector: Tensor, ndim: number): Tensor {
  const shape = new Array<number>(ndim).fill(1);
  shape[1] = vector.numel();
  return vector.reshape(shape);
}

/** Options of `batchNorm`. */
export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Use batch statistics (and update the running ones) instead of the running statistics. */
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * `F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)`. In training the batch's
 * mean and biased variance normalise the input and the running statistics (when given) move towards the mean and
 * the unbiased variance by `momentum`; otherwise the running statistics normalise.
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  options?: BatchNormOptions,
): Tensor {
  const training = options?.training ?? false;
  const momentum = options?.momentum ?? 0.1;
  const eps = options?.eps ?? 1e-5;
  const ndim = input.dim();
  if (ndim < 2) throw new torch.ValueError(`expected 2D or 3D input (got ${ndim}D input)`);
  const channels = input.size(1);
  const reduceDims = [0, ...Array.from({ length: ndim - 2 }, (_, i) => i + 2)];
  const count = input.numel() / channels;
  if (training && count === 1) {
    throw new torch.ValueError(
      `Expected more than 1 value per channel when training, got input size ${sizeString(input.shape)}`,
    );
  }
  let mean: Tensor;
  let invStd: Tensor;
  if (training || runningMean === null || runningVar === null) {
    mean = input.mean(reduceDims, true);
    const centered = input.sub(mean);
    const variance = centered.square().mean(reduceDims, true);
    invStd = variance.add(eps).rsqrt();
    if (training && runningMean !== null && runningVar !== null) {
      noGrad(() => {
        const batchMean = mean.reshape(-1);
        const unbiased = variance.reshape(-1).mul(count / (count - 1));
        runningMean.mul_(1 - momentum).add_(batchMean.to(runningMean.dtype).mul(momentum));
        runningVar.mul_(1 - momentum).add_(unbiased.to(runningVar.dtype).mul(momentum));
      });
    }
    let out = centered.mul(invStd);
    if (options?.weight) out = out.mul(channelView(options.weight, ndim));
    if (options?.bias) out = out.add(channelView(options.bias, ndim));
    return out;
  }
  mean = channelView(runningMean, ndim);
  invStd = channelView(runningVar, ndim).add(eps).rsqrt();
  let out = input.sub(mean).mul(invStd);
  if (options?.weight) out = out.mul(channelView(options.weight, ndim));
  if (options?.bias) out = out.add(channelView(options.bias, ndim));
  return out;
}

/** Options of `instanceNorm`. */
export interface InstanceNormOptions extends BatchNormOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  /** Use per-instance statistics (default true); false uses the running statistics. */
  useInputStats?: boolean;
}

/**
 * `F.instance_norm`: normalises each channel of each sample over its spatial dims; running statistics (when given
 * and `useInputStats`) track the average over the batch.
 */
export function instanceNorm(input: Tensor, options?: InstanceNormOptions): Tensor {
  const useInputStats = options?.useInputStats ?? true;
  const eps = options?.eps ?? 1e-5;
  const momentum = options?.momentum ?? 0.1;
  const ndim = input.dim();
  const spatial = Array.from({ length: ndim - 2 }, (_, i) => i + 2);
  const runningMean = options?.runningMean ?? null;
  const runningVar = options?.runningVar ?? null;
  let out: Tensor;
  if (useInputStats) {
    const count = spatial.reduce((n, d) => n * input.size(d), 1);
    if (count === 1) {
      throw new torch.ValueError(
        `Expected more than 1 spatial element when training, got input size ${sizeString(input.shape)}`,
      );
    }
    const mean = input.mean(spatial, true);
    const centered = input.sub(mean);
    const variance = centered.square().mean(spatial, true);
    out = centered.mul(variance.add(eps).rsqrt());
    if (runningMean !== null && runningVar !== null) {
      noGrad(() => {
        const batchMean = mean.reshape(input.size(0), input.size(1)).mean(0);
        const unbiased = variance
          .reshape(input.size(0), input.size(1))
          .mul(count / (count - 1))
          .mean(0);
        runningMean.mul_(1 - momentum).add_(batchMean.mul(momentum));
        runningVar.mul_(1 - momentum).add_(unbiased.mul(momentum));
      });
    }
  } else {
    if (runningMean === null || runningVar === null) {
      throw new torch.ValueError(
        'Expected running_mean and running_var to be defined when use_input_stats is false',
      );
    }
    out = input.sub(channelView(runningMean, ndim)).mul(channelView(runningVar, ndim).add(eps).rsqrt());
  }
  if (options?.weight) out = out.mul(channelView(options.weight, ndim));
  if (options?.bias) out = out.add(channelView(options.bias, ndim));
  return out;
}

function checkNormalizedShape(input: Tensor, normalizedShape: readonly number[]): number[] {
  const k = normalizedShape.length;
  const shape = input.shape;
  const tail = shape.slice(shape.length - k);
  if (k === 0 || shape.length < k || tail.some((s, i) => s !== normalizedShape[i])) {
    throw new torch.RuntimeError(
      `Given normalized_shape=[${normalizedShape.join(', ')}], expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size[${shape.join(', ')}]`,
    );
  }
  return Array.from({ length: k }, (_, i) => shape.length - k + i);
}

/** `F.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5)` over the last dims. */
export function layerNorm(
  input: Tensor,
  normalizedShape: readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  const dims = checkNormalizedShape(input, normalizedShape);
  const mean = input.mean(dims, true);
  const centered = input.sub(mean);
  const variance = centered.square().mean(dims, true);
  let out = centered.mul(variance.add(eps).rsqrt());
  if (weight) out = out.mul(weight);
  if (bias) out = out.add(bias);
  return out;
}

/** `F.rms_norm(input, normalized_shape, weight=None, eps=None)`: `x / sqrt(mean(x²) + eps) * weight`. */
export function rmsNorm(
  input: Tensor,
  normalizedShape: readonly number[],
  weight?: Tensor | null,
  eps?: number | null,
): Tensor {
  const dims = checkNormalizedShape(input, normalizedShape);
  const epsilon = eps ?? machineEpsilon(input.dtype);
  let out = input.mul(input.square().mean(dims, true).add(epsilon).rsqrt());
  if (weight) out = out.mul(weight);
  return out;
}

/** `torch.finfo(dtype).eps`. */
export function machineEpsilon(dtype: torch.DType): number {
  switch (dtype) {
    case 'float64':
      return 2.220446049250313e-16;
    case 'float16':
      return 0.0009765625;
    case 'bfloat16':
      return 0.0078125;
    default:
      return 1.1920928955078125e-7;
  }
}

/** `F.group_norm(input, num_groups, weight=None, bias=None, eps=1e-5)`: normalises groups of channels. */
export function groupNorm(
  input: Tensor,
  numGroups: number,
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  if (input.dim() < 2) {
    throw new torch.RuntimeError(
      `Expected at least 2 dimensions for input tensor but received ${input.dim()}`,
    );
  }
  const n = input.size(0);
  const channels = input.size(1);
  if (channels % numGroups !== 0) {
    throw new torch.RuntimeError(
      `Expected number of channels in input to be divisible by num_groups, but got input of shape [${input.shape.join(', ')}] and num_groups=${numGroups}`,
    );
  }
  const grouped = input.reshape(n, numGroups, -1);
  const mean = grouped.mean(-1, true);
  const centered = grouped.sub(mean);
  const variance = centered.square().mean(-1, true);
  let out = centered.mul(variance.add(eps).rsqrt()).reshape(input.shape);
  if (weight) out = out.mul(channelView(weight, input.dim()));
  if (bias) out = out.add(channelView(bias, input.dim()));
  return out;
}

/** `F.local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0)`: normalises across nearby channels. */
export function localResponseNorm(input: Tensor, size: number, alpha = 1e-4, beta = 0.75, k = 1): Tensor {
  const dim = input.dim();
  if (dim < 3) {
    throw new torch.ValueError(`Expected 3D or higher dimensionality input (got ${dim} dimensions)`);
  }
  const squared = input.square();
  const channels = input.size(1);
  const before = Math.floor(size / 2);
  const after = Math.floor((size - 1) / 2);
  const padShape = input.shape;
  padShape[1] = before;
  const padBefore = torch.zeros(padShape, { dtype: input.dtype });
  padShape[1] = after;
  const padAfter = torch.zeros(padShape, { dtype: input.dtype });
  const padded = torch.cat([padBefore, squared, padAfter], 1);
  const windows = padded.unfold(1, size, 1).sum(-1);
  const div = windows
    .narrow(1, 0, channels)
    .mul(alpha / size)
    .add(k)
    .pow(beta);
  return input.div(div);
}

/** `F.normalize(input, p=2, dim=1, eps=1e-12)`: divides by the p-norm along `dim` (at least `eps`). */
export function normalize(input: Tensor, p = 2, dim = 1, eps = 1e-12): Tensor {
  const norm = input.norm(p, dim, true).clampMin(eps).expandAs(input);
  return input.div(norm);
}
