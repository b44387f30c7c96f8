/**
 * Custom differentiable functions: PyTorch's `torch.autograd.Function`. A subclass writes static `forward(ctx, ...)`
 * and `backward(ctx, ...grads)`; `MyFn.apply(...)` runs forward without recording and attaches a `MyFnBackward` node
 * to the outputs that calls the subclass's backward.
 *
 * ```ts
 * class Exp extends Function {
 *   static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
 *     const y = x.exp();
 *     ctx.saveForBackward(y);
 *     return y;
 *   }
 *   static override backward(ctx: FunctionCtx, grad: Tensor): Tensor {
 *     const [y] = ctx.savedTensors;
 *     return grad.mul(y!);
 *   }
 * }
 * const y = Exp.apply(x); // y.gradFn.name === 'ExpBackward'
 * ```
 */
import { type DType, isFloatingPoint, NotImplementedError, RuntimeError, Tensor, zeros } from '@proj/tensor';
import { anomalyTraceback } from './anomaly.js';
import { isGradEnabled, noGrad } from './grad-mode.js';
import { edgeOf, rebaseHistory } from './graph.js';
import { type Edge, Node, SavedTensor } from './node.js';
import { sumToShape } from './sum-to-shape.js';

const FREED_MESSAGE =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/** Python's name for a JS value's type, for messages that name the offending argument. */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/**
 * The context object handed to `forward` and `backward` (PyTorch's `ctx`). Besides the methods below, forward may
 * store any non-tensor state on it (`ctx.k = 2`) for backward to read; tensors needed by backward should go through
 * `saveForBackward`, which detects later in-place modification and frees them after backward.
 */
export class FunctionCtx {
  /** For each argument of `apply`: whether it is a tensor that requires grad (PyTorch's `needs_input_grad`). */
  needsInputGrad: readonly boolean[] = [];
  /** Whether missing output gradients are passed to backward as zeros (default) or as null. */
  materializeGrads = true;
  /** Non-tensor state stored by forward for backward. */
  [key: string]: unknown;

  /** @internal Tensors passed to `saveForBackward`, until `apply` packs them. */
  _toSave: (Tensor | null)[] | null = null;
  /** @internal Packed saved tensors (with their versions). */
  _saved: (SavedTensor | null)[] | null = null;
  /** @internal Set once the graph was freed by a backward pass without `retainGraph`. */
  _freed = false;
  /** @internal */
  readonly _dirty = new Set<Tensor>();
  /** @internal */
  readonly _nonDifferentiable = new Set<Tensor>();

  /**
   * `ctx.save_for_backward(*tensors)`: keeps tensors (inputs, outputs or intermediates; null allowed) for backward.
   * Backward reads them with `ctx.savedTensors`, which fails if one was modified in place in between.
   */
  saveForBackward(...tensors: (Tensor | null | undefined)[]): void {
    tensors.forEach((t, i) => {
      if (t !== null && t !== undefined && !(t instanceof Tensor)) {
        throw new TypeError(
          `save_for_backward can only save variables, but argument ${i} is of type ${typeName(t)}`,
        );
      }
    });
    this._toSave = tensors.map((t) => t ?? null);
  }

  /**
   * The tensors given to `saveForBackward` (`ctx.saved_tensors`). Throws PyTorch's error if one was modified in
   * place since it was saved, or if a backward pass without `retainGraph` already freed them.
   */
  get savedTensors(): (Tensor | null)[] {
    if (this._freed) throw new RuntimeError(FREED_MESSAGE);
    if (this._saved !== null) return this._saved.map((s) => (s === null ? null : s.unpack()));
    return this._toSave === null ? [] : this._toSave.slice();
  }

  /** `ctx.mark_dirty(*tensors)`: declares inputs that forward modified in place (they must be returned). */
  markDirty(...tensors: Tensor[]): void {
    for (const t of tensors) this._dirty.add(t);
  }

  /** `ctx.mark_non_differentiable(*tensors)`: declares outputs that never get a gradient (e.g. indices). */
  markNonDifferentiable(...tensors: Tensor[]): void {
    for (const t of tensors) this._nonDifferentiable.add(t);
  }

  /** `ctx.set_materialize_grads(value)`: with false, backward receives null for outputs that got no gradient. */
  setMaterializeGrads(value: boolean): void {
    this.materializeGrads = value;
  }

  /** @internal Frees the saved tensors (after a backward pass without `retainGraph`). */
  _release(): void {
    this._saved = null;
    this._toSave = null;
    this._freed = true;
  }
}

interface TensorInfo {
  shape: number[];
  dtype: DType;
}

type FunctionClass = {
  readonly name: string;
  forward(ctx: FunctionCtx, ...args: unknown[]): unknown;
  backward(ctx: FunctionCtx, ...grads: unknown[]): unknown;
};

