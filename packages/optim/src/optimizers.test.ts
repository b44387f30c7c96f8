/** Every optimizer against PyTorch 1.13 trajectories (fixtures from scripts/gen-optim-goldens.py). */
import { readFileSync } from 'node:fs';
import * as torch from '@proj/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  ASGD,
  NAdam,
  type Optimizer,
  RAdam,
  RMSprop,
  Rprop,
  SGD,
  SparseAdam,
} from './index.js';

interface Case {
  options: Record<string, unknown>;
  dtype: 'float32' | 'float64';
  groups: boolean;
  shapes: number[][];
  init: number[][];
  grads: number[][][];
  trajectory: number[][][];
}

const CLASSES: Record<string, new (params: any, options?: any) => Optimizer<any>> = {
  sgd: SGD,
  adam: Adam,
  adamw: AdamW,
  adamax: Adamax,
  nadam: NAdam,
  radam: RAdam,
  rmsprop: RMSprop,
  adagrad: Adagrad,
  adadelta: Adadelta,
  rprop: Rprop,
  asgd: ASGD,
  'sparse-adam': SparseAdam,
};

function fixture(name: string): { cases: Case[] } {
  return JSON.parse(readFileSync(new URL(`../fixtures/optimizers-${name}.json`, import.meta.url), 'utf8'));
}

// Relative to each parameter tensor's scale (its largest magnitude at that step), so that an element crossing
// zero is judged against the size of the values around it rather than against its own near-zero value.
const TOLERANCE = { float32: 1e-6, float64: 1e-12 };

describe.each(Object.keys(CLASSES))('%s matches PyTorch over 20 steps', (name) => {
  const { cases } = fixture(name);
  it.each(
    cases.map(
      (c, i) => [i, JSON.stringify(c.options), c.dtype, c.groups ? 'two groups' : 'one group', c] as const,
    ),
  )('case %i %s %s %s', (_i, _options, _dtype, _groups, c) => {
    const params = c.init.map((values, k) =>
      torch.tensor(values, { dtype: c.dtype }).reshape(c.shapes[k]!).requiresGrad_(true),
    );
    const lr = (c.options.lr as number | undefined) ?? undefined;
    const input = c.groups
      ? [{ params: [params[0]!] }, { params: [params[1]!], lr: 0.5 * (lr ?? 0.01) }]
      : params;
    const optimizer = new CLASSES[name]!(input, c.options);
    const rtol = TOLERANCE[c.dtype];
    let worst = 0;
    c.grads.forEach((stepGrads, step) => {
      params.forEach((p, k) => {
        const grad = torch.tensor(stepGrads[k]!, { dtype: c.dtype }).reshape(c.shapes[k]!);
        // PyTorch's generator handed SparseAdam `grad.to_sparse(1)`: the rows with a non-zero entry.
        p.grad = name === 'sparse-adam' ? grad.toSparse(1) : grad;
      });
      optimizer.step();
      params.forEach((p, k) => {
        const got = p.detach().reshape(-1).tolist() as number[];
        const want = c.trajectory[step]![k]!;
        const scale = Math.max(...want.map(Math.abs), 1e-30);
        for (let e = 0; e < want.length; e++) {
          const error = Math.abs(got[e]! - want[e]!) / (rtol * scale);
          worst = Math.max(worst, error);
          if (!(error <= 1)) {
            throw new Error(`step ${step + 1}, param ${k}, element ${e}: got ${got[e]}, PyTorch ${want[e]}`);
          }
        }
      });
    });
    expect(worst).toBeLessThanOrEqual(1);
  });
});
