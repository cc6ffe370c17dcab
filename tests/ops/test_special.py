"""ember's vectorised erf / erfc (ops/special.py): float64 accuracy against math.erf / math.erfc,
special values, narrow dtypes, and the rows that use it (erf, erfc, exact GELU) against PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ember
from ember.ops import special
from oracle import check, require_torch

# Largest relative error allowed in float64 (measured: erf 2.8e-16, erfc 1.0e-15: a few ulp).
RTOL = 2e-15
TINY = np.finfo(np.float64).tiny  # below: subnormal results, compared in absolute terms
SUBNORMAL_ULP = 5e-324

_math_erf = np.vectorize(math.erf, otypes=[np.float64])
_math_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _points():
    rng = np.random.default_rng(1234)
    return np.concatenate([
        np.linspace(-40.0, 40.0, 160_001),           # dense grid, step 5e-4
        rng.uniform(-40.0, 40.0, 20_000),
        rng.uniform(-1.2, 1.2, 20_000),               # around the 0.5 and 1.0 switch-overs
        rng.uniform(26.0, 27.5, 5_000),               # erfc tail: normal -> subnormal -> 0
        np.array([0.5, -0.5, np.nextafter(0.5, 0.0), np.nextafter(-0.5, 0.0), 30.0, -30.0,
                  1.0, -1.0, np.nextafter(1.0, 0.0), np.nextafter(-1.0, 0.0),
                  1e-300, -1e-300, 5e-324, 1e-8, 27.2, 26.5]),
    ])


X = _points()


def _assert_relative(got, expected, rtol=RTOL):
    """Relative error where the expected value is a normal number, a few subnormal ulp below."""
    assert got.dtype == np.float64 and got.shape == expected.shape
    diff = np.abs(got - expected)
    normal = np.abs(expected) >= TINY
    rel = diff[normal] / np.abs(expected[normal])
    worst = int(np.argmax(rel))
    assert rel[worst] <= rtol, (
        f"relative error {rel[worst]:.3g} at x = {X[normal][worst]!r}" if got.shape == X.shape
        else f"relative error {rel[worst]:.3g}")
    assert np.all(diff[~normal] <= 4 * SUBNORMAL_ULP)


def test_erf_float64_matches_math_erf():
    _assert_relative(special.erf(X), _math_erf(X))


def test_erfc_float64_matches_math_erfc_including_tails():
    expected = _math_erfc(X)
    got = special.erfc(X)
    _assert_relative(got, expected)
    # The right tail is relative to erfc itself, not to 1: check it is really exercised.
    assert np.any((expected < 1e-300) & (expected >= TINY))


def test_erf_is_odd_and_erfc_reflects():
    a = X[X >= 0]
    np.testing.assert_array_equal(special.erf(-a), -special.erf(a))
    _assert_relative(special.erfc(-a), 2.0 - _math_erfc(a))


@pytest.mark.parametrize("fn, x, expected", [
    (special.erf, np.inf, 1.0), (special.erf, -np.inf, -1.0),
    (special.erfc, np.inf, 0.0), (special.erfc, -np.inf, 2.0),
    (special.erf, 0.0, 0.0), (special.erfc, 0.0, 1.0), (special.erfc, -0.0, 1.0),
    (special.erf, 40.0, 1.0), (special.erf, -40.0, -1.0), (special.erfc, 40.0, 0.0),
    (special.erfc, 1e308, 0.0), (special.erf, 1e-310, math.erf(1e-310)),
])
def test_special_values(fn, x, expected):
    got = fn(np.array([x]))
    assert got[0] == expected


def test_nan_and_signed_zero():
    for fn in (special.erf, special.erfc):
        assert np.isnan(fn(np.array([np.nan, -np.nan]))).all()
    out = special.erf(np.array([-0.0, 0.0]))
    assert np.signbit(out[0]) and not np.signbit(out[1])


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_narrow_dtypes_round_the_float64_value(dtype, name):
    fn = getattr(special, name)
    reference = _math_erf if name == "erf" else _math_erfc
    limit = 6.0 if dtype == np.float16 else 12.0
    x = np.random.default_rng(7).uniform(-limit, limit, 4000).astype(dtype)
    x = np.concatenate([x, np.array([0.0, -0.0, np.inf, -np.inf, 0.25, -3.0], dtype)])
    got = fn(x)
    assert got.dtype == dtype
    expected = reference(x.astype(np.float64)).astype(dtype)
    np.testing.assert_array_max_ulp(got, expected, maxulp=1)


@pytest.mark.parametrize("shape", [(), (0,), (3, 0), (4, 5), (2, 3, 4)])
def test_shapes_and_input_untouched(shape):
    x = np.random.default_rng(3).uniform(-4, 4, shape)
    before = x.copy()
    for fn, reference in ((special.erf, _math_erf), (special.erfc, _math_erfc)):
        got = fn(x)
        assert got.shape == x.shape and got.dtype == x.dtype
        np.testing.assert_allclose(got, reference(x) if x.size else x, rtol=RTOL, atol=0)
        if x.size:
            assert not np.shares_memory(got, x)
    np.testing.assert_array_equal(x, before)


def test_non_contiguous_input():
    x = np.random.default_rng(5).uniform(-6, 6, (6, 8))[:, ::2].T
    np.testing.assert_allclose(special.erf(x), _math_erf(x), rtol=RTOL, atol=0)
    np.testing.assert_allclose(special.erfc(x), _math_erfc(x), rtol=RTOL, atol=0)


# --- the rows that use it, against PyTorch ---------------------------------------------------------
def _wide(dtype, n=257, limit=6.0):
    return np.linspace(-limit, limit, n).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name, call", [
    ("erf", lambda L, x: L.erf(x)),
    ("erfc", lambda L, x: L.erfc(x)),
    ("special.erfc", lambda L, x: (L.special.erfc if L is not ember else L.erfc)(x)),
    ("gelu", lambda L, x: (L.nn.functional.gelu(x))),
    ("gelu_none", lambda L, x: (L.nn.functional.gelu(x, approximate="none"))),
])
def test_rows_against_torch(name, call, dtype):
    check(call, _wide(dtype))


@pytest.mark.parametrize("shape", [(), (0,), (3, 4)])
def test_rows_shapes_against_torch(shape):
    x = np.random.default_rng(11).uniform(-3, 3, shape)
    check(lambda L, t: L.erf(t), x)
    check(lambda L, t: L.nn.functional.gelu(t), x)


@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_float64_forward_matches_torch_tightly(name):
    torch = require_torch()
    x = np.concatenate([X[::10], np.array([np.inf, -np.inf, np.nan, -0.0])])
    got = getattr(ember, name)(ember.tensor(x)).numpy()
    ref = getattr(torch.special, name)(torch.tensor(x)).numpy()
    np.testing.assert_allclose(got, ref, rtol=RTOL, atol=4 * SUBNORMAL_ULP, equal_nan=True)
    assert np.signbit(got[-1]) == np.signbit(ref[-1])


def test_gelu_float64_forward_matches_torch_tightly():
    torch = require_torch()
    x = np.linspace(-40, 40, 20001)
    got = ember.nn.functional.gelu(ember.tensor(x)).numpy()
    ref = torch.nn.functional.gelu(torch.tensor(x)).numpy()
    # 0.5 * x * (1 + erf(x / sqrt 2)) cancels for negative x in both libraries: 1 + erf carries an
    # absolute error of about one ulp of 1, i.e. |x| * eps in the result, whatever erf's accuracy.
    eps = np.finfo(np.float64).eps
    assert np.all(np.abs(got - ref) <= 1e-14 * np.abs(ref) + 2 * eps * np.abs(x))
    positive = x > 0
    np.testing.assert_allclose(got[positive], ref[positive], rtol=RTOL, atol=0)
