"""Decompositions (svd, eigh, qr, cholesky, lu) and the functions built on them against PyTorch:
forward values (through reconstructions and sign-invariant quantities where the factors are not
unique), gradients, second derivatives, finite differences, batches, float32, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
from oracle import assert_close, check, expect_error, gradcheck, require_torch, to_numpy

rng = np.random.default_rng(7)


def randn(*shape, dtype=np.float64):
    return rng.standard_normal(shape).astype(dtype)


def spd(*shape, dtype=np.float64):
    """Symmetric positive-definite matrices with well separated eigenvalues."""
    a = rng.standard_normal(shape)
    n = shape[-1]
    return (a @ a.swapaxes(-1, -2) + n * np.eye(n) + np.diag(np.arange(n) * 1.5)).astype(dtype)


def well_conditioned(*shape, dtype=np.float64):
    n = shape[-1]
    return (rng.standard_normal(shape) * 0.3 + np.eye(n) * 2).astype(dtype)


def upper(*shape):
    return np.triu(rng.standard_normal(shape)) + 2 * np.eye(shape[-1])


# --- invariant views of factors that are unique only up to signs ----------------------------------
def svd_invariants(L, a, full=False):
    U, S, Vh = L.linalg.svd(a, full_matrices=full)
    k = S.shape[-1]
    U, Vh = U[..., :k], Vh[..., :k, :]
    return (U * S.unsqueeze(-2)) @ Vh, S, U.abs(), Vh.abs(), (U * U) @ (Vh * Vh)


def eigh_invariants(L, a, uplo="L"):
    values, vectors = L.linalg.eigh(a, UPLO=uplo)
    return values, vectors.abs(), (vectors * values.unsqueeze(-2)) @ vectors.mT


def qr_invariants(L, a, mode="reduced"):
    Q, R = L.linalg.qr(a, mode=mode)
    return Q @ R, Q.abs(), R.abs(), (Q * Q).sum(-1)


CASES = [
    ("svd_tall", lambda L, a: svd_invariants(L, a), [randn(5, 3)]),
    ("svd_wide", lambda L, a: svd_invariants(L, a), [randn(3, 5)]),
    ("svd_square_batched", lambda L, a: svd_invariants(L, a), [randn(2, 3, 4, 4)]),
    ("svd_full_matrices", lambda L, a: svd_invariants(L, a, True), [randn(2, 5, 3)]),
    ("svd_S_only", lambda L, a: L.linalg.svd(a)[1], [randn(4, 3)]),
    ("svdvals", lambda L, a: L.linalg.svdvals(a), [randn(2, 3, 5)]),
    # repeated singular values: S's gradient stays finite (PyTorch's second derivative is nan)
    ("svdvals_repeated", lambda L, a: L.linalg.svdvals(a * 0 + L.eye(3, dtype=a.dtype)),
     [randn(3, 3)], {"gradgrad": False}),
    ("torch_svd", lambda L, a: [(u * s.unsqueeze(-2)) @ v.mT for u, s, v in [L.svd(a)]],
     [randn(4, 3)]),
    ("torch_svd_some_false", lambda L, a: L.svd(a, some=False)[1], [randn(3, 5)]),
    ("torch_svd_no_uv", lambda L, a: L.svd(a, compute_uv=False), [randn(3, 4)]),
    ("tensor_svd", lambda L, a: a.svd()[1], [randn(3, 4)]),
    ("eigh", lambda L, a: eigh_invariants(L, a), [spd(4, 4)]),
    ("eigh_upper", lambda L, a: eigh_invariants(L, a, "U"), [spd(3, 3)]),
    ("eigh_batched", lambda L, a: eigh_invariants(L, a + a.mT), [randn(2, 3, 3)]),
    ("eigvalsh", lambda L, a: L.linalg.eigvalsh(a), [spd(2, 4, 4)]),
    ("eigvalsh_upper", lambda L, a: L.linalg.eigvalsh(a, UPLO="U"), [spd(3, 3)]),
    ("qr_tall", lambda L, a: qr_invariants(L, a), [randn(5, 3)]),
    ("qr_square_batched", lambda L, a: qr_invariants(L, a), [randn(2, 4, 4)]),
    ("qr_wide", lambda L, a: qr_invariants(L, a), [randn(3, 5)]),
    ("qr_complete_wide", lambda L, a: qr_invariants(L, a, "complete"), [randn(2, 3, 4)]),
    ("torch_qr", lambda L, a: L.qr(a)[1].abs(), [randn(4, 3)]),
    ("cholesky", lambda L, a: L.linalg.cholesky(a), [spd(4, 4)]),
    ("cholesky_upper", lambda L, a: L.linalg.cholesky(a, upper=True), [spd(2, 3, 3)]),
    ("cholesky_of_product", lambda L, a: L.linalg.cholesky(a @ a.mT + L.eye(3, dtype=a.dtype)),
     [randn(3, 3)]),
    ("cholesky_ex", lambda L, a: L.linalg.cholesky_ex(a), [spd(3, 3)]),
    ("torch_cholesky", lambda L, a: L.cholesky(a, upper=True), [spd(3, 3)]),
    ("slogdet", lambda L, a: L.linalg.slogdet(a), [randn(2, 3, 3)]),
    ("torch_slogdet", lambda L, a: L.slogdet(a), [randn(4, 4)]),
    ("tensor_slogdet", lambda L, a: a.slogdet()[1], [randn(3, 3)]),
    ("logdet", lambda L, a: L.logdet(a), [spd(2, 3, 3)]),
    ("logdet_negative", lambda L, a: L.logdet(a), [np.diag([-1.0, 2.0])]),
    ("pinv_tall", lambda L, a: L.linalg.pinv(a), [randn(5, 3)]),
    ("pinv_wide_batched", lambda L, a: L.linalg.pinv(a), [randn(2, 3, 4)]),
    ("pinv_hermitian", lambda L, a: L.linalg.pinv(a, hermitian=True), [spd(3, 3)]),
    ("pinv_rtol", lambda L, a: L.linalg.pinv(a, rtol=0.5), [np.diag([4.0, 1.0, 3.0])]),
    ("pinverse", lambda L, a: L.pinverse(a), [randn(3, 2)]),
    ("lstsq", lambda L, a, b: L.linalg.lstsq(a, b).solution, [randn(5, 3), randn(5, 2)]),
    ("lstsq_batched_broadcast", lambda L, a, b: L.linalg.lstsq(a, b).solution,
     [randn(2, 5, 3), randn(1, 5, 2)]),
    ("lstsq_gelsd", lambda L, a, b: L.linalg.lstsq(a, b, driver="gelsd")[:2],
     [randn(5, 3), randn(5, 2)]),
    ("lstsq_vector", lambda L, a, b: L.linalg.lstsq(a, b).solution, [randn(4, 2), randn(4)]),
    ("solve_triangular", lambda L, a, b: L.linalg.solve_triangular(a, b, upper=True),
     [upper(3, 3), randn(3, 2)]),
    ("solve_triangular_lower_right", lambda L, a, b: L.linalg.solve_triangular(
        a.mT, b, upper=False, left=False), [upper(3, 3), randn(2, 3)]),
    ("solve_triangular_unit", lambda L, a, b: L.linalg.solve_triangular(
        a, b, upper=True, unitriangular=True), [upper(2, 3, 3), randn(2, 3, 4)]),
    ("solve_triangular_broadcast", lambda L, a, b: L.linalg.solve_triangular(a, b, upper=False),
     [upper(3, 3).T.copy(), randn(2, 3, 2)]),
    ("matrix_exp", lambda L, a: L.linalg.matrix_exp(a), [randn(3, 3)]),
    ("matrix_exp_large_norm", lambda L, a: L.linalg.matrix_exp(a * 4), [randn(2, 3, 3)]),
    ("matrix_exp_top", lambda L, a: L.matrix_exp(a), [randn(2, 2) * 0.1]),
    ("lu_factor", lambda L, a: L.linalg.lu_factor(a), [randn(2, 4, 4)]),
    ("lu_factor_ex", lambda L, a: L.linalg.lu_factor_ex(a), [randn(3, 3)]),
    ("lu_square", lambda L, a: L.linalg.lu(a), [randn(2, 4, 4)]),
    ("lu_tall", lambda L, a: L.linalg.lu(a), [randn(5, 3)]),
    ("lu_wide", lambda L, a: L.linalg.lu(a), [randn(3, 5)]),
    ("lu_solve", lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b),
     [randn(3, 3), randn(3, 2)]),
    ("lu_solve_adjoint", lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b,
                                                          adjoint=True),
     [randn(2, 3, 3), randn(2, 3, 2)]),
    ("lu_solve_right", lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b,
                                                        left=False), [randn(3, 3), randn(2, 3)]),
    ("lu_solve_right_adjoint", lambda L, a, b: L.linalg.lu_solve(
        *L.linalg.lu_factor(a), b, left=False, adjoint=True), [randn(3, 3), randn(4, 3)]),
    ("inv_ex", lambda L, a: L.linalg.inv_ex(a), [well_conditioned(2, 3, 3)]),
    ("solve_ex", lambda L, a, b: L.linalg.solve_ex(a, b), [well_conditioned(3, 3), randn(3, 2)]),
    ("norm_2", lambda L, a: L.linalg.matrix_norm(a, 2), [randn(2, 4, 3)]),
    ("norm_minus2", lambda L, a: L.linalg.matrix_norm(a, -2), [randn(4, 3)]),
    ("norm_nuc", lambda L, a: L.linalg.matrix_norm(a, "nuc"), [randn(3, 4)]),
    ("norm_nuc_dims_keepdim", lambda L, a: L.linalg.matrix_norm(a, "nuc", dim=(0, 2),
                                                                keepdim=True), [randn(3, 2, 4)]),
    ("linalg_norm_2", lambda L, a: L.linalg.norm(a, 2), [randn(3, 3)]),
    ("cond", lambda L, a: L.linalg.cond(a), [randn(2, 3, 3)]),
    # (PyTorch's own backward of these fails: its inverse's output is changed in place; ember's
    # gradients are checked by finite differences below)
    ("cond_fro", lambda L, a: L.linalg.cond(a, "fro"), [well_conditioned(3, 3)], {"grad": False}),
    ("cond_1", lambda L, a: L.linalg.cond(a, 1), [well_conditioned(3, 3)], {"grad": False}),
    ("cond_nuc", lambda L, a: L.linalg.cond(a, "nuc"), [well_conditioned(3, 3)],
     {"gradgrad": False}),
    ("multi_dot", lambda L, a, b, c: L.linalg.multi_dot([a, b, c]),
     [randn(2, 5), randn(5, 3), randn(3, 4)]),
    ("multi_dot_vectors", lambda L, a, b, c: L.linalg.multi_dot([a, b, c]),
     [randn(5), randn(5, 3), randn(3)]),
    ("linalg_cross", lambda L, a, b: L.linalg.cross(a, b), [randn(4, 3), randn(1, 3)]),
    ("linalg_cross_dim", lambda L, a, b: L.linalg.cross(a, b, dim=0), [randn(3, 2), randn(3, 2)]),
    ("torch_cross", lambda L, a, b: L.cross(a, b, dim=1), [randn(2, 3), randn(2, 3)]),
    ("diagonal", lambda L, a: L.linalg.diagonal(a, offset=1), [randn(2, 3, 4)]),
    ("vecdot", lambda L, a, b: L.linalg.vecdot(a, b), [randn(2, 4), randn(4)]),
    ("vecdot_dim", lambda L, a, b: L.linalg.vecdot(a, b, dim=0), [randn(4, 2), randn(4, 2)]),
    ("matmul", lambda L, a, b: L.linalg.matmul(a, b), [randn(2, 3, 4), randn(4)]),
    ("matrix_power", lambda L, a: L.linalg.matrix_power(a, 3), [randn(2, 3, 3)]),
    ("matrix_power_negative", lambda L, a: L.linalg.matrix_power(a, -2),
     [well_conditioned(3, 3)]),
    ("vander", lambda L, a: L.linalg.vander(a), [randn(4)]),
    ("vander_batched_N", lambda L, a: L.linalg.vander(a, N=5), [randn(2, 3)]),
    ("tensorinv", lambda L, a: L.linalg.tensorinv(a.reshape(4, 2, 2), ind=1),
     [well_conditioned(4, 4)]),
    ("tensorinv_2", lambda L, a: L.linalg.tensorinv(a.reshape(2, 3, 6)), [well_conditioned(6, 6)]),
    ("tensorsolve", lambda L, a, b: L.linalg.tensorsolve(a.reshape(2, 3, 6), b),
     [well_conditioned(6, 6), randn(2, 3)]),
    ("tensorsolve_dims", lambda L, a, b: L.linalg.tensorsolve(a.reshape(6, 2, 3), b, dims=(0,)),
     [well_conditioned(6, 6), randn(2, 3)]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_against_torch(case):
    _, fn, arrays, *options = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check(fn, *arrays, **(options[0] if options else {}))


FLOAT32 = [
    ("svd", lambda L, a: svd_invariants(L, a)[:2], [randn(4, 3, dtype=np.float32)]),
    ("eigh", lambda L, a: eigh_invariants(L, a), [spd(3, 3, dtype=np.float32)]),
    ("qr", lambda L, a: qr_invariants(L, a), [randn(4, 3, dtype=np.float32)]),
    ("cholesky", lambda L, a: L.linalg.cholesky(a), [spd(3, 3, dtype=np.float32)]),
    ("slogdet", lambda L, a: L.linalg.slogdet(a), [well_conditioned(3, 3, dtype=np.float32)]),
    ("pinv", lambda L, a: L.linalg.pinv(a), [randn(4, 3, dtype=np.float32)]),
    ("matrix_exp", lambda L, a: L.linalg.matrix_exp(a), [randn(3, 3, dtype=np.float32)]),
    ("lu", lambda L, a: L.linalg.lu(a), [randn(3, 3, dtype=np.float32)]),
    ("solve_triangular", lambda L, a, b: L.linalg.solve_triangular(a, b, upper=True),
     [upper(3, 3).astype(np.float32), randn(3, 2, dtype=np.float32)]),
]


@pytest.mark.parametrize("name,fn,arrays", FLOAT32, ids=[c[0] for c in FLOAT32])
def test_float32(name, fn, arrays):
    # float32 results are compared with float32 tolerances, looser for the chained factorizations
    check(fn, *arrays, rtol=2e-4, atol=2e-4)


GRADCHECK = [
    ("svd", lambda L, a: svd_invariants(L, a)[0], [randn(4, 3)]),
    ("svd_wide_vectors", lambda L, a: svd_invariants(L, a)[4], [randn(2, 3, 4)]),
    ("eigh", lambda L, a: eigh_invariants(L, a + a.mT)[1], [randn(3, 3)]),
    ("qr_tall", lambda L, a: L.linalg.qr(a)[0], [randn(4, 3)]),
    ("qr_wide", lambda L, a: L.linalg.qr(a)[1], [randn(2, 4)]),
    ("cholesky", lambda L, a: L.linalg.cholesky(a @ a.mT + L.eye(3, dtype=a.dtype)),
     [randn(3, 3)]),
    ("slogdet", lambda L, a: L.linalg.slogdet(a)[1], [randn(3, 3)]),
    ("pinv", lambda L, a: L.linalg.pinv(a), [randn(3, 2)]),
    ("lstsq_residuals", lambda L, a, b: L.linalg.lstsq(a, b, driver="gelsd")[1],
     [randn(5, 2), randn(5, 2)]),
    ("solve_triangular", lambda L, a, b: L.linalg.solve_triangular(a, b, upper=True,
                                                                   left=False),
     [upper(3, 3), randn(2, 3)]),
    ("matrix_exp", lambda L, a: L.linalg.matrix_exp(a), [randn(2, 2)]),
    ("lu_tall", lambda L, a: L.linalg.lu(a)[1:], [randn(4, 2)]),
    ("lu_wide", lambda L, a: L.linalg.lu(a)[1:], [randn(2, 4)]),
    ("lu_solve", lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b, adjoint=True),
     [randn(3, 3), randn(3, 2)]),
    ("nuclear_norm", lambda L, a: L.linalg.matrix_norm(a, "nuc"), [randn(3, 2)]),
    ("cond_fro", lambda L, a: L.linalg.cond(a, "fro"), [well_conditioned(3, 3)]),
    ("cond_2", lambda L, a: L.linalg.cond(a), [randn(3, 3)]),
    ("eigh_values_upper", lambda L, a: L.linalg.eigvalsh(a + a.mT, UPLO="U"), [randn(3, 3)]),
    ("pinv_hermitian", lambda L, a: L.linalg.pinv(a @ a.mT + L.eye(3, dtype=a.dtype),
                                                  hermitian=True), [randn(3, 3)]),
    ("cholesky_upper", lambda L, a: L.linalg.cholesky(a @ a.mT + L.eye(2, dtype=a.dtype),
                                                      upper=True), [randn(2, 2)]),
]


@pytest.mark.parametrize("name,fn,arrays", GRADCHECK, ids=[c[0] for c in GRADCHECK])
def test_finite_differences(name, fn, arrays):
    gradcheck(fn, *arrays)


def test_grad_fn_names():
    require_torch()
    a = ember.tensor(randn(4, 3), requires_grad=True)
    s = ember.tensor(spd(3, 3), requires_grad=True)
    expected = {
        "LinalgSvdBackward0": [*ember.linalg.svd(a), ember.linalg.svdvals(a)],
        "LinalgEighBackward0": [*ember.linalg.eigh(s), ember.linalg.eigvalsh(s)],
        "LinalgQrBackward0": list(ember.linalg.qr(a)),
        "LinalgCholeskyExBackward0": [ember.linalg.cholesky(s), ember.linalg.cholesky_ex(s).L],
        "LinalgSlogdetBackward0": list(ember.linalg.slogdet(s)),
        "LinalgPinvBackward0": [ember.linalg.pinv(a), ember.pinverse(a)],
        "LinalgSolveTriangularBackward0": [ember.linalg.solve_triangular(s, s, upper=True)],
        "LinalgMatrixExpBackward0": [ember.linalg.matrix_exp(s)],
        "LinalgLuFactorExBackward0": [ember.linalg.lu_factor(s).LU],
        "LinalgLuBackward0": list(ember.linalg.lu(s))[1:],
        "LinalgCrossBackward0": [ember.linalg.cross(a, a)],
        "LinalgInvExBackward0": [ember.linalg.inv_ex(s).inverse],
        "WhereBackward0": [ember.logdet(s)],
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        expected["CholeskyBackward0"] = [ember.cholesky(s)]
    for name, tensors in expected.items():
        for t in tensors:
            assert type(t.grad_fn).__name__ == name, (name, t.grad_fn)
    assert ember.linalg.lu(s).P.grad_fn is None
    assert ember.linalg.cholesky_ex(s).info.dtype is ember.int32
    assert ember.linalg.lu_factor(s).pivots.dtype is ember.int32


def test_named_results_print_as_torch():
    torch = require_torch()
    a = randn(3, 3)
    s = spd(3, 3)
    pairs = [(lambda L: L.linalg.slogdet(L.tensor(a))), (lambda L: L.linalg.cholesky_ex(
        L.tensor(s))), (lambda L: L.linalg.lu_factor(L.tensor(a))),
        (lambda L: L.linalg.lstsq(L.tensor(np.diag([2.0, 4.0])), L.tensor(np.eye(2)))),
        (lambda L: L.linalg.inv_ex(L.tensor(s)))]
    for fn in pairs:
        assert repr(fn(ember)) == repr(fn(torch))
    assert ember.linalg.svd(ember.tensor(a))._fields == ("U", "S", "Vh")
    assert ember.svd(ember.tensor(a))._fields == ("U", "S", "V")


def test_lu_pivots_and_values_match_lapack():
    torch = require_torch()
    a = randn(3, 5, 5)
    packed, pivots = ember.linalg.lu_factor(ember.tensor(a))
    t_packed, t_pivots = torch.linalg.lu_factor(torch.tensor(a))
    assert np.array_equal(to_numpy(pivots), to_numpy(t_pivots))
    assert_close(packed, t_packed)


def test_lstsq_outputs_per_driver():
    torch = require_torch()
    a, b = randn(2, 5, 3), randn(2, 5, 2)
    for driver in ("gels", "gelsy", "gelsd", "gelss"):
        e = ember.linalg.lstsq(ember.tensor(a), ember.tensor(b), driver=driver)
        t = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver=driver)
        for x, y in zip(e, t):
            assert_close(x, y, what=driver)


def test_matrix_rank():
    torch = require_torch()
    a = randn(2, 4, 3) @ randn(3, 5)
    for kwargs in ({}, {"atol": 1.0}, {"rtol": 0.3}, {"hermitian": True}, {"atol": 0.5,
                                                                          "rtol": 0.1}):
        x = a[..., :4] @ a[..., :4].swapaxes(-1, -2) if kwargs.get("hermitian") else a
        assert_close(ember.linalg.matrix_rank(ember.tensor(x), **kwargs),
                     torch.linalg.matrix_rank(torch.tensor(x), **kwargs), what=str(kwargs))


def test_eig_real_and_complex():
    torch = require_torch()
    a = np.array([[2.0, 1.0], [0.0, 3.0]])
    assert_close(ember.linalg.eigvals(ember.tensor(a)), torch.linalg.eigvals(
        torch.tensor(a)).real)
    values, vectors = ember.linalg.eig(ember.tensor(a))
    assert np.allclose(a @ to_numpy(vectors), to_numpy(vectors) * to_numpy(values))
    with pytest.raises(NotImplementedError, match="complex"):
        ember.linalg.eigvals(ember.tensor([[0.0, -1.0], [1.0, 0.0]]))


def test_singular_inverse_ex_and_solve_ex_info():
    torch = require_torch()
    a = np.array([[1.0, 2.0], [2.0, 4.0]])
    for lib in (ember, torch):
        assert int(lib.linalg.inv_ex(lib.tensor(a)).info) == 2
        assert int(lib.linalg.solve_ex(lib.tensor(a), lib.ones(2, dtype=lib.float64)).info) == 2
        assert int(lib.linalg.lu_factor_ex(lib.zeros(2, 2)).info) == 1
        assert int(lib.linalg.cholesky_ex(lib.tensor([[1.0, 2.0], [2.0, 1.0]])).info) == 2


def test_double_backward_svd_through_reconstruction():
    """Second derivatives of the singular vectors' formula, on a sign-free loss."""
    check(lambda L, a: svd_invariants(L, a)[2], randn(4, 3))


