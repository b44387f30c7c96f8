// Side-by-side benchmark of @proj/tensor against tfjs (cpu and wasm backends) and PyTorch.
//
// Run from the repository root with `pnpm bench` (builds @proj/tensor first), or
// `node bench/tensor.bench.mjs [--quick] [--only=matmul,add]` after a build. Prints a table and
// writes bench/results/tensor.json. See bench/README.md for how to read the numbers.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeReport } from './lib/results.mjs';
import { loadTfjsWasm, quietTfjsBanner } from './lib/tfjs.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArgument = args.find((arg) => arg.startsWith('--only='));
const only = onlyArgument ? onlyArgument.slice('--only='.length).split(',') : null;

// Timing policy: one timed warm-up run (also JIT/allocator warm-up), a few more untimed ones for
// fast cases, then as many repetitions as fit in the budget (clamped), reporting the median.
const policy = quick
  ? { budgetMs: 400, minReps: 2, maxReps: 5, extraWarmup: 1 }
  : { budgetMs: 2500, minReps: 3, maxReps: 25, extraWarmup: 2 };
// Long cases (tfjs-cpu's 1024 matmul takes ~5 s a run) get fewer repetitions rather than minutes.
const slowRunMs = 1500;

/** @typedef {{ id: string, label: string, op: string, n?: number, size?: number, rows?: number, cols?: number, flops?: number }} Case */
/** @type {Case[]} */
const allCases = [
  ...[256, 512, 1024].map((n) => ({
    id: `matmul-${n}`,
    label: `matmul ${n}x${n}x${n}`,
    op: 'matmul',
    n,
    flops: 2 * n ** 3,
  })),
  { id: 'add-1e6', label: 'add 1e6', op: 'add', size: 1e6 },
  { id: 'add-1e7', label: 'add 1e7', op: 'add', size: 1e7 },
  { id: 'sum-1e7', label: 'sum 1e7', op: 'sum', size: 1e7 },
  { id: 'softmax-1000x1000', label: 'softmax 1000x1000 dim 1', op: 'softmax', rows: 1000, cols: 1000 },
];
const cases = allCases.filter((c) => !only || only.some((name) => c.id.startsWith(name)));

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Times `run` (synchronous) by the policy above; returns the median and the repetition count. */
function measure(run) {
  let start = performance.now();
  run();
  const firstMs = performance.now() - start;
  if (firstMs < slowRunMs) for (let i = 0; i < policy.extraWarmup; i++) run();
  const minReps = firstMs > slowRunMs ? 2 : policy.minReps;
  const reps = Math.min(
    policy.maxReps,
    Math.max(minReps, Math.floor(policy.budgetMs / Math.max(firstMs, 1e-3))),
  );
  const times = [];
  for (let i = 0; i < reps; i++) {
    start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return { ms: median(times), reps };
}

function randomFloat32(length) {
  const data = new Float32Array(length);
  for (let i = 0; i < length; i++) data[i] = Math.random() * 2 - 1;
  return data;
}

// ---------------------------------------------------------------------------------------------
// Ours: the public API where it exists, else the raw sgemm kernel for matmul, else n/a.

async function loadOurs() {
  let torch = null;
  let apiError = null;
  try {
    torch = await import('@proj/tensor');
  } catch (error) {
    apiError = error;
  }
  let gemm = null;
  const gemmPath = fileURLToPath(new URL('../packages/tensor/dist/backends/cpu/gemm.js', import.meta.url));
  if (existsSync(gemmPath)) gemm = await import(pathToFileURL(gemmPath).href);
  if (!torch && !gemm) {
    console.warn(`@proj/tensor is not built (${apiError?.message ?? 'no dist'}); run \`pnpm bench\`.`);
  }
  return { torch, gemm };
}

const has = (object, name) => object != null && typeof object[name] === 'function';

/** Returns `{ run, impl }` for a case, or null when neither the API nor a kernel covers it. */
function oursRunner({ torch, gemm }, testCase) {
  const randn = has(torch, 'randn') ? (shape) => torch.randn(shape) : null;
  switch (testCase.op) {
    case 'matmul': {
      const n = testCase.n;
      if (randn && has(torch, 'matmul')) {
        const a = randn([n, n]);
        const b = randn([n, n]);
        return { run: () => torch.matmul(a, b), impl: 'torch.matmul' };
      }
      if (has(gemm, 'sgemm')) {
        const a = randomFloat32(n * n);
        const b = randomFloat32(n * n);
        return {
          // Allocating C per call matches what an op does.
          run: () => gemm.sgemm(false, false, n, n, n, 1, a, 0, n, b, 0, n, 0, new Float32Array(n * n), 0, n),
          impl: 'sgemm kernel',
        };
      }
      return null;
    }
    case 'add': {
      if (!randn || !has(torch, 'add')) return null;
      const a = randn([testCase.size]);
      const b = randn([testCase.size]);
      return { run: () => torch.add(a, b), impl: 'torch.add' };
    }
    case 'sum': {
      if (!randn) return null;
      const x = randn([testCase.size]);
      if (!has(x, 'sum')) return null;
      return { run: () => x.sum(), impl: 'Tensor.sum' };
    }
    case 'softmax': {
      if (!randn || !has(torch, 'softmax')) return null;
      const x = randn([testCase.rows, testCase.cols]);
      return { run: () => torch.softmax(x, 1), impl: 'torch.softmax' };
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// tfjs: one tfjs-core, two backends. Results are read back inside the timed region so that any
// lazy work is counted.

async function loadTfjs() {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const { backends, wasmNote } = await loadTfjsWasm(tf);
  return { tf, backends, wasmNote };
}

function tfjsRunner(tf, testCase) {
  const readBack = (result) => {
    result.dataSync();
    result.dispose();
  };
  switch (testCase.op) {
    case 'matmul': {
      const a = tf.randomNormal([testCase.n, testCase.n]);
      const b = tf.randomNormal([testCase.n, testCase.n]);
      return { run: () => readBack(tf.matMul(a, b)), dispose: () => tf.dispose([a, b]) };
    }
    case 'add': {
      const a = tf.randomNormal([testCase.size]);
      const b = tf.randomNormal([testCase.size]);
      return { run: () => readBack(tf.add(a, b)), dispose: () => tf.dispose([a, b]) };
    }
    case 'sum': {
      const x = tf.randomNormal([testCase.size]);
      return { run: () => readBack(tf.sum(x)), dispose: () => x.dispose() };
    }
    case 'softmax': {
      const x = tf.randomNormal([testCase.rows, testCase.cols]);
      return { run: () => readBack(tf.softmax(x)), dispose: () => x.dispose() };
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// PyTorch, in a child process, when /usr/bin/python3 has torch.

const python = '/usr/bin/python3';
const torchThreads = [1, 2];

function runPyTorch() {
  if (!existsSync(python)) return { error: `${python} not found` };
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { error: 'torch is not importable' };
  const script = fileURLToPath(new URL('./torch_bench.py', import.meta.url));
  const spec = {
    cases,
    threads: torchThreads,
    budget_ms: policy.budgetMs,
    min_reps: policy.minReps,
    max_reps: policy.maxReps,
    extra_warmup: policy.extraWarmup,
  };
  const child = spawnSync(python, [script], {
    input: JSON.stringify(spec),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (child.status !== 0) return { error: `torch_bench.py failed: ${child.stderr || child.error?.message}` };
  try {
    return JSON.parse(child.stdout);
  } catch {
    return { error: `torch_bench.py printed no JSON: ${child.stdout.slice(0, 200)}` };
  }
}

// ---------------------------------------------------------------------------------------------

function formatMs(ms) {
  if (ms == null) return 'n/a';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

function printTable(title, header, rows) {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function main() {
  const startedAt = Date.now();
  const ours = await loadOurs();
  const { tf, backends, wasmNote } = await loadTfjs();

  /** results[peer][caseId] = { ms, reps } | null */
  const results = {};
  const implementations = {};

  results.ours = {};
  for (const testCase of cases) {
    const runner = oursRunner(ours, testCase);
    implementations[testCase.id] = runner?.impl ?? null;
    results.ours[testCase.id] = runner ? measure(runner.run) : null;
    process.stderr.write(`ours ${testCase.id}: ${formatMs(results.ours[testCase.id]?.ms)} ms\n`);
  }

  for (const backend of backends) {
    const peer = `tfjs-${backend}`;
    await tf.setBackend(backend);
    await tf.ready();
    results[peer] = {};
    for (const testCase of cases) {
      const runner = tfjsRunner(tf, testCase);
      results[peer][testCase.id] = measure(runner.run);
      runner.dispose();
      process.stderr.write(`${peer} ${testCase.id}: ${formatMs(results[peer][testCase.id].ms)} ms\n`);
    }
  }

  const torchResult = runPyTorch();
  if (!torchResult.error) {
    for (const threads of torchThreads) results[`torch-${threads}t`] = torchResult.threads[String(threads)];
  } else {
    process.stderr.write(`PyTorch skipped: ${torchResult.error}\n`);
  }

  const peers = Object.keys(results).filter((peer) => peer !== 'ours');
  const gflops = (testCase, entry) => (testCase.flops && entry ? testCase.flops / entry.ms / 1e6 : null);

  printTable(
    'Median time per call in ms (GFLOP/s for matmul); float32, single-threaded unless noted',
    ['case', 'ours', ...peers],
    cases.map((testCase) => [
      testCase.label,
      ...['ours', ...peers].map((peer) => {
        const entry = results[peer][testCase.id];
        const rate = gflops(testCase, entry);
        return entry ? `${formatMs(entry.ms)}${rate ? ` (${rate.toFixed(2)})` : ''}` : 'n/a';
      }),
    ]),
  );
  printTable(
    'Speed of ours relative to each peer = peer ms / ours ms (above 1: ours is faster)',
    ['case', ...peers],
    cases.map((testCase) => [
      testCase.label,
      ...peers.map((peer) => {
        const mine = results.ours[testCase.id];
        const theirs = results[peer][testCase.id];
        return mine && theirs ? `${(theirs.ms / mine.ms).toFixed(2)}x` : 'n/a';
      }),
    ]),
  );
  console.log('\nours uses:', cases.map((c) => `${c.id}=${implementations[c.id] ?? 'n/a'}`).join(', '));
  console.log(`tfjs-wasm: ${wasmNote}`);
  if (torchResult.error) console.log(`PyTorch: skipped (${torchResult.error})`);
  else console.log(`PyTorch ${torchResult.version}: columns torch-1t / torch-2t use 1 / 2 threads`);

  const report = {
    date: new Date().toISOString(),
    durationS: (Date.now() - startedAt) / 1000,
    quick,
    policy,
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
    },
    peers: {
      'tfjs-cpu': `@tensorflow/tfjs-backend-cpu ${tf.version_core}`,
      ...(backends.includes('wasm') ? { 'tfjs-wasm': `@tensorflow/tfjs-backend-wasm (${wasmNote})` } : {}),
      ...(torchResult.error
        ? {}
        : {
            'torch-1t': `PyTorch ${torchResult.version}, 1 thread`,
            'torch-2t': `PyTorch ${torchResult.version}, 2 threads`,
          }),
    },
    cases: cases.map((testCase) => ({
      ...testCase,
      oursImplementation: implementations[testCase.id],
      results: Object.fromEntries(
        ['ours', ...peers].map((peer) => {
          const entry = results[peer][testCase.id];
          return [peer, entry ? { ...entry, gflops: gflops(testCase, entry) } : null];
        }),
      ),
    })),
  };
  writeReport('tensor', report);
}

quietTfjsBanner();

await main();
