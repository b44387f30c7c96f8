/**
 * `optim.lrScheduler`: PyTorch's learning-rate schedulers. Step them after `optimizer.step()`, once per epoch (or
 * per batch for `CyclicLR` and `OneCycleLR`).
 */

export { ChainedScheduler, SequentialLR } from './composite-lr.js';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './cosine-lr.js';
export { CyclicLR, type CyclicLROptions, OneCycleLR, type OneCycleLROptions } from './cyclic-lr.js';
export { LambdaLR, type LrLambda, MultiplicativeLR } from './lambda-lr.js';
export {
  type AnyOptimizer,
  EPOCH_DEPRECATION_WARNING,
  KeyError,
  LRScheduler,
  type SchedulerOptions,
  type SchedulerStateDict,
} from './lr-scheduler.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { ExponentialLR, MultiStepLR, StepLR } from './step-lr.js';
export { ConstantLR, LinearLR, PolynomialLR } from './warmup-lr.js';
