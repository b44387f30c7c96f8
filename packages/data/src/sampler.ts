/**
 * Samplers: iterables of dataset indices (`SequentialSampler`, `RandomSampler`, `SubsetRandomSampler`,
 * `WeightedRandomSampler`) and `BatchSampler`, which groups them into lists. Random samplers draw exactly what
 * PyTorch's do (`randperm`, `randint` in chunks of 32, `multinomial`) from a `Generator`, so a seeded sampler
 * yields PyTorch's order.
 */
import {
  defaultGenerator,
  Generator,
  multinomial,
  randint,
  randperm,
  type Tensor,
  tensor,
  ValueError,
} from '@proj/tensor';
import { lengthOf } from './dataset.js';

/** Something with a length: what samplers sample from (`Sized`). */
export interface Sized {
  readonly length: number;
}

/**
 * Base class of samplers (`torch.utils.data.Sampler`): an iterable of indices (or of index lists for batch
 * samplers) with a `length`. Any iterable of indices works as a sampler; subclassing is optional.
 */
export abstract class Sampler<T = number> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
  /** Number of indices (or batches) one pass yields. */
  abstract get length(): number;
}

/** Integer tensor values as numbers (int64 tensors hold bigints). */
export function tensorToIndices(t: Tensor): number[] {
  const data = t.toTypedArray();
  return Array.from(data as ArrayLike<number | bigint>, Number);
}

/** `torch.utils.data.SequentialSampler`: `0, 1, ..., len - 1`. */
export class SequentialSampler extends Sampler<number> {
  constructor(
    /** The dataset sampled from. */
    readonly dataSource: Sized,
  ) {
    super();
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = lengthOf(this.dataSource);
    for (let i = 0; i < n; i++) yield i;
  }

  get length(): number {
    return lengthOf(this.dataSource);
  }
}

/** Options of `RandomSampler`. */
export interface RandomSamplerOptions {
  /** Draw with replacement (default false). */
  replacement?: boolean;
  /** Number of indices per pass (default: the dataset's length). */
  numSamples?: number;
  /** Source of randomness; by default a fresh generator seeded from the default generator on every pass. */
  generator?: Generator | null;
}

/**
 * `torch.utils.data.RandomSampler`: a random permutation (several, concatenated and cut, when `numSamples` exceeds
 * the length), or `numSamples` uniform draws with replacement. Without a generator each pass seeds a new one
 * from the default generator, as PyTorch does, so `manualSeed(s)` fixes the order.
 */
export class RandomSampler extends Sampler<number> {
  /** The dataset sampled from. */
  readonly dataSource: Sized;
  /** Whether indices are drawn with replacement. */
  readonly replacement: boolean;
  /** The generator, or null to seed a fresh one from the default generator on each pass. */
  generator: Generator | null;
  private readonly requestedSamples: number | undefined;

  constructor(dataSource: Sized, options: RandomSamplerOptions = {}) {
    super();
    this.dataSource = dataSource;
    this.replacement = options.replacement ?? false;
    this.requestedSamples = options.numSamples;
    this.generator = options.generator ?? null;
    if (typeof this.replacement !== 'boolean') {
      throw new TypeError(
        `replacement should be a boolean value, but got replacement=${String(this.replacement)}`,
      );
    }
    const numSamples = this.numSamples;
    if (!Number.isInteger(numSamples) || numSamples <= 0) {
      throw new ValueError(
        `num_samples should be a positive integer value, but got num_samples=${numSamples}`,
      );
    }
  }

  /** Indices per pass. */
  get numSamples(): number {
    return this.requestedSamples ?? lengthOf(this.dataSource);
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = lengthOf(this.dataSource);
    const generator = this.generator ?? new Generator().manualSeed(drawSeed(defaultGenerator));
    const numSamples = this.numSamples;
    if (this.replacement) {
      for (let i = 0; i < Math.floor(numSamples / 32); i++) {
        yield* tensorToIndices(randint(0, n, [32], { generator }));
      }
      yield* tensorToIndices(randint(0, n, [numSamples % 32], { generator }));
    } else {
      for (let i = 0; i < Math.floor(numSamples / n); i++) yield* tensorToIndices(randperm(n, { generator }));
      yield* tensorToIndices(randperm(n, { generator })).slice(0, numSamples % n);
    }
  }

  get length(): number {
    return this.numSamples;
  }
}

