/**
 * Indexing along one dim: `gather`, `scatter`/`scatterAdd`/`scatterReduce`, `indexSelect`, `indexAdd`,
 * `indexFill`, `indexCopy` and `takeAlongDim`, each with PyTorch's checks and messages. The kernels compute the
 * storage offsets touched (`indexedOffsets`) and then move or combine raw elements (`combineInto`), so one loop
 * serves every dtype without per-element allocation.
 */

import { dispatch } from '../dispatch.js';
import { type DType, type Scalar, scalarTypeName } from '../dtype.js';
import { IndexError, RuntimeError } from '../errors.js';
import { BFLOAT_TO_FLOAT, floatToBfloat, floatToHalf, HALF_TO_FLOAT } from '../internal/half.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, fmtShape, wrapDim } from '../layout.js';
import { hostData, Tensor } from '../tensor.js';
import { mul } from './elementwise.js';
import {
  checkSameDevice,
  contiguousCopy,
  emptyTensor,
  mayOverlap,
  sameShape,
  scalarTensor,
} from './helpers.js';
import {
  type CombineMode,
  checkIndexRange,
  combineInto,
  finishWork,
  indexedOffsets,
  rawScalar,
  readIndexValues,
  stridedOffsets,
  workTensor,
} from './indexing.js';
import { expand, reshape } from './views.js';

// NOTE [Raw element loops] in indexing.ts: typed as Float64Array for the compiler; any dtype's elements pass through.
type Raw = Float64Array;

/** PyTorch treats 0-d tensors as 1-d in the dim-wise index ops (`ensure_nonempty`); a layout-only alias. */
function nonempty(t: Tensor): Tensor {
  return t.ndim === 0 ? new Tensor(t._storage, [1], [1], t._offset) : t;
}

function nonemptyDim(t: Tensor): number {
  return Math.max(t.ndim, 1);
}

function without(shape: readonly number[], dim: number): number[] {
  return shape.filter((_, i) => i !== dim);
}

/** Strides that read a 1-d index along `dim` of an `ndim`-d iteration. */
function alongDim(ndim: number, dim: number): number[] {
  const strides = new Array<number>(ndim).fill(0);
  strides[dim] = 1;
  return strides;
}

function outOfBounds(
  dim: number,
  size: number,
  ErrorClass: typeof RuntimeError | typeof IndexError,
  prefix = '',
) {
  return (v: number) =>
    new ErrorClass(`${prefix}index ${v} is out of bounds for dimension ${dim} with size ${size}`);
}

// ---------------------------------------------------------------------------------------------------------------
// gather

/** Options of `gather` (`sparseGrad` is accepted for PyTorch compatibility; gradients are always dense). */
export interface GatherOptions {
  sparseGrad?: boolean;
}

/**
 * `torch.gather(x, dim, index)`: `out[i][j][k] = x[index[i][j][k]][j][k]` for `dim = 0` (and likewise for other
 * dims). `index` is int64 with `x`'s number of dims and no larger than `x` outside `dim`; the result has its shape.
 */
