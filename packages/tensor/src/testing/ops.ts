/**
 * The golden cases' op names mapped to our API. Each entry receives the input tensors, PyTorch's positional
 * arguments and its keyword arguments (PyTorch's names), and calls the op the way a user would port the call.
 */
import type { DType } from '../dtype.js';
import * as torch from '../index.js';
import type { Tensor } from '../tensor.js';

/** One op of the golden table. */
export type GoldenOp = (inputs: Tensor[], args: unknown[], kwargs: Record<string, unknown>) => unknown;

type Dims = number | number[];

const n = (v: unknown) => v as number;
const dims = (v: unknown) => v as Dims;

/** Decodes a norm order: numbers, "Infinity"/"-Infinity" as written by the generator, or 'fro'. */
function order(p: unknown): number | 'fro' {
  if (p === 'Infinity') return Number.POSITIVE_INFINITY;
  if (p === '-Infinity') return Number.NEGATIVE_INFINITY;
  return p as number | 'fro';
}

/** `(dim?, keepdim?)` positional plus `keepdim`/`dtype` keywords, as our reduction signature takes them. */
function reduce(
  fn: (x: Tensor, dim?: Dims, keepdim?: boolean, options?: { dtype?: DType; keepdim?: boolean }) => unknown,
): GoldenOp {
  return ([x], args, kwargs) => {
    const options: { dtype?: DType; keepdim?: boolean } = {};
    if (kwargs.dtype !== undefined) options.dtype = kwargs.dtype as DType;
    if (kwargs.keepdim !== undefined) options.keepdim = kwargs.keepdim as boolean;
    return fn(x!, args[0] as Dims | undefined, args[1] as boolean | undefined, options);
  };
}

/** `var`/`std`-style: `(dim?, unbiased?, keepdim?)` positional (PyTorch's legacy order) and keywords. */
function variance(fn: (x: Tensor, options: torch.VarOptions) => unknown): GoldenOp {
  return ([x], args, kwargs) => {
    const options: torch.VarOptions = {};
    if (args[0] !== undefined) options.dim = args[0] as Dims;
    if (args[1] !== undefined) options.unbiased = args[1] as boolean;
    if (args[2] !== undefined) options.keepdim = args[2] as boolean;
    if (kwargs.correction !== undefined) options.correction = kwargs.correction as number;
    if (kwargs.keepdim !== undefined) options.keepdim = kwargs.keepdim as boolean;
    return fn(x!, options);
  };
}

const dtypeOption = (kwargs: Record<string, unknown>) =>
  kwargs.dtype === undefined ? undefined : { dtype: kwargs.dtype as DType };

const addProduct = (kwargs: Record<string, unknown>) => ({
  beta: kwargs.beta as number | undefined,
  alpha: kwargs.alpha as number | undefined,
});

