"""ember.func (grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, vmap) vs torch.func: the
same functions run in both, compared value by value and container by container, including
nested transforms, per-sample gradients and PyTorch's error messages."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import ember
from oracle import assert_close, expect_error, require_torch

RNG = np.random.default_rng(0)
X = RNG.standard_normal(3)
Y = RNG.standard_normal((2, 3))
B = RNG.standard_normal((4, 3))  # a batch of four vectors
S = np.array(0.7)


def _same(e, t, what="result"):
    """The same containers (types, lengths, keys) with the same tensors at the leaves, and the
    same answer to requires_grad."""
    if isinstance(t, (tuple, list)):
        assert type(e) is type(t) and len(e) == len(t), f"{what}: {type(e)} vs {type(t)}"
        for i, (a, b) in enumerate(zip(e, t)):
            _same(a, b, f"{what}[{i}]")
        return
    if isinstance(t, dict):
        assert isinstance(e, dict) and list(e) == list(t), f"{what}: {e!r} vs keys {list(t)}"
        for k in t:
            _same(e[k], t[k], f"{what}[{k!r}]")
        return
    require_torch()
    import torch

    if not isinstance(t, torch.Tensor):
        assert e == t, what
        return
    assert isinstance(e, ember.Tensor), f"{what}: {type(e)} where torch has a Tensor"
    assert_close(e, t, what=what)
    assert e.requires_grad == t.requires_grad, f"{what}: requires_grad {e.requires_grad}"


def _both(run):
    """``run(lib)`` in ember and in torch, compared."""
    torch = require_torch()
    _same(run(ember), run(torch))


def _t(lib, array, requires_grad=False):
    return lib.tensor(np.asarray(array), requires_grad=requires_grad)


# --- grad ----------------------------------------------------------------------------------------
SCALAR_FUNCTIONS = {
    "sum_sin": lambda lib, x: x.sin().sum(),
    "norm": lambda lib, x: (x * x).sum().sqrt(),
    "softplus": lambda lib, x: lib.nn.functional.softplus(x).mean() * 3,
    "logsumexp": lambda lib, x: lib.logsumexp(x, 0),
    "ignores_input": lambda lib, x: lib.tensor(2.0, dtype=x.dtype),
}


@pytest.mark.parametrize("name", list(SCALAR_FUNCTIONS))
def test_grad_values(name):
    fn = SCALAR_FUNCTIONS[name]
    _both(lambda lib: lib.func.grad(lambda x: fn(lib, x))(_t(lib, X)))


def test_grad_argnums_tuple_negative_and_non_tensor_arguments():
    def f(lib):
        def g(x, scale, y):
            return (x.exp() * y * scale).sum()
        x, y = _t(lib, X), _t(lib, Y)
        return (lib.func.grad(g, argnums=(0, 2))(x, 1.5, y),
                lib.func.grad(g, argnums=-1)(x, 1.5, y),
                lib.func.grad(g, argnums=(2,))(x, 2.0, y))
    _both(f)


def test_grad_pytree_arguments_keep_their_nesting():
    def f(lib):
        def g(params, pair):
            w, (a, b) = params["w"], pair
            return (w * a).sum() + (b[0] * w.tanh()).sum() + params["v"][1].sum()
        params = {"w": _t(lib, X), "v": [_t(lib, S), _t(lib, Y)]}
        pair = (_t(lib, X), [_t(lib, X * 2)])
        return lib.func.grad(g, argnums=(0, 1))(params, pair)
    _both(f)


def test_grad_has_aux_and_grad_and_value():
    def f(lib):
        def g(x, y):
            out = (x * y).sum()
            return out, {"out": out, "double": [x * 2]}
        x, y = _t(lib, X), _t(lib, Y)
        return (lib.func.grad(g, has_aux=True)(x, y),
                lib.func.grad_and_value(g, argnums=(0, 1), has_aux=True)(x, y),
                lib.func.grad_and_value(lambda x: (x ** 3).sum())(x))
    _both(f)


def test_grad_keyword_arguments_are_passed_through():
    _both(lambda lib: lib.func.grad(lambda x, y=None: (x * y).sum())(_t(lib, X), y=_t(lib, X)))


@pytest.mark.parametrize("order", [2, 3])
def test_nested_grad_gives_higher_derivatives(order):
    def f(lib):
        fn = lambda x: x.sin() * x ** 4  # noqa: E731
        for _ in range(order):
            fn = lib.func.grad(fn)
        return fn(_t(lib, S))
    _both(f)


def test_nested_grad_of_a_vector_function_and_across_levels():
    def f(lib):
        inner = lib.func.grad(lambda x: (x.tanh() ** 2).sum())
        outer = lib.func.grad(lambda x: (inner(x) * x).sum())
        # the inner function closes over the outer argument: d/da d/db (a b)^2 = 4 a b
        cross = lib.func.grad(lambda a: lib.func.grad(lambda b: (a * b) ** 2)(_t(lib, 3.0)))
        return outer(_t(lib, X)), cross(_t(lib, 2.0))
    _both(f)


def test_grad_results_connect_to_what_the_caller_differentiates():
    # An input that requires grad, or a captured tensor that does, keeps the result on the graph
    # (torch.func is transparent to ordinary autograd); plain inputs give plain results.
    def f(lib):
        x = _t(lib, X, requires_grad=True)
        w = _t(lib, Y[0], requires_grad=True)
        g_x = lib.func.grad(lambda a: (a ** 3 * w).sum())(x)
        g_plain = lib.func.grad(lambda a: (a ** 3).sum())(_t(lib, X))
        with lib.no_grad():
            g_no_grad = lib.func.grad(lambda a: (a ** 3 * w).sum())(x)
        second = lib.autograd.grad(g_x.sum(), (x, w))
        return g_x, g_plain, g_no_grad, second
    _both(f)


def test_grad_leaves_no_aliases_behind():
    from ember.func import _autodiff

    gc.collect()
    before = len(_autodiff._LEAF_LEVEL)
    x = ember.tensor(X)
    ember.func.grad(ember.func.grad(lambda a: a.sin().sum() ** 2))(ember.tensor(0.5))
    ember.func.vmap(ember.func.grad(lambda a: (a ** 2).sum()))(ember.tensor(B))
    out, vjp_fn = ember.func.vjp(lambda a: a.exp(), x)
    vjp_fn(out)
    del out, vjp_fn
    assert len(_autodiff._LEAF_LEVEL) == before


# --- vjp and jvp ---------------------------------------------------------------------------------
def test_vjp_values_structures_and_repeated_calls():
    def f(lib):
        def g(x, pair):
            return {"a": x.sin() * pair[0].sum(), "b": (x[None] * pair[1]).sum(0)}
        x, pair = _t(lib, X), (_t(lib, Y), _t(lib, Y))
        out, vjp_fn = lib.func.vjp(g, x, pair)
        cot = {"a": _t(lib, X * 2), "b": _t(lib, X[::-1].copy())}
        first = vjp_fn(cot)
        again = vjp_fn({"a": _t(lib, X), "b": _t(lib, X)})
        identity = lib.func.vjp(lambda a: a, x)[1](_t(lib, X * 3))
        return out, first, again, identity
    _both(f)


def test_vjp_has_aux_and_cotangent_that_requires_grad():
    def f(lib):
        x = _t(lib, X)
        out, vjp_fn, aux = lib.func.vjp(lambda a: (a ** 2, a.sum()), x, has_aux=True)
        c = _t(lib, X[::-1].copy(), requires_grad=True)
        (g,) = vjp_fn(c)
        return out, aux, g, lib.autograd.grad(g.sum(), c)
    _both(f)


def test_jvp_values_and_structures():
    def f(lib):
        x, y = _t(lib, X), _t(lib, Y)
        return (lib.func.jvp(lambda a: a.exp() * a.sum(), (x,), (_t(lib, X[::-1].copy()),)),
                lib.func.jvp(lambda a, b: (b @ a, {"s": [a.sum() * b]}), (x, y),
                             (_t(lib, X * 2), _t(lib, Y * 3))),
                lib.func.jvp(lambda a: a, (x,), (_t(lib, X * 5),)),
                lib.func.jvp(lambda a, b: a * 2, (x, y), (x, y)),
                lib.func.jvp(lambda p: p[0] * p[1], ((x, x),), ((x, _t(lib, X * 0)),)),
                lib.func.jvp(lambda a: (a.cos(), {"aux": a}), (x,), (x,), has_aux=True))
    _both(f)


def test_jvp_of_grad_is_a_hessian_vector_product():
    def f(lib):
        fn = lambda a: (a.sin() * a ** 2).sum()  # noqa: E731
        x, v = _t(lib, X), _t(lib, X[::-1].copy())
        hvp = lib.func.jvp(lib.func.grad(fn), (x,), (v,))
        vhp = lib.func.vjp(lib.func.grad(fn), x)[1](v)
        return hvp, vhp
    _both(f)


# --- Jacobians -----------------------------------------------------------------------------------
JACOBIAN_CASES = {
    "vector": (lambda lib, a, b: a.sin() * b.sum(), 0),
    "two_argnums": (lambda lib, a, b: b @ a.exp(), (0, 1)),
    "dict_output": (lambda lib, a, b: {"m": a[:, None] * b.T, "s": (a * 2).sum()}, 1),
    "scalar": (lambda lib, a, b: (a * b).sum(), (1, 0)),
}


@pytest.mark.parametrize("transform", ["jacrev", "jacfwd"])
@pytest.mark.parametrize("name", list(JACOBIAN_CASES))
def test_jacobians(transform, name):
    fn, argnums = JACOBIAN_CASES[name]
    _both(lambda lib: getattr(lib.func, transform)(lambda a, b: fn(lib, a, b), argnums=argnums)(
        _t(lib, X), _t(lib, Y)))


@pytest.mark.parametrize("transform", ["jacrev", "jacfwd"])
def test_jacobians_with_aux_pytree_input_and_scalar_input(transform):
    def f(lib):
        jac = getattr(lib.func, transform)
        aux = jac(lambda a: (a ** 2, {"n": a.norm()}), has_aux=True)(_t(lib, X))
        tree = jac(lambda p: p["u"] * p["v"][0])({"u": _t(lib, X), "v": [_t(lib, X * 2)]})
        scalar = jac(lambda s: s.exp() * _t(lib, X))(_t(lib, S))
        return aux, tree, scalar
    _both(f)


def test_hessian():
    def f(lib):
        fn = lambda a, b: (a.sin().sum() * (b @ a)).sum() + (b ** 3).sum()  # noqa: E731
        x, y = _t(lib, X), _t(lib, Y)
        return (lib.func.hessian(fn)(x, y), lib.func.hessian(fn, argnums=(0, 1))(x, y),
                lib.func.jacrev(lib.func.jacrev(lambda a: a.exp().sum()))(x))
    _both(f)


def test_hessian_matches_autograd_functional():
    x = ember.tensor(X)
    expected = ember.autograd.functional.hessian(lambda a: (a.tanh() ** 3).sum(), x)
    assert_close(ember.func.hessian(lambda a: (a.tanh() ** 3).sum())(x), expected)


# --- vmap ----------------------------------------------------------------------------------------
def test_vmap_in_dims_and_out_dims():
    def f(lib):
        vmap = lib.func.vmap
        b, y, x = _t(lib, B), _t(lib, Y), _t(lib, X)
        return (vmap(lambda v: v.sin().sum())(b),
                vmap(lambda v, m: m @ v, in_dims=(0, None))(b, y),
                vmap(lambda v, m: m @ v, in_dims=(1, None))(b.T, y),
                vmap(lambda v, w: v * w, in_dims=(-1, 0))(b.T, b),
                vmap(lambda v: v[:, None] * v, out_dims=1)(b),
                vmap(lambda v: v[:, None] * v, out_dims=-1)(b),
                vmap(lambda v: (v, v.sum()), out_dims=(1, 0))(b.T),
                vmap(lambda v: v * 2, out_dims=(1,))(b),
                vmap(lambda v: (v * 2, x), out_dims=(0, None))(b))
    _both(f)


def test_vmap_pytree_inputs_outputs_kwargs_and_non_tensors():
    def f(lib):
        vmap = lib.func.vmap

        def g(pair, scale, params, offset=None):
            a, b = pair
            return [a * scale + offset, {"dot": (b * params["w"]).sum(), "b": b}]
        pair = (_t(lib, B), _t(lib, B.T.copy()))
        return vmap(g, in_dims=((0, 1), None, {"w": None}))(
            pair, 3.0, {"w": _t(lib, X)}, offset=_t(lib, X))
    _both(f)


def test_nested_vmap_and_size_zero_batch():
    def f(lib):
        vmap = lib.func.vmap
        outer = vmap(vmap(lambda a, b: a * b, in_dims=(None, 0)), in_dims=(0, None))
        return (outer(_t(lib, X), _t(lib, B[0])),
                vmap(vmap(lambda v: v.exp()))(_t(lib, B)),
                vmap(lambda v: v.sum(0), in_dims=1)(_t(lib, np.zeros((3, 0, 2)))))
    _both(f)


def test_vmap_keeps_the_graph_and_grad_of_vmap():
    def f(lib):
        x = _t(lib, B, requires_grad=True)
        out = lib.func.vmap(lambda v: (v ** 2).sum())(x)
        through = lib.autograd.grad((out * _t(lib, np.arange(4.0))).sum(), x)
        g = lib.func.grad(lambda m: lib.func.vmap(lambda v: v.sin().prod())(m).sum())(_t(lib, B))
        return out, through, g
    _both(f)


def test_vmap_of_grad_and_jacrev():
    def f(lib):
        fn = lambda w, v: (w.tanh() * v).sum() ** 2  # noqa: E731
        w, b = _t(lib, X), _t(lib, B)
        return (lib.func.vmap(lib.func.grad(fn), in_dims=(None, 0))(w, b),
                lib.func.vmap(lib.func.grad(fn, argnums=(0, 1)))(b, b),
                lib.func.vmap(lib.func.jacrev(lambda v: v.sin() * v.sum()))(b),
                lib.func.vmap(lib.func.hessian(lambda v: (v ** 3).sum()))(b))
    _both(f)


PARAMS = {"0.weight": RNG.standard_normal((4, 3)), "0.bias": RNG.standard_normal(4),
          "2.weight": RNG.standard_normal((2, 4)), "2.bias": RNG.standard_normal(2)}
TARGETS = RNG.standard_normal((4, 2))


def _per_sample_gradients(lib, with_value=False):
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 2)).double()
    params = {k: _t(lib, v) for k, v in PARAMS.items()}

    def loss(p, x, y):
        out = lib.func.functional_call(model, p, (x.unsqueeze(0),))
        return lib.nn.functional.mse_loss(out, y.unsqueeze(0))
    transform = lib.func.grad_and_value if with_value else lib.func.grad
    return lib.func.vmap(transform(loss), in_dims=(None, 0, 0))(params, _t(lib, B),
                                                                _t(lib, TARGETS))


@pytest.mark.parametrize("with_value", [False, True])
def test_per_sample_gradients_of_a_model(with_value):
    _both(lambda lib: _per_sample_gradients(lib, with_value))


def test_per_sample_gradients_average_to_the_batch_gradient():
    per_sample = _per_sample_gradients(ember)
    model = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.Tanh(),
                                ember.nn.Linear(4, 2)).double()
    params = {k: ember.tensor(v, requires_grad=True) for k, v in PARAMS.items()}
    out = ember.func.functional_call(model, params, (ember.tensor(B),))
    loss = ember.nn.functional.mse_loss(out, ember.tensor(TARGETS))
    batch = ember.autograd.grad(loss, list(params.values()))
    for (name, g), expected in zip(per_sample.items(), batch):
        assert_close(g.mean(0), expected, what=name)


def test_vmap_randomness():
    ember.manual_seed(0)
    same = ember.func.vmap(lambda v: v * 0 + ember.rand(()), randomness="same")(ember.ones(4))
    assert len(set(same.tolist())) == 1
    different = ember.func.vmap(lambda v: v * 0 + ember.rand(()),
                                randomness="different")(ember.ones(4))
    assert len(set(different.tolist())) == 4
    state = ember.get_rng_state()
    with pytest.raises(RuntimeError):
        ember.func.vmap(lambda v: ember.nn.functional.dropout(v, 0.5))(ember.ones(4, 3))
    assert ember.get_rng_state() == state  # the refused draw left the generator as it was
    model = ember.nn.Dropout(0.5).eval()
    assert_close(ember.func.vmap(model)(ember.ones(4, 3)), ember.ones(4, 3))


# --- errors --------------------------------------------------------------------------------------
def _err(fn):
    return lambda lib: fn(lib, lib.func, lib.ones(3), lib.ones(2, 3))


ERRORS = {
    "size_mismatch": (lambda lib, F, x, m: F.vmap(lambda a, b, c: a)(x, lib.ones(2), x),
                      ValueError, "vmap: Expected all tensors to have the same size in the "
                      "mapped dimension, got sizes [3, 2, 3] for the mapped dimension"),
    "random": (lambda lib, F, x, m: F.vmap(lambda a: a + lib.rand(()))(x), RuntimeError,
               "vmap: called random operation while in randomness error mode. Please either "
               "use the 'same' or 'different' randomness flags on vmap or perform the "
               "randomness operation out of vmap"),
    "random_like": (lambda lib, F, x, m: F.vmap(lambda a: lib.randn_like(a))(x), RuntimeError,
                    "vmap: called random operation while in randomness error mode."),
    "randomness_value": (lambda lib, F, x, m: F.vmap(lambda a: a, randomness="x")(x),
                         RuntimeError, "Only allowed values for randomness are 'error', "
                         "'different', or 'same'. Got x"),
    "chunk_size": (lambda lib, F, x, m: F.vmap(lambda a: a, chunk_size=0)(x), ValueError,
                   "vmap: chunk_size should be None or greater than 0. (got 0)"),
    "no_inputs": (lambda lib, F, x, m: F.vmap(lambda: x)(), ValueError,
                  "vmap(<lambda>)(<inputs>): got no inputs."),
    "in_dims_type": (lambda lib, F, x, m: F.vmap(lambda a: a, in_dims=[0])(x), ValueError,
                     "vmap(<lambda>, in_dims=[0], ...)(<inputs>): expected `in_dims` to be int "
                     "or a (potentially nested) tuple matching the structure of inputs, got: "
                     "<class 'list'>."),
    "in_dims_structure": (lambda lib, F, x, m: F.vmap(lambda a, b: a, in_dims=(0,))(x, x),
                          ValueError, "vmap(<lambda>, in_dims=(0,), ...)(<inputs>): in_dims is "
                          "not compatible with the structure of `inputs`."),
    "in_dim_float": (lambda lib, F, x, m: F.vmap(lambda a: a, in_dims=(0.5,))(x), ValueError,
                     "vmap(<lambda>, in_dims=(0.5,), ...)(<inputs>): Got in_dim=0.5 for an "
                     "input but in_dim must be either an integer dimension or None."),
    "in_dim_non_tensor": (lambda lib, F, x, m: F.vmap(lambda a, b: a)(x, 2.0), ValueError,
                          "vmap(<lambda>, in_dims=0, ...)(<inputs>): Got in_dim=0 for an input "
                          "but the input is of type <class 'float'>. We cannot vmap over "
                          "non-Tensor arguments, please use None as the respective in_dim"),
    "in_dim_range": (lambda lib, F, x, m: F.vmap(lambda a: a, in_dims=2)(m), ValueError,
                     "vmap(<lambda>, in_dims=2, ...)(<inputs>): Got in_dim=2 for some input, but "
                     "that input is a Tensor of dimensionality 2 so expected in_dim to satisfy "
                     "-2 <= in_dim < 2."),
    "all_none": (lambda lib, F, x, m: F.vmap(lambda a: a, in_dims=(None,))(x), ValueError,
                 "vmap: Expected at least one Tensor to vmap over"),
    "returns_non_tensor": (lambda lib, F, x, m: F.vmap(lambda a: 3)(x), ValueError,
                           "vmap(<lambda>, ...): `<lambda>` must only return Tensors, got type "
                           "<class 'int'>. Did you mean to set out_dims= to None for output?"),
    "out_dims_type": (lambda lib, F, x, m: F.vmap(lambda a: a, out_dims="a")(x), ValueError,
                      "vmap(<lambda>, ..., out_dims=a): `out_dims` must be an int, None or a "
                      "python collection of ints"),
    "out_dims_structure": (lambda lib, F, x, m: F.vmap(lambda a: (a, a), out_dims=(0, 0, 0))(x),
                           ValueError, "vmap(<lambda>, ..., out_dims=(0, 0, 0))(<inputs>): "
                           "out_dims is not compatible with the structure of `outputs`."),
    "out_dim_range": (lambda lib, F, x, m: F.vmap(lambda a: a, out_dims=2)(x), IndexError,
                      "Dimension out of range (expected to be in range of [-1, 0], but got 2)"),
    "out_dims_none_batched": (lambda lib, F, x, m: F.vmap(lambda a: a, out_dims=None)(
                              lib.arange(3.0)), ValueError, "vmap(<lambda>, ...): `<lambda>` "
                              "can not return a BatchedTensor when out_dim is None"),
    "grad_not_scalar": (lambda lib, F, x, m: F.grad(lambda a: a * 2)(x), RuntimeError,
                        "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, "
                        "got tensor with 1 dims. Maybe you wanted to use the vjp or jacrev APIs "
                        "instead?"),
    "grad_not_tensor": (lambda lib, F, x, m: F.grad(lambda a: 3.0)(x), RuntimeError,
                        "grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                        "<class 'float'>"),
    "grad_aux": (lambda lib, F, x, m: F.grad(lambda a: a.sum(), has_aux=True)(x), RuntimeError,
                 "grad_and_value(f)(*args): output of function f should be a tuple: (output, "
                 "aux) if has_aux is True"),
    "argnum_range": (lambda lib, F, x, m: F.grad(lambda a: a.sum(), argnums=1)(x), RuntimeError,
                     "Got argnum=1, but only 1 positional inputs"),
    "argnums_empty": (lambda lib, F, x, m: F.grad(lambda a: a.sum(), argnums=())(x),
                      RuntimeError, "argnums must be non-empty"),
    "argnums_repeated": (lambda lib, F, x, m: F.grad(lambda a, b: a.sum(), argnums=(0, 0))(x, x),
                         RuntimeError, "argnums elements must be unique, got (0, 0)"),
    "argnums_list": (lambda lib, F, x, m: F.grad(lambda a: a.sum(), argnums=[0])(x),
                     RuntimeError, "argnums must be int or Tuple[int, ...], got: <class 'list'>"),
    "grad_integer_input": (lambda lib, F, x, m: F.grad(lambda a: a.sum())(lib.tensor([1, 2])),
                           RuntimeError, "only Tensors of floating point dtype can require "
                           "gradients"),
    "grad_non_tensor_input": (lambda lib, F, x, m: F.grad(lambda a: x.sum())(2.0), ValueError,
                              "Thing passed to transform API must be Tensor, got <class "
                              "'float'>"),
    "vjp_returns_int": (lambda lib, F, x, m: F.vjp(lambda a: 3, x), RuntimeError,
                        "vjp(f, *primals): expected f(*primals) to return only tensors, got "
                        "unsupported type <class 'int'>"),
    "vjp_aux": (lambda lib, F, x, m: F.vjp(lambda a: a, x, has_aux=True), RuntimeError,
                "vjp(f, *primals): output of function f should be a tuple: (output, aux) if "
                "has_aux is True"),
    "vjp_structure": (lambda lib, F, x, m: F.vjp(lambda a: a * 2, x)[1]((x,)), RuntimeError,
                      "Expected pytree structure of cotangents to be the same as pytree "
                      "structure of outputs to the function."),
    "vjp_shape": (lambda lib, F, x, m: F.vjp(lambda a: a * 2, x)[1](lib.ones(2)), RuntimeError,
                  "Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and "
                  "output[0] has a shape of torch.Size([3])."),
    "jvp_primals_list": (lambda lib, F, x, m: F.jvp(lambda a: a, [x], [x]), RuntimeError,
                         "jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it "
                         "should be valid to call f(*primals)."),
    "jvp_structure": (lambda lib, F, x, m: F.jvp(lambda a: a, (x,), (x, x)), RuntimeError,
                      "jvp(f, primals, tangents): Expected primals and tangents to have the "
                      "same python structure."),
    "jvp_empty": (lambda lib, F, x, m: F.jvp(lambda: x, (), ()), RuntimeError,
                  "jvp(f, primals, tangents): Expected primals to contain at least one Tensor."),
    "jvp_non_tensor": (lambda lib, F, x, m: F.jvp(lambda a: a, (2.0,), (x,)), RuntimeError,
                       "jvp(f, primals, tangents): Expected primals to only contain Tensors, got "
                       "<class 'float'>"),
    "jvp_size": (lambda lib, F, x, m: F.jvp(lambda a: a, (x,), (lib.ones(2),)), RuntimeError,
                 "Trying to set a forward gradient that has a different size than that of the "
                 "original Tensor, this is not supported. Tensor is of size [3] while the given "
                 "forward gradient is of size [2]."),
    "jvp_returns_int": (lambda lib, F, x, m: F.jvp(lambda a: 3, (x,), (x,)), RuntimeError,
                        "jvp(f, primals, tangents): expected f(*primals) to return only tensors"),
    "jacrev_chunk": (lambda lib, F, x, m: F.jacrev(lambda a: a, chunk_size=0)(x), ValueError,
                     "jacrev: `chunk_size` should be greater than 0."),
    "jacrev_aux": (lambda lib, F, x, m: F.jacrev(lambda a: a, has_aux=True)(x), RuntimeError,
                   "vjp(f, *primals): output of function f should be a tuple"),
    "jacfwd_aux": (lambda lib, F, x, m: F.jacfwd(lambda a: a, has_aux=True)(x), RuntimeError,
                   "jvp(f, primals, tangents): output of function f should be a tuple"),
    "jacfwd_randomness": (lambda lib, F, x, m: F.jacfwd(lambda a: a, randomness="x")(x),
                          RuntimeError, "Only allowed values for randomness are"),
    "jacfwd_argnum": (lambda lib, F, x, m: F.jacfwd(lambda a: a, argnums=2)(x), RuntimeError,
                      "Got argnum=2, but only 1 positional inputs"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    fn, exception, message = ERRORS[name]
    expect_error(_err(fn), exception, message)
