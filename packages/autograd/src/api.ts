/**
 * `backward`, `grad` and the autograd methods of Tensor (`registerHook`, `retainGrad`, `detach_`...).
 */
import { installAutogradHooks, RuntimeError, Tensor } from '@proj/tensor';
import { runEngine } from './engine.js';
import { isGradEnabled } from './grad-mode.js';
import { type InplacePrep, prepareInplace, recordOp } from './graph.js';
import { type Node, removableHandle } from './node.js';

/** Options of `backward`. */
export interface BackwardOptions {
  /** Gradient of the output (required unless it has one element). */
  gradient?: Tensor | null;
  /** Keep saved tensors so backward can run again through the same graph. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order derivatives. */
  createGraph?: boolean;
  /** Accumulate only into these tensors. */
  inputs?: Tensor[];
}

/**
 * `torch.autograd.backward(tensors, grad_tensors, ...)`: accumulates gradients of the leaves into `.grad`.
 */
export function backward(
  tensors: Tensor | readonly Tensor[],
  gradTensors?: Tensor | null | readonly (Tensor | null)[],
  options: Omit<BackwardOptions, 'gradient'> = {},
): void {
  const roots = Array.isArray(tensors) ? (tensors as Tensor[]) : [tensors as Tensor];
  const grads =
    gradTensors === undefined || gradTensors === null
      ? []
      : Array.isArray(gradTensors)
        ? gradTensors
        : [gradTensors as Tensor];
  if (options.inputs !== undefined && options.inputs.length === 0) {
    throw new RuntimeError("'inputs' argument to backward() cannot be empty.");
  }
  runEngine(roots, grads as (Tensor | null)[], {
    retainGraph: options.retainGraph,
    createGraph: options.createGraph,
    accumulateOnly: options.inputs,
  });
}

/** Options of `grad`. */
export interface GradOptions {
  gradOutputs?: Tensor | null | readonly (Tensor | null)[];
  retainGraph?: boolean;
  createGraph?: boolean;
  allowUnused?: boolean;
  materializeGrads?: boolean;
}

/**
 * `torch.autograd.grad(outputs, inputs, ...)`: the gradients of `outputs` with respect to `inputs` (leaves or not),
 * without touching any `.grad`. Unused inputs give null with `allowUnused`, zeros with `materializeGrads`.
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: GradOptions = {},
): (Tensor | null)[] {
  const roots = Array.isArray(outputs) ? (outputs as Tensor[]) : [outputs as Tensor];
  const targets = Array.isArray(inputs) ? (inputs as Tensor[]) : [inputs as Tensor];
  const g = options.gradOutputs;
  const grads = g === undefined || g === null ? [] : Array.isArray(g) ? g : [g as Tensor];
  return runEngine(roots, grads as (Tensor | null)[], {
    retainGraph: options.retainGraph,
    createGraph: options.createGraph,
    capture: targets,
    allowUnused: options.allowUnused ?? options.materializeGrads ?? false,
    materializeGrads: options.materializeGrads,
  });
}

Tensor.prototype.registerHook = function (hook) {
  if (!this.requiresGrad)
    throw new RuntimeError("cannot register a hook on a tensor that doesn't require gradient");
  const meta = this._meta();
  if (meta.gradFn === null) {
    meta.hooks.push(hook);
    return removableHandle(meta.hooks, hook);
  }
  const node = meta.gradFn as unknown as Node;
  const list = node.tensorPreHookList(meta.outputNr);
  list.push(hook);
  return removableHandle(list, hook);
};

Tensor.prototype.registerPostAccumulateGradHook = function (hook) {
  if (!this.isLeaf)
    throw new RuntimeError('post accumulate grad hooks cannot be registered on non-leaf tensors');
  if (!this.requiresGrad)
    throw new RuntimeError("cannot register a hook on a tensor that doesn't require gradient");
  const meta = this._meta();
  meta.postAccumulateGradHooks.push(hook);
  return removableHandle(meta.postAccumulateGradHooks, hook);
};

Tensor.prototype.retainGrad = function () {
  if (!this.requiresGrad) throw new RuntimeError("can't retain_grad on Tensor that has requires_grad=False");
  const meta = this._meta();
  if (meta.gradFn === null || meta.retainsGrad) return;
  meta.retainsGrad = true;
  const node = meta.gradFn as unknown as Node;
  const list = node.tensorPreHookList(meta.outputNr);
  // Runs after the user's hooks registered before it, like PyTorch's retains_grad hook (it sees the final grad).
  list.push((g: Tensor) => {
    const current = meta.grad;
    meta.grad = current === null ? g.detach().clone() : current.add(g.detach());
  });
};

Tensor.prototype.detach_ = function () {
  if (this._base !== null) {
    throw new RuntimeError(
      "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.",
    );
  }
  const meta = this._meta();
  meta.gradFn = null;
  meta.requiresGrad = false;
  return this;
};

/** Installs the engine into @proj/tensor's dispatch point (done on import of this package). */
export function install(): void {
  installAutogradHooks({
    isGradEnabled,
    prepareInplace: (op, inputs) => prepareInplace(op, inputs),
    record: (record, prepared) => recordOp(record, prepared as InplacePrep | null),
    backward: (tensor, options) => {
      const o = options as BackwardOptions;
      backward([tensor], o.gradient === undefined || o.gradient === null ? [] : [o.gradient], o);
    },
  });
}
