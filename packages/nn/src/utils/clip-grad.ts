/** `clip_grad_norm_` and `clip_grad_value_`. */
import { noGrad } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';

function gradsOf(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const list = parameters instanceof torch.Tensor ? [parameters] : [...parameters];
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/**
 * `clip_grad_norm_(parameters, max_norm, norm_type=2, error_if_nonfinite=False)`: scales all gradients in place so
 * that their joint norm is at most `maxNorm`; returns the norm before clipping.
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  options?: { normType?: number; errorIfNonfinite?: boolean },
): Tensor {
  const normType = options?.normType ?? 2;
  const grads = gradsOf(parameters);
  if (grads.length === 0) return torch.tensor(0);
  return noGrad(() => {
    let totalNorm: Tensor;
    if (normType === Number.POSITIVE_INFINITY) {
      totalNorm = torch.stack(grads.map(maxAbs)).max();
    } else {
      totalNorm = torch.stack(grads.map((g) => g.detach().norm(normType))).norm(normType);
    }
    const value = Number(totalNorm.item());
    if (options?.errorIfNonfinite && !Number.isFinite(value)) {
      throw new torch.RuntimeError(
        `The total norm of order ${normType === Number.POSITIVE_INFINITY ? 'inf' : torchFloat(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``,
      );
    }
    const clipCoefficient = totalNorm.add(1e-6).reciprocal().mul(maxNorm);
    const clamped = clipCoefficient.clampMax(1);
    for (const g of grads) g.mul_(clamped.to(g.dtype));
    return totalNorm;
  });
}

/** The largest absolute element (0 for a sparse gradient without entries). */
function maxAbs(grad: Tensor): Tensor {
  if (!grad.isSparse) return grad.detach().abs().max();
  const values = grad.coalesce()._values();
  return values.numel() === 0 ? torch.zeros([], { dtype: grad.dtype }) : values.abs().max();
}

function torchFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** `clip_grad_value_(parameters, clip_value)`: clamps every gradient element to `[-clipValue, clipValue]`. */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  noGrad(() => {
    for (const g of gradsOf(parameters)) g.clamp_(-clipValue, clipValue);
  });
}
