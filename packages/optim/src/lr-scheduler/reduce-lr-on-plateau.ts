/** `ReduceLROnPlateau`: lowers the learning rate when a metric stops improving. */
import { type Tensor, ValueError } from '@proj/tensor';
import { deepCopy, formatExp4, warn } from '../internal/python.js';
import {
  type AnyOptimizer,
  checkOptimizer,
  EPOCH_DEPRECATION_WARNING,
  type SchedulerStateDict,
} from './lr-scheduler.js';

/** Options of `ReduceLROnPlateau`. */
export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | readonly number[];
  eps?: number;
  verbose?: boolean;
}

/**
 * Multiplies the learning rate by `factor` once the metric passed to `step(metric)` has not improved for
 * `patience` epochs (improvement measured relatively or absolutely by `threshold`), then waits `cooldown` epochs.
 *
 * ```ts
 * const scheduler = new ReduceLROnPlateau(opt, { mode: 'min', patience: 5 });
 * scheduler.step(validationLoss);
 * ```
 */
export class ReduceLROnPlateau {
  factor: number;
  optimizer: AnyOptimizer;
  minLrs: number[];
  patience: number;
  verbose: boolean;
  cooldown: number;
  cooldownCounter = 0;
  mode: 'min' | 'max';
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  best = 0;
  numBadEpochs = 0;
  modeWorse = 0;
  eps: number;
  lastEpoch = 0;
  _lastLr: number[] = [];

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const factor = options.factor ?? 0.1;
    if (factor >= 1.0) throw new ValueError('Factor should be < 1.0.');
    this.factor = factor;
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr)) {
      if (minLr.length !== optimizer.paramGroups.length) {
        throw new ValueError(`expected ${optimizer.paramGroups.length} min_lrs, got ${minLr.length}`);
      }
      this.minLrs = [...minLr];
    } else {
      this.minLrs = optimizer.paramGroups.map(() => minLr as number);
    }
    this.patience = options.patience ?? 10;
    this.verbose = options.verbose ?? false;
    this.cooldown = options.cooldown ?? 0;
    this.mode = options.mode ?? 'min';
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.eps = options.eps ?? 1e-8;
    this.initIsBetter(this.mode, this.threshold, this.thresholdMode);
    this.reset();
  }

  private reset(): void {
    this.best = this.modeWorse;
    this.cooldownCounter = 0;
    this.numBadEpochs = 0;
  }

  /** Records the metric of an epoch and reduces the learning rate when it has plateaued. */
  step(metrics: number | Tensor, epoch?: number): void {
    const current = typeof metrics === 'number' ? metrics : (metrics.item() as number);
    if (epoch === undefined) epoch = this.lastEpoch + 1;
    else warn(EPOCH_DEPRECATION_WARNING);
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr(epoch);
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(epoch: number): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = Number(group.lr);
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
      if (oldLr - newLr > this.eps) {
        group.lr = newLr;
        if (this.verbose) {
          const epochText = Number.isInteger(epoch) ? String(epoch).padStart(5, '0') : epoch.toFixed(2);
          console.log(`Epoch ${epochText}: reducing learning rate of group ${i} to ${formatExp4(newLr)}.`);
        }
      }
    });
  }

  /** Whether the cooldown after a reduction is still running. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether metric `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1.0 - this.threshold);
    if (this.mode === 'min' && this.thresholdMode === 'abs') return a < best - this.threshold;
    if (this.mode === 'max' && this.thresholdMode === 'rel') return a > best * (this.threshold + 1.0);
    return a > best + this.threshold;
  }

  private initIsBetter(mode: string, threshold: number, thresholdMode: string): void {
    if (mode !== 'min' && mode !== 'max') throw new ValueError(`mode ${mode} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
      throw new ValueError(`threshold mode ${thresholdMode} is unknown!`);
    }
    this.modeWorse = mode === 'min' ? Infinity : -Infinity;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
  }

  /** The learning rates after the last `step`. */
  getLastLr(): number[] {
    return this._lastLr;
  }

  /** The scheduler's fields except the optimizer. */
  stateDict(): SchedulerStateDict {
    const state: SchedulerStateDict = {};
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'optimizer' && typeof value !== 'function') state[key] = deepCopy(value, (t) => t.clone());
    }
    return state;
  }

  /** Restores the fields from `stateDict()`. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    Object.assign(
      this,
      deepCopy(stateDict, (t) => t.clone()),
    );
    this.initIsBetter(this.mode, this.threshold, this.thresholdMode);
  }
}
