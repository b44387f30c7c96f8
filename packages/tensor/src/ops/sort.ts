/**
 * Sorting and order statistics: `sort`, `argsort`, `msort`, `topk`, `kthvalue`, `median`, `nanmedian`, `mode`,
 * `quantile`, `nanquantile`, `unique`, `uniqueConsecutive`, `bincount`, `histc`, `searchsorted`, `bucketize`.
 *
 * Everything matches PyTorch 1.13 on the CPU, including which index is returned among equal values: see
 * NOTE [Matching PyTorch's tie order] in `backends/cpu/sort.ts`. NaN sorts above every value everywhere.
 */
import { getBackend } from '../backend.js';
import {
  int64Words,
  introsort,
  loadRawKeys,
  loadRow,
  loadSortKeys,
  nthElement,
  partialSort,
  quickSelect,
  ROW_HAS_NAN,
  ROW_INEXACT,
  stableSort,
  unorderedSetOrder,
} from '../backends/cpu/sort.js';
import { dispatch } from '../dispatch.js';
import {
  type DType,
  isFloatingPoint,
  promoteTypes,
  resultType,
  type Scalar,
  scalarTypeName,
  type TypedArray,
} from '../dtype.js';
import { IndexError, RuntimeError } from '../errors.js';
import { fmtShape, wrapDim } from '../layout.js';
import { hostData, Tensor } from '../tensor.js';
import { contiguousCopy, emptyTensor, scalarTensor } from './helpers.js';
import { type ValuesIndices, valuesIndices } from './reduce.js';
import { movedim } from './views.js';

/** Options of `sort` / `argsort`. */
export interface SortOptions {
  dim?: number;
  descending?: boolean;
  /** Keep equal values in their original order (PyTorch's `stable=True`). */
  stable?: boolean;
}

function sortArgs(
  dim?: number | SortOptions,
  descending?: boolean | SortOptions,
  options?: SortOptions,
): Required<SortOptions> {
  let merged: SortOptions = {};
  if (typeof dim === 'object') merged = { ...dim };
  else merged.dim = dim;
  if (typeof descending === 'object') merged = { ...merged, ...descending };
  else if (descending !== undefined) merged.descending = descending;
  if (options !== undefined) merged = { ...merged, ...options };
  return { dim: merged.dim ?? -1, descending: merged.descending ?? false, stable: merged.stable ?? false };
}

function notImplemented(kernel: string, dtype: DType): RuntimeError {
  return new RuntimeError(`"${kernel}" not implemented for '${scalarTypeName(dtype)}'`);
}

function sortImpl(x: Tensor, dim: number, descending: boolean, stable: boolean): [Tensor, Tensor] {
  const values = emptyTensor(x._shape, x.dtype, x.device);
  const indices = emptyTensor(x._shape, 'int64', x.device);
  getBackend(x.device).sort(values, indices, x, dim, descending, stable);
  return [values, indices];
}

/**
 * `torch.sort(x, dim=-1, descending=false, { stable })`: values and their indices along `dim`. NaN sorts last
 * (first when descending). Without `stable`, equal values come out in the order PyTorch's (unstable) CPU sort
 * leaves them.
 *
 * ```ts
 * const { values, indices } = torch.sort(x, 1, true);
 * torch.sort(x, { stable: true });
 * ```
 */
export function sort(
  x: Tensor,
  dim?: number | SortOptions,
  descending?: boolean | SortOptions,
  options?: SortOptions,
): ValuesIndices {
  const o = sortArgs(dim, descending, options);
  const d = wrapDim(o.dim, x.dim());
  const [values, indices] = dispatch(
    'sort',
    [x],
    { dim: d, descending: o.descending, stable: o.stable },
    () => sortImpl(x, d, o.descending, o.stable),
  );
  return valuesIndices(values, indices);
}

/** `torch.argsort(x, dim=-1, descending=false, { stable })`: the indices of `sort`. */
export function argsort(
  x: Tensor,
  dim?: number | SortOptions,
  descending?: boolean | SortOptions,
  options?: SortOptions,
): Tensor {
  const o = sortArgs(dim, descending, options);
  return sortImpl(x, wrapDim(o.dim, x.dim()), o.descending, o.stable)[1];
}

/** `torch.msort(x)`: `sort(x, 0).values`. */
export function msort(x: Tensor): Tensor {
  return sort(x, 0).values;
}

// ---------------------------------------------------------------------------------------------------------------
// Line-wise selection (topk, kthvalue, median, mode)

/** A contiguous copy with `dim` moved last, so every line is a contiguous row of `n` elements. */
interface Lines {
  data: TypedArray;
  rows: number;
  n: number;
}

function linesOf(x: Tensor, dim: number): Lines {
  const source = x.dim() === 0 ? x.reshape([1]) : x;
  const moved = contiguousCopy(dim === source.dim() - 1 ? source : movedim(source, dim, -1));
  const n = source._shape[dim]!;
  return { data: hostData(moved), rows: n === 0 ? 0 : moved.numel() / n, n };
}

/** Output of a reduction over `dim`: values (x.dtype) and int64 indices, in row order. */
function reducedOutputs(x: Tensor, dim: number, keepdim: boolean): [Tensor, Tensor] {
  const shape = x._shape.slice();
  if (shape.length > 0) {
    if (keepdim) shape[dim] = 1;
    else shape.splice(dim, 1);
  }
  return [emptyTensor(shape, x.dtype, x.device), emptyTensor(shape, 'int64', x.device)];
}

/** Writes `values[r] = line r at position`, `indices[r] = position` for a reduced result. */
function storePick(values: Tensor, indices: Tensor, lines: Lines, row: number, position: number): void {
  hostData(values)[row] = lines.data[row * lines.n + position]!;
  const words = int64Words(indices);
  words[2 * row] = position;
  words[2 * row + 1] = 0;
}

function checkReductionDim(x: Tensor, dim: number, name: string): void {
  if (x.dim() > 0 && x._shape[dim] === 0) {
    throw new IndexError(`${name}(): Expected reduction dim ${dim} to have non-zero size.`);
  }
}

/** Options of `topk`. */
export interface TopkOptions {
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}

/**
 * `torch.topk(x, k, dim=-1, largest=true, sorted=true)`: the k largest (or smallest) values and their indices.
 * NaN counts as the largest value.
 */
