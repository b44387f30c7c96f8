/**
 * Recurrent layers against PyTorch 1.13 (fixtures/rnn.json from scripts/gen-nn-goldens-2.py): with PyTorch's
 * weights loaded (which also checks the state-dict keys), every output and the gradients w.r.t. inputs and parameters
 * match; default initialisation after `manualSeed`, printed reprs, keys and error messages match; the cell functions
 * pass gradcheck in float64.
 */

import { gradcheck } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import * as nn from '../index.js';
import {
  expectClose,
  expectModuleCase,
  fixture,
  type ModuleFixture,
} from '../testing/golden.test-helpers.js';

const data = fixture<ModuleFixture<string | null>>('rnn');

type Call = (module: nn.Module, inputs: Tensor[]) => unknown;
const plain: Call = (m, x) => (m.call as (...a: Tensor[]) => unknown)(...x);
const withState: Call = (m, x) =>
  (m.call as (a: Tensor, s: [Tensor, Tensor]) => unknown)(x[0]!, [x[1]!, x[2]!]);

const factories: Record<string, [() => nn.Module, Call]> = {
  RNN: [() => new nn.RNN(3, 4), plain],
  RNNReluBatchFirstH0: [() => new nn.RNN(3, 4, { nonlinearity: 'relu', batchFirst: true }), plain],
  RNN2LayerBidirH0: [() => new nn.RNN(3, 4, { numLayers: 2, bidirectional: true }), plain],
  RNNNoBias: [() => new nn.RNN(3, 4, { bias: false }), plain],
  RNNUnbatched: [() => new nn.RNN(3, 4, { numLayers: 2 }), plain],
  LSTM: [() => new nn.LSTM(3, 4), plain],
  LSTM2LayerBidirBatchFirst: [
    () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true }),
    withState,
  ],
  LSTMUnbatched: [() => new nn.LSTM(3, 4), withState],
  LSTMProj: [() => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, projSize: 2 }), plain],
  LSTMFloat32: [() => new nn.LSTM(3, 4, { numLayers: 2 }), plain],
  GRU: [() => new nn.GRU(3, 4), plain],
  GRU2LayerBidirH0: [() => new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true }), plain],
  GRUDropout: [() => new nn.GRU(3, 4, { numLayers: 3, dropout: 0.4, batchFirst: true }), plain],
  LSTMDropoutEval: [() => new nn.LSTM(3, 4, { numLayers: 2, dropout: 0.4 }), plain],
  RNNCell: [() => new nn.RNNCell(3, 4), plain],
  RNNCellRelu: [() => new nn.RNNCell(3, 4, { nonlinearity: 'relu' }), plain],
  RNNCellUnbatched: [() => new nn.RNNCell(3, 4), plain],
  LSTMCell: [() => new nn.LSTMCell(3, 4), withState],
  LSTMCellNoHidden: [() => new nn.LSTMCell(3, 4, { bias: false }), plain],
  GRUCell: [() => new nn.GRUCell(3, 4), plain],
  GRUCellUnbatchedFloat32: [() => new nn.GRUCell(3, 4), plain],
};

describe('recurrent layers match PyTorch (weights loaded from PyTorch)', () => {
  test.each(data.cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    expectModuleCase(c, factories[name]);
  });
});

describe('default initialisation after manualSeed matches PyTorch', () => {
  const makers: Record<string, () => nn.Module> = {
    LSTM: () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }),
    GRU: () => new nn.GRU(3, 5),
    RNN: () => new nn.RNN(2, 3, { bias: false }),
    LSTMProj: () => new nn.LSTM(3, 4, { projSize: 2 }),
    LSTMCell: () => new nn.LSTMCell(3, 4),
    GRUCell: () => new nn.GRUCell(3, 4),
    RNNCell: () => new nn.RNNCell(3, 4),
    LSTMBig: () => new nn.LSTM(30, 40),
  };
  test.each(Object.keys(data.init))('%s', (name) => {
    torch.manualSeed(name === 'LSTMBig' ? 3 : 0);
    const state = makers[name]!().stateDict();
    const expected = data.init[name]!;
    expect(Object.keys(state)).toEqual(Object.keys(expected));
    for (const [key, value] of Object.entries(expected)) expectClose(state[key], value, `${name}.${key}`);
  });
});

test('printed reprs match PyTorch', () => {
  const made: Record<string, nn.Module> = {
    'nn.RNN(3, 4)': new nn.RNN(3, 4),
    "nn.RNN(3, 4, nonlinearity='relu', bias=False)": new nn.RNN(3, 4, { nonlinearity: 'relu', bias: false }),
    'nn.GRU(3, 4, num_layers=3)': new nn.GRU(3, 4, { numLayers: 3 }),
    'nn.LSTM(3, 4, num_layers=2, batch_first=True, dropout=0.2, bidirectional=True, proj_size=2)':
      new nn.LSTM(3, 4, {
        numLayers: 2,
        batchFirst: true,
        dropout: 0.2,
        bidirectional: true,
        projSize: 2,
      }),
    'nn.RNNCell(3, 4)': new nn.RNNCell(3, 4),
    "nn.RNNCell(3, 4, nonlinearity='relu')": new nn.RNNCell(3, 4, { nonlinearity: 'relu' }),
    'nn.LSTMCell(3, 4, bias=False)': new nn.LSTMCell(3, 4, { bias: false }),
    'nn.GRUCell(3, 4)': new nn.GRUCell(3, 4),
  };
  for (const [expr, text] of Object.entries(data.reprs)) expect(String(made[expr]), expr).toBe(text);
});

