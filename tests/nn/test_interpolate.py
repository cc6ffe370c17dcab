"""F.interpolate (nearest, nearest-exact, linear, bilinear, trilinear) and the Upsample layers
against PyTorch: values, gradients, finite differences, reprs, errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(4)
X3 = rng.standard_normal((2, 2, 5))
X4 = rng.standard_normal((2, 3, 5, 4))
X5 = rng.standard_normal((1, 2, 3, 4, 3))

CASES = [
    ("nearest_scale", dict(scale_factor=2), X4),
    ("nearest_size", dict(size=(7, 3)), X4),
    ("nearest_1d", dict(size=8), X3),
    ("nearest_3d", dict(scale_factor=(2, 1.5, 1)), X5),
    ("nearest_exact", dict(scale_factor=1.5, mode="nearest-exact"), X4),
    ("linear", dict(size=9, mode="linear"), X3),
    ("linear_corners", dict(size=3, mode="linear", align_corners=True), X3),
    ("bilinear_up", dict(size=(8, 9), mode="bilinear"), X4),
    ("bilinear_down", dict(size=(3, 2), mode="bilinear"), X4),
    ("bilinear_corners", dict(size=(8, 9), mode="bilinear", align_corners=True), X4),
    ("bilinear_scale", dict(scale_factor=0.6, mode="bilinear"), X4),
    ("bilinear_recompute", dict(scale_factor=(1.7, 2.3), mode="bilinear",
                                recompute_scale_factor=True), X4),
    ("trilinear", dict(size=(4, 5, 2), mode="trilinear"), X5),
]


@pytest.mark.parametrize("name,options,x", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_against_torch(name, options, x, dtype):
    # (linear in the input: the second derivative is zero; see test_padding for why PyTorch's
    # first-order gradient still carries a graph)
    check(lambda L, t: L.nn.functional.interpolate(t, **options), x.astype(dtype),
          gradgrad=False)


@pytest.mark.parametrize("name,options,x", CASES, ids=[c[0] for c in CASES])
def test_against_finite_differences(name, options, x):
    gradcheck(lambda L, t: L.nn.functional.interpolate(t, **options), x)


def test_layers_match_torch():
    torch = require_torch()
    for make in [lambda nn: nn.Upsample(scale_factor=2),
                 lambda nn: nn.Upsample(size=(4, 5), mode="bilinear", align_corners=True),
                 lambda nn: nn.UpsamplingNearest2d(scale_factor=2),
                 lambda nn: nn.UpsamplingBilinear2d(size=3)]:
        ours, theirs = make(ember.nn), make(torch.nn)
        assert repr(ours) == repr(theirs)
        np.testing.assert_allclose(ours(ember.tensor(X4)).numpy(), theirs(torch.tensor(X4)).numpy(),
                                   rtol=1e-12, atol=1e-12)


ERRORS = [
    (lambda L: L.nn.functional.interpolate(L.ones(1, 1, 2, 2), size=3, scale_factor=2),
     ValueError, "only one of size or scale_factor should be defined"),
    (lambda L: L.nn.functional.interpolate(L.ones(1, 1, 2, 2)), ValueError,
     "either size or scale_factor should be defined"),
    (lambda L: L.nn.functional.interpolate(L.ones(1, 1, 2, 2), size=3, align_corners=True),
     ValueError, "align_corners option can only be set with the interpolating modes"),
    (lambda L: L.nn.functional.interpolate(L.ones(1, 1, 2), size=3, mode="bilinear"),
     NotImplementedError, "Got 3D input, but bilinear mode needs 4D input"),
]


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors(fn, exception, message):
    expect_error(fn, exception, message)
