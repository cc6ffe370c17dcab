"""Autograd semantics, each checked against PyTorch."""

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import ember
from oracle import assert_close, check, expect_error, gradcheck, require_torch

ROOT = Path(__file__).resolve().parents[2]


def test_autograd_tour_prints_what_torch_prints():
    require_torch()
    script = ROOT / "examples" / "autograd_tour.py"
    env_path = str(ROOT / "src")
    outputs = []
    for extra in ([], ["--torch"]):
        run = subprocess.run([sys.executable, str(script), *extra], capture_output=True,
                             text=True, env={"PYTHONPATH": env_path, "PATH": ""}, check=True)
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]


def test_notes_graph():
    w = ember.tensor([1.], requires_grad=True)
    x = ember.tensor([2.], requires_grad=True)
    a = ember.add(w, x)
    b = ember.add(w, 1)
    y = ember.mul(a, b)
    y.backward()
    assert w.grad.tolist() == [5.0] and x.grad.tolist() == [2.0]
    assert [t.is_leaf for t in (w, x, a, b, y)] == [True, True, False, False, False]
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert a.grad is None
    names = [type(f).__name__ for f, _ in y.grad_fn.next_functions]
    assert names == ["AddBackward0", "AddBackward0"]
    leaf_edges = a.grad_fn.next_functions
    assert type(leaf_edges[0][0]).__name__ == "AccumulateGrad"
    assert leaf_edges[0][0].variable is w
    assert b.grad_fn.next_functions[1] == (None, 0)


def test_retain_grad():
    w = ember.tensor([1.], requires_grad=True)
    x = ember.tensor([2.], requires_grad=True)
    a = w + x
    a.retain_grad()
    y = a * (w + 1)
    y.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert a.grad.tolist() == [2.0]


@pytest.mark.parametrize("expression,names", [
    ("x * 2", ["MulBackward0"]), ("2 * x", ["MulBackward0"]), ("x + 2", ["AddBackward0"]),
    ("x - 2", ["SubBackward0"]), ("2 - x", ["RsubBackward1"]), ("x / 2", ["DivBackward0"]),
    ("2 / x", ["MulBackward0", "ReciprocalBackward0"]), ("x ** 2", ["PowBackward0"]),
    ("2 ** x", ["PowBackward2"]), ("x ** y", ["PowBackward1"]), ("-x", ["NegBackward0"]),
    ("x.sum()", ["SumBackward0"]), ("x.sum(0)", ["SumBackward1"]), ("x.mean()", ["MeanBackward0"]),
    ("x.mean(0)", ["MeanBackward1"]), ("x.exp()", ["ExpBackward0"]), ("x.reshape(2, 1)", ["ViewBackward0"]),
    ("x.view(2, 1)", ["ViewBackward0"]), ("x.unsqueeze(0)", ["UnsqueezeBackward0"]),
    ("x[0]", ["SelectBackward0"]), ("x[:1]", ["SliceBackward0"]), ("x.expand(3, 2)", ["ExpandBackward0"]),
    ("x.unsqueeze(0).t()", ["TBackward0", "UnsqueezeBackward0"]),
    ("x.unsqueeze(0).squeeze(0)", ["SqueezeBackward1", "UnsqueezeBackward0"]),
    ("x.unsqueeze(0).mm(y.unsqueeze(1))", ["MmBackward0", "UnsqueezeBackward0"]),
    ("x @ y", ["DotBackward0"]), ("x.double()", ["ToCopyBackward0"]), ("x.sigmoid()", ["SigmoidBackward0"]),
    ("x.relu()", ["ReluBackward0"]), ("x.tanh()", ["TanhBackward0"]), ("x.abs()", ["AbsBackward0"]),
    ("x[None]", ["UnsqueezeBackward0"]), ("x[[0, 1]]", ["IndexBackward0"]), ("x.clone()", ["CloneBackward0"]),
    ("ember_or_torch.cat([x, y])", ["CatBackward0"]), ("ember_or_torch.stack([x, y])", ["StackBackward0"]),
])
def test_grad_fn_names_and_edges_match_torch(expression, names):
    torch = require_torch()
    shown = {}
    for lib in (ember, torch):
        x = lib.tensor([1., 2.], requires_grad=True)
        y = lib.tensor([3., 4.], requires_grad=True)
        r = eval(expression, {"x": x, "y": y, "ember_or_torch": lib})
        fn = r.grad_fn
        chain = []
        while fn is not None and type(fn).__name__ not in ("AccumulateGrad",) and not \
                type(fn).__name__.endswith("AccumulateGrad"):
            chain.append(type(fn).__name__)
            fn = fn.next_functions[0][0] if fn.next_functions else None
        edges = [None if f is None else type(f).__name__.split("::")[-1]
                 for f, _ in r.grad_fn.next_functions]
        shown[lib] = (chain[:len(names)], edges)
    assert shown[ember] == shown[torch]
    assert shown[ember][0] == names


