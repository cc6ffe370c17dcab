"""Shape functions, joining and splitting. Public functions, each also a Tensor method.

Most results are views (they share storage and version counter with their input); flip, roll,
repeat, tril/triu, diag and cat/stack copy, as in PyTorch. Indexing lives in ``indexing.py``.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _shape_args, wrap_dim
from ..autograd import grad_mode
from . import public
from ..ops import shape as S


def numpy_axis(fn):
    """Accept NumPy's ``axis`` (``axis0``, ``axis1``) for ``dim`` (``dim0``, ``dim1``), as PyTorch
    does: ``x.squeeze(axis=0)``, ``torch.cat(xs, axis=1)``, ``x.swapaxes(axis0=0, axis1=1)``."""

    def call(*args, **kwargs):
        if kwargs and ("axis" in kwargs or "axis0" in kwargs or "axis1" in kwargs):
            for alias, name in (("axis", "dim"), ("axis0", "dim0"), ("axis1", "dim1")):
                if alias in kwargs:
                    kwargs[name] = kwargs.pop(alias)
        return fn(*args, **kwargs)

    return functools.update_wrapper(call, fn)


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
        if known == 0 and numel == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {shape} because "
                               "the unspecified dimension size -1 can be any value and is "
                               "ambiguous")
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
        shape[shape.index(-1)] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
    return tuple(shape)


@public()
def reshape(input, *sizes, shape=None):  # noqa: A002
    """The same elements in ``shape`` (one size may be -1): a view when the layout allows,
    else a copy (CloneBackward0, then UnsafeViewBackward0, as in PyTorch)."""
    shape = _infer_shape(_shape_args(sizes if shape is None else (shape,)), input._data.size)
    if input._data.flags.c_contiguous or _viewable(input._data, shape):
        return S.view(input, shape)
    return S.unsafe_view(S.clone(input), shape)


def _viewable(array, shape):
    try:
        np.reshape(array, shape, copy=False)
        return True
    except ValueError:
        return False


@public()
def view(input, *shape, size=None):  # noqa: A002
    """The same storage seen with another shape; PyTorch's error when the strides do not allow it.

    >>> import ember
    >>> ember.arange(6).view(2, -1)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    """
    if size is not None:
        shape = (size,)
    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        raise NotImplementedError("view(dtype) is not supported by ember")
    shape = _infer_shape(_shape_args(shape), input._data.size)
    if not input._data.flags.c_contiguous and not _viewable(input._data, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return S.view(input, shape)


@public()
def flatten(input, start_dim=0, end_dim=-1):  # noqa: A002
    ndim = input.ndim
    start, end = wrap_dim(start_dim, ndim), wrap_dim(end_dim, ndim)
    if ndim == 0:
        return reshape(input, 1)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    shape = input._data.shape
    return reshape(input, shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:])


@public("swapaxes", "swapdims")
@numpy_axis
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
def permute(input, *order, dims=None):  # noqa: A002
    dims = _shape_args(order if dims is None else (dims,), "dims")
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
@numpy_axis
def unsqueeze(input, dim):  # noqa: A002
    return S.unsqueeze(input, wrap_dim(dim, input.ndim + 1))


@public()
@numpy_axis
def squeeze(input, dim=None):  # noqa: A002
    if dim is None:
        return S.squeeze_all(input)
    if isinstance(dim, (tuple, list)):
        dims = tuple(wrap_dim(d, input.ndim) for d in dim)
        for d in dims:
            if dims.count(d) > 1:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        return S.squeeze_tuple(input, dims)
    return S.squeeze_dim(input, wrap_dim(dim, input.ndim))


def _view_in_place(row, self, *arguments):
    """``x.unsqueeze_(0)`` and friends: ``x`` itself takes the new shape (and the new node)."""
    if grad_mode.state.enabled and self._requires_grad and self.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    result = row(self, *arguments)
    self._data = result._data
    self._bump_version()
    if result.grad_fn is not None:
        self.grad_fn = result.grad_fn
        self.__dict__.pop("_output_nr", None)
    if self._view_replay is not None:  # a view stays a view: one more step from its base
        self._view_replay = self._view_replay + ((row, arguments),)
    return self


@public(function=False)
def unsqueeze_(self, dim):
    """In-place :meth:`unsqueeze`."""
    return _view_in_place(S.unsqueeze_in_place, self, wrap_dim(dim, self.ndim + 1))


@public(function=False)
def squeeze_(self, dim=None):
    """In-place :meth:`squeeze`."""
    if dim is None:
        return _view_in_place(S.squeeze_all_in_place, self)
    if isinstance(dim, (tuple, list)):
        return _view_in_place(S.squeeze_tuple_in_place, self,
                              tuple(wrap_dim(d, self.ndim) for d in dim))
    return _view_in_place(S.squeeze_dim_in_place, self, wrap_dim(dim, self.ndim))


@public("swapaxes_", "swapdims_", function=False)
def transpose_(self, dim0, dim1):
    """In-place :meth:`transpose`."""
    return _view_in_place(S.transpose_in_place, self, wrap_dim(dim0, self.ndim),
                          wrap_dim(dim1, self.ndim))


@public(function=False)
def t_(self):
    """In-place :meth:`t`."""
    if self.ndim > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is "
                           f"{self.ndim}D")
    return _view_in_place(S.t_in_place, self)


def expand_error(input, sizes):  # noqa: A002
    """The shape ``input`` expands to (``-1`` keeps a size), or PyTorch's error."""
    shape = input._data.shape
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
    return tuple(target)


