/**
 * The convolution op against a plain composition (`unfold` + matmul), and its derivatives to second order: the
 * backward ops are each other's derivatives (NOTE [Convolution double backward]), which gradgradcheck exercises.
 */
import { grad, gradcheck, gradgradcheck } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import * as nn from '../index.js';

interface Case {
  input: [number, number, number, number];
  weight: [number, number, number, number];
  options: nn.F.ConvOptions;
}

const cases: Record<string, Case> = {
  'same 3x3': { input: [2, 2, 5, 4], weight: [3, 2, 3, 3], options: { padding: 1 } },
  'stride, dilation, asymmetric padding': {
    input: [2, 2, 7, 8],
    weight: [3, 2, 3, 2],
    options: { stride: [2, 1], padding: [1, 2], dilation: [1, 2] },
  },
  groups: { input: [2, 4, 5, 6], weight: [6, 2, 3, 2], options: { stride: 2, padding: 1, groups: 2 } },
  '1x1': { input: [3, 5, 4, 4], weight: [2, 5, 1, 1], options: {} },
};

/** The convolution as unfold + matmul, every op of it a plain differentiable op. */
function composite(x: Tensor, weight: Tensor, bias: Tensor, options: nn.F.ConvOptions): Tensor {
  const groups = options.groups ?? 1;
  const kernel = [weight.size(2), weight.size(3)];
  const columns = nn.F.unfold(x, kernel, {
    stride: options.stride ?? 1,
    padding: (options.padding as number | number[] | undefined) ?? 0,
    dilation: options.dilation ?? 1,
  });
  const [n, , count] = columns.shape as [number, number, number];
  const outChannels = weight.size(0);
  const product = weight
    .reshape(groups, outChannels / groups, -1)
    .matmul(columns.reshape(n, groups, -1, count))
    .reshape(n, outChannels, count);
  return product.add(bias.reshape(1, outChannels, 1));
}

describe('convolution2d', () => {
  test.each(Object.entries(cases))('%s: forward and gradients match unfold + matmul', (_name, c) => {
    for (const dtype of ['float32', 'float64'] as const) {
      torch.manualSeed(1);
      const x = torch.randn(...c.input, { dtype, requiresGrad: true });
      const weight = torch.randn(...c.weight, { dtype, requiresGrad: true });
      const bias = torch.randn(c.weight[0], { dtype, requiresGrad: true });
      const out = nn.F.conv2d(x, weight, bias, c.options);
      const expected = composite(x, weight, bias, c.options).reshape(out.shape);
      const tolerance = dtype === 'float64' ? 1e-12 : 1e-5;
      expect(out.sub(expected).abs().max().item()).toBeLessThan(tolerance);
      const upstream = torch.randn(...out.shape, { dtype });
      const grads = grad([out], [x, weight, bias], { gradOutputs: [upstream] });
      const expectedGrads = grad([expected], [x, weight, bias], { gradOutputs: [upstream] });
      grads.forEach((g: Tensor | null, i: number) => {
        expect(g!.sub(expectedGrads[i]!).abs().max().item()).toBeLessThan(tolerance * 10);
      });
    }
  });

  test.each(Object.entries(cases))('%s: gradgradcheck in float64', (_name, c) => {
    torch.manualSeed(2);
    const inputs = [
      torch.randn(...c.input, { dtype: 'float64', requiresGrad: true }),
      torch.randn(...c.weight, { dtype: 'float64', requiresGrad: true }),
      torch.randn(c.weight[0], { dtype: 'float64', requiresGrad: true }),
    ];
    const fn = (x: Tensor, w: Tensor, b: Tensor): Tensor => nn.F.conv2d(x, w, b, c.options);
    expect(gradcheck(fn, inputs)).toBe(true);
    expect(gradgradcheck(fn, inputs)).toBe(true);
  });

  test('conv1d double backward, and gradients for a subset of the inputs', () => {
    torch.manualSeed(3);
    const x = torch.randn(2, 3, 9, { dtype: 'float64', requiresGrad: true });
    const weight = torch.randn(4, 3, 3, { dtype: 'float64', requiresGrad: true });
    const bias = torch.randn(4, { dtype: 'float64' });
    expect(
      gradgradcheck(
        (a: Tensor, w: Tensor) => nn.F.conv1d(a, w, bias, { padding: 2, dilation: 2 }),
        [x, weight],
      ),
    ).toBe(true);
    const out = nn.F.conv2d(x.detach().unsqueeze(2), weight.unsqueeze(2), bias.requiresGrad_(true));
    out.sum().backward();
    expect(bias.grad!.tolist()).toEqual(new Array(4).fill(2 * 7));
    // Only the bias trainable: the bias gradient alone, still from the fused gemm.
    bias.grad = null;
    nn.F.conv2d(x.detach().unsqueeze(2), weight.detach().unsqueeze(2), bias).mul(2).sum().backward();
    expect(bias.grad!.tolist()).toEqual(new Array(4).fill(4 * 7));
  });

  test('conv_transpose2d (the input gradient as a forward) to second order', () => {
    torch.manualSeed(4);
    const inputs = [
      torch.randn(2, 4, 3, 4, { dtype: 'float64', requiresGrad: true }),
      torch.randn(4, 1, 3, 2, { dtype: 'float64', requiresGrad: true }),
      torch.randn(2, { dtype: 'float64', requiresGrad: true }),
    ];
    const fn = (x: Tensor, w: Tensor, b: Tensor): Tensor =>
      nn.F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: [1, 2] });
    expect(gradcheck(fn, inputs)).toBe(true);
    expect(gradgradcheck(fn, inputs)).toBe(true);
  });

  test('mismatched dtypes are rejected as PyTorch does', () => {
    expect(() => nn.F.conv2d(torch.randn(1, 1, 3, 3, { dtype: 'float64' }), torch.randn(1, 1, 2, 2))).toThrow(
      'expected scalar type Double but found Float',
    );
  });
});
