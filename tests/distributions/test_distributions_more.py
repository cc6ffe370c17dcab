"""The second batch of ember.distributions against torch.distributions: Chi2, HalfNormal,
HalfCauchy, Gumbel, Weibull, Pareto, FisherSnedecor, VonMises, Multinomial, NegativeBinomial,
ContinuousBernoulli, Kumaraswamy, LogisticNormal, LowRankMultivariateNormal,
MixtureSameFamily, OneHotCategoricalStraightThrough; the new transforms, biject_to and
transform_to, and the KL pairs PyTorch registers for them."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.distributions as D
from tests.distributions._draws import Draws, make_distribution
from tests.oracle import assert_close, check, expect_error, require_torch, torch

if torch is not None:
    import torch.distributions  # noqa: F401

DRAWS = Draws(1)
RNG = DRAWS.rng
_pos, _real, _unit, _simplex = DRAWS.pos, DRAWS.real, DRAWS.unit, DRAWS.simplex


_dist = make_distribution


# name, parameters, keyword names (None: positional), values, methods
CASES = [
    ("Chi2", [_pos(3) * 2], [None], _pos(2, 3), ["log_prob", "entropy", "mean", "mode",
                                                 "variance"]),
    ("HalfNormal", [_pos(3)], [None], _pos(2, 3),
     ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance"]),
    ("HalfNormal", [_pos(2, 1)], [None], _pos(3), ["log_prob", "cdf", "entropy"]),
    ("HalfCauchy", [_pos(4)], [None], _pos(4),
     ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance"]),
    ("Gumbel", [_real(3), _pos(3)], [None, None], _real(2, 3),
     ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance", "stddev"]),
    ("Gumbel", [_real(2, 1), _pos(3)], [None, None], _real(3), ["log_prob", "cdf"]),
    ("Weibull", [_pos(3), _pos(3)], [None, None], _pos(2, 3),
     ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance"]),
    ("Weibull", [_pos(3), np.array([0.5, 2.0, 3.0])], [None, None], _pos(3), ["mode"]),
    ("Pareto", [_pos(3) * 0.4, np.array([0.7, 1.5, 3.5])], [None, None], _pos(3) + 1.0,
     ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance"]),
    ("FisherSnedecor", [_pos(4) * 3, np.array([1.5, 3.0, 5.0, 8.0])], [None, None], _pos(2, 4),
     ["log_prob", "mean", "mode", "variance"]),
    ("FisherSnedecor", [np.array([1.0, 3.0, 4.0]), _pos(3) * 5], [None, None], _pos(3),
     ["log_prob", "mode"]),
    ("VonMises", [_real(4), np.array([0.3, 2.0, 3.75, 9.0])], [None, None], _real(2, 4),
     ["log_prob", "mean", "mode", "variance"]),
    ("Multinomial", [7, _simplex(2, 3)], [None, "probs"],
     np.array([[1.0, 2.0, 4.0], [0.0, 7.0, 0.0]]), ["log_prob", "mean", "variance", "entropy"]),
    ("Multinomial", [5, _real(3)], [None, "logits"], np.array([[1.0, 2.0, 2.0]]),
     ["log_prob", "entropy"]),
    ("NegativeBinomial", [_pos(3) * 3, _unit(3)], [None, "probs"],
     np.array([[0.0, 3.0, 11.0], [2.0, 0.0, 1.0]]), ["log_prob", "mean", "mode", "variance"]),
    ("NegativeBinomial", [_pos(3) * 3, _real(3)], [None, "logits"], np.array([0.0, 4.0, 1.0]),
     ["log_prob", "mean", "variance"]),
    # Parameters on both sides of the Taylor band (0.499, 0.501) around 1/2.
    ("ContinuousBernoulli", [np.array([0.1, 0.3, 0.4995, 0.5, 0.7, 0.95])], ["probs"],
     RNG.uniform(0.05, 0.95, (2, 6)),
     ["log_prob", "cdf", "icdf", "entropy", "mean", "variance", "stddev"]),
    # Just outside the band the closed forms cancel badly (in PyTorch too): stay clear of it.
    ("ContinuousBernoulli", [np.array([-2.0, -0.7, 0.4, 1.5])], ["logits"], _unit(4),
     ["log_prob", "cdf", "entropy", "mean", "variance"]),
    ("Kumaraswamy", [_pos(4), _pos(4)], [None, None], _unit(2, 4),
     ["log_prob", "cdf", "icdf", "entropy", "mean", "variance"]),
    ("LogisticNormal", [_real(2, 3), _pos(2, 3)], [None, None], _simplex(2, 4),
     ["log_prob"]),
    ("LowRankMultivariateNormal", [_real(2, 3), _real(2, 3, 2), _pos(2, 3)],
     [None, None, None], _real(4, 2, 3),
     ["log_prob", "entropy", "mean", "mode", "variance", "scale_tril", "covariance_matrix",
      "precision_matrix"]),
    ("LowRankMultivariateNormal", [_real(3), _real(2, 3, 1), _pos(3)], [None, None, None],
     _real(3), ["log_prob", "entropy", "variance"]),
]

ROWS = [(i, method, dtype) for i, case in enumerate(CASES) for method in case[4]
        for dtype in (np.float32, np.float64)]


def _cast(a, dtype):
    if isinstance(a, np.ndarray) and a.dtype.kind == "f":
        return a.astype(dtype)
    return a


@pytest.mark.parametrize("index,method,dtype", ROWS,
                         ids=[f"{CASES[i][0]}{i}-{m}-{d.__name__}" for i, m, d in ROWS])
def test_against_torch(index, method, dtype):
    name, params, keywords, value, _ = CASES[index]
    if method == "icdf":
        value = RNG.uniform(0.05, 0.95, value.shape)
    params = [_cast(p, dtype) for p in params]

    def run(lib, *tensors):
        d = _dist(lib, name, tensors[:len(params)], keywords)
        if method in ("log_prob", "cdf", "icdf"):
            return getattr(d, method)(tensors[-1])
        if method == "entropy":
            return d.entropy()
        return getattr(d, method)

    check(run, *params, _cast(value, dtype), gradgrad=dtype == np.float64)


def test_kumaraswamy_mode():
    """PyTorch 2.13's Kumaraswamy.mode is NaN for every parameter; ember's is the density's
    maximum ((a - 1) / (a b - 1)) ** (1 / a), checked here against a grid search."""
    a = ember.tensor([2.0, 3.0, 1.5, 0.5], dtype=ember.float64)
    b = ember.tensor([3.0, 1.5, 4.0, 2.0], dtype=ember.float64)
    d = D.Kumaraswamy(a, b)
    grid = ember.linspace(0.0005, 0.9995, 1999, dtype=ember.float64).unsqueeze(-1)
    best = grid[d.log_prob(grid).argmax(0)].squeeze(-1)
    mode = d.mode
    assert bool(ember.isnan(mode[3]))
    assert bool(((mode[:3] - best[:3]).abs() < 1e-3).all()), (mode, best)


def test_mixture_same_family_against_torch():
    def univariate(lib, logits, loc, scale, value):
        dist = lib.distributions
        mix = dist.MixtureSameFamily(dist.Categorical(logits=logits), dist.Normal(loc, scale))
        return mix.log_prob(value), mix.cdf(value), mix.mean, mix.variance

    check(univariate, _real(2, 3), _real(2, 3), _pos(2, 3), _real(4, 2))
    check(univariate, _real(3), _real(2, 3), _pos(2, 3), _real(2).astype(np.float32) * 0
          + _real(2), gradgrad=False)

    def multivariate(lib, probs, loc, scale, value):
        dist = lib.distributions
        components = dist.Independent(dist.Normal(loc, scale), 1)
        mix = dist.MixtureSameFamily(dist.Categorical(probs=probs), components)
        return mix.log_prob(value), mix.mean, mix.variance

    check(multivariate, _simplex(4), _real(4, 2), _pos(4, 2), _real(3, 2))


KL_PAIRS = [
    ("Gumbel", [_real(3), _pos(3)], "Gumbel", [_real(3), _pos(3)]),
    ("HalfNormal", [_pos(3)], "HalfNormal", [_pos(3)]),
    ("Pareto", [_pos(3) * 0.5, _pos(3)], "Pareto", [_pos(3) * 0.5, _pos(3)]),
    ("ContinuousBernoulli", [_unit(3)], "ContinuousBernoulli", [_unit(3)]),
    ("Beta", [_pos(3), _pos(3)], "ContinuousBernoulli", [_unit(3)]),
    ("ContinuousBernoulli", [_unit(3)], "Exponential", [_pos(3)]),
    ("ContinuousBernoulli", [_unit(3)], "Normal", [_real(3), _pos(3)]),
    ("ContinuousBernoulli", [_unit(3)], "Uniform", [np.array([-0.5, 0.0, -1.0]),
                                                    np.array([1.5, 2.0, 0.9])]),
    ("Uniform", [np.array([0.2, 0.0, 0.3]), np.array([0.7, 0.5, 1.2])],
     "ContinuousBernoulli", [_unit(3)]),
    ("Exponential", [_pos(3)], "Gumbel", [_real(3), _pos(3)]),
    ("Gamma", [_pos(3), _pos(3)], "Gumbel", [_real(3), _pos(3)]),
    ("Gumbel", [_real(3), _pos(3)], "Normal", [_real(3), _pos(3)]),
    ("Normal", [_real(3), _pos(3)], "Gumbel", [_real(3), _pos(3)]),
    ("Uniform", [_real(3), _pos(3) + 2], "Gumbel", [_real(3), _pos(3)]),
    ("Uniform", [np.array([1.0, 0.5, 2.0]), np.array([2.0, 3.0, 4.0])],
     "Pareto", [np.array([0.8, 0.7, 2.5]), _pos(3)]),
    ("Pareto", [_pos(3), np.array([0.8, 1.5, 3.0])], "Exponential", [_pos(3)]),
    ("Pareto", [_pos(3), np.array([0.8, 1.5, 3.0])], "Gamma", [_pos(3), _pos(3)]),
    ("Pareto", [_pos(3), np.array([1.5, 2.5, 4.0])], "Normal", [_real(3), _pos(3)]),
    ("Normal", [_real(3), _pos(3)], "Pareto", [_pos(3), _pos(3)]),
    ("Gumbel", [_real(3), _pos(3)], "Beta", [_pos(3), _pos(3)]),
    ("Pareto", [_pos(3), _pos(3)], "Uniform", [_real(3), _pos(3) + 3]),
    ("Gamma", [_pos(3), _pos(3)], "ContinuousBernoulli", [_unit(3)]),
]
_KW = {"ContinuousBernoulli": ["probs"]}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("pair", range(len(KL_PAIRS)), ids=[f"{p[0]}-{p[2]}" for p in KL_PAIRS])
def test_kl_against_torch(pair, dtype):
    name_p, params_p, name_q, params_q = KL_PAIRS[pair]
    params_p = [p.astype(dtype) for p in params_p]
    params_q = [p.astype(dtype) for p in params_q]
    n = len(params_p)

    def run(lib, *tensors):
        p = _dist(lib, name_p, tensors[:n], _KW.get(name_p, [None] * n))
        q = _dist(lib, name_q, tensors[n:], _KW.get(name_q, [None] * len(params_q)))
        return lib.distributions.kl_divergence(p, q)

    check(run, *params_p, *params_q, gradgrad=dtype == np.float64)


def test_kl_low_rank_against_torch():
    def run(lib, loc1, w1, d1, loc2, w2, d2, loc3, tril):
        dist = lib.distributions
        p = dist.LowRankMultivariateNormal(loc1, w1, d1)
        q = dist.LowRankMultivariateNormal(loc2, w2, d2)
        m = dist.MultivariateNormal(loc3, scale_tril=tril)
        return (dist.kl_divergence(p, q), dist.kl_divergence(p, m), dist.kl_divergence(m, p))

    tril = np.tril(_real(3, 3), -1) + np.diag(_pos(3))
    check(run, _real(2, 3), _real(2, 3, 2), _pos(2, 3), _real(3), _real(3, 1), _pos(3),
          _real(2, 3), tril)


def _transform(lib, name, *args):
    return getattr(lib.distributions.transforms, name)(*args)


TRANSFORMS = [
    ("PowerTransform", lambda lib: [lib.tensor([0.5, 2.0, -1.5], dtype=lib.float64)], _pos(2, 3)),
    ("SoftplusTransform", lambda lib: [], _real(2, 3)),
    ("StickBreakingTransform", lambda lib: [], _real(2, 3)),
    ("ReshapeTransform", lambda lib: [(2, 3), (3, 2)], _real(4, 2, 3)),
    ("IndependentTransform", lambda lib: [lib.distributions.ExpTransform(), 1], _real(2, 3)),
    ("IndependentTransform", lambda lib: [lib.distributions.StickBreakingTransform(), 1],
     _real(2, 3)),
]


@pytest.mark.parametrize("index", range(len(TRANSFORMS)),
                         ids=[f"{t[0]}{i}" for i, t in enumerate(TRANSFORMS)])
def test_bijective_transforms_against_torch(index):
    name, args, x = TRANSFORMS[index]

    def run(lib, x):
        t = _transform(lib, name, *args(lib))
        y = t(x)
        return y, t.inv(y), t.log_abs_det_jacobian(x, y), t.inv(y.detach() * 1.0)

    check(run, x)
    e, t = _transform(ember, name, *args(ember)), _transform(torch, name, *args(torch))
    assert repr(e) == repr(t)
    assert repr(e.domain) == repr(t.domain) and repr(e.codomain) == repr(t.codomain)
    assert e.bijective == t.bijective
    forward = tuple(t.forward_shape((4, 2, 3)))
    assert tuple(e.forward_shape((4, 2, 3))) == forward
    assert tuple(e.inverse_shape(forward)) == tuple(t.inverse_shape(forward)) == (4, 2, 3)


def test_other_transforms_against_torch():
    def run(lib, x, square, y):
        T = lib.distributions.transforms
        softmax, cholesky, absolute = (T.SoftmaxTransform(), T.LowerCholeskyTransform(),
                                       T.AbsTransform())
        lower = cholesky(square)
        return (softmax(x), softmax.inv(softmax(x)), lower, cholesky.inv(lower), absolute(y),
                absolute.inv(absolute(y)))

    check(run, _real(2, 4), _real(2, 3, 3), _real(5))

    def cat_stack(lib, x):
        T = lib.distributions.transforms
        cat = T.CatTransform([T.ExpTransform(), T.AffineTransform(1.0, 3.0)], dim=-1,
                             lengths=[2, 1])
        stack = T.StackTransform([T.ExpTransform(), T.SoftplusTransform(),
                                  T.AffineTransform(-1.0, 0.5)], dim=1)
        y1, y2 = cat(x), stack(x)
        return (y1, cat.inv(y1), cat.log_abs_det_jacobian(x, y1), y2, stack.inv(y2),
                stack.log_abs_det_jacobian(x, y2))

    check(cat_stack, _real(2, 3))


def test_transformed_distribution_with_new_transforms():
    def run(lib, loc, scale, value, simplex):
        dist = lib.distributions
        soft = dist.TransformedDistribution(dist.Normal(loc, scale), [dist.SoftplusTransform()])
        power = dist.TransformedDistribution(dist.Exponential(scale),
                                             [dist.PowerTransform(lib.tensor(0.5,
                                                                             dtype=lib.float64))])
        stick = dist.TransformedDistribution(dist.Independent(dist.Normal(loc, scale), 1),
                                             dist.StickBreakingTransform())
        return soft.log_prob(value), power.log_prob(value), stick.log_prob(simplex)

    check(run, _real(3), _pos(3), _pos(2, 3), _simplex(2, 4))


CONSTRAINT_MAKERS = [
    lambda c: c.real, lambda c: c.positive, lambda c: c.nonnegative,
    lambda c: c.greater_than(2.0), lambda c: c.greater_than_eq(-1.0), lambda c: c.less_than(3.0),
    lambda c: c.unit_interval, lambda c: c.interval(-1.0, 2.0),
    lambda c: c.half_open_interval(0.0, 1.0), lambda c: c.simplex, lambda c: c.real_vector,
    lambda c: c.independent(c.positive, 2), lambda c: c.lower_cholesky,
]


@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
def test_biject_to_and_transform_to(registry):
    require_torch()
    from torch.distributions import constraints as tc

    from ember.distributions import constraints as ec
    x = _real(2, 3, 3)
    for make in CONSTRAINT_MAKERS:
        try:
            expected = getattr(torch.distributions, registry)(make(tc))
        except NotImplementedError as error:
            with pytest.raises(NotImplementedError, match=str(error)):
                getattr(D, registry)(make(ec))
            continue
        actual = getattr(D, registry)(make(ec))
        assert repr(actual) == repr(expected)
        assert actual.bijective == expected.bijective
        e_y, t_y = actual(ember.tensor(x)), expected(torch.tensor(x))
        assert_close(e_y, t_y)
        assert bool(make(ec).check(e_y).all())
        if registry == "biject_to" and repr(make(ec)) != "LowerCholesky()":
            assert_close(actual.log_abs_det_jacobian(ember.tensor(x), e_y),
                         expected.log_abs_det_jacobian(torch.tensor(x), t_y))


def test_shapes_expand_reprs_and_supports():
    require_torch()
    makers = [
        lambda lib: lib.distributions.Chi2(lib.full((3,), 2.0)),
        lambda lib: lib.distributions.Chi2(3.0),
        lambda lib: lib.distributions.HalfNormal(lib.ones(3)),
        lambda lib: lib.distributions.HalfCauchy(lib.ones(3)),
        lambda lib: lib.distributions.Gumbel(lib.zeros(3), 2.0),
        lambda lib: lib.distributions.Weibull(lib.ones(3), 2.0),
        lambda lib: lib.distributions.Pareto(lib.ones(3), 3.0),
        lambda lib: lib.distributions.FisherSnedecor(lib.full((3,), 5.0), 6.0),
        lambda lib: lib.distributions.VonMises(lib.zeros(3), lib.ones(3)),
        lambda lib: lib.distributions.Multinomial(4, lib.ones(3, 2)),
        lambda lib: lib.distributions.NegativeBinomial(lib.full((3,), 3.0), lib.full((3,), 0.4)),
        lambda lib: lib.distributions.NegativeBinomial(3.0, lib.tensor(0.3)),
        lambda lib: lib.distributions.ContinuousBernoulli(lib.full((3,), 0.3)),
        lambda lib: lib.distributions.ContinuousBernoulli(0.3),
        lambda lib: lib.distributions.Kumaraswamy(lib.ones(3), 2.0),
        lambda lib: lib.distributions.LogisticNormal(lib.zeros(3, 2), 1.0),
        lambda lib: lib.distributions.LowRankMultivariateNormal(lib.zeros(3, 2),
                                                                lib.ones(2, 1), lib.ones(2)),
        lambda lib: lib.distributions.MixtureSameFamily(
            lib.distributions.Categorical(lib.ones(3, 2)),
            lib.distributions.Normal(lib.zeros(3, 2), 1.0)),
        lambda lib: lib.distributions.OneHotCategoricalStraightThrough(lib.ones(3, 4)),
    ]
    for make in makers:
        e, t = make(ember), make(torch)
        pairs = [(e, t)]
        if len(t.batch_shape) == 1:
            pairs.append((e.expand((5, 3)), t.expand((5, 3))))
        for a, b in pairs:
            assert repr(a) == repr(b)
            assert tuple(a.batch_shape) == tuple(b.batch_shape)
            assert tuple(a.event_shape) == tuple(b.event_shape)
            assert tuple(a.sample((2,)).shape) == tuple(b.sample((2,)).shape)
            assert tuple(a.sample().shape) == tuple(b.sample().shape)
            assert a.sample().dtype == ember.float32
            assert a.has_rsample == b.has_rsample
            assert repr(a.support) == repr(b.support)
            assert {k: repr(v) for k, v in a.arg_constraints.items()} == {
                k: repr(v) for k, v in b.arg_constraints.items()}
            try:
                expected_mean = b.mean
            except NotImplementedError:  # LogisticNormal has no closed-form mean
                with pytest.raises(NotImplementedError):
                    a.mean
                continue
            if not isinstance(b, torch.distributions.VonMises):
                assert_close(a.mean, expected_mean)


STATS = [
    lambda: D.Chi2(ember.tensor([1.0, 4.0])),
    lambda: D.HalfNormal(ember.tensor([0.5, 2.0])),
    lambda: D.Gumbel(ember.tensor([1.0]), ember.tensor([2.0])),
    lambda: D.Weibull(ember.tensor([1.0, 2.0]), ember.tensor([1.5, 3.0])),
    lambda: D.Pareto(ember.tensor([1.0]), ember.tensor([5.0])),
    lambda: D.FisherSnedecor(ember.tensor([6.0]), ember.tensor([12.0])),
    lambda: D.VonMises(ember.tensor([0.5, -1.0, 0.0]), ember.tensor([0.5, 4.0, 1e-6])),
    lambda: D.Multinomial(6, ember.tensor([0.2, 0.3, 0.5])),
    lambda: D.NegativeBinomial(ember.tensor([3.0, 0.5]), ember.tensor([0.4, 0.7])),
    lambda: D.ContinuousBernoulli(ember.tensor([0.2, 0.5, 0.9])),
    lambda: D.Kumaraswamy(ember.tensor([2.0, 0.7]), ember.tensor([3.0, 1.5])),
    lambda: D.LowRankMultivariateNormal(ember.tensor([1.0, -1.0]),
                                        ember.tensor([[1.0], [0.5]]), ember.tensor([0.5, 1.0])),
    lambda: D.MixtureSameFamily(D.Categorical(ember.tensor([0.3, 0.7])),
                                D.Normal(ember.tensor([-2.0, 1.0]), ember.tensor([0.5, 1.0]))),
    lambda: D.OneHotCategoricalStraightThrough(ember.tensor([0.2, 0.3, 0.5])),
]


def _circular_moments(x):
    return ember.stack([x.cos(), x.sin()], -1)


@pytest.mark.parametrize("index", range(len(STATS)))
def test_sample_statistics(index):
    ember.manual_seed(index)
    d = STATS[index]()
    n = 20000
    x = d.sample((n,)).double()
    assert bool(d.support.check(x.to(d.mean.dtype)).all())
    if isinstance(d, D.VonMises):
        # E[cos(X - loc)] = I1(k) / I0(k) = 1 - circular variance; E[sin(X - loc)] = 0.
        centred = x - d.loc.double()
        z = _circular_moments(centred)
        expected = ember.stack([1 - d.variance.double(), ember.zeros(3, dtype=ember.float64)],
                               -1)
        error = z.std(0) / n ** 0.5
        assert bool((((z.mean(0) - expected) / error).abs() < 5).all()), (z.mean(0), expected)
        assert bool(((x >= -np.pi) & (x < np.pi)).all())
        return
    mean, var = d.mean.double(), d.variance.double()
    z = ((x.mean(0) - mean) / (var / n).sqrt()).abs()
    assert bool((z < 5).all()), (z, x.mean(0), mean)
    fourth = ((x - x.mean(0)) ** 4).mean(0)
    z = ((x.var(0) - var) / ((fourth - var ** 2) / n).sqrt()).abs()
    assert bool((z < 5).all()), (z, x.var(0), var)


def test_seeded_determinism_and_rsample_gradients():
    for make in STATS:
        ember.manual_seed(11)
        first = make().sample((4,))
        ember.manual_seed(11)
        assert ember.equal(first, make().sample((4,)))
    require_torch()
    probs = ember.tensor([0.2, 0.3, 0.5], requires_grad=True)
    t_probs = torch.tensor([0.2, 0.3, 0.5], requires_grad=True)
    draw = D.OneHotCategoricalStraightThrough(probs).rsample((5,))
    t_draw = torch.distributions.OneHotCategoricalStraightThrough(t_probs).rsample((5,))
    assert bool(((draw == 0) | (draw == 1)).all()) and bool((draw.sum(-1) == 1).all())
    assert draw.grad_fn is not None
    (draw * ember.tensor([1.0, 2.0, 3.0])).sum().backward()
    (t_draw * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert_close(probs.grad, t_probs.grad)  # the draws differ; the gradient does not


@pytest.mark.parametrize("name,params", [
    ("HalfNormal", [_pos(3)]), ("HalfCauchy", [_pos(3)]), ("Gumbel", [_real(3), _pos(3)]),
    ("Weibull", [_pos(3), _pos(3)]), ("Pareto", [_pos(3), _pos(3)]),
    ("Kumaraswamy", [_pos(3), _pos(3)]), ("ContinuousBernoulli", [_unit(3)]),
])
def test_rsample_gradient_with_shared_noise(name, params):
    """ember's draw, mapped to its uniform level by its CDF, goes through torch's icdf: the
    reparameterized gradients of a function of the draw agree."""
    require_torch()
    ember.manual_seed(0)
    e_params = [ember.tensor(p, requires_grad=True) for p in params]
    t_params = [torch.tensor(p, requires_grad=True) for p in params]
    e_dist = getattr(D, name)(*e_params)
    t_dist = getattr(torch.distributions, name)(*t_params)
    x = e_dist.rsample((4,))
    y = t_dist.icdf(torch.tensor(e_dist.cdf(x).detach().numpy()))
    assert_close(x, y)
    (x.sin() * x).sum().backward()
    (y.sin() * y).sum().backward()
    for e, t in zip(e_params, t_params):
        assert_close(e.grad, t.grad)


def test_validation_errors():
    dist = "distributions"
    expect_error(lambda lib: getattr(lib, dist).Chi2(lib.tensor([-1.0, 2.0])), ValueError,
                 "Expected parameter df (Tensor of shape (2,)) of distribution Chi2() to "
                 "satisfy the constraint GreaterThan(lower_bound=0.0)")
    expect_error(lambda lib: getattr(lib, dist).HalfNormal(-1.0), ValueError,
                 "Expected parameter scale")
    expect_error(lambda lib: getattr(lib, dist).HalfNormal(1.0).log_prob(lib.tensor(-1.0)),
                 ValueError, "Expected value argument (Tensor of shape ()) to be within the "
                 "support (GreaterThanEq(lower_bound=0.0))")
    expect_error(lambda lib: getattr(lib, dist).Pareto(2.0, 1.0).log_prob(lib.tensor(1.0)),
                 ValueError, "Expected value argument")
    expect_error(lambda lib: getattr(lib, dist).Gumbel(0.0, lib.tensor([1.0, 0.0])),
                 ValueError, "Expected parameter scale (Tensor of shape (2,)) of distribution "
                 "Gumbel(loc: torch.Size([2]), scale: torch.Size([2]))")
    expect_error(lambda lib: getattr(lib, dist).Multinomial(lib.tensor(3), lib.ones(3)),
                 NotImplementedError, "inhomogeneous total_count is not supported")
    expect_error(lambda lib: getattr(lib, dist).Multinomial(3, lib.ones(3)).log_prob(
        lib.tensor([1.0, 2.0, 2.0])), ValueError, "Expected value argument")
    expect_error(lambda lib: getattr(lib, dist).NegativeBinomial(3.0, lib.tensor(1.0)),
                 ValueError, "Expected parameter probs")
    expect_error(lambda lib: getattr(lib, dist).NegativeBinomial(3.0), ValueError,
                 "Either `probs` or `logits` must be specified, but not both.")
    expect_error(lambda lib: getattr(lib, dist).ContinuousBernoulli(lib.tensor([1.5]),
                                                                         validate_args=True),
                 ValueError, "The parameter probs has invalid values")
    expect_error(lambda lib: getattr(lib, dist).VonMises(lib.tensor(0.0), lib.tensor(-1.0)),
                 ValueError, "Expected parameter concentration")
    expect_error(lambda lib: getattr(lib, dist).LowRankMultivariateNormal(
        lib.zeros(3), lib.ones(2, 1), lib.ones(3)), ValueError,
        "cov_factor must be a batch of matrices with shape 3 x m")
    expect_error(lambda lib: getattr(lib, dist).LowRankMultivariateNormal(
        lib.zeros(3), lib.ones(3), lib.ones(3)), ValueError,
        "cov_factor must be at least two-dimensional")
    expect_error(lambda lib: getattr(lib, dist).LowRankMultivariateNormal(
        lib.zeros(3), lib.ones(3, 1), lib.ones(2)), ValueError,
        "cov_diag must be a batch of vectors with shape torch.Size([3])")
    expect_error(lambda lib: getattr(lib, dist).LowRankMultivariateNormal(
        lib.zeros(3), lib.zeros(3, 1), lib.tensor([-1.0, 1.0, 1.0])), ValueError,
        "Expected parameter cov_diag")
    expect_error(lambda lib: getattr(lib, dist).MixtureSameFamily(
        getattr(lib, dist).Normal(0.0, 1.0), getattr(lib, dist).Normal(0.0, 1.0)), ValueError,
        " The Mixture distribution needs to be an  instance of torch.distributions.Categorical")
    expect_error(lambda lib: getattr(lib, dist).MixtureSameFamily(
        getattr(lib, dist).Categorical(lib.ones(3)),
        getattr(lib, dist).Normal(lib.zeros(2), 1.0)), ValueError,
        "`mixture_distribution component` (3) does not equal "
        "`component_distribution.batch_shape[-1]` (2)")
    expect_error(lambda lib: getattr(lib, dist).MixtureSameFamily(
        getattr(lib, dist).Categorical(lib.ones(3, 2)),
        getattr(lib, dist).Normal(lib.zeros(4, 2), 1.0)), ValueError,
        "`mixture_distribution.batch_shape` (torch.Size([3])) is not compatible with "
        "`component_distribution.batch_shape`(torch.Size([4]))")
    expect_error(lambda lib: lib.distributions.transforms.ReshapeTransform((2, 3), (5,)),
                 ValueError, "in_shape, out_shape have different numbers of elements")
    expect_error(lambda lib: lib.distributions.biject_to(
        lib.distributions.constraints.positive_definite), NotImplementedError,
        "Cannot transform _PositiveDefinite constraints")
    expect_error(lambda lib: lib.distributions.kl_divergence(
        lib.distributions.LowRankMultivariateNormal(lib.zeros(2), lib.ones(2, 1), lib.ones(2)),
        lib.distributions.LowRankMultivariateNormal(lib.zeros(3), lib.ones(3, 1), lib.ones(3))),
        ValueError, "KL-divergence between two Low Rank Multivariate Normals with" + " " * 26
        + "different event shapes cannot be computed")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cdf_of_gamma_family(dtype):
    """Gamma and Chi2 take their CDF from ember.special.gammainc. PyTorch has no derivative
    of gammainc in its first argument, so only the value carries a gradient here."""
    params = [(_pos(3) * 2).astype(dtype), _pos(3).astype(dtype), _pos(3).astype(dtype)]

    def run(lib, value):
        df, concentration, rate = (lib.tensor(p) for p in params)
        return (lib.distributions.Chi2(df).cdf(value),
                lib.distributions.Gamma(concentration, rate).cdf(value))

    check(run, _pos(2, 3).astype(dtype), gradgrad=False)
