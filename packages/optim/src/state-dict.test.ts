/**
 * Save/resume is bit-exact (10 steps, save through bytes, load into fresh objects, 10 more == 20 straight), and
 * `loadStateDict` rejects mismatched dicts without changing anything. Plus the base class's behaviour.
 */
import { noGrad } from '@proj/autograd';
import * as torch from '@proj/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  ASGD,
  LBFGS,
  lrScheduler,
  NAdam,
  type Optimizer,
  type OptimizerStateDict,
  RAdam,
  RMSprop,
  Rprop,
  SGD,
  SparseAdam,
} from './index.js';

afterEach(() => vi.restoreAllMocks());

/** A 3-4-1 tanh MLP with fixed weights; `seed` picks them (fresh objects get different ones). */
function makeModel(seed: number, dtype: 'float32' | 'float64' = 'float32'): torch.Tensor[] {
  torch.manualSeed(seed);
  return [
    torch.randn([4, 3], { dtype }).requiresGrad_(true),
    torch.randn([4], { dtype }).requiresGrad_(true),
    torch.randn([1, 4], { dtype }).requiresGrad_(true),
    torch.randn([1], { dtype }).requiresGrad_(true),
  ];
}

function lossOf(params: torch.Tensor[], step: number): torch.Tensor {
  const [w1, b1, w2, b2] = params as [torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor];
  const x = torch
    .linspace(-1, 1, 15, { dtype: w1.dtype })
    .reshape(5, 3)
    .add(0.01 * step);
  const y = torch.linspace(0, 1, 5, { dtype: w1.dtype }).reshape(5, 1);
  const hidden = x.matmul(w1.t()).add(b1).tanh();
  return hidden.matmul(w2.t()).add(b2).sub(y).pow(2).mean();
}

type Factory = (params: torch.Tensor[]) => Optimizer<any>;

