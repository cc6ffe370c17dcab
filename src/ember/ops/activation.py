"""Activation functions: one row each, with PyTorch's node names (``LeakyReluBackward0``, ...).

Every derivative formula is written with Python operators, :mod:`ember.ops.formula` and other
rows' ``.on``, so it runs on arrays in an ordinary backward and records on Tensors with
``create_graph=True`` (second derivatives). Masks at kinks are built from the detached input:
the mask itself is a constant, exactly as in PyTorch's formulas.
"""

from __future__ import annotations

import math

from .._tensor import Tensor
from ..backend import xp
from . import formula as F
from . import pointwise as P
from . import special as _special
from .op import defop


def sum_keep(x, dim):
    """``x`` summed over ``dim`` with the dim kept, for arrays and Tensors alike."""
    if isinstance(x, Tensor):
        return x.sum(dim, keepdim=True)
    return x.sum(axis=dim, keepdims=True)


def constant(array, like):
    """A constant array, as a Tensor when the formula runs on Tensors (create_graph)."""
    return Tensor._make(array) if isinstance(like, Tensor) else array


# A piecewise-constant factor of the input (a 0/1 mask, or slopes), as a row with a zero
# derivative: like relu's sign(result), it keeps a second-order graph connected to the input, as
# PyTorch's is, even where every element sits on a flat piece.
step = defop("StepBackward0", forward=lambda self, values: values.astype(self.dtype, copy=False),
             self=lambda grad: grad * 0)


def _mask(condition, self):
    """``condition`` (computed on the detached input) as a 0/1 factor of ``self``'s dtype."""
    return step.on(self, condition)


# --- piecewise linear ---------------------------------------------------------------------------
def _leaky_relu(self, negative_slope):
    return xp.where(self > 0, self, self * self.dtype.type(negative_slope))


leaky_relu = defop(
    "LeakyReluBackward0", forward=_leaky_relu,
    # At 0 PyTorch takes the negative slope (self > 0 is false).
    self=lambda grad, self, negative_slope: grad * step.on(
        self, xp.where(F.detached(self) > 0, 1.0, negative_slope)),
)


def _hardtanh(self, min_val, max_val):
    return xp.clip(self, self.dtype.type(min_val), self.dtype.type(max_val))


hardtanh = defop(
    "HardtanhBackward0", forward=_hardtanh,
    # PyTorch passes the gradient only strictly inside (min_val, max_val).
    self=lambda grad, self, min_val, max_val: grad * _mask(
        (F.detached(self) > min_val) & (F.detached(self) < max_val), self),
)
hardsigmoid = defop(
    "HardsigmoidBackward0", promote="float",
    forward=lambda self: xp.clip(self / 6 + 0.5, 0, 1).astype(self.dtype, copy=False),
    self=lambda grad, self: grad * _mask((F.detached(self) > -3) & (F.detached(self) < 3), self)
    / 6,
)


def _hardswish_grad(grad, self):
    x = F.detached(self)
    # At or below -3 the slope is 0, from 3 on it is 1, strictly between (2x + 3) / 6 (PyTorch).
    inside = grad * (self / 3 + 0.5) * _mask((x > -3) & (x < 3), self)
    return inside + grad * _mask(x >= 3, self)


hardswish = defop(
    "HardswishBackward0", promote="float",
    forward=lambda self: (self * xp.clip(self + 3, 0, 6) / 6).astype(self.dtype, copy=False),
    self=_hardswish_grad,
)


def _outside(self, lambd):
    """The elements the shrink functions keep: those outside [-lambd, lambd] (NaN included)."""
    x = F.detached(self)
    return ~((x >= -lambd) & (x <= lambd))


def _softshrink(self, lambd):
    # x * 0 in the middle keeps a NaN a NaN, as PyTorch's kernel does.
    shrunk = xp.where(self > lambd, self - lambd, xp.where(self < -lambd, self + lambd, self * 0))
    return shrunk.astype(self.dtype, copy=False)


