/**
 * General matrix multiply (BLAS `?gemm`) for the CPU backend, in plain TypeScript.
 *
 * `C = alpha * op(A) * op(B) + beta * C` on row-major matrices addressed by (array, offset,
 * leading dimension), where `op(X)` is `X` or its transpose. `sgemm` works on `Float32Array`,
 * `dgemm` on `Float64Array`; both accumulate in float64 and round once when they store C.
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
 */

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
 * Sums are accumulated in float64 and rounded to float32 once per element. As in BLAS, when
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
  gemm('sgemm', transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
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
  gemm('dgemm', transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
}

function gemm(
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
): void {
  checkSize(name, 'm', m);
  checkSize(name, 'n', n);
  checkSize(name, 'k', k);
  checkMatrix(name, 'A', a, aOffset, lda, transA ? k : m, transA ? m : k);
  checkMatrix(name, 'B', b, bOffset, ldb, transB ? n : k, transB ? k : n);
  checkMatrix(name, 'C', c, cOffset, ldc, m, n);
  if (m === 0 || n === 0) return;
  if (k === 0 || alpha === 0) {
    scaleMatrix(m, n, beta, c, cOffset, ldc);
    return;
  }
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
