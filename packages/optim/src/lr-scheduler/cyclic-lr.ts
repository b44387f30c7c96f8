/** `CyclicLR` (Smith, "Cyclical Learning Rates") and `OneCycleLR` (Smith & Topin, "Super-Convergence"). */
import { ValueError } from '@proj/tensor';
import { cos, pow } from '../internal/exact-math.js';
import { pyStr } from '../internal/python.js';
import { type AnyOptimizer, checkOptimizer, LRScheduler, type SchedulerOptions } from './lr-scheduler.js';

function formatParam<T>(name: string, optimizer: AnyOptimizer, param: T | readonly T[]): T[] {
  if (Array.isArray(param)) {
    if (param.length !== optimizer.paramGroups.length) {
      throw new ValueError(
        `expected ${optimizer.paramGroups.length} values for ${name}, got ${param.length}`,
      );
    }
    return [...param];
  }
  return optimizer.paramGroups.map(() => param as T);
}

/** Options of `CyclicLR`. */
export interface CyclicLROptions extends SchedulerOptions {
  stepSizeUp?: number;
  stepSizeDown?: number | null;
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  gamma?: number;
  scaleFn?: ((x: number) => number) | null;
  scaleMode?: 'cycle' | 'iterations';
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
}

/**
 * Cycles the learning rate between `baseLr` and `maxLr` (and the momentum the other way), stepped per batch.
 *
 * ```ts
 * new CyclicLR(opt, 0.01, 0.1, { stepSizeUp: 2000, mode: 'triangular2' });
 * ```
 */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleMode: string;
  cycleMomentum: boolean;
  baseMomentums: number[] = [];
  maxMomentums: number[] = [];
  private readonly scaleFnCustom: ((x: number) => number) | null;

  constructor(
    optimizer: AnyOptimizer,
    baseLr: number | readonly number[],
    maxLr: number | readonly number[],
    options: CyclicLROptions = {},
  ) {
    checkOptimizer(optimizer);
    const lastEpoch = options.lastEpoch ?? -1;
    const baseLrs = formatParam('base_lr', optimizer, baseLr);
    if (lastEpoch === -1)
      optimizer.paramGroups.forEach((g, i) => {
        g.lr = baseLrs[i]!;
      });
    const maxLrs = formatParam('max_lr', optimizer, maxLr);
    const stepSizeUp = options.stepSizeUp ?? 2000;
    const stepSizeDown = options.stepSizeDown ?? stepSizeUp;
    const mode = options.mode ?? 'triangular';
    const scaleFn = options.scaleFn ?? null;
    if (!['triangular', 'triangular2', 'exp_range'].includes(mode) && scaleFn === null) {
      throw new ValueError('mode is invalid and scale_fn is None');
    }
    const cycleMomentum = options.cycleMomentum ?? true;
    let baseMomentums: number[] = [];
    let maxMomentums: number[] = [];
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults)) {
        throw new ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
      }
      const base = formatParam('base_momentum', optimizer, options.baseMomentum ?? 0.8);
      if (lastEpoch === -1)
        optimizer.paramGroups.forEach((g, i) => {
          g.momentum = base[i]!;
        });
      baseMomentums = optimizer.paramGroups.map((g) => g.momentum as number);
      maxMomentums = formatParam('max_momentum', optimizer, options.maxMomentum ?? 0.9);
    }
    super(optimizer, lastEpoch, options.verbose);
    this.maxLrs = maxLrs;
    this.totalSize = stepSizeUp + stepSizeDown;
    this.stepRatio = stepSizeUp / this.totalSize;
    this.mode = mode;
    this.gamma = options.gamma ?? 1.0;
    this.scaleFnCustom = scaleFn;
    this.scaleMode =
      scaleFn === null ? (mode === 'exp_range' ? 'iterations' : 'cycle') : (options.scaleMode ?? 'cycle');
    this.cycleMomentum = cycleMomentum;
    this.baseMomentums = baseMomentums;
    this.maxMomentums = maxMomentums;
    this._initialStep();
    this.baseLrs = baseLrs;
  }

  protected override _stateDictExclude(): readonly string[] {
    return ['scaleFnCustom'];
  }

  /** The amplitude scale at cycle or iteration `x`. */
  scaleFn(x: number): number {
    if (this.scaleFnCustom !== null) return this.scaleFnCustom(x);
    if (this.mode === 'triangular') return 1.0;
    if (this.mode === 'triangular2') return 1 / pow(2.0, x - 1);
    return pow(this.gamma, x);
  }

  getLr(): number[] {
    this._warnIfOutsideStep();
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1.0 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scaleAt = this.scaleMode === 'cycle' ? cycle : this.lastEpoch;
    const lrs = this.baseLrs.map((baseLr, i) => {
      const baseHeight = (this.maxLrs[i]! - baseLr) * scaleFactor;
      return baseLr + baseHeight * this.scaleFn(scaleAt);
    });
    if (this.cycleMomentum) {
      this.baseMomentums.forEach((baseMomentum, i) => {
        const maxMomentum = this.maxMomentums[i]!;
        const baseHeight = (maxMomentum - baseMomentum) * scaleFactor;
        this.optimizer.paramGroups[i]!.momentum = maxMomentum - baseHeight * this.scaleFn(scaleAt);
      });
    }
    return lrs;
  }
}

