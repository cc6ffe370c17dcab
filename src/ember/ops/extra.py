"""Rows for PyTorch functions added later: the gamma family and Bessel functions (kernels in
ember/ops/gamma.py), logcumsumexp, logaddexp2, copysign, aminmax, vdot, nanmedian, addbmm
and renorm. Functions that compose existing rows (cov, quantile, matrix_power...) have no row
here; they live in ember._api.extra.
"""

from __future__ import annotations

import functools
import math

from ..backend import xp
from . import formula as F
from . import gamma as _gamma
from . import shape as S
from .op import defop
from .reduction import _evenly, _kthvalue, _selected_grad

_SQRT_PI_OVER_2 = math.sqrt(math.pi) / 2
_LN2 = math.log(2.0)


def _quiet(kernel):
    """Run a kernel with NumPy's floating-point warnings off (poles give inf/NaN, as PyTorch)."""
    @functools.wraps(kernel)  # (keeps the signature: the row reads its argument names)
    def forward(*args):
        with xp.errstate(all="ignore"):
            return kernel(*args)

    return forward


# --- the gamma family, erfinv, Bessel I0/I1 ------------------------------------------------------
# Each derivative is the next function of the family, called through its row, so double (and
# higher) derivatives follow, as in PyTorch.
erfinv = defop("ErfinvBackward0", promote="float", forward=_quiet(_gamma.erfinv),
               self=lambda grad, result: grad * _SQRT_PI_OVER_2 * F.exp(result * result))
lgamma = defop("LgammaBackward0", promote="float", forward=_quiet(_gamma.lgamma),
               self=lambda grad, self: grad * digamma.on(self))
digamma = defop("DigammaBackward0", promote="float", forward=_quiet(_gamma.digamma),
                self=lambda grad, self: grad * polygamma.on(self, 1))
polygamma = defop("PolygammaBackward0", promote="float",
                  forward=_quiet(lambda self, n: _gamma.polygamma(n, self)),
                  self=lambda grad, self, n: grad * polygamma.on(self, n + 1))


def _mvlgamma(self, p):
    # log of the multivariate gamma function: p(p-1)/4 log(pi) + sum_i lgamma(x - i/2)
    out = xp.full_like(self, p * (p - 1) / 4 * math.log(math.pi))
    for i in range(p):
        out += _gamma.lgamma(self - i / 2)
    return out


def _mvlgamma_grad(grad, self, p):
    total = digamma.on(self)
    for i in range(1, p):
        total = total + digamma.on(self - i / 2)
    return grad * total


mvlgamma = defop("MvlgammaBackward0", promote="float", forward=_quiet(_mvlgamma),
                 self=_mvlgamma_grad)
i0 = defop("I0Backward0", promote="float", forward=_quiet(_gamma.i0),
           self=lambda grad, self: grad * i1.on(self))


def _i1_grad(grad, self, result):
    # i1'(x) = i0(x) - i1(x) / x, with its limit 1/2 at x = 0
    zero = F.detached(self) == 0
    return grad * F.where(zero, 0.5, i0.on(self) - result / F.where(zero, 1.0, self))


i1 = defop("SpecialI1Backward0", promote="float", forward=_quiet(_gamma.i1), self=_i1_grad)


# --- log-space scans and sums --------------------------------------------------------------------
def _logcumsumexp(self, dim):
    if self.ndim == 0:
        return self.copy()
    with xp.errstate(invalid="ignore"):
        return xp.logaddexp.accumulate(self, axis=dim)


def _flip(x, dim):
    return S.flip.on(x, (dim,)) if x.ndim else x


