/**
 * Creation ops: `tensor`, `fromTypedArray`, `empty`/`zeros`/`ones`/`full` and their `*Like` forms, `eye`,
 * `arange`, `linspace`, `logspace`, and the in-place fills `fill_`/`zero_`.
 */
import { getBackend, normalizeDevice } from '../backend.js';
import { encodeScalar } from '../backends/cpu/index.js';
import { dispatch } from '../dispatch.js';
import {
  allocArray,
  type DType,
  dtypeOfArray,
  getDefaultDtype,
  isFloatingPoint,
  type Scalar,
  type TypedArray,
} from '../dtype.js';
import { RuntimeError, ValueError } from '../errors.js';
import { checkShape, numelOf } from '../layout.js';
import { fmaFloat32, fmaFloat64 } from '../random/sampling.js';
import { Storage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkedScalar } from './elementwise.js';
import {
  type CreationOptions,
  checkScalar,
  creationDtype,
  emptyTensor,
  finishCreation,
  toDevice,
} from './helpers.js';
import { sparseZero_ } from './sparse.js';

/** Nested arrays of scalars, as accepted by `tensor()`. */
export type NestedArray = Scalar | readonly NestedArray[];

/** Shape arguments followed by optional creation options: `zeros(2, 3, { dtype })` or `zeros([2, 3])`. */
export type ShapeAndOptions = (number | readonly number[] | CreationOptions | undefined)[];

/** Splits `(...shape, options?)` arguments. */
export function parseShapeAndOptions(
  args: ShapeAndOptions,
  op: string,
): { shape: number[]; options: CreationOptions | undefined } {
  let options: CreationOptions | undefined;
  const rest = args.slice();
  const lastArg = rest[rest.length - 1];
  if (lastArg === undefined && rest.length > 0) rest.pop();
  else if (typeof lastArg === 'object' && !Array.isArray(lastArg)) {
    options = lastArg as CreationOptions;
    rest.pop();
  }
  let shape: number[];
  if (rest.length === 1 && Array.isArray(rest[0])) shape = (rest[0] as number[]).slice();
  else {
    shape = rest.map((d) => {
      if (typeof d !== 'number') throw new TypeError(`${op}(): size must be numbers or one array of numbers`);
      return d;
    });
  }
  checkShape(shape, op);
  return { shape, options };
}

function place(t: Tensor, options: CreationOptions | undefined): Tensor {
  const device = options?.device === undefined ? 'cpu' : normalizeDevice(options.device);
  return finishCreation(device === 'cpu' ? t : toDevice(t, device), options);
}

// ---------------------------------------------------------------------------------------------------------------
// tensor()

function inferShape(data: NestedArray, shape: number[], depth: number): void {
  if (Array.isArray(data)) {
    if (shape.length === depth) {
      shape.push(data.length);
      if (data.length > 0) inferShape(data[0] as NestedArray, shape, depth + 1);
    }
  }
}

function flatten(data: NestedArray, shape: readonly number[], depth: number, out: Scalar[]): void {
  if (depth === shape.length) {
    if (Array.isArray(data)) throw new ValueError(`too many dimensions: expected a scalar at dim ${depth}`);
    checkScalar(data, 'tensor');
    out.push(data as Scalar);
    return;
  }
  if (!Array.isArray(data)) {
    throw new ValueError(`expected sequence of length ${shape[depth]} at dim ${depth} (got a scalar)`);
  }
  if (data.length !== shape[depth]) {
    throw new ValueError(`expected sequence of length ${shape[depth]} at dim ${depth} (got ${data.length})`);
  }
  for (const item of data) flatten(item as NestedArray, shape, depth + 1, out);
}

function inferDtype(values: readonly Scalar[]): DType {
  let sawInt = false;
  let sawFloat = false;
  let sawBool = false;
  for (const v of values) {
    if (typeof v === 'boolean') sawBool = true;
    else if (typeof v === 'bigint') sawInt = true;
    else if (Number.isInteger(v)) sawInt = true;
    else sawFloat = true;
  }
  if (sawFloat) return getDefaultDtype();
  if (sawInt) return 'int64';
  if (sawBool) return 'bool';
  return getDefaultDtype(); // empty
}

/** Writes JS values into a fresh storage array of `dtype`, checking int64 range. */
export function arrayFromScalars(values: readonly Scalar[], dtype: DType): TypedArray {
  const array = allocArray(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (dtype === 'int64' && typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) {
      throw new ValueError(`${v} is not a safe integer; pass int64 values beyond 2^53 as bigints`);
    }
    array[i] = encodeScalar(dtype, v) as never;
  }
  return array;
}

