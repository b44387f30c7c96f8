/**
 * Whole-tensor comparisons: `equal`, `isclose`, `allclose`.
 */
import { isFloatingPoint, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { abs, add, eq, isfinite, isnan, le, logicalAnd, logicalOr, mul, sub } from './elementwise.js';
import { sameShape } from './helpers.js';
import { all } from './reduce.js';

/** `torch.equal(a, b)`: true when shapes match and every element is equal (NaN is never equal). */
export function equal(a: Tensor, b: Tensor): boolean {
  if (!(a instanceof Tensor) || !(b instanceof Tensor))
    throw new TypeError('equal(): arguments must be Tensors');
  if (a.device !== b.device) {
    throw new RuntimeError(
      `Expected all tensors to be on the same device, but found at least two devices, ${a.device} and ${b.device}!`,
    );
  }
  if (!sameShape(a._shape, b._shape)) return false;
  if (a.numel() === 0) return true;
  return all(eq(a, b)).item() === true;
}

/** Options of `isclose` / `allclose`. */
export interface CloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
}

/**
 * `torch.isclose(a, b, { rtol = 1e-5, atol = 1e-8, equalNan = false })`: `|a - b| <= atol + rtol * |b|`,
 * with equal infinities close and NaN close to NaN only when `equalNan`.
 */
export function isclose(a: Tensor, b: Tensor, options?: CloseOptions): Tensor {
  const rtol = options?.rtol ?? 1e-5;
  const atol = options?.atol ?? 1e-8;
  if (a.dtype !== b.dtype) {
    throw new RuntimeError(`${scalarTypeName(a.dtype)} did not match ${scalarTypeName(b.dtype)}`);
  }
  if (rtol < 0) throw new RuntimeError(`rtol must be greater than or equal to zero, but got ${rtol}`);
  if (atol < 0) throw new RuntimeError(`atol must be greater than or equal to zero, but got ${atol}`);
  let close = eq(a, b);
  if (options?.equalNan) close = logicalOr(close, logicalAnd(isnan(a), isnan(b)));
  if (a.dtype === 'bool' || (!isFloatingPoint(a.dtype) && rtol === 0 && atol === 0)) return close;
  const fa = isFloatingPoint(a.dtype) ? a : a.to('float64');
  const fb = isFloatingPoint(b.dtype) ? b : b.to('float64');
  const tolerance = add(mul(abs(fb), rtol), atol);
  const within = logicalAnd(le(abs(sub(fa, fb)), tolerance), logicalAnd(isfinite(fa), isfinite(fb)));
  return logicalOr(close, within);
}

/** `torch.allclose`: `isclose(...).all()` as a boolean. */
export function allclose(a: Tensor, b: Tensor, options?: CloseOptions): boolean {
  return all(isclose(a, b, options)).item() === true;
}

declare module '../tensor.js' {
  interface Tensor {
    equal(other: Tensor): boolean;
    isclose(other: Tensor, options?: CloseOptions): Tensor;
    allclose(other: Tensor, options?: CloseOptions): boolean;
  }
}

Tensor.prototype.equal = function (other) {
  return equal(this, other);
};
Tensor.prototype.isclose = function (other, options) {
  return isclose(this, other, options);
};
Tensor.prototype.allclose = function (other, options) {
  return allclose(this, other, options);
};
