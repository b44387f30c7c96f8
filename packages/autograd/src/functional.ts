/**
 * `torch.autograd.functional`: Jacobians, Hessians and vector products of whole functions, built on `grad`.
 * Inputs and outputs follow PyTorch's tuple conventions: a single tensor in gives a single tensor out, an array
 * (PyTorch's tuple) gives an array, and `jacobian` of array outputs and array inputs is an array of arrays
 * (`jac[i][j]` is output i with respect to input j). `jvp` and `hvp` use the double-backward trick, as PyTorch does.
 *
 * ```ts
 * import { functional } from '@proj/autograd';
 * const jac = functional.jacobian((x) => x.exp().sum(1), torch.rand(2, 2)); // shape [2, 2, 2]
 * const [out, v] = functional.vjp((x) => x.pow(2), x, torch.ones(3));
 * ```
 */
import { RuntimeError, stack, Tensor, zerosLike } from '@proj/tensor';
import { grad } from './api.js';
import { enableGrad, isGradEnabled, setGradEnabled } from './grad-mode.js';

/** One tensor or PyTorch's tuple of tensors. */
export type Tensors = Tensor | readonly Tensor[];

/** A user function: tensors in, a tensor or an array of tensors out. */
export type FunctionalFn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

/** Options shared by the functions of this module. */
export interface FunctionalOptions {
  /** Compute the result in a differentiable way (it then has a graph back to the inputs). */
  createGraph?: boolean;
  /** Throw when an output is independent of an input instead of returning zeros. */
  strict?: boolean;
}

/** Options of `jacobian` and `hessian`. */
export interface JacobianOptions extends FunctionalOptions {
  /**
   * PyTorch's experimental batched mode. Accepted for compatibility: the result is the same; rows are computed one
   * `grad` call at a time.
   */
  vectorize?: boolean;
  /** Only `'reverse-mode'` is supported (forward-mode AD is not implemented). */
  strategy?: 'reverse-mode' | 'forward-mode';
}

type Maybe = Tensor | null;

function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return "<class 'NoneType'>";
  if (typeof value === 'number') return Number.isInteger(value) ? "<class 'int'>" : "<class 'float'>";
  if (typeof value === 'object') return `<class '${(value as object).constructor?.name ?? 'object'}'>`;
  return `<class '${typeof value}'>`;
}

/** `_as_tuple`: [wasTuple, elements], checking every element is a tensor. */
function asTuple(value: unknown, argName: string, fnName: string): [boolean, Tensor[]] {
  const isTuple = Array.isArray(value);
  const items: unknown[] = isTuple ? (value as unknown[]).slice() : [value];
  items.forEach((item, i) => {
    if (!(item instanceof Tensor)) {
      const where = isTuple ? `the value at index ${i}` : `the given ${argName}`;
      throw new TypeError(
        `The ${argName} given to ${fnName} must be either a Tensor or a tuple of Tensors but ${where} has type ${pythonTypeName(item)}.`,
      );
    }
  });
  return [isTuple, items as Tensor[]];
}

/** `_grad_preprocess`: fresh leaves (or differentiable aliases under createGraph) to differentiate against. */
function gradPreprocess(inputs: readonly Tensor[], createGraph: boolean, needGraph: boolean): Tensor[] {
  return inputs.map((t) =>
    createGraph && t.requiresGrad ? t.viewAs(t) : t.detach().requiresGrad_(needGraph),
  );
}

function gradPostprocess(inputs: readonly Tensor[], createGraph: boolean): Tensor[] {
  return createGraph ? inputs.slice() : inputs.map((t) => t.detach());
}

