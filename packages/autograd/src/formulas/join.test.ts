import { readFileSync } from 'node:fs';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import { grad, gradcheck, gradgradcheck } from '../index.js';

const f64 = { dtype: 'float64' as const };

/** A float64 leaf that requires grad. */
function leaf(...shape: number[]): Tensor {
  return torch.randn(shape, f64).requiresGrad_(true);
}

/** A non-contiguous float64 leaf of `shape` (the transpose of a contiguous tensor). */
function transposedLeaf(rows: number, cols: number): Tensor {
  const t = torch.randn([cols, rows], f64).t();
  if (rows > 1 && cols > 1) expect(t.isContiguous()).toBe(false);
  return t.requiresGrad_(true);
}

/** gradcheck and gradgradcheck of `fn` at `inputs`. */
function check(fn: (...inputs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[]): void {
  expect(gradcheck(fn, inputs)).toBe(true);
  expect(gradgradcheck(fn, inputs)).toBe(true);
}

describe('cat and stack', () => {
  test('cat along each dim, with non-contiguous and broadcast-free inputs', () => {
    torch.manualSeed(1);
    const a = leaf(2, 3);
    const b = transposedLeaf(1, 3);
    const c = leaf(2, 2);
    check((x, y) => torch.cat([x, y], 0), [a, b]);
    check((x, y) => torch.cat([x, y, x], -1), [a, c]);
  });

  test('cat skips 1-d empty tensors but still gives them a gradient', () => {
    torch.manualSeed(2);
    const a = leaf(2, 2);
    const empty = torch.zeros([0], f64).requiresGrad_(true);
    const out = torch.cat([empty, a, empty], 1);
    const [ga, ge] = grad(out.mul(torch.arange(4, f64).reshape(2, 2)).sum(), [a, empty]);
    expect(ga!.tolist()).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(ge!.shape).toEqual([0]);
    check((x) => torch.cat([empty.detach(), x]), [a]);
  });

  test('cat casts each gradient back to its input dtype', () => {
    const a = torch.ones([2], { dtype: 'float32' }).requiresGrad_(true);
    const b = torch.ones([1], f64).requiresGrad_(true);
    const out = torch.cat([a, b]);
    expect(out.dtype).toBe('float64');
    out.sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(b.grad!.dtype).toBe('float64');
  });

  test('stack, hstack, vstack, dstack, columnStack', () => {
    torch.manualSeed(3);
    const a = leaf(2, 3);
    const b = transposedLeaf(2, 3);
    check((x, y) => torch.stack([x, y], 0), [a, b]);
    check((x, y) => torch.stack([x, y, x], -1), [a, b]);
    check((x, y) => torch.hstack([x, y]), [a, b]);
    check((x, y) => torch.vstack([x, y]), [a, b]);
    check((x, y) => torch.dstack([x, y]), [a, b]);
    const v = leaf(3);
    check((x, y) => torch.columnStack([x, y]), [v, b.t().detach().requiresGrad_(true)]);
  });
});

describe('splits (multi-output views)', () => {
  test('split, splitWithSizes and chunk, every output used', () => {
    torch.manualSeed(4);
    const x = leaf(2, 5);
    check((t) => t.split(2, 1), [x]);
    check((t) => t.split([1, 0, 4], 1), [x]);
    check((t) => t.chunk(2, 0), [x]);
  });

  test('outputs no gradient reached count as zeros', () => {
    torch.manualSeed(5);
    const x = transposedLeaf(5, 2);
    check((t) => t.split(2)[1]!.mul(3), [x]);
    check((t) => torch.mul(t.chunk(3)[0]!, t.chunk(3)[2]!.sum()), [x]);
    const [g] = grad(x.split(2)[2]!.sum(), [x]);
    expect(g!.tolist()).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [1, 1],
    ]);
  });

  test('unbind', () => {
    torch.manualSeed(6);
    const x = leaf(3, 2, 2);
    check((t) => t.unbind(1), [x]);
    check((t) => t.unbind(0)[1]!.exp(), [x]);
  });

  test('tensorSplit, including overlapping pieces from unsorted indices', () => {
    torch.manualSeed(7);
    const x = leaf(2, 5);
    check((t) => t.tensorSplit(3, 1), [x]);
    check((t) => t.tensorSplit([1, 3], 1), [x]);
    // [3, 1] gives pieces [0, 3), [3, 3) and [1, 5): the last overlaps the first.
    check((t) => t.tensorSplit([3, 1], 1), [x]);
    check((t) => t.hsplit([1, 4]), [x]);
  });
});

