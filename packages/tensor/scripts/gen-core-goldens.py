#!/usr/bin/python3
"""Writes fixtures/elementwise.json and fixtures/creation.json: golden results of PyTorch 1.13.

Run with the Debian PyTorch: `/usr/bin/python3 packages/tensor/scripts/gen-core-goldens.py`.

Encoding (read by src/ops/*.test.ts):
- a tensor is {"shape", "dtype", "data"} with flat row-major data; floats may be "NaN"/"Infinity"/"-Infinity",
  float16/bfloat16 values are written as the doubles they hold, int64 values as decimal strings (exact beyond
  2**53), bool values as true/false.
- a scalar argument is {"int": v} (v a number, or a decimal string when beyond 2**53), {"float": v} or
  {"bool": v}. In JS a whole number is a Python int, so float scalars here are never whole numbers.
- a call is {"op": name, "args": [...], "kwargs": {...}} with torch's snake_case names; an op ending in "_" is the
  in-place method applied to a clone of args[0]. The result is {"out": tensor} or {"error": "Type: message"}.
"""
import itertools
import json
import math
import os

import warnings

import torch

warnings.filterwarnings("ignore")

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'fixtures')

DTYPES = {
    'bool': torch.bool, 'uint8': torch.uint8, 'int8': torch.int8, 'int16': torch.int16, 'int32': torch.int32,
    'int64': torch.int64, 'float16': torch.float16, 'bfloat16': torch.bfloat16, 'float32': torch.float32,
    'float64': torch.float64,
}
NAMES = {v: k for k, v in DTYPES.items()}
ALL = list(DTYPES)


def enc_num(v):
    if isinstance(v, float) and not math.isfinite(v):
        return 'NaN' if math.isnan(v) else ('Infinity' if v > 0 else '-Infinity')
    return v


def enc(t):
    """Tensor → JSON."""
    flat = t.detach().reshape(-1)
    if t.dtype in (torch.float16, torch.bfloat16):
        flat = flat.to(torch.float64)
    values = flat.tolist()
    if t.dtype == torch.int64:
        data = [str(v) for v in values]
    else:
        data = [enc_num(v) for v in values]
    return {'shape': list(t.shape), 'dtype': NAMES[t.dtype], 'data': data}


def dec_num(v):
    return {'NaN': math.nan, 'Infinity': math.inf, '-Infinity': -math.inf}.get(v, v) if isinstance(v, str) else v


class T:
    """A tensor argument: data given as Python values, created in torch exactly as the TS test creates it."""

    def __init__(self, data, dtype='float32', shape=None):
        self.dtype = dtype
        flat = list(data)
        self.shape = [len(flat)] if shape is None else list(shape)
        if dtype in ('float16', 'bfloat16'):
            self.t = torch.tensor(flat, dtype=torch.float64).to(DTYPES[dtype]).reshape(self.shape)
        else:
            self.t = torch.tensor(flat, dtype=DTYPES[dtype]).reshape(self.shape)
        self.spec = enc(self.t)


class S:
    """A scalar argument: kind is 'int', 'float' or 'bool'."""

    def __init__(self, value):
        self.value = value
        if isinstance(value, bool):
            self.spec = {'bool': value}
        elif isinstance(value, int):
            self.spec = {'int': value if abs(value) <= 2**53 else str(value)}
        else:
            assert isinstance(value, float) and not (math.isfinite(value) and value == int(value)), value
            self.spec = {'float': enc_num(value)}


def pyval(a):
    if isinstance(a, T):
        return a.t.clone()
    if isinstance(a, S):
        return a.value
    return a


def call(op, *args, **kwargs):
    """Runs op in torch; returns the case record."""
    record = {'op': op, 'args': [a.spec if isinstance(a, (T, S)) else a for a in args]}
    if kwargs:
        record['kwargs'] = {k: (v.spec if isinstance(v, (T, S)) else v) for k, v in kwargs.items()}
    pargs = [pyval(a) for a in args]
    pkw = {k: pyval(v) for k, v in kwargs.items()}
    try:
        if op.endswith('_'):
            out = getattr(pargs[0], op)(*pargs[1:], **pkw)
        else:
            out = getattr(torch, op)(*pargs, **pkw)
        record['out'] = enc(out)
    except Exception as e:  # noqa: BLE001 - recorded as the expected error
        record['error'] = f'{type(e).__name__}: {e}'
    return record


# ---------------------------------------------------------------------------------------------------------------
# Type promotion

def promotion():
    out = {'promoteTypes': [], 'resultType': []}
    for a, b in itertools.product(ALL, ALL):
        out['promoteTypes'].append([a, b, NAMES[torch.promote_types(DTYPES[a], DTYPES[b])]])
    scalars = [S(2), S(-3), S(2**60), S(2.5), S(math.inf), S(True), S(False)]
    for a in ALL:
        for dim in (0, 1, 2):
            ta = torch.ones([2] * dim, dtype=DTYPES[a])
            for s in scalars:
                out['resultType'].append({'operands': [{'dtype': a, 'dim': dim}, s.spec],
                                          'result': NAMES[torch.result_type(ta, s.value)]})
            for b in ALL:
                for dim_b in (0, 1):
                    tb = torch.ones([3] * dim_b, dtype=DTYPES[b])
                    out['resultType'].append({'operands': [{'dtype': a, 'dim': dim}, {'dtype': b, 'dim': dim_b}],
                                              'result': NAMES[torch.result_type(ta, tb)]})
    return out


# ---------------------------------------------------------------------------------------------------------------
# Unary ops

FLOAT_EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.25, 3.7, -3.7, 0.1, -0.1, 1e-8, -1e-8, 1e-30,
               -1e-30, 1e-300, 5e-324, 1.401298464324817e-45, 1e30, -1e30, 1e300, 3.4e38, 20.0, -20.0, 88.5, 89.0,
               -104.0, 710.0, -745.5, 100.5, 0.9999, -0.9999, 0.999999999, 1.0000001, math.pi, 1e10, -123456.75,
               4.5, 5.5, -0.49999997, 0.49999999999999994, 8388609.5, math.inf, -math.inf, math.nan]
UNIT_VALUES = [0.0, -0.0, 0.5, -0.5, 0.1, 0.25, 1e-10, -1e-10, 1e-30, 0.75, 0.9, -0.9, 0.99, 0.9999, 0.999999,
               0.9999999, 0.999999999999, -0.999999999999, 1.0, -1.0, 1.0000001, -2.0, 0.3, 1e-5, 0.6, math.nan]
# Spread of values for the smooth functions.
SMOOTH = [x / 8 for x in range(-60, 61, 7)] + [2.7, 3.3, 4.1, 5.9, 6.2, 9.75, 12.0, 15.5, 27.0, 30.0, -6.5, -9.0]

