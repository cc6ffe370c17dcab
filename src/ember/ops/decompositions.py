"""Matrix decompositions (svd, eigh, qr, cholesky, lu), and the functions whose derivatives need
them (slogdet, pinv, lstsq, triangular and LU solves, the matrix exponential).

Each formula is written with operators and the helpers below, which run on arrays and on Tensors,
so second derivatives follow from the same rows. Gradients of singular and eigen vectors are those
of the standard formulas (with the matrix of 1 / (s_j^2 - s_i^2) or 1 / (lambda_j - lambda_i)):
like PyTorch's, they are meaningful only for losses that do not depend on the sign of the vectors.
"""

from __future__ import annotations

from .._tensor import Tensor
from ..backend import xp
from . import formula as F
from .linalg import LinAlgError, inv
from .op import defop


# --- helpers that run on arrays and on Tensors ----------------------------------------------------
def _const(array, like):
    """A constant array, as a Tensor when the formula is running on Tensors."""
    return Tensor._make(array) if F.is_tensor(like) else array


def _eye(n, like):
    return _const(xp.eye(n, dtype=F.detached(like).dtype), like)


def _unsqueeze(x, dim):
    return x.unsqueeze(dim) if F.is_tensor(x) else xp.expand_dims(x, dim)


def _tril(x, k=0):
    return x.tril(k) if F.is_tensor(x) else xp.tril(x, k)


def _triu(x, k=0):
    return x.triu(k) if F.is_tensor(x) else xp.triu(x, k)


def _diagonal(x):
    return x.diagonal(0, -2, -1) if F.is_tensor(x) else xp.diagonal(x, 0, -2, -1)


def _diag_embed(v):
    return _unsqueeze(v, -1) * _eye(v.shape[-1], v)


def _cat(parts, dim):
    if any(F.is_tensor(p) for p in parts):
        from .shape import cat

        # (a non-negative dim: cat's derivative slices along it)
        return cat([p if F.is_tensor(p) else Tensor._make(p) for p in parts], dim % parts[0].ndim)
    return xp.concatenate(parts, dim)


def _any(x):
    """Whether a gradient has a nonzero entry (a zero one stands for "not used by the loss")."""
    return bool(F.detached(x).any())


def _skew(x):
    return x - F.mT(x)


# --- singular value decomposition -----------------------------------------------------------------
def _svd(A, full_matrices):
    m, n = A.shape[-2:]
    if A.size == 0:
        batch = A.shape[:-2]
        k = min(m, n)
        U = xp.broadcast_to(xp.eye(m, m if full_matrices else k, dtype=A.dtype), batch + (
            m, m if full_matrices else k))
        Vh = xp.broadcast_to(xp.eye(n if full_matrices else k, n, dtype=A.dtype), batch + (
            n if full_matrices else k, n))
        return U.copy(), xp.zeros(batch + (k,), A.dtype), Vh.copy()
    return tuple(xp.linalg.svd(A, full_matrices=full_matrices))


def _svd_grad(grad, result, full_matrices):
    gU, gS, gVh = grad
    U, S, Vh = result
    k = S.shape[-1]
    if full_matrices:
        # Only the first k singular vectors enter A = U diag(S) Vh.
        U, gU, Vh, gVh = U[..., :k], gU[..., :k], Vh[..., :k, :], gVh[..., :k, :]
    core = _diag_embed(gS)
    vectors_used = _any(gU) or _any(gVh)
    if vectors_used:
        # Skipped otherwise: with repeated singular values 0 / 0 would poison a gradient of S.
        UtgU = F.mT(U) @ gU
        VtgV = Vh @ F.mT(gVh)
        row, column = _unsqueeze(S, -2), _unsqueeze(S, -1)
        E = row * row - column * column + _eye(k, S)  # E_ij = s_j^2 - s_i^2 (1 on the diagonal)
        core = core + (_skew(UtgU) * row + column * _skew(VtgV)) / E
    gA = U @ core @ Vh
    if vectors_used and U.shape[-2] > k:
        gA = gA + ((gU - U @ UtgU) / _unsqueeze(S, -2)) @ Vh
    if vectors_used and Vh.shape[-1] > k:
        gA = gA + U @ ((gVh - F.mT(VtgV) @ Vh) / _unsqueeze(S, -1))
    return gA


svd = defop("LinalgSvdBackward0", forward=_svd, outputs=3, self=_svd_grad)