softshrink = defop(
    "SoftshrinkBackward0", forward=_softshrink,
    self=lambda grad, self, lambd: grad * _mask(_outside(self, lambd), self),
)
hardshrink = defop(
    "HardshrinkBackward0",
    forward=lambda self, lambd: xp.where(_outside(self, lambd), self, xp.zeros((), self.dtype)),
    self=lambda grad, self, lambd: grad * _mask(_outside(self, lambd), self),
)


def _threshold(self, threshold, value):
    # x <= threshold takes value; a NaN is not <= anything, so it stays (PyTorch's rule).
    return xp.where(self <= threshold, xp.asarray(value).astype(self.dtype), self)


threshold = defop(
    "ThresholdBackward0", forward=_threshold,
    self=lambda grad, self, threshold: grad * _mask(~(F.detached(self) <= threshold), self),
)


# --- exponential family -------------------------------------------------------------------------
def _exp_negative_part(x, scale):
    # exp of min(x, 0) * scale: the positive side is masked out anyway, and this never overflows.
    return F.exp(P.clamp.on(x, None, 0.0) * scale)


def _elu(self, alpha, scale, input_scale):
    negative = xp.expm1(xp.minimum(self, 0) * input_scale) * (alpha * scale)
    return xp.where(self > 0, self * scale, negative).astype(self.dtype, copy=False)


elu = defop(
    "EluBackward0", forward=_elu,
    self=lambda grad, self, alpha, scale, input_scale: grad * (
        _mask(F.detached(self) > 0, self) * scale + _mask(F.detached(self) <= 0, self)
        * (alpha * scale * input_scale) * _exp_negative_part(self, input_scale)),
)


def _celu(self, alpha):
    negative = xp.expm1(xp.minimum(self, 0) / alpha) * alpha
    return xp.where(self > 0, self, negative).astype(self.dtype, copy=False)


celu = defop(
    "CeluBackward0", forward=_celu,
    self=lambda grad, self, alpha: grad * (
        _mask(F.detached(self) > 0, self)
        + _mask(F.detached(self) <= 0, self) * _exp_negative_part(self, 1.0 / alpha)),
)


def _softplus(self, beta, threshold):
    scaled = self * beta
    # log1p(exp(z)) = max(z, 0) + log1p(exp(-|z|)): stable for every z.
    smooth = (xp.maximum(scaled, 0) + xp.log1p(xp.exp(-xp.abs(scaled)))) / beta
    return xp.where(scaled > threshold, self, smooth).astype(self.dtype, copy=False)


softplus = defop(
    "SoftplusBackward0", forward=_softplus,
    self=lambda grad, self, beta, threshold: grad * F.where(
        F.detached(self) * beta > threshold, _mask(F.detached(self) == F.detached(self), self),
        P.sigmoid.on(self * beta)),
)


def _log_sigmoid(self):
    return (xp.minimum(self, 0) - xp.log1p(xp.exp(-xp.abs(self)))).astype(self.dtype, copy=False)


log_sigmoid = defop("LogSigmoidBackward0", promote="float", forward=_log_sigmoid,
                    self=lambda grad, self: grad * P.sigmoid.on(-self))


def _silu(self):
    return self * P._sigmoid(self)


def _silu_grad(grad, self):
    s = P.sigmoid.on(self)
    return grad * s * (1 + self * (1 - s))


silu = defop("SiluBackward0", promote="float", forward=_silu, self=_silu_grad)


def _mish(self):
    return self * xp.tanh(_softplus(self, 1.0, 20.0))


def _mish_grad(grad, self):
    t = P.tanh.on(softplus.on(self, 1.0, 20.0))
    return grad * (t + self * P.sigmoid.on(self) * (1 - t * t))


mish = defop("MishBackward0", promote="float", forward=_mish, self=_mish_grad)

