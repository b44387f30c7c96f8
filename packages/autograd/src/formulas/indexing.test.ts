import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import { grad, gradcheck } from '../index.js';
import { check, type Inputs, runGolden } from './golden.test-helpers.js';

const f64 = { dtype: 'float64' as const };
const slice = torch.slice;

/** A float64 leaf that requires grad. */
function leaf(...shape: number[]): Tensor {
  return torch.randn(shape, f64).requiresGrad_(true);
}

/** A non-contiguous float64 leaf of `[rows, cols]` (the transpose of a contiguous tensor). */
function transposedLeaf(rows: number, cols: number): Tensor {
  const t = torch.randn([cols, rows], f64).t();
  expect(t.isContiguous()).toBe(false);
  return t.requiresGrad_(true);
}

function long(data: unknown): Tensor {
  return torch.tensor(data as never, { dtype: 'int64' });
}

function bool(data: unknown): Tensor {
  return torch.tensor(data as never, { dtype: 'bool' });
}

// ---------------------------------------------------------------------------------------------------------------
// Goldens from PyTorch 1.13 (scripts/gen-indexing-sort-goldens.py)

const cases: Record<string, (t: Inputs) => Tensor> = {
  getInt: ({ x }) => x!.get(1),
  getSlice: ({ x }) => x!.get(':', '1::2'),
  getMask: ({ x, m }) => x!.get(m!),
  getIntArray: ({ x }) => x!.get([0, 2, 0]),
  getMixed: ({ x }) => x!.get('1:', [0, 3, 3], 1),
  setBasic: ({ x, v }) => x!.clone().set([0], v!),
  setSliceBroadcast: ({ x, v }) => x!.clone().set(['1:', '::2'], v!),
  setAdvanced: ({ x, v }) => x!.clone().set([[2, 0]], v!),
  setMaskScalar: ({ x, m }) => x!.clone().set([m!], 0.5),
  indexPut: ({ x, i, v }) => x!.indexPut([i!], v!),
  indexPutAccumulate: ({ x, i, j, v }) => x!.indexPut([i!, j!], v!, true),
  gather: ({ x, i }) => x!.gather(0, i!),
  scatter: ({ x, i, s }) => x!.scatter(0, i!, s!),
  scatterValue: ({ x, i }) => x!.scatter(1, i!, 2.5),
  scatterAdd: ({ x, i, s }) => x!.scatterAdd(0, i!, s!),
  scatterReduceSum: ({ x, i, s }) => x!.scatterReduce(0, i!, s!, 'sum'),
  scatterReduceProd: ({ x, i, s }) => x!.scatterReduce(0, i!, s!, 'prod'),
  scatterReduceProdExclude: ({ x, i, s }) => x!.scatterReduce(0, i!, s!, 'prod', { includeSelf: false }),
  scatterReduceProdZeros: ({ x, i, s }) => x!.scatterReduce(0, i!, s!, 'prod'),
  scatterReduceMean: ({ x, i, s }) => x!.scatterReduce(0, i!, s!, 'mean'),
  scatterReduceMeanExclude: ({ x, i, s }) => x!.scatterReduce(0, i!, s!, 'mean', { includeSelf: false }),
  scatterReduceAmax: ({ x, i, s }) => x!.scatterReduce(0, i!, s!, 'amax'),
  scatterReduceAminExclude: ({ x, i, s }) => x!.scatterReduce(0, i!, s!, 'amin', { includeSelf: false }),
  scatterReduceAmaxTies: ({ x, i, s }) => x!.scatterReduce(0, i!, s!, 'amax'),
  indexSelect: ({ x, i }) => x!.indexSelect(1, i!),
  indexAdd: ({ x, i, s }) => x!.indexAdd(0, i!, s!, { alpha: 1.5 }),
  indexCopy: ({ x, i, s }) => x!.indexCopy(1, i!, s!),
  indexFill: ({ x, i }) => x!.indexFill(0, i!, 2),
  indexFillTensor: ({ x, i, v }) => x!.indexFill(1, i!, v!),
  maskedFill: ({ x, m }) => x!.maskedFill(m!, -1),
  maskedFillTensor: ({ x, m, v }) => x!.maskedFill(m!, v!),
  maskedScatter: ({ x, m, s }) => x!.maskedScatter(m!, s!),
  maskedSelectBroadcast: ({ x, m }) => x!.maskedSelect(m!),
  take: ({ x, i }) => x!.take(i!),
  takeAlongDim: ({ x, i }) => torch.takeAlongDim(x!, i!, 1),
};

