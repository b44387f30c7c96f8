/**
 * Sparse COO tensors (PyTorch's `layout=torch.sparse_coo`): an int64 `indices` tensor `[sparseDim, nnz]` and a
 * `values` tensor `[nnz, ...denseShape]`, so a tensor of size `[...sparseShape, ...denseShape]` holds `nnz` slices.
 * They exist mainly for gradients: `Embedding({ sparse: true })` produces one whose memory is proportional to the
 * rows looked up, not to the vocabulary, and SGD / SparseAdam / Adagrad update only those rows.
 *
 * The op set is PyTorch's for sparse COO gradients: `add`/`sub` (sparse ± sparse, dense ± sparse, in place too),
 * `mul` (by a scalar, a 0-d tensor, a dense or a sparse tensor of the same size), `div` by a scalar, `pow` by a
 * non-zero scalar, `neg`, `clone`, `detach`, `zero_`, `to(dtype)`, `norm`, `coalesce`, `toDense`, `sparseMask`.
 * Any other op fails with PyTorch's "Could not run ... with arguments from the 'SparseCPU' backend".
 *
 * NOTE [Uncoalesced sums]: like PyTorch, sparse + sparse merges two index lists walked in order when both value
 * tensors are contiguous (so two coalesced operands give a coalesced result) and concatenates them otherwise;
 * duplicates are only summed by `coalesce()`. Every op that is non-linear in the values (pow, norm, sparse * sparse,
 * sparseMask's mask) coalesces first, so results never depend on how entries were split.
 */
import { allocArray, canCast, type DType, isFloatingPoint, promoteTypes, type Scalar } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { numelOf } from '../layout.js';
import { Storage } from '../storage.js';
import { sparseNotImplemented, Tensor, type TensorOrScalar } from '../tensor.js';
import { fromTypedArray, zeros } from './creation.js';
import { readIndexValues } from './indexing.js';
import { cat } from './join.js';

const NO_STORAGE = "Cannot access data pointer of Tensor that doesn't have storage";

function sparseStorage(dtype: DType, device: string): Storage {
  const storage = new Storage(dtype, allocArray(dtype, 0), device);
  // A dense kernel handed a sparse tensor reads `storage.data`: fail there rather than compute on nothing.
  Object.defineProperty(storage, 'data', {
    get() {
      throw new RuntimeError(NO_STORAGE);
    },
    set() {
      throw new RuntimeError(NO_STORAGE);
    },
  });
  return storage;
}

/**
 * `torch._sparse_coo_tensor_unsafe(indices, values, size)`: a sparse tensor from its parts, without checks. `indices`
 * must be int64 `[sparseDim, nnz]` with in-range entries and `values` `[nnz, ...size.slice(sparseDim)]`.
 */
export function _sparseCooTensorUnsafe(
  indices: Tensor,
  values: Tensor,
  size: readonly number[],
  isCoalesced = false,
): Tensor {
  const out = new Tensor(sparseStorage(values.dtype, values.device), size);
  out._sparse = { indices, values, coalesced: isCoalesced };
  return out;
}

