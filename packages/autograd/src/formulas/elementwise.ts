/**
 * Derivatives of the elementwise ops (PyTorch's derivatives.yaml, including its subgradient conventions: `abs`
 * and `relu` have gradient 0 at 0, `maximum`/`minimum` split ties evenly, `clamp` passes the gradient at the bounds).
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { defineFormulas, type Formula } from '../formula.js';

const { mul, div, neg, where } = torch;
const LN2 = Math.LN2;
const LN10 = Math.LN10;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

type Grads = readonly (Tensor | null)[];

/** Gradient that does not flow (piecewise-constant ops). */
const zeroGrad = (g: Tensor) => mul(g, 0);

/** A one-input formula over the saved input `x`, output `y` and incoming gradient `g`. */
function unary(
  name: string,
  grad: (g: Tensor, x: () => Tensor, y: () => Tensor) => Tensor,
  save: { input?: boolean; output?: boolean } = { input: true },
): Formula {
  return {
    name,
    saveInputs: save.input ? [0] : [],
    saveOutputs: save.output ?? false,
    backward(ctx, grads: Grads) {
      const g = grads[0];
      if (g === null || g === undefined) return [null];
      return [
        grad(
          g,
          () => ctx.input(0),
          () => ctx.output(0),
        ),
      ];
    },
  };
}

const outputOnly = { output: true };
const nothing = {};

