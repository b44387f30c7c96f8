/** `torch.optim.Adamax`: Adam with the infinity norm. */

import { maximum, type Tensor, zerosLike } from '@proj/tensor';
import { stepTensor } from './adam.js';
import { checkBetas, checkNonNegative } from './internal/checks.js';
import { directedGrad, Optimizer, type ParamsInput, type StateSpec } from './optimizer.js';

/** Options of `Adamax`. */
export interface AdamaxOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** Accepted for compatibility; the single-tensor update is always used. */
  foreach: boolean | null;
  maximize: boolean;
}

/**
 * `torch.optim.Adamax`: `expInf = max(beta2 * expInf, |g| + eps)` and `p -= lr / (1 - beta1^t) * expAvg / expInf`.
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: ParamsInput<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    const defaults: AdamaxOptions = {
      lr: options.lr ?? 2e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      foreach: options.foreach ?? null,
      maximize: options.maximize ?? false,
    };
    checkNonNegative(defaults.lr, 'learning rate');
    checkNonNegative(defaults.eps, 'epsilon value');
    checkBetas(defaults.betas);
    checkNonNegative(defaults.weightDecay, 'weight_decay value');
    super(params, defaults);
  }

  protected override _stateSpec(): StateSpec {
    return { keys: ['step', 'expAvg', 'expInf'], paramShaped: ['expAvg', 'expInf'] };
  }

  protected _step(): void {
    for (const group of this.paramGroups) {
      const { lr, eps, weightDecay, maximize } = group;
      const [beta1, beta2] = group.betas;
      for (const param of group.params) {
        if (param.grad === null) continue;
        const state = this._stateOf(param);
        if (Object.keys(state).length === 0) {
          state.step = stepTensor();
          state.expAvg = zerosLike(param);
          state.expInf = zerosLike(param);
        }
        let grad = directedGrad(param.grad, maximize);
        const expAvg = state.expAvg as Tensor;
        const expInf = state.expInf as Tensor;
        const stepT = state.step as Tensor;
        stepT.add_(1);
        const step = stepT.item() as number;
        if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
        expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
        // amax over cat([expInf * beta2, |g| + eps]) is the elementwise maximum of the two
        expInf.mul_(beta2);
        expInf.copy_(maximum(expInf, grad.abs().add_(eps)));
        const clr = lr / (1 - beta1 ** step);
        param.addcdiv_(expAvg, expInf, { value: -clr });
      }
    }
  }
}
