/**
 * Convolutions (`conv1d`, `conv2d`, `convTranspose1d/2d`), `unfold`/`fold` and `pad`, with PyTorch's argument
 * checks. Convolutions run as one differentiable op (`internal/convolution.ts`: `im2col` + gemm), transposed ones
 * as that op's input gradient (gemm + `col2im`).
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { convolution2d, convolution2dBackwardInput } from '../internal/convolution.js';
import { col2im, im2col, type WindowGeometry, windowCount } from '../internal/im2col.js';

/** PyTorch's error when a convolution's weight or bias has another dtype than its input. */
function checkSameDtype(input: Tensor, weight: Tensor, bias: Tensor | null | undefined): void {
  for (const other of [weight, bias]) {
    if (other !== undefined && other !== null && other.dtype !== input.dtype) {
      throw new torch.RuntimeError(
        `expected scalar type ${torch.scalarTypeName(input.dtype)} but found ${torch.scalarTypeName(other.dtype)}`,
      );
    }
  }
}

/** A size given as one number for every dim or one per dim. */
export type SizeArg = number | readonly number[];

/** Expands a size argument to `n` values (PyTorch's `_pair`, `_single`). */
export function expandSize(value: SizeArg, n: number, name = 'argument'): number[] {
  if (typeof value === 'number') return new Array<number>(n).fill(value);
  if (value.length === 1) return new Array<number>(n).fill(value[0]!);
  if (value.length !== n)
    throw new torch.RuntimeError(
      `expected ${name} to be a single integer value or a list of ${n} values to match the convolution dimensions, but got ${name}=[${value.join(', ')}]`,
    );
  return value.slice();
}

/** Padding modes of `pad`. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/**
 * `F.pad(input, pad, mode='constant', value=0)`: `pad` lists (before, after) amounts from the last dim backwards;
 * negative amounts crop. Non-constant modes pick source positions with `indexSelect`, so gradients accumulate into
 * the reflected/replicated/wrapped elements.
 */
export function pad(
  input: Tensor,
  padding: readonly number[],
  mode: PadMode = 'constant',
  value = 0,
): Tensor {
  if (padding.length % 2 !== 0) throw new torch.RuntimeError('Padding length must be divisible by 2');
  const pairs = padding.length / 2;
  if (pairs > input.dim()) throw new torch.RuntimeError('Padding length too large');
  let out = input;
  for (let k = 0; k < pairs; k++) {
    const dim = input.dim() - 1 - k;
    const before = padding[2 * k]!;
    const after = padding[2 * k + 1]!;
    if (before === 0 && after === 0) continue;
    const size = out.size(dim);
    if (mode === 'constant') {
      if (before < 0) out = out.narrow(dim, -before, out.size(dim) + before);
      if (after < 0) out = out.narrow(dim, 0, out.size(dim) + after);
      const parts: Tensor[] = [];
      const shape = out.shape;
      if (before > 0)
        parts.push(
          torch.full([...shape.slice(0, dim), before, ...shape.slice(dim + 1)], value, { dtype: out.dtype }),
        );
      parts.push(out);
      if (after > 0)
        parts.push(
          torch.full([...shape.slice(0, dim), after, ...shape.slice(dim + 1)], value, { dtype: out.dtype }),
        );
      out = parts.length === 1 ? out : torch.cat(parts, dim);
      continue;
    }
    const indices: number[] = [];
    if (mode === 'reflect') {
      if (before >= size || after >= size) {
        throw new torch.RuntimeError(
          `Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${dim} of input [${input.shape.join(', ')}]`,
        );
      }
      for (let i = before; i >= 1; i--) indices.push(i);
      for (let i = 0; i < size; i++) indices.push(i);
      for (let i = size - 2; i >= size - 1 - after; i--) indices.push(i);
    } else if (mode === 'replicate') {
      for (let i = 0; i < before; i++) indices.push(0);
      for (let i = 0; i < size; i++) indices.push(i);
      for (let i = 0; i < after; i++) indices.push(size - 1);
    } else if (mode === 'circular') {
      if (before > size || after > size) {
        throw new torch.RuntimeError('Padding value causes wrapping around more than once.');
      }
      for (let i = -before; i < size + after; i++) indices.push(((i % size) + size) % size);
    } else {
      throw new torch.NotImplementedError(`Unrecognised padding mode ${mode as string}`);
    }
    out = out.indexSelect(dim, torch.tensor(indices, { dtype: 'int64' }));
  }
  return out;
}

