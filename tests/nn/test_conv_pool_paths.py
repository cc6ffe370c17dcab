"""The convolution and max-pool kernels' code paths against PyTorch: exact max-pool indices
(ties, NaN, padding, ceil_mode, dilation, overlapping windows), gradients and second
derivatives of every path."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import check, require_torch

rng = np.random.default_rng(7)


def F(lib):
    return lib.nn.functional


def randn(*shape):
    return rng.standard_normal(shape)


def with_ties_and_nans(shape, seed=0):
    """Small integers (many equal maxima per window), some NaNs, some -inf."""
    r = np.random.default_rng(seed)
    x = r.integers(-2, 2, shape).astype(np.float64)
    x[r.random(shape) < 0.1] = np.nan
    x[r.random(shape) < 0.1] = -np.inf
    return x


# (kernel_size, stride, padding, dilation, ceil_mode)
POOLS = [
    (2, None, 0, 1, False),          # MaxPool2d(2): windows tile the input
    (2, None, 0, 1, True),           # odd sizes: ceil_mode's extra windows
    ((2, 3), (2, 3), 0, 1, False),   # rectangular tiles
    (3, 2, 1, 1, False),             # overlapping windows with padding
    (3, 2, 1, 1, True),
    (3, 1, 0, 1, False),             # stride 1
    ((2, 3), 1, 0, 2, False),        # dilation
    (3, 3, 1, 2, True),              # everything at once
    (2, 3, 1, 1, False),             # stride larger than the kernel
]


@pytest.mark.parametrize("shape", [(2, 3, 8, 6), (1, 2, 7, 9)])
@pytest.mark.parametrize("args", POOLS)
def test_max_pool_indices_match_torch_exactly(args, shape):
    torch = require_torch()
    x = with_ties_and_nans(shape, seed=len(args) + shape[2])
    e_values, e_idx = F(ember).max_pool2d(ember.tensor(x), *args, return_indices=True)
    t_values, t_idx = F(torch).max_pool2d(torch.tensor(x), *args, return_indices=True)
    np.testing.assert_array_equal(e_idx.numpy(), t_idx.numpy())
    np.testing.assert_array_equal(e_values.numpy(), t_values.numpy())


def test_max_pool_nan_rule():
    # PyTorch: a NaN replaces the maximum, so the last NaN wins; among equal maxima the first.
    torch = require_torch()
    nan = float("nan")
    x = np.array([[[[1, nan], [nan, 3]], [[2, 2], [nan, nan]], [[5, 1], [5, 5]],
                   [[-np.inf] * 2] * 2]], dtype=np.float32)
    for lib in (ember, torch):
        _, idx = F(lib).max_pool2d(lib.tensor(x), 2, return_indices=True)
        assert idx.numpy().ravel().tolist() == [2, 3, 0, 0], lib.__name__


def test_max_pool_padding_is_never_the_maximum():
    # A window of real -inf next to the padding: PyTorch picks the first real element.
    torch = require_torch()
    x = np.full((1, 1, 5, 5), -np.inf)
    x[0, 0, 2, 2] = 1.0
    for args in [(3, 2, 1), (3, 1, 1, 2), (2, 2, 1, 1, True)]:
        e = F(ember).max_pool2d(ember.tensor(x), *args, return_indices=True)[1].numpy()
        t = F(torch).max_pool2d(torch.tensor(x), *args, return_indices=True)[1].numpy()
        np.testing.assert_array_equal(e, t)


def test_max_pool_integer_input():
    torch = require_torch()
    x = np.random.default_rng(1).integers(-3, 3, (2, 2, 7, 6))
    for args in [(2,), (3, 2, 1)]:
        e_values, e_idx = F(ember).max_pool2d(ember.tensor(x), *args, return_indices=True)
        t_values, t_idx = F(torch).max_pool2d(torch.tensor(x), *args, return_indices=True)
        np.testing.assert_array_equal(e_idx.numpy(), t_idx.numpy())
        np.testing.assert_array_equal(e_values.numpy(), t_values.numpy())
        assert e_values.dtype == ember.int64


@pytest.mark.parametrize("args", POOLS)
def test_max_pool_gradients(args):
    # Distinct values: the gradient is well defined, and ties are covered above.
    check(lambda lib, t: F(lib).max_pool2d(t, *args), randn(2, 3, 7, 8))


def test_max_pool_gradient_with_ties_and_nan_upstream():
    # Ties send the whole gradient to the first maximum; a NaN upstream gradient stays in its
    # window's chosen element (no NaN * 0 leaking into the other elements).
    torch = require_torch()
    x = with_ties_and_nans((2, 2, 6, 6), seed=3)
    x[np.isnan(x)] = 0.0
    g = randn(2, 2, 3, 3)
    g[0, 0, 1, 1] = np.nan
    for args in [(2,), (3, 2, 1), (3, 1)]:
        upstream = g if args == (2,) else randn(*F(torch).max_pool2d(torch.tensor(x), *args).shape)
        grads = []
        for lib in (ember, torch):
            t = lib.tensor(x, requires_grad=True)
            (grad,) = lib.autograd.grad(F(lib).max_pool2d(t, *args), t, lib.tensor(upstream))
            grads.append(grad.numpy())
        np.testing.assert_array_equal(grads[0], grads[1])


def test_max_pool1d_paths():
    check(lambda lib, t: F(lib).max_pool1d(t, 2), randn(2, 3, 9))
    check(lambda lib, t: F(lib).max_pool1d(t, 3, 1, 1, 2), randn(2, 3, 9))
    check(lambda lib, t: F(lib).max_pool1d(t, 2, ceil_mode=True), randn(3, 9))


def test_max_pool_float32():
    check(lambda lib, t: F(lib).max_pool2d(t, 2), randn(4, 6, 10, 10).astype(np.float32))
