/**
 * Indexing: `x.get(...)` (Python's `x[...]`), `x.set([...], value)` (`x[...] = value`), `indexPut`, the masked ops
 * (`maskedSelect`, `maskedFill`, `maskedScatter`), `take`, `nonzero`/`argwhere`/`whereNonzero`.
 * The dim-wise family (`gather`, `scatter*`, `index*` along a dim) lives in `scatter.ts` and shares the kernels
 * exported here (`readIndexValues`, `stridedOffsets`, `combineInto`).
 *
 * NOTE [Indexing as primitives]: like PyTorch, `get` is a chain of recorded primitives, so autograd needs no
 * formula for `get` itself: ints are `select`, slices `slice`, `null` is `unsqueeze` (all views), and the advanced
 * indices, once bool masks are turned into integer indices, are one `index` op (a copy) whose derivative is
 * `indexPut(zeros, indices, grad, { accumulate: true })`. `set` is one in-place op, `setitem`, with the items in
 * its attrs; its derivative can be written with `get`/`set` themselves.
 */
import { getBackend } from '../backend.js';
import { encodeScalar } from '../backends/cpu/index.js';
import { dispatch } from '../dispatch.js';
import { type DType, legacyTypeName, type Scalar, scalarTypeName } from '../dtype.js';
import { IndexError, RuntimeError, ValueError } from '../errors.js';
import { BFLOAT_TO_FLOAT, floatToBfloat, floatToHalf, HALF_TO_FLOAT } from '../internal/half.js';
import { broadcastShapes, broadcastStrides, fmtShape, isContiguousLayout, numelOf } from '../layout.js';
import { hostData, Tensor } from '../tensor.js';
import { tensor as tensorFromData } from './creation.js';
import {
  checkSameDevice,
  contiguousCopy,
  copyInto,
  emptyTensor,
  expandTo,
  makeView,
  mayOverlap,
  sameShape,
  scalarTensor,
} from './helpers.js';
import { select, unsqueeze } from './views.js';

// ---------------------------------------------------------------------------------------------------------------
// Index items

/** A Python slice: `null` bounds mean "from the start" / "to the end"; `step` defaults to 1. */
export interface Slice {
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;
}

/**
 * Python's `slice(start, stop, step)` for `get`/`set`: `x.get(slice(1, null, 2))` is `x[1::2]`. Bounds are clamped
 * like Python's; the step must be positive (PyTorch does not support negative steps).
 */
export function slice(
  start: number | null = null,
  stop: number | null = null,
  step: number | null = null,
): Slice {
  return { start, stop, step };
}

/** Nested arrays of integers or booleans, used as advanced indices (`x.get([0, 2])`, `x.get([[true, false]])`). */
export type NestedIndexArray = readonly (number | bigint | boolean | NestedIndexArray)[];

/**
 * One item of an index expression: an integer, a {@link Slice}, a slice string (`':'`, `'1:3'`, `'::2'`, `'-1:'`),
 * `'...'`, `null` (a new axis), a boolean, an integer or bool/uint8 tensor, or a nested array of integers/booleans.
 */
export type IndexItem = number | bigint | Slice | string | null | boolean | Tensor | NestedIndexArray;

type ParsedItem =
  | { kind: 'int'; value: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number | null }
  | { kind: 'ellipsis' }
  | { kind: 'newaxis' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'tensor'; tensor: Tensor };

const SLICE_PATTERN = /^\s*([+-]?\d+)?\s*:\s*([+-]?\d+)?\s*(?::\s*([+-]?\d+)?\s*)?$/;

function invalidIndex(got: string): IndexError {
  return new IndexError(
    `only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got ${got})`,
  );
}

function parseItem(item: IndexItem): ParsedItem {
  if (item === null) return { kind: 'newaxis' };
  if (typeof item === 'boolean') return { kind: 'bool', value: item };
  if (typeof item === 'number') {
    if (!Number.isInteger(item)) throw invalidIndex('float');
    return { kind: 'int', value: item };
  }
  if (typeof item === 'bigint') return { kind: 'int', value: Number(item) };
  if (typeof item === 'string') {
    const text = item.trim();
    if (text === '...') return { kind: 'ellipsis' };
    if (/^[+-]?\d+$/.test(text)) return { kind: 'int', value: Number(text) };
    const match = SLICE_PATTERN.exec(text);
    if (match === null)
      throw new TypeError(`invalid index string '${item}': expected a slice like '1:3', '::2' or '...'`);
    const bound = (s: string | undefined) => (s === undefined ? null : Number(s));
    return { kind: 'slice', start: bound(match[1]), stop: bound(match[2]), step: bound(match[3]) };
  }
  if (item instanceof Tensor) {
    // A 0-d integer tensor indexes like an int (a view), a 0-d bool/uint8 like a Python bool, as in PyTorch.
    if (item.ndim === 0 && item.dtype !== 'bool' && item.dtype !== 'uint8' && !item.isFloatingPoint()) {
      return { kind: 'int', value: Number(item.item()) };
    }
    if (item.ndim === 0 && (item.dtype === 'bool' || item.dtype === 'uint8')) {
      return { kind: 'bool', value: item.item() !== 0 && item.item() !== false };
    }
    return { kind: 'tensor', tensor: item };
  }
  if (Array.isArray(item)) return { kind: 'tensor', tensor: arrayIndexTensor(item as NestedIndexArray) };
  if (typeof item === 'object' && 'start' in item && 'stop' in item && 'step' in item) {
    for (const bound of [item.start, item.stop, item.step]) {
      if (bound !== null && bound !== undefined && !Number.isInteger(bound)) {
        throw new TypeError('slice indices must be integers or None or have an __index__ method');
      }
    }
    return { kind: 'slice', start: item.start ?? null, stop: item.stop ?? null, step: item.step ?? null };
  }
  throw invalidIndex(typeof item);
}

