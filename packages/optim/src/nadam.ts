/** `torch.optim.NAdam`: Adam with Nesterov momentum (Dozat). */

import { type Tensor, tensor, zerosLike } from '@proj/tensor';
import { stepTensor } from './adam.js';
import { checkBetas, checkNonNegative } from './internal/checks.js';
import { Optimizer, type ParamsInput, type StateSpec } from './optimizer.js';

/** Options of `NAdam`. */
export interface NAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  momentumDecay: number;
  /** Accepted for compatibility; the single-tensor update is always used. */
  foreach: boolean | null;
}

/**
 * `torch.optim.NAdam`, PyTorch 1.13's form: the momentum schedule `mu_t = beta1 (1 - 0.5 * 0.96^(t * psi))` with its
 * running product kept as a float32 scalar tensor, as PyTorch keeps it (so the rounding matches).
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: ParamsInput<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    const defaults: NAdamOptions = {
      lr: options.lr ?? 2e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      momentumDecay: options.momentumDecay ?? 4e-3,
      foreach: options.foreach ?? null,
    };
    checkNonNegative(defaults.lr, 'learning rate');
    checkNonNegative(defaults.eps, 'epsilon value');
    checkBetas(defaults.betas);
    checkNonNegative(defaults.weightDecay, 'weight_decay value');
    checkNonNegative(defaults.momentumDecay, 'momentum_decay value');
    super(params, defaults);
  }

  protected override _stateSpec(): StateSpec {
    return { keys: ['step', 'muProduct', 'expAvg', 'expAvgSq'], paramShaped: ['expAvg', 'expAvgSq'] };
  }

  protected _step(): void {
    for (const group of this.paramGroups) {
      const { lr, eps, weightDecay, momentumDecay } = group;
      const [beta1, beta2] = group.betas;
      for (const param of group.params) {
        if (param.grad === null) continue;
        const state = this._stateOf(param);
        if (Object.keys(state).length === 0) {
          state.step = stepTensor();
          state.muProduct = tensor(1, { dtype: 'float32' });
          state.expAvg = zerosLike(param);
          state.expAvgSq = zerosLike(param);
        }
        let grad = param.grad;
        const expAvg = state.expAvg as Tensor;
        const expAvgSq = state.expAvgSq as Tensor;
        const muProduct = state.muProduct as Tensor;
        const stepT = state.step as Tensor;
        stepT.add_(1);
        const step = stepT.item() as number;
        const biasCorrection2 = 1 - beta2 ** step;
        if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
        const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
        const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
        muProduct.mul_(mu);
        const muProductNext = muProduct.mul(mu).mul(muNext);
        expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
        expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
        const denom = expAvgSq.div(biasCorrection2).sqrt().add_(eps);
        param.addcdiv_(grad, denom, { value: (-lr * (1 - mu)) / (1 - (muProduct.item() as number)) });
        param.addcdiv_(expAvg, denom, { value: (-lr * muNext) / (1 - (muProductNext.item() as number)) });
      }
    }
  }
}
