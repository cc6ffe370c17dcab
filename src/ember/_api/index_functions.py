"""The index functions: index_select/add/fill/copy, gather/scatter, masks, take, nonzero.

Each checks its arguments as PyTorch does (index dtypes, bounds, shapes, and the rule that the
source already has self's dtype) and calls one row of ``ember.ops.indexing``.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, wrap_dim
from ..ops import indexing as I
from ..ops import shape as S
from . import public, tensor_arg
from .shape import numpy_axis
from .indexing import _value_tensor


def _index_tensor(index, fn, name="index"):
    if not isinstance(index, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' must be Tensor, not {type(index).__name__}")
    # A copy: the node keeps the positions, and the caller may change the index tensor later.
    return index._data.copy()


@public()
@numpy_axis
def index_select(input, dim, index):  # noqa: A002
    """The entries of ``input`` at positions ``index`` along ``dim``.

    >>> import ember
    >>> ember.tensor([[1, 2], [3, 4], [5, 6]]).index_select(0, ember.tensor([2, 0]))
    tensor([[5, 6],
            [1, 2]])
    """
    tensor_arg(input, "input", "index_select")
    positions = _index_tensor(index, "index_select")
    if positions.dtype not in (np.int32, np.int64):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if positions.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    dim = wrap_dim(dim, input.ndim)
    size = input._data.shape[dim] if input.ndim else 1
    if input.ndim == 0 and positions.size > 1:
        raise RuntimeError("index_select(): Index to scalar can have only 1 value, got "
                           f"{positions.size} value(s)")
    if positions.size and (positions.min() < 0 or positions.max() >= size):
        if size == 0 and input.ndim > 1:
            raise RuntimeError("index_select(): self indexing axis dim should be positive")
        if input.ndim > 1 and (dim == 1 or input._data.size == 0):
            # (PyTorch's kernel for these cases words it differently)
            bad = positions[(positions < 0) | (positions >= size)].flat[0]
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
        raise IndexError("index out of range in self")
    return I.index_select(input, dim, positions.astype(np.int64, copy=False))


@public(inplace=True, snapshot=False)
@numpy_axis
def index_add(input, dim, index, source, *, alpha=1):  # noqa: A002
    """Add ``alpha * source`` into ``input`` at positions ``index`` along ``dim``.

    >>> import ember
    >>> ember.zeros(3).index_add(0, ember.tensor([0, 0, 2]), ember.tensor([1., 2., 3.]))
    tensor([3., 0., 3.])
    """
    positions = _index_tensor(index, "index_add")
    dim = wrap_dim(dim, input.ndim)
    if input.ndim == 0 and positions.size != 1:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    count = source._data.shape[dim] if source.ndim else 1
    if positions.size != count:
        raise RuntimeError(f"index_add_(): Number of indices ({positions.size}) should be equal "
                           f"to source.size(dim): ({count}), for dim: {dim}")
    same = source.ndim == input.ndim and all(
        a == b for d, (a, b) in enumerate(zip(source.shape, input.shape)) if d != dim)
    if not same:
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(input.shape)} "
                           f"source.shape = {list(source.shape)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_add_(): self ({input.dtype._legacy[:-6]}) and source "
                           f"({source.dtype._legacy[:-6]}) must have the same scalar type")
    size = input._data.shape[dim] if input.ndim else 1
    if positions.size:
        bad = positions[(positions < 0) | (positions >= size)]
        if bad.size:
            if input.ndim == 1:
                raise IndexError("index out of range in self")
            raise RuntimeError(f"index {bad[0]} is out of bounds for dimension {dim} with size "
                               f"{size}")
    return I.index_add(input, source, dim, positions.reshape(-1).astype(np.int64), alpha)


def _dim_positions(fn, input, dim, index):  # noqa: A002
    positions = _index_tensor(index, fn)
    if positions.dtype != np.int64:
        if fn == "index_copy":
            raise RuntimeError("index_copy_(): Expected a long tensor for index, but got "
                               f"{index.dtype._legacy[:-6]}")
        raise IndexError(f"{fn}_(): Expected dtype int64 for index.")
    dim = wrap_dim(dim, input.ndim)
    size = input._data.shape[dim] if input.ndim else 1
    positions = positions.reshape(-1)
    bad = positions[(positions < -size) | (positions >= size)]
    if bad.size:
        prefix = f"{fn}_(): " if fn == "index_copy" else ""
        raise IndexError(f"{prefix}index {bad[0]} is out of bounds for dimension {dim} with size "
                         f"{size}")
    return dim, positions % size if size else positions


@public(inplace=True, snapshot=False)
def index_fill(input, dim, index, value):  # noqa: A002
    """``input`` with ``value`` written at positions ``index`` along ``dim``.

    >>> import ember
    >>> ember.zeros(2, 3).index_fill(1, ember.tensor([0, 2]), 1.)
    tensor([[1., 0., 1.],
            [1., 0., 1.]])
    """
    dim, positions = _dim_positions("index_fill", input, dim, index)
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.ndim} dimension(s).")
        return I.index_fill_tensor(input, _value_tensor(value, input.dtype), dim,
                                   np.unique(positions))
    return I.index_fill(input, dim, positions, value)


@public(inplace=True, snapshot=False)
def index_copy(input, dim, index, source):  # noqa: A002
    """``input`` with the slices of ``source`` copied to positions ``index`` along ``dim``.

    >>> import ember
    >>> ember.zeros(3).index_copy(0, ember.tensor([2, 0]), ember.tensor([1., 2.]))
    tensor([2., 0., 1.])
    """
    dim, positions = _dim_positions("index_copy", input, dim, index)
    if source.dtype is not input.dtype:
        raise RuntimeError("index_copy_(): self and source expected to have the same dtype, but "
                           f"got (self) {input.dtype._legacy[:-6]} and (source) "
                           f"{source.dtype._legacy[:-6]}")
    count = source._data.shape[dim] if source.ndim else 1
    if positions.size != count:
        raise IndexError(f"index_copy_(): Number of indices ({positions.size}) should be equal "
                         f"to source.size(dim) ({count})")
    return I.index_copy(input, source, dim, positions)


@public(inplace=True, snapshot=False)
def masked_scatter(input, mask, source):  # noqa: A002
    """Copy ``source``'s leading elements, in order, to where ``mask`` is True.

    >>> import ember
    >>> ember.zeros(4).masked_scatter(ember.tensor([True, False, True, False]),
    ...                               ember.tensor([1., 2., 3.]))
    tensor([1., 0., 2., 0.])
    """
    array = _mask_array(mask, "masked_scatter")
    if array.dtype != np.bool_:
        raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {mask.dtype.name}")
    if source.dtype is not input.dtype:
        raise RuntimeError("masked_scatter: expected self and source to have same dtypes but got"
                           f"{input.dtype._legacy[:-6]} and {source.dtype._legacy[:-6]}")
    shape = _broadcast_shape(input._data.shape, array.shape)
    if shape != input._data.shape:
        input = input.expand(shape)
    array = np.broadcast_to(array, shape)
    key = np.nonzero(array)
    if key[0].size > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return I.masked_scatter(input, source, array, key)


def _check_gather(fn, input, dim, positions, src=None):  # noqa: A002
    if positions.dtype != np.int64 and positions.dtype != np.int32:
        raise RuntimeError(f"{fn}(): Expected dtype int32/int64 for index")
    ndim = input._data.ndim
    if positions.ndim != ndim and not (positions.ndim <= 1 and ndim <= 1):
        what = "input" if fn == "gather" else "self"
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {what} "
                           "tensor")
    dim = wrap_dim(dim, ndim)
    shape = input._data.shape
    if ndim and positions.ndim == ndim and positions.size:
        too_big = any(positions.shape[d] > shape[d] for d in range(ndim) if d != dim)
        src_small = src is not None and any(
            positions.shape[d] > src.shape[d] for d in range(ndim))
        if fn == "gather" and too_big:
            raise RuntimeError(
                f"Size does not match at dimension {next(d for d in range(ndim) if d != dim and positions.shape[d] > shape[d])} "  # noqa: E501
                f"expected index {list(positions.shape)} to be no larger than self "
                f"{list(shape)} apart from dimension {dim}")
        if fn != "gather" and (too_big or src_small):
            message = (f"Expected index {list(positions.shape)} to be no larger than self "
                       f"{list(shape)} apart from dimension {dim}")
            if src is not None:
                message += f" and to be no larger size than src {list(src.shape)}"
            raise RuntimeError(message)
    size = shape[dim] if ndim else 1
    if positions.size and (positions.min() < 0 or positions.max() >= size):
        bad = positions[(positions < 0) | (positions >= size)]
        raise RuntimeError(f"index {bad.flat[0]} is out of bounds for dimension {dim} with "
                           f"size {size}")
    return dim


@public()
@numpy_axis
def gather(input, dim, index, *, sparse_grad=False):  # noqa: A002
    """``out[i][j] = input[i][index[i][j]]`` for ``dim=1`` (and likewise for other dims).

    >>> import ember
    >>> ember.tensor([[1, 2], [3, 4]]).gather(1, ember.tensor([[0, 0], [1, 0]]))
    tensor([[1, 1],
            [4, 3]])
    """
    positions = _index_tensor(index, "gather")
    dim = _check_gather("gather", input, dim, positions)
    return I.gather(input, dim, positions.astype(np.int64, copy=False))


@public(inplace=True, snapshot=False)
@numpy_axis
def scatter(input, dim, index, src=None, value=None, *, reduce=None):  # noqa: A002
    """Write ``src`` (a tensor) or ``value`` (a number) into ``input`` at ``index`` along ``dim``.

    >>> import ember
    >>> ember.zeros(2, 3).scatter(1, ember.tensor([[2], [0]]), 1.)
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    if reduce is not None:
        raise NotImplementedError("scatter(reduce=...) is not supported by ember yet")
    if src is None:
        src = value
    positions = _index_tensor(index, "scatter")
    if isinstance(src, Tensor):
        _same_dtype_as_src(input, src)
        dim = _check_gather("scatter", input, dim, positions, src._data)
        return I.scatter(input, src, dim, positions)
    dim = _check_gather("scatter", input, dim, positions)
    return I.scatter_value(input, dim, positions, src)


