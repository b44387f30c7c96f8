/**
 * `utils.weightNorm` against PyTorch 1.13 (fixtures/utils.json from scripts/gen-nn-goldens-3.py): `weight_g` /
 * `weight_v` values, parameter and state-dict names, the recomputed weight, outputs, gradients w.r.t. the input and
 * the new parameters, the folded weight after `removeWeightNorm`, and error messages.
 */
import { noGrad } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import * as nn from '../index.js';
import { decode, type EncodedTensor, expectClose, fixture } from '../testing/golden.test-helpers.js';
import { removeWeightNorm, weightNorm } from './weight-norm.js';

interface Case {
  kind: string;
  dim: number | null;
  state: Record<string, EncodedTensor>;
  params: Record<string, EncodedTensor>;
  keys: string[];
  weight: EncodedTensor;
  input: EncodedTensor;
  output: EncodedTensor;
  upstream: EncodedTensor;
  inputGrad: EncodedTensor;
  paramGrads: Record<string, EncodedTensor>;
  removedKeys: string[];
  removedWeight: EncodedTensor;
}

const data = fixture<{ weightNorm: { cases: Case[]; errors: Record<string, string> } }>('utils').weightNorm;

/** The modules of the generator, in float64. */
const makeModule: Record<string, () => nn.Module> = {
  Linear: () => new nn.Linear(4, 3).double(),
  Linear20: () => new nn.Linear(18, 20).double(),
  Conv1d: () => new nn.Conv1d(2, 3, 3).double(),
  ConvTranspose1d: () => new nn.ConvTranspose1d(3, 2, 3).double(),
};

function loadState(module: nn.Module, state: Record<string, EncodedTensor>): void {
  module.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, decode(v)])));
}

function errorText(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('weightNorm', () => {
  for (const c of data.cases) {
    test(`${c.kind} dim=${c.dim}`, () => {
      const module = makeModule[c.kind]!();
      loadState(module, c.state);
      expect(weightNorm(module, 'weight', c.dim)).toBe(module);
      const params = module.namedParameters();
      expect(params.map(([k]) => k)).toEqual(Object.keys(c.params));
      for (const [k, p] of params) expectClose(p, c.params[k]!, `param ${k}`);
      expect(Object.keys(module.stateDict())).toEqual(c.keys);
      const x = decode(c.input).requiresGrad_();
      const out = (module.call as (x: Tensor) => Tensor)(x);
      expectClose(out, c.output, 'output');
      expectClose((module as unknown as { weight: Tensor }).weight, c.weight, 'weight');
      out.mul(decode(c.upstream)).sum().backward();
      expectClose(x.grad, c.inputGrad, 'input grad');
      for (const [k, p] of params) expectClose(p.grad, c.paramGrads[k]!, `grad ${k}`);
      removeWeightNorm(module);
      expect(Object.keys(module.stateDict())).toEqual(c.removedKeys);
      expect(module._forwardPreHooks.size).toBe(0);
      const weight = module.getParameter('weight');
      expect(weight).toBeInstanceOf(nn.Parameter);
      expectClose(weight, c.removedWeight, 'removed weight');
    });
  }

  test('errors match PyTorch', () => {
    const module = weightNorm(new nn.Linear(4, 3));
    expect(errorText(() => weightNorm(module))).toBe(data.errors.twice);
    expect(errorText(() => removeWeightNorm(new nn.Linear(4, 3)))).toBe(data.errors.removeMissing);
  });

  test('the weight follows updates of weight_g between calls', () => {
    const module = weightNorm(new nn.Linear(2, 2));
    const g = module.getParameter('weight_g');
    noGrad(() => g.mul_(2));
    module.call(torch.ones([1, 2]));
    const v = module.getParameter('weight_v');
    const expected = v.mul(g.div(v.norm(2, 1, true)));
    expect((module as unknown as { weight: Tensor }).weight.tolist()).toEqual(expected.tolist());
  });
});
