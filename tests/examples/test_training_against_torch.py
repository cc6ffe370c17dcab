"""Whole small training programs run in ember and in PyTorch from identical weights and data;
losses and final weights are compared step by step (micrograd's habit)."""

import numpy as np
import pytest
import torch

import ember

pytestmark = pytest.mark.skipif(not hasattr(ember, "nn"), reason="ember.nn has not landed yet")


def set_weights(lib, model, arrays):
    with lib.no_grad():
        for p, a in zip(model.parameters(), arrays):
            p.copy_(lib.tensor(a))


def logistic(lib, x, y, weights):
    model = lib.nn.Sequential(lib.nn.Linear(2, 1), lib.nn.Sigmoid())
    set_weights(lib, model, weights)
    loss_fn = lib.nn.BCELoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = lib.tensor(x), lib.tensor(y)
    losses = []
    for _ in range(60):
        loss = loss_fn(model(x).squeeze(), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    return losses, [p.detach().numpy().copy() for p in model.parameters()]


def test_logistic_regression_matches_pytorch():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(1.7, 1, (100, 2)) + 1,
                        rng.normal(-1.7, 1, (100, 2)) + 1]).astype(np.float32)
    y = np.concatenate([np.zeros(100), np.ones(100)]).astype(np.float32)
    weights = [rng.standard_normal((1, 2)).astype(np.float32) * 0.5,
               rng.standard_normal(1).astype(np.float32) * 0.5]
    ours, ours_w = logistic(ember, x, y, weights)
    theirs, theirs_w = logistic(torch, x, y, weights)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    for a, b in zip(ours_w, theirs_w):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def mlp_program(lib, x, y, weights):
    nn = lib.nn
    model = nn.Sequential(nn.Linear(20, 16), nn.ReLU(), nn.Linear(16, 4))
    set_weights(lib, model, weights)
    optimizer = lib.optim.Adam([{"params": model[0].parameters(), "weight_decay": 0.01},
                                {"params": model[2].parameters()}], lr=0.01)
    scheduler = lib.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)
    loss_fn = nn.CrossEntropyLoss()
    data = lib.utils.data
    loader = data.DataLoader(data.TensorDataset(lib.tensor(x), lib.tensor(y)), batch_size=16)
    losses = []
    for _ in range(4):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
    return losses, [p.detach().numpy().copy() for p in model.parameters()]


def test_mlp_with_param_groups_scheduler_and_loader_matches_pytorch():
    import torch.utils.data  # noqa: F401

    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 20)).astype(np.float32)
    y = rng.integers(0, 4, 64)
    weights = [rng.standard_normal(s).astype(np.float32) * 0.3
               for s in [(16, 20), (16,), (4, 16), (4,)]]
    ours, ours_w = mlp_program(ember, x, y, weights)
    theirs, theirs_w = mlp_program(torch, x, y, weights)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
    for a, b in zip(ours_w, theirs_w):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
