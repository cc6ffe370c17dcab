"""Per-op overhead: the 20 most common ops on shape (16,), ember vs PyTorch in one process.

For each op: forward alone (inputs that do not require grad), and forward + backward (inputs
that require grad; the output is summed so backward needs no seed tensor, and the sum is part of
both libraries' timing). Medians of interleaved repeats; ratio = ember / PyTorch.

Times are this process's CPU time (time.process_time) by default: on a shared machine with
more runnable processes than cores, wall-clock time mostly measures waiting for a core, and the
ratios drift by 2-5x from run to run. ``--wall`` times wall-clock instead (benchmarks/_timing).
Run: python benchmarks/bench_ops.py [--quick] [--wall]

Measured 2026-11-23 (CPU time, 2-core shared container under load, numpy 2.4, torch 2.13 CPU
with 1 thread; ember at commit "max/min/amax/amin and the 2-norm forwards use ndarray methods"):

| op (shape (16,)) | ember fwd | PyTorch fwd | ratio | ember fwd+bwd | PyTorch fwd+bwd | ratio |
|---|---|---|---|---|---|---|
| add | 1.2 us | 1.3 us | 0.90 | 22.5 us | 31.6 us | 0.71 |
| sub | 1.2 us | 1.3 us | 0.92 | 22.7 us | 32.6 us | 0.70 |
| mul | 1.2 us | 1.3 us | 0.90 | 24.1 us | 33.6 us | 0.72 |
| div | 1.2 us | 1.3 us | 0.91 | 24.8 us | 38.1 us | 0.65 |
| add scalar | 1.7 us | 2.8 us | 0.58 | 20.5 us | 30.8 us | 0.67 |
| mul scalar | 1.6 us | 2.8 us | 0.58 | 22.4 us | 35.1 us | 0.64 |
| pow 2 | 1.5 us | 2.1 us | 0.74 | 23.1 us | 39.2 us | 0.59 |
| neg | 1.1 us | 1.0 us | 1.04 | 20.6 us | 28.7 us | 0.72 |
| exp | 1.1 us | 1.2 us | 0.98 | 21.3 us | 31.7 us | 0.67 |
| log | 1.1 us | 1.2 us | 0.96 | 20.8 us | 31.1 us | 0.67 |
| sqrt | 1.1 us | 1.2 us | 0.97 | 34.9 us | 59.0 us | 0.59 |
| tanh | 1.2 us | 1.2 us | 1.01 | 21.7 us | 30.1 us | 0.72 |
| sigmoid | 3.2 us | 1.1 us | 2.94 | 23.9 us | 30.2 us | 0.79 |
| relu | 1.7 us | 1.1 us | 1.45 | 22.1 us | 30.2 us | 0.73 |
| clamp | 2.2 us | 1.9 us | 1.19 | 26.1 us | 43.8 us | 0.60 |
| maximum | 1.2 us | 1.3 us | 0.95 | 32.7 us | 52.3 us | 0.63 |
| sum | 2.1 us | 1.5 us | 1.39 | 16.2 us | 22.3 us | 0.73 |
| mean | 2.4 us | 3.6 us | 0.69 | 18.6 us | 30.6 us | 0.61 |
| max(dim) | 6.0 us | 3.2 us | 1.90 | 38.6 us | 33.0 us | 1.17 |
| matmul (16x16 @ 16) | 2.7 us | 1.5 us | 1.76 | 31.2 us | 47.4 us | 0.66 |
| geometric mean of ratios | | | 1.05 | | | 0.69 |
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import ember  # noqa: E402
from _timing import compare, row  # noqa: E402


def cpu_compare(ember_fn, torch_fn, number=1000, repeats=15, warmup=50):
    """Like _timing.compare, with CPU time: interleaved repeats, medians, ratio ember/PyTorch."""
    for _ in range(warmup):
        ember_fn()
        torch_fn()
    samples = ([], [])
    for _ in range(repeats):
        for fn, out in ((ember_fn, samples[0]), (torch_fn, samples[1])):
            start = time.process_time()
            for _ in range(number):
                fn()
            out.append((time.process_time() - start) / number)
    e, t = statistics.median(samples[0]), statistics.median(samples[1])
    return e, t, e / t

# (name, fn(lib, x, y, m)): x, y are (16,) floats in (0.5, 1.5); m is (16, 16)
OPS = [
    ("add", lambda L, x, y, m: x + y),
    ("sub", lambda L, x, y, m: x - y),
    ("mul", lambda L, x, y, m: x * y),
    ("div", lambda L, x, y, m: x / y),
    ("add scalar", lambda L, x, y, m: x + 1.0),
    ("mul scalar", lambda L, x, y, m: x * 2.0),
    ("pow 2", lambda L, x, y, m: x ** 2),
    ("neg", lambda L, x, y, m: -x),
    ("exp", lambda L, x, y, m: x.exp()),
    ("log", lambda L, x, y, m: x.log()),
    ("sqrt", lambda L, x, y, m: x.sqrt()),
    ("tanh", lambda L, x, y, m: x.tanh()),
    ("sigmoid", lambda L, x, y, m: x.sigmoid()),
    ("relu", lambda L, x, y, m: x.relu()),
    ("clamp", lambda L, x, y, m: x.clamp(0.7, 1.2)),
    ("maximum", lambda L, x, y, m: L.maximum(x, y)),
    ("sum", lambda L, x, y, m: x.sum()),
    ("mean", lambda L, x, y, m: x.mean()),
    ("max(dim)", lambda L, x, y, m: x.max(0)[0]),
    ("matmul (16x16 @ 16)", lambda L, x, y, m: m @ x),
]


def inputs(lib, requires_grad):
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(0.5, 1.5, size=s).astype(np.float32) for s in [(16,), (16,), (16, 16)]]
    return [lib.tensor(a, requires_grad=requires_grad) for a in arrays]


def forward(lib, fn):
    x, y, m = inputs(lib, False)
    return lambda: fn(lib, x, y, m)


def forward_backward(lib, fn):
    x, y, m = inputs(lib, True)

    def step():
        out = fn(lib, x, y, m)
        out = out if out.ndim == 0 else out.sum()
        out.backward()

    return step


def main(quick=False, wall=False):
    import torch

    torch.set_num_threads(1)
    number, repeats = (200, 5) if quick else (1000, 11)
    timer = compare if wall else cpu_compare
    print("| op (shape (16,)) | ember fwd | PyTorch fwd | ratio | ember fwd+bwd | "
          "PyTorch fwd+bwd | ratio |")
    print("|---|---|---|---|---|---|---|")
    results = []
    for name, fn in OPS:
        f = timer(forward(ember, fn), forward(torch, fn), number=number, repeats=repeats)
        b = timer(forward_backward(ember, fn), forward_backward(torch, fn),
                  number=number // 4, repeats=repeats)
        results.append((name, f, b))
        first = row(name, *f)
        second = row("", *b)[4:]
        print(first + second.lstrip("|"))
    fwd = np.exp(np.mean([np.log(f[2]) for _, f, _ in results]))
    bwd = np.exp(np.mean([np.log(b[2]) for _, _, b in results]))
    print(f"| geometric mean of ratios | | | {fwd:.2f} | | | {bwd:.2f} |")
    return results


if __name__ == "__main__":
    main(quick="--quick" in sys.argv, wall="--wall" in sys.argv)
