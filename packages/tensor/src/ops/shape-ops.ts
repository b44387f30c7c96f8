/**
 * Shape-building ops: `flip` (`fliplr`, `flipud`), `roll`, `rot90`, `repeat`, `tile`, `repeatInterleave`,
 * `broadcastTo`, `broadcastTensors`, `meshgrid`, `tril`/`triu` (and in place), `diag`, `diagEmbed`, `diagflat`,
 * `trace`, `kron`, `cross`/`linalgCross` and `atleast1d/2d/3d`.
 *
 * Most of them are a strided view of the input copied into a fresh contiguous tensor with `copyInto` (a flip is a
 * view with negative strides, a repeat is a broadcast view of an interleaved shape), so every backend that can copy
 * between layouts runs them. Composites (`tile`, `kron`, `cross`, `trace`, `rot90`, `diagflat`) are written from
 * other ops and need no derivative formula of their own.
 */

import { dispatch } from '../dispatch.js';
import { type DType, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import {
  broadcastShapes,
  checkShape,
  contiguousStrides,
  inferDenseStrides,
  isNonOverlappingAndDense,
  numelOf,
  shapeArgs,
  wrapDim,
  wrapDims,
} from '../layout.js';
import { hostData, Tensor } from '../tensor.js';
import { mul, sub } from './elementwise.js';
import {
  allocStorage,
  checkSameDevice,
  contiguousCopy,
  copyInto,
  emptyTensor,
  sameShape,
  toDevice,
} from './helpers.js';
import { atLeast, cat, wrapDimNoScalar } from './join.js';
import { sum } from './reduce.js';
import { clone, contiguous, diagonal, expand, narrow, reshape, transpose, view } from './views.js';

type ShapeArg = number | readonly number[];

/** A layout over `t`'s storage with no autograd link: only for data that is copied before it escapes. */
function rawView(t: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(t._storage, shape, strides, offset);
}

/** A raw `narrow` (no dispatch, no `_base`) for copies inside a kernel. */
function rawNarrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  const shape = t._shape.slice();
  shape[dim] = length;
  return rawView(t, shape, t._strides, t._offset + start * t._strides[dim]!);
}

// ---------------------------------------------------------------------------------------------------------------
// flip, roll, rot90

/**
 * `torch.flip(x, dims)`: a copy with the order of elements reversed along `dims` (varargs or an array).
 * Computed as a copy of a view with negated strides.
 */
export function flip(x: Tensor, ...dims: ShapeArg[]): Tensor {
  const wrapped =
    x._shape.length === 0 ? (wrapDims(shapeArgs(dims), 0), []) : wrapDims(shapeArgs(dims), x._shape.length);
  return dispatch('flip', [x], { dims: wrapped }, () => {
    const strides = x._strides.slice();
    let offset = x._offset;
    for (const d of wrapped) {
      if (x._shape[d]! > 1) {
        offset += (x._shape[d]! - 1) * strides[d]!;
        strides[d] = -strides[d]!;
      }
    }
    // Like PyTorch (an `empty_like` output), a dense input keeps its layout: a flipped transpose stays transposed.
    const outStrides = x.isContiguous()
      ? contiguousStrides(x._shape)
      : isNonOverlappingAndDense(x._shape, x._strides)
        ? x._strides
        : inferDenseStrides(x._shape, x._strides);
    const out = new Tensor(allocStorage(x.dtype, x.numel(), x.device), x._shape, outStrides, 0);
    copyInto(out, rawView(x, x._shape, strides, offset));
    return out;
  });
}

/** `torch.fliplr`: flips dim 1 of a tensor with at least 2 dims. */
export function fliplr(x: Tensor): Tensor {
  if (x._shape.length < 2) throw new RuntimeError('Input must be >= 2-d.');
  return flip(x, 1);
}

/** `torch.flipud`: flips dim 0 of a tensor with at least 1 dim. */
export function flipud(x: Tensor): Tensor {
  if (x._shape.length < 1) throw new RuntimeError('Input must be >= 1-d.');
  return flip(x, 0);
}

/** Copies `src` rolled by `shift` along `dim` into a new contiguous tensor (two block copies). */
function rollOnce(src: Tensor, dim: number, shift: number): Tensor {
  const out = emptyTensor(src._shape, src.dtype, src.device);
  if (out.numel() === 0) return out;
  const size = src._shape[dim]!;
  const start = ((shift % size) + size) % size;
  if (size - start > 0)
    copyInto(rawNarrow(out, dim, start, size - start), rawNarrow(src, dim, 0, size - start));
  if (start > 0) copyInto(rawNarrow(out, dim, 0, start), rawNarrow(src, dim, size - start, start));
  return out;
}

