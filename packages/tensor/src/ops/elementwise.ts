/**
 * Elementwise ops with broadcasting and PyTorch type promotion, each as a function, a method and (where PyTorch has
 * one) an in-place method with a trailing underscore. The tables below are the whole list; the three runners
 * (`unary`, `binary`, `ternary`) do promotion, broadcasting, in-place checks and dispatch once for all of them.
 */
import { getBackend } from '../backend.js';
import { dispatch } from '../dispatch.js';
import {
  canCast,
  type DType,
  dtypeRange,
  isFloatingPoint,
  itemsize,
  promoteTypes,
  type Scalar,
  scalarDtype,
  scalarTypeName,
} from '../dtype.js';
import { RuntimeError } from '../errors.js';
import type { ElementwiseOpName } from '../kernel-names.js';
import { broadcastShapes, fmtShape } from '../layout.js';
import { hostData, sparseNotImplemented, Tensor, type TensorOrScalar } from '../tensor.js';
import {
  asTensor,
  checkCastable,
  checkSameDevice,
  contiguousCopy,
  emptyTensor,
  expandTo,
  floatResult,
  mayOverlap,
  resultTypeOf,
  sameShape,
} from './helpers.js';
import { sparseBinary, sparseNeg } from './sparse.js';

/** How an op's result dtype follows from its (promoted) inputs. */
type ResultKind =
  | 'promote' // same as the promoted inputs
  | 'float' // integers become the default float
  | 'bool' // comparisons and predicates
  | 'integral'; // bitwise ops: integers and bool only

/** PyTorch's snake_case op name, as its kernel errors spell it (`bitwiseNot` → `bitwise_not`). */
function snakeName(name: string): string {
  let snake = SNAKE_NAMES.get(name);
  if (snake === undefined) {
    snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    SNAKE_NAMES.set(name, snake);
  }
  return snake;
}

const SNAKE_NAMES = new Map<string, string>();

/** PyTorch's `"<kernel>" not implemented for '<Type>'` dtype-dispatch error. */
function notImplemented(kernel: string, dtype: DType): RuntimeError {
  return new RuntimeError(`"${kernel}" not implemented for '${scalarTypeName(dtype)}'`);
}

/** C++ type names, as PyTorch's checked scalar conversions print them. */
const CPP_TYPE_NAMES: Record<DType, string> = {
  bool: 'bool',
  uint8: 'uint8_t',
  int8: 'int8_t',
  int16: 'int16_t',
  int32: 'int',
  int64: 'int64_t',
  float16: 'at::Half',
  bfloat16: 'at::BFloat16',
  float32: 'float',
  float64: 'double',
};

/**
 * Converts a scalar argument to `dtype` the way c10's `checked_convert` does: values outside the dtype's range are
 * an error, except that negative integers wrap into unsigned types (so `-1` is 255 for uint8), floats truncate
 * into integers, and infinities and NaN pass into floating types.
 */
export function checkedScalar(value: Scalar, dtype: DType): number | bigint {
  const overflow = () =>
    new RuntimeError(`value cannot be converted to type ${CPP_TYPE_NAMES[dtype]} without overflow`);
  if (dtype === 'bool')
    return typeof value === 'bigint' ? (value !== 0n ? 1 : 0) : Number(value) !== 0 ? 1 : 0;
  if (isFloatingPoint(dtype)) {
    const v = Number(value);
    if (Number.isFinite(v) && (v < dtypeRange(dtype).min || v > dtypeRange(dtype).max)) {
      // c10 rounds to the nearest representable value first: values that round to the largest finite one pass
      const limit = dtypeRange(dtype).max;
      const rounded = dtype === 'float32' ? Math.fround(v) : v;
      if (Math.abs(rounded) > limit) throw overflow();
    }
    return v;
  }
  if (typeof value === 'boolean') return dtype === 'int64' ? BigInt(value) : Number(value);
  const isInteger = typeof value === 'bigint' || Number.isInteger(value);
  if (!isInteger && Number.isNaN(value)) throw overflow();
  const big = typeof value === 'bigint' ? value : Number.isFinite(value) ? BigInt(Math.trunc(value)) : null;
  if (big === null) throw overflow();
  const { min, max } =
    dtype === 'int64'
      ? { min: -(2n ** 63n), max: 2n ** 63n - 1n }
      : {
          min: BigInt(dtypeRange(dtype).min),
          max: BigInt(dtypeRange(dtype).max),
        };
  const exact = typeof value === 'bigint' || Number.isInteger(value) ? big : null;
  if (dtype === 'uint8' && exact !== null) {
    // c10 lets negative integers wrap into unsigned types (two's complement), down to -max
    if (exact > max || exact < -max) throw overflow();
    return Number(BigInt.asUintN(8, exact));
  }
  // floats are range-checked before truncation, as c10 compares the double against the limits
  if (exact === null && (Number(value) < Number(min) || Number(value) > Number(max))) throw overflow();
  if (big < min || big > max) throw overflow();
  return dtype === 'int64' ? big : Number(big);
}

/** Which operand dtypes cannot be read exactly in `computeDtype` and must be rounded to it first, as PyTorch casts
 * every input to the common dtype before computing (e.g. an int32 2147483647 becomes 2147483648.0 in float32). */
function needsCast(from: DType, computeDtype: DType): boolean {
  if (from === computeDtype || computeDtype === 'float64') return false;
  switch (computeDtype) {
    case 'float32':
      return from === 'int32' || from === 'int64' || from === 'float64';
    case 'float16':
    case 'bfloat16':
      return from !== 'bool' && from !== 'uint8' && from !== 'int8';
    default:
      return isFloatingPoint(from);
  }
}

function resultDtypeFor(kind: ResultKind, promoted: DType, op: string): DType {
  switch (kind) {
    case 'promote':
      return promoted;
    case 'float':
      return floatResult(promoted);
    case 'bool':
      return 'bool';
    case 'integral':
      if (isFloatingPoint(promoted)) {
        throw new RuntimeError(`"${op}_cpu" not implemented for '${scalarTypeName(promoted)}'`);
      }
      return promoted;
  }
}

/** PyTorch's `is_non_overlapping_and_dense`: the strides are a permutation of contiguous strides. */
function isNonOverlappingAndDense(t: Tensor): boolean {
  const dims = [...t._shape.keys()].filter((d) => t._shape[d] !== 1);
  if (dims.some((d) => t._shape[d] === 0)) return true;
  dims.sort((a, b) => t._strides[a]! - t._strides[b]!);
  let expected = 1;
  for (const d of dims) {
    if (t._strides[d] !== expected) return false;
    expected *= t._shape[d]!;
  }
  return true;
}

