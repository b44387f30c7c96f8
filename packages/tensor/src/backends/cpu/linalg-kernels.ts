/**
 * Dense linear-algebra kernels of the CPU backend: pure functions over one row-major float64
 * matrix at a time. The `linalg.*` ops validate shapes and dtypes, loop over batches, convert
 * float32 to float64 and back, and call these; nothing here allocates inside an inner loop, and
 * every routine is O(n^3).
 *
 * Algorithms follow LAPACK where PyTorch's result depends on the algorithm (partial pivoting in
 * LU, Householder conventions in QR), so values match `torch.linalg` up to rounding. Where the
 * result is only defined up to a sign (eigenvectors, singular vectors) the sign is normalised
 * deterministically; see {@link eigh} and {@link svd}.
 *
 * Matrix arguments are never modified. Dimensions are trusted (checked by the caller).
 */
import { RuntimeError } from '../../errors.js';

/**
 * PyTorch's `torch.linalg.LinAlgError` (a `RuntimeError`): a factorization or solve failed
 * because of the values in the input (singular, not positive-definite, no convergence).
 */
export class LinAlgError extends RuntimeError {
  override name = 'LinAlgError';
}

/** Machine epsilon of float64 (`torch.finfo(torch.float64).eps`), the default tolerance base. */
export const FLOAT64_EPSILON = 2 ** -52;

/** LAPACK's dlamch('S'): the smallest number whose reciprocal does not overflow. */
const SAFE_MINIMUM = 2 ** -1022;

/** dlarfg's threshold dlamch('S')/dlamch('E') below which a reflector is computed rescaled. */
const HOUSEHOLDER_SAFE_MINIMUM = 2 ** -969;

// ---------------------------------------------------------------------------------------------
// LU factorization and what is built on it (det, slogdet, inv, solve)
// ---------------------------------------------------------------------------------------------

/** Result of {@link luFactor}: LAPACK getrf's packed factors. */
export interface LuFactorResult {
  /** m×n row-major: U on and above the diagonal, the unit-lower L's multipliers below it. */
  lu: Float64Array;
  /** min(m, n) row interchanges, 1-based like LAPACK: row i was swapped with row pivots[i]. */
  pivots: Int32Array;
  /** 0, or the 1-based index of the first exactly-zero diagonal element of U. */
  info: number;
}

/**
 * Factors the m×n row-major matrix in place as P·L·U with partial pivoting, exactly as LAPACK's
 * unblocked getrf: the pivot is the first entry of largest magnitude in the column (idamax), a
 * zero pivot column is left alone and recorded in the returned info, the column is scaled by the
 * pivot's reciprocal (as dgetrf2 does, unless the pivot is tiny), then the trailing block gets a
 * rank-1 update. `pivots` (length ≥ min(m, n)) receives 1-based row interchanges.
 */
export function luFactorInPlace(a: Float64Array, m: number, n: number, pivots: Int32Array): number {
  const steps = Math.min(m, n);
  let info = 0;
  for (let k = 0; k < steps; k++) {
    let pivotRow = k;
    let pivotMagnitude = Math.abs(a[k * n + k]!);
    for (let i = k + 1; i < m; i++) {
      const magnitude = Math.abs(a[i * n + k]!);
      if (magnitude > pivotMagnitude) {
        pivotMagnitude = magnitude;
        pivotRow = i;
      }
    }
    pivots[k] = pivotRow + 1;
    const pivot = a[pivotRow * n + k]!;
    if (pivot !== 0) {
      if (pivotRow !== k) {
        const rowK = k * n;
        const rowP = pivotRow * n;
        for (let j = 0; j < n; j++) {
          const swap = a[rowK + j]!;
          a[rowK + j] = a[rowP + j]!;
          a[rowP + j] = swap;
        }
      }
      if (Math.abs(pivot) >= SAFE_MINIMUM) {
        const reciprocal = 1 / pivot;
        for (let i = k + 1; i < m; i++) a[i * n + k] = a[i * n + k]! * reciprocal;
      } else {
        for (let i = k + 1; i < m; i++) a[i * n + k] = a[i * n + k]! / pivot;
      }
    } else if (info === 0) {
      info = k + 1;
    }
    const rowK = k * n;
    for (let i = k + 1; i < m; i++) {
      const rowI = i * n;
      const multiplier = a[rowI + k]!;
      if (multiplier === 0) continue;
      for (let j = k + 1; j < n; j++) a[rowI + j] = a[rowI + j]! - multiplier * a[rowK + j]!;
    }
  }
  return info;
}

/**
 * `torch.linalg.lu_factor_ex` for one m×n matrix (n defaults to m): the packed LU factors,
 * 1-based pivots and LAPACK's info. Never throws; `info > 0` means U is singular.
 *
 * @example luFactor(new Float64Array([1, 2, 3, 4]), 2) // lu = [3, 4, 1/3, 2/3], pivots = [2, 2]
 */
export function luFactor(a: Float64Array, m: number, n: number = m): LuFactorResult {
  const lu = Float64Array.from(a.subarray(0, m * n));
  const pivots = new Int32Array(Math.min(m, n));
  const info = luFactorInPlace(lu, m, n, pivots);
  return { lu, pivots, info };
}

/**
 * LU of Aᵀ for a row-major A. PyTorch factors the transpose of a row-major (C-contiguous) input
 * because it is already column-major for LAPACK (see `linalg_solve_ex_out`, `_linalg_det_out`),
 * so det, slogdet, inv and solve follow it: the rounding, and the index in inv's error message,
 * then match torch's for contiguous inputs.
 */
