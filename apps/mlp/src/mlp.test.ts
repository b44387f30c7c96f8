/**
 * The app end to end on the real MNIST files: `--quick` must reach 90% test accuracy (what CI checks), a resumed
 * run must equal an uninterrupted one bit for bit, and bad input must fail clearly without overwriting anything.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataLoader } from '@proj/data';
import { load, type Saveable, save, type Tensor, toTypedArray, zeros } from '@proj/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError, loadCheckpoint } from './checkpoint.js';
import {
  DEFAULT_CONFIG,
  parseCommandLine,
  QUICK_CONFIG,
  type RunSettings,
  type TrainConfig,
  UsageError,
} from './cli.js';
import { defaultMnistDir, MnistDataError, MnistDataset } from './mnist.js';
import { confusionSvg, curvesSvg, niceTicks } from './plots.js';
import { ProgressReporter } from './progress.js';
import { type RunOptions, runTraining } from './train.js';

const scratch = mkdtempSync(join(tmpdir(), 'proj-mlp-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Width and height from a PNG's IHDR chunk; throws unless `bytes` starts with the PNG signature. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((byte, i) => bytes[i] === byte)) throw new Error('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function collector(): { write(text: string): void; text(): string } {
  const chunks: string[] = [];
  return { write: (text: string) => void chunks.push(text), text: () => chunks.join('') };
}

function settings(name: string, overrides: Partial<RunSettings> = {}): RunSettings {
  return {
    device: 'cpu',
    workers: 0,
    dataDir: null,
    checkpoint: null,
    resume: false,
    outDir: join(scratch, name),
    plots: true,
    ...overrides,
  };
}

/** A small run for the checkpoint tests: 512 images, two epochs, dropout so that the RNG state matters. */
const SMALL: TrainConfig = { ...DEFAULT_CONFIG, epochs: 2, batchSize: 64, trainSamples: 512, dropout: 0.2 };

function run(options: Partial<RunOptions> & { settings: RunSettings }) {
  const output = collector();
  return runTraining({ config: SMALL, output, live: false, ...options }).then((result) => ({
    ...result,
    output,
  }));
}

function weightsOf(stateDict: Record<string, Tensor>): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(stateDict).map(([k, t]) => [k, Array.from(toTypedArray(t) as Float32Array)]),
  );
}

