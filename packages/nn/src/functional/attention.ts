/**
 * `F.multi_head_attention_forward`: the computation of `MultiheadAttention`, step for step as PyTorch 1.13's Python
 * implementation (in-projection, bias_k/v, zero attention, mask merging, `q / √E`, `baddbmm`, softmax, dropout,
 * out-projection), so the same weights give the same outputs and gradients.
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { AssertionError } from '../modules/rnn.js';
import { dropout } from './dropout.js';
import { linear } from './linear.js';

/** Options of `multiHeadAttentionForward` (PyTorch's keyword arguments). */
export interface MultiHeadAttentionOptions {
  training?: boolean;
  /** `(N, S)` (or `(S)` unbatched): `true` or `-inf`-like floats mark keys to ignore. */
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  /** `(L, S)` or `(N·heads, L, S)`: `true` marks positions that may NOT attend; a float mask is added. */
  attnMask?: Tensor | null;
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  averageAttnWeights?: boolean;
}

function shapeText(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

function tuple(values: readonly number[]): string {
  return `(${values.join(', ')})`;
}

/** PyTorch's `_mha_shape_check`: validates ranks and returns whether the input is batched. */
function mhaShapeCheck(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  keyPaddingMask: Tensor | null,
  attnMask: Tensor | null,
  numHeads: number,
): boolean {
  if (query.dim() === 3) {
    if (key.dim() !== 3 || value.dim() !== 3) {
      throw new AssertionError(
        `For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`,
      );
    }
    if (keyPaddingMask !== null && keyPaddingMask.dim() !== 2) {
      throw new AssertionError(
        `For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${keyPaddingMask.dim()}-D tensor instead`,
      );
    }
    if (attnMask !== null && attnMask.dim() !== 2 && attnMask.dim() !== 3) {
      throw new AssertionError(
        `For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.dim()}-D tensor instead`,
      );
    }
    return true;
  }
  if (query.dim() === 2) {
    if (key.dim() !== 2 || value.dim() !== 2) {
      throw new AssertionError(
        `For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`,
      );
    }
    if (keyPaddingMask !== null && keyPaddingMask.dim() !== 1) {
      throw new AssertionError(
        `For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${keyPaddingMask.dim()}-D tensor instead`,
      );
    }
    if (attnMask !== null) {
      if (attnMask.dim() !== 2 && attnMask.dim() !== 3) {
        throw new AssertionError(
          `For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.dim()}-D tensor instead`,
        );
      }
      const expected = [numHeads, query.size(0), key.size(0)];
      if (attnMask.dim() === 3 && attnMask.shape.join(',') !== expected.join(',')) {
        throw new AssertionError(
          `Expected \`attn_mask\` shape to be ${tuple(expected)} but got ${shapeText(attnMask.shape)}`,
        );
      }
    }
    return false;
  }
  throw new AssertionError(
    `query should be unbatched 2D or batched 3D tensor but received ${query.dim()}-D query tensor`,
  );
}

/** Appends one column to the last dim of a mask (PyTorch's `pad(mask, (0, 1))`): `false` or `0`. */
function padMask(mask: Tensor): Tensor {
  const extra = torch.zeros([...mask.shape.slice(0, -1), 1], { dtype: mask.dtype, device: mask.device });
  return torch.cat([mask, extra], -1);
}

/**
 * `F.multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
 * bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, ...)` on sequence-first inputs
 * (`(L, N, E)` or unbatched `(L, E)`). Returns `[output, weights]`, the weights `(N, L, S)` averaged over heads (or
 * `(N, heads, L, S)`), `null` without `needWeights`.
 */
export function multiHeadAttentionForward(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  embedDimToCheck: number,
  numHeads: number,
  inProjWeight: Tensor | null,
  inProjBias: Tensor | null,
  biasK: Tensor | null,
  biasV: Tensor | null,
  addZeroAttn: boolean,
  dropoutP: number,
  outProjWeight: Tensor,
  outProjBias: Tensor | null,
  options?: MultiHeadAttentionOptions,
): [Tensor, Tensor | null] {
  const training = options?.training ?? true;
  let keyPaddingMask = options?.keyPaddingMask ?? null;
  let attnMask = options?.attnMask ?? null;
  const needWeights = options?.needWeights ?? true;
  const separate = options?.useSeparateProjWeight ?? false;
  const isBatched = mhaShapeCheck(query, key, value, keyPaddingMask, attnMask, numHeads);
  let q0 = query;
  let k0 = key;
  let v0 = value;
  if (!isBatched) {
    q0 = query.unsqueeze(1);
    k0 = key.unsqueeze(1);
    v0 = value.unsqueeze(1);
    if (keyPaddingMask !== null) keyPaddingMask = keyPaddingMask.unsqueeze(0);
  }
  const [tgtLen, bsz, embedDim] = q0.shape as [number, number, number];
  if (keyPaddingMask !== null && keyPaddingMask.dtype !== 'bool' && !keyPaddingMask.isFloatingPoint()) {
    throw new AssertionError('only bool and floating types of key_padding_mask are supported');
  }
  if (embedDim !== embedDimToCheck) {
    throw new AssertionError(`was expecting embedding dimension of ${embedDimToCheck}, but got ${embedDim}`);
  }
  const headDim = Math.floor(embedDim / numHeads);
  if (headDim * numHeads !== embedDim) {
    throw new AssertionError(`embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);
  }
  if (separate) {
    if (k0.size(0) !== v0.size(0) || k0.size(1) !== v0.size(1)) {
      throw new AssertionError(
        `key's sequence and batch dims ${shapeText(k0.shape.slice(0, 2))} do not match value's ${shapeText(v0.shape.slice(0, 2))}`,
      );
    }
  } else if (k0.shape.join(',') !== v0.shape.join(',')) {
    throw new AssertionError(
      `key shape ${shapeText(k0.shape)} does not match value shape ${shapeText(v0.shape)}`,
    );
  }

  // In-projection. PyTorch packs the projections when q, k, v are the same tensor; projecting them one by one gives
  // the same numbers.
  let wq: Tensor;
  let wk: Tensor;
  let wv: Tensor;
  if (separate) {
    const { qProjWeight, kProjWeight, vProjWeight } = options ?? {};
    if (qProjWeight === undefined || qProjWeight === null) {
      throw new AssertionError('use_separate_proj_weight is True but q_proj_weight is None');
    }
    if (kProjWeight === undefined || kProjWeight === null) {
      throw new AssertionError('use_separate_proj_weight is True but k_proj_weight is None');
    }
    if (vProjWeight === undefined || vProjWeight === null) {
      throw new AssertionError('use_separate_proj_weight is True but v_proj_weight is None');
    }
    [wq, wk, wv] = [qProjWeight, kProjWeight, vProjWeight];
  } else {
    if (inProjWeight === null) {
      throw new AssertionError('use_separate_proj_weight is False but in_proj_weight is None');
    }
    [wq, wk, wv] = inProjWeight.chunk(3) as [Tensor, Tensor, Tensor];
  }
  const [bq, bk, bv] =
    inProjBias === null ? [null, null, null] : (inProjBias.chunk(3) as [Tensor, Tensor, Tensor]);
  let q = linear(q0, wq, bq);
  let k = linear(k0, wk, bk);
  let v = linear(v0, wv, bv);

  // Attention mask: 3-D, of the query's dtype or bool.
  if (attnMask !== null) {
    if (attnMask.dtype === 'uint8') attnMask = attnMask.to('bool');
    else if (!attnMask.isFloatingPoint() && attnMask.dtype !== 'bool') {
      throw new AssertionError(
        `Only float, byte, and bool types are supported for attn_mask, not torch.${attnMask.dtype}`,
      );
    }
    if (attnMask.dim() === 2) {
      if (attnMask.size(0) !== tgtLen || attnMask.size(1) !== k.size(0)) {
        throw new torch.RuntimeError(
          `The shape of the 2D attn_mask is ${shapeText(attnMask.shape)}, but should be ${tuple([tgtLen, k.size(0)])}.`,
        );
      }
      attnMask = attnMask.unsqueeze(0);
    } else if (attnMask.dim() === 3) {
      const expected = [bsz * numHeads, tgtLen, k.size(0)];
      if (attnMask.shape.join(',') !== expected.join(',')) {
        throw new torch.RuntimeError(
          `The shape of the 3D attn_mask is ${shapeText(attnMask.shape)}, but should be ${tuple(expected)}.`,
        );
      }
    } else {
      throw new torch.RuntimeError(`attn_mask's dimension ${attnMask.dim()} is not supported`);
    }
  }

  if (biasK !== null && biasV !== null) {
    k = torch.cat([k, biasK.repeat(1, bsz, 1)]);
    v = torch.cat([v, biasV.repeat(1, bsz, 1)]);
    if (attnMask !== null) attnMask = padMask(attnMask);
    if (keyPaddingMask !== null) keyPaddingMask = padMask(keyPaddingMask);
  }

  // Heads into the batch dim: (N·heads, L, head_dim).
  q = q
    .contiguous()
    .view(tgtLen, bsz * numHeads, headDim)
    .transpose(0, 1);
  k = k
    .contiguous()
    .view(k.size(0), bsz * numHeads, headDim)
    .transpose(0, 1);
  v = v
    .contiguous()
    .view(v.size(0), bsz * numHeads, headDim)
    .transpose(0, 1);

  if (addZeroAttn) {
    const zeroShape = [bsz * numHeads, 1, headDim];
    k = torch.cat([k, torch.zeros(zeroShape, { dtype: k.dtype, device: k.device })], 1);
    v = torch.cat([v, torch.zeros(zeroShape, { dtype: v.dtype, device: v.device })], 1);
    if (attnMask !== null) attnMask = padMask(attnMask);
    if (keyPaddingMask !== null) keyPaddingMask = padMask(keyPaddingMask);
  }
  const srcLen = k.size(1);

  if (keyPaddingMask !== null) {
    if (keyPaddingMask.dim() !== 2 || keyPaddingMask.size(0) !== bsz || keyPaddingMask.size(1) !== srcLen) {
      throw new AssertionError(
        `expecting key_padding_mask shape of ${tuple([bsz, srcLen])}, but got ${shapeText(keyPaddingMask.shape)}`,
      );
    }
    const merged = keyPaddingMask
      .view(bsz, 1, 1, srcLen)
      .expand(-1, numHeads, -1, -1)
      .reshape(bsz * numHeads, 1, srcLen);
    if (attnMask === null) attnMask = merged;
    else if (attnMask.dtype === 'bool' && merged.dtype === 'bool') attnMask = attnMask.logicalOr(merged);
    else if (merged.dtype === 'bool') attnMask = attnMask.maskedFill(merged, Number.NEGATIVE_INFINITY);
    else {
      const floatMask =
        attnMask.dtype === 'bool'
          ? torch.zeros(attnMask.shape, { dtype: q.dtype }).maskedFill(attnMask, Number.NEGATIVE_INFINITY)
          : attnMask;
      attnMask = floatMask.add(merged);
    }
  }
  if (attnMask !== null && attnMask.dtype === 'bool') {
    attnMask = torch
      .zeros(attnMask.shape, { dtype: q.dtype, device: q.device })
      .maskedFill(attnMask, Number.NEGATIVE_INFINITY);
  }
  const p = training ? dropoutP : 0;

  const qScaled = q.div(Math.sqrt(headDim));
  let weights =
    attnMask !== null
      ? torch.baddbmm(attnMask, qScaled, k.transpose(-2, -1))
      : torch.bmm(qScaled, k.transpose(-2, -1));
  weights = weights.softmax(-1);
  if (p > 0) weights = dropout(weights, p, true);
  let output = torch.bmm(weights, v);
  output = output
    .transpose(0, 1)
    .contiguous()
    .view(tgtLen * bsz, embedDim);
  output = linear(output, outProjWeight, outProjBias).view(tgtLen, bsz, output.size(1));
  if (!needWeights) return [isBatched ? output : output.squeeze(1), null];
  let returned = weights.view(bsz, numHeads, tgtLen, srcLen);
  if (options?.averageAttnWeights ?? true) returned = returned.sum(1).div(numHeads);
  if (!isBatched) {
    output = output.squeeze(1);
    returned = returned.squeeze(0);
  }
  return [output, returned];
}