/**
 * PyTorch's memory-overlap checks for a tensor written in place (`assert_no_internal_overlap` and
 * `assert_no_partial_overlap`): the output may not have several elements at one address, and an input may alias
 * it only with the very same layout. Layouts too irregular to judge are allowed (we read them through a copy).
 */
export function checkInplaceOverlap(out: Tensor, inputs: readonly Tensor[]): void {
  if (out.numel() === 0) return;
  if (!isNonOverlappingAndDense(out) && out._shape.some((size, d) => size > 1 && out._strides[d] === 0)) {
    throw new RuntimeError(
      'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.',
    );
  }
  for (const input of inputs) {
    if (input === out || input._storage !== out._storage || input.numel() === 0) continue;
    if (!isNonOverlappingAndDense(out) || !isNonOverlappingAndDense(input)) continue;
    const outEnd = out._offset + out.numel();
    const inputEnd = input._offset + input.numel();
    const sameRange = out._offset === input._offset && outEnd === inputEnd;
    const full = sameRange && out._strides.join() === input._strides.join();
    if (!full && out._offset < inputEnd && input._offset < outEnd) {
      throw new RuntimeError(
        'unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.',
      );
    }
  }
}

/** Writes through `out` in place when `inplace`, else into a fresh tensor; shared by all runners. */
function run(
  name: string,
  kernel: ElementwiseOpName,
  operands: readonly Tensor[],
  computeDtype: DType,
  resultDtype: DType,
  inplace: Tensor | null,
  params: readonly Scalar[],
  attrs: Record<string, unknown>,
): Tensor {
  const device = checkSameDevice(name, operands);
  const shape = broadcastShapes(...operands.map((t) => t._shape));
  const castInputs = (inputs: readonly Tensor[]) =>
    inputs.map((t) => (needsCast(t.dtype, computeDtype) ? contiguousCopy(t, computeDtype) : t));
  if (inplace !== null) {
    if (!sameShape(shape, inplace._shape)) {
      throw new RuntimeError(
        `output with shape ${fmtShape(inplace._shape)} doesn't match the broadcast shape ${fmtShape(shape)}`,
      );
    }
    checkCastable(resultDtype, inplace.dtype);
    checkInplaceOverlap(inplace, operands);
    return dispatch(
      `${name}_`,
      operands,
      attrs,
      () => {
        // An operand that shares memory with the output through another layout is copied first, so the kernel
        // never reads an element it already overwrote.
        const safe = castInputs(
          operands.map((t) =>
            t !== inplace && mayOverlap(t, inplace) && t.numel() > 1 ? contiguousCopy(t) : t,
          ),
        );
        getBackend(device).elementwise(
          kernel,
          inplace,
          safe.map((t) => expandTo(t, shape)),
          computeDtype,
          params,
        );
        inplace._bumpVersion();
        return inplace;
      },
      { isInplace: true },
    );
  }
  return dispatch(name, operands, attrs, () => {
    const out = emptyTensor(shape, resultDtype, device);
    const inputs = castInputs(operands).map((t) => expandTo(t, shape));
    getBackend(device).elementwise(kernel, out, inputs, computeDtype, params);
    return out;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Unary

interface UnaryDef {
  kernel: ElementwiseOpName;
  kind: ResultKind;
  /** Op refuses bool input with this message. */
  boolError?: string;
  /** Op refuses integer and bool input (PyTorch's kernel name for the error). */
  floatOnly?: string;
}

const vmlBoolError = (op: string) => `"${op}_vml_cpu" not implemented for 'Bool'`;

const UNARY = {
  neg: {
    kernel: 'neg',
    kind: 'promote',
    boolError:
      'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
  },
  abs: { kernel: 'abs', kind: 'promote', boolError: `"abs_cpu" not implemented for 'Bool'` },
  sign: { kernel: 'sign', kind: 'promote' },
  square: { kernel: 'square', kind: 'promote' },
  reciprocal: { kernel: 'reciprocal', kind: 'float' },
  exp: { kernel: 'exp', kind: 'float' },
  exp2: { kernel: 'exp2', kind: 'float' },
  expm1: { kernel: 'expm1', kind: 'float' },
  log: { kernel: 'log', kind: 'float' },
  log1p: { kernel: 'log1p', kind: 'float' },
  log2: { kernel: 'log2', kind: 'float' },
  log10: { kernel: 'log10', kind: 'float' },
  sqrt: { kernel: 'sqrt', kind: 'float' },
  rsqrt: { kernel: 'rsqrt', kind: 'float' },
  sin: { kernel: 'sin', kind: 'float' },
  cos: { kernel: 'cos', kind: 'float' },
  tan: { kernel: 'tan', kind: 'float' },
  asin: { kernel: 'asin', kind: 'float' },
  acos: { kernel: 'acos', kind: 'float' },
  atan: { kernel: 'atan', kind: 'float' },
  sinh: { kernel: 'sinh', kind: 'float' },
  cosh: { kernel: 'cosh', kind: 'float' },
  tanh: { kernel: 'tanh', kind: 'float' },
  asinh: { kernel: 'asinh', kind: 'float' },
  acosh: { kernel: 'acosh', kind: 'float' },
  atanh: { kernel: 'atanh', kind: 'float' },
  sigmoid: { kernel: 'sigmoid', kind: 'float' },
  logit: { kernel: 'logit', kind: 'float' },
  erf: { kernel: 'erf', kind: 'float' },
  erfc: { kernel: 'erfc', kind: 'float' },
  erfinv: { kernel: 'erfinv', kind: 'float' },
  floor: { kernel: 'floor', kind: 'promote', boolError: vmlBoolError('floor') },
  ceil: { kernel: 'ceil', kind: 'promote', boolError: vmlBoolError('ceil') },
  trunc: { kernel: 'trunc', kind: 'promote', boolError: vmlBoolError('trunc') },
  frac: { kernel: 'frac', kind: 'promote', floatOnly: 'frac_cpu' },
  relu: { kernel: 'relu', kind: 'promote', boolError: 'Boolean inputs not supported for relu' },
  isnan: { kernel: 'isnan', kind: 'bool' },
  isinf: { kernel: 'isinf', kind: 'bool' },
  isposinf: { kernel: 'isposinf', kind: 'bool' },
  isneginf: { kernel: 'isneginf', kind: 'bool' },
  isfinite: { kernel: 'isfinite', kind: 'bool' },
  logicalNot: { kernel: 'logicalNot', kind: 'bool' },
  bitwiseNot: { kernel: 'bitwiseNot', kind: 'integral' },
} satisfies Record<string, UnaryDef>;

/** Names of the table-driven unary ops. */
export type UnaryOpName = keyof typeof UNARY;

function unary(
  name: UnaryOpName,
  x: Tensor,
  inplace: boolean,
  params: readonly Scalar[] = [],
  kernelOverride?: ElementwiseOpName,
): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${name}(): argument 'input' must be a Tensor`);
  if (x._sparse !== null) {
    if (name !== 'neg' || inplace) throw sparseNotImplemented(snakeName(name) + (inplace ? '_' : ''));
    return sparseNeg(x);
  }
  const def: UnaryDef = UNARY[name];
  if (def.boolError !== undefined && x.dtype === 'bool') throw new RuntimeError(def.boolError);
  if (def.floatOnly !== undefined && !isFloatingPoint(x.dtype)) throw notImplemented(def.floatOnly, x.dtype);
  if (name === 'square' && x.dtype === 'bool') {
    // PyTorch's square is pow(x, 2): a bool tensor and the int 2 promote to int64
    if (inplace) throw new RuntimeError('Found dtype Bool but expected Long');
    return run(name, 'square', [x], 'int64', 'int64', null, params, {});
  }
  const resultDtype = resultDtypeFor(def.kind, x.dtype, snakeName(name));
  // Float functions of integer inputs compute in the result dtype; everything else in the input dtype.
  const computeDtype = def.kind === 'float' ? resultDtype : x.dtype;
  return run(
    name,
    kernelOverride ?? def.kernel,
    [x],
    computeDtype,
    resultDtype,
    inplace ? x : null,
    params,
    {},
  );
}

/** `torch.round(x, { decimals })`: round half to even, optionally at a decimal position. */
export function round(x: Tensor, options?: { decimals?: number }, inplace = false): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError("round(): argument 'input' must be a Tensor");
  const decimals = options?.decimals ?? 0;
  if (!Number.isInteger(decimals)) throw new TypeError("round(): argument 'decimals' must be int");
  if (x.dtype === 'bool') throw new RuntimeError(vmlBoolError('round'));
  const target = inplace ? x : null;
  if (decimals === 0) return run('round', 'round', [x], x.dtype, x.dtype, target, [], {});
  if (!isFloatingPoint(x.dtype)) throw notImplemented('round_cpu', x.dtype);
  return run('round', 'roundDecimals', [x], x.dtype, x.dtype, target, [decimals], { decimals });
}

/** `torch.nan_to_num(x, { nan, posinf, neginf })`: defaults to 0 and the dtype's finite extremes. */
export function nanToNum(
  x: Tensor,
  options?: { nan?: number; posinf?: number; neginf?: number },
  inplace = false,
): Tensor {
  const finite =
    x.dtype === 'float64'
      ? Number.MAX_VALUE
      : x.dtype === 'float16'
        ? 65504
        : x.dtype === 'bfloat16'
          ? 3.3895313892515355e38
          : 3.4028234663852886e38;
  const params = [options?.nan ?? 0, options?.posinf ?? finite, options?.neginf ?? -finite];
  return run('nanToNum', 'nanToNum', [x], x.dtype, x.dtype, inplace ? x : null, params, { ...options });
}

// ---------------------------------------------------------------------------------------------------------------
// Binary

interface BinaryDef {
  kernel: ElementwiseOpName;
  kind: ResultKind;
}

const BINARY = {
  add: { kernel: 'add', kind: 'promote' },
  sub: { kernel: 'sub', kind: 'promote' },
  mul: { kernel: 'mul', kind: 'promote' },
  div: { kernel: 'div', kind: 'float' },
  floorDivide: { kernel: 'divFloor', kind: 'promote' },
  remainder: { kernel: 'remainder', kind: 'promote' },
  fmod: { kernel: 'fmod', kind: 'promote' },
  pow: { kernel: 'pow', kind: 'promote' },
  atan2: { kernel: 'atan2', kind: 'float' },
  hypot: { kernel: 'hypot', kind: 'promote' },
  copysign: { kernel: 'copysign', kind: 'float' },
  logaddexp: { kernel: 'logaddexp', kind: 'promote' },
  logaddexp2: { kernel: 'logaddexp2', kind: 'promote' },
  xlogy: { kernel: 'xlogy', kind: 'float' },
  maximum: { kernel: 'maximum', kind: 'promote' },
  minimum: { kernel: 'minimum', kind: 'promote' },
  fmax: { kernel: 'fmax', kind: 'promote' },
  fmin: { kernel: 'fmin', kind: 'promote' },
  eq: { kernel: 'eq', kind: 'bool' },
  ne: { kernel: 'ne', kind: 'bool' },
  lt: { kernel: 'lt', kind: 'bool' },
  le: { kernel: 'le', kind: 'bool' },
  gt: { kernel: 'gt', kind: 'bool' },
  ge: { kernel: 'ge', kind: 'bool' },
  logicalAnd: { kernel: 'logicalAnd', kind: 'bool' },
  logicalOr: { kernel: 'logicalOr', kind: 'bool' },
  logicalXor: { kernel: 'logicalXor', kind: 'bool' },
  bitwiseAnd: { kernel: 'bitwiseAnd', kind: 'integral' },
  bitwiseOr: { kernel: 'bitwiseOr', kind: 'integral' },
  bitwiseXor: { kernel: 'bitwiseXor', kind: 'integral' },
  bitwiseLeftShift: { kernel: 'bitwiseLeftShift', kind: 'integral' },
  bitwiseRightShift: { kernel: 'bitwiseRightShift', kind: 'integral' },
} satisfies Record<string, BinaryDef>;

/** Names of the table-driven binary ops. */
export type BinaryOpName = keyof typeof BINARY;

function containsZero(t: Tensor): boolean {
  if (t.device !== 'cpu') return false;
  const values = hostData(contiguousCopy(t));
  // biome-ignore lint/suspicious/noDoubleEquals: bigint and number zero alike
  for (let i = 0; i < values.length; i++) if (values[i] == 0) return true;
  return false;
}

/** Ops that PyTorch implements for floating dtypes only, with their kernel names for the error. */
const FLOAT_ONLY: Partial<Record<BinaryOpName, string>> = {
  hypot: 'hypot_cpu',
  logaddexp: 'logaddexp_cpu',
  logaddexp2: 'logaddexp2_cpu',
};

/** Kernels PyTorch does not implement for bool, with their kernel names for the error. */
const NO_BOOL: Partial<Record<ElementwiseOpName, string>> = {
  divFloor: 'div_floor_cpu',
  divTrunc: 'div_trunc_cpu',
  remainder: 'remainder_cpu',
  fmod: 'fmod_cpu',
  pow: 'pow',
  bitwiseLeftShift: 'lshift_cpu',
  bitwiseRightShift: 'rshift_cpu',
};

/** The dtype an operand contributes on its own (a Python scalar's type for scalars). */
function operandDtype(x: TensorOrScalar): DType {
  return x instanceof Tensor ? x.dtype : scalarDtype(x);
}

// NOTE [pow with a scalar exponent]: for floating tensors PyTorch computes x ** 0.5, x ** -0.5, x ** -1 and x ** 2
// with sqrt, rsqrt, reciprocal and a multiplication, not with pow. The results differ from C's pow at the edges
// ((-inf) ** 0.5 is NaN, (-0) ** -0.5 is -inf), so we pick the same kernels.
const POW_SCALAR_KERNELS: ReadonlyMap<number, ElementwiseOpName> = new Map([
  [0.5, 'sqrt'],
  [-0.5, 'rsqrt'],
  [-1, 'reciprocal'],
  [2, 'square'],
]);

function binary(
  name: BinaryOpName,
  a: TensorOrScalar,
  b: TensorOrScalar,
  inplace: boolean,
  options: { alpha?: Scalar; kernel?: ElementwiseOpName; attrs?: Record<string, unknown> } = {},
): Tensor {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new TypeError(`${name}(): at least one of the arguments must be a Tensor`);
  }
  if ((a instanceof Tensor && a._sparse !== null) || (b instanceof Tensor && b._sparse !== null)) {
    return sparseBinary(name, a, b, inplace, options.alpha, snakeName(name));
  }
  const def: BinaryDef = BINARY[name];
  const snake = snakeName(name);
  let kernel = options.kernel ?? def.kernel;
  if (kernel === 'bitwiseLeftShift' || kernel === 'bitwiseRightShift') {
    // PyTorch names its shift kernels lshift/rshift in dtype errors
    if (isFloatingPoint(resultTypeOf(a, b))) throw notImplemented(NO_BOOL[kernel]!, resultTypeOf(a, b));
  }
  const promoted = resultTypeOf(a, b);
  const resultDtype = resultDtypeFor(def.kind, promoted, snake);
  const computeDtype = def.kind === 'float' ? resultDtype : promoted;
  const floatOnly = FLOAT_ONLY[name];
  if (floatOnly !== undefined && !isFloatingPoint(computeDtype))
    throw notImplemented(floatOnly, computeDtype);
  if (computeDtype === 'bool' && NO_BOOL[kernel] !== undefined)
    throw notImplemented(NO_BOOL[kernel]!, 'bool');
  if (name === 'sub' && (operandDtype(a) === 'bool' || operandDtype(b) === 'bool')) {
    throw new RuntimeError(
      operandDtype(a) === 'bool' && operandDtype(b) === 'bool'
        ? 'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.'
        : 'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
    );
  }
  const device = a instanceof Tensor ? a.device : (b as Tensor).device;
  const ta = asTensor(a, computeDtype, device);
  const tb = asTensor(b, computeDtype, device);
  const params: Scalar[] = [];
  const alpha = options.alpha;
  if (alpha !== undefined) {
    if (typeof alpha === 'boolean' && computeDtype !== 'bool') {
      throw new RuntimeError('Boolean alpha only supported for Boolean results.');
    }
    if (!isFloatingPoint(computeDtype) && typeof alpha === 'number' && !Number.isInteger(alpha)) {
      throw new RuntimeError(
        'For integral input tensors, argument alpha must not be a floating point number.',
      );
    }
    if (alpha !== 1 && alpha !== true) {
      kernel = name === 'add' ? 'addScaled' : 'subScaled';
      params.push(alpha);
    }
  }
  if (
    !isFloatingPoint(computeDtype) &&
    (kernel === 'divFloor' || kernel === 'divTrunc' || kernel === 'remainder' || kernel === 'fmod') &&
    containsZero(tb)
  ) {
    throw new RuntimeError('ZeroDivisionError');
  }
  if (name === 'pow' && !(b instanceof Tensor)) {
    // Only a Python-number exponent is checked; integer tensor exponents follow C (1 ** -1 = 1, 2 ** -1 = 0).
    const negative = typeof b === 'bigint' ? b < 0n : typeof b === 'number' && b < 0;
    if (!isFloatingPoint(computeDtype) && negative) {
      throw new RuntimeError('Integers to negative integer powers are not allowed.');
    }
    if (inplace && !canCast(resultDtype, (a as Tensor).dtype)) {
      throw new RuntimeError(
        `Found dtype ${scalarTypeName((a as Tensor).dtype)} but expected ${scalarTypeName(resultDtype)}`,
      );
    }
    const special =
      typeof b === 'number' && isFloatingPoint(computeDtype) ? POW_SCALAR_KERNELS.get(b) : undefined;
    if (special !== undefined) kernel = special;
  }
  if (kernel === 'bitwiseLeftShift' || kernel === 'bitwiseRightShift')
    params.push(itemsize(computeDtype) * 8);
  return run(name, kernel, [ta, tb], computeDtype, resultDtype, inplace ? (a as Tensor) : null, params, {
    alpha,
    ...options.attrs,
  });
}

/** `torch.add(a, b, { alpha })`: a + alpha * b. */
export function add(a: TensorOrScalar, b: TensorOrScalar, options?: { alpha?: Scalar }): Tensor {
  return binary('add', a, b, false, options);
}

/** `torch.sub(a, b, { alpha })`: a - alpha * b. */
export function sub(a: TensorOrScalar, b: TensorOrScalar, options?: { alpha?: Scalar }): Tensor {
  return binary('sub', a, b, false, options);
}

/** `torch.mul`. */
export function mul(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binary('mul', a, b, false);
}

/** Rounding modes of `div`. */
export type RoundingMode = 'trunc' | 'floor' | null;

/**
 * `torch.div(a, b, { roundingMode })`: true division (integers give floats), or rounded with `'trunc'`/`'floor'`
 * (keeping the promoted dtype).
 */
export function div(a: TensorOrScalar, b: TensorOrScalar, options?: { roundingMode?: RoundingMode }): Tensor {
  const mode = options?.roundingMode ?? null;
  if (mode === null) return binary('div', a, b, false);
  if (mode !== 'trunc' && mode !== 'floor') {
    throw new RuntimeError(
      `div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${mode}'`,
    );
  }
  return binary('floorDivide', a, b, false, {
    kernel: mode === 'trunc' ? 'divTrunc' : 'divFloor',
    attrs: { roundingMode: mode },
  });
}

