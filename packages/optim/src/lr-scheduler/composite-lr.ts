/** `SequentialLR` and `ChainedScheduler`: schedulers built from other schedulers. */
import { ValueError } from '@proj/tensor';
import {
  type AnyOptimizer,
  LRScheduler,
  type SchedulerOptions,
  type SchedulerStateDict,
} from './lr-scheduler.js';
import type { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';

/**
 * Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]`, and so on; each scheduler restarts at its
 * milestone (through the closed form, as PyTorch does with `step(0)`).
 *
 * ```ts
 * new SequentialLR(opt, [new LinearLR(opt, { totalIters: 5 }), new CosineAnnealingLR(opt, 95)], [5]);
 * ```
 */
export class SequentialLR extends LRScheduler {
  _schedulers: LRScheduler[];
  _milestones: number[];

  constructor(
    optimizer: AnyOptimizer,
    schedulers: readonly LRScheduler[],
    milestones: readonly number[],
    options: SchedulerOptions = {},
  ) {
    schedulers.forEach((scheduler, i) => {
      if (scheduler.optimizer !== optimizer) {
        throw new ValueError(
          `Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    const lastEpoch = options.lastEpoch ?? -1;
    super(optimizer, lastEpoch + 1, options.verbose, true);
    this._schedulers = [...schedulers];
    this._milestones = [...milestones];
    for (const group of optimizer.paramGroups) group.lr = group.initialLr;
    for (const scheduler of this._schedulers) scheduler.lastEpoch -= 1;
    this._schedulers[0]!._initialStep();
    this._lastLr = this._schedulers[0]!.getLastLr();
  }

  getLr(): number[] {
    return this._lastLr;
  }

  override step(): void {
    this.lastEpoch += 1;
    const index = this._milestones.filter((m) => m <= this.lastEpoch).length; // bisect_right
    const scheduler = this._schedulers[index]!;
    if (index > 0 && this._milestones[index - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this._lastLr = scheduler.getLastLr();
  }

  protected override _stateDictExclude(): readonly string[] {
    return ['_schedulers'];
  }

  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), _schedulers: this._schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    const { _schedulers, ...rest } = stateDict;
    super.loadStateDict(rest);
    (_schedulers as SchedulerStateDict[]).forEach((s, i) => {
      this._schedulers[i]!.loadStateDict(s);
    });
  }
}

/** Steps every scheduler in the list at each `step()`, so their factors multiply. */
export class ChainedScheduler extends LRScheduler {
  _schedulers: (LRScheduler | ReduceLROnPlateau)[];

  constructor(schedulers: readonly LRScheduler[]) {
    for (let i = 1; i < schedulers.length; i++) {
      if (schedulers[i]!.optimizer !== schedulers[0]!.optimizer) {
        throw new ValueError(
          `ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`,
        );
      }
    }
    super(schedulers[0]!.optimizer, -1, false, true);
    this._schedulers = [...schedulers];
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLr(): number[] {
    return this._lastLr;
  }

  override step(): void {
    for (const scheduler of this._schedulers) (scheduler as LRScheduler).step();
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  protected override _stateDictExclude(): readonly string[] {
    return ['_schedulers'];
  }

  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), _schedulers: this._schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    const { _schedulers, ...rest } = stateDict;
    super.loadStateDict(rest);
    (_schedulers as SchedulerStateDict[]).forEach((s, i) => {
      this._schedulers[i]!.loadStateDict(s);
    });
  }
}