UNARY = ['neg', 'abs', 'sign', 'square', 'reciprocal', 'exp', 'exp2', 'expm1', 'log', 'log1p', 'log2', 'log10',
         'sqrt', 'rsqrt', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh',
         'atanh', 'sigmoid', 'logit', 'erf', 'erfc', 'erfinv', 'floor', 'ceil', 'round', 'trunc', 'frac', 'relu',
         'isnan', 'isinf', 'isposinf', 'isneginf', 'isfinite', 'logical_not', 'bitwise_not', 'nan_to_num']

INT_VALUES = {
    'uint8': [0, 1, 2, 3, 100, 200, 255],
    'int8': [0, 1, -1, 2, -3, 100, -128, 127],
    'int16': [0, 1, -1, 7, -300, 32767, -32768],
    'int32': [0, 1, -1, 5, -70000, 2147483647, -2147483648],
    'int64': [0, 1, -1, 9, -12345, 2**40 + 3, -(2**53) - 1, 2**63 - 1, -(2**63)],
    'bool': [False, True, True, False],
}


def unary_cases():
    cases = []
    for op in UNARY:
        for dtype in ('float32', 'float64'):
            values = FLOAT_EDGES + SMOOTH
            if op in ('erfinv', 'atanh', 'asin', 'acos', 'logit'):
                values = values + UNIT_VALUES
            cases.append(call(op, T(values, dtype)))
        for dtype in ('float16', 'bfloat16'):
            cases.append(call(op, T([0.0, -0.0, 1.0, -1.5, 0.3, 2.5, 3.5, 65504.0, 1e-6, math.inf, -math.inf,
                                     math.nan, 0.75, -0.2], dtype)))
        for dtype, values in INT_VALUES.items():
            cases.append(call(op, T(values, dtype)))
    # round with decimals, half to even
    for dtype in ('float32', 'float64'):
        values = [0.5, 1.5, 2.5, -0.5, -2.5, 1.25, 1.35, 2.675, 0.125, -0.125, 1234.5678, 5e-324, 1e300, math.inf,
                  math.nan, 123.456, 0.045, 1e-4, -3.14159265]
        for decimals in (0, 1, 2, 3, -1, -2):
            cases.append(call('round', T(values, dtype), decimals=decimals))
    cases.append(call('round', T([1, 2, 3], 'int64'), decimals=1))
    cases.append(call('round', T([1, 25, 35], 'int32'), decimals=-1))
    for dtype in ('float32', 'float64', 'float16'):
        v = T([math.nan, math.inf, -math.inf, 1.5, -0.0], dtype)
        cases.append(call('nan_to_num', v, nan=2.5, posinf=100.5, neginf=-7.25))
        cases.append(call('nan_to_num', v, posinf=1.5))
        cases.append(call('nan_to_num', v, nan=-0.5))
    cases.append(call('nan_to_num', T([1, 2], 'int32'), nan=2.5))
    # in-place unary on float and on int (cast errors)
    for op in ('neg_', 'abs_', 'exp_', 'sqrt_', 'sigmoid_', 'floor_', 'round_', 'frac_', 'relu_', 'logical_not_',
               'bitwise_not_', 'erfinv_', 'reciprocal_', 'sign_', 'trunc_', 'ceil_', 'square_', 'tanh_', 'log_'):
        cases.append(call(op, T([0.5, -1.5, 2.0, -0.0], 'float32')))
        cases.append(call(op, T([1, -2, 3], 'int64')))
        cases.append(call(op, T([True, False], 'bool')))
    return cases


# ---------------------------------------------------------------------------------------------------------------
# Binary ops

BINARY = ['add', 'sub', 'mul', 'div', 'floor_divide', 'remainder', 'fmod', 'pow', 'atan2', 'hypot', 'copysign',
          'logaddexp', 'logaddexp2', 'xlogy', 'maximum', 'minimum', 'fmax', 'fmin', 'eq', 'ne', 'lt', 'le', 'gt', 'ge',
          'logical_and', 'logical_or', 'logical_xor', 'bitwise_and', 'bitwise_or', 'bitwise_xor',
          'bitwise_left_shift', 'bitwise_right_shift']


def dtype_grid():
    """Result dtype (or error) of every binary op over every dtype pair, tensor-scalar and 0-d-vs-n-d.

    Keys are "a,b" with "@0" marking a 0-d tensor and #int/#float/#bool naming a scalar (2, 2.5, True); ops[op][i] is the result dtype
    for keys[i] or the index of an error message in "errors".
    """
    grid = {}
    errors = []

    def intern(e):
        message = f'{type(e).__name__}: {e}'
        if message not in errors:
            errors.append(message)
        return errors.index(message)

    scalars = {'int': S(2), 'float': S(2.5), 'bool': S(True)}
    for op in BINARY:
        entries = {}
        fn = getattr(torch, op)
        for a, b in itertools.product(ALL, ALL):
            for dims in ((1, 1), (1, 0), (0, 1)):
                ta = torch.ones([2] * dims[0], dtype=DTYPES[a])
                tb = torch.ones([2] * dims[1], dtype=DTYPES[b])
                key = f'{a}{"" if dims[0] else "@0"},{b}{"" if dims[1] else "@0"}'
                if dims != (1, 1) and (a == b):
                    continue
                try:
                    entries[key] = NAMES[fn(ta, tb).dtype]
                except Exception as e:  # noqa: BLE001
                    entries[key] = intern(e)
        for a in ALL:
            ta = torch.ones(2, dtype=DTYPES[a])
            for kind, s in scalars.items():
                for order in ('ts', 'st'):
                    key = f'{a},#{kind}' if order == 'ts' else f'#{kind},{a}'
                    try:
                        out = fn(ta, s.value) if order == 'ts' else fn(s.value, ta)
                        entries[key] = NAMES[out.dtype]
                    except Exception as e:  # noqa: BLE001
                        entries[key] = intern(e)
        grid[op] = entries
    keys = list(next(iter(grid.values())))
    return {'errors': errors, 'keys': keys, 'ops': {op: [entries[k] for k in keys] for op, entries in grid.items()}}