export function topk(
  x: Tensor,
  k: number,
  dim?: number | TopkOptions,
  largest?: boolean | TopkOptions,
  sorted?: boolean,
): ValuesIndices {
  let o: TopkOptions = typeof dim === 'object' ? { ...dim } : { dim };
  if (typeof largest === 'object') o = { ...o, ...largest };
  else if (largest !== undefined) o.largest = largest;
  if (sorted !== undefined) o.sorted = sorted;
  const isLargest = o.largest ?? true;
  const isSorted = o.sorted ?? true;
  const d = wrapDim(o.dim ?? -1, x.dim());
  const sliceSize = x.dim() === 0 ? 1 : x._shape[d]!;
  if (!Number.isInteger(k) || k < 0 || k > sliceSize) throw new RuntimeError('selected index k out of range');
  if (x.dtype === 'bool' || x.dtype === 'float16') throw notImplemented('topk_cpu', x.dtype);
  const [values, indices] = dispatch('topk', [x], { k, dim: d, largest: isLargest, sorted: isSorted }, () => {
    if (x.dim() === 0) return [contiguousCopy(x), emptyTensor([], 'int64', x.device)];
    const lines = linesOf(x, d);
    const n = lines.n;
    const outShape = x._shape.slice();
    outShape.splice(d, 1);
    outShape.push(k);
    const outValues = emptyTensor(outShape, x.dtype, x.device);
    const outIndices = emptyTensor(outShape, 'int64', x.device);
    const valueData = hostData(outValues);
    const words = int64Words(outIndices);
    const keys = new Float64Array(n);
    const index = new Int32Array(n);
    // NOTE: ATen picks partial_sort for small k and nth_element (+ sort of the first k-1) otherwise.
    const usePartialSort = k * 64 <= n;
    for (let r = 0; r < lines.rows; r++) {
      loadSortKeys(lines.data, x.dtype, r * n, 1, n, keys, isLargest);
      for (let j = 0; j < n; j++) index[j] = j;
      if (usePartialSort) partialSort(keys, index, 0, k, n);
      else {
        nthElement(keys, index, 0, k - 1, n);
        if (isSorted) introsort(keys, index, 0, k - 1);
      }
      for (let j = 0; j < k; j++) {
        valueData[r * k + j] = lines.data[r * n + index[j]!]!;
        words[2 * (r * k + j)] = index[j]!;
        words[2 * (r * k + j) + 1] = 0;
      }
    }
    if (d === x.dim() - 1) return [outValues, outIndices];
    return [contiguousCopy(movedim(outValues, -1, d)), contiguousCopy(movedim(outIndices, -1, d))];
  });
  return valuesIndices(values, indices);
}

/** Options of `kthvalue`, `median(dim)`, `mode`. */
export interface DimKeepdimOptions {
  dim?: number;
  keepdim?: boolean;
}

function dimKeepdim(
  dim: number | DimKeepdimOptions | undefined,
  keepdim: boolean | DimKeepdimOptions | undefined,
): { dim: number; keepdim: boolean } {
  let o: DimKeepdimOptions = typeof dim === 'object' ? { ...dim } : { dim };
  if (typeof keepdim === 'object') o = { ...o, ...keepdim };
  else if (keepdim !== undefined) o.keepdim = keepdim;
  return { dim: o.dim ?? -1, keepdim: o.keepdim ?? false };
}

/** `torch.kthvalue(x, k, dim=-1, keepdim=false)`: the k-th smallest value (1-based) and its index. */
export function kthvalue(
  x: Tensor,
  k: number,
  dim?: number | DimKeepdimOptions,
  keepdim?: boolean | DimKeepdimOptions,
): ValuesIndices {
  const o = dimKeepdim(dim, keepdim);
  const d = wrapDim(o.dim, x.dim());
  checkReductionDim(x, d, 'kthvalue');
  const sliceSize = x.dim() === 0 ? 1 : x._shape[d]!;
  if (!Number.isInteger(k) || k < 1 || k > sliceSize) {
    throw new RuntimeError(`kthvalue(): selected number k out of range for dimension ${d}`);
  }
  if (x.dtype === 'bool' || x.dtype === 'float16') throw notImplemented('kthvalue_cpu', x.dtype);
  const [values, indices] = dispatch('kthvalue', [x], { k, dim: d, keepdim: o.keepdim }, () => {
    const outputs = reducedOutputs(x, d, o.keepdim);
    const lines = linesOf(x, d);
    const keys = new Float64Array(lines.n);
    const index = new Int32Array(lines.n);
    for (let r = 0; r < lines.rows; r++) {
      loadSortKeys(lines.data, x.dtype, r * lines.n, 1, lines.n, keys, false);
      for (let j = 0; j < lines.n; j++) index[j] = j;
      quickSelect(keys, index, lines.n, k - 1);
      storePick(outputs[0], outputs[1], lines, r, index[k - 1]!);
    }
    return outputs;
  });
  return valuesIndices(values, indices);
}

/** The value a NaN becomes when stored in an integer dtype on x86 (what PyTorch returns for an empty median). */
function nanAs(dtype: DType): Scalar {
  if (isFloatingPoint(dtype)) return Number.NaN;
  if (dtype === 'int64') return -(2n ** 63n);
  if (dtype === 'int32') return -(2 ** 31);
  return 0;
}

function medianAll(x: Tensor, ignoreNan: boolean): Tensor {
  if (x.dtype === 'bool' || x.dtype === 'float16') throw notImplemented('median_cpu', x.dtype);
  return dispatch(ignoreNan ? 'nanmedian' : 'median', [x], {}, () => {
    const n = x.numel();
    if (n === 0) return scalarTensor(nanAs(x.dtype), x.dtype, x.device);
    const flat = contiguousCopy(x);
    const data = hostData(flat);
    const keys = new Float64Array(n);
    const flags = loadRow(data, x.dtype, 0, 1, n, keys);
    if ((flags & ROW_HAS_NAN) !== 0 && !ignoreNan) return scalarTensor(Number.NaN, x.dtype, x.device);
    if ((flags & ROW_INEXACT) !== 0) {
      const sortedBig = (data as BigInt64Array).slice().sort();
      return scalarTensor(sortedBig[(n - 1) >> 1]!, 'int64', x.device);
    }
    // Typed-array sort puts NaN last, so the non-NaN values come first in order.
    keys.sort();
    let count = n;
    while (count > 0 && keys[count - 1] !== keys[count - 1]) count--;
    if (count === 0) return scalarTensor(Number.NaN, x.dtype, x.device);
    return scalarTensor(keys[Math.trunc((count - 1) / 2)]!, x.dtype, x.device);
  });
}

