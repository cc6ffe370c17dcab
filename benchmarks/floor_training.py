"""The floor under W2 and W3: the same training step written directly in NumPy.

W2 (the notes' logistic regression) and W3 (an MLP step): what does NumPy alone need for the same
arithmetic? Each step is written out by hand (forward, loss, hand-derived gradients, momentum
SGD updates in place), with no tensors, graph or checks. For W2, whose arrays are small enough
that Python bookkeeping decides, it also runs the bare reverse-mode engine of
``floor_small_graphs.py`` (one value and closure per op: matmul, add, sigmoid, one BCE op; a
sorted walk; the same in-place updates): the floor of an eager engine in Python. Everything runs
in one process with ember and PyTorch, interleaved, on the same number of threads, and each time
is printed with its ratio to PyTorch's.

Run:  python benchmarks/floor_training.py
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))

import ember  # noqa: E402
from floor_small_graphs import Value  # noqa: E402
from run_all import _logistic_data, _threads, interleaved, w2_logistic, w3_mlp_step  # noqa: E402

LR, MOMENTUM = 0.01, 0.9


def _sgd(params, grads, buffers):
    """Momentum SGD as PyTorch defines it, in place: b = m * b + g; p -= lr * b."""
    for p, g, b in zip(params, grads, buffers):
        b *= MOMENTUM
        b += g
        p -= LR * b


def w2_numpy():
    x, y = (t.numpy() for t in _logistic_data(ember))
    rng = np.random.default_rng(0)

    def run():
        w = rng.uniform(-0.7, 0.7, (1, 2)).astype(np.float32)
        b = rng.uniform(-0.7, 0.7, (1,)).astype(np.float32)
        buffers = [np.zeros_like(w), np.zeros_like(b)]
        n = x.shape[0]
        for _ in range(1000):
            p = (np.tanh((x @ w.T + b) * 0.5) + 1) * 0.5  # sigmoid, overflow-free
            log_p = np.maximum(np.log(p), -100)
            log_q = np.maximum(np.log1p(-p), -100)
            _loss = np.add.reduce((y - 1) * log_q - y * log_p, axis=None) / n
            dz = (p - y) / n  # BCE's gradient through the sigmoid
            _sgd([w, b], [dz.T @ x, dz.sum(axis=0)], buffers)

    return run


def _linear(x, w, b):
    """x @ w.T + b as the bare engine's two ops (a matmul, then a broadcast add)."""
    wd = w.data
    h = Value(x @ wd.T, (w,), lambda g, graph: ((g.T @ x),))
    return Value(h.data + b.data, (h, b), lambda g, graph: (g, g.sum(axis=0)))


def _sigmoid(h):
    out = (np.tanh(h.data * 0.5) + 1) * 0.5
    return Value(out, (h,), lambda g, graph: (g * out * (1 - out),))


def _bce(p, y):
    pd = p.data
    log_p = np.maximum(np.log(pd), -100)
    log_q = np.maximum(np.log1p(-pd), -100)
    loss = np.add.reduce((y - 1) * log_q - y * log_p, axis=None) / pd.size
    return Value(np.asarray(loss), (p,), lambda g, graph: (
        g * (pd - y) / np.maximum((1 - pd) * pd, 1e-12) / pd.size,))


def w2_bare():
    x, y = (t.numpy() for t in _logistic_data(ember))
    rng = np.random.default_rng(0)

    def run():
        w = Value(rng.uniform(-0.7, 0.7, (1, 2)).astype(np.float32))
        b = Value(rng.uniform(-0.7, 0.7, (1,)).astype(np.float32))
        buffers = [np.zeros_like(w.data), np.zeros_like(b.data)]
        for _ in range(1000):
            loss = _bce(_sigmoid(_linear(x, w, b)), y)
            w.grad = b.grad = None
            loss.backward()
            _sgd([w.data, b.data], [w.grad, b.grad], buffers)

    return run


def w3_numpy(record=None):
    """The MLP step in NumPy; ``record`` (a list) receives the loss and gradients of each step."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((128, 784)).astype(np.float32)
    y = rng.integers(0, 10, 128)
    sizes = [(512, 784), (256, 512), (10, 256)]
    weights = [rng.uniform(-0.03, 0.03, s).astype(np.float32) for s in sizes]
    biases = [rng.uniform(-0.03, 0.03, s[0]).astype(np.float32) for s in sizes]
    params = [p for pair in zip(weights, biases) for p in pair]
    buffers = [np.zeros_like(p) for p in params]
    rows = np.arange(128)

    def step():
        (w1, w2, w3), (b1, b2, b3) = weights, biases
        h1 = x @ w1.T
        h1 += b1
        r1 = np.maximum(h1, 0)
        h2 = r1 @ w2.T
        h2 += b2
        r2 = np.maximum(h2, 0)
        z = r2 @ w3.T
        z += b3
        shifted = z - z.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        _loss = -np.add.reduce(shifted[rows, y] - np.log(total[:, 0])) / 128
        dz = exp / total  # softmax minus one-hot, over the batch
        dz[rows, y] -= 1
        dz /= 128
        dr2 = dz @ w3
        dh2 = dr2 * (h2 > 0)
        dr1 = dh2 @ w2
        dh1 = dr1 * (h1 > 0)
        grads = [dh1.T @ x, dh1.sum(axis=0), dh2.T @ r1, dh2.sum(axis=0), dz.T @ r2, dz.sum(axis=0)]
        if record is not None:
            record.append((x, y, [p.copy() for p in params], _loss, grads))
        _sgd(params, grads, buffers)

    return step


def check():
    """The NumPy step computes what ember computes: same loss and gradients for the same MLP."""
    record = []
    w3_numpy(record)()
    x, y, params, loss, grads = record[0]
    model = ember.nn.Sequential(ember.nn.Linear(784, 512), ember.nn.ReLU(),
                                ember.nn.Linear(512, 256), ember.nn.ReLU(),
                                ember.nn.Linear(256, 10))
    with ember.no_grad():
        for p, value in zip(model.parameters(), params):
            p.copy_(ember.tensor(value))
    out = ember.nn.functional.cross_entropy(model(ember.tensor(x)), ember.tensor(y))
    out.backward()
    assert np.allclose(out.item(), loss, rtol=1e-5)
    for p, g in zip(model.parameters(), grads):
        assert np.allclose(p.grad.numpy(), g, rtol=1e-4, atol=1e-6)


def main():
    import torch

    check()
    threads = _threads()
    torch.set_num_threads(threads)
    print(f"| workload | NumPy only | bare engine | ember | PyTorch | goal |  ({threads} threads)")
    print("|---|---|---|---|---|---|")
    cases = [("W2 logistic regression, 1000 steps", 0.50,
              [w2_numpy(), w2_bare(), w2_logistic(ember), w2_logistic(torch)], 5, 1),
             ("W3 MLP step", 1.00, [w3_numpy(), None, w3_mlp_step(ember), w3_mlp_step(torch)],
              15, 5)]
    for name, goal, fns, repeats, number in cases:
        times = interleaved([f for f in fns if f is not None], repeats, number, warmup=2)
        if fns[1] is None:
            times.insert(1, None)
        t = times[-1]
        cells = ["-" if x is None else f"{x * 1e3:.2f} ms ({x / t:.2f})" for x in times[:3]]
        print(f"| {name} | {cells[0]} | {cells[1]} | {cells[2]} | {t * 1e3:.2f} ms | "
              f"<= {goal:.2f} |")
    print("\n(ratio to PyTorch in parentheses; medians of interleaved repeats)")


if __name__ == "__main__":
    main()
