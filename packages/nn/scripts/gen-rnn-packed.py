"""Golden values for RNN / LSTM / GRU run on a PackedSequence, from real PyTorch 1.13.

Run with /usr/bin/python3 (the interpreter with torch):

    /usr/bin/python3 packages/nn/scripts/gen-rnn-packed.py

Writes packages/nn/fixtures/rnn-packed.json, read by src/modules/rnn-packed.test.ts. Tensors use the encoding of
gen-nn-goldens.py ({"shape": [...], "dtype": "float32", "data": [flat values]}). To keep the file small, float32
values are printed in their shortest form that round-trips a float32, and the values PyTorch is given (weights,
inputs, hx, upstream gradients) are first rounded to 3 significant digits, so they print short and stay exact.

Each case packs a padded float32 batch with pack_padded_sequence (batch_first / enforce_sorted as listed), runs the
module on the PackedSequence (with or without a user-given hx, which is in the original batch order), and records
the packed input, the output PackedSequence, h_n (and c_n), and the gradients of
sum(out.data * u0) + sum(h_n * u1) [+ sum(c_n * u2)] w.r.t. the packed data, hx and every weight.
Besides the cases: error messages for bad packed input (and LSTM's for states of the wrong rank).
"""
import json
import os
import warnings

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

warnings.filterwarnings('ignore')
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures')
os.makedirs(OUT, exist_ok=True)

DTYPE_NAMES = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64'}
INPUT_SIZE = 2
HIDDEN_SIZE = 3
MAX_LENGTH = 4
SORTED_LENGTHS = [4, 3, 3, 1]  # a tie, and a sequence that ends after one step
UNSORTED_LENGTHS = [3, 4, 1, 3]


def enc(t):
    t = t.detach()
    data = t.reshape(-1).tolist()
    if t.dtype == torch.float32:
        data = [float(str(np.float32(v))) for v in data]
    return {'shape': list(t.shape), 'dtype': DTYPE_NAMES[t.dtype], 'data': data}


def enc_optional(t):
    return None if t is None else enc(t)


def short(t):
    """`t` rounded to 3 significant digits (as float32), so that it prints short and is still given exactly."""
    return torch.tensor([float('%.3g' % v) for v in t.reshape(-1).tolist()], dtype=t.dtype).reshape(t.shape)


def gen(*shape, seed):
    return short(torch.randn(*shape, generator=torch.Generator().manual_seed(seed)))


def make_module(spec):
    kwargs = dict(num_layers=spec['numLayers'], bidirectional=spec['bidirectional'], batch_first=spec['batchFirst'],
                  dropout=spec['dropout'])
    if spec['mode'] == 'RNN':
        return nn.RNN(INPUT_SIZE, HIDDEN_SIZE, nonlinearity=spec['nonlinearity'], **kwargs)
    if spec['mode'] == 'LSTM':
        return nn.LSTM(INPUT_SIZE, HIDDEN_SIZE, proj_size=spec['projSize'], **kwargs)
    return nn.GRU(INPUT_SIZE, HIDDEN_SIZE, **kwargs)


cases = []


def case(name, mode, num_layers, bidirectional, batch_first, enforce_sorted, with_hx, nonlinearity='tanh',
         proj_size=0, dropout=0.0, training=True, forward_seed=None, seed=0):
    spec = {'name': name, 'mode': mode, 'nonlinearity': nonlinearity, 'numLayers': num_layers,
            'bidirectional': bidirectional, 'batchFirst': batch_first, 'enforceSorted': enforce_sorted,
            'projSize': proj_size, 'dropout': dropout, 'training': training, 'forwardSeed': forward_seed}
    torch.manual_seed(seed)
    module = make_module(spec)
    module.train(training)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(short(parameter))
    lengths = SORTED_LENGTHS if enforce_sorted else UNSORTED_LENGTHS
    batch = len(lengths)
    shape = (batch, MAX_LENGTH, INPUT_SIZE) if batch_first else (MAX_LENGTH, batch, INPUT_SIZE)
    padded = gen(*shape, seed=seed + 1).requires_grad_(True)
    packed = pack_padded_sequence(padded, torch.tensor(lengths), batch_first=batch_first,
                                  enforce_sorted=enforce_sorted)
    packed.data.retain_grad()
    directions = 2 if bidirectional else 1
    real_hidden = proj_size if proj_size > 0 else HIDDEN_SIZE
    h0 = c0 = None
    hx = None
    if with_hx:
        h0 = gen(num_layers * directions, batch, real_hidden, seed=seed + 2).requires_grad_(True)
        hx = h0
        if mode == 'LSTM':
            c0 = gen(num_layers * directions, batch, HIDDEN_SIZE, seed=seed + 3).requires_grad_(True)
            hx = (h0, c0)
    if forward_seed is not None:
        torch.manual_seed(forward_seed)
    output, hidden = module(packed, hx)
    assert torch.equal(output.batch_sizes, packed.batch_sizes)
    finals = list(hidden) if mode == 'LSTM' else [hidden]
    results = [output.data] + finals
    upstream = [gen(*r.shape, seed=1234 + i) for i, r in enumerate(results)]
    sum((r * u).sum() for r, u in zip(results, upstream)).backward()
    cases.append({
        **spec,
        'lengths': lengths,
        'withHx': with_hx,
        'state': {k: enc(v) for k, v in module.state_dict().items()},
        'padded': enc(padded),
        'h0': enc_optional(h0),
        'c0': enc_optional(c0),
        'packedData': enc(packed.data),
        'batchSizes': enc(packed.batch_sizes),
        'sortedIndices': enc_optional(packed.sorted_indices),
        'unsortedIndices': enc_optional(packed.unsorted_indices),
        'upstream': [enc(u) for u in upstream],
        'outputData': enc(output.data),
        'hN': enc(finals[0]),
        'cN': enc(finals[1]) if mode == 'LSTM' else None,
        'packedDataGrad': enc(packed.data.grad),
        'h0Grad': enc_optional(None if h0 is None else h0.grad),
        'c0Grad': enc_optional(None if c0 is None else c0.grad),
        'paramGrads': {k: enc(p.grad) for k, p in module.named_parameters()},
    })


