/**
 * The CPU backend's elementwise expressions, keyed by kernel name (see `../../kernel-names.ts`).
 * Each entry gives the JS expression over inputs `x0, x1, x2` and params `p0, p1` for the number domain, and
 * where it differs, for int64 (`big`, BigInt arithmetic), int32 (wrapping products) and other integer dtypes.
 */
import type { DType } from '../../dtype.js';
import { isFloatingPoint } from '../../dtype.js';
import type { ElementwiseOpName } from '../../kernel-names.js';
import { fmaFloat64 } from '../../random/sampling.js';
import type { Domain } from './codegen.js';
import { erf, erfc, erfinv, erfinvFloat32 } from './special.js';

interface ExpressionSet {
  num: string;
  /** int64 (BigInt) expression; absent when the op is not defined on int64. */
  big?: string;
  /** Integer dtypes other than int64 (number domain). */
  int?: string;
  int32?: string;
  bool?: string;
  /** float32 (and the halves, which compute in float32) where PyTorch's rounding of intermediates shows. */
  float32?: string;
}

const same = (e: string): ExpressionSet => ({ num: e, big: e });

/** A predicate: 1/0 in the number domain and 1n/0n for int64, so it can be stored into any output dtype. */
const predicate = (e: string): ExpressionSet => ({ num: `(${e}) ? 1 : 0`, big: `(${e}) ? 1n : 0n` });

const fround = Math.fround;