/**
 * PyTorch's `threshold_backward(grad, output, threshold)`: `grad` where `output > threshold`, else 0 (NaN outputs
 * pass the gradient). ReLU's backward is `thresholdBackward(grad, relu(x), 0)`, one pass instead of a comparison and
 * a product.
 */
export function thresholdBackward(grad: Tensor, output: Tensor, threshold = 0): Tensor {
  const dtype = promoteTypes(grad.dtype, output.dtype);
  return run('thresholdBackward', 'thresholdBackward', [grad, output], dtype, dtype, null, [threshold], {
    threshold,
  });
}

/** `torch.pow(a, b)`. */
export function pow(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binary('pow', a, b, false);
}

/** `torch.where(condition, a, b)`; with one argument, `nonzero(condition, { asTuple: true })` (see indexing). */
export function where(condition: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  if (condition.dtype !== 'bool' && condition.dtype !== 'uint8') {
    throw new RuntimeError(
      `where expected condition to be a boolean tensor, but got a tensor with dtype ${scalarTypeName(condition.dtype)}`,
    );
  }
  const promoted = resultTypeOf(a, b);
  const device = condition.device;
  const ta = asTensor(a, promoted, device);
  const tb = asTensor(b, promoted, device);
  return ternaryRun('where', 'where', [condition, ta, tb], promoted, promoted, null, [], {});
}

