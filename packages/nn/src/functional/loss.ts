/**
 * Loss functions of `torch.nn.functional`, with PyTorch's reductions (`'none' | 'mean' | 'sum'`), options and
 * formulas (the stable forms PyTorch's kernels use), written with differentiable tensor ops.
 */
import { noGrad } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { logsigmoid } from './activation.js';

/** How a loss reduces its per-element values. */
export type Reduction = 'none' | 'mean' | 'sum';

function reduce(loss: Tensor, reduction: Reduction | string): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'mean') return loss.mean();
  if (reduction === 'sum') return loss.sum();
  throw new torch.ValueError(`${reduction} is not a valid value for reduction`);
}

function sizeString(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** Options shared by the losses with only a reduction. */
export interface ReductionOptions {
  reduction?: Reduction;
}

/** `F.mse_loss(input, target, reduction='mean')`. */
export function mseLoss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor {
  return reduce(input.sub(target).square(), options?.reduction ?? 'mean');
}

/** `F.l1_loss(input, target, reduction='mean')`. */
export function l1Loss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor {
  return reduce(input.sub(target).abs(), options?.reduction ?? 'mean');
}

/** `F.smooth_l1_loss(input, target, reduction='mean', beta=1.0)`. */
export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  options?: ReductionOptions & { beta?: number },
): Tensor {
  const beta = options?.beta ?? 1;
  if (beta < 0) throw new torch.RuntimeError('smooth_l1_loss does not support negative values for beta.');
  const diff = input.sub(target).abs();
  if (beta === 0) return reduce(diff, options?.reduction ?? 'mean');
  const loss = torch.where(diff.lt(beta), diff.square().mul(0.5 / beta), diff.sub(0.5 * beta));
  return reduce(loss, options?.reduction ?? 'mean');
}

/** `F.huber_loss(input, target, reduction='mean', delta=1.0)`. */
export function huberLoss(
  input: Tensor,
  target: Tensor,
  options?: ReductionOptions & { delta?: number },
): Tensor {
  const delta = options?.delta ?? 1;
  if (!(delta > 0))
    throw new torch.RuntimeError('huber_loss does not support non-positive values for delta.');
  const diff = input.sub(target).abs();
  const loss = torch.where(diff.lt(delta), diff.square().mul(0.5), diff.sub(0.5 * delta).mul(delta));
  return reduce(loss, options?.reduction ?? 'mean');
}

/** Options of `nllLoss` and `crossEntropy`. */
export interface NllLossOptions extends ReductionOptions {
  /** Per-class weights (length C). */
  weight?: Tensor | null;
  /** Target value whose entries contribute nothing (default -100). */
  ignoreIndex?: number;
}

/**
 * Flattens `(N, C, d1, ...)` inputs with `(N, d1, ...)` targets to `(M, C)` and `(M)`; validates shapes, dtypes and
 * the target range with PyTorch's messages.
 */
