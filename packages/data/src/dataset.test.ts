import { readFileSync } from 'node:fs';
import { arange, Generator, IndexError, tensor, ValueError } from '@proj/tensor';
import { describe, expect, it } from 'vitest';
import {
  ChainDataset,
  ConcatDataset,
  Dataset,
  IterableDataset,
  randomSplit,
  StackDataset,
  Subset,
  TensorDataset,
} from './index.js';

const goldens = JSON.parse(readFileSync(new URL('../fixtures/samplers.json', import.meta.url), 'utf8'));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

class Named extends Dataset<string> {
  constructor(
    readonly name: string,
    readonly n: number,
  ) {
    super();
  }
  get length() {
    return this.n;
  }
  getItem(i: number) {
    if (i < 0 || i >= this.n) throw new IndexError(`${i}`);
    return `${this.name}${i}`;
  }
}

class Counter extends IterableDataset<number> {
  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    super();
  }
  *[Symbol.iterator]() {
    for (let i = this.from; i < this.to; i++) yield i;
  }
  get length() {
    return this.to - this.from;
  }
}

describe('TensorDataset', () => {
  it('indexes every tensor along the first dimension', () => {
    const x = arange(12, { dtype: 'float32' }).view(4, 3);
    const y = tensor([0, 1, 0, 1]);
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(4);
    const [xi, yi] = ds.getItem(2);
    expect(xi!.tolist()).toEqual([6, 7, 8]);
    expect(yi!.item()).toBe(0);
    expect(ds.getItem(-1)[0]!.tolist()).toEqual([9, 10, 11]);
    expect(() => ds.getItem(4)).toThrow(IndexError);
  });

  it('rejects tensors of different lengths', () => {
    expect(() => new TensorDataset(arange(3), arange(4))).toThrow(
      new ValueError('Size mismatch between tensors'),
    );
  });
});

describe('ConcatDataset', () => {
  const g = goldens.concat;
  const ds = new ConcatDataset(g.names.map((name: string, i: number) => new Named(name, g.sizes[i])));

  it('has PyTorch cumulative sizes and index mapping, negative indices included', () => {
    expect(ds.cumulativeSizes).toEqual(g.cumulative_sizes);
    for (const [index, item] of Object.entries(g.items)) expect(ds.getItem(Number(index))).toBe(item);
  });

  it('rejects out-of-range indices and bad inputs', () => {
    expect(() => ds.getItem(-10)).toThrow(
      new ValueError('absolute value of index should not exceed dataset length'),
    );
    expect(() => ds.getItem(9)).toThrow(IndexError);
    expect(() => new ConcatDataset([])).toThrow('datasets should not be an empty iterable');
    expect(() => new ConcatDataset([new Counter(0, 2) as never])).toThrow(
      'ConcatDataset does not support IterableDataset',
    );
  });

  it('is what adding datasets gives', () => {
    const sum = new Named('a', 2).add(new Named('b', 1));
    expect(sum).toBeInstanceOf(ConcatDataset);
    expect(range(3).map((i) => sum.getItem(i))).toEqual(['a0', 'a1', 'b0']);
    expect(new ConcatDataset([[1, 2], [3]]).getItem(2)).toBe(3);
  });
});

describe('ChainDataset', () => {
  it('chains iterable datasets, also through add', () => {
    const chain = new Counter(0, 2).add(new Counter(10, 12));
    expect(chain).toBeInstanceOf(ChainDataset);
    expect([...(chain as unknown as Iterable<number>)]).toEqual([0, 1, 10, 11]);
    expect(chain.length).toBe(4);
  });

  it('iterates asynchronously too', async () => {
    const out: number[] = [];
    for await (const x of new ChainDataset<number>([new Counter(0, 2), new Counter(5, 6)])) out.push(x);
    expect(out).toEqual([0, 1, 5]);
  });

  it('rejects map-style members', () => {
    expect(() => [...new ChainDataset([new Named('a', 1) as never])]).toThrow(
      'ChainDataset only supports IterableDataset',
    );
  });
});

describe('Subset', () => {
  it('maps indices into the dataset', () => {
    const subset = new Subset(new Named('a', 10), [7, 2, 5]);
    expect(subset.length).toBe(3);
    expect([0, 1, 2, -1].map((i) => subset.getItem(i))).toEqual(['a7', 'a2', 'a5', 'a5']);
    expect(subset.getItems([2, 0])).toEqual(['a5', 'a7']);
    expect(() => subset.getItem(3)).toThrow(IndexError);
  });
});

describe('StackDataset', () => {
  it('zips datasets as tuples or as named samples', () => {
    const tuples = new StackDataset(new Named('a', 3), ['x', 'y', 'z']);
    expect(tuples.getItem(1)).toEqual(['a1', 'y']);
    const named = new StackDataset({ image: new Named('img', 2), label: [0, 1] });
    expect(named.getItem(1)).toEqual({ image: 'img1', label: 1 });
    expect(named.length).toBe(2);
  });

  it('rejects mismatched or missing datasets', () => {
    expect(() => new StackDataset(new Named('a', 3), [1])).toThrow('Size mismatch between datasets');
    expect(() => new StackDataset()).toThrow('At least one dataset should be passed');
  });
});

describe('randomSplit', () => {
  it.each(goldens.random_split as any[])('matches PyTorch: n=$n lengths=$lengths', (c) => {
    const splits = randomSplit(range(c.n), c.lengths, new Generator().manualSeed(c.seed));
    expect(splits.map((s) => range(s.length).map((i) => s.getItem(i)))).toEqual(c.splits);
  });

  it('rejects lengths that do not add up', () => {
    expect(() => randomSplit(range(5), [2, 2])).toThrow(
      new ValueError('Sum of input lengths does not equal the length of the input dataset!'),
    );
    expect(() => randomSplit(range(5), [1.5, -0.5])).toThrow('Fraction at index 0 is not between 0 and 1');
  });
});