function luFactorTransposed(a: Float64Array, n: number): LuFactorResult {
  const lu = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) lu[j * n + i] = a[i * n + j]!;
  const pivots = new Int32Array(n);
  const info = luFactorInPlace(lu, n, n, pivots);
  return { lu, pivots, info };
}

/**
 * Solves A·X = B in place in `x` (n×nrhs, row-major, holding B on entry) given the LU of Aᵀ:
 * Aᵀ = Sᵀ·L·U (S = the row swaps applied in order), so A = Uᵀ·Lᵀ·S, and X = Sᵀ·L⁻ᵀ·U⁻ᵀ·B.
 */
function solveWithTransposedLu(
  lu: Float64Array,
  pivots: Int32Array,
  n: number,
  x: Float64Array,
  nrhs: number,
): void {
  // Uᵀ is lower triangular: forward substitution. Row k of Uᵀ·y is column k of U.
  for (let i = 0; i < n; i++) {
    const rowI = i * nrhs;
    for (let k = 0; k < i; k++) {
      const coefficient = lu[k * n + i]!;
      if (coefficient === 0) continue;
      const rowK = k * nrhs;
      for (let c = 0; c < nrhs; c++) x[rowI + c] = x[rowI + c]! - coefficient * x[rowK + c]!;
    }
    const diagonal = lu[i * n + i]!;
    for (let c = 0; c < nrhs; c++) x[rowI + c] = x[rowI + c]! / diagonal;
  }
  // Lᵀ is unit upper triangular: back substitution.
  for (let i = n - 1; i >= 0; i--) {
    const rowI = i * nrhs;
    for (let k = i + 1; k < n; k++) {
      const coefficient = lu[k * n + i]!;
      if (coefficient === 0) continue;
      const rowK = k * nrhs;
      for (let c = 0; c < nrhs; c++) x[rowI + c] = x[rowI + c]! - coefficient * x[rowK + c]!;
    }
  }
  // X = Sᵀ·Z: undo the swaps in reverse order.
  for (let i = n - 1; i >= 0; i--) {
    const p = pivots[i]! - 1;
    if (p === i) continue;
    const rowI = i * nrhs;
    const rowP = p * nrhs;
    for (let c = 0; c < nrhs; c++) {
      const swap = x[rowI + c]!;
      x[rowI + c] = x[rowP + c]!;
      x[rowP + c] = swap;
    }
  }
}

/** (-1)^(number of actual row interchanges). */
function permutationSign(pivots: Int32Array): number {
  let sign = 1;
  for (let i = 0; i < pivots.length; i++) if (pivots[i] !== i + 1) sign = -sign;
  return sign;
}

/**
 * `torch.linalg.det` of one n×n matrix: the product of U's diagonal times the permutation's sign
 * (so a singular input gives ±0, and the empty matrix 1). Overflows to ±Infinity where the
 * determinant does; use {@link slogdet} for those.
 */
export function det(a: Float64Array, n: number): number {
  const { lu, pivots } = luFactorTransposed(a, n);
  let product = 1;
  for (let i = 0; i < n; i++) product *= lu[i * n + i]!;
  return product * permutationSign(pivots);
}

/** Result of {@link slogdet}: det = sign · exp(logabsdet). */
export interface SlogdetResult {
  /** -1, 1, or 0 (possibly -0, as torch gives) for a singular matrix. */
  sign: number;
  /** log |det|; -Infinity for a singular matrix. */
  logabsdet: number;
}

/**
 * `torch.linalg.slogdet` of one n×n matrix: the sign and the log of the absolute value of the
 * determinant, summed from U's diagonal so it neither overflows nor underflows.
 */
export function slogdet(a: Float64Array, n: number): SlogdetResult {
  const { lu, pivots } = luFactorTransposed(a, n);
  let sign = 1;
  let logabsdet = 0;
  for (let i = 0; i < n; i++) {
    const diagonal = lu[i * n + i]!;
    sign *= Math.sign(diagonal);
    logabsdet += Math.log(Math.abs(diagonal));
  }
  return { sign: sign * permutationSign(pivots), logabsdet };
}

/**
 * `torch.linalg.inv` of one n×n matrix (row-major in and out). Throws {@link LinAlgError} with
 * PyTorch's message, naming the first zero diagonal element of U, for a singular input.
 */
export function inv(a: Float64Array, n: number): Float64Array {
  const { lu, pivots, info } = luFactorTransposed(a, n);
  if (info > 0) {
    throw new LinAlgError(
      `linalg.inv: The diagonal element ${info} is zero, the inversion could not be completed because the input matrix is singular.`,
    );
  }
  const inverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inverse[i * n + i] = 1;
  solveWithTransposedLu(lu, pivots, n, inverse, n);
  return inverse;
}

/**
 * `torch.linalg.solve(A, B)` for one n×n A and one n×nrhs B (row-major; a vector B is nrhs = 1).
 * Returns X with A·X = B. Throws {@link LinAlgError} with PyTorch's message for a singular A.
 */
export function solve(a: Float64Array, b: Float64Array, n: number, nrhs: number): Float64Array {
  const { lu, pivots, info } = luFactorTransposed(a, n);
  if (info > 0)
    throw new LinAlgError('torch.linalg.solve: The solver failed because the input matrix is singular.');
  const x = Float64Array.from(b.subarray(0, n * nrhs));
  solveWithTransposedLu(lu, pivots, n, x, nrhs);
  return x;
}

// ---------------------------------------------------------------------------------------------
// Cholesky
// ---------------------------------------------------------------------------------------------

/** Result of {@link choleskyEx}. */
export interface CholeskyResult {
  /** The n×n factor (L, or U = Lᵀ when `upper`), zero in the other triangle. */
  l: Float64Array;
  /** 0, or the order of the first leading minor that is not positive-definite. */
  info: number;
}

