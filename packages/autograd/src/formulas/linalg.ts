/**
 * Derivatives of `torch.linalg` (`ops/linalg.ts` of @proj/tensor), after PyTorch's FunctionsManual.cpp: inverse,
 * determinants, solvers, Cholesky, QR, symmetric eigendecomposition, SVD, pseudo-inverse, least squares, norms and
 * the products PyTorch builds from matmul (`matrix_power`, `multi_dot`, `vecdot`).
 *
 * Every formula is written with tensor ops (including the linalg ops themselves: `solve`, `svd`, `pinv`...), so each
 * is differentiable again. Real inputs only: mH is mT. Where PyTorch's op is a composite, the node is named after
 * the op PyTorch's composite ends with (e.g. `logdet` is a `WhereBackward0`), so `gradFn.name` matches PyTorch 1.13.
 *
 * NOTE [Spectral gradients]: eigenvectors and singular vectors are defined up to sign, so only losses that do not
 * depend on the sign (`U diag(S) Vh`, `|U|`, `V Vᵀ`...) have well-defined gradients; the formulas below assume, as
 * PyTorch's do, distinct eigenvalues / singular values (and full rank for rectangular SVDs).
 */
import * as torch from '@proj/tensor';
import { RuntimeError, type Tensor } from '@proj/tensor';
import { defineFormulas, type Formula } from '../formula.js';

const { linalg, mul, sub, add, div, neg, where } = torch;

type Attrs = Readonly<Record<string, unknown>>;

/** `torch.finfo(dtype).eps` (the singularity threshold of det's backward). */
function epsilonOf(dtype: Tensor['dtype']): number {
  return dtype === 'float64'
    ? 2 ** -52
    : dtype === 'float32'
      ? 2 ** -23
      : dtype === 'bfloat16'
        ? 2 ** -7
        : 2 ** -10;
}

/** `[..., n]` → `[..., n, n]` with the vector on the diagonal. */
function diagEmbed(v: Tensor): Tensor {
  return torch.diagEmbed(v);
}

/** The identity `[n, n]` in `dtype` (broadcasts over batches). */
function identity(n: number, dtype: Tensor['dtype']): Tensor {
  return torch.eye(n, { dtype });
}

/** X·A⁻ᵀ for square A, as the solution of Y·Aᵀ = X. */
function timesInverseTranspose(X: Tensor, A: Tensor): Tensor {
  return linalg.solve(A, X.mT).mT;
}

/** A `[...batch]` tensor of scalars as `[...batch, n, n]` multiples of the identity. */
function scalarsTimesIdentity(values: Tensor, n: number): Tensor {
  return diagEmbed(values.unsqueeze(-1).expand([...values.shape, n]));
}

/**
 * c·A⁻ᵀ for per-matrix scalars c, computed as (A⁻¹ (c I))ᵀ: solving with A itself (not Aᵀ) factors A exactly as
 * det/slogdet did, so for nearly singular A the tiny LU pivot cancels against the one in det (PyTorch gets the
 * same effect by solving with the adjoint of A's LU). Solving with Aᵀ instead loses ~cond(A)·eps of accuracy.
 */
function scalarsTimesInverseTranspose(values: Tensor, A: Tensor): Tensor {
  return linalg.solve(A, scalarsTimesIdentity(values, A.size(-1))).mT;
}

/**
 * The gradient of ∏ x along the last dim, correct when some x are zero (PyTorch's `prod_safe_zeros_backward`): the
 * product of every other element, from exclusive prefix and suffix products. Built from muls of narrowed slices
 * rather than `cumprod`, whose derivative divides by the input (so it is not twice differentiable at zeros).
 */
function prodSafeZerosBackward(grad: Tensor, input: Tensor): Tensor {
  const k = input.size(-1);
  if (k === 0) return grad.expand(input.shape);
  const element = (i: number) => input.narrow(-1, i, 1);
  const prefix: (Tensor | null)[] = [null];
  for (let i = 1; i < k; i++)
    prefix.push(prefix[i - 1] ? mul(prefix[i - 1]!, element(i - 1)) : element(i - 1));
  const suffix: (Tensor | null)[] = new Array<Tensor | null>(k).fill(null);
  for (let i = k - 2; i >= 0; i--)
    suffix[i] = suffix[i + 1] ? mul(element(i + 1), suffix[i + 1]!) : element(i + 1);
  const others = prefix.map((p, i) => {
    const q = suffix[i];
    if (p && q) return mul(p, q);
    return p ?? q ?? torch.onesLike(element(i));
  });
  return mul(grad, torch.cat(others, -1));
}

