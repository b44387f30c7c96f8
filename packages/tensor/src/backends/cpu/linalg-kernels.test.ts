import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../../errors.js';
import type { QrMode } from './linalg-kernels.js';
import {
  cholesky,
  choleskyEx,
  det,
  eigh,
  eigvalsh,
  inv,
  LinAlgError,
  lstsq,
  luFactor,
  matrixRank,
  pinv,
  qr,
  slogdet,
  solve,
  svd,
  svdvals,
} from './linalg-kernels.js';

// Golden values from PyTorch 1.13 in float64: scripts/gen-linalg-goldens.py writes them.
type Json = number | string;
interface Case {
  name: string;
  [key: string]: unknown;
}
const fixtures = JSON.parse(
  readFileSync(new URL('../../../fixtures/linalg.json', import.meta.url), 'utf8'),
) as Record<string, Case[]>;

/** Default tolerance, relative to the largest magnitude in the expected array. */
const TOLERANCE = 1e-10;

function decode(value: Json): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  return value === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

function array(value: unknown): Float64Array {
  return Float64Array.from((value as Json[]).map(decode));
}

function maxAbs(values: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]!));
  return largest;
}

/** Element-wise |actual - expected| ≤ tolerance · max(1e-300, max |expected|). */
function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance = TOLERANCE,
  label = '',
): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  const bound = tolerance * Math.max(maxAbs(expected), 1e-300);
  let worst = 0;
  let worstIndex = -1;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i]! - expected[i]!);
    if (!(error <= worst)) {
      worst = error;
      worstIndex = i;
    }
  }
  if (worstIndex >= 0 && !(worst <= bound)) {
    expect.fail(
      `${label}: entry ${worstIndex} is ${actual[worstIndex]}, expected ${expected[worstIndex]} (error ${worst} > ${bound})`,
    );
  }
}

function expectNumberClose(actual: number, expected: number, tolerance = TOLERANCE, label = ''): void {
  if (!Number.isFinite(expected)) {
    expect(actual, label).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected), label).toBeLessThanOrEqual(tolerance * Math.max(Math.abs(expected), 1));
}

/** Row-major product of an m×k and a k×n matrix. */
function matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < k; l++) {
      const ail = a[i * k + l]!;
      for (let j = 0; j < n; j++) c[i * n + j] = c[i * n + j]! + ail * b[l * n + j]!;
    }
  }
  return c;
}

function transpose(a: Float64Array, rows: number, columns: number): Float64Array {
  const t = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) t[j * rows + i] = a[i * columns + j]!;
  return t;
}

function identity(n: number): Float64Array {
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  return eye;
}

/** Columns [0, count) of the row-major rows×columns matrix. */
function leadingColumns(a: Float64Array, rows: number, columns: number, count: number): Float64Array {
  const out = new Float64Array(rows * count);
  for (let i = 0; i < rows; i++) for (let j = 0; j < count; j++) out[i * count + j] = a[i * columns + j]!;
  return out;
}

/** QᵀQ = I for the rows×columns Q. */
function expectOrthonormalColumns(q: Float64Array, rows: number, columns: number, label: string): void {
  expectClose(
    matmul(transpose(q, rows, columns), q, columns, rows, columns),
    identity(columns),
    1e-12,
    label,
  );
}

/** Symmetric matrix built from the lower (or upper) triangle of `a`. */
function symmetricFrom(a: Float64Array, n: number, upper: boolean): Float64Array {
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const value = upper ? a[j * n + i]! : a[i * n + j]!;
      s[i * n + j] = value;
      s[j * n + i] = value;
    }
  }
  return s;
}

/** Compares columns [0, count) of two matrices, each column up to a sign; returns the signs. */
function expectColumnsEqualUpToSign(
  actual: Float64Array,
  expected: Float64Array,
  rows: number,
  columns: number,
  count: number,
  tolerance: number,
  label: string,
): number[] {
  const signs: number[] = [];
  for (let j = 0; j < count; j++) {
    let dot = 0;
    for (let i = 0; i < rows; i++) dot += actual[i * columns + j]! * expected[i * columns + j]!;
    const sign = dot < 0 ? -1 : 1;
    signs.push(sign);
    for (let i = 0; i < rows; i++) {
      const error = Math.abs(sign * actual[i * columns + j]! - expected[i * columns + j]!);
      if (!(error <= tolerance)) expect.fail(`${label}: column ${j}, row ${i}: error ${error}`);
    }
  }
  return signs;
}