function geometry2d(
  kernel: number[],
  dilation: number[],
  padding: number[],
  stride: number[],
): WindowGeometry {
  return {
    kernel: [kernel[0]!, kernel[1]!],
    dilation: [dilation[0]!, dilation[1]!],
    padding: [padding[0]!, padding[1]!],
    stride: [stride[0]!, stride[1]!],
  };
}

/** Options of `unfold` and `fold`. */
interface FoldOptions {
  dilation?: SizeArg;
  padding?: SizeArg;
  stride?: SizeArg;
}

/** The window of `unfold`/`fold`: `kernel` with the options' dilation (1), padding (0) and stride (1). */
function foldGeometry(kernel: number[], options: FoldOptions | undefined): WindowGeometry {
  return geometry2d(
    kernel,
    expandSize(options?.dilation ?? 1, 2),
    expandSize(options?.padding ?? 0, 2),
    expandSize(options?.stride ?? 1, 2),
  );
}

/** `F.unfold(input, kernel_size, dilation=1, padding=0, stride=1)`: `[N, C, H, W]` → `[N, C*kh*kw, L]`. */
export function unfold(
  input: Tensor,
  kernelSize: SizeArg,
  options?: { dilation?: SizeArg; padding?: SizeArg; stride?: SizeArg },
): Tensor {
  const batched = input.dim() === 4;
  if (input.dim() !== 3 && input.dim() !== 4) {
    throw new torch.RuntimeError(
      `Input Error: Only 3D or 4D input Tensors are supported (got ${input.dim()}D)`,
    );
  }
  const x = batched ? input : input.unsqueeze(0);
  const out = im2col(x, foldGeometry(expandSize(kernelSize, 2), options));
  return batched ? out : out.squeeze(0);
}

/** `F.fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1)`: sums the blocks back into images. */
export function fold(
  input: Tensor,
  outputSize: SizeArg,
  kernelSize: SizeArg,
  options?: { dilation?: SizeArg; padding?: SizeArg; stride?: SizeArg },
): Tensor {
  const batched = input.dim() === 3;
  if (input.dim() !== 2 && input.dim() !== 3) {
    throw new torch.RuntimeError(
      `Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got ${input.dim()}D)`,
    );
  }
  const kernel = expandSize(kernelSize, 2);
  const size = expandSize(outputSize, 2);
  const geometry = foldGeometry(kernel, options);
  const x = batched ? input : input.unsqueeze(0);
  const blocks = kernel[0]! * kernel[1]!;
  if (x.size(1) % blocks !== 0) {
    throw new torch.RuntimeError(
      `Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${x.size(1)} and kernel_size=(${kernel.join(', ')})`,
    );
  }
  const expectedBlocks =
    windowCount(size[0]!, kernel[0]!, geometry.dilation[0], geometry.padding[0], geometry.stride[0]) *
    windowCount(size[1]!, kernel[1]!, geometry.dilation[1], geometry.padding[1], geometry.stride[1]);
  if (x.size(2) !== expectedBlocks) {
    throw new torch.RuntimeError(
      `Given output_size=(${size.join(', ')}), kernel_size=(${kernel.join(', ')}), dilation=(${geometry.dilation.join(', ')}), padding=(${geometry.padding.join(', ')}), stride=(${geometry.stride.join(', ')}), expected size of input's dimension 2 to match the calculated number of sliding blocks ${expectedBlocks}, but got input.size(2)=${x.size(2)}.`,
    );
  }
  const out = col2im(x, [size[0]!, size[1]!], geometry);
  return batched ? out : out.squeeze(0);
}

