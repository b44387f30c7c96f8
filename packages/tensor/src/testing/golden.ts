/**
 * Golden cases from real PyTorch (written by `scripts/gen-core2-goldens.py`) and the machinery to run one on any
 * device: build the inputs, call the op through {@link OPS}, move the result back to the CPU and compare values,
 * dtypes, shapes, layouts and error messages.
 */
import type { DType } from '../dtype.js';
import { asStrided, Tensor, tensor } from '../index.js';
import { OPS } from './ops.js';

/** A JSON-encoded value: non-finite floats as "NaN"/"Infinity"/"-Infinity", int64 beyond 2^53 as decimal strings. */
export type GoldenValue = number | boolean | string;

/** An input tensor: contiguous `data` of `shape`, or `asStrided(shape, strides, offset)` over `data` as storage. */
export interface GoldenInput {
  dtype: DType;
  data: GoldenValue[];
  shape: number[];
  strides?: number[];
  offset?: number;
}

/** An expected tensor result. */
export interface GoldenTensor {
  shape: number[];
  dtype: DType;
  data: GoldenValue[];
  strides: number[];
  offset: number;
  contiguous: boolean;
  /** Views only: whether the result shares the first input's storage / starts at the same element. */
  sharesStorage?: boolean;
  samePointer?: boolean;
}

/** An expected result: a tensor, a tuple of them, or a plain value. */
export type GoldenResult = GoldenTensor | { tuple: GoldenResult[] } | { value: GoldenValue | null };

/** One golden case. */
export interface GoldenCase {
  name: string;
  /** The op's TypeScript name, a key of {@link OPS}. */
  op: string;
  inputs: GoldenInput[];
  args: unknown[];
  /** Keyword arguments under PyTorch's names (`keepdim`, `dtype`, `correction`, `beta`...). */
  kwargs: Record<string, unknown>;
  expect?: GoldenResult;
  error?: { type: string; message: string };
  /** Relative tolerance override. */
  tol?: number;
  /** Which fixture the case came from (`views`, `reduce`, `matmul`). */
  group?: string;
}

/** Decodes one JSON value for a dtype (bigint for int64, boolean for bool). */
export function decodeValue(value: GoldenValue, dtype: DType): number | bigint | boolean {
  if (dtype === 'int64') return BigInt(value as number | string);
  if (dtype === 'bool') return value === true || value === 1;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return value as number;
}

/** Builds an input tensor on the CPU. */
export function buildInput(input: GoldenInput): Tensor {
  const values = input.data.map((v) => decodeValue(v, input.dtype));
  const storage = tensor(values as never, { dtype: input.dtype });
  if (input.strides !== undefined) return asStrided(storage, input.shape, input.strides, input.offset ?? 0);
  return storage.reshape(input.shape);
}

/** Builds an input on `device`, keeping its layout (strided inputs are built over a storage moved as a whole). */
export function buildInputOn(input: GoldenInput, device: string): Tensor {
  if (device === 'cpu') return buildInput(input);
  const values = input.data.map((v) => decodeValue(v, input.dtype));
  const storage = tensor(values as never, { dtype: input.dtype }).to(device);
  if (input.strides !== undefined) return asStrided(storage, input.shape, input.strides, input.offset ?? 0);
  return storage.reshape(input.shape);
}

/** Default relative tolerance per dtype (values are compared against `tol * max(1, max |expected|)` too). */
export function defaultTolerance(dtype: DType): number {
  switch (dtype) {
    case 'float64':
      return 1e-12;
    case 'float32':
      return 1e-5;
    case 'float16':
      return 2e-3;
    case 'bfloat16':
      return 1e-2;
    default:
      return 0;
  }
}

/** A mismatch between a result and its golden value. */
export class GoldenMismatch extends Error {
  override name = 'GoldenMismatch';
}

