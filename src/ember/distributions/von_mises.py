"""The von Mises distribution: a circular analogue of the normal distribution, on angles."""

from __future__ import annotations

import math

import ember

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

# Abramowitz and Stegun's polynomial approximations (9.8.1-9.8.4) of the modified Bessel
# functions I0 and I1, in t = (x / 3.75) ** 2 below 3.75 and in 3.75 / x above. PyTorch's
# VonMises uses these (not the exact i0), so ember does too: log_prob then agrees to rounding.
_SMALL = {
    0: [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813],
    1: [0.5, 0.87890594, 0.51498869, 0.15084934, 0.02658733, 0.00301532, 0.00032411],
}
_LARGE = {
    0: [0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706,
        0.02635537, -0.01647633, 0.00392377],
    1: [0.39894228, -0.03988024, -0.00362018, 0.00163801, -0.01031555, 0.02282967,
        -0.02895312, 0.01787654, -0.00420059],
}


def _polynomial(x, coefficients):
    result = ember.zeros_like(x) + coefficients[-1]
    for c in reversed(coefficients[:-1]):
        result = result * x + c
    return result


def _log_bessel_i(x, order=0):
    """log I_order(x) for x > 0, by the approximations above."""
    small_x = x.clamp(max=3.75)  # each branch only sees its own range (no inf / NaN grads)
    small = _polynomial((small_x / 3.75).pow(2), _SMALL[order])
    if order == 1:
        small = small_x.abs() * small
    small = small.log()
    large_x = x.clamp(min=3.75)
    large = (large_x - 0.5 * large_x.log()
             + _polynomial(3.75 / large_x, _LARGE[order]).log())
    return ember.where(x < 3.75, small, large)


def _rejection_sample(loc, concentration, proposal_r, shape):
    """Best and Fisher's wrapped-Cauchy rejection scheme, in float64."""
    result = ember.empty(shape, dtype=ember.float64)
    done = ember.zeros(shape, dtype=ember.bool)
    while not bool(done.all()):
        u = ember.rand((3,) + tuple(shape), dtype=ember.float64)
        u1, u2, u3 = u[0], u[1], u[2]
        z = ember.cos(math.pi * u1)
        f = (1 + proposal_r * z) / (proposal_r + z)
        c = concentration * (proposal_r - f)
        accept = ((c * (2 - c) - u2) > 0) | ((c / u2).log() + 1 - c >= 0)
        accept = accept & ~done
        angle = (u3 - 0.5).sign() * ember.acos(f)
        result = ember.where(accept, angle, result)
        done = done | accept
    # Wrap into [-pi, pi).
    return (result + math.pi + loc) % (2 * math.pi) - math.pi


class VonMises(Distribution):
    """The von Mises distribution over angles, centred at ``loc`` with ``concentration``
    (large values approach Normal(loc, 1 / sqrt(concentration))).

    >>> import ember
    >>> from ember.distributions import VonMises
    >>> VonMises(ember.tensor(0.), ember.tensor(1.)).log_prob(ember.tensor(0.))
    tensor(-0.9595)
    """

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        batch_shape = self.loc.shape
        super().__init__(batch_shape, ember.Size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        from .continuous import _expand_params

        return _expand_params(self, VonMises, ("loc", "concentration"), batch_shape, _instance)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.concentration * ember.cos(value - self.loc)
        return log_prob - math.log(2 * math.pi) - _log_bessel_i(self.concentration, order=0)

    def sample(self, sample_shape=ember.Size()):
        """Draws in [-pi, pi) by rejection; the parameters get no gradient."""
        shape = self._extended_shape(sample_shape)
        with ember.no_grad():
            k = self.concentration.double()
            tau = 1 + (1 + 4 * k.pow(2)).sqrt()
            rho = (tau - (2 * tau).sqrt()) / (2 * k)
            proposal_r = (1 + rho.pow(2)) / (2 * rho)
            # For tiny concentrations rho -> 0 and the formula loses all precision; use its
            # leading terms there.
            proposal_r = ember.where(k < 1e-5, 1 / k + k, proposal_r)
            draws = _rejection_sample(self.loc.double().expand(shape), k.expand(shape),
                                      proposal_r.expand(shape), shape)
            return draws.to(self.loc.dtype)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        """The circular variance, 1 - I1(k) / I0(k)."""
        return 1 - (_log_bessel_i(self.concentration, order=1)
                    - _log_bessel_i(self.concentration, order=0)).exp()