function flattenClassInputs(input: Tensor, target: Tensor, ignoreIndex: number): [Tensor, Tensor, number[]] {
  if (target.dtype !== 'int64' && target.dtype !== 'int32' && target.dtype !== 'uint8') {
    throw new torch.RuntimeError(`expected scalar type Long but found ${torch.scalarTypeName(target.dtype)}`);
  }
  const ndim = input.dim();
  if (ndim < 1) throw new torch.RuntimeError('input tensor should be 1D or 2D');
  let flatInput: Tensor;
  let flatTarget: Tensor;
  let outShape: number[];
  if (ndim === 1) {
    if (target.dim() !== 0) {
      throw new torch.RuntimeError(`0D or 1D target tensor expected, multi-target not supported`);
    }
    flatInput = input.unsqueeze(0);
    flatTarget = target.reshape(1);
    outShape = [];
  } else if (ndim === 2) {
    if (target.dim() !== 1) {
      throw new torch.RuntimeError('0D or 1D target tensor expected, multi-target not supported');
    }
    if (input.size(0) !== target.size(0)) {
      throw new torch.ValueError(
        `Expected input batch_size (${input.size(0)}) to match target batch_size (${target.size(0)}).`,
      );
    }
    flatInput = input;
    flatTarget = target;
    outShape = [target.size(0)];
  } else {
    if (input.size(0) !== target.size(0)) {
      throw new torch.ValueError(
        `Expected input batch_size (${input.size(0)}) to match target batch_size (${target.size(0)}).`,
      );
    }
    const expected = [input.size(0), ...input.shape.slice(2)];
    if (!sameShape(expected, target.shape)) {
      throw new torch.RuntimeError(
        `Expected target size [${expected.join(', ')}], got [${target.shape.join(', ')}]`,
      );
    }
    flatInput = input.movedim(1, -1).reshape(-1, input.size(1));
    flatTarget = target.reshape(-1);
    outShape = target.shape;
  }
  const classes = flatInput.size(1);
  const values = flatTarget.tolist() as (number | bigint)[];
  for (const raw of values) {
    const value = Number(raw);
    if (value !== ignoreIndex && (value < 0 || value >= classes)) {
      throw new torch.IndexError(`Target ${value} is out of bounds.`);
    }
  }
  return [flatInput, flatTarget.to('int64'), outShape];
}

/** Per-element NLL values and weights of flattened inputs (ignored entries have weight 0). */
function nllParts(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  ignoreIndex: number,
): [Tensor, Tensor] {
  const keep = target.ne(ignoreIndex);
  const safeTarget = torch.where(keep, target, 0);
  const picked = input.gather(1, safeTarget.unsqueeze(1)).squeeze(1);
  let elementWeight = keep.to(input.dtype);
  if (weight !== null) elementWeight = elementWeight.mul(weight.indexSelect(0, safeTarget));
  return [picked.neg().mul(elementWeight), elementWeight];
}

function checkWeight(weight: Tensor | null, classes: number): void {
  if (weight !== null && (weight.dim() !== 1 || weight.numel() !== classes)) {
    throw new torch.RuntimeError(
      `weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: [${weight.shape.join(', ')}]`,
    );
  }
}

/**
 * `F.nll_loss(input, target, weight=None, ignore_index=-100, reduction='mean')` on log-probabilities `(N, C)`,
 * `(C)` or `(N, C, d1, ...)`; `'mean'` divides by the total weight of the non-ignored targets.
 */
export function nllLoss(input: Tensor, target: Tensor, options?: NllLossOptions): Tensor {
  const ignoreIndex = options?.ignoreIndex ?? -100;
  const weight = options?.weight ?? null;
  const [flatInput, flatTarget, outShape] = flattenClassInputs(input, target, ignoreIndex);
  checkWeight(weight, flatInput.size(1));
  const [losses, weights] = nllParts(flatInput, flatTarget, weight, ignoreIndex);
  const reduction = options?.reduction ?? 'mean';
  if (reduction === 'none') return losses.reshape(outShape);
  if (reduction === 'sum') return losses.sum();
  if (reduction === 'mean') return losses.sum().div(weights.sum());
  throw new torch.ValueError(`${reduction} is not a valid value for reduction`);
}

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** Mixes the target with the uniform distribution: `(1 - s) * target + s / C`. */
  labelSmoothing?: number;
}

/**
 * `F.cross_entropy(input, target, weight, ignore_index=-100, reduction='mean', label_smoothing=0.0)`: log-softmax
 * over dim 1 followed by NLL. `target` holds class indices (integer, shape without C) or class probabilities
 * (floating, same shape as `input`).
 */