@public()
def expand(input, *sizes, size=None):  # noqa: A002
    """A view of ``input`` with size-1 dims repeated (no copy); ``-1`` keeps a size.

    >>> import ember
    >>> ember.tensor([[1], [2]]).expand(2, 3)
    tensor([[1, 1, 1],
            [2, 2, 2]])
    """
    if size is not None:
        sizes = (size,)
    return S.expand(input, expand_error(input, _shape_args(sizes, "size")))


@public(function=False)
def expand_as(input, other):  # noqa: A002
    return expand(input, other.shape)


@public()
def broadcast_to(input, *sizes, size=None):  # noqa: A002
    """``input`` expanded to ``size`` (a view), as ``expand`` does."""
    return expand(input, *sizes, size=size)


@public()
def broadcast_tensors(*tensors):
    """Expand the tensors to their common broadcast shape (inputs of that shape come back as is).

    >>> import ember
    >>> a, b = ember.broadcast_tensors(ember.ones(2, 1), ember.zeros(3))
    >>> a.shape, b.shape
    (torch.Size([2, 3]), torch.Size([2, 3]))
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    try:
        shape = np.broadcast_shapes(*(t._data.shape for t in tensors))
    except ValueError:
        from ..ops.op import _broadcast_error

        raise _broadcast_error([t._data for t in tensors]) from None
    return tuple(t if t._data.shape == shape else S.expand(t, shape) for t in tensors)


@public()
def unflatten(input, dim, sizes):  # noqa: A002
    """Split dimension ``dim`` into ``sizes`` (one may be -1): a view.

    >>> import ember
    >>> ember.zeros(2, 6).unflatten(1, (2, 3)).shape
    torch.Size([2, 2, 3])
    """
    # (PyTorch 2.13 words some unflatten errors as "unexpected", and so does ember)
    dim = wrap_dim(dim, input.ndim)
    sizes = _shape_args((sizes,), "sizes")
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if input.ndim == 0:
        raise RuntimeError("unflatten got an unexpected error:\nDimension specified as "
                           f"{dim} but tensor has no dimensions")
    size = input._data.shape[dim]
    if sizes.count(-1) > 1:
        raise RuntimeError("unflatten got an unexpected error:\nonly one dimension can be "
                           "inferred")
    known = math.prod(s for s in sizes if s != -1)
    if -1 in sizes and known == 0 and size == 0:
        raise RuntimeError("unflatten got an unexpected error:\ncannot reshape tensor of 0 "
                           f"elements into shape {list(sizes)} because the unspecified "
                           "dimension size -1 can be any value and is ambiguous")
    if (-1 in sizes and (known == 0 or size % known)) or (-1 not in sizes and known != size):
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({size}) in the input tensor")
    sizes = tuple(size // known if s == -1 else s for s in sizes)
    shape = input._data.shape
    return S.view(input, shape[:dim] + sizes + shape[dim + 1:])


def _dim_list(dims, ndim, name):
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    wrapped = tuple(wrap_dim(int(d), ndim) for d in dims)
    return dims, wrapped


@public("moveaxis")
def movedim(input, source, destination):  # noqa: A002
    """Move dims ``source`` to positions ``destination``; the others keep their order.

    >>> import ember
    >>> ember.zeros(2, 3, 4).movedim(0, -1).shape
    torch.Size([3, 4, 2])
    """
    ndim = input.ndim
    source_given, source = _dim_list(source, ndim, "source")
    if ndim == 0:
        _dim_list(destination, ndim, "destination")
        return S.alias(input)
    destination_given, destination = _dim_list(destination, ndim, "destination")
    if len(source) != len(destination):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(source_given)} dims) "
            f"should contain the same number of dims as destination "
            f"({list(destination_given)} dims)")
    if len(set(source)) != len(source):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(source_given)})")
    if len(set(destination)) != len(destination):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(destination_given)})")
    order = [None] * ndim
    for s, d in zip(source, destination):
        order[d] = s
    rest = iter(d for d in range(ndim) if d not in source)
    order = tuple(next(rest) if o is None else o for o in order)
    return S.permute(input, order)


# --- repeating, reordering, triangles -------------------------------------------------------------
@public()
def repeat(input, *sizes, repeats=None):  # noqa: A002
    """Tile ``input`` ``sizes[i]`` times along each dim (a copy; extra leading dims allowed).

    >>> import ember
    >>> ember.tensor([1, 2]).repeat(2, 2)
    tensor([[1, 2, 1, 2],
            [1, 2, 1, 2]])
    """
    if repeats is not None:
        sizes = (repeats,)
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    sizes = _shape_args(sizes, "repeats")
    if len(sizes) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    return S.repeat(input, sizes)


@public()
def tile(input, dims):  # noqa: A002
    """``repeat`` with ``dims`` padded by leading 1s to the tensor's number of dims."""
    dims = _shape_args((dims,), "dims")
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


