import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dgemm, type GemmImplementation, setGemmImplementation, sgemm } from './gemm.js';
import { makeRandom } from './random.test-helpers.js';
import { wasmGemmAvailable } from './wasm-gemm.js';

/** Every case runs against each implementation, forced whatever the size (wasm where the engine has SIMD). */
const implementations: GemmImplementation[] = wasmGemmAvailable() ? ['js', 'wasm'] : ['js'];

interface Case {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  aOffset: number;
  bOffset: number;
  cOffset: number;
  /** Extra columns added to each leading dimension beyond the minimum. */
  aPad: number;
  bPad: number;
  cPad: number;
}

interface Operands<T extends Float32Array | Float64Array> {
  a: T;
  b: T;
  c: T;
  lda: number;
  ldb: number;
  ldc: number;
}

/**
 * Builds A, B, C for a case. Padding (offset prefix, the gap between rows, the tail) is filled with
 * NaN: the kernel must neither read it into a result nor write it.
 */
function makeOperands<T extends Float32Array | Float64Array>(
  Type: { new (length: number): T },
  spec: Case,
  random: () => number,
): Operands<T> {
  const aRows = spec.transA ? spec.k : spec.m;
  const aCols = spec.transA ? spec.m : spec.k;
  const bRows = spec.transB ? spec.n : spec.k;
  const bCols = spec.transB ? spec.k : spec.n;
  const lda = Math.max(1, aCols + spec.aPad);
  const ldb = Math.max(1, bCols + spec.bPad);
  const ldc = Math.max(1, spec.n + spec.cPad);
  const fill = (rows: number, cols: number, offset: number, ld: number): T => {
    const data = new Type(offset + rows * ld + 3);
    data.fill(Number.NaN);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) data[offset + i * ld + j] = random() * 2 - 1;
    }
    return data;
  };
  return {
    a: fill(aRows, aCols, spec.aOffset, lda),
    b: fill(bRows, bCols, spec.bOffset, ldb),
    c: fill(spec.m, spec.n, spec.cOffset, ldc),
    lda,
    ldb,
    ldc,
  };
}

/** Naive triple loop in float64: the reference. Returns the full expected contents of C's array. */
function referenceGemm(spec: Case, operands: Operands<Float32Array | Float64Array>): Float64Array {
  const { a, b, c, lda, ldb, ldc } = operands;
  const expected = Float64Array.from(c);
  for (let i = 0; i < spec.m; i++) {
    for (let j = 0; j < spec.n; j++) {
      let sum = 0;
      for (let p = 0; p < spec.k; p++) {
        const aValue = spec.transA ? a[spec.aOffset + p * lda + i]! : a[spec.aOffset + i * lda + p]!;
        const bValue = spec.transB ? b[spec.bOffset + j * ldb + p]! : b[spec.bOffset + p * ldb + j]!;
        sum += aValue * bValue;
      }
      const index = spec.cOffset + i * ldc + j;
      expected[index] = spec.beta === 0 ? spec.alpha * sum : spec.alpha * sum + spec.beta * c[index]!;
    }
  }
  return expected;
}

/** The implementation the current describe block forced, for tolerances that depend on it. */
let current: GemmImplementation = 'js';

