import { afterEach, describe, expect, it } from 'vitest';
import { makeRandom } from './random.test-helpers.js';
import { setWasmGemmBlocking, wasmDgemm, wasmGemmAvailable, wasmSgemm } from './wasm-gemm.js';

// The packing of A and B has several paths (unrolled copies, rows staged in wasm memory and
// packed there, padded last slivers). Packing must move values, never change them: these tests
// demand bit-identical products against a reference that sums in the kernel's own order.

/**
 * `op(A) * op(B)` summed as the wasm kernel does: in float32 (or float64) lanes, one product then
 * one add per depth step, over depth blocks of `kc` whose partial sums are added into C in turn.
 */
function kernelOrderReference(
  round: (value: number) => number,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  kc: number,
  a: ArrayLike<number>,
  lda: number,
  b: ArrayLike<number>,
  ldb: number,
): number[] {
  const result: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let total = 0;
      for (let p0 = 0; p0 < k; p0 += kc) {
        let block = 0;
        for (let p = p0; p < Math.min(k, p0 + kc); p++) {
          const x = transA ? a[p * lda + i]! : a[i * lda + p]!;
          const y = transB ? b[j * ldb + p]! : b[p * ldb + j]!;
          block = round(block + round(x * y));
        }
        total = p0 === 0 ? block : round(total + block);
      }
      result.push(total);
    }
  }
  return result;
}

const identity = (value: number) => value;

describe.runIf(wasmGemmAvailable())('WebAssembly gemm packing', () => {
  afterEach(() => setWasmGemmBlocking());

  const shapes: [number, number, number][] = [
    [16, 196, 72],
    [5, 16, 3],
    [3, 33, 7],
    [9, 47, 40],
    [2, 8, 1],
    [17, 15, 19],
  ];
  const blockings = [undefined, { kc: 5, mc: 6, nc: 32, cBudget: 1 }];

  for (const blocking of blockings) {
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`is bit-identical to the kernel's summation order (transA=${transA}, transB=${transB}, ${
        blocking ? 'tiny blocks' : 'default blocks'
      })`, () => {
        setWasmGemmBlocking(blocking, blocking);
        const kc = blocking?.kc ?? 256;
        const random = makeRandom(7 + (transA ? 2 : 0) + (transB ? 1 : 0));
        for (const [m, n, k] of shapes) {
          // Leading dimensions wider than the rows, and offsets, so staging cannot assume a dense
          // matrix.
          const lda = (transA ? m : k) + 3;
          const ldb = (transB ? k : n) + 5;
          const aOffset = 2;
          const bOffset = 1;
          const single = {
            a: Float32Array.from({ length: aOffset + lda * (transA ? k : m) }, () => random() * 2 - 1),
            b: Float32Array.from({ length: bOffset + ldb * (transB ? n : k) }, () => random() * 2 - 1),
          };
          const c = new Float32Array(m * n);
          wasmSgemm(transA, transB, m, n, k, 1, single.a, aOffset, lda, single.b, bOffset, ldb, 0, c, 0, n);
          const expected = kernelOrderReference(
            Math.fround,
            transA,
            transB,
            m,
            n,
            k,
            kc,
            single.a.subarray(aOffset),
            lda,
            single.b.subarray(bOffset),
            ldb,
          );
          expect(Array.from(c)).toEqual(expected);

          const a64 = Float64Array.from(single.a);
          const b64 = Float64Array.from(single.b);
          const c64 = new Float64Array(m * n);
          wasmDgemm(transA, transB, m, n, k, 1, a64, aOffset, lda, b64, bOffset, ldb, 0, c64, 0, n);
          const expected64 = kernelOrderReference(
            identity,
            transA,
            transB,
            m,
            n,
            k,
            kc,
            a64.subarray(aOffset),
            lda,
            b64.subarray(bOffset),
            ldb,
          );
          expect(Array.from(c64)).toEqual(expected64);
        }
      });
    }
  }

  it('packs B rows that do not fit the staging area one row at a time', () => {
    // With nc = 16 and a B 100 columns wide, the rows of one depth block span far more than the
    // staging area (kc x nc), so each row is staged on its own.
    setWasmGemmBlocking({ kc: 8, mc: 4, nc: 16, cBudget: 1 });
    const random = makeRandom(99);
    const [m, n, k] = [6, 100, 20];
    const a = Float32Array.from({ length: m * k }, () => random() * 2 - 1);
    const b = Float32Array.from({ length: k * n }, () => random() * 2 - 1);
    const c = new Float32Array(m * n);
    wasmSgemm(false, false, m, n, k, 1, a, 0, k, b, 0, n, 0, c, 0, n);
    expect(Array.from(c)).toEqual(kernelOrderReference(Math.fround, false, false, m, n, k, 8, a, k, b, n));
  });
});
