/**
 * Joining and splitting: `cat` (`concat`, `concatenate`), `stack`, `hstack`, `vstack` (`rowStack`), `dstack`,
 * `columnStack`, and the view-returning splits `split`, `chunk`, `unbind`, `tensorSplit`, `hsplit`, `vsplit`,
 * `dsplit`.
 *
 * NOTE [Empty 1-d tensors in cat]: PyTorch keeps a legacy rule that a 1-d tensor of size 0 may be concatenated with
 * anything: it is skipped by the shape checks and contributes nothing, but it still takes part in type promotion
 * (`cat([tensor([]), intMatrix])` is float32). The dim is wrapped against the first tensor that is not skipped; when
 * every tensor is skipped the dim is not checked at all and the result has the shape `[0]`.
 */

import { dispatch } from '../dispatch.js';
import { type DType, promoteTypes, scalarTypeName } from '../dtype.js';
import { IndexError, RuntimeError } from '../errors.js';
import { fmtShape, wrapDim } from '../layout.js';
import { hostData, Tensor } from '../tensor.js';
import { checkSameDevice, copyInto, emptyTensor, makeView, sameShape } from './helpers.js';
import { reshape, unsqueeze } from './views.js';

/** A dim given positionally or as `{ dim }` (`cat` also takes NumPy's `{ axis }`). */
export type DimOption = number | { dim?: number; axis?: number };

function dimOf(option: DimOption | undefined, fallback = 0): number {
  if (option === undefined) return fallback;
  if (typeof option === 'number') return option;
  return option.dim ?? option.axis ?? fallback;
}

/** Wraps a dim of a tensor that must not be 0-d, with PyTorch's message for 0-d tensors. */
export function wrapDimNoScalar(dim: number, ndim: number): number {
  if (ndim === 0) {
    if (!Number.isInteger(dim)) throw new TypeError(`dim must be an integer, got ${dim}`);
    throw new IndexError(`Dimension specified as ${dim} but tensor has no dimensions`);
  }
  return wrapDim(dim, ndim);
}

function checkTensorList(tensors: readonly Tensor[], op: string): void {
  if (!Array.isArray(tensors)) throw new TypeError(`${op}(): argument 'tensors' must be a list of Tensors`);
  for (let i = 0; i < tensors.length; i++) {
    if (!(tensors[i] instanceof Tensor)) {
      throw new TypeError(
        `${op}(): expected Tensor as element ${i} in argument 0, but got ${typeof tensors[i]}`,
      );
    }
  }
}

function skippedInCat(t: Tensor): boolean {
  return t._shape.length === 1 && t._shape[0] === 0;
}

// ---------------------------------------------------------------------------------------------------------------
// cat and stack

/**
 * `torch.cat(tensors, dim=0)`: joins tensors along an existing dim. Dtypes promote as in PyTorch; 1-d empty tensors
 * are skipped (see NOTE [Empty 1-d tensors in cat]).
 *
 * ```ts
 * torch.cat([torch.zeros(2, 3), torch.ones(1, 3)]).shape;   // [3, 3]
 * torch.cat([a, b], { dim: -1 });
 * ```
 */
export function cat(tensors: readonly Tensor[], dim?: DimOption): Tensor {
  checkTensorList(tensors, 'cat');
  if (tensors.length === 0) throw new RuntimeError('torch.cat(): expected a non-empty list of Tensors');
  const requested = dimOf(dim);
  for (let i = 0; i < tensors.length; i++) {
    if (tensors[i]!._shape.length === 0) {
      throw new RuntimeError(`zero-dimensional tensor (at position ${i}) cannot be concatenated`);
    }
  }
  const device = checkSameDevice('cat', tensors);
  let dtype: DType = tensors[0]!.dtype;
  for (const t of tensors) dtype = promoteTypes(dtype, t.dtype);
  const firstIndex = tensors.findIndex((t) => !skippedInCat(t));
  if (firstIndex < 0) {
    return dispatch('cat', tensors, { dim: requested, sizes: tensors.map(() => 0) }, () =>
      emptyTensor([0], dtype, device),
    );
  }
  const first = tensors[firstIndex]!;
  const d = wrapDim(requested, first._shape.length);
  const outShape = first._shape.slice();
  outShape[d] = 0;
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i]!;
    if (skippedInCat(t)) continue;
    if (t._shape.length !== first._shape.length) {
      throw new RuntimeError(
        `Tensors must have same number of dimensions: got ${first._shape.length} and ${t._shape.length}`,
      );
    }
    for (let k = 0; k < t._shape.length; k++) {
      if (k !== d && t._shape[k] !== first._shape[k]) {
        throw new RuntimeError(
          `Sizes of tensors must match except in dimension ${d}. Expected size ${first._shape[k]} but got size ${t._shape[k]} for tensor number ${i} in the list.`,
        );
      }
    }
    outShape[d] += t._shape[d]!;
  }
  // Per-input sizes along `dim` (0 for skipped tensors) let autograd split the gradient back.
  const sizes = tensors.map((t) => (skippedInCat(t) ? 0 : t._shape[d]!));
  return dispatch('cat', tensors, { dim: d, sizes }, () => catInto(tensors, d, outShape, dtype, device));
}

