"""F.interpolate's bicubic and area modes and nn.Upsample with them, against PyTorch: forward,
gradients and second derivatives, finite differences, node names, reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import assert_close, check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(9)


def F(lib):
    return lib.nn.functional


def randn(*shape):
    return rng.standard_normal(shape)


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size,scale_factor,recompute", [
    ((7, 3), None, None),  # up along one dim, down along the other
    ((1, 9), None, None),
    (None, 1.7, None),
    (None, (0.6, 2.5), True),
    (None, 3, None),
    ((5, 6), None, None),  # same size
])
def test_bicubic(size, scale_factor, recompute, align_corners):
    def fn(lib, x):
        return F(lib).interpolate(x, size, scale_factor, "bicubic", align_corners, recompute)

    check(fn, randn(2, 3, 5, 6))


def test_bicubic_float32_node_names_and_finite_differences():
    torch = require_torch()
    x = randn(1, 2, 4, 5).astype(np.float32)
    check(lambda lib, x: F(lib).interpolate(x, scale_factor=2, mode="bicubic"), x)
    for lib in (ember, torch):
        xs = lib.tensor(x, requires_grad=True)
        y = F(lib).interpolate(xs, size=(7, 3), mode="bicubic")
        assert type(y.grad_fn).__name__ == "UpsampleBicubic2DBackward0"
    gradcheck(lambda lib, x: F(lib).interpolate(x, size=(5, 2), mode="bicubic"), randn(1, 1, 3, 4))


@pytest.mark.parametrize("shape,size", [
    ((2, 3, 7), 3), ((2, 3, 7), 10), ((2, 3, 5, 7), (2, 3)), ((2, 3, 5, 7), (8, 4)),
    ((2, 2, 5, 4, 3), (2, 3, 5)), ((1, 2, 5, 6), 1),
])
def test_area(shape, size):
    check(lambda lib, x: F(lib).interpolate(x, size, mode="area"), randn(*shape))


def test_area_scale_factor_node_names_and_finite_differences():
    torch = require_torch()
    check(lambda lib, x: F(lib).interpolate(x, scale_factor=0.5, mode="area"), randn(1, 2, 7, 6))
    for lib in (ember, torch):
        xs = lib.tensor(randn(1, 2, 5, 5), requires_grad=True)
        y = F(lib).interpolate(xs, size=(2, 3), mode="area")
        assert type(y.grad_fn).__name__ == "AdaptiveAvgPool2DBackward0"
    gradcheck(lambda lib, x: F(lib).interpolate(x, size=(2, 2, 3), mode="area"),
              randn(1, 1, 3, 3, 4))


@pytest.mark.parametrize("args,kwargs", [
    ((), {"scale_factor": 2, "mode": "bicubic"}),
    ((), {"size": (3, 7), "mode": "bicubic", "align_corners": True}),
    ((), {"size": (2, 3), "mode": "area"}),
])
def test_upsample_module(args, kwargs):
    torch = require_torch()
    module, reference = ember.nn.Upsample(*args, **kwargs), torch.nn.Upsample(*args, **kwargs)
    assert repr(module) == repr(reference)
    x = randn(2, 2, 4, 5)
    assert_close(module(ember.tensor(x)), reference(torch.tensor(x)))


@pytest.mark.parametrize("call,exception,message", [
    (lambda lib: F(lib).interpolate(lib.ones(1, 1, 4), size=3, mode="bicubic"),
     NotImplementedError, "Input Error: Only 3D, 4D and 5D input Tensors supported (got 3D)"),
    (lambda lib: F(lib).interpolate(lib.ones(1, 1, 4, 4, 4), size=3, mode="bicubic"),
     NotImplementedError, "Input Error: Only 3D, 4D and 5D input Tensors supported (got 5D)"),
    (lambda lib: F(lib).interpolate(lib.ones(1, 1, 4, 4), size=3, mode="area",
                                    align_corners=True), ValueError,
     "align_corners option can only be set with the interpolating modes: linear | bilinear | "
     "bicubic | trilinear"),
])
def test_errors(call, exception, message):
    expect_error(call, exception, message)


def test_antialias_is_refused_by_name():
    with pytest.raises(NotImplementedError, match="antialias"):
        F(ember).interpolate(ember.ones(1, 1, 4, 4), size=3, mode="bicubic", antialias=True)
