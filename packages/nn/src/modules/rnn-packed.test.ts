/**
 * `RNN` / `LSTM` / `GRU` on a `PackedSequence` against PyTorch 1.13 (fixtures/rnn-packed.json from
 * scripts/gen-rnn-packed.py): with PyTorch's weights loaded, packing a padded float32 batch (`batchFirst`,
 * `enforceSorted` true and false) and running the module gives PyTorch's packed output, `hN` (and `cN`) in the
 * caller's batch order, and PyTorch's gradients w.r.t. the packed data, the initial states and every weight; bad
 * input fails with PyTorch's messages. Also: each sequence of a pack runs as it would alone, and a packed
 * bidirectional GRU / LSTM passes gradcheck in float64.
 */

import { gradcheck } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import * as nn from '../index.js';
import {
  backwardWithUpstream,
  decode,
  type EncodedTensor,
  expectClose,
  fixture,
  loadGoldenState,
} from '../testing/golden.test-helpers.js';
import { PackedSequence, packPaddedSequence, padPackedSequence } from '../utils/rnn.js';

interface Case {
  name: string;
  mode: 'RNN' | 'LSTM' | 'GRU';
  nonlinearity: 'tanh' | 'relu';
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
  enforceSorted: boolean;
  projSize: number;
  dropout: number;
  training: boolean;
  forwardSeed: number | null;
  lengths: number[];
  withHx: boolean;
  state: Record<string, EncodedTensor>;
  padded: EncodedTensor;
  h0: EncodedTensor | null;
  c0: EncodedTensor | null;
  packedData: EncodedTensor;
  batchSizes: EncodedTensor;
  sortedIndices: EncodedTensor | null;
  unsortedIndices: EncodedTensor | null;
  /** Upstream gradients of the output data, `hN` and (LSTM) `cN`. */
  upstream: EncodedTensor[];
  outputData: EncodedTensor;
  hN: EncodedTensor;
  cN: EncodedTensor | null;
  packedDataGrad: EncodedTensor;
  h0Grad: EncodedTensor | null;
  c0Grad: EncodedTensor | null;
  paramGrads: Record<string, EncodedTensor>;
}

interface Fixture {
  inputSize: number;
  hiddenSize: number;
  cases: Case[];
  errors: Record<string, string>;
}

const data = fixture<Fixture>('rnn-packed');
const { inputSize, hiddenSize } = data;

type Recurrent = nn.RNN | nn.LSTM | nn.GRU;

function makeModule(c: Case): Recurrent {
  const options = {
    numLayers: c.numLayers,
    bidirectional: c.bidirectional,
    batchFirst: c.batchFirst,
    dropout: c.dropout,
  };
  if (c.mode === 'RNN')
    return new nn.RNN(inputSize, hiddenSize, { ...options, nonlinearity: c.nonlinearity });
  if (c.mode === 'LSTM') return new nn.LSTM(inputSize, hiddenSize, { ...options, projSize: c.projSize });
  return new nn.GRU(inputSize, hiddenSize, options);
}

/** Runs `module` on `packed`; returns the output pack and the final states (`[hN]`, or `[hN, cN]` for LSTM). */
function runPacked(
  module: Recurrent,
  packed: PackedSequence,
  hx: Tensor[] | null,
): [PackedSequence, Tensor[]] {
  if (module instanceof nn.LSTM) {
    const [output, [hN, cN]] = module.call(packed, hx === null ? null : [hx[0]!, hx[1]!]);
    return [output, [hN, cN]];
  }
  const [output, hN] = module.call(packed, hx === null ? null : hx[0]!);
  return [output, [hN]];
}

function expectIndices(actual: Tensor | null, expected: EncodedTensor | null, what: string): void {
  if (expected === null) expect(actual, what).toBeNull();
  else expectClose(actual, expected, what);
}

describe('packed input matches PyTorch (weights loaded from PyTorch)', () => {
  test.each(data.cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const module = makeModule(c);
    module.train(c.training);
    loadGoldenState(module, c.state);
    const padded = decode(c.padded).requiresGrad_(true);
    const packed = packPaddedSequence(padded, c.lengths, {
      batchFirst: c.batchFirst,
      enforceSorted: c.enforceSorted,
    });
    packed.data.retainGrad();
    expectClose(packed.data, c.packedData, `${name} packed input`);
    const hx = [c.h0, c.c0].filter((x) => x !== null).map((x) => decode(x).requiresGrad_(true));
    if (c.forwardSeed !== null) torch.manualSeed(c.forwardSeed);
    const [output, finals] = runPacked(module, packed, c.withHx ? hx : null);

    expect(output).toBeInstanceOf(PackedSequence);
    expect(output.batchSizes).toBe(packed.batchSizes);
    expect(output.sortedIndices).toBe(packed.sortedIndices);
    expect(output.unsortedIndices).toBe(packed.unsortedIndices);
    expectClose(output.batchSizes, c.batchSizes, `${name} batchSizes`);
    expectIndices(output.sortedIndices, c.sortedIndices, `${name} sortedIndices`);
    expectIndices(output.unsortedIndices, c.unsortedIndices, `${name} unsortedIndices`);
    expectClose(output.data, c.outputData, `${name} output data`);
    expectClose(finals[0], c.hN, `${name} hN`);
    if (c.cN !== null) expectClose(finals[1], c.cN, `${name} cN`);
    expect(finals.length).toBe(c.upstream.length - 1);

    backwardWithUpstream([output.data, ...finals], c.upstream);
    expectClose(packed.data.grad, c.packedDataGrad, `${name} grad of packed data`);
    if (c.h0Grad !== null) expectClose(hx[0]!.grad, c.h0Grad, `${name} grad of h0`);
    if (c.c0Grad !== null) expectClose(hx[1]!.grad, c.c0Grad, `${name} grad of c0`);
    const named = [...module.namedParameters()];
    expect(named.map(([key]) => key).sort()).toEqual(Object.keys(c.paramGrads).sort());
    for (const [key, param] of named) expectClose(param.grad, c.paramGrads[key]!, `${name} grad of ${key}`);
  });
});