/**
 * `torch.linalg.cholesky_ex` for one n×n matrix: A = L·Lᵀ reading only A's lower triangle, or
 * with `upper`, A = Uᵀ·U reading only the upper triangle (as LAPACK potrf with uplo 'U'). On
 * failure `info` is the order of the failing leading minor and the factor is incomplete.
 */
export function choleskyEx(a: Float64Array, n: number, upper = false): CholeskyResult {
  const l = new Float64Array(n * n);
  // Row-by-row (Cholesky–Banachiewicz): both dot products run along contiguous rows of L. The
  // upper variant is the lower factorization of Aᵀ, transposed at the end.
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    for (let j = 0; j <= i; j++) {
      const rowJ = j * n;
      let sum = upper ? a[j * n + i]! : a[rowI + j]!;
      for (let k = 0; k < j; k++) sum -= l[rowI + k]! * l[rowJ + k]!;
      if (i === j) {
        // `!(sum > 0)` also rejects NaN, as potrf does.
        if (!(sum > 0)) return { l, info: i + 1 };
        l[rowI + i] = Math.sqrt(sum);
      } else {
        l[rowI + j] = sum / l[rowJ + j]!;
      }
    }
  }
  if (upper) transposeSquareInPlace(l, n);
  return { l, info: 0 };
}

/**
 * `torch.linalg.cholesky` for one n×n matrix (see {@link choleskyEx} for which triangle is read).
 * Throws {@link LinAlgError} with PyTorch's message when A is not positive-definite.
 */
export function cholesky(a: Float64Array, n: number, upper = false): Float64Array {
  const { l, info } = choleskyEx(a, n, upper);
  if (info > 0) {
    throw new LinAlgError(
      `linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order ${info} is not positive-definite).`,
    );
  }
  return l;
}

function transposeSquareInPlace(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const swap = a[i * n + j]!;
      a[i * n + j] = a[j * n + i]!;
      a[j * n + i] = swap;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// QR (Householder, LAPACK dgeqr2 / dorg2r conventions)
// ---------------------------------------------------------------------------------------------

/** `mode` of `torch.linalg.qr`. */
export type QrMode = 'reduced' | 'complete' | 'r';

/** Result of {@link qr}. */
export interface QrResult {
  /** m×k ('reduced', k = min(m, n)) or m×m ('complete'); empty for mode 'r', as in torch. */
  q: Float64Array;
  /** k×n ('reduced', 'r') or m×n ('complete'), upper trapezoidal. */
  r: Float64Array;
}

/** LAPACK dlapy2: sqrt(x² + y²) without overflow. */
function hypotenuse(x: number, y: number): number {
  const absX = Math.abs(x);
  const absY = Math.abs(y);
  const larger = Math.max(absX, absY);
  const smaller = Math.min(absX, absY);
  if (smaller === 0 || larger > Number.MAX_VALUE) return larger;
  const ratio = smaller / larger;
  return larger * Math.sqrt(1 + ratio * ratio);
}

/**
 * Euclidean norm of `count` entries of `x` starting at `offset`, `stride` apart. The plain sum of
 * squares (what dnrm2 does in the mid range) with a rescaled second pass only when it over- or
 * underflows.
 */
function strideNorm(x: Float64Array, offset: number, count: number, stride: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const value = x[offset + i * stride]!;
    sum += value * value;
  }
  if (sum > 1e-290 && sum < 1e290) return Math.sqrt(sum);
  if (Number.isNaN(sum)) return Number.NaN;
  let scale = 0;
  for (let i = 0; i < count; i++) scale = Math.max(scale, Math.abs(x[offset + i * stride]!));
  if (scale === 0) return 0;
  if (scale === Number.POSITIVE_INFINITY) return scale;
  sum = 0;
  for (let i = 0; i < count; i++) {
    const value = x[offset + i * stride]! / scale;
    sum += value * value;
  }
  return scale * Math.sqrt(sum);
}

/**
 * Householder QR in place (LAPACK dgeqr2 with dlarfg/dlarf): on return R is on and above the
 * diagonal of the m×n row-major `a`, reflector i's vector v (v[i] = 1 implied) below the diagonal
 * of column i, and `tau[i]` its scale: H(i) = I - tau·v·vᵀ, A = H(0)···H(k-1)·R.
 */
function householderQrInPlace(
  a: Float64Array,
  m: number,
  n: number,
  tau: Float64Array,
  work: Float64Array,
): void {
  const steps = Math.min(m, n);
  for (let k = 0; k < steps; k++) {
    const diagonalIndex = k * n + k;
    // dlarfg: beta = -sign(alpha)·‖(alpha, x)‖ so R's diagonal may be negative, exactly as torch;
    // nothing to annihilate (x = 0, or a last row) gives tau = 0 and keeps alpha's sign.
    let alpha = a[diagonalIndex]!;
    let xNorm = m - k > 1 ? strideNorm(a, diagonalIndex + n, m - k - 1, n) : 0;
    if (xNorm === 0) {
      tau[k] = 0;
      continue;
    }
    let beta = -copySign(hypotenuse(alpha, xNorm), alpha);
    let rescalings = 0;
    if (Math.abs(beta) < HOUSEHOLDER_SAFE_MINIMUM) {
      // dlarfg's loop for tiny vectors: scale up so that v = x/(alpha - beta) stays accurate.
      do {
        rescalings++;
        for (let i = k + 1; i < m; i++) a[i * n + k] = a[i * n + k]! / HOUSEHOLDER_SAFE_MINIMUM;
        beta /= HOUSEHOLDER_SAFE_MINIMUM;
        alpha /= HOUSEHOLDER_SAFE_MINIMUM;
      } while (Math.abs(beta) < HOUSEHOLDER_SAFE_MINIMUM && rescalings < 20);
      xNorm = strideNorm(a, diagonalIndex + n, m - k - 1, n);
      beta = -copySign(hypotenuse(alpha, xNorm), alpha);
    }
    tau[k] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = k + 1; i < m; i++) a[i * n + k] = a[i * n + k]! * scale;
    for (let j = 0; j < rescalings; j++) beta *= HOUSEHOLDER_SAFE_MINIMUM;
    a[diagonalIndex] = beta;
    applyReflectorLeft(a, n, k, m, k + 1, n, tau[k]!, a, k, n, work);
  }
}

