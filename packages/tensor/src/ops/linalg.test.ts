/**
 * `linalg.*` against goldens from real PyTorch (fixtures/linalg-ops.json, written by
 * scripts/gen-linalg-ops-goldens.py): float64 and float32, batches, non-contiguous inputs, and every error message.
 * Singular vectors and eigenvectors are compared up to a per-column sign, and through reconstruction.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DType } from '../dtype.js';
import type { Tensor } from '../index.js';
import * as torch from '../index.js';

const { linalg } = torch;

type Value = number | string | boolean;
interface TensorSpec {
  shape: number[];
  dtype: DType;
  data: Value[];
  transposed?: boolean;
}
type Kwargs = Record<string, unknown>;
interface LinalgCase {
  name: string;
  op: string;
  inputs: TensorSpec[];
  kwargs: Kwargs;
  outputs?: TensorSpec[];
  error?: string;
  vectors?: boolean;
}

const fixtures = JSON.parse(
  readFileSync(new URL('../../fixtures/linalg-ops.json', import.meta.url), 'utf8'),
) as {
  linalg: LinalgCase[];
};

function decode(value: Value): number {
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(value);
}

/** Builds an input; `transposed` specs hold the transpose's data, so the op gets a non-contiguous `.mT` view. */
export function build(spec: TensorSpec): Tensor {
  const values = spec.data.map(decode);
  const shape = spec.shape.slice();
  if (spec.transposed) {
    const n = shape.length;
    [shape[n - 1], shape[n - 2]] = [shape[n - 2]!, shape[n - 1]!];
  }
  const flat = torch.tensor(values, { dtype: spec.dtype }).reshape(shape);
  return spec.transposed ? flat.mT : flat;
}

function valuesOf(t: Tensor): number[] {
  return Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);
}

function decodeOrd(ord: unknown): number | string | undefined {
  if (ord === undefined || ord === null) return undefined;
  return typeof ord === 'string' && ord.endsWith('Infinity') ? decode(ord) : (ord as number | string);
}

const OPS: Record<string, (x: Tensor[], k: Kwargs) => Tensor | Tensor[]> = {
  inv: (x) => linalg.inv(x[0]!),
  inverse: (x) => torch.inverse(x[0]!),
  det: (x) => linalg.det(x[0]!),
  slogdet: (x) => linalg.slogdet(x[0]!),
  logdet: (x) => torch.logdet(x[0]!),
  solve: (x, k) => linalg.solve(x[0]!, x[1]!, { left: k.left as boolean | undefined }),
  cholesky: (x, k) => linalg.cholesky(x[0]!, { upper: k.upper as boolean | undefined }),
  qr: (x, k) => linalg.qr(x[0]!, { mode: k.mode as torch.linalg.QrMode | undefined }),
  eigh: (x, k) => linalg.eigh(x[0]!, { UPLO: k.UPLO as string | undefined }),
  eigvalsh: (x, k) => linalg.eigvalsh(x[0]!, { UPLO: k.UPLO as string | undefined }),
  svd: (x, k) => linalg.svd(x[0]!, { fullMatrices: k.fullMatrices as boolean | undefined }),
  svdvals: (x) => linalg.svdvals(x[0]!),
  legacySvd: (x, k) =>
    torch.svd(x[0]!, { some: k.some as boolean | undefined, computeUv: k.computeUv as boolean | undefined }),
  pinv: (x, k) => linalg.pinv(x[0]!, k as torch.linalg.RankOptions),
  pinverse: (x, k) => torch.pinverse(x[0]!, k.rcond as number | undefined),
  matrixRank: (x, k) => linalg.matrixRank(x[0]!, k as torch.linalg.RankOptions),
  lstsq: (x, k) => linalg.lstsq(x[0]!, x[1]!, k as torch.linalg.LstsqOptions),
  matrixPower: (x, k) => linalg.matrixPower(x[0]!, k.n as number),
  cross: (x, k) => linalg.cross(x[0]!, x[1]!, { dim: (k.dim as number | undefined) ?? -1 }),
  multiDot: (x) => linalg.multiDot(x),
  vecdot: (x, k) => linalg.vecdot(x[0]!, x[1]!, { dim: k.dim as number | undefined }),
  vectorNorm: (x, k) =>
    linalg.vectorNorm(x[0]!, (decodeOrd(k.ord) as number | undefined) ?? 2, {
      dim: k.dim as number | number[] | undefined,
      keepdim: k.keepdim as boolean | undefined,
      dtype: k.dtype as DType | undefined,
    }),
  matrixNorm: (x, k) =>
    linalg.matrixNorm(x[0]!, (decodeOrd(k.ord) as torch.linalg.MatrixNormOrder | undefined) ?? 'fro', {
      dim: k.dim as number[] | undefined,
      keepdim: k.keepdim as boolean | undefined,
    }),
  norm: (x, k) =>
    linalg.norm(x[0]!, decodeOrd(k.ord) as torch.linalg.MatrixNormOrder | undefined, {
      dim: k.dim as number | number[] | undefined,
      keepdim: k.keepdim as boolean | undefined,
    }),
};

