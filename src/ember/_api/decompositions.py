"""Decompositions and the functions built on them: ``ember.linalg.svd``, ``eigh``, ``qr``,
``cholesky``, ``lu``... and PyTorch's older top-level forms (``torch.svd`` with V, ``torch.qr``).

Functions registered with ``@public`` are also ``ember.<name>`` and ``Tensor.<name>``; the rest
are reached through ``ember.linalg``.
"""

from __future__ import annotations

import operator
import warnings

import numpy as np

from .._tensor import Tensor
from ..ops import decompositions as D
from ..ops import linalg as L
from . import FUNCTIONS, public, tensor_arg

LinAlgError = L.LinAlgError


def _api(name):
    return FUNCTIONS[name]


# --- named results --------------------------------------------------------------------------------
class _Result(tuple):
    """A tuple with named fields, printed as PyTorch prints ``torch.return_types.<name>``."""

    __slots__ = ()
    _name = "result"
    _fields: tuple = ()

    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    def __repr__(self):
        fields = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{self._name}(\n{fields})"


def _result_type(name, fields):
    attributes = {f: property(operator.itemgetter(i)) for i, f in enumerate(fields)}
    return type(name, (_Result,), {"__slots__": (), "_name": name, "_fields": fields,
                                   **attributes})


_svd_type = _result_type("linalg_svd", ("U", "S", "Vh"))
_old_svd_type = _result_type("svd", ("U", "S", "V"))
_eigh_type = _result_type("linalg_eigh", ("eigenvalues", "eigenvectors"))
_eig_type = _result_type("linalg_eig", ("eigenvalues", "eigenvectors"))
_qr_type = _result_type("linalg_qr", ("Q", "R"))
_old_qr_type = _result_type("qr", ("Q", "R"))
_cholesky_ex_type = _result_type("linalg_cholesky_ex", ("L", "info"))
_slogdet_type = _result_type("linalg_slogdet", ("sign", "logabsdet"))
_old_slogdet_type = _result_type("slogdet", ("sign", "logabsdet"))
_lstsq_type = _result_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
_inv_ex_type = _result_type("linalg_inv_ex", ("inverse", "info"))
_solve_ex_type = _result_type("linalg_solve_ex", ("result", "info"))
_lu_factor_type = _result_type("linalg_lu_factor", ("LU", "pivots"))
_lu_factor_ex_type = _result_type("linalg_lu_factor_ex", ("LU", "pivots", "info"))
_lu_type = _result_type("linalg_lu", ("P", "L", "U"))


# --- argument checks ------------------------------------------------------------------------------
def _legacy(dtype):
    return dtype._legacy[:-6]


def _check(name, A, square=True, arg="A"):
    """PyTorch's checks of a (batch of) matrices: at least 2-D, square, floating."""
    tensor_arg(A, arg, name)
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor {arg} must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: {arg} must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if not A.is_floating_point():
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {_legacy(A.dtype)}")


def _check_kernel(kernel, A):
    """PyTorch's dispatch error for an integer input to a LAPACK kernel."""
    if not A.is_floating_point():
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_legacy(A.dtype)}\'')


def _check_same_dtype(name, A, B):
    if A.dtype is not B.dtype:
        raise RuntimeError(f"{name}: Expected A and B to have the same dtype, but found A of type "
                           f"{A.dtype._c_name.title()} and B of type {B.dtype._c_name.title()} "
                           "instead")


def _detached(t):
    """A result PyTorch marks non-differentiable (a permutation, singular values of lstsq)."""
    return t.detach() if t.requires_grad else t


# --- singular values ------------------------------------------------------------------------------
def svd(A, full_matrices=True, *, driver=None):
    """``A = U @ diag(S) @ Vh``, singular values in descending order.

    >>> U, S, Vh = ember.linalg.svd(ember.tensor([[3., 0.], [0., 4.]]))
    >>> S
    tensor([4., 3.])
    """
    _check("linalg.svd", A, square=False)
    return _svd_type(*D.svd(A, full_matrices))