describe('shape-building ops', () => {
  test('flip, fliplr, flipud, rot90', () => {
    torch.manualSeed(8);
    const x = leaf(2, 3, 2);
    check((t) => t.flip([0, 2]), [x]);
    check((t) => t.flip(-1), [transposedLeaf(3, 2)]);
    check((t) => t.fliplr(), [x]);
    check((t) => t.flipud(), [x]);
    check((t) => t.rot90(1, [1, 2]), [x]);
    check((t) => t.rot90(3), [x]);
  });

  test('roll with and without dims', () => {
    torch.manualSeed(9);
    const x = transposedLeaf(3, 4);
    check((t) => t.roll([1, -2], [0, 1]), [x]);
    check((t) => t.roll(5), [x]);
    check((t) => t.roll(-7, 1), [x]);
  });

  test('repeat and tile, with new leading dims and zero repeats', () => {
    torch.manualSeed(10);
    const x = leaf(2, 3);
    check((t) => t.repeat(2, 1, 3), [x]);
    check((t) => t.repeat(1, 2), [transposedLeaf(2, 3)]);
    check((t) => t.repeat(0, 2), [x]);
    check((t) => t.tile(2), [x]);
  });

  test('repeatInterleave: scalar, per-slice counts (with zeros), flattened, 0-d', () => {
    torch.manualSeed(11);
    const x = leaf(3, 2);
    check((t) => t.repeatInterleave(2, 1), [x]);
    check((t) => t.repeatInterleave(torch.tensor([1, 0, 3]), 0), [x]);
    check((t) => t.repeatInterleave(3), [transposedLeaf(2, 2)]);
    check((t) => t.repeatInterleave(0, 0), [x]);
    check((t) => t.repeatInterleave(2, 0), [leaf()]);
  });

  test('tril and triu, batched, every diagonal offset sign', () => {
    torch.manualSeed(12);
    const x = leaf(2, 3, 4);
    check((t) => t.tril(), [x]);
    check((t) => t.tril(-1), [x]);
    check((t) => t.triu(1), [transposedLeaf(4, 3)]);
    check((t) => t.triu(-2), [x]);
  });

  test('tril_ and triu_ on non-leaves (and through a view)', () => {
    torch.manualSeed(13);
    const x = leaf(3, 3);
    check((t) => t.mul(2).tril_(1), [x]);
    check((t) => t.add(1).triu_(), [x]);
    // First order only: the double backward of a write through a view goes through the engine's CopySlices, whose
    // result is a view of a scratch buffer and keeps a stale history (an engine issue, not this formula's).
    expect(
      gradcheck(
        (t) => {
          const y = t.mul(1);
          y.narrow(0, 1, 2).triu_();
          return y;
        },
        [x],
      ),
    ).toBe(true);
    const y = x.mul(1).tril_();
    expect(y.gradFn!.name).toBe('TrilBackward0');
  });

  test('diag of vectors and matrices, diagEmbed, diagflat, trace', () => {
    torch.manualSeed(14);
    const v = leaf(3);
    const m = leaf(3, 4);
    check((t) => torch.diag(t), [v]);
    check((t) => torch.diag(t, 2), [v]);
    check((t) => torch.diag(t, -1), [v]);
    check((t) => torch.diag(t), [m]);
    check((t) => torch.diag(t, 1), [transposedLeaf(3, 4)]);
    check((t) => torch.diag(t, -2), [m]);
    check((t) => torch.diagEmbed(t), [leaf(2, 3)]);
    check((t) => torch.diagEmbed(t, 1, 0, 2), [leaf(2, 3)]);
    check((t) => torch.diagEmbed(t, { offset: -1, dim1: -1, dim2: 0 }), [leaf(2, 2)]);
    check((t) => t.diagflat(1), [leaf(2, 2)]);
    check((t) => t.trace(), [m.narrow(1, 0, 3).detach().requiresGrad_(true)]);
  });

  test('composites: kron, cross, broadcastTensors, meshgrid', () => {
    torch.manualSeed(15);
    check((a, b) => torch.kron(a, b), [leaf(2, 2), leaf(3)]);
    check((a, b) => torch.cross(a, b, 1), [leaf(2, 3), leaf(2, 3)]);
    check((a, b) => torch.broadcastTensors(a, b), [leaf(2, 1), leaf(3)]);
    check((a, b) => torch.meshgrid(a, b, { indexing: 'xy' }), [leaf(2), leaf(3)]);
  });
});