/**
 * `torch.roll(x, shifts, dims?)`: elements shifted circularly along each of `dims`; with no dims the tensor is
 * rolled as if flattened and then given its shape back.
 *
 * ```ts
 * torch.arange(5).roll(2);                 // [3, 4, 0, 1, 2]
 * x.roll([1, -1], [0, 1]);
 * ```
 */
export function roll(
  x: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[],
): Tensor {
  const shiftList = typeof shifts === 'number' ? [shifts] : shifts.slice();
  const dimList = dims === undefined || dims === null ? [] : typeof dims === 'number' ? [dims] : dims.slice();
  for (const s of shiftList)
    if (!Number.isInteger(s)) throw new TypeError(`roll(): shifts must be integers, got ${s}`);
  if (shiftList.length === 0) throw new RuntimeError('`shifts` required');
  if (dimList.length === 0 && shiftList.length === 1) {
    return dispatch('roll', [x], { shifts: shiftList, dims: null }, () => {
      const flat = x.isContiguous() ? rawView(x, [x.numel()], [1], x._offset) : contiguousCopy(x).view(-1);
      const rolled = rollOnce(flat, 0, shiftList[0]!);
      return rawView(rolled, x._shape, contiguousStrides(x._shape), 0);
    });
  }
  if (shiftList.length !== dimList.length) {
    throw new RuntimeError(
      `shifts and dimensions must align. shifts: ${shiftList.length}, dims:${dimList.length}`,
    );
  }
  const wrapped = dimList.map((d) => wrapDimNoScalar(d, x._shape.length));
  return dispatch('roll', [x], { shifts: shiftList, dims: wrapped }, () => {
    let current = x;
    for (let i = 0; i < wrapped.length; i++) current = rollOnce(current, wrapped[i]!, shiftList[i]!);
    return current;
  });
}

/**
 * `torch.rot90(x, k=1, dims=[0, 1])`: rotates by 90° `k` times in the plane of `dims`, from the first towards the
 * second. Like PyTorch, odd `k` gives a transposed (non-contiguous) layout of a flipped copy.
 */
