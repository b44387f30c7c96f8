/**
 * The 2-d convolution and its backward products as differentiable ops, lowered to `im2col` + gemm with no
 * transposing copies. With `K = C*kh*kw` and `L = oh*ow`:
 *
 *   convolution2d                  out[b]           = [weight | bias] @ [columns[b]; 1]       (NCHW already)
 *   convolution2dBackwardInput     gradInput[b]     = col2im(weight^T @ gradOut[b])           (weight^T: a view)
 *   convolution2dBackwardParams    [gradW | gradB]  = sum over b of gradOut[b] @ [columns[b]; 1]^T
 *
 * Each image is one gemm through the backend's batched matmul, which reads transposed and broadcast (stride-0)
 * operands in place. Groups split K and outC into `groups` blocks and run the same products per (image, group).
 *
 * NOTE [Bias in the gemm]
 * The bias rides along as one more column of the weight against a row of ones under the columns: the forward gemm
 * then adds it, and the same ones row makes the weight-gradient gemm produce the bias gradient (each row sum of
 * gradOut[b]) in its last column. That saves a full pass over the output in each direction, for one extra row of
 * the (scratch) columns.
 *
 * NOTE [Convolution double backward]
 * The three ops are closed under differentiation, as in PyTorch's `convolution_backward`: the backward of
 * `convolution2d` is `convolution2dBackwardInput` and `convolution2dBackwardParams`, each linear in both of its
 * arguments, with derivatives that are again these ops (see the formulas below). So `createGraph` works to any order
 * while the first backward still runs on the fast kernels.
 *
 * NOTE [Convolution scratch]
 * The columns (and the gemm results that are folded or summed right away) never leave a kernel, so they live in
 * scratch buffers kept between calls: a fresh multi-megabyte typed array costs more in page faults than im2col costs
 * to fill it.
 */
import { defineFormulas } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import {
  col2imImage,
  type FloatArray,
  floatData,
  im2colImage,
  type KernelDtype,
  kernelDtype,
  outputSize,
  type WindowGeometry,
  zerosWithData,
} from './im2col.js';

/** Window geometry (explicit zero padding) and channel groups of a convolution. */
export interface ConvolutionParams {
  geometry: WindowGeometry;
  groups: number;
}

/** Scratch buffers up to this many elements are kept between calls; larger ones are dropped after use. */
const MAX_CACHED_SCRATCH = 1 << 23;
const scratch32: Float32Array[] = [];
const scratch64: Float64Array[] = [];

/** A scratch array of at least `length` elements (contents undefined); `slot` tells apart buffers used together. */
function scratch(dtype: KernelDtype, slot: number, length: number): FloatArray {
  const pool: FloatArray[] = dtype === 'float64' ? scratch64 : scratch32;
  const cached = pool[slot];
  if (cached !== undefined && cached.length >= length) return cached;
  const fresh = dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
  if (length <= MAX_CACHED_SCRATCH) pool[slot] = fresh;
  return fresh;
}

/** A contiguous tensor of `shape` over the start of a scratch array (it must not escape the kernel). */
function scratchTensor(dtype: KernelDtype, slot: number, shape: number[]): Tensor {
  const length = shape.reduce((a, b) => a * b, 1);
  return torch.fromTypedArray(scratch(dtype, slot, length).subarray(0, length), shape);
}

/** `t` in the kernel dtype, contiguous. */
function asKernel(t: Tensor, dtype: KernelDtype): Tensor {
  return (t.dtype === dtype ? t : t.to(dtype)).contiguous();
}

/** `out[i] = a[i] @ b[i]` for 3-d operands (any strides the backend reads in place) into a contiguous `out`. */
function batchedGemm(out: Tensor, a: Tensor, b: Tensor): void {
  if (out.numel() > 0) torch.getBackend(out.device).matmul(out, a, b);
}

/**
 * Per-group matrices `[groups, rows, cols]` as a batch of one per (image, group), in that order: a stride-0
 * broadcast for one group; for several, the groups repeated per image (weights are small).
 */
function perImage(matrices: Tensor, images: number): Tensor {
  const [groups, rows, cols] = matrices.shape as [number, number, number];
  if (groups === 1) return matrices.expand(images, rows, cols);
  return matrices
    .unsqueeze(0)
    .expand(images, groups, rows, cols)
    .contiguous()
    .view(images * groups, rows, cols);
}

/** The weight as `[groups, outC/groups, K/groups]`, with the bias appended as one more column when given. */
function weightMatrices(weight: Tensor, bias: Tensor | null, groups: number, dtype: KernelDtype): Tensor {
  const outChannels = weight.size(0);
  const matrices = asKernel(weight, dtype).view(groups, outChannels / groups, -1);
  if (bias === null) return matrices;
  const taps = matrices.size(2);
  const weights = floatData(matrices);
  const biases = floatData(bias);
  const [augmented, data] = zerosWithData([groups, outChannels / groups, taps + 1], dtype);
  for (let o = 0; o < outChannels; o++) {
    data.set(weights.subarray(o * taps, (o + 1) * taps), o * (taps + 1));
    data[o * (taps + 1) + taps] = biases[o]!;
  }
  return augmented;
}

