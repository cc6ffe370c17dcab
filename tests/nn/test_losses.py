"""Loss functions against PyTorch, for every reduction: value, gradients, second derivatives."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
from oracle import check, expect_error, require_torch

rng = np.random.default_rng(1)
x = rng.standard_normal((4, 3))
y = rng.standard_normal((4, 3))
probs = rng.uniform(0.05, 0.95, (4, 3))
labels01 = rng.uniform(0, 1, (4, 3))
image_logits = rng.standard_normal((2, 3, 2, 2))


def F(lib):
    return lib.nn.functional


def idx(lib, values):
    return lib.tensor(values)


# (id, fn(lib, reduction, *tensors), arrays): every array is differentiable where torch allows.
CASES = [
    ("mse", lambda lib, r, a, b: F(lib).mse_loss(a, b, reduction=r), (x, y)),
    ("l1", lambda lib, r, a, b: F(lib).l1_loss(a, b, reduction=r), (x, y)),
    ("smooth_l1", lambda lib, r, a, b: F(lib).smooth_l1_loss(a, b, reduction=r), (x * 2, y)),
    ("smooth_l1_beta", lambda lib, r, a, b: F(lib).smooth_l1_loss(a, b, reduction=r, beta=0.5),
     (x * 2, y)),
    ("huber", lambda lib, r, a, b: F(lib).huber_loss(a, b, reduction=r, delta=0.7), (x * 2, y)),
    ("bce", lambda lib, r, p: F(lib).binary_cross_entropy(p, lib.tensor(labels01).to(p.dtype), reduction=r),
     (probs,)),
    ("bce_weight", lambda lib, r, p: F(lib).binary_cross_entropy(
        p, lib.tensor(labels01).to(p.dtype), weight=lib.tensor([0.5, 1.0, 2.0]).to(p.dtype),
        reduction=r), (probs,)),
    ("bce_logits", lambda lib, r, a, t: F(lib).binary_cross_entropy_with_logits(a, t, reduction=r),
     (x * 5, labels01)),
    ("bce_logits_pos_weight", lambda lib, r, a, t: F(lib).binary_cross_entropy_with_logits(
        a, t, pos_weight=lib.tensor([1.0, 2.0, 0.5]).to(a.dtype), reduction=r),
     (x * 5, labels01)),
    ("bce_logits_weight", lambda lib, r, a, t: F(lib).binary_cross_entropy_with_logits(
        a, t, weight=lib.tensor([[1.0], [2.0], [0.0], [0.5]]).to(a.dtype), reduction=r),
     (x * 5, labels01)),
    ("cross_entropy", lambda lib, r, a: F(lib).cross_entropy(a, idx(lib, [0, 2, 1, 2]),
                                                             reduction=r), (x,)),
    ("cross_entropy_weight_ignore", lambda lib, r, a: F(lib).cross_entropy(
        a, idx(lib, [0, 2, -100, 1]), weight=lib.tensor([0.2, 1.0, 3.0]).to(a.dtype),
        reduction=r), (x,)),
    ("cross_entropy_ignore_index", lambda lib, r, a: F(lib).cross_entropy(
        a, idx(lib, [0, 2, 1, 1]), ignore_index=1, reduction=r), (x,)),
    ("cross_entropy_smoothing", lambda lib, r, a: F(lib).cross_entropy(
        a, idx(lib, [0, 2, 1, 1]), label_smoothing=0.2, reduction=r), (x,)),
    ("cross_entropy_smoothing_weight", lambda lib, r, a: F(lib).cross_entropy(
        a, idx(lib, [0, 2, 1, -100]), label_smoothing=0.1,
        weight=lib.tensor([0.2, 1.0, 3.0]).to(a.dtype), reduction=r), (x,)),
    ("cross_entropy_probs", lambda lib, r, a, t: F(lib).cross_entropy(a, t.softmax(1),
                                                                      reduction=r), (x, y)),
    ("cross_entropy_probs_smoothing", lambda lib, r, a, t: F(lib).cross_entropy(
        a, t.softmax(1), label_smoothing=0.3, reduction=r), (x, y)),
    ("cross_entropy_spatial", lambda lib, r, a: F(lib).cross_entropy(
        a, idx(lib, [[[0, 1], [2, 2]], [[1, 1], [0, 2]]]), reduction=r), (image_logits,)),
    ("cross_entropy_unbatched", lambda lib, r, a: F(lib).cross_entropy(a, idx(lib, 1), reduction=r),
     (x[0],)),
    ("nll", lambda lib, r, a: F(lib).nll_loss(a, idx(lib, [0, 2, 1, 2]), reduction=r), (x,)),
    ("kl_div", lambda lib, r, a, t: F(lib).kl_div(a.log_softmax(1), t.softmax(1), reduction=r),
     (x, y)),
    ("kl_div_log_target", lambda lib, r, a, t: F(lib).kl_div(
        a.log_softmax(1), t.log_softmax(1), reduction=r, log_target=True), (x, y)),
]
REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_against_torch(name, fn, arrays, reduction):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda lib, *ts: fn(lib, reduction, *ts), *arrays)


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_float32_and_node_names(name, fn, arrays):
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda lib, *ts: fn(lib, "mean", *ts), *[a.astype(np.float32) for a in arrays],
              gradgrad=False)
        e = fn(ember, "mean", *[ember.tensor(a, requires_grad=True) for a in arrays])
        t = fn(torch, "mean", *[torch.tensor(a, requires_grad=True) for a in arrays])
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__


def test_kl_div_batchmean():
    check(lambda lib, a, t: F(lib).kl_div(a.log_softmax(1), t.softmax(1), reduction="batchmean"),
          x, y)


def test_bce_clamps_log_at_minus_100():
    p = np.array([0.0, 1.0, 0.5, 1.0])
    t = np.array([1.0, 0.0, 1.0, 1.0])
    check(lambda lib, a: F(lib).binary_cross_entropy(a, lib.tensor(t), reduction="none"), p,
          gradgrad=False)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("reduction", ["none", "sum"])
def test_bce_at_the_ends_of_the_range(dtype, reduction):
    """p = 0, -0.0, 1 and the smallest positive float: PyTorch's clamped values, no warnings."""
    torch = require_torch()
    p = np.array([0.0, -0.0, 1.0, np.finfo(dtype).smallest_subnormal, 0.5, 1.0, 0.0], dtype)
    t = np.array([1.0, 1.0, 0.0, 1.0, 0.25, 1.0, 0.0], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ember.nn.functional.binary_cross_entropy(ember.tensor(p), ember.tensor(t),
                                                       reduction=reduction)
    want = torch.nn.functional.binary_cross_entropy(torch.tensor(p), torch.tensor(t),
                                                    reduction=reduction)
    assert str(got.dtype) == str(want.dtype)
    np.testing.assert_allclose(got.numpy().astype(np.float64), want.numpy().astype(np.float64),
                               rtol=1e-3 if dtype == "float16" else 1e-6)


def test_bce_with_logits_is_stable():
    big = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    check(lambda lib, a: F(lib).binary_cross_entropy_with_logits(a, lib.tensor(
        [1.0, 0.0, 1.0, 1.0, 0.0], dtype=lib.float64)), big)
    check(lambda lib, a: F(lib).cross_entropy(a, lib.tensor([0, 1])),
          np.array([[1000.0, -1000.0, 0.0], [5.0, 800.0, -3.0]]))


def test_legacy_size_average_and_reduce():
    check(lambda lib, a, b: F(lib).mse_loss(a, b, size_average=False), x, y)
    check(lambda lib, a, b: F(lib).l1_loss(a, b, reduce=False), x, y)


def test_modules_match_functional():
    torch = require_torch()
    pairs = [
        ("MSELoss", {}, (x, y)), ("L1Loss", {"reduction": "sum"}, (x, y)),
        ("SmoothL1Loss", {"beta": 0.5}, (x, y)), ("HuberLoss", {"delta": 2.0}, (x, y)),
        ("BCEWithLogitsLoss", {}, (x, labels01)), ("BCELoss", {}, (probs, labels01)),
        ("KLDivLoss", {"reduction": "batchmean"}, (x, probs)),
    ]
    for cls, kwargs, (a, b) in pairs:
        e = getattr(ember.nn, cls)(**kwargs)(ember.tensor(a), ember.tensor(b))
        t = getattr(torch.nn, cls)(**kwargs)(torch.tensor(a), torch.tensor(b))
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-10, err_msg=cls)
        assert repr(getattr(ember.nn, cls)(**kwargs)) == repr(getattr(torch.nn, cls)(**kwargs))
    labels = [0, 2, 1, 1]
    for cls, kwargs in [("CrossEntropyLoss", {"label_smoothing": 0.1, "ignore_index": 2}),
                        ("NLLLoss", {"reduction": "sum"})]:
        weight = [1.0, 2.0, 0.5]
        e = getattr(ember.nn, cls)(weight=ember.tensor(weight, dtype=ember.float64), **kwargs)(
            ember.tensor(x), ember.tensor(labels))
        t = getattr(torch.nn, cls)(weight=torch.tensor(weight, dtype=torch.float64), **kwargs)(
            torch.tensor(x), torch.tensor(labels))
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-10, err_msg=cls)


