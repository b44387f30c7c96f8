/**
 * Recording: turns each op reported by @proj/tensor's dispatch point into a graph node, handles in-place ops
 * (history rebasing, CopySlices for writes through views) and the autograd attributes of tensors.
 */
import {
  isFloatingPoint,
  NotImplementedError,
  type OpRecord,
  RuntimeError,
  type Tensor,
  zeros,
} from '@proj/tensor';
import { anomalyTraceback } from './anomaly.js';
import { type Formula, type FormulaContext, formulaFor } from './formula.js';
import { isGradEnabled } from './grad-mode.js';
import { type Edge, Node, SavedTensor } from './node.js';
import { sumToShape } from './sum-to-shape.js';

/** The node that accumulates gradients into a leaf's `.grad`. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super('AccumulateGrad', [], 1);
  }

  apply(): (Tensor | null)[] {
    // The engine accumulates (it knows whether a graph is being built); see engine.ts.
    return [];
  }
}

/** The AccumulateGrad node of a leaf, created once per tensor (so `nextFunctions` identities are stable). */
export function accumulateGradOf(t: Tensor): AccumulateGrad {
  const meta = t._meta();
  if (!(meta.engineData instanceof AccumulateGrad)) meta.engineData = new AccumulateGrad(t);
  return meta.engineData as AccumulateGrad;
}

/** Where a tensor's gradient goes: its grad_fn and output index, its AccumulateGrad, or nowhere. */
export function edgeOf(t: Tensor | null): Edge {
  if (t === null || !t.requiresGrad) return [null, 0];
  const meta = t._autograd!;
  if (meta.gradFn === null) return [accumulateGradOf(t), 0];
  return [meta.gradFn as unknown as Node, meta.outputNr];
}

interface InputMeta {
  shape: number[];
  dtype: Tensor['dtype'];
}

const FREED_MESSAGE =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/** A node whose backward is a formula from the table. */
export class FormulaNode extends Node {
  private savedInputs: (SavedTensor | null)[] | null;
  private savedOutputs: (SavedTensor | null)[] | null;
  private hadSaved: boolean;

  constructor(
    readonly formula: Formula,
    readonly op: string,
    edges: Edge[],
    readonly attrs: Readonly<Record<string, unknown>>,
    readonly inputMeta: readonly (InputMeta | null)[],
    savedInputs: (SavedTensor | null)[],
    savedOutputs: (SavedTensor | null)[],
    numOutputs: number,
    /** Which formula input each edge belongs to (wrapped scalars may have no edge). */
    readonly positions: readonly number[] = edges.map((_, i) => i),
  ) {
    super(typeof formula.name === 'string' ? formula.name : formula.name(attrs), edges, numOutputs);
    this.savedInputs = savedInputs;
    this.savedOutputs = savedOutputs;
    this.hadSaved = savedInputs.some((s) => s !== null) || savedOutputs.some((s) => s !== null);
  }

  /** @internal Saved outputs are filled in after construction (the node must exist before the outputs point at it). */
  _setSavedOutputs(saved: (SavedTensor | null)[]): void {
    this.savedOutputs = saved;
    // Output-only formulas (exp, tanh, sigmoid...) must also report a second backward through freed buffers.
    if (saved.some((t) => t !== null)) this.hadSaved = true;
  }

  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    if (this.hadSaved && this.savedInputs === null) throw new RuntimeError(FREED_MESSAGE);
    const savedInputs = this.savedInputs ?? [];
    const savedOutputs = this.savedOutputs ?? [];
    const needsInputGrad = this.inputMeta.map(() => false);
    this.nextFunctions.forEach(([fn], i) => {
      needsInputGrad[this.positions[i]!] = fn !== null;
    });
    const op = this.op;
    const ctx: FormulaContext = {
      attrs: this.attrs,
      needsInputGrad,
      input(i) {
        const saved = savedInputs[i];
        if (saved === undefined || saved === null)
          throw new RuntimeError(`${op}: input ${i} was not saved for backward`);
        return saved.unpack();
      },
      output(i) {
        const saved = savedOutputs[i];
        if (saved === undefined || saved === null)
          throw new RuntimeError(`${op}: output ${i} was not saved for backward`);
        return saved.unpack();
      },
      inputShape: (i) => this.inputMeta[i]!.shape,
      hasInput: (i) => this.inputMeta[i] !== null && this.inputMeta[i] !== undefined,
      inputDtype: (i) => this.inputMeta[i]!.dtype,
    };
    const raw = this.formula.backward(ctx, grads);
    return this.nextFunctions.map((edge, i) => {
      const position = this.positions[i]!;
      const g = raw[position];
      if (edge[0] === null || g === null || g === undefined) return null;
      const meta = this.inputMeta[position]!;
      if (!expandableTo(meta.shape, g.shape)) {
        throw new RuntimeError(
          `Function ${this.name} returned an invalid gradient at index ${i} - got [${g.shape.join(', ')}] but expected shape compatible with [${meta.shape.join(', ')}]`,
        );
      }
      let shaped = sumToShape(g, meta.shape);
      if (shaped.dtype !== meta.dtype) shaped = shaped.to(meta.dtype);
      return shaped;
    });
  }

  override release(): void {
    this.savedInputs = null;
    this.savedOutputs = null;
  }
}

