/** `Embedding` and `EmbeddingBag`. */
import { noGrad } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import * as F from '../functional/index.js';
import * as init from '../init.js';
import { pyFloat } from '../internal/repr.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import type { FactoryOptions } from './linear.js';

/** Options of `Embedding`. */
export interface EmbeddingModuleOptions extends FactoryOptions {
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  /** Initial weight `[numEmbeddings, embeddingDim]` instead of N(0, 1). */
  weight?: Tensor | null;
  /** The weight's gradient is a sparse COO tensor (one row per index looked up); see `F.embedding`. */
  sparse?: boolean;
}

function normalisePaddingIdx(paddingIdx: number | null | undefined, numEmbeddings: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
    throw new torch.ValueError(
      paddingIdx > 0
        ? 'Padding_idx must be within num_embeddings'
        : 'Padding_idx must be within num_embeddings',
    );
  }
  return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
}

/**
 * The weight of an `Embedding` or `EmbeddingBag`: the given tensor (its shape checked) or a fresh `[num, dim]`
 * parameter drawn by the module's `resetParameters`.
 */
function embeddingWeight(
  module: Embedding | EmbeddingBag,
  numEmbeddings: number,
  embeddingDim: number,
  options: EmbeddingModuleOptions | undefined,
): void {
  const weight = options?.weight ?? null;
  if (weight === null) {
    module.weight = new Parameter(
      torch.empty([numEmbeddings, embeddingDim], { dtype: options?.dtype, device: options?.device }),
    );
    module.resetParameters();
    return;
  }
  if (weight.dim() !== 2 || weight.size(0) !== numEmbeddings || weight.size(1) !== embeddingDim) {
    throw new torch.ValueError('Shape of weight does not match num_embeddings and embedding_dim');
  }
  module.weight = new Parameter(weight);
}

/** N(0, 1) with the padding row zeroed: the initialisation of both embedding layers. */
function resetEmbedding(weight: Parameter, paddingIdx: number | null): void {
  init.normal_(weight);
  if (paddingIdx !== null) noGrad(() => weight.select(0, paddingIdx).fill_(0));
}

/** A lookup table of `numEmbeddings` vectors of size `embeddingDim`, initialised from N(0, 1). */
export class Embedding extends Module {
  declare weight: Parameter;
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly sparse: boolean;

  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingModuleOptions) {
    super();
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = normalisePaddingIdx(options?.paddingIdx, numEmbeddings);
    this.maxNorm = options?.maxNorm ?? null;
    this.normType = options?.normType ?? 2;
    this.scaleGradByFreq = options?.scaleGradByFreq ?? false;
    this.sparse = options?.sparse ?? false;
    embeddingWeight(this, numEmbeddings, embeddingDim, options);
  }

  /** Re-draws the weight from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    resetEmbedding(this.weight, this.paddingIdx);
  }

  /**
   * `Embedding.from_pretrained(embeddings, freeze=True, ...)`: an embedding whose weight shares `embeddings`
   * (frozen unless `freeze: false`).
   */
  static fromPretrained(
    embeddings: Tensor,
    options?: Omit<EmbeddingModuleOptions, 'weight'> & { freeze?: boolean },
  ): Embedding {
    if (embeddings.dim() !== 2)
      throw new torch.ValueError('Embeddings parameter is expected to be 2-dimensional');
    const embedding = new Embedding(embeddings.size(0), embeddings.size(1), {
      ...options,
      weight: embeddings,
    });
    embedding.weight.requiresGrad_(!(options?.freeze ?? true));
    return embedding;
  }

  override forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, {
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
      sparse: this.sparse,
    });
  }

  override extraRepr(): string {
    let text = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) text += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) text += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) text += `, norm_type=${this.normType}`;
    if (this.scaleGradByFreq) text += ', scale_grad_by_freq=True';
    if (this.sparse) text += ', sparse=True';
    return text;
  }
}

/** Options of `EmbeddingBag`. */
export interface EmbeddingBagModuleOptions extends EmbeddingModuleOptions {
  mode?: 'sum' | 'mean' | 'max';
  includeLastOffset?: boolean;
}

/** Sums, averages or maxes bags of embeddings without materialising the per-index rows of each bag. */
export class EmbeddingBag extends Module {
  declare weight: Parameter;
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly mode: 'sum' | 'mean' | 'max';
  readonly includeLastOffset: boolean;
  readonly sparse: boolean;

  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingBagModuleOptions) {
    super();
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = normalisePaddingIdx(options?.paddingIdx, numEmbeddings);
    this.maxNorm = options?.maxNorm ?? null;
    this.normType = options?.normType ?? 2;
    this.scaleGradByFreq = options?.scaleGradByFreq ?? false;
    this.mode = options?.mode ?? 'mean';
    this.includeLastOffset = options?.includeLastOffset ?? false;
    this.sparse = options?.sparse ?? false;
    embeddingWeight(this, numEmbeddings, embeddingDim, options);
  }

  /** Re-draws the weight from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    resetEmbedding(this.weight, this.paddingIdx);
  }

  /** `EmbeddingBag.from_pretrained(embeddings, freeze=True, ...)`. */
  static fromPretrained(
    embeddings: Tensor,
    options?: Omit<EmbeddingBagModuleOptions, 'weight'> & { freeze?: boolean },
  ): EmbeddingBag {
    const bag = new EmbeddingBag(embeddings.size(0), embeddings.size(1), { ...options, weight: embeddings });
    bag.weight.requiresGrad_(!(options?.freeze ?? true));
    return bag;
  }

  override forward(input: Tensor, offsets?: Tensor | null, perSampleWeights?: Tensor | null): Tensor {
    return F.embeddingBag(input, this.weight, {
      offsets: offsets ?? null,
      perSampleWeights: perSampleWeights ?? null,
      mode: this.mode,
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
      includeLastOffset: this.includeLastOffset,
      sparse: this.sparse,
    });
  }

  override extraRepr(): string {
    let text = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.maxNorm !== null) text += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) text += `, norm_type=${this.normType}`;
    if (this.scaleGradByFreq) text += ', scale_grad_by_freq=True';
    text += `, mode=${this.mode}`;
    if (this.paddingIdx !== null) text += `, padding_idx=${this.paddingIdx}`;
    return text;
  }
}
