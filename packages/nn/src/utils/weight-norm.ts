/**
 * `torch.nn.utils.weight_norm` / `remove_weight_norm` in PyTorch 1.13's hook-based form: the parameter `weight` is
 * replaced by `weight_g` (its norm over every dimension but `dim`) and `weight_v` (its direction), and a forward
 * pre-hook recomputes the plain attribute `weight = weight_v * (weight_g / ||weight_v||)` before every call, so that
 * gradients reach `weight_g` and `weight_v`.
 */
import { noGrad } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import type { ForwardPreHook, Module } from '../module.js';
import { Parameter } from '../parameter.js';

/**
 * PyTorch's `norm_except_dim(v, 2, dim)`: the 2-norm over every dimension but `dim`, keeping dimensions; `dim = -1`
 * means the norm of the whole tensor (a 0-dim result), as in PyTorch, where `dim=None` is stored as -1.
 */
function normExceptDim(v: Tensor, dim: number): Tensor {
  if (dim === -1) return v.norm(2);
  const kept = dim < 0 ? dim + v.dim() : dim;
  const others: number[] = [];
  for (let d = 0; d < v.dim(); d++) if (d !== kept) others.push(d);
  if (others.length === 0) return v.abs();
  return v.norm(2, others, true);
}

/** The hook object of one weight-normalised parameter (PyTorch's `WeightNorm`). */
export class WeightNorm {
  /** Name of the normalised parameter. */
  readonly name: string;
  /** The dimension kept by the norm (-1: the whole tensor). */
  readonly dim: number;

  constructor(name: string, dim: number) {
    this.name = name;
    this.dim = dim;
  }

  /** `weight_v * (weight_g / norm_except_dim(weight_v))` (PyTorch's `torch._weight_norm`). */
  computeWeight(module: Module): Tensor {
    const g = module._parameters.get(`${this.name}_g`) as Tensor;
    const v = module._parameters.get(`${this.name}_v`) as Tensor;
    return v.mul(g.div(normExceptDim(v, this.dim)));
  }
}

/** The `WeightNorm` behind each registered pre-hook, so that removal finds its hook as PyTorch's `isinstance` does. */
const weightNormHooks = new WeakMap<ForwardPreHook, WeightNorm>();

/**
 * `weight_norm(module, name='weight', dim=0)`: reparametrises `module[name]` as `name_g * name_v / ||name_v||`
 * (`dim: null` normalises over the whole tensor). Returns the module.
 */
export function weightNorm<M extends Module>(module: M, name = 'weight', dim: number | null = 0): M {
  for (const hook of module._forwardPreHooks.values()) {
    const existing = weightNormHooks.get(hook);
    if (existing !== undefined && existing.name === name) {
      throw new torch.RuntimeError(`Cannot register two weight_norm hooks on the same parameter ${name}`);
    }
  }
  const fn = new WeightNorm(name, dim ?? -1);
  const weight = module._parameters.get(name);
  if (!(weight instanceof Parameter)) {
    throw new torch.ValueError(`\`WeightNorm\` cannot be applied as parameter \`${name}\` is None`);
  }
  module._parameters.delete(name);
  const g = noGrad(() => normExceptDim(weight, fn.dim));
  module.registerParameter(`${name}_g`, new Parameter(g.detach()));
  module.registerParameter(`${name}_v`, new Parameter(weight.detach()));
  (module as unknown as Record<string, unknown>)[name] = fn.computeWeight(module);
  const hook: ForwardPreHook = (target) => {
    (target as unknown as Record<string, unknown>)[fn.name] = fn.computeWeight(target);
  };
  weightNormHooks.set(hook, fn);
  module.registerForwardPreHook(hook);
  return module;
}

/**
 * `remove_weight_norm(module, name='weight')`: folds `name_g` and `name_v` back into a single parameter `name`
 * (registered after the module's other parameters, as in PyTorch) and removes the hook. Returns the module.
 */
export function removeWeightNorm<M extends Module>(module: M, name = 'weight'): M {
  for (const [id, hook] of module._forwardPreHooks) {
    const fn = weightNormHooks.get(hook);
    if (fn === undefined || fn.name !== name) continue;
    const weight = fn.computeWeight(module);
    const attributes = module as unknown as Record<string, unknown>;
    delete attributes[name];
    module._parameters.delete(`${name}_g`);
    module._parameters.delete(`${name}_v`);
    attributes[name] = new Parameter(weight.detach());
    module._forwardPreHooks.delete(id);
    return module;
  }
  throw new torch.ValueError(`weight_norm of '${name}' not found in ${module.toString()}`);
}
