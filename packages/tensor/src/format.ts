/**
 * Tensor printing, reproducing PyTorch 1.13's `torch/_tensor_str.py` character for character.
 *
 * This module is pure: it formats a flat row-major list of values with a shape and a dtype name,
 * so it does not depend on the Tensor class. `Tensor.toString()` reads its values to the host and
 * calls {@link formatTensor}.
 *
 * NOTE [Python float formatting]
 * PyTorch formats every element with Python's `'{:.4f}'` / `'{:.4e}'` / `'{:.0f}'`, which round the
 * exact decimal value of the double half-to-even. JavaScript's `toFixed`/`toExponential` also start
 * from the exact value but break exact ties upwards (`(0.03125).toFixed(4)` is `'0.0313'`, Python
 * gives `'0.0312'`), and `toFixed` switches to exponent notation from 1e21. So we expand the double
 * exactly with BigInt (a double is `mantissa * 2^exponent`, i.e. `mantissa * 5^-exponent / 10^-exponent`)
 * and round the decimal digits ourselves.
 */

/** Printing options, as `torch.set_printoptions` takes them (camelCase). */
export interface PrintOptions {
  /** Digits after the decimal point for floating-point values (PyTorch default 4). */
  precision: number;
  /** Element count above which the tensor is summarized with `...` (default 1000; `Infinity` never). */
  threshold: number;
  /** Items shown at the start and end of each summarized dimension (default 3). */
  edgeitems: number;
  /** Characters per line used to wrap long rows (default 80). */
  linewidth: number;
  /** `true` forces scientific notation, `false` forbids it, `null` lets the formatter choose. */
  sciMode: boolean | null;
}

const DEFAULT_PRINT_OPTIONS: Readonly<PrintOptions> = {
  precision: 4,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 80,
  sciMode: null,
};

const printOptions: PrintOptions = { ...DEFAULT_PRINT_OPTIONS };

/**
 * Sets the global printing options, like `torch.set_printoptions`.
 *
 * A `profile` ('default', 'short', 'full') is applied first, then the explicit options override it.
 * As in PyTorch, `sciMode` is reset to `null` by every call that does not pass it.
 *
 * @example
 * setPrintoptions({ precision: 2 });      // torch.set_printoptions(precision=2)
 * setPrintoptions({ profile: 'default' }); // restore the defaults
 */
export function setPrintoptions(
  options: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' },
): void {
  if (options.profile !== undefined) {
    switch (options.profile) {
      case 'default':
        Object.assign(printOptions, { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 });
        break;
      case 'short':
        Object.assign(printOptions, { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 });
        break;
      case 'full':
        Object.assign(printOptions, { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 });
        break;
      default:
        // PyTorch silently ignores unknown profiles; we refuse them so a typo is not lost.
        throw new Error(
          `set_printoptions: unknown profile '${String(options.profile)}' (expected 'default', 'short' or 'full')`,
        );
    }
  }
  if (options.precision !== undefined) printOptions.precision = options.precision;
  if (options.threshold !== undefined) printOptions.threshold = options.threshold;
  if (options.edgeitems !== undefined) printOptions.edgeitems = options.edgeitems;
  if (options.linewidth !== undefined) printOptions.linewidth = options.linewidth;
  printOptions.sciMode = options.sciMode ?? null;
}

/** Returns a copy of the current global printing options. */
export function getPrintoptions(): PrintOptions {
  return { ...printOptions };
}

// ---------------------------------------------------------------------------------------------
// Python float formatting (see NOTE [Python float formatting])
// ---------------------------------------------------------------------------------------------

const float64Scratch = new Float64Array(1);
const uint32Scratch = new Uint32Array(float64Scratch.buffer);
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const powersOfTen: bigint[] = [1n];
const powersOfFive: bigint[] = [1n];

function powerOfTen(exponent: number): bigint {
  while (powersOfTen.length <= exponent) powersOfTen.push(powersOfTen[powersOfTen.length - 1]! * 10n);
  return powersOfTen[exponent]!;
}

function powerOfFive(exponent: number): bigint {
  while (powersOfFive.length <= exponent) powersOfFive.push(powersOfFive[powersOfFive.length - 1]! * 5n);
  return powersOfFive[exponent]!;
}

/**
 * The exact decimal value of a finite positive double as `digits / 10^scale`.
 * `digits` is an integer, `scale >= 0`.
 */
