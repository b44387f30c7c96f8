/** `CosineAnnealingLR` and `CosineAnnealingWarmRestarts` (SGDR). */
import { ValueError } from '@proj/tensor';
import { cos, pow } from '../internal/exact-math.js';
import { pyMod, pyStr } from '../internal/python.js';
import { type AnyOptimizer, LRScheduler, type SchedulerOptions } from './lr-scheduler.js';

/**
 * Anneals the learning rate from its initial value to `etaMin` along a half cosine over `TMax` epochs, in
 * PyTorch's recursive form (so it composes with other schedulers).
 *
 * ```ts
 * new CosineAnnealingLR(opt, 100, { etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  TMax: number;
  etaMin: number;

  constructor(optimizer: AnyOptimizer, TMax: number, options: SchedulerOptions & { etaMin?: number } = {}) {
    super(optimizer, options.lastEpoch, options.verbose);
    this.TMax = TMax;
    this.etaMin = options.etaMin ?? 0;
    this._initialStep();
  }

  getLr(): number[] {
    this._warnIfOutsideStep();
    const groups = this.optimizer.paramGroups;
    const { lastEpoch, TMax, etaMin } = this;
    if (lastEpoch === 0) return groups.map((g) => g.lr);
    if (this._stepCount === 1 && lastEpoch > 0) {
      return this.baseLrs.map(
        (baseLr) => etaMin + ((baseLr - etaMin) * (1 + cos((lastEpoch * Math.PI) / TMax))) / 2,
      );
    }
    if (pyMod(lastEpoch - 1 - TMax, 2 * TMax) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i]! - etaMin) * (1 - cos(Math.PI / TMax))) / 2);
    }
    return groups.map(
      (g) =>
        ((1 + cos((Math.PI * lastEpoch) / TMax)) / (1 + cos((Math.PI * (lastEpoch - 1)) / TMax))) *
          (g.lr - etaMin) +
        etaMin,
    );
  }

  protected override _getClosedFormLr(): number[] {
    return this.baseLrs.map(
      (baseLr) =>
        this.etaMin + ((baseLr - this.etaMin) * (1 + cos((Math.PI * this.lastEpoch) / this.TMax))) / 2,
    );
  }
}

/**
 * Cosine annealing with warm restarts: the period starts at `T0` epochs and is multiplied by `TMult` at each
 * restart. `step(epoch)` accepts fractional epochs (e.g. `epoch + i / iters`), as in PyTorch.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  T0: number;
  Ti: number;
  TMult: number;
  etaMin: number;
  TCur: number;

  constructor(
    optimizer: AnyOptimizer,
    T0: number,
    options: SchedulerOptions & { TMult?: number; etaMin?: number } = {},
  ) {
    const TMult = options.TMult ?? 1;
    if (T0 <= 0 || !Number.isInteger(T0))
      throw new ValueError(`Expected positive integer T_0, but got ${pyStr(T0)}`);
    if (TMult < 1 || !Number.isInteger(TMult)) {
      throw new ValueError(`Expected integer T_mult >= 1, but got ${pyStr(TMult)}`);
    }
    const lastEpoch = options.lastEpoch ?? -1;
    super(optimizer, lastEpoch, options.verbose);
    this.T0 = T0;
    this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = options.etaMin ?? 0;
    this.TCur = lastEpoch;
    this._initialStep();
  }

  getLr(): number[] {
    this._warnIfOutsideStep();
    return this.baseLrs.map(
      (baseLr) => this.etaMin + ((baseLr - this.etaMin) * (1 + cos((Math.PI * this.TCur) / this.Ti))) / 2,
    );
  }

  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.TCur = this.TCur + 1;
      if (this.TCur >= this.Ti) {
        this.TCur = this.TCur - this.Ti;
        this.Ti = this.Ti * this.TMult;
      }
    } else {
      if (epoch < 0) throw new ValueError(`Expected non-negative epoch, but got ${pyStr(epoch)}`);
      if (epoch >= this.T0) {
        if (this.TMult === 1) {
          this.TCur = pyMod(epoch, this.T0);
        } else {
          const n = Math.trunc(Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.TCur = epoch - (this.T0 * (pow(this.TMult, n) - 1)) / (this.TMult - 1);
          this.Ti = this.T0 * pow(this.TMult, n);
        }
      } else {
        this.Ti = this.T0;
        this.TCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this._getLrCalledWithinStep = true;
    let values: number[];
    try {
      values = this.getLr();
    } finally {
      this._getLrCalledWithinStep = false;
    }
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = values[i]!;
      this.printLr(this.verbose, i, values[i]!, epoch);
    });
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }
}
