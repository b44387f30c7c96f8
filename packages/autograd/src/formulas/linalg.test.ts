import { readFileSync } from 'node:fs';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import { grad, gradcheck, gradgradcheck } from '../index.js';

const { linalg } = torch;
const f64 = { dtype: 'float64' as const };

/** A float64 leaf that requires grad. */
function leaf(...shape: number[]): Tensor {
  return torch.randn(shape, f64).requiresGrad_(true);
}

/** A well-conditioned (diagonally dominated) square leaf `[...batch, n, n]`. */
function wellConditioned(n: number, ...batch: number[]): Tensor {
  return torch.add(torch.randn([...batch, n, n], f64), torch.eye(n, f64).mul(n + 1)).requiresGrad_(true);
}

/** A non-contiguous leaf: the transpose of a contiguous well-conditioned matrix. */
function transposedWellConditioned(n: number): Tensor {
  const t = torch.add(torch.randn([n, n], f64), torch.eye(n, f64).mul(n + 1)).t();
  expect(t.isContiguous()).toBe(false);
  return t.requiresGrad_(true);
}

/** Symmetric positive-definite from any square B (as PyTorch's tests build them): B Bᵀ + n I. */
function spd(B: Tensor): Tensor {
  const n = B.size(-1);
  return torch.add(B.matmul(B.mT), torch.eye(n, f64).mul(n));
}

