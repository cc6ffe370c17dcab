"""dtype inference and PyTorch's type promotion, checked against torch."""

import itertools

import numpy as np
import pytest

import ember
from oracle import require_torch

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def _make(lib, name, zero_dim):
    data = 1 if zero_dim else [1, 1]
    return lib.tensor(data, dtype=getattr(lib, name))


@pytest.mark.parametrize("a,b", list(itertools.product(DTYPES, DTYPES)))
def test_tensor_tensor_promotion(a, b):
    torch = require_torch()
    for a_zero, b_zero in [(False, False), (True, False), (False, True)]:
        expected = (_make(torch, a, a_zero) + _make(torch, b, b_zero)).dtype if not (
            a == b == "bool") else torch.bool
        got = (_make(ember, a, a_zero) + _make(ember, b, b_zero)).dtype
        assert str(got) == str(expected), (a, a_zero, b, b_zero)


@pytest.mark.parametrize("name", DTYPES)
@pytest.mark.parametrize("scalar", [2, 2.5, True])
def test_tensor_scalar_promotion(name, scalar):
    torch = require_torch()
    expected = (_make(torch, name, False) * scalar).dtype
    got = (_make(ember, name, False) * scalar).dtype
    assert str(got) == str(expected)


@pytest.mark.parametrize("data", [[1, 2], [1.0, 2], [True, False], 3, 3.5, [[1], [2]], [],
                                  [True, 2]])
def test_inference_from_python_data(data):
    torch = require_torch()
    assert str(ember.tensor(data).dtype) == str(torch.tensor(data).dtype)


def test_int_division_gives_float():
    torch = require_torch()
    for lib in (ember, torch):
        out = lib.tensor([1, 2]) / lib.tensor([2, 2])
        assert str(out.dtype) == "torch.float32"
    assert ember.tensor([1, 2]).float().dtype is ember.float32


def test_default_dtype_round_trip():
    assert ember.get_default_dtype() is ember.float32
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.tensor([1.0]).dtype is ember.float64
        assert ember.tensor([1, 2]).dtype is ember.int64
        assert (ember.tensor([1, 2]) * 1.5).dtype is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
    with pytest.raises(TypeError):
        ember.set_default_dtype(ember.int32)


def test_conversions():
    x = ember.tensor([1.7, -2.2])
    assert x.long().tolist() == [1, -2]
    assert x.int().dtype is ember.int32
    assert x.double().dtype is ember.float64
    assert x.bool().tolist() == [True, True]
    assert x.type() == "torch.FloatTensor"
    assert x.type(ember.float64).dtype is ember.float64
    assert x.to(ember.float16).dtype is ember.float16
    assert x.float() is x
    assert np.asarray(x).dtype == np.float32
