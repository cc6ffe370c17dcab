"""Matrix products. Public functions, each also a Tensor method."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _shape_args, wrap_dim
from . import public, tensor_arg
from ..ops import linalg as L


# --- linear algebra -----------------------------------------------------------------------------
@public()
def matmul(input, other):  # noqa: A002
    tensor_arg(input, "input", "matmul")
    tensor_arg(other, "other", "matmul")
    return L.matmul(input, other)


@public()
def mm(input, mat2):  # noqa: A002
    L.check_mm(input, mat2)
    return L.mm(input, mat2)


@public()
def dot(input, tensor):  # noqa: A002
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D "
                           "tensors")
    return L.matmul(input, tensor)


@public()
def mv(input, vec):  # noqa: A002
    return L.matmul(input, vec)


@public()
def bmm(input, mat2):  # noqa: A002
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
    return L.bmm(input, mat2)
