"""Creation functions against PyTorch: values, dtypes, shapes, requires_grad and errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import assert_close, check, expect_error, require_torch

ROWS = [
    ("zeros_varargs", lambda L: L.zeros(2, 3)),
    ("zeros_tuple", lambda L: L.zeros((2, 3))),
    ("zeros_list", lambda L: L.zeros([2, 3])),
    ("zeros_size_kw", lambda L: L.zeros(size=(2, 3))),
    ("zeros_Size", lambda L: L.zeros(L.Size([1, 2]))),
    ("zeros_0d", lambda L: L.zeros(())),
    ("zeros_empty", lambda L: L.zeros(0, 4)),
    ("zeros_numpy_int", lambda L: L.zeros(np.int64(3))),
    ("zeros_dtype", lambda L: L.zeros(2, dtype=L.int32)),
    ("zeros_bool", lambda L: L.zeros(2, dtype=L.bool)),
    ("ones", lambda L: L.ones(3, 1)),
    ("ones_size_kw", lambda L: L.ones(size=[4])),
    ("ones_float64", lambda L: L.ones((2,), dtype=L.float64)),
    ("empty_shape", lambda L: L.empty(2, 0)),
    ("full_int", lambda L: L.full((2, 2), 7)),
    ("full_float", lambda L: L.full([3], 1.5)),
    ("full_bool", lambda L: L.full((2,), True)),
    ("full_dtype", lambda L: L.full((2,), 1, dtype=L.float64)),
    ("full_truncates", lambda L: L.full((2,), 2.5, dtype=L.int64)),
    ("full_kw", lambda L: L.full(size=(2,), fill_value=3.0)),
    ("zeros_like", lambda L: L.zeros_like(L.ones(2, 2, dtype=L.float64))),
    ("ones_like_dtype", lambda L: L.ones_like(L.ones(2), dtype=L.int64)),
    ("full_like", lambda L: L.full_like(L.zeros(2, dtype=L.int32), 7.9)),
    ("arange", lambda L: L.arange(5)),
    ("arange_float", lambda L: L.arange(5.0)),
    ("arange_step", lambda L: L.arange(1, 4, 0.5)),
    ("arange_tenth", lambda L: L.arange(0, 1, 0.1)),
    ("arange_tenth_f64", lambda L: L.arange(0, 1, 0.1, dtype=L.float64)),
    ("arange_down", lambda L: L.arange(3, -3, -1.5)),
    # ceil((end - start) / step) in double: these lengths are where rounding decides
    ("arange_len_1", lambda L: L.arange(1, 1.3, 0.1)),
    ("arange_len_2", lambda L: L.arange(-0.7, 0.8, 0.1)),
    ("arange_len_3", lambda L: L.arange(0, 0.9, 0.3)),
    ("arange_len_4", lambda L: L.arange(0, 0.3, 0.1)),
    ("arange_int_as_float", lambda L: L.arange(0, 5, 2, dtype=L.float64)),
    ("arange_float_as_int", lambda L: L.arange(0.5, 4.5, 1.5, dtype=L.int64)),
    ("arange_float16", lambda L: L.arange(5, dtype=L.float16)),
    ("arange_tensor_bound", lambda L: L.arange(L.tensor(3))),
    ("arange_empty", lambda L: L.arange(3, 3)),
    ("linspace", lambda L: L.linspace(0, 1, 5)),
    ("linspace_one", lambda L: L.linspace(2, 3, 1)),
    ("linspace_zero", lambda L: L.linspace(2, 3, 0)),
    ("linspace_int", lambda L: L.linspace(0, 10, 4, dtype=L.int64)),
    ("logspace", lambda L: L.logspace(0, 3, 4)),
    ("logspace_base", lambda L: L.logspace(-1, 1, 3, base=2.0)),
    ("logspace_int", lambda L: L.logspace(0, 3, 4, dtype=L.int64)),
    ("logspace_f64", lambda L: L.logspace(0, 1, 3, dtype=L.float64)),
    ("eye", lambda L: L.eye(3)),
    ("eye_nm", lambda L: L.eye(2, 4)),
    ("eye_mn", lambda L: L.eye(4, 2)),
    ("eye_int", lambda L: L.eye(2, dtype=L.int64)),
    ("eye_0", lambda L: L.eye(0)),
    ("tril_indices", lambda L: L.tril_indices(3, 4, 1)),
    ("tril_indices_neg", lambda L: L.tril_indices(4, 3, -1)),
    ("triu_indices", lambda L: L.triu_indices(3, 3, -1)),
    ("triu_indices_int32", lambda L: L.triu_indices(2, 5, 2, dtype=L.int32)),
    ("new_zeros", lambda L: L.ones(2, dtype=L.float64).new_zeros(2, 3)),
    ("new_ones_dtype", lambda L: L.ones(2).new_ones((2,), dtype=L.int64)),
    ("new_full", lambda L: L.ones(2, dtype=L.int32).new_full((2,), 1.7)),
    ("new_tensor", lambda L: L.ones(2, dtype=L.float64).new_tensor([1, 2])),
    ("new_empty_shape", lambda L: L.ones(2, dtype=L.int16).new_empty(3).zero_()),
]


@pytest.mark.parametrize("fn", [r[1] for r in ROWS], ids=[r[0] for r in ROWS])
def test_against_torch(fn):
    check(fn, grad=False)


@pytest.mark.parametrize("fn", [
    lambda L: L.ones(2, requires_grad=True),
    lambda L: L.zeros((2, 3), requires_grad=True),
    lambda L: L.full((2,), 1.0, requires_grad=True),
    lambda L: L.arange(3.0, requires_grad=True),
    lambda L: L.eye(2, requires_grad=True),
    lambda L: L.linspace(0, 1, 3, requires_grad=True),
])
def test_requires_grad_leaves(fn):
    torch = require_torch()
    t, e = fn(torch), fn(ember)
    assert e.requires_grad and t.requires_grad and e.is_leaf
    assert_close(e, t)


def test_empty_has_shape_and_dtype():
    for args in [(2, 3), ((2, 3),), ([0],)]:
        x = ember.empty(*args, dtype=ember.float64)
        assert x.dtype is ember.float64 and x.shape == ember.zeros(*args).shape
    assert ember.empty_like(ember.ones(2, 3, dtype=ember.int32)).dtype is ember.int32


def test_default_dtype_is_followed():
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.zeros(2).dtype is ember.float64
        assert ember.arange(0.0, 1.0, 0.5).dtype is ember.float64
        assert ember.full((1,), 2.0).dtype is ember.float64
        assert ember.arange(3).dtype is ember.int64
    finally:
        ember.set_default_dtype(ember.float32)


ERRORS = [
    (lambda L: L.zeros(-1), RuntimeError, "zeros: Dimension size must be non-negative."),
    (lambda L: L.ones(-1), RuntimeError, "Trying to create tensor with negative dimension -1: [-1]"),
    (lambda L: L.empty(2, -1), RuntimeError,
     "Trying to create tensor with negative dimension -1: [2, -1]"),
    (lambda L: L.full((-1,), 1.0), RuntimeError, "Trying to create tensor with negative dim"),
    (lambda L: L.ones(2.5), TypeError,
     "ones(): argument 'size' (position 1) must be tuple of ints, not float"),
    (lambda L: L.zeros((2, 2.5)), TypeError,
     "zeros(): argument 'size' failed to unpack the object at pos 2"),
    (lambda L: L.full(2, 1.0), TypeError,
     "full(): argument 'size' (position 1) must be tuple of ints, not int"),
    (lambda L: L.ones(2, dtype=L.int64, requires_grad=True), RuntimeError,
     "Only Tensors of floating point and complex dtype can require gradients"),
    (lambda L: L.arange(0, 5, -1), RuntimeError,
     "upper bound and lower bound inconsistent with step sign"),
    (lambda L: L.arange(0, 5, 0), RuntimeError, "step must be nonzero"),
    (lambda L: L.arange(0, float("inf")), RuntimeError, "unsupported range: 0 -> inf"),
    (lambda L: L.linspace(0, 1, -1), RuntimeError, "number of steps must be non-negative"),
    (lambda L: L.logspace(0, 1, -2), RuntimeError, "number of steps must be non-negative"),
    (lambda L: L.eye(-1), RuntimeError, "n must be greater or equal to 0, got -1"),
    (lambda L: L.eye(2, -1), RuntimeError, "m must be greater or equal to 0, got -1"),
    (lambda L: L.tensor([1], requires_grad=True), RuntimeError,
     "Only Tensors of floating point and complex dtype can require gradients"),
    (lambda L: L.tensor([1]).requires_grad_(), RuntimeError,
     "only Tensors of floating point dtype can require gradients"),
    (lambda L: L.tensor([[1], [1, 2]]), ValueError, "expected sequence of length 1 at dim 1 (got 2)"),
    (lambda L: L.tensor([[[1]], [[1, 2]]]), ValueError,
     "expected sequence of length 1 at dim 2 (got 2)"),
    (lambda L: L.tensor([2 ** 63]), ValueError, "Overflow when unpacking long long"),
    (lambda L: L.tensor(["a"]), ValueError, "too many dimensions 'str'"),
    (lambda L: L.tensor([None]), RuntimeError, "Could not infer dtype of NoneType"),
    (lambda L: L.randint(5, 2, (2,)), RuntimeError,
     "random_ expects 'from' to be less than 'to', but got from=5 >= to=2"),
    (lambda L: L.randn(2, dtype=L.int32), NotImplementedError,
     '"normal_kernel_cpu" not implemented for \'Int\''),
    (lambda L: L.rand(2, dtype=L.int64), NotImplementedError,
     '"check_uniform_bounds" not implemented for \'Long\''),
]


def test_randint_with_high_and_size_only():
    t = ember.randint(3, (50,))
    assert t.dtype == ember.int64 and t.shape == (50,)
    assert int(t.min()) >= 0 and int(t.max()) < 3


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors(fn, exception, message):
    expect_error(fn, exception, message)
