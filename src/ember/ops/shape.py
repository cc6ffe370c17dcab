"""Shape rows: views (view, transpose, expand, select, slice, diagonal, unfold...), the copies
that reorder or repeat (flip, roll, repeat, tril, rot90...), cat/stack, and the multi-output
rows of split/chunk/unbind. View rows share storage and version counter with their input.
Advanced indexing, gather/scatter and masks are in :mod:`ember.ops.indexing`."""

from __future__ import annotations

from ..backend import xp
from . import formula as F
from .op import defop, defop_variadic


def _inverse(perm):
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[p] = i
    return tuple(inverse)


view = defop("ViewBackward0", view=True,
             forward=lambda self, shape: xp.reshape(self, shape),
             self=lambda grad, self_shape: grad.reshape(self_shape))
# A reshape whose result had to be copied (PyTorch shows this name after a CloneBackward0).
unsafe_view = defop("UnsafeViewBackward0",
                    forward=lambda self, shape: xp.reshape(self, shape),
                    self=lambda grad, self_shape: grad.reshape(self_shape))
clone = defop("CloneBackward0", forward=lambda self: self.copy(), self=lambda grad: grad)
to_copy = defop(
    "ToCopyBackward0",
    forward=lambda self, dtype, source_dtype: self.astype(dtype),
    self=lambda grad, source_dtype: F.cast(grad, source_dtype),
)
transpose = defop(
    "TransposeBackward0", view=True,
    forward=lambda self, dim0, dim1: self.swapaxes(dim0, dim1) if self.ndim else self.view(),
    self=lambda grad, dim0, dim1: transpose.on(grad, dim0, dim1),
)
t = defop("TBackward0", view=True, forward=lambda self: self.T, self=lambda grad: t.on(grad))
permute = defop(
    "PermuteBackward0", view=True,
    forward=lambda self, dims: xp.transpose(self, dims),
    self=lambda grad, dims: F.permute(grad, _inverse(dims)),
)
unsqueeze = defop("UnsqueezeBackward0", view=True,
                  forward=lambda self, dim: xp.expand_dims(self, dim),
                  self=lambda grad, self_shape: grad.reshape(self_shape))
squeeze_all = defop("SqueezeBackward0", view=True,
                    forward=lambda self: xp.reshape(self, [s for s in self.shape if s != 1]),
                    self=lambda grad, self_shape: grad.reshape(self_shape))
squeeze_dim = defop("SqueezeBackward1", view=True,
                    forward=lambda self, dim: xp.reshape(
                        self, self.shape[:dim] + self.shape[dim + 1:]
                        if self.ndim and self.shape[dim] == 1 else self.shape),
                    self=lambda grad, self_shape: grad.reshape(self_shape))
# SqueezeBackward4 is the in-place squeeze_(dims) that matmul uses; squeeze(dims) is 2.
squeeze_dims = defop("SqueezeBackward4", view=True,
                     forward=lambda self, dims: xp.reshape(
                         self, [s for i, s in enumerate(self.shape) if not (i in dims and s == 1)]),
                     self=lambda grad, self_shape: grad.reshape(self_shape))
squeeze_tuple = defop("SqueezeBackward2", view=True,
                      forward=lambda self, dims: squeeze_dims.forward(self, dims),
                      self=lambda grad, self_shape: grad.reshape(self_shape))


def _expand(self, shape):
    # A real broadcast repeats memory, so NumPy's view is read-only (PyTorch refuses most
    # writes there too); one that only adds size-1 dims is an ordinary, writable view.
    if xp.prod(shape) == self.size and self.size:
        return self.reshape(shape)
    return xp.broadcast_to(self, shape)


expand = defop("ExpandBackward0", view=True, forward=_expand,
               self=lambda grad, self_shape: F.sum_to(grad, self_shape))


# --- basic indexing: one node per indexed dimension, as PyTorch shows them -----------------------
def _select_key(dim, index):
    # The trailing Ellipsis makes NumPy return a 0-d view, not a scalar copy, for a 1-D input.
    return (slice(None),) * dim + (index, Ellipsis)


def _slice_key(dim, start, stop, step):
    return (slice(None),) * dim + (slice(start, stop, step),)


