#!/usr/bin/python3
"""Golden values for the `linalg` namespace and `einsum` (src/ops/linalg.ts, src/ops/einsum.ts).

Evaluates fixed inputs with real PyTorch (1.13, Debian's python3-torch) and writes
fixtures/linalg-ops.json, which src/ops/linalg.test.ts and src/ops/einsum.test.ts read. Run:

    /usr/bin/python3 packages/tensor/scripts/gen-linalg-ops-goldens.py

Format: {"linalg": [case...], "einsum": [case...]}. A case has "name", "op" (a key of OPS below,
mirrored by the tests' op table), "inputs" (tensor specs), "kwargs" (camelCase, as the TS API takes
them), and either "outputs" (a list of tensor specs: the op's result, or each element of a tuple) or
"error" (the exact message PyTorch raised). A tensor spec is {"shape", "dtype", "data"} with data flat
in row-major order ("NaN"/"Infinity"/"-Infinity" for non-finite values). An input spec with
"transposed": true holds the data of the tensor's transpose (last two dims swapped): the op gets that
tensor's `.mT`, a non-contiguous view. "vectors": false marks singular vectors/eigenvectors that are not
unique (repeated values): tests then check values and reconstruction only.
"""
import json
import math
import os

import torch

GENERATOR = torch.Generator().manual_seed(20240612)
F64 = torch.float64
F32 = torch.float32
DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.int32: "int32",
               torch.float16: "float16", torch.bool: "bool"}


def randn(*shape, dtype=F64):
    return torch.randn(shape, generator=GENERATOR, dtype=F64).to(dtype)


