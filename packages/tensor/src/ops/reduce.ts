/**
 * Reductions (`sum`, `mean`, `prod`, `max`/`min` with indices, `amax`, `argmax`, `var`/`std`, `norm`,
 * `logsumexp`, `all`/`any`...), scans (`cumsum`, `cumprod`, `cummax`...), and `softmax`/`logSoftmax`.
 * Dims may be a number or a list; `keepdim` and `dtype` are accepted positionally or by name, as in PyTorch.
 */
import { getBackend } from '../backend.js';
import { dispatch } from '../dispatch.js';
import { type DType, isFloatingPoint, scalarTypeName } from '../dtype.js';
import { IndexError, RuntimeError } from '../errors.js';
import type { ArgReduceOpName, ReduceOpName, ScanOpName } from '../kernel-names.js';
import { wrapDim, wrapDims } from '../layout.js';
import { sparseNotImplemented, Tensor, type TensorOrScalar } from '../tensor.js';
import { abs, add, div, exp, log, maximum, minimum, mul, pow, sqrt, sub, where } from './elementwise.js';
import { contiguousCopy, emptyTensor, floatResult, scalarTensor } from './helpers.js';
import { sparseNorm } from './sparse.js';

/** Reduction options. */
export interface ReduceOptions {
  dim?: number | readonly number[] | null;
  keepdim?: boolean;
  dtype?: DType;
}

/** `values` and `indices` of `max(dim)`-style ops, usable as a tuple or by name. */
export type ValuesIndices = [Tensor, Tensor] & { values: Tensor; indices: Tensor };

/** Builds a `(values, indices)` pair that destructures like PyTorch's named tuple. */
export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.assign([values, indices] as [Tensor, Tensor], { values, indices });
}

type DimArg = number | readonly number[] | null | undefined | ReduceOptions;

/** Normalises `(dim?, keepdim?, options?)` call forms. */
export function reduceArgs(
  dim: DimArg,
  keepdim?: boolean | ReduceOptions,
  options?: ReduceOptions,
): Required<Pick<ReduceOptions, 'keepdim'>> & ReduceOptions {
  let opts: ReduceOptions = {};
  if (dim !== null && typeof dim === 'object' && !Array.isArray(dim)) opts = { ...(dim as ReduceOptions) };
  else opts.dim = dim as number | readonly number[] | null | undefined;
  if (typeof keepdim === 'object') opts = { ...opts, ...keepdim };
  else if (keepdim !== undefined) opts.keepdim = keepdim;
  if (options !== undefined) opts = { ...opts, ...options };
  return { ...opts, keepdim: opts.keepdim ?? false };
}

/** The dims a reduction covers (all when `dim` is absent or an empty list). */
export function reductionDims(x: Tensor, dim: number | readonly number[] | null | undefined): number[] {
  if (dim === null || dim === undefined) return x._shape.map((_, i) => i);
  const list = typeof dim === 'number' ? [dim] : dim;
  if (list.length === 0) return x._shape.map((_, i) => i);
  if (x.dim() === 0) {
    for (const d of list) wrapDim(d, 0);
    return [];
  }
  return wrapDims(list, x.dim()).sort((a, b) => a - b);
}

/** Whether the caller named dims (PyTorch's `sum(x)` and `sum(x, dim)` are different overloads, e.g. for grad_fn names). */
function hasDim(dim: number | readonly number[] | null | undefined): boolean {
  return dim !== undefined && dim !== null;
}

/** Output shape of a reduction over `dims`. */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((size, i) => {
    if (dims.includes(i)) {
      if (keepdim) out.push(1);
    } else out.push(size);
  });
  return out;
}

function runReduce(
  op: ReduceOpName,
  name: string,
  x: Tensor,
  dims: number[],
  keepdim: boolean,
  outDtype: DType,
  computeDtype: DType,
): Tensor {
  const out = emptyTensor(reducedShape(x._shape, dims, keepdim), outDtype, x.device);
  getBackend(x.device).reduce(op, out, x, dims, computeDtype);
  void name;
  return out;
}

