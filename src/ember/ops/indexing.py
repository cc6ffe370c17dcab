"""Indexing rows: advanced indexing, index_put, gather/scatter, index_select/index_add, masks.

Keys of advanced indexing arrive here already normalised by ``ember._api.indexing``: a tuple of
``slice(None)`` and integer arrays (boolean masks are turned into their nonzero positions), so
NumPy's advanced indexing gives exactly PyTorch's result and ``add.at`` can accumulate into it.
"""

from __future__ import annotations

from ..backend import xp
from . import formula as F
from .op import defop


def _accumulate(grad, self_shape, key):
    out = xp.zeros(self_shape, dtype=grad.dtype)
    xp.add.at(out, key, grad)
    return out


# --- x[key] with integer-array keys ---------------------------------------------------------------
# The derivative of indexing puts the gradient back where it came from, adding where an index
# repeats (index_put with accumulate=True).
index_backward = defop(
    "IndexPutBackward0", inputs="grad",
    forward=lambda grad, self_shape, key: _accumulate(grad, self_shape, key),
    grad=lambda gradgrad, key: index.on(gradgrad, key),
)
index = defop(
    "IndexBackward0",
    forward=lambda self, key: xp.ascontiguousarray(self[key]),
    self=lambda grad, self_shape, key: index_backward.on(grad, self_shape, key),
)


def _index_put(self, values, key, accumulate=False):
    out = xp.array(self)
    if accumulate:
        xp.add.at(out, key, values)
    else:
        out[key] = values
    return out


def _zero_at(grad, key):
    """``grad`` with the positions ``key`` overwrote set to zero (recorded for Tensors)."""
    if F.is_tensor(grad):
        return index_put.on(grad, F.zeros((), grad), key, False)
    out = xp.array(grad)
    out[key] = 0
    return out


# ``x[key] = values`` with an advanced key, and ``index_put``: old values flow through where they
# were not overwritten (or all of them, with accumulate=True); each value gets the gradient at the
# positions it was written to.
index_put = defop(
    "IndexPutBackward0", inputs="self values",
    forward=_index_put,
    self=lambda grad, key, accumulate: grad if accumulate else _zero_at(grad, key),
    values=lambda grad, values_shape, key: F.sum_to(index.on(grad, key), values_shape),
)


# --- index_select / index_add ---------------------------------------------------------------------
def _dim_key(dim, index):
    return (slice(None),) * dim + (index,)


def _index_add(self, source, dim, index, alpha=1):
    out = xp.array(self)
    if self.ndim == 0:
        out = out.reshape(1)
        source = source.reshape(1)
    xp.add.at(out, _dim_key(dim, index), source if alpha == 1 else source * alpha)
    return out.reshape(self.shape)


index_add = defop(
    "IndexAddBackward0", inputs="self source", promote=None,
    forward=_index_add,
    self=lambda grad: grad,
    source=lambda grad, source_shape, dim, index, alpha: _select_for(
        grad, source_shape, dim, index, alpha),
)


def _select_for(grad, source_shape, dim, index, alpha):
    out = index_select.on(grad.reshape(-1) if grad.ndim == 0 else grad, dim, index)
    out = out.reshape(source_shape) if out.shape != tuple(source_shape) else out
    return out if alpha == 1 else out * alpha


def _index_select(self, dim, index):
    if self.ndim == 0:  # a scalar stays a scalar (the index can only be [0])
        return self.copy()
    return xp.take(self, index, axis=dim)


index_select = defop(
    "IndexSelectBackward0",
    forward=_index_select,
    self=lambda grad, self_shape, dim, index: index_add.on(
        F.zeros(self_shape, grad), grad, dim, index),
)


def _index_fill(self, dim, index, value):
    out = xp.array(self)
    target = out.reshape(1) if out.ndim == 0 else out
    target[_dim_key(dim, index)] = value
    return out


