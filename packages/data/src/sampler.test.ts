import { readFileSync } from 'node:fs';
import { Generator, manualSeed, ValueError } from '@proj/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchSampler,
  DistributedSampler,
  RandomSampler,
  SequentialSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
} from './index.js';

const goldens = JSON.parse(readFileSync(new URL('../fixtures/samplers.json', import.meta.url), 'utf8'));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('SequentialSampler', () => {
  it('yields 0..n-1', () => {
    const sampler = new SequentialSampler(range(5));
    expect([...sampler]).toEqual([0, 1, 2, 3, 4]);
    expect(sampler.length).toBe(5);
  });
});

describe('RandomSampler', () => {
  it.each(goldens.random_sampler as any[])(
    'matches PyTorch: n=$n replacement=$replacement numSamples=$num_samples',
    (c) => {
      const sampler = new RandomSampler(range(c.n), {
        replacement: c.replacement,
        numSamples: c.num_samples ?? undefined,
        generator: new Generator().manualSeed(c.seed),
      });
      expect([[...sampler], [...sampler]]).toEqual(c.passes);
      expect(sampler.length).toBe(c.num_samples ?? c.n);
    },
  );

  it.each(goldens.random_sampler_default as any[])(
    'seeds each pass from the default generator (n=$n)',
    (c) => {
      manualSeed(c.seed);
      const sampler = new RandomSampler(range(c.n));
      expect([[...sampler], [...sampler]]).toEqual(c.passes);
    },
  );

  it('rejects bad options with PyTorch messages', () => {
    expect(() => new RandomSampler(range(3), { numSamples: 0 })).toThrow(
      new ValueError('num_samples should be a positive integer value, but got num_samples=0'),
    );
    expect(() => new RandomSampler(range(3), { replacement: 1 as never })).toThrow(
      'replacement should be a boolean value, but got replacement=1',
    );
  });
});

describe('SubsetRandomSampler', () => {
  it.each(goldens.subset_random_sampler as any[])('matches PyTorch (seed $seed)', (c) => {
    const sampler = new SubsetRandomSampler(c.indices, new Generator().manualSeed(c.seed));
    expect([...sampler]).toEqual(c.order);
    expect(sampler.length).toBe(c.indices.length);
  });
});

describe('WeightedRandomSampler', () => {
  it.each(goldens.weighted_random_sampler as any[])(
    'matches PyTorch (seed $seed, replacement $replacement)',
    (c) => {
      const sampler = new WeightedRandomSampler(c.weights, c.num_samples, {
        replacement: c.replacement,
        generator: new Generator().manualSeed(c.seed),
      });
      expect([...sampler]).toEqual(c.order);
    },
  );

  it('draws indices with frequencies proportional to the weights', () => {
    const weights = [1, 2, 3, 4, 0];
    const n = 50_000;
    const sampler = new WeightedRandomSampler(weights, n, { generator: new Generator().manualSeed(7) });
    const counts = new Array(weights.length).fill(0);
    for (const i of sampler) counts[i]++;
    expect(counts[4]).toBe(0);
    const total = weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < 4; i++) {
      const p = weights[i]! / total;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(counts[i] - n * p)).toBeLessThan(5 * sd);
    }
  });

  it('without replacement never repeats an index', () => {
    const sampler = new WeightedRandomSampler([5, 1, 1, 1, 1, 1], 6, { replacement: false });
    expect([...sampler].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('validates its arguments', () => {
    expect(() => new WeightedRandomSampler([1, 2], 0)).toThrow(
      'num_samples should be a positive integer value, but got num_samples=0',
    );
    expect(() => new WeightedRandomSampler([[1, 2]] as never, 2)).toThrow(
      'weights should be a 1d sequence but given weights have shape (1, 2)',
    );
  });
});

describe('BatchSampler', () => {
  it.each(goldens.batch_sampler as any[])(
    'matches PyTorch: n=$n batchSize=$batch_size dropLast=$drop_last',
    (c) => {
      const sampler = new BatchSampler(new SequentialSampler(range(c.n)), c.batch_size, c.drop_last);
      expect([...sampler]).toEqual(c.batches);
      expect(sampler.length).toBe(c.length);
    },
  );

  it('validates batchSize and dropLast', () => {
    expect(() => new BatchSampler([], 0, false)).toThrow(
      'batch_size should be a positive integer value, but got batch_size=0',
    );
    expect(() => new BatchSampler([], 2, 'yes' as never)).toThrow(
      'drop_last should be a boolean value, but got drop_last=yes',
    );
  });
});

describe('DistributedSampler', () => {
  it.each(goldens.distributed_sampler as any[])(
    'matches PyTorch: n=$n replicas=$replicas shuffle=$shuffle epoch=$epoch dropLast=$drop_last',
    (c) => {
      const ranks = range(c.replicas).map((rank) => {
        const sampler = new DistributedSampler(range(c.n), {
          numReplicas: c.replicas,
          rank,
          shuffle: c.shuffle,
          seed: c.seed,
          dropLast: c.drop_last,
        });
        sampler.setEpoch(c.epoch);
        expect(sampler.length).toBe(c.length);
        return [...sampler];
      });
      expect(ranks).toEqual(c.ranks);
    },
  );

  it('requires numReplicas and rank, and checks the rank', () => {
    expect(() => new DistributedSampler(range(4))).toThrow('Requires distributed package to be available');
    expect(() => new DistributedSampler(range(4), { numReplicas: 2, rank: 2 })).toThrow(
      'Invalid rank 2, rank should be in the interval [0, 1]',
    );
  });
});