describe('einsum (differentiated through the ops it is built from)', () => {
  test.each([
    [
      'ij,jk->ik',
      [
        [2, 3],
        [3, 4],
      ],
    ],
    [
      'bij,bjk->bik',
      [
        [2, 2, 3],
        [2, 3, 2],
      ],
    ],
    ['ii->i', [[3, 3]]],
    ['ii', [[3, 3]]],
    ['ij->', [[2, 3]]],
    ['i,j', [[2], [3]]],
    [
      'ij,ij->ij',
      [
        [2, 3],
        [2, 3],
      ],
    ],
    [
      '...ij,...jk',
      [
        [1, 2, 3],
        [2, 3, 2],
      ],
    ],
    [
      'ij,jk,kl->il',
      [
        [2, 3],
        [3, 2],
        [2, 2],
      ],
    ],
    ['iij->j', [[2, 2, 3]]],
  ] as [string, number[][]][])('%s', (equation, shapes) => {
    torch.manualSeed(16);
    check(
      (...ops) => torch.einsum(equation, ...ops),
      shapes.map((s) => leaf(...s)),
    );
  });

  test('einsum leaves no single EinsumBackward node', () => {
    const a = leaf(2, 3);
    const b = leaf(3, 4);
    expect(torch.einsum('ij,jk->ik', a, b).gradFn!.name).toBe('ViewBackward0');
    expect(torch.einsum('ij,ij->ij', a, a).gradFn!.name).toBe('MulBackward0');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Goldens from PyTorch 1.13 (scripts/gen-join-linalg-goldens.py)

interface FixtureTensor {
  shape: number[];
  data: number[];
}
interface FixtureCase {
  inputs: Record<string, FixtureTensor>;
  G: FixtureTensor;
  out: FixtureTensor;
  gradFn: string | null;
  grads: Record<string, FixtureTensor | null>;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/join-linalg.json', import.meta.url), 'utf8'),
) as {
  cases: Record<string, FixtureCase>;
};

function fromFixture(t: FixtureTensor): Tensor {
  return torch.tensor(t.data, f64).reshape(t.shape);
}

/** Each case's expression, as written in the generator script. */
const joinCases: Record<string, (inputs: Record<string, Tensor>) => Tensor> = {
  cat: ({ x, y }) => torch.cat([x!, y!], 1),
  stack: ({ x, y }) => torch.stack([x!, y!], 1),
  split: ({ x }) => x!.split(2, 1)[1]!,
  splitWithSizes: ({ x }) => x!.split([1, 4], 1)[1]!,
  chunk: ({ x }) => x!.chunk(3)[2]!,
  unbind: ({ x }) => x!.unbind(1)[2]!,
  tensorSplit: ({ x }) => x!.tensorSplit([1, 3], 1)[1]!,
  flip: ({ x }) => x!.flip([0, 2]),
  roll: ({ x }) => x!.roll([1, -2], [0, 1]),
  rollFlat: ({ x }) => x!.roll(5),
  repeat: ({ x }) => x!.repeat(2, 1, 3),
  repeatInterleave: ({ x }) => x!.repeatInterleave(torch.tensor([1, 0, 3]), 0),
  repeatInterleaveFlat: ({ x }) => x!.repeatInterleave(2),
  tril: ({ x }) => x!.tril(1),
  triu: ({ x }) => x!.triu(-1),
  trilInplace: ({ x }) => x!.mul(2).tril_(),
  diagVector: ({ x }) => torch.diag(x!, -1),
  diagMatrix: ({ x }) => torch.diag(x!, 1),
  diagEmbed: ({ x }) => torch.diagEmbed(x!, 1, 0, 2),
  einsum: ({ x, y }) => torch.einsum('ij,jk->ik', x!, y!),
  einsumTrace: ({ x }) => torch.einsum('ii->i', x!),
};

/**
 * grad_fn names this package cannot reproduce from the recorded op alone: split(list) and split(int) are recorded
 * the same way by @proj/tensor (see the report in formulas/join.ts's `split` entry).
 */
const knownNameDifferences: Record<string, string> = {};

describe('goldens from PyTorch 1.13', () => {
  test.each(Object.keys(joinCases))('%s', (id) => {
    const golden = fixture.cases[id]!;
    const inputs: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(golden.inputs)) inputs[name] = fromFixture(t).requiresGrad_(true);
    const out = joinCases[id]!(inputs);
    expect(out.shape).toEqual(golden.out.shape);
    expect(Array.from(out.detach().contiguous().toTypedArray() as Float64Array)).toEqual(golden.out.data);
    expect(out.gradFn?.name ?? null).toBe(knownNameDifferences[id] ?? golden.gradFn);
    const names = Object.keys(inputs);
    const grads = grad(
      out.mul(fromFixture(golden.G)).sum(),
      names.map((n) => inputs[n]!),
      { allowUnused: true },
    );
    names.forEach((name, i) => {
      const expected = golden.grads[name];
      const actual = grads[i];
      if (expected === null || expected === undefined) {
        expect(actual ?? null).toBeNull();
        return;
      }
      expect(actual!.shape).toEqual(expected.shape);
      const values = Array.from(actual!.contiguous().toTypedArray() as Float64Array);
      values.forEach((v, k) => {
        expect(v).toBeCloseTo(expected.data[k]!, 12);
      });
    });
  });
});
