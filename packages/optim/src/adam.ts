/** `torch.optim.Adam` and the update it shares with `AdamW`. */

import { maximum, type Tensor, tensor, zerosLike } from '@proj/tensor';
import { checkBetas, checkNonNegative } from './internal/checks.js';
import {
  directedGrad,
  Optimizer,
  type ParamGroup,
  type ParamState,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';

/** Options of `Adam`. */
export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** Accepted for compatibility; the single-tensor update is always used. */
  foreach: boolean | null;
  /** Runs the step with grad mode on, so the update is recorded. */
  differentiable: boolean;
}

/** The state keys of Adam and AdamW. */
export const ADAM_STATE_SPEC: StateSpec = {
  keys: ['step', 'expAvg', 'expAvgSq', 'maxExpAvgSq'],
  paramShaped: ['expAvg', 'expAvgSq', 'maxExpAvgSq'],
};

/** PyTorch's `torch.tensor(0.)`: the step counter is a float32 scalar tensor, as in PyTorch 1.13. */
export function stepTensor(): Tensor {
  return tensor(0, { dtype: 'float32' });
}

/**
 * One Adam/AdamW update of one parameter, in the order of PyTorch 1.13's `_single_tensor_adam(w)`: `decoupled`
 * selects AdamW's `p *= 1 - lr * weightDecay` instead of adding `weightDecay * p` to the gradient.
 */
export function adamUpdate(
  param: Tensor,
  grad: Tensor,
  state: ParamState,
  group: ParamGroup,
  decoupled: boolean,
): void {
  const { lr, eps, weightDecay, amsgrad, maximize } = group;
  const [beta1, beta2] = group.betas as [number, number];
  if (Object.keys(state).length === 0) {
    state.step = stepTensor();
    state.expAvg = zerosLike(param);
    state.expAvgSq = zerosLike(param);
    if (amsgrad) state.maxExpAvgSq = zerosLike(param);
  }
  let g = directedGrad(grad, maximize);
  const expAvg = state.expAvg as Tensor;
  const expAvgSq = state.expAvgSq as Tensor;
  const stepT = state.step as Tensor;
  stepT.add_(1);
  if (decoupled) param.mul_(1 - lr * weightDecay);
  else if (weightDecay !== 0) g = g.add(param, { alpha: weightDecay });
  expAvg.mul_(beta1).add_(g, { alpha: 1 - beta1 });
  expAvgSq.mul_(beta2).addcmul_(g, g, { value: 1 - beta2 });
  const step = stepT.item() as number;
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  const stepSize = lr / biasCorrection1;
  const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
  let denom: Tensor;
  if (amsgrad) {
    const maxExpAvgSq = state.maxExpAvgSq as Tensor;
    // torch.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
    maxExpAvgSq.copy_(maximum(maxExpAvgSq, expAvgSq));
    denom = maxExpAvgSq.sqrt().div(biasCorrection2Sqrt).add_(eps);
  } else {
    denom = expAvgSq.sqrt().div(biasCorrection2Sqrt).add_(eps);
  }
  param.addcdiv_(expAvg, denom, { value: -stepSize });
}

/**
 * `torch.optim.Adam` (Kingma & Ba), with optional L2 `weightDecay` added to the gradient, AMSGrad and `maximize`.
 *
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    const defaults: AdamOptions = {
      lr: options.lr ?? 1e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      amsgrad: options.amsgrad ?? false,
      maximize: options.maximize ?? false,
      foreach: options.foreach ?? null,
      differentiable: options.differentiable ?? false,
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

  protected override _sparseGradError(): string | null {
    return 'Adam does not support sparse gradients, please consider SparseAdam instead';
  }

  protected _step(): void {
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        if (param.grad === null) continue;
        adamUpdate(param, param.grad, this._stateOf(param), group, false);
      }
    }
  }
}