/** PyTorch's `is_expandable_to(shape, desired)`: `shape` broadcasts to `desired`. */
function expandableTo(shape: readonly number[], desired: readonly number[]): boolean {
  if (shape.length > desired.length) return false;
  for (let i = 1; i <= shape.length; i++) {
    const size = shape[shape.length - i]!;
    const target = desired[desired.length - i]!;
    if (size !== target && size !== 1) return false;
  }
  return true;
}

/** A node for an op without a formula: recording works, backward says what is missing. */
class MissingFormulaNode extends Node {
  constructor(
    readonly op: string,
    edges: Edge[],
    numOutputs: number,
  ) {
    super(`${op[0]!.toUpperCase()}${op.slice(1)}Backward0`, edges, numOutputs);
  }

  apply(): (Tensor | null)[] {
    throw new NotImplementedError(`the derivative for '${this.op}' is not implemented.`);
  }
}

/**
 * PyTorch records some ops with a Python number differently (`x ** 2` is PowBackward0 with one edge, `2 - x` is
 * RsubBackward1); @proj/tensor marks the 0-d tensors it makes from numbers as `_wrappedNumber`.
 */
function scalarVariant(
  op: string,
  inputs: readonly (Tensor | null)[],
): { name: string; dropInput: number } | null {
  const wrapped = (i: number) =>
    (inputs[i] as { _wrappedNumber?: boolean } | null | undefined)?._wrappedNumber === true;
  if ((op === 'pow' || op === 'pow_') && wrapped(1)) return { name: 'PowBackward0', dropInput: 1 };
  if ((op === 'sub' || op === 'sub_') && wrapped(0)) return { name: 'RsubBackward1', dropInput: 0 };
  return null;
}

/** State captured before an in-place op runs: clones of the values its formula needs. */
export interface InplacePrep {
  clones: Map<number, Tensor>;
}

/** Checks and snapshots for an in-place op, before it writes. */
export function prepareInplace(op: string, inputs: readonly (Tensor | null)[]): InplacePrep | null {
  const target = inputs[0];
  if (!isGradEnabled() || target === null || target === undefined) return null;
  const anyRequires = inputs.some((t) => t?.requiresGrad);
  if (!anyRequires) return null;
  if (target.requiresGrad && target.isLeaf) {
    throw new RuntimeError('a leaf Variable that requires grad is being used in an in-place operation.');
  }
  const base = target._base;
  if (base !== null && base.requiresGrad && base.isLeaf) {
    throw new RuntimeError(
      'a view of a leaf Variable that requires grad is being used in an in-place operation.',
    );
  }
  const formula = formulaFor(op);
  const clones = new Map<number, Tensor>();
  for (const i of formula?.saveInputs ?? []) {
    const t = inputs[i];
    // Inputs that alias the written tensor must be saved as they were before the write.
    if (t && (t === target || t.untypedStorage() === target.untypedStorage()))
      clones.set(i, t.detach().clone());
  }
  return { clones };
}

