/** `torch.optim.SGD`: stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay. */
import type { Tensor } from '@proj/tensor';
import { ValueError } from '@proj/tensor';
import { pyStr } from './internal/python.js';
import { directedGrad, Optimizer, type ParamsInput, required, type StateSpec } from './optimizer.js';

/** Options of `SGD` (PyTorch's keyword arguments in camelCase). `lr` has no default, as in PyTorch 1.13. */
export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /** Accepted for compatibility; the single-tensor update is always used. */
  foreach: boolean | null;
  /** Runs the step with grad mode on, so the update is recorded (PyTorch's `differentiable`). */
  differentiable: boolean;
}

/**
 * `torch.optim.SGD`, with PyTorch's update order: `d = grad (+ weightDecay * p)`, then the momentum buffer
 * `buf = momentum * buf + (1 - dampening) * d` (the first step copies `d`), Nesterov's `d + momentum * buf`, and
 * `p -= lr * d`.
 *
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    const defaults = {
      lr: options.lr ?? (required as unknown as number),
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
      foreach: options.foreach ?? null,
      differentiable: options.differentiable ?? false,
    };
    if (options.lr !== undefined && defaults.lr < 0)
      throw new ValueError(`Invalid learning rate: ${pyStr(defaults.lr)}`);
    if (defaults.momentum < 0) throw new ValueError(`Invalid momentum value: ${pyStr(defaults.momentum)}`);
    if (defaults.weightDecay < 0)
      throw new ValueError(`Invalid weight_decay value: ${pyStr(defaults.weightDecay)}`);
    if (defaults.nesterov && (defaults.momentum <= 0 || defaults.dampening !== 0)) {
      throw new ValueError('Nesterov momentum requires a momentum and zero dampening');
    }
    super(params, defaults);
  }

  protected override _stateSpec(): StateSpec {
    return { keys: ['momentumBuffer'], paramShaped: ['momentumBuffer'] };
  }

  /** Sparse gradients are accepted (PyTorch does too). */
  protected override _sparseGradError(): string | null {
    return null;
  }

  protected _step(): void {
    for (const group of this.paramGroups) {
      const { weightDecay, momentum, lr, dampening, nesterov, maximize } = group;
      for (const param of group.params) {
        if (param.grad === null) continue;
        let dP: Tensor = directedGrad(param.grad, maximize);
        if (weightDecay !== 0) dP = dP.add(param, { alpha: weightDecay });
        if (momentum !== 0) {
          const state = this._stateOf(param);
          let buf = state.momentumBuffer as Tensor | undefined | null;
          if (buf === undefined || buf === null) {
            buf = dP.clone().detach();
            state.momentumBuffer = buf;
          } else {
            buf.mul_(momentum).add_(dP, { alpha: 1 - dampening });
          }
          dP = nesterov ? dP.add(buf, { alpha: momentum }) : buf;
        } else {
          // PyTorch stores a None buffer for every stepped parameter when momentum is 0
          const state = this._stateOf(param);
          if (!('momentumBuffer' in state)) state.momentumBuffer = null;
        }
        param.add_(dP, { alpha: -lr });
      }
    }
  }
}
