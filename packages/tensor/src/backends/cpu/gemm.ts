/**
 * General matrix multiply (BLAS `?gemm`) for the CPU backend, in plain TypeScript.
 *
 * `C = alpha * op(A) * op(B) + beta * C` on row-major matrices addressed by (array, offset,
 * leading dimension), where `op(X)` is `X` or its transpose. `sgemm` works on `Float32Array`,
 * `dgemm` on `Float64Array`; both accumulate in float64 and round once when they store C (the
 * WebAssembly kernel that takes over larger products sums in the element type instead).
 *
 * NOTE [Why this shape of kernel]
 * V8 has no SIMD for plain JS and compiles every typed-array load to an index computation, a
 * bounds check and the load itself, so a multiply-add costs far more in loads than in arithmetic.
 * The only lever is reuse: a register block of `MR x NR` accumulators turns `MR + NR` loads into
 * `MR * NR` multiply-adds. TurboFan spills badly past about 14 live doubles (x64 gives it 15
 * allocatable XMM registers, and it hoists the multiplies ahead of the adds), so 3x3 measured best:
 * 9 accumulators + 3 + 3 operands, 18 flops per 6 loads. Bigger tiles (4x4, 6x2, 4x3) and k-loop
 * unrolling measured equal or slower on Node 20.
 *
 * The operands are packed into contiguous `Float64Array` panels first (Goto/BLIS style): the
 * micro-kernel then reads both panels with unit stride whatever the transposes, offsets and leading
 * dimensions are, edge tiles are zero-padded so the kernel never branches, and float32 inputs are
 * widened once instead of once per use. At the speed JS reaches (a few GFLOP/s) the kernel needs
 * only a few bytes per cycle, so there is no blocking over k: a B sliver (`k x NR`) is reused from
 * L1/L2 across a block of A (`mc x k`, sized for L2), and every C element is summed over the whole
 * k range in one register, which is what makes "round once" free.
 *
 * Products below {@link SMALL_GEMM_FLOPS} skip packing and use a direct loop.
 *
 * Where WebAssembly SIMD is available, all but the smallest products go to the kernel in
 * `wasm-gemm.ts` instead (about 10x faster; see `useWasm`); this file stays the fallback and the
 * reference. {@link setGemmImplementation} or the environment variable `PROJ_TENSOR_GEMM`
 * (`js` or `wasm`) forces one implementation, for tests and benchmarks.
 */

import { wasmDgemm, wasmGemmAvailable, wasmSgemm } from './wasm-gemm.js';

/** Rows of C computed by one micro-kernel call. */
const MR = 3;
/** Columns of C computed by one micro-kernel call. */
const NR = 3;
/** Packed A block budget in doubles (~256 KiB: half of a 512 KiB L2). */
const PACKED_A_BUDGET = 32 * 1024;
/** Packed B block budget in doubles (~4 MiB: comfortably inside a shared L3). */
const PACKED_B_BUDGET = 512 * 1024;
/** Below this many multiply-adds (`m * n * k`), packing costs more than it saves. */
const SMALL_GEMM_FLOPS = 32 * 32 * 32;
/** Scratch buffers up to this many doubles are kept between calls; larger ones are dropped. */
const MAX_CACHED_SCRATCH = 4 * 1024 * 1024;

type FloatArray = Float32Array | Float64Array;

/**
 * Which gemm implementation `sgemm`/`dgemm` use: `'auto'` (WebAssembly SIMD for products large
 * enough to pay for packing, when the engine has it; else JS), `'js'` (always the TypeScript
 * kernel) or `'wasm'` (always WebAssembly, whatever the size).
 */
export type GemmImplementation = 'auto' | 'js' | 'wasm';

let gemmImplementation: GemmImplementation = initialImplementation();

function initialImplementation(): GemmImplementation {
  const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const requested = environment?.PROJ_TENSOR_GEMM;
  if (requested === 'js') return 'js';
  if (requested === 'wasm' && wasmGemmAvailable()) return 'wasm';
  return 'auto';
}

/**
 * Chooses the gemm implementation (see {@link GemmImplementation}); returns the previous choice so
 * a test or benchmark can restore it. Throws if `'wasm'` is asked for where WebAssembly SIMD is
 * unavailable. The environment variable `PROJ_TENSOR_GEMM=js|wasm` sets the initial choice.
 *
 * @example
 * const previous = setGemmImplementation('js');
 * try { runReferenceCase(); } finally { setGemmImplementation(previous); }
 */
export function setGemmImplementation(implementation: GemmImplementation): GemmImplementation {
  if (implementation === 'wasm' && !wasmGemmAvailable()) {
    throw new Error('setGemmImplementation: WebAssembly SIMD is not available in this environment');
  }
  const previous = gemmImplementation;
  gemmImplementation = implementation;
  return previous;
}

