/**
 * Special functions missing from `Math`, accurate to a few ulps in float64 (so float32 results round correctly).
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** erf(x) for |x| < 2.5 from the all-positive series erf(x) = 2/√π · e^{-x²} · Σ 2ⁿx^{2n+1}/(2n+1)!! (no cancellation). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x >= 2.5 by the continued fraction, evaluated with the modified Lentz method. */
function erfcContinuedFraction(x: number): number {
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** The error function. */
export function erf(x: number): number {
  if (x !== x) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) return erfSeries(x);
  if (a > 6) return x > 0 ? 1 : -1;
  const r = 1 - erfcContinuedFraction(a);
  return x > 0 ? r : -r;
}

/** The complementary error function 1 - erf(x), accurate in the tail. */
export function erfc(x: number): number {
  if (x !== x) return NaN;
  if (x < 0.5) return 1 - erf(x);
  if (x < 2.5) return 1 - erfSeries(x);
  if (x > 27) return 0;
  return erfcContinuedFraction(x);
}

/** Inverse error function: Winitzki's closed form as a start, refined by Newton steps on erf. */
export function erfinv(y: number): number {
  if (y !== y || y < -1 || y > 1) return NaN;
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  if (y === 0) return y;
  const a = 0.147;
  const ln = Math.log(1 - y * y);
  const t = 2 / (Math.PI * a) + ln / 2;
  let x = Math.sign(y) * Math.sqrt(Math.sqrt(t * t - ln / a) - t);
  for (let i = 0; i < 4; i++) {
    const err = erf(x) - y;
    const derivative = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    if (derivative === 0) break;
    // Halley's step: f/f' with the curvature correction f''/f' = -2x
    const step = err / derivative;
    x -= step / (1 + x * step);
  }
  return x;
}