function sizeString(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

function validateV(v: readonly Tensor[], other: readonly Tensor[], isOtherTuple: boolean): void {
  if (v.length !== other.length) {
    if (isOtherTuple)
      throw new RuntimeError(
        `v is a tuple of invalid length: should be ${other.length} but got ${v.length}.`,
      );
    throw new RuntimeError('The given v should contain a single Tensor.');
  }
  v.forEach((element, i) => {
    const a = element.shape;
    const b = other[i]!.shape;
    if (a.length !== b.length || a.some((d, j) => d !== b[j])) {
      const prepend = isOtherTuple ? `Entry ${i} in ` : '';
      throw new RuntimeError(
        `${prepend}v has invalid size: should be ${sizeString(b)} but got ${sizeString(a)}.`,
      );
    }
  });
}

type InputType = 'outputs' | 'grad_inputs' | 'jacobian' | 'hessian';

function checkRequiresGrad(inputs: readonly Maybe[], inputType: InputType, strict: boolean): void {
  if (!strict) return;
  inputs.forEach((t, i) => {
    if (t === null) {
      throw new RuntimeError(
        `The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
      );
    }
    if (t.requiresGrad) return;
    switch (inputType) {
      case 'hessian':
        throw new RuntimeError(
          `The hessian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. You should ensure that your function is thrice differentiable and that the hessian depends on the inputs.`,
        );
      case 'jacobian':
        throw new RuntimeError(
          `While computing the hessian, found that the jacobian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. You should ensure that your function is twice differentiable and that the jacobian depends on the inputs (this would be violated by a linear function for example).`,
        );
      case 'grad_inputs':
        throw new RuntimeError(
          `The gradient with respect to input ${i} is independent of the inputs of the user-provided function. This is not allowed in strict mode.`,
        );
      default:
        throw new RuntimeError(
          `Output ${i} of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.`,
        );
    }
  });
}

/** `_autograd_grad`: `grad` over the outputs that require grad, null for every input when none does. */
function autogradGrad(
  outputs: readonly Maybe[],
  inputs: readonly Tensor[],
  gradOutputs: readonly Maybe[] | null,
  createGraph: boolean,
  retainGraph?: boolean,
): Maybe[] {
  const newOutputs: Tensor[] = [];
  const newGradOutputs: Maybe[] = [];
  outputs.forEach((out, i) => {
    if (out?.requiresGrad) {
      newOutputs.push(out);
      newGradOutputs.push(gradOutputs === null ? null : (gradOutputs[i] ?? null));
    }
  });
  if (newOutputs.length === 0) return inputs.map(() => null);
  return grad(newOutputs, inputs, {
    gradOutputs: newGradOutputs,
    allowUnused: true,
    createGraph,
    retainGraph,
  });
}

type Stage = 'back' | 'back_trick' | 'double_back' | 'double_back_trick';

function fillInZeros(
  grads: readonly Maybe[],
  refs: readonly Tensor[],
  strict: boolean,
  createGraph: boolean,
  stage: Stage,
): Tensor[] {
  return grads.map((g, i) => {
    if (g === null) {
      if (strict) {
        switch (stage) {
          case 'back':
            throw new RuntimeError(
              `The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
            );
          case 'back_trick':
            throw new RuntimeError(
              `The gradient with respect to the input is independent of entry ${i} in the grad_outputs when using the double backward trick to compute forward mode gradients. This is not allowed in strict mode.`,
            );
          case 'double_back':
            throw new RuntimeError(
              `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
            );
          default:
            throw new RuntimeError(
              `The hessian of the user-provided function is independent of entry ${i} in the grad_jacobian. This is not allowed in strict mode as it prevents from using the double backward trick to replace forward mode AD.`,
            );
        }
      }
      return zerosLike(refs[i]!);
    }
    if (strict && createGraph && !g.requiresGrad) {
      const what = stage.includes('double') ? 'hessian' : 'jacobian';
      throw new RuntimeError(
        `The ${what} of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`,
      );
    }
    return g;
  });
}

function unpack<T>(values: T[], isTuple: boolean): T | T[] {
  return isTuple ? values : values[0]!;
}

/** Result of `vjp`, `jvp`, `vhp` and `hvp`: the function's output and the product, each a tensor or an array. */
export type ProductResult = [Tensor | Tensor[], Tensor | Tensor[]];

/** Shared part of `vhp` and `hvp`: checks v, runs `fn` and returns the first derivatives with a graph. */
function scalarFunctionPrelude(
  fn: FunctionalFn,
  inputsArg: Tensors,
  vArg: Tensors | null | undefined,
  createGraph: boolean,
  strict: boolean,
  fnName: 'vhp' | 'hvp',
): {
  isInputsTuple: boolean;
  inputs: Tensor[];
  v: Tensor[] | null;
  outputs: Tensor[];
  isOutputsTuple: boolean;
  jac: Maybe[];
} {
  const [isInputsTuple, rawInputs] = asTuple(inputsArg, 'inputs', fnName);
  const inputs = gradPreprocess(rawInputs, createGraph, true);
  let v: Tensor[] | null = null;
  if (vArg !== null && vArg !== undefined) {
    v = gradPreprocess(asTuple(vArg, 'v', fnName)[1], createGraph, false);
    validateV(v, inputs, isInputsTuple);
  } else if (inputs.length !== 1 || inputs[0]!.numel() !== 1) {
    throw new RuntimeError(
      'The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.',
    );
  }
  const [isOutputsTuple, outputs] = asTuple(fn(...inputs), 'outputs of the user-provided function', fnName);
  checkRequiresGrad(outputs, 'outputs', strict);
  if (isOutputsTuple) throw new RuntimeError(`The function given to ${fnName} should return a single Tensor`);
  if (outputs[0]!.numel() !== 1) {
    throw new RuntimeError(
      `The Tensor returned by the function given to ${fnName} should contain a single element`,
    );
  }
  const jac = autogradGrad(outputs, inputs, null, true);
  checkRequiresGrad(jac, 'jacobian', strict);
  return { isInputsTuple, inputs, v, outputs, isOutputsTuple, jac };
}

/**
 * `torch.autograd.functional.vjp(func, inputs, v)`: the function's output and vᵀ·J, shaped like the inputs.
 * `v` may be omitted when the output has a single element.
 */
export function vjp(
  fn: FunctionalFn,
  inputs: Tensors,
  v?: Tensors | null,
  options: FunctionalOptions = {},
): ProductResult {
  const createGraph = options.createGraph ?? false;
  const strict = options.strict ?? false;
  const prepared = enableGrad(() => {
    const [isInputsTuple, rawInputs] = asTuple(inputs, 'inputs', 'vjp');
    const ins = gradPreprocess(rawInputs, createGraph, true);
    const [isOutputsTuple, outputs] = asTuple(fn(...ins), 'outputs of the user-provided function', 'vjp');
    checkRequiresGrad(outputs, 'outputs', strict);
    let vs: Tensor[] | null = null;
    if (v !== null && v !== undefined) {
      vs = gradPreprocess(asTuple(v, 'v', 'vjp')[1], createGraph, false);
      validateV(vs, outputs, isOutputsTuple);
    } else if (outputs.length !== 1 || outputs[0]!.numel() !== 1) {
      throw new RuntimeError(
        'The vector v can only be None if the user-provided function returns a single Tensor with a single element.',
      );
    }
    return { isInputsTuple, ins, isOutputsTuple, outputs, vs };
  });
  const product = setGradEnabled(createGraph || isGradEnabled(), () => {
    const res = autogradGrad(prepared.outputs, prepared.ins, prepared.vs, createGraph);
    return fillInZeros(res, prepared.ins, strict, createGraph, 'back');
  });
  return [
    unpack(gradPostprocess(prepared.outputs, createGraph), prepared.isOutputsTuple),
    unpack(gradPostprocess(product, createGraph), prepared.isInputsTuple),
  ];
}

/**
 * `torch.autograd.functional.jvp(func, inputs, v)`: the function's output and J·v, shaped like the outputs, by
 * the double-backward trick. `v` may be omitted when the input has a single element.
 */
export function jvp(
  fn: FunctionalFn,
  inputs: Tensors,
  v?: Tensors | null,
  options: FunctionalOptions = {},
): ProductResult {
  const createGraph = options.createGraph ?? false;
  const strict = options.strict ?? false;
  const prepared = enableGrad(() => {
    const [isInputsTuple, rawInputs] = asTuple(inputs, 'inputs', 'jvp');
    const ins = gradPreprocess(rawInputs, createGraph, true);
    let vs: Tensor[] | null = null;
    if (v !== null && v !== undefined) {
      vs = gradPreprocess(asTuple(v, 'v', 'jvp')[1], createGraph, false);
      validateV(vs, ins, isInputsTuple);
    } else if (ins.length !== 1 || ins[0]!.numel() !== 1) {
      throw new RuntimeError(
        'The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.',
      );
    }
    const [isOutputsTuple, outputs] = asTuple(fn(...ins), 'outputs of the user-provided function', 'jvp');
    checkRequiresGrad(outputs, 'outputs', strict);
    const gradOutputs = outputs.map((out) => zerosLike(out).requiresGrad_(true));
    const gradInputs = autogradGrad(outputs, ins, gradOutputs, true);
    checkRequiresGrad(gradInputs, 'grad_inputs', strict);
    return { isOutputsTuple, outputs, vs, gradOutputs, gradInputs };
  });
  const run = () => {
    const res = autogradGrad(prepared.gradInputs, prepared.gradOutputs, prepared.vs, createGraph);
    return fillInZeros(res, prepared.outputs, strict, createGraph, 'back_trick');
  };
  const product = createGraph ? enableGrad(run) : run();
  return [
    unpack(gradPostprocess(prepared.outputs, createGraph), prepared.isOutputsTuple),
    unpack(gradPostprocess(product, createGraph), prepared.isOutputsTuple),
  ];
}

/**
 * `torch.autograd.functional.jacobian(func, inputs)`: `jac[i][j]` has shape `[...outputs[i].shape,
 * ...inputs[j].shape]`; the nesting collapses where the outputs or inputs were a single tensor.
 */
export function jacobian(
  fn: FunctionalFn,
  inputs: Tensors,
  options: JacobianOptions = {},
): Tensor | Tensor[] | Tensor[][] {
  const createGraph = options.createGraph ?? false;
  const strict = options.strict ?? false;
  if (options.strategy === 'forward-mode') {
    throw new RuntimeError(
      'torch.autograd.functional.jacobian: strategy="forward-mode" is not supported (no forward-mode AD); use "reverse-mode"',
    );
  }
  return enableGrad(() => {
    const [isInputsTuple, rawInputs] = asTuple(inputs, 'inputs', 'jacobian');
    const ins = gradPreprocess(rawInputs, createGraph, true);
    const [isOutputsTuple, outputs] = asTuple(
      fn(...ins),
      'outputs of the user-provided function',
      'jacobian',
    );
    checkRequiresGrad(outputs, 'outputs', strict);
    if (options.vectorize && strict) {
      throw new RuntimeError(
        'torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported together. Please either set `strict=False` or `vectorize=False`.',
      );
    }
    const result: Tensor[][] = outputs.map((out, i) => {
      const rows: Tensor[][] = ins.map(() => []);
      const flat = out.reshape(-1);
      for (let j = 0; j < out.numel(); j++) {
        const vj = autogradGrad([flat.select(0, j)], ins, null, createGraph, true);
        vj.forEach((g, k) => {
          if (g !== null) {
            if (strict && createGraph && !g.requiresGrad) {
              throw new RuntimeError(
                `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`,
              );
            }
            rows[k]!.push(g);
          } else {
            if (strict) {
              throw new RuntimeError(
                `Output ${i} of the user-provided function is independent of input ${k}. This is not allowed in strict mode.`,
              );
            }
            rows[k]!.push(zerosLike(ins[k]!));
          }
        });
      }
      return rows.map((row, k) => {
        const shape = [...out.shape, ...ins[k]!.shape];
        // A zero-element output has no rows to stack.
        const stacked = row.length > 0 ? stack(row, 0) : zerosLike(ins[k]!).reshape([0, ...ins[k]!.shape]);
        return gradPostprocess([stacked.view(shape)], createGraph)[0]!;
      });
    });
    if (!isOutputsTuple) {
      return isInputsTuple ? result[0]! : result[0]![0]!;
    }
    return isInputsTuple ? result : result.map((row) => row[0]!);
  });
}

/**
 * `torch.autograd.functional.hessian(func, inputs)` of a function returning one element: `hess[i][j]` has shape
 * `[...inputs[i].shape, ...inputs[j].shape]`; a single tensor when `inputs` is a single tensor.
 */
export function hessian(
  fn: FunctionalFn,
  inputs: Tensors,
  options: JacobianOptions = {},
): Tensor | Tensor[][] {
  const strict = options.strict ?? false;
  const [isInputsTuple, ins] = asTuple(inputs, 'inputs', 'hessian');
  const ensureSingleOutput = (...inp: Tensor[]): Tensor => {
    const out = fn(...inp);
    const [isOutTuple, tupleOut] = asTuple(out, 'outputs of the user-provided function', 'hessian');
    checkRequiresGrad(tupleOut, 'outputs', strict);
    if (isOutTuple) throw new RuntimeError('The function given to hessian should return a single Tensor');
    const single = out as Tensor;
    if (single.numel() !== 1) {
      throw new RuntimeError(
        'The Tensor returned by the function given to hessian should contain a single element',
      );
    }
    return single.squeeze();
  };
  const jacFn = (...inp: Tensor[]): Tensor[] => {
    const jac = jacobian(ensureSingleOutput, inp, { createGraph: true }) as Tensor[];
    checkRequiresGrad(jac, 'jacobian', strict);
    return jac;
  };
  const result = jacobian(jacFn, ins, {
    ...options,
    createGraph: options.createGraph ?? false,
  }) as Tensor[][];
  return isInputsTuple ? result : result[0]![0]!;
}

/**
 * `torch.autograd.functional.vhp(func, inputs, v)`: the function's (single-element) output and vᵀ·H, shaped like
 * the inputs.
 */
export function vhp(
  fn: FunctionalFn,
  inputs: Tensors,
  v?: Tensors | null,
  options: FunctionalOptions = {},
): ProductResult {
  const createGraph = options.createGraph ?? false;
  const strict = options.strict ?? false;
  const prepared = enableGrad(() => scalarFunctionPrelude(fn, inputs, v, createGraph, strict, 'vhp'));
  const product = setGradEnabled(createGraph || isGradEnabled(), () => {
    const res = autogradGrad(prepared.jac, prepared.inputs, prepared.v, createGraph);
    return fillInZeros(res, prepared.inputs, strict, createGraph, 'double_back');
  });
  return [
    unpack(gradPostprocess(prepared.outputs, createGraph), prepared.isOutputsTuple),
    unpack(gradPostprocess(product, createGraph), prepared.isInputsTuple),
  ];
}

/**
 * `torch.autograd.functional.hvp(func, inputs, v)`: the function's (single-element) output and H·v, shaped like
 * the inputs, by the double-backward trick (slower than `vhp`; equal to it for twice continuously differentiable
 * functions).
 */
export function hvp(
  fn: FunctionalFn,
  inputs: Tensors,
  v?: Tensors | null,
  options: FunctionalOptions = {},
): ProductResult {
  const createGraph = options.createGraph ?? false;
  const strict = options.strict ?? false;
  const prepared = enableGrad(() => {
    const base = scalarFunctionPrelude(fn, inputs, v, createGraph, strict, 'hvp');
    const gradJac = base.inputs.map((t) => zerosLike(t).requiresGrad_(true));
    const doubleBack = autogradGrad(base.jac, base.inputs, gradJac, true);
    checkRequiresGrad(base.jac, 'hessian', strict);
    return { ...base, gradJac, doubleBack };
  });
  const product = setGradEnabled(createGraph || isGradEnabled(), () => {
    const res = autogradGrad(prepared.doubleBack, prepared.gradJac, prepared.v, createGraph);
    return fillInZeros(res, prepared.inputs, strict, createGraph, 'double_back_trick');
  });
  return [
    unpack(gradPostprocess(prepared.outputs, createGraph), prepared.isOutputsTuple),
    unpack(gradPostprocess(product, createGraph), prepared.isInputsTuple),
  ];
}
