import { readFileSync } from 'node:fs';
import { arange, Generator, manualSeed, type Tensor, ValueError } from '@proj/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchSampler,
  DataLoader,
  DistributedSampler,
  IterableDataset,
  RepeatingLoader,
  SequentialSampler,
  TensorDataset,
} from './index.js';
import { AsyncStripedStream, RangeStream } from './testing-fixtures/datasets.js';

const goldens = JSON.parse(readFileSync(new URL('../fixtures/samplers.json', import.meta.url), 'utf8'));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const values = (t: Tensor) => t.tolist() as number[];

describe('DataLoader (main thread)', () => {
  it('batches a map-style dataset in order, synchronously and asynchronously', async () => {
    const loader = new DataLoader(range(10), { batchSize: 4 });
    expect([...loader].map(values)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    const batches: number[][] = [];
    for await (const b of loader) batches.push(values(b));
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(loader.length).toBe(3);
    expect(new DataLoader(range(10), 4, { dropLast: true }).length).toBe(2);
  });

  it.each(goldens.loader_shuffle as any[])('shuffles as PyTorch does with a generator (n=$n)', (c) => {
    const loader = new DataLoader(range(c.n), {
      batchSize: c.batch_size,
      shuffle: true,
      generator: new Generator().manualSeed(c.seed),
      dropLast: c.drop_last,
    });
    expect([[...loader].map(values), [...loader].map(values)]).toEqual(c.epochs);
  });

  it('shuffles as PyTorch does with the default generator', () => {
    const c = goldens.loader_shuffle_default;
    manualSeed(c.seed);
    const loader = new DataLoader(range(c.n), { batchSize: c.batch_size, shuffle: true });
    expect([[...loader].map(values), [...loader].map(values)]).toEqual(c.epochs);
  });

  it('collates TensorDataset samples into [x, y] batches', () => {
    const x = arange(20, { dtype: 'float32' }).view(10, 2);
    const y = arange(10);
    const [xb, yb] = [...new DataLoader(new TensorDataset(x, y), { batchSize: 4 })][2]!;
    expect(xb!.shape).toEqual([2, 2]);
    expect(values(yb!)).toEqual([8, 9]);
  });

  it('takes batchSampler, sampler, collateFn and batchSize null', () => {
    const bs = new DataLoader(range(5), {
      batchSampler: new BatchSampler(new SequentialSampler(range(5)), 2, true),
    });
    expect([...bs].map(values)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    const sampled = new DataLoader(range(5), { sampler: [4, 0], batchSize: 1 });
    expect([...sampled].map(values)).toEqual([[4], [0]]);
    const custom = new DataLoader(range(5), { batchSize: 2, collateFn: (b: number[]) => b.join('+') });
    expect([...custom]).toEqual(['0+1', '2+3', '4']);
    expect([...new DataLoader(['a', 'b'], { batchSize: null })]).toEqual(['a', 'b']);
  });

  it('iterates iterable datasets, sync and async, with dropLast', async () => {
    expect([...new DataLoader(new RangeStream(3, 10), { batchSize: 3 })].map(values)).toEqual([
      [3, 4, 5],
      [6, 7, 8],
      [9],
    ]);
    const loader = new DataLoader(new AsyncStripedStream(5), { batchSize: 2, dropLast: true });
    const out: number[][] = [];
    for await (const b of loader) out.push(values(b));
    expect(out).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(() => [...loader]).toThrow('only async-iterable');
  });

  it('awaits samples that are promises in async iteration', async () => {
    const lazy = range(3).map((i) => Promise.resolve(i));
    const out: number[][] = [];
    for await (const b of new DataLoader(lazy, { batchSize: 2 })) out.push(values(b as unknown as Tensor));
    expect(out).toEqual([[0, 1], [2]]);
    expect(() => [...new DataLoader(lazy, { batchSize: 2 })]).toThrow('the dataset returned a Promise');
  });

  it('rejects conflicting options with PyTorch messages', () => {
    const stream = new RangeStream(0, 3);
    const cases: [() => unknown, string][] = [
      [
        () => new DataLoader(range(3), { numWorkers: -1 }),
        'num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.',
      ],
      [() => new DataLoader(range(3), { timeout: -1 }), 'timeout option should be non-negative'],
      [
        () => new DataLoader(range(3), { prefetchFactor: 4 }),
        'prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing.',
      ],
      [
        () => new DataLoader(range(3), { persistentWorkers: true }),
        'persistent_workers option needs num_workers > 0',
      ],
      [
        () => new DataLoader(stream, { shuffle: true }),
        'DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true',
      ],
      [
        () => new DataLoader(stream, { sampler: [0] }),
        'DataLoader with IterableDataset: expected unspecified sampler option',
      ],
      [
        () => new DataLoader(stream, { batchSampler: [[0]] }),
        'DataLoader with IterableDataset: expected unspecified batch_sampler option',
      ],
      [
        () => new DataLoader(range(3), { sampler: [0], shuffle: true }),
        'sampler option is mutually exclusive with shuffle',
      ],
      [
        () => new DataLoader(range(3), { batchSampler: [[0]], batchSize: 2 }),
        'batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last',
      ],
      [
        () => new DataLoader(range(3), { batchSize: null, dropLast: true }),
        'batch_size=None option disables auto-batching and is mutually exclusive with drop_last',
      ],
    ];
    for (const [make, message] of cases) {
      expect(make).toThrow(ValueError);
      expect(make).toThrow(message);
    }
  });

  it('rejects workers for datasets that cannot be rebuilt in a worker', () => {
    class Local extends IterableDataset<number> {
      *[Symbol.iterator]() {
        yield 1;
      }
    }
    expect(() => new DataLoader(new Local(), { numWorkers: 2 })).toThrow('Local has no workerSource()');
    expect(() => new DataLoader(range(3), { numWorkers: 1, workerInitFn: () => {} })).toThrow(
      'withWorkerSource',
    );
  });

  it('has no length for an iterable dataset without one', () => {
    class NoLength extends IterableDataset<number> {
      *[Symbol.iterator]() {
        yield 1;
      }
    }
    expect(() => new DataLoader(new NoLength()).length).toThrow("object of type 'NoLength' has no len()");
  });
});

describe('RepeatingLoader', () => {
  it('repeats forever, reshuffling every pass', () => {
    const loader = new DataLoader(range(4), {
      batchSize: 4,
      shuffle: true,
      generator: new Generator().manualSeed(0),
    });
    const repeating = new RepeatingLoader(loader);
    const passes: number[][] = [];
    for (const batch of repeating) {
      passes.push(values(batch));
      if (passes.length === 6) break;
    }
    expect(passes.every((p) => [...p].sort().join() === '0,1,2,3')).toBe(true);
    expect(new Set(passes.map((p) => p.join())).size).toBeGreaterThan(1);
    expect(repeating.epoch).toBe(5);
  });

  it('sets the epoch of a DistributedSampler each pass, asynchronously', async () => {
    const sampler = new DistributedSampler(range(8), { numReplicas: 2, rank: 0 });
    const repeating = new RepeatingLoader(new DataLoader(range(8), { sampler, batchSize: 4 }));
    const epochs: number[] = [];
    for await (const _ of repeating) {
      epochs.push(sampler.epoch);
      if (epochs.length === 3) break;
    }
    expect(epochs).toEqual([0, 1, 2]);
  });

  it('fails instead of spinning on an empty loader', () => {
    expect(() => {
      for (const _ of new RepeatingLoader(new DataLoader([] as number[]))) break;
    }).toThrow('yielded no batches');
  });
});
