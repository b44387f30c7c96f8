/**
 * The max-pooling kernel against a direct transcription of PyTorch's CPU loop (ties, NaN, -inf, signed zeros,
 * padding, dilation, ceil mode), its scatter backward, and double backward.
 */
import { gradcheck, gradgradcheck } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import * as nn from '../index.js';

interface Options {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  ceilMode: boolean;
}

function outputSize(size: number, kernel: number, o: Options, d: 0 | 1): number {
  const numerator = size + 2 * o.padding[d] - o.dilation[d] * (kernel - 1) - 1;
  let out = (o.ceilMode ? Math.ceil(numerator / o.stride[d]) : Math.floor(numerator / o.stride[d])) + 1;
  if (o.ceilMode && (out - 1) * o.stride[d] >= size + o.padding[d]) out--;
  return out;
}

/** PyTorch's `cpu_max_pool` loop, one plane at a time. */
function reference(
  data: number[],
  planes: number,
  h: number,
  w: number,
  kernel: [number, number],
  o: Options,
): { values: number[]; indices: number[] } {
  const oh = outputSize(h, kernel[0], o, 0);
  const ow = outputSize(w, kernel[1], o, 1);
  const values: number[] = [];
  const indices: number[] = [];
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        let ih0 = y * o.stride[0] - o.padding[0];
        let iw0 = x * o.stride[1] - o.padding[1];
        const ih1 = Math.min(ih0 + (kernel[0] - 1) * o.dilation[0] + 1, h);
        const iw1 = Math.min(iw0 + (kernel[1] - 1) * o.dilation[1] + 1, w);
        while (ih0 < 0) ih0 += o.dilation[0];
        while (iw0 < 0) iw0 += o.dilation[1];
        let maxIndex = ih0 * w + iw0;
        let maxValue = Number.NEGATIVE_INFINITY;
        for (let ih = ih0; ih < ih1; ih += o.dilation[0]) {
          for (let iw = iw0; iw < iw1; iw += o.dilation[1]) {
            const value = data[p * h * w + ih * w + iw]!;
            if (value > maxValue || Number.isNaN(value)) {
              maxValue = value;
              maxIndex = ih * w + iw;
            }
          }
        }
        values.push(maxValue);
        indices.push(maxIndex);
      }
    }
  }
  return { values, indices };
}

/** Small integers (many ties), with NaN, -inf, -0 and +0 sprinkled in. */
function awkwardData(count: number, seed: number): number[] {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: count }, () => {
    const r = next();
    if (r < 0.08) return Number.NaN;
    if (r < 0.16) return Number.NEGATIVE_INFINITY;
    if (r < 0.24) return -0;
    if (r < 0.32) return 0;
    return Math.floor(next() * 4) - 2;
  });
}

const configurations: [string, [number, number], Options][] = [
  ['2x2 (fast path)', [2, 2], { stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false }],
  ['2x2 ceil on odd sizes', [2, 2], { stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: true }],
  ['3x3 stride 2 pad 1 ceil', [3, 3], { stride: [2, 2], padding: [1, 1], dilation: [1, 1], ceilMode: true }],
  ['2x3 dilation 2 stride 1', [2, 3], { stride: [1, 1], padding: [1, 1], dilation: [2, 2], ceilMode: false }],
  [
    '3x2 stride [1, 2] pad [1, 0]',
    [3, 2],
    { stride: [1, 2], padding: [1, 0], dilation: [1, 1], ceilMode: false },
  ],
];

describe('max_pool2d kernel matches PyTorch’s loop', () => {
  test.each(configurations)('%s', (_name, kernel, options) => {
    for (const dtype of ['float32', 'float64'] as const) {
      const [n, c, h, w] = [2, 3, 7, 9];
      const data = awkwardData(n * c * h * w, 7);
      const input = torch.tensor(data, { dtype }).reshape(n, c, h, w);
      const [values, indices] = nn.F.maxPool2d(input, kernel, { ...options, returnIndices: true });
      const rounded = Array.from(torch.tensor(data, { dtype }).to('float64').tolist() as number[]);
      const expected = reference(rounded, n * c, h, w, kernel, options);
      expect(indices.dtype).toBe('int64');
      expect((indices.reshape(-1).tolist() as (number | bigint)[]).map(Number)).toEqual(expected.indices);
      const actual = values.to('float64').reshape(-1).tolist() as number[];
      // toEqual tells -0 from +0 and NaN equals NaN, so this checks every bit that matters.
      expect(actual).toEqual(expected.values);
    }
  });

  test('the backward sends each gradient to its maximum, summing where windows overlap', () => {
    const [n, c, h, w] = [1, 2, 6, 5];
    const data = awkwardData(n * c * h * w, 3).map((v) => (Number.isFinite(v) ? v : 1));
    const kernel: [number, number] = [3, 3];
    const options = configurations[2]![2];
    const input = torch.tensor(data, { dtype: 'float64', requiresGrad: true });
    const output = nn.F.maxPool2d(input.reshape(n, c, h, w), kernel, options);
    const upstream = torch.arange(output.numel(), { dtype: 'float64' }).add(1).reshape(output.shape);
    output.mul(upstream).sum().backward();
    const { indices } = reference(data, n * c, h, w, kernel, options);
    const expected = new Array<number>(data.length).fill(0);
    const count = output.size(2) * output.size(3);
    indices.forEach((index, o) => {
      expected[Math.floor(o / count) * h * w + index]! += o + 1;
    });
    expect(input.grad!.tolist()).toEqual(expected);
  });

  test('max_pool1d and unbatched input go through the same kernel', () => {
    const data = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    const [values, indices] = nn.F.maxPool1d(torch.tensor([data], { dtype: 'float32' }), 3, {
      stride: 2,
      padding: 1,
      returnIndices: true,
    });
    expect(values.tolist()).toEqual([[3, 4, 9, 9, 6]]);
    expect((indices.tolist() as (number | bigint)[][])[0]!.map(Number)).toEqual([0, 2, 5, 5, 7]);
  });

  test('in-place ops on the pooled output leave the backward intact (nothing saved but the indices)', () => {
    const input = torch.randn(1, 1, 4, 4, { dtype: 'float64', requiresGrad: true });
    const pooled = nn.F.maxPool2d(input.mul(1), 2);
    pooled.relu_().sum().backward();
    expect(Number(input.grad!.sum().item())).toBe(Number(pooled.gt(0).sum().item()));
  });
});

describe('max_pool2d derivatives in float64', () => {
  const input = (): Tensor => {
    torch.manualSeed(0);
    // Distinct values, so no tie sits within the finite-difference step.
    return torch
      .randperm(2 * 3 * 7 * 6, { dtype: 'float64' })
      .reshape(2, 3, 7, 6)
      .div(10)
      .requiresGrad_(true);
  };
  test('gradcheck and gradgradcheck, overlapping windows', () => {
    const fn = (x: Tensor): Tensor => nn.F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true });
    expect(gradcheck(fn, [input()])).toBe(true);
    expect(gradgradcheck(fn, [input()])).toBe(true);
  });
  test('gradgradcheck, 2x2', () => {
    expect(gradgradcheck((x: Tensor) => nn.F.maxPool2d(x, 2), [input()])).toBe(true);
  });
});