# Every recurrence x {1, 2} layers x {uni, bi}directional, each packed twice: sorted lengths without hx and unsorted
# lengths with hx, batch_first alternating between the two so that each combination is seen.
config_index = 0
for mode in ['RNN', 'LSTM', 'GRU']:
    for num_layers in [1, 2]:
        for bidirectional in [False, True]:
            label = f"{mode}{num_layers}Layer{'Bidir' if bidirectional else ''}"
            first_batch_first = config_index % 2 == 1
            case(f'{label}Sorted', mode, num_layers, bidirectional, first_batch_first, True, False,
                 seed=10 * config_index)
            case(f'{label}UnsortedHx', mode, num_layers, bidirectional, not first_batch_first, False, True,
                 seed=10 * config_index + 5)
            config_index += 1
# The other two pairings of enforce_sorted and hx, on the deepest configurations.
case('RNN2LayerBidirSortedHx', 'RNN', 2, True, True, True, True, seed=200)
case('LSTM2LayerBidirUnsorted', 'LSTM', 2, True, False, False, False, seed=210)
case('GRU2LayerBidirSortedHx', 'GRU', 2, True, False, True, True, seed=220)
case('LSTM2LayerBidirSortedHx', 'LSTM', 2, True, True, True, True, seed=230)
case('GRU2LayerUnsorted', 'GRU', 2, False, True, False, False, seed=240)
# ReLU, LSTM projections, and seeded dropout between layers (masks drawn over the packed data).
case('RNNReluBidirUnsortedHx', 'RNN', 1, True, False, False, True, nonlinearity='relu', seed=300)
case('LSTMProj2LayerBidirUnsortedHx', 'LSTM', 2, True, True, False, True, proj_size=2, seed=310)
case('GRUDropout3LayerUnsorted', 'GRU', 3, False, False, False, False, dropout=0.4, forward_seed=7, seed=320)
case('LSTMDropoutEvalBidirUnsortedHx', 'LSTM', 2, True, False, False, True, dropout=0.4, training=False, seed=330)


def errors(table):
    result = {}
    for key, fn in table.items():
        try:
            fn()
            result[key] = None
        except Exception as e:  # noqa: BLE001
            result[key] = str(e)
    return result


def packed_batch(features=INPUT_SIZE, enforce_sorted=False):
    return pack_padded_sequence(torch.randn(MAX_LENGTH, 4, features), torch.tensor(UNSORTED_LENGTHS),
                                enforce_sorted=enforce_sorted)


error_messages = errors({
    'hiddenSize': lambda: nn.GRU(INPUT_SIZE, HIDDEN_SIZE)(packed_batch(), torch.randn(2, 4, HIDDEN_SIZE)),
    'hiddenFeatures': lambda: nn.RNN(INPUT_SIZE, HIDDEN_SIZE)(packed_batch(), torch.randn(1, 4, 5)),
    'lstmHidden0': lambda: nn.LSTM(INPUT_SIZE, HIDDEN_SIZE)(
        packed_batch(), (torch.randn(1, 4, 5), torch.randn(1, 4, HIDDEN_SIZE))),
    'lstmHidden1': lambda: nn.LSTM(INPUT_SIZE, HIDDEN_SIZE)(
        packed_batch(), (torch.randn(1, 4, HIDDEN_SIZE), torch.randn(2, 4, HIDDEN_SIZE))),
    'inputSize': lambda: nn.LSTM(INPUT_SIZE, HIDDEN_SIZE)(packed_batch(features=5)),
    'inputDim': lambda: nn.GRU(INPUT_SIZE, HIDDEN_SIZE)(
        pack_padded_sequence(torch.randn(MAX_LENGTH, 4, INPUT_SIZE, 1), torch.tensor(SORTED_LENGTHS))),
    # Padded input, checked by the same code: LSTM's own wording for states of the wrong rank.
    'lstmBatchedHx': lambda: nn.LSTM(INPUT_SIZE, HIDDEN_SIZE)(
        torch.randn(MAX_LENGTH, 4, INPUT_SIZE), (torch.randn(4, HIDDEN_SIZE), torch.randn(1, 4, HIDDEN_SIZE))),
})

fixture = {'inputSize': INPUT_SIZE, 'hiddenSize': HIDDEN_SIZE, 'cases': cases, 'errors': error_messages}
path = os.path.join(OUT, 'rnn-packed.json')
with open(path, 'w') as f:
    json.dump(fixture, f, separators=(',', ':'))
print('rnn-packed', len(cases), 'cases', os.path.getsize(path), 'bytes')
print(json.dumps(error_messages, indent=1))
