"""nn.utils (norms, weight/spectral norm, parametrize, fusion, skip_init, functional_call) and
the newer nn.init functions, compared with torch."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import ember
from ember import nn
from oracle import assert_close, require_torch


def _copy_state(torch_module, ember_module):
    """Load torch's state (weights, buffers, power-iteration vectors) into the ember module."""
    state = {k: ember.tensor(v.detach().numpy()) for k, v in torch_module.state_dict().items()}
    ember_module.load_state_dict(state)


def _grads_close(e_module, t_module):
    e_named = dict(e_module.named_parameters())
    t_named = dict(t_module.named_parameters())
    assert list(e_named) == list(t_named)
    for name, t_param in t_named.items():
        assert_close(e_named[name].grad, t_param.grad, what=f"grad of {name}")


# --- clipping ----------------------------------------------------------------------------------
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
def test_get_total_norm_and_clip_with_norm(norm_type):
    torch = require_torch()
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in [(3, 4), (5,), ()]]
    totals, grads = [], []
    for lib in (ember, torch):
        params = [lib.zeros(a.shape, requires_grad=True) for a in arrays]
        for p, a in zip(params, arrays):
            p.grad = lib.tensor(a)
        total = lib.nn.utils.get_total_norm([p.grad for p in params], norm_type)
        lib.nn.utils.clip_grads_with_norm_(params, 0.5, total)
        totals.append(total)
        grads.append([p.grad for p in params])
    assert_close(totals[0], totals[1])
    for e, t in zip(*grads):
        assert_close(e, t)


def test_clip_grad_norm_deprecated_alias_warns_like_torch():
    torch = require_torch()
    results = []
    for lib in (ember, torch):
        w = lib.tensor([3.0, 4.0], requires_grad=True)
        (w * w).sum().backward()
        with pytest.warns(FutureWarning) as record:
            total = lib.nn.utils.clip_grad_norm([w], 1.0)
        results.append((total, w.grad, str(record[0].message)))
    assert_close(results[0][0], results[1][0])
    assert_close(results[0][1], results[1][1])
    assert results[0][2] == results[1][2]


def test_clip_grad_norm_nonfinite_error():
    w = ember.tensor([1.0], requires_grad=True)
    w.grad = ember.tensor([math.inf])
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients"):
        nn.utils.clip_grad_norm_([w], 1.0, error_if_nonfinite=True)


# --- weight_norm (hook API) --------------------------------------------------------------------
@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_hook_matches_torch(dim):
    torch = require_torch()
    torch.manual_seed(0)
    x = np.random.default_rng(1).standard_normal((2, 3, 7)).astype(np.float32)
    t_module = torch.nn.Conv1d(3, 4, 3)
    e_module = nn.Conv1d(3, 4, 3)
    _copy_state(t_module, e_module)
    with pytest.warns(FutureWarning, match="`torch.nn.utils.weight_norm` is deprecated"):
        nn.utils.weight_norm(e_module, dim=dim)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.nn.utils.weight_norm(t_module, dim=dim)
    assert list(e_module.state_dict()) == list(t_module.state_dict())
    assert e_module.weight_g.shape == t_module.weight_g.shape
    for _ in range(2):  # the hook recomputes the weight before every forward
        t_out = t_module(torch.tensor(x))
        e_out = e_module(ember.tensor(x))
        assert_close(e_out, t_out)
        (t_out ** 2).sum().backward()
        (e_out ** 2).sum().backward()
        _grads_close(e_module, t_module)
        with torch.no_grad():
            t_module.weight_v.mul_(1.5)
        with ember.no_grad():
            e_module.weight_v.mul_(1.5)
    nn.utils.remove_weight_norm(e_module)
    torch.nn.utils.remove_weight_norm(t_module)
    assert list(e_module.state_dict()) == list(t_module.state_dict()) == ["bias", "weight"]
    assert isinstance(e_module.weight, nn.Parameter) and not e_module._forward_pre_hooks
    assert_close(e_module.weight, t_module.weight)


