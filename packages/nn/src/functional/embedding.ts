/** `F.embedding`, `F.embedding_bag`, `F.one_hot`. */
import { Function as AutogradFunction, type FunctionCtx, noGrad } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { ScaleGrad } from '../internal/scale-grad.js';

/** Options of `embedding`. */
export interface EmbeddingOptions {
  /** Row whose gradient stays zero (negative counts from the end). */
  paddingIdx?: number | null;
  /** Rows looked up are renormalised in place to at most this norm. */
  maxNorm?: number | null;
  /** The p of the norm for `maxNorm` (default 2). */
  normType?: number;
  /** Scales each row's gradient by the inverse of its frequency in the batch. */
  scaleGradByFreq?: boolean;
  /**
   * Makes the weight's gradient a sparse COO tensor holding one row per index looked up (padding excluded), so its
   * memory is proportional to the batch, not the vocabulary. SGD, SparseAdam and Adagrad accept it.
   */
  sparse?: boolean;
}

/**
 * The lookup with a sparse weight gradient (PyTorch's `embedding_sparse_backward`): indices are the flat input
 * without padding entries, values the matching rows of the output gradient, uncoalesced.
 */
class SparseEmbedding extends AutogradFunction {
  static override forward(
    ctx: FunctionCtx,
    weight: Tensor,
    flat: Tensor,
    paddingIdx: number | null,
    scaleGradByFreq: boolean,
  ): Tensor {
    ctx.flat = flat;
    ctx.paddingIdx = paddingIdx;
    ctx.size = weight.shape;
    // PyTorch fails in backward, not in forward: a forward-only use of such a layer works.
    ctx.scaleGradByFreq = scaleGradByFreq;
    return weight.indexSelect(0, flat);
  }

  static override backward(ctx: FunctionCtx, grad: Tensor): (Tensor | null)[] {
    if (ctx.scaleGradByFreq) {
      throw new torch.RuntimeError(
        'embedding_backward: scale_grad_by_freq not supported with sparse gradients',
      );
    }
    let indices = (ctx.flat as Tensor).to('int64');
    let values = grad.reshape([-1, grad.size(-1)]);
    const paddingIdx = ctx.paddingIdx as number | null;
    if (paddingIdx !== null) {
      const keep = indices.ne(paddingIdx);
      indices = indices.get(keep);
      values = values.get(keep);
    }
    return [
      torch._sparseCooTensorUnsafe(indices.unsqueeze(0), values, ctx.size as number[]),
      null,
      null,
      null,
    ];
  }
}

function checkIndices(input: Tensor, name: string): void {
  if (input.dtype !== 'int64' && input.dtype !== 'int32') {
    throw new torch.RuntimeError(
      `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${input.typeName()} instead (while checking arguments for ${name})`,
    );
  }
}

/** PyTorch's `embedding_renorm_`: rows referenced by `input` whose norm exceeds `maxNorm` are scaled down in place. */
export function embeddingRenorm_(weight: Tensor, input: Tensor, maxNorm: number, normType: number): Tensor {
  noGrad(() => {
    const unique = input.reshape(-1).unique() as Tensor;
    const rows = weight.indexSelect(0, unique);
    const norms = rows.norm(normType, 1);
    const values = norms.tolist() as number[];
    const ids = unique.tolist() as number[];
    values.forEach((norm, i) => {
      if (norm > maxNorm) {
        const row = weight.select(0, Number(ids[i]));
        row.mul_(maxNorm / (norm + 1e-7));
      }
    });
  });
  return weight;
}

/**
 * `F.embedding(input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq)`: rows of `weight` picked by
 * the integer `input`, output shape `[...input.shape, embedding_dim]`.
 */