def svdvals(A, *, driver=None):
    """The singular values of ``A``, in descending order.

    >>> ember.linalg.svdvals(ember.tensor([[3., 0.], [0., 4.]]))
    tensor([4., 3.])
    """
    _check("linalg.svd", A, square=False)
    if A.requires_grad:
        return D.svd(A, False)[1]
    return Tensor._make(np.linalg.svd(A._data, compute_uv=False) if A._data.size else
                        np.zeros(A.shape[:-2] + (min(A.shape[-2:]),), A._data.dtype))


def _old_svd(input, some=True, compute_uv=True):  # noqa: A002
    """PyTorch's older SVD: ``(U, S, V)`` with ``V`` (not its transpose); ``some=False`` gives
    square U and V; ``compute_uv=False`` gives zero-filled U and V.

    >>> ember.svd(ember.tensor([[3., 0.], [0., 4.]])).S
    tensor([4., 3.])
    """
    _check("linalg.svd", input, square=False)
    if not compute_uv:
        m, n = input.shape[-2:]
        batch = tuple(input.shape[:-2])
        zeros = np.zeros(batch + (m, m), input._data.dtype), np.zeros(batch + (n, n),
                                                                      input._data.dtype)
        return _old_svd_type(Tensor._make(zeros[0]), svdvals(input), Tensor._make(zeros[1]))
    U, S, Vh = D.svd(input, not some)
    return _old_svd_type(U, S, Vh.mT)


_old_svd.__name__ = "svd"
public()(_old_svd)


# --- eigenvalues ----------------------------------------------------------------------------------
def _check_uplo(UPLO):  # noqa: N803
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def eigh(A, UPLO="L"):  # noqa: N803
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix; only its
    ``UPLO`` ('L' lower or 'U' upper) triangle is read.

    >>> ember.linalg.eigh(ember.tensor([[2., 0.], [0., 1.]])).eigenvalues
    tensor([1., 2.])
    """
    tensor_arg(A, "A", "linalg.eigh")
    _check_square_only("linalg.eigh", A)
    _check_kernel("linalg_eigh_cpu", A)
    _check_uplo(UPLO)
    return _eigh_type(*D.eigh(A, UPLO))


def eigvalsh(A, UPLO="L"):  # noqa: N803
    """The eigenvalues of a symmetric matrix, ascending.

    >>> ember.linalg.eigvalsh(ember.tensor([[2., 0.], [0., 1.]]))
    tensor([1., 2.])
    """
    tensor_arg(A, "A", "linalg.eigh")
    _check_square_only("linalg.eigh", A)
    _check_kernel("linalg_eigh_cpu", A)
    _check_uplo(UPLO)
    if A.requires_grad:
        return D.eigh(A, UPLO)[0]
    return Tensor._make(np.linalg.eigvalsh(A._data, UPLO))


def _check_square_only(name, A):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")


_COMPLEX = ("ember has no complex dtype: linalg.{name} of a matrix with complex eigenvalues "
            "needs complex support, which ember does not have")


def _eig_arrays(name, A):
    _check_square_only(f"linalg.{name}", A)
    if not A.is_floating_point():
        raise RuntimeError(f"Unknown Complex ScalarType for {_legacy(A.dtype)}")
    if A.requires_grad:
        raise NotImplementedError(f"linalg.{name}: ember computes eigenvalues of general "
                                  "matrices without gradients; PyTorch's are complex, and ember "
                                  "has no complex dtype")
    values, vectors = np.linalg.eig(A._data)
    if np.iscomplexobj(values) and np.any(values.imag != 0):
        raise NotImplementedError(_COMPLEX.format(name=name))
    return values.real.astype(A._data.dtype), vectors.real.astype(A._data.dtype)


def eig(A):
    """Eigenvalues and eigenvectors of a general matrix, where they are all real.

    PyTorch returns complex tensors; ember has no complex dtype, so it returns the real values
    and raises NotImplementedError when any eigenvalue is complex.
    """
    values, vectors = _eig_arrays("eig", A)
    return _eig_type(Tensor._make(values), Tensor._make(vectors))


def eigvals(A):
    """The eigenvalues of a general matrix, where they are all real (see :func:`eig`)."""
    return Tensor._make(_eig_arrays("eigvals", A)[0])


# --- QR -------------------------------------------------------------------------------------------
def qr(A, mode="reduced"):
    """``A = Q @ R`` with orthonormal columns in ``Q`` and upper triangular ``R``; ``mode`` is
    'reduced', 'complete' or 'r' (R only; Q is empty).

    >>> Q, R = ember.linalg.qr(ember.tensor([[2., 0.], [0., 3.]]))
    >>> (Q @ R).abs()
    tensor([[2., 0.],
            [0., 3.]])
    """
    _check("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    return _qr_type(*D.qr(A, mode))


def _old_qr(input, some=True):  # noqa: A002
    """PyTorch's older QR: ``some=False`` is ``mode='complete'``."""
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a "
                  "future PyTorch release.", UserWarning, stacklevel=2)
    return _old_qr_type(*qr(input, "reduced" if some else "complete"))


