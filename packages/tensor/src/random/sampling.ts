/**
 * Samplers that fill contiguous typed arrays with the numbers PyTorch 1.13 gives on the CPU for a contiguous tensor
 * of the same size and dtype (ATen's cpu/DistributionTemplates.h, core/DistributionsHelper.h,
 * core/TransformationHelper.h, TensorFactories.cpp randperm, Distributions.cpp / cpu/MultinomialKernel.cpp).
 *
 * ATen's CPU kernels are compiled for AVX2 with FMA and GCC contracts `a * b + c` into one fused multiply-add, so
 * the arithmetic below uses `fmaFloat32`/`fmaFloat64` exactly where the compiled kernel fuses. float32 `normal_` on
 * 16 or more elements follows the AVX2 kernel (`normal_fill_16_AVX2` with avx_mathfun's `log256_ps` and
 * `sincos256_ps`), emulated here in float32 arithmetic: this is what PyTorch does on machines whose ATen CPU
 * capability is AVX2 (AVX2-only x86 CPUs, e.g. AMD before Zen 4). On AVX-512 machines ATen 1.13 takes its scalar
 * `normal_fill` instead; `normalFill(..., { kernel: 'scalar' })` selects that variant.
 */

import { BFLOAT_TO_FLOAT, floatToBfloat, floatToHalf, HALF_TO_FLOAT } from '../internal/half.js';
import type { Generator } from './generator.js';

/** Floating dtypes a sampler can produce; float16/bfloat16 are written as float32 values already rounded. */
export type FloatSampleDtype = 'float32' | 'float64' | 'float16' | 'bfloat16';

/** Integer and floating dtypes `randintFill` understands. */
export type IntegerSampleDtype = FloatSampleDtype | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** Any typed array a sampler may write into. */
export type SampleArray =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

const TWO_POW_MINUS_24 = 2 ** -24;
const TWO_POW_MINUS_53 = 2 ** -53;
const TWO_POW_32 = 2 ** 32;
const LOW_21_BITS = 0x1fffff;

// ------------------------------------------------------------------------------------------------ rounding helpers

/** Rounds to float16 (via float32, as c10::Half does) and returns the value. */
function roundHalf(value: number): number {
  return HALF_TO_FLOAT[floatToHalf(value)]!;
}

/** Rounds to bfloat16 (via float32, as c10::BFloat16 does) and returns the value. */
function roundBfloat(value: number): number {
  return BFLOAT_TO_FLOAT[floatToBfloat(value)]!;
}

/** The rounding that storing a float result into `dtype` applies. */
function roundTo(dtype: FloatSampleDtype, value: number): number {
  switch (dtype) {
    case 'float64':
      return value;
    case 'float32':
      return Math.fround(value);
    case 'float16':
      return roundHalf(value);
    case 'bfloat16':
      return roundBfloat(value);
  }
}

/**
 * Single-rounded float32 `a * b + c` (C's `fmaf`) for float32 inputs. The product is exact in a double, so only
 * the sum can round twice; that happens only when the double sum lands exactly halfway between two floats, and
 * then the sign of the sum's exact error decides.
 */