/** Options of {@link sparseCooTensor}. */
export interface SparseCooOptions {
  /** The values' dtype (the given values are converted). */
  dtype?: DType;
  /** Declares the indices sorted and unique, as PyTorch's `is_coalesced=True`. */
  isCoalesced?: boolean;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * `torch.sparse_coo_tensor(indices, values, size?)`: a sparse COO tensor with `values[i]` at `indices[:, i]`.
 * Without `size`, each sparse dim is one more than its largest index. Indices and values are used as given (no copy).
 *
 * ```ts
 * const s = torch.sparseCooTensor(torch.tensor([[0, 2]]), torch.tensor([[1, 2], [3, 4]]), [4, 2]);
 * s.toDense(); // [[1, 2], [0, 0], [3, 4], [0, 0]]
 * ```
 */
export function sparseCooTensor(
  indices: Tensor,
  values: Tensor,
  size?: readonly number[] | null,
  options?: SparseCooOptions,
): Tensor {
  if (indices.isSparse || values.isSparse) throw new RuntimeError('indices and values must be dense tensors');
  if (isFloatingPoint(indices.dtype) || indices.dtype === 'bool') {
    throw new RuntimeError(`indices must be an int64 tensor`);
  }
  let index = indices.dtype === 'int64' ? indices : indices.to('int64');
  if (index.dim() !== 2) {
    throw new RuntimeError(`indices must be sparse_dim x nnz, but got: ${shapeText(index.shape)}`);
  }
  let vals = options?.dtype !== undefined ? values.to(options.dtype) : values;
  if (vals.dim() === 0) vals = vals.reshape([1]);
  const sparseDim = index.size(0);
  const nnz = index.size(1);
  if (vals.size(0) !== nnz) {
    throw new RuntimeError(
      `indices and values must have same nnz, but got nnz from indices: ${nnz}, nnz from values: ${vals.size(0)}`,
    );
  }
  const denseShape = vals.shape.slice(1);
  const columns = indexColumns(index);
  let shape: number[];
  if (size === undefined || size === null) {
    shape = [];
    for (let d = 0; d < sparseDim; d++) {
      let max = -1;
      const column = columns[d]!;
      for (let i = 0; i < nnz; i++) if (column[i]! > max) max = column[i]!;
      shape.push(max + 1);
    }
    shape.push(...denseShape);
  } else {
    shape = size.slice();
    if (shape.length !== sparseDim + denseShape.length) {
      throw new RuntimeError(
        `number of dimensions must be sparse_dim (${sparseDim}) + dense_dim (${denseShape.length}), but got ${shape.length}`,
      );
    }
    const expected = [nnz, ...shape.slice(sparseDim)];
    if (expected.some((d, i) => d !== vals.size(i))) {
      throw new RuntimeError(
        `values has incorrect size, expected ${shapeText(expected)}, got ${shapeText(vals.shape)}`,
      );
    }
  }
  for (let d = 0; d < sparseDim; d++) {
    const column = columns[d]!;
    for (let i = 0; i < nnz; i++) {
      const value = column[i]!;
      if (value < 0) throw new RuntimeError(`found negative index ${value} for dim ${d}`);
      if (value >= shape[d]!) {
        throw new RuntimeError(
          `size is inconsistent with indices: for dim ${d}, size is ${shape[d]} but found index ${value}`,
        );
      }
    }
  }
  if (index === indices && indices.requiresGrad) index = indices.detach();
  return _sparseCooTensorUnsafe(index, vals, shape, options?.isCoalesced ?? false);
}

// ---------------------------------------------------------------------------------------------------------------
// Index helpers

/** The index rows as numbers: `columns[d][i]` is entry i's index along sparse dim d. */
function indexColumns(indices: Tensor): Float64Array[] {
  const nnz = indices.size(1);
  const flat = readIndexValues(indices);
  const columns: Float64Array[] = [];
  for (let d = 0; d < indices.size(0); d++) columns.push(flat.subarray(d * nnz, (d + 1) * nnz));
  return columns;
}

function partsOf(x: Tensor, op = 'sparse op') {
  const parts = x._sparse;
  if (parts === null)
    throw new RuntimeError(`${op} expected sparse coordinate tensor layout but got Strided`);
  return parts;
}

/** Row-major linear position of each entry over the sparse dims. */
function linearKeys(x: Tensor): Float64Array {
  const { indices } = partsOf(x);
  const sparseDim = indices.size(0);
  const nnz = indices.size(1);
  const columns = indexColumns(indices);
  if (sparseDim === 1) return columns[0]!;
  const shape = x._shape;
  let span = 1;
  for (let d = 0; d < sparseDim; d++) span *= shape[d]!;
  if (span > Number.MAX_SAFE_INTEGER) {
    throw new RuntimeError(
      'sparse tensor: the product of the sparse dims exceeds 2^53, which is not supported',
    );
  }
  const keys = new Float64Array(nnz);
  let multiplier = 1;
  for (let d = sparseDim - 1; d >= 0; d--) {
    const column = columns[d]!;
    for (let i = 0; i < nnz; i++) keys[i]! += column[i]! * multiplier;
    multiplier *= shape[d]!;
  }
  return keys;
}

/** An int64 tensor of non-negative integers below 2^53, written as 32-bit word pairs (no BigInt per element). */
function int64Tensor(values: ArrayLike<number>, shape?: readonly number[]): Tensor {
  const array = new BigInt64Array(values.length);
  const words = new Int32Array(array.buffer);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    words[2 * i] = value % 4294967296;
    words[2 * i + 1] = Math.floor(value / 4294967296);
  }
  return fromTypedArray(array, shape ?? [values.length]);
}

