/**
 * `DistributedSampler`: each of `numReplicas` processes (ranks) loads its own share of the dataset. The shares have
 * equal length: without `dropLast` the index list is padded by repeating its start, with `dropLast` its tail is cut.
 */
import { Generator, RuntimeError, randperm, ValueError } from '@proj/tensor';
import { lengthOf } from './dataset.js';
import { Sampler, type Sized, tensorToIndices } from './sampler.js';

/** Options of `DistributedSampler`. */
export interface DistributedSamplerOptions {
  /** Number of processes (required: there is no process group to ask). */
  numReplicas?: number;
  /** This process's rank in `[0, numReplicas)` (required). */
  rank?: number;
  /** Shuffle with `randperm` seeded by `seed + epoch` (default true). */
  shuffle?: boolean;
  /** Seed shared by all ranks (default 0). */
  seed?: number;
  /** Cut the tail so the length divides evenly instead of padding (default false). */
  dropLast?: boolean;
}

/**
 * `torch.utils.data.distributed.DistributedSampler`. Call `setEpoch(epoch)` before each epoch so every rank
 * shuffles the same new way.
 *
 * ```ts
 * const sampler = new DistributedSampler(dataset, { numReplicas: 4, rank: 1 });
 * for (let epoch = 0; epoch < epochs; epoch++) { sampler.setEpoch(epoch); for await (const b of loader) {...} }
 * ```
 */
export class DistributedSampler extends Sampler<number> {
  /** The dataset sampled from. */
  readonly dataset: Sized;
  /** Number of processes. */
  readonly numReplicas: number;
  /** This process's rank. */
  readonly rank: number;
  /** Whether indices are shuffled. */
  readonly shuffle: boolean;
  /** Seed shared by all ranks. */
  readonly seed: number;
  /** Whether the tail is dropped instead of padded. */
  readonly dropLast: boolean;
  /** The epoch set by `setEpoch`, added to the seed. */
  epoch = 0;
  /** Indices per rank. */
  readonly numSamples: number;
  /** Indices over all ranks (`numSamples * numReplicas`). */
  readonly totalSize: number;

  constructor(dataset: Sized, options: DistributedSamplerOptions = {}) {
    super();
    const { numReplicas, rank } = options;
    if (numReplicas === undefined || rank === undefined) {
      throw new RuntimeError('Requires distributed package to be available');
    }
    if (!Number.isInteger(numReplicas) || numReplicas <= 0) {
      throw new ValueError(
        `num_replicas should be a positive integer value, but got num_replicas=${numReplicas}`,
      );
    }
    if (rank >= numReplicas || rank < 0 || !Number.isInteger(rank)) {
      throw new ValueError(`Invalid rank ${rank}, rank should be in the interval [0, ${numReplicas - 1}]`);
    }
    this.dataset = dataset;
    this.numReplicas = numReplicas;
    this.rank = rank;
    this.shuffle = options.shuffle ?? true;
    this.seed = options.seed ?? 0;
    this.dropLast = options.dropLast ?? false;
    const n = lengthOf(dataset);
    this.numSamples =
      this.dropLast && n % numReplicas !== 0
        ? Math.ceil((n - numReplicas) / numReplicas)
        : Math.ceil(n / numReplicas);
    this.totalSize = this.numSamples * numReplicas;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = lengthOf(this.dataset);
    let indices: number[];
    if (this.shuffle) {
      const generator = new Generator().manualSeed(this.seed + this.epoch);
      indices = tensorToIndices(randperm(n, { generator }));
    } else {
      indices = Array.from({ length: n }, (_, i) => i);
    }
    if (!this.dropLast) {
      const paddingSize = this.totalSize - indices.length;
      if (paddingSize <= indices.length) indices = indices.concat(indices.slice(0, paddingSize));
      else {
        const repeats = Math.ceil(paddingSize / indices.length);
        const padding: number[] = [];
        for (let r = 0; r < repeats; r++) padding.push(...indices);
        indices = indices.concat(padding.slice(0, paddingSize));
      }
    } else {
      indices = indices.slice(0, this.totalSize);
    }
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) yield indices[i]!;
  }

  get length(): number {
    return this.numSamples;
  }

  /** Sets the epoch, so that the next pass shuffles with `seed + epoch`. */
  setEpoch(epoch: number): void {
    this.epoch = epoch;
  }
}