export function gather(x: Tensor, dim: number, index: Tensor, _options?: GatherOptions): Tensor {
  const d = wrapDim(dim, x.ndim);
  if (index.dtype !== 'int64') throw new RuntimeError('gather(): Expected dtype int64 for index');
  if (nonemptyDim(index) !== nonemptyDim(x)) {
    throw new RuntimeError('Index tensor must have the same number of dimensions as input tensor');
  }
  checkSameDevice('gather', [x, index]);
  const self1 = nonempty(x);
  const index1 = nonempty(index);
  const values = readIndexValues(index);
  if (values.length > 0) {
    for (let k = 0; k < self1.ndim; k++) {
      if (k !== d && index1._shape[k]! > self1._shape[k]!) {
        throw new RuntimeError(
          `Size does not match at dimension ${k} expected index ${fmtShape(index._shape)} to be smaller than self ${fmtShape(x._shape)} apart from dimension ${d}`,
        );
      }
    }
    checkIndexRange(values, self1._shape[d]!, false, outOfBounds(d, self1._shape[d]!, RuntimeError));
  }
  return dispatch('gather', [x, index], { dim: d }, () => {
    const out = emptyTensor(index._shape, x.dtype, x.device);
    const offsets = indexedOffsets(
      index1._shape,
      self1._strides,
      x._offset,
      d,
      values,
      contiguousStrides(index1._shape),
    );
    const dst = hostData(out) as Raw;
    const src = hostData(x) as Raw;
    for (let i = 0; i < offsets.length; i++) dst[i] = src[offsets[i]!]!;
    return out;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// scatter, scatterAdd, scatterReduce

/** Reductions of `scatter(..., { reduce })`. */
export type ScatterReduceLegacy = 'add' | 'multiply';

/** Reductions of `scatterReduce`. */
export type ScatterReduction = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';

type ScatterMode = CombineMode | 'mean';

const INTEGER_RANGE: Partial<Record<DType, readonly [number, number]>> = {
  bool: [0, 1],
  uint8: [0, 255],
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

/** The identity of a reduction in `dtype`, as a raw storage value (for `includeSelf: false`). */
function reductionIdentity(mode: ScatterMode, dtype: DType): number | bigint {
  if (mode === 'multiply') return rawScalar(dtype, 1);
  if (mode !== 'amax' && mode !== 'amin') return rawScalar(dtype, 0);
  const lowest = mode === 'amax';
  if (dtype === 'int64') return lowest ? -(2n ** 63n) : 2n ** 63n - 1n;
  const range = INTEGER_RANGE[dtype];
  if (range !== undefined) return lowest ? range[0] : range[1];
  return rawScalar(dtype, lowest ? -Infinity : Infinity);
}

/** Divides each element of the contiguous `work` by its count (floor division for integers), for `'mean'`. */
function divideByCounts(work: Tensor, counts: Float64Array): void {
  const start = work._offset;
  const dtype = work.dtype;
  const data = hostData(work);
  if (dtype === 'int64') {
    const big = data as BigInt64Array;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c <= 1) continue;
      const a = big[start + i]!;
      const divisor = BigInt(c);
      let q = a / divisor;
      if (a % divisor !== 0n && a < 0n) q -= 1n;
      big[start + i] = q;
    }
    return;
  }
  const numbers = data as Raw;
  const half = dtype === 'float16' ? HALF_TO_FLOAT : dtype === 'bfloat16' ? BFLOAT_TO_FLOAT : null;
  const encode = dtype === 'float16' ? floatToHalf : floatToBfloat;
  const floating = half !== null || dtype === 'float32' || dtype === 'float64';
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c <= 1) continue;
    const raw = numbers[start + i]!;
    const v = half === null ? raw : half[raw]!;
    const q = floating ? v / c : Math.floor(v / c);
    numbers[start + i] = half === null ? q : encode(q);
  }
}

interface ScatterSpec {
  /** Op name for messages and dispatch (`scatter`, `scatter_add`, `scatter_reduce`). */
  name: string;
  mode: ScatterMode;
  includeSelf: boolean;
  attrs: Record<string, unknown>;
}