/** |actual - expected| ≤ atol·max(1, max|expected|) + rtol·|expected|, NaN and infinities equal. */
function expectClose(actual: number[], expected: number[], dtype: DType, what: string, loose = 1): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const tolerance = (dtype === 'float32' ? 1e-5 : 1e-11) * loose;
  let scale = 1;
  for (const e of expected) if (Number.isFinite(e)) scale = Math.max(scale, Math.abs(e));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      expect(a, `${what}[${i}]`).toBe(e);
      continue;
    }
    if (!(Math.abs(a - e) <= tolerance * scale + tolerance * Math.abs(e))) {
      throw new Error(`${what}[${i}]: got ${a}, expected ${e} (tolerance ${tolerance * scale})`);
    }
  }
}

function checkTensor(actual: Tensor, expected: TensorSpec, what: string, loose = 1): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  expect(actual.dtype, `${what}: dtype`).toBe(expected.dtype);
  expectClose(valuesOf(actual), expected.data.map(decode), expected.dtype, what, loose);
}

/**
 * Compares the columns `0..count-1` of matrices `[..., rows, cols]` (or rows, when `byRow`) up to one sign per
 * column: the sign that makes the dot product with the expected column positive.
 */
function checkUpToSign(
  actual: Tensor,
  expected: TensorSpec,
  count: number,
  byRow: boolean,
  what: string,
): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const a = valuesOf(actual);
  const e = expected.data.map(decode);
  const n = expected.shape.length;
  const rows = expected.shape[n - 2]!;
  const cols = expected.shape[n - 1]!;
  const matrices = rows * cols === 0 ? 0 : e.length / (rows * cols);
  const tolerance = expected.dtype === 'float32' ? 2e-3 : 1e-8;
  for (let b = 0; b < matrices; b++) {
    for (let j = 0; j < count; j++) {
      const length = byRow ? cols : rows;
      const at = (i: number) => b * rows * cols + (byRow ? j * cols + i : i * cols + j);
      let dotProduct = 0;
      for (let i = 0; i < length; i++) dotProduct += a[at(i)]! * e[at(i)]!;
      const sign = dotProduct < 0 ? -1 : 1;
      for (let i = 0; i < length; i++) {
        const difference = Math.abs(sign * a[at(i)]! - e[at(i)]!);
        if (!(difference <= tolerance)) {
          throw new Error(
            `${what}: matrix ${b} vector ${j} entry ${i}: got ${sign * a[at(i)]!}, expected ${e[at(i)]}`,
          );
        }
      }
    }
  }
}

/** U[..., :k]·diag(S)·Vh[..., :k, :] for reconstruction checks. */
function reconstructSvd(U: Tensor, S: Tensor, Vh: Tensor): Tensor {
  const k = S.size(-1);
  return torch.matmul(torch.mul(U.narrow(-1, 0, k), S.unsqueeze(-2)), Vh.narrow(-2, 0, k));
}

