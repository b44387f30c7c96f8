/**
 * `DataLoader`: batches from a dataset, in the order a sampler gives, on the main thread or on worker threads
 * (`torch/utils/data/dataloader.py`).
 *
 * NOTE [Order and determinism with workers]: as in PyTorch, batch `k` goes to worker `k mod numWorkers` (skipping
 * workers whose iterable dataset is exhausted), at most `prefetchFactor * numWorkers` batches are in flight, and
 * replies are put back in sending order before they are yielded. Indices come from the sampler on the main thread,
 * so a seeded loader yields the same batches in the same order with any number of workers; worker `i` seeds its
 * default generator with `baseSeed + i`, where `baseSeed` is drawn from the loader's generator when iteration
 * starts (before the sampler draws, as in PyTorch).
 */
import type { Generator } from '@proj/tensor';
import { defaultGenerator, RuntimeError, ValueError } from '@proj/tensor';
import { type Collated, defaultCollate, defaultConvert, pinMemory as pinBatch } from './collate.js';
import {
  type AnyDataset,
  type IterableDataset,
  isIterableDataset,
  lengthOf,
  type MapDataset,
} from './dataset.js';
import { fetchMapAsync, fetchMapSync, IterableFetcher, STOP } from './internal/fetch.js';
import { type EncodedSource, encodeSource, workerSourceOf } from './internal/module-ref.js';
import { decodeFromTransfer } from './internal/transfer.js';
import { rebuildWorkerError, WorkerPool } from './internal/worker-pool.js';
import { BatchSampler, drawSeed, RandomSampler, SequentialSampler } from './sampler.js';
import type { WorkerCollate, WorkerInit } from './worker.js';

/** Options of `DataLoader` (PyTorch's keyword arguments in camelCase). */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); `null` turns automatic batching off (each item is one sample). */
  batchSize?: number | null;
  /** Reshuffle at every epoch (a `RandomSampler`); map-style datasets only. */
  shuffle?: boolean;
  /** Index order: any iterable of indices (a `Sampler`); exclusive with `shuffle`. */
  sampler?: Iterable<number> | null;
  /** Batches of indices (a `BatchSampler`); exclusive with `batchSize`, `shuffle`, `sampler` and `dropLast`. */
  batchSampler?: Iterable<readonly number[]> | null;
  /** Worker threads loading batches in parallel (default 0: load on the main thread). */
  numWorkers?: number;
  /**
   * Turns a list of samples into a batch (default `defaultCollate`; `defaultConvert` without batching). With
   * workers it runs in the workers if tagged with `withWorkerSource`, otherwise on the main thread.
   */
  collateFn?: ((batch: T[]) => B) | null;
  /** Stage batches on the GPU as they arrive when a GPU backend is registered; a no-op otherwise. */
  pinMemory?: boolean;
  /** Device batches are staged on with `pinMemory` (default `'cuda'`). */
  pinMemoryDevice?: string;
  /** Drop the last, incomplete batch. */
  dropLast?: boolean;
  /** Seconds to wait for a batch from the workers before failing (default 0: no limit). */
  timeout?: number;
  /** Called in each worker with its id after seeding; must be tagged with `withWorkerSource`. */
  workerInitFn?: ((workerId: number) => unknown) | null;
  /** Generator for the default `RandomSampler` and the workers' base seed. */
  generator?: Generator | null;
  /** Batches loaded in advance by each worker (default 2). */
  prefetchFactor?: number;
  /** Keep the workers (and their dataset copies) alive between epochs. */
  persistentWorkers?: boolean;
}

/** An endless sampler for iterable datasets: every request asks the fetcher for the next batch. */
function* infiniteConstant(): IterableIterator<null> {
  for (;;) yield null;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `<${(value as object).constructor?.name ?? 'object'}>`;
  return String(value);
}

