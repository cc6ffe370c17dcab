"""Joining and splitting: cat, stack and their relatives; split, chunk, unbind, tensor_split.

cat and stack copy (CatBackward0, StackBackward0). split, chunk and unbind return views made by
one node with several outputs, as PyTorch shows them (SplitBackward0 with output_nr 0, 1, ...);
tensor_split and hsplit/vsplit/dsplit return one SliceBackward0 view per piece.
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor, wrap_dim
from ..ops import shape as S
from . import public
from .shape import numpy_axis


@public(method=False)
def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors; ``indexing='ij'`` (matrix) or ``'xy'`` (Cartesian).

    >>> import ember
    >>> x, y = ember.meshgrid(ember.tensor([1, 2]), ember.tensor([3, 4, 5]), indexing='ij')
    >>> x.shape
    torch.Size([2, 3])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError('torch.meshgrid: indexing must be one of "xy" or "ij", but received: '
                           f"{indexing}")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got: {t}")
    count = len(tensors)
    position = list(range(count))
    if indexing == "xy" and count >= 2:
        position[0], position[1] = 1, 0  # Cartesian: the first input varies along columns
    shape = [0] * count
    for t, p in zip(tensors, position):
        shape[p] = t._data.size
    shape = tuple(shape)
    grids = []
    for t, p in zip(tensors, position):
        view_shape = [1] * count
        view_shape[p] = t._data.size
        grids.append(S.expand(S.view(t, tuple(view_shape)), shape))
    return tuple(grids)


# --- joining ------------------------------------------------------------------------------------
def _common_dtype(tensors, among=None):
    """Cast to the promoted dtype of ``among`` (default: the tensors themselves) where dtypes
    differ, so each gradient keeps its input's dtype."""
    among = tensors if among is None else among
    first = among[0]._data.dtype
    for t in among:
        if t._data.dtype != first:
            target = _dtype.result_type(*among)
            return [t if t.dtype is target else t.to(target) for t in tensors]
    return tensors


@public("concat", "concatenate")
@numpy_axis
def cat(tensors, dim=0):
    """Concatenate tensors along an existing dimension.

    >>> import ember
    >>> ember.cat([ember.zeros(1, 2), ember.ones(1, 2)])
    tensor([[0., 0.],
            [1., 1.]])
    """
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    kept = []  # PyTorch skips legacy empty 1-D tensors of shape (0,)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"cat(): argument 'tensors' must be tuple of Tensors, not "
                            f"{type(t).__name__}")
        shape = t._data.shape
        if not shape:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
        if shape != (0,):
            kept.append(t)
    if not kept:  # only legacy empties: dim is never looked at
        return S.cat(_common_dtype(tensors), 0)
    dim = wrap_dim(dim, kept[0]._data.ndim)
    try:
        return S.cat(_common_dtype(kept, tensors), dim)  # (skipped empties still promote)
    except ValueError:  # NumPy refused the shapes: say why, as PyTorch does
        raise _cat_error(tensors, dim) from None


def _cat_error(tensors, dim):
    numbered = [(i, t._data.shape) for i, t in enumerate(tensors) if t._data.shape != (0,)]
    reference = numbered[0][1]
    for i, shape in numbered:
        if len(shape) != len(reference):
            return RuntimeError(f"Tensors must have same number of dimensions: got "
                                f"{len(reference)} and {len(shape)}")
        for d in range(len(reference)):
            if d != dim and shape[d] != reference[d]:
                return RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size "
                    f"{reference[d]} but got size {shape[d]} for tensor number {i} in the list.")
    return RuntimeError("torch.cat(): the tensors cannot be concatenated")


