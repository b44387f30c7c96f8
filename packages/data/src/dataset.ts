/**
 * Datasets: map-style (`Dataset`: `getItem(i)` and `length`) and iterable (`IterableDataset`: a sync or async
 * stream), and the combinators of `torch.utils.data`: `TensorDataset`, `ConcatDataset`, `ChainDataset`, `Subset`,
 * `StackDataset`, `randomSplit`.
 *
 * Any array is also a map-style dataset (`new DataLoader([1, 2, 3])`), as a Python list is.
 *
 * Each class here rebuilds itself in DataLoader worker threads through `workerSource()` (see NOTE [Datasets in
 * workers] in `internal/module-ref.ts`); a user dataset gets the same ability by returning its own module URL,
 * export name and constructor arguments.
 */
import {
  defaultGenerator,
  type Generator,
  IndexError,
  randperm,
  type Tensor,
  ValueError,
} from '@proj/tensor';
import type { WorkerSource } from './internal/module-ref.js';
import { isPlainObject } from './internal/transfer.js';

const DATASET_MODULE = import.meta.url;

/**
 * A map-style dataset: `torch.utils.data.Dataset`. Subclasses implement `getItem(index)` and `length`, and — to be
 * loaded by worker threads — `workerSource()`.
 *
 * ```ts
 * export class Squares extends Dataset<number> {
 *   constructor(readonly n: number) { super(); }
 *   get length() { return this.n; }
 *   getItem(i: number) { return i * i; }
 *   override workerSource() { return { module: import.meta.url, exportName: 'Squares', args: [this.n] }; }
 * }
 * ```
 */
export abstract class Dataset<T = unknown> {
  /** The sample at `index` (`__getitem__`). May return a promise when the loader is iterated with `for await`. */
  abstract getItem(index: number): T;
  /** Number of samples (`__len__`). */
  abstract get length(): number;

  /**
   * Optional batched fetch (`__getitems__`): when present the loader calls it with a batch's indices instead of
   * calling `getItem` once per index.
   */
  getItems?(indices: readonly number[]): T[];

  /** How a worker thread rebuilds this dataset; `undefined` (the default) means it cannot be used with workers. */
  workerSource(): WorkerSource | undefined {
    return undefined;
  }

  /** `dataset + other` in PyTorch: the concatenation of the two datasets. */
  add<U>(other: MapDataset<U>): ConcatDataset<T | U> {
    return new ConcatDataset<T | U>([this as MapDataset<T | U>, other as MapDataset<T | U>]);
  }
}

/**
 * An iterable dataset: `torch.utils.data.IterableDataset`. Subclasses implement `[Symbol.iterator]` or
 * `[Symbol.asyncIterator]` (or both), and may define `length`. With workers each worker iterates its own copy, so
 * the dataset must split its stream using `getWorkerInfo()` to avoid duplicates (see the README).
 */
export abstract class IterableDataset<T = unknown> {
  /** Marks iterable datasets for checks that do not rely on `instanceof` (two copies of this package). */
  readonly isIterableDataset = true as const;

  /** How a worker thread rebuilds this dataset; `undefined` (the default) means it cannot be used with workers. */
  workerSource(): WorkerSource | undefined {
    return undefined;
  }

  /** `dataset + other` in PyTorch: a `ChainDataset` of the two. */
  add<U>(other: IterableDataset<U>): ChainDataset<T | U> {
    return new ChainDataset<T | U>([this, other]);
  }
}

/** What the loader and the combinators accept as a map-style dataset. */
export type MapDataset<T = unknown> = Dataset<T> | readonly T[];

/** Anything a DataLoader can load from. */
export type AnyDataset<T = unknown> = MapDataset<T> | IterableDataset<T>;

/** Whether `dataset` is iterable-style (an `IterableDataset`). */
export function isIterableDataset(dataset: unknown): dataset is IterableDataset {
  return (
    dataset instanceof IterableDataset ||
    (dataset !== null &&
      typeof dataset === 'object' &&
      (dataset as { isIterableDataset?: unknown }).isIterableDataset === true)
  );
}

/** Resolves a Python-style index (negative counts from the end) or throws `IndexError`. */
function pythonIndex(index: number, length: number, what: string): number {
  if (!Number.isInteger(index)) throw new TypeError(`${what} indices must be integers, not ${index}`);
  const resolved = index < 0 ? index + length : index;
  if (resolved < 0 || resolved >= length) throw new IndexError(`${what} index out of range`);
  return resolved;
}

/** `dataset[index]` for any map-style dataset. */
export function getItemOf<T>(dataset: MapDataset<T>, index: number): T {
  if (Array.isArray(dataset)) return dataset[pythonIndex(index, dataset.length, 'list')] as T;
  return (dataset as Dataset<T>).getItem(index);
}

/** `len(dataset)`, with PyTorch's TypeError for datasets without a length. */
export function lengthOf(dataset: unknown): number {
  const length = (dataset as { length?: unknown } | null)?.length;
  if (typeof length !== 'number') {
    throw new TypeError(
      `object of type '${(dataset as object)?.constructor?.name ?? typeof dataset}' has no len()`,
    );
  }
  return length;
}