/** Options of the convolutions. */
export interface ConvOptions {
  stride?: SizeArg;
  /** Zero padding per side, or `'same'` (output size = input size, stride 1 only) or `'valid'` (none). */
  padding?: SizeArg | 'same' | 'valid';
  dilation?: SizeArg;
  groups?: number;
}

/**
 * Checks a convolution's input is `spatial + 2`-d (batched) or `spatial + 1`-d (unbatched), with PyTorch's error
 * naming the op `name`, and returns whether it is batched.
 */
function isBatchedConvInput(spatial: 1 | 2, input: Tensor, name: string): boolean {
  const batchedDims = spatial + 2;
  if (input.dim() !== batchedDims && input.dim() !== batchedDims - 1) {
    throw new torch.RuntimeError(
      `Expected ${batchedDims - 1}D (unbatched) or ${batchedDims}D (batched) input to ${name}, but got input of size: [${input.shape.join(', ')}]`,
    );
  }
  return input.dim() === batchedDims;
}

/** Undoes the 1-d convolutions' extra height dim and, for an unbatched input, the batch dim. */
function unbatchConvOutput(out: Tensor, spatial: 1 | 2, batched: boolean): Tensor {
  const result = spatial === 1 ? out.squeeze(2) : out;
  return batched ? result : result.squeeze(0);
}

function convNd(
  spatial: 1 | 2,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: ConvOptions | undefined,
): Tensor {
  const batchedDims = spatial + 2;
  const batched = isBatchedConvInput(spatial, input, `conv${spatial}d`);
  let x = batched ? input : input.unsqueeze(0);
  const groups = options?.groups ?? 1;
  const stride = expandSize(options?.stride ?? 1, spatial, 'stride');
  const dilation = expandSize(options?.dilation ?? 1, spatial, 'dilation');
  const kernel = weight.shape.slice(2);
  if (weight.dim() !== batchedDims) {
    throw new torch.RuntimeError(
      `Expected ${batchedDims}-dimensional input for ${batchedDims}-dimensional weight [${weight.shape.join(', ')}], but got ${x.dim()}-dimensional input of size [${x.shape.join(', ')}] instead`,
    );
  }
  const inChannels = x.size(1);
  if (inChannels !== weight.size(1) * groups) {
    throw new torch.RuntimeError(
      `Given groups=${groups}, weight of size [${weight.shape.join(', ')}], expected input[${x.shape.join(', ')}] to have ${weight.size(1) * groups} channels, but got ${inChannels} channels instead`,
    );
  }
  if (weight.size(0) % groups !== 0) {
    throw new torch.RuntimeError(
      `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${weight.shape.join(', ')}] instead`,
    );
  }
  let padding: number[];
  const paddingArg = options?.padding ?? 0;
  if (paddingArg === 'valid') {
    padding = new Array<number>(spatial).fill(0);
  } else if (paddingArg === 'same') {
    if (stride.some((s) => s !== 1))
      throw new torch.RuntimeError("padding='same' is not supported for strided convolutions");
    padding = [];
    const extra: number[] = [];
    for (let d = 0; d < spatial; d++) {
      const total = dilation[d]! * (kernel[d]! - 1);
      const left = Math.floor(total / 2);
      padding.push(left);
      extra.push(total - 2 * left);
    }
    if (extra.some((e) => e > 0)) {
      // Asymmetric: pad the extra element on the right explicitly, as PyTorch does.
      const explicit: number[] = [];
      for (let d = spatial - 1; d >= 0; d--) explicit.push(0, extra[d]!);
      x = pad(x, explicit);
    }
  } else {
    padding = expandSize(paddingArg, spatial, 'padding');
  }
  if (spatial === 1) {
    x = x.unsqueeze(2);
    kernel.unshift(1);
    stride.unshift(1);
    dilation.unshift(1);
    padding.unshift(0);
  }
  const [, , h, w] = x.shape as [number, number, number, number];
  const oh = windowCount(h, kernel[0]!, dilation[0]!, padding[0]!, stride[0]!);
  const ow = windowCount(w, kernel[1]!, dilation[1]!, padding[1]!, stride[1]!);
  if (oh <= 0 || ow <= 0) {
    const padded = [h + 2 * padding[0]!, w + 2 * padding[1]!].slice(2 - spatial);
    const effective = [dilation[0]! * (kernel[0]! - 1) + 1, dilation[1]! * (kernel[1]! - 1) + 1].slice(
      2 - spatial,
    );
    throw new torch.RuntimeError(
      `Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${effective.join(' x ')}). Kernel size can't be greater than actual input size`,
    );
  }
  checkSameDtype(x, weight, bias);
  const out = convolution2d(x, weight.dim() === 4 ? weight : weight.unsqueeze(2), bias ?? null, {
    geometry: geometry2d(kernel, dilation, padding, stride),
    groups,
  });
  return unbatchConvOutput(out, spatial, batched);
}

