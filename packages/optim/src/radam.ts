/** `torch.optim.RAdam`: rectified Adam (Liu et al.). */

import { type Tensor, zerosLike } from '@proj/tensor';
import { stepTensor } from './adam.js';
import { checkBetas, checkNonNegative } from './internal/checks.js';
import { Optimizer, type ParamsInput, type StateSpec } from './optimizer.js';

/** Options of `RAdam`. */
export interface RAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** Accepted for compatibility; the single-tensor update is always used. */
  foreach: boolean | null;
}

/**
 * `torch.optim.RAdam`: while the variance of the adaptive rate is intractable (`rho_t <= 5`) the step is plain
 * momentum SGD; afterwards the Adam step is scaled by the rectification term.
 */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: ParamsInput<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    const defaults: RAdamOptions = {
      lr: options.lr ?? 1e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      foreach: options.foreach ?? null,
    };
    checkNonNegative(defaults.lr, 'learning rate');
    checkNonNegative(defaults.eps, 'epsilon value');
    checkBetas(defaults.betas);
    checkNonNegative(defaults.weightDecay, 'weight_decay value');
    super(params, defaults);
  }

  protected override _stateSpec(): StateSpec {
    return { keys: ['step', 'expAvg', 'expAvgSq'], paramShaped: ['expAvg', 'expAvgSq'] };
  }

  protected _step(): void {
    for (const group of this.paramGroups) {
      const { lr, eps, weightDecay } = group;
      const [beta1, beta2] = group.betas;
      for (const param of group.params) {
        if (param.grad === null) continue;
        const state = this._stateOf(param);
        if (Object.keys(state).length === 0) {
          state.step = stepTensor();
          state.expAvg = zerosLike(param);
          state.expAvgSq = zerosLike(param);
        }
        let grad = param.grad;
        const expAvg = state.expAvg as Tensor;
        const expAvgSq = state.expAvgSq as Tensor;
        const stepT = state.step as Tensor;
        stepT.add_(1);
        const step = stepT.item() as number;
        const biasCorrection1 = 1 - beta1 ** step;
        const biasCorrection2 = 1 - beta2 ** step;
        if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
        expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
        expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
        const biasCorrectedExpAvg = expAvg.div(biasCorrection1);
        const rhoInf = 2 / (1 - beta2) - 1;
        const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
        if (rhoT > 5) {
          const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
          const adaptiveLr = expAvgSq.sqrt().add_(eps).reciprocal().mul(Math.sqrt(biasCorrection2));
          param.add_(biasCorrectedExpAvg.mul(lr).mul(adaptiveLr).mul(rect), { alpha: -1 });
        } else {
          param.add_(biasCorrectedExpAvg.mul(lr), { alpha: -1 });
        }
      }
    }
  }
}