/** Deterministic pseudo-random matrices for the property tests (no torch needed). */
function randomMatrix(rows: number, columns: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const out = new Float64Array(rows * columns);
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

describe('luFactor', () => {
  for (const c of fixtures.lu!) {
    it(`matches torch.linalg.lu_factor_ex: ${c.name}`, () => {
      const m = c.m as number;
      const n = c.n as number;
      const { lu, pivots, info } = luFactor(array(c.a), m, n);
      expectClose(lu, array(c.lu), TOLERANCE, 'lu');
      expect(Array.from(pivots)).toEqual(c.pivots);
      expect(info).toBe(c.info);
    });
  }

  it('defaults to a square matrix and leaves the input alone', () => {
    const a = new Float64Array([1, 2, 3, 4]);
    const { lu, pivots } = luFactor(a, 2);
    expect(Array.from(pivots)).toEqual([2, 2]);
    expectClose(lu, [3, 4, 1 / 3, 2 / 3], 1e-15);
    expect(Array.from(a)).toEqual([1, 2, 3, 4]);
  });
});

describe('det and slogdet', () => {
  for (const c of fixtures.det!) {
    it(`match torch.linalg.det/slogdet: ${c.name}`, () => {
      const n = c.n as number;
      const a = array(c.a);
      const expectedDet = decode(c.det as Json);
      const actualDet = det(a, n);
      if (expectedDet === 0) expect(Object.is(actualDet, expectedDet), `det ${actualDet}`).toBe(true);
      else expectNumberClose(actualDet, expectedDet, c.name === 'hilbert-6' ? 1e-6 : TOLERANCE, 'det');
      const { sign, logabsdet } = slogdet(a, n);
      expect(Object.is(sign, c.sign), `sign ${sign}`).toBe(true);
      expectNumberClose(logabsdet, decode(c.logabsdet as Json), TOLERANCE, 'logabsdet');
    });
  }
});

describe('inv', () => {
  for (const c of fixtures.inv!) {
    const n = c.n as number;
    if (c.error !== undefined) {
      it(`throws torch's error for a singular matrix: ${c.name}`, () => {
        expect(() => inv(array(c.a), n)).toThrow(c.error as string);
        try {
          inv(array(c.a), n);
        } catch (error) {
          expect(error).toBeInstanceOf(LinAlgError);
          expect(error).toBeInstanceOf(RuntimeError);
          expect((error as Error).message).toBe(c.error);
        }
      });
    } else {
      it(`matches torch.linalg.inv: ${c.name}`, () => {
        expectClose(
          inv(array(c.a), n),
          array(c.inverse),
          (c.tol as number | undefined) ?? TOLERANCE,
          'inverse',
        );
      });
    }
  }

  it('gives A·A⁻¹ = I on a 60×60 random matrix', () => {
    const n = 60;
    const a = randomMatrix(n, n, 7);
    expectClose(matmul(a, inv(a, n), n, n, n), identity(n), 1e-11, 'A·inv(A)');
  });
});

describe('solve', () => {
  for (const c of fixtures.solve!) {
    const n = c.n as number;
    const nrhs = c.nrhs as number;
    if (c.error !== undefined) {
      it(`throws torch's error for a singular matrix: ${c.name}`, () => {
        expect(() => solve(array(c.a), array(c.b), n, nrhs)).toThrow(LinAlgError);
        expect(() => solve(array(c.a), array(c.b), n, nrhs)).toThrow(c.error as string);
      });
    } else {
      it(`matches torch.linalg.solve: ${c.name}`, () => {
        const b = array(c.b);
        const x = solve(array(c.a), b, n, nrhs);
        expectClose(x, array(c.x), (c.tol as number | undefined) ?? TOLERANCE, 'x');
        expect(Array.from(b)).toEqual(Array.from(array(c.b)));
      });
    }
  }
});

describe('cholesky', () => {
  for (const c of fixtures.cholesky!) {
    const n = c.n as number;
    const upper = c.upper as boolean;
    if (c.error !== undefined) {
      it(`throws torch's error when not positive-definite: ${c.name}`, () => {
        expect(() => cholesky(array(c.a), n, upper)).toThrow(LinAlgError);
        expect(() => cholesky(array(c.a), n, upper)).toThrow(c.error as string);
        const order = Number(/order (\d+)/.exec(c.error as string)![1]);
        expect(choleskyEx(array(c.a), n, upper).info).toBe(order);
      });
    } else {
      it(`matches torch.linalg.cholesky: ${c.name}`, () => {
        const hilbert = c.name === 'hilbert-6';
        expectClose(cholesky(array(c.a), n, upper), array(c.l), hilbert ? 1e-8 : TOLERANCE, 'factor');
        expect(choleskyEx(array(c.a), n, upper).info).toBe(0);
      });
    }
  }
});

describe('qr', () => {
  for (const c of fixtures.qr!) {
    it(`matches torch.linalg.qr: ${c.name}`, () => {
      const m = c.m as number;
      const n = c.n as number;
      const mode = c.mode as QrMode;
      const a = array(c.a);
      const { q, r } = qr(a, m, n, mode);
      expectClose(q, array(c.q), TOLERANCE, 'q');
      expectClose(r, array(c.r), TOLERANCE, 'r');
      if (mode !== 'r') {
        const k = Math.min(m, n);
        const qColumns = mode === 'complete' ? m : k;
        expectOrthonormalColumns(q, m, qColumns, 'QᵀQ');
        expectClose(matmul(q, r, m, qColumns, n), a, 1e-12, 'QR');
      }
    });
  }
});

describe('eigh', () => {
  for (const c of fixtures.eigh!) {
    it(`matches torch.linalg.eigh: ${c.name}`, () => {
      const n = c.n as number;
      const upper = c.upper as boolean;
      const a = array(c.a);
      const { eigenvalues, eigenvectors } = eigh(a, n, upper);
      const expectedValues = array(c.eigenvalues);
      expectClose(eigenvalues, expectedValues, TOLERANCE, 'eigenvalues');
      expectClose(eigvalsh(a, n, upper), expectedValues, TOLERANCE, 'eigvalsh');
      const scale = Math.max(maxAbs(expectedValues), 1);
      if (c.checkVectors) {
        expectColumnsEqualUpToSign(eigenvectors, array(c.eigenvectors), n, n, n, 1e-9, 'eigenvectors');
      }
      expectOrthonormalColumns(eigenvectors, n, n, 'VᵀV');
      // V·diag(λ)·Vᵀ rebuilds the symmetric matrix of the triangle that was read.
      const scaled = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) scaled[i * n + j] = eigenvectors[i * n + j]! * eigenvalues[j]!;
      const rebuilt = matmul(scaled, transpose(eigenvectors, n, n), n, n, n);
      expectClose(rebuilt, symmetricFrom(a, n, upper), 1e-12 * scale, 'V·Λ·Vᵀ');
      // NOTE [Eigenvector signs]: each column's largest-magnitude entry is positive.
      for (let j = 0; j < n; j++) {
        let largest = 0;
        for (let i = 0; i < n; i++)
          if (Math.abs(eigenvectors[i * n + j]!) > Math.abs(largest)) largest = eigenvectors[i * n + j]!;
        expect(largest).toBeGreaterThan(0);
      }
    });
  }

  it('diagonalises a 100×100 random symmetric matrix', () => {
    const n = 100;
    const a = symmetricFrom(randomMatrix(n, n, 3), n, false);
    const { eigenvalues, eigenvectors } = eigh(a, n);
    for (let i = 1; i < n; i++) expect(eigenvalues[i]!).toBeGreaterThanOrEqual(eigenvalues[i - 1]!);
    expect(matmul(a, eigenvectors, n, n, n)).toSatisfy((av: Float64Array) => {
      const vl = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) vl[i * n + j] = eigenvectors[i * n + j]! * eigenvalues[j]!;
      expectClose(av, vl, 1e-12, 'A·V = V·Λ');
      return true;
    });
  });
});

