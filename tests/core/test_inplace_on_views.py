"""In-place ops on views of a non-leaf (w = x * 2; op(w[0])): the values of w and the gradient
of x against PyTorch, for every in-place op users reach for. A write through a view must rebase
the base so that overwritten elements get no gradient and changed ones get the op's."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import require_torch

OPS = {
    "add_": lambda t, L: t.add_(1.5), "mul_": lambda t, L: t.mul_(3.0),
    "mul_tensor": lambda t, L: t.mul_(L.tensor([2.0, 3.0, 4.0])), "div_": lambda t, L: t.div_(2.0),
    "pow_": lambda t, L: t.pow_(2), "clamp_": lambda t, L: t.clamp_(0, 2.5),
    "clamp_min_": lambda t, L: t.clamp_min_(2.2), "fill_": lambda t, L: t.fill_(9.0),
    "fill_tensor": lambda t, L: t.fill_(L.tensor(4.0)), "zero_": lambda t, L: t.zero_(),
    "copy_": lambda t, L: t.copy_(L.tensor([1.0, 2.0, 3.0])),
    "masked_fill_": lambda t, L: t.masked_fill_(L.tensor([True, False, True]), 0.5),
    "index_fill_": lambda t, L: t.index_fill_(0, L.tensor([1]), 7.0),
    "scatter_": lambda t, L: t.scatter_(0, L.tensor([2]), 4.0), "exp_": lambda t, L: t.exp_(),
    "neg_": lambda t, L: t.neg_(), "abs_": lambda t, L: t.abs_(),
    "sigmoid_": lambda t, L: t.sigmoid_(), "relu_": lambda t, L: t.relu_(),
    "setitem": lambda t, L: t.__setitem__(1, 3.0),
    "setitem_tensor": lambda t, L: t.__setitem__(slice(0, 2), L.tensor([5.0, 6.0])),
    "sub_alpha": lambda t, L: t.sub_(L.tensor([1.0, 1.0, 1.0]), alpha=2),
    "addcmul_": lambda t, L: t.addcmul_(L.tensor([1.0, 2.0, 3.0]), L.tensor([2.0, 2.0, 2.0]),
                                        value=0.5),
    "lerp_": lambda t, L: t.lerp_(L.tensor([0.0, 1.0, 2.0]), 0.3),
    "index_add_": lambda t, L: t.index_add_(0, L.tensor([0, 0]), L.tensor([1.0, 2.0])),
    "masked_scatter_": lambda t, L: t.masked_scatter_(L.tensor([True, False, True]),
                                                      L.tensor([8.0, 9.0])),
    "tanh_": lambda t, L: t.tanh_(), "floor_": lambda t, L: t.floor_(),
    "sign_": lambda t, L: t.sign_(),
    "clamp_tensor": lambda t, L: t.clamp_(L.tensor([0.5, 0.5, 0.5]), L.tensor([2.0, 2.0, 2.0])),
}
VIEWS = {"row": lambda w: w[0], "flat": lambda w: w.view(6)[:3]}


def _run(lib, op, view):
    x = lib.tensor([[0.5, -1.0, 2.0], [1.5, 3.0, -0.5]], requires_grad=True)
    w = x * 2
    OPS[op](VIEWS[view](w), lib)
    (w * lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
    return np.asarray(w.tolist()), x.grad.numpy(), type(w.grad_fn).__name__


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("op", sorted(OPS))
def test_matches_torch(op, view):
    torch = require_torch()
    (values, grad, name), (want_values, want_grad, want_name) = (_run(ember, op, view),
                                                                 _run(torch, op, view))
    np.testing.assert_allclose(values, want_values, rtol=1e-6)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-6, atol=1e-6)  # (float32: 1 - tanh^2)
    assert name == want_name