@public()
@numpy_axis
def stack(tensors, dim=0):
    """Join tensors of equal shape along a new dimension.

    >>> import ember
    >>> ember.stack([ember.tensor([1, 2]), ember.tensor([3, 4])], dim=1)
    tensor([[1, 3],
            [2, 4]])
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    dim = wrap_dim(dim, tensors[0].ndim + 1)
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(tensors[0].shape)} at entry 0 and {list(t.shape)} at "
                               f"entry {i}")
    return S.stack(_common_dtype(tensors), dim)


@public(method=False)
def hstack(tensors):
    """Concatenate along dim 1 (dim 0 for 1-D tensors); 0-d tensors count as 1-D."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("hstack expects a non-empty TensorList")
    tensors = [S.view(t, (1,)) if t.ndim == 0 else t for t in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


@public("row_stack", method=False)
def vstack(tensors):
    """Concatenate along dim 0, after making 0-d and 1-D tensors rows."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("vstack expects a non-empty TensorList")
    rows = []
    for t in tensors:
        if t.ndim == 0:
            t = S.view(t, (1, 1))
        elif t.ndim == 1:
            t = S.unsqueeze(t, 0)
        rows.append(t)
    return cat(rows, 0)


# --- splitting ------------------------------------------------------------------------------------
class _MultiOutputView:
    """Stands first in the view steps of a piece of split/chunk/unbind: PyTorch refuses to
    write in place into such a piece while autograd tracks it, and so does ember."""

    __slots__ = ("message",)

    def __init__(self, name, output_nr):
        self.message = (
            f"Output {output_nr} of {name} is a view and is being modified inplace. This view is "
            "the output of a function that returns multiple views. Such functions do not allow "
            "the output views to be modified inplace. You should replace the inplace operation "
            "by an out-of-place one.")

    def on(self, *args):
        raise RuntimeError(self.message)


_GUARDS: dict = {}  # (name, output_nr) -> the replay steps of such a piece (immutable, shared)


def _multi_output(name, input, *arguments, count, public_name):  # noqa: A002
    if count == 0:
        return ()
    pieces = S.multi_output(name, count)(input, *arguments)
    if count == 1 and isinstance(pieces, Tensor):
        pieces = (pieces,)
    for i, piece in enumerate(pieces):
        piece._share_version(input)
        steps = _GUARDS.get((public_name, i))
        if steps is None:
            steps = _GUARDS[public_name, i] = ((_MultiOutputView(public_name, i), ()),)
        piece._view_replay = steps
    return tuple(pieces)


@public()
def split(tensor, split_size_or_sections=None, dim=0, *, split_size=None):
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the listed sizes.

    >>> import ember
    >>> [p.tolist() for p in ember.arange(5).split(2)]
    [[0, 1], [2, 3], [4]]
    """
    if tensor.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    dim = wrap_dim(dim, tensor.ndim)
    size = tensor._data.shape[dim]
    sections = split_size if split_size_or_sections is None else split_size_or_sections
    if isinstance(sections, Tensor):
        sections = sections.tolist()
    if isinstance(sections, (list, tuple)):
        sizes = tuple(int(s) for s in sections)
        if any(s < 0 for s in sizes):
            raise RuntimeError("split_with_sizes expects split_sizes have only non-negative "
                               f"entries, but got split_sizes={list(sizes)}")
        if sum(sizes) != size:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} "
                               f"(input tensor's size at dimension {dim}), but got "
                               f"split_sizes={list(sizes)}")
        return _multi_output("SplitWithSizesBackward0", tensor, sizes, dim, count=len(sizes),
                             public_name="SplitWithSizes")
    step = int(sections)
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    if step == 0 and size != 0:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension "
                           f"size of {size}")
    sizes = (0,) if size == 0 else tuple(min(step, size - start) for start in range(0, size, step))
    return _multi_output("SplitBackward0", tensor, sizes, dim, count=len(sizes),
                         public_name="Split")


