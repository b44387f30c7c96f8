/** `MultiheadAttention` (PyTorch's parameter layout: packed `in_proj_weight`, or `q/k/v_proj_weight` with kdim/vdim). */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { multiHeadAttentionForward } from '../functional/attention.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { type FactoryOptions, Linear } from './linear.js';
import { AssertionError } from './rnn.js';

/** The out-projection of `MultiheadAttention`: a `Linear` under PyTorch's class name (for printing). */
export class NonDynamicallyQuantizableLinear extends Linear {}

/** Options of `MultiheadAttention` (PyTorch's keyword arguments). */
export interface MultiheadAttentionOptions extends FactoryOptions {
  /** Dropout on the attention weights, in training mode. */
  dropout?: number;
  bias?: boolean;
  /** Learned key and value vectors appended to the key and value sequences. */
  addBiasKv?: boolean;
  /** A zero key and value appended to the sequences. */
  addZeroAttn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  /** Inputs and output as `(N, L, E)` instead of `(L, N, E)`. */
  batchFirst?: boolean;
}

/** Options of `MultiheadAttention.forward`. */
export interface MultiheadAttentionForwardOptions {
  /** `(N, S)`: `true` (or `-inf`) marks padded keys to ignore. */
  keyPaddingMask?: Tensor | null;
  /** Whether to return the attention weights (default true). */
  needWeights?: boolean;
  /** `(L, S)` or `(N·heads, L, S)`: `true` marks positions that may not attend; a float mask is added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads (default true). */
  averageAttnWeights?: boolean;
}

/**
 * Multi-head attention, `softmax(Q Kᵀ / √d) V` per head with input and output projections. `forward(query, key,
 * value, options?)` returns `[output, weights | null]`.
 *
 * ```ts
 * const mha = new MultiheadAttention(16, 4, { batchFirst: true });
 * const [out, weights] = mha.call(x, x, x, { keyPaddingMask });
 * ```
 */
export class MultiheadAttention extends Module {
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare out_proj: NonDynamicallyQuantizableLinear;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly headDim: number;
  readonly addZeroAttn: boolean;
  /** Whether key and value have the query's size (packed `in_proj_weight`). */
  readonly qkvSameEmbedDim: boolean;

  constructor(embedDim: number, numHeads: number, options?: MultiheadAttentionOptions) {
    super();
    if (embedDim <= 0 || numHeads <= 0) {
      throw new torch.ValueError(
        `embed_dim and num_heads must be greater than 0, got embed_dim=${embedDim} and num_heads=${numHeads} instead`,
      );
    }
    this.embedDim = embedDim;
    this.kdim = options?.kdim ?? embedDim;
    this.vdim = options?.vdim ?? embedDim;
    this.qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.numHeads = numHeads;
    this.dropout = options?.dropout ?? 0;
    this.batchFirst = options?.batchFirst ?? false;
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim)
      throw new AssertionError('embed_dim must be divisible by num_heads');
    const factory = { dtype: options?.dtype, device: options?.device };
    if (!this.qkvSameEmbedDim) {
      this.q_proj_weight = new Parameter(torch.empty([embedDim, embedDim], factory));
      this.k_proj_weight = new Parameter(torch.empty([embedDim, this.kdim], factory));
      this.v_proj_weight = new Parameter(torch.empty([embedDim, this.vdim], factory));
      this.registerParameter('in_proj_weight', null);
    } else {
      this.in_proj_weight = new Parameter(torch.empty([3 * embedDim, embedDim], factory));
      this.registerParameter('q_proj_weight', null);
      this.registerParameter('k_proj_weight', null);
      this.registerParameter('v_proj_weight', null);
    }
    const bias = options?.bias ?? true;
    if (bias) this.in_proj_bias = new Parameter(torch.empty([3 * embedDim], factory));
    else this.registerParameter('in_proj_bias', null);
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { ...factory, bias });
    if (options?.addBiasKv) {
      this.bias_k = new Parameter(torch.empty([1, 1, embedDim], factory));
      this.bias_v = new Parameter(torch.empty([1, 1, embedDim], factory));
    } else {
      // Plain attributes, as PyTorch's `self.bias_k = self.bias_v = None` (not registered, not in the state dict).
      this.bias_k = null;
      this.bias_v = null;
    }
    this.addZeroAttn = options?.addZeroAttn ?? false;
    this.resetParameters();
  }

  /** PyTorch's `_reset_parameters`: xavier-uniform projections, zero biases, xavier-normal `bias_k`/`bias_v`. */
  resetParameters(): void {
    if (this.qkvSameEmbedDim) {
      init.xavierUniform_(this.in_proj_weight!);
    } else {
      init.xavierUniform_(this.q_proj_weight!);
      init.xavierUniform_(this.k_proj_weight!);
      init.xavierUniform_(this.v_proj_weight!);
    }
    if (this.in_proj_bias !== null) {
      init.constant_(this.in_proj_bias, 0);
      if (this.out_proj.bias !== null) init.constant_(this.out_proj.bias, 0);
    }
    if (this.bias_k !== null) init.xavierNormal_(this.bias_k);
    if (this.bias_v !== null) init.xavierNormal_(this.bias_v);
  }

  override forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options?: MultiheadAttentionForwardOptions,
  ): [Tensor, Tensor | null] {
    const isBatched = query.dim() === 3;
    const keyPaddingMask = options?.keyPaddingMask ?? null;
    if (keyPaddingMask !== null && keyPaddingMask.dtype !== 'bool' && !keyPaddingMask.isFloatingPoint()) {
      throw new AssertionError('only bool and floating types of key_padding_mask are supported');
    }
    let [q, k, v] = [query, key, value];
    if (this.batchFirst && isBatched) {
      [q, k, v] = [query.transpose(1, 0), key.transpose(1, 0), value.transpose(1, 0)];
    }
    const [output, weights] = multiHeadAttentionForward(
      q,
      k,
      v,
      this.embedDim,
      this.numHeads,
      this.in_proj_weight,
      this.in_proj_bias,
      this.bias_k,
      this.bias_v,
      this.addZeroAttn,
      this.dropout,
      this.out_proj.weight,
      this.out_proj.bias,
      {
        training: this.training,
        keyPaddingMask,
        needWeights: options?.needWeights ?? true,
        attnMask: options?.attnMask ?? null,
        useSeparateProjWeight: !this.qkvSameEmbedDim,
        qProjWeight: this.q_proj_weight,
        kProjWeight: this.k_proj_weight,
        vProjWeight: this.v_proj_weight,
        averageAttnWeights: options?.averageAttnWeights ?? true,
      },
    );
    return [this.batchFirst && isBatched ? output.transpose(1, 0) : output, weights];
  }
}
