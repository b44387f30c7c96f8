/** `torch.optim.RMSprop` (Hinton), with the centered variant and momentum. */

import { type Tensor, zerosLike } from '@proj/tensor';
import { checkNonNegative } from './internal/checks.js';
import { directedGrad, Optimizer, type ParamsInput, type StateSpec } from './optimizer.js';

/** Options of `RMSprop`. */
export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  /** Accepted for compatibility; the single-tensor update is always used. */
  foreach: boolean | null;
  maximize: boolean;
  /** Runs the step with grad mode on, so the update is recorded. */
  differentiable: boolean;
}

/**
 * `torch.optim.RMSprop`: `v = alpha v + (1 - alpha) g^2`; the denominator is `sqrt(v) + eps` (or, centered,
 * `sqrt(v - mean(g)^2) + eps`); eps is added outside the square root, as in PyTorch.
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    const defaults: RMSpropOptions = {
      lr: options.lr ?? 1e-2,
      alpha: options.alpha ?? 0.99,
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      momentum: options.momentum ?? 0,
      centered: options.centered ?? false,
      foreach: options.foreach ?? null,
      maximize: options.maximize ?? false,
      differentiable: options.differentiable ?? false,
    };
    checkNonNegative(defaults.lr, 'learning rate');
    checkNonNegative(defaults.eps, 'epsilon value');
    checkNonNegative(defaults.momentum, 'momentum value');
    checkNonNegative(defaults.weightDecay, 'weight_decay value');
    checkNonNegative(defaults.alpha, 'alpha value');
    super(params, defaults);
  }

  protected override _stateSpec(): StateSpec {
    return {
      keys: ['step', 'squareAvg', 'momentumBuffer', 'gradAvg'],
      paramShaped: ['squareAvg', 'momentumBuffer', 'gradAvg'],
    };
  }

  protected _step(): void {
    for (const group of this.paramGroups) {
      const { lr, alpha, eps, weightDecay, momentum, centered, maximize, differentiable } = group;
      for (const param of group.params) {
        if (param.grad === null) continue;
        const state = this._stateOf(param);
        if (Object.keys(state).length === 0) {
          state.step = 0;
          state.squareAvg = zerosLike(param);
          if (momentum > 0) state.momentumBuffer = zerosLike(param);
          if (centered) state.gradAvg = zerosLike(param);
        }
        state.step += 1;
        let grad = directedGrad(param.grad, maximize);
        const squareAvg = state.squareAvg as Tensor;
        if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
        squareAvg.mul_(alpha).addcmul_(grad, grad, { value: 1 - alpha });
        let avg: Tensor;
        if (centered) {
          const gradAvg = state.gradAvg as Tensor;
          gradAvg.mul_(alpha).add_(grad, { alpha: 1 - alpha });
          avg = squareAvg.addcmul(gradAvg, gradAvg, { value: -1 }).sqrt_();
        } else {
          avg = squareAvg.sqrt();
        }
        avg = differentiable ? avg.add(eps) : avg.add_(eps);
        if (momentum > 0) {
          const buf = state.momentumBuffer as Tensor;
          buf.mul_(momentum).addcdiv_(grad, avg);
          param.add_(buf, { alpha: -lr });
        } else {
          param.addcdiv_(grad, avg, { value: -lr });
        }
      }
    }
  }
}
