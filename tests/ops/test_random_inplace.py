"""Random sampling: the in-place fills (normal_, uniform_, bernoulli_, random_, exponential_,
geometric_, log_normal_, cauchy_), bernoulli/multinomial/poisson/normal, and a few small
Tensor methods (type_as, storage_offset, is_nonzero, is_floating_point, apply_).

ember's random streams are not PyTorch's, so samples are checked by statistics whose tolerances
come from the sample size (a mean within 5 standard errors, a chi-square below its 1 - 1e-6
quantile), by ranges and dtypes, and by determinism under a seed. Errors, node names, version
counters and writes through views are compared with PyTorch.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import ember
from oracle import require_torch

N = 20000
Z = 5.0  # standard errors allowed for a mean; a failure by chance is about 1 in 1.7 million


@pytest.fixture(autouse=True)
def _seeded():
    # Each test starts from the same state, so a run is repeatable whatever the test order.
    ember.manual_seed(0)


def _values(t):
    return t.detach().numpy().astype(np.float64)


def _assert_mean(values, mean, std, what=""):
    error = Z * std / math.sqrt(values.size)
    assert abs(values.mean() - mean) < error, f"{what}: mean {values.mean()} vs {mean} ± {error}"


def _assert_variance(values, variance, kurtosis=3.0, what=""):
    # The sample variance's standard error is sigma^2 * sqrt((kurtosis - 1) / n).
    error = Z * variance * math.sqrt((kurtosis - 1) / values.size)
    assert abs(values.var() - variance) < error, \
        f"{what}: variance {values.var()} vs {variance} ± {error}"


def _chi_square_critical(df):
    """The 1 - 1e-6 quantile of chi-square(df) (Wilson-Hilferty's normal approximation)."""
    z = 4.75
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3


def _assert_frequencies(samples, probabilities):
    """Pearson's chi-square test of integer ``samples`` against ``probabilities``."""
    samples = np.asarray(samples).ravel().astype(np.int64)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    probabilities = probabilities / probabilities.sum()
    counts = np.bincount(samples, minlength=probabilities.size)
    assert counts.size == probabilities.size, "a sample outside the categories"
    assert not counts[probabilities == 0].any(), "a zero-probability category was drawn"
    used = probabilities > 0
    expected = samples.size * probabilities[used]
    chi2 = ((counts[used] - expected) ** 2 / expected).sum()
    df = max(int(used.sum()) - 1, 1)
    assert chi2 < _chi_square_critical(df), f"chi-square {chi2} with {df} dof: {counts}"


# --- statistics of each fill ----------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_normal_mean_and_variance(dtype):
    x = ember.empty(N, dtype=getattr(ember, dtype)).normal_(2.0, 3.0)
    assert x.dtype == getattr(ember, dtype)
    v = _values(x)
    _assert_mean(v, 2.0, 3.0)
    _assert_variance(v, 9.0)


def test_normal_defaults_and_keywords():
    v = _values(ember.empty(N).normal_())
    _assert_mean(v, 0.0, 1.0)
    _assert_variance(v, 1.0)
    v = _values(ember.empty(N).normal_(mean=-1, std=0.5))
    _assert_mean(v, -1.0, 0.5)
    assert (_values(ember.empty(5).normal_(4.0, 0.0)) == 4.0).all()


def test_normal_float16():
    x = ember.empty(N, dtype=ember.float16).normal_(1.0, 2.0)
    assert x.dtype == ember.float16
    _assert_mean(_values(x), 1.0, 2.0)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_uniform_range_and_moments(dtype):
    x = ember.empty(N, dtype=getattr(ember, dtype)).uniform_(-2.0, 3.0)
    assert x.dtype == getattr(ember, dtype)
    v = _values(x)
    assert v.min() >= -2.0 and v.max() < 3.0
    _assert_mean(v, 0.5, 5.0 / math.sqrt(12))
    _assert_variance(v, 25.0 / 12, kurtosis=1.8)
    # Tenths of the range are equally likely.
    _assert_frequencies(np.minimum(((v + 2.0) / 0.5).astype(int), 9), np.ones(10))


def test_uniform_defaults_keywords_and_narrow_range():
    v = _values(ember.empty(N).uniform_())
    assert v.min() >= 0.0 and v.max() < 1.0
    v = _values(ember.empty(N).uniform_(**{"from": 5.0, "to": 6.0}))
    assert v.min() >= 5.0 and v.max() < 6.0
    assert (_values(ember.empty(4).uniform_(1.5, 1.5)) == 1.5).all()
    # A range one float32 step wide: the half-open interval leaves one value.
    top = float(np.nextafter(np.float32(1.0), np.float32(2.0)))
    assert (_values(ember.empty(100).uniform_(1.0, top)) == 1.0).all()


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "uint8", "bool"])
def test_bernoulli_scalar_frequencies(dtype):
    x = ember.empty(N, dtype=getattr(ember, dtype)).bernoulli_(0.3)
    assert x.dtype == getattr(ember, dtype)
    _assert_frequencies(_values(x), [0.7, 0.3])


