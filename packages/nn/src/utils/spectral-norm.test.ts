/**
 * `utils.spectralNorm` against PyTorch 1.13 (fixtures/utils.json from scripts/gen-nn-goldens-3.py): after
 * `manualSeed(7)` the initial `weight_u`/`weight_v` match PyTorch's draws; parameter, buffer and state-dict names,
 * outputs, gradients, `u`/`v` after the power iteration (1 to 3 steps, and a second call continuing from them), eval
 * mode without iteration, the weight after `removeSpectralNorm`, and error messages match.
 */
import { noGrad } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import * as nn from '../index.js';
import { decode, type EncodedTensor, expectClose, fixture } from '../testing/golden.test-helpers.js';
import { removeSpectralNorm, spectralNorm } from './spectral-norm.js';

interface Case {
  kind: string;
  dim: number | null;
  nPowerIterations: number;
  training: boolean;
  state: Record<string, EncodedTensor>;
  keys: string[];
  params: string[];
  buffers: string[];
  initU: EncodedTensor;
  initV: EncodedTensor;
  input: EncodedTensor;
  output: EncodedTensor;
  upstream: EncodedTensor;
  inputGrad: EncodedTensor;
  paramGrads: Record<string, EncodedTensor>;
  u: EncodedTensor;
  v: EncodedTensor;
  weight: EncodedTensor;
  output2: EncodedTensor;
  u2: EncodedTensor;
  removedKeys: string[];
  removedWeight: EncodedTensor;
}

const data = fixture<{ spectralNorm: { cases: Case[]; errors: Record<string, string> } }>(
  'utils',
).spectralNorm;

const makeModule: Record<string, () => nn.Module> = {
  Linear: () => new nn.Linear(4, 3).double(),
  Linear20: () => new nn.Linear(18, 20).double(),
  Conv1d: () => new nn.Conv1d(2, 3, 3).double(),
  ConvTranspose1d: () => new nn.ConvTranspose1d(3, 2, 3).double(),
};

function errorText(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('spectralNorm', () => {
  for (const c of data.cases) {
    test(`${c.kind} dim=${c.dim} iterations=${c.nPowerIterations} training=${c.training}`, () => {
      const module = makeModule[c.kind]!();
      module.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)])));
      torch.manualSeed(7);
      expect(spectralNorm(module, 'weight', c.nPowerIterations, 1e-12, c.dim)).toBe(module);
      expectClose(module.getBuffer('weight_u'), c.initU, 'initial u');
      expectClose(module.getBuffer('weight_v'), c.initV, 'initial v');
      expect(Object.keys(module.stateDict())).toEqual(c.keys);
      expect(module.namedParameters().map(([k]) => k)).toEqual(c.params);
      expect(module.namedBuffers().map(([k]) => k)).toEqual(c.buffers);
      module.train(c.training);
      const x = decode(c.input).requiresGrad_();
      const call = (module.call as (x: Tensor) => Tensor).bind(module);
      const out = call(x);
      expectClose(out, c.output, 'output');
      expectClose((module as unknown as { weight: Tensor }).weight, c.weight, 'weight');
      expectClose(module.getBuffer('weight_u'), c.u, 'u');
      expectClose(module.getBuffer('weight_v'), c.v, 'v');
      out.mul(decode(c.upstream)).sum().backward();
      expectClose(x.grad, c.inputGrad, 'input grad');
      for (const [k, p] of module.namedParameters()) expectClose(p.grad, c.paramGrads[k]!, `grad ${k}`);
      expectClose(
        noGrad(() => call(x)),
        c.output2,
        'second output',
      );
      expectClose(module.getBuffer('weight_u'), c.u2, 'u after the second call');
      removeSpectralNorm(module);
      expect(Object.keys(module.stateDict())).toEqual(c.removedKeys);
      expect(module._forwardPreHooks.size).toBe(0);
      expectClose(module.getParameter('weight'), c.removedWeight, 'removed weight');
    });
  }

  test('errors match PyTorch', () => {
    const module = spectralNorm(new nn.Linear(4, 3));
    expect(errorText(() => spectralNorm(module))).toBe(data.errors.twice);
    expect(errorText(() => removeSpectralNorm(new nn.Linear(4, 3)))).toBe(data.errors.removeMissing);
    expect(errorText(() => spectralNorm(new nn.Linear(4, 3), 'weight', 0))).toBe(data.errors.iterations);
  });
});
