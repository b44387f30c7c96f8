/**
 * CPU sorting kernels: `sort` (the backend contract member) and the row-level selection routines that `topk`,
 * `kthvalue`, `median`, `mode` and `unique` are built from.
 *
 * NOTE [Matching PyTorch's tie order]: PyTorch 1.13's CPU kernels call libstdc++'s `std::sort`, `std::nth_element`
 * and `std::partial_sort` (GCC 12), and TH's Sedgewick quickselect for `kthvalue`. None of these is stable, so the
 * index returned for equal values is whatever those exact algorithms leave behind. To return the same indices we
 * port them step for step (same pivots, same swaps, same thresholds) over a pair of typed arrays: `keys` (a
 * Float64Array compared with plain `<`) and `index` (an Int32Array of positions in the row).
 *
 * Keys are prepared so that plain `<` is PyTorch's comparator: NaN must sort above +inf (below -inf when
 * descending), and int64 values beyond 2^53 must stay exact. Rows that need either are replaced by their dense
 * rank (equal values get equal ranks, order kept), which changes no comparison outcome and so no tie order.
 */

import type { TypedArray } from '../../dtype.js';
import { type DType, isFloatingPoint } from '../../dtype.js';
import { BFLOAT_TO_FLOAT, HALF_TO_FLOAT } from '../../internal/half.js';
import { hostData, type Tensor } from '../../tensor.js';

/** libstdc++'s `_S_threshold`: ranges this short are left to insertion sort. */
const INSERTION_THRESHOLD = 16;

function swap(keys: Float64Array, index: Int32Array, a: number, b: number): void {
  const key = keys[a]!;
  keys[a] = keys[b]!;
  keys[b] = key;
  const position = index[a]!;
  index[a] = index[b]!;
  index[b] = position;
}

/** `std::__lg`: floor(log2(n)) for n >= 1. */
function floorLog2(n: number): number {
  return 31 - Math.clz32(n);
}

// ---------------------------------------------------------------------------------------------------------------
// libstdc++ (GCC 12) bits/stl_algo.h and bits/stl_heap.h, with the comparator `keys[a] < keys[b]`.

function moveMedianToFirst(
  keys: Float64Array,
  index: Int32Array,
  result: number,
  a: number,
  b: number,
  c: number,
): void {
  const ka = keys[a]!;
  const kb = keys[b]!;
  const kc = keys[c]!;
  if (ka < kb) {
    if (kb < kc) swap(keys, index, result, b);
    else if (ka < kc) swap(keys, index, result, c);
    else swap(keys, index, result, a);
  } else if (ka < kc) swap(keys, index, result, a);
  else if (kb < kc) swap(keys, index, result, c);
  else swap(keys, index, result, b);
}

function unguardedPartition(
  keys: Float64Array,
  index: Int32Array,
  first: number,
  last: number,
  pivot: number,
): number {
  const pivotKey = keys[pivot]!;
  for (;;) {
    while (keys[first]! < pivotKey) first++;
    last--;
    while (pivotKey < keys[last]!) last--;
    if (!(first < last)) return first;
    swap(keys, index, first, last);
    first++;
  }
}

function unguardedPartitionPivot(keys: Float64Array, index: Int32Array, first: number, last: number): number {
  const mid = first + ((last - first) >> 1);
  moveMedianToFirst(keys, index, first, first + 1, mid, last - 1);
  return unguardedPartition(keys, index, first + 1, last, first);
}

function unguardedLinearInsert(keys: Float64Array, index: Int32Array, last: number): void {
  const key = keys[last]!;
  const position = index[last]!;
  let next = last - 1;
  // A read before the row gives undefined, which compares false: the loop stops there, never past it.
  while (key < keys[next]!) {
    keys[last] = keys[next]!;
    index[last] = index[next]!;
    last = next;
    next--;
  }
  keys[last] = key;
  index[last] = position;
}

function insertionSort(keys: Float64Array, index: Int32Array, first: number, last: number): void {
  if (first === last) return;
  for (let i = first + 1; i < last; i++) {
    const key = keys[i]!;
    if (key < keys[first]!) {
      const position = index[i]!;
      keys.copyWithin(first + 1, first, i);
      index.copyWithin(first + 1, first, i);
      keys[first] = key;
      index[first] = position;
    } else {
      unguardedLinearInsert(keys, index, i);
    }
  }
}

