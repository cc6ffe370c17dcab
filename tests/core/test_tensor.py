"""Tensor creation and attributes."""

import numpy as np
import pytest

import ember
from oracle import assert_close, expect_error, require_torch


def test_creation_functions_match_torch():
    torch = require_torch()
    cases = [
        "lib.zeros(2, 3)", "lib.zeros((2, 3))", "lib.ones(4)", "lib.full((2, 2), 7.)",
        "lib.full((2,), 3)", "lib.arange(5)", "lib.arange(1, 4)", "lib.arange(0, 1, 0.25)",
        "lib.arange(1., 2.5, 0.5)", "lib.linspace(0, 1, 5)", "lib.eye(3)", "lib.eye(2, 3)",
        "lib.zeros_like(lib.ones(2, dtype=lib.int32))", "lib.ones_like(lib.zeros(3))",
        "lib.full_like(lib.zeros(2), 4)", "lib.tensor([[1, 2], [3, 4]])",
        "lib.as_tensor([1., 2.])", "lib.empty(2, 3).shape",
    ]
    for expression in cases:
        expected = eval(expression, {"lib": torch})
        actual = eval(expression, {"lib": ember})
        if isinstance(expected, torch.Tensor):
            assert_close(actual, expected, what=expression)
        else:
            assert tuple(actual) == tuple(expected)


def test_from_numpy_and_numpy_share_memory():
    array = np.zeros(3, dtype=np.float32)
    t = ember.from_numpy(array)
    array[0] = 5
    assert t[0].item() == 5
    t.numpy()[1] = 7
    assert array[1] == 7


def test_numpy_refuses_tensor_requiring_grad():
    expect_error(lambda lib: lib.ones(2, requires_grad=True).numpy(), RuntimeError,
                 "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy()")


def test_attributes():
    x = ember.arange(6.).reshape(2, 3)
    assert x.shape == (2, 3) and x.size() == (2, 3) and x.size(1) == 3 and x.size(-1) == 3
    assert x.dim() == x.ndim == 2
    assert x.numel() == 6
    assert str(x.device) == "cpu"
    assert x.T.shape == (3, 2)
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert ember.tensor([2.5]).item() == 2.5
    assert len(x) == 2
    assert [row.tolist() for row in x] == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert bool(ember.tensor([1.])) and not bool(ember.tensor(0))
    assert float(ember.tensor(2.5)) == 2.5 and int(ember.tensor(3)) == 3


def test_bool_of_many_elements_errors():
    expect_error(lambda lib: bool(lib.ones(2)), RuntimeError,
                 "Boolean value of Tensor with more than one value is ambiguous")


def test_random_creation_and_seed():
    ember.manual_seed(0)
    a = ember.rand(3, 4)
    ember.manual_seed(0)
    b = ember.rand(3, 4)
    assert a.dtype is ember.float32 and a.shape == (3, 4)
    assert np.array_equal(a.numpy(), b.numpy())
    assert 0 <= a.min().item() if hasattr(a, "min") else True
    n = ember.randn(10000)
    assert abs(n.mean().item()) < 0.05
    r = ember.randint(0, 5, (100,))
    assert r.dtype is ember.int64 and r.numpy().min() >= 0 and r.numpy().max() < 5
    m = ember.normal(2.0, 0.5, size=(1000,))
    assert abs(m.mean().item() - 2.0) < 0.1
    assert ember.rand_like(a).shape == a.shape and ember.randn_like(a).dtype is ember.float32


def test_bad_arguments_raise_type_errors():
    with pytest.raises(TypeError, match="other"):
        ember.add(ember.ones(2), "a")
    with pytest.raises(TypeError):
        ember.zeros(2, "a")
    with pytest.raises(TypeError):
        ember.tensor("abc")


def test_errors_match_torch():
    expect_error(lambda lib: lib.ones(2, 3) + lib.ones(2, 4), RuntimeError,
                 "The size of tensor a (3) must match the size of tensor b (4) at "
                 "non-singleton dimension 1")
    expect_error(lambda lib: lib.ones(2, 3) @ lib.ones(4, 5), RuntimeError,
                 "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)")
    expect_error(lambda lib: lib.ones(2, 3).mm(lib.ones(4, 5)), RuntimeError,
                 "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)")
    expect_error(lambda lib: lib.ones(2, 3).sum(2), IndexError,
                 "Dimension out of range (expected to be in range of [-2, 1], but got 2)")
    expect_error(lambda lib: lib.ones(2, 3)[2], IndexError,
                 "index 2 is out of bounds for dimension 0 with size 2")
    expect_error(lambda lib: lib.ones(2, 3).view(4), RuntimeError,
                 "shape '[4]' is invalid for input of size 6")
    expect_error(lambda lib: lib.tensor([1, 2]).requires_grad_(), RuntimeError,
                 "only Tensors of floating point")


def test_copy_matches_torch():
    torch = require_torch()
    results = []
    for lib in (ember, torch):
        target = lib.tensor([[float("nan"), 1.0], [2.0, float("inf")]])
        target.copy_(lib.tensor([5.0, 6.0], dtype=lib.float64))
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a = lib.zeros(3, 2)
        a.copy_(x)
        (a * a).sum().backward()
        results.append((target.tolist(), type(a.grad_fn).__name__, x.grad.tolist()))
    assert results[0] == results[1]
    expect_error(lambda lib: lib.zeros(2, 3).copy_(lib.ones(2)), RuntimeError,
                 "The size of tensor a (3) must match the size of tensor b (2) at "
                 "non-singleton dimension 1")


def test_where_method_matches_torch():
    torch = require_torch()
    out = []
    for lib in (ember, torch):
        a = lib.tensor([1.0, 5.0])
        b = lib.tensor([3.0, 2.0])
        out.append((a.where(a >= b, b).tolist(), lib.where(a >= b, a, b).tolist()))
    assert out[0] == out[1]


def test_size_slices_sums_and_repeats_are_sizes():
    torch = require_torch()
    for lib in (ember, torch):
        s = lib.zeros(2, 3, 4).shape
        results = [s[1:], s[::-1], s + (5,), (1,) + s, s * 2, 2 * s, s[0], s[-1]]
        if lib is ember:
            mine = results
            continue
        for actual, expected in zip(mine, results):
            assert repr(actual) == repr(expected)
            assert type(actual).__name__ == type(expected).__name__
