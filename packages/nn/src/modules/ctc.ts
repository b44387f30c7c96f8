/**
 * Connectionist temporal classification: `ctcLoss` (PyTorch's `F.ctc_loss`) and the `CTCLoss` module.
 *
 * The forward and backward passes are ATen's CPU algorithm (Graves et al. 2006, in log space): the negative log
 * likelihood from the alpha recursion, and the gradient `exp(lp) - exp(log(αβ) + nll - lp)` from alpha and beta. As in
 * PyTorch, that gradient is the one of the loss composed with a log-softmax over classes (which is how log-probs are
 * meant to be produced), so gradients equal PyTorch's exactly.
 */

import { Function as AutogradFunction, type FunctionCtx } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { Module } from '../module.js';

/** Options of `ctcLoss` and `CTCLoss`. */
export interface CTCLossOptions {
  /** Index of the blank class (default 0). */
  blank?: number;
  reduction?: 'none' | 'mean' | 'sum';
  /** Replace infinite losses (impossible alignments) and their gradients by zero. */
  zeroInfinity?: boolean;
}

type Lengths = Tensor | readonly number[] | number;

function toLengths(lengths: Lengths): number[] {
  if (typeof lengths === 'number') return [lengths];
  if (Array.isArray(lengths)) return lengths.slice() as number[];
  const t = lengths as Tensor;
  return (t.reshape(-1).tolist() as (number | bigint)[]).map(Number);
}

function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** Per-sample data of the loss, kept for the backward pass. */
interface CtcState {
  logProbs: Float64Array;
  time: number;
  batch: number;
  classes: number;
  blank: number;
  inputLengths: number[];
  targetLengths: number[];
  /** Targets of each sample. */
  targets: number[][];
  nll: Float64Array;
  zeroInfinity: boolean;
  dtype: torch.DType;
}

/** Log-space alpha (forward) table of one sample: `[T, 2L+1]`. */
function alphaTable(state: CtcState, n: number): Float64Array {
  const { logProbs: lp, batch, classes, blank } = state;
  const inputLength = state.inputLengths[n]!;
  const target = state.targets[n]!;
  const width = 2 * target.length + 1;
  const alpha = new Float64Array(Math.max(inputLength, 1) * width).fill(Number.NEGATIVE_INFINITY);
  if (inputLength === 0) return alpha;
  const at = (t: number, c: number): number => lp[(t * batch + n) * classes + c]!;
  const label = (s: number): number => (s % 2 === 0 ? blank : target[(s - 1) >> 1]!);
  alpha[0] = at(0, blank);
  if (width > 1) alpha[1] = at(0, label(1));
  for (let t = 1; t < inputLength; t++) {
    for (let s = 0; s < width; s++) {
      const c = label(s);
      const previous = (t - 1) * width;
      let sum = alpha[previous + s]!;
      if (s >= 1) sum = logAddExp(sum, alpha[previous + s - 1]!);
      if (s >= 2 && c !== blank && label(s - 2) !== c) sum = logAddExp(sum, alpha[previous + s - 2]!);
      alpha[t * width + s] = sum === Number.NEGATIVE_INFINITY ? sum : sum + at(t, c);
    }
  }
  return alpha;
}

/** Log-space beta (backward) table of one sample: `[T, 2L+1]`. */
function betaTable(state: CtcState, n: number): Float64Array {
  const { logProbs: lp, batch, classes, blank } = state;
  const inputLength = state.inputLengths[n]!;
  const target = state.targets[n]!;
  const width = 2 * target.length + 1;
  const beta = new Float64Array(Math.max(inputLength, 1) * width).fill(Number.NEGATIVE_INFINITY);
  if (inputLength === 0) return beta;
  const at = (t: number, c: number): number => lp[(t * batch + n) * classes + c]!;
  const label = (s: number): number => (s % 2 === 0 ? blank : target[(s - 1) >> 1]!);
  const last = (inputLength - 1) * width;
  beta[last + width - 1] = at(inputLength - 1, blank);
  if (width > 1) beta[last + width - 2] = at(inputLength - 1, label(width - 2));
  for (let t = inputLength - 2; t >= 0; t--) {
    for (let s = 0; s < width; s++) {
      const c = label(s);
      const next = (t + 1) * width;
      let sum = beta[next + s]!;
      if (s + 1 < width) sum = logAddExp(sum, beta[next + s + 1]!);
      if (s + 2 < width && c !== blank && label(s + 2) !== c) sum = logAddExp(sum, beta[next + s + 2]!);
      beta[t * width + s] = sum === Number.NEGATIVE_INFINITY ? sum : sum + at(t, c);
    }
  }
  return beta;
}