/** det's gradient for (nearly) singular matrices: the adjugate from the SVD (PyTorch's `linalg_det_backward`). */
function singularDetBackward(A: Tensor, g: Tensor): Tensor {
  const [U, S, Vh] = linalg.svd(A) as unknown as [Tensor, Tensor, Tensor];
  const alpha = mul(mul(linalg.det(U), linalg.det(Vh)), g);
  const D = prodSafeZerosBackward(alpha.unsqueeze(-1), S);
  return mul(U, D.unsqueeze(-2)).matmul(Vh);
}

/** Moves dims `d0`, `d1` to the end (as `matrix_norm` does before reducing). */
function backshiftPermutation(d0: number, d1: number, ndim: number): number[] {
  const permutation: number[] = [];
  for (let i = 0; i < ndim; i++) if (i !== d0 && i !== d1) permutation.push(i);
  permutation.push(d0, d1);
  return permutation;
}

function inversePermutation(permutation: readonly number[]): number[] {
  const inverse = new Array<number>(permutation.length);
  permutation.forEach((source, position) => {
    inverse[source] = position;
  });
  return inverse;
}

/** Reinserts reduced dims (size 1) into a result computed with keepdim = false. */
function unsqueezeDims(t: Tensor, dims: readonly number[]): Tensor {
  let out = t;
  for (const d of [...dims].sort((a, b) => a - b)) out = out.unsqueeze(d);
  return out;
}

/**
 * `linalg.vector_norm` backward (PyTorch's `norm_backward`), for every order: 0 has no gradient, 1 is sgn(x),
 * 2 is x/‖x‖ (0 where the norm is 0), ±inf shares the gradient evenly among the elements reaching the max/min |x|,
 * and other orders use sgn(x)|x|^(p-1)/‖x‖^(p-1).
 */
function vectorNormBackward(
  gIn: Tensor,
  x: Tensor,
  ord: number,
  normIn: Tensor,
  dims: readonly number[] | null,
  keepdim: boolean,
): Tensor | null {
  const ndim = x.dim();
  const reduced = dims ?? x.shape.map((_, i) => i);
  let g = gIn;
  let norm = normIn;
  if (!keepdim && ndim !== 0) {
    g = unsqueezeDims(g, reduced);
    norm = unsqueezeDims(norm, reduced);
  }
  if (ord === 0) return null;
  if (ord === 1) return mul(x.sign(), g);
  if (ord === 2) return mul(g, where(norm.eq(0), 0, div(x, norm)));
  if (!Number.isFinite(ord)) {
    const absolute = x.abs();
    const mask = torch.logicalOr(absolute.eq(norm), absolute.isnan());
    const count = reduced.length === 0 ? mask.to(g.dtype) : mask.sum(reduced, true);
    return mul(x.sign(), mul(div(g, count), mask));
  }
  if (ord < 1) {
    const scaled = mul(x.sign(), where(x.eq(0), 0, x.abs().pow(ord - 1)));
    return mul(mul(scaled, g), norm.pow(1 - ord));
  }
  const scaled = ord < 2 ? mul(x.sign(), x.abs().pow(ord - 1)) : mul(x, x.abs().pow(ord - 2));
  const scale = where(norm.eq(0), 0, div(g, norm.pow(ord - 1)));
  return mul(scaled, scale);
}

/**
 * SVD backward (PyTorch's `svd_backward`, real case), for reduced factors U `[..., m, k]`, S `[..., k]`,
 * Vh `[..., k, n]`. With E_jk = S_k² - S_j² (1 on the diagonal) and skew(X) = X - Xᵀ:
 * gA = U [(skew(Uᵀ gU) / E) S + S (skew(Vᵀ gV) / E) + diag(gS)] Vh, plus (I - UUᵀ) gU S⁻¹ Vh when m > n and
 * U S⁻¹ gVh (I - VVᵀ) when m < n.
 */
