/** The Module system: registration, traversal, state dicts, hooks, modes, conversions, printing. */
import { gradcheck } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import * as nn from './index.js';
import { type EncodedTensor, expectClose, fixture } from './testing/golden.test-helpers.js';

const structure = fixture<{
  netKeys: string[];
  netRepr: string;
  netParams: string[];
  netBuffers: string[];
  netModules: string[];
  loadError: string;
  loadErrorSeq: string;
  loadErrorShape: string;
  nonStrict: { missing: string[]; unexpected: string[] };
  reprs: Record<string, string>;
}>('structure');
const initValues = fixture<Record<string, EncodedTensor> & { gains: Record<string, number> }>('init');

class Net extends nn.Module {
  declare features: nn.Sequential;
  declare head: nn.ModuleDict;
  declare blocks: nn.ModuleList;
  declare scale: nn.Parameter;
  declare steps: Tensor;
  declare emb: nn.Embedding;
  constructor() {
    super();
    this.features = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }),
      new nn.BatchNorm2d(4),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
    );
    this.head = new nn.ModuleDict({ fc: new nn.Linear(16, 3), drop: new nn.Dropout(0.1) });
    this.blocks = new nn.ModuleList([new nn.Linear(3, 3), new nn.LayerNorm(3)]);
    this.scale = new nn.Parameter(torch.ones(1));
    this.registerBuffer('steps', torch.zeros(1));
    this.registerBuffer('cache', torch.zeros(2), { persistent: false });
    this.emb = new nn.Embedding(5, 2, { paddingIdx: 0 });
  }
}

describe('structure matches PyTorch', () => {
  const net = new Net();
  test('state dict keys, parameter/buffer/module names', () => {
    expect(Object.keys(net.stateDict())).toEqual(structure.netKeys);
    expect(net.namedParameters().map(([n]) => n)).toEqual(structure.netParams);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(structure.netBuffers);
    expect(net.namedModules().map(([n]) => n)).toEqual(structure.netModules);
  });
  test('printed tree', () => {
    expect(String(net)).toBe(structure.netRepr);
  });
  test('state dict tensors are detached and share storage', () => {
    const sd = net.stateDict();
    expect(sd.scale!.requiresGrad).toBe(false);
    expect(sd.scale!.untypedStorage()).toBe(net.scale.untypedStorage());
    expect(net.stateDict({ keepVars: true }).scale).toBe(net.scale);
  });
  test('strict loadStateDict reports missing, unexpected and mismatched keys and changes nothing', () => {
    const linear = new nn.Linear(3, 2);
    const before = linear.weight.clone();
    expect(() => linear.loadStateDict({ weight: torch.zeros(2, 4), extra: torch.zeros(1) })).toThrow(
      structure.loadError,
    );
    expect(linear.weight.equal(before)).toBe(true);
    expect(() =>
      new nn.Sequential(new nn.Linear(3, 2)).loadStateDict({
        '0.weight': torch.zeros(2, 3),
        '1.bias': torch.zeros(2),
      }),
    ).toThrow(structure.loadErrorSeq);
    expect(() =>
      linear.loadStateDict({ weight: torch.zeros(3, 3), bias: torch.zeros(2) }, { strict: false }),
    ).toThrow(structure.loadErrorShape);
    const result = new nn.Sequential(new nn.Linear(3, 2)).loadStateDict(
      { '0.weight': torch.zeros(2, 3), x: torch.zeros(1) },
      { strict: false },
    );
    expect(result).toEqual({
      missingKeys: structure.nonStrict.missing,
      unexpectedKeys: structure.nonStrict.unexpected,
    });
  });
  test('round trip through stateDict and save/load', () => {
    const a = new Net();
    const b = new Net();
    const bytes = torch.serialize(a.stateDict());
    b.loadStateDict(torch.deserialize(bytes) as Record<string, Tensor>);
    expect(
      b.head
        .get('fc')
        .stateDict()
        .weight!.equal((a.head.get('fc') as nn.Linear).weight),
    ).toBe(true);
  });
});

