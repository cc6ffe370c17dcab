"""Elementwise ops: one row each, forward and derivatives side by side.

Binary rows broadcast; the node reduces each input's gradient back to its shape. ``promote``
applies PyTorch's type promotion (see ember._dtype) before NumPy sees the arrays.
"""

from __future__ import annotations

import math

from ..backend import xp
from . import formula as F
from . import special as _special
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
def _negate(self):
    try:
        return -self
    except TypeError:  # NumPy refuses bools too; PyTorch's message says what to use instead
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you "
                           "are trying to invert a mask, use the `~` or `logical_not()` operator "
                           "instead.") from None


neg = defop("NegBackward0", forward=_negate, self=lambda grad: -grad)
reciprocal = defop(
    "ReciprocalBackward0", promote="float",
    forward=lambda self: 1 / self,
    self=lambda grad, result: -grad * result * result,
)


def _pow_self(grad, self, exponent):
    if exponent == 0:
        return grad * 0
    return grad * (exponent * self ** (exponent - 1))


def _power_scalar(self, exponent):
    out = self ** exponent
    # (the caller already cast self to the result dtype; NumPy turns bool ** True into int8)
    return out if out.dtype == self.dtype else out.astype(self.dtype)


pow_scalar = defop("PowBackward0", promote="binary", forward=_power_scalar, self=_pow_self)


def _log_base(grad, self, result):
    # d(a**b)/db = a**b * log(a); PyTorch defines it as 0 where a == 0 (and b >= 0).
    return grad * F.where(F.detached(self) == 0, 0.0, result * F.log(self))


def _power(self, exponent):
    if exponent.dtype.kind == "i" and xp.any(exponent < 0):
        # Integer powers with negative exponents, as C computes them: 1 and -1 keep their
        # magnitude, everything else truncates to 0 (NumPy refuses them).
        positive = self ** xp.maximum(exponent, 0)
        odd = (exponent % 2).astype(bool)
        unit = xp.where(self == 1, 1, xp.where(self == -1, xp.where(odd, -1, 1), 0))
        return xp.where(exponent < 0, unit, positive).astype(positive.dtype, copy=False)
    return self ** exponent