function medianDim(
  x: Tensor,
  dim: number | DimKeepdimOptions | undefined,
  keepdim: boolean | DimKeepdimOptions | undefined,
  ignoreNan: boolean,
): ValuesIndices {
  const o = dimKeepdim(dim, keepdim);
  const d = wrapDim(o.dim, x.dim());
  checkReductionDim(x, d, 'median');
  if (x.dtype === 'bool' || x.dtype === 'float16') throw notImplemented('median_out', x.dtype);
  const [values, indices] = dispatch(
    ignoreNan ? 'nanmedianDim' : 'medianDim',
    [x],
    { dim: d, keepdim: o.keepdim },
    () => {
      const outputs = reducedOutputs(x, d, o.keepdim);
      const lines = linesOf(x, d);
      const n = lines.n;
      const keys = new Float64Array(n);
      const index = new Int32Array(n);
      const scratchKeys = new Float64Array(n);
      const scratchIndex = new Int32Array(n);
      const raw = new Float64Array(n);
      for (let r = 0; r < lines.rows; r++) {
        loadRow(lines.data, x.dtype, r * n, 1, n, raw);
        let nanCount = 0;
        let firstNan = -1;
        for (let j = 0; j < n; j++) {
          if (raw[j] !== raw[j]) {
            if (firstNan < 0) firstNan = j;
            nanCount++;
          }
        }
        if (!ignoreNan && firstNan >= 0) {
          storePick(outputs[0], outputs[1], lines, r, firstNan);
          continue;
        }
        for (let j = 0; j < n; j++) index[j] = j;
        if (nanCount === n) {
          // All NaN (nanmedian): ATen's comparator calls every pair equal, so the index is wherever
          // std::nth_element leaves position 0; equal keys reproduce that.
          keys.fill(0);
          nthElement(keys, index, 0, 0, n);
          storePick(outputs[0], outputs[1], lines, r, index[0]!);
          continue;
        }
        // ATen's comparator is a total order on (value, index): the stable order's element of that rank.
        loadSortKeys(lines.data, x.dtype, r * n, 1, n, keys, false);
        stableSort(keys, index, n, scratchKeys, scratchIndex);
        storePick(outputs[0], outputs[1], lines, r, index[Math.trunc((n - nanCount - 1) / 2)]!);
      }
      return outputs;
    },
  );
  return valuesIndices(values, indices);
}

/**
 * `torch.median(x)`: the lower median of all values (NaN if any value is NaN). `torch.median(x, dim, keepdim?)`:
 * values and indices along `dim`; among equal values the index is the one a stable sort would put at the median.
 */
export function median(x: Tensor): Tensor;
export function median(
  x: Tensor,
  dim: number | DimKeepdimOptions,
  keepdim?: boolean | DimKeepdimOptions,
): ValuesIndices;
export function median(
  x: Tensor,
  dim?: number | DimKeepdimOptions,
  keepdim?: boolean | DimKeepdimOptions,
): Tensor | ValuesIndices {
  if (dim === undefined) return medianAll(x, false);
  return medianDim(x, dim, keepdim, false);
}

/** `torch.nanmedian`: `median` ignoring NaN values (NaN only where every value is NaN). */
export function nanmedian(x: Tensor): Tensor;
export function nanmedian(
  x: Tensor,
  dim: number | DimKeepdimOptions,
  keepdim?: boolean | DimKeepdimOptions,
): ValuesIndices;
export function nanmedian(
  x: Tensor,
  dim?: number | DimKeepdimOptions,
  keepdim?: boolean | DimKeepdimOptions,
): Tensor | ValuesIndices {
  if (dim === undefined) return medianAll(x, true);
  return medianDim(x, dim, keepdim, true);
}

/**
 * `torch.mode(x, dim=-1, keepdim=false)`: the most frequent value along `dim` (the smallest among equally frequent
 * ones) and an index where it occurs, chosen as PyTorch's CPU kernel chooses it.
 */
export function mode(
  x: Tensor,
  dim?: number | DimKeepdimOptions,
  keepdim?: boolean | DimKeepdimOptions,
): ValuesIndices {
  const o = dimKeepdim(dim, keepdim);
  const d = wrapDim(o.dim, x.dim());
  checkReductionDim(x, d, 'mode');
  const [values, indices] = dispatch('mode', [x], { dim: d, keepdim: o.keepdim }, () => {
    const outputs = reducedOutputs(x, d, o.keepdim);
    const lines = linesOf(x, d);
    const n = lines.n;
    const keys = new Float64Array(n);
    const index = new Int32Array(n);
    for (let r = 0; r < lines.rows; r++) {
      // ATen sorts (value, index) pairs with `a.first < b.first` (std::sort), then keeps the last index of the
      // first longest run.
      loadRawKeys(lines.data, x.dtype, r * n, 1, n, keys);
      for (let j = 0; j < n; j++) index[j] = j;
      introsort(keys, index, 0, n);
      let best = 0;
      let bestCount = 0;
      let count = 0;
      for (let j = 0; j < n; j++) {
        count++;
        if (j === n - 1 || keys[j] !== keys[j + 1]) {
          if (count > bestCount) {
            best = index[j]!;
            bestCount = count;
          }
          count = 0;
        }
      }
      storePick(outputs[0], outputs[1], lines, r, best);
    }
    return outputs;
  });
  return valuesIndices(values, indices);
}

// ---------------------------------------------------------------------------------------------------------------
// quantile

/** How `quantile` picks between the two nearest values. */
export type QuantileInterpolation = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest';

/** Options of `quantile` / `nanquantile`. */
export interface QuantileOptions {
  dim?: number | null;
  keepdim?: boolean;
  interpolation?: QuantileInterpolation;
}

/** C++ `std::ostream << double` (6 significant digits, shortest form), used in PyTorch's messages. */
function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -5 || exponent >= 6) {
    const [mantissa, power] = value.toExponential(5).split('e') as [string, string];
    const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const sign = power.startsWith('-') ? '-' : '+';
    const digits = power.replace(/^[-+]/, '').padStart(2, '0');
    return `${trimmed}e${sign}${digits}`;
  }
  const fixed = value.toPrecision(6);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