function castIfNeeded(x: Tensor, dtype: DType | undefined): Tensor {
  return dtype === undefined || dtype === x.dtype ? x : contiguousCopy(x, dtype);
}

/** `torch.sum(x, dim?, keepdim?, { dtype })`: integer and bool inputs sum to int64 as in PyTorch. */
export function sum(
  x: Tensor,
  dim?: DimArg,
  keepdim?: boolean | ReduceOptions,
  options?: ReduceOptions,
): Tensor {
  const o = reduceArgs(dim, keepdim, options);
  const dims = reductionDims(x, o.dim);
  return dispatch(
    'sum',
    [x],
    { dim: dims, keepdim: o.keepdim, explicitDim: hasDim(o.dim), dtype: o.dtype },
    () => {
      const input = castIfNeeded(x, o.dtype);
      const outDtype = isFloatingPoint(input.dtype) ? input.dtype : 'int64';
      return runReduce(
        'sum',
        'sum',
        input,
        dims,
        o.keepdim,
        outDtype,
        outDtype === 'int64' && input.dtype === 'int64' ? 'int64' : 'float64',
      );
    },
  );
}

/** `torch.nansum`: sum treating NaN as zero. */
export function nansum(
  x: Tensor,
  dim?: DimArg,
  keepdim?: boolean | ReduceOptions,
  options?: ReduceOptions,
): Tensor {
  const o = reduceArgs(dim, keepdim, options);
  const dims = reductionDims(x, o.dim);
  return dispatch('nansum', [x], { dim: dims, keepdim: o.keepdim, explicitDim: hasDim(o.dim) }, () => {
    const input = castIfNeeded(x, o.dtype);
    const outDtype = isFloatingPoint(input.dtype) ? input.dtype : 'int64';
    return runReduce(
      'nansum',
      'nansum',
      input,
      dims,
      o.keepdim,
      outDtype,
      outDtype === 'int64' && input.dtype === 'int64' ? 'int64' : 'float64',
    );
  });
}

function reductionCount(x: Tensor, dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= x._shape[d]!;
  return n;
}

/** `torch.mean`: floating inputs only (pass `{ dtype }` to average integers), as in PyTorch. */
export function mean(
  x: Tensor,
  dim?: DimArg,
  keepdim?: boolean | ReduceOptions,
  options?: ReduceOptions,
): Tensor {
  const o = reduceArgs(dim, keepdim, options);
  const dtype = o.dtype ?? x.dtype;
  if (!isFloatingPoint(dtype)) {
    throw new RuntimeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalarTypeName(dtype)}`,
    );
  }
  const dims = reductionDims(x, o.dim);
  return dispatch(
    'mean',
    [x],
    { dim: dims, keepdim: o.keepdim, explicitDim: hasDim(o.dim), dtype: o.dtype },
    () => {
      const input = castIfNeeded(x, dtype);
      const total = runReduce('sum', 'mean', input, dims, o.keepdim, 'float64', 'float64');
      const count = reductionCount(x, dims);
      return contiguousCopy(div(total, count), dtype);
    },
  );
}

/** `torch.nanmean`: mean over the non-NaN elements. */
export function nanmean(
  x: Tensor,
  dim?: DimArg,
  keepdim?: boolean | ReduceOptions,
  options?: ReduceOptions,
): Tensor {
  const o = reduceArgs(dim, keepdim, options);
  if (!isFloatingPoint(x.dtype)) {
    throw new RuntimeError(
      `nanmean(): expected input to have floating point dtype but got ${scalarTypeName(x.dtype)}`,
    );
  }
  const dims = reductionDims(x, o.dim);
  return dispatch('nanmean', [x], { dim: dims, keepdim: o.keepdim, explicitDim: hasDim(o.dim) }, () => {
    const total = runReduce('nansum', 'nanmean', x, dims, o.keepdim, 'float64', 'float64');
    const notNan = x.isnan().logicalNot();
    const count = runReduce('countNonzero', 'nanmean', notNan, dims, o.keepdim, 'float64', 'float64');
    return contiguousCopy(div(total, count), o.dtype ?? x.dtype);
  });
}

/** `torch.prod`. */
export function prod(
  x: Tensor,
  dim?: number | ReduceOptions,
  keepdim?: boolean | ReduceOptions,
  options?: ReduceOptions,
): Tensor {
  const o = reduceArgs(dim, keepdim, options);
  const dims = reductionDims(x, o.dim);
  return dispatch('prod', [x], { dim: dims, keepdim: o.keepdim, explicitDim: hasDim(o.dim) }, () => {
    const input = castIfNeeded(x, o.dtype);
    const outDtype = isFloatingPoint(input.dtype) ? input.dtype : 'int64';
    return runReduce(
      'prod',
      'prod',
      input,
      dims,
      o.keepdim,
      outDtype,
      outDtype === 'int64' ? 'int64' : 'float64',
    );
  });
}

function checkNonEmpty(x: Tensor, name: string, dims: readonly number[] | null): void {
  if (x.numel() !== 0) return;
  if (dims === null) {
    throw new RuntimeError(
      `${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
    );
  }
  for (const d of dims) {
    if (x._shape[d] === 0) {
      throw new IndexError(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
    }
  }
}

