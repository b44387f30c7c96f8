// Values, dtypes, layouts and error messages of every op here are checked against PyTorch goldens in
// indexing.test.ts (fixtures/indexing.json); these tests cover behaviour the goldens cannot show.
import { describe, expect, it } from 'vitest';
import * as torch from '../index.js';

const long = (data: number[] | number[][]) => torch.tensor(data, { dtype: 'int64' });

describe('in-place variants', () => {
  it('return the tensor itself and bump its version once', () => {
    const x = torch.zeros(3, 3);
    const index = long([[0, 1, 2]]);
    const src = torch.ones(1, 3);
    const ops: [string, () => unknown][] = [
      ['scatter_', () => x.scatter_(0, index, src)],
      ['scatter_ scalar', () => x.scatter_(0, index, 2, { reduce: 'add' })],
      ['scatterAdd_', () => x.scatterAdd_(0, index, src)],
      ['scatterReduce_', () => x.scatterReduce_(0, index, src, 'amax', { includeSelf: false })],
      ['indexAdd_', () => x.indexAdd_(0, long([1]), src, { alpha: 3 })],
      ['indexCopy_', () => x.indexCopy_(0, long([1]), src)],
      ['indexFill_', () => x.indexFill_(1, long([0, 2]), -1)],
      ['indexPut_', () => x.indexPut_([long([0]), long([0])], torch.tensor(9, { dtype: 'float32' }))],
      ['maskedFill_', () => x.maskedFill_(torch.tensor([true, false, true]), 5)],
      [
        'maskedScatter_',
        () => x.maskedScatter_(torch.tensor([true, false, true]), torch.arange(9, { dtype: 'float32' })),
      ],
    ];
    for (const [name, op] of ops) {
      const before = x._version;
      expect(op(), name).toBe(x);
      expect(x._version, name).toBe(before + 1);
    }
  });

  it('write back through non-contiguous views into the base', () => {
    const base = torch.zeros(4, 3);
    const view = base.t(); // 3 x 4, strides [1, 3]
    view.scatter_(1, long([[3], [0], [1]]), torch.tensor([[1], [2], [3]], { dtype: 'float32' }));
    expect(base.tolist()).toEqual([
      [0, 2, 0],
      [0, 0, 3],
      [0, 0, 0],
      [1, 0, 0],
    ]);
    view.indexFill_(0, long([2]), 7);
    expect(base.get(':', 2).tolist()).toEqual([7, 7, 7, 7]);
  });

  it('read the source before writing when it overlaps the destination', () => {
    const x = torch.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float32' },
    );
    x.scatter_(
      0,
      long([
        [1, 1, 1],
        [0, 0, 0],
      ]),
      x,
    );
    expect(x.tolist()).toEqual([
      [4, 5, 6],
      [1, 2, 3],
    ]);
    const y = torch.arange(4, { dtype: 'float32' });
    y.indexCopy_(0, long([3, 2, 1, 0]), y);
    expect(y.tolist()).toEqual([3, 2, 1, 0]);
  });
});

describe('exact int64', () => {
  const big = 2n ** 60n + 3n;

  it('gather, scatterAdd and indexSelect keep int64 values beyond 2^53', () => {
    const x = torch.tensor([
      [big, 1n],
      [2n, -big],
    ]);
    const gathered = torch.gather(
      x,
      1,
      long([
        [0, 0],
        [1, 0],
      ]),
    );
    expect(Array.from(torch.toTypedArray(gathered) as BigInt64Array)).toEqual([big, big, -big, 2n]);
    const summed = torch.scatterAdd(
      torch.zeros(2, { dtype: 'int64' }),
      0,
      long([0, 0, 1, 1]),
      torch.tensor([big, big, -big, 1n]),
    );
    expect(Array.from(torch.toTypedArray(summed) as BigInt64Array)).toEqual([2n * big, -big + 1n]);
    const selected = torch.indexSelect(x, 0, torch.tensor([1], { dtype: 'int32' }));
    expect(Array.from(torch.toTypedArray(selected) as BigInt64Array)).toEqual([2n, -big]);
  });

  it('int64 overflow wraps like C (scatter multiply)', () => {
    const x = torch.tensor([2n ** 62n]);
    const out = torch.scatter(x, 0, long([0]), torch.tensor([4n]), { reduce: 'multiply' });
    expect((torch.toTypedArray(out) as BigInt64Array)[0]).toBe(0n);
  });
});

describe('semantics beyond the goldens', () => {
  it('maskedScatter fills masked positions in row-major order, also for non-contiguous inputs', () => {
    // PyTorch's documented order (its CPU kernel follows memory order for transposed inputs; CUDA row-major).
    const x = torch.zeros(3, 2).t(); // 2 x 3
    x.maskedScatter_(torch.tensor([true, false, true]), torch.tensor([1, 2, 3, 4], { dtype: 'float32' }));
    expect(x.tolist()).toEqual([
      [1, 0, 2],
      [3, 0, 4],
    ]);
  });

  it('indexAdd broadcasts source slices into the destination slices', () => {
    const out = torch.indexAdd(torch.zeros(3, 2), 0, long([2]), torch.tensor([[5]], { dtype: 'float32' }));
    expect(out.tolist()).toEqual([
      [0, 0],
      [0, 0],
      [5, 5],
    ]);
  });

  it('scatterReduce amax/amin on integers use the dtype range as identity', () => {
    const x = torch.tensor([10, 10], { dtype: 'int8' });
    const src = torch.tensor([-100, 100], { dtype: 'int8' });
    expect(torch.scatterReduce(x, 0, long([0, 1]), src, 'amax', { includeSelf: false }).tolist()).toEqual([
      -100, 100,
    ]);
    expect(torch.scatterReduce(x, 0, long([0, 1]), src, 'amin', { includeSelf: false }).tolist()).toEqual([
      -100, 100,
    ]);
  });

  it('takeAlongDim with argsort-like indices matches sorting', () => {
    const x = torch.tensor(
      [
        [3, 1, 2],
        [0, 5, -1],
      ],
      { dtype: 'float32' },
    );
    const order = long([
      [1, 2, 0],
      [2, 0, 1],
    ]);
    expect(x.takeAlongDim(order, 1).tolist()).toEqual([
      [1, 2, 3],
      [-1, 0, 5],
    ]);
  });

  it('nonzero handles larger inputs and all dtypes', () => {
    const n = 10000;
    const x = torch.arange(n).remainder(7).eq(0);
    const rows = torch.nonzero(x);
    expect(rows.shape).toEqual([Math.ceil(n / 7), 1]);
    expect(rows.get(-1, 0).item()).toBe(Math.floor((n - 1) / 7) * 7);
    for (const dtype of torch.DTYPES) {
      const t = torch.tensor([0, 1, 0, 1], { dtype });
      expect(torch.argwhere(t).reshape(-1).tolist(), dtype).toEqual([1, 3]);
    }
  });
});
