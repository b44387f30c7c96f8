/**
 * The CPU backend: the reference implementation of the backend contract, over JS typed arrays.
 */
import type { Backend } from '../../backend.js';
import { allocArray, type DType, isFloatingPoint, type Scalar, type TypedArray } from '../../dtype.js';
import { NotImplementedError } from '../../errors.js';
import { BFLOAT_TO_FLOAT, floatToBfloat, floatToHalf, HALF_TO_FLOAT } from '../../internal/half.js';
import type { ElementwiseOpName } from '../../kernel-names.js';
import { Storage } from '../../storage.js';
import { hostData, type Tensor } from '../../tensor.js';
import { coalesce, elementwiseKernel, numberToInt64 } from './codegen.js';
import { EXPRESSION_HELPERS, expressionFor } from './expressions.js';
import { dgemm, sgemm } from './gemm.js';
import { argReduceKernel, reduceKernel, scanKernel } from './reduce.js';
import { sortKernel } from './sort.js';

function elementwise(
  op: ElementwiseOpName,
  out: Tensor,
  inputs: readonly Tensor[],
  computeDtype: DType,
  params: readonly Scalar[] = [],
): void {
  const found = expressionFor(op, computeDtype);
  if (found === null) throw new NotImplementedError(`"${op}" not implemented for '${computeDtype}'`);
  if (out.numel() === 0) return;
  const { expr, domain } = found;
  const kernel = elementwiseKernel(
    expr,
    inputs.map((t) => t.dtype),
    out.dtype,
    domain,
    EXPRESSION_HELPERS,
  );
  const arrays: TypedArray[] = [];
  const offsets: number[] = [];
  let contiguous = out.isContiguous();
  for (const t of inputs) {
    arrays.push(hostData(t));
    offsets.push(t._offset);
    if (contiguous && !t.isContiguous()) contiguous = false;
  }
  let shape: readonly number[];
  let outStrides: readonly number[];
  let inputStrides: readonly (readonly number[])[];
  if (contiguous && out.dtype === 'float32' && signFastPath(op, out, inputs, computeDtype, params)) return;
  if (contiguous) {
    // Same shape, all dense: one flat loop (the common case in training), no dim bookkeeping.
    shape = [out.numel()];
    outStrides = UNIT_STRIDE;
    inputStrides =
      inputs.length === 1
        ? UNIT_STRIDES_1
        : inputs.length === 2
          ? UNIT_STRIDES_2
          : inputs.map(() => UNIT_STRIDE);
  } else {
    const coalesced = coalesce(out._shape, [out._strides, ...inputs.map((t) => t._strides)]);
    shape = coalesced.shape;
    outStrides = coalesced.strides[0]!;
    inputStrides = coalesced.strides.slice(1);
  }
  const kernelParams =
    params.length === 0
      ? NO_PARAMS
      : params.map((p) =>
          domain === 'big'
            ? typeof p === 'bigint'
              ? p
              : BigInt(typeof p === 'boolean' ? Number(p) : p)
            : Number(p),
        );
  kernel(shape, hostData(out), outStrides, out._offset, arrays, inputStrides, offsets, kernelParams);
}

// NOTE [Branch-free ReLU]: `x < 0 ? 0 : x` over activations whose signs are random mispredicts a branch on every
// other element, which costs more than the arithmetic (3x on this machine). For contiguous float32 data, ReLU and
// its backward are computed on the bit patterns instead: masks built from the sign, NaN and zero tests select the
// element or +0 with no branch, with exactly the generic kernel's results (-0 and NaN kept as PyTorch keeps them).

function int32View(t: Tensor): Int32Array {
  const data = hostData(t) as Float32Array;
  return new Int32Array(data.buffer, data.byteOffset + t._offset * 4, t.numel());
}