ERRORS = [
    (lambda lib: lib.nn.functional.cross_entropy(lib.randn(2, 3), lib.tensor([0, 5])),
     IndexError, "Target 5 is out of bounds."),
    (lambda lib: lib.nn.functional.cross_entropy(lib.randn(2, 3), lib.tensor([0, -1])),
     IndexError, "Target -1 is out of bounds."),
    (lambda lib: lib.nn.functional.cross_entropy(lib.randn(2, 3), lib.rand(2, 4)),
     RuntimeError, "0D or 1D target tensor expected, multi-target not supported"),
    (lambda lib: lib.nn.functional.cross_entropy(lib.randn(2, 3), lib.tensor([0, 1, 2])),
     ValueError, "Expected input batch_size (2) to match target batch_size (3)."),
    (lambda lib: lib.nn.functional.nll_loss(lib.randn(2, 3), lib.tensor([0.0, 1.0])),
     RuntimeError, "expected target dtype to be Long or Byte, but got Float"),
    (lambda lib: lib.nn.functional.binary_cross_entropy(lib.rand(2, 3), lib.rand(3)),
     ValueError, "Using a target size (torch.Size([3])) that is different to the input size "
     "(torch.Size([2, 3])) is deprecated"),
    (lambda lib: lib.nn.functional.binary_cross_entropy_with_logits(lib.rand(2, 3), lib.rand(3)),
     ValueError, "Target size (torch.Size([3])) must be the same as input size "
     "(torch.Size([2, 3]))"),
    (lambda lib: lib.nn.functional.binary_cross_entropy(lib.rand(2, 3) + 2, lib.rand(2, 3)),
     RuntimeError, "all elements of input should be between 0 and 1"),
    (lambda lib: lib.nn.functional.binary_cross_entropy(lib.rand(2, 3) - 2, lib.rand(2, 3)),
     RuntimeError, "all elements of input should be between 0 and 1"),
    (lambda lib: lib.nn.functional.binary_cross_entropy(
        lib.tensor([0.5, float("nan")]), lib.tensor([1.0, 0.0])),
     RuntimeError, "all elements of input should be between 0 and 1"),
    (lambda lib: lib.nn.functional.binary_cross_entropy(
        lib.tensor([0.5, 0.5], dtype=lib.float64), lib.tensor([1.0, 1.5], dtype=lib.float64)),
     RuntimeError, "all elements of target should be between 0 and 1"),
    (lambda lib: lib.nn.functional.binary_cross_entropy(
        lib.tensor([0.5, 0.5]), lib.tensor([float("nan"), 1.0]), reduction="none"),
     RuntimeError, "all elements of target should be between 0 and 1"),
    (lambda lib: lib.nn.functional.binary_cross_entropy(lib.tensor([0.5]), lib.tensor([1])),
     RuntimeError, "Found dtype Long but expected Float"),
    (lambda lib: lib.nn.BCELoss()(lib.tensor([0.5], dtype=lib.float64), lib.tensor([1.0])),
     RuntimeError, "Found dtype Float but expected Double"),
    (lambda lib: lib.nn.functional.binary_cross_entropy(lib.tensor([1]), lib.tensor([1])),
     NotImplementedError, '"binary_cross_entropy" not implemented for \'Long\''),
    (lambda lib: lib.nn.functional.mse_loss(lib.randn(2), lib.randn(2), reduction="bad"),
     ValueError, "bad is not a valid value for reduction"),
]


