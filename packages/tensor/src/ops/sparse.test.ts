import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../index.js';
import type { Tensor } from '../tensor.js';

interface SparseJson {
  indices: number[][];
  values: unknown;
  size: number[];
  coalesced: boolean;
  dtype: string;
}
interface Case {
  name: string;
  input?: SparseJson | unknown[] | string;
  a?: string;
  b?: string;
  alpha?: number;
  coalesceFirst?: boolean;
  out?: unknown;
  outCoalesced?: boolean;
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/sparse.json', import.meta.url), 'utf8')) as {
  cases: Case[];
  reprs: Record<string, string>;
};

const inputs = new Map<string, Tensor>();
for (const c of fixture.cases) {
  if (!c.name.startsWith('input ')) continue;
  const label = c.name.slice('input '.length);
  const input = c.input as SparseJson | unknown[];
  inputs.set(
    label,
    Array.isArray(input)
      ? torch.tensor(input as number[][])
      : torch.sparseCooTensor(
          torch.tensor(input.indices),
          torch.tensor(input.values as number[]),
          input.size,
        ),
  );
}
const get = (label: string) => inputs.get(label)!;

function expectClose(actual: unknown, expected: unknown): void {
  const a = torch.tensor(actual as number[]);
  const e = torch.tensor(expected as number[]);
  expect(a.shape).toEqual(e.shape);
  expect(torch.allclose(a, e, { rtol: 1e-5, atol: 1e-6 }), `${a}\n!=\n${e}`).toBe(true);
}

function expectSparse(actual: Tensor, expected: SparseJson, exactLayout = true): void {
  expect(actual.isSparse).toBe(true);
  expect(actual.shape).toEqual(expected.size);
  if (exactLayout) {
    expect(actual._indices().tolist()).toEqual(expected.indices);
    expectClose(actual._values().tolist(), expected.values);
    expect(actual.isCoalesced()).toBe(expected.coalesced);
  }
}

describe('sparse COO tensors: PyTorch goldens', () => {
  const cases = fixture.cases.filter((c) => !c.name.startsWith('input '));
  it.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const op = name.split(' ')[0]!;
    const x = typeof c.input === 'string' ? get(c.input) : null;
    switch (op) {
      case 'coalesce':
        return expectSparse(x!.coalesce(), c.out as SparseJson);
      case 'toDense':
        return expectClose(x!.toDense().tolist(), c.out);
      case 'norm':
        return expect(Number(x!.norm().item())).toBeCloseTo(c.out as number, 5);
      case 'pow': {
        const result = x!.pow(2);
        expect(result.isCoalesced()).toBe(c.outCoalesced);
        return expectClose(result.toDense().tolist(), c.out);
      }
      case 'neg':
        return expectClose(x!.neg().toDense().tolist(), c.out);
      case 'mul2':
        return expectClose(x!.mul(2.5).toDense().tolist(), c.out);
      case 'div':
        return expectClose(x!.div(4).toDense().tolist(), c.out);
      case 'add': {
        const a = c.coalesceFirst ? get(c.a!).coalesce() : get(c.a!);
        const b = c.coalesceFirst ? get(c.b!).coalesce() : get(c.b!);
        return expectSparse(a.add(b), c.out as SparseJson);
      }
      case 'sub':
        return expectClose(get(c.a!).sub(get(c.b!), { alpha: c.alpha }).toDense().tolist(), c.out);
      case 'dense': {
        const a = get(c.a!);
        const result = name.startsWith('dense add') ? a.add(get(c.b!), { alpha: c.alpha }) : a.sub(get(c.b!));
        expect(result.isSparse).toBe(false);
        return expectClose(result.tolist(), c.out);
      }
      case 'mul': {
        const result = get(c.a!).mul(get(c.b!));
        expect(result.isSparse).toBe(true);
        return expectClose(result.toDense().tolist(), c.out);
      }
      case 'sparseMask':
        return expectSparse(get(c.a!).sparseMask(get(c.b!).coalesce()), c.out as SparseJson);
      case 'toSparse':
      case 'toSparse1': {
        const d = get(c.input as string);
        const positive = d.mul(d.gt(0));
        return expectSparse(
          name.startsWith('toSparse1') ? positive.toSparse(1) : positive.toSparse(),
          c.out as SparseJson,
        );
      }
      default:
        throw new Error(`unknown case ${name}`);
    }
  });

  it('prints like PyTorch', () => {
    const s = torch.sparseCooTensor(
      torch.tensor([[0, 2, 0]]),
      torch
        .tensor([
          [1, 2],
          [3, 4],
          [5, 6],
        ])
        .float(),
      [4, 2],
    );
    expect(String(s)).toBe(fixture.reprs.a1);
    expect(String(s.coalesce())).toBe(fixture.reprs.coalesced);
    expect(
      String(torch.sparseCooTensor(torch.zeros([1, 0], { dtype: 'int64' }), torch.zeros([0, 2]), [4, 2])),
    ).toBe(fixture.reprs.empty);
    expect(
      String(
        torch.sparseCooTensor(
          torch.tensor([
            [0, 1],
            [1, 0],
          ]),
          torch.tensor([1, 2]),
          [2, 2],
          { dtype: 'float64' },
        ),
      ),
    ).toBe(fixture.reprs.float64);
    expect(String(torch.sparseCooTensor(torch.tensor([[0, 3]]), torch.tensor([1.5, -2]), [5]))).toBe(
      fixture.reprs.vector,
    );
  });
});

