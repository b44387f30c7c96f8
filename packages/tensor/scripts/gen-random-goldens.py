#!/usr/bin/env python3
"""Writes fixtures/random.json: golden outputs of PyTorch 1.13's CPU generator.

Run with the Debian PyTorch: `/usr/bin/python3 packages/tensor/scripts/gen-random-goldens.py`.
Every case records the seed, the call and the exact values torch produced, so the TypeScript
port in src/random/ can be checked bit for bit without Python at test time. Float32 values are
written as the exact double of the float (Python's repr round-trips), int64 values as strings
where they might exceed 2**53.
"""
import base64
import json
import os

import torch

SEEDS = [0, 1, 42, 123456789, 2**40 + 7]
SIZES = [1, 5, 15, 16, 17, 100]
DTYPES = {'float32': torch.float32, 'float64': torch.float64}


def values(t):
    if t.dtype in (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8):
        return [str(v) for v in t.flatten().tolist()]
    if t.dtype == torch.bool:
        return [int(v) for v in t.flatten().tolist()]
    return [float(v) for v in t.flatten().to(torch.float64).tolist()]


def state_b64():
    return base64.b64encode(bytes(torch.get_rng_state().tolist())).decode('ascii')


cases = {'meta': {'torch': torch.__version__, 'capability': torch.__config__.show().split('CPU capability usage: ')[1].split('\n')[0]}}

# Engine state right after seeding (covers seeding, truncation and the state layout).
cases['states'] = []
for seed in [0, 42, 2**32 + 5, 2**64 - 1, -1, 67280421310721]:
    torch.manual_seed(seed)
    cases['states'].append({'seed': str(seed), 'initialSeed': str(torch.initial_seed()), 'state': state_b64()})
# State after drawing: exercises the twist and a cached double normal sample.
torch.manual_seed(7)
torch.rand(700)
torch.randn(3, dtype=torch.float64)
cases['stateAfterDraws'] = {'seed': '7', 'draws': 'rand(700) float32, randn(3) float64', 'state': state_b64()}
# Legacy-size state (5048 bytes) must be accepted too.

# int64 random_() = random64() % 2**63; randint(0, 2**32) = random64() % 2**32.
cases['random64'] = []
for seed in SEEDS[:3]:
    torch.manual_seed(seed)
    a = torch.empty(20, dtype=torch.int64).random_()
    cases['random64'].append({'seed': seed, 'values': values(a)})

cases['uniform'] = []
for seed in SEEDS:
    for dtype_name, dtype in DTYPES.items():
        for size in SIZES:
            torch.manual_seed(seed)
            cases['uniform'].append({'seed': seed, 'dtype': dtype_name, 'size': size, 'from': 0.0, 'to': 1.0,
                                     'values': values(torch.rand(size, dtype=dtype))})
        for lo, hi in [(-2.0, 3.0), (0.1, 0.7), (-1e3, 1e3 / 3)]:
            torch.manual_seed(seed)
            cases['uniform'].append({'seed': seed, 'dtype': dtype_name, 'size': 33, 'from': lo, 'to': hi,
                                     'values': values(torch.empty(33, dtype=dtype).uniform_(lo, hi))})
    for dtype_name, dtype in {'float16': torch.float16, 'bfloat16': torch.bfloat16}.items():
        for lo, hi in [(0.0, 1.0), (-2.0, 3.0), (0.1, 0.7)]:
            torch.manual_seed(seed)
            cases['uniform'].append({'seed': seed, 'dtype': dtype_name, 'size': 17, 'from': lo, 'to': hi,
                                     'values': values(torch.empty(17, dtype=dtype).uniform_(lo, hi))})

cases['normal'] = []
for seed in SEEDS:
    for dtype_name, dtype in DTYPES.items():
        for size in SIZES + [32, 33, 257]:
            torch.manual_seed(seed)
            cases['normal'].append({'seed': seed, 'dtype': dtype_name, 'size': size, 'mean': 0.0, 'std': 1.0,
                                    'values': values(torch.randn(size, dtype=dtype))})
        for size in [5, 16, 37]:
            torch.manual_seed(seed)
            cases['normal'].append({'seed': seed, 'dtype': dtype_name, 'size': size, 'mean': 1.5, 'std': 2.5,
                                    'values': values(torch.empty(size, dtype=dtype).normal_(1.5, 2.5))})