_old_qr.__name__ = "qr"
public()(_old_qr)


# --- Cholesky -------------------------------------------------------------------------------------
def cholesky(A, *, upper=False):
    """The lower triangular ``L`` with ``A = L @ L.mT`` (or upper ``U = L.mT`` if ``upper``).

    >>> ember.linalg.cholesky(ember.tensor([[4., 2.], [2., 2.]]))
    tensor([[2., 0.],
            [1., 1.]])
    """
    _check("linalg.cholesky", A)
    return D.cholesky_ex(A, upper, "linalg.cholesky")[0]


def cholesky_ex(A, *, upper=False, check_errors=False):
    """:func:`cholesky` and ``info``: 0, or the order of the first leading minor that is not
    positive-definite (then ``L`` is only partly computed)."""
    _check("linalg.cholesky_ex", A)
    return _cholesky_ex_type(*D.cholesky_ex(A, upper, "linalg.cholesky_ex" if check_errors
                                            else None))


def _old_cholesky(input, upper=False):  # noqa: A002
    """PyTorch's older Cholesky (node ``CholeskyBackward0``)."""
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be "
                  "removed in a future PyTorch release.", UserWarning, stacklevel=2)
    _check("cholesky", input)
    return D.cholesky(input, upper)


_old_cholesky.__name__ = "cholesky"
public()(_old_cholesky)


# --- determinants ---------------------------------------------------------------------------------
def slogdet(A):
    """``(sign, logabsdet)``: the sign of the determinant and the log of its absolute value.

    >>> ember.linalg.slogdet(ember.tensor([[-2., 0.], [0., 1.]])).sign
    tensor(-1.)
    """
    _check("linalg.slogdet", A)
    return _slogdet_type(*D.slogdet(A))


def _old_slogdet(input):  # noqa: A002
    """``ember.linalg.slogdet``, as PyTorch's top-level ``torch.slogdet``."""
    _check("linalg.slogdet", input)
    return _old_slogdet_type(*D.slogdet(input))


_old_slogdet.__name__ = "slogdet"
public()(_old_slogdet)


@public()
def logdet(input):  # noqa: A002
    """The log of the determinant: nan where it is negative, -inf where it is 0.

    >>> ember.logdet(ember.tensor([[2., 0.], [0., 3.]]))
    tensor(1.7918)
    """
    _check("logdet", input)
    sign, logabsdet = D.slogdet(input)
    nan = Tensor._make(np.array(np.nan, logabsdet._data.dtype))
    return _api("where")(sign < 0, nan, logabsdet)