export function rot90(x: Tensor, k = 1, dims: readonly number[] = [0, 1]): Tensor {
  const total = x._shape.length;
  if (dims.length !== 2)
    throw new RuntimeError(`expected total rotation dims == 2, but got dims = ${dims.length}`);
  if (total < 2) throw new RuntimeError(`expected total dims >= 2, but got total dims = ${total}`);
  const [dim0, dim1] = dims as [number, number];
  if (dim0 === dim1 || Math.abs(dim0 - dim1) === total) {
    throw new RuntimeError(
      `expected rotation dims to be different, but got dim0 = ${dim0} and dim1 = ${dim1}`,
    );
  }
  if (dim0 >= total || dim0 < -total) throw new RuntimeError(`Rotation dim0 out of range, dim0 = ${dim0}`);
  if (dim1 >= total || dim1 < -total) throw new RuntimeError(`Rotation dim1 out of range, dim1 = ${dim1}`);
  if (!Number.isInteger(k)) throw new TypeError(`rot90(): k must be an integer, got ${k}`);
  const turns = ((k % 4) + 4) % 4;
  switch (turns) {
    case 1:
      return transpose(flip(x, dim1), dim0, dim1);
    case 2:
      return flip(x, [dim0, dim1]);
    case 3:
      return transpose(flip(x, dim0), dim0, dim1);
    default:
      // PyTorch clones with a contiguous (not preserved) layout here.
      return x.isContiguous() ? clone(x) : contiguous(x);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// repeat, tile, repeatInterleave

/**
 * `x.repeat(*sizes)`: tiles the tensor `sizes[i]` times along each dim (new leading dims when `sizes` is longer).
 * Computed as one copy from a broadcast view of the interleaved shape `[r0, s0, r1, s1, ...]`.
 */
export function repeat(x: Tensor, ...sizes: ShapeArg[]): Tensor {
  const repeats = shapeArgs(sizes);
  for (const r of repeats)
    if (!Number.isInteger(r)) throw new TypeError(`repeat(): repeats must be integers, got ${r}`);
  if (repeats.length < x._shape.length) {
    throw new RuntimeError(
      'Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor',
    );
  }
  const lead = repeats.length - x._shape.length;
  const padded = [...new Array<number>(lead).fill(1), ...x._shape];
  const paddedStrides = [...new Array<number>(lead).fill(0), ...x._strides];
  const target = padded.map((s, i) => s * repeats[i]!);
  checkShape(target, 'repeat');
  return dispatch('repeat', [x], { repeats }, () => {
    const out = emptyTensor(target, x.dtype, x.device);
    if (out.numel() === 0) return out;
    const interleaved: number[] = [];
    const sourceStrides: number[] = [];
    padded.forEach((size, i) => {
      interleaved.push(repeats[i]!, size);
      sourceStrides.push(0, paddedStrides[i]!);
    });
    copyInto(
      rawView(out, interleaved, contiguousStrides(interleaved), 0),
      rawView(x, interleaved, sourceStrides, x._offset),
    );
    return out;
  });
}

/** `torch.tile(x, dims)`: {@link repeat} with `dims` padded by leading ones to the tensor's rank. */
export function tile(x: Tensor, ...dims: ShapeArg[]): Tensor {
  const reps = shapeArgs(dims);
  const padded =
    reps.length < x._shape.length
      ? [...new Array<number>(x._shape.length - reps.length).fill(1), ...reps]
      : reps;
  return repeat(x, padded);
}

/** Options of {@link repeatInterleave}. */
export interface RepeatInterleaveOptions {
  dim?: number | null;
  /** The total output size along `dim`, when known (PyTorch uses it to avoid a sync). Checked. */
  outputSize?: number;
}

/** Reads a 0-d/1-d int32/int64 repeats tensor as numbers, with PyTorch's checks. */
function repeatCounts(repeats: Tensor): number[] {
  if (repeats._shape.length !== 1)
    throw new RuntimeError('repeat_interleave only accept 1D vector as repeat');
  if (repeats.dtype !== 'int64' && repeats.dtype !== 'int32') {
    throw new RuntimeError(`"repeat_interleave_cpu" not implemented for '${scalarTypeName(repeats.dtype)}'`);
  }
  const counts = (repeats.device === 'cpu' ? repeats : toDevice(repeats, 'cpu')).tolist() as number[];
  for (const c of counts) if (c < 0) throw new RuntimeError('repeats can not be negative');
  return counts;
}

function checkOutputSize(counts: readonly number[], outputSize: number | undefined): number {
  let total = 0;
  for (const c of counts) total += c;
  if (outputSize !== undefined && outputSize !== total) {
    throw new RuntimeError('allocated size does not match required size');
  }
  return total;
}

/**
 * `torch.repeat_interleave`: repeats each element (or each slice along `dim`) `repeats` times, where `repeats` is a
 * number or a tensor with one count per slice. Without `dim` the input is flattened first. With only a repeats
 * tensor, returns the indices `[0]*r0 + [1]*r1 + ...` in its dtype.
 *
 * ```ts
 * torch.tensor([1, 2]).repeatInterleave(2);                  // [1, 1, 2, 2]
 * x.repeatInterleave(torch.tensor([1, 2]), 0);               // row 0 once, row 1 twice
 * torch.repeatInterleave(torch.tensor([1, 2]));              // [0, 1, 1]
 * ```
 */
export function repeatInterleave(
  input: Tensor,
  repeats?: number | Tensor | RepeatInterleaveOptions,
  dim?: number | null | RepeatInterleaveOptions,
  options?: RepeatInterleaveOptions,
): Tensor {
  const opts: RepeatInterleaveOptions = {
    ...(typeof repeats === 'object' && !(repeats instanceof Tensor) ? repeats : {}),
    ...(typeof dim === 'object' && dim !== null ? dim : {}),
    ...options,
  };
  const repeatsArg = typeof repeats === 'number' || repeats instanceof Tensor ? repeats : undefined;
  const dimArg = typeof dim === 'number' ? dim : (opts.dim ?? null);
  if (repeatsArg === undefined) {
    const counts = repeatCounts(input);
    const total = checkOutputSize(counts, opts.outputSize);
    const out = emptyTensor([total], input.dtype, 'cpu');
    const data = hostData(out);
    let position = 0;
    for (let i = 0; i < counts.length; i++) {
      const value = input.dtype === 'int64' ? BigInt(i) : i;
      for (let r = 0; r < counts[i]!; r++) data[position++] = value as never;
    }
    return toDevice(out, input.device);
  }
  const source = dimArg === null ? reshape(input, [-1]) : input;
  const d = dimArg === null ? 0 : wrapDim(dimArg, source._shape.length);
  const size = source._shape.length === 0 ? 1 : source._shape[d]!;
  let counts: number[];
  if (typeof repeatsArg === 'number') {
    if (!Number.isInteger(repeatsArg))
      throw new TypeError(`repeat_interleave(): repeats must be an integer, got ${repeatsArg}`);
    if (repeatsArg < 0) throw new RuntimeError('repeats can not be negative');
    counts = new Array<number>(size).fill(repeatsArg);
  } else if (
    repeatsArg._shape.length === 0 ||
    (repeatsArg._shape.length === 1 && repeatsArg._shape[0] === 1)
  ) {
    counts = new Array<number>(size).fill(repeatCounts(reshape(repeatsArg, [1]))[0]!);
  } else if (repeatsArg._shape.length === 1) {
    if (repeatsArg._shape[0] !== size)
      throw new RuntimeError('repeats must have the same size as input along dim');
    counts = repeatCounts(repeatsArg);
  } else {
    throw new RuntimeError('repeats must be 0-dim or 1-dim tensor');
  }
  const total = checkOutputSize(counts, opts.outputSize);
  return dispatch('repeatInterleave', [source], { dim: d, repeats: counts }, () =>
    gatherSlices(source, d, counts, total),
  );
}

/** Output slice `k` along `dim` is input slice `i` for `counts[i]` consecutive `k`: block copies on host memory. */
function gatherSlices(x: Tensor, dim: number, counts: readonly number[], total: number): Tensor {
  const device = x.device;
  const host = device === 'cpu' ? x : toDevice(x, 'cpu');
  const src = host.isContiguous() ? host : contiguousCopy(host);
  const shape = src._shape.length === 0 ? [1] : src._shape.slice();
  const outShape = shape.slice();
  outShape[dim] = total;
  const out = emptyTensor(outShape, x.dtype, 'cpu');
  const outData = hostData(out);
  const srcData = hostData(src);
  const outer = numelOf(shape.slice(0, dim));
  const inner = numelOf(shape.slice(dim + 1));
  const size = shape[dim]!;
  let to = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < size; i++) {
      const from = src._offset + (o * size + i) * inner;
      for (let r = 0; r < counts[i]!; r++) {
        if (inner >= 64) outData.set(srcData.subarray(from, from + inner) as never, to);
        else for (let j = 0; j < inner; j++) outData[to + j] = srcData[from + j]!;
        to += inner;
      }
    }
  }
  return device === 'cpu' ? out : toDevice(out, device);
}

