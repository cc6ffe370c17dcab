"""Node hooks, module backward hooks, saved-tensor hooks and checkpointing, against PyTorch."""

import warnings

import numpy as np
import pytest
import torch

import ember


def _run(lib, program):
    calls = []
    result = program(lib, calls)
    return calls, result


def _same(a, b):
    """Recorded values: tensors become nested lists, compared with a tolerance."""
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif hasattr(a, "detach"):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
    else:
        assert a == b


def _node_hooks(lib, calls):
    x = lib.tensor([1., 2.], requires_grad=True)
    y = x * 3
    z = y.exp()
    y.grad_fn.register_prehook(lambda go: calls.append(("pre", go)))
    y.grad_fn.register_hook(lambda gi, go: (calls.append(("post", gi, go)), (gi[0] * 2, None))[1])
    removed = z.grad_fn.register_hook(lambda gi, go: calls.append("removed"))
    removed.remove()
    z.grad_fn.register_prehook(lambda go: (go[0] + 1,))
    z.sum().backward()
    return x.grad, y.grad_fn.name(), z.grad_fn.name(), len(y.grad_fn.next_functions)


def test_node_hooks_order_arguments_and_replacement():
    (ours, ours_result), (theirs, theirs_result) = _run(ember, _node_hooks), _run(torch, _node_hooks)
    assert [c[0] for c in ours] == ["pre", "post"]
    _same(ours, theirs)
    _same(list(ours_result), list(theirs_result))


def test_node_hook_wrong_count_raises():
    for lib in (ember, torch):
        x = lib.tensor([1.], requires_grad=True)
        y = x * 2
        y.grad_fn.register_prehook(lambda go: (go[0], go[0]))
        with pytest.raises(RuntimeError, match="incorrect number of values"):
            y.backward()


def _stack(lib, kind):
    lib.manual_seed(0)
    layers = [lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2)]
    if kind == "conv":
        layers = [lib.nn.Conv2d(1, 2, 3), lib.nn.ReLU(), lib.nn.Conv2d(2, 1, 2)]
    return lib.nn.Sequential(*layers)


def _copy_weights(source, target):
    for (_, p), (_, q) in zip(source.named_parameters(), target.named_parameters()):
        with ember.no_grad():
            p.copy_(ember.tensor(q.detach().numpy()))


@pytest.mark.parametrize("kind", ["linear", "conv"])
@pytest.mark.parametrize("input_grad", [True, False])
def test_module_full_backward_hooks(kind, input_grad):
    results = []
    theirs = _stack(torch, kind)
    ours = _stack(ember, kind)
    _copy_weights(ours, theirs)
    shape = (2, 3) if kind == "linear" else (1, 1, 5, 5)
    data = np.linspace(-1, 1, int(np.prod(shape)), dtype=np.float32).reshape(shape)
    for lib, net in ((ember, ours), (torch, theirs)):
        calls = []
        for i, module in enumerate(net):
            module.register_full_backward_pre_hook(
                lambda m, go, i=i: calls.append(("pre", i, go)))
            module.register_full_backward_hook(
                lambda m, gi, go, i=i: calls.append(("full", i, gi, go)))
        x = lib.tensor(data, requires_grad=input_grad)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = net(x)
            (out * out).sum().backward()
        assert out.grad_fn.name() == "BackwardHookFunctionBackward"
        fired = any("Full backward hook is firing" in str(w.message) for w in caught)
        results.append((calls, x.grad, fired))
    (ours_calls, ours_grad, ours_fired), (theirs_calls, theirs_grad, theirs_fired) = results
    assert [c[:2] for c in ours_calls] == [c[:2] for c in theirs_calls]
    assert len(ours_calls) == 6
    _same(ours_calls, theirs_calls)
    assert ours_fired == theirs_fired == (not input_grad)
    if input_grad:
        _same(ours_grad, theirs_grad)


def _multi_input(lib, calls):
    class Two(lib.nn.Module):
        def forward(self, a, k, b):
            return a * b, a + b

    module = Two()
    module.register_full_backward_hook(
        lambda m, gi, go: (calls.append((gi, go)), (gi[0] * 10, None, gi[2]))[1])
    module.register_full_backward_pre_hook(lambda m, go: (go[0], go[1] * 3))
    a = lib.tensor([1., 2.], requires_grad=True)
    b = lib.tensor([3., 4.], requires_grad=True)
    p, q = module(a, 5, b)
    (p * 2 + q).sum().backward()
    return a.grad, b.grad


