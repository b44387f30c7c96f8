#!/usr/bin/python3
"""Goldens for the indexing/scatter and sort-family derivative formulas (formulas/indexing.ts, formulas/sort.ts).

Run with Debian's interpreter, which has PyTorch 1.13:

    /usr/bin/python3 packages/autograd/scripts/gen-indexing-sort-goldens.py

Writes packages/autograd/fixtures/indexing-sort.json: for each case its inputs (float64 inputs require grad;
int64/bool inputs are indices and masks), the output gradient G, and what real PyTorch gives for `out`,
`out.grad_fn.name()` and the gradients of sum(out * G) with respect to every float input. NaN is written as null.
The tests rebuild each case with the same expression written in TypeScript.
"""
import json
import math
import os
import warnings

import torch

warnings.filterwarnings('ignore')
torch.manual_seed(20240611)
D = torch.float64


def rnd(*shape):
    return torch.randn(*shape, dtype=D)


def distinct(*shape):
    """Values without ties (a random permutation of spaced numbers), so sort-family gradients are unambiguous."""
    n = math.prod(shape)
    return (torch.randperm(n).to(D) * 0.37 - 1.5).reshape(shape)


def idx(data):
    return torch.tensor(data, dtype=torch.int64)


def mask(data):
    return torch.tensor(data, dtype=torch.bool)


def setitem(y, items, v):
    y = y.clone()
    y[items] = v
    return y


NAN = float('nan')

