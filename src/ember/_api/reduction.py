"""Reductions: sum, mean, ... Public functions, each also a Tensor method."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _shape_args, wrap_dim
from . import public, tensor_arg
from ..ops import reduction as R


# --- reductions ---------------------------------------------------------------------------------
def _dims(dim, ndim):
    if isinstance(dim, (list, tuple)):
        dims = tuple(wrap_dim(d, ndim) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
        return dims
    return (wrap_dim(dim, ndim),)


@public()
def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001, A002
    if dtype is not None:
        input = input.to(dtype)
    elif input._data.dtype.kind in "biu" and input._data.dtype != np.int64:
        input = input.to(_dtype.int64)  # PyTorch sums integers and bools as int64
    if dim is None:
        return R.sum_all(input)
    if isinstance(dim, (list, tuple)) and len(dim) == 0:
        return R.sum_all(input) if not keepdim else R.sum_dim(input, None, True)
    return R.sum_dim(input, _dims(dim, input.ndim), keepdim)


@public()
def mean(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point():
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {input.dtype._legacy[:-6]}")
    if dim is None:
        return R.mean_all(input)
    return R.mean_dim(input, _dims(dim, input.ndim), keepdim)