/** Alias of {@link cat}. */
export const concat = cat;
/** Alias of {@link cat}. */
export const concatenate = cat;

function catInto(
  tensors: readonly Tensor[],
  dim: number,
  outShape: number[],
  dtype: DType,
  device: string,
): Tensor {
  const out = emptyTensor(outShape, dtype, device);
  if (out.numel() === 0) return out;
  const fast =
    device === 'cpu' && tensors.every((t) => skippedInCat(t) || (t.dtype === dtype && t.isContiguous()));
  if (fast) {
    catContiguous(out, tensors, dim);
    return out;
  }
  let position = 0;
  for (const t of tensors) {
    if (skippedInCat(t)) continue;
    const size = t._shape[dim]!;
    if (size > 0) {
      const slice = new Tensor(
        out._storage,
        t._shape,
        out._strides,
        out._offset + position * out._strides[dim]!,
      );
      copyInto(slice, t);
    }
    position += size;
  }
  return out;
}

/** Below this many elements per row a plain loop beats `subarray` + `set` (which allocate a view object). */
const SET_MIN_BLOCK = 64;

/**
 * The contiguous same-dtype fast path: the output is `outer` rows; each input fills a block of `size[dim] * inner`
 * consecutive elements of every row, copied with `TypedArray.set`.
 */
function catContiguous(out: Tensor, tensors: readonly Tensor[], dim: number): void {
  const outData = hostData(out);
  let outer = 1;
  for (let k = 0; k < dim; k++) outer *= out._shape[k]!;
  const rowLength = out.numel() / outer;
  let column = 0;
  for (const t of tensors) {
    if (skippedInCat(t)) continue;
    const block = t.numel() / outer;
    if (block === 0) continue;
    const src = hostData(t);
    const srcOffset = t._offset;
    if (outer === 1) {
      outData.set(src.subarray(srcOffset, srcOffset + block) as never, column);
    } else if (block >= SET_MIN_BLOCK) {
      for (let row = 0; row < outer; row++) {
        const from = srcOffset + row * block;
        outData.set(src.subarray(from, from + block) as never, row * rowLength + column);
      }
    } else {
      for (let row = 0; row < outer; row++) {
        const from = srcOffset + row * block;
        const to = row * rowLength + column;
        for (let j = 0; j < block; j++) outData[to + j] = src[from + j]!;
      }
    }
    column += block;
  }
}

/**
 * `torch.stack(tensors, dim=0)`: joins equal-shaped tensors along a new dim.
 *
 * ```ts
 * torch.stack([torch.zeros(2), torch.ones(2)], 1).shape;   // [2, 2]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim?: DimOption): Tensor {
  checkTensorList(tensors, 'stack');
  if (tensors.length === 0) throw new RuntimeError('stack expects a non-empty TensorList');
  const first = tensors[0]!;
  const d = wrapDim(dimOf(dim), first._shape.length + 1);
  for (let i = 1; i < tensors.length; i++) {
    if (!sameShape(tensors[i]!._shape, first._shape)) {
      throw new RuntimeError(
        `stack expects each tensor to be equal size, but got ${fmtShape(first._shape)} at entry 0 and ${fmtShape(tensors[i]!._shape)} at entry ${i}`,
      );
    }
  }
  return dispatch('stack', tensors, { dim: d }, () =>
    cat(
      tensors.map((t) => unsqueeze(t, d)),
      d,
    ),
  );
}

function checkNonEmpty(tensors: readonly Tensor[], op: string): void {
  checkTensorList(tensors, op);
  if (tensors.length === 0) throw new RuntimeError(`${op} expects a non-empty TensorList`);
}

/** `torch.hstack`: concatenates along dim 1 (dim 0 for 1-d inputs); 0-d inputs become 1-d. */
export function hstack(tensors: readonly Tensor[]): Tensor {
  checkNonEmpty(tensors, 'hstack');
  const expanded = atLeast(tensors, 1);
  return cat(expanded, expanded[0]!._shape.length === 1 ? 0 : 1);
}