/** `torch.amax(x, dim?, keepdim?)`: maximum over dims, NaN-propagating. */
export function amax(x: Tensor, dim?: DimArg, keepdim?: boolean | ReduceOptions): Tensor {
  return extremum('max', 'amax', x, dim, keepdim);
}

/** `torch.amin(x, dim?, keepdim?)`. */
export function amin(x: Tensor, dim?: DimArg, keepdim?: boolean | ReduceOptions): Tensor {
  return extremum('min', 'amin', x, dim, keepdim);
}

function extremum(
  op: 'max' | 'min',
  name: string,
  x: Tensor,
  dim: DimArg,
  keepdim?: boolean | ReduceOptions,
): Tensor {
  const o = reduceArgs(dim, keepdim);
  const dims = reductionDims(x, o.dim);
  checkNonEmpty(x, name, o.dim === undefined || o.dim === null ? null : dims);
  return dispatch(name, [x], { dim: dims, keepdim: o.keepdim }, () =>
    runReduce(op, name, x, dims, o.keepdim, x.dtype, x.dtype === 'int64' ? 'int64' : 'float64'),
  );
}

/**
 * `torch.max(x)` (the maximum), `torch.max(x, dim, keepdim?)` (values and first indices), or
 * `torch.max(x, other)` (elementwise `maximum`).
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
export function max(
  x: Tensor,
  dim?: number | Tensor,
  keepdim?: boolean | { keepdim?: boolean },
): Tensor | ValuesIndices {
  if (dim instanceof Tensor) return maximum(x, dim);
  if (dim === undefined) return extremumAll('max', x);
  return extremumDim('max', x, dim, keepdim);
}

/** `torch.min`: see `max`. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
export function min(
  x: Tensor,
  dim?: number | Tensor,
  keepdim?: boolean | { keepdim?: boolean },
): Tensor | ValuesIndices {
  if (dim instanceof Tensor) return minimum(x, dim);
  if (dim === undefined) return extremumAll('min', x);
  return extremumDim('min', x, dim, keepdim);
}

function extremumAll(op: 'max' | 'min', x: Tensor): Tensor {
  checkNonEmpty(x, op, null);
  return dispatch(op, [x], {}, () =>
    runReduce(
      op,
      op,
      x,
      x._shape.map((_, i) => i),
      false,
      x.dtype,
      x.dtype === 'int64' ? 'int64' : 'float64',
    ),
  );
}

function extremumDim(
  op: ArgReduceOpName,
  x: Tensor,
  dim: number,
  keepdim?: boolean | { keepdim?: boolean },
): ValuesIndices {
  const keep = typeof keepdim === 'object' ? (keepdim.keepdim ?? false) : (keepdim ?? false);
  const d = x.dim() === 0 ? (wrapDim(dim, 0), 0) : wrapDim(dim, x.dim());
  if (x.dim() > 0) checkNonEmpty(x, op, [d]);
  const outputs = dispatch(`${op}Dim`, [x], { dim: d, keepdim: keep }, () => {
    const input = x.dim() === 0 ? x.reshape(1) : x;
    const shape = reducedShape(input._shape, [d], keep && x.dim() > 0);
    const values = emptyTensor(shape, x.dtype, x.device);
    const indices = emptyTensor(shape, 'int64', x.device);
    getBackend(x.device).argReduce(op, values, indices, input, d);
    return [values, indices];
  });
  return valuesIndices(outputs[0]!, outputs[1]!);
}

function argExtremum(
  op: ArgReduceOpName,
  name: string,
  x: Tensor,
  dim?: number | null | { dim?: number | null; keepdim?: boolean },
  keepdim?: boolean,
): Tensor {
  let d: number | null | undefined = dim as number | null | undefined;
  let keep = keepdim ?? false;
  if (dim !== null && typeof dim === 'object') {
    d = dim.dim;
    keep = dim.keepdim ?? keep;
  }
  if (d === undefined || d === null) {
    if (x.numel() === 0) {
      throw new IndexError(`${name}(): Expected reduction dim to be specified for input.numel() == 0.`);
    }
    const flat = x.reshape(-1);
    const indices = emptyTensor([], 'int64', x.device);
    getBackend(x.device).argReduce(op, null, indices, flat, 0);
    return keep ? indices.reshape(x._shape.map(() => 1)) : indices;
  }
  const w = x.dim() === 0 ? (wrapDim(d, 0), 0) : wrapDim(d, x.dim());
  if (x.dim() > 0) checkNonEmpty(x, name, [w]);
  const input = x.dim() === 0 ? x.reshape(1) : x;
  const indices = emptyTensor(reducedShape(input._shape, [w], keep && x.dim() > 0), 'int64', x.device);
  getBackend(x.device).argReduce(op, null, indices, input, w);
  return indices;
}

/** `torch.argmax(x, dim?, keepdim?)`: index of the first maximum (NaN counts as maximum). */
export function argmax(
  x: Tensor,
  dim?: number | null | { dim?: number | null; keepdim?: boolean },
  keepdim?: boolean,
): Tensor {
  return argExtremum('max', 'argmax', x, dim, keepdim);
}