function arrayIndexTensor(items: NestedIndexArray): Tensor {
  const t = tensorFromData(items as never);
  // An empty list indexes nothing; PyTorch treats it as an empty integer index, not a float tensor.
  if (t.numel() === 0) return emptyTensor(t._shape, 'int64');
  return t;
}

/** Start, length and step of a slice over a dim of `size`, clamped like Python and `at::slice`. */
function resolveSlice(
  item: { start: number | null; stop: number | null; step: number | null },
  size: number,
) {
  const step = item.step ?? 1;
  if (step === 0) throw new ValueError('slice step cannot be zero');
  if (step < 0) throw new ValueError('step must be greater than zero');
  let start = item.start ?? 0;
  let stop = item.stop ?? size;
  if (start < 0) start += size;
  if (stop < 0) stop += size;
  if (start < 0) start = 0;
  else if (start > size) start = size;
  if (stop < start) stop = start;
  else if (stop > size) stop = size;
  return { start, length: Math.ceil((stop - start) / step), step };
}

function sliceView(x: Tensor, dim: number, start: number, length: number, step: number): Tensor {
  const shape = x._shape.slice();
  const strides = x._strides.slice();
  shape[dim] = length;
  strides[dim] = strides[dim]! * step;
  return dispatch(
    'slice',
    [x],
    { dim, start, end: start + length * step, step },
    () => makeView(x, shape, strides, x._offset + start * x._strides[dim]!),
    { isView: true },
  );
}

/** Result of the basic-indexing pass: a view, plus the advanced indices (per dim of the view) still to apply. */
interface BasicResult {
  view: Tensor;
  advanced: (Tensor | null)[];
}

function consumedDims(item: ParsedItem): number {
  switch (item.kind) {
    case 'int':
    case 'slice':
      return 1;
    case 'tensor':
      return item.tensor.dtype === 'bool' || item.tensor.dtype === 'uint8' ? item.tensor.ndim : 1;
    default:
      return 0;
  }
}

/** Applies ints, slices, `...` and new axes as views; records tensor indices for `index`/`indexPut`. */
function applyBasic(x: Tensor, items: readonly IndexItem[]): BasicResult {
  const parsed = items.map(parseItem);
  let consumed = 0;
  for (const item of parsed) consumed += consumedDims(item);
  // NOTE: unlike NumPy, PyTorch accepts several ellipses (`x[..., ...]`); each one skips the unindexed dims.
  if (x.ndim === 0 && parsed.length === 1 && parsed[0]!.kind === 'int') {
    throw new IndexError(
      'invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number',
    );
  }
  if (consumed > x.ndim) throw new IndexError(`too many indices for tensor of dimension ${x.ndim}`);
  let view = x;
  let dim = 0; // position in `view`
  let realDim = 0; // position in `x`, for messages
  // One entry per dim of `view`, except that a k-d mask is one entry covering k dims (PyTorch's index list).
  const advanced: (Tensor | null)[] = [];
  let covered = 0;
  const record = (at: number, index: Tensor, width: number) => {
    for (; covered < at; covered++) advanced.push(null);
    advanced.push(index);
    covered += width;
  };
  for (const item of parsed) {
    switch (item.kind) {
      case 'int': {
        const size = view._shape[dim]!;
        if (item.value < -size || item.value >= size) {
          throw new IndexError(
            `index ${item.value} is out of bounds for dimension ${realDim} with size ${size}`,
          );
        }
        view = select(view, dim, item.value);
        realDim++;
        break;
      }
      case 'slice': {
        const { start, length, step } = resolveSlice(item, view._shape[dim]!);
        // A slice covering the whole dim keeps the layout: no new view (PyTorch skips it too).
        if (!(start === 0 && step === 1 && length === view._shape[dim]))
          view = sliceView(view, dim, start, length, step);
        dim++;
        realDim++;
        break;
      }
      case 'ellipsis':
        dim += x.ndim - consumed;
        realDim += x.ndim - consumed;
        break;
      case 'newaxis':
        view = unsqueeze(view, dim);
        dim++;
        break;
      case 'bool':
        view = unsqueeze(view, dim);
        record(dim, item.value ? scalarTensor(0, 'int64').view(1) : emptyTensor([0], 'int64'), 1);
        dim++;
        break;
      case 'tensor': {
        const width = consumedDims(item);
        record(dim, item.tensor, width);
        dim += width;
        realDim += width;
        break;
      }
    }
  }
  return { view, advanced };
}

// ---------------------------------------------------------------------------------------------------------------
// Shared kernels

/**
 * The values of an integer index tensor as a contiguous row-major `Float64Array` (exact below 2^53). int64 data is
 * read as pairs of 32-bit words, so no BigInt is created per element.
 * @internal
 */
export function readIndexValues(index: Tensor): Float64Array {
  const flat = index.isContiguous() ? index : contiguousCopy(index);
  const n = flat.numel();
  const out = new Float64Array(n);
  if (n === 0) return out;
  const data = hostData(flat);
  const start = flat._offset;
  if (flat.dtype === 'int64') {
    const big = data as BigInt64Array;
    const words = new Int32Array(big.buffer, big.byteOffset + start * 8, n * 2);
    for (let i = 0; i < n; i++) out[i] = words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0);
  } else {
    const numbers = data as Int32Array;
    for (let i = 0; i < n; i++) out[i] = numbers[start + i]!;
  }
  return out;
}

/**
 * Checks every index against `size` (wrapping negatives in place when `wrap`), throwing `fail(value)` for the first
 * out-of-range one.
 * @internal
 */
export function checkIndexRange(
  values: Float64Array,
  size: number,
  wrap: boolean,
  fail: (value: number) => Error,
): void {
  const low = wrap ? -size : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < low || v >= size) throw fail(v);
    if (v < 0) values[i] = v + size;
  }
}

