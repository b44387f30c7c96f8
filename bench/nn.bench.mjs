// Training throughput (steps/s) of @proj/nn + @proj/optim against tfjs (cpu and wasm backends) and PyTorch, in one
// process, on two small models trained on random inputs with a fixed seed:
//
//   mlp: Linear(784,256)-ReLU-Linear(256,128)-ReLU-Linear(128,10), CrossEntropyLoss, batch 128, SGD lr 0.01
//   cnn: Conv2d(1,8,3,p=1)-ReLU-MaxPool2d(2)-Conv2d(8,16,3,p=1)-ReLU-MaxPool2d(2)-Flatten-Linear(784,10),
//        CrossEntropyLoss, batch 64, SGD lr 0.01
//
// One step = forward, loss, backward, SGD update, and reading the loss back as a number (so lazy work is counted).
// Each peer gets a few untimed warm-up steps, then as many steps as fit in ~3 s.
//
// Needs the built packages (tensor, autograd, nn, optim): `pnpm turbo run build --filter=@proj/nn --filter=@proj/optim`,
// then `node bench/nn.bench.mjs [--quick] [--only=mlp|cnn]`. Prints a table and writes bench/results/nn.json.
// Our packages are imported from their dist folders by relative path (as data.bench.mjs does), so the harness needs
// no workspace links for them.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import * as nn from '../packages/nn/dist/index.js';
import { SGD } from '../packages/optim/dist/index.js';
import * as torch from '../packages/tensor/dist/index.js';
import { writeReport } from './lib/results.mjs';
import { loadTfjsWasm, quietTfjsBanner } from './lib/tfjs.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArgument = args.find((arg) => arg.startsWith('--only='));
const only = onlyArgument ? onlyArgument.slice('--only='.length).split(',') : null;

const policy = quick
  ? { warmupSteps: 1, budgetMs: 500, minSteps: 2, slowStepMs: 1000 }
  : { warmupSteps: 3, budgetMs: 3000, minSteps: 3, slowStepMs: 1000 };
const learningRate = 0.01;
const seed = 0;

/** @typedef {{ id: string, label: string, batch: number }} Model */
/** @type {Model[]} */
const allModels = [
  { id: 'mlp', label: 'MLP 784-256-128-10, batch 128', batch: 128 },
  { id: 'cnn', label: 'CNN conv8-pool-conv16-pool-fc, batch 64', batch: 64 },
];
const models = allModels.filter((model) => !only || only.some((name) => model.id.startsWith(name)));

/**
 * Runs `step` for the warm-up, then until the budget is spent; returns steps/s and the step count. A peer whose first
 * step takes over `slowStepMs` (tfjs-cpu's CNN: its Conv2DBackpropFilter takes seconds) gets no further warm-up and
 * may stop after one timed step, so that it cannot take the harness past its time limit.
 */
function measure(step) {
  const warmupStart = performance.now();
  step();
  const slow = performance.now() - warmupStart > policy.slowStepMs;
  if (!slow) for (let i = 1; i < policy.warmupSteps; i++) step();
  const minSteps = slow ? 1 : policy.minSteps;
  let steps = 0;
  let loss = Number.NaN;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < policy.budgetMs || steps < minSteps) {
    loss = step();
    steps++;
    elapsed = performance.now() - start;
  }
  return { stepsPerSecond: (steps * 1000) / elapsed, steps, msPerStep: elapsed / steps, lastLoss: loss };
}

/** mulberry32: a small seeded generator, so every JS peer trains on the same inputs. */
function seededRandom(seedValue) {
  let state = seedValue >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One batch of inputs in [0, 1) (row-major, NCHW = NHWC for one channel) and class labels in [0, 10). */
function makeBatch(batch) {
  const random = seededRandom(seed + batch);
  const inputs = new Float32Array(batch * 784);
  for (let i = 0; i < inputs.length; i++) inputs[i] = random();
  const labels = new Int32Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = Math.floor(random() * 10);
  return { inputs, labels };
}

// ---------------------------------------------------------------------------------------------
// Ours.

function oursModel(id) {
  if (id === 'mlp') {
    return new nn.Sequential(
      new nn.Linear(784, 256),
      new nn.ReLU(),
      new nn.Linear(256, 128),
      new nn.ReLU(),
      new nn.Linear(128, 10),
    );
  }
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(784, 10),
  );
}

function oursStep(model) {
  torch.manualSeed(seed);
  const { inputs, labels } = makeBatch(model.batch);
  const shape = model.id === 'mlp' ? [model.batch, 784] : [model.batch, 1, 28, 28];
  const x = torch.fromTypedArray(inputs, shape);
  const y = torch.fromTypedArray(
    BigInt64Array.from(labels, (label) => BigInt(label)),
    [model.batch],
  );
  const net = oursModel(model.id);
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new SGD(net.parameters(), { lr: learningRate });
  return () => {
    optimizer.zeroGrad();
    const loss = criterion.call(net.call(x), y);
    loss.backward();
    optimizer.step();
    return Number(loss.item());
  };
}

// ---------------------------------------------------------------------------------------------
// tfjs: one tfjs-core, two backends; the same models from core ops, NHWC for the CNN.