/** `torch.vstack` (alias `rowStack`): concatenates along dim 0 after making every input at least 2-d. */
export function vstack(tensors: readonly Tensor[]): Tensor {
  checkNonEmpty(tensors, 'vstack');
  return cat(atLeast(tensors, 2), 0);
}

/** Alias of {@link vstack} (`torch.row_stack`). */
export function rowStack(tensors: readonly Tensor[]): Tensor {
  checkNonEmpty(tensors, 'row_stack');
  return cat(atLeast(tensors, 2), 0);
}

/** `torch.dstack`: concatenates along dim 2 after making every input at least 3-d. */
export function dstack(tensors: readonly Tensor[]): Tensor {
  checkNonEmpty(tensors, 'dstack');
  return cat(atLeast(tensors, 3), 2);
}

/** `torch.column_stack`: 0-d and 1-d inputs become columns (`[n, 1]`), then everything is joined along dim 1. */
export function columnStack(tensors: readonly Tensor[]): Tensor {
  checkNonEmpty(tensors, 'column_stack');
  return cat(
    tensors.map((t) => (t._shape.length <= 1 ? reshape(t, [t.numel(), 1]) : t)),
    1,
  );
}

/**
 * `atleast_1d/2d/3d` on a list, as the stacking ops need it: 0-d → `[1]`/`[1, 1]`/`[1, 1, 1]`, 1-d `[n]` →
 * `[1, n]`/`[1, n, 1]`, 2-d `[m, n]` → `[m, n, 1]`. Inputs that already have enough dims are returned as they are.
 */
