/**
 * Loss layers: modules over the functional losses. Class weights are registered as buffers (`weight`,
 * `pos_weight`), as in PyTorch, so they follow `to()` and appear in state dicts.
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import * as F from '../functional/index.js';
import type { Reduction } from '../functional/loss.js';
import { Module } from '../module.js';

abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(reduction: Reduction | undefined) {
    super();
    const value = reduction ?? 'mean';
    if (value !== 'none' && value !== 'mean' && value !== 'sum' && (value as string) !== 'batchmean') {
      throw new torch.ValueError(`${value as string} is not a valid value for reduction`);
    }
    this.reduction = value;
  }
}

abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;
  constructor(weight: Tensor | null | undefined, reduction: Reduction | undefined) {
    super(reduction);
    this.registerBuffer('weight', weight ?? null);
  }
}

/** Mean squared error. */
export class MSELoss extends Loss {
  constructor(options?: { reduction?: Reduction }) {
    super(options?.reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error. */
export class L1Loss extends Loss {
  constructor(options?: { reduction?: Reduction }) {
    super(options?.reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Smooth L1 loss with threshold `beta`. */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(options?: { reduction?: Reduction; beta?: number }) {
    super(options?.reduction);
    this.beta = options?.beta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Huber loss with threshold `delta`. */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(options?: { reduction?: Reduction; delta?: number }) {
    super(options?.reduction);
    this.delta = options?.delta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** Cross entropy of logits with class indices or class probabilities. */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(options?: {
    weight?: Tensor | null;
    ignoreIndex?: number;
    reduction?: Reduction;
    labelSmoothing?: number;
  }) {
    super(options?.weight, options?.reduction);
    this.ignoreIndex = options?.ignoreIndex ?? -100;
    this.labelSmoothing = options?.labelSmoothing ?? 0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/** Negative log-likelihood of log-probabilities. */
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  constructor(options?: { weight?: Tensor | null; ignoreIndex?: number; reduction?: Reduction }) {
    super(options?.weight, options?.reduction);
    this.ignoreIndex = options?.ignoreIndex ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
    });
  }
}

/** Binary cross entropy of probabilities. */
export class BCELoss extends WeightedLoss {
  constructor(options?: { weight?: Tensor | null; reduction?: Reduction }) {
    super(options?.weight, options?.reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Binary cross entropy of logits (sigmoid included), with optional positive-class weights. */
export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(options?: { weight?: Tensor | null; reduction?: Reduction; posWeight?: Tensor | null }) {
    super(options?.reduction);
    this.registerBuffer('weight', options?.weight ?? null);
    this.registerBuffer('pos_weight', options?.posWeight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight,
      posWeight: this.pos_weight,
      reduction: this.reduction,
    });
  }
}

/** Kullback-Leibler divergence (input in log space). */
export class KLDivLoss extends Module {
  readonly reduction: Reduction | 'batchmean';
  readonly logTarget: boolean;
  constructor(options?: { reduction?: Reduction | 'batchmean'; logTarget?: boolean }) {
    super();
    this.reduction = options?.reduction ?? 'mean';
    this.logTarget = options?.logTarget ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/** Cosine embedding loss with targets 1 / -1. */
export class CosineEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor(options?: { margin?: number; reduction?: Reduction }) {
    super(options?.reduction);
    this.margin = options?.margin ?? 0;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Margin ranking loss. */
export class MarginRankingLoss extends Loss {
  readonly margin: number;
  constructor(options?: { margin?: number; reduction?: Reduction }) {
    super(options?.reduction);
    this.margin = options?.margin ?? 0;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Hinge embedding loss. */
export class HingeEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor(options?: { margin?: number; reduction?: Reduction }) {
    super(options?.reduction);
    this.margin = options?.margin ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Two-class logistic loss with targets 1 / -1. */
export class SoftMarginLoss extends Loss {
  constructor(options?: { reduction?: Reduction }) {
    super(options?.reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.softMarginLoss(input, target, { reduction: this.reduction });
  }
}

/** Triplet margin loss with p-norm distances. */
export class TripletMarginLoss extends Loss {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  constructor(options?: {
    margin?: number;
    p?: number;
    eps?: number;
    swap?: boolean;
    reduction?: Reduction;
  }) {
    super(options?.reduction);
    this.margin = options?.margin ?? 1;
    this.p = options?.p ?? 2;
    this.eps = options?.eps ?? 1e-6;
    this.swap = options?.swap ?? false;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginLoss(anchor, positive, negative, {
      margin: this.margin,
      p: this.p,
      eps: this.eps,
      swap: this.swap,
      reduction: this.reduction,
    });
  }
}

/** Poisson negative log-likelihood. */
export class PoissonNLLLoss extends Loss {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  constructor(options?: { logInput?: boolean; full?: boolean; eps?: number; reduction?: Reduction }) {
    super(options?.reduction);
    this.logInput = options?.logInput ?? true;
    this.full = options?.full ?? false;
    this.eps = options?.eps ?? 1e-8;
  }
  override forward(logInput: Tensor, target: Tensor): Tensor {
    return F.poissonNllLoss(logInput, target, {
      logInput: this.logInput,
      full: this.full,
      eps: this.eps,
      reduction: this.reduction,
    });
  }
}

/** Gaussian negative log-likelihood with predicted variances. */
export class GaussianNLLLoss extends Loss {
  readonly full: boolean;
  readonly eps: number;
  constructor(options?: { full?: boolean; eps?: number; reduction?: Reduction }) {
    super(options?.reduction);
    this.full = options?.full ?? false;
    this.eps = options?.eps ?? 1e-6;
  }
  override forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return F.gaussianNllLoss(input, target, variance, {
      full: this.full,
      eps: this.eps,
      reduction: this.reduction,
    });
  }
}

/** Multi-class hinge loss. */
export class MultiMarginLoss extends WeightedLoss {
  readonly p: 1 | 2;
  readonly margin: number;
  constructor(options?: { p?: 1 | 2; margin?: number; weight?: Tensor | null; reduction?: Reduction }) {
    super(options?.weight, options?.reduction);
    this.p = options?.p ?? 1;
    this.margin = options?.margin ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multiMarginLoss(input, target, {
      p: this.p,
      margin: this.margin,
      weight: this.weight,
      reduction: this.reduction,
    });
  }
}

/** Multi-label one-versus-all logistic loss. */
export class MultiLabelSoftMarginLoss extends WeightedLoss {
  constructor(options?: { weight?: Tensor | null; reduction?: Reduction }) {
    super(options?.weight, options?.reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multilabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}
