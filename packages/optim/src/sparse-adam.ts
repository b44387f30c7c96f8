/** `torch.optim.SparseAdam`: lazy Adam that only touches the rows present in a sparse gradient. */
import { _sparseCooTensorUnsafe, RuntimeError, type Tensor, ValueError, zerosLike } from '@proj/tensor';
import { checkBetas } from './internal/checks.js';
import { pyStr } from './internal/python.js';
import { directedGrad, Optimizer, type ParamsInput, type StateSpec } from './optimizer.js';

/** Options of `SparseAdam`. */
export interface SparseAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  maximize: boolean;
}

/**
 * `torch.optim.SparseAdam` for parameters with sparse gradients (`Embedding({ sparse: true })`). Each step updates,
 * for every position present in the coalesced gradient, the moments `m`, `v` and the parameter with Adam's rule;
 * other positions keep their moments and values. Dense gradients are rejected, as in PyTorch.
 */
export class SparseAdam extends Optimizer<SparseAdamOptions> {
  constructor(params: ParamsInput<SparseAdamOptions>, options: Partial<SparseAdamOptions> = {}) {
    const defaults: SparseAdamOptions = {
      lr: options.lr ?? 1e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      maximize: options.maximize ?? false,
    };
    if (!(0 < defaults.lr)) throw new ValueError(`Invalid learning rate: ${pyStr(defaults.lr)}`);
    if (!(0 < defaults.eps)) throw new ValueError(`Invalid epsilon value: ${pyStr(defaults.eps)}`);
    checkBetas(defaults.betas);
    super(params, defaults);
  }

  protected override _stateSpec(): StateSpec {
    return { keys: ['step', 'expAvg', 'expAvgSq'], paramShaped: ['expAvg', 'expAvgSq'] };
  }

  protected override _sparseGradError(): string | null {
    return null;
  }

  protected override _checkGradLayouts(): void {
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        if (param.grad !== null && !param.grad.isSparse) {
          throw new RuntimeError('SparseAdam does not support dense gradients, please consider Adam instead');
        }
      }
    }
  }

  protected _step(): void {
    for (const group of this.paramGroups) {
      const { lr, eps, maximize } = group;
      const [beta1, beta2] = group.betas;
      for (const param of group.params) {
        if (param.grad === null) continue;
        const state = this._stateOf(param);
        if (Object.keys(state).length === 0) {
          state.step = 0;
          state.expAvg = zerosLike(param);
          state.expAvgSq = zerosLike(param);
        }
        state.step += 1;
        const step = state.step as number;
        // The update is non-linear, so indices must be unique.
        const grad = directedGrad(param.grad, maximize).coalesce();
        const indices = grad._indices();
        const gradValues = grad._values();
        if (gradValues.numel() === 0) continue;
        const size = grad.shape;
        const makeSparse = (values: Tensor) => _sparseCooTensorUnsafe(indices, values, size);
        const expAvg = state.expAvg as Tensor;
        const expAvgSq = state.expAvgSq as Tensor;
        // old <- b * old + (1 - b) * new  <=>  old += (1 - b) * (new - old)
        const oldExpAvgValues = expAvg.sparseMask(grad)._values();
        const expAvgUpdateValues = gradValues.sub(oldExpAvgValues).mul_(1 - beta1);
        expAvg.add_(makeSparse(expAvgUpdateValues));
        const oldExpAvgSqValues = expAvgSq.sparseMask(grad)._values();
        const expAvgSqUpdateValues = gradValues
          .pow(2)
          .sub_(oldExpAvgSqValues)
          .mul_(1 - beta2);
        expAvgSq.add_(makeSparse(expAvgSqUpdateValues));
        // Dense addition again is intended, avoiding another sparseMask.
        const numer = expAvgUpdateValues.add_(oldExpAvgValues);
        expAvgSqUpdateValues.add_(oldExpAvgSqValues);
        const denom = expAvgSqUpdateValues.sqrt_().add_(eps);
        const biasCorrection1 = 1 - beta1 ** step;
        const biasCorrection2 = 1 - beta2 ** step;
        const stepSize = (lr * Math.sqrt(biasCorrection2)) / biasCorrection1;
        param.add_(makeSparse(numer.div_(denom).mul(-stepSize)));
      }
    }
  }
}