export function embedding(input: Tensor, weight: Tensor, options?: EmbeddingOptions): Tensor {
  checkIndices(input, 'embedding');
  let paddingIdx = options?.paddingIdx ?? null;
  if (paddingIdx !== null) {
    const rows = weight.size(0);
    if (paddingIdx >= rows || paddingIdx < -rows)
      throw new torch.RuntimeError('Padding_idx must be within num_embeddings');
    if (paddingIdx < 0) paddingIdx += rows;
  }
  if (options?.maxNorm !== undefined && options.maxNorm !== null) {
    embeddingRenorm_(weight, input, options.maxNorm, options.normType ?? 2);
  }
  const flat = input.reshape(-1);
  if (options?.sparse) {
    const rows = SparseEmbedding.apply(weight, flat, paddingIdx, options.scaleGradByFreq ?? false) as Tensor;
    return rows.reshape([...input.shape, weight.size(1)]);
  }
  let rows = weight.indexSelect(0, flat);
  if (weight.requiresGrad && (paddingIdx !== null || options?.scaleGradByFreq)) {
    let scale = torch.ones([flat.numel(), 1], { dtype: weight.dtype });
    if (options?.scaleGradByFreq) {
      const counts = torch.bincount(flat.to('int64'), null, weight.size(0));
      scale = counts.indexSelect(0, flat).to(weight.dtype).reciprocal().unsqueeze(1);
    }
    if (paddingIdx !== null) scale = scale.mul(flat.ne(paddingIdx).unsqueeze(1).to(weight.dtype));
    rows = ScaleGrad.apply(rows, scale) as Tensor;
  }
  return rows.reshape([...input.shape, weight.size(1)]);
}

/** Options of `embeddingBag`. */
export interface EmbeddingBagOptions extends EmbeddingOptions {
  /** Start of each bag in a 1-d `input` (required then; forbidden for 2-d input). */
  offsets?: Tensor | null;
  /** How a bag's rows are reduced. */
  mode?: 'sum' | 'mean' | 'max';
  /** One weight per index, multiplying its row (mode `'sum'` only). */
  perSampleWeights?: Tensor | null;
  /** Whether `offsets` has one more entry, the end of the last bag. */
  includeLastOffset?: boolean;
}

/**
 * `F.embedding_bag`: sums, averages or maxes the embeddings of each bag. A 2-d `input` holds one bag per row; a
 * 1-d `input` is cut into bags by `offsets`. Empty bags give zeros.
 */
