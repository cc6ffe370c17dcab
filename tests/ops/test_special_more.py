"""zeta, the incomplete gamma functions, the Bessel J/Y/K families, spherical j0, Airy Ai and
the orthogonal polynomials of ember.special: values against PyTorch in float64 and float32 (and,
where PyTorch is less accurate than ember, against mpmath at 30 digits), special values,
gradients (second argument only, as PyTorch) and PyTorch's errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import assert_close, check, expect_error, require_torch, to_numpy

RNG = np.random.default_rng(11)


def _both(fn, *arrays):
    """fn(lib, *tensors) for lib = ember and torch: (ember result, torch result)."""
    torch = require_torch()
    return (fn(ember, *[ember.tensor(a) for a in arrays]),
            fn(torch, *[torch.tensor(a) for a in arrays]))


def _mpmath():
    return pytest.importorskip("mpmath")


# --- zeta -----------------------------------------------------------------------------------------
def test_zeta_matches_torch_over_wide_ranges():
    s = np.concatenate([RNG.uniform(1.001, 60, 600), np.round(RNG.uniform(2, 12, 200))])
    q = np.concatenate([10 ** RNG.uniform(-3, 4, 600), -RNG.uniform(0, 8, 200)])
    e, t = _both(lambda lib, s, q: lib.special.zeta(s, q), s, q)
    assert_close(e, t, rtol=1e-12, atol=0)


def test_zeta_special_values_match_torch():
    values = [-np.inf, -2.5, -2.0, -1.0, 0.0, 0.5, 1.0, 2.0, 3.5, np.inf, np.nan]
    s, q = (a.ravel() for a in np.meshgrid(values, values, indexing="ij"))
    for dtype in (np.float64, np.float32):
        e, t = _both(lambda lib, s, q: lib.special.zeta(s, q), s.astype(dtype), q.astype(dtype))
        assert_close(e, t)


def test_zeta_scalars_and_dtypes():
    torch = require_torch()
    for fn in (lambda lib: lib.special.zeta(lib.tensor([2.0, 3.5]), 2.0),
               lambda lib: lib.special.zeta(3, lib.tensor([1.0, 2.5], dtype=lib.float64)),
               lambda lib: lib.special.zeta(lib.tensor([2, 3]), lib.tensor([1, 2]))):
        assert_close(fn(ember), fn(torch))
    expect_error(lambda lib: lib.special.zeta(2.0, 3.0), TypeError,
                 "special_zeta() received an invalid combination of arguments")


def test_zeta_gradient_in_q_and_not_implemented_in_x():
    s = np.linspace(1.5, 6.0, 9)
    q = np.linspace(0.3, 5.0, 9)
    check(lambda lib, q: lib.special.zeta(lib.tensor(s), q), q)
    expect_error(lambda lib: _zeta_x_grad(lib, s, q), NotImplementedError,
                 "the derivative for 'zeta' is not implemented.")


def _zeta_x_grad(lib, s, q):
    x = lib.tensor(s, requires_grad=True)
    out = lib.special.zeta(x, lib.tensor(q))
    assert type(out.grad_fn).__name__ == "SpecialZetaBackward0"
    return lib.autograd.grad(out.sum(), x)


# --- gammainc / gammaincc -------------------------------------------------------------------------
def _incomplete_gamma_samples(n=3000):
    a = 10 ** RNG.uniform(-3, 4.5, n)
    x = a * 10 ** RNG.uniform(-1.5, 1.5, n)
    x[: n // 4] = a[: n // 4] * (1 + RNG.normal(0, 0.05, n // 4))
    x[n // 4: n // 3] = 10 ** RNG.uniform(-5, 0.1, n // 3 - n // 4)
    return a, x


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_incomplete_gamma_matches_torch(name):
    a, x = _incomplete_gamma_samples()
    e, t = _both(lambda lib, a, x: getattr(lib.special, name)(a, x), a, x)
    e, t = to_numpy(e), to_numpy(t)
    normal = t > 1e-290  # (torch flushes some subnormal tails to 0)
    # PyTorch's uniform asymptotic expansion is good to about 2e-9 near x = a for a > 20;
    # elsewhere the two agree to 1e-12 (against mpmath, ember is good to 1e-13, below).
    near = (np.abs(x - a) < 0.4 * a) & (a > 20)
    # Deep tails are conditioned by their exponent (about |log value|, 700 at most): a rounding
    # of it moves the value by |log value| * 1e-16 relative, in either library.
    tail = t < 1e-30
    np.testing.assert_allclose(e[normal & ~near & ~tail], t[normal & ~near & ~tail], rtol=1e-12)
    np.testing.assert_allclose(e[normal & ~near & tail], t[normal & ~near & tail], rtol=1e-11)
    np.testing.assert_allclose(e[normal & near], t[normal & near], rtol=5e-9)


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_incomplete_gamma_matches_mpmath(name):
    mpmath = _mpmath()
    mpmath.mp.dps = 30
    rng = np.random.default_rng(3)
    a = np.concatenate([10 ** rng.uniform(-4, 3, 60), [0.0017, 20.64, 150.0, 1e-4]])
    x = np.concatenate([a[:60] * 10 ** rng.uniform(-1, 1, 60), [0.0011, 2.4e-5, 150.3, 0.8]])
    value = to_numpy(getattr(ember.special, name)(ember.tensor(a), ember.tensor(x)))
    if name == "gammainc":
        expected = [float(mpmath.gammainc(p, 0, y, regularized=True)) for p, y in zip(a, x)]
    else:
        expected = [float(mpmath.gammainc(p, y, mpmath.inf, regularized=True))
                    for p, y in zip(a, x)]
    np.testing.assert_allclose(value, expected, rtol=2e-13)


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_incomplete_gamma_special_values_and_float32(name):
    values = [-1.0, 0.0, 0.5, 1.0, 3.0, 50.0, np.inf, np.nan]
    a, x = (v.ravel() for v in np.meshgrid(values, values, indexing="ij"))
    for dtype in (np.float64, np.float32):
        e, t = _both(lambda lib, a, x: getattr(lib.special, name)(a, x),
                     a.astype(dtype), x.astype(dtype))
        assert_close(e, t, rtol=1e-6 if dtype == np.float32 else 1e-12, atol=0)


def test_incomplete_gamma_gradient_in_x():
    a = np.array([0.5, 1.5, 3.0, 7.0, 20.0])
    x = np.array([0.7, 2.0, 0.5, 9.0, 18.0])
    for name in ("gammainc", "gammaincc", "igamma", "igammac"):
        space = "special" if name.startswith("gamma") else None

        def fn(lib, x, name=name, space=space):
            f = getattr(lib.special, name) if space else getattr(lib, name)
            return f(lib.tensor(a), x)

        check(fn, x)


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_incomplete_gamma_not_implemented_for_a(name):
    def grad_a(lib):
        a = lib.tensor([1.5, 2.0], requires_grad=True)
        out = getattr(lib, name)(a, lib.tensor([1.0, 3.0]))
        assert type(out.grad_fn).__name__ == name.capitalize() + "Backward0"
        return lib.autograd.grad(out.sum(), a)

    expect_error(grad_a, NotImplementedError,
                 f"the derivative for '{name}: input' is not implemented.")


def test_incomplete_gamma_methods_inplace_and_errors():
    torch = require_torch()
    for lib_fn in (lambda lib: lib.tensor([1.5, 2.0]).igamma(lib.tensor([1.0, 3.0])),
                   lambda lib: lib.tensor([1.5, 2.0]).igammac(lib.tensor([1.0, 3.0])),
                   lambda lib: lib.tensor([1.5, 2.0]).igamma_(lib.tensor([1.0, 3.0])),
                   lambda lib: lib.tensor([1.5, 2.0]).igammac_(lib.tensor([1.0, 3.0])),
                   lambda lib: lib.special.gammainc(lib.tensor([2.0]),
                                                    lib.tensor([1], dtype=lib.int64))):
        assert_close(lib_fn(ember), lib_fn(torch))
    expect_error(lambda lib: lib.igamma(lib.tensor([1, 2]), lib.tensor([1, 2])),
                 NotImplementedError, '"igamma_cpu" not implemented for \'Long\'')
    expect_error(lambda lib: lib.igammac(lib.tensor([1, 2], dtype=lib.int32),
                                         lib.tensor([1, 2], dtype=lib.int32)),
                 NotImplementedError, '"igammac_cpu" not implemented for \'Int\'')
    expect_error(lambda lib: lib.igamma(lib.tensor([1.0]), 2.0), TypeError,
                 "igamma(): argument 'other' (position 2) must be Tensor, not float")
    expect_error(lambda lib: lib.special.gammainc(2.0, lib.tensor([1.0])), TypeError,
                 "special_gammainc(): argument 'input' (position 1) must be Tensor, not float")


# --- Bessel and Airy functions --------------------------------------------------------------------
BESSEL = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0",
          "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
          "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "spherical_bessel_j0",
          "airy_ai"]
# PyTorch's rational approximations for J0, J1, Y0, Y1 (on 2 < x < 25) and Ai (on -9.7 < x < 0)
# are good to about 1e-6 absolute only; ember is compared with mpmath there (below).
_TORCH_ABSOLUTE = {"bessel_j0": 2e-6, "bessel_j1": 2e-6, "bessel_y0": 2e-6, "bessel_y1": 2e-6,
                   "airy_ai": 1e-5}


def _bessel_grid(name):
    if name == "airy_ai":
        return np.concatenate([np.linspace(-40, 20, 601), [0.0, 1.5, -9.65, 9.66, 104.0]])
    grid = np.concatenate([np.linspace(-60, 60, 481), 10 ** RNG.uniform(-8, 2.5, 100),
                           [1.0, 2.0, 25.0, 25.0001, 700.0]])
    return grid


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", BESSEL)
def test_bessel_matches_torch(name, dtype):
    x = _bessel_grid(name)
    if dtype == np.float32 and name.startswith("modified_bessel_i"):
        # PyTorch's float32 kernels overflow in exp(x) from x = 88.7, where I0, I1 themselves
        # are still finite in float32 (up to about 90.9); ember rounds the float64 value.
        x = x[np.abs(x) < 88]
    x = x.astype(dtype)
    e, t = _both(lambda lib, x: getattr(lib.special, name)(x), x)
    atol = _TORCH_ABSOLUTE.get(name, 0.0) if dtype == np.float64 else \
        max(_TORCH_ABSOLUTE.get(name, 0.0), 1e-6)
    assert_close(e, t, rtol=1e-12 if dtype == np.float64 else 2e-5, atol=atol or 1e-300)


_MPMATH = {
    "bessel_j0": lambda m, v: m.besselj(0, v), "bessel_j1": lambda m, v: m.besselj(1, v),
    "bessel_y0": lambda m, v: m.bessely(0, v), "bessel_y1": lambda m, v: m.bessely(1, v),
    "modified_bessel_k0": lambda m, v: m.besselk(0, v),
    "modified_bessel_k1": lambda m, v: m.besselk(1, v),
    "scaled_modified_bessel_k0": lambda m, v: m.besselk(0, v) * m.exp(v),
    "scaled_modified_bessel_k1": lambda m, v: m.besselk(1, v) * m.exp(v),
    "airy_ai": lambda m, v: m.airyai(v),
}


@pytest.mark.parametrize("name", sorted(_MPMATH))
def test_bessel_matches_mpmath(name):
    mpmath = _mpmath()
    mpmath.mp.dps = 30
    if name == "airy_ai":
        x = np.concatenate([np.linspace(-30, 12, 85), [-9.64, -9.66, 1.49, 1.51]])
    else:
        x = np.concatenate([np.linspace(0.05, 40, 80), [0.999, 1.0, 1.99, 2.01, 24.99, 25.01]])
    value = to_numpy(getattr(ember.special, name)(ember.tensor(x)))
    expected = np.array([float(_MPMATH[name](mpmath, mpmath.mpf(v))) for v in x])
    # Oscillating functions: the error is measured against the local amplitude.
    if name.startswith("bessel"):
        scale = np.maximum(np.abs(expected), 0.8 / np.sqrt(np.maximum(x, 1.0)))
    elif name == "airy_ai":
        envelope = 0.5 / np.maximum(np.abs(x), 1.0) ** 0.25
        scale = np.maximum(np.abs(expected), np.where(x < 0, envelope, 0))
    else:
        scale = np.abs(expected)
    assert np.max(np.abs(value - expected) / scale) < 1e-13


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_special_values_and_no_gradient(name):
    torch = require_torch()
    x = np.array([-np.inf, -2.0, -0.0, 0.0, 1e-300, 5e-8, 2.0, 800.0, np.inf, np.nan])
    e, t = _both(lambda lib, x: getattr(lib.special, name)(x), x)
    assert_close(e, t, rtol=1e-12, atol=0)
    number = ~np.isnan(to_numpy(t))  # (the sign of -0.0 matters; a NaN's does not)
    np.testing.assert_array_equal(np.signbit(to_numpy(e))[number],
                                  np.signbit(to_numpy(t))[number])
    ints = [1, 2, 3]
    assert_close(getattr(ember.special, name)(ember.tensor(ints)),
                 getattr(torch.special, name)(torch.tensor(ints)), rtol=1e-6)
    # PyTorch has no derivative for these: the result does not require grad.
    leaf = ember.tensor([1.0, 2.0], requires_grad=True)
    assert not getattr(ember.special, name)(leaf).requires_grad
    argument = "x" if name in ("scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
                               "spherical_bessel_j0", "airy_ai") else "input"
    expect_error(lambda lib: getattr(lib.special, name)(2.0), TypeError,
                 f"special_{name}(): argument '{argument}' (position 1) must be Tensor, not "
                 "float")


# --- orthogonal polynomials -----------------------------------------------------------------------
POLYNOMIALS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
               "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
               "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
               "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
               "laguerre_polynomial_l", "legendre_polynomial_p"]


def _polynomial_inputs():
    x = np.concatenate([RNG.uniform(-1.3, 1.3, 200), RNG.uniform(-0.2, 1.2, 100),
                        [-1.0, 1.0, 0.0, 0.5, 2.0, -3.0, np.inf, -np.inf]])
    return x


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomial_matches_torch_for_scalar_and_tensor_n(name):
    torch = require_torch()
    x = _polynomial_inputs()
    for n in (-3, -0.5, 0, 1, 2, 5, 6.7, 7, 8, 9, 12, 40):
        # (float32 only while the values stay far from overflow: there PyTorch's float32
        # recurrence gives inf - inf = NaN where ember's rounded float64 value is +-inf)
        for dtype in (np.float64, np.float32) if n <= 12 else (np.float64,):
            xs = x.astype(dtype)
            e = getattr(ember.special, name)(ember.tensor(xs), n)
            t = getattr(torch.special, name)(torch.tensor(xs), n)
            # float32: ember computes in float64 and rounds once (PyTorch runs the recurrence in
            # float32), so only the rounding of large values differs
            assert_close(e, t, rtol=1e-11 if dtype == np.float64 else 1e-4,
                         atol=1e-12 if dtype == np.float64 else 1e-4)
    n = RNG.integers(-2, 25, x.size)
    e, t = _both(lambda lib, x, n: getattr(lib.special, name)(x, n), x, n)
    assert_close(e, t, rtol=1e-11, atol=1e-12)
    n_float = RNG.uniform(-2, 14, x.size)  # (truncated to integers)
    e, t = _both(lambda lib, x, n: getattr(lib.special, name)(x, n), x, n_float)
    assert_close(e, t, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomial_large_n_dtypes_and_errors(name):
    torch = require_torch()
    x = np.array([0.3, 0.9, -0.7, 1.0, 1.5])
    for n in (500, 3000):
        e, t = _both(lambda lib, x: getattr(lib.special, name)(x, n), x)
        assert_close(e, t, rtol=1e-8, atol=1e-8)
    for fn in (lambda lib: getattr(lib.special, name)(2.0, lib.tensor([1, 2, 3])),
               lambda lib: getattr(lib.special, name)(lib.tensor([1, 2]), 3),
               lambda lib: getattr(lib.special, name)(lib.tensor([0.5], dtype=lib.float32),
                                                      lib.tensor([2.0, 3.0],
                                                                 dtype=lib.float64)),
               lambda lib: getattr(lib.special, name)(lib.tensor([0.5]),
                                                      lib.tensor([np.nan, np.inf]))):
        assert_close(fn(ember), fn(torch), rtol=1e-6)
    leaf = ember.tensor([0.5], requires_grad=True)
    assert not getattr(ember.special, name)(leaf, 3).requires_grad
    expect_error(lambda lib: getattr(lib.special, name)(2.0, 3), TypeError,
                 f"special_{name}() received an invalid combination of arguments")


def test_polynomial_nan_x_gives_nan():
    # (PyTorch's CPU kernels for some of these return a neighbouring element's value for a
    # NaN x; ember returns NaN)
    for name in POLYNOMIALS:
        out = getattr(ember.special, name)(ember.tensor([2.0, np.nan]), 7)
        assert np.isnan(to_numpy(out)[1]), name
