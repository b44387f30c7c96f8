/**
 * Data types, their storage arrays and PyTorch's type-promotion rules.
 *
 * Storage arrays: float16 and bfloat16 are kept as their raw 16-bit patterns in a `Uint16Array`; `bool` is a
 * `Uint8Array` of 0/1; `int64` is a `BigInt64Array`, so it is exact over its whole range.
 */

/** The element types a tensor can hold. */
export type DType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'bool';

/** Any typed array a CPU storage may hold. */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | BigInt64Array;

/** A Python-like scalar: numbers, booleans and bigints (for exact int64 values). */
export type Scalar = number | boolean | bigint;

interface DTypeInfo {
  readonly itemsize: number;
  readonly isFloatingPoint: boolean;
  readonly isSigned: boolean;
  /** PyTorch's name, as printed in `dtype=torch.float64`. */
  readonly torchName: string;
  /** `Tensor.type()` name, e.g. `torch.FloatTensor`. */
  readonly legacyTypeName: string;
  readonly arrayType:
    | Float32ArrayConstructor
    | Float64ArrayConstructor
    | Uint16ArrayConstructor
    | Int8ArrayConstructor
    | Uint8ArrayConstructor
    | Int16ArrayConstructor
    | Int32ArrayConstructor
    | BigInt64ArrayConstructor;
  /** Promotion rank inside its category (used by `promoteTypes`). */
  readonly min: number;
  readonly max: number;
}

const INFO: Record<DType, DTypeInfo> = {
  bool: info(1, false, false, 'bool', 'torch.BoolTensor', Uint8Array, 0, 1),
  uint8: info(1, false, false, 'uint8', 'torch.ByteTensor', Uint8Array, 0, 255),
  int8: info(1, false, true, 'int8', 'torch.CharTensor', Int8Array, -128, 127),
  int16: info(2, false, true, 'int16', 'torch.ShortTensor', Int16Array, -32768, 32767),
  int32: info(4, false, true, 'int32', 'torch.IntTensor', Int32Array, -2147483648, 2147483647),
  int64: info(8, false, true, 'int64', 'torch.LongTensor', BigInt64Array, -(2 ** 63), 2 ** 63 - 1),
  float16: info(2, true, true, 'float16', 'torch.HalfTensor', Uint16Array, -65504, 65504),
  bfloat16: info(
    2,
    true,
    true,
    'bfloat16',
    'torch.BFloat16Tensor',
    Uint16Array,
    -3.3895313892515355e38,
    3.3895313892515355e38,
  ),
  float32: info(
    4,
    true,
    true,
    'float32',
    'torch.FloatTensor',
    Float32Array,
    -3.4028234663852886e38,
    3.4028234663852886e38,
  ),
  float64: info(
    8,
    true,
    true,
    'float64',
    'torch.DoubleTensor',
    Float64Array,
    -Number.MAX_VALUE,
    Number.MAX_VALUE,
  ),
};

function info(
  itemsize: number,
  isFloatingPoint: boolean,
  isSigned: boolean,
  torchName: string,
  legacyTypeName: string,
  arrayType: DTypeInfo['arrayType'],
  min: number,
  max: number,
): DTypeInfo {
  return { itemsize, isFloatingPoint, isSigned, torchName, legacyTypeName, arrayType, min, max };
}

/** All dtypes, in PyTorch's promotion order. */
export const DTYPES: readonly DType[] = [
  'bool',
  'uint8',
  'int8',
  'int16',
  'int32',
  'int64',
  'float16',
  'bfloat16',
  'float32',
  'float64',
];

const ALIASES: Record<string, DType> = {
  float: 'float32',
  double: 'float64',
  half: 'float16',
  long: 'int64',
  int: 'int32',
  short: 'int16',
  char: 'int8',
  byte: 'uint8',
};

/** Accepts `'float32'`, PyTorch aliases (`'float'`, `'long'`, ...) and `'torch.float32'`; throws otherwise. */
export function parseDtype(name: string): DType {
  const bare = name.startsWith('torch.') ? name.slice(6) : name;
  if (bare in INFO) return bare as DType;
  const alias = ALIASES[bare];
  if (alias !== undefined) return alias;
  throw new TypeError(`unknown dtype '${name}'; expected one of ${DTYPES.join(', ')}`);
}

/** Bytes per element. */
export function itemsize(dtype: DType): number {
  return INFO[dtype].itemsize;
}

/** `torch.is_floating_point` for a dtype. */
export function isFloatingPoint(dtype: DType): boolean {
  return INFO[dtype].isFloatingPoint;
}

/** True for the integer dtypes (not bool). */
export function isIntegral(dtype: DType): boolean {
  return !INFO[dtype].isFloatingPoint && dtype !== 'bool';
}

/** True for signed dtypes (PyTorch's `is_signed`). */
export function isSigned(dtype: DType): boolean {
  return INFO[dtype].isSigned;
}

/** PyTorch's printed dtype, e.g. `torch.float32`. */
export function torchDtypeName(dtype: DType): string {
  return `torch.${INFO[dtype].torchName}`;
}

/** PyTorch's capitalised scalar-type name used in error messages (`Float`, `Long`, ...). */
export function scalarTypeName(dtype: DType): string {
  return SCALAR_TYPE_NAMES[dtype];
}

const SCALAR_TYPE_NAMES: Record<DType, string> = {
  bool: 'Bool',
  uint8: 'Byte',
  int8: 'Char',
  int16: 'Short',
  int32: 'Int',
  int64: 'Long',
  float16: 'Half',
  bfloat16: 'BFloat16',
  float32: 'Float',
  float64: 'Double',
};

/** `Tensor.type()` name, e.g. `torch.FloatTensor`. */
export function legacyTypeName(dtype: DType): string {
  return INFO[dtype].legacyTypeName;
}