/** What scratch slot 0 holds: the columns of `input` at `version`, for `params`, with or without the ones rows. */
interface ColumnsKey {
  input: WeakRef<Tensor>;
  version: number;
  params: ConvolutionParams;
  ones: boolean;
  buffer: FloatArray;
}
let slotZero: ColumnsKey | null = null;

/**
 * Unfolds every (image, group) of `input [N, C, H, W]` into scratch columns `[N*groups, K/groups (+1), L]` (slot
 * 0), with a row of ones under each block when `ones` (NOTE [Bias in the gemm]).
 *
 * NOTE [Reusing the last columns]
 * The backward of the last convolution of a forward pass runs first and needs the very columns its forward left in
 * slot 0, so when slot 0 still holds them (same input object at the same version, same params, nothing unfolded
 * since) they are reused instead of unfolded again.
 */
function columnsOf(input: Tensor, params: ConvolutionParams, dtype: KernelDtype, ones: boolean): Tensor {
  const { geometry, groups } = params;
  const [n, c, h, w] = input.shape as [number, number, number, number];
  const [oh, ow] = outputSize(geometry, h, w);
  const count = oh * ow;
  const channels = c / groups;
  const rows = channels * geometry.kernel[0] * geometry.kernel[1] + (ones ? 1 : 0);
  const length = n * groups * rows * count;
  const dst = scratch(dtype, 0, length);
  const columns = torch.fromTypedArray(dst.subarray(0, length), [n * groups, rows, count]);
  const key = slotZero;
  if (
    key !== null &&
    key.input.deref() === input &&
    key.version === input._version &&
    key.params === params &&
    key.ones === ones &&
    key.buffer === dst
  ) {
    return columns;
  }
  const src = floatData(input);
  for (let block = 0; block < n * groups; block++) {
    const start = block * rows * count;
    im2colImage(src, block * channels * h * w, channels, h, w, geometry, dst, start);
    if (ones) dst.fill(1, start + (rows - 1) * count, start + rows * count);
  }
  // Only a pooled buffer outlives this call (see `scratch`).
  const pooled = (dtype === 'float64' ? scratch64 : scratch32)[0] === dst;
  slotZero = pooled
    ? { input: new WeakRef(input), version: input._version, params, ones, buffer: dst }
    : null;
  return columns;
}

function forwardKernel(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  params: ConvolutionParams,
): Tensor {
  const [n, , h, w] = input.shape as [number, number, number, number];
  const outChannels = weight.size(0);
  const [oh, ow] = outputSize(params.geometry, h, w);
  const dtype = kernelDtype(input.dtype);
  const columns = columnsOf(input, params, dtype, bias !== null);
  const [out] = zerosWithData([n, outChannels, oh, ow], dtype);
  batchedGemm(
    out.view(n * params.groups, outChannels / params.groups, oh * ow),
    perImage(weightMatrices(weight, bias, params.groups, dtype), n),
    columns,
  );
  return input.dtype === dtype ? out : out.to(input.dtype);
}

function backwardInputKernel(
  grad: Tensor,
  weight: Tensor,
  params: ConvolutionParams,
  inputSize: [number, number],
): Tensor {
  const { geometry, groups } = params;
  const [n, outChannels, oh, ow] = grad.shape as [number, number, number, number];
  const [h, w] = inputSize;
  const dtype = kernelDtype(grad.dtype);
  const channels = weight.size(1) * groups;
  const rows = channels * geometry.kernel[0] * geometry.kernel[1];
  const count = oh * ow;
  const gradColumns = scratchTensor(dtype, 1, [n * groups, rows / groups, count]);
  batchedGemm(
    gradColumns,
    perImage(weightMatrices(weight, null, groups, dtype), n).transpose(1, 2),
    asKernel(grad, dtype).view(n * groups, outChannels / groups, count),
  );
  const src = gradColumns.untypedStorage().data as FloatArray;
  const [out, dst] = zerosWithData([n, channels, h, w], dtype);
  for (let b = 0; b < n; b++) {
    col2imImage(src, b * rows * count, channels, h, w, geometry, dst, b * channels * h * w);
  }
  return grad.dtype === dtype ? out : out.to(grad.dtype);
}