describe('goldens from PyTorch 1.13', () => {
  for (const [id, build] of Object.entries(cases)) {
    test(id, () => runGolden(id, build));
  }
});

// ---------------------------------------------------------------------------------------------------------------
// get / set

describe('get and set', () => {
  test('x.get(...) backprops through ints, slices, masks and int arrays', () => {
    torch.manualSeed(1);
    const x = leaf(3, 4);
    const mask = bool([
      [true, false, false, true],
      [false, true, false, false],
      [true, true, true, false],
    ]);
    const parts = [
      x.get(1),
      x.get(':', '1:3'),
      x.get('...', slice(0, null, 2)),
      x.get(mask),
      x.get([0, 0, 2]),
      x.get([2, 1], [3, 3]),
      x.get(null, 0, [1]),
    ];
    const total = parts.reduce(
      (acc, p) => torch.add(acc, torch.mul(p, torch.arange(p.numel(), f64).reshape(p.shape).add(1)).sum()),
      torch.zeros([], f64),
    );
    total.backward();
    // Reference: the same selections as explicit sums over coordinates.
    const expected = torch.zeros([3, 4], f64);
    const add = (r: number, c: number, w: number) =>
      expected.set([r, c], (expected.get(r, c).item() as number) + w);
    for (let c = 0; c < 4; c++) add(1, c, c + 1);
    for (let r = 0; r < 3; r++) for (let c = 1; c < 3; c++) add(r, c, r * 2 + (c - 1) + 1);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c += 2) add(r, c, r * 2 + c / 2 + 1);
    let k = 0;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) if (mask.get(r, c).item()) add(r, c, ++k);
    [0, 0, 2].forEach((r, j) => {
      for (let c = 0; c < 4; c++) add(r, c, j * 4 + c + 1);
    });
    add(2, 3, 1);
    add(1, 3, 2);
    add(0, 1, 1);
    expect(x.grad!.tolist()).toEqual(expected.tolist());
  });

  test('y = x.clone(); y.set([0], v); y.sum().backward() gives PyTorch grads and CopySlices', () => {
    const x = leaf(3, 4);
    const v = leaf(4);
    const y = x.clone();
    y.set([0], v);
    expect(y.gradFn!.name).toBe('CopySlices');
    expect(y.gradFn!.nextFunctions.map(([fn, n]) => [fn?.name ?? null, n])).toEqual([
      ['CloneBackward0', 0],
      ['AccumulateGrad', 0],
    ]);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([
      [0, 0, 0, 0],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
    ]);
    expect(v.grad!.tolist()).toEqual([1, 1, 1, 1]);
  });

  test('setitem node names follow PyTorch (CopySlices, IndexPutBackward0, CopyBackwards)', () => {
    const x = leaf(3, 4);
    const name = (items: torch.IndexItem[], value: Tensor | number) =>
      x.clone().set(items, value).gradFn!.name;
    expect(name([0], 1)).toBe('CopySlices');
    expect(name([':', [0, 1]], 1)).toBe('CopySlices');
    expect(name([[0, 1]], torch.ones([4], f64))).toBe('IndexPutBackward0');
    expect(name([x.detach().gt(0)], 0)).toBe('IndexPutBackward0');
    expect(name(['...', [0, 1]], 1)).toBe('IndexPutBackward0');
    expect(name(['...'], torch.ones([4], f64))).toBe('CopyBackwards');
    // Writing through a view of a non-leaf rebases the base on CopySlices.
    const y = x.clone();
    y.get(1).set([[0, 2]], 5);
    expect(y.gradFn!.name).toBe('CopySlices');
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([
      [1, 1, 1, 1],
      [0, 1, 0, 1],
      [1, 1, 1, 1],
    ]);
  });

  test('set with repeated advanced indices gives every write the gradient of its position', () => {
    const x = leaf(3);
    const v = leaf(3);
    const y = x.clone().set([[0, 2, 0]], v);
    const [gx, gv] = grad(torch.mul(y, torch.tensor([1, 2, 3], f64)).sum(), [x, v]);
    expect(gx!.tolist()).toEqual([0, 2, 0]);
    expect(gv!.tolist()).toEqual([1, 3, 1]);
  });

  test('gradcheck: get with basic and advanced items, set of a broadcast value, non-contiguous inputs', () => {
    torch.manualSeed(2);
    const a = transposedLeaf(3, 4);
    check((x) => x.get('1:', '::2'), [a]);
    check((x) => x.get([2, 0, 2], '1:'), [a]);
    check((x) => x.get(x.detach().gt(0)), [a]);
    check((x) => x.get('...', [1, 1], null), [a]);
    const v = leaf(1, 2);
    check((x, value) => x.mul(1).set([':', [0, 3]], value), [a, v]);
    check((x, value) => x.mul(1).set(['1:', 1], value.reshape(-1).get(0)), [a, v]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Dim-wise and masked ops

describe('gradcheck and gradgradcheck', () => {
  test('indexPut, with and without accumulate, repeated indices', () => {
    torch.manualSeed(3);
    const i = long([2, 0, 2]);
    const j = long([1, 3, 1]);
    check((x, v) => x.indexPut([i, j], v, true), [transposedLeaf(3, 4), leaf(3)]);
    check((x, v) => x.indexPut([long([2, 0])], v), [leaf(3, 4), leaf(4)]);
    check(
      (x, v) => x.mul(1).indexPut_([null, long([1, 1, 0])], v, { accumulate: true }),
      [leaf(2, 3), leaf(2, 3)],
    );
  });

  test('gather and takeAlongDim', () => {
    torch.manualSeed(4);
    const index = long([
      [0, 1, 2, 0],
      [2, 2, 1, 0],
    ]);
    check((x) => x.gather(0, index), [transposedLeaf(3, 4)]);
    check((x) => x.gather(1, long([[3], [0], [3]])), [leaf(3, 4)]);
    check((x) => torch.takeAlongDim(x, long([[0], [2]]), 1), [leaf(2, 3)]);
    check((x) => torch.takeAlongDim(x, long([5, 0, 5])), [leaf(2, 3)]);
  });

  test('scatter with a src tensor and a scalar value', () => {
    torch.manualSeed(5);
    const index = long([
      [0, 1, 2, 0],
      [2, 0, 1, 1],
    ]);
    check((x, s) => x.scatter(0, index, s), [transposedLeaf(3, 4), leaf(2, 4)]);
    check((x) => x.scatter(1, long([[0], [3], [1]]), -2), [leaf(3, 4)]);
    check((x, s) => x.mul(1).scatter_(0, index, s), [leaf(3, 4), transposedLeaf(2, 4)]);
  });

  test('scatterAdd with repeated indices and a src larger than index', () => {
    torch.manualSeed(6);
    const index = long([
      [0, 1, 2, 0],
      [0, 1, 2, 0],
    ]);
    check((x, s) => x.scatterAdd(0, index, s), [transposedLeaf(3, 4), leaf(2, 4)]);
    check((x, s) => x.scatterAdd(1, long([[1, 1]]), s), [leaf(2, 3), leaf(1, 2)]);
  });

  for (const reduce of ['sum', 'prod', 'mean', 'amax', 'amin'] as const) {
    for (const includeSelf of [true, false]) {
      test(`scatterReduce ${reduce} includeSelf=${includeSelf}`, () => {
        torch.manualSeed(7);
        const index = long([
          [0, 1, 2, 0],
          [0, 1, 1, 0],
        ]);
        check(
          (x, s) => x.scatterReduce(0, index, s, reduce, { includeSelf }),
          [transposedLeaf(3, 4), leaf(2, 4)],
        );
      });
    }
  }

  test('scatterReduce prod with zeros in self and src (single zero per position)', () => {
    const x = torch
      .tensor(
        [
          [0, 2],
          [3, 0.5],
        ],
        f64,
      )
      .requiresGrad_(true);
    const s = torch
      .tensor(
        [
          [1.5, 0],
          [2, -1],
          [0.7, 0.5],
        ],
        f64,
      )
      .requiresGrad_(true);
    expect(
      gradcheck(
        (a, b) =>
          a.scatterReduce(
            0,
            long([
              [0, 1],
              [0, 0],
              [1, 0],
            ]),
            b,
            'prod',
          ),
        [x, s],
      ),
    ).toBe(true);
  });

  test('indexSelect, indexAdd (repeated indices, alpha), indexCopy, indexFill', () => {
    torch.manualSeed(8);
    const i = long([2, 0, 2]);
    check((x) => x.indexSelect(1, i), [transposedLeaf(2, 3)]);
    check((x) => x.indexSelect(0, long([1])), [leaf(2)]);
    check((x, s) => x.indexAdd(0, i, s, { alpha: -0.5 }), [transposedLeaf(3, 2), leaf(3, 2)]);
    check((x, s) => x.indexAdd(1, i, s), [leaf(2, 3), transposedLeaf(2, 3)]);
    check((x, s) => x.indexCopy(0, long([2, 0]), s), [leaf(3, 2), leaf(2, 2)]);
    check((x) => x.indexFill(1, i, 3), [transposedLeaf(2, 3)]);
    check((x, v) => x.indexFill(1, i, v), [leaf(2, 3), leaf()]);
  });

  test('maskedFill, maskedScatter, maskedSelect (broadcast masks)', () => {
    torch.manualSeed(9);
    const m = bool([
      [true, false, true],
      [false, false, true],
    ]);
    check((x) => x.maskedFill(m, 0.5), [transposedLeaf(2, 3)]);
    check((x, v) => x.maskedFill(bool([true, false, true]), v), [leaf(2, 3), leaf()]);
    check((x, s) => x.maskedScatter(m, s), [transposedLeaf(2, 3), leaf(5)]);
    check((x) => x.maskedSelect(m), [transposedLeaf(2, 3)]);
    check((x) => x.maskedSelect(m), [leaf(3)]);
  });

  test('in-place scatterReduce_ and indexCopy_ on non-leaves; 0-d inputs', () => {
    torch.manualSeed(11);
    const index = long([
      [0, 1],
      [0, 0],
    ]);
    check((x, s) => x.mul(1).scatterReduce_(0, index, s, 'amax'), [leaf(2, 2), leaf(2, 2)]);
    check((x, s) => x.mul(1).indexCopy_(0, long([1]), s), [leaf(2, 2), leaf(1, 2)]);
    check((x) => x.gather(0, long(0)), [leaf()]);
    check((x) => x.indexSelect(0, long([0])), [leaf()]);
    check((x) => x.take(long([0, 0])), [leaf()]);
  });

  test('take with negative and repeated indices', () => {
    torch.manualSeed(10);
    check(
      (x) =>
        x.take(
          long([
            [0, -1],
            [4, 4],
          ]),
        ),
      [transposedLeaf(2, 3)],
    );
  });
});

describe('PyTorch behaviours', () => {
  test('scatter with reduce has no derivative (PyTorch 1.13)', () => {
    const x = leaf(3);
    const out = x.scatter(0, long([0, 2]), leaf(2), { reduce: 'add' });
    expect(out.gradFn!.name).toBe('NotImplemented');
    expect(() => out.sum().backward()).toThrow('derivative for aten::scatter is not implemented');
  });

  test('scatter/scatterAdd with src larger than index fail in backward as in PyTorch', () => {
    const x = leaf(3, 4);
    const s = leaf(3, 4);
    const index = long([
      [0, 1, 2, 0],
      [2, 0, 1, 1],
    ]);
    expect(() => x.scatter(0, index, s).sum().backward()).toThrow(
      'Function ScatterBackward0 returned an invalid gradient at index 1 - got [2, 4] but expected shape compatible with [3, 4]',
    );
    expect(() => x.scatterAdd(0, index, s).sum().backward()).toThrow(
      'Function ScatterAddBackward0 returned an invalid gradient at index 1 - got [2, 4] but expected shape compatible with [3, 4]',
    );
  });

  test('in-place variants record and differentiate (index_add_, masked_fill_, index_put_)', () => {
    const x = leaf(3);
    const y = x.mul(2);
    y.indexAdd_(0, long([0, 0]), torch.ones([2], f64));
    y.maskedFill_(bool([false, true, false]), 1);
    expect(y.gradFn!.name).toBe('MaskedFillBackward0');
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 0, 2]);
  });
});