/** The per-sample negative log likelihoods, with PyTorch's gradient. */
class CtcLossFunction extends AutogradFunction {
  static override forward(ctx: FunctionCtx, logProbs: Tensor, state: CtcState): Tensor {
    const { batch } = state;
    const nll = new Float64Array(batch);
    for (let n = 0; n < batch; n++) {
      const inputLength = state.inputLengths[n]!;
      const width = 2 * state.targets[n]!.length + 1;
      if (inputLength === 0) {
        nll[n] = width === 1 ? 0 : Number.POSITIVE_INFINITY;
        continue;
      }
      const alpha = alphaTable(state, n);
      const row = (inputLength - 1) * width;
      let total = alpha[row + width - 1]!;
      if (width > 1) total = logAddExp(total, alpha[row + width - 2]!);
      nll[n] = -total;
    }
    state.nll = nll;
    ctx.state = state;
    const out = torch.fromTypedArray(nll.slice(), [batch]).to(logProbs.dtype);
    if (state.zeroInfinity) return out.maskedFill(out.isinf(), 0);
    return out;
  }

  static override backward(ctx: FunctionCtx, gradOutput: Tensor): (Tensor | null)[] {
    const state = ctx.state as CtcState;
    const { time, batch, classes, logProbs: lp, blank } = state;
    const upstream = (gradOutput.to('float64').contiguous().tolist() as number[]).map(Number);
    const grad = new Float64Array(time * batch * classes);
    const lcab = new Float64Array(classes);
    for (let n = 0; n < batch; n++) {
      const nll = state.nll[n]!;
      const inputLength = state.inputLengths[n]!;
      if (state.zeroInfinity && nll === Number.POSITIVE_INFINITY) continue;
      const target = state.targets[n]!;
      const width = 2 * target.length + 1;
      const alpha = alphaTable(state, n);
      const beta = betaTable(state, n);
      const g = upstream[n]!;
      for (let t = 0; t < inputLength; t++) {
        lcab.fill(Number.NEGATIVE_INFINITY);
        for (let s = 0; s < width; s++) {
          const c = s % 2 === 0 ? blank : target[(s - 1) >> 1]!;
          lcab[c] = logAddExp(lcab[c]!, alpha[t * width + s]! + beta[t * width + s]!);
        }
        for (let c = 0; c < classes; c++) {
          const index = (t * batch + n) * classes + c;
          const value = lp[index]!;
          grad[index] = (Math.exp(value) - Math.exp(lcab[c]! + nll - value)) * g;
        }
      }
    }
    return [torch.fromTypedArray(grad, [time, batch, classes]).to(state.dtype), null];
  }
}

