/**
 * Activation functions of `torch.nn.functional`, written with differentiable tensor ops. Branches that are masked
 * out by `where` are evaluated on clamped inputs, so that an overflow there (e.g. `exp` of a large input) cannot turn
 * the zero gradient of the unselected branch into NaN.
 */

import type { DType, Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';

/** Writes `result` into `input` when `inplace`, as PyTorch's `F.foo(x, inplace=True)`. */
function finish(input: Tensor, result: Tensor, inplace: boolean | undefined): Tensor {
  if (!inplace) return result;
  input.copy_(result);
  return input;
}

/** `F.relu(input, inplace=False)`. */
export function relu(input: Tensor, inplace = false): Tensor {
  return inplace ? input.relu_() : input.relu();
}

/** `F.relu6`: `min(max(0, x), 6)`. */
export function relu6(input: Tensor, inplace = false): Tensor {
  return hardtanh(input, 0, 6, inplace);
}

/** `F.hardtanh(input, min_val=-1, max_val=1)`. */
export function hardtanh(input: Tensor, minVal = -1, maxVal = 1, inplace = false): Tensor {
  return finish(input, input.clamp(minVal, maxVal), inplace);
}

/** `F.leaky_relu(input, negative_slope=0.01)`. */
export function leakyRelu(input: Tensor, negativeSlope = 0.01, inplace = false): Tensor {
  return finish(input, torch.where(input.gt(0), input, input.mul(negativeSlope)), inplace);
}

/** `F.prelu(input, weight)`: the weight (one value, or one per channel of dim 1) scales the negative part. */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  let slope = weight;
  if (weight.numel() !== 1) {
    const channels = input.dim() >= 2 ? input.size(1) : 1;
    if (weight.numel() !== channels) {
      throw new torch.RuntimeError(
        `Mismatch of parameter numbers and input channel size. Found parameter numbers = ${weight.numel()} and channel size = ${channels}.`,
      );
    }
    const shape = new Array<number>(input.dim()).fill(1);
    if (input.dim() >= 2) shape[1] = channels;
    slope = weight.reshape(shape);
  }
  return torch.where(input.gt(0), input, input.mul(slope));
}

