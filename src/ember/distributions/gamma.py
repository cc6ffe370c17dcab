"""Gamma, Beta and Dirichlet, and the standard gamma sampler they share.

Reparameterized gamma draws use implicit differentiation (as PyTorch does): a draw x of
Gamma(alpha, 1) is a function of alpha through its CDF, F(x; alpha) = u, so
dx/dalpha = -(dF/dalpha) / (dF/dx). ember evaluates dF/dalpha from the power series of the
regularized lower incomplete gamma function in float64, where PyTorch uses a fitted
approximation; the two agree to the approximation's accuracy. Dirichlet (and Beta, which is a
two-category Dirichlet) draws normalize gamma draws, so their gradients flow through the gamma
gradient and the normalization: an unbiased reparameterized gradient, though not PyTorch's
per-draw gradient (PyTorch differentiates the Beta marginal's CDF instead).
"""

from __future__ import annotations

import math
import numbers

import ember

from . import constraints
from .distribution import ExponentialFamily
from .utils import broadcast_all, eps, tiny

_SERIES_CHUNK = 128


def _sample_standard_gamma(alpha):
    """Gamma(alpha, 1) draws (Marsaglia and Tsang's squeeze method), in alpha's dtype."""
    a = alpha.double()
    # Below 1 the method needs a boost: Gamma(a) = Gamma(a + 1) * U ** (1 / a).
    boost = a < 1
    shifted = ember.where(boost, a + 1, a)
    d = shifted - 1.0 / 3.0
    c = 1.0 / ember.sqrt(9.0 * d)
    result = ember.zeros_like(a)
    done = ember.zeros(a.shape, dtype=ember.bool)
    while not bool(done.all()):
        x = ember.randn(a.shape, dtype=ember.float64)
        v = (1 + c * x) ** 3
        u = ember.rand(a.shape, dtype=ember.float64)
        log_v = v.clamp(min=tiny(ember.float64)).log()
        accept = (v > 0) & (u.log() < 0.5 * x * x + d - d * v + d * log_v) & ~done
        result = ember.where(accept, d * v, result)
        done = done | accept
    if bool(boost.any()):
        u = ember.rand(a.shape, dtype=ember.float64)
        result = ember.where(boost, result * u.pow(1.0 / a), result)
    # Tiny concentrations can underflow to 0; keep draws strictly positive.
    return result.to(alpha.dtype).clamp(min=tiny(alpha.dtype))


def _lower_gamma_series_grad(a, x):
    """d/da of the regularized lower incomplete gamma P(a, x), by its power series
    P(a, x) = sum_n exp(a log x - x + n log x - lgamma(a + n + 1)), in float64."""
    log_x = x.log()
    terms = int(float(x.max()) + 10 * math.sqrt(float(x.max())) + 40)
    total = ember.zeros_like(a)
    for start in range(0, terms, _SERIES_CHUNK):
        n = ember.arange(start, start + _SERIES_CHUNK, dtype=ember.float64)
        n = n.reshape((-1,) + (1,) * a.dim())
        log_term = a * log_x - x + n * log_x - ember.lgamma(a + n + 1)
        total = total + (log_term.exp() * (log_x - ember.digamma(a + n + 1))).sum(0)
    return total


def standard_gamma_grad(alpha, x):
    """dx/dalpha for a draw x of Gamma(alpha, 1) held at a fixed CDF level."""
    a, value = alpha.double(), x.double().clamp(min=tiny(ember.float64))
    log_pdf = (a - 1) * value.log() - value - ember.lgamma(a)
    return (-_lower_gamma_series_grad(a, value) * (-log_pdf).exp()).to(alpha.dtype)


class StandardGamma(ember.autograd.Function):
    """Gamma(alpha, 1) draws whose gradient with respect to alpha is the implicit one."""

    @staticmethod
    def forward(ctx, alpha):
        x = _sample_standard_gamma(alpha)
        ctx.save_for_backward(alpha, x)
        return x

    @staticmethod
    def backward(ctx, grad):
        alpha, x = ctx.saved_tensors
        with ember.no_grad():
            return grad * standard_gamma_grad(alpha, x)


def standard_gamma(alpha):
    """Reparameterized Gamma(alpha, 1) draws of alpha's shape."""
    return StandardGamma.apply(alpha)