def _channel_shape(weight, ndim):
    """The weight's shape for broadcasting against the input: (C,) along dim 1."""
    if weight.size == 1 or ndim < 2:
        return weight.shape
    return (-1,) + (1,) * (ndim - 2)


def _prelu(self, weight):
    w = weight.reshape(_channel_shape(weight, self.ndim))
    return xp.where(self > 0, self, self * w)


def _prelu_self(grad, self, weight):
    positive = F.detached(self) > 0
    w = weight.reshape(_channel_shape(F.detached(weight), F.detached(self).ndim))
    return grad * (_mask(positive, self) + _mask(~positive, self) * w)


def _prelu_weight(grad, self, weight):
    x = F.detached(self)
    contribution = grad * self * _mask(x <= 0, self)
    w = F.detached(weight)
    if w.size == 1:
        total = contribution.sum()
        return total.reshape(w.shape) if isinstance(total, Tensor) else xp.reshape(total, w.shape)
    dims = (0,) + tuple(range(2, x.ndim))
    if isinstance(contribution, Tensor):
        return contribution.sum(dims) if dims else contribution
    return contribution.sum(axis=dims)


prelu = defop("PreluKernelBackward0", inputs="self weight", forward=_prelu,
              self=_prelu_self, weight=_prelu_weight)


# --- gelu ---------------------------------------------------------------------------------------
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _erf_array(x):
    # NumPy has no erf: ember's own vectorised one (float64 inside, x's dtype out).
    return _special.erf(x)


erf = defop("ErfBackward0", promote="float", forward=_erf_array,
            self=lambda grad, self: grad * (2 / math.sqrt(math.pi)) * F.exp(-(self * self)))


def _gelu(self, approximate):
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (self + 0.044715 * self * self * self)
        return (0.5 * self * (1 + xp.tanh(inner))).astype(self.dtype, copy=False)
    # x * Phi(x) with Phi(x) = erfc(-x / sqrt 2) / 2: no cancellation in 1 + erf for negative x.
    return (0.5 * self * _special.erfc(-self * _INV_SQRT_2)).astype(self.dtype, copy=False)


def _gelu_grad(grad, self, approximate):
    if approximate == "tanh":
        x2 = self * self
        t = P.tanh.on(_SQRT_2_OVER_PI * (self + 0.044715 * x2 * self))
        dinner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x2)
        return grad * (0.5 * (1 + t) + 0.5 * self * (1 - t * t) * dinner)
    cdf = 0.5 * (1 + erf.on(self * _INV_SQRT_2))
    pdf = F.exp(-0.5 * (self * self)) * _INV_SQRT_2PI
    return grad * (cdf + self * pdf)


gelu = defop("GeluBackward0", forward=_gelu, self=_gelu_grad)


# --- softmax family -----------------------------------------------------------------------------
# (the ufuncs' reduce directly: ndarray.max and .sum add a Python-level wrapper per call; a 0-d
# input reduces over no axis)
def _softmax(self, dim):
    dim = dim if self.ndim else None
    # (asarray: on 0-d arrays NumPy's arithmetic returns a scalar, which cannot take out=)
    shifted = xp.asarray(self - xp.maximum.reduce(self, axis=dim, keepdims=True))
    out = xp.exp(shifted, out=shifted)
    out /= xp.add.reduce(out, axis=dim, keepdims=True)
    return out


def _log_softmax(self, dim):
    dim = dim if self.ndim else None
    shifted = self - xp.maximum.reduce(self, axis=dim, keepdims=True)
    shifted -= xp.log(xp.add.reduce(xp.exp(shifted), axis=dim, keepdims=True))
    return shifted


softmax = defop(
    "SoftmaxBackward0", forward=_softmax,
    self=lambda grad, result, dim: result * (grad - sum_keep(grad * result, dim)),
)
log_softmax = defop(
    "LogSoftmaxBackward0", forward=_log_softmax,
    self=lambda grad, result, dim: grad - F.exp(result) * sum_keep(grad, dim),
)
