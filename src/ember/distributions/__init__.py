"""``ember.distributions``: PyTorch's probability distributions on ember tensors.

Each distribution has a ``batch_shape`` and ``event_shape``, draws with ``sample`` (and
``rsample``, whose draws carry gradients to the parameters, where the distribution is
reparameterizable), and evaluates ``log_prob``, ``entropy``, ``mean``, ``variance`` and, where
PyTorch has them, ``cdf``/``icdf``. ``kl_divergence(p, q)`` gives closed-form divergences.

>>> import ember
>>> from ember.distributions import Normal, kl_divergence
>>> p = Normal(ember.tensor([0.]), ember.tensor([1.]))
>>> p
Normal(loc: tensor([0.]), scale: tensor([1.]))
>>> p.sample((3,)).shape
torch.Size([3, 1])
"""

from __future__ import annotations

from . import constraints, transforms  # noqa: F401
from .continuous import Cauchy, Exponential, Laplace, Normal, StudentT, Uniform
from .discrete import Bernoulli, Binomial, Categorical, Geometric, OneHotCategorical, Poisson
from .distribution import Distribution, ExponentialFamily
from .gamma import Beta, Dirichlet, Gamma
from .independent import Independent
from .kl import kl_divergence, register_kl
from .multivariate_normal import MultivariateNormal
from .relaxed import RelaxedBernoulli, RelaxedOneHotCategorical  # noqa: F401
from .transformed_distribution import LogNormal, TransformedDistribution
from .transforms import (
    AffineTransform, ComposeTransform, ExpTransform, SigmoidTransform, TanhTransform, Transform,
    identity_transform,
)

__all__ = [
    "AffineTransform", "Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy",
    "ComposeTransform", "Dirichlet", "Distribution", "ExpTransform", "Exponential",
    "ExponentialFamily", "Gamma", "Geometric", "Independent", "Laplace", "LogNormal",
    "MultivariateNormal", "Normal", "OneHotCategorical", "Poisson", "RelaxedBernoulli",
    "RelaxedOneHotCategorical", "SigmoidTransform", "StudentT", "TanhTransform", "Transform",
    "TransformedDistribution", "Uniform", "identity_transform", "kl_divergence", "register_kl",
]
