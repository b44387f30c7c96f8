/**
 * Layers against PyTorch: with PyTorch's weights loaded (which also checks the state-dict keys), outputs, input and
 * parameter gradients and updated buffers match (float64 within 1e-10, float32 within 1e-5).
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, test } from 'vitest';
import * as nn from '../index.js';
import {
  backwardWithUpstream,
  decode,
  type EncodedTensor,
  expectClose,
  expectInputGrads,
  expectParamGrads,
  fixture,
  prepareModule,
} from '../testing/golden.test-helpers.js';

interface LayerCase {
  name: string;
  dtype: 'float32' | 'float64';
  training: boolean;
  state: Record<string, EncodedTensor>;
  inputs: EncodedTensor[];
  upstream: EncodedTensor;
  output: EncodedTensor;
  inputGrads: (EncodedTensor | null)[];
  paramGrads: Record<string, EncodedTensor>;
  stateAfter: Record<string, EncodedTensor>;
}

const activations = [
  'ReLU',
  'ReLU6',
  'LeakyReLU',
  'ELU',
  'SELU',
  'CELU',
  'GELU',
  'SiLU',
  'Mish',
  'Sigmoid',
  'Tanh',
  'Hardtanh',
  'Hardsigmoid',
  'Hardswish',
  'Softplus',
  'Softsign',
  'LogSigmoid',
  'Tanhshrink',
  'Softshrink',
  'Hardshrink',
  'GLU',
] as const;

const factories: Record<string, () => nn.Module> = {
  Linear: () => new nn.Linear(3, 4),
  Linear3d: () => new nn.Linear(3, 4),
  LinearNoBias: () => new nn.Linear(3, 4, { bias: false }),
  LinearFloat32: () => new nn.Linear(3, 4),
  Bilinear: () => new nn.Bilinear(2, 3, 4),
  Embedding: () => new nn.Embedding(6, 3),
  EmbeddingPadding: () => new nn.Embedding(6, 3, { paddingIdx: 1 }),
  EmbeddingScaleGrad: () => new nn.Embedding(6, 3, { scaleGradByFreq: true }),
  EmbeddingBagSum: () => new nn.EmbeddingBag(6, 3, { mode: 'sum' }),
  EmbeddingBagMean: () => new nn.EmbeddingBag(6, 3, { mode: 'mean' }),
  EmbeddingBagMax: () => new nn.EmbeddingBag(6, 3, { mode: 'max' }),
  // biome-ignore lint/performance/noDynamicNamespaceImportAccess: one factory per activation class
  ...Object.fromEntries(activations.map((name) => [name, () => new (nn[name] as new () => nn.Module)()])),
  GELUTanh: () => new nn.GELU('tanh'),
  LeakyReLU02: () => new nn.LeakyReLU(0.2),
  ELU05: () => new nn.ELU(0.5),
  CELU2: () => new nn.CELU(2),
  Softplus2: () => new nn.Softplus(2, 5),
  Threshold: () => new nn.Threshold(0.1, 20),
  PReLU: () => new nn.PReLU(),
  PReLU3: () => new nn.PReLU(3, 0.1),
  Softmax: () => new nn.Softmax(1),
  LogSoftmax: () => new nn.LogSoftmax(1),
  Softmin: () => new nn.Softmin(-1),
  LayerNorm: () => new nn.LayerNorm(6),
  LayerNorm2: () => new nn.LayerNorm([3, 4]),
  GroupNorm: () => new nn.GroupNorm(2, 4),
  BatchNorm1d: () => new nn.BatchNorm1d(3),
  BatchNorm1d3d: () => new nn.BatchNorm1d(3),
  BatchNorm2d: () => new nn.BatchNorm2d(3),
  BatchNorm2dEval: () => new nn.BatchNorm2d(3),
  BatchNorm2dNoMomentum: () => new nn.BatchNorm2d(3, { momentum: null }),
  BatchNorm2dNoTrack: () => new nn.BatchNorm2d(3, { trackRunningStats: false, affine: false }),
  InstanceNorm2d: () => new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true }),
  Conv1d: () => new nn.Conv1d(2, 3, 3),
  Conv1dSame: () => new nn.Conv1d(2, 4, 4, { padding: 'same', dilation: 2, groups: 2 }),
  Conv2d: () => new nn.Conv2d(2, 3, 3),
  Conv2dStride: () => new nn.Conv2d(2, 4, [3, 2], { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }),
  Conv2dGroups: () => new nn.Conv2d(4, 6, 3, { padding: 1, groups: 2, bias: false }),
  Conv2dSame: () => new nn.Conv2d(2, 3, 4, { padding: 'same' }),
  Conv2dValid: () => new nn.Conv2d(2, 3, 3, { padding: 'valid' }),
  Conv2dReflect: () => new nn.Conv2d(2, 3, 3, { padding: 2, paddingMode: 'reflect' }),
  Conv2dReplicate: () => new nn.Conv2d(2, 3, 3, { padding: 1, paddingMode: 'replicate' }),
  Conv2dCircular: () => new nn.Conv2d(2, 3, 3, { padding: [1, 2], paddingMode: 'circular' }),
  Conv2dUnbatched: () => new nn.Conv2d(2, 3, 3),
  ConvTranspose1d: () => new nn.ConvTranspose1d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }),
  ConvTranspose2d: () => new nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }),
  ConvTranspose2dGroups: () =>
    new nn.ConvTranspose2d(4, 6, [2, 3], { stride: [1, 2], groups: 2, dilation: 2 }),
  MaxPool1d: () => new nn.MaxPool1d(3, { stride: 2, padding: 1 }),
  MaxPool2d: () => new nn.MaxPool2d(2),
  MaxPool2dCeil: () => new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
  MaxPool2dDilation: () => new nn.MaxPool2d(2, { stride: 1, dilation: 2 }),
  AvgPool1d: () => new nn.AvgPool1d(3, { stride: 2, padding: 1 }),
  AvgPool2d: () => new nn.AvgPool2d(2),
  AvgPool2dPad: () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  AvgPool2dPadInclude: () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
  AvgPool2dDivisor: () => new nn.AvgPool2d(2, { divisorOverride: 3 }),
  AdaptiveAvgPool1d: () => new nn.AdaptiveAvgPool1d(4),
  AdaptiveAvgPool2d: () => new nn.AdaptiveAvgPool2d([3, 2]),
  AdaptiveMaxPool2d: () => new nn.AdaptiveMaxPool2d([3, 2]),
  Flatten: () => new nn.Flatten(),
  Unflatten: () => new nn.Unflatten(1, [2, 3]),
  UpsampleNearest: () => new nn.Upsample({ scaleFactor: 2 }),
  UpsampleBilinear: () => new nn.Upsample({ size: [5, 4], mode: 'bilinear' }),
  UpsampleBilinearAlign: () => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: true }),
  PixelShuffle: () => new nn.PixelShuffle(2),
  PixelUnshuffle: () => new nn.PixelUnshuffle(2),
  LocalResponseNorm: () => new nn.LocalResponseNorm(3),
  Sequential: () => new nn.Sequential(new nn.Linear(3, 5), new nn.Tanh(), new nn.Linear(5, 2)),
  SmallCNN: () =>
    new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(4, 4, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(16, 3),
    ),
};

const cases = fixture<LayerCase[]>('layers');

describe('layers match PyTorch (weights loaded from PyTorch)', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const factory = factories[name];
    if (factory === undefined) throw new Error(`no factory for ${name}`);
    const module = prepareModule(factory, c);
    const inputs = c.inputs.map((encoded) => {
      const t = decode(encoded);
      return t.isFloatingPoint() ? t.requiresGrad_(true) : t;
    });
    let output = (module.call as (...args: Tensor[]) => Tensor | Tensor[])(...inputs);
    if (Array.isArray(output)) output = output[0]!;
    expectClose(output, c.output, `${name} output`);
    backwardWithUpstream([output], [c.upstream]);
    expectInputGrads(inputs, c.inputGrads, name);
    expectParamGrads(module, c.paramGrads, name);
    const after = module.stateDict();
    for (const [key, expected] of Object.entries(c.stateAfter)) {
      expectClose(after[key], expected, `${name} state ${key} after forward`);
    }
  });
});

test('float32 default dtype keeps parameters float32', () => {
  const layer = new nn.Linear(2, 2);
  torch.manualSeed(0);
  const out = layer.call(torch.randn(1, 2));
  if (out.dtype !== 'float32') throw new Error(out.dtype);
});