def _embed(grad, self_shape, key):
    out = xp.zeros(self_shape, dtype=grad.dtype)
    out[key] = grad
    return out


select_backward = defop(
    "SelectBackwardBackward0", inputs="grad",
    forward=lambda grad, self_shape, dim, index: _embed(grad, self_shape, _select_key(dim, index)),
    grad=lambda gradgrad, dim, index: select.on(gradgrad, dim, index),
)
select = defop(
    "SelectBackward0", view=True,
    forward=lambda self, dim, index: self[_select_key(dim, index)],
    self=lambda grad, self_shape, dim, index: select_backward.on(grad, self_shape, dim, index),
)
slice_backward = defop(
    "SliceBackwardBackward0", inputs="grad",
    forward=lambda grad, self_shape, dim, start, stop, step: _embed(
        grad, self_shape, _slice_key(dim, start, stop, step)),
    grad=lambda gradgrad, dim, start, stop, step: slice_op.on(gradgrad, dim, start, stop, step),
)
slice_op = defop(
    "SliceBackward0", view=True,
    forward=lambda self, dim, start, stop, step: self[_slice_key(dim, start, stop, step)],
    self=lambda grad, self_shape, dim, start, stop, step: slice_backward.on(
        grad, self_shape, dim, start, stop, step),
)


# --- joining --------------------------------------------------------------------------------------
def _cat_piece(grad, index, shapes, dim):
    start = 0
    for shape in shapes[:index]:
        start += shape[dim] if len(shape) > 1 or shape != (0,) else 0
    size = shapes[index][dim]
    return slice_op.on(grad, dim, start, start + size, 1)


cat = defop_variadic(
    "CatBackward0",
    forward=lambda arrays, dim: xp.concatenate(arrays, axis=dim),
    derivative=_cat_piece,
)
stack = defop_variadic(
    "StackBackward0",
    forward=lambda arrays, dim: xp.stack(arrays, axis=dim),
    derivative=lambda grad, index, shapes, dim: select.on(grad, dim, index),
)


# --- in-place view ops (x.unsqueeze_(0)): the same math, PyTorch's names for the in-place forms --
def _in_place_form(name, row):
    return defop(name, forward=row.forward, **{"self": row.derivatives[0]})


unsqueeze_in_place = _in_place_form("UnsqueezeBackward1", unsqueeze)
squeeze_all_in_place = _in_place_form("SqueezeBackward3", squeeze_all)
squeeze_dim_in_place = _in_place_form("SqueezeBackward4", squeeze_dim)
squeeze_tuple_in_place = _in_place_form("SqueezeBackward5", squeeze_tuple)
transpose_in_place = _in_place_form("TransposeBackward1", transpose)
t_in_place = _in_place_form("TBackward1", t)


# --- views that PyTorch names on their own --------------------------------------------------------
# ``x[...]`` and ``x[()]``: a new view of the whole tensor.
alias = defop("AliasBackward0", view=True, forward=lambda self: self.view(),
              self=lambda grad: grad)


# --- reordering and repeating (these copy) -------------------------------------------------------
flip = defop("FlipBackward0",
             forward=lambda self, dims: xp.flip(self, dims).copy() if dims else self.copy(),
             self=lambda grad, dims: flip.on(grad, dims))


def _roll(self, shifts, dims):
    if dims is None:
        return xp.roll(self.reshape(-1), shifts[0]).reshape(self.shape)
    return xp.roll(self, shifts, dims)


roll = defop("RollBackward0", forward=_roll,
             self=lambda grad, shifts, dims: roll.on(grad, tuple(-s for s in shifts), dims))


def _repeat_grad(grad, self_shape, repeats):
    # The result is the input tiled: split each dim into (copies, size) and sum the copies.
    lead = len(repeats) - len(self_shape)
    shape = (1,) * lead + tuple(self_shape)
    split = []
    for count, size in zip(repeats, shape):
        split += [count, size]
    grad = grad.reshape(tuple(split))
    axes = tuple(range(0, 2 * len(shape), 2))
    summed = grad.sum(axes) if F.is_tensor(grad) else grad.sum(axis=axes)
    return summed.reshape(self_shape)


