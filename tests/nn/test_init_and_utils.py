"""nn.init (bounds, statistics, gains vs torch) and nn.utils (clipping, vectors) vs torch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ember
from ember import nn
from oracle import assert_close, require_torch


@pytest.mark.parametrize("name,param", [("linear", None), ("conv2d", None), ("sigmoid", None),
                                        ("tanh", None), ("relu", None), ("leaky_relu", None),
                                        ("leaky_relu", 0.2), ("selu", None)])
def test_calculate_gain(name, param):
    torch = require_torch()
    assert nn.init.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)


def test_fan_errors_like_torch():
    torch = require_torch()
    for fn in ("xavier_uniform_", "kaiming_normal_"):
        with pytest.raises(ValueError) as t_err:
            getattr(torch.nn.init, fn)(torch.empty(3))
        with pytest.raises(ValueError) as e_err:
            getattr(nn.init, fn)(ember.empty(3))
        assert str(e_err.value) == str(t_err.value)
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        nn.init.calculate_gain("foo")


def test_distributions():
    ember.manual_seed(0)
    w = ember.empty(300, 200)
    nn.init.uniform_(w, -2, 3)
    values = w.numpy()
    assert values.min() >= -2 and values.max() < 3 and abs(values.mean() - 0.5) < 0.05
    nn.init.normal_(w, 1.0, 2.0)
    assert abs(w.numpy().mean() - 1) < 0.05 and abs(w.numpy().std() - 2) < 0.05
    nn.init.xavier_uniform_(w, gain=2.0)
    bound = 2.0 * math.sqrt(6 / 500)
    assert np.abs(w.numpy()).max() <= bound and np.abs(w.numpy()).max() > 0.95 * bound
    nn.init.xavier_normal_(w)
    assert abs(w.numpy().std() - math.sqrt(2 / 500)) < 0.002
    nn.init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu")
    assert np.abs(w.numpy()).max() <= math.sqrt(6 / 300)
    nn.init.kaiming_normal_(w)
    assert abs(w.numpy().std() - math.sqrt(2 / 200)) < 0.003
    nn.init.constant_(w, 0.5)
    assert np.all(w.numpy() == 0.5)
    nn.init.zeros_(w), nn.init.ones_(w)
    assert np.all(w.numpy() == 1)
    nn.init.eye_(w)
    assert np.array_equal(w.numpy(), np.eye(300, 200, dtype=np.float32))
    for shape in [(5, 8), (8, 5), (4, 2, 3)]:
        q = nn.init.orthogonal_(ember.empty(*shape), gain=1.5).numpy().reshape(shape[0], -1)
        small = q @ q.T if shape[0] <= q.shape[1] else q.T @ q
        np.testing.assert_allclose(small, 2.25 * np.eye(small.shape[0]), atol=1e-5)


def test_init_is_not_recorded():
    p = nn.Parameter(ember.empty(3, 4))
    nn.init.kaiming_uniform_(p, a=math.sqrt(5))
    assert p.grad_fn is None and p.requires_grad and p.is_leaf


def test_init_uses_embers_generator():
    ember.manual_seed(7)
    a = nn.Linear(5, 4).weight.detach().numpy().copy()
    ember.manual_seed(7)
    b = nn.Linear(5, 4).weight.detach().numpy()
    np.testing.assert_array_equal(a, b)


def _grads(lib, values):
    params = []
    for v in values:
        p = lib.tensor(np.asarray(v), requires_grad=True)
        (p * p).sum().backward()
        params.append(p)
    return params


@pytest.mark.parametrize("max_norm,norm_type", [(1.0, 2.0), (100.0, 2.0), (0.5, 1.0),
                                                (0.3, math.inf), (2.0, 3.0)])
def test_clip_grad_norm(max_norm, norm_type):
    torch = require_torch()
    values = [np.linspace(-1, 2, 6).reshape(2, 3), np.array([3.0, -0.5])]
    e, t = _grads(ember, values), _grads(torch, values)
    e_total = nn.utils.clip_grad_norm_(e, max_norm, norm_type)
    t_total = torch.nn.utils.clip_grad_norm_(t, max_norm, norm_type)
    assert_close(e_total, t_total)
    for a, b in zip(e, t):
        assert_close(a.grad, b.grad)


def test_clip_grad_value_and_vectors():
    torch = require_torch()
    values = [np.linspace(-1, 2, 6).reshape(2, 3), np.array([3.0, -0.5])]
    e, t = _grads(ember, values), _grads(torch, values)
    nn.utils.clip_grad_value_(e, 1.5)
    torch.nn.utils.clip_grad_value_(t, 1.5)
    for a, b in zip(e, t):
        assert_close(a.grad, b.grad)
    assert_close(nn.utils.parameters_to_vector(e), torch.nn.utils.parameters_to_vector(t))
    vector = np.arange(8.0)
    nn.utils.vector_to_parameters(ember.tensor(vector), e)
    torch.nn.utils.vector_to_parameters(torch.tensor(vector), t)
    for a, b in zip(e, t):
        assert_close(a, b)
