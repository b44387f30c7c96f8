/**
 * The Tensor class: storage + layout (shape, strides, storage offset) + an autograd slot.
 *
 * This file holds only the data model and the layout queries. Ops add themselves as methods from their own files
 * under `ops/` (module augmentation of this class), so each op lives in one place as a function and a method.
 */

import { type DType, isFloatingPoint, isSigned, itemsize, legacyTypeName } from './dtype.js';
import { NotImplementedError, RuntimeError, ValueError } from './errors.js';
import { BFLOAT_TO_FLOAT, HALF_TO_FLOAT } from './internal/half.js';
import { contiguousStrides, isContiguousLayout, numelOf, wrapDim } from './layout.js';
import type { Storage } from './storage.js';

/**
 * The autograd slot of a tensor. `@proj/tensor` only stores these fields; `@proj/autograd` gives them meaning.
 */
export interface AutogradMeta {
  /** The graph node that produced this tensor (null for leaves). */
  gradFn: GradFnLike | null;
  /** Which output of `gradFn` this tensor is. */
  outputNr: number;
  /** Accumulated gradient of a leaf (or of a non-leaf with `retainGrad()`). */
  grad: Tensor | null;
  requiresGrad: boolean;
  retainsGrad: boolean;
  /** Hooks registered with `registerHook`, run on the gradient before accumulation. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook may return nothing (keep the gradient), as in PyTorch
  hooks: ((grad: Tensor) => Tensor | undefined | void)[];
  /** Hooks run after the gradient was accumulated into `.grad`. */
  postAccumulateGradHooks: ((tensor: Tensor) => void)[];
  /** Engine-private data (e.g. the AccumulateGrad node of a leaf). */
  engineData: unknown;
}

/**
 * The parts of a sparse COO tensor: `indices` (int64, `[sparseDim, nnz]`) and `values` (`[nnz, ...denseShape]`), and
 * whether the indices are known to be sorted and unique (PyTorch's `is_coalesced()`).
 */
export interface SparseParts {
  indices: Tensor;
  values: Tensor;
  coalesced: boolean;
}

/** Memory layouts: dense strided tensors and sparse COO tensors. */
export type Layout = 'strided' | 'sparse_coo';

/** What a graph node looks like from the tensor side. */
export interface GradFnLike {
  readonly name: string;
  readonly nextFunctions: readonly (readonly [GradFnLike | null, number])[];
}

/** A value that can stand where a tensor is expected: a tensor or a scalar. */
export type TensorOrScalar = Tensor | number | boolean | bigint;

/**
 * A strided n-dimensional array. Views share `storage` with their base; every in-place write bumps
 * `storage.version`.
 *
 * ```ts
 * const x = torch.arange(6).view(2, 3);
 * const y = x.t();           // a view: y.stride() is [1, 3]
 * y.set([0, 0], 100);        // writes through to x
 * ```
 */
export class Tensor {
  /** @internal */ _storage: Storage;
  /** @internal */ _shape: number[];
  /** @internal */ _strides: number[];
  /** @internal */ _offset: number;
  /** The tensor this one is a view of (PyTorch's `._base`), or null. */
  _base: Tensor | null = null;
  /** True for 0-d tensors that ops made from a JS number (PyTorch's `is_wrapped_number`); autograd names nodes by it. */
  _wrappedNumber = false;
  /** @internal autograd slot, created lazily. */
  _autograd: AutogradMeta | null = null;
  /**
   * @internal The parts of a sparse COO tensor (PyTorch's `layout=torch.sparse_coo`), or null for a strided tensor.
   * A sparse tensor's storage holds no elements and refuses reads, so a dense kernel handed one fails loudly.
   */
  _sparse: SparseParts | null = null;

  constructor(storage: Storage, shape: readonly number[], strides?: readonly number[], storageOffset = 0) {
    this._storage = storage;
    this._shape = shape.slice();
    this._strides = strides === undefined ? contiguousStrides(shape) : strides.slice();
    this._offset = storageOffset;
  }

  /** `'strided'` for dense tensors, `'sparse_coo'` for sparse COO tensors (PyTorch's `layout`). */
  get layout(): Layout {
    return this._sparse === null ? 'strided' : 'sparse_coo';
  }

