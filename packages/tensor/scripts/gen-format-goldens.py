#!/usr/bin/python3
"""Golden strings for tensor printing (src/format.test.ts).

Prints repr() of varied tensors with real PyTorch 1.13 and writes packages/tensor/fixtures/format.json:
{"tensors": [{name, values, shape, dtype, options, defaultDtype, requiresGrad, gradFn, expected}, ...],
 "floats": [[value, precision, '{:.<precision>f}' text, '{:.<precision>e}' text], ...]}.

Values are flat row-major; floats that JSON cannot hold are the strings "nan", "inf", "-inf";
int64 values are decimal strings (exact beyond 2^53). Run with /usr/bin/python3 (the one with torch):

    /usr/bin/python3 packages/tensor/scripts/gen-format-goldens.py
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "format.json")

DTYPE_NAMES = {
    torch.float32: "float32",
    torch.float64: "float64",
    torch.float16: "float16",
    torch.bfloat16: "bfloat16",
    torch.int8: "int8",
    torch.uint8: "uint8",
    torch.int16: "int16",
    torch.int32: "int32",
    torch.int64: "int64",
    torch.bool: "bool",
}

cases = []


def encode_value(value, dtype):
    if dtype == torch.int64:
        return str(int(value))
    if dtype == torch.bool:
        return bool(value)
    if dtype.is_floating_point:
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    return int(value)


def add(name, make, options=None, default_dtype=None):
    """`make` builds the tensor after the default dtype is set; `options` go to set_printoptions."""
    options = options or {}
    if default_dtype is not None:
        torch.set_default_dtype(default_dtype)
    try:
        torch.set_printoptions(**options)
        t = make()
        expected = repr(t)
    finally:
        torch.set_printoptions(profile="default")
        torch.set_default_dtype(torch.float32)
    flat = t.detach().reshape(-1)
    if flat.dtype in (torch.float16, torch.bfloat16):
        flat = flat.float()
    cases.append(
        {
            "name": name,
            "values": [encode_value(v, t.dtype) for v in flat.tolist()],
            "shape": list(t.shape),
            "dtype": DTYPE_NAMES[t.dtype],
            "options": {
                {"sci_mode": "sciMode"}.get(key, key): value for key, value in options.items()
            },
            "defaultDtype": DTYPE_NAMES[default_dtype] if default_dtype is not None else "float32",
            "requiresGrad": bool(t.requires_grad),
            "gradFn": type(t.grad_fn).__name__ if t.grad_fn is not None else None,
            "expected": expected,
        }
    )


nan, inf = float("nan"), float("inf")
f32, f64 = torch.float32, torch.float64

# 0-d tensors
add("0d float32", lambda: torch.tensor(3.5))
add("0d float32 integral", lambda: torch.tensor(7.0))
add("0d float64", lambda: torch.tensor(0.1, dtype=f64))
add("0d int64", lambda: torch.tensor(-42))
add("0d bool", lambda: torch.tensor(True))
add("0d nan", lambda: torch.tensor(nan))
add("0d negative zero", lambda: torch.tensor(-0.0))
add("0d tiny sci", lambda: torch.tensor(1e-5))
add("0d big integral sci", lambda: torch.tensor(123456789.0))
add("0d float16", lambda: torch.tensor(0.1, dtype=torch.float16))
add("0d uint8", lambda: torch.tensor(200, dtype=torch.uint8))

# 1-D basics over dtypes
add("1d float32 ints", lambda: torch.tensor([1.0, 2.0, 3.0]))
add("1d float32 fractions", lambda: torch.tensor([1.5, 2.25, -3.125]))
add("1d float32 0.1 0.2", lambda: torch.tensor([0.1, 0.2, 0.3]))
add("1d float64", lambda: torch.tensor([0.1, 0.2, 1 / 3], dtype=f64))
add("1d float16", lambda: torch.tensor([0.1, 0.2, 65504.0, -1.5], dtype=torch.float16))
add("1d bfloat16", lambda: torch.tensor([0.1, 3.14159, -100.5, 1e10], dtype=torch.bfloat16))
add("1d int64", lambda: torch.tensor([1, -20, 300]))
add("1d int64 extremes", lambda: torch.tensor([-(2**63), 2**63 - 1, 2**53 + 1, 0]))
add("1d int32", lambda: torch.tensor([5, -6, 2147483647], dtype=torch.int32))
add("1d int16", lambda: torch.tensor([-32768, 0, 32767], dtype=torch.int16))
add("1d int8", lambda: torch.tensor([-128, 5, 127], dtype=torch.int8))
add("1d uint8", lambda: torch.tensor([0, 9, 255], dtype=torch.uint8))
add("1d bool", lambda: torch.tensor([True, False, True]))
add("1d bool all true", lambda: torch.tensor([True, True]))

# int / float / sci mode choices
add("mixed magnitude tiny", lambda: torch.tensor([1e-5, 1.0]))
add("ratio over 1000 float", lambda: torch.tensor([0.5, 1000.5]))
add("ratio just 1000 float", lambda: torch.tensor([0.5, 500.0]))
add("integral ratio over 1000", lambda: torch.tensor([1.0, 1e9]))
add("integral ratio exactly 1000", lambda: torch.tensor([1.0, 1000.0]))
add("integral over 1e8", lambda: torch.tensor([100000000.0, 200000000.0]))
add("integral 1e8 exactly", lambda: torch.tensor([100000000.0, 99999999.0], dtype=f64))
add("big float64 1e20", lambda: torch.tensor([1e20, 1.0], dtype=f64))
add("nonfinite with ints", lambda: torch.tensor([nan, inf, -inf, 1.0]))
add("nonfinite with fractions", lambda: torch.tensor([nan, -inf, 1.25]))
add("nonfinite with sci", lambda: torch.tensor([nan, 1e10, 0.5]))
add("all nan", lambda: torch.tensor([nan, nan]))
add("all zero", lambda: torch.tensor([0.0, 0.0, 0.0]))
add("signed zeros", lambda: torch.tensor([0.0, -0.0]))
add("negative zero with fraction", lambda: torch.tensor([-0.0, 1.5]))
add("negative tiny rounds to -0", lambda: torch.tensor([-0.00004, 0.5], dtype=f64), {"sci_mode": False})
add("float32 max and subnormal", lambda: torch.tensor([3.4028234663852886e38, 1e-45]))
add("float64 subnormal", lambda: torch.tensor([5e-324, 1.0], dtype=f64))
add("float64 huge exponent", lambda: torch.tensor([1e300, -2.5e-300], dtype=f64))
add("half-even ties fixed", lambda: torch.tensor([0.03125, 0.09375, 0.15625, 0.21875, 1.00005], dtype=f64))
add("half-even ties float32", lambda: torch.tensor([0.03125, 0.09375, 2.5, 0.15625]))
add("half-even ties sci", lambda: torch.tensor([1.03125, 1e-5, 2.0 ** -16, 9.99995], dtype=f64))
add("rounding carries", lambda: torch.tensor([9.99996, 0.99999, 99.99995], dtype=f64))
add("sci carry to next exponent", lambda: torch.tensor([9.99999e-5, 1.0], dtype=f64))

# 2-D .. 4-D
add("2d int", lambda: torch.tensor([[1, 2], [3, 4]]))
add("2d float", lambda: torch.tensor([[1.5, -2.0, 3.25], [4.0, 5.5, -6.75]]))
add("2d column", lambda: torch.tensor([[1.0], [2.0], [3.0]]))
add("2d row", lambda: torch.tensor([[1.0, 2.0, 3.0]]))
add("2d bool", lambda: torch.tensor([[True, False], [False, True]]))
add("2d float64", lambda: torch.tensor([[1e-3, 2.0], [3.0, 4.0]], dtype=f64))
add("3d arange float", lambda: torch.arange(24, dtype=f32).reshape(2, 3, 4))
add("3d int32", lambda: torch.arange(-6, 6, dtype=torch.int32).reshape(2, 3, 2))
add("4d int", lambda: torch.arange(16).reshape(2, 2, 2, 2))
add("4d float sci", lambda: (torch.arange(16, dtype=f64).reshape(2, 2, 2, 2) - 7.5) * 1e-5)
add("3d singleton dims", lambda: torch.tensor([[[1.25]]]))

# random values
torch.manual_seed(0)
rand_5x5 = torch.randn(5, 5)
rand_3x4 = torch.randn(3, 4) * 1000
rand_4 = torch.rand(4) * 1e-3
rand_6 = torch.randn(6, dtype=f64)
rand_3x3 = torch.randn(3, 3) * 1e5
rand_wide = torch.randn(2, 30)
rand_summary = torch.randn(40, 50)
rand_cube = torch.randn(12, 10, 10)
rand_long_rows = torch.randn(3, 2000)
add("randn 5x5", lambda: rand_5x5.clone())
add("randn 3x4 * 1000", lambda: rand_3x4.clone())
add("rand 4 * 1e-3", lambda: rand_4.clone())
add("randn 6 float64", lambda: rand_6.clone())
add("randn 3x3 * 1e5", lambda: rand_3x3.clone())

# wrapping of long rows
add("wide rows wrap", lambda: rand_wide.clone())
add("1d 50 floats wrap", lambda: torch.arange(50, dtype=f32) / 7)
add("1d 100 ints wrap", lambda: torch.arange(100) * 37 - 1000)
add("1d 30 bools wrap", lambda: torch.arange(30) % 3 == 0)

# summarization
add("arange 2000 float", lambda: torch.arange(2000, dtype=f32))
add("arange 2000 int", lambda: torch.arange(2000))
add("summarized 40x50", lambda: rand_summary.clone())
add("summarized cube", lambda: rand_cube.clone())
add("summarized long rows", lambda: rand_long_rows.clone())


def hidden_outlier():
    t = torch.arange(1001, dtype=f32)
    t[500] = 1e10  # not shown, so it must not switch to sci mode
    return t


add("summarized hidden outlier", hidden_outlier)
add("summarized 1001 bool", lambda: torch.arange(1001) % 2 == 0)

# empty tensors
add("empty 1d float", lambda: torch.zeros(0))
add("empty 0x3 float", lambda: torch.zeros(0, 3))
add("empty int64", lambda: torch.zeros(0, dtype=torch.int64))
add("empty bool 3d", lambda: torch.zeros(0, 2, 0, dtype=torch.bool))
add("empty float64 2d", lambda: torch.zeros(2, 0, dtype=f64))

# print options
add("precision 2", lambda: torch.tensor([1.12345, -2.5, 3.14159]), {"precision": 2})
add("precision 8 float64", lambda: torch.tensor([1 / 3, 2 / 3], dtype=f64), {"precision": 8})
add("precision 0 fixed", lambda: torch.tensor([0.5, 1.5, 2.5, 3.25], dtype=f64), {"precision": 0})
add("precision 0 sci", lambda: torch.tensor([1.5e-5, 2.5, 35.0], dtype=f64), {"precision": 0})
add("threshold 5", lambda: torch.arange(10), {"threshold": 5})
add("threshold 5 2d", lambda: torch.arange(64, dtype=f32).reshape(8, 8), {"threshold": 5})
add("edgeitems 1", lambda: torch.arange(2000, dtype=f32).reshape(40, 50), {"edgeitems": 1})
add("edgeitems 2 3d", lambda: torch.arange(1331).reshape(11, 11, 11), {"edgeitems": 2})
add("edgeitems 0 1d", lambda: torch.arange(1500), {"edgeitems": 0})
add("linewidth 40", lambda: torch.arange(30, dtype=f32) * 1.5, {"linewidth": 40})
add("linewidth 120 2d", lambda: rand_wide.clone(), {"linewidth": 120})
add("linewidth tiny", lambda: torch.tensor([[1.5, 2.5], [3.5, 4.5]]), {"linewidth": 5})
add("sci_mode true", lambda: torch.tensor([1.0, 2.5, 300.0]), {"sci_mode": True})
add("sci_mode true ints", lambda: torch.tensor([1.0, 2.0, 3.0]), {"sci_mode": True})
add("sci_mode true zeros ignored", lambda: torch.tensor([0.0, -0.0]), {"sci_mode": True})
add("sci_mode false tiny", lambda: torch.tensor([1e-6, 1.0]), {"sci_mode": False})
add("sci_mode false huge ints", lambda: torch.tensor([1e20, 1.0], dtype=f64), {"sci_mode": False})
add("sci_mode with ints ignored", lambda: torch.tensor([1, 2000000]), {"sci_mode": True})
add("profile short", lambda: torch.arange(2000, dtype=f32) / 3, {"profile": "short"})
add("profile full", lambda: torch.arange(1200), {"profile": "full"})
add("profile short with precision", lambda: torch.tensor([1.23456]), {"profile": "short", "precision": 5})

# suffixes
add("requires_grad", lambda: torch.tensor([1.0, 2.0], requires_grad=True))
add("requires_grad float64", lambda: torch.tensor([1.0, 2.0], dtype=f64, requires_grad=True))
add("grad_fn add", lambda: torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True) + 1)
add("grad_fn mul 0d", lambda: (torch.tensor([1.5, 2.0], requires_grad=True) * 2).sum())
add(
    "suffix wraps",
    lambda: torch.tensor([123456.5, 234567.25, 345678.125, 456789.0, 567890.5, 678901.5], dtype=f64,
                         requires_grad=True),
)
add("suffix wraps narrow linewidth", lambda: torch.tensor([1.0, 2.0], dtype=torch.float16), {"linewidth": 24})
add("long single line then dtype", lambda: torch.arange(9, dtype=torch.int32) * 1000000)

# default dtype float64
add("default float64: float32 shows dtype", lambda: torch.tensor([1.5, 2.0], dtype=f32), default_dtype=f64)
add("default float64: float64 hides dtype", lambda: torch.tensor([1.5, 2.0], dtype=f64), default_dtype=f64)
add("default float64: empty float32", lambda: torch.zeros(0, dtype=f32), default_dtype=f64)
add("default float64: empty float64", lambda: torch.zeros(0, dtype=f64), default_dtype=f64)
add("default float64: int64", lambda: torch.tensor([1, 2]), default_dtype=f64)

# Python's own '{:.Nf}' / '{:.Ne}' on awkward doubles: random magnitudes, float32 values, and exact
# ties (k / 2^n with few digits), which JavaScript's toFixed/toExponential round the other way.
generator = torch.Generator().manual_seed(1234)
float_values = []
for exponent in range(-12, 22, 3):
    float_values += ((torch.rand(12, generator=generator, dtype=f64) - 0.5) * 10.0**exponent).tolist()
float_values += (torch.randn(20, generator=generator) * 100).tolist()  # float32 values
for denominator_power in range(1, 12):
    for numerator in range(1, 40, 3):
        float_values.append(numerator / 2**denominator_power)
        float_values.append(-(numerator + 2**denominator_power * 37) / 2**denominator_power)
float_values += [1e21, 1e22, 2.0**70, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 9.5, 0.95,
                 99.5, 999999.5, 0.0, -0.0, 1e-7, 123456789.123456789]
float_formats = []
for value in float_values:
    for precision in (0, 1, 2, 4, 7):
        float_formats.append([value, precision, "{:.{}f}".format(value, precision),
                              "{:.{}e}".format(value, precision)])

with open(OUT, "w") as handle:
    json.dump({"tensors": cases, "floats": float_formats}, handle, indent=None, separators=(",", ":"))
    handle.write("\n")
print(f"wrote {len(cases)} tensor cases and {len(float_formats)} float formats to {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")
