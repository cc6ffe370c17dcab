"""ember.distributions against torch.distributions: values and gradients of log_prob, cdf,
icdf, entropy, moments and KL divergences; sampling shapes, statistics and seeding;
reparameterized gradients; validation errors and reprs."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ember
import ember.distributions as D
from tests.distributions._draws import Draws, make_distribution
from tests.oracle import assert_close, check, expect_error, require_torch, torch

if torch is not None:
    import torch.distributions  # noqa: F401

DRAWS = Draws(0)
RNG = DRAWS.rng
_pos, _real, _unit, _simplex = DRAWS.pos, DRAWS.real, DRAWS.unit, DRAWS.simplex


def _spd(batch, n):
    a = RNG.normal(size=batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _tril(batch, n):
    a = np.tril(RNG.normal(size=batch + (n, n)), -1)
    return a + np.eye(n) * RNG.uniform(0.5, 1.5, batch + (n,))[..., None]


_dist = make_distribution


# name, parameter arrays, keyword names (None: positional), values, methods to compare
CASES = [
    ("Normal", [_real(3), _pos(3)], [None, None], _real(2, 3),
     ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance", "stddev"]),
    ("Normal", [_real(2, 1), _pos(3)], [None, None], _real(2, 3),
     ["log_prob", "cdf", "entropy", "variance"]),
    ("Laplace", [_real(4), _pos(4)], [None, None], _real(4),
     ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance", "stddev"]),
    ("Cauchy", [_real(4), _pos(4)], [None, None], _real(2, 4),
     ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance"]),
    ("Uniform", [_real(3) - 3, _pos(3)], [None, None], _unit(3) - 0.5,
     ["log_prob", "cdf", "icdf", "entropy", "mean", "variance", "stddev"]),
    ("Exponential", [_pos(3)], [None], _pos(2, 3),
     ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance", "stddev"]),
    ("Gamma", [_pos(4) + 0.5, _pos(4)], [None, None], _pos(4),
     ["log_prob", "entropy", "mean", "mode", "variance"]),
    ("Gamma", [RNG.uniform(0.2, 0.9, (3,)), _pos(3)], [None, None], _pos(2, 3),
     ["log_prob", "entropy", "mode"]),
    ("Beta", [_pos(4), _pos(4)], [None, None], _unit(4),
     ["log_prob", "entropy", "mean", "mode", "variance"]),
    ("Dirichlet", [_pos(2, 3)], [None], _simplex(2, 3),
     ["log_prob", "entropy", "mean", "mode", "variance"]),
    ("Dirichlet", [RNG.uniform(0.2, 0.9, (2, 3))], [None], _simplex(2, 3), ["mode"]),
    ("StudentT", [_pos(4) * 2, _real(4), _pos(4)], [None, None, None], _real(4),
     ["log_prob", "entropy", "mean", "mode", "variance"]),
    ("StudentT", [np.array([0.5, 1.5, 3.0])], [None], _real(3), ["mean", "variance"]),
    ("LogNormal", [_real(3), _pos(3)], [None, None], _pos(3),
     ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance"]),
    ("Bernoulli", [_unit(4)], ["probs"], RNG.integers(0, 2, (3, 4)).astype(float),
     ["log_prob", "entropy", "mean", "variance"]),
    ("Bernoulli", [_real(4)], ["logits"], RNG.integers(0, 2, (4,)).astype(float),
     ["log_prob", "entropy", "mean", "variance"]),
    ("Categorical", [_simplex(2, 4)], ["probs"], RNG.integers(0, 4, (3, 2)),
     ["log_prob", "entropy"]),
    ("Categorical", [_real(2, 4)], ["logits"], RNG.integers(0, 4, (2,)), ["log_prob", "entropy"]),
    ("OneHotCategorical", [_simplex(3, 4)], ["probs"], np.eye(4)[RNG.integers(0, 4, (3,))],
     ["log_prob", "entropy", "mean", "variance"]),
    # Value 0 included: the gradient of xlogy(value, rate) in value at 0 is log(rate).
    ("Poisson", [_pos(4) * 2], [None], np.array([[0.0, 1.0, 3.0, 5.0], [2.0, 0.0, 4.0, 1.0]]),
     ["log_prob", "mean", "mode", "variance"]),
    ("Binomial", [np.array([5.0, 5.0, 5.0]), _unit(3)], ["total_count", "probs"],
     np.array([0.0, 3.0, 5.0]), ["log_prob", "entropy", "mean", "mode", "variance"]),
    ("Binomial", [np.array([4.0, 7.0]), _real(2)], ["total_count", "logits"],
     np.array([[1.0, 6.0], [4.0, 0.0]]), ["log_prob", "mean", "variance"]),
    ("Geometric", [_unit(4)], ["probs"], RNG.integers(0, 5, (4,)).astype(float),
     ["log_prob", "entropy", "mean", "mode", "variance"]),
    ("Geometric", [_real(4)], ["logits"], RNG.integers(0, 5, (4,)).astype(float),
     ["log_prob", "entropy", "mean", "variance"]),
    ("MultivariateNormal", [_real(2, 3), _spd((2,), 3)], [None, "covariance_matrix"],
     _real(4, 2, 3), ["log_prob", "entropy", "mean", "variance"]),
    ("MultivariateNormal", [_real(3), _spd((), 3)], [None, "precision_matrix"], _real(2, 3),
     ["log_prob", "entropy", "variance"]),
    ("MultivariateNormal", [_real(3), _tril((2,), 3)], [None, "scale_tril"], _real(2, 3),
     ["log_prob", "entropy", "variance"]),
]

ROWS = [(i, method, dtype) for i, case in enumerate(CASES) for method in case[4]
        for dtype in (np.float32, np.float64)]


def _cast(a, dtype):
    return a.astype(dtype) if a.dtype.kind == "f" else a


@pytest.mark.parametrize("index,method,dtype", ROWS,
                         ids=[f"{CASES[i][0]}{i}-{m}-{d.__name__}" for i, m, d in ROWS])
def test_against_torch(index, method, dtype):
    name, params, keywords, value, _ = CASES[index]
    if method == "icdf":
        value = _unit(*value.shape)
    params = [_cast(p, dtype) for p in params]

    def run(lib, *tensors):
        d = _dist(lib, name, tensors[:len(params)], keywords)
        if method in ("log_prob", "cdf", "icdf"):
            return getattr(d, method)(tensors[-1])
        if method == "entropy":
            return d.entropy()
        return getattr(d, method)

    # Second derivatives of the discrete-value tables are covered by the first-order checks.
    check(run, *params, _cast(value, dtype), gradgrad=dtype == np.float64)


KL_PAIRS = [
    ("Normal", [_real(3), _pos(3)], "Normal", [_real(3), _pos(3)]),
    ("Laplace", [_real(3), _pos(3)], "Laplace", [_real(3), _pos(3)]),
    ("Cauchy", [_real(3), _pos(3)], "Cauchy", [_real(3), _pos(3)]),
    ("Exponential", [_pos(3)], "Exponential", [_pos(3)]),
    ("Gamma", [_pos(3), _pos(3)], "Gamma", [_pos(3), _pos(3)]),
    ("Beta", [_pos(3), _pos(3)], "Beta", [_pos(3), _pos(3)]),
    ("Dirichlet", [_pos(2, 4)], "Dirichlet", [_pos(2, 4)]),
    ("Poisson", [_pos(3)], "Poisson", [_pos(3)]),
    ("Bernoulli", [_unit(3)], "Bernoulli", [_unit(3)]),
    ("Categorical", [_simplex(2, 4)], "Categorical", [_simplex(2, 4)]),
    ("OneHotCategorical", [_simplex(4)], "OneHotCategorical", [_simplex(4)]),
    ("Geometric", [_unit(3)], "Geometric", [_unit(3)]),
    ("Uniform", [np.array([0.0, -1.0]), np.array([1.0, 2.0])],
     "Uniform", [np.array([-0.5, 0.0]), np.array([1.5, 3.0])]),
    ("Exponential", [_pos(3)], "Gamma", [_pos(3), _pos(3)]),
    ("Gamma", [_pos(3), _pos(3)], "Exponential", [_pos(3)]),
    ("Normal", [_real(3), _pos(3)], "Laplace", [_real(3), _pos(3)]),
    ("Bernoulli", [_unit(3)], "Poisson", [_pos(3)]),
    ("Normal", [_real(3), _pos(3)], "Uniform", [_real(3) - 3, _pos(3)]),
    ("LogNormal", [_real(3), _pos(3)], "LogNormal", [_real(3), _pos(3)]),
]
_KW = {"Bernoulli": ["probs"], "Categorical": ["probs"], "OneHotCategorical": ["probs"],
       "Geometric": ["probs"]}


def _keywords(name, params):
    return _KW.get(name, [None] * len(params))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("pair", range(len(KL_PAIRS)), ids=[f"{p[0]}-{p[2]}" for p in KL_PAIRS])
def test_kl_against_torch(pair, dtype):
    name_p, params_p, name_q, params_q = KL_PAIRS[pair]
    params_p = [p.astype(dtype) for p in params_p]
    params_q = [p.astype(dtype) for p in params_q]
    n = len(params_p)

    def run(lib, *tensors):
        p = _dist(lib, name_p, tensors[:n], _keywords(name_p, params_p))
        q = _dist(lib, name_q, tensors[n:], _keywords(name_q, params_q))
        return lib.distributions.kl_divergence(p, q)

    check(run, *params_p, *params_q, gradgrad=dtype == np.float64)


def test_kl_multivariate_normal_and_independent():
    a, b = _real(2, 3), _real(3)
    cov, tril = _spd((2,), 3), _tril((), 3)

    def mvn(lib, a, cov, b, tril):
        p = lib.distributions.MultivariateNormal(a, covariance_matrix=cov)
        q = lib.distributions.MultivariateNormal(b, scale_tril=tril)
        return lib.distributions.kl_divergence(p, q)

    check(mvn, a, cov, b, tril)

    def independent(lib, l1, s1, l2, s2):
        p = lib.distributions.Independent(lib.distributions.Normal(l1, s1), 1)
        q = lib.distributions.Independent(lib.distributions.Normal(l2, s2), 1)
        return lib.distributions.kl_divergence(p, q)

    check(independent, _real(2, 3), _pos(2, 3), _real(2, 3), _pos(2, 3))


def test_kl_errors():
    expect_error(lambda lib: lib.distributions.kl_divergence(
        lib.distributions.Normal(0., 1.), lib.distributions.Cauchy(0., 1.)),
        NotImplementedError, "No KL(p || q) is implemented for p type Normal and q type Cauchy")
    expect_error(lambda lib: lib.distributions.kl_divergence(
        lib.distributions.Normal(0., 1.), lib.distributions.Bernoulli(0.3)),
        NotImplementedError, "The cross KL-divergence between different exponential families")

    class MyNormal(D.Normal):
        pass

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return ember.tensor(42.0)

    assert D.kl_divergence(MyNormal(0., 1.), D.Normal(0., 1.)).item() == 42.0
    assert D.kl_divergence(D.Normal(0., 1.), MyNormal(0., 1.)).item() == 0.0
    with pytest.raises(TypeError):
        D.register_kl(int, D.Normal)


def test_independent_and_transformed():
    def independent(lib, loc, scale, value):
        d = lib.distributions.Independent(lib.distributions.Normal(loc, scale), 1)
        assert tuple(d.batch_shape) == (2,) and tuple(d.event_shape) == (3,)
        return d.log_prob(value), d.entropy(), d.mean, d.variance

    check(independent, _real(2, 3), _pos(2, 3), _real(4, 2, 3))

    def transformed(lib, loc, scale, a, b, value):
        dist = lib.distributions
        base = dist.Normal(loc, scale)
        chain = [dist.AffineTransform(a, b), dist.TanhTransform(), dist.AffineTransform(0.5, 0.25),
                 dist.SigmoidTransform(), dist.ExpTransform()]
        d = dist.TransformedDistribution(base, chain)
        composed = dist.TransformedDistribution(base, dist.ComposeTransform(chain))
        return (d.log_prob(value), composed.log_prob(value), d.cdf(value),
                d.icdf(value - 1.5))

    # The chain maps the real line onto (exp(sigmoid(0.25)), exp(sigmoid(0.75))).
    check(transformed, _real(3), _pos(3), _real(3), _pos(3), RNG.uniform(1.76, 1.96, (2, 3)))

    def negative_scale(lib, loc, scale, value):
        dist = lib.distributions
        d = dist.TransformedDistribution(dist.Normal(loc, scale), dist.AffineTransform(1.0, -2.0))
        return d.log_prob(value), d.cdf(value), d.icdf(lib.sigmoid(value))

    check(negative_scale, _real(3), _pos(3), _real(3))


def test_relaxed_against_torch():
    def relaxed(lib, temperature, probs, value, logits, simplex):
        dist = lib.distributions
        b = dist.RelaxedBernoulli(temperature, probs=probs)
        c = dist.RelaxedOneHotCategorical(temperature, logits=logits)
        return b.log_prob(value), c.log_prob(simplex)

    check(relaxed, np.array(0.7), _unit(3), _unit(3), _real(2, 4), _simplex(2, 4))


def test_expand_and_shapes():
    require_torch()
    dists = [lambda lib: lib.distributions.Normal(lib.zeros(3), 1.0),
             lambda lib: lib.distributions.Bernoulli(logits=lib.zeros(3)),
             lambda lib: lib.distributions.Categorical(lib.ones(3, 4)),
             lambda lib: lib.distributions.Dirichlet(lib.ones(3, 4)),
             lambda lib: lib.distributions.MultivariateNormal(lib.zeros(3, 2), lib.eye(2)),
             lambda lib: lib.distributions.Gamma(lib.ones(3), 2.0),
             lambda lib: lib.distributions.Beta(lib.ones(3), 2.0),
             lambda lib: lib.distributions.LogNormal(lib.zeros(3), 1.0),
             lambda lib: lib.distributions.Binomial(4, lib.full((3,), 0.5)),
             lambda lib: lib.distributions.Independent(lib.distributions.Normal(
                 lib.zeros(3, 2), 1.0), 1)]
    for make in dists:
        e, t = make(ember), make(torch)
        for a, b in ((e, t), (e.expand((5, 3)), t.expand((5, 3)))):
            assert tuple(a.batch_shape) == tuple(b.batch_shape)
            assert tuple(a.event_shape) == tuple(b.event_shape)
            assert tuple(a.sample((2,)).shape) == tuple(b.sample((2,)).shape)
            assert tuple(a.sample().shape) == tuple(b.sample().shape)
            assert a.has_rsample == b.has_rsample
            assert repr(a) == repr(b)
            assert repr(a.support) == repr(b.support)
            assert_close(a.mean, b.mean)


STATS = [
    (lambda: D.Normal(ember.tensor([1.0, -2.0]), ember.tensor([0.5, 2.0])), 1.0),
    (lambda: D.Laplace(ember.tensor([1.0]), ember.tensor([0.5])), 1.0),
    (lambda: D.Exponential(ember.tensor([0.5, 3.0])), 1.0),
    (lambda: D.Uniform(ember.tensor([-1.0]), ember.tensor([3.0])), 1.0),
    (lambda: D.Gamma(ember.tensor([0.3, 2.0, 9.0]), ember.tensor([1.0, 0.5, 3.0])), 1.0),
    (lambda: D.Beta(ember.tensor([0.5, 2.0]), ember.tensor([3.0, 2.0])), 1.0),
    (lambda: D.Dirichlet(ember.tensor([0.5, 1.0, 4.0])), 1.0),
    (lambda: D.Poisson(ember.tensor([0.7, 12.0])), 1.0),
    (lambda: D.Binomial(ember.tensor([3.0, 10.0]), ember.tensor([0.2, 0.7])), 1.0),
    (lambda: D.Geometric(ember.tensor([0.3, 0.8])), 1.0),
    (lambda: D.Bernoulli(ember.tensor([0.1, 0.6])), 1.0),
    (lambda: D.OneHotCategorical(ember.tensor([0.2, 0.3, 0.5])), 1.0),
    (lambda: D.LogNormal(ember.tensor([0.0]), ember.tensor([0.3])), 1.0),
    (lambda: D.StudentT(ember.tensor([9.0]), ember.tensor([1.0]), ember.tensor([2.0])), 1.0),
    (lambda: D.MultivariateNormal(ember.tensor([1.0, -1.0]),
                                  ember.tensor([[2.0, 0.5], [0.5, 1.0]])), 1.0),
]


@pytest.mark.parametrize("index", range(len(STATS)))
def test_sample_statistics(index):
    ember.manual_seed(index)
    d = STATS[index][0]()
    n = 20000
    x = d.sample((n,)).double()
    mean, var = d.mean.double(), d.variance.double()
    standard_error = (var / n).sqrt()
    z = ((x.mean(0) - mean) / standard_error).abs()
    assert bool((z < 5).all()), (z, x.mean(0), mean)
    # The sample variance's standard error, from the sample's fourth central moment.
    fourth = ((x - x.mean(0)) ** 4).mean(0)
    var_error = ((fourth - var ** 2) / n).sqrt()
    z = ((x.var(0) - var) / var_error).abs()
    assert bool((z < 5).all()), (z, x.var(0), var)


def test_categorical_frequencies_and_seeding():
    probs = ember.tensor([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    ember.manual_seed(3)
    x = D.Categorical(probs).sample((20000,))
    assert x.dtype == ember.int64 and tuple(x.shape) == (20000, 2)
    freq = ember.stack([(x == k).double().mean(0) for k in range(3)], -1)
    error = (probs.double() * (1 - probs.double()) / 20000).sqrt()
    assert bool((((freq - probs.double()) / error).abs() < 5).all())
    for make in (lambda: D.Normal(0.0, 1.0), lambda: D.Gamma(0.5, 1.0),
                 lambda: D.Categorical(probs), lambda: D.Binomial(5, probs)):
        ember.manual_seed(7)
        first = make().sample((5,))
        ember.manual_seed(7)
        assert ember.equal(first, make().sample((5,)))


@pytest.mark.parametrize("name,params", [
    ("Normal", [_real(3), _pos(3)]), ("Laplace", [_real(3), _pos(3)]),
    ("Cauchy", [_real(3), _pos(3)]), ("Exponential", [_pos(3)]),
    ("Uniform", [_real(3), _pos(3) + 3]), ("LogNormal", [_real(3), _pos(3)]),
])
def test_rsample_gradient_with_shared_noise(name, params):
    """ember's draw, mapped back to its uniform level by the CDF, is pushed through torch's
    icdf: the reparameterized gradients of a function of the draw must agree."""
    require_torch()
    ember.manual_seed(0)
    e_params = [ember.tensor(p, requires_grad=True) for p in params]
    t_params = [torch.tensor(p, requires_grad=True) for p in params]
    e_dist = getattr(D, name)(*e_params)
    t_dist = getattr(torch.distributions, name)(*t_params)
    x = e_dist.rsample((4,))
    level = e_dist.cdf(x).detach()
    y = t_dist.icdf(torch.tensor(level.numpy()))
    assert_close(x, y)
    (x.sin() * x).sum().backward()
    (y.sin() * y).sum().backward()
    for e, t in zip(e_params, t_params):
        assert_close(e.grad, t.grad)


def test_multivariate_normal_rsample_gradient():
    require_torch()
    loc, tril = _real(3), _tril((), 3)
    e_loc, e_tril = ember.tensor(loc, requires_grad=True), ember.tensor(tril, requires_grad=True)
    t_loc, t_tril = torch.tensor(loc, requires_grad=True), torch.tensor(tril, requires_grad=True)
    x = D.MultivariateNormal(e_loc, scale_tril=e_tril).rsample((5,))
    eps = ember.linalg.solve_triangular(e_tril.detach(), (x - e_loc).detach().unsqueeze(-1),
                                        upper=False).squeeze(-1)
    y = t_loc + (t_tril @ torch.tensor(eps.numpy()).unsqueeze(-1)).squeeze(-1)
    assert_close(x, y)
    (x ** 3).sum().backward()
    (y ** 3).sum().backward()
    assert_close(e_loc.grad, t_loc.grad)
    assert_close(e_tril.grad, t_tril.grad)


def test_gamma_rsample_gradient_is_the_implicit_one():
    """dx/dalpha at fixed CDF level, against finite differences of torch's gammainc."""
    require_torch()
    ember.manual_seed(1)
    alpha = ember.tensor([0.3, 1.0, 2.5, 7.0, 30.0], dtype=ember.float64, requires_grad=True)
    x = D.Gamma(alpha, ember.ones(5, dtype=ember.float64)).rsample()
    x.sum().backward()
    a, v = torch.tensor(alpha.detach().numpy()), torch.tensor(x.detach().numpy())
    h = 1e-6
    dcdf_da = (torch.special.gammainc(a + h, v) - torch.special.gammainc(a - h, v)) / (2 * h)
    pdf = torch.exp((a - 1) * v.log() - v - torch.lgamma(a))
    np.testing.assert_allclose(alpha.grad.numpy(), (-dcdf_da / pdf).numpy(), rtol=1e-6)
    assert x.grad_fn is not None