/** Allocates a zeroed storage array for `length` elements of `dtype`. */
export function allocArray(dtype: DType, length: number): TypedArray {
  return new INFO[dtype].arrayType(length);
}

/** The typed-array constructor backing a dtype. */
export function arrayTypeOf(dtype: DType): DTypeInfo['arrayType'] {
  return INFO[dtype].arrayType;
}

/** Finite range of a dtype as numbers (int64's bounds are rounded to the nearest double). */
export function dtypeRange(dtype: DType): { min: number; max: number } {
  return { min: INFO[dtype].min, max: INFO[dtype].max };
}

/** Infers the dtype that a typed array maps to (`Uint16Array` is read as float16 only when asked). */
export function dtypeOfArray(array: TypedArray): DType {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof BigInt64Array) return 'int64';
  if (array instanceof Int16Array) return 'int16';
  if (array instanceof Int8Array) return 'int8';
  if (array instanceof Uint8Array) return 'uint8';
  if (array instanceof Uint16Array) {
    throw new TypeError(
      "a Uint16Array has no matching dtype; pass { dtype: 'float16' } or { dtype: 'bfloat16' } to read it as half-precision bits",
    );
  }
  throw new TypeError(`unsupported array type ${(array as object).constructor.name}`);
}

let defaultDtype: DType = 'float32';

/** `torch.set_default_dtype`: only floating dtypes are allowed, as in PyTorch. */
export function setDefaultDtype(dtype: DType): void {
  const d = parseDtype(dtype);
  if (d !== 'float32' && d !== 'float64' && d !== 'float16' && d !== 'bfloat16') {
    throw new TypeError(`only floating-point types are supported as the default type`);
  }
  defaultDtype = d;
}

/** `torch.get_default_dtype`. */
export function getDefaultDtype(): DType {
  return defaultDtype;
}

// ---------------------------------------------------------------------------------------------------------
// Promotion

const INDEX: Record<DType, number> = Object.fromEntries(DTYPES.map((d, i) => [d, i])) as Record<
  DType,
  number
>;

// NOTE [Promotion table]: c10's promoteTypes restricted to our dtypes. Rows/columns follow DTYPES:
// b1 u1 i1 i2 i4 i8 f2 bf f4 f8.
const b1 = 'bool',
  u1 = 'uint8',
  i1 = 'int8',
  i2 = 'int16',
  i4 = 'int32',
  i8 = 'int64',
  f2 = 'float16',
  bf = 'bfloat16',
  f4 = 'float32',
  f8 = 'float64';
const TABLE: DType[][] = [
  /* b1 */ [b1, u1, i1, i2, i4, i8, f2, bf, f4, f8],
  /* u1 */ [u1, u1, i2, i2, i4, i8, f2, bf, f4, f8],
  /* i1 */ [i1, i2, i1, i2, i4, i8, f2, bf, f4, f8],
  /* i2 */ [i2, i2, i2, i2, i4, i8, f2, bf, f4, f8],
  /* i4 */ [i4, i4, i4, i4, i4, i8, f2, bf, f4, f8],
  /* i8 */ [i8, i8, i8, i8, i8, i8, f2, bf, f4, f8],
  /* f2 */ [f2, f2, f2, f2, f2, f2, f2, f4, f4, f8],
  /* bf */ [bf, bf, bf, bf, bf, bf, f4, bf, f4, f8],
  /* f4 */ [f4, f4, f4, f4, f4, f4, f4, f4, f4, f8],
  /* f8 */ [f8, f8, f8, f8, f8, f8, f8, f8, f8, f8],
];

/** `torch.promote_types`. */
export function promoteTypes(a: DType, b: DType): DType {
  return TABLE[INDEX[a]]![INDEX[b]]!;
}

/** The dtype PyTorch gives a Python scalar of this JS value (int → int64, float → default, bool → bool). */
export function scalarDtype(value: Scalar): DType {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int64';
  return Number.isInteger(value) ? 'int64' : defaultDtype;
}

/** An operand of `resultType`: a tensor-like description or a scalar. */
export type PromotionOperand = { dtype: DType; dim: number } | Scalar;

type Category = 0 | 1 | 2; // bool, integral, floating

function category(dtype: DType): Category {
  return dtype === 'bool' ? 0 : isFloatingPoint(dtype) ? 2 : 1;
}

function combineCategories(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null) return higher;
  if (isFloatingPoint(higher)) return higher;
  if (higher === 'bool' || isFloatingPoint(lower)) return promoteTypes(higher, lower);
  return higher;
}

/**
 * `torch.result_type` over tensors and scalars: dimensioned tensors outrank zero-dim tensors, which outrank
 * scalars, unless a lower group has a higher category (bool < integer < floating).
 */
export function resultType(...operands: PromotionOperand[]): DType {
  let dimResult: DType | null = null;
  let zeroResult: DType | null = null;
  let wrappedResult: DType | null = null;
  for (const operand of operands) {
    if (typeof operand === 'object') {
      if (operand.dim > 0)
        dimResult = dimResult === null ? operand.dtype : promoteTypes(dimResult, operand.dtype);
      else zeroResult = zeroResult === null ? operand.dtype : promoteTypes(zeroResult, operand.dtype);
    } else {
      const d = scalarDtype(operand);
      wrappedResult = wrappedResult === null ? d : promoteTypes(wrappedResult, d);
    }
  }
  const result = combineCategories(dimResult, combineCategories(zeroResult, wrappedResult));
  if (result === null) throw new TypeError('resultType() needs at least one operand');
  return result;
}

/** `torch.can_cast`: whether a value of dtype `from` may be written into `to` by an in-place op. */
export function canCast(from: DType, to: DType): boolean {
  return category(from) <= category(to);
}