def test_weight_norm_hook_errors():
    torch = require_torch()
    errors = []
    for lib in (ember, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = lib.nn.utils.weight_norm(lib.nn.Linear(2, 2))
            with pytest.raises(RuntimeError) as twice:
                lib.nn.utils.weight_norm(m)
        with pytest.raises(ValueError) as missing:
            lib.nn.utils.remove_weight_norm(lib.nn.Linear(2, 2), "weight")
        errors.append((str(twice.value), str(missing.value)))
    assert errors[0] == errors[1]


# --- spectral_norm (hook API) ------------------------------------------------------------------
@pytest.mark.parametrize("layer", ["linear", "conv", "conv_transpose"])
def test_spectral_norm_hook_matches_torch(layer):
    torch = require_torch()
    torch.manual_seed(0)
    make = {"linear": lambda lib: lib.nn.Linear(5, 4),
            "conv": lambda lib: lib.nn.Conv2d(2, 3, 3),
            "conv_transpose": lambda lib: lib.nn.ConvTranspose2d(3, 2, 3)}[layer]
    shape = {"linear": (3, 5), "conv": (2, 2, 5, 5), "conv_transpose": (2, 3, 4, 4)}[layer]
    x = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    t_module = torch.nn.utils.spectral_norm(make(torch), n_power_iterations=2)
    e_module = nn.utils.spectral_norm(make(ember), n_power_iterations=2)
    assert list(e_module.state_dict()) == list(t_module.state_dict())
    assert e_module.weight_u.shape == t_module.weight_u.shape
    assert e_module.weight_v.shape == t_module.weight_v.shape
    _copy_state(t_module, e_module)  # the same weight and the same starting u, v
    for step in range(2):  # training: u and v advance on every forward
        t_out, e_out = t_module(torch.tensor(x)), e_module(ember.tensor(x))
        assert_close(e_out, t_out, what=f"train step {step}")
        assert_close(e_module.weight_u, t_module.weight_u)
        assert_close(e_module.weight_v, t_module.weight_v)
        t_out.sum().backward()
        e_out.sum().backward()
        _grads_close(e_module, t_module)
    e_module.eval(), t_module.eval()
    u_before = e_module.weight_u.clone()
    assert_close(e_module(ember.tensor(x)), t_module(torch.tensor(x)), what="eval")
    assert ember.equal(e_module.weight_u, u_before)  # eval mode leaves the estimates alone
    nn.utils.remove_spectral_norm(e_module)
    torch.nn.utils.remove_spectral_norm(t_module)
    assert list(e_module.state_dict()) == list(t_module.state_dict())
    assert_close(e_module.weight, t_module.weight)


# --- parametrizations ----------------------------------------------------------------------------
def test_parametrizations_weight_norm_matches_torch():
    torch = require_torch()
    torch.manual_seed(0)
    x = np.random.default_rng(3).standard_normal((3, 4)).astype(np.float32)
    t_module = torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(4, 3))
    e_module = nn.utils.parametrizations.weight_norm(nn.Linear(4, 3))
    assert repr(e_module) == repr(t_module)
    assert list(e_module.state_dict()) == list(t_module.state_dict())
    _copy_state(t_module, e_module)
    assert_close(e_module.weight, t_module.weight)
    t_out, e_out = t_module(torch.tensor(x)), e_module(ember.tensor(x))
    assert_close(e_out, t_out)
    (t_out ** 3).sum().backward()
    (e_out ** 3).sum().backward()
    _grads_close(e_module, t_module)


