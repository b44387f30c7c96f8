/** `torch.optim.Adagrad` (Duchi et al.). */

import { _sparseCooTensorUnsafe, fullLike, RuntimeError, type Tensor } from '@proj/tensor';
import { stepTensor } from './adam.js';
import { checkNonNegative } from './internal/checks.js';
import {
  directedGrad,
  Optimizer,
  type ParamGroupInput,
  type ParamState,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';

/** Options of `Adagrad`. */
export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  /** Accepted for compatibility; the single-tensor update is always used. */
  foreach: boolean | null;
  maximize: boolean;
}

/**
 * `torch.optim.Adagrad`: `sum += g^2`, `p -= lr / (1 + (t - 1) lrDecay) * g / (sqrt(sum) + eps)`. Its state is
 * created at construction (PyTorch does the same), so a fresh optimizer already has a state dict.
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    const defaults: AdagradOptions = {
      lr: options.lr ?? 1e-2,
      lrDecay: options.lrDecay ?? 0,
      weightDecay: options.weightDecay ?? 0,
      initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
      eps: options.eps ?? 1e-10,
      foreach: options.foreach ?? null,
      maximize: options.maximize ?? false,
    };
    checkNonNegative(defaults.lr, 'learning rate');
    checkNonNegative(defaults.lrDecay, 'lr_decay value');
    checkNonNegative(defaults.weightDecay, 'weight_decay value');
    checkNonNegative(defaults.initialAccumulatorValue, 'initial_accumulator_value value');
    checkNonNegative(defaults.eps, 'epsilon value');
    super(params, defaults);
  }

  private initState(state: ParamState, param: Tensor, initialAccumulatorValue: number): void {
    state.step = stepTensor();
    state.sum = fullLike(param, initialAccumulatorValue);
  }

  /**
   * Creates the group's state right away; the constructor adds its groups through here too. (PyTorch 1.13 does
   * this only in the constructor, so a group added later fails at `step()`.)
   */
  override addParamGroup(paramGroup: ParamGroupInput<AdagradOptions>): void {
    super.addParamGroup(paramGroup);
    const group = this.paramGroups[this.paramGroups.length - 1]!;
    for (const p of group.params) this.initState(this._stateOf(p), p, group.initialAccumulatorValue);
  }

  protected override _stateSpec(): StateSpec {
    return { keys: ['step', 'sum'], paramShaped: ['sum'] };
  }

  /** Sparse gradients are accepted (PyTorch does too). */
  protected override _sparseGradError(): string | null {
    return null;
  }

  protected _step(): void {
    for (const group of this.paramGroups) {
      if (group.weightDecay !== 0 && group.params.some((p) => p.grad?.isSparse)) {
        throw new RuntimeError('weight_decay option is not compatible with sparse gradients');
      }
    }
    for (const group of this.paramGroups) {
      const { lr, weightDecay, lrDecay, eps, maximize } = group;
      for (const param of group.params) {
        if (param.grad === null) continue;
        const state = this._stateOf(param);
        const stateSum = state.sum as Tensor;
        const stepT = state.step as Tensor;
        stepT.add_(1);
        const step = stepT.item() as number;
        let grad = directedGrad(param.grad, maximize);
        if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
        const clr = lr / (1 + (step - 1) * lrDecay);
        if (grad.isSparse) {
          // Only the rows present in the gradient change; the update is non-linear, so duplicates are summed first.
          grad = grad.coalesce();
          const values = grad._values();
          if (values.numel() === 0) continue;
          const indices = grad._indices();
          stateSum.add_(_sparseCooTensorUnsafe(indices, values.pow(2), grad.shape));
          const stdValues = stateSum.sparseMask(grad)._values().sqrt_().add_(eps);
          param.add_(_sparseCooTensorUnsafe(indices, values.div(stdValues), grad.shape), { alpha: -clr });
          continue;
        }
        stateSum.addcmul_(grad, grad);
        const std = stateSum.sqrt().add_(eps);
        param.addcdiv_(grad, std, { value: -clr });
      }
    }
  }
}