@public(inplace=True, snapshot=False)
def scatter_add(input, dim, index, src):  # noqa: A002
    """Add ``src`` into ``input`` at ``index`` along ``dim`` (repeated positions add up).

    >>> import ember
    >>> ember.zeros(3).scatter_add(0, ember.tensor([0, 0, 2]), ember.tensor([1., 2., 3.]))
    tensor([3., 0., 3.])
    """
    positions = _index_tensor(index, "scatter_add")
    _same_dtype_as_src(input, src)
    dim = _check_gather("scatter_add", input, dim, positions, src._data)
    return I.scatter_add(input, src, dim, positions)


def _same_dtype_as_src(input, src):  # noqa: A002
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")


def _mask_array(mask, fn):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{fn}(): argument 'mask' must be Tensor, not {type(mask).__name__}")
    return mask._data


@public(inplace=True, snapshot=False)
def masked_fill(input, mask, value):  # noqa: A002
    """``value`` where ``mask`` is True, ``input`` elsewhere (broadcasting the two).

    >>> import ember
    >>> ember.tensor([1., 2., 3.]).masked_fill(ember.tensor([True, False, True]), 0.)
    tensor([0., 2., 0.])
    """
    array = _mask_array(mask, "masked_fill")
    if array.dtype != np.bool_:
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype.name if mask.dtype.name != 'float32' else 'float'}")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.ndim} dimension(s).")
        return I.masked_fill_tensor(input, _value_tensor(value, input.dtype), array)
    return I.masked_fill(input, array, value)


