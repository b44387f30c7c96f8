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
import { expectTrajectory, TOLERANCE } from './trajectory.test-helpers.js';

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
    const worst = expectTrajectory(optimizer, params, c.trajectory, TOLERANCE[c.dtype], (p, step, k) => {
      const grad = torch.tensor(c.grads[step]![k]!, { dtype: c.dtype }).reshape(c.shapes[k]!);
      // PyTorch's generator handed SparseAdam `grad.to_sparse(1)`: the rows with a non-zero entry.
      p.grad = name === 'sparse-adam' ? grad.toSparse(1) : grad;
    });
    expect(worst).toBeLessThanOrEqual(1);
  });
});