function exactDecimal(value: number): { digits: bigint; scale: number } {
  float64Scratch[0] = value;
  const high = uint32Scratch[littleEndianHost ? 1 : 0]!;
  const low = uint32Scratch[littleEndianHost ? 0 : 1]!;
  const biasedExponent = (high >>> 20) & 0x7ff;
  // The 53-bit mantissa fits exactly in a double, so the bit fiddling stays in Number.
  let mantissa = (high & 0xfffff) * 4294967296 + low;
  let exponent: number;
  if (biasedExponent === 0) {
    exponent = -1074;
  } else {
    mantissa += 4503599627370496; // the implicit leading 1 (2^52)
    exponent = biasedExponent - 1075;
  }
  // Dropping trailing zero bits keeps the power of five (and the BigInt work) small.
  while (exponent < 0 && mantissa % 2 === 0) {
    mantissa /= 2;
    exponent += 1;
  }
  if (exponent >= 0) return { digits: BigInt(mantissa) << BigInt(exponent), scale: 0 };
  return { digits: BigInt(mantissa) * powerOfFive(-exponent), scale: -exponent };
}

/** `numerator / divisor` rounded half to even (both positive). */
function divideRoundHalfEven(numerator: bigint, divisor: bigint): bigint {
  const quotient = numerator / divisor;
  const twiceRemainder = (numerator - quotient * divisor) * 2n;
  if (twiceRemainder > divisor || (twiceRemainder === divisor && (quotient & 1n) === 1n)) {
    return quotient + 1n;
  }
  return quotient;
}

function nonFiniteString(value: number): string | null {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return null;
}

function signOf(value: number): string {
  return value < 0 || Object.is(value, -0) ? '-' : '';
}

/**
 * Python's `'{:.<precision>f}'.format(value)`: fixed point, exact value rounded half to even,
 * `nan`/`inf`/`-inf`, sign kept on negative zero. Exported for tests and other Python-style reprs.
 */
export function formatPythonFixed(value: number, precision: number): string {
  const special = nonFiniteString(value);
  if (special !== null) return special;
  const sign = signOf(value);
  let rounded: bigint;
  if (value === 0) {
    rounded = 0n;
  } else {
    const { digits, scale } = exactDecimal(Math.abs(value));
    rounded =
      scale <= precision
        ? digits * powerOfTen(precision - scale)
        : divideRoundHalfEven(digits, powerOfTen(scale - precision));
  }
  let text = rounded.toString();
  if (precision === 0) return sign + text;
  if (text.length <= precision) text = '0'.repeat(precision + 1 - text.length) + text;
  return `${sign}${text.slice(0, text.length - precision)}.${text.slice(text.length - precision)}`;
}

/**
 * Python's `'{:.<precision>e}'.format(value)`: one digit, `precision` decimals, exponent with a sign
 * and at least two digits (`1.0000e-05`, `4.9407e-324`). Exported for tests and Python-style reprs.
 */
export function formatPythonExponential(value: number, precision: number): string {
  const special = nonFiniteString(value);
  if (special !== null) return special;
  const sign = signOf(value);
  let significand: string;
  let decimalExponent = 0;
  if (value === 0) {
    significand = '0'.repeat(precision + 1);
  } else {
    const { digits, scale } = exactDecimal(Math.abs(value));
    const digitCount = digits.toString().length;
    decimalExponent = digitCount - 1 - scale;
    const wanted = precision + 1;
    let rounded: bigint;
    if (digitCount > wanted) {
      rounded = divideRoundHalfEven(digits, powerOfTen(digitCount - wanted));
      if (rounded === powerOfTen(wanted)) {
        // 9.99995 rounded up to 10.0000: renormalize to 1.0000 with the next exponent.
        rounded /= 10n;
        decimalExponent += 1;
      }
    } else {
      rounded = digits * powerOfTen(wanted - digitCount);
    }
    significand = rounded.toString();
  }
  const mantissa = precision === 0 ? significand : `${significand[0]}.${significand.slice(1)}`;
  const exponentDigits = String(Math.abs(decimalExponent)).padStart(2, '0');
  return `${sign}${mantissa}e${decimalExponent < 0 ? '-' : '+'}${exponentDigits}`;
}