def test_bernoulli_tensor_p_per_element():
    p = ember.tensor([0.0, 0.1, 0.5, 0.9, 1.0], dtype=ember.float64)
    x = ember.empty(N // 5, 5).bernoulli_(p)  # p broadcast over the rows
    v = _values(x)
    assert (v[:, 0] == 0).all() and (v[:, 4] == 1).all()
    for column, q in ((1, 0.1), (2, 0.5), (3, 0.9)):
        _assert_mean(v[:, column], q, math.sqrt(q * (1 - q)), f"column {column}")
    assert ember.zeros(3).bernoulli_(ember.tensor(1.0)).tolist() == [1.0, 1.0, 1.0]
    assert ember.zeros(3, dtype=ember.int32).bernoulli_(ember.tensor([1.0, 0.0, 1.0])).tolist() \
        == [1, 0, 1]


@pytest.mark.parametrize("dtype, top", [("bool", 1), ("uint8", 255), ("int8", 127),
                                        ("int16", 32767), ("int32", 2 ** 31 - 1),
                                        ("int64", 2 ** 63 - 1), ("float16", 2 ** 11),
                                        ("float32", 2 ** 24), ("float64", 2 ** 53)])
def test_random_default_range(dtype, top):
    x = ember.zeros(N, dtype=getattr(ember, dtype)).random_()
    assert x.dtype == getattr(ember, dtype)
    values = x.numpy()
    low, high = int(values.min()), int(values.max())
    assert 0 <= low and high <= top
    assert high > top // 2  # the top half is reached (a miss has chance 2**-20000)
    if dtype in ("bool", "uint8", "int8"):
        assert np.unique(values).size == top + 1  # every value, both ends included
    if values.dtype.kind == "f":
        assert (values == np.floor(values)).all()


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64", "float16",
                                   "float32", "float64"])
def test_random_from_to_uniform(dtype):
    low = 0 if dtype == "uint8" else -3
    x = ember.zeros(N, dtype=getattr(ember, dtype)).random_(low, low + 7)
    assert x.dtype == getattr(ember, dtype)
    _assert_frequencies(x.numpy().astype(np.int64) - low, np.ones(7))
    y = ember.zeros(N, dtype=getattr(ember, dtype)).random_(5)
    _assert_frequencies(y.numpy().astype(np.int64), np.ones(5))


def test_random_keywords_and_open_top():
    assert set(ember.zeros(N).random_(to=3).tolist()) == {0.0, 1.0, 2.0}
    assert set(ember.zeros(N).random_(1, to=3).tolist()) == {1.0, 2.0}
    values = ember.zeros(N, dtype=ember.int8).random_(-3, None).numpy()
    assert values.min() == -3 and values.max() == 127
    values = ember.zeros(N, dtype=ember.float16).random_(-3, None).numpy()
    assert values.min() >= -3 and values.max() <= 2048
    assert (ember.zeros(3, dtype=ember.int8).random_(127, None).numpy() == 127).all()
    assert (ember.zeros(3, dtype=ember.bool).random_(1, 2).numpy()).all()
    full = ember.zeros(N, dtype=ember.int64).random_(-2 ** 63, None).numpy()
    assert full.min() < -2 ** 62 and full.max() > 2 ** 62


def test_exponential():
    v = _values(ember.empty(N, dtype=ember.float64).exponential_(2.0))
    assert v.min() >= 0
    _assert_mean(v, 0.5, 0.5)
    _assert_variance(v, 0.25, kurtosis=9.0)
    _assert_mean(_values(ember.empty(N).exponential_(lambd=0.5)), 2.0, 2.0)


@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8"])
def test_geometric(dtype):
    x = ember.empty(N, dtype=getattr(ember, dtype)).geometric_(0.25)
    assert x.dtype == getattr(ember, dtype)
    v = _values(x)
    assert v.min() >= 1 and (v == np.floor(v)).all()
    _assert_mean(v, 4.0, math.sqrt(0.75) / 0.25)
    # P(X = k) = (1 - p)^(k - 1) p for k = 1, 2, 3 and the rest lumped.
    k = np.minimum(v.astype(np.int64), 4) - 1
    pk = [0.25, 0.75 * 0.25, 0.75 ** 2 * 0.25]
    _assert_frequencies(k, pk + [1 - sum(pk)])


def test_log_normal():
    v = _values(ember.empty(N, dtype=ember.float64).log_normal_(0.5, 0.25))
    assert v.min() > 0
    _assert_mean(np.log(v), 0.5, 0.25)
    _assert_variance(np.log(v), 0.0625)
    _assert_mean(np.log(_values(ember.empty(N).log_normal_())), 1.0, 2.0)  # mean=1, std=2


def test_cauchy():
    v = _values(ember.empty(N, dtype=ember.float64).cauchy_(3.0, 2.0))
    # Quartiles are median ∓ sigma: each quarter holds a quarter of the samples.
    quarter = np.digitize(v, [1.0, 3.0, 5.0])
    _assert_frequencies(quarter, np.ones(4))
    assert np.isfinite(_values(ember.empty(N).cauchy_())).mean() > 0.99


