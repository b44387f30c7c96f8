/** Normalisation layers: batch, instance, layer, group, RMS and local response norm. */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import * as F from '../functional/index.js';
import * as init from '../init.js';
import { pyBool, pyFloat, pyTuple } from '../internal/repr.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import type { FactoryOptions } from './linear.js';

/** Options of batch and instance norm layers. */
export interface NormOptions extends FactoryOptions {
  eps?: number;
  /** Running-statistics update factor; `null` for a cumulative average. */
  momentum?: number | null;
  /** Learnable per-channel scale and shift. */
  affine?: boolean;
  /** Keep running statistics (used in eval mode). */
  trackRunningStats?: boolean;
}

abstract class NormBase extends Module {
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  /** Running mean buffer (PyTorch's name, so state-dict keys match). */
  declare running_mean: Tensor | null;
  /** Running variance buffer. */
  declare running_var: Tensor | null;
  /** Number of training batches seen (int64 scalar buffer). */
  declare num_batches_tracked: Tensor | null;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(
    numFeatures: number,
    options: NormOptions | undefined,
    defaults: { affine: boolean; track: boolean },
  ) {
    super();
    this.numFeatures = numFeatures;
    this.eps = options?.eps ?? 1e-5;
    this.momentum = options?.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options?.affine ?? defaults.affine;
    this.trackRunningStats = options?.trackRunningStats ?? defaults.track;
    const factory = { dtype: options?.dtype, device: options?.device };
    if (this.affine) {
      this.weight = new Parameter(torch.empty([numFeatures], factory));
      this.bias = new Parameter(torch.empty([numFeatures], factory));
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
    // PyTorch's buffer names (running_mean, ...), so state dicts match.
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', torch.zeros([numFeatures], factory));
      this.registerBuffer('running_var', torch.ones([numFeatures], factory));
      this.registerBuffer('num_batches_tracked', torch.tensor(0, { dtype: 'int64' }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
    this.resetParameters();
  }

  /** Resets the running statistics (mean 0, variance 1, count 0). */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    this._buffers.get('running_mean')?.zero_();
    this._buffers.get('running_var')?.fill_(1);
    this._buffers.get('num_batches_tracked')?.zero_();
  }

  /** Resets statistics and affine parameters (weight 1, bias 0). */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.affine) {
      init.ones_(this.weight!);
      init.zeros_(this.bias!);
    }
  }

  protected abstract checkInputDim(input: Tensor): void;

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

abstract class BatchNormBase extends NormBase {
  constructor(numFeatures: number, options?: NormOptions) {
    super(numFeatures, options, { affine: true, track: true });
  }

  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor = this.momentum ?? 0;
    const counter = this._buffers.get('num_batches_tracked') ?? null;
    if (this.training && this.trackRunningStats && counter !== null) {
      counter.add_(1);
      factor = this.momentum === null ? 1 / Number(counter.item()) : this.momentum;
    }
    const runningMean = this._buffers.get('running_mean') ?? null;
    const runningVar = this._buffers.get('running_var') ?? null;
    const useBatchStats = this.training || (runningMean === null && runningVar === null);
    const passStats = !this.training || this.trackRunningStats;
    return F.batchNorm(input, passStats ? runningMean : null, passStats ? runningVar : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }
}

/** Batch norm over `(N, C)` or `(N, C, L)` inputs. */
export class BatchNorm1d extends BatchNormBase {
  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3) {
      throw new torch.ValueError(`expected 2D or 3D input (got ${input.dim()}D input)`);
    }
  }
}

/** Batch norm over `(N, C, H, W)` inputs. */
export class BatchNorm2d extends BatchNormBase {
  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 4) throw new torch.ValueError(`expected 4D input (got ${input.dim()}D input)`);
  }
}

/** Batch norm over `(N, C, D, H, W)` inputs. */
export class BatchNorm3d extends BatchNormBase {
  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 5) throw new torch.ValueError(`expected 5D input (got ${input.dim()}D input)`);
  }
}

abstract class InstanceNormBase extends NormBase {
  protected abstract readonly unbatchedDims: number;

