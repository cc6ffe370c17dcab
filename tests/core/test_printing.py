"""repr must match PyTorch's character for character."""

import numpy as np
import pytest

import ember
from oracle import require_torch

CASES = [
    "lib.tensor([1., 2.])",
    "lib.tensor(27.)",
    "lib.tensor([5.])",
    "lib.tensor([1, 2, 3])",
    "lib.tensor([True, False])",
    "lib.tensor([[True, False], [False, True]])",
    "lib.tensor([1e-5, 1.])",
    "lib.tensor([1e5, 1.])",
    "lib.tensor([123456789.])",
    "lib.tensor([1.5e10, 1.])",
    "lib.tensor(float('nan'))",
    "lib.tensor([float('inf'), 1., -2.])",
    "lib.tensor([float('nan'), 0.5])",
    "lib.tensor([0., 0.])",
    "lib.tensor([-0.5, 12.25, 3.125])",
    "lib.tensor([[1.5, -2.25], [3., 4.]])",
    "lib.tensor([1, 2], dtype=lib.int32)",
    "lib.tensor([1., 2.], dtype=lib.float64)",
    "lib.tensor([1., 2.], dtype=lib.float16)",
    "lib.tensor([], dtype=lib.float64)",
    "lib.zeros(0, 3)",
    "lib.zeros(2, 0, 3, dtype=lib.int32)",
    "lib.arange(2000.)",
    "lib.arange(2000)",
    "lib.arange(24.).reshape(2, 3, 4)",
    "lib.arange(3000.).reshape(30, 100)",
    "lib.arange(1200).reshape(2, 3, 200)",
    "lib.ones(2, 3, dtype=lib.float64, requires_grad=True)",
    "lib.ones(2, 2, requires_grad=True) + 2",
    "(lib.ones(2, 2, requires_grad=True) * 3).mean()",
    "lib.tensor(2., requires_grad=True)",
    "lib.arange(30.) / 7",
    "lib.arange(100.) * 1234.5",
    "lib.tensor([-1.0, 1e-3, 1e2])",
    "lib.tensor([0.1, 0.25, 1000.5])",
    "lib.tensor(3, dtype=lib.uint8)",
    "lib.tensor([-3, 100000])",
    "lib.ones(3, 4, 5)",
    "lib.tensor([[float('nan')] * 3, [0., float('nan'), float('nan')]])",
    "lib.tensor([1., float('inf'), float('nan')])",
    "lib.tensor([0., float('-inf')])",
    "lib.tensor(__import__('numpy').float64(1.5))",
    "lib.tensor([], dtype=lib.int64)",
    "lib.zeros(0, 2, dtype=lib.int32)",
]


@pytest.mark.parametrize("expression", CASES)
def test_repr_matches_torch(expression):
    torch = require_torch()
    expected = repr(eval(expression, {"lib": torch}))
    actual = repr(eval(expression, {"lib": ember}))
    assert actual == expected


def test_random_values_print_like_torch():
    torch = require_torch()
    rng = np.random.default_rng(1)
    for shape in [(3,), (4, 5), (2, 3, 4), (12,), (1001,)]:
        for scale in (1.0, 1e-3, 1e4, 1e9):
            data = (rng.standard_normal(shape) * scale).astype(np.float32)
            assert repr(ember.from_numpy(data)) == repr(torch.from_numpy(data))


def test_grad_fn_repr_and_size():
    torch = require_torch()
    x = ember.ones(2, requires_grad=True)
    node = (x * 2).grad_fn
    assert repr(node).startswith("<MulBackward0 object at 0x")
    assert repr(x.shape) == repr(torch.ones(2).shape) == "torch.Size([2])"
    assert str(ember.float32) == str(torch.float32)
