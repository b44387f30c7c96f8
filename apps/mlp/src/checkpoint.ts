/**
 * Checkpoints: model, optimizer, scheduler, epoch, both random generators and the history, in one safetensors
 * file written with `torch.save` (atomically: temporary file, fsync, rename). Loading checks everything it can
 * before the caller touches the model, so a bad file changes nothing.
 */
import { existsSync } from 'node:fs';
import type { StateDict } from '@proj/nn';
import type { lrScheduler, OptimizerStateDict } from '@proj/optim';
import { load, type Saveable, save, Tensor } from '@proj/tensor';
import { OPTIMIZERS, SCHEDULERS, type TrainConfig } from './cli.js';
import { asHistory, type History } from './history.js';

/** Written into every checkpoint; a file without it was not written by this app. */
export const CHECKPOINT_FORMAT = 'proj-mlp-checkpoint/1';

/** The contents of a checkpoint. */
export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  /** `String(model)`: the printed module tree, compared on resume to catch a different model early. */
  architecture: string;
  config: TrainConfig;
  /** Epochs completed. */
  epoch: number;
  model: StateDict;
  optimizer: OptimizerStateDict;
  scheduler: lrScheduler.SchedulerStateDict | null;
  /** `torch.getRngState()` (dropout) and the DataLoader generator's state (shuffling), as uint8 tensors. */
  rng: { default: Tensor; loader: Tensor };
  history: History;
}

/** A checkpoint that cannot be used: missing, corrupted, or from another model or run. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** Writes `checkpoint` to `path` atomically (the previous file survives a crash mid-write). */
export function saveCheckpoint(checkpoint: Checkpoint, path: string): void {
  save(checkpoint as unknown as Saveable, path);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !(value instanceof Tensor) && !Array.isArray(value);
}

function asConfig(value: unknown): TrainConfig | null {
  if (!isObject(value)) return null;
  const c = value as Record<string, unknown>;
  const positiveInteger = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 1;
  if (!positiveInteger(c.epochs) || !positiveInteger(c.batchSize)) return null;
  if (typeof c.lr !== 'number' || !(c.lr > 0)) return null;
  if (typeof c.optimizer !== 'string' || !Object.hasOwn(OPTIMIZERS, c.optimizer)) return null;
  if (typeof c.scheduler !== 'string' || !(SCHEDULERS as readonly string[]).includes(c.scheduler))
    return null;
  if (typeof c.seed !== 'number' || !Number.isSafeInteger(c.seed) || c.seed < 0) return null;
  if (typeof c.dropout !== 'number' || !(c.dropout >= 0 && c.dropout < 1)) return null;
  if (c.trainSamples !== null && !positiveInteger(c.trainSamples)) return null;
  return c as unknown as TrainConfig;
}

/**
 * Reads and validates a checkpoint. Throws `CheckpointError` with the reason when the file is missing, is not
 * safetensors, is truncated or corrupted, or is not a checkpoint of this app.
 */
export function loadCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new CheckpointError(`no checkpoint to resume from at ${path}`);
  let value: Saveable;
  try {
    value = load(path);
  } catch (error) {
    throw new CheckpointError(`cannot read checkpoint ${path}: ${(error as Error).message}`);
  }
  const invalid = (what: string) =>
    new CheckpointError(`${path} is not a checkpoint of this app (${what}); nothing was changed`);
  if (!isObject(value) || value.format !== CHECKPOINT_FORMAT)
    throw invalid(`no '${CHECKPOINT_FORMAT}' marker`);
  const { architecture, config, epoch, model, optimizer, scheduler, rng, history } = value;
  if (typeof architecture !== 'string') throw invalid('architecture missing');
  const checkedConfig = asConfig(config);
  if (checkedConfig === null) throw invalid('training configuration missing or invalid');
  if (
    typeof epoch !== 'number' ||
    !Number.isSafeInteger(epoch) ||
    epoch < 0 ||
    epoch > checkedConfig.epochs
  ) {
    throw invalid('epoch missing or out of range');
  }
  if (!isObject(model) || !Object.values(model).every((t) => t instanceof Tensor))
    throw invalid('model state');
  if (!isObject(optimizer) || !isObject(optimizer.state) || !Array.isArray(optimizer.paramGroups)) {
    throw invalid('optimizer state');
  }
  if (scheduler !== null && !isObject(scheduler)) throw invalid('scheduler state');
  if (!isObject(rng) || !(rng.default instanceof Tensor) || !(rng.loader instanceof Tensor))
    throw invalid('RNG state');
  if (rng.default.dtype !== 'uint8' || rng.loader.dtype !== 'uint8') throw invalid('RNG state');
  const checkedHistory = asHistory(history);
  if (checkedHistory === null) throw invalid('history');
  return {
    format: CHECKPOINT_FORMAT,
    architecture,
    config: checkedConfig,
    epoch,
    model: model as StateDict,
    optimizer: optimizer as unknown as OptimizerStateDict,
    scheduler: scheduler as lrScheduler.SchedulerStateDict | null,
    rng: { default: rng.default, loader: rng.loader },
    history: checkedHistory,
  };
}