// ---------------------------------------------------------------------------------------------
// The formatter (torch._tensor_str._Formatter)
// ---------------------------------------------------------------------------------------------

const FLOATING_DTYPES = new Set(['float32', 'float64', 'float16', 'bfloat16']);
const KNOWN_DTYPES = new Set([
  'float32',
  'float64',
  'float16',
  'bfloat16',
  'int8',
  'uint8',
  'int16',
  'int32',
  'int64',
  'bool',
]);

/** One element as PyTorch's `tolist()` would give it: a double for floats, an integer or bool otherwise. */
type Scalar = number | bigint | boolean;

interface Formatter {
  readonly floating: boolean;
  readonly intMode: boolean;
  readonly sciMode: boolean;
  readonly maxWidth: number;
  readonly precision: number;
}

/** Python's `'{}'.format(v)` for an element of an integer or bool tensor. */
function formatNonFloating(value: Scalar): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return typeof value === 'bigint' ? value.toString() : String(value);
}

/** Port of `_Formatter.__init__`: decides int/sci mode and the column width from `sample`. */
function createFormatter(sample: readonly Scalar[], floating: boolean, options: PrintOptions): Formatter {
  const precision = options.precision;
  let maxWidth = 1;
  if (!floating) {
    for (const value of sample) maxWidth = Math.max(maxWidth, formatNonFloating(value).length);
    return { floating, intMode: true, sciMode: false, maxWidth, precision };
  }
  const nonzeroFinite: number[] = [];
  for (const value of sample) {
    const number = value as number;
    if (Number.isFinite(number) && number !== 0) nonzeroFinite.push(number);
  }
  // PyTorch returns early here, so a global sci_mode is ignored for all-zero/non-finite tensors.
  if (nonzeroFinite.length === 0) return { floating, intMode: true, sciMode: false, maxWidth, precision };

  let minAbs = Infinity;
  let maxAbs = 0;
  let intMode = true;
  for (const value of nonzeroFinite) {
    const magnitude = Math.abs(value);
    if (magnitude < minAbs) minAbs = magnitude;
    if (magnitude > maxAbs) maxAbs = magnitude;
    if (value !== Math.ceil(value)) intMode = false;
  }
  let sciMode = false;
  if (intMode) {
    // Integral floats print as `1.`; the +1 accounts for that trailing point.
    if (maxAbs / minAbs > 1000 || maxAbs > 1e8) {
      sciMode = true;
      for (const value of nonzeroFinite) {
        maxWidth = Math.max(maxWidth, formatPythonExponential(value, precision).length);
      }
    } else {
      for (const value of nonzeroFinite) {
        maxWidth = Math.max(maxWidth, formatPythonFixed(value, 0).length + 1);
      }
    }
  } else if (maxAbs / minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4) {
    sciMode = true;
    for (const value of nonzeroFinite) {
      maxWidth = Math.max(maxWidth, formatPythonExponential(value, precision).length);
    }
  } else {
    for (const value of nonzeroFinite) {
      maxWidth = Math.max(maxWidth, formatPythonFixed(value, precision).length);
    }
  }
  if (options.sciMode !== null) sciMode = options.sciMode;
  return { floating, intMode, sciMode, maxWidth, precision };
}

/** Port of `_Formatter.format`: one element, right-aligned to the column width. */
function formatElement(formatter: Formatter, value: Scalar): string {
  let text: string;
  if (formatter.floating) {
    const number = value as number;
    if (formatter.sciMode) {
      text = formatPythonExponential(number, formatter.precision);
    } else if (formatter.intMode) {
      text = formatPythonFixed(number, 0);
      if (Number.isFinite(number)) text += '.';
    } else {
      text = formatPythonFixed(number, formatter.precision);
    }
  } else {
    text = formatNonFloating(value);
  }
  return text.length < formatter.maxWidth ? ' '.repeat(formatter.maxWidth - text.length) + text : text;
}

// ---------------------------------------------------------------------------------------------
// Layout (torch._tensor_str._tensor_str and friends)
// ---------------------------------------------------------------------------------------------

