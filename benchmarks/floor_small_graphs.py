"""The floor under W1, W5 and W7: what any eager Python engine on NumPy pays for the same graph.

W1, W5 and W7 are small graphs, where the arithmetic is a few NumPy calls on 1- or 16-element
arrays and everything else is per-op and per-node Python. To know how far ember could go, this
script times, in one process and interleaved, four versions of each workload:

- ``numpy``: the NumPy calls alone (forward values, the backward formulas, the accumulations),
  written out by hand with no graph at all: the arithmetic floor;
- ``bare``: a minimal reverse-mode engine (a value, its parents and a closure per op; a sorted
  walk in backward; higher orders by running the closures on values), with none of PyTorch's
  semantics (no dtypes or promotion, version counters, hooks, retain_grad, saved-value checks,
  errors, freeing of saved values): the floor of the approach;
- ``ember`` and ``torch``.

Run:  python benchmarks/floor_small_graphs.py
The ratios to PyTorch say how much of each goal an eager Python engine can reach at all.
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))

import ember  # noqa: E402
from _timing import median_time  # noqa: E402
from run_all import w1_tiny, w5_deep_chain, w7_second_derivative  # noqa: E402


class Value:
    """A bare reverse-mode value: just enough to run W1, W5 and W7.

    A closure gets the output's gradient and ``graph`` (whether to record its own work); with
    ``graph`` the gradient is a Value and the closure computes on Values, so it is recorded."""

    __slots__ = ("data", "grad", "parents", "backward_fn", "order")
    created = 0

    def __init__(self, data, parents=(), backward_fn=None):
        self.data = data
        self.grad = None
        self.parents = parents
        self.backward_fn = backward_fn
        Value.created += 1
        self.order = Value.created

    def __add__(self, other):
        if isinstance(other, Value):
            return Value(self.data + other.data, (self, other), lambda g, graph: (g, g))
        return Value(self.data + other, (self,), lambda g, graph: (g,))

    def __mul__(self, other):
        if isinstance(other, Value):
            def backward_fn(g, graph):
                a, b = (self, other) if graph else (self.data, other.data)
                return g * b, g * a

            return Value(self.data * other.data, (self, other), backward_fn)
        return Value(self.data * other, (self,), lambda g, graph: (g * other,))

    __rmul__ = __mul__

    def __rsub__(self, other):
        return Value(other - self.data, (self,), lambda g, graph: (-g,))

    def __neg__(self):
        return Value(-self.data, (self,), lambda g, graph: (-g,))

    def __pow__(self, exponent):
        def backward_fn(g, graph):
            base = self if graph else self.data
            return (g * (exponent * base ** (exponent - 1)),)

        return Value(self.data ** exponent, (self,), backward_fn)

    def tanh(self):
        out = np.tanh(self.data)

        def backward_fn(g, graph):
            t = self.tanh() if graph else out  # (a closure holding its own Value is a cycle)
            return (g * (1 - t * t),)

        return Value(out, (self,), backward_fn)

    def sum(self):
        shape = self.data.shape
        return Value(self.data.sum(), (self,), lambda g, graph: (np.broadcast_to(g, shape),))

    def backward(self):
        for leaf, g in _walk(self, False).items():
            if leaf.grad is None:
                leaf.grad = g.copy()
            else:
                leaf.grad += g


def _walk(output, graph):
    """Run every closure from ``output`` back, newest first; return the leaves' gradients."""
    seen, stack = {output}, [output]
    while stack:
        for parent in stack.pop().parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    seed = np.ones_like(output.data)
    grads = {output: Value(seed) if graph else seed}
    leaves = {}
    for node in sorted(seen, key=lambda v: v.order, reverse=True):
        g = grads.pop(node, None)
        if g is None:
            continue
        if node.backward_fn is None:
            leaves[node] = g
            continue
        for parent, pg in zip(node.parents, node.backward_fn(g, graph)):
            old = grads.get(parent)
            grads[parent] = pg if old is None else old + pg
    return leaves


def bare_grad(output, leaf, create_graph=False):
    """``autograd.grad(output, leaf)`` of the bare engine."""
    g = _walk(output, create_graph)[leaf]
    return (g if create_graph else Value(g)),


