/**
 * DataLoader with worker threads. The datasets come from `testing-fixtures/datasets.ts`, which each worker imports
 * (transpiled by the loader's TypeScript hooks, since vitest does not reach into worker threads).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { arange, Generator, type Tensor } from '@proj/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader, getWorkerInfo, TensorDataset } from './index.js';
import { SOURCE_HOOKS } from './internal/source-hooks.js';
import {
  AsyncStripedStream,
  ExitingDataset,
  FailingDataset,
  RangeDataset,
  RangeStream,
  reseedWorker,
  SlowDataset,
  sumCollate,
  WorkerProbeDataset,
} from './testing-fixtures/datasets.js';

const goldens = JSON.parse(readFileSync(new URL('../fixtures/samplers.json', import.meta.url), 'utf8'));
const values = (t: Tensor) => (t.tolist() as number[]).map(Number);

/** Threads of this process (Linux), to check that workers are gone. */
function threadCount(): number {
  return Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
}

async function settleThreads(baseline: number): Promise<number> {
  for (let i = 0; i < 100 && threadCount() > baseline; i++) await new Promise((r) => setTimeout(r, 50));
  return threadCount();
}

describe('DataLoader with workers', () => {
  it.each([0, 1, 2])(
    'delivers every sample exactly once per epoch, in sampler order, with %i workers',
    async (numWorkers) => {
      const loader = new DataLoader(new RangeDataset(23), {
        batchSize: 4,
        shuffle: true,
        numWorkers,
        generator: new Generator().manualSeed(3),
      });
      const epochs: number[][] = [];
      for (let epoch = 0; epoch < 2; epoch++) {
        const seen: number[] = [];
        for await (const batch of loader) {
          const b = batch as unknown as { index: Tensor; value: Tensor };
          expect(b.value.shape).toEqual([b.index.shape[0]!, 2]);
          expect(values(b.value.select(1, 1))).toEqual(values(b.index).map((i) => 2 * i));
          seen.push(...values(b.index));
        }
        expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
        epochs.push(seen);
      }
      // Same order for every worker count: compare with the main-thread order.
      const reference = new DataLoader(new RangeDataset(23), {
        batchSize: 4,
        shuffle: true,
        generator: new Generator().manualSeed(3),
      });
      const expected = [0, 1].map(() =>
        [...reference].flatMap((b) => values((b as unknown as { index: Tensor }).index)),
      );
      expect(epochs).toEqual(expected);
    },
  );

  it('gives the PyTorch shuffle order with 2 workers', async () => {
    const c = goldens.loader_shuffle[0];
    const loader = new DataLoader(
      Array.from({ length: c.n }, (_, i) => i),
      {
        batchSize: c.batch_size,
        shuffle: true,
        numWorkers: 2,
        generator: new Generator().manualSeed(c.seed),
      },
    );
    const epochs: number[][][] = [];
    for (let e = 0; e < 2; e++) {
      const batches: number[][] = [];
      for await (const b of loader) batches.push(values(b));
      epochs.push(batches);
    }
    expect(epochs).toEqual(c.epochs);
  });

  it('seeds each worker with baseSeed + id as PyTorch does, and exposes getWorkerInfo()', async () => {
    const g = goldens.worker_seeds;
    const loader = new DataLoader(new WorkerProbeDataset(8), {
      batchSize: null,
      numWorkers: 2,
      generator: new Generator().manualSeed(g.generator_seed),
    });
    const samples: { index: number; worker: number; seed: string; draw: number }[] = [];
    for await (const s of loader) {
      const sample = s as unknown as { index: number; worker: number; seed: bigint; draw: Tensor };
      samples.push({
        index: sample.index,
        worker: sample.worker,
        seed: String(sample.seed),
        draw: sample.draw.item() as number,
      });
    }
    expect(samples.map((s) => [s.index, s.worker, s.seed])).toEqual(
      g.samples.map((s: any) => [s.index, s.worker, s.seed]),
    );
    samples.forEach((s, i) => {
      expect(s.draw).toBeCloseTo(g.samples[i].draw, 6);
    });
    expect(getWorkerInfo()).toBeNull();
  });

  it('runs workerInitFn after seeding', async () => {
    const loader = new DataLoader(new WorkerProbeDataset(2), {
      batchSize: null,
      numWorkers: 2,
      workerInitFn: reseedWorker,
    });
    const draws: number[] = [];
    for await (const s of loader) draws.push((s as unknown as { draw: Tensor }).draw.item() as number);
    const { manualSeed, rand } = await import('@proj/tensor');
    const expected = [1000, 1001].map((seed) => {
      manualSeed(seed);
      return rand(1).item() as number;
    });
    expect(draws).toEqual(expected);
  });

  it('shards an IterableDataset with getWorkerInfo so nothing is duplicated or lost', async () => {
    for (const numWorkers of [1, 2, 3]) {
      const seen: number[] = [];
      for await (const b of new DataLoader(new RangeStream(3, 20), { batchSize: 4, numWorkers }))
        seen.push(...values(b));
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 17 }, (_, i) => i + 3));
    }
    // Async streams, PyTorch's round-robin order over workers' batches.
    const order: number[][] = [];
    for await (const b of new DataLoader(new AsyncStripedStream(10), { batchSize: 2, numWorkers: 2 }))
      order.push(values(b));
    expect(order).toEqual([[0, 2], [1, 3], [4, 6], [5, 7], [8], [9]]);
  });

  it('collates in the workers with a tagged collateFn, on the main thread otherwise', async () => {
    const inWorkers: unknown[] = [];
    for await (const b of new DataLoader(
      Array.from({ length: 5 }, (_, i) => i),
      { batchSize: 2, numWorkers: 2, collateFn: sumCollate },
    )) {
      inWorkers.push(b);
    }
    expect(inWorkers).toEqual([
      { sum: 1, size: 2 },
      { sum: 5, size: 2 },
      { sum: 4, size: 1 },
    ]);
    const onMain: unknown[] = [];
    const local = (batch: number[]) => batch.map((x) => x * 10);
    for await (const b of new DataLoader([1, 2, 3], { batchSize: 2, numWorkers: 1, collateFn: local }))
      onMain.push(b);
    expect(onMain).toEqual([[10, 20], [30]]);
  });

  it('transfers batch buffers and rebuilds TensorDataset in workers', async () => {
    const x = arange(40, { dtype: 'float32' }).view(20, 2);
    const y = arange(20);
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 8, numWorkers: 2 });
    const ys: number[] = [];
    for await (const [xb, yb] of loader) {
      expect(xb!.dtype).toBe('float32');
      expect(yb!.dtype).toBe('int64');
      expect(values(xb!.select(1, 0))).toEqual(values(yb!).map((i) => 2 * i));
      ys.push(...values(yb!));
    }
    expect(ys).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('raises a worker error in the main loop with the original type, message and stack', async () => {
    const loader = new DataLoader(new FailingDataset(10, 5), { batchSize: 2, numWorkers: 2 });
    const seen: number[] = [];
    let caught: unknown;
    try {
      for await (const b of loader) seen.push(...values(b));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TypeError);
    const message = (caught as Error).message;
    expect(message).toContain('Caught TypeError in DataLoader worker process 0.');
    expect(message).toContain('sample 5 is corrupt');
    expect(message).toContain('throwDeep');
    expect(((caught as Error).cause as Error).stack).toContain('datasets.ts');
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('reports a worker that exits unexpectedly', async () => {
    const loader = new DataLoader(new ExitingDataset(), { batchSize: 1, numWorkers: 2 });
    await expect(async () => {
      for await (const _ of loader) {
        // consume
      }
    }).rejects.toThrow(/exited unexpectedly/);
  });

  it('honours timeout', async () => {
    const loader = new DataLoader(new SlowDataset(4, 1500), { batchSize: 1, numWorkers: 1, timeout: 0.2 });
    const start = Date.now();
    await expect(async () => {
      for await (const _ of loader) {
        // consume
      }
    }).rejects.toThrow('DataLoader timed out after 0.2 seconds');
    expect(Date.now() - start).toBeLessThan(15_000);
  });

  it('shuts its workers down when iteration stops early, at the end, and after errors', async () => {
    const baseline = threadCount();
    const loader = new DataLoader(new RangeDataset(100), { batchSize: 2, numWorkers: 2 });
    const iterator = loader[Symbol.asyncIterator]() as AsyncIterator<unknown> & { threadIds: number[] };
    await iterator.next();
    expect(iterator.threadIds).toHaveLength(2);
    expect(threadCount()).toBeGreaterThan(baseline);
    await iterator.return!();
    expect(iterator.threadIds).toHaveLength(0);
    expect(await settleThreads(baseline)).toBeLessThanOrEqual(baseline);

    for await (const _ of loader) break;
    expect(await settleThreads(baseline)).toBeLessThanOrEqual(baseline);

    for await (const _ of new DataLoader(new RangeDataset(3), { numWorkers: 2 })) {
      // run to the end
    }
    expect(await settleThreads(baseline)).toBeLessThanOrEqual(baseline);

    await expect(async () => {
      for await (const _ of new DataLoader(new FailingDataset(4, 0), { numWorkers: 2 })) {
        // fails on the first batch
      }
    }).rejects.toThrow(TypeError);
    expect(await settleThreads(baseline)).toBeLessThanOrEqual(baseline);
  });

  it('keeps persistent workers between epochs and shuts them down on request', async () => {
    const baseline = threadCount();
    const loader = new DataLoader(new WorkerProbeDataset(6), {
      batchSize: 3,
      numWorkers: 2,
      persistentWorkers: true,
    });
    const seenWorkers: number[][] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      const workers: number[] = [];
      let index = 0;
      for await (const b of loader) {
        workers.push(...values((b as unknown as { worker: Tensor }).worker));
        if (epoch === 1 && ++index === 1) break;
      }
      seenWorkers.push(workers);
    }
    expect(seenWorkers).toEqual([
      [0, 0, 0, 1, 1, 1],
      [0, 0, 0],
      [0, 0, 0, 1, 1, 1],
    ]);
    expect(threadCount()).toBeGreaterThan(baseline);
    await loader.shutdown();
    expect(await settleThreads(baseline)).toBeLessThanOrEqual(baseline);
  });

  it.each(['', '--persistent'])(
    'lets the process exit when iteration is abandoned without break %s',
    (flag) => {
      const typescript = pathToFileURL(createRequire(import.meta.url).resolve('typescript')).href;
      const hooks = `data:text/javascript,${encodeURIComponent(SOURCE_HOOKS)}`;
      const script = new URL('./testing-fixtures/abandon.ts', import.meta.url).href;
      const code = `import { register } from 'node:module';
register(${JSON.stringify(hooks)}, { data: { typescript: ${JSON.stringify(typescript)} } });
await import(${JSON.stringify(script)});`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', code, '--', flag], {
        cwd: fileURLToPath(new URL('.', import.meta.url)),
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(child.error).toBeUndefined();
      expect(child.stderr).toBe('');
      expect(child.stdout.trim()).toBe('got batch one');
      expect(child.status).toBe(0);
    },
  );

  it('rejects synchronous iteration', () => {
    expect(() => [...new DataLoader(new RangeDataset(2), { numWorkers: 1 })]).toThrow(
      'iterated asynchronously',
    );
  });
});