/**
 * `torch.utils.data.DataLoader`. Iterate with `for await` (any `numWorkers`) or with a plain `for` loop when
 * `numWorkers` is 0 and the dataset is synchronous.
 *
 * ```ts
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true, numWorkers: 2 });
 * for await (const [xb, yb] of loader) { ... }
 * ```
 *
 * With `numWorkers > 0` the dataset is rebuilt in every worker from its `workerSource()` (see the README,
 * "Workers"); arrays travel by value.
 */
export class DataLoader<T = unknown, B = Collated<T>> implements AsyncIterable<B>, Iterable<B> {
  /** The dataset. */
  readonly dataset: AnyDataset<T>;
  /** Samples per batch, or null without automatic batching. */
  readonly batchSize: number | null;
  /** Whether the last incomplete batch is dropped. */
  readonly dropLast: boolean;
  /** The index sampler (null for iterable datasets). */
  readonly sampler: Iterable<number> | null;
  /** The batch sampler (null without automatic batching). */
  readonly batchSampler: Iterable<readonly number[]> | null;
  /** Number of worker threads. */
  readonly numWorkers: number;
  /** Batches prefetched per worker. */
  readonly prefetchFactor: number;
  /** Whether batches are staged on the GPU. */
  readonly pinMemory: boolean;
  /** Device used by `pinMemory`. */
  readonly pinMemoryDevice: string;
  /** Seconds to wait for a worker's batch (0: forever). */
  readonly timeout: number;
  /** Function run in each worker after seeding. */
  readonly workerInitFn: ((workerId: number) => unknown) | null;
  /** Generator for shuffling and worker seeds (null: the default generator). */
  readonly generator: Generator | null;
  /** The collate function. */
  readonly collateFn: (batch: T[]) => B;
  /** Whether workers survive between epochs. */
  readonly persistentWorkers: boolean;
  private readonly iterable: boolean;
  private persistentPool: Promise<WorkerPool> | null = null;
  private activeIterator: WorkerIterator<B> | null = null;
  private epochCounter = 0;