repeat = defop("RepeatBackward0",
               forward=lambda self, repeats: xp.tile(self, repeats),
               self=lambda grad, self_shape, repeats: _repeat_grad(grad, self_shape, repeats))


# --- triangles and diagonals ----------------------------------------------------------------------
tril = defop("TrilBackward0", forward=lambda self, diagonal: xp.tril(self, diagonal),
             self=lambda grad, diagonal: tril.on(grad, diagonal))
triu = defop("TriuBackward0", forward=lambda self, diagonal: xp.triu(self, diagonal),
             self=lambda grad, diagonal: triu.on(grad, diagonal))


def diagonal_view(array, offset, dim1, dim2):
    """A writable NumPy view of the diagonal (NumPy's own ``diagonal`` is read-only): the
    other dims in order, then the diagonal, as PyTorch lays it out."""
    key = [slice(None)] * array.ndim
    key[dim1] = slice(max(-offset, 0), None)
    key[dim2] = slice(max(offset, 0), None)
    corner = array[tuple(key)]
    count = max(min(corner.shape[dim1], corner.shape[dim2]), 0)
    others = [d for d in range(array.ndim) if d != dim1 and d != dim2]
    shape = [corner.shape[d] for d in others] + [count]
    strides = [corner.strides[d] for d in others] + [corner.strides[dim1] + corner.strides[dim2]]
    return xp.lib.stride_tricks.as_strided(corner, shape, strides)


def _onto_diagonal(grad, shape, offset, dim1, dim2):
    out = xp.zeros(shape, dtype=grad.dtype)
    diagonal_view(out, offset, dim1, dim2)[...] = grad
    return out


# The gradient of a diagonal is a zero tensor with the gradient on that diagonal.
diagonal_backward = defop(
    "DiagonalBackwardBackward0", inputs="grad",
    forward=lambda grad, self_shape, offset, dim1, dim2: _onto_diagonal(
        grad, self_shape, offset, dim1, dim2),
    grad=lambda gradgrad, offset, dim1, dim2: diagonal.on(gradgrad, offset, dim1, dim2),
)
diagonal = defop(
    "DiagonalBackward0", view=True,
    forward=lambda self, offset, dim1, dim2: diagonal_view(self, offset, dim1, dim2),
    self=lambda grad, self_shape, offset, dim1, dim2: diagonal_backward.on(
        grad, self_shape, offset, dim1, dim2),
)
# torch.diag of a matrix reads its diagonal into a new tensor (PyTorch's diagonal_copy node).
diag_of_matrix = defop(
    "DiagonalBackward0_copy",
    forward=lambda self, diagonal: diagonal_view(self, diagonal, 0, 1).copy(),
    self=lambda grad, self_shape, diagonal: diagonal_backward.on(grad, self_shape, diagonal, 0, 1),
)


def _embed_shape(shape, offset, dim1, dim2):
    """diag_embed's output shape: the last dim becomes a square of side n + |offset|."""
    side = shape[-1] + abs(offset)
    out = list(shape[:-1])
    for d in sorted((dim1, dim2)):
        out.insert(d, side)
    return tuple(out)


diag_embed = defop(
    "DiagEmbedBackward0",
    forward=lambda self, offset, dim1, dim2: _onto_diagonal(
        self, _embed_shape(self.shape, offset, dim1, dim2), offset, dim1, dim2),
    self=lambda grad, offset, dim1, dim2: diagonal.on(grad, offset, dim1, dim2),
)

rot90 = defop(
    "Rot90Backward0",
    forward=lambda self, k, dims: xp.rot90(self, k, dims).copy(),
    self=lambda grad, k, dims: rot90.on(grad, -k, dims),
)


# --- unfold: sliding windows as a view ------------------------------------------------------------
def _windows(array, dimension, size, step):
    shape = list(array.shape)
    strides = list(array.strides)
    if array.ndim == 0:  # a scalar is one window of size 1 (or none of size 0)
        return array.reshape(1)[:size]
    count = (shape[dimension] - size) // step + 1
    window_stride = strides[dimension]
    shape[dimension], strides[dimension] = count, window_stride * step
    return xp.lib.stride_tricks.as_strided(array, shape + [size], strides + [window_stride])