// ---------------------------------------------------------------------------------------------------------------
// Broadcasting and grids (views)

/** `torch.broadcast_to(x, shape)`: a zero-stride view (`expand`); `-1` keeps a dim. */
export function broadcastTo(x: Tensor, ...shape: ShapeArg[]): Tensor {
  return expand(x, shapeArgs(shape));
}

/** `torch.broadcast_tensors(*tensors)`: every tensor expanded (as a view) to the common broadcast shape. */
export function broadcastTensors(...tensors: (Tensor | readonly Tensor[])[]): Tensor[] {
  const list: readonly Tensor[] =
    tensors.length === 1 && Array.isArray(tensors[0]) ? tensors[0] : (tensors as Tensor[]);
  const shape = broadcastShapes(...list.map((t) => t._shape));
  // PyTorch (`expand_outplace`) hands back a tensor that already has the shape itself, not a view of it.
  return list.map((t) => (sameShape(t._shape, shape) ? t : expand(t, shape)));
}

/** Options of {@link meshgrid}. */
export interface MeshgridOptions {
  /** `'ij'` (matrix indexing, the default) or `'xy'` (Cartesian: the first two output dims swapped). */
  indexing?: 'ij' | 'xy';
}

/**
 * `torch.meshgrid(*tensors, indexing)`: coordinate grids as broadcast views of the 0-d/1-d inputs.
 *
 * ```ts
 * const [ys, xs] = torch.meshgrid(torch.arange(2), torch.arange(3), { indexing: 'ij' });  // both [2, 3]
 * ```
 */
