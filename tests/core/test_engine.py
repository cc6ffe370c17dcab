"""Engine quality: iterative (deep graphs), no reference cycles, buffers freed after backward."""

import gc
import weakref

import numpy as np
import pytest

import ember


def test_chain_of_100000_ops_backpropagates():
    x = ember.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(50_000):
        y = y * 1.0
        y = y + 0.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0]
    del y  # freeing a deep graph must not recurse either


def test_deep_chain_create_graph():
    x = ember.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(2_000):
        y = (y * 1.0001).tanh()
    g, = ember.autograd.grad(y, x, create_graph=True)
    gg, = ember.autograd.grad(g, x)
    assert np.isfinite(gg.item())


def test_dropping_the_graph_frees_arrays_without_the_cycle_collector():
    gc.collect()
    gc.disable()
    try:
        freed = []
        x = ember.randn(1000, requires_grad=True)
        hidden = x.exp()  # ExpBackward0 saves its result array
        weakref.finalize(hidden._data, freed.append, "exp result")
        y = (hidden * x).sigmoid().sum()
        del hidden
        assert not freed
        del y
        assert freed == ["exp result"]
    finally:
        gc.enable()


def test_graph_objects_are_not_in_cycles():
    gc.collect()
    gc.disable()
    try:
        x = ember.randn(10, requires_grad=True)
        y = ((x * 2).exp() @ x).sigmoid()
        node_ref = weakref.ref(y.grad_fn)
        y.backward()
        del y
        assert node_ref() is None
    finally:
        gc.enable()


def test_saved_buffers_released_after_backward_unless_retained():
    x = ember.randn(100, requires_grad=True)
    freed = []
    y = x.exp()
    weakref.finalize(y._data, freed.append, 1)
    loss = y.sum() * 2
    node = y.grad_fn
    del y
    loss.backward(retain_graph=True)
    assert not freed and node._saved is not None
    loss.backward()
    assert node._saved is None and freed == [1]
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        loss.backward()


def test_no_node_is_built_under_no_grad():
    x = ember.ones(3, requires_grad=True)
    with ember.no_grad():
        y = (x * 2).exp().sum()
    assert y.grad_fn is None and not y.requires_grad


def test_gradients_meeting_at_a_node_are_summed_before_it_runs():
    calls = []
    x = ember.tensor([2.0], requires_grad=True)
    h = x * 3
    h.register_hook(lambda g: calls.append(g.tolist()))
    y = h * h + h
    y.backward()
    assert calls == [[13.0]]  # one call with the summed gradient 2h + 1
    assert x.grad.tolist() == [39.0]


@pytest.mark.parametrize("make, shape", [
    (lambda lib: lib.nn.Linear(5, 3), (4, 5)),
    (lambda lib: lib.nn.Sequential(lib.nn.Linear(5, 3), lib.nn.Tanh(), lib.nn.Linear(3, 2)), (4, 5)),
    (lambda lib: lib.nn.Conv1d(2, 3, 3), (4, 2, 7)),
])
def test_leaf_gradients_are_laid_out_like_their_leaves(make, shape):
    # PyTorch's gradient layout contract: a fresh .grad has its parameter's strides, even when
    # the gradient arrives transposed (Linear's weight is used as weight.t()).
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for layouts")
    for lib in (ember, torch):
        lib.manual_seed(0)
        layer = make(lib)
        layer(lib.randn(*shape)).sum().backward()
        for p in layer.parameters():
            assert p.grad.stride() == p.stride(), (lib.__name__, p.shape)
            assert p.grad.is_contiguous()


def test_grad_of_a_transposed_leaf_follows_the_leaf():
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for layouts")
    results = []
    for lib in (ember, torch):
        base = lib.arange(12.0).reshape(3, 4)
        leaf = base.t().detach().requires_grad_()  # a column-major leaf
        (leaf * lib.ones(4, 3)).sum().backward()
        results.append((leaf.grad.stride(), leaf.grad.tolist()))
    assert results[0] == results[1]
