import { readFileSync } from 'node:fs';
import { backward } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from '../index.js';

interface SparseJson {
  indices: number[][];
  values: number[][];
  size: number[];
  coalesced: boolean;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/sparse-embedding.json', import.meta.url), 'utf8'),
) as {
  embedding: {
    paddingIdx: number | null;
    weight: number[][];
    input: number[][];
    upstream: number[][][];
    output: number[][][];
    grad: SparseJson;
    gradDense: number[][];
  }[];
  embeddingBag: {
    mode: 'sum' | 'mean';
    weight: number[][];
    input: number[];
    offsets: number[];
    perSampleWeights: number[] | null;
    upstream: number[][];
    output: number[][];
    gradDense: number[][];
    nnz: number;
  }[];
};

function expectClose(actual: Tensor, expected: unknown): void {
  const e = torch.tensor(expected as number[]);
  expect(actual.shape).toEqual(e.shape);
  expect(torch.allclose(actual, e, { rtol: 1e-5, atol: 1e-6 }), `${actual}\n!=\n${e}`).toBe(true);
}

describe('Embedding({ sparse: true }): PyTorch goldens', () => {
  it.each(fixture.embedding.map((c) => [String(c.paddingIdx), c] as const))('paddingIdx %s', (_, c) => {
    const layer = new nn.Embedding(c.weight.length, c.weight[0]!.length, {
      paddingIdx: c.paddingIdx,
      sparse: true,
      weight: torch.tensor(c.weight),
    });
    const output = layer.call(torch.tensor(c.input)) as Tensor;
    expectClose(output, c.output);
    output.mul(torch.tensor(c.upstream)).sum().backward();
    const grad = layer.weight.grad!;
    expect(grad.isSparse).toBe(true);
    expect(grad.isCoalesced()).toBe(false);
    // The same entries as PyTorch's sparse gradient: one per index looked up, padding left out.
    expect(grad._indices().tolist()).toEqual(c.grad.indices);
    expectClose(grad._values(), c.grad.values);
    expect(grad.shape).toEqual(c.grad.size);
    expectClose(grad.toDense(), c.gradDense);
  });
});

describe('EmbeddingBag({ sparse: true }): PyTorch goldens', () => {
  it.each(fixture.embeddingBag.map((c) => [`${c.mode}${c.perSampleWeights ? ' weighted' : ''}`, c] as const))(
    '%s',
    (_, c) => {
      const bag = new nn.EmbeddingBag(c.weight.length, c.weight[0]!.length, {
        mode: c.mode,
        sparse: true,
        weight: torch.tensor(c.weight),
      });
      const output = bag.call(
        torch.tensor(c.input),
        torch.tensor(c.offsets),
        c.perSampleWeights === null ? null : torch.tensor(c.perSampleWeights),
      ) as Tensor;
      expectClose(output, c.output);
      output.mul(torch.tensor(c.upstream)).sum().backward();
      const grad = bag.weight.grad!;
      expect(grad.isSparse).toBe(true);
      expect(grad._nnz()).toBe(c.nnz);
      expectClose(grad.toDense(), c.gradDense);
    },
  );

  it('checks the shape of a given weight, as Embedding does', () => {
    expect(() => new nn.EmbeddingBag(5, 2, { weight: torch.zeros([4, 2]) })).toThrow(
      'Shape of weight does not match num_embeddings and embedding_dim',
    );
  });

  it('rejects max mode with sparse weights, as PyTorch does', () => {
    const bag = new nn.EmbeddingBag(5, 2, { mode: 'max', sparse: true });
    expect(() => bag.call(torch.tensor([[1, 2]]))).toThrow('max mode does not support sparse weights');
  });
});

describe('sparse embedding gradients', () => {
  it('hold memory for the rows looked up only', () => {
    const layer = new nn.Embedding(100_000, 16, { sparse: true });
    (layer.call(torch.tensor([3, 99_999, 3])) as Tensor).sum().backward();
    const grad = layer.weight.grad!;
    expect(grad._values().shape).toEqual([3, 16]);
    expect(grad._indices().shape).toEqual([1, 3]);
    expect(grad.shape).toEqual([100_000, 16]);
  });

  it('accumulate over backward calls and with dense gradients', () => {
    const weight = torch.randn([6, 2]);
    const layer = new nn.Embedding(6, 2, { sparse: true, weight: weight.clone() });
    (layer.call(torch.tensor([1, 2])) as Tensor).sum().backward();
    (layer.call(torch.tensor([2, 5])) as Tensor).sum().backward();
    const sparseGrad = layer.weight.grad!;
    expect(sparseGrad.isSparse).toBe(true);
    expect(sparseGrad.toDense().select(1, 0).tolist()).toEqual([0, 1, 2, 0, 0, 1]);
    // A dense gradient on top turns .grad dense, summing both.
    layer.weight.mul(2).sum().backward();
    expect(layer.weight.grad!.isSparse).toBe(false);
    expect(layer.weight.grad!.select(1, 0).tolist()).toEqual([2, 3, 4, 2, 2, 3]);
  });

  it('sum with a dense gradient meeting at the same weight in one graph', () => {
    const layer = new nn.Embedding(4, 2, { sparse: true });
    const looked = layer.call(torch.tensor([0, 3])) as Tensor;
    backward([looked.sum().add(layer.weight.sum())]);
    const grad = layer.weight.grad!;
    expect(grad.isSparse).toBe(false);
    expect(grad.select(1, 1).tolist()).toEqual([2, 1, 1, 2]);
  });

  it('clip by norm, zero in place, and fail on scaleGradByFreq in backward like PyTorch', () => {
    const layer = new nn.Embedding(5, 2, { sparse: true });
    (layer.call(torch.tensor([0, 0, 4])) as Tensor).sum().backward();
    // Dense view of the gradient: rows 0 (twice) and 4 -> norm sqrt(4 + 4 + 1 + 1).
    const norm = nn.utils.clipGradNorm_(layer.parameters(), 1);
    expect(Number(norm.item())).toBeCloseTo(Math.sqrt(10), 5);
    expect(Number(layer.weight.grad!.toDense().norm().item())).toBeCloseTo(1, 4);
    expect(Number(nn.utils.clipGradNorm_(layer.parameters(), 10, { normType: Infinity }).item())).toBeCloseTo(
      2 / Math.sqrt(10),
      5,
    );
    layer.zeroGrad({ setToNone: false });
    expect(layer.weight.grad!.isSparse).toBe(true);
    expect(layer.weight.grad!._nnz()).toBe(0);

    const scaled = new nn.Embedding(5, 2, { sparse: true, scaleGradByFreq: true });
    const out = scaled.call(torch.tensor([1])) as Tensor;
    expect(() => out.sum().backward()).toThrow(
      'embedding_backward: scale_grad_by_freq not supported with sparse gradients',
    );
  });

  it('prints sparse=True in the module repr', () => {
    expect(String(new nn.Embedding(5, 2, { sparse: true }))).toBe('Embedding(5, 2, sparse=True)');
  });
});