@public()
@numpy_axis
def chunk(input, chunks, dim=0):  # noqa: A002
    """At most ``chunks`` pieces of equal size along ``dim`` (the last may be smaller).

    >>> import ember
    >>> [p.tolist() for p in ember.arange(5).chunk(2)]
    [[0, 1, 2], [3, 4]]
    """
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    dim = wrap_dim(dim, input.ndim)
    size = input._data.shape[dim]
    if size == 0:
        return _multi_output("SplitBackward0", input, (0,) * chunks, dim, count=chunks,
                             public_name="Split")
    return split(input, -(-size // chunks), dim)


@public()
@numpy_axis
def unbind(input, dim=0):  # noqa: A002
    """The slices along ``dim``, each without that dim.

    >>> import ember
    >>> ember.tensor([[1, 2], [3, 4]]).unbind(1)
    (tensor([1, 3]), tensor([2, 4]))
    """
    dim = wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return _multi_output("UnbindBackward0", input, dim, count=input._data.shape[dim],
                         public_name="Unbind")


@public()
@numpy_axis
def tensor_split(input, indices_or_sections, dim=0):  # noqa: A002
    """Split into ``n`` nearly equal pieces, or at the given indices (each piece a slice view).

    >>> import ember
    >>> [p.tolist() for p in ember.arange(7).tensor_split(3)]
    [[0, 1, 2], [3, 4], [5, 6]]
    """
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    dim = wrap_dim(dim, input.ndim)
    size = input._data.shape[dim]
    split_at = indices_or_sections
    if isinstance(split_at, Tensor):
        split_at = split_at.item() if split_at.ndim == 0 else split_at.tolist()
    if isinstance(split_at, (list, tuple)):
        bounds = [int(i) for i in split_at]
    else:
        sections = int(split_at)
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        small, extra = divmod(size, sections)
        bounds, start = [], 0
        for i in range(sections - 1):
            start += small + (1 if i < extra else 0)
            bounds.append(start)
    # Each piece is the Python slice [previous:next] (negative indices count from the end).
    pieces, start = [], 0
    for stop in bounds + [None]:
        begin, end, _ = slice(start, stop).indices(size)
        pieces.append(S.slice_op(input, dim, begin, max(begin, end), 1))
        start = stop
    return tuple(pieces)

def _atleast(tensors, fn):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(fn(t) for t in tensors[0])
    if len(tensors) == 1:
        return fn(tensors[0])
    return tuple(fn(t) for t in tensors)


def _at_least_1d(t):
    return S.view(t, (1,)) if t.ndim == 0 else t


def _at_least_2d(t):
    if t.ndim == 0:
        return S.view(t, (1, 1))
    return S.unsqueeze(t, 0) if t.ndim == 1 else t


def _at_least_3d(t):
    if t.ndim == 0:
        return S.view(t, (1, 1, 1))
    if t.ndim == 1:
        return S.unsqueeze(S.unsqueeze(t, 0), 2)
    return S.unsqueeze(t, 2) if t.ndim == 2 else t


@public(method=False)
def atleast_1d(*tensors):
    """Each tensor with at least 1 dim (0-d tensors become shape [1])."""
    return _atleast(tensors, _at_least_1d)


@public(method=False)
def atleast_2d(*tensors):
    """Each tensor with at least 2 dims (a 1-D tensor becomes one row)."""
    return _atleast(tensors, _at_least_2d)


@public(method=False)
def atleast_3d(*tensors):
    """Each tensor with at least 3 dims (as NumPy: a matrix gains a last dim of size 1)."""
    return _atleast(tensors, _at_least_3d)


@public(method=False)
def dstack(tensors):
    """Concatenate along dim 2 after ``atleast_3d``."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("dstack expects a non-empty TensorList")
    return cat([_at_least_3d(t) for t in tensors], 2)


@public(method=False)
def column_stack(tensors):
    """Stack 0-d and 1-D tensors as columns (2-D tensors as they are), along dim 1."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    columns = [S.view(t, (t._data.size, 1)) if t.ndim <= 1 else t for t in tensors]
    return cat(columns, 1)


def _directional_split(name, input, sections, dim, min_dims):  # noqa: A002
    if input.ndim < min_dims:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, "
                           f"but got a tensor with {input.ndim} dimensions!")
    if isinstance(sections, (int, np.integer)):
        size = input._data.shape[dim]
        if sections == 0 or size % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the "
                               f"size of the dimension {size} is not divisible by the split_size "
                               f"{sections}!")
    return tensor_split(input, sections, dim)


@public()
def hsplit(input, indices_or_sections):  # noqa: A002
    """``tensor_split`` along dim 1 (dim 0 for 1-D tensors); a number must divide evenly."""
    dim = 0 if input.ndim == 1 else 1
    return _directional_split("hsplit", input, indices_or_sections, dim, 1)


@public()
def vsplit(input, indices_or_sections):  # noqa: A002
    """``tensor_split`` along dim 0 of a tensor with at least 2 dims."""
    return _directional_split("vsplit", input, indices_or_sections, 0, 2)


@public()
def dsplit(input, indices_or_sections):  # noqa: A002
    """``tensor_split`` along dim 2 of a tensor with at least 3 dims."""
    return _directional_split("dsplit", input, indices_or_sections, 2, 3)


@public(method=False)
def block_diag(*tensors):
    """The tensors (0-d, 1-d or 2-d) as blocks along the diagonal of one matrix, zeros elsewhere
    (composed from padded rows and cat)."""
    from .. import zeros

    blocks = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                               f"Input {i} has {t.ndim} dimensions")
        blocks.append(t.reshape(1, -1) if t.ndim < 2 else t)
    if not blocks:
        return zeros(1, 0)
    target = _dtype.result_type(*blocks)
    blocks = [b if b.dtype is target else b.to(target) for b in blocks]
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        right = width - left - b.shape[1]
        rows.append(cat([zeros(b.shape[0], left, dtype=target), b,
                         zeros(b.shape[0], right, dtype=target)], 1))
        left += b.shape[1]
    return cat(rows, 0)


@public(method=False)
def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, as rows (one tensor: itself)."""
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)