function runCase(precision: 'single' | 'double', spec: Case, seed: number): void {
  const random = makeRandom(seed);
  const operands =
    precision === 'single'
      ? makeOperands(Float32Array, spec, random)
      : makeOperands(Float64Array, spec, random);
  const expected = referenceGemm(spec, operands);
  const { a, b, c, lda, ldb, ldc } = operands;
  const args = [spec.transA, spec.transB, spec.m, spec.n, spec.k, spec.alpha] as const;
  if (precision === 'single') {
    sgemm(
      ...args,
      a as Float32Array,
      spec.aOffset,
      lda,
      b as Float32Array,
      spec.bOffset,
      ldb,
      spec.beta,
      c as Float32Array,
      spec.cOffset,
      ldc,
    );
  } else {
    dgemm(
      ...args,
      a as Float64Array,
      spec.aOffset,
      lda,
      b as Float64Array,
      spec.bOffset,
      ldb,
      spec.beta,
      c as Float64Array,
      spec.cOffset,
      ldc,
    );
  }
  // float32 inputs multiply exactly in float64, so the JS kernel differs from the reference only by
  // summation order and the final rounding. The wasm kernel sums in float32 (as a BLAS does), so
  // its error grows with k like a float32 dot product's.
  const tolerance = precision === 'double' ? 1e-13 : current === 'wasm' ? 1e-5 : 2e-6;
  const scale = Math.max(1, Math.sqrt(spec.k)) * Math.max(1, Math.abs(spec.alpha));
  const label = JSON.stringify(spec);
  expect(c.length, label).toBe(expected.length);
  for (let index = 0; index < c.length; index++) {
    const actual = c[index]!;
    const want = expected[index]!;
    if (Number.isNaN(want)) {
      if (!Number.isNaN(actual))
        throw new Error(`${label}: padding at ${index} was overwritten with ${actual}`);
      continue;
    }
    if (!(Math.abs(actual - want) <= tolerance * scale + tolerance * Math.abs(want))) {
      throw new Error(`${label}: C[${index}] = ${actual}, expected ${want}`);
    }
  }
}

const transposes = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

function plainCase(transA: boolean, transB: boolean, m: number, n: number, k: number): Case {
  return {
    transA,
    transB,
    m,
    n,
    k,
    alpha: 1,
    beta: 0,
    aOffset: 0,
    bOffset: 0,
    cOffset: 0,
    aPad: 0,
    bPad: 0,
    cPad: 0,
  };
}

describe.each(
  implementations.flatMap((implementation) =>
    (['single', 'double'] as const).map((precision) => [implementation, precision] as const),
  ),
)('%s %s-precision gemm', (implementation, precision) => {
  let previous: GemmImplementation = 'auto';
  beforeAll(() => {
    previous = setGemmImplementation(implementation);
    current = implementation;
  });
  afterAll(() => {
    setGemmImplementation(previous);
    current = 'js';
  });

  it.each(transposes)('matches a naive loop on fixed shapes (transA=%s, transB=%s)', (transA, transB) => {
    // Direct-loop sizes, packed sizes, edge tiles in every direction, one dimension of 1.
    const shapes = [
      [1, 1, 1],
      [2, 3, 4],
      [5, 7, 3],
      [1, 64, 64],
      [64, 1, 64],
      [64, 64, 1],
      [33, 33, 33],
      [37, 41, 29],
      [64, 64, 64],
      [100, 3, 200],
      [4, 100, 101],
    ];
    let seed = 1;
    for (const [m, n, k] of shapes) runCase(precision, plainCase(transA, transB, m!, n!, k!), seed++);
  });

  it('matches a naive loop on random shapes, offsets, leading dimensions, alpha and beta', () => {
    const random = makeRandom(12345);
    const pick = (values: readonly number[]): number => values[Math.floor(random() * values.length)]!;
    for (let trial = 0; trial < 120; trial++) {
      const big = trial % 4 === 0;
      const size = (): number => (big ? 1 + Math.floor(random() * 70) : Math.floor(random() * 12));
      const spec: Case = {
        transA: random() < 0.5,
        transB: random() < 0.5,
        m: size(),
        n: size(),
        k: size(),
        alpha: pick([1, -1, 0.5, 2.5]),
        beta: pick([0, 1, -0.75, 2]),
        aOffset: pick([0, 1, 5]),
        bOffset: pick([0, 2, 7]),
        cOffset: pick([0, 3]),
        aPad: pick([0, 1, 4]),
        bPad: pick([0, 3]),
        cPad: pick([0, 2, 5]),
      };
      runCase(precision, spec, trial + 100);
    }
  });

  it('spans several cache blocks in m, n and k', () => {
    // k = 2000 makes A blocks 15 rows and B blocks 261 columns, so m = 40 and n = 300 cross block edges.
    for (const [transA, transB] of transposes) {
      runCase(
        precision,
        { ...plainCase(transA, transB, 40, 300, 2000), alpha: 0.5, beta: -1, aPad: 3, cPad: 1, bOffset: 4 },
        7,
      );
    }
  });

  it('treats k = 0 and alpha = 0 as C = beta * C without reading A or B', () => {
    for (const beta of [0, 1, -2]) {
      runCase(precision, { ...plainCase(false, false, 4, 5, 0), beta }, 1);
      runCase(precision, { ...plainCase(true, true, 40, 50, 60), alpha: 0, beta }, 2);
    }
    const Type = precision === 'single' ? Float32Array : Float64Array;
    const a = new Type(6).fill(Number.NaN);
    const b = new Type(6).fill(Number.NaN);
    const c = new Type([1, 2, 3, 4]);
    const call = precision === 'single' ? sgemm : dgemm;
    (call as typeof dgemm)(
      false,
      false,
      2,
      2,
      3,
      0,
      a as Float64Array,
      0,
      3,
      b as Float64Array,
      0,
      2,
      3,
      c as Float64Array,
      0,
      2,
    );
    expect(Array.from(c)).toEqual([3, 6, 9, 12]);
  });

  it('does not read C when beta is 0, so NaN in C does not propagate', () => {
    const Type = precision === 'single' ? Float32Array : Float64Array;
    const call = (precision === 'single' ? sgemm : dgemm) as typeof dgemm;
    for (const [m, n, k] of [
      [2, 2, 2],
      [40, 40, 40],
      [3, 3, 0],
    ] as const) {
      const a = new Type(m * k).fill(1);
      const b = new Type(k * n).fill(1);
      const c = new Type(m * n).fill(Number.NaN);
      call(
        false,
        false,
        m,
        n,
        k,
        1,
        a as Float64Array,
        0,
        Math.max(1, k),
        b as Float64Array,
        0,
        n,
        0,
        c as Float64Array,
        0,
        n,
      );
      expect(Array.from(c)).toEqual(new Array(m * n).fill(k));
    }
  });

  it('does nothing for m = 0 or n = 0', () => {
    runCase(precision, { ...plainCase(false, false, 0, 5, 3), beta: 2 }, 1);
    runCase(precision, { ...plainCase(true, false, 5, 0, 3), beta: 2 }, 2);
  });
});

