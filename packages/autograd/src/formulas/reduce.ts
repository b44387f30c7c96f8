/**
 * Derivatives of reductions, scans and softmax. Ties in max/min-style reductions share the gradient evenly (as
 * PyTorch's full reductions and `amax` do); `max(dim)` sends it to the returned index.
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { defineFormulas, type Formula, type FormulaContext } from '../formula.js';

const { mul, div, where } = torch;

/** Reinserts reduced dims (as size 1) into a gradient that was produced with keepdim = false. */
function unsqueezeReduced(g: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  if (keepdim) return g;
  let out = g;
  for (const d of [...dims].sort((a, b) => a - b)) out = out.unsqueeze(d);
  return out;
}

function reducedGrad(ctx: FormulaContext, g: Tensor): Tensor {
  const dims = ctx.attrs.dim as number[];
  const keepdim = (ctx.attrs.keepdim as boolean | undefined) ?? false;
  return unsqueezeReduced(g, dims, keepdim).expand(ctx.inputShape(0));
}

function count(ctx: FormulaContext): number {
  const shape = ctx.inputShape(0);
  return (ctx.attrs.dim as number[]).reduce((n, d) => n * shape[d]!, 1);
}

function fullReductionName(base: string) {
  return (attrs: Readonly<Record<string, unknown>>) =>
    `${base}Backward${(attrs.dim as number[] | undefined)?.length === 0 || attrs.keepdim || attrs.explicitDim ? 1 : 0}`;
}

/** Evenly distributes the gradient among the elements equal to the extreme value. */
function evenlyDistributed(name: string): Formula {
  return {
    name,
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const x = ctx.input(0);
      const dims = (ctx.attrs.dim as number[] | undefined) ?? x.shape.map((_, i) => i);
      const keepdim = (ctx.attrs.keepdim as boolean | undefined) ?? false;
      const out = unsqueezeReduced(ctx.output(0), dims, keepdim);
      const mask = x.eq(out);
      const ties = mask.sum(dims, true);
      return [div(mul(unsqueezeReduced(g, dims, keepdim), mask), ties)];
    },
  };
}

/** `max(dim)` / `min(dim)`: the gradient goes to the index that was returned. */
function indexedExtremum(name: string): Formula {
  return {
    name,
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const dim = ctx.attrs.dim as number;
      const keepdim = ctx.attrs.keepdim as boolean;
      const shape = ctx.inputShape(0);
      if (shape.length === 0) return [g];
      const indices = unsqueezeReduced(ctx.output(1), [dim], keepdim);
      const positions = torch.arange(shape[dim]!).view(shape.map((s, i) => (i === dim ? s : 1)));
      const hit = positions.eq(indices);
      return [mul(hit, unsqueezeReduced(g, [dim], keepdim))];
    },
  };
}

/** cummax/cummin: each output's gradient goes to the element whose index it reported (summed where they repeat). */
function cumulativeExtremum(name: string): Formula {
  return {
    name,
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      if (ctx.inputShape(0).length === 0) return [g];
      const dim = ctx.attrs.dim as number;
      return [torch.zerosLike(g).scatterAdd(dim, ctx.output(1), g)];
    },
  };
}

/**
 * cumprod's gradient when the input has zeros (where out / x is undefined): grad_i = E_i * S_i with E_i the product of
 * the elements before i and S_i = g_i + x_{i+1} * S_{i+1}, a backward recurrence run one position at a time with
 * differentiable ops.
 */
function cumprodBackwardWithZeros(x: Tensor, g: Tensor, dim: number): Tensor {
  const n = x.size(dim);
  const exclusive: Tensor[] = [];
  let running = torch.onesLike(x.select(dim, 0));
  for (let i = 0; i < n; i++) {
    exclusive.push(running);
    running = mul(running, x.select(dim, i));
  }
  const grads = new Array<Tensor>(n);
  let suffix = g.select(dim, n - 1);
  grads[n - 1] = mul(exclusive[n - 1]!, suffix);
  for (let i = n - 2; i >= 0; i--) {
    suffix = torch.add(g.select(dim, i), mul(x.select(dim, i + 1), suffix));
    grads[i] = mul(exclusive[i]!, suffix);
  }
  return torch.stack(grads, dim);
}

/** Sum over positions j >= i along `dim` (a reversed cumulative sum), built from cumsum so it stays differentiable. */
function reverseCumsum(x: Tensor, dim: number): Tensor {
  return torch.sub(x.sum(dim, true), x.cumsum(dim)).add(x);
}