export function fmaFloat32(a: number, b: number, c: number): number {
  const product = a * b;
  const sum = product + c;
  const rounded = Math.fround(sum);
  if (rounded === sum) return rounded;
  const other = rounded + 2 * (sum - rounded);
  if (Math.fround(other) !== other) return rounded; // not a tie: one rounding is already correct
  const bVirtual = sum - product;
  const error = product - (sum - bVirtual) + (c - bVirtual);
  if (error === 0) return rounded;
  return error > 0 ? Math.max(rounded, other) : Math.min(rounded, other);
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp splitting

/**
 * float64 `a * b + c` with one rounding in all but pathological cases (Dekker's exact product plus an exact
 * two-sum; the final addition can still misround when the exact result sits on a rounding tie).
 */
export function fmaFloat64(a: number, b: number, c: number): number {
  const product = a * b;
  let t = SPLITTER * a;
  const aHigh = t - (t - a);
  const aLow = a - aHigh;
  t = SPLITTER * b;
  const bHigh = t - (t - b);
  const bLow = b - bHigh;
  const productError = aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
  const sum = product + c;
  const bVirtual = sum - product;
  const sumError = product - (sum - bVirtual) + (c - bVirtual);
  const result = sum + (sumError + productError);
  return Number.isFinite(result) ? result : product + c;
}

// ------------------------------------------------------------------------------------------------ uniform

/** Mantissa digits (`std::numeric_limits<T>::digits`) per dtype: how many random bits a uniform draw keeps. */
const DIGITS: Record<FloatSampleDtype, number> = { float64: 53, float32: 24, float16: 11, bfloat16: 8 };

/** One `uniform_real_distribution<double>(0, 1)` draw: 53 bits of `random64()`. */
export function uniformDouble(gen: Generator): number {
  const high = gen.random();
  const low = gen.random();
  return ((high & LOW_21_BITS) * TWO_POW_32 + low) * TWO_POW_MINUS_53;
}

/** One `uniform_real_distribution<float>(0, 1)` draw: 24 bits of `random()`. */
export function uniformFloat(gen: Generator): number {
  return (gen.random() & 0xffffff) * TWO_POW_MINUS_24;
}

/** Options of the floating samplers. */
export interface FloatSampleOptions {
  /** The tensor's dtype when it differs from the array's (float16/bfloat16 sampled into a Float32Array). */
  dtype?: FloatSampleDtype;
}

function floatDtypeOf(out: Float32Array | Float64Array, options?: FloatSampleOptions): FloatSampleDtype {
  const dtype = options?.dtype ?? (out instanceof Float64Array ? 'float64' : 'float32');
  if ((dtype === 'float64') !== out instanceof Float64Array) {
    throw new TypeError(`${dtype} samples need a ${dtype === 'float64' ? 'Float64Array' : 'Float32Array'}`);
  }
  return dtype;
}

/**
 * `uniform_(from, to)` / `torch.rand` (from = 0, to = 1): `x * (to - from) + from` with x drawn from the dtype's
 * mantissa bits — 53 bits of `random64()` for float64, 24 (float32), 11 (float16) or 8 (bfloat16) bits of
 * `random()`. `from`, `to` and `to - from` are rounded to the dtype first, as ATen does. float16/bfloat16 results
 * are written to a Float32Array already rounded to that dtype, so converting them is exact.
 */
export function uniformFill(
  gen: Generator,
  out: Float32Array | Float64Array,
  from: number,
  to: number,
  options?: FloatSampleOptions,
): void {
  if (!(from <= to)) {
    throw new RangeError(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  }
  const dtype = floatDtypeOf(out, options);
  const n = out.length;
  if (dtype === 'float64') {
    const range = to - from;
    for (let i = 0; i < n; i++) out[i] = fmaFloat64(uniformDouble(gen), range, from);
    return;
  }
  const fromValue = roundTo(dtype, from);
  const range = roundTo(dtype, Math.fround(roundTo(dtype, to) - fromValue));
  if (dtype === 'float32') {
    for (let i = 0; i < n; i++)
      out[i] = fmaFloat32((gen.random() & 0xffffff) * TWO_POW_MINUS_24, range, fromValue);
    return;
  }
  // float16/bfloat16: x has 11 or 8 bits, so x * range is exact in float32 and only the sum and the store round.
  const digits = DIGITS[dtype];
  const mask = 2 ** digits - 1;
  const divisor = 2 ** -digits;
  const round = dtype === 'float16' ? roundHalf : roundBfloat;
  for (let i = 0; i < n; i++)
    out[i] = round(Math.fround((gen.random() & mask) * divisor * range + fromValue));
}

// ------------------------------------------------------------------------------------------------ normal

/**
 * One `normal_distribution<double>(mean, std)` draw: Box-Muller on two 53-bit uniforms, returning the cosine
 * sample and caching the sine sample in the generator for the next call (PyTorch's `next_double_normal_sample`).
 */
export function normalDouble(gen: Generator, mean: number, std: number): number {
  const cached = gen.nextDoubleNormalSample;
  if (cached !== null) {
    gen.nextDoubleNormalSample = null;
    return fmaFloat64(cached, std, mean);
  }
  const u1 = uniformDouble(gen);
  const u2 = uniformDouble(gen);
  const radius = Math.sqrt(-2.0 * Math.log(1.0 - u2));
  const theta = 2.0 * Math.PI * u1;
  gen.nextDoubleNormalSample = radius * Math.sin(theta);
  return fmaFloat64(radius * Math.cos(theta), std, mean);
}

// avx_mathfun.h constants, as float32.
const MIN_NORM_POS = 2 ** -126;
const SQRTHF = Math.fround(0.707106781186547524);
const LOG_P0 = Math.fround(7.0376836292e-2);
const LOG_P1 = Math.fround(-1.151461031e-1);
const LOG_P2 = Math.fround(1.167699874e-1);
const LOG_P3 = Math.fround(-1.2420140846e-1);
const LOG_P4 = Math.fround(1.4249322787e-1);
const LOG_P5 = Math.fround(-1.6668057665e-1);
const LOG_P6 = Math.fround(2.0000714765e-1);
const LOG_P7 = Math.fround(-2.4999993993e-1);
const LOG_P8 = Math.fround(3.3333331174e-1);
const LOG_Q1 = Math.fround(-2.1219444e-4);
const LOG_Q2 = Math.fround(0.693359375);
const MINUS_DP1 = Math.fround(-0.78515625);
const MINUS_DP2 = Math.fround(-2.4187564849853515625e-4);
const MINUS_DP3 = Math.fround(-3.77489497744594108e-8);
const SINCOF_P0 = Math.fround(-1.9515295891e-4);
const SINCOF_P1 = Math.fround(8.3321608736e-3);
const SINCOF_P2 = Math.fround(-1.6666654611e-1);
const COSCOF_P0 = Math.fround(2.443315711809948e-5);
const COSCOF_P1 = Math.fround(-1.388731625493765e-3);
const COSCOF_P2 = Math.fround(4.166664568298827e-2);
const FOUR_OVER_PI = Math.fround(1.27323954473516);
const TWO_PI_FLOAT = Math.fround(2.0 * Math.PI);

const bitsFloat = new Float32Array(1);
const bitsWord = new Int32Array(bitsFloat.buffer);

/** avx_mathfun's `log256_ps` for one positive float32 lane, with GCC's FMA contractions. */
function cephesLogFloat(input: number): number {
  bitsFloat[0] = Math.max(input, MIN_NORM_POS);
  const bits = bitsWord[0]!;
  let e = Math.fround((bits >>> 23) - 0x7f + 1);
  bitsWord[0] = (bits & ~0x7f800000) | 0x3f000000; // mantissa with the exponent of 0.5: [0.5, 1)
  let x = bitsFloat[0]!;
  if (x < SQRTHF) {
    e = Math.fround(e - 1);
    x = Math.fround(Math.fround(x - 1) + x);
  } else {
    x = Math.fround(x - 1);
  }
  const z = Math.fround(x * x);
  let y = fmaFloat32(LOG_P0, x, LOG_P1);
  y = fmaFloat32(y, x, LOG_P2);
  y = fmaFloat32(y, x, LOG_P3);
  y = fmaFloat32(y, x, LOG_P4);
  y = fmaFloat32(y, x, LOG_P5);
  y = fmaFloat32(y, x, LOG_P6);
  y = fmaFloat32(y, x, LOG_P7);
  y = fmaFloat32(y, x, LOG_P8);
  y = Math.fround(y * x);
  y = fmaFloat32(y, z, Math.fround(e * LOG_Q1));
  y = Math.fround(y - z * 0.5); // z * 0.5 is exact, so fused or not is the same
  x = Math.fround(x + y);
  return Math.fround(x + e * LOG_Q2); // e * Q2 is exact (Q2 has 9 bits)
}

const sincosResult = new Float64Array(2);

/** avx_mathfun's `sincos256_ps` for one non-negative float32 lane; writes [sin, cos] to `sincosResult`. */
function cephesSinCosFloat(input: number): void {
  let x = Math.abs(input);
  let j = Math.trunc(Math.fround(x * FOUR_OVER_PI));
  j = (j + 1) & ~1;
  const y0 = j;
  const sinSwap = (j & 4) !== 0;
  const usePolynomialSin = (j & 2) === 0;
  const cosSwap = (~(j - 2) & 4) !== 0;
  x = fmaFloat32(y0, MINUS_DP1, x);
  x = fmaFloat32(y0, MINUS_DP2, x);
  x = fmaFloat32(y0, MINUS_DP3, x);
  const z = Math.fround(x * x);
  let cosPolynomial = fmaFloat32(COSCOF_P0, z, COSCOF_P1);
  cosPolynomial = fmaFloat32(cosPolynomial, z, COSCOF_P2);
  cosPolynomial = Math.fround(cosPolynomial * z);
  cosPolynomial = fmaFloat32(cosPolynomial, z, -Math.fround(z * 0.5));
  cosPolynomial = Math.fround(cosPolynomial + 1);
  let sinPolynomial = fmaFloat32(SINCOF_P0, z, SINCOF_P1);
  sinPolynomial = fmaFloat32(sinPolynomial, z, SINCOF_P2);
  sinPolynomial = Math.fround(sinPolynomial * z);
  sinPolynomial = fmaFloat32(sinPolynomial, x, x);
  let sine = usePolynomialSin ? sinPolynomial : cosPolynomial;
  let cosine = usePolynomialSin ? cosPolynomial : sinPolynomial;
  if (input < 0 !== sinSwap) sine = -sine;
  if (cosSwap) cosine = -cosine;
  sincosResult[0] = sine;
  sincosResult[1] = cosine;
}

/** `normal_fill_16_AVX2` on 16 float32 uniforms at `offset`, in place. */
function normalFill16Avx2(data: Float32Array, offset: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = Math.fround(1 - data[offset + j]!);
    const u2 = data[offset + j + 8]!;
    const radius = Math.fround(Math.sqrt(Math.fround(-2 * cephesLogFloat(u1))));
    const theta = Math.fround(TWO_PI_FLOAT * u2);
    cephesSinCosFloat(theta);
    const n1 = Math.fround(radius * sincosResult[1]!);
    const n2 = Math.fround(radius * sincosResult[0]!);
    data[offset + j] = fmaFloat32(n1, std, mean);
    data[offset + j + 8] = fmaFloat32(n2, std, mean);
  }
}

/**
 * The scalar `normal_fill_16<scalar_t>` on 16 uniforms at `offset`, in place. float64 uses libm's double
 * log/cos/sin (here: the JavaScript engine's, which may differ from glibc's in the last bit); float32, float16 and
 * bfloat16 round every intermediate to the dtype as c10's scalar types do.
 */
function normalFill16Scalar(
  data: Float32Array | Float64Array,
  offset: number,
  mean: number,
  std: number,
  dtype: FloatSampleDtype,
): void {
  if (dtype === 'float64') {
    for (let j = 0; j < 8; j++) {
      const u1 = 1 - data[offset + j]!;
      const u2 = data[offset + j + 8]!;
      const radius = Math.sqrt(-2 * Math.log(u1));
      const theta = 2.0 * Math.PI * u2;
      data[offset + j] = fmaFloat64(radius * Math.cos(theta), std, mean);
      data[offset + j + 8] = fmaFloat64(radius * Math.sin(theta), std, mean);
    }
    return;
  }
  const twoPi = 2.0 * Math.PI; // 2.0f * pi<double> is a double
  if (dtype === 'bfloat16') {
    // c10's BFloat16 has std::log/sqrt/cos/sin overloads and BFloat16 x BFloat16 operators that each round to
    // bfloat16, so every step rounds and nothing is fused.
    for (let j = 0; j < 8; j++) {
      const u1 = roundBfloat(1 - data[offset + j]!);
      const u2 = data[offset + j + 8]!;
      const logarithm = roundBfloat(Math.fround(Math.log(u1)));
      const radius = roundBfloat(Math.fround(Math.sqrt(roundBfloat(-2 * logarithm))));
      const theta = roundBfloat(twoPi * u2);
      const cosine = roundBfloat(radius * roundBfloat(Math.fround(Math.cos(theta))));
      const sine = roundBfloat(radius * roundBfloat(Math.fround(Math.sin(theta))));
      data[offset + j] = roundBfloat(roundBfloat(cosine * std) + mean);
      data[offset + j + 8] = roundBfloat(roundBfloat(sine * std) + mean);
    }
    return;
  }
  // float32 / half: logf, cosf, sinf results are float32; each scalar_t assignment rounds to the dtype.
  for (let j = 0; j < 8; j++) {
    const u1 = roundTo(dtype, Math.fround(1 - data[offset + j]!));
    const u2 = data[offset + j + 8]!;
    const radius = roundTo(dtype, Math.fround(Math.sqrt(Math.fround(-2 * Math.fround(Math.log(u1))))));
    const theta = roundTo(dtype, twoPi * u2);
    const cosine = Math.fround(radius * Math.fround(Math.cos(theta)));
    const sine = Math.fround(radius * Math.fround(Math.sin(theta)));
    data[offset + j] = roundTo(dtype, fmaFloat32(cosine, std, mean));
    data[offset + j + 8] = roundTo(dtype, fmaFloat32(sine, std, mean));
  }
}

/** Options of `normalFill`. */
export interface NormalSampleOptions extends FloatSampleOptions {
  /**
   * Which ATen kernel to follow for float32 tensors of 16 or more elements: `'avx2'` (default; ATen's AVX2 CPU
   * capability) or `'scalar'` (ATen's default or AVX-512 capability).
   */
  kernel?: 'avx2' | 'scalar';
}

/**
 * `normal_(mean, std)` / `torch.randn` (mean 0, std 1) on a contiguous tensor. With 16 or more elements ATen
 * first fills the whole tensor with uniforms, transforms it in blocks of 16 (Box-Muller: the first 8 give the
 * cosine samples, the last 8 the sine samples) and, when the size is not a multiple of 16, redraws 16 fresh
 * uniforms over the last 16 elements and transforms them again. Below 16 elements it draws one
 * `normal_distribution<double>` per element, using and refilling the generator's cached sample.
 */
export function normalFill(
  gen: Generator,
  out: Float32Array | Float64Array,
  mean: number,
  std: number,
  options?: NormalSampleOptions,
): void {
  if (!(std >= 0)) throw new RangeError(`normal expects std >= 0.0, but found std ${std}`);
  const dtype = floatDtypeOf(out, options);
  const n = out.length;
  if (n < 16) {
    for (let i = 0; i < n; i++) out[i] = roundTo(dtype, normalDouble(gen, mean, std));
    return;
  }
  const meanValue = roundTo(dtype, mean);
  const stdValue = roundTo(dtype, std);
  const avx2 = dtype === 'float32' && (options?.kernel ?? 'avx2') === 'avx2';
  const fillUniform = (start: number): void => {
    if (dtype === 'float64') {
      for (let i = start; i < n; i++) out[i] = uniformDouble(gen);
    } else {
      const mask = 2 ** DIGITS[dtype] - 1;
      const divisor = 2 ** -DIGITS[dtype];
      for (let i = start; i < n; i++) out[i] = (gen.random() & mask) * divisor;
    }
  };
  const transform = (offset: number): void => {
    if (avx2) normalFill16Avx2(out as Float32Array, offset, meanValue, stdValue);
    else normalFill16Scalar(out, offset, meanValue, stdValue, dtype);
  };
  fillUniform(0);
  for (let i = 0; i + 16 <= n; i += 16) transform(i);
  if (n % 16 !== 0) {
    fillUniform(n - 16);
    transform(n - 16);
  }
}

// ------------------------------------------------------------------------------------------------ exponential

/**
 * `exponential_(lambda)`: `-1 / lambda * log(1 - u)` with u a 53-bit double uniform, stored in the array's dtype
 * (ATen samples `exponential_distribution<double>` for every dtype).
 */
export function exponentialFill(
  gen: Generator,
  out: Float32Array | Float64Array,
  lambda: number,
  options?: FloatSampleOptions,
): void {
  if (!(lambda > 0)) throw new RangeError(`exponential_ expects lambda > 0.0, but found lambda=${lambda}`);
  const dtype = floatDtypeOf(out, options);
  const scale = -1.0 / lambda;
  for (let i = 0; i < out.length; i++) out[i] = roundTo(dtype, scale * Math.log(1.0 - uniformDouble(gen)));
}

// ------------------------------------------------------------------------------------------------ randint

function integerDtypeOf(out: SampleArray, dtype: IntegerSampleDtype | undefined): IntegerSampleDtype {
  if (dtype !== undefined) return dtype;
  if (out instanceof Float64Array) return 'float64';
  if (out instanceof Float32Array) return 'float32';
  if (out instanceof BigInt64Array) return 'int64';
  if (out instanceof Int32Array) return 'int32';
  if (out instanceof Int16Array) return 'int16';
  if (out instanceof Int8Array) return 'int8';
  return 'uint8';
}

/** Options of `randintFill`. */
export interface IntegerSampleOptions {
  /** The tensor's dtype when the array does not say it (float16/bfloat16 in a Float32Array, bool in a Uint8Array). */
  dtype?: IntegerSampleDtype;
}

/**
 * `random_(low, high)` / `torch.randint(low, high)`: `random() % (high - low) + low`, or `random64() % range + low`
 * when the range is at least 2^32 and the dtype is int64, float64, float32 or bfloat16 (other dtypes keep the
 * 32-bit draw, as ATen does). The int64 result is then cast to the dtype (typed arrays wrap like C++ casts).
 */
export function randintFill(
  gen: Generator,
  out: SampleArray,
  low: number | bigint,
  high: number | bigint,
  options?: IntegerSampleOptions,
): void {
  const lowValue = BigInt(low);
  const highValue = BigInt(high);
  if (lowValue >= highValue) {
    throw new RangeError(
      `random_ expects 'from' to be less than 'to', but got from=${lowValue} >= to=${highValue}`,
    );
  }
  const range = BigInt.asUintN(64, highValue - lowValue);
  const dtype = integerDtypeOf(out, options?.dtype);
  const wide =
    range >= 1n << 32n &&
    (dtype === 'int64' || dtype === 'float64' || dtype === 'float32' || dtype === 'bfloat16');
  const n = out.length;
  if (wide) {
    for (let i = 0; i < n; i++) {
      const value = BigInt.asIntN(64, (gen.random64() % range) + lowValue);
      storeInteger(out, i, value, dtype);
    }
    return;
  }
  // random() % range fits in 32 bits; stay in doubles when low is small enough that the sum is exact.
  const rangeNumber = Number(range > 0xffffffffn ? 1n << 33n : range); // any modulus > 2^32 leaves random() intact
  const lowNumber = Number(lowValue);
  if (Number.isSafeInteger(lowNumber) && Math.abs(lowNumber) < 2 ** 52) {
    if (out instanceof BigInt64Array) {
      for (let i = 0; i < n; i++) out[i] = BigInt((gen.random() % rangeNumber) + lowNumber);
    } else if (dtype === 'float16' || dtype === 'bfloat16' || dtype === 'bool') {
      for (let i = 0; i < n; i++)
        storeInteger(out, i, BigInt((gen.random() % rangeNumber) + lowNumber), dtype);
    } else {
      for (let i = 0; i < n; i++) out[i] = (gen.random() % rangeNumber) + lowNumber;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    storeInteger(out, i, BigInt.asIntN(64, BigInt(gen.random() % rangeNumber) + lowValue), dtype);
  }
}

function storeInteger(out: SampleArray, index: number, value: bigint, dtype: IntegerSampleDtype): void {
  if (out instanceof BigInt64Array) {
    out[index] = value;
  } else if (dtype === 'bool') {
    out[index] = value !== 0n ? 1 : 0;
  } else if (dtype === 'float16') {
    out[index] = roundHalf(Number(value));
  } else if (dtype === 'bfloat16') {
    out[index] = roundBfloat(Number(value));
  } else if (out instanceof Float32Array || out instanceof Float64Array) {
    out[index] = Number(value); // Float32Array rounds to nearest, as static_cast<float>(int64_t) does
  } else {
    out[index] = Number(BigInt.asIntN(32, value)); // the typed array wraps to its width
  }
}

// ------------------------------------------------------------------------------------------------ randperm

/**
 * `torch.randperm(n)` on the CPU: indices 0..n-1 shuffled by Fisher-Yates, swapping i with `i + random() % (n - i)`
 * for i = 0..n-2. For n >= 2^32 / 20 ATen switches to the inside-out shuffle with `random64() % (i + 1)`; both are
 * reproduced. Returns int64 indices.
 */
export function randperm(gen: Generator, n: number): BigInt64Array {
  const indices = new Float64Array(randpermIndices(gen, n));
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = BigInt(indices[i]!);
  return out;
}

/** `randperm` into an existing array of any numeric dtype (`torch.randperm(n, out=...)` / `dtype=`). */
export function randpermFill(gen: Generator, out: SampleArray): void {
  const indices = randpermIndices(gen, out.length);
  if (out instanceof BigInt64Array) {
    for (let i = 0; i < out.length; i++) out[i] = BigInt(indices[i]!);
  } else {
    for (let i = 0; i < out.length; i++) out[i] = indices[i]!;
  }
}

function randpermIndices(gen: Generator, n: number): Float64Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be non-negative, got${n}`);
  const data = new Float64Array(n);
  if (n < Math.floor(0xffffffff / 20)) {
    for (let i = 0; i < n; i++) data[i] = i;
    for (let i = 0; i < n - 1; i++) {
      const z = gen.random() % (n - i);
      const saved = data[i]!;
      data[i] = data[z + i]!;
      data[z + i] = saved;
    }
    return data;
  }
  for (let i = 0; i < n; i++) {
    const z = Number(gen.random64() % BigInt(i + 1));
    data[i] = data[z]!;
    data[z] = i;
  }
  return data;
}

// ------------------------------------------------------------------------------------------------ bernoulli

/**
 * `bernoulli_(p)` / `torch.bernoulli(p)`: 1 where a uniform draw is below p, else 0. A scalar p or a Float64Array
 * of probabilities draws 53-bit double uniforms (`bernoulli_distribution<double>`); a Float32Array of
 * probabilities draws 24-bit float uniforms (`bernoulli_distribution<float>`), as ATen does per p's dtype.
 */
export function bernoulliFill(
  gen: Generator,
  out: SampleArray,
  p: number | Float64Array | Float32Array,
): void {
  const n = out.length;
  const big = out instanceof BigInt64Array;
  if (typeof p === 'number') {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
    for (let i = 0; i < n; i++) {
      const bit = uniformDouble(gen) < p ? 1 : 0;
      if (big) out[i] = BigInt(bit);
      else out[i] = bit;
    }
    return;
  }
  if (p.length !== n) throw new RangeError(`bernoulli: expected ${n} probabilities, got ${p.length}`);
  const float = p instanceof Float32Array;
  for (let i = 0; i < n; i++) {
    const probability = p[i]!;
    if (!(probability >= 0 && probability <= 1)) {
      throw new RangeError(`Expected p_in >= 0 && p_in <= 1 to be true, but got false.`);
    }
    const bit = (float ? uniformFloat(gen) : uniformDouble(gen)) < probability ? 1 : 0;
    if (big) out[i] = BigInt(bit);
    else out[i] = bit;
  }
}

// ------------------------------------------------------------------------------------------------ multinomial

/**
 * `torch.multinomial(probs, numSamples, replacement)` for `numRows` rows of `numCategories` non-negative weights.
 * Without replacement ATen 1.13 races exponentials: `q = exponential_(1)` over the whole
 * probs tensor (in its dtype), then the top `numSamples` of `probs / q` per row (ties: lower index first). With
 * replacement it builds each row's normalised cumulative sum in the probs dtype and binary-searches one 53-bit
 * uniform per sample. Returns int64 indices, row-major `[numRows, numSamples]`.
 */
export function multinomial(
  gen: Generator,
  probs: Float64Array | Float32Array,
  numRows: number,
  numCategories: number,
  numSamples: number,
  replacement: boolean,
): BigInt64Array {
  if (probs.length !== numRows * numCategories) {
    throw new RangeError(
      `multinomial: expected ${numRows * numCategories} probabilities, got ${probs.length}`,
    );
  }
  if (numSamples <= 0) throw new RangeError('cannot sample n_sample <= 0 samples');
  if (!replacement && numSamples > numCategories) {
    throw new RangeError('cannot sample n_sample > prob_dist.size(-1) samples without replacement');
  }
  const float = probs instanceof Float32Array;
  const out = new BigInt64Array(numRows * numSamples);
  // 1.13 races exponentials only without replacement (later versions also for a single sample).
  if (!replacement) {
    for (let i = 0; i < probs.length; i++) {
      const value = probs[i]!;
      if (!(value >= 0 && value < Infinity)) {
        throw new RangeError('probability tensor contains either `inf`, `nan` or element < 0');
      }
    }
    for (let row = 0; row < numRows; row++) {
      let sum = 0;
      for (let j = 0; j < numCategories; j++) sum += probs[row * numCategories + j]!;
      if (sum === 0) throw new RangeError('invalid multinomial distribution (sum of probabilities <= 0)');
    }
    const keys = float ? new Float32Array(probs.length) : new Float64Array(probs.length);
    for (let i = 0; i < probs.length; i++) {
      const q = -1.0 * Math.log(1.0 - uniformDouble(gen)); // exponential_(1) in double, stored in the dtype
      keys[i] = float ? Math.fround(probs[i]! / Math.fround(q)) : probs[i]! / q;
    }
    const order: number[] = [];
    for (let row = 0; row < numRows; row++) {
      const base = row * numCategories;
      order.length = 0;
      for (let j = 0; j < numCategories; j++) order.push(j);
      // NaN (0 / 0) sorts first, as in ATen's topk comparator
      order.sort((a, b) => {
        const ka = keys[base + a]!;
        const kb = keys[base + b]!;
        if (Number.isNaN(ka) || Number.isNaN(kb))
          return Number.isNaN(ka) ? (Number.isNaN(kb) ? a - b : -1) : 1;
        return kb - ka || a - b;
      });
      for (let s = 0; s < numSamples; s++) out[row * numSamples + s] = BigInt(order[s]!);
    }
    return out;
  }
  const cumulative = float ? new Float32Array(numCategories) : new Float64Array(numCategories);
  for (let row = 0; row < numRows; row++) {
    const base = row * numCategories;
    let sum = 0;
    for (let j = 0; j < numCategories; j++) {
      const value = probs[base + j]!;
      if (!(value >= 0)) {
        throw new RangeError('invalid multinomial distribution (encountering probability entry < 0)');
      }
      if (!Number.isFinite(value)) {
        throw new RangeError(
          'invalid multinomial distribution (encountering probability entry = infinity or NaN)',
        );
      }
      sum = float ? Math.fround(sum + value) : sum + value;
      cumulative[j] = sum;
    }
    if (!(sum > 0)) throw new RangeError('invalid multinomial distribution (sum of probabilities <= 0)');
    for (let j = 0; j < numCategories; j++) cumulative[j] = cumulative[j]! / sum;
    cumulative[numCategories - 1] = 1;
    for (let s = 0; s < numSamples; s++) {
      const sample = uniformDouble(gen);
      let left = 0;
      let right = numCategories;
      while (right - left > 0) {
        const middle = left + ((right - left) >> 1);
        if (cumulative[middle]! < sample) left = middle + 1;
        else right = middle;
      }
      out[row * numSamples + s] = BigInt(left);
    }
  }
  return out;
}