function svdBackward(
  gU: Tensor | null,
  gS: Tensor | null,
  gVh: Tensor | null,
  U: Tensor,
  S: Tensor,
  Vh: Tensor,
): Tensor | null {
  if (!gU && !gS && !gVh) return null;
  const m = U.size(-2);
  const n = Vh.size(-1);
  if (!gU && !gVh) {
    const gs = gS!;
    return m >= n ? U.matmul(mul(gs.unsqueeze(-1), Vh)) : mul(U, gs.unsqueeze(-2)).matmul(Vh);
  }
  const skew = (X: Tensor) => sub(X, X.mT);
  const UhgU = gU ? skew(U.mT.matmul(gU)) : null;
  const VhgV = gVh ? skew(Vh.matmul(gVh.mT)) : null;
  const S2 = mul(S, S);
  const E = add(sub(S2.unsqueeze(-2), S2.unsqueeze(-1)), identity(S.size(-1), S.dtype));
  let inner: Tensor;
  if (UhgU && VhgV) inner = div(add(mul(UhgU, S.unsqueeze(-2)), mul(S.unsqueeze(-1), VhgV)), E);
  else if (UhgU) inner = mul(div(UhgU, E), S.unsqueeze(-2));
  else inner = mul(S.unsqueeze(-1), div(VhgV!, E));
  if (gS) inner = add(inner, diagEmbed(gS));
  if (m > n && gU) {
    let gA = U.matmul(inner);
    const gUSinv = div(gU, S.unsqueeze(-2));
    gA = sub(add(gA, gUSinv), U.matmul(U.mT.matmul(gUSinv)));
    return gA.matmul(Vh);
  }
  if (m < n && gVh) {
    let gA = inner.matmul(Vh);
    const SinvgVh = div(gVh, S.unsqueeze(-1));
    gA = sub(add(gA, SinvgVh), SinvgVh.matmul(Vh.mT).matmul(Vh));
    return U.matmul(gA);
  }
  return m >= n ? U.matmul(inner.matmul(Vh)) : U.matmul(inner).matmul(Vh);
}

/**
 * Symmetric eigendecomposition backward (PyTorch's `linalg_eig_backward` with is_hermitian):
 * gA = V (skew(Vᵀ gV)/2 / E + diag(gL)) Vᵀ with E_ij = L_j - L_i (1 on the diagonal).
 */
function eighBackward(gL: Tensor | null, gV: Tensor | null, L: Tensor, V: Tensor): Tensor | null {
  if (!gL && !gV) return null;
  if (!gV) return mul(V, gL!.unsqueeze(-2)).matmul(V.mT);
  const VhgV = V.mT.matmul(gV);
  const skew = mul(sub(VhgV, VhgV.mT), 0.5);
  const E = add(sub(L.unsqueeze(-2), L.unsqueeze(-1)), identity(L.size(-1), L.dtype));
  let inner = div(skew, E);
  if (gL) inner = add(inner, diagEmbed(gL));
  return V.matmul(inner.matmul(V.mT));
}

/** Pseudo-inverse backward (PyTorch's `pinv_backward`), arranged so the intermediate matrices are the smaller. */
function pinvBackward(grad: Tensor, pinvA: Tensor, A: Tensor): Tensor {
  const m = A.size(-2);
  const n = A.size(-1);
  const pinvAh = pinvA.mT;
  const gradh = grad.mT;
  if (m <= n) {
    const K = gradh.matmul(pinvA);
    const KpinvAh = K.matmul(pinvAh);
    return add(
      sub(add(neg(pinvA.matmul(K).mT), KpinvAh), A.matmul(pinvA).matmul(KpinvAh)),
      pinvAh.matmul(pinvA).matmul(sub(gradh, K.matmul(A))),
    );
  }
  const K = pinvA.matmul(gradh);
  const pinvAhK = pinvAh.matmul(K);
  return sub(
    add(add(neg(K.matmul(pinvA).mT), sub(gradh, A.matmul(K)).matmul(pinvA).matmul(pinvAh)), pinvAhK),
    pinvAhK.matmul(pinvA).matmul(A),
  );
}

/**
 * Σ_k (Aᵀ)^k G (Aᵀ)^(p-1-k): the gradient of A^p (p ≥ 1) for the output gradient G.
 */
