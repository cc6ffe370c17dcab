"""Matrix products and linear algebra against PyTorch: every matmul form (incl. batched
broadcasting), mm/bmm/mv/dot/outer, addmm/baddbmm, einsum, tensordot, linalg norms, inv, det,
solve (forward, gradients, second derivatives, finite differences) and errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(11)


def randn(*shape, dtype=np.float64):
    return rng.standard_normal(shape).astype(dtype)


def well_conditioned(*shape):
    """Square matrices safely away from singular (identity-dominated)."""
    n = shape[-1]
    return randn(*shape) * 0.3 + np.eye(n) * 2


MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                 ((5, 2, 3), (3,)), ((5, 2, 3), (3, 4)), ((3,), (5, 3, 4)), ((2, 3), (5, 3, 4)),
                 ((5, 2, 3), (5, 3, 4)), ((5, 1, 2, 3), (4, 3, 2)), ((1, 2, 3), (6, 3, 4)),
                 ((0, 3), (3, 2)), ((2, 0), (0, 3))]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_forms(shapes):
    check(lambda L, a, b: a @ b, randn(*shapes[0]), randn(*shapes[1]))


def test_matmul_transposed_float32():
    check(lambda L, a, b: L.matmul(a.mT, b.transpose(0, 1)), randn(4, 3, 2, dtype=np.float32),
          randn(4, 3, dtype=np.float32))


PRODUCTS = [
    ("mm", lambda L, a, b: L.mm(a, b.t()), (2, 3), (4, 3)),
    ("bmm", lambda L, a, b: L.bmm(a, b.mT), (2, 3, 4), (2, 5, 4)),
    ("mv", lambda L, a, b: L.mv(a, b), (2, 3), (3,)),
    ("dot", lambda L, a, b: L.dot(a, b), (3,), (3,)),
    ("outer", lambda L, a, b: L.outer(a, b), (3,), (4,)),
    ("ger", lambda L, a, b: a.ger(b), (3,), (2,)),
    ("addmm", lambda L, a, b: L.addmm(a[:, 0], b, a.t(), beta=0.5, alpha=2), (3, 2), (4, 2)),
    ("addmm_default", lambda L, a, b: L.addmm(a, a, b), (3, 3), (3, 3)),
    ("addmm_beta0", lambda L, a, b: L.addmm(a, a, b, beta=0), (3, 3), (3, 3)),
    ("baddbmm", lambda L, a, b: L.baddbmm(a[:, :, :1], a, b, alpha=0.5), (2, 3, 4), (2, 4, 3)),
    ("tensordot_int", lambda L, a, b: L.tensordot(a, b, 1), (2, 3), (3, 4)),
    ("tensordot_2", lambda L, a, b: L.tensordot(a, b), (2, 3, 4), (3, 4, 5)),
    ("tensordot_lists", lambda L, a, b: L.tensordot(a, b, ([0, 2], [1, 0])), (4, 3, 2), (2, 4)),
]


@pytest.mark.parametrize("name,fn,sa,sb", PRODUCTS, ids=[p[0] for p in PRODUCTS])
def test_products(name, fn, sa, sb):
    check(fn, randn(*sa), randn(*sb))


EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("i,i->", [(3,), (3,)]),
    ("i,j->ij", [(3,), (2,)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("ij->ji", [(2, 3)]),
    ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("ij->", [(2, 3)]), ("ij->j", [(2, 3)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (2, 3, 4)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("ijk,ik->j", [(2, 3, 4), (2, 4)]), ("i,i,i->", [(3,), (3,), (3,)]),
    ("bi,bi->b", [(4, 3), (4, 3)]), ("iij->j", [(3, 3, 2)]),
]


@pytest.mark.parametrize("equation,shapes", EINSUM, ids=[e[0] for e in EINSUM])
def test_einsum(equation, shapes):
    check(lambda L, *xs: L.einsum(equation, *xs), *[randn(*s) for s in shapes])


NORMS = [
    ("norm", lambda L, a: L.linalg.norm(a)),
    ("norm_fro", lambda L, a: L.linalg.norm(a, "fro")),
    ("norm_1", lambda L, a: L.linalg.norm(a, 1)),
    ("norm_inf", lambda L, a: L.linalg.norm(a, float("inf"))),
    ("norm_-1", lambda L, a: L.linalg.norm(a, -1)),
    ("norm_vector_dim", lambda L, a: L.linalg.norm(a, 3, dim=1)),
    ("matrix_norm", lambda L, a: L.linalg.matrix_norm(a)),
    ("vector_norm", lambda L, a: L.linalg.vector_norm(a, 2.5, dim=(0, 1), keepdim=True)),
]


@pytest.mark.parametrize("name,fn", NORMS, ids=[n[0] for n in NORMS])
def test_norms(name, fn):
    check(fn, randn(3, 4))


SQUARE = [
    ("inv", lambda L, a: L.linalg.inv(a), (3, 3)),
    ("inv_batched", lambda L, a: L.linalg.inv(a), (2, 3, 3)),
    ("inverse", lambda L, a: L.inverse(a.mT), (3, 3)),
    ("det", lambda L, a: L.linalg.det(a), (3, 3)),
    ("det_batched", lambda L, a: L.det(a), (2, 3, 3)),
    ("det_method", lambda L, a: a.det(), (1, 1)),
]


@pytest.mark.parametrize("name,fn,shape", SQUARE, ids=[s[0] for s in SQUARE])
def test_square(name, fn, shape):
    check(fn, well_conditioned(*shape))


@pytest.mark.parametrize("shapes", [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3)),
                                    ((2, 3, 3), (2, 3, 4)), ((2, 3, 3), (3, 1))], ids=str)
def test_solve(shapes):
    check(lambda L, a, b: L.linalg.solve(a, b), well_conditioned(*shapes[0]), randn(*shapes[1]))


def test_solve_right():
    check(lambda L, a, b: L.linalg.solve(a, b, left=False), well_conditioned(3, 3), randn(2, 3))


GRADCHECK = [
    ("einsum_trace", lambda L, a: L.einsum("ii->", a.reshape(3, 3))),
    ("einsum_three", lambda L, a: L.einsum("ij,jk,kl->il", a.reshape(3, 3), a.reshape(3, 3),
                                           a.reshape(3, 3))),
    ("inv", lambda L, a: L.linalg.inv(a.reshape(3, 3) + 3 * L.eye(3, dtype=L.float64))),
    ("det", lambda L, a: L.linalg.det(a.reshape(3, 3) + 3 * L.eye(3, dtype=L.float64))),
    ("solve", lambda L, a: L.linalg.solve(a.reshape(3, 3) + 3 * L.eye(3, dtype=L.float64),
                                          a[:3])),
    ("addmm", lambda L, a: L.addmm(a[:3], a.reshape(3, 3), a.reshape(3, 3).t(), beta=2)),
    ("tensordot", lambda L, a: L.tensordot(a.reshape(3, 3), a.reshape(3, 3))),
]


@pytest.mark.parametrize("name,fn", GRADCHECK, ids=[g[0] for g in GRADCHECK])
def test_gradcheck(name, fn):
    gradcheck(fn, randn(9))


def test_grad_fn_names():
    torch = require_torch()
    cases = [lambda L, a: L.addmm(a, a, a), lambda L, a: L.baddbmm(a[None], a[None], a[None]),
             lambda L, a: L.linalg.inv(a), lambda L, a: L.linalg.det(a),
             lambda L, a: L.linalg.solve(a, a), lambda L, a: L.outer(a[0], a[1]),
             lambda L, a: L.linalg.norm(a), lambda L, a: a @ a, lambda L, a: a[None] @ a]
    for fn in cases:
        names = []
        for lib in (ember, torch):
            a = lib.tensor(well_conditioned(3, 3), requires_grad=True)
            names.append(type(fn(lib, a).grad_fn).__name__)
        assert names[0] == names[1]


ERRORS = [
    (lambda L: L.mm(L.ones(2, 3), L.ones(4, 5)), RuntimeError,
     "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"),
    (lambda L: L.ones(2, 3) @ L.ones(4), RuntimeError, "size mismatch, got input (2), mat (2x3)"),
    (lambda L: L.matmul(L.ones(()), L.ones(3)), RuntimeError,
     "both arguments to matmul need to be at least 1D"),
    (lambda L: L.dot(L.ones(2, 2), L.ones(2)), RuntimeError, "1D tensors expected"),
    (lambda L: L.dot(L.ones(2), L.ones(2, dtype=L.float64)), RuntimeError,
     "dot : expected both vectors to have same dtype, but found Float and Double"),
    (lambda L: L.bmm(L.ones(2, 3), L.ones(2, 3, 4)), RuntimeError, "batch1 must be a 3D tensor"),
    (lambda L: L.mm(L.ones(2, 3), L.ones(3, 2, dtype=L.float64)), RuntimeError,
     "expected m1 and m2 to have the same dtype, but got: float != double"),
    (lambda L: L.linalg.inv(L.zeros(2, 3)), RuntimeError,
     "linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda L: L.linalg.det(L.zeros(2, 3)), RuntimeError,
     "linalg.det: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda L: L.linalg.inv(L.zeros(2, 2)), RuntimeError, "linalg.inv: The diagonal element"),
    (lambda L: L.linalg.solve(L.zeros(2, 2), L.zeros(2)), RuntimeError,
     "torch.linalg.solve: The solver failed because the input matrix is singular."),
    (lambda L: L.linalg.inv(L.ones(2, 2, dtype=L.int64)), RuntimeError,
     "linalg.inv: Expected a floating point or complex tensor as input. Got Long"),
    (lambda L: L.einsum("ij,jk->ik", L.ones(2, 3)), RuntimeError,
     "einsum(): fewer operands were provided than specified in the equation"),
    (lambda L: L.outer(L.ones(2, 2), L.ones(2)), RuntimeError, "outer: Expected 1-D argument"),
    (lambda L: L.ones(2, 3) @ L.ones(3, 2, dtype=L.float64), RuntimeError,
     "expected m1 and m2 to have the same dtype, but got: float != double"),
    (lambda L: L.ones(2, 3) @ L.ones(3, dtype=L.float64), RuntimeError,
     "addmv input tensors must have the same dtype, but got Double, Float, and Double"),
    (lambda L: L.ones(3) @ L.ones(3, dtype=L.float64), RuntimeError,
     "dot : expected both vectors to have same dtype, but found Float and Double"),
    (lambda L: L.ones(2, 2, 3) @ L.ones(2, 3, 2, dtype=L.float64), RuntimeError,
     "expected scalar type Float but found Double"),
    (lambda L: L.bmm(L.ones(1, 2, 3), L.ones(1, 3, 2, dtype=L.float64)), RuntimeError,
     "expected scalar type Float but found Double"),
    (lambda L: L.mv(L.ones(2, 3), L.ones(3, dtype=L.float64)), RuntimeError,
     "addmv input tensors must have the same dtype"),
    (lambda L: L.addmm(L.ones(2, 2), L.ones(2, 3), L.ones(3, 2, dtype=L.float64)), RuntimeError,
     "self and mat2 must have the same dtype, but got Float and Double"),
    (lambda L: L.einsum("i,i->", L.ones(3), L.ones(3, dtype=L.float64)), RuntimeError,
     "expected scalar type Float but found Double"),
]


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:30] for e in ERRORS])
def test_errors(fn, exception, message):
    expect_error(fn, exception, message)


def test_linalg_error_is_torchs_type_name():
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)