/**
 * Storage offsets of every element of a (shape, strides) layout in row-major order, starting at `base`.
 * @internal
 */
export function stridedOffsets(
  shape: readonly number[],
  strides: readonly number[],
  base: number,
): Float64Array {
  const total = numelOf(shape);
  const out = new Float64Array(total);
  if (total === 0) return out;
  const ndim = shape.length;
  if (ndim === 0) {
    out[0] = base;
    return out;
  }
  const last = ndim - 1;
  const lastSize = shape[last]!;
  const lastStride = strides[last]!;
  const counter = new Array<number>(ndim).fill(0);
  let offset = base;
  for (let done = 0; done < total; done += lastSize) {
    for (let j = 0, p = offset; j < lastSize; j++, p += lastStride) out[done + j] = p;
    for (let d = last - 1; d >= 0; d--) {
      counter[d]!++;
      offset += strides[d]!;
      if (counter[d]! < shape[d]!) break;
      offset -= counter[d]! * strides[d]!;
      counter[d] = 0;
    }
  }
  return out;
}

/**
 * Offsets of `x` indexed along `dim` by an index read through `indexStrides`: for each position `c` of `shape`
 * (row-major), `x._offset + Σ_{d≠dim} c_d·x.stride(d) + index[Σ c_d·indexStrides[d]]·x.stride(dim)`.
 * @internal
 */
export function indexedOffsets(
  shape: readonly number[],
  strides: readonly number[],
  base: number,
  dim: number,
  index: Float64Array,
  indexStrides: readonly number[],
): Float64Array {
  const withoutDim = strides.slice();
  withoutDim[dim] = 0;
  const offsets = stridedOffsets(shape, withoutDim, base);
  const dimStride = strides[dim]!;
  if (isContiguousLayout(shape, indexStrides)) {
    // The index is read in order (gather, scatter): no position table needed.
    for (let i = 0; i < offsets.length; i++) offsets[i] = offsets[i]! + index[i]! * dimStride;
    return offsets;
  }
  const positions = stridedOffsets(shape, indexStrides, 0);
  for (let i = 0; i < offsets.length; i++) offsets[i] = offsets[i]! + index[positions[i]!]! * dimStride;
  return offsets;
}

/** How `combineInto` merges a source value into the destination. */
export type CombineMode = 'set' | 'add' | 'multiply' | 'amax' | 'amin';

// NOTE [Raw element loops]: the loops below move storage elements between arrays of one dtype. They are typed as
// Float64Array for the compiler only; at run time bigints (int64) and half bit patterns pass through unchanged.
type Raw = Float64Array;

/**
 * `dst[dstOffsets[i]] = combine(dst[...], src[srcOffsets ? srcOffsets[i] : srcStart + i])` for every `i`, in
 * order, in the arithmetic of `dtype` (int64 exact, halves rounded after each step, ints wrapping like C).
 * `src` holds raw elements of the same dtype.
 * @internal
 */
export function combineInto(
  dtype: DType,
  dstData: unknown,
  dstOffsets: Float64Array,
  srcData: unknown,
  srcOffsets: Float64Array | null,
  srcStart: number,
  mode: CombineMode,
): void {
  const n = dstOffsets.length;
  if (mode === 'set') {
    const dst = dstData as Raw;
    const src = srcData as Raw;
    if (srcOffsets === null) for (let i = 0; i < n; i++) dst[dstOffsets[i]!] = src[srcStart + i]!;
    else for (let i = 0; i < n; i++) dst[dstOffsets[i]!] = src[srcOffsets[i]!]!;
    return;
  }
  if (dtype === 'int64') {
    const dst = dstData as BigInt64Array;
    const src = srcData as BigInt64Array;
    for (let i = 0; i < n; i++) {
      const d = dstOffsets[i]!;
      const a = dst[d]!;
      const b = src[srcOffsets === null ? srcStart + i : srcOffsets[i]!]!;
      if (mode === 'add') dst[d] = BigInt.asIntN(64, a + b);
      else if (mode === 'multiply') dst[d] = BigInt.asIntN(64, a * b);
      // biome-ignore lint/complexity/useMathMinMax: Math.max does not take bigints
      else if (mode === 'amax') dst[d] = b > a ? b : a;
      // biome-ignore lint/complexity/useMathMinMax: Math.min does not take bigints
      else dst[d] = b < a ? b : a;
    }
    return;
  }
  const dst = dstData as Raw;
  const src = srcData as Raw;
  const half = dtype === 'float16' ? HALF_TO_FLOAT : dtype === 'bfloat16' ? BFLOAT_TO_FLOAT : null;
  const encode = dtype === 'float16' ? floatToHalf : floatToBfloat;
  const integer = dtype !== 'float32' && dtype !== 'float64' && half === null;
  const bool = dtype === 'bool';
  for (let i = 0; i < n; i++) {
    const d = dstOffsets[i]!;
    const rawA = dst[d]!;
    const rawB = src[srcOffsets === null ? srcStart + i : srcOffsets[i]!]!;
    const a = half === null ? rawA : half[rawA]!;
    const b = half === null ? rawB : half[rawB]!;
    let r: number;
    if (bool) r = mode === 'add' || mode === 'amax' ? a | b : a & b;
    else if (mode === 'add') r = a + b;
    else if (mode === 'multiply') r = integer ? Math.imul(a, b) : a * b;
    else if (mode === 'amax') r = Math.max(a, b);
    else r = Math.min(a, b);
    dst[d] = half === null ? r : encode(r);
  }
}

/**
 * The raw storage value of a scalar or 0-d tensor converted to `dtype`.
 * @internal
 */
export function rawScalar(dtype: DType, value: Scalar): number | bigint {
  return encodeScalar(dtype, value);
}

/**
 * Writes int64 values (non-negative, below 2^31) into a contiguous int64 tensor's storage through its low words.
 * @internal
 */