/** `torch.argmin`. */
export function argmin(
  x: Tensor,
  dim?: number | null | { dim?: number | null; keepdim?: boolean },
  keepdim?: boolean,
): Tensor {
  return argExtremum('min', 'argmin', x, dim, keepdim);
}

function logical(op: 'all' | 'any', x: Tensor, dim?: DimArg, keepdim?: boolean | ReduceOptions): Tensor {
  const o = reduceArgs(dim, keepdim);
  const dims = reductionDims(x, o.dim);
  // PyTorch keeps uint8 for uint8 inputs and returns bool otherwise.
  const outDtype: DType = x.dtype === 'uint8' ? 'uint8' : 'bool';
  return runReduce(op, op, x, dims, o.keepdim, outDtype, x.dtype === 'int64' ? 'int64' : 'float64');
}

/** `torch.all`. */
export function all(x: Tensor, dim?: DimArg, keepdim?: boolean | ReduceOptions): Tensor {
  return logical('all', x, dim, keepdim);
}

/** `torch.any`. */
export function any(x: Tensor, dim?: DimArg, keepdim?: boolean | ReduceOptions): Tensor {
  return logical('any', x, dim, keepdim);
}

/** `torch.count_nonzero(x, dim?)`. */
export function countNonzero(x: Tensor, dim?: number | readonly number[] | null): Tensor {
  const dims = reductionDims(x, dim);
  return runReduce(
    'countNonzero',
    'countNonzero',
    x,
    dims,
    false,
    'int64',
    x.dtype === 'int64' ? 'int64' : 'float64',
  );
}

/** Options of `var`/`std`. */
export interface VarOptions extends ReduceOptions {
  /** Bessel's correction: 1 (default, unbiased) or 0. */
  correction?: number;
  /** Legacy flag: `unbiased: false` is `correction: 0`. */
  unbiased?: boolean;
}

