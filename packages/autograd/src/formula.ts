/**
 * The derivative-formula table. Each differentiable op of @proj/tensor has one entry keyed by the op name it passes
 * to `dispatch`; formulas are written with tensor ops, so they are differentiable again (`createGraph`).
 */
import type { DType, Tensor } from '@proj/tensor';

/** What a formula sees when it runs. */
export interface FormulaContext {
  /** Non-tensor arguments recorded by the op. */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Saved input `i` (only those listed in `saveInputs`); throws if it was modified in place since. */
  input(i: number): Tensor;
  /** Saved output `i` (when `saveOutputs`). */
  output(i: number): Tensor;
  /** Shape of input `i` at record time (always available for inputs that were given). */
  inputShape(i: number): number[];
  /** Whether optional input `i` was given (not null). */
  hasInput(i: number): boolean;
  /** dtype of input `i` at record time. */
  inputDtype(i: number): DType;
  /** Whether input `i` needs a gradient (PyTorch's `needs_input_grad`). */
  readonly needsInputGrad: readonly boolean[];
}

/** A derivative formula. */
export interface Formula {
  /** PyTorch's node name, e.g. `MulBackward0`; may depend on the attrs. */
  readonly name: string | ((attrs: Readonly<Record<string, unknown>>) => string);
  /** Inputs whose values the backward needs (saved with their version). */
  readonly saveInputs?: readonly number[];
  /** Whether the backward needs the outputs. */
  readonly saveOutputs?: boolean;
  /** Inputs that never get a gradient (indices, masks): PyTorch gives them no edge in `nextFunctions`. */
  readonly nonDifferentiable?: readonly number[];
  /**
   * Gradients for each input from the gradients of the outputs (null for outputs no gradient reached). A returned
   * gradient may have the broadcast shape: the engine sums it back to the input's shape and casts it to its dtype.
   */
  backward(ctx: FormulaContext, grads: readonly (Tensor | null)[]): (Tensor | null | undefined)[];
}

const formulas = new Map<string, Formula>();

/** Registers formulas (later registrations replace earlier ones, so packages can refine them). */
export function defineFormulas(table: Record<string, Formula>): void {
  for (const [op, formula] of Object.entries(table)) formulas.set(op, formula);
}

/** The formula of an op (in-place ops `foo_` use the formula of `foo`). */
export function formulaFor(op: string): Formula | undefined {
  return formulas.get(op) ?? (op.endsWith('_') ? formulas.get(op.slice(0, -1)) : undefined);
}

/** Names of every op with a formula (for coverage tests). */
export function formulaNames(): string[] {
  return [...formulas.keys()];
}