export function atLeast(tensors: readonly Tensor[], ndim: 1 | 2 | 3): Tensor[] {
  return tensors.map((t) => {
    const n = t._shape.length;
    if (n >= ndim) return t;
    if (n === 0) return reshape(t, new Array<number>(ndim).fill(1));
    if (ndim === 2) return unsqueeze(t, 0);
    // ndim === 3
    return n === 1 ? unsqueeze(unsqueeze(t, 0), -1) : unsqueeze(t, -1);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Splits (all views)

/** Builds the narrow views `[start, start + length)` along `dim`, as one dispatched multi-output view op. */
function narrowViews(
  op: string,
  x: Tensor,
  dim: number,
  starts: readonly number[],
  lengths: readonly number[],
  attrs: Record<string, unknown> = {},
): Tensor[] {
  return dispatch(
    op,
    [x],
    { dim, starts, lengths, ...attrs },
    () =>
      starts.map((start, i) => {
        const shape = x._shape.slice();
        shape[dim] = lengths[i]!;
        return makeView(x, shape, x._strides, x._offset + start * x._strides[dim]!);
      }),
    { isView: true },
  );
}

function checkInteger(value: number, what: string, op: string): void {
  if (!Number.isInteger(value))
    throw new TypeError(`${op}(): argument '${what}' must be an integer, got ${value}`);
}

/**
 * `torch.split(x, splitSizeOrSections, dim=0)`: views of size `splitSize` along `dim` (the last may be smaller), or
 * of the listed sizes, which must add up to the dim's size.
 *
 * ```ts
 * torch.arange(5).split(2);        // sizes 2, 2, 1
 * torch.arange(5).split([1, 4]);   // sizes 1, 4
 * ```
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim?: DimOption): Tensor[] {
  if (typeof splitSizeOrSections !== 'number') return splitWithSizes(x, splitSizeOrSections, dim);
  const splitSize = splitSizeOrSections;
  checkInteger(splitSize, 'split_size', 'split');
  if (x._shape.length === 0) throw new RuntimeError('split expects at least a 1-dimensional tensor');
  const d = wrapDim(dimOf(dim), x._shape.length);
  if (splitSize < 0)
    throw new RuntimeError(`split expects split_size be non-negative, but got split_size=${splitSize}`);
  const dimSize = x._shape[d]!;
  if (splitSize === 0 && dimSize !== 0) {
    throw new RuntimeError(
      `split_size can only be 0 if dimension size is 0, but got dimension size of ${dimSize}`,
    );
  }
  const count = splitSize === 0 ? 1 : Math.max(Math.ceil(dimSize / splitSize), 1);
  const lastSize = splitSize - (splitSize * count - dimSize);
  const starts: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < count; i++) {
    starts.push(i * splitSize);
    lengths.push(i === count - 1 ? lastSize : splitSize);
  }
  return narrowViews('split', x, d, starts, lengths);
}

/** `torch.split_with_sizes`: the list form of {@link split}. */
export function splitWithSizes(x: Tensor, splitSizes: readonly number[], dim?: DimOption): Tensor[] {
  for (const s of splitSizes) checkInteger(s, 'split_sizes', 'split_with_sizes');
  if (x._shape.length === 0) throw new RuntimeError('split expects at least a 1-dimensional tensor');
  const d = wrapDim(dimOf(dim), x._shape.length);
  const dimSize = x._shape[d]!;
  let total = 0;
  for (const s of splitSizes) {
    if (s < 0) {
      throw new RuntimeError(
        `split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=${fmtShape(splitSizes)}`,
      );
    }
    total += s;
  }
  if (total !== dimSize) {
    throw new RuntimeError(
      `split_with_sizes expects split_sizes to sum exactly to ${dimSize} (input tensor's size at dimension ${d}), but got split_sizes=${fmtShape(splitSizes)}`,
    );
  }
  const starts: number[] = [];
  let start = 0;
  for (const s of splitSizes) {
    starts.push(start);
    start += s;
  }
  return narrowViews('split', x, d, starts, splitSizes.slice(), { withSizes: true });
}

/**
 * `torch.chunk(x, chunks, dim=0)`: at most `chunks` views of size `ceil(size / chunks)`; may return fewer.
 */
export function chunk(x: Tensor, chunks: number, dim?: DimOption): Tensor[] {
  checkInteger(chunks, 'chunks', 'chunk');
  if (x._shape.length === 0) throw new RuntimeError('chunk expects at least a 1-dimensional tensor');
  if (chunks <= 0) throw new RuntimeError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = wrapDim(dimOf(dim), x._shape.length);
  const dimSize = x._shape[d]!;
  const splitSize = Math.ceil(dimSize / chunks);
  // An empty dim still gives `chunks` empty pieces, as PyTorch does (split would give one).
  if (dimSize === 0) return splitWithSizes(x, new Array<number>(chunks).fill(0), d);
  return split(x, splitSize, d);
}

/** `torch.unbind(x, dim=0)`: every index along `dim` as a view with that dim removed. */
export function unbind(x: Tensor, dim?: DimOption): Tensor[] {
  const d = wrapDimNoScalar(dimOf(dim), x._shape.length);
  return dispatch(
    'unbind',
    [x],
    { dim: d },
    () => {
      const shape = x._shape.slice();
      const strides = x._strides.slice();
      shape.splice(d, 1);
      strides.splice(d, 1);
      const pieces: Tensor[] = [];
      for (let i = 0; i < x._shape[d]!; i++)
        pieces.push(makeView(x, shape, strides, x._offset + i * x._strides[d]!));
      return pieces;
    },
    { isView: true },
  );
}

/** Python slice bounds: negative counts from the end, then clamped to `[0, size]`. */
function clampIndex(index: number, size: number): number {
  const wrapped = index < 0 ? index + size : index;
  return Math.min(Math.max(wrapped, 0), size);
}

/**
 * `torch.tensor_split(x, indicesOrSections, dim=0)`: `n` sections (the first `size % n` one element longer), or
 * cuts at the listed indices (Python slice rules, so out-of-range indices give empty pieces). A 0-d int64 tensor
 * counts as sections, a 1-d one as indices.
 */
export function tensorSplit(
  x: Tensor,
  indicesOrSections: number | readonly number[] | Tensor,
  dim?: DimOption,
): Tensor[] {
  if (x._shape.length === 0) {
    throw new RuntimeError(
      `tensor_split expected at least a 1-dimensional tensor, but got a tensor with ${x._shape.length} dims`,
    );
  }
  let spec: number | readonly number[];
  if (indicesOrSections instanceof Tensor) {
    const t = indicesOrSections;
    if (t.device !== 'cpu') {
      throw new RuntimeError(
        `tensor_split expected tensor_indices_or_sections to be on cpu, but it's on ${t.device}`,
      );
    }
    if (t.dtype !== 'int64') {
      throw new RuntimeError(
        `tensor_split expected tensor_indices_or_sections to have dtype of long, but got ${scalarTypeName(t.dtype)}`,
      );
    }
    if (t._shape.length > 1) {
      throw new RuntimeError(
        `tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with ${t._shape.length} dims`,
      );
    }
    const values = t.tolist() as number | number[];
    spec = t._shape.length === 0 ? (values as number) : (values as number[]);
  } else {
    spec = indicesOrSections;
  }
  const d = wrapDim(dimOf(dim), x._shape.length);
  const dimSize = x._shape[d]!;
  const starts: number[] = [];
  const lengths: number[] = [];
  if (typeof spec === 'number') {
    checkInteger(spec, 'sections', 'tensor_split');
    if (spec <= 0) throw new RuntimeError(`number of sections must be larger than 0, got ${spec}`);
    const minSize = Math.floor(dimSize / spec);
    const extra = dimSize % spec;
    let start = 0;
    for (let i = 0; i < spec; i++) {
      const length = minSize + (i < extra ? 1 : 0);
      starts.push(start);
      lengths.push(length);
      start += length;
    }
  } else {
    let start = 0;
    for (const index of spec) {
      checkInteger(index, 'indices', 'tensor_split');
      const end = Math.max(clampIndex(index, dimSize), start);
      starts.push(start);
      lengths.push(end - start);
      start = clampIndex(index, dimSize);
    }
    starts.push(start);
    lengths.push(dimSize - start);
  }
  return narrowViews('tensorSplit', x, d, starts, lengths);
}

function directionalSplit(
  x: Tensor,
  indicesOrSections: number | readonly number[],
  op: 'hsplit' | 'vsplit' | 'dsplit',
  minDims: number,
  dim: number,
): Tensor[] {
  if (x._shape.length < minDims) {
    throw new RuntimeError(
      `torch.${op} requires a tensor with at least ${minDims} dimension, but got a tensor with ${x._shape.length} dimensions!`,
    );
  }
  if (typeof indicesOrSections === 'number') {
    const size = x._shape[dim]!;
    if (indicesOrSections === 0 || size % indicesOrSections !== 0) {
      throw new RuntimeError(
        `torch.${op} attempted to split along dimension ${dim}, but the size of the dimension ${size} is not divisible by the split_size ${indicesOrSections}!`,
      );
    }
  }
  return tensorSplit(x, indicesOrSections, dim);
}

/** `torch.hsplit`: {@link tensorSplit} along dim 1 (dim 0 for 1-d tensors); sections must divide the size. */
export function hsplit(x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] {
  if (x._shape.length === 0) {
    throw new RuntimeError(
      'torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 dimensions!',
    );
  }
  return directionalSplit(x, indicesOrSections, 'hsplit', 1, x._shape.length === 1 ? 0 : 1);
}

/** `torch.vsplit`: {@link tensorSplit} along dim 0 of a tensor with at least 2 dims. */
export function vsplit(x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] {
  return directionalSplit(x, indicesOrSections, 'vsplit', 2, 0);
}

/** `torch.dsplit`: {@link tensorSplit} along dim 2 of a tensor with at least 3 dims. */
export function dsplit(x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] {
  return directionalSplit(x, indicesOrSections, 'dsplit', 3, 2);
}

// ---------------------------------------------------------------------------------------------------------------
// Methods

declare module '../tensor.js' {
  interface Tensor {
    /** See {@link split}. */
    split(splitSizeOrSections: number | readonly number[], dim?: DimOption): Tensor[];
    /** See {@link splitWithSizes}. */
    splitWithSizes(splitSizes: readonly number[], dim?: DimOption): Tensor[];
    /** See {@link chunk}. */
    chunk(chunks: number, dim?: DimOption): Tensor[];
    /** See {@link unbind}. */
    unbind(dim?: DimOption): Tensor[];
    /** See {@link tensorSplit}. */
    tensorSplit(indicesOrSections: number | readonly number[] | Tensor, dim?: DimOption): Tensor[];
    /** See {@link hsplit}. */
    hsplit(indicesOrSections: number | readonly number[]): Tensor[];
    /** See {@link vsplit}. */
    vsplit(indicesOrSections: number | readonly number[]): Tensor[];
    /** See {@link dsplit}. */
    dsplit(indicesOrSections: number | readonly number[]): Tensor[];
  }
}

Tensor.prototype.split = function (splitSizeOrSections, dim) {
  return split(this, splitSizeOrSections, dim);
};
Tensor.prototype.splitWithSizes = function (splitSizes, dim) {
  return splitWithSizes(this, splitSizes, dim);
};
Tensor.prototype.chunk = function (chunks, dim) {
  return chunk(this, chunks, dim);
};
Tensor.prototype.unbind = function (dim) {
  return unbind(this, dim);
};
Tensor.prototype.tensorSplit = function (indicesOrSections, dim) {
  return tensorSplit(this, indicesOrSections, dim);
};
Tensor.prototype.hsplit = function (indicesOrSections) {
  return hsplit(this, indicesOrSections);
};
Tensor.prototype.vsplit = function (indicesOrSections) {
  return vsplit(this, indicesOrSections);
};
Tensor.prototype.dsplit = function (indicesOrSections) {
  return dsplit(this, indicesOrSections);
};