/** True when `shape` can be broadcast to `target` (PyTorch's `is_expandable_to`). */
function isExpandableTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  for (let i = 1; i <= shape.length; i++) {
    const size = shape[shape.length - i]!;
    if (size !== target[target.length - i]! && size !== 1) return false;
  }
  return true;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The backward node of one `apply` call: runs the class's `backward` and checks what it returns like PyTorch. */
export class FunctionBackward extends Node {
  constructor(
    name: string,
    edges: Edge[],
    numOutputs: number,
    /** The Function subclass. */
    readonly functionClass: FunctionClass,
    /** The context shared with forward. */
    readonly ctx: FunctionCtx,
    /** For each argument of `apply`: whether it was a tensor (grads of other arguments must be null). */
    private readonly isTensorArgument: readonly boolean[],
    /** Shape and dtype of each tensor input (gradients are summed back to the shape and cast to the dtype). */
    private readonly inputInfo: readonly TensorInfo[],
    /** Shape and dtype of each tensor output (null for non-tensor outputs), for materializing missing grads. */
    private readonly outputInfo: readonly (TensorInfo | null)[],
  ) {
    super(name, edges, numOutputs);
  }

  /** `grad_fn.saved_tensors`. */
  get savedTensors(): (Tensor | null)[] {
    return this.ctx.savedTensors;
  }

  apply(gradOutputs: (Tensor | null)[]): (Tensor | null)[] {
    const ctx = this.ctx;
    const grads = this.outputInfo.map((info, i) => {
      const g = gradOutputs[i] ?? null;
      if (g !== null || !ctx.materializeGrads || info === null) return g;
      return zeros(info.shape, { dtype: info.dtype });
    });
    const result = this.functionClass.backward(ctx, ...grads);
    let list: unknown[] = Array.isArray(result) ? result.slice() : [result];
    const expected = this.isTensorArgument.length;
    // Returning extra gradients is allowed as long as they are all null (as in PyTorch).
    if (list.length > expected && list.slice(expected).every((g) => g === null || g === undefined)) {
      list = list.slice(0, expected);
    }
    if (list.length !== expected) {
      throw new RuntimeError(
        `function ${this.name} returned an incorrect number of gradients (expected ${expected}, got ${list.length})`,
      );
    }
    const tensorGrads: (Tensor | null)[] = [];
    list.forEach((g, i) => {
      if (!this.isTensorArgument[i]) {
        if (g !== null && g !== undefined) {
          throw new RuntimeError(
            `function ${this.name} returned a gradient different than None at position ${i + 1}, but the corresponding forward input was not a Variable`,
          );
        }
        return;
      }
      if (g === null || g === undefined) tensorGrads.push(null);
      else if (g instanceof Tensor) tensorGrads.push(g);
      else throw new RuntimeError(`expected Variable or None (got ${typeName(g)})`);
    });
    // The engine's validate_outputs: shapes must broadcast to the input's, dtypes are cast to the input's.
    return tensorGrads.map((g, i) => {
      if (g === null || this.nextFunctions[i]![0] === null) return null;
      const info = this.inputInfo[i]!;
      let shaped = g;
      if (!sameShape(g.shape, info.shape)) {
        if (!isExpandableTo(info.shape, g.shape)) {
          throw new RuntimeError(
            `Function ${this.name} returned an invalid gradient at index ${i} - got [${g.shape.join(', ')}] but expected shape compatible with [${info.shape.join(', ')}]`,
          );
        }
        shaped = sumToShape(g, info.shape);
      }
      if (shaped.dtype !== info.dtype) shaped = shaped.to(info.dtype);
      return shaped;
    });
  }

  override release(): void {
    this.ctx._release();
  }
}

/** A saved input reports its current history in the in-place error, like PyTorch's SavedVariable. */
function currentProducer(t: Tensor): { name: string; outputNr: number } | null {
  if (t._autograd?.gradFn === null || t._autograd === null) return null;
  return {
    get name() {
      return t._autograd?.gradFn?.name ?? '';
    },
    get outputNr() {
      return t._autograd?.outputNr ?? 0;
    },
  };
}

type ApplyArgs<F> = F extends { forward(ctx: FunctionCtx, ...args: infer A): unknown } ? A : never;
type ApplyResult<F> = F extends { forward(ctx: FunctionCtx, ...args: never[]): infer R } ? R : never;

/**
 * Base class of custom differentiable functions (`torch.autograd.Function`). Subclasses implement the static
 * methods `forward(ctx, ...args)` (runs without recording; returns a tensor or an array of outputs) and
 * `backward(ctx, ...grads)` (one gradient per output in, one gradient per `apply` argument out: null for
 * non-tensor arguments and inputs that need none). Call with `MyFn.apply(...args)`.
 *
 * Backward runs with grad mode on only under `createGraph`, so a backward written with tensor ops supports double
 * backward.
 */
