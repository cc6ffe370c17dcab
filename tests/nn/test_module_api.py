"""nn.Module's API, behaving as PyTorch's: registration, iteration, state dicts, modes, hooks."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import ember
from ember import nn
from oracle import expect_error, require_torch


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.blocks = nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 2)])
        self.scale = nn.Parameter(ember.ones(1))
        self.register_buffer("steps", ember.zeros(1))
        self.register_buffer("cache", ember.zeros(2), persistent=False)
        self.shared = self.fc1  # the same module twice: listed once

    def forward(self, x):
        x = self.act(self.fc1(x))
        for block in self.blocks:
            x = block(x)
        return x * self.scale


def test_registration_and_iteration():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "blocks.0.weight", "blocks.0.bias",
                     "blocks.1.weight", "blocks.1.bias"]
    assert len(list(net.parameters())) == 7
    assert [n for n, _ in net.named_buffers()] == ["steps", "cache"]
    assert [n for n, _ in net.named_children()] == ["fc1", "act", "blocks"]
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "act", "blocks", "blocks.0",
                                                    "blocks.1"]
    assert len(list(net.modules())) == 6
    assert list(net.state_dict()) == ["scale", "steps", "fc1.weight", "fc1.bias",
                                      "blocks.0.weight", "blocks.0.bias", "blocks.1.weight",
                                      "blocks.1.bias", "shared.weight", "shared.bias"]
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert net.get_submodule("blocks.1") is net.blocks[1]
    assert net.get_parameter("blocks.0.bias") is net.blocks[0].bias
    del net.act
    assert "act" not in dict(net.named_children())
    net.fc1.bias = None
    assert "fc1.bias" not in dict(net.named_parameters())


def test_same_registration_as_torch():
    torch = require_torch()

    def build(lib):
        torch_like = lib.nn

        class M(torch_like.Module):
            def __init__(self):
                super().__init__()
                self.a = torch_like.Linear(2, 2)
                self.b = torch_like.Sequential(self.a, torch_like.Linear(2, 1))
                self.register_buffer("r", lib.zeros(3))
                self.register_parameter("p", None)
                self.add_module("c", None)
        return M()

    e, t = build(ember), build(torch)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert list(e.state_dict()) == list(t.state_dict())
    assert repr(e) == repr(t)


def test_state_dict_round_trip_and_errors():
    a, b = Net(), Net()
    state = a.state_dict()
    assert not state["fc1.weight"].requires_grad
    result = b.load_state_dict(state)
    assert repr(result) == "<All keys matched successfully>"
    x = ember.randn(5, 3)
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())
    # state_dict values share storage with the parameters (as in PyTorch).
    with ember.no_grad():
        a.fc1.weight.add_(1)
    assert np.array_equal(state["fc1.weight"].numpy(), a.fc1.weight.detach().numpy())


def test_load_state_dict_errors_match_torch():
    def bad_keys(lib):
        layer = lib.nn.Linear(2, 3)
        layer.load_state_dict({"weight": lib.zeros(3, 3), "foo": lib.zeros(1)})

    expect_error(bad_keys, RuntimeError,
                 'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: '
                 '"bias". \n\tUnexpected key(s) in state_dict: "foo". \n\tsize mismatch for '
                 "weight: copying a param with shape torch.Size([3, 3]) from checkpoint, the "
                 "shape in current model is torch.Size([3, 2]).")
    torch = require_torch()
    e = nn.Linear(2, 3).load_state_dict({"weight": ember.zeros(3, 2), "bias": ember.zeros(3),
                                         "x": ember.zeros(1)}, strict=False)
    t = torch.nn.Linear(2, 3).load_state_dict({"weight": torch.zeros(3, 2),
                                               "bias": torch.zeros(3), "x": torch.zeros(1)},
                                              strict=False)
    assert repr(e) == repr(t)
    assert e.unexpected_keys == ["x"] and e.missing_keys == []


def test_modes_grad_and_dtype():
    net = Net()
    assert net.training and net.blocks[0].training
    net.eval()
    assert not net.training and not net.blocks[1].training
    net.train()
    assert net.fc1.training
    out = net(ember.randn(2, 3)).sum()
    out.backward()
    assert net.fc1.weight.grad is not None
    net.zero_grad(set_to_none=False)
    assert np.all(net.fc1.weight.grad.numpy() == 0)
    net.zero_grad()
    assert net.fc1.weight.grad is None
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    net.double()
    assert net.fc1.weight.dtype == ember.float64 and net.steps.dtype == ember.float64
    assert isinstance(net.fc1.weight, nn.Parameter)
    net.to(ember.float32)
    assert net.blocks[0].bias.dtype == ember.float32
    visited = []
    net.apply(lambda m: visited.append(type(m).__name__))
    assert visited == ["Linear", "ReLU", "Linear", "Linear", "ModuleList", "Net"]


def test_hooks():
    layer = nn.Linear(2, 2)
    calls = []
    pre = layer.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    post = layer.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    out = layer(ember.ones(3, 2))
    np.testing.assert_allclose(out.detach().numpy(),
                               (layer.bias + 1).detach().numpy()[None].repeat(3, 0))
    assert calls == [ember.Size([3, 2])]
    pre.remove(), post.remove()
    assert not layer._forward_hooks and not layer._forward_pre_hooks


def test_containers():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(seq) == 3 and isinstance(seq[-1], nn.Linear)
    assert isinstance(seq[1:], nn.Sequential) and len(seq[1:]) == 2
    seq.append(nn.Sigmoid())
    assert len(seq) == 4 and isinstance(seq[3], nn.Sigmoid)
    with pytest.raises(IndexError, match="index 4 is out of range"):
        seq[4]
    layers = nn.ModuleList()
    layers.append(nn.Linear(1, 1))
    layers.extend([nn.Linear(1, 1)])
    assert len(layers) == 2 and len(list(layers.parameters())) == 4
    table = nn.ModuleDict({"a": nn.Tanh(), "b": nn.Linear(1, 2)})
    assert list(table.keys()) == ["a", "b"] and "b" in table
    assert [n for n, _ in table.named_parameters()] == ["b.weight", "b.bias"]


def test_parameter_is_a_tensor():
    p = nn.Parameter(ember.tensor([1.0, 2.0]))
    assert isinstance(p, ember.Tensor) and p.requires_grad and p.is_leaf
    y = (p * 2).sum()
    y.backward()
    np.testing.assert_array_equal(p.grad.numpy(), [2.0, 2.0])
    clone = copy.deepcopy(nn.Linear(2, 2))
    assert isinstance(clone.weight, nn.Parameter)
    restored = pickle.loads(pickle.dumps(p.detach()))
    assert np.array_equal(restored.numpy(), [1.0, 2.0])


def test_assignment_errors():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign 'torch.Tensor' as parameter 'weight'"):
        layer.weight = ember.ones(2, 2)
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'nothing'"):
        layer.nothing
    with pytest.raises(KeyError):
        layer.register_parameter("a.b", None)


def test_linear_default_init_bounds():
    ember.manual_seed(0)
    layer = nn.Linear(400, 30)
    bound = 1 / 20
    w = layer.weight.detach().numpy()
    b = layer.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound  # kaiming_uniform_(a=sqrt(5))
    assert np.abs(b).max() <= bound
    conv = nn.Conv2d(4, 2, 3)
    assert np.abs(conv.weight.detach().numpy()).max() <= 1 / 6


def test_call_goes_straight_to_forward_without_hooks():
    layer = nn.Identity()
    x = ember.ones(1)
    assert layer(x) is x


def test_load_state_dict_and_init_overwrite_non_finite_values():
    layer = nn.Linear(2, 2)
    with ember.no_grad():
        layer.weight.fill_(float("nan"))
        layer.bias.fill_(float("inf"))
    layer.load_state_dict(nn.Linear(2, 2).state_dict())
    assert np.isfinite(layer.weight.detach().numpy()).all()
    assert np.isfinite(layer.bias.detach().numpy()).all()
    w = ember.full((3, 3), float("nan"))
    nn.init.uniform_(w)
    assert np.isfinite(w.numpy()).all()


def test_parameter_list_and_dict_match_torch():
    torch = require_torch()

    def build(lib):
        class M(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.p = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2)),
                                               lib.nn.Parameter(lib.ones(2, 3, dtype=lib.float64))])
                self.p.append(lib.ones(3))
                self.d = lib.nn.ParameterDict({"a": lib.nn.Parameter(lib.ones(2)),
                                               "b": lib.ones(1)})
        return M()

    e, t = build(ember), build(torch)
    assert repr(e) == repr(t)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert isinstance(e.p[2], nn.Parameter) and e.p[2].requires_grad
    assert len(e.p) == 3 and len(e.d) == 2 and "a" in e.d and list(e.d.keys()) == ["a", "b"]
    assert repr(nn.ParameterList()) == repr(torch.nn.ParameterList())
