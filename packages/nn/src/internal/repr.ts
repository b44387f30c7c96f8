/** Python-style formatting of values in `extraRepr` strings, so printed modules match PyTorch's text. */

/** A float as Python's `repr(float)` writes it: `1.0`, `0.1`, `1e-05`. */
export function pyFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e16)) {
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign === '-' ? '-' : '+'}${digits}`;
  }
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** A tuple of ints as Python writes it: `(3,)`, `(3, 3)`. */
export function pyTuple(values: readonly (number | null)[]): string {
  const items = values.map((v) => (v === null ? 'None' : String(v)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** Python's `repr(bool)`. */
export function pyBool(value: boolean): string {
  return value ? 'True' : 'False';
}