/**
 * `F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction='mean', zero_infinity=False)`.
 * `logProbs` is `(T, N, C)` (or unbatched `(T, C)`) log-softmax output; `targets` is padded `(N, S)` or the
 * concatenated targets `(sum(targetLengths))`. `'mean'` divides each loss by its target length, then averages.
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: Lengths,
  targetLengths: Lengths,
  options?: CTCLossOptions,
): Tensor {
  const blank = options?.blank ?? 0;
  const reduction = options?.reduction ?? 'mean';
  const unbatched = logProbs.dim() === 2;
  const input = unbatched ? logProbs.unsqueeze(1) : logProbs;
  const paddedTargets = unbatched && targets.dim() === 1 ? targets.unsqueeze(0) : targets;
  if (input.dim() !== 3) {
    throw new torch.RuntimeError(`ctc_loss expects log_probs to be 2-D or 3-D, got ${logProbs.dim()}-D`);
  }
  const [time, batch, classes] = input.shape as [number, number, number];
  const inputLengthList = toLengths(inputLengths);
  const targetLengthList = toLengths(targetLengths);
  if (inputLengthList.length !== batch)
    throw new torch.RuntimeError('input_lengths must be of size batch_size');
  if (targetLengthList.length !== batch)
    throw new torch.RuntimeError('target_lengths must be of size batch_size');
  if (blank < 0 || blank >= classes) throw new torch.RuntimeError('blank must be in label range');
  const check = ' (while checking arguments for ctc_loss_cpu)';
  for (const length of inputLengthList) {
    if (length > time) {
      throw new torch.RuntimeError(
        `Expected input_lengths to have value at most ${time}, but got value ${length}${check}`,
      );
    }
  }
  const targetValues = (paddedTargets.reshape(-1).tolist() as (number | bigint)[]).map(Number);
  const perSample: number[][] = [];
  if (paddedTargets.dim() === 1) {
    const total = targetLengthList.reduce((a, b) => a + b, 0);
    if (paddedTargets.size(0) !== total) {
      throw new torch.RuntimeError(
        `Expected tensor to have size ${total} at dimension 0, but got size ${paddedTargets.size(0)} for argument #2 'targets'${check}`,
      );
    }
    let offset = 0;
    for (const length of targetLengthList) {
      perSample.push(targetValues.slice(offset, offset + length));
      offset += length;
    }
  } else {
    const width = paddedTargets.size(1);
    const maxLength = Math.max(0, ...targetLengthList);
    if (width < maxLength) {
      throw new torch.RuntimeError(
        `Expected tensor to have size at least ${maxLength} at dimension 1, but got size ${width} for argument #2 'targets'${check}`,
      );
    }
    targetLengthList.forEach((length, n) => {
      perSample.push(targetValues.slice(n * width, n * width + length));
    });
  }
  for (const target of perSample) {
    for (const label of target) {
      if (label < 0 || label >= classes) throw new torch.IndexError(`Target ${label} is out of bounds.`);
    }
  }
  const state: CtcState = {
    logProbs: torch.toTypedArray(input.detach().to('float64')) as Float64Array,
    time,
    batch,
    classes,
    blank,
    inputLengths: inputLengthList,
    targetLengths: targetLengthList,
    targets: perSample,
    nll: new Float64Array(0),
    zeroInfinity: options?.zeroInfinity ?? false,
    dtype: input.dtype,
  };
  let losses = CtcLossFunction.apply(input, state) as unknown as Tensor;
  if (unbatched) losses = losses.squeeze(0);
  if (reduction === 'none') return losses;
  if (reduction === 'sum') return losses.sum();
  const divisors = torch
    .tensor(
      targetLengthList.map((length) => Math.max(length, 1)),
      { dtype: input.dtype },
    )
    .reshape(losses.shape);
  return losses.div(divisors).mean();
}

/** `nn.CTCLoss(blank=0, reduction='mean', zero_infinity=False)`; `forward(logProbs, targets, inputLengths, targetLengths)`. */
export class CTCLoss extends Module {
  readonly blank: number;
  readonly reduction: 'none' | 'mean' | 'sum';
  readonly zeroInfinity: boolean;

  constructor(options?: CTCLossOptions) {
    super();
    this.blank = options?.blank ?? 0;
    this.reduction = options?.reduction ?? 'mean';
    this.zeroInfinity = options?.zeroInfinity ?? false;
  }

  override forward(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, {
      blank: this.blank,
      reduction: this.reduction,
      zeroInfinity: this.zeroInfinity,
    });
  }
}