const reprFactories: Record<string, () => nn.Module> = {
  'nn.Linear(2, 3, bias=False)': () => new nn.Linear(2, 3, { bias: false }),
  'nn.Bilinear(2, 3, 4)': () => new nn.Bilinear(2, 3, 4),
  'nn.Embedding(5, 3, padding_idx=0, max_norm=1.0)': () =>
    new nn.Embedding(5, 3, { paddingIdx: 0, maxNorm: 1 }),
  "nn.EmbeddingBag(5, 3, mode='sum')": () => new nn.EmbeddingBag(5, 3, { mode: 'sum' }),
  'nn.Dropout(0.2)': () => new nn.Dropout(0.2),
  'nn.Dropout2d()': () => new nn.Dropout2d(),
  'nn.AlphaDropout(0.1)': () => new nn.AlphaDropout(0.1),
  'nn.Conv1d(2, 3, 3)': () => new nn.Conv1d(2, 3, 3),
  "nn.Conv2d(2, 4, 3, stride=2, padding=1, dilation=2, groups=2, bias=False, padding_mode='reflect')": () =>
    new nn.Conv2d(2, 4, 3, {
      stride: 2,
      padding: 1,
      dilation: 2,
      groups: 2,
      bias: false,
      paddingMode: 'reflect',
    }),
  "nn.Conv2d(1, 8, 3, padding='same')": () => new nn.Conv2d(1, 8, 3, { padding: 'same' }),
  'nn.ConvTranspose2d(2, 3, 3, stride=2, output_padding=1)': () =>
    new nn.ConvTranspose2d(2, 3, 3, { stride: 2, outputPadding: 1 }),
  'nn.MaxPool2d(2)': () => new nn.MaxPool2d(2),
  'nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)': () =>
    new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
  'nn.AvgPool2d(2)': () => new nn.AvgPool2d(2),
  'nn.AvgPool1d(3, 2, 1)': () => new nn.AvgPool1d(3, { stride: 2, padding: 1 }),
  'nn.AdaptiveAvgPool2d((3, None))': () => new nn.AdaptiveAvgPool2d([3, null]),
  'nn.AdaptiveAvgPool1d(4)': () => new nn.AdaptiveAvgPool1d(4),
  'nn.MaxUnpool2d(2)': () => new nn.MaxUnpool2d(2),
  'nn.BatchNorm1d(3)': () => new nn.BatchNorm1d(3),
  'nn.BatchNorm2d(3, momentum=None, affine=False, track_running_stats=False)': () =>
    new nn.BatchNorm2d(3, { momentum: null, affine: false, trackRunningStats: false }),
  'nn.LayerNorm(4)': () => new nn.LayerNorm(4),
  'nn.LayerNorm([2, 3], elementwise_affine=False)': () =>
    new nn.LayerNorm([2, 3], { elementwiseAffine: false }),
  'nn.GroupNorm(2, 4)': () => new nn.GroupNorm(2, 4),
  'nn.InstanceNorm2d(3)': () => new nn.InstanceNorm2d(3),
  'nn.Flatten()': () => new nn.Flatten(),
  'nn.Unflatten(1, (2, 3))': () => new nn.Unflatten(1, [2, 3]),
  'nn.Upsample(scale_factor=2)': () => new nn.Upsample({ scaleFactor: 2 }),
  'nn.PixelShuffle(2)': () => new nn.PixelShuffle(2),
  'nn.ReLU()': () => new nn.ReLU(),
  'nn.ReLU(inplace=True)': () => new nn.ReLU(true),
  'nn.LeakyReLU()': () => new nn.LeakyReLU(),
  'nn.PReLU(3, 0.1)': () => new nn.PReLU(3, 0.1),
  'nn.ELU()': () => new nn.ELU(),
  'nn.GELU()': () => new nn.GELU(),
  "nn.GELU('tanh')": () => new nn.GELU('tanh'),
  'nn.Hardtanh()': () => new nn.Hardtanh(),
  'nn.Softplus()': () => new nn.Softplus(),
  'nn.Softmax(dim=1)': () => new nn.Softmax(1),
  'nn.Threshold(0.1, 20)': () => new nn.Threshold(0.1, 20),
  'nn.Softshrink()': () => new nn.Softshrink(),
  'nn.CrossEntropyLoss()': () => new nn.CrossEntropyLoss(),
  'nn.Identity()': () => new nn.Identity(),
  'nn.ParameterList([nn.Parameter(torch.ones(3)), nn.Parameter(torch.ones(2, 2))])': () =>
    new nn.ParameterList([torch.ones(3), torch.ones(2, 2)]),
  'nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential())': () =>
    new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Sequential()),
  'nn.LocalResponseNorm(2)': () => new nn.LocalResponseNorm(2),
};