pow_tensor = defop(
    "PowBackward1", inputs="self exponent", promote="binary", broadcast=True,
    forward=_power,
    self=lambda grad, self, exponent: grad * exponent * self ** (exponent - 1),
    exponent=lambda grad, self, result: _log_base(grad, self, result),
)
pow_scalar_base = defop(
    "PowBackward2", inputs="exponent", promote="binary",
    forward=lambda exponent, self: _power(xp.asarray(self, exponent.dtype), exponent),
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
# relu's gradient masks by the *result*, so the node keeps the output only. As in PyTorch the
# mask is threshold_backward's: the gradient is zeroed where result <= 0 (at 0 the subgradient
# is 0; a NaN passes its gradient on). Being a row of its own, with a zero derivative for the
# result, it keeps the second-order graph connected to the input, as PyTorch's is.
relu = defop("ReluBackward0", forward=lambda self: xp.maximum(self, 0, dtype=self.dtype),
             self=lambda grad, result: threshold_backward.on(grad, result))
threshold_backward = defop(  # (PyTorch's threshold_backward(grad_output, self, 0))
    "ThresholdBackwardBackward0", inputs="grad self", promote="binary",
    forward=lambda grad, self: grad * ~(self <= 0),  # one compare, one multiply
    grad=lambda gg, self: threshold_backward.on(gg, self),
    self=lambda gg, self_shape: F.zeros(self_shape, gg),
)


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

# Clamp by tensor bounds: the bounds take the gradient where they won (PyTorch's
# clamp_backward_min_max; where min > max, max wins everywhere).
def _clamp_tensor(self, min, max):  # noqa: A002
    if min is not None:
        self = xp.maximum(self, min)
    if max is not None:
        self = xp.minimum(self, max)
    return self


def _clamp_self(grad, self, min, max):  # noqa: A002
    self = F.detached(self)
    mask = True
    if min is not None:
        mask = self >= F.detached(min)
    if max is not None:
        mask = mask & (self <= F.detached(max))
    return F.where(mask, grad, 0.0)


def _clamp_min_grad(grad, self, min, max):  # noqa: A002
    self, low = F.detached(self), F.detached(min)
    mask = self < low
    if max is not None:
        mask = mask & (low < F.detached(max))
    return F.where(mask, grad, 0.0)


def _clamp_max_grad(grad, self, min, max):  # noqa: A002
    self, high = F.detached(self), F.detached(max)
    mask = self > high
    if min is not None:
        mask = mask | (high < F.detached(min))
    return F.where(mask, grad, 0.0)


clamp_tensor = defop("ClampBackward0", inputs="self min max", broadcast=True,
                     forward=_clamp_tensor, self=_clamp_self, min=_clamp_min_grad,
                     max=_clamp_max_grad)
clamp_min_tensor = defop(
    "ClampMinBackward1", inputs="self min", broadcast=True, forward=xp.maximum,
    self=lambda grad, self, min: F.where(F.detached(self) >= F.detached(min), grad, 0.0),
    min=lambda grad, self, min: F.where(F.detached(self) < F.detached(min), grad, 0.0))
clamp_max_tensor = defop(
    "ClampMaxBackward1", inputs="self max", broadcast=True, forward=xp.minimum,
    self=lambda grad, self, max: F.where(F.detached(self) <= F.detached(max), grad, 0.0),
    max=lambda grad, self, max: F.where(F.detached(self) > F.detached(max), grad, 0.0))
clamp_min = defop("ClampMinBackward0", forward=lambda self, min: xp.maximum(self, min),
                  self=lambda grad, self, min: F.where(F.detached(self) >= min, grad, 0.0))
clamp_max = defop("ClampMaxBackward0", forward=lambda self, max: xp.minimum(self, max),
                  self=lambda grad, self, max: F.where(F.detached(self) <= max, grad, 0.0))

# --- comparisons and selection (not differentiable) -----------------------------------------------
eq = defop("EqBackward0", inputs="self other", promote="binary", broadcast=True,
           forward=xp.equal)
ne = defop("NeBackward0", inputs="self other", promote="binary", broadcast=True,
           forward=xp.not_equal)
lt = defop("LtBackward0", inputs="self other", promote="binary", broadcast=True,
           forward=xp.less)
le = defop("LeBackward0", inputs="self other", promote="binary", broadcast=True,
           forward=xp.less_equal)
gt = defop("GtBackward0", inputs="self other", promote="binary", broadcast=True,
           forward=xp.greater)
ge = defop("GeBackward0", inputs="self other", promote="binary", broadcast=True,
           forward=xp.greater_equal)

where = defop(
    "WhereBackward0", inputs="condition self other", promote=None, broadcast=True,
    forward=lambda condition, self, other: xp.where(condition, self, other),
    self=lambda grad, condition: F.where(condition, grad, 0.0),
    other=lambda grad, condition: F.where(condition, 0.0, grad),
)


# --- angles, log-sum-exp of two, x * log(y) ----------------------------------------------------
deg2rad = defop("Deg2RadBackward0", promote="float",
                forward=lambda self: self * self.dtype.type(math.pi / 180),
                self=lambda grad: grad * (math.pi / 180))
rad2deg = defop("Rad2DegBackward0", promote="float",
                forward=lambda self: self * self.dtype.type(180 / math.pi),
                self=lambda grad: grad * (180 / math.pi))
logaddexp = defop(
    "LogaddexpBackward0", inputs="self other", promote="float", broadcast=True,
    forward=xp.logaddexp,
    self=lambda grad, self, other: grad / (1 + F.exp(other - self)),
    other=lambda grad, self, other: grad / (1 + F.exp(self - other)),
)


def _xlogy(self, other):
    # 0 * log(y) is 0 for every y but NaN (PyTorch's xlogy).
    with xp.errstate(divide="ignore", invalid="ignore"):
        out = self * xp.log(other)
    return xp.where((self == 0) & ~xp.isnan(other), 0, out).astype(out.dtype, copy=False)


xlogy = defop(
    "XlogyBackward0", inputs="self other", promote="float", broadcast=True,
    forward=_xlogy,
    # (PyTorch 2.13's formulas: log(other), but 0 where self is 0 and other <= 0; and
    # grad * self / other)
    self=lambda grad, self, other: grad * _xlogy_self_grad(self, other),
    other=lambda grad, self, other: grad * self / other,
)


def _xlogy_self_grad(self, other):
    dropped = (F.detached(self) == 0) & (F.detached(other) <= 0)
    return F.where(dropped, 0.0, log.on(F.where(dropped, 1.0, other)))


def _sinc_grad(grad, self):
    x = F.detached(self)
    zero = x == 0
    # (cos(pi x) pi x - sin(pi x)) / (pi x^2), 0 at x = 0; computed on x with its zeros moved
    # to 1 so no 0 / 0 is ever formed.
    safe = F.where(zero, 1.0, self)
    scaled = safe * math.pi
    slope = (F.cos(scaled) * scaled - F.sin(scaled)) / (scaled * safe)
    return grad * F.where(zero, 0.0, slope)


sinc = defop("SincBackward0", promote="float", forward=xp.sinc, self=_sinc_grad)


# --- division with rounding, remainders -----------------------------------------------------------
def _zero(grad):
    """Piecewise-constant ops (floor, round, rounded division) pass no gradient."""
    return grad * 0


def _not_implemented(name):
    def formula(grad):
        raise RuntimeError(f"derivative for aten::{name} is not implemented")

    return formula


def _check_int_divisor(self, other):
    if self.dtype.kind in "iub" and xp.any(xp.asarray(other) == 0):
        raise RuntimeError("ZeroDivisionError")


def _trunc_divide(self, other):
    if self.dtype.kind in "fc":
        return xp.trunc(self / other)
    _check_int_divisor(self, other)
    quotient = xp.floor_divide(self, other)
    # Floor and trunc differ when the division is inexact and the signs differ.
    fix = (xp.remainder(self, other) != 0) & ((self < 0) != (xp.asarray(other) < 0))
    return quotient + fix.astype(quotient.dtype)


def _floor_divide(self, other):
    _check_int_divisor(self, other)
    return xp.floor_divide(self, other)


div_trunc = defop("DivBackward2", inputs="self other", promote="binary", broadcast=True,
                  forward=_trunc_divide, self=_zero, other=_zero)
div_floor = defop("DivBackward2", inputs="self other", promote="binary", broadcast=True,
                  forward=_floor_divide, self=_zero, other=_zero)
# ``x // y`` is floor_divide, whose derivative PyTorch leaves unimplemented (a node that raises).
floor_divide = defop("NotImplemented", inputs="self other", promote="binary", broadcast=True,
                     forward=_floor_divide, self=_not_implemented("floor_divide"),
                     other=_not_implemented("floor_divide"))


def _remainder(self, other):
    if self.dtype.kind != "f":
        _check_int_divisor(self, other)
        return xp.remainder(self, other)
    # PyTorch's float remainder: fmod, moved by one divisor when the signs differ (this keeps
    # fmod's signed zeros, where NumPy's remainder gives +0).
    out = xp.fmod(self, other)
    shift = (out != 0) & ((out < 0) != (xp.asarray(other) < 0))
    return xp.where(shift, out + other, out).astype(out.dtype, copy=False)


def _fmod(self, other):
    _check_int_divisor(self, other)
    return xp.fmod(self, other)


remainder = defop(
    "RemainderBackward1", inputs="self other", promote="binary", broadcast=True,
    forward=_remainder, self=lambda grad: grad,
    # (rounded division has a zero derivative, so the second-order graph stays connected)
    other=lambda grad, self, other: -grad * div_floor.on(self, other))
remainder_scalar = defop("RemainderBackward0", promote="binary", forward=_remainder,
                         self=lambda grad: grad)
remainder_scalar_self = defop("NotImplemented", inputs="other", promote="binary",
                              forward=lambda other, self: _remainder(xp.asarray(self, other.dtype),
                                                                     other),
                              other=_not_implemented("remainder"))
heaviside = defop("NotImplemented", inputs="self values", promote="binary", broadcast=True,
                  forward=lambda self, values: xp.heaviside(self, values).astype(
                      xp.result_type(self, values), copy=False),
                  self=_not_implemented("heaviside"), values=_not_implemented("heaviside"))
fmod = defop(
    "FmodBackward1", inputs="self other", promote="binary", broadcast=True, forward=_fmod,
    self=lambda grad: grad,
    other=lambda grad, self, other: -grad * div_trunc.on(self, other))
fmod_scalar = defop("FmodBackward0", promote="binary", forward=_fmod, self=lambda grad: grad)

# --- more unary math ------------------------------------------------------------------------------
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _rsqrt(self):
    with xp.errstate(divide="ignore", invalid="ignore"):
        return 1 / xp.sqrt(self)


rsqrt = defop("RsqrtBackward0", promote="float", forward=_rsqrt,
              self=lambda grad, result: -0.5 * grad * result * result * result)
exp2 = defop("Exp2Backward0", promote="float", forward=xp.exp2,
             self=lambda grad, result: grad * result * _LN2)
expm1 = defop("Expm1Backward0", promote="float", forward=xp.expm1,
              self=lambda grad, result: grad * (result + 1))
log2 = defop("Log2Backward0", promote="float", forward=xp.log2,
             self=lambda grad, self: grad / (self * _LN2))
log10 = defop("Log10Backward0", promote="float", forward=xp.log10,
              self=lambda grad, self: grad / (self * _LN10))
log1p = defop("Log1PBackward0", promote="float", forward=xp.log1p,
              self=lambda grad, self: grad / (self + 1))
tan = defop("TanBackward0", promote="float", forward=xp.tan,
            self=lambda grad, result: grad * (result * result + 1))
asin = defop("AsinBackward0", promote="float", forward=xp.arcsin,
             self=lambda grad, self: grad * rsqrt.on(1 - self * self))
acos = defop("AcosBackward0", promote="float", forward=xp.arccos,
             self=lambda grad, self: -grad * rsqrt.on(1 - self * self))
atan = defop("AtanBackward0", promote="float", forward=xp.arctan,
             self=lambda grad, self: grad / (self * self + 1))
sinh = defop("SinhBackward0", promote="float", forward=xp.sinh,
             self=lambda grad, self: grad * cosh.on(self))
cosh = defop("CoshBackward0", promote="float", forward=xp.cosh,
             self=lambda grad, self: grad * sinh.on(self))
asinh = defop("AsinhBackward0", promote="float", forward=xp.arcsinh,
              self=lambda grad, self: grad * rsqrt.on(self * self + 1))
acosh = defop("AcoshBackward0", promote="float", forward=xp.arccosh,
              self=lambda grad, self: grad * rsqrt.on(self * self - 1))
atanh = defop("AtanhBackward0", promote="float", forward=xp.arctanh,
              self=lambda grad, self: grad / (1 - self * self))
erf = defop("ErfBackward0", promote="float", forward=_special.erf,
            self=lambda grad, self: grad * _TWO_OVER_SQRT_PI * F.exp(-(self * self)))
erfc = defop("ErfcBackward0", promote="float", forward=_special.erfc,
             self=lambda grad, self: -grad * _TWO_OVER_SQRT_PI * F.exp(-(self * self)))


def _logit(self, eps):
    if eps is not None:
        self = xp.clip(self, eps, 1 - eps)
    with xp.errstate(divide="ignore", invalid="ignore"):
        return xp.log(self / (1 - self))


def _logit_grad(grad, self, eps):
    out = grad / (self * (1 - self))
    x = F.detached(self)
    if eps is None:  # outside [0, 1] the derivative is NaN (PyTorch's choice)
        return F.where((x < 0) | (x > 1), math.nan, out)
    return F.where((x < eps) | (x > 1 - eps), 0.0, out)


logit = defop("LogitBackward0", promote="float", forward=_logit, self=_logit_grad)
atan2 = defop(
    "Atan2Backward0", inputs="self other", promote="float", broadcast=True, forward=xp.arctan2,
    self=lambda grad, self, other: grad * other / (self * self + other * other),
    other=lambda grad, self, other: -grad * self / (self * self + other * other))
hypot = defop("HypotBackward0", inputs="self other", promote="binary", broadcast=True,
              forward=xp.hypot,
              self=lambda grad, self, result: grad * self / result,
              other=lambda grad, other, result: grad * other / result)


def _keep_integers(fn):
    # Rounding an integer tensor returns a copy with the same dtype (NumPy would give floats).
    def forward(self, *args):
        return self.copy() if self.dtype.kind in "iub" else fn(self, *args)

    return forward


floor = defop("FloorBackward0", forward=_keep_integers(xp.floor), self=_zero)
ceil = defop("CeilBackward0", forward=_keep_integers(xp.ceil), self=_zero)
trunc = defop("TruncBackward0", forward=_keep_integers(xp.trunc), self=_zero)
round = defop("RoundBackward0", forward=_keep_integers(xp.round), self=_zero)  # noqa: A001
round_decimals = defop("RoundBackward1", forward=_keep_integers(
    lambda self, decimals: xp.round(self, decimals)), self=_zero)
frac = defop("FracBackward0", forward=lambda self: self - xp.trunc(self), self=lambda grad: grad)
nan_to_num = defop(
    "NanToNumBackward0",
    forward=lambda self, nan, posinf, neginf: xp.nan_to_num(self, nan=nan, posinf=posinf,
                                                            neginf=neginf),
    self=lambda grad, self: grad * xp.isfinite(F.detached(self)))

# --- binary selection -----------------------------------------------------------------------------
# maximum/minimum split the gradient evenly between equal inputs (PyTorch's rule at a tie);
# fmax/fmin send it to whichever input was chosen, ignoring NaN.
def _max_self(grad, self, other):
    a, b = F.detached(self), F.detached(other)
    return F.where(a == b, grad / 2, F.where(a < b, 0.0, grad))


def _max_other(grad, self, other):
    a, b = F.detached(self), F.detached(other)
    return F.where(a == b, grad / 2, F.where(a > b, 0.0, grad))


maximum = defop("MaximumBackward0", inputs="self other", promote="binary", broadcast=True,
                forward=xp.maximum, self=_max_self, other=_max_other)
minimum = defop("MinimumBackward0", inputs="self other", promote="binary", broadcast=True,
                forward=xp.minimum,
                self=lambda grad, self, other: _max_self(grad, other, self),
                other=lambda grad, self, other: _max_other(grad, other, self))


def _fmax_self(grad, self, other):
    a, b = F.detached(self), F.detached(other)
    return F.where((a >= b) | xp.isnan(b), grad, 0.0)


def _fmax_other(grad, self, other):
    a, b = F.detached(self), F.detached(other)
    return F.where((a >= b) | xp.isnan(b), 0.0, grad)


def _fmin_self(grad, self, other):
    a, b = F.detached(self), F.detached(other)
    return F.where((a <= b) | xp.isnan(b), grad, 0.0)


def _fmin_other(grad, self, other):
    a, b = F.detached(self), F.detached(other)
    return F.where((a <= b) | xp.isnan(b), 0.0, grad)


fmax = defop("FmaxBackward0", inputs="self other", promote="binary", broadcast=True,
             forward=xp.fmax, self=_fmax_self, other=_fmax_other)
fmin = defop("FminBackward0", inputs="self other", promote="binary", broadcast=True,
             forward=xp.fmin, self=_fmin_self, other=_fmin_other)


def _lerp(self, end, weight):
    # PyTorch's form: exact at both ends (weight 0 gives self, weight 1 gives end).
    return xp.where(xp.abs(weight) < 0.5, self + weight * (end - self),
                    end - (end - self) * (1 - weight)).astype(self.dtype, copy=False)


lerp_scalar = defop("LerpBackward0", inputs="self end", promote="binary", broadcast=True,
                    forward=_lerp,
                    self=lambda grad, weight: grad * (1 - weight),
                    end=lambda grad, weight: grad * weight)
lerp_tensor = defop("LerpBackward1", inputs="self end weight", promote="binary", broadcast=True,
                    forward=_lerp,
                    self=lambda grad, weight: grad * (1 - weight),
                    end=lambda grad, weight: grad * weight,
                    weight=lambda grad, self, end: grad * (end - self))
addcmul = defop(
    "AddcmulBackward0", inputs="self tensor1 tensor2", promote="binary", broadcast=True,
    forward=lambda self, tensor1, tensor2, value=1: self + value * (tensor1 * tensor2),
    self=lambda grad: grad,
    tensor1=lambda grad, tensor2, value: grad * tensor2 * value,
    tensor2=lambda grad, tensor1, value: grad * tensor1 * value)
addcdiv = defop(
    "AddcdivBackward0", inputs="self tensor1 tensor2", promote="binary", broadcast=True,
    forward=lambda self, tensor1, tensor2, value=1: self + value * (tensor1 / tensor2),
    self=lambda grad: grad,
    tensor1=lambda grad, tensor2, value: grad * value / tensor2,
    tensor2=lambda grad, tensor1, tensor2, value: -grad * value * tensor1 / (tensor2 * tensor2))

# --- logical and bitwise (never differentiable) ---------------------------------------------------
logical_and = defop("LogicalAndBackward0", inputs="self other", broadcast=True,
                     forward=xp.logical_and)
logical_or = defop("LogicalOrBackward0", inputs="self other", broadcast=True,
                     forward=xp.logical_or)
logical_xor = defop("LogicalXorBackward0", inputs="self other", broadcast=True,
                     forward=xp.logical_xor)
logical_not = defop("LogicalNotBackward0", forward=xp.logical_not)
bitwise_and = defop("BitwiseAndBackward0", inputs="self other", promote="binary",
                    broadcast=True, forward=xp.bitwise_and)
bitwise_or = defop("BitwiseOrBackward0", inputs="self other", promote="binary",
                    broadcast=True, forward=xp.bitwise_or)
bitwise_xor = defop("BitwiseXorBackward0", inputs="self other", promote="binary",
                    broadcast=True, forward=xp.bitwise_xor)
bitwise_not = defop("BitwiseNotBackward0", forward=xp.invert)
isnan = defop("IsnanBackward0", forward=xp.isnan)
isinf = defop("IsinfBackward0", forward=xp.isinf)
isfinite = defop("IsfiniteBackward0", forward=xp.isfinite)
