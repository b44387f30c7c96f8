/**
 * Datasets and functions that the worker tests load in worker threads. They live in their own module because a
 * worker rebuilds a dataset by importing the module that defines it.
 */
import { manualSeed, rand, type Tensor, tensor } from '@proj/tensor';
import { Dataset, getWorkerInfo, IterableDataset, type WorkerSource, withWorkerSource } from '../index.js';

const MODULE = import.meta.url;

/** Sample `i` is `{ index: i, value: tensor([i, 2i]) }`. */
export class RangeDataset extends Dataset<{ index: number; value: Tensor }> {
  constructor(readonly n: number) {
    super();
  }
  get length(): number {
    return this.n;
  }
  getItem(i: number): { index: number; value: Tensor } {
    if (i < 0 || i >= this.n) throw new RangeError(`index ${i} out of range`);
    return { index: i, value: tensor([i, 2 * i], { dtype: 'float32' }) };
  }
  override workerSource(): WorkerSource {
    return { module: MODULE, exportName: 'RangeDataset', args: [this.n] };
  }
}

/** Throws on one index, to test error propagation. */
export class FailingDataset extends Dataset<number> {
  constructor(
    readonly n: number,
    readonly failAt: number,
  ) {
    super();
  }
  get length(): number {
    return this.n;
  }
  getItem(i: number): number {
    if (i === this.failAt) throwDeep(i);
    return i;
  }
  override workerSource(): WorkerSource {
    return { module: MODULE, exportName: 'FailingDataset', args: [this.n, this.failAt] };
  }
}

function throwDeep(i: number): never {
  throw new TypeError(`sample ${i} is corrupt`);
}

/** Sleeps `delayMs` (busy-waiting, as real decoding work would) in `getItem`. */
export class SlowDataset extends Dataset<number> {
  constructor(
    readonly n: number,
    readonly delayMs: number,
  ) {
    super();
  }
  get length(): number {
    return this.n;
  }
  getItem(i: number): number {
    const end = Date.now() + this.delayMs;
    while (Date.now() < end) {
      // busy
    }
    return i;
  }
  override workerSource(): WorkerSource {
    return { module: MODULE, exportName: 'SlowDataset', args: [this.n, this.delayMs] };
  }
}

/** Kills its worker thread from inside `getItem` (an unexpected worker exit). */
export class ExitingDataset extends Dataset<number> {
  get length(): number {
    return 8;
  }
  getItem(i: number): number {
    if (i === 3) process.exit(3);
    return i;
  }
  override workerSource(): WorkerSource {
    return { module: MODULE, exportName: 'ExitingDataset', args: [] };
  }
}

/** Each sample reports the worker that loaded it and a draw from that worker's default generator. */
export class WorkerProbeDataset extends Dataset<{
  index: number;
  worker: number;
  seed: bigint;
  draw: Tensor;
}> {
  constructor(readonly n: number) {
    super();
  }
  get length(): number {
    return this.n;
  }
  getItem(i: number) {
    const info = getWorkerInfo();
    return { index: i, worker: info?.id ?? -1, seed: info?.seed ?? -1n, draw: rand(1) };
  }
  override workerSource(): WorkerSource {
    return { module: MODULE, exportName: 'WorkerProbeDataset', args: [this.n] };
  }
}

/**
 * The numbers `[start, end)`, split between workers with `getWorkerInfo()` (PyTorch's IterableDataset example),
 * optionally asynchronously.
 */
export class RangeStream extends IterableDataset<number> {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    super();
  }
  *[Symbol.iterator](): Iterator<number> {
    const info = getWorkerInfo();
    if (info === null) {
      for (let i = this.start; i < this.end; i++) yield i;
      return;
    }
    const perWorker = Math.ceil((this.end - this.start) / info.numWorkers);
    const from = this.start + info.id * perWorker;
    const to = Math.min(from + perWorker, this.end);
    for (let i = from; i < to; i++) yield i;
  }
  get length(): number {
    return this.end - this.start;
  }
  override workerSource(): WorkerSource {
    return { module: MODULE, exportName: 'RangeStream', args: [this.start, this.end] };
  }
}

/** An async stream of `n` numbers striped over workers (`i ≡ id mod numWorkers`). */
export class AsyncStripedStream extends IterableDataset<number> {
  constructor(readonly n: number) {
    super();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<number> {
    const info = getWorkerInfo();
    const [first, step] = info === null ? [0, 1] : [info.id, info.numWorkers];
    for (let i = first; i < this.n; i += step) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      yield i;
    }
  }
  override workerSource(): WorkerSource {
    return { module: MODULE, exportName: 'AsyncStripedStream', args: [this.n] };
  }
}

/** A collate function that runs in the workers: sums the samples. */
export const sumCollate = withWorkerSource(
  (batch: number[]) => ({ sum: batch.reduce((a, b) => a + b, 0), size: batch.length }),
  MODULE,
  'sumCollate',
);

/** A worker init function that reseeds the worker's generator with 1000 + id. */
export const reseedWorker = withWorkerSource(
  (workerId: number) => manualSeed(1000 + workerId),
  MODULE,
  'reseedWorker',
);
