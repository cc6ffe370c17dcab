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


# --- convolution: stride 1 cuts columns from the flattened planes, other strides use windows ---
# (input shape, weight shape, stride, padding, dilation, groups)
CONVS = [
    ((2, 1, 9, 8), (3, 1, 5, 5), 1, 2, 1, 1),          # LeNet's first layer, smaller
    ((2, 3, 7, 6), (4, 3, 3, 2), 1, 0, 1, 1),          # no padding, rectangular kernel
    ((2, 4, 7, 8), (6, 2, 3, 3), 1, (1, 2), (2, 1), 2),  # padding, dilation, groups
    ((1, 2, 5, 5), (2, 2, 5, 5), 1, 0, 1, 1),          # kernel as large as the input: 1x1 output
    ((2, 3, 6, 5), (2, 3, 1, 1), 1, 0, 1, 1),          # 1x1 kernel
    ((2, 2, 7, 9), (3, 2, 3, 3), 2, 1, 1, 1),          # stride 2: the window path
    ((2, 4, 9, 7), (4, 2, 2, 3), (1, 2), 1, (2, 1), 2),  # stride in one dim only
    ((2, 3, 8, 8), (3, 1, 3, 3), (3, 2), 2, 2, 3),     # depthwise, stride, dilation, padding
]


@pytest.mark.parametrize("config", CONVS)
def test_conv2d_paths(config):
    x_shape, w_shape, stride, padding, dilation, groups = config

    def fn(lib, x, w, b):
        return F(lib).conv2d(x, w, b, stride, padding, dilation, groups)

    check(fn, randn(*x_shape), randn(*w_shape), randn(w_shape[0]))


@pytest.mark.parametrize("stride,padding,dilation,groups", [
    (1, 2, 1, 1), (1, 0, 3, 2), (2, 1, 1, 1), (3, 2, 2, 2), (1, "same", 2, 1)])
def test_conv1d_paths(stride, padding, dilation, groups):
    def fn(lib, x, w):
        return F(lib).conv1d(x, w, None, stride, padding, dilation, groups)

    check(fn, randn(2, 4, 11), randn(4, 4 // groups, 3))


def test_conv2d_same_padding_is_asymmetric_for_even_kernels():
    check(lambda lib, x, w: F(lib).conv2d(x, w, padding="same"), randn(2, 2, 6, 7),
          randn(3, 2, 4, 2))


def test_conv2d_float32_lenet_shapes():
    # LeNet's layers at a small batch, in float32 as trained (the columns' junk past each output
    # row must not leak into the weight gradient, even where the input holds large values).
    x = randn(3, 1, 28, 28).astype(np.float32) * 100
    w1, b1 = randn(6, 1, 5, 5).astype(np.float32), randn(6).astype(np.float32)
    w2 = randn(16, 6, 5, 5).astype(np.float32)

    def fn(lib, x, w1, b1, w2):
        h = F(lib).max_pool2d(F(lib).relu(F(lib).conv2d(x, w1, b1, padding=2)), 2)
        return F(lib).conv2d(h, w2)

    check(fn, x, w1, b1, w2, rtol=1e-3, atol=1e-2)


def test_conv_gradients_are_not_polluted_by_nonfinite_junk():
    # An inf in the input also sits in the stride-1 columns' junk positions (past the end of
    # other output rows): it must reach only the weight gradient's entries that meet it in a
    # window (as NaN, 0 * inf, like PyTorch), and no others.
    torch = require_torch()
    x = randn(1, 1, 5, 6)
    x[0, 0, 2, 5] = np.inf
    w = randn(1, 1, 3, 3)
    grads = []
    for lib in (ember, torch):
        tx, tw = lib.tensor(x), lib.tensor(w, requires_grad=True)
        out = F(lib).conv2d(tx, tw)
        upstream = np.zeros(out.shape)
        upstream[0, 0, 0, 0] = 1.0  # a window away from the inf
        (gw,) = lib.autograd.grad(out, tw, lib.tensor(upstream))
        grads.append(gw.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])