export function crossEntropy(input: Tensor, target: Tensor, options?: CrossEntropyOptions): Tensor {
  const ignoreIndex = options?.ignoreIndex ?? -100;
  const weight = options?.weight ?? null;
  const reduction = options?.reduction ?? 'mean';
  const smoothing = options?.labelSmoothing ?? 0;
  if (smoothing < 0 || smoothing > 1) {
    throw new torch.RuntimeError(`label_smoothing must be between 0.0 and 1.0. Got: ${smoothing}`);
  }
  const classDim = input.dim() === 1 ? 0 : 1;
  const logProbs = input.logSoftmax(classDim);
  const classes = input.size(classDim);
  if (target.isFloatingPoint()) {
    if (!sameShape(input.shape, target.shape)) {
      throw new torch.RuntimeError(
        `Expected floating point type for target with class probabilities, got ${torch.scalarTypeName(target.dtype)}`,
      );
    }
    checkWeight(weight, classes);
    let probabilities = target;
    if (smoothing > 0) probabilities = target.mul(1 - smoothing).add(smoothing / classes);
    let product = logProbs.mul(probabilities);
    if (weight !== null) product = product.mul(broadcastOverClassDim(weight, input.dim(), classDim));
    const loss = product.sum(classDim).neg();
    if (reduction === 'none') return loss;
    if (reduction === 'sum') return loss.sum();
    if (reduction === 'mean') return loss.sum().div(input.numel() / classes);
    throw new torch.ValueError(`${reduction} is not a valid value for reduction`);
  }
  const nll = nllLoss(logProbs, target, { weight, ignoreIndex, reduction });
  if (smoothing === 0) return nll;
  const [flatLogProbs, flatTarget, outShape] = flattenClassInputs(logProbs, target, ignoreIndex);
  const keep = flatTarget.ne(ignoreIndex);
  let smooth = weight !== null ? flatLogProbs.mul(weight).sum(1).neg() : flatLogProbs.sum(1).neg();
  smooth = smooth.mul(keep.to(smooth.dtype));
  let smoothReduced: Tensor;
  if (reduction === 'none') smoothReduced = smooth.reshape(outShape);
  else if (reduction === 'sum') smoothReduced = smooth.sum();
  else if (weight !== null) {
    const safeTarget = torch.where(keep, flatTarget, 0);
    const totalWeight = weight.indexSelect(0, safeTarget).mul(keep.to(weight.dtype)).sum();
    smoothReduced = smooth.sum().div(totalWeight);
  } else {
    smoothReduced = smooth.sum().div(keep.sum().to(smooth.dtype));
  }
  return nll.mul(1 - smoothing).add(smoothReduced.mul(smoothing / classes));
}

function broadcastOverClassDim(vector: Tensor, ndim: number, classDim: number): Tensor {
  const shape = new Array<number>(ndim).fill(1);
  shape[classDim] = vector.numel();
  return vector.reshape(shape);
}

function checkSameSize(input: Tensor, target: Tensor): void {
  if (!sameShape(input.shape, target.shape)) {
    throw new torch.ValueError(
      `Using a target size (${sizeString(target.shape)}) that is different to the input size (${sizeString(input.shape)}) is deprecated. Please ensure they have the same size.`,
    );
  }
}

/** Options of `binaryCrossEntropy`. */
export interface BceOptions extends ReductionOptions {
  /** Rescales each element's loss (broadcast to the input). */
  weight?: Tensor | null;
}

/**
 * `F.binary_cross_entropy(input, target, weight=None, reduction='mean')` on probabilities; each log is clamped at
 * -100 as PyTorch does, so 0 and 1 inputs give finite losses.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options?: BceOptions): Tensor {
  checkSameSize(input, target);
  const outside = noGrad(() => input.lt(0).logicalOr(input.gt(1)).any().item());
  if (outside) throw new torch.RuntimeError('all elements of input should be between 0 and 1');
  const logInput = input.log().clampMin(-100);
  const logOneMinus = input.neg().add(1).log().clampMin(-100);
  let loss = target.mul(logInput).add(target.neg().add(1).mul(logOneMinus)).neg();
  const weight = options?.weight ?? null;
  if (weight !== null) loss = loss.mul(weight);
  return reduce(loss, options?.reduction ?? 'mean');
}

/** Options of `binaryCrossEntropyWithLogits`. */
export interface BceWithLogitsOptions extends BceOptions {
  /** Weight of the positive examples, broadcast along the last dim (one per class). */
  posWeight?: Tensor | null;
}

