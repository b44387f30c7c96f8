/**
 * The worker side of the DataLoader: `getWorkerInfo()` for datasets, and `runWorker()`, the loop each worker thread
 * runs (`torch/utils/data/_utils/worker.py`): rebuild the dataset, seed, run `workerInitFn`, then answer fetch
 * requests in order, sending batches back with their tensor buffers transferred.
 */
import { manualSeed } from '@proj/tensor';
import { defaultCollate, defaultConvert } from './collate.js';
import { type IterableDataset, isIterableDataset, type MapDataset } from './dataset.js';
import { type CollateCall, fetchMapAsync, IterableFetcher, STOP } from './internal/fetch.js';
import { buildFromSource, type EncodedSource, importFromSource } from './internal/module-ref.js';
import { parentChannel } from './internal/threads.js';
import { encodeForTransfer } from './internal/transfer.js';

/** What `getWorkerInfo()` returns inside a DataLoader worker (`torch.utils.data.get_worker_info()`). */
export interface WorkerInfo {
  /** This worker's index in `[0, numWorkers)`. */
  readonly id: number;
  /** Number of workers of the loader. */
  readonly numWorkers: number;
  /** The seed of this worker's default generator: the loader's base seed plus `id` (as in PyTorch). */
  readonly seed: bigint;
  /** This worker's own copy of the dataset. */
  readonly dataset: unknown;
}

const WORKER_INFO_KEY = Symbol.for('@proj/data.workerInfo');
const globalState = globalThis as unknown as Record<symbol, WorkerInfo | null | undefined>;

/**
 * Information about the current DataLoader worker, or `null` on the main thread. An `IterableDataset` uses it to
 * give each worker a disjoint share of its stream:
 *
 * ```ts
 * *[Symbol.iterator]() {
 *   const info = getWorkerInfo();
 *   const [start, step] = info === null ? [0, 1] : [info.id, info.numWorkers];
 *   for (let i = start; i < this.n; i += step) yield i;
 * }
 * ```
 */
export function getWorkerInfo(): WorkerInfo | null {
  return globalState[WORKER_INFO_KEY] ?? null;
}

/** How the worker collates: the default functions, a function it imports, or not at all (main thread collates). */
export type WorkerCollate = 'default' | 'convert' | 'main' | { source: EncodedSource };

/** The first message a worker receives. */
export interface WorkerInit {
  type: 'init';
  workerId: number;
  numWorkers: number;
  /** The loader's base seed; the worker seeds with `seed + workerId`. */
  seed: bigint;
  /** Either a source to build the dataset from, or the dataset itself (arrays travel by value). */
  dataset: { source: EncodedSource } | { value: unknown };
  iterable: boolean;
  /** Batch size, or null when automatic batching is off. */
  batchSize: number | null;
  dropLast: boolean;
  collate: WorkerCollate;
  workerInitFn: EncodedSource | null;
}

/** Messages the main thread sends after `init`. */
export type WorkerRequest =
  | WorkerInit
  | { type: 'fetch'; epoch: number; taskId: number; index: number | number[] | null }
  | { type: 'reset'; epoch: number };

/** A serialised error: enough to rebuild it, message and stack included, on the main thread. */
export interface SerializedError {
  name: string;
  message: string;
  stack: string;
}

/** Messages a worker sends. */
export type WorkerReply =
  | { type: 'ready'; epoch?: undefined; taskId?: undefined }
  | { type: 'data'; epoch: number; taskId: number; value: unknown; storages: ArrayBufferView[] }
  | { type: 'stop'; epoch: number; taskId: number }
  | { type: 'error'; epoch: number; taskId: number; error: SerializedError };

function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      stack: error.stack ?? `${error.name}: ${error.message}`,
    };
  }
  return { name: 'Error', message: String(error), stack: String(error) };
}

/**
 * The loop of a DataLoader worker thread; started by the loader's bootstrap, not called by users. Requests are
 * handled strictly in arrival order, which is what lets the main thread restore the sampler's order.
 */
export async function runWorker(): Promise<void> {
  const channel = await parentChannel();
  let init: WorkerInit | null = null;
  let dataset: unknown;
  let collate: CollateCall = (x) => x;
  let fetcher: IterableFetcher | null = null;
  let setupError: unknown = null;
  let queue: Promise<void> = Promise.resolve();

  const setup = async (message: WorkerInit): Promise<void> => {
    init = message;
    dataset =
      'source' in message.dataset ? await buildFromSource(message.dataset.source) : message.dataset.value;
    globalState[WORKER_INFO_KEY] = Object.freeze({
      id: message.workerId,
      numWorkers: message.numWorkers,
      seed: message.seed + BigInt(message.workerId),
      dataset,
    });
    manualSeed(message.seed + BigInt(message.workerId));
    if (message.collate === 'default') collate = defaultCollate as CollateCall;
    else if (message.collate === 'convert') collate = defaultConvert;
    else if (message.collate !== 'main')
      collate = (await importFromSource(message.collate.source)) as CollateCall;
    if (message.workerInitFn !== null) await (await importFromSource(message.workerInitFn))(message.workerId);
    if (message.iterable) {
      if (!isIterableDataset(dataset)) throw new TypeError('the rebuilt dataset is not an IterableDataset');
      fetcher = new IterableFetcher(dataset as IterableDataset, 'async', collate, message.dropLast);
    }
  };

  const handle = async (request: WorkerRequest): Promise<void> => {
    if (request.type === 'init') {
      try {
        await setup(request);
      } catch (error) {
        setupError = error;
      }
      channel.post({ type: 'ready' } satisfies WorkerReply);
      return;
    }
    if (request.type === 'reset') {
      if (fetcher !== null) {
        await fetcher.close();
        fetcher = new IterableFetcher(dataset as IterableDataset, 'async', collate, init!.dropLast);
      }
      return;
    }
    const { epoch, taskId } = request;
    try {
      if (setupError !== null) throw setupError;
      let data: unknown;
      if (fetcher !== null) data = await fetcher.fetchAsync(init!.batchSize);
      else data = await fetchMapAsync(dataset as MapDataset, request.index as number | number[], collate);
      if (data === STOP) {
        channel.post({ type: 'stop', epoch, taskId } satisfies WorkerReply);
        return;
      }
      const encoded = encodeForTransfer(data);
      channel.post(
        {
          type: 'data',
          epoch,
          taskId,
          value: encoded.value,
          storages: encoded.storages,
        } satisfies WorkerReply,
        encoded.transfer,
      );
    } catch (error) {
      channel.post({ type: 'error', epoch, taskId, error: serializeError(error) } satisfies WorkerReply);
    }
  };

  channel.onMessage((data) => {
    queue = queue.then(() => handle(data as WorkerRequest));
  });
}
