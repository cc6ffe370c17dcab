"""Reductions, statistics, scans and sorting against PyTorch: values, indices, gradients (with
PyTorch's tie rules) and second derivatives; integer dtypes; errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ember
from oracle import check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(3)


def distinct(shape, dtype=np.float64):
    """Values without ties (so every index a reduction returns is unambiguous)."""
    size = int(np.prod(shape))
    return (rng.permutation(size).reshape(shape) * 0.37 - 1.1 + rng.uniform(0, 0.1)).astype(dtype)


REDUCTIONS = [
    ("sum", lambda L, x: x.sum()),
    ("sum_dims", lambda L, x: x.sum((0, -1), keepdim=True)),
    ("mean_dim", lambda L, x: x.mean(1)),
    ("prod", lambda L, x: x.prod()),
    ("prod_dim", lambda L, x: x.prod(1)),
    ("prod_dim_keep", lambda L, x: L.prod(x, -1, keepdim=True)),
    ("var", lambda L, x: x.var()),
    ("var_dim", lambda L, x: x.var(1)),
    ("var_correction0", lambda L, x: L.var(x, (0, 2), correction=0, keepdim=True)),
    ("std", lambda L, x: x.std()),
    ("std_unbiased_false", lambda L, x: x.std(1, unbiased=False)),
    ("std_mean", lambda L, x: L.std_mean(x, 1)),
    ("norm", lambda L, x: x.norm()),
    ("norm_1_dim", lambda L, x: x.norm(1, dim=1)),
    ("norm_3", lambda L, x: x.norm(3)),
    ("vector_norm_inf", lambda L, x: L.linalg.vector_norm(x, math.inf, dim=(0, 1))),
    ("vector_norm_-inf", lambda L, x: L.linalg.vector_norm(x, -math.inf)),
    ("vector_norm_0", lambda L, x: L.linalg.vector_norm(x, 0, dim=-1)),
    ("vector_norm_keep", lambda L, x: L.linalg.vector_norm(x, 2, dim=0, keepdim=True)),
    ("max", lambda L, x: x.max()),
    ("min", lambda L, x: x.min()),
    ("max_dim", lambda L, x: x.max(1)),
    ("min_dim_keep", lambda L, x: x.min(-1, keepdim=True)),
    ("amax", lambda L, x: x.amax(1)),
    ("amin_dims", lambda L, x: L.amin(x, (0, 2))),
    ("argmax", lambda L, x: (x.argmax(), x.argmax(1), x.argmin(0, keepdim=True))),
    ("logsumexp", lambda L, x: x.logsumexp(1)),
    ("logsumexp_dims", lambda L, x: L.logsumexp(x, (0, 2), keepdim=True)),
    ("cumsum", lambda L, x: x.cumsum(1)),
    ("cumprod", lambda L, x: x.cumprod(-1)),
    ("cummax", lambda L, x: x.cummax(1)),
    ("cummin", lambda L, x: L.cummin(x, 0)),
    ("sort", lambda L, x: x.sort(1)),
    ("sort_descending", lambda L, x: L.sort(x, 0, descending=True)),
    ("argsort", lambda L, x: x.argsort(-1, descending=True)),
    ("topk", lambda L, x: x.topk(2, dim=1)),
    ("topk_smallest", lambda L, x: L.topk(x, 1, largest=False)),
    ("kthvalue", lambda L, x: x.kthvalue(2, 1)),
    ("median", lambda L, x: x.median()),
    ("median_dim", lambda L, x: x.median(1)),
    ("mode", lambda L, x: L.mode(x.round(), -1)),
]


@pytest.mark.parametrize("name,fn", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
def test_reductions(name, fn, dtype):
    check(fn, distinct((3, 4, 2), dtype))


@pytest.mark.parametrize("name,fn", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reductions_transposed(name, fn):
    check(lambda L, x: fn(L, x.transpose(0, 2)), distinct((2, 4, 3)))


ZERO_DIM = [("sum", lambda L, x: x.sum()), ("prod", lambda L, x: x.prod()),
            ("max", lambda L, x: x.max()), ("max_dim", lambda L, x: x.max(0)),
            ("amax", lambda L, x: x.amax()), ("argmax", lambda L, x: x.argmax(0)),
            ("logsumexp", lambda L, x: x.logsumexp(0)), ("cumsum", lambda L, x: x.cumsum(0)),
            ("cumprod", lambda L, x: x.cumprod(0)), ("sort", lambda L, x: x.sort()),
            ("topk", lambda L, x: x.topk(1)), ("median", lambda L, x: x.median()),
            ("norm", lambda L, x: x.norm()), ("kthvalue", lambda L, x: x.kthvalue(1)),
            ("cummax", lambda L, x: x.cummax(0)), ("var", lambda L, x: x.var(correction=0))]


@pytest.mark.parametrize("name,fn", ZERO_DIM, ids=[r[0] for r in ZERO_DIM])
def test_zero_dim(name, fn):
    check(fn, np.array(1.7))


EMPTY = [("sum", lambda L, x: x.sum(1)), ("prod", lambda L, x: x.prod(0)),
         ("prod_all", lambda L, x: x.prod()), ("max_dim", lambda L, x: x.max(1)),
         ("amax", lambda L, x: x.amax(1)), ("logsumexp", lambda L, x: x.logsumexp(0)),
         ("cumsum", lambda L, x: x.cumsum(0)), ("sort", lambda L, x: x.sort(0)),
         ("norm", lambda L, x: x.norm(dim=0)), ("mean", lambda L, x: x.mean(0)),
         ("std", lambda L, x: x.std(1)), ("count_nonzero", lambda L, x: x.count_nonzero(0))]


@pytest.mark.parametrize("name,fn", EMPTY, ids=[r[0] for r in EMPTY])
def test_empty(name, fn):
    check(fn, np.zeros((0, 3)))


TIES = [
    ("max_evenly", lambda L, x: x.max()),
    ("min_evenly", lambda L, x: x.min()),
    ("amax_evenly", lambda L, x: x.amax(1)),
    ("amin_evenly", lambda L, x: x.amin(0)),
    ("median_evenly", lambda L, x: x.median()),
    ("max_dim_index", lambda L, x: x.max(1)),
    ("min_dim_index", lambda L, x: x.min(0)),
    ("norm_inf", lambda L, x: x.norm(math.inf)),
    ("cummax_later_index", lambda L, x: x.cummax(1)),
    ("cummin_later_index", lambda L, x: x.cummin(1)),
    ("sort_stable", lambda L, x: x.sort(dim=1, stable=True)),
    ("sort_stable_desc", lambda L, x: x.sort(dim=1, descending=True, stable=True)),
    ("mode", lambda L, x: x.mode(1)),
]


@pytest.mark.parametrize("name,fn", TIES, ids=[r[0] for r in TIES])
def test_ties_follow_torch(name, fn):
    x = np.array([[3.0, 1.0, 3.0, 2.0], [2.0, 2.0, -5.0, 2.0], [-1.0, 3.0, 3.0, 0.0]])
    check(fn, x)


def test_zeros_in_products():
    x = np.array([[2.0, 0.0, 3.0, 1.5], [0.0, 0.0, 2.0, 1.0], [1.0, 2.0, -3.0, 0.5]])
    check(lambda L, a: a.prod(1), x)
    check(lambda L, a: a.cumprod(1), x)
    check(lambda L, a: a.prod(), x[0])
    check(lambda L, a: a.prod(), x[1])
    check(lambda L, a: a.prod(0), x)


def test_nan_propagates():
    x = np.array([[1.0, np.nan, 2.0], [0.5, 3.0, 2.0]])
    check(lambda L, a: (a.max(1), a.min(), a.amax(0), a.argmax(1), a.sort(1), a.cummax(1),
                        a.median(1), a.median(), a.logsumexp(1)), x, grad=False)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
def test_integer_inputs(dtype):
    x = np.array([[3, 1, 4], [1, 5, 9]]).astype(dtype)
    check(lambda L, a: (a.sum(), a.sum(1), a.prod(), a.prod(1), a.cumsum(1), a.cumprod(0),
                        a.max(), a.max(1), a.amin(0), a.sort(dim=1, stable=True),
                        a.all(), a.any(1), a.count_nonzero(), a.logsumexp(1)), x, grad=False)
    if dtype != "bool":
        check(lambda L, a: (a.median(), a.kthvalue(1), a.topk(1), a.cummax(1), a.argmax(),
                            a.argmin(1)), x, grad=False)
    else:
        expect_error(lambda L: L.tensor(x).argmax(), RuntimeError,
                     "argmax(): does not support bool input")


def test_logical_and_counting():
    x = np.array([[0.0, 1.5, -2.0], [0.0, 0.0, 3.0]])
    check(lambda L, a: (a.all(), a.any(), a.all(1), a.any(0, keepdim=True), a.count_nonzero(),
                        a.count_nonzero(1), L.count_nonzero(a, (0, 1))), x, grad=False)


def test_unique_bincount_histc():
    torch = require_torch()
    values = np.array([3, 1, 3, 0, 7, 1, 1])
    for lib in (ember, torch):
        x = lib.tensor(values)
        out = lib.unique(x, return_inverse=True, return_counts=True)
        if lib is ember:
            e_out = [o.numpy() for o in out]
        else:
            for e, t in zip(e_out, out):
                np.testing.assert_array_equal(e, t.numpy())
    check(lambda L, a: (L.unique(a), L.bincount(a), L.bincount(a, minlength=10),
                        L.bincount(a, L.ones(7, dtype=L.float64) * 0.5)), values, grad=False)
    f = rng.normal(size=20)
    check(lambda L, a: (L.histc(a, 5), L.histc(a, 4, -1, 1), a.float().histc(3)), f, grad=False)


def test_return_types_print_and_unpack():
    torch = require_torch()
    for lib in (ember, torch):
        x = lib.tensor([[1.0, 5.0], [7.0, 2.0]])
        out = x.max(1)
        values, indices = out
        assert out.values is out[0] and out.indices is out[1]
        if lib is ember:
            text = repr(out)
        else:
            assert text == repr(out)
    assert repr(ember.tensor([2.0, 1.0]).sort()) == repr(torch.tensor([2.0, 1.0]).sort())


def test_grad_fn_names():
    torch = require_torch()
    for fn in [r[1] for r in REDUCTIONS if r[0] not in ("argmax", "argsort", "std_mean")]:
        outs = []
        for lib in (ember, torch):
            x = lib.tensor(distinct((3, 4, 2)), requires_grad=True)
            out = fn(lib, x)
            outs.append(type((out[0] if isinstance(out, tuple) else out).grad_fn).__name__)
        assert outs[0] == outs[1]


GRADCHECK = [
    ("prod_zero", lambda L, x: (x * L.tensor([1.0, 0.0, 1.0])).prod()),
    ("cumprod_zero", lambda L, x: (x * L.tensor([1.0, 0.0, 1.0])).cumprod(0)),
    ("std", lambda L, x: x.std()), ("var", lambda L, x: x.var(correction=0)),
    ("norm_3", lambda L, x: x.norm(3)), ("logsumexp", lambda L, x: x.logsumexp(0)),
    ("max_dim", lambda L, x: x.reshape(1, 3).max(1)[0]), ("sort", lambda L, x: x.sort()[0]),
    ("cumsum", lambda L, x: x.cumsum(0) * x),
]


@pytest.mark.parametrize("name,fn", GRADCHECK, ids=[g[0] for g in GRADCHECK])
def test_gradcheck(name, fn):
    gradcheck(fn, np.array([0.7, -1.3, 2.1]))


def test_degrees_of_freedom_warning():
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        out = ember.tensor([1.0]).std()
    assert math.isnan(out.item())


ERRORS = [
    (lambda L: L.tensor([]).max(), RuntimeError,
     "max(): Expected reduction dim to be specified for input.numel() == 0."),
    (lambda L: L.zeros(2, 0).max(1), IndexError,
     "max(): Expected reduction dim 1 to have non-zero size."),
    (lambda L: L.tensor([1.0]).max(1), IndexError, "Dimension out of range"),
    (lambda L: L.tensor([1, 2]).std(), RuntimeError,
     "std and var only support floating point and complex dtypes"),
    (lambda L: L.tensor([1, 2]).mean(), RuntimeError, "mean(): could not infer output dtype."),
    (lambda L: L.tensor([1, 2]).norm(), RuntimeError,
     "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long"),
    (lambda L: L.tensor([1.0, 2.0]).topk(3), RuntimeError, "selected index k out of range"),
    (lambda L: L.tensor([[1.0]]).sum((0, 0)), RuntimeError,
     "dim 0 appears multiple times in the list of dims"),
    (lambda L: L.bincount(L.tensor([-1, 2])), RuntimeError,
     "bincount only supports 1-d non-negative integral inputs."),
    (lambda L: L.histc(L.tensor([1, 2])), NotImplementedError,
     '"histogram_cpu" not implemented for \'Long\''),
    (lambda L: L.var_mean(L.tensor([1, 2])), RuntimeError,
     "var_mean only support floating point and complex dtypes"),
    (lambda L: L.std_mean(L.tensor([True, False])), RuntimeError,
     "std_mean only support floating point and complex dtypes"),
    (lambda L: L.tensor([True, False]).median(), NotImplementedError,
     '"median_cpu" not implemented for \'Bool\''),
    (lambda L: L.tensor([True, False]).median(0), NotImplementedError,
     '"median_out" not implemented for \'Bool\''),
]


@pytest.mark.parametrize("name", ["mean", "sum", "all", "any", "amax", "var", "std"])
def test_keepdim_over_every_dim_keeps_a_shape_of_ones(name):
    torch = require_torch()
    shapes = [tuple(getattr(lib, name)(lib.ones(2, 3), dim=None, keepdim=True).shape)
              for lib in (ember, torch)]
    assert shapes[0] == shapes[1] == (1, 1)


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:30] for e in ERRORS])
def test_errors(fn, exception, message):
    expect_error(fn, exception, message)


def test_random_ties_and_nans_pick_torchs_indices():
    """Small integer-valued tensors (many ties) with NaNs: the indices of the picking rows whose
    tie rule PyTorch defines (cummax/cummin, max/min(dim), stable sort) equal PyTorch's."""
    torch = require_torch()
    rng = np.random.default_rng(5)
    for trial in range(60):
        a = rng.integers(0, 4, size=(3, 6)).astype(np.float64)
        if trial % 2:
            a[rng.integers(0, 3), rng.integers(0, 6)] = np.nan
        for fn in (lambda x, d: x.cummax(d), lambda x, d: x.cummin(d), lambda x, d: x.max(d),
                   lambda x, d: x.min(d), lambda x, d: x.sort(dim=d, stable=True),
                   lambda x, d: x.sort(dim=d, descending=True, stable=True)):
            for d in (0, 1):
                e, t = fn(ember.tensor(a), d), fn(torch.tensor(a), d)
                np.testing.assert_array_equal(e.values.numpy(), t.values.numpy())
                np.testing.assert_array_equal(e.indices.numpy(), t.indices.numpy())