BINARY = [
    ("add", lambda lib, a, b: a + b), ("sub", lambda lib, a, b: a - b),
    ("mul", lambda lib, a, b: a * b), ("div", lambda lib, a, b: a / (b.abs() + 1)),
    ("pow", lambda lib, a, b: a.abs() ** b), ("matmul", lambda lib, a, b: a @ b.T),
    ("radd", lambda lib, a, b: 2 + a * b), ("rsub", lambda lib, a, b: 2 - a * b),
    ("rmul", lambda lib, a, b: 3 * a * b), ("rdiv", lambda lib, a, b: 2 / (a * a + 1) + b),
    ("rpow", lambda lib, a, b: 2 ** a + b),
]


@pytest.mark.parametrize("name,fn", BINARY, ids=[n for n, _ in BINARY])
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((3, 4), (1, 4)), ((2, 3, 4), (3, 4))],
                         ids=["same", "broadcast-row", "broadcast-lead"])
def test_binary_ops_against_torch(name, fn, shapes):
    if name == "matmul" and shapes[0] != shapes[1]:
        pytest.skip("matmul of these shapes is covered by the linalg tests")
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shapes[0])
    b = rng.standard_normal(shapes[1])
    check(fn, a.astype(np.float32), b.astype(np.float32))
    check(fn, a, b)


UNARY = [
    ("abs", lambda lib, a: a.abs()), ("exp", lambda lib, a: a.exp()),
    ("log", lambda lib, a: (a * a + 0.5).log()), ("sqrt", lambda lib, a: (a * a + 0.5).sqrt()),
    ("sin", lambda lib, a: a.sin()), ("cos", lambda lib, a: a.cos()), ("tanh", lambda lib, a: a.tanh()),
    ("sigmoid", lambda lib, a: a.sigmoid()), ("relu", lambda lib, a: a.relu()),
    ("neg", lambda lib, a: -a), ("pow3", lambda lib, a: a ** 3), ("sum", lambda lib, a: a.sum()),
    ("sum-dim", lambda lib, a: a.sum(1)), ("sum-keepdim", lambda lib, a: a.sum((0, -1), keepdim=True)),
    ("mean", lambda lib, a: a.mean()), ("mean-dim", lambda lib, a: a.mean(-1, keepdim=True)),
    ("reshape", lambda lib, a: a.reshape(-1) * a.reshape(-1)), ("view", lambda lib, a: a.view(4, 3) ** 2),
    ("transpose", lambda lib, a: a.transpose(0, 1) ** 2), ("t", lambda lib, a: a.t() @ a),
    ("T", lambda lib, a: a.T * 2), ("unsqueeze", lambda lib, a: a.unsqueeze(1) ** 2),
    ("squeeze", lambda lib, a: a.unsqueeze(0).squeeze() ** 2),
    ("expand", lambda lib, a: a[:1].expand(5, 4) ** 2),
    ("slice", lambda lib, a: a[1:, ::2] ** 2), ("select", lambda lib, a: a[1] ** 2),
    ("fancy", lambda lib, a: a[[0, 2, 0]] ** 2), ("mask", lambda lib, a: a[a > 0] ** 2),
    ("clamp", lambda lib, a: a.clamp(-0.5, 0.5) * a),
]