  constructor(dataset: AnyDataset<T>, options?: DataLoaderOptions<T, B>);
  constructor(dataset: AnyDataset<T>, batchSize: number | null, options?: DataLoaderOptions<T, B>);
  constructor(
    dataset: AnyDataset<T>,
    batchSizeOrOptions?: number | null | DataLoaderOptions<T, B>,
    maybeOptions: DataLoaderOptions<T, B> = {},
  ) {
    const options =
      typeof batchSizeOrOptions === 'number' || batchSizeOrOptions === null
        ? { ...maybeOptions, batchSize: batchSizeOrOptions }
        : (batchSizeOrOptions ?? {});
    const numWorkers = options.numWorkers ?? 0;
    const timeout = options.timeout ?? 0;
    let batchSize = options.batchSize === undefined ? 1 : options.batchSize;
    let dropLast = options.dropLast ?? false;
    let shuffle = options.shuffle;
    let sampler = options.sampler ?? null;
    let batchSampler = options.batchSampler ?? null;
    if (!Number.isInteger(numWorkers) || numWorkers < 0) {
      throw new ValueError(
        'num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.',
      );
    }
    if (!(timeout >= 0)) throw new ValueError('timeout option should be non-negative');
    if (numWorkers === 0 && options.prefetchFactor !== undefined && options.prefetchFactor !== 2) {
      throw new ValueError(
        'prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing.',
      );
    }
    const prefetchFactor = options.prefetchFactor ?? 2;
    if (!Number.isInteger(prefetchFactor) || prefetchFactor <= 0) {
      throw new ValueError(
        `prefetch_factor should be a positive integer, but got prefetch_factor=${prefetchFactor}`,
      );
    }
    const persistentWorkers = options.persistentWorkers ?? false;
    if (persistentWorkers && numWorkers === 0)
      throw new ValueError('persistent_workers option needs num_workers > 0');

    const iterable = isIterableDataset(dataset);
    if (iterable) {
      if (shuffle !== undefined && shuffle !== false) {
        throw new ValueError(
          `DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=${shuffle}`,
        );
      }
      if (sampler !== null) {
        throw new ValueError(
          `DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=${describe(sampler)}`,
        );
      }
      if (batchSampler !== null) {
        throw new ValueError(
          `DataLoader with IterableDataset: expected unspecified batch_sampler option, but got batch_sampler=${describe(batchSampler)}`,
        );
      }
    } else {
      if (!Array.isArray(dataset) && typeof (dataset as { getItem?: unknown }).getItem !== 'function') {
        throw new TypeError(
          `DataLoader expects a Dataset, an IterableDataset or an array, but got ${describe(dataset)}`,
        );
      }
      shuffle = Boolean(shuffle);
    }
    if (sampler !== null && shuffle)
      throw new ValueError('sampler option is mutually exclusive with shuffle');
    if (batchSampler !== null) {
      if (batchSize !== 1 || shuffle || sampler !== null || dropLast) {
        throw new ValueError(
          'batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last',
        );
      }
      batchSize = null;
      dropLast = false;
    } else if (batchSize === null) {
      if (dropLast) {
        throw new ValueError(
          'batch_size=None option disables auto-batching and is mutually exclusive with drop_last',
        );
      }
    }
    const generator = options.generator ?? null;
    if (sampler === null && !iterable) {
      sampler = shuffle
        ? new RandomSampler(dataset as MapDataset<T>, { generator })
        : new SequentialSampler(dataset as MapDataset<T>);
    }
    if (batchSize !== null && batchSampler === null && !iterable) {
      batchSampler = new BatchSampler(sampler!, batchSize, dropLast);
    }
    const autoCollation = batchSampler !== null || (iterable && batchSize !== null);
    const collateFn = (options.collateFn ?? (autoCollation ? defaultCollate : defaultConvert)) as (
      batch: T[],
    ) => B;

    if (numWorkers > 0) {
      if (!Array.isArray(dataset) && workerSourceOf(dataset) === undefined) {
        const name = (dataset as object).constructor.name;
        throw new TypeError(
          `DataLoader with numWorkers > 0 must rebuild the dataset in each worker thread, but ${name} has no ` +
            `workerSource(). Define ${name} in a module and give it workerSource() { return { module: ` +
            `import.meta.url, exportName: '${name}', args: [...] }; } (see the @proj/data README, "Workers").`,
        );
      }
      if (options.workerInitFn && workerSourceOf(options.workerInitFn) === undefined) {
        throw new TypeError(
          'workerInitFn runs in the worker threads, so it must be exported from a module and tagged with ' +
            "withWorkerSource(fn, import.meta.url, 'name')",
        );
      }
    }

    this.dataset = dataset;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.sampler = sampler;
    this.batchSampler = batchSampler;
    this.numWorkers = numWorkers;
    this.prefetchFactor = prefetchFactor;
    this.pinMemory = options.pinMemory ?? false;
    this.pinMemoryDevice = options.pinMemoryDevice || 'cuda';
    this.timeout = timeout;
    this.workerInitFn = options.workerInitFn ?? null;
    this.generator = generator;
    this.collateFn = collateFn;
    this.persistentWorkers = persistentWorkers;
    this.iterable = iterable;
  }

  /** Whether samples are batched by the loader (`batchSize` or `batchSampler` given). */
  get autoCollation(): boolean {
    return this.batchSampler !== null || (this.iterable && this.batchSize !== null);
  }

  /** The sampler the iterator draws from: batches of indices, or single indices. */
  private indexSampler(): Iterable<number | readonly number[] | null> {
    if (this.iterable) return infiniteConstant();
    return this.batchSampler ?? this.sampler!;
  }

