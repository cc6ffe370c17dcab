"""Reducing scatters, writes through a view into a copy, strided views, ``put``.

``scatter_reduce``/``index_reduce`` fold values into positions with sum, prod, mean, amax or
amin; ``select_scatter``, ``slice_scatter``, ``diagonal_scatter`` and ``as_strided_scatter``
return a copy with a view's region replaced; ``as_strided`` is a view with explicit strides.

ember's storage is the NumPy array of a tensor's base. ``as_strided`` reads it in row-major
order, as PyTorch reads its storage; it is a view (sharing memory and version counter) when the
base's array is row-major contiguous, and a copy otherwise (a base computed column-major, such as
some matmul results), where PyTorch would still give a view.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _shape_args, wrap_dim
from ..autograd import grad_mode
from ..ops import indexing as I
from ..ops import shape as S
from . import public, tensor_arg
from .index_functions import _check_gather, _index_tensor
from .shape import numpy_axis

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")
_LEGACY_NAMES = {"max": "amax", "min": "amin"}  # (PyTorch still accepts these spellings)


# --- scatter_reduce / index_reduce ----------------------------------------------------------------
@public(inplace=True)
@numpy_axis
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):  # noqa: A002
    """Fold ``src`` into ``input`` at ``index`` along ``dim`` with ``reduce`` ("sum", "prod",
    "mean", "amax" or "amin"); ``include_self=False`` leaves input's values out where values
    arrive. Differentiable in input and src for every reduction.

    >>> import ember
    >>> ember.zeros(2).scatter_reduce(0, ember.tensor([0, 0, 1]), ember.tensor([1., 5., 2.]),
    ...                               "amax", include_self=False)
    tensor([5., 2.])
    """
    reduce = _LEGACY_NAMES.get(reduce, reduce)
    if reduce not in _REDUCTIONS:
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    tensor_arg(src, "src", "scatter_reduce")
    positions = _index_tensor(index, "scatter_reduce")
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    dim = _check_gather("scatter_reduce", input, dim, positions, src._data)
    return I.scatter_reduce(input, src, dim, positions.astype(np.int64, copy=False), reduce,
                            bool(include_self))


@public(inplace=True)
@numpy_axis
def index_reduce(input, dim, index, source, reduce, *, include_self=True):  # noqa: A002
    """Fold the slices of ``source`` into ``input`` at positions ``index`` along ``dim`` with
    ``reduce`` ("prod", "mean", "amax" or "amin").

    >>> import ember
    >>> ember.ones(3).index_reduce(0, ember.tensor([0, 0]), ember.tensor([2., 3.]), "prod")
    tensor([6., 1., 1.])
    """
    if reduce not in _REDUCTIONS[1:]:
        raise RuntimeError("index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    tensor_arg(source, "source", "index_reduce")
    positions = _index_tensor(index, "index_reduce")
    if positions.ndim > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector, but got dim: "
                         f"{positions.ndim} with type: {index.dtype._legacy[:-6]} and size: "
                         f"{list(positions.shape)}")
    if positions.dtype not in (np.int32, np.int64):
        raise RuntimeError("index_reduce_(): Expected dtype int32/int64 for index but got: "
                           f"{index.dtype._legacy[:-6]}")
    dim = wrap_dim(dim, input.ndim)
    count = source._data.shape[dim] if source.ndim else 1
    if positions.size != count:
        raise RuntimeError(f"index_reduce_(): Number of indices ({positions.size}) should be "
                           f"equal to source.size(dim): ({count}), for dim: {dim}")
    if source.ndim != input.ndim or any(a != b for d, (a, b) in enumerate(
            zip(source.shape, input.shape)) if d != dim):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(input.shape)} "
                           f"source.shape = {list(source.shape)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_reduce_(): self ({input.dtype._legacy[:-6]}) and source "
                           f"({source.dtype._legacy[:-6]}) must have the same scalar type")
    size = input._data.shape[dim] if input.ndim else 1
    positions = positions.reshape(-1).astype(np.int64)
    if positions.size and (positions.min() < 0 or positions.max() >= size):
        raise IndexError("index out of range in self")
    # Spread the 1-D index over source's shape: then it is a scatter_reduce.
    if source.ndim:
        shape = [1] * source.ndim
        shape[dim] = positions.size
        positions = np.ascontiguousarray(np.broadcast_to(positions.reshape(shape),
                                                         source._data.shape))
    return I.index_reduce(input, source, dim, positions, reduce, bool(include_self))


# --- put ------------------------------------------------------------------------------------------
@public(inplace=True, snapshot=False)
def put(input, index, source, accumulate=False):  # noqa: A002
    """Write ``source`` at the flat positions ``index`` of ``input`` (as if it were 1-D),
    adding instead if ``accumulate``.

    >>> import ember
    >>> ember.zeros(2, 2).put(ember.tensor([0, -1]), ember.tensor([1., 2.]))
    tensor([[1., 0.],
            [0., 2.]])
    """
    tensor_arg(source, "source", "put")
    positions = _index_tensor(index, "put")
    if positions.dtype != np.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got "
                           f"{index.dtype._legacy[:-6]}")
    if source.dtype is not input.dtype:
        raise RuntimeError("put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {input.dtype._legacy[:-6]} and source.dtype = "
                           f"{source.dtype._legacy[:-6]}")
    if positions.size != source._data.size:
        raise IndexError("put_(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {source._data.size}, "
                         f"index.numel() = {positions.size}")
    numel = input._data.size
    positions = positions.reshape(-1)
    outside = positions[(positions < -numel) | (positions >= numel)]
    if outside.size:
        raise IndexError(f"out of range: tried to access index {outside[0]} on a tensor of "
                         f"{numel} elements.")
    return I.put(input, source, positions % numel if numel else positions, bool(accumulate))


# --- a view's region replaced, in a copy ----------------------------------------------------------
def _fit_src(input, src, region_shape):  # noqa: A002
    tensor_arg(src, "src", "scatter")
    if tuple(src.shape) != tuple(region_shape):
        raise RuntimeError("expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(region_shape)}")
    return src if src.dtype is input.dtype else src.to(input.dtype)


@public()
def select_scatter(input, src, dim, index):  # noqa: A002
    """``input`` with ``input.select(dim, index)`` replaced by ``src`` (a copy).

    >>> import ember
    >>> ember.zeros(2, 2).select_scatter(ember.ones(2), 0, 1)
    tensor([[0., 0.],
            [1., 1.]])
    """
    tensor_arg(input, "input", "select_scatter")
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, input.ndim)
    size = input._data.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {dim}")
    index %= size
    region = input._data.shape[:dim] + input._data.shape[dim + 1:]
    return S.select_scatter(input, _fit_src(input, src, region), dim, index)


@public()
def slice_scatter(input, src, dim=0, start=None, end=None, step=1):  # noqa: A002
    """``input`` with ``input[..., start:end:step, ...]`` (along ``dim``) replaced by ``src``.

    >>> import ember
    >>> ember.zeros(4).slice_scatter(ember.ones(2), start=0, step=2)
    tensor([1., 0., 1., 0.])
    """
    tensor_arg(input, "input", "slice_scatter")
    dim = wrap_dim(dim, input.ndim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    start, stop, step = slice(start, end, step).indices(input._data.shape[dim])
    stop = max(start, stop)
    region = S.slice_op.forward(input._data, dim, start, stop, step).shape
    return S.slice_scatter(input, _fit_src(input, src, region), dim, start, stop, step)


@public()
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):  # noqa: A002
    """``input`` with ``input.diagonal(offset, dim1, dim2)`` replaced by ``src`` (a copy).

    >>> import ember
    >>> ember.zeros(2, 2).diagonal_scatter(ember.tensor([1., 2.]))
    tensor([[1., 0.],
            [0., 2.]])
    """
    tensor_arg(input, "input", "diagonal_scatter")
    from .shape import _diagonal_dims

    dim1, dim2 = _diagonal_dims(input.ndim, dim1, dim2)
    region = S.diagonal_view(input._data, offset, dim1, dim2).shape
    return S.diagonal_scatter(input, _fit_src(input, src, region), offset, dim1, dim2)


# --- as_strided -----------------------------------------------------------------------------------
def _storage_of(input):  # noqa: A002
    """The tensor whose array is ``input``'s storage, and input's offset in it (in elements);
    None as the offset when the storage's memory is not row-major (no view possible)."""
    base = input._base if input._base is not None else input
    storage = base._data
    if not storage.flags.c_contiguous:
        return base, None
    itemsize = storage.itemsize
    delta = input._data.__array_interface__["data"][0] - storage.__array_interface__["data"][0]
    return base, delta // itemsize


