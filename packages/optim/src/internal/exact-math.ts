/**
 * `cos` and `pow` rounded like the C library behind Python's `math.cos` and `**` (glibc's results are correctly
 * rounded in all but rare cases). V8's `Math.cos`/`Math.pow` are fdlibm ports that are off by one ulp now and
 * then, which breaks "the same learning rates as PyTorch, exactly". We evaluate in double-double arithmetic
 * (about 106 bits) and round once.
 */

/** A double-double: the unevaluated sum hi + lo with |lo| <= ulp(hi) / 2. */
type DD = [number, number];

const SPLITTER = 134217729; // 2^27 + 1, Dekker's split

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  return [p, aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo];
}

function ddAdd(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  const [hi, lo] = twoSum(s, e + a[1] + b[1]);
  return [hi, lo];
}

function ddMul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return twoSum(p, e + a[0] * b[1] + a[1] * b[0]);
}

function ddDivNumber(a: DD, b: number): DD {
  const q1 = a[0] / b;
  const [p, e] = twoProd(q1, b);
  const q2 = (a[0] - p - e + a[1]) / b;
  return twoSum(q1, q2);
}

// pi/2 in three parts with trailing zero bits (fdlibm's pio2_1, pio2_2, pio2_3), so k * part is exact for small k
const PIO2_1 = 1.5707963267341256;
const PIO2_2 = 6.077100506303966e-11;
const PIO2_3 = 2.0222662487111665e-21;
const PIO2_3T = 8.4784276603689e-32;

/** Taylor series of sin (odd) or cos (even) at a reduced argument |r| <= pi/4, in double-double. */
function taylor(r: DD, odd: boolean): DD {
  const r2 = ddMul(r, r);
  let term: DD = odd ? r : [1, 0];
  let sum: DD = term;
  for (let n = odd ? 1 : 0; n < 60; n += 2) {
    term = ddDivNumber(ddMul(term, r2), -((n + 1) * (n + 2)));
    sum = ddAdd(sum, term);
    if (Math.abs(term[0]) < 1e-36 * Math.abs(sum[0])) break;
  }
  return sum;
}

/** `math.cos(x)`, correctly rounded for the moderate arguments schedulers use (|x| < 2^20 * pi/2). */
export function cos(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) > 1647099) return Math.cos(x);
  const k = Math.round(x / PIO2_1);
  // r = x - k * pi/2 in double-double (each k * part is exact: the parts have 33 significant bits)
  let r: DD = twoSum(x, -k * PIO2_1);
  r = ddAdd(r, [-k * PIO2_2, 0]);
  r = ddAdd(r, twoProd(-k, PIO2_3));
  r = ddAdd(r, [-k * PIO2_3T, 0]);
  const quadrant = ((k % 4) + 4) % 4;
  const value = quadrant === 0 || quadrant === 2 ? taylor(r, false) : taylor(r, true);
  const signed = quadrant === 1 || quadrant === 2 ? -1 : 1;
  return signed * (value[0] + value[1]);
}

/**
 * Python's `x ** y` for floats: integer exponents are evaluated exactly enough (double-double square-and-multiply)
 * to round correctly; other exponents use `Math.pow`.
 */
export function pow(x: number, y: number): number {
  if (!Number.isInteger(y) || Math.abs(y) > 2 ** 31 || !Number.isFinite(x) || x === 0) return x ** y;
  let n = Math.abs(y);
  let base: DD = [x, 0];
  let result: DD = [1, 0];
  while (n > 0) {
    if (n % 2 === 1) result = ddMul(result, base);
    n = Math.floor(n / 2);
    if (n > 0) base = ddMul(base, base);
  }
  if (!Number.isFinite(result[0]) || result[0] === 0) return x ** y;
  if (y < 0) {
    // 1 / result in double-double: q1 + (1 - q1 * result) / result
    const q1 = 1 / result[0];
    const residual = ddAdd([1, 0], ddMul([-q1, 0], result));
    return q1 + (residual[0] + residual[1]) / result[0];
  }
  return result[0] + result[1];
}
