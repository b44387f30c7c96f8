/** `LambdaLR` and `MultiplicativeLR`: learning rates from user functions of the epoch. */
import { ValueError } from '@proj/tensor';
import {
  type AnyOptimizer,
  LRScheduler,
  type SchedulerOptions,
  type SchedulerStateDict,
} from './lr-scheduler.js';

/** A function of the epoch giving a factor. */
export type LrLambda = (epoch: number) => number;

function lambdasFor(optimizer: AnyOptimizer, lrLambda: LrLambda | readonly LrLambda[]): LrLambda[] {
  if (!Array.isArray(lrLambda)) return optimizer.paramGroups.map(() => lrLambda as LrLambda);
  if (lrLambda.length !== optimizer.paramGroups.length) {
    throw new ValueError(`Expected ${optimizer.paramGroups.length} lr_lambdas, but got ${lrLambda.length}`);
  }
  return [...lrLambda];
}

/** State of the lambdas: `null` for plain functions, their own fields for function objects (PyTorch's `__dict__`). */
function lambdaStates(lambdas: LrLambda[]): (Record<string, unknown> | null)[] {
  return lambdas.map((fn) => (Object.keys(fn).length === 0 ? null : { ...fn }));
}

/**
 * The part `LambdaLR` and `MultiplicativeLR` share: one function per parameter group, and state dicts that carry each
 * function object's own fields (PyTorch saves a lambda's `__dict__` when it is a callable object, not a plain lambda).
 */
abstract class LambdaScheduler extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: AnyOptimizer, lrLambda: LrLambda | readonly LrLambda[], options: SchedulerOptions) {
    const lambdas = lambdasFor(optimizer, lrLambda);
    super(optimizer, options.lastEpoch, options.verbose);
    this.lrLambdas = lambdas;
    this._initialStep();
  }

  protected override _stateDictExclude(): readonly string[] {
    return ['lrLambdas'];
  }

  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), lrLambdas: lambdaStates(this.lrLambdas) };
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    const { lrLambdas, ...rest } = stateDict;
    super.loadStateDict(rest);
    (lrLambdas as (Record<string, unknown> | null)[] | undefined)?.forEach((fields, i) => {
      if (fields !== null && this.lrLambdas[i] !== undefined) Object.assign(this.lrLambdas[i]!, fields);
    });
  }
}

/**
 * `lr = initialLr * lrLambda(epoch)`, one function or one per group.
 *
 * ```ts
 * new LambdaLR(opt, (epoch) => 0.95 ** epoch);
 * ```
 */
export class LambdaLR extends LambdaScheduler {
  constructor(
    optimizer: AnyOptimizer,
    lrLambda: LrLambda | readonly LrLambda[],
    options: SchedulerOptions = {},
  ) {
    super(optimizer, lrLambda, options);
  }

  getLr(): number[] {
    this._warnIfOutsideStep();
    return this.lrLambdas.map((fn, i) => this.baseLrs[i]! * fn(this.lastEpoch));
  }
}

/** `lr = lr * lrLambda(epoch)` each epoch after the first. */
export class MultiplicativeLR extends LambdaScheduler {
  constructor(
    optimizer: AnyOptimizer,
    lrLambda: LrLambda | readonly LrLambda[],
    options: SchedulerOptions = {},
  ) {
    super(optimizer, lrLambda, options);
  }

  getLr(): number[] {
    this._warnIfOutsideStep();
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch > 0) return groups.map((g, i) => g.lr * this.lrLambdas[i]!(this.lastEpoch));
    return groups.map((g) => g.lr);
  }
}
