/**
 * Pooling: max/avg pooling (1-d and 2-d, with `ceilMode`, dilation for max pooling, `countIncludePad` and
 * `divisorOverride` for average pooling), adaptive average/max pooling and `maxUnpool`. Max pooling runs as one
 * differentiable op with its own kernel (`internal/max-pool.ts`); average pooling gathers its windows with the
 * differentiable `im2col`, after explicit zero padding.
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { im2col } from '../internal/im2col.js';
import { maxPool2dWithIndices } from '../internal/max-pool.js';
import { expandSize, pad, type SizeArg } from './conv.js';

/** Output length of a pooling window along one dim, with PyTorch's ceil-mode rule. */
export function poolOutputSize(
  size: number,
  kernel: number,
  padding: number,
  stride: number,
  dilation: number,
  ceilMode: boolean,
): number {
  const numerator = size + 2 * padding - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(numerator / stride) : Math.floor(numerator / stride)) + 1;
  // The last window must start inside the input or the left padding.
  if (ceilMode && (out - 1) * stride >= size + padding) out--;
  return out;
}

interface PoolSetup {
  x: Tensor;
  batched: boolean;
  spatial: 1 | 2;
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  outSize: number[];
  inSize: number[];
}

function setup(
  spatial: 1 | 2,
  name: string,
  input: Tensor,
  kernelSize: SizeArg,
  stride: SizeArg | null | undefined,
  padding: SizeArg,
  dilation: SizeArg,
  ceilMode: boolean,
): PoolSetup {
  const batchedDims = spatial + 2;
  if (input.dim() !== batchedDims && input.dim() !== batchedDims - 1) {
    throw new torch.RuntimeError(
      `${name}: Expected ${batchedDims - 1}D or ${batchedDims}D (batch mode) tensor for input, but got: [${input.shape.join(', ')}]`,
    );
  }
  const batched = input.dim() === batchedDims;
  let x = batched ? input : input.unsqueeze(0);
  if (spatial === 1) x = x.unsqueeze(2);
  const lift = (values: number[], fill: number): number[] => (spatial === 1 ? [fill, ...values] : values);
  const kernel = lift(expandSize(kernelSize, spatial, 'kernel_size'), 1);
  const strideValues = lift(
    stride === null || stride === undefined || (Array.isArray(stride) && stride.length === 0)
      ? kernel.slice(2 - spatial)
      : expandSize(stride, spatial, 'stride'),
    1,
  );
  const paddingValues = lift(expandSize(padding, spatial, 'padding'), 0);
  const dilationValues = lift(expandSize(dilation, spatial, 'dilation'), 1);
  for (let d = 0; d < 2; d++) {
    if (paddingValues[d]! * 2 > kernel[d]!) {
      throw new torch.RuntimeError(
        `pad should be at most half of effective kernel size, but got pad=${paddingValues[d]}, kernel_size=${kernel[d]} and dilation=${dilationValues[d]}`,
      );
    }
  }
  const inSize = [x.size(2), x.size(3)];
  const outSize = [0, 1].map((d) =>
    poolOutputSize(inSize[d]!, kernel[d]!, paddingValues[d]!, strideValues[d]!, dilationValues[d]!, ceilMode),
  );
  if (outSize.some((s) => s <= 0)) {
    throw new torch.RuntimeError(
      `Given input size: (${x.shape.slice(1).join('x')}). Calculated output size: (${[x.size(1), ...outSize].join('x')}). Output size is too small`,
    );
  }
  return {
    x,
    batched,
    spatial,
    kernel,
    stride: strideValues,
    padding: paddingValues,
    dilation: dilationValues,
    outSize,
    inSize,
  };
}

/** Pads the input for the windows (left padding and whatever the last ceil-mode window needs on the right). */
function padForWindows(s: PoolSetup, value: number): Tensor {
  const right = [0, 1].map((d) =>
    Math.max(
      0,
      (s.outSize[d]! - 1) * s.stride[d]! +
        s.dilation[d]! * (s.kernel[d]! - 1) +
        1 -
        s.inSize[d]! -
        s.padding[d]!,
    ),
  );
  return pad(s.x, [s.padding[1]!, right[1]!, s.padding[0]!, right[0]!], 'constant', value);
}