def binary_cases():
    cases = []
    fa = [0.0, -0.0, 1.0, -1.0, 2.5, -7.0, 0.1, 1e-30, 1e30, 3.0, math.inf, -math.inf, math.nan, 5.5, -0.5, 1e300]
    fb = [0.0, -0.0, 0.5, -2.0, 3.0, math.inf, -math.inf, math.nan, 0.1, 1.0, -1.0, 1e-30, 7.0, 2.5, -0.25, 1e-300]
    # all pairs of the edge values, by broadcasting a column against a row
    for op in BINARY:
        for dtype in ('float32', 'float64'):
            a = T(fa, dtype, [len(fa), 1])
            b = T(fb, dtype, [1, len(fb)])
            cases.append(call(op, a, b))
        for dtype in ('float16', 'bfloat16'):
            cases.append(call(op, T([1.5, -2.0, 0.0, 3.25, math.nan], dtype, [5, 1]),
                              T([0.5, -1.0, 2.0, 0.0], dtype, [1, 4])))
        # integers, incl. zero divisors (errors), negatives, overflow
        ints = {
            'int8': ([0, 1, -1, 7, -7, 127, -128, 100], [1, -1, 2, -3, 3, 7, 100, -128]),
            'uint8': ([0, 1, 7, 200, 255, 128], [1, 2, 3, 7, 200, 255]),
            'int16': ([0, 1, -1, 7, -7, 32767, -32768, 300], [1, -1, 2, -3, 300, 15, 16]),
            'int32': ([0, 1, -1, 7, -7, 2147483647, -2147483648, 65536, 123456], [1, -1, 2, -3, 65536, 31, 32, 7]),
            'int64': ([0, 1, -1, 7, -7, 2**63 - 1, -(2**63), 2**53 + 1, -(2**60) + 5, 3037000500],
                      [1, -1, 2, -3, 3037000500, 63, 64, 7, 2**53 + 1]),
            'bool': ([False, True], [False, True]),
        }
        for dtype, (va, vb) in ints.items():
            a = T(va, dtype, [len(va), 1])
            b = T(vb, dtype, [1, len(vb)])
            if op in ('floor_divide', 'remainder', 'fmod') and dtype in ('int32', 'int64'):
                # INT_MIN / -1 traps (SIGFPE) inside torch itself
                b = T([v for v in vb if v != -1], dtype, [1, len(vb) - 1])
            if op in ('bitwise_left_shift', 'bitwise_right_shift'):
                # shifting by a negative count or by >= the width of C's promoted type is undefined behaviour:
                # torch 1.13 returns whatever x86 gives; we (and torch 2) define it, so only defined counts here
                width = 64 if dtype == 'int64' else 32
                vb = [v for v in vb if 0 <= v < width]
                b = T(vb, dtype, [1, len(vb)])
            if op in ('pow',) and dtype != 'bool':
                b = T([v for v in vb if v >= 0 and v < 70] + [0], dtype, [1, len([v for v in vb if v >= 0 and v < 70]) + 1])
            cases.append(call(op, a, b))
    # zero divisors and other errors
    for op in ('div', 'floor_divide', 'remainder', 'fmod'):
        for dtype in ('int32', 'int64', 'uint8', 'int8'):
            cases.append(call(op, T([5, -5, 0], dtype), T([0, 2, 0], dtype)))
            cases.append(call(op, T([5, -5, 7], dtype), S(0)))
        cases.append(call(op, T([True, False], 'bool'), T([True, True], 'bool')))
    for mode in ('trunc', 'floor'):
        for dtype in ('float32', 'float64', 'int64', 'int32', 'int8', 'uint8'):
            va = [7, -7, 6, -6, 0, 100, 1] if dtype != 'uint8' else [7, 6, 0, 100, 1, 255, 13]
            vb = [2, 2, -4, 4, 3, -7, 3] if dtype != 'uint8' else [2, 4, 3, 7, 3, 2, 5]
            if dtype.startswith('float'):
                va = va + [7.5, -7.5, 1.0, math.inf, math.nan, 0.0, -0.0, 1.0, 5.0]
                vb = vb + [2.0, 2.0, 0.1, 2.0, 1.0, -1.0, 1.0, 0.0, -0.0]
            cases.append(call('div', T(va, dtype), T(vb, dtype), rounding_mode=mode))
            cases.append(call('div', T(va, dtype), S(3), rounding_mode=mode))
        cases.append(call('div', T([7, -7], 'int64'), S(2.5), rounding_mode=mode))
        cases.append(call('div', T([True, False], 'bool'), T([True, True], 'bool'), rounding_mode=mode))
        cases.append(call('div_', T([7, -7], 'int64'), T([2, 2], 'int64'), rounding_mode=mode))
    cases.append(call('div', T([1.0], 'float32'), T([1.0], 'float32'), rounding_mode='bogus'))
    cases.append(call('div', T([7, -7, 0], 'int64'), T([2, 2, 0], 'int64')))
    cases.append(call('floor_divide', T([7.5, -7.5, 1.0, -1.0], 'float32'), S(0.1)))
    cases.append(call('remainder', T([7.5, -7.5, 1.0, -1.0, 5.0], 'float64'), S(-0.1)))
    # add / sub with alpha
    for dtype in ('float32', 'float64', 'int64', 'int32', 'uint8', 'int8'):
        a = T([1, 2, 3, 100], dtype) if dtype != 'int8' else T([1, 2, 3, 100], dtype)
        b = T([4, 5, 6, 100], dtype)
        for alpha in (S(2), S(-3), S(0.5), S(True)):
            cases.append(call('add', a, b, alpha=alpha))
            cases.append(call('sub', a, b, alpha=alpha))
        cases.append(call('add', a, S(1.5), alpha=S(2)))
        cases.append(call('add', S(3), a, alpha=S(2)))
    cases.append(call('add', T([2**62, -(2**62)], 'int64'), T([2**62, 1], 'int64'), alpha=S(3)))
    cases.append(call('add', T([True, False], 'bool'), T([True, True], 'bool'), alpha=S(True)))
    cases.append(call('add', T([True, False], 'bool'), T([True, True], 'bool'), alpha=S(2)))
    cases.append(call('sub', T([True, False], 'bool'), T([True, True], 'bool')))
    cases.append(call('sub', T([True, False], 'bool'), T([1, 2], 'int64')))
    cases.append(call('sub', T([1, 2], 'int64'), T([True, False], 'bool')))
    cases.append(call('sub', T([1.5, 2], 'float32'), S(True)))
    cases.append(call('sub', S(True), T([1.5, 2], 'float32')))
    cases.append(call('neg', T([True], 'bool')))
    # pow specifics
    cases.append(call('pow', T([2, -2, 0, 3, -1, 1], 'int64'), T([-1, -2, 0, 1, 2, 3], 'int64')))
    cases.append(call('pow', T([2, -2, 0, 3], 'int64'), S(-1)))
    cases.append(call('pow', T([2, -2, 0, 3, -1, 1], 'int64'), S(-2)))
    cases.append(call('pow', T([2, 3], 'int32'), S(-1.5)))
    cases.append(call('pow', T([2, 3], 'int32'), S(0.5)))
    cases.append(call('pow', S(2), T([-1, 0, 3, 62, 63, 64], 'int64')))
    cases.append(call('pow', S(2), T([-1, 0, 3, 30, 31, 32], 'int32')))
    cases.append(call('pow', S(2.5), T([-1, 0, 3], 'int64')))
    cases.append(call('pow', S(-8.5), T([-1.0, 0.0, 1.0 / 3, 2.0, 0.5, math.nan], 'float64')))
    cases.append(call('pow', T([0.0, -0.0, -8.0, -2.0, math.nan, 1.0, math.inf, -math.inf, 0.5], 'float64'),
                      T([0.0, -1.0, 1.0 / 3, 0.5, 0.0, math.nan, -0.5, 3.0, math.inf], 'float64')))
    cases.append(call('pow', T([0.0, -0.0, -8.0, -2.0, math.nan, 1.0, math.inf, -math.inf, 0.5, 3.7], 'float32'),
                      S(2)))
    for exponent in (S(0.5), S(-0.5), S(3), S(-1), S(-2), S(-3), S(0), S(1), S(2.5), S(True), S(False)):
        cases.append(call('pow', T([0.0, -0.0, 4.0, -8.0, 2.5, math.nan, math.inf, -math.inf, 1e-3], 'float32'),
                          exponent))
        cases.append(call('pow', T([0, 1, 2, -3, 7], 'int64'), exponent))
        cases.append(call('pow', T([0, 1, 2, 3, 7], 'uint8'), exponent))
    cases.append(call('pow', T([3, 250], 'uint8'), T([3, 2], 'uint8')))
    cases.append(call('pow', T([7, -3], 'int8'), T([3, 5], 'int8')))
    cases.append(call('pow', T([True, False], 'bool'), T([True, True], 'bool')))
    cases.append(call('pow', T([True, False], 'bool'), S(2)))
    cases.append(call('pow', T([3037000500, -3037000500, 2**31], 'int64'), S(2)))
    # bitwise / shifts
    cases.append(call('bitwise_left_shift', T([1, -1, 5, 2**62, 3], 'int64'), T([0, 3, 63, 1, 62], 'int64')))
    cases.append(call('bitwise_right_shift', T([-1, -8, 5, -(2**63), 2**62], 'int64'), T([0, 1, 63, 63, 60], 'int64')))
    cases.append(call('bitwise_left_shift', T([1, -1, 5, 100], 'int8'), T([0, 3, 7, 8], 'int8')))
    cases.append(call('bitwise_right_shift', T([-128, 127, -1, 64], 'int8'), T([1, 3, 7, 9], 'int8')))
    cases.append(call('bitwise_left_shift', T([1, 255, 5], 'uint8'), T([1, 1, 8], 'uint8')))
    cases.append(call('bitwise_right_shift', T([200, 255, 5], 'uint8'), T([1, 7, 8], 'uint8')))
    cases.append(call('bitwise_left_shift', T([1, 3], 'int32'), T([31, 30], 'int32')))
    cases.append(call('bitwise_left_shift', T([1, 3], 'int16'), T([15, 16], 'int16')))
    cases.append(call('bitwise_left_shift', T([1, 3], 'int64'), S(2)))
    cases.append(call('bitwise_right_shift', S(256), T([1, 3], 'int32')))
    cases.append(call('bitwise_and', T([1.5], 'float32'), T([1.0], 'float32')))
    cases.append(call('bitwise_and', T([12, 10], 'int32'), S(6)))
    cases.append(call('bitwise_or', T([True, False], 'bool'), S(True)))
    cases.append(call('bitwise_xor', T([12, -10], 'int64'), S(2**60 + 1)))
    cases.append(call('bitwise_and', T([1, 2], 'int64'), S(1.5)))
    cases.append(call('bitwise_not', T([1.5], 'float64')))
    cases.append(call('logical_and', T([1.5, 0.0, math.nan], 'float32'), T([2, 0, 1], 'int64')))
    cases.append(call('logical_xor', T([1.5, 0.0, math.nan], 'float32'), S(0)))
    # comparisons with mixed dtypes and scalars
    cases.append(call('eq', T([1, 2, 3], 'int64'), S(2.0 + 0.5)))
    cases.append(call('lt', T([1, 2, 3], 'uint8'), S(-1)))
    cases.append(call('gt', T([1, 2, 3], 'uint8'), S(300)))
    cases.append(call('eq', T([2**53, 2**53 + 1], 'int64'), T([2**53, 2**53], 'int64')))
    cases.append(call('lt', T([2**53, 2**53 + 1], 'int64'), T([2**53 + 1, 2**53 + 1], 'int64')))
    cases.append(call('eq', T([0.1], 'float32'), S(0.1)))
    cases.append(call('eq', T([0.1], 'float64'), S(0.1)))
    cases.append(call('gt', T([16777217], 'int32'), T([16777216.0], 'float32')))
    cases.append(call('eq', T([16777217], 'int64'), T([16777216.0], 'float32')))
    # int overflow wrap-around
    cases.append(call('add', T([127, -128], 'int8'), S(1)))
    cases.append(call('mul', T([100, -100], 'int8'), T([3, 3], 'int8')))
    cases.append(call('add', T([2147483647, 1], 'int32'), T([1, 2147483647], 'int32')))
    cases.append(call('mul', T([65536, 123456789], 'int32'), T([65536, 1000], 'int32')))
    cases.append(call('add', T([2**63 - 1, -(2**63)], 'int64'), T([1, -1], 'int64')))
    cases.append(call('mul', T([2**62, 3037000500], 'int64'), T([4, 3037000500], 'int64')))
    cases.append(call('sub', T([0, 1], 'uint8'), T([1, 2], 'uint8')))
    cases.append(call('neg', T([-128, 5], 'int8')))
    cases.append(call('abs', T([-128, 5], 'int8')))
    cases.append(call('neg', T([-(2**63), 5], 'int64')))
    cases.append(call('mul', T([3, 255], 'uint8'), S(2)))
    cases.append(call('add', T([250], 'uint8'), S(10)))
    cases.append(call('add', T([250], 'uint8'), S(-300)))
    cases.append(call('add', T([1, 2], 'int64'), S(2**62)))
    cases.append(call('add', T([1, 2], 'int32'), S(2**40)))
    cases.append(call('mul', T([1, 2], 'int16'), S(2**20)))
    cases.append(call('add', T([1, 2], 'float16'), S(70000)))
    cases.append(call('add', T([1, 2], 'float16'), S(0.1)))
    cases.append(call('mul', T([1.5, 2], 'bfloat16'), S(3.3)))
    cases.append(call('add', T([1.5, 2], 'float16'), T([1.5, 2], 'bfloat16')))
    cases.append(call('add', T([1, 2], 'int64'), T(2.5, 'float64', []) if False else T([2.5], 'float64', [])))
    cases.append(call('add', T([1, 2], 'float32'), T([2.25], 'float64', [])))
    cases.append(call('add', T([1, 2], 'int8'), T([300], 'int64', [])))
    cases.append(call('mul', T([1, 2], 'uint8'), T([-3], 'int32', [])))
    cases.append(call('add', T([1.5], 'float32', []), T([2.25], 'float64', [])))
    cases.append(call('add', T([True], 'bool', []), T([3], 'uint8', [])))
    # broadcasting shapes
    shapes = [([2, 3], [3]), ([2, 1, 3], [4, 1]), ([1], [2, 2]), ([3, 1, 1], [1, 2, 1]), ([0, 3], [1, 3]),
              ([2, 0], [2, 1]), ([], [2, 3]), ([5, 1, 4, 1], [3, 1, 1]), ([2, 3], [2])]
    for sa, sb in shapes:
        na = math.prod(sa)
        nb = math.prod(sb)
        for op in ('add', 'mul', 'sub', 'maximum', 'lt', 'atan2', 'pow', 'fmod'):
            cases.append(call(op, T([(i * 0.37 - 1.1) for i in range(na)], 'float32', sa),
                              T([(i * 0.61 + 0.2) for i in range(nb)], 'float64', sb)))
    # in-place binary: dtype checks and broadcast checks
    cases.append(call('add_', T([1, 2, 3], 'int64'), T([1.5, 2.5, 3.5], 'float32')))
    cases.append(call('add_', T([1, 2, 3], 'int64'), S(1.5)))
    cases.append(call('mul_', T([1, 2, 3], 'int32'), S(2**40)))
    cases.append(call('add_', T([1, 2, 3], 'int32'), T([1, 2, 3], 'int64')))
    cases.append(call('add_', T([1.5, 2, 3], 'float32'), T([1, 2, 3], 'float64')))
    cases.append(call('add_', T([1.5, 2, 3], 'float16'), T([1.25, 2, 3], 'float32')))
    cases.append(call('add_', T([True, False], 'bool'), T([1, 2], 'int64')))
    cases.append(call('add_', T([True, False], 'bool'), T([True, True], 'bool')))
    cases.append(call('div_', T([1, 2, 3], 'int64'), S(2)))
    cases.append(call('div_', T([1.0, 2, 3], 'float32'), T([2, 2, 2], 'int64')))
    cases.append(call('add_', T([1.0, 2, 3], 'float32'), T([1.0] * 6, 'float32', [2, 3])))
    cases.append(call('add_', T([1.0, 2, 3], 'float32', [3, 1]), T([1.0, 2], 'float32', [1, 2])))
    cases.append(call('add_', T([1.0] * 6, 'float32', [2, 3]), T([1.0, 2, 3], 'float32')))
    cases.append(call('eq_', T([1.0, 2, 3], 'float32'), T([1.0, 0, 3], 'float32')))
    cases.append(call('lt_', T([1, 2, 3], 'int64'), S(2.5)))
    cases.append(call('logical_and_', T([1.0, 2, 0], 'float32'), T([1.0, 0, 3], 'float32')))
    cases.append(call('pow_', T([1, 2, 3], 'int64'), S(2)))
    cases.append(call('pow_', T([1, 2, 3], 'int64'), S(0.5)))
    cases.append(call('pow_', T([1.0, 2, 3], 'float32'), T([2, 3, 4], 'int64')))
    cases.append(call('floor_divide_', T([7, -7, 9], 'int32'), S(2)))
    cases.append(call('remainder_', T([7.5, -7.5, 9], 'float64'), S(2)))
    cases.append(call('sub_', T([7, 8], 'uint8'), S(9)))
    cases.append(call('atan2_', T([1, 2], 'int64'), T([1, 2], 'int64')))
    cases.append(call('bitwise_and_', T([12, 10], 'int16'), S(6)))
    # mixed devices are covered elsewhere; mismatched broadcasting
    cases.append(call('add', T([1.0, 2, 3], 'float32'), T([1.0, 2], 'float32')))
    cases.append(call('mul', T([1.0] * 6, 'float32', [2, 3]), T([1.0] * 4, 'float32', [2, 2])))
    return cases