/**
 * `torch.utils.data.TensorDataset`: sample `i` is `[t0[i], t1[i], ...]` (views) for tensors that share their first
 * dimension.
 */
export class TensorDataset extends Dataset<Tensor[]> {
  /** The wrapped tensors. */
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new ValueError('TensorDataset needs at least one tensor');
    const size = tensors[0]!.shape[0];
    if (!tensors.every((t) => t.dim() > 0 && t.shape[0] === size))
      throw new ValueError('Size mismatch between tensors');
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  getItem(index: number): Tensor[] {
    const i = pythonIndex(index, this.length, 'TensorDataset');
    return this.tensors.map((t) => t.select(0, i));
  }

  override workerSource(): WorkerSource {
    return { module: DATASET_MODULE, exportName: 'TensorDataset', args: this.tensors };
  }
}

/**
 * `torch.utils.data.ConcatDataset`: the datasets one after another. `cumulativeSizes[k]` is the total length of
 * the first `k + 1` datasets; negative indices count from the end.
 */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  /** The concatenated datasets. */
  readonly datasets: readonly MapDataset<T>[];
  /** Running totals of the datasets' lengths. */
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: Iterable<MapDataset<T>>) {
    super();
    this.datasets = [...datasets];
    if (this.datasets.length === 0) throw new ValueError('datasets should not be an empty iterable');
    for (const d of this.datasets) {
      if (isIterableDataset(d)) throw new ValueError('ConcatDataset does not support IterableDataset');
    }
    this.cumulativeSizes = ConcatDataset.cumsum(this.datasets);
  }

  /** Running totals of the lengths (`ConcatDataset.cumsum`). */
  static cumsum(datasets: readonly { length: number }[]): number[] {
    const sizes: number[] = [];
    let total = 0;
    for (const d of datasets) {
      total += lengthOf(d);
      sizes.push(total);
    }
    return sizes;
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }

  getItem(index: number): T {
    let idx = index;
    if (idx < 0) {
      if (-idx > this.length)
        throw new ValueError('absolute value of index should not exceed dataset length');
      idx += this.length;
    }
    if (!Number.isInteger(idx) || idx >= this.length) throw new IndexError('list index out of range');
    const datasetIndex = bisectRight(this.cumulativeSizes, idx);
    const sampleIndex = datasetIndex === 0 ? idx : idx - this.cumulativeSizes[datasetIndex - 1]!;
    return getItemOf(this.datasets[datasetIndex]!, sampleIndex);
  }

  override workerSource(): WorkerSource {
    return { module: DATASET_MODULE, exportName: 'ConcatDataset', args: [this.datasets] };
  }
}

