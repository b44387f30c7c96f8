/**
 * The backend contract. A backend owns the memory of its device and implements the primitive kernels below over
 * (storage, layout) pairs; everything else in `ops/` is written once on top of them.
 *
 * Inputs reach a kernel already validated (shapes, dtypes, devices, dims) and, for elementwise kernels, already
 * broadcast to the output shape as zero-stride views, so backends never repeat checks and every backend reports
 * the same error for the same mistake.
 */
import type { DType, Scalar, TypedArray } from './dtype.js';
import { RuntimeError } from './errors.js';
import type { ArgReduceOpName, ElementwiseOpName, ReduceOpName, ScanOpName } from './kernel-names.js';
import type { Storage } from './storage.js';
import type { Tensor } from './tensor.js';

/** The kernels every backend provides. */
export interface Backend {
  /** Device type name, e.g. `'cpu'` or `'cuda'`. */
  readonly name: string;
  /** Allocates zeroed storage for `length` elements. */
  allocate(dtype: DType, length: number, device: string): Storage;
  /** Copies host data into a new storage on this device. */
  fromHost(dtype: DType, data: TypedArray, device: string): Storage;
  /** Reads a storage back to host memory (a copy for device backends). */
  toHost(storage: Storage): TypedArray;
  /**
   * `out[i] = op(inputs[0][i], inputs[1][i], ...)` computed in `computeDtype`, written (converted) to `out.dtype`.
   * `inputs` have `out`'s shape (zero strides where broadcast); `out` may be any strided layout (in-place ops).
   */
  elementwise(
    op: ElementwiseOpName,
    out: Tensor,
    inputs: readonly Tensor[],
    computeDtype: DType,
    params?: readonly Scalar[],
  ): void;
  /** Fills every element of `out` (any layout) with `value`. */
  fill(out: Tensor, value: Scalar): void;
  /**
   * Reduces `input` over `dims` (sorted, distinct) into the contiguous `out`, whose shape is the input shape with
   * the reduced dims removed or kept as 1. Computed in `computeDtype`.
   */
  reduce(op: ReduceOpName, out: Tensor, input: Tensor, dims: readonly number[], computeDtype: DType): void;
  /** Max/min over one dim with the index of the first extreme (NaN counts as the extreme). */
  argReduce(op: ArgReduceOpName, values: Tensor | null, indices: Tensor, input: Tensor, dim: number): void;
  /** Inclusive scan along `dim` into `out` (same shape); `indices` for cummax/cummin. */
  scan(op: ScanOpName, out: Tensor, input: Tensor, dim: number, computeDtype: DType, indices?: Tensor): void;
  /** Batched matrix product: `out[b] = a[b] @ b[b]` for 3-d `a` (B×M×K), `b` (B×K×N), contiguous `out` (B×M×N). */
  matmul(out: Tensor, a: Tensor, b: Tensor): void;
  /**
   * Sorts `input` along `dim` into the contiguous `values` (input's dtype) and `indices` (int64), both of the
   * input's shape. NaN sorts above every value; `stable` keeps equal values in index order.
   */
  sort(
    values: Tensor,
    indices: Tensor,
    input: Tensor,
    dim: number,
    descending: boolean,
    stable: boolean,
  ): void;
}

const backends = new Map<string, Backend>();

/** Registers a backend under a device type name (`'cuda'` for `@proj/backend-cuda`). */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/** The backend for a device string such as `'cpu'` or `'cuda:0'`. */
export function getBackend(device: string): Backend {
  if (device === 'cpu') {
    const cpu = backends.get('cpu');
    if (cpu !== undefined) return cpu;
  }
  const colon = device.indexOf(':');
  const type = colon < 0 ? device : device.slice(0, colon);
  const backend = backends.get(type);
  if (backend === undefined) {
    throw new RuntimeError(
      `no backend is registered for device '${device}'${type === 'cuda' ? "; import '@proj/backend-cuda' and initialise it first" : ''}`,
    );
  }
  return backend;
}

/** Whether a backend is registered for this device type. */
export function isBackendRegistered(type: string): boolean {
  return backends.has(type);
}

/** Normalises a device argument: `'cuda'` → `'cuda:0'`, checks the type is known. */
export function normalizeDevice(device: string): string {
  if (device === 'cpu') return device;
  const [type, index] = device.split(':');
  if (type === undefined || !/^[a-z]+$/.test(type) || (index !== undefined && !/^\d+$/.test(index))) {
    throw new RuntimeError(`Invalid device string: '${device}'`);
  }
  getBackend(type);
  return `${type}:${index ?? 0}`;
}
