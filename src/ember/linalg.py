"""``ember.linalg``: PyTorch's torch.linalg namespace: norms, inverses, determinants, solves,
and the decompositions (svd, eigh, qr, cholesky, lu) with the functions built on them.

>>> import ember
>>> ember.linalg.vector_norm(ember.tensor([3., 4.]))
tensor(5.)
"""

from __future__ import annotations

from ._api.decompositions import (cholesky, cholesky_ex, cond, cross, diagonal, eig, eigh,
                                  eigvals, eigvalsh, householder_product, inv_ex, lstsq, lu,
                                  lu_factor, lu_factor_ex, lu_solve, matmul, matrix_exp,
                                  matrix_power, matrix_rank, multi_dot, pinv, qr, slogdet,
                                  solve_ex, solve_triangular, svd, svdvals, tensorinv,
                                  tensorsolve, vander, vecdot)
from ._api.linalg import LinAlgError, det, inv, matrix_norm, norm, solve
from ._api.reduction import vector_norm

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig",
           "eigh", "eigvals", "eigvalsh", "householder_product", "inv", "inv_ex", "lstsq", "lu",
           "lu_factor", "lu_factor_ex", "lu_solve", "matmul", "matrix_exp", "matrix_norm",
           "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve",
           "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve", "vander",
           "vecdot", "vector_norm"]
