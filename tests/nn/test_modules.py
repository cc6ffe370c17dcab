"""Modules against PyTorch: identical weights copied in, outputs and parameter gradients compared;
reprs compared with the strings torch prints."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import assert_close, require_torch

rng = np.random.default_rng(2)


# (constructor(nn), input shape, integer input?)
MODULES = [
    (lambda nn: nn.Linear(5, 3), (4, 5)),
    (lambda nn: nn.Linear(5, 3, bias=False), (2, 4, 5)),
    (lambda nn: nn.Conv2d(2, 4, 3, stride=2, padding=1), (2, 2, 7, 6)),
    (lambda nn: nn.Conv2d(4, 4, (3, 2), padding="same", dilation=(1, 2), groups=2, bias=False),
     (1, 4, 5, 6)),
    (lambda nn: nn.Conv1d(3, 2, 3, stride=2), (2, 3, 9)),
    (lambda nn: nn.MaxPool2d(2), (2, 3, 4, 5)),
    (lambda nn: nn.MaxPool2d(3, stride=1, padding=1), (1, 2, 4, 4)),
    (lambda nn: nn.AvgPool2d(2, stride=1), (1, 2, 4, 4)),
    (lambda nn: nn.AdaptiveAvgPool2d((2, 3)), (2, 2, 5, 7)),
    (lambda nn: nn.AdaptiveAvgPool2d(1), (2, 2, 5, 7)),
    (lambda nn: nn.MaxPool1d(3, stride=2, padding=1), (2, 3, 9)),
    (lambda nn: nn.MaxPool1d(2, ceil_mode=True), (3, 7)),
    (lambda nn: nn.AvgPool1d(3, stride=2, padding=1), (2, 3, 9)),
    (lambda nn: nn.AvgPool1d(2, ceil_mode=True, count_include_pad=False), (3, 7)),
    (lambda nn: nn.AdaptiveAvgPool1d(4), (2, 3, 9)),
    (lambda nn: nn.BatchNorm1d(3), (6, 3)),
    (lambda nn: nn.BatchNorm1d(3, affine=False), (4, 3, 5)),
    (lambda nn: nn.BatchNorm2d(2, momentum=0.3), (3, 2, 3, 3)),
    (lambda nn: nn.LayerNorm((2, 3)), (4, 2, 3)),
    (lambda nn: nn.GroupNorm(2, 4), (3, 4, 2, 2)),
    (lambda nn: nn.GroupNorm(3, 3, affine=False), (2, 3, 5)),
    (lambda nn: nn.LayerNorm(3, elementwise_affine=False), (4, 3)),
    (lambda nn: nn.PReLU(3, init=0.1), (2, 3, 4)),
    (lambda nn: nn.PReLU(), (2, 3)),
    (lambda nn: nn.Flatten(), (2, 3, 4)),
    (lambda nn: nn.Flatten(0, 1), (2, 3, 4)),
    (lambda nn: nn.Unflatten(1, (2, 2)), (3, 4)),
    (lambda nn: nn.Identity(), (3, 4)),
    (lambda nn: nn.Dropout(0.5), (3, 4)),
    (lambda nn: nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2), nn.Softmax(dim=1)),
     (5, 4)),
    (lambda nn: nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(12, 2), nn.LogSoftmax(dim=1)), (2, 1, 6, 6)),
] + [(lambda nn, name=name, kwargs=kwargs: getattr(nn, name)(**kwargs), (3, 4))
     for name, kwargs in [("ReLU", {}), ("Sigmoid", {}), ("Tanh", {}), ("LeakyReLU", {"negative_slope": 0.2}),
                          ("GELU", {}), ("GELU", {"approximate": "tanh"}), ("SiLU", {}),
                          ("ELU", {"alpha": 0.5}), ("CELU", {}), ("SELU", {}), ("Softplus", {"beta": 2.0}),
                          ("Mish", {}), ("Hardtanh", {"min_val": -0.5}), ("ReLU6", {}),
                          ("Hardsigmoid", {}), ("Hardswish", {}), ("LogSigmoid", {}),
                          ("Softsign", {}), ("Softmax", {"dim": 0}), ("LogSoftmax", {"dim": 1})]]


def _pair(make):
    torch = require_torch()
    t_module = make(torch.nn).double()
    e_module = make(ember.nn).double()
    # Identical weights: load torch's state dict (this also tests load_state_dict).
    e_module.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t_module.state_dict().items()})
    return e_module, t_module


@pytest.mark.parametrize("index", range(len(MODULES)))
def test_module_against_torch(index):
    torch = require_torch()
    make, shape = MODULES[index]
    e_module, t_module = _pair(make)
    assert repr(e_module) == repr(t_module)
    if isinstance(t_module, torch.nn.Dropout):
        e_module.eval(), t_module.eval()
    x = rng.standard_normal(shape)
    e_x = ember.tensor(x, requires_grad=True)
    t_x = torch.tensor(x, requires_grad=True)
    e_out, t_out = e_module(e_x), t_module(t_x)
    assert_close(e_out, t_out, what="forward")
    upstream = rng.standard_normal(tuple(t_out.shape))
    e_out.backward(ember.tensor(upstream))
    t_out.backward(torch.tensor(upstream))
    assert_close(e_x.grad, t_x.grad, what="input gradient")
    e_params = dict(e_module.named_parameters())
    t_params = dict(t_module.named_parameters())
    assert list(e_params) == list(t_params)
    for name in t_params:
        assert_close(e_params[name].grad, t_params[name].grad, what=f"gradient of {name}")
    for (name, e_buf), (_, t_buf) in zip(e_module.named_buffers(), t_module.named_buffers()):
        assert_close(e_buf, t_buf, what=f"buffer {name}")


def test_batch_norm_running_statistics_and_eval():
    torch = require_torch()
    for momentum in (0.1, None):
        e_bn, t_bn = _pair(lambda nn: nn.BatchNorm2d(3, momentum=momentum))
        for _ in range(3):
            x = rng.standard_normal((4, 3, 2, 2)) * 3 + 1
            e_bn(ember.tensor(x)), t_bn(torch.tensor(x))
        for key, value in t_bn.state_dict().items():
            assert_close(e_bn.state_dict()[key], value, what=key)
        e_bn.eval(), t_bn.eval()
        x = rng.standard_normal((2, 3, 2, 2))
        e_x, t_x = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        e_y, t_y = e_bn(e_x), t_bn(t_x)
        assert_close(e_y, t_y)
        assert type(e_y.grad_fn).__name__ == type(t_y.grad_fn).__name__
        e_y.sum().backward(), t_y.sum().backward()
        assert_close(e_x.grad, t_x.grad)
        assert_close(e_bn.weight.grad, t_bn.weight.grad)
        assert int(e_bn.num_batches_tracked) == int(t_bn.num_batches_tracked) == 3


def test_embedding_module():
    torch = require_torch()
    e_emb, t_emb = _pair(lambda nn: nn.Embedding(5, 3, padding_idx=1))
    assert repr(e_emb) == repr(t_emb)
    idx = [[0, 1, 4], [4, 4, 2]]
    e_out, t_out = e_emb(ember.tensor(idx)), t_emb(torch.tensor(idx))
    assert_close(e_out, t_out)
    e_out.sum().backward(), t_out.sum().backward()
    assert_close(e_emb.weight.grad, t_emb.weight.grad)
    fresh = ember.nn.Embedding(4, 2, padding_idx=0)
    assert np.all(fresh.weight.detach().numpy()[0] == 0)


def test_reprs_match_torch():
    torch = require_torch()

    def build(nn):
        return nn.Sequential(
            nn.Conv2d(1, 2, 3, padding="same", bias=False), nn.MaxPool2d(2), nn.BatchNorm2d(2),
            nn.Dropout(0.1), nn.Dropout2d(), nn.Flatten(), nn.LayerNorm(3),
            nn.Embedding(3, 4, padding_idx=0), nn.Softmax(1), nn.LeakyReLU(),
            nn.GELU(approximate="tanh"), nn.ELU(), nn.Softplus(), nn.CrossEntropyLoss(),
            nn.AdaptiveAvgPool2d((1, 1)), nn.AvgPool2d(2), nn.Conv1d(2, 3, 3, stride=2, dilation=2),
            nn.Conv2d(4, 4, 2, groups=2, padding=(1, 0)), nn.Unflatten(1, (2, 3)),
            nn.Hardtanh(), nn.ReLU6(), nn.ReLU(inplace=True), nn.Identity(),
            nn.ModuleDict({"a": nn.Tanh()}), nn.BatchNorm1d(4, affine=False),
            nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.ReLU()]),
            nn.Linear(3, 1, bias=False), nn.Sequential())

    assert repr(build(ember.nn)) == repr(build(torch.nn))
    assert repr(ember.nn.Parameter(ember.ones(2))) == repr(torch.nn.Parameter(torch.ones(2)))
    assert repr(ember.nn.Parameter(ember.ones(2), requires_grad=False)) == repr(
        torch.nn.Parameter(torch.ones(2), requires_grad=False))
