/** `torch.optim.Adadelta` (Zeiler). */

import { type Tensor, ValueError, zerosLike } from '@proj/tensor';
import { checkNonNegative } from './internal/checks.js';
import { pyStr } from './internal/python.js';
import { directedGrad, Optimizer, type ParamsInput, type StateSpec } from './optimizer.js';

/** Options of `Adadelta`. */
export interface AdadeltaOptions {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  /** Accepted for compatibility; the single-tensor update is always used. */
  foreach: boolean | null;
  maximize: boolean;
}

/**
 * `torch.optim.Adadelta`: `delta = sqrt(accDelta + eps) / sqrt(squareAvg + eps) * g`, `p -= lr * delta`.
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: ParamsInput<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    const defaults: AdadeltaOptions = {
      lr: options.lr ?? 1.0,
      rho: options.rho ?? 0.9,
      eps: options.eps ?? 1e-6,
      weightDecay: options.weightDecay ?? 0,
      foreach: options.foreach ?? null,
      maximize: options.maximize ?? false,
    };
    checkNonNegative(defaults.lr, 'learning rate');
    if (!(0 <= defaults.rho && defaults.rho <= 1))
      throw new ValueError(`Invalid rho value: ${pyStr(defaults.rho)}`);
    checkNonNegative(defaults.eps, 'epsilon value');
    checkNonNegative(defaults.weightDecay, 'weight_decay value');
    super(params, defaults);
  }

  protected override _stateSpec(): StateSpec {
    return { keys: ['step', 'squareAvg', 'accDelta'], paramShaped: ['squareAvg', 'accDelta'] };
  }

  protected _step(): void {
    for (const group of this.paramGroups) {
      const { lr, rho, eps, weightDecay, maximize } = group;
      for (const param of group.params) {
        if (param.grad === null) continue;
        const state = this._stateOf(param);
        if (Object.keys(state).length === 0) {
          state.step = 0;
          state.squareAvg = zerosLike(param);
          state.accDelta = zerosLike(param);
        }
        state.step += 1;
        let grad = directedGrad(param.grad, maximize);
        const squareAvg = state.squareAvg as Tensor;
        const accDelta = state.accDelta as Tensor;
        if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
        squareAvg.mul_(rho).addcmul_(grad, grad, { value: 1 - rho });
        const std = squareAvg.add(eps).sqrt_();
        const delta = accDelta.add(eps).sqrt_().div_(std).mul_(grad);
        accDelta.mul_(rho).addcmul_(delta, delta, { value: 1 - rho });
        param.add_(delta, { alpha: -lr });
      }
    }
  }
}
