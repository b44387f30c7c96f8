/**
 * @proj/optim: PyTorch's optimizers and learning-rate schedulers, with the same update rules, defaults, state
 * dicts and error messages.
 *
 * ```ts
 * import { SGD, lrScheduler } from '@proj/optim';
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const scheduler = new lrScheduler.StepLR(opt, 30, { gamma: 0.1 });
 * for (const [x, y] of data) { opt.zeroGrad(); lossFn(model.call(x), y).backward(); opt.step(); }
 * scheduler.step();
 * ```
 */

export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions } from './adam.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { ASGD, type ASGDOptions } from './asgd.js';
export { LBFGS, type LBFGSOptions } from './lbfgs.js';
export * as lrScheduler from './lr-scheduler/index.js';
export { NAdam, type NAdamOptions } from './nadam.js';
export {
  type Closure,
  directedGrad,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type ParamsInput,
  type RemovableHandle,
  required,
  type StateSpec,
  type StepHook,
} from './optimizer.js';
export { RAdam, type RAdamOptions } from './radam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Rprop, type RpropOptions } from './rprop.js';
export { SGD, type SGDOptions } from './sgd.js';
export { SparseAdam, type SparseAdamOptions } from './sparse-adam.js';
