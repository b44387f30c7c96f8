/** `torch.optim.Rprop`: resilient backpropagation. */

import { fullLike, type Tensor, ValueError, where, zerosLike } from '@proj/tensor';
import { checkNonNegative } from './internal/checks.js';
import { pyStr } from './internal/python.js';
import { directedGrad, Optimizer, type ParamsInput, type StateSpec } from './optimizer.js';

/** Options of `Rprop`: `etas` are (etaminus, etaplus), `stepSizes` (min, max). */
export interface RpropOptions {
  lr: number;
  etas: [number, number];
  stepSizes: [number, number];
  /** Accepted for compatibility; the single-tensor update is always used. */
  foreach: boolean | null;
  maximize: boolean;
}

/**
 * `torch.optim.Rprop`: each element's step size grows by `etaplus` while its gradient keeps its sign and shrinks
 * by `etaminus` when it flips (the step is then skipped and the gradient forgotten).
 */
export class Rprop extends Optimizer<RpropOptions> {
  constructor(params: ParamsInput<RpropOptions>, options: Partial<RpropOptions> = {}) {
    const defaults: RpropOptions = {
      lr: options.lr ?? 1e-2,
      etas: options.etas ?? [0.5, 1.2],
      stepSizes: options.stepSizes ?? [1e-6, 50],
      foreach: options.foreach ?? null,
      maximize: options.maximize ?? false,
    };
    checkNonNegative(defaults.lr, 'learning rate');
    const [etaminus, etaplus] = defaults.etas;
    if (!(0 < etaminus && etaminus < 1 && 1 < etaplus)) {
      throw new ValueError(`Invalid eta values: ${pyStr(etaminus)}, ${pyStr(etaplus)}`);
    }
    super(params, defaults);
  }

  protected override _stateSpec(): StateSpec {
    return { keys: ['step', 'prev', 'stepSize'], paramShaped: ['prev', 'stepSize'] };
  }

  protected _step(): void {
    for (const group of this.paramGroups) {
      const [etaminus, etaplus] = group.etas;
      const [stepSizeMin, stepSizeMax] = group.stepSizes;
      for (const param of group.params) {
        if (param.grad === null) continue;
        const state = this._stateOf(param);
        if (Object.keys(state).length === 0) {
          state.step = 0;
          state.prev = zerosLike(param);
          state.stepSize = fullLike(param.grad, group.lr);
        }
        state.step += 1;
        const grad = directedGrad(param.grad, group.maximize);
        const prev = state.prev as Tensor;
        const stepSize = state.stepSize as Tensor;
        const sign = grad.mul(prev).sign();
        // sign[sign > 0] = etaplus; sign[sign < 0] = etaminus; sign[sign == 0] = 1 (NaN stays NaN)
        const decreasing = sign.lt(0);
        const factor = where(sign.gt(0), etaplus, where(decreasing, etaminus, where(sign.eq(0), 1, sign)));
        stepSize.mul_(factor).clamp_(stepSizeMin, stepSizeMax);
        // grad[sign == etaminus] = 0: a flipped sign skips this step and resets the memory
        const kept = where(factor.eq(etaminus), 0, grad);
        param.addcmul_(kept.sign(), stepSize, { value: -1 });
        prev.copy_(kept);
      }
    }
  }
}