describe('command line', () => {
  it('has defaults, --quick and explicit flags', () => {
    const parsed = parseCommandLine([]);
    expect(parsed.kind === 'run' && parsed.config).toEqual(DEFAULT_CONFIG);
    const quick = parseCommandLine(['--quick', '--lr', '0.002', '--optimizer', 'sgd']);
    if (quick.kind !== 'run') throw new Error('expected a run');
    expect(quick.config).toMatchObject({ ...QUICK_CONFIG, lr: 0.002, optimizer: 'sgd' });
    expect([...quick.explicit].sort()).toEqual(['lr', 'optimizer', 'trainSamples']);
    const sgd = parseCommandLine(['--optimizer=sgd', '--workers', '2', '--device', 'cpu']);
    expect(sgd.kind === 'run' && [sgd.config.lr, sgd.settings.workers]).toEqual([0.05, 2]);
    expect(parseCommandLine(['--help']).kind).toBe('help');
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--epochs', '0'], "--epochs expects an integer between 1 and 10000, got '0'"],
    [['--epochs', '2.5'], "--epochs expects an integer between 1 and 10000, got '2.5'"],
    [['--batch-size', 'many'], "--batch-size expects an integer between 1 and 60000, got 'many'"],
    [['--lr=-1'], "--lr expects a positive number, got '-1'"],
    [['--lr', 'fast'], "--lr expects a positive number, got 'fast'"],
    [['--dropout', '1'], "--dropout expects a probability in [0, 1), got '1'"],
    [
      ['--optimizer', 'adagrad'],
      "--optimizer must be one of sgd, adam, adamw, nadam, radam, rmsprop; got 'adagrad'",
    ],
    [['--scheduler', 'linear'], "--scheduler must be one of onecycle, cosine, step, none; got 'linear'"],
    [['--workers=-1'], "--workers expects an integer between 0 and 64, got '-1'"],
    [['--workers', '-1'], "Option '--workers' argument is ambiguous"],
    [['--device', 'gpu!'], "--device expects a device like cpu, got 'gpu!'"],
    [['--epochs'], "Option '--epochs <value>' argument missing"],
    [['train'], "unexpected argument 'train'"],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});

describe('--quick (what CI runs)', () => {
  it('reaches at least 90% test accuracy and writes the figures and a checkpoint', async () => {
    const parsed = parseCommandLine(['--quick', '--out', join(scratch, 'quick')]);
    if (parsed.kind !== 'run') throw new Error('expected a run');
    const result = await run({ config: parsed.config, explicit: parsed.explicit, settings: parsed.settings });
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.9);
    const [epoch] = result.history.epochs;
    expect(epoch?.testAccuracy).toBe(result.testAccuracy);
    expect(result.history.confusion.flat().reduce((a, b) => a + b, 0)).toBe(10_000);
    const text = result.output.text();
    expect(text).toContain('8000 training / 10000 test images');
    expect(text).toMatch(/epoch 1\/1 +1600\/8000 +loss \d\.\d{4} +acc \d+\.\d\d% +\d+ samples\/s +ETA/);
    expect(text).toMatch(/trained 1 epoch .*test accuracy (9\d|100)\.\d\d%/);
    const figures = ['curves.svg', 'curves.png', 'confusion.svg', 'confusion.png'];
    for (const name of [...figures, 'metrics.json', 'checkpoint.safetensors']) {
      expect(existsSync(join(scratch, 'quick', name))).toBe(true);
    }
    const svg = readFileSync(join(scratch, 'quick', 'curves.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // The PNGs are the SVGs rendered at their own size.
    for (const name of ['curves', 'confusion']) {
      const size = /width="(\d+)" height="(\d+)"/.exec(
        readFileSync(join(scratch, 'quick', `${name}.svg`), 'utf8'),
      );
      expect(pngSize(readFileSync(join(scratch, 'quick', `${name}.png`)))).toEqual({
        width: Number(size?.[1]),
        height: Number(size?.[2]),
      });
    }
    const metrics = JSON.parse(readFileSync(join(scratch, 'quick', 'metrics.json'), 'utf8'));
    expect(metrics.epochs[0].testAccuracy).toBe(result.testAccuracy);
    console.log(
      `--quick: test accuracy ${(100 * result.testAccuracy).toFixed(2)}%, ${epoch?.samplesPerSecond.toFixed(0)} samples/s, ` +
        `${result.seconds.toFixed(1)} s`,
    );
  });
});

describe('checkpoints', () => {
  it('--resume continues exactly where the run stopped', async () => {
    const whole = await run({ settings: settings('whole') });
    const part = await run({ settings: settings('part'), stopAfterEpoch: 1 });
    expect(part.history.epochs).toHaveLength(1);
    expect(part.output.text()).toContain('stopped after epoch 1 of 2');
    const resumed = await run({ settings: settings('part', { resume: true }) });
    expect(resumed.startEpoch).toBe(1);
    expect(resumed.output.text()).toContain('resuming from');
    expect(weightsOf(resumed.model.stateDict())).toEqual(weightsOf(whole.model.stateDict()));
    const strip = (h: typeof whole.history) => ({
      ...h,
      epochs: h.epochs.map(({ trainSeconds, evalSeconds, samplesPerSecond, ...rest }) => rest),
    });
    expect(strip(resumed.history)).toEqual(strip(whole.history));
    // The finished checkpoint resumes to a summary without training.
    const again = await run({ settings: settings('part', { resume: true }) });
    expect(again.startEpoch).toBe(2);
    expect(again.testAccuracy).toBe(whole.testAccuracy);
  });

  it('rejects a corrupted, foreign or mismatched checkpoint and leaves it untouched', async () => {
    const dir = join(scratch, 'bad');
    const base = await run({ config: { ...SMALL, epochs: 1 }, settings: settings('bad') });
    const good = base.checkpointPath;
    const resume = (path: string, config: TrainConfig = SMALL, explicit: (keyof TrainConfig)[] = []) =>
      run({
        config,
        explicit: new Set(explicit),
        settings: settings('bad', { resume: true, checkpoint: path }),
      });

    const garbage = join(dir, 'garbage.safetensors');
    writeFileSync(garbage, 'not a checkpoint at all');
    await expect(resume(garbage)).rejects.toThrow(CheckpointError);
    await expect(resume(garbage)).rejects.toThrow(/cannot read checkpoint .*garbage\.safetensors/);
    expect(readFileSync(garbage, 'utf8')).toBe('not a checkpoint at all');

    const truncated = join(dir, 'truncated.safetensors');
    writeFileSync(truncated, readFileSync(good).subarray(0, 5000));
    await expect(resume(truncated)).rejects.toThrow(/cannot read checkpoint/);
    expect(readFileSync(truncated).length).toBe(5000);

    const foreign = join(dir, 'foreign.safetensors');
    save({ weight: zeros(3, 3) }, foreign);
    await expect(resume(foreign)).rejects.toThrow(/is not a checkpoint of this app/);

    const otherModel = join(dir, 'other-model.safetensors');
    const content = load(good) as Record<string, Saveable>;
    (content.model as Record<string, Tensor>)['0.weight'] = zeros(300, 784);
    save(content, otherModel);
    const before = readFileSync(otherModel);
    await expect(resume(otherModel)).rejects.toThrow(
      /does not fit this model: .*size mismatch for 0\.weight/s,
    );
    expect(readFileSync(otherModel).equals(before)).toBe(true);

    await expect(resume(good, { ...SMALL, lr: 0.01 }, ['lr'])).rejects.toThrow(
      /was trained with --lr 0\.001, not --lr 0\.01/,
    );
    await expect(resume(join(dir, 'missing.safetensors'))).rejects.toThrow(/no checkpoint to resume from/);
    // None of the failures wrote the outputs of a run either: the good checkpoint is still the one of epoch 1.
    expect(loadCheckpoint(good).epoch).toBe(1);
    copyFileSync(good, join(dir, 'copy.safetensors'));
    expect(loadCheckpoint(join(dir, 'copy.safetensors')).config).toEqual({ ...SMALL, epochs: 1 });
  });
});

describe('data', () => {
  it('reads the real MNIST files and normalises as torchvision does', () => {
    const test = new MnistDataset(defaultMnistDir(), 'test');
    expect(test.length).toBe(10_000);
    const [image, label] = test.getItem(0);
    expect(label).toBe(7); // the first test digit of MNIST is a 7
    const values = toTypedArray(image) as Float32Array;
    expect(values.length).toBe(784);
    expect(Math.min(...values)).toBeCloseTo(-0.4242, 4); // (0 - 0.1307) / 0.3081
    expect(Math.max(...values)).toBeCloseTo(2.8215, 4); // (1 - 0.1307) / 0.3081
  });

  it('explains a missing or corrupted data file', () => {
    const dir = join(scratch, 'data');
    expect(() => new MnistDataset(dir, 'test')).toThrow(MnistDataError);
    expect(() => new MnistDataset(dir, 'test')).toThrow(
      /MNIST test images file not found: .*t10k-images-idx3-ubyte/,
    );
    const source = defaultMnistDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 't10k-images-idx3-ubyte'),
      readFileSync(join(source, 't10k-images-idx3-ubyte')).subarray(0, 1000),
    );
    copyFileSync(join(source, 't10k-labels-idx1-ubyte'), join(dir, 't10k-labels-idx1-ubyte'));
    expect(() => new MnistDataset(dir, 'test')).toThrow(/cannot read MNIST test images file: .*truncated/);
  });

  it('gives the same batches with worker threads', async () => {
    const test = new MnistDataset(defaultMnistDir(), 'test');
    const batches = async (numWorkers: number) => {
      const out: number[][] = [];
      const loader = new DataLoader<[Tensor, number], [Tensor, Tensor]>(test, { batchSize: 500, numWorkers });
      for await (const [images, labels] of loader) {
        out.push([Number(images.sum().item()), ...Array.from(toTypedArray(labels) as BigInt64Array, Number)]);
        if (out.length === 3) break;
      }
      await loader.shutdown();
      return out;
    };
    expect(await batches(1)).toEqual(await batches(0));
  });
});

describe('output', () => {
  it('prints plain progress lines when not on a terminal', () => {
    const out = collector();
    const reporter = new ProgressReporter(out);
    reporter.epochStart();
    for (let seen = 100; seen <= 1000; seen += 100) {
      reporter.batch({
        epoch: 1,
        epochs: 3,
        seen,
        total: 1000,
        loss: 0.5,
        accuracy: 0.9,
        elapsed: seen / 1000,
      });
    }
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('epoch 1/3   200/1000  loss 0.5000  acc 90.00%  1000 samples/s  ETA 1s');
  });

  it('draws a live bar on a terminal', () => {
    const out = collector();
    const reporter = new ProgressReporter(out, { live: true });
    reporter.epochStart();
    reporter.batch({ epoch: 2, epochs: 3, seen: 500, total: 1000, loss: 0.25, accuracy: 0.95, elapsed: 2 });
    const CLEAR_LINE = '\r\x1b[2K';
    expect(out.text().startsWith(CLEAR_LINE)).toBe(true);
    expect(out.text().slice(CLEAR_LINE.length)).toMatch(
      /^epoch 2\/3 \[=+>? *\] {2}50% loss 0\.2500 {2}acc 95\.00% {2}250 samples\/s {2}ETA 2s$/,
    );
    reporter.line('done');
    expect(out.text().endsWith('\r\x1b[2Kdone\n')).toBe(true);
  });

  it('writes well-formed SVG figures', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const epochs = [1, 2].map((epoch) => ({
      epoch,
      trainLoss: 0.5 / epoch,
      trainAccuracy: 0.9 + epoch / 100,
      testLoss: 0.4 / epoch,
      testAccuracy: 0.92 + epoch / 100,
      trainSeconds: 30,
      evalSeconds: 1,
      samplesPerSecond: 2000,
      lr: 1e-3,
    }));
    const confusion = Array.from({ length: 10 }, (_, i) =>
      Array.from({ length: 10 }, (_, j) => (i === j ? 980 : 2)),
    );
    const history = {
      epochs,
      steps: [
        { epoch: 0.5, loss: 1 },
        { epoch: 1, loss: 0.6 },
      ],
      confusion,
    };
    const curves = curvesSvg(history, 'a <title> & more');
    expect(curves).toContain('a &#60;title&#62; &#38; more');
    expect(curves.match(/<circle /g)).toHaveLength(8); // 2 epochs × (train loss, test loss, train acc, test acc)
    const matrix = confusionSvg(confusion, 'confusion');
    expect(matrix.match(/<rect x=/g)).toHaveLength(100);
    expect(matrix).toContain('9800 of 9980 correct (98.20%)');
  });
});
