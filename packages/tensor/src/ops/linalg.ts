/**
 * `torch.linalg`: factorizations and solvers (`inv`, `det`, `slogdet`, `solve`, `cholesky`, `qr`, `eigh`, `svd`,
 * `pinv`, `lstsq`, `matrixRank`), norms (`vectorNorm`, `matrixNorm`, `norm`) and products (`matrixPower`,
 * `multiDot`, `vecdot`, `cross`). Exported from the package root as the namespace `linalg`; the top-level aliases
 * PyTorch has (`torch.inverse`, `torch.det`, `torch.logdet`, `torch.slogdet`, `torch.svd`, `torch.pinverse`,
 * `torch.matrix_power`) are exported from the root too, and are Tensor methods.
 *
 * Every op accepts batches `[..., m, n]` of float32 or float64 matrices. The CPU kernels
 * (`backends/cpu/linalg-kernels.ts`) work on one row-major float64 matrix at a time: the ops here validate with
 * PyTorch's messages, copy the batch into one float64 array, loop over its matrices and convert the results back to
 * the input's dtype. Tolerances that PyTorch derives from the input's dtype (pinv, matrix_rank, lstsq) use that
 * dtype's epsilon even though the arithmetic is float64.
 *
 * NOTE [Batch error messages]: PyTorch reports a failed factorization of a batched input (ndim > 2) with the batch
 * element's index inserted after the op name, "linalg.inv: (Batch element 1): The diagonal element 2 is zero...",
 * and without it for a single matrix. The kernels throw the single-matrix message; `atBatch` adds the index.
 */