@public()
@numpy_axis
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):  # noqa: A002
    """Repeat each element ``repeats`` times (a number or one count per element).

    >>> import ember
    >>> ember.tensor([1, 2]).repeat_interleave(2)
    tensor([1, 1, 2, 2])
    """
    if repeats is None:  # torch.repeat_interleave(counts): index i repeated counts[i] times
        counts = input._data
        return Tensor._make(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    if isinstance(repeats, Tensor) and repeats._data.size == 1 and repeats.ndim <= 1:
        repeats = int(repeats._data.reshape(()))
    if dim is None:
        input = flatten(input)
        dim = 0
    dim = wrap_dim(dim, input.ndim)
    if input.ndim == 0:  # PyTorch goes on to unsqueeze at dim + 1, which a scalar lacks
        wrap_dim(1, 0)
    if isinstance(repeats, Tensor):
        counts = repeats._data
        size = input._data.shape[dim]
        if counts.ndim != 1 or counts.size != size:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {counts.size} and input.size({dim}) = {size}")
        if counts.size and counts.min() < 0:
            raise RuntimeError("repeats can not be negative")
        positions = np.repeat(np.arange(size, dtype=np.int64), counts)
        from ..ops.indexing import index_select

        return index_select(input, dim, positions)
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    # PyTorch's composition: unsqueeze, expand, clone, view.
    shape = input._data.shape
    expanded = S.expand(S.unsqueeze(input, dim + 1),
                        shape[:dim + 1] + (repeats,) + shape[dim + 1:])
    return S.view(S.clone(expanded), shape[:dim] + (shape[dim] * repeats,) + shape[dim + 1:])


def _dims_arg(dims):
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    return dims


@public()
def flip(input, *order, dims=None):  # noqa: A002
    """Reverse the order of entries along ``dims`` (a copy).

    >>> import ember
    >>> ember.tensor([[1, 2], [3, 4]]).flip(0)
    tensor([[3, 4],
            [1, 2]])
    """
    dims = tuple(wrap_dim(d, input.ndim) for d in _dims_arg(order if dims is None else (dims,)))
    for d in dims:
        if dims.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    if input.ndim == 0:
        dims = ()
    return S.flip(input, dims)


@public()
def roll(input, shifts, dims=None):  # noqa: A002
    """Shift entries along ``dims`` with wrap-around (over the flattened tensor if None).

    >>> import ember
    >>> ember.tensor([1, 2, 3]).roll(1)
    tensor([3, 1, 2])
    """
    shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               "dims:0")
        return S.roll(input, tuple(int(s) for s in shifts), None)
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if input._data.size == 0:  # nothing moves: PyTorch returns a copy without looking at dims
        return S.roll(input, (0,), None)
    if input.ndim == 0:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    dims = tuple(wrap_dim(d, input.ndim) for d in dims)
    return S.roll(input, tuple(int(s) for s in shifts), dims)


@public()
@numpy_axis
def narrow(input, dim, start, length):  # noqa: A002
    """The view ``input[..., start:start + length, ...]`` along ``dim``.

    >>> import ember
    >>> ember.arange(5).narrow(0, 1, 3)
    tensor([1, 2, 3])
    """
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    dim = wrap_dim(dim, input.ndim)
    size = input._data.shape[dim]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    return S.slice_op(input, dim, start, start + length, 1)