/** Builds the node for one recorded op and attaches it to the outputs. */
export function recordOp(record: OpRecord, prep: InplacePrep | null): void {
  const { op, inputs, attrs, outputs } = record;
  const differentiable = outputs.filter((t) => isFloatingPoint(t.dtype));
  if (differentiable.length === 0) return;
  const variant = scalarVariant(op, inputs);
  const baseFormula = formulaFor(op);
  const skipped = baseFormula?.nonDifferentiable ?? [];
  const positions = inputs.map((_, i) => i).filter((i) => i !== variant?.dropInput && !skipped.includes(i));
  const edges = positions.map((i) => edgeOf(inputs[i] ?? null));
  const formula = baseFormula && variant ? { ...baseFormula, name: variant.name } : baseFormula;
  let node: Node;
  if (formula === undefined) {
    node = new MissingFormulaNode(op, edges, outputs.length);
  } else {
    const inputMeta = inputs.map((t) => (t === null ? null : { shape: t._shape, dtype: t.dtype }));
    const savedInputs = inputs.map((t, i) => {
      if (t === null || !(formula.saveInputs ?? []).includes(i)) return null;
      const clone = prep?.clones.get(i);
      return clone !== undefined ? new SavedTensor(clone, null) : new SavedTensor(t);
    });
    const formulaNode = new FormulaNode(
      formula,
      op,
      edges,
      attrs,
      inputMeta,
      savedInputs,
      [],
      outputs.length,
      positions,
    );
    node = formulaNode;
    if (record.isInplace) {
      rebaseHistory(record.outputs[0]!, formulaNode);
    } else {
      outputs.forEach((t, i) => {
        if (!isFloatingPoint(t.dtype)) return;
        const meta = t._meta();
        meta.gradFn = node as never;
        meta.outputNr = i;
      });
    }
    if (formula.saveOutputs) {
      formulaNode._setSavedOutputs(
        outputs.map((t, i) => new SavedTensor(t, { name: node.name, outputNr: i })),
      );
    }
  }
  if (formula === undefined) {
    outputs.forEach((t, i) => {
      if (!isFloatingPoint(t.dtype)) return;
      const meta = t._meta();
      meta.gradFn = node as never;
      meta.outputNr = i;
    });
  }
  const traceback = anomalyTraceback();
  if (traceback !== null) node.traceback = traceback;
}

/**
 * In-place ops give the written tensor a new history. When the tensor is a view, its base's history becomes a
 * CopySlices node: the base's gradient passes through unchanged except in the view's region, where the op's
 * backward applies.
 */
export function rebaseHistory(target: Tensor, node: Node): void {
  const base = target._base;
  if (base === null) {
    const meta = target._meta();
    meta.gradFn = node as never;
    meta.outputNr = 0;
    return;
  }
  const geometry = {
    shape: target.shape,
    strides: target.stride(),
    offset: target.storageOffset() - base.storageOffset(),
  };
  const copySlices = new CopySlices(node, edgeOf(base), geometry, base.shape, base.stride());
  const baseMeta = base._meta();
  baseMeta.gradFn = copySlices as never;
  baseMeta.outputNr = 0;
  const viewNode = new AsStridedViewNode(geometry, base.shape, base.stride(), [copySlices, 0]);
  const meta = target._meta();
  meta.gradFn = viewNode as never;
  meta.outputNr = 0;
}

interface ViewGeometry {
  shape: number[];
  strides: number[];
  offset: number;
}

/** Gradient of the base of a view that an in-place op wrote through. */
class CopySlices extends Node {
  constructor(
    readonly inner: Node,
    baseEdge: Edge,
    readonly geometry: ViewGeometry,
    readonly baseShape: number[],
    readonly baseStrides: number[],
  ) {
    super('CopySlices', [baseEdge, ...inner.nextFunctions.slice(1)], 1);
  }

  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    const grad = grads[0];
    if (grad === null || grad === undefined) return this.nextFunctions.map(() => null);
    const { storage, base } = stridedBuffer(grad, this.baseShape, this.baseStrides);
    base.copy_(grad);
    const region = storage.asStrided(this.geometry.shape, this.geometry.strides, this.geometry.offset);
    const innerGrads = this.inner.apply([region.clone()]);
    const selfGrad = innerGrads[0];
    if (selfGrad === null || selfGrad === undefined) region.zero_();
    else region.copy_(selfGrad);
    // A view taken after the writes, so its history (under createGraph) includes them.
    return [storage.asStrided(this.baseShape, this.baseStrides, 0), ...innerGrads.slice(1)];
  }

  override release(): void {
    this.inner.release();
  }
}

/** A zeroed buffer laid out like the base (same strides), so view geometries apply to it unchanged. */
function stridedBuffer(like: Tensor, shape: number[], strides: number[]): { storage: Tensor; base: Tensor } {
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 0) {
      size = 0;
      break;
    }
    size += (shape[i]! - 1) * strides[i]!;
  }
  const storage = zeros([size], { dtype: like.dtype });
  return { storage, base: storage.asStrided(shape, strides, 0) };
}

/** History of a view after an in-place write through it: a strided window of its base's gradient. */
class AsStridedViewNode extends Node {
  constructor(
    readonly geometry: ViewGeometry,
    readonly baseShape: number[],
    readonly baseStrides: number[],
    baseEdge: Edge,
  ) {
    super('AsStridedBackward0', [baseEdge], 1);
  }

  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    const grad = grads[0];
    if (grad === null || grad === undefined) return [null];
    const { storage } = stridedBuffer(grad, this.baseShape, this.baseStrides);
    storage.asStrided(this.geometry.shape, this.geometry.strides, this.geometry.offset).add_(grad);
    return [storage.asStrided(this.baseShape, this.baseStrides, 0)];
  }
}
