"""Reductions, statistics, scans and sorting: one row each, forward and derivative together.

Rows that pick elements (max(dim), sort, topk, kthvalue, median(dim), mode, cummax) return
(values, indices) and send each gradient back to the index it came from; whole-tensor max, min,
median and amax/amin share it evenly among ties, as PyTorch does.
"""

from __future__ import annotations

import math

from ..backend import xp
from . import formula as F
from . import indexing as I
from . import pointwise as PA
from . import shape as S
from .op import defop


def _numel(shape, dim):
    if dim is None:
        dim = range(len(shape))
    count = 1
    for d in dim:
        count *= shape[d]
    return count


# (ndarray methods: NumPy's module-level sum/mean/max add microseconds of Python per call)
sum_all = defop("SumBackward0", forward=lambda self: self.sum(),
                self=lambda grad, self_shape: F.expand(grad, self_shape))
sum_dim = defop(
    "SumBackward1",
    forward=lambda self, dim, keepdim: self.sum(axis=dim, keepdims=keepdim),
    self=lambda grad, self_shape, dim, keepdim: F.expand(
        grad if keepdim else F.unsqueeze_dims(grad, dim, len(self_shape)), self_shape),
)
mean_all = defop(
    "MeanBackward0", forward=lambda self: self.sum(dtype=self.dtype) / self.size,
    self=lambda grad, self_shape: F.expand(grad / max(_numel(self_shape, None), 1), self_shape),
)
nansum = defop(
    "NansumBackward0",
    forward=lambda self, dim, keepdim: xp.nansum(self, axis=dim, keepdims=keepdim),
    # NaNs add nothing, so they get no gradient.
    self=lambda grad, self, dim, keepdim: F.expand(
        grad if keepdim or dim is None else F.unsqueeze_dims(grad, dim, F.detached(self).ndim),
        F.detached(self).shape) * ~xp.isnan(F.detached(self)),
)


def _trace_grad(grad, self_shape):
    eye = xp.eye(*self_shape, dtype=F.detached(grad).dtype)
    return F.expand(grad, self_shape) * eye


trace = defop("TraceBackward0", forward=lambda self: xp.trace(self), self=_trace_grad)
mean_dim = defop(
    "MeanBackward1",
    forward=lambda self, dim, keepdim: self.sum(axis=dim, keepdims=keepdim, dtype=self.dtype)
    / _numel(self.shape, dim),
    self=lambda grad, self_shape, dim, keepdim: F.expand(
        (grad if keepdim else F.unsqueeze_dims(grad, dim, len(self_shape)))
        / max(_numel(self_shape, dim), 1), self_shape),
)


# --- helpers shared by the formulas below --------------------------------------------------------
def _restore(grad, dim, keepdim, ndim):
    """Give a reduced gradient back its reduced dims (size 1) so it broadcasts against self."""
    return grad if keepdim else F.unsqueeze_dims(grad, dim, ndim)


def _scatter_selected(grad, indices, self_shape, dim, keepdim):
    """The gradient of a row that picked ``indices`` along ``dim``: each value goes back to the
    position it came from (max(dim), median(dim), kthvalue, mode, topk, sort, cummax)."""
    indices = F.detached(indices)
    if len(self_shape) == 0:
        return grad.reshape(()) if F.is_tensor(grad) else xp.reshape(grad, ())
    if not keepdim:
        grad = F.unsqueeze_dims(grad, dim, len(self_shape))
        indices = xp.expand_dims(indices, dim)
    return I.scatter_add.on(F.zeros(self_shape, grad), grad, dim, indices)


def _evenly(grad, self, result, dim=None, keepdim=True):
    """Share the gradient equally among the elements equal to the result (ties at a max, min or
    median of the whole tensor, amax/amin): PyTorch's evenly_distribute rule."""
    x = F.detached(self)
    value = F.detached(result)
    if dim is not None and not keepdim:
        value = xp.expand_dims(value, dim)
        grad = F.unsqueeze_dims(grad, dim, x.ndim)
    mask = (x == value) | (xp.isnan(x) & xp.isnan(value))
    count = mask.sum(axis=dim, keepdims=True)
    return F.where(mask, grad / count.astype(x.dtype), 0.0)


def _axis(dim):
    return dim[0] if isinstance(dim, tuple) else dim


# --- products, statistics -------------------------------------------------------------------------
def _exclusive_products(x, dim):
    """The product of all other elements along ``dim``, exact when some are zero."""
    ones = F.zeros(x.shape[:dim] + (1,) + x.shape[dim + 1:], x) + 1
    shift = x.shape[dim] - 1
    before = cumprod.on(cat_pad(ones, S.slice_op.on(x, dim, 0, shift, 1), dim), dim)
    rest = S.flip.on(S.slice_op.on(x, dim, 1, x.shape[dim], 1), (dim,))
    after = S.flip.on(cumprod.on(cat_pad(ones, rest, dim), dim), (dim,))
    return before * after