function fail(where: string, message: string): never {
  throw new GoldenMismatch(`${where}: ${message}`);
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Checks strides, storage offset and contiguity (layout metadata, valid on any device). */
export function compareLayout(actual: Tensor, expected: GoldenTensor, where: string): void {
  if (!sameList(actual.stride(), expected.strides)) {
    fail(where, `strides [${actual.stride().join(', ')}], expected [${expected.strides.join(', ')}]`);
  }
  if (actual.storageOffset() !== expected.offset) {
    fail(where, `storage offset ${actual.storageOffset()}, expected ${expected.offset}`);
  }
  if (actual.isContiguous() !== expected.contiguous) {
    fail(where, `isContiguous() ${actual.isContiguous()}, expected ${expected.contiguous}`);
  }
}

/** Compares a CPU tensor's dtype, shape and values with a golden tensor (floats within a tolerance). */
export function compareTensor(
  actual: Tensor,
  expected: GoldenTensor,
  where: string,
  options: { tol?: number; toleranceScale?: number } = {},
): void {
  if (!(actual instanceof Tensor)) fail(where, `expected a tensor, got ${String(actual)}`);
  if (actual.dtype !== expected.dtype) fail(where, `dtype ${actual.dtype}, expected ${expected.dtype}`);
  if (!sameList(actual.shape, expected.shape)) {
    fail(where, `shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`);
  }
  const values = flatValues(actual);
  const want = expected.data.map((v) => decodeValue(v, expected.dtype));
  // Integer and bool results are exact whatever the scale (their default tolerance is 0).
  const tol = (options.tol ?? defaultTolerance(expected.dtype)) * (options.toleranceScale ?? 1);
  let scale = 1;
  for (const w of want) if (typeof w === 'number' && Number.isFinite(w)) scale = Math.max(scale, Math.abs(w));
  for (let i = 0; i < want.length; i++) {
    const a = values[i]!;
    const e = want[i]!;
    if (typeof e === 'number') {
      const x = a as number;
      if (Number.isNaN(e) ? Number.isNaN(x) : x === e || Math.abs(x - e) <= tol * (scale + Math.abs(e)))
        continue;
    } else if (a === e) continue;
    fail(where, `value [${i}] is ${String(a)}, expected ${String(e)} (tolerance ${tol})`);
  }
}

/** Row-major values of a CPU tensor as numbers, bigints (int64) or booleans (bool). */
export function flatValues(t: Tensor): (number | bigint | boolean)[] {
  const list = t.reshape(-1);
  if (t.dtype === 'int64') return Array.from(list.toTypedArray() as BigInt64Array);
  return (list.tolist() as (number | boolean)[]).slice();
}

function compareResult(
  actual: unknown,
  expected: GoldenResult,
  where: string,
  options: { checkLayout?: boolean; tol?: number; toleranceScale?: number; firstInput?: Tensor },
): void {
  if ('tuple' in expected) {
    const list = actual as unknown[];
    if (!Array.isArray(list) || list.length !== expected.tuple.length) {
      fail(where, `expected a tuple of ${expected.tuple.length}`);
    }
    for (let i = 0; i < expected.tuple.length; i++) {
      compareResult(list[i], expected.tuple[i]!, `${where}[${i}]`, options);
    }
    return;
  }
  if ('value' in expected) {
    if (actual !== expected.value) fail(where, `got ${String(actual)}, expected ${String(expected.value)}`);
    return;
  }
  const t = actual as Tensor;
  if (!(t instanceof Tensor)) fail(where, `expected a tensor, got ${String(actual)}`);
  if (options.checkLayout) compareLayout(t, expected, where);
  compareTensor(t.device === 'cpu' ? t : t.cpu(), expected, where, options);
  const first = options.firstInput;
  if (first !== undefined && expected.sharesStorage !== undefined && t.device === first.device) {
    const shares = t.untypedStorage() === first.untypedStorage();
    if (shares !== expected.sharesStorage)
      fail(where, `shares storage: ${shares}, expected ${expected.sharesStorage}`);
    if (
      expected.samePointer !== undefined &&
      shares &&
      (t.dataPtr() === first.dataPtr()) !== expected.samePointer
    ) {
      fail(where, `dataPtr() equality ${!expected.samePointer}, expected ${expected.samePointer}`);
    }
  }
}

/**
 * Runs one golden case on `device` (default CPU) and throws a {@link GoldenMismatch} when it disagrees.
 * `toleranceScale` multiplies the per-dtype float tolerance (for backends that accumulate in lower precision).
 */
export function runGoldenCase(
  c: GoldenCase,
  device = 'cpu',
  options: { toleranceScale?: number } = {},
): void {
  const where = `${c.group ?? ''}${c.group ? ': ' : ''}${c.name}`;
  const inputs = c.inputs.map((i) => buildInputOn(i, device));
  const fn = OPS[c.op];
  if (fn === undefined) fail(where, `no op '${c.op}' in the op table`);
  let result: unknown;
  try {
    result = fn(inputs, c.args, c.kwargs);
  } catch (error) {
    if (c.error === undefined) throw error;
    const e = error as Error;
    if (e.name !== c.error.type || e.message !== c.error.message) {
      fail(where, `threw ${e.name}: ${e.message}\n  expected ${c.error.type}: ${c.error.message}`);
    }
    return;
  }
  if (c.error !== undefined) fail(where, `expected ${c.error.type}: ${c.error.message}, but it succeeded`);
  const isView = c.group === 'views';
  compareResult(result, c.expect!, where, {
    checkLayout: isView,
    tol: c.tol,
    toleranceScale: options.toleranceScale,
    firstInput: isView ? inputs[0] : undefined,
  });
}