def encode(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def spec(t, transposed=False):
    source = t.mT if transposed else t
    values = source.detach().contiguous().reshape(-1).tolist()
    out = {"shape": list(t.shape), "dtype": DTYPE_NAMES[t.dtype], "data": [encode(v) for v in values]}
    if transposed:
        out["transposed"] = True
    return out


def spd(n, batch=(), dtype=F64):
    a = randn(*batch, n, n)
    return (a @ a.mT + n * torch.eye(n, dtype=F64)).to(dtype)


def symmetric(n, batch=(), dtype=F64):
    a = randn(*batch, n, n)
    return ((a + a.mT) / 2).to(dtype)


# Each entry: (torch call on (inputs, kwargs), ...). kwargs keys are the TS names.
OPS = {
    "inv": lambda x, k: torch.linalg.inv(x[0]),
    "inverse": lambda x, k: torch.inverse(x[0]),
    "det": lambda x, k: torch.linalg.det(x[0]),
    "slogdet": lambda x, k: torch.linalg.slogdet(x[0]),
    "logdet": lambda x, k: torch.logdet(x[0]),
    "solve": lambda x, k: torch.linalg.solve(x[0], x[1], left=k.get("left", True)),
    "cholesky": lambda x, k: torch.linalg.cholesky(x[0], upper=k.get("upper", False)),
    "qr": lambda x, k: torch.linalg.qr(x[0], mode=k.get("mode", "reduced")),
    "eigh": lambda x, k: torch.linalg.eigh(x[0], UPLO=k.get("UPLO", "L")),
    "eigvalsh": lambda x, k: torch.linalg.eigvalsh(x[0], UPLO=k.get("UPLO", "L")),
    "svd": lambda x, k: torch.linalg.svd(x[0], full_matrices=k.get("fullMatrices", True)),
    "svdvals": lambda x, k: torch.linalg.svdvals(x[0]),
    "legacySvd": lambda x, k: torch.svd(x[0], some=k.get("some", True), compute_uv=k.get("computeUv", True)),
    "pinv": lambda x, k: torch.linalg.pinv(x[0], **({"atol": k["atol"]} if "atol" in k else {}),
                                           **({"rtol": k["rtol"]} if "rtol" in k else {}),
                                           hermitian=k.get("hermitian", False)),
    "pinverse": lambda x, k: torch.pinverse(x[0], rcond=k.get("rcond", 1e-15)),
    "matrixRank": lambda x, k: torch.linalg.matrix_rank(x[0], **({"atol": k["atol"]} if "atol" in k else {}),
                                                        **({"rtol": k["rtol"]} if "rtol" in k else {}),
                                                        hermitian=k.get("hermitian", False)),
    "lstsq": lambda x, k: torch.linalg.lstsq(x[0], x[1], rcond=k.get("rcond"), driver=k.get("driver")),
    "matrixPower": lambda x, k: torch.linalg.matrix_power(x[0], k["n"]),
    "cross": lambda x, k: torch.linalg.cross(x[0], x[1], dim=k.get("dim", -1)),
    "multiDot": lambda x, k: torch.linalg.multi_dot(x),
    "vecdot": lambda x, k: torch.linalg.vecdot(x[0], x[1], dim=k.get("dim", -1)),
    "vectorNorm": lambda x, k: torch.linalg.vector_norm(x[0], decode_ord(k.get("ord", 2)), dim=k.get("dim"),
                                                        keepdim=k.get("keepdim", False),
                                                        dtype=getattr(torch, k["dtype"]) if "dtype" in k else None),
    "matrixNorm": lambda x, k: torch.linalg.matrix_norm(x[0], decode_ord(k.get("ord", "fro")),
                                                        dim=k.get("dim", (-2, -1)), keepdim=k.get("keepdim", False)),
    "norm": lambda x, k: torch.linalg.norm(x[0], decode_ord(k.get("ord")), dim=k.get("dim"),
                                           keepdim=k.get("keepdim", False)),
}


def decode_ord(o):
    return {"Infinity": math.inf, "-Infinity": -math.inf}.get(o, o)


def make_input(s):
    dtype = getattr(torch, s["dtype"])
    data = [decode_ord(v) if isinstance(v, str) else v for v in s["data"]]
    if s.get("transposed"):
        shape = list(s["shape"])
        shape[-1], shape[-2] = shape[-2], shape[-1]
        return torch.tensor(data, dtype=dtype).reshape(shape).mT
    return torch.tensor(data, dtype=dtype).reshape(s["shape"])


def run(op, inputs, kwargs):
    tensors = [make_input(s) for s in inputs]
    return OPS[op](tensors, kwargs)


def case(name, op, inputs, kwargs=None, transposed=(), **extra):
    kwargs = kwargs or {}
    input_specs = [spec(t, i in transposed) for i, t in enumerate(inputs)]
    # Round-trip through the specs so the goldens are computed on exactly what the tests build.
    try:
        result = run(op, input_specs, kwargs)
    except Exception as e:  # noqa: BLE001 - every PyTorch error class is recorded by message
        return {"name": name, "op": op, "inputs": input_specs, "kwargs": kwargs, "error": str(e).split("\n")[0],
                "errorType": type(e).__name__, **extra}
    outputs = list(result) if isinstance(result, tuple) else [result]
    return {"name": name, "op": op, "inputs": input_specs, "kwargs": kwargs,
            "outputs": [spec(t) for t in outputs], **extra}


def linalg_cases():
    c = []
    for dtype in (F64, F32):
        d = "f64" if dtype == F64 else "f32"
        a3 = randn(3, 3, dtype=dtype)
        ab = randn(2, 4, 4, dtype=dtype)
        c += [
            case(f"inv {d} 3x3", "inv", [a3]),
            case(f"inv {d} batch", "inv", [ab]),
            case(f"inv {d} transposed", "inv", [randn(2, 3, 3, dtype=dtype)], transposed=(0,)),
            case(f"inverse {d}", "inverse", [a3]),
            case(f"det {d} 3x3", "det", [a3]),
            case(f"det {d} batch", "det", [randn(2, 3, 5, 5, dtype=dtype)]),
            case(f"det {d} transposed", "det", [randn(4, 4, dtype=dtype)], transposed=(0,)),
            case(f"slogdet {d} batch", "slogdet", [ab]),
            case(f"logdet {d} batch", "logdet", [ab]),
            case(f"solve {d} matrix", "solve", [a3, randn(3, 2, dtype=dtype)]),
            case(f"solve {d} vector", "solve", [a3, randn(3, dtype=dtype)]),
            case(f"solve {d} batched vector", "solve", [ab, randn(2, 4, dtype=dtype)]),
            case(f"solve {d} broadcast vector", "solve", [ab, randn(4, dtype=dtype)]),
            case(f"solve {d} broadcast batch", "solve", [ab, randn(3, 1, 4, 2, dtype=dtype)]),
            case(f"solve {d} batched B square", "solve", [ab, randn(4, 4, dtype=dtype)]),
            case(f"solve {d} left=false", "solve", [a3, randn(2, 3, dtype=dtype)], {"left": False}),
            case(f"solve {d} transposed", "solve", [ab, randn(2, 4, 3, dtype=dtype)], transposed=(0, 1)),
            case(f"cholesky {d}", "cholesky", [spd(4, dtype=dtype)]),
            case(f"cholesky {d} upper batch", "cholesky", [spd(3, (2,), dtype=dtype)], {"upper": True}),
            case(f"qr {d} reduced tall", "qr", [randn(5, 3, dtype=dtype)]),
            case(f"qr {d} complete tall", "qr", [randn(5, 3, dtype=dtype)], {"mode": "complete"}),
            case(f"qr {d} r wide batch", "qr", [randn(2, 3, 5, dtype=dtype)], {"mode": "r"}),
            case(f"qr {d} reduced wide transposed", "qr", [randn(2, 3, 4, dtype=dtype)], transposed=(0,)),
            case(f"eigh {d}", "eigh", [symmetric(4, dtype=dtype)]),
            case(f"eigh {d} upper batch", "eigh", [symmetric(3, (2,), dtype=dtype) + torch.triu(randn(3, 3, dtype=dtype), 1)], {"UPLO": "U"}),
            case(f"eigvalsh {d} batch", "eigvalsh", [symmetric(5, (3,), dtype=dtype)]),
            case(f"svd {d} full tall", "svd", [randn(5, 3, dtype=dtype)]),
            case(f"svd {d} reduced wide batch", "svd", [randn(2, 3, 6, dtype=dtype)], {"fullMatrices": False}),
            case(f"svd {d} reduced transposed", "svd", [randn(4, 4, dtype=dtype)], {"fullMatrices": False}, transposed=(0,)),
            case(f"svdvals {d} batch", "svdvals", [randn(3, 4, 2, dtype=dtype)]),
            case(f"legacySvd {d} some", "legacySvd", [randn(5, 3, dtype=dtype)]),
            case(f"legacySvd {d} full", "legacySvd", [randn(3, 4, dtype=dtype)], {"some": False}),
            case(f"legacySvd {d} no uv", "legacySvd", [randn(2, 3, 2, dtype=dtype)], {"computeUv": False}),
            case(f"pinv {d} tall", "pinv", [randn(5, 3, dtype=dtype)]),
            case(f"pinv {d} batch rank-deficient", "pinv", [(randn(2, 4, 1) @ randn(2, 1, 3)).to(dtype)]),
            case(f"pinv {d} rtol", "pinv", [torch.diag(torch.tensor([4.0, 1.0, 1e-3], dtype=dtype))], {"rtol": 0.01}),
            case(f"pinv {d} atol", "pinv", [torch.diag(torch.tensor([4.0, 1.0, 1e-3], dtype=dtype))], {"atol": 0.5}),
            case(f"pinv {d} hermitian", "pinv", [symmetric(4, dtype=dtype)], {"hermitian": True}),
            case(f"pinverse {d}", "pinverse", [randn(3, 5, dtype=dtype)]),
            case(f"matrixRank {d} batch", "matrixRank", [torch.stack([randn(4, 2) @ randn(2, 5), randn(4, 5)]).to(dtype)]),
            case(f"matrixRank {d} tolerance", "matrixRank", [torch.diag(torch.tensor([4.0, 1.0, 1e-3], dtype=dtype))], {"atol": 0.01}),
            case(f"matrixRank {d} hermitian", "matrixRank", [torch.diag(torch.tensor([4.0, -1.0, 0.0], dtype=dtype))], {"hermitian": True}),
            case(f"matrixRank {d} eps boundary", "matrixRank", [torch.diag(torch.tensor([1.0, 1e-6], dtype=dtype))]),
            case(f"lstsq {d} tall", "lstsq", [randn(6, 3, dtype=dtype), randn(6, 2, dtype=dtype)]),
            case(f"lstsq {d} batch vector", "lstsq", [randn(2, 5, 3, dtype=dtype), randn(2, 5, dtype=dtype)]),
            case(f"lstsq {d} gelsd", "lstsq", [randn(6, 3, dtype=dtype), randn(6, 2, dtype=dtype)], {"driver": "gelsd"}),
            case(f"lstsq {d} gelss rank-deficient", "lstsq", [torch.ones(5, 2, dtype=dtype), randn(5, 3, dtype=dtype)], {"driver": "gelss"}),
            case(f"lstsq {d} gels broadcast", "lstsq", [randn(2, 5, 2, dtype=dtype), randn(5, 3, dtype=dtype)[None]], {"driver": "gels"}),
            case(f"matrixPower {d} 5", "matrixPower", [randn(2, 3, 3, dtype=dtype) / 2], {"n": 5}),
            case(f"matrixPower {d} 0", "matrixPower", [randn(2, 3, 3, dtype=dtype)], {"n": 0}),
            case(f"matrixPower {d} -3", "matrixPower", [a3], {"n": -3}),
            case(f"cross {d}", "cross", [randn(4, 3, dtype=dtype), randn(1, 3, dtype=dtype)]),
            case(f"cross {d} dim 0", "cross", [randn(3, 2, dtype=dtype), randn(3, 2, dtype=dtype)], {"dim": 0}),
            case(f"multiDot {d} chain", "multiDot", [randn(3, 10, dtype=dtype), randn(10, 2, dtype=dtype), randn(2, 8, dtype=dtype), randn(8, 4, dtype=dtype)]),
            case(f"multiDot {d} vectors", "multiDot", [randn(3, dtype=dtype), randn(3, 4, dtype=dtype), randn(4, 2, dtype=dtype), randn(2, dtype=dtype)]),
            case(f"multiDot {d} three", "multiDot", [randn(2, 5, dtype=dtype), randn(5, 3, dtype=dtype), randn(3, dtype=dtype)]),
            case(f"vecdot {d}", "vecdot", [randn(2, 3, dtype=dtype), randn(3, dtype=dtype)]),
            case(f"vecdot {d} dim 0", "vecdot", [randn(4, 2, dtype=dtype), randn(4, 1, dtype=dtype)], {"dim": 0}),
            case(f"vecdot {d} 1d", "vecdot", [randn(5, dtype=dtype), randn(5, dtype=dtype)]),
            case(f"vectorNorm {d} default", "vectorNorm", [randn(3, 4, dtype=dtype)]),
            case(f"vectorNorm {d} ord 1 dim", "vectorNorm", [randn(3, 4, dtype=dtype)], {"ord": 1, "dim": 1, "keepdim": True}),
            case(f"vectorNorm {d} inf dims", "vectorNorm", [randn(2, 3, 4, dtype=dtype)], {"ord": "Infinity", "dim": [0, 2]}),
            case(f"vectorNorm {d} -inf", "vectorNorm", [randn(2, 3, dtype=dtype)], {"ord": "-Infinity", "dim": -1}),
            case(f"vectorNorm {d} 0", "vectorNorm", [torch.tensor([[0.0, 1, 2], [0, 0, 3]], dtype=dtype)], {"ord": 0, "dim": 1}),
            case(f"vectorNorm {d} 3.5", "vectorNorm", [randn(2, 5, dtype=dtype)], {"ord": 3.5, "dim": 1}),
            case(f"vectorNorm {d} -1", "vectorNorm", [randn(2, 5, dtype=dtype)], {"ord": -1}),
            case(f"vectorNorm {d} transposed", "vectorNorm", [randn(3, 4, dtype=dtype)], {"dim": 0}, transposed=(0,)),
        ]
        for order in ["fro", "nuc", 1, -1, 2, -2, "Infinity", "-Infinity"]:
            c.append(case(f"matrixNorm {d} {order}", "matrixNorm", [randn(2, 3, 4, dtype=dtype)], {"ord": order}))
        c += [
            case(f"matrixNorm {d} nuc keepdim dims", "matrixNorm", [randn(3, 2, 4, dtype=dtype)], {"ord": "nuc", "dim": [2, 0], "keepdim": True}),
            case(f"matrixNorm {d} 1 dims", "matrixNorm", [randn(3, 2, 4, dtype=dtype)], {"ord": 1, "dim": [2, 0]}),
            case(f"matrixNorm {d} -inf keepdim", "matrixNorm", [randn(3, 2, 4, dtype=dtype)], {"ord": "-Infinity", "dim": [0, 1], "keepdim": True}),
            case(f"matrixNorm {d} 2 transposed", "matrixNorm", [randn(3, 4, dtype=dtype)], {"ord": 2}, transposed=(0,)),
            case(f"norm {d} default 3d", "norm", [randn(2, 3, 4, dtype=dtype)]),
            case(f"norm {d} ord 2 matrix", "norm", [randn(3, 4, dtype=dtype)], {"ord": 2}),
            case(f"norm {d} ord inf vector", "norm", [randn(5, dtype=dtype)], {"ord": "Infinity"}),
            case(f"norm {d} nuc dims", "norm", [randn(2, 3, 4, dtype=dtype)], {"ord": "nuc", "dim": [0, 2]}),
            case(f"norm {d} ord 1 dim", "norm", [randn(2, 3, 4, dtype=dtype)], {"ord": 1, "dim": 1}),
            case(f"norm {d} dims no ord", "norm", [randn(2, 3, 4, dtype=dtype)], {"dim": [1, 2], "keepdim": True}),
            case(f"norm {d} ord -2 dims", "norm", [randn(2, 3, 4, dtype=dtype)], {"ord": -2, "dim": [2, 1]}),
        ]

    # Degenerate shapes and special values.
    singular = torch.tensor([[1.0, 2, 3], [2, 4, 6], [1, 1, 1]], dtype=F64)
    c += [
        case("det singular", "det", [singular]),
        case("slogdet singular", "slogdet", [singular]),
        case("slogdet negative", "slogdet", [torch.tensor([[0.0, 1], [1, 0]], dtype=F64)]),
        case("logdet negative", "logdet", [torch.tensor([[0.0, 1], [1, 0]], dtype=F64)]),
        case("logdet zero", "logdet", [torch.zeros(2, 2, dtype=F64)]),
        case("det empty batch", "det", [torch.zeros(2, 0, 0, dtype=F64)]),
        case("inv empty", "inv", [torch.zeros(2, 0, 0, dtype=F64)]),
        case("svd empty rows full", "svd", [torch.zeros(0, 3, dtype=F64)]),
        case("svd empty batch", "svd", [torch.zeros(2, 0, 3, dtype=F64)], {"fullMatrices": False}),
        case("eigh empty", "eigh", [torch.zeros(0, 0, dtype=F64)]),
        case("qr empty complete", "qr", [torch.zeros(0, 3, dtype=F64)], {"mode": "complete"}),
        case("svd repeated singular values", "svd", [torch.eye(3, dtype=F64) * 2], vectors=False),
        case("eigh repeated eigenvalues", "eigh", [torch.eye(3, dtype=F64)], vectors=False),
        case("vectorNorm empty dim", "vectorNorm", [torch.zeros(0, 3, dtype=F64)], {"ord": -1.5, "dim": 1}),
        case("vectorNorm empty 0", "vectorNorm", [torch.zeros(0, 3, dtype=F64)], {"ord": 0}),
        case("matrixPower int64", "matrixPower", [torch.tensor([[1, 1], [1, 0]])], {"n": 10}),
        case("multiDot int64", "multiDot", [torch.tensor([[1, 2]]), torch.tensor([[3], [4]])]),
        case("cross int64", "cross", [torch.tensor([1, 0, 0]), torch.tensor([0, 1, 0])]),
    ]

    # Errors, each as PyTorch words it.
    long33 = torch.ones(3, 3, dtype=torch.int64)
    half33 = torch.ones(3, 3, dtype=torch.float16)
    r23 = randn(2, 3)
    r3 = randn(3)
    batch_singular = torch.stack([torch.eye(3, dtype=F64), singular])
    e = [
        ("inv", [r23], {}), ("inv", [long33], {}), ("inv", [r3], {}), ("inv", [half33], {}),
        ("inv", [singular], {}), ("inv", [batch_singular], {}), ("inverse", [r23], {}),
        ("det", [r23], {}), ("det", [long33], {}), ("det", [r3], {}), ("det", [half33], {}),
        ("slogdet", [r23], {}), ("slogdet", [long33], {}), ("slogdet", [half33], {}),
        ("logdet", [r23], {}), ("logdet", [half33], {}),
        ("solve", [randn(3, 3), randn(3, dtype=F32)], {}),
        ("solve", [randn(3, 3), randn(2)], {}),
        ("solve", [randn(3, 3), randn(2, 2)], {}),
        ("solve", [randn(3, 3), randn(3, 2)], {"left": False}),
        ("solve", [randn(3, 3), randn(3)], {"left": False}),
        ("solve", [long33, long33], {}),
        ("solve", [torch.ones(2, 3, dtype=torch.int64), long33], {}),
        ("solve", [r3, r3], {}),
        ("solve", [r23, r3], {}),
        ("solve", [randn(3, 3), torch.tensor(1.0, dtype=F64)], {}),
        ("solve", [half33, half33], {}),
        ("solve", [randn(2, 3, 3), randn(4, 3, 1)], {}),
        ("solve", [singular, randn(3)], {}),
        ("solve", [batch_singular, randn(2, 3)], {}),
        ("cholesky", [r23], {}), ("cholesky", [long33], {}), ("cholesky", [half33], {}),
        ("cholesky", [-torch.eye(3, dtype=F64)], {}),
        ("cholesky", [torch.stack([torch.eye(3, dtype=F64), -torch.eye(3, dtype=F64)])], {}),
        ("cholesky", [torch.diag(torch.tensor([1.0, 2.0, -1.0], dtype=F64))], {"upper": True}),
        ("qr", [long33], {}), ("qr", [r3], {}), ("qr", [half33], {}), ("qr", [randn(3, 3)], {"mode": "foo"}),
        ("eigh", [r23], {}), ("eigh", [long33], {}), ("eigh", [r3], {}), ("eigh", [half33], {}),
        ("eigh", [randn(3, 3)], {"UPLO": "X"}), ("eigvalsh", [r23], {}), ("eigvalsh", [long33], {}),
        ("svd", [long33], {}), ("svd", [r3], {}), ("svd", [half33], {}),
        ("svdvals", [long33], {}), ("svdvals", [r3], {}),
        ("legacySvd", [r3], {}), ("legacySvd", [long33], {}),
        ("pinv", [long33], {}), ("pinv", [r3], {}), ("pinv", [half33], {}),
        ("matrixRank", [long33], {}), ("matrixRank", [r3], {}),
        ("lstsq", [randn(3, 2), randn(2, 2)], {}), ("lstsq", [long33, long33], {}),
        ("lstsq", [r3, r3], {}), ("lstsq", [randn(3, 2), randn(3, 2, dtype=F32)], {}),
        ("lstsq", [randn(3, 2), torch.tensor(1.0, dtype=F64)], {}),
        ("lstsq", [randn(2, 5, 3), randn(5, 2, 4)], {}),
        ("lstsq", [randn(2, 5, 3), randn(5, 2)], {}),
        ("lstsq", [randn(3, 2), randn(3, 2)], {"driver": "foo"}),
        ("lstsq", [randn(3, 2), randn(2, 3, 2, 1)], {}),
        ("matrixPower", [r23], {"n": 2}), ("matrixPower", [r3], {"n": 2}), ("matrixPower", [long33], {"n": -1}),
        ("cross", [randn(2, 3), randn(2, 4)], {}), ("cross", [randn(3, 2), randn(3, 2)], {}),
        ("cross", [randn(2, 3), randn(3, 3)], {}), ("cross", [randn(2, 3), randn(2, 3, dtype=F32)], {}),
        ("cross", [randn(2, 3), randn(3)], {}),
        ("multiDot", [r3], {}), ("multiDot", [randn(3, 3), randn(2, 2)], {}),
        ("multiDot", [randn(3, 3, 3), randn(3, 2)], {}), ("multiDot", [randn(3, 3), randn(3, 2, 2)], {}),
        ("multiDot", [randn(3, 3), randn(3), randn(3)], {}),
        ("multiDot", [randn(3, 3), randn(3, 3, dtype=F32)], {}),
        ("multiDot", [torch.ones(3, 3, dtype=torch.int64), torch.ones(3, 3, dtype=torch.int32)], {}),
        ("multiDot", [randn(3, 3), randn(3, 3), randn(3, 3), randn(2, 2)], {}),
        ("vecdot", [r3, randn(4)], {}), ("vecdot", [r3, randn(3, dtype=F32)], {}),
        ("vecdot", [torch.ones(3, dtype=torch.int64), torch.ones(3, dtype=torch.int64)], {}),
        ("vecdot", [randn(2, 3), randn(4, 3)], {}),
        ("vectorNorm", [long33], {}), ("vectorNorm", [torch.zeros(0, 3, dtype=F64)], {"ord": "Infinity"}),
        ("vectorNorm", [torch.zeros(0, 3, dtype=F64)], {"ord": -1}),
        ("vectorNorm", [torch.zeros(0, 3, dtype=F64)], {"ord": -1.5, "dim": 0}),
        ("vectorNorm", [torch.zeros(0, 3, dtype=F64)], {"ord": "-Infinity", "dim": [0, 1]}),
        ("vectorNorm", [randn(3, 3)], {"dtype": "float32"}),
        ("vectorNorm", [randn(3, 3)], {"dim": 5}),
        ("matrixNorm", [r3], {}), ("matrixNorm", [randn(3, 3)], {"ord": 3}), ("matrixNorm", [randn(3, 3)], {"ord": 2.5}),
        ("matrixNorm", [randn(3, 3)], {"ord": "abc"}), ("matrixNorm", [long33], {}),
        ("matrixNorm", [randn(3, 3)], {"dim": [0, 0]}), ("matrixNorm", [randn(3, 3)], {"dim": [1, -1]}),
        ("matrixNorm", [randn(3, 3)], {"dim": [0]}), ("matrixNorm", [randn(3, 3)], {"ord": "nuc", "dim": [0, 1, 2]}),
        ("matrixNorm", [half33], {"ord": 2}), ("matrixNorm", [half33], {"ord": "nuc"}),
        ("norm", [long33], {}), ("norm", [randn(3, 3, 3)], {"ord": "fro"}), ("norm", [r3], {"ord": "fro"}),
        ("norm", [r3], {"ord": "nuc"}), ("norm", [randn(3, 3)], {"ord": 3}), ("norm", [randn(3, 3)], {"ord": "abc"}),
        ("norm", [randn(3, 3)], {"dim": [0, 1, 2]}), ("norm", [randn(3, 3)], {"ord": "fro", "dim": [0, 1, 2]}),
        ("norm", [randn(3, 3, 3)], {"ord": 2}), ("norm", [randn(3, 3, 3)], {"ord": "fro", "dim": 0}),
    ]
    for i, (op, inputs, kwargs) in enumerate(e):
        result = case(f"error {i} {op}", op, inputs, kwargs)
        assert "error" in result, (op, kwargs)
        c.append(result)
    return c


def einsum_case(name, equation, inputs, transposed=()):
    input_specs = [spec(t, i in transposed) for i, t in enumerate(inputs)]
    tensors = [make_input(s) for s in input_specs]
    try:
        out = torch.einsum(equation, *tensors)
    except Exception as e:  # noqa: BLE001
        return {"name": name, "equation": equation, "inputs": input_specs, "error": str(e).split("\n")[0],
                "errorType": type(e).__name__}
    return {"name": name, "equation": equation, "inputs": input_specs, "output": spec(out)}


def einsum_cases():
    r = randn
    c = [
        einsum_case("matmul", "ij,jk->ik", [r(2, 3), r(3, 4)]),
        einsum_case("matmul implicit", "ij,jk", [r(2, 3), r(3, 4)]),
        einsum_case("batched matmul", "bij,bjk->bik", [r(2, 3, 4), r(2, 4, 5)]),
        einsum_case("transpose", "ij->ji", [r(2, 3)]),
        einsum_case("implicit transpose order", "ba", [r(2, 3)]),
        einsum_case("uppercase first", "bA", [r(2, 3)]),
        einsum_case("trace", "ii", [r(4, 4)]),
        einsum_case("diagonal", "ii->i", [r(4, 4)]),
        einsum_case("diagonal of 3", "iii->i", [r(3, 3, 3)]),
        einsum_case("batch diagonal", "...ii->...i", [r(2, 3, 3)]),
        einsum_case("sum all", "ij->", [r(3, 4)]),
        einsum_case("row sums", "ij->i", [r(3, 4)]),
        einsum_case("outer", "i,j->ij", [r(3), r(4)]),
        einsum_case("outer implicit", "i,j", [r(3), r(4)]),
        einsum_case("dot", "i,i->", [r(5), r(5)]),
        einsum_case("dot implicit", "i,i", [r(5), r(5)]),
        einsum_case("hadamard", "ij,ij->ij", [r(2, 3), r(2, 3)]),
        einsum_case("broadcast label size 1", "ij,ij->ij", [r(2, 3), r(2, 1)]),
        einsum_case("bilinear", "bn,anm,bm->ba", [r(2, 3), r(4, 3, 5), r(2, 5)]),
        einsum_case("ellipsis broadcast", "...ij,...jk->...ik", [r(5, 2, 3), r(3, 4)]),
        einsum_case("ellipsis implicit", "...ij,...jk", [r(2, 1, 2, 3), r(4, 3, 2)]),
        einsum_case("ellipsis middle", "i...j->j...i", [r(2, 3, 4, 5)]),
        einsum_case("ellipsis summed", "...i->i", [r(2, 3, 4)]),
        einsum_case("ellipsis scalars", "...,...", [r(2, 3), r(3)]),
        einsum_case("spaces", " i j , j k -> k i ", [r(2, 3), r(3, 4)]),
        einsum_case("tensor contraction", "pqrs,tuqvr->pstuv", [r(2, 3, 4, 2), r(2, 2, 3, 2, 4)]),
        einsum_case("four operands", "ab,bc,cd,de->ae", [r(2, 3), r(3, 4), r(4, 2), r(2, 5)]),
        einsum_case("repeated across and within", "iij,jk->ik", [r(3, 3, 4), r(4, 2)]),
        einsum_case("sum before product", "ij,kl->ik", [r(2, 3), r(4, 5)]),
        einsum_case("zero size", "ij,jk->ik", [r(2, 0), r(0, 3)]),
        einsum_case("zero size output", "ij,jk->ik", [r(0, 3), r(3, 4)]),
        einsum_case("scalar operand", ",ij->ij", [r(), r(2, 3)]),
        einsum_case("scalar only", "->", [r()]),
        einsum_case("empty ellipsis output", "ij,jk->...", [r(2, 3), r(3, 4)]),
        einsum_case("non-contiguous", "ij,jk->ik", [r(3, 4), r(4, 2)], transposed=(0, 1)),
        einsum_case("float32", "bij,bjk->bik", [r(2, 3, 4, dtype=F32), r(2, 4, 5, dtype=F32)]),
        einsum_case("float32 trace", "ii", [r(3, 3, dtype=F32)]),
        einsum_case("int64 matmul", "ij,jk", [torch.arange(6).reshape(2, 3), torch.arange(12).reshape(3, 4)]),
        einsum_case("int32 trace sums to int64", "ii", [torch.arange(9, dtype=torch.int32).reshape(3, 3)]),
        einsum_case("int32 diagonal stays int32", "ii->i", [torch.arange(9, dtype=torch.int32).reshape(3, 3)]),
        einsum_case("mixed dtypes promote without sum", "i,i->i", [r(3, dtype=F32), r(3)]),
    ]
    errors = [
        ("ij", [r(2, 3, 4)]), ("ij,jk", [r(2, 3)]), ("ij,jk->ik", [r(2, 3), r(3, 4), r(4, 4)]),
        ("ij,jk->ikl", [r(2, 3), r(3, 4)]), ("ij,jk->ii", [r(2, 3), r(3, 4)]), ("ij,jk->i.k", [r(2, 3), r(3, 4)]),
        ("i.j", [r(2, 3)]), ("i....j", [r(2, 3)]), ("ij,jk->ik,", [r(2, 3), r(3, 4)]),
        ("ij,jk->", [r(2, 3), r(4, 4)]), ("ii", [r(2, 3)]), ("ij->ij->", [r(2, 3)]), ("i1", [r(2, 3)]),
        ("...ij", [r(2)]), ("...,...", [r(2, 3), r(4, 3)]), ("i->", [r()]),
        ("ij,jk", [r(2, 3), r(3, 4, dtype=F32)]), ("i,i", [r(2, dtype=F32), r(2)]),
        ("i...->......", [r(2, 3)]),
    ]
    for i, (equation, inputs) in enumerate(errors):
        result = einsum_case(f"error {i} {equation}", equation, inputs)
        assert "error" in result, equation
        c.append(result)
    return c


def main():
    torch.set_num_threads(1)
    fixtures = {"linalg": linalg_cases(), "einsum": einsum_cases()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "linalg-ops.json")
    with open(path, "w") as f:
        json.dump(fixtures, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(fixtures['linalg'])} linalg and {len(fixtures['einsum'])} einsum cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