function scatterImpl(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor | Scalar,
  spec: ScatterSpec,
  inplace: boolean,
): Tensor {
  const d = wrapDim(dim, x.ndim);
  if (index.dtype !== 'int64') throw new RuntimeError('scatter(): Expected dtype int64 for index');
  const source = src instanceof Tensor ? src : null;
  if (source !== null && source.dtype !== x.dtype) {
    throw new RuntimeError('scatter(): Expected self.dtype to be equal to src.dtype');
  }
  if (nonemptyDim(index) !== nonemptyDim(x)) {
    throw new RuntimeError('Index tensor must have the same number of dimensions as self tensor');
  }
  if (source !== null && nonemptyDim(index) !== nonemptyDim(source)) {
    throw new RuntimeError('Index tensor must have the same number of dimensions as src tensor');
  }
  checkSameDevice(spec.name, [x, index, source]);
  const self1 = nonempty(x);
  const index1 = nonempty(index);
  const source1 = source === null ? null : nonempty(source);
  const values = readIndexValues(index);
  if (values.length > 0) {
    for (let k = 0; k < self1.ndim; k++) {
      const tooBig =
        (k !== d && index1._shape[k]! > self1._shape[k]!) ||
        (source1 !== null && index1._shape[k]! > source1._shape[k]!);
      if (tooBig) {
        throw new RuntimeError(
          `Expected index ${fmtShape(index._shape)} to be smaller than self ${fmtShape(x._shape)} apart from dimension ${d}${source === null ? '' : ` and to be smaller size than src ${fmtShape(source._shape)}`}`,
        );
      }
    }
    checkIndexRange(values, self1._shape[d]!, false, outOfBounds(d, self1._shape[d]!, RuntimeError));
  }
  const inputs = source === null ? [x, index] : [x, index, source];
  const attrs = { dim: d, ...spec.attrs, ...(source === null ? { value: src } : {}) };
  return dispatch(
    inplace ? `${spec.name}_` : spec.name,
    inputs,
    attrs,
    () => {
      const work = workTensor(x, inplace);
      const work1 = nonempty(work);
      const dstOffsets = indexedOffsets(
        index1._shape,
        work1._strides,
        work._offset,
        d,
        values,
        contiguousStrides(index1._shape),
      );
      let srcData: unknown;
      let srcOffsets: Float64Array;
      if (source1 !== null) {
        const safe = mayOverlap(source1, work) ? contiguousCopy(source1) : source1;
        srcData = hostData(safe);
        srcOffsets = stridedOffsets(index1._shape, safe._strides, safe._offset);
      } else {
        srcData = hostData(scalarTensor(src as Scalar, x.dtype));
        srcOffsets = new Float64Array(dstOffsets.length);
      }
      const data = hostData(work);
      if (!spec.includeSelf) {
        const identity = reductionIdentity(spec.mode, x.dtype);
        for (let i = 0; i < dstOffsets.length; i++) (data as Raw)[dstOffsets[i]!] = identity as number;
      }
      if (spec.mode === 'mean') {
        combineInto(x.dtype, data, dstOffsets, srcData, srcOffsets, 0, 'add');
        const counts = new Float64Array(work.numel()).fill(spec.includeSelf ? 1 : 0);
        for (let i = 0; i < dstOffsets.length; i++) counts[dstOffsets[i]! - work._offset]!++;
        divideByCounts(work, counts);
      } else {
        combineInto(x.dtype, data, dstOffsets, srcData, srcOffsets, 0, spec.mode);
      }
      return finishWork(x, work, inplace);
    },
    inplace ? { isInplace: true } : undefined,
  );
}

/** Options of `scatter`. */
export interface ScatterOptions {
  /** Combine with the existing value instead of overwriting. */
  reduce?: ScatterReduceLegacy;
}

function legacySpec(options: ScatterOptions | undefined): ScatterSpec {
  const reduce = options?.reduce;
  if (reduce !== undefined && reduce !== 'add' && reduce !== 'multiply') {
    throw new RuntimeError('reduce argument must be either add or multiply.');
  }
  return { name: 'scatter', mode: reduce ?? 'set', includeSelf: true, attrs: { reduce: reduce ?? null } };
}

/**
 * `torch.scatter(x, dim, index, src)`: a copy of `x` with `out[index[i][j]][j] = src[i][j]` (for `dim = 0`); `src`
 * may be a tensor of `x`'s dtype or a scalar. `{ reduce: 'add' | 'multiply' }` combines instead of overwriting.
 */
export function scatter(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor | Scalar,
  options?: ScatterOptions,
): Tensor {
  return scatterImpl(x, dim, index, src, legacySpec(options), false);
}

/** In-place {@link scatter}. */
export function scatter_(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor | Scalar,
  options?: ScatterOptions,
): Tensor {
  return scatterImpl(x, dim, index, src, legacySpec(options), true);
}

const ADD_SPEC: ScatterSpec = { name: 'scatter_add', mode: 'add', includeSelf: true, attrs: {} };

