/**
 * `torch.nn.init`: in-place initialisers. They draw from the tensor package's generator (PyTorch's CPU generator),
 * and compute their bounds with PyTorch's exact fan and gain arithmetic, so after `manualSeed(s)` they give the same
 * numbers as PyTorch.
 */
import { noGrad } from '@proj/autograd';
import type { Generator, Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';

/** Non-linearities known to `calculateGain`. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

/** Options carrying an optional generator. */
export interface GeneratorOptions {
  generator?: Generator;
}

/** `calculate_gain(nonlinearity, param=None)`: the recommended gain for a non-linearity. */
export function calculateGain(nonlinearity: Nonlinearity | string, param?: number | null): number {
  const linear = [
    'linear',
    'conv1d',
    'conv2d',
    'conv3d',
    'conv_transpose1d',
    'conv_transpose2d',
    'conv_transpose3d',
  ];
  if (linear.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    let negativeSlope = 0.01;
    if (param !== undefined && param !== null) {
      if (typeof param !== 'number' || Number.isNaN(param)) {
        throw new torch.ValueError(`negative_slope ${String(param)} not a valid number`);
      }
      negativeSlope = param;
    }
    return Math.sqrt(2.0 / (1 + negativeSlope ** 2));
  }
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw new torch.ValueError(`Unsupported nonlinearity ${nonlinearity}`);
}

/** `_calculate_fan_in_and_fan_out(tensor)`: `[fanIn, fanOut]` of a weight (dim ≥ 2). */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  const dimensions = tensor.dim();
  if (dimensions < 2) {
    throw new torch.ValueError(
      'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions',
    );
  }
  const inputMaps = tensor.size(1);
  const outputMaps = tensor.size(0);
  let receptiveField = 1;
  for (const s of tensor.shape.slice(2)) receptiveField *= s;
  return [inputMaps * receptiveField, outputMaps * receptiveField];
}

function correctFan(tensor: Tensor, mode: 'fan_in' | 'fan_out'): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') {
    throw new torch.ValueError(`Mode ${mode as string} not supported, please use one of fan_in, fan_out`);
  }
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return mode === 'fan_in' ? fanIn : fanOut;
}

/** `uniform_(tensor, a=0, b=1)`. */
export function uniform_(tensor: Tensor, a = 0, b = 1, options?: GeneratorOptions): Tensor {
  return noGrad(() => tensor.uniform_(a, b, options));
}

/** `normal_(tensor, mean=0, std=1)`. */
export function normal_(tensor: Tensor, mean = 0, std = 1, options?: GeneratorOptions): Tensor {
  return noGrad(() => tensor.normal_(mean, std, options));
}

/** The standard normal CDF, with `erf` evaluated in float64 by the tensor package. */
function normalCdf(x: number): number {
  const erf = torch
    .tensor([x / Math.sqrt(2)], { dtype: 'float64' })
    .erf()
    .item() as number;
  return (1 + erf) / 2;
}

/**
 * `trunc_normal_(tensor, mean=0, std=1, a=-2, b=2)`: normal samples restricted to `[a, b]`, by inverse-CDF
 * sampling as PyTorch does.
 */
export function truncNormal_(
  tensor: Tensor,
  mean = 0,
  std = 1,
  a = -2,
  b = 2,
  options?: GeneratorOptions,
): Tensor {
  return noGrad(() => {
    const low = normalCdf((a - mean) / std);
    const high = normalCdf((b - mean) / std);
    tensor.uniform_(2 * low - 1, 2 * high - 1, options);
    tensor.erfinv_();
    tensor.mul_(std * Math.sqrt(2));
    tensor.add_(mean);
    tensor.clamp_(a, b);
    return tensor;
  });
}

/** `constant_(tensor, val)`. */
export function constant_(tensor: Tensor, value: number): Tensor {
  return noGrad(() => tensor.fill_(value));
}

/** `ones_(tensor)`. */
export function ones_(tensor: Tensor): Tensor {
  return constant_(tensor, 1);
}

/** `zeros_(tensor)`. */
export function zeros_(tensor: Tensor): Tensor {
  return noGrad(() => tensor.zero_());
}

/** `eye_(tensor)`: the identity matrix (2-d tensors only). */
export function eye_(tensor: Tensor): Tensor {
  if (tensor.dim() !== 2) throw new torch.ValueError('Only tensors with 2 dimensions are supported');
  return noGrad(() => tensor.copy_(torch.eye(tensor.size(0), tensor.size(1), { dtype: tensor.dtype })));
}