# ---------------------------------------------------------------------------------------------------------------
# Ternary and friends

def ternary_cases():
    cases = []
    cond = T([True, False, True, False, True, False], 'bool', [2, 3])
    cases.append(call('where', cond, T([1.0, 2, 3], 'float32'), T([-1.0, -2], 'float32', [2, 1])))
    cases.append(call('where', cond, T([1, 2, 3], 'int64'), T([-1.5, -2], 'float32', [2, 1])))
    cases.append(call('where', cond, T([1, 2, 3], 'int32'), S(2.5)))
    cases.append(call('where', cond, S(1), S(0)))
    cases.append(call('where', cond, S(1.5), S(0)))
    cases.append(call('where', cond, T([1, 2, 3], 'uint8'), T([-1], 'int8')))
    cases.append(call('where', cond, T([1, 2, 3], 'float16'), T([-1], 'float64', [])))
    cases.append(call('where', T([1, 0, 2], 'uint8'), T([1.0, 2, 3], 'float32'), S(0.5)))
    cases.append(call('where', T([1.0, 0, 2], 'float32'), T([1.0, 2, 3], 'float32'), S(0.5)))
    cases.append(call('where', T([1, 0, 2], 'int64'), T([1.0, 2, 3], 'float32'), S(0.5)))
    cases.append(call('where', cond, T([2**60 + 1, 2, 3], 'int64'), S(-1)))
    cases.append(call('where', T([True, False], 'bool'), T([1.0, 2, 3], 'float32'), S(0.5)))
    # lerp
    for dtype in ('float32', 'float64'):
        start = T([0.0, 1.0, -2.0, 10.0, math.inf, 1e30, 3.0], dtype)
        end = T([1.0, 3.0, 2.0, -10.0, 1.0, -1e30, 3.0], dtype)
        for w in (S(0.25), S(0.75), S(0.5), S(1.5), S(-0.5), S(0), S(1)):
            cases.append(call('lerp', start, end, w))
        cases.append(call('lerp', start, end, T([0.0, 0.3, 0.5, 0.7, 1.0, 0.5, 2.0], dtype)))
        cases.append(call('lerp_', start, end, S(0.3)))
    cases.append(call('lerp', T([1.0, 2], 'float32'), T([1.0, 2], 'float64'), S(0.5)))
    cases.append(call('lerp', T([1.0, 2], 'float32'), T([3.0, 4], 'float32'), T([0.5], 'float64')))
    cases.append(call('lerp', T([1, 2], 'int64'), T([3, 4], 'int64'), S(0.5)))
    cases.append(call('lerp', T([1.0, 2], 'float32', [2, 1]), T([3.0, 4, 5], 'float32'), T([0.5, 0.25], 'float32', [2, 1])))
    cases.append(call('lerp', T([1.0, 2], 'float16'), T([3.0, 4], 'float16'), S(0.3)))
    # addcmul / addcdiv
    for dtype in ('float32', 'float64', 'int64', 'int32'):
        x = T([1, 2, 3], dtype)
        y = T([4, 5, 6], dtype, [3, 1])
        z = T([7, -8, 9], dtype)
        for value in ({}, {'value': S(2)}, {'value': S(0.5)}, {'value': S(-3)}):
            cases.append(call('addcmul', x, y, z, **value))
            cases.append(call('addcdiv', x, y, z, **value))
        cases.append(call('addcmul_', T([1, 2, 3], dtype), T([4, 5, 6], dtype), T([7, 8, 9], dtype), value=S(2)))
        cases.append(call('addcdiv_', T([1, 2, 3], dtype), T([4, 5, 6], dtype), T([7, 8, 9], dtype), value=S(2)))
    cases.append(call('addcmul', T([1, 2], 'int64'), T([1.5, 2], 'float32'), T([2, 2], 'int32')))
    cases.append(call('addcdiv', T([1, 2], 'int64'), T([1.5, 2], 'float32'), T([2, 2], 'int32')))
    cases.append(call('addcdiv', T([1.0, 2], 'float32'), T([1, 2], 'int64'), T([2, 2], 'int64')))
    cases.append(call('addcmul', T([1.0, 2], 'float32'), T([1.0, 2], 'float32'), T([1.0, 2], 'float32'), value=S(True)))
    cases.append(call('addcmul_', T([1, 2], 'int64'), T([1.5, 2], 'float32'), T([2, 2], 'float32')))
    cases.append(call('addcmul', T([1, 2], 'int64'), T([1, 2], 'int64'), T([1, 2], 'int64'), value=S(0.5)))
    # clamp / clip
    xs = [-3.0, -1.0, -0.0, 0.0, 0.5, 1.0, 2.5, 10.0, math.nan, math.inf, -math.inf]
    for dtype in ('float32', 'float64', 'float16'):
        x = T(xs, dtype)
        for lo, hi in ((S(-1), S(1)), (S(-0.5), None), (None, S(0.5)), (S(2), S(1)), (S(math.nan), S(1)),
                       (S(-1), S(math.nan)), (S(-1.5), S(2.5)), (S(0), S(0))):
            kw = {}
            if lo is not None:
                kw['min'] = lo
            if hi is not None:
                kw['max'] = hi
            cases.append(call('clamp', x, **kw))
        cases.append(call('clamp', x, min=T([0.0, -1, 1, 0, 0, 0, 0, 0, 0, 0, math.nan], dtype),
                          max=T([1.0, 1, -1, 0.25, 2, 3, 4, 5, 6, 7, 8], dtype)))
        cases.append(call('clamp', x, min=T([0.5], dtype)))
        cases.append(call('clamp', x, max=T([0.5, math.nan, 1, 1, 1, 1, 1, 1, 1, 1, 1], dtype)))
        cases.append(call('clip', x, S(-1.5), S(2.5)))
        cases.append(call('clamp_', x, S(-1.5), S(2.5)))
    for dtype in ('int64', 'int32', 'uint8', 'int8'):
        x = T([0, 1, 5, 100, 127], dtype)
        cases.append(call('clamp', x, min=S(2), max=S(50)))
        cases.append(call('clamp', x, min=S(2.5)))
        cases.append(call('clamp', x, max=S(-1)))
        cases.append(call('clamp', x, min=S(-1000), max=S(1000)))
        cases.append(call('clamp', x, min=T([3, 0, 6, 0, 1], dtype), max=T([4, 4, 4, 120, 126], dtype)))
        cases.append(call('clamp', x, min=T([2.5], 'float32')))
        cases.append(call('clamp_', x, min=S(2.5)))
        cases.append(call('clamp_', x, min=S(2), max=S(4)))
    cases.append(call('clamp', T([2**60, -(2**60), 5], 'int64'), min=S(2**59 + 1), max=S(2**61)))
    cases.append(call('clamp', T([True, False], 'bool'), min=S(False), max=S(True)))
    cases.append(call('clamp', T([1.0, 2.0], 'float32')))
    return cases