def _mean_and_error(samples):
    return samples.mean(0), samples.std(0) / math.sqrt(samples.shape[0])


def test_beta_and_dirichlet_rsample_gradients_are_unbiased():
    """Per-draw d(draw)/d(concentration), averaged over many draws, matches the derivative of
    the closed-form mean within five standard errors."""
    ember.manual_seed(2)
    n = 8000
    c1 = ember.tensor([0.7, 3.0], dtype=ember.float64).expand(n, 2).clone().requires_grad_()
    c0 = ember.tensor([2.0, 1.5], dtype=ember.float64).expand(n, 2).clone().requires_grad_()
    D.Beta(c1, c0).rsample().sum().backward()
    a, b = c1.detach()[0], c0.detach()[0]
    for grads, expected in ((c1.grad, b / (a + b) ** 2), (c0.grad, -a / (a + b) ** 2)):
        mean, error = _mean_and_error(grads)
        assert bool((((mean - expected) / error).abs() < 5).all()), (mean, expected, error)

    alpha = ember.tensor([0.5, 1.0, 4.0], dtype=ember.float64)
    c = alpha.expand(n, 3).clone().requires_grad_()
    D.Dirichlet(c).rsample()[:, 0].sum().backward()
    total = alpha.sum()
    expected = -alpha[0] / total ** 2 + ember.tensor([1.0, 0.0, 0.0], dtype=ember.float64) / total
    mean, error = _mean_and_error(c.grad)
    assert bool((((mean - expected) / error).abs() < 5).all()), (mean, expected, error)