@pytest.mark.parametrize("name,fn", UNARY, ids=[n for n, _ in UNARY])
def test_unary_ops_against_torch(name, fn):
    a = np.random.default_rng(1).standard_normal((3, 4))
    check(fn, a.astype(np.float32))
    check(fn, a)


@pytest.mark.parametrize("name,fn", UNARY[:12], ids=[n for n, _ in UNARY[:12]])
def test_unary_ops_on_zero_dim(name, fn):
    if "dim" in name:
        pytest.skip("needs a dimension")
    check(fn, np.array(0.7))


@pytest.mark.parametrize("name,fn", [u for u in UNARY if u[0] not in ("relu", "abs", "clamp", "mask")],
                         ids=[u[0] for u in UNARY if u[0] not in ("relu", "abs", "clamp", "mask")])
def test_unary_ops_finite_differences(name, fn):
    gradcheck(fn, np.random.default_rng(2).standard_normal((3, 4)))


def test_higher_order_derivatives():
    x = ember.tensor([3.], requires_grad=True)
    y = x ** 3
    g1, = ember.autograd.grad(y, x, create_graph=True)
    g2, = ember.autograd.grad(g1, x, create_graph=True)
    g3, = ember.autograd.grad(g2, x)
    assert (g1.item(), g2.item(), g3.item()) == (27.0, 18.0, 6.0)
    assert repr(ember.autograd.grad(x ** 2, x, create_graph=True)) == \
        "(tensor([6.], grad_fn=<MulBackward0>),)"


def test_grad_of_gradient_norm_matches_torch():
    def f(lib, w, x):
        loss = ((x @ w).tanh() ** 2).sum()
        g, = lib.autograd.grad(loss, w, create_graph=True)
        return (g * g).sum()

    check(f, np.random.default_rng(3).standard_normal((4, 2)),
          np.random.default_rng(4).standard_normal((5, 4)), gradgrad=False)


def test_backward_errors():
    expect_error(lambda lib: lib.ones(2, 3).backward(), RuntimeError,
                 "element 0 of tensors does not require grad and does not have a grad_fn")
    expect_error(lambda lib: (lib.ones(2, requires_grad=True) * 2).backward(), RuntimeError,
                 "grad can be implicitly created only for scalar outputs")

    def twice(lib):
        x = lib.ones(2, requires_grad=True)
        y = (x * x).sum()
        y.backward()
        y.backward()

    expect_error(twice, RuntimeError, "Trying to backward through the graph a second time")

    def modified(lib):
        x = lib.ones(2, requires_grad=True)
        y = x.sigmoid()
        y.mul_(2)
        y.sum().backward()

    expect_error(modified, RuntimeError, "one of the variables needed for gradient computation "
                                         "has been modified by an inplace operation")

    def leaf_inplace(lib):
        lib.ones(2, requires_grad=True).add_(1)

    expect_error(leaf_inplace, RuntimeError,
                 "a leaf Variable that requires grad is being used in an in-place operation.")

    def int_inplace(lib):
        z = lib.tensor([1, 2])
        z += 1.5

    expect_error(int_inplace, RuntimeError, "result type Float can't be cast to the desired "
                                            "output type Long")


def _change_after_forward(lib, program):
    """Run ``program``'s forward, change the tensor it names in place, then backward; return
    the leaves' gradients (or the error's first words) and what the node says it saved."""
    w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = lib.tensor([0.5, -1.0, 2.0])
    out, changed, saved_name = program(lib, w, x)
    saved = getattr(out.grad_fn, "_saved_" + saved_name)
    with lib.no_grad():
        changed.add_(1)
    try:
        out.sum().backward()
    except RuntimeError as error:
        return str(error)[:60], saved is None
    return [round(g, 5) for g in w.grad.tolist()], saved is None