# --- determinism ----------------------------------------------------------------------------------
FILLS = {
    "normal_": lambda t, **g: t.normal_(0, 1, **g),
    "uniform_": lambda t, **g: t.uniform_(-1, 1, **g),
    "bernoulli_": lambda t, **g: t.bernoulli_(0.5, **g),
    "bernoulli_tensor": lambda t, **g: t.bernoulli_(ember.full((6,), 0.5), **g),
    "random_": lambda t, **g: t.random_(0, 100, **g),
    "exponential_": lambda t, **g: t.exponential_(1.0, **g),
    "geometric_": lambda t, **g: t.geometric_(0.3, **g),
    "log_normal_": lambda t, **g: t.log_normal_(0, 1, **g),
    "cauchy_": lambda t, **g: t.cauchy_(0, 1, **g),
}


@pytest.mark.parametrize("name", sorted(FILLS))
def test_seeded_default_generator_repeats(name):
    ember.manual_seed(123)
    first = FILLS[name](ember.empty(6)).tolist()
    second = FILLS[name](ember.empty(6)).tolist()
    ember.manual_seed(123)
    assert FILLS[name](ember.empty(6)).tolist() == first
    assert FILLS[name](ember.empty(6)).tolist() == second
    ember.manual_seed(124)
    assert [FILLS[name](ember.empty(6)).tolist() for _ in range(3)] != [first] * 3


@pytest.mark.parametrize("name", sorted(FILLS))
def test_explicit_generator_repeats_and_leaves_default_alone(name):
    ember.manual_seed(7)
    expected_default = ember.rand(3).tolist()
    ember.manual_seed(7)
    g = ember.Generator().manual_seed(99)
    a = FILLS[name](ember.empty(6), generator=g).tolist()
    assert ember.rand(3).tolist() == expected_default  # the default stream did not move
    g.manual_seed(99)
    assert FILLS[name](ember.empty(6), generator=g).tolist() == a


FUNCTIONS = {
    "bernoulli": lambda **g: ember.bernoulli(ember.full((50,), 0.5), **g),
    "bernoulli_p": lambda **g: ember.bernoulli(ember.zeros(50), 0.5, **g),
    "multinomial": lambda **g: ember.multinomial(ember.ones(2, 10), 5, **g),
    "multinomial_replacement": lambda **g: ember.multinomial(ember.ones(10), 20, True, **g),
    "poisson": lambda **g: ember.poisson(ember.full((50,), 3.0), **g),
    "normal_tensors": lambda **g: ember.normal(ember.zeros(50), ember.ones(50), **g),
    "normal_size": lambda **g: ember.normal(0.0, 1.0, (50,), **g),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_functions_repeat_under_seed_and_generator(name):
    ember.manual_seed(5)
    a = FUNCTIONS[name]().tolist()
    ember.manual_seed(5)
    assert FUNCTIONS[name]().tolist() == a
    g = ember.Generator().manual_seed(11)
    b = FUNCTIONS[name](generator=g).tolist()
    assert FUNCTIONS[name](generator=g.manual_seed(11)).tolist() == b
    assert FUNCTIONS[name](generator=ember.Generator().manual_seed(12)).tolist() != b


# --- writes, versions, autograd -------------------------------------------------------------------
ALL_FILLS = {
    "normal_": lambda t: t.normal_(), "uniform_": lambda t: t.uniform_(),
    "bernoulli_": lambda t: t.bernoulli_(), "random_": lambda t: t.random_(5),
    "exponential_": lambda t: t.exponential_(), "geometric_": lambda t: t.geometric_(0.5),
    "log_normal_": lambda t: t.log_normal_(), "cauchy_": lambda t: t.cauchy_(),
}


@pytest.mark.parametrize("name", sorted(ALL_FILLS))
def test_fill_returns_self_and_bumps_version(name):
    x = ember.full((4, 5), -7.0)
    version = x._version
    assert ALL_FILLS[name](x) is x
    assert x._version == version + 1
    assert (x.numpy() != -7.0).any()


@pytest.mark.parametrize("name", sorted(ALL_FILLS))
def test_fill_through_view_changes_base(name):
    base = ember.full((4, 6), -7.0)
    view = base[1:3, ::2]
    ALL_FILLS[name](view)
    b = base.numpy()
    inside = np.zeros((4, 6), bool)
    inside[1:3, ::2] = True
    assert (b[~inside] == -7.0).all()  # nothing outside the view was touched
    assert (b[inside] != -7.0).any()
    assert base._version == view._version == 1


def test_fill_through_transposed_and_flat_views():
    base = ember.zeros(3, 4)
    base.t()[1].fill_(0.0)
    base.t()[1].uniform_(5, 6)
    assert (base.numpy()[:, 1] >= 5).all() and (np.delete(base.numpy(), 1, 1) == 0).all()
    base.view(-1)[:2].random_(10, 11)
    assert base.numpy()[0, :2].tolist() == [10.0, 10.0]


def test_expanded_tensor_is_refused():
    require_torch()
    import torch

    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="unsupported operation: more than one element"):
            lib.zeros(3, 1).expand(3, 4).normal_()


@pytest.mark.parametrize("name", sorted(ALL_FILLS))
def test_leaf_requiring_grad_is_refused_like_torch(name):
    torch = require_torch()
    for lib in (ember, torch):
        x = lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad is being "
                                               "used in an in-place operation."):
            ALL_FILLS[name](x)
        with pytest.raises(RuntimeError, match="^a view of a leaf Variable that requires grad"):
            ALL_FILLS[name](x[:2])
        with lib.no_grad():
            ALL_FILLS[name](x)
        assert x.requires_grad and x.grad_fn is None


