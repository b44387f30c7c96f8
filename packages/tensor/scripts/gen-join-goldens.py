#!/usr/bin/env python3
"""Writes fixtures/join.json: golden results of PyTorch 1.13's joining, splitting and shape-building ops.

Run with the Debian PyTorch: `/usr/bin/python3 packages/tensor/scripts/gen-join-goldens.py`.

Each case names a torch function (`op`, Python spelling; `method: true` calls it as a Tensor method on the first
argument), positional `args` and keyword `kwargs`. A tensor argument is written {"$t": spec} where spec has
`shape`, `dtype`, flat row-major `data`, and optionally `transpose: true` (the last two dims are swapped after
construction, giving a non-contiguous view) or `narrow: [dim, start, length]`. The test (src/ops/join.test.ts)
rebuilds the same call in TypeScript, converting names to camelCase and kwargs to a trailing options object.

Each result is either {"error": "RuntimeError", "message": first line} or an output: a tensor
{"shape", "dtype", "strides", "offset", "isView", "sharesInput", "data"} or {"list": [tensors]}.
`sharesInput` says whether the output uses the storage of the first tensor argument (null when that storage is
empty, where PyTorch's data pointers cannot tell).
"""
import json
import os
import warnings

import torch

warnings.filterwarnings('ignore')

DTYPES = {
    'float32': torch.float32, 'float64': torch.float64, 'float16': torch.float16, 'bfloat16': torch.bfloat16,
    'int64': torch.int64, 'int32': torch.int32, 'int16': torch.int16, 'int8': torch.int8, 'uint8': torch.uint8,
    'bool': torch.bool,
}
NAMES = {v: k for k, v in DTYPES.items()}


def T(*shape, dtype='float32', data=None, transpose=False, narrow=None, start=0):
    """A tensor spec; default data counts up from `start` (halves for floats, 0/1 pattern for bool)."""
    n = 1
    for s in shape:
        n *= s
    if data is None:
        if dtype == 'bool':
            data = [bool((i + start) % 3) for i in range(n)]
        elif dtype.startswith('float') or dtype == 'bfloat16':
            data = [(i + start) * 0.5 - 1 for i in range(n)]
        elif dtype == 'uint8':
            data = [(i + start) % 256 for i in range(n)]
        else:
            data = [i + start - 2 for i in range(n)]
    spec = {'shape': list(shape), 'dtype': dtype, 'data': data}
    if transpose:
        spec['transpose'] = True
    if narrow is not None:
        spec['narrow'] = list(narrow)
    return {'$t': spec}


def build(spec):
    dtype = DTYPES[spec['dtype']]
    t = torch.tensor(spec['data'], dtype=dtype).reshape(spec['shape']).clone()
    if spec.get('transpose'):
        t = t.transpose(-1, -2)
    if 'narrow' in spec:
        d, s, l = spec['narrow']
        t = t.narrow(d, s, l)
    return t


def materialize(x, tensors):
    if isinstance(x, dict) and '$t' in x:
        t = build(x['$t'])
        tensors.append(t)
        return t
    if isinstance(x, list):
        return [materialize(v, tensors) for v in x]
    return x


def encode_tensor(t, first):
    if t.dtype == torch.bool:
        data = [bool(v) for v in t.flatten().tolist()]
    elif t.dtype.is_floating_point:
        data = [float(v) for v in t.detach().flatten().to(torch.float64).tolist()]
    else:
        data = [int(v) for v in t.flatten().tolist()]
    shares = None
    if first is not None and first.storage().size() > 0:
        shares = t.storage().data_ptr() == first.storage().data_ptr()
    return {
        'shape': list(t.shape), 'dtype': NAMES[t.dtype], 'strides': list(t.stride()), 'offset': t.storage_offset(),
        'isView': t._base is not None, 'sharesInput': shares, 'data': data,
    }


def resolve(op):
    target = torch
    for part in op.split('.'):
        target = getattr(target, part)
    return target


