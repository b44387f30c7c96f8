/** Every scheduler's learning rates over 100 steps, exactly as PyTorch 1.13 computes them. */
import { readFileSync } from 'node:fs';
import * as torch from '@proj/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Adam, type Optimizer, SGD } from '../index.js';
import { pow } from '../internal/exact-math.js';
import {
  ChainedScheduler,
  ConstantLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  CyclicLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LRScheduler,
  MultiplicativeLR,
  MultiStepLR,
  OneCycleLR,
  PolynomialLR,
  ReduceLROnPlateau,
  SequentialLR,
  StepLR,
} from './index.js';

interface SchedulerCase {
  name: string;
  args: unknown[];
  options: Record<string, unknown>;
  optimizer?: 'adam';
  lrs: number[][];
  momenta: (number | null)[][];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/schedulers.json', import.meta.url), 'utf8'),
) as {
  schedulers: SchedulerCase[];
  plateau: { options: Record<string, unknown>; metrics: number[]; lrs: number[][] }[];
  orderWarning: string[];
};

function makeOptimizer(kind?: 'adam'): Optimizer<any> {
  const w = torch.zeros([2], { requiresGrad: true });
  const b = torch.zeros([2], { requiresGrad: true });
  const groups = [{ params: [w] }, { params: [b], lr: 0.01 }];
  return kind === 'adam' ? new Adam(groups, { lr: 0.1 }) : new SGD(groups, { lr: 0.1, momentum: 0.9 });
}

const LAMBDAS: Record<string, (epoch: number) => number> = {
  lam1: (e) => pow(0.95, e), // Python's 0.95 ** e (V8's ** can differ in the last bit)
  lam2: (e) => 1.0 / (e + 1),
  mult: () => 0.97,
};

function build(c: SchedulerCase, opt: Optimizer<any>): LRScheduler {
  const base = c.name.split('-')[0]!;
  const a = c.args as any[];
  const o = c.options as never;
  switch (base) {
    case 'StepLR':
      return new StepLR(opt, a[0]!, o);
    case 'MultiStepLR':
      return new MultiStepLR(opt, a[0]!, o);
    case 'ConstantLR':
      return new ConstantLR(opt, o);
    case 'LinearLR':
      return new LinearLR(opt, o);
    case 'ExponentialLR':
      return new ExponentialLR(opt, a[0]!, o);
    case 'PolynomialLR':
      return new PolynomialLR(opt, o);
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(opt, a[0]!, o);
    case 'CosineAnnealingWarmRestarts':
      return new CosineAnnealingWarmRestarts(opt, a[0]!, o);
    case 'CyclicLR':
      return new CyclicLR(opt, a[0]!, a[1]!, o);
    case 'OneCycleLR':
      return new OneCycleLR(opt, a[0]!, o);
    case 'LambdaLR':
      return new LambdaLR(
        opt,
        (a[0] as string).split(',').map((n) => LAMBDAS[n]!),
      );
    case 'MultiplicativeLR':
      return new MultiplicativeLR(opt, LAMBDAS[a[0] as string]!);
    case 'SequentialLR':
      return new SequentialLR(
        opt,
        [
          new LinearLR(opt, { startFactor: 0.1, totalIters: 10 }),
          new CosineAnnealingLR(opt, 40),
          new ExponentialLR(opt, 0.9),
        ],
        [10, 50],
      );
    case 'ChainedScheduler':
      return new ChainedScheduler([
        new ConstantLR(opt, { factor: 0.1, totalIters: 5 }),
        new ExponentialLR(opt, 0.97),
        new StepLR(opt, 25, { gamma: 0.5 }),
      ]);
    default:
      throw new Error(`unknown scheduler ${c.name}`);
  }
}

afterEach(() => vi.restoreAllMocks());

describe('schedulers match PyTorch exactly over 100 steps', () => {
  it.each(fixture.schedulers.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const opt = makeOptimizer(c.optimizer);
    const scheduler = build(c, opt);
    const momentum = () => opt.paramGroups.map((g) => (g.momentum ?? g.betas?.[0] ?? null) as number | null);
    const lrs = [scheduler.getLastLr().slice()];
    const momenta = [momentum()];
    for (let i = 0; i < 100; i++) {
      opt.step();
      scheduler.step();
      lrs.push(scheduler.getLastLr().slice());
      momenta.push(momentum());
    }
    expect(lrs).toEqual(c.lrs);
    expect(momenta).toEqual(c.momenta);
  });

  it.each(fixture.plateau.map((c) => [JSON.stringify(c.options), c] as const))(
    'ReduceLROnPlateau %s',
    (_o, c) => {
      const opt = makeOptimizer();
      const scheduler = new ReduceLROnPlateau(opt, c.options);
      const lrs = c.metrics.map((metric) => {
        opt.step();
        scheduler.step(metric);
        return opt.paramGroups.map((g) => g.lr);
      });
      expect(lrs).toEqual(c.lrs);
      expect(scheduler.getLastLr()).toEqual(c.lrs[c.lrs.length - 1]);
    },
  );
});

describe('scheduler behaviour', () => {
  it("warns, with PyTorch's text, when scheduler.step() comes before optimizer.step()", () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const opt = makeOptimizer();
    const scheduler = new StepLR(opt, 3);
    expect(warn).not.toHaveBeenCalled();
    scheduler.step();
    expect(warn.mock.calls.map((call) => call[0])).toEqual(fixture.orderWarning);
    expect(fixture.orderWarning[0]).toContain(
      'Detected call of `lr_scheduler.step()` before `optimizer.step()`',
    );
  });

  it('does not warn in the right order', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const opt = makeOptimizer();
    const scheduler = new StepLR(opt, 3);
    opt.step();
    scheduler.step();
    expect(warn).not.toHaveBeenCalled();
  });

  it('sets initialLr and counts lastEpoch', () => {
    const opt = makeOptimizer();
    const scheduler = new ExponentialLR(opt, 0.5);
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.01]);
    expect(scheduler.lastEpoch).toBe(0);
    opt.step();
    scheduler.step();
    expect(scheduler.lastEpoch).toBe(1);
    expect(scheduler.getLastLr()).toEqual([0.05, 0.005]);
  });

  it('resumes from a state dict', () => {
    const opt = makeOptimizer();
    const scheduler = new CosineAnnealingLR(opt, 10);
    for (let i = 0; i < 4; i++) {
      opt.step();
      scheduler.step();
    }
    const saved = scheduler.stateDict();
    expect(saved.optimizer).toBeUndefined();
    expect(saved.lastEpoch).toBe(4);
    // PyTorch's recipe: build fresh objects, then load the optimizer's and the scheduler's state
    const opt2 = makeOptimizer();
    const resumed = new CosineAnnealingLR(opt2, 10);
    opt2.loadStateDict(opt.stateDict());
    resumed.loadStateDict(saved);
    for (let i = 0; i < 5; i++) {
      opt.step();
      scheduler.step();
      opt2.step();
      resumed.step();
    }
    expect(resumed.getLastLr()).toEqual(scheduler.getLastLr());
  });
});