/** The `[sparseDim, n]` index tensor of row-major linear positions `keys` over the first `sparseDim` dims of `shape`. */
function indicesOfKeys(keys: ArrayLike<number>, shape: readonly number[], sparseDim: number): Tensor {
  const n = keys.length;
  const coordinates = new Float64Array(sparseDim * n);
  for (let i = 0; i < n; i++) {
    let rest = keys[i]!;
    for (let d = sparseDim - 1; d >= 0; d--) {
      const extent = shape[d]!;
      const coordinate = rest % extent;
      coordinates[d * n + i] = coordinate;
      rest = (rest - coordinate) / extent;
    }
  }
  return int64Tensor(coordinates, [sparseDim, n]);
}

/** The sparse shape's size (`prod(size[:sparseDim])`) and the dense part of the shape. */
function split(x: Tensor): { sparseDim: number; span: number; denseShape: number[] } {
  const sparseDim = partsOf(x).indices.size(0);
  return {
    sparseDim,
    span: numelOf(x._shape.slice(0, sparseDim)),
    denseShape: x._shape.slice(sparseDim),
  };
}

/** Entry positions as an int64 tensor over the flattened sparse dims (the index row itself for 1 sparse dim). */
function linearIndexTensor(x: Tensor): Tensor {
  const { indices } = partsOf(x);
  if (indices.size(0) === 1) return indices.select(0, 0);
  return int64Tensor(linearKeys(x));
}

