/** `torch.optim.SparseAdam`: lazy Adam that only touches the rows present in a sparse gradient. */
import { RuntimeError, type Tensor, ValueError, zerosLike } from '@proj/tensor';
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

// NOTE [Sparse gradients]: @proj/tensor has no sparse layout yet, so `Embedding({ sparse: true })` still produces
// dense gradients. PyTorch's SparseAdam updates only the rows (slices along dim 0) that appear in the sparse
// gradient; a dense gradient has no such index list, so we treat the rows whose gradient is entirely zero as absent
// and update the others exactly as PyTorch updates the rows of a coalesced sparse gradient. This gives PyTorch's
// numbers whenever a present row has some non-zero entry (a row that is present in PyTorch's sparse gradient but
// holds only zeros is still decayed there, and left alone here). Once a sparse layout exists, a sparse gradient
// will be used as is, and a dense one rejected, as PyTorch does.

/**
 * `torch.optim.SparseAdam` for embedding-style parameters. Each step updates, for every row `i` of the gradient
 * that is not all zeros, `m[i]`, `v[i]` and `p[i]` with Adam's rule; other rows keep their moments and values.
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

  protected _step(): void {
    for (const group of this.paramGroups) {
      const { lr, eps, maximize } = group;
      const [beta1, beta2] = group.betas;
      for (const param of group.params) {
        if (param.grad === null) continue;
        if (param.grad.dim() === 0) {
          throw new RuntimeError('SparseAdam needs gradients with at least one dimension (rows along dim 0)');
        }
        const state = this._stateOf(param);
        if (Object.keys(state).length === 0) {
          state.step = 0;
          state.expAvg = zerosLike(param);
          state.expAvgSq = zerosLike(param);
        }
        state.step += 1;
        const step = state.step as number;
        const grad = directedGrad(param.grad, maximize);
        const rows = grad.shape[0]!;
        // The "indices" of the sparse gradient: rows with a non-zero entry, in increasing order (coalesced).
        const present = grad.ne(0).reshape(rows, -1).any(1).nonzero().view(-1);
        if (present.numel() === 0) continue;
        const expAvg = state.expAvg as Tensor;
        const expAvgSq = state.expAvgSq as Tensor;
        const gradValues = grad.indexSelect(0, present);
        // old <- b * old + (1 - b) * new  <=>  old += (1 - b) * (new - old)
        const oldExpAvgValues = expAvg.indexSelect(0, present);
        const expAvgUpdateValues = gradValues.sub(oldExpAvgValues).mul_(1 - beta1);
        expAvg.indexAdd_(0, present, expAvgUpdateValues);
        const oldExpAvgSqValues = expAvgSq.indexSelect(0, present);
        const expAvgSqUpdateValues = gradValues
          .pow(2)
          .sub_(oldExpAvgSqValues)
          .mul_(1 - beta2);
        expAvgSq.indexAdd_(0, present, expAvgSqUpdateValues);
        const numer = expAvgUpdateValues.add_(oldExpAvgValues);
        expAvgSqUpdateValues.add_(oldExpAvgSqValues);
        const denom = expAvgSqUpdateValues.sqrt_().add_(eps);
        const biasCorrection1 = 1 - beta1 ** step;
        const biasCorrection2 = 1 - beta2 ** step;
        const stepSize = (lr * Math.sqrt(biasCorrection2)) / biasCorrection1;
        param.indexAdd_(0, present, numer.div_(denom).mul(-stepSize));
      }
    }
  }
}