class _Bare:
    """``lib`` for the workload functions: tensors are bare Values."""

    class autograd:  # noqa: N801 - stands in for the module
        @staticmethod
        def grad(outputs, inputs, create_graph=False):
            return bare_grad(outputs, inputs, create_graph)

    @staticmethod
    def tensor(values, requires_grad=False):
        return Value(np.array(values, dtype=np.float32))

    @staticmethod
    def linspace(start, end, steps, requires_grad=False):
        return Value(np.linspace(start, end, steps, dtype=np.float32))


def w1_numpy():
    w, x = np.array([1.0], np.float32), np.array([2.0], np.float32)
    gw, gx = np.zeros(1, np.float32), np.zeros(1, np.float32)

    def step():
        a = w + x
        b = w + 1
        y = a * b
        g = np.ones_like(y)
        ga, gb = g * b, g * a
        gw.__iadd__(ga + gb)
        gx.__iadd__(ga)

    return step


def w5_numpy(depth=2000):
    x = np.linspace(-1, 1, 16, dtype=np.float32)
    gx = np.zeros(16, np.float32)

    def step():
        outs = []
        y = x
        for _ in range(depth // 2):
            y = y * 1.0001 + 0.001
            y = np.tanh(y)
            outs.append(y)
        g = np.broadcast_to(np.ones((), np.float32), y.shape)
        for out in reversed(outs):
            g = g * (1 - out * out)
            g = g * 1.0001
        gx.__iadd__(g)

    return step


def w7_numpy():
    x = np.array(3.0, np.float32)

    def step():
        y = x ** 3
        seed = np.ones_like(y)
        p = x ** 2  # the first gradient, recorded: seed * (3 * x ** 2)
        t = 3 * p
        g = seed * t
        # its gradient: d(seed * t)/dt = seed; d(3 * p)/dp = 3; d(x ** 2)/dx = 2 * x
        gt = np.ones_like(g) * seed
        gp = gt * 3
        return gp * (2 * x ** 1), y

    return step


def check():
    """The bare engine computes what ember and PyTorch compute."""
    assert float(w7_second_derivative(_Bare)().data) == 18.0
    step = w7_numpy()
    assert float(step()[0]) == 18.0
    w = _Bare.tensor([1.0])
    x = _Bare.tensor([2.0])
    ((w + x) * (w + 1)).backward()
    assert w.grad.tolist() == [5.0] and x.grad.tolist() == [2.0]


def main():
    import torch

    check()
    torch.set_num_threads(1)
    cases = [
        ("W1 tiny graph", 0.20, [w1_numpy(), w1_tiny(_Bare), w1_tiny(ember), w1_tiny(torch)],
         2000),
        ("W5 deep chain", 0.50, [w5_numpy(), w5_deep_chain(_Bare), w5_deep_chain(ember),
                                 w5_deep_chain(torch)], 2),
        ("W7 second derivative", 0.50, [w7_numpy(), w7_second_derivative(_Bare),
                                        w7_second_derivative(ember),
                                        w7_second_derivative(torch)], 2000),
    ]
    print("| workload | NumPy calls only | bare engine | ember | PyTorch | goal |")
    print("|---|---|---|---|---|---|")
    for name, goal, fns, number in cases:
        for fn in fns:
            for _ in range(3):
                fn()
        samples = [[] for _ in fns]
        for _ in range(15):
            for i, fn in enumerate(fns):
                samples[i].append(median_time(fn, number, 1))
        times = [sorted(s)[len(s) // 2] for s in samples]
        t = times[-1]
        unit, suffix = (1e6, "us") if t < 1e-3 else (1e3, "ms")
        cells = [f"{x * unit:.1f} {suffix} ({x / t:.2f})" for x in times[:3]]
        print(f"| {name} | {cells[0]} | {cells[1]} | {cells[2]} | {t * unit:.1f} {suffix} | "
              f"<= {goal:.2f} |")
    print("\n(ratio to PyTorch in parentheses; medians of 15 interleaved repeats, 1 thread)")


if __name__ == "__main__":
    main()