export function int64Words(t: Tensor): Int32Array {
  const big = hostData(t) as BigInt64Array;
  if (t.numel() === 0) return new Int32Array(0);
  return new Int32Array(big.buffer, big.byteOffset + t._offset * 8, t.numel() * 2);
}

/**
 * The work tensor of an in-place kernel: `x` itself when contiguous, else a contiguous copy that `finishWork`
 * writes back.
 * @internal
 */
export function workTensor(x: Tensor, inplace: boolean): Tensor {
  if (!inplace) return contiguousCopy(x);
  return x.isContiguous() ? x : contiguousCopy(x);
}

/**
 * Writes a work tensor back into `x` when it was a copy, and bumps the version of in-place targets.
 * @internal
 */
export function finishWork(x: Tensor, work: Tensor, inplace: boolean): Tensor {
  if (!inplace) return work;
  if (work !== x) copyInto(x, work);
  x._bumpVersion();
  return x;
}

// ---------------------------------------------------------------------------------------------------------------
// Advanced indexing

/**
 * Where the elements of `x[indices]` live: result element (o, b, i) is at `outer[o] + gathered[b] + inner[i]`
 * (outer: dims before the advanced block, b: the broadcast index position, inner: the remaining dims).
 */
interface AdvancedPlan {
  /** Shape of the indexing result. */
  shape: number[];
  outer: Float64Array;
  gathered: Float64Array;
  inner: Float64Array;
  /** True when `inner[i] === i` (the trailing dims are one contiguous run), so rows copy without a lookup. */
  innerContiguous: boolean;
}

/** Storage offset in `x` of each element of the indexing result, row-major (for the write paths). */
function planOffsets(plan: AdvancedPlan): Float64Array {
  const { outer, gathered, inner } = plan;
  const offsets = new Float64Array(outer.length * gathered.length * inner.length);
  let p = 0;
  for (let o = 0; o < outer.length; o++) {
    for (let b = 0; b < gathered.length; b++) {
      const base = outer[o]! + gathered[b]!;
      for (let i = 0; i < inner.length; i++) offsets[p++] = base + inner[i]!;
    }
  }
  return offsets;
}

function isMask(t: Tensor): boolean {
  return t.dtype === 'bool' || t.dtype === 'uint8';
}

/** Replaces bool/uint8 masks by the integer indices of their true elements (one index tensor per mask dim). */
function expandMasks(x: Tensor, indices: readonly (Tensor | null)[]): (Tensor | null)[] {
  const out: (Tensor | null)[] = [];
  for (const index of indices) {
    if (index === null || !isMask(index)) {
      out.push(index);
      continue;
    }
    const start = out.length;
    for (let j = 0; j < index.ndim; j++) {
      const at = start + j;
      if (at >= x.ndim || index._shape[j] !== x._shape[at]) {
        throw new IndexError(
          `The shape of the mask ${fmtShape(index._shape)} at index ${j} does not match the shape of the indexed tensor ${fmtShape(x._shape)} at index ${at}`,
        );
      }
    }
    const rows = nonzeroKernel(index);
    for (let j = 0; j < index.ndim; j++) out.push(columnOf(rows, j));
  }
  return out;
}

function columnOf(rows: Tensor, column: number): Tensor {
  return new Tensor(
    rows._storage,
    [rows._shape[0]!],
    [rows._strides[0]!],
    rows._offset + column * rows._strides[1]!,
  );
}

function checkIndexDtypes(indices: readonly (Tensor | null)[]): void {
  for (const index of indices) {
    if (index !== null && index.dtype !== 'int64' && index.dtype !== 'int32' && !isMask(index)) {
      throw new IndexError('tensors used as indices must be long, int, byte or bool tensors');
    }
  }
}

/** Validates `indices` against `x` and computes where each element of `x[indices]` lives (PyTorch's `index`). */
function advancedPlan(x: Tensor, rawIndices: readonly (Tensor | null)[]): AdvancedPlan {
  checkIndexDtypes(rawIndices);
  let consumed = 0;
  for (const index of rawIndices) consumed += index !== null && isMask(index) ? index.ndim : 1;
  if (consumed > x.ndim) {
    throw new IndexError(`too many indices for tensor of dimension ${x.ndim} (got ${consumed})`);
  }
  const indices = expandMasks(x, rawIndices);
  const dims: number[] = [];
  const defined: Tensor[] = [];
  indices.forEach((index, d) => {
    if (index !== null) {
      dims.push(d);
      defined.push(index);
    }
  });
  let broadcast: number[];
  try {
    broadcast = broadcastShapes(...defined.map((t) => t._shape));
  } catch {
    throw new IndexError(
      `shape mismatch: indexing tensors could not be broadcast together with shapes ${defined.map((t) => fmtShape(t._shape)).join(', ')}`,
    );
  }
  const broadcastNumel = numelOf(broadcast);
  const gathered = new Float64Array(broadcastNumel);
  dims.forEach((d, k) => {
    const values = readIndexValues(expandTo(defined[k]!, broadcast));
    const size = x._shape[d]!;
    // PyTorch's kernel numbers the dim among the index tensors given (k), not in the tensor (`x[:, [5]]` says 0).
    checkIndexRange(
      values,
      size,
      true,
      (v) => new IndexError(`index ${v} is out of bounds for dimension ${k} with size ${size}`),
    );
    const stride = x._strides[d]!;
    for (let i = 0; i < broadcastNumel; i++) gathered[i] = gathered[i]! + values[i]! * stride;
  });
  // Adjacent advanced dims are replaced in place; separated ones move to the front (PyTorch/NumPy rule).
  const adjacent = dims.length === 0 || dims[dims.length - 1]! - dims[0]! + 1 === dims.length;
  const outerShape: number[] = [];
  const outerStrides: number[] = [];
  const innerShape: number[] = [];
  const innerStrides: number[] = [];
  for (let d = 0; d < x.ndim; d++) {
    if (dims.includes(d)) continue;
    const before = adjacent && d < dims[0]!;
    (before ? outerShape : innerShape).push(x._shape[d]!);
    (before ? outerStrides : innerStrides).push(x._strides[d]!);
  }
  const outer = stridedOffsets(outerShape, outerStrides, x._offset);
  const inner = stridedOffsets(innerShape, innerStrides, 0);
  let innerContiguous = true;
  for (let i = 0; i < inner.length && innerContiguous; i++) innerContiguous = inner[i] === i;
  return { shape: [...outerShape, ...broadcast, ...innerShape], outer, gathered, inner, innerContiguous };
}

