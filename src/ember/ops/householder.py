"""The product of Householder reflectors (LAPACK's orgqr), as ``linalg.householder_product``.

Column ``i`` of ``A`` (below the diagonal) holds the tail of the reflector vector ``v_i``, whose
head is ``i`` zeros and a 1; ``tau_i`` its factor. The result is the first ``n`` columns of
``H_0 H_1 ... H_{k-1}`` with ``H_i = I - tau_i v_i v_i^T``. The forward and both derivatives are
written with the helpers below, which run on arrays and on Tensors alike, so the derivative of the
derivative follows from the same row (PyTorch's row has double backward too).
"""

from __future__ import annotations

from ..backend import xp
from . import formula as F
from .decompositions import _cat, _const, _unsqueeze
from .op import defop


def _reflector(A, i):
    """``v_i`` as an (*, m, 1) column: zeros above row i, 1 at row i, ``A[i + 1:, i]`` below."""
    m = A.shape[-2]
    dtype = F.detached(A).dtype
    below = _const((xp.arange(m) > i).astype(dtype)[:, None], A)
    head = _const((xp.arange(m) == i).astype(dtype)[:, None], A)
    return A[..., :, i:i + 1] * below + head


def _reflect(Y, v, t):
    """``(I - t v v^T) Y`` without forming the m x m reflector."""
    return Y - (v * t) @ (F.mT(v) @ Y)


def _factor(tau, i):
    """``tau_i`` shaped (*, 1, 1) to scale a batch of columns."""
    return _unsqueeze(tau[..., i:i + 1], -1)


def _suffixes(A, tau):
    """``S_i = H_i ... H_{k-1} E`` for i = 0..k (``E`` the first n columns of the identity)."""
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    dtype = F.detached(A).dtype
    start = _const(xp.broadcast_to(xp.eye(m, n, dtype=dtype), A.shape).copy(), A)
    suffixes = [start]
    for i in range(k - 1, -1, -1):
        suffixes.append(_reflect(suffixes[-1], _reflector(A, i), _factor(tau, i)))
    return suffixes[::-1]


def _householder_product(input, tau):  # noqa: A002
    return _suffixes(input, tau)[0]


def _grads(grad, input, tau):  # noqa: A002
    """(gA, gtau). With P_i = H_0 ... H_{i-1} and S_{i+1} the reflectors after i, the loss sees
    ``H_i`` through M = P_i^T G S_{i+1}^T: d tau_i = -v^T M v and d v_i = -tau_i (M + M^T) v."""
    n = input.shape[-1]
    k = tau.shape[-1]
    suffixes = _suffixes(input, tau)
    X = grad  # P_i^T G, advanced one reflector at a time
    columns, factors = [], []
    for i in range(k):
        v, t = _reflector(input, i), _factor(tau, i)
        S = suffixes[i + 1]
        Xv, Sv = F.mT(X) @ v, F.mT(S) @ v  # (*, n, 1) each
        factors.append(-(F.mT(Xv) @ Sv)[..., 0])  # (*, 1)
        gv = -(X @ Sv + S @ Xv) * t
        m = input.shape[-2]
        below = _const((xp.arange(m) > i).astype(F.detached(input).dtype)[:, None], input)
        columns.append(gv * below)
        X = _reflect(X, v, t)  # the reflectors are symmetric: H_i^T = H_i
    zero_column = F.detached(input)[..., :, :1] * 0
    columns += [_const(zero_column, input)] * (n - k)
    gA = _cat(columns, -1) if columns else input * 0
    gtau = _cat(factors, -1) if factors else tau * 0
    return gA, gtau


householder_product = defop(
    "LinalgHouseholderProductBackward0", inputs="input tau", forward=_householder_product,
    input=lambda grad, input, tau: _grads(grad, input, tau)[0],  # noqa: A002
    tau=lambda grad, input, tau: _grads(grad, input, tau)[1],
)


def geqrf(A):
    """LAPACK's geqrf on arrays: the packed reflectors (and R on and above the diagonal) and
    their factors tau, over any batch. No derivative (PyTorch has none either)."""
    m, n = A.shape[-2:]
    batch = A.shape[:-2]
    flat = A.reshape((-1, m, n))
    packed = xp.empty(flat.shape, dtype=A.dtype)
    taus = xp.empty((flat.shape[0], min(m, n)), dtype=A.dtype)
    for b in range(flat.shape[0]):
        if m and n:
            h, t = xp.linalg.qr(flat[b], mode="raw")
            packed[b], taus[b] = h.T, t
    return packed.reshape(A.shape), taus.reshape(batch + (min(m, n),))