/** `torch.scatter_add(x, dim, index, src)`: like `scatter`, adding into `x` (repeated indices all add). */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return scatterImpl(x, dim, index, src, ADD_SPEC, false);
}

/** In-place {@link scatterAdd}. */
export function scatterAdd_(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return scatterImpl(x, dim, index, src, ADD_SPEC, true);
}

/** Options of `scatterReduce`. */
export interface ScatterReduceOptions {
  /** Include the existing values of `x` in the reduction (default true). */
  includeSelf?: boolean;
}

const REDUCTION_MODES: Record<ScatterReduction, ScatterMode> = {
  sum: 'add',
  prod: 'multiply',
  mean: 'mean',
  amax: 'amax',
  amin: 'amin',
};

function reduceSpec(reduce: ScatterReduction, options: ScatterReduceOptions | undefined): ScatterSpec {
  const mode = Object.hasOwn(REDUCTION_MODES, reduce) ? REDUCTION_MODES[reduce] : undefined;
  if (mode === undefined)
    throw new RuntimeError('reduce argument must be either sum, prod, mean, amax or amin.');
  const includeSelf = options?.includeSelf ?? true;
  return { name: 'scatter_reduce', mode, includeSelf, attrs: { reduce, includeSelf } };
}

/**
 * `torch.scatter_reduce(x, dim, index, src, reduce, { includeSelf })`: reduces the `src` values sent to each
 * position of `x` with `'sum' | 'prod' | 'mean' | 'amax' | 'amin'` (integer means round down). With
 * `includeSelf: false` the scattered-to positions start from the reduction's identity instead of `x`'s value.
 */
export function scatterReduce(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor,
  reduce: ScatterReduction,
  options?: ScatterReduceOptions,
): Tensor {
  return scatterImpl(x, dim, index, src, reduceSpec(reduce, options), false);
}

/** In-place {@link scatterReduce}. */
export function scatterReduce_(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor,
  reduce: ScatterReduction,
  options?: ScatterReduceOptions,
): Tensor {
  return scatterImpl(x, dim, index, src, reduceSpec(reduce, options), true);
}

// ---------------------------------------------------------------------------------------------------------------
// indexSelect, indexAdd, indexCopy, indexFill

/** `torch.index_select(x, dim, index)`: the slices of `x` along `dim` at a 1-d int64/int32 `index` (a copy). */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  if (index.ndim > 1) throw new IndexError('index_select(): Index is supposed to be a vector');
  if (index.dtype !== 'int64' && index.dtype !== 'int32') {
    throw new RuntimeError('index_select(): Expected dtype int32 or int64 for index');
  }
  const d = wrapDim(dim, x.ndim);
  checkSameDevice('index_select', [x, index]);
  const values = readIndexValues(index);
  const self1 = nonempty(x);
  if (x.ndim === 0 && values.length !== 1) {
    throw new IndexError(
      `index_select(): Index to scalar can have only 1 value, got ${values.length} value(s)`,
    );
  }
  checkIndexRange(values, self1._shape[d]!, false, () => new IndexError('index out of range in self'));
  return dispatch('index_select', [x, index], { dim: d }, () => {
    const shape = self1._shape.slice();
    shape[d] = values.length;
    const out = emptyTensor(x.ndim === 0 ? [] : shape, x.dtype, x.device);
    const dst = hostData(out) as Raw;
    const src = hostData(x) as Raw;
    if (self1.isContiguous()) {
      // Contiguous fast path: whole rows of `inner` elements per index.
      let outerCount = 1;
      for (let k = 0; k < d; k++) outerCount *= self1._shape[k]!;
      let inner = 1;
      for (let k = d + 1; k < self1.ndim; k++) inner *= self1._shape[k]!;
      const size = self1._shape[d]!;
      let p = 0;
      for (let o = 0; o < outerCount; o++) {
        for (let j = 0; j < values.length; j++) {
          const start = x._offset + (o * size + values[j]!) * inner;
          // Long rows go through the engine's memcpy (one subarray view per row, none per element).
          if (inner >= 32) dst.set(src.subarray(start, start + inner), p);
          else for (let i = 0; i < inner; i++) dst[p + i] = src[start + i]!;
          p += inner;
        }
      }
      return out;
    }
    const offsets = indexedOffsets(shape, self1._strides, x._offset, d, values, alongDim(shape.length, d));
    for (let i = 0; i < offsets.length; i++) dst[i] = src[offsets[i]!]!;
    return out;
  });
}

