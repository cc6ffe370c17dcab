"""Per-op overhead: the 20 most common ops on shape (16,), ember vs PyTorch in one process.

For each op: forward alone (inputs that do not require grad), and forward + backward (inputs
that require grad; the output is summed so backward needs no seed tensor, and the sum is part of
both libraries' timing). Medians of interleaved repeats; ratio = ember / PyTorch.
Run: python benchmarks/bench_ops.py [--quick]
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import numpy as np  # noqa: E402

import ember  # noqa: E402
from _timing import compare, row  # noqa: E402

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


def main(quick=False):
    import torch

    torch.set_num_threads(1)
    number, repeats = (200, 5) if quick else (1000, 11)
    print("| op (shape (16,)) | ember fwd | PyTorch fwd | ratio | ember fwd+bwd | "
          "PyTorch fwd+bwd | ratio |")
    print("|---|---|---|---|---|---|---|")
    results = []
    for name, fn in OPS:
        f = compare(forward(ember, fn), forward(torch, fn), number=number, repeats=repeats)
        b = compare(forward_backward(ember, fn), forward_backward(torch, fn),
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
    main(quick="--quick" in sys.argv)