function windows(s: PoolSetup, padded: Tensor): Tensor {
  const [n, c] = padded.shape as [number, number];
  const columns = im2col(padded, {
    kernel: [s.kernel[0]!, s.kernel[1]!],
    dilation: [s.dilation[0]!, s.dilation[1]!],
    padding: [0, 0],
    stride: [s.stride[0]!, s.stride[1]!],
  });
  // im2col may produce extra windows on the right padding; keep the first outSize ones per dim.
  const fullH = Math.floor((padded.size(2) - s.dilation[0]! * (s.kernel[0]! - 1) - 1) / s.stride[0]!) + 1;
  const fullW = Math.floor((padded.size(3) - s.dilation[1]! * (s.kernel[1]! - 1) - 1) / s.stride[1]!) + 1;
  let result = columns.reshape(n, c, s.kernel[0]! * s.kernel[1]!, fullH, fullW);
  if (fullH !== s.outSize[0] || fullW !== s.outSize[1]) {
    result = result.narrow(3, 0, s.outSize[0]!).narrow(4, 0, s.outSize[1]!);
  }
  return result;
}

function finishShape(s: PoolSetup, t: Tensor): Tensor {
  let out = s.spatial === 1 ? t.squeeze(2) : t;
  if (!s.batched) out = out.squeeze(0);
  return out;
}

/** Options of max pooling. */
export interface MaxPoolOptions {
  stride?: SizeArg | null;
  padding?: SizeArg;
  dilation?: SizeArg;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

function maxPool(
  spatial: 1 | 2,
  input: Tensor,
  kernelSize: SizeArg,
  options: MaxPoolOptions | undefined,
): Tensor | [Tensor, Tensor] {
  const s = setup(
    spatial,
    `max_pool${spatial}d`,
    input,
    kernelSize,
    options?.stride,
    options?.padding ?? 0,
    options?.dilation ?? 1,
    options?.ceilMode ?? false,
  );
  const pair = (values: number[]): [number, number] => [values[0]!, values[1]!];
  const [values, indices] = maxPool2dWithIndices(s.x, {
    kernel: pair(s.kernel),
    stride: pair(s.stride),
    padding: pair(s.padding),
    dilation: pair(s.dilation),
    outputSize: pair(s.outSize),
  });
  const output = finishShape(s, values);
  if (!options?.returnIndices) return output;
  return [output, finishShape(s, indices.to('int64'))];
}

/** `F.max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)`. */
export function maxPool1d(
  input: Tensor,
  kernelSize: SizeArg,
  options: MaxPoolOptions & { returnIndices: true },
): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: SizeArg, options?: MaxPoolOptions): Tensor;
export function maxPool1d(
  input: Tensor,
  kernelSize: SizeArg,
  options?: MaxPoolOptions,
): Tensor | [Tensor, Tensor] {
  return maxPool(1, input, kernelSize, options);
}

/** `F.max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)`. */
export function maxPool2d(
  input: Tensor,
  kernelSize: SizeArg,
  options: MaxPoolOptions & { returnIndices: true },
): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: SizeArg, options?: MaxPoolOptions): Tensor;
export function maxPool2d(
  input: Tensor,
  kernelSize: SizeArg,
  options?: MaxPoolOptions,
): Tensor | [Tensor, Tensor] {
  return maxPool(2, input, kernelSize, options);
}

/** Options of average pooling. */
export interface AvgPoolOptions {
  stride?: SizeArg | null;
  padding?: SizeArg;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size (2-d only in PyTorch). */
  divisorOverride?: number | null;
}