test('each sequence of a pack runs as it would alone (bidirectional 2-layer LSTM, unsorted lengths)', () => {
  torch.manualSeed(0);
  const lstm = new nn.LSTM(inputSize, hiddenSize, { numLayers: 2, bidirectional: true, batchFirst: true });
  const lengths = [2, 5, 1, 5, 3];
  const padded = torch.randn(lengths.length, 5, inputSize);
  const h0 = torch.randn(4, lengths.length, hiddenSize);
  const c0 = torch.randn(4, lengths.length, hiddenSize);
  const [output, [hN, cN]] = lstm.call(
    packPaddedSequence(padded, lengths, { batchFirst: true, enforceSorted: false }),
    [h0, c0],
  );
  const [unpacked] = padPackedSequence(output, { batchFirst: true });
  lengths.forEach((length, b) => {
    const alone = padded.narrow(0, b, 1).narrow(1, 0, length);
    const state = (s: Tensor) => s.narrow(1, b, 1).contiguous();
    const [expectedOutput, [expectedH, expectedC]] = lstm.call(alone, [state(h0), state(c0)]);
    const close = (actual: Tensor, expected: Tensor) => actual.allclose(expected, { rtol: 1e-5, atol: 1e-6 });
    expect(close(unpacked.narrow(0, b, 1).narrow(1, 0, length), expectedOutput), `output ${b}`).toBe(true);
    expect(close(state(hN), expectedH), `hN ${b}`).toBe(true);
    expect(close(state(cN), expectedC), `cN ${b}`).toBe(true);
    // Past its end a sequence's outputs are padding.
    if (length < 5)
      expect(
        unpacked
          .narrow(0, b, 1)
          .narrow(1, length, 5 - length)
          .abs()
          .max()
          .item(),
      ).toBe(0);
  });
});

test('bad packed input fails with PyTorch messages', () => {
  const e = data.errors;
  const r = torch.randn;
  const pack = (features = inputSize) =>
    packPaddedSequence(r(4, 4, features), [3, 4, 1, 3], { enforceSorted: false });
  expect(() => new nn.GRU(inputSize, hiddenSize).call(pack(), r(2, 4, hiddenSize))).toThrow(e.hiddenSize!);
  expect(() => new nn.RNN(inputSize, hiddenSize).call(pack(), r(1, 4, 5))).toThrow(e.hiddenFeatures!);
  expect(() => new nn.LSTM(inputSize, hiddenSize).call(pack(), [r(1, 4, 5), r(1, 4, hiddenSize)])).toThrow(
    e.lstmHidden0!,
  );
  expect(() =>
    new nn.LSTM(inputSize, hiddenSize).call(pack(), [r(1, 4, hiddenSize), r(2, 4, hiddenSize)]),
  ).toThrow(e.lstmHidden1!);
  expect(() => new nn.LSTM(inputSize, hiddenSize).call(pack(5))).toThrow(e.inputSize!);
  expect(() =>
    new nn.GRU(inputSize, hiddenSize).call(packPaddedSequence(r(4, 4, inputSize, 1), [4, 3, 3, 1])),
  ).toThrow(e.inputDim!);
  expect(() =>
    new nn.LSTM(inputSize, hiddenSize).call(r(4, 4, inputSize), [r(4, hiddenSize), r(1, 4, hiddenSize)]),
  ).toThrow(e.lstmBatchedHx!);
});

describe('gradcheck of packed bidirectional layers in float64', () => {
  const d = (...shape: number[]) => torch.randn(shape, { dtype: 'float64', requiresGrad: true });
  // Lengths [3, 1, 2] sorted to [3, 2, 1]: every step has a different number of running sequences.
  const batchSizes = torch.tensor([3, 2, 1], { dtype: 'int64' });
  const sortedIndices = torch.tensor([0, 2, 1], { dtype: 'int64' });
  const pack = (packedData: Tensor) => new PackedSequence(packedData, batchSizes, sortedIndices);

  test('GRU, 2 layers, w.r.t. packed data and h0', () => {
    torch.manualSeed(0);
    const gru = new nn.GRU(2, 3, { numLayers: 2, bidirectional: true }).double();
    const flat = (packedData: Tensor, h0: Tensor) => {
      const [output, hN] = gru.call(pack(packedData), h0);
      return torch.cat([output.data.reshape(-1), hN.reshape(-1)]);
    };
    expect(gradcheck(flat, [d(6, 2), d(4, 3, 3)])).toBe(true);
  });

  test('LSTM w.r.t. packed data, h0 and c0', () => {
    torch.manualSeed(1);
    const lstm = new nn.LSTM(2, 3, { bidirectional: true }).double();
    const flat = (packedData: Tensor, h0: Tensor, c0: Tensor) => {
      const [output, [hN, cN]] = lstm.call(pack(packedData), [h0, c0]);
      return torch.cat([output.data.reshape(-1), hN.reshape(-1), cN.reshape(-1)]);
    };
    expect(gradcheck(flat, [d(6, 2), d(2, 3, 3), d(2, 3, 3)])).toBe(true);
  });
});
