/**
 * `torch.nn.utils.spectral_norm` / `remove_spectral_norm` in PyTorch 1.13's hook-based form: the parameter `weight`
 * becomes `weight_orig`, two buffers `weight_u` and `weight_v` hold the power-iteration vectors, and a forward
 * pre-hook sets the plain attribute `weight = weight_orig / sigma`, where `sigma = u · (W v)` estimates the largest
 * singular value of the weight viewed as a matrix `W` (`dim` first). In training mode each call first runs
 * `nPowerIterations` power-iteration steps, updating the buffers in place; gradients flow through `weight_orig` only.
 */
import { noGrad } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { normalize } from '../functional/normalization.js';
import type { ForwardPreHook, Module } from '../module.js';
import { ConvTranspose1d, ConvTranspose2d } from '../modules/conv.js';
import { Parameter } from '../parameter.js';

/** The hook object of one spectrally normalised parameter (PyTorch's `SpectralNorm`). */
export class SpectralNorm {
  /** Name of the normalised parameter. */
  readonly name: string;
  /** The dimension that becomes the rows of the weight matrix. */
  readonly dim: number;
  /** Power-iteration steps per training-mode call. */
  readonly nPowerIterations: number;
  /** Added to norms when normalising `u` and `v`. */
  readonly eps: number;

  constructor(name = 'weight', nPowerIterations = 1, dim = 0, eps = 1e-12) {
    this.name = name;
    this.dim = dim;
    if (nPowerIterations <= 0) {
      throw new torch.ValueError(
        `Expected n_power_iterations to be positive, but got n_power_iterations=${nPowerIterations}`,
      );
    }
    this.nPowerIterations = nPowerIterations;
    this.eps = eps;
  }

  /** The weight as a matrix: `dim` moved first, the rest flattened. */
  reshapeWeightToMatrix(weight: Tensor): Tensor {
    let matrix = weight;
    if (this.dim !== 0) {
      const order = [this.dim];
      for (let d = 0; d < weight.dim(); d++) if (d !== this.dim) order.push(d);
      matrix = matrix.permute(order);
    }
    return matrix.reshape([matrix.size(0), -1]);
  }

  /** `weight_orig / sigma`, after the power iteration when `doPowerIteration`. */
  computeWeight(module: Module, doPowerIteration: boolean): Tensor {
    const weight = module._parameters.get(`${this.name}_orig`) as Tensor;
    let u = module._buffers.get(`${this.name}_u`) as Tensor;
    let v = module._buffers.get(`${this.name}_v`) as Tensor;
    const weightMatrix = this.reshapeWeightToMatrix(weight);
    if (doPowerIteration) {
      noGrad(() => {
        // The buffers are updated in place (PyTorch's `normalize(..., out=v)`), so the state advances across calls.
        for (let i = 0; i < this.nPowerIterations; i++) {
          v.copy_(normalize(torch.mv(weightMatrix.t(), u), 2, 0, this.eps));
          u.copy_(normalize(torch.mv(weightMatrix, v), 2, 0, this.eps));
        }
        // Clones keep the in-place updates of the next call from invalidating this call's autograd graph.
        u = u.clone();
        v = v.clone();
      });
    }
    const sigma = torch.dot(u, torch.mv(weightMatrix, v));
    return weight.div(sigma);
  }
}

/** The `SpectralNorm` behind each registered pre-hook, so that removal finds its hook. */
const spectralNormHooks = new WeakMap<ForwardPreHook, SpectralNorm>();

/**
 * `spectral_norm(module, name='weight', n_power_iterations=1, eps=1e-12, dim=None)`: divides `module[name]` by its
 * spectral norm estimated by power iteration. `dim` defaults to 1 for transposed convolutions, 0 otherwise. `u` and
 * `v` start as normalised standard normal draws (`u` first), so `torch.manualSeed` reproduces PyTorch's.
 */
export function spectralNorm<M extends Module>(
  module: M,
  name = 'weight',
  nPowerIterations = 1,
  eps = 1e-12,
  dim: number | null = null,
): M {
  const resolvedDim = dim ?? (module instanceof ConvTranspose1d || module instanceof ConvTranspose2d ? 1 : 0);
  for (const hook of module._forwardPreHooks.values()) {
    const existing = spectralNormHooks.get(hook);
    if (existing !== undefined && existing.name === name) {
      throw new torch.RuntimeError(`Cannot register two spectral_norm hooks on the same parameter ${name}`);
    }
  }
  const fn = new SpectralNorm(name, nPowerIterations, resolvedDim, eps);
  const weight = module._parameters.get(name);
  if (!(weight instanceof Parameter)) {
    throw new torch.ValueError(`\`SpectralNorm\` cannot be applied as parameter \`${name}\` is None`);
  }
  const [u, v] = noGrad(() => {
    const matrix = fn.reshapeWeightToMatrix(weight);
    const [height, width] = matrix.shape as [number, number];
    const options = { dtype: weight.dtype, device: weight.device };
    const uDraw = normalize(torch.empty([height], options).normal_(0, 1), 2, 0, fn.eps);
    const vDraw = normalize(torch.empty([width], options).normal_(0, 1), 2, 0, fn.eps);
    return [uDraw, vDraw];
  });
  module._parameters.delete(name);
  module.registerParameter(`${name}_orig`, weight);
  (module as unknown as Record<string, unknown>)[name] = weight.detach();
  module.registerBuffer(`${name}_u`, u);
  module.registerBuffer(`${name}_v`, v);
  const hook: ForwardPreHook = (target) => {
    (target as unknown as Record<string, unknown>)[fn.name] = fn.computeWeight(target, target.training);
  };
  spectralNormHooks.set(hook, fn);
  module.registerForwardPreHook(hook);
  return module;
}

/**
 * `remove_spectral_norm(module, name='weight')`: replaces `name_orig`, `name_u` and `name_v` with a parameter `name`
 * holding the current normalised weight (no power iteration) and removes the hook. Returns the module.
 */
export function removeSpectralNorm<M extends Module>(module: M, name = 'weight'): M {
  for (const [id, hook] of module._forwardPreHooks) {
    const fn = spectralNormHooks.get(hook);
    if (fn === undefined || fn.name !== name) continue;
    module._forwardPreHooks.delete(id);
    const weight = noGrad(() => fn.computeWeight(module, false));
    const attributes = module as unknown as Record<string, unknown>;
    delete attributes[name];
    module._buffers.delete(`${name}_u`);
    module._buffers.delete(`${name}_v`);
    module._parameters.delete(`${name}_orig`);
    module.registerParameter(name, new Parameter(weight.detach()));
    return module;
  }
  throw new torch.ValueError(`spectral_norm of '${name}' not found in ${module.toString()}`);
}
