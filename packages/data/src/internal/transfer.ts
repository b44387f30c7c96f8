/**
 * Moving values between threads: tensors travel as (dtype, shape, strides, offset, storage) records whose storage
 * buffers are transferred rather than copied when the sender owns them outright, and everything else goes through
 * the structured clone algorithm.
 *
 * NOTE [Which buffers are transferred]: transferring an ArrayBuffer detaches it in the sender. That is only safe for
 * buffers nobody else in the worker will read again: the batches that collation has just allocated. Collation marks
 * those storages (`markTransferable`); any other tensor (a view into a dataset's own tensor, a cached sample) is
 * copied — only its own elements, never its whole storage — and the copy is transferred.
 */
import { type DType, Storage, Tensor, type TypedArray } from '@proj/tensor';

// Kept on globalThis so that two copies of this module in one thread (e.g. `dist/` and `src/`) agree.
const TRANSFERABLE_KEY = Symbol.for('@proj/data.transferableStorages');
const globalState = globalThis as unknown as Record<symbol, WeakSet<Storage> | undefined>;
if (globalState[TRANSFERABLE_KEY] === undefined) globalState[TRANSFERABLE_KEY] = new WeakSet<Storage>();
const transferableStorages: WeakSet<Storage> = globalState[TRANSFERABLE_KEY];

/** Marks a freshly allocated tensor whose storage may be handed to another thread (detaching it here). */
export function markTransferable(t: Tensor): Tensor {
  const data = t._storage.data;
  const ownsBuffer =
    t._storage.device === 'cpu' &&
    !(typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer) &&
    data.byteOffset === 0 &&
    data.byteLength === data.buffer.byteLength;
  if (ownsBuffer) transferableStorages.add(t._storage);
  return t;
}

/** A tensor as sent between threads. */
interface EncodedTensor {
  $tensor: 1;
  dtype: DType;
  shape: number[];
  strides: number[];
  offset: number;
  /** Index into the message's storage list. */
  storage: number;
}

/** A value ready for `postMessage`, plus the buffers to transfer with it. */
export interface EncodedMessage {
  value: unknown;
  storages: TypedArray[];
  transfer: ArrayBuffer[];
}

/**
 * Encodes a value for another thread: tensors become records over a shared storage list, arrays and plain objects
 * are walked, other values are left to structured clone. Storages marked by `markTransferable` are transferred
 * whole; any other tensor is copied first (see NOTE [Which buffers are transferred]).
 */
export function encodeForTransfer(value: unknown): EncodedMessage {
  const storages: TypedArray[] = [];
  const transfer: ArrayBuffer[] = [];
  const storageIndex = new Map<Storage, number>();
  const encode = (v: unknown): unknown => {
    if (v instanceof Tensor) return encodeTensor(v);
    if (Array.isArray(v)) return v.map(encode);
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, encode(x)]));
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) out[key] = encode(v[key]);
      return out;
    }
    return v;
  };
  const encodeTensor = (t: Tensor): EncodedTensor => {
    if (t.device !== 'cpu') t = t.cpu();
    const storage = t._storage;
    if (transferableStorages.has(storage)) {
      let index = storageIndex.get(storage);
      if (index === undefined) {
        index = storages.length;
        storageIndex.set(storage, index);
        storages.push(storage.data);
        transfer.push(storage.data.buffer as ArrayBuffer);
        transferableStorages.delete(storage);
      }
      return {
        $tensor: 1,
        dtype: t.dtype,
        shape: t.shape,
        strides: t.stride() as number[],
        offset: t._offset,
        storage: index,
      };
    }
    // Copy just this tensor's elements (see NOTE [Which buffers are transferred]).
    const copy = t.toTypedArray();
    const index = storages.length;
    storages.push(copy);
    if (copy.byteOffset === 0 && copy.byteLength === copy.buffer.byteLength)
      transfer.push(copy.buffer as ArrayBuffer);
    const shape = t.shape;
    return {
      $tensor: 1,
      dtype: t.dtype,
      shape,
      strides: contiguousStridesOf(shape),
      offset: 0,
      storage: index,
    };
  };
  return { value: encode(value), storages, transfer };
}

/** Rebuilds a value encoded by `encodeForTransfer` in the receiving thread. */
export function decodeFromTransfer(value: unknown, storages: readonly TypedArray[]): unknown {
  const built = new Map<number, Storage>();
  const decode = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(decode);
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, decode(x)]));
    if (isPlainObject(v)) {
      if (v.$tensor === 1) {
        const encoded = v as unknown as EncodedTensor;
        let storage = built.get(encoded.storage);
        if (storage === undefined) {
          storage = new Storage(encoded.dtype, storages[encoded.storage]!);
          built.set(encoded.storage, storage);
        }
        return new Tensor(storage, encoded.shape, encoded.strides, encoded.offset);
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) out[key] = decode(v[key]);
      return out;
    }
    return v;
  };
  return decode(value);
}

function contiguousStridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i]!;
  }
  return strides;
}

/** An object literal (or `Object.create(null)`), as opposed to a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