def cat_pad(first, second, dim):
    if F.is_tensor(first) or F.is_tensor(second):
        return S.cat([F.zeros(first.shape, second) + first if not F.is_tensor(first) else first,
                      second], dim)
    return xp.concatenate([first, second], axis=dim)


def _prod_grad(grad, self, dim, keepdim):
    if len(self.shape) == 0:
        return grad
    if 0 in self.shape:
        return self * 0
    if dim is None:
        flat = self.reshape(-1)
        return (_restore(grad, None, True, 0) * _exclusive_products(flat, 0)).reshape(self.shape)
    return _restore(grad, (dim,), keepdim, len(self.shape)) * _exclusive_products(self, dim)


prod_all = defop("ProdBackward0", forward=lambda self: xp.prod(self),
                 self=lambda grad, self: _prod_grad(grad, self, None, False))
prod_dim = defop("ProdBackward1",
                 forward=lambda self, dim, keepdim: xp.prod(self, axis=dim, keepdims=keepdim),
                 self=lambda grad, self, dim, keepdim: _prod_grad(grad, self, dim, keepdim))


def _var(self, dim, correction, keepdim):
    count = _numel(self.shape, dim) - correction
    with xp.errstate(divide="ignore", invalid="ignore"):
        centred = self - xp.mean(self, axis=dim, keepdims=True)
        total = xp.sum(centred * centred, axis=dim, keepdims=keepdim)
        return (total / max(count, 0)).astype(self.dtype, copy=False)


def _centred(self, dim):
    return self - mean_dim.on(self, dim, True)


def _inverse_count(self, dim, correction):
    # No degrees of freedom left: 1/0 is inf (and the gradient NaN), as in PyTorch.
    count = _numel(self.shape, dim) - correction
    return 1.0 / count if count else math.inf


def _var_grad(grad, self, dim, correction, keepdim):
    scale = 2.0 * _inverse_count(self, dim, correction)
    return _restore(grad, dim, keepdim, len(self.shape)) * scale * _centred(self, dim)


def _std_grad(grad, self, result, dim, correction, keepdim):
    scaled = _restore(grad / result, dim, keepdim, len(self.shape)) * _inverse_count(
        self, dim, correction)
    return scaled * _centred(self, dim)


var = defop("VarBackward0", forward=_var, self=_var_grad)
std = defop("StdBackward0",
            forward=lambda self, dim, correction, keepdim: xp.sqrt(
                _var(self, dim, correction, keepdim)),
            self=_std_grad)


def _vector_norm(self, ord, dim, keepdim):  # noqa: A002 (PyTorch's name)
    if ord == 2:
        return xp.sqrt((self * self).sum(axis=dim, keepdims=keepdim))
    a = xp.abs(self)
    if ord == 1:
        return xp.sum(a, axis=dim, keepdims=keepdim)
    if ord == math.inf:
        return xp.max(a, axis=dim, keepdims=keepdim, initial=0)
    if ord == -math.inf:
        return xp.min(a, axis=dim, keepdims=keepdim)
    if ord == 0:
        return xp.sum(a != 0, axis=dim, keepdims=keepdim).astype(self.dtype)
    return xp.sum(a ** ord, axis=dim, keepdims=keepdim) ** (1.0 / ord)


def _norm_grad(grad, self, result, ord, dim, keepdim):  # noqa: A002
    ndim = len(self.shape)
    grad = _restore(grad, dim, keepdim, ndim)
    norm = _restore(result, dim, keepdim, ndim)
    if ord == 0:
        return self * 0
    if ord == 1:
        return grad * F.sign(self)
    if ord in (math.inf, -math.inf):
        return F.sign(self) * _evenly(grad, PA.abs.on(F.detached(self)), F.detached(norm), dim)
    # A zero norm has a zero gradient (the subgradient PyTorch picks at the origin).
    zero = F.detached(norm) == 0
    if ord == 2:
        return self * F.where(zero, 0.0, grad / F.where(zero, 1.0, norm))
    power = self * PA.abs.on(self) ** (ord - 2)
    return power * F.where(zero, 0.0, grad / F.where(zero, 1.0, norm) ** (ord - 1))


vector_norm = defop("LinalgVectorNormBackward0", forward=_vector_norm, self=_norm_grad)


