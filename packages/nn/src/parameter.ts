/**
 * `Parameter` and `Buffer`: tensors that a `Module` registers when they are assigned to one of its fields.
 *
 * Both share the storage of the tensor they wrap (no copy), as PyTorch's `nn.Parameter(t)` does.
 */
import { noGrad } from '@proj/autograd';
import { empty, Tensor, tensorToString } from '@proj/tensor';

/** Copies the layout (storage, shape, strides, offset) of `source` into `target`, PyTorch's `target.data = source`. */
export function setData(target: Tensor, source: Tensor): void {
  target._storage = source._storage;
  target._shape = source._shape.slice();
  target._strides = source._strides.slice();
  target._offset = source._offset;
}

/**
 * A tensor that is a module parameter: assigning one to a `Module` field registers it, and it requires grad by
 * default (`new Parameter(t, false)` for a frozen one). It shares `data`'s storage.
 *
 * ```ts
 * this.scale = new Parameter(torch.ones(3));
 * ```
 */
export class Parameter extends Tensor {
  constructor(data?: Tensor, requiresGrad = true) {
    const source = data ?? empty([0]);
    // A leaf that shares the storage: detach so the parameter starts a fresh graph, as PyTorch's `_make_subclass`.
    const leaf = noGrad(() => source.detach());
    super(leaf._storage, leaf._shape, leaf._strides, leaf._offset);
    if (requiresGrad) this.requiresGrad_(true);
  }

  /** `Parameter containing:` followed by the tensor, as PyTorch prints parameters. */
  override toString(): string {
    return `Parameter containing:\n${tensorToString(this)}`;
  }
}

/**
 * A tensor to register as a module buffer by field assignment (PyTorch 2.5's `nn.Buffer`); `persistent: false`
 * keeps it out of the state dict. The module stores it as a plain tensor sharing this storage.
 */
export class Buffer extends Tensor {
  /** Whether the buffer is saved in `stateDict()`. */
  readonly persistent: boolean;

  constructor(data: Tensor, options?: { persistent?: boolean }) {
    const leaf = noGrad(() => data.detach());
    super(leaf._storage, leaf._shape, leaf._strides, leaf._offset);
    this.persistent = options?.persistent ?? true;
  }
}