function ternaryRun(
  name: string,
  kernel: ElementwiseOpName,
  operands: Tensor[],
  computeDtype: DType,
  resultDtype: DType,
  inplace: Tensor | null,
  params: Scalar[],
  attrs: Record<string, unknown>,
): Tensor {
  // `run` rounds inputs of other dtypes to the compute dtype inside the op (the condition of `where` is exact in
  // every dtype), so autograd sees the original operands.
  return run(name, kernel, operands, computeDtype, resultDtype, inplace, params, attrs);
}

/** C++ names of the floating dtypes, as `lerp`'s dtype checks print them. */
const LERP_TYPE_NAMES: Partial<Record<DType, string>> = {
  float32: 'float',
  float64: 'double',
  float16: 'c10::Half',
  bfloat16: 'c10::BFloat16',
};

function lerpTypeName(dtype: DType): string {
  return LERP_TYPE_NAMES[dtype] ?? scalarTypeName(dtype);
}

/** `torch.lerp(start, end, weight)`: start + weight * (end - start), PyTorch's two-sided formula. */
export function lerp(start: Tensor, end: Tensor, weight: TensorOrScalar, inplace = false): Tensor {
  if (start.dtype !== end.dtype) {
    throw new RuntimeError(
      `expected dtype ${lerpTypeName(start.dtype)} for \`end\` but got dtype ${lerpTypeName(end.dtype)}`,
    );
  }
  if (weight instanceof Tensor && weight.dtype !== start.dtype) {
    throw new RuntimeError(
      `expected dtype ${lerpTypeName(start.dtype)} for \`weight\` but got dtype ${lerpTypeName(weight.dtype)}`,
    );
  }
  if (!isFloatingPoint(start.dtype)) {
    throw notImplemented(weight instanceof Tensor ? 'lerp_kernel_tensor' : 'lerp_kernel_scalar', start.dtype);
  }
  const w = asTensor(weight, start.dtype, start.device);
  return ternaryRun(
    'lerp',
    'lerp',
    [start, end, w],
    start.dtype,
    start.dtype,
    inplace ? start : null,
    [],
    {},
  );
}