def test_parametrizations_spectral_norm_matches_torch():
    torch = require_torch()
    torch.manual_seed(0)
    x = np.random.default_rng(4).standard_normal((2, 5)).astype(np.float32)
    t_module = torch.nn.utils.parametrizations.spectral_norm(torch.nn.Linear(5, 4))
    e_module = nn.utils.parametrizations.spectral_norm(nn.Linear(5, 4))
    assert repr(e_module) == repr(t_module)
    assert list(e_module.state_dict()) == list(t_module.state_dict())
    _copy_state(t_module, e_module)
    for mode in ("train", "eval"):
        getattr(t_module, mode)(), getattr(e_module, mode)()
        t_out, e_out = t_module(torch.tensor(x)), e_module(ember.tensor(x))
        assert_close(e_out, t_out, what=mode)
        t_out.sum().backward()
        e_out.sum().backward()
        _grads_close(e_module, t_module)
        t_u = t_module.parametrizations.weight[0]._u
        assert_close(e_module.parametrizations.weight[0]._u, t_u)
    # after 15 initial power-method steps sigma is the largest singular value
    fresh = nn.utils.parametrizations.spectral_norm(nn.Linear(6, 6))
    top = np.linalg.svd(fresh.parametrizations.weight.original.detach().numpy())[1][0]
    assert abs(np.linalg.svd(fresh.weight.detach().numpy())[1][0] - 1) < 1e-3 * top
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range"):
        nn.utils.parametrizations.spectral_norm(nn.Linear(2, 2), dim=2)


class _Symmetric:
    @staticmethod
    def make(lib):
        class Symmetric(lib.nn.Module):
            def forward(self, X):
                return X.triu() + X.triu(1).transpose(0, 1)

            def right_inverse(self, A):
                return A.triu()

        return Symmetric()


def _double(lib):
    class Double(lib.nn.Module):
        def forward(self, X):
            return X * 2

    return Double()


def test_parametrize_behaviour_matches_torch():
    torch = require_torch()
    from ember.nn.utils import parametrize

    torch.manual_seed(0)
    t_module = torch.nn.Linear(3, 3)
    e_module = nn.Linear(3, 3)
    _copy_state(t_module, e_module)
    e_weight = e_module.weight
    for lib, module in ((torch, t_module), (ember, e_module)):
        lib.nn.utils.parametrize.register_parametrization(module, "weight",
                                                          _Symmetric.make(lib))
    assert repr(e_module) == repr(t_module)
    assert type(e_module).__name__ == "ParametrizedLinear"
    assert isinstance(e_module, nn.Linear)
    assert parametrize.type_before_parametrizations(e_module) is nn.Linear
    assert list(e_module.state_dict()) == list(t_module.state_dict())
    assert [n for n, _ in e_module.named_parameters()] == \
        [n for n, _ in t_module.named_parameters()]
    # the original Parameter object is kept (optimizers holding it keep working)
    assert e_module.parametrizations.weight.original is e_weight
    assert parametrize.is_parametrized(e_module)
    assert parametrize.is_parametrized(e_module, "weight")
    assert not parametrize.is_parametrized(e_module, "bias")
    assert_close(e_module.weight, t_module.weight)
    assert ember.equal(e_module.weight, e_module.weight.T)
    # assigning goes through right_inverse
    value = np.arange(9.0, dtype=np.float32).reshape(3, 3)
    t_module.weight = torch.tensor(value)
    e_module.weight = ember.tensor(value)
    assert_close(e_module.parametrizations.weight.original,
                 t_module.parametrizations.weight.original)
    # a second parametrization chains after the first
    for lib, module in ((torch, t_module), (ember, e_module)):
        lib.nn.utils.parametrize.register_parametrization(module, "weight", _double(lib))
    assert repr(e_module) == repr(t_module)
    x = np.ones((2, 3), dtype=np.float32)
    t_out, e_out = t_module(torch.tensor(x)), e_module(ember.tensor(x))
    assert_close(e_out, t_out)
    t_out.sum().backward()
    e_out.sum().backward()
    _grads_close(e_module, t_module)
    with parametrize.cached():
        assert e_module.weight is e_module.weight
    assert e_module.weight is not e_module.weight
    parametrize.remove_parametrizations(e_module, "weight")
    torch.nn.utils.parametrize.remove_parametrizations(t_module, "weight")
    assert type(e_module) is nn.Linear and repr(e_module) == repr(t_module)
    assert e_module.weight is e_weight and isinstance(e_module.weight, nn.Parameter)
    assert_close(e_module.weight, t_module.weight)
    assert list(e_module.state_dict()) == ["bias", "weight"]