def test_leaf_check_comes_before_argument_checks():
    torch = require_torch()
    for lib in (ember, torch):
        x = lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="^a leaf Variable"):
            x.normal_(0, -1)


def test_init_style_fill_of_a_parameter():
    w = ember.nn.Parameter(ember.empty(64, 32))
    with ember.no_grad():
        w.normal_(0, 0.01)
        b = ember.nn.Parameter(ember.empty(64))
        b.uniform_(-0.1, 0.1)
    assert w.requires_grad and w.grad_fn is None and w._version == 1
    v = _values(w).ravel()
    _assert_mean(v, 0.0, 0.01)
    assert abs(v.std() - 0.01) < 0.001
    assert (_values(b).min() >= -0.1) and (_values(b).max() < 0.1)


NODE_FILLS = {
    "normal_": lambda t, L: t.normal_(), "uniform_": lambda t, L: t.uniform_(),
    "bernoulli_": lambda t, L: t.bernoulli_(0.5),
    "bernoulli_tensor": lambda t, L: t.bernoulli_(L.full((3,), 0.5)),
    "random_from_to": lambda t, L: t.random_(0, 5), "random_to": lambda t, L: t.random_(5),
    "random_": lambda t, L: t.random_(), "exponential_": lambda t, L: t.exponential_(),
    "geometric_": lambda t, L: t.geometric_(0.5), "log_normal_": lambda t, L: t.log_normal_(),
    "cauchy_": lambda t, L: t.cauchy_(),
}