/**
 * Layout of `source` read over the shape `x.shape` with `dim` resized to `source.size(dim)`, its slices broadcast
 * to `x`'s slices (as `index_add_` allows).
 */
function sourceLayout(x1: Tensor, source: Tensor, dim: number): { shape: number[]; strides: number[] } {
  const shape = x1._shape.slice();
  const source1 = nonempty(source);
  shape[dim] = source1._shape[dim] ?? 1;
  const selfSlice = without(x1._shape, dim);
  const sliceStrides =
    source.ndim === 0
      ? selfSlice.map(() => 0)
      : broadcastStrides(without(source._shape, dim), without(source._strides, dim), selfSlice);
  const strides = sliceStrides.slice();
  strides.splice(dim, 0, source.ndim === 0 ? 0 : source._strides[dim]!);
  return { shape, strides };
}

function indexAddImpl(
  x: Tensor,
  dim: number,
  index: Tensor,
  source: Tensor,
  alpha: Scalar,
  inplace: boolean,
): Tensor {
  const d = wrapDim(dim, x.ndim);
  if (index.ndim > 1) {
    throw new IndexError(
      `index_add_(): Index is supposed to be a vector, but got dim: ${index.ndim} with type: ${scalarTypeName(index.dtype)} and size: ${fmtShape(index._shape)}`,
    );
  }
  if (index.dtype !== 'int64' && index.dtype !== 'int32') {
    throw new RuntimeError(
      `index_add_(): Expected dtype int32/int64 for index but got: ${scalarTypeName(index.dtype)}`,
    );
  }
  if (source.dtype !== x.dtype) {
    throw new RuntimeError(
      `index_add_(): self (${scalarTypeName(x.dtype)}) and source (${scalarTypeName(source.dtype)}) must have the same scalar type`,
    );
  }
  const n = index.numel();
  const sourceSize = source.ndim === 0 ? 1 : (source._shape[d] ?? 1);
  if (n !== sourceSize) {
    throw new RuntimeError(
      `index_add_(): Number of indices (${n}) should be equal to source.size(dim): (${sourceSize}), for dim: ${d}`,
    );
  }
  const x1 = nonempty(x);
  const selfSlice = without(x1._shape, d);
  const sourceSlice = source.ndim === 0 ? [] : without(source._shape, d);
  const broadcast = broadcastShapes(selfSlice, sourceSlice);
  if (!sameShape(broadcast, selfSlice)) {
    throw new RuntimeError(
      `output with shape ${fmtShape(selfSlice)} doesn't match the broadcast shape ${fmtShape(broadcast)}`,
    );
  }
  checkSameDevice('index_add_', [x, index, source]);
  const values = readIndexValues(index);
  checkIndexRange(values, x1._shape[d]!, false, () => new IndexError('index out of range in self'));
  return dispatch(
    inplace ? 'index_add_' : 'index_add',
    [x, index, source],
    { dim: d, alpha },
    () => {
      const work = workTensor(x, inplace);
      let scaled = alpha === 1 ? source : mul(source, alpha);
      if (scaled.dtype !== x.dtype || mayOverlap(scaled, work)) scaled = contiguousCopy(scaled, x.dtype);
      if (addRows(work, scaled, d, values)) return finishWork(x, work, inplace);
      const layout = sourceLayout(x1, scaled, d);
      const dstOffsets = indexedOffsets(
        layout.shape,
        nonempty(work)._strides,
        work._offset,
        d,
        values,
        alongDim(layout.shape.length, d),
      );
      const srcOffsets = stridedOffsets(layout.shape, layout.strides, scaled._offset);
      combineInto(x.dtype, hostData(work), dstOffsets, hostData(scaled), srcOffsets, 0, 'add');
      return finishWork(x, work, inplace);
    },
    inplace ? { isInplace: true } : undefined,
  );
}