function varArgs(dim: DimArg | VarOptions, keepdim?: boolean | VarOptions, options?: VarOptions) {
  const o = reduceArgs(dim as DimArg, keepdim, options) as VarOptions & { keepdim: boolean };
  const correction = o.correction ?? (o.unbiased === false ? 0 : 1);
  return { ...o, correction };
}

function varianceImpl(x: Tensor, dims: number[], keepdim: boolean, correction: number): Tensor {
  if (!isFloatingPoint(x.dtype)) {
    throw new RuntimeError(`std and var only support floating point and complex dtypes`);
  }
  const centred = sub(x, mean(x, dims, true));
  const squares = runReduce('sumSquares', 'var', centred, dims, keepdim, 'float64', 'float64');
  const n = reductionCount(x, dims);
  return contiguousCopy(div(squares, Math.max(0, n - correction)), x.dtype);
}

/** `torch.var(x, dim?, { correction, keepdim })`. */
export function variance(
  x: Tensor,
  dim?: DimArg | VarOptions,
  keepdim?: boolean | VarOptions,
  options?: VarOptions,
): Tensor {
  const o = varArgs(dim, keepdim, options);
  const dims = reductionDims(x, o.dim);
  return dispatch('var', [x], { dim: dims, keepdim: o.keepdim, correction: o.correction }, () =>
    varianceImpl(x, dims, o.keepdim, o.correction),
  );
}

/** `torch.std(x, dim?, { correction, keepdim })`. */
export function std(
  x: Tensor,
  dim?: DimArg | VarOptions,
  keepdim?: boolean | VarOptions,
  options?: VarOptions,
): Tensor {
  const o = varArgs(dim, keepdim, options);
  const dims = reductionDims(x, o.dim);
  return dispatch('std', [x], { dim: dims, keepdim: o.keepdim, correction: o.correction }, () =>
    sqrt(varianceImpl(x, dims, o.keepdim, o.correction)),
  );
}

/** `torch.var_mean`: `[var, mean]`. */
export function varMean(
  x: Tensor,
  dim?: DimArg | VarOptions,
  keepdim?: boolean | VarOptions,
  options?: VarOptions,
): [Tensor, Tensor] {
  const o = varArgs(dim, keepdim, options);
  return [variance(x, o), mean(x, o.dim, o.keepdim)];
}

/** `torch.std_mean`: `[std, mean]`. */
export function stdMean(
  x: Tensor,
  dim?: DimArg | VarOptions,
  keepdim?: boolean | VarOptions,
  options?: VarOptions,
): [Tensor, Tensor] {
  const o = varArgs(dim, keepdim, options);
  return [std(x, o), mean(x, o.dim, o.keepdim)];
}

/** `torch.logsumexp(x, dim, keepdim?)`, stable for large inputs and all -inf slices. */
export function logsumexp(
  x: Tensor,
  dim: number | readonly number[],
  keepdim?: boolean | ReduceOptions,
): Tensor {
  const o = reduceArgs(dim, keepdim);
  const dims = reductionDims(x, o.dim);
  return dispatch('logsumexp', [x], { dim: dims, keepdim: o.keepdim }, () => {
    const input = isFloatingPoint(x.dtype) ? x : contiguousCopy(x, floatResult(x.dtype));
    if (input.numel() === 0) return log(sum(exp(input), dims, o.keepdim));
    const m = amax(input, dims, true);
    const finiteMax = where(m.isinf(), scalarTensor(0, input.dtype), m);
    const total = sum(exp(sub(input, finiteMax)), dims, true);
    const result = add(log(total), finiteMax);
    return o.keepdim ? result : result.squeeze(dims);
  });
}