/** Options of `OneCycleLR`: give `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface OneCycleLROptions extends SchedulerOptions {
  totalSteps?: number | null;
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/**
 * The 1cycle policy: warm up from `maxLr / divFactor` to `maxLr`, then anneal to `initialLr / finalDivFactor`
 * (optionally in three phases), cycling momentum (or Adam's beta1) inversely. Stepped once per batch.
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  _schedulePhases: Phase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1 = false;

  constructor(optimizer: AnyOptimizer, maxLr: number | readonly number[], options: OneCycleLROptions = {}) {
    checkOptimizer(optimizer);
    const { totalSteps, epochs, stepsPerEpoch } = options;
    let steps: number;
    if (totalSteps == null && epochs == null && stepsPerEpoch == null) {
      throw new ValueError('You must define either total_steps OR (epochs AND steps_per_epoch)');
    } else if (totalSteps != null) {
      if (totalSteps <= 0 || !Number.isInteger(totalSteps)) {
        throw new ValueError(`Expected positive integer total_steps, but got ${pyStr(totalSteps)}`);
      }
      steps = totalSteps;
    } else {
      if (epochs == null || epochs <= 0 || !Number.isInteger(epochs)) {
        throw new ValueError(`Expected positive integer epochs, but got ${pyStr(epochs)}`);
      }
      if (stepsPerEpoch == null || stepsPerEpoch <= 0 || !Number.isInteger(stepsPerEpoch)) {
        throw new ValueError(`Expected positive integer steps_per_epoch, but got ${pyStr(stepsPerEpoch)}`);
      }
      steps = epochs * stepsPerEpoch;
    }
    const pctStart = options.pctStart ?? 0.3;
    const phases: Phase[] = options.threePhase
      ? [
          {
            endStep: pctStart * steps - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: 2 * pctStart * steps - 2,
            startLr: 'maxLr',
            endLr: 'initialLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
          {
            endStep: steps - 1,
            startLr: 'initialLr',
            endLr: 'minLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'maxMomentum',
          },
        ]
      : [
          {
            endStep: pctStart * steps - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: steps - 1,
            startLr: 'maxLr',
            endLr: 'minLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
        ];
    if (pctStart < 0 || pctStart > 1 || typeof pctStart !== 'number') {
      throw new ValueError(`Expected float between 0 and 1 pct_start, but got ${pyStr(pctStart)}`);
    }
    const annealStrategy = options.annealStrategy ?? 'cos';
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new ValueError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${annealStrategy}`);
    }
    const lastEpoch = options.lastEpoch ?? -1;
    const maxLrs = formatParam('max_lr', optimizer, maxLr);
    const divFactor = options.divFactor ?? 25;
    const finalDivFactor = options.finalDivFactor ?? 1e4;
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((group, i) => {
        group.initialLr = maxLrs[i]! / divFactor;
        group.maxLr = maxLrs[i]!;
        group.minLr = group.initialLr / finalDivFactor;
      });
    }
    const cycleMomentum = options.cycleMomentum ?? true;
    let useBeta1 = false;
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) {
        throw new ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
      }
      useBeta1 = 'betas' in optimizer.defaults;
      const maxMomentums = formatParam('max_momentum', optimizer, options.maxMomentum ?? 0.95);
      const baseMomentums = formatParam('base_momentum', optimizer, options.baseMomentum ?? 0.85);
      if (lastEpoch === -1) {
        optimizer.paramGroups.forEach((group, i) => {
          if (useBeta1) group.betas = [maxMomentums[i]!, ...(group.betas as number[]).slice(1)];
          else group.momentum = maxMomentums[i]!;
          group.maxMomentum = maxMomentums[i]!;
          group.baseMomentum = baseMomentums[i]!;
        });
      }
    }
    super(optimizer, lastEpoch, options.verbose);
    this.totalSteps = steps;
    this._schedulePhases = phases;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this._initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') {
      const cosOut = cos(Math.PI * pct) + 1;
      return end + ((start - end) / 2.0) * cosOut;
    }
    return (end - start) * pct + start;
  }

  getLr(): number[] {
    this._warnIfOutsideStep();
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ValueError(
        `Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`,
      );
    }
    return this.optimizer.paramGroups.map((group) => {
      let startStep = 0;
      let computedLr = 0;
      let computedMomentum = 0;
      for (let i = 0; i < this._schedulePhases.length; i++) {
        const phase = this._schedulePhases[i]!;
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === this._schedulePhases.length - 1) {
          const pct = (stepNum - startStep) / (endStep - startStep);
          computedLr = this.anneal(group[phase.startLr], group[phase.endLr], pct);
          if (this.cycleMomentum) {
            computedMomentum = this.anneal(group[phase.startMomentum], group[phase.endMomentum], pct);
          }
          break;
        }
        startStep = phase.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) group.betas = [computedMomentum, ...(group.betas as number[]).slice(1)];
        else group.momentum = computedMomentum;
      }
      return computedLr;
    });
  }
}
