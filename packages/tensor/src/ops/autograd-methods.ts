/**
 * Autograd methods of Tensor. They are declared here so their types exist for every user of @proj/tensor;
 * `@proj/autograd` replaces these placeholders with the real implementations when it is imported.
 */
import { RuntimeError } from '../errors.js';
import { Tensor } from '../tensor.js';

/** Handle returned by hook registration: `remove()` unregisters the hook. */
export interface RemovableHandle {
  remove(): void;
}

declare module '../tensor.js' {
  interface Tensor {
    /**
     * Registers a hook called with this tensor's gradient whenever it is computed; returning a tensor replaces the
     * gradient. Returns a handle whose `remove()` unregisters it. Needs `@proj/autograd`.
     */
    registerHook(hook: (grad: Tensor) => Tensor | undefined | void): RemovableHandle;
    /** Registers a hook called with the tensor after its `.grad` was accumulated (leaves only). */
    registerPostAccumulateGradHook(hook: (tensor: Tensor) => void): RemovableHandle;
    /** Makes a non-leaf keep its `.grad` after backward. */
    retainGrad(): void;
    /** Detaches this tensor from the graph in place. */
    detach_(): this;
  }
}

function needsAutograd(): never {
  throw new RuntimeError(
    "this method needs the autograd engine: import '@proj/autograd' (or '@proj/nn') first",
  );
}

Tensor.prototype.registerHook = needsAutograd;
Tensor.prototype.registerPostAccumulateGradHook = needsAutograd;
Tensor.prototype.retainGrad = needsAutograd;
Tensor.prototype.detach_ = needsAutograd;