/** The implementation currently chosen by {@link setGemmImplementation}. */
export function getGemmImplementation(): GemmImplementation {
  return gemmImplementation;
}

/**
 * Smallest product (`m * n * k`) that `'auto'` sends to WebAssembly: from 16x16x16 on, packing
 * pays for itself (measured ~3.5x faster than the JS direct loop at that size, even at 8x8x8).
 */
const WASM_MIN_MULTIPLY_ADDS = 16 * 16 * 16;

function useWasm(m: number, n: number, k: number): boolean {
  if (gemmImplementation === 'js') return false;
  if (gemmImplementation === 'wasm') return true;
  // Matrix-vector products (m or n of 1) reuse nothing, so packing is pure overhead there and the
  // wasm tile computes mostly padding: the JS path is as fast or faster.
  return m > 1 && n > 1 && m * n * k >= WASM_MIN_MULTIPLY_ADDS && wasmGemmAvailable();
}

let cachedPackedA = new Float64Array(0);
let cachedPackedB = new Float64Array(0);
/** One micro-tile of results, written by the kernel and read by `storeTile`. */
const tile = new Float64Array(MR * NR);

/**
 * Single-precision general matrix multiply, BLAS semantics on row-major storage:
 * `C = alpha * op(A) * op(B) + beta * C`, with `op(A)` of shape `m x k`, `op(B)` of shape `k x n`
 * and `C` of shape `m x n`. Element `(i, j)` of C lives at `c[cOffset + i * ldc + j]`; A is stored
 * as `m x k` (or `k x m` when `transA`) with row stride `lda`, B likewise with `ldb`.
 *
 * The JS kernel accumulates in float64 and rounds to float32 once per element; the WebAssembly
 * kernel (used for larger products where available) sums in float32 lanes as a BLAS does, so
 * results may differ between the two by float32 rounding. As in BLAS, when
 * `beta` is 0 C is not read (NaN or Infinity already in C does not propagate), and when `alpha` is
 * 0 or `k` is 0, A and B are not read and C becomes `beta * C`.
 *
 * @example
 * // c (2x2) = a (2x3) @ b (3x2)
 * sgemm(false, false, 2, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 2);
 */
export function sgemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  aOffset: number,
  lda: number,
  b: Float32Array,
  bOffset: number,
  ldb: number,
  beta: number,
  c: Float32Array,
  cOffset: number,
  ldc: number,
): void {
  if (
    checkAndHandleTrivial(
      'sgemm',
      transA,
      transB,
      m,
      n,
      k,
      alpha,
      a,
      aOffset,
      lda,
      b,
      bOffset,
      ldb,
      beta,
      c,
      cOffset,
      ldc,
    )
  ) {
    return;
  }
  if (useWasm(m, n, k)) {
    wasmSgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    return;
  }
  gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
}

/**
 * Double-precision general matrix multiply; same contract as {@link sgemm} on `Float64Array`s.
 */
export function dgemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  aOffset: number,
  lda: number,
  b: Float64Array,
  bOffset: number,
  ldb: number,
  beta: number,
  c: Float64Array,
  cOffset: number,
  ldc: number,
): void {
  if (
    checkAndHandleTrivial(
      'dgemm',
      transA,
      transB,
      m,
      n,
      k,
      alpha,
      a,
      aOffset,
      lda,
      b,
      bOffset,
      ldb,
      beta,
      c,
      cOffset,
      ldc,
    )
  ) {
    return;
  }
  if (useWasm(m, n, k)) {
    wasmDgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    return;
  }
  gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
}

/**
 * Validates the arguments (shared by both implementations, so errors do not depend on which runs)
 * and handles the products that read neither A nor B. Returns true when nothing is left to do.
 */
function checkAndHandleTrivial(
  name: string,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  aOffset: number,
  lda: number,
  b: FloatArray,
  bOffset: number,
  ldb: number,
  beta: number,
  c: FloatArray,
  cOffset: number,
  ldc: number,
): boolean {
  checkSize(name, 'm', m);
  checkSize(name, 'n', n);
  checkSize(name, 'k', k);
  checkMatrix(name, 'A', a, aOffset, lda, transA ? k : m, transA ? m : k);
  checkMatrix(name, 'B', b, bOffset, ldb, transB ? n : k, transB ? k : n);
  checkMatrix(name, 'C', c, cOffset, ldc, m, n);
  if (m === 0 || n === 0) return true;
  if (k === 0 || alpha === 0) {
    scaleMatrix(m, n, beta, c, cOffset, ldc);
    return true;
  }
  return false;
}