@public()
def masked_select(input, mask):  # noqa: A002
    """The entries of ``input`` where ``mask`` is True, as a 1-D tensor.

    >>> import ember
    >>> ember.tensor([1., 2., 3.]).masked_select(ember.tensor([True, False, True]))
    tensor([1., 3.])
    """
    array = _mask_array(mask, "masked_select")
    if array.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = _broadcast_shape(input._data.shape, array.shape) or (1,)  # a scalar selects as [x]
    return I.masked_select(input, shape, np.nonzero(np.broadcast_to(array, shape)))


def _broadcast_shape(*shapes):
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        from ..ops.op import _broadcast_error

        raise _broadcast_error([np.empty(s, bool) if 0 in s else np.broadcast_to(False, s)
                                for s in shapes]) from None


@public()
def take(input, index):  # noqa: A002
    """The entries of ``input`` read as a flat 1-D tensor, at ``index`` (result has its shape).

    >>> import ember
    >>> ember.tensor([[4, 3], [5, 6]]).take(ember.tensor([0, 3]))
    tensor([4, 6])
    """
    positions = _index_tensor(index, "take")
    if positions.dtype != np.int64:
        raise RuntimeError("take(): Expected a long tensor for index, but got "
                           f"{index.dtype._legacy[:-6]}")
    count = input._data.size
    if positions.size and not count:
        raise IndexError("take(): tried to take from an empty tensor")
    if positions.size:
        bad = positions[(positions < -count) | (positions >= count)]
        if bad.size:
            raise IndexError(f"out of range: tried to access index {bad.flat[0]} on a tensor of "
                             f"{count} elements.")
    return I.take(input, positions.astype(np.int64, copy=False))


