"""PyTorch side of bench/tensor.bench.mjs.

Reads a JSON spec on stdin ({"cases": [...], "threads": [1, 2], "budget_ms": ..., ...}),
times each case with torch on the CPU in float32 for each thread count, and prints one JSON
object on stdout: {"version": ..., "threads": {"1": {case_id: {"ms": median, "reps": n}}, ...}}.
The timing policy (warm-up, then the median of a time-budgeted number of repetitions) mirrors
the JavaScript harness so the numbers are comparable.
"""

import json
import statistics
import sys
import time

import torch


def make_runner(case):
    op = case["op"]
    if op == "matmul":
        n = case["n"]
        a = torch.randn(n, n)
        b = torch.randn(n, n)
        return lambda: torch.matmul(a, b)
    if op == "add":
        a = torch.randn(case["size"])
        b = torch.randn(case["size"])
        return lambda: torch.add(a, b)
    if op == "sum":
        x = torch.randn(case["size"])
        return lambda: x.sum()
    if op == "softmax":
        x = torch.randn(case["rows"], case["cols"])
        return lambda: torch.softmax(x, 1)
    raise ValueError(f"unknown op {op}")


def measure(run, spec):
    start = time.perf_counter()
    run()
    first_ms = (time.perf_counter() - start) * 1000
    for _ in range(spec["extra_warmup"]):
        run()
    reps = int(min(spec["max_reps"], max(spec["min_reps"], spec["budget_ms"] // max(first_ms, 1e-3))))
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return {"ms": statistics.median(times), "reps": reps}


def main():
    spec = json.load(sys.stdin)
    torch.manual_seed(0)
    out = {"version": torch.__version__, "threads": {}}
    with torch.no_grad():
        for threads in spec["threads"]:
            torch.set_num_threads(threads)
            results = {}
            for case in spec["cases"]:
                results[case["id"]] = measure(make_runner(case), spec)
            out["threads"][str(threads)] = results
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