def _logsumexp(self, dim, keepdim):
    peak = xp.max(self, axis=dim, keepdims=True) if self.size else xp.zeros((1,) * self.ndim)
    peak = xp.where(xp.isfinite(peak), peak, 0)
    with xp.errstate(divide="ignore"):
        out = xp.log(xp.sum(xp.exp(self - peak), axis=dim, keepdims=True)) + peak
    return (out if keepdim else xp.squeeze(out, axis=dim)).astype(self.dtype, copy=False)


logsumexp = defop(
    "LogsumexpBackward0", forward=_logsumexp,
    self=lambda grad, self, result, dim, keepdim: _restore(grad, dim, keepdim, len(self.shape))
    * F.exp(self - _restore(result, dim, keepdim, len(self.shape))))

# --- max, min and their relatives -----------------------------------------------------------------
max_all = defop("MaxBackward1", forward=lambda self: self.max(),
                self=lambda grad, self, result: _evenly(grad, self, result))
min_all = defop("MinBackward1", forward=lambda self: self.min(),
                self=lambda grad, self, result: _evenly(grad, self, result))
amax = defop("AmaxBackward0",
             forward=lambda self, dim, keepdim: self.max(axis=dim, keepdims=keepdim),
             self=_evenly)
amin = defop("AminBackward0",
             forward=lambda self, dim, keepdim: self.min(axis=dim, keepdims=keepdim),
             self=_evenly)


def _pick(value_fn, arg_fn):
    def forward(self, dim, keepdim):
        if self.ndim == 0:
            return self.copy(), xp.zeros((), xp.int64)
        # (NaN wins both: max propagates it and argmax returns the first NaN's index)
        return (getattr(self, value_fn)(axis=dim, keepdims=keepdim),
                getattr(self, arg_fn)(axis=dim, keepdims=keepdim).astype(xp.int64, copy=False))

    return forward


def _selected_grad(grad, result, self_shape, dim, keepdim):
    return _scatter_selected(grad[0], result[1], self_shape, dim, keepdim)


max_dim = defop("MaxBackward0", forward=_pick("max", "argmax"), outputs=2, self=_selected_grad)
min_dim = defop("MinBackward0", forward=_pick("min", "argmin"), outputs=2, self=_selected_grad)


def _sorted_indices(self, dim, descending):
    """A stable argsort; descending keeps equal elements in their original order."""
    if not descending:
        return xp.argsort(self, axis=dim, kind="stable")
    flipped = xp.argsort(xp.flip(self, dim), axis=dim, kind="stable")
    return self.shape[dim] - 1 - xp.flip(flipped, dim)


def _sort(self, dim, descending):
    if self.ndim == 0:
        return self.copy(), xp.zeros((), xp.int64)
    indices = _sorted_indices(self, dim, descending)
    return xp.take_along_axis(self, indices, axis=dim), indices.astype(xp.int64)


def _topk(self, k, dim, largest, sorted):  # noqa: A002
    if self.ndim == 0:
        return self.copy(), xp.zeros((), xp.int64)
    indices = _sorted_indices(self, dim, largest)
    indices = xp.take(indices, xp.arange(k), axis=dim)
    return xp.take_along_axis(self, indices, axis=dim), indices.astype(xp.int64)


def _kthvalue(self, k, dim, keepdim):
    if self.ndim == 0:
        return self.copy(), xp.zeros((), xp.int64)
    indices = xp.take(_sorted_indices(self, dim, False), [k - 1], axis=dim)
    values = xp.take_along_axis(self, indices, axis=dim)
    if not keepdim:
        values, indices = xp.squeeze(values, dim), xp.squeeze(indices, dim)
    return values, indices.astype(xp.int64)