function finalInsertionSort(keys: Float64Array, index: Int32Array, first: number, last: number): void {
  if (last - first > INSERTION_THRESHOLD) {
    insertionSort(keys, index, first, first + INSERTION_THRESHOLD);
    for (let i = first + INSERTION_THRESHOLD; i < last; i++) unguardedLinearInsert(keys, index, i);
  } else {
    insertionSort(keys, index, first, last);
  }
}

function pushHeap(
  keys: Float64Array,
  index: Int32Array,
  first: number,
  hole: number,
  top: number,
  key: number,
  position: number,
): void {
  let parent = Math.trunc((hole - 1) / 2);
  while (hole > top && keys[first + parent]! < key) {
    keys[first + hole] = keys[first + parent]!;
    index[first + hole] = index[first + parent]!;
    hole = parent;
    parent = Math.trunc((hole - 1) / 2);
  }
  keys[first + hole] = key;
  index[first + hole] = position;
}

function adjustHeap(
  keys: Float64Array,
  index: Int32Array,
  first: number,
  hole: number,
  length: number,
  key: number,
  position: number,
): void {
  const top = hole;
  let child = hole;
  while (child < Math.trunc((length - 1) / 2)) {
    child = 2 * (child + 1);
    if (keys[first + child]! < keys[first + child - 1]!) child--;
    keys[first + hole] = keys[first + child]!;
    index[first + hole] = index[first + child]!;
    hole = child;
  }
  if ((length & 1) === 0 && child === Math.trunc((length - 2) / 2)) {
    child = 2 * (child + 1);
    keys[first + hole] = keys[first + child - 1]!;
    index[first + hole] = index[first + child - 1]!;
    hole = child - 1;
  }
  pushHeap(keys, index, first, hole, top, key, position);
}

function makeHeap(keys: Float64Array, index: Int32Array, first: number, last: number): void {
  const length = last - first;
  if (length < 2) return;
  for (let parent = Math.trunc((length - 2) / 2); ; parent--) {
    adjustHeap(keys, index, first, parent, length, keys[first + parent]!, index[first + parent]!);
    if (parent === 0) return;
  }
}

function popHeap(keys: Float64Array, index: Int32Array, first: number, last: number, result: number): void {
  const key = keys[result]!;
  const position = index[result]!;
  keys[result] = keys[first]!;
  index[result] = index[first]!;
  adjustHeap(keys, index, first, 0, last - first, key, position);
}

function heapSelect(
  keys: Float64Array,
  index: Int32Array,
  first: number,
  middle: number,
  last: number,
): void {
  makeHeap(keys, index, first, middle);
  for (let i = middle; i < last; i++) if (keys[i]! < keys[first]!) popHeap(keys, index, first, middle, i);
}

function sortHeap(keys: Float64Array, index: Int32Array, first: number, last: number): void {
  while (last - first > 1) {
    last--;
    popHeap(keys, index, first, last, last);
  }
}

/** `std::partial_sort(first, middle, last)`: the smallest `middle - first` keys, sorted, at the front. */
export function partialSort(
  keys: Float64Array,
  index: Int32Array,
  first: number,
  middle: number,
  last: number,
): void {
  heapSelect(keys, index, first, middle, last);
  sortHeap(keys, index, first, middle);
}

function introsortLoop(
  keys: Float64Array,
  index: Int32Array,
  first: number,
  last: number,
  depthLimit: number,
): void {
  while (last - first > INSERTION_THRESHOLD) {
    if (depthLimit === 0) {
      partialSort(keys, index, first, last, last);
      return;
    }
    depthLimit--;
    const cut = unguardedPartitionPivot(keys, index, first, last);
    introsortLoop(keys, index, cut, last, depthLimit);
    last = cut;
  }
}

/** `std::sort(first, last)` (introsort; not stable): the same permutation libstdc++ produces. */
export function introsort(keys: Float64Array, index: Int32Array, first: number, last: number): void {
  if (first === last) return;
  introsortLoop(keys, index, first, last, floorLog2(last - first) * 2);
  finalInsertionSort(keys, index, first, last);
}