# ---------------------------------------------------------------------------------------------------------------
# Copy conversions (copy_ / to)

def conversion_cases():
    cases = []
    floats = [0.0, -0.0, 0.5, -0.5, 1.7, -1.7, 2.5, -3.99, 127.9, 128.5, -129.5, 255.9, 256.0, 300.7, -300.7,
              65504.0, 65520.0, 70000.0, 1e-8, 3.0e38, 1e10, 2.0**31, -(2.0**31), 2.0**53 + 2.0, 1e19, -1e19,
              math.inf, -math.inf, math.nan, 0.1, 1.0 / 3]
    for src in ('float32', 'float64'):
        for dst in ALL:
            values = floats
            if dst in ('uint8', 'int8', 'int16', 'int32', 'int64'):
                # out-of-range float→int casts are UB in C++; torch's results there are platform noise
                lo, hi = {'uint8': (-129, 256), 'int8': (-129, 128), 'int16': (-32769, 32768),
                          'int32': (-(2.0**31) - 1, 2.0**31), 'int64': (-(2.0**63), 2.0**63)}[dst]
                values = [v for v in floats if math.isfinite(v) and lo < v < hi]
                if dst == 'uint8':
                    values = [v for v in values if v > -1 or v in (-1.7, -3.99, -0.5, -129.5)]
            src_t = T(values, src)
            cases.append({'src': src_t.spec, 'dtype': dst, 'out': enc(src_t.t.to(DTYPES[dst]))})
    ints = {'int64': [0, 1, -1, 2**53 + 1, 2**63 - 1, -(2**63), 255, 256, -129, 70000, 2**31, 16777217],
            'int32': [0, 1, -1, 2147483647, -2147483648, 255, 256, -129, 70000, 16777217],
            'int16': [0, 1, -1, 32767, -32768, 255, 256, -129],
            'int8': [0, 1, -1, 127, -128], 'uint8': [0, 1, 127, 128, 255], 'bool': [True, False]}
    for src, values in ints.items():
        for dst in ALL:
            src_t = T(values, src)
            cases.append({'src': src_t.spec, 'dtype': dst, 'out': enc(src_t.t.to(DTYPES[dst]))})
    for src in ('float16', 'bfloat16'):
        src_t = T([0.0, -0.0, 1.5, -2.5, 65504.0, 1e-7, 3.0e38, math.inf, math.nan, 0.1, 300.5, 1.0 / 3], src)
        for dst in ALL:
            values = src_t
            if dst in ('uint8', 'int8', 'int16', 'int32', 'int64'):
                values = T([0.0, -0.0, 1.5, -2.5, 0.1, 100.5, 1.0 / 3], src)
            cases.append({'src': values.spec, 'dtype': dst, 'out': enc(values.t.to(DTYPES[dst]))})
    return cases


