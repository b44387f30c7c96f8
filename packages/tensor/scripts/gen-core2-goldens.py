#!/usr/bin/python3
"""Golden values for views, reductions, matrix products and printing, from real PyTorch 1.13.

Run from anywhere with Debian's interpreter (the `python3` on PATH has no torch):

    /usr/bin/python3 packages/tensor/scripts/gen-core2-goldens.py

Writes:
  fixtures/views.json, fixtures/reduce.json, fixtures/matmul.json   every case, read by ops/*.test.ts
  fixtures/print.json                                                repr() strings, read by ops/print.test.ts
  src/testing/conformance-cases.ts                                   the cases marked `conformance`, embedded in the
                                                                     exported conformance suite (no file reads, so it
                                                                     also runs in a browser)
and, when given a safetensors file written by our `save()` as its first argument, reads it with plain json/struct
and prints the names, dtypes and shapes (a check that the files open in a generic reader).

A case is an op name (the TypeScript name; `src/testing/ops.ts` maps it to our API, OPS below maps it to torch),
input tensors, positional `args` and keyword `kwargs` (PyTorch's names). An input is
`{"dtype", "data", "shape"}` (contiguous) or, for non-contiguous inputs, `{"dtype", "data", "shape", "strides",
"offset"}`: `data` is then the whole storage and the tensor is `as_strided` over it, in both libraries.
Results carry shape, dtype, flat row-major values, strides, storage offset, contiguity, and for view checks whether
the result shares the first input's storage and data pointer. Errors carry PyTorch's exception type and message.
Non-finite floats are written "NaN", "Infinity", "-Infinity"; int64 values beyond 2^53 as decimal strings.
"""
import json
import math
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
TESTING = os.path.join(HERE, "..", "src", "testing")
GENERATOR = torch.Generator().manual_seed(1302)

DTYPES = {
    "float32": torch.float32, "float64": torch.float64, "float16": torch.float16, "bfloat16": torch.bfloat16,
    "int64": torch.int64, "int32": torch.int32, "int16": torch.int16, "int8": torch.int8, "uint8": torch.uint8,
    "bool": torch.bool,
}
NAMES = {v: k for k, v in DTYPES.items()}
SAFE = 2 ** 53 - 1


