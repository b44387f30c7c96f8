/**
 * @proj/data: `torch.utils.data` for TypeScript — datasets, samplers, a parallel and deterministic `DataLoader` on
 * worker threads, collation, and readers for JSON Lines, CSV, IDX and text files.
 *
 * ```ts
 * import { DataLoader, TensorDataset } from '@proj/data';
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true });
 * for await (const [xb, yb] of loader) { ... }
 * ```
 */
export {
  type Collated,
  type CollateFn,
  type CollateFnMap,
  collate,
  defaultCollate,
  defaultCollateFnMap,
  defaultConvert,
  pinMemory,
} from './collate.js';
export { DataLoader, type DataLoaderOptions } from './data-loader.js';
export {
  type AnyDataset,
  ChainDataset,
  ConcatDataset,
  Dataset,
  getItemOf,
  IterableDataset,
  isIterableDataset,
  lengthOf,
  type MapDataset,
  randomSplit,
  StackDataset,
  type StackedSample,
  Subset,
  TensorDataset,
} from './dataset.js';
export { DistributedSampler, type DistributedSamplerOptions } from './distributed.js';
export { type HasWorkerSource, type WorkerSource, withWorkerSource } from './internal/module-ref.js';
export * from './readers/index.js';
export { type Reiterable, RepeatingLoader } from './repeating-loader.js';
export {
  BatchSampler,
  RandomSampler,
  type RandomSamplerOptions,
  Sampler,
  SequentialSampler,
  type Sized,
  SubsetRandomSampler,
  WeightedRandomSampler,
  type WeightedRandomSamplerOptions,
} from './sampler.js';
export { getWorkerInfo, runWorker, type WorkerInfo } from './worker.js';