/** The `value` of addcmul/addcdiv in the compute dtype: integers truncate it, as PyTorch's `value.to<int>()`. */
function pointwiseValue(value: Scalar, dtype: DType): Scalar {
  return isFloatingPoint(dtype) ? Number(value) : checkedScalar(value, dtype);
}

/** `torch.addcmul(input, t1, t2, { value })`: input + value * t1 * t2. */
export function addcmul(
  input: Tensor,
  tensor1: Tensor,
  tensor2: Tensor,
  options?: { value?: Scalar },
  inplace = false,
): Tensor {
  const dtype = resultTypeOf(input, tensor1, tensor2);
  const value = options?.value ?? 1;
  const param = pointwiseValue(value, dtype);
  return ternaryRun(
    'addcmul',
    'addcmul',
    [input, tensor1, tensor2],
    dtype,
    dtype,
    inplace ? input : null,
    [param],
    { value },
  );
}

/** `torch.addcdiv(input, t1, t2, { value })`: input + value * t1 / t2 (floating point only). */
export function addcdiv(
  input: Tensor,
  tensor1: Tensor,
  tensor2: Tensor,
  options?: { value?: Scalar },
  inplace = false,
): Tensor {
  if (!isFloatingPoint(tensor1.dtype) && !isFloatingPoint(tensor2.dtype)) {
    // (sic: PyTorch's message has the double space)
    throw new RuntimeError(
      'Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.',
    );
  }
  const dtype = resultTypeOf(input, tensor1, tensor2);
  const value = options?.value ?? 1;
  const param = pointwiseValue(value, dtype);
  return ternaryRun(
    'addcdiv',
    'addcdiv',
    [input, tensor1, tensor2],
    dtype,
    dtype,
    inplace ? input : null,
    [param],
    { value },
  );
}

/** C++ names in PyTorch's in-place cast error of `clamp_` with scalar bounds. */
const CLAMP_CAST_NAMES: Partial<Record<DType, string>> = {
  bool: 'bool',
  uint8: 'unsigned char',
  int8: 'signed char',
  int16: 'short int',
  int32: 'int',
  int64: 'long int',
};

