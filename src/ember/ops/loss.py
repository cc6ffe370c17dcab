"""Loss rows: mse, smooth L1, Huber, binary cross-entropy (on probabilities and on logits),
negative log-likelihood; PyTorch's node names.

``reduction`` is 0 (none), 1 (mean) or 2 (sum), as in PyTorch's enum. Class indices, weights
and BCE targets that PyTorch does not differentiate are attributes (arrays).
"""

from __future__ import annotations

import numpy as np

from ..backend import xp
from . import formula as F
from . import pointwise as P
from .activation import constant, log_sigmoid
from .nn import connected
from .op import defop

# A row's formula gets the incoming gradient of the reduced loss and spreads it: mean divides
# by the element count.
NONE, MEAN, SUM = 0, 1, 2


def _reduce(loss, reduction):
    # (the ufunc's reduce directly: ndarray.mean and .sum add a Python-level wrapper per call)
    if reduction == MEAN:
        if not loss.size:
            return xp.asarray(xp.nan, loss.dtype)
        return xp.add.reduce(loss, axis=None, dtype=loss.dtype) / loss.size
    if reduction == SUM:
        return xp.add.reduce(loss, axis=None, dtype=loss.dtype)
    return loss


def _spread(grad, reduction, count):
    return grad / count if reduction == MEAN and count else grad


def _count_of(shape):
    count = 1
    for s in shape:
        count *= s
    return count


mse_loss = defop(
    "MseLossBackward0", inputs="self target", broadcast=True, promote="binary",
    forward=lambda self, target, reduction: _reduce((self - target) ** 2, reduction),
    self=lambda grad, self, target, reduction: _spread(grad, reduction, _count_of(
        F.detached(self).shape)) * 2 * (self - target),
    target=lambda grad, self, target, reduction: _spread(grad, reduction, _count_of(
        F.detached(self).shape)) * -2 * (self - target),
)


def _smooth_l1(self, target, reduction, beta):
    diff = xp.abs(self - target)
    loss = xp.where(diff < beta, 0.5 * diff * diff / beta if beta else diff, diff - 0.5 * beta)
    return _reduce(loss.astype(self.dtype, copy=False), reduction)


def _smooth_l1_grad(grad, self, target, reduction, beta):
    d = self - target
    raw = F.detached(d)
    g = _spread(grad, reduction, _count_of(raw.shape))
    inside = xp.abs(raw) < beta
    return F.where(inside, g * d / (beta if beta else 1), g * constant(
        xp.sign(raw).astype(raw.dtype), grad))


def _huber(self, target, reduction, delta):
    diff = xp.abs(self - target)
    loss = xp.where(diff < delta, 0.5 * diff * diff, delta * (diff - 0.5 * delta))
    return _reduce(loss.astype(self.dtype, copy=False), reduction)


def _huber_grad(grad, self, target, reduction, delta):
    d = self - target
    raw = F.detached(d)
    g = _spread(grad, reduction, _count_of(raw.shape))
    inside = xp.abs(raw) < delta
    return F.where(inside, g * d, g * constant((delta * xp.sign(raw)).astype(raw.dtype), grad))


smooth_l1_loss = defop(
    "SmoothL1LossBackward0", inputs="self target", broadcast=True, promote="binary",
    forward=_smooth_l1,
    self=_smooth_l1_grad,
    target=lambda grad, self, target, reduction, beta: -_smooth_l1_grad(
        grad, self, target, reduction, beta),
)
huber_loss = defop(
    "HuberLossBackward0", inputs="self target", broadcast=True,
    forward=_huber,
    self=_huber_grad,
    target=lambda grad, self, target, reduction, delta: -_huber_grad(
        grad, self, target, reduction, delta),
)


# The bit patterns of 1.0 by float width: read as unsigned integers of that width, exactly the
# floats +0.0 ... 1.0 lie at or below it (negative floats and NaN lie above).
_ONE_BITS = {2: (np.uint16, 0x3C00), 4: (np.uint32, 0x3F800000), 8: (np.uint64, 0x3FF0000000000000)}


def _unit_range_top(values, name):
    """Raise PyTorch's error unless every element of ``values`` lies in [0, 1] (NaN does not);
    returns the largest value's bits, which say whether a 1 is present (see ``_ONE_BITS``).
    One integer reduction instead of a min and a max; -0.0 takes the exact test."""
    width = _ONE_BITS.get(values.dtype.itemsize)
    if values.size == 0:
        return 0
    if width is not None and values.dtype.kind == "f":
        unsigned, one = width
        top = xp.maximum.reduce(values.view(unsigned), axis=None)
        if top <= one:
            return top
    if not ((values >= 0) & (values <= 1)).all():
        raise RuntimeError(f"all elements of {name} should be between 0 and 1")
    return width[1] if width is not None else None  # (-0.0 present: take the careful path)


def _bce(self, target, weight, reduction):
    # PyTorch's expression, (t - 1) * max(log1p(-p), -100) - t * max(log(p), -100): the clamp at
    # -100 keeps p = 0 or 1 finite, and the same order of operations gives the same rounding.
    top = _unit_range_top(self, "input")
    _unit_range_top(target, "target")
    unsigned_one = _ONE_BITS.get(self.dtype.itemsize, (None, None))[1]
    tiny = _TINY.get(self.dtype)
    if tiny is not None and top != unsigned_one:
        # No p is 1, and a p of 0 is raised to the smallest positive float, whose log (below
        # -100) clamps to the same -100: no log of 0, so no NumPy warning to silence (which
        # costs more than the arithmetic on a small batch).
        log_p = xp.log(xp.maximum(self, tiny))
        log_q = xp.log1p(-self)
    else:
        with np.errstate(divide="ignore"):
            log_p = xp.log(self)
            log_q = xp.log1p(-self)
    xp.maximum(log_p, -100, out=log_p)
    xp.maximum(log_q, -100, out=log_q)
    loss = (target - 1) * log_q
    loss -= target * log_p
    if weight is not None:
        loss *= weight
    return _reduce(loss.astype(self.dtype, copy=False), reduction)