/** `std::nth_element(first, nth, last)` (introselect). */
export function nthElement(
  keys: Float64Array,
  index: Int32Array,
  first: number,
  nth: number,
  last: number,
): void {
  if (first === last || nth === last) return;
  let depthLimit = floorLog2(last - first) * 2;
  while (last - first > 3) {
    if (depthLimit === 0) {
      heapSelect(keys, index, first, nth + 1, last);
      swap(keys, index, first, nth);
      return;
    }
    depthLimit--;
    const cut = unguardedPartitionPivot(keys, index, first, last);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertionSort(keys, index, first, last);
}

/**
 * TH's quickselect (Sedgewick's partitioning), used by `kthvalue`: moves the element of rank `k` (0-based) to
 * position `k` of `[0, n)`, comparing keys with `>`.
 */
export function quickSelect(keys: Float64Array, index: Int32Array, n: number, k: number): void {
  let left = 0;
  let right = n - 1;
  for (;;) {
    if (right <= left) return;
    if (right === left + 1) {
      if (keys[left]! > keys[right]!) swap(keys, index, left, right);
      return;
    }
    const middle = (left + right) >> 1;
    swap(keys, index, middle, left + 1);
    if (keys[left + 1]! > keys[right]!) swap(keys, index, left + 1, right);
    if (keys[left]! > keys[right]!) swap(keys, index, left, right);
    if (keys[left + 1]! > keys[left]!) swap(keys, index, left + 1, left);
    let i = left + 1;
    let j = right;
    const pivot = keys[left]!;
    for (;;) {
      do i++;
      while (pivot > keys[i]!);
      do j--;
      while (keys[j]! > pivot);
      if (j < i) break;
      swap(keys, index, i, j);
    }
    swap(keys, index, left, j);
    if (j <= k) left = i;
    if (j >= k) right = j - 1;
  }
}

/**
 * A stable sort of `[0, n)` by key (ties keep index order): what `std::stable_sort` gives, since a stable order is
 * unique. Bottom-up merge sort over runs sorted by insertion; `scratchKeys`/`scratchIndex` hold n elements.
 */
export function stableSort(
  keys: Float64Array,
  index: Int32Array,
  n: number,
  scratchKeys: Float64Array,
  scratchIndex: Int32Array,
): void {
  const RUN = 32;
  for (let start = 0; start < n; start += RUN) {
    const end = Math.min(start + RUN, n);
    for (let i = start + 1; i < end; i++) {
      const key = keys[i]!;
      const position = index[i]!;
      let j = i - 1;
      while (j >= start && key < keys[j]!) {
        keys[j + 1] = keys[j]!;
        index[j + 1] = index[j]!;
        j--;
      }
      keys[j + 1] = key;
      index[j + 1] = position;
    }
  }
  let sourceKeys = keys;
  let sourceIndex = index;
  let targetKeys = scratchKeys;
  let targetIndex = scratchIndex;
  for (let width = RUN; width < n; width *= 2) {
    for (let start = 0; start < n; start += 2 * width) {
      const middle = Math.min(start + width, n);
      const end = Math.min(start + 2 * width, n);
      let a = start;
      let b = middle;
      let out = start;
      while (a < middle && b < end) {
        // Take from the right run only when strictly smaller: that keeps equal keys in order.
        if (sourceKeys[b]! < sourceKeys[a]!) {
          targetKeys[out] = sourceKeys[b]!;
          targetIndex[out++] = sourceIndex[b++]!;
        } else {
          targetKeys[out] = sourceKeys[a]!;
          targetIndex[out++] = sourceIndex[a++]!;
        }
      }
      while (a < middle) {
        targetKeys[out] = sourceKeys[a]!;
        targetIndex[out++] = sourceIndex[a++]!;
      }
      while (b < end) {
        targetKeys[out] = sourceKeys[b]!;
        targetIndex[out++] = sourceIndex[b++]!;
      }
    }
    [sourceKeys, targetKeys] = [targetKeys, sourceKeys];
    [sourceIndex, targetIndex] = [targetIndex, sourceIndex];
  }
  if (sourceKeys !== keys) {
    keys.set(sourceKeys.subarray(0, n));
    index.set(sourceIndex.subarray(0, n));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rows and keys

/** Storage offsets of the first element of every line along `dim`, in row-major order of the other dims. */
export function rowOffsets(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  dim: number,
): Float64Array {
  const outer: number[] = [];
  const outerStrides: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (d === dim) continue;
    outer.push(shape[d]!);
    outerStrides.push(strides[d]!);
  }
  let count = 1;
  for (const size of outer) count *= size;
  const offsets = new Float64Array(count);
  const counter = new Array<number>(outer.length).fill(0);
  let base = offset;
  for (let r = 0; r < count; r++) {
    offsets[r] = base;
    for (let d = outer.length - 1; d >= 0; d--) {
      base += outerStrides[d]!;
      if (++counter[d]! < outer[d]!) break;
      base -= outerStrides[d]! * outer[d]!;
      counter[d] = 0;
    }
  }
  return offsets;
}

/** What `loadRow` found: NaN keys, or int64 values that a double cannot hold exactly. */
export const ROW_HAS_NAN = 1;
export const ROW_INEXACT = 2;

/** Decodes one strided line into `keys` as doubles; returns ROW_* flags. */
export function loadRow(
  data: TypedArray,
  dtype: DType,
  base: number,
  stride: number,
  n: number,
  keys: Float64Array,
): number {
  let flags = 0;
  switch (dtype) {
    case 'float16':
      for (let j = 0, p = base; j < n; j++, p += stride) keys[j] = HALF_TO_FLOAT[data[p] as number]!;
      break;
    case 'bfloat16':
      for (let j = 0, p = base; j < n; j++, p += stride) keys[j] = BFLOAT_TO_FLOAT[data[p] as number]!;
      break;
    case 'int64': {
      const big = data as BigInt64Array;
      for (let j = 0, p = base; j < n; j++, p += stride) {
        const value = big[p]!;
        if (value > 9007199254740992n || value < -9007199254740992n) flags |= ROW_INEXACT;
        keys[j] = Number(value);
      }
      return flags;
    }
    default: {
      const numbers = data as Float32Array;
      for (let j = 0, p = base; j < n; j++, p += stride) keys[j] = numbers[p]!;
    }
  }
  if (isFloatingPoint(dtype)) {
    for (let j = 0; j < n; j++) {
      if (keys[j] !== keys[j]) {
        flags |= ROW_HAS_NAN;
        break;
      }
    }
  }
  return flags;
}

/**
 * Replaces `keys` by dense ranks (NaN ranked above everything). For int64 rows the exact values are re-read from
 * `data`. Equal values keep equal keys and order is kept, so every `<` comparison gives the same answer.
 */
function rankKeys(
  data: TypedArray,
  dtype: DType,
  base: number,
  stride: number,
  n: number,
  keys: Float64Array,
): void {
  if (dtype === 'int64') {
    const big = data as BigInt64Array;
    const sorted = new BigInt64Array(n);
    for (let j = 0, p = base; j < n; j++, p += stride) sorted[j] = big[p]!;
    sorted.sort();
    let unique = 0;
    for (let j = 0; j < n; j++)
      if (j === 0 || sorted[j] !== sorted[unique - 1]) sorted[unique++] = sorted[j]!;
    for (let j = 0, p = base; j < n; j++, p += stride) {
      const value = big[p]!;
      let low = 0;
      let high = unique - 1;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (sorted[mid]! < value) low = mid + 1;
        else high = mid;
      }
      keys[j] = low;
    }
    return;
  }
  const sorted = new Float64Array(n);
  let finite = 0;
  // `+ 0` turns -0 into +0: the comparator treats them as equal, the typed-array sort would not.
  for (let j = 0; j < n; j++) if (keys[j] === keys[j]) sorted[finite++] = keys[j]! + 0;
  const values = sorted.subarray(0, finite).sort();
  let unique = 0;
  for (let j = 0; j < finite; j++)
    if (j === 0 || values[j] !== values[unique - 1]) values[unique++] = values[j]!;
  for (let j = 0; j < n; j++) {
    const value = keys[j]!;
    if (value !== value) {
      keys[j] = unique;
      continue;
    }
    let low = 0;
    let high = unique - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (values[mid]! < value) low = mid + 1;
      else high = mid;
    }
    keys[j] = low;
  }
}