function backwardParamsKernel(
  grad: Tensor,
  input: Tensor,
  params: ConvolutionParams,
  withBias: boolean,
): Tensor[] {
  const { geometry, groups } = params;
  const [n, outChannels, oh, ow] = grad.shape as [number, number, number, number];
  const [kh, kw] = geometry.kernel;
  const dtype = kernelDtype(grad.dtype);
  const count = oh * ow;
  const channels = input.size(1) / groups;
  const taps = channels * kh * kw;
  const rows = taps + (withBias ? 1 : 0);
  const columns = columnsOf(asKernel(input, dtype), params, dtype, withBias);
  const products = scratchTensor(dtype, 1, [n * groups, outChannels / groups, rows]);
  batchedGemm(
    products,
    asKernel(grad, dtype).view(n * groups, outChannels / groups, count),
    columns.transpose(1, 2),
  );
  // Sum the per-image products ([N, outC, rows] in (group, channel) order) in float64, then split off the bias.
  const size = outChannels * rows;
  const src = products.untypedStorage().data as FloatArray;
  const sums = new Float64Array(size);
  for (let b = 0; b < n; b++) {
    const base = b * size;
    for (let i = 0; i < size; i++) sums[i]! += src[base + i]!;
  }
  const [gradWeight, weightData] = zerosWithData([outChannels, channels, kh, kw], dtype);
  for (let o = 0; o < outChannels; o++) weightData.set(sums.subarray(o * rows, o * rows + taps), o * taps);
  const outputs = [gradWeight];
  if (withBias) {
    const [gradBias, biasData] = zerosWithData([outChannels], dtype);
    for (let o = 0; o < outChannels; o++) biasData[o] = sums[o * rows + taps]!;
    outputs.push(gradBias);
  }
  return grad.dtype === dtype ? outputs : outputs.map((t) => t.to(grad.dtype));
}

/**
 * `F.conv2d` on a batched `[N, C, H, W]` input with the padding in `params.geometry` (argument checks are the
 * caller's; input, weight and bias share one dtype): `[N, outC, oh, ow]`.
 */
export function convolution2d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  params: ConvolutionParams,
): Tensor {
  return torch.dispatch('convolution2d', [input, weight, bias], { params }, () =>
    forwardKernel(input, weight, bias, params),
  );
}

/** The gradient of `convolution2d` with respect to its input `[N, C, inputSize]` (differentiable). */
export function convolution2dBackwardInput(
  grad: Tensor,
  weight: Tensor,
  params: ConvolutionParams,
  inputSize: [number, number],
): Tensor {
  return torch.dispatch('convolution2d_backward_input', [grad, weight], { params, inputSize }, () =>
    backwardInputKernel(grad, weight, params, inputSize),
  );
}

/**
 * The gradients of `convolution2d` with respect to its weight and, when `withBias`, its bias: `[gradWeight]` or
 * `[gradWeight, gradBias]` (differentiable).
 */
export function convolution2dBackwardParams(
  grad: Tensor,
  input: Tensor,
  params: ConvolutionParams,
  withBias: boolean,
): Tensor[] {
  return torch.dispatch('convolution2d_backward_params', [grad, input], { params, withBias }, () =>
    backwardParamsKernel(grad, input, params, withBias),
  );
}

function inputSizeOf(shape: readonly number[]): [number, number] {
  return [shape[2]!, shape[3]!];
}

defineFormulas({
  convolution2d: {
    name: 'ConvolutionBackward0',
    saveInputs: [0, 1],
    backward(ctx, [grad]) {
      if (!grad) return [null, null, null];
      const params = ctx.attrs.params as ConvolutionParams;
      const [needsInput, needsWeight, needsBias] = ctx.needsInputGrad;
      const gradInput = needsInput
        ? convolution2dBackwardInput(grad, ctx.input(1), params, inputSizeOf(ctx.inputShape(0)))
        : null;
      const [gradWeight, gradBias] =
        needsWeight || needsBias
          ? convolution2dBackwardParams(grad, ctx.input(0), params, needsBias === true)
          : [null, null];
      return [gradInput, needsWeight ? gradWeight : null, needsBias ? gradBias : null];
    },
  },
  // col2im(weight^T @ grad) is linear in grad (adjoint: the convolution) and in weight (adjoint: the weight
  // gradient with the roles of grad and input swapped).
  convolution2d_backward_input: {
    name: 'ConvolutionBackwardBackward0',
    saveInputs: [0, 1],
    backward(ctx, [gradGradInput]) {
      if (!gradGradInput) return [null, null];
      const params = ctx.attrs.params as ConvolutionParams;
      return [
        ctx.needsInputGrad[0] ? convolution2d(gradGradInput, ctx.input(1), null, params) : null,
        ctx.needsInputGrad[1]
          ? convolution2dBackwardParams(ctx.input(0), gradGradInput, params, false)[0]
          : null,
      ];
    },
  },
  // sum_b grad[b] @ [im2col(input)[b]; 1]^T is linear in grad (adjoint: the convolution, the bias gradient's
  // gradient acting as its bias) and in input (adjoint: the input gradient).
  convolution2d_backward_params: {
    name: 'ConvolutionBackwardBackward0',
    saveInputs: [0, 1],
    backward(ctx, [gradGradWeight, gradGradBias]) {
      const params = ctx.attrs.params as ConvolutionParams;
      const grad = ctx.input(0);
      const input = ctx.input(1);
      let gradGrad: Tensor | null = null;
      if (ctx.needsInputGrad[0]) {
        if (gradGradWeight) gradGrad = convolution2d(input, gradGradWeight, gradGradBias ?? null, params);
        else if (gradGradBias) gradGrad = gradGradBias.reshape(1, -1, 1, 1).expand(grad.shape);
      }
      const gradInput =
        ctx.needsInputGrad[1] && gradGradWeight
          ? convolution2dBackwardInput(grad, gradGradWeight, params, inputSizeOf(input.shape))
          : null;
      return [gradGrad, gradInput];
    },
  },
});