/**
 * One draw of `torch.empty((), dtype=torch.int64).random_(generator=g)`: a 64-bit draw reduced to [0, 2^63).
 * PyTorch seeds per-pass generators and DataLoader workers with it.
 */
export function drawSeed(generator: Generator): bigint {
  return generator.random64() & ((1n << 63n) - 1n);
}

/** `torch.utils.data.SubsetRandomSampler`: the given indices in random order (`randperm`), without replacement. */
export class SubsetRandomSampler extends Sampler<number> {
  constructor(
    /** The indices to permute. */
    readonly indices: readonly number[],
    /** Source of randomness (default: the default generator). */
    readonly generator: Generator | null = null,
  ) {
    super();
  }

  *[Symbol.iterator](): Iterator<number> {
    const order = tensorToIndices(
      randperm(this.indices.length, { generator: this.generator ?? defaultGenerator }),
    );
    for (const i of order) yield this.indices[i]!;
  }

  get length(): number {
    return this.indices.length;
  }
}

/** Options of `WeightedRandomSampler`. */
export interface WeightedRandomSamplerOptions {
  /** Draw with replacement (default true). */
  replacement?: boolean;
  /** Source of randomness (default: the default generator). */
  generator?: Generator | null;
}

/**
 * `torch.utils.data.WeightedRandomSampler`: `numSamples` indices in `[0, weights.length)` drawn with probabilities
 * proportional to `weights` (`torch.multinomial` on float64 weights).
 */
export class WeightedRandomSampler extends Sampler<number> {
  /** The weights, as a float64 tensor. */
  readonly weights: Tensor;
  /** Indices per pass. */
  readonly numSamples: number;
  /** Whether indices are drawn with replacement. */
  readonly replacement: boolean;
  /** Source of randomness (null: the default generator). */
  readonly generator: Generator | null;

  constructor(
    weights: readonly number[] | Tensor,
    numSamples: number,
    options: WeightedRandomSamplerOptions = {},
  ) {
    super();
    const replacement = options.replacement ?? true;
    if (typeof numSamples !== 'number' || !Number.isInteger(numSamples) || numSamples <= 0) {
      throw new ValueError(
        `num_samples should be a positive integer value, but got num_samples=${String(numSamples)}`,
      );
    }
    if (typeof replacement !== 'boolean') {
      throw new ValueError(
        `replacement should be a boolean value, but got replacement=${String(replacement)}`,
      );
    }
    const weightsTensor = Array.isArray(weights)
      ? tensor(weights as number[], { dtype: 'float64' })
      : (weights as Tensor).to('float64');
    if (weightsTensor.dim() !== 1) {
      const shape = weightsTensor.shape;
      throw new ValueError(
        `weights should be a 1d sequence but given weights have shape (${shape.join(', ')}${shape.length === 1 ? ',' : ''})`,
      );
    }
    this.weights = weightsTensor;
    this.numSamples = numSamples;
    this.replacement = replacement;
    this.generator = options.generator ?? null;
  }

  *[Symbol.iterator](): Iterator<number> {
    const drawn = multinomial(this.weights, this.numSamples, this.replacement, {
      generator: this.generator ?? defaultGenerator,
    });
    yield* tensorToIndices(drawn);
  }

  get length(): number {
    return this.numSamples;
  }
}

/**
 * `torch.utils.data.BatchSampler`: groups the indices of `sampler` into lists of `batchSize`; the last, shorter
 * list is kept unless `dropLast`.
 *
 * ```ts
 * [...new BatchSampler(new SequentialSampler(range10), 3, false)]   // [[0,1,2],[3,4,5],[6,7,8],[9]]
 * ```
 */
export class BatchSampler<T = number> extends Sampler<T[]> {
  constructor(
    /** The index sampler (any iterable of indices). */
    readonly sampler: Iterable<T>,
    /** Indices per batch. */
    readonly batchSize: number,
    /** Whether to drop the last batch when it is short. */
    readonly dropLast: boolean,
  ) {
    super();
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize <= 0) {
      throw new ValueError(
        `batch_size should be a positive integer value, but got batch_size=${String(batchSize)}`,
      );
    }
    if (typeof dropLast !== 'boolean') {
      throw new ValueError(`drop_last should be a boolean value, but got drop_last=${String(dropLast)}`);
    }
  }

  *[Symbol.iterator](): Iterator<T[]> {
    let batch: T[] = [];
    for (const index of this.sampler) {
      batch.push(index);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }

  get length(): number {
    const n = lengthOf(this.sampler);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}