/** PyTorch's `aten::index`: advanced indexing with one optional index tensor per dim; always a copy. */
function index(x: Tensor, indices: readonly (Tensor | null)[]): Tensor {
  return dispatch('index', [x], { indices }, () => {
    const plan = advancedPlan(x, indices);
    const out = emptyTensor(plan.shape, x.dtype, x.device);
    const dst = hostData(out) as Raw;
    const src = hostData(x) as Raw;
    const { outer, gathered, inner, innerContiguous } = plan;
    const innerLength = inner.length;
    let p = 0;
    for (let o = 0; o < outer.length; o++) {
      for (let b = 0; b < gathered.length; b++) {
        const base = outer[o]! + gathered[b]!;
        // Long contiguous rows go through the engine's memcpy (one subarray view per row, none per element).
        if (innerContiguous && innerLength >= 32) dst.set(src.subarray(base, base + innerLength), p);
        else if (innerContiguous) for (let i = 0; i < innerLength; i++) dst[p + i] = src[base + i]!;
        else for (let i = 0; i < innerLength; i++) dst[p + i] = src[base + inner[i]!]!;
        p += innerLength;
      }
    }
    return out;
  });
}

/**
 * `x[items]`: Python/PyTorch indexing. Ints, slices, `'...'` and `null` give a view (sharing storage, with PyTorch's
 * strides and offset); integer tensors/arrays and boolean masks (advanced indexing) give a copy.
 *
 * ```ts
 * x.get(0, '1:3')             // x[0, 1:3]        (view)
 * x.get('...', null, slice(null, null, 2))  // x[..., None, ::2]
 * x.get([0, 2], x.get(0).gt(0))  // x[[0, 2], x[0] > 0]  (copy)
 * ```
 */
export function get(x: Tensor, ...items: IndexItem[]): Tensor {
  const { view, advanced } = applyBasic(x, items);
  if (advanced.length > 0) {
    checkSameDevice('index', [x, ...advanced]);
    return index(view, advanced);
  }
  if (view !== x) return view;
  // `x[...]` and `x[()]` still return a new tensor object (an alias view), as in Python.
  return dispatch('alias', [x], {}, () => makeView(x, x._shape, x._strides, x._offset), { isView: true });
}

/** Drops leading size-1 dims of a value, as PyTorch does before assigning it (`x[0] = ones(1, 1, 4)` works). */
function stripLeadingOnes(value: Tensor, targetNdim: number): Tensor {
  let drop = 0;
  while (drop < value.ndim && value.ndim - drop > targetNdim && value._shape[drop] === 1) drop++;
  if (drop === 0) return value;
  return new Tensor(value._storage, value._shape.slice(drop), value._strides.slice(drop), value._offset);
}

/** `value.expand(shape)` with `expand`'s messages, as `x[basic] = value` reports them. */
function expandValue(value: Tensor, shape: readonly number[]): Tensor {
  if (value.ndim > shape.length) {
    throw new RuntimeError(
      `expand(${legacyTypeName(value.dtype)}{${fmtShape(value._shape)}}, size=${fmtShape(shape)}): the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${value.ndim})`,
    );
  }
  const shift = shape.length - value.ndim;
  for (let i = 0; i < value.ndim; i++) {
    const have = value._shape[i]!;
    const want = shape[shift + i]!;
    if (have !== want && have !== 1) {
      throw new RuntimeError(
        `The expanded size of the tensor (${want}) must match the existing size (${have}) at non-singleton dimension ${shift + i}.  Target sizes: ${fmtShape(shape)}.  Tensor sizes: ${fmtShape(value._shape)}`,
      );
    }
  }
  return new Tensor(
    value._storage,
    shape,
    broadcastStrides(value._shape, value._strides, shape),
    value._offset,
  );
}

/** Values for `indexPut`: broadcast to the indexing result, converted to `dtype`, as a contiguous copy. */
function valuesFor(value: Tensor, shape: readonly number[], dtype: DType): Tensor {
  let ok = value.ndim <= shape.length;
  if (ok) {
    try {
      ok = sameShape(broadcastShapes(value._shape, shape), shape);
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new RuntimeError(
      `shape mismatch: value tensor of shape ${fmtShape(value._shape)} cannot be broadcast to indexing result of shape ${fmtShape(shape)}`,
    );
  }
  return contiguousCopy(expandTo(value, shape), dtype);
}

function writeAdvanced(
  x: Tensor,
  indices: readonly (Tensor | null)[],
  value: Tensor,
  accumulate: boolean,
): void {
  const plan = advancedPlan(x, indices);
  const values = valuesFor(value, plan.shape, x.dtype);
  combineInto(
    x.dtype,
    hostData(x),
    planOffsets(plan),
    hostData(values),
    null,
    values._offset,
    accumulate ? 'add' : 'set',
  );
}

function valueTensor(value: Tensor | Scalar, dtype: DType, device: string, op: string): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'bigint') {
    throw new TypeError(
      `${op}(): value must be a Tensor or a number, got ${value === null ? 'null' : typeof value}`,
    );
  }
  return scalarTensor(value, dtype, device);
}

