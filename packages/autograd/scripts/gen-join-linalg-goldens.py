#!/usr/bin/python3
"""Goldens for the join/shape and linalg derivative formulas (formulas/join.ts, formulas/linalg.ts).

Run with Debian's interpreter, which has PyTorch 1.13:

    /usr/bin/python3 packages/autograd/scripts/gen-join-linalg-goldens.py

Writes packages/autograd/fixtures/join-linalg.json: for each case its float64 inputs, the output gradient G, and
what real PyTorch gives for `out`, `out.grad_fn.name()` and the gradients of sum(out * G) with respect to every
input. The tests rebuild each case with the same expression written in TypeScript.
"""
import json
import os

import torch

torch.manual_seed(20240601)
D = torch.float64


def rnd(*shape):
    return torch.randn(*shape, dtype=D)


def well_conditioned(n, batch=()):
    return rnd(*batch, n, n) + 3 * torch.eye(n, dtype=D)


def spd(n, batch=()):
    b = rnd(*batch, n, n)
    return b @ b.mT + n * torch.eye(n, dtype=D)


# id -> (inputs, expression computing `out` from them)
CASES = {
    # join / shape ops
    'cat': ({'x': rnd(2, 3), 'y': rnd(2, 2)}, 'torch.cat([x, y], 1)'),
    'stack': ({'x': rnd(2, 3), 'y': rnd(2, 3)}, 'torch.stack([x, y], 1)'),
    'split': ({'x': rnd(2, 5)}, 'x.split(2, 1)[1]'),
    'splitWithSizes': ({'x': rnd(2, 5)}, 'x.split([1, 4], 1)[1]'),
    'chunk': ({'x': rnd(5, 2)}, 'x.chunk(3)[2]'),
    'unbind': ({'x': rnd(2, 3)}, 'x.unbind(1)[2]'),
    'tensorSplit': ({'x': rnd(2, 5)}, 'x.tensor_split([1, 3], 1)[1]'),
    'flip': ({'x': rnd(2, 3, 2)}, 'x.flip([0, 2])'),
    'roll': ({'x': rnd(3, 4)}, 'x.roll([1, -2], [0, 1])'),
    'rollFlat': ({'x': rnd(3, 4)}, 'x.roll(5)'),
    'repeat': ({'x': rnd(2, 3)}, 'x.repeat(2, 1, 3)'),
    'repeatInterleave': ({'x': rnd(3, 2)}, 'x.repeat_interleave(torch.tensor([1, 0, 3]), 0)'),
    'repeatInterleaveFlat': ({'x': rnd(2, 2)}, 'x.repeat_interleave(2)'),
    'tril': ({'x': rnd(2, 3, 4)}, 'x.tril(1)'),
    'triu': ({'x': rnd(3, 4)}, 'x.triu(-1)'),
    'trilInplace': ({'x': rnd(3, 3)}, 'x.mul(2).tril_()'),
    'diagVector': ({'x': rnd(3)}, 'torch.diag(x, -1)'),
    'diagMatrix': ({'x': rnd(3, 4)}, 'torch.diag(x, 1)'),
    'diagEmbed': ({'x': rnd(2, 3)}, 'torch.diag_embed(x, 1, 0, 2)'),
    'einsum': ({'x': rnd(2, 3), 'y': rnd(3, 4)}, "torch.einsum('ij,jk->ik', x, y)"),
    'einsumTrace': ({'x': rnd(3, 3)}, "torch.einsum('ii->i', x)"),
    # linalg
    'inv': ({'A': well_conditioned(3)}, 'torch.linalg.inv(A)'),
    'det': ({'A': rnd(2, 3, 3)}, 'torch.linalg.det(A)'),
    'slogdet': ({'A': rnd(3, 3)}, 'torch.linalg.slogdet(A)[1]'),
    'logdet': ({'A': spd(3)}, 'torch.logdet(A)'),
    'solve': ({'A': well_conditioned(3), 'B': rnd(2, 3, 2)}, 'torch.linalg.solve(A, B)'),
    'solveVector': ({'A': well_conditioned(3), 'B': rnd(3)}, 'torch.linalg.solve(A, B)'),
    'solveRight': ({'A': well_conditioned(3), 'B': rnd(2, 3)}, 'torch.linalg.solve(A, B, left=False)'),
    'cholesky': ({'A': spd(3)}, 'torch.linalg.cholesky(A)'),
    'choleskyUpper': ({'A': spd(3)}, 'torch.linalg.cholesky(A, upper=True)'),
    'qrR': ({'A': rnd(4, 3)}, 'torch.linalg.qr(A)[1]'),
    'qrQ': ({'A': rnd(3, 4)}, 'torch.linalg.qr(A)[0]'),
    'eighValues': ({'A': spd(3)}, 'torch.linalg.eigh(A)[0]'),
    'eighVectors': ({'A': spd(3)}, 'torch.linalg.eigh(A)[1].square()'),
    'eigvalsh': ({'A': spd(3)}, 'torch.linalg.eigvalsh(A, UPLO="U")'),
    'svdS': ({'A': rnd(4, 3)}, 'torch.linalg.svd(A)[1]'),
    'svdU': ({'A': rnd(4, 3)}, 'torch.linalg.svd(A, full_matrices=False)[0].square()'),
    'svdVh': ({'A': rnd(3, 4)}, 'torch.linalg.svd(A, full_matrices=False)[2].square()'),
    'svdvals': ({'A': rnd(3, 4)}, 'torch.linalg.svdvals(A)'),
    'legacySvdV': ({'A': rnd(4, 3)}, 'torch.svd(A)[2].square()'),
    'pinv': ({'A': rnd(4, 3)}, 'torch.linalg.pinv(A)'),
    'matrixPower3': ({'A': rnd(3, 3)}, 'torch.linalg.matrix_power(A, 3)'),
    'matrixPowerMinus2': ({'A': well_conditioned(3)}, 'torch.linalg.matrix_power(A, -2)'),
    'multiDot': ({'a': rnd(3), 'b': rnd(3, 4), 'c': rnd(4, 2), 'd': rnd(2)}, 'torch.linalg.multi_dot([a, b, c, d])'),
    'vecdot': ({'x': rnd(2, 3), 'y': rnd(3)}, 'torch.linalg.vecdot(x, y)'),
    'vectorNorm3': ({'x': rnd(2, 3)}, 'torch.linalg.vector_norm(x, 3, dim=1)'),
    'vectorNormInf': ({'x': rnd(2, 3)}, "torch.linalg.vector_norm(x, float('inf'))"),
    'matrixNormFro': ({'A': rnd(2, 3)}, 'torch.linalg.matrix_norm(A)'),
    'matrixNormNuc': ({'A': rnd(2, 3, 3)}, "torch.linalg.matrix_norm(A, 'nuc')"),
    'matrixNorm2': ({'A': rnd(3, 4)}, 'torch.linalg.matrix_norm(A, 2)'),
    'matrixNorm1': ({'A': rnd(3, 4)}, 'torch.linalg.matrix_norm(A, 1)'),
    'matrixNormMinusInf': ({'A': rnd(3, 4)}, "torch.linalg.matrix_norm(A, -float('inf'))"),
    'lstsq': ({'A': rnd(4, 3), 'B': rnd(4, 2)}, 'torch.linalg.lstsq(A, B).solution'),
}


def flat(t):
    return t.detach().reshape(-1).tolist()


def main():
    out_cases = {}
    for case_id, (inputs, expression) in CASES.items():
        leaves = {name: t.clone().requires_grad_(True) for name, t in inputs.items()}
        out = eval(expression, {'torch': torch}, dict(leaves))
        G = torch.randn(out.shape, dtype=D)
        grads = torch.autograd.grad((out * G).sum(), list(leaves.values()), allow_unused=True)
        out_cases[case_id] = {
            'expression': expression,
            'inputs': {name: {'shape': list(t.shape), 'data': flat(t)} for name, t in inputs.items()},
            'G': {'shape': list(G.shape), 'data': flat(G)},
            'out': {'shape': list(out.shape), 'data': flat(out)},
            'gradFn': out.grad_fn.name() if out.grad_fn is not None else None,
            'grads': {
                name: (None if g is None else {'shape': list(g.shape), 'data': flat(g)})
                for name, g in zip(leaves.keys(), grads)
            },
        }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'join-linalg.json')
    with open(path, 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': out_cases}, f, indent=None, separators=(',', ':'))
    print('wrote', os.path.normpath(path), len(out_cases), 'cases')


if __name__ == '__main__':
    main()