/** Fortran SIGN(magnitude, sign): |magnitude| with the sign of `sign`, -0 counting as negative. */
function copySign(magnitude: number, sign: number): number {
  return sign < 0 || Object.is(sign, -0) ? -Math.abs(magnitude) : Math.abs(magnitude);
}

/**
 * LAPACK dlarf from the left on rows [rowStart, rowEnd) × columns [colStart, colEnd) of the
 * row-major `c` (row length `cStride`): C ← (I - tau·v·vᵀ)·C, with v[0] = 1 implied and v[i]
 * read from `v` column `vColumn` (row length `vStride`) at row rowStart + i.
 */
function applyReflectorLeft(
  c: Float64Array,
  cStride: number,
  rowStart: number,
  rowEnd: number,
  colStart: number,
  colEnd: number,
  tau: number,
  v: Float64Array,
  vColumn: number,
  vStride: number,
  work: Float64Array,
): void {
  if (tau === 0 || colStart >= colEnd) return;
  // w = Cᵀ·v (dgemv), accumulated row by row so the inner loop runs along contiguous memory.
  const firstRow = rowStart * cStride;
  for (let j = colStart; j < colEnd; j++) work[j] = c[firstRow + j]!;
  for (let i = rowStart + 1; i < rowEnd; i++) {
    const vi = v[i * vStride + vColumn]!;
    if (vi === 0) continue;
    const row = i * cStride;
    for (let j = colStart; j < colEnd; j++) work[j] = work[j]! + vi * c[row + j]!;
  }
  // C -= tau·v·wᵀ (dger with alpha = -tau applied to w).
  for (let j = colStart; j < colEnd; j++) work[j] = -tau * work[j]!;
  for (let j = colStart; j < colEnd; j++) c[firstRow + j] = c[firstRow + j]! + work[j]!;
  for (let i = rowStart + 1; i < rowEnd; i++) {
    const vi = v[i * vStride + vColumn]!;
    if (vi === 0) continue;
    const row = i * cStride;
    for (let j = colStart; j < colEnd; j++) c[row + j] = c[row + j]! + vi * work[j]!;
  }
}

/**
 * Forms the m×columns Q = H(0)···H(k-1)·[I; 0] from reflectors stored below the diagonal of the
 * m×n `factored` (LAPACK dorg2r, columns ≥ k). Returns a new row-major m×columns array.
 */
function formQ(
  factored: Float64Array,
  m: number,
  n: number,
  k: number,
  tau: Float64Array,
  columns: number,
  work: Float64Array,
): Float64Array {
  const q = new Float64Array(m * columns);
  for (let j = k; j < columns; j++) q[j * columns + j] = 1;
  for (let i = k - 1; i >= 0; i--) {
    const t = tau[i]!;
    // Column i of Q: H(i)·e_i = e_i - tau·v; the columns right of it get H(i) applied.
    if (i < columns - 1) {
      q[i * columns + i] = 1;
      for (let r = i + 1; r < m; r++) q[r * columns + i] = 0;
      applyReflectorLeft(q, columns, i, m, i + 1, columns, t, factored, i, n, work);
    }
    for (let r = i + 1; r < m; r++) q[r * columns + i] = -t * factored[r * n + i]!;
    q[i * columns + i] = 1 - t;
    for (let r = 0; r < i; r++) q[r * columns + i] = 0;
  }
  return q;
}

/**
 * `torch.linalg.qr` of one m×n row-major matrix by Householder reflections with LAPACK's
 * conventions (geqrf + orgqr), so Q and R match torch's up to rounding, signs included.
 *
 * @example qr(a, 5, 3, 'reduced') // q: 5×3, r: 3×3; 'complete' gives q: 5×5, r: 5×3
 */
export function qr(a: Float64Array, m: number, n: number, mode: QrMode = 'reduced'): QrResult {
  const k = Math.min(m, n);
  const factored = Float64Array.from(a.subarray(0, m * n));
  const tau = new Float64Array(k);
  const work = new Float64Array(Math.max(m, n));
  householderQrInPlace(factored, m, n, tau, work);
  const rRows = mode === 'complete' ? m : k;
  const r = new Float64Array(rRows * n);
  for (let i = 0; i < k; i++) for (let j = i; j < n; j++) r[i * n + j] = factored[i * n + j]!;
  const q =
    mode === 'r' ? new Float64Array(0) : formQ(factored, m, n, k, tau, mode === 'complete' ? m : k, work);
  return { q, r };
}

/**
 * Orthonormal columns completing the m×r orthonormal `basis` (row-major, r ≤ m) to an m×m
 * orthogonal matrix: the last m - r columns of a complete QR of the basis. Written into column
 * slots `targets` of the row-major `out` (row length `outColumns`).
 */
