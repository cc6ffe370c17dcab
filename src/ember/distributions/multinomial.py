"""Count distributions over several categories or trials: Multinomial and NegativeBinomial,
and OneHotCategoricalStraightThrough (one-hot draws with a straight-through gradient)."""

from __future__ import annotations

import math

import ember

from . import constraints
from .discrete import _BOTH_OR_NEITHER, Binomial, Categorical, OneHotCategorical
from .distribution import Distribution
from .gamma import Gamma
from .utils import (
    BinaryProbs, broadcast_all, lazy_property, one_hot,
)


class Multinomial(Distribution):
    """Counts of each of K categories in ``total_count`` categorical draws.

    >>> import ember
    >>> from ember.distributions import Multinomial
    >>> Multinomial(4, ember.tensor([1., 1.])).log_prob(ember.tensor([2., 2.]))
    tensor(-0.9808)
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        self._binomial = Binomial(total_count=total_count, probs=self.probs)
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Multinomial, _instance)
        batch_shape = ember.Size(batch_shape)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        new._binomial = Binomial(total_count=self.total_count, probs=new._categorical.probs,
                                 validate_args=False)
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def param_shape(self):
        return self._categorical.param_shape

    def sample(self, sample_shape=ember.Size()):
        sample_shape = ember.Size(sample_shape)
        with ember.no_grad():
            draws = self._categorical.sample(ember.Size((self.total_count,)) + sample_shape)
            counts = one_hot(draws, self.event_shape[0], self.probs.dtype).sum(0)
            return counts.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = ember.lgamma(value.sum(-1) + 1)
        log_factorial_xs = ember.lgamma(value + 1).sum(-1)
        # A category with probability 0 that is never drawn contributes 0, not 0 * -inf.
        logits = ember.where((value == 0) & (logits == -math.inf), 0.0, logits)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)

    def entropy(self):
        n = self.total_count
        support = self._binomial.enumerate_support()
        binomial_probs = ember.exp(self._binomial.log_prob(support))
        weights = ember.lgamma(support + 1)
        # PyTorch evaluates log(n!) on an integer tensor, that is in the default dtype, even
        # for float64 parameters; ember rounds it the same way so the two agree.
        log_factorial_n = ember.lgamma(ember.tensor(float(n + 1)))
        return (n * self._categorical.entropy() - log_factorial_n
                + (binomial_probs * weights).sum((0, -1)))


class NegativeBinomial(BinaryProbs, Distribution):
    """The number of successes before ``total_count`` failures in Bernoulli trials with
    success probability ``probs``."""

    arg_constraints = {"total_count": constraints.greater_than_eq(0),
                       "probs": constraints.half_open_interval(0.0, 1.0),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError(_BOTH_OR_NEITHER)
        if probs is not None:
            self.total_count, self.probs = broadcast_all(total_count, probs)
            self.total_count = self.total_count.type_as(self.probs)
        else:
            self.total_count, self.logits = broadcast_all(total_count, logits)
            self.total_count = self.total_count.type_as(self.logits)
        self._param = self.probs if probs is not None else self.logits
        super().__init__(self._param.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        from .discrete import _expand_probs_or_logits

        return _expand_probs_or_logits(self, NegativeBinomial, batch_shape, _instance,
                                       extra=("total_count",))

    @property
    def mean(self):
        return self.total_count * ember.exp(self.logits)

    @property
    def mode(self):
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self):
        return self.mean / ember.sigmoid(-self.logits)

    @lazy_property
    def _gamma(self):
        # The negative binomial is a Poisson whose rate is Gamma(total_count, exp(-logits)).
        return Gamma(concentration=self.total_count, rate=ember.exp(-self.logits),
                     validate_args=False)

    def sample(self, sample_shape=ember.Size()):
        with ember.no_grad():
            rate = self._gamma.sample(sample_shape)
            # ember.poisson wants at least one dim.
            return ember.poisson(rate.reshape(-1)).reshape(rate.shape)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        # log sigmoid(t) = -softplus(-t).
        log_unnormalized = (-self.total_count * ember.softplus(self.logits)
                            - value * ember.softplus(-self.logits))
        log_normalization = (-ember.lgamma(self.total_count + value) + ember.lgamma(1.0 + value)
                             + ember.lgamma(self.total_count))
        # total_count + value == 0 happens only for the point mass at 0.
        log_normalization = ember.where(self.total_count + value == 0.0, 0.0,
                                        log_normalization)
        return log_unnormalized - log_normalization


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """A OneHotCategorical whose ``rsample`` passes gradients straight through: the draw is
    one-hot, its gradient is that of ``probs`` (Bengio et al., 2013)."""

    has_rsample = True

    def rsample(self, sample_shape=ember.Size()):
        samples = self.sample(sample_shape)
        probs = self._categorical.probs
        return samples + (probs - probs.detach())