def _logcumsumexp_grad(grad, self, result, dim):
    # d out_j / d x_i = exp(x_i - out_j) for j >= i, so the gradient is
    # sum_{j >= i} g_j exp(x_i - out_j). Summed in log space, the positive and negative parts
    # of g apart, nothing overflows: exp(x_i + revlogcumsumexp(log|g_j| - out_j)). Where a
    # part has no entry its terms are -1000 rather than -inf: exp(-1000) is exactly 0, and no
    # infinity reaches the graph that create_graph records (inf - inf would poison it).
    g = F.detached(grad)

    def part(mask, magnitude):
        terms = F.where(mask, F.log(F.where(mask, magnitude, 1.0)) - result, -1000.0)
        tail = _flip(logcumsumexp.on(_flip(terms, dim), dim), dim)
        return F.exp(tail + self)

    return part(g > 0, grad) - part(g < 0, -grad)


logcumsumexp = defop("LogcumsumexpBackward0", forward=_logcumsumexp, self=_logcumsumexp_grad)


def _logaddexp2_grad(grad, first, second):
    return grad / (1 + F.exp((second - first) * _LN2))


logaddexp2 = defop("Logaddexp2Backward0", inputs="self other", promote="float", broadcast=True,
                   forward=xp.logaddexp2,
                   self=lambda grad, self, other: _logaddexp2_grad(grad, self, other),
                   other=lambda grad, self, other: _logaddexp2_grad(grad, other, self))


def _copysign_grad(grad, self, result):
    # d copysign(x, y) / dx = sign(x) * sign(result), taken as 0 at x = 0 (PyTorch's choice)
    zero = F.detached(self) == 0
    return grad * F.where(zero, 0.0, result / F.where(zero, 1.0, self))


copysign = defop("CopysignBackward0", inputs="self other", promote="float", broadcast=True,
                 forward=xp.copysign, self=_copysign_grad,
                 other=lambda grad, other_shape: F.zeros(other_shape, grad))


# --- selections -----------------------------------------------------------------------------------
def _aminmax(self, dim, keepdim):
    return (xp.min(self, axis=dim, keepdims=keepdim), xp.max(self, axis=dim, keepdims=keepdim))


def _aminmax_grad(grad, self, result, dim, keepdim):
    # Ties share the gradient evenly, as amin and amax do.
    return (_evenly(grad[0], self, result[0], dim, keepdim)
            + _evenly(grad[1], self, result[1], dim, keepdim))


aminmax = defop("AminmaxBackward0", forward=_aminmax, outputs=2, self=_aminmax_grad)


