"""Rows for the torch.special functions ember.special added last: the Hurwitz zeta, the
regularized incomplete gamma functions (``igamma``/``igammac``; kernels in ember/ops/gamma.py),
the Bessel J/Y/K families, the spherical j0 and Airy Ai (ember/ops/bessel.py) and the
orthogonal polynomials (ember/ops/polynomials.py).

PyTorch differentiates zeta and the incomplete gamma functions only in their second argument
(the first raises "not implemented" when its gradient is asked for); the Bessel, Airy and
polynomial functions have no derivative at all in PyTorch: their rows carry no formula, so
their results never require grad.
"""

from __future__ import annotations

import functools

from ..backend import xp
from . import bessel as _bessel
from . import formula as F
from . import gamma as _gamma
from . import polynomials as _polynomials
from .extra import lgamma
from .op import defop


def _quiet(kernel):
    """Run a kernel with NumPy's floating-point warnings off (poles give inf/NaN, as PyTorch)."""
    @functools.wraps(kernel)
    def forward(*args):
        with xp.errstate(all="ignore"):
            return kernel(*args)

    return forward


def _not_implemented(what):
    def formula(grad):
        raise NotImplementedError(f"the derivative for '{what}' is not implemented.")

    return formula


# --- zeta and the incomplete gamma functions ---------------------------------------------------
def _zeta(self, other):
    # (a Python number takes the tensor's dtype, as in PyTorch; two arrays share one already)
    like = self if type(self) is xp.ndarray else other
    return _gamma.zeta(self, other).astype(like.dtype, copy=False)


# d zeta(x, q) / dq = -x zeta(x + 1, q)
zeta = defop("SpecialZetaBackward0", inputs="self other", promote="float", broadcast=True,
             forward=_quiet(_zeta), self=_not_implemented("zeta"),
             other=lambda grad, self, other: grad * -self * zeta.on(self + 1.0, other))


def _incomplete_gamma_density(self, other):
    """d P(a, x) / dx = x**(a - 1) exp(-x) / Gamma(a), written as PyTorch writes it."""
    return F.exp((self - 1) * F.log(other) - other - lgamma.on(self))


def _igamma(self, other):
    return _gamma.gammainc(self, other)


def _igammac(self, other):
    return _gamma.gammaincc(self, other)


igamma = defop("IgammaBackward0", inputs="self other", promote="binary", broadcast=True,
               forward=_quiet(_igamma), self=_not_implemented("igamma: input"),
               other=lambda grad, self, other: grad * _incomplete_gamma_density(self, other))
igammac = defop("IgammacBackward0", inputs="self other", promote="binary", broadcast=True,
                forward=_quiet(_igammac), self=_not_implemented("igammac: input"),
                other=lambda grad, self, other: -grad * _incomplete_gamma_density(self, other))


# --- Bessel and Airy functions (no derivative in PyTorch) --------------------------------------
def _unary(name, kernel):
    return defop(name, promote="float", forward=_quiet(kernel))


bessel_j0 = _unary("SpecialBesselJ0Backward0", _bessel.bessel_j0)
bessel_j1 = _unary("SpecialBesselJ1Backward0", _bessel.bessel_j1)
bessel_y0 = _unary("SpecialBesselY0Backward0", _bessel.bessel_y0)
bessel_y1 = _unary("SpecialBesselY1Backward0", _bessel.bessel_y1)
modified_bessel_i0 = _unary("SpecialModifiedBesselI0Backward0", _gamma.i0)
modified_bessel_i1 = _unary("SpecialModifiedBesselI1Backward0",
                            lambda self: _gamma.i1(self) + 0.0)  # (+0.0 at -0.0, as PyTorch)
modified_bessel_k0 = _unary("SpecialModifiedBesselK0Backward0", _bessel.modified_bessel_k0)
modified_bessel_k1 = _unary("SpecialModifiedBesselK1Backward0", _bessel.modified_bessel_k1)
scaled_modified_bessel_k0 = _unary("SpecialScaledModifiedBesselK0Backward0",
                                   _bessel.scaled_modified_bessel_k0)
scaled_modified_bessel_k1 = _unary("SpecialScaledModifiedBesselK1Backward0",
                                   _bessel.scaled_modified_bessel_k1)
spherical_bessel_j0 = _unary("SpecialSphericalBesselJ0Backward0", _bessel.spherical_bessel_j0)
airy_ai = _unary("SpecialAiryAiBackward0", _bessel.airy_ai)


# --- orthogonal polynomials p_n(x) (no derivative in PyTorch) ----------------------------------
def _polynomial(name, kernel):
    def forward(x, n):
        return kernel(x, n)

    return defop(name, inputs="x n", promote="float", broadcast=True, forward=_quiet(forward))


chebyshev_polynomial_t = _polynomial("SpecialChebyshevPolynomialTBackward0",
                                     _polynomials.chebyshev_t)
chebyshev_polynomial_u = _polynomial("SpecialChebyshevPolynomialUBackward0",
                                     _polynomials.chebyshev_u)
chebyshev_polynomial_v = _polynomial("SpecialChebyshevPolynomialVBackward0",
                                     _polynomials.chebyshev_v)
chebyshev_polynomial_w = _polynomial("SpecialChebyshevPolynomialWBackward0",
                                     _polynomials.chebyshev_w)
shifted_chebyshev_polynomial_t = _polynomial("SpecialShiftedChebyshevPolynomialTBackward0",
                                             _polynomials.shifted_chebyshev_t)
shifted_chebyshev_polynomial_u = _polynomial("SpecialShiftedChebyshevPolynomialUBackward0",
                                             _polynomials.shifted_chebyshev_u)
shifted_chebyshev_polynomial_v = _polynomial("SpecialShiftedChebyshevPolynomialVBackward0",
                                             _polynomials.shifted_chebyshev_v)
shifted_chebyshev_polynomial_w = _polynomial("SpecialShiftedChebyshevPolynomialWBackward0",
                                             _polynomials.shifted_chebyshev_w)
hermite_polynomial_h = _polynomial("SpecialHermitePolynomialHBackward0", _polynomials.hermite_h)
hermite_polynomial_he = _polynomial("SpecialHermitePolynomialHeBackward0",
                                    _polynomials.hermite_he)
laguerre_polynomial_l = _polynomial("SpecialLaguerrePolynomialLBackward0",
                                    _polynomials.laguerre_l)
legendre_polynomial_p = _polynomial("SpecialLegendrePolynomialPBackward0",
                                    _polynomials.legendre_p)
