/**
 * `TransformerEncoderLayer` and `TransformerEncoder` against PyTorch 1.13 (fixtures/transformer.json from
 * scripts/gen-nn-goldens-2.py): outputs and gradients with PyTorch's weights (incl. seeded dropout), default
 * initialisation (the encoder's layers are deep copies and draw no random numbers), keys, reprs, messages.
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
  expectParamGrads,
  fixture,
  type ModuleFixture,
  prepareModule,
} from '../testing/golden.test-helpers.js';

const data = fixture<ModuleFixture & { init: ModuleFixture['init'] & { randAfterEncoder: EncodedTensor } }>(
  'transformer',
);

const causal = torch.ones([4, 4], { dtype: 'bool' }).triu(1);
const kpm = torch.tensor([
  [false, false, true, true],
  [false, false, false, true],
]);

type Call = (m: nn.Module, x: Tensor) => Tensor;
const plain: Call = (m, x) => (m.call as (t: Tensor) => Tensor)(x);

const factories: Record<string, [() => nn.Module, Call]> = {
  EncoderLayer: [() => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }), plain],
  EncoderLayerNormFirstGelu: [
    () =>
      new nn.TransformerEncoderLayer(8, 2, {
        dimFeedforward: 16,
        dropout: 0,
        activation: 'gelu',
        normFirst: true,
        batchFirst: true,
      }),
    (m, x) => (m as nn.TransformerEncoderLayer).call(x, { srcKeyPaddingMask: kpm }),
  ],
  EncoderLayerMask: [
    () => new nn.TransformerEncoderLayer(8, 4, { dimFeedforward: 12, dropout: 0 }),
    (m, x) => (m as nn.TransformerEncoderLayer).call(x, { srcMask: causal }),
  ],
  EncoderLayerDropout: [
    () => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.2 }),
    plain,
  ],
  Encoder: [
    () =>
      new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }), 2, {
        norm: new nn.LayerNorm(8),
      }),
    (m, x) => (m as nn.TransformerEncoder).call(x, { mask: causal, srcKeyPaddingMask: kpm }),
  ],
  EncoderFloat32: [
    () =>
      new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }), 3),
    plain,
  ],
};

describe('Transformer encoder matches PyTorch (weights loaded from PyTorch)', () => {
  test.each(data.cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const entry = factories[name];
    if (entry === undefined) throw new Error(`no factory for ${name}`);
    const [factory, call] = entry;
    const module = prepareModule(factory, c);
    const input = decode(c.inputs[0]!).requiresGrad_(true);
    if (c.forwardSeed !== null) torch.manualSeed(c.forwardSeed);
    const output = call(module, input);
    expectClose(output, c.outputs[0]!, `${name} output`);
    backwardWithUpstream([output], c.upstream);
    expectClose(input.grad, c.inputGrads[0]!, `${name} grad of input`);
    expectParamGrads(module, c.paramGrads, name);
  });
});

test('default initialisation after manualSeed matches PyTorch; cloned layers draw nothing', () => {
  torch.manualSeed(0);
  const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
  const state = layer.stateDict();
  for (const [key, value] of Object.entries(data.init.EncoderLayer!)) expectClose(state[key], value, key);
  torch.manualSeed(0);
  const encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2);
  expectClose(torch.rand(3), data.init.randAfterEncoder, 'random numbers after building the encoder');
  const encoderState = encoder.stateDict();
  expect(Object.keys(encoderState)).toEqual(Object.keys(data.init.Encoder!));
  for (const [key, value] of Object.entries(data.init.Encoder!)) expectClose(encoderState[key], value, key);
});

test('deep copies do not share parameters', () => {
  const encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), 2);
  const [a, b] = encoder.layers.children() as nn.TransformerEncoderLayer[];
  expect(a!.linear1.weight).not.toBe(b!.linear1.weight);
  expect(a!.linear1.weight.equal(b!.linear1.weight)).toBe(true);
  expect(a!.linear1.weight.untypedStorage()).not.toBe(b!.linear1.weight.untypedStorage());
  expect(b).toBeInstanceOf(nn.TransformerEncoderLayer);
  expect(encoder.parameters().length).toBe(24);
});

test('keys, reprs and messages match PyTorch', () => {
  const encoder = new nn.TransformerEncoder(
    new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu' }),
    2,
    { norm: new nn.LayerNorm(8) },
  );
  expect(Object.keys(encoder.stateDict())).toEqual(data.keys.Encoder);
  expect(String(encoder)).toBe(
    data.reprs[
      "nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, activation='gelu'), 2, norm=nn.LayerNorm(8))"
    ],
  );
  expect(String(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }))).toBe(
    data.reprs['nn.TransformerEncoderLayer(8, 2, 16)'],
  );
  expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: 'tanh' as 'relu' })).toThrow(
    data.errors.activation!,
  );
});

test('a module activation is registered and used', () => {
  const layer = new nn.TransformerEncoderLayer(4, 2, {
    dimFeedforward: 8,
    dropout: 0,
    activation: new nn.Tanh(),
  });
  expect(
    layer
      .namedChildren()
      .map(([name]) => name)
      .at(-1),
  ).toBe('activation');
  expect(layer.call(torch.randn(3, 2, 4)).shape).toEqual([3, 2, 4]);
});

test('gradcheck of an encoder layer in float64 w.r.t. its input', () => {
  torch.manualSeed(0);
  const layer = new nn.TransformerEncoderLayer(4, 2, {
    dimFeedforward: 6,
    dropout: 0,
    normFirst: true,
  }).double();
  const x = torch.randn([3, 2, 4], { dtype: 'float64', requiresGrad: true });
  expect(gradcheck((t) => layer.call(t, { srcMask: causal.narrow(0, 0, 3).narrow(1, 0, 3) }), [x])).toBe(
    true,
  );
});
