/**
 * `MultiheadAttention` against PyTorch 1.13 (fixtures/attention.json from scripts/gen-nn-goldens-2.py): outputs,
 * attention weights and gradients with PyTorch's weights; default initialisation, keys, reprs, error messages;
 * gradcheck of `multiHeadAttentionForward` in float64.
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

const data = fixture<ModuleFixture>('attention');

const causal = torch.ones([4, 4], { dtype: 'bool' }).triu(1);
const kpm = torch.tensor([
  [false, false, true, true],
  [false, false, false, true],
]);

type Call = (m: nn.MultiheadAttention, x: Tensor[]) => [Tensor, Tensor | null];
const selfAttn =
  (options?: nn.MultiheadAttentionForwardOptions): Call =>
  (m, x) =>
    m.call(x[0]!, x[0]!, x[0]!, options);
const crossAttn: Call = (m, x) => m.call(x[0]!, x[1]!, x[2]!);

const factories: Record<string, [() => nn.MultiheadAttention, Call]> = {
  SelfAttention: [() => new nn.MultiheadAttention(8, 2), selfAttn()],
  CrossAttention: [() => new nn.MultiheadAttention(8, 2), crossAttn],
  KdimVdimBatchFirst: [
    () => new nn.MultiheadAttention(8, 4, { kdim: 3, vdim: 5, batchFirst: true }),
    crossAttn,
  ],
  BoolCausalMask: [() => new nn.MultiheadAttention(8, 2), selfAttn({ attnMask: causal })],
  FloatMask3d: [
    () => new nn.MultiheadAttention(8, 2),
    (m, x) => m.call(x[0]!, x[0]!, x[0]!, { attnMask: x[1]! }),
  ],
  KeyPaddingMask: [
    () => new nn.MultiheadAttention(8, 2, { batchFirst: true }),
    selfAttn({ keyPaddingMask: kpm }),
  ],
  KeyPaddingAndCausal: [
    () => new nn.MultiheadAttention(8, 2),
    selfAttn({ keyPaddingMask: kpm, attnMask: causal }),
  ],
  FloatKeyPadding: [
    () => new nn.MultiheadAttention(8, 2),
    (m, x) => m.call(x[0]!, x[0]!, x[0]!, { keyPaddingMask: x[1]! }),
  ],
  BiasKvZeroAttn: [
    () => new nn.MultiheadAttention(8, 2, { addBiasKv: true, addZeroAttn: true }),
    selfAttn({ keyPaddingMask: kpm, attnMask: causal }),
  ],
  NoAverage: [
    () => new nn.MultiheadAttention(8, 2),
    (m, x) => m.call(x[0]!, x[1]!, x[1]!, { averageAttnWeights: false }),
  ],
  NoWeights: [() => new nn.MultiheadAttention(8, 2, { bias: false }), selfAttn({ needWeights: false })],
  Unbatched: [() => new nn.MultiheadAttention(8, 2), selfAttn({ keyPaddingMask: kpm.select(0, 0) })],
  Dropout: [() => new nn.MultiheadAttention(8, 2, { dropout: 0.3 }), selfAttn()],
  EvalFloat32: [() => new nn.MultiheadAttention(8, 2, { dropout: 0.3 }), selfAttn()],
};

describe('MultiheadAttention matches PyTorch (weights loaded from PyTorch)', () => {
  test.each(data.cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    expectModuleCase(c, factories[name]);
  });
});

test('default initialisation after manualSeed matches PyTorch', () => {
  const makers: Record<string, [number, () => nn.Module]> = {
    MHA: [0, () => new nn.MultiheadAttention(8, 2)],
    MHAKdim: [0, () => new nn.MultiheadAttention(8, 2, { kdim: 3, vdim: 5, addBiasKv: true })],
    MHABig: [3, () => new nn.MultiheadAttention(64, 4)],
  };
  for (const [name, expected] of Object.entries(data.init)) {
    const [seed, make] = makers[name]!;
    torch.manualSeed(seed);
    const state = make().stateDict();
    expect(Object.keys(state)).toEqual(Object.keys(expected));
    for (const [key, value] of Object.entries(expected)) expectClose(state[key], value, `${name}.${key}`);
  }
});

test('keys and reprs match PyTorch', () => {
  expect(Object.keys(new nn.MultiheadAttention(8, 2).stateDict())).toEqual(data.keys.plain);
  expect(
    Object.keys(new nn.MultiheadAttention(8, 2, { kdim: 3, vdim: 5, addBiasKv: true }).stateDict()),
  ).toEqual(data.keys.kdim);
  expect(String(new nn.MultiheadAttention(8, 2))).toBe(data.reprs['nn.MultiheadAttention(8, 2)']);
  expect(String(new nn.MultiheadAttention(8, 2, { kdim: 3, vdim: 5, bias: false }))).toBe(
    data.reprs['nn.MultiheadAttention(8, 2, kdim=3, vdim=5, bias=False)'],
  );
});

test('bad input fails with PyTorch messages', () => {
  const e = data.errors;
  const mha = new nn.MultiheadAttention(8, 2);
  const r = torch.randn;
  expect(() => new nn.MultiheadAttention(8, 3)).toThrow(e.divisible!);
  expect(() =>
    mha.call(r(3, 2, 8), r(3, 2, 8), r(3, 2, 8), { attnMask: torch.zeros([3, 4], { dtype: 'bool' }) }),
  ).toThrow(e.maskShape!);
  expect(() => mha.call(r(3, 2, 6), r(3, 2, 6), r(3, 2, 6))).toThrow(e.embedDim!);
  expect(() => mha.call(r(3, 2, 2, 8), r(3, 2, 8), r(3, 2, 8))).toThrow(e.queryDim!);
  expect(() =>
    mha.call(r(3, 2, 8), r(4, 2, 8), r(4, 2, 8), { keyPaddingMask: torch.zeros([2, 3], { dtype: 'bool' }) }),
  ).toThrow(e.kpmShape!);
});

test('gradcheck of multiHeadAttentionForward in float64 (masks, bias_k/v, zero attention)', () => {
  torch.manualSeed(0);
  const d = (...shape: number[]) => torch.randn(shape, { dtype: 'float64', requiresGrad: true });
  const mask = torch.tensor([
    [false, true, false],
    [false, false, true],
  ]);
  expect(
    gradcheck(
      (q, k, v, w, b, bk, bv, wo, bo) =>
        nn.multiHeadAttentionForward(q, k, v, 4, 2, w, b, bk, bv, true, 0, wo, bo, {
          attnMask: mask,
          averageAttnWeights: false,
        })[0],
      [d(2, 1, 4), d(3, 1, 4), d(3, 1, 4), d(12, 4), d(12), d(1, 1, 4), d(1, 1, 4), d(4, 4), d(4)],
    ),
  ).toBe(true);
});
