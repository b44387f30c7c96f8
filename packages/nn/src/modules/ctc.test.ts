/**
 * `ctcLoss` / `CTCLoss` against PyTorch 1.13 (the `ctc` entry of fixtures/rnn.json from
 * scripts/gen-nn-goldens-2.py): losses and gradients for padded and concatenated targets, every reduction,
 * `zeroInfinity`, another blank, empty targets, unbatched input, float32; gradcheck through log-softmax in float64.
 */

import { gradcheck } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import * as nn from '../index.js';
import { decode, type EncodedTensor, expectClose, fixture } from '../testing/golden.test-helpers.js';

interface CtcCase {
  name: string;
  dtype: 'float32' | 'float64';
  throughSoftmax: boolean;
  options: { blank: number; reduction: 'none' | 'mean' | 'sum'; zeroInfinity: boolean };
  input: EncodedTensor;
  targets: EncodedTensor;
  inputLengths: number[];
  targetLengths: number[];
  upstream: EncodedTensor;
  output: EncodedTensor;
  grad: EncodedTensor;
}

const ctc = fixture<{ ctc: { cases: CtcCase[]; repr: string } }>('rnn').ctc;

describe('CTC loss matches PyTorch', () => {
  test.each(ctc.cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const leaf = decode(c.input).requiresGrad_(true);
    const logProbs = c.throughSoftmax ? leaf.logSoftmax(-1) : leaf;
    const loss = new nn.CTCLoss(c.options).call(logProbs, decode(c.targets), c.inputLengths, c.targetLengths);
    expectClose(loss, c.output, `${name} loss`);
    loss.mul(decode(c.upstream)).sum().backward();
    expectClose(leaf.grad, c.grad, `${name} grad`);
  });
});

test('lengths as tensors, messages, repr', () => {
  const logProbs = torch.randn(5, 2, 4).logSoftmax(2);
  const targets = torch.tensor([
    [1, 2],
    [1, 1],
  ]);
  const a = nn.ctcLoss(logProbs, targets, torch.tensor([5, 4]), torch.tensor([2, 2]));
  const b = nn.ctcLoss(logProbs, targets, [5, 4], [2, 2]);
  expect(a.item()).toBe(b.item());
  expect(() => nn.ctcLoss(logProbs, targets, [6, 5], [2, 2])).toThrow(
    'Expected input_lengths to have value at most 5, but got value 6 (while checking arguments for ctc_loss_cpu)',
  );
  expect(() => nn.ctcLoss(logProbs, targets, [5, 5], [2, 3])).toThrow(
    "Expected tensor to have size at least 3 at dimension 1, but got size 2 for argument #2 'targets' (while checking arguments for ctc_loss_cpu)",
  );
  expect(() => nn.ctcLoss(logProbs, targets, [5, 5, 5], [2, 2])).toThrow(
    'input_lengths must be of size batch_size',
  );
  expect(() => nn.ctcLoss(logProbs, targets, [5, 5], [2])).toThrow(
    'target_lengths must be of size batch_size',
  );
  expect(() => nn.ctcLoss(logProbs, torch.tensor([1, 2, 1]), [5, 5], [2, 2])).toThrow(
    "Expected tensor to have size 4 at dimension 0, but got size 3 for argument #2 'targets'",
  );
  expect(() => nn.ctcLoss(logProbs, torch.tensor([[1, 7]]).expand(2, 2), [5, 5], [2, 2])).toThrow(
    'Target 7 is out of bounds.',
  );
  expect(String(new nn.CTCLoss({ blank: 1, reduction: 'sum', zeroInfinity: true }))).toBe(ctc.repr);
});

test('gradcheck through log-softmax in float64', () => {
  torch.manualSeed(0);
  const logits = torch.randn([5, 2, 4], { dtype: 'float64', requiresGrad: true });
  const targets = torch.tensor([
    [1, 2, 2],
    [3, 1, 0],
  ]);
  const fn = (x: Tensor) => nn.ctcLoss(x.logSoftmax(2), targets, [5, 4], [3, 2], { reduction: 'none' });
  expect(gradcheck(fn, [logits])).toBe(true);
});
