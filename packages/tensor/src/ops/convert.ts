/**
 * Conversions between dtypes and devices (`to`, `type`, `float()`, `cpu()`...), `copy_`, and exporting data as a
 * typed array.
 */
import { normalizeDevice } from '../backend.js';
import { dispatch, runBackward } from '../dispatch.js';
import { type DType, parseDtype, type TypedArray } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { broadcastShapes, fmtShape } from '../layout.js';
import { hostData, Tensor } from '../tensor.js';
import { checkInplaceOverlap } from './elementwise.js';
import { contiguousCopy, copyInto, mayOverlap, sameShape, toDevice } from './helpers.js';
import { sparseTo } from './sparse.js';

/** Options of `Tensor.to`. */
export interface ToOptions {
  dtype?: DType;
  device?: string;
  /** Always return a new tensor, even when nothing changes. */
  copy?: boolean;
  /** Accepted for PyTorch compatibility (CPU copies are synchronous). */
  nonBlocking?: boolean;
}

/**
 * `x.to(dtype)`, `x.to(device)`, `x.to(other)` or `x.to({ dtype, device, copy })`. Returns `x` itself when nothing
 * changes (unless `copy`), as PyTorch does.
 */
export function to(x: Tensor, target: DType | string | Tensor | ToOptions, options?: ToOptions): Tensor {
  let dtype: DType = x.dtype;
  let device: string = x.device;
  let copy = options?.copy ?? false;
  if (target instanceof Tensor) {
    dtype = target.dtype;
    device = target.device;
  } else if (typeof target === 'string') {
    if (/^(cpu|cuda|[a-z]+:\d+|[a-z]+)$/.test(target) && !isDtypeName(target))
      device = normalizeDevice(target);
    else dtype = parseDtype(target);
  } else {
    if (target.dtype !== undefined) dtype = parseDtype(target.dtype);
    if (target.device !== undefined) device = normalizeDevice(target.device);
    copy = target.copy ?? copy;
  }
  if (options?.dtype !== undefined) dtype = parseDtype(options.dtype);
  if (x._sparse !== null) return sparseTo(x, dtype, device, copy);
  if (dtype === x.dtype && device === x.device && !copy) return x;
  return dispatch('to', [x], { dtype, device }, () => {
    const converted = dtype === x.dtype ? (copy ? contiguousCopy(x) : x) : contiguousCopy(x, dtype);
    return device === x.device ? converted : toDevice(converted, device);
  });
}

function isDtypeName(name: string): boolean {
  try {
    parseDtype(name);
    return true;
  } catch {
    return false;
  }
}

/** `x.copy_(src)`: copies values (broadcast, dtype-converted) into `x` in place. */
export function copy_(x: Tensor, src: Tensor): Tensor {
  if (!(src instanceof Tensor)) throw new TypeError("copy_(): argument 'src' must be a Tensor");
  const shape = broadcastShapes(x._shape, src._shape);
  if (!sameShape(shape, x._shape)) {
    throw new RuntimeError(
      `output with shape ${fmtShape(x._shape)} doesn't match the broadcast shape ${fmtShape(shape)}`,
    );
  }
  checkInplaceOverlap(x, [src]);
  return dispatch(
    'copy_',
    [x, src],
    {},
    () => {
      let source = src.device === x.device ? src : toDevice(src, x.device);
      if (source !== x && mayOverlap(source, x)) source = contiguousCopy(source);
      copyInto(x, source);
      x._bumpVersion();
      return x;
    },
    { isInplace: true },
  );
}

/** A contiguous copy of the data as the dtype's typed array (`BigInt64Array` for int64, raw bits for halves). */
export function toTypedArray(x: Tensor): TypedArray {
  const host = x.device === 'cpu' ? x : toDevice(x, 'cpu');
  const flat = contiguousCopy(host);
  return hostData(flat);
}

declare module '../tensor.js' {
  interface Tensor {
    to(target: DType | string | Tensor | ToOptions, options?: ToOptions): Tensor;
    /** With no argument: the legacy type name (`torch.FloatTensor`); with a dtype: `to(dtype)`. */
    type(): string;
    type(dtype: DType | string): Tensor;
    typeAs(other: Tensor): Tensor;
    float(): Tensor;
    double(): Tensor;
    half(): Tensor;
    bfloat16(): Tensor;
    long(): Tensor;
    int(): Tensor;
    short(): Tensor;
    char(): Tensor;
    byte(): Tensor;
    bool(): Tensor;
    /** Moves to the CPU (returns `this` when already there). */
    cpu(): Tensor;
    /** Moves to a CUDA device (needs `@proj/backend-cuda`). */
    cuda(device?: number | string): Tensor;
    copy_(src: Tensor): this;
    /** A contiguous copy of the data as a typed array (`BigInt64Array` for int64, 16-bit patterns for halves). */
    toTypedArray(): TypedArray;
    /** Runs backward from this tensor (needs `@proj/autograd`). */
    backward(options?: {
      gradient?: Tensor;
      retainGraph?: boolean;
      createGraph?: boolean;
      inputs?: Tensor[];
    }): void;
  }
}

const proto = Tensor.prototype;
proto.to = function (target, options) {
  return to(this, target, options);
};
proto.type = function (this: Tensor, dtype?: DType | string) {
  if (dtype === undefined) return this.typeName();
  const legacy: Record<string, DType> = {
    'torch.FloatTensor': 'float32',
    'torch.DoubleTensor': 'float64',
    'torch.HalfTensor': 'float16',
    'torch.BFloat16Tensor': 'bfloat16',
    'torch.LongTensor': 'int64',
    'torch.IntTensor': 'int32',
    'torch.ShortTensor': 'int16',
    'torch.CharTensor': 'int8',
    'torch.ByteTensor': 'uint8',
    'torch.BoolTensor': 'bool',
  };
  return to(this, legacy[dtype] ?? parseDtype(dtype));
} as Tensor['type'];
proto.typeAs = function (other) {
  return to(this, other.dtype);
};
proto.float = function () {
  return to(this, 'float32');
};
proto.double = function () {
  return to(this, 'float64');
};
proto.half = function () {
  return to(this, 'float16');
};
proto.bfloat16 = function () {
  return to(this, 'bfloat16');
};
proto.long = function () {
  return to(this, 'int64');
};
proto.int = function () {
  return to(this, 'int32');
};
proto.short = function () {
  return to(this, 'int16');
};
proto.char = function () {
  return to(this, 'int8');
};
proto.byte = function () {
  return to(this, 'uint8');
};
proto.bool = function () {
  return to(this, 'bool');
};
proto.cpu = function () {
  return to(this, { device: 'cpu' });
};
proto.cuda = function (device) {
  return to(this, {
    device: device === undefined ? 'cuda' : typeof device === 'number' ? `cuda:${device}` : device,
  });
};
proto.copy_ = function (src) {
  return copy_(this, src) as never;
};
proto.toTypedArray = function () {
  return toTypedArray(this);
};
proto.backward = function (options) {
  runBackward(this, options ?? {});
};