/** `torch.norm(x, p='fro', dim?, keepdim?)`: vector p-norms over dims (matrix norms live in `linalg`). */
export function norm(
  x: Tensor,
  p: number | 'fro' | null = 'fro',
  dim?: number | readonly number[] | null | ReduceOptions,
  keepdim?: boolean | ReduceOptions,
): Tensor {
  if (x._sparse !== null) {
    if (dim !== undefined && dim !== null) throw sparseNotImplemented('norm.ScalarOpt_dim');
    return sparseNorm(x, p);
  }
  const o = reduceArgs(dim as DimArg, keepdim);
  const dims = reductionDims(x, o.dim);
  const order = p === null || p === 'fro' ? 2 : p;
  if (!isFloatingPoint(x.dtype)) {
    throw new RuntimeError(
      `norm(): input dtype should be either floating point or complex. Got ${scalarTypeName(x.dtype)} instead.`,
    );
  }
  return dispatch('norm', [x], { p: order, dim: dims, keepdim: o.keepdim }, () => {
    const a = abs(x);
    if (order === Infinity) return amax(a, dims, o.keepdim);
    if (order === -Infinity) return amin(a, dims, o.keepdim);
    if (order === 0) return contiguousCopy(sum(a.ne(0), dims, o.keepdim), x.dtype);
    if (order === 1) return sum(a, dims, o.keepdim);
    if (order === 2) {
      const squares = runReduce('sumSquares', 'norm', x, dims, o.keepdim, 'float64', 'float64');
      return contiguousCopy(sqrt(squares), x.dtype);
    }
    return pow(sum(pow(a, order), dims, o.keepdim), 1 / order);
  });
}

/** `torch.dist(a, b, p=2)`: the p-norm of `a - b`. */
export function dist(a: Tensor, b: Tensor, p = 2): Tensor {
  return norm(sub(a, b), p);
}

// ---------------------------------------------------------------------------------------------------------------
// Scans

function scan(op: ScanOpName, x: Tensor, dim: number, dtype?: DType): Tensor {
  const d = x.dim() === 0 ? (wrapDim(dim, 0), 0) : wrapDim(dim, x.dim());
  return dispatch(op, [x], { dim: d }, () => {
    const input = castIfNeeded(x, dtype);
    const outDtype =
      op === 'logcumsumexp' ? floatResult(input.dtype) : isFloatingPoint(input.dtype) ? input.dtype : 'int64';
    const source = x.dim() === 0 ? input.reshape(1) : input;
    const out = emptyTensor(source._shape, outDtype, x.device);
    getBackend(x.device).scan(op, out, source, d, outDtype === 'int64' ? 'int64' : 'float64');
    return x.dim() === 0 ? out.reshape([]) : out;
  });
}

/** `torch.cumsum(x, dim, { dtype })`. */
export function cumsum(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return scan('cumsum', x, dim, options?.dtype);
}

/** `torch.cumprod(x, dim, { dtype })`. */
export function cumprod(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return scan('cumprod', x, dim, options?.dtype);
}

/** `torch.logcumsumexp(x, dim)`: floating inputs only, as in PyTorch. */
export function logcumsumexp(x: Tensor, dim: number): Tensor {
  if (!isFloatingPoint(x.dtype)) {
    throw new RuntimeError(`"logcumsumexp_out_cpu" not implemented for '${scalarTypeName(x.dtype)}'`);
  }
  return scan('logcumsumexp', x, dim);
}

function cumExtremum(op: 'cummax' | 'cummin', x: Tensor, dim: number): ValuesIndices {
  const d = x.dim() === 0 ? (wrapDim(dim, 0), 0) : wrapDim(dim, x.dim());
  const outputs = dispatch(op, [x], { dim: d }, () => {
    const source = x.dim() === 0 ? x.reshape(1) : x;
    const values = emptyTensor(source._shape, x.dtype, x.device);
    const indices = emptyTensor(source._shape, 'int64', x.device);
    getBackend(x.device).scan(op, values, source, d, x.dtype === 'int64' ? 'int64' : 'float64', indices);
    return x.dim() === 0 ? [values.reshape([]), indices.reshape([])] : [values, indices];
  });
  return valuesIndices(outputs[0]!, outputs[1]!);
}

/** `torch.cummax(x, dim)`: running maximum and its index. */
export function cummax(x: Tensor, dim: number): ValuesIndices {
  return cumExtremum('cummax', x, dim);
}

/** `torch.cummin(x, dim)`. */
export function cummin(x: Tensor, dim: number): ValuesIndices {
  return cumExtremum('cummin', x, dim);
}

// ---------------------------------------------------------------------------------------------------------------
// softmax