function checkDecomposition(c: LinalgCase, outputs: Tensor[], inputs: Tensor[]): void {
  const expected = c.outputs!;
  const dtype = expected[0]!.dtype;
  const vectors = c.vectors ?? true;
  if (c.op === 'eigh') {
    const [values, vectorsOut] = outputs as [Tensor, Tensor];
    checkTensor(values, expected[0]!, 'eigenvalues', 10);
    const n = values.size(-1);
    if (vectors) checkUpToSign(vectorsOut, expected[1]!, n, false, 'eigenvectors');
    // V·diag(λ)·Vᵀ is sign- and rotation-invariant: compare it with torch's.
    const ours = torch.matmul(torch.mul(vectorsOut, values.unsqueeze(-2)), vectorsOut.mT);
    const theirs = torch.matmul(
      torch.mul(build(expected[1]!), build(expected[0]!).unsqueeze(-2)),
      build(expected[1]!).mT,
    );
    expectClose(valuesOf(ours), valuesOf(theirs), dtype, 'eigh reconstruction', 10);
    return;
  }
  // linalg.svd: (U, S, Vh); torch.svd: (U, S, V).
  const [U, S, third] = outputs as [Tensor, Tensor, Tensor];
  checkTensor(S, expected[1]!, 'S', 10);
  const legacy = c.op === 'legacySvd';
  if (legacy && c.kwargs.computeUv === false) {
    checkTensor(U, expected[0]!, 'U');
    checkTensor(third, expected[2]!, 'V');
    return;
  }
  const k = S.size(-1);
  // Only vectors of distinct non-zero singular values are unique (up to sign).
  if (vectors) {
    let distinct = k;
    const s = valuesOf(S);
    for (let j = 0; j < k; j++) if (s[j]! === 0) distinct = Math.min(distinct, j);
    checkUpToSign(U, expected[0]!, distinct, false, 'U');
    checkUpToSign(third, expected[2]!, distinct, !legacy, legacy ? 'V' : 'Vh');
  } else {
    expect(U.shape).toEqual(expected[0]!.shape);
    expect(third.shape).toEqual(expected[2]!.shape);
  }
  const Vh = legacy ? third.mT : third;
  expectClose(valuesOf(reconstructSvd(U, S, Vh)), valuesOf(inputs[0]!), dtype, 'svd reconstruction', 10);
  // Orthonormal columns, including completion columns of full matrices.
  const gram = torch.matmul(U.mT, U);
  expectClose(
    valuesOf(gram),
    valuesOf(torch.eye(U.size(-1), { dtype }).expand(gram.shape)),
    dtype,
    'UᵀU',
    10,
  );
  const gramV = torch.matmul(Vh, Vh.mT);
  expectClose(
    valuesOf(gramV),
    valuesOf(torch.eye(Vh.size(-2), { dtype }).expand(gramV.shape)),
    dtype,
    'Vh·Vhᵀ',
    10,
  );
}

describe('linalg goldens', () => {
  const valueCases = fixtures.linalg.filter((c) => c.error === undefined);
  const errorCases = fixtures.linalg.filter((c) => c.error !== undefined);

  it.each(valueCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const inputs = c.inputs.map(build);
    const result = OPS[c.op]!(inputs, c.kwargs);
    const outputs = Array.isArray(result) ? result : [result];
    expect(outputs.length).toBe(c.outputs!.length);
    if (c.op === 'svd' || c.op === 'legacySvd' || c.op === 'eigh') {
      checkDecomposition(c, outputs, inputs);
      return;
    }
    // Inverse powers and lstsq amplify rounding by the condition number.
    const loose =
      c.op === 'matrixPower' || c.op === 'lstsq' || c.op === 'pinv' || c.op === 'pinverse' ? 100 : 10;
    outputs.forEach((out, i) => {
      checkTensor(out, c.outputs![i]!, `output ${i}`, loose);
    });
  });

  it.each(errorCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const inputs = c.inputs.map(build);
    expect(() => OPS[c.op]!(inputs, c.kwargs)).toThrow(c.error!);
  });
});

