"""autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp) vs torch: values, the nesting of
tuples, create_graph results that differentiate again, and strict-mode errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import assert_close, require_torch

X = np.array([0.5, -1.2, 2.0])
Y = np.array([[0.3, -0.7], [1.1, 0.4]])


def _functional(lib):
    return lib.autograd.functional


def _same(e, t, what="result"):
    """Same nesting (tuple vs Tensor, lengths) and the same values and dtypes."""
    if isinstance(t, (tuple, list)):
        assert type(e) is type(t) and len(e) == len(t), f"{what}: {type(e)} vs {type(t)}"
        for i, (a, b) in enumerate(zip(e, t)):
            _same(a, b, f"{what}[{i}]")
        return
    assert isinstance(e, ember.Tensor), f"{what}: {type(e)} where torch has a Tensor"
    assert_close(e, t, what=what)
    assert e.requires_grad == t.requires_grad, what


FUNCTIONS = {
    "single->single": (lambda lib, a: a.exp() * a.sum(), (X,)),
    "single->tuple": (lambda lib, a: (a ** 2, a.sin().sum()), (X,)),
    "tuple->single": (lambda lib, a, b: (a.sum() * b).tanh(), (X, Y)),
    "tuple->tuple": (lambda lib, a, b: (a.cos() * b.sum(), b @ b, a.sum()), (X, Y)),
    "independent": (lambda lib, a, b: a * 3, (X, Y)),
}


def _inputs(lib, arrays, single, requires_grad=False):
    tensors = tuple(lib.tensor(a, requires_grad=requires_grad) for a in arrays)
    return tensors[0] if single else tensors


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_values_and_structure(name, vectorize):
    torch = require_torch()
    fn, arrays = FUNCTIONS[name]
    single = len(arrays) == 1
    results = [lib.autograd.functional.jacobian(lambda *xs, lib=lib: fn(lib, *xs),
                                                _inputs(lib, arrays, single), vectorize=vectorize)
               for lib in (ember, torch)]
    _same(*results)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_jacobian_forward_mode_strategy_matches(name):
    # PyTorch's forward-mode path nests lists (not tuples) where the inputs were a tuple.
    torch = require_torch()
    fn, arrays = FUNCTIONS[name]
    single = len(arrays) == 1
    results = [_functional(lib).jacobian(lambda *xs, lib=lib: fn(lib, *xs),
                                         _inputs(lib, arrays, single), vectorize=True,
                                         strategy="forward-mode") for lib in (ember, torch)]
    _same(*results)


def test_jacobian_create_graph_differentiates_again():
    torch = require_torch()
    grads = []
    for lib in (ember, torch):
        x, y = _inputs(lib, (X, Y), False, requires_grad=True)
        jac = _functional(lib).jacobian(lambda a, b, lib=lib: a.sin() * b.sum(), (x, y),
                                        create_graph=True)
        assert jac[0].grad_fn is not None and jac[1].grad_fn is not None
        total = (jac[0] ** 2).sum() + jac[1].sum()
        grads.append(lib.autograd.grad(total, (x, y)))
    _same(*grads)
    # and without create_graph nothing is connected
    x = ember.tensor(X, requires_grad=True)
    assert ember.autograd.functional.jacobian(lambda a: a * a, x).grad_fn is None


@pytest.mark.parametrize("single", [True, False])
def test_hessian_values_and_structure(single):
    torch = require_torch()
    arrays = (X,) if single else (X, Y)

    def f(lib, *xs):
        total = (xs[0] ** 3).sum()
        if len(xs) > 1:
            total = total + (xs[0].sum() * xs[1].exp()).sum()
        return total

    results = [_functional(lib).hessian(lambda *xs, lib=lib: f(lib, *xs),
                                        _inputs(lib, arrays, single)) for lib in (ember, torch)]
    _same(*results)
    if single:
        np.testing.assert_allclose(results[0].numpy(), np.diag(6 * X))


def test_hessian_create_graph():
    torch = require_torch()
    grads = []
    for lib in (ember, torch):
        x = lib.tensor(X, requires_grad=True)
        h = _functional(lib).hessian(lambda a: (a ** 4).sum(), x, create_graph=True)
        assert h.requires_grad
        grads.append(lib.autograd.grad(h.sum(), x))
    _same(*grads)


V_OUT = (np.array([1.0, -2.0, 0.5]), np.array([[0.2, 1.0], [-1.0, 3.0]]))


@pytest.mark.parametrize("create_graph", [False, True])
def test_vjp_and_jvp(create_graph):
    torch = require_torch()
    results = {}
    for lib in (ember, torch):
        F = _functional(lib)
        x, y = _inputs(lib, (X, Y), False, requires_grad=create_graph)
        def fn(a, b):
            return a.exp() * b.sum(), b * a[:2]

        v_out = (lib.tensor(np.array([1.0, 0.5, -1.0])), lib.tensor(V_OUT[1]))
        v_in = (lib.tensor(V_OUT[0]), lib.tensor(V_OUT[1]))
        results[lib] = (F.vjp(fn, (x, y), v_out, create_graph=create_graph),
                        F.jvp(fn, (x, y), v_in, create_graph=create_graph),
                        F.vjp(lambda a, lib=lib: a.pow(2).sum(), x, create_graph=create_graph),
                        F.jvp(lambda a: a * 2, lib.tensor(3.0)))
    _same(results[ember], results[torch])


@pytest.mark.parametrize("create_graph", [False, True])
def test_hvp_and_vhp(create_graph):
    torch = require_torch()
    results = {}
    for lib in (ember, torch):
        F = _functional(lib)
        x, y = _inputs(lib, (X, Y), False, requires_grad=create_graph)
        def fn(a, b):
            return (a.sin().sum() * b ** 2).sum()

        v = (lib.tensor(V_OUT[0]), lib.tensor(V_OUT[1]))
        results[lib] = (F.hvp(fn, (x, y), v, create_graph=create_graph),
                        F.vhp(fn, (x, y), v, create_graph=create_graph),
                        F.hvp(lambda a: (a ** 3).sum(), x, v[0], create_graph=create_graph))
    _same(results[ember], results[torch])


def test_functional_is_a_module_and_an_attribute():
    import ember.autograd.functional as functional

    assert functional is ember.autograd.functional
    from ember.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp  # noqa: F401


def _raises_like_torch(call):
    torch = require_torch()
    errors = []
    for lib in (ember, torch):
        with pytest.raises(Exception) as info:
            call(lib)
        errors.append(info.value)
    assert type(errors[0]) is type(errors[1])
    assert str(errors[0]) == str(errors[1])


ERRORS = {
    "strict output needs no grad": lambda lib, F, x, y: F.jacobian(lambda a: x * 2, x,
                                                                   strict=True),
    "strict independent input": lambda lib, F, x, y: F.jacobian(lambda a, b: a * 2, (x, y),
                                                                strict=True),
    "strict linear hessian": lambda lib, F, x, y: F.hessian(lambda a: a.sum(), x, strict=True),
    "strict vjp independent": lambda lib, F, x, y: F.vjp(lambda a, b: a.sum(), (x, y),
                                                         strict=True),
    "strict jvp unused input": lambda lib, F, x, y: F.jvp(lambda a, b: a * 2, (x, y), (x, y),
                                                          strict=True),
    "strict jvp detached output": lambda lib, F, x, y: F.jvp(lambda a: a.detach(), x, x,
                                                             strict=True),
    "strict hvp linear": lambda lib, F, x, y: F.hvp(lambda a: (a * 2).sum(), x,
                                                    lib.ones(3, dtype=lib.float64), strict=True),
    "strict vhp linear": lambda lib, F, x, y: F.vhp(lambda a: (a * 2).sum(), x,
                                                    lib.ones(3, dtype=lib.float64), strict=True),
    "strict with vectorize": lambda lib, F, x, y: F.jacobian(lambda a: a.exp(), x, strict=True,
                                                             vectorize=True),
    "bad strategy": lambda lib, F, x, y: F.jacobian(lambda a: a, x, strategy="sideways"),
    "forward-mode without vectorize": lambda lib, F, x, y: F.jacobian(
        lambda a: a, x, strategy="forward-mode"),
    "forward-mode create_graph": lambda lib, F, x, y: F.jacobian(
        lambda a: a, x, strategy="forward-mode", vectorize=True, create_graph=True),
    "list inputs": lambda lib, F, x, y: F.vjp(lambda a: a, [x]),
    "tuple with a number": lambda lib, F, x, y: F.jacobian(lambda a, b: a, (x, 2.0)),
    "output not a tensor": lambda lib, F, x, y: F.jacobian(lambda a: 3.0, x),
    "v None for vector output": lambda lib, F, x, y: F.vjp(lambda a: a, x),
    "v None for vector input": lambda lib, F, x, y: F.jvp(lambda a: a.sum(), x),
    "v wrong size": lambda lib, F, x, y: F.jvp(lambda a: a, x, lib.ones(2, dtype=lib.float64)),
    "v wrong length": lambda lib, F, x, y: F.vjp(lambda a, b: (a, b), (x, y), (x,)),
    "v entry wrong size": lambda lib, F, x, y: F.vhp(lambda a, b: a.sum() * b.sum(), (x, y),
                                                     (x, x)),
    "hessian of a vector": lambda lib, F, x, y: F.hessian(lambda a: a, x),
    "hessian of a tuple": lambda lib, F, x, y: F.hessian(lambda a: (a.sum(),), x),
    "vhp of a vector": lambda lib, F, x, y: F.vhp(lambda a: a, x, x),
    "hvp of a tuple": lambda lib, F, x, y: F.hvp(lambda a: (a.sum(), a.sum()), x, x),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_like_torch(name):
    def call(lib):
        x, y = _inputs(lib, (X, Y), False)
        return ERRORS[name](lib, _functional(lib), x, y)

    _raises_like_torch(call)


def test_non_strict_independent_input_gives_zeros():
    zeros = ember.autograd.functional.vjp(lambda a, b: a.sum(), (ember.ones(2), ember.ones(3)))[1]
    assert zeros[1].tolist() == [0.0, 0.0, 0.0]
    jac = ember.autograd.functional.jacobian(lambda a: ember.ones(2), ember.ones(3))
    assert jac.shape == (2, 3) and not jac.any()


# --- Tensor.register_post_accumulate_grad_hook (the engine's accumulation step) ----------------
def test_post_accumulate_grad_hook_matches_torch():
    torch = require_torch()
    results = []
    for lib in (ember, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        seen = []
        handle = w.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
        (w * 3).sum().backward()
        (w * w).sum().backward()  # sees the accumulated .grad
        lib.autograd.grad((w * 2).sum(), w)  # no accumulation, no call
        (w * 5).sum().backward(inputs=[w])
        handle.remove()
        (w * 3).sum().backward()
        # a hook that steps the parameter and clears .grad, as optimizer-in-backward does
        p = lib.tensor([1.0, 1.0], requires_grad=True)

        def step(t, lib=lib):
            with lib.no_grad():
                t.sub_(0.1 * t.grad)
            t.grad = None

        p.register_post_accumulate_grad_hook(step)
        (p * lib.tensor([1.0, 2.0])).sum().backward()
        errors = []
        for call in (lambda: lib.tensor([1.0]).register_post_accumulate_grad_hook(print),
                     lambda: (w * 2).register_post_accumulate_grad_hook(print)):
            with pytest.raises(RuntimeError) as info:
                call()
            errors.append(str(info.value))
        results.append((seen, p.detach(), p.grad, errors))
    (e_seen, e_p, e_grad, e_errors), (t_seen, t_p, t_grad, t_errors) = results
    assert len(e_seen) == len(t_seen) == 3
    for a, b in zip(e_seen, t_seen):
        assert_close(a, b)
    assert_close(e_p, t_p)
    assert e_grad is None and t_grad is None
    assert e_errors == t_errors
