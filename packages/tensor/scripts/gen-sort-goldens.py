#!/usr/bin/python3
"""Golden values for the sorting and order-statistics ops (src/ops/sort.ts, src/backends/cpu/sort.ts).

Evaluates each case with real PyTorch (1.13, Debian's python3-torch, CPU) and writes fixtures/sort.json,
which src/ops/sort.test.ts reads. Run from anywhere:

    /usr/bin/python3 packages/tensor/scripts/gen-sort-goldens.py

A case is {"name", "op", "inputs": {name: tensor}, "args": {...}} plus either "outputs" (a list of tensors, in
PyTorch's return order) or "error" ({"type", "message"}). A tensor is {"dtype", "shape", "data"} with data flat
in row-major order; int64 values are decimal strings (exact), non-finite floats (also in args) are "NaN",
"Infinity", "-Infinity", and negative zero is "-0". The op names and args are the TypeScript ones; `run` below maps them
to torch calls.
"""
import json
import math
import os

import torch

GENERATOR = torch.Generator().manual_seed(1234)
DTYPES = {
    "float32": torch.float32, "float64": torch.float64, "float16": torch.float16, "bfloat16": torch.bfloat16,
    "int64": torch.int64, "int32": torch.int32, "int16": torch.int16, "int8": torch.int8, "uint8": torch.uint8,
    "bool": torch.bool,
}
NAMES = {v: k for k, v in DTYPES.items()}


def encode_value(v, dtype):
    if dtype == torch.int64:
        return str(int(v))
    if dtype == torch.bool:
        return 1 if v else 0
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        if v == 0 and math.copysign(1, v) < 0:
            return "-0"
    return v


def encode(t):
    return {
        "dtype": NAMES[t.dtype],
        "shape": list(t.shape),
        "data": [encode_value(v, t.dtype) for v in t.detach().contiguous().reshape(-1).tolist()],
    }


def randint(low, high, *shape, dtype=torch.float32):
    return torch.randint(low, high, shape, generator=GENERATOR).to(dtype)


def randn(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=GENERATOR).to(dtype)


def with_nans(t, every=5):
    t = t.clone().reshape(-1)
    t[:: every] = float("nan")
    return t


def run(op, inputs, args):
    x = inputs.get("x")
    a = dict(args)
    if op == "sort":
        return torch.sort(x, dim=a.get("dim", -1), descending=a.get("descending", False), stable=a.get("stable", False))
    if op == "argsort":
        return torch.argsort(x, dim=a.get("dim", -1), descending=a.get("descending", False), stable=a.get("stable", False))
    if op == "msort":
        return torch.msort(x)
    if op == "topk":
        return torch.topk(x, a["k"], dim=a.get("dim", -1), largest=a.get("largest", True), sorted=a.get("sorted", True))
    if op == "kthvalue":
        return torch.kthvalue(x, a["k"], dim=a.get("dim", -1), keepdim=a.get("keepdim", False))
    if op in ("median", "nanmedian"):
        fn = getattr(torch, op)
        if "dim" in a:
            return fn(x, a["dim"], keepdim=a.get("keepdim", False))
        return fn(x)
    if op == "mode":
        return torch.mode(x, dim=a.get("dim", -1), keepdim=a.get("keepdim", False))
    if op in ("quantile", "nanquantile"):
        q = inputs["q"] if "q" in inputs else a["q"]
        return getattr(torch, op)(x, q, dim=a.get("dim"), keepdim=a.get("keepdim", False),
                                  interpolation=a.get("interpolation", "linear"))
    if op == "unique":
        return torch.unique(x, sorted=a.get("sorted", True), return_inverse=a.get("returnInverse", False),
                            return_counts=a.get("returnCounts", False), dim=a.get("dim"))
    if op == "uniqueConsecutive":
        return torch.unique_consecutive(x, return_inverse=a.get("returnInverse", False),
                                        return_counts=a.get("returnCounts", False), dim=a.get("dim"))
    if op == "bincount":
        return torch.bincount(x, inputs.get("w"), minlength=a.get("minlength", 0))
    if op == "histc":
        return torch.histc(x, bins=a.get("bins", 100), min=a.get("min", 0), max=a.get("max", 0))
    if op == "searchsorted":
        values = inputs["v"] if "v" in inputs else a["value"]
        kwargs = {"out_int32": a.get("outInt32", False), "right": a.get("right", False)}
        if "side" in a:
            kwargs["side"] = a["side"]
        if "sorter" in inputs:
            kwargs["sorter"] = inputs["sorter"]
        return torch.searchsorted(inputs["s"], values, **kwargs)
    if op == "bucketize":
        values = x if x is not None else a["value"]
        return torch.bucketize(values, inputs["b"], out_int32=a.get("outInt32", False), right=a.get("right", False))
    raise ValueError(op)