@pytest.mark.parametrize("name", sorted(NODE_FILLS))
def test_non_leaf_records_torch_node_with_zero_gradient(name):
    torch = require_torch()
    results = {}
    for lib in (ember, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        out = NODE_FILLS[name](y, lib)
        assert out is y and y.requires_grad
        node = type(y.grad_fn).__name__
        (y * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        results[lib] = (node, x.grad.tolist())
    assert results[ember] == results[torch]
    assert results[ember][1] == [0.0, 0.0, 0.0]


def test_non_leaf_view_rebases_base_like_torch():
    torch = require_torch()
    results = {}
    for lib in (ember, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        y[1:].normal_()
        y.sum().backward()
        results[lib] = (type(y.grad_fn).__name__, x.grad.tolist())
    assert results[ember] == results[torch] == ("CopySlices", [2.0, 0.0, 0.0])


def test_tensor_p_requiring_grad_makes_result_require_grad():
    torch = require_torch()
    for lib in (ember, torch):
        p = lib.full((3,), 0.5, requires_grad=True)
        y = lib.zeros(3).bernoulli_(p)
        assert y.requires_grad and type(y.grad_fn).__name__ == "BernoulliBackward1"
        y.sum().backward()
        assert p.grad.tolist() == [0.0, 0.0, 0.0]


# --- errors against torch -------------------------------------------------------------------------
ERRORS = {
    "normal_negative_std": lambda L: L.ones(3).normal_(0, -1),
    "normal_nan_std": lambda L: L.ones(3).normal_(0, float("nan")),
    "normal_int": lambda L: L.ones(3, dtype=L.int64).normal_(),
    "normal_bool": lambda L: L.ones(3, dtype=L.bool).normal_(),
    "normal_int_negative_std": lambda L: L.ones(3, dtype=L.int32).normal_(0, -1),
    "normal_str": lambda L: L.ones(3).normal_("a"),
    "uniform_reversed": lambda L: L.ones(3).uniform_(2, 1),
    "uniform_int": lambda L: L.ones(3, dtype=L.int32).uniform_(3, 1),
    "uniform_inf": lambda L: L.ones(3).uniform_(0, float("inf")),
    "uniform_nan": lambda L: L.ones(3).uniform_(float("nan"), 1),
    "uniform_half_bounds": lambda L: L.ones(3, dtype=L.float16).uniform_(-1e5, 1),
    "uniform_too_wide": lambda L: L.ones(3).uniform_(-3.4e38, 3.4e38),
    "uniform_too_wide_double": lambda L: L.ones(3, dtype=L.float64).uniform_(-1e308, 1e308),
    "uniform_bad_generator": lambda L: L.ones(3).uniform_(0, 1, generator=3),
    "bernoulli_p_high": lambda L: L.ones(3).bernoulli_(1.5),
    "bernoulli_p_low": lambda L: L.ones(3).bernoulli_(-0.1),
    "bernoulli_p_nan": lambda L: L.ones(3).bernoulli_(float("nan")),
    "bernoulli_p_tensor_range": lambda L: L.ones(3).bernoulli_(L.tensor([0.5, 2.0, 0.1])),
    "bernoulli_p_tensor_int": lambda L: L.ones(3).bernoulli_(L.tensor([1, 0, 1])),
    "bernoulli_p_tensor_shape": lambda L: L.ones(3).bernoulli_(L.tensor([0.5, 1.0])),
    "bernoulli_p_str": lambda L: L.ones(3).bernoulli_("a"),
    "random_from_eq_to": lambda L: L.ones(3, dtype=L.int8).random_(5, 5),
    "random_zero": lambda L: L.ones(3, dtype=L.int8).random_(0),
    "random_negative_to": lambda L: L.ones(3).random_(-3),
    "random_reversed_out_of_bounds": lambda L: L.ones(3, dtype=L.int8).random_(-300, -400),
    "random_from_low_int8": lambda L: L.ones(3, dtype=L.int8).random_(-129, 5),
    "random_to_high_uint8": lambda L: L.ones(3, dtype=L.uint8).random_(300),
    "random_from_negative_uint8": lambda L: L.ones(3, dtype=L.uint8).random_(-1, 5),
    "random_to_high_bool": lambda L: L.ones(3, dtype=L.bool).random_(5),
    "random_to_high_int16": lambda L: L.ones(3, dtype=L.int16).random_(0, 70000),
    "random_to_high_int32": lambda L: L.ones(3, dtype=L.int32).random_(2 ** 40),
    "random_to_high_half": lambda L: L.ones(3, dtype=L.float16).random_(0, 70000),
    "random_from_open_int8": lambda L: L.ones(3, dtype=L.int8).random_(128, None),
    "random_from_above_top_half": lambda L: L.ones(3, dtype=L.float16).random_(3000, None),
    "random_from_above_top_float": lambda L: L.ones(3).random_(2 ** 30, None),
    "random_overflow": lambda L: L.ones(3, dtype=L.int64).random_(-5, 2 ** 63),
    "random_float_arg": lambda L: L.ones(3).random_(2.5),
    "random_bool_arg": lambda L: L.ones(3).random_(True),
    "random_none_arg": lambda L: L.ones(3, dtype=L.int16).random_(None),
    "random_float_to": lambda L: L.ones(3, dtype=L.int16).random_(0, 5.0),
    "exponential_negative": lambda L: L.ones(3).exponential_(-1),
    "exponential_zero": lambda L: L.ones(3).exponential_(0),
    "exponential_nan": lambda L: L.ones(3).exponential_(float("nan")),
    "exponential_int": lambda L: L.ones(3, dtype=L.int64).exponential_(),
    "exponential_uint8": lambda L: L.ones(3, dtype=L.uint8).exponential_(),
    "geometric_zero": lambda L: L.ones(3).geometric_(0),
    "geometric_one": lambda L: L.ones(3).geometric_(1),
    "geometric_high": lambda L: L.ones(3).geometric_(1.5),
    "geometric_bool": lambda L: L.ones(3, dtype=L.bool).geometric_(0.5),
    "geometric_missing_p": lambda L: L.ones(3).geometric_(),
    "log_normal_zero_std": lambda L: L.ones(3).log_normal_(0, 0),
    "log_normal_negative_std": lambda L: L.ones(3).log_normal_(0, -1),
    "log_normal_int": lambda L: L.ones(3, dtype=L.int64).log_normal_(),
    "cauchy_zero_sigma": lambda L: L.ones(3).cauchy_(0, 0),
    "cauchy_int": lambda L: L.ones(3, dtype=L.int64).cauchy_(),
    "cauchy_int16": lambda L: L.ones(3, dtype=L.int16).cauchy_(),
    "cauchy_bool": lambda L: L.ones(3, dtype=L.bool).cauchy_(),
    "bernoulli_fn_int": lambda L: L.bernoulli(L.tensor([1, 0])),
    "bernoulli_fn_bool": lambda L: L.bernoulli(L.tensor([True, False])),
    "bernoulli_fn_range": lambda L: L.bernoulli(L.tensor([1.5, 0.0])),
    "bernoulli_fn_nan": lambda L: L.bernoulli(L.tensor([float("nan"), 0.0])),
    "bernoulli_fn_p_range": lambda L: L.bernoulli(L.ones(3), 1.5),
    "bernoulli_fn_number": lambda L: L.bernoulli(0.5),
    "bernoulli_fn_list": lambda L: L.bernoulli([0.5]),
    "multinomial_too_many": lambda L: L.multinomial(L.tensor([1.0, 2.0, 3.0, 0.0]), 5),
    "multinomial_zero": lambda L: L.multinomial(L.tensor([1.0, 2.0]), 0),
    "multinomial_negative_count": lambda L: L.multinomial(L.tensor([1.0, 2.0]), -1),
    "multinomial_float_count": lambda L: L.multinomial(L.tensor([1.0, 2.0]), 2.0),
    "multinomial_bool_count": lambda L: L.multinomial(L.tensor([1.0, 2.0]), True),
    "multinomial_int_replacement": lambda L: L.multinomial(L.tensor([1.0, 2.0]), 1, 1),
    "multinomial_3d": lambda L: L.multinomial(L.ones(1, 2, 2), 1),
    "multinomial_0d": lambda L: L.multinomial(L.tensor(1.0), 1),
    "multinomial_empty": lambda L: L.multinomial(L.tensor([]), 1),
    "multinomial_long": lambda L: L.multinomial(L.tensor([1, 2]), 1),
    "multinomial_long_first": lambda L: L.multinomial(L.ones(2, 2, 2).long(), 0),
    "multinomial_negative": lambda L: L.multinomial(L.tensor([1.0, -2.0]), 1),
    "multinomial_inf": lambda L: L.multinomial(L.tensor([1.0, float("inf")]), 1),
    "multinomial_nan": lambda L: L.multinomial(L.tensor([1.0, float("nan")]), 1),
    "multinomial_all_zero": lambda L: L.multinomial(L.tensor([0.0, 0.0]), 1, True),
    "multinomial_zero_row": lambda L: L.multinomial(L.tensor([[1.0, 2.0], [0.0, 0.0]]), 1),
    "multinomial_count_before_values": lambda L: L.multinomial(L.tensor([-1.0, 2.0]), 5),
    "multinomial_list": lambda L: L.multinomial([1.0, 2.0], 1),
    "poisson_int": lambda L: L.poisson(L.tensor([1, 2])),
    "poisson_negative": lambda L: L.poisson(L.tensor([-1.0, 2.0])),
    "poisson_nan": lambda L: L.poisson(L.tensor([float("nan"), 2.0])),
    "poisson_tensor_generator": lambda L: L.poisson(L.ones(2), L.ones(2)),
    "normal_fn_negative_std_tensor": lambda L: L.normal(L.zeros(2), L.tensor([1.0, -1.0])),
    "normal_fn_negative_std_float": lambda L: L.normal(L.zeros(2), -2.0),
    "normal_fn_negative_std_size": lambda L: L.normal(0.0, -1.0, (3,)),
    "normal_fn_int_mean": lambda L: L.normal(L.tensor([0, 1], dtype=L.int32), L.ones(2)),
    "normal_fn_int_std": lambda L: L.normal(2.0, L.tensor([1, 2])),
    "normal_fn_shapes": lambda L: L.normal(L.zeros(2), L.ones(3)),
    "normal_fn_no_size": lambda L: L.normal(0.0, 1.0),
    "normal_fn_tensors_and_size": lambda L: L.normal(L.zeros(2), L.ones(2), (2,)),
    "type_as_number": lambda L: L.ones(2).type_as(3),
    "is_nonzero_empty": lambda L: L.is_nonzero(L.tensor([])),
    "is_nonzero_many": lambda L: L.is_nonzero(L.tensor([1, 2])),
    "is_nonzero_number": lambda L: L.is_nonzero(1),
    "is_floating_point_number": lambda L: L.is_floating_point(1.0),
    "apply_requires_grad": lambda L: L.ones(2, requires_grad=True).apply_(lambda v: v),
    "apply_overflow": lambda L: L.tensor([1, 2], dtype=L.int8).apply_(lambda v: 300),
    "apply_str": lambda L: L.tensor([1, 2]).apply_(lambda v: "x"),
    "apply_not_callable": lambda L: L.ones(2).apply_(3),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    torch = require_torch()
    caught = {}
    for lib in (torch, ember):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(Exception) as error:
                ERRORS[name](lib)
        caught[lib] = (type(error.value), str(error.value).split("\n")[0])
    assert caught[ember] == caught[torch]


def test_random_precision_warning_like_torch():
    torch = require_torch()
    for lib in (torch, ember):
        with pytest.warns(UserWarning, match=r"^to - 1 is out of bounds \[-\(2\^24\), 2\^24\]\. "
                                             r"Due to precision limitations float can"):
            lib.zeros(3).random_(2 ** 25)
        with pytest.warns(UserWarning, match=r"^from is out of bounds \[-\(2\^11\), 2\^11\]"):
            lib.zeros(3, dtype=lib.float16).random_(-3000, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.zeros(3).random_(2 ** 24 + 1)  # to - 1 = 2**24 is still exact: no warning
        ember.zeros(3, dtype=ember.float64).random_(-2 ** 53, 2 ** 53 + 1)


# --- bernoulli, multinomial, poisson, normal -----------------------------------------------------
def test_bernoulli_function_frequencies_and_dtypes():
    p = ember.tensor([0.0, 0.25, 0.75, 1.0], dtype=ember.float64).expand(N // 4, 4)
    x = ember.bernoulli(p)
    assert x.dtype == ember.float64 and x.shape == (N // 4, 4)
    v = _values(x)
    assert (v[:, 0] == 0).all() and (v[:, 3] == 1).all()
    _assert_mean(v[:, 1], 0.25, math.sqrt(0.1875))
    _assert_mean(v[:, 2], 0.75, math.sqrt(0.1875))
    ints = ember.bernoulli(ember.zeros(N, dtype=ember.int64), 0.4)
    assert ints.dtype == ember.int64
    _assert_frequencies(ints.numpy(), [0.6, 0.4])
    method = ember.full((N,), 0.6).bernoulli()
    _assert_frequencies(_values(method), [0.4, 0.6])
    assert ember.bernoulli(ember.tensor(1.0)).shape == ()
    assert ember.tensor([0.2]).bernoulli(p=1.0).tolist() == [1.0]


def test_bernoulli_poisson_normal_nodes_like_torch():
    torch = require_torch()

    def run(lib):
        q = lib.tensor([0.2, 0.5], requires_grad=True)
        s = lib.tensor([1.0, 2.0], requires_grad=True)
        outs = [lib.bernoulli(q), lib.poisson(q), lib.normal(q, s), lib.normal(q, 1.0),
                lib.normal(1.0, s), lib.bernoulli(q * 1, 0.5)]
        names = [type(o.grad_fn).__name__ for o in outs]
        sum(o.sum() for o in outs[:5]).backward()
        with pytest.raises(RuntimeError, match="derivative for aten::bernoulli is not "
                                               "implemented"):
            outs[5].sum().backward()
        return names, q.grad.tolist(), s.grad.tolist()

    assert run(ember) == run(torch)
    with ember.no_grad():
        assert ember.bernoulli(ember.ones(2, requires_grad=True)).grad_fn is None


@pytest.mark.parametrize("replacement", [False, True])
def test_multinomial_first_draw_frequencies(replacement):
    weights = ember.tensor([1.0, 2.0, 0.0, 5.0, 2.0])
    samples = ember.multinomial(weights.expand(N, 5), 1, replacement)
    assert samples.dtype == ember.int64 and samples.shape == (N, 1)
    _assert_frequencies(samples.numpy(), weights.numpy())


def test_multinomial_with_replacement_frequencies_1d():
    weights = ember.tensor([0.1, 0.0, 0.3, 0.6], dtype=ember.float64)
    samples = ember.multinomial(weights, N, replacement=True)
    assert samples.shape == (N,)
    _assert_frequencies(samples.numpy(), weights.numpy())


def test_multinomial_without_replacement_rules():
    weights = ember.tensor([[3.0, 0.0, 1.0, 0.0, 2.0], [0.0, 1.0, 0.0, 0.0, 0.0]])
    for _ in range(50):
        out = ember.multinomial(weights, 5).numpy()
        for row, w in zip(out, weights.numpy()):
            assert sorted(row.tolist()) == [0, 1, 2, 3, 4]  # each category once
            positive = int((w > 0).sum())
            assert (w[row[:positive]] > 0).all()  # positive weights come first
    # Second draws: after the first, P(second = j | first = i) = w_j / (1 - w_i).
    w = np.array([0.5, 0.3, 0.2])
    pairs = ember.multinomial(ember.tensor(w).expand(N, 3), 2).numpy()
    expected = np.array([0.0 if i == j else w[i] * w[j] / (1 - w[i]) for i in range(3)
                         for j in range(3)])
    _assert_frequencies(pairs[:, 0] * 3 + pairs[:, 1], expected)


def test_multinomial_method_keywords_and_empty_batch():
    w = ember.tensor([1.0, 1.0, 1.0])
    g = ember.Generator().manual_seed(0)
    out = w.multinomial(num_samples=2, replacement=True, generator=g)
    assert out.shape == (2,) and out.dtype == ember.int64
    assert ember.multinomial(ember.ones(0, 3), 2).shape == (0, 2)
    assert ember.multinomial(ember.tensor([1.0, 0.0]), 2).tolist() == [0, 1]
    assert ember.multinomial(ember.tensor([0.0, 4.0]), 3, True).tolist() == [1, 1, 1]
    assert not ember.multinomial(ember.ones(3, requires_grad=True), 2).requires_grad


@pytest.mark.parametrize("rate", [0.5, 4.0, 200.0])
def test_poisson_mean_and_variance(rate):
    x = ember.poisson(ember.full((N,), rate, dtype=ember.float64))
    assert x.dtype == ember.float64
    v = _values(x)
    assert (v >= 0).all() and (v == np.floor(v)).all()
    _assert_mean(v, rate, math.sqrt(rate))
    _assert_variance(v, rate, kurtosis=3 + 1 / rate)


def test_poisson_edges():
    assert ember.poisson(ember.zeros(4)).tolist() == [0.0] * 4
    assert ember.poisson(ember.ones(2, dtype=ember.float16)).dtype == ember.float16
    huge = ember.poisson(ember.tensor([float("inf"), 1e17], dtype=ember.float64)).tolist()
    assert huge[0] == float("inf") and abs(huge[1] - 1e17) < 1e10
    assert ember.poisson(ember.ones(3), generator=ember.Generator()).shape == (3,)


def test_normal_function_forms():
    mean = ember.tensor([0.0, 100.0], dtype=ember.float64).expand(N, 2)
    std = ember.tensor([1.0, 5.0], dtype=ember.float64)
    v = _values(ember.normal(mean, std))
    assert v.shape == (N, 2)
    _assert_mean(v[:, 0], 0.0, 1.0)
    _assert_mean(v[:, 1], 100.0, 5.0)
    _assert_variance(v[:, 1], 25.0)
    v = _values(ember.normal(mean, 2.0))
    _assert_variance(v[:, 0], 4.0)
    v = _values(ember.normal(3.0, std.expand(N, 2)))
    _assert_mean(v[:, 1], 3.0, 5.0)
    x = ember.normal(2, 3, size=(N,))
    assert x.dtype == ember.float32
    _assert_mean(_values(x), 2.0, 3.0)
    assert ember.normal(0.0, 1.0, (2, 3), dtype=ember.float64).dtype == ember.float64
    assert ember.normal(0.0, 1.0, (2,), requires_grad=True).requires_grad
    assert ember.normal(mean=ember.zeros(3)).shape == (3,)
    assert ember.normal(ember.zeros(2, 1), ember.ones(3)).shape == (2, 3)
    # The result takes mean's dtype.
    assert ember.normal(ember.zeros(2, dtype=ember.float16), ember.ones(2)).dtype == ember.float16
    assert ember.normal(ember.zeros(2), ember.ones(2, dtype=ember.float64)).dtype \
        == ember.float32


def test_normal_out():
    out = ember.empty(0)
    result = ember.normal(ember.zeros(3), ember.ones(3), out=out)
    assert result is out and out.shape == (3,)
    assert ember.normal(0.0, 0.0, (2,), out=ember.empty(2)).tolist() == [0.0, 0.0]


# --- small Tensor methods -------------------------------------------------------------------------
def test_type_as_like_torch():
    torch = require_torch()
    for lib in (ember, torch):
        i = lib.tensor([1, 2, 3])
        f = lib.tensor([1.5, 2.5], requires_grad=True)
        assert i.type_as(f).dtype == lib.float32
        assert f.type_as(i).tolist() == [1, 2]
        assert f.type_as(f) is f
        d = f.type_as(lib.tensor([1.0], dtype=lib.float64))
        assert d.dtype == lib.float64 and type(d.grad_fn).__name__ == "ToCopyBackward0"
        assert i.type_as(lib.tensor([True])).tolist() == [True, True, True]


VIEWS = {
    "base": lambda b: b, "row": lambda b: b[1], "block": lambda b: b[1:, 2:],
    "t_row": lambda b: b.t()[2], "column": lambda b: b[:, 1], "flat": lambda b: b.view(-1)[5:],
    "flat_twice": lambda b: b.flatten()[3:][2:], "element": lambda b: b[1][2],
    "diagonal": lambda b: b.diagonal(1), "expand": lambda b: b.expand(2, 3, 4)[1],
    "narrow": lambda b: b.narrow(1, 1, 2), "chunk": lambda b: b.chunk(2, 1)[1],
    "split": lambda b: b.split(1)[2], "unbind": lambda b: b.unbind(1)[3],
    "select": lambda b: b.select(1, 3), "contiguous": lambda b: b[1:].contiguous(),
    "clone": lambda b: b[1:].clone(), "T_slice": lambda b: b.T[1:],
    "detach": lambda b: b[1:].detach(), "unsqueeze": lambda b: b[:, 1:].unsqueeze(0),
    "view3": lambda b: b.view(3, 2, 2)[1, 1], "movedim": lambda b: b.movedim(0, 1)[1],
    "transpose": lambda b: b.transpose(0, 1)[3], "flip": lambda b: b.flip(0),
    "reshape_copy": lambda b: b.t().reshape(-1)[1:], "sum": lambda b: b.sum(0),
}


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_storage_offset_like_torch(view):
    torch = require_torch()
    offsets = [VIEWS[view](lib.arange(12.0).reshape(3, 4)).storage_offset()
               for lib in (ember, torch)]
    assert offsets[0] == offsets[1]


def test_is_nonzero_and_is_floating_point_like_torch():
    torch = require_torch()
    for lib in (ember, torch):
        values = [lib.is_nonzero(lib.tensor(v)) for v in
                  (1.0, [0], [[2]], 0.0, float("nan"), True, False, -0.0)]
        assert values == [True, False, True, False, True, True, False, False]
        assert lib.tensor(2).is_nonzero()
        assert lib.is_floating_point(lib.tensor(1.0)) is True
        assert lib.is_floating_point(input=lib.tensor(1)) is False


def test_apply_like_torch():
    torch = require_torch()
    for lib in (ember, torch):
        a = lib.tensor([1.0, 2.0, 3.0])
        assert a.apply_(lambda v: v * 2) is a and a.tolist() == [2.0, 4.0, 6.0]
        assert a._version == 0  # PyTorch's apply_ bumps no version counter
        i = lib.tensor([1, 2, 3])
        assert i.apply_(lambda v: v / 2).tolist() == [0, 1, 1]  # truncated toward zero
        seen = []
        lib.tensor([True, False]).apply_(lambda v: seen.append(type(v)) or 0)
        assert seen == [bool, bool]
        h = lib.tensor([1.0], dtype=lib.float16).apply_(lambda v: 1e10)
        assert h.tolist() == [float("inf")]
        z = lib.tensor([[1.0, 2.0], [3.0, 4.0]])
        z.t().apply_(lambda v: v * 10)  # through a view
        assert z.tolist() == [[10.0, 20.0], [30.0, 40.0]]
        assert lib.tensor([1.0]).apply_(lambda v: lib.tensor(3.0)).tolist() == [3.0]
        with pytest.raises(ZeroDivisionError):
            lib.tensor([1.0]).apply_(lambda v: 1 / 0)


def test_poisson_of_a_zero_dim_rate():
    torch = require_torch()
    ember.manual_seed(0)
    sample = ember.poisson(ember.tensor(3.0))
    expected = torch.poisson(torch.tensor(3.0))
    assert sample.shape == expected.shape and sample.dtype is ember.float32
    assert float(sample) >= 0 and float(sample) == int(float(sample))