/** The TypeScript kernel, on validated arguments with m, n, k >= 1 and alpha != 0. */
function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  aOffset: number,
  lda: number,
  b: FloatArray,
  bOffset: number,
  ldb: number,
  beta: number,
  c: FloatArray,
  cOffset: number,
  ldc: number,
): void {
  // Strides of op(A) and op(B) in (row, column) order: a transpose is just swapped strides.
  const aRowStride = transA ? 1 : lda;
  const aColStride = transA ? lda : 1;
  const bRowStride = transB ? 1 : ldb;
  const bColStride = transB ? ldb : 1;
  if (m * n * k < SMALL_GEMM_FLOPS) {
    directGemm(
      m,
      n,
      k,
      alpha,
      a,
      aOffset,
      aRowStride,
      aColStride,
      b,
      bOffset,
      bRowStride,
      bColStride,
      beta,
      c,
      cOffset,
      ldc,
    );
    return;
  }
  blockedGemm(
    m,
    n,
    k,
    alpha,
    a,
    aOffset,
    aRowStride,
    aColStride,
    b,
    bOffset,
    bRowStride,
    bColStride,
    beta,
    c,
    cOffset,
    ldc,
  );
}

function checkSize(name: string, parameter: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name}: ${parameter} must be a non-negative integer, got ${value}`);
  }
}

/** Checks that a `rows x cols` row-major matrix at (offset, ld) lies inside `data`. */
function checkMatrix(
  name: string,
  matrix: string,
  data: FloatArray,
  offset: number,
  ld: number,
  rows: number,
  cols: number,
): void {
  const ldName = `ld${matrix.toLowerCase()}`;
  if (!Number.isInteger(ld) || ld < Math.max(1, cols)) {
    throw new RangeError(`${name}: ${ldName} must be an integer >= max(1, ${cols}), got ${ld}`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`${name}: offset of ${matrix} must be a non-negative integer, got ${offset}`);
  }
  if (rows > 0 && cols > 0 && offset + (rows - 1) * ld + cols > data.length) {
    throw new RangeError(
      `${name}: ${matrix} (${rows}x${cols}, offset ${offset}, ${ldName} ${ld}) does not fit in an array of ` +
        `length ${data.length}`,
    );
  }
}

/** `C = beta * C`, writing exact zeros when beta is 0 (so NaN in C is cleared, as in BLAS). */
function scaleMatrix(m: number, n: number, beta: number, c: FloatArray, cOffset: number, ldc: number): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const rowStart = cOffset + i * ldc;
    if (beta === 0) {
      c.fill(0, rowStart, rowStart + n);
    } else {
      for (let j = rowStart; j < rowStart + n; j++) c[j] = beta * c[j]!;
    }
  }
}

/** Unpacked triple loop for small products, where packing would dominate the run time. */
function directGemm(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  aOffset: number,
  aRowStride: number,
  aColStride: number,
  b: FloatArray,
  bOffset: number,
  bRowStride: number,
  bColStride: number,
  beta: number,
  c: FloatArray,
  cOffset: number,
  ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const aRowStart = aOffset + i * aRowStride;
    const cRowStart = cOffset + i * ldc;
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let aIndex = aRowStart;
      let bIndex = bOffset + j * bColStride;
      for (let p = 0; p < k; p++) {
        sum += a[aIndex]! * b[bIndex]!;
        aIndex += aColStride;
        bIndex += bRowStride;
      }
      const cIndex = cRowStart + j;
      c[cIndex] = beta === 0 ? alpha * sum : alpha * sum + beta * c[cIndex]!;
    }
  }
}

/** Returns a scratch buffer of at least `size` doubles, reusing the cached one when it is big enough. */
function scratchA(size: number): Float64Array {
  if (cachedPackedA.length >= size) return cachedPackedA;
  const buffer = new Float64Array(size);
  if (size <= MAX_CACHED_SCRATCH) cachedPackedA = buffer;
  return buffer;
}

function scratchB(size: number): Float64Array {
  if (cachedPackedB.length >= size) return cachedPackedB;
  const buffer = new Float64Array(size);
  if (size <= MAX_CACHED_SCRATCH) cachedPackedB = buffer;
  return buffer;
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/**
 * Packed, register-blocked product. Loop nest (outer to inner): column blocks of `nc` (B block
 * packed once), row blocks of `mc` (A block packed once per B block), NR-wide B slivers, MR-tall
 * A slivers, then the micro-kernel over all of k.
 */
function blockedGemm(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  aOffset: number,
  aRowStride: number,
  aColStride: number,
  b: FloatArray,
  bOffset: number,
  bRowStride: number,
  bColStride: number,
  beta: number,
  c: FloatArray,
  cOffset: number,
  ldc: number,
): void {
  // Block sizes shrink as k grows so the packed blocks stay cache-sized, but never below one sliver.
  const mcMax = Math.min(roundUp(m, MR), Math.max(MR, Math.floor(PACKED_A_BUDGET / k / MR) * MR));
  const ncMax = Math.min(roundUp(n, NR), Math.max(NR, Math.floor(PACKED_B_BUDGET / k / NR) * NR));
  const packedA = scratchA(mcMax * k);
  const packedB = scratchB(ncMax * k);
  const sliverA = MR * k;
  const sliverB = NR * k;
  for (let j0 = 0; j0 < n; j0 += ncMax) {
    const nc = Math.min(ncMax, n - j0);
    packPanels(nc, k, NR, b, bOffset + j0 * bColStride, bColStride, bRowStride, packedB);
    for (let i0 = 0; i0 < m; i0 += mcMax) {
      const mc = Math.min(mcMax, m - i0);
      packPanels(mc, k, MR, a, aOffset + i0 * aRowStride, aRowStride, aColStride, packedA);
      for (let jr = 0; jr < nc; jr += NR) {
        const bIndex = (jr / NR) * sliverB;
        const cols = Math.min(NR, nc - jr);
        for (let ir = 0; ir < mc; ir += MR) {
          kernel3x3(k, packedA, (ir / MR) * sliverA, packedB, bIndex, tile);
          const rows = Math.min(MR, mc - ir);
          storeTile(rows, cols, alpha, beta, c, cOffset + (i0 + ir) * ldc + j0 + jr, ldc);
        }
      }
    }
  }
}

/**
 * Packs `count` rows of an operand (rows of op(A), or columns of op(B) seen as rows of op(B)^T)
 * into slivers of `width` rows each: sliver s holds, for p = 0..k-1, the `width` values
 * `x[s*width + r][p]` contiguously. A short last sliver is padded with zeros so the micro-kernel
 * can always compute a full tile. `lineStride` steps between packed rows, `depthStride` along k.
 */
function packPanels(
  count: number,
  k: number,
  width: number,
  x: FloatArray,
  xOffset: number,
  lineStride: number,
  depthStride: number,
  packed: Float64Array,
): void {
  const sliverSize = width * k;
  for (let line = 0; line < count; line++) {
    const sliverStart = Math.floor(line / width) * sliverSize + (line % width);
    let source = xOffset + line * lineStride;
    if (depthStride === 1) {
      for (
        let destination = sliverStart, end = sliverStart + sliverSize;
        destination < end;
        destination += width
      ) {
        packed[destination] = x[source++]!;
      }
    } else {
      for (
        let destination = sliverStart, end = sliverStart + sliverSize;
        destination < end;
        destination += width
      ) {
        packed[destination] = x[source]!;
        source += depthStride;
      }
    }
  }
  const padded = roundUp(count, width);
  for (let line = count; line < padded; line++) {
    const sliverStart = Math.floor(line / width) * sliverSize + (line % width);
    for (
      let destination = sliverStart, end = sliverStart + sliverSize;
      destination < end;
      destination += width
    ) {
      packed[destination] = 0;
    }
  }
}

/**
 * The 3x3 micro-kernel: `tile = A_sliver (3 x k) * B_sliver (k x 3)` over packed slivers.
 * Index arithmetic uses `| 0` so TurboFan emits plain int32 adds without overflow checks.
 */
function kernel3x3(
  k: number,
  packedA: Float64Array,
  aStart: number,
  packedB: Float64Array,
  bStart: number,
  out: Float64Array,
): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let aIndex = aStart | 0;
  let bIndex = bStart | 0;
  const aEnd = (aStart + 3 * k) | 0;
  while (aIndex < aEnd) {
    const b0 = packedB[bIndex]!;
    const b1 = packedB[(bIndex + 1) | 0]!;
    const b2 = packedB[(bIndex + 2) | 0]!;
    const a0 = packedA[aIndex]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    const a1 = packedA[(aIndex + 1) | 0]!;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    const a2 = packedA[(aIndex + 2) | 0]!;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    aIndex = (aIndex + 3) | 0;
    bIndex = (bIndex + 3) | 0;
  }
  out[0] = c00;
  out[1] = c01;
  out[2] = c02;
  out[3] = c10;
  out[4] = c11;
  out[5] = c12;
  out[6] = c20;
  out[7] = c21;
  out[8] = c22;
}

/** Writes the valid `rows x cols` corner of `tile` into C as `alpha * tile + beta * C`. */
function storeTile(
  rows: number,
  cols: number,
  alpha: number,
  beta: number,
  c: FloatArray,
  cStart: number,
  ldc: number,
): void {
  for (let i = 0; i < rows; i++) {
    const rowStart = cStart + i * ldc;
    const tileRow = i * NR;
    for (let j = 0; j < cols; j++) {
      const value = alpha * tile[tileRow + j]!;
      c[rowStart + j] = beta === 0 ? value : value + beta * c[rowStart + j]!;
    }
  }
}
