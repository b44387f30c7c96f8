/**
 * float16 / bfloat16 bit conversions. Decoding uses a 65536-entry table so that kernels read half values with
 * one array load; encoding rounds to nearest-even exactly like C's conversion from float.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float16 bits → value, precomputed for all 65536 patterns. */
export const HALF_TO_FLOAT: Float32Array = (() => {
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    let value: number;
    if (exponent === 0) value = mantissa * 2 ** -24;
    else if (exponent === 31) value = mantissa === 0 ? Infinity : NaN;
    else value = (1 + mantissa / 1024) * 2 ** (exponent - 15);
    table[h] = sign * value;
  }
  return table;
})();

/** bfloat16 bits → value, precomputed for all 65536 patterns. */
export const BFLOAT_TO_FLOAT: Float32Array = (() => {
  const table = new Float32Array(65536);
  const bits = new Uint32Array(table.buffer);
  for (let h = 0; h < 65536; h++) bits[h] = h << 16;
  return table;
})();

/**
 * Rounds a value to float16 and returns its bit pattern. Like c10::Half, the value is first rounded to float32
 * (PyTorch computes half arithmetic in float32), then to half with round-half-to-even.
 */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | (mantissa !== 0 ? 0x7e00 : 0x7c00);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 31) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign; // underflows to zero (even after rounding)
    const full = mantissa | 0x800000; // 24 bits with the hidden one
    const shift = 14 - halfExponent; // 14..24
    let q = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (q & 1) === 1)) q++;
    return sign | q;
  }
  let q = (halfExponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (q & 1) === 1)) q++; // may carry into the exponent: still correct
  return sign | q;
}

/** Rounds a double to bfloat16 (via float32, as PyTorch converts) and returns its bit pattern. */
export function floatToBfloat(value: number): number {
  f32[0] = value;
  const bits = u32[0]!;
  if (Number.isNaN(value)) return 0x7fc0;
  // round-to-nearest-even on the 16 dropped bits
  const rounding = 0x7fff + ((bits >>> 16) & 1);
  return ((bits + rounding) >>> 16) & 0xffff;
}
