"""Activation functions against PyTorch: forward, gradient, second derivative, node names."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import check, expect_error, gradcheck, require_torch


def _functional(lib):
    return ember.nn.functional if lib is ember else lib.nn.functional


# (name, call): call(F, x) with F = nn.functional of either library.
CASES = [
    ("relu6", lambda F, x: F.relu6(x)),
    ("leaky_relu", lambda F, x: F.leaky_relu(x)),
    ("leaky_relu_slope", lambda F, x: F.leaky_relu(x, 0.2)),
    ("elu", lambda F, x: F.elu(x)),
    ("elu_alpha", lambda F, x: F.elu(x, alpha=0.5)),
    ("selu", lambda F, x: F.selu(x)),
    ("celu", lambda F, x: F.celu(x, alpha=2.0)),
    ("gelu", lambda F, x: F.gelu(x)),
    ("gelu_tanh", lambda F, x: F.gelu(x, approximate="tanh")),
    ("silu", lambda F, x: F.silu(x)),
    ("mish", lambda F, x: F.mish(x)),
    ("softplus", lambda F, x: F.softplus(x)),
    ("softplus_beta", lambda F, x: F.softplus(x, beta=2.0, threshold=1.0)),
    ("softsign", lambda F, x: F.softsign(x)),
    ("hardtanh", lambda F, x: F.hardtanh(x, -0.5, 0.5)),
    ("hardsigmoid", lambda F, x: F.hardsigmoid(x)),
    ("hardswish", lambda F, x: F.hardswish(x)),
    ("logsigmoid", lambda F, x: F.logsigmoid(x)),
    ("softmax0", lambda F, x: F.softmax(x, 0)),
    ("softmax1", lambda F, x: F.softmax(x, -1)),
    ("log_softmax", lambda F, x: F.log_softmax(x, 1)),
    ("relu", lambda F, x: F.relu(x)),
    ("sigmoid", lambda F, x: F.sigmoid(x)),
    ("tanh", lambda F, x: F.tanh(x)),
]

rng = np.random.default_rng(0)
# Avoid exact kinks for the finite-difference checks; torch's own kink choices are tested below.
SAMPLES = {
    "matrix": rng.standard_normal((3, 4)) * 3,
    "large": np.array([[-40.0, -8.0, 30.0, 60.0], [-2.5, 2.5, 3.5, -3.5]]),
}


@pytest.mark.parametrize("name,call", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("sample", sorted(SAMPLES))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_against_torch(name, call, sample, dtype):
    x = SAMPLES[sample].astype(dtype)
    # PyTorch has no double backward for hardsigmoid; ember's is checked by finite differences.
    check(lambda lib, t: call(_functional(lib), t), x, gradgrad=name != "hardsigmoid")


@pytest.mark.parametrize("name,call", CASES, ids=[c[0] for c in CASES])
def test_node_name(name, call):
    torch = require_torch()
    x = SAMPLES["matrix"]
    e = call(ember.nn.functional, ember.tensor(x, requires_grad=True))
    t = call(torch.nn.functional, torch.tensor(x, requires_grad=True))
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__


@pytest.mark.parametrize("name,call", CASES, ids=[c[0] for c in CASES])
def test_finite_differences(name, call):
    gradcheck(lambda lib, t: call(ember.nn.functional, t), SAMPLES["matrix"][:2, :3])


def test_kinks_match_torch():
    # Values exactly at the kinks: PyTorch's subgradient choices.
    x = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0])
    for name, call in CASES:
        if not name.startswith("softmax") and name != "log_softmax":
            check(lambda lib, t: call(_functional(lib), t), x, gradgrad=False)


def test_relu_gradient_is_threshold_backward():
    # PyTorch zeroes the gradient only where the result is <= 0: a NaN passes its gradient on.
    # Its double backward runs through ThresholdBackwardBackward0, connected to the result.
    torch = require_torch()
    seen = []
    for lib in (ember, torch):
        x = lib.tensor([float("nan"), -1.0, 0.0, 2.0], requires_grad=True)
        y = lib.relu(x * 1)
        g, = lib.autograd.grad(y, x, lib.tensor([1.0, -2.0, 3.0, -4.0]), create_graph=True)
        gg, = lib.autograd.grad(g.sum(), x)
        node = y.grad_fn.next_functions[0][0]
        seen.append((g.tolist(), type(g.grad_fn).__name__, gg.tolist(), type(node).__name__))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, -1])
def test_softmax_of_a_scalar(name, dim):
    check(lambda lib, t: getattr(lib, name)(t, dim), np.array(3.0))


def test_top_level_and_methods():
    torch = require_torch()
    x = SAMPLES["matrix"]
    for name in ["selu", "celu", "softmax", "log_softmax"]:
        args = (1,) if "softmax" in name else ()
        e = getattr(ember, name)(ember.tensor(x), *args)
        t = getattr(torch, name)(torch.tensor(x), *args)
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ember.tensor(x).softmax(0).numpy(),
                               torch.tensor(x).softmax(0).numpy(), rtol=1e-12)


def test_softmax_dtype_and_errors():
    check(lambda lib, t: lib.softmax(t, 1, dtype=lib.float64), SAMPLES["matrix"].astype(np.float32))
    expect_error(lambda lib: lib.softmax(lib.zeros(2, 3), 2), IndexError, "Dimension out of range")
    expect_error(lambda lib: lib.nn.functional.gelu(lib.zeros(2), approximate="x"), RuntimeError,
                 "approximate argument must be either none or tanh")
    expect_error(lambda lib: lib.nn.functional.hardtanh(lib.zeros(2), 1.0, 0.0), ValueError,
                 "min_val cannot be greater than max_val")


INPLACE = [
    ("relu", lambda F, x: F.relu(x, inplace=True)),
    ("relu6", lambda F, x: F.relu6(x, inplace=True)),
    ("leaky_relu", lambda F, x: F.leaky_relu(x, 0.2, True)),
    ("elu", lambda F, x: F.elu(x, 0.5, inplace=True)),
    ("selu", lambda F, x: F.selu(x, inplace=True)),
    ("celu", lambda F, x: F.celu(x, 2.0, inplace=True)),
    ("silu", lambda F, x: F.silu(x, inplace=True)),
    ("mish", lambda F, x: F.mish(x, inplace=True)),
    ("hardtanh", lambda F, x: F.hardtanh(x, -0.5, 0.5, True)),
    ("hardswish", lambda F, x: F.hardswish(x, inplace=True)),
]


@pytest.mark.parametrize("name,call", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_forms(name, call):
    # Written into a non-leaf (x * 1): same values and gradients as torch, and the input is the
    # output.
    def fn(lib, t):
        y = t * 1
        out = call(_functional(lib), y)
        assert out is y
        return out

    check(fn, SAMPLES["matrix"], gradgrad=False)
