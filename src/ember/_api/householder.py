"""``ember.linalg.householder_product``: the matrix of Householder reflectors packed by geqrf.

>>> import ember
>>> ember.linalg.householder_product(ember.zeros(3, 2), ember.zeros(2))
tensor([[1., 0.],
        [0., 1.],
        [0., 0.]])
"""

from __future__ import annotations

from .._tensor import Tensor
from ..ops import householder as H
from .decompositions import _legacy, tensor_arg

_NAME = "torch.linalg.householder_product"


def householder_product(A, tau):
    """The first n columns of ``H_0 ... H_{k-1}``, ``H_i = I - tau_i v_i v_i^T``, where ``v_i``
    is column i of the (m, n) ``A`` below the diagonal with a 1 on it (LAPACK's orgqr).

    >>> ember.linalg.householder_product(ember.zeros(2, 2), ember.tensor([2., 0.]))
    tensor([[-1.,  0.],
            [ 0.,  1.]])
    """
    tensor_arg(A, "input", "linalg_householder_product")
    tensor_arg(tau, "tau", "linalg_householder_product")
    if A.ndim < 2:
        raise RuntimeError(f"{_NAME}: input must have at least 2 dimensions.")
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(f"{_NAME}: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if tau.ndim and n < tau.shape[-1]:
        raise RuntimeError(f"{_NAME}: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    if tau.ndim != A.ndim - 1:
        raise RuntimeError(f"{_NAME}: Expected tau to have one dimension less than input, but "
                           f"got tau.ndim equal to {tau.ndim} and input.ndim is equal to "
                           f"{A.ndim}")
    if tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(f"{_NAME}: Expected batch dimensions of tau to be equal to "
                           f"input.shape[:-2], but got {list(tau.shape[:-1])}")
    if tau.dtype is not A.dtype:
        raise RuntimeError(f"{_NAME}: tau dtype {_c(tau)}"
                           f" does not match input dtype {_c(A)}")
    if not A.is_floating_point():
        raise NotImplementedError(f'"orgqr_cpu" not implemented for \'{_legacy(A.dtype)}\'')
    return H.householder_product(A, tau)


def _c(t):
    return t.dtype._c_name.title()


def geqrf(input):  # noqa: A002
    """(a, tau): ``input``'s QR decomposition in LAPACK's packed form (no derivative)."""
    packed, tau = H.geqrf(input.detach().numpy())
    return Tensor._make(packed), Tensor._make(tau)