# The smallest positive float of each type whose log lies below -100 (float16's does not).
_TINY = {np.dtype(t): np.asarray(np.finfo(t).smallest_subnormal) for t in (np.float32, np.float64)}


def _bce_grad(grad, self, target, weight, reduction):
    g = _spread(grad, reduction, _count_of(F.detached(self).shape))
    # PyTorch's EPSILON keeps the denominator away from 0.
    out = g * (self - constant(target, grad)) / P.clamp.on((1 - self) * self, 1e-12, None)
    return out if weight is None else out * constant(weight, grad)


binary_cross_entropy = defop(
    "BinaryCrossEntropyBackward0", forward=_bce, self=_bce_grad,
)


def _bce_logits(self, target, weight, pos_weight, reduction):
    # softplus(-x) = max(-x, 0) + log1p(exp(-|x|)), stable for every x.
    softplus_neg = xp.maximum(-self, 0) + xp.log1p(xp.exp(-xp.abs(self)))
    if pos_weight is not None:
        loss = (1 - target) * self + (1 + (pos_weight - 1) * target) * softplus_neg
    else:
        loss = (1 - target) * self + softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.astype(self.dtype, copy=False), reduction)


def _bce_logits_self(grad, self, target, weight, pos_weight, reduction):
    g = _spread(grad, reduction, _count_of(F.detached(self).shape))
    s = P.sigmoid.on(self)
    if pos_weight is None:
        out = g * (s - target)
    else:
        pw = constant(pos_weight, grad)
        out = g * ((1 - target) + (1 + (pw - 1) * target) * (s - 1))
    return out if weight is None else out * constant(weight, grad)


def _bce_logits_target(grad, self, weight, pos_weight, reduction):
    g = _spread(grad, reduction, _count_of(F.detached(self).shape))
    if pos_weight is None:
        out = g * -self
    else:
        softplus_neg = -log_sigmoid.on(self)
        out = g * (-self + (constant(pos_weight, grad) - 1) * softplus_neg)
    return out if weight is None else out * constant(weight, grad)


binary_cross_entropy_with_logits = defop(
    "BinaryCrossEntropyWithLogitsBackward0", inputs="self target", broadcast=True, promote="binary",
    forward=_bce_logits,
    self=_bce_logits_self,
    target=_bce_logits_target,
)


def _nll_parts(target, weight, ignore_index, classes):
    """The flat class positions each sample picks, and the per-sample weights (0 where ignored);
    the weights are None in the common case (no class weights, nothing ignored: all ones)."""
    valid = target != ignore_index
    if valid.all():
        return target, (None if weight is None else weight[target])
    safe = xp.where(valid, target, 0)
    w = xp.ones(classes) if weight is None else weight
    return safe, xp.where(valid, w[safe], 0)


def _rows(shape):
    return xp.arange(shape[0])


def _pick(x, index):
    """``x[n, index[n, ...], ...]``: each sample's entry of its class (fancy indexing for the
    common 2-D case, cheaper than take_along_axis's Python wrapper)."""
    if x.ndim == 2:
        return x[_rows(x.shape), index]
    return xp.take_along_axis(x, xp.expand_dims(index, 1), axis=1).squeeze(1)


def _nll_loss(self, target, weight, reduction, ignore_index):
    safe, sample_weight = _nll_parts(target, weight, ignore_index, self.shape[1])
    picked = _pick(self, safe)
    if sample_weight is not None:
        picked = (picked * sample_weight).astype(self.dtype, copy=False)
    loss = -picked
    if reduction == MEAN:
        total = picked.size if sample_weight is None else sample_weight.sum()
        return xp.asarray(xp.add.reduce(loss, axis=None) / total, dtype=self.dtype)
    if reduction == SUM:
        return xp.add.reduce(loss, axis=None, dtype=self.dtype)
    return loss


def _nll_grad(grad, self_shape, target, weight, reduction, ignore_index):
    safe, sample_weight = _nll_parts(target, weight, ignore_index, self_shape[1])
    dtype = F.detached(grad).dtype
    coeff = xp.zeros(self_shape, dtype=dtype)
    values = -1.0 if sample_weight is None else -sample_weight
    if reduction == MEAN:
        values = values / (safe.size if sample_weight is None else sample_weight.sum())
    if len(self_shape) == 2:
        coeff[_rows(self_shape), safe] = values
    else:
        values = xp.broadcast_to(xp.asarray(values, dtype=dtype), safe.shape)
        xp.put_along_axis(coeff, xp.expand_dims(safe, 1), xp.expand_dims(values, 1), axis=1)
    if reduction == NONE:
        grad = grad.reshape(grad.shape[:1] + (1,) + grad.shape[1:])
    return grad * constant(coeff, grad)


def _nll_self(grad, self, target, weight, reduction, ignore_index):
    return connected(_nll_grad(grad, F.detached(self).shape, target, weight, reduction,
                               ignore_index), self)


nll_loss = defop("NllLossBackward0", forward=_nll_loss, self=_nll_self)
# PyTorch's own row for (N, C, H, W) inputs: the same arithmetic under another name.
nll_loss2d = defop("NllLoss2DBackward0", forward=_nll_loss, self=_nll_self)
# Division by a Python number (PyTorch's div.Scalar, whose node is DivBackward1).
div_scalar = defop("DivBackward1", forward=lambda self, other: self / other,
                   self=lambda grad, other: grad / other)