function quantileImpl(
  name: 'quantile' | 'nanquantile',
  x: Tensor,
  q: Tensor | number,
  dim: number | null | QuantileOptions | undefined,
  keepdim: boolean | QuantileOptions | undefined,
  options: QuantileOptions | undefined,
): Tensor {
  let o: QuantileOptions = typeof dim === 'object' && dim !== null ? { ...dim } : { dim };
  if (typeof keepdim === 'object') o = { ...o, ...keepdim };
  else if (keepdim !== undefined) o.keepdim = keepdim;
  if (options !== undefined) o = { ...o, ...options };
  const keep = o.keepdim ?? false;
  const hasDim = o.dim !== undefined && o.dim !== null;
  if (typeof q === 'number' && !(q >= 0 && q <= 1)) {
    throw new RuntimeError(`quantile() q must be in the range [0, 1] but got ${formatDouble(q)}`);
  }
  const interpolation = o.interpolation ?? 'linear';
  if (!['linear', 'lower', 'higher', 'midpoint', 'nearest'].includes(interpolation)) {
    throw new RuntimeError(
      `quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got ${interpolation}`,
    );
  }
  const d = wrapDim(hasDim ? (o.dim as number) : 0, x.dim());
  if (x.numel() === 0) throw new RuntimeError('quantile() input tensor must be non-empty');
  const qTensor = typeof q === 'number' ? null : q;
  if (qTensor !== null && qTensor.dim() > 1)
    throw new RuntimeError('quantile() q must be a scalar or 1D tensor');
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new RuntimeError('quantile() input tensor must be either float or double dtype');
  }
  if (qTensor !== null && qTensor.dtype !== x.dtype) {
    throw new RuntimeError('quantile() q tensor must be same dtype as the input tensor');
  }
  if (qTensor !== null && qTensor.device !== x.device) {
    throw new RuntimeError('quantile() q tensor must be on the same device as the input tensor');
  }
  // q is held in the input's dtype, as ATen does with scalar_tensor(q, self.options()).
  const qValues: number[] =
    qTensor === null
      ? [x.dtype === 'float32' ? Math.fround(q as number) : (q as number)]
      : Array.from(hostData(contiguousCopy(qTensor, 'float64')) as Float64Array);
  for (const value of qValues) {
    if (!(value >= 0 && value <= 1))
      throw new RuntimeError('quantile() q values must be in the range [0, 1]');
  }
  let outShape: number[] = [];
  if (hasDim && x.dim() > 0) {
    outShape = x._shape.slice();
    if (keep) outShape[d] = 1;
    else outShape.splice(d, 1);
  } else if (keep) outShape = x._shape.map(() => 1);
  const qIsVector = qTensor !== null && qTensor.dim() === 1;
  return dispatch(
    name,
    [x, qTensor],
    { dim: hasDim ? d : null, keepdim: keep, interpolation, q: qTensor === null ? q : null },
    () => {
      const source = hasDim ? x : x.reshape([-1]);
      const sorted = sortImpl(source, hasDim ? d : 0, false, false)[0];
      const lines = linesOf(sorted, hasDim ? d : 0);
      const n = lines.n;
      if (n > 2 ** 24) throw new RuntimeError('quantile() input tensor is too large');
      const round = x.dtype === 'float32' ? Math.fround : (v: number) => v;
      const rows = lines.rows;
      const out = emptyTensor(qIsVector ? [qValues.length, ...outShape] : outShape, x.dtype, x.device);
      const outData = hostData(out) as Float32Array | Float64Array;
      const data = lines.data as Float32Array | Float64Array;
      for (let r = 0; r < rows; r++) {
        const base = r * n;
        let valid = n;
        while (valid > 0 && data[base + valid - 1] !== data[base + valid - 1]) valid--;
        for (let qi = 0; qi < qValues.length; qi++) {
          const qValue = qValues[qi]!;
          let rank: number;
          if (name === 'nanquantile') {
            rank = round(qValue * (valid - 1));
            if (rank < 0) rank = 0;
          } else {
            rank = valid < n ? n - 1 : round(qValue * (n - 1));
          }
          if (interpolation === 'lower') rank = Math.floor(rank);
          else if (interpolation === 'higher') rank = Math.ceil(rank);
          else if (interpolation === 'nearest') rank = roundHalfEven(rank);
          const below = Math.trunc(rank);
          let result = data[base + below]!;
          if (interpolation === 'linear' || interpolation === 'midpoint') {
            const weight = interpolation === 'midpoint' ? 0.5 : round(rank - below);
            const above = data[base + Math.ceil(rank)]!;
            result = lerp(result, above, weight, round);
          }
          outData[qi * rows + r] = result;
        }
      }
      return out;
    },
  );
}

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const difference = value - floor;
  if (difference > 0.5) return floor + 1;
  if (difference < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * ATen's `lerp`: two formulas, picked by the weight, so that both ends are exact. Its vectorized CPU kernel
 * fuses the multiply-add (FMA), so the product is not rounded on its own.
 */
function lerp(start: number, end: number, weight: number, round: (v: number) => number): number {
  const difference = round(end - start);
  if (Math.abs(weight) < 0.5) return round(fusedMultiplyAdd(weight, difference, start, round));
  return round(fusedMultiplyAdd(-difference, round(1 - weight), end, round));
}

/**
 * `a * b + c` with one rounding. For float32 operands the product is exact in a double; for doubles the
 * product's rounding error is recovered with Dekker's split (error-free transformations).
 */
function fusedMultiplyAdd(a: number, b: number, c: number, round: (v: number) => number): number {
  if (round === Math.fround) return a * b + c;
  const product = a * b;
  const split = 134217729; // 2^27 + 1
  const aHigh = a * split - (a * split - a);
  const aLow = a - aHigh;
  const bHigh = b * split - (b * split - b);
  const bLow = b - bHigh;
  const productError = aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
  const sum = product + c;
  const virtual = sum - product;
  const sumError = product - (sum - virtual) + (c - virtual);
  return sum + (productError + sumError);
}

/**
 * `torch.quantile(x, q, dim?, keepdim?, { interpolation })`: q-th quantiles (q a number or a 1-d tensor in
 * [0, 1]) over all values or along `dim`; NaN anywhere in a line makes its result NaN.
 */
export function quantile(
  x: Tensor,
  q: Tensor | number,
  dim?: number | null | QuantileOptions,
  keepdim?: boolean | QuantileOptions,
  options?: QuantileOptions,
): Tensor {
  return quantileImpl('quantile', x, q, dim, keepdim, options);
}

/** `torch.nanquantile`: `quantile` over the non-NaN values of each line. */
export function nanquantile(
  x: Tensor,
  q: Tensor | number,
  dim?: number | null | QuantileOptions,
  keepdim?: boolean | QuantileOptions,
  options?: QuantileOptions,
): Tensor {
  return quantileImpl('nanquantile', x, q, dim, keepdim, options);
}

// ---------------------------------------------------------------------------------------------------------------
// unique

/** Options of `unique` / `uniqueConsecutive`. */
export interface UniqueOptions {
  /** Ascending order (default true); false keeps the order of PyTorch's hash set. Ignored with `dim`. */
  sorted?: boolean;
  returnInverse?: boolean;
  returnCounts?: boolean;
  dim?: number | null;
}

/** The outputs PyTorch returns: the tensor alone, or `[output, inverse?, counts?]` when either flag is set. */
function uniqueResult(
  output: Tensor,
  inverse: Tensor,
  counts: Tensor,
  options: UniqueOptions,
): Tensor | Tensor[] {
  if (!options.returnInverse && !options.returnCounts) return output;
  const result = [output];
  if (options.returnInverse) result.push(inverse);
  if (options.returnCounts) result.push(counts);
  return result;
}

function int64FromNumbers(values: ArrayLike<number>, shape: readonly number[], device: string): Tensor {
  const t = emptyTensor(shape, 'int64', device);
  const data = hostData(t) as BigInt64Array;
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
  return t;
}

function uniqueFlat(x: Tensor, sorted: boolean): [Tensor, Tensor, Tensor] {
  const flat = contiguousCopy(x);
  const data = hostData(flat);
  const n = flat.numel();
  const keys = new Float64Array(n);
  const flags = loadRow(data, x.dtype, 0, 1, n, keys);
  let order: Int32Array;
  if (sorted && (flags & ROW_HAS_NAN) === 0) {
    // No NaN: the result is the ascending distinct values; the set keeps the first of -0/+0 it meets.
    if ((flags & ROW_INEXACT) !== 0) loadRawKeys(data, x.dtype, 0, 1, n, keys);
    const index = new Int32Array(n);
    for (let j = 0; j < n; j++) index[j] = j;
    stableSort(keys, index, n, new Float64Array(n), new Int32Array(n));
    const picked: number[] = [];
    for (let j = 0; j < n; j++) if (j === 0 || keys[j] !== keys[j - 1]) picked.push(index[j]!);
    order = Int32Array.from(picked);
  } else {
    // The iteration order of libstdc++'s std::unordered_set, then std::sort with raw `<` when sorted.
    order = unorderedSetOrder(data, x.dtype, n);
    if (sorted) {
      loadRawKeys(data, x.dtype, 0, 1, n, keys);
      const setKeys = new Float64Array(order.length);
      for (let j = 0; j < order.length; j++) setKeys[j] = keys[order[j]!]!;
      introsort(setKeys, order, 0, order.length);
    }
  }
  const output = emptyTensor([order.length], x.dtype, x.device);
  const outData = hostData(output);
  for (let j = 0; j < order.length; j++) outData[j] = data[order[j]!]!;
  // Inverse and counts go through hash maps in ATen: a NaN never finds its entry, so it maps to 0 and counts 0.
  const position = new Map<number | bigint, number>();
  const isNan = (j: number) => keys[j] !== keys[j];
  // bfloat16 values are hashed by their bits in ATen, so -0 and +0 stay distinct there: key them by bits too.
  const mapKey = (j: number): number | bigint =>
    x.dtype === 'int64'
      ? (data as BigInt64Array)[j]!
      : x.dtype === 'bfloat16'
        ? (data[j] as number)
        : keys[j]!;
  loadRow(data, x.dtype, 0, 1, n, keys);
  for (let j = 0; j < order.length; j++) if (!isNan(order[j]!)) position.set(mapKey(order[j]!), j);
  const inverse = new Float64Array(n);
  const counts = new Float64Array(order.length);
  for (let j = 0; j < n; j++) {
    if (isNan(j)) continue;
    const p = position.get(mapKey(j))!;
    inverse[j] = p;
    counts[p]!++;
  }
  return [
    output,
    int64FromNumbers(inverse, x._shape, x.device),
    int64FromNumbers(counts, [order.length], x.device),
  ];
}

/** Compares two rows of a [rows, width] layout lexicographically with raw `<` (NaN compares false both ways). */
function compareRows(keys: Float64Array, width: number, a: number, b: number): number {
  for (let i = 0; i < width; i++) {
    const left = keys[a * width + i]!;
    const right = keys[b * width + i]!;
    if (left < right) return -1;
    if (left > right) return 1;
  }
  return 0;
}

function rowsEqual(keys: Float64Array, width: number, a: number, b: number): boolean {
  for (let i = 0; i < width; i++) if (keys[a * width + i] !== keys[b * width + i]) return false;
  return true;
}

function uniqueDim(x: Tensor, dim: number, consecutive: boolean): [Tensor, Tensor, Tensor] {
  if (x.dim() === 0) throw new IndexError(`Dimension specified as ${dim} but tensor has no dimensions`);
  const d = wrapDim(dim, x.dim());
  const zeroDims = x._shape.filter((size) => size === 0).length;
  if (x._shape[d] === 0) {
    if (zeroDims !== 1) {
      throw new RuntimeError(
        'Number of zero sized dimensions is more than one, so unique cannot be applied ',
      );
    }
    const shape = x._shape.slice();
    return [
      emptyTensor(shape, x.dtype, x.device),
      emptyTensor([0], 'int64', x.device),
      emptyTensor([0], 'int64', x.device),
    ];
  }
  if (zeroDims !== 0) {
    throw new RuntimeError(
      "There are 0 sized dimensions, and they aren't selected, so unique cannot be applied",
    );
  }
  const moved = contiguousCopy(movedim(x, d, 0));
  const rows = x._shape[d]!;
  const width = moved.numel() / rows;
  const keys = new Float64Array(moved.numel());
  loadRawKeys(hostData(moved), x.dtype, 0, 1, moved.numel(), keys);
  const order = Array.from({ length: rows }, (_, i) => i);
  if (!consecutive) order.sort((a, b) => compareRows(keys, width, a, b));
  const inverse = new Float64Array(rows);
  const counts: number[] = [];
  const kept: number[] = [];
  for (let j = 0; j < rows; j++) {
    const row = order[j]!;
    if (j === 0 || !rowsEqual(keys, width, kept[kept.length - 1]!, row)) {
      kept.push(row);
      counts.push(0);
    }
    inverse[row] = kept.length - 1;
    counts[counts.length - 1]!++;
  }
  const movedShape = moved._shape.slice();
  movedShape[0] = kept.length;
  const output = emptyTensor(movedShape, x.dtype, x.device);
  const source = hostData(moved);
  const target = hostData(output);
  for (let j = 0; j < kept.length; j++) {
    for (let i = 0; i < width; i++) target[j * width + i] = source[kept[j]! * width + i]!;
  }
  return [
    contiguousCopy(movedim(output, 0, d)),
    int64FromNumbers(inverse, [rows], x.device),
    int64FromNumbers(counts, [counts.length], x.device),
  ];
}

/**
 * `torch.unique(x, { sorted, returnInverse, returnCounts, dim })`: distinct values (or distinct slices along
 * `dim`). Returns the tensor, or `[output, inverse?, counts?]` when `returnInverse`/`returnCounts` is set.
 *
 * ```ts
 * const [values, inverse, counts] = torch.unique(x, { returnInverse: true, returnCounts: true });
 * ```
 */
export function unique(
  x: Tensor,
  options?: UniqueOptions & { returnInverse?: false; returnCounts?: false },
): Tensor;
export function unique(x: Tensor, options: UniqueOptions): Tensor | Tensor[];
export function unique(x: Tensor, options: UniqueOptions = {}): Tensor | Tensor[] {
  if (options.dim !== undefined && options.dim !== null) {
    if (x.dtype === 'float16') throw notImplemented('unique_dim', x.dtype);
    const [output, inverse, counts] = uniqueDim(x, options.dim, false);
    return uniqueResult(output, inverse, counts, options);
  }
  if (x.dtype === 'float16') throw notImplemented('unique', x.dtype);
  const [output, inverse, counts] = uniqueFlat(x, options.sorted ?? true);
  return uniqueResult(output, inverse, counts, options);
}

/**
 * `torch.unique_consecutive(x, { returnInverse, returnCounts, dim })`: collapses runs of equal consecutive values
 * (or slices along `dim`). Returns the tensor, or `[output, inverse?, counts?]`.
 */
export function uniqueConsecutive(
  x: Tensor,
  options?: Omit<UniqueOptions, 'sorted'> & { returnInverse?: false; returnCounts?: false },
): Tensor;
export function uniqueConsecutive(x: Tensor, options: Omit<UniqueOptions, 'sorted'>): Tensor | Tensor[];
export function uniqueConsecutive(x: Tensor, options: Omit<UniqueOptions, 'sorted'> = {}): Tensor | Tensor[] {
  if (x.dtype === 'float16') throw notImplemented('unique', x.dtype);
  if (options.dim !== undefined && options.dim !== null) {
    const [output, inverse, counts] = uniqueDim(x, options.dim, true);
    return uniqueResult(output, inverse, counts, options);
  }
  const flat = contiguousCopy(x);
  const data = hostData(flat);
  const n = flat.numel();
  const keys = new Float64Array(n);
  loadRawKeys(data, x.dtype, 0, 1, n, keys);
  const kept: number[] = [];
  const counts: number[] = [];
  const inverse = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    if (j === 0 || keys[j] !== keys[kept[kept.length - 1]!]) {
      kept.push(j);
      counts.push(0);
    }
    counts[counts.length - 1]!++;
    inverse[j] = kept.length - 1;
  }
  const output = emptyTensor([kept.length], x.dtype, x.device);
  const outData = hostData(output);
  for (let j = 0; j < kept.length; j++) outData[j] = data[kept[j]!]!;
  return uniqueResult(
    output,
    int64FromNumbers(inverse, x._shape, x.device),
    int64FromNumbers(counts, [counts.length], x.device),
    options,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Counting and binning

const INTEGRAL: readonly DType[] = ['uint8', 'int8', 'int16', 'int32', 'int64'];

/** Options of `bincount`. */
export interface BincountOptions {
  weights?: Tensor | null;
  minlength?: number;
}

/**
 * `torch.bincount(x, weights?, minlength=0)`: counts of each value of a 1-d non-negative integer tensor (int64),
 * or sums of `weights` per value (float32 for float32 weights, float64 otherwise).
 */
export function bincount(x: Tensor, weights?: Tensor | null | BincountOptions, minlength?: number): Tensor {
  let o: BincountOptions =
    weights instanceof Tensor || weights === null || weights === undefined ? { weights } : { ...weights };
  if (minlength !== undefined) o = { ...o, minlength };
  const length = o.minlength ?? 0;
  const w = o.weights ?? null;
  if (!INTEGRAL.includes(x.dtype)) throw notImplemented('bincount_cpu', x.dtype);
  if (length < 0) throw new RuntimeError('minlength should be >= 0');
  if (x.dim() === 1 && x.numel() === 0) return emptyTensor([length], 'int64', x.device);
  const values = x.dim() === 1 ? contiguousCopy(x, 'float64') : null;
  const numbers = values === null ? null : (hostData(values) as Float64Array);
  let largest = -1;
  let smallest = 0;
  if (numbers !== null) {
    smallest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < numbers.length; i++) {
      largest = Math.max(largest, numbers[i]!);
      smallest = Math.min(smallest, numbers[i]!);
    }
  }
  if (numbers === null || smallest < 0)
    throw new RuntimeError('bincount only supports 1-d non-negative integral inputs.');
  if (w !== null && (w.dim() !== 1 || w._shape[0] !== x._shape[0])) {
    throw new RuntimeError('weights should be 1-d and have the same length as input');
  }
  const bins = Math.max(length, largest + 1);
  if (w === null) {
    const counts = new Float64Array(bins);
    for (let i = 0; i < numbers.length; i++) counts[numbers[i]!]!++;
    return int64FromNumbers(counts, [bins], x.device);
  }
  const outDtype: DType = w.dtype === 'float32' ? 'float32' : 'float64';
  const out = emptyTensor([bins], outDtype, x.device);
  const sums = hostData(out) as Float32Array | Float64Array;
  const weightData = hostData(contiguousCopy(w, outDtype)) as Float32Array | Float64Array;
  // Storing into a Float32Array after each add rounds exactly as float32 accumulation does.
  for (let i = 0; i < numbers.length; i++) sums[numbers[i]!] = sums[numbers[i]!]! + weightData[i]!;
  return out;
}

/** Options of `histc`. */
export interface HistcOptions {
  bins?: number;
  min?: number;
  max?: number;
}

/**
 * `torch.histc(x, bins=100, min=0, max=0)`: a histogram of equal-width bins over [min, max] (the data's range
 * when min == max); values outside are ignored. Floating inputs only.
 */
export function histc(x: Tensor, bins?: number | HistcOptions, min?: number, max?: number): Tensor {
  let o: HistcOptions = typeof bins === 'object' ? { ...bins } : { bins };
  if (min !== undefined) o = { ...o, min };
  if (max !== undefined) o = { ...o, max };
  const binCount = o.bins ?? 100;
  let left = o.min ?? 0;
  let right = o.max ?? 0;
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    if (left === right && x.numel() > 0 && x.dtype === 'float16')
      throw notImplemented('aminmax_cpu', x.dtype);
    throw notImplemented('histogram_cpu', x.dtype);
  }
  const flat = contiguousCopy(x);
  const data = hostData(flat) as Float32Array | Float64Array;
  if (left === right && data.length > 0) {
    left = Number.POSITIVE_INFINITY;
    right = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v !== v) {
        left = right = v;
        break;
      }
      if (v < left) left = v;
      if (v > right) right = v;
    }
  }
  if (left === right) {
    left -= 1;
    right += 1;
  }
  if (!Number.isFinite(left) || !Number.isFinite(right)) {
    throw new RuntimeError(
      `torch.histc: range of [${formatDouble(left)}, ${formatDouble(right)}] is not finite`,
    );
  }
  if (!(left < right)) throw new RuntimeError('torch.histc: max must be larger than min');
  if (binCount < -1) throw new RuntimeError('number of steps must be non-negative');
  if (binCount <= 0)
    throw new RuntimeError(`torch.histogram(): bins must be > 0, but got ${binCount} for dimension 0`);
  const out = emptyTensor([binCount], x.dtype, x.device);
  const hist = hostData(out) as Float32Array | Float64Array;
  // ATen maps each value with one division in the input's precision (float32 rounds every step).
  const round = x.dtype === 'float32' ? Math.fround : (v: number) => v;
  const low = round(left);
  const high = round(right);
  const span = round(high - low);
  const binsAsFloat = round(binCount);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    // NOTE [histc and NaN]: PyTorch 1.13 only skips values below min or above max; a NaN passes that test and
    // its bin index (an undefined float-to-int conversion) lands in bin 0. We count it there too.
    if (v < low || v > high) continue;
    if (v !== v) {
      hist[0] = hist[0]! + 1;
      continue;
    }
    let position = Math.trunc(round(round(round(v - low) * binsAsFloat) / span));
    if (position === binCount) position--;
    hist[position] = hist[position]! + 1;
  }
  return out;
}