function avgPool(
  spatial: 1 | 2,
  input: Tensor,
  kernelSize: SizeArg,
  options: AvgPoolOptions | undefined,
): Tensor {
  const s = setup(
    spatial,
    `avg_pool${spatial}d`,
    input,
    kernelSize,
    options?.stride,
    options?.padding ?? 0,
    1,
    options?.ceilMode ?? false,
  );
  const sums = windows(s, padForWindows(s, 0)).sum(2);
  const [oh, ow] = s.outSize as [number, number];
  const divisor = new Float64Array(oh * ow);
  const includePad = options?.countIncludePad ?? true;
  const override = options?.divisorOverride ?? null;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      if (override !== null) {
        divisor[y * ow + x] = override;
        continue;
      }
      let hStart = y * s.stride[0]! - s.padding[0]!;
      let wStart = x * s.stride[1]! - s.padding[1]!;
      let hEnd = Math.min(hStart + s.kernel[0]!, s.inSize[0]! + s.padding[0]!);
      let wEnd = Math.min(wStart + s.kernel[1]!, s.inSize[1]! + s.padding[1]!);
      const poolSize = (hEnd - hStart) * (wEnd - wStart);
      hStart = Math.max(hStart, 0);
      wStart = Math.max(wStart, 0);
      hEnd = Math.min(hEnd, s.inSize[0]!);
      wEnd = Math.min(wEnd, s.inSize[1]!);
      divisor[y * ow + x] = includePad ? poolSize : (hEnd - hStart) * (wEnd - wStart);
    }
  }
  const divisorTensor = torch.fromTypedArray(divisor, [oh, ow]).to(sums.dtype);
  return finishShape(s, sums.div(divisorTensor));
}

/** `F.avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)`. */
export function avgPool1d(
  input: Tensor,
  kernelSize: SizeArg,
  options?: Omit<AvgPoolOptions, 'divisorOverride'>,
): Tensor {
  return avgPool(1, input, kernelSize, options);
}

/** `F.avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)`. */
export function avgPool2d(input: Tensor, kernelSize: SizeArg, options?: AvgPoolOptions): Tensor {
  return avgPool(2, input, kernelSize, options);
}

/** Start and end of adaptive window `i` of `outSize` over `inSize` elements. */
function adaptiveRange(i: number, inSize: number, outSize: number): [number, number] {
  return [Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)];
}

/** The `[out, in]` averaging matrix of adaptive average pooling along one dim. */
function adaptiveAverageMatrix(inSize: number, outSize: number, dtype: torch.DType): Tensor {
  const data = new Float64Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const [start, end] = adaptiveRange(i, inSize, outSize);
    for (let j = start; j < end; j++) data[i * inSize + j] = 1 / (end - start);
  }
  return torch.fromTypedArray(data, [outSize, inSize]).to(dtype);
}

function adaptiveSetup(
  spatial: 1 | 2,
  name: string,
  input: Tensor,
  outputSize: SizeArg | readonly (number | null)[],
): [Tensor, number[], boolean] {
  const batchedDims = spatial + 2;
  if (input.dim() !== batchedDims && input.dim() !== batchedDims - 1) {
    throw new torch.RuntimeError(
      `${name}(): Expected ${batchedDims - 1}D or ${batchedDims}D tensor, but got [${input.shape.join(', ')}]`,
    );
  }
  const batched = input.dim() === batchedDims;
  let x = batched ? input : input.unsqueeze(0);
  if (spatial === 1) x = x.unsqueeze(2);
  const raw = typeof outputSize === 'number' ? new Array(spatial).fill(outputSize) : outputSize.slice();
  const sizes = (spatial === 1 ? [1, raw[0]] : raw).map((v, d) =>
    v === null ? x.size(2 + d) : (v as number),
  );
  return [x, sizes, batched];
}

/** `F.adaptive_avg_pool1d(input, output_size)`. */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number): Tensor {
  return adaptiveAvgPool(1, input, outputSize);
}

/** `F.adaptive_avg_pool2d(input, output_size)` (a `null` size keeps that dim). */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  return adaptiveAvgPool(2, input, outputSize);
}

function adaptiveAvgPool(
  spatial: 1 | 2,
  input: Tensor,
  outputSize: SizeArg | readonly (number | null)[],
): Tensor {
  const [x, [oh, ow], batched] = adaptiveSetup(spatial, `adaptive_avg_pool${spatial}d`, input, outputSize);
  const rows = adaptiveAverageMatrix(x.size(2), oh!, x.dtype);
  const columns = adaptiveAverageMatrix(x.size(3), ow!, x.dtype);
  let out = rows.matmul(x).matmul(columns.t());
  if (spatial === 1) out = out.squeeze(2);
  return batched ? out : out.squeeze(0);
}

/** `F.adaptive_max_pool1d(input, output_size, return_indices=False)`. */
export function adaptiveMaxPool1d(input: Tensor, outputSize: number, returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: number, returnIndices?: false): Tensor;
export function adaptiveMaxPool1d(
  input: Tensor,
  outputSize: number,
  returnIndices = false,
): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPool(1, input, outputSize, returnIndices);
}