function softmaxImpl(x: Tensor, dim: number, logarithmic: boolean, dtype?: DType): Tensor {
  const d = wrapDim(dim, x.dim());
  if (dtype === undefined && !isFloatingPoint(x.dtype)) {
    const lastDim = x.dim() === 0 || d === x.dim() - 1;
    const kernel = `${logarithmic ? 'log_' : ''}softmax_${lastDim ? 'lastdim_' : ''}kernel_impl`;
    throw new RuntimeError(`"${kernel}" not implemented for '${scalarTypeName(x.dtype)}'`);
  }
  const input = castIfNeeded(x, dtype);
  const fast = fusedSoftmax(input, d, logarithmic);
  if (fast !== null) return fast;
  // Like PyTorch, no special case for infinite maxima: a slice of all -inf (or one with +inf) gives NaN.
  const shifted = sub(input, amax(input, d, true));
  const e = exp(shifted);
  const total = sum(e, d, true);
  return logarithmic ? sub(shifted, log(total)) : div(e, total);
}

/** Single-pass kernel for contiguous float32/float64 rows (the common case in training). */
function fusedSoftmax(x: Tensor, dim: number, logarithmic: boolean): Tensor | null {
  if (x.device !== 'cpu' || (x.dtype !== 'float32' && x.dtype !== 'float64') || !x.isContiguous())
    return null;
  if (dim !== x.dim() - 1 && x.dim() > 0) return null;
  const out = emptyTensor(x._shape, x.dtype, x.device);
  const src = x._storage.data as Float32Array | Float64Array;
  const dst = out._storage.data as Float32Array | Float64Array;
  const cols = x.dim() === 0 ? 1 : x._shape[x.dim() - 1]!;
  const rows = cols === 0 ? 0 : x.numel() / cols;
  const offset = x._offset;
  for (let r = 0; r < rows; r++) {
    const base = offset + r * cols;
    const outBase = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = src[base + j]!;
      if (v > m || v !== v) m = v;
    }
    let total = 0;
    if (logarithmic) {
      for (let j = 0; j < cols; j++) total += Math.exp(src[base + j]! - m);
      const logTotal = Math.log(total);
      for (let j = 0; j < cols; j++) dst[outBase + j] = src[base + j]! - m - logTotal;
    } else {
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(src[base + j]! - m);
        dst[outBase + j] = e;
        total += e;
      }
      const inv = 1 / total;
      for (let j = 0; j < cols; j++) dst[outBase + j] = dst[outBase + j]! * inv;
    }
  }
  return out;
}

/** `torch.softmax(x, dim, { dtype })`. */
export function softmax(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return dispatch('softmax', [x], { dim, dtype: options?.dtype }, () =>
    softmaxImpl(x, dim, false, options?.dtype),
  );
}

