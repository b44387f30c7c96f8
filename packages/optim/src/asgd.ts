/** `torch.optim.ASGD`: averaged stochastic gradient descent (Polyak & Juditsky). */
import { type Tensor, tensor, zerosLike } from '@proj/tensor';
import { stepTensor } from './adam.js';
import { checkNonNegative } from './internal/checks.js';
import { directedGrad, Optimizer, type ParamsInput, type StateSpec } from './optimizer.js';

/** Options of `ASGD`. */
export interface ASGDOptions {
  lr: number;
  lambd: number;
  alpha: number;
  t0: number;
  weightDecay: number;
  /** Accepted for compatibility; the single-tensor update is always used. */
  foreach: boolean | null;
  maximize: boolean;
}

/**
 * `torch.optim.ASGD`: SGD with a decaying rate `eta_t = lr / (1 + lambd lr t)^alpha` and a running average `ax`
 * of the parameters from step `t0` on. `eta` and `mu` are float32 scalar tensors, as in PyTorch 1.13.
 */
export class ASGD extends Optimizer<ASGDOptions> {
  constructor(params: ParamsInput<ASGDOptions>, options: Partial<ASGDOptions> = {}) {
    const defaults: ASGDOptions = {
      lr: options.lr ?? 1e-2,
      lambd: options.lambd ?? 1e-4,
      alpha: options.alpha ?? 0.75,
      t0: options.t0 ?? 1e6,
      weightDecay: options.weightDecay ?? 0,
      foreach: options.foreach ?? null,
      maximize: options.maximize ?? false,
    };
    checkNonNegative(defaults.lr, 'learning rate');
    checkNonNegative(defaults.weightDecay, 'weight_decay value');
    super(params, defaults);
  }

  protected override _stateSpec(): StateSpec {
    return { keys: ['step', 'eta', 'mu', 'ax'], paramShaped: ['ax'] };
  }

  protected _step(): void {
    for (const group of this.paramGroups) {
      const { lambd, lr, t0, alpha, weightDecay, maximize } = group;
      for (const param of group.params) {
        if (param.grad === null) continue;
        const state = this._stateOf(param);
        if (Object.keys(state).length === 0) {
          state.step = stepTensor();
          state.eta = tensor(lr, { dtype: 'float32' });
          state.mu = tensor(1, { dtype: 'float32' });
          state.ax = zerosLike(param);
        }
        let grad = directedGrad(param.grad, maximize);
        const mu = state.mu as Tensor;
        const ax = state.ax as Tensor;
        const eta = state.eta as Tensor;
        const stepT = state.step as Tensor;
        stepT.add_(1);
        const step = stepT.item() as number;
        if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
        const etaValue = eta.item() as number;
        param.mul_(1 - lambd * etaValue);
        param.add_(grad, { alpha: -etaValue });
        if ((mu.item() as number) !== 1) ax.add_(param.sub(ax).mul(mu));
        else ax.copy_(param);
        eta.fill_(lr / (1 + lambd * lr * step) ** alpha);
        mu.fill_(1 / Math.max(1, step - t0));
      }
    }
  }
}