# id -> (inputs, expression computing `out` from them)
CASES = {
    # get / set
    'getInt': ({'x': rnd(3, 4)}, 'x[1]'),
    'getSlice': ({'x': rnd(3, 5)}, 'x[:, 1::2]'),
    'getMask': ({'x': rnd(3, 4), 'm': mask([[True, False, True, True], [False, False, True, False], [True, True, False, False]])}, 'x[m]'),
    'getIntArray': ({'x': rnd(3, 4)}, 'x[[0, 2, 0]]'),
    'getMixed': ({'x': rnd(3, 4, 2)}, 'x[1:, [0, 3, 3], 1]'),
    'setBasic': ({'x': rnd(3, 4), 'v': rnd(4)}, 'setitem(x, 0, v)'),
    'setSliceBroadcast': ({'x': rnd(3, 4), 'v': rnd(1, 2)}, 'setitem(x, (slice(1, None), slice(None, None, 2)), v)'),
    'setAdvanced': ({'x': rnd(3, 4), 'v': rnd(2, 4)}, 'setitem(x, [2, 0], v)'),
    'setMaskScalar': ({'x': rnd(3, 4), 'm': mask([[True, False, True, True], [False, False, True, False], [True, True, False, False]])}, 'setitem(x, m, 0.5)'),
    # index_put
    'indexPut': ({'x': rnd(3, 4), 'i': idx([2, 0]), 'v': rnd(4)}, 'x.index_put((i,), v)'),
    'indexPutAccumulate': ({'x': rnd(3, 4), 'i': idx([2, 0, 2]), 'j': idx([1, 1, 1]), 'v': rnd(3)}, 'x.index_put((i, j), v, accumulate=True)'),
    # gather / scatter
    'gather': ({'x': rnd(3, 4), 'i': idx([[0, 1, 2, 0], [2, 2, 1, 0]])}, 'x.gather(0, i)'),
    'scatter': ({'x': rnd(3, 4), 'i': idx([[0, 1, 2, 0], [2, 0, 1, 1]]), 's': rnd(2, 4)}, 'x.scatter(0, i, s)'),
    'scatterValue': ({'x': rnd(3, 4), 'i': idx([[0, 3], [1, 1], [2, 0]])}, 'x.scatter(1, i, 2.5)'),
    'scatterAdd': ({'x': rnd(3, 4), 'i': idx([[0, 1, 2, 0], [0, 1, 2, 0]]), 's': rnd(2, 4)}, 'x.scatter_add(0, i, s)'),
    'scatterReduceSum': ({'x': rnd(3, 4), 'i': idx([[0, 1, 2, 0], [0, 1, 2, 0]]), 's': rnd(2, 4)}, "x.scatter_reduce(0, i, s, 'sum')"),
    'scatterReduceProd': ({'x': rnd(3, 4), 'i': idx([[0, 1, 2, 0], [0, 1, 2, 0]]), 's': rnd(2, 4)}, "x.scatter_reduce(0, i, s, 'prod')"),
    'scatterReduceProdExclude': ({'x': rnd(3, 4), 'i': idx([[0, 1, 2, 0], [0, 1, 2, 0]]), 's': rnd(2, 4)}, "x.scatter_reduce(0, i, s, 'prod', include_self=False)"),
    'scatterReduceProdZeros': ({'x': torch.tensor([[0., 2.], [3., 0.]], dtype=D), 'i': idx([[0, 1], [0, 1], [1, 0]]), 's': torch.tensor([[1.5, 0.], [2., -1.], [0., 0.5]], dtype=D)}, "x.scatter_reduce(0, i, s, 'prod')"),
    'scatterReduceMean': ({'x': rnd(3, 4), 'i': idx([[0, 1, 2, 0], [0, 1, 1, 0]]), 's': rnd(2, 4)}, "x.scatter_reduce(0, i, s, 'mean')"),
    'scatterReduceMeanExclude': ({'x': rnd(3, 4), 'i': idx([[0, 1, 2, 0], [0, 1, 1, 0]]), 's': rnd(2, 4)}, "x.scatter_reduce(0, i, s, 'mean', include_self=False)"),
    'scatterReduceAmax': ({'x': rnd(3, 4), 'i': idx([[0, 1, 2, 0], [0, 1, 1, 0]]), 's': rnd(2, 4)}, "x.scatter_reduce(0, i, s, 'amax')"),
    'scatterReduceAminExclude': ({'x': rnd(3, 4), 'i': idx([[0, 1, 2, 0], [0, 1, 1, 0]]), 's': rnd(2, 4)}, "x.scatter_reduce(0, i, s, 'amin', include_self=False)"),
    'scatterReduceAmaxTies': ({'x': torch.tensor([[1., 2.], [0., 5.]], dtype=D), 'i': idx([[0, 0], [0, 1], [1, 1]]), 's': torch.tensor([[1., 2.], [1., 5.], [-1., 5.]], dtype=D)}, "x.scatter_reduce(0, i, s, 'amax')"),
    # dim-wise index ops
    'indexSelect': ({'x': rnd(3, 4), 'i': idx([3, 0, 3])}, 'x.index_select(1, i)'),
    'indexAdd': ({'x': rnd(3, 4), 'i': idx([2, 0, 2]), 's': rnd(3, 4)}, 'x.index_add(0, i, s, alpha=1.5)'),
    'indexCopy': ({'x': rnd(3, 4), 'i': idx([3, 0]), 's': rnd(3, 2)}, 'x.index_copy(1, i, s)'),
    'indexFill': ({'x': rnd(3, 4), 'i': idx([1, 1, 0])}, 'x.index_fill(0, i, 2.0)'),
    'indexFillTensor': ({'x': rnd(3, 4), 'i': idx([1, 3, 1]), 'v': torch.tensor(0.7, dtype=D)}, 'x.index_fill(1, i, v)'),
    # masked ops, take
    'maskedFill': ({'x': rnd(3, 4), 'm': mask([True, False, False, True])}, 'x.masked_fill(m, -1.0)'),
    'maskedFillTensor': ({'x': rnd(3, 4), 'm': mask([[True], [False], [True]]), 'v': torch.tensor(0.3, dtype=D)}, 'x.masked_fill(m, v)'),
    'maskedScatter': ({'x': rnd(2, 3), 'm': mask([[True, False, True], [False, True, True]]), 's': rnd(2, 3)}, 'x.masked_scatter(m, s)'),
    'maskedSelectBroadcast': ({'x': rnd(4), 'm': mask([[True, False, True, True], [False, True, True, False]])}, 'x.masked_select(m)'),
    'take': ({'x': rnd(3, 4), 'i': idx([[0, -1], [5, 5]])}, 'x.take(i)'),
    'takeAlongDim': ({'x': rnd(3, 4), 'i': idx([[0, 3, 3], [1, 0, 2], [2, 2, 2]])}, 'torch.take_along_dim(x, i, 1)'),
    # sort family
    'sort': ({'x': distinct(3, 4)}, 'x.sort()[0]'),
    'sortDescendingDim0': ({'x': distinct(3, 4)}, 'x.sort(0, descending=True)[0]'),
    'sortStable': ({'x': distinct(2, 5)}, 'x.sort(stable=True)[0]'),
    'topk': ({'x': distinct(3, 5)}, 'x.topk(2)[0]'),
    'topkSmallestDim0': ({'x': distinct(4, 3)}, 'x.topk(3, 0, largest=False)[0]'),
    'kthvalue': ({'x': distinct(3, 5)}, 'x.kthvalue(2, 1, keepdim=True)[0]'),
    'medianAll': ({'x': distinct(3, 4)}, 'x.median()'),
    'medianAllTies': ({'x': torch.tensor([[1., 3., 2.], [2., 5., 2.]], dtype=D)}, 'x.median()'),
    'medianDim': ({'x': distinct(3, 5)}, 'x.median(1)[0]'),
    'nanmedianAll': ({'x': torch.tensor([[1., NAN, 2.], [4., 0.5, NAN]], dtype=D)}, 'x.nanmedian()'),
    'medianAllNan': ({'x': torch.tensor([[1., NAN, 2.], [4., 0.5, NAN]], dtype=D)}, 'x.median()'),
    'nanmedianDim': ({'x': torch.tensor([[1., NAN, 2., 7.], [4., 0.5, NAN, -1.]], dtype=D)}, 'x.nanmedian(1)[0]'),
    'mode': ({'x': torch.tensor([[1., 3., 1., 2.], [2., 2., 0., 0.]], dtype=D)}, 'x.mode(1)[0]'),
    'quantileScalar': ({'x': distinct(3, 4)}, 'torch.quantile(x, 0.3)'),
    'quantileDim': ({'x': distinct(3, 5), 'q': torch.tensor([0.25, 0.6, 1.0], dtype=D)}, 'torch.quantile(x, q, dim=1, keepdim=True)'),
    'quantileMidpoint': ({'x': distinct(4, 3), 'q': torch.tensor(0.4, dtype=D)}, "torch.quantile(x, q, dim=0, interpolation='midpoint')"),
    'quantileLower': ({'x': distinct(4, 3), 'q': torch.tensor([0.4, 0.9], dtype=D)}, "torch.quantile(x, q, dim=0, interpolation='lower')"),
    'quantileNearest': ({'x': distinct(2, 6), 'q': torch.tensor([0.5, 0.3], dtype=D)}, "torch.quantile(x, q, dim=1, interpolation='nearest')"),
    'nanquantile': ({'x': torch.tensor([[1., NAN, 2., 7.], [4., 0.5, NAN, -1.]], dtype=D), 'q': torch.tensor([0.2, 0.7], dtype=D)}, 'torch.nanquantile(x, q, dim=1)'),
}