def test_validation_errors():
    expect_error(lambda lib: lib.distributions.Normal(lib.tensor([0., 1.]), lib.tensor(-1.)),
                 ValueError, "Expected parameter scale (Tensor of shape (2,)) of distribution "
                 "Normal(loc: torch.Size([2]), scale: torch.Size([2])) to satisfy the constraint "
                 "GreaterThan(lower_bound=0.0), but found invalid values:\ntensor([-1., -1.])")
    expect_error(lambda lib: lib.distributions.Bernoulli(probs=0.3).log_prob(lib.tensor(0.5)),
                 ValueError, "Expected value argument (Tensor of shape ()) to be within the "
                 "support (Boolean()) of the distribution Bernoulli(probs: 0.30000001192092896)")
    expect_error(lambda lib: lib.distributions.Normal(0., 1.).log_prob(1.), ValueError,
                 "The value argument to log_prob must be a Tensor")
    expect_error(lambda lib: lib.distributions.Normal(lib.zeros(3), 1.).log_prob(lib.zeros(2)),
                 ValueError, "Value is not broadcastable with batch_shape+event_shape: "
                 "torch.Size([2]) vs torch.Size([3]).")
    expect_error(lambda lib: lib.distributions.Dirichlet(lib.ones(3)).log_prob(lib.ones(2)),
                 ValueError, "The right-most size of value must match event_shape")
    expect_error(lambda lib: lib.distributions.Bernoulli(probs=0.3, logits=1.), ValueError,
                 "Either `probs` or `logits` must be specified, but not both.")
    expect_error(lambda lib: lib.distributions.Categorical(lib.tensor(1.)), ValueError,
                 "`probs` parameter must be at least one-dimensional.")
    expect_error(lambda lib: lib.distributions.Categorical(lib.tensor([0.5, -0.1])),
                 ValueError, "Expected parameter probs")
    expect_error(lambda lib: lib.distributions.Uniform(1., 0.), ValueError,
                 "Expected parameter low (Tensor of shape ()) of distribution Uniform(low: 1.0, "
                 "high: 0.0) to satisfy the constraint LessThan(upper_bound=0.0)")
    expect_error(lambda lib: lib.distributions.Geometric(lib.tensor([0., 0.5])), ValueError,
                 "Expected parameter probs (Tensor of shape (2,)) of distribution "
                 "Geometric(probs: torch.Size([2])) to be positive but found invalid values:")
    expect_error(lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2)), ValueError,
                 "Exactly one of covariance_matrix or precision_matrix or scale_tril")
    expect_error(lambda lib: lib.distributions.MultivariateNormal(
        lib.zeros(2), lib.tensor([[1., 2.], [2., 1.]])), ValueError,
        "Expected parameter covariance_matrix")
    expect_error(lambda lib: lib.distributions.MultivariateNormal(
        lib.zeros(2), scale_tril=lib.tensor([[1., 1.], [0., 1.]])), ValueError,
        "Expected parameter scale_tril")
    expect_error(lambda lib: lib.distributions.Independent(lib.distributions.Normal(0., 1.), 1),
                 ValueError, "Expected reinterpreted_batch_ndims <= len(base_distribution.batch_"
                 "shape), actual 1 vs 0")
    expect_error(lambda lib: lib.distributions.Binomial(lib.tensor([2., 3.]), 0.5).entropy(),
                 NotImplementedError, "Inhomogeneous total count not supported by `entropy`.")
    expect_error(lambda lib: lib.distributions.Poisson(2.).log_prob(lib.tensor(1.5)),
                 ValueError, "Expected value argument")
    expect_error(lambda lib: lib.distributions.TransformedDistribution(
        lib.distributions.Normal(0., 1.), 3), ValueError,
        "transforms must be a Transform or list, but was 3")