def run(case):
    tensors = []
    args = materialize(case['args'], tensors)
    kwargs = case.get('kwargs', {})
    first = tensors[0] if tensors else None
    try:
        if case.get('method'):
            out = getattr(args[0], case['op'])(*args[1:], **kwargs)
        else:
            out = resolve(case['op'])(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - every error is a golden
        return {'error': type(e).__name__, 'message': str(e).split('\n')[0]}
    if isinstance(out, (tuple, list)):
        return {'list': [encode_tensor(t, first) for t in out]}
    return encode_tensor(out, first)


cases = []


def case(op, *args, method=False, **kwargs):
    c = {'id': f'{op}#{len(cases)}', 'op': op, 'args': list(args)}
    if kwargs:
        c['kwargs'] = kwargs
    if method:
        c['method'] = True
    cases.append(c)


E = T(0)  # the 1-d empty tensor that cat skips

# cat / concat / concatenate
case('cat', [T(2, 3), T(3, 3)])
case('cat', [T(2, 3), T(2, 4)], 1)
case('cat', [T(2, 3), T(2, 3)], -1)
case('cat', [T(2, 3), T(3, 3)], 1)
case('cat', [T(2, 3), E])
case('cat', [E, T(3, 3, dtype='int64')])
case('cat', [T(0, dtype='int64'), T(2, 3, dtype='int32')])
case('cat', [E, E])
case('cat', [T(0, dtype='float64'), E], 1)
case('cat', [T(0, 3), T(2, 3)])
case('cat', [T(0, 2), T(2, 3)])
case('cat', [])
case('cat', [T()])
case('cat', [T(2, 3), T()])
case('cat', [T(2, 3)], 2)
case('cat', [T(2, 3), T(2, 3, 1)])
case('cat', [T(1), T(2, 3)])
case('cat', [T(2, 3), T(2, 3, dtype='float64')])
case('cat', [T(2, 3, dtype='bool'), T(2, 3, dtype='uint8')])
case('cat', [T(2, 3, dtype='int8'), T(2, 3, dtype='uint8')])
case('cat', [T(2, 3, dtype='float16'), T(2, 3, dtype='bfloat16')])
case('cat', [T(2, 3, dtype='int64'), T(2, 2, dtype='int64')], 1)
case('cat', [T(2, 3, dtype='float16'), T(1, 3, dtype='float16')])
case('cat', [T(2, 3, dtype='bool'), T(2, 1, dtype='bool')], 1)
case('cat', [T(2, 3, transpose=True), T(2, 3, transpose=True)])
case('cat', [T(2, 3, transpose=True), T(2, 3, transpose=True)], 1)
case('cat', [T(2, 3), T(3, 3, transpose=True)], 0)
case('cat', [T(2, 3, 4), T(2, 1, 4, start=100), T(2, 2, 4, start=50)], 1)
case('cat', [T(2, 3, 40), T(2, 3, 70, start=5)], 2)
case('cat', [T(2, 0), T(2, 0)], 1)
case('cat', [T(2, 3), E], 1)
case('cat', [E, E], 1)
case('cat', [T(0, 3), E], 1)
case('cat', [T(2, 3, dtype='bool'), E])
case('cat', [T(4, 3, narrow=(0, 1, 2)), T(2, 3)])
case('concat', [T(2, 3), T(2, 3)])
case('concatenate', [T(2, 3), T(2, 3)], 1)

# stack
case('stack', [T(2, 3), T(3, 3)])
case('stack', [])
case('stack', [T(2, 3), T(2, 3)], 3)
case('stack', [T(2, 3), T(2, 3, start=6)], -1)
case('stack', [T(2, 3), T(2, 3, start=6)], 1)
case('stack', [T(2, 3), T(2, 3, dtype='int32')])
case('stack', [T(), T(dtype='int64')])
case('stack', [T(), T(2)])
case('stack', [T(2, 3), T(3, 3)], 2)
case('stack', [T(2, 3), T(0)])
case('stack', [T(0), T(0)], 1)
case('stack', [T(2, 3, transpose=True), T(2, 3, transpose=True)])

# hstack / vstack / row_stack / dstack / column_stack
case('hstack', [T(), T(dtype='int64')])
case('hstack', [T(2, 3), T(2, 1)])
case('hstack', [T(0), T(2, 3)])
case('hstack', [])
case('vstack', [T(2), T(2, dtype='int64')])
case('vstack', [T(2, 3), T(3)])
case('vstack', [])
case('row_stack', [T(2, 3), T(2, 3)])
case('dstack', [T(2, 3), T(2, 3)])
case('dstack', [T(), T(1)])
case('dstack', [])
case('column_stack', [T(3), T(3, 2)])
case('column_stack', [T(), T(1)])
case('column_stack', [T(2), T(3, 2, transpose=True)])
case('column_stack', [])

# split / split_with_sizes / chunk / unbind
case('split', T(2, 3), 2, 1)
case('split', T(2, 3), [1, 2], 1)
case('split', T(2, 3), [1, 1], 1)
case('split', T(2, 3), [1, -1, 3], 1)
case('split', T(2, 3), 0, 1)
case('split', T(2, 3), -1, 1)
case('split', T(), 1)
case('split', T(0), 0)
case('split', T(0, 3), 0)
case('split', T(2, 3), 4, 1)
case('split', T(2, 3), 1, 5)
case('split', T(5, 2), 2)
case('split', T(2, 3, transpose=True), 1, 1)
case('split', T(4, 3, narrow=(1, 0, 2)), 1, 1)
case('split', T(0, 3), [], 0)
case('split', T(2, 3), [], 1)
case('chunk', T(2, 3), 2, 1)
case('chunk', T(2, 3), 0)
case('chunk', T(5), 3)
case('chunk', T(6), 4)
case('chunk', T(10), 4)
case('chunk', T(0), 3)
case('chunk', T(0, 3), 2)
case('chunk', T(1), 3)
case('chunk', T(), 1)
case('chunk', T(2, 3), 2, 5)
case('unbind', T(2, 3), 1)
case('unbind', T(2, 3), -1)
case('unbind', T(2, 3))
case('unbind', T())
case('unbind', T(2, 3), 2)
case('unbind', T(2, 3, transpose=True), 0)

# tensor_split / hsplit / vsplit / dsplit
case('tensor_split', T(7), 3)
case('tensor_split', T(7), [1, 5])
case('tensor_split', T(7), [1, 10])
case('tensor_split', T(7), [5, 1])
case('tensor_split', T(7), 0)
case('tensor_split', T(7), T(data=[3], dtype='int64'))
case('tensor_split', T(7), T(2, data=[1, 5], dtype='int64'))
case('tensor_split', T(7), T(1, 1, data=[1], dtype='int64'))
case('tensor_split', T(7), T(1, data=[1.0]))
case('tensor_split', T(), 2)
case('tensor_split', T(2, 3), 2, 1)
case('tensor_split', T(2, 3), [1, 1], 1)
case('tensor_split', T(2, 3), [-1], 1)
case('tensor_split', T(2, 3), [-5], 1)
case('tensor_split', T(2, 3), 2, 2)
case('tensor_split', T(2, 5, transpose=True), 3, 0)
case('hsplit', T(6), 2)
case('hsplit', T(6), 4)
case('hsplit', T(2, 3), 3)
case('hsplit', T(2, 3), [1])
case('hsplit', T(2, 3), 0)
case('hsplit', T(), 1)
case('hsplit', T(0), 2)
case('vsplit', T(2, 3), 2)
case('vsplit', T(6), 2)
case('vsplit', T(4, 3), [1, 3])
case('dsplit', T(2, 2, 4), 2)
case('dsplit', T(2, 2, 4), 3)
case('dsplit', T(2, 3), 2)

# flip / fliplr / flipud
case('flip', T(2, 3), [0])
case('flip', T(2, 3), [0, 1])
case('flip', T(2, 3), [])
case('flip', T(2, 3), [0, 0])
case('flip', T(2, 3), [2])
case('flip', T(), [0])
case('flip', T(2, 3, 4), [-1, 0])
case('flip', T(2, 3, transpose=True), [1])
case('flip', T(2, 3, dtype='int64'), [1])
case('flip', T(2, 3, dtype='bool'), [0])
case('flip', T(3, 2, dtype='float16'), [0, 1])
case('flip', T(0, 3), [0])
case('fliplr', T(2, 3))
case('fliplr', T(3))
case('flipud', T(3, dtype='int64'))
case('flipud', T())

# roll
case('roll', T(2, 3), 1)
case('roll', T(2, 3), 1, 1)
case('roll', T(2, 3), [1, 1], [0, 1])
case('roll', T(2, 3), [1, 1], [0])
case('roll', T(2, 3), [1, 2])
case('roll', T(2, 3), -7, 1)
case('roll', T(0, 2), 1, 0)
case('roll', T(2, 3), [], [])
case('roll', T(2, 3, transpose=True), 1)
case('roll', T(2, 3, transpose=True), 2, 0)
case('roll', T(), 1)
case('roll', T(), 1, 0)
case('roll', T(2, 3), 1, 5)
case('roll', T(2, 3, 4, dtype='int64'), [1, -2, 5], [0, 1, 2])
case('roll', T(3, 3), [1, 1], [0, 0])

# rot90
case('rot90', T(2, 3))
case('rot90', T(2, 3), 2)
case('rot90', T(2, 3), 3)
case('rot90', T(2, 3), 4)
case('rot90', T(2, 3), -1)
case('rot90', T(2, 3), 1, [1, 0])
case('rot90', T(2, 3, 4), 1, [0, 2])
case('rot90', T(2, 3), 1, [0, 0])
case('rot90', T(2, 3), 1, [0])
case('rot90', T(3), 1)
case('rot90', T(2, 3), 1, [0, 2])
case('rot90', T(2, 3), 1, [0, 5])
case('rot90', T(2, 3), 1, [-2, -1])
case('rot90', T(2, 3, transpose=True), 0)

# repeat / tile
case('repeat', T(2, 3), 2, 1, method=True)
case('repeat', T(2, 3), 2, method=True)
case('repeat', T(2, 3), 1, 2, 2, method=True)
case('repeat', T(2, 3), 0, 1, method=True)
case('repeat', T(2, 3), -1, 1, method=True)
case('repeat', T(), 2, method=True)
case('repeat', T(), [], method=True)
case('repeat', T(2, 3, transpose=True), 2, 2, method=True)
case('repeat', T(3, dtype='int64'), 2, 2, method=True)
case('tile', T(2, 3), [2])
case('tile', T(2, 3), [2, 1, 1])
case('tile', T(2, 3), [])
case('tile', T(2, 3), [-1])
case('tile', T(2, dtype='bool'), [3])

# repeat_interleave
case('repeat_interleave', T(3, data=[1, 2, 3], dtype='int64'))
case('repeat_interleave', T(3, data=[1, 0, 3], dtype='int32'))
case('repeat_interleave', T(2, data=[1.0, 2.0]))
case('repeat_interleave', T(1, 2, data=[1, 2], dtype='int64'))
case('repeat_interleave', T(2, data=[1, -2], dtype='int64'))
case('repeat_interleave', T(data=[2], dtype='int64'))
case('repeat_interleave', T(2, 3), 2)
case('repeat_interleave', T(2, 3), 2, 0)
case('repeat_interleave', T(2, 3), T(2, data=[1, 2], dtype='int64'), 0)
case('repeat_interleave', T(2, 3), T(2, data=[1, 2], dtype='int64'), 1)
case('repeat_interleave', T(2, 3), T(1, data=[2], dtype='int64'), 1)
case('repeat_interleave', T(2, 3), T(data=[2], dtype='int64'), 1)
case('repeat_interleave', T(2, 3), -1)
case('repeat_interleave', T(2, 3), T(2, data=[1, -1], dtype='int64'), 0)
case('repeat_interleave', T(2, 3), T(2, data=[1.0, 1.0]), 0)
case('repeat_interleave', T(2, 3), T(2, data=[True, False], dtype='bool'), 0)
case('repeat_interleave', T(2, 3), T(3, data=[1, 1, 1], dtype='int64'), 0)
case('repeat_interleave', T(2, 3), T(1, 2, data=[1, 2], dtype='int64'), 0)
case('repeat_interleave', T(2, 3), T(2, data=[1, 2], dtype='int32'), 0)
case('repeat_interleave', T(2, 3), 2, output_size=4)
case('repeat_interleave', T(2, 3), 2, 0, output_size=4)
case('repeat_interleave', T(), 3)
case('repeat_interleave', T(2, 3), T(1, data=[2], dtype='int64'))
case('repeat_interleave', T(2, 3), 2, 5)
case('repeat_interleave', T(2, 3, transpose=True), T(3, data=[0, 1, 2], dtype='int64'), 0)
case('repeat_interleave', T(2, 70, dtype='int64'), 2, 0)

# broadcast_to / broadcast_tensors / meshgrid
case('broadcast_to', T(3), [2, 3])
case('broadcast_to', T(3), [2, -1])
case('broadcast_to', T(3), [2, 4])
case('broadcast_to', T(2, 3), [1, -1, 3])
case('broadcast_to', T(2, 1, transpose=True), [3, 2, 4])
case('broadcast_tensors', T(3, dtype='int64'), T(2, 1))
case('broadcast_tensors', T(3), T(2))
case('broadcast_tensors', T(2, 3))
case('broadcast_tensors', T(1, 3), T(2, 1, 1), T())
case('meshgrid', T(2, dtype='int64'), T(3, dtype='int64'), indexing='ij')
case('meshgrid', T(2, dtype='int64'), T(3, dtype='int64'), indexing='xy')
case('meshgrid', T(2, dtype='int64'), T(3), indexing='xy')
case('meshgrid', T(2), T(), indexing='ij')
case('meshgrid', T(2), T(2, 2), indexing='ij')
case('meshgrid', T(2), indexing='xy')
case('meshgrid', indexing='ij')
case('meshgrid', T(2), T(3), T(4), indexing='xy')
case('meshgrid', T(2), T(3), T(4), indexing='ij')
case('meshgrid', T(2), T(3), indexing='foo')
case('meshgrid', [T(2), T(3)])

# tril / triu / tril_ / triu_
for op in ['tril', 'triu']:
    case(op, T(2, 3))
    case(op, T(2, 3), 1)
    case(op, T(2, 3), -1)
    case(op, T(2, 3), 5)
    case(op, T(2, 3), -100)
    case(op, T(2, 3, 4), 1)
    case(op, T(3))
    case(op, T())
    case(op, T(2, 3, transpose=True))
    case(op, T(2, 3, dtype='bool'))
    case(op, T(3, 3, dtype='int64'), -1)
    case(op, T(2, 0))
    case(op + '_', T(2, 3), method=True)
    case(op + '_', T(2, 3, transpose=True), 1, method=True)
    case(op + '_', T(2, 3, 3, dtype='int64'), -1, method=True)
    case(op + '_', T(3), method=True)

# diag / diag_embed / diagflat / trace
case('diag', T(3, dtype='int64'))
case('diag', T(3, dtype='int64'), 1)
case('diag', T(3, dtype='int64'), -2)
case('diag', T(2, 3))
case('diag', T(2, 3), 1)
case('diag', T(2, 3), 2)
case('diag', T(2, 3), 3)
case('diag', T(2, 3), 4)
case('diag', T(2, 3), -1)
case('diag', T(2, 3), -2)
case('diag', T(2, 3), -3)
case('diag', T(2, 3, transpose=True))
case('diag', T(2, 3, 4))
case('diag', T())
case('diag', T(0))
case('diag', T(2, 3, dtype='bool'))
case('diag', T(2, dtype='bool'))
case('diag_embed', T(2, 3))
case('diag_embed', T(2, 3), 1)
case('diag_embed', T(2, 3), -1, 0, 2)
case('diag_embed', T(2, 3), 0, 1, 1)
case('diag_embed', T(2, 3), 0, -1, -1)
case('diag_embed', T(2, 3), 0, 0, 3)
case('diag_embed', T())
case('diag_embed', T(3, dtype='int64'))
case('diag_embed', T(2, 3, transpose=True), 1, 2, 0)
case('diagflat', T(2, 3))
case('diagflat', T(2, 2), 1)
case('diagflat', T(2, 2), -1)
case('diagflat', T())
case('diagflat', T(0))
case('trace', T(2, 3))
case('trace', T(2, 3, dtype='int32'))
case('trace', T(2, 3, dtype='uint8'))
case('trace', T(2, 3, dtype='float64'))
case('trace', T(2, 3, dtype='bool'))
case('trace', T(2, 3, dtype='float16'))
case('trace', T(2, 3, dtype='bfloat16'))
case('trace', T(3))
case('trace', T(2, 3, 4))
case('trace', T(0, 0))
case('trace', T(0, 0, dtype='int32'))
case('trace', T(3, 4, transpose=True))

# kron
case('kron', T(2, 3), T(3, 3))
case('kron', T(2, dtype='int64'), T(2, 3))
case('kron', T(), T(2, 3))
case('kron', T(2, 3, dtype='int32'), T(2, dtype='uint8'))
case('kron', T(2, 3, dtype='bool'), T(2, 3, dtype='bool'))
case('kron', T(), T(dtype='int64'))
case('kron', T(0, 2), T(2, 3))
case('kron', T(2, 2, dtype='float16'), T(2, dtype='bfloat16'))
case('kron', T(2, 1, 2), T(3, 2))

# cross / linalg.cross
case('cross', T(2, 3), T(2, 3, start=3))
case('cross', T(3, 3), T(3, 3, start=2))
case('cross', T(3, 3), T(3, 3, start=2), dim=1)
case('cross', T(3, 3), T(3, 3, start=2), 1)
case('cross', T(2, 3), T(1, 3, start=3))
case('cross', T(2, 3), T(3))
case('cross', T(2, 2), T(2, 2), dim=0)
case('cross', T(2, 2), T(2, 2))
case('cross', T(3, 2), T(1, 3))
case('cross', T(3, 2), T(3, 1, start=1))
case('cross', T(2, 3, dtype='int64'), T(2, 3))
case('cross', T(2, 3, dtype='int64'), T(2, 3, dtype='int64', start=4))
case('cross', T(3, 3, transpose=True), T(3, 3, start=1))
case('cross', T(2, 2), T(2, 3, 2))
case('linalg.cross', T(3, 3), T(3, 3, start=2))
case('linalg.cross', T(2, 3), T(1, 3, start=5))
case('linalg.cross', T(2, 3), T(2, 3), dim=0)
case('linalg.cross', T(2, 3, transpose=True), T(2, 3, transpose=True))
case('linalg.cross', T(2, 3), T(2, 3, dtype='float64'))
case('linalg.cross', T(2, 3), T(2, 4, dtype='float64'))
case('linalg.cross', T(2, 3, dtype='float16'), T(2, 3, dtype='float16'))
case('linalg.cross', T(2, 3, dtype='float16'), T(3, 3, dtype='float16'))
case('linalg.cross', T(3, dtype='bfloat16'), T(3, dtype='bfloat16', start=1))
case('linalg.cross', T(3, dtype='uint8', start=3), T(3, dtype='uint8'))
case('linalg.cross', T(3, dtype='int8'), T(3, dtype='int8', start=7))
case('linalg.cross', T(3, dtype='bool'), T(3, dtype='bool'))
case('linalg.cross', T(2, 1, 3), T(4, 3))
case('linalg.cross', T(2, 1, 3), T(1, 4, 3, start=3))
case('linalg.cross', T(2, 3), T(2, 3), dim=2)
case('linalg.cross', T(3, 2), T(3, 2, start=1), dim=0)
case('linalg.cross', T(3), T(2, 3))

# atleast
for op in ['atleast_1d', 'atleast_2d', 'atleast_3d']:
    case(op, T())
    case(op, T(3))
    case(op, T(2, 3))
    case(op, T(2, 3, 4))
    case(op, T(2, 3, transpose=True))
    case(op, T(2, 3), T(dtype='int64'))
    case(op, [T(2), T()])

results = []
for c in cases:
    results.append({**c, 'result': run(c)})

out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'join.json')
with open(out_path, 'w') as f:
    json.dump({'meta': {'torch': torch.__version__}, 'cases': results}, f, separators=(',', ':'))
    f.write('\n')
print(f'wrote {len(results)} cases to {os.path.normpath(out_path)}')