/**
 * The common case of `index_add_` (embedding gradients, segment sums): a contiguous source of exactly the indexed
 * shape, in a dtype whose addition is a plain `+`: whole rows of `inner` elements added per index, in the same
 * order as the general path. Returns false when the case does not apply.
 */
function addRows(work: Tensor, source: Tensor, dim: number, values: Float64Array): boolean {
  const dtype = work.dtype;
  if (dtype === 'float16' || dtype === 'bfloat16' || dtype === 'int64' || dtype === 'bool') return false;
  if (!source.isContiguous() || source.ndim !== work.ndim || work.ndim === 0) return false;
  const shape = work._shape;
  for (let k = 0; k < shape.length; k++) {
    if (source._shape[k] !== (k === dim ? values.length : shape[k])) return false;
  }
  let outer = 1;
  for (let k = 0; k < dim; k++) outer *= shape[k]!;
  let inner = 1;
  for (let k = dim + 1; k < shape.length; k++) inner *= shape[k]!;
  const size = shape[dim]!;
  const n = values.length;
  const dst = hostData(work) as Float64Array;
  const src = hostData(source) as Float64Array;
  let from = source._offset;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const to = work._offset + (o * size + values[j]!) * inner;
      for (let i = 0; i < inner; i++) dst[to + i]! += src[from + i]!;
      from += inner;
    }
  }
  return true;
}

/** Options of `indexAdd`. */
export interface IndexAddOptions {
  /** Scale of `source` (default 1). */
  alpha?: Scalar;
}

/** `torch.index_add(x, dim, index, source, { alpha })`: a copy of `x` with `alpha * source` slices added at `index`. */
export function indexAdd(
  x: Tensor,
  dim: number,
  index: Tensor,
  source: Tensor,
  options?: IndexAddOptions,
): Tensor {
  return indexAddImpl(x, dim, index, source, options?.alpha ?? 1, false);
}

/** In-place {@link indexAdd}. */
export function indexAdd_(
  x: Tensor,
  dim: number,
  index: Tensor,
  source: Tensor,
  options?: IndexAddOptions,
): Tensor {
  return indexAddImpl(x, dim, index, source, options?.alpha ?? 1, true);
}

function indexCopyImpl(x: Tensor, dim: number, index: Tensor, source: Tensor, inplace: boolean): Tensor {
  const d = wrapDim(dim, x.ndim);
  if (index.ndim > 1)
    throw new IndexError(`index_copy_(): Index should have dimension 1 or 0 (got ${index.ndim})`);
  const n = index.numel();
  const sourceSize = source.ndim === 0 ? 1 : (source._shape[d] ?? 1);
  if (n !== sourceSize) {
    throw new IndexError(
      `index_copy_(): Number of indices (${n}) should be equal to source.size(dim) (${sourceSize})`,
    );
  }
  if (index.dtype !== 'int64') {
    throw new RuntimeError(
      `index_copy_(): Expected a long tensor for index, but got ${scalarTypeName(index.dtype)}`,
    );
  }
  if (source.dtype !== x.dtype) {
    throw new RuntimeError(
      `index_copy_(): self and source expected to have the same dtype, but got (self) ${scalarTypeName(x.dtype)} and (source) ${scalarTypeName(source.dtype)}`,
    );
  }
  const x1 = nonempty(x);
  const source1 = nonempty(source);
  const selfSlice = without(x1._shape, d);
  const sourceSlice = without(source1._shape, d);
  if (!sameShape(selfSlice, sourceSlice)) {
    // PyTorch names the first differing dim (or the dim count).
    let k = 0;
    while (k < selfSlice.length && selfSlice[k] === sourceSlice[k]) k++;
    throw new RuntimeError(
      `index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: ${selfSlice.join(' ')} at dimension ${d} and source slice shape: ${sourceSlice.join(' ')} at dimension 0.`,
    );
  }
  checkSameDevice('index_copy_', [x, index, source]);
  const values = readIndexValues(index);
  checkIndexRange(values, x1._shape[d]!, false, outOfBounds(d, x1._shape[d]!, IndexError, 'index_copy_(): '));
  return dispatch(
    inplace ? 'index_copy_' : 'index_copy',
    [x, index, source],
    { dim: d },
    () => {
      const work = workTensor(x, inplace);
      const safe = mayOverlap(source1, work) ? contiguousCopy(source1) : source1;
      const shape = source1._shape;
      const dstOffsets = indexedOffsets(
        shape,
        nonempty(work)._strides,
        work._offset,
        d,
        values,
        alongDim(shape.length, d),
      );
      const srcOffsets = stridedOffsets(shape, safe._strides, safe._offset);
      combineInto(x.dtype, hostData(work), dstOffsets, hostData(safe), srcOffsets, 0, 'set');
      return finishWork(x, work, inplace);
    },
    inplace ? { isInplace: true } : undefined,
  );
}