def scenarios():
    """In-place ops through views and the version counter; src/ops/elementwise.test.ts replays each by name."""
    out = {}

    def attempt(fn):
        try:
            return fn()
        except Exception as e:  # noqa: BLE001
            return {'error': f'{type(e).__name__}: {e}'}

    x = torch.arange(12.0).view(3, 4)
    v = x.t()
    r = v.add_(torch.arange(3.0))
    out['transposeAdd'] = {'x': enc(x), 'version': x._version, 'viewVersion': v._version, 'same': r is v}
    x = torch.arange(10.0)
    v = x.narrow(0, 2, 5)
    v.mul_(-2)
    v[::2].sub_(0.5)
    out['narrowMul'] = {'x': enc(x), 'version': x._version}
    x = torch.arange(24.0).view(2, 3, 4)
    x.permute(2, 0, 1).clamp_(3, 10)
    x.permute(1, 2, 0)[1].neg_()
    out['permuteClamp'] = {'x': enc(x), 'version': x._version}
    x = torch.arange(12, dtype=torch.int32).view(3, 4)
    x.t()[1:3].mul_(1000000)
    x[:, ::3].bitwise_xor_(5)
    out['intViews'] = {'x': enc(x), 'version': x._version}
    x = torch.zeros(3, 4)
    x.t().narrow(0, 1, 2).fill_(7)
    x[2].zero_()
    x.t()[3].fill_(torch.tensor(2.5, dtype=torch.float64))
    out['fillViews'] = {'x': enc(x), 'version': x._version}
    x = torch.zeros(2, 3)
    x.t().copy_(torch.tensor([1.7, -2.5], dtype=torch.float64))
    out['copyBroadcast'] = {'x': enc(x), 'version': x._version}
    # version counter: every in-place op bumps once; out-of-place ops and views do not
    x = torch.zeros(4)
    versions = [x._version]
    x.add_(1); versions.append(x._version)
    x.add(1); x.view(2, 2); x[1:]; versions.append(x._version)
    y = x[1:3]
    y.fill_(5); versions.append(x._version)
    y.zero_(); versions.append(x._version)
    x.copy_(torch.ones(4)); versions.append(x._version)
    x.sub_(1, alpha=2); versions.append(x._version)
    x.clamp_(min=0); versions.append(x._version)
    x.t_() if x.dim() == 2 else None
    x.exp_().neg_(); versions.append(x._version)
    out['versions'] = {'versions': versions, 'viewVersion': y._version}
    # overlapping in-place ops
    x = torch.arange(9.0).view(3, 3)
    out['overlapTranspose'] = attempt(lambda: enc(x.add_(x.t())))
    x = torch.arange(9.0).view(3, 3)
    out['overlapTransposeTarget'] = attempt(lambda: enc(x.t().add_(x)))
    x = torch.arange(4.0)
    out['overlapShifted'] = attempt(lambda: enc(x[1:].add_(x[:3])))
    x = torch.arange(4.0)
    out['overlapCopy'] = attempt(lambda: enc(x[1:].copy_(x[:3])))
    x = torch.arange(9.0).view(3, 3)
    out['overlapRow'] = attempt(lambda: enc(x.add_(x[0])))
    x = torch.arange(4.0)
    out['selfAlias'] = attempt(lambda: enc(x.mul_(x)))
    x = torch.arange(6.0)
    out['selfViewAlias'] = attempt(lambda: enc(x.view(2, 3).add_(x.view(2, 3))))
    x = torch.arange(8.0)
    out['stridedOverlap'] = attempt(lambda: enc(x[::2].add_(x[1::2])))
    x = torch.arange(8.0)
    out['expandedOverlap'] = attempt(lambda: enc(x[:4].add_(x[4:5])))
    return out