def encode(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v if -SAFE <= v <= SAFE else str(v)
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def encode_args(v):
    return [encode_args(x) for x in v] if isinstance(v, (list, tuple)) else encode(v)


def decode(v):
    if isinstance(v, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(v, None) if v in (
            "NaN", "Infinity", "-Infinity") else int(v)
    return v


def flat(t):
    t = t.detach().reshape(-1)
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.to(torch.float64)
    return [encode(v) for v in t.tolist()]


# ---------------------------------------------------------------------------------------------------------------
# Inputs


def spec(data, shape=None, dtype="float32", strides=None, offset=0):
    """A contiguous input from flat `data`, or an as_strided one over `data` as the storage."""
    if isinstance(data, torch.Tensor):
        data = data.reshape(-1).tolist()
    s = {"dtype": dtype, "data": [encode(v) for v in data], "shape": list(shape if shape is not None else [len(data)])}
    if strides is not None:
        s["strides"] = list(strides)
        s["offset"] = offset
    return s


def strided(data, shape, strides, offset=0, dtype="float32"):
    """A non-contiguous input: `data` is the whole storage, viewed with `shape`, `strides` and `offset`."""
    return spec(data, shape, dtype, strides=strides, offset=offset)


def build(s):
    dtype = DTYPES[s["dtype"]]
    values = [decode(v) for v in s["data"]]
    if dtype in (torch.float16, torch.bfloat16):
        storage = torch.tensor(values, dtype=torch.float64).to(dtype)
    else:
        storage = torch.tensor(values, dtype=dtype)
    if "strides" in s:
        return torch.as_strided(storage, s["shape"], s["strides"], s["offset"])
    return storage.reshape(s["shape"])


def randn(*shape, dtype="float32"):
    t = torch.randn(*shape, generator=GENERATOR).to(DTYPES[dtype])
    return spec(t, shape, dtype)


def arange(*shape, dtype="float32", start=0):
    n = 1
    for d in shape:
        n *= d
    return spec(list(range(start, start + n)), shape, dtype)


def transposed(rows, cols, dtype="float32"):
    """A (rows x cols) input stored column-major: the transpose of a contiguous (cols x rows) tensor."""
    t = torch.randn(cols, rows, generator=GENERATOR).to(DTYPES[dtype])
    if not DTYPES[dtype].is_floating_point:
        t = torch.randint(-5, 6, (cols, rows), generator=GENERATOR).to(DTYPES[dtype])
    return spec(t, [rows, cols], dtype, strides=[1, rows], offset=0)


def randint(*shape, dtype="int64", low=-5, high=6):
    t = torch.randint(low, high, shape, generator=GENERATOR).to(DTYPES[dtype])
    return spec(t, shape, dtype)


# ---------------------------------------------------------------------------------------------------------------
# Ops, named as in TypeScript; each takes the input tensors then args, kwargs (PyTorch names).


def squeeze(x, dim=None):
    if dim is None:
        return x.squeeze()
    if isinstance(dim, int):
        return x.squeeze(dim)
    # torch 1.13 has no list form: squeeze one dim at a time, from the last, which is what the list form does.
    dims = sorted((d % x.dim() for d in dim), reverse=True)
    out = x
    for d in dims:
        out = out.squeeze(d)
    return out if len(dims) else x.view(x.shape)


def resize_(x, *shape):
    return x.resize_(*shape)


def max_op(x, *args, **kwargs):
    return torch.max(x, *args, **kwargs)


OPS = {
    # views
    "view": lambda x, *a: x.view(*a),
    "reshape": lambda x, *a: x.reshape(*a),
    "viewAs": lambda x, y: x.view_as(y),
    "reshapeAs": lambda x, y: x.reshape_as(y),
    "flatten": lambda x, *a: torch.flatten(x, *a),
    "unflatten": lambda x, dim, sizes: x.unflatten(dim, sizes),
    "squeeze": squeeze,
    "unsqueeze": lambda x, d: x.unsqueeze(d),
    "transpose": lambda x, a, b: x.transpose(a, b),
    "t": lambda x: x.t(),
    "T": lambda x: x.T,
    "mT": lambda x: x.mT,
    "permute": lambda x, *d: x.permute(*d),
    "movedim": lambda x, s, d: torch.movedim(x, s, d),
    "expand": lambda x, *s: x.expand(*s),
    "expandAs": lambda x, y: x.expand_as(y),
    "narrow": lambda x, d, s, n: x.narrow(d, s, n),
    "select": lambda x, d, i: x.select(d, i),
    "unfold": lambda x, d, s, st: x.unfold(d, s, st),
    "diagonal": lambda x, *a: x.diagonal(*a),
    "asStrided": lambda x, *a: x.as_strided(*a),
    "contiguous": lambda x: x.contiguous(),
    "clone": lambda x: x.clone(),
    "detach": lambda x: x.detach(),
    "resize_": resize_,
    # reductions
    "sum": lambda x, *a, **k: torch.sum(x, *a, **k),
    "mean": lambda x, *a, **k: torch.mean(x, *a, **k),
    "prod": lambda x, *a, **k: torch.prod(x, *a, **k),
    "nansum": lambda x, *a, **k: torch.nansum(x, *a, **k),
    "nanmean": lambda x, *a, **k: torch.nanmean(x, *a, **k),
    "amax": lambda x, *a, **k: torch.amax(x, *a, **k),
    "amin": lambda x, *a, **k: torch.amin(x, *a, **k),
    "max": max_op,
    "min": lambda x, *a, **k: torch.min(x, *a, **k),
    "argmax": lambda x, *a, **k: torch.argmax(x, *a, **k),
    "argmin": lambda x, *a, **k: torch.argmin(x, *a, **k),
    "all": lambda x, *a, **k: torch.all(x, *a, **k),
    "any": lambda x, *a, **k: torch.any(x, *a, **k),
    "countNonzero": lambda x, *a, **k: torch.count_nonzero(x, *a, **k),
    "var": lambda x, *a, **k: torch.var(x, *a, **k),
    "std": lambda x, *a, **k: torch.std(x, *a, **k),
    "varMean": lambda x, *a, **k: torch.var_mean(x, *a, **k),
    "stdMean": lambda x, *a, **k: torch.std_mean(x, *a, **k),
    "logsumexp": lambda x, *a, **k: torch.logsumexp(x, *a, **k),
    "norm": lambda x, *a, **k: torch.norm(x, *a, **k),
    "dist": lambda x, y, *a: torch.dist(x, y, *a),
    "cumsum": lambda x, *a, **k: torch.cumsum(x, *a, **k),
    "cumprod": lambda x, *a, **k: torch.cumprod(x, *a, **k),
    "cummax": lambda x, d: torch.cummax(x, d),
    "cummin": lambda x, d: torch.cummin(x, d),
    "logcumsumexp": lambda x, d: torch.logcumsumexp(x, d),
    "softmax": lambda x, d, **k: torch.softmax(x, d, **k),
    "logSoftmax": lambda x, d, **k: torch.log_softmax(x, d, **k),
    # matrix products
    "dot": lambda a, b: torch.dot(a, b),
    "mv": lambda a, b: torch.mv(a, b),
    "mm": lambda a, b: torch.mm(a, b),
    "bmm": lambda a, b: torch.bmm(a, b),
    "matmul": lambda a, b: torch.matmul(a, b),
    "outer": lambda a, b: torch.outer(a, b),
    "addmm": lambda c, a, b, **k: torch.addmm(c, a, b, **k),
    "addmv": lambda c, a, b, **k: torch.addmv(c, a, b, **k),
    "baddbmm": lambda c, a, b, **k: torch.baddbmm(c, a, b, **k),
}


def describe(out, first):
    if isinstance(out, torch.Tensor):
        d = {
            "shape": list(out.shape),
            "dtype": NAMES[out.dtype],
            "data": flat(out),
            "strides": list(out.stride()),
            "offset": out.storage_offset(),
            "contiguous": out.is_contiguous(),
        }
        if first is not None:
            d["sharesStorage"] = out.storage().data_ptr() == first.storage().data_ptr()
            d["samePointer"] = out.data_ptr() == first.data_ptr()
        return d
    if isinstance(out, (tuple, list)):
        return {"tuple": [describe(o, first) for o in out]}
    return {"value": encode(out)}


def case(group, name, op, inputs, args=(), kwargs=None, conformance=False, tol=None):
    kwargs = kwargs or {}
    tensors = [build(s) for s in inputs]
    c = {"name": name, "op": op, "inputs": inputs, "args": encode_args(list(args)), "kwargs": kwargs}
    if tol is not None:
        c["tol"] = tol
    call_kwargs = {k: (DTYPES[v] if k == "dtype" else v) for k, v in kwargs.items()}
    try:
        out = OPS[op](*tensors, *args, **call_kwargs)
        c["expect"] = describe(out, tensors[0] if group == "views" else None)
    except Exception as e:  # noqa: BLE001 - every PyTorch error becomes a golden message
        c["error"] = {"type": type(e).__name__, "message": str(e).split("\n")[0] if op != "view" else str(e)}
    if conformance:
        c["conformance"] = True
    GROUPS[group].append(c)


GROUPS = {"views": [], "reduce": [], "matmul": []}


# ---------------------------------------------------------------------------------------------------------------
# Views


def views():
    v = lambda *a, **k: case("views", *a, **k)  # noqa: E731
    x23 = arange(2, 3)
    x234 = arange(2, 3, 4)
    t34 = spec(list(range(12)), [4, 3], strides=[1, 4])  # transpose of a contiguous 3x4
    v("view 2x3 -> 3x2", "view", [x23], [3, 2], conformance=True)
    v("view -1 infers", "view", [x234], [-1, 4])
    v("view array form", "view", [x234], [[6, 4]])
    v("view to 0-d", "view", [arange(1)], [[]])
    v("view 0-d to 1", "view", [spec([5.0], [])], [1])
    v("view merge inner dims of narrow", "view", [strided(list(range(24)), [2, 3, 2], [12, 4, 1], 1)], [2, 6])
    v("view split transposed dim", "view", [t34], [2, 2, 3])
    v("view incompatible", "view", [t34], [12], conformance=True)
    v("view invalid size", "view", [x23], [4])
    v("view two -1", "view", [x23], [-1, -1])
    v("view empty", "view", [spec([], [0, 3])], [3, 0, -1])
    v("view size-1 dims with odd strides", "view", [strided(list(range(6)), [1, 3, 1, 2], [7, 2, 9, 1])], [3, 2])
    v("reshape as view", "reshape", [x234], [4, 6], conformance=True)
    v("reshape copies transposed", "reshape", [t34], [12], conformance=True)
    v("reshape copies expanded", "reshape", [strided([1.0, 2.0, 3.0], [2, 3], [0, 1])], [6])
    v("reshape expanded as view", "reshape", [strided([1.0, 2.0, 3.0], [2, 3], [0, 1])], [2, 1, 3])
    v("reshape -1", "reshape", [t34], [-1])
    v("reshape invalid", "reshape", [x23], [5, -1])
    v("viewAs", "viewAs", [x234, arange(6, 4)])
    v("reshapeAs copy", "reshapeAs", [t34, arange(12)])
    v("flatten all", "flatten", [x234], conformance=True)
    v("flatten 1..2", "flatten", [x234], [1, 2])
    v("flatten 0..1", "flatten", [x234], [0, 1])
    v("flatten same dim", "flatten", [x234], [1, 1])
    v("flatten 0-d", "flatten", [spec([3.0], [])])
    v("flatten transposed copies", "flatten", [t34])
    v("flatten bad order", "flatten", [x234], [2, 1])
    v("unflatten", "unflatten", [x234], [2, [2, 2]], conformance=True)
    v("unflatten -1", "unflatten", [x234], [-1, [2, -1]])
    v("unflatten bad", "unflatten", [x234], [1, [2, 2]])
    s = spec(list(range(6)), [1, 2, 1, 3])
    v("squeeze all", "squeeze", [s], conformance=True)
    v("squeeze one", "squeeze", [s], [2])
    v("squeeze negative", "squeeze", [s], [-4])
    v("squeeze non-1 dim is no-op", "squeeze", [s], [1])
    v("squeeze list", "squeeze", [s], [[0, 2]])
    v("squeeze list with non-1", "squeeze", [s], [[0, 1]])
    v("squeeze out of range", "squeeze", [s], [4])
    v("squeeze 0-d", "squeeze", [spec([1.0], [])], [0])
    v("unsqueeze front", "unsqueeze", [x23], [0], conformance=True)
    v("unsqueeze end", "unsqueeze", [x23], [2])
    v("unsqueeze -1", "unsqueeze", [x23], [-1])
    v("unsqueeze middle of transposed", "unsqueeze", [t34], [1])
    v("unsqueeze end of transposed", "unsqueeze", [t34], [2])
    v("unsqueeze 0-d", "unsqueeze", [spec([1.0], [])], [0])
    v("unsqueeze out of range", "unsqueeze", [x23], [3])
    v("unsqueeze sliced", "unsqueeze", [strided(list(range(12)), [3, 2], [4, 2], 1)], [1])
    v("transpose", "transpose", [x234], [0, 2], conformance=True)
    v("transpose negative", "transpose", [x234], [-1, -2])
    v("transpose out of range", "transpose", [x23], [0, 2], conformance=True)
    v("transpose 0-d", "transpose", [spec([1.0], [])], [0, -1])
    v("t 2-d", "t", [x23], conformance=True)
    v("t 1-d", "t", [arange(3)])
    v("t 3-d", "t", [x234])
    v("T", "T", [x234])
    v("mT", "mT", [x234], conformance=True)
    v("mT 1-d", "mT", [arange(3)])
    v("permute", "permute", [x234], [2, 0, 1], conformance=True)
    v("permute array", "permute", [x234], [[-1, 0, 1]])
    v("permute repeated", "permute", [x234], [0, 0, 1])
    v("permute wrong length", "permute", [x234], [0, 1])
    v("movedim one", "movedim", [x234], [0, 2], conformance=True)
    v("movedim list", "movedim", [arange(2, 3, 4, 5)], [[0, 1], [3, 1]])
    v("movedim negative", "movedim", [x234], [-1, 0])
    v("movedim length mismatch", "movedim", [x234], [[0, 1], [2]])
    v("movedim repeated", "movedim", [x234], [[0, 0], [1, 2]])
    v("expand", "expand", [spec([1.0, 2.0, 3.0], [1, 3])], [4, 3], conformance=True)
    v("expand -1", "expand", [spec([1.0, 2.0, 3.0], [3, 1])], [-1, 4])
    v("expand new leading dims", "expand", [spec([1.0, 2.0, 3.0], [3, 1])], [2, 3, 3, 5], conformance=True)
    v("expand array form", "expand", [spec([1.0, 2.0], [2])], [[3, 2]])
    v("expand non-singleton", "expand", [x23], [3, 3], conformance=True)
    v("expand too few sizes", "expand", [x234], [3, 4])
    v("expand too few sizes int64", "expand", [arange(2, 3, dtype="int64")], [3])
    v("expand -1 in new dim", "expand", [x23], [-1, 2, 3])
    v("expand 0-d", "expand", [spec([7.0], [])], [2, 2])
    v("expand to zero", "expand", [spec([1.0, 2.0, 3.0], [1, 3])], [0, 3])
    v("expandAs", "expandAs", [spec([1.0, 2.0, 3.0], [3]), arange(2, 3)])
    v("narrow", "narrow", [x234], [1, 1, 2], conformance=True)
    v("narrow negative start", "narrow", [x234], [2, -2, 2])
    v("narrow zero length", "narrow", [x234], [0, 2, 0])
    v("narrow too long", "narrow", [x234], [1, 2, 2], conformance=True)
    v("narrow start out of range", "narrow", [x234], [1, 4, 0])
    v("narrow start -4", "narrow", [x234], [1, -4, 1])
    v("narrow 0-d", "narrow", [spec([1.0], [])], [0, 0, 1])
    v("select", "select", [x234], [1, 2], conformance=True)
    v("select negative index", "select", [x234], [2, -1])
    v("select out of range", "select", [x234], [1, 3], conformance=True)
    v("select negative out of range", "select", [x234], [0, -3])
    v("select 0-d", "select", [spec([1.0], [])], [0, 0])
    v("select on transposed", "select", [t34], [0, 1])
    v("unfold", "unfold", [arange(7)], [0, 2, 2], conformance=True)
    v("unfold 2-d", "unfold", [arange(3, 5)], [1, 3, 1])
    v("unfold size too big", "unfold", [arange(3)], [0, 4, 1])
    v("unfold step 0", "unfold", [arange(3)], [0, 1, 0])
    v("unfold 0-d", "unfold", [spec([4.0], [])], [0, 1, 1])
    v("unfold full", "unfold", [arange(4)], [0, 4, 3])
    v("diagonal", "diagonal", [arange(3, 4)], conformance=True)
    v("diagonal offset 1", "diagonal", [arange(3, 4)], [1])
    v("diagonal offset -1", "diagonal", [arange(3, 4)], [-1])
    v("diagonal offset past the end", "diagonal", [arange(3, 4)], [5])
    v("diagonal offset -3", "diagonal", [arange(3, 4)], [-3])
    v("diagonal dims", "diagonal", [x234], [0, 0, 2])
    v("diagonal dims reversed offset", "diagonal", [x234], [1, 2, 1])
    v("diagonal negative dims", "diagonal", [x234], [-1, -1, 0])
    v("diagonal same dims", "diagonal", [x234], [0, 1, 1])
    v("asStrided", "asStrided", [arange(9)], [[2, 2], [3, 1], 1], conformance=True)
    v("asStrided overlapping", "asStrided", [arange(6)], [[3, 3], [1, 1]])
    v("asStrided out of bounds", "asStrided", [arange(6)], [[3, 3], [2, 1]], conformance=True)
    v("asStrided offset out of bounds", "asStrided", [arange(6)], [[2], [1], 5])
    v("asStrided empty at end", "asStrided", [arange(6)], [[0, 3], [3, 1], 6])
    v("asStrided of a view keeps the storage offset", "asStrided",
      [strided(list(range(10)), [2, 2], [2, 1], 3)], [[3], [2]])
    v("contiguous of contiguous", "contiguous", [x23])
    v("contiguous of transposed", "contiguous", [t34], conformance=True)
    v("contiguous of offset view", "contiguous", [strided(list(range(10)), [2, 2], [2, 1], 3)])
    v("clone", "clone", [x23])
    v("clone transposed", "clone", [t34])
    v("detach", "detach", [t34])
    v("resize_ shrink", "resize_", [arange(6)], [2, 2])
    v("resize_ to another shape", "resize_", [arange(2, 3)], [3, 2])  # growing leaves new memory uninitialised in torch
    v("resize_ 0", "resize_", [arange(3)], [0])
    v("int64 view", "view", [arange(2, 3, dtype="int64")], [3, 2])
    v("bool transpose", "transpose", [spec([True, False, True, False, False, True], [2, 3], "bool")], [0, 1])
    v("float16 select", "select", [arange(2, 3, dtype="float16")], [1, 1])
    v("int64 extremes expand", "expand",
      [spec([2 ** 63 - 1, -2 ** 63], [2, 1], "int64")], [2, 3])


# ---------------------------------------------------------------------------------------------------------------
# Reductions


def reductions():
    r = lambda *a, **k: case("reduce", *a, **k)  # noqa: E731
    x = randn(3, 4)
    x3 = randn(2, 3, 4)
    xt = transposed(4, 3)
    ties = spec([1.0, 3.0, 3.0, 2.0, 5.0, 5.0, 5.0, 0.0], [2, 4])
    nan = spec([1.0, math.nan, 2.0, 0.0, -1.0, 4.0, math.nan, math.nan, 1.0], [3, 3])
    ninf = spec([-math.inf, -math.inf, -math.inf, 0.0, 1.0, -math.inf, math.inf, 1.0, 2.0], [3, 3])
    ints = randint(3, 4)
    bools = spec([True, False, True, True, False, False], [2, 3], "bool")
    empty = spec([], [0, 3])
    for op in ("sum", "mean", "prod", "amax", "amin", "nansum"):
        r(f"{op} full", op, [x], conformance=op in ("sum", "mean"))
        r(f"{op} dim 1", op, [x], [1])
        r(f"{op} dim 0 keepdim", op, [x], [0, True], conformance=op == "sum")
        r(f"{op} transposed input", op, [xt], [0])
        r(f"{op} 3-d dim -1", op, [x3], [-1])
        if op != "prod":
            r(f"{op} multi-dim", op, [x3], [[0, 2]], conformance=op == "amax")
            r(f"{op} multi-dim keepdim", op, [x3], [[2, 0], True])
    r("sum empty", "sum", [empty], conformance=True)
    r("sum empty dim 0", "sum", [empty], [0])
    r("sum empty dim list", "sum", [x3], [[]])
    r("prod empty", "prod", [empty], [0])
    r("mean empty", "mean", [empty])
    r("sum int", "sum", [ints], [1], conformance=True)
    r("sum int32 full", "sum", [randint(5, dtype="int32")])
    r("sum bool", "sum", [bools])
    r("sum uint8", "sum", [spec([200, 100, 50], [3], "uint8")])
    r("sum dtype float64", "sum", [x], [1], {"dtype": "float64"})
    r("sum int dtype float32", "sum", [ints], [], {"dtype": "float32"})
    r("sum int64 big", "sum", [spec([2 ** 62, 2 ** 62 - 1, -5], [3], "int64")])
    r("sum int64 wraps", "sum", [spec([2 ** 62, 2 ** 62], [2], "int64")])
    r("sum float16", "sum", [arange(2, 3, dtype="float16")], [1])
    r("sum 0-d dim 0", "sum", [spec([2.5], [])], [0])
    r("sum dim out of range", "sum", [x], [2], conformance=True)
    r("sum repeated dim", "sum", [x3], [[0, 0]])
    r("sum nan", "sum", [nan], [1])
    r("prod int", "prod", [ints], [0])
    r("prod bool", "prod", [bools], [1])
    r("mean int error", "mean", [ints], conformance=True)
    r("mean int dtype", "mean", [ints], [], {"dtype": "float64"})
    r("mean float64", "mean", [randn(5, 3, dtype="float64")], [0])
    r("amax nan", "amax", [nan], [1])
    r("amin nan", "amin", [nan], [0])
    r("amax int", "amax", [ints], [0])
    r("amax bool", "amax", [bools], [1])
    r("amax empty full", "amax", [empty])
    r("amax empty dim", "amax", [empty], [0], conformance=True)
    r("amax empty other dim", "amax", [empty], [1])
    r("amax -inf", "amax", [ninf], [1])
    r("max full", "max", [x], conformance=True)
    r("max dim", "max", [x], [1], conformance=True)
    r("max dim keepdim", "max", [x], [0, True])
    r("max ties", "max", [ties], [1], conformance=True)
    r("min ties", "min", [ties], [1])
    r("max nan", "max", [nan], [1], conformance=True)
    r("min nan", "min", [nan], [0])
    r("max nan full", "max", [nan])
    r("max int", "max", [ints], [0])
    r("max int64 extremes", "max", [spec([-2 ** 63, 2 ** 63 - 1, 0], [3], "int64")], [0])
    r("min int64 extremes", "min", [spec([-2 ** 63, 2 ** 63 - 1, 0], [3], "int64")])
    r("max bool", "max", [bools], [1])
    r("max transposed", "max", [xt], [1])
    r("max 0-d", "max", [spec([3.0], [])], [0])
    r("max empty", "max", [empty], conformance=True)
    r("max empty dim", "max", [empty], [0])
    r("max empty other dim", "max", [empty], [1])
    r("min empty", "min", [spec([], [0])])
    r("max -inf rows", "max", [ninf], [1])
    r("argmax full", "argmax", [x], conformance=True)
    r("argmax dim", "argmax", [x], [1])
    r("argmax dim keepdim", "argmax", [x], [0, True])
    r("argmax full keepdim", "argmax", [x3], [], {"keepdim": True})
    r("argmax ties", "argmax", [ties], [1])
    r("argmin ties", "argmin", [ties])
    r("argmax nan", "argmax", [nan], [1])
    r("argmin nan", "argmin", [nan], [0])
    r("argmax empty", "argmax", [empty], conformance=True)
    r("argmax empty dim 1", "argmax", [empty], [1])
    r("argmax empty dim 0", "argmax", [empty], [0])
    r("argmax int64", "argmax", [spec([5, 2 ** 60, -3, 2 ** 60], [4], "int64")])
    r("argmax transposed", "argmax", [xt], [0])
    r("argmin 0-d", "argmin", [spec([3.0], [])])
    r("all float", "all", [spec([1.0, 0.0, 2.0, 3.0], [2, 2])], [1])
    r("all full", "all", [bools], conformance=True)
    r("any full", "any", [bools])
    r("any dim", "any", [bools], [0])
    r("all dim keepdim", "all", [bools], [1, True])
    r("all uint8", "all", [spec([1, 2, 0], [3], "uint8")])
    r("any int", "any", [spec([0, 0, 3], [3], "int64")])
    r("all empty", "all", [empty])
    r("any empty", "any", [empty])
    r("any nan", "any", [spec([0.0, math.nan], [2])])
    r("countNonzero full", "countNonzero", [spec([0.0, 1.0, 0.0, 2.0, math.nan, 0.0], [2, 3])], conformance=True)
    r("countNonzero dim", "countNonzero", [spec([0.0, 1.0, 0.0, 2.0, math.nan, 0.0], [2, 3])], [0])
    r("countNonzero dims", "countNonzero", [x3], [[0, 2]])
    r("countNonzero int", "countNonzero", [ints], [1])
    r("countNonzero bool", "countNonzero", [bools])
    r("nansum all nan", "nansum", [spec([math.nan, math.nan], [2])])
    r("nansum nan", "nansum", [nan], [1], conformance=True)
    r("nansum int", "nansum", [ints], [0])
    r("nanmean", "nanmean", [nan], [1], conformance=True)
    r("nanmean full", "nanmean", [nan])
    r("nanmean keepdim", "nanmean", [nan], [0, True])
    r("nanmean int", "nanmean", [ints])
    for correction in (0, 1, 2):
        r(f"var correction {correction}", "var", [x], [1], {"correction": correction}, conformance=correction == 2)
        r(f"std correction {correction}", "std", [x3], [[0, 2]], {"correction": correction})
    r("var full", "var", [x], conformance=True)
    r("var unbiased false", "var", [x], [0, False])
    r("std unbiased false keepdim", "std", [x], [1, False, True])
    r("var keepdim", "var", [x3], [[1, 2]], {"keepdim": True})
    r("var transposed", "var", [xt], [0])
    r("var single element", "var", [spec([2.0], [1])])
    r("var float64", "var", [randn(4, 5, dtype="float64")], [1])
    r("var int error", "var", [ints])
    r("var nan", "var", [nan], [1])
    r("std full", "std", [x3])
    r("varMean", "varMean", [x], [1], conformance=True)
    r("varMean correction 0 keepdim", "varMean", [x3], [[0, 1]], {"correction": 0, "keepdim": True})
    r("stdMean", "stdMean", [x])
    r("stdMean unbiased false", "stdMean", [x], [0, False])
    r("logsumexp", "logsumexp", [x], [1], conformance=True)
    r("logsumexp keepdim", "logsumexp", [x3], [[0, 2], True])
    r("logsumexp -inf rows", "logsumexp", [ninf], [1], conformance=True)
    r("logsumexp -inf cols", "logsumexp", [ninf], [0])
    r("logsumexp large", "logsumexp", [spec([1000.0, 1000.0, -1000.0, 0.0], [2, 2])], [1])
    r("logsumexp int", "logsumexp", [ints], [1])
    r("logsumexp empty", "logsumexp", [empty], [0])
    r("logsumexp transposed", "logsumexp", [xt], [0])
    for p in (0, 1, 2, 3, math.inf, -math.inf, "fro"):
        pname = encode(p) if not isinstance(p, str) else p
        r(f"norm p={pname}", "norm", [x], [p], conformance=p in (2, math.inf))
        r(f"norm p={pname} dim 1", "norm", [x], [p, 1])
    r("norm default", "norm", [x3])
    r("norm dims keepdim", "norm", [x3], [2, [0, 2], True])
    r("norm p=3 transposed", "norm", [xt], [3, 0])
    r("norm p=0.5", "norm", [x], [0.5, 1])
    r("norm with zeros", "norm", [spec([0.0, 3.0, -4.0, 0.0], [2, 2])], [1, 1])
    r("norm int error", "norm", [ints])
    r("dist", "dist", [x, randn(3, 4)], conformance=True)
    r("dist p=1 broadcast", "dist", [x, randn(4)], [1])
    r("dist p=inf", "dist", [x, randn(3, 4)], [math.inf])
    r("dist p=0", "dist", [x, spec([0.0] * 12, [3, 4])], [0])
    for op in ("cumsum", "cumprod"):
        r(f"{op} dim 1", op, [x], [1], conformance=op == "cumsum")
        r(f"{op} dim 0", op, [x3], [0])
        r(f"{op} transposed", op, [xt], [0])
        r(f"{op} int", op, [ints], [1])
        r(f"{op} bool", op, [bools], [1])
        r(f"{op} dtype", op, [ints], [0], {"dtype": "float64"})
        r(f"{op} 0-d", op, [spec([2.5], [])], [0])
        r(f"{op} empty", op, [empty], [0])
        r(f"{op} out of range", op, [x], [2])
    r("cumsum nan", "cumsum", [nan], [1])
    r("cumprod int64 big", "cumprod", [spec([2 ** 31, 2 ** 31, 3], [3], "int64")], [0])
    for op in ("cummax", "cummin"):
        r(f"{op}", op, [x], [1], conformance=op == "cummax")
        r(f"{op} ties", op, [ties], [1])
        r(f"{op} nan", op, [nan], [1])
        r(f"{op} nan dim 0", op, [nan], [0])
        r(f"{op} int", op, [ints], [0])
        r(f"{op} transposed", op, [xt], [1])
        r(f"{op} 0-d", op, [spec([2.5], [])], [0])
        r(f"{op} -inf", op, [ninf], [1])
        r(f"{op} bool", op, [bools], [1])
    r("logcumsumexp", "logcumsumexp", [x], [1], conformance=True)
    r("logcumsumexp -inf", "logcumsumexp", [ninf], [1])
    r("logcumsumexp -inf dim 0", "logcumsumexp", [ninf], [0])
    r("logcumsumexp large", "logcumsumexp", [spec([1000.0, 1000.0, -1000.0, 0.0], [4])], [0])
    r("logcumsumexp int", "logcumsumexp", [ints], [1])
    for op in ("softmax", "logSoftmax"):
        for d in (0, 1, -1):
            r(f"{op} dim {d}", op, [x], [d], conformance=d == 1)
        r(f"{op} 3-d dim 1", op, [x3], [1])
        r(f"{op} transposed", op, [xt], [1])
        r(f"{op} -inf", op, [ninf], [1], conformance=op == "softmax")
        r(f"{op} -inf dim 0", op, [ninf], [0])
        r(f"{op} nan", op, [nan], [1])
        r(f"{op} dtype", op, [x], [1], {"dtype": "float64"})
        r(f"{op} float64", op, [randn(3, 5, dtype="float64")], [-1])
        r(f"{op} 0-d", op, [spec([2.5], [])], [0])
        r(f"{op} empty", op, [empty], [1])
        r(f"{op} large", op, [spec([1000.0, 1000.0, -1000.0, 0.0], [2, 2])], [1])
        r(f"{op} out of range", op, [x], [2])
    r("softmax int error", "softmax", [ints], [1])
    r("softmax int error dim 0", "softmax", [ints], [0])
    r("logSoftmax int error", "logSoftmax", [ints], [1])
    r("softmax int dtype", "softmax", [ints], [1], {"dtype": "float32"})


# ---------------------------------------------------------------------------------------------------------------
# Matrix products


def products():
    m = lambda *a, **k: case("matmul", *a, **k)  # noqa: E731
    for dtype in ("float32", "float64", "int64", "int32"):
        make = (lambda *s: randn(*s, dtype=dtype)) if dtype.startswith("float") else (
            lambda *s: randint(*s, dtype=dtype))
        conf = dtype in ("float32", "int64")
        m(f"dot {dtype}", "dot", [make(5), make(5)], conformance=conf)
        m(f"mv {dtype}", "mv", [make(3, 4), make(4)], conformance=conf)
        m(f"mm {dtype}", "mm", [make(3, 4), make(4, 5)], conformance=conf)
        m(f"mm transposed {dtype}", "mm", [transposed(3, 4, dtype), transposed(4, 2, dtype)], conformance=conf)
        m(f"bmm {dtype}", "bmm", [make(2, 3, 4), make(2, 4, 2)], conformance=conf)
        m(f"matmul 1d@1d {dtype}", "matmul", [make(4), make(4)])
        m(f"matmul 2d@1d {dtype}", "matmul", [make(3, 4), make(4)])
        m(f"matmul 1d@2d {dtype}", "matmul", [make(4), make(4, 3)], conformance=conf)
        m(f"matmul 2d@2d {dtype}", "matmul", [make(2, 4), make(4, 3)])
        m(f"matmul 3d@1d {dtype}", "matmul", [make(2, 3, 4), make(4)], conformance=conf)
        m(f"matmul 1d@3d {dtype}", "matmul", [make(4), make(2, 4, 3)], conformance=conf)
        m(f"matmul 3d@2d {dtype}", "matmul", [make(2, 3, 4), make(4, 5)])
        m(f"matmul 2d@3d {dtype}", "matmul", [make(3, 4), make(2, 4, 5)])
        m(f"matmul broadcast batch {dtype}", "matmul", [make(2, 1, 3, 4), make(3, 4, 2)], conformance=conf)
        m(f"matmul 4d@1d {dtype}", "matmul", [make(2, 2, 3, 4), make(4)])
        m(f"outer {dtype}", "outer", [make(3), make(4)])
    m("mm empty k", "mm", [spec([], [2, 0]), spec([], [0, 3])], conformance=True)
    m("mm empty m", "mm", [spec([], [0, 3]), randn(3, 2)])
    m("matmul empty batch", "matmul", [spec([], [0, 2, 3]), randn(3, 4)])
    m("mm shape error", "mm", [randn(2, 3), randn(4, 5)], conformance=True)
    m("matmul shape error", "matmul", [randn(2, 3), randn(4, 5)], conformance=True)
    m("matmul 1d@1d size error", "matmul", [randn(3), randn(4)])
    m("matmul 2d@1d size error", "matmul", [randn(2, 3), randn(4)])
    m("matmul 1d@2d size error", "matmul", [randn(3), randn(4, 5)])
    m("matmul 3d@3d size error", "matmul", [randn(2, 2, 3), randn(2, 4, 5)])
    m("matmul batch broadcast error", "matmul", [randn(2, 2, 3), randn(3, 3, 5)])
    m("matmul 0-d error", "matmul", [spec([1.0], []), randn(3)])
    m("bmm batch mismatch", "bmm", [randn(2, 2, 3), randn(3, 3, 4)])
    m("bmm inner mismatch", "bmm", [randn(2, 2, 3), randn(2, 4, 4)])
    m("bmm 2d error", "bmm", [randn(2, 3), randn(3, 4)])
    m("mm 1d error", "mm", [randn(3), randn(3, 4)])
    m("mm dtype mismatch", "mm", [randn(2, 3), randn(3, 2, dtype="float64")], conformance=True)
    m("matmul dtype mismatch", "matmul", [randn(2, 3, 4), randn(4, 2, dtype="float64")])
    m("dot dtype mismatch", "dot", [randn(3), randn(3, dtype="float64")])
    m("dot size mismatch", "dot", [randn(3), randn(4)])
    m("dot 2d error", "dot", [randn(2, 3), randn(3)])
    m("mv dtype mismatch", "mv", [randn(2, 3), randn(3, dtype="float64")])
    m("mv size mismatch", "mv", [randn(2, 3), randn(4)])
    m("outer mixed dtype", "outer", [randn(3), randint(2)])
    m("outer 2d error", "outer", [randn(2, 2), randn(3)])
    bools = spec([True, False, True, True, False, True], [2, 3], "bool")
    m("mm bool error", "mm", [bools, spec([True] * 6, [3, 2], "bool")])
    m("mv bool error", "mv", [bools, spec([True] * 3, [3], "bool")])
    m("dot bool error", "dot", [spec([True] * 3, [3], "bool"), spec([True] * 3, [3], "bool")])
    m("matmul int8 wraps", "matmul", [spec([100] * 6, [2, 3], "int8"), spec([1] * 6, [3, 2], "int8")])
    m("addmm int fractional beta alpha", "addmm",
      [spec([1] * 4, [2, 2], "int64"), spec([1] * 4, [2, 2], "int64"), spec([1] * 4, [2, 2], "int64")], [],
      {"beta": 0.5, "alpha": 1.5})
    m("addmm mat dtype mismatch", "addmm", [randn(3, 5), randn(3, 4, dtype="float64"), randn(4, 5)])
    m("addmm input dtype mismatch", "addmm", [randn(3, 5, dtype="float64"), randn(3, 4), randn(4, 5)])
    m("addmm input rank error", "addmm", [randn(2, 3, 5), randn(3, 4), randn(4, 5)])
    m("addmv 2d input error", "addmv", [randn(2, 3), randn(3, 4), randn(4)])
    m("addmv input size error", "addmv", [randn(2), randn(3, 4), randn(4)])
    m("addmm", "addmm", [randn(3, 5), randn(3, 4), randn(4, 5)], conformance=True)
    m("addmm broadcast input", "addmm", [randn(5), randn(3, 4), randn(4, 5)])
    m("addmm beta alpha", "addmm", [randn(3, 5), randn(3, 4), randn(4, 5)], [], {"beta": 0.5, "alpha": 2.0},
      conformance=True)
    nan_input = spec([math.nan, math.inf, 1.0, 2.0, 3.0, 4.0], [2, 3])
    m("addmm beta 0 ignores nan", "addmm", [nan_input, randn(2, 4), randn(4, 3)], [], {"beta": 0},
      conformance=True)
    m("addmm beta 0 alpha 3", "addmm", [nan_input, randn(2, 4), randn(4, 3)], [], {"beta": 0, "alpha": 3})
    m("addmm int64", "addmm", [randint(2, 3), randint(2, 4), randint(4, 3)], [], {"beta": 2, "alpha": 3})
    m("addmm float64", "addmm", [randn(2, 3, dtype="float64"), randn(2, 4, dtype="float64"),
                                 randn(4, 3, dtype="float64")], [], {"beta": -1, "alpha": 0.5})
    m("addmm shape error", "addmm", [randn(3, 5), randn(3, 4), randn(3, 5)])
    m("addmm input broadcast error", "addmm", [randn(2, 5), randn(3, 4), randn(4, 5)])
    m("addmv", "addmv", [randn(3), randn(3, 4), randn(4)], [], {"beta": 2.0, "alpha": -1.0}, conformance=True)
    m("addmv beta 0 ignores nan", "addmv", [spec([math.nan, 1.0, math.inf], [3]), randn(3, 4), randn(4)], [],
      {"beta": 0})
    m("addmv scalar input", "addmv", [spec([1.5], [1]), randn(3, 4), randn(4)])
    m("baddbmm", "baddbmm", [randn(2, 3, 5), randn(2, 3, 4), randn(2, 4, 5)], [], {"beta": 0.5, "alpha": 2.0},
      conformance=True)
    m("baddbmm broadcast input", "baddbmm", [randn(5), randn(2, 3, 4), randn(2, 4, 5)])
    m("baddbmm beta 0 ignores nan", "baddbmm",
      [spec([math.nan] * 2, [1, 1, 2]), randn(2, 3, 4), randn(2, 4, 2)], [], {"beta": 0})


# ---------------------------------------------------------------------------------------------------------------
# Printing


def printing():
    cases = []

    def p(name, t, setup=None):
        cases.append({"name": name, "repr": repr(t)})

    p("float32 matrix", torch.tensor([[1.5, -2.25, 3.0], [4.0, 5.125, -6.0]]))
    p("float64", torch.tensor([1.0, 2.5], dtype=torch.float64))
    p("float16", torch.tensor([1.5, -0.333, 65504.0], dtype=torch.float16))
    p("bfloat16", torch.tensor([1.5, -0.333, 3.0e38], dtype=torch.bfloat16))
    p("bool", torch.tensor([[True, False], [False, True]]))
    p("int64 beyond 2^53", torch.tensor([2 ** 62 + 1, -2 ** 63, 3]))
    p("int32", torch.tensor([1, -2, 3], dtype=torch.int32))
    p("uint8", torch.tensor([1, 200], dtype=torch.uint8))
    p("0-d float", torch.tensor(3.5))
    p("0-d int", torch.tensor(7))
    p("empty", torch.empty(0))
    p("empty 2-d", torch.empty(2, 0))
    p("empty int64", torch.empty(0, dtype=torch.int64))
    p("transposed view", torch.arange(6.0).view(2, 3).t())
    p("expanded view", torch.tensor([1.0, 2.0]).expand(3, 2))
    p("strided view", torch.arange(10, dtype=torch.float64)[1::3])
    p("requires_grad", torch.tensor([1.0, 2.0], requires_grad=True))
    p("requires_grad 0-d", torch.tensor(1.0, requires_grad=True))
    p("nan inf", torch.tensor([math.nan, math.inf, -math.inf, 1.0]))
    p("large and small", torch.tensor([1e-8, 1e10, 1.0]))
    return cases


# ---------------------------------------------------------------------------------------------------------------
# A generic safetensors reader (plain json/struct), to check that our files open elsewhere.


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    for name, info in header.items():
        if name == "__metadata__":
            print("metadata keys:", sorted(info))
            continue
        start, end = info["data_offsets"]
        print(name, info["dtype"], info["shape"], end - start, "bytes")


# ---------------------------------------------------------------------------------------------------------------


def write_json(name, value):
    path = os.path.join(FIXTURES, name)
    with open(path, "w") as f:
        json.dump(value, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def main():
    if len(sys.argv) > 1:
        read_safetensors(sys.argv[1])
        return
    torch.set_printoptions(profile="default")
    views()
    reductions()
    products()
    for group, cases in GROUPS.items():
        write_json(f"{group}.json", {"torch": torch.__version__, "cases": cases})
    write_json("print.json", {"torch": torch.__version__, "cases": printing()})
    subset = [dict(c, group=g) for g, cases in GROUPS.items() for c in cases if c.get("conformance")]
    for c in subset:
        c.pop("conformance")
    path = os.path.join(TESTING, "conformance-cases.ts")
    with open(path, "w") as f:
        f.write("// Generated by scripts/gen-core2-goldens.py from PyTorch " + torch.__version__ + "; do not edit.\n")
        f.write("import type { GoldenCase } from './golden.js';\n\n")
        f.write("/** Golden cases run by the conformance suite on every backend. */\n")
        f.write("// biome-ignore format: generated data, one line\n")
        f.write("export const CONFORMANCE_CASES: readonly GoldenCase[] = JSON.parse(\n  ")
        f.write(json.dumps(json.dumps(subset, separators=(",", ":"))))
        f.write(",\n);\n")
    print(f"wrote {path} ({len(subset)} cases)")


if __name__ == "__main__":
    main()
