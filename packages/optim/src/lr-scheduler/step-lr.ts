/** `StepLR`, `MultiStepLR` and `ExponentialLR`: decay by `gamma` at fixed epochs. */

import { pow } from '../internal/exact-math.js';
import { pyMod } from '../internal/python.js';
import { type AnyOptimizer, LRScheduler, type SchedulerOptions } from './lr-scheduler.js';

/**
 * Multiplies the learning rate by `gamma` every `stepSize` epochs.
 *
 * ```ts
 * new StepLR(opt, 30, { gamma: 0.1 });
 * ```
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(
    optimizer: AnyOptimizer,
    stepSize: number,
    options: SchedulerOptions & { gamma?: number } = {},
  ) {
    super(optimizer, options.lastEpoch, options.verbose);
    this.stepSize = stepSize;
    this.gamma = options.gamma ?? 0.1;
    this._initialStep();
  }

  getLr(): number[] {
    this._warnIfOutsideStep();
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || pyMod(this.lastEpoch, this.stepSize) !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override _getClosedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * pow(this.gamma, Math.floor(this.lastEpoch / this.stepSize)));
  }
}

/** Multiplies the learning rate by `gamma` at each milestone (twice for a milestone listed twice). */
export class MultiStepLR extends LRScheduler {
  /** The milestones, sorted, with repeats (PyTorch keeps a `Counter`). */
  milestones: number[];
  gamma: number;

  constructor(
    optimizer: AnyOptimizer,
    milestones: readonly number[],
    options: SchedulerOptions & { gamma?: number } = {},
  ) {
    super(optimizer, options.lastEpoch, options.verbose);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    this._initialStep();
  }

  getLr(): number[] {
    this._warnIfOutsideStep();
    const groups = this.optimizer.paramGroups;
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * pow(this.gamma, count));
  }

  protected override _getClosedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length; // bisect_right
    return this.baseLrs.map((lr) => lr * pow(this.gamma, passed));
  }
}

/** Multiplies the learning rate by `gamma` every epoch. */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: AnyOptimizer, gamma: number, options: SchedulerOptions = {}) {
    super(optimizer, options.lastEpoch, options.verbose);
    this.gamma = gamma;
    this._initialStep();
  }

  getLr(): number[] {
    this._warnIfOutsideStep();
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override _getClosedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * pow(this.gamma, this.lastEpoch));
  }
}