def creation():
    """tensor()/arange/linspace/logspace/eye/full/fill_ results and errors, replayed by src/ops/creation.test.ts."""
    out = {}

    def attempt(fn):
        try:
            return enc(fn())
        except Exception as e:  # noqa: BLE001
            return {'error': f'{type(e).__name__}: {e}'}

    out['tensor'] = {
        'ints': attempt(lambda: torch.tensor([[1, 2], [3, 4]])),
        'mixed': attempt(lambda: torch.tensor([1, 2.5])),
        'bools': attempt(lambda: torch.tensor([True, False])),
        'boolInt': attempt(lambda: torch.tensor([True, 2])),
        'big': attempt(lambda: torch.tensor([2**62 + 1, -(2**63)])),
        'empty': attempt(lambda: torch.tensor([])),
        'emptyNested': attempt(lambda: torch.tensor([[], []])),
        'deep': attempt(lambda: torch.tensor([[[1.5], [2]], [[3], [4]]])),
        'scalar': attempt(lambda: torch.tensor(3)),
        'ragged': attempt(lambda: torch.tensor([[1, 2], [3, 4, 5]])),
        'raggedDeep': attempt(lambda: torch.tensor([[1, 2], 3])),
        'float16': attempt(lambda: torch.tensor([0.1, 70000, 1e-8], dtype=torch.float16)),
        'uint8Wrap': attempt(lambda: torch.tensor([1.7, 255.9, 3], dtype=torch.uint8)),
        'int32': attempt(lambda: torch.tensor([1.7, -2.9], dtype=torch.int32)),
    }
    out['arange'] = {
        'end': attempt(lambda: torch.arange(5)),
        'startEnd': attempt(lambda: torch.arange(1, 4)),
        'floatStep': attempt(lambda: torch.arange(0, 1, 0.1)),
        'floatStep64': attempt(lambda: torch.arange(0, 1, 0.1, dtype=torch.float64)),
        'negative': attempt(lambda: torch.arange(10, 0, -3)),
        'negativeFloat': attempt(lambda: torch.arange(0, -1, -0.25)),
        'halfSteps': attempt(lambda: torch.arange(1, 2.5, 0.5)),
        'intDtypeFloatStep': attempt(lambda: torch.arange(0, 5, 1.5, dtype=torch.int64)),
        'float64Ints': attempt(lambda: torch.arange(0, 10, 3, dtype=torch.float64)),
        'big': attempt(lambda: torch.arange(-3.3, 100.7, 1.7)),
        'empty': attempt(lambda: torch.arange(3, 3)),
        'zeroStep': attempt(lambda: torch.arange(0, 1, 0)),
        'wrongSign': attempt(lambda: torch.arange(1, 0)),
        'wrongSignNeg': attempt(lambda: torch.arange(0, 1, -1)),
        'infinite': attempt(lambda: torch.arange(0, math.inf)),
        'uint8': attempt(lambda: torch.arange(0, 300, 50, dtype=torch.uint8)),
    }
    out['linspace'] = {
        'unit': attempt(lambda: torch.linspace(0, 1, 5)),
        'symmetric': attempt(lambda: torch.linspace(-1, 1, 7)),
        'one': attempt(lambda: torch.linspace(0, 1, 1)),
        'zero': attempt(lambda: torch.linspace(0, 10, 0)),
        'down64': attempt(lambda: torch.linspace(3, -2, 6, dtype=torch.float64)),
        'int': attempt(lambda: torch.linspace(0, 10, 4, dtype=torch.int64)),
        'many': attempt(lambda: torch.linspace(0.1, 0.9, 33)),
        'many64': attempt(lambda: torch.linspace(0.1, 0.9, 33, dtype=torch.float64)),
        'negativeSteps': attempt(lambda: torch.linspace(0, 1, -1)),
    }
    out['logspace'] = {
        'base10': attempt(lambda: torch.logspace(0, 2, 5)),
        'base2': attempt(lambda: torch.logspace(-1, 1, 4, base=2)),
        'base10_64': attempt(lambda: torch.logspace(-2, 3, 11, dtype=torch.float64)),
        'many': attempt(lambda: torch.logspace(0.5, -3.5, 17)),
    }
    out['eye'] = {
        'square': attempt(lambda: torch.eye(3)),
        'wide': attempt(lambda: torch.eye(2, 4)),
        'tall': attempt(lambda: torch.eye(4, 2, dtype=torch.int64)),
        'empty': attempt(lambda: torch.eye(0)),
        'negative': attempt(lambda: torch.eye(-1)),
    }
    out['full'] = {
        'int': attempt(lambda: torch.full((2, 2), 7)),
        'float': attempt(lambda: torch.full((2,), 2.5)),
        'bool': attempt(lambda: torch.full((2,), True)),
        'uint8Overflow': attempt(lambda: torch.full((2,), 300, dtype=torch.uint8)),
        'uint8Negative': attempt(lambda: torch.full((2,), -1, dtype=torch.uint8)),
        'int32Float': attempt(lambda: torch.full((2,), 2.7, dtype=torch.int32)),
        'halfOverflow': attempt(lambda: torch.full((2,), 1e6, dtype=torch.float16)),
    }
    out['fill'] = {
        'int16Overflow': attempt(lambda: torch.zeros(2, dtype=torch.int16).fill_(2**20)),
        'uint8Negative': attempt(lambda: torch.zeros(2, dtype=torch.uint8).fill_(-1)),
        'int32Float': attempt(lambda: torch.zeros(2, dtype=torch.int32).fill_(2.7)),
        'int32Nan': attempt(lambda: torch.zeros(2, dtype=torch.int32).fill_(math.nan)),
        'boolFive': attempt(lambda: torch.zeros(2, dtype=torch.bool).fill_(5)),
        'floatHuge': attempt(lambda: torch.zeros(2).fill_(1e300)),
        'tensor1d': attempt(lambda: torch.zeros(2).fill_(torch.tensor([1.0]))),
        'int64Big': attempt(lambda: torch.zeros(2, dtype=torch.int64).fill_(2**62 + 1)),
        'expanded': attempt(lambda: torch.zeros(3).expand(2, 3).fill_(1)),
    }
    return out


