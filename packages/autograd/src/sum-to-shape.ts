/**
 * NOTE [Broadcasting in backward]: an op that broadcast its inputs produces gradients of the broadcast shape. This is
 * the one place where they are summed back to each input's shape (leading dims, then dims that were size 1), so
 * formulas never deal with broadcasting themselves.
 */
import type { Tensor } from '@proj/tensor';

/** Sums `grad` down to `shape` (a shape it was broadcast from). */
export function sumToShape(grad: Tensor, shape: readonly number[]): Tensor {
  const gradShape = grad.shape;
  if (gradShape.length === shape.length && gradShape.every((d, i) => d === shape[i])) return grad;
  const lead = gradShape.length - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < gradShape.length; i++) {
    if (i < lead) dims.push(i);
    else if (shape[i - lead] === 1 && gradShape[i] !== 1) dims.push(i);
  }
  let reduced = dims.length > 0 ? grad.sum(dims, true) : grad;
  if (lead > 0 || reduced.dim() !== shape.length) reduced = reduced.reshape([...shape]);
  return reduced;
}