# --- symmetric eigendecomposition -----------------------------------------------------------------
def _eigh_grad(grad, result):
    gL, gV = grad
    L, V = result
    core = _diag_embed(gL)
    if _any(gV):
        n = L.shape[-1]
        eye = _eye(n, L)
        E = _unsqueeze(L, -2) - _unsqueeze(L, -1) + eye  # E_ij = lambda_j - lambda_i
        core = core + (F.mT(V) @ gV) * (1 - eye) / E
    gA = V @ core @ F.mT(V)
    # PyTorch returns the symmetric part: the gradient among symmetric inputs, whichever
    # triangle (UPLO) was read.
    return 0.5 * (gA + F.mT(gA))


eigh = defop("LinalgEighBackward0", forward=lambda self, UPLO: tuple(xp.linalg.eigh(self, UPLO)),
             outputs=2, self=_eigh_grad)


# --- QR -------------------------------------------------------------------------------------------
def _qr(A, mode):
    if mode == "r":
        return xp.zeros((0,), A.dtype), xp.linalg.qr(A, mode="r")
    return tuple(xp.linalg.qr(A, mode=mode))


def _qr_tall_grad(gQ, gR, Q, R):
    # A = QR with R square: gA = (gQ + Q copyltu(M)) R^-T, M = R gR^T - gQ^T Q, where copyltu
    # mirrors the lower triangle onto the upper one.
    M = R @ F.mT(gR) - F.mT(gQ) @ Q
    M = _tril(M) + F.mT(_tril(M, -1))
    return solve_triangular.on(F.mT(R), gQ + Q @ M, False, False, False)


def _qr_grad(grad, result, mode):
    gQ, gR = grad
    Q, R = result
    if mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when "
                           "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to "
                           "differentiate through linalg.qr.")
    m, n = Q.shape[-2], R.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and "
                           "nrows > ncols.")
    if m >= n:
        return _qr_tall_grad(gQ, gR, Q, R)
    # Wide: A = [X | Y] with X = Q R1 square and Y = Q R2; Y's part reaches X through Q.
    R1, R2, gR1, gR2 = R[..., :m], R[..., m:], gR[..., :m], gR[..., m:]
    gX = _qr_tall_grad(gQ + (Q @ R2) @ F.mT(gR2), gR1, Q, R1)
    return _cat([gX, Q @ gR2], -1)


qr = defop("LinalgQrBackward0", forward=_qr, outputs=2, self=_qr_grad)


# --- Cholesky -------------------------------------------------------------------------------------
def _cholesky_one(a):
    """Cholesky of one matrix, stopping where LAPACK stops: (lower factor, info)."""
    n = a.shape[-1]
    L = xp.tril(a).copy()
    for j in range(n):
        d = L[j, j] - L[j, :j] @ L[j, :j]
        if not d > 0:
            L[j, j] = d
            return L, j + 1
        L[j, j] = xp.sqrt(d)
        L[j + 1:, j] = (L[j + 1:, j] - L[j + 1:, :j] @ L[j, :j]) / L[j, j]
    return L, 0


def _cholesky(A, upper, name):
    """(factor, info); ``name`` words the error for a matrix that is not positive-definite,
    or is None for cholesky_ex, which reports it in ``info`` instead."""
    info = xp.zeros(A.shape[:-2], xp.int32)
    try:
        L = xp.linalg.cholesky(A)
    except xp.linalg.LinAlgError:
        flat = A.reshape((-1,) + A.shape[-2:])
        factors = xp.empty_like(flat)
        codes = info.reshape(-1)
        for i, a in enumerate(flat):
            factors[i], codes[i] = _cholesky_one(a)
            if codes[i] and name is not None:
                where = f"(Batch element {i}): " if A.ndim > 2 else ""
                raise LinAlgError(
                    f"{name}: {where}The factorization could not be completed because the input "
                    f"is not positive-definite (the leading minor of order {codes[i]} is not "
                    "positive-definite).") from None
        L = factors.reshape(A.shape)
    return (F.mT(L).copy() if upper else L), info


def _cholesky_grad(grad, result, upper):
    # Murray (2016): gA = L^-T Phi(L^T gL) L^-1, Phi taking the lower triangle with its diagonal
    # halved, then symmetrised; the result is symmetric.
    L, gL = (result, grad) if not upper else (F.mT(result), F.mT(grad))
    M = _tril(F.mT(L) @ gL)
    M = 0.5 * (M + F.mT(_tril(M, -1)))
    M = solve_triangular.on(F.mT(L), M, True, True, False)
    return solve_triangular.on(L, M, False, False, False)