def test_validation_switch():
    assert D.Normal(0., -1., validate_args=False).scale.item() == -1.0
    try:
        D.Distribution.set_default_validate_args(False)
        assert math.isnan(D.Normal(0., 1.).log_prob(ember.tensor(0.)).item()) is False
        D.Normal(0., -1.)
        D.Bernoulli(0.3).log_prob(ember.tensor(0.5))
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(0., -1.)
    with pytest.raises(ValueError):
        D.Distribution.set_default_validate_args(2)


def test_reprs_and_constraints():
    require_torch()
    makers = [
        lambda lib: lib.distributions.Normal(lib.tensor([0.]), lib.tensor([1.])),
        lambda lib: lib.distributions.Normal(0., 1.),
        lambda lib: lib.distributions.Bernoulli(logits=lib.tensor([0.3, 0.1])),
        lambda lib: lib.distributions.Categorical(logits=lib.ones(3)),
        lambda lib: lib.distributions.Uniform(0., 1.),
        lambda lib: lib.distributions.Gamma(2., 3.),
        lambda lib: lib.distributions.Beta(1., 1.),
        lambda lib: lib.distributions.StudentT(3.),
        lambda lib: lib.distributions.LogNormal(0., 1.),
        lambda lib: lib.distributions.Poisson(lib.tensor([2.])),
        lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2), scale_tril=lib.eye(2)),
        lambda lib: lib.distributions.Independent(lib.distributions.Normal(lib.zeros(3), 1.), 1),
        lambda lib: lib.distributions.TransformedDistribution(
            lib.distributions.Normal(0., 1.), [lib.distributions.ExpTransform()]),
        lambda lib: lib.distributions.Binomial(5, lib.tensor(0.3)),
    ]
    for make in makers:
        e, t = make(ember), make(torch)
        assert repr(e) == repr(t)
        assert repr(e.support) == repr(t.support)
        assert {k: repr(v) for k, v in e.arg_constraints.items()} == {
            k: repr(v) for k, v in t.arg_constraints.items()}
    transform = lambda lib: lib.distributions.ComposeTransform(  # noqa: E731
        [lib.distributions.ExpTransform(), lib.distributions.AffineTransform(1., 2.),
         lib.distributions.TanhTransform()])
    assert repr(transform(ember)) == repr(transform(torch))
    from torch.distributions import constraints as tc

    from ember.distributions import constraints as ec
    for name in ["boolean", "real", "real_vector", "positive", "nonnegative", "unit_interval",
                 "simplex", "lower_cholesky", "positive_definite", "nonnegative_integer",
                 "one_hot", "positive_integer", "symmetric"]:
        assert repr(getattr(ec, name)) == repr(getattr(tc, name))
        assert getattr(ec, name).event_dim == getattr(tc, name).event_dim
        assert getattr(ec, name).is_discrete == getattr(tc, name).is_discrete
    values = np.array([[-1.0, 0.0], [0.5, 1.0], [2.0, np.nan]])
    for name in ["boolean", "real", "positive", "nonnegative", "unit_interval", "simplex",
                 "one_hot", "nonnegative_integer", "real_vector"]:
        assert np.array_equal(getattr(ec, name).check(ember.tensor(values)).numpy(),
                              getattr(tc, name).check(torch.tensor(values)).numpy()), name
    assert ec.is_dependent(ec.dependent) and not ec.is_dependent(ec.real)
    with pytest.raises(ValueError, match="Cannot determine validity of dependent constraint"):
        ec.dependent.check(ember.tensor(1.))


def test_enumerate_support_and_grad_of_properties():
    require_torch()
    for make in (lambda lib: lib.distributions.Bernoulli(lib.tensor([0.2, 0.5])),
                 lambda lib: lib.distributions.Categorical(lib.ones(2, 3)),
                 lambda lib: lib.distributions.OneHotCategorical(lib.ones(2, 3)),
                 lambda lib: lib.distributions.Binomial(3, lib.tensor([0.2, 0.5]))):
        for expand in (True, False):
            assert_close(make(ember).enumerate_support(expand),
                         make(torch).enumerate_support(expand))

    def lazy(lib, probs, logits):
        b = lib.distributions.Bernoulli(probs=probs)
        c = lib.distributions.Categorical(logits=logits)
        return b.logits, c.probs, lib.distributions.Geometric(probs=probs).logits

    check(lazy, _unit(3), _real(2, 3))