  constructor(numFeatures: number, options?: NormOptions) {
    super(numFeatures, options, { affine: false, track: false });
  }

  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    const unbatched = input.dim() === this.unbatchedDims;
    const x = unbatched ? input.unsqueeze(0) : input;
    const out = F.instanceNorm(x, {
      runningMean: this._buffers.get('running_mean') ?? null,
      runningVar: this._buffers.get('running_var') ?? null,
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      momentum: this.momentum ?? 0.1,
      eps: this.eps,
    });
    return unbatched ? out.squeeze(0) : out;
  }

  protected checkInputDim(input: Tensor): void {
    const d = this.unbatchedDims;
    if (input.dim() !== d && input.dim() !== d + 1) {
      throw new torch.ValueError(`expected ${d}D or ${d + 1}D input (got ${input.dim()}D input)`);
    }
  }
}

/** Instance norm over `(N, C, L)` or `(C, L)` inputs. */
export class InstanceNorm1d extends InstanceNormBase {
  protected readonly unbatchedDims = 2;
}

/** Instance norm over `(N, C, H, W)` or `(C, H, W)` inputs. */
export class InstanceNorm2d extends InstanceNormBase {
  protected readonly unbatchedDims = 3;
}

/** Layer norm over the trailing `normalizedShape` dims, with elementwise affine weight 1 and bias 0. */
export class LayerNorm extends Module {
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  constructor(
    normalizedShape: number | readonly number[],
    options?: FactoryOptions & { eps?: number; elementwiseAffine?: boolean; bias?: boolean },
  ) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape.slice();
    this.eps = options?.eps ?? 1e-5;
    this.elementwiseAffine = options?.elementwiseAffine ?? true;
    const factory = { dtype: options?.dtype, device: options?.device };
    if (this.elementwiseAffine) {
      this.weight = new Parameter(torch.ones(this.normalizedShape, factory));
      if (options?.bias ?? true) this.bias = new Parameter(torch.zeros(this.normalizedShape, factory));
      else this.registerParameter('bias', null);
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/** RMS norm over the trailing dims: `x / sqrt(mean(x²) + eps) * weight` (eps defaults to the dtype's epsilon). */
export class RMSNorm extends Module {
  declare weight: Parameter | null;
  readonly normalizedShape: number[];
  readonly eps: number | null;
  readonly elementwiseAffine: boolean;

  constructor(
    normalizedShape: number | readonly number[],
    options?: FactoryOptions & { eps?: number | null; elementwiseAffine?: boolean },
  ) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape.slice();
    this.eps = options?.eps ?? null;
    this.elementwiseAffine = options?.elementwiseAffine ?? true;
    if (this.elementwiseAffine) {
      this.weight = new Parameter(
        torch.ones(this.normalizedShape, { dtype: options?.dtype, device: options?.device }),
      );
    } else {
      this.registerParameter('weight', null);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.rmsNorm(input, this.normalizedShape, this.weight, this.eps);
  }

  override extraRepr(): string {
    const eps = this.eps === null ? 'None' : pyFloat(this.eps);
    return `${pyTuple(this.normalizedShape)}, eps=${eps}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/** Group norm: channels split into `numGroups` groups, each normalised; affine weight 1 and bias 0. */
export class GroupNorm extends Module {
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;

  constructor(
    numGroups: number,
    numChannels: number,
    options?: FactoryOptions & { eps?: number; affine?: boolean },
  ) {
    super();
    if (numChannels % numGroups !== 0)
      throw new torch.ValueError('num_channels must be divisible by num_groups');
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = options?.eps ?? 1e-5;
    this.affine = options?.affine ?? true;
    const factory = { dtype: options?.dtype, device: options?.device };
    if (this.affine) {
      this.weight = new Parameter(torch.ones([numChannels], factory));
      this.bias = new Parameter(torch.zeros([numChannels], factory));
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.groupNorm(input, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}

/** Local response normalisation across channels. */
export class LocalResponseNorm extends Module {
  constructor(
    readonly size: number,
    readonly alpha = 1e-4,
    readonly beta = 0.75,
    readonly k = 1,
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.localResponseNorm(input, this.size, this.alpha, this.beta, this.k);
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}