def _median_dim(self, dim, keepdim):
    # PyTorch's median is the lower of the two middle values (no averaging); a row holding NaN
    # has NaN as its median, at the first NaN's index.
    count = self.shape[dim] if self.ndim else 1
    values, indices = _kthvalue(self, (count - 1) // 2 + 1, dim, keepdim)
    if self.dtype.kind == "f" and self.ndim:
        nan = xp.isnan(self)
        has_nan = nan.any(axis=dim, keepdims=keepdim)
        if has_nan.any():
            values = xp.where(has_nan, xp.nan, values).astype(self.dtype)
            indices = xp.where(has_nan, xp.argmax(nan, axis=dim, keepdims=keepdim), indices)
    return values, indices


def _median_all(self):
    flat = self.reshape(-1)
    if xp.isnan(flat).any():
        return xp.asarray(xp.nan, dtype=self.dtype)
    return xp.sort(flat)[(flat.size - 1) // 2]


def _mode(self, dim, keepdim):
    if self.ndim == 0:
        return self.copy(), xp.zeros((), xp.int64)
    moved = xp.moveaxis(self, dim, -1)
    values = xp.empty(moved.shape[:-1], self.dtype)
    indices = xp.empty(moved.shape[:-1], xp.int64)
    for position in xp.ndindex(moved.shape[:-1]):
        row = moved[position]
        uniques, counts = xp.unique(row, return_counts=True)
        value = uniques[xp.argmax(counts)]  # the smallest of the most frequent values
        values[position] = value
        indices[position] = xp.nonzero(row == value)[0][-1]  # its last position, as PyTorch
    if keepdim:
        values, indices = xp.expand_dims(values, dim), xp.expand_dims(indices, dim)
    return values, indices


def _take_grad(grad, result, self_shape, dim):
    return _scatter_selected(grad[0], result[1], self_shape, dim, True)


sort = defop("SortBackward0", forward=_sort, outputs=2,
             self=lambda grad, result, self_shape, dim: _take_grad(grad, result, self_shape, dim))
topk = defop("TopkBackward0", forward=_topk, outputs=2,
             self=lambda grad, result, self_shape, dim: _take_grad(grad, result, self_shape, dim))
kthvalue = defop("KthvalueBackward0", forward=_kthvalue, outputs=2, self=lambda grad, result,
                 self_shape, dim, keepdim: _selected_grad(grad, result, self_shape, dim, keepdim))
median_dim = defop("MedianBackward1", forward=_median_dim, outputs=2, self=_selected_grad)
mode = defop("ModeBackward0", forward=_mode, outputs=2, self=_selected_grad)
median_all = defop("MedianBackward0", forward=_median_all,
                   self=lambda grad, self, result: _evenly(grad, self, result))

# --- scans ----------------------------------------------------------------------------------------
def _reverse_cumsum(grad, dim):
    return S.flip.on(cumsum.on(S.flip.on(grad, (dim,)), dim), (dim,))


cumsum = defop(
    "CumsumBackward0",
    forward=lambda self, dim: xp.cumsum(self, axis=dim, dtype=self.dtype).reshape(self.shape),
    self=lambda grad, dim: grad if len(grad.shape) == 0 else _reverse_cumsum(grad, dim))


def _cumprod_grad(grad, self, result, dim):
    if len(self.shape) == 0:
        return grad
    x = F.detached(self)
    if (x != 0).all():
        return _reverse_cumsum(grad * result, dim) / self
    # With zeros, d result[j] / d self[k] = product of self[:j+1] without self[k]: sum it up
    # one position at a time (exact, quadratic in the length of ``dim``).
    total = None
    length = self.shape[dim]
    for k in range(length):
        piece = _cumprod_without(self, grad, dim, k, length)
        total = piece if total is None else total + piece
    return total


def _cumprod_without(self, grad, dim, k, length):
    ones = F.zeros(self.shape, self) + 1
    mask = xp.zeros(self.shape, dtype=bool)
    index = [slice(None)] * len(self.shape)
    index[dim] = k
    mask[tuple(index)] = True
    replaced = F.where(mask, ones, self)
    partial = cumprod.on(replaced, dim)  # products of self[:j+1] with self[k] set to 1
    after = xp.arange(length).reshape([-1 if d == dim else 1 for d in range(len(self.shape))])
    contribution = F.where(after >= k, grad * partial, 0.0)
    return F.where(mask, sum_dim.on(contribution, (dim,), True) * ones, 0.0)


cumprod = defop("CumprodBackward0",
                forward=lambda self, dim: xp.cumprod(self, axis=dim,
                                                     dtype=self.dtype).reshape(self.shape),
                self=_cumprod_grad)


def _cumulative_pick(accumulate):
    def forward(self, dim):
        if self.ndim == 0:
            return self.copy(), xp.zeros((), xp.int64)
        values = accumulate.accumulate(self, axis=dim)  # (NaN propagates, as in PyTorch)
        # The index is the last position at or before j holding the running value (a later
        # equal value takes over, PyTorch's rule); once NaN is seen, the latest NaN.
        shape = [1] * self.ndim
        shape[dim] = self.shape[dim]
        positions = xp.arange(self.shape[dim]).reshape(shape)
        record = self == values
        if self.dtype.kind == "f":
            record |= xp.isnan(self)
        indices = xp.maximum.accumulate(xp.where(record, positions, 0), axis=dim)
        return values, indices.astype(xp.int64, copy=False)

    return forward


cummax = defop("CummaxBackward0", forward=_cumulative_pick(xp.maximum), outputs=2,
               self=lambda grad, result, self_shape, dim: _take_grad(grad, result, self_shape,
                                                                    dim))
cummin = defop("CumminBackward0", forward=_cumulative_pick(xp.minimum), outputs=2,
               self=lambda grad, result, self_shape, dim: _take_grad(grad, result, self_shape,
                                                                    dim))
