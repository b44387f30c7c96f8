/**
 * CPU reduction and scan kernels, generated like the elementwise ones (see NOTE [Why generate code] in
 * codegen.ts). A reduction walks the kept dims with an odometer and, for each output element, the reduced dims as
 * one strided line when they coalesce, or through a precomputed offset table otherwise.
 */
import type { DType, TypedArray } from '../../dtype.js';
import { BFLOAT_TO_FLOAT, floatToBfloat, floatToHalf, HALF_TO_FLOAT } from '../../internal/half.js';
import type { ArgReduceOpName, ReduceOpName, ScanOpName } from '../../kernel-names.js';
import { hostData, type Tensor } from '../../tensor.js';
import { coalesce, type Domain, loadExpr, numberToInt64, storeStmt } from './codegen.js';

const HELPERS = {
  H: HALF_TO_FLOAT,
  B: BFLOAT_TO_FLOAT,
  toHalf: floatToHalf,
  toBfloat: floatToBfloat,
  toBig: numberToInt64,
};

interface ReduceExpr {
  init: string;
  step: string;
}

const REDUCE: Record<ReduceOpName, { num: ReduceExpr; big: ReduceExpr }> = {
  sum: { num: { init: '0', step: 'acc += x;' }, big: { init: '0n', step: 'acc += x;' } },
  nansum: { num: { init: '0', step: 'if (x === x) acc += x;' }, big: { init: '0n', step: 'acc += x;' } },
  sumSquares: { num: { init: '0', step: 'acc += x * x;' }, big: { init: '0n', step: 'acc += x * x;' } },
  prod: {
    num: { init: '1', step: 'acc *= x;' },
    big: { init: '1n', step: 'acc = BigInt.asIntN(64, acc * x);' },
  },
  max: {
    num: { init: '-Infinity', step: 'if (x > acc || x !== x) { acc = x; if (x !== x) break; }' },
    big: { init: '-(2n ** 63n)', step: 'if (x > acc) acc = x;' },
  },
  min: {
    num: { init: 'Infinity', step: 'if (x < acc || x !== x) { acc = x; if (x !== x) break; }' },
    big: { init: '2n ** 63n - 1n', step: 'if (x < acc) acc = x;' },
  },
  all: {
    num: { init: '1', step: 'if (x === 0) { acc = 0; break; }' },
    big: { init: '1', step: 'if (x === 0n) { acc = 0; break; }' },
  },
  any: {
    num: { init: '0', step: 'if (x !== 0) { acc = 1; break; }' },
    big: { init: '0', step: 'if (x !== 0n) { acc = 1; break; }' },
  },
  countNonzero: {
    num: { init: '0', step: 'if (x !== 0) acc++;' },
    big: { init: '0', step: 'if (x !== 0n) acc++;' },
  },
};

type LineKernel = (
  outerShape: readonly number[],
  outerStrides: readonly number[],
  out: TypedArray,
  input: TypedArray,
  inputOffset: number,
  lineLength: number,
  lineStride: number,
  lineOffsets: Int32Array | null,
) => void;

const cache = new Map<string, LineKernel>();

