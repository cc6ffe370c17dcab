"""Functions added to match PyTorch's API: shrinks, threshold, softmin, GLU, distances, nansum,
nanmean, trace, diff, deg2rad, rad2deg, logaddexp, xlogy, positive, signbit and the LinearLR and
ConstantLR schedulers. Forward, gradient and second derivative against PyTorch (and finite
differences where PyTorch's node has no double backward), node names, errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(3)
# Away from the kinks at +-lambd and the threshold, so finite differences hold.
X = np.array([[-1.3, -0.2, 0.05, 0.7, 2.4, -0.45], [0.9, -2.2, 0.3, -0.8, 1.6, 0.15]])
Y = rng.standard_normal((2, 6))
POSITIVE = rng.uniform(0.2, 3.0, (2, 6))


def _F(lib):
    return lib.nn.functional


CASES = [
    ("softshrink", lambda L, x: _F(L).softshrink(x), [X]),
    ("softshrink_lambd", lambda L, x: _F(L).softshrink(x, 1.0), [X]),
    ("hardshrink", lambda L, x: _F(L).hardshrink(x), [X]),
    ("hardshrink_lambd", lambda L, x: _F(L).hardshrink(x, 1.0), [X]),
    ("threshold", lambda L, x: _F(L).threshold(x, 0.1, 20.0), [X]),
    ("tanhshrink", lambda L, x: _F(L).tanhshrink(x), [X]),
    ("softmin", lambda L, x: _F(L).softmin(x, 1), [X]),
    ("glu", lambda L, x: _F(L).glu(x), [X]),
    ("glu_dim0", lambda L, x: _F(L).glu(x, 0), [X]),
    ("cosine_similarity", lambda L, x, y: _F(L).cosine_similarity(x, y), [X, Y]),
    ("cosine_similarity_dim0", lambda L, x, y: _F(L).cosine_similarity(x, y, dim=0), [X, Y]),
    ("pairwise_distance", lambda L, x, y: _F(L).pairwise_distance(x, y), [X, Y]),
    ("pairwise_distance_p1", lambda L, x, y: _F(L).pairwise_distance(x, y, p=1.5, keepdim=True),
     [X, Y]),
    ("nansum", lambda L, x: L.nansum(x), [X]),
    ("nansum_dim", lambda L, x: L.nansum(x, 1, keepdim=True), [X]),
    ("nanmean", lambda L, x: L.nanmean(x, 0), [X]),
    ("trace", lambda L, x: L.trace(x), [X]),
    ("diff", lambda L, x: L.diff(x), [X]),
    ("diff_n2_dim0", lambda L, x: L.diff(x, n=2, dim=1), [X]),
    ("diff_prepend", lambda L, x, y: L.diff(x, dim=0, prepend=y[:1], append=y), [X, Y]),
    ("deg2rad", lambda L, x: L.deg2rad(x), [X]),
    ("rad2deg", lambda L, x: x.rad2deg(), [X]),
    ("logaddexp", lambda L, x, y: L.logaddexp(x, y), [X, Y]),
    ("logaddexp_broadcast", lambda L, x, y: L.logaddexp(x, y[0]), [X, Y]),
    ("xlogy", lambda L, x, y: L.xlogy(x, y), [X, POSITIVE]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_against_torch(name, fn, arrays, dtype):
    check(fn, *[a.astype(dtype) for a in arrays])


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_against_finite_differences(name, fn, arrays):
    gradcheck(fn, *arrays)


def test_nan_handling_matches_torch():
    torch = require_torch()
    values = [[1.0, float("nan"), -0.3, 0.0], [float("nan"), 2.0, -4.0, 0.5]]
    for name in ["nansum", "nanmean"]:
        for lib_args in [(), (1,)]:
            got = getattr(ember, name)(ember.tensor(values), *lib_args)
            want = getattr(torch, name)(torch.tensor(values), *lib_args)
            np.testing.assert_allclose(got.numpy(), want.numpy(), equal_nan=True, rtol=1e-6)
    x = [float("nan"), -0.2, 0.7, -0.0]
    for call in [lambda L, t: _F(L).softshrink(t), lambda L, t: _F(L).hardshrink(t),
                 lambda L, t: _F(L).threshold(t, 0.1, 5.0), lambda L, t: L.signbit(t),
                 lambda L, t: L.xlogy(L.tensor([0.0, 0.0, 1.0, 2.0]), t)]:
        got, want = call(ember, ember.tensor(x)), call(torch, torch.tensor(x))
        assert str(got.dtype) == str(want.dtype)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)  # (NaN where torch's)
        np.testing.assert_array_equal(np.signbit(got.numpy()), np.signbit(want.numpy()))


def test_node_names_match_torch():
    torch = require_torch()
    calls = [lambda L, x: _F(L).softshrink(x), lambda L, x: _F(L).hardshrink(x),
             lambda L, x: _F(L).threshold(x, 0.1, 2.0), lambda L, x: _F(L).tanhshrink(x),
             lambda L, x: _F(L).softmin(x, 1), lambda L, x: L.nansum(x), lambda L, x: L.trace(x),
             lambda L, x: L.nanmean(x), lambda L, x: L.diff(x), lambda L, x: L.deg2rad(x),
             lambda L, x: L.rad2deg(x), lambda L, x: L.logaddexp(x, x), lambda L, x: L.xlogy(x, x),
             lambda L, x: _F(L).cosine_similarity(x, x)]
    for call in calls:
        names = [type(call(L, L.tensor(X, requires_grad=True)).grad_fn).__name__
                 for L in (ember, torch)]
        assert names[0] == names[1], names


def test_integer_and_plain_cases_match_torch():
    torch = require_torch()
    for call in [lambda L: L.diff(L.tensor([1, 4, 9, 16]), n=2),
                 lambda L: L.diff(L.tensor([True, False, False, True])),
                 lambda L: L.nansum(L.tensor([1, 2], dtype=L.int32)),
                 lambda L: L.trace(L.arange(6).reshape(2, 3)),
                 lambda L: L.deg2rad(L.tensor([180])), lambda L: L.signbit(L.tensor([-1, 0, 2])),
                 lambda L: L.positive(L.tensor([1, -2])), lambda L: _F(L).tanhshrink(L.tensor([1])),
                 lambda L: _F(L).threshold(L.tensor([1, 5]), 2, 0)]:
        got, want = call(ember), call(torch)
        assert str(got.dtype) == str(want.dtype), (got, want)
        np.testing.assert_allclose(got.numpy().astype(float), want.numpy().astype(float),
                                   rtol=1e-6)


def test_modules_match_torch():
    torch = require_torch()
    x, y = X.astype(np.float32), Y.astype(np.float32)
    for make, args in [(lambda nn: nn.Softshrink(0.3), (x,)), (lambda nn: nn.Hardshrink(), (x,)),
                       (lambda nn: nn.Threshold(0.1, 20.0), (x,)), (lambda nn: nn.Tanhshrink(), (x,)),
                       (lambda nn: nn.Softmin(dim=1), (x,)), (lambda nn: nn.GLU(), (x,)),
                       (lambda nn: nn.CosineSimilarity(), (x, y)),
                       (lambda nn: nn.PairwiseDistance(p=1.0, keepdim=True), (x, y))]:
        e_module, t_module = make(ember.nn), make(torch.nn)
        assert repr(e_module) == repr(t_module)
        got = e_module(*[ember.tensor(a) for a in args])
        want = t_module(*[torch.tensor(a) for a in args])
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)


def test_threshold_in_place():
    torch = require_torch()
    got, want = ember.tensor(X), torch.tensor(X)
    assert ember.nn.functional.threshold(got, 0.1, 5.0, inplace=True) is got
    torch.nn.functional.threshold(want, 0.1, 5.0, inplace=True)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("make", [
    lambda L, o: L.optim.lr_scheduler.LinearLR(o, 0.5, total_iters=4),
    lambda L, o: L.optim.lr_scheduler.LinearLR(o, 1.0, 0.1, total_iters=5),
    lambda L, o: L.optim.lr_scheduler.ConstantLR(o, 0.5, total_iters=3),
    lambda L, o: L.optim.lr_scheduler.ConstantLR(o),
])
def test_schedulers_match_torch(make):
    torch = require_torch()
    rates = []
    for lib in (ember, torch):
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.1)
        scheduler = make(lib, opt)
        seen = []
        for _ in range(10):
            opt.step()
            scheduler.step()
            seen.append(opt.param_groups[0]["lr"])
        rates.append(seen)
    np.testing.assert_allclose(rates[0], rates[1], rtol=1e-12)


ERRORS = [
    (lambda L: L.nn.functional.softshrink(L.ones(2), -0.5), RuntimeError,
     "lambda must be in range [0, 3.40282e+38] for input dtype Float, but found -0.5"),
    (lambda L: L.nn.functional.softshrink(L.tensor([1])), NotImplementedError,
     '"softshrink_check" not implemented for \'Long\''),
    (lambda L: L.nn.functional.hardshrink(L.tensor([1])), NotImplementedError,
     '"hardshrink_cpu" not implemented for \'Long\''),
    (lambda L: L.nn.functional.glu(L.ones(2, 3), 1), RuntimeError,
     "Halving dimension must be even, but dimension 1 is size 3"),
    (lambda L: L.trace(L.ones(2, 2, 2)), RuntimeError,
     "trace: expected a matrix, but got tensor with dim 3"),
    (lambda L: L.diff(L.tensor(1.0)), RuntimeError,
     "diff expects input to be at least one-dimensional"),
    (lambda L: L.nanmean(L.tensor([1, 2])), RuntimeError,
     "nanmean(): expected input to have floating point or complex dtype but got Long"),
    (lambda L: L.positive(L.tensor([True])), RuntimeError,
     "The `+` operator, on a bool tensor is not supported."),
    (lambda L: L.optim.lr_scheduler.LinearLR(L.optim.SGD([L.nn.Parameter(L.ones(1))], lr=0.1),
                                             start_factor=0),
     ValueError, "Starting multiplicative factor expected to be greater than 0"),
    (lambda L: L.optim.lr_scheduler.ConstantLR(L.optim.SGD([L.nn.Parameter(L.ones(1))], lr=0.1),
                                               factor=2),
     ValueError, "Constant multiplicative factor expected to be between 0 and 1."),
]


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors(fn, exception, message):
    expect_error(fn, exception, message)


def test_xlogy_gradients_at_zero_match_torch():
    # PyTorch 2.13: d/dx xlogy(x, y) is log(y), also at x = 0, except 0 where x = 0 and y <= 0.
    torch = require_torch()
    xs = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 2.0, -1.0]
    ys = [2.0, 0.5, 0.0, -1.0, 0.0, float("inf"), 3.0, 0.5]
    grads = {}
    for lib in (ember, torch):
        x = lib.tensor(xs, dtype=lib.float64, requires_grad=True)
        y = lib.tensor(ys, dtype=lib.float64, requires_grad=True)
        lib.xlogy(x, y).sum().backward()
        grads[lib.__name__] = (x.grad.numpy(), y.grad.numpy())
    for mine, theirs in zip(grads["ember"], grads["torch"]):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)
