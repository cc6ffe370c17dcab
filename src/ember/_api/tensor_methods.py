"""Tensor-only in-place methods that are not the in-place form of a function."""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd import grad_mode
from ..ops.indexing import copy as copy_row
from ..ops.indexing import fill as fill_row
from ..ops.indexing import fill_scalar as fill_scalar_row
from ..ops.indexing import zero as zero_row
from ..ops.op import _broadcast_error
from ..ops.inplace import inplace as run_inplace
from . import public
from .indexing import _check_copy_shape
from . import pointwise


@public(function=False)
def zero_(self):
    """Fill with zeros, in place; in a graph the old values get no gradient (ZeroBackward0)."""
    if self._requires_grad and grad_mode.state.enabled:
        return run_inplace(zero_row, self)
    return _write_fill(self, 0)


@public(function=False)
def fill_(self, value):
    """Fill with ``value``, in place; in a graph the old values get no gradient (FillBackward2,
    or FillBackward3 for a 0-d tensor value)."""
    row = fill_scalar_row
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
        row, value = fill_row, value.item()
    if self._requires_grad and grad_mode.state.enabled:
        return run_inplace(row, self, value)
    return _write_fill(self, value)


def _write_fill(self, value):
    """Fill the array directly: nothing to record (no grad needed, or grad mode off)."""
    self._data[...] = value
    self._bump_version()
    return self


@public(function=False)
def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast to this shape, cast to this dtype) into this tensor; a Python
    number fills it."""
    if isinstance(src, (bool, int, float)):
        return fill_(self, src)
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    try:
        src = _check_copy_shape(src, self)
    except RuntimeError:
        raise _broadcast_error((self._data, src._data)) from None  # PyTorch's copy_ message
    return run_inplace(copy_row, self, src)


@public(function=False)
def where(self, condition, other):
    """``self`` where ``condition`` holds, else ``other`` (the method form of ember.where)."""
    return pointwise.where(condition, self, other)