/**
 * `F.binary_cross_entropy_with_logits(input, target, weight=None, reduction='mean', pos_weight=None)`: sigmoid and
 * BCE in one numerically stable expression (PyTorch's log-sum-exp form).
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options?: BceWithLogitsOptions,
): Tensor {
  checkSameSize(input, target);
  const maxValue = input.neg().clampMin(0);
  const posWeight = options?.posWeight ?? null;
  let loss: Tensor;
  const logTerm = maxValue.neg().exp().add(input.neg().sub(maxValue).exp()).log();
  if (posWeight !== null) {
    const logWeight = posWeight.sub(1).mul(target).add(1);
    loss = target
      .neg()
      .add(1)
      .mul(input)
      .add(logWeight.mul(logTerm.add(maxValue)));
  } else {
    loss = target.neg().add(1).mul(input).add(maxValue).add(logTerm);
  }
  const weight = options?.weight ?? null;
  if (weight !== null) loss = loss.mul(weight);
  return reduce(loss, options?.reduction ?? 'mean');
}

/**
 * `F.kl_div(input, target, reduction='mean', log_target=False)`: `target * (log target - input)` with `input` in
 * log space; `'batchmean'` divides the sum by the batch size (the mathematically correct KL divergence).
 */
export function klDiv(
  input: Tensor,
  target: Tensor,
  options?: { reduction?: Reduction | 'batchmean'; logTarget?: boolean },
): Tensor {
  const loss = options?.logTarget
    ? target.exp().mul(target.sub(input))
    : torch.xlogy(target, target).sub(target.mul(input));
  const reduction = options?.reduction ?? 'mean';
  if (reduction === 'batchmean') {
    return input.dim() === 0 ? loss.sum() : loss.sum().div(input.size(0));
  }
  return reduce(loss, reduction);
}

/** `F.cosine_embedding_loss(x1, x2, target, margin=0, reduction='mean')` with targets 1 and -1. */
export function cosineEmbeddingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  options?: ReductionOptions & { margin?: number },
): Tensor {
  const margin = options?.margin ?? 0;
  if (input1.dim() !== input2.dim()) {
    throw new torch.RuntimeError(
      `cosine_embedding_loss : All input tensors should have same dimension but got sizes: input1: ${sizeString(input1.shape)}, input2: ${sizeString(input2.shape)}, target: ${sizeString(target.shape)} `,
    );
  }
  const dim = input1.dim() === 1 ? 0 : 1;
  const epsilon = 1e-12;
  const productSum = input1.mul(input2).sum(dim);
  const magnitude1 = input1.mul(input1).sum(dim).add(epsilon);
  const magnitude2 = input2.mul(input2).sum(dim).add(epsilon);
  const cos = productSum.div(magnitude1.mul(magnitude2).sqrt());
  const positive = torch.where(target.eq(1), cos.neg().add(1), 0);
  const negative = torch.where(target.eq(-1), cos.sub(margin).clampMin(0), 0);
  return reduce(positive.add(negative), options?.reduction ?? 'mean');
}

/** `F.margin_ranking_loss(x1, x2, target, margin=0)`: `max(0, -y (x1 - x2) + margin)`. */
export function marginRankingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  options?: ReductionOptions & { margin?: number },
): Tensor {
  const loss = target
    .neg()
    .mul(input1.sub(input2))
    .add(options?.margin ?? 0)
    .clampMin(0);
  return reduce(loss, options?.reduction ?? 'mean');
}

