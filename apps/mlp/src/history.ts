/** What a run records: one entry per epoch, the training loss along the way, the last confusion matrix. */

/** Figures of one epoch. Accuracies are fractions in [0, 1]. */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches (weighted by batch size), in train mode. */
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** Wall-clock seconds of the training pass (not counting evaluation). */
  trainSeconds: number;
  /** Wall-clock seconds of the evaluation on the test set. */
  evalSeconds: number;
  /** Training samples per second. */
  samplesPerSecond: number;
  /** Learning rate at the end of the epoch. */
  lr: number;
}

/** A point of the training-loss curve: `epoch` is fractional (1.5 = half way through the second epoch). */
export interface LossPoint {
  epoch: number;
  loss: number;
}

/** Everything plotted and stored in the checkpoint, so that a resumed run draws the whole curve. */
export interface History {
  epochs: EpochRecord[];
  steps: LossPoint[];
  /** `confusion[true][predicted]` counts on the test set after the last epoch. */
  confusion: number[][];
}

/** An empty history. */
export function emptyHistory(): History {
  return { epochs: [], steps: [], confusion: [] };
}

const isNumber = (value: unknown): value is number => typeof value === 'number';

/** Checks a value read from a checkpoint; returns null if it is not a history. */
export function asHistory(value: unknown): History | null {
  if (value === null || typeof value !== 'object') return null;
  const { epochs, steps, confusion } = value as Record<string, unknown>;
  if (!Array.isArray(epochs) || !Array.isArray(steps) || !Array.isArray(confusion)) return null;
  const recordKeys: (keyof EpochRecord)[] = [
    'epoch',
    'trainLoss',
    'trainAccuracy',
    'testLoss',
    'testAccuracy',
    'trainSeconds',
    'evalSeconds',
    'samplesPerSecond',
    'lr',
  ];
  for (const record of epochs) {
    if (record === null || typeof record !== 'object') return null;
    if (!recordKeys.every((key) => isNumber((record as Record<string, unknown>)[key]))) return null;
  }
  for (const point of steps) {
    if (point === null || typeof point !== 'object') return null;
    const { epoch, loss } = point as Record<string, unknown>;
    if (!isNumber(epoch) || !isNumber(loss)) return null;
  }
  for (const row of confusion) {
    if (!Array.isArray(row) || !row.every(isNumber)) return null;
  }
  return value as History;
}
