/**
 * Derivatives of the matrix products.
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { defineFormulas } from '../formula.js';
import { sumToShape } from '../sum-to-shape.js';

const { mul } = torch;

/** Scales by a recorded alpha/beta (1 when absent). */
function scale(t: Tensor, factor: unknown): Tensor {
  return factor === undefined || factor === 1 ? t : mul(t, factor as number);
}

defineFormulas({
  mm: {
    name: 'MmBackward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      return [
        ctx.needsInputGrad[0] ? g.mm(ctx.input(1).t()) : null,
        ctx.needsInputGrad[1] ? ctx.input(0).t().mm(g) : null,
      ];
    },
  },
  bmm: {
    name: 'BmmBackward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      return [
        ctx.needsInputGrad[0] ? g.bmm(ctx.input(1).mT) : null,
        ctx.needsInputGrad[1] ? ctx.input(0).mT.bmm(g) : null,
      ];
    },
  },
  dot: {
    name: 'DotBackward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      return [
        ctx.needsInputGrad[0] ? mul(g, ctx.input(1)) : null,
        ctx.needsInputGrad[1] ? mul(g, ctx.input(0)) : null,
      ];
    },
  },
  mv: {
    name: 'MvBackward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      return [
        ctx.needsInputGrad[0] ? g.outer(ctx.input(1)) : null,
        ctx.needsInputGrad[1] ? ctx.input(0).t().mv(g) : null,
      ];
    },
  },
  matmul: {
    name: 'UnsafeViewBackward0',
    saveInputs: [0, 1],
    backward(ctx, [g]) {
      if (!g) return [null, null];
      const a = ctx.input(0);
      const b = ctx.input(1);
      // Restore the dims that matmul added to 1-d operands and removed from the result.
      const a2 = a.dim() === 1 ? a.unsqueeze(0) : a;
      const b2 = b.dim() === 1 ? b.unsqueeze(1) : b;
      let g2 = g;
      if (a.dim() === 1) g2 = g2.unsqueeze(-2);
      if (b.dim() === 1) g2 = g2.unsqueeze(-1);
      const ga = ctx.needsInputGrad[0] ? sumToShape(g2.matmul(b2.mT), a2.shape).reshape(a.shape) : null;
      const gb = ctx.needsInputGrad[1] ? sumToShape(a2.mT.matmul(g2), b2.shape).reshape(b.shape) : null;
      return [ga, gb];
    },
  },
  addmm: {
    name: 'AddmmBackward0',
    saveInputs: [1, 2],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const { alpha, beta } = ctx.attrs;
      return [
        ctx.needsInputGrad[0] ? scale(g, beta) : null,
        ctx.needsInputGrad[1] ? scale(g.mm(ctx.input(2).t()), alpha) : null,
        ctx.needsInputGrad[2] ? scale(ctx.input(1).t().mm(g), alpha) : null,
      ];
    },
  },
  addmv: {
    name: 'AddmvBackward0',
    saveInputs: [1, 2],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const { alpha, beta } = ctx.attrs;
      return [
        ctx.needsInputGrad[0] ? scale(g, beta) : null,
        ctx.needsInputGrad[1] ? scale(g.outer(ctx.input(2)), alpha) : null,
        ctx.needsInputGrad[2] ? scale(ctx.input(1).t().mv(g), alpha) : null,
      ];
    },
  },
  baddbmm: {
    name: 'BaddbmmBackward0',
    saveInputs: [1, 2],
    backward(ctx, [g]) {
      if (!g) return [null, null, null];
      const { alpha, beta } = ctx.attrs;
      return [
        ctx.needsInputGrad[0] ? scale(g, beta) : null,
        ctx.needsInputGrad[1] ? scale(g.bmm(ctx.input(2).mT), alpha) : null,
        ctx.needsInputGrad[2] ? scale(ctx.input(1).mT.bmm(g), alpha) : null,
      ];
    },
  },
});