  /**
   * Number of batches per epoch (`len(loader)`): from the sampler, or for an iterable dataset from its `length`
   * (a TypeError if it has none).
   */
  get length(): number {
    if (this.iterable) {
      const n = lengthOf(this.dataset);
      if (this.batchSize === null) return n;
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
    return lengthOf(this.batchSampler ?? this.sampler);
  }

  /** @internal Applies `pinMemory` to a batch. */
  _pin(batch: unknown): B {
    return (this.pinMemory ? pinBatch(batch, this.pinMemoryDevice) : batch) as B;
  }

  /** Synchronous iteration: only with `numWorkers: 0` and a dataset that returns samples synchronously. */
  [Symbol.iterator](): Iterator<B> {
    if (this.numWorkers > 0) {
      throw new TypeError(
        'a DataLoader with numWorkers > 0 is iterated asynchronously: for await (const batch of loader)',
      );
    }
    drawSeed(this.generator ?? defaultGenerator);
    return this.singleProcessSync();
  }

  private *singleProcessSync(): IterableIterator<B> {
    const collate = this.collateFn as (data: unknown) => unknown;
    if (this.iterable) {
      const fetcher = new IterableFetcher(this.dataset as IterableDataset, 'sync', collate, this.dropLast);
      try {
        for (;;) {
          const data = fetcher.fetchSync(this.batchSize);
          if (data === STOP) return;
          yield this._pin(data);
        }
      } finally {
        void fetcher.close();
      }
    }
    for (const index of this.indexSampler() as Iterable<number | readonly number[]>) {
      yield this._pin(fetchMapSync(this.dataset as MapDataset, index, collate));
    }
  }

  /** Asynchronous iteration, on the main thread (`numWorkers: 0`) or on worker threads. */
  [Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.numWorkers === 0) {
      drawSeed(this.generator ?? defaultGenerator);
      return this.singleProcessAsync();
    }
    this.activeIterator?.invalidate();
    // With persistent workers only the first epoch draws a base seed, as PyTorch resets the same iterator.
    const baseSeed = this.persistentPool === null ? drawSeed(this.generator ?? defaultGenerator) : 0n;
    const iterator = new WorkerIterator<B>(
      this as unknown as DataLoader<unknown, B>,
      this.indexSampler()[Symbol.iterator](),
      baseSeed,
      ++this.epochCounter,
    );
    this.activeIterator = iterator;
    return iterator;
  }

  private async *singleProcessAsync(): AsyncIterableIterator<B> {
    const collate = this.collateFn as (data: unknown) => unknown;
    if (this.iterable) {
      const fetcher = new IterableFetcher(this.dataset as IterableDataset, 'async', collate, this.dropLast);
      try {
        for (;;) {
          const data = await fetcher.fetchAsync(this.batchSize);
          if (data === STOP) return;
          yield this._pin(data);
        }
      } finally {
        await fetcher.close();
      }
    }
    for (const index of this.indexSampler() as Iterable<number | readonly number[]>) {
      yield this._pin(await fetchMapAsync(this.dataset as MapDataset, index, collate));
    }
  }

  /** @internal The worker pool for an epoch: the persistent one, or a new one. */
  async _acquirePool(baseSeed: bigint, epoch: number): Promise<{ pool: WorkerPool; collateOnMain: boolean }> {
    const collate = this.workerCollate();
    const collateOnMain = collate === 'main';
    if (this.persistentWorkers && this.persistentPool !== null) {
      const pool = await this.persistentPool;
      if (!pool.closed) {
        pool.broadcast({ type: 'reset', epoch });
        return { pool, collateOnMain };
      }
    }
    const start = WorkerPool.start(this.numWorkers, (workerId) =>
      this.workerInit(workerId, baseSeed, collate),
    );
    if (this.persistentWorkers) {
      this.persistentPool = start;
      start.catch(() => {
        this.persistentPool = null;
      });
    }
    return { pool: await start, collateOnMain };
  }