function emptyParts(x: Tensor, dtype: DType = x.dtype) {
  const { sparseDim, denseShape } = split(x);
  return {
    indices: zeros([sparseDim, 0], { dtype: 'int64' }),
    values: zeros([0, ...denseShape], { dtype }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Structure

/**
 * `x.coalesce()`: the same sparse tensor with sorted, unique indices (duplicates summed in the order they appear).
 * Returns `x` itself when it is already coalesced.
 */
export function coalesce(x: Tensor): Tensor {
  const parts = partsOf(x);
  if (parts.coalesced) return x;
  const nnz = parts.indices.size(1);
  if (nnz === 0) return _sparseCooTensorUnsafe(parts.indices, parts.values, x._shape, true);
  const { sparseDim, span } = split(x);
  const keys = linearKeys(x);
  // Stable order by key: pack (key, position) into one double when it fits, which sorts natively.
  const order = new Int32Array(nnz);
  if (span * nnz + nnz <= Number.MAX_SAFE_INTEGER) {
    const packed = new Float64Array(nnz);
    for (let i = 0; i < nnz; i++) packed[i] = keys[i]! * nnz + i;
    packed.sort();
    for (let i = 0; i < nnz; i++) order[i] = packed[i]! % nnz;
  } else {
    for (let i = 0; i < nnz; i++) order[i] = i;
    order.sort((a, b) => keys[a]! - keys[b]! || a - b);
  }
  const segment = new Float64Array(nnz);
  const uniqueKeys: number[] = [];
  let previous = Number.NaN;
  for (let j = 0; j < nnz; j++) {
    const position = order[j]!;
    const key = keys[position]!;
    if (key !== previous) {
      uniqueKeys.push(key);
      previous = key;
    }
    segment[position] = uniqueKeys.length - 1;
  }
  const values = zeros([uniqueKeys.length, ...parts.values.shape.slice(1)], { dtype: x.dtype });
  values.indexAdd_(0, int64Tensor(segment), parts.values);
  return _sparseCooTensorUnsafe(indicesOfKeys(uniqueKeys, x._shape, sparseDim), values, x._shape, true);
}

/** `x.toDense()`: the dense tensor, duplicates summed. */
export function toDense(x: Tensor): Tensor {
  if (x._sparse === null) return x;
  const parts = x._sparse;
  const out = zeros(x._shape, { dtype: x.dtype });
  if (parts.indices.size(1) === 0) return out;
  const { span, denseShape } = split(x);
  out.view([span, ...denseShape]).indexAdd_(0, linearIndexTensor(x), parts.values);
  return out;
}

/**
 * `x.toSparse(sparseDim?)`: a coalesced sparse tensor of a dense one holding its non-zero slices (all dims sparse by
 * default; with `sparseDim` k, slices over the trailing dims are kept when any of their elements is non-zero).
 */
export function toSparse(x: Tensor, sparseDim?: number): Tensor {
  if (x._sparse !== null) {
    if (sparseDim !== undefined && sparseDim !== x._sparse.indices.size(0)) {
      throw new RuntimeError(
        'to_sparse: conversion between sparse layouts with a new sparse_dim is not supported',
      );
    }
    return x;
  }
  const k = sparseDim ?? x.dim();
  if (!Number.isInteger(k) || k < 0 || k > x.dim()) {
    throw new RuntimeError(`sparse_dim must be in [0, ${x.dim()}], but got ${k}`);
  }
  const span = numelOf(x._shape.slice(0, k));
  const denseShape = x._shape.slice(k);
  const rows = x.reshape([span, numelOf(denseShape)]);
  const present = (denseShape.length === 0 ? rows.ne(0).reshape([span]) : rows.ne(0).any(1))
    .nonzero()
    .view(-1);
  const values = x.reshape([span, ...denseShape]).indexSelect(0, present);
  return _sparseCooTensorUnsafe(indicesOfKeys(readIndexValues(present), x._shape, k), values, x._shape, true);
}

/**
 * `dense.sparseMask(mask)`: a sparse tensor with the (coalesced) mask's indices and `dense`'s values there. Adagrad
 * and SparseAdam read their dense state at a gradient's rows with it.
 */
export function sparseMask(dense: Tensor, mask: Tensor): Tensor {
  if (mask._sparse === null) throw new RuntimeError('sparse_mask: expected mask to be a sparse COO tensor');
  if (dense._sparse !== null) throw sparseNotImplemented('sparse_mask');
  if (dense._shape.length !== mask._shape.length || dense._shape.some((d, i) => d !== mask._shape[i])) {
    throw new RuntimeError(
      `sparse_mask(): operands have incompatible sizes; self has size ${shapeText(dense.shape)} but mask has size ${shapeText(mask.shape)}`,
    );
  }
  if (!mask._sparse.coalesced) throw new RuntimeError('sparse_mask: mask is uncoalesced');
  const { span, denseShape } = split(mask);
  const values = dense.reshape([span, ...denseShape]).indexSelect(0, linearIndexTensor(mask));
  return _sparseCooTensorUnsafe(mask._sparse.indices, values, mask._shape, true);
}

// ---------------------------------------------------------------------------------------------------------------
// Arithmetic

function sameShape(a: Tensor, b: Tensor): boolean {
  return a._shape.length === b._shape.length && a._shape.every((d, i) => d === b._shape[i]);
}

/** Replaces the parts of sparse `x` in place (an in-place op's result). */
function assign(x: Tensor, result: Tensor): Tensor {
  const parts = partsOf(result);
  if (!canCast(result.dtype, x.dtype)) {
    throw new RuntimeError(`result type ${result.dtype} can't be cast to the desired output type ${x.dtype}`);
  }
  x._sparse = {
    indices: parts.indices,
    values: parts.values.dtype === x.dtype ? parts.values : parts.values.to(x.dtype),
    coalesced: parts.coalesced,
  };
  x._bumpVersion();
  return x;
}

function withValues(x: Tensor, values: Tensor, coalesced = partsOf(x).coalesced): Tensor {
  return _sparseCooTensorUnsafe(partsOf(x).indices, values, x._shape, coalesced);
}

/** sparse + alpha * sparse, with PyTorch's merge (contiguous values) or concatenation. */
function addSparseSparse(a: Tensor, b: Tensor, alpha: Scalar): Tensor {
  if (!sameShape(a, b)) {
    throw new RuntimeError(
      `add: expected sizes of 'self' and 'other' to match, but ${shapeText(a.shape)} != ${shapeText(b.shape)}`,
    );
  }
  const pa = partsOf(a);
  const pb = partsOf(b);
  const sparseDim = pa.indices.size(0);
  if (sparseDim !== pb.indices.size(0)) {
    throw new RuntimeError(
      `add: expected 'self' and 'other' to have same density, but 'self' has ${sparseDim} sparse dimensions while 'other' has ${pb.indices.size(0)} sparse dimensions`,
    );
  }
  const dtype = promoteTypes(a.dtype, b.dtype);
  const scaled = (values: Tensor) => (alpha === 1 ? values : values.mul(alpha));
  const aNnz = pa.indices.size(1);
  const bNnz = pb.indices.size(1);
  if (bNnz === 0)
    return _sparseCooTensorUnsafe(
      pa.indices.clone(),
      pa.values.to(dtype, { copy: true }),
      a._shape,
      pa.coalesced,
    );
  if (aNnz === 0)
    return _sparseCooTensorUnsafe(
      pb.indices.clone(),
      scaled(pb.values).to(dtype, { copy: true }),
      a._shape,
      pb.coalesced,
    );
  if (!pa.values.isContiguous() || !pb.values.isContiguous()) {
    const indices = cat([pa.indices, pb.indices], 1);
    const values = cat([pa.values.to(dtype), scaled(pb.values).to(dtype)], 0);
    const result = _sparseCooTensorUnsafe(indices, values, a._shape, false);
    // PyTorch's guard against unbounded growth of repeated concatenation.
    return aNnz + bNnz > a.numel() ? coalesce(result) : result;
  }
  // Walk both index lists in order, merging entries at equal positions.
  const aColumns = indexColumns(pa.indices);
  const bColumns = indexColumns(pb.indices);
  const aRows = new Float64Array(aNnz);
  const bRows = new Float64Array(bNnz);
  // The merged index list, one row per sparse dim, with room for the case where no position is shared.
  const merged = new Float64Array(sparseDim * (aNnz + bNnz));
  const stride = aNnz + bNnz;
  let i = 0;
  let j = 0;
  let r = 0;
  while (i < aNnz || j < bNnz) {
    let compare = 0;
    if (i >= aNnz) compare = -1;
    else if (j >= bNnz) compare = 1;
    else {
      for (let d = 0; d < sparseDim; d++) {
        const left = aColumns[d]![i]!;
        const right = bColumns[d]![j]!;
        if (left < right) {
          compare = 1;
          break;
        }
        if (left > right) {
          compare = -1;
          break;
        }
      }
    }
    if (compare >= 0) {
      for (let d = 0; d < sparseDim; d++) merged[d * stride + r] = aColumns[d]![i]!;
      aRows[i++] = r;
    }
    if (compare <= 0) {
      if (compare !== 0) for (let d = 0; d < sparseDim; d++) merged[d * stride + r] = bColumns[d]![j]!;
      bRows[j++] = r;
    }
    r++;
  }
  const indices = int64Tensor(merged, [sparseDim, stride]).narrow(1, 0, r).contiguous();
  const values = zeros([r, ...pa.values.shape.slice(1)], { dtype });
  values.indexAdd_(0, int64Tensor(aRows), pa.values.to(dtype));
  values.indexAdd_(0, int64Tensor(bRows), pb.values.to(dtype), { alpha });
  return _sparseCooTensorUnsafe(indices, values, a._shape, pa.coalesced && pb.coalesced);
}

/** dense + alpha * sparse as a new dense tensor, or in place into `dense`. */
function addDenseSparse(dense: Tensor, sparse: Tensor, alpha: Scalar, inplace: boolean): Tensor {
  if (!sameShape(dense, sparse)) {
    throw new RuntimeError(
      `add: expected 'self' and 'other' to have same size, but self has size ${shapeText(dense.shape)} while other has size ${shapeText(sparse.shape)} (FYI: dense-sparse addition does not currently support broadcasting)`,
    );
  }
  const dtype = promoteTypes(dense.dtype, sparse.dtype);
  if (inplace && !canCast(dtype, dense.dtype)) {
    throw new RuntimeError(`result type ${dtype} can't be cast to the desired output type ${dense.dtype}`);
  }
  const out = inplace ? dense : dense.to(dtype, { copy: true });
  const parts = partsOf(sparse);
  if (parts.indices.size(1) === 0) return out;
  const values = parts.values.dtype === out.dtype ? parts.values : parts.values.to(out.dtype);
  const { sparseDim, span, denseShape } = split(sparse);
  if (sparseDim === 1) {
    out.indexAdd_(0, parts.indices.select(0, 0), values, { alpha });
  } else if (out.isContiguous()) {
    out.view([span, ...denseShape]).indexAdd_(0, linearIndexTensor(sparse), values, { alpha });
  } else {
    out.add_(toDense(sparse).to(out.dtype), { alpha });
  }
  return out;
}

function scalarLike(x: TensorOrScalar): boolean {
  return !(x instanceof Tensor) || (x._sparse === null && x.dim() === 0);
}

/** sparse * sparse of the same size: the product at positions present in both (coalesced). */
function mulSparseSparse(a: Tensor, b: Tensor): Tensor {
  if (!sameShape(a, b)) {
    throw new RuntimeError(
      `mul: expected 'self' and 'other' to have same sizes, but ${shapeText(a.shape)} != ${shapeText(b.shape)}`,
    );
  }
  const left = coalesce(a);
  const right = coalesce(b);
  const leftKeys = linearKeys(left);
  const rightKeys = linearKeys(right);
  const leftRows: number[] = [];
  const rightRows: number[] = [];
  let i = 0;
  let j = 0;
  while (i < leftKeys.length && j < rightKeys.length) {
    if (leftKeys[i]! < rightKeys[j]!) i++;
    else if (leftKeys[i]! > rightKeys[j]!) j++;
    else {
      leftRows.push(i++);
      rightRows.push(j++);
    }
  }
  const pick = int64Tensor(leftRows);
  const values = partsOf(left)
    .values.indexSelect(0, pick)
    .mul(partsOf(right).values.indexSelect(0, int64Tensor(rightRows)));
  return _sparseCooTensorUnsafe(partsOf(left).indices.indexSelect(1, pick), values, a._shape, true);
}

/** sparse * dense of the same size: sparse, with each value multiplied by the dense slice at its position. */
function mulSparseDense(sparse: Tensor, dense: Tensor): Tensor {
  if (!sameShape(sparse, dense)) {
    throw new RuntimeError(
      `mul: expected 'self' and 'other' to have same sizes, but ${shapeText(sparse.shape)} != ${shapeText(dense.shape)}`,
    );
  }
  const parts = partsOf(sparse);
  const { span, denseShape } = split(sparse);
  const picked = dense.reshape([span, ...denseShape]).indexSelect(0, linearIndexTensor(sparse));
  return withValues(sparse, parts.values.mul(picked));
}

/**
 * Binary elementwise ops with a sparse operand (called by the elementwise ops when either operand is sparse).
 * `name` is the op's camelCase name.
 */
export function sparseBinary(
  name: string,
  a: TensorOrScalar,
  b: TensorOrScalar,
  inplace: boolean,
  alpha: Scalar | undefined,
  snakeName: string,
): Tensor {
  const aSparse = a instanceof Tensor && a._sparse !== null;
  const bSparse = b instanceof Tensor && b._sparse !== null;
  const finish = (result: Tensor): Tensor => {
    if (!inplace) return result;
    const target = a as Tensor;
    if (target._sparse === null) {
      if (result._sparse !== null)
        throw new RuntimeError(`${snakeName}_(): cannot write a sparse result into a dense tensor`);
      return result;
    }
    if (result._sparse === null)
      throw new RuntimeError(`${snakeName}_(): cannot write a dense result into a sparse tensor`);
    return assign(target, result);
  };
  if (name === 'add' || name === 'sub') {
    let scale: Scalar = alpha ?? 1;
    if (name === 'sub') scale = typeof scale === 'bigint' ? -scale : -Number(scale);
    if (aSparse && bSparse) return finish(addSparseSparse(a as Tensor, b as Tensor, scale));
    if (aSparse)
      throw new RuntimeError('add(sparse, dense) is not supported. Use add(dense, sparse) instead.');
    if (!(a instanceof Tensor)) throw sparseNotImplemented(snakeName);
    return addDenseSparse(a, b as Tensor, scale, inplace);
  }
  if (name === 'mul') {
    if (aSparse && bSparse) return finish(mulSparseSparse(a as Tensor, b as Tensor));
    const sparse = (aSparse ? a : b) as Tensor;
    const other = aSparse ? b : a;
    if (scalarLike(other)) return finish(withValues(sparse, partsOf(sparse).values.mul(other)));
    return finish(mulSparseDense(sparse, other as Tensor));
  }
  if (name === 'div' && aSparse && scalarLike(b)) {
    return finish(withValues(a as Tensor, partsOf(a as Tensor).values.div(b)));
  }
  if (name === 'pow' && aSparse && !(b instanceof Tensor)) {
    if (Number(b) === 0) {
      throw new RuntimeError(
        'pow: cannot raise to zeroth power on sparse tensor; it would make the result tensor dense',
      );
    }
    const coalesced = coalesce(a as Tensor);
    return finish(withValues(coalesced, partsOf(coalesced).values.pow(b), true));
  }
  throw sparseNotImplemented(name === 'div' && !aSparse ? 'reciprocal' : snakeName);
}

/** `-x` of a sparse tensor. */
export function sparseNeg(x: Tensor): Tensor {
  return withValues(x, partsOf(x).values.neg());
}

/** `clone()` of a sparse tensor: copies of its indices and values. */
export function sparseClone(x: Tensor): Tensor {
  const parts = partsOf(x);
  return _sparseCooTensorUnsafe(parts.indices.clone(), parts.values.clone(), x._shape, parts.coalesced);
}

/** `detach()` of a sparse tensor: a new sparse tensor sharing the indices and values. */
export function sparseDetach(x: Tensor): Tensor {
  const parts = partsOf(x);
  return _sparseCooTensorUnsafe(parts.indices, parts.values.detach(), x._shape, parts.coalesced);
}

/** `zero_()` of a sparse tensor: no entries left. */
export function sparseZero_(x: Tensor): Tensor {
  x._sparse = { ...emptyParts(x), coalesced: true };
  x._bumpVersion();
  return x;
}

/** `to(dtype)` of a sparse tensor (CPU only). */
export function sparseTo(x: Tensor, dtype: DType, device: string, copy: boolean): Tensor {
  if (device !== x.device) throw sparseNotImplemented('_to_copy');
  if (dtype === x.dtype && !copy) return x;
  const parts = partsOf(x);
  return _sparseCooTensorUnsafe(
    copy ? parts.indices.clone() : parts.indices,
    parts.values.to(dtype, { copy: true }),
    x._shape,
    parts.coalesced,
  );
}

/** `norm(p)` over all elements of a sparse tensor (absent elements are zeros). */
export function sparseNorm(x: Tensor, p: number | 'fro' | null): Tensor {
  const values = partsOf(coalesce(x)).values;
  if (values.numel() === 0) return zeros([], { dtype: x.dtype });
  return values.norm(p);
}

// ---------------------------------------------------------------------------------------------------------------
// Methods

declare module '../tensor.js' {
  interface Tensor {
    /** Number of sparse dims (the full rank for a dense tensor, as PyTorch's `sparse_dim()` is 0 there). */
    sparseDim(): number;
    /** Number of dense dims of a sparse tensor (the values' trailing dims). */
    denseDim(): number;
    /** Number of stored entries, duplicates included (PyTorch's `_nnz()`). */
    _nnz(): number;
    /** The int64 indices `[sparseDim, nnz]` of a coalesced sparse tensor. */
    indices(): Tensor;
    /** The values `[nnz, ...denseShape]` of a coalesced sparse tensor. */
    values(): Tensor;
    /** The stored indices, coalesced or not. */
    _indices(): Tensor;
    /** The stored values, coalesced or not. */
    _values(): Tensor;
    /** Whether the indices are sorted and unique. */
    isCoalesced(): boolean;
    coalesce(): Tensor;
    toDense(): Tensor;
    toSparse(sparseDim?: number): Tensor;
    sparseMask(mask: Tensor): Tensor;
  }
}

const proto = Tensor.prototype;
proto.sparseDim = function () {
  return this._sparse === null ? 0 : this._sparse.indices.size(0);
};
proto.denseDim = function () {
  return this._sparse === null ? this.dim() : this._sparse.values.dim() - 1;
};
proto._nnz = function () {
  return partsOf(this, '_nnz').indices.size(1);
};
proto.indices = function () {
  const parts = partsOf(this, 'indices');
  if (!parts.coalesced) {
    throw new RuntimeError('Cannot get indices on an uncoalesced tensor, please call .coalesce() first');
  }
  return parts.indices;
};
proto.values = function () {
  const parts = partsOf(this, 'values');
  if (!parts.coalesced) {
    throw new RuntimeError('Cannot get values on an uncoalesced tensor, please call .coalesce() first');
  }
  return parts.values;
};
proto._indices = function () {
  return partsOf(this, '_indices').indices;
};
proto._values = function () {
  return partsOf(this, '_values').values;
};
proto.isCoalesced = function () {
  return partsOf(this, 'isCoalesced').coalesced;
};
proto.coalesce = function () {
  return coalesce(this);
};
proto.toDense = function () {
  return toDense(this);
};
proto.toSparse = function (sparseDim) {
  return toSparse(this, sparseDim);
};
proto.sparseMask = function (mask) {
  return sparseMask(this, mask);
};
