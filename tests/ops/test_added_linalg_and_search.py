"""cross, kron, cdist, dist, addmv, addr, block_diag, cartesian_prod, sinc, heaviside,
searchsorted and bucketize against PyTorch: values, gradients, second derivatives, finite
differences, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
from oracle import check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(11)
A3 = rng.standard_normal((4, 3))
B3 = rng.standard_normal((4, 3))
M = rng.standard_normal((2, 3))
N = rng.standard_normal((3, 2))
V2 = rng.standard_normal(2)
V3 = rng.standard_normal(3)
ROWS1 = rng.standard_normal((4, 5))
ROWS2 = rng.standard_normal((3, 5))

CASES = [
    ("cross", lambda L, a, b: L.cross(a, b, dim=1), [A3, B3]),
    ("cross_dim0", lambda L, a, b: L.cross(a.t(), b.t(), dim=0), [A3, B3]),
    ("kron", lambda L, a, b: L.kron(a, b), [M, N]),
    ("kron_mixed_ndim", lambda L, a, b: L.kron(a, b), [M, V3]),
    ("cdist", lambda L, a, b: L.cdist(a, b), [ROWS1, ROWS2]),
    ("cdist_p1", lambda L, a, b: L.cdist(a, b, p=1.5), [ROWS1, ROWS2]),
    ("cdist_batched", lambda L, a, b: L.cdist(a.reshape(2, 2, 5), b[:2].reshape(2, 1, 5)),
     [ROWS1, ROWS2]),
    ("dist", lambda L, a, b: L.dist(a, b), [A3, B3]),
    ("dist_p3", lambda L, a, b: L.dist(a, b, p=3), [A3, B3]),
    ("addmv", lambda L, x, m, v: L.addmv(x, m, v, beta=0.5, alpha=2.0), [V2, M, V3]),
    ("addr", lambda L, x, u, v: L.addr(x, u, v, alpha=3.0), [M, V2, V3]),
    ("block_diag", lambda L, a, b, c: L.block_diag(a, b, c), [M, V3, N]),
    ("cartesian_prod", lambda L, a, b: L.cartesian_prod(a, b), [V2, V3]),
    ("sinc", lambda L, a: L.sinc(a), [A3]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_against_torch(name, fn, arrays, dtype):
    # PyTorch's cdist has no second derivative (ember's composed one is checked below).
    check(fn, *[a.astype(dtype) for a in arrays], gradgrad=not name.startswith("cdist"))


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_against_finite_differences(name, fn, arrays):
    gradcheck(fn, *arrays)


def test_cdist_second_derivative_by_finite_differences():
    x = ember.tensor(ROWS1, requires_grad=True)
    y = ember.tensor(ROWS2, requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda a, b: ember.cdist(a, b), (x, y))


def test_sinc_at_zero_and_cross_default_dim():
    torch = require_torch()
    # (at 0 PyTorch's second derivative is NaN; the first derivatives agree)
    check(lambda L, x: L.sinc(x), np.array([0.0, 0.5, -2.0, 1e-9]), gradgrad=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = ember.cross(ember.tensor(A3), ember.tensor(B3))
    assert any("without specifying the dim arg is deprecated" in str(w.message) for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = torch.cross(torch.tensor(A3), torch.tensor(B3))
    np.testing.assert_allclose(got.numpy(), want.numpy())


@pytest.mark.parametrize("call", [
    lambda L: L.searchsorted(L.tensor([1, 3, 5]), L.tensor([[3, 6], [0, 1]])),
    lambda L: L.searchsorted(L.tensor([1.0, 3.0, 5.0]), L.tensor(3.0)),
    lambda L: L.searchsorted(L.tensor([1, 3, 5]), 3, right=True),
    lambda L: L.searchsorted(L.tensor([1, 3, 5]), L.tensor([3]), side="right", out_int32=True),
    lambda L: L.searchsorted(L.tensor([[1, 3], [2, 4]]), L.tensor([[2], [3]])),
    lambda L: L.searchsorted(L.tensor([5, 1, 3]), L.tensor([2, 4]), sorter=L.tensor([1, 2, 0])),
    lambda L: L.bucketize(L.tensor([3.0, 6.0, -1.0]), L.tensor([1.0, 3.0, 5.0])),
    lambda L: L.bucketize(L.tensor([3.0, 6.0]), L.tensor([1.0, 3.0, 5.0]), right=True),
    lambda L: L.heaviside(L.tensor([-1.0, 0.0, 2.0]), L.tensor(0.5)),
    lambda L: L.heaviside(L.tensor([-1, 0, 3]), L.tensor([5])),
])
def test_plain_results_match_torch(call):
    torch = require_torch()
    got, want = call(ember), call(torch)
    assert str(got.dtype) == str(want.dtype) and tuple(got.shape) == tuple(want.shape)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


ERRORS = [
    (lambda L: L.cross(L.ones(2, 2), L.ones(2, 2), dim=1), RuntimeError,
     "linalg.cross: inputs dimension 1 must have length 3. Got 2 and 2"),
    (lambda L: L.heaviside(L.tensor([1.0]), L.tensor([1.0], dtype=L.float64)), RuntimeError,
     "heaviside is not yet implemented for tensors with different dtypes."),
    (lambda L: L.heaviside(L.tensor([1.0], requires_grad=True), L.tensor([1.0])).sum()
     .backward(), RuntimeError, "derivative for aten::heaviside is not implemented"),
    (lambda L: L.searchsorted(L.tensor([[1, 3], [2, 4]]), L.tensor([2, 3])), RuntimeError,
     "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1"),
    (lambda L: L.cdist(L.ones(3), L.ones(2, 3)), RuntimeError,
     "cdist only supports at least 2D tensors, X1 got: 1D"),
    (lambda L: L.cdist(L.ones(2, 3), L.ones(2, 4)), RuntimeError,
     "X1 and X2 must have the same number of columns. X1: 3 X2: 4"),
    (lambda L: L.block_diag(L.ones(1, 1, 1)), RuntimeError,
     "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input 0 has 3 dimensions"),
]


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors(fn, exception, message):
    expect_error(fn, exception, message)