/** ReLU and threshold_backward(threshold 0) on contiguous float32 operands; false when not applicable. */
function signFastPath(
  op: ElementwiseOpName,
  out: Tensor,
  inputs: readonly Tensor[],
  computeDtype: DType,
  params: readonly Scalar[],
): boolean {
  if (computeDtype !== 'float32') return false;
  if (op === 'relu' && inputs[0]!.dtype === 'float32') {
    const source = int32View(inputs[0]!);
    const target = int32View(out);
    for (let i = 0; i < source.length; i++) {
      const bits = source[i]!;
      const magnitude = bits & 0x7fffffff;
      // keep positives, NaNs (magnitude above infinity's) and -0 (magnitude 0); the rest becomes +0
      const keep = ~(bits >> 31) | ((0x7f800000 - magnitude) >> 31) | ((magnitude - 1) >> 31);
      target[i] = bits & keep;
    }
    return true;
  }
  if (op === 'thresholdBackward' && Number(params[0]) === 0) {
    const [grad, output] = inputs as [Tensor, Tensor];
    if (grad.dtype !== 'float32' || output.dtype !== 'float32') return false;
    const gradBits = int32View(grad);
    const outputBits = int32View(output);
    const target = int32View(out);
    for (let i = 0; i < target.length; i++) {
      const bits = outputBits[i]!;
      const magnitude = bits & 0x7fffffff;
      const notANumber = (0x7f800000 - magnitude) >> 31;
      // output <= 0: a zero of either sign, or a negative number that is not NaN
      const kill = ((magnitude - 1) >> 31) | ((bits >> 31) & ~notANumber);
      target[i] = gradBits[i]! & ~kill;
    }
    return true;
  }
  return false;
}

const UNIT_STRIDE: readonly number[] = [1];
const UNIT_STRIDES_1: readonly (readonly number[])[] = [UNIT_STRIDE];
const UNIT_STRIDES_2: readonly (readonly number[])[] = [UNIT_STRIDE, UNIT_STRIDE];
const NO_PARAMS: readonly (number | bigint)[] = [];

/** Encodes a scalar as the raw storage value of `dtype`. */
export function encodeScalar(dtype: DType, value: Scalar): number | bigint {
  if (dtype === 'int64') {
    if (typeof value === 'bigint') return BigInt.asIntN(64, value);
    return numberToInt64(Number(value));
  }
  const v = typeof value === 'bigint' ? Number(value) : Number(value);
  if (dtype === 'float16') return floatToHalf(v);
  if (dtype === 'bfloat16') return floatToBfloat(v);
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  return v;
}