@pytest.mark.parametrize("program", [
    # the formula that reads the changed value never runs: PyTorch does not save it
    lambda lib, w, x: ((a := w.clone()) * 2.0, a, "self"),
    lambda lib, w, x: (x * w, x, "other"),
    lambda lib, w, x: ((a := w * 1) * x.clone(), a, "self"),
    lambda lib, w, x: (lib.nn.functional.linear((c := x.clone()).reshape(1, 3), w.reshape(1, 3)),
                       c, "mat2"),
    lambda lib, w, x: ((a := w.clone()).div(2.0), a, "self"),
    # the value is needed: both raise
    lambda lib, w, x: (w.clone() * (c := x.clone()), c, "other"),
    lambda lib, w, x: ((r := (w * 1).tanh()), r, "result"),
])
def test_only_values_a_running_formula_reads_are_saved(program):
    torch = require_torch()
    assert _change_after_forward(ember, program) == _change_after_forward(torch, program)


def test_saved_nothing_means_second_backward_is_fine():
    torch = require_torch()
    for lib in (ember, torch):
        x = lib.ones(2, requires_grad=True)
        y = (x + 1).sum()
        y.backward()
        y.backward()
        assert x.grad.tolist() == [2.0, 2.0]


def test_retain_graph_and_grad_tensors():
    x = ember.tensor([2.], requires_grad=True)
    y = x * x
    y.backward(retain_graph=True)
    y.backward(ember.tensor([3.]))
    assert x.grad.tolist() == [16.0]


def test_autograd_backward_with_grad_tensors_and_inputs():
    torch = require_torch()
    results = []
    for lib in (ember, torch):
        w = lib.tensor([1., 2.], requires_grad=True)
        b = lib.tensor([0.5], requires_grad=True)
        y = w * w + b
        z = (w * b).sum()
        lib.autograd.backward([y, z], grad_tensors=[lib.tensor([1., 2.]), None])
        first = (w.grad.tolist(), b.grad.tolist())
        w.grad = None
        b.grad = None
        (w * w * b).sum().backward(inputs=[w])
        results.append((first, w.grad.tolist(), b.grad))
    assert results[0] == results[1]


def test_grad_modes():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        y = x * 2
        with ember.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.grad_fn is None and z.requires_grad
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ember.is_grad_enabled()
    with ember.inference_mode():
        assert not (x * 2).requires_grad

    @ember.no_grad()
    def doubled(t):
        return t * 2

    assert not doubled(x).requires_grad
    assert (x * 2).requires_grad


def test_detach_and_data():
    x = ember.tensor([1., 2.], requires_grad=True)
    y = 2 * x
    d = x.detach()
    assert not d.requires_grad and d._version == x._version
    d.zero_() if False else None
    x.data *= 100
    y.sum().backward()
    assert x.tolist() == [100.0, 200.0] and x.grad.tolist() == [2.0, 2.0]
    x.detach().add_(1)
    assert x.tolist() == [101.0, 201.0]


def test_views_share_version_counter():
    base = ember.zeros(4)
    view = base[1:3]
    view.add_(1)
    assert base.tolist() == [0.0, 1.0, 1.0, 0.0]
    assert base._version == view._version == 1


def test_inplace_on_non_leaf_is_recorded():
    torch = require_torch()
    results = []
    for lib in (ember, torch):
        x = lib.tensor([1., 2.], requires_grad=True)
        y = lib.tensor([3., 4.], requires_grad=True)
        a = x * 1
        a.mul_(y)
        a += 1
        a[0] = 5
        a.sum().backward()
        results.append((type(a.grad_fn).__name__, a._version, x.grad.tolist(), y.grad.tolist()))
    assert results[0] == results[1]