def _positions(size, stride, offset):
    """The storage position of every element of a strided view (row-major over ``size``)."""
    positions = np.full(size, offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[d] = n
        positions = positions + (np.arange(n, dtype=np.int64) * s).reshape(shape)
    return positions


def _input_positions(input, offset):  # noqa: A002
    """Where input's own elements sit in its storage."""
    itemsize = input._data.itemsize
    return _positions(input._data.shape, [s // itemsize for s in input._data.strides], offset)


def _strided_args(input, size, stride, storage_offset):  # noqa: A002
    size = _shape_args((size,), "size")
    stride = _shape_args((stride,), "stride")
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError("as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    return size, stride


def _check_bounds(size, stride, offset, storage_size, itemsize):
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    if any(n == 0 for n in size):
        return
    needed = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if needed > storage_size:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {offset}, and itemsize {itemsize} requiring a storage size "
                           f"of {needed * itemsize} are out of bounds for storage of size "
                           f"{storage_size * itemsize}")


@public()
def as_strided(input, size, stride, storage_offset=None):  # noqa: A002
    """A view of ``input``'s storage with the given ``size``, element ``stride`` and
    ``storage_offset`` (default: input's own offset).

    >>> import ember
    >>> ember.arange(6.).as_strided((2, 2), (1, 2))
    tensor([[0., 2.],
            [1., 3.]])
    """
    tensor_arg(input, "input", "as_strided")
    size, stride = _strided_args(input, size, stride, storage_offset)
    base, own_offset = _storage_of(input)
    view = own_offset is not None
    if not view:  # not row-major memory: read the base's values, row-major, into a copy
        if input is not base:
            _unknown_offset()
        own_offset = 0
    offset = own_offset if storage_offset is None else int(storage_offset)
    storage_size = base._data.size
    _check_bounds(size, stride, offset, storage_size, input._data.itemsize)
    result_positions = _positions(size, stride, offset)
    if view:
        return S.as_strided(input, size, stride, offset - own_offset,
                            _input_positions(input, own_offset), result_positions, storage_size)
    input_positions = np.arange(storage_size, dtype=np.int64).reshape(input._data.shape)
    return S.as_strided_copy(input, input_positions, result_positions, storage_size)


def _unknown_offset():
    raise NotImplementedError("as_strided(): ember cannot place a view of a tensor whose base is "
                              "not row-major in memory; call .contiguous() on the base first")


@public(function=False)
def as_strided_(self, size, stride, storage_offset=None):
    """Make this tensor the strided view ``as_strided(size, stride, storage_offset)`` of its own
    storage, in place."""
    if grad_mode.state.enabled and self._requires_grad:
        raise NotImplementedError("as_strided_(): ember supports it only on tensors outside a "
                                  "graph")
    view = as_strided(self, size, stride, storage_offset)
    self._data = view._data
    return self


@public()
def as_strided_scatter(input, src, size, stride, storage_offset=None):  # noqa: A002
    """``input`` (as a contiguous copy) with its strided view ``as_strided(size, stride,
    storage_offset)`` replaced by ``src``.

    >>> import ember
    >>> ember.zeros(4).as_strided_scatter(ember.ones(2), (2,), (2,))
    tensor([1., 0., 1., 0.])
    """
    tensor_arg(input, "input", "as_strided_scatter")
    tensor_arg(src, "src", "as_strided_scatter")
    size, stride = _strided_args(input, size, stride, storage_offset)
    offset = 0 if storage_offset is None else int(storage_offset)
    _check_bounds(size, stride, offset, input._data.size, input._data.itemsize)
    if tuple(src.shape) != size:
        raise RuntimeError("expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(size)}")
    src = src if src.dtype is input.dtype else src.to(input.dtype)
    return S.as_strided_scatter(input, src, _positions(size, stride, offset))


# --- fill_diagonal_ -------------------------------------------------------------------------------
@public(function=False)
def fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal (all indices equal) with ``fill_value``, in place; ``wrap`` lets a
    tall matrix's diagonal start again every ``columns + 1`` rows.

    >>> import ember
    >>> ember.zeros(2, 3).fill_diagonal_(1.)
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    shape = self._data.shape
    if self.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.ndim > 2 and any(s != shape[0] for s in shape):
        raise RuntimeError("all dimensions of input must be of equal length")
    count = min(shape)
    if self.ndim == 2 and wrap and shape[0] > shape[1] + 1:
        count = (self._data.size + shape[1]) // (shape[1] + 1)
    # In row-major order the diagonal is every (sum of the row-major strides)-th element.
    step = sum(int(np.prod(shape[d + 1:])) for d in range(self.ndim))
    if not count:
        return self
    if self._data.flags.c_contiguous:
        # Written through a view, as PyTorch does: a tensor in a graph gets CopySlices.
        flat = S.view(self, (self._data.size,))
        S.slice_op(flat, 0, 0, (count - 1) * step + 1, step)[...] = fill_value
        return self
    key = np.unravel_index(np.arange(count, dtype=np.int64) * step, shape)
    self[tuple(Tensor._make(k) for k in key)] = fill_value
    return self