cholesky_ex = defop(
    "LinalgCholeskyExBackward0", outputs=2,
    forward=lambda self, upper, name: _cholesky(self, upper, name),
    self=lambda grad, result, upper: _cholesky_grad(grad[0], result[0], upper),
)
cholesky = defop(
    "CholeskyBackward0",
    forward=lambda self, upper: _cholesky(self, upper, "cholesky")[0],
    self=lambda grad, result, upper: _cholesky_grad(grad, result, upper),
)


# --- log-determinant ------------------------------------------------------------------------------
def _slogdet_grad(grad, self):
    g = _unsqueeze(_unsqueeze(grad[1], -1), -1)  # the sign is piecewise constant
    return g * F.mT(inv.on(self))


slogdet = defop("LinalgSlogdetBackward0", outputs=2,
                forward=lambda self: tuple(xp.linalg.slogdet(self)), self=_slogdet_grad)


# --- pseudo-inverse and least squares -------------------------------------------------------------
def _pinv(A, atol, rtol, hermitian):
    m, n = A.shape[-2:]
    if rtol is None:
        default = xp.finfo(A.dtype).eps * max(m, n)
        rtol = 0.0 if atol is not None and xp.any(xp.asarray(atol) > 0) else default
    atol = 0.0 if atol is None else atol
    if A.size == 0:
        return xp.zeros(A.shape[:-2] + (n, m), A.dtype)
    if hermitian:
        values, vectors = xp.linalg.eigh(A)
        S = xp.abs(values)
        left, right = vectors * xp.sign(values)[..., None, :], vectors
    else:
        left, S, Vh = xp.linalg.svd(A, full_matrices=False)
        right = Vh.swapaxes(-1, -2)
    largest = S.max(axis=-1, keepdims=True)
    cutoff = xp.maximum(xp.asarray(atol)[..., None], xp.asarray(rtol)[..., None] * largest)
    with xp.errstate(divide="ignore"):
        inverse = xp.where(S > cutoff, 1 / S, 0).astype(A.dtype)
    return (right * inverse[..., None, :]) @ left.swapaxes(-1, -2)


def _pinv_grad(grad, self, result):
    # Golub and Pereyra: the derivative of a pseudo-inverse of locally constant rank.
    P, A, G = result, self, grad
    m, n = A.shape[-2], A.shape[-1]
    gA = -(F.mT(P) @ G @ F.mT(P))
    gA = gA + (_eye(m, A) - A @ P) @ F.mT(G) @ P @ F.mT(P)
    return gA + F.mT(P) @ P @ F.mT(G) @ (_eye(n, A) - P @ A)


pinv = defop("LinalgPinvBackward0",
             forward=lambda self, atol=None, rtol=None, hermitian=False: _pinv(
                 self, atol, rtol, hermitian), self=_pinv_grad)


def _lstsq(A, B, rcond, driver):
    m, n = A.shape[-2:]
    batch = xp.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    A = xp.broadcast_to(A, batch + A.shape[-2:])
    B = xp.broadcast_to(B, batch + B.shape[-2:])
    k = B.shape[-1]
    if rcond is None:
        rcond = xp.finfo(A.dtype).eps * max(m, n)
    solution = xp.empty(batch + (n, k), A.dtype)
    ranks = xp.empty(batch, xp.int64)
    values = xp.empty(batch + (min(m, n),), A.dtype)
    for index in xp.ndindex(*batch):
        x, _, rank, s = xp.linalg.lstsq(A[index], B[index], rcond=rcond)
        solution[index], ranks[index], values[index] = x, rank, s
    if m > n and driver != "gelsy" and (ranks == n).all():
        residuals = ((A @ solution - B) ** 2).sum(axis=-2)
    else:
        residuals = xp.zeros((0,), A.dtype)
    if driver == "gels":
        ranks = xp.zeros((0,), xp.int64)
    if driver not in ("gelsd", "gelss"):
        values = xp.zeros((0,), A.dtype)
    return solution, residuals, ranks, values