/** Index of the first element greater than `value` in a sorted array (Python's `bisect.bisect_right`). */
function bisectRight(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value < sorted[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** `torch.utils.data.ChainDataset`: iterable datasets one after another, chained lazily. */
export class ChainDataset<T = unknown> extends IterableDataset<T> {
  /** The chained datasets. */
  readonly datasets: readonly IterableDataset<T>[];

  constructor(datasets: Iterable<IterableDataset<T>>) {
    super();
    this.datasets = [...datasets];
  }

  private check(d: unknown): void {
    if (!isIterableDataset(d)) throw new ValueError('ChainDataset only supports IterableDataset');
  }

  *[Symbol.iterator](): Iterator<T> {
    for (const d of this.datasets) {
      this.check(d);
      const iterate = (d as Partial<Iterable<T>>)[Symbol.iterator];
      if (typeof iterate !== 'function') {
        throw new TypeError(
          `${d.constructor.name} is only async-iterable; iterate the ChainDataset with for await`,
        );
      }
      yield* d as unknown as Iterable<T>;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const d of this.datasets) {
      this.check(d);
      yield* iterateAsync(d);
    }
  }

  get length(): number {
    let total = 0;
    for (const d of this.datasets) {
      this.check(d);
      total += lengthOf(d);
    }
    return total;
  }

  override workerSource(): WorkerSource {
    return { module: DATASET_MODULE, exportName: 'ChainDataset', args: [this.datasets] };
  }
}

/** Iterates an iterable dataset asynchronously, whichever protocol it implements. */
export function iterateAsync<T>(dataset: IterableDataset<T>): AsyncIterable<T> {
  const asyncIterate = (dataset as Partial<AsyncIterable<T>>)[Symbol.asyncIterator];
  if (typeof asyncIterate === 'function') return dataset as unknown as AsyncIterable<T>;
  const iterate = (dataset as Partial<Iterable<T>>)[Symbol.iterator];
  if (typeof iterate !== 'function') {
    throw new TypeError(
      `${dataset.constructor.name} implements neither [Symbol.iterator] nor [Symbol.asyncIterator]`,
    );
  }
  const sync = dataset as unknown as Iterable<T>;
  return {
    [Symbol.asyncIterator]: () => {
      const it = sync[Symbol.iterator]();
      return {
        next: async () => it.next(),
        return: async (value?: unknown) =>
          it.return ? it.return(value) : { done: true as const, value: undefined as T },
      };
    },
  };
}

/** Iterates an iterable dataset synchronously, or throws if it is only async-iterable. */
export function iterateSync<T>(dataset: IterableDataset<T>): Iterable<T> {
  const iterate = (dataset as Partial<Iterable<T>>)[Symbol.iterator];
  if (typeof iterate !== 'function') {
    throw new TypeError(
      `${dataset.constructor.name} is only async-iterable; iterate the DataLoader with for await (const batch of loader)`,
    );
  }
  return dataset as unknown as Iterable<T>;
}

/** `torch.utils.data.Subset`: the samples of `dataset` at `indices`. */
export class Subset<T = unknown> extends Dataset<T> {
  constructor(
    /** The whole dataset. */
    readonly dataset: MapDataset<T>,
    /** Indices into `dataset` selected for the subset. */
    readonly indices: readonly number[],
  ) {
    super();
  }

  get length(): number {
    return this.indices.length;
  }

  getItem(index: number): T {
    return getItemOf(this.dataset, this.indices[pythonIndex(index, this.indices.length, 'list')]!);
  }

  override getItems(indices: readonly number[]): T[] {
    const mapped = indices.map((i) => this.indices[pythonIndex(i, this.indices.length, 'list')]!);
    const inner = this.dataset as Dataset<T>;
    if (!Array.isArray(this.dataset) && typeof inner.getItems === 'function') return inner.getItems(mapped);
    return mapped.map((i) => getItemOf(this.dataset, i));
  }

  override workerSource(): WorkerSource {
    return { module: DATASET_MODULE, exportName: 'Subset', args: [this.dataset, this.indices] };
  }
}

/** The sample type of a `StackDataset` built from `datasets`. */
export type StackedSample<D> = { [K in keyof D]: D[K] extends MapDataset<infer T> ? T : never };

/**
 * `torch.utils.data.StackDataset`: zips datasets of equal length. Positional datasets give tuples
 * (`new StackDataset(images, labels)` → `[image, label]`), one object of named datasets gives objects
 * (`new StackDataset({ image: images, label: labels })` → `{ image, label }`).
 */
export class StackDataset<T = unknown> extends Dataset<T> {
  /** The stacked datasets: an array (tuple samples) or an object (named samples). */
  readonly datasets: readonly MapDataset[] | Readonly<Record<string, MapDataset>>;
  private readonly size: number;

  constructor(...datasets: MapDataset[]);
  constructor(datasets: Record<string, MapDataset>);
  constructor(...args: unknown[]) {
    super();
    const named = args.length === 1 && isPlainObject(args[0]);
    const list = named ? Object.values(args[0] as Record<string, MapDataset>) : (args as MapDataset[]);
    if (list.length === 0) throw new ValueError('At least one dataset should be passed');
    this.size = lengthOf(list[0]);
    if (list.some((d) => lengthOf(d) !== this.size)) throw new ValueError('Size mismatch between datasets');
    this.datasets = named ? (args[0] as Record<string, MapDataset>) : list;
  }

  get length(): number {
    return this.size;
  }

  getItem(index: number): T {
    if (Array.isArray(this.datasets)) return this.datasets.map((d) => getItemOf(d, index)) as T;
    const out: Record<string, unknown> = {};
    for (const [key, d] of Object.entries(this.datasets as Record<string, MapDataset>))
      out[key] = getItemOf(d, index);
    return out as T;
  }

  override workerSource(): WorkerSource {
    const args = Array.isArray(this.datasets) ? this.datasets : [this.datasets];
    return { module: DATASET_MODULE, exportName: 'StackDataset', args };
  }
}

/**
 * `torch.utils.data.random_split`: splits a dataset into non-overlapping `Subset`s of the given lengths, or of the
 * given fractions of its length (floors, then the remainder handed out one by one from the first split). The
 * permutation is `randperm(total, { generator })`, so a seeded generator gives PyTorch's split.
 */
export function randomSplit<T>(
  dataset: MapDataset<T>,
  lengths: readonly number[],
  generator: Generator = defaultGenerator,
): Subset<T>[] {
  const total = lengthOf(dataset);
  let sizes = [...lengths];
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) <= 1e-9 * Math.max(Math.abs(sum), 1) && sum <= 1) {
    sizes = lengths.map((fraction, i) => {
      if (fraction < 0 || fraction > 1) throw new ValueError(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(total * fraction);
    });
    const remainder = total - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
    sizes.forEach((size, i) => {
      if (size === 0)
        console.warn(`Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
  }
  if (
    sizes.some((size) => !Number.isInteger(size) || size < 0) ||
    sizes.reduce((a, b) => a + b, 0) !== total
  ) {
    throw new ValueError('Sum of input lengths does not equal the length of the input dataset!');
  }
  const permutation = Array.from(randperm(total, { generator }).toTypedArray() as BigInt64Array, Number);
  const subsets: Subset<T>[] = [];
  let offset = 0;
  for (const size of sizes) {
    subsets.push(new Subset(dataset, permutation.slice(offset, offset + size)));
    offset += size;
  }
  return subsets;
}