def test_parametrize_remove_without_leaving_parametrized_and_errors():
    torch = require_torch()
    from ember.nn.utils import parametrize

    m = nn.Linear(2, 2)
    before = m.weight.detach().clone()
    parametrize.register_parametrization(m, "weight", _double(ember))
    parametrize.remove_parametrizations(m, "weight", leave_parametrized=False)
    assert ember.equal(m.weight, before)
    messages = []
    for lib in (ember, torch):
        module = lib.nn.Linear(2, 2)
        with pytest.raises(ValueError) as missing:
            lib.nn.utils.parametrize.remove_parametrizations(module, "weight")
        with pytest.raises(ValueError) as unknown:
            lib.nn.utils.parametrize.register_parametrization(module, "foo", _double(lib))

        class Shrink(lib.nn.Module):
            def forward(self, X):
                return X[0]

        with pytest.raises(ValueError) as shape:
            lib.nn.utils.parametrize.register_parametrization(module, "weight", Shrink())
        messages.append((str(missing.value), str(unknown.value),
                         str(shape.value).splitlines()[0]))
    assert messages[0] == messages[1]


# --- fusion ------------------------------------------------------------------------------------
def _bn_state(torch, bn, rng):
    with torch.no_grad():
        bn.running_mean.copy_(torch.tensor(rng.standard_normal(bn.num_features)))
        bn.running_var.copy_(torch.tensor(rng.uniform(0.5, 2.0, bn.num_features)))
        bn.weight.copy_(torch.tensor(rng.standard_normal(bn.num_features)))
        bn.bias.copy_(torch.tensor(rng.standard_normal(bn.num_features)))


@pytest.mark.parametrize("kind", ["conv", "conv_transpose", "linear", "conv_no_bias"])
def test_fuse_with_batch_norm_matches_torch(kind):
    torch = require_torch()
    torch.manual_seed(0)
    rng = np.random.default_rng(5)
    if kind == "linear":
        layers = lambda lib: (lib.nn.Linear(4, 3), lib.nn.BatchNorm1d(3))  # noqa: E731
        x = rng.standard_normal((5, 4)).astype(np.float32)
    elif kind == "conv_transpose":
        layers = lambda lib: (lib.nn.ConvTranspose2d(2, 3, 3), lib.nn.BatchNorm2d(3))  # noqa: E731
        x = rng.standard_normal((1, 2, 4, 4)).astype(np.float32)
    else:
        bias = kind == "conv"
        layers = lambda lib: (lib.nn.Conv2d(2, 3, 3, bias=bias), lib.nn.BatchNorm2d(3))  # noqa
        x = rng.standard_normal((1, 2, 5, 5)).astype(np.float32)
    t_layer, t_bn = layers(torch)
    _bn_state(torch, t_bn, rng)
    e_layer, e_bn = layers(ember)
    _copy_state(t_layer, e_layer)
    _copy_state(t_bn, e_bn)
    for module in (t_layer, t_bn, e_layer, e_bn):
        module.eval()
    if kind == "linear":
        t_fused = torch.nn.utils.fuse_linear_bn_eval(t_layer, t_bn)
        e_fused = nn.utils.fuse_linear_bn_eval(e_layer, e_bn)
    else:
        transpose = kind == "conv_transpose"
        t_fused = torch.nn.utils.fuse_conv_bn_eval(t_layer, t_bn, transpose)
        e_fused = nn.utils.fuse_conv_bn_eval(e_layer, e_bn, transpose)
    assert e_fused is not e_layer and type(e_fused) is type(e_layer)
    assert isinstance(e_fused.weight, nn.Parameter) and isinstance(e_fused.bias, nn.Parameter)
    assert_close(e_fused.weight, t_fused.weight)
    assert_close(e_fused.bias, t_fused.bias)
    e_out = e_fused(ember.tensor(x))
    assert_close(e_out, t_fused(torch.tensor(x)))
    np.testing.assert_allclose(e_out.detach().numpy(),
                               e_bn(e_layer(ember.tensor(x))).detach().numpy(), atol=1e-5)
    with pytest.raises(AssertionError, match="Fusion only for eval!"):
        nn.utils.fuse_conv_bn_eval(e_layer.train(), e_bn)