test.each(Object.entries(structure.reprs))('repr of %s', (expression, expected) => {
  const factory = reprFactories[expression];
  if (factory === undefined) throw new Error(`no factory for ${expression}`);
  expect(String(factory())).toBe(expected);
});

describe('default initialisation and nn.init match PyTorch after manualSeed', () => {
  const seeded = (seed: number, fn: () => Tensor): Tensor => {
    torch.manualSeed(seed);
    return fn();
  };
  const cases: Record<string, [number, () => Tensor]> = {
    'Linear.weight': [0, () => new nn.Linear(3, 2).weight],
    'Linear.bias': [0, () => new nn.Linear(3, 2).bias!],
    'Linear.big': [3, () => new nn.Linear(100, 50).weight],
    'Conv2d.weight': [0, () => new nn.Conv2d(2, 3, 3).weight],
    'Conv2d.bias': [0, () => new nn.Conv2d(2, 3, 3).bias!],
    'ConvTranspose2d.weight': [0, () => new nn.ConvTranspose2d(2, 3, 3).weight],
    'Conv1dGroups.weight': [0, () => new nn.Conv1d(4, 6, 3, { groups: 2 }).weight],
    'Embedding.weight': [0, () => new nn.Embedding(4, 3, { paddingIdx: 2 }).weight],
    'Bilinear.weight': [0, () => new nn.Bilinear(2, 3, 4).weight],
    xavier_uniform_: [0, () => nn.init.xavierUniform_(torch.empty(3, 5), 2)],
    xavier_normal_: [0, () => nn.init.xavierNormal_(torch.empty(3, 5))],
    kaiming_uniform_: [
      0,
      () => nn.init.kaimingUniform_(torch.empty(4, 3, 2), { mode: 'fan_out', nonlinearity: 'relu' }),
    ],
    kaiming_normal_: [0, () => nn.init.kaimingNormal_(torch.empty(4, 6), { a: 0.1 })],
    trunc_normal_: [0, () => nn.init.truncNormal_(torch.empty(200), 0.5, 2, -1, 3)],
    orthogonal_: [0, () => nn.init.orthogonal_(torch.empty(3, 5), 1.5)],
    orthogonal_tall: [0, () => nn.init.orthogonal_(torch.empty(6, 2, 2))],
    sparse_: [0, () => nn.init.sparse_(torch.empty(5, 4), 0.4)],
    uniform_: [0, () => nn.init.uniform_(torch.empty(7), -2, 3)],
    normal_: [0, () => nn.init.normal_(torch.empty(7), 1, 0.5)],
    eye_: [0, () => nn.init.eye_(torch.empty(3, 4))],
    dirac_: [0, () => nn.init.dirac_(torch.empty(4, 2, 3), 2)],
    dropout: [0, () => nn.F.dropout(torch.ones(4, 6), 0.3)],
    dropout2d: [0, () => nn.F.dropout2d(torch.ones(2, 5, 2, 2), 0.4)],
    alpha_dropout: [0, () => nn.F.alphaDropout(torch.ones(3, 5).mul(0.5), 0.2, true)],
  };
  test.each(Object.entries(cases))('%s', (name, [seed, fn]) => {
    expectClose(seeded(seed, fn), initValues[name] as EncodedTensor, name);
  });
  test('calculateGain', () => {
    for (const [name, value] of Object.entries(initValues.gains)) {
      const gain =
        name === 'leaky_relu_0.2' ? nn.init.calculateGain('leaky_relu', 0.2) : nn.init.calculateGain(name);
      expect(gain).toBeCloseTo(value, 15);
    }
  });
});

