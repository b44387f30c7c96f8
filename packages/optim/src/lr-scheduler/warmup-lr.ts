/** `ConstantLR`, `LinearLR` and `PolynomialLR`: schedules over a fixed number of iterations. */
import { ValueError } from '@proj/tensor';
import { pow } from '../internal/exact-math.js';
import { type AnyOptimizer, LRScheduler, type SchedulerOptions } from './lr-scheduler.js';

/** Scales the learning rate by `factor` until epoch `totalIters`, then restores it. */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;

  constructor(
    optimizer: AnyOptimizer,
    options: SchedulerOptions & { factor?: number; totalIters?: number } = {},
  ) {
    const factor = options.factor ?? 1 / 3;
    if (factor > 1 || factor < 0) {
      throw new ValueError('Constant multiplicative factor expected to be between 0 and 1.');
    }
    super(optimizer, options.lastEpoch, options.verbose);
    this.factor = factor;
    this.totalIters = options.totalIters ?? 5;
    this._initialStep();
  }

  getLr(): number[] {
    this._warnIfOutsideStep();
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch > this.totalIters || this.lastEpoch !== this.totalIters)
      return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1.0 / this.factor));
  }

  protected override _getClosedFormLr(): number[] {
    const reached = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((lr) => lr * (this.factor + reached * (1 - this.factor)));
  }
}

/** Scales the learning rate linearly from `startFactor` to `endFactor` over `totalIters` epochs. */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(
    optimizer: AnyOptimizer,
    options: SchedulerOptions & { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    const startFactor = options.startFactor ?? 1 / 3;
    const endFactor = options.endFactor ?? 1.0;
    if (startFactor > 1 || startFactor < 0) {
      throw new ValueError('Starting multiplicative factor expected to be between 0 and 1.');
    }
    if (endFactor > 1 || endFactor < 0) {
      throw new ValueError('Ending multiplicative factor expected to be between 0 and 1.');
    }
    super(optimizer, options.lastEpoch, options.verbose);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = options.totalIters ?? 5;
    this._initialStep();
  }

  getLr(): number[] {
    this._warnIfOutsideStep();
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return groups.map((g) => g.lr);
    const delta = this.endFactor - this.startFactor;
    return groups.map(
      (g) => g.lr * (1.0 + delta / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * delta)),
    );
  }

  protected override _getClosedFormLr(): number[] {
    return this.baseLrs.map(
      (lr) =>
        lr *
        (this.startFactor +
          ((this.endFactor - this.startFactor) * Math.min(this.totalIters, this.lastEpoch)) /
            this.totalIters),
    );
  }
}

/** Decays the learning rate with a polynomial of degree `power` to 0 at `totalIters`. */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;

  constructor(
    optimizer: AnyOptimizer,
    options: SchedulerOptions & { totalIters?: number; power?: number } = {},
  ) {
    super(optimizer, options.lastEpoch, options.verbose);
    this.totalIters = options.totalIters ?? 5;
    this.power = options.power ?? 1.0;
    this._initialStep();
  }

  getLr(): number[] {
    this._warnIfOutsideStep();
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch > this.totalIters) return groups.map((g) => g.lr);
    const decayFactor = pow(
      (1.0 - this.lastEpoch / this.totalIters) / (1.0 - (this.lastEpoch - 1) / this.totalIters),
      this.power,
    );
    return groups.map((g) => g.lr * decayFactor);
  }

  protected override _getClosedFormLr(): number[] {
    return this.baseLrs.map(
      (lr) => lr * pow(1.0 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters, this.power),
    );
  }
}