/**
 * tfjs-core's Node bundle (tf-core.node.js, its `main`) registers no gradients: the `@tensorflow/tfjs` union package
 * does that by importing `tfjs-core/dist/register_all_gradients`, an ES module written for bundlers (extensionless
 * relative imports, in a package without `"type": "module"`). Rather than add the union package, load that file
 * through a module hook that adds the `.js` extensions and treats tfjs-core's dist files as ES modules. The gradients
 * land in tfjs's global gradient registry and run on the global engine, which both copies share (tfjs keeps them on
 * the global object, and its Tensor `instanceof` check is structural for this very case).
 */
async function registerTfjsGradients() {
  const coreDist = require.resolve('@tensorflow/tfjs-core/package.json').replace(/package\.json$/, 'dist/');
  const distUrl = pathToFileURL(coreDist).href;
  const hooks = `
const distUrl = ${JSON.stringify(distUrl)};
export async function resolve(specifier, context, next) {
  if (context.parentURL?.startsWith(distUrl) && specifier.startsWith('.')) {
    const url = new URL(specifier, context.parentURL).href;
    if (specifier === '.' || specifier === '..' || url.endsWith('/')) {
      return { url: url.replace(/\\/?$/, '/index.js'), format: 'module', shortCircuit: true };
    }
    if (!url.endsWith('.js')) return { url: url + '.js', format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.startsWith(distUrl) && url.endsWith('.js') && !url.endsWith('/tf-core.node.js')) {
    return next(url, { ...context, format: 'module' });
  }
  return next(url, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  await import(`${distUrl}register_all_gradients.js`);
}

async function loadTfjs() {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  try {
    await registerTfjsGradients();
  } catch (error) {
    return {
      tf,
      backends: [],
      wasmNote: null,
      tfjsError: `gradients not registered: ${error?.message ?? error}`,
    };
  }
  const { backends, wasmNote } = await loadTfjsWasm(tf);
  return { tf, backends, wasmNote, tfjsError: null };
}

/** PyTorch's default init for Linear/Conv weights and biases: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
function tfUniform(tf, shape, fanIn, seedValue) {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seedValue));
}

function tfjsStep(tf, model) {
  const { inputs, labels } = makeBatch(model.batch);
  const shape = model.id === 'mlp' ? [model.batch, 784] : [model.batch, 28, 28, 1];
  const x = tf.tensor(inputs, shape);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  let forward;
  let variables;
  if (model.id === 'mlp') {
    const w1 = tfUniform(tf, [784, 256], 784, 1);
    const b1 = tfUniform(tf, [256], 784, 2);
    const w2 = tfUniform(tf, [256, 128], 256, 3);
    const b2 = tfUniform(tf, [128], 256, 4);
    const w3 = tfUniform(tf, [128, 10], 128, 5);
    const b3 = tfUniform(tf, [10], 128, 6);
    variables = [w1, b1, w2, b2, w3, b3];
    forward = () => {
      const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
      const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
      return tf.add(tf.matMul(h2, w3), b3);
    };
  } else {
    const k1 = tfUniform(tf, [3, 3, 1, 8], 9, 1);
    const c1 = tfUniform(tf, [8], 9, 2);
    const k2 = tfUniform(tf, [3, 3, 8, 16], 72, 3);
    const c2 = tfUniform(tf, [16], 72, 4);
    const w = tfUniform(tf, [784, 10], 784, 5);
    const b = tfUniform(tf, [10], 784, 6);
    variables = [k1, c1, k2, c2, w, b];
    forward = () => {
      // padding 'same' with a 3x3 kernel and stride 1 is padding 1.
      const a1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, k1, 1, 'same'), c1)), 2, 2, 'valid');
      const a2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(a1, k2, 1, 'same'), c2)), 2, 2, 'valid');
      // NHWC flatten: same work as NCHW, only the feature order of the Linear differs.
      return tf.add(tf.matMul(tf.reshape(a2, [model.batch, 784]), w), b);
    };
  }
  const optimizer = tf.train.sgd(learningRate);
  // softmaxCrossEntropy over one-hot labels, default reduction (mean over the batch without weights) =
  // CrossEntropyLoss.
  const lossFunction = () => tf.losses.softmaxCrossEntropy(y, forward());
  return {
    step: () =>
      tf.tidy(() => {
        const loss = optimizer.minimize(lossFunction, true, variables);
        return loss.dataSync()[0];
      }),
    dispose: () => {
      optimizer.dispose();
      tf.dispose([x, y, ...variables]);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// PyTorch, in a child process, when /usr/bin/python3 has torch; one thread.

const python = '/usr/bin/python3';

const torchScript = `
import json, sys, time
import torch
from torch import nn
spec = json.loads(sys.argv[1])
torch.set_num_threads(1)
out = {"version": torch.__version__, "results": {}}
for model in spec["models"]:
    torch.manual_seed(spec["seed"])
    batch = model["batch"]
    if model["id"] == "mlp":
        net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
        x = torch.rand(batch, 784)
    else:
        net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Flatten(), nn.Linear(784, 10))
        x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    criterion = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=spec["lr"])
    def step():
        opt.zero_grad()
        loss = criterion(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()
    for _ in range(spec["warmup_steps"]):
        step()
    steps, loss = 0, float("nan")
    start = time.perf_counter()
    elapsed = 0.0
    while elapsed * 1000 < spec["budget_ms"] or steps < spec["min_steps"]:
        loss = step()
        steps += 1
        elapsed = time.perf_counter() - start
    out["results"][model["id"]] = {"stepsPerSecond": steps / elapsed, "steps": steps,
                                   "msPerStep": elapsed * 1000 / steps, "lastLoss": loss}
print(json.dumps(out))
`;

function runPyTorch() {
  if (!existsSync(python)) return { error: `${python} not found` };
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { error: 'torch is not importable' };
  const spec = {
    models,
    seed,
    lr: learningRate,
    warmup_steps: policy.warmupSteps,
    budget_ms: policy.budgetMs,
    min_steps: policy.minSteps,
  };
  const child = spawnSync(python, ['-c', torchScript, JSON.stringify(spec)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0) return { error: `PyTorch script failed: ${child.stderr || child.error?.message}` };
  try {
    return JSON.parse(child.stdout);
  } catch {
    return { error: `PyTorch script printed no JSON: ${child.stdout.slice(0, 200)}` };
  }
}

// ---------------------------------------------------------------------------------------------

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

const formatRate = (rate) =>
  rate == null ? 'n/a' : rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toFixed(2);

async function main() {
  const startedAt = Date.now();
  /** @type {Record<string, Record<string, { stepsPerSecond: number, steps: number, msPerStep: number, lastLoss: number } | null>>} */
  const results = { ours: {} };
  const notes = {};

  for (const model of models) {
    try {
      results.ours[model.id] = measure(oursStep(model));
    } catch (error) {
      results.ours[model.id] = null;
      notes[`ours-${model.id}`] = String(error?.message ?? error);
    }
  }

  const { tf, backends, wasmNote, tfjsError } = await loadTfjs();
  for (const backend of backends) {
    const peer = `tfjs-${backend}`;
    results[peer] = {};
    await tf.setBackend(backend);
    for (const model of models) {
      const runner = tfjsStep(tf, model);
      try {
        results[peer][model.id] = measure(runner.step);
      } catch (error) {
        results[peer][model.id] = null;
        notes[`${peer}-${model.id}`] = String(error?.message ?? error);
      } finally {
        runner.dispose();
      }
    }
  }

  const torchResult = runPyTorch();
  if (!torchResult.error) results['torch-1t'] = torchResult.results;

  const peers = Object.keys(results).filter((peer) => peer !== 'ours');
  printTable(
    'Training steps/s (higher is better)',
    ['model', 'ours', ...peers],
    models.map((model) => [
      model.label,
      ...['ours', ...peers].map((peer) => formatRate(results[peer][model.id]?.stepsPerSecond)),
    ]),
  );
  const ratio = (peer, id) => {
    const ourRate = results.ours[id]?.stepsPerSecond;
    const peerRate = results[peer][id]?.stepsPerSecond;
    return ourRate && peerRate ? ourRate / peerRate : null;
  };
  printTable(
    'ours steps/s / peer steps/s (above 1: we are faster)',
    ['model', ...peers],
    models.map((model) => [
      model.label,
      ...peers.map((peer) => {
        const value = ratio(peer, model.id);
        return value == null ? 'n/a' : value.toFixed(2);
      }),
    ]),
  );
  if (tfjsError) console.log(`\ntfjs: skipped (${tfjsError})`);
  else console.log(`\ntfjs-wasm: ${wasmNote}`);
  if (torchResult.error) console.log(`PyTorch: skipped (${torchResult.error})`);
  else console.log(`PyTorch ${torchResult.version}: torch.set_num_threads(1)`);
  for (const [key, note] of Object.entries(notes)) console.log(`${key}: failed (${note})`);

  const report = {
    date: new Date().toISOString(),
    durationS: (Date.now() - startedAt) / 1000,
    quick,
    policy,
    learningRate,
    seed,
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      loadavg: os.loadavg(),
    },
    peers: {
      ours: '@proj/nn + @proj/optim (dist)',
      'tfjs-cpu': `@tensorflow/tfjs-backend-cpu ${tf.version_core}`,
      ...(backends.includes('wasm') ? { 'tfjs-wasm': `@tensorflow/tfjs-backend-wasm (${wasmNote})` } : {}),
      ...(torchResult.error ? {} : { 'torch-1t': `PyTorch ${torchResult.version}, 1 thread` }),
    },
    skipped: {
      ...(tfjsError ? { tfjs: tfjsError } : {}),
      ...(torchResult.error ? { torch: torchResult.error } : {}),
    },
    failures: notes,
    models: models.map((model) => ({
      ...model,
      results: Object.fromEntries(['ours', ...peers].map((peer) => [peer, results[peer][model.id] ?? null])),
      oursOverPeer: Object.fromEntries(peers.map((peer) => [peer, ratio(peer, model.id)])),
    })),
  };
  writeReport('nn', report);
}

quietTfjsBanner();

await main();