describe('module behaviour', () => {
  test('registration by assignment, replacement and deletion', () => {
    const m = new nn.Module() as nn.Module & Record<string, unknown>;
    m.a = new nn.Parameter(torch.ones(2));
    m.child = new nn.Linear(2, 2);
    m.plain = 3;
    expect(m.namedParameters().map(([n]) => n)).toEqual(['a', 'child.weight', 'child.bias']);
    expect(() => {
      m.a = torch.ones(2);
    }).toThrow("cannot assign 'torch.FloatTensor' as parameter 'a' (torch.nn.Parameter or None expected)");
    m.a = null;
    expect(m.parameters().length).toBe(2);
    delete m.child;
    expect(m.children().length).toBe(0);
    expect(m.plain).toBe(3);
  });
  test('shared parameters are listed once', () => {
    const shared = new nn.Linear(2, 2);
    const seq = new nn.Sequential(shared, shared);
    expect(seq.parameters().length).toBe(2);
    expect(seq.namedParameters({ removeDuplicate: false }).length).toBe(4);
  });
  test('train/eval propagate; dropout is identity in eval', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout(0.5));
    seq.eval();
    expect(seq.get(1).training).toBe(false);
    const x = torch.ones(3, 2);
    expect(seq.get(1).call(x)).toBe(x);
    seq.train();
    expect(seq.get(-1).training).toBe(true);
  });
  test('Sequential indexing, slicing, iteration', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    expect(seq.length).toBe(3);
    expect(
      seq
        .slice(1)
        .namedChildren()
        .map(([n]) => n),
    ).toEqual(['1', '2']);
    expect([...seq].length).toBe(3);
    expect(seq.get(-1)).toBe(seq.get(2));
    const named = new nn.Sequential(
      new Map<string, nn.Module>([
        ['fc', new nn.Linear(2, 2)],
        ['act', new nn.ReLU()],
      ]),
    );
    expect(Object.keys(named.stateDict())).toEqual(['fc.weight', 'fc.bias']);
  });
  test('getSubmodule / getParameter', () => {
    const net = new Net();
    expect(net.getSubmodule('features.0')).toBe(net.features.get(0));
    expect(net.getParameter('head.fc.bias')).toBe((net.head.get('fc') as nn.Linear).bias);
    expect(() => net.getSubmodule('features.9')).toThrow('Sequential has no attribute `9`');
  });
  test('apply visits children first', () => {
    const order: string[] = [];
    new nn.Sequential(new nn.Linear(1, 1), new nn.ReLU()).apply((m) => order.push(m._getName()));
    expect(order).toEqual(['Linear', 'ReLU', 'Sequential']);
  });
  test('to(dtype) keeps parameter identity and converts floating buffers only', () => {
    const net = new Net();
    const weight = (net.head.get('fc') as nn.Linear).weight;
    net.double();
    expect(weight.dtype).toBe('float64');
    expect((net.head.get('fc') as nn.Linear).weight).toBe(weight);
    expect(net.getBuffer('features.1.num_batches_tracked').dtype).toBe('int64');
    expect(net.getBuffer('features.1.running_mean').dtype).toBe('float64');
  });
  test('zeroGrad sets to null by default, zeroes with setToNone: false', () => {
    const linear = new nn.Linear(2, 2);
    linear.call(torch.ones(1, 2)).sum().backward();
    linear.zeroGrad({ setToNone: false });
    expect(linear.weight.grad!.sum().item()).toBe(0);
    linear.zeroGrad();
    expect(linear.weight.grad).toBe(null);
  });
  test('forward pre-hooks, forward hooks and removal', () => {
    const linear = new nn.Linear(2, 2);
    const pre = linear.registerForwardPreHook((_m, args) => [(args[0] as Tensor).mul(0)]);
    const post = linear.registerForwardHook((_m, _args, out) => (out as Tensor).add(1));
    const out = linear.call(torch.ones(1, 2));
    expect(out.equal(linear.bias!.add(1).unsqueeze(0).detach())).toBe(true);
    pre.remove();
    post.remove();
    expect(linear.call(torch.zeros(1, 2)).equal(linear.bias!.unsqueeze(0).detach())).toBe(true);
  });
  test('full backward hooks see and can replace input gradients', () => {
    const linear = new nn.Linear(3, 2, { dtype: 'float64' });
    const seen: (Tensor | null)[][] = [];
    linear.registerFullBackwardHook((_m, gradInput, gradOutput) => {
      seen.push(gradInput, gradOutput);
      return [gradInput[0]!.mul(2)];
    });
    const x = torch.randn(4, 3, { dtype: 'float64', requiresGrad: true });
    linear.call(x).sum().backward();
    const expected = torch.ones(4, 2, { dtype: 'float64' }).matmul(linear.weight.detach());
    expect(seen[1]![0]!.equal(torch.ones(4, 2, { dtype: 'float64' }))).toBe(true);
    expect(seen[0]![0]!.allclose(expected)).toBe(true);
    expect(x.grad!.allclose(expected.mul(2))).toBe(true);
  });
  test('missing forward fails like PyTorch', () => {
    expect(() => new nn.Module().call()).toThrow(
      'Module [Module] is missing the required "forward" function',
    );
  });
  test('bad input shapes fail with PyTorch messages', () => {
    expect(() => new nn.Linear(5, 2).call(torch.ones(4, 3))).toThrow(
      'mat1 and mat2 shapes cannot be multiplied (4x3 and 5x2)',
    );
    expect(() => new nn.BatchNorm2d(3).call(torch.ones(2, 3, 4))).toThrow('expected 4D input (got 3D input)');
    expect(() => new nn.Conv2d(3, 2, 3).call(torch.ones(1, 2, 5, 5))).toThrow(
      'Given groups=1, weight of size [2, 3, 3, 3], expected input[1, 2, 5, 5] to have 3 channels, but got 2 channels instead',
    );
  });
  test('utils: clipGradNorm_, clipGradValue_, parametersToVector round trip', () => {
    const linear = new nn.Linear(3, 2);
    linear.call(torch.ones(4, 3).mul(10)).sum().backward();
    const norm = nn.utils.clipGradNorm_(linear.parameters(), 1);
    expect(Number(norm.item())).toBeGreaterThan(1);
    const total = torch.stack(linear.parameters().map((p) => p.grad!.norm())).norm();
    expect(Number(total.item())).toBeCloseTo(1, 5);
    nn.utils.clipGradValue_(linear.parameters(), 0.01);
    expect(Number(linear.weight.grad!.abs().max().item())).toBeLessThanOrEqual(0.01 + 1e-9);
    const vector = nn.utils.parametersToVector(linear.parameters());
    expect(vector.shape).toEqual([8]);
    nn.utils.vectorToParameters(torch.arange(8, { dtype: 'float32' }), linear.parameters());
    expect(linear.bias!.tolist()).toEqual([6, 7]);
    linear.weight.grad = torch.full([2, 3], Number.NaN);
    expect(() => nn.utils.clipGradNorm_(linear.parameters(), 1, { errorIfNonfinite: true })).toThrow(
      'non-finite',
    );
  });
});