defineFormulas({
  neg: unary('NegBackward0', (g) => neg(g), nothing),
  abs: unary('AbsBackward0', (g, x) => mul(g, x().sign())),
  sign: unary('SignBackward0', zeroGrad, nothing),
  square: unary('PowBackward0', (g, x) => mul(g, mul(x(), 2))),
  reciprocal: unary('ReciprocalBackward0', (g, _x, y) => mul(neg(g), mul(y(), y())), outputOnly),
  exp: unary('ExpBackward0', (g, _x, y) => mul(g, y()), outputOnly),
  exp2: unary('Exp2Backward0', (g, _x, y) => mul(g, mul(y(), LN2)), outputOnly),
  expm1: unary('Expm1Backward0', (g, _x, y) => mul(g, y().add(1)), outputOnly),
  log: unary('LogBackward0', (g, x) => div(g, x())),
  log1p: unary('Log1PBackward0', (g, x) => div(g, x().add(1))),
  log2: unary('Log2Backward0', (g, x) => div(g, mul(x(), LN2))),
  log10: unary('Log10Backward0', (g, x) => div(g, mul(x(), LN10))),
  sqrt: unary('SqrtBackward0', (g, _x, y) => div(g, mul(y(), 2)), outputOnly),
  rsqrt: unary('RsqrtBackward0', (g, _x, y) => mul(g, mul(y().pow(3), -0.5)), outputOnly),
  sin: unary('SinBackward0', (g, x) => mul(g, x().cos())),
  cos: unary('CosBackward0', (g, x) => mul(g, neg(x().sin()))),
  tan: unary('TanBackward0', (g, _x, y) => mul(g, y().square().add(1)), outputOnly),
  asin: unary('AsinBackward0', (g, x) => mul(g, torch.sub(1, x().square()).rsqrt())),
  acos: unary('AcosBackward0', (g, x) => mul(g, neg(torch.sub(1, x().square()).rsqrt()))),
  atan: unary('AtanBackward0', (g, x) => div(g, x().square().add(1))),
  sinh: unary('SinhBackward0', (g, x) => mul(g, x().cosh())),
  cosh: unary('CoshBackward0', (g, x) => mul(g, x().sinh())),
  tanh: unary('TanhBackward0', (g, _x, y) => mul(g, torch.sub(1, y().square())), outputOnly),
  asinh: unary('AsinhBackward0', (g, x) => mul(g, x().square().add(1).rsqrt())),
  acosh: unary('AcoshBackward0', (g, x) => mul(g, x().square().sub(1).rsqrt())),
  atanh: unary('AtanhBackward0', (g, x) => div(g, torch.sub(1, x().square()))),
  sigmoid: unary('SigmoidBackward0', (g, _x, y) => mul(g, mul(y(), torch.sub(1, y()))), outputOnly),
  logit: unary('LogitBackward0', (g, x) => div(g, mul(x(), torch.sub(1, x())))),
  erf: unary('ErfBackward0', (g, x) => mul(g, mul(x().square().neg().exp(), TWO_OVER_SQRT_PI))),
  erfc: unary('ErfcBackward0', (g, x) => mul(g, mul(x().square().neg().exp(), -TWO_OVER_SQRT_PI))),
  erfinv: unary(
    'ErfinvBackward0',
    (g, _x, y) => mul(g, mul(y().square().exp(), Math.sqrt(Math.PI) / 2)),
    outputOnly,
  ),
  floor: unary('FloorBackward0', zeroGrad, nothing),
  ceil: unary('CeilBackward0', zeroGrad, nothing),
  trunc: unary('TruncBackward0', zeroGrad, nothing),
  round: unary('RoundBackward0', zeroGrad, nothing),
  frac: unary('FracBackward0', (g) => g, nothing),
  relu: unary('ReluBackward0', (g, _x, y) => torch.thresholdBackward(g, y(), 0), outputOnly),
  thresholdBackward: {
    name: 'ThresholdBackwardBackward0',
    saveInputs: [1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      // Linear in the incoming gradient; piecewise constant in the output.
      return [torch.thresholdBackward(g, ctx.input(1), ctx.attrs.threshold as number), null];
    },
  },
  nanToNum: unary('NanToNumBackward0', (g, x) => mul(g, x().isfinite())),
  clone: unary('CloneBackward0', (g) => g, nothing),
  to: unary('ToCopyBackward0', (g) => g, nothing),
  fill_: unary('FillBackward0', zeroGrad, nothing),

  add: {
    name: 'AddBackward0',
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const alpha = ctx.attrs.alpha as number | undefined;
      return [g, alpha === undefined || alpha === 1 ? g : mul(g, alpha)];
    },
  },
  sub: {
    name: 'SubBackward0',
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const alpha = ctx.attrs.alpha as number | undefined;
      return [g, alpha === undefined || alpha === 1 ? neg(g) : mul(g, -alpha)];
    },
  },
  mul: {
    name: 'MulBackward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      return [
        ctx.needsInputGrad[0] ? mul(g, ctx.input(1)) : null,
        ctx.needsInputGrad[1] ? mul(g, ctx.input(0)) : null,
      ];
    },
  },
  div: {
    name: 'DivBackward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const b = ctx.input(1);
      return [
        ctx.needsInputGrad[0] ? div(g, b) : null,
        ctx.needsInputGrad[1] ? neg(mul(g, div(ctx.input(0), mul(b, b)))) : null,
      ];
    },
  },
  floorDivide: {
    name: 'DivBackward1',
    backward(_ctx, [g]) {
      return g ? [zeroGrad(g), zeroGrad(g)] : [null, null];
    },
  },
  remainder: {
    name: 'RemainderBackward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      return [
        g,
        ctx.needsInputGrad[1]
          ? neg(mul(g, div(ctx.input(0), ctx.input(1), { roundingMode: 'floor' })))
          : null,
      ];
    },
  },
  fmod: {
    name: 'FmodBackward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      return [
        g,
        ctx.needsInputGrad[1]
          ? neg(mul(g, div(ctx.input(0), ctx.input(1), { roundingMode: 'trunc' })))
          : null,
      ];
    },
  },
  pow: {
    name: 'PowBackward1',
    saveInputs: [0, 1],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const x = ctx.input(0);
      const e = ctx.input(1);
      // d/dx x^e = e x^(e-1), taken as 0 where e == 0 (so 0^0 has gradient 0, as in PyTorch)
      const gx = ctx.needsInputGrad[0] ? where(e.eq(0), 0, mul(g, mul(e, x.pow(e.sub(1))))) : null;
      // d/de x^e = x^e log x, taken as 0 where x == 0 and e >= 0
      const ge = ctx.needsInputGrad[1]
        ? where(torch.logicalAnd(x.eq(0), e.ge(0)), 0, mul(g, mul(ctx.output(0), x.log())))
        : null;
      return [gx, ge];
    },
  },
  atan2: {
    name: 'Atan2Backward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const a = ctx.input(0);
      const b = ctx.input(1);
      const denominator = torch.add(a.square(), b.square());
      return [mul(g, div(b, denominator)), mul(g, div(neg(a), denominator))];
    },
  },
  hypot: {
    name: 'HypotBackward0',
    saveInputs: [0, 1],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const out = ctx.output(0);
      return [mul(g, div(ctx.input(0), out)), mul(g, div(ctx.input(1), out))];
    },
  },
  copysign: {
    name: 'CopysignBackward0',
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const x = ctx.input(0);
      return [where(x.eq(0), 0, mul(g, div(ctx.output(0), x))), zeroGrad(g)];
    },
  },
  logaddexp: {
    name: 'LogaddexpBackward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const a = ctx.input(0);
      const b = ctx.input(1);
      return [div(g, torch.sub(b, a).exp().add(1)), div(g, torch.sub(a, b).exp().add(1))];
    },
  },
  logaddexp2: {
    name: 'Logaddexp2Backward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const a = ctx.input(0);
      const b = ctx.input(1);
      return [div(g, torch.sub(b, a).exp2().add(1)), div(g, torch.sub(a, b).exp2().add(1))];
    },
  },
  xlogy: {
    name: 'XlogyBackward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const x = ctx.input(0);
      const y = ctx.input(1);
      const gx = where(torch.logicalAnd(x.eq(0), y.le(0)), 0, torch.xlogy(g, y));
      return [gx, mul(g, div(x, y))];
    },
  },
  maximum: extremumFormula('MaximumBackward0', 'gt'),
  minimum: extremumFormula('MinimumBackward0', 'lt'),
  fmax: nanExtremumFormula('FmaxBackward0', 'ge'),
  fmin: nanExtremumFormula('FminBackward0', 'le'),
  where: {
    name: 'WhereBackward0',
    saveInputs: [0],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const condition = ctx.input(0);
      return [null, where(condition, g, 0), where(condition, 0, g)];
    },
  },
  lerp: {
    name: 'LerpBackward1',
    saveInputs: [0, 1, 2],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const w = ctx.input(2);
      return [
        mul(g, torch.sub(1, w)),
        mul(g, w),
        ctx.needsInputGrad[2] ? mul(g, torch.sub(ctx.input(1), ctx.input(0))) : null,
      ];
    },
  },
  addcmul: {
    name: 'AddcmulBackward0',
    saveInputs: [1, 2],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const value = (ctx.attrs.value as number | undefined) ?? 1;
      return [
        g,
        ctx.needsInputGrad[1] ? mul(g, mul(ctx.input(2), value)) : null,
        ctx.needsInputGrad[2] ? mul(g, mul(ctx.input(1), value)) : null,
      ];
    },
  },
  addcdiv: {
    name: 'AddcdivBackward0',
    saveInputs: [1, 2],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const value = (ctx.attrs.value as number | undefined) ?? 1;
      const t2 = ctx.input(2);
      return [
        g,
        ctx.needsInputGrad[1] ? mul(g, div(value, t2)) : null,
        ctx.needsInputGrad[2] ? neg(mul(g, div(mul(ctx.input(1), value), t2.square()))) : null,
      ];
    },
  },
  clamp: {
    name: (attrs) => ('min' in attrs || 'max' in attrs ? 'ClampBackward1' : 'ClampBackward0'),
    saveInputs: [0, 1, 2],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const x = ctx.input(0);
      if ('min' in ctx.attrs || 'max' in ctx.attrs) {
        const lo = ctx.attrs.min as number | null | undefined;
        const hi = ctx.attrs.max as number | null | undefined;
        let inside = torch.onesLike(x, { dtype: 'bool' });
        if (lo !== null && lo !== undefined) inside = torch.logicalAnd(inside, x.ge(lo));
        if (hi !== null && hi !== undefined) inside = torch.logicalAnd(inside, x.le(hi));
        return [mul(g, inside)];
      }
      const lo = ctx.input(1);
      const hi = ctx.input(2);
      const inside = torch.logicalAnd(x.ge(lo), x.le(hi));
      return [where(inside, g, 0), where(x.lt(lo), g, 0), where(x.gt(hi), g, 0)];
    },
  },
  clampMin: {
    name: 'ClampMinBackward1',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const x = ctx.input(0);
      const lo = ctx.input(1);
      return [where(x.ge(lo), g, 0), where(x.lt(lo), g, 0)];
    },
  },
  clampMax: {
    name: 'ClampMaxBackward1',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const x = ctx.input(0);
      const hi = ctx.input(1);
      return [where(x.le(hi), g, 0), where(x.gt(hi), g, 0)];
    },
  },
  copy_: {
    name: 'CopyBackwards',
    backward(_ctx, [g]) {
      if (!g) return [null, null];
      return [zeroGrad(g), g];
    },
  },
});

/** maximum/minimum: the gradient goes to the larger (smaller) input, split evenly on ties. */
function extremumFormula(name: string, compare: 'gt' | 'lt'): Formula {
  return {
    name,
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const a = ctx.input(0);
      const b = ctx.input(1);
      const tie = a.eq(b);
      const half = mul(g, 0.5);
      const aWins = compare === 'gt' ? a.gt(b) : a.lt(b);
      const bWins = compare === 'gt' ? a.lt(b) : a.gt(b);
      return [where(tie, half, where(aWins, g, 0)), where(tie, half, where(bWins, g, 0))];
    },
  };
}

/** fmax/fmin: like maximum/minimum but NaN loses; ties go to the first input. */
function nanExtremumFormula(name: string, compare: 'ge' | 'le'): Formula {
  return {
    name,
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const a = ctx.input(0);
      const b = ctx.input(1);
      const aChosen = torch.logicalOr(compare === 'ge' ? a.ge(b) : a.le(b), b.isnan());
      return [where(aChosen, g, 0), where(aChosen, 0, g)];
    },
  };
}
