/**
 * Shared by the module golden tests (layers, recurrent layers, packed recurrent layers, attention, transformer):
 * the fixture layout of `scripts/gen-nn-goldens*.py` and running a case with PyTorch's weights loaded, then comparing
 * outputs and gradients with PyTorch's values; also the fixture loading, decoding and close-compare (with its per-dtype
 * tolerances) that every nn golden test uses.
 */

import { readFileSync } from 'node:fs';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { expect } from 'vitest';
import type { Module } from '../module.js';

/** Helpers of the golden tests: decoding fixture tensors and comparing with PyTorch's values. */

/** A tensor as the generator script writes it. */
export interface EncodedTensor {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int64' | 'bool';
  data: (number | boolean)[];
}

/** Reads `packages/nn/fixtures/<name>.json`. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** Builds the tensor a fixture entry describes. */
export function decode(encoded: EncodedTensor): Tensor {
  const flat = torch.tensor(encoded.data as number[], { dtype: encoded.dtype });
  return flat.reshape(encoded.shape);
}

/** Expects `actual` to match PyTorch's value: shape, and values within the dtype's tolerance. */
export function expectClose(actual: Tensor | null | undefined, expected: EncodedTensor, what: string): void {
  expect(actual, what).toBeTruthy();
  const value = actual!;
  expect(value.shape, `${what}: shape`).toEqual(expected.shape);
  const want = decode(expected);
  if (expected.dtype === 'int64' || expected.dtype === 'bool') {
    expect(value.tolist(), what).toEqual(want.tolist());
    return;
  }
  const [rtol, atol] = expected.dtype === 'float64' ? [1e-10, 1e-12] : [1e-5, 1e-6];
  const a = value.to('float64').reshape(-1).tolist() as number[];
  const b = want.to('float64').reshape(-1).tolist() as number[];
  for (let i = 0; i < b.length; i++) {
    const ok =
      Math.abs(a[i]! - b[i]!) <= atol + rtol * Math.abs(b[i]!) ||
      (Number.isNaN(a[i]!) && Number.isNaN(b[i]!));
    if (!ok) expect.fail(`${what}: element ${i}: got ${a[i]}, expected ${b[i]}`);
  }
}

/** One module case: PyTorch's weights, inputs and upstream gradients, and the outputs and gradients it got. */
export interface ModuleCase {
  name: string;
  dtype: 'float32' | 'float64';
  training: boolean;
  forwardSeed: number | null;
  state: Record<string, EncodedTensor>;
  inputs: EncodedTensor[];
  upstream: EncodedTensor[];
  outputs: EncodedTensor[];
  inputGrads: (EncodedTensor | null)[];
  paramGrads: Record<string, EncodedTensor>;
}

/** A module fixture: the cases, default initialisations after `manualSeed`, reprs, error messages, state keys. */
export interface ModuleFixture<Message extends string | null = string> {
  cases: ModuleCase[];
  init: Record<string, Record<string, EncodedTensor>>;
  reprs: Record<string, string>;
  errors: Record<string, Message>;
  keys: Record<string, string[]>;
}

/** Loads PyTorch's state dict into `module`. */
export function loadGoldenState(module: Module, state: Record<string, EncodedTensor>): void {
  module.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, decode(v)])));
}

/** `factory()` in the case's dtype and train/eval mode, with PyTorch's weights loaded. */
export function prepareModule<M extends Module>(
  factory: () => M,
  c: { dtype: ModuleCase['dtype']; training: boolean; state: Record<string, EncodedTensor> },
): M {
  const module = factory().to(c.dtype);
  module.train(c.training);
  loadGoldenState(module, c.state);
  return module;
}

/** Back-propagates the sum of `outputs[i] * upstream[i]`. */
export function backwardWithUpstream(outputs: Tensor[], upstream: EncodedTensor[]): void {
  outputs
    .map((output, i) => output.mul(decode(upstream[i]!)).sum())
    .reduce((a, b) => a.add(b))
    .backward();
}

/** Expects the gradient of each input that PyTorch has one for to match it. */
export function expectInputGrads(inputs: Tensor[], grads: (EncodedTensor | null)[], name: string): void {
  grads.forEach((grad, i) => {
    if (grad !== null) expectClose(inputs[i]!.grad, grad, `${name} grad of input ${i}`);
  });
}

/** Expects the gradient of each parameter that PyTorch has one for to match it. */
export function expectParamGrads(module: Module, grads: Record<string, EncodedTensor>, name: string): void {
  for (const [key, param] of module.namedParameters()) {
    const expected = grads[key];
    if (expected !== undefined) expectClose(param.grad, expected, `${name} grad of ${key}`);
  }
}

/** The tensors of a module's result, in order, through nested arrays (`null`s and non-tensors dropped). */
export function flattenTensors(value: unknown): Tensor[] {
  if (value instanceof torch.Tensor) return [value];
  if (Array.isArray(value)) return value.flatMap(flattenTensors);
  return [];
}

/**
 * Runs case `c` with the module and call of `entry` (its factory and how to call it on the decoded inputs) and
 * expects every output, the gradients w.r.t. the inputs and the parameters' gradients to match PyTorch's.
 */
export function expectModuleCase<M extends Module>(
  c: ModuleCase,
  entry: readonly [() => M, (module: M, inputs: Tensor[]) => unknown] | undefined,
): void {
  const { name } = c;
  if (entry === undefined) throw new Error(`no factory for ${name}`);
  const [factory, call] = entry;
  const module = prepareModule(factory, c);
  const inputs = c.inputs.map((encoded) => decode(encoded).requiresGrad_(true));
  if (c.forwardSeed !== null) torch.manualSeed(c.forwardSeed);
  const outputs = flattenTensors(call(module, inputs));
  expect(outputs.length).toBe(c.outputs.length);
  outputs.forEach((output, i) => {
    expectClose(output, c.outputs[i]!, `${name} output ${i}`);
  });
  backwardWithUpstream(outputs, c.upstream);
  expectInputGrads(inputs, c.inputGrads, name);
  expectParamGrads(module, c.paramGrads, name);
}