/** `torch.clamp(x, min?, max?)` (alias `clip`): scalar or tensor bounds; either may be omitted. */
export function clamp(
  x: Tensor,
  min?: TensorOrScalar | null | { min?: TensorOrScalar | null; max?: TensorOrScalar | null },
  max?: TensorOrScalar | null,
  inplace = false,
): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError("clamp(): argument 'input' must be a Tensor");
  if (min !== null && typeof min === 'object' && !(min instanceof Tensor)) {
    max = min.max;
    min = min.min;
  }
  const lo = min ?? null;
  const hi = max ?? null;
  if (lo === null && hi === null)
    throw new RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  const bounds = [lo, hi].filter((v): v is TensorOrScalar => v !== null);
  const dtype = resultTypeOf(x, ...bounds);
  const target = inplace ? x : null;
  const scalarBounds = !(lo instanceof Tensor) && !(hi instanceof Tensor);
  if (dtype === 'bool') {
    // PyTorch 1.13 implements the tensor-bound forms with min/max one side at a time
    if (scalarBounds) {
      throw notImplemented(
        lo !== null && hi !== null
          ? 'clamp_scalar_cpu'
          : lo !== null
            ? 'clamp_min_cpu'
            : 'clamp_max_scalar_cpu',
        'bool',
      );
    }
    if (lo !== null && hi !== null) throw notImplemented('clamp_cpu', 'bool');
  }
  if (scalarBounds) {
    if (inplace && !canCast(dtype, x.dtype)) {
      throw new RuntimeError(
        `result type ${scalarTypeName(dtype)} can't be cast to the desired output type ${CLAMP_CAST_NAMES[x.dtype] ?? scalarTypeName(x.dtype)}`,
      );
    }
    const big = dtype === 'int64';
    const low = lo === null ? (big ? -(2n ** 63n) : -Infinity) : checkedScalar(lo as Scalar, dtype);
    const high = hi === null ? (big ? 2n ** 63n - 1n : Infinity) : checkedScalar(hi as Scalar, dtype);
    if (typeof low === 'number' && typeof high === 'number' && (Number.isNaN(low) || Number.isNaN(high))) {
      return ternaryRun(
        'clamp',
        'clampMinTensor',
        [x, asTensor(Number.NaN, dtype, x.device)],
        dtype,
        dtype,
        target,
        [],
        {},
      );
    }
    return run('clamp', 'clamp', [x], dtype, dtype, target, [low, high], { min: lo, max: hi });
  }
  if (lo !== null && hi !== null) {
    return ternaryRun(
      'clamp',
      'clampTensor',
      [x, asTensor(lo, dtype, x.device), asTensor(hi, dtype, x.device)],
      dtype,
      dtype,
      target,
      [],
      {},
    );
  }
  return lo !== null
    ? ternaryRun(
        'clampMin',
        'clampMinTensor',
        [x, asTensor(lo, dtype, x.device)],
        dtype,
        dtype,
        target,
        [],
        {},
      )
    : ternaryRun(
        'clampMax',
        'clampMaxTensor',
        [x, asTensor(hi!, dtype, x.device)],
        dtype,
        dtype,
        target,
        [],
        {},
      );
}

// ---------------------------------------------------------------------------------------------------------------
// Exported functions and methods, generated from the tables

type UnaryFn = (x: Tensor) => Tensor;
type BinaryFn = (a: TensorOrScalar, b: TensorOrScalar) => Tensor;

const unaryFn =
  (name: UnaryOpName): UnaryFn =>
  (x) =>
    unary(name, x, false);
const binaryFn =
  (name: BinaryOpName): BinaryFn =>
  (a, b) =>
    binary(name, a, b, false);

export const neg = unaryFn('neg');
export const negative = neg;
export const abs = unaryFn('abs');
export const absolute = abs;
export const sign = unaryFn('sign');
export const square = unaryFn('square');
export const reciprocal = unaryFn('reciprocal');
export const exp = unaryFn('exp');
export const exp2 = unaryFn('exp2');
export const expm1 = unaryFn('expm1');
export const log = unaryFn('log');
export const log1p = unaryFn('log1p');
export const log2 = unaryFn('log2');
export const log10 = unaryFn('log10');
export const sqrt = unaryFn('sqrt');
export const rsqrt = unaryFn('rsqrt');
export const sin = unaryFn('sin');
export const cos = unaryFn('cos');
export const tan = unaryFn('tan');
export const asin = unaryFn('asin');
export const arcsin = asin;
export const acos = unaryFn('acos');
export const arccos = acos;
export const atan = unaryFn('atan');
export const arctan = atan;
export const sinh = unaryFn('sinh');
export const cosh = unaryFn('cosh');
export const tanh = unaryFn('tanh');
export const asinh = unaryFn('asinh');
export const acosh = unaryFn('acosh');
export const atanh = unaryFn('atanh');
export const sigmoid = unaryFn('sigmoid');
export const logit = unaryFn('logit');
export const erf = unaryFn('erf');
export const erfc = unaryFn('erfc');
export const erfinv = unaryFn('erfinv');
export const floor = unaryFn('floor');
export const ceil = unaryFn('ceil');
export const trunc = unaryFn('trunc');
export const fix = trunc;
export const frac = unaryFn('frac');
export const relu = unaryFn('relu');
export const isnan = unaryFn('isnan');
export const isinf = unaryFn('isinf');
export const isposinf = unaryFn('isposinf');
export const isneginf = unaryFn('isneginf');
export const isfinite = unaryFn('isfinite');
export const logicalNot = unaryFn('logicalNot');
export const bitwiseNot = unaryFn('bitwiseNot');

export const multiply = mul;
export const subtract = sub;
export const divide = div;
/** `torch.true_divide`: always true division. */
export const trueDivide: BinaryFn = (a, b) => binary('div', a, b, false);
/** `torch.floor_divide`: division rounded towards negative infinity. */
export const floorDivide = binaryFn('floorDivide');
export const remainder = binaryFn('remainder');
export const fmod = binaryFn('fmod');
export const atan2 = binaryFn('atan2');
export const arctan2 = atan2;
export const hypot = binaryFn('hypot');
export const copysign = binaryFn('copysign');
export const logaddexp = binaryFn('logaddexp');
export const logaddexp2 = binaryFn('logaddexp2');
export const xlogy = binaryFn('xlogy');
export const maximum = binaryFn('maximum');
export const minimum = binaryFn('minimum');
export const fmax = binaryFn('fmax');
export const fmin = binaryFn('fmin');
export const eq = binaryFn('eq');
export const ne = binaryFn('ne');
export const notEqual = ne;
export const lt = binaryFn('lt');
export const less = lt;
export const le = binaryFn('le');
export const lessEqual = le;
export const gt = binaryFn('gt');
export const greater = gt;
export const ge = binaryFn('ge');
export const greaterEqual = ge;
export const logicalAnd = binaryFn('logicalAnd');
export const logicalOr = binaryFn('logicalOr');
export const logicalXor = binaryFn('logicalXor');
export const bitwiseAnd = binaryFn('bitwiseAnd');
export const bitwiseOr = binaryFn('bitwiseOr');
export const bitwiseXor = binaryFn('bitwiseXor');
export const bitwiseLeftShift = binaryFn('bitwiseLeftShift');
export const bitwiseRightShift = binaryFn('bitwiseRightShift');
export const clip = clamp;