/**
 * `torch.tensor`: a new tensor copied from nested arrays, a typed array, a scalar or another tensor.
 * The dtype is inferred as PyTorch does (whole numbers → int64, other numbers → the default float, booleans → bool,
 * bigints → int64); JS has one number type, so write `{ dtype: 'float32' }` for float data that happens to be whole.
 *
 * ```ts
 * tensor([[1, 2], [3, 4]], { dtype: 'float32', requiresGrad: true })
 * ```
 */
export function tensor(data: NestedArray | TypedArray | Tensor, options?: CreationOptions): Tensor {
  if (data instanceof Tensor) {
    const copy = emptyTensor(data._shape, options?.dtype ?? data.dtype, data.device);
    getBackend(copy.device).elementwise('identity', copy, [data], copyCompute(data.dtype, copy.dtype));
    return place(copy, options);
  }
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArray;
    const source =
      options?.dtype === 'float16' || options?.dtype === 'bfloat16' ? options.dtype : dtypeOfArray(typed);
    const own = new Tensor(new Storage(source, typed.slice() as TypedArray), [typed.length]);
    const dtype = options?.dtype ?? source;
    return place(dtype === source ? own : convert(own, dtype), options);
  }
  const shape: number[] = [];
  inferShape(data, shape, 0);
  const values: Scalar[] = [];
  flatten(data, shape, 0, values);
  const dtype = options?.dtype ?? inferDtype(values);
  const storage = new Storage(dtype, arrayFromScalars(values, dtype));
  return place(new Tensor(storage, shape), options);
}

function copyCompute(from: DType, to: DType): DType {
  if (to === 'int64' && !isFloatingPoint(from)) return 'int64';
  return from === 'int64' ? 'float64' : from;
}

function convert(t: Tensor, dtype: DType): Tensor {
  const out = emptyTensor(t._shape, dtype, t.device);
  getBackend(t.device).elementwise('identity', out, [t], copyCompute(t.dtype, dtype));
  return out;
}

/**
 * Wraps a typed array without copying, like `torch.from_numpy`: writes through the tensor are visible in the array
 * and vice versa. A `Uint16Array` needs `{ dtype: 'float16' | 'bfloat16' }`.
 */
export function fromTypedArray(
  array: TypedArray,
  shape?: readonly number[],
  options?: { dtype?: DType },
): Tensor {
  let dtype: DType;
  if (options?.dtype !== undefined) {
    dtype = options.dtype;
    const expected = allocArray(dtype, 0).constructor;
    if (array.constructor !== expected && !(dtype === 'bool' && array instanceof Uint8Array)) {
      throw new TypeError(`fromTypedArray(): a ${array.constructor.name} cannot hold dtype ${dtype}`);
    }
  } else dtype = dtypeOfArray(array);
  const finalShape = shape === undefined ? [array.length] : shape.slice();
  checkShape(finalShape, 'fromTypedArray');
  if (numelOf(finalShape) !== array.length) {
    throw new RuntimeError(`shape '[${finalShape.join(', ')}]' is invalid for input of size ${array.length}`);
  }
  return new Tensor(new Storage(dtype, array), finalShape);
}

/** `torch.empty`: uninitialised in PyTorch; zero-filled here (typed arrays start zeroed). */
export function empty(...args: ShapeAndOptions): Tensor {
  const { shape, options } = parseShapeAndOptions(args, 'empty');
  return place(emptyTensor(shape, creationDtype(options)), options);
}

/** `torch.zeros`. */
export function zeros(...args: ShapeAndOptions): Tensor {
  return empty(...args);
}

/** `torch.ones`. */
export function ones(...args: ShapeAndOptions): Tensor {
  const { shape, options } = parseShapeAndOptions(args, 'ones');
  return full(shape, 1, { ...options, dtype: creationDtype(options) });
}

/** `torch.full`: the dtype is inferred from the fill value when not given (int → int64, bool → bool). */
export function full(shape: readonly number[], fillValue: Scalar, options?: CreationOptions): Tensor {
  checkShape(shape, 'full');
  checkScalar(fillValue, 'full');
  const dtype = creationDtype(options, fillValue);
  const t = emptyTensor(shape, dtype);
  getBackend('cpu').fill(t, checkedScalar(fillValue, dtype));
  return place(t, options);
}

/** Options of the `*Like` creation ops: default to the input's dtype and device. */
function likeOptions(input: Tensor, options?: CreationOptions): CreationOptions {
  return {
    dtype: options?.dtype ?? input.dtype,
    device: options?.device ?? input.device,
    requiresGrad: options?.requiresGrad,
  };
}

/** `torch.empty_like`. */
export function emptyLike(input: Tensor, options?: CreationOptions): Tensor {
  return empty(input._shape, likeOptions(input, options));
}

/** `torch.zeros_like`. */
export function zerosLike(input: Tensor, options?: CreationOptions): Tensor {
  return zeros(input._shape, likeOptions(input, options));
}

