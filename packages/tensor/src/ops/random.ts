/**
 * Random ops: `rand`, `randn`, `randint`, `randperm`, `normal`, `bernoulli`, `multinomial` and the in-place fills
 * `uniform_`, `normal_`, `exponential_`, `random_`, `bernoulli_`. Every op takes an optional `generator`; the
 * samplers in `random/sampling.ts` reproduce PyTorch's CPU generator, so a seeded script gives PyTorch's numbers.
 */
import { type DType, getDefaultDtype, isFloatingPoint, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { defaultGenerator, type Generator } from '../random/generator.js';
import {
  bernoulliFill,
  exponentialFill,
  type FloatSampleDtype,
  multinomial as multinomialSample,
  normalDouble,
  normalFill,
  randintFill,
  randpermFill,
  type SampleArray,
  uniformFill,
} from '../random/sampling.js';
import { Tensor } from '../tensor.js';
import { copy_ } from './convert.js';
import { fromTypedArray, parseShapeAndOptions, type ShapeAndOptions } from './creation.js';
import { add, mul } from './elementwise.js';
import { type CreationOptions, contiguousCopy, emptyTensor, finishCreation, toDevice } from './helpers.js';

/** Creation options of random ops. */
export interface RandomOptions extends CreationOptions {
  generator?: Generator;
}

function generatorOf(options?: { generator?: Generator }): Generator {
  return options?.generator ?? defaultGenerator;
}

function requireFloat(op: string, dtype: DType): FloatSampleDtype {
  if (!isFloatingPoint(dtype))
    throw new RuntimeError(`"${op}" not implemented for '${scalarTypeName(dtype)}'`);
  return dtype as FloatSampleDtype;
}

/**
 * `t` with its dims reordered from the largest stride to the smallest, the order in which PyTorch's TensorIterator
 * walks (and so draws samples for) a strided tensor: a transposed tensor is filled in memory order.
 */
function inMemoryOrder(t: Tensor): Tensor {
  if (t.isContiguous()) return t;
  const dims = [...t._shape.keys()];
  // stable: equal strides keep their logical order
  dims.sort((a, b) => t._strides[b]! - t._strides[a]!);
  return dims.every((d, i) => d === i) ? t : t.permute(dims);
}

/**
 * Fills `t` by sampling into a contiguous float scratch (float32 for halves, whose samplers round already) and
 * copying; contiguous float32/float64 CPU tensors are sampled in place.
 */
function sampleFloat(
  t: Tensor,
  sample: (out: Float32Array | Float64Array, dtype: FloatSampleDtype) => void,
): Tensor {
  const dtype = t.dtype as FloatSampleDtype;
  const direct = t.device === 'cpu' && (dtype === 'float32' || dtype === 'float64') && t.isContiguous();
  if (direct) {
    const data = t._storage.data as Float32Array | Float64Array;
    sample(data.subarray(t._offset, t._offset + t.numel()), dtype);
  } else {
    const scratch = dtype === 'float64' ? new Float64Array(t.numel()) : new Float32Array(t.numel());
    sample(scratch, dtype);
    const target = inMemoryOrder(t);
    copy_(target, fromTypedArray(scratch, target._shape));
    return t;
  }
  t._bumpVersion();
  return t;
}

function sampleInteger(t: Tensor, sample: (out: SampleArray) => void): Tensor {
  const direct =
    t.device === 'cpu' &&
    t.isContiguous() &&
    t.dtype !== 'float16' &&
    t.dtype !== 'bfloat16' &&
    t.dtype !== 'bool';
  if (direct) {
    const data = t._storage.data as SampleArray;
    sample(data.subarray(t._offset, t._offset + t.numel()) as SampleArray);
    t._bumpVersion();
    return t;
  }
  const target = inMemoryOrder(t);
  const scratch = emptyTensor(
    target._shape,
    t.dtype === 'float16' || t.dtype === 'bfloat16' ? 'float32' : t.dtype === 'bool' ? 'uint8' : t.dtype,
  );
  sample(scratch._storage.data as SampleArray);
  copy_(target, scratch);
  return t;
}

function finish(t: Tensor, options: CreationOptions | undefined): Tensor {
  const device = options?.device ?? 'cpu';
  return finishCreation(device === 'cpu' ? t : toDevice(t, device), options);
}

/** `torch.rand(*size, { dtype, generator })`: uniform on [0, 1). */
export function rand(...args: (number | readonly number[] | RandomOptions | undefined)[]): Tensor {
  const { shape, options } = parseShapeAndOptions(args as ShapeAndOptions, 'rand');
  const opts = options as RandomOptions | undefined;
  const dtype = requireFloat('check_uniform_bounds', opts?.dtype ?? getDefaultDtype());
  const t = emptyTensor(shape, dtype);
  sampleFloat(t, (out, d) => uniformFill(generatorOf(opts), out, 0, 1, { dtype: d }));
  return finish(t, opts);
}

/** `torch.randn(*size, { dtype, generator })`: standard normal. */
export function randn(...args: (number | readonly number[] | RandomOptions | undefined)[]): Tensor {
  const { shape, options } = parseShapeAndOptions(args as ShapeAndOptions, 'randn');
  const opts = options as RandomOptions | undefined;
  const dtype = requireFloat('normal_kernel_cpu', opts?.dtype ?? getDefaultDtype());
  const t = emptyTensor(shape, dtype);
  sampleFloat(t, (out, d) => normalFill(generatorOf(opts), out, 0, 1, { dtype: d }));
  return finish(t, opts);
}

/** `torch.randint(low?, high, size, { dtype = int64, generator })`. */
export function randint(
  low: number,
  high: number | readonly number[],
  size?: readonly number[] | RandomOptions,
  options?: RandomOptions,
): Tensor {
  let lo = 0;
  let hi: number;
  let shape: readonly number[];
  if (Array.isArray(high)) {
    hi = low;
    shape = high;
    options = size as RandomOptions | undefined;
  } else {
    lo = low;
    hi = high as number;
    if (!Array.isArray(size)) throw new TypeError('randint(): size must be an array of integers');
    shape = size;
  }
  const dtype = options?.dtype ?? 'int64';
  const t = emptyTensor(shape, dtype);
  if (lo >= hi) {
    throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${lo} >= to=${hi}`);
  }
  sampleInteger(t, (out) => randintFill(generatorOf(options), out, lo, hi, { dtype: dtype as never }));
  return finish(t, options);
}

/** `torch.randperm(n, { dtype = int64, generator })`. */
export function randperm(n: number, options?: RandomOptions): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RuntimeError(`n must be non-negative, got${n}`);
  const dtype = options?.dtype ?? 'int64';
  const t = emptyTensor([n], dtype);
  sampleInteger(t, (out) => randpermFill(generatorOf(options), out));
  return finish(t, options);
}

/**
 * `torch.normal(mean, std, size?)`: scalar or tensor mean/std (broadcast); with tensors, samples standard normals
 * and scales them as PyTorch does (`normal_(0, 1)`, then `* std + mean`).
 */
export function normal(
  mean: number | Tensor,
  std: number | Tensor = 1,
  size?: readonly number[] | RandomOptions,
  options?: RandomOptions,
): Tensor {
  if (!Array.isArray(size)) options = size as RandomOptions | undefined;
  if (typeof mean === 'number' && typeof std === 'number') {
    if (!Array.isArray(size))
      throw new TypeError('normal(mean, std, size): size is required when mean and std are numbers');
    const dtype = requireFloat('normal_kernel_cpu', options?.dtype ?? getDefaultDtype());
    const t = emptyTensor(size, dtype);
    if (std < 0) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
    sampleFloat(t, (out, d) => normalFill(generatorOf(options), out, mean, std, { dtype: d }));
    return finish(t, options);
  }
  if (std instanceof Tensor && std.numel() > 0) {
    const minimum = std.min().item() as number;
    if (minimum < 0) throw new RuntimeError('normal expects all elements of std >= 0.0');
  }
  const shapeSource = mean instanceof Tensor ? mean : (std as Tensor);
  const dtype = shapeSource.dtype;
  const shape =
    mean instanceof Tensor && std instanceof Tensor ? broadcastOutput(mean, std) : shapeSource._shape;
  const z = emptyTensor(shape, requireFloat('normal_kernel_cpu', dtype));
  sampleFloat(z, (out, d) => normalFill(generatorOf(options), out, 0, 1, { dtype: d }));
  return add(mul(z, std), mean);
}

function broadcastOutput(a: Tensor, b: Tensor): number[] {
  return add(a, b)._shape;
}

/** `torch.bernoulli(p)`: 0/1 samples with per-element probabilities `p` (same dtype as `p`). */
export function bernoulli(input: Tensor, options?: { p?: number; generator?: Generator }): Tensor {
  const out = emptyTensor(input._shape, input.dtype);
  if (options?.p !== undefined) return bernoulli_(out, options.p, options);
  const probs = contiguousCopy(input, input.dtype === 'float32' ? 'float32' : 'float64');
  sampleInteger(out, (arr) =>
    bernoulliFill(generatorOf(options), arr, probs._storage.data as Float32Array | Float64Array),
  );
  return out;
}

/** `x.bernoulli_(p)` with a scalar probability. */
export function bernoulli_(x: Tensor, p: number | Tensor, options?: { generator?: Generator }): Tensor {
  if (p instanceof Tensor) {
    const probs = contiguousCopy(p.expand(x._shape), p.dtype === 'float32' ? 'float32' : 'float64');
    return sampleInteger(x, (arr) =>
      bernoulliFill(generatorOf(options), arr, probs._storage.data as Float32Array | Float64Array),
    );
  }
  return sampleInteger(x, (arr) => bernoulliFill(generatorOf(options), arr, p));
}

/** `torch.multinomial(probs, numSamples, replacement=false)`: int64 category indices per row. */
export function multinomial(
  input: Tensor,
  numSamples: number,
  replacement: boolean | { replacement?: boolean; generator?: Generator } = false,
  options?: { generator?: Generator },
): Tensor {
  if (typeof replacement === 'object') {
    options = replacement;
    replacement = replacement.replacement ?? false;
  }
  if (input.dim() < 1 || input.dim() > 2) throw new RuntimeError('prob_dist must be 1 or 2 dim');
  if (!isFloatingPoint(input.dtype)) {
    throw new RuntimeError(
      `multinomial only supports floating-point dtypes for input, got: ${scalarTypeName(input.dtype)}`,
    );
  }
  const rows = input.dim() === 1 ? 1 : input._shape[0]!;
  const categories = input._shape[input.dim() - 1]!;
  const probs = contiguousCopy(input, input.dtype === 'float64' ? 'float64' : 'float32');
  const data = probs._storage.data as Float32Array | Float64Array;
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let c = 0; c < categories; c++) {
      const v = data[r * categories + c]!;
      if (!(v >= 0) || !Number.isFinite(v))
        throw new RuntimeError('probability tensor contains either `inf`, `nan` or element < 0');
      total += v;
    }
    if (total === 0) throw new RuntimeError('invalid multinomial distribution (sum of probabilities <= 0)');
  }
  const samples = multinomialSample(generatorOf(options), data, rows, categories, numSamples, replacement);
  const out = fromTypedArray(samples, [rows, numSamples]);
  return input.dim() === 1 ? out.reshape(numSamples) : out;
}

/** `*Like` random creation: same shape, dtype and device as `input` unless overridden. */
export function randLike(input: Tensor, options?: RandomOptions): Tensor {
  return rand(input._shape, { dtype: input.dtype, device: input.device, ...options });
}

/** `torch.randn_like`. */
export function randnLike(input: Tensor, options?: RandomOptions): Tensor {
  return randn(input._shape, { dtype: input.dtype, device: input.device, ...options });
}

/** `torch.randint_like(input, low?, high)`. */
export function randintLike(input: Tensor, low: number, high?: number, options?: RandomOptions): Tensor {
  const [lo, hi] = high === undefined ? [0, low] : [low, high];
  return randint(lo, hi, input._shape, { dtype: input.dtype, ...options });
}

declare module '../tensor.js' {
  interface Tensor {
    /** Fills with uniform samples on [from, to) in place. */
    uniform_(from?: number, to?: number, options?: { generator?: Generator }): this;
    /** Fills with normal samples in place. */
    normal_(mean?: number, std?: number, options?: { generator?: Generator }): this;
    /** Fills with exponential samples in place. */
    exponential_(lambd?: number, options?: { generator?: Generator }): this;
    /** Fills with integers from [from, to) in place (`random_`). */
    random_(from: number, to?: number, options?: { generator?: Generator }): this;
    /** Fills with 0/1 samples in place. */
    bernoulli_(p?: number | Tensor, options?: { generator?: Generator }): this;
    /** Samples 0/1 with this tensor's probabilities. */
    bernoulli(options?: { p?: number; generator?: Generator }): Tensor;
    multinomial(numSamples: number, replacement?: boolean, options?: { generator?: Generator }): Tensor;
  }
}

const proto = Tensor.prototype;
proto.uniform_ = function (from = 0, to = 1, options) {
  requireFloat('check_uniform_bounds', this.dtype);
  if (!(from <= to))
    throw new RuntimeError(
      `uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`,
    );
  return sampleFloat(this, (out, d) =>
    uniformFill(generatorOf(options), out, from, to, { dtype: d }),
  ) as never;
};
proto.normal_ = function (mean = 0, std = 1, options) {
  requireFloat('normal_kernel_cpu', this.dtype);
  if (!(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
  const generator = generatorOf(options);
  if (!this.isContiguous()) {
    // PyTorch's batched Box-Muller fill is for contiguous tensors only; others draw one
    // normal_distribution<double> per element, in memory order
    return sampleFloat(this, (out) => {
      for (let i = 0; i < out.length; i++) out[i] = normalDouble(generator, mean, std);
    }) as never;
  }
  return sampleFloat(this, (out, d) => normalFill(generator, out, mean, std, { dtype: d })) as never;
};
proto.exponential_ = function (lambd = 1, options) {
  requireFloat('exponential_cpu', this.dtype);
  if (!(lambd > 0)) throw new RuntimeError(`exponential_ expects lambda > 0.0, but found lambda=${lambd}`);
  return sampleFloat(this, (out, d) =>
    exponentialFill(generatorOf(options), out, lambd, { dtype: d }),
  ) as never;
};
proto.random_ = function (from, to, options) {
  const [lo, hi] = to === undefined ? [0, from] : [from, to];
  if (lo >= hi)
    throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${lo} >= to=${hi}`);
  return sampleInteger(this, (out) =>
    randintFill(generatorOf(options), out, lo, hi, { dtype: this.dtype as never }),
  ) as never;
};
proto.bernoulli_ = function (p = 0.5, options) {
  return bernoulli_(this, p, options) as never;
};
proto.bernoulli = function (options) {
  return bernoulli(this, options);
};
proto.multinomial = function (numSamples, replacement, options) {
  return multinomial(this, numSamples, replacement ?? false, options);
};
