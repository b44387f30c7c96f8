/**
 * The single dispatch point every differentiable op goes through. `@proj/tensor` never imports autograd; instead
 * `@proj/autograd` installs an `AutogradHooks` object here, and `dispatch` hands it each recorded op.
 *
 * NOTE [Nested dispatch]: an op's forward may itself call other dispatched ops (a composite such as `softmax` built
 * from `exp` and `sum`, or `var` built from `mean`). Only the outermost call is recorded, so the graph gets one node
 * with the op's own derivative formula; inner calls run as plain computations.
 */
import { RuntimeError } from './errors.js';
import { sparseNotImplemented, type Tensor } from './tensor.js';

/** What autograd is told about one op call. */
export interface OpRecord {
  /** PyTorch-style op name, e.g. `'add'`, `'mm'`, `'sum'`. */
  readonly op: string;
  /** Tensor inputs in positional order (null where an optional tensor input was absent). */
  readonly inputs: readonly (Tensor | null)[];
  /** Non-tensor arguments (dims, scalars, flags) needed by the derivative formula. */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** The op's outputs. */
  readonly outputs: readonly Tensor[];
  /** Set for view ops: the output shares storage with `inputs[0]`. */
  readonly isView?: boolean;
  /** Set for in-place ops: `outputs[0]` is `inputs[0]`, modified. */
  readonly isInplace?: boolean;
}

/** The interface `@proj/autograd` implements and installs with `installAutogradHooks`. */
export interface AutogradHooks {
  /** Whether grad mode is on (ops skip recording otherwise). */
  isGradEnabled(): boolean;
  /**
   * Called before an in-place op writes, when it will be recorded: may throw (in-place on a leaf that requires grad)
   * and may snapshot inputs the derivative needs; the result is handed back to `record`.
   */
  prepareInplace(op: string, inputs: readonly (Tensor | null)[], attrs: Record<string, unknown>): unknown;
  /** Builds graph nodes for an op whose inputs require grad. */
  record(record: OpRecord, prepared: unknown): void;
  /** Runs the backward pass from `tensor`. */
  backward(tensor: Tensor, options: Record<string, unknown>): void;
}

let hooks: AutogradHooks | null = null;
let depth = 0;

/** Installs the autograd engine (called by `@proj/autograd` on import). */
export function installAutogradHooks(h: AutogradHooks | null): void {
  hooks = h;
}

/** The installed engine, or null. */
export function autogradHooks(): AutogradHooks | null {
  return hooks;
}

/** True while inside an op's forward: nested ops are not recorded. */
export function insideDispatch(): boolean {
  return depth > 0;
}

function anyRequiresGrad(inputs: readonly (Tensor | null)[]): boolean {
  for (const t of inputs) if (t !== null && t.requiresGrad) return true;
  return false;
}

/**
 * Runs `forward` and, when autograd is installed, grad mode is on and an input requires grad, records it.
 *
 * ```ts
 * return dispatch('mul', [a, b], {}, () => mulKernel(a, b));
 * ```
 */
export function dispatch<T extends Tensor | Tensor[]>(
  op: string,
  inputs: readonly (Tensor | null)[],
  attrs: Record<string, unknown>,
  forward: () => T,
  flags?: { isView?: boolean; isInplace?: boolean },
): T {
  for (const t of inputs) if (t !== null && t._sparse !== null) throw sparseNotImplemented(op);
  const record = depth === 0 && hooks !== null && hooks.isGradEnabled() && anyRequiresGrad(inputs);
  const prepared = record && flags?.isInplace ? hooks!.prepareInplace(op, inputs, attrs) : null;
  depth++;
  let result: T;
  try {
    result = forward();
  } finally {
    depth--;
  }
  if (record) {
    const outputs: readonly Tensor[] = Array.isArray(result) ? (result as Tensor[]) : [result as Tensor];
    hooks!.record(
      { op, inputs, attrs, outputs, isView: flags?.isView, isInplace: flags?.isInplace },
      prepared,
    );
  }
  return result;
}

/** Runs the backward pass (`Tensor.backward`), or says which package provides it. */
export function runBackward(tensor: Tensor, options: Record<string, unknown>): void {
  if (hooks === null) {
    throw new RuntimeError(
      "backward() needs the autograd engine: import '@proj/autograd' (or '@proj/nn', which imports it) first",
    );
  }
  hooks.backward(tensor, options);
}