/** `torch.log_softmax(x, dim, { dtype })`. */
export function logSoftmax(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return dispatch('logSoftmax', [x], { dim, dtype: options?.dtype }, () =>
    softmaxImpl(x, dim, true, options?.dtype),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Methods

declare module '../tensor.js' {
  interface Tensor {
    sum(dim?: DimArg, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor;
    nansum(dim?: DimArg, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor;
    mean(dim?: DimArg, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor;
    nanmean(dim?: DimArg, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor;
    prod(dim?: number | ReduceOptions, keepdim?: boolean | ReduceOptions, options?: ReduceOptions): Tensor;
    amax(dim?: DimArg, keepdim?: boolean | ReduceOptions): Tensor;
    amin(dim?: DimArg, keepdim?: boolean | ReduceOptions): Tensor;
    max(): Tensor;
    max(other: Tensor): Tensor;
    max(dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
    min(): Tensor;
    min(other: Tensor): Tensor;
    min(dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
    argmax(dim?: number | null | { dim?: number | null; keepdim?: boolean }, keepdim?: boolean): Tensor;
    argmin(dim?: number | null | { dim?: number | null; keepdim?: boolean }, keepdim?: boolean): Tensor;
    all(dim?: DimArg, keepdim?: boolean | ReduceOptions): Tensor;
    any(dim?: DimArg, keepdim?: boolean | ReduceOptions): Tensor;
    countNonzero(dim?: number | readonly number[] | null): Tensor;
    var(dim?: DimArg | VarOptions, keepdim?: boolean | VarOptions, options?: VarOptions): Tensor;
    std(dim?: DimArg | VarOptions, keepdim?: boolean | VarOptions, options?: VarOptions): Tensor;
    logsumexp(dim: number | readonly number[], keepdim?: boolean | ReduceOptions): Tensor;
    norm(
      p?: number | 'fro' | null,
      dim?: number | readonly number[] | null | ReduceOptions,
      keepdim?: boolean | ReduceOptions,
    ): Tensor;
    dist(other: Tensor, p?: number): Tensor;
    cumsum(dim: number, options?: { dtype?: DType }): Tensor;
    cumsum_(dim: number): this;
    cumprod(dim: number, options?: { dtype?: DType }): Tensor;
    logcumsumexp(dim: number): Tensor;
    cummax(dim: number): ValuesIndices;
    cummin(dim: number): ValuesIndices;
    softmax(dim: number, options?: { dtype?: DType }): Tensor;
    logSoftmax(dim: number, options?: { dtype?: DType }): Tensor;
  }
}

const proto = Tensor.prototype;
proto.sum = function (dim, keepdim, options) {
  return sum(this, dim, keepdim, options);
};
proto.nansum = function (dim, keepdim, options) {
  return nansum(this, dim, keepdim, options);
};
proto.mean = function (dim, keepdim, options) {
  return mean(this, dim, keepdim, options);
};
proto.nanmean = function (dim, keepdim, options) {
  return nanmean(this, dim, keepdim, options);
};
proto.prod = function (dim, keepdim, options) {
  return prod(this, dim, keepdim, options);
};
proto.amax = function (dim, keepdim) {
  return amax(this, dim, keepdim);
};
proto.amin = function (dim, keepdim) {
  return amin(this, dim, keepdim);
};
proto.max = function (this: Tensor, dim?: number | Tensor, keepdim?: boolean | { keepdim?: boolean }) {
  return max(this, dim as number, keepdim);
} as Tensor['max'];
proto.min = function (this: Tensor, dim?: number | Tensor, keepdim?: boolean | { keepdim?: boolean }) {
  return min(this, dim as number, keepdim);
} as Tensor['min'];
proto.argmax = function (dim, keepdim) {
  return argmax(this, dim, keepdim);
};
proto.argmin = function (dim, keepdim) {
  return argmin(this, dim, keepdim);
};
proto.all = function (dim, keepdim) {
  return all(this, dim, keepdim);
};
proto.any = function (dim, keepdim) {
  return any(this, dim, keepdim);
};
proto.countNonzero = function (dim) {
  return countNonzero(this, dim);
};
proto.var = function (dim, keepdim, options) {
  return variance(this, dim, keepdim, options);
};
proto.std = function (dim, keepdim, options) {
  return std(this, dim, keepdim, options);
};
proto.logsumexp = function (dim, keepdim) {
  return logsumexp(this, dim, keepdim);
};
proto.norm = function (p, dim, keepdim) {
  return norm(this, p, dim, keepdim);
};
proto.dist = function (other, p) {
  return dist(this, other, p);
};
proto.cumsum = function (dim, options) {
  return cumsum(this, dim, options);
};
proto.cumsum_ = function (dim) {
  return this.copy_(cumsum(this, dim)) as never;
};
proto.cumprod = function (dim, options) {
  return cumprod(this, dim, options);
};
proto.logcumsumexp = function (dim) {
  return logcumsumexp(this, dim);
};
proto.cummax = function (dim) {
  return cummax(this, dim);
};
proto.cummin = function (dim) {
  return cummin(this, dim);
};
proto.softmax = function (dim, options) {
  return softmax(this, dim, options);
};
proto.logSoftmax = function (dim, options) {
  return logSoftmax(this, dim, options);
};

export type { TensorOrScalar as _TensorOrScalar };
/** Re-exported for ops that multiply by reduction counts. */
export { mul as _mul };