# --- inverses and solves --------------------------------------------------------------------------
def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """The Moore-Penrose pseudo-inverse; singular values at most ``max(atol, rtol * largest)``
    count as zero (by default ``rtol`` is eps times the larger dimension).

    >>> ember.linalg.pinv(ember.tensor([[2., 0.], [0., 0.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.0000]])
    """
    tensor_arg(A, "A", "linalg.pinv")
    if A.ndim < 2 or not A.is_floating_point():
        raise RuntimeError(f"linalg.pinv({_legacy(A.dtype)}{{{list(A.shape)}}}): expected a "
                           "tensor with 2 or more dimensions of float, double, cfloat or "
                           "cdouble types")
    atol = atol._data if isinstance(atol, Tensor) else atol
    rtol = rtol._data if isinstance(rtol, Tensor) else rtol
    return D.pinv(A, atol, rtol, hermitian)


@public()
def pinverse(input, rcond=1e-15):  # noqa: A002
    """``ember.linalg.pinv(input, rtol=rcond)``."""
    return pinv(input, rtol=rcond)


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution of ``A @ X = B`` and, as PyTorch's drivers give them, the
    residuals, the rank and the singular values of ``A``.

    >>> ember.linalg.lstsq(ember.tensor([[1.], [1.]]), ember.tensor([[1.], [3.]])).solution
    tensor([[2.]])
    """
    if not A.is_floating_point() or not B.is_floating_point():
        raise RuntimeError("This function doesn't handle types other than float and double")
    driver = "gelsy" if driver is None else driver
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, "
                           "gelsy, gelsd, gelss)")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if vector:
        B = B.unsqueeze(-1)
    if A.shape[-2] != B.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    solution, residuals, rank, values = D.lstsq(A, B, rcond, driver)
    if vector:
        solution = solution.squeeze(-1)
    return _lstsq_type(solution, residuals, rank, _detached(values))


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """The ``X`` with ``A @ X = B`` (or ``X @ A = B`` if not ``left``) for triangular ``A``;
    ``unitriangular`` takes its diagonal as ones.

    >>> ember.linalg.solve_triangular(ember.tensor([[2., 1.], [0., 1.]]),
    ...                               ember.tensor([[3.], [1.]]), upper=True)
    tensor([[1.],
            [1.]])
    """
    _check_kernel("triangular_solve_cpu", A)
    _check_square_only("linalg.solve_triangular", A)
    if (B.shape[-2] if left else B.shape[-1]) != A.shape[-1] or B.ndim < 2:
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the "
                           f"equation {'AX = B' if left else 'XA = B'} "
                           f"({A.shape[-2]}x{A.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")
    _check_same_dtype("linalg.solve_triangular", A, B)
    return D.solve_triangular(A, B, upper, left, unitriangular)


def inv_ex(A, *, check_errors=False):
    """``(inverse, info)``; ``info`` is 0, or the 1-based position of a zero pivot (then the
    inverse holds infinities and nans, unless ``check_errors``).

    >>> ember.linalg.inv_ex(ember.tensor([[2., 0.], [0., 4.]])).info
    tensor(0, dtype=torch.int32)
    """
    _check("linalg.inv_ex", A)
    inverse = L.inv(A, "linalg.inv_ex" if check_errors else None)
    return _inv_ex_type(inverse, Tensor._make(_info(A, inverse)))


def _info(A, result):
    """LAPACK's info for a solve: 0, or the first zero pivot where the result is not finite."""
    if np.isfinite(result._data).all():
        return np.zeros(A.shape[:-2], np.int32)
    return D.lu_factor_arrays(A._data)[2]


