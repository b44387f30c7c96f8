"""Goldens for optimizers fed sparse COO gradients (packages/optim/src/sparse.test.ts).

Each step's gradient of an embedding-like parameter is an uncoalesced sparse tensor (duplicate rows included), as
`Embedding(sparse=True)` produces. Run: /usr/bin/python3 gen-sparse-goldens.py
"""
import json
import os

import torch

STEPS = 20
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures')


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def sparse_grad(p, step, k):
    """Rows picked by a fixed pattern (with a duplicate), values from a smooth non-linear field of p."""
    rows = p.shape[0]
    picked = [(3 * step + k) % rows, (5 * step + 1) % rows, (3 * step + k) % rows, (step * step + 2) % rows]
    index = torch.tensor([picked])
    with torch.no_grad():
        base = p[index[0]]
        values = 0.5 * (base - 0.2 * k) + 0.3 * torch.sin(2 * base + step) + 0.01 * (step + 1)
    return torch.sparse_coo_tensor(index, values, p.shape), picked, values


CASES = {
    'sgd': [
        {'lr': 0.1},
        {'lr': 0.05, 'momentum': 0.9},
        {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.3},
        {'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'maximize': True},
    ],
    'adagrad': [
        {},
        {'lr': 0.1, 'lr_decay': 0.01, 'initial_accumulator_value': 0.1, 'eps': 1e-6},
        {'lr': 0.05, 'maximize': True},
    ],
    'sparse_adam': [
        {},
        {'lr': 0.01, 'betas': (0.8, 0.9)},
        {'lr': 0.02, 'eps': 1e-3, 'maximize': True},
    ],
}
CLASSES = {'sgd': torch.optim.SGD, 'adagrad': torch.optim.Adagrad, 'sparse_adam': torch.optim.SparseAdam}


def camel(key):
    parts = key.split('_')
    return parts[0] + ''.join(p[:1].upper() + p[1:] for p in parts[1:])


out = []
for name, cases in CASES.items():
    for kwargs in cases:
        for dtype in (torch.float32, torch.float64):
            g = torch.Generator().manual_seed(7)
            shapes = [(7, 3), (5,)]
            params = [torch.randn(*s, generator=g, dtype=torch.float64).to(dtype).requires_grad_(True) for s in shapes]
            init = [flat(p) for p in params]
            opts = dict(kwargs)
            if name == 'sgd' or name == 'adagrad':
                opts['foreach'] = False
            opt = CLASSES[name](params, **opts)
            grads, traj = [], []
            for step in range(STEPS):
                step_grads = []
                for k, p in enumerate(params):
                    grad, picked, values = sparse_grad(p, step, k)
                    p.grad = grad
                    step_grads.append({'indices': picked, 'values': flat(values)})
                opt.step()
                grads.append(step_grads)
                traj.append([flat(p) for p in params])
            out.append({
                'optimizer': name.replace('_', '-'),
                'options': {camel(k): (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()},
                'dtype': str(dtype).replace('torch.', ''),
                'shapes': [list(s) for s in shapes],
                'init': init, 'grads': grads, 'trajectory': traj,
            })

# Errors PyTorch raises for sparse gradients.
errors = {}
for cls in [torch.optim.Adam, torch.optim.AdamW, torch.optim.Adamax, torch.optim.NAdam, torch.optim.RAdam,
            torch.optim.RMSprop, torch.optim.Adadelta, torch.optim.Rprop, torch.optim.ASGD]:
    p = torch.zeros(4, 2, requires_grad=True)
    p.grad = torch.sparse_coo_tensor(torch.tensor([[1]]), torch.ones(1, 2), (4, 2))
    try:
        cls([p]).step()
    except RuntimeError as e:
        errors[cls.__name__] = str(e)
p = torch.zeros(4, 2, requires_grad=True)
p.grad = torch.sparse_coo_tensor(torch.tensor([[1]]), torch.ones(1, 2), (4, 2))
for label, make in [('SGD weight_decay', lambda: torch.optim.SGD([p], lr=0.1, weight_decay=0.1)),
                    ('Adagrad weight_decay', lambda: torch.optim.Adagrad([p], weight_decay=0.1))]:
    try:
        make().step()
    except RuntimeError as e:
        errors[label] = str(e)
p.grad = torch.ones(4, 2)
try:
    torch.optim.SparseAdam([p]).step()
except RuntimeError as e:
    errors['SparseAdam dense'] = str(e)

with open(os.path.join(OUT, 'sparse-grads.json'), 'w') as f:
    json.dump({'steps': STEPS, 'cases': out, 'errors': errors}, f)
print(len(out), 'cases;', errors)