const UNARY_METHODS: Record<string, UnaryOpName> = {
  neg: 'neg',
  negative: 'neg',
  abs: 'abs',
  absolute: 'abs',
  sign: 'sign',
  square: 'square',
  reciprocal: 'reciprocal',
  exp: 'exp',
  exp2: 'exp2',
  expm1: 'expm1',
  log: 'log',
  log1p: 'log1p',
  log2: 'log2',
  log10: 'log10',
  sqrt: 'sqrt',
  rsqrt: 'rsqrt',
  sin: 'sin',
  cos: 'cos',
  tan: 'tan',
  asin: 'asin',
  arcsin: 'asin',
  acos: 'acos',
  arccos: 'acos',
  atan: 'atan',
  arctan: 'atan',
  sinh: 'sinh',
  cosh: 'cosh',
  tanh: 'tanh',
  asinh: 'asinh',
  acosh: 'acosh',
  atanh: 'atanh',
  sigmoid: 'sigmoid',
  logit: 'logit',
  erf: 'erf',
  erfc: 'erfc',
  erfinv: 'erfinv',
  floor: 'floor',
  ceil: 'ceil',
  trunc: 'trunc',
  fix: 'trunc',
  frac: 'frac',
  relu: 'relu',
  logicalNot: 'logicalNot',
  bitwiseNot: 'bitwiseNot',
};

const UNARY_PREDICATES: Record<string, UnaryOpName> = {
  isnan: 'isnan',
  isinf: 'isinf',
  isposinf: 'isposinf',
  isneginf: 'isneginf',
  isfinite: 'isfinite',
};

const BINARY_METHODS: Record<string, BinaryOpName> = {
  mul: 'mul',
  multiply: 'mul',
  trueDivide: 'div',
  floorDivide: 'floorDivide',
  remainder: 'remainder',
  fmod: 'fmod',
  atan2: 'atan2',
  arctan2: 'atan2',
  hypot: 'hypot',
  copysign: 'copysign',
  logaddexp: 'logaddexp',
  logaddexp2: 'logaddexp2',
  xlogy: 'xlogy',
  maximum: 'maximum',
  minimum: 'minimum',
  fmax: 'fmax',
  fmin: 'fmin',
  pow: 'pow',
  eq: 'eq',
  ne: 'ne',
  notEqual: 'ne',
  lt: 'lt',
  less: 'lt',
  le: 'le',
  lessEqual: 'le',
  gt: 'gt',
  greater: 'gt',
  ge: 'ge',
  greaterEqual: 'ge',
  logicalAnd: 'logicalAnd',
  logicalOr: 'logicalOr',
  logicalXor: 'logicalXor',
  bitwiseAnd: 'bitwiseAnd',
  bitwiseOr: 'bitwiseOr',
  bitwiseXor: 'bitwiseXor',
  bitwiseLeftShift: 'bitwiseLeftShift',
  bitwiseRightShift: 'bitwiseRightShift',
};

const proto = Tensor.prototype as unknown as Record<string, unknown>;
for (const [method, op] of Object.entries(UNARY_METHODS)) {
  proto[method] = function (this: Tensor) {
    return unary(op, this, false);
  };
  proto[`${method}_`] = function (this: Tensor) {
    return unary(op, this, true);
  };
}
for (const [method, op] of Object.entries(UNARY_PREDICATES)) {
  proto[method] = function (this: Tensor) {
    return unary(op, this, false);
  };
}
for (const [method, op] of Object.entries(BINARY_METHODS)) {
  proto[method] = function (this: Tensor, other: TensorOrScalar) {
    return binary(op, this, other, false);
  };
  proto[`${method}_`] = function (this: Tensor, other: TensorOrScalar) {
    return binary(op, this, other, true);
  };
}