/**
 * Loads a line as sort keys for which plain `<` is PyTorch's comparator: ascending with NaN largest, or (when
 * `descending`) descending with NaN first.
 */
export function loadSortKeys(
  data: TypedArray,
  dtype: DType,
  base: number,
  stride: number,
  n: number,
  keys: Float64Array,
  descending: boolean,
): void {
  const flags = loadRow(data, dtype, base, stride, n, keys);
  if (flags !== 0) rankKeys(data, dtype, base, stride, n, keys);
  if (descending) for (let j = 0; j < n; j++) keys[j] = -keys[j]!;
}

/** Loads a line as keys compared like C++ `<` on the raw values (NaN unordered), exact for int64. */
export function loadRawKeys(
  data: TypedArray,
  dtype: DType,
  base: number,
  stride: number,
  n: number,
  keys: Float64Array,
): void {
  const flags = loadRow(data, dtype, base, stride, n, keys);
  if ((flags & ROW_INEXACT) !== 0) rankKeys(data, dtype, base, stride, n, keys);
}

/** Writes non-negative indices below 2^31 into an int64 tensor's storage through a 32-bit view (little-endian). */
export function int64Words(t: Tensor): Int32Array {
  const big = hostData(t) as BigInt64Array;
  return new Int32Array(big.buffer, big.byteOffset, big.length * 2);
}