def solve_ex(A, B, *, left=True, check_errors=False):
    """``(result, info)`` of :func:`ember.linalg.solve`; ``info`` is 0, or the 1-based position
    of a zero pivot."""
    from .linalg import solve

    _check("linalg.solve_ex", A)
    info = D.lu_factor_arrays(A._data)[2]
    if not info.any():
        return _solve_ex_type(solve(A, B, left=left), Tensor._make(info))
    if check_errors:
        raise LinAlgError("torch.linalg.solve_ex: The solver failed because the input matrix is "
                          "singular.")
    inverse = L.inv(A, None)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    with np.errstate(all="ignore"):  # the infinities of a zero pivot, as LAPACK gives them
        if vector:
            result = _api("matmul")(inverse, B.unsqueeze(-1)).squeeze(-1)
        else:
            result = _api("matmul")(inverse, B) if left else _api("matmul")(B, inverse)
    return _solve_ex_type(result, Tensor._make(info))


# --- LU -------------------------------------------------------------------------------------------
def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """``(LU, pivots, info)``: the packed factors of ``A = P @ L @ U`` (partial pivoting), the
    1-based row swaps and 0, or the position of the first zero on U's diagonal."""
    _check_lu(A)
    packed, pivots, info = D.lu_factor_ex(A, pivot)
    if check_errors and info._data.any():
        raise LinAlgError(f"torch.linalg.lu_factor_ex: U[{int(info._data.max())},"
                          f"{int(info._data.max())}] is zero and using it on lu_solve would result "
                          "in a division by zero.")
    return _lu_factor_ex_type(packed, pivots, info)


def _check_lu(A):
    _check_kernel("lu_cpu", A)
    if A.ndim < 2:
        raise RuntimeError("linalg.lu_factor: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(A.shape)} instead")


def lu_factor(A, *, pivot=True):
    """``(LU, pivots)``: the packed factors of ``A = P @ L @ U`` and the 1-based row swaps.

    >>> LU, pivots = ember.linalg.lu_factor(ember.tensor([[1., 2.], [3., 4.]]))
    >>> pivots
    tensor([2, 2], dtype=torch.int32)
    """
    _check_lu(A)
    packed, pivots, info = D.lu_factor_ex(A, pivot)
    if info._data.any():
        k = int(info._data.reshape(-1)[np.argmax(info._data.reshape(-1) != 0)])
        raise RuntimeError(f"torch.linalg.lu_factor: U[{k},{k}] is zero and using it on lu_solve "
                           "would result in a division by zero. If you still want to perform the "
                           "factorization, consider calling linalg.lu(A, pivot) or "
                           "linalg.lu_factor_ex(A, pivot)")
    return _lu_factor_type(packed, pivots)


def lu(A, *, pivot=True):
    """``(P, L, U)`` with ``A = P @ L @ U``: a permutation, unit lower and upper triangular.

    >>> P, L, U = ember.linalg.lu(ember.tensor([[1., 2.], [3., 4.]]))
    >>> U
    tensor([[3.0000, 4.0000],
            [0.0000, 0.6667]])
    """
    _check_lu(A)
    P, lower, upper = D.lu(A, pivot)
    return _lu_type(_detached(P), lower, upper)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False):  # noqa: N803
    """Solve ``A @ X = B`` (``X @ A = B`` if not ``left``; with ``A.mT`` if ``adjoint``) from
    the factors of :func:`lu_factor`."""
    _check("linalg.lu_solve", LU, arg="LU")
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")
    _check_same_dtype("linalg.lu_solve", LU, B)
    return D.lu_solve(LU, B, pivots._data, left, adjoint)


