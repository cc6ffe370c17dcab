"""Shape ops and basic indexing. Most return views: they share storage and version counter."""

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
    forward=lambda self, dim0, dim1: xp.swapaxes(self, dim0, dim1),
    self=lambda grad, dim0, dim1: F.transpose(grad, dim0, dim1),
)
t = defop("TBackward0", view=True, forward=lambda self: self.T,
          self=lambda grad: F.transpose(grad, 0, -1))
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
                        if self.shape[dim] == 1 else self.shape),
                    self=lambda grad, self_shape: grad.reshape(self_shape))
squeeze_dims = defop("SqueezeBackward4", view=True,
                     forward=lambda self, dims: xp.reshape(
                         self, [s for i, s in enumerate(self.shape) if not (i in dims and s == 1)]),
                     self=lambda grad, self_shape: grad.reshape(self_shape))
expand = defop("ExpandBackward0", view=True,
               forward=lambda self, shape: xp.broadcast_to(self, shape),
               self=lambda grad, self_shape: F.sum_to(grad, self_shape))


# --- basic indexing: one node per indexed dimension, as PyTorch shows them -----------------------
def _select_key(dim, index):
    return (slice(None),) * dim + (index,)


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


# --- advanced (integer-array and boolean) indexing ------------------------------------------------
def _scatter_add(grad, self_shape, key):
    out = xp.zeros(self_shape, dtype=grad.dtype)
    xp.add.at(out, key, grad)
    return out


index_backward = defop(
    "IndexPutBackward0", inputs="grad",
    forward=lambda grad, self_shape, key: _scatter_add(grad, self_shape, key),
    grad=lambda gradgrad, key: index.on(gradgrad, key),
)
index = defop(
    "IndexBackward0",
    forward=lambda self, key: self[key],
    self=lambda grad, self_shape, key: index_backward.on(grad, self_shape, key),
)


def _copy_slices(self, value, key):
    out = self.copy()
    out[key] = value
    return out


def _masked_grad(grad, key):
    out = F.detached(grad).copy() if not F.is_tensor(grad) else None
    if out is not None:
        out[key] = 0
        return out
    mask = xp.ones(grad.shape, dtype=bool)
    mask[key] = False
    return grad * F.cast(mask, F.detached(grad).dtype)


# ``x[key] = value``: PyTorch names the node CopySlices.
copy_slices = defop(
    "CopySlices", inputs="self value", promote=None,
    forward=_copy_slices,
    self=lambda grad, key: _masked_grad(grad, key),
    value=lambda grad, value_shape, key: F.sum_to(index.on(grad, key), value_shape),
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