/** gradcheck and gradgradcheck of `fn` at `inputs`. */
function check(fn: (...inputs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[]): void {
  expect(gradcheck(fn, inputs)).toBe(true);
  expect(gradgradcheck(fn, inputs)).toBe(true);
}

describe('LU-based: inv, det, slogdet, logdet, solve', () => {
  test('inv', () => {
    torch.manualSeed(1);
    check((A) => linalg.inv(A), [wellConditioned(3)]);
    check((A) => linalg.inv(A), [wellConditioned(2, 2)]);
    check((A) => torch.inverse(A), [transposedWellConditioned(3)]);
  });

  test('det, batched and non-contiguous', () => {
    torch.manualSeed(2);
    check((A) => linalg.det(A), [leaf(3, 3)]);
    check((A) => linalg.det(A), [leaf(2, 2, 2)]);
    check((A) => A.det(), [transposedWellConditioned(3)]);
  });

  test('det of singular matrices (the adjugate), alone and mixed in a batch', () => {
    torch.manualSeed(3);
    // Rank 2 of 3, with distinct singular values so the SVD-based double backward is defined.
    const u = torch.randn([3, 2], f64);
    const v = torch.randn([2, 3], f64);
    const singular = u.matmul(v).requiresGrad_(true);
    expect(Math.abs(linalg.det(singular).item() as number)).toBeLessThan(1e-12);
    check((A) => linalg.det(A), [singular]);
    const mixed = torch.stack([u.matmul(v), torch.randn([3, 3], f64)]).requiresGrad_(true);
    expect(gradcheck((A) => linalg.det(A), [mixed])).toBe(true);
    // d det / dA of a rank-(n-1) matrix is the adjugate, which is not zero.
    const [g] = grad(linalg.det(singular), [singular]);
    expect(g!.abs().sum().item()).toBeGreaterThan(1e-3);
  });

  test('slogdet (logabsdet differentiable, sign not) and logdet', () => {
    torch.manualSeed(4);
    check((A) => linalg.slogdet(A)[1]!, [leaf(3, 3)]);
    check((A) => linalg.slogdet(A), [leaf(2, 3, 3)]);
    check((B) => spd(B).logdet(), [leaf(3, 3)]);
    // A negative determinant: logdet is NaN and gets no gradient (PyTorch's where(sign == -1, nan, logabsdet)).
    const negative = torch
      .tensor(
        [
          [0, 1],
          [1, 0],
        ],
        f64,
      )
      .requiresGrad_(true);
    const [g] = grad(torch.logdet(negative), [negative]);
    expect(g!.tolist()).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  test('solve: matrix, vector, batched broadcasting, left=false', () => {
    torch.manualSeed(5);
    check((A, B) => linalg.solve(A, B), [wellConditioned(3), leaf(3, 2)]);
    check((A, B) => linalg.solve(A, B), [wellConditioned(3), leaf(3)]);
    check((A, B) => linalg.solve(A, B), [wellConditioned(3, 2), leaf(2, 3)]);
    check((A, B) => linalg.solve(A, B), [wellConditioned(3, 2, 1), leaf(3, 2)]);
    check((A, B) => linalg.solve(A, B, { left: false }), [transposedWellConditioned(3), leaf(2, 3)]);
  });
});

describe('factorizations: cholesky, qr', () => {
  test('cholesky, lower and upper, batched', () => {
    torch.manualSeed(6);
    check((B) => linalg.cholesky(spd(B)), [leaf(3, 3)]);
    check((B) => linalg.cholesky(spd(B), { upper: true }), [leaf(3, 3)]);
    check((B) => linalg.cholesky(spd(B)), [leaf(2, 2, 2)]);
  });

  test('qr: tall, wide, square, complete for wide, batched', () => {
    torch.manualSeed(7);
    check((A) => linalg.qr(A), [leaf(4, 3)]);
    check((A) => linalg.qr(A), [leaf(2, 4)]);
    check((A) => linalg.qr(A), [leaf(3, 3)]);
    check((A) => linalg.qr(A, { mode: 'complete' }), [leaf(2, 3)]);
    check((A) => linalg.qr(A)[0]!, [leaf(2, 3, 2)]);
    check((A) => linalg.qr(A)[1]!, [leaf(3, 2)]);
  });

  test("qr cannot be differentiated in mode 'r' or complete with more rows than columns", () => {
    const A = leaf(4, 3);
    expect(() => linalg.qr(A, { mode: 'r' })[1]!.sum().backward()).toThrow(
      "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.",
    );
    expect(() => linalg.qr(A, { mode: 'complete' })[1]!.sum().backward()).toThrow(
      "The QR decomposition is not differentiable when mode='complete' and nrows > ncols.",
    );
  });
});

describe('spectral: eigh, eigvalsh, svd, svdvals (gauge-invariant losses)', () => {
  test('eigh: eigenvalues and sign-invariant functions of eigenvectors', () => {
    torch.manualSeed(8);
    const B = leaf(3, 3);
    check((b) => linalg.eigh(spd(b))[0]!, [B]);
    check((b) => linalg.eigh(spd(b))[1]!.square(), [B]);
    check(
      (b) => {
        const [L, V] = linalg.eigh(spd(b)) as unknown as [Tensor, Tensor];
        // The projector on the top eigenvector, and the eigenvalues.
        const top = V.narrow(-1, 2, 1);
        return [top.matmul(top.mT), L];
      },
      [B],
    );
    check((b) => linalg.eigh(spd(b), 'U')[1]!.square(), [leaf(2, 2, 2)]);
  });

  test('eigvalsh (eigenvectors recomputed in backward)', () => {
    torch.manualSeed(9);
    check((b) => linalg.eigvalsh(spd(b)), [leaf(3, 3)]);
    check((b) => linalg.eigvalsh(spd(b), 'U'), [leaf(2, 2, 2)]);
  });

  test('svd reduced: tall, wide, square; U diag(S) Vh and squares of the factors', () => {
    torch.manualSeed(10);
    for (const shape of [
      [4, 3],
      [2, 4],
      [3, 3],
    ]) {
      const A = leaf(...shape);
      check(
        (a) => {
          const [U, S, Vh] = linalg.svd(a, { fullMatrices: false }) as unknown as [Tensor, Tensor, Tensor];
          return [U.square(), S, Vh.square()];
        },
        [A],
      );
      check(
        (a) => {
          const [U, S, Vh] = linalg.svd(a, { fullMatrices: false }) as unknown as [Tensor, Tensor, Tensor];
          return torch.mul(U, S.unsqueeze(-2)).matmul(Vh);
        },
        [A],
      );
    }
  });

  test('svd full matrices: only the first k singular vectors are differentiable', () => {
    torch.manualSeed(11);
    check(
      (a) => {
        const [U, S, Vh] = linalg.svd(a) as unknown as [Tensor, Tensor, Tensor];
        return [U.narrow(-1, 0, 2).square(), S, Vh.square()];
      },
      [leaf(3, 2)],
    );
    check(
      (a) => {
        const [U, S, Vh] = linalg.svd(a) as unknown as [Tensor, Tensor, Tensor];
        return [U.square(), S, Vh.narrow(-2, 0, 2).square()];
      },
      [leaf(2, 2, 3)],
    );
  });

  test('svdvals and the legacy torch.svd (V, some, computeUv)', () => {
    torch.manualSeed(12);
    check((a) => linalg.svdvals(a), [leaf(3, 2)]);
    check((a) => linalg.svdvals(a), [leaf(2, 2, 3)]);
    check(
      (a) => {
        const [U, S, V] = torch.svd(a) as unknown as [Tensor, Tensor, Tensor];
        return [U.square(), S, V.square()];
      },
      [leaf(4, 3)],
    );
    check(
      (a) => {
        const [U, S, V] = torch.svd(a, false) as unknown as [Tensor, Tensor, Tensor];
        return [U.narrow(-1, 0, 2).square(), S, V.square()];
      },
      [leaf(3, 2)],
    );
    check((a) => torch.svd(a, true, false)[1]!, [leaf(2, 3)]);
  });
});

describe('pinv, lstsq', () => {
  test('pinv of tall, wide and (hermitian) symmetric matrices', () => {
    torch.manualSeed(13);
    check((A) => linalg.pinv(A), [leaf(4, 3)]);
    check((A) => linalg.pinv(A), [leaf(2, 2, 3)]);
    check((B) => linalg.pinv(spd(B), { hermitian: true }), [leaf(3, 3)]);
    check((A) => A.pinverse(), [leaf(3, 2)]);
  });

  test('lstsq solution: matrix and vector right-hand sides, batched', () => {
    torch.manualSeed(14);
    check((A, B) => linalg.lstsq(A, B).solution, [leaf(4, 3), leaf(4, 2)]);
    check((A, B) => linalg.lstsq(A, B)[0]!, [leaf(4, 2), leaf(4)]);
    check((A, B) => linalg.lstsq(A, B, { driver: 'gelsd' }).solution, [leaf(2, 3, 2), leaf(2, 3, 1)]);
  });
});

describe('products: matrixPower, multiDot, vecdot', () => {
  test('matrixPower for n = 0, ±1, ±2, 3, 6, batched', () => {
    torch.manualSeed(15);
    for (const n of [0, 1, 2, 3, 6, -1, -2]) {
      const A = n < 0 ? wellConditioned(3) : torch.randn([3, 3], f64).div(2).requiresGrad_(true);
      check((a) => linalg.matrixPower(a, n), [A]);
    }
    check((a) => a.matrixPower(3), [leaf(2, 2, 2)]);
  });

  test('multiDot with 2, 3 and 4 operands, 1-d ends', () => {
    torch.manualSeed(16);
    check((a, b) => linalg.multiDot([a, b]), [leaf(2, 3), leaf(3, 2)]);
    check((a, b, c) => linalg.multiDot([a, b, c]), [leaf(3), leaf(3, 2), leaf(2, 4)]);
    check((a, b, c, d) => linalg.multiDot([a, b, c, d]), [leaf(2, 3), leaf(3, 4), leaf(4, 2), leaf(2)]);
  });

  test('vecdot with broadcasting and a chosen dim', () => {
    torch.manualSeed(17);
    check((x, y) => linalg.vecdot(x, y), [leaf(2, 3), leaf(3)]);
    check((x, y) => linalg.vecdot(x, y, { dim: 0 }), [leaf(3, 2), leaf(3, 1)]);
    check((x, y) => linalg.vecdot(x, y), [leaf(4), leaf(4)]);
    expect(linalg.vecdot(leaf(4), leaf(4)).gradFn!.name).toBe('VdotBackward0');
  });
});

describe('norms', () => {
  test.each([1, 2, 3, 0.5, 1.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'vectorNorm ord %s',
    (ord) => {
      torch.manualSeed(18);
      const x = leaf(2, 3);
      check((t) => linalg.vectorNorm(t, ord), [x]);
      check((t) => linalg.vectorNorm(t, ord, { dim: 1 }), [x]);
      check(
        (t) => linalg.vectorNorm(t, ord, { dim: [0], keepdim: true }),
        [x.t().detach().requiresGrad_(true)],
      );
    },
  );

  test('vectorNorm ord 0 has no gradient; a zero vector has gradient 0 for ord 2', () => {
    const x = leaf(3);
    expect(grad(linalg.vectorNorm(x, 0), [x], { allowUnused: true })[0] ?? null).toBeNull();
    const zero = torch.zeros([3], f64).requiresGrad_(true);
    const [g] = grad(linalg.vectorNorm(zero), [zero]);
    expect(g!.tolist()).toEqual([0, 0, 0]);
  });

  test.each(['fro', 'nuc', 2, -2, 1, -1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY] as (
    | string
    | number
  )[])('matrixNorm ord %s', (ord) => {
    torch.manualSeed(19);
    const o = ord as 'fro' | 'nuc' | number;
    check((A) => linalg.matrixNorm(A, o), [leaf(3, 2)]);
    check((A) => linalg.matrixNorm(A, o, { dim: [2, 0], keepdim: true }), [leaf(2, 2, 3)]);
  });

  test('matrixNorm node names follow PyTorch 1.13', () => {
    const A = leaf(2, 3);
    expect(linalg.matrixNorm(A, 'nuc', { keepdim: true }).gradFn!.name).toBe('PermuteBackward0');
    expect(linalg.matrixNorm(A, -2).gradFn!.name).toBe('AminBackward0');
    expect(linalg.matrixNorm(A, Number.POSITIVE_INFINITY).gradFn!.name).toBe('AmaxBackward0');
  });
});

test('einsum through linalg-style contractions', () => {
  torch.manualSeed(20);
  check((A, x) => torch.einsum('bij,j->bi', A, x), [leaf(2, 2, 3), leaf(3)]);
  check((A) => torch.einsum('ij,ji->', A, A), [leaf(3, 3)]);
});

// ---------------------------------------------------------------------------------------------------------------
// Goldens from PyTorch 1.13 (scripts/gen-join-linalg-goldens.py)

interface FixtureTensor {
  shape: number[];
  data: number[];
}
interface FixtureCase {
  inputs: Record<string, FixtureTensor>;
  G: FixtureTensor;
  out: FixtureTensor;
  gradFn: string | null;
  grads: Record<string, FixtureTensor | null>;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/join-linalg.json', import.meta.url), 'utf8'),
) as {
  cases: Record<string, FixtureCase>;
};

function fromFixture(t: FixtureTensor): Tensor {
  return torch.tensor(t.data, f64).reshape(t.shape);
}

type Inputs = Record<string, Tensor>;

/** Each case's expression, as written in the generator script. */
const linalgCases: Record<string, (inputs: Inputs) => Tensor> = {
  inv: ({ A }) => linalg.inv(A!),
  det: ({ A }) => linalg.det(A!),
  slogdet: ({ A }) => linalg.slogdet(A!)[1]!,
  logdet: ({ A }) => torch.logdet(A!),
  solve: ({ A, B }) => linalg.solve(A!, B!),
  solveVector: ({ A, B }) => linalg.solve(A!, B!),
  solveRight: ({ A, B }) => linalg.solve(A!, B!, { left: false }),
  cholesky: ({ A }) => linalg.cholesky(A!),
  choleskyUpper: ({ A }) => linalg.cholesky(A!, { upper: true }),
  qrR: ({ A }) => linalg.qr(A!)[1]!,
  qrQ: ({ A }) => linalg.qr(A!)[0]!,
  eighValues: ({ A }) => linalg.eigh(A!)[0]!,
  eighVectors: ({ A }) => linalg.eigh(A!)[1]!.square(),
  eigvalsh: ({ A }) => linalg.eigvalsh(A!, 'U'),
  svdS: ({ A }) => linalg.svd(A!)[1]!,
  svdU: ({ A }) => linalg.svd(A!, { fullMatrices: false })[0]!.square(),
  svdVh: ({ A }) => linalg.svd(A!, { fullMatrices: false })[2]!.square(),
  svdvals: ({ A }) => linalg.svdvals(A!),
  legacySvdV: ({ A }) => torch.svd(A!)[2]!.square(),
  pinv: ({ A }) => linalg.pinv(A!),
  matrixPower3: ({ A }) => linalg.matrixPower(A!, 3),
  matrixPowerMinus2: ({ A }) => linalg.matrixPower(A!, -2),
  multiDot: ({ a, b, c, d }) => linalg.multiDot([a!, b!, c!, d!]),
  vecdot: ({ x, y }) => linalg.vecdot(x!, y!),
  vectorNorm3: ({ x }) => linalg.vectorNorm(x!, 3, { dim: 1 }),
  vectorNormInf: ({ x }) => linalg.vectorNorm(x!, Number.POSITIVE_INFINITY),
  matrixNormFro: ({ A }) => linalg.matrixNorm(A!),
  matrixNormNuc: ({ A }) => linalg.matrixNorm(A!, 'nuc'),
  matrixNorm2: ({ A }) => linalg.matrixNorm(A!, 2),
  matrixNorm1: ({ A }) => linalg.matrixNorm(A!, 1),
  matrixNormMinusInf: ({ A }) => linalg.matrixNorm(A!, Number.NEGATIVE_INFINITY),
  lstsq: ({ A, B }) => linalg.lstsq(A!, B!).solution,
};

/** Compares with a tolerance scaled to the values (different but equally accurate algorithms). */
function expectClose(actual: Tensor, expected: FixtureTensor): void {
  expect(actual.shape).toEqual(expected.shape);
  const values = Array.from(actual.detach().contiguous().toTypedArray() as Float64Array);
  const scale = Math.max(1, ...expected.data.map(Math.abs));
  values.forEach((v, k) => {
    expect(Math.abs(v - expected.data[k]!)).toBeLessThan(1e-9 * scale);
  });
}

describe('goldens from PyTorch 1.13', () => {
  test.each(Object.keys(linalgCases))('%s', (id) => {
    const golden = fixture.cases[id]!;
    const inputs: Inputs = {};
    for (const [name, t] of Object.entries(golden.inputs)) inputs[name] = fromFixture(t).requiresGrad_(true);
    const out = linalgCases[id]!(inputs);
    expectClose(out, golden.out);
    expect(out.gradFn?.name ?? null).toBe(golden.gradFn);
    const names = Object.keys(inputs);
    const grads = grad(
      out.mul(fromFixture(golden.G)).sum(),
      names.map((n) => inputs[n]!),
      { allowUnused: true },
    );
    names.forEach((name, i) => {
      const expected = golden.grads[name];
      if (expected === null || expected === undefined) expect(grads[i] ?? null).toBeNull();
      else expectClose(grads[i]!, expected);
    });
  });
});