function powerBackward(g: Tensor, A: Tensor, p: number): Tensor {
  const At = A.mT;
  // powers[k] = (Aᵀ)^k for k = 1 .. p-1 (k = 0 is the identity and is skipped).
  const powers: (Tensor | null)[] = [null];
  for (let k = 1; k < p; k++) powers.push(k === 1 ? At : powers[k - 1]!.matmul(At));
  let total: Tensor | null = null;
  for (let k = 0; k < p; k++) {
    const left = powers[k];
    const right = powers[p - 1 - k];
    let term = left ? left.matmul(g) : g;
    if (right) term = term.matmul(right);
    total = total === null ? term : add(total, term);
  }
  return total!;
}

/** Whether B is a (batch of) vector(s) for solve with A (PyTorch's `linalg_solve_is_vector_rhs`). */
function isVectorRhs(aShape: readonly number[], bShape: readonly number[]): boolean {
  if (bShape.length === 1) return true;
  return bShape.length === aShape.length - 1 && bShape.every((s, i) => s === aShape[i]);
}

/** Indices 0..255: saving "every input" of the variadic `multi_dot` (the table's `saveInputs` is a fixed list). */
const ALL_INPUTS: readonly number[] = Array.from({ length: 256 }, (_, i) => i);

function matrixNormName(attrs: Attrs): string {
  const ord = attrs.ord as number | string;
  if (ord === 'fro') return 'LinalgVectorNormBackward0';
  // 'nuc' and ±2 reduce singular values of the back-shifted input; with keepdim PyTorch permutes back at the end.
  if ((ord === 'nuc' || ord === 2 || ord === -2) && attrs.keepdim) return 'PermuteBackward0';
  if (ord === 'nuc') return 'SumBackward1';
  return (ord as number) > 0 ? 'AmaxBackward0' : 'AminBackward0';
}

function matrixPowerName(attrs: Attrs): string {
  const n = attrs.n as number;
  if (n === 0) return 'CopyBackwards';
  if (n === 1) return 'CloneBackward0';
  if (n === -1) return 'LinalgInvExBackward0';
  return 'MmBackward0';
}

/** The gradient of the singular-value reductions of `matrix_norm` ('nuc', ±2). */
function spectralNormBackward(g: Tensor, A: Tensor, ord: 'nuc' | number, d0: number, d1: number): Tensor {
  const permutation = backshiftPermutation(d0, d1, A.dim());
  const batchShape = permutation.slice(0, -2).map((d) => A.size(d));
  const gBatch = g.reshape(batchShape);
  const [U, S, Vh] = linalg.svd(A.permute(permutation), { fullMatrices: false }) as unknown as [
    Tensor,
    Tensor,
    Tensor,
  ];
  let G: Tensor;
  if (ord === 'nuc') {
    G = mul(U.matmul(Vh), gBatch.unsqueeze(-1).unsqueeze(-1));
  } else {
    // amax/amin of S: the gradient is shared evenly among tied extreme singular values.
    const extreme = ord > 0 ? S.amax(-1, true) : S.amin(-1, true);
    const mask = S.eq(extreme);
    const weights = div(mul(mask, gBatch.unsqueeze(-1)), mask.sum(-1, true));
    G = mul(U, weights.unsqueeze(-2)).matmul(Vh);
  }
  return G.permute(inversePermutation(permutation));
}

/** The gradient of the ±1 / ±inf matrix norms: max/min over columns (rows) of the sums of |A|. */
function sumNormBackward(
  g: Tensor,
  A: Tensor,
  ord: number,
  d0: number,
  d1: number,
  keepdim: boolean,
): Tensor {
  let first = d0;
  let second = d1;
  if (!Number.isFinite(ord)) [first, second] = [second, first];
  const sums = A.abs().sum(first, true);
  const extreme = ord > 0 ? sums.amax(second, true) : sums.amin(second, true);
  const mask = sums.eq(extreme);
  const weights = div(mask, mask.sum(second, true));
  const gKept = keepdim ? g : unsqueezeDims(g, [d0, d1]);
  return mul(A.sign(), mul(gKept, weights));
}

const svdFormula: Formula = {
  name: 'LinalgSvdBackward0',
  saveOutputs: true,
  backward(ctx, [gU, gS, gVh]) {
    const U = ctx.output(0);
    const S = ctx.output(1);
    const Vh = ctx.output(2);
    const k = S.size(-1);
    // Full matrices: only the first k singular vectors are determined by A (PyTorch narrows the same way).
    const full = ctx.attrs.fullMatrices as boolean;
    const narrowU = (t: Tensor) => (full ? t.narrow(-1, 0, k) : t);
    const narrowVh = (t: Tensor) => (full ? t.narrow(-2, 0, k) : t);
    return [
      svdBackward(
        gU ? narrowU(gU) : null,
        gS ?? null,
        gVh ? narrowVh(gVh) : null,
        narrowU(U),
        S,
        narrowVh(Vh),
      ),
    ];
  },
};