for seed in SEEDS[:3]:
    for dtype_name, dtype in {'float16': torch.float16, 'bfloat16': torch.bfloat16}.items():
        for size, mean, std in [(5, 0.0, 1.0), (17, 0.0, 1.0), (40, 0.5, 2.0)]:
            torch.manual_seed(seed)
            cases['normal'].append({'seed': seed, 'dtype': dtype_name, 'size': size, 'mean': mean, 'std': std,
                                    'values': values(torch.empty(size, dtype=dtype).normal_(mean, std))})
# Sequences of calls: the scalar path caches the second Box-Muller sample in the generator.
cases['normalSequences'] = []
for seed in SEEDS[:3]:
    for calls in [[('float64', 5), ('float64', 3)], [('float32', 3), ('float64', 1), ('float32', 20), ('float32', 1)],
                  [('float64', 1), ('float32', 1), ('float64', 16), ('float64', 1)]]:
        torch.manual_seed(seed)
        outs = []
        for dtype_name, size in calls:
            outs.append({'dtype': dtype_name, 'size': size, 'values': values(torch.randn(size, dtype=DTYPES[dtype_name]))})
        cases['normalSequences'].append({'seed': seed, 'calls': outs})

cases['randint'] = []
for seed in SEEDS:
    for lo, hi in [(0, 10), (-5, 5), (0, 2**31), (0, 2**32), (-3, 2**33 + 11), (-2**62, 2**62)]:
        for dtype_name, dtype in {'int64': torch.int64, 'int32': torch.int32, 'float32': torch.float32,
                                  'float64': torch.float64, 'int16': torch.int16}.items():
            if dtype_name == 'int32' and (lo < -2**31 or hi > 2**31):
                continue
            if dtype_name == 'int16' and (hi > 2**15):
                continue
            if dtype_name in ('float32',) and hi > 2**24:
                continue
            if dtype_name in ('float64',) and hi > 2**53:
                continue
            torch.manual_seed(seed)
            cases['randint'].append({'seed': seed, 'dtype': dtype_name, 'low': str(lo), 'high': str(hi), 'size': 17,
                                     'values': values(torch.randint(lo, hi, (17,), dtype=dtype))})

cases['randperm'] = []
for seed in SEEDS:
    for n in [0, 1, 2, 5, 10, 100]:
        torch.manual_seed(seed)
        cases['randperm'].append({'seed': seed, 'n': n, 'values': values(torch.randperm(n))})

cases['bernoulli'] = []
for seed in SEEDS[:3]:
    for dtype_name, dtype in DTYPES.items():
        torch.manual_seed(seed)
        cases['bernoulli'].append({'seed': seed, 'dtype': dtype_name, 'p': 0.3, 'pDtype': None, 'size': 40,
                                   'values': values(torch.empty(40, dtype=dtype).bernoulli_(0.3))})
    for p_name, p_dtype in DTYPES.items():
        torch.manual_seed(100 + seed)
        p = torch.rand(40, dtype=torch.float64).to(p_dtype)
        torch.manual_seed(seed)
        cases['bernoulli'].append({'seed': seed, 'dtype': 'float32', 'p': values(p), 'pDtype': p_name, 'size': 40,
                                   'values': values(torch.bernoulli(p).float())})

cases['exponential'] = []
for seed in SEEDS[:3]:
    for dtype_name, dtype in DTYPES.items():
        torch.manual_seed(seed)
        cases['exponential'].append({'seed': seed, 'dtype': dtype_name, 'lambda': 1.5, 'size': 20,
                                     'values': values(torch.empty(20, dtype=dtype).exponential_(1.5))})

cases['multinomial'] = []
for seed in SEEDS[:3]:
    for dtype_name, dtype in DTYPES.items():
        torch.manual_seed(1000 + seed)
        probs = torch.rand(3, 7, dtype=torch.float64).to(dtype)
        probs[1, 2] = 0
        for num_samples, replacement in [(1, False), (1, True), (4, False), (7, False), (10, True)]:
            torch.manual_seed(seed)
            out = torch.multinomial(probs, num_samples, replacement)
            cases['multinomial'].append({'seed': seed, 'dtype': dtype_name, 'probs': values(probs), 'numRows': 3,
                                         'numCategories': 7, 'numSamples': num_samples, 'replacement': replacement,
                                         'values': values(out)})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'random.json')
with open(path, 'w') as f:
    json.dump(cases, f, separators=(',', ':'))
print('wrote', os.path.normpath(path), os.path.getsize(path), 'bytes')