declare module '../tensor.js' {
  interface Tensor {
    add(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor;
    add_(other: TensorOrScalar, options?: { alpha?: Scalar }): this;
    sub(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor;
    sub_(other: TensorOrScalar, options?: { alpha?: Scalar }): this;
    subtract(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor;
    div(other: TensorOrScalar, options?: { roundingMode?: RoundingMode }): Tensor;
    div_(other: TensorOrScalar, options?: { roundingMode?: RoundingMode }): this;
    divide(other: TensorOrScalar, options?: { roundingMode?: RoundingMode }): Tensor;
    round(options?: { decimals?: number }): Tensor;
    round_(options?: { decimals?: number }): this;
    nanToNum(options?: { nan?: number; posinf?: number; neginf?: number }): Tensor;
    nanToNum_(options?: { nan?: number; posinf?: number; neginf?: number }): this;
    clamp(
      min?: TensorOrScalar | null | { min?: TensorOrScalar | null; max?: TensorOrScalar | null },
      max?: TensorOrScalar | null,
    ): Tensor;
    clamp_(
      min?: TensorOrScalar | null | { min?: TensorOrScalar | null; max?: TensorOrScalar | null },
      max?: TensorOrScalar | null,
    ): this;
    clip(
      min?: TensorOrScalar | null | { min?: TensorOrScalar | null; max?: TensorOrScalar | null },
      max?: TensorOrScalar | null,
    ): Tensor;
    clip_(
      min?: TensorOrScalar | null | { min?: TensorOrScalar | null; max?: TensorOrScalar | null },
      max?: TensorOrScalar | null,
    ): this;
    clampMin(min: TensorOrScalar): Tensor;
    clampMax(max: TensorOrScalar): Tensor;
    where(condition: Tensor, other: TensorOrScalar): Tensor;
    lerp(end: Tensor, weight: TensorOrScalar): Tensor;
    lerp_(end: Tensor, weight: TensorOrScalar): this;
    addcmul(tensor1: Tensor, tensor2: Tensor, options?: { value?: Scalar }): Tensor;
    addcmul_(tensor1: Tensor, tensor2: Tensor, options?: { value?: Scalar }): this;
    addcdiv(tensor1: Tensor, tensor2: Tensor, options?: { value?: Scalar }): Tensor;
    addcdiv_(tensor1: Tensor, tensor2: Tensor, options?: { value?: Scalar }): this;
    // table-driven unary ops
    neg(): Tensor;
    neg_(): this;
    negative(): Tensor;
    abs(): Tensor;
    abs_(): this;
    absolute(): Tensor;
    sign(): Tensor;
    sign_(): this;
    square(): Tensor;
    square_(): this;
    reciprocal(): Tensor;
    reciprocal_(): this;
    exp(): Tensor;
    exp_(): this;
    exp2(): Tensor;
    expm1(): Tensor;
    expm1_(): this;
    log(): Tensor;
    log_(): this;
    log1p(): Tensor;
    log1p_(): this;
    log2(): Tensor;
    log2_(): this;
    log10(): Tensor;
    log10_(): this;
    sqrt(): Tensor;
    sqrt_(): this;
    rsqrt(): Tensor;
    rsqrt_(): this;
    sin(): Tensor;
    sin_(): this;
    cos(): Tensor;
    cos_(): this;
    tan(): Tensor;
    tan_(): this;
    asin(): Tensor;
    asin_(): this;
    arcsin(): Tensor;
    acos(): Tensor;
    acos_(): this;
    arccos(): Tensor;
    atan(): Tensor;
    atan_(): this;
    arctan(): Tensor;
    sinh(): Tensor;
    sinh_(): this;
    cosh(): Tensor;
    cosh_(): this;
    tanh(): Tensor;
    tanh_(): this;
    asinh(): Tensor;
    acosh(): Tensor;
    atanh(): Tensor;
    sigmoid(): Tensor;
    sigmoid_(): this;
    logit(): Tensor;
    erf(): Tensor;
    erf_(): this;
    erfc(): Tensor;
    erfinv(): Tensor;
    erfinv_(): this;
    floor(): Tensor;
    floor_(): this;
    ceil(): Tensor;
    ceil_(): this;
    trunc(): Tensor;
    trunc_(): this;
    fix(): Tensor;
    frac(): Tensor;
    frac_(): this;
    relu(): Tensor;
    relu_(): this;
    isnan(): Tensor;
    isinf(): Tensor;
    isposinf(): Tensor;
    isneginf(): Tensor;
    isfinite(): Tensor;
    logicalNot(): Tensor;
    logicalNot_(): this;
    bitwiseNot(): Tensor;
    bitwiseNot_(): this;
    // table-driven binary ops
    mul(other: TensorOrScalar): Tensor;
    mul_(other: TensorOrScalar): this;
    multiply(other: TensorOrScalar): Tensor;
    trueDivide(other: TensorOrScalar): Tensor;
    floorDivide(other: TensorOrScalar): Tensor;
    floorDivide_(other: TensorOrScalar): this;
    remainder(other: TensorOrScalar): Tensor;
    remainder_(other: TensorOrScalar): this;
    fmod(other: TensorOrScalar): Tensor;
    fmod_(other: TensorOrScalar): this;
    atan2(other: TensorOrScalar): Tensor;
    atan2_(other: TensorOrScalar): this;
    arctan2(other: TensorOrScalar): Tensor;
    hypot(other: TensorOrScalar): Tensor;
    copysign(other: TensorOrScalar): Tensor;
    logaddexp(other: TensorOrScalar): Tensor;
    logaddexp2(other: TensorOrScalar): Tensor;
    xlogy(other: TensorOrScalar): Tensor;
    maximum(other: TensorOrScalar): Tensor;
    minimum(other: TensorOrScalar): Tensor;
    fmax(other: TensorOrScalar): Tensor;
    fmin(other: TensorOrScalar): Tensor;
    pow(exponent: TensorOrScalar): Tensor;
    pow_(exponent: TensorOrScalar): this;
    eq(other: TensorOrScalar): Tensor;
    eq_(other: TensorOrScalar): this;
    ne(other: TensorOrScalar): Tensor;
    ne_(other: TensorOrScalar): this;
    notEqual(other: TensorOrScalar): Tensor;
    lt(other: TensorOrScalar): Tensor;
    lt_(other: TensorOrScalar): this;
    less(other: TensorOrScalar): Tensor;
    le(other: TensorOrScalar): Tensor;
    le_(other: TensorOrScalar): this;
    lessEqual(other: TensorOrScalar): Tensor;
    gt(other: TensorOrScalar): Tensor;
    gt_(other: TensorOrScalar): this;
    greater(other: TensorOrScalar): Tensor;
    ge(other: TensorOrScalar): Tensor;
    ge_(other: TensorOrScalar): this;
    greaterEqual(other: TensorOrScalar): Tensor;
    logicalAnd(other: TensorOrScalar): Tensor;
    logicalAnd_(other: TensorOrScalar): this;
    logicalOr(other: TensorOrScalar): Tensor;
    logicalOr_(other: TensorOrScalar): this;
    logicalXor(other: TensorOrScalar): Tensor;
    logicalXor_(other: TensorOrScalar): this;
    bitwiseAnd(other: TensorOrScalar): Tensor;
    bitwiseAnd_(other: TensorOrScalar): this;
    bitwiseOr(other: TensorOrScalar): Tensor;
    bitwiseOr_(other: TensorOrScalar): this;
    bitwiseXor(other: TensorOrScalar): Tensor;
    bitwiseXor_(other: TensorOrScalar): this;
    bitwiseLeftShift(other: TensorOrScalar): Tensor;
    bitwiseRightShift(other: TensorOrScalar): Tensor;
  }
}

const methods = Tensor.prototype;
methods.add = function (other, options) {
  return binary('add', this, other, false, options);
};
methods.add_ = function (other, options) {
  return binary('add', this, other, true, options) as never;
};
methods.sub = function (other, options) {
  return binary('sub', this, other, false, options);
};
methods.sub_ = function (other, options) {
  return binary('sub', this, other, true, options) as never;
};
methods.subtract = methods.sub;
methods.div = function (other, options) {
  return div(this, other, options);
};
methods.div_ = function (other, options) {
  const mode = options?.roundingMode ?? null;
  if (mode === null) return binary('div', this, other, true) as never;
  return binary('floorDivide', this, other, true, {
    kernel: mode === 'trunc' ? 'divTrunc' : 'divFloor',
  }) as never;
};
methods.divide = methods.div;
methods.round = function (options) {
  return round(this, options);
};
methods.round_ = function (options) {
  return round(this, options, true) as never;
};
methods.nanToNum = function (options) {
  return nanToNum(this, options);
};
methods.nanToNum_ = function (options) {
  return nanToNum(this, options, true) as never;
};
methods.clamp = function (min, max) {
  return clamp(this, min, max);
};
methods.clamp_ = function (min, max) {
  return clamp(this, min, max, true) as never;
};
methods.clip = methods.clamp;
methods.clip_ = methods.clamp_;
methods.clampMin = function (min) {
  return clamp(this, min, null);
};
methods.clampMax = function (max) {
  return clamp(this, null, max);
};
methods.where = function (condition, other) {
  return where(condition, this, other);
};
methods.lerp = function (end, weight) {
  return lerp(this, end, weight);
};
methods.lerp_ = function (end, weight) {
  return lerp(this, end, weight, true) as never;
};
methods.addcmul = function (t1, t2, options) {
  return addcmul(this, t1, t2, options);
};
methods.addcmul_ = function (t1, t2, options) {
  return addcmul(this, t1, t2, options, true) as never;
};
methods.addcdiv = function (t1, t2, options) {
  return addcdiv(this, t1, t2, options);
};
methods.addcdiv_ = function (t1, t2, options) {
  return addcdiv(this, t1, t2, options, true) as never;
};