/** `F.conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)` on `(N, C, L)` or `(C, L)`. */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor {
  return convNd(1, input, weight, bias, options);
}

/** `F.conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)` on `(N, C, H, W)` or `(C, H, W)`. */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor {
  return convNd(2, input, weight, bias, options);
}

/** Options of the transposed convolutions. */
export interface ConvTransposeOptions {
  stride?: SizeArg;
  padding?: SizeArg;
  outputPadding?: SizeArg;
  groups?: number;
  dilation?: SizeArg;
}

function convTransposeNd(
  spatial: 1 | 2,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: ConvTransposeOptions | undefined,
): Tensor {
  const batched = isBatchedConvInput(spatial, input, `conv_transpose${spatial}d`);
  let x = batched ? input : input.unsqueeze(0);
  const groups = options?.groups ?? 1;
  const stride = expandSize(options?.stride ?? 1, spatial, 'stride');
  const padding = expandSize(options?.padding ?? 0, spatial, 'padding');
  const outputPadding = expandSize(options?.outputPadding ?? 0, spatial, 'output_padding');
  const dilation = expandSize(options?.dilation ?? 1, spatial, 'dilation');
  const kernel = weight.shape.slice(2);
  const inChannels = x.size(1);
  if (weight.size(0) !== inChannels) {
    throw new torch.RuntimeError(
      `Given transposed=1, weight of size [${weight.shape.join(', ')}], expected input[${x.shape.join(', ')}] to have ${weight.size(0)} channels, but got ${inChannels} channels instead`,
    );
  }
  for (let d = 0; d < spatial; d++) {
    if (outputPadding[d]! >= stride[d]! && outputPadding[d]! >= dilation[d]!) {
      throw new torch.RuntimeError('output padding must be smaller than either stride or dilation');
    }
  }
  if (spatial === 1) {
    x = x.unsqueeze(2);
    kernel.unshift(1);
    stride.unshift(1);
    padding.unshift(0);
    outputPadding.unshift(0);
    dilation.unshift(1);
  }
  const [, , h, w] = x.shape as [number, number, number, number];
  const outChannels = weight.size(1) * groups;
  const outH =
    (h - 1) * stride[0]! - 2 * padding[0]! + dilation[0]! * (kernel[0]! - 1) + outputPadding[0]! + 1;
  const outW =
    (w - 1) * stride[1]! - 2 * padding[1]! + dilation[1]! * (kernel[1]! - 1) + outputPadding[1]! + 1;
  checkSameDtype(x, weight, bias);
  // The transposed convolution is the input gradient of the convolution with the same weight.
  let out = convolution2dBackwardInput(
    x,
    weight.dim() === 4 ? weight : weight.unsqueeze(2),
    { geometry: geometry2d(kernel, dilation, padding, stride), groups },
    [outH, outW],
  );
  if (bias !== undefined && bias !== null) out = out.add(bias.reshape(1, outChannels, 1, 1));
  return unbatchConvOutput(out, spatial, batched);
}

/** `F.conv_transpose1d(input, weight, bias, stride, padding, output_padding, groups, dilation)`. */
export function convTranspose1d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: ConvTransposeOptions,
): Tensor {
  return convTransposeNd(1, input, weight, bias, options);
}

/** `F.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation)`. */
export function convTranspose2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: ConvTransposeOptions,
): Tensor {
  return convTransposeNd(2, input, weight, bias, options);
}