import * as kernels from '../backends/cpu/linalg-kernels.js';
import { LinAlgError } from '../backends/cpu/linalg-kernels.js';
import { dispatch } from '../dispatch.js';
import { type DType, isFloatingPoint, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { broadcastShapes, numelOf, wrapDim } from '../layout.js';
import { Storage } from '../storage.js';
import { hostData, Tensor } from '../tensor.js';
import { eye } from './creation.js';
import { abs, mul } from './elementwise.js';
import { contiguousCopy, emptyTensor, expandTo, sameShape, toDevice } from './helpers.js';
import { dot, matmul, mm } from './matmul.js';
import { amax, amin, norm as reduceNorm, sum } from './reduce.js';

/** `torch.linalg.matmul`: alias of `torch.matmul`. */
export { matmul } from './matmul.js';
/** `torch.linalg.cross(a, b, { dim = -1 })` (written with the other shape ops in `shape-ops.ts`). */
export { linalgCross as cross } from './shape-ops.js';
/** `torch.linalg.LinAlgError`: a RuntimeError for inputs a factorization cannot handle (singular, not PD...). */
export { LinAlgError };

// ---------------------------------------------------------------------------------------------------------------
// Shared checks and batch plumbing

/** `torch.finfo(dtype).eps` for the dtypes linalg computes in. */
function epsilonOf(dtype: DType): number {
  return dtype === 'float64'
    ? 2 ** -52
    : dtype === 'float32'
      ? 2 ** -23
      : dtype === 'bfloat16'
        ? 2 ** -7
        : 2 ** -10;
}

function checkAtLeast2d(op: string, A: Tensor, name = 'A'): void {
  if (A.dim() < 2) throw new RuntimeError(`${op}: The input tensor ${name} must have at least 2 dimensions.`);
}

/** PyTorch's `squareCheckInputs`: at least 2-d, and square. */
function checkSquare(op: string, A: Tensor): void {
  checkAtLeast2d(op, A);
  const m = A._shape[A.dim() - 2]!;
  const n = A._shape[A.dim() - 1]!;
  if (m !== n)
    throw new RuntimeError(`${op}: A must be batches of square matrices, but they are ${m} by ${n} matrices`);
}

/** PyTorch's `checkFloatingOrComplex`, optionally rejecting half precision with its message. */
function checkFloating(op: string, A: Tensor, allowLowPrecision = true): void {
  if (!isFloatingPoint(A.dtype)) {
    throw new RuntimeError(
      `${op}: Expected a floating point or complex tensor as input. Got ${scalarTypeName(A.dtype)}`,
    );
  }
  if (!allowLowPrecision && A.dtype !== 'float32' && A.dtype !== 'float64') {
    throw new RuntimeError(`${op}: Low precision dtypes not supported. Got ${scalarTypeName(A.dtype)}`);
  }
}

/** PyTorch's dispatch error for a LAPACK kernel that has no instance for the dtype (half, integers). */
function checkKernelDtype(kernel: string, A: Tensor): void {
  if (A.dtype !== 'float32' && A.dtype !== 'float64') {
    throw new RuntimeError(`"${kernel}" not implemented for '${scalarTypeName(A.dtype)}'`);
  }
}

/** A batch of matrices copied into one row-major float64 array. */
interface Matrices {
  data: Float64Array;
  batchShape: number[];
  count: number;
  rows: number;
  cols: number;
}

/** Reads `A` (`[..., rows, cols]`, any layout and device) as float64 matrices on the host. */
function readMatrices(A: Tensor): Matrices {
  const host = A.device === 'cpu' ? A : toDevice(A, 'cpu');
  const data = hostData(contiguousCopy(host, 'float64')) as Float64Array;
  const ndim = A.dim();
  const batchShape = A._shape.slice(0, ndim - 2);
  return {
    data,
    batchShape,
    count: numelOf(batchShape),
    rows: A._shape[ndim - 2]!,
    cols: A._shape[ndim - 1]!,
  };
}

/** Matrix `index` of a batch, as a subarray (no copy). */
function matrixAt(batch: Matrices, index: number): Float64Array {
  const size = batch.rows * batch.cols;
  return batch.data.subarray(index * size, (index + 1) * size);
}

/** Wraps float64 results as a tensor of `dtype` on `device`. */
function fromFloat64(data: Float64Array, shape: readonly number[], dtype: DType, device: string): Tensor {
  let result = new Tensor(new Storage('float64', data), shape);
  if (dtype !== 'float64') result = contiguousCopy(result, dtype);
  return device === 'cpu' ? result : toDevice(result, device);
}

/** Wraps per-matrix ranks (or other counts) as an int64 tensor. */
function fromCounts(counts: readonly number[], shape: readonly number[], device: string): Tensor {
  const data = new BigInt64Array(counts.length);
  for (let i = 0; i < counts.length; i++) data[i] = BigInt(counts[i]!);
  const result = new Tensor(new Storage('int64', data), shape);
  return device === 'cpu' ? result : toDevice(result, device);
}

/** Runs `compute` for batch element `index`, adding the index to a LinAlgError (see NOTE [Batch error messages]). */
function atBatch<T>(batched: boolean, index: number, compute: () => T): T {
  if (!batched) return compute();
  try {
    return compute();
  } catch (error) {
    if (error instanceof LinAlgError) {
      const split = error.message.indexOf(': ') + 2;
      throw new LinAlgError(
        `${error.message.slice(0, split)}(Batch element ${index}): ${error.message.slice(split)}`,
      );
    }
    throw error;
  }
}

/**
 * Applies a per-matrix kernel returning `outRows × outCols` values to every matrix of `A`; the result has shape
 * `[...batch, outRows, outCols]` and `A`'s dtype.
 */
function mapMatrices(
  A: Tensor,
  outRows: number,
  outCols: number,
  kernel: (matrix: Float64Array, rows: number, cols: number) => Float64Array,
): Tensor {
  const batch = readMatrices(A);
  const outSize = outRows * outCols;
  const out = new Float64Array(batch.count * outSize);
  const batched = A.dim() > 2;
  for (let b = 0; b < batch.count; b++) {
    const result = atBatch(batched, b, () => kernel(matrixAt(batch, b), batch.rows, batch.cols));
    out.set(result, b * outSize);
  }
  return fromFloat64(out, [...batch.batchShape, outRows, outCols], A.dtype, A.device);
}

/** A tuple that also has named fields, like PyTorch's `torch.return_types`. */
function namedTuple<const K extends readonly string[]>(
  names: K,
  values: Tensor[],
): Tensor[] & { [P in K[number]]: Tensor } {
  const tuple = values.slice() as Tensor[] & Record<string, Tensor>;
  names.forEach((name, i) => {
    tuple[name] = values[i]!;
  });
  return tuple as Tensor[] & { [P in K[number]]: Tensor };
}

// ---------------------------------------------------------------------------------------------------------------
// LU-based: inv, det, slogdet, logdet, solve

/**
 * `torch.linalg.inv(A)`: the inverse of each square matrix. A singular matrix raises {@link LinAlgError} naming the
 * first zero diagonal element of U (and the batch element).
 */
export function inv(A: Tensor): Tensor {
  checkSquare('linalg.inv', A);
  checkFloating('linalg.inv', A, false);
  const n = A._shape[A.dim() - 1]!;
  return dispatch('linalgInv', [A], {}, () => mapMatrices(A, n, n, (a) => kernels.inv(a, n)));
}

/** `torch.inverse(A)`: alias of {@link inv}. */
export function inverse(A: Tensor): Tensor {
  return inv(A);
}

/** `torch.linalg.det(A)`: determinants, shape `[...batch]`. */
export function det(A: Tensor): Tensor {
  checkSquare('linalg.det', A);
  checkFloating('linalg.det', A);
  checkKernelDtype('lu_cpu', A);
  return dispatch('linalgDet', [A], {}, () => {
    const batch = readMatrices(A);
    const out = new Float64Array(batch.count);
    for (let b = 0; b < batch.count; b++) out[b] = kernels.det(matrixAt(batch, b), batch.rows);
    return fromFloat64(out, batch.batchShape, A.dtype, A.device);
  });
}

/** `(sign, logabsdet)` of {@link slogdet}. */
export type SlogdetResult = Tensor[] & { sign: Tensor; logabsdet: Tensor };

function slogdetParts(
  op: string,
  A: Tensor,
): { sign: Float64Array; logabsdet: Float64Array; batch: Matrices } {
  const batch = readMatrices(A);
  const sign = new Float64Array(batch.count);
  const logabsdet = new Float64Array(batch.count);
  for (let b = 0; b < batch.count; b++) {
    const result = kernels.slogdet(matrixAt(batch, b), batch.rows);
    sign[b] = result.sign;
    logabsdet[b] = result.logabsdet;
  }
  void op;
  return { sign, logabsdet, batch };
}

/**
 * `torch.linalg.slogdet(A)`: `[sign, logabsdet]` (also by name) with det = sign·exp(logabsdet), which neither
 * overflows nor underflows. A singular matrix gives sign 0 and logabsdet -Infinity.
 */
export function slogdet(A: Tensor): SlogdetResult {
  checkSquare('linalg.slogdet', A);
  checkFloating('linalg.slogdet', A, false);
  const outputs = dispatch('linalgSlogdet', [A], {}, () => {
    const { sign, logabsdet, batch } = slogdetParts('linalg.slogdet', A);
    return [
      fromFloat64(sign, batch.batchShape, A.dtype, A.device),
      fromFloat64(logabsdet, batch.batchShape, A.dtype, A.device),
    ];
  });
  return namedTuple(['sign', 'logabsdet'], outputs);
}

/** `torch.logdet(A)`: log(det A); NaN where the determinant is negative, -Infinity where it is zero. */
export function logdet(A: Tensor): Tensor {
  checkSquare('logdet', A);
  checkFloating('logdet', A, false);
  return dispatch('logdet', [A], {}, () => {
    const { sign, logabsdet, batch } = slogdetParts('logdet', A);
    const out = new Float64Array(batch.count);
    for (let b = 0; b < batch.count; b++) {
      out[b] = sign[b]! < 0 ? Number.NaN : sign[b] === 0 ? Number.NEGATIVE_INFINITY : logabsdet[b]!;
    }
    return fromFloat64(out, batch.batchShape, A.dtype, A.device);
  });
}

/** Options of {@link solve}. */
export interface SolveOptions {
  /** Solve A·X = B (default) or, when false, X·A = B. */
  left?: boolean;
}

/**
 * `torch.linalg.solve(A, B, { left })`: X with A·X = B (or X·A = B). Batch dims broadcast. As in PyTorch 1.13, B is
 * a vector (or batch of vectors) when it is 1-d or when its shape is `A.shape[:-1]`; otherwise a matrix `[..., n, k]`.
 *
 * ```ts
 * linalg.solve(A, b)         // A: [2, 3, 3], b: [2, 3] → X: [2, 3]
 * linalg.solve(A, B)         // A: [2, 3, 3], B: [4, 1, 3, 2] → X: [4, 2, 3, 2]
 * ```
 */
export function solve(A: Tensor, B: Tensor, options?: SolveOptions): Tensor {
  const op = 'linalg.solve';
  const left = options?.left ?? true;
  checkFloating(op, A);
  if (A.dtype !== B.dtype) {
    throw new RuntimeError(
      `${op}: Expected A and B to have the same dtype, but found A of type ${scalarTypeName(A.dtype)} and B of type ${scalarTypeName(B.dtype)} instead`,
    );
  }
  const vectorCase = B.dim() === 1 || (B.dim() === A.dim() - 1 && sameShape(B._shape, A._shape.slice(0, -1)));
  const B2 = vectorCase ? B.unsqueeze(-1) : B;
  checkSquare(op, A);
  checkAtLeast2d(op, B2, 'B');
  const n = A._shape[A.dim() - 1]!;
  const rows = B2._shape[B2.dim() - 2]!;
  const cols = B2._shape[B2.dim() - 1]!;
  if (left ? n !== rows : n !== cols) {
    throw new RuntimeError(
      `${op}: Incompatible shapes of A and B for the equation ${left ? 'AX = B' : 'XA = B'} (${n}x${n} and ${rows}x${cols})`,
    );
  }
  const batchShape = broadcastShapes(B2._shape.slice(0, -2), A._shape.slice(0, -2));
  if (!left && vectorCase) {
    throw new RuntimeError(
      `${op}: Vector broadcasting of the left hand side is not supported for left=False. In this case linalg.solve is equivalent to B / A.squeeze(-1)`,
    );
  }
  checkKernelDtype('lu_cpu', A);
  return dispatch('linalgSolve', [A, B], { left }, () => {
    // X·A = B is Aᵀ·Xᵀ = Bᵀ.
    const Aexpanded = expandTo(A, [...batchShape, n, n]);
    const Bexpanded = expandTo(B2, [...batchShape, rows, cols]);
    const system = readMatrices(left ? Aexpanded : Aexpanded.mT);
    const rhs = readMatrices(left ? Bexpanded : Bexpanded.mT);
    const nrhs = rhs.cols;
    const out = new Float64Array(rhs.data.length);
    const batched = batchShape.length > 0;
    for (let b = 0; b < system.count; b++) {
      const x = atBatch(batched, b, () => kernels.solve(matrixAt(system, b), matrixAt(rhs, b), n, nrhs));
      out.set(x, b * n * nrhs);
    }
    let X = fromFloat64(out, [...batchShape, n, nrhs], A.dtype, A.device);
    if (!left) X = contiguousCopy(X.mT);
    return vectorCase ? X.squeeze(-1) : X;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Cholesky, QR, eigh

/** Options of {@link cholesky}. */
export interface CholeskyOptions {
  /** Return U with A = Uᵀ·U (reading A's upper triangle) instead of L with A = L·Lᵀ. */
  upper?: boolean;
}

/**
 * `torch.linalg.cholesky(A, { upper })`: the Cholesky factor of symmetric positive-definite matrices. Only the lower
 * (or, with `upper`, the upper) triangle of A is read. Raises {@link LinAlgError} when A is not positive-definite.
 */
export function cholesky(A: Tensor, options?: CholeskyOptions | boolean): Tensor {
  const upper = typeof options === 'boolean' ? options : (options?.upper ?? false);
  checkSquare('linalg.cholesky', A);
  checkFloating('linalg.cholesky', A);
  checkKernelDtype('cholesky_cpu', A);
  const n = A._shape[A.dim() - 1]!;
  return dispatch('linalgCholesky', [A], { upper }, () =>
    mapMatrices(A, n, n, (a) => kernels.cholesky(a, n, upper)),
  );
}

/** `(Q, R)` of {@link qr}. */
export type QrResult = Tensor[] & { Q: Tensor; R: Tensor };

/** `mode` of {@link qr}. */
export type QrMode = 'reduced' | 'complete' | 'r';

/**
 * `torch.linalg.qr(A, { mode })`: A = Q·R by Householder reflections, with LAPACK's sign conventions. `'reduced'`
 * (default): Q `[..., m, k]`, R `[..., k, n]` with k = min(m, n); `'complete'`: Q `[..., m, m]`, R `[..., m, n]`;
 * `'r'`: R only (Q is an empty tensor, as in PyTorch).
 */
export function qr(A: Tensor, options?: { mode?: QrMode } | QrMode): QrResult {
  const mode = typeof options === 'string' ? options : (options?.mode ?? 'reduced');
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') {
    throw new RuntimeError(
      `qr received unrecognized mode '${mode}' but expected one of 'reduced' (default), 'r', or 'complete'`,
    );
  }
  checkAtLeast2d('linalg.qr', A);
  checkFloating('linalg.qr', A);
  checkKernelDtype('geqrf_cpu', A);
  const outputs = dispatch('linalgQr', [A], { mode }, () => {
    const batch = readMatrices(A);
    const { rows: m, cols: n } = batch;
    const k = Math.min(m, n);
    const qCols = mode === 'complete' ? m : k;
    const rRows = mode === 'complete' ? m : k;
    const q = new Float64Array(mode === 'r' ? 0 : batch.count * m * qCols);
    const r = new Float64Array(batch.count * rRows * n);
    for (let b = 0; b < batch.count; b++) {
      const result = kernels.qr(matrixAt(batch, b), m, n, mode);
      if (mode !== 'r') q.set(result.q, b * m * qCols);
      r.set(result.r, b * rRows * n);
    }
    const Q =
      mode === 'r'
        ? fromFloat64(q, [0], A.dtype, A.device)
        : fromFloat64(q, [...batch.batchShape, m, qCols], A.dtype, A.device);
    return [Q, fromFloat64(r, [...batch.batchShape, rRows, n], A.dtype, A.device)];
  });
  return namedTuple(['Q', 'R'], outputs);
}

/** `(eigenvalues, eigenvectors)` of {@link eigh}. */
export type EighResult = Tensor[] & { eigenvalues: Tensor; eigenvectors: Tensor };

/** Options of {@link eigh} and {@link eigvalsh}. */
export interface EighOptions {
  /** Which triangle of A is read: `'L'` (default) or `'U'` (either case). */
  UPLO?: string;
}

function parseUplo(options: EighOptions | string | undefined): boolean {
  const uplo = typeof options === 'string' ? options : (options?.UPLO ?? 'L');
  const upperCase = uplo.toUpperCase();
  if (upperCase !== 'L' && upperCase !== 'U') {
    throw new RuntimeError(`Expected UPLO argument to be 'L' or 'U', but got ${uplo}`);
  }
  return upperCase === 'U';
}

function checkEigh(op: string, A: Tensor): void {
  checkSquare(op, A);
  checkKernelDtype('linalg_eigh_cpu', A);
}

/**
 * `torch.linalg.eigh(A, { UPLO })`: eigenvalues (ascending) and orthonormal eigenvectors (columns) of symmetric
 * matrices, reading one triangle. Eigenvectors are unique only up to sign; see the kernel's NOTE [Eigenvector signs].
 */
export function eigh(A: Tensor, options?: EighOptions | string): EighResult {
  checkEigh('linalg.eigh', A);
  const upper = parseUplo(options);
  const outputs = dispatch('linalgEigh', [A], { upper }, () => {
    const batch = readMatrices(A);
    const n = batch.rows;
    const values = new Float64Array(batch.count * n);
    const vectors = new Float64Array(batch.count * n * n);
    const batched = A.dim() > 2;
    for (let b = 0; b < batch.count; b++) {
      const result = atBatch(batched, b, () => kernels.eigh(matrixAt(batch, b), n, upper));
      values.set(result.eigenvalues, b * n);
      vectors.set(result.eigenvectors, b * n * n);
    }
    return [
      fromFloat64(values, [...batch.batchShape, n], A.dtype, A.device),
      fromFloat64(vectors, [...batch.batchShape, n, n], A.dtype, A.device),
    ];
  });
  return namedTuple(['eigenvalues', 'eigenvectors'], outputs);
}

/** `torch.linalg.eigvalsh(A, { UPLO })`: the ascending eigenvalues of symmetric matrices. */
export function eigvalsh(A: Tensor, options?: EighOptions | string): Tensor {
  checkEigh('linalg.eigh', A);
  const upper = parseUplo(options);
  return dispatch('linalgEigvalsh', [A], { upper }, () => {
    const batch = readMatrices(A);
    const n = batch.rows;
    const values = new Float64Array(batch.count * n);
    const batched = A.dim() > 2;
    for (let b = 0; b < batch.count; b++) {
      values.set(
        atBatch(batched, b, () => kernels.eigvalsh(matrixAt(batch, b), n, upper)),
        b * n,
      );
    }
    return fromFloat64(values, [...batch.batchShape, n], A.dtype, A.device);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// SVD and what is built on it

/** `(U, S, Vh)` of {@link svd}. */
export type SvdResult = Tensor[] & { U: Tensor; S: Tensor; Vh: Tensor };

/** Options of {@link svd}. */
export interface SvdOptions {
  /** Full U `[..., m, m]` and Vh `[..., n, n]` (default true, as in PyTorch) or reduced ones (k = min(m, n)). */
  fullMatrices?: boolean;
}

function checkSvd(A: Tensor): void {
  checkAtLeast2d('linalg.svd', A);
  checkFloating('linalg.svd', A);
  checkKernelDtype('linalg_svd_cpu', A);
}

function svdCompute(A: Tensor, fullMatrices: boolean): Tensor[] {
  const batch = readMatrices(A);
  const { rows: m, cols: n } = batch;
  const k = Math.min(m, n);
  const uCols = fullMatrices ? m : k;
  const vhRows = fullMatrices ? n : k;
  const u = new Float64Array(batch.count * m * uCols);
  const s = new Float64Array(batch.count * k);
  const vh = new Float64Array(batch.count * vhRows * n);
  const batched = A.dim() > 2;
  for (let b = 0; b < batch.count; b++) {
    const result = atBatch(batched, b, () => kernels.svd(matrixAt(batch, b), m, n, fullMatrices));
    u.set(result.u, b * m * uCols);
    s.set(result.s, b * k);
    vh.set(result.vh, b * vhRows * n);
  }
  return [
    fromFloat64(u, [...batch.batchShape, m, uCols], A.dtype, A.device),
    fromFloat64(s, [...batch.batchShape, k], A.dtype, A.device),
    fromFloat64(vh, [...batch.batchShape, vhRows, n], A.dtype, A.device),
  ];
}

/**
 * `torch.linalg.svd(A, { fullMatrices = true })`: A = U·diag(S)·Vh with S descending. Singular vectors are unique
 * only up to a sign per pair (u_j, vh_j); see the kernel's NOTE [Singular vector signs].
 */
export function svd(A: Tensor, options?: SvdOptions | boolean): SvdResult {
  const fullMatrices = typeof options === 'boolean' ? options : (options?.fullMatrices ?? true);
  checkSvd(A);
  const outputs = dispatch('linalgSvd', [A], { fullMatrices }, () => svdCompute(A, fullMatrices));
  return namedTuple(['U', 'S', 'Vh'], outputs);
}

function svdvalsCompute(A: Tensor): Tensor {
  const batch = readMatrices(A);
  const k = Math.min(batch.rows, batch.cols);
  const s = new Float64Array(batch.count * k);
  const batched = A.dim() > 2;
  for (let b = 0; b < batch.count; b++) {
    s.set(
      atBatch(batched, b, () => kernels.svdvals(matrixAt(batch, b), batch.rows, batch.cols)),
      b * k,
    );
  }
  return fromFloat64(s, [...batch.batchShape, k], A.dtype, A.device);
}

/** `torch.linalg.svdvals(A)`: the singular values `[..., min(m, n)]`, descending. */
export function svdvals(A: Tensor): Tensor {
  checkSvd(A);
  return dispatch('linalgSvdvals', [A], {}, () => svdvalsCompute(A));
}

/** `(U, S, V)` of the legacy `torch.svd`. */
export type LegacySvdResult = Tensor[] & { U: Tensor; S: Tensor; V: Tensor };

/** Options of the legacy `torch.svd`. */
export interface LegacySvdOptions {
  /** Reduced U and V (default true). */
  some?: boolean;
  /** When false, U and V are zero-filled `[..., m, m]` and `[..., n, n]`, as in PyTorch. */
  computeUv?: boolean;
}

/**
 * `torch.svd(A, some=true, compute_uv=true)`, exported at the package root as `svd`: like {@link svd} but returns
 * V (`Vh` transposed, a view), and `some` is the opposite of `fullMatrices`.
 */
export function legacySvd(
  A: Tensor,
  some: boolean | LegacySvdOptions = true,
  computeUv = true,
): LegacySvdResult {
  const options = typeof some === 'object' ? some : { some, computeUv };
  const reduced = options.some ?? true;
  const withVectors = options.computeUv ?? true;
  if (A.dim() < 2) {
    throw new RuntimeError(
      `linalg.svd: input should have at least 2 dimensions, but has ${A.dim()} dimensions instead`,
    );
  }
  checkSvd(A);
  const outputs = dispatch('svd', [A], { some: reduced, computeUv: withVectors }, () => {
    if (!withVectors) {
      const batchShape = A._shape.slice(0, -2);
      const m = A._shape[A.dim() - 2]!;
      const n = A._shape[A.dim() - 1]!;
      return [
        emptyTensor([...batchShape, m, m], A.dtype, A.device),
        svdvalsCompute(A),
        emptyTensor([...batchShape, n, n], A.dtype, A.device),
      ];
    }
    const [U, S, Vh] = svdCompute(A, !reduced) as [Tensor, Tensor, Tensor];
    return [U, S, Vh.mT];
  });
  return namedTuple(['U', 'S', 'V'], outputs);
}

/** Tolerances of {@link pinv} and {@link matrixRank}. */
export interface RankOptions {
  /** Absolute tolerance on singular values (default 0). */
  atol?: number | null;
  /** Relative tolerance, times the largest singular value (default eps(dtype)·max(m, n), or 0 when atol > 0). */
  rtol?: number | null;
  /** A is symmetric: use its eigenvalues (absolute values) instead of singular values. */
  hermitian?: boolean;
}

/** max(atol, rtol·σ_max) with PyTorch's defaults (`get_atol_rtol` in LinearAlgebra.cpp). */
function rankCutoff(
  largest: number,
  m: number,
  n: number,
  dtype: DType,
  atol?: number | null,
  rtol?: number | null,
): number {
  const absolute = atol ?? 0;
  const relative = rtol ?? (atol != null && atol > 0 ? 0 : epsilonOf(dtype) * Math.max(m, n));
  return Math.max(absolute, relative * largest);
}

/** Eigen-decomposition of a symmetric matrix with |λ| as "singular values" (for the hermitian paths). */
function hermitianPinv(
  a: Float64Array,
  n: number,
  dtype: DType,
  atol?: number | null,
  rtol?: number | null,
): Float64Array {
  const { eigenvalues, eigenvectors } = kernels.eigh(a, n, false);
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(eigenvalues[i]!));
  const cutoff = rankCutoff(largest, n, n, dtype, atol, rtol);
  const result = new Float64Array(n * n);
  for (let l = 0; l < n; l++) {
    const lambda = eigenvalues[l]!;
    if (!(Math.abs(lambda) > cutoff)) continue;
    const reciprocal = 1 / lambda;
    for (let i = 0; i < n; i++) {
      const factor = eigenvectors[i * n + l]! * reciprocal;
      if (factor === 0) continue;
      for (let j = 0; j < n; j++) result[i * n + j] = result[i * n + j]! + factor * eigenvectors[j * n + l]!;
    }
  }
  return result;
}

/**
 * `torch.linalg.pinv(A, { atol, rtol, hermitian })`: the Moore–Penrose pseudo-inverse `[..., n, m]` from the SVD,
 * dropping singular values at or below max(atol, rtol·σ_max). `rcond` is PyTorch's older name for `rtol`.
 */
export function pinv(A: Tensor, options?: RankOptions & { rcond?: number | null }): Tensor {
  if (A.dim() < 2 || (A.dtype !== 'float32' && A.dtype !== 'float64')) {
    throw new RuntimeError(
      `linalg.pinv(${scalarTypeName(A.dtype)}{[${A._shape.join(', ')}]}): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types`,
    );
  }
  const atol = options?.atol;
  const rtol = options?.rtol ?? options?.rcond;
  const hermitian = options?.hermitian ?? false;
  if (hermitian) checkSquare('linalg.pinv', A);
  const m = A._shape[A.dim() - 2]!;
  const n = A._shape[A.dim() - 1]!;
  return dispatch('linalgPinv', [A], { atol, rtol, hermitian }, () =>
    mapMatrices(A, n, m, (a) =>
      hermitian
        ? hermitianPinv(a, n, A.dtype, atol, rtol)
        : kernels.pinv(a, m, n, { atol, rtol, epsilon: epsilonOf(A.dtype) }),
    ),
  );
}

/** `torch.pinverse(A, rcond=1e-15)`: {@link pinv} with rtol = rcond. */
export function pinverse(A: Tensor, rcond = 1e-15): Tensor {
  return pinv(A, { rtol: rcond });
}

/**
 * `torch.linalg.matrix_rank(A, { atol, rtol, hermitian })`: the number of singular values above
 * max(atol, rtol·σ_max), as int64 `[...batch]`. `tol` is PyTorch's older spelling of `{ atol: tol, rtol: 0 }`.
 */
export function matrixRank(A: Tensor, options?: RankOptions & { tol?: number | null }): Tensor {
  checkAtLeast2d('torch.linalg.matrix_rank', A, 'input');
  if (A.dtype !== 'float32' && A.dtype !== 'float64') {
    throw new RuntimeError("This function doesn't handle types other than float and double");
  }
  const hermitian = options?.hermitian ?? false;
  const legacyTol = options?.tol;
  const atol = legacyTol != null ? legacyTol : options?.atol;
  const rtol = legacyTol != null ? 0 : options?.rtol;
  if (hermitian) checkSquare('linalg.eigh', A);
  return dispatch('linalgMatrixRank', [A], { atol, rtol, hermitian }, () => {
    const batch = readMatrices(A);
    const { rows: m, cols: n } = batch;
    const ranks: number[] = [];
    for (let b = 0; b < batch.count; b++) {
      const values = hermitian
        ? Float64Array.from(kernels.eigvalsh(matrixAt(batch, b), n), Math.abs)
            .sort()
            .reverse()
        : kernels.svdvals(matrixAt(batch, b), m, n);
      const cutoff = rankCutoff(values.length > 0 ? values[0]! : 0, m, n, A.dtype, atol, rtol);
      let rank = 0;
      for (let i = 0; i < values.length; i++) if (values[i]! > cutoff) rank++;
      ranks.push(rank);
    }
    return fromCounts(ranks, batch.batchShape, A.device);
  });
}

/** `(solution, residuals, rank, singularValues)` of {@link lstsq}. */
export type LstsqResult = Tensor[] & {
  solution: Tensor;
  residuals: Tensor;
  rank: Tensor;
  singularValues: Tensor;
};

/** Options of {@link lstsq}. */
export interface LstsqOptions {
  /** Singular values at or below rcond·σ_max count as zero (default eps(dtype)·max(m, n)). */
  rcond?: number | null;
  /** LAPACK driver PyTorch would use; it decides which of residuals, rank and singular values are filled. */
  driver?: 'gels' | 'gelsy' | 'gelsd' | 'gelss' | null;
}

/**
 * `torch.linalg.lstsq(A, B, { rcond, driver })`: the minimum-norm X minimising ‖A·X - B‖, for batches of A
 * `[..., m, n]` and B `[..., m, k]` (or B `[..., m]` when it has one dim fewer than A).
 *
 * The solution comes from the SVD whatever the driver. As PyTorch does for each driver: `rank` is filled except for
 * 'gels'; `singularValues` only for 'gelsd'/'gelss'; `residuals` (squared residual norms per column) only when
 * m > n, the driver is not 'gelsy' (the CPU default), and every matrix has full rank (always, for 'gels').
 */
export function lstsq(A: Tensor, B: Tensor, options?: LstsqOptions): LstsqResult {
  const op = 'torch.linalg.lstsq';
  if (A.dim() < 2) throw new RuntimeError(`${op}: input must have at least 2 dimensions.`);
  if (B.dim() < 1) throw new RuntimeError(`${op}: other must have at least 1 dimension.`);
  if (A.dtype !== B.dtype) {
    throw new RuntimeError(
      `${op}: Expected input and other to have the same dtype, but got input's dtype ${scalarTypeName(A.dtype)} and other's dtype ${scalarTypeName(B.dtype)}`,
    );
  }
  const dimDifference = A.dim() - B.dim();
  if (dimDifference < 0 || dimDifference > 1) {
    throw new RuntimeError(
      `${op}: input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1`,
    );
  }
  const vectorCase = dimDifference === 1;
  const B2 = vectorCase ? B.unsqueeze(-1) : B;
  const m = A._shape[A.dim() - 2]!;
  const n = A._shape[A.dim() - 1]!;
  if (m !== B2._shape[B2.dim() - 2]) {
    throw new RuntimeError(`${op}: input.size(-2) should match other.size(${vectorCase ? -1 : -2})`);
  }
  const driver = options?.driver ?? 'gelsy';
  if (driver !== 'gels' && driver !== 'gelsy' && driver !== 'gelsd' && driver !== 'gelss') {
    throw new RuntimeError(`${op}: parameter \`driver\` should be one of (gels, gelsy, gelsd, gelss)`);
  }
  if (A.dtype !== 'float32' && A.dtype !== 'float64') {
    throw new RuntimeError("This function doesn't handle types other than float and double");
  }
  const nrhs = B2._shape[B2.dim() - 1]!;
  const batchShape = broadcastShapes(A._shape.slice(0, -2), B2._shape.slice(0, -2));
  const rcond = options?.rcond ?? epsilonOf(A.dtype) * Math.max(m, n);
  const outputs = dispatch('linalgLstsq', [A, B], { rcond, driver }, () => {
    const system = readMatrices(expandTo(A, [...batchShape, m, n]));
    const rhs = readMatrices(expandTo(B2, [...batchShape, m, nrhs]));
    const solution = new Float64Array(system.count * n * nrhs);
    const ranks: number[] = [];
    for (let b = 0; b < system.count; b++) {
      const result = kernels.lstsq(matrixAt(system, b), matrixAt(rhs, b), m, n, nrhs, rcond);
      solution.set(result.solution, b * n * nrhs);
      ranks.push(result.rank);
    }
    const computeResiduals =
      m > n && driver !== 'gelsy' && (driver === 'gels' || ranks.every((r) => r === n));
    let residuals: Tensor;
    if (computeResiduals) {
      const squares = new Float64Array(system.count * nrhs);
      for (let b = 0; b < system.count; b++) {
        const a = matrixAt(system, b);
        const rhsMatrix = matrixAt(rhs, b);
        const x = solution.subarray(b * n * nrhs, (b + 1) * n * nrhs);
        for (let i = 0; i < m; i++) {
          for (let c = 0; c < nrhs; c++) {
            let residual = -rhsMatrix[i * nrhs + c]!;
            for (let l = 0; l < n; l++) residual += a[i * n + l]! * x[l * nrhs + c]!;
            squares[b * nrhs + c] = squares[b * nrhs + c]! + residual * residual;
          }
        }
      }
      residuals = fromFloat64(squares, [...batchShape, nrhs], A.dtype, A.device);
    } else {
      residuals = emptyTensor([0], A.dtype, A.device);
    }
    let X = fromFloat64(solution, [...batchShape, n, nrhs], A.dtype, A.device);
    if (vectorCase) X = X.squeeze(-1);
    const rank =
      driver === 'gels' ? emptyTensor([0], 'int64', A.device) : fromCounts(ranks, batchShape, A.device);
    const singularValues =
      driver === 'gelsd' || driver === 'gelss'
        ? svdvalsCompute(expandTo(A, [...batchShape, m, n]))
        : emptyTensor([0], A.dtype, A.device);
    return [X, residuals, rank, singularValues];
  });
  return namedTuple(['solution', 'residuals', 'rank', 'singularValues'], outputs);
}

// ---------------------------------------------------------------------------------------------------------------
// Products: matrixPower, multiDot, vecdot

/**
 * `torch.linalg.matrix_power(A, n)`: A multiplied by itself n times by repeated squaring (n = 0 gives identities,
 * n < 0 powers of the inverse). Integer matrices are fine for n ≥ 0.
 */
export function matrixPower(A: Tensor, n: number): Tensor {
  if (!Number.isInteger(n)) {
    throw new TypeError(
      `linalg_matrix_power(): argument 'n' (position 2) must be int, not ${typeof n === 'number' ? 'float' : typeof n}`,
    );
  }
  checkSquare('linalg.matrix_power', A);
  return dispatch('linalgMatrixPower', [A], { n }, () => {
    if (n === 0) {
      const size = A._shape[A.dim() - 1]!;
      return contiguousCopy(expandTo(eye(size, { dtype: A.dtype }), A._shape));
    }
    const base = n < 0 ? inv(A) : A;
    let power = Math.abs(n);
    // PyTorch's order of products (so float results round the same way): small powers directly, then the binary
    // decomposition of n from its lowest bit.
    if (power === 1) return contiguousCopy(base);
    if (power === 2) return matmul(base, base);
    if (power === 3) return matmul(matmul(base, base), base);
    let square: Tensor | null = null;
    let result: Tensor | null = null;
    while (power > 0) {
      const bit = power % 2;
      power = Math.floor(power / 2);
      square = square === null ? base : matmul(square, square);
      if (bit === 1) result = result === null ? square : matmul(result, square);
    }
    return result!;
  });
}

/** caffe2 TypeMeta names, which `multi_dot`'s dtype message prints. */
const TYPE_META_NAMES: Record<DType, string> = {
  float32: 'float',
  float64: 'double',
  float16: 'c10::Half',
  bfloat16: 'c10::BFloat16',
  int64: 'long int',
  int32: 'int',
  int16: 'short int',
  int8: 'signed char',
  uint8: 'unsigned char',
  bool: 'bool',
};

/**
 * `torch.linalg.multi_dot(tensors)`: the chained matrix product, multiplied in the order that needs the fewest
 * scalar multiplications (matrix-chain dynamic programming, as PyTorch). The first and last tensors may be 1-d.
 */
export function multiDot(tensors: readonly Tensor[]): Tensor {
  const count = tensors.length;
  if (count < 2) throw new RuntimeError(`multi_dot(): expected at least 2 tensors but got ${count}`);
  const matrices: Tensor[] = tensors.slice();
  const outShape: number[] = [];
  const first = tensors[0]!;
  const last = tensors[count - 1]!;
  if (first.dim() === 1) matrices[0] = first.unsqueeze(0);
  else if (first.dim() === 2) outShape.push(first._shape[0]!);
  else throw new RuntimeError(`multi_dot(): the first tensor must be 1D or 2D but got ${first.dim()}D`);
  if (last.dim() === 1) matrices[count - 1] = last.unsqueeze(-1);
  else if (last.dim() === 2) outShape.push(last._shape[1]!);
  else throw new RuntimeError(`multi_dot(): the last tensor must be 1D or 2D but got ${last.dim()}D`);
  for (let i = 1; i < count - 1; i++) {
    if (tensors[i]!.dim() !== 2)
      throw new RuntimeError(`multi_dot(): tensor ${i} must be 2D but got ${tensors[i]!.dim()}D`);
  }
  const dtype = matrices[0]!.dtype;
  for (let i = 1; i < count; i++) {
    const current = matrices[i]!;
    if (current.dtype !== dtype) {
      throw new RuntimeError(
        `multi_dot(): all tensors must have be the same dtype but tensor 0 is ${TYPE_META_NAMES[dtype]} and tensor ${i} ${TYPE_META_NAMES[current.dtype]}`,
      );
    }
    if (current.device !== matrices[0]!.device) {
      throw new RuntimeError(
        `multi_dot(): all tensors must be on the same device but tensor 0 is on ${matrices[0]!.device} and tensor ${i} on ${current.device}`,
      );
    }
    if (matrices[i - 1]!._shape[1] !== current._shape[0]) {
      throw new RuntimeError(
        `multi_dot(): tensors ${i - 1} and ${i} with shapes [${tensors[i - 1]!._shape.join(', ')}] and [${tensors[i]!._shape.join(', ')}] cannot be multiplied`,
      );
    }
  }
  return dispatch('linalgMultiDot', tensors, {}, () => {
    let result: Tensor;
    if (count === 2) result = mm(matrices[0]!, matrices[1]!);
    else if (count === 3) {
      const a = matrices[0]!._shape[0]!;
      const b = matrices[1]!._shape[0]!;
      const c = matrices[2]!._shape[0]!;
      const d = matrices[2]!._shape[1]!;
      // (AB)C costs a·b·c + a·c·d, A(BC) costs b·c·d + a·b·d.
      const costLeft = a * c * (b + d);
      const costRight = b * d * (a + c);
      result =
        costLeft > costRight
          ? mm(matrices[0]!, mm(matrices[1]!, matrices[2]!))
          : mm(mm(matrices[0]!, matrices[1]!), matrices[2]!);
    } else {
      const split = matrixChainOrder(matrices);
      const multiply = (i: number, j: number): Tensor =>
        i === j ? matrices[i]! : mm(multiply(i, split[i]![j]!), multiply(split[i]![j]! + 1, j));
      result = multiply(0, count - 1);
    }
    return result.reshape(outShape);
  });
}

/** The classic O(n³) matrix-chain dynamic program: `split[i][j]` is where to split the product of i..j. */
function matrixChainOrder(matrices: readonly Tensor[]): number[][] {
  const count = matrices.length;
  const dims = [matrices[0]!._shape[0]!, ...matrices.map((t) => t._shape[1]!)];
  const cost = Array.from({ length: count }, () => new Array<number>(count).fill(0));
  const split = Array.from({ length: count }, () => new Array<number>(count).fill(0));
  for (let length = 1; length < count; length++) {
    for (let i = 0; i + length < count; i++) {
      const j = i + length;
      cost[i]![j] = Number.POSITIVE_INFINITY;
      for (let k = i; k < j; k++) {
        const q = cost[i]![k]! + cost[k + 1]![j]! + dims[i]! * dims[k + 1]! * dims[j + 1]!;
        if (q < cost[i]![j]!) {
          cost[i]![j] = q;
          split[i]![j] = k;
        }
      }
    }
  }
  return split;
}

/** `torch.linalg.vecdot(x, y, { dim = -1 })`: Σ x·y along `dim`, broadcasting the other dims. */
export function vecdot(x: Tensor, y: Tensor, options?: { dim?: number } | number): Tensor {
  const dim = typeof options === 'number' ? options : (options?.dim ?? -1);
  checkFloating('linalg.vecdot', x);
  if (x.dtype !== y.dtype) {
    throw new RuntimeError(
      `linalg.vecdot: Expected x and y to have the same dtype, but found x of type ${scalarTypeName(x.dtype)} and y of type ${scalarTypeName(y.dtype)} instead`,
    );
  }
  if (x.dim() === 1 && y.dim() === 1) return dispatch('linalgVecdot', [x, y], { dim }, () => dot(x, y));
  const shape = broadcastShapes(x._shape, y._shape);
  const d = wrapDim(dim, shape.length);
  return dispatch('linalgVecdot', [x, y], { dim: d }, () => sum(mul(x, y), d));
}

// ---------------------------------------------------------------------------------------------------------------
// Norms

/** Options of {@link vectorNorm}. */
export interface VectorNormOptions {
  /** Dims to reduce (default: all). */
  dim?: number | readonly number[] | null;
  keepdim?: boolean;
  /** Compute and return in this floating dtype. */
  dtype?: DType;
}

/** PyTorch's printing of a Scalar order in messages: `2`, `-1.5`, `inf`. */
function formatOrder(order: number): string {
  if (order === Number.POSITIVE_INFINITY) return 'inf';
  if (order === Number.NEGATIVE_INFINITY) return '-inf';
  return String(order);
}

function checkNormDtype(op: string, input: Tensor, dtype: DType | undefined): void {
  if (dtype === undefined) return;
  if (!isFloatingPoint(dtype)) {
    throw new RuntimeError(
      `${op}: dtype should be floating point or complex, but got ${scalarTypeName(dtype)}`,
    );
  }
  const rank: Record<DType, number> = { float16: 1, bfloat16: 1, float32: 2, float64: 3 } as Record<
    DType,
    number
  >;
  if ((rank[input.dtype] ?? 0) > (rank[dtype] ?? 0)) {
    throw new RuntimeError(
      `${op}: the dtype of the input (${scalarTypeName(input.dtype)}) should be convertible without narrowing to the specified dtype (${scalarTypeName(dtype)})`,
    );
  }
}

/**
 * `torch.linalg.vector_norm(x, ord = 2, { dim, keepdim, dtype })`: (Σ|x|^ord)^(1/ord) over `dim` (all dims by
 * default, the tensor read as a flat vector); ord may be any number, ±Infinity (max/min |x|) or 0 (count of
 * non-zeros).
 */
export function vectorNorm(x: Tensor, ord: number = 2, options?: VectorNormOptions): Tensor {
  const op = 'linalg.vector_norm';
  if (typeof ord !== 'number') {
    throw new TypeError(
      `linalg_vector_norm(): argument 'ord' (position 2) must be Number, not ${typeof ord === 'string' ? 'str' : typeof ord}`,
    );
  }
  checkFloating(op, x);
  checkNormDtype(op, x, options?.dtype);
  const dimOption = options?.dim;
  const dims =
    dimOption === null || dimOption === undefined
      ? null
      : typeof dimOption === 'number'
        ? [dimOption]
        : dimOption.slice();
  const wrapped = dims?.map((d) => wrapDim(d, x.dim()));
  if (x.numel() === 0 && (ord < 0 || ord === Number.POSITIVE_INFINITY)) {
    if (wrapped === undefined || wrapped.length === 0) {
      throw new RuntimeError(
        `linalg.vector_norm cannot compute the ${formatOrder(ord)} norm on an empty tensor because the operation does not have an identity`,
      );
    }
    for (const d of wrapped) {
      if (x._shape[d] === 0) {
        throw new RuntimeError(
          `linalg.vector_norm cannot compute the ${formatOrder(ord)} norm on the dimension ${d}because this dimension is empty and the operation does not have an identity`,
        );
      }
    }
  }
  const keepdim = options?.keepdim ?? false;
  return dispatch('linalgVectorNorm', [x], { ord, dim: wrapped ?? null, keepdim }, () => {
    const input =
      options?.dtype !== undefined && options.dtype !== x.dtype ? contiguousCopy(x, options.dtype) : x;
    return reduceNorm(input, ord, wrapped ?? null, keepdim);
  });
}

/** Options of {@link matrixNorm}. */
export interface MatrixNormOptions {
  /** The two matrix dims (default [-2, -1]). */
  dim?: readonly number[] | number;
  keepdim?: boolean;
  /** Compute and return in this floating dtype. */
  dtype?: DType;
}

/** Orders accepted by {@link matrixNorm}. */
export type MatrixNormOrder = 'fro' | 'nuc' | number;

/** Moves dims `d0`, `d1` to the end (PyTorch's `create_dim_backshift_permutation`). */
function backshiftPermutation(d0: number, d1: number, ndim: number): number[] {
  const permutation: number[] = [];
  for (let i = 0; i < ndim; i++) if (i !== d0 && i !== d1) permutation.push(i);
  permutation.push(d0, d1);
  return permutation;
}

/**
 * `torch.linalg.matrix_norm(A, ord = 'fro', { dim = [-2, -1], keepdim, dtype })`: 'fro' (Frobenius), 'nuc' (sum of
 * singular values), ±2 (largest/smallest singular value), ±1 (max/min column sum of |A|), ±Infinity (max/min row
 * sum of |A|), over the two dims in `dim`.
 */
export function matrixNorm(A: Tensor, ord: MatrixNormOrder = 'fro', options?: MatrixNormOptions): Tensor {
  const op = 'linalg.matrix_norm';
  const isString = typeof ord === 'string';
  const absOrder = isString ? 0 : Math.abs(ord);
  if (
    isString
      ? ord !== 'fro' && ord !== 'nuc'
      : absOrder !== 2 && absOrder !== 1 && absOrder !== Number.POSITIVE_INFINITY
  ) {
    throw new RuntimeError(`${op}: Order ${isString ? ord : formatOrder(ord)} not supported.`);
  }
  checkAtLeast2d(op, A);
  checkFloating(op, A, isString ? ord !== 'nuc' : absOrder !== 2);
  const requested = options?.dim ?? [-2, -1];
  const dimList = typeof requested === 'number' ? [requested] : requested.slice();
  if (dimList.length !== 2) throw new RuntimeError(`${op}: dim must be a 2-tuple. Got ${dimList.join(' ')}`);
  const d0 = wrapDim(dimList[0]!, A.dim());
  const d1 = wrapDim(dimList[1]!, A.dim());
  if (d0 === d1) throw new RuntimeError(`${op}: dims must be different. Got (${d0}, ${d1})`);
  checkNormDtype(op, A, options?.dtype);
  const keepdim = options?.keepdim ?? false;
  const dtype = options?.dtype;
  return dispatch('linalgMatrixNorm', [A], { ord, dim: [d0, d1], keepdim }, () => {
    if (ord === 'fro') return vectorNorm(A, 2, { dim: [d0, d1], keepdim, dtype });
    const input = dtype !== undefined && dtype !== A.dtype ? contiguousCopy(A, dtype) : A;
    if (ord === 'nuc' || absOrder === 2) {
      const permutation = backshiftPermutation(d0, d1, input.dim());
      const values = svdvalsCompute(input.permute(permutation));
      let result =
        ord === 'nuc'
          ? sum(values, -1, keepdim)
          : ord > 0
            ? amax(values, -1, keepdim)
            : amin(values, -1, keepdim);
      if (keepdim) {
        // The reduced singular-value dim and a new one stand for (d0, d1): undo the back-shift.
        result = result.unsqueeze(-1);
        const inverse = new Array<number>(permutation.length);
        permutation.forEach((source, position) => {
          inverse[source] = position;
        });
        result = result.permute(inverse);
      }
      return result;
    }
    // ±1: column sums of |A| reduced over d1 by max/min; ±inf is the same on the transpose.
    let first = d0;
    let second = d1;
    if (absOrder === Number.POSITIVE_INFINITY) [first, second] = [second, first];
    if (!keepdim && first < second) second--;
    const sums = sum(abs(input), first, keepdim);
    return (ord as number) > 0 ? amax(sums, second, keepdim) : amin(sums, second, keepdim);
  });
}

/** Options of {@link norm}. */
export interface NormOptions {
  /** One dim (vector norm) or two (matrix norm); default: all dims as a vector, or a 2-d input as a matrix. */
  dim?: number | readonly number[] | null;
  keepdim?: boolean;
  dtype?: DType;
}

/**
 * `torch.linalg.norm(A, ord?, { dim, keepdim, dtype })`: a vector norm over one dim or a matrix norm over two, as
 * PyTorch decides: with neither `ord` nor `dim`, the 2-norm of the flattened input; with `ord` but no `dim`, a 1-d
 * input gets a vector norm and a 2-d one a matrix norm; string orders ('fro', 'nuc') are always matrix norms.
 */
export function norm(A: Tensor, ord?: MatrixNormOrder | null, options?: NormOptions): Tensor {
  const dimOption = options?.dim;
  const dims =
    dimOption === null || dimOption === undefined
      ? null
      : typeof dimOption === 'number'
        ? [dimOption]
        : dimOption.slice();
  const keepdim = options?.keepdim ?? false;
  const dtype = options?.dtype;
  if (dims !== null) {
    if (dims.length !== 1 && dims.length !== 2) {
      // PyTorch's string-order overload misspells "must".
      const verb = typeof ord === 'string' ? 'mut' : 'must';
      throw new RuntimeError(
        `linalg.norm: If dim is specified, it ${verb} be of length 1 or 2. Got [${dims.join(', ')}]`,
      );
    }
  } else if (ord !== undefined && ord !== null && A.dim() !== 1 && A.dim() !== 2) {
    throw new RuntimeError(
      `linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${A.dim()}D.`,
    );
  }
  if (typeof ord === 'string') return matrixNorm(A, ord, { dim: dims ?? [0, 1], keepdim, dtype });
  if (
    ord !== undefined &&
    ord !== null &&
    ((dims !== null && dims.length === 2) || (dims === null && A.dim() === 2))
  ) {
    return matrixNorm(A, ord, { dim: dims ?? [0, 1], keepdim, dtype });
  }
  return vectorNorm(A, ord ?? 2, { dim: dims, keepdim, dtype });
}

// ---------------------------------------------------------------------------------------------------------------
// Tensor methods

declare module '../tensor.js' {
  interface Tensor {
    /** See {@link inverse}. */
    inverse(): Tensor;
    /** See {@link det}. */
    det(): Tensor;
    /** See {@link logdet}. */
    logdet(): Tensor;
    /** See {@link slogdet}. */
    slogdet(): SlogdetResult;
    /** `torch.svd`; see {@link legacySvd}. */
    svd(some?: boolean | LegacySvdOptions, computeUv?: boolean): LegacySvdResult;
    /** See {@link matrixPower}. */
    matrixPower(n: number): Tensor;
    /** See {@link pinverse}. */
    pinverse(rcond?: number): Tensor;
  }
}

const proto = Tensor.prototype;
proto.inverse = function () {
  return inv(this);
};
proto.det = function () {
  return det(this);
};
proto.logdet = function () {
  return logdet(this);
};
proto.slogdet = function () {
  return slogdet(this);
};
proto.svd = function (some, computeUv) {
  return legacySvd(this, some, computeUv);
};
proto.matrixPower = function (n) {
  return matrixPower(this, n);
};
proto.pinverse = function (rcond) {
  return pinverse(this, rcond);
};