function complementColumns(
  basis: Float64Array,
  m: number,
  r: number,
  out: Float64Array,
  outColumns: number,
  targets: Int32Array,
): void {
  const factored = Float64Array.from(basis.subarray(0, m * r));
  const tau = new Float64Array(r);
  const work = new Float64Array(Math.max(m, r));
  householderQrInPlace(factored, m, r, tau, work);
  const q = formQ(factored, m, r, r, tau, m, work);
  for (let t = 0; t < targets.length; t++) {
    const column = targets[t]!;
    for (let i = 0; i < m; i++) out[i * outColumns + column] = q[i * m + r + t]!;
  }
}

// ---------------------------------------------------------------------------------------------
// Symmetric eigendecomposition (Householder tridiagonalisation + implicit QL)
// ---------------------------------------------------------------------------------------------

/** Result of {@link eigh}. */
export interface EighResult {
  /** The n eigenvalues in ascending order. */
  eigenvalues: Float64Array;
  /** n×n row-major; column j is the unit eigenvector of eigenvalues[j]. */
  eigenvectors: Float64Array;
}

/**
 * `torch.linalg.eigh` of one n×n symmetric matrix, reading only its lower triangle (or with
 * `upper`, its upper triangle, as torch's `UPLO='U'`). Eigenvalues come back ascending.
 *
 * NOTE [Eigenvector signs]: an eigenvector is defined only up to sign (and, for a repeated
 * eigenvalue, up to a rotation within its eigenspace), and LAPACK's choice is an accident of its
 * algorithm. We make the entry of largest magnitude in each eigenvector positive (the first such
 * entry on ties), so results are deterministic; they equal torch's up to a per-column sign.
 *
 * Algorithm: Householder reduction to tridiagonal form and the implicit QL method (EISPACK
 * tred2/tql2, as in JAMA), O(n^3). Throws {@link LinAlgError} if QL fails to converge.
 */
export function eigh(a: Float64Array, n: number, upper = false): EighResult {
  return symmetricEigen(a, n, upper, true);
}

/** `torch.linalg.eigvalsh`: the ascending eigenvalues of {@link eigh} without the vectors. */
export function eigvalsh(a: Float64Array, n: number, upper = false): Float64Array {
  return symmetricEigen(a, n, upper, false).eigenvalues;
}

function symmetricEigen(a: Float64Array, n: number, upper: boolean, computeVectors: boolean): EighResult {
  // `vt` holds Vᵀ: the column-oriented loops of tred2/tql2 then run along contiguous rows, and
  // row j of vt ends as eigenvector j.
  const vt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const value = upper ? a[j * n + i]! : a[i * n + j]!;
      vt[i * n + j] = value;
      vt[j * n + i] = value;
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0) {
    tridiagonalize(vt, n, d, e);
    implicitQl(vt, n, d, e, computeVectors);
  }
  // Ascending order (selection sort: O(n^2) comparisons, n row swaps).
  for (let i = 0; i < n - 1; i++) {
    let smallest = i;
    for (let j = i + 1; j < n; j++) if (d[j]! < d[smallest]!) smallest = j;
    if (smallest === i) continue;
    const swap = d[i]!;
    d[i] = d[smallest]!;
    d[smallest] = swap;
    if (computeVectors) swapRows(vt, n, i, smallest);
  }
  if (!computeVectors) return { eigenvalues: d, eigenvectors: new Float64Array(0) };
  normalizeRowSigns(vt, n, n, null, 0);
  transposeSquareInPlace(vt, n);
  return { eigenvalues: d, eigenvectors: vt };
}

function swapRows(a: Float64Array, rowLength: number, first: number, second: number): void {
  const rowA = first * rowLength;
  const rowB = second * rowLength;
  for (let k = 0; k < rowLength; k++) {
    const swap = a[rowA + k]!;
    a[rowA + k] = a[rowB + k]!;
    a[rowB + k] = swap;
  }
}

/**
 * Flips rows of the rows×length `a` so each row's entry of largest magnitude (the first on ties)
 * is positive; flips the same rows of `partner` (row length `partnerLength`) alongside.
 */
function normalizeRowSigns(
  a: Float64Array,
  rows: number,
  length: number,
  partner: Float64Array | null,
  partnerLength: number,
): void {
  for (let i = 0; i < rows; i++) {
    const row = i * length;
    let largest = 0;
    let largestValue = 0;
    for (let k = 0; k < length; k++) {
      const magnitude = Math.abs(a[row + k]!);
      if (magnitude > largest) {
        largest = magnitude;
        largestValue = a[row + k]!;
      }
    }
    if (largestValue >= 0) continue;
    for (let k = 0; k < length; k++) a[row + k] = -a[row + k]!;
    if (partner !== null) {
      const partnerRow = i * partnerLength;
      for (let k = 0; k < partnerLength; k++) partner[partnerRow + k] = -partner[partnerRow + k]!;
    }
  }
}

/**
 * EISPACK tred2 on V = the full symmetric matrix, stored transposed in `vt` (V[r][c] =
 * vt[c*n + r]): leaves the tridiagonal's diagonal in d, its subdiagonal in e[1..n-1], and the
 * accumulated orthogonal transformation in V.
 */