/** A row-major view of the flat values: element `i` of dimension `dim` starts at `offset + i * strides[dim]`. */
interface Grid {
  readonly values: ArrayLike<number | bigint | boolean>;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

/**
 * Indices kept along a dimension of `size` when summarizing, as Python's
 * `self[:edgeitems]` + `self[-edgeitems:]` (note `self[-0:]` is the whole dimension).
 */
function edgeIndices(size: number, edgeitems: number): { head: number[]; tail: number[] } {
  const head: number[] = [];
  const tail: number[] = [];
  const headCount = Math.max(0, Math.min(edgeitems, size));
  for (let i = 0; i < headCount; i++) head.push(i);
  const tailStart = edgeitems === 0 ? 0 : Math.max(0, size - edgeitems);
  for (let i = tailStart; i < size; i++) tail.push(i);
  return { head, tail };
}

/** Port of `get_summarized_data`: the elements the summarized printout shows, in any order. */
function collectSummarized(grid: Grid, dim: number, offset: number, edgeitems: number, out: Scalar[]): void {
  const rank = grid.shape.length;
  if (dim === rank) {
    out.push(readScalar(grid, offset));
    return;
  }
  const size = grid.shape[dim]!;
  const stride = grid.strides[dim]!;
  let indices: number[];
  if (size > 2 * edgeitems) {
    if (dim === rank - 1) {
      const { head, tail } = edgeIndices(size, edgeitems);
      indices = head.concat(tail);
    } else {
      // Outer dimensions use range(), so edgeitems=0 keeps no sub-tensor and torch.stack fails.
      if (edgeitems <= 0) throw new Error('stack expects a non-empty TensorList');
      indices = [];
      for (let i = 0; i < edgeitems; i++) indices.push(i);
      for (let i = size - edgeitems; i < size; i++) indices.push(i);
    }
  } else {
    indices = Array.from({ length: size }, (_, i) => i);
  }
  for (const index of indices) collectSummarized(grid, dim + 1, offset + index * stride, edgeitems, out);
}

function vectorString(
  grid: Grid,
  offset: number,
  indent: number,
  summarize: boolean,
  formatter: Formatter,
  options: PrintOptions,
): string {
  const dim = grid.shape.length - 1;
  const size = grid.shape[dim]!;
  const stride = grid.strides[dim]!;
  // Each element takes its width plus ", ".
  const elementLength = formatter.maxWidth + 2;
  const elementsPerLine = Math.max(1, Math.floor((options.linewidth - indent) / elementLength));
  const data: string[] = [];
  if (summarize && size > 2 * options.edgeitems) {
    const { head, tail } = edgeIndices(size, options.edgeitems);
    for (const index of head) data.push(formatElement(formatter, readScalar(grid, offset + index * stride)));
    data.push(' ...');
    for (const index of tail) data.push(formatElement(formatter, readScalar(grid, offset + index * stride)));
  } else {
    for (let index = 0; index < size; index++) {
      data.push(formatElement(formatter, readScalar(grid, offset + index * stride)));
    }
  }
  const lines: string[] = [];
  for (let start = 0; start < data.length; start += elementsPerLine) {
    lines.push(data.slice(start, start + elementsPerLine).join(', '));
  }
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

function tensorString(
  grid: Grid,
  dim: number,
  offset: number,
  indent: number,
  summarize: boolean,
  formatter: Formatter,
  options: PrintOptions,
): string {
  const rank = grid.shape.length;
  if (rank === 0) return formatElement(formatter, readScalar(grid, offset));
  if (dim === rank - 1) return vectorString(grid, offset, indent, summarize, formatter, options);
  const size = grid.shape[dim]!;
  const stride = grid.strides[dim]!;
  const slices: string[] = [];
  const sliceAt = (index: number): string =>
    tensorString(grid, dim + 1, offset + index * stride, indent + 1, summarize, formatter, options);
  if (summarize && size > 2 * options.edgeitems) {
    // Unlike the 1-D case, PyTorch uses range() here, so edgeitems=0 keeps nothing on either side.
    for (let index = 0; index < Math.min(options.edgeitems, size); index++) slices.push(sliceAt(index));
    slices.push('...');
    for (let index = Math.max(0, size - options.edgeitems); index < size; index++)
      slices.push(sliceAt(index));
  } else {
    for (let index = 0; index < size; index++) slices.push(sliceAt(index));
  }
  const remainingDims = rank - dim;
  return `[${slices.join(`,${'\n'.repeat(remainingDims - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** Port of `_add_suffixes`: appends `, suffix` items, wrapping onto a new line past `linewidth`. */
function addSuffixes(body: string, suffixes: readonly string[], indent: number, linewidth: number): string {
  const parts = [body];
  // Python's `len(s) - s.rfind("\n") + 1`, where rfind gives -1 when there is no newline.
  let lastLineLength = body.length - body.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > linewidth) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLength = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLength += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** Reads the element at `offset` the way `tolist()` would present it for the dtype. */
function readScalar(grid: Grid, offset: number): Scalar {
  const raw = grid.values[offset];
  const dtype = grid.dtype;
  if (raw === undefined) throw new Error('formatTensor: missing value');
  if (dtype === 'bool') return typeof raw === 'boolean' ? raw : raw !== 0 && raw !== 0n;
  if (FLOATING_DTYPES.has(dtype)) {
    const number = Number(raw);
    // float16/bfloat16 print via .float() and float32 is float32: rounding here makes plain
    // JS arrays print as the stored float32 values would; values that are already float32 are unchanged.
    return dtype === 'float64' ? number : Math.fround(number);
  }
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  return raw;
}

/**
 * Formats a tensor exactly as PyTorch 1.13's `repr(t)`, using the global {@link PrintOptions}.
 *
 * `values` are the elements in row-major order (numbers, bigints for int64, booleans or 0/1 for
 * bool); float16/bfloat16 values are passed as their numeric value. `suffixes.defaultDtype` is the
 * current default float dtype (`torch.get_default_dtype()`, 'float32' unless given); a `device`
 * other than 'cpu' is printed as `device='cuda:0'`.
 *
 * @example
 * formatTensor([1, 2, 3], [3], 'float32');      // 'tensor([1., 2., 3.])'
 * formatTensor([1, 2, 3, 4], [2, 2], 'int64');  // 'tensor([[1, 2],\n        [3, 4]])'
 */
export function formatTensor(
  values: ArrayLike<number | bigint | boolean>,
  shape: readonly number[],
  dtype: string,
  suffixes: { defaultDtype?: string; requiresGrad?: boolean; gradFn?: string; device?: string } = {},
): string {
  if (!KNOWN_DTYPES.has(dtype)) throw new Error(`formatTensor: unknown dtype '${dtype}'`);
  let numel = 1;
  for (const size of shape) {
    if (!Number.isInteger(size) || size < 0)
      throw new Error(`formatTensor: invalid shape [${shape.join(', ')}]`);
    numel *= size;
  }
  if (values.length !== numel) {
    throw new Error(
      `formatTensor: shape [${shape.join(', ')}] needs ${numel} values but ${values.length} were given`,
    );
  }
  const options = printOptions;
  const prefix = 'tensor(';
  const indent = prefix.length;
  const defaultDtype = suffixes.defaultDtype ?? 'float32';
  const suffixList: string[] = [];
  if (suffixes.device !== undefined && suffixes.device !== 'cpu')
    suffixList.push(`device='${suffixes.device}'`);

  let body: string;
  if (numel === 0) {
    // NumPy-style: the shape is shown unless it is (0,), and the dtype always unless it is the
    // default float type, because an empty tensor has no elements to reveal it.
    if (shape.length !== 1) suffixList.push(`size=(${shape.join(', ')})`);
    if (dtype !== defaultDtype) suffixList.push(`dtype=torch.${dtype}`);
    body = '[]';
  } else {
    if (dtype !== defaultDtype && dtype !== 'int64' && dtype !== 'bool')
      suffixList.push(`dtype=torch.${dtype}`);
    const strides: number[] = new Array<number>(shape.length);
    let stride = 1;
    for (let dim = shape.length - 1; dim >= 0; dim--) {
      strides[dim] = stride;
      stride *= shape[dim]!;
    }
    const grid: Grid = { values, dtype, shape, strides };
    const summarize = numel > options.threshold;
    // Elements are read lazily through the grid, so only what is printed is converted.
    const sample: Scalar[] = [];
    collectSummarized(grid, 0, 0, summarize ? options.edgeitems : Infinity, sample);
    const formatter = createFormatter(sample, FLOATING_DTYPES.has(dtype), options);
    body = tensorString(grid, 0, 0, indent, summarize, formatter, options);
  }

  if (suffixes.gradFn !== undefined) suffixList.push(`grad_fn=<${suffixes.gradFn}>`);
  else if (suffixes.requiresGrad === true) suffixList.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixList, indent, options.linewidth);
}
