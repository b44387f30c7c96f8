/**
 * The model, optimizer and learning-rate schedule, built from a `TrainConfig` exactly as `reference/mlp.py`
 * builds them in PyTorch.
 */
import { Dropout, Linear, type Module, ReLU, Sequential } from '@proj/nn';
import { Adam, AdamW, lrScheduler, NAdam, RAdam, RMSprop, SGD } from '@proj/optim';
import type { TrainConfig } from './cli.js';

/** Layer widths: 28×28 pixels in, two hidden layers, ten digits out. */
export const LAYER_SIZES = [784, 256, 128, 10] as const;

/**
 * `nn.Sequential(Linear(784, 256), ReLU(), [Dropout(p)], Linear(256, 128), ReLU(), [Dropout(p)], Linear(128, 10))`.
 * Draws its initial weights from the default generator, as PyTorch does.
 */
export function makeModel(dropout: number): Sequential {
  const layers: Module[] = [];
  for (let i = 0; i + 1 < LAYER_SIZES.length; i++) {
    layers.push(new Linear(LAYER_SIZES[i]!, LAYER_SIZES[i + 1]!));
    if (i + 2 < LAYER_SIZES.length) {
      layers.push(new ReLU());
      if (dropout > 0) layers.push(new Dropout(dropout));
    }
  }
  return new Sequential(...layers);
}

/** Any of the optimizers below. */
export type AnyOptimizer = lrScheduler.AnyOptimizer;

/** The optimizer named by the config, with the options `--help` documents. */
export function makeOptimizer(model: Module, config: TrainConfig): AnyOptimizer {
  const params = model.parameters();
  const lr = config.lr;
  switch (config.optimizer) {
    case 'sgd':
      return new SGD(params, { lr, momentum: 0.9, nesterov: true });
    case 'adam':
      return new Adam(params, { lr });
    case 'adamw':
      return new AdamW(params, { lr, weightDecay: 1e-2 });
    case 'nadam':
      return new NAdam(params, { lr });
    case 'radam':
      return new RAdam(params, { lr });
    case 'rmsprop':
      return new RMSprop(params, { lr });
  }
}

/** A scheduler stepped once per batch, or null for a constant learning rate. */
export type BatchScheduler = lrScheduler.LRScheduler | null;

/**
 * The schedule named by the config over `stepsPerEpoch * epochs` batches: `onecycle` warms up to 3 × lr and
 * anneals (cycling momentum / β1 inversely, as PyTorch's `OneCycleLR` does), `cosine` anneals to 0, `step` halves
 * the rate after each epoch.
 */
export function makeScheduler(
  optimizer: AnyOptimizer,
  config: TrainConfig,
  stepsPerEpoch: number,
): BatchScheduler {
  const totalSteps = stepsPerEpoch * config.epochs;
  switch (config.scheduler) {
    case 'onecycle':
      return new lrScheduler.OneCycleLR(optimizer, 3 * config.lr, { totalSteps });
    case 'cosine':
      return new lrScheduler.CosineAnnealingLR(optimizer, totalSteps);
    case 'step':
      return new lrScheduler.StepLR(optimizer, stepsPerEpoch, { gamma: 0.5 });
    case 'none':
      return null;
  }
}