/**
 * `x[items] = value`, in place: writes through views, broadcasting `value` (a tensor or a scalar) and converting it
 * to `x`'s dtype. Returns `x`.
 *
 * ```ts
 * x.set([0, '1:'], 5);             // x[0, 1:] = 5
 * x.set([x.lt(0)], 0);             // x[x < 0] = 0
 * x.set([[0, 2]], torch.ones(4));  // x[[0, 2]] = torch.ones(4)
 * ```
 */
export function set(x: Tensor, items: readonly IndexItem[] | IndexItem, value: Tensor | Scalar): Tensor {
  // A top-level array is always the list of items: `x.set([[0, 2]], v)` is `x[[0, 2]] = v`.
  const list: readonly IndexItem[] = Array.isArray(items) ? items : [items as IndexItem];
  const source = valueTensor(value, x.dtype, x.device, 'set');
  checkSameDevice('index_put_', [x, source]);
  return dispatch(
    'setitem',
    [x, source],
    { indices: list },
    () => {
      const { view, advanced } = applyBasic(x, list);
      let input = stripLeadingOnes(source, advanced.length > 0 ? 0 : view.ndim);
      if (mayOverlap(input, x) && input.numel() > 1) input = contiguousCopy(input);
      if (advanced.length > 0) {
        checkSameDevice('index_put_', [x, ...advanced]);
        writeAdvanced(view, advanced, input, false);
      } else if (value instanceof Tensor) {
        copyInto(view, expandValue(input, view._shape));
      } else {
        getBackend(x.device).fill(view, value);
      }
      x._bumpVersion();
      return x;
    },
    { isInplace: true },
  );
}

/** Options of `indexPut`. */
export interface IndexPutOptions {
  /** Add into the indexed elements instead of overwriting (duplicates all count). */
  accumulate?: boolean;
}

function indexPutImpl(
  x: Tensor,
  indices: readonly (Tensor | null)[],
  values: Tensor | Scalar,
  accumulateOrOptions: boolean | IndexPutOptions | undefined,
  inplace: boolean,
): Tensor {
  const accumulate =
    typeof accumulateOrOptions === 'boolean'
      ? accumulateOrOptions
      : (accumulateOrOptions?.accumulate ?? false);
  const value = valueTensor(values, x.dtype, x.device, 'index_put');
  if (value.dtype !== x.dtype) {
    throw new RuntimeError(
      `Index put requires the source and destination dtypes match, got ${scalarTypeName(x.dtype)} for the destination and ${scalarTypeName(value.dtype)} for the source.`,
    );
  }
  for (const index of indices) {
    if (index !== null && !(index instanceof Tensor))
      throw new TypeError('indexPut(): indices must be Tensors or null');
  }
  checkSameDevice('index_put_', [x, value, ...indices]);
  const name = inplace ? 'index_put_' : 'index_put';
  return dispatch(
    name,
    [x, value],
    { indices, accumulate },
    () => {
      const work = workTensor(x, inplace);
      const source = mayOverlap(value, work) && value.numel() > 1 ? contiguousCopy(value) : value;
      writeAdvanced(work, indices, source, accumulate);
      return finishWork(x, work, inplace);
    },
    inplace ? { isInplace: true } : undefined,
  );
}

/**
 * `torch.index_put(x, indices, values, accumulate)`: a copy of `x` with `x[indices] = values` (or `+=` with
 * `accumulate`, where repeated indices all add). `indices` holds one index tensor (or null for "all") per dim.
 */
export function indexPut(
  x: Tensor,
  indices: readonly (Tensor | null)[],
  values: Tensor | Scalar,
  accumulate?: boolean | IndexPutOptions,
): Tensor {
  return indexPutImpl(x, indices, values, accumulate, false);
}

/** In-place {@link indexPut}. */
export function indexPut_(
  x: Tensor,
  indices: readonly (Tensor | null)[],
  values: Tensor | Scalar,
  accumulate?: boolean | IndexPutOptions,
): Tensor {
  return indexPutImpl(x, indices, values, accumulate, true);
}

// ---------------------------------------------------------------------------------------------------------------
// Masked ops

function maskValues(mask: Tensor, shape: readonly number[]): Uint8Array {
  const flat = contiguousCopy(expandTo(mask, shape));
  return hostData(flat) as Uint8Array;
}

/** `torch.masked_select(x, mask)`: the elements where the (broadcast) mask is true, as a 1-d copy. */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== 'bool' && mask.dtype !== 'uint8') {
    throw new RuntimeError('masked_select: expected BoolTensor or ByteTensor for mask');
  }
  checkSameDevice('masked_select', [x, mask]);
  const shape = broadcastShapes(mask._shape, x._shape);
  return dispatch('masked_select', [x, mask], {}, () => {
    const selected = maskValues(mask, shape);
    const expanded = expandTo(x, shape);
    const offsets = stridedOffsets(shape, expanded._strides, expanded._offset);
    let count = 0;
    for (let i = 0; i < selected.length; i++) if (selected[i] !== 0) count++;
    const out = emptyTensor([count], x.dtype, x.device);
    const dst = hostData(out) as Raw;
    const src = hostData(x) as Raw;
    for (let i = 0, k = 0; i < selected.length; i++) if (selected[i] !== 0) dst[k++] = src[offsets[i]!]!;
    return out;
  });
}

function checkBoolMask(mask: Tensor, op: string): void {
  if (mask.dtype !== 'bool' && mask.dtype !== 'uint8') {
    throw new RuntimeError(
      `${op} only supports boolean masks, but got mask with dtype ${mask.dtype === 'float32' ? 'float' : mask.dtype}`,
    );
  }
}

function maskedTarget(x: Tensor, mask: Tensor, inplace: boolean): number[] {
  if (!inplace) return broadcastShapes(mask._shape, x._shape);
  const shape = broadcastShapes(x._shape, mask._shape);
  if (!sameShape(shape, x._shape)) {
    throw new RuntimeError(
      `output with shape ${fmtShape(x._shape)} doesn't match the broadcast shape ${fmtShape(shape)}`,
    );
  }
  return shape;
}