describe('svd', () => {
  for (const c of fixtures.svd!) {
    it(`matches torch.linalg.svd: ${c.name}`, () => {
      const m = c.m as number;
      const n = c.n as number;
      const k = Math.min(m, n);
      const full = c.fullMatrices as boolean;
      const a = array(c.a);
      const { u, s, vh } = svd(a, m, n, full);
      const uColumns = full ? m : k;
      const vhRows = full ? n : k;
      expect(u.length).toBe(m * uColumns);
      expect(vh.length).toBe(vhRows * n);
      const expectedS = array(c.s);
      expectClose(s, expectedS, TOLERANCE, 's');
      expectClose(svdvals(a, m, n), expectedS, TOLERANCE, 'svdvals');
      if (c.checkVectors) {
        const signs = expectColumnsEqualUpToSign(u, array(c.u), m, uColumns, k, 1e-9, 'U');
        // The same sign flips the matching row of Vh.
        const vhSigned = Float64Array.from(vh);
        for (let l = 0; l < k; l++)
          for (let j = 0; j < n; j++) vhSigned[l * n + j] = vhSigned[l * n + j]! * signs[l]!;
        expectClose(
          leadingColumns(transpose(vhSigned, vhRows, n), n, vhRows, k),
          leadingColumns(transpose(array(c.vh), vhRows, n), n, vhRows, k),
          1e-9,
          'Vh',
        );
      }
      expectOrthonormalColumns(u, m, uColumns, 'UᵀU');
      expectOrthonormalColumns(transpose(vh, vhRows, n), n, vhRows, 'Vh·Vhᵀ');
      // U[:, :k]·diag(S)·Vh[:k] = A.
      const us = leadingColumns(u, m, uColumns, k);
      for (let i = 0; i < m; i++) for (let l = 0; l < k; l++) us[i * k + l] = us[i * k + l]! * s[l]!;
      expectClose(matmul(us, vh.subarray(0, k * n), m, k, n), a, 1e-12, 'U·S·Vh');
    });
  }

  it('reconstructs an 80×50 and a 50×80 random matrix', () => {
    for (const [m, n] of [
      [80, 50],
      [50, 80],
    ] as const) {
      const a = randomMatrix(m, n, m);
      const k = Math.min(m, n);
      const { u, s, vh } = svd(a, m, n, true);
      for (let i = 1; i < k; i++) expect(s[i]!).toBeLessThanOrEqual(s[i - 1]!);
      expectOrthonormalColumns(u, m, m, 'UᵀU');
      expectOrthonormalColumns(transpose(vh, n, n), n, n, 'VVᵀ');
      const us = leadingColumns(u, m, m, k);
      for (let i = 0; i < m; i++) for (let l = 0; l < k; l++) us[i * k + l] = us[i * k + l]! * s[l]!;
      expectClose(matmul(us, vh.subarray(0, k * n), m, k, n), a, 1e-12, 'U·S·Vh');
    }
  });

  it('keeps extreme magnitudes finite', () => {
    const a = new Float64Array([3e200, 4e200, 0, 0]);
    expectClose(svdvals(a, 2, 2), [5e200, 0], 1e-15);
    const tiny = new Float64Array([3e-200, 0, 4e-200, 0]);
    expectClose(svdvals(tiny, 2, 2), [5e-200, 0], 1e-15);
  });
});