def _unfold_grad(grad, self_shape, dimension, size, step):
    out = xp.zeros(self_shape, dtype=grad.dtype)
    windows = _windows(out, dimension, size, step)
    if out.ndim == 0:
        return grad.sum().reshape(()) if size else out
    # Windows overlap when step < size: add window by window so overlaps add up.
    for i in range(size):
        key = (slice(None),) * windows.ndim
        target = windows[key[:-1] + (i,)]
        target += grad[..., i]
    return out


unfold_backward = defop(
    "UnfoldBackwardBackward0", inputs="grad",
    forward=_unfold_grad,
    grad=lambda gradgrad, dimension, size, step: unfold.on(gradgrad, dimension, size, step),
)
unfold = defop(
    "UnfoldBackward0", view=True,
    forward=lambda self, dimension, size, step: _windows(self, dimension, size, step),
    self=lambda grad, self_shape, dimension, size, step: unfold_backward.on(
        grad, self_shape, dimension, size, step),
)


# --- one input, several outputs -------------------------------------------------------------------
def _join(grads, dim):
    """Concatenate the gradients of the pieces (recorded when they are Tensors)."""
    if any(F.is_tensor(g) for g in grads):
        from .._tensor import Tensor

        return cat([g if F.is_tensor(g) else Tensor._make(g) for g in grads], dim)
    return xp.concatenate(grads, axis=dim)


def _pieces(self, sizes, dim):
    key = [slice(None)] * self.ndim
    pieces, start = [], 0
    for size in sizes:
        key[dim] = slice(start, start + size)
        pieces.append(self[tuple(key)])
        start += size
    return tuple(pieces)


def _unbind(self, dim):
    key = [slice(None)] * self.ndim + [Ellipsis]
    pieces = []
    for i in range(self.shape[dim]):
        key[dim] = i
        pieces.append(self[tuple(key)])
    return tuple(pieces)


def _unbind_grad(grad, dim):
    if any(F.is_tensor(g) for g in grad):
        from .._tensor import Tensor

        return stack([g if F.is_tensor(g) else Tensor._make(g) for g in grad], dim)
    return xp.stack(grad, axis=dim)


_MULTI_OUTPUT_ROWS: dict = {}


def multi_output(name, count):
    """The row ``name`` (SplitBackward0, SplitWithSizesBackward0, UnbindBackward0) with ``count``
    outputs: PyTorch shows one node whose outputs are the pieces. (Rows fix their number of
    outputs, so there is one row per count, made on first use.)"""
    row = _MULTI_OUTPUT_ROWS.get((name, count))
    if row is None:
        # A single piece is a plain one-output row: forward and formula see it unwrapped.
        if name == "UnbindBackward0":
            if count == 1:
                forward = lambda self, dim: _unbind(self, dim)[0]  # noqa: E731
            else:
                forward = _unbind
            formula = _unbind_grad
        else:
            if count == 1:
                forward = lambda self, sizes, dim: _pieces(self, sizes, dim)[0]  # noqa: E731
            else:
                forward = _pieces
            formula = _join
        if count == 1:
            row = defop(name, forward=forward, self=lambda grad, dim: formula((grad,), dim))
        else:
            row = defop(name, outputs=count, forward=forward,
                        self=lambda grad, dim: formula(grad, dim))
            # The engine sizes a node's gradient buffer by its class's num_outputs.
            row.node_class.num_outputs = count
        _MULTI_OUTPUT_ROWS[name, count] = row
    return row


# --- writing a view's values into a copy: select/slice/diagonal_scatter ---------------------------
# Each result is self with the region the view addresses replaced by src; self's gradient is the
# incoming one with that region zeroed, src's is the incoming one read through the view.
def _write_region(self, src, view):
    out = xp.array(self)
    view(out)[...] = src
    return out


