"""Small whole programs run in ember and in PyTorch from identical weights, compared step by step."""

from __future__ import annotations

import numpy as np

import ember
from oracle import assert_close, require_torch


def _cnn(nn):
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, groups=2, bias=False), nn.GELU(), nn.AdaptiveAvgPool2d((2, 2)),
        nn.Flatten(), nn.Linear(24, 16), nn.LayerNorm(16), nn.SiLU(), nn.Dropout(0.0),
        nn.Linear(16, 3))


def _copy_weights(e_model, t_model):
    e_model.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t_model.state_dict().items()})


def test_cnn_training_steps_match_torch():
    torch = require_torch()
    rng = np.random.default_rng(0)
    t_model = _cnn(torch.nn).double()
    e_model = _cnn(ember.nn).double()
    _copy_weights(e_model, t_model)
    t_opt = torch.optim.SGD(t_model.parameters(), lr=0.1, momentum=0.9)
    e_opt = ember.optim.SGD(e_model.parameters(), lr=0.1, momentum=0.9)
    for step in range(4):
        x = rng.standard_normal((6, 1, 8, 8))
        y = rng.integers(0, 3, 6)
        losses = []
        for lib, model, opt in ((ember, e_model, e_opt), (torch, t_model, t_opt)):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(y),
                                                   label_smoothing=0.1)
            loss.backward()
            lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            losses.append(loss)
        assert_close(losses[0], losses[1], what=f"loss at step {step}")
    for (name, e), (_, t) in zip(e_model.state_dict().items(), t_model.state_dict().items()):
        assert_close(e, t, what=name)
    e_model.eval(), t_model.eval()
    x = rng.standard_normal((2, 1, 8, 8))
    assert_close(e_model(ember.tensor(x)), t_model(torch.tensor(x)), what="eval output")


def test_mlp_float32_training_matches_torch():
    torch = require_torch()
    rng = np.random.default_rng(1)

    def build(nn):
        return nn.Sequential(nn.Flatten(), nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 16),
                             nn.Tanh(), nn.Linear(16, 1))

    t_model, e_model = build(torch.nn), build(ember.nn)
    _copy_weights(e_model, t_model)
    t_opt = torch.optim.Adam(t_model.parameters(), lr=0.01)
    e_opt = ember.optim.Adam(e_model.parameters(), lr=0.01)
    for _ in range(5):
        x = rng.standard_normal((8, 4, 5)).astype(np.float32)
        y = (rng.uniform(size=(8, 1)) > 0.5).astype(np.float32)
        for lib, model, opt in ((ember, e_model, e_opt), (torch, t_model, t_opt)):
            opt.zero_grad()
            lib.nn.BCEWithLogitsLoss(pos_weight=lib.tensor([2.0]))(
                model(lib.tensor(x)), lib.tensor(y)).backward()
            opt.step()
    for (name, e), (_, t) in zip(e_model.state_dict().items(), t_model.state_dict().items()):
        assert_close(e, t, rtol=1e-4, atol=1e-5, what=name)


def test_state_dict_save_and_load(tmp_path):
    model = _cnn(ember.nn)
    model(ember.randn(2, 1, 8, 8))  # moves the batch-norm running statistics
    path = tmp_path / "model.pt"
    ember.save(model.state_dict(), path)
    fresh = _cnn(ember.nn)
    fresh.load_state_dict(ember.load(path))
    model.eval(), fresh.eval()
    x = ember.randn(3, 1, 8, 8)
    np.testing.assert_array_equal(model(x).detach().numpy(), fresh(x).detach().numpy())
