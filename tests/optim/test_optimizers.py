"""Ten steps of each optimizer from identical weights and gradients, in ember and in PyTorch."""

import numpy as np
import pytest
import torch

import ember
import ember.optim  # noqa: F401
from oracle import expect_error

# Two parameters (a matrix and a bias) in two groups; the second group overrides some options.
CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.05)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.01, maximize=True, eps=1e-3)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5)),
]


def run(lib, name, options, w0, b0, grads, group_options):
    w = lib.tensor(w0, requires_grad=True)
    b = lib.tensor(b0, requires_grad=True)  # float64: the state follows each parameter's dtype
    opt = getattr(lib.optim, name)([{"params": [w]}, {"params": b, **group_options}], **options)
    history = []
    for gw, gb in grads:
        opt.zero_grad()
        # a loss whose gradient is a known function of the weights, so updates compound
        loss = (w * lib.tensor(gw)).sum() + (w * w).sum() * 0.5 + (b * lib.tensor(gb)).sum()
        loss.backward()
        opt.step()
        history.append((w.detach().numpy().copy(), b.detach().numpy().copy()))
    return history, opt


@pytest.mark.parametrize("name,options", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
@pytest.mark.parametrize("group_options", [{}, {"lr": 0.05, "weight_decay": 0.2}])
def test_ten_steps_match_pytorch(name, options, group_options):
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((4, 3)).astype(np.float32)
    b0 = rng.standard_normal(3)
    grads = [(rng.standard_normal((4, 3)).astype(np.float32),
              rng.standard_normal(3)) for _ in range(10)]
    ours, opt = run(ember, name, options, w0, b0, grads, group_options)
    theirs, topt = run(torch, name, options, w0, b0, grads, group_options)
    for step, ((w, b), (tw, tb)) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(w, tw, rtol=1e-5, atol=1e-6, err_msg=f"weight, step {step}")
        np.testing.assert_allclose(b, tb, rtol=1e-5, atol=1e-6, err_msg=f"bias, step {step}")
    # the state holds the same buffers
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert sd["state"].keys() == tsd["state"].keys()
    for index, state in sd["state"].items():
        assert state.keys() == tsd["state"][index].keys()
        for key, value in state.items():
            np.testing.assert_allclose(value.numpy(), tsd["state"][index][key].numpy(),
                                       rtol=1e-5, atol=1e-6)
            assert str(value.dtype) == str(tsd["state"][index][key].dtype)
    assert sd["param_groups"] == tsd["param_groups"]


def test_defaults_and_repr_match_pytorch():
    for name in ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]:
        kwargs = {"lr": 0.1}
        ours = getattr(ember.optim, name)([ember.zeros(2, requires_grad=True)], **kwargs)
        theirs = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
        assert ours.defaults == theirs.defaults
        assert list(ours.param_groups[0]) == list(theirs.param_groups[0])
        assert repr(ours) == repr(theirs)


def test_zero_grad():
    w = ember.ones(2, requires_grad=True)
    opt = ember.optim.SGD([w], lr=0.1)
    (w * 2).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert w.grad is not None and w.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert w.grad is None
    opt.step()  # no gradient: nothing happens
    assert w.tolist() == [1.0, 1.0]


def test_closure_is_run_with_grad_enabled():
    w = ember.tensor([3.0], requires_grad=True)
    opt = ember.optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with ember.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0
    assert w.tolist() == pytest.approx([2.4])


def test_add_param_group_and_state_dict_round_trip():
    w = ember.ones(2, requires_grad=True)
    b = ember.ones(1, requires_grad=True)
    opt = ember.optim.Adam([w], lr=0.1)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]
    for _ in range(3):
        opt.zero_grad()
        ((w * w).sum() + (b * 3).sum()).backward()
        opt.step()
    saved = opt.state_dict()
    w2 = w.detach().clone().requires_grad_()
    b2 = b.detach().clone().requires_grad_()
    opt2 = ember.optim.Adam([w2], lr=0.5)
    opt2.add_param_group({"params": b2})
    opt2.load_state_dict(saved)
    assert [g["lr"] for g in opt2.param_groups] == [0.1, 0.01]
    assert opt2.param_groups[0]["params"][0] is w2
    assert opt2.state[w2]["exp_avg"] is not opt.state[w]["exp_avg"]  # copied, not shared
    for o, p, q in ((opt, w, b), (opt2, w2, b2)):
        o.zero_grad()
        ((p * p).sum() + (q * 3).sum()).backward()
        o.step()
    assert w2.tolist() == w.tolist() and b2.tolist() == b.tolist()


@pytest.mark.parametrize("make,exc,message", [
    (lambda lib, p: lib.optim.SGD([p], lr=-1), ValueError, "Invalid learning rate: -1"),
    (lambda lib, p: lib.optim.SGD([p], lr=0.1, momentum=-1), ValueError,
     "Invalid momentum value: -1"),
    (lambda lib, p: lib.optim.SGD([p], lr=0.1, nesterov=True), ValueError,
     "Nesterov momentum requires a momentum and zero dampening"),
    (lambda lib, p: lib.optim.Adam([p], betas=(1.0, 0.9)), ValueError,
     "Invalid beta parameter at index 0: 1.0"),
    (lambda lib, p: lib.optim.Adam([p], eps=-1.0), ValueError, "Invalid epsilon value: -1.0"),
    (lambda lib, p: lib.optim.RMSprop([p], alpha=-1.0), ValueError, "Invalid alpha value: -1.0"),
    (lambda lib, p: lib.optim.Adagrad([p], lr_decay=-1.0), ValueError,
     "Invalid lr_decay value: -1.0"),
    (lambda lib, p: lib.optim.SGD(p, lr=0.1), TypeError,
     "params argument given to the optimizer should be an iterable of Tensors or dicts, "
     "but got torch.FloatTensor"),
    (lambda lib, p: lib.optim.SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
    (lambda lib, p: lib.optim.SGD([{"params": {p}}], lr=0.1), TypeError,
     "optimizer parameters need to be organized in ordered collections"),
    (lambda lib, p: lib.optim.SGD([p, 1.0], lr=0.1), TypeError,
     "optimizer can only optimize Tensors, but one of the params is float"),
    (lambda lib, p: lib.optim.SGD([p * 2], lr=0.1), ValueError, "can't optimize a non-leaf Tensor"),
    (lambda lib, p: lib.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1), ValueError,
     "some parameters appear in more than one parameter group"),
])
def test_errors_match_pytorch(make, exc, message):
    for lib in (ember, torch):
        p = lib.ones(2, requires_grad=True)
        with pytest.raises(exc) as info:
            make(lib, p)
        assert str(info.value).startswith(message), (lib.__name__, str(info.value))


@pytest.mark.parametrize("groups,message", [
    (lambda p, q: [p, q], "loaded state dict contains a parameter group that doesn't match the "
                          "size of optimizer's group"),
    (lambda p, q: [{"params": [p]}, {"params": [q]}],
     "loaded state dict has a different number of parameter groups"),
])
def test_load_state_dict_errors(groups, message):
    def load(lib):
        p = lib.ones(2, requires_grad=True)
        q = lib.ones(2, requires_grad=True)
        saved = lib.optim.SGD(groups(p, q), lr=0.1).state_dict()
        lib.optim.SGD([p], lr=0.1).load_state_dict(saved)

    expect_error(load, ValueError, message)
