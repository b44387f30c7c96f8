/**
 * Collation: `defaultCollate` turns a list of samples into a batch, `defaultConvert` converts one sample when
 * automatic batching is off, `pinMemory` stages a batch for a GPU. The rules are PyTorch's
 * (`torch/utils/data/_utils/collate.py`), with typed arrays in the place of NumPy arrays.
 */
import {
  fromTypedArray,
  isBackendRegistered,
  RuntimeError,
  stack,
  Tensor,
  type TypedArray,
  tensor,
} from '@proj/tensor';
import { isPlainObject, markTransferable } from './internal/transfer.js';

/** The batch type `defaultCollate` makes from samples of type `T`. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | bigint | boolean | ArrayBufferView
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { [K in keyof T]: Collated<T[K]> }
        : T extends Map<infer K, infer V>
          ? Map<K, Collated<V>>
          : T extends object
            ? { [K in keyof T]: Collated<T[K]> }
            : never;

/** A collate function registered for one kind of element (`collate_fn_map` in PyTorch). */
export type CollateFn = (batch: unknown[], options: { collateFnMap?: CollateFnMap }) => unknown;

/** Collate functions by element class (checked with `instanceof`, in insertion order) or primitive type name. */
export type CollateFnMap = Map<unknown, CollateFn>;

const ERROR_FORMAT =
  'default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found ';

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object' || typeof value === 'function')
    return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/**
 * `torch.utils.data._utils.collate.collate`: collates recursively, consulting `collateFnMap` first for each
 * element (by `typeof` name such as `'number'`, or by class). Containers (arrays, plain objects, Maps) are walked
 * whatever the map says.
 */
export function collate(batch: readonly unknown[], options: { collateFnMap?: CollateFnMap } = {}): unknown {
  const elem = batch[0];
  const map = options.collateFnMap;
  if (map !== undefined) {
    const direct = map.get(
      typeof elem === 'object' || typeof elem === 'function' ? (elem as object)?.constructor : typeof elem,
    );
    if (direct !== undefined) return direct(batch as unknown[], options);
    for (const [key, fn] of map) {
      if (typeof key === 'function' && elem instanceof (key as abstract new () => unknown))
        return fn(batch as unknown[], options);
    }
  }
  if (elem instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const key of elem.keys())
      out.set(
        key,
        collate(
          batch.map((d) => (d as Map<unknown, unknown>).get(key)),
          options,
        ),
      );
    return out;
  }
  if (isPlainObject(elem)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem))
      out[key] = collate(
        batch.map((d) => (d as Record<string, unknown>)[key]),
        options,
      );
    return out;
  }
  if (Array.isArray(elem)) {
    const size = elem.length;
    if (!batch.every((d) => Array.isArray(d) && d.length === size)) {
      throw new RuntimeError('each element in list of batch should be of equal size');
    }
    const out = new Array<unknown>(size);
    for (let i = 0; i < size; i++)
      out[i] = collate(
        batch.map((d) => (d as unknown[])[i]),
        options,
      );
    return out;
  }
  throw new TypeError(ERROR_FORMAT + typeName(elem));
}

/** Stacks tensors into a new leading batch dimension (`collate_tensor_fn`). */
function collateTensors(batch: unknown[]): Tensor {
  const tensors = batch as Tensor[];
  for (let i = 0; i < tensors.length; i++) {
    if (!(tensors[i] instanceof Tensor)) throw new TypeError(ERROR_FORMAT + typeName(tensors[i]));
  }
  const out = stack(tensors, 0);
  // A batch is a fresh allocation, so a worker may hand its buffer to the main thread without a copy.
  if (!tensors.some((t) => t._storage === out._storage)) markTransferable(out);
  return out;
}

/** Numbers become int64 when all are integers (Python ints), float64 otherwise (Python floats). */
function collateNumbers(batch: unknown[]): Tensor {
  const numbers = batch as number[];
  for (const n of numbers) if (typeof n !== 'number') throw new TypeError(ERROR_FORMAT + typeName(n));
  const allIntegers = numbers.every((n) => Number.isSafeInteger(n));
  return markTransferable(tensor(numbers, { dtype: allIntegers ? 'int64' : 'float64' }));
}

function collateTypedArrays(batch: unknown[], options: { collateFnMap?: CollateFnMap }): unknown {
  return collate(
    batch.map((a) => {
      if (!ArrayBuffer.isView(a) || a instanceof DataView) throw new TypeError(ERROR_FORMAT + typeName(a));
      return fromTypedArray(a as TypedArray);
    }),
    options,
  );
}

/** PyTorch's `default_collate_fn_map`: tensors, typed arrays, numbers, bigints, booleans and strings. */
export const defaultCollateFnMap: Map<unknown, CollateFn> = new Map<unknown, CollateFn>([
  [Tensor, collateTensors],
  ['number', collateNumbers],
  ['bigint', (batch) => markTransferable(tensor(batch as bigint[], { dtype: 'int64' }))],
  ['boolean', (batch) => markTransferable(tensor(batch as boolean[], { dtype: 'bool' }))],
  ['string', (batch) => batch],
  ...[
    Float32Array,
    Float64Array,
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    BigInt64Array,
  ].map((ctor) => [ctor, collateTypedArrays] as [unknown, CollateFn]),
]);

/**
 * `torch.utils.data.default_collate`: stacks tensors along a new first dimension; numbers become a tensor
 * (int64 if all are integers, float64 otherwise), bigints int64, booleans bool; typed arrays become tensors and are
 * stacked; strings stay a list; arrays, plain objects and Maps are collated element-wise (arrays of equal length
 * are transposed first, as Python sequences and tuples are).
 *
 * ```ts
 * defaultCollate([[x0, 0], [x1, 1]])   // [stack([x0, x1]), tensor([0, 1])]
 * defaultCollate([{ a: 1 }, { a: 2 }]) // { a: tensor([1, 2]) }
 * ```
 */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  return collate(batch, { collateFnMap: defaultCollateFnMap }) as Collated<T>;
}

/**
 * `torch.utils.data.default_convert`: the collate function when automatic batching is off (`batchSize: null`).
 * Typed arrays become tensors (sharing memory, as `torch.as_tensor` does for NumPy arrays); arrays, plain objects
 * and Maps are converted element-wise; everything else, numbers included, is left as it is.
 */
export function defaultConvert<T>(data: T): unknown {
  if (data instanceof Tensor) return data;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView))
    return fromTypedArray(data as unknown as TypedArray);
  if (data instanceof Map) return new Map([...data].map(([k, v]) => [k, defaultConvert(v)]));
  if (isPlainObject(data)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(data)) out[key] = defaultConvert(data[key]);
    return out;
  }
  if (Array.isArray(data)) return data.map(defaultConvert);
  return data;
}

/**
 * `pin_memory` for a batch: with a GPU backend registered (`@proj/backend-cuda`), every tensor is staged on
 * `device` (default `'cuda'`) as the batch arrives, so the upload overlaps with the previous training step and the
 * training loop's `x.to('cuda')` is free; without one it returns the batch unchanged. (WebGL has no page-locked
 * host memory, so staging the upload is what pinning buys here.)
 */
export function pinMemory<T>(data: T, device = 'cuda'): T {
  const type = device.split(':')[0]!;
  if (type === 'cpu' || !isBackendRegistered(type)) return data;
  const pin = (value: unknown): unknown => {
    if (value instanceof Tensor) return value.to(device);
    if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, pin(v)]));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) out[key] = pin(value[key]);
      return out;
    }
    if (Array.isArray(value)) return value.map(pin);
    return value;
  };
  return pin(data) as T;
}
