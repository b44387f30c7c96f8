/**
 * Fetching one batch (or one sample) from a dataset: the step the main thread runs when `numWorkers` is 0 and each
 * worker runs otherwise (`torch/utils/data/_utils/fetch.py`).
 */
import {
  type Dataset,
  getItemOf,
  type IterableDataset,
  iterateAsync,
  iterateSync,
  type MapDataset,
} from '../dataset.js';

/** What the fetchers return when an iterable dataset has no more samples for this batch. */
export const STOP: unique symbol = Symbol('StopIteration');

/** A collate function as the fetchers call it. */
export type CollateCall = (data: unknown) => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function noPromise(value: unknown): void {
  if (isThenable(value)) {
    throw new TypeError(
      'the dataset returned a Promise; iterate the DataLoader with for await (const batch of loader) to await samples',
    );
  }
}

function samples(dataset: MapDataset, indices: readonly number[]): unknown[] {
  const getItems = (dataset as Dataset).getItems;
  if (!Array.isArray(dataset) && typeof getItems === 'function') return getItems.call(dataset, indices);
  return indices.map((i) => getItemOf(dataset, i));
}

/** One batch (auto-collation: `index` is a list) or one sample (`index` is a number) of a map-style dataset. */
export function fetchMapSync(
  dataset: MapDataset,
  index: number | readonly number[],
  collate: CollateCall,
): unknown {
  if (typeof index === 'number') {
    const sample = getItemOf(dataset, index);
    noPromise(sample);
    return collate(sample);
  }
  const batch = samples(dataset, index);
  batch.forEach(noPromise);
  return collate(batch);
}

/** `fetchMapSync`, awaiting samples that are promises. */
export async function fetchMapAsync(
  dataset: MapDataset,
  index: number | readonly number[],
  collate: CollateCall,
): Promise<unknown> {
  if (typeof index === 'number') {
    let sample = getItemOf(dataset, index);
    if (isThenable(sample)) sample = await sample;
    return collate(sample);
  }
  let batch = samples(dataset, index);
  if (isThenable(batch)) batch = (await batch) as unknown[];
  if (batch.some(isThenable)) batch = await Promise.all(batch);
  return collate(batch);
}

/**
 * Pulls batches from an iterable dataset: `batchSize` samples per call (or one uncollated sample when it is
 * null); `STOP` once the stream is exhausted (or the final short batch is dropped).
 */
export class IterableFetcher {
  private readonly syncIterator: Iterator<unknown> | null;
  private readonly asyncIterator: AsyncIterator<unknown> | null;
  private ended = false;

  constructor(
    dataset: IterableDataset,
    mode: 'sync' | 'async',
    private readonly collate: CollateCall,
    private readonly dropLast: boolean,
  ) {
    this.syncIterator = mode === 'sync' ? iterateSync(dataset)[Symbol.iterator]() : null;
    this.asyncIterator = mode === 'async' ? iterateAsync(dataset)[Symbol.asyncIterator]() : null;
  }

  /** The next batch of `batchSize` samples (or one sample for null), or `STOP`. */
  fetchSync(batchSize: number | null): unknown {
    const iterator = this.syncIterator!;
    if (this.ended) return STOP;
    if (batchSize === null) {
      const next = iterator.next();
      if (next.done) {
        this.ended = true;
        return STOP;
      }
      return this.collate(next.value);
    }
    const data: unknown[] = [];
    while (data.length < batchSize) {
      const next = iterator.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      data.push(next.value);
    }
    if (data.length === 0 || (this.dropLast && data.length < batchSize)) return STOP;
    return this.collate(data);
  }

  /** `fetchSync` for async iteration. */
  async fetchAsync(batchSize: number | null): Promise<unknown> {
    const iterator = this.asyncIterator!;
    if (this.ended) return STOP;
    if (batchSize === null) {
      const next = await iterator.next();
      if (next.done) {
        this.ended = true;
        return STOP;
      }
      return this.collate(next.value);
    }
    const data: unknown[] = [];
    while (data.length < batchSize) {
      const next = await iterator.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      data.push(next.value);
    }
    if (data.length === 0 || (this.dropLast && data.length < batchSize)) return STOP;
    return this.collate(data);
  }

  /** Closes the underlying iterator early (runs the dataset's `finally` blocks). */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.syncIterator?.return) this.syncIterator.return();
    if (this.asyncIterator?.return) await this.asyncIterator.return();
  }
}