/** `F.hinge_embedding_loss(input, target, margin=1.0)`: `x` for `y = 1`, `max(0, margin - x)` for `y = -1`. */
export function hingeEmbeddingLoss(
  input: Tensor,
  target: Tensor,
  options?: ReductionOptions & { margin?: number },
): Tensor {
  const margin = options?.margin ?? 1;
  const marginClamp = input.neg().add(margin).clampMin(0);
  const negative = torch.where(target.ne(1), marginClamp, 0);
  const positive = torch.where(target.ne(-1), input, 0);
  return reduce(positive.add(negative), options?.reduction ?? 'mean');
}

/** `F.soft_margin_loss(input, target)`: `log(1 + exp(-y x))`. */
export function softMarginLoss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor {
  const loss = logsigmoid(target.mul(input)).neg();
  return reduce(loss, options?.reduction ?? 'mean');
}

/** `F.pairwise_distance(x1, x2, p=2, eps=1e-6, keepdim=False)`: `‖x1 - x2 + eps‖_p` over the last dim. */
export function pairwiseDistance(
  x1: Tensor,
  x2: Tensor,
  options?: { p?: number; eps?: number; keepdim?: boolean },
): Tensor {
  const p = options?.p ?? 2;
  const eps = options?.eps ?? 1e-6;
  const outputDim = Math.max(x1.dim(), x2.dim());
  const innermost = outputDim - 1;
  const diff = x1.sub(x2).add(eps);
  if (outputDim === 0) return diff.abs();
  return diff.norm(p, innermost, options?.keepdim ?? false);
}

/** `F.cosine_similarity(x1, x2, dim=1, eps=1e-8)`: `x1·x2 / max(‖x1‖ ‖x2‖, eps)`. */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  const product = x1.mul(x2).sum(dim);
  const squared1 = x1.square().sum(dim);
  const squared2 = x2.square().sum(dim);
  return product.div(
    squared1
      .mul(squared2)
      .clampMin(eps * eps)
      .sqrt(),
  );
}

/**
 * `F.triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False)`:
 * `max(d(a, p) - d(a, n) + margin, 0)` with pairwise distances.
 */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  options?: ReductionOptions & { margin?: number; p?: number; eps?: number; swap?: boolean },
): Tensor {
  const distanceOptions = { p: options?.p ?? 2, eps: options?.eps ?? 1e-6 };
  const positiveDistance = pairwiseDistance(anchor, positive, distanceOptions);
  let negativeDistance = pairwiseDistance(anchor, negative, distanceOptions);
  if (options?.swap) {
    negativeDistance = torch.minimum(negativeDistance, pairwiseDistance(positive, negative, distanceOptions));
  }
  const loss = positiveDistance
    .sub(negativeDistance)
    .add(options?.margin ?? 1)
    .clampMin(0);
  return reduce(loss, options?.reduction ?? 'mean');
}

/**
 * `F.poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8, reduction='mean')`; `full` adds the
 * Stirling approximation term for targets above 1.
 */
export function poissonNllLoss(
  input: Tensor,
  target: Tensor,
  options?: ReductionOptions & { logInput?: boolean; full?: boolean; eps?: number },
): Tensor {
  const eps = options?.eps ?? 1e-8;
  let loss =
    (options?.logInput ?? true)
      ? input.exp().sub(target.mul(input))
      : input.sub(target.mul(input.add(eps).log()));
  if (options?.full) {
    const stirling = target
      .mul(target.log())
      .sub(target)
      .add(
        target
          .mul(2 * Math.PI)
          .log()
          .mul(0.5),
      );
    loss = loss.add(torch.where(target.gt(1), stirling, 0));
  }
  return reduce(loss, options?.reduction ?? 'mean');
}

/**
 * `F.gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction='mean')`:
 * `0.5 (log var + (input - target)² / var)`, with `var` clamped at `eps` (the clamp is not differentiated, as in
 * PyTorch).
 */
