"""F.pad's reflect, replicate and circular modes and the padding layers against PyTorch:
values, gradients (elements read twice add up), second derivatives, reprs, errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(2)
X3 = rng.standard_normal((2, 3, 5))
X4 = rng.standard_normal((1, 2, 4, 5))
X5 = rng.standard_normal((1, 1, 3, 4, 4))

CASES = [
    ("reflect1", (2, 3), "reflect", X3), ("reflect1_neg", (-1, 2), "reflect", X3),
    ("reflect2", (1, 2, 3, 0), "reflect", X4), ("reflect3", (1, 1, 2, 0, 1, 2), "reflect", X5),
    ("replicate1", (3, 1), "replicate", X3), ("replicate2", (2, 2, 0, 5), "replicate", X4),
    ("replicate3", (1, 0, 0, 1, 2, 2), "replicate", X5),
    ("circular1", (5, 2), "circular", X3), ("circular2", (1, 3, 4, 2), "circular", X4),
    ("circular3", (1, 1, 1, 1, 3, 0), "circular", X5),
    ("reflect_unbatched", (2, 1), "reflect", X3[0]),
]


@pytest.mark.parametrize("name,pad,mode,x", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_against_torch(name, pad, mode, x, dtype):
    # (padding is linear: its second derivative is zero, and PyTorch's first-order gradient
    # carries a graph only because its backward kernel takes the input's shape from the input)
    check(lambda L, t: L.nn.functional.pad(t, pad, mode=mode), x.astype(dtype), gradgrad=False)


@pytest.mark.parametrize("name,pad,mode,x", CASES, ids=[c[0] for c in CASES])
def test_against_finite_differences(name, pad, mode, x):
    gradcheck(lambda L, t: L.nn.functional.pad(t, pad, mode=mode), x)


def test_layers_match_torch():
    torch = require_torch()
    for make, x in [(lambda nn: nn.ZeroPad2d((1, 1, 2, 0)), X4), (lambda nn: nn.ZeroPad1d(2), X3),
                    (lambda nn: nn.ConstantPad1d(2, 3.5), X3),
                    (lambda nn: nn.ConstantPad3d((1, 0, 2, 1, 0, 1), -1.0), X5),
                    (lambda nn: nn.ReflectionPad1d(2), X3),
                    (lambda nn: nn.ReflectionPad2d((1, 1, 2, 0)), X4),
                    (lambda nn: nn.ReplicationPad2d(1), X4),
                    (lambda nn: nn.ReplicationPad3d(1), X5),
                    (lambda nn: nn.CircularPad1d(1), X3),
                    (lambda nn: nn.CircularPad2d((1, 2, 3, 4)), X4)]:
        ours, theirs = make(ember.nn), make(torch.nn)
        assert repr(ours) == repr(theirs)
        np.testing.assert_array_equal(ours(ember.tensor(x)).numpy(),
                                      theirs(torch.tensor(x)).numpy())


ERRORS = [
    (lambda L: L.nn.functional.pad(L.ones(1, 2, 3), (3, 3), mode="reflect"), RuntimeError,
     "Argument #4: Padding size should be less than the corresponding input dimension, but "
     "got: padding (3, 3) at dimension 2 of input [1, 2, 3]"),
    (lambda L: L.nn.functional.pad(L.ones(1, 2, 3), (4, 0), mode="circular"), RuntimeError,
     "Padding value causes wrapping around more than once."),
    (lambda L: L.nn.functional.pad(L.ones(1, 2, 3), (1, 1), mode="replicate", value=2.0),
     RuntimeError, 'Padding mode "replicate" doesn\'t take in value argument'),
    (lambda L: L.nn.functional.pad(L.ones(3), (1, 1), mode="reflect"), NotImplementedError,
     "Padding size 2 is not supported for 1D input tensor."),
    (lambda L: L.nn.functional.pad(L.ones(1, 2, 3), (1, 1), mode="bad"), NotImplementedError,
     "Unrecognised padding mode bad"),
]


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors(fn, exception, message):
    expect_error(fn, exception, message)
