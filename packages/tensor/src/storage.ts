import { allocArray, type DType, itemsize, type TypedArray } from './dtype.js';

let nextAddress = 0x10000;

/**
 * A flat buffer of one dtype on one device, shared by every view of it. `version` counts in-place writes; autograd
 * compares it with the version it saw when it saved a tensor for backward.
 */
export class Storage {
  /** Host memory for CPU storages; device backends keep their own handle in `handle`. */
  data: TypedArray;
  /** A backend-owned handle (e.g. a GPU buffer) for non-CPU devices. */
  handle: unknown = null;
  /** Number of in-place modifications so far. */
  version = 0;
  /** A stable fake address, so `dataPtr()` can be compared like PyTorch's. */
  readonly address: number;

  constructor(
    readonly dtype: DType,
    data: TypedArray,
    readonly device: string = 'cpu',
  ) {
    this.data = data;
    this.address = nextAddress;
    nextAddress += Math.max(64, Math.ceil((data.length * itemsize(dtype)) / 64) * 64 + 64);
  }

  /** Allocates a zeroed storage. */
  static alloc(dtype: DType, length: number, device = 'cpu'): Storage {
    return new Storage(dtype, allocArray(dtype, length), device);
  }

  /** Number of elements. */
  get length(): number {
    return this.data.length;
  }

  /** Size in bytes (`untyped_storage().nbytes()`). */
  nbytes(): number {
    return this.data.length * itemsize(this.dtype);
  }
}