index_fill = defop(
    "IndexFillBackward0",
    forward=_index_fill,
    self=lambda grad, dim, index: index_fill.on(grad, dim, index, 0),
)
# (``index`` arrives without repeats, so each filled position counts once for ``value``)
index_fill_tensor = defop(
    "IndexFillBackward1", inputs="self value",
    forward=lambda self, value, dim, index: _index_fill(self, dim, index, value),
    self=lambda grad, dim, index: index_fill.on(grad, dim, index, 0),
    value=lambda grad, dim, index: F.sum_to(index_select.on(grad, dim, index), ()),
)
index_copy = defop(
    "IndexCopyBackward0", inputs="self source",
    forward=lambda self, source, dim, index: _index_fill(self, dim, index, source),
    self=lambda grad, dim, index: index_fill.on(grad, dim, index, 0),
    source=lambda grad, source_shape, dim, index: _select_for(grad, source_shape, dim, index, 1),
)


# --- gather / scatter -----------------------------------------------------------------------------
def _scatter_key(index, dim):
    """The full integer key that addresses ``self`` at ``index`` along ``dim``."""
    key = list(xp.indices(index.shape, sparse=True))
    key[dim] = index
    return tuple(key)


def _region(array, shape):
    """The leading ``shape`` block of ``array`` (gather/scatter use only that much of it)."""
    if array.shape == tuple(shape):
        return array
    return array[tuple(slice(0, s) for s in shape)]


def _gather(self, dim, index):
    if index.size == 0:  # (PyTorch does not check an empty index's shape against self)
        return xp.zeros(index.shape, self.dtype)
    if self.ndim == 0:
        return self.reshape(1)[index.reshape(-1)].reshape(index.shape)
    if any(i != s for d, (i, s) in enumerate(zip(index.shape, self.shape)) if d != dim):
        # only the leading block of the other dims is read
        self = self[tuple(slice(None) if d == dim else slice(0, i)
                          for d, i in enumerate(index.shape))]
    return xp.take_along_axis(self, index, axis=dim)


def _scatter(self, src, dim, index, reduce_add=False):
    # (xp.array copies; a gradient may arrive as a NumPy scalar, which has no writable view)
    out = xp.array(self)
    if out.ndim == 0:
        view, key = out.reshape(1), (index.reshape(-1),)
        values = src if xp.ndim(src) == 0 else src.reshape(-1)[:index.size]
    else:
        view, key = out, _scatter_key(index, dim)
        values = src if xp.ndim(src) == 0 else _region(src, index.shape)
    if reduce_add:
        xp.add.at(view, key, values)
    else:
        view[key] = values
    return view.reshape(out.shape)


def _gather_for(grad, src_shape, dim, index):
    """The gradient of scatter's ``src``: the gathered gradient, zero outside ``index``'s block."""
    out = gather.on(grad, dim, index)
    if out.shape == tuple(src_shape):
        return out
    padded = F.zeros(src_shape, out)
    block = tuple(slice(0, s) for s in index.shape)
    return index_put.on(padded, out, block, False)


gather = defop(
    "GatherBackward0",
    forward=_gather,
    self=lambda grad, self_shape, dim, index: scatter_add.on(
        F.zeros(self_shape, grad), grad, dim, index),
)
scatter_add = defop(
    "ScatterAddBackward0", inputs="self src",
    forward=lambda self, src, dim, index: _scatter(self, src, dim, index, True),
    self=lambda grad: grad,
    src=lambda grad, src_shape, dim, index: _gather_for(grad, src_shape, dim, index),
)
scatter = defop(
    "ScatterBackward0", inputs="self src",
    forward=lambda self, src, dim, index: _scatter(self, src, dim, index),
    self=lambda grad, dim, index: scatter_value.on(grad, dim, index, 0),
    src=lambda grad, src_shape, dim, index: _gather_for(grad, src_shape, dim, index),
)
scatter_value = defop(
    "ScatterBackward1",
    forward=lambda self, dim, index, value: _scatter(self, value, dim, index),
    self=lambda grad, dim, index: scatter_value.on(grad, dim, index, 0),
)


