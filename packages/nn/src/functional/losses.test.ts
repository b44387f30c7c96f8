/** Losses and functional helpers against PyTorch: values and input gradients (float64 within 1e-10). */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import { F } from '../index.js';
import { decode, type EncodedTensor, expectClose, fixture } from '../testing/golden.test-helpers.js';

interface LossCase {
  name: string;
  inputs: EncodedTensor[];
  upstream: EncodedTensor;
  output: EncodedTensor;
  inputGrads: (EncodedTensor | null)[];
}

type Fn = (...args: Tensor[]) => Tensor;
const functions: Record<string, Fn> = {};
for (const reduction of ['mean', 'sum', 'none'] as const) {
  Object.assign(functions, {
    [`MSELoss_${reduction}`]: (a: Tensor, b: Tensor) => F.mseLoss(a, b, { reduction }),
    [`L1Loss_${reduction}`]: (a: Tensor, b: Tensor) => F.l1Loss(a, b, { reduction }),
    [`CrossEntropy_${reduction}`]: (a: Tensor, b: Tensor) => F.crossEntropy(a, b, { reduction }),
    [`CrossEntropyWeight_${reduction}`]: (a: Tensor, b: Tensor, w: Tensor) =>
      F.crossEntropy(a, b, { weight: w, reduction }),
    [`CrossEntropySmoothing_${reduction}`]: (a: Tensor, b: Tensor, w: Tensor) =>
      F.crossEntropy(a, b, { weight: w, reduction, labelSmoothing: 0.2, ignoreIndex: 1 }),
    [`CrossEntropySmoothingNoWeight_${reduction}`]: (a: Tensor, b: Tensor) =>
      F.crossEntropy(a, b, { reduction, labelSmoothing: 0.1, ignoreIndex: 3 }),
    [`CrossEntropyProbs_${reduction}`]: (a: Tensor, b: Tensor, w: Tensor) =>
      F.crossEntropy(a, b, { weight: w, reduction, labelSmoothing: 0.1 }),
    [`NLLLoss_${reduction}`]: (a: Tensor, b: Tensor, w: Tensor) =>
      F.nllLoss(a, b, { weight: w, reduction, ignoreIndex: 1 }),
    [`BCELoss_${reduction}`]: (a: Tensor, b: Tensor, w: Tensor) =>
      F.binaryCrossEntropy(a, b, { weight: w, reduction }),
    [`BCEWithLogits_${reduction}`]: (a: Tensor, b: Tensor, w: Tensor, p: Tensor) =>
      F.binaryCrossEntropyWithLogits(a, b, { weight: w, posWeight: p, reduction }),
  });
}
Object.assign(functions, {
  CrossEntropyKDim: (a: Tensor, b: Tensor) => F.crossEntropy(a, b),
  CrossEntropyKDimNone: (a: Tensor, b: Tensor) => F.crossEntropy(a, b, { reduction: 'none', ignoreIndex: 0 }),
  CrossEntropyUnbatched: (a: Tensor, b: Tensor) => F.crossEntropy(a, b),
  CrossEntropyFloat32: (a: Tensor, b: Tensor) => F.crossEntropy(a, b),
  BCEWithLogitsPlain: (a: Tensor, b: Tensor) => F.binaryCrossEntropyWithLogits(a, b),
  SmoothL1Loss: (a: Tensor, b: Tensor) => F.smoothL1Loss(a, b, { beta: 0.5 }),
  HuberLoss: (a: Tensor, b: Tensor) => F.huberLoss(a, b, { delta: 0.7 }),
  KLDivBatchmean: (a: Tensor, b: Tensor) => F.klDiv(a, b, { reduction: 'batchmean' }),
  KLDivLogTarget: (a: Tensor, b: Tensor) => F.klDiv(a, b, { reduction: 'sum', logTarget: true }),
  CosineEmbedding: (a: Tensor, b: Tensor, y: Tensor) => F.cosineEmbeddingLoss(a, b, y, { margin: 0.2 }),
  MarginRanking: (a: Tensor, b: Tensor, y: Tensor) => F.marginRankingLoss(a, b, y, { margin: 0.1 }),
  TripletMargin: (a: Tensor, p: Tensor, n: Tensor) => F.tripletMarginLoss(a, p, n, { margin: 1.5 }),
  TripletMarginSwap: (a: Tensor, p: Tensor, n: Tensor) => F.tripletMarginLoss(a, p, n, { p: 1, swap: true }),
  PoissonNLL: (a: Tensor, b: Tensor) => F.poissonNllLoss(a, b),
  PoissonNLLFull: (a: Tensor, b: Tensor) => F.poissonNllLoss(a, b, { logInput: false, full: true }),
  GaussianNLL: (a: Tensor, b: Tensor, v: Tensor) => F.gaussianNllLoss(a, b, v),
  GaussianNLLFull: (a: Tensor, b: Tensor, v: Tensor) =>
    F.gaussianNllLoss(a, b, v, { full: true, reduction: 'sum' }),
  MultiMargin: (a: Tensor, b: Tensor) => F.multiMarginLoss(a, b),
  MultiMarginP2Weight: (a: Tensor, b: Tensor, w: Tensor) =>
    F.multiMarginLoss(a, b, { p: 2, margin: 0.5, weight: w }),
  MultiLabelSoftMargin: (a: Tensor, b: Tensor) => F.multilabelSoftMarginLoss(a, b),
  HingeEmbedding: (a: Tensor, b: Tensor) => F.hingeEmbeddingLoss(a, b, { margin: 0.5 }),
  SoftMargin: (a: Tensor, b: Tensor) => F.softMarginLoss(a, b),
  CosineSimilarity: (a: Tensor, b: Tensor) => F.cosineSimilarity(a, b),
  PairwiseDistance: (a: Tensor, b: Tensor) => F.pairwiseDistance(a, b, { p: 3 }),
  Normalize: (a: Tensor) => F.normalize(a, 2, 0),
  ScaledDotProductAttention: (q: Tensor, k: Tensor, v: Tensor, m: Tensor) =>
    F.scaledDotProductAttention(q, k, v, { attnMask: m, scale: 0.5 }),
  PadReflect: (a: Tensor) => F.pad(a, [2, 1, 1, 2], 'reflect'),
  PadConstant: (a: Tensor) => F.pad(a, [2, -1, 0, 3], 'constant', 1.5),
  Unfold: (a: Tensor) => F.unfold(a, [2, 3], { dilation: [2, 1], padding: 1, stride: [1, 2] }),
  Fold: (a: Tensor) => F.fold(a, [4, 5], 2, { padding: 1, stride: 2 }),
  OneHotLinear: (a: Tensor, b: Tensor) => F.linear(F.oneHot(b, 4).double(), a),
});

const cases = fixture<LossCase[]>('losses');

describe('losses and functionals match PyTorch', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const fn = functions[name];
    if (fn === undefined) throw new Error(`no function for ${name}`);
    const inputs = c.inputs.map((encoded, i) => {
      const t = decode(encoded);
      return c.inputGrads[i] !== null ? t.requiresGrad_(true) : t;
    });
    const output = fn(...inputs);
    expectClose(output, c.output, `${name} output`);
    output.mul(decode(c.upstream)).sum().backward();
    c.inputGrads.forEach((grad, i) => {
      if (grad !== null) expectClose(inputs[i]!.grad, grad, `${name} grad of input ${i}`);
    });
  });
});

describe('loss errors', () => {
  test('class targets out of range fail clearly', () => {
    const logits = decode(cases[0]!.inputs[0]!).reshape(-1, 4);
    const target = torch.full([logits.size(0)], 7, { dtype: 'int64' });
    expect(() => F.crossEntropy(logits, target)).toThrow('Target 7 is out of bounds.');
  });
});