def _triangle(row, name):
    def fn(input, diagonal=0):  # noqa: A002
        if input.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return row(input, int(diagonal))

    fn.__name__ = name
    fn.__doc__ = (f"The {'lower' if name == 'tril' else 'upper'} triangle of the last two dims "
                  "(others set to 0); ``diagonal`` shifts the edge. Differentiable.")
    return public(inplace=True, snapshot=False)(fn)


tril = _triangle(S.tril, "tril")
triu = _triangle(S.triu, "triu")


@public()
def diag(input, diagonal=0):  # noqa: A002
    """A 1-D input becomes a diagonal matrix; a 2-D input gives its diagonal (a copy).

    >>> import ember
    >>> ember.diag(ember.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    if input.ndim == 1:
        return S.diag_embed(input, int(diagonal), 0, 1)
    if input.ndim == 2:
        return S.diag_of_matrix(input, int(diagonal))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def _diagonal_dims(ndim, dim1, dim2):
    wrapped = wrap_dim(dim1, ndim), wrap_dim(dim2, ndim)
    if wrapped[0] == wrapped[1]:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return wrapped


@public()
def diagonal(input, offset=0, dim1=0, dim2=1):  # noqa: A002
    """The diagonal of the ``dim1``/``dim2`` planes, as a view (last dim of the result).

    >>> import ember
    >>> ember.arange(9).reshape(3, 3).diagonal(1)
    tensor([1, 5])
    """
    dim1, dim2 = _diagonal_dims(input.ndim, dim1, dim2)
    return S.diagonal(input, int(offset), dim1, dim2)


@public()
def diag_embed(input, offset=0, dim1=-2, dim2=-1):  # noqa: A002
    """Put the last dim of ``input`` on the diagonal of new ``dim1``/``dim2`` planes.

    >>> import ember
    >>> ember.tensor([1, 2]).diag_embed()
    tensor([[1, 0],
            [0, 2]])
    """
    dim1, dim2 = _diagonal_dims(input.ndim + 1, dim1, dim2)
    return S.diag_embed(input, int(offset), dim1, dim2)


@public()
def select(input, dim, index):  # noqa: A002
    """``input`` at ``index`` along ``dim``, that dim removed (a view): ``x.select(0, i)``."""
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, input.ndim)
    size = input._data.shape[dim]
    index = int(index)
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {dim}")
    return S.select(input, dim, index % size)


@public(function=False)
def view_as(input, other):  # noqa: A002
    """``input.view(other.shape)``."""
    return view(input, other.shape)


@public(function=False)
def reshape_as(input, other):  # noqa: A002
    """``input.reshape(other.shape)``."""
    return reshape(input, other.shape)


@public()
def ravel(input):  # noqa: A002
    """The elements as a 1-D tensor (a view when the layout allows)."""
    return reshape(input, -1)


@public()
def flipud(input):  # noqa: A002
    """Reverse the rows (dim 0)."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return S.flip(input, (0,))


@public()
def fliplr(input):  # noqa: A002
    """Reverse the columns (dim 1)."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return S.flip(input, (1,))


@public()
def rot90(input, k=1, dims=(0, 1)):  # noqa: A002
    """Rotate by 90 degrees ``k`` times in the plane ``dims`` (from the first towards the second).

    >>> import ember
    >>> ember.tensor([[1, 2], [3, 4]]).rot90()
    tensor([[2, 4],
            [1, 3]])
    """
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    wrapped = (wrap_dim(dims[0], input.ndim), wrap_dim(dims[1], input.ndim))
    if wrapped[0] == wrapped[1]:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} "
                           f"and dim1 = {dims[1]}")
    return S.rot90(input, int(k) % 4, wrapped)


@public()
def unfold(input, dimension, size, step):  # noqa: A002
    """Sliding windows of ``size`` along ``dimension`` every ``step``: a view with a new last dim.

    >>> import ember
    >>> ember.arange(5).unfold(0, 2, 2)
    tensor([[0, 1],
            [2, 3]])
    """
    dim = wrap_dim(dimension, input.ndim)
    length = input._data.shape[dim] if input.ndim else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {length} but size is "
                           f"{size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return S.unfold(input, dim, int(size), int(step))


@public(method=False)
def clone(input, *, memory_format=None):  # noqa: A002
    """A copy of ``input`` that stays in the graph (CloneBackward0)."""
    return S.clone(input)


# Joining and splitting live in joining.py; importing it here registers them with the shape
# functions, and keeps ``from ember._api.shape import cat, stack`` working.
from .joining import cat, stack  # noqa: E402,F401
