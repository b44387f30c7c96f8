/**
 * Building blocks shared by every op file: allocation, scalar wrapping, view construction, device and dtype checks.
 */
import { getBackend } from '../backend.js';
import { encodeScalar } from '../backends/cpu/index.js';
import {
  type DType,
  getDefaultDtype,
  isFloatingPoint,
  type PromotionOperand,
  resultType,
  type Scalar,
  scalarDtype,
  scalarTypeName,
} from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, fmtShape, numelOf } from '../layout.js';
import type { Storage } from '../storage.js';
import { Tensor, type TensorOrScalar } from '../tensor.js';

/** Options accepted by creation ops. */
export interface CreationOptions {
  dtype?: DType;
  device?: string;
  requiresGrad?: boolean;
}

/** Allocates an uninitialised (zeroed) contiguous tensor. */
export function emptyTensor(shape: readonly number[], dtype: DType, device = 'cpu'): Tensor {
  const storage = getBackend(device).allocate(dtype, numelOf(shape), device);
  return new Tensor(storage, shape);
}

/** A 0-d tensor holding `value` exactly in `dtype`. */
export function scalarTensor(value: Scalar, dtype: DType, device = 'cpu'): Tensor {
  const t = emptyTensor([], dtype, 'cpu');
  t._storage.data[0] = encodeScalar(dtype, value) as never;
  return device === 'cpu' ? t : toDevice(t, device);
}

/** Moves a tensor to another device through the backends' host interfaces. */
export function toDevice(t: Tensor, device: string): Tensor {
  if (t.device === device) return t;
  const source =
    t.isContiguous() && t._offset === 0 && t.numel() === t._storage.length ? t : contiguousCopy(t);
  const host = getBackend(source.device).toHost(source._storage);
  const storage = getBackend(device).fromHost(source.dtype, host, device);
  return new Tensor(storage, source._shape);
}

/** A contiguous copy of `t` in `dtype` (default: same dtype), on the same device. */
export function contiguousCopy(t: Tensor, dtype: DType = t.dtype): Tensor {
  const out = emptyTensor(t._shape, dtype, t.device);
  copyInto(out, t);
  return out;
}

/** Copies `src` (broadcastable, any dtype) into `out` (any layout), converting values. */
export function copyInto(out: Tensor, src: Tensor): void {
  const expanded = expandTo(src, out._shape);
  getBackend(out.device).elementwise('identity', out, [expanded], computeDtypeForCopy(src.dtype, out.dtype));
}

function computeDtypeForCopy(from: DType, to: DType): DType {
  // int64 → int64 and small ints → int64 compute exactly in BigInt; everything else through numbers.
  if (to === 'int64' && !isFloatingPoint(from)) return 'int64';
  if (from === 'int64' && to === 'int64') return 'int64';
  return from === 'int64' ? 'float64' : from;
}

/** Creates a view of `base` with a new layout and links it to the view's base, as PyTorch's `._base`. */
export function makeView(
  base: Tensor,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Tensor {
  const view = new Tensor(base._storage, shape, strides, offset);
  view._base = base._base ?? base;
  return view;
}

/** A zero-stride broadcast view of `t` as `shape` (no checks beyond broadcast compatibility). */
export function expandTo(t: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(t._shape, shape)) return t;
  if (t._shape.length > shape.length) {
    throw new RuntimeError(`cannot broadcast a tensor of shape ${fmtShape(t._shape)} to ${fmtShape(shape)}`);
  }
  broadcastShapes(t._shape, shape);
  const strides = broadcastStrides(t._shape, t._strides, shape);
  return new Tensor(t._storage, shape, strides, t._offset);
}

/** Elementwise equality of two shapes. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws PyTorch's device-mismatch error when tensors live on different devices. */
export function checkSameDevice(op: string, tensors: readonly (Tensor | null | undefined)[]): string {
  let device: string | null = null;
  for (const t of tensors) {
    if (t === null || t === undefined) continue;
    if (device === null) device = t.device;
    else if (t.device !== device) {
      throw new RuntimeError(
        `Expected all tensors to be on the same device, but found at least two devices, ${device} and ${t.device}! (when checking arguments for ${op})`,
      );
    }
  }
  return device ?? 'cpu';
}

/** Promotion operand for a tensor or scalar. */
export function operandOf(x: TensorOrScalar): PromotionOperand {
  return x instanceof Tensor ? { dtype: x.dtype, dim: x._shape.length } : x;
}

/** `torch.result_type` over tensors and scalars. */
export function resultTypeOf(...xs: TensorOrScalar[]): DType {
  return resultType(...xs.map(operandOf));
}

/** Wraps a scalar as a 0-d tensor of `dtype`; tensors pass through. */
export function asTensor(x: TensorOrScalar, dtype: DType, device: string): Tensor {
  if (x instanceof Tensor) return x;
  checkScalar(x);
  const wrapped = scalarTensor(x, dtype, device);
  wrapped._wrappedNumber = true;
  return wrapped;
}

/** Rejects values that are not scalars (e.g. arrays passed where a number is expected). */
export function checkScalar(x: unknown, op = 'op'): asserts x is Scalar {
  if (typeof x !== 'number' && typeof x !== 'boolean' && typeof x !== 'bigint') {
    throw new TypeError(`${op}(): expected a Tensor or a number, got ${x === null ? 'null' : typeof x}`);
  }
}

/** PyTorch's error for an in-place op whose result cannot be stored in the output dtype. */
export function checkCastable(result: DType, out: DType): void {
  const rank = (d: DType) => (d === 'bool' ? 0 : isFloatingPoint(d) ? 2 : 1);
  if (rank(result) > rank(out)) {
    throw new RuntimeError(
      `result type ${scalarTypeName(result)} can't be cast to the desired output type ${scalarTypeName(out)}`,
    );
  }
}

/** The default floating dtype for ops that turn integers into floats (`exp`, `div`, `mean`...). */
export function floatResult(dtype: DType): DType {
  return isFloatingPoint(dtype) ? dtype : getDefaultDtype();
}

/** Resolves a creation dtype: explicit, else from the scalar, else the default float. */
export function creationDtype(options: CreationOptions | undefined, fallback?: Scalar): DType {
  if (options?.dtype !== undefined) return options.dtype;
  return fallback === undefined ? getDefaultDtype() : scalarDtype(fallback);
}

/** Applies `requiresGrad` from creation options. */
export function finishCreation(t: Tensor, options: CreationOptions | undefined): Tensor {
  if (options?.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** True when two tensors may share memory (same storage). */
export function mayOverlap(a: Tensor, b: Tensor): boolean {
  return a._storage === b._storage;
}

/** Contiguous strides (re-exported for op files). */
export { contiguousStrides };

/** Fresh storage of the given dtype and length on a device. */
export function allocStorage(dtype: DType, length: number, device: string): Storage {
  return getBackend(device).allocate(dtype, length, device);
}
