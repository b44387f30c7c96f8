"""Golden values for torch.nn.utils (rnn packing, weight_norm, spectral_norm) of @proj/nn, from real PyTorch 1.13.

Run with /usr/bin/python3 (the interpreter with torch):

    /usr/bin/python3 packages/nn/scripts/gen-nn-goldens-3.py

Writes packages/nn/fixtures/utils.json. Tensors are stored as {"shape": [...], "dtype": ..., "data": [flat values]}
(the encoding of gen-nn-goldens.py). Gradients are those of sum(output * upstream) w.r.t. the inputs/parameters.
"""
import json
import os
import warnings

import torch
import torch.nn as nn
from torch.nn.utils import rnn as rnn_utils

warnings.filterwarnings('ignore')
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures')
os.makedirs(OUT, exist_ok=True)

DTYPE_NAMES = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64', torch.bool: 'bool'}


def enc(t):
    if t is None:
        return None
    t = t.detach()
    data = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        data = [bool(v) for v in data]
    return {'shape': list(t.shape), 'dtype': DTYPE_NAMES[t.dtype], 'data': data}


def rn(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def enc_packed(p):
    return {'data': enc(p.data), 'batchSizes': enc(p.batch_sizes), 'sortedIndices': enc(p.sorted_indices),
            'unsortedIndices': enc(p.unsorted_indices)}


def error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return f'{type(e).__name__}: {e}'
    return None


# ---------------------------------------------------------------------------------------------------------------
# rnn packing

rnn = {'padSequence': [], 'packPadded': [], 'packSequence': [], 'errors': {}}

seqs = [rn(3, 2, seed=1), rn(5, 2, seed=2), rn(1, 2, seed=3), rn(5, 2, seed=4)]
for batch_first in (False, True):
    for padding_value in (0.0, -1.5):
        xs = [s.clone().requires_grad_() for s in seqs]
        out = rnn_utils.pad_sequence(xs, batch_first=batch_first, padding_value=padding_value)
        up = rn(*out.shape, seed=9)
        (out * up).sum().backward()
        rnn['padSequence'].append({'batchFirst': batch_first, 'paddingValue': padding_value,
                                   'inputs': [enc(s) for s in seqs], 'output': enc(out), 'upstream': enc(up),
                                   'grads': [enc(x.grad) for x in xs]})

# pack_padded_sequence then pad_packed_sequence, with ties among lengths
for batch_first in (False, True):
    for enforce_sorted, lengths in ((True, [5, 4, 4, 2, 1]), (False, [2, 5, 1, 4, 4]), (False, [3, 3, 3, 3, 3]),
                                    (False, [1, 2, 3, 4, 5])):
        shape = (5, 5, 3) if not batch_first else (5, 5, 3)
        x = rn(*shape, seed=11).requires_grad_()
        packed = rnn_utils.pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first,
                                                enforce_sorted=enforce_sorted)
        up = rn(*packed.data.shape, seed=12)
        (packed.data * up).sum().backward()
        entry = {'batchFirst': batch_first, 'enforceSorted': enforce_sorted, 'lengths': lengths, 'input': enc(x),
                 'packed': enc_packed(packed), 'upstream': enc(up), 'grad': enc(x.grad), 'padded': []}
        for padding_value, total_length in ((0.0, None), (2.5, 7)):
            data = packed.data.detach().clone().requires_grad_()
            p2 = rnn_utils.PackedSequence(data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
            padded, lens = rnn_utils.pad_packed_sequence(p2, batch_first=batch_first, padding_value=padding_value,
                                                         total_length=total_length)
            up2 = rn(*padded.shape, seed=13)
            (padded * up2).sum().backward()
            entry['padded'].append({'paddingValue': padding_value, 'totalLength': total_length,
                                    'output': enc(padded), 'lengths': enc(lens), 'upstream': enc(up2),
                                    'grad': enc(data.grad)})
        rnn['packPadded'].append(entry)

for enforce_sorted, order in ((True, [1, 3, 0, 2]), (False, [0, 1, 2, 3])):
    xs = [seqs[i] for i in order]
    packed = rnn_utils.pack_sequence(xs, enforce_sorted=enforce_sorted)
    rnn['packSequence'].append({'enforceSorted': enforce_sorted, 'inputs': [enc(s) for s in xs],
                                'packed': enc_packed(packed)})

x = rn(4, 3, 2, seed=5)
rnn['errors']['unsorted'] = error_of(lambda: rnn_utils.pack_padded_sequence(x, torch.tensor([2, 4, 1])))
rnn['errors']['zeroLength'] = error_of(
    lambda: rnn_utils.pack_padded_sequence(x, torch.tensor([4, 2, 0]), enforce_sorted=False))
rnn['errors']['totalLength'] = error_of(lambda: rnn_utils.pad_packed_sequence(
    rnn_utils.pack_padded_sequence(x, torch.tensor([4, 2, 1])), total_length=3))

# ---------------------------------------------------------------------------------------------------------------
# weight_norm


def make(kind):
    torch.manual_seed(0)
    if kind == 'Linear':
        return nn.Linear(4, 3).double()
    if kind == 'Conv1d':
        return nn.Conv1d(2, 3, 3).double()
    if kind == 'ConvTranspose1d':
        return nn.ConvTranspose1d(3, 2, 3).double()
    if kind == 'Linear20':
        return nn.Linear(18, 20).double()
    raise ValueError(kind)


def input_for(kind):
    return {'Linear': rn(2, 4, seed=21), 'Linear20': rn(2, 18, seed=21), 'Conv1d': rn(2, 2, 6, seed=22),
            'ConvTranspose1d': rn(2, 3, 5, seed=23)}[kind]


def set_state(m, kind):
    # Deterministic weights independent of the TS init: drawn from a seeded generator.
    sd = {k: rn(*v.shape, seed=31 + i) for i, (k, v) in enumerate(m.state_dict().items())}
    m.load_state_dict(sd)
    return {k: enc(v) for k, v in sd.items()}


weight_norm_cases = []
for kind, dim in (('Linear', 0), ('Linear', 1), ('Linear', None), ('Conv1d', 0), ('Conv1d', 2),
                  ('ConvTranspose1d', 1), ('Conv1d', -1)):
    m = make(kind)
    state = set_state(m, kind)
    nn.utils.weight_norm(m, dim=dim)
    params = {k: enc(v) for k, v in m.named_parameters()}
    keys = list(m.state_dict().keys())
    x = input_for(kind).requires_grad_()
    out = m(x)
    up = rn(*out.shape, seed=41)
    (out * up).sum().backward()
    grads = {k: enc(v.grad) for k, v in m.named_parameters()}
    weight = enc(m.weight)
    nn.utils.remove_weight_norm(m)
    weight_norm_cases.append({'kind': kind, 'dim': dim, 'state': state, 'params': params, 'keys': keys,
                              'weight': weight, 'input': enc(x), 'output': enc(out), 'upstream': enc(up),
                              'inputGrad': enc(x.grad), 'paramGrads': grads,
                              'removedKeys': list(m.state_dict().keys()),
                              'removedWeight': enc(m.weight)})

weight_norm_errors = {}
m = make('Linear')
nn.utils.weight_norm(m)
weight_norm_errors['twice'] = error_of(lambda: nn.utils.weight_norm(m))
weight_norm_errors['removeMissing'] = error_of(lambda: nn.utils.remove_weight_norm(make('Linear')))

# ---------------------------------------------------------------------------------------------------------------
# spectral_norm

spectral_cases = []
for kind, dim, iters, train in (('Linear', None, 1, True), ('Linear20', None, 1, True), ('Linear', None, 3, True),
                                ('Conv1d', None, 1, True), ('ConvTranspose1d', None, 1, True),
                                ('Conv1d', 1, 2, True), ('Linear', None, 1, False)):
    m = make(kind)
    state = set_state(m, kind)
    torch.manual_seed(7)
    kwargs = {'n_power_iterations': iters}
    if dim is not None:
        kwargs['dim'] = dim
    nn.utils.spectral_norm(m, **kwargs)
    init_u, init_v = m.weight_u.clone(), m.weight_v.clone()
    keys = list(m.state_dict().keys())
    params = list(k for k, _ in m.named_parameters())
    buffers = list(k for k, _ in m.named_buffers())
    m.train(train)
    x = input_for(kind).requires_grad_()
    out = m(x)
    up = rn(*out.shape, seed=41)
    (out * up).sum().backward()
    grads = {k: enc(v.grad) for k, v in m.named_parameters()}
    entry = {'kind': kind, 'dim': dim, 'nPowerIterations': iters, 'training': train, 'state': state, 'keys': keys,
             'params': params, 'buffers': buffers, 'initU': enc(init_u), 'initV': enc(init_v),
             'input': enc(x), 'output': enc(out), 'upstream': enc(up), 'inputGrad': enc(x.grad),
             'paramGrads': grads, 'u': enc(m.weight_u), 'v': enc(m.weight_v), 'weight': enc(m.weight)}
    # A second forward continues the power iteration from the stored u/v.
    with torch.no_grad():
        out2 = m(x)
    entry['output2'] = enc(out2)
    entry['u2'] = enc(m.weight_u)
    nn.utils.remove_spectral_norm(m)
    entry['removedKeys'] = list(m.state_dict().keys())
    entry['removedWeight'] = enc(m.weight)
    spectral_cases.append(entry)

spectral_errors = {}
m = make('Linear')
nn.utils.spectral_norm(m)
spectral_errors['twice'] = error_of(lambda: nn.utils.spectral_norm(m))
spectral_errors['removeMissing'] = error_of(lambda: nn.utils.remove_spectral_norm(make('Linear')))
spectral_errors['iterations'] = error_of(lambda: nn.utils.spectral_norm(make('Linear'), n_power_iterations=0))

result = {'rnn': rnn, 'weightNorm': {'cases': weight_norm_cases, 'errors': weight_norm_errors},
          'spectralNorm': {'cases': spectral_cases, 'errors': spectral_errors}}
with open(os.path.join(OUT, 'utils.json'), 'w') as f:
    json.dump(result, f)
print('utils.json', os.path.getsize(os.path.join(OUT, 'utils.json')), 'bytes')