// ---------------------------------------------------------------------------------------------------------------
// The backend kernel

/**
 * `Backend.sort`: sorts `input` along `dim` into `values` and `indices` (contiguous, the input's shape; `indices`
 * int64). `stable: false` reproduces libstdc++'s `std::sort` exactly, as PyTorch's CPU kernel calls it.
 */
export function sortKernel(
  values: Tensor,
  indices: Tensor,
  input: Tensor,
  dim: number,
  descending: boolean,
  stable: boolean,
): void {
  const shape = input._shape;
  const n = shape.length === 0 ? 1 : shape[dim]!;
  if (values.numel() === 0) return;
  const inputData = hostData(input);
  const valueData = hostData(values);
  const indexWords = int64Words(indices);
  const inputStride = shape.length === 0 ? 0 : input._strides[dim]!;
  const outputStride = shape.length === 0 ? 0 : values._strides[dim]!;
  const inputRows =
    shape.length === 0
      ? Float64Array.of(input._offset)
      : rowOffsets(shape, input._strides, input._offset, dim);
  const outputRows =
    shape.length === 0 ? Float64Array.of(0) : rowOffsets(shape, values._strides, values._offset, dim);
  const indexBase = indices._offset;
  const keys = new Float64Array(n);
  const index = new Int32Array(n);
  const scratchKeys = stable ? new Float64Array(n) : keys;
  const scratchIndex = stable ? new Int32Array(n) : index;
  for (let r = 0; r < inputRows.length; r++) {
    const inputBase = inputRows[r]!;
    const outputBase = outputRows[r]!;
    loadSortKeys(inputData, input.dtype, inputBase, inputStride, n, keys, descending);
    for (let j = 0; j < n; j++) index[j] = j;
    if (stable) stableSort(keys, index, n, scratchKeys, scratchIndex);
    else introsort(keys, index, 0, n);
    for (let j = 0, q = outputBase; j < n; j++, q += outputStride) {
      const source = index[j]!;
      valueData[q] = inputData[inputBase + source * inputStride]!;
      const word = 2 * (indexBase + q - values._offset);
      indexWords[word] = source;
      indexWords[word + 1] = 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// std::unordered_set iteration order (torch.unique)

/**
 * libstdc++'s `__prime_list` below 2^32: the bucket counts `std::unordered_set` grows through. Needed because
 * `unique(sorted=False)` returns values in the set's iteration order, which depends on the bucket count.
 */
// biome-ignore format: table
const PRIME_LIST = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 103, 109, 113, 127, 137, 139, 149, 157, 167, 179, 193, 199, 211, 227, 241, 257, 277, 293, 313, 337, 359, 383, 409, 439, 467, 503, 541, 577, 619, 661, 709, 761, 823, 887, 953, 1031, 1109, 1193, 1289, 1381, 1493, 1613, 1741, 1879, 2029, 2179, 2357, 2549, 2753, 2971, 3209, 3469, 3739, 4027, 4349, 4703, 5087, 5503, 5953, 6427, 6949, 7517, 8123, 8783, 9497, 10273, 11113, 12011, 12983, 14033, 15173, 16411, 17749, 19183, 20753, 22447, 24281, 26267, 28411, 30727, 33223, 35933, 38873, 42043, 45481, 49201, 53201, 57557, 62233, 67307, 72817, 78779, 85229, 92203, 99733, 107897, 116731, 126271, 136607, 147793, 159871, 172933, 187091, 202409, 218971, 236897, 256279, 277261, 299951, 324503, 351061, 379787, 410857, 444487, 480881, 520241, 562841, 608903, 658753, 712697, 771049, 834181, 902483, 976369, 1056323, 1142821, 1236397, 1337629, 1447153, 1565659, 1693859, 1832561, 1982627, 2144977, 2320627, 2510653, 2716249, 2938679, 3179303, 3439651, 3721303, 4026031, 4355707, 4712381, 5098259, 5515729, 5967347, 6456007, 6984629, 7556579, 8175383, 8844859, 9569143, 10352717, 11200489, 12117689, 13109983, 14183539, 15345007, 16601593, 17961079, 19431899, 21023161, 22744717, 24607243, 26622317, 28802401, 31160981, 33712729, 36473443, 39460231, 42691603, 46187573, 49969847, 54061849, 58488943, 63278561, 68460391, 74066549, 80131819, 86693767, 93793069, 101473717, 109783337, 118773397, 128499677, 139022417, 150406843, 162723577, 176048909, 190465427, 206062531, 222936881, 241193053, 260944219, 282312799, 305431229, 330442829, 357502601, 386778277, 418451333, 452718089, 489790921, 529899637, 573292817, 620239453, 671030513, 725980837, 785430967, 849749479, 919334987, 994618837, 1076067617, 1164186217, 1259520799, 1362662261, 1474249943, 1594975441, 1725587117, 1866894511, 2019773507, 2185171673, 2364114217, 2557710269, 2767159799, 2993761039, 3238918481, 3504151727, 3791104843, 4101556399, 4294967291];

/** `_Prime_rehash_policy::_M_next_bkt`'s table for small requests. */
const FAST_BUCKETS = [2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13];

const HASH_MUL = 0xc6a4a7935bd1e995n;
const HASH_SEED = 0xc70f6907n;
const MASK64 = (1n << 64n) - 1n;

function shiftMix(v: bigint): bigint {
  return v ^ (v >> 47n);
}

/** libstdc++'s `_Hash_bytes` (64-bit murmur variant) of a 4- or 8-byte little-endian value. */
function hashBytes(bits: bigint, length: 4 | 8): bigint {
  let hash = HASH_SEED ^ ((BigInt(length) * HASH_MUL) & MASK64);
  const data = length === 8 ? (shiftMix((bits * HASH_MUL) & MASK64) * HASH_MUL) & MASK64 : bits;
  hash = ((hash ^ data) * HASH_MUL) & MASK64;
  hash = (shiftMix(hash) * HASH_MUL) & MASK64;
  return shiftMix(hash);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** `std::hash<T>` of element `i` as an unsigned 64-bit value. */
function stdHash(data: TypedArray, dtype: DType, i: number): bigint {
  switch (dtype) {
    case 'bfloat16':
      // c10::BFloat16's std::hash is the identity on its 16 bits.
      return BigInt(data[i] as number);
    case 'float32': {
      const value = data[i] as number;
      if (value === 0) return 0n;
      f32[0] = value;
      return hashBytes(BigInt(u32[0]!), 4);
    }
    case 'float64':
    case 'float16': {
      const value = dtype === 'float64' ? (data[i] as number) : HALF_TO_FLOAT[data[i] as number]!;
      if (value === 0) return 0n;
      f64[0] = value;
      return hashBytes(u64[0]!, 8);
    }
    case 'int64':
      return BigInt.asUintN(64, data[i] as bigint);
    default:
      return BigInt.asUintN(64, BigInt(data[i] as number));
  }
}

function nextBucketCount(request: number, policy: { nextResize: number }): number {
  if (request < FAST_BUCKETS.length) {
    if (request === 0) return 1;
    policy.nextResize = FAST_BUCKETS[request]!;
    return FAST_BUCKETS[request]!;
  }
  let low = 6;
  let high = PRIME_LIST.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (PRIME_LIST[mid]! < request) low = mid + 1;
    else high = mid;
  }
  policy.nextResize = PRIME_LIST[low]!;
  return PRIME_LIST[low]!;
}

const EMPTY = -2;
const BEFORE_BEGIN = -1;

/**
 * The positions of the elements an `std::unordered_set<T>(first, last)` keeps (the first of each group of equal
 * values; every NaN, since NaN != NaN), in the set's iteration order: insertions, rehashes and bucket links
 * follow libstdc++'s `_Hashtable` (GCC 12) step for step.
 */
export function unorderedSetOrder(data: TypedArray, dtype: DType, n: number): Int32Array {
  const hashes = new Array<bigint>(n);
  for (let i = 0; i < n; i++) hashes[i] = stdHash(data, dtype, i);
  const keys = new Float64Array(n);
  loadRow(data, dtype, 0, 1, n, keys);
  const seen = new Map<number | bigint, number>();
  const next = new Int32Array(n).fill(-1);
  const policy = { nextResize: 0 };
  let bucketCount = 1;
  let buckets = new Int32Array(1).fill(EMPTY);
  let head = -1;
  let count = 0;
  const bucketOf = (node: number, buckets: number) => Number(hashes[node]! % BigInt(buckets));
  for (let i = 0; i < n; i++) {
    // Equal bfloat16 values with different bits (-0, +0) hash to different buckets and are never matched.
    const key =
      dtype === 'int64' ? (data[i] as bigint) : dtype === 'bfloat16' ? (data[i] as number) : keys[i]!;
    const isNan = keys[i] !== keys[i];
    if (!isNan && seen.has(key)) continue;
    if (count + 1 > policy.nextResize) {
      const minimum = Math.max(count + 1, policy.nextResize === 0 ? 11 : 0);
      if (minimum >= bucketCount) {
        bucketCount = nextBucketCount(Math.max(minimum + 1, bucketCount * 2), policy);
        const rehashed = new Int32Array(bucketCount).fill(EMPTY);
        let node = head;
        head = -1;
        let beginBucket = 0;
        while (node !== -1) {
          const following = next[node]!;
          const bucket = bucketOf(node, bucketCount);
          if (rehashed[bucket] === EMPTY) {
            next[node] = head;
            head = node;
            rehashed[bucket] = BEFORE_BEGIN;
            if (next[node] !== -1) rehashed[beginBucket] = node;
            beginBucket = bucket;
          } else {
            const before = rehashed[bucket]!;
            if (before === BEFORE_BEGIN) {
              next[node] = head;
              head = node;
            } else {
              next[node] = next[before]!;
              next[before] = node;
            }
          }
          node = following;
        }
        buckets = rehashed;
      } else {
        policy.nextResize = bucketCount;
      }
    }
    const bucket = bucketOf(i, bucketCount);
    const before = buckets[bucket]!;
    if (before !== EMPTY) {
      if (before === BEFORE_BEGIN) {
        next[i] = head;
        head = i;
      } else {
        next[i] = next[before]!;
        next[before] = i;
      }
    } else {
      next[i] = head;
      head = i;
      if (next[i] !== -1) buckets[bucketOf(next[i]!, bucketCount)] = i;
      buckets[bucket] = BEFORE_BEGIN;
    }
    count++;
    if (!isNan) seen.set(key, i);
  }
  const order = new Int32Array(count);
  for (let node = head, j = 0; node !== -1; node = next[node]!) order[j++] = node;
  return order;
}