/** Every op the golden fixtures use. */
export const OPS: Record<string, GoldenOp> = {
  // views
  view: ([x], args) => x!.view(...(args as Dims[])),
  reshape: ([x], args) => x!.reshape(...(args as Dims[])),
  viewAs: ([x, y]) => x!.viewAs(y!),
  reshapeAs: ([x, y]) => x!.reshapeAs(y!),
  flatten: ([x], args) => torch.flatten(x!, args[0] as number | undefined, args[1] as number | undefined),
  unflatten: ([x], args) => x!.unflatten(n(args[0]), args[1] as number[]),
  squeeze: ([x], args) => x!.squeeze(args[0] as Dims | undefined),
  unsqueeze: ([x], args) => x!.unsqueeze(n(args[0])),
  transpose: ([x], args) => x!.transpose(n(args[0]), n(args[1])),
  t: ([x]) => x!.t(),
  T: ([x]) => x!.T,
  mT: ([x]) => x!.mT,
  permute: ([x], args) => x!.permute(...(args as Dims[])),
  movedim: ([x], args) => x!.movedim(dims(args[0]), dims(args[1])),
  expand: ([x], args) => x!.expand(...(args as Dims[])),
  expandAs: ([x, y]) => x!.expandAs(y!),
  narrow: ([x], args) => x!.narrow(n(args[0]), n(args[1]), n(args[2])),
  select: ([x], args) => x!.select(n(args[0]), n(args[1])),
  unfold: ([x], args) => x!.unfold(n(args[0]), n(args[1]), n(args[2])),
  diagonal: ([x], args) =>
    x!.diagonal(args[0] as number | undefined, args[1] as number | undefined, args[2] as number | undefined),
  asStrided: ([x], args) =>
    x!.asStrided(args[0] as number[], args[1] as number[], args[2] as number | undefined),
  contiguous: ([x]) => x!.contiguous(),
  clone: ([x]) => x!.clone(),
  detach: ([x]) => x!.detach(),
  resize_: ([x], args) => x!.resize_(...(args as Dims[])),
  // reductions
  sum: reduce((x, d, k, o) => x.sum(d, k, o)),
  mean: reduce((x, d, k, o) => x.mean(d, k, o)),
  prod: reduce((x, d, k, o) => x.prod(d as number | undefined, k, o)),
  nansum: reduce((x, d, k, o) => x.nansum(d, k, o)),
  nanmean: reduce((x, d, k, o) => x.nanmean(d, k, o)),
  amax: reduce((x, d, k) => x.amax(d, k)),
  amin: reduce((x, d, k) => x.amin(d, k)),
  max: ([x], args) => (args.length === 0 ? x!.max() : x!.max(n(args[0]), args[1] as boolean | undefined)),
  min: ([x], args) => (args.length === 0 ? x!.min() : x!.min(n(args[0]), args[1] as boolean | undefined)),
  argmax: ([x], args, kwargs) =>
    x!.argmax({
      dim: args[0] as number | undefined,
      keepdim: (args[1] ?? kwargs.keepdim) as boolean | undefined,
    }),
  argmin: ([x], args, kwargs) =>
    x!.argmin({
      dim: args[0] as number | undefined,
      keepdim: (args[1] ?? kwargs.keepdim) as boolean | undefined,
    }),
  all: reduce((x, d, k) => x.all(d, k)),
  any: reduce((x, d, k) => x.any(d, k)),
  countNonzero: ([x], args) => x!.countNonzero(args[0] as Dims | undefined),
  var: variance((x, o) => x.var(o)),
  std: variance((x, o) => x.std(o)),
  varMean: variance((x, o) => torch.varMean(x, o)),
  stdMean: variance((x, o) => torch.stdMean(x, o)),
  logsumexp: ([x], args) => x!.logsumexp(dims(args[0]), args[1] as boolean | undefined),
  norm: ([x], args) =>
    args.length === 0
      ? x!.norm()
      : x!.norm(order(args[0]), args[1] as Dims | undefined, args[2] as boolean | undefined),
  dist: ([x, y], args) => x!.dist(y!, args[0] === undefined ? undefined : (order(args[0]) as number)),
  cumsum: ([x], args, kwargs) => x!.cumsum(n(args[0]), dtypeOption(kwargs)),
  cumprod: ([x], args, kwargs) => x!.cumprod(n(args[0]), dtypeOption(kwargs)),
  cummax: ([x], args) => x!.cummax(n(args[0])),
  cummin: ([x], args) => x!.cummin(n(args[0])),
  logcumsumexp: ([x], args) => x!.logcumsumexp(n(args[0])),
  softmax: ([x], args, kwargs) => x!.softmax(n(args[0]), dtypeOption(kwargs)),
  logSoftmax: ([x], args, kwargs) => x!.logSoftmax(n(args[0]), dtypeOption(kwargs)),
  // matrix products
  dot: ([a, b]) => a!.dot(b!),
  mv: ([a, b]) => a!.mv(b!),
  mm: ([a, b]) => a!.mm(b!),
  bmm: ([a, b]) => a!.bmm(b!),
  matmul: ([a, b]) => a!.matmul(b!),
  outer: ([a, b]) => a!.outer(b!),
  addmm: ([c, a, b], _args, kwargs) => c!.addmm(a!, b!, addProduct(kwargs)),
  addmv: ([c, a, b], _args, kwargs) => c!.addmv(a!, b!, addProduct(kwargs)),
  baddbmm: ([c, a, b], _args, kwargs) => c!.baddbmm(a!, b!, addProduct(kwargs)),
};