/** `F.adaptive_max_pool2d(input, output_size, return_indices=False)`. */
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: number | readonly (number | null)[],
  returnIndices: true,
): [Tensor, Tensor];
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: number | readonly (number | null)[],
  returnIndices?: false,
): Tensor;
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: number | readonly (number | null)[],
  returnIndices = false,
): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPool(2, input, outputSize, returnIndices);
}

function adaptiveMaxPool(
  spatial: 1 | 2,
  input: Tensor,
  outputSize: SizeArg | readonly (number | null)[],
  returnIndices: boolean,
): Tensor | [Tensor, Tensor] {
  const [x, [oh, ow], batched] = adaptiveSetup(spatial, `adaptive_max_pool${spatial}d`, input, outputSize);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const values: Tensor[] = [];
  const indices: Tensor[] = [];
  for (let i = 0; i < oh!; i++) {
    const [h0, h1] = adaptiveRange(i, h, oh!);
    for (let j = 0; j < ow!; j++) {
      const [w0, w1] = adaptiveRange(j, w, ow!);
      const cell = x
        .narrow(2, h0, h1 - h0)
        .narrow(3, w0, w1 - w0)
        .reshape(n, c, -1);
      const best = cell.max(2);
      values.push(best.values);
      const width = w1 - w0;
      indices.push(
        best.indices
          .div(width, { roundingMode: 'floor' })
          .add(h0)
          .mul(w)
          .add(best.indices.remainder(width).add(w0)),
      );
    }
  }
  let out = torch.stack(values, 2).reshape(n, c, oh!, ow!);
  let index = torch.stack(indices, 2).reshape(n, c, oh!, ow!);
  if (spatial === 1) {
    out = out.squeeze(2);
    index = index.squeeze(2);
  }
  if (!batched) {
    out = out.squeeze(0);
    index = index.squeeze(0);
  }
  return returnIndices ? [out, index] : out;
}

/**
 * `F.max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None)`: scatters pooled values
 * back to the positions `indices` recorded, zeros elsewhere.
 */
export function maxUnpool2d(
  input: Tensor,
  indices: Tensor,
  kernelSize: SizeArg,
  options?: { stride?: SizeArg | null; padding?: SizeArg; outputSize?: readonly number[] | null },
): Tensor {
  const kernel = expandSize(kernelSize, 2);
  const stride =
    options?.stride === null || options?.stride === undefined ? kernel : expandSize(options.stride, 2);
  const padding = expandSize(options?.padding ?? 0, 2);
  const batched = input.dim() === 4;
  const x = batched ? input : input.unsqueeze(0);
  const index = batched ? indices : indices.unsqueeze(0);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  let outH = (h - 1) * stride[0]! - 2 * padding[0]! + kernel[0]!;
  let outW = (w - 1) * stride[1]! - 2 * padding[1]! + kernel[1]!;
  if (options?.outputSize) {
    const size = options.outputSize.slice(-2);
    outH = size[0]!;
    outW = size[1]!;
  }
  const out = torch
    .zeros([n, c, outH * outW], { dtype: x.dtype })
    .scatter(2, index.reshape(n, c, -1), x.reshape(n, c, -1))
    .reshape(n, c, outH, outW);
  return batched ? out : out.squeeze(0);
}

/** `F.max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None)`. */
export function maxUnpool1d(
  input: Tensor,
  indices: Tensor,
  kernelSize: number,
  options?: { stride?: number | null; padding?: number; outputSize?: readonly number[] | null },
): Tensor {
  const stride = options?.stride ?? kernelSize;
  const padding = options?.padding ?? 0;
  const batched = input.dim() === 3;
  const x = batched ? input : input.unsqueeze(0);
  const index = batched ? indices : indices.unsqueeze(0);
  const [n, c, l] = x.shape as [number, number, number];
  const outL = options?.outputSize
    ? options.outputSize[options.outputSize.length - 1]!
    : (l - 1) * stride - 2 * padding + kernelSize;
  const out = torch.zeros([n, c, outL], { dtype: x.dtype }).scatter(2, index, x);
  return batched ? out : out.squeeze(0);
}
