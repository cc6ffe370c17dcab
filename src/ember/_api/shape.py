"""Shape functions, indexing and joining. Public functions, each also a Tensor method."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _shape_args, wrap_dim
from . import public, tensor_arg
from ..ops import shape as S
from ..ops.op import inplace


# --- shape --------------------------------------------------------------------------------------
def _infer_shape(shape, numel):
    shape = list(shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
        shape[shape.index(-1)] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
    return tuple(shape)


@public()
def reshape(input, *shape):  # noqa: A002
    shape = _infer_shape(_shape_args(shape), input._data.size)
    if shape == input._data.shape:
        return S.view(input, shape)
    if _viewable(input._data, shape):
        return S.view(input, shape)
    return S.unsafe_view(S.clone(input), shape)


def _viewable(array, shape):
    try:
        np.reshape(array, shape, copy=False)
        return True
    except ValueError:
        return False


@public()
def view(input, *shape):  # noqa: A002
    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        raise NotImplementedError("view(dtype) is not supported by ember")
    shape = _infer_shape(_shape_args(shape), input._data.size)
    if not _viewable(input._data, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return S.view(input, shape)


@public()
def flatten(input, start_dim=0, end_dim=-1):  # noqa: A002
    ndim = input.ndim
    if ndim == 0:
        return reshape(input, 1)
    start, end = wrap_dim(start_dim, ndim), wrap_dim(end_dim, ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    shape = input.shape
    return reshape(input, shape[:start] + (-1,) + shape[end + 1:])


@public("swapaxes", "swapdims")
def transpose(input, dim0, dim1):  # noqa: A002
    ndim = input.ndim
    return S.transpose(input, wrap_dim(dim0, ndim), wrap_dim(dim1, ndim))




@public()
def t(input):  # noqa: A002
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.ndim}D")
    return S.t(input)


@public()
def permute(input, *dims):  # noqa: A002
    dims = _shape_args(dims, "dims")
    ndim = input.ndim
    if len(dims) != ndim:
        raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does "
                           "not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {ndim} is not equal to len(dims) = {len(dims)}")
    dims = tuple(wrap_dim(d, ndim) for d in dims)
    if len(set(dims)) != ndim:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return S.permute(input, dims)


@public()
def unsqueeze(input, dim):  # noqa: A002
    return S.unsqueeze(input, wrap_dim(dim, input.ndim + 1))


@public()
def squeeze(input, dim=None):  # noqa: A002
    if dim is None:
        return S.squeeze_all(input)
    if isinstance(dim, (tuple, list)):
        return S.squeeze_dims(input, tuple(wrap_dim(d, input.ndim) for d in dim))
    return S.squeeze_dim(input, wrap_dim(dim, input.ndim))


@public()
def expand(input, *sizes):  # noqa: A002
    sizes = _shape_args(sizes, "size")
    shape = input.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand({input.type()}{{{list(shape)}}}, size={list(sizes)}): the number of sizes "
            "provided (%d) must be greater or equal to the number of dimensions in the tensor "
            "(%d)" % (len(sizes), len(shape)))
    lead = len(sizes) - len(shape)
    target = []
    for i, size in enumerate(sizes):
        if i < lead:
            if size < 0:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a "
                                   f"leading, non-existing dimension {i}")
            target.append(size)
            continue
        current = shape[i - lead]
        if size == -1:
            size = current
        elif current != 1 and current != size:
            raise RuntimeError(
                f"The expanded size of the tensor ({size}) must match the existing size "
                f"({current}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  "
                f"Tensor sizes: {list(shape)}")
        target.append(size)
    target = tuple(target)
    if target == shape:
        return S.expand(input, target)
    return S.expand(input, target)


@public(function=False)
def expand_as(input, other):  # noqa: A002
    return expand(input, other.shape)


# --- indexing -----------------------------------------------------------------------------------
def _is_advanced(k):
    return isinstance(k, (Tensor, np.ndarray, list)) or (
        isinstance(k, (bool, np.bool_)))


def _advanced_key(key):
    out = []
    for k in key:
        if isinstance(k, Tensor):
            k = k._data
        elif isinstance(k, list):
            k = np.asarray(k)
            if k.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool "
                                 "tensors")
        out.append(k)
    return tuple(out)


def getitem(self, key):
    if not isinstance(key, tuple):
        key = (key,)
    if any(_is_advanced(k) for k in key):
        key = _advanced_key(key)
        _check_advanced(self, key)
        return S.index(self, key)
    specified = len([k for k in key if k is not None and k is not Ellipsis])
    if specified > self.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
    if Ellipsis in key:
        i = key.index(Ellipsis)
        key = key[:i] + (slice(None),) * (self.ndim - specified) + key[i + 1:]
    result, dim = self, 0
    for k in key:
        if k is None:
            result = S.unsqueeze(result, dim)
            dim += 1
        elif isinstance(k, slice):
            size = result._data.shape[dim]
            start, stop, step = k.indices(size)
            if k.step is not None and k.step <= 0:
                raise ValueError("step must be greater than zero")
            result = S.slice_op(result, dim, start, max(stop, start), step)
            dim += 1
        elif isinstance(k, (int, np.integer)):
            size = result._data.shape[dim]
            if not -size <= k < size:
                raise IndexError(f"index {k} is out of bounds for dimension {dim} with size "
                                 f"{size}")
            result = S.select(result, dim, int(k) % size)
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                             "byte Variables are valid indices (got "
                             f"{type(k).__name__})")
    if result is self:
        result = S.slice_op(self, 0, 0, self.shape[0], 1) if self.ndim else S.view(self, ())
    return result


def _check_advanced(self, key):
    try:
        np.empty(self._data.shape, dtype=np.bool_)[key]
    except IndexError as error:
        message = str(error)
        if "out of bounds" in message:
            raise IndexError(message.replace("axis", "dimension")) from None
        raise IndexError(message) from None


def setitem(self, key, value):
    if isinstance(value, Tensor):
        if value.dtype is not self.dtype:
            value = value.to(self.dtype)
    else:
        value = Tensor._make(np.asarray(value, dtype=self._data.dtype))
    if not isinstance(key, tuple):
        key = (key,)
    key = _advanced_key(key) if any(_is_advanced(k) for k in key) else key
    inplace(S.copy_slices, self, value, key)


Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem


# --- joining ------------------------------------------------------------------------------------
@public("concat", "concatenate")
def cat(tensors, dim=0):
    """Concatenate tensors along an existing dimension."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"cat(): argument 'tensors' must be tuple of Tensors, not "
                            f"{type(t).__name__}")
    # PyTorch skips legacy empty 1-D tensors of shape (0,).
    shaped = [t for t in tensors if t.shape != (0,)] or tensors[:1]
    ref = shaped[0]
    dim = wrap_dim(dim, ref.ndim)
    for i, t in enumerate(shaped):
        if t.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} "
                               f"and {t.ndim}")
        for d in range(ref.ndim):
            if d != dim and t.shape[d] != ref.shape[d]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size "
                    f"{ref.shape[d]} but got size {t.shape[d]} for tensor number {i} in the list.")
    return S.cat(shaped, dim)




@public()
def stack(tensors, dim=0):
    """Join tensors of equal shape along a new dimension."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(tensors[0].shape)} at entry 0 and {list(t.shape)} at "
                               f"entry {i}")
    return S.stack(tensors, wrap_dim(dim, tensors[0].ndim + 1))
