"""RNN, LSTM, GRU and their cells against PyTorch with the same weights: outputs, final states,
gradients of the input, the initial states and every parameter; parameter names, shapes and
initialisation bounds; reprs; errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ember
from oracle import expect_error, require_torch

rng = np.random.default_rng(0)


def _pair(kind, **options):
    torch = require_torch()
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(3, 4, **options).double()
    ours = getattr(ember.nn, kind)(3, 4, dtype=ember.float64, **options)
    ours.load_state_dict({k: ember.tensor(v.detach().numpy())
                          for k, v in theirs.state_dict().items()})
    return ours, theirs


def _close(got, want):
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-9,
                               atol=1e-12)


LAYERS = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2, "bidirectional": True}),
    ("RNN", {"bias": False, "batch_first": True}),
    ("LSTM", {}),
    ("LSTM", {"num_layers": 2, "batch_first": True}),
    ("LSTM", {"bias": False, "bidirectional": True, "num_layers": 2}),
    ("GRU", {}),
    ("GRU", {"bidirectional": True, "num_layers": 3}),
]


@pytest.mark.parametrize("kind,options", LAYERS, ids=[f"{k}-{o}" for k, o in LAYERS])
@pytest.mark.parametrize("with_state", [False, True])
@pytest.mark.parametrize("unbatched", [False, True])
def test_layers_match_torch(kind, options, with_state, unbatched):
    torch = require_torch()
    ours, theirs = _pair(kind, **options)
    directions = 2 if options.get("bidirectional") else 1
    layers = options.get("num_layers", 1)
    shape = (5, 3) if unbatched else ((2, 5, 3) if options.get("batch_first") else (5, 2, 3))
    x = rng.standard_normal(shape)
    state_shape = (layers * directions, 4) if unbatched else (layers * directions, 2, 4)
    states = [rng.standard_normal(state_shape) for _ in range(2 if kind == "LSTM" else 1)]
    results = []
    for lib, module in ((ember, ours), (torch, theirs)):
        xs = lib.tensor(x, requires_grad=True)
        hs = [lib.tensor(s, requires_grad=True) for s in states]
        if not with_state:
            out, final = module(xs)
        else:
            out, final = module(xs, tuple(hs) if kind == "LSTM" else hs[0])
        finals = list(final) if kind == "LSTM" else [final]
        loss = (out * out).sum() + sum((f * 1.5).sum() for f in finals)
        loss.backward()
        results.append((out, finals, xs.grad, [h.grad for h in hs] if with_state else [],
                        [p.grad for p in module.parameters()]))
    (o1, f1, g1, h1, p1), (o2, f2, g2, h2, p2) = results
    _close(o1, o2)
    for a, b in zip(f1 + [g1] + h1 + p1, f2 + [g2] + h2 + p2):
        _close(a, b)


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("unbatched", [False, True])
def test_cells_match_torch(kind, unbatched):
    torch = require_torch()
    ours, theirs = _pair(kind)
    x = rng.standard_normal((3,) if unbatched else (2, 3))
    state = rng.standard_normal((4,) if unbatched else (2, 4))
    outs = []
    for lib, module in ((ember, ours), (torch, theirs)):
        xs, hs = lib.tensor(x, requires_grad=True), lib.tensor(state, requires_grad=True)
        out = module(xs, (hs, hs * 0.5) if kind == "LSTMCell" else hs)
        total = sum(o.sum() for o in out) if kind == "LSTMCell" else out.sum()
        (total * total).backward()
        outs.append([*(out if kind == "LSTMCell" else [out]), xs.grad, hs.grad,
                     *[p.grad for p in module.parameters()]])
    for a, b in zip(*outs):
        _close(a, b)


def test_names_shapes_init_and_reprs_match_torch():
    torch = require_torch()
    for kind, options in LAYERS + [("RNNCell", {}), ("LSTMCell", {"bias": False}),
                                   ("GRUCell", {}), ("RNNCell", {"nonlinearity": "relu"})]:
        ours = getattr(ember.nn, kind)(3, 4, **options)
        theirs = getattr(torch.nn, kind)(3, 4, **options)
        assert repr(ours) == repr(theirs)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
        bound = 1 / math.sqrt(4)
        assert all(float(p.abs().max()) <= bound for p in ours.parameters())


def test_dropout_between_layers_only_in_training():
    torch = require_torch()
    ours, theirs = _pair("GRU", num_layers=2, dropout=0.5)
    assert repr(ours) == repr(theirs)
    ours.eval()
    theirs.eval()
    x = rng.standard_normal((4, 2, 3))
    _close(ours(ember.tensor(x))[0], theirs(torch.tensor(x))[0])
    ours.train()
    ember.manual_seed(0)
    a = ours(ember.tensor(x))[0]
    ember.manual_seed(1)
    b = ours(ember.tensor(x))[0]
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())


ERRORS = [
    (lambda L: L.nn.LSTM(3, 4)(L.randn(5, 2, 4)), RuntimeError,
     "input.size(-1) must be equal to input_size. Expected 3, got 4"),
    (lambda L: L.nn.GRU(3, 4)(L.randn(5, 2, 3), L.randn(2, 2, 4)), RuntimeError,
     "Expected hidden size (1, 2, 4), got [2, 2, 4]"),
    (lambda L: L.nn.RNN(3, 4, nonlinearity="sigmoid"), ValueError,
     "Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'."),
    (lambda L: L.nn.RNNCell(3, 4)(L.randn(2, 4)), RuntimeError,
     "input has inconsistent input_size: got 4 expected 3"),
    (lambda L: L.nn.LSTM(3, 4)(L.randn(2, 3, 5, 3)), ValueError,
     "LSTM: Expected input to be 2D or 3D, got 4D instead"),
]


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors(fn, exception, message):
    expect_error(fn, exception, message)
