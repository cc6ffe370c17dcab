"""In-place helpers PyTorch's Tensor has and ember's does not (yet): addcmul_, addcdiv_,
maximum into a buffer. Each is composed from public tensor ops, one temporary per call."""

from __future__ import annotations

from .._api.pointwise import where


def addcmul_(target, tensor1, tensor2, value=1):
    """``target += value * tensor1 * tensor2``."""
    return target.add_(tensor1 * tensor2, alpha=value)


def addcdiv_(target, tensor1, tensor2, value=1):
    """``target += value * tensor1 / tensor2``."""
    return target.add_(tensor1 / tensor2, alpha=value)


def maximum_(target, other):
    """``target = max(target, other)`` elementwise, in place; returns ``target``."""
    return target.copy_(where(target >= other, target, other))
