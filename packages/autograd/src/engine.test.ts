/**
 * Engine tests against PyTorch 1.13 goldens (fixtures/autograd.json, from scripts/gen-autograd-goldens.py):
 * gradients of representative compositions, grad_fn / nextFunctions structures, `.grad` accumulation, retainGraph,
 * createGraph to 4th order, `backward({ inputs })` and `grad` with allowUnused / materializeGrads.
 */
import { readFileSync } from 'node:fs';
import type { DType, GradFnLike, Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import * as autograd from './index.js';

interface Encoded {
  shape: number[];
  data: number[];
  dtype: string;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/autograd.json', import.meta.url), 'utf8'));

function fromEncoded(e: Encoded): Tensor {
  return torch.tensor(e.data, { dtype: e.dtype as DType }).reshape(e.shape);
}

function expectClose(actual: Tensor | null | undefined, expected: Encoded | null, tolerance = 1e-9): void {
  if (expected === null) {
    expect(actual ?? null).toBeNull();
    return;
  }
  expect(actual).toBeTruthy();
  const t = actual!.detach();
  expect(t.shape).toEqual(expected.shape);
  const values = t.reshape(-1).tolist() as number[];
  values.forEach((v, i) => {
    const e = expected.data[i]!;
    expect(Math.abs(v - e), `element ${i}: ${v} vs ${e}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(e)));
  });
}

/** grad_fn structure as the generator writes it; PyTorch's C++ names lose their namespace (`AccumulateGrad`). */
function structure(fn: GradFnLike | null, depth = 4): unknown {
  if (fn === null) return null;
  if (depth === 0) return [fn.name, '...'];
  return [fn.name, fn.nextFunctions.map(([f, nr]) => [structure(f, depth - 1), nr])];
}

function normalize(s: unknown): unknown {
  if (typeof s === 'string') return s.replace('torch::autograd::', '');
  if (Array.isArray(s)) return s.map(normalize);
  return s;
}

const f64 = (values: number[], requiresGrad = true) =>
  torch.tensor(values, { dtype: 'float64', requiresGrad });
const f32 = (values: number[]) => torch.tensor(values, { dtype: 'float32', requiresGrad: true });

// Twins of the Python compositions in scripts/gen-autograd-goldens.py.
const compositions: Record<string, (...t: Tensor[]) => Tensor> = {
  mlp: (x, w1, b1, w2, b2) => x!.matmul(w1!).add(b1!).tanh().matmul(w2!).add(b2!).relu().pow(2).mean(),
  broadcast: (a, b, c) => a!.mul(b!).add(c!).sigmoid().sum(),
  view_inplace: (x, z) => {
    const y = x!.mul(2);
    y.select(0, 0).mul_(3);
    y.narrow(1, 1, 2).add_(z!);
    return y.mul(y).sum();
  },
  inplace_chain: (x) => {
    const y = x!.sin();
    y.mul_(2);
    y.add_(x!);
    y.exp_();
    return y.sum();
  },
  softmax: (x, w) => x!.softmax(1).mul(w!).sum(),
  log_softmax: (x, t) => x!.logSoftmax(-1).mul(t!).sum().neg(),
  logsumexp: (x) => x!.logsumexp(1).sum().add(x!.logsumexp(0).mean()),
  bmm: (a, b) => torch.matmul(a!, b!).sin().sum(),
  matmul_broadcast: (a, b) => torch.matmul(a!, b!).pow(2).sum(),
  mv_dot: (m, v, u) => torch.dot(torch.mv(m!, v!), u!),
  reductions: (x) =>
    x!
      .var(1)
      .sum()
      .add(x!.std(0).sum())
      .add(x!.mean().mul(x!.prod(1).sum()))
      .add(x!.amax(0).sum()),
  permute_reshape: (x, w) => x!.permute(2, 0, 1).reshape(4, 6).t().matmul(w!).cos().sum(),
  expand: (x, y) => x!.unsqueeze(0).expand(2, 3).mul(y!).sum(),
  div_pow: (a, b) => a!.div(b!).pow(2).add(1).sqrt().log().sum(),
  shared: (x) => x!.mul(x!).add(x!.exp().mul(x!)).cumsum(0).sum(),
  kinks: (x) =>
    x!
      .relu()
      .add(x!.abs())
      .add(x!.clamp(-1, 1))
      .add(x!.amax())
      .add(torch.maximum(x!, torch.zerosLike(x!)))
      .sum(),
  where: (x) => torch.where(x!.gt(0), x!.mul(2), x!.exp()).sum(),
  select_unsqueeze: (x) =>
    x!.select(0, 1).mul(x!.select(1, 2)).sum().add(x!.transpose(0, 1).diagonal().sum()),
};

describe('gradients of compositions match PyTorch', () => {
  for (const [name, golden] of Object.entries(fixture.compositions as Record<string, any>)) {
    test(name, () => {
      const fn = compositions[name];
      expect(fn, `missing TS twin for ${name}`).toBeDefined();
      const leaves = (golden.inputs as Encoded[]).map((e, i) =>
        fromEncoded(e).requiresGrad_(golden.requiresGrad[i]),
      );
      const out = fn!(...leaves);
      expectClose(out, golden.output);
      out.backward();
      leaves.forEach((leaf, i) => {
        expectClose(leaf.grad, golden.grads[i]);
      });
    });
  }
});

// Twins of the Python graph builders.
const graphs: Record<string, () => Tensor> = {
  leaves: () => {
    const x = torch.ones(3, { requiresGrad: true });
    const y = torch.ones(3, { requiresGrad: true });
    return x.mul(y).add(torch.ones(3)).sum();
  },
  scalar: () => {
    const x = torch.ones(3, { requiresGrad: true });
    return x.mul(2).add(1).sub(x.div(3)).pow(2);
  },
  views: () => {
    const x = torch.ones(2, 3, { requiresGrad: true });
    return x.t().reshape(6).view(2, 3).select(0, 1).unsqueeze(0).expand(2, 3).sum(1);
  },
  split: () => {
    const x = torch.ones(4, 3, { requiresGrad: true });
    const [a, b] = x.split(2);
    return a!.mul(b!);
  },
  maxdim: () => {
    const x = torch.tensor(
      [
        [1, 3],
        [4, 2],
      ],
      { dtype: 'float32', requiresGrad: true },
    );
    return x.max(1).values.exp();
  },
  inplace: () => {
    const y = torch.ones(3, { requiresGrad: true }).mul(1);
    y.add_(1);
    return y;
  },
  copyslices: () => {
    const y = torch.ones(2, 3, { requiresGrad: true }).mul(1);
    y.select(0, 0).mul_(2);
    return y;
  },
  copyslices_view: () => {
    const y = torch.ones(2, 3, { requiresGrad: true }).mul(1);
    const v = y.select(0, 0);
    v.mul_(2);
    return v;
  },
  matmul: () => {
    const a = torch.ones(2, 3, { requiresGrad: true });
    const b = torch.ones(3, 4, { requiresGrad: true });
    return a.matmul(b).softmax(1).logsumexp(0);
  },
  shared: () => {
    const e = torch.ones(3, { requiresGrad: true }).exp();
    return e.mul(e.sin());
  },
};

describe('grad_fn names and nextFunctions match PyTorch', () => {
  for (const [name, golden] of Object.entries(fixture.graphs as Record<string, unknown>)) {
    test(name, () => {
      expect(normalize(structure(graphs[name]!().gradFn))).toEqual(normalize(golden));
    });
  }

  test('nextFunctions identities: a leaf has one AccumulateGrad node, shared by every use', () => {
    const x = torch.ones(3, { requiresGrad: true });
    const a = x.exp();
    const b = x.sin();
    const accA = a.gradFn!.nextFunctions[0]![0] as autograd.AccumulateGrad;
    expect(accA).toBeInstanceOf(autograd.AccumulateGrad);
    expect(b.gradFn!.nextFunctions[0]![0]).toBe(accA);
    expect(accA.variable).toBe(x);
    const [p, q] = torch.ones(4, { requiresGrad: true }).split(2);
    expect(p!.gradFn).toBe(q!.gradFn);
  });
});

describe('accumulation, retainGraph, createGraph', () => {
  test('.grad accumulates across backward calls (retainGraph keeps the buffers)', () => {
    const x = f32([1, 2, 3]);
    const y = x.mul(x).sum();
    y.backward({ retainGraph: true });
    y.backward({ retainGraph: true });
    x.mul(2).sum().backward();
    expectClose(x.grad, fixture.hooks.accumulate);
  });

  test('a third backward after retainGraph ones still works, and the graph is then freed', () => {
    const x = f32([1, 2, 3]);
    const y = x.exp().sum();
    y.backward({ retainGraph: true });
    y.backward();
    expect(() => y.backward()).toThrow(fixture.errors.backward_twice);
  });

  test('ops without saved tensors can be backpropagated twice, as in PyTorch', () => {
    const x = f32([1, 2, 3]);
    const y = x.add(1).sum();
    y.backward();
    y.backward();
    expect(x.grad!.tolist()).toEqual([2, 2, 2]);
  });

  test('createGraph: derivatives of x^4 to the 4th order', () => {
    const x = f64([1.5, -0.5]);
    const [g1] = autograd.grad(x.pow(4).sum(), [x], { createGraph: true });
    const [g2] = autograd.grad(g1!.sum(), [x], { createGraph: true });
    const [g3] = autograd.grad(g2!.sum(), [x], { createGraph: true });
    const [g4] = autograd.grad(g3!.sum(), [x]);
    const golden = fixture.hooks.higher_order as Encoded[];
    [g1, g2, g3, g4].forEach((g, i) => {
      expectClose(g, golden[i]!);
    });
    expect(g3!.requiresGrad).toBe(true);
    expect(g4!.requiresGrad).toBe(false);
  });

  test('backward({ createGraph }) leaves a differentiable .grad', () => {
    const x = f64([0.3, 0.7]);
    x.sin().mul(x.exp()).sum().backward({ createGraph: true });
    const gx = x.grad!;
    expect(gx.requiresGrad).toBe(true);
    x.grad = null;
    gx.sum().backward();
    expectClose(gx, fixture.hooks.backward_create_graph.first);
    expectClose(x.grad, fixture.hooks.backward_create_graph.second);
  });
});

describe('backward({ inputs }) and grad()', () => {
  test('backward({ inputs }) accumulates only into the given leaves', () => {
    const a = f32([1, 2]);
    const b = f32([3, 4]);
    a.mul(b)
      .sum()
      .backward({ inputs: [a] });
    expectClose(a.grad, fixture.hooks.backward_inputs.a);
    expectClose(b.grad, fixture.hooks.backward_inputs.b);
  });

  test('backward({ inputs }) with a non-leaf fills its .grad and nothing upstream', () => {
    const a = f32([1, 2]);
    const b = f32([3, 4]);
    const m = a.mul(2);
    m.mul(b)
      .sum()
      .backward({ inputs: [m] });
    expectClose(m.grad, fixture.hooks.backward_inputs_nonleaf.m);
    expectClose(a.grad, fixture.hooks.backward_inputs_nonleaf.a);
    expect(b.grad).toBeNull();
  });

  test('autograd.backward(tensors, grads) with several roots', () => {
    const x = f32([1, 2]);
    autograd.backward([x.mul(2), x.mul(x).sum()], [torch.tensor([1, 10], { dtype: 'float32' }), null]);
    expect(x.grad!.tolist()).toEqual([4, 24]);
  });

  test('grad() with allowUnused gives null; materializeGrads gives zeros', () => {
    const a = f32([1, 2]);
    const b = f32([3, 4]);
    const c = f32([5]);
    const r = autograd.grad(a.mul(b).sum(), [a, c], { allowUnused: true });
    expectClose(r[0], fixture.hooks.allow_unused[0]);
    expect(r[1]).toBeNull();
    const m = autograd.grad(a.mul(b).sum(), [a, c], { materializeGrads: true });
    expectClose(m[0], fixture.hooks.allow_unused[0]);
    expect(m[1]!.shape).toEqual([1]);
    expect(m[1]!.tolist()).toEqual([0]);
  });

  test('grad() with respect to a non-leaf, leaving every .grad untouched', () => {
    const a = f32([1, 2]);
    const b = f32([3, 4]);
    const m = a.mul(b);
    const [gm, ga] = autograd.grad(m.mul(m).sum(), [m, a]);
    expectClose(gm, fixture.hooks.grad_nonleaf[0]);
    expectClose(ga, fixture.hooks.grad_nonleaf[1]);
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  test('grad() with gradOutputs (vector-Jacobian product)', () => {
    const x = f64([1, 2, 3]);
    const [g] = autograd.grad(x.mul(x), [x], { gradOutputs: [f64([1, 0, 2], false)] });
    expect(g!.tolist()).toEqual([2, 0, 12]);
  });
});