@public()
@numpy_axis
def take_along_dim(input, indices, dim=None):  # noqa: A002
    """``gather`` after broadcasting ``input`` and ``indices`` (flattened when ``dim`` is None).

    >>> import ember
    >>> x = ember.tensor([[10., 30., 20.], [60., 40., 50.]])
    >>> x.take_along_dim(ember.tensor([[1], [0]]), 1)
    tensor([[30.],
            [60.]])
    """
    if dim is None:
        return gather(S.view(input, (-1,)) if input._data.flags.c_contiguous else
                      input.reshape(-1), 0, indices.reshape(-1))
    if input.ndim != indices.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {input.ndim} dimensions for input, "
                           f"and {indices.ndim} dimensions for indices")
    dim = wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    in_shape, index_shape = list(input.shape), list(indices.shape)
    in_shape[dim] = index_shape[dim] = 1
    common = list(_broadcast_shape(tuple(in_shape), tuple(index_shape)))
    target = common.copy()
    target[dim] = input.shape[dim]
    if tuple(target) != input.shape:
        input = input.expand(target)
    target[dim] = indices.shape[dim]
    if tuple(target) != indices.shape:
        indices = indices.expand(target)
    return gather(input, dim, indices)


@public()
def nonzero(input, *, as_tuple=False):  # noqa: A002
    """Positions of the nonzero entries: an ``(n, ndim)`` tensor, or one tensor per dim.

    >>> import ember
    >>> ember.tensor([[0, 1], [2, 0]]).nonzero()
    tensor([[0, 1],
            [1, 0]])
    """
    data = input._data
    if data.ndim == 0:
        found = np.array([0] if data else [], dtype=np.int64)
        if as_tuple:
            return (Tensor._make(found),)
        return Tensor._make(np.zeros((found.size, 0), dtype=np.int64))
    positions = np.nonzero(data)
    if as_tuple:
        return tuple(Tensor._make(p.astype(np.int64, copy=False)) for p in positions)
    # PyTorch's result is laid out column by column (its stride is (1, n)).
    return Tensor._make(np.stack(positions).astype(np.int64, copy=False).T)


@public()
def argwhere(input):  # noqa: A002
    """Like ``nonzero()``: an ``(n, ndim)`` tensor of positions."""
    return nonzero(input)



# --- sorted search --------------------------------------------------------------------------------
@public(method=False)
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,  # noqa: A002
                 sorter=None):
    """Where each value of ``input`` would go in ``sorted_sequence`` (its last dim) to keep it
    sorted: the first such place, or the last with ``right=True`` (``side='right'``)."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                               "got side of left while right was True")
        right = side == "right"
    boundaries = sorted_sequence._data
    if sorter is not None:
        boundaries = np.take_along_axis(boundaries, sorter._data, axis=-1)
    scalar = not isinstance(input, Tensor)
    values = np.asarray(input) if scalar else input._data
    how = "right" if right else "left"
    if boundaries.ndim == 1:
        out = np.searchsorted(boundaries, values, side=how)
    else:
        if boundaries.shape[:-1] != values.shape[:-1]:
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                "dimensions of boundaries tensor and input value tensor must match, but we got "
                f"boundaries tensor {list(boundaries.shape)} and input value tensor "
                f"{list(values.shape)}")
        rows_b = boundaries.reshape(-1, boundaries.shape[-1])
        rows_v = values.reshape(-1, values.shape[-1])
        out = np.stack([np.searchsorted(b, v, side=how) for b, v in zip(rows_b, rows_v)])
        out = out.reshape(values.shape)
    return Tensor._make(np.asarray(out, dtype=np.int32 if out_int32 else np.int64))


@public()
def bucketize(input, boundaries, *, out_int32=False, right=False):  # noqa: A002
    """The bucket of each value among the sorted 1-D ``boundaries``.

    >>> ember.bucketize(ember.tensor([3., 6.]), ember.tensor([1., 3., 5.]), right=True)
    tensor([2, 3])
    """
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)