def test_fuse_weights_functions_without_bias():
    torch = require_torch()
    rng = np.random.default_rng(6)
    w = rng.standard_normal((3, 4)).astype(np.float32)
    stats = [rng.standard_normal(3).astype(np.float32), rng.uniform(1, 2, 3).astype(np.float32)]
    results = []
    for lib in (ember, torch):
        args = [lib.tensor(a) for a in stats]
        results.append(lib.nn.utils.fuse_linear_bn_weights(lib.tensor(w), None, *args, 1e-5,
                                                           lib.ones(3), lib.zeros(3)))
        results.append(lib.nn.utils.fuse_conv_bn_weights(lib.tensor(w)[:, :, None, None],
                                                         None, *args, 1e-5, None, None))
    for e, t in zip(results[:2], results[2:]):
        for a, b in zip(e, t):
            assert_close(a, b)
            assert a.requires_grad == b.requires_grad


# --- skip_init and functional_call ---------------------------------------------------------------
def test_skip_init():
    torch = require_torch()
    m = nn.utils.skip_init(nn.Linear, 5, 2, bias=False)
    assert type(m) is nn.Linear and m.weight.shape == (2, 5) and m.bias is None
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="Expected a Module; got"):
            lib.nn.utils.skip_init(int)

        class NoDevice(lib.nn.Module):
            pass

        with pytest.raises(RuntimeError, match="Module must support a 'device' arg"):
            lib.nn.utils.skip_init(NoDevice)


def test_functional_call_matches_torch():
    torch = require_torch()
    results = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.BatchNorm1d(2))
        before = {k: v.clone() for k, v in model.state_dict().items()}
        values = {"0.weight": lib.tensor([[1.0, 2.0], [3.0, -1.0]], requires_grad=True),
                  "0.bias": lib.tensor([0.5, -0.5])}
        x = lib.tensor([[1.0, 1.0], [0.0, 2.0], [1.0, -1.0]])
        out = lib.func.functional_call(model, values, (x,))
        out.pow(2).sum().backward()
        with pytest.warns(FutureWarning) as record:
            again = lib.nn.utils.stateless.functional_call(model, values, x)
        for k, v in model.state_dict().items():
            if k.startswith("0."):
                assert lib.equal(v, before[k])  # the module is left as it was
        with pytest.raises(RuntimeError) as strict:
            lib.func.functional_call(model, values, x, strict=True)
        with pytest.raises(ValueError) as repeated:
            lib.func.functional_call(model, ({"0.bias": x[0]}, {"0.bias": x[0]}), x)
        results.append((out, values["0.weight"].grad, again, str(record[0].message),
                        str(strict.value), str(repeated.value), model[1].running_mean))
    for i, (e, t) in enumerate(zip(*results)):
        if isinstance(t, str):
            assert e == t, i
        else:
            assert_close(e, t, what=f"item {i}")


