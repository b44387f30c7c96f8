import { arange, RuntimeError, Tensor, tensor } from '@proj/tensor';
import { describe, expect, it } from 'vitest';
import { collate, defaultCollate, defaultConvert, pinMemory } from './index.js';

describe('defaultCollate', () => {
  it('stacks tensors into a new first dimension', () => {
    const batch = defaultCollate([
      tensor([1, 2], { dtype: 'float32' }),
      tensor([3, 4], { dtype: 'float32' }),
    ]);
    expect(batch.shape).toEqual([2, 2]);
    expect(batch.dtype).toBe('float32');
    expect(batch.tolist()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('turns numbers into int64 or float64 tensors, booleans into bool, keeps strings', () => {
    const ints = defaultCollate([0, 1, 2]);
    expect([ints.dtype, ints.tolist()]).toEqual(['int64', [0, 1, 2]]);
    const floats = defaultCollate([0.5, 1, 2]);
    expect([floats.dtype, floats.tolist()]).toEqual(['float64', [0.5, 1, 2]]);
    expect(defaultCollate([true, false]).dtype).toBe('bool');
    expect(defaultCollate([3n, 4n]).dtype).toBe('int64');
    expect(defaultCollate(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('collates objects, tuples and Maps element-wise (PyTorch docstring examples)', () => {
    const dict = defaultCollate([
      { A: 0, B: 1 },
      { A: 100, B: 100 },
    ]);
    expect(dict.A.tolist()).toEqual([0, 100]);
    expect(dict.B.tolist()).toEqual([1, 100]);
    const pairs = defaultCollate([
      [tensor([1.5]), 0],
      [tensor([2.5]), 1],
    ] as [Tensor, number][]);
    expect(pairs[0].tolist()).toEqual([[1.5], [2.5]]);
    expect(pairs[1].tolist()).toEqual([0, 1]);
    const maps = defaultCollate([new Map([['x', 1]]), new Map([['x', 2]])]);
    expect((maps.get('x') as Tensor).tolist()).toEqual([1, 2]);
    const nested = defaultCollate([{ a: [1, 'p'] }, { a: [2, 'q'] }]) as unknown as { a: [Tensor, string[]] };
    expect(nested.a[0].tolist()).toEqual([1, 2]);
    expect(nested.a[1]).toEqual(['p', 'q']);
  });

  it('turns typed arrays into stacked tensors', () => {
    const batch = defaultCollate([new Uint8Array([1, 2]), new Uint8Array([3, 4])]);
    expect([batch.dtype, batch.shape]).toEqual(['uint8', [2, 2]]);
  });

  it('rejects ragged lists and unsupported elements with PyTorch messages', () => {
    expect(() => defaultCollate([[1, 2], [3]])).toThrow(
      new RuntimeError('each element in list of batch should be of equal size'),
    );
    expect(() => defaultCollate([null, null])).toThrow(
      'default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found null',
    );
    expect(() => defaultCollate([tensor([1, 2]), tensor([1])])).toThrow(
      'stack expects each tensor to be equal size',
    );
  });

  it('lets a collateFnMap handle custom element types', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const map = new Map([[Point, (batch: unknown[]) => (batch as Point[]).map((p) => p.x * 10)]]);
    expect(collate([{ p: new Point(1) }, { p: new Point(2) }], { collateFnMap: map })).toEqual({
      p: [10, 20],
    });
  });
});

describe('defaultConvert', () => {
  it('converts typed arrays (sharing memory) and walks containers, leaving numbers alone', () => {
    const data = new Float32Array([1, 2]);
    const converted = defaultConvert({ x: data, n: 3, s: ['a'] }) as { x: Tensor; n: number; s: string[] };
    expect(converted.x).toBeInstanceOf(Tensor);
    data[0] = 5;
    expect(converted.x.tolist()).toEqual([5, 2]);
    expect(converted.n).toBe(3);
    expect(converted.s).toEqual(['a']);
    const t = arange(3);
    expect(defaultConvert(t)).toBe(t);
  });
});

describe('pinMemory', () => {
  it('is a no-op without a GPU backend', () => {
    const batch = { x: arange(3) };
    expect(pinMemory(batch)).toBe(batch);
  });
});