def test_random_dims_and_keepdim():
    """Random shapes (size-1 dims included), dims (negative too) and keepdim for every
    reduction that takes them: values and gradients equal PyTorch's."""
    torch = require_torch()
    rng = np.random.default_rng(21)
    ops = [lambda L, x, d, k: x.sum(d, keepdim=k), lambda L, x, d, k: x.mean(d, keepdim=k),
           lambda L, x, d, k: x.prod(d, keepdim=k), lambda L, x, d, k: x.std(d, keepdim=k),
           lambda L, x, d, k: x.var(d, keepdim=k, correction=0),
           lambda L, x, d, k: x.amax(d, keepdim=k), lambda L, x, d, k: x.logsumexp(d, k),
           lambda L, x, d, k: x.norm(dim=d, keepdim=k), lambda L, x, d, k: x.max(d, k)[0],
           lambda L, x, d, k: x.min(d, k)[0], lambda L, x, d, k: x.median(d, k)[0],
           lambda L, x, d, k: x.kthvalue(1, d, k)[0], lambda L, x, d, k: x.cumsum(d),
           lambda L, x, d, k: x.cumprod(d), lambda L, x, d, k: x.sort(d, k)[0],
           lambda L, x, d, k: L.linalg.vector_norm(x, 1, d, k)]
    for trial in range(40):
        shape = tuple(rng.integers(1, 4, size=rng.integers(1, 4)))
        a = distinct(shape)
        d = int(rng.integers(-len(shape), len(shape)))
        k = bool(rng.integers(0, 2))
        for op in ops:
            grads = []
            for lib in (ember, torch):
                x = lib.tensor(a, requires_grad=True)
                out = op(lib, x, d, k)
                grads.append((out, lib.autograd.grad(out.sum(), x)[0]))
            (eo, eg), (to, tg) = grads
            assert eo.shape == to.shape
            np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=1e-7,
                                       atol=1e-12)
            np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=1e-7, atol=1e-12)
