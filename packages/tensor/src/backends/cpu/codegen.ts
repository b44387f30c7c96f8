/**
 * Code generation for the CPU backend's elementwise kernels.
 *
 * NOTE [Why generate code]: one generic loop that calls an op closure per element is megamorphic in V8 and runs
 * 5-20x slower than a loop with the expression inlined. So each (expression, operand dtypes, output dtype) triple
 * is compiled once with `new Function` into a loop specialised for it, and cached. The loop walks any strided
 * layout with an odometer over the outer dims and a tight inner loop over the last dim, and has a flat fast path
 * for contiguous operands.
 */
import type { DType, TypedArray } from '../../dtype.js';
import { BFLOAT_TO_FLOAT, floatToBfloat, floatToHalf, HALF_TO_FLOAT } from '../../internal/half.js';

/** The arithmetic domain a kernel computes in: JS numbers, or BigInts for exact int64. */
export type Domain = 'num' | 'big';

const INT64_MIN = -(2n ** 63n);

/** Converts a number to int64 the way a C cast does on x86 (truncation; NaN and overflow give INT64_MIN). */
export function numberToInt64(v: number): bigint {
  if (Number.isFinite(v) && Math.abs(v) < 9.223372036854776e18) return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return INT64_MIN;
}

const HELPERS = {
  H: HALF_TO_FLOAT,
  B: BFLOAT_TO_FLOAT,
  toHalf: floatToHalf,
  toBfloat: floatToBfloat,
  toBig: numberToInt64,
};

/** Expression reading element `index` of array `array` of `dtype`, converted into `domain`. */
export function loadExpr(dtype: DType, array: string, index: string, domain: Domain): string {
  const raw = `${array}[${index}]`;
  if (domain === 'big') return dtype === 'int64' ? raw : `BigInt(${raw})`;
  switch (dtype) {
    case 'float16':
      return `H[${raw}]`;
    case 'bfloat16':
      return `B[${raw}]`;
    case 'int64':
      return `Number(${raw})`;
    default:
      return raw;
  }
}

/** Statement storing `value` (in `domain`) into element `index` of `array` of `dtype`. */
export function storeStmt(dtype: DType, array: string, index: string, value: string, domain: Domain): string {
  // NaN converts to true, as in C++; `t` is a scratch variable every generated kernel declares.
  if (dtype === 'bool') return `${array}[${index}] = ((t = (${value})) || t !== t) ? 1 : 0;`;
  if (domain === 'big') {
    if (dtype === 'int64') return `${array}[${index}] = ${value};`;
    // Narrower integers wrap: keep the low 32 bits exactly (Number() of a large bigint would round them away),
    // and the typed array wraps those further to 8 or 16 bits.
    if (!FLOAT_DTYPES.has(dtype)) return `${array}[${index}] = Number(BigInt.asIntN(32, ${value}));`;
    return `${array}[${index}] = ${storeNumber(dtype, `Number(${value})`)};`;
  }
  return `${array}[${index}] = ${storeNumber(dtype, value)};`;
}

const FLOAT_DTYPES: ReadonlySet<DType> = new Set(['float16', 'bfloat16', 'float32', 'float64']);

/** The raw storage value of a JS number for a non-bool dtype. */
function storeNumber(dtype: DType, value: string): string {
  switch (dtype) {
    case 'float16':
      return `toHalf(${value})`;
    case 'bfloat16':
      return `toBfloat(${value})`;
    case 'int64':
      return `toBig(${value})`;
    default:
      return value;
  }
}

/**
 * An elementwise kernel over `inputs.length` operands already broadcast to `shape`:
 * `out[i] = expr(x0, x1, ...; p0, p1, ...)` for every index.
 */
export type ElementwiseKernel = (
  shape: readonly number[],
  out: TypedArray,
  outStrides: readonly number[],
  outOffset: number,
  inputs: readonly TypedArray[],
  inputStrides: readonly (readonly number[])[],
  inputOffsets: readonly number[],
  params: readonly (number | bigint)[],
) => void;

const cache = new Map<string, Map<number, ElementwiseKernel>>();

const DTYPE_CODES: Record<DType, number> = {
  bool: 0,
  uint8: 1,
  int8: 2,
  int16: 3,
  int32: 4,
  int64: 5,
  float16: 6,
  bfloat16: 7,
  float32: 8,
  float64: 9,
};

/**
 * Compiles (or fetches) the kernel computing `expr` over inputs of `inputDtypes` into `outDtype`.
 * `expr` names inputs `x0, x1, ...`, params `p0, p1, ...` and may call the functions in `extraHelpers`.
 */