  /** True for a sparse COO tensor (PyTorch's `is_sparse`). */
  get isSparse(): boolean {
    return this._sparse !== null;
  }

  /** Element type. */
  get dtype(): DType {
    return this._storage.dtype;
  }

  /** Device name: `'cpu'`, `'cuda:0'`, ... */
  get device(): string {
    return this._storage.device;
  }

  /** True when the tensor lives on a CUDA device. */
  get isCuda(): boolean {
    return this._storage.device.startsWith('cuda');
  }

  /** PyTorch's `get_device()`: -1 for CPU, the device index otherwise. */
  getDevice(): number {
    const d = this._storage.device;
    if (d === 'cpu') return -1;
    const colon = d.indexOf(':');
    return colon < 0 ? 0 : Number(d.slice(colon + 1));
  }

  /** The shape as an array (PyTorch's `torch.Size`). */
  get shape(): number[] {
    return this._shape.slice();
  }

  /** Number of dims. */
  get ndim(): number {
    return this._shape.length;
  }

  /** Number of dims (`dim()`). */
  dim(): number {
    return this._shape.length;
  }

  /** `size()` is the shape; `size(d)` one dim (negative dims count from the end). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return this._shape.slice();
    return this._shape[wrapDim(dim, this._shape.length, false)]!;
  }

  /** Number of elements. */
  numel(): number {
    return numelOf(this._shape);
  }

  /** Number of elements (`nelement()`). */
  nelement(): number {
    return this.numel();
  }

  /** Strides in elements; `stride(d)` for one dim. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (this._sparse !== null) throw new RuntimeError('Sparse CPU tensors do not have strides');
    if (dim === undefined) return this._strides.slice();
    return this._strides[wrapDim(dim, this._shape.length, false)]!;
  }

  /** Offset of the first element in the storage, in elements. */
  storageOffset(): number {
    return this._offset;
  }

  /** PyTorch's `is_contiguous()`. */
  isContiguous(): boolean {
    return isContiguousLayout(this._shape, this._strides);
  }

  /** Bytes per element. */
  elementSize(): number {
    return itemsize(this.dtype);
  }

  /**
   * An address-like number: equal for tensors that start at the same element of the same storage. 0 for tensors
   * with no elements, as PyTorch's `data_ptr()`.
   */
  dataPtr(): number {
    if (this.numel() === 0) return 0;
    return this._storage.address + this._offset * itemsize(this.dtype);
  }

  /** The shared storage (PyTorch's `untyped_storage()`): compare with `===` to test sharing. */
  untypedStorage(): Storage {
    return this._storage;
  }

  /** Version counter of the storage: the number of in-place writes so far. */
  get _version(): number {
    return this._storage.version;
  }

  /** @internal Marks an in-place write. */
  _bumpVersion(): void {
    this._storage.version++;
  }

  /** `is_floating_point()`. */
  isFloatingPoint(): boolean {
    return isFloatingPoint(this.dtype);
  }

  /** `is_signed()`. */
  isSigned(): boolean {
    return isSigned(this.dtype);
  }

  /** `type()` with no argument: the legacy type name, e.g. `torch.FloatTensor`. */
  typeName(): string {
    const name = legacyTypeName(this.dtype);
    return this.isCuda ? name.replace('torch.', 'torch.cuda.') : name;
  }

