/**
 * `LazyLinear` against PyTorch 1.13 (the `lazy` entry of fixtures/transformer.json): after `manualSeed`, the first
 * call infers `inFeatures` and draws the same weights as PyTorch; the module then prints and behaves as `Linear`.
 */

import * as torch from '@proj/tensor';
import { expect, test } from 'vitest';
import * as nn from '../index.js';
import { decode, type EncodedTensor, expectClose, fixture } from '../testing/golden.test-helpers.js';

const lazy = fixture<{
  lazy: {
    reprBefore: string;
    reprAfter: string;
    input: EncodedTensor;
    output: EncodedTensor;
    weight: EncodedTensor;
    bias: EncodedTensor;
  };
}>('transformer').lazy;

test('first call materialises with PyTorch default init and becomes a Linear', () => {
  torch.manualSeed(0);
  const layer = new nn.LazyLinear(3);
  expect(String(layer)).toBe(lazy.reprBefore);
  expect(layer.hasUninitializedParams()).toBe(true);
  expect(layer.weight).toBeInstanceOf(nn.UninitializedParameter);
  const weight = layer.weight;
  const x = torch.randn(2, 4);
  expectClose(x, lazy.input, 'input');
  const y = layer.call(x);
  expectClose(y, lazy.output, 'output');
  expectClose(layer.weight, lazy.weight, 'weight');
  expectClose(layer.bias, lazy.bias, 'bias');
  expect(String(layer)).toBe(lazy.reprAfter);
  expect(layer).toBeInstanceOf(nn.Linear);
  expect(layer).not.toBeInstanceOf(nn.LazyLinear);
  expect(layer.weight).toBe(weight); // identity kept
  expect(layer.weight).not.toBeInstanceOf(nn.UninitializedParameter);
  expect(layer.weight.requiresGrad).toBe(true);
  y.sum().backward();
  expect(layer.weight.grad!.shape).toEqual([3, 4]);
});

test('dtype conversion before the first call, no bias, user hooks kept', () => {
  const layer = new nn.LazyLinear(2, { bias: false }).double();
  let calls = 0;
  layer.registerForwardPreHook(() => {
    calls++;
  });
  const y = layer.call(torch.randn([5, 3], { dtype: 'float64' }));
  expect(y.dtype).toBe('float64');
  expect(layer.weight.shape).toEqual([2, 3]);
  expect(layer.bias).toBeNull();
  layer.call(torch.randn([1, 3], { dtype: 'float64' }));
  expect(calls).toBe(2);
});

test('loadStateDict materialises from the state dict', () => {
  const layer = new nn.LazyLinear(3);
  const w = torch.randn(3, 5);
  const b = torch.randn(3);
  layer.loadStateDict({ weight: w, bias: b });
  expect(layer.weight.equal(w)).toBe(true);
  expect(layer.bias!.equal(b)).toBe(true);
  expect(String(layer)).toBe('Linear(in_features=5, out_features=3, bias=True)');
  expect(decode(lazy.weight).shape).toEqual([3, 4]);
});