function maskedFillImpl(x: Tensor, mask: Tensor, value: Tensor | Scalar, inplace: boolean): Tensor {
  checkBoolMask(mask, 'masked_fill_');
  if (value instanceof Tensor && value.ndim !== 0) {
    throw new RuntimeError(
      `masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`,
    );
  }
  checkSameDevice('masked_fill_', [x, mask]);
  const shape = maskedTarget(x, mask, inplace);
  const inputs = value instanceof Tensor ? [x, mask, value] : [x, mask];
  return dispatch(
    inplace ? 'masked_fill_' : 'masked_fill',
    inputs,
    { value: value instanceof Tensor ? null : value },
    () => {
      const target = inplace ? x : contiguousCopy(expandTo(x, shape));
      const raw = rawScalar(x.dtype, value instanceof Tensor ? value.item() : value);
      const selected = maskValues(mask, shape);
      const dst = hostData(target) as Raw;
      if (target.isContiguous()) {
        const start = target._offset;
        for (let i = 0; i < selected.length; i++) if (selected[i] !== 0) dst[start + i] = raw as number;
      } else {
        const offsets = stridedOffsets(target._shape, target._strides, target._offset);
        for (let i = 0; i < selected.length; i++) if (selected[i] !== 0) dst[offsets[i]!] = raw as number;
      }
      if (inplace) x._bumpVersion();
      return target;
    },
    inplace ? { isInplace: true } : undefined,
  );
}

/**
 * `torch.masked_fill(x, mask, value)`: a copy of `x` (broadcast with `mask`) with `value` (a scalar or 0-d tensor)
 * where `mask` is true.
 */
export function maskedFill(x: Tensor, mask: Tensor, value: Tensor | Scalar): Tensor {
  return maskedFillImpl(x, mask, value, false);
}

/** In-place {@link maskedFill}; the mask must broadcast to `x`'s shape. */
export function maskedFill_(x: Tensor, mask: Tensor, value: Tensor | Scalar): Tensor {
  return maskedFillImpl(x, mask, value, true);
}

function maskedScatterImpl(x: Tensor, mask: Tensor, source: Tensor, inplace: boolean): Tensor {
  checkBoolMask(mask, 'masked_scatter_');
  if (source.dtype !== x.dtype) {
    throw new RuntimeError(
      `masked_scatter: expected self and source to have same dtypes but got${scalarTypeName(x.dtype)} and ${scalarTypeName(source.dtype)}`,
    );
  }
  checkSameDevice('masked_scatter_', [x, mask, source]);
  const shape = maskedTarget(x, mask, inplace);
  const selected = maskValues(mask, shape);
  let count = 0;
  for (let i = 0; i < selected.length; i++) if (selected[i] !== 0) count++;
  if (count > source.numel()) throw new RuntimeError('Number of elements of source < number of ones in mask');
  return dispatch(
    inplace ? 'masked_scatter_' : 'masked_scatter',
    [x, mask, source],
    {},
    () => {
      const target = inplace ? x : contiguousCopy(expandTo(x, shape));
      const flatSource = contiguousCopy(source);
      const src = hostData(flatSource) as Raw;
      const dst = hostData(target) as Raw;
      const offsets = stridedOffsets(target._shape, target._strides, target._offset);
      for (let i = 0, k = 0; i < selected.length; i++) if (selected[i] !== 0) dst[offsets[i]!] = src[k++]!;
      if (inplace) x._bumpVersion();
      return target;
    },
    inplace ? { isInplace: true } : undefined,
  );
}

/**
 * `torch.masked_scatter(x, mask, source)`: a copy of `x` (broadcast with `mask`) whose masked positions take the
 * elements of `source` in row-major order.
 */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  return maskedScatterImpl(x, mask, source, false);
}

/** In-place {@link maskedScatter}; the mask must broadcast to `x`'s shape. */
export function maskedScatter_(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  return maskedScatterImpl(x, mask, source, true);
}

// ---------------------------------------------------------------------------------------------------------------
// take, nonzero

/** `torch.take(x, index)`: elements of `x` viewed as 1-d (row-major), at int64 `index` (negatives wrap). */
export function take(x: Tensor, index: Tensor): Tensor {
  if (index.dtype !== 'int64') {
    throw new RuntimeError(
      `take(): Expected a long tensor for index, but got ${scalarTypeName(index.dtype)}`,
    );
  }
  checkSameDevice('take', [x, index]);
  const numel = x.numel();
  const values = readIndexValues(index);
  if (numel === 0 && values.length > 0) throw new IndexError('take(): tried to take from an empty tensor');
  checkIndexRange(
    values,
    numel,
    true,
    (v) => new IndexError(`out of range: tried to access index ${v} on a tensor of ${numel} elements.`),
  );
  return dispatch('take', [x, index], {}, () => {
    const out = emptyTensor(index._shape, x.dtype, x.device);
    const dst = hostData(out) as Raw;
    const src = hostData(x) as Raw;
    if (x.isContiguous()) {
      const start = x._offset;
      for (let i = 0; i < values.length; i++) dst[i] = src[start + values[i]!]!;
    } else {
      const offsets = stridedOffsets(x._shape, x._strides, x._offset);
      for (let i = 0; i < values.length; i++) dst[i] = src[offsets[values[i]!]!]!;
    }
    return out;
  });
}