describe('gradcheck of functionals in float64', () => {
  const x = () => torch.randn(3, 4, { dtype: 'float64', requiresGrad: true });
  const cases: Record<string, [(...t: Tensor[]) => Tensor, () => Tensor[]]> = {
    linear: [
      (a, w, b) => nn.F.linear(a, w, b),
      () => [
        x(),
        torch.randn(2, 4, { dtype: 'float64', requiresGrad: true }),
        torch.randn(2, { dtype: 'float64', requiresGrad: true }),
      ],
    ],
    gelu: [(a) => nn.F.gelu(a), () => [x()]],
    mish: [(a) => nn.F.mish(a), () => [x()]],
    elu: [(a) => nn.F.elu(a), () => [x()]],
    softplus: [(a) => nn.F.softplus(a, 2), () => [x()]],
    layerNorm: [
      (a, w, b) => nn.F.layerNorm(a, [4], w, b),
      () => [
        x(),
        torch.randn(4, { dtype: 'float64', requiresGrad: true }),
        torch.randn(4, { dtype: 'float64', requiresGrad: true }),
      ],
    ],
    batchNorm: [(a) => nn.F.batchNorm(a, null, null, { training: true }), () => [x()]],
    groupNorm: [(a) => nn.F.groupNorm(a.reshape(3, 4, 1), 2), () => [x()]],
    crossEntropy: [
      (a) => nn.F.crossEntropy(a, torch.tensor([0, 3, 1]), { labelSmoothing: 0.1 }),
      () => [x()],
    ],
    bceWithLogits: [
      (a, t) => nn.F.binaryCrossEntropyWithLogits(a, t),
      () => [x(), torch.rand(3, 4, { dtype: 'float64', requiresGrad: true })],
    ],
    conv2d: [
      (a, w, b) => nn.F.conv2d(a, w, b, { stride: 2, padding: 1, dilation: [1, 2], groups: 2 }),
      () => [
        torch.randn(1, 4, 5, 6, { dtype: 'float64', requiresGrad: true }),
        torch.randn(4, 2, 3, 2, { dtype: 'float64', requiresGrad: true }),
        torch.randn(4, { dtype: 'float64', requiresGrad: true }),
      ],
    ],
    convTranspose2d: [
      (a, w) => nn.F.convTranspose2d(a, w, null, { stride: 2, padding: 1, outputPadding: 1 }),
      () => [
        torch.randn(1, 2, 3, 3, { dtype: 'float64', requiresGrad: true }),
        torch.randn(2, 3, 3, 3, { dtype: 'float64', requiresGrad: true }),
      ],
    ],
    maxPool2d: [
      (a) => nn.F.maxPool2d(a, 2, { ceilMode: true }),
      () => [torch.randn(1, 2, 5, 5, { dtype: 'float64', requiresGrad: true })],
    ],
    avgPool2d: [
      (a) => nn.F.avgPool2d(a, 3, { stride: 2, padding: 1, countIncludePad: false }),
      () => [torch.randn(1, 2, 5, 5, { dtype: 'float64', requiresGrad: true })],
    ],
    adaptiveAvgPool2d: [
      (a) => nn.F.adaptiveAvgPool2d(a, [2, 3]),
      () => [torch.randn(1, 2, 5, 5, { dtype: 'float64', requiresGrad: true })],
    ],
    padReflect: [(a) => nn.F.pad(a, [1, 2], 'reflect'), () => [x()]],
    embedding: [
      (w) =>
        nn.F.embedding(
          torch.tensor([
            [0, 2],
            [2, 1],
          ]),
          w,
        ),
      () => [torch.randn(3, 2, { dtype: 'float64', requiresGrad: true })],
    ],
    interpolate: [
      (a) => nn.F.interpolate(a, { size: [4, 5], mode: 'bilinear' }),
      () => [torch.randn(1, 1, 3, 3, { dtype: 'float64', requiresGrad: true })],
    ],
  };
  test.each(Object.entries(cases))('%s', (_name, [fn, inputs]) => {
    torch.manualSeed(0);
    expect(gradcheck(fn, inputs())).toBe(true);
  });
});