describe('gemm rounding and argument checks', () => {
  it('rounds sgemm results once from a float64 sum in the JS kernel', () => {
    const previous = setGemmImplementation('js');
    try {
      roundsOnce();
    } finally {
      setGemmImplementation(previous);
    }
  });

  function roundsOnce(): void {
    // 1 + 2^-24 + 2^-24 is 1 + 2^-23 in float64 but 1 after each float32 rounding step.
    const tiny = 2 ** -24;
    const a = new Float32Array([1, 1, 1]);
    const b = new Float32Array([1, tiny, tiny]);
    const c = new Float32Array(1);
    sgemm(false, false, 1, 1, 3, 1, a, 0, 3, b, 0, 1, 0, c, 0, 1);
    expect(c[0]).toBe(Math.fround(1 + 2 * tiny));
    expect(c[0]).not.toBe(1);
  }

  it('rejects bad sizes, leading dimensions and arrays that are too short', () => {
    const a = new Float64Array(6);
    const b = new Float64Array(6);
    const c = new Float64Array(4);
    expect(() => dgemm(false, false, -1, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 2)).toThrow(
      /m must be a non-negative/,
    );
    expect(() => dgemm(false, false, 2, 2, 1.5, 1, a, 0, 3, b, 0, 2, 0, c, 0, 2)).toThrow(/k must be/);
    expect(() => dgemm(false, false, 2, 2, 3, 1, a, 0, 2, b, 0, 2, 0, c, 0, 2)).toThrow(
      /lda must be an integer >= max\(1, 3\)/,
    );
    expect(() => dgemm(false, true, 2, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 2)).toThrow(/ldb/);
    expect(() => dgemm(false, false, 2, 2, 3, 1, a, 1, 3, b, 0, 2, 0, c, 0, 2)).toThrow(/A \(2x3, offset 1/);
    expect(() => dgemm(false, false, 2, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 3)).toThrow(/C \(2x2/);
    expect(() =>
      sgemm(
        false,
        false,
        2,
        2,
        3,
        1,
        new Float32Array(6),
        -1,
        3,
        new Float32Array(6),
        0,
        2,
        0,
        new Float32Array(4),
        0,
        2,
      ),
    ).toThrow(/offset of A/);
  });
});