export function meshgrid(...args: (Tensor | readonly Tensor[] | MeshgridOptions)[]): Tensor[] {
  let options: MeshgridOptions = {};
  let items = args;
  const last = args[args.length - 1];
  if (last !== undefined && !(last instanceof Tensor) && !Array.isArray(last)) {
    options = last as MeshgridOptions;
    items = args.slice(0, -1);
  }
  const tensors: Tensor[] =
    items.length === 1 && Array.isArray(items[0])
      ? [...(items[0] as readonly Tensor[])]
      : (items as Tensor[]);
  const indexing = options.indexing ?? 'ij';
  if (indexing !== 'ij' && indexing !== 'xy') {
    throw new RuntimeError(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${indexing}`);
  }
  if (tensors.length === 0) throw new RuntimeError('meshgrid expects a non-empty TensorList');
  for (let i = 0; i < tensors.length - 1; i++) {
    if (tensors[i]!.dtype !== tensors[i + 1]!.dtype)
      throw new RuntimeError('meshgrid expects all tensors to have the same dtype');
    if (tensors[i]!.device !== tensors[i + 1]!.device)
      throw new RuntimeError('meshgrid expects all tensors to have the same device');
  }
  for (const t of tensors) {
    if (t._shape.length > 1) {
      throw new RuntimeError(
        `torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a tensor of shape [${t._shape.join(', ')}]`,
      );
    }
  }
  // NOTE [meshgrid xy]: 'xy' swaps the first two inputs, builds an 'ij' grid and swaps the first two outputs back,
  // exactly as PyTorch does, so the output strides match too.
  const swap = indexing === 'xy' && tensors.length >= 2;
  if (swap) [tensors[0], tensors[1]] = [tensors[1]!, tensors[0]!];
  const shape = tensors.map((t) => t.numel());
  const grids = tensors.map((t, i) => {
    const viewShape = new Array<number>(shape.length).fill(1);
    viewShape[i] = -1;
    return expand(view(t, viewShape), shape);
  });
  if (swap) [grids[0], grids[1]] = [grids[1]!, grids[0]!];
  return grids;
}

// ---------------------------------------------------------------------------------------------------------------
// Triangles and diagonals

/** Zeroes, in place over any strided layout, the elements outside the lower (or upper) triangle of each matrix. */
function zeroTriangle(t: Tensor, diagonal: number, lower: boolean): void {
  const nd = t._shape.length;
  const rows = t._shape[nd - 2]!;
  const cols = t._shape[nd - 1]!;
  if (t.numel() === 0) return;
  const data = hostData(t);
  const zero = (t.dtype === 'int64' ? 0n : 0) as never;
  const rowStride = t._strides[nd - 2]!;
  const colStride = t._strides[nd - 1]!;
  const batchShape = t._shape.slice(0, nd - 2);
  const batchStrides = t._strides.slice(0, nd - 2);
  const batches = numelOf(batchShape);
  const counter = new Array<number>(batchShape.length).fill(0);
  let base = t._offset;
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < rows; i++) {
      // tril keeps j - i <= diagonal; triu keeps j - i >= diagonal.
      const from = lower ? Math.max(0, i + diagonal + 1) : 0;
      const to = lower ? cols : Math.min(cols, i + diagonal);
      let p = base + i * rowStride + from * colStride;
      for (let j = from; j < to; j++, p += colStride) data[p] = zero;
    }
    for (let d = batchShape.length - 1; d >= 0; d--) {
      base += batchStrides[d]!;
      if (++counter[d]! < batchShape[d]!) break;
      base -= batchStrides[d]! * batchShape[d]!;
      counter[d] = 0;
    }
  }
}

function checkMatrixDims(x: Tensor): void {
  // PyTorch reads size(-2): its messages for 0-d and 1-d inputs are the dim-wrapping ones.
  wrapDimNoScalar(-2, x._shape.length);
}

function triangle(x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (!Number.isInteger(diagonal)) throw new TypeError(`diagonal must be an integer, got ${diagonal}`);
  checkMatrixDims(x);
  return dispatch(lower ? 'tril' : 'triu', [x], { diagonal }, () => {
    const out = contiguousCopy(x.device === 'cpu' ? x : toDevice(x, 'cpu'));
    zeroTriangle(out, diagonal, lower);
    return toDevice(out, x.device);
  });
}

function triangleInPlace(x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (!Number.isInteger(diagonal)) throw new TypeError(`diagonal must be an integer, got ${diagonal}`);
  checkMatrixDims(x);
  return dispatch(
    lower ? 'tril_' : 'triu_',
    [x],
    { diagonal },
    () => {
      if (x.device === 'cpu') zeroTriangle(x, diagonal, lower);
      else {
        const host = contiguousCopy(toDevice(x, 'cpu'));
        zeroTriangle(host, diagonal, lower);
        copyInto(x, toDevice(host, x.device));
      }
      x._bumpVersion();
      return x;
    },
    { isInplace: true },
  );
}

/** `torch.tril(x, diagonal=0)`: keeps elements on and below the `diagonal`-th diagonal of each (batched) matrix. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, true);
}

/** `torch.triu(x, diagonal=0)`: keeps elements on and above the `diagonal`-th diagonal of each (batched) matrix. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, false);
}

/** `x.tril_(diagonal=0)`: {@link tril} in place (any layout, including views). */
export function tril_(x: Tensor, diagonal = 0): Tensor {
  return triangleInPlace(x, diagonal, true);
}

/** `x.triu_(diagonal=0)`: {@link triu} in place. */
export function triu_(x: Tensor, diagonal = 0): Tensor {
  return triangleInPlace(x, diagonal, false);
}

/**
 * `torch.diag(x, diagonal=0)`: a 1-d input becomes a square matrix with it on the `diagonal`-th diagonal; a 2-d
 * input gives a copy of that diagonal.
 */
export function diag(x: Tensor, diagonal = 0): Tensor {
  if (!Number.isInteger(diagonal)) throw new TypeError(`diagonal must be an integer, got ${diagonal}`);
  const nd = x._shape.length;
  if (nd === 1) {
    const n = x._shape[0]!;
    const m = n + Math.abs(diagonal);
    return dispatch('diag', [x], { diagonal }, () => {
      const out = emptyTensor([m, m], x.dtype, x.device);
      if (n > 0) {
        const start = diagonal >= 0 ? diagonal : -diagonal * m;
        copyInto(rawView(out, [n], [m + 1], start), x);
      }
      return out;
    });
  }
  if (nd === 2) {
    const [rows, cols] = x._shape as [number, number];
    const length = diagonal >= 0 ? Math.min(rows, cols - diagonal) : Math.min(rows + diagonal, cols);
    if (length < 0) throw new RuntimeError('numel: integer multiplication overflow');
    return dispatch('diag', [x], { diagonal }, () => {
      const [rowStride, colStride] = x._strides as [number, number];
      const start =
        x._offset + (length === 0 ? 0 : diagonal >= 0 ? diagonal * colStride : -diagonal * rowStride);
      return contiguousCopy(rawView(x, [length], [rowStride + colStride], start));
    });
  }
  throw new RuntimeError('matrix or a vector expected');
}

/** Options of {@link diagEmbed}. */
export interface DiagEmbedOptions {
  offset?: number;
  dim1?: number;
  dim2?: number;
}

/**
 * `torch.diag_embed(x, offset=0, dim1=-2, dim2=-1)`: each last-dim vector of `x` placed on the `offset`-th diagonal
 * of the planes `(dim1, dim2)` of a new zero tensor with one more dim.
 */
export function diagEmbed(x: Tensor, offset: number | DiagEmbedOptions = 0, dim1 = -2, dim2 = -1): Tensor {
  let k = 0;
  let first = dim1;
  let second = dim2;
  if (typeof offset === 'number') k = offset;
  else {
    k = offset.offset ?? 0;
    first = offset.dim1 ?? -2;
    second = offset.dim2 ?? -1;
  }
  const outDims = x._shape.length + 1;
  const a = wrapDim(first, outDims);
  const b = wrapDim(second, outDims);
  if (a === b) throw new RuntimeError(`diagonal dimensions cannot be identical ${first}, ${second}`);
  const length = x._shape[x._shape.length - 1]! + Math.abs(k);
  const outShape = x._shape.slice(0, -1);
  outShape.splice(Math.min(a, b), 0, length);
  outShape.splice(Math.max(a, b), 0, length);
  return dispatch('diagEmbed', [x], { offset: k, dim1: a, dim2: b }, () => {
    const out = emptyTensor(outShape, x.dtype, x.device);
    if (out.numel() > 0) copyInto(diagonal(out, k, a, b), x);
    return out;
  });
}

/** `torch.diagflat(x, offset=0)`: the flattened input on the `offset`-th diagonal of a square matrix. */
export function diagflat(x: Tensor, offset = 0): Tensor {
  return diag(reshape(x, [-1]), offset);
}

/** `torch.trace(x)`: the sum of the main diagonal of a matrix (integers sum to int64). */
export function trace(x: Tensor): Tensor {
  if (x.dtype === 'bool' || x.dtype === 'float16' || x.dtype === 'bfloat16') {
    throw new RuntimeError(`"trace" not implemented for '${scalarTypeName(x.dtype)}'`);
  }
  if (x._shape.length !== 2)
    throw new RuntimeError(`trace: expected a matrix, but got tensor with dim ${x._shape.length}`);
  return sum(diagonal(x));
}

// ---------------------------------------------------------------------------------------------------------------
// Products

/**
 * `torch.kron(a, b)`: the Kronecker product; shapes are padded with leading ones to the same rank, and the result
 * has shape `a.shape[i] * b.shape[i]`. Dtypes promote as in `mul`.
 */
export function kron(a: Tensor, b: Tensor): Tensor {
  const n = Math.max(a._shape.length, b._shape.length);
  const aShape = [...new Array<number>(n - a._shape.length).fill(1), ...a._shape];
  const bShape = [...new Array<number>(n - b._shape.length).fill(1), ...b._shape];
  const aInterleaved: number[] = [];
  const bInterleaved: number[] = [];
  for (let i = 0; i < n; i++) {
    aInterleaved.push(aShape[i]!, 1);
    bInterleaved.push(1, bShape[i]!);
  }
  const product = mul(reshape(a, aInterleaved), reshape(b, bInterleaved));
  return reshape(
    product,
    aShape.map((s, i) => s * bShape[i]!),
  );
}

/** Options of {@link cross} and {@link linalgCross}. */
export interface CrossOptions {
  dim?: number;
}

/**
 * `torch.linalg.cross(a, b, dim=-1)`: the 3-vector cross product along `dim`, broadcasting the other dims. Both
 * inputs must have the same number of dims and the same dtype.
 */
export function linalgCross(a: Tensor, b: Tensor, dim: number | CrossOptions = -1): Tensor {
  const requested = typeof dim === 'number' ? dim : (dim.dim ?? -1);
  if (a._shape.length !== b._shape.length) {
    throw new RuntimeError('linalg.cross: inputs must have the same number of dimensions.');
  }
  const d = wrapDim(requested, a._shape.length);
  const aSize = a._shape.length === 0 ? 1 : a._shape[d]!;
  const bSize = b._shape.length === 0 ? 1 : b._shape[d]!;
  if (aSize !== 3 || bSize !== 3) {
    throw new RuntimeError(
      `linalg.cross: inputs dimension ${requested} must have length 3. Got ${aSize} and ${bSize}`,
    );
  }
  broadcastShapes(a._shape, b._shape);
  checkSameDevice('linalg_cross', [a, b]);
  if (a.dtype !== b.dtype) {
    throw new RuntimeError(
      `expected scalar type ${scalarTypeName(a.dtype)} but found ${scalarTypeName(b.dtype)}`,
    );
  }
  const dtype: DType = a.dtype;
  if (dtype === 'bool' || dtype === 'float16')
    throw new RuntimeError(`"cross" not implemented for '${scalarTypeName(dtype)}'`);
  const component = (t: Tensor, i: number) => narrow(t, d, i, 1);
  const [a0, a1, a2] = [component(a, 0), component(a, 1), component(a, 2)];
  const [b0, b1, b2] = [component(b, 0), component(b, 1), component(b, 2)];
  return cat(
    [sub(mul(a1, b2), mul(a2, b1)), sub(mul(a2, b0), mul(a0, b2)), sub(mul(a0, b1), mul(a1, b0))],
    d,
  );
}

/**
 * `torch.cross(a, b, dim?)`: {@link linalgCross}, except that without `dim` it uses the first dim of `a` of size 3
 * (PyTorch 1.13's deprecated default) rather than the last.
 */
export function cross(a: Tensor, b: Tensor, dim?: number | CrossOptions): Tensor {
  const requested = typeof dim === 'number' ? dim : dim?.dim;
  if (requested !== undefined) return linalgCross(a, b, requested);
  const first = a._shape.indexOf(3);
  if (first < 0) throw new RuntimeError('no dimension of size 3 in input');
  return linalgCross(a, b, first);
}

// ---------------------------------------------------------------------------------------------------------------
// atleast

function atLeastOverload(args: (Tensor | readonly Tensor[])[], ndim: 1 | 2 | 3): Tensor | Tensor[] {
  if (args.length === 1 && args[0] instanceof Tensor) return atLeast([args[0]], ndim)[0]!;
  const list =
    args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly Tensor[]) : (args as Tensor[]);
  return atLeast(list, ndim);
}

/** `torch.atleast_1d`: 0-d tensors become `[1]` views; one tensor in gives one out, several (or a list) a list. */
export function atleast1d(x: Tensor): Tensor;
export function atleast1d(...xs: (Tensor | readonly Tensor[])[]): Tensor[];
export function atleast1d(...xs: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atLeastOverload(xs, 1);
}

/** `torch.atleast_2d`: 0-d → `[1, 1]`, 1-d `[n]` → `[1, n]` (views). */
export function atleast2d(x: Tensor): Tensor;
export function atleast2d(...xs: (Tensor | readonly Tensor[])[]): Tensor[];
export function atleast2d(...xs: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atLeastOverload(xs, 2);
}

/** `torch.atleast_3d`: 0-d → `[1, 1, 1]`, `[n]` → `[1, n, 1]`, `[m, n]` → `[m, n, 1]` (views). */
export function atleast3d(x: Tensor): Tensor;
export function atleast3d(...xs: (Tensor | readonly Tensor[])[]): Tensor[];
export function atleast3d(...xs: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atLeastOverload(xs, 3);
}

// ---------------------------------------------------------------------------------------------------------------
// Methods

declare module '../tensor.js' {
  interface Tensor {
    /** See {@link flip}. */
    flip(...dims: ShapeArg[]): Tensor;
    /** See {@link fliplr}. */
    fliplr(): Tensor;
    /** See {@link flipud}. */
    flipud(): Tensor;
    /** See {@link roll}. */
    roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor;
    /** See {@link rot90}. */
    rot90(k?: number, dims?: readonly number[]): Tensor;
    /** See {@link repeat}. */
    repeat(...sizes: ShapeArg[]): Tensor;
    /** See {@link tile}. */
    tile(...dims: ShapeArg[]): Tensor;
    /** See {@link repeatInterleave}. */
    repeatInterleave(
      repeats?: number | Tensor | RepeatInterleaveOptions,
      dim?: number | null | RepeatInterleaveOptions,
      options?: RepeatInterleaveOptions,
    ): Tensor;
    /** See {@link broadcastTo}. */
    broadcastTo(...shape: ShapeArg[]): Tensor;
    /** See {@link tril}. */
    tril(diagonal?: number): Tensor;
    /** See {@link triu}. */
    triu(diagonal?: number): Tensor;
    /** See {@link tril_}. */
    tril_(diagonal?: number): Tensor;
    /** See {@link triu_}. */
    triu_(diagonal?: number): Tensor;
    /** See {@link diag}. */
    diag(diagonal?: number): Tensor;
    /** See {@link diagEmbed}. */
    diagEmbed(offset?: number | DiagEmbedOptions, dim1?: number, dim2?: number): Tensor;
    /** See {@link diagflat}. */
    diagflat(offset?: number): Tensor;
    /** See {@link trace}. */
    trace(): Tensor;
    /** See {@link kron}. */
    kron(other: Tensor): Tensor;
    /** See {@link cross}. */
    cross(other: Tensor, dim?: number | CrossOptions): Tensor;
  }
}

const proto = Tensor.prototype;
proto.flip = function (...dims) {
  return flip(this, ...dims);
};
proto.fliplr = function () {
  return fliplr(this);
};
proto.flipud = function () {
  return flipud(this);
};
proto.roll = function (shifts, dims) {
  return roll(this, shifts, dims);
};
proto.rot90 = function (k, dims) {
  return rot90(this, k, dims);
};
proto.repeat = function (...sizes) {
  return repeat(this, ...sizes);
};
proto.tile = function (...dims) {
  return tile(this, ...dims);
};
proto.repeatInterleave = function (repeats, dim, options) {
  return repeatInterleave(this, repeats, dim, options);
};
proto.broadcastTo = function (...shape) {
  return broadcastTo(this, ...shape);
};
proto.tril = function (diagonal) {
  return tril(this, diagonal);
};
proto.triu = function (diagonal) {
  return triu(this, diagonal);
};
proto.tril_ = function (diagonal) {
  return tril_(this, diagonal);
};
proto.triu_ = function (diagonal) {
  return triu_(this, diagonal);
};
proto.diag = function (diagonal) {
  return diag(this, diagonal);
};
proto.diagEmbed = function (offset, dim1, dim2) {
  return diagEmbed(this, offset, dim1, dim2);
};
proto.diagflat = function (offset) {
  return diagflat(this, offset);
};
proto.trace = function () {
  return trace(this);
};
proto.kron = function (other) {
  return kron(this, other);
};
proto.cross = function (other, dim) {
  return cross(this, other, dim);
};