function tridiagonalize(vt: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = vt[j * n + (n - 1)]!;
  for (let i = n - 1; i > 0; i--) {
    // Scale the row to avoid under/overflow in the Householder vector.
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = vt[j * n + (i - 1)]!;
        vt[j * n + i] = 0;
        vt[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        vt[i * n + j] = f;
        const columnJ = j * n;
        g = e[j]! + vt[columnJ + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = vt[columnJ + k]!;
          g += vkj * d[k]!;
          e[k] = e[k]! + vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        const columnJ = j * n;
        for (let k = j; k <= i - 1; k++) vt[columnJ + k] = vt[columnJ + k]! - (f * e[k]! + g * d[k]!);
        d[j] = vt[columnJ + (i - 1)]!;
        vt[columnJ + i] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    const columnI = i * n;
    const nextColumn = (i + 1) * n;
    vt[columnI + (n - 1)] = vt[columnI + i]!;
    vt[columnI + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = vt[nextColumn + k]! / h;
      for (let j = 0; j <= i; j++) {
        const columnJ = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += vt[nextColumn + k]! * vt[columnJ + k]!;
        for (let k = 0; k <= i; k++) vt[columnJ + k] = vt[columnJ + k]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) vt[nextColumn + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = vt[j * n + (n - 1)]!;
    vt[j * n + (n - 1)] = 0;
  }
  vt[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;
}

/** Iterations allowed per eigenvalue before QL is declared not to converge (LAPACK allows 30). */
const MAX_QL_ITERATIONS = 60;

/**
 * EISPACK tql2: diagonalises the symmetric tridiagonal (d, e) by implicit QL with Wilkinson-like
 * shifts, applying the rotations to V (stored transposed in `vt`) when `computeVectors`.
 */
function implicitQl(
  vt: Float64Array,
  n: number,
  d: Float64Array,
  e: Float64Array,
  computeVectors: boolean,
): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    // Find a small subdiagonal element.
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && !(Math.abs(e[m]!) <= FLOAT64_EPSILON * tst1)) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > MAX_QL_ITERATIONS) {
          throw new LinAlgError(
            `linalg.eigh: The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues (error code: ${l + 1}).`,
          );
        }
        // Compute the implicit shift.
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = hypotenuse(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        // Implicit QL transformation.
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = hypotenuse(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (computeVectors) {
            const columnI = i * n;
            const nextColumn = (i + 1) * n;
            for (let k = 0; k < n; k++) {
              const vNext = vt[nextColumn + k]!;
              const vI = vt[columnI + k]!;
              vt[nextColumn + k] = s * vI + c * vNext;
              vt[columnI + k] = c * vI - s * vNext;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > FLOAT64_EPSILON * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// SVD (one-sided Jacobi) and what is built on it (svdvals, pinv, matrixRank, lstsq)
// ---------------------------------------------------------------------------------------------

/** Result of {@link svd}: A = U·diag(S)·Vh. */
export interface SvdResult {
  /** m×k (k = min(m, n)), or m×m with `fullMatrices`; row-major. */
  u: Float64Array;
  /** The k singular values, descending. */
  s: Float64Array;
  /** k×n, or n×n with `fullMatrices`; row-major. */
  vh: Float64Array;
}

/** Sweeps allowed before one-sided Jacobi gives up (it converges quadratically, in ~6-12). */
const MAX_JACOBI_SWEEPS = 80;

/**
 * One-sided (Hestenes) Jacobi on the k vectors of length `length` in the rows of `w`: rotates
 * pairs until all are mutually orthogonal to working precision, applying the same rotations to
 * the rows of the k×k `z` when given. Afterwards the row norms are the singular values.
 */
function jacobiOrthogonalize(w: Float64Array, k: number, length: number, z: Float64Array | null): void {
  // Squared row norms, updated exactly as the rotations change them and recomputed at the start
  // of each sweep so rounding cannot drift: the pair loop then needs one dot product, not three.
  const norms = new Float64Array(k);
  // Pairs count as orthogonal below sqrt(length)·eps in cosine, as LAPACK dgesvj's CTOL.
  const tolerance = Math.sqrt(length) * FLOAT64_EPSILON;
  for (let sweep = 0; sweep < MAX_JACOBI_SWEEPS; sweep++) {
    for (let j = 0; j < k; j++) {
      const row = j * length;
      let sum = 0;
      for (let i = 0; i < length; i++) sum += w[row + i]! * w[row + i]!;
      norms[j] = sum;
    }
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      // de Rijk's pivoting: the longest remaining vector goes first, which speeds convergence
      // and leaves the rows nearly sorted by singular value.
      let longest = p;
      for (let j = p + 1; j < k; j++) if (norms[j]! > norms[longest]!) longest = j;
      if (longest !== p) {
        swapRows(w, length, p, longest);
        if (z !== null) swapRows(z, k, p, longest);
        const swap = norms[p]!;
        norms[p] = norms[longest]!;
        norms[longest] = swap;
      }
      const rowP = p * length;
      for (let q = p + 1; q < k; q++) {
        const rowQ = q * length;
        const alpha = norms[p]!;
        const beta = norms[q]!;
        let gamma = 0;
        for (let i = 0; i < length; i++) gamma += w[rowP + i]! * w[rowQ + i]!;
        if (gamma === 0 || !(Math.abs(gamma) > tolerance * Math.sqrt(alpha) * Math.sqrt(beta))) continue;
        rotated = true;
        // The rotation that zeroes the off-diagonal of the 2×2 Gram matrix [[alpha, gamma],
        // [gamma, beta]]: t = tan(theta) is the smaller root of t² + 2·zeta·t - 1 = 0.
        const zeta = (beta - alpha) / (2 * gamma);
        const t =
          Math.abs(zeta) > 1e150
            ? 0.5 / zeta
            : (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        norms[p] = Math.max(alpha - t * gamma, 0);
        norms[q] = beta + t * gamma;
        for (let i = 0; i < length; i++) {
          const wp = w[rowP + i]!;
          const wq = w[rowQ + i]!;
          w[rowP + i] = c * wp - s * wq;
          w[rowQ + i] = s * wp + c * wq;
        }
        if (z !== null) {
          const zRowP = p * k;
          const zRowQ = q * k;
          for (let i = 0; i < k; i++) {
            const zp = z[zRowP + i]!;
            const zq = z[zRowQ + i]!;
            z[zRowP + i] = c * zp - s * zq;
            z[zRowQ + i] = s * zp + c * zq;
          }
        }
      }
    }
    if (!rotated) return;
  }
  throw new LinAlgError(
    'linalg.svd: The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated singular values.',
  );
}

/**
 * Power-of-two factor that brings the largest magnitude of `a` near 1, so the sums of squares in
 * the Jacobi sweeps cannot overflow or underflow; multiplying by it is exact.
 */
function exactScale(a: Float64Array, count: number): number {
  let largest = 0;
  for (let i = 0; i < count; i++) largest = Math.max(largest, Math.abs(a[i]!));
  if (largest === 0 || !Number.isFinite(largest) || (largest > 1e-100 && largest < 1e100)) return 1;
  return 2 ** -Math.round(Math.log2(largest));
}

/**
 * Copies the m×n row-major `a` (times `scale`) as k = min(m, n) row vectors of length max(m, n):
 * A's columns when m ≥ n, A's rows when m < n (then the SVD of Aᵀ is computed instead).
 */
function jacobiVectors(a: Float64Array, m: number, n: number, scale: number): Float64Array {
  const w = new Float64Array(m * n);
  if (m >= n) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a[i * n + j]! * scale;
  } else {
    for (let i = 0; i < m * n; i++) w[i] = a[i]! * scale;
  }
  return w;
}

/** Row norms of the k×length `w`, divided by `scale`, into `s`. */
function rowNorms(w: Float64Array, k: number, length: number, scale: number, s: Float64Array): void {
  for (let j = 0; j < k; j++) s[j] = strideNorm(w, j * length, length, 1) / scale;
}

/**
 * `torch.linalg.svd` of one m×n row-major matrix: A = U·diag(S)·Vh with S descending.
 *
 * Algorithm: one-sided Jacobi on the k = min(m, n) columns (m ≥ n) or rows (m < n), which gives
 * the singular values to high relative accuracy; null-space and `fullMatrices` columns come from
 * a Householder completion of the computed ones. O(k²·max(m, n)) per sweep.
 *
 * NOTE [Singular vector signs]: u_j and the row vh_j may both be negated; LAPACK's choice is
 * arbitrary. We make the entry of largest magnitude of each u_j (j < k) positive, the first on
 * ties, and flip vh_j with it. Columns of a repeated singular value are only defined up to a
 * rotation; completion columns (zero singular values, `fullMatrices`) up to an orthogonal map.
 */
export function svd(a: Float64Array, m: number, n: number, fullMatrices = false): SvdResult {
  const k = Math.min(m, n);
  const length = Math.max(m, n);
  const scale = exactScale(a, m * n);
  const w = jacobiVectors(a, m, n, scale);
  const z = new Float64Array(k * k);
  for (let i = 0; i < k; i++) z[i * k + i] = 1;
  jacobiOrthogonalize(w, k, length, z);
  const s = new Float64Array(k);
  rowNorms(w, k, length, scale, s);

  // Sort descending (stable selection sort), carrying the vectors along.
  for (let i = 0; i < k - 1; i++) {
    let largest = i;
    for (let j = i + 1; j < k; j++) if (s[j]! > s[largest]!) largest = j;
    if (largest === i) continue;
    const swap = s[i]!;
    s[i] = s[largest]!;
    s[largest] = swap;
    swapRows(w, length, i, largest);
    swapRows(z, k, i, largest);
  }

  // Normalise the long-side vectors (rows of w); a zero one is replaced by completion below.
  let zeroCount = 0;
  for (let j = 0; j < k; j++) {
    const norm = strideNorm(w, j * length, length, 1);
    const row = j * length;
    if (norm === 0 || !Number.isFinite(1 / norm)) {
      zeroCount++;
      for (let i = 0; i < length; i++) w[row + i] = 0;
    } else {
      for (let i = 0; i < length; i++) w[row + i] = w[row + i]! / norm;
    }
  }
  // Rows of w are the left singular vectors when m ≥ n, the right ones when m < n; either way
  // the sign convention is stated on u, so flip the pair (w row, z row) by the u side's entries.
  if (m >= n) normalizeRowSigns(w, k, length, z, k);
  else normalizeRowSigns(z, k, k, w, length);

  // Long-side basis: `wide` columns (k, or length with fullMatrices), row-major length×wide.
  const wide = fullMatrices ? length : k;
  const longBasis = new Float64Array(length * wide);
  for (let j = 0; j < k; j++) for (let i = 0; i < length; i++) longBasis[i * wide + j] = w[j * length + i]!;
  const missing = zeroCount + (wide - k);
  if (missing > 0) {
    const nonzero = k - zeroCount;
    const basis = new Float64Array(length * nonzero);
    for (let j = 0; j < nonzero; j++)
      for (let i = 0; i < length; i++) basis[i * nonzero + j] = w[j * length + i]!;
    const targets = new Int32Array(missing);
    for (let t = 0; t < missing; t++) targets[t] = nonzero + t;
    complementColumns(basis, length, nonzero, longBasis, wide, targets);
  }

  if (m >= n) {
    // U = long basis (m×wide); Vh = z (k×k = n×n).
    return { u: longBasis, s, vh: z };
  }
  // A = (Aᵀ)ᵀ: U = zᵀ (m×m); Vh = (long basis)ᵀ (wide×n).
  transposeSquareInPlace(z, k);
  const vh = new Float64Array(wide * length);
  for (let i = 0; i < length; i++)
    for (let j = 0; j < wide; j++) vh[j * length + i] = longBasis[i * wide + j]!;
  return { u: z, s, vh };
}

/** `torch.linalg.svdvals`: the singular values of one m×n matrix, descending. */
export function svdvals(a: Float64Array, m: number, n: number): Float64Array {
  const k = Math.min(m, n);
  const length = Math.max(m, n);
  const scale = exactScale(a, m * n);
  const w = jacobiVectors(a, m, n, scale);
  jacobiOrthogonalize(w, k, length, null);
  const s = new Float64Array(k);
  rowNorms(w, k, length, scale, s);
  return s.sort().reverse();
}

/** Tolerances of `torch.linalg.pinv` and `torch.linalg.matrix_rank`. */
export interface RankTolerance {
  /** Absolute tolerance; default 0. */
  atol?: number | null;
  /** Relative tolerance (times the largest singular value); default below. */
  rtol?: number | null;
  /**
   * Machine epsilon of the op's dtype, for the default rtol = epsilon·max(m, n) (PyTorch uses
   * the input's dtype: pass 2^-23 for float32 inputs). Default: float64's 2^-52.
   */
  epsilon?: number;
}

/**
 * The singular-value cut-off of `torch.linalg.pinv`/`matrix_rank`: max(atol, rtol·σ_max), where
 * an unset rtol is epsilon·max(m, n), or 0 when atol is given and positive (as
 * `get_atol_rtol` in PyTorch's LinearAlgebra.cpp). Values strictly above it count.
 */
function rankCutoff(s: Float64Array, m: number, n: number, tolerance: RankTolerance): number {
  const atol = tolerance.atol ?? 0;
  const defaultRtol = (tolerance.epsilon ?? FLOAT64_EPSILON) * Math.max(m, n);
  const rtol = tolerance.rtol ?? (tolerance.atol != null && tolerance.atol > 0 ? 0 : defaultRtol);
  const largest = s.length > 0 ? s[0]! : 0;
  return Math.max(atol, rtol * largest);
}

/**
 * `torch.linalg.pinv` of one m×n matrix (non-hermitian path): V·diag(1/σ)·Uᵀ over the singular
 * values above the cut-off (see {@link RankTolerance}). Returns n×m.
 */
export function pinv(a: Float64Array, m: number, n: number, tolerance: RankTolerance = {}): Float64Array {
  const result = new Float64Array(n * m);
  if (m === 0 || n === 0) return result;
  const { u, s, vh } = svd(a, m, n, false);
  const k = s.length;
  const cutoff = rankCutoff(s, m, n, tolerance);
  // result[i][j] = Σ_l vh[l][i]·u[j][l]/σ_l, accumulated one singular triple at a time so the
  // inner loop runs along a contiguous row of the result.
  for (let l = 0; l < k; l++) {
    const sigma = s[l]!;
    if (!(sigma > cutoff)) continue;
    const reciprocal = 1 / sigma;
    for (let i = 0; i < n; i++) {
      const factor = vh[l * n + i]! * reciprocal;
      if (factor === 0) continue;
      const row = i * m;
      for (let j = 0; j < m; j++) result[row + j] = result[row + j]! + factor * u[j * k + l]!;
    }
  }
  return result;
}

/**
 * `torch.linalg.matrix_rank` of one m×n matrix: the number of singular values above the cut-off
 * (see {@link RankTolerance}).
 */
export function matrixRank(a: Float64Array, m: number, n: number, tolerance: RankTolerance = {}): number {
  const s = svdvals(a, m, n);
  const cutoff = rankCutoff(s, m, n, tolerance);
  let rank = 0;
  for (let i = 0; i < s.length; i++) if (s[i]! > cutoff) rank++;
  return rank;
}

/** Result of {@link lstsq}. */
export interface LstsqResult {
  /** n×nrhs row-major minimum-norm least-squares solution. */
  solution: Float64Array;
  /** Effective rank: singular values above rcond·σ_max. */
  rank: number;
}

/**
 * `torch.linalg.lstsq(A, B)` for one m×n A and m×nrhs B: the X minimising ‖A·X - B‖ with the
 * smallest norm, computed from the SVD (as LAPACK gelsd). Singular values at or below
 * rcond·σ_max are treated as zero; rcond defaults to float64 epsilon·max(m, n) as in torch.
 * PyTorch's CPU default driver, gelsy, finds the rank by a pivoted QR instead: the solutions
 * agree whenever the rank is not borderline.
 */
export function lstsq(
  a: Float64Array,
  b: Float64Array,
  m: number,
  n: number,
  nrhs: number,
  rcond?: number,
): LstsqResult {
  const solution = new Float64Array(n * nrhs);
  if (m === 0 || n === 0) return { solution, rank: 0 };
  const { u, s, vh } = svd(a, m, n, false);
  const k = s.length;
  const cutoff = (rcond ?? FLOAT64_EPSILON * Math.max(m, n)) * s[0]!;
  const projection = new Float64Array(nrhs);
  let rank = 0;
  for (let l = 0; l < k; l++) {
    const sigma = s[l]!;
    if (!(sigma > cutoff)) continue;
    rank++;
    // projection = u_lᵀ·B / σ_l, then X += v_l·projection.
    projection.fill(0);
    for (let i = 0; i < m; i++) {
      const uil = u[i * k + l]!;
      if (uil === 0) continue;
      const row = i * nrhs;
      for (let c = 0; c < nrhs; c++) projection[c] = projection[c]! + uil * b[row + c]!;
    }
    for (let c = 0; c < nrhs; c++) projection[c] = projection[c]! / sigma;
    for (let i = 0; i < n; i++) {
      const vil = vh[l * n + i]!;
      if (vil === 0) continue;
      const row = i * nrhs;
      for (let c = 0; c < nrhs; c++) solution[row + c] = solution[row + c]! + vil * projection[c]!;
    }
  }
  return { solution, rank };
}