describe('pinv and matrixRank', () => {
  for (const c of fixtures.pinv!) {
    it(`match torch.linalg.pinv/matrix_rank: ${c.name}`, () => {
      const m = c.m as number;
      const n = c.n as number;
      const tolerance = { atol: c.atol as number | null, rtol: c.rtol as number | null };
      const a = array(c.a);
      expectClose(pinv(a, m, n, tolerance), array(c.pinv), 1e-9, 'pinv');
      expect(matrixRank(a, m, n, tolerance)).toBe(c.rank);
    });
  }

  it('uses the dtype epsilon for the default rtol', () => {
    // σ = (1, 1e-7): kept with float64's epsilon, cut with float32's (2^-23 · 2 ≈ 2.4e-7).
    const a = new Float64Array([1, 0, 0, 1e-7]);
    expect(matrixRank(a, 2, 2)).toBe(2);
    expect(matrixRank(a, 2, 2, { epsilon: 2 ** -23 })).toBe(1);
    expectClose(pinv(a, 2, 2, { epsilon: 2 ** -23 }), [1, 0, 0, 0], 1e-15);
  });
});

describe('lstsq', () => {
  for (const c of fixtures.lstsq!) {
    it(`matches torch.linalg.lstsq: ${c.name}`, () => {
      const m = c.m as number;
      const n = c.n as number;
      const { solution, rank } = lstsq(array(c.a), array(c.b), m, n, c.nrhs as number);
      expectClose(solution, array(c.solution), 1e-9, 'solution');
      expect(rank).toBe(c.rank);
    });
  }
});