describe('sparse COO tensors: behaviour', () => {
  const s = () => torch.sparseCooTensor(torch.tensor([[0, 2, 0]]), torch.ones([3, 2]), [4, 2]);

  it('in-place ops keep the tensor object and bump its version', () => {
    const a = s();
    const version = a._version;
    expect(a.add_(s())).toBe(a);
    expect(a._version).toBeGreaterThan(version);
    expect(a.toDense().tolist()).toEqual([
      [4, 4],
      [0, 0],
      [2, 2],
      [0, 0],
    ]);
    a.mul_(0.5);
    expect(a.toDense().sum().item()).toBe(6);
    a.zero_();
    expect(a._nnz()).toBe(0);
    expect(a.toDense().abs().sum().item()).toBe(0);
  });

  it('dense += sparse writes in place, with alpha; dense -= sparse too', () => {
    const d = torch.zeros([4, 2]);
    expect(d.add_(s(), { alpha: 2 })).toBe(d);
    expect(d.tolist()).toEqual([
      [4, 4],
      [0, 0],
      [2, 2],
      [0, 0],
    ]);
    d.sub_(s());
    expect(d.sum().item()).toBe(6);
  });

  it('clone copies, detach shares, to converts the values', () => {
    const a = s();
    const c = a.clone();
    expect(c._values()).not.toBe(a._values());
    expect(c.toDense().tolist()).toEqual(a.toDense().tolist());
    const d = a.detach();
    expect(d.isSparse).toBe(true);
    expect(d._indices()).toBe(a._indices());
    const f64 = a.to('float64');
    expect(f64.dtype).toBe('float64');
    expect(f64.isSparse).toBe(true);
    expect(a.layout).toBe('sparse_coo');
    expect(torch.ones(2).layout).toBe('strided');
    expect(a.sparseDim()).toBe(1);
    expect(a.denseDim()).toBe(1);
  });

  it('infers the size from the largest indices', () => {
    const t = torch.sparseCooTensor(torch.tensor([[0, 2, 0]]), torch.ones([3, 2]));
    expect(t.shape).toEqual([3, 2]);
    // int32 indices are accepted and converted, as PyTorch does.
    expect(
      torch.sparseCooTensor(torch.tensor([[1]], { dtype: 'int32' }), torch.ones([1]))._indices().dtype,
    ).toBe('int64');
  });

  it("rejects bad construction with PyTorch's messages", () => {
    const i = torch.tensor([[0, 2, 0]]);
    const v = torch.ones([3, 2]);
    expect(() => torch.sparseCooTensor(i, v.narrow(0, 0, 2), [4, 2])).toThrow(
      'indices and values must have same nnz, but got nnz from indices: 3, nnz from values: 2',
    );
    expect(() => torch.sparseCooTensor(i, v, [2, 2])).toThrow(
      'size is inconsistent with indices: for dim 0, size is 2 but found index 2',
    );
    expect(() => torch.sparseCooTensor(torch.tensor([[-1]]), v.narrow(0, 0, 1), [2, 2])).toThrow(
      'found negative index -1 for dim 0',
    );
    expect(() => torch.sparseCooTensor(torch.tensor([0, 1]), v.narrow(0, 0, 2), [2, 2])).toThrow(
      'indices must be sparse_dim x nnz, but got: [2]',
    );
    expect(() => torch.sparseCooTensor(i, v, [4])).toThrow(
      'number of dimensions must be sparse_dim (1) + dense_dim (1), but got 1',
    );
    expect(() => torch.sparseCooTensor(i, v, [4, 3])).toThrow(
      'values has incorrect size, expected [3, 3], got [3, 2]',
    );
    expect(() => torch.sparseCooTensor(i.float(), v, [4, 2])).toThrow('indices must be an int64 tensor');
  });

  it("rejects unsupported combinations with PyTorch's messages, changing nothing", () => {
    const a = s();
    const before = a.toDense().tolist();
    expect(() => a.add(torch.ones([4, 2]))).toThrow(
      'add(sparse, dense) is not supported. Use add(dense, sparse) instead.',
    );
    expect(() => a.add_(torch.ones([4, 2]))).toThrow('add(sparse, dense) is not supported');
    expect(() => torch.ones([5, 2]).add(a)).toThrow(
      "add: expected 'self' and 'other' to have same size, but self has size [5, 2] while other has size [4, 2] (FYI: dense-sparse addition does not currently support broadcasting)",
    );
    expect(() => a.add(torch.sparseCooTensor(torch.tensor([[0]]), torch.ones([1, 2]), [5, 2]))).toThrow(
      "add: expected sizes of 'self' and 'other' to match, but [4, 2] != [5, 2]",
    );
    expect(() => a.pow(0)).toThrow(
      'pow: cannot raise to zeroth power on sparse tensor; it would make the result tensor dense',
    );
    expect(() => a.exp()).toThrow("Could not run 'aten::exp' with arguments from the 'SparseCPU' backend");
    expect(() => a.sum()).toThrow("Could not run 'aten::sum' with arguments from the 'SparseCPU' backend");
    expect(() => a.indices()).toThrow(
      'Cannot get indices on an uncoalesced tensor, please call .coalesce() first',
    );
    expect(() => a.stride()).toThrow('Sparse CPU tensors do not have strides');
    expect(() => a.tolist()).toThrow('SparseCPU');
    expect(() => torch.ones([4, 2]).sparseMask(a)).toThrow('sparse_mask: mask is uncoalesced');
    expect(() => a.requiresGrad_()).toThrow('sparse tensors cannot require grad');
    expect(a.toDense().tolist()).toEqual(before);
  });

  it('saves and loads through serialize/deserialize', () => {
    const a = s();
    const restored = torch.deserialize(torch.serialize({ grad: a, dense: torch.ones(2) })) as Record<
      string,
      Tensor
    >;
    expect(restored.grad!.isSparse).toBe(true);
    expect(restored.grad!._indices().tolist()).toEqual(a._indices().tolist());
    expect(restored.grad!.toDense().tolist()).toEqual(a.toDense().tolist());
    expect(restored.grad!.isCoalesced()).toBe(false);
    expect(restored.dense!.tolist()).toEqual([1, 1]);
  });
});
