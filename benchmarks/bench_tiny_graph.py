"""W1 alone: the notes' tiny graph, ember vs PyTorch in one process.

w = [1.], x = [2.]; a = w + x; b = w + 1; y = a * b; y.backward() — per iteration.
Run: python benchmarks/bench_tiny_graph.py   (run_all.py runs it with the rest of the suite)
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import ember  # noqa: E402
from _timing import compare  # noqa: E402
from run_all import w1_tiny  # noqa: E402


def main():
    import torch

    torch.set_num_threads(1)
    e, t, ratio = compare(w1_tiny(ember), w1_tiny(torch), number=2000, repeats=15)
    print("| workload | ember | PyTorch | ember/PyTorch |")
    print("|---|---|---|---|")
    print(f"| W1 tiny graph (forward + backward) | {e * 1e6:.1f} us | {t * 1e6:.1f} us | "
          f"{ratio:.2f} |")
    return e, t, ratio


if __name__ == "__main__":
    main()