# --- masks ----------------------------------------------------------------------------------------
# masked_fill broadcasts self against the mask (the node sums the gradient back to self's shape).
masked_fill = defop(
    "MaskedFillBackward0", broadcast=True,
    forward=lambda self, mask, value: xp.where(mask, xp.asarray(value, self.dtype), self),
    self=lambda grad, mask: F.where(mask, 0.0, grad),
)
masked_fill_tensor = defop(
    "MaskedFillBackward1", inputs="self value", broadcast=True,
    forward=lambda self, value, mask: xp.where(mask, value, self),
    self=lambda grad, mask: F.where(mask, 0.0, grad),
    value=lambda grad, mask: F.sum_to(F.where(mask, grad, 0.0), ()),
)
# ``shape`` is the broadcast shape of self and mask; ``key`` the mask's nonzero positions in it.
masked_select = defop(
    "MaskedSelectBackward0",
    forward=lambda self, shape, key: xp.broadcast_to(self, shape)[key],
    self=lambda grad, self_shape, shape, key: F.sum_to(
        index_backward.on(grad, shape, key), self_shape),
)


def _masked_scatter(self, source, mask, key):
    out = xp.array(self)
    out[key] = source.reshape(-1)[:key[0].size]
    return out


def _source_grad(grad, source_shape, key):
    """The gradient of masked_scatter's source: the masked gradient, then zeros."""
    count = key[0].size
    picked = index.on(grad, key)
    return index_backward.on(picked, (_numel(source_shape),), (xp.arange(count),)).reshape(
        source_shape)


# ``mask`` arrives broadcast to self's shape; ``key`` is its nonzero positions.
masked_scatter = defop(
    "MaskedScatterBackward0", inputs="self source",
    forward=_masked_scatter,
    self=lambda grad, mask: F.where(mask, 0.0, grad),
    source=lambda grad, source_shape, key: _source_grad(grad, source_shape, key),
)


# --- take -----------------------------------------------------------------------------------------
def _numel(shape):
    count = 1
    for size in shape:
        count *= size
    return count


take = defop(
    "TakeBackward0",
    forward=lambda self, index: self.reshape(-1)[index],
    self=lambda grad, self_shape, index: index_backward.on(
        grad, (_numel(self_shape),), (index,)).reshape(self_shape),
)


# --- writes ---------------------------------------------------------------------------------------
# ``x[...] = value`` and ``x[basic key] = value`` write through a view; the value's gradient is
# the incoming one summed back to its shape, and nothing flows to the overwritten values.
copy = defop(
    "CopyBackwards", inputs="self src",
    forward=lambda self, src: xp.broadcast_to(src, self.shape).astype(self.dtype, copy=True),
    self=lambda grad: grad * 0,
    src=lambda grad, src_shape: F.sum_to(grad, src_shape),
)
fill = defop(
    "FillBackward3",
    forward=lambda self, value: xp.full(self.shape, value, dtype=self.dtype),
    self=lambda grad: grad * 0,
)
# Tensor.fill_(number) and Tensor.zero_() on a tensor in a graph: the old values get no gradient.
fill_scalar = defop(
    "FillBackward2",
    forward=lambda self, value: xp.full(self.shape, value, dtype=self.dtype),
    self=lambda grad: grad * 0,
)
zero = defop(
    "ZeroBackward0",
    forward=lambda self: xp.zeros(self.shape, dtype=self.dtype),
    self=lambda grad: grad * 0,
)


# --- scatter_reduce / index_reduce ----------------------------------------------------------------
# Each reduction starts from self's values (include_self=True) or from the reduction's identity at
# the positions that receive a value (include_self=False), then folds src in with ufunc.at.
_REDUCE_UFUNCS = {"sum": xp.add, "prod": xp.multiply, "mean": xp.add,
                  "amax": xp.maximum, "amin": xp.minimum}