def flat(t):
    return [None if isinstance(v, float) and math.isnan(v) else v for v in t.detach().reshape(-1).tolist()]


def main():
    out_cases = {}
    for case_id, (inputs, expression) in CASES.items():
        leaves = {
            name: (t.clone().requires_grad_(True) if t.is_floating_point() else t) for name, t in inputs.items()
        }
        out = eval(expression, {'torch': torch, 'setitem': setitem}, dict(leaves))
        G = torch.randn(out.shape, dtype=D)
        differentiable = [t for t in leaves.values() if t.requires_grad]
        grads = iter(torch.autograd.grad((out * G).sum(), differentiable, allow_unused=True))
        out_cases[case_id] = {
            'expression': expression,
            'inputs': {
                name: {'shape': list(t.shape), 'dtype': str(t.dtype).replace('torch.', ''), 'data': flat(t)}
                for name, t in inputs.items()
            },
            'G': {'shape': list(G.shape), 'data': flat(G)},
            'out': {'shape': list(out.shape), 'data': flat(out)},
            'gradFn': out.grad_fn.name() if out.grad_fn is not None else None,
            'grads': {
                name: (None if g is None else {'shape': list(g.shape), 'data': flat(g)})
                for name, g in ((n, next(grads)) for n, t in leaves.items() if t.requires_grad)
            },
        }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'indexing-sort.json')
    with open(path, 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': out_cases}, f, indent=None, separators=(',', ':'))
    print('wrote', os.path.normpath(path), len(out_cases), 'cases')


if __name__ == '__main__':
    main()