defineFormulas({
  linalgInv: {
    name: 'LinalgInvExBackward0',
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const inverseT = ctx.output(0).mT;
      return [neg(inverseT.matmul(g.matmul(inverseT)))];
    },
  },
  linalgDet: {
    name: 'LinalgDetBackward0',
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const A = ctx.input(0);
      if (A.numel() === 0) return [null];
      const det = ctx.output(0);
      const n = A.size(-1);
      // d det / dA = det · A⁻ᵀ, i.e. the solution of Aᵀ G = g·det·I; singular inputs use the adjugate instead.
      const singular = det.abs().lt(100 * epsilonOf(A.dtype));
      const singularCount = Number(singular.sum().item());
      const scaled = mul(g, det);
      if (singularCount === 0) return [scalarsTimesInverseTranspose(scaled, A)];
      if (singularCount === singular.numel()) return [singularDetBackward(A, g)];
      const mask = singular.unsqueeze(-1).unsqueeze(-1);
      const safeA = where(mask, identity(n, A.dtype), A);
      return [where(mask, singularDetBackward(A, g), scalarsTimesInverseTranspose(scaled, safeA))];
    },
  },
  linalgSlogdet: {
    name: 'LinalgSlogdetBackward0',
    saveInputs: [0],
    backward(ctx, [, gLogabsdet]) {
      // sign is piecewise constant: only logabsdet carries a gradient, g·A⁻ᵀ.
      if (!gLogabsdet) return [null];
      const A = ctx.input(0);
      return [scalarsTimesInverseTranspose(gLogabsdet, A)];
    },
  },
  // PyTorch 1.13: logdet(A) = where(sign == -1, nan, logabsdet), so negative determinants get no gradient.
  logdet: {
    name: 'WhereBackward0',
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const A = ctx.input(0);
      const passed = where(ctx.output(0).isnan(), 0, g);
      return [scalarsTimesInverseTranspose(passed, A)];
    },
  },
  linalgSolve: {
    name: 'LinalgSolveExBackward0',
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const A = ctx.input(0);
      const left = (ctx.attrs.left as boolean | undefined) ?? true;
      const vector = isVectorRhs(ctx.inputShape(0), ctx.inputShape(1));
      const gX = vector ? g.unsqueeze(-1) : g;
      const X = vector ? ctx.output(0).unsqueeze(-1) : ctx.output(0);
      // gB = A⁻ᵀ gX (left) or gX A⁻ᵀ (right); gA = -gB Xᵀ (left) or -Xᵀ gB (right).
      const gB = left ? linalg.solve(A.mT, gX) : linalg.solve(A.mT, gX, { left: false });
      const gA = ctx.needsInputGrad[0] ? neg(left ? gB.matmul(X.mT) : X.mT.matmul(gB)) : null;
      return [gA, ctx.needsInputGrad[1] ? (vector ? gB.squeeze(-1) : gB) : null];
    },
  },
  linalgCholesky: {
    name: 'LinalgCholeskyExBackward0',
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const upper = ctx.attrs.upper as boolean;
      // Iain Murray (2016), arXiv:1602.07527: gA = L⁻ᵀ Φ(Lᵀ gL) L⁻¹, symmetrized, with Φ = tril, diagonal halved.
      const L = upper ? ctx.output(0).mT : ctx.output(0);
      const gL = upper ? g.mT : g;
      const lower = L.mT.matmul(gL).tril();
      const phi = sub(lower, mul(diagEmbed(lower.diagonal(0, -2, -1)), 0.5));
      const gA = linalg.solve(L.mT, linalg.solve(L.mT, phi).mT).mT;
      return [mul(add(gA, gA.mT), 0.5)];
    },
  },
  linalgQr: {
    name: 'LinalgQrBackward0',
    saveOutputs: true,
    backward(ctx, [gQ, gR]) {
      const mode = ctx.attrs.mode as string;
      if (mode === 'r') {
        throw new RuntimeError(
          "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.",
        );
      }
      const Q = ctx.output(0);
      const R = ctx.output(1);
      const m = Q.size(-2);
      const n = R.size(-1);
      if (mode === 'complete' && m > n) {
        throw new RuntimeError(
          "The QR decomposition is not differentiable when mode='complete' and nrows > ncols.",
        );
      }
      if (!gQ && !gR) return [null];
      let gA: Tensor;
      if (gQ) gA = gR ? sub(gR.matmul(R.mT), Q.mT.matmul(gQ)) : neg(Q.mT.matmul(gQ));
      else gA = gR!.matmul(R.mT);
      if (m >= n) {
        // syminvadj(triu(gA)) = T + triu(T, 1)ᵀ, then (Q · that + gQ) R⁻ᵀ.
        const T = gA.triu();
        gA = Q.matmul(add(T, T.triu(1).mT));
        if (gQ) gA = add(gA, gQ);
        return [timesInverseTranspose(gA, R)];
      }
      const X = neg(gA);
      gA = Q.matmul(sub(X, X.mT).tril());
      gA = timesInverseTranspose(gA, R.narrow(-1, 0, m));
      const padShape = R.shape.slice();
      padShape[padShape.length - 1] = n - m;
      gA = torch.cat([gA, torch.zeros(padShape, { dtype: gA.dtype })], -1);
      if (gR) gA = add(gA, Q.matmul(gR));
      return [gA];
    },
  },
  linalgEigh: {
    name: 'LinalgEighBackward0',
    saveOutputs: true,
    backward(ctx, [gL, gV]) {
      return [eighBackward(gL ?? null, gV ?? null, ctx.output(0), ctx.output(1))];
    },
  },
  // PyTorch's eigvalsh computes eigh when a gradient is needed; here the eigenvectors are recomputed in backward.
  linalgEigvalsh: {
    name: 'LinalgEighBackward0',
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [gL]) {
      if (!gL) return [null];
      const [, V] = linalg.eigh(ctx.input(0), ctx.attrs.upper ? 'U' : 'L') as unknown as [Tensor, Tensor];
      return [eighBackward(gL, null, ctx.output(0), V)];
    },
  },
  linalgSvd: svdFormula,
  linalgSvdvals: {
    name: 'LinalgSvdBackward0',
    saveInputs: [0],
    backward(ctx, [gS]) {
      if (!gS) return [null];
      const [U, S, Vh] = linalg.svd(ctx.input(0), { fullMatrices: false }) as unknown as [
        Tensor,
        Tensor,
        Tensor,
      ];
      return [svdBackward(null, gS, null, U, S, Vh)];
    },
  },
  // The legacy torch.svd: V = Vhᵀ; `some` means reduced factors; without U/V only S is differentiable.
  svd: {
    name: 'LinalgSvdBackward0',
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [gU, gS, gV]) {
      if (!(ctx.attrs.computeUv as boolean)) {
        if (!gS) return [null];
        const [U, S, Vh] = linalg.svd(ctx.input(0), { fullMatrices: false }) as unknown as [
          Tensor,
          Tensor,
          Tensor,
        ];
        return [svdBackward(null, gS, null, U, S, Vh)];
      }
      const S = ctx.output(1);
      const k = S.size(-1);
      const full = !(ctx.attrs.some as boolean);
      const narrowColumns = (t: Tensor) => (full ? t.narrow(-1, 0, k) : t);
      const U = narrowColumns(ctx.output(0));
      const Vh = narrowColumns(ctx.output(2)).mT;
      return [
        svdBackward(gU ? narrowColumns(gU) : null, gS ?? null, gV ? narrowColumns(gV).mT : null, U, S, Vh),
      ];
    },
  },
  linalgPinv: {
    name: 'LinalgPinvBackward0',
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      return [pinvBackward(g, ctx.output(0), ctx.input(0))];
    },
  },
  // PyTorch 1.13: only the solution is differentiable; its gradient goes through pinv(A).
  linalgLstsq: {
    name: 'LinalgLstsqBackward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const A = ctx.input(0);
      const vector = ctx.inputShape(0).length - ctx.inputShape(1).length === 1;
      const gX = vector ? g.unsqueeze(-1) : g;
      const pinvA = linalg.pinv(A);
      let gA: Tensor | null = null;
      if (ctx.needsInputGrad[0]) {
        const B = vector ? ctx.input(1).unsqueeze(-1) : ctx.input(1);
        gA = pinvBackward(gX.matmul(B.mT), pinvA, A);
      }
      let gB: Tensor | null = null;
      if (ctx.needsInputGrad[1]) {
        gB = pinvA.mT.matmul(gX);
        if (vector) gB = gB.squeeze(-1);
      }
      return [gA, gB];
    },
  },
  linalgMatrixPower: {
    name: matrixPowerName,
    saveInputs: [0],
    backward(ctx, [g]) {
      if (!g) return [null];
      const n = ctx.attrs.n as number;
      if (n === 0) return [mul(g, 0)];
      if (n === 1) return [g];
      const A = ctx.input(0);
      if (n > 0) return [powerBackward(g, A, n)];
      // A^n = (A⁻¹)^|n|: the gradient of the power, then of the inverse.
      const inverse = linalg.inv(A);
      const gInverse = powerBackward(g, inverse, -n);
      return [neg(inverse.mT.matmul(gInverse.matmul(inverse.mT)))];
    },
  },
  linalgMultiDot: {
    name: 'ViewBackward0',
    saveInputs: ALL_INPUTS,
    backward(ctx, [g]) {
      const count = ctx.needsInputGrad.length;
      if (!g) return new Array<null>(count).fill(null);
      // The chain as matrices: a 1-d first operand is a row, a 1-d last operand a column.
      const matrices: Tensor[] = [];
      for (let i = 0; i < count; i++) {
        const t = ctx.input(i);
        matrices.push(t.dim() === 2 ? t : i === 0 ? t.unsqueeze(0) : t.unsqueeze(-1));
      }
      const G = g.reshape([matrices[0]!.size(0), matrices[count - 1]!.size(1)]);
      // prefix[i] = M0 ⋯ M(i-1), suffix[i] = M(i+1) ⋯ M(count-1); the gradient of Mi is prefixᵀ G suffixᵀ.
      const prefix: (Tensor | null)[] = [null];
      for (let i = 1; i < count; i++)
        prefix.push(prefix[i - 1] ? prefix[i - 1]!.mm(matrices[i - 1]!) : matrices[i - 1]!);
      const suffix: (Tensor | null)[] = new Array<Tensor | null>(count).fill(null);
      for (let i = count - 2; i >= 0; i--)
        suffix[i] = suffix[i + 1] ? matrices[i + 1]!.mm(suffix[i + 1]!) : matrices[i + 1]!;
      return ctx.needsInputGrad.map((needed, i) => {
        if (!needed) return null;
        let gi = prefix[i] ? prefix[i]!.mT.mm(G) : G;
        if (suffix[i]) gi = gi.mm(suffix[i]!.mT);
        return gi.reshape(ctx.inputShape(i));
      });
    },
  },
  linalgVecdot: {
    // 1-d · 1-d is recorded with the dim as given (PyTorch computes it with vdot); other shapes with a wrapped dim.
    name: (attrs) => ((attrs.dim as number) < 0 ? 'VdotBackward0' : 'SumBackward1'),
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const vectors = ctx.inputShape(0).length === 1 && ctx.inputShape(1).length === 1;
      const gOut = vectors ? g : g.unsqueeze(ctx.attrs.dim as number);
      return [
        ctx.needsInputGrad[0] ? mul(gOut, ctx.input(1)) : null,
        ctx.needsInputGrad[1] ? mul(gOut, ctx.input(0)) : null,
      ];
    },
  },
  linalgVectorNorm: {
    name: 'LinalgVectorNormBackward0',
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const { ord, dim, keepdim } = ctx.attrs as { ord: number; dim: number[] | null; keepdim: boolean };
      return [vectorNormBackward(g, ctx.input(0), ord, ctx.output(0), dim, keepdim)];
    },
  },
  linalgMatrixNorm: {
    name: matrixNormName,
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const { ord, dim, keepdim } = ctx.attrs as {
        ord: number | string;
        dim: [number, number];
        keepdim: boolean;
      };
      const A = ctx.input(0);
      const [d0, d1] = dim;
      if (ord === 'fro') return [vectorNormBackward(g, A, 2, ctx.output(0), [d0, d1], keepdim)];
      if (ord === 'nuc' || ord === 2 || ord === -2)
        return [spectralNormBackward(g, A, ord as 'nuc' | number, d0, d1)];
      return [sumNormBackward(g, A, ord as number, d0, d1, keepdim)];
    },
  },
});