defineFormulas({
  sum: {
    name: fullReductionName('Sum'),
    backward(ctx, [g]) {
      return g ? [reducedGrad(ctx, g)] : [null];
    },
  },
  nansum: {
    name: 'NansumBackward0',
    saveInputs: [0],
    backward(ctx, [g]) {
      return g ? [mul(reducedGrad(ctx, g), ctx.input(0).isnan().logicalNot())] : [null];
    },
  },
  mean: {
    name: fullReductionName('Mean'),
    backward(ctx, [g]) {
      return g ? [div(reducedGrad(ctx, g), count(ctx))] : [null];
    },
  },
  nanmean: {
    name: 'NanmeanBackward0',
    saveInputs: [0],
    backward(ctx, [g]) {
      if (!g) return [null];
      const valid = ctx.input(0).isnan().logicalNot();
      const dims = ctx.attrs.dim as number[];
      return [div(mul(reducedGrad(ctx, g), valid), valid.sum(dims, true))];
    },
  },
  prod: {
    name: fullReductionName('Prod'),
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const x = ctx.input(0);
      const dims = ctx.attrs.dim as number[];
      const keepdim = ctx.attrs.keepdim as boolean;
      const out = unsqueezeReduced(ctx.output(0), dims, keepdim);
      const grad = unsqueezeReduced(g, dims, keepdim);
      // With no zero in a slice the gradient is out / x. With exactly one zero, only that element gets a gradient
      // (the product of the others); with two or more zeros everything is 0.
      const isZero = x.eq(0);
      const zeros = isZero.sum(dims, true);
      let productOthers = where(isZero, 1, x);
      for (const d of dims) productOthers = productOthers.prod(d, true);
      const noZero = div(out, where(isZero, 1, x));
      const oneZero = where(isZero, productOthers, 0);
      const local = where(zeros.eq(0), noZero, where(zeros.eq(1), oneZero, 0));
      return [mul(grad, local)];
    },
  },
  amax: evenlyDistributed('AmaxBackward0'),
  amin: evenlyDistributed('AminBackward0'),
  max: evenlyDistributed('MaxBackward1'),
  min: evenlyDistributed('MinBackward1'),
  maxDim: indexedExtremum('MaxBackward0'),
  minDim: indexedExtremum('MinBackward0'),
  var: {
    name: 'VarBackward0',
    saveInputs: [0],
    backward(ctx, [g]) {
      if (!g) return [null];
      const x = ctx.input(0);
      const dims = ctx.attrs.dim as number[];
      const correction = ctx.attrs.correction as number;
      const centred = torch.sub(x, x.mean(dims, true));
      return [mul(reducedGrad(ctx, g), mul(centred, 2 / Math.max(0, count(ctx) - correction)))];
    },
  },
  std: {
    name: 'StdBackward0',
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const x = ctx.input(0);
      const dims = ctx.attrs.dim as number[];
      const keepdim = ctx.attrs.keepdim as boolean;
      const correction = ctx.attrs.correction as number;
      const centred = torch.sub(x, x.mean(dims, true));
      const out = unsqueezeReduced(ctx.output(0), dims, keepdim);
      return [mul(reducedGrad(ctx, g), div(centred, mul(out, Math.max(0, count(ctx) - correction))))];
    },
  },
  logsumexp: {
    name: 'LogsumexpBackward0',
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const dims = ctx.attrs.dim as number[];
      const keepdim = ctx.attrs.keepdim as boolean;
      const out = unsqueezeReduced(ctx.output(0), dims, keepdim);
      return [mul(unsqueezeReduced(g, dims, keepdim), torch.sub(ctx.input(0), out).exp())];
    },
  },
  norm: {
    name: 'NormBackward1',
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const x = ctx.input(0);
      const p = ctx.attrs.p as number;
      const dims = ctx.attrs.dim as number[];
      const keepdim = ctx.attrs.keepdim as boolean;
      const out = unsqueezeReduced(ctx.output(0), dims, keepdim);
      const grad = unsqueezeReduced(g, dims, keepdim);
      if (p === 0) return [mul(grad, 0).expand(x.shape)];
      if (p === 1) return [mul(grad, x.sign())];
      if (p === Infinity || p === -Infinity) {
        const mask = x.abs().eq(out);
        return [div(mul(mul(grad, x.sign()), mask), mask.sum(dims, true))];
      }
      if (p === 2) return [where(out.eq(0), 0, mul(grad, div(x, out)))];
      const scaled = mul(x, x.abs().pow(p - 2));
      return [where(out.eq(0), 0, mul(grad, div(scaled, out.pow(p - 1))))];
    },
  },
  cumsum: {
    name: 'CumsumBackward0',
    backward(ctx, [g]) {
      if (!g) return [null];
      const dim = ctx.attrs.dim as number;
      return [ctx.inputShape(0).length === 0 ? g : reverseCumsum(g, dim)];
    },
  },
  cumprod: {
    name: 'CumprodBackward0',
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const x = ctx.input(0);
      const dim = ctx.attrs.dim as number;
      if (x.dim() === 0) return [g];
      // d out_j / d x_i = out_j / x_i for j >= i when no input is zero.
      if (!(x.eq(0).any().item() as boolean)) return [div(reverseCumsum(mul(g, ctx.output(0)), dim), x)];
      return [cumprodBackwardWithZeros(x, g, dim)];
    },
  },
  logcumsumexp: {
    name: 'LogcumsumexpBackward0',
    saveInputs: [0],
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const x = ctx.input(0);
      const dim = ctx.attrs.dim as number;
      if (x.dim() === 0) return [g];
      // grad_i = sum_{j >= i} g_j exp(x_i - out_j)
      return [mul(reverseCumsum(mul(g, ctx.output(0).neg().exp()), dim), x.exp())];
    },
  },
  cummax: cumulativeExtremum('CummaxBackward0'),
  cummin: cumulativeExtremum('CumminBackward0'),
  softmax: {
    name: 'SoftmaxBackward0',
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const y = ctx.output(0);
      const dim = ctx.attrs.dim as number;
      return [mul(y, torch.sub(g, mul(g, y).sum(dim, true)))];
    },
  },
  logSoftmax: {
    name: 'LogSoftmaxBackward0',
    saveOutputs: true,
    backward(ctx, [g]) {
      if (!g) return [null];
      const y = ctx.output(0);
      const dim = ctx.attrs.dim as number;
      return [torch.sub(g, mul(y.exp(), g.sum(dim, true)))];
    },
  },
});