def _lstsq_grads(grad, self, b, result):
    """(gA, gB): the solution through the pseudo-inverse, the residuals as ||A X - B||^2
    (whose derivative through X vanishes at a least-squares solution)."""
    gX, gResiduals = grad[0], grad[1]
    X = result[0]
    P = pinv.on(self)
    gA = _pinv_grad(gX @ F.mT(b), self, P)
    gB = F.mT(P) @ gX
    if gResiduals.shape[-1:] == X.shape[-1:] and _any(gResiduals):
        R = (self @ X - b) * _unsqueeze(gResiduals, -2) * 2
        gA = gA + R @ F.mT(X)
        gB = gB - R
    return gA, gB


lstsq = defop(
    "LinalgLstsqBackward0", inputs="self b", promote="binary", broadcast=True, outputs=4,
    forward=_lstsq,
    self=lambda grad, self, b, result: _lstsq_grads(grad, self, b, result)[0],
    b=lambda grad, self, b, result: _lstsq_grads(grad, self, b, result)[1],
)


# --- triangular solves ----------------------------------------------------------------------------
def _substitute(A, B, upper):
    """Solve triangular ``A X = B`` row by row; a zero on the diagonal gives inf or nan, as the
    LAPACK kernel does (no error)."""
    n = A.shape[-1]
    X = xp.zeros(xp.broadcast_shapes(A.shape[:-2], B.shape[:-2]) + B.shape[-2:],
                 xp.result_type(A, B))
    order = range(n - 1, -1, -1) if upper else range(n)
    with xp.errstate(divide="ignore", invalid="ignore"):
        for i in order:
            done = slice(i + 1, n) if upper else slice(0, i)
            rest = B[..., i, :] - (A[..., i:i + 1, done] @ X[..., done, :])[..., 0, :]
            X[..., i, :] = rest / A[..., i, i, None]
    return X


def triangular_solve(A, B, upper):
    """Solve ``A X = B`` for a triangular ``A`` (only its ``upper`` or lower triangle is read)."""
    A = xp.triu(A) if upper else xp.tril(A)
    batch = xp.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    A = xp.broadcast_to(A, batch + A.shape[-2:])
    B = xp.broadcast_to(B, batch + B.shape[-2:])
    if A.size == 0 or B.size == 0:
        return xp.zeros(B.shape, xp.result_type(A, B))
    try:
        return xp.linalg.solve(A, B)
    except xp.linalg.LinAlgError:
        return _substitute(A, B, upper)


def _solve_triangular(A, B, upper, left, unitriangular):
    if unitriangular:
        n = A.shape[-1]
        A = (xp.triu(A, 1) if upper else xp.tril(A, -1)) + xp.eye(n, dtype=A.dtype)
    if left:
        return triangular_solve(A, B, upper)
    return triangular_solve(A.swapaxes(-1, -2), B.swapaxes(-1, -2), not upper).swapaxes(-1, -2)


def _solve_triangular_A(grad, self, result, upper, left, unitriangular):
    gB = solve_triangular.on(F.mT(self), grad, not upper, left, unitriangular)
    gA = -(gB @ F.mT(result)) if left else -(F.mT(result) @ gB)
    diagonal = 1 if unitriangular else 0
    return _triu(gA, diagonal) if upper else _tril(gA, -diagonal)


solve_triangular = defop(
    "LinalgSolveTriangularBackward0", inputs="self B", promote="binary", broadcast=True,
    forward=_solve_triangular, self=_solve_triangular_A,
    B=lambda grad, self, upper, left, unitriangular: solve_triangular.on(
        F.mT(self), grad, not upper, left, unitriangular),
)


# --- matrix exponential ---------------------------------------------------------------------------
# Higham (2005): the [13/13] Pade approximant after scaling A by 2^-s so its 1-norm is at most
# theta_13, then s squarings.
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def _matrix_exp(A):
    if A.size == 0:
        return A.copy()
    work = A.astype(xp.float64)
    n = A.shape[-1]
    norms = xp.abs(work).sum(axis=-2).max(axis=-1)
    with xp.errstate(divide="ignore"):
        steps = xp.maximum(0, xp.ceil(xp.log2(norms / _THETA13))).astype(int)
    steps = xp.where(xp.isfinite(norms), steps, 0)
    work = work / (2.0 ** steps)[..., None, None]
    b = _PADE13
    eye = xp.eye(n)
    A2 = work @ work
    A4 = A2 @ A2
    A6 = A4 @ A2
    U = work @ (A6 @ (b[13] * A6 + b[11] * A4 + b[9] * A2) + b[7] * A6 + b[5] * A4 + b[3] * A2
                + b[1] * eye)
    V = A6 @ (b[12] * A6 + b[10] * A4 + b[8] * A2) + b[6] * A6 + b[4] * A4 + b[2] * A2 + b[0] * eye
    result = xp.linalg.solve(V - U, V + U)
    for step in range(int(steps.max()) if steps.size else 0):
        squared = result @ result
        result = xp.where((steps > step)[..., None, None], squared, result)
    return result.astype(A.dtype)