def _nanmedian_dim(self, dim, keepdim):
    # The lower median of the non-NaN values of each row; NaN where a row is all NaN.
    if self.ndim == 0:
        return self.copy(), xp.zeros((), xp.int64)
    if self.dtype.kind != "f" or not xp.isnan(self).any():
        count = self.shape[dim]
        return _kthvalue(self, (count - 1) // 2 + 1, dim, keepdim)
    order = xp.argsort(self, axis=dim, kind="stable")  # NaN sorts last
    valid = (~xp.isnan(self)).sum(axis=dim, keepdims=True)
    position = xp.maximum(valid - 1, 0) // 2
    indices = xp.take_along_axis(order, position, axis=dim)
    values = xp.take_along_axis(self, indices, axis=dim)
    if not keepdim:
        values, indices = xp.squeeze(values, dim), xp.squeeze(indices, dim)
    return values, indices.astype(xp.int64)


def _nanmedian_all(self):
    flat = self.reshape(-1)
    values = flat[~xp.isnan(flat)] if flat.dtype.kind == "f" else flat
    if values.size == 0:
        return xp.asarray(xp.nan, dtype=self.dtype)
    return xp.sort(values)[(values.size - 1) // 2]


nanmedian_dim = defop("NanmedianBackward1", forward=_nanmedian_dim, outputs=2,
                      self=_selected_grad)
nanmedian_all = defop("NanmedianBackward0", forward=_nanmedian_all,
                      self=lambda grad, self, result: _evenly(grad, self, result))


# --- products -------------------------------------------------------------------------------------
vdot = defop("VdotBackward0", inputs="self other", forward=xp.vdot,
             self=lambda grad, other: grad * other,
             other=lambda grad, self: grad * self)


def _addbmm(self, batch1, batch2, beta, alpha):
    total = (batch1 @ batch2).sum(axis=0)
    product = total if alpha == 1 else alpha * total
    if beta == 0:  # (input is ignored, NaN included, as PyTorch)
        return product.astype(batch1.dtype, copy=False)
    return (product + (self if beta == 1 else beta * self)).astype(batch1.dtype, copy=False)


def _scaled(grad, factor):
    return grad if factor == 1 else grad * factor


addbmm = defop(
    "AddbmmBackward0", inputs="self batch1 batch2", broadcast=True, forward=_addbmm,
    self=lambda grad, beta: _scaled(grad, beta),
    # the same gradient reaches every batch: grad (n x p) broadcasts against (b x ...)
    batch1=lambda grad, batch2, alpha: _scaled(grad, alpha) @ F.mT(batch2),
    batch2=lambda grad, batch1, alpha: F.mT(batch1) @ _scaled(grad, alpha),
)


# --- renorm ---------------------------------------------------------------------------------------
def _renorm_factor(self, p, dim, maxnorm):
    """maxnorm / norm for sub-tensors along ``dim`` whose p-norm exceeds maxnorm, else 1."""
    axes = tuple(d for d in range(self.ndim) if d != dim)
    magnitude = xp.abs(self)
    if p == math.inf:
        norm = magnitude.max(axis=axes, keepdims=True)
    else:
        norm = (magnitude ** p).sum(axis=axes, keepdims=True) ** (1.0 / p)
    # (PyTorch divides by norm + 1e-7)
    return xp.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0).astype(self.dtype), norm


def _renorm(self, p, dim, maxnorm):
    return self * _renorm_factor(self, p, dim, maxnorm)[0]


def _sum_others(x, dim):
    axes = tuple(d for d in range(x.ndim) if d != dim)
    if not axes:
        return x
    return x.sum(axes, keepdim=True) if F.is_tensor(x) else x.sum(axis=axes, keepdims=True)


def _renorm_grad(grad, self, p, dim, maxnorm):
    # out = x * maxnorm / (norm + 1e-7) where norm > maxnorm; the factor depends on x through
    # the norm, d norm / dx = sign(x) (|x| / norm)**(p-1). Written on self, so it also records
    # a graph with create_graph=True.
    x = F.detached(self)
    clipped = _renorm_factor(x, p, dim, maxnorm)[1] > maxnorm
    magnitude = abs(self)
    if p == math.inf:
        norm = magnitude.amax([d for d in range(x.ndim) if d != dim], keepdim=True) \
            if F.is_tensor(magnitude) else _renorm_factor(x, p, dim, maxnorm)[1]
        d_norm = F.sign(self) * (F.detached(magnitude) == F.detached(norm))
    else:
        norm = _sum_others(magnitude ** p, dim) ** (1.0 / p)
        safe = F.where(F.detached(norm) == 0, 1.0, norm)
        d_norm = F.sign(self) * (magnitude / safe) ** (p - 1)
    denominator = norm + 1e-7
    factor = F.where(clipped, maxnorm / denominator, 1.0)
    d_factor = F.where(clipped, -maxnorm / (denominator * denominator), 0.0)
    return grad * factor + _sum_others(grad * self, dim) * d_factor * d_norm


renorm = defop("RenormBackward0", forward=_renorm, self=_renorm_grad)


# --- floating-point representation ----------------------------------------------------------------
nextafter = defop("NextafterBackward0", inputs="self other", promote="binary", broadcast=True,
                  forward=xp.nextafter,
                  self=lambda grad: grad,
                  other=lambda grad, other_shape: F.zeros(other_shape, grad))


def _frexp_grad(grad, self, result):
    # mantissa = x / 2**exponent, the exponent a constant
    scale = xp.ldexp(xp.ones((), F.detached(self).dtype), -F.detached(result[1]))
    return grad[0] * scale


frexp = defop("FrexpBackward0", forward=lambda self: xp.frexp(self), outputs=2, self=_frexp_grad)