// biome-ignore lint/suspicious/noShadowRestrictedNames: PyTorch's name (torch.autograd.Function), used as autograd.Function
// biome-ignore lint/complexity/noStaticOnlyClass: subclasses override static forward/backward, as in PyTorch
export class Function {
  /** Computes the outputs; override in subclasses. */
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): unknown {
    throw new NotImplementedError('You must implement the forward function for custom autograd.Function.');
  }

  /** Computes the gradients of the inputs from those of the outputs; override in subclasses. */
  static backward(_ctx: FunctionCtx, ..._grads: unknown[]): unknown {
    throw new NotImplementedError(
      'You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.',
    );
  }

  /** Runs the function on `args` and records it in the graph when an input requires grad. */
  static apply<F extends FunctionClass>(this: F, ...args: ApplyArgs<F>): ApplyResult<F> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass apply was called on
    return applyFunction(this, args as unknown[]) as ApplyResult<F>;
  }
}

function applyFunction(functionClass: FunctionClass, args: unknown[]): unknown {
  const ctx = new FunctionCtx();
  const isTensorArgument = args.map((a) => a instanceof Tensor);
  const tensorInputs = args.filter((a): a is Tensor => a instanceof Tensor);
  ctx.needsInputGrad = args.map((a) => a instanceof Tensor && a.requiresGrad);
  const executable = isGradEnabled() && tensorInputs.some((t) => t.requiresGrad);
  // Edges are taken before forward: inputs modified in place get a new history afterwards.
  const edges = executable ? tensorInputs.map(edgeOf) : [];
  const inputInfo = tensorInputs.map((t) => ({ shape: t.shape, dtype: t.dtype }));

  const raw = noGrad(() => functionClass.forward(ctx, ...args));
  const isTuple = Array.isArray(raw);
  const rawOutputs: unknown[] = isTuple ? (raw as unknown[]).slice() : [raw];

  const dirty = ctx._dirty;
  for (const t of dirty) {
    // PyTorch bumps the version of tensors marked dirty (on top of the in-place op's own bump).
    t._bumpVersion();
    if (!rawOutputs.includes(t)) {
      throw new RuntimeError(
        'Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.',
      );
    }
  }

  const node = executable
    ? new FunctionBackward(
        `${functionClass.name}Backward`,
        edges,
        rawOutputs.length,
        functionClass,
        ctx,
        isTensorArgument,
        inputInfo,
        rawOutputs.map((o) => (o instanceof Tensor ? { shape: o.shape, dtype: o.dtype } : null)),
      )
    : null;
  const tensorOutputCount = rawOutputs.filter((o) => o instanceof Tensor).length;

  const outputs = rawOutputs.map((output, outputNr) => {
    if (!(output instanceof Tensor)) return output;
    const isInput = tensorInputs.includes(output);
    const isModified = dirty.has(output);
    const differentiable =
      node !== null && !ctx._nonDifferentiable.has(output) && isFloatingPoint(output.dtype);
    if (!differentiable) {
      if (!output.requiresGrad) return isInput && !isModified ? viewOfSelf(output) : output;
      // Detached aliases of inputs rather than changing their requiresGrad.
      if (isInput) return output.detach();
      if (output._base === null) output.detach_();
      return output;
    }
    if (isModified) {
      if (output.isLeaf && output.requiresGrad) {
        throw new RuntimeError('a leaf Variable that requires grad has been used in an in-place operation.');
      }
      if (!isInput) {
        console.warn(
          'Only input Tensors should be given to ctx.mark_dirty(). If a Tensor is not an input, there is no need to pass it to mark_dirty().',
        );
      }
      if (output._base !== null) {
        if (tensorOutputCount > 1) {
          throw new RuntimeError(
            'If your Function modifies inplace an input that is a view of another Tensor, your Function cannot return more than one Tensor. This is not supported by the current autograd engine. You should either make sure the input is not a view (using .clone() for example) or make your Function only return one Tensor (potentially splitting it into two Functions: one computing the inplace operation and one returning the extra Tensors).',
          );
        }
        rebaseHistory(output, node);
        return output;
      }
      const meta = output._meta();
      meta.grad = null;
      meta.hooks.length = 0;
      meta.gradFn = node as never;
      meta.outputNr = outputNr;
      return output;
    }
    // An input returned unchanged gets a new view, so the input keeps its own history.
    const result = isInput ? viewOfSelf(output) : output;
    const meta = result._meta();
    meta.gradFn = node as never;
    meta.outputNr = outputNr;
    return result;
  });

  if (node !== null) {
    const toSave = ctx._toSave ?? [];
    ctx._saved = toSave.map((t) => {
      if (t === null) return null;
      const isOutput = t._autograd?.gradFn === (node as unknown);
      return new SavedTensor(
        t,
        isOutput ? { name: node.name, outputNr: t._autograd!.outputNr } : currentProducer(t),
      );
    });
    ctx._toSave = null;
    const traceback = anomalyTraceback();
    if (traceback !== null) node.traceback = traceback;
  }
  return isTuple ? outputs : outputs[0];
}

/** `_view_as_self_with_no_grad`: a fresh view of `t` that can take its own history. */
function viewOfSelf(t: Tensor): Tensor {
  return noGrad(() => t.viewAs(t));
}