  /** True when the tensor is a view of another (`._is_view()`). */
  isView(): boolean {
    return this._base !== null;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Autograd slot (filled in by @proj/autograd)

  /** @internal */
  _meta(): AutogradMeta {
    if (this._autograd === null) {
      this._autograd = {
        gradFn: null,
        outputNr: 0,
        grad: null,
        requiresGrad: false,
        retainsGrad: false,
        hooks: [],
        postAccumulateGradHooks: [],
        engineData: null,
      };
    }
    return this._autograd;
  }

  /** Whether gradients are tracked for this tensor. Only floating-point tensors may require grad. */
  get requiresGrad(): boolean {
    const meta = this._autograd;
    return meta !== null && (meta.requiresGrad || meta.gradFn !== null);
  }

  set requiresGrad(value: boolean) {
    this.requiresGrad_(value);
  }

  /** Sets `requiresGrad` in place and returns this tensor. */
  requiresGrad_(value = true): this {
    const meta = this._meta();
    if (meta.gradFn !== null) {
      if (!value) {
        throw new RuntimeError(
          "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
        );
      }
      return this;
    }
    if (value && !isFloatingPoint(this.dtype)) {
      throw new RuntimeError('only Tensors of floating point dtype can require gradients');
    }
    if (value && this._sparse !== null) {
      throw new RuntimeError(
        'sparse tensors cannot require grad here: ops on sparse tensors are not recorded by autograd; use toDense() (sparse gradients come from Embedding({ sparse: true }))',
      );
    }
    meta.requiresGrad = value;
    return this;
  }

  /** The accumulated gradient, or null. */
  get grad(): Tensor | null {
    return this._autograd?.grad ?? null;
  }

  set grad(value: Tensor | null) {
    if (value !== null) {
      if (value.dtype !== this.dtype) {
        throw new RuntimeError('assigned grad has data of a different type');
      }
      if (value.device !== this.device)
        throw new RuntimeError('assigned grad has data located on a different device');
      if (value._shape.join(',') !== this._shape.join(',')) {
        throw new RuntimeError('assigned grad has data of a different size');
      }
    }
    this._meta().grad = value;
  }

  /** The node that created this tensor, or null for leaves. */
  get gradFn(): GradFnLike | null {
    return this._autograd?.gradFn ?? null;
  }

  /** True for tensors not produced by a recorded op. */
  get isLeaf(): boolean {
    return this._autograd === null || this._autograd.gradFn === null;
  }

  /** Whether a non-leaf keeps its `.grad` (see `retainGrad()`). */
  get retainsGrad(): boolean {
    return this._autograd?.retainsGrad ?? false;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Reading values

  /** The single value of a one-element tensor, as a number (or boolean for bool tensors). */
  item(): number | boolean {
    if (this._sparse !== null) throw sparseNotImplemented('item');
    if (this.numel() !== 1) {
      throw new RuntimeError(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    }
    return readElement(this, this._offset);
  }

  /** Nested arrays of numbers (booleans for bool tensors), like `tolist()`; a 0-d tensor gives its value. */
  tolist(): unknown {
    if (this._sparse !== null) throw sparseNotImplemented('tolist');
    const shape = this._shape;
    const strides = this._strides;
    const build = (dim: number, offset: number): unknown => {
      if (dim === shape.length) return readElement(this, offset);
      const out = new Array(shape[dim]!);
      for (let i = 0; i < shape[dim]!; i++) out[i] = build(dim + 1, offset + i * strides[dim]!);
      return out;
    };
    return build(0, this._offset);
  }
}

/** The error for an op that has no sparse COO implementation. */
export function sparseNotImplemented(op: string): NotImplementedError {
  const name = op.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return new NotImplementedError(
    `Could not run 'aten::${name}' with arguments from the 'SparseCPU' backend. This op has no sparse COO kernel: convert with toDense() first.`,
  );
}

/** Reads one element at a storage index as a JS value (int64 must fit in a double exactly). */
export function readElement(t: Tensor, index: number): number | boolean {
  const data = hostData(t);
  const raw = data[index]!;
  switch (t.dtype) {
    case 'bool':
      return raw !== 0;
    case 'float16':
      return HALF_TO_FLOAT[raw as number]!;
    case 'bfloat16':
      return BFLOAT_TO_FLOAT[raw as number]!;
    case 'int64': {
      const v = raw as bigint;
      if (v > 9007199254740991n || v < -9007199254740991n) {
        throw new ValueError(
          `int64 value ${v} cannot be represented exactly as a JS number; read it with toTypedArray() (a BigInt64Array)`,
        );
      }
      return Number(v);
    }
    default:
      return raw as number;
  }
}

/** Host memory of a tensor's storage; device backends are asked to sync it first. */
export function hostData(t: Tensor) {
  const storage = t._storage;
  if (storage.device !== 'cpu') {
    throw new RuntimeError(
      `can't read a ${storage.device} tensor on the host directly; use .cpu() first (or await tensor.data())`,
    );
  }
  return storage.data;
}