/** Options of `searchsorted`. */
export interface SearchsortedOptions {
  /** Return int32 indices instead of int64. */
  outInt32?: boolean;
  /** Return the last suitable position (upper bound) instead of the first. */
  right?: boolean;
  /** `'left'` or `'right'`: the same as `right`, PyTorch's newer spelling. */
  side?: 'left' | 'right';
  /** Indices that sort each row of the boundaries (an int64 tensor of their shape), for unsorted boundaries. */
  sorter?: Tensor | null;
}

/**
 * `torch.searchsorted(sortedSequence, values, { right, side, outInt32, sorter })`: for each value, the index where
 * it would be inserted to keep the (last dim of the) sequence sorted.
 */
export function searchsorted(
  sortedSequence: Tensor,
  values: Tensor | number,
  options: SearchsortedOptions = {},
): Tensor {
  const side = options.side;
  if (side !== undefined && side !== 'left' && side !== 'right') {
    throw new RuntimeError(`torch.searchsorted(): side can only be 'left' or 'right' but got ${side}`);
  }
  if (side === 'left' && options.right === true) {
    throw new RuntimeError(
      "torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True",
    );
  }
  const right = options.right === true || side === 'right';
  const input = values instanceof Tensor ? values : null;
  const inputShape = input === null ? [] : input._shape;
  const boundariesShape = sortedSequence._shape;
  if (boundariesShape.length === 0) {
    throw new RuntimeError(
      'torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension',
    );
  }
  if (input === null && boundariesShape.length !== 1) {
    throw new RuntimeError(
      `torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim(${boundariesShape.length}) and input value's dim(0) numel(1)`,
    );
  }
  if (boundariesShape.length !== 1) {
    const leadingMatch =
      boundariesShape.length === inputShape.length &&
      boundariesShape.slice(0, -1).every((size, i) => size === inputShape[i]);
    if (!leadingMatch) {
      throw new RuntimeError(
        `torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor ${fmtShape(boundariesShape)} and input value tensor ${fmtShape(inputShape)}`,
      );
    }
  }
  const sorter = options.sorter ?? null;
  if (sorter !== null) {
    if (sorter.dtype !== 'int64') {
      throw new RuntimeError(
        `torch.searchsorted(): sorter must be a tensor of long dtype but got dtype ${scalarTypeName(sorter.dtype)}`,
      );
    }
    if (fmtShape(sorter._shape) !== fmtShape(boundariesShape)) {
      throw new RuntimeError(
        `torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor ${fmtShape(boundariesShape)}and got sorter tensor ${fmtShape(sorter._shape)}`,
      );
    }
  }
  const common =
    input === null
      ? resultType({ dtype: sortedSequence.dtype, dim: sortedSequence.dim() }, values as number)
      : promoteTypes(sortedSequence.dtype, input.dtype);
  if (common === 'bool') throw notImplemented('searchsorted_out_cpu', 'bool');
  const boundaries = contiguousCopy(sortedSequence, common);
  const valueTensor = input === null ? scalarTensor(values as number, common) : contiguousCopy(input, common);
  const width = boundariesShape[boundariesShape.length - 1]!;
  const sortIndex = sorter === null ? null : (hostData(contiguousCopy(sorter)) as BigInt64Array);
  if (sortIndex !== null) {
    for (let i = 0; i < sortIndex.length; i++) {
      if (sortIndex[i]! < 0n || sortIndex[i]! >= BigInt(width)) {
        throw new IndexError(
          `torch.searchsorted(): sorter index ${sortIndex[i]} is out of bounds for boundaries of size ${width}`,
        );
      }
    }
  }
  const out = emptyTensor(inputShape, options.outInt32 ? 'int32' : 'int64', sortedSequence.device);
  const outData = hostData(out);
  const sequence = hostData(boundaries) as ArrayLike<number | bigint>;
  const queries = hostData(valueTensor) as ArrayLike<number | bigint>;
  const total = queries.length;
  const perRow = boundariesShape.length === 1 ? total : (inputShape[inputShape.length - 1] ?? 1);
  const decode =
    common === 'float16' || common === 'bfloat16'
      ? decodeHalfArray(sequence as Uint16Array, common)
      : sequence;
  const decodedQueries =
    common === 'float16' || common === 'bfloat16' ? decodeHalfArray(queries as Uint16Array, common) : queries;
  for (let i = 0; i < total; i++) {
    const row = boundariesShape.length === 1 || perRow === 0 ? 0 : Math.floor(i / perRow);
    const start = row * width;
    const value = decodedQueries[i]!;
    let low = 0;
    let high = width;
    // ATen's cus_lower_bound / cus_upper_bound, negated comparisons included (they decide where NaN goes).
    while (low < high) {
      const mid = low + ((high - low) >> 1);
      const at = sortIndex === null ? start + mid : start + Number(sortIndex[start + mid]!);
      const midValue = decode[at]!;
      const goRight = right ? !(midValue > value) : !(midValue >= value);
      if (goRight) low = mid + 1;
      else high = mid;
    }
    outData[i] = (options.outInt32 ? low : BigInt(low)) as never;
  }
  return out;
}