/** `torch.index_copy(x, dim, index, source)`: a copy of `x` whose slices at `index` along `dim` are `source`'s. */
export function indexCopy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  return indexCopyImpl(x, dim, index, source, false);
}

/** In-place {@link indexCopy}. */
export function indexCopy_(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  return indexCopyImpl(x, dim, index, source, true);
}

function indexFillImpl(
  x: Tensor,
  dim: number,
  index: Tensor,
  value: Tensor | Scalar,
  inplace: boolean,
): Tensor {
  const d = wrapDim(dim, x.ndim);
  if (index.dtype !== 'int64') throw new IndexError('index_fill_(): Expected dtype int64 for index.');
  if (index.ndim > 1) throw new RuntimeError('Index has to be a vector/scalar');
  if (value instanceof Tensor && value.ndim !== 0) {
    throw new RuntimeError(
      `index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`,
    );
  }
  checkSameDevice('index_fill_', [x, index]);
  const x1 = nonempty(x);
  const values = readIndexValues(index);
  checkIndexRange(values, x1._shape[d]!, true, outOfBounds(d, x1._shape[d]!, IndexError));
  const inputs = value instanceof Tensor ? [x, index, value] : [x, index];
  return dispatch(
    inplace ? 'index_fill_' : 'index_fill',
    inputs,
    { dim: d, value: value instanceof Tensor ? null : value },
    () => {
      const work = workTensor(x, inplace);
      const raw = rawScalar(x.dtype, value instanceof Tensor ? value.item() : value);
      const shape = x1._shape.slice();
      shape[d] = values.length;
      const offsets = indexedOffsets(
        shape,
        nonempty(work)._strides,
        work._offset,
        d,
        values,
        alongDim(shape.length, d),
      );
      const data = hostData(work) as Raw;
      for (let i = 0; i < offsets.length; i++) data[offsets[i]!] = raw as number;
      return finishWork(x, work, inplace);
    },
    inplace ? { isInplace: true } : undefined,
  );
}

/** `torch.index_fill(x, dim, index, value)`: a copy of `x` with the slices at `index` set to a scalar/0-d value. */
export function indexFill(x: Tensor, dim: number, index: Tensor, value: Tensor | Scalar): Tensor {
  return indexFillImpl(x, dim, index, value, false);
}

/** In-place {@link indexFill}. */
export function indexFill_(x: Tensor, dim: number, index: Tensor, value: Tensor | Scalar): Tensor {
  return indexFillImpl(x, dim, index, value, true);
}

// ---------------------------------------------------------------------------------------------------------------
// takeAlongDim

/**
 * `torch.take_along_dim(x, indices, dim?)`: `gather` after broadcasting `x` and `indices` outside `dim`; without
 * `dim`, both are flattened first (the result is 1-d).
 */