  /** @internal Forgets the persistent pool after it failed. */
  _dropPersistentPool(): void {
    this.persistentPool = null;
  }

  private workerCollate(): WorkerCollate {
    if ((this.collateFn as unknown) === defaultCollate) return 'default';
    if ((this.collateFn as unknown) === defaultConvert) return 'convert';
    const source = workerSourceOf(this.collateFn);
    if (source === undefined) return 'main';
    return { source: encodeSource(source, 'collateFn') };
  }

  private workerInit(workerId: number, seed: bigint, collate: WorkerCollate): WorkerInit {
    const initSource = this.workerInitFn === null ? undefined : workerSourceOf(this.workerInitFn);
    const datasetSource = workerSourceOf(this.dataset);
    return {
      type: 'init',
      workerId,
      numWorkers: this.numWorkers,
      seed,
      dataset:
        datasetSource !== undefined
          ? { source: encodeSource(datasetSource, 'dataset') }
          : { value: structuredClone(this.dataset) },
      iterable: this.iterable,
      batchSize: this.autoCollation ? (this.batchSize ?? 1) : null,
      dropLast: this.dropLast,
      collate,
      workerInitFn:
        initSource === undefined ? null : (encodeSource(initSource, 'workerInitFn') as EncodedSource),
    };
  }

  /** Terminates persistent workers (they are otherwise kept until the process exits). */
  async shutdown(): Promise<void> {
    this.activeIterator?.invalidate();
    const pool = this.persistentPool;
    this.persistentPool = null;
    if (pool !== null) await (await pool.catch(() => null))?.shutdown();
  }

  /** `await using loader = new DataLoader(...)` shuts persistent workers down at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }
}

interface TaskInfo {
  workerId: number;
  /** The reply, once it arrived ahead of its turn. */
  reply?: { data: unknown } | { error: Error };
}

// Non-persistent pools of iterators that are dropped without finishing are terminated when the iterator is
// collected (threads are unref'd while idle, so they never keep the process alive meanwhile).
const abandonedPools = new FinalizationRegistry<{ pool: WorkerPool | null }>((holder) => {
  void holder.pool?.shutdown();
});

/** The iterator of one epoch over worker threads (`_MultiProcessingDataLoaderIter`). */
class WorkerIterator<B> implements AsyncIterableIterator<B> {
  private pool: WorkerPool | null = null;
  private collateOnMain = false;
  private starting: Promise<void> | null = null;
  private finished = false;
  private sendIndex = 0;
  private receiveIndex = 0;
  private readonly tasks = new Map<number, TaskInfo>();
  private workerActive: boolean[];
  private nextWorker = 0;
  private readonly holder: { pool: WorkerPool | null } = { pool: null };