/** `F.elu(input, alpha=1.0)`. */
export function elu(input: Tensor, alpha = 1, inplace = false): Tensor {
  const negative = input.clampMax(0).expm1().mul(alpha);
  return finish(input, torch.where(input.gt(0), input, negative), inplace);
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** `F.selu`: `scale * elu(x, alpha)` with the self-normalising constants. */
export function selu(input: Tensor, inplace = false): Tensor {
  const negative = input.clampMax(0).expm1().mul(SELU_ALPHA);
  return finish(input, torch.where(input.gt(0), input, negative).mul(SELU_SCALE), inplace);
}

/** `F.celu(input, alpha=1.0)`: `max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`. */
export function celu(input: Tensor, alpha = 1, inplace = false): Tensor {
  const negative = input.clampMax(0).div(alpha).expm1().mul(alpha);
  return finish(input, torch.where(input.gt(0), input, negative), inplace);
}

/** `F.gelu(input, approximate='none')`; `'tanh'` selects the tanh approximation. */
export function gelu(input: Tensor, options?: { approximate?: 'none' | 'tanh' }): Tensor {
  const approximate = options?.approximate ?? 'none';
  if (approximate === 'tanh') {
    const inner = input.add(input.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return input.mul(0.5).mul(inner.tanh().add(1));
  }
  if (approximate !== 'none')
    throw new torch.RuntimeError(`approximate argument must be either none or tanh.`);
  return input.mul(0.5).mul(input.mul(Math.SQRT1_2).erf().add(1));
}

/** `F.silu` (swish): `x * sigmoid(x)`. */
export function silu(input: Tensor, inplace = false): Tensor {
  return finish(input, input.mul(input.sigmoid()), inplace);
}

/** `F.mish`: `x * tanh(softplus(x))`. */
export function mish(input: Tensor, inplace = false): Tensor {
  return finish(input, input.mul(softplus(input).tanh()), inplace);
}

/** `F.sigmoid`. */
export function sigmoid(input: Tensor): Tensor {
  return input.sigmoid();
}

/** `F.tanh`. */
export function tanh(input: Tensor): Tensor {
  return input.tanh();
}

/** `F.hardsigmoid`: `clamp(x / 6 + 1/2, 0, 1)`. */
export function hardsigmoid(input: Tensor, inplace = false): Tensor {
  const value = input.div(6).add(0.5).clamp(0, 1);
  if (!input.requiresGrad) return finish(input, value, inplace);
  // PyTorch's backward multiplies by the float constant 1/6 (rounded to float32) where -3 < x < 3; the gradient
  // path reproduces that while the value keeps the exact division (the added difference is exactly zero).
  const inside = input.gt(-3).logicalAnd(input.lt(3));
  const gradientPath = torch.where(inside, input.mul(HARDSIGMOID_SLOPE), 0);
  return finish(input, value.detach().add(gradientPath.sub(gradientPath.detach())), inplace);
}

/** `1.0f / 6.0f` as PyTorch's hardsigmoid backward kernel uses it. */
const HARDSIGMOID_SLOPE = Math.fround(1 / 6);

/** `F.hardswish`: `x * relu6(x + 3) / 6`. */
export function hardswish(input: Tensor, inplace = false): Tensor {
  return finish(input, input.mul(input.add(3).clamp(0, 6)).div(6), inplace);
}

/** `F.softplus(input, beta=1, threshold=20)`: `log(1 + exp(beta x)) / beta`, linear above the threshold. */
export function softplus(input: Tensor, beta = 1, threshold = 20): Tensor {
  const scaled = input.mul(beta);
  const smooth = scaled.clampMax(threshold).exp().log1p().div(beta);
  return torch.where(scaled.gt(threshold), input, smooth);
}

/** `F.softsign`: `x / (1 + |x|)`. */
export function softsign(input: Tensor): Tensor {
  return input.div(input.abs().add(1));
}

/** `F.logsigmoid`: `-softplus(-x)`, computed stably. */
export function logsigmoid(input: Tensor): Tensor {
  // log σ(x) = min(x, 0) - log1p(exp(-|x|))
  return input.clampMax(0).sub(input.abs().neg().exp().log1p());
}

/** `F.tanhshrink`: `x - tanh(x)`. */
export function tanhshrink(input: Tensor): Tensor {
  return input.sub(input.tanh());
}

/** `F.softshrink(input, lambd=0.5)`. */
export function softshrink(input: Tensor, lambd = 0.5): Tensor {
  return torch.where(input.gt(lambd), input.sub(lambd), torch.where(input.lt(-lambd), input.add(lambd), 0));
}

/** `F.hardshrink(input, lambd=0.5)`. */
export function hardshrink(input: Tensor, lambd = 0.5): Tensor {
  return torch.where(input.abs().gt(lambd), input, 0);
}

/** `F.threshold(input, threshold, value)`: `x` where `x > threshold`, else `value`. */
export function threshold(input: Tensor, thresholdValue: number, value: number, inplace = false): Tensor {
  return finish(input, torch.where(input.gt(thresholdValue), input, value), inplace);
}

/** `F.glu(input, dim=-1)`: first half times the sigmoid of the second half. */
export function glu(input: Tensor, dim = -1): Tensor {
  const size = input.size(dim);
  if (size % 2 !== 0) {
    throw new torch.RuntimeError(
      `Halving dimension must be even, but dimension ${dim < 0 ? dim + input.dim() : dim} is size ${size}`,
    );
  }
  const [a, b] = input.chunk(2, dim);
  return a!.mul(b!.sigmoid());
}

/** PyTorch's implicit softmax dim (deprecated there): 0 for 0-, 1- and 3-d inputs, else 1. */
function softmaxDim(input: Tensor, dim: number | undefined | null): number {
  if (dim !== undefined && dim !== null) return dim;
  const ndim = input.dim();
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** `F.softmax(input, dim, dtype=None)`. */
export function softmax(input: Tensor, dim?: number | null, options?: { dtype?: DType }): Tensor {
  return input.softmax(softmaxDim(input, dim), options);
}

/** `F.log_softmax(input, dim, dtype=None)`. */
export function logSoftmax(input: Tensor, dim?: number | null, options?: { dtype?: DType }): Tensor {
  return input.logSoftmax(softmaxDim(input, dim), options);
}

/** `F.softmin(input, dim)`: softmax of `-x`. */
export function softmin(input: Tensor, dim?: number | null, options?: { dtype?: DType }): Tensor {
  return input.neg().softmax(softmaxDim(input, dim), options);
}

/**
 * `F.gumbel_softmax(logits, tau=1, hard=False, dim=-1)`: samples from the Gumbel-softmax distribution; with `hard`
 * the result is one-hot in value but keeps the soft sample's gradient (straight-through).
 */
export function gumbelSoftmax(
  logits: Tensor,
  options?: { tau?: number; hard?: boolean; dim?: number; generator?: torch.Generator },
): Tensor {
  const tau = options?.tau ?? 1;
  const dim = options?.dim ?? -1;
  const gumbels = torch
    .emptyLike(logits)
    .exponential_(1, options?.generator === undefined ? undefined : { generator: options.generator })
    .log()
    .neg();
  const soft = logits.add(gumbels).div(tau).softmax(dim);
  if (!options?.hard) return soft;
  const index = soft.argmax(dim, true);
  const hard = torch.zerosLike(logits).scatter(dim, index, 1);
  return hard.sub(soft.detach()).add(soft);
}
