"""``ember.linalg``: PyTorch's torch.linalg namespace (norms, inverse, determinant, solve).

>>> import ember
>>> ember.linalg.vector_norm(ember.tensor([3., 4.]))
tensor(5.)
"""

from __future__ import annotations

from ._api.linalg import LinAlgError, det, inv, matrix_norm, norm, solve
from ._api.reduction import vector_norm

__all__ = ["LinAlgError", "det", "inv", "matrix_norm", "norm", "solve", "vector_norm"]
