/**
 * Graph nodes. A node is the backward of one recorded op: it maps the gradients of the op's outputs to the gradients
 * of its inputs, and its `nextFunctions` point at the nodes that produced those inputs (`AccumulateGrad` for leaves),
 * exactly as PyTorch reports them.
 */
import { type RemovableHandle, RuntimeError, type Tensor } from '@proj/tensor';

let sequence = 0;

/** A tensor saved for backward together with the version it had, so later in-place writes are detected. */
export class SavedTensor {
  readonly version: number;
  constructor(
    readonly tensor: Tensor,
    /**
     * The node whose output this tensor is, for the error message. When omitted, the tensor's grad_fn at the time of
     * the error is named, as PyTorch's SavedVariable does.
     */
    readonly producer?: { name: string; outputNr: number } | null,
  ) {
    this.version = tensor._version;
  }

  /** Returns the tensor, or throws PyTorch's in-place modification error. */
  unpack(): Tensor {
    const t = this.tensor;
    if (t._version !== this.version) {
      const shape = `[${t.shape.join(', ')}]`;
      const meta = t._autograd;
      const producer =
        this.producer !== undefined
          ? this.producer
          : meta === null || meta.gradFn === null
            ? null
            : { name: meta.gradFn.name, outputNr: meta.outputNr };
      const what = producer === null ? '' : `, which is output ${producer.outputNr} of ${producer.name},`;
      throw new RuntimeError(
        `one of the variables needed for gradient computation has been modified by an inplace operation: [${t.typeName()} ${shape}]${what} is at version ${t._version}; expected version ${this.version} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).`,
      );
    }
    return t;
  }
}

/** One edge of the graph: the node to send a gradient to and which of its inputs it is. */
export type Edge = readonly [Node | null, number];

/** Hook on a node: sees (and may replace) the gradients flowing into or out of it. */
export type NodePreHook = (gradOutputs: (Tensor | null)[]) => (Tensor | null)[] | undefined | void;
export type NodeHook = (
  gradInputs: (Tensor | null)[],
  gradOutputs: (Tensor | null)[],
) => (Tensor | null)[] | undefined | void;

/** Handle returned by hook registration. */
export type { RemovableHandle };

/** Makes a handle that removes `item` from `list`. */
export function removableHandle<T>(list: T[], item: T): RemovableHandle {
  return {
    remove() {
      const i = list.indexOf(item);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

const EMPTY_MAP: ReadonlyMap<number, never[]> = new Map();
const EMPTY_LIST: readonly never[] = Object.freeze([]);

/** A node of the backward graph. */
export abstract class Node {
  /** Creation order; later nodes run first when both are ready, as in PyTorch. */
  readonly sequenceNr = sequence++;
  /** Where each input's gradient goes. */
  nextFunctions: Edge[];
  // Hook lists are created on first registration: most nodes never get one, and this runs once per recorded op.
  private _tensorPreHooks: Map<number, ((grad: Tensor) => Tensor | undefined | void)[]> | null = null;
  private _preHooks: NodePreHook[] | null = null;
  private _hooks: NodeHook[] | null = null;
  private _metadata: Record<string, unknown> | null = null;

  /** Per-output tensor hooks (`registerHook` on a non-leaf) and `retainGrad` captures, keyed by output index. */
  get tensorPreHooks(): ReadonlyMap<number, ((grad: Tensor) => Tensor | undefined | void)[]> {
    return this._tensorPreHooks ?? EMPTY_MAP;
  }

  /** The (created on demand) list of tensor hooks for output `outputNr`. */
  tensorPreHookList(outputNr: number): ((grad: Tensor) => Tensor | undefined | void)[] {
    this._tensorPreHooks ??= new Map();
    let list = this._tensorPreHooks.get(outputNr);
    if (list === undefined) {
      list = [];
      this._tensorPreHooks.set(outputNr, list);
    }
    return list;
  }

  get preHooks(): readonly NodePreHook[] {
    return this._preHooks ?? EMPTY_LIST;
  }

  get hooks(): readonly NodeHook[] {
    return this._hooks ?? EMPTY_LIST;
  }

  /** Free-form metadata, as `grad_fn.metadata`. */
  get metadata(): Record<string, unknown> {
    this._metadata ??= {};
    return this._metadata;
  }

  /** Stack of the forward call that created the node (anomaly mode). */
  traceback: string | null = null;

  constructor(
    readonly name: string,
    nextFunctions: Edge[],
    /** How many outputs the forward op had (= gradients this node receives). */
    readonly numOutputs: number,
  ) {
    this.nextFunctions = nextFunctions;
  }

  /** Gradients for each input edge given the gradients of the outputs (null where no gradient flowed). */
  abstract apply(gradOutputs: (Tensor | null)[]): (Tensor | null)[];

  /** Frees saved tensors after a backward pass without `retainGraph`. */
  release(): void {}

  /** `grad_fn.register_hook(fn)`: called with (gradInputs, gradOutputs) after the node ran. */
  registerHook(hook: NodeHook): RemovableHandle {
    this._hooks ??= [];
    this._hooks.push(hook);
    return removableHandle(this._hooks, hook);
  }

  /** `grad_fn.register_prehook(fn)`: called with gradOutputs before the node runs; may replace them. */
  registerPrehook(hook: NodePreHook): RemovableHandle {
    this._preHooks ??= [];
    this._preHooks.push(hook);
    return removableHandle(this._preHooks, hook);
  }

  /** PyTorch's `name()`. */
  toString(): string {
    return `<${this.name} object>`;
  }
}
