"""Indexing: ``x[key]``, ``x[key] = value`` and ``index_put`` (index functions: index_functions.py).

PyTorch reads a key in two passes, and so does ember: first the basic parts, each one a view
node (an integer is ``select``, a slice ``slice``, ``None`` ``unsqueeze``), then, if any
integer arrays or boolean masks remain, one ``index`` over the dims they sit at. Because
integers are applied first, ``x[1, :, [0, 1]]`` has shape ``(5, 2)`` for ``x`` of shape
``(4, 5, 6)`` in PyTorch, where NumPy gives ``(2, 5)``; ember follows PyTorch.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._tensor import Tensor
from ..ops import indexing as I
from ..ops import shape as S
from ..ops.inplace import inplace
from . import public

_NONE, _ELLIPSIS, _INT, _SLICE, _ARRAY, _MASK = range(6)
_INDEX_KINDS = "iu"
_SCALAR_TYPES = (int, float, bool, np.number, np.bool_)


# --- reading a key --------------------------------------------------------------------------------
def _parse(key):
    """Classify each part of a key as (kind, value); arrays become NumPy arrays."""
    if type(key) is not tuple:
        key = (key,)
    parts = []
    for k in key:
        if k is None:
            parts.append((_NONE, None))
        elif k is Ellipsis:
            parts.append((_ELLIPSIS, None))
        elif type(k) is slice:
            parts.append((_SLICE, k))
        elif type(k) is bool or isinstance(k, np.bool_):
            parts.append((_MASK, np.array(bool(k))))
        elif type(k) is int or isinstance(k, np.integer):
            parts.append((_INT, int(k)))
        elif isinstance(k, (Tensor, np.ndarray, list, tuple)):
            parts.append(_array_part(k))
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                             f"byte Variables are valid indices (got {type(k).__name__})")
    return parts


def _array_part(k):
    if isinstance(k, Tensor):
        array = k._data.copy()  # the node keeps the key; the caller may change the tensor later
    else:
        if isinstance(k, (list, tuple)) and any(isinstance(v, Tensor) for v in k):
            k = [v._data if isinstance(v, Tensor) else v for v in k]
        array = np.asarray(k)
        if array.size == 0 and array.dtype.kind == "f":
            array = array.astype(np.int64)  # ``x[[]]`` selects nothing
    kind = array.dtype.kind
    if kind == "b" or array.dtype == np.uint8:
        if array.dtype == np.uint8:
            warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a "
                          "dtype torch.bool instead.", UserWarning, stacklevel=4)
            array = array.astype(bool)
        return _MASK, array
    if kind not in _INDEX_KINDS:
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if array.ndim == 0 and isinstance(k, Tensor):
        return _INT, int(array)  # a 0-dim integer tensor indexes like an integer
    return _ARRAY, array


def _consumed(parts):
    count = 0
    for kind, value in parts:
        if kind == _INT or kind == _SLICE or kind == _ARRAY:
            count += 1
        elif kind == _MASK:
            count += value.ndim
    return count


def _apply_basic(self, parts):
    """Apply the basic parts (views); return the view and the advanced parts at their dims.

    A full slice (``:``) inside a tuple key makes no node, as in PyTorch (``x[:, 1:3]`` is one
    SliceBackward0); a key that leaves the tensor whole gives AliasBackward0 (``x[:, :]``).
    """
    ndim = self._data.ndim
    consumed = _consumed(parts)
    if consumed > ndim:
        if ndim == 0 and len(parts) == 1 and parts[0][0] == _INT:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        if ndim == 0 and len(parts) == 1 and parts[0][0] == _SLICE:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    result, dim, source_dim = self, 0, 0
    advanced = []
    for kind, value in parts:
        if kind == _SLICE:
            size = result._data.shape[dim]
            if value.step is not None and value.step <= 0:
                raise ValueError("step must be greater than zero")
            start, stop, step = value.indices(size)
            stop = max(stop, start)
            if not (start == 0 and stop == size and step == 1):
                result = S.slice_op(result, dim, start, stop, step)
            dim += 1
            source_dim += 1
        elif kind == _INT:
            size = result._data.shape[dim]
            if not -size <= value < size:
                raise IndexError(f"index {value} is out of bounds for dimension {source_dim} "
                                 f"with size {size}")
            result = S.select(result, dim, value % size)
            source_dim += 1
        elif kind == _NONE:
            result = S.unsqueeze(result, dim)
            dim += 1
        elif kind == _ELLIPSIS:
            dim += ndim - consumed
            source_dim += ndim - consumed
        elif kind == _ARRAY:
            advanced.append((dim, value))
            dim += 1
            source_dim += 1
        else:  # a boolean mask; a Python bool is a 0-dim mask over a new dim of size 1
            if value.ndim == 0:
                result = S.unsqueeze(result, dim)
                value = value.reshape(1)
            else:
                shape = result._data.shape
                for i, size in enumerate(value.shape):
                    if shape[dim + i] != size:
                        raise IndexError(
                            f"The shape of the mask {list(value.shape)} at index {i} does not "
                            f"match the shape of the indexed tensor {list(shape)} at index "
                            f"{dim + i}")
                source_dim += value.ndim
            advanced.append((dim, value))
            dim += value.ndim
    return result, advanced


def _advanced_key(result, advanced):
    """The NumPy key for the advanced parts: ``slice(None)`` elsewhere, masks as positions.

    Bounds and broadcasting are left to NumPy (no extra pass over the indices); when NumPy
    refuses a key, :func:`_key_error` finds the reason and words it as PyTorch does.
    """
    last_dim, last = advanced[-1]
    key = [slice(None)] * (last_dim + (last.ndim if last.dtype.kind == "b" else 1))
    for dim, array in advanced:
        if array.dtype.kind == "b":
            key[dim:dim + array.ndim] = np.nonzero(array)
        else:
            key[dim] = array if array.dtype == np.int64 else array.astype(np.int64)
    return tuple(key)


def _key_error(result, advanced, error):
    """PyTorch's IndexError for an advanced key NumPy refused (out of bounds, no broadcast)."""
    shape = result._data.shape
    arrays = []
    for number, (dim, array) in enumerate(advanced):
        if array.dtype.kind == "b":
            arrays.extend(np.nonzero(array))
            continue
        size = shape[dim]
        if array.size and size == 0:
            return IndexError("index is out of bounds for dimension with size 0")
        if array.size:
            outside = array[(array < -size) | (array >= size)]
            if outside.size:
                bad = outside.flat[0]
                return IndexError(f"index {bad} is out of bounds for dimension {number} with "
                                  f"size {size}")
        arrays.append(array)
    try:
        np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        shapes = ", ".join(str(list(a.shape)) for a in arrays)
        return IndexError("shape mismatch: indexing tensors could not be broadcast together "
                          f"with shapes {shapes}")
    return error