/** `torch.ones_like`. */
export function onesLike(input: Tensor, options?: CreationOptions): Tensor {
  return ones(input._shape, likeOptions(input, options));
}

/** `torch.full_like`. */
export function fullLike(input: Tensor, fillValue: Scalar, options?: CreationOptions): Tensor {
  return full(input._shape, fillValue, likeOptions(input, options));
}

/** `torch.eye(n, m?)`. */
export function eye(n: number, m?: number | CreationOptions, options?: CreationOptions): Tensor {
  if (typeof m === 'object') {
    options = m;
    m = undefined;
  }
  const cols = m ?? n;
  if (n < 0) throw new RuntimeError(`n must be greater or equal to 0, got ${n}`);
  if (cols < 0) throw new RuntimeError(`m must be greater or equal to 0, got ${cols}`);
  const t = emptyTensor([n, cols], creationDtype(options));
  const data = t._storage.data;
  const one = encodeScalar(t.dtype, 1);
  for (let i = 0; i < Math.min(n, cols); i++) data[i * cols + i] = one as never;
  return place(t, options);
}

// NOTE [Range kernels]: PyTorch fills arange/linspace with a serial kernel that has a vectorised path. It runs two
// SIMD vectors (8 floats or 4 doubles each, with AVX2) per iteration while 2 vectors still fit, and the rest
// element by element. A vector computes its base value with the per-element formula (which the C++ compiler
// contracts into a fused multiply-add), then its lanes as base + k * step in the step's own type. Results differ
// from the per-element formula in the last bit, so we replay the same chunking and roundings (checked against
// torch 1.13's values in fixtures/creation.json).
const SIMD_WIDTH: Partial<Record<DType, number>> = { float32: 8, float64: 4 };

/** Writes a range as PyTorch's vectorised range kernels do (see NOTE [Range kernels]). */
function fillRange(
  data: TypedArray,
  dtype: DType,
  size: number,
  scalarAt: (idx: number) => number,
  lane: (base: number, k: number) => number,
): void {
  const width = SIMD_WIDTH[dtype] ?? 1;
  const vectorized = width > 1 ? Math.floor(size / (2 * width)) * 2 * width : 0;
  let idx = 0;
  for (; idx < vectorized; idx += width) {
    const base = scalarAt(idx);
    for (let k = 0; k < width; k++)
      data[idx + k] = encodeScalar(dtype, k === 0 ? base : lane(base, k)) as never;
  }
  for (; idx < size; idx++) data[idx] = encodeScalar(dtype, scalarAt(idx)) as never;
}

/**
 * `torch.arange(end)` / `arange(start, end, step?)`. Integer arguments give int64, any fractional one the default
 * float dtype, as in PyTorch.
 */
export function arange(
  start: number,
  end?: number | CreationOptions,
  step?: number | CreationOptions,
  options?: CreationOptions,
): Tensor {
  const numeric = [start, end, step].filter((x): x is number => typeof x === 'number');
  const opts = [end, step, options].find((x): x is CreationOptions => typeof x === 'object' && x !== null);
  const [from, to, by] =
    numeric.length === 1 ? [0, numeric[0]!, 1] : [numeric[0]!, numeric[1]!, numeric[2] ?? 1];
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    const show = (v: number) =>
      Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
    throw new RuntimeError(`unsupported range: ${show(from)} -> ${show(to)}`);
  }
  if (by === 0) throw new RuntimeError('step must be nonzero');
  if ((by > 0 && to < from) || (by < 0 && to > from)) {
    throw new RuntimeError('upper bound and larger bound inconsistent with step sign');
  }
  const dtype = opts?.dtype ?? (numeric.every(Number.isInteger) ? 'int64' : getDefaultDtype());
  // int64 sizes its result in int64 arithmetic (the step truncated first), every other dtype in double
  const size =
    dtype === 'int64'
      ? Math.ceil((Math.trunc(to) - Math.trunc(from)) / Math.trunc(by))
      : Math.ceil((to - from) / by);
  if (!Number.isFinite(size)) throw new RuntimeError('step must be nonzero');
  const t = emptyTensor([size], dtype);
  const data = t._storage.data;
  if (!isFloatingPoint(dtype)) {
    // integer dtypes accumulate in int64: start and step are truncated first, as Scalar::to<int64_t>()
    const first = BigInt(Math.trunc(from));
    const stride = BigInt(Math.trunc(by));
    for (let i = 0; i < size; i++) data[i] = encodeScalar(dtype, first + BigInt(i) * stride) as never;
  } else if (dtype === 'float32') {
    // accumulates in double: each vector's base is rounded to float, its lanes added in double
    const at = (idx: number) => Math.fround(fmaFloat64(by, idx, from));
    fillRange(data, dtype, size, at, (base, k) => base + k * by);
  } else if (dtype === 'float64') {
    fillRange(
      data,
      dtype,
      size,
      (idx) => fmaFloat64(by, idx, from),
      (base, k) => base + k * by,
    );
  } else {
    // halves accumulate in float
    const first = Math.fround(from);
    const stride = Math.fround(by);
    for (let i = 0; i < size; i++) data[i] = encodeScalar(dtype, fmaFloat32(stride, i, first)) as never;
  }
  return place(t, opts);
}

