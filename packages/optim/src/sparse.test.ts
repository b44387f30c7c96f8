/** Optimizers fed sparse COO gradients (as `Embedding({ sparse: true })` makes), against PyTorch 1.13. */
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
  LBFGS,
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
  optimizer: 'sgd' | 'adagrad' | 'sparse-adam';
  options: Record<string, unknown>;
  dtype: 'float32' | 'float64';
  shapes: number[][];
  init: number[][];
  grads: { indices: number[]; values: number[] }[][];
  trajectory: number[][][];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/sparse-grads.json', import.meta.url), 'utf8'),
) as {
  cases: Case[];
  errors: Record<string, string>;
};

const CLASSES = { sgd: SGD, adagrad: Adagrad, 'sparse-adam': SparseAdam } as const;

function sparseGrad(entry: { indices: number[]; values: number[] }, shape: number[], dtype: torch.DType) {
  const values = torch.tensor(entry.values, { dtype }).reshape([entry.indices.length, ...shape.slice(1)]);
  return torch.sparseCooTensor(torch.tensor([entry.indices]), values, shape);
}

describe('sparse gradients: trajectories match PyTorch over 20 steps', () => {
  it.each(fixture.cases.map((c, i) => [i, c.optimizer, JSON.stringify(c.options), c.dtype, c] as const))(
    'case %i %s %s %s',
    (_i, name, _options, _dtype, c) => {
      const params = c.init.map((values, k) =>
        torch.tensor(values, { dtype: c.dtype }).reshape(c.shapes[k]!).requiresGrad_(true),
      );
      const optimizer: Optimizer<any> = new CLASSES[name](params, c.options as never);
      expectTrajectory(optimizer, params, c.trajectory, TOLERANCE[c.dtype], (p, step, k) => {
        p.grad = sparseGrad(c.grads[step]![k]!, c.shapes[k]!, c.dtype);
      });
    },
  );
});

describe('sparse gradients: errors', () => {
  const sparseParam = () => {
    const p = torch.zeros([4, 2]).requiresGrad_(true);
    p.grad = torch.sparseCooTensor(torch.tensor([[1]]), torch.ones([1, 2]), [4, 2]);
    return p;
  };

  it.each([
    ['Adam', (p: torch.Tensor) => new Adam([p])],
    ['AdamW', (p: torch.Tensor) => new AdamW([p])],
    ['Adamax', (p: torch.Tensor) => new Adamax([p])],
    ['NAdam', (p: torch.Tensor) => new NAdam([p])],
    ['RAdam', (p: torch.Tensor) => new RAdam([p])],
    ['RMSprop', (p: torch.Tensor) => new RMSprop([p])],
    ['Adadelta', (p: torch.Tensor) => new Adadelta([p])],
    ['Rprop', (p: torch.Tensor) => new Rprop([p])],
    ['ASGD', (p: torch.Tensor) => new ASGD([p])],
    ['SGD weight_decay', (p: torch.Tensor) => new SGD([p], { lr: 0.1, weightDecay: 0.1 })],
    ['Adagrad weight_decay', (p: torch.Tensor) => new Adagrad([p], { weightDecay: 0.1 })],
  ] as const)("%s fails with PyTorch's message and changes nothing", (name, make) => {
    const dense = torch.ones([4, 2]).requiresGrad_(true);
    dense.grad = torch.ones([4, 2]);
    const p = sparseParam();
    const optimizer = make(p);
    optimizer.addParamGroup({ params: [dense] });
    expect(() => optimizer.step()).toThrow(fixture.errors[name]!);
    expect(p.abs().sum().item()).toBe(0);
    expect(dense.sum().item()).toBe(8);
  });

  it("SparseAdam rejects dense gradients with PyTorch's message", () => {
    const p = torch.zeros([4, 2]).requiresGrad_(true);
    p.grad = torch.ones([4, 2]);
    expect(() => new SparseAdam([p]).step()).toThrow(fixture.errors['SparseAdam dense']!);
    expect(p.abs().sum().item()).toBe(0);
  });
});

describe('sparse gradients: state', () => {
  it('SGD momentum keeps a sparse buffer that saves, loads and resumes bit for bit', () => {
    const run = (steps: number, from: SGD | null, p: torch.Tensor): SGD => {
      const optimizer = new SGD([p], { lr: 0.1, momentum: 0.9 });
      if (from !== null) {
        optimizer.loadStateDict(torch.deserialize(torch.serialize(from.stateDict() as never)) as never);
      }
      for (let step = 0; step < steps; step++) {
        p.grad = torch.sparseCooTensor(
          torch.tensor([[step % 4, 1]]),
          torch.ones([2, 2]).mul(step + 1),
          [4, 2],
        );
        optimizer.step();
      }
      return optimizer;
    };
    const straight = torch.zeros([4, 2]).requiresGrad_(true);
    const first = run(3, null, straight);
    expect((first.state.get(straight)!.momentumBuffer as torch.Tensor).isSparse).toBe(true);
    const resumed = straight.detach().clone().requiresGrad_(true);
    run(2, first, resumed);
    run(2, first, straight);
    expect(resumed.tolist()).toEqual(straight.tolist());
  });

  it('LBFGS takes a sparse gradient as its dense equivalent', () => {
    const p = torch.tensor([1.5, -0.5]).requiresGrad_(true);
    const optimizer = new LBFGS([p], { maxIter: 5 });
    optimizer.step(() => {
      const loss = p.pow(2).sum();
      p.grad = torch.sparseCooTensor(torch.tensor([[0, 1]]), p.detach().mul(2), [2]);
      return loss;
    });
    expect(Math.abs(Number(p.abs().max().item()))).toBeLessThan(1e-4);
  });
});