select_scatter = defop(
    "SelectScatterBackward0", inputs="self src",
    forward=lambda self, src, dim, index: _write_region(
        self, src, lambda a: a[_select_key(dim, index)]),
    self=lambda grad, src_shape, dim, index: select_scatter.on(
        grad, F.zeros(src_shape, grad), dim, index),
    src=lambda grad, dim, index: select.on(grad, dim, index),
)
slice_scatter = defop(
    "SliceScatterBackward0", inputs="self src",
    forward=lambda self, src, dim, start, stop, step: _write_region(
        self, src, lambda a: a[_slice_key(dim, start, stop, step)]),
    self=lambda grad, src_shape, dim, start, stop, step: slice_scatter.on(
        grad, F.zeros(src_shape, grad), dim, start, stop, step),
    src=lambda grad, dim, start, stop, step: slice_op.on(grad, dim, start, stop, step),
)
diagonal_scatter = defop(
    "DiagonalScatterBackward0", inputs="self src",
    forward=lambda self, src, offset, dim1, dim2: _write_region(
        self, src, lambda a: diagonal_view(a, offset, dim1, dim2)),
    self=lambda grad, src_shape, offset, dim1, dim2: diagonal_scatter.on(
        grad, F.zeros(src_shape, grad), offset, dim1, dim2),
    src=lambda grad, offset, dim1, dim2: diagonal.on(grad, offset, dim1, dim2),
)


# --- as_strided: a view with explicit sizes and strides over the storage -----------------------
def _storage_start(array):
    """The NumPy array that owns ``array``'s memory, as a flat view in memory order."""
    owner = array
    while isinstance(owner.base, xp.ndarray):
        owner = owner.base
    return owner.ravel(order="K")


def _strided(self, size, stride, offset):
    """The view of ``self``'s memory that starts ``offset`` elements after self's first element
    (``offset`` may be negative: the storage can begin before the input) with element strides
    ``stride``. The public function has checked that it stays inside the storage."""
    flat = _storage_start(self)
    itemsize = self.itemsize
    start = (self.__array_interface__["data"][0] - flat.__array_interface__["data"][0]) \
        // itemsize + offset
    return xp.lib.stride_tricks.as_strided(
        flat[start:], tuple(size), tuple(s * itemsize for s in stride))


def _positions_grad(grad, input_positions, result_positions, storage_size):
    """The gradient of a strided read: add each result element's gradient into the storage
    position it came from, then read the input's positions back out."""
    from .indexing import index, index_backward

    storage = index_backward.on(grad, (storage_size,), (result_positions,))
    return index.on(storage, (input_positions,))


# ``input_positions``/``result_positions``: where each element sits in the (row-major) storage.
as_strided = defop(
    "AsStridedBackward0", view=True,
    forward=lambda self, size, stride, offset, input_positions, result_positions, storage_size:
        _strided(self, size, stride, offset),
    self=lambda grad, input_positions, result_positions, storage_size: _positions_grad(
        grad, input_positions, result_positions, storage_size),
)
# The same read when the storage's memory is not laid out as PyTorch's would be: a copy.
as_strided_copy = defop(
    "AsStridedBackward0",
    forward=lambda self, input_positions, result_positions, storage_size:
        self.reshape(-1)[result_positions],
    self=lambda grad, input_positions, result_positions, storage_size: _positions_grad(
        grad, input_positions, result_positions, storage_size),
)


def _scatter_positions(self, src, positions):
    out = xp.array(self)
    out.reshape(-1)[positions] = src
    return out


# ``positions``: the flat positions in (a contiguous copy of) self that the strided view reads.
as_strided_scatter = defop(
    "AsStridedScatterBackward0", inputs="self src",
    forward=lambda self, src, positions: _scatter_positions(self, src, positions),
    self=lambda grad, src_shape, positions: as_strided_scatter.on(
        grad, F.zeros(src_shape, grad), positions),
    src=lambda grad, positions: _take_positions(grad, positions),
)


def _take_positions(grad, positions):
    from .indexing import index

    return index.on(grad.reshape(-1), (positions,))


# narrow_copy: the same block as narrow, in new memory, under PyTorch's own node name.
narrow_copy = defop(
    "NarrowCopyBackward0",
    forward=lambda self, dim, start, stop: self[_slice_key(dim, start, stop, 1)].copy(),
    self=lambda grad, self_shape, dim, start, stop: slice_backward.on(
        grad, self_shape, dim, start, stop, 1),
)