class Gamma(ExponentialFamily):
    """The gamma distribution with shape ``concentration`` and inverse scale ``rate``.

    >>> import ember
    >>> from ember.distributions import Gamma
    >>> Gamma(ember.tensor([2.]), ember.tensor([1.])).mean
    tensor([2.])
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.concentration.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        from .continuous import _expand_params

        return _expand_params(self, Gamma, ("concentration", "rate"), batch_shape, _instance)

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape=ember.Size()):
        shape = self._extended_shape(sample_shape)
        value = standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        # Keep draws strictly positive (log_prob of an exact 0 is -inf); only the values move.
        value.detach().clamp_(min=tiny(value.dtype))
        return value

    def log_prob(self, value):
        value = ember.as_tensor(value, dtype=self.rate.dtype)
        if self._validate_args:
            self._validate_sample(value)
        return (ember.xlogy(self.concentration, self.rate)
                + ember.xlogy(self.concentration - 1, value)
                - self.rate * value - ember.lgamma(self.concentration))

    def cdf(self, value):
        """The regularized lower incomplete gamma function P(concentration, rate * value)."""
        if self._validate_args:
            self._validate_sample(value)
        return ember.special.gammainc(self.concentration, self.rate * value)

    def entropy(self):
        c = self.concentration
        return c - ember.log(self.rate) + ember.lgamma(c) + (1.0 - c) * ember.digamma(c)


class Dirichlet(ExponentialFamily):
    """The Dirichlet distribution on the probability simplex, with ``concentration`` along the
    last dim."""

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        shape = concentration.shape
        super().__init__(shape[:-1], shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Dirichlet, _instance)
        batch_shape = ember.Size(batch_shape)
        new.concentration = self.concentration.expand(batch_shape + self.event_shape)
        ExponentialFamily.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=ember.Size()):
        shape = self._extended_shape(sample_shape)
        gammas = standard_gamma(self.concentration.expand(shape))
        draws = gammas / gammas.sum(-1, keepdim=True)
        draws.detach().clamp_(min=tiny(draws.dtype), max=1 - eps(draws.dtype))
        return draws

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        c = self.concentration
        return (ember.xlogy(c - 1.0, value).sum(-1) + ember.lgamma(c.sum(-1))
                - ember.lgamma(c).sum(-1))

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self):
        shifted = (self.concentration - 1).clamp(min=0.0)
        # With every concentration below 1 the density peaks at a vertex. PyTorch picks it by
        # the argmax of the clamped (all-zero) shifts, that is the first vertex; so do we. The
        # safe denominator keeps 0 / 0 (and its NaN gradient) out of the unused branch.
        corner = (self.concentration < 1).all(-1, keepdim=True)
        total = shifted.sum(-1, keepdim=True)
        mode = shifted / ember.where(corner, ember.ones_like(total), total)
        vertex = (ember.arange(shifted.shape[-1])
                  == shifted.argmax(-1, keepdim=True)).to(mode.dtype)
        return ember.where(corner, vertex, mode)

    @property
    def variance(self):
        total = self.concentration.sum(-1, keepdim=True)
        return self.concentration * (total - self.concentration) / (total.pow(2) * (total + 1))

    def entropy(self):
        c = self.concentration
        k = c.size(-1)
        total = c.sum(-1)
        return (ember.lgamma(c).sum(-1) - ember.lgamma(total)
                - (k - total) * ember.digamma(total)
                - ((c - 1.0) * ember.digamma(c)).sum(-1))


class Beta(ExponentialFamily):
    """The beta distribution on [0, 1] with shapes ``concentration1`` and ``concentration0``."""

    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        if (isinstance(concentration1, numbers.Real)
                and isinstance(concentration0, numbers.Real)):
            pair = ember.tensor([float(concentration1), float(concentration0)])
        else:
            concentration1, concentration0 = broadcast_all(concentration1, concentration0)
            pair = ember.stack([concentration1, concentration0], -1)
        self._dirichlet = Dirichlet(pair, validate_args=validate_args)
        super().__init__(self._dirichlet._batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Beta, _instance)
        batch_shape = ember.Size(batch_shape)
        new._dirichlet = self._dirichlet.expand(batch_shape)
        ExponentialFamily.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def concentration1(self):
        return self._dirichlet.concentration[..., 0]

    @property
    def concentration0(self):
        return self._dirichlet.concentration[..., 1]

    @property
    def mean(self):
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self):
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape=ember.Size()):
        return self._dirichlet.rsample(sample_shape).select(-1, 0)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        heads_tails = ember.stack([value, 1.0 - value], -1)
        return self._dirichlet.log_prob(heads_tails)

    def entropy(self):
        return self._dirichlet.entropy()