export function elementwiseKernel(
  expr: string,
  inputDtypes: readonly DType[],
  outDtype: DType,
  domain: Domain,
  extraHelpers?: Record<string, unknown>,
): ElementwiseKernel {
  // A plain copy from int64 into a narrower integer must not pass through a double (which would drop low bits of
  // values beyond 2^53): copy those in the bigint domain, which wraps exactly.
  const exactDomain: Domain =
    domain === 'num' &&
    expr === 'x0' &&
    inputDtypes[0] === 'int64' &&
    outDtype !== 'bool' &&
    !FLOAT_DTYPES.has(outDtype)
      ? 'big'
      : domain;
  // A numeric key (4 bits per dtype) under the expression string: this lookup runs on every op call.
  let key = DTYPE_CODES[outDtype] * 2 + (exactDomain === 'big' ? 1 : 0);
  for (let i = 0; i < inputDtypes.length; i++) key = key * 16 + DTYPE_CODES[inputDtypes[i]!] + 1;
  let byDtypes = cache.get(expr);
  if (byDtypes === undefined) {
    byDtypes = new Map();
    cache.set(expr, byDtypes);
  }
  let kernel = byDtypes.get(key);
  if (kernel === undefined) {
    kernel = compile(expr, inputDtypes, outDtype, exactDomain, extraHelpers ?? {});
    byDtypes.set(key, kernel);
  }
  return kernel;
}

function compile(
  expr: string,
  inputDtypes: readonly DType[],
  outDtype: DType,
  domain: Domain,
  extraHelpers: Record<string, unknown>,
): ElementwiseKernel {
  const n = inputDtypes.length;
  const ids = [...Array(n).keys()];
  const lines: string[] = [];
  lines.push('const nd = shape.length;');
  lines.push('let t;');
  for (const i of ids) {
    lines.push(`const a${i} = inputs[${i}], s${i} = inputStrides[${i}], f${i} = inputOffsets[${i}];`);
  }
  lines.push('const p0 = params[0], p1 = params[1], p2 = params[2], p3 = params[3];');
  const loads = (index: (i: number) => string) =>
    ids.map((i) => `const x${i} = ${loadExpr(inputDtypes[i]!, `a${i}`, index(i), domain)};`).join(' ');
  // Flat fast path: every operand contiguous over the whole (coalesced) range.
  lines.push(`if (nd === 1 && outStrides[0] === 1${ids.map((i) => ` && s${i}[0] === 1`).join('')}) {`);
  lines.push('  const len = shape[0];');
  lines.push('  for (let i = 0; i < len; i++) {');
  lines.push(`    ${loads((i) => `f${i} + i`)}`);
  lines.push(`    ${storeStmt(outDtype, 'out', 'outOffset + i', expr, domain)}`);
  lines.push('  }');
  lines.push('  return;');
  lines.push('}');
  lines.push('const last = nd - 1;');
  lines.push('const len = shape[last], os = outStrides[last];');
  for (const i of ids) lines.push(`const is${i} = s${i}[last];`);
  lines.push('let outer = 1; for (let d = 0; d < last; d++) outer *= shape[d];');
  lines.push('const counter = new Int32Array(nd);');
  lines.push(`let ob = outOffset${ids.map((i) => `, b${i} = f${i}`).join('')};`);
  lines.push('for (let r = 0; r < outer; r++) {');
  lines.push(`  let oi = ob${ids.map((i) => `, i${i} = b${i}`).join('')};`);
  lines.push('  for (let j = 0; j < len; j++) {');
  lines.push(`    ${loads((i) => `i${i}`)}`);
  lines.push(`    ${storeStmt(outDtype, 'out', 'oi', expr, domain)}`);
  lines.push(`    oi += os;${ids.map((i) => ` i${i} += is${i};`).join('')}`);
  lines.push('  }');
  lines.push('  for (let d = last - 1; d >= 0; d--) {');
  lines.push(`    ob += outStrides[d];${ids.map((i) => ` b${i} += s${i}[d];`).join('')}`);
  lines.push('    if (++counter[d] < shape[d]) break;');
  lines.push(
    `    ob -= outStrides[d] * shape[d];${ids.map((i) => ` b${i} -= s${i}[d] * shape[d];`).join('')}`,
  );
  lines.push('    counter[d] = 0;');
  lines.push('  }');
  lines.push('}');
  const helpers = { ...HELPERS, ...extraHelpers };
  const names = Object.keys(helpers);
  // The sourceURL names each kernel after its expression in profiles and stack traces (otherwise all are `kernel`).
  const label = `${expr.replace(/[^A-Za-z0-9_.+*\-/]+/g, '_').slice(0, 60)}-${outDtype}`;
  const body = `return function kernel(shape, out, outStrides, outOffset, inputs, inputStrides, inputOffsets, params) {\n${lines.join('\n')}\n};\n//# sourceURL=proj-kernel/${label}.js`;
  const factory = new Function(...names, body) as (...h: unknown[]) => ElementwiseKernel;
  return factory(...names.map((k) => helpers[k as keyof typeof helpers]));
}

/**
 * Merges adjacent dims that every operand walks contiguously, and drops size-1 dims, so kernels run long inner
 * loops. Returns the coalesced shape and strides (first entry of `strides` is the output).
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const k = outShape.length - 1;
    if (k >= 0 && strides.every((s, j) => outStrides[j]![k] === s[d]! * size)) {
      outShape[k] = outShape[k]! * size;
      strides.forEach((s, j) => {
        outStrides[j]![k] = s[d]!;
      });
    } else {
      outShape.push(size);
      strides.forEach((s, j) => {
        outStrides[j]!.push(s[d]!);
      });
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: outShape, strides: outStrides };
}