/** `dirac_(tensor, groups=1)`: the identity of convolutions (3-, 4- or 5-d weights). */
export function dirac_(tensor: Tensor, groups = 1): Tensor {
  const dimensions = tensor.dim();
  if (dimensions < 3 || dimensions > 5) {
    throw new torch.ValueError('Only tensors with 3, 4, or 5 dimensions are supported');
  }
  const sizes = tensor.shape;
  if (sizes[0]! % groups !== 0) throw new torch.ValueError('dim 0 must be divisible by groups');
  const outPerGroup = sizes[0]! / groups;
  const minDim = Math.min(outPerGroup, sizes[1]!);
  return noGrad(() => {
    tensor.zero_();
    for (let g = 0; g < groups; g++) {
      for (let d = 0; d < minDim; d++) {
        const position = [g * outPerGroup + d, d, ...sizes.slice(2).map((s) => Math.floor(s / 2))];
        tensor.set(position, 1);
      }
    }
    return tensor;
  });
}

/** `xavier_uniform_(tensor, gain=1)`: U(-a, a) with `a = gain * sqrt(6 / (fan_in + fan_out))`. */
export function xavierUniform_(tensor: Tensor, gain = 1, options?: GeneratorOptions): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(tensor, -a, a, options);
}

/** `xavier_normal_(tensor, gain=1)`: N(0, std²) with `std = gain * sqrt(2 / (fan_in + fan_out))`. */
export function xavierNormal_(tensor: Tensor, gain = 1, options?: GeneratorOptions): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(tensor, 0, std, options);
}

/** Options of the Kaiming initialisers. */
export interface KaimingOptions extends GeneratorOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). */
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}

/** `kaiming_uniform_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu')`. */
export function kaimingUniform_(tensor: Tensor, options?: KaimingOptions): Tensor {
  if (tensor.numel() === 0) return tensor;
  const fan = correctFan(tensor, options?.mode ?? 'fan_in');
  const gain = calculateGain(options?.nonlinearity ?? 'leaky_relu', options?.a ?? 0);
  const std = gain / Math.sqrt(fan);
  const bound = Math.sqrt(3.0) * std;
  return uniform_(tensor, -bound, bound, options);
}

/** `kaiming_normal_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu')`. */
export function kaimingNormal_(tensor: Tensor, options?: KaimingOptions): Tensor {
  if (tensor.numel() === 0) return tensor;
  const fan = correctFan(tensor, options?.mode ?? 'fan_in');
  const gain = calculateGain(options?.nonlinearity ?? 'leaky_relu', options?.a ?? 0);
  const std = gain / Math.sqrt(fan);
  return normal_(tensor, 0, std, options);
}

/** `orthogonal_(tensor, gain=1)`: a (semi-)orthogonal matrix from the QR of a normal sample. */
export function orthogonal_(tensor: Tensor, gain = 1, options?: GeneratorOptions): Tensor {
  if (tensor.dim() < 2) throw new torch.ValueError('Only tensors with 2 or more dimensions are supported');
  if (tensor.numel() === 0) return tensor;
  const rows = tensor.size(0);
  const columns = tensor.numel() / rows;
  return noGrad(() => {
    let flattened = torch.empty([rows, columns], { dtype: tensor.dtype }).normal_(0, 1, options);
    if (rows < columns) flattened = flattened.t();
    const { Q, R } = torch.linalg.qr(flattened);
    const signs = R.diagonal().sign();
    let q = Q.mul(signs);
    if (rows < columns) q = q.t();
    tensor.copy_(q.reshape(tensor.shape));
    tensor.mul_(gain);
    return tensor;
  });
}

/** `sparse_(tensor, sparsity, std=0.01)`: N(0, std²) with a fraction `sparsity` of each column set to zero. */
export function sparse_(tensor: Tensor, sparsity: number, std = 0.01, options?: GeneratorOptions): Tensor {
  if (tensor.dim() !== 2) throw new torch.ValueError('Only tensors with 2 dimensions are supported');
  const [rows, columns] = tensor.shape as [number, number];
  const zeros = Math.ceil(sparsity * rows);
  return noGrad(() => {
    tensor.normal_(0, std, options);
    for (let column = 0; column < columns; column++) {
      const order = torch.randperm(
        rows,
        options?.generator === undefined ? undefined : { generator: options.generator },
      );
      const zeroRows = order.narrow(0, 0, zeros);
      tensor.set([zeroRows, column], 0);
    }
    return tensor;
  });
}
