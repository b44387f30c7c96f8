// DataLoader throughput: samples/s with 0 and 2 worker threads on a dataset whose getItem does real CPU work for
// each 28x28 image — inflate PNG-style deflated scanlines, undo the Paeth filter, normalise with MNIST's mean/std,
// and apply a random rotation with bilinear sampling (a typical augmentation). Writes bench/results/data.json.
//
// Needs the built packages: `pnpm turbo run build --filter=@proj/data` (builds @proj/tensor too), then
// `node bench/data.bench.mjs [--quick]`.
//
// This file is also the module the workers import to rebuild the dataset (workerSource points here), so the
// benchmark itself only runs on the main thread.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { deflateSync, inflateSync } from 'node:zlib';
import { DataLoader, Dataset } from '../packages/data/dist/index.js';
import { fromTypedArray } from '../packages/tensor/dist/index.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const MEAN = 0.1307;
const STD = 0.3081;

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** A deterministic digit-like blob, Paeth-filtered per row and deflated, as PNG stores it. */
function encodeImage(index) {
  const raw = new Uint8Array(PIXELS);
  const cx = 10 + (index % 9);
  const cy = 10 + ((index * 7) % 9);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const d = Math.hypot(x - cx, (y - cy) * 1.4);
      raw[y * SIDE + x] = d < 8 ? Math.max(0, 255 - Math.round(d * 28) + ((x * y + index) % 17)) : 0;
    }
  }
  const filtered = new Uint8Array(SIDE * (SIDE + 1));
  for (let y = 0; y < SIDE; y++) {
    filtered[y * (SIDE + 1)] = 4; // Paeth
    for (let x = 0; x < SIDE; x++) {
      const a = x > 0 ? raw[y * SIDE + x - 1] : 0;
      const b = y > 0 ? raw[(y - 1) * SIDE + x] : 0;
      const c = x > 0 && y > 0 ? raw[(y - 1) * SIDE + x - 1] : 0;
      filtered[y * (SIDE + 1) + 1 + x] = (raw[y * SIDE + x] - paeth(a, b, c)) & 0xff;
    }
  }
  return deflateSync(filtered);
}

/** Encoded 28x28 images; getItem decodes, normalises and augments one. */
export class EncodedImages extends Dataset {
  constructor(n) {
    super();
    this.n = n;
    this.encoded = Array.from({ length: n }, (_, i) => encodeImage(i));
  }

  get length() {
    return this.n;
  }

  getItem(index) {
    const filtered = inflateSync(this.encoded[index]);
    const pixels = new Uint8Array(PIXELS);
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const a = x > 0 ? pixels[y * SIDE + x - 1] : 0;
        const b = y > 0 ? pixels[(y - 1) * SIDE + x] : 0;
        const c = x > 0 && y > 0 ? pixels[(y - 1) * SIDE + x - 1] : 0;
        pixels[y * SIDE + x] = (filtered[y * (SIDE + 1) + 1 + x] + paeth(a, b, c)) & 0xff;
      }
    }
    // Random rotation in [-15, 15] degrees (hash of the index, so results do not depend on the worker).
    const angle = ((((index * 2654435761) >>> 0) / 2 ** 32) * 30 - 15) * (Math.PI / 180);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const out = new Float32Array(PIXELS);
    const centre = (SIDE - 1) / 2;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const sx = cos * (x - centre) + sin * (y - centre) + centre;
        const sy = -sin * (x - centre) + cos * (y - centre) + centre;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        let value = 0;
        for (let dy = 0; dy <= 1; dy++) {
          for (let dx = 0; dx <= 1; dx++) {
            const px = x0 + dx;
            const py = y0 + dy;
            if (px < 0 || py < 0 || px >= SIDE || py >= SIDE) continue;
            value += pixels[py * SIDE + px] * (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
          }
        }
        out[y * SIDE + x] = (value / 255 - MEAN) / STD;
      }
    }
    return [fromTypedArray(out, [1, SIDE, SIDE]), index % 10];
  }

  workerSource() {
    return { module: import.meta.url, exportName: 'EncodedImages', args: [this.n] };
  }
}

/** Samples/s of one epoch, and the CPU cores the process (all threads) actually got meanwhile. */
async function epochRate(loader) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let samples = 0;
  for await (const [images] of loader) samples += images.shape[0];
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { rate: samples / seconds, cores: (cpu.user + cpu.system) / 1e6 / seconds };
}

async function main() {
  const quick = process.argv.includes('--quick');
  const n = quick ? 2048 : 8192;
  const epochs = quick ? 3 : 5;
  const dataset = new EncodedImages(n);
  const results = {};
  for (const numWorkers of [0, 2]) {
    const loader = new DataLoader(dataset, {
      batchSize: 64,
      shuffle: true,
      numWorkers,
      persistentWorkers: numWorkers > 0,
    });
    const startup = performance.now();
    const firstEpoch = (await epochRate(loader)).rate; // includes worker start-up and JIT warm-up
    const startupEpochMs = performance.now() - startup;
    const epochsMeasured = [];
    for (let e = 0; e < epochs; e++) epochsMeasured.push(await epochRate(loader));
    if (numWorkers > 0) await loader.shutdown();
    epochsMeasured.sort((a, b) => a.rate - b.rate);
    const median = epochsMeasured[Math.floor(epochsMeasured.length / 2)];
    results[`workers${numWorkers}`] = {
      samplesPerSecond: Math.round(median.rate),
      coresUsed: Number(median.cores.toFixed(2)),
      firstEpochSamplesPerSecond: Math.round(firstEpoch),
      firstEpochMs: Math.round(startupEpochMs),
    };
    process.stderr.write(
      `numWorkers=${numWorkers}: ${Math.round(median.rate)} samples/s using ${median.cores.toFixed(2)} cores (first epoch, with start-up: ${Math.round(firstEpoch)})\n`,
    );
  }
  const speedup = results.workers2.samplesPerSecond / results.workers0.samplesPerSecond;
  console.log('\nDataLoader throughput (batch 64, 28x28 decode + normalise + rotate per sample)');
  console.log(
    `  numWorkers=0  ${results.workers0.samplesPerSecond.toLocaleString('en')} samples/s  (${results.workers0.coresUsed} cores busy)`,
  );
  console.log(
    `  numWorkers=2  ${results.workers2.samplesPerSecond.toLocaleString('en')} samples/s  (${results.workers2.coresUsed} cores busy)  x${speedup.toFixed(2)}`,
  );
  console.log(
    `  (load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}: other processes share these ${availableParallelism()} cores)`,
  );
  const dir = new URL('./results/', import.meta.url);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileSync(
    new URL('data.json', dir),
    `${JSON.stringify({ machine: { cpus: availableParallelism(), model: cpus()[0]?.model, node: process.version }, samples: n, batchSize: 64, results, speedup }, null, 2)}\n`,
  );
}

if (isMainThread && process.argv[1] === new URL(import.meta.url).pathname) await main();
