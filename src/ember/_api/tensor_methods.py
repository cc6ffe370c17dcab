"""Tensor-only in-place methods that are not the in-place form of a function."""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd import grad_mode
from ..ops.indexing import copy as copy_row
from ..ops.op import _broadcast_error
from ..ops.inplace import inplace as run_inplace
from . import public
from .indexing import _check_copy_shape
from . import pointwise


@public(function=False)
def zero_(self):
    """Fill with zeros, in place."""
    return fill_(self, 0)


@public(function=False)
def fill_(self, value):
    """Fill with ``value``, in place (the old graph no longer reaches this tensor)."""
    if isinstance(value, Tensor):
        value = value.item()
    if self._requires_grad and self.grad_fn is None and grad_mode.state.enabled:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    self._data[...] = value
    self._bump_version()
    if self.grad_fn is not None:
        self.grad_fn = None
        self._requires_grad = False
    return self


@public(function=False)
def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast to this shape, cast to this dtype) into this tensor."""
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
