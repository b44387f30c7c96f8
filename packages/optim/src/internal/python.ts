/**
 * Small helpers that reproduce Python behaviour our messages and schedules depend on: `repr` of floats in error
 * messages, `'{:.4e}'` in verbose output, `warnings.warn`, and Python's `%` on floats.
 */
import { Tensor } from '@proj/tensor';

/**
 * Python's `str(x)` for a number: integers print without a fraction (as Python ints do; JS cannot tell `1` from
 * `1.0`), other values as Python's shortest round-trip repr (`1e-05`, `0.1`, `1.5e+16`, `inf`, `nan`).
 */
export function pyStr(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  if (Array.isArray(value)) return `(${value.map(pyStr).join(', ')})`;
  if (typeof value !== 'number') return String(value);
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return String(value);
  // toExponential() with no argument gives the shortest digits that round-trip, as Python's repr does
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent >= -5 && exponent < 16) {
    const text = String(value); // JS uses fixed notation down to 1e-7, Python only down to 1e-4
    if (exponent >= -4) return text.includes('.') || text.includes('e') ? text : `${text}.0`;
  }
  const sign = exponent < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** Python's `'{:.4e}'.format(x)`, used by the schedulers' verbose messages. */
export function formatExp4(value: number): string {
  if (!Number.isFinite(value)) return pyStr(value);
  const [mantissa, exponentText] = value.toExponential(4).split('e') as [string, string];
  const exponent = Number(exponentText);
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** Python's `%` on numbers: the result takes the sign of the divisor. */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/**
 * Python's `warnings.warn(message, UserWarning)`: goes through `process.emitWarning` in Node (so `--no-warnings`
 * and `process.on('warning')` work), and `console.warn` elsewhere.
 */
export function warn(message: string): void {
  const proc = (globalThis as { process?: { emitWarning?: (message: string, type: string) => void } })
    .process;
  if (proc?.emitWarning !== undefined) proc.emitWarning(message, 'UserWarning');
  else console.warn(`UserWarning: ${message}`);
}

/** Deep copy of a state-dict value: tensors go through `copyTensor`, arrays and plain objects are copied. */
export function deepCopy<T>(value: T, copyTensor: (t: Tensor) => unknown): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Tensor) return copyTensor(value) as T;
  if (Array.isArray(value)) return value.map((v) => deepCopy(v, copyTensor)) as T;
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [k, deepCopy(v, copyTensor)])) as T;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v, copyTensor);
  return out as T;
}