def _with_key(result, advanced, run):
    """``run(key)`` with the advanced key; NumPy's IndexError becomes PyTorch's."""
    key = _advanced_key(result, advanced)
    try:
        return run(key)
    except IndexError as error:
        raise _key_error(result, advanced, error) from None


def _basic(self, key):
    """A tuple of in-range integers and forward slices: the views, one per part."""
    result, dim = self, 0
    for position, k in enumerate(key):
        size = result._data.shape[dim]
        if type(k) is int:
            if not -size <= k < size:
                raise IndexError(f"index {k} is out of bounds for dimension {position} with "
                                 f"size {size}")
            result = S.select(result, dim, k % size)
        else:
            if k.step is not None and k.step <= 0:
                raise ValueError("step must be greater than zero")
            start, stop, step = k.indices(size)
            stop = max(start, stop)
            if not (start == 0 and stop == size and step == 1):
                result = S.slice_op(result, dim, start, stop, step)
            dim += 1
    return S.alias(self) if result is self else result


def getitem(self, key):
    """``x[key]``: views for basic keys, a copy (IndexBackward0) for array and mask keys.

    >>> import ember
    >>> x = ember.arange(12).reshape(3, 4)
    >>> x[1:, [0, 3]]
    tensor([[ 4,  7],
            [ 8, 11]])
    """
    kind = type(key)
    if kind is int:  # the common x[i]: one select
        data = self._data
        if data.ndim:
            size = data.shape[0]
            if -size <= key < size:
                return S.select(self, 0, key % size)
    elif kind is slice and self._data.ndim and (key.step is None or key.step > 0):
        start, stop, step = key.indices(self._data.shape[0])
        return S.slice_op(self, 0, start, max(start, stop), step)
    elif kind is tuple and len(key) <= self._data.ndim and all(
            type(k) is int or type(k) is slice for k in key):
        return _basic(self, key)
    result, advanced = _apply_basic(self, _parse(key))
    if advanced:
        return _with_key(result, advanced, lambda key: I.index(result, key))
    if result is self:
        return S.alias(self)  # x[...] and x[()]
    return result