/** Helper functions available to every expression. */
export const EXPRESSION_HELPERS = {
  fround,
  fma64: fmaFloat64,
  erf,
  erfc,
  erfinv,
  erfinvFloat32,
  // PyTorch's floor division for floats (div_floor_floating): exact for values like 1 / 0.1.
  floorDivF(a: number, b: number): number {
    if (b === 0) return a / b;
    const mod = a % b;
    let div = (a - mod) / b;
    if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
    let floorDiv: number;
    if (div !== 0) {
      floorDiv = Math.floor(div);
      if (div - floorDiv > 0.5) floorDiv += 1;
    } else floorDiv = a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
    return floorDiv;
  },
  /** `floorDivF` with every intermediate rounded to float32, as PyTorch computes it for float32 tensors. */
  floorDivF32(a: number, b: number): number {
    if (b === 0) return fround(a / b);
    const mod = a % b; // exact, as fmodf
    let div = fround(fround(a - mod) / b);
    if (mod !== 0 && b < 0 !== mod < 0) div = fround(div - 1);
    let floorDiv: number;
    if (div !== 0) {
      floorDiv = Math.floor(div);
      if (fround(div - floorDiv) > 0.5) floorDiv = fround(floorDiv + 1);
    } else floorDiv = fround(a / b) < 0 ? -0 : 0;
    return floorDiv;
  },
  floorDivI(a: number, b: number): number {
    return Math.floor(a / b);
  },
  floorDivB(a: bigint, b: bigint): bigint {
    const q = a / b;
    return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
  },
  remF(a: number, b: number): number {
    let mod = a % b;
    if (mod !== 0 && b < 0 !== mod < 0) mod += b;
    return mod;
  },
  remI(a: number, b: number): number {
    const mod = a % b;
    return mod !== 0 && b < 0 !== mod < 0 ? mod + b : mod;
  },
  remB(a: bigint, b: bigint): bigint {
    const mod = a % b;
    return mod !== 0n && b < 0n !== mod < 0n ? mod + b : mod;
  },
  powF(a: number, b: number): number {
    // C's pow: pow(1, y) = 1 and pow(x, 0) = 1 even for NaN, and pow(-1, ±inf) = 1; JS's ** gives NaN there
    if (b === 0 || a === 1) return 1;
    if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
    return a ** b;
  },
  // PyTorch's powi: a negative integer exponent gives 1 for a base of 1, ±1 for -1 and 0 otherwise
  powI(a: number, b: number): number {
    if (b < 0) return a === 1 ? 1 : a === -1 ? (b % 2 !== 0 ? -1 : 1) : 0;
    let result = 1;
    let base = a;
    let e = b;
    while (e > 0) {
      if (e & 1) result = Math.imul(result, base);
      base = Math.imul(base, base);
      e >>>= 1;
    }
    return result;
  },
  powB(a: bigint, b: bigint): bigint {
    if (b < 0n) return a === 1n ? 1n : a === -1n ? (b % 2n !== 0n ? -1n : 1n) : 0n;
    let result = 1n;
    let base = a;
    let e = b;
    while (e > 0n) {
      if (e & 1n) result = BigInt.asIntN(64, result * base);
      base = BigInt.asIntN(64, base * base);
      e >>= 1n;
    }
    return result;
  },
  roundHalfEven(x: number): number {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  roundDecimals(x: number, decimals: number): number {
    // PyTorch: nearbyint(x * 10^d) / 10^d with half-to-even (and the inverse for negative d)
    if (decimals >= 0) {
      const ten = 10 ** decimals;
      return EXPRESSION_HELPERS.roundHalfEven(x * ten) / ten;
    }
    const ten = 10 ** -decimals;
    return EXPRESSION_HELPERS.roundHalfEven(x / ten) * ten;
  },
  /** `roundDecimals` in float32 arithmetic: the scaled value is rounded to float32 before rounding to an integer. */
  roundDecimals32(x: number, decimals: number): number {
    if (decimals >= 0) {
      const ten = fround(10 ** decimals);
      return fround(EXPRESSION_HELPERS.roundHalfEven(fround(x * ten)) / ten);
    }
    const ten = fround(10 ** -decimals);
    return fround(EXPRESSION_HELPERS.roundHalfEven(fround(x / ten)) * ten);
  },
  sign(x: number): number {
    return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : 0;
  },
  copysign(a: number, b: number): number {
    const negative = b < 0 || Object.is(b, -0) || (b !== b && 1 / b < 0);
    const m = Math.abs(a);
    return negative ? -m : m;
  },
  // NOTE [logaddexp formula]: PyTorch computes m + log(1 + exp(-|a - b|)) (not log1p), in the tensor's precision;
  // we do the same so results agree to the last bits, including its loss of precision when |a - b| is large.
  logaddexp(a: number, b: number): number {
    if ((a === Infinity || a === -Infinity) && a === b) return a;
    const m = a !== a || a > b ? a : b;
    return m + Math.log(1 + Math.exp(-Math.abs(a - b)));
  },
  logaddexp32(a: number, b: number): number {
    if ((a === Infinity || a === -Infinity) && a === b) return a;
    const m = a !== a || a > b ? a : b;
    return fround(m + fround(Math.log(fround(1 + fround(Math.exp(-fround(Math.abs(a - b))))))));
  },
  logaddexp2(a: number, b: number): number {
    if ((a === Infinity || a === -Infinity) && a === b) return a;
    const m = a !== a || a > b ? a : b;
    return m + Math.log2(1 + 2 ** -Math.abs(a - b));
  },
  logaddexp2_32(a: number, b: number): number {
    if ((a === Infinity || a === -Infinity) && a === b) return a;
    const m = a !== a || a > b ? a : b;
    return fround(m + fround(Math.log2(fround(1 + fround(2 ** -fround(Math.abs(a - b)))))));
  },
  xlogy(x: number, y: number): number {
    if (y !== y) return NaN;
    if (x === 0) return 0;
    return x * Math.log(y);
  },
  lerp(start: number, end: number, weight: number): number {
    return Math.abs(weight) < 0.5 ? start + weight * (end - start) : end - (end - start) * (1 - weight);
  },
  shiftLeftI(a: number, b: number, bits: number): number {
    return b < 0 || b >= bits ? 0 : a << b;
  },
  shiftRightI(a: number, b: number, bits: number): number {
    return b < 0 || b >= bits ? (a < 0 ? -1 : 0) : a >> b;
  },
  shiftLeftB(a: bigint, b: bigint): bigint {
    return b < 0n || b >= 64n ? 0n : BigInt.asIntN(64, a << b);
  },
  shiftRightB(a: bigint, b: bigint): bigint {
    return b < 0n || b >= 64n ? (a < 0n ? -1n : 0n) : a >> b;
  },
  nanToNum(x: number, nan: number, posinf: number, neginf: number): number {
    if (x !== x) return nan;
    if (x === Infinity) return posinf;
    if (x === -Infinity) return neginf;
    return x;
  },
};

const TABLE: Record<ElementwiseOpName, ExpressionSet> = {
  // copy / cast
  identity: same('x0'),
  // binary arithmetic (p0 = alpha for add/sub)
  add: { num: 'x0 + x1', big: 'x0 + x1', bool: 'x0 | x1' },
  // NOTE [add with alpha is a fused multiply-add]: PyTorch's CPU kernels compute `a + alpha * b` as fma(alpha, b, a)
  // (one rounding), with alpha first converted to the tensor's dtype. float64 uses a two-product/two-sum fma;
  // float32's exact product fits a double, so computing in double and rounding once on store matches.
  addScaled: {
    num: 'fma64(p0, x1, x0)',
    float32: 'x0 + fround(p0) * x1',
    int: 'x0 + p0 * x1',
    big: 'x0 + p0 * x1',
    int32: '(x0 + Math.imul(p0, x1)) | 0',
  },
  sub: same('x0 - x1'),
  subScaled: {
    num: 'fma64(-p0, x1, x0)',
    float32: 'x0 - fround(p0) * x1',
    int: 'x0 - p0 * x1',
    big: 'x0 - p0 * x1',
    int32: '(x0 - Math.imul(p0, x1)) | 0',
  },
  mul: { num: 'x0 * x1', big: 'x0 * x1', int32: 'Math.imul(x0, x1)', bool: 'x0 & x1' },
  div: { num: 'x0 / x1' },
  divTrunc: { num: 'Math.trunc(x0 / x1)', big: 'x0 / x1', float32: 'Math.trunc(fround(x0 / x1))' },
  divFloor: {
    num: 'floorDivF(x0, x1)',
    int: 'floorDivI(x0, x1)',
    big: 'floorDivB(x0, x1)',
    float32: 'floorDivF32(x0, x1)',
  },
  remainder: { num: 'remF(x0, x1)', int: 'remI(x0, x1)', big: 'remB(x0, x1)' },
  fmod: same('x0 % x1'),
  pow: { num: 'powF(x0, x1)', int: 'powI(x0, x1)', big: 'powB(x0, x1)' },
  atan2: { num: 'Math.atan2(x0, x1)' },
  hypot: { num: 'Math.hypot(x0, x1)' },
  copysign: { num: 'copysign(x0, x1)' },
  logaddexp: { num: 'logaddexp(x0, x1)', float32: 'logaddexp32(x0, x1)' },
  logaddexp2: { num: 'logaddexp2(x0, x1)', float32: 'logaddexp2_32(x0, x1)' },
  xlogy: { num: 'xlogy(x0, x1)' },
  maximum: { num: '(x0 !== x0 || x0 > x1) ? x0 : x1', big: 'x0 > x1 ? x0 : x1' },
  minimum: { num: '(x0 !== x0 || x0 < x1) ? x0 : x1', big: 'x0 < x1 ? x0 : x1' },
  fmax: { num: '(x1 !== x1 || x0 > x1) ? x0 : x1', big: 'x0 > x1 ? x0 : x1' },
  fmin: { num: '(x1 !== x1 || x0 < x1) ? x0 : x1', big: 'x0 < x1 ? x0 : x1' },
  // comparisons (output bool; computed in the promoted dtype)
  eq: predicate('x0 === x1'),
  ne: predicate('x0 !== x1'),
  lt: predicate('x0 < x1'),
  le: predicate('x0 <= x1'),
  gt: predicate('x0 > x1'),
  ge: predicate('x0 >= x1'),
  // NaN counts as true, as in C++
  logicalAnd: { num: '(x0 !== 0) & (x1 !== 0)', big: '(x0 !== 0n) && (x1 !== 0n) ? 1n : 0n' },
  logicalOr: { num: '(x0 !== 0) | (x1 !== 0)', big: '(x0 !== 0n) || (x1 !== 0n) ? 1n : 0n' },
  logicalXor: { num: '(x0 !== 0) ^ (x1 !== 0)', big: '(x0 !== 0n) !== (x1 !== 0n) ? 1n : 0n' },
  bitwiseAnd: same('x0 & x1'),
  bitwiseOr: same('x0 | x1'),
  bitwiseXor: same('x0 ^ x1'),
  // p0 = bit width of the dtype
  bitwiseLeftShift: { num: 'shiftLeftI(x0, x1, p0)', big: 'shiftLeftB(x0, x1)' },
  bitwiseRightShift: { num: 'shiftRightI(x0, x1, p0)', big: 'shiftRightB(x0, x1)' },
  // unary
  neg: same('-x0'),
  abs: { num: 'Math.abs(x0)', big: 'x0 < 0n ? -x0 : x0' },
  sign: { num: 'sign(x0)', big: 'x0 > 0n ? 1n : x0 < 0n ? -1n : 0n', bool: 'x0' },
  reciprocal: { num: '1 / x0' },
  square: { num: 'x0 * x0', big: 'x0 * x0', int32: 'Math.imul(x0, x0)' },
  exp: { num: 'Math.exp(x0)' },
  exp2: { num: '2 ** x0' },
  expm1: { num: 'Math.expm1(x0)' },
  log: { num: 'Math.log(x0)' },
  log1p: { num: 'Math.log1p(x0)' },
  log2: { num: 'Math.log2(x0)' },
  log10: { num: 'Math.log10(x0)' },
  sqrt: { num: 'Math.sqrt(x0)' },
  rsqrt: { num: '1 / Math.sqrt(x0)' },
  sin: { num: 'Math.sin(x0)' },
  cos: { num: 'Math.cos(x0)' },
  tan: { num: 'Math.tan(x0)' },
  asin: { num: 'Math.asin(x0)' },
  acos: { num: 'Math.acos(x0)' },
  atan: { num: 'Math.atan(x0)' },
  sinh: { num: 'Math.sinh(x0)' },
  cosh: { num: 'Math.cosh(x0)' },
  tanh: { num: 'Math.tanh(x0)' },
  asinh: { num: 'Math.asinh(x0)' },
  acosh: { num: 'Math.acosh(x0)' },
  atanh: { num: 'Math.atanh(x0)' },
  sigmoid: { num: '1 / (1 + Math.exp(-x0))' },
  logit: { num: 'Math.log(x0 / (1 - x0))' },
  erf: { num: 'erf(x0)' },
  erfc: { num: 'erfc(x0)' },
  erfinv: { num: 'erfinv(x0)', float32: 'erfinvFloat32(x0)' },
  floor: { num: 'Math.floor(x0)', big: 'x0' },
  ceil: { num: 'Math.ceil(x0)', big: 'x0' },
  round: { num: 'roundHalfEven(x0)', big: 'x0' },
  roundDecimals: { num: 'roundDecimals(x0, p0)', float32: 'roundDecimals32(x0, p0)' },
  trunc: { num: 'Math.trunc(x0)', big: 'x0' },
  frac: { num: 'x0 - Math.trunc(x0)' },
  relu: { num: 'x0 < 0 ? 0 : x0', big: 'x0 < 0n ? 0n : x0' },
  // x0 the incoming gradient, x1 the forward output, p0 the threshold (PyTorch's threshold_backward).
  thresholdBackward: { num: 'x1 <= p0 ? 0 : x0', big: 'x1 <= p0 ? 0n : x0' },
  isnan: { num: 'x0 !== x0 ? 1 : 0', big: '0n' },
  isinf: { num: 'x0 === Infinity || x0 === -Infinity ? 1 : 0', big: '0n' },
  isposinf: { num: 'x0 === Infinity ? 1 : 0', big: '0n' },
  isneginf: { num: 'x0 === -Infinity ? 1 : 0', big: '0n' },
  isfinite: { num: 'x0 - x0 === 0 ? 1 : 0', big: '1n' },
  logicalNot: { num: 'x0 === 0 ? 1 : 0', big: 'x0 === 0n ? 1n : 0n' },
  bitwiseNot: { num: '~x0', big: '~x0', bool: 'x0 ^ 1' },
  // p0 = nan, p1 = posinf, p2 = neginf
  nanToNum: { num: 'nanToNum(x0, p0, p1, p2)', big: 'x0' },
  // ternary
  where: { num: 'x0 !== 0 ? x1 : x2', big: 'x0 !== 0n ? x1 : x2' },
  lerp: { num: 'lerp(x0, x1, x2)' },
  // float32: ATen evaluates `self + value * t1 * t2` (and `self + value * t1 / t2`) left to right in float, rounding
  // each step; the store rounds the final add.
  addcmul: {
    num: 'x0 + p0 * x1 * x2',
    big: 'x0 + p0 * x1 * x2',
    float32: 'x0 + Math.fround(Math.fround(Math.fround(p0) * x1) * x2)',
  },
  addcdiv: {
    num: 'x0 + p0 * (x1 / x2)',
    float32: 'x0 + Math.fround(Math.fround(Math.fround(p0) * x1) / x2)',
  },
  // PyTorch: NaN bounds give NaN, else min(max(x, lo), hi) with std::max/std::min (so lo > hi gives hi, and a
  // NaN input stays NaN)
  clampTensor: {
    num: '(x1 !== x1 || x2 !== x2) ? NaN : x0 < x1 ? (x1 > x2 ? x2 : x1) : x0 > x2 ? x2 : x0',
    big: 'x0 < x1 ? (x1 > x2 ? x2 : x1) : x0 > x2 ? x2 : x0',
  },
  clampMinTensor: { num: '(x0 !== x0 || x1 !== x1) ? NaN : x0 < x1 ? x1 : x0', big: 'x0 < x1 ? x1 : x0' },
  clampMaxTensor: { num: '(x0 !== x0 || x1 !== x1) ? NaN : x0 > x1 ? x1 : x0', big: 'x0 > x1 ? x1 : x0' },
  // scalar bounds: p0 = min, p1 = max (NaN bounds are handled by the op layer)
  clamp: {
    num: 'x0 < p0 ? (p0 > p1 ? p1 : p0) : x0 > p1 ? p1 : x0',
    big: 'x0 < p0 ? (p0 > p1 ? p1 : p0) : x0 > p1 ? p1 : x0',
  },
};

/**
 * The expression for `op` computed in `computeDtype`, in the domain the CPU backend uses for it, or null when the
 * op is not defined for that dtype.
 */
export function expressionFor(
  op: ElementwiseOpName,
  computeDtype: DType,
): { expr: string; domain: Domain } | null {
  const set = TABLE[op];
  if (computeDtype === 'int64') return set.big === undefined ? null : { expr: set.big, domain: 'big' };
  if (computeDtype === 'bool' && set.bool !== undefined) return { expr: set.bool, domain: 'num' };
  if (!isFloatingPoint(computeDtype)) {
    if (computeDtype === 'int32' && set.int32 !== undefined) return { expr: set.int32, domain: 'num' };
    if (set.int !== undefined) return { expr: set.int, domain: 'num' };
  } else if (computeDtype !== 'float64' && set.float32 !== undefined)
    return { expr: set.float32, domain: 'num' };
  return { expr: set.num, domain: 'num' };
}