def random_cases():
    """The op layer of the random functions after manual_seed, replayed by src/ops/random.test.ts."""
    out = {}
    torch.manual_seed(0)
    out['rand'] = enc(torch.rand(5))
    out['rand64'] = enc(torch.rand(2, 3, dtype=torch.float64))
    out['randn'] = enc(torch.randn(17))
    out['randint'] = enc(torch.randint(0, 10, (6,)))
    out['randintHigh'] = enc(torch.randint(5, (3,)))
    out['randperm'] = enc(torch.randperm(7))
    torch.manual_seed(1)
    out['normalTensors'] = enc(torch.normal(torch.tensor([0.0, 10.0, 100.0]), torch.tensor([1.0, 2.0, 3.0])))
    out['normalMeanTensor'] = enc(torch.normal(torch.tensor([0.0, 10.0, 100.0, -5.0]), 2.0))
    out['normalStdTensor'] = enc(torch.normal(1.5, torch.tensor([1.0, 0.5, 3.0])))
    out['normalScalars'] = enc(torch.normal(2.0, 3.0, (4,)))
    out['normalBroadcast'] = enc(torch.normal(torch.tensor([[0.0], [10.0]]), torch.tensor([1.0, 2.0, 3.0])))
    torch.manual_seed(2)
    out['bernoulli'] = enc(torch.bernoulli(torch.tensor([0.2, 0.5, 0.9, 0.0, 1.0, 0.33] * 3)))
    out['bernoulliP'] = enc(torch.zeros(5).bernoulli_(0.3))
    out['multinomial'] = enc(torch.multinomial(torch.tensor([0.1, 0.2, 0.3, 0.4]), 3))
    out['multinomialReplacement'] = enc(torch.multinomial(torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]), 5,
                                                          replacement=True))
    torch.manual_seed(3)
    x = torch.zeros(4, 5)
    x.uniform_(-1, 1)
    out['uniformContiguous'] = enc(x)
    base = torch.zeros(5, 4)
    base.t().uniform_(-2, 3)
    out['uniformTransposed'] = enc(base)
    base = torch.zeros(6, 5, dtype=torch.float64)
    base[1:5:2, ::2].normal_(1, 2)
    out['normalStrided'] = enc(base)
    base = torch.zeros(3, 17)
    base[:, 1:].normal_()
    out['normalRowsNarrow'] = enc(base)
    g = torch.Generator().manual_seed(42)
    out['generatorRand'] = enc(torch.rand(4, generator=g))
    out['generatorRandn'] = enc(torch.randn(3, generator=g))
    out['defaultAfterGenerator'] = enc(torch.rand(2))
    torch.manual_seed(4)
    out['randLike'] = enc(torch.rand_like(torch.zeros(2, 2, dtype=torch.float64)))
    out['randintDtype'] = enc(torch.randint(-5, 5, (5,), dtype=torch.int32))
    return out


def main():
    elementwise = {
        'meta': {'torch': torch.__version__},
        'promotion': promotion(),
        'unary': unary_cases(),
        'dtypeGrid': dtype_grid(),
        'binary': binary_cases(),
        'ternary': ternary_cases(),
        'conversions': conversion_cases(),
        'scenarios': scenarios(),
    }
    os.makedirs(FIXTURES, exist_ok=True)
    with open(os.path.join(FIXTURES, 'elementwise.json'), 'w') as f:
        json.dump(elementwise, f, allow_nan=False, separators=(',', ':'))
    with open(os.path.join(FIXTURES, 'creation.json'), 'w') as f:
        json.dump({'meta': {'torch': torch.__version__}, 'creation': creation(), 'random': random_cases()}, f,
                  allow_nan=False, separators=(',', ':'))


if __name__ == '__main__':
    main()
