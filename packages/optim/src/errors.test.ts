/** Bad hyper-parameters and bad parameter lists fail at construction with PyTorch's messages. */
import { readFileSync } from 'node:fs';
import * as torch from '@proj/tensor';
import { describe, expect, it, vi } from 'vitest';
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
  RAdam,
  RMSprop,
  Rprop,
  SGD,
  SparseAdam,
} from './index.js';

const expected = JSON.parse(
  readFileSync(new URL('../fixtures/errors.json', import.meta.url), 'utf8'),
) as Record<string, { type: string; message: string }>;

const p = () => [torch.zeros([2], { requiresGrad: true })];
const sgd = () => new SGD(p(), { lr: 0.1 });
const S = lrScheduler;

const CASES: Record<string, () => unknown> = {
  'sgd-lr': () => new SGD(p(), { lr: -0.5 }),
  'sgd-momentum': () => new SGD(p(), { lr: 0.1, momentum: -0.5 }),
  'sgd-weight-decay': () => new SGD(p(), { lr: 0.1, weightDecay: -1e-5 }),
  'sgd-nesterov': () => new SGD(p(), { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
  'sgd-nesterov-no-momentum': () => new SGD(p(), { lr: 0.1, nesterov: true }),
  'sgd-required-lr': () => new SGD(p()),
  'adam-lr': () => new Adam(p(), { lr: -0.001 }),
  'adam-eps': () => new Adam(p(), { eps: -1e-8 }),
  'adam-beta0': () => new Adam(p(), { betas: [1, 0.999] }),
  'adam-beta1': () => new Adam(p(), { betas: [0.9, 1.5] }),
  'adam-weight-decay': () => new Adam(p(), { weightDecay: -0.1 }),
  'adamw-beta0': () => new AdamW(p(), { betas: [-0.5, 0.999] }),
  'adamax-eps': () => new Adamax(p(), { eps: -0.5 }),
  'nadam-momentum-decay': () => new NAdam(p(), { momentumDecay: -0.5 }),
  'radam-beta1': () => new RAdam(p(), { betas: [0.9, 1] }),
  'rmsprop-alpha': () => new RMSprop(p(), { alpha: -0.5 }),
  'rmsprop-momentum': () => new RMSprop(p(), { momentum: -0.5 }),
  'adagrad-lr-decay': () => new Adagrad(p(), { lrDecay: -0.5 }),
  'adagrad-initial-accumulator': () => new Adagrad(p(), { initialAccumulatorValue: -0.5 }),
  'adadelta-rho': () => new Adadelta(p(), { rho: 1.5 }),
  'rprop-etas': () => new Rprop(p(), { etas: [1.5, 1.2] }),
  'asgd-weight-decay': () => new ASGD(p(), { weightDecay: -0.5 }),
  'sparse-adam-lr': () => new SparseAdam(p(), { lr: 0 }),
  'sparse-adam-eps': () => new SparseAdam(p(), { eps: 0 }),
  'duplicate-across-groups': () => {
    const params = p();
    return new SGD([{ params }, { params }], { lr: 0.1 });
  },
  empty: () => new SGD([], { lr: 0.1 }),
  'tensor-params': () => new SGD(p()[0]! as never, { lr: 0.1 }),
  'non-leaf': () => {
    torch.zeros([1]); // keeps the case shape parallel to the generator's
    const leaf = p()[0]!;
    return new SGD([leaf.mul(2)], { lr: 0.1 });
  },
  'lbfgs-groups': () => new LBFGS([{ params: p() }, { params: [torch.zeros([1], { requiresGrad: true })] }]),
  'constant-lr-factor': () => new S.ConstantLR(sgd(), { factor: 1.5 }),
  'linear-lr-start': () => new S.LinearLR(sgd(), { startFactor: 1.5 }),
  'linear-lr-end': () => new S.LinearLR(sgd(), { endFactor: -0.5 }),
  'warm-restarts-t0': () => new S.CosineAnnealingWarmRestarts(sgd(), 0),
  'warm-restarts-tmult': () => new S.CosineAnnealingWarmRestarts(sgd(), 5, { TMult: 0 }),
  'one-cycle-none': () => new S.OneCycleLR(sgd(), 0.1),
  'one-cycle-total': () => new S.OneCycleLR(sgd(), 0.1, { totalSteps: -3 }),
  'one-cycle-anneal': () => new S.OneCycleLR(sgd(), 0.1, { totalSteps: 10, annealStrategy: 'foo' as never }),
  'one-cycle-overrun': () => {
    const s = new S.OneCycleLR(sgd(), 0.1, { totalSteps: 3 });
    for (let i = 0; i < 4; i++) s.step();
  },
  'cyclic-momentum': () => new S.CyclicLR(new Adam(p()), 0.01, 0.1),
  'plateau-factor': () => new S.ReduceLROnPlateau(sgd(), { factor: 1.5 }),
  'plateau-mode': () => new S.ReduceLROnPlateau(sgd(), { mode: 'avg' as never }),
  'resume-without-initial-lr': () => new S.StepLR(sgd(), 3, { lastEpoch: 5 }),
  'load-group-count': () =>
    new SGD([{ params: p() }, { params: [torch.zeros([1], { requiresGrad: true })] }], {
      lr: 0.1,
    }).loadStateDict(sgd().stateDict()),
  'load-group-size': () =>
    new SGD([p()[0]!, torch.zeros([1], { requiresGrad: true })], { lr: 0.1 }).loadStateDict(
      sgd().stateDict(),
    ),
};

describe("errors carry PyTorch's messages", () => {
  it('covers every generated case', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.keys(CASES))('%s', (name) => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const want = expected[name]!;
    // Python's KeyError repr quotes its message
    const message = want.type === 'KeyError' ? want.message.slice(1, -1) : want.message;
    let error: unknown;
    try {
      CASES[name]!();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe(want.type);
    expect((error as Error).message).toBe(message);
    vi.restoreAllMocks();
  });
});