describe('linalg API details', () => {
  const A = torch.tensor(
    [
      [4, 1, 2],
      [1, 5, 3],
      [2, 3, 6],
    ],
    { dtype: 'float64' },
  );

  it('names tuple fields like torch.return_types', () => {
    const { sign, logabsdet } = linalg.slogdet(A);
    expect(sign.item()).toBe(1);
    expect(logabsdet.item()).toBeCloseTo(Math.log(linalg.det(A).item() as number), 12);
    const { Q, R } = linalg.qr(A);
    expect(torch.allclose(torch.matmul(Q, R), A)).toBe(true);
    const { eigenvalues, eigenvectors } = linalg.eigh(A);
    expect(eigenvalues.shape).toEqual([3]);
    expect(eigenvectors.shape).toEqual([3, 3]);
    const { U, S, Vh } = linalg.svd(A);
    expect([U.shape, S.shape, Vh.shape]).toEqual([[3, 3], [3], [3, 3]]);
    const { V } = torch.svd(A);
    expect(torch.equal(V, Vh.mT)).toBe(true);
    const { solution, rank } = linalg.lstsq(A, torch.ones(3, 1, { dtype: 'float64' }));
    expect(solution.shape).toEqual([3, 1]);
    expect(rank.dtype).toBe('int64');
  });

  it('has Tensor methods and top-level aliases', () => {
    expect(torch.equal(A.inverse(), linalg.inv(A))).toBe(true);
    expect(A.det().item()).toBe(torch.det(A).item());
    expect(A.logdet().item()).toBeCloseTo(Math.log(A.det().item() as number), 12);
    expect(A.slogdet().sign.item()).toBe(1);
    expect(torch.equal(A.matrixPower(3), torch.matmul(torch.matmul(A, A), A))).toBe(true);
    expect(torch.equal(torch.matrixPower(A, 2), A.matmul(A))).toBe(true);
    expect(A.svd().S.shape).toEqual([3]);
    expect(torch.allclose(A.pinverse(), linalg.inv(A))).toBe(true);
    expect(torch.equal(linalg.matmul(A, A), torch.matmul(A, A))).toBe(true);
  });

  it('keeps float32 in float32', () => {
    const single = A.float();
    for (const out of [
      linalg.inv(single),
      linalg.det(single),
      linalg.cholesky(single),
      linalg.pinv(single),
      linalg.svdvals(single),
    ]) {
      expect(out.dtype).toBe('float32');
    }
    expect(linalg.matrixRank(single).dtype).toBe('int64');
  });

  it('raises LinAlgError, a RuntimeError, for singular input', () => {
    const singular = torch.zeros(2, 2, { dtype: 'float64' });
    expect(() => linalg.inv(singular)).toThrow(linalg.LinAlgError);
    expect(() => linalg.inv(singular)).toThrow(torch.RuntimeError);
  });

  it('batch-indexes errors in broadcast solves by the broadcast batch', () => {
    const As = torch.stack([torch.eye(2, { dtype: 'float64' }), torch.zeros(2, 2, { dtype: 'float64' })]);
    expect(() => linalg.solve(As, torch.ones(3, 1, 2, 1, { dtype: 'float64' }))).toThrow(
      'torch.linalg.solve: (Batch element 1): The solver failed because the input matrix is singular.',
    );
  });

  it('accepts positional option shorthands', () => {
    expect(linalg.svd(A, false).U.shape).toEqual([3, 3]);
    expect(linalg.qr(torch.ones(3, 2, { dtype: 'float64' }), 'complete').Q.shape).toEqual([3, 3]);
    expect(torch.equal(linalg.eigvalsh(A, 'U'), linalg.eigvalsh(A, { UPLO: 'u' }))).toBe(true);
    expect(torch.equal(linalg.cholesky(A, true), linalg.cholesky(A).mT)).toBe(true);
  });
});
