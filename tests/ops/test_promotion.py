"""Property tests for binary ops: random broadcastable (and non-broadcastable) shape pairs and
random dtype pairs (tensors, 0-dim tensors, Python numbers); ember's result shape, dtype, value
and gradients must be PyTorch's, and a clash must raise PyTorch's error."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember
from oracle import assert_close, require_torch

torch = require_torch()

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

OPS = {
    "add": lambda L, a, b: a + b, "sub": lambda L, a, b: a - b, "mul": lambda L, a, b: a * b,
    "div": lambda L, a, b: a / b, "maximum": lambda L, a, b: L.maximum(a, b),
    "atan2": lambda L, a, b: L.atan2(a, b), "pow": lambda L, a, b: L.pow(L.abs(a) + 1, b),
    "remainder": lambda L, a, b: L.remainder(a, b), "hypot": lambda L, a, b: L.hypot(a, b),
    "lerp": lambda L, a, b: L.lerp(a, b, 0.3), "eq": lambda L, a, b: a == b,
    "fmin": lambda L, a, b: L.fmin(a, b), "copysign_like": lambda L, a, b: L.abs(a) * L.sign(b),
    "where": lambda L, a, b: L.where(a > 0, a, b),
    "clamp": lambda L, a, b: L.clamp(a, min=b),
}


@st.composite
def broadcast_pair(draw):
    """Two shapes that broadcast: a common shape, with dims dropped from the front or set to 1."""
    common = draw(st.lists(st.integers(0, 3), min_size=0, max_size=4))

    def derive():
        cut = draw(st.integers(0, len(common)))
        return tuple(1 if draw(st.booleans()) else s for s in common[cut:])

    return derive(), derive()


@given(pair=broadcast_pair(), op=st.sampled_from(sorted(OPS)), seed=st.integers(0, 2**16))
@SETTINGS
def test_broadcasting_values_and_gradients(pair, op, seed):
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(rng.uniform(0.5, 2.0, size=s) * rng.choice([-1, 1], size=s))
              for s in pair]
    outs, grads = [], []
    for lib in (ember, torch):
        xs = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = OPS[op](lib, *xs)
        outs.append(out)
        if out.requires_grad:
            grads.append(lib.autograd.grad(out.sum(), xs, allow_unused=True))
    assert_close(outs[0], outs[1], what=f"{op} forward")
    if grads:
        assert len(grads) == 2
        for e, t in zip(*grads):
            if t is None:
                assert e is None or not np.any(e.numpy())
            else:
                assert_close(e, t, what=f"{op} gradient")


@st.composite
def clashing_pair(draw):
    size = draw(st.integers(2, 4))
    other = draw(st.integers(2, 4).filter(lambda s: s != size))
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    return lead + (size,), (other,)


@given(pair=clashing_pair(), op=st.sampled_from(sorted(OPS)))
@SETTINGS
def test_non_broadcastable_shapes_raise_torchs_error(pair, op):
    messages = []
    for lib in (ember, torch):
        xs = [lib.ones(s) for s in pair]
        with pytest.raises(RuntimeError) as error:
            OPS[op](lib, *xs)
        messages.append(str(error.value))
    assert messages[0].split(" at ")[0] == messages[1].split(" at ")[0]


DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
OPERAND = st.one_of(
    st.tuples(st.sampled_from(DTYPES), st.sampled_from(["tensor", "scalar_tensor"])),
    st.tuples(st.sampled_from(["int", "float", "bool"]), st.just("python")))
PROMOTING = {
    "add": lambda L, a, b: L.add(a, b), "mul": lambda L, a, b: L.mul(a, b),
    "div": lambda L, a, b: L.div(a, b), "maximum": lambda L, a, b: L.maximum(a, b),
    "eq": lambda L, a, b: L.eq(a, b), "floor_divide": lambda L, a, b: L.floor_divide(a, b),
    "remainder": lambda L, a, b: L.remainder(a, b), "pow": lambda L, a, b: L.pow(a, b),
    "bitwise_or": lambda L, a, b: L.bitwise_or(a, b), "fmod": lambda L, a, b: L.fmod(a, b),
    "div_trunc": lambda L, a, b: L.div(a, b, rounding_mode="trunc"),
    "logical_xor": lambda L, a, b: L.logical_xor(a, b), "atan2": lambda L, a, b: L.atan2(a, b),
    "clamp": lambda L, a, b: L.clamp(a, b),
}


def make_operand(lib, kind, values):
    name, form = kind
    if form == "python":
        return {"int": 3, "float": 1.5, "bool": True}[name]
    data = values if form == "tensor" else values[:1].reshape(())  # (a 0-d array)
    if name == "bool":
        return lib.tensor(data > 2)
    return lib.tensor(data.astype(name))


@given(first=OPERAND, second=OPERAND, op=st.sampled_from(sorted(PROMOTING)))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_dtype_promotion(first, second, op):
    """Tensor/0-dim/Python-number operands of every dtype: PyTorch's result dtype and values,
    or the same exception type."""
    values = np.array([1, 2, 3, 5])
    if first[1] == "python":
        first, second = second, first  # the first operand is a tensor (as a method call)
    if first[1] == "python":
        return
    fn = PROMOTING[op]
    try:
        expected = fn(torch, make_operand(torch, first, values),
                      make_operand(torch, second, values[::-1].copy()))
    except Exception as error:  # noqa: BLE001 - whatever torch raises, ember must raise too
        with pytest.raises(type(error)):
            fn(ember, make_operand(ember, first, values),
               make_operand(ember, second, values[::-1].copy()))
        return
    actual = fn(ember, make_operand(ember, first, values),
                make_operand(ember, second, values[::-1].copy()))
    assert str(actual.dtype) == str(expected.dtype), (op, first, second)
    assert actual.shape == expected.shape
    rtol = 1e-2 if expected.dtype == torch.float16 else 1e-5
    np.testing.assert_allclose(actual.numpy().astype(np.float64),
                               expected.numpy().astype(np.float64), rtol=rtol, equal_nan=True)