def test_hooks():
    torch = require_torch()
    results = []
    for lib in (ember, torch):
        seen = []
        x = lib.tensor([1., 2.], requires_grad=True)
        h = x.register_hook(lambda g: seen.append(g.tolist()))
        y = x * 3
        y.register_hook(lambda g: g * 2)
        y.retain_grad()
        y.sum().backward()
        h.remove()
        (x * 1).sum().backward()
        results.append((seen, x.grad.tolist(), y.grad.tolist()))
    assert results[0] == results[1]


def test_custom_function():
    class Cube(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            assert ctx.needs_input_grad == (True,)
            return 3 * x ** 2 * grad

    x = ember.tensor([2.], requires_grad=True)
    y = Cube.apply(x)
    assert type(y.grad_fn).__name__ == "CubeBackward"
    g, = ember.autograd.grad(y, x, create_graph=True)
    assert g.tolist() == [12.0]
    gg, = ember.autograd.grad(g, x)
    assert gg.tolist() == [12.0]


def test_requires_grad_rules():
    x = ember.ones(2)
    assert not (x * 2).requires_grad
    x.requires_grad_()
    y = x * 2
    assert y.requires_grad and not y.is_leaf
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf variables"):
        y.requires_grad = False
    assert not (x > 0).requires_grad


def test_float64_gradients_match_numpy():
    rng = np.random.default_rng(5)
    w = rng.standard_normal((3, 2))
    x = rng.standard_normal((4, 3))
    W = ember.tensor(w, requires_grad=True)
    loss = (ember.tensor(x) @ W).sigmoid().sum()
    loss.backward()
    s = 1 / (1 + np.exp(-(x @ w)))
    assert_close(W.grad, x.T @ (s * (1 - s)))


@pytest.mark.parametrize("program", [
    "a = x * 1; v = a[:2]; v.mul_(2); out = a.sum()",
    "a = x * 1; a[0:2][1] = 7; out = (a * a).sum()",
    "a = x * 1; a.view(3, 1)[1] = y; out = (a * a).sum()",
    "a = x * 1; a.t() if a.ndim == 2 else None; a.unsqueeze(0)[0, 2:].add_(y); out = (a ** 2).sum()",
    "a = x * 2; b = a[1:]; b += 1; out = (a * x).sum()",
])
def test_inplace_on_views_rebases_the_base(program):
    torch = require_torch()
    results = []
    for lib in (ember, torch):
        x = lib.tensor([1., 2., 3.], requires_grad=True)
        y = lib.tensor([5.], requires_grad=True)
        scope = {"x": x, "y": y}
        exec(program, scope)
        scope["out"].backward()
        results.append((scope["a"].tolist(), type(scope["a"].grad_fn).__name__, x.grad.tolist(),
                        None if y.grad is None else y.grad.tolist()))
    assert results[0] == results[1]


def test_inplace_on_view_of_leaf_errors():
    expect_error(lambda lib: lib.ones(3, requires_grad=True)[0].mul_(2), RuntimeError,
                 "a view of a leaf Variable that requires grad is being used in an in-place "
                 "operation.")


def test_inplace_on_view_of_saved_result_errors():
    def program(lib):
        x = lib.tensor([1., 2., 3.], requires_grad=True)
        a = x.exp()
        b = a[1:]
        b += 1
        (a * x).sum().backward()

    expect_error(program, RuntimeError, "one of the variables needed for gradient computation "
                                        "has been modified by an inplace operation")


def test_custom_function_with_several_outputs_matches_torch():
    torch = require_torch()
    results = {}
    for lib in (ember, torch):
        class Split(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, 7, x * 3

            @staticmethod
            def backward(ctx, ga, gnone, gb):
                assert gnone is None
                return ga * 2 + gb * 3

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a, seven, b = Split.apply(x)
        (a.sum() + b.sum()).backward()
        both = x.grad.numpy().copy()
        x.grad = None
        a, seven, b = Split.apply(x)
        b.sum().backward()  # the unused output's gradient arrives as zeros
        results[lib.__name__] = (both, x.grad.numpy().copy(), seven)
    for mine, theirs in zip(results["ember"], results["torch"]):
        np.testing.assert_allclose(mine, theirs)