def test_functional_call_ties_shared_weights():
    torch = require_torch()
    results = []
    for lib in (ember, torch):
        first, second = lib.nn.Linear(2, 2, bias=False), lib.nn.Linear(2, 2, bias=False)
        second.weight = first.weight  # two modules, one Parameter
        model = lib.nn.Sequential(first, second)
        with lib.no_grad():
            first.weight.copy_(lib.tensor([[1.0, -1.0], [0.5, 2.0]]))
        values = {"0.weight": lib.eye(2) * 2}
        x = lib.tensor([[1.0, 3.0]])
        tied = lib.func.functional_call(model, values, x)
        untied = lib.func.functional_call(model, values, x, tie_weights=False)
        with pytest.raises(ValueError) as both:
            lib.func.functional_call(model, {"0.weight": lib.eye(2), "1.weight": lib.ones(2, 2)},
                                     x)
        results.append((tied, untied, str(both.value)))
    assert_close(results[0][0], results[1][0])
    assert results[0][0].tolist() == [[4.0, 12.0]]
    assert_close(results[0][1], results[1][1])
    assert results[0][2] == results[1][2]


# --- init --------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape,groups", [((4, 4, 3), 1), ((6, 3, 3, 3), 2), ((2, 2, 3, 3, 3), 1),
                                          ((3, 5, 4, 4), 1)])
def test_dirac_matches_torch_and_is_an_identity_conv(shape, groups):
    torch = require_torch()
    e = nn.init.dirac_(ember.empty(*shape), groups=groups)
    t = torch.nn.init.dirac_(torch.empty(*shape), groups=groups)
    assert_close(e, t)
    if shape == (4, 4, 3):
        x = ember.randn(2, 4, 9)
        assert ember.equal(nn.functional.conv1d(x, e, padding=1), x)


def test_dirac_and_sparse_errors_like_torch():
    torch = require_torch()
    for call in (lambda lib: lib.nn.init.dirac_(lib.empty(2, 2)),
                 lambda lib: lib.nn.init.dirac_(lib.empty(3, 2, 3), groups=2),
                 lambda lib: lib.nn.init.sparse_(lib.empty(2, 2, 2), 0.5),
                 lambda lib: lib.nn.init.orthogonal_(lib.empty(3))):
        messages = []
        for lib in (ember, torch):
            with pytest.raises(ValueError) as info:
                call(lib)
            messages.append(str(info.value))
        assert messages[0] == messages[1]


def test_sparse_statistics():
    ember.manual_seed(0)
    w = nn.init.sparse_(ember.empty(200, 50), sparsity=0.3, std=0.5)
    zeros_per_column = (w == 0).sum(0)
    assert (zeros_per_column == 60).all()  # ceil(0.3 * 200) in every column, at random rows
    rows_hit = (w == 0).any(1).sum().item()
    assert rows_hit > 150
    nonzero = w.numpy()[w.numpy() != 0]
    assert abs(nonzero.std() - 0.5) < 0.03 and abs(nonzero.mean()) < 0.03


def test_orthogonal_is_orthogonal_and_random():
    ember.manual_seed(1)
    a = nn.init.orthogonal_(ember.empty(6, 4)).numpy().astype(np.float64)
    b = nn.init.orthogonal_(ember.empty(6, 4)).numpy()
    np.testing.assert_allclose(a.T @ a, np.eye(4), atol=1e-6)
    assert not np.allclose(a, b)


@pytest.mark.parametrize("name", ["uniform", "normal", "constant", "eye", "dirac",
                                  "xavier_uniform", "xavier_normal", "kaiming_uniform",
                                  "kaiming_normal", "orthogonal", "sparse"])
def test_deprecated_init_aliases_warn_like_torch(name):
    torch = require_torch()
    shape = (4, 2, 3) if name == "dirac" else (4, 3)
    extra = {"constant": (0.5,), "sparse": (0.5,)}.get(name, ())
    messages = []
    for lib in (ember, torch):
        with pytest.warns(FutureWarning) as record:
            out = getattr(lib.nn.init, name)(lib.empty(*shape), *extra)
        assert tuple(out.shape) == shape
        messages.append(str(record[0].message))
    assert messages[0] == messages[1] == f"`nn.init.{name}` is now deprecated in favor of " \
        f"`nn.init.{name}_`."