function fill(out: Tensor, value: Scalar): void {
  const data = hostData(out);
  const raw = encodeScalar(out.dtype, value);
  if (out.isContiguous()) {
    (data as { fill(v: number | bigint, s: number, e: number): unknown }).fill(
      raw,
      out._offset,
      out._offset + out.numel(),
    );
    return;
  }
  const { shape, strides } = coalesce(out._shape, [out._strides]);
  const st = strides[0]!;
  const counter = new Array<number>(shape.length).fill(0);
  const total = out.numel();
  let offset = out._offset;
  const last = shape.length - 1;
  const len = shape[last]!;
  const step = st[last]!;
  for (let done = 0; done < total; done += len) {
    for (let j = 0, p = offset; j < len; j++, p += step) data[p] = raw as never;
    for (let d = last - 1; d >= 0; d--) {
      offset += st[d]!;
      if (++counter[d]! < shape[d]!) break;
      offset -= st[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}

/** Reads a 2-d matrix operand: either a direct (possibly transposed) view or a packed float copy. */
function matrixOperand(
  t: Tensor,
  batch: number,
  rows: number,
  cols: number,
): { data: Float32Array | Float64Array; offset: number; ld: number; trans: boolean } {
  const data = hostData(t);
  const [sb, sr, sc] = t._strides as [number, number, number];
  const offset = t._offset + batch * sb;
  if (data instanceof Float32Array || data instanceof Float64Array) {
    if (sc === 1 && (sr >= Math.max(1, cols) || rows <= 1))
      return { data, offset, ld: Math.max(sr, cols, 1), trans: false };
    if (sr === 1 && (sc >= Math.max(1, rows) || cols <= 1))
      return { data, offset, ld: Math.max(sc, rows, 1), trans: true };
  }
  // Anything else (other dtypes, odd strides): pack into a contiguous float64 matrix.
  const packed = new Float64Array(rows * cols);
  const read = reader(t.dtype, data);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) packed[i * cols + j] = read(offset + i * sr + j * sc);
  return { data: packed, offset: 0, ld: Math.max(cols, 1), trans: false };
}

function reader(dtype: DType, data: TypedArray): (i: number) => number {
  if (dtype === 'float16') return (i) => HALF_TO_FLOAT[data[i] as number]!;
  if (dtype === 'bfloat16') return (i) => BFLOAT_TO_FLOAT[data[i] as number]!;
  if (dtype === 'int64') return (i) => Number(data[i]);
  return (i) => data[i] as number;
}

function matmul(out: Tensor, a: Tensor, b: Tensor): void {
  const [batches, m, k] = a._shape as [number, number, number];
  const n = b._shape[2]!;
  const outData = hostData(out);
  if (out.dtype === 'int64' || (!isFloatingPoint(out.dtype) && out.dtype !== 'bool')) {
    integerMatmul(out, a, b);
    return;
  }
  const direct = out.dtype === 'float32' || out.dtype === 'float64';
  const cBuffer = direct ? (outData as Float32Array | Float64Array) : new Float32Array(m * n);
  for (let batch = 0; batch < batches; batch++) {
    const A = matrixOperand(a, batch, m, k);
    const B = matrixOperand(b, batch, k, n);
    const cOffset = direct ? out._offset + batch * m * n : 0;
    if (cBuffer instanceof Float32Array && A.data instanceof Float32Array && B.data instanceof Float32Array) {
      sgemm(
        A.trans,
        B.trans,
        m,
        n,
        k,
        1,
        A.data,
        A.offset,
        A.ld,
        B.data,
        B.offset,
        B.ld,
        0,
        cBuffer,
        cOffset,
        Math.max(n, 1),
      );
    } else {
      const A64 = toFloat64(A, m, k);
      const B64 = toFloat64(B, k, n);
      const C64 = cBuffer instanceof Float64Array ? cBuffer : new Float64Array(m * n);
      dgemm(
        A64.trans,
        B64.trans,
        m,
        n,
        k,
        1,
        A64.data,
        A64.offset,
        A64.ld,
        B64.data,
        B64.offset,
        B64.ld,
        0,
        C64,
        C64 === cBuffer ? cOffset : 0,
        Math.max(n, 1),
      );
      if (C64 !== cBuffer) cBuffer.set(C64, cOffset);
    }
    if (!direct) {
      const base = out._offset + batch * m * n;
      const encode =
        out.dtype === 'float16'
          ? floatToHalf
          : out.dtype === 'bfloat16'
            ? floatToBfloat
            : (v: number) => (v !== 0 ? 1 : 0);
      for (let i = 0; i < m * n; i++) outData[base + i] = encode(cBuffer[i]!) as never;
    }
  }
}

function toFloat64(
  op: { data: Float32Array | Float64Array; offset: number; ld: number; trans: boolean },
  rows: number,
  cols: number,
) {
  if (op.data instanceof Float64Array)
    return op as { data: Float64Array; offset: number; ld: number; trans: boolean };
  const packed = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      packed[i * cols + j] = op.trans
        ? op.data[op.offset + j * op.ld + i]!
        : op.data[op.offset + i * op.ld + j]!;
    }
  }
  return { data: packed, offset: 0, ld: Math.max(cols, 1), trans: false };
}

function integerMatmul(out: Tensor, a: Tensor, b: Tensor): void {
  const [batches, m, k] = a._shape as [number, number, number];
  const n = b._shape[2]!;
  const A = hostData(a);
  const B = hostData(b);
  const C = hostData(out);
  const big = out.dtype === 'int64';
  const [ab, ar, ac] = a._strides as [number, number, number];
  const [bb, br, bc] = b._strides as [number, number, number];
  for (let batch = 0; batch < batches; batch++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const cIndex = out._offset + batch * m * n + i * n + j;
        if (big) {
          let acc = 0n;
          for (let p = 0; p < k; p++) {
            acc +=
              BigInt(A[a._offset + batch * ab + i * ar + p * ac]!) *
              BigInt(B[b._offset + batch * bb + p * br + j * bc]!);
          }
          C[cIndex] = BigInt.asIntN(64, acc) as never;
        } else {
          let acc = 0;
          for (let p = 0; p < k; p++) {
            acc =
              (acc +
                Math.imul(
                  A[a._offset + batch * ab + i * ar + p * ac] as number,
                  B[b._offset + batch * bb + p * br + j * bc] as number,
                )) |
              0;
          }
          C[cIndex] = acc as never;
        }
      }
    }
  }
}

/** The CPU backend object registered under `'cpu'`. */
export const cpuBackend: Backend = {
  name: 'cpu',
  allocate(dtype, length) {
    return new Storage(dtype, allocArray(dtype, length), 'cpu');
  },
  fromHost(dtype, data) {
    return new Storage(dtype, data.slice() as TypedArray, 'cpu');
  },
  toHost(storage) {
    return storage.data;
  },
  elementwise,
  fill,
  reduce: reduceKernel,
  argReduce: argReduceKernel,
  scan: scanKernel,
  matmul,
  sort: sortKernel,
};