export function gaussianNllLoss(
  input: Tensor,
  target: Tensor,
  variance: Tensor,
  options?: ReductionOptions & { full?: boolean; eps?: number },
): Tensor {
  let v = variance;
  if (!sameShape(v.shape, input.shape)) {
    const inputLeading = input.shape.slice(0, -1);
    if (sameShape(inputLeading, v.shape)) {
      v = v.unsqueeze(-1);
    } else if (!(sameShape(inputLeading, v.shape.slice(0, -1)) && v.size(-1) === 1)) {
      throw new torch.ValueError('var is of incorrect size');
    }
  }
  const reduction = options?.reduction ?? 'mean';
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') {
    throw new torch.ValueError(`${reduction} is not valid`);
  }
  if (noGrad(() => v.lt(0).any().item())) throw new torch.ValueError('var has negative entry/entries');
  const eps = options?.eps ?? 1e-6;
  // PyTorch clamps a clone under no_grad: values change, the gradient passes through unchanged.
  const clampedDelta = noGrad(() => v.clampMin(eps).sub(v));
  v = v.add(clampedDelta);
  let loss = v.log().add(input.sub(target).square().div(v)).mul(0.5);
  if (options?.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return reduce(loss, reduction);
}

/**
 * `F.multi_margin_loss(input, target, p=1, margin=1, weight=None, reduction='mean')`: for each sample,
 * `Σ_{j≠y} max(0, margin - x[y] + x[j])^p / C`, scaled by `weight[y]`.
 */
export function multiMarginLoss(
  input: Tensor,
  target: Tensor,
  options?: ReductionOptions & { p?: 1 | 2; margin?: number; weight?: Tensor | null },
): Tensor {
  const p = options?.p ?? 1;
  if (p !== 1 && p !== 2) throw new torch.ValueError('only p == 1 and p == 2 supported');
  const margin = options?.margin ?? 1;
  const batched = input.dim() === 2 ? input : input.reshape(1, -1);
  const flatTarget = target.reshape(-1);
  const classes = batched.size(1);
  const targetValues = (flatTarget.tolist() as (number | bigint)[]).map(Number);
  for (const value of targetValues) {
    if (value < 0 || value >= classes) throw new torch.RuntimeError('target out of range');
  }
  const picked = batched.gather(1, flatTarget.to('int64').unsqueeze(1));
  let terms = batched.sub(picked).add(margin).clampMin(0);
  if (p === 2) terms = terms.square();
  const weight = options?.weight ?? null;
  if (weight !== null) terms = terms.mul(weight.indexSelect(0, flatTarget.to('int64')).unsqueeze(1));
  // The j = y term is excluded (it would contribute margin^p).
  const notTarget = torch
    .ones([batched.size(0), classes], { dtype: input.dtype })
    .scatter(1, flatTarget.to('int64').unsqueeze(1), 0);
  const loss = terms.mul(notTarget).sum(1).div(classes);
  const shaped = input.dim() === 2 ? loss : loss.reshape([]);
  return reduce(shaped, options?.reduction ?? 'mean');
}

/**
 * `F.multilabel_soft_margin_loss(input, target, weight=None, reduction='mean')`: per-class logistic loss averaged
 * over the classes.
 */
export function multilabelSoftMarginLoss(
  input: Tensor,
  target: Tensor,
  options?: ReductionOptions & { weight?: Tensor | null },
): Tensor {
  let loss = target
    .mul(logsigmoid(input))
    .add(target.neg().add(1).mul(logsigmoid(input.neg())))
    .neg();
  const weight = options?.weight ?? null;
  if (weight !== null) loss = loss.mul(weight);
  const classDim = input.dim() - 1;
  const perSample = loss.sum(classDim).div(input.size(classDim));
  return reduce(perSample, options?.reduction ?? 'mean');
}
