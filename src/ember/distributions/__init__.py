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
from .constraint_registry import biject_to, transform_to
from .continuous import Cauchy, Exponential, Laplace, Normal, StudentT, Uniform
from .discrete import Bernoulli, Binomial, Categorical, Geometric, OneHotCategorical, Poisson
from .distribution import Distribution, ExponentialFamily
from .continuous_bernoulli import ContinuousBernoulli
from .gamma import Beta, Dirichlet, Gamma
from .gamma_family import Chi2, FisherSnedecor
from .independent import Independent
from .kl import kl_divergence, register_kl
from .lowrank_multivariate_normal import LowRankMultivariateNormal
from .mixture_same_family import MixtureSameFamily
from .multinomial import Multinomial, NegativeBinomial, OneHotCategoricalStraightThrough
from .multivariate_normal import MultivariateNormal
from .relaxed import RelaxedBernoulli, RelaxedOneHotCategorical  # noqa: F401
from .transformed_distribution import LogNormal, TransformedDistribution
from .transformed_family import (
    Gumbel, HalfCauchy, HalfNormal, Kumaraswamy, LogisticNormal, Pareto, Weibull,
)
from .transforms import (
    AbsTransform, AffineTransform, CatTransform, ComposeTransform, ExpTransform,
    IndependentTransform, LowerCholeskyTransform, PowerTransform, ReshapeTransform,
    SigmoidTransform, SoftmaxTransform, SoftplusTransform, StackTransform,
    StickBreakingTransform, TanhTransform, Transform, identity_transform,
)
from .von_mises import VonMises

__all__ = [
    "AbsTransform", "AffineTransform", "Bernoulli", "Beta", "Binomial", "CatTransform",
    "Categorical", "Cauchy", "Chi2", "ComposeTransform", "ContinuousBernoulli", "Dirichlet",
    "Distribution", "ExpTransform", "Exponential", "ExponentialFamily", "FisherSnedecor",
    "Gamma", "Geometric", "Gumbel", "HalfCauchy", "HalfNormal", "Independent",
    "IndependentTransform", "Kumaraswamy", "Laplace", "LogNormal", "LogisticNormal",
    "LowRankMultivariateNormal", "LowerCholeskyTransform", "MixtureSameFamily", "Multinomial",
    "MultivariateNormal", "NegativeBinomial", "Normal", "OneHotCategorical",
    "OneHotCategoricalStraightThrough", "Pareto", "Poisson", "PowerTransform",
    "RelaxedBernoulli", "RelaxedOneHotCategorical", "ReshapeTransform", "SigmoidTransform",
    "SoftmaxTransform", "SoftplusTransform", "StackTransform", "StickBreakingTransform",
    "StudentT", "TanhTransform", "Transform", "TransformedDistribution", "Uniform", "VonMises",
    "Weibull", "biject_to", "identity_transform", "kl_divergence", "register_kl",
    "transform_to",
]
