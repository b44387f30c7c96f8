/**
 * Gradient checkpointing (`torch.utils.checkpoint.checkpoint`, the reentrant variant): the forward pass of `fn`
 * runs without recording, keeping only its inputs; backward runs `fn` again with grad enabled (after restoring the
 * RNG state it saw, so dropout-like randomness draws the same values) and backpropagates through the recomputed
 * graph. Gradients are the same as without checkpointing, for less memory.
 *
 * ```ts
 * const y = checkpoint((x) => block.call(x), x);
 * const z = checkpointWithOptions((x) => block.call(x), [x], { preserveRngState: false });
 * ```
 */
import { Generator, getRngState, RuntimeError, setRngState, Tensor, ValueError } from '@proj/tensor';
import { backward } from './api.js';
import { Function as AutogradFunction, type FunctionCtx } from './function.js';
import { enableGrad } from './grad-mode.js';

/** Options of `checkpoint`. */
export interface CheckpointOptions {
  /** Save the RNG state in forward and restore it for the recomputation (default true). */
  preserveRngState?: boolean;
  /** Only the reentrant implementation (PyTorch 1.13's default) exists; `false` is rejected. */
  useReentrant?: boolean;
}

const OPTION_KEYS = new Set(['preserveRngState', 'useReentrant']);

/** True for a trailing `{ preserveRngState?, useReentrant? }` object (a plain object with only those keys). */
function isOptionsObject(value: unknown): value is CheckpointOptions {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => OPTION_KEYS.has(k));
}

interface CheckpointState {
  fn: (...args: never[]) => unknown;
  preserveRngState: boolean;
  forwardRngState: Uint8Array | null;
  /** Explicitly passed generators and the states they had when forward started. */
  generatorStates: [Generator, Uint8Array][];
  inputs: unknown[];
  tensorIndices: number[];
}

/** Restores the default generator and the given generators' states around `fn` (PyTorch's `fork_rng`). */
function forkRng<T>(state: CheckpointState, fn: () => T): T {
  if (!state.preserveRngState) return fn();
  const outerDefault = getRngState();
  const outerGenerators = state.generatorStates.map(([g]) => g.getState());
  setRngState(state.forwardRngState!);
  for (const [g, s] of state.generatorStates) g.setState(s);
  try {
    return fn();
  } finally {
    setRngState(outerDefault);
    state.generatorStates.forEach(([g], i) => {
      g.setState(outerGenerators[i]!);
    });
  }
}

/** The custom Function behind `checkpoint` (its node is named `CheckpointFunctionBackward`, as in PyTorch). */
export class CheckpointFunction extends AutogradFunction {
  static override forward(ctx: FunctionCtx, state: CheckpointState, ...args: unknown[]): unknown {
    if (!args.some((a) => a instanceof Tensor && a.requiresGrad)) {
      console.warn('None of the inputs have requires_grad=True. Gradients will be None');
    }
    if (state.preserveRngState) {
      state.forwardRngState = getRngState();
      state.generatorStates = args
        .filter((a): a is Generator => a instanceof Generator)
        .map((g) => [g, g.getState()]);
    }
    state.inputs = args.slice();
    state.tensorIndices = [];
    const tensors: Tensor[] = [];
    args.forEach((a, i) => {
      if (a instanceof Tensor) {
        state.tensorIndices.push(i);
        tensors.push(a);
      }
    });
    ctx.saveForBackward(...tensors);
    ctx.checkpointState = state;
    // Forward already runs without recording (Function.apply), so no activation is kept.
    return state.fn(...(args as never[]));
  }

  static override backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): (Tensor | null)[] {
    const state = ctx.checkpointState as CheckpointState;
    const inputs = state.inputs.slice();
    const saved = ctx.savedTensors;
    state.tensorIndices.forEach((index, i) => {
      inputs[index] = saved[i];
    });
    const detached = inputs.map((a) => (a instanceof Tensor ? a.detach().requiresGrad_(a.requiresGrad) : a));
    const result = forkRng(state, () => enableGrad(() => state.fn(...(detached as never[]))));
    const outputs: unknown[] = Array.isArray(result) ? result : [result];
    const outputsWithGrad: Tensor[] = [];
    const gradsOfOutputs: (Tensor | null)[] = [];
    outputs.forEach((out, i) => {
      if (out instanceof Tensor && out.requiresGrad) {
        outputsWithGrad.push(out);
        gradsOfOutputs.push(grads[i] ?? null);
      }
    });
    if (outputsWithGrad.length === 0) {
      throw new RuntimeError('none of output has requires_grad=True, this checkpoint() is not necessary');
    }
    backward(outputsWithGrad, gradsOfOutputs);
    return [null, ...detached.map((a) => (a instanceof Tensor ? a.grad : null))];
  }
}

/**
 * `torch.utils.checkpoint.checkpoint(fn, *args)`: runs `fn(...args)` without keeping activations and recomputes
 * them in backward. A trailing `{ preserveRngState, useReentrant }` object is taken as options (use
 * `checkpointWithOptions` when `fn` itself takes such an object last).
 */
export function checkpoint<A extends unknown[], R>(
  fn: (...args: A) => R,
  ...args: [...A] | [...A, CheckpointOptions]
): R {
  const last = args[args.length - 1];
  if (args.length > 0 && isOptionsObject(last)) {
    return checkpointWithOptions(fn, args.slice(0, -1) as A, last);
  }
  return checkpointWithOptions(fn, args as A, {});
}

/** `checkpoint` with its arguments as an array and the options separate. */
export function checkpointWithOptions<A extends unknown[], R>(
  fn: (...args: A) => R,
  args: A,
  options: CheckpointOptions = {},
): R {
  if (options.useReentrant === false) {
    throw new ValueError('checkpoint: only the reentrant implementation (useReentrant: true) is available');
  }
  const state: CheckpointState = {
    fn: fn as unknown as CheckpointState['fn'],
    preserveRngState: options.preserveRngState ?? true,
    forwardRngState: null,
    generatorStates: [],
    inputs: [],
    tensorIndices: [],
  };
  return CheckpointFunction.apply(state, ...args) as R;
}
