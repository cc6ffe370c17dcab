"""The multivariate normal distribution, parameterized by a covariance matrix, a precision
matrix or the lower Cholesky factor of the covariance (``scale_tril``)."""

from __future__ import annotations

import math

import ember

from . import constraints
from .distribution import Distribution
from .utils import lazy_property, standard_normal


def batch_mahalanobis(scale_tril, x):
    """x^T (L L^T)^-1 x for each batch of ``x``, by one triangular solve."""
    n = x.size(-1)
    batch = ember.broadcast_shapes(tuple(scale_tril.shape[:-2]), tuple(x.shape[:-1]))
    L = scale_tril.expand(tuple(batch) + (n, n))
    solved = ember.linalg.solve_triangular(L, x.expand(tuple(batch) + (n,)).unsqueeze(-1),
                                           upper=False).squeeze(-1)
    return solved.pow(2).sum(-1)


def precision_to_scale_tril(precision):
    """The lower Cholesky factor of inv(P), without forming the inverse: flip P, factor it,
    and invert the (flipped back) triangular factor."""
    flipped = ember.linalg.cholesky(ember.flip(precision, (-2, -1)))
    inverse_factor = ember.transpose(ember.flip(flipped, (-2, -1)), -2, -1)
    identity = ember.eye(precision.shape[-1], dtype=precision.dtype)
    return ember.linalg.solve_triangular(inverse_factor, identity, upper=False)


class MultivariateNormal(Distribution):
    """A normal distribution over vectors, with mean ``loc``.

    >>> import ember
    >>> from ember.distributions import MultivariateNormal
    >>> MultivariateNormal(ember.zeros(2), ember.eye(2))
    MultivariateNormal(loc: torch.Size([2]), covariance_matrix: torch.Size([2, 2]))
    """

    arg_constraints = {"loc": constraints.real_vector,
                       "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [m is not None for m in (covariance_matrix, scale_tril, precision_matrix)]
        if sum(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or "
                             "scale_tril may be specified.")
        for name, matrix in (("scale_tril", scale_tril),
                             ("covariance_matrix", covariance_matrix),
                             ("precision_matrix", precision_matrix)):
            if matrix is None:
                continue
            if matrix.dim() < 2:
                article = "scale_tril matrix" if name == "scale_tril" else name
                raise ValueError(f"{article} must be at least two-dimensional, with optional "
                                 "leading batch dimensions")
            batch_shape = ember.broadcast_shapes(tuple(matrix.shape[:-2]),
                                                 tuple(loc.shape[:-1]))
            setattr(self, name, matrix.expand(tuple(batch_shape) + (-1, -1)))
        self.loc = loc.expand(tuple(batch_shape) + (-1,))
        super().__init__(batch_shape, self.loc.shape[-1:], validate_args=validate_args)
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = ember.linalg.cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = precision_to_scale_tril(precision_matrix)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(MultivariateNormal, _instance)
        batch_shape = ember.Size(batch_shape)
        new.loc = self.loc.expand(batch_shape + self.event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        matrix_shape = batch_shape + self.event_shape + self.event_shape
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(matrix_shape))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(
            self._batch_shape + self._event_shape + self._event_shape)

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return (L @ L.mT).expand(self._batch_shape + self._event_shape + self._event_shape)

    @lazy_property
    def precision_matrix(self):
        # inv(L L^T) = inv(L)^T inv(L), with inv(L) from one triangular solve.
        L = self._unbroadcasted_scale_tril
        identity = ember.eye(L.shape[-1], dtype=L.dtype)
        inverse = ember.linalg.solve_triangular(L, identity, upper=False)
        return (inverse.mT @ inverse).expand(
            self._batch_shape + self._event_shape + self._event_shape)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(
            self._batch_shape + self._event_shape)

    def rsample(self, sample_shape=ember.Size()):
        shape = self._extended_shape(sample_shape)
        eps = standard_normal(shape, self.loc.dtype)
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self):
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        diff = value - self.loc
        mahalanobis = batch_mahalanobis(self._unbroadcasted_scale_tril, diff)
        return (-0.5 * (self._event_shape[0] * math.log(2 * math.pi) + mahalanobis)
                - self._half_log_det())

    def entropy(self):
        half_log_det = self._half_log_det()
        entropy = 0.5 * self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + half_log_det
        if len(self._batch_shape) == 0:
            return entropy
        return entropy.expand(self._batch_shape)