const FACTORIES: Record<string, Factory> = {
  'SGD nesterov': (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
  'Adam amsgrad': (ps) => new Adam(ps, { lr: 0.01, amsgrad: true }),
  AdamW: (ps) => new AdamW(ps, { lr: 0.01 }),
  Adamax: (ps) => new Adamax(ps),
  NAdam: (ps) => new NAdam(ps),
  RAdam: (ps) => new RAdam(ps),
  'RMSprop centered momentum': (ps) => new RMSprop(ps, { centered: true, momentum: 0.5 }),
  Adagrad: (ps) => new Adagrad(ps, { lrDecay: 0.01 }),
  Adadelta: (ps) => new Adadelta(ps),
  Rprop: (ps) => new Rprop(ps),
  ASGD: (ps) => new ASGD(ps, { t0: 5 }),
  SparseAdam: (ps) => new SparseAdam(ps, { lr: 0.01 }),
  'LBFGS strong Wolfe': (ps) => new LBFGS(ps, { lineSearchFn: 'strong_wolfe', maxIter: 3, historySize: 4 }),
};

function train(
  params: torch.Tensor[],
  optimizer: Optimizer<any>,
  scheduler: lrScheduler.LRScheduler | null,
  from: number,
  to: number,
): void {
  for (let step = from; step < to; step++) {
    const closure = () => {
      optimizer.zeroGrad();
      const loss = lossOf(params, step);
      loss.backward();
      return loss;
    };
    if (optimizer instanceof LBFGS) optimizer.step(closure);
    else {
      closure();
      // SparseAdam takes sparse gradients only: hand it each gradient's rows, as a sparse embedding would.
      if (optimizer instanceof SparseAdam) for (const p of params) p.grad = p.grad!.toSparse(1);
      optimizer.step();
    }
    scheduler?.step();
  }
}

const bits = (ps: torch.Tensor[]) => ps.map((p) => Array.from(p.detach().reshape(-1).tolist() as number[]));

describe('save/resume is bit-exact', () => {
  it.each(Object.keys(FACTORIES))('%s', (name) => {
    const factory = FACTORIES[name]!;
    const withScheduler = !name.startsWith('LBFGS');
    const makeScheduler = (opt: Optimizer<never>) =>
      withScheduler ? new lrScheduler.OneCycleLR(opt, 0.02, { totalSteps: 25, cycleMomentum: false }) : null;

    const straight = makeModel(1);
    const straightOpt = factory(straight);
    train(straight, straightOpt, makeScheduler(straightOpt as never), 0, 20);

    const first = makeModel(1);
    const firstOpt = factory(first);
    const firstScheduler = makeScheduler(firstOpt as never);
    train(first, firstOpt, firstScheduler, 0, 10);
    const bytes = torch.serialize({
      model: first.map((p) => p.detach()),
      optimizer: firstOpt.stateDict() as never,
      scheduler: (firstScheduler?.stateDict() ?? null) as never,
    });

    const loaded = torch.deserialize(bytes) as unknown as {
      model: torch.Tensor[];
      optimizer: OptimizerStateDict;
      scheduler: Record<string, unknown> | null;
    };
    const resumed = makeModel(2); // different weights: everything must come from the checkpoint
    noGrad(() => {
      resumed.forEach((p, i) => {
        p.copy_(loaded.model[i]!);
      });
    });
    const resumedOpt = factory(resumed);
    const resumedScheduler = makeScheduler(resumedOpt as never);
    resumedOpt.loadStateDict(loaded.optimizer);
    if (resumedScheduler !== null) resumedScheduler.loadStateDict(loaded.scheduler!);
    train(resumed, resumedOpt, resumedScheduler, 10, 20);

    expect(bits(resumed)).toEqual(bits(straight));
    expect(bits(straight)).not.toEqual(bits(makeModel(1)));
  });
});

describe('loadStateDict rejects mismatches and leaves the optimizer unchanged', () => {
  function trained(): { params: torch.Tensor[]; optimizer: Adam } {
    const params = makeModel(3);
    const optimizer = new Adam(params, { lr: 0.01 });
    train(params, optimizer, null, 0, 3);
    return { params, optimizer };
  }

  function snapshot(optimizer: Adam) {
    return (
      JSON.stringify(
        [...optimizer.state.values()].map((s) =>
          Object.fromEntries(Object.entries(s).map(([k, v]) => [k, (v as torch.Tensor).tolist()])),
        ),
      ) + JSON.stringify(optimizer.paramGroups.map((g) => ({ ...g, params: g.params.length })))
    );
  }

  it('from another optimizer', () => {
    const { optimizer } = trained();
    const before = snapshot(optimizer);
    const other = new SGD(makeModel(4), { lr: 0.1, momentum: 0.9 });
    expect(() => optimizer.loadStateDict(other.stateDict())).toThrow(
      'loaded state dict is not a Adam state dict: its parameter groups lack the option(s) betas, eps, amsgrad',
    );
    expect(snapshot(optimizer)).toBe(before);
  });

  it('with state that does not fit the parameters', () => {
    const { optimizer } = trained();
    const before = snapshot(optimizer);
    const saved = trained().optimizer.stateDict();
    saved.state[1]!.expAvg = torch.zeros([3]);
    expect(() => optimizer.loadStateDict(saved)).toThrow(
      "loaded state dict has state 'expAvg' of shape [3] for parameter 1 of shape [4]",
    );
    expect(snapshot(optimizer)).toBe(before);
  });

  it('with a different group layout', () => {
    const { params, optimizer } = trained();
    const before = snapshot(optimizer);
    const split = new Adam([{ params: params.slice(0, 2) }, { params: params.slice(2) }]);
    expect(() => optimizer.loadStateDict(split.stateDict())).toThrow(
      'loaded state dict has a different number of parameter groups',
    );
    expect(snapshot(optimizer)).toBe(before);
  });

  it('state dicts reference parameters by position and groups keep their options', () => {
    const { optimizer } = trained();
    const dict = optimizer.stateDict();
    expect(dict.paramGroups.map((g) => g.params)).toEqual([[0, 1, 2, 3]]);
    expect(Object.keys(dict.state)).toEqual(['0', '1', '2', '3']);
    expect(dict.state[0]!.step.item()).toBe(3);
    expect(dict.paramGroups[0]!.betas).toEqual([0.9, 0.999]);
  });
});

describe('Optimizer base', () => {
  it('zeroGrad sets grads to null by default and to zeros with setToNone: false', () => {
    const params = makeModel(5);
    const opt = new SGD(params, { lr: 0.1 });
    lossOf(params, 0).backward();
    opt.zeroGrad({ setToNone: false });
    expect(params[0]!.grad!.abs().sum().item()).toBe(0);
    opt.zeroGrad();
    expect(params.every((p) => p.grad === null)).toBe(true);
  });

  it('per-group options fall back to the defaults; groups with different learning rates', () => {
    const [a, b] = [torch.ones([2], { requiresGrad: true }), torch.ones([2], { requiresGrad: true })];
    const opt = new SGD([{ params: [a] }, { params: b, lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([
      [0.1, 0.9],
      [0.5, 0.9],
    ]);
    a.grad = torch.ones([2]);
    b.grad = torch.ones([2]);
    opt.step();
    expect(a.tolist()).toEqual([0.8999999761581421, 0.8999999761581421]);
    expect(b.tolist()).toEqual([0.5, 0.5]);
  });

  it('gradient accumulation: two backward passes sum before one step', () => {
    const params = makeModel(6, 'float64');
    const twice = params.map((p) => p.detach().clone().requiresGrad_(true));
    const opt = new SGD(params, { lr: 0.1 });
    const optTwice = new SGD(twice, { lr: 0.05 });
    lossOf(params, 0).backward();
    lossOf(twice, 0).backward();
    lossOf(twice, 0).backward();
    opt.step();
    optTwice.step();
    expect(bits(twice)).toEqual(bits(params));
  });

  it('addParamGroup adds a group; a parameter in two groups fails', () => {
    const [a, b] = [torch.ones([2], { requiresGrad: true }), torch.ones([3], { requiresGrad: true })];
    const opt = new Adam([a]);
    opt.addParamGroup({ params: [b], lr: 0.1 });
    expect(opt.paramGroups[1]!.lr).toBe(0.1);
    expect(opt.paramGroups[1]!.betas).toEqual([0.9, 0.999]);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(
      'some parameters appear in more than one parameter group',
    );
  });

  it('warns on a parameter listed twice in one group', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const a = torch.ones([2], { requiresGrad: true });
    new SGD([a, a], { lr: 0.1 });
    expect(warn.mock.calls[0]![0]).toBe(
      'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information',
    );
  });

  it('runs step hooks and the closure with grad enabled; skips parameters without grad', () => {
    const a = torch.ones([2], { requiresGrad: true });
    const b = torch.ones([2], { requiresGrad: true });
    const opt = new SGD([a, b], { lr: 1 });
    const calls: string[] = [];
    const pre = opt.registerStepPreHook(() => calls.push('pre'));
    opt.registerStepPostHook(() => calls.push('post'));
    const loss = opt.step(() => {
      calls.push('closure');
      const l = a.mul(a).sum();
      l.backward();
      return l;
    });
    expect((loss as torch.Tensor).item()).toBe(2);
    expect(calls).toEqual(['pre', 'closure', 'post']);
    expect(a.tolist()).toEqual([-1, -1]);
    expect(b.tolist()).toEqual([1, 1]);
    pre.remove();
    opt.step();
    expect(calls).toEqual(['pre', 'closure', 'post', 'post']);
  });

  it('prints like PyTorch', () => {
    const opt = new SGD([torch.ones([1], { requiresGrad: true })], { lr: 0.1 });
    expect(opt.toString()).toBe(
      'SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n    foreach: None\n    lr: 0.1\n    maximize: False\n    momentum: 0\n    nesterov: False\n    weightDecay: 0\n)',
    );
  });
});

describe('SparseAdam on a sparse gradient', () => {
  it('leaves rows absent from the gradient untouched, moments included', () => {
    const weight = torch.ones([4, 2], { requiresGrad: true });
    const opt = new SparseAdam([weight], { lr: 0.1 });
    weight.grad = torch.sparseCooTensor(
      torch.tensor([[0, 2]]),
      torch.tensor(
        [
          [1, 2],
          [0, -1],
        ],
        { dtype: 'float32' },
      ),
      [4, 2],
    );
    opt.step();
    const rows = weight.tolist() as number[][];
    expect(rows[1]).toEqual([1, 1]);
    expect(rows[3]).toEqual([1, 1]);
    expect(rows[0]![0]).toBeCloseTo(0.9, 6);
    expect(rows[2]).toEqual([1, expect.closeTo(1.1, 6)]);
    expect((opt.state.get(weight)!.expAvg as torch.Tensor).get(1).tolist()).toEqual([0, 0]);
  });
});