# --- the matrix exponential -----------------------------------------------------------------------
@public()
def matrix_exp(A):
    """``exp(A) = sum_k A^k / k!`` of square matrices (Pade approximant with scaling and
    squaring).

    >>> ember.linalg.matrix_exp(ember.zeros(2, 2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    _check("linalg.matrix_exp", A)
    return D.matrix_exp(A)


# --- functions of the singular values -------------------------------------------------------------
def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None):
    """How many singular values exceed ``max(atol, rtol * largest)`` (``tol`` is an older name for
    ``atol`` with ``rtol=0``).

    >>> ember.linalg.matrix_rank(ember.tensor([[1., 2.], [2., 4.]]))
    tensor(1)
    """
    tensor_arg(A, "A", "linalg.matrix_rank")
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 "
                           "dimensions.")
    if not A.is_floating_point():
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol, rtol = tol, 0.0
    data = A._data
    m, n = data.shape[-2:]
    if data.size == 0:
        return Tensor._make(np.zeros(data.shape[:-2], np.int64))
    values = np.abs(np.linalg.eigvalsh(data)) if hermitian else np.linalg.svd(
        data, compute_uv=False)
    atol = atol._data if isinstance(atol, Tensor) else atol
    rtol = rtol._data if isinstance(rtol, Tensor) else rtol
    if rtol is None:
        rtol = 0.0 if atol is not None and np.any(np.asarray(atol) > 0) else (
            np.finfo(data.dtype).eps * max(m, n))
    atol = 0.0 if atol is None else atol
    largest = values.max(axis=-1)
    cutoff = np.maximum(np.asarray(atol), np.asarray(rtol) * largest)
    return Tensor._make((values > cutoff[..., None]).sum(axis=-1).astype(np.int64))


def cond(A, p=None):
    """The condition number of ``A`` in the norm ``p`` (None or 2: largest over smallest singular
    value; 'fro', 'nuc', inf, -inf, 1, -1: ``norm(A) * norm(inv(A))``).

    >>> ember.linalg.cond(ember.tensor([[2., 0.], [0., 1.]]))
    tensor(2.)
    """
    from .linalg import matrix_norm

    if p is None or p in (2, -2):
        _check("linalg.cond", A, square=False)
        values = svdvals(A)
        if p == -2:
            return values[..., -1] / values[..., 0]
        return values[..., 0] / values[..., -1]
    _check(f"linalg.cond(ord={p})", A)
    return matrix_norm(A, p) * matrix_norm(L.inv(A), p)


def singular_norm(A, ord, d0, d1, keepdim):  # noqa: A002
    """The matrix norms of the singular values: 2 (largest), -2 (smallest), 'nuc' (sum)."""
    moved = A.movedim((d0, d1), (-2, -1)) if (d0, d1) != (A.ndim - 2, A.ndim - 1) else A
    values = svdvals(moved)
    out = values.sum(-1) if ord == "nuc" else values.amax(-1) if ord == 2 else values.amin(-1)
    if keepdim:
        for d in sorted((d0, d1)):
            out = out.unsqueeze(d)
    return out


# --- products and views ---------------------------------------------------------------------------
def multi_dot(tensors):
    """The product of a chain of matrices (the first may be a row vector and the last a column
    vector, as 1-D tensors), multiplied in the cheapest order.

    >>> ember.linalg.multi_dot([ember.ones(2, 3), ember.ones(3, 4), ember.ones(4)])
    tensor([12., 12.])
    """
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0], tensors[-1]
    if first.ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {first.ndim}D")
    if last.ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {last.ndim}D")
    for i, t in enumerate(tensors[1:-1], 1):
        if t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    for t in tensors[1:]:
        if t.dtype is not first.dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor "
                               f"0 is {_legacy(first.dtype)} and tensor {tensors.index(t)} "
                               f"{_legacy(t.dtype)}")
    matrices = [first.unsqueeze(0) if first.ndim == 1 else first] + tensors[1:-1] + [
        last.unsqueeze(1) if last.ndim == 1 else last]
    for i in range(len(matrices) - 1):
        if matrices[i].shape[1] != matrices[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes "
                               f"{list(tensors[i].shape)} and {list(tensors[i + 1].shape)} "
                               "cannot be multiplied")
    result = _chain(matrices, _order([m.shape[0] for m in matrices] + [matrices[-1].shape[1]]),
                    0, len(matrices) - 1)
    if first.ndim == 1 and last.ndim == 1:
        return result.reshape(())
    if first.ndim == 1:
        return result.squeeze(0)
    if last.ndim == 1:
        return result.squeeze(1)
    return result


def _order(sizes):
    """The matrix-chain order of least cost (dynamic programming over split points)."""
    count = len(sizes) - 1
    cost = [[0] * count for _ in range(count)]
    split = [[0] * count for _ in range(count)]
    for length in range(1, count):
        for i in range(count - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + sizes[i] * sizes[k + 1] * sizes[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(matrices, split, i, j):
    if i == j:
        return matrices[i]
    k = split[i][j]
    return _api("mm")(_chain(matrices, split, i, k), _chain(matrices, split, k + 1, j))


def cross(input, other, *, dim=-1):  # noqa: A002
    """The cross product of 3-vectors along ``dim`` (inputs broadcast).

    >>> ember.linalg.cross(ember.tensor([1., 0., 0.]), ember.tensor([0., 1., 0.]))
    tensor([0., 0., 1.])
    """
    if input.ndim != other.ndim:
        raise RuntimeError(f"linalg.cross: inputs must have the same number of dimensions. Got "
                           f"{input.ndim} and {other.ndim}")
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")
    return D.linalg_cross(input, other, dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """``ember.diagonal`` over the last two dims by default."""
    return _api("diagonal")(A, offset, dim1, dim2)


def vecdot(x, y, *, dim=-1):
    """The dot product of vectors along ``dim`` (inputs broadcast).

    >>> ember.linalg.vecdot(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor(11.)
    """
    return (x * y).sum(dim)


def matmul(input, other):  # noqa: A002
    """``ember.matmul``."""
    return _api("matmul")(input, other)


def matrix_power(A, n):
    """``ember.matrix_power``."""
    return _api("matrix_power")(A, n)


def vander(x, *, N=None):  # noqa: N803
    """The Vandermonde matrix of increasing powers ``x ** 0 ... x ** (N - 1)`` (batched over
    leading dims).

    >>> ember.linalg.vander(ember.tensor([1., 2.]))
    tensor([[1., 1.],
            [1., 2.]])
    """
    if x.ndim < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension")
    if x.ndim == 1:
        return _api("vander")(x, N, True)
    n = x.shape[-1]
    columns = n if N is None else N
    flat = _api("vander")(x.reshape(-1), columns, True)
    return flat.reshape(tuple(x.shape) + (columns,))


def tensorinv(A, ind=2):
    """The inverse of ``A`` as a linear map from its last dims to its first ``ind`` dims.

    >>> ember.linalg.tensorinv(ember.eye(4).reshape(4, 2, 2), ind=1).shape
    torch.Size([2, 2, 4])
    """
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    out_shape, in_shape = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    rows, columns = int(np.prod(out_shape)), int(np.prod(in_shape))
    if rows != columns:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {columns} != {rows}")
    return L.inv(A.reshape(rows, columns)).reshape(in_shape + out_shape)


def tensorsolve(A, B, dims=None):
    """The ``X`` with ``tensordot(A, X, X.ndim) = B``; ``dims`` are moved to the end first.

    >>> ember.linalg.tensorsolve(ember.eye(4).reshape(2, 2, 4), ember.ones(2, 2))
    tensor([1., 1., 1., 1.])
    """
    if dims is not None:
        dims = [d % A.ndim for d in dims]
        A = A.permute([d for d in range(A.ndim) if d not in dims] + dims)
    out_shape = tuple(A.shape[B.ndim:])
    rows = int(np.prod(tuple(B.shape)))
    columns = int(np.prod(out_shape))
    from .linalg import solve

    return solve(A.reshape(rows, columns), B.reshape(rows)).reshape(out_shape)



from .householder import householder_product  # noqa: E402,F401