NPD = [[1.0, 2.0], [2.0, 1.0]]
SINGULAR = [[1.0, 2.0], [2.0, 4.0]]
L_ERR = "LinAlgError"  # torch.linalg.LinAlgError, ember.linalg.LinAlgError


def _ints(L):
    return L.ones(3, 3, dtype=L.int64)


ERRORS = [
    (lambda L: L.linalg.svd(_ints(L)), RuntimeError,
     "linalg.svd: Expected a floating point or complex tensor as input. Got Long"),
    (lambda L: L.linalg.svd(L.ones(3)), RuntimeError,
     "linalg.svd: The input tensor A must have at least 2 dimensions."),
    (lambda L: L.linalg.svdvals(_ints(L)), RuntimeError, "linalg.svd: Expected a floating"),
    (lambda L: L.linalg.eigh(L.ones(2, 3)), RuntimeError,
     "linalg.eigh: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda L: L.linalg.eigh(_ints(L)), NotImplementedError,
     "\"linalg_eigh_cpu\" not implemented for 'Long'"),
    (lambda L: L.linalg.eigvalsh(L.eye(2), UPLO="X"), RuntimeError,
     "Expected UPLO argument to be 'L' or 'U', but got X"),
    (lambda L: L.linalg.qr(_ints(L)), RuntimeError, "linalg.qr: Expected a floating point"),
    (lambda L: L.linalg.qr(L.ones(2, 2), mode="x"), RuntimeError,
     "qr received unrecognized mode 'x' but expected one of 'reduced' (default), 'r', or "
     "'complete'"),
    (lambda L: L.linalg.cholesky(L.tensor(NPD)), L_ERR,
     "linalg.cholesky: The factorization could not be completed because the input is not "
     "positive-definite (the leading minor of order 2 is not positive-definite)."),
    (lambda L: L.linalg.cholesky(L.stack([L.eye(2), L.tensor(NPD)])), L_ERR,
     "linalg.cholesky: (Batch element 1): The factorization could not be completed because the "
     "input is not positive-definite (the leading minor of order 2 is not positive-definite)."),
    (lambda L: L.linalg.cholesky_ex(L.tensor(NPD), check_errors=True), L_ERR,
     "linalg.cholesky_ex: The factorization could not be completed"),
    (lambda L: L.linalg.cholesky(L.ones(2, 3)), RuntimeError,
     "linalg.cholesky: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda L: L.linalg.cholesky(_ints(L)), RuntimeError,
     "linalg.cholesky: Expected a floating point or complex tensor as input. Got Long"),
    (lambda L: L.linalg.slogdet(L.ones(2, 3)), RuntimeError,
     "linalg.slogdet: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda L: L.linalg.slogdet(_ints(L)), RuntimeError, "linalg.slogdet: Expected a floating"),
    (lambda L: L.logdet(L.ones(2, 3)), RuntimeError,
     "logdet: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda L: L.linalg.pinv(_ints(L)), RuntimeError,
     "linalg.pinv(Long{[3, 3]}): expected a tensor with 2 or more dimensions of float, double, "
     "cfloat or cdouble types"),
    (lambda L: L.linalg.lstsq(_ints(L), _ints(L)), RuntimeError,
     "This function doesn't handle types other than float and double"),
    (lambda L: L.linalg.lstsq(L.ones(2, 3), L.ones(3, 2)), RuntimeError,
     "torch.linalg.lstsq: input.size(-2) should match other.size(-2)"),
    (lambda L: L.linalg.lstsq(L.ones(2, 3), L.ones(2, 2), driver="foo"), RuntimeError,
     "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"),
    (lambda L: L.linalg.solve_triangular(_ints(L), _ints(L), upper=True), NotImplementedError,
     "\"triangular_solve_cpu\" not implemented for 'Long'"),
    (lambda L: L.linalg.solve_triangular(L.ones(2, 3), L.ones(2, 3), upper=True), RuntimeError,
     "linalg.solve_triangular: A must be batches of square matrices, but they are 2 by 3"),
    (lambda L: L.linalg.solve_triangular(L.eye(2), L.ones(3, 2), upper=True), RuntimeError,
     "linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B (2x2 and "
     "3x2)"),
    (lambda L: L.linalg.solve_triangular(L.eye(2), L.eye(2)), TypeError, ""),
    (lambda L: L.linalg.matrix_rank(_ints(L)), RuntimeError,
     "This function doesn't handle types other than float and double"),
    (lambda L: L.linalg.matrix_rank(L.ones(3)), RuntimeError,
     "torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions."),
    (lambda L: L.linalg.cond(L.ones(2, 3), "fro"), RuntimeError,
     "linalg.cond(ord=fro): A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda L: L.linalg.multi_dot([L.ones(2, 3)]), RuntimeError,
     "multi_dot(): expected at least 2 tensors but got 1"),
    (lambda L: L.linalg.multi_dot([L.ones(2, 3), L.ones(2, 3)]), RuntimeError,
     "multi_dot(): tensors 0 and 1 with shapes [2, 3] and [2, 3] cannot be multiplied"),
    (lambda L: L.linalg.multi_dot([L.ones(2, 3), L.ones(2, 3, 3)]), RuntimeError,
     "multi_dot(): the last tensor must be 1D or 2D but got 3D"),
    (lambda L: L.linalg.matrix_exp(L.ones(2, 3)), RuntimeError,
     "linalg.matrix_exp: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda L: L.linalg.matrix_exp(_ints(L)), RuntimeError,
     "linalg.matrix_exp: Expected a floating point or complex tensor as input. Got Long"),
    (lambda L: L.linalg.inv(L.tensor(SINGULAR)), L_ERR,
     "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because "
     "the input matrix is singular."),
    (lambda L: L.linalg.inv(L.stack([L.eye(2), L.tensor(SINGULAR)])), L_ERR,
     "linalg.inv: (Batch element 1): The diagonal element 2 is zero"),
    (lambda L: L.linalg.inv_ex(L.tensor(SINGULAR), check_errors=True), L_ERR,
     "linalg.inv_ex: The diagonal element 2 is zero"),
    (lambda L: L.linalg.solve_ex(L.tensor(SINGULAR), L.ones(2), check_errors=True), L_ERR,
     "torch.linalg.solve_ex: The solver failed because the input matrix is singular."),
    (lambda L: L.linalg.lu_factor(_ints(L)), NotImplementedError,
     "\"lu_cpu\" not implemented for 'Long'"),
    (lambda L: L.linalg.lu_factor(L.zeros(2, 2)), RuntimeError,
     "torch.linalg.lu_factor: U[1,1] is zero and using it on lu_solve would result in a division "
     "by zero. If you still want to perform the factorization, consider calling "
     "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)"),
    (lambda L: L.linalg.lu_solve(*L.linalg.lu_factor(L.eye(2)), L.ones(3, 1)), RuntimeError,
     "linalg.lu_solve: Incompatible shapes of A and B for the equation AX = B (2x2 and 3x1)"),
    (lambda L: L.linalg.tensorinv(L.ones(4, 3), ind=1), RuntimeError,
     "Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), "
     "but got 3 != 4"),
    (lambda L: L.linalg.tensorinv(L.ones(4, 4), ind=0), RuntimeError,
     "Expected a strictly positive integer for 'ind', but got 0"),
    (lambda L: L.linalg.matrix_norm(_ints(L), 2), RuntimeError,
     "linalg.matrix_norm: Expected a floating point or complex tensor as input. Got Long"),
    (lambda L: L.linalg.matrix_norm(L.ones(2, 3), 3), RuntimeError,
     "linalg.matrix_norm: Order 3 not supported."),
]


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors(fn, exception, message):
    torch = require_torch()
    if exception == "LinAlgError":
        assert issubclass(ember.linalg.LinAlgError, RuntimeError)
        with pytest.raises(torch.linalg.LinAlgError, match=None) as t_error:
            fn(torch)
        assert str(t_error.value).startswith(message), str(t_error.value)
        with pytest.raises(ember.linalg.LinAlgError) as e_error:
            fn(ember)
        assert str(e_error.value).startswith(message), str(e_error.value)
        return
    expect_error(fn, exception, message)


def test_qr_backward_errors():
    torch = require_torch()
    for lib in (ember, torch):
        a = lib.tensor(randn(4, 3), requires_grad=True)
        with pytest.raises(RuntimeError, match="mode='r'"):
            lib.linalg.qr(a, mode="r")[1].sum().backward()
        with pytest.raises(RuntimeError, match="not differentiable when mode='complete'"):
            lib.linalg.qr(a, mode="complete")[1].sum().backward()