# --- writing through a key ------------------------------------------------------------------------
def _value_tensor(value, dtype):
    if isinstance(value, Tensor):
        return value if value.dtype is dtype else value.to(dtype)
    return Tensor._make(np.asarray(value).astype(dtype.np))


def _check_copy_shape(value, target):
    """PyTorch's copy_ rules: ``value`` broadcasts to the target (leading 1s may be dropped)."""
    shape, target_shape = value._data.shape, target._data.shape
    if shape == target_shape:
        return value
    lead = len(shape) - len(target_shape)
    if lead > 0 and all(s == 1 for s in shape[:lead]):
        value = S.view(value, shape[lead:])
        shape = shape[lead:]
    from .shape import expand_error

    expand_error(value, target_shape)
    return value


def _put_dtype(value, target):
    if isinstance(value, Tensor) and value.dtype is not target.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{target.dtype._legacy[:-6]} for the destination and {value.dtype._legacy[:-6]} "
            "for the source.")


def _fit_values(value, target, advanced, key):
    """``value`` checked against the shape the key selects (PyTorch's message if it cannot
    broadcast), with surplus leading size-1 dims dropped."""
    try:
        indexed = np.broadcast_to(np.zeros((), bool), target._data.shape)[key].shape
    except IndexError as error:
        raise _key_error(target, advanced, error) from None
    shape = value._data.shape
    lead = len(shape) - len(indexed)
    try:
        np.broadcast_shapes(shape, indexed)
        if lead > 0 and any(s != 1 for s in shape[:lead]):
            raise ValueError
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(shape)} cannot be "
                           f"broadcast to indexing result of shape {list(indexed)}") from None
    return S.view(value, shape[lead:]) if lead > 0 else value


def setitem(self, key, value):
    """``x[key] = value``: writes in place; differentiable (CopySlices / IndexPutBackward0).

    >>> import ember
    >>> x = ember.zeros(2, 3)
    >>> x[:, [0, 2]] = 1.
    >>> x
    tensor([[1., 0., 1.],
            [1., 0., 1.]])
    """
    if not isinstance(value, (Tensor, *_SCALAR_TYPES)):
        value = Tensor._make(np.asarray(value, dtype=self._data.dtype))
    target, advanced = _apply_basic(self, _parse(key))
    if not target._data.flags.writeable:  # e.g. a row of an expanded tensor
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the "
                           "tensor before performing the operation.")
    if advanced:
        index_key = _advanced_key(target, advanced)
        if isinstance(value, Tensor):
            _put_dtype(value, target)
            if value._data.ndim:
                value = _fit_values(value, target, advanced, index_key)
        else:
            value = Tensor._make(np.asarray(value).astype(target._data.dtype))
        try:
            inplace(I.index_put, target, value, index_key, False)
        except IndexError as error:
            raise _key_error(target, advanced, error) from None
    elif isinstance(value, Tensor):
        value = _check_copy_shape(_value_tensor(value, target.dtype), target)
        inplace(I.copy, target, value)
    else:
        inplace(I.fill, target, value)


Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem


@public(inplace=True, snapshot=False)
def index_put(input, indices, values, accumulate=False):  # noqa: A002
    """Write ``values`` at ``indices`` (a tuple of index tensors), adding if ``accumulate``.

    >>> import ember
    >>> ember.zeros(3).index_put((ember.tensor([0, 0]),), ember.tensor(1.), accumulate=True)
    tensor([2., 0., 0.])
    """
    if len(indices) > input.ndim:
        raise IndexError(f"too many indices for tensor of dimension {input.ndim} (got "
                         f"{len(indices)})")
    parts = [_array_part(i) if i is not None else (_SLICE, slice(None)) for i in indices]
    parts = [(_ARRAY, np.asarray(v)) if kind == _INT else (kind, v) for kind, v in parts]
    target, advanced = _apply_basic(input, parts)
    _put_dtype(values, target)
    values = _value_tensor(values, input.dtype)
    return _with_key(target, advanced,
                     lambda key: I.index_put(target, values, key, bool(accumulate)))


# The index functions (gather, scatter, masked_fill, ...) live in index_functions.py; importing
# it here registers them along with indexing.
from . import index_functions  # noqa: E402,F401
from . import scatter_functions  # noqa: E402,F401