function compileReduce(op: ReduceOpName, inDtype: DType, outDtype: DType, domain: Domain): LineKernel {
  const key = `${op}|${inDtype}|${outDtype}|${domain}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const { init, step } = REDUCE[op][domain];
  // biome-ignore format: generated code
  const body = `
return function reduce(outerShape, outerStrides, out, a, aOffset, len, stride, offsets) {
  const nd = outerShape.length;
  let t;
  let outer = 1; for (let d = 0; d < nd; d++) outer *= outerShape[d];
  const counter = new Int32Array(nd);
  let base = aOffset;
  for (let r = 0; r < outer; r++) {
    let acc = ${init};
    if (offsets === null) {
      for (let j = 0, p = base; j < len; j++, p += stride) { const x = ${loadExpr(inDtype, 'a', 'p', domain)}; ${step} }
    } else {
      for (let j = 0; j < len; j++) { const x = ${loadExpr(inDtype, 'a', 'base + offsets[j]', domain)}; ${step} }
    }
    ${storeStmt(outDtype, 'out', 'r', 'acc', domain === 'big' && (op === 'all' || op === 'any' || op === 'countNonzero') ? 'num' : domain)}
    for (let d = nd - 1; d >= 0; d--) {
      base += outerStrides[d];
      if (++counter[d] < outerShape[d]) break;
      base -= outerStrides[d] * outerShape[d];
      counter[d] = 0;
    }
  }
};`;
  const names = Object.keys(HELPERS);
  const kernel = new Function(...names, body)(
    ...names.map((k) => HELPERS[k as keyof typeof HELPERS]),
  ) as LineKernel;
  cache.set(key, kernel);
  return kernel;
}

/** Splits a tensor's dims into kept (outer) and reduced (line) parts, coalescing the reduced part. */
function splitDims(input: Tensor, dims: readonly number[]) {
  const reduced = new Set(dims);
  const outerShape: number[] = [];
  const outerStrides: number[] = [];
  const innerShape: number[] = [];
  const innerStrides: number[] = [];
  input._shape.forEach((size, d) => {
    if (reduced.has(d)) {
      innerShape.push(size);
      innerStrides.push(input._strides[d]!);
    } else {
      outerShape.push(size);
      outerStrides.push(input._strides[d]!);
    }
  });
  const inner = coalesce(innerShape, [innerStrides]);
  let lineLength = 1;
  for (const s of inner.shape) lineLength *= s;
  let lineOffsets: Int32Array | null = null;
  let lineStride = inner.strides[0]![0]!;
  if (inner.shape.length > 1) {
    lineOffsets = new Int32Array(lineLength);
    const shape = inner.shape;
    const strides = inner.strides[0]!;
    const counter = new Array<number>(shape.length).fill(0);
    let offset = 0;
    for (let j = 0; j < lineLength; j++) {
      lineOffsets[j] = offset;
      for (let d = shape.length - 1; d >= 0; d--) {
        offset += strides[d]!;
        if (++counter[d]! < shape[d]!) break;
        offset -= strides[d]! * shape[d]!;
        counter[d] = 0;
      }
    }
    lineStride = 0;
  }
  if (innerShape.length === 0) {
    lineLength = 1;
    lineStride = 0;
  }
  return { outerShape, outerStrides, lineLength, lineStride, lineOffsets };
}

/** Reduces `input` over `dims` into the contiguous `out`. */
export function reduceKernel(
  op: ReduceOpName,
  out: Tensor,
  input: Tensor,
  dims: readonly number[],
  computeDtype: DType,
) {
  const domain: Domain = computeDtype === 'int64' ? 'big' : 'num';
  const { outerShape, outerStrides, lineLength, lineStride, lineOffsets } = splitDims(input, dims);
  const kernel = compileReduce(op, input.dtype, out.dtype, domain);
  kernel(
    outerShape,
    outerStrides,
    hostData(out),
    hostData(input),
    input._offset,
    lineLength,
    lineStride,
    lineOffsets,
  );
}

/** Max/min along `dim` with first-occurrence indices (NaN wins, as in PyTorch). */
export function argReduceKernel(
  op: ArgReduceOpName,
  values: Tensor | null,
  indices: Tensor,
  input: Tensor,
  dim: number,
) {
  const { outerShape, outerStrides, lineLength, lineStride } = splitDims(input, [dim]);
  const domain: Domain = input.dtype === 'int64' ? 'big' : 'num';
  const key = `arg|${op}|${input.dtype}|${values?.dtype}`;
  let kernel = cache.get(key) as unknown as ArgKernel | undefined;
  if (kernel === undefined) {
    const better = op === 'max' ? 'x > best' : 'x < best';
    const nanCheck = domain === 'num' ? 'if (x !== x) { best = x; bestIndex = j; break; }' : '';
    // biome-ignore format: generated code
    const body = `
return function arg(outerShape, outerStrides, values, indices, a, aOffset, len, stride) {
  const nd = outerShape.length;
  let t;
  let outer = 1; for (let d = 0; d < nd; d++) outer *= outerShape[d];
  const counter = new Int32Array(nd);
  let base = aOffset;
  for (let r = 0; r < outer; r++) {
    let best = ${loadExpr(input.dtype, 'a', 'base', domain)}, bestIndex = 0;
    if (best !== best) { bestIndex = 0; } else
    for (let j = 1, p = base + stride; j < len; j++, p += stride) {
      const x = ${loadExpr(input.dtype, 'a', 'p', domain)};
      ${nanCheck}
      if (${better}) { best = x; bestIndex = j; }
    }
    if (values !== null) { ${values === null ? '' : storeStmt(values.dtype, 'values', 'r', 'best', domain)} }
    indices[r] = BigInt(bestIndex);
    for (let d = nd - 1; d >= 0; d--) {
      base += outerStrides[d];
      if (++counter[d] < outerShape[d]) break;
      base -= outerStrides[d] * outerShape[d];
      counter[d] = 0;
    }
  }
};`;
    const names = Object.keys(HELPERS);
    kernel = new Function(...names, body)(
      ...names.map((k) => HELPERS[k as keyof typeof HELPERS]),
    ) as ArgKernel;
    cache.set(key, kernel as unknown as LineKernel);
  }
  kernel(
    outerShape,
    outerStrides,
    values === null ? null : hostData(values),
    hostData(indices),
    hostData(input),
    input._offset,
    lineLength,
    lineStride,
  );
}

type ArgKernel = (
  outerShape: readonly number[],
  outerStrides: readonly number[],
  values: TypedArray | null,
  indices: TypedArray,
  input: TypedArray,
  inputOffset: number,
  lineLength: number,
  lineStride: number,
) => void;

const SCAN: Record<ScanOpName, { num: string; big: string; init: [string, string] }> = {
  cumsum: { num: 'acc += x;', big: 'acc += x;', init: ['0', '0n'] },
  cumprod: { num: 'acc *= x;', big: 'acc = BigInt.asIntN(64, acc * x);', init: ['1', '1n'] },
  // PyTorch: a NaN always takes over (so the index moves to the latest NaN); after that nothing else does.
  cummax: {
    num: 'if (x !== x || (acc === acc && x >= acc)) { acc = x; idx = j; }',
    big: 'if (x >= acc || j === 0) { acc = x; idx = j; }',
    init: ['-Infinity', '0n'],
  },
  cummin: {
    num: 'if (x !== x || (acc === acc && x <= acc)) { acc = x; idx = j; }',
    big: 'if (x <= acc || j === 0) { acc = x; idx = j; }',
    init: ['Infinity', '0n'],
  },
  // PyTorch's _log_add_exp_helper: equal infinities stay as they are (no inf - inf).
  logcumsumexp: {
    num: 'if (j === 0) acc = x; else { const lo = Math.min(acc, x), hi = Math.max(acc, x); if (lo !== hi || Number.isFinite(lo)) acc = hi + Math.log1p(Math.exp(lo - hi)); }',
    big: 'acc += x;',
    init: ['-Infinity', '0n'],
  },
};

type ScanKernel = (
  outerShape: readonly number[],
  inStrides: readonly number[],
  outStrides: readonly number[],
  out: TypedArray,
  outOffset: number,
  input: TypedArray,
  inOffset: number,
  len: number,
  inStride: number,
  outStride: number,
  indices: TypedArray | null,
) => void;

/** Inclusive scan along `dim`; for cummax/cummin also the running index (last occurrence on ties, as PyTorch). */
export function scanKernel(
  op: ScanOpName,
  out: Tensor,
  input: Tensor,
  dim: number,
  computeDtype: DType,
  indices?: Tensor,
) {
  const domain: Domain = computeDtype === 'int64' ? 'big' : 'num';
  const key = `scan|${op}|${input.dtype}|${out.dtype}|${domain}`;
  let kernel = cache.get(key) as unknown as ScanKernel | undefined;
  if (kernel === undefined) {
    const spec = SCAN[op];
    // biome-ignore format: generated code
    const body = `
return function scan(outerShape, inStrides, outStrides, out, outOffset, a, aOffset, len, inStride, outStride, indices) {
  const nd = outerShape.length;
  let t;
  let outer = 1; for (let d = 0; d < nd; d++) outer *= outerShape[d];
  const counter = new Int32Array(nd);
  let ib = aOffset, ob = outOffset, r = 0;
  for (let q = 0; q < outer; q++) {
    let acc = ${domain === 'big' ? spec.init[1] : spec.init[0]}, idx = 0;
    for (let j = 0, p = ib, o = ob; j < len; j++, p += inStride, o += outStride) {
      const x = ${loadExpr(input.dtype, 'a', 'p', domain)};
      ${domain === 'big' ? spec.big : spec.num}
      ${storeStmt(out.dtype, 'out', 'o', 'acc', domain)}
      if (indices !== null) indices[o - outOffset] = BigInt(idx);
    }
    for (let d = nd - 1; d >= 0; d--) {
      ib += inStrides[d]; ob += outStrides[d];
      if (++counter[d] < outerShape[d]) break;
      ib -= inStrides[d] * outerShape[d]; ob -= outStrides[d] * outerShape[d];
      counter[d] = 0;
    }
  }
};`;
    const names = Object.keys(HELPERS);
    kernel = new Function(...names, body)(
      ...names.map((k) => HELPERS[k as keyof typeof HELPERS]),
    ) as ScanKernel;
    cache.set(key, kernel as unknown as LineKernel);
  }
  const outerShape: number[] = [];
  const inStrides: number[] = [];
  const outStrides: number[] = [];
  input._shape.forEach((size, d) => {
    if (d === dim) return;
    outerShape.push(size);
    inStrides.push(input._strides[d]!);
    outStrides.push(out._strides[d]!);
  });
  kernel(
    outerShape,
    inStrides,
    outStrides,
    hostData(out),
    out._offset,
    hostData(input),
    input._offset,
    input._shape[dim] ?? 1,
    input._strides[dim] ?? 0,
    out._strides[dim] ?? 0,
    indices === undefined ? null : hostData(indices),
  );
}