  constructor(
    private readonly loader: DataLoader<unknown, B>,
    private readonly samplerIterator: Iterator<number | readonly number[] | null>,
    private readonly baseSeed: bigint,
    private readonly epoch: number,
  ) {
    this.workerActive = new Array<boolean>(loader.numWorkers).fill(true);
    if (!loader.persistentWorkers) abandonedPools.register(this, this.holder);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Ends this iterator because a newer one took over the persistent workers. */
  invalidate(): void {
    this.finished = true;
  }

  /** Worker thread ids (tests use them to check that threads are gone). */
  get threadIds(): number[] {
    return this.pool?.threadIds ?? [];
  }

  private async start(): Promise<void> {
    const { pool, collateOnMain } = await this.loader._acquirePool(this.baseSeed, this.epoch);
    this.pool = pool;
    this.holder.pool = this.loader.persistentWorkers ? null : pool;
    this.collateOnMain = collateOnMain;
    for (let i = 0; i < this.loader.prefetchFactor * this.loader.numWorkers; i++) this.tryPutIndex();
  }

  private tryPutIndex(): void {
    const next = this.samplerIterator.next();
    if (next.done) return;
    const n = this.loader.numWorkers;
    let workerId = -1;
    for (let i = 0; i < n; i++) {
      const candidate = this.nextWorker;
      this.nextWorker = (this.nextWorker + 1) % n;
      if (this.workerActive[candidate]) {
        workerId = candidate;
        break;
      }
    }
    if (workerId < 0) return;
    const index = next.value === null ? null : typeof next.value === 'number' ? next.value : [...next.value];
    this.pool!.send(workerId, { type: 'fetch', epoch: this.epoch, taskId: this.sendIndex, index });
    this.tasks.set(this.sendIndex, { workerId });
    this.sendIndex++;
  }

  async next(): Promise<IteratorResult<B>> {
    if (this.finished) return { done: true, value: undefined };
    try {
      this.starting ??= this.start();
      await this.starting;
      return await this.nextData();
    } catch (error) {
      await this.close(true);
      throw error;
    }
  }

  private async nextData(): Promise<IteratorResult<B>> {
    const pool = this.pool!;
    for (;;) {
      if (this.finished) return { done: true, value: undefined };
      // Skip tasks of workers that ran out of data (iterable datasets) and will never answer them.
      while (this.receiveIndex < this.sendIndex) {
        const info = this.tasks.get(this.receiveIndex)!;
        if (info.reply !== undefined || this.workerActive[info.workerId]) break;
        this.tasks.delete(this.receiveIndex);
        this.receiveIndex++;
      }
      if (this.receiveIndex >= this.sendIndex) {
        await this.close(false);
        return { done: true, value: undefined };
      }
      const wanted = this.tasks.get(this.receiveIndex)!;
      if (wanted.reply !== undefined) {
        this.tasks.delete(this.receiveIndex);
        return this.process(wanted.reply);
      }
      const event = await pool.receive(this.loader.timeout);
      if (event === null) throw new RuntimeError(`DataLoader timed out after ${this.loader.timeout} seconds`);
      if (event.kind === 'failure') throw event.error;
      const reply = event.reply;
      if (reply.epoch !== this.epoch) continue;
      const info = this.tasks.get(reply.taskId);
      if (info === undefined) continue;
      if (reply.type === 'stop') {
        // PyTorch's _IterableDatasetStopIteration: this worker has nothing more for this epoch.
        this.workerActive[event.workerId] = false;
        if (!this.loader.persistentWorkers) void pool.stopWorker(event.workerId);
        this.tryPutIndex();
        continue;
      }
      const payload =
        reply.type === 'error'
          ? { error: rebuildWorkerError(reply.error, event.workerId) }
          : { data: decodeFromTransfer(reply.value, reply.storages as never) };
      if (reply.taskId === this.receiveIndex) {
        this.tasks.delete(reply.taskId);
        return this.process(payload);
      }
      info.reply = payload;
    }
  }

  private process(reply: { data: unknown } | { error: Error }): IteratorResult<B> {
    this.receiveIndex++;
    this.tryPutIndex();
    if ('error' in reply) throw reply.error;
    let batch = reply.data;
    if (this.collateOnMain) batch = (this.loader.collateFn as (x: unknown) => unknown)(batch);
    return { done: false, value: this.loader._pin(batch) };
  }

  /** Ends the epoch: non-persistent workers are terminated; persistent ones are kept for the next epoch. */
  private async close(failed: boolean): Promise<void> {
    this.finished = true;
    const pool = this.pool;
    if (pool === null) return;
    if (!this.loader.persistentWorkers) {
      this.holder.pool = null;
      await pool.shutdown();
    } else if (failed) {
      this.loader._dropPersistentPool();
      await pool.shutdown();
    }
  }

  /** Called by `break` / `return` in a `for await` loop: stops the workers (unless persistent). */
  async return(): Promise<IteratorResult<B>> {
    if (this.starting !== null) await this.starting.catch(() => undefined);
    await this.close(false);
    return { done: true, value: undefined };
  }
}
