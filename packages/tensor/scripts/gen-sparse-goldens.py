"""Goldens for sparse COO tensors (packages/tensor/src/ops/sparse.test.ts) and sparse embedding gradients
(packages/nn/src/functional/sparse-embedding.test.ts). Run: /usr/bin/python3 gen-sparse-goldens.py"""
import json
import os

import torch

torch.manual_seed(0)
cases = []


def dense(t):
    return t.to_dense().tolist() if t.is_sparse else t.tolist()


def sp(t):
    return {'indices': t._indices().tolist(), 'values': t._values().tolist(), 'size': list(t.shape),
            'coalesced': t.is_coalesced(), 'dtype': str(t.dtype).replace('torch.', '')}


def add_case(name, **kw):
    kw['name'] = name
    cases.append(kw)


# Uncoalesced inputs with duplicates, one and two sparse dims, with and without dense dims.
a1 = torch.sparse_coo_tensor(torch.tensor([[3, 0, 3, 5, 0]]), torch.randn(5, 3), (6, 3))
b1 = torch.sparse_coo_tensor(torch.tensor([[1, 3, 1]]), torch.randn(3, 3), (6, 3))
a2 = torch.sparse_coo_tensor(torch.tensor([[0, 2, 0, 1], [1, 0, 1, 3]]), torch.randn(4), (3, 4))
b2 = torch.sparse_coo_tensor(torch.tensor([[2, 1], [0, 1]]), torch.randn(2), (3, 4))
a3 = torch.sparse_coo_tensor(torch.tensor([[1, 0, 1], [2, 2, 2]]), torch.randn(3, 2), (2, 3, 2))
d1 = torch.randn(6, 3)
d2 = torch.randn(3, 4)
d3 = torch.randn(2, 3, 2)

for label, s in [('a1', a1), ('b1', b1), ('a2', a2), ('b2', b2), ('a3', a3)]:
    add_case('input ' + label, input=sp(s))
    add_case('coalesce ' + label, input=label, out=sp(s.coalesce()))
    add_case('toDense ' + label, input=label, out=dense(s))
    add_case('norm ' + label, input=label, out=s.norm().item())
    add_case('pow ' + label, input=label, out=dense(s.pow(2)), outCoalesced=s.pow(2).is_coalesced())
    add_case('neg ' + label, input=label, out=dense(-s))
    add_case('mul2 ' + label, input=label, out=dense(s * 2.5))
    add_case('div ' + label, input=label, out=dense(s / 4))

add_case('input d1', input=d1.tolist())
add_case('input d2', input=d2.tolist())
add_case('input d3', input=d3.tolist())
for x, y, dd in [('a1', 'b1', 'd1'), ('a2', 'b2', 'd2')]:
    sx, sy, sd = {'a1': a1, 'a2': a2}[x], {'b1': b1, 'b2': b2}[y], {'d1': d1, 'd2': d2}[dd]
    add_case(f'add {x} {y}', a=x, b=y, out=sp(sx + sy))
    add_case(f'add coalesced {x} {y}', a=x, b=y, coalesceFirst=True, out=sp(sx.coalesce() + sy.coalesce()))
    add_case(f'sub alpha {x} {y}', a=x, b=y, alpha=0.5, out=dense(torch.sub(sx, sy, alpha=0.5)))
    add_case(f'dense add {dd} {y}', a=dd, b=y, alpha=-2.0, out=dense(torch.add(sd, sy, alpha=-2.0)))
    add_case(f'dense sub {dd} {x}', a=dd, b=x, out=dense(sd - sx))
    add_case(f'mul dense {x} {dd}', a=x, b=dd, out=dense(sx * sd))
    add_case(f'mul sparse {x} {y}', a=x, b=y, out=dense(sx * sy))
    add_case(f'mul self {x}', a=x, b=x, out=dense(sx * sx))
    add_case(f'sparseMask {dd} {x}', a=dd, b=x, out=sp(sd.sparse_mask(sx.coalesce())))
add_case('toSparse d3', input='d3', out=sp((d3 * (d3 > 0)).to_sparse()))
add_case('toSparse1 d3', input='d3', out=sp((d3 * (d3 > 0)).to_sparse(1)))

reprs = {
    'a1': repr(torch.sparse_coo_tensor(torch.tensor([[0, 2, 0]]), torch.tensor([[1., 2.], [3., 4.], [5., 6.]]), (4, 2))),
    'coalesced': repr(torch.sparse_coo_tensor(torch.tensor([[0, 2, 0]]), torch.tensor([[1., 2.], [3., 4.], [5., 6.]]), (4, 2)).coalesce()),
    'empty': repr(torch.sparse_coo_tensor(torch.zeros(1, 0, dtype=torch.long), torch.zeros(0, 2), (4, 2))),
    'float64': repr(torch.sparse_coo_tensor(torch.tensor([[0, 1], [1, 0]]), torch.tensor([1., 2.]), (2, 2), dtype=torch.float64)),
    'vector': repr(torch.sparse_coo_tensor(torch.tensor([[0, 3]]), torch.tensor([1.5, -2.]), (5,))),
}

# Embedding gradients: the sparse gradient PyTorch builds (indices, values before coalescing).
emb_cases = []
for padding_idx, scale in [(None, False), (2, False), (-1, False)]:
    torch.manual_seed(1)
    e = torch.nn.Embedding(7, 3, padding_idx=padding_idx, scale_grad_by_freq=scale, sparse=True)
    idx = torch.tensor([[1, 2, 1, 4], [0, 2, 6, 1]])
    w = e.weight.detach().clone()
    upstream = torch.randn(2, 4, 3)
    out = e(idx)
    (out * upstream).sum().backward()
    g = e.weight.grad
    emb_cases.append({'paddingIdx': padding_idx, 'scaleGradByFreq': scale, 'weight': w.tolist(),
                      'input': idx.tolist(), 'upstream': upstream.tolist(), 'output': out.tolist(),
                      'grad': sp(g), 'gradDense': g.to_dense().tolist()})

bag_cases = []
for mode, psw in [('sum', False), ('mean', False), ('sum', True)]:
    torch.manual_seed(2)
    eb = torch.nn.EmbeddingBag(6, 3, mode=mode, sparse=True)
    w = eb.weight.detach().clone()
    idx = torch.tensor([0, 2, 4, 2, 5, 1, 1])
    offsets = torch.tensor([0, 3, 3, 5])
    weights = torch.rand(7) if psw else None
    out = eb(idx, offsets, per_sample_weights=weights)
    upstream = torch.randn(out.shape)
    (out * upstream).sum().backward()
    g = eb.weight.grad
    bag_cases.append({'mode': mode, 'weight': w.tolist(), 'input': idx.tolist(), 'offsets': offsets.tolist(),
                      'perSampleWeights': None if weights is None else weights.tolist(),
                      'upstream': upstream.tolist(), 'output': out.tolist(),
                      'gradDense': g.to_dense().tolist(), 'nnz': g._nnz()})

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, '..', 'fixtures', 'sparse.json'), 'w') as f:
    json.dump({'cases': cases, 'reprs': reprs}, f)
# The embedding goldens belong to @proj/nn, whose F.embedding builds the sparse gradient.
with open(os.path.join(here, '..', '..', 'nn', 'fixtures', 'sparse-embedding.json'), 'w') as f:
    json.dump({'embedding': emb_cases, 'embeddingBag': bag_cases}, f)
print('wrote', len(cases), 'cases')
