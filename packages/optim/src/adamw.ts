/** `torch.optim.AdamW`: Adam with decoupled weight decay. */
import { ADAM_STATE_SPEC, type AdamOptions, adamUpdate } from './adam.js';
import { checkBetas, checkNonNegative } from './internal/checks.js';
import { Optimizer, type ParamsInput, type StateSpec } from './optimizer.js';

/** Options of `AdamW` (as Adam's; `weightDecay` defaults to 0.01 and is applied as `p *= 1 - lr * weightDecay`). */
export type AdamWOptions = Omit<AdamOptions, 'differentiable'>;

/**
 * `torch.optim.AdamW` (Loshchilov & Hutter): the parameter decays by `1 - lr * weightDecay` before the Adam step.
 *
 * ```ts
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends Optimizer<AdamWOptions> {
  constructor(params: ParamsInput<AdamWOptions>, options: Partial<AdamWOptions> = {}) {
    const defaults: AdamWOptions = {
      lr: options.lr ?? 1e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 1e-2,
      amsgrad: options.amsgrad ?? false,
      maximize: options.maximize ?? false,
      foreach: options.foreach ?? null,
    };
    checkNonNegative(defaults.lr, 'learning rate');
    checkNonNegative(defaults.eps, 'epsilon value');
    checkBetas(defaults.betas);
    checkNonNegative(defaults.weightDecay, 'weight_decay value');
    super(params, defaults);
  }

  protected override _stateSpec(): StateSpec {
    return ADAM_STATE_SPEC;
  }

  protected _step(): void {
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        if (param.grad === null) continue;
        adamUpdate(param, param.grad, this._stateOf(param), group, true);
      }
    }
  }
}
