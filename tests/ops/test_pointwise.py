"""Pointwise ops against PyTorch: forward, gradients and second derivatives over shapes
(0-dim, empty, broadcasting, transposed) and dtypes; finite differences; dtype rules; errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ember
from oracle import check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(7)


def sample(shape, domain="any", dtype=np.float64):
    low, high = {"any": (-2, 2), "pos": (0.5, 2.0), "unit": (-0.9, 0.9), "gt1": (1.2, 3.0),
                 "prob": (0.1, 0.9), "away": (0.6, 2.0)}[domain]
    x = rng.uniform(low, high, size=shape)
    if domain == "away":  # away from zero, either sign (divisors)
        x *= rng.choice([-1, 1], size=shape)
    return x.astype(dtype)


UNARY = [  # (name, fn, domain)
    ("neg", lambda L, x: -x, "any"),
    ("abs", lambda L, x: L.abs(x), "away"),
    ("sign", lambda L, x: L.sign(x), "away"),
    ("square", lambda L, x: L.square(x), "any"),
    ("sqrt", lambda L, x: L.sqrt(x), "pos"),
    ("rsqrt", lambda L, x: L.rsqrt(x), "pos"),
    ("exp", lambda L, x: L.exp(x), "any"),
    ("exp2", lambda L, x: L.exp2(x), "any"),
    ("expm1", lambda L, x: L.expm1(x), "any"),
    ("log", lambda L, x: L.log(x), "pos"),
    ("log2", lambda L, x: L.log2(x), "pos"),
    ("log10", lambda L, x: L.log10(x), "pos"),
    ("log1p", lambda L, x: L.log1p(x), "pos"),
    ("reciprocal", lambda L, x: L.reciprocal(x), "away"),
    ("sin", lambda L, x: L.sin(x), "any"),
    ("cos", lambda L, x: L.cos(x), "any"),
    ("tan", lambda L, x: L.tan(x), "unit"),
    ("asin", lambda L, x: L.asin(x), "unit"),
    ("acos", lambda L, x: L.acos(x), "unit"),
    ("atan", lambda L, x: L.atan(x), "any"),
    ("sinh", lambda L, x: L.sinh(x), "any"),
    ("cosh", lambda L, x: L.cosh(x), "any"),
    ("tanh", lambda L, x: L.tanh(x), "any"),
    ("asinh", lambda L, x: L.asinh(x), "any"),
    ("acosh", lambda L, x: L.acosh(x), "gt1"),
    ("atanh", lambda L, x: L.atanh(x), "unit"),
    ("sigmoid", lambda L, x: L.sigmoid(x), "any"),
    ("logit", lambda L, x: L.logit(x), "prob"),
    ("logit_eps", lambda L, x: L.logit(x, eps=0.3), "prob"),
    ("logit_outside", lambda L, x: L.logit(x * 2 - 0.5), "prob"),
    ("erf", lambda L, x: L.erf(x), "any"),
    ("erfc", lambda L, x: L.erfc(x), "any"),
    ("floor", lambda L, x: L.floor(x), "any"),
    ("ceil", lambda L, x: L.ceil(x), "any"),
    ("round", lambda L, x: L.round(x), "any"),
    ("round_decimals", lambda L, x: L.round(x, decimals=1), "any"),
    ("trunc", lambda L, x: L.trunc(x), "any"),
    ("frac", lambda L, x: L.frac(x), "any"),
    ("clamp", lambda L, x: L.clamp(x, -0.5, 0.7), "any"),
    ("clamp_min", lambda L, x: L.clamp(x, min=0.1), "any"),
    ("clip_max", lambda L, x: L.clip(x, max=0.1), "any"),
    ("clamp_min_fn", lambda L, x: L.clamp_min(x, 0.2), "any"),
    ("clamp_max_fn", lambda L, x: L.clamp_max(x, 0.2), "any"),
    ("nan_to_num", lambda L, x: L.nan_to_num(L.log(x)), "away"),
    ("pow_scalar", lambda L, x: x ** 3, "any"),
    ("pow_fraction", lambda L, x: L.pow(x, 2.5), "pos"),
    ("rpow", lambda L, x: 2 ** x, "any"),
    ("rsub", lambda L, x: 2 - x, "any"),
    ("rdiv", lambda L, x: 2 / x, "away"),
    ("div_scalar", lambda L, x: x / 4, "any"),
    ("remainder_scalar", lambda L, x: x % 0.7, "any"),
    ("fmod_scalar", lambda L, x: L.fmod(x, 0.7), "any"),
    ("div_floor", lambda L, x: L.div(x, 0.3, rounding_mode="floor"), "any"),
]
SHAPES = [(), (0,), (5,), (2, 3)]


@pytest.mark.parametrize("name,fn,domain", UNARY, ids=[u[0] for u in UNARY])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary_float64(name, fn, domain, shape):
    check(fn, sample(shape, domain))


@pytest.mark.parametrize("name,fn,domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary_float32_transposed(name, fn, domain):
    # a non-contiguous input: the transpose of a (3, 2) tensor
    check(lambda L, x: fn(L, x.t()), sample((3, 2), domain, np.float32))


BINARY = [  # (name, fn, domain of x, domain of y)
    ("add", lambda L, x, y: x + y, "any", "any"),
    ("add_alpha", lambda L, x, y: L.add(x, y, alpha=2.5), "any", "any"),
    ("sub", lambda L, x, y: x - y, "any", "any"),
    ("sub_alpha", lambda L, x, y: L.sub(x, y, alpha=-2), "any", "any"),
    ("mul", lambda L, x, y: x * y, "any", "any"),
    ("div", lambda L, x, y: x / y, "any", "away"),
    ("true_divide", lambda L, x, y: L.true_divide(x, y), "any", "away"),
    ("div_trunc", lambda L, x, y: L.div(x, y, rounding_mode="trunc"), "any", "away"),
    ("div_floor", lambda L, x, y: L.div(x, y, rounding_mode="floor"), "any", "away"),
    ("remainder", lambda L, x, y: x % y, "any", "away"),
    ("fmod", lambda L, x, y: L.fmod(x, y), "any", "away"),
    ("pow", lambda L, x, y: x ** y, "pos", "any"),
    ("atan2", lambda L, x, y: L.atan2(x, y), "any", "away"),
    ("hypot", lambda L, x, y: L.hypot(x, y), "away", "away"),
    ("maximum", lambda L, x, y: L.maximum(x, y), "any", "any"),
    ("minimum", lambda L, x, y: L.minimum(x, y), "any", "any"),
    ("fmax", lambda L, x, y: L.fmax(x, y), "any", "any"),
    ("fmin", lambda L, x, y: L.fmin(x, y), "any", "any"),
    ("max_binary", lambda L, x, y: L.max(x, y), "any", "any"),
    ("lerp", lambda L, x, y: L.lerp(x, y, 0.3), "any", "any"),
    ("lerp_far", lambda L, x, y: L.lerp(x, y, 0.8), "any", "any"),
    ("clamp_tensor_min", lambda L, x, y: L.clamp(x, min=y), "any", "any"),
    ("clamp_tensor_max", lambda L, x, y: L.clamp(x, max=y), "any", "any"),
    ("clamp_tensor_both", lambda L, x, y: L.clamp(x, y - 0.5, y + 0.5), "any", "any"),
    ("clamp_min_tensor", lambda L, x, y: L.clamp_min(x, y), "any", "any"),
    ("clamp_max_tensor", lambda L, x, y: L.clamp_max(x, y), "any", "any"),
    ("addcmul", lambda L, x, y: L.addcmul(x, y, x, value=0.5), "any", "any"),
    ("addcdiv", lambda L, x, y: L.addcdiv(y, x, y, value=2), "any", "away"),
    ("where", lambda L, x, y: L.where(x > 0, x, y), "any", "any"),
]
PAIRS = [((), ()), ((4,), ()), ((), (4,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((0, 3), (3,)),
         ((2, 3), (2, 3))]


@pytest.mark.parametrize("name,fn,dx,dy", BINARY, ids=[b[0] for b in BINARY])
@pytest.mark.parametrize("shapes", PAIRS, ids=str)
def test_binary_float64(name, fn, dx, dy, shapes):
    check(fn, sample(shapes[0], dx), sample(shapes[1], dy))


@pytest.mark.parametrize("name,fn,dx,dy", BINARY, ids=[b[0] for b in BINARY])
def test_binary_float32_transposed(name, fn, dx, dy):
    check(lambda L, x, y: fn(L, x.t(), y), sample((3, 2), dx, np.float32),
          sample((2, 3), dy, np.float32))


def test_lerp_tensor_weight():
    check(lambda L, a, b, w: L.lerp(a, b, w), sample((2, 3)), sample((3,)), sample((2, 1), "prob"))


def test_ties_split_the_gradient():
    x = np.array([1.0, 2.0, 3.0])
    for name in ("maximum", "minimum", "fmax", "fmin"):
        check(lambda L, a, b: getattr(L, name)(a, b), x, np.array([1.0, 0.0, 3.0]))
    # clamp bounds that cross (min > max) and values at the bounds
    check(lambda L, a, lo, hi: L.clamp(a, lo, hi), np.array([0.0, 1.0, 2.0, 3.0]),
          np.array([1.0, 1.0, 2.5, 2.5]), np.array([2.0, 0.5, 2.0, 3.0]))
    check(lambda L, a: L.clamp(a, 1.0, 2.0), np.array([0.0, 1.0, 2.0, 3.0]))


def test_nan_handling():
    x = np.array([np.nan, 1.0, np.inf, -np.inf, 2.0])
    y = np.array([0.5, np.nan, 1.0, 0.0, 3.0])
    check(lambda L, a: L.nan_to_num(a), x)
    check(lambda L, a: L.nan_to_num(a, nan=1.0, posinf=9.0, neginf=-9.0), x)
    for name in ("maximum", "minimum", "fmax", "fmin"):
        check(lambda L, a, b: getattr(L, name)(a, b), x[:2], y[:2], gradgrad=False)
    check(lambda L, a: (L.isnan(a), L.isinf(a), L.isfinite(a)), x)


GRADCHECK = [
    ("erf", lambda L, x: L.erf(x), "any"), ("atanh", lambda L, x: L.atanh(x), "unit"),
    ("logit", lambda L, x: L.logit(x), "prob"), ("rsqrt", lambda L, x: L.rsqrt(x), "pos"),
    ("lerp", lambda L, x: L.lerp(x, x * x, x), "any"),
    ("hypot", lambda L, x: L.hypot(x, x + 1), "pos"),
    ("pow", lambda L, x: L.pow(x, x), "pos"),
    ("atan2", lambda L, x: L.atan2(x, x * x + 1), "any"),
    ("addcdiv", lambda L, x: L.addcdiv(x, x, x + 3), "pos"),
    ("remainder", lambda L, x: L.remainder(x, x * 0.3 + 1), "pos"),
]


@pytest.mark.parametrize("name,fn,domain", GRADCHECK, ids=[g[0] for g in GRADCHECK])
def test_gradcheck(name, fn, domain):
    gradcheck(fn, sample((3,), domain))


def test_grad_fn_names():
    """Every row's node carries PyTorch's name (what users see in grad_fn)."""
    torch = require_torch()
    mismatches = []
    for name, fn, domain in UNARY:
        e = fn(ember, ember.tensor(sample((2,), domain), requires_grad=True))
        t = fn(torch, torch.tensor(sample((2,), domain), requires_grad=True))
        if type(e.grad_fn).__name__ != type(t.grad_fn).__name__:
            mismatches.append((name, type(e.grad_fn).__name__, type(t.grad_fn).__name__))
    for name, fn, dx, dy in BINARY:
        outs = [fn(lib, lib.tensor(sample((2,), dx), requires_grad=True),
                   lib.tensor(sample((2,), dy), requires_grad=True)) for lib in (ember, torch)]
        if type(outs[0].grad_fn).__name__ != type(outs[1].grad_fn).__name__:
            mismatches.append((name, type(outs[0].grad_fn).__name__,
                               type(outs[1].grad_fn).__name__))
    assert not mismatches


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "floor_divide", "remainder", "fmod",
                                "pow", "maximum", "atan2", "hypot", "eq", "lt",
                                "logical_and", "logical_xor", "bitwise_and", "bitwise_or",
                                "bitwise_xor", "div_floor", "div_trunc"])
@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("int32", "int64"), ("int64", "float32"),
                                    ("bool", "bool"), ("uint8", "int8"), ("float16", "float64"),
                                    ("int64", "pyint"), ("int32", "pyfloat"),
                                    ("float32", "pyint"), ("bool", "pyint")])
def test_dtypes_follow_torch(op, dtypes):
    """Result dtype and value of each binary op over dtype pairs, or the same error type."""
    torch = require_torch()
    a = np.array([[5, -3, 4], [7, 2, -6]])
    b = np.array([2, 3, -4])

    def operand(lib, array, name):
        if name == "pyint":
            return 3
        if name == "pyfloat":
            return 2.5
        if name == "bool":
            return lib.tensor(array > 0)
        return lib.tensor(array.astype(name))

    def run(lib):
        x, y = operand(lib, a, dtypes[0]), operand(lib, b, dtypes[1])
        if op == "div_floor":
            return lib.div(x, y, rounding_mode="floor")
        if op == "div_trunc":
            return lib.div(x, y, rounding_mode="trunc")
        return getattr(lib, op)(x, y)

    try:
        expected = run(torch)
    except Exception as error:  # noqa: BLE001 - any error torch raises, ember must raise too
        with pytest.raises(type(error)):
            run(ember)
        return
    actual = run(ember)
    assert str(actual.dtype) == str(expected.dtype)
    np.testing.assert_allclose(actual.numpy().astype(np.float64),
                               expected.numpy().astype(np.float64), rtol=1e-3)


@pytest.mark.parametrize("fn", [
    lambda L, x: x // 2, lambda L, x: 7 // x, lambda L, x: x % 3, lambda L, x: -7 % x,
    lambda L, x: x ** 2, lambda L, x: 2 ** x, lambda L, x: x / 2, lambda L, x: L.sqrt(x),
    lambda L, x: L.abs(-x), lambda L, x: L.floor(x), lambda L, x: L.round(x), lambda L, x: ~x,
    lambda L, x: x & 6, lambda L, x: 6 | x, lambda L, x: x ^ 3, lambda L, x: L.clamp(x, 0.5),
    lambda L, x: L.clamp(x, 2, 3), lambda L, x: L.square(x > 2), lambda L, x: L.sign(x),
    lambda L, x: ~(x > 2), lambda L, x: L.pow(2.5, x), lambda L, x: x % 2.5,
    lambda L, x: L.exp(x), lambda L, x: L.logical_not(x), lambda L, x: L.addcmul(x, x, x),
    lambda L, x: L.nan_to_num(x), lambda L, x: L.trunc(x), lambda L, x: L.sigmoid(x),
], ids=lambda f: "")
def test_integer_inputs(fn):
    x = np.array([1, 2, 3, 5, 7])
    check(fn, x, grad=False)


def test_non_differentiable_results_do_not_require_grad():
    x = ember.tensor([1.5, -2.0], requires_grad=True)
    for out in (x > 0, x == x, ember.isnan(x), ember.isclose(x, x), ember.logical_and(x, x),
                ember.isfinite(x)):
        assert not out.requires_grad and out.grad_fn is None


def test_floor_divide_backward_is_not_implemented():
    expect_error(lambda L: (L.tensor([3.0], requires_grad=True) // 2).sum().backward(),
                 RuntimeError, "derivative for aten::floor_divide is not implemented")


def test_in_place_variants():
    torch = require_torch()
    for name, args in [("add_", (1.5,)), ("mul_", (2,)), ("div_", (4,)), ("clamp_", (0, 1)),
                       ("sqrt_", ()), ("exp_", ()), ("remainder_", (2,)),
                       ("pow_", (2,)), ("atan2_", None), ("lerp_", None), ("erf_", ()),
                       ("neg_", ()), ("reciprocal_", ()), ("tan_", ())]:
        values = [[0.5, 1.5, 2.5]]
        results = []
        for lib in (ember, torch):
            leaf = lib.tensor(values, dtype=lib.float64, requires_grad=True)
            x = leaf * 1
            extra = args if args is not None else (
                (leaf * 2,) if name == "atan2_" else (leaf * 2, 0.25))
            out = getattr(x, name)(*extra)
            assert out is x
            x.sum().backward()
            results.append((x.detach().numpy(), leaf.grad.numpy(), type(x.grad_fn).__name__))
        np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-7)
        np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-7)
        assert results[0][2] == results[1][2], name


def test_comparisons_and_closeness():
    x = np.array([1.0, 2.0, np.nan, 4.0])
    y = np.array([1.0, 2.0000001, np.nan, 5.0])
    check(lambda L, a, b: (L.isclose(a, b), L.isclose(a, b, equal_nan=True),
                           L.isclose(a, b, rtol=0, atol=0)), x, y, grad=False)
    torch = require_torch()
    for lib in (ember, torch):
        assert lib.allclose(lib.tensor([1.0, 2.0]), lib.tensor([1.0, 2.0 + 1e-9]))
        assert not lib.allclose(lib.tensor([1.0, np.nan]), lib.tensor([1.0, np.nan]))
        assert lib.equal(lib.tensor([1, 2]), lib.tensor([1.0, 2.0]))
        assert not lib.equal(lib.tensor([1, 2]), lib.tensor([[1, 2]]))
    check(lambda L, a, b: (L.ne(a, b), L.less(a, b), L.greater_equal(a, b)), x, y, grad=False)


ERRORS = [
    (lambda L: -L.tensor([True]), RuntimeError, "Negation, the `-` operator, on a bool tensor"),
    (lambda L: L.lerp(L.ones(2), L.ones(2, dtype=L.float64), 0.5), RuntimeError,
     "expected dtype float for `end` but got dtype double"),
    (lambda L: L.addcmul(L.ones(2, dtype=L.bool), L.ones(2, dtype=L.bool),
                         L.ones(2, dtype=L.bool)), NotImplementedError,
     '"addcmul_cpu_out" not implemented for \'Bool\''),
    (lambda L: L.addcmul(L.ones(2), 2, L.ones(2)), TypeError, "addcmul(): argument 'tensor1'"),
    (lambda L: L.ones(2).fill_(L.ones(2)), RuntimeError,
     "fill_ only supports 0-dimension value tensor but got tensor with 1 dimensions."),
    (lambda L: L.where(L.arange(3), L.arange(3), L.arange(3)), RuntimeError,
     "where expected condition to be a boolean tensor, but got a tensor with dtype Long"),
    (lambda L: L.tensor([True]) - L.tensor([0.5]), RuntimeError,
     "Subtraction, the `-` operator, with a bool tensor is not supported"),
    (lambda L: L.tensor([0.5]) - L.tensor([True]), RuntimeError,
     "Subtraction, the `-` operator, with a bool tensor is not supported"),
    (lambda L: 1 - L.tensor([True]), RuntimeError,
     "Subtraction, the `-` operator, with a bool tensor is not supported"),
    (lambda L: L.tensor([0.5]) - True, RuntimeError,
     "Subtraction, the `-` operator, with a bool tensor is not supported"),
    (lambda L: L.tensor([True]) - True, RuntimeError,
     "Subtraction, the `-` operator, with two bool tensors is not supported"),
    (lambda L: L.tensor([1, 2]) ** -1, RuntimeError, "Integers to negative integer powers"),
    (lambda L: L.tensor([1, 2]) // 0, RuntimeError, "ZeroDivisionError"),
    (lambda L: L.tensor([1, 2]) % 0, RuntimeError, "ZeroDivisionError"),
    (lambda L: L.tensor([1.0]) & L.tensor([1.0]), NotImplementedError,
     '"bitwise_and_cpu" not implemented for \'Float\''),
    (lambda L: ~L.tensor([1.0]), TypeError, "~ (operator.invert) is only implemented on"),
    (lambda L: L.abs(L.tensor([True])), NotImplementedError, '"abs_cpu" not implemented'),
    (lambda L: L.div(L.tensor([1.0]), 2, rounding_mode="round"), RuntimeError,
     "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'"),
    (lambda L: L.clamp(L.tensor([1.0])), RuntimeError,
     "torch.clamp: At least one of 'min' or 'max' must not be None"),
    (lambda L: L.isclose(L.tensor([1]), L.tensor([1.0])), RuntimeError, "Long did not match Float"),
    (lambda L: L.tensor([1.0, 2.0]) + L.tensor([1.0, 2.0, 3.0]), RuntimeError,
     "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
    (lambda L: L.maximum(L.ones(2, 3), L.ones(4, 1, 2)), RuntimeError, "The size of tensor a"),
    (lambda L: L.addcdiv(L.tensor([1]), L.tensor([1]), L.tensor([1])), RuntimeError,
     "Integer division with addcdiv is no longer supported"),
    (lambda L: L.lerp(L.tensor([1]), L.tensor([2]), 0.5), NotImplementedError,
     '"lerp_kernel_scalar" not implemented for \'Long\''),
    (lambda L: L.tensor([1, 2]).add_(1.5), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    (lambda L: L.tensor([1.0], requires_grad=True).exp_(), RuntimeError,
     "a leaf Variable that requires grad is being used in an in-place operation."),
]


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:30] for e in ERRORS])
def test_errors(fn, exception, message):
    expect_error(fn, exception, message)


def test_signed_zeros_and_float_power():
    x = np.array([-2.0, 2.0, -3.0, 0.0, 1.5])
    check(lambda L, a: (a % 2, -3 % (a + 5), L.remainder(a, -2), L.fmod(a, 2)), x, grad=False)
    for fn in (lambda L, a: a % 2, lambda L, a: L.remainder(-a, 2)):
        e, t = fn(ember, ember.tensor(x)), fn(require_torch(), require_torch().tensor(x))
        assert np.array_equal(np.signbit(e.numpy()), np.signbit(t.numpy()))
    check(lambda L, a: (L.float_power(a, 2), a.float_power(a)), np.abs(x).astype(np.float32) + 1)
    check(lambda L, a: (a.sum(keepdim=True, dim=None), a.sum(dim=(), keepdim=True)),
          x.reshape(5, 1))


def test_erf_is_float64_accurate():
    x = np.linspace(-6, 6, 101)
    got = ember.erf(ember.tensor(x)).numpy()
    np.testing.assert_allclose(got, [math.erf(v) for v in x], rtol=1e-15, atol=1e-300)
    check(lambda L, a: (L.erf(a), L.erfc(a)), x, grad=False)


@pytest.mark.parametrize("name", ["ember._api.pointwise", "ember._api.reduction",
                                  "ember._api.linalg", "ember.linalg"])
def test_docstring_examples(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), extraglobs={"ember": ember},
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_clamp_promotes_with_either_bound():
    torch = require_torch()
    for call in [lambda L: L.clamp(L.tensor([1, 5]), 0, 2.5),
                 lambda L: L.clamp(L.tensor([1, 5]), 0.5, 4),
                 lambda L: L.clamp(L.tensor([True, False]), 0, 2.5)]:
        got, want = call(ember), call(torch)
        assert str(got.dtype) == str(want.dtype)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