def _matrix_exp_grad(grad, self):
    # The adjoint of the Frechet derivative: the upper-right block of exp([[A^T, G], [0, A^T]]).
    n = self.shape[-1]
    At = F.mT(self)
    block = _cat([_cat([At, grad], -1), _cat([At * 0, At], -1)], -2)
    return matrix_exp.on(block)[..., :n, n:]


matrix_exp = defop("LinalgMatrixExpBackward0", forward=_matrix_exp, self=_matrix_exp_grad)


# --- LU -------------------------------------------------------------------------------------------
def lu_factor_arrays(A):
    """Partial pivoting LU, as LAPACK's getrf: (LU packed, 1-based int32 pivots, int32 info)."""
    m, n = A.shape[-2:]
    k = min(m, n)
    batch = A.shape[:-2]
    a = A.reshape((-1, m, n)).copy()
    count = a.shape[0]
    pivots = xp.empty((count, k), xp.int32)
    info = xp.zeros(count, xp.int32)
    rows = xp.arange(count)
    for j in range(k):
        p = j + xp.argmax(xp.abs(a[:, j:, j]), axis=1)
        pivots[:, j] = p + 1
        swapped = a[rows, p].copy()
        a[rows, p] = a[:, j]
        a[:, j] = swapped
        pivot = a[:, j, j]
        zero = pivot == 0
        info = xp.where(zero & (info == 0), j + 1, info).astype(xp.int32)
        scale = xp.where(zero, 1, pivot)
        a[:, j + 1:, j] /= scale[:, None]
        a[:, j + 1:, j + 1:] -= a[:, j + 1:, j:j + 1] * a[:, j:j + 1, j + 1:]
    return a.reshape(A.shape), pivots.reshape(batch + (k,)), info.reshape(batch)


def permutation(pivots, m, dtype):
    """The matrix P with A = P L U, from getrf's row swaps."""
    batch = pivots.shape[:-1]
    order = xp.broadcast_to(xp.arange(m), batch + (m,)).copy()
    flat = order.reshape(-1, m)
    swaps = pivots.reshape(-1, pivots.shape[-1]) - 1
    rows = xp.arange(flat.shape[0])
    for j in range(swaps.shape[-1]):
        target = swaps[:, j]
        first = flat[:, j].copy()
        flat[:, j] = flat[rows, target]
        flat[rows, target] = first
    P = xp.zeros(batch + (m, m), dtype)
    xp.put_along_axis(P, order[..., :, None], 1, axis=-1)  # row order[i] of A is row i of LU
    return P.swapaxes(-1, -2).copy()


def unpack(LU, m, n):
    """The unit lower L (m x k) and upper U (k x n) packed in ``LU``."""
    k = min(m, n)
    L = xp.tril(LU[..., :, :k], -1) + xp.eye(m, k, dtype=LU.dtype)
    return L, xp.triu(LU[..., :k, :])


def _lu_grad(gL, gU, P, L, U):
    """gA for A = P L U (L unit lower m x k, U upper k x n), square, tall or wide."""
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    if m > n:
        # L = [L1; L2]: L2 = A2 U^-1 takes its gradient straight to A2 and adds to U's.
        L1, L2, gL1, gL2 = L[..., :k, :], L[..., k:, :], gL[..., :k, :], gL[..., k:, :]
        gA2 = solve_triangular.on(F.mT(U), gL2, False, False, False)
        gA1 = _lu_square_grad(gL1, gU - F.mT(L2) @ gA2, L1, U)
        return P @ _cat([gA1, gA2], -2)
    if m < n:
        U1, U2, gU1, gU2 = U[..., :k], U[..., k:], gU[..., :k], gU[..., k:]
        gA2 = solve_triangular.on(F.mT(L), gU2, True, True, True)
        gA1 = _lu_square_grad(gL - gA2 @ F.mT(U2), gU1, L, U1)
        return P @ _cat([gA1, gA2], -1)
    return P @ _lu_square_grad(gL, gU, L, U)