/** `torch.linspace(start, end, steps)`, computed as PyTorch does (from both ends towards the middle). */
export function linspace(start: number, end: number, steps: number, options?: CreationOptions): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RuntimeError('number of steps must be non-negative');
  const dtype = creationDtype(options);
  const t = emptyTensor([steps], dtype);
  const data = t._storage.data;
  const halfway = Math.floor(steps / 2);
  if (steps === 1) data[0] = encodeScalar(dtype, start) as never;
  else if (steps > 1) {
    if (dtype === 'float32' || dtype === 'float16' || dtype === 'bfloat16') {
      const s = Math.fround(start);
      const e = Math.fround(end);
      const step = Math.fround(Math.fround(e - s) / (steps - 1));
      const at = (idx: number) =>
        idx < halfway ? fmaFloat32(step, idx, s) : fmaFloat32(-step, steps - idx - 1, e);
      fillRange(data, dtype, steps, at, (base, k) => Math.fround(base + Math.fround(k * step)));
    } else if (dtype === 'float64') {
      const step = (end - start) / (steps - 1);
      const at = (idx: number) =>
        idx < halfway ? fmaFloat64(step, idx, start) : fmaFloat64(-step, steps - idx - 1, end);
      fillRange(data, dtype, steps, at, (base, k) => base + k * step);
    } else {
      // integers: the step is a double, each value truncated
      const s = Math.trunc(start);
      const e = Math.trunc(end);
      const step = (e - s) / (steps - 1);
      for (let idx = 0; idx < steps; idx++) {
        const v = Math.trunc(idx < halfway ? s + step * idx : e - step * (steps - idx - 1));
        data[idx] = encodeScalar(dtype, v) as never;
      }
    }
  }
  return place(t, options);
}

/** `torch.logspace(start, end, steps, base=10)`. */
export function logspace(
  start: number,
  end: number,
  steps: number,
  base: number | CreationOptions = 10,
  options?: CreationOptions,
): Tensor {
  if (typeof base === 'object') {
    options = base;
    base = 10;
  }
  if (!Number.isInteger(steps) || steps < 0) throw new RuntimeError('number of steps must be non-negative');
  const dtype = creationDtype(options);
  const t = emptyTensor([steps], dtype);
  const data = t._storage.data;
  // PyTorch: start/end in the output dtype, a double step, pow(double base, start + step * idx) per element
  const round = dtype === 'float64' ? (x: number) => x : Math.fround;
  const s = round(start);
  const e = round(end);
  const halfway = Math.floor(steps / 2);
  if (steps === 1) data[0] = encodeScalar(dtype, base ** s) as never;
  else {
    const step = (e - s) / (steps - 1);
    for (let i = 0; i < steps; i++) {
      const exponent = i < halfway ? fmaFloat64(step, i, s) : fmaFloat64(-step, steps - i - 1, e);
      data[i] = encodeScalar(dtype, base ** exponent) as never;
    }
  }
  return place(t, options);
}

// ---------------------------------------------------------------------------------------------------------------
// In-place fills

declare module '../tensor.js' {
  interface Tensor {
    /** Fills with a value in place (`fill_`). A 0-d tensor is accepted as the value. */
    fill_(value: Scalar | Tensor): this;
    /** Fills with zeros in place. */
    zero_(): this;
  }
}

Tensor.prototype.fill_ = function fill_(this: Tensor, value: Scalar | Tensor) {
  let scalar: Scalar;
  if (value instanceof Tensor) {
    if (value.dim() !== 0) {
      throw new RuntimeError(
        `fill_ only supports 0-dimension value tensor but got tensor with ${value.dim()} dimensions.`,
      );
    }
    scalar =
      value.dtype === 'int64' ? (value._storage.data[value._offset] as bigint) : (value.item() as Scalar);
  } else {
    checkScalar(value, 'fill_');
    scalar = value;
  }
  const converted = checkedScalar(scalar, this.dtype);
  return dispatch(
    'fill_',
    [this],
    { value: scalar },
    () => {
      getBackend(this.device).fill(this, converted);
      this._bumpVersion();
      return this;
    },
    { isInplace: true },
  );
};

Tensor.prototype.zero_ = function zero_(this: Tensor) {
  if (this._sparse !== null) return sparseZero_(this);
  return this.fill_(0);
};