function decodeHalfArray(bits: Uint16Array, dtype: DType): Float64Array {
  const out = new Float64Array(bits.length);
  loadRow(bits, dtype, 0, 1, bits.length, out);
  return out;
}

/**
 * `torch.bucketize(input, boundaries, { outInt32, right })`: the bucket of each input value for 1-d
 * `boundaries`; `right: false` gives `boundaries[i-1] < x <= boundaries[i]`.
 */
export function bucketize(
  input: Tensor | number,
  boundaries: Tensor,
  options: { outInt32?: boolean; right?: boolean } = {},
): Tensor {
  if (boundaries.dim() !== 1) {
    throw new RuntimeError(`boundaries tensor must be 1 dimension, but got dim(${boundaries.dim()})`);
  }
  return searchsorted(boundaries, input, { outInt32: options.outInt32, right: options.right });
}

// ---------------------------------------------------------------------------------------------------------------
// Methods

declare module '../tensor.js' {
  interface Tensor {
    sort(
      dim?: number | SortOptions,
      descending?: boolean | SortOptions,
      options?: SortOptions,
    ): ValuesIndices;
    argsort(dim?: number | SortOptions, descending?: boolean | SortOptions, options?: SortOptions): Tensor;
    msort(): Tensor;
    topk(
      k: number,
      dim?: number | TopkOptions,
      largest?: boolean | TopkOptions,
      sorted?: boolean,
    ): ValuesIndices;
    kthvalue(
      k: number,
      dim?: number | DimKeepdimOptions,
      keepdim?: boolean | DimKeepdimOptions,
    ): ValuesIndices;
    median(): Tensor;
    median(dim: number | DimKeepdimOptions, keepdim?: boolean | DimKeepdimOptions): ValuesIndices;
    nanmedian(): Tensor;
    nanmedian(dim: number | DimKeepdimOptions, keepdim?: boolean | DimKeepdimOptions): ValuesIndices;
    mode(dim?: number | DimKeepdimOptions, keepdim?: boolean | DimKeepdimOptions): ValuesIndices;
    quantile(
      q: Tensor | number,
      dim?: number | null | QuantileOptions,
      keepdim?: boolean | QuantileOptions,
      options?: QuantileOptions,
    ): Tensor;
    nanquantile(
      q: Tensor | number,
      dim?: number | null | QuantileOptions,
      keepdim?: boolean | QuantileOptions,
      options?: QuantileOptions,
    ): Tensor;
    unique(options?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
    unique(options: UniqueOptions): Tensor | Tensor[];
    uniqueConsecutive(
      options?: Omit<UniqueOptions, 'sorted'> & { returnInverse?: false; returnCounts?: false },
    ): Tensor;
    uniqueConsecutive(options: Omit<UniqueOptions, 'sorted'>): Tensor | Tensor[];
    bincount(weights?: Tensor | null | BincountOptions, minlength?: number): Tensor;
    histc(bins?: number | HistcOptions, min?: number, max?: number): Tensor;
  }
}

const proto = Tensor.prototype;
proto.sort = function (dim, descending, options) {
  return sort(this, dim, descending, options);
};
proto.argsort = function (dim, descending, options) {
  return argsort(this, dim, descending, options);
};
proto.msort = function () {
  return msort(this);
};
proto.topk = function (k, dim, largest, sorted) {
  return topk(this, k, dim, largest, sorted);
};
proto.kthvalue = function (k, dim, keepdim) {
  return kthvalue(this, k, dim, keepdim);
};
proto.median = function (
  this: Tensor,
  dim?: number | DimKeepdimOptions,
  keepdim?: boolean | DimKeepdimOptions,
) {
  return dim === undefined ? median(this) : median(this, dim, keepdim);
} as Tensor['median'];
proto.nanmedian = function (
  this: Tensor,
  dim?: number | DimKeepdimOptions,
  keepdim?: boolean | DimKeepdimOptions,
) {
  return dim === undefined ? nanmedian(this) : nanmedian(this, dim, keepdim);
} as Tensor['nanmedian'];
proto.mode = function (dim, keepdim) {
  return mode(this, dim, keepdim);
};
proto.quantile = function (q, dim, keepdim, options) {
  return quantile(this, q, dim, keepdim, options);
};
proto.nanquantile = function (q, dim, keepdim, options) {
  return nanquantile(this, q, dim, keepdim, options);
};
proto.unique = function (this: Tensor, options?: UniqueOptions) {
  return unique(this, options ?? {});
} as Tensor['unique'];
proto.uniqueConsecutive = function (this: Tensor, options?: Omit<UniqueOptions, 'sorted'>) {
  return uniqueConsecutive(this, options ?? {});
} as Tensor['uniqueConsecutive'];
proto.bincount = function (weights, minlength) {
  return bincount(this, weights, minlength);
};
proto.histc = function (bins, min, max) {
  return histc(this, bins, min, max);
};