export function embeddingBag(input: Tensor, weight: Tensor, options?: EmbeddingBagOptions): Tensor {
  const mode = options?.mode ?? 'mean';
  if (options?.sparse && mode === 'max')
    throw new torch.ValueError('max mode does not support sparse weights');
  let offsets = options?.offsets ?? null;
  let flat = input;
  let perSample = options?.perSampleWeights ?? null;
  if (perSample !== null && mode !== 'sum') {
    throw new torch.NotImplementedError(
      `embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on GitHub.`,
    );
  }
  if (input.dim() === 2) {
    if (offsets !== null) {
      throw new torch.ValueError(
        'if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type Tensor',
      );
    }
    offsets = torch.arange(0, input.numel(), input.size(1), { dtype: 'int64' });
    flat = input.reshape(-1);
    if (perSample !== null) perSample = perSample.reshape(-1);
  } else if (input.dim() === 1) {
    if (offsets === null) throw new torch.ValueError('offsets has to be a 1D Tensor but got None');
    if (offsets.dim() !== 1) throw new torch.ValueError('offsets has to be a 1D Tensor');
  } else {
    throw new torch.ValueError(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.dim()}`);
  }
  const starts = (offsets.tolist() as (number | bigint)[]).map(Number);
  const total = flat.numel();
  const numBags = options?.includeLastOffset ? starts.length - 1 : starts.length;
  const ends = starts.slice(1);
  if (!options?.includeLastOffset) ends.push(total);
  const rows = embedding(flat, weight, {
    sparse: options?.sparse ?? false,
    paddingIdx: options?.paddingIdx ?? null,
    maxNorm: options?.maxNorm ?? null,
    normType: options?.normType ?? 2,
    scaleGradByFreq: options?.scaleGradByFreq ?? false,
  });
  const weighted = perSample !== null ? rows.mul(perSample.unsqueeze(1)) : rows;
  // Padding entries do not count towards a bag (they are skipped, as PyTorch does).
  let keep: Tensor | null = null;
  let paddingIdx = options?.paddingIdx ?? null;
  if (paddingIdx !== null) {
    if (paddingIdx < 0) paddingIdx += weight.size(0);
    keep = flat.ne(paddingIdx);
  }
  const dimension = weight.size(1);
  if (mode !== 'max') return sumBags(weighted, keep, starts, ends, numBags, mode === 'mean');
  // Max mode reduces bag by bag with amax; on exact ties its backward splits the gradient, where PyTorch gives it
  // all to one index.
  const bags: Tensor[] = [];
  for (let b = 0; b < numBags; b++) {
    const start = starts[b]!;
    const end = ends[b]!;
    let slice = weighted.narrow(0, start, end - start);
    let count = end - start;
    if (keep !== null && count > 0) {
      const mask = keep.narrow(0, start, count);
      count = Number(mask.sum().item());
      slice = slice.get(mask);
    }
    if (count === 0) {
      bags.push(torch.zeros([dimension], { dtype: weight.dtype }));
      continue;
    }
    bags.push(slice.amax(0));
  }
  if (bags.length === 0) return torch.zeros([0, dimension], { dtype: weight.dtype });
  return torch.stack(bags);
}

/**
 * Sum or mean of each bag in two differentiable ops, whatever the number of bags: the rows that belong to a bag (not
 * padding, inside its `[start, end)`) are added into their bag's row with `indexAdd`, then divided by the bag sizes.
 */
function sumBags(
  rows: Tensor,
  keep: Tensor | null,
  starts: readonly number[],
  ends: readonly number[],
  numBags: number,
  mean: boolean,
): Tensor {
  const total = rows.size(0);
  const kept = keep === null ? null : (keep.tolist() as boolean[]);
  const members: number[] = [];
  const bagIds: number[] = [];
  const counts = new Float64Array(numBags);
  for (let b = 0; b < numBags; b++) {
    const end = Math.min(ends[b]!, total);
    for (let i = Math.max(starts[b]!, 0); i < end; i++) {
      if (kept !== null && !kept[i]) continue;
      members.push(i);
      bagIds.push(b);
      counts[b]!++;
    }
  }
  const dimension = rows.size(1);
  const out = torch.zeros([numBags, dimension], { dtype: rows.dtype });
  if (members.length === 0) return out;
  const all = members.length === total && members.every((m, i) => m === i);
  const source = all ? rows : rows.indexSelect(0, torch.tensor(members, { dtype: 'int64' }));
  const summed = out.indexAdd(0, torch.tensor(bagIds, { dtype: 'int64' }), source);
  if (!mean) return summed;
  const sizes = torch.fromTypedArray(counts).clampMin(1).to(rows.dtype);
  return summed.div(sizes.unsqueeze(1));
}

/** `F.one_hot(tensor, num_classes=-1)`: int64 one-hot vectors along a new last dim. */
export function oneHot(input: Tensor, numClasses = -1): Tensor {
  if (input.dtype !== 'int64') {
    throw new torch.RuntimeError('one_hot is only applicable to index tensor.');
  }
  let classes = numClasses;
  if (input.numel() === 0) {
    if (classes <= 0)
      throw new torch.RuntimeError('Can not infer total number of classes from empty tensor.');
    return torch.zeros([...input.shape, classes], { dtype: 'int64' });
  }
  const minimum = Number(input.min().item());
  if (minimum < 0) throw new torch.RuntimeError('Class values must be non-negative.');
  const maximum = Number(input.max().item());
  if (classes === -1) classes = maximum + 1;
  else if (maximum >= classes) throw new torch.RuntimeError('Class values must be smaller than num_classes.');
  return torch.zeros([...input.shape, classes], { dtype: 'int64' }).scatter(-1, input.unsqueeze(-1), 1);
}