def test_multi_input_module_hooks_replace_gradients():
    (ours, ours_grads), (theirs, theirs_grads) = _run(ember, _multi_input), _run(torch, _multi_input)
    assert ours[0][0][1] is None and len(ours[0][0]) == 3
    _same(ours, theirs)
    _same(list(ours_grads), list(theirs_grads))


def test_inplace_on_hooked_output_and_mixed_hooks_raise():
    for lib in (ember, torch):
        relu = lib.nn.ReLU()
        relu.register_full_backward_hook(lambda m, gi, go: None)
        x = lib.ones(2, requires_grad=True)
        out = relu(x * 1)
        with pytest.raises(RuntimeError, match="Output 0 of BackwardHookFunction is a view"):
            out.add_(1)
        with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks"):
            relu.register_backward_hook(lambda m, gi, go: None)


def test_old_backward_hook_sees_last_node():
    shapes = []
    for lib in (ember, torch):
        linear = lib.nn.Linear(3, 2)
        seen = []
        linear.register_backward_hook(lambda m, gi, go: seen.append(
            ([None if g is None else tuple(g.shape) for g in gi], [tuple(g.shape) for g in go])))
        with pytest.warns(FutureWarning, match="non-full backward hook"):
            linear(lib.ones(2, 3, requires_grad=True)).sum().backward()
        shapes.append(seen)
    assert shapes[0] == shapes[1] and shapes[0]


def _saved_hooks(lib, calls):
    def pack(t):
        calls.append(("pack", tuple(t.shape)))
        return t * 1

    def unpack(t):
        calls.append(("unpack", tuple(t.shape)))
        return t

    x = lib.tensor([1., 2.], requires_grad=True)
    w = lib.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = (x * x).exp()
        with lib.autograd.graph.saved_tensors_hooks(lambda t: ("inner", t), lambda p: p[1]):
            z = (w @ y).sum()
    packs = sum(c[0] == "pack" for c in calls)
    saved = y.grad_fn._saved_result
    z.backward()
    return packs, sum(c[0] == "unpack" for c in calls), saved, x.grad, w.grad


def test_saved_tensors_hooks_counts_values_and_nesting():
    (_, ours), (_, theirs) = _run(ember, _saved_hooks), _run(torch, _saved_hooks)
    assert ours[0] == 3 and ours[1] == 4  # mm packed by the inner hooks only
    _same(list(ours), list(theirs))


def test_save_on_cpu_and_disable():
    for lib in (ember, torch):
        x = lib.tensor([0.5, 1.0], requires_grad=True)
        with lib.autograd.graph.save_on_cpu():
            y = x.sin()
        y.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), np.cos([0.5, 1.0]), rtol=1e-6)
        with lib.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
            with pytest.raises(RuntimeError, match="no hooks here"):
                with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                    pass


def _checkpointed(lib, use_reentrant, sequential=False):
    lib.manual_seed(0)
    net = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Dropout(0.5), lib.nn.ReLU(),
                            lib.nn.Linear(4, 2))
    x = lib.tensor(np.linspace(-1, 1, 15, dtype=np.float32).reshape(5, 3), requires_grad=True)
    lib.manual_seed(1)
    net(x).sum().backward()
    plain = [p.grad.clone() for p in net.parameters()] + [x.grad.clone()]
    net.zero_grad()
    x.grad = None
    lib.manual_seed(1)
    if sequential:
        out = lib.utils.checkpoint.checkpoint_sequential(net, 2, x, use_reentrant=use_reentrant)
    else:
        out = lib.utils.checkpoint.checkpoint(net, x, use_reentrant=use_reentrant)
    out.sum().backward()
    return plain, [p.grad for p in net.parameters()] + [x.grad]


@pytest.mark.parametrize("use_reentrant", [True, False])
@pytest.mark.parametrize("sequential", [False, True])
def test_checkpoint_gradients_equal_plain_run(use_reentrant, sequential):
    plain, checkpointed = _checkpointed(ember, use_reentrant, sequential)
    _same(plain, checkpointed)
    theirs_plain, theirs_checkpointed = _checkpointed(torch, use_reentrant, sequential)
    assert len(plain) == len(theirs_plain) == 5


def test_checkpoint_warns_without_use_reentrant():
    for lib in (ember, torch):
        x = lib.ones(2, requires_grad=True)
        with pytest.warns(UserWarning, match="use_reentrant parameter should be passed"):
            y = lib.utils.checkpoint.checkpoint(lambda t: t.sin(), x)
        assert y.grad_fn.name() == "CheckpointFunctionBackward"