def _lu_square_grad(gL, gU, L, U):
    # gA = L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T
    M = _tril(F.mT(L) @ gL, -1) + _triu(gU @ F.mT(U))
    M = solve_triangular.on(F.mT(L), M, True, True, True)
    return solve_triangular.on(F.mT(U), M, False, False, False)


def _lu_factor_grad(grad, result):
    packed, pivots = result[0], F.detached(result[1])
    m, n = packed.shape[-2:]
    k = min(m, n)
    P = _const(permutation(pivots, m, F.detached(packed).dtype), packed)
    L = _tril(packed[..., :, :k], -1) + _const(xp.eye(m, k, dtype=F.detached(packed).dtype),
                                                packed)
    U = _triu(packed[..., :k, :])
    g = grad[0]
    return _lu_grad(_tril(g[..., :, :k], -1), _triu(g[..., :k, :]), P, L, U)


lu_factor_ex = defop("LinalgLuFactorExBackward0", outputs=3,
                     forward=lambda self, pivot=True: lu_factor_arrays(self),
                     self=_lu_factor_grad)


def _lu(A, pivot=True):
    packed, pivots, _ = lu_factor_arrays(A)
    m, n = A.shape[-2:]
    L, U = unpack(packed, m, n)
    return permutation(pivots, m, A.dtype), L, U


lu = defop("LinalgLuBackward0", outputs=3, forward=_lu,
           self=lambda grad, result: _lu_grad(_tril(grad[1], -1), _triu(grad[2]), result[0],
                                              result[1], result[2]))


def _lu_solve(LU, B, pivots, left, adjoint):
    n = LU.shape[-1]
    P = permutation(pivots, n, LU.dtype)
    L, U = unpack(LU, n, n)
    transpose = adjoint == left  # right-hand solves are left-hand solves of the transposes
    if not left:
        B = B.swapaxes(-1, -2)
    if transpose:  # A^T X = B: U^T L^T P^T X = B
        X = P @ triangular_solve(L.swapaxes(-1, -2), triangular_solve(
            U.swapaxes(-1, -2), B, False), True)
    else:  # P L U X = B
        X = triangular_solve(U, triangular_solve(L, P.swapaxes(-1, -2) @ B, False), True)
    return X if left else X.swapaxes(-1, -2)


def _lu_solve_grads(grad, LU, pivots, result, left, adjoint):
    """(gLU, gB) for X = op(A)^-1 B (left) or B op(A)^-1, A = P L U, op a transpose if adjoint."""
    gB = lu_solve.on(LU, grad, pivots, left, not adjoint)
    X = result
    g_op = -(gB @ F.mT(X)) if left else -(F.mT(X) @ gB)
    gA = F.mT(g_op) if adjoint else g_op
    n = LU.shape[-1]
    dtype = F.detached(LU).dtype
    P = _const(permutation(F.detached(pivots), n, dtype), LU)
    L = _tril(LU, -1) + _eye(n, LU)
    U = _triu(LU)
    PtgA = F.mT(P) @ gA
    return _tril(PtgA @ F.mT(U), -1) + _triu(F.mT(L) @ PtgA), gB


lu_solve = defop(
    "LinalgLuSolveBackward0", inputs="LU B", promote="binary", broadcast=True,
    forward=_lu_solve,
    LU=lambda grad, LU, pivots, result, left, adjoint: _lu_solve_grads(
        grad, LU, pivots, result, left, adjoint)[0],
    B=lambda grad, LU, pivots, left, adjoint: lu_solve.on(LU, grad, pivots, left, not adjoint),
)


# --- cross product --------------------------------------------------------------------------------
def _cross_on(a, b, dim):
    if F.is_tensor(a) or F.is_tensor(b):
        return linalg_cross(a if F.is_tensor(a) else Tensor._make(a),
                            b if F.is_tensor(b) else Tensor._make(b), dim)
    return xp.cross(a, b, axis=dim)


linalg_cross = defop(
    "LinalgCrossBackward0", inputs="self other", promote="binary", broadcast=True,
    forward=lambda self, other, dim: xp.cross(self, other, axis=dim),
    self=lambda grad, other, dim: _cross_on(other, grad, dim),
    other=lambda grad, self, dim: _cross_on(grad, self, dim),
)