CASES = []


def case(name, op, inputs, **args):
    encoded_args = {k: encode_value(v, None) if isinstance(v, float) else v for k, v in args.items()}
    entry = {"name": name, "op": op, "inputs": {k: encode(v) for k, v in inputs.items()}, "args": encoded_args}
    try:
        result = run(op, inputs, args)
    except (RuntimeError, IndexError, ValueError, TypeError) as e:
        entry["error"] = {"type": type(e).__name__, "message": str(e).split("\n")[0]}
    else:
        outputs = list(result) if isinstance(result, tuple) else [result]
        entry["outputs"] = [encode(t) for t in outputs]
    CASES.append(entry)


def main():
    ties = randint(0, 5, 40)
    many_ties = randint(0, 4, 300)
    big_ties = randint(0, 7, 1000)

    # sort / argsort / msort
    for dtype in ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool"]:
        d = DTYPES[dtype]
        src = randint(0, 2, 60, dtype=d) if d == torch.bool else randint(0, 9, 60, dtype=d)
        for stable in (False, True):
            for descending in (False, True):
                case(f"sort {dtype} ties stable={stable} desc={descending}", "sort", {"x": src},
                     dim=-1, descending=descending, stable=stable)
    for n in (5, 16, 17, 33, 100):
        case(f"sort all equal n={n}", "sort", {"x": torch.zeros(n)})
    case("sort 1000 ties", "sort", {"x": big_ties})
    case("sort 1000 ties descending", "sort", {"x": big_ties}, descending=True)
    case("sort 300 ties 2d dim0", "sort", {"x": many_ties.reshape(30, 10)}, dim=0)
    case("sort 300 ties 3d dim1", "sort", {"x": many_ties.reshape(5, 12, 5)}, dim=1)
    case("sort randn 3d", "sort", {"x": randn(3, 4, 5)}, dim=-1)
    case("sort nan", "sort", {"x": with_nans(randint(0, 4, 50), 3)})
    case("sort nan descending", "sort", {"x": with_nans(randint(0, 4, 50), 3)}, descending=True)
    case("sort nan inf", "sort", {"x": torch.tensor([1.0, float("nan"), float("inf"), -float("inf"), 0.0, -0.0,
                                                      float("nan"), 2.0] * 4)})
    case("sort nan inf float64 stable desc", "sort",
         {"x": torch.tensor([1.0, float("nan"), float("inf"), -float("inf"), 0.0, -0.0] * 5, dtype=torch.float64)},
         descending=True, stable=True)
    case("sort int64 big", "sort", {"x": torch.tensor([2**62, -(2**62), 2**53 + 1, 2**53, 5, 2**53 + 1, -1] * 4)})
    case("sort 0-d", "sort", {"x": torch.tensor(3.5)})
    case("sort 0-d bad dim", "sort", {"x": torch.tensor(3.5)}, dim=1)
    case("sort empty", "sort", {"x": torch.empty(0, 3)}, dim=0)
    case("sort empty rows", "sort", {"x": torch.empty(3, 0)})
    case("sort bad dim", "sort", {"x": ties}, dim=2)
    case("argsort ties", "argsort", {"x": ties})
    case("argsort ties stable desc", "argsort", {"x": ties}, descending=True, stable=True)
    case("argsort 2d dim0", "argsort", {"x": ties.reshape(8, 5)}, dim=0)
    case("msort 2d", "msort", {"x": ties.reshape(8, 5)})
    case("msort 0-d", "msort", {"x": torch.tensor(2.0)})

    # topk
    for k in (1, 3, 4, 5, 10, 40):
        case(f"topk ties k={k}", "topk", {"x": ties}, k=k)
        case(f"topk ties smallest k={k}", "topk", {"x": ties}, k=k, largest=False)
    for k in (1, 4, 5, 30):
        case(f"topk 300 k={k}", "topk", {"x": many_ties}, k=k)
        case(f"topk 300 unsorted k={k}", "topk", {"x": many_ties}, k=k, sorted=False)
        case(f"topk 300 smallest unsorted k={k}", "topk", {"x": many_ties}, k=k, largest=False, sorted=False)
    case("topk nan", "topk", {"x": with_nans(randint(0, 4, 30), 4)}, k=12)
    case("topk nan smallest", "topk", {"x": with_nans(randint(0, 4, 30), 4)}, k=12, largest=False)
    case("topk 2d dim0", "topk", {"x": randint(0, 3, 12, 5)}, k=4, dim=0)
    case("topk int64", "topk", {"x": randint(0, 5, 40, dtype=torch.int64)}, k=7)
    case("topk bfloat16", "topk", {"x": randint(0, 5, 40, dtype=torch.bfloat16)}, k=7)
    case("topk int8", "topk", {"x": randint(-5, 5, 40, dtype=torch.int8)}, k=7, largest=False)
    case("topk k=0", "topk", {"x": ties}, k=0)
    case("topk 0-d", "topk", {"x": torch.tensor(5.0)}, k=1)
    case("topk k too big", "topk", {"x": ties}, k=41)
    case("topk k negative", "topk", {"x": ties}, k=-1)
    case("topk bool", "topk", {"x": torch.tensor([True, False])}, k=1)
    case("topk half", "topk", {"x": torch.tensor([1.0, 2.0], dtype=torch.float16)}, k=1)

    # kthvalue
    for k in (1, 5, 13, 20, 40):
        case(f"kthvalue ties k={k}", "kthvalue", {"x": ties}, k=k)
    case("kthvalue 300", "kthvalue", {"x": many_ties}, k=150)
    case("kthvalue nan", "kthvalue", {"x": with_nans(randint(0, 4, 30), 4)}, k=25)
    case("kthvalue 2d keepdim", "kthvalue", {"x": randint(0, 3, 6, 7)}, k=3, dim=0, keepdim=True)
    case("kthvalue int64", "kthvalue", {"x": randint(0, 5, 30, dtype=torch.int64)}, k=9)
    case("kthvalue bfloat16", "kthvalue", {"x": randint(0, 5, 30, dtype=torch.bfloat16)}, k=9)
    case("kthvalue 0-d", "kthvalue", {"x": torch.tensor(5.0)}, k=1)
    case("kthvalue k=0", "kthvalue", {"x": ties}, k=0)
    case("kthvalue k too big", "kthvalue", {"x": ties.reshape(8, 5)}, k=9, dim=0)
    case("kthvalue empty dim", "kthvalue", {"x": torch.empty(2, 0)}, k=1, dim=1)
    case("kthvalue empty other", "kthvalue", {"x": torch.empty(2, 0)}, k=1, dim=0)
    case("kthvalue half", "kthvalue", {"x": torch.tensor([1.0, 2.0], dtype=torch.float16)}, k=1)
    case("kthvalue bool", "kthvalue", {"x": torch.tensor([True, False])}, k=1)

    # median / nanmedian
    for op in ("median", "nanmedian"):
        case(f"{op} all", op, {"x": ties})
        case(f"{op} all even", op, {"x": ties[:10]})
        case(f"{op} all nan", op, {"x": with_nans(randint(0, 4, 30), 4)})
        case(f"{op} all only nan", op, {"x": torch.full((4,), float("nan"))})
        case(f"{op} empty", op, {"x": torch.empty(0)})
        case(f"{op} empty int64", op, {"x": torch.empty(0, dtype=torch.int64)})
        case(f"{op} int64 all", op, {"x": randint(-9, 9, 21, dtype=torch.int64)})
        case(f"{op} int64 big", op, {"x": torch.tensor([2**62, -(2**62), 2**53 + 1, 7, 2**53 + 3])})
        case(f"{op} dim ties", op, {"x": randint(0, 3, 6, 9)}, dim=1)
        case(f"{op} dim ties keepdim dim0", op, {"x": randint(0, 3, 8, 5)}, dim=0, keepdim=True)
        case(f"{op} dim 300", op, {"x": many_ties}, dim=0)
        case(f"{op} dim nan", op, {"x": with_nans(randint(0, 4, 40), 3).reshape(4, 10)}, dim=1)
        case(f"{op} dim only nan", op, {"x": torch.full((3, 20), float("nan"))}, dim=1)
        case(f"{op} dim 0-d", op, {"x": torch.tensor(2.0)}, dim=0)
        case(f"{op} dim empty", op, {"x": torch.empty(2, 0)}, dim=1)
        case(f"{op} dim empty other", op, {"x": torch.empty(2, 0)}, dim=0)
        case(f"{op} half", op, {"x": torch.tensor([1.0, 2.0], dtype=torch.float16)})
        case(f"{op} dim bool", op, {"x": torch.tensor([True, False])}, dim=0)
        case(f"{op} dim int32", op, {"x": randint(0, 4, 5, 7, dtype=torch.int32)}, dim=1)

    # mode
    case("mode ties", "mode", {"x": ties})
    case("mode 2d", "mode", {"x": randint(0, 4, 6, 9)}, dim=1)
    case("mode 300", "mode", {"x": many_ties})
    case("mode 1000", "mode", {"x": big_ties})
    case("mode dim0 keepdim", "mode", {"x": randint(0, 3, 20, 4)}, dim=0, keepdim=True)
    case("mode bool", "mode", {"x": torch.tensor([True, False, True, False, False, True])})
    case("mode half", "mode", {"x": randint(0, 4, 30, dtype=torch.float16)})
    case("mode int64", "mode", {"x": randint(0, 4, 30, dtype=torch.int64)})
    case("mode uint8", "mode", {"x": randint(0, 4, 30, dtype=torch.uint8)})
    case("mode 0-d", "mode", {"x": torch.tensor(5.0)})
    case("mode all distinct", "mode", {"x": torch.tensor([3.0, 1.0, 2.0])})
    case("mode empty", "mode", {"x": torch.empty(0)})
    case("mode empty other", "mode", {"x": torch.empty(2, 0)}, dim=0)

    # quantile / nanquantile
    qx = randn(4, 7)
    for op in ("quantile", "nanquantile"):
        for interpolation in ("linear", "lower", "higher", "midpoint", "nearest"):
            case(f"{op} {interpolation}", op, {"x": qx, "q": torch.tensor([0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0])},
                 dim=1, interpolation=interpolation)
            case(f"{op} {interpolation} float64 all", op,
                 {"x": qx.double(), "q": torch.tensor([0.0, 0.3, 0.5, 1.0], dtype=torch.float64)},
                 interpolation=interpolation)
        case(f"{op} scalar q", op, {"x": qx}, q=0.3)
        case(f"{op} scalar q dim0 keepdim", op, {"x": qx}, q=0.6, dim=0, keepdim=True)
        case(f"{op} keepdim no dim", op, {"x": qx}, q=0.6, keepdim=True)
        case(f"{op} nan", op, {"x": with_nans(randn(24), 4).reshape(4, 6), "q": torch.tensor([0.2, 0.5])}, dim=1)
        case(f"{op} all nan row", op, {"x": torch.tensor([[float("nan")] * 3, [1.0, 2.0, 3.0]])}, q=0.5, dim=1)
        case(f"{op} 0-d", op, {"x": torch.tensor(3.0)}, q=0.5)
        case(f"{op} bad q", op, {"x": qx}, q=1.5)
        case(f"{op} bad q tensor", op, {"x": qx, "q": torch.tensor([0.5, 2.0])})
        case(f"{op} q dtype", op, {"x": qx, "q": torch.tensor([0.5], dtype=torch.float64)})
        case(f"{op} int input", op, {"x": randint(0, 3, 5, dtype=torch.int64)}, q=0.5)
        case(f"{op} empty", op, {"x": torch.empty(0)}, q=0.5)
        case(f"{op} 2d q", op, {"x": qx, "q": torch.tensor([[0.5]])})
        case(f"{op} bad interpolation", op, {"x": qx}, q=0.5, interpolation="foo")

    # unique / uniqueConsecutive
    u = torch.tensor([3, 1, 2, 3, 5, 1, 9, 7, 2, 0, -1])
    for dtype in ["int64", "int32", "int8", "uint8", "int16", "float32", "float64", "bfloat16"]:
        src = u.to(DTYPES[dtype])
        case(f"unique {dtype}", "unique", {"x": src}, returnInverse=True, returnCounts=True)
        case(f"unique {dtype} unsorted", "unique", {"x": src}, sorted=False, returnInverse=True, returnCounts=True)
    case("unique big unsorted float", "unique", {"x": randint(-50, 50, 200)}, sorted=False)
    case("unique big unsorted int", "unique", {"x": randint(-50, 50, 200, dtype=torch.int64)}, sorted=False,
         returnCounts=True)
    case("unique randn unsorted float64", "unique", {"x": randn(40, dtype=torch.float64)}, sorted=False)
    case("unique bool", "unique", {"x": torch.tensor([True, False, True])}, sorted=False, returnCounts=True)
    case("unique nan", "unique", {"x": torch.tensor([1.0, float("nan"), 2.0, float("nan"), 1.0])},
         returnInverse=True, returnCounts=True)
    case("unique nan unsorted", "unique", {"x": torch.tensor([1.0, float("nan"), 2.0, float("nan"), 1.0])},
         sorted=False, returnInverse=True, returnCounts=True)
    case("unique nan many", "unique", {"x": with_nans(randint(0, 30, 60), 4)})
    case("unique signed zero", "unique", {"x": torch.tensor([-0.0, 0.0, 1.0, 0.0])})
    case("unique 2d inverse", "unique", {"x": randint(0, 4, 3, 5, dtype=torch.int64)}, returnInverse=True)
    case("unique 0-d", "unique", {"x": torch.tensor(3.0)}, returnInverse=True, returnCounts=True)
    case("unique empty", "unique", {"x": torch.empty(0)}, returnInverse=True, returnCounts=True)
    case("unique half", "unique", {"x": torch.tensor([1.0], dtype=torch.float16)})
    case("unique int64 big", "unique", {"x": torch.tensor([2**62, 2**53 + 1, 2**53, 2**53 + 1, -(2**62)])},
         returnInverse=True, returnCounts=True)
    case("unique dim0", "unique", {"x": torch.tensor([[1, 2], [1, 2], [0, 3], [1, 1]])}, dim=0,
         returnInverse=True, returnCounts=True)
    case("unique dim1", "unique", {"x": torch.tensor([[1, 2, 1, 0], [3, 4, 3, 0]])}, dim=1,
         returnInverse=True, returnCounts=True)
    case("unique dim 3d", "unique", {"x": randint(0, 2, 4, 3, 2)}, dim=1)
    case("unique dim empty", "unique", {"x": torch.empty(2, 0)}, dim=1)
    case("unique dim empty other", "unique", {"x": torch.empty(0, 2)}, dim=1)
    case("unique dim 0-d", "unique", {"x": torch.tensor(3.0)}, dim=0)
    case("uniqueConsecutive", "uniqueConsecutive", {"x": torch.tensor([1, 1, 2, 2, 3, 1, 1, 2])},
         returnInverse=True, returnCounts=True)
    case("uniqueConsecutive 2d", "uniqueConsecutive", {"x": torch.tensor([[1, 1], [2, 2]])}, returnInverse=True)
    case("uniqueConsecutive nan", "uniqueConsecutive", {"x": torch.tensor([1.0, float("nan"), float("nan"), 2.0])},
         returnCounts=True)
    case("uniqueConsecutive plain", "uniqueConsecutive", {"x": torch.tensor([1.0, 1.0, 0.0])})
    case("uniqueConsecutive 0-d", "uniqueConsecutive", {"x": torch.tensor(3.0)}, returnInverse=True,
         returnCounts=True)
    case("uniqueConsecutive empty", "uniqueConsecutive", {"x": torch.empty(0)}, returnInverse=True,
         returnCounts=True)
    case("uniqueConsecutive dim0", "uniqueConsecutive", {"x": torch.tensor([[1, 1], [1, 1], [2, 2], [1, 1]])},
         dim=0, returnInverse=True, returnCounts=True)
    case("uniqueConsecutive half", "uniqueConsecutive", {"x": torch.tensor([1.0], dtype=torch.float16)})

    # bincount
    bx = randint(0, 8, 30, dtype=torch.int64)
    case("bincount", "bincount", {"x": bx})
    case("bincount minlength", "bincount", {"x": bx}, minlength=12)
    case("bincount uint8", "bincount", {"x": bx.to(torch.uint8)})
    case("bincount weights float32", "bincount", {"x": bx, "w": randn(30)})
    case("bincount weights float64", "bincount", {"x": bx, "w": randn(30, dtype=torch.float64)})
    case("bincount weights int", "bincount", {"x": bx, "w": randint(0, 5, 30, dtype=torch.int64)})
    case("bincount weights half", "bincount", {"x": bx, "w": randn(30, dtype=torch.float16)})
    case("bincount empty", "bincount", {"x": torch.empty(0, dtype=torch.int64)}, minlength=3)
    case("bincount empty weights", "bincount", {"x": torch.empty(0, dtype=torch.int64), "w": torch.empty(0)})
    case("bincount negative", "bincount", {"x": torch.tensor([1, -1])})
    case("bincount 2d", "bincount", {"x": torch.tensor([[1, 2]])})
    case("bincount 0-d", "bincount", {"x": torch.tensor(3)})
    case("bincount float", "bincount", {"x": torch.tensor([1.0])})
    case("bincount bool", "bincount", {"x": torch.tensor([True])})
    case("bincount minlength negative", "bincount", {"x": bx}, minlength=-1)
    case("bincount weights length", "bincount", {"x": bx, "w": randn(29)})

    # histc
    hx = randn(500)
    case("histc default", "histc", {"x": hx})
    case("histc bins", "histc", {"x": hx}, bins=7, min=-1, max=1)
    case("histc float64", "histc", {"x": hx.double()}, bins=13)
    case("histc edges", "histc", {"x": torch.tensor([0.0, 0.1, 0.2, 0.3, 0.7, 1.0, 1.0000001, -0.0])}, bins=10, min=0,
         max=1)
    case("histc thirds", "histc", {"x": torch.arange(0, 31, dtype=torch.float32) / 30}, bins=3, min=0, max=1)
    case("histc constant", "histc", {"x": torch.tensor([2.0, 2.0])}, bins=3)
    case("histc equal min max", "histc", {"x": torch.tensor([1.0, 2.0])}, bins=3, min=1, max=1)
    case("histc nan ignored", "histc", {"x": torch.tensor([1.0, float("nan"), 2.0])}, bins=4, min=0, max=3)
    case("histc empty", "histc", {"x": torch.empty(0)}, bins=3)
    case("histc 2d", "histc", {"x": randn(4, 5)}, bins=4)
    case("histc int", "histc", {"x": torch.tensor([1, 2])})
    case("histc half", "histc", {"x": torch.tensor([1.0, 2.0], dtype=torch.float16)})
    case("histc bins 0", "histc", {"x": hx}, bins=0)
    case("histc min > max", "histc", {"x": hx}, bins=4, min=3, max=1)
    case("histc inf", "histc", {"x": torch.tensor([1.0, float("inf")])}, bins=3)
    case("histc nan min", "histc", {"x": hx}, bins=3, min=float("nan"), max=1)

    # searchsorted / bucketize
    seq = torch.tensor([1.0, 2.0, 2.0, 2.0, 3.0, 5.0, 8.0])
    vals = torch.tensor([0.0, 1.0, 2.0, 2.5, 3.0, 8.0, 9.0, float("nan"), -float("inf")])
    for right in (False, True):
        case(f"searchsorted right={right}", "searchsorted", {"s": seq, "v": vals}, right=right)
    case("searchsorted side right", "searchsorted", {"s": seq, "v": vals}, side="right")
    case("searchsorted int32", "searchsorted", {"s": seq, "v": vals}, outInt32=True)
    case("searchsorted nan in seq", "searchsorted",
         {"s": torch.tensor([1.0, 2.0, float("nan")]), "v": torch.tensor([0.0, 2.0, 5.0, float("nan")])})
    case("searchsorted nan in seq right", "searchsorted",
         {"s": torch.tensor([1.0, 2.0, float("nan")]), "v": torch.tensor([0.0, 2.0, 5.0, float("nan")])}, right=True)
    case("searchsorted 2d", "searchsorted",
         {"s": torch.tensor([[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]]), "v": torch.tensor([[3, 6, 9], [3, 6, 9]])})
    case("searchsorted 2d right", "searchsorted",
         {"s": torch.tensor([[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]]), "v": torch.tensor([[3, 6, 9], [3, 6, 9]])},
         right=True)
    case("searchsorted sorter", "searchsorted",
         {"s": torch.tensor([5.0, 1.0, 3.0, 2.0]), "v": torch.tensor([0.0, 2.0, 4.0, 6.0]),
          "sorter": torch.tensor([1, 3, 2, 0])})
    case("searchsorted mixed int seq", "searchsorted", {"s": torch.tensor([1, 2, 3]), "v": torch.tensor([1.5, 2.0])})
    case("searchsorted mixed float seq", "searchsorted", {"s": torch.tensor([1.0, 2.5]), "v": torch.tensor([1, 2, 3])})
    case("searchsorted scalar", "searchsorted", {"s": seq}, value=2.5)
    case("searchsorted scalar int", "searchsorted", {"s": seq}, value=2, right=True)
    case("searchsorted half", "searchsorted", {"s": seq.half(), "v": vals.half()})
    case("searchsorted int64 big", "searchsorted",
         {"s": torch.tensor([2**53, 2**53 + 2, 2**60]), "v": torch.tensor([2**53 + 1, 2**53 + 2, 2**61])})
    case("searchsorted 0-d values", "searchsorted", {"s": seq, "v": torch.tensor(2.0)})
    case("searchsorted empty seq", "searchsorted", {"s": torch.empty(0), "v": torch.tensor([1.0])})
    case("searchsorted bad side", "searchsorted", {"s": seq, "v": vals}, side="foo")
    case("searchsorted opposite", "searchsorted", {"s": seq, "v": vals}, side="left", right=True)
    case("searchsorted shape", "searchsorted", {"s": torch.ones(2, 3), "v": torch.ones(3, 2)})
    case("searchsorted shape 1d values", "searchsorted", {"s": torch.ones(2, 3), "v": torch.ones(2)})
    case("searchsorted 0-d seq", "searchsorted", {"s": torch.tensor(1.0), "v": torch.ones(2)})
    case("searchsorted sorter size", "searchsorted", {"s": seq, "v": vals, "sorter": torch.tensor([1, 2])})
    case("searchsorted sorter dtype", "searchsorted", {"s": seq, "v": vals, "sorter": torch.zeros(7)})
    case("searchsorted bool", "searchsorted", {"s": torch.tensor([False, True]), "v": torch.tensor([True])})
    case("searchsorted scalar 2d seq", "searchsorted", {"s": torch.ones(2, 3)}, value=1.0)
    case("bucketize", "bucketize", {"x": vals, "b": seq})
    case("bucketize right", "bucketize", {"x": vals.reshape(3, 3), "b": seq}, right=True)
    case("bucketize int32", "bucketize", {"x": vals, "b": seq}, outInt32=True)
    case("bucketize scalar", "bucketize", {"b": seq}, value=2.0)
    case("bucketize 2d boundaries", "bucketize", {"x": vals, "b": torch.ones(2, 2)})

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "sort.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": CASES}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(CASES)} cases to {os.path.normpath(path)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