@pytest.mark.parametrize("fn,exc,message", ERRORS)
def test_errors(fn, exc, message):
    expect_error(fn, exc, message)


_DTYPE_VALUES = {"float32": [0.25, 0.75], "float64": [0.25, 0.75], "float16": [0.25, 0.75],
                 "int64": [0, 1], "int32": [1, 0], "bool": [True, False]}


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
                                  "binary_cross_entropy", "binary_cross_entropy_with_logits",
                                  "kl_div"])
@pytest.mark.parametrize("input_dtype", ["float32", "float64", "float16", "int64", "bool"])
@pytest.mark.parametrize("target_dtype", ["float32", "float64", "int64", "int32"])
def test_loss_dtypes_match_torch(name, input_dtype, target_dtype):
    """Mixed and integer dtypes: PyTorch's result dtype and value, or its error."""
    torch = require_torch()

    def run(lib):
        fn = getattr(lib.nn.functional, name)
        a = lib.tensor(_DTYPE_VALUES[input_dtype], dtype=getattr(lib, input_dtype))
        b = lib.tensor(_DTYPE_VALUES[target_dtype], dtype=getattr(lib, target_dtype))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out = fn(a, b)
            except Exception as error:  # noqa: BLE001 - the comparison is the point
                return type(error), str(error)
        return str(out.dtype), float(out.double())

    got, want = run(ember), run(torch)
    if isinstance(want[0], type):
        assert got[0] is want[0] and got[1].startswith(want[1][:40]), (got, want)
    else:
        assert got[0] == want[0], (got, want)
        np.testing.assert_allclose(got[1], want[1], rtol=2e-3, atol=1e-6)