export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number | null): Tensor {
  if (dim === undefined || dim === null) {
    if (indices.dtype !== 'int64') throw new RuntimeError('gather(): Expected dtype int64 for index');
    return gather(reshape(x, -1), 0, reshape(indices, -1));
  }
  if (indices.dtype !== 'int64') {
    throw new RuntimeError(
      `torch.take_along_dim(): dtype of indices should be Long but got ${scalarTypeName(indices.dtype)}`,
    );
  }
  if (x.ndim !== indices.ndim) {
    throw new RuntimeError(
      `torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${x.ndim} dimensions for input, and ${indices.ndim} dimensions for indices`,
    );
  }
  const d = wrapDim(dim, x.ndim);
  const selfSizes = x.shape;
  selfSizes[d] = indices._shape[d]!;
  const broadcast = broadcastShapes(selfSizes, indices._shape);
  const indicesBroadcast = sameShape(broadcast, indices._shape) ? indices : expand(indices, broadcast);
  const selfTarget = broadcast.slice();
  selfTarget[d] = x._shape[d]!;
  const selfBroadcast = sameShape(selfTarget, x._shape) ? x : expand(x, selfTarget);
  return gather(selfBroadcast, d, indicesBroadcast);
}

// ---------------------------------------------------------------------------------------------------------------
// Methods

declare module '../tensor.js' {
  interface Tensor {
    gather(dim: number, index: Tensor, options?: GatherOptions): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | Scalar, options?: ScatterOptions): Tensor;
    scatter_(dim: number, index: Tensor, src: Tensor | Scalar, options?: ScatterOptions): this;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    scatterAdd_(dim: number, index: Tensor, src: Tensor): this;
    scatterReduce(
      dim: number,
      index: Tensor,
      src: Tensor,
      reduce: ScatterReduction,
      options?: ScatterReduceOptions,
    ): Tensor;
    scatterReduce_(
      dim: number,
      index: Tensor,
      src: Tensor,
      reduce: ScatterReduction,
      options?: ScatterReduceOptions,
    ): this;
    indexSelect(dim: number, index: Tensor): Tensor;
    indexAdd(dim: number, index: Tensor, source: Tensor, options?: IndexAddOptions): Tensor;
    indexAdd_(dim: number, index: Tensor, source: Tensor, options?: IndexAddOptions): this;
    indexCopy(dim: number, index: Tensor, source: Tensor): Tensor;
    indexCopy_(dim: number, index: Tensor, source: Tensor): this;
    indexFill(dim: number, index: Tensor, value: Tensor | Scalar): Tensor;
    indexFill_(dim: number, index: Tensor, value: Tensor | Scalar): this;
    takeAlongDim(indices: Tensor, dim?: number | null): Tensor;
  }
}

const proto = Tensor.prototype;
proto.gather = function (dim, index, options) {
  return gather(this, dim, index, options);
};
proto.scatter = function (dim, index, src, options) {
  return scatter(this, dim, index, src, options);
};
proto.scatter_ = function (dim, index, src, options) {
  scatter_(this, dim, index, src, options);
  return this;
};
proto.scatterAdd = function (dim, index, src) {
  return scatterAdd(this, dim, index, src);
};
proto.scatterAdd_ = function (dim, index, src) {
  scatterAdd_(this, dim, index, src);
  return this;
};
proto.scatterReduce = function (dim, index, src, reduce, options) {
  return scatterReduce(this, dim, index, src, reduce, options);
};
proto.scatterReduce_ = function (dim, index, src, reduce, options) {
  scatterReduce_(this, dim, index, src, reduce, options);
  return this;
};
proto.indexSelect = function (dim, index) {
  return indexSelect(this, dim, index);
};
proto.indexAdd = function (dim, index, source, options) {
  return indexAdd(this, dim, index, source, options);
};
proto.indexAdd_ = function (dim, index, source, options) {
  indexAdd_(this, dim, index, source, options);
  return this;
};
proto.indexCopy = function (dim, index, source) {
  return indexCopy(this, dim, index, source);
};
proto.indexCopy_ = function (dim, index, source) {
  indexCopy_(this, dim, index, source);
  return this;
};
proto.indexFill = function (dim, index, value) {
  return indexFill(this, dim, index, value);
};
proto.indexFill_ = function (dim, index, value) {
  indexFill_(this, dim, index, value);
  return this;
};
proto.takeAlongDim = function (indices, dim) {
  return takeAlongDim(this, indices, dim);
};