/** Row-major coordinates of the nonzero elements: an int64 tensor of shape [count, ndim]. */
function nonzeroKernel(x: Tensor): Tensor {
  const flat = x.isContiguous() ? x : contiguousCopy(x);
  const n = flat.numel();
  const start = flat._offset;
  const data = hostData(flat);
  const nonzero = new Uint8Array(n);
  let count = 0;
  if (n === 0) {
    // nothing to scan
  } else if (flat.dtype === 'int64') {
    const big = data as BigInt64Array;
    const words = new Int32Array(big.buffer, big.byteOffset + start * 8, n * 2);
    for (let i = 0; i < n; i++)
      if ((words[2 * i]! | words[2 * i + 1]!) !== 0) {
        nonzero[i] = 1;
        count++;
      }
  } else if (flat.dtype === 'float16' || flat.dtype === 'bfloat16') {
    // ±0 are the only zero bit patterns (NaN counts as nonzero, as in PyTorch).
    const bits = data as Uint16Array;
    for (let i = 0; i < n; i++)
      if ((bits[start + i]! & 0x7fff) !== 0) {
        nonzero[i] = 1;
        count++;
      }
  } else {
    const numbers = data as Float64Array;
    for (let i = 0; i < n; i++)
      if (numbers[start + i] !== 0) {
        nonzero[i] = 1;
        count++;
      }
  }
  const ndim = x.ndim;
  const out = emptyTensor([count, ndim], 'int64', x.device);
  if (count === 0 || ndim === 0) return out;
  const words = int64Words(out);
  const shape = x._shape;
  const coords = new Array<number>(ndim).fill(0);
  let row = 0;
  for (let i = 0; i < n; i++) {
    if (nonzero[i] !== 0) {
      const base = row * ndim * 2;
      for (let d = 0; d < ndim; d++) words[base + 2 * d] = coords[d]!;
      row++;
    }
    for (let d = ndim - 1; d >= 0; d--) {
      if (++coords[d]! < shape[d]!) break;
      coords[d] = 0;
    }
  }
  return out;
}

/** Options of `nonzero`. */
export interface NonzeroOptions {
  /** Return one 1-d index tensor per dim instead of a [count, ndim] matrix. */
  asTuple?: boolean;
}

/**
 * `torch.nonzero(x)`: int64 coordinates of the nonzero elements, shape [count, ndim]; with `{ asTuple: true }` one
 * 1-d tensor per dim (a 0-d input counts as 1-d), ready to index with.
 */
export function nonzero(x: Tensor, options: NonzeroOptions & { asTuple: true }): Tensor[];
export function nonzero(x: Tensor, options?: NonzeroOptions & { asTuple?: false }): Tensor;
export function nonzero(x: Tensor, options?: NonzeroOptions): Tensor | Tensor[];
export function nonzero(x: Tensor, options?: NonzeroOptions): Tensor | Tensor[] {
  if (!options?.asTuple) return nonzeroKernel(x);
  const rows = nonzeroKernel(x.ndim === 0 ? new Tensor(x._storage, [1], [1], x._offset) : x);
  const columns: Tensor[] = [];
  for (let d = 0; d < rows._shape[1]!; d++) columns.push(contiguousCopy(columnOf(rows, d)));
  return columns;
}

/** `torch.argwhere(x)`: same as `nonzero(x)`. */
export function argwhere(x: Tensor): Tensor {
  return nonzeroKernel(x);
}

/**
 * `torch.where(condition)` with one argument: `nonzero(condition, { asTuple: true })`. (The three-argument
 * `where(condition, a, b)` is the elementwise select in `elementwise.ts`.)
 */
export function whereNonzero(condition: Tensor): Tensor[] {
  return nonzero(condition, { asTuple: true });
}

// ---------------------------------------------------------------------------------------------------------------
// Methods

declare module '../tensor.js' {
  interface Tensor {
    /** See {@link get}: `x.get(0, '1:3')` is `x[0, 1:3]`. */
    get(...items: IndexItem[]): Tensor;
    /** See {@link set}: `x.set([0, '1:3'], v)` is `x[0, 1:3] = v`. */
    set(items: readonly IndexItem[] | IndexItem, value: Tensor | Scalar): this;
    indexPut(
      indices: readonly (Tensor | null)[],
      values: Tensor | Scalar,
      accumulate?: boolean | IndexPutOptions,
    ): Tensor;
    indexPut_(
      indices: readonly (Tensor | null)[],
      values: Tensor | Scalar,
      accumulate?: boolean | IndexPutOptions,
    ): this;
    maskedSelect(mask: Tensor): Tensor;
    maskedFill(mask: Tensor, value: Tensor | Scalar): Tensor;
    maskedFill_(mask: Tensor, value: Tensor | Scalar): this;
    maskedScatter(mask: Tensor, source: Tensor): Tensor;
    maskedScatter_(mask: Tensor, source: Tensor): this;
    take(index: Tensor): Tensor;
    nonzero(options: NonzeroOptions & { asTuple: true }): Tensor[];
    nonzero(options?: NonzeroOptions & { asTuple?: false }): Tensor;
    argwhere(): Tensor;
  }
}

const proto = Tensor.prototype;
proto.get = function (...items) {
  return get(this, ...items);
};
proto.set = function (items, value) {
  set(this, items, value);
  return this;
};
proto.indexPut = function (indices, values, accumulate) {
  return indexPut(this, indices, values, accumulate);
};
proto.indexPut_ = function (indices, values, accumulate) {
  indexPut_(this, indices, values, accumulate);
  return this;
};
proto.maskedSelect = function (mask) {
  return maskedSelect(this, mask);
};
proto.maskedFill = function (mask, value) {
  return maskedFill(this, mask, value);
};
proto.maskedFill_ = function (mask, value) {
  maskedFill_(this, mask, value);
  return this;
};
proto.maskedScatter = function (mask, source) {
  return maskedScatter(this, mask, source);
};
proto.maskedScatter_ = function (mask, source) {
  maskedScatter_(this, mask, source);
  return this;
};
proto.take = function (index) {
  return take(this, index);
};
proto.nonzero = function (options?: NonzeroOptions) {
  return nonzero(this, options) as never;
};
proto.argwhere = function () {
  return argwhere(this);
};