def _identity(reduce, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -xp.inf if reduce == "amax" else xp.inf
    if dtype.kind == "b":
        return reduce == "amin"
    info = xp.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def _scatter_target(out, index, dim):
    """The writable view of ``out`` and the integer key that ``index`` addresses along ``dim``."""
    if out.ndim == 0:
        return out.reshape(1), (index.reshape(-1),)
    return out, _scatter_key(index, dim)


def _scatter_reduce(self, src, dim, index, reduce, include_self=True):
    out = xp.array(self)
    view, key = _scatter_target(out, index, dim)
    values = src.reshape(-1)[:index.size] if out.ndim == 0 else _region(src, index.shape)
    if not include_self:
        view[key] = _identity(reduce, out.dtype)
    _REDUCE_UFUNCS[reduce].at(view, key, values)
    if reduce == "mean":
        count = xp.full(view.shape, 1 if include_self else 0, dtype=out.dtype)
        xp.add.at(count, key, 1)
        count[count == 0] = 1
        if out.dtype.kind == "f":
            view /= count
        else:  # PyTorch rounds an integer mean down
            xp.floor_divide(view, count, out=view)
    return view.reshape(out.shape)


def _scattered_mask(shape, index, dim):
    """True where ``index`` sends at least one value (those positions lose self's value when
    include_self=False)."""
    mask = xp.zeros(shape, dtype=bool)
    view, key = _scatter_target(mask, index, dim)
    view[key] = True
    return view.reshape(shape)


def _count(shape, index, dim, include_self, dtype):
    """How many values each position of the result averages (1 where none arrive)."""
    count = xp.full(shape, 1 if include_self else 0, dtype=dtype)
    view, key = _scatter_target(count, index, dim)
    xp.add.at(view, key, 1)
    view[view == 0] = 1
    return view.reshape(shape)


def _gather_positions(x, dim, index):
    """``x`` gathered at ``index`` along ``dim`` (arrays only: masks and counts)."""
    if x.ndim == 0:
        return x.reshape(1)[index.reshape(-1)].reshape(index.shape)
    return _gather(x, dim, index)


def _block(x, shape):
    """The leading ``shape`` block of an array or Tensor (recorded for Tensors)."""
    if tuple(F.detached(x).shape) == tuple(shape):
        return x
    key = tuple(slice(0, s) for s in shape)
    return x[key]


def _src_region(grad, src_shape, index):
    """A gradient for the ``index``-shaped block of src, padded with zeros to src's shape."""
    if tuple(index.shape) == tuple(src_shape):
        return grad
    padded = F.zeros(src_shape, grad)
    block = tuple(slice(0, s) for s in index.shape)
    return index_put.on(padded, grad, block, False)


def _reduce_self_grad(grad, self, src, result, dim, index, reduce, include_self):
    if reduce == "sum":
        out = grad
    elif reduce == "mean":
        count = _count(result.shape, index, dim, include_self, F.detached(grad).dtype)
        out = grad / count
    elif reduce == "prod":
        # (self / self is undefined at zeros: the product of the other factors, recomputed)
        ones_at_zero = F.where(F.detached(self) == 0, 1.0, self)
        out = grad * scatter_reduce.on(ones_at_zero, src, dim, index, reduce, include_self) \
            / ones_at_zero
    else:
        # The gradient is shared evenly among the values that attain the max (min).
        winners_self, winners_src, share = _extremum_share(self, src, result, dim, index)
        out = F.where(winners_self, grad / share, 0.0)
    if not include_self:
        out = F.where(_scattered_mask(result.shape, index, dim), 0.0, out)
    return out


def _extremum_share(self, src, result, dim, index):
    self_, src_, result_ = F.detached(self), F.detached(src), F.detached(result)
    winners_self = self_ == result_
    picked = _gather_positions(result_, dim, index)
    winners_src = _region(src_, index.shape) == picked
    share = winners_self.astype(result_.dtype)
    view, key = _scatter_target(share, index, dim)
    xp.add.at(view, key, winners_src.astype(result_.dtype))
    return winners_self, winners_src, share


def _reduce_src_grad(grad, self, src, result, src_shape, dim, index, reduce, include_self):
    if reduce == "sum":
        out = gather.on(grad, dim, index)
    elif reduce == "mean":
        count = _count(result.shape, index, dim, include_self, F.detached(grad).dtype)
        out = gather.on(grad / count, dim, index)
    elif reduce == "prod":
        out = _prod_src_grad(grad, self, src, result, dim, index, include_self)
    else:
        winners_self, winners_src, share = _extremum_share(self, src, result, dim, index)
        out = F.where(winners_src, gather.on(grad / share, dim, index), 0.0)
    return _src_region(out, src_shape, index)


def _prod_src_grad(grad, self, src, result, dim, index, include_self):
    block = _region(F.detached(src), index.shape)
    zero = block == 0
    zeros_here = xp.zeros(F.detached(result).shape, dtype=xp.int64)
    view, key = _scatter_target(zeros_here, index, dim)
    xp.add.at(view, key, zero.astype(xp.int64))
    zeros_at = _gather_positions(view.reshape(zeros_here.shape), dim, index)
    lone_zero = zero & (zeros_at == 1)
    src_block = _block(src, index.shape)
    # A value that is the only zero at its position: the product of the others, recomputed
    # with it replaced by 1; the others: result / value.
    lone_as_one = F.where(lone_zero, 1.0, src_block)
    without = scatter_reduce.on(self, lone_as_one, dim, index, "prod", include_self)
    out = F.where(lone_zero, gather.on(grad * without, dim, index),
                  gather.on(grad * result, dim, index) / F.where(zero, 1.0, src_block))
    if F.is_tensor(out) and (zeros_at > 1).any():
        return delayed_error(out, "scatter_reduce(): Double backward is unsupported for src when "
                                  ">1 zeros in src are scattered to the same position in self")
    return out


scatter_reduce = defop(
    "ScatterReduceBackward0", inputs="self src",
    forward=_scatter_reduce,
    self=lambda grad, self, src, result, dim, index, reduce, include_self: _reduce_self_grad(
        grad, self, src, result, dim, index, reduce, include_self),
    src=lambda grad, self, src, result, src_shape, dim, index, reduce, include_self:
        _reduce_src_grad(grad, self, src, result, src_shape, dim, index, reduce, include_self),
)


def _raise(message):
    raise RuntimeError(message)


# A gradient that exists but cannot be differentiated again (PyTorch's Error node).
delayed_error = defop(
    "Error",
    forward=lambda self, message: self.copy(),
    self=lambda grad, message: _raise(message),
)


# index_reduce is scatter_reduce with the 1-D index spread over source's shape along ``dim``;
# ``index`` arrives spread.
index_reduce = defop(
    "IndexReduceBackward0", inputs="self source",
    forward=_scatter_reduce,
    self=lambda grad, self, source, result, dim, index, reduce, include_self: _reduce_self_grad(
        grad, self, source, result, dim, index, reduce, include_self),
    source=lambda grad, self, source, result, source_shape, dim, index, reduce, include_self:
        _reduce_src_grad(grad, self, source, result, source_shape, dim, index, reduce,
                         include_self),
)


# --- put ------------------------------------------------------------------------------------------
def _put(self, source, index, accumulate):
    out = xp.array(self)
    flat = out.reshape(-1)
    if accumulate:
        xp.add.at(flat, index, source.reshape(-1))
    else:
        flat[index] = source.reshape(-1)
    return flat.reshape(out.shape)


# ``index`` arrives as non-negative flat positions, with source's shape.
put = defop(
    "PutBackward0", inputs="self source",
    forward=_put,
    self=lambda grad, source_shape, index, accumulate: grad if accumulate else put.on(
        grad, F.zeros(source_shape, grad), index, False),
    source=lambda grad, source_shape, index: take.on(grad, index).reshape(source_shape),
)
