/**
 * `LRScheduler`, the base of the learning-rate schedulers (PyTorch's `_LRScheduler`): `lastEpoch` counting,
 * `initialLr` bookkeeping, `getLastLr()`, state dicts, and the warning for calling `scheduler.step()` before
 * `optimizer.step()`.
 *
 * A subclass validates its arguments, calls `super`, sets its fields, then calls `this._initialStep()` (PyTorch
 * sets the fields before `super().__init__`, which JS does not allow; the order of effects is the same).
 */
import { deepCopy, formatExp4, warn } from '../internal/python.js';
import type { Closure, Optimizer, ParamGroup } from '../optimizer.js';

/** Any optimizer, whatever its options. */
export type AnyOptimizer = Optimizer<any>;

/** A scheduler's state: its fields except the optimizer (and functions). */
export type SchedulerStateDict = Record<string, any>;

/** Options every scheduler takes. */
export interface SchedulerOptions {
  /** The index of the last epoch when resuming (-1 starts fresh). */
  lastEpoch?: number;
  /** Prints each learning-rate change. */
  verbose?: boolean;
}

/** PyTorch's warning for `scheduler.step(epoch)`. */
export const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, the closed form is used instead of the new chainable form, where available. Please open an issue if you are unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose.';

type CountedStep = ((closure?: Closure) => unknown) & { _withCounter?: boolean };

/** Raised when resuming without `initialLr` in the groups (PyTorch raises a `KeyError`). */
export class KeyError extends Error {
  override name = 'KeyError';
}

/** Whether `value` looks like an optimizer (PyTorch checks `isinstance(optimizer, Optimizer)`). */
export function checkOptimizer(optimizer: unknown): asserts optimizer is AnyOptimizer {
  const candidate = optimizer as { paramGroups?: unknown; step?: unknown } | null;
  if (candidate === null || typeof candidate !== 'object' || !Array.isArray(candidate.paramGroups)) {
    const name =
      optimizer === null || optimizer === undefined
        ? 'NoneType'
        : ((optimizer as object).constructor?.name ?? typeof optimizer);
    throw new TypeError(`${name} is not an Optimizer`);
  }
}

/** Base class of the epoch-based schedulers. */
export abstract class LRScheduler {
  optimizer: AnyOptimizer;
  /** The groups' `initialLr` when the scheduler was made. */
  baseLrs: number[] = [];
  /** The index of the current epoch (-1 before the first step). */
  lastEpoch: number;
  verbose: boolean;
  _stepCount = 0;
  _getLrCalledWithinStep = false;
  _lastLr: number[] = [];

  /**
   * `composite` skips the setup, for the schedulers built from others (`SequentialLR`, `ChainedScheduler`), which
   * PyTorch does not initialize through the base class either.
   */
  constructor(optimizer: AnyOptimizer, lastEpoch = -1, verbose = false, composite = false) {
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    this.lastEpoch = lastEpoch;
    this.verbose = verbose;
    if (composite) return;
    if (lastEpoch === -1) {
      for (const group of optimizer.paramGroups)
        if (group.initialLr === undefined) group.initialLr = group.lr;
    } else {
      optimizer.paramGroups.forEach((group, i) => {
        if (group.initialLr === undefined) {
          throw new KeyError(
            `param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`,
          );
        }
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    // NOTE [Step counter]: like PyTorch, wrap the optimizer's step once to count calls, so the first
    // `scheduler.step()` can tell whether `optimizer.step()` ran before it.
    const step = optimizer.step as CountedStep;
    if (step._withCounter !== true) {
      const counted: CountedStep = (closure?: Closure) => {
        optimizer._stepCount += 1;
        return step.call(optimizer, closure);
      };
      counted._withCounter = true;
      optimizer.step = counted as AnyOptimizer['step'];
    }
  }

  /** Resets the step counts and takes the step that sets the first learning rate (epoch 0). */
  _initialStep(): void {
    this.optimizer._stepCount = 0;
    this._stepCount = 0;
    this.step();
  }

  /** The learning rates this scheduler computes for the next epoch (called by `step`). */
  abstract getLr(): number[];

  /** The closed form used by the deprecated `step(epoch)`, where the scheduler has one. */
  protected _getClosedFormLr?(): number[];

  /** The learning rates of the last step, per group. */
  getLastLr(): number[] {
    return this._lastLr;
  }

  /** PyTorch's warning when `getLr()` is called outside `step()`. */
  protected _warnIfOutsideStep(): void {
    if (!this._getLrCalledWithinStep) {
      warn('To get the last learning rate computed by the scheduler, please use `get_last_lr()`.');
    }
  }

  /** Prints the new learning rate of a group when `verbose`. */
  printLr(isVerbose: boolean, group: number, lr: number, epoch?: number): void {
    if (!isVerbose) return;
    if (epoch === undefined) {
      console.log(`Adjusting learning rate of group ${group} to ${formatExp4(lr)}.`);
    } else {
      const epochText = Number.isInteger(epoch) ? String(epoch).padStart(5, '0') : epoch.toFixed(2);
      console.log(`Epoch ${epochText}: adjusting learning rate of group ${group} to ${formatExp4(lr)}.`);
    }
  }

  /** Advances one epoch (or, deprecated, jumps to `epoch` with the closed form) and sets the groups' `lr`. */
  step(epoch?: number): void {
    if (this._stepCount === 1) {
      if ((this.optimizer.step as CountedStep)._withCounter !== true) {
        warn(
          'Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. Please, make sure to call `optimizer.step()` before `lr_scheduler.step()`. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
        );
      } else if (this.optimizer._stepCount < 1) {
        warn(
          'Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value of the learning rate schedule. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
        );
      }
    }
    this._stepCount += 1;
    let values: number[];
    this._getLrCalledWithinStep = true;
    try {
      if (epoch === undefined) {
        this.lastEpoch += 1;
        values = this.getLr();
      } else {
        warn(EPOCH_DEPRECATION_WARNING);
        this.lastEpoch = epoch;
        values = this._getClosedFormLr !== undefined ? this._getClosedFormLr() : this.getLr();
      }
    } finally {
      this._getLrCalledWithinStep = false;
    }
    this.optimizer.paramGroups.forEach((group: ParamGroup, i: number) => {
      group.lr = values[i]!;
      this.printLr(this.verbose, i, values[i]!, epoch);
    });
    this._lastLr = this.optimizer.paramGroups.map((g: ParamGroup) => g.lr);
  }

  /** The fields to leave out of the state dict (besides the optimizer and functions). */
  protected _stateDictExclude(): readonly string[] {
    return [];
  }

  /** The scheduler's state: every field except the optimizer, copied. */
  stateDict(): SchedulerStateDict {
    const exclude = new Set(['optimizer', ...this._stateDictExclude()]);
    const state: SchedulerStateDict = {};
    for (const [key, value] of Object.entries(this)) {
      if (exclude.has(key) || typeof value === 'function') continue;
      state[key] = deepCopy(value, (t) => t.clone());
    }
    return state;
  }

  /** Restores a state from `stateDict()`. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    Object.assign(
      this,
      deepCopy(stateDict, (t) => t.clone()),
    );
  }
}
