import { afterEach, describe, expect, it } from 'vitest';
import { type GemmImplementation, getGemmImplementation, setGemmImplementation, sgemm } from './gemm.js';
import { makeRandom } from './random.test-helpers.js';
import { GEMM_KERNEL_TILES, GEMM_KERNELS_WASM_BASE64 } from './wasm/gemm-kernels-module.js';
import { setWasmGemmBlocking, wasmDgemm, wasmGemmAvailable, wasmSgemm } from './wasm-gemm.js';

// gemm.test.ts runs the whole gemm contract against both implementations; this file covers what
// only the WebAssembly path has: its block loop (every block edge crossed with small matrices),
// float32 accumulation, memory growth, and the dispatch switch.

function randomArray<T extends Float32Array | Float64Array>(
  Type: { new (length: number): T },
  length: number,
  random: () => number,
): T {
  const data = new Type(length);
  for (let index = 0; index < length; index++) data[index] = random() * 2 - 1;
  return data;
}

/** Float64 reference of `alpha * op(A) * op(B) + beta * C` over row-major operands. */
function reference(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: ArrayLike<number>,
  lda: number,
  b: ArrayLike<number>,
  ldb: number,
  beta: number,
  c: ArrayLike<number>,
  ldc: number,
): Float64Array {
  const expected = Float64Array.from(c);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        sum += (transA ? a[p * lda + i]! : a[i * lda + p]!) * (transB ? b[j * ldb + p]! : b[p * ldb + j]!);
      }
      expected[i * ldc + j] = alpha * sum + (beta === 0 ? 0 : beta * c[i * ldc + j]!);
    }
  }
  return expected;
}

function maxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let index = 0; index < expected.length; index++) {
    worst = Math.max(worst, Math.abs(actual[index]! - expected[index]!));
  }
  return worst;
}

describe.runIf(wasmGemmAvailable())('WebAssembly gemm', () => {
  afterEach(() => setWasmGemmBlocking());

  it('ships a module whose tiles match the packing', () => {
    expect(GEMM_KERNELS_WASM_BASE64.length).toBeGreaterThan(100);
    expect(GEMM_KERNEL_TILES.sgemmBlock.columns % 4).toBe(0);
    expect(GEMM_KERNEL_TILES.dgemmBlock.columns % 2).toBe(0);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('crosses every block edge with tiny blocks (transA=%s, transB=%s)', (transA, transB) => {
    // Blocks of 5 deep, 7 rows, 9 columns and a C budget of 2 row blocks: every loop of the block
    // nest runs several times and ends on a partial block, in single and double precision.
    const blocking = { kc: 5, mc: 7, nc: 9, cBudget: 1 };
    setWasmGemmBlocking(blocking, blocking);
    const random = makeRandom(transA ? (transB ? 4 : 3) : transB ? 2 : 1);
    for (const [m, n, k] of [
      [23, 31, 17],
      [1, 40, 11],
      [40, 1, 6],
      [9, 9, 1],
    ] as const) {
      const lda = (transA ? m : k) + 2;
      const ldb = (transB ? k : n) + 1;
      const ldc = n + 3;
      for (const [alpha, beta] of [
        [1, 0],
        [-0.5, 2],
      ] as const) {
        const a32 = randomArray(Float32Array, (transA ? k : m) * lda, random);
        const b32 = randomArray(Float32Array, (transB ? n : k) * ldb, random);
        const c32 = randomArray(Float32Array, m * ldc, random);
        const expected = reference(transA, transB, m, n, k, alpha, a32, lda, b32, ldb, beta, c32, ldc);
        // Only the first n of each C row may change: the tail of each row is left as it was.
        for (let i = 0; i < m; i++) for (let j = n; j < ldc; j++) expected[i * ldc + j] = c32[i * ldc + j]!;
        const c64 = Float64Array.from(c32);
        wasmSgemm(transA, transB, m, n, k, alpha, a32, 0, lda, b32, 0, ldb, beta, c32, 0, ldc);
        wasmDgemm(
          transA,
          transB,
          m,
          n,
          k,
          alpha,
          Float64Array.from(a32),
          0,
          lda,
          Float64Array.from(b32),
          0,
          ldb,
          beta,
          c64,
          0,
          ldc,
        );
        expect(maxError(c32, expected)).toBeLessThan(1e-5);
        expect(maxError(c64, expected)).toBeLessThan(1e-13);
      }
    }
  });

  it('accumulates float32 with the accuracy of a float32 dot product', () => {
    // k = 4096 of values in [-1, 1]: float32 summation error is about sqrt(k) * 2^-24 * |partial
    // sums|, far below 1e-3, while a float16-grade or lost-block bug would be far above it.
    const random = makeRandom(99);
    const m = 8;
    const n = 24;
    const k = 4096;
    const a = randomArray(Float32Array, m * k, random);
    const b = randomArray(Float32Array, k * n, random);
    const c = new Float32Array(m * n);
    const expected = reference(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
    wasmSgemm(false, false, m, n, k, 1, a, 0, k, b, 0, n, 0, c, 0, n);
    expect(maxError(c, expected)).toBeLessThan(1e-3);
  });

  it('grows its memory for a large product and stays correct for a small one afterwards', () => {
    const random = makeRandom(5);
    for (const [m, n, k] of [
      [300, 700, 300],
      [3, 5, 2],
    ] as const) {
      const a = randomArray(Float32Array, m * k, random);
      const b = randomArray(Float32Array, k * n, random);
      const c = new Float32Array(m * n).fill(Number.NaN);
      const expected = reference(false, false, m, n, k, 2, a, k, b, n, 0, new Float32Array(m * n), n);
      wasmSgemm(false, false, m, n, k, 2, a, 0, k, b, 0, n, 0, c, 0, n);
      expect(maxError(c, expected)).toBeLessThan(1e-4);
    }
  });
});

describe('gemm implementation switch', () => {
  let previous: GemmImplementation = 'auto';
  afterEach(() => {
    setGemmImplementation(previous);
  });

  it('returns the previous choice and reports the current one', () => {
    previous = setGemmImplementation('js');
    expect(getGemmImplementation()).toBe('js');
    expect(setGemmImplementation('auto')).toBe('js');
  });

  it('gives the same products through js, wasm and auto up to float32 rounding', () => {
    previous = getGemmImplementation();
    const random = makeRandom(11);
    const [m, n, k] = [64, 80, 96];
    const a = randomArray(Float32Array, k * m, random);
    const b = randomArray(Float32Array, n * k, random);
    const results: Float32Array[] = [];
    const choices: GemmImplementation[] = wasmGemmAvailable() ? ['js', 'wasm', 'auto'] : ['js', 'auto'];
    for (const choice of choices) {
      setGemmImplementation(choice);
      const c = new Float32Array(m * n);
      sgemm(true, true, m, n, k, 1, a, 0, m, b, 0, k, 0, c, 0, n);
      results.push(c);
    }
    for (const result of results.slice(1)) expect(maxError(result, results[0]!)).toBeLessThan(1e-5);
  });

  it.runIf(!wasmGemmAvailable())('refuses to force wasm where WebAssembly SIMD is missing', () => {
    expect(() => setGemmImplementation('wasm')).toThrow(/WebAssembly SIMD is not available/);
  });
});