test('state-dict keys match PyTorch', () => {
  expect(
    Object.keys(new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, projSize: 2 }).stateDict()),
  ).toEqual(data.keys.LSTMProjBidir);
  expect(Object.keys(new nn.GRU(3, 4, { numLayers: 2, bidirectional: true }).stateDict())).toEqual(
    data.keys.GRUBidir,
  );
  expect(Object.keys(new nn.RNN(3, 4, { bias: false }).stateDict())).toEqual(data.keys.RNNNoBias);
  expect(Object.keys(new nn.LSTMCell(3, 4).stateDict())).toEqual(data.keys.LSTMCell);
});

test('bad input fails with PyTorch messages', () => {
  const e = data.errors;
  const r = torch.randn;
  expect(() => new nn.LSTM(3, 4).call(r(5, 2, 6))).toThrow(e.inputSize!);
  expect(() => new nn.GRU(3, 4).call(r(5, 2, 3, 1))).toThrow(e.inputDim!);
  expect(() => new nn.GRU(3, 4).call(r(5, 2, 3), r(1, 3, 4))).toThrow(e.hiddenSize!);
  expect(() => new nn.LSTM(3, 4).call(r(5, 2, 3), [r(1, 3, 4), r(1, 2, 4)])).toThrow(e.lstmHidden0!);
  expect(() => new nn.LSTM(3, 4).call(r(5, 2, 3), [r(1, 2, 4), r(1, 3, 4)])).toThrow(e.lstmHidden1!);
  expect(() => new nn.GRU(3, 4).call(r(5, 3), r(1, 2, 4))).toThrow(e.unbatchedHx!);
  expect(() => new nn.GRU(3, 4).call(r(5, 2, 3), r(2, 4))).toThrow(e.batchedHx!);
  expect(() => new nn.RNN(3, 4, { nonlinearity: 'foo' as 'tanh' })).toThrow(e.nonlinearity!);
  expect(() => new nn.RNN(3, 4, { dropout: 2 })).toThrow(e.dropout!);
  expect(() => new nn.LSTM(3, 4, { projSize: 4 })).toThrow(e.projSize!);
  expect(() => new nn.GRU(3, 4, { projSize: 2 } as nn.RNNOptions)).toThrow(e.projSizeGru!);
  expect(() => new nn.RNNCell(3, 4).call(r(2, 5))).toThrow(e.cellInputSize!);
  expect(() => new nn.RNNCell(3, 4).call(r(2, 3), r(3, 4))).toThrow(e.cellBatch!);
  expect(() => new nn.RNNCell(3, 4).call(r(2, 3), r(2, 5))).toThrow(e.cellHidden!);
  expect(() => new nn.LSTMCell(3, 4).call(r(2, 3, 3))).toThrow(e.cellDim!);
});

test('dropout between layers is off in eval mode and with p = 0', () => {
  const lstm = new nn.LSTM(3, 4, { numLayers: 2, dropout: 0.5 }).eval();
  const x = torch.randn(5, 2, 3);
  const [a] = lstm.call(x);
  const [b] = lstm.call(x);
  expect(a.equal(b)).toBe(true);
});

describe('gradcheck of the cell functions and layers in float64', () => {
  const d = (...shape: number[]) => torch.randn(shape, { dtype: 'float64', requiresGrad: true });
  const cases: Record<string, [(...t: Tensor[]) => Tensor, () => Tensor[]]> = {
    rnnTanhCell: [
      (x, h, wi, wh, bi, bh) => nn.rnnTanhCell(x, h, wi, wh, bi, bh),
      () => [d(2, 3), d(2, 4), d(4, 3), d(4, 4), d(4), d(4)],
    ],
    rnnReluCell: [(x, h, wi, wh) => nn.rnnReluCell(x, h, wi, wh), () => [d(2, 3), d(2, 4), d(4, 3), d(4, 4)]],
    lstmCell: [
      (x, h, c, wi, wh, bi, bh) => torch.cat(nn.lstmCell(x, [h, c], wi, wh, bi, bh), -1),
      () => [d(2, 3), d(2, 4), d(2, 4), d(16, 3), d(16, 4), d(16), d(16)],
    ],
    lstmCellProj: [
      (x, h, c, wi, wh, wr) => torch.cat(nn.lstmCell(x, [h, c], wi, wh, null, null, wr), -1),
      () => [d(2, 3), d(2, 2), d(2, 4), d(16, 3), d(16, 2), d(2, 4)],
    ],
    gruCell: [
      (x, h, wi, wh, bi, bh) => nn.gruCell(x, h, wi, wh, bi, bh),
      () => [d(2, 3), d(2, 4), d(12, 3), d(12, 4), d(12), d(12)],
    ],
  };
  test.each(Object.entries(cases))('%s', (_name, [fn, inputs]) => {
    torch.manualSeed(0);
    expect(gradcheck(fn, inputs())).toBe(true);
  });
  test('bidirectional 2-layer GRU and LSTM w.r.t. input and initial states', () => {
    torch.manualSeed(0);
    const gru = new nn.GRU(2, 3, { numLayers: 2, bidirectional: true }).double();
    const gruFlat = (x: Tensor, h: Tensor) => {
      const [out, hn] = gru.call(x, h);
      return torch.cat([out.reshape(-1), hn.reshape(-1)]);
    };
    expect(gradcheck(gruFlat, [d(3, 2, 2), d(4, 2, 3)])).toBe(true);
    const lstm = new nn.LSTM(2, 3, { batchFirst: true }).double();
    expect(
      gradcheck(
        (x, h, c) => {
          const [out, [hn, cn]] = lstm.call(x, [h, c]);
          return torch.cat([out.reshape(-1), hn.reshape(-1), cn.reshape(-1)]);
        },
        [d(2, 3, 2), d(1, 2, 3), d(1, 2, 3)],
      ),
    ).toBe(true);
  });
});
