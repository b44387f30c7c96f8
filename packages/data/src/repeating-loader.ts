/**
 * `RepeatingLoader`: endless iteration over a DataLoader (DeepSpeed's `RepeatingLoader`), for training loops
 * counted in steps rather than epochs.
 */
import { ValueError } from '@proj/tensor';

/** What `RepeatingLoader` wraps: anything iterable again and again, such as a `DataLoader`. */
export interface Reiterable<B> {
  [Symbol.asyncIterator](): AsyncIterator<B>;
  [Symbol.iterator]?(): Iterator<B>;
  readonly sampler?: unknown;
  readonly batchSampler?: unknown;
}

function samplerWithEpoch(loader: Reiterable<unknown>): { setEpoch(epoch: number): void } | null {
  for (const candidate of [
    loader.sampler,
    (loader.batchSampler as { sampler?: unknown } | undefined)?.sampler,
  ]) {
    if (
      candidate !== null &&
      typeof candidate === 'object' &&
      typeof (candidate as { setEpoch?: unknown }).setEpoch === 'function'
    ) {
      return candidate as { setEpoch(epoch: number): void };
    }
  }
  return null;
}

/**
 * Iterates a loader forever: when one pass ends the next begins, so a shuffling loader reshuffles on every pass;
 * a `DistributedSampler` gets `setEpoch(pass)` before each pass. `epoch` counts completed passes.
 *
 * ```ts
 * const batches = new RepeatingLoader(loader);
 * let step = 0;
 * for await (const batch of batches) { train(batch); if (++step === 10_000) break; }
 * ```
 */
export class RepeatingLoader<B> implements AsyncIterable<B>, Iterable<B> {
  /** Number of passes completed. */
  epoch = 0;

  constructor(
    /** The wrapped loader. */
    readonly loader: Reiterable<B>,
  ) {}

  private beginPass(): void {
    samplerWithEpoch(this.loader)?.setEpoch(this.epoch);
  }

  private emptyPass(): never {
    throw new ValueError('RepeatingLoader: the loader yielded no batches, so repeating it would never yield');
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    for (;;) {
      this.beginPass();
      let yielded = false;
      for await (const batch of { [Symbol.asyncIterator]: () => this.loader[Symbol.asyncIterator]() }) {
        yielded = true;
        yield batch;
      }
      if (!yielded) this.emptyPass();
      this.epoch++;
    }
  }

  *[Symbol.iterator](): Iterator<B> {
    const iterate = this.loader[Symbol.iterator];
    if (typeof iterate !== 'function')
      throw new TypeError('the wrapped loader is not synchronously iterable');
    for (;;) {
      this.beginPass();
      let yielded = false;
      for (const batch of { [Symbol.iterator]: () => iterate.call(this.loader) }) {
        yielded = true;
        yield batch;
      }
      if (!yielded) this.emptyPass();
      this.epoch++;
    }
  }
}
