"""Reductions: sum and mean (the op-library issue adds the rest)."""

from __future__ import annotations

from ..backend import xp
from . import formula as F
from .op import defop


def _numel(shape, dim):
    if dim is None:
        dim = range(len(shape))
    count = 1
    for d in dim:
        count *= shape[d]
    return count


sum_all = defop("SumBackward0", forward=lambda self: xp.sum(self),
                self=lambda grad, self_shape: F.expand(grad, self_shape))
sum_dim = defop(
    "SumBackward1",
    forward=lambda self, dim, keepdim: xp.sum(self, axis=dim, keepdims=keepdim),
    self=lambda grad, self_shape, dim, keepdim: F.expand(
        grad if keepdim else F.unsqueeze_dims(grad, dim, len(self_shape)), self_shape),
)
mean_all = defop(
    "MeanBackward0", forward=lambda self: xp.mean(self, dtype=self.dtype),
    self=lambda grad, self_shape: F.expand(grad / max(_numel(self_shape, None), 1), self_shape),
)
mean_dim = defop(
    "MeanBackward1",
    forward=lambda self, dim, keepdim: xp.mean(self, axis=dim, keepdims=keepdim, dtype=self.dtype),
    self=lambda grad, self_shape, dim, keepdim: F.expand(
        (grad if keepdim else F.unsqueeze_dims(grad, dim, len(self_shape)))
        / max(_numel(self_shape, dim), 1), self_shape),
)
