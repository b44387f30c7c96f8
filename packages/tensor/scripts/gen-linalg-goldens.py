#!/usr/bin/python3
"""Golden values for the CPU backend's dense linear-algebra kernels (src/backends/cpu/linalg-kernels.ts).

Evaluates fixed float64 inputs with real PyTorch (1.13, Debian's python3-torch) and writes
fixtures/linalg.json, which linalg-kernels.test.ts reads. Run from anywhere:

    /usr/bin/python3 packages/tensor/scripts/gen-linalg-goldens.py

Matrices are stored flat in row-major order. Non-finite floats are written as the strings
"Infinity", "-Infinity" and "NaN" so the file stays strict JSON. A case with "error" holds the
exact message PyTorch raised. "checkVectors": false marks eigen/singular vectors that are not
unique (repeated values), where the tests only check values and reconstruction. "tol" overrides
the default relative tolerance where the input is ill-conditioned.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
GENERATOR = torch.Generator().manual_seed(20240611)
F64 = torch.float64


def randn(*shape):
    return torch.randn(*shape, generator=GENERATOR, dtype=F64)


def flat(t):
    values = t.detach().contiguous().reshape(-1).tolist()
    return [encode(v) for v in values]


def encode(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def error_message(fn):
    try:
        fn()
    except RuntimeError as e:  # torch.linalg.LinAlgError is a RuntimeError
        return str(e)
    raise AssertionError("expected an error")


def random_orthogonal(n):
    q, _ = torch.linalg.qr(randn(n, n))
    return q


def with_eigenvalues(values):
    q = random_orthogonal(len(values))
    a = q @ torch.diag(torch.tensor(values, dtype=F64)) @ q.T
    return (a + a.T) / 2


def with_singular_values(m, n, values):
    u = random_orthogonal(m)[:, : len(values)]
    v = random_orthogonal(n)[:, : len(values)]
    return u @ torch.diag(torch.tensor(values, dtype=F64)) @ v.T


def hilbert(n):
    return torch.tensor([[1.0 / (i + j + 1) for j in range(n)] for i in range(n)], dtype=F64)


SINGULARS = {
    # Rows 1 and 2 dependent: getrf of the matrix itself finds U[3,3] = 0, but torch factors the
    # transpose of a row-major input (BatchLinearAlgebra.cpp), where U[2,2] = 0.
    "dependent-rows": torch.tensor([[1.0, 2, 3], [2, 4, 6], [1, 1, 1]]),
    "one-to-nine": torch.tensor([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]]),
    "zero-first-row": torch.tensor([[0.0, 0, 0], [0, 1, 0], [0, 0, 1]]),
    "zero-middle": torch.tensor([[1.0, 0, 0], [0, 0, 0], [0, 0, 1]]),
    "zeros-2x2": torch.zeros(2, 2),
}


def lu_cases():
    inputs = {
        "random-5x5": randn(5, 5),
        "ties": torch.tensor([[1.0, 2, 0], [-1, 3, 1], [1, 0, 2]]),  # |1| = |-1|: first max wins
        "random-1x1": randn(1, 1),
        "tall-5x3": randn(5, 3),
        "wide-3x5": randn(3, 5),
        **SINGULARS,
    }
    cases = []
    for name, a in inputs.items():
        lu, pivots, info = torch.linalg.lu_factor_ex(a)
        m, n = a.shape
        cases.append({"name": name, "m": m, "n": n, "a": flat(a), "lu": flat(lu),
                      "pivots": pivots.tolist(), "info": int(info)})
    return cases


def det_cases():
    inputs = {
        "random-4x4": randn(4, 4),
        "random-6x6": randn(6, 6),
        "negative-2x2": torch.tensor([[0.0, 1], [1, 0]]),
        "hilbert-6": hilbert(6),
        "large-entries-8x8": randn(8, 8) * 1e40,  # det overflows, logabsdet does not
        "one-by-one": torch.tensor([[-3.5]]),
        "empty": torch.zeros(0, 0),
        **SINGULARS,
    }
    cases = []
    for name, a in inputs.items():
        sign, logabsdet = torch.linalg.slogdet(a)
        cases.append({"name": name, "n": a.shape[0], "a": flat(a), "det": encode(float(torch.linalg.det(a))),
                      "sign": float(sign), "logabsdet": encode(float(logabsdet))})
    return cases


def inv_cases():
    cases = []
    for name, a, tol in [("random-5x5", randn(5, 5), None), ("hilbert-6", hilbert(6), 1e-6),
                         ("one-by-one", torch.tensor([[4.0]]), None), ("empty", torch.zeros(0, 0), None)]:
        cases.append({"name": name, "n": a.shape[0], "a": flat(a), "inverse": flat(torch.linalg.inv(a)),
                      **({"tol": tol} if tol else {})})
    for name, a in SINGULARS.items():
        cases.append({"name": name, "n": a.shape[0], "a": flat(a),
                      "error": error_message(lambda: torch.linalg.inv(a))})
    return cases


def solve_cases():
    cases = []
    for name, a, b, tol in [("random-4x4-nrhs3", randn(4, 4), randn(4, 3), None),
                            ("random-6x6-nrhs1", randn(6, 6), randn(6, 1), None),
                            ("hilbert-6", hilbert(6), randn(6, 2), 1e-6),
                            ("empty", torch.zeros(0, 0), torch.zeros(0, 2), None)]:
        cases.append({"name": name, "n": a.shape[0], "nrhs": b.shape[1], "a": flat(a), "b": flat(b),
                      "x": flat(torch.linalg.solve(a, b)), **({"tol": tol} if tol else {})})
    for name, a in SINGULARS.items():
        b = torch.ones(a.shape[0], 1)
        cases.append({"name": name, "n": a.shape[0], "nrhs": 1, "a": flat(a), "b": flat(b),
                      "error": error_message(lambda: torch.linalg.solve(a, b))})
    return cases


def cholesky_cases():
    g = randn(5, 5)
    spd = g @ g.T + 0.5 * torch.eye(5)
    # Garbage in the triangle that must not be read, to show which triangle each variant uses.
    lower_only = spd.tril() + torch.triu(torch.full((5, 5), 1e3), 1)
    upper_only = spd.triu() + torch.tril(torch.full((5, 5), -1e3), -1)
    cases = []
    for name, a, upper in [("spd-5x5", spd, False), ("spd-5x5-upper", spd, True),
                           ("reads-lower", lower_only, False), ("reads-upper", upper_only, True),
                           ("hilbert-6", hilbert(6), False), ("one-by-one", torch.tensor([[9.0]]), False),
                           ("empty", torch.zeros(0, 0), False)]:
        cases.append({"name": name, "n": a.shape[0], "upper": upper, "a": flat(a),
                      "l": flat(torch.linalg.cholesky(a, upper=upper))})
    for name, a, upper in [("indefinite-order-2", torch.tensor([[1.0, 2], [2, 1]]), False),
                           ("indefinite-order-3", torch.tensor([[4.0, 1, 1], [1, 3, 0], [1, 0, -2]]), True),
                           ("negative-1x1", torch.tensor([[-1.0]]), False),
                           ("singular-psd", torch.tensor([[1.0, 1], [1, 1]]), False)]:
        cases.append({"name": name, "n": a.shape[0], "upper": upper, "a": flat(a),
                      "error": error_message(lambda: torch.linalg.cholesky(a, upper=upper))})
    return cases


def qr_cases():
    rank_deficient = randn(6, 2) @ randn(2, 4)
    triangular = torch.tensor([[-2.0, 1, 3], [0, 5, -1], [0, 0, -4]])  # every tau = 0: Q = I, R = A
    partly_zero = torch.tensor([[3.0, 1, 2, 0], [0, 2, 1, 1], [0, 4, 0, 1], [0, 0, 0, 2], [0, 3, 1, 0]])
    inputs = {
        "square-4x4": randn(4, 4), "tall-6x3": randn(6, 3), "wide-3x6": randn(3, 6),
        "rank-deficient-6x4": rank_deficient, "triangular": triangular, "partly-zero-5x4": partly_zero,
        "column-5x1": randn(5, 1), "row-1x5": randn(1, 5), "one-by-one": torch.tensor([[-2.5]]),
        "zero-rows-0x3": torch.zeros(0, 3), "zero-columns-3x0": torch.zeros(3, 0),
    }
    cases = []
    for name, a in inputs.items():
        for mode in ["reduced", "complete", "r"]:
            q, r = torch.linalg.qr(a, mode=mode)
            cases.append({"name": f"{name}-{mode}", "m": a.shape[0], "n": a.shape[1], "mode": mode,
                          "a": flat(a), "q": flat(q), "r": flat(r)})
    return cases


def eigh_cases():
    sym6 = with_eigenvalues([-3.0, -1.0, 0.5, 2.0, 4.0, 7.0])
    nonsym = randn(5, 5)  # only one triangle is read
    cases = []
    for name, a, upper, check in [
        ("distinct-6x6", sym6, False, True),
        ("nonsymmetric-lower", nonsym, False, True),
        ("nonsymmetric-upper", nonsym, True, True),
        ("repeated-5x5", with_eigenvalues([1.0, 1.0, 2.0, 2.0, 3.0]), False, False),
        ("identity-4", torch.eye(4), False, False),
        ("diagonal-unsorted", torch.diag(torch.tensor([3.0, -1.0, 2.0])), False, True),
        ("random-40x40", (lambda g: g + g.T)(randn(40, 40)), False, True),
        ("two-by-two", torch.tensor([[2.0, 1], [1, 2]]), False, True),
        ("one-by-one", torch.tensor([[-7.0]]), False, True),
        ("empty", torch.zeros(0, 0), False, True),
    ]:
        w, v = torch.linalg.eigh(a, UPLO="U" if upper else "L")
        cases.append({"name": name, "n": a.shape[0], "upper": upper, "a": flat(a), "eigenvalues": flat(w),
                      "eigenvectors": flat(v), "checkVectors": check})
    return cases


def svd_cases():
    inputs = [
        ("tall-6x4", randn(6, 4), True),
        ("wide-4x6", randn(4, 6), True),
        ("square-5x5", randn(5, 5), True),
        ("rank-2-5x4", with_singular_values(5, 4, [3.0, 1.5]), False),
        ("repeated-4x4", with_singular_values(4, 4, [2.0, 2.0, 1.0, 0.5]), False),
        ("hilbert-6", hilbert(6), True),
        ("random-30x20", randn(30, 20), True),
        ("random-20x30", randn(20, 30), True),
        ("zeros-3x2", torch.zeros(3, 2), False),
        ("column-4x1", randn(4, 1), True),
        ("row-1x4", randn(1, 4), True),
        ("one-by-one", torch.tensor([[-3.0]]), True),
        ("zero-rows-0x3", torch.zeros(0, 3), True),
        ("zero-columns-3x0", torch.zeros(3, 0), True),
    ]
    cases = []
    for name, a, check in inputs:
        for full in [False, True]:
            u, s, vh = torch.linalg.svd(a, full_matrices=full)
            cases.append({"name": f"{name}-{'full' if full else 'reduced'}", "m": a.shape[0], "n": a.shape[1],
                          "fullMatrices": full, "a": flat(a), "u": flat(u), "s": flat(s), "vh": flat(vh),
                          "checkVectors": check})
    return cases


def pinv_cases():
    rank2 = with_singular_values(5, 4, [3.0, 1.5])
    tiny = with_singular_values(4, 4, [1.0, 0.5, 1e-3, 1e-17])  # last one is under the default rtol
    cases = []
    for name, a, atol, rtol in [("tall-5x3", randn(5, 3), None, None), ("wide-3x5", randn(3, 5), None, None),
                                ("rank-2-5x4", rank2, None, None), ("tiny-singular-value", tiny, None, None),
                                ("rtol-cuts-1e-3", tiny, None, 1e-2), ("atol-cuts-1e-3", tiny, 0.01, None),
                                ("atol-and-rtol", tiny, 0.6, 1e-2),
                                ("one-by-one", torch.tensor([[4.0]]), None, None),
                                ("zeros-2x3", torch.zeros(2, 3), None, None), ("zero-rows-0x3", torch.zeros(0, 3), None, None)]:
        p = torch.linalg.pinv(a, atol=atol, rtol=rtol)
        rank = torch.linalg.matrix_rank(a, atol=atol, rtol=rtol)
        cases.append({"name": name, "m": a.shape[0], "n": a.shape[1], "a": flat(a), "atol": atol, "rtol": rtol,
                      "pinv": flat(p), "rank": int(rank)})
    return cases


def lstsq_cases():
    cases = []
    for name, a, b in [("tall-6x3", randn(6, 3), randn(6, 2)), ("square-4x4", randn(4, 4), randn(4, 1)),
                       ("wide-3x5", randn(3, 5), randn(3, 2)),
                       ("rank-2-5x4", with_singular_values(5, 4, [3.0, 1.5]), randn(5, 2))]:
        result = torch.linalg.lstsq(a, b)
        cases.append({"name": name, "m": a.shape[0], "n": a.shape[1], "nrhs": b.shape[1], "a": flat(a), "b": flat(b),
                      "solution": flat(result.solution), "rank": int(result.rank)})
    return cases


def main():
    fixtures = {
        "torchVersion": torch.__version__,
        "lu": lu_cases(), "det": det_cases(), "inv": inv_cases(), "solve": solve_cases(),
        "cholesky": cholesky_cases(), "qr": qr_cases(), "eigh": eigh_cases(), "svd": svd_cases(),
        "pinv": pinv_cases(), "lstsq": lstsq_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "linalg.json")
    with open(path, "w") as f:
        json.dump(fixtures, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
