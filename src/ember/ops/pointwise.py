"""Elementwise ops: one row each, forward and derivatives side by side.

Binary rows broadcast; the node reduces each input's gradient back to its shape. ``promote``
applies PyTorch's type promotion (see ember._dtype) before NumPy sees the arrays.
"""

from __future__ import annotations

import math

from ..backend import xp
from . import formula as F
from .op import defop


def _scaled(grad, alpha):
    return grad if alpha == 1 else grad * alpha


# --- arithmetic ---------------------------------------------------------------------------------
add = defop(
    "AddBackward0", inputs="self other", promote="binary", broadcast=True,
    forward=lambda self, other, alpha=1: self + other if alpha == 1 else self + alpha * other,
    self=lambda grad: grad,
    other=lambda grad, alpha: _scaled(grad, alpha),
)
sub = defop(
    "SubBackward0", inputs="self other", promote="binary", broadcast=True,
    forward=lambda self, other, alpha=1: self - other if alpha == 1 else self - alpha * other,
    self=lambda grad: grad,
    other=lambda grad, alpha: -_scaled(grad, alpha),
)
# ``2 - x``: the scalar is an argument, not an input, so the node has one edge (as in PyTorch).
rsub = defop(
    "RsubBackward1", promote="binary",
    forward=lambda self, other, alpha=1: other - self if alpha == 1 else other - alpha * self,
    self=lambda grad, alpha: -_scaled(grad, alpha),
)
mul = defop(
    "MulBackward0", inputs="self other", promote="binary", broadcast=True,
    forward=lambda self, other: self * other,
    self=lambda grad, other: grad * other,
    other=lambda grad, self: grad * self,
)
div = defop(
    "DivBackward0", inputs="self other", promote="float", broadcast=True,
    forward=lambda self, other: self / other,
    self=lambda grad, other: grad / other,
    other=lambda grad, self, other: -grad * self / (other * other),
)
neg = defop("NegBackward0", forward=lambda self: -self, self=lambda grad: -grad)
reciprocal = defop(
    "ReciprocalBackward0", promote="float",
    forward=lambda self: 1 / self,
    self=lambda grad, result: -grad * result * result,
)


def _pow_self(grad, self, exponent):
    if exponent == 0:
        return grad * 0
    return grad * (exponent * self ** (exponent - 1))


pow_scalar = defop("PowBackward0", promote="binary",
                   forward=lambda self, exponent: self ** exponent,
                   self=_pow_self)


def _log_base(grad, self, result):
    # d(a**b)/db = a**b * log(a); PyTorch defines it as 0 where a == 0 (and b >= 0).
    return grad * F.where(F.detached(self) == 0, 0.0, result * F.log(self))


pow_tensor = defop(
    "PowBackward1", inputs="self exponent", promote="binary", broadcast=True,
    forward=lambda self, exponent: self ** exponent,
    self=lambda grad, self, exponent: grad * exponent * self ** (exponent - 1),
    exponent=lambda grad, self, result: _log_base(grad, self, result),
)
pow_scalar_base = defop(
    "PowBackward2", inputs="exponent", promote="binary",
    forward=lambda exponent, self: self ** exponent,
    exponent=lambda grad, self, result: grad * result * (math.log(self) if self > 0 else 0.0),
)

# --- unary math ---------------------------------------------------------------------------------
sign = defop("SignBackward0", forward=xp.sign, self=lambda grad: grad * 0)
abs = defop("AbsBackward0", forward=xp.abs,  # noqa: A001
            self=lambda grad, self: grad * sign.on(self))
exp = defop("ExpBackward0", promote="float", forward=xp.exp,
            self=lambda grad, result: grad * result)
log = defop("LogBackward0", promote="float", forward=xp.log,
            self=lambda grad, self: grad / self)
sqrt = defop("SqrtBackward0", promote="float", forward=xp.sqrt,
             self=lambda grad, result: grad / (2 * result))
sin = defop("SinBackward0", promote="float", forward=xp.sin,
            self=lambda grad, self: grad * F.cos(self))
cos = defop("CosBackward0", promote="float", forward=xp.cos,
            self=lambda grad, self: grad * -F.sin(self))
tanh = defop("TanhBackward0", promote="float", forward=xp.tanh,
             self=lambda grad, result: grad * (1 - result * result))


def _sigmoid(x):
    # Written with tanh so large |x| never overflows exp: sigmoid(x) = (1 + tanh(x/2)) / 2.
    return (xp.tanh(x * 0.5) + 1) * 0.5


sigmoid = defop("SigmoidBackward0", promote="float", forward=_sigmoid,
                self=lambda grad, result: grad * result * (1 - result))
# relu's gradient masks by the *result*, so the node keeps the output only: sign(result) is
# exactly the mask (result >= 0), and being a row of its own (with a zero derivative) it keeps
# the second-order graph connected, as PyTorch's is. At 0 the subgradient is 0, as in PyTorch.
relu = defop("ReluBackward0", forward=lambda self: xp.maximum(self, 0, dtype=self.dtype),
             self=lambda grad, result: grad * sign.on(result))


def _clamp(self, min, max):  # noqa: A002 (PyTorch's argument names)
    if min is not None and max is not None:
        return xp.minimum(xp.maximum(self, min), max) if min <= max else xp.full_like(self, max)
    if min is not None:
        return xp.maximum(self, min)
    return xp.minimum(self, max)


def _clamp_mask(self, min, max):  # noqa: A002
    self = F.detached(self)
    mask = xp.ones(self.shape, dtype=bool)
    if min is not None:
        mask &= self >= min
    if max is not None:
        mask &= self <= max
    return mask


clamp = defop("ClampBackward1", forward=_clamp,
              self=lambda grad, self, min, max: grad * _clamp_mask(self, min, max))

# --- comparisons and selection (not differentiable) -----------------------------------------------
eq = defop("EqBackward0", inputs="self other", promote="binary", forward=xp.equal)
ne = defop("NeBackward0", inputs="self other", promote="binary", forward=xp.not_equal)
lt = defop("LtBackward0", inputs="self other", promote="binary", forward=xp.less)
le = defop("LeBackward0", inputs="self other", promote="binary", forward=xp.less_equal)
gt = defop("GtBackward0", inputs="self other", promote="binary", forward=xp.greater)
ge = defop("GeBackward0", inputs="self other", promote="binary", forward=xp.greater_equal)

where = defop(
    "WhereBackward0", inputs="condition self other", promote=None, broadcast=True,
    forward=lambda condition, self, other: xp.where(condition, self, other),
    self=lambda grad, condition: F.where(condition, grad, 0.0),
    other=lambda grad, condition: F.where(condition, 0.0, grad),
)
