"""Adadelta, Adamax, NAdam, RAdam, Rprop, ASGD and LBFGS (and float64 checks of Adam, AdamW,
RMSprop, Adagrad): many steps from identical weights and gradients, in ember and in PyTorch."""

import copy

import numpy as np
import pytest

import ember
import ember.optim  # noqa: F401
from oracle import expect_error, require_torch, torch

# (optimizer, options, second group's overrides): every option that changes the update rule
CASES = [
    ("Adadelta", dict(), dict(lr=0.5, weight_decay=0.2)),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1), dict(rho=0.5)),
    ("Adadelta", dict(maximize=True), dict()),
    ("Adamax", dict(lr=0.01), dict(lr=0.05, weight_decay=0.2)),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1), dict()),
    ("Adamax", dict(lr=0.01, eps=1e-3, maximize=True), dict()),
    ("NAdam", dict(lr=0.01), dict(lr=0.05, weight_decay=0.2)),
    ("NAdam", dict(lr=0.01, momentum_decay=0.05, weight_decay=0.1), dict()),
    ("NAdam", dict(lr=0.01, weight_decay=0.3, decoupled_weight_decay=True),
     dict(momentum_decay=0.0)),
    ("NAdam", dict(lr=0.01, betas=(0.7, 0.95), maximize=True), dict()),
    # beta2 = 0.999 switches to the adaptive step at step 6, beta2 = 0.9 at once... both seen
    ("RAdam", dict(lr=0.01), dict(lr=0.05, weight_decay=0.2, betas=(0.8, 0.9))),
    ("RAdam", dict(lr=0.01, weight_decay=0.1), dict()),
    ("RAdam", dict(lr=0.01, weight_decay=0.3, decoupled_weight_decay=True), dict()),
    ("RAdam", dict(lr=0.01, betas=(0.5, 0.99), eps=1e-3, maximize=True), dict()),
    ("Rprop", dict(), dict(lr=0.05)),
    ("Rprop", dict(lr=0.02, etas=(0.3, 1.5), step_sizes=(1e-3, 0.05)), dict()),
    ("Rprop", dict(maximize=True), dict(etas=(0.9, 1.1))),
    ("ASGD", dict(), dict(lr=0.05, weight_decay=0.2)),
    # t0 inside the run: the average switches from a copy to a running mean
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=5, weight_decay=0.1), dict()),
    ("ASGD", dict(lr=0.05, t0=3, maximize=True), dict(lambd=0.1)),
    ("Adam", dict(lr=0.01), dict(lr=0.05, weight_decay=0.2)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True), dict()),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True), {}),
    ("AdamW", dict(lr=0.01, amsgrad=True), dict(weight_decay=0.3)),
    ("AdamW", dict(lr=0.01, eps=1e-3, maximize=True), dict()),
    ("RMSprop", dict(lr=0.01), dict(lr=0.05, weight_decay=0.2)),
    ("RMSprop", dict(lr=0.01, centered=True), dict(momentum=0.5)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1, alpha=0.9), {}),
    ("RMSprop", dict(lr=0.01, momentum=0.5, maximize=True), dict()),
    ("Adagrad", dict(lr=0.1), dict(lr=0.05, weight_decay=0.2)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.5, eps=1e-3), {}),
    ("Adagrad", dict(lr=0.1, maximize=True, weight_decay=0.1), dict(lr_decay=0.1)),
]

NEW = ["Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD"]


@pytest.fixture
def torch_lib():
    return require_torch()


def to_numpy(value):
    return value.detach().numpy() if hasattr(value, "detach") else np.asarray(value)


def data(dtype, steps, seed=0):
    rng = np.random.default_rng(seed)
    w0 = rng.standard_normal((4, 3)).astype(dtype)
    b0 = rng.standard_normal(3).astype(dtype)
    grads = [(rng.standard_normal((4, 3)).astype(dtype), rng.standard_normal(3).astype(dtype))
             for _ in range(steps)]
    return w0, b0, grads


def run(lib, name, options, group_options, dtype=np.float64, steps=25):
    w0, b0, grads = data(dtype, steps)
    w = lib.tensor(w0, requires_grad=True)
    b = lib.tensor(b0, requires_grad=True)
    frozen = lib.zeros(2, dtype=w.dtype, requires_grad=True)  # never gets a gradient
    opt = getattr(lib.optim, name)([{"params": [w, frozen]},
                                    {"params": b, **group_options}], **options)
    history = []
    for gw, gb in grads:
        opt.zero_grad()
        # the gradient depends on the weights, so updates compound
        loss = ((w * lib.tensor(gw)).sum() + (w * w).sum() * 0.5
                + (b * lib.tensor(gb)).sum() + (b * b * b).sum() * 0.1)
        loss.backward()
        opt.step()
        history.append((to_numpy(w).copy(), to_numpy(b).copy()))
    return history, opt


def assert_same_state(ours, theirs, rtol, atol):
    sd, tsd = ours.state_dict(), theirs.state_dict()
    assert sd["param_groups"] == tsd["param_groups"]
    assert sd["state"].keys() == tsd["state"].keys()
    for index, state in sd["state"].items():
        assert list(state) == list(tsd["state"][index]), index
        for key, value in state.items():
            expected = tsd["state"][index][key]
            if isinstance(expected, torch.Tensor):
                assert isinstance(value, ember.Tensor), key
                assert str(value.dtype) == str(expected.dtype), key
                assert value.shape == tuple(expected.shape), key
                np.testing.assert_allclose(to_numpy(value), to_numpy(expected), rtol=rtol,
                                           atol=atol, err_msg=key)
            elif isinstance(expected, list):
                assert len(value) == len(expected), key
                for v, e in zip(value, expected):
                    if e is None:
                        assert v is None, key
                    else:
                        np.testing.assert_allclose(to_numpy(v), to_numpy(e), rtol=rtol,
                                                   atol=atol, err_msg=key)
            else:
                assert type(value) is type(expected), key
                np.testing.assert_allclose(value, expected, rtol=rtol, atol=atol, err_msg=key)


def compare(ours, theirs, rtol, atol):
    for step, ((w, b), (tw, tb)) in enumerate(zip(ours, theirs)):
        assert w.dtype == tw.dtype
        np.testing.assert_allclose(w, tw, rtol=rtol, atol=atol, err_msg=f"weight, step {step}")
        np.testing.assert_allclose(b, tb, rtol=rtol, atol=atol, err_msg=f"bias, step {step}")


@pytest.mark.parametrize("name,options,group_options", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_float64_trajectory_and_state_match_pytorch(torch_lib, name, options, group_options):
    ours, opt = run(ember, name, options, group_options)
    theirs, topt = run(torch_lib, name, options, group_options)
    compare(ours, theirs, rtol=1e-12, atol=1e-14)
    assert_same_state(opt, topt, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", NEW)
def test_float32_trajectory_matches_pytorch(torch_lib, name):
    options = {"lr": 0.01} if name != "Adadelta" else {}
    ours, opt = run(ember, name, options, {}, dtype=np.float32)
    theirs, topt = run(torch_lib, name, options, {}, dtype=np.float32)
    compare(ours, theirs, rtol=1e-5, atol=1e-6)
    assert_same_state(opt, topt, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", NEW + ["LBFGS"])
def test_defaults_and_repr_match_pytorch(torch_lib, name):
    for kwargs in ({}, {"lr": 0.1}):
        ours = getattr(ember.optim, name)([ember.zeros(2, requires_grad=True)], **kwargs)
        theirs = getattr(torch_lib.optim, name)([torch_lib.zeros(2, requires_grad=True)],
                                                **kwargs)
        assert ours.defaults == theirs.defaults
        assert list(ours.param_groups[0]) == list(theirs.param_groups[0])
        assert repr(ours) == repr(theirs)


def to_ember(value):
    """A torch state_dict's structure with ember tensors in it."""
    if isinstance(value, torch.Tensor):
        return ember.tensor(value.detach().numpy().copy())
    if isinstance(value, dict):
        return {k: to_ember(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_ember(v) for v in value]
    return copy.deepcopy(value)


def continue_run(lib, name, options, state_dict, w0, b0, grads):
    w = lib.tensor(w0, requires_grad=True)
    b = lib.tensor(b0, requires_grad=True)
    opt = getattr(lib.optim, name)([{"params": [w]}, {"params": [b], "lr": 0.5}], **options)
    if state_dict is not None:
        opt.load_state_dict(state_dict)
    for gw, gb in grads:
        opt.zero_grad()
        ((w * lib.tensor(gw)).sum() + (w * w).sum() + (b * lib.tensor(gb)).sum()).backward()
        opt.step()
    return opt, to_numpy(w), to_numpy(b)


@pytest.mark.parametrize("name", NEW)
def test_state_dict_round_trip_and_loading_pytorch_state(torch_lib, name):
    options = {"lr": 0.01}
    w0, b0, grads = data(np.float64, 8)
    opt, w, b = continue_run(ember, name, options, None, w0, b0, grads[:4])
    topt, tw, tb = continue_run(torch_lib, name, options, None, w0, b0, grads[:4])
    saved = opt.state_dict()
    assert saved["param_groups"][1]["lr"] == 0.5
    # an ember state dict, loaded into a fresh optimizer (different lr: the saved one wins)
    resumed, rw, rb = continue_run(ember, name, {"lr": 0.3}, saved, w, b, grads[4:])
    state = next(iter(resumed.state.values()))
    assert state["step"] is not next(iter(opt.state.values()))["step"]  # copied, not shared
    # ... and torch's state dict, converted tensor by tensor
    from_torch, fw, fb = continue_run(ember, name, {"lr": 0.3}, to_ember(topt.state_dict()),
                                      tw, tb, grads[4:])
    _, ew, eb = continue_run(torch_lib, name, {"lr": 0.3}, topt.state_dict(), tw, tb, grads[4:])
    for ours in ((rw, rb), (fw, fb)):
        np.testing.assert_allclose(ours[0], ew, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(ours[1], eb, rtol=1e-12, atol=1e-14)
    assert float(from_torch.state_dict()["state"][0]["step"]) == 8.0


# --- LBFGS ----------------------------------------------------------------------------------
def lbfgs_run(lib, options, problem, dtype=np.float64, calls=4):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((5, 3)).astype(dtype)
    y = rng.standard_normal(5).astype(dtype)
    x = lib.tensor(np.array([-1.2, 1.0, 0.5], dtype=dtype), requires_grad=True)
    s = lib.tensor(np.array([[0.3, -0.4]], dtype=dtype), requires_grad=True)
    opt = lib.optim.LBFGS([x, s], **options)
    evaluations = []

    def closure():
        opt.zero_grad()
        if problem == "rosenbrock":
            loss = (((1 - x[:-1]) ** 2).sum() + 100 * ((x[1:] - x[:-1] ** 2) ** 2).sum()
                    + ((s - 1) ** 4).sum())
        else:
            residual = lib.tensor(a) @ x - lib.tensor(y)
            loss = (residual * residual).sum() + 0.1 * (x ** 4).sum() + (s * s).sum()
        loss.backward()
        evaluations.append(float(loss.detach()))
        return loss

    losses, history = [], []
    for _ in range(calls):
        losses.append(float(opt.step(closure).detach()))
        history.append((to_numpy(x).copy(), to_numpy(s).copy()))
    return losses, history, evaluations, opt


# The losses themselves already differ from PyTorch's in the last bit (summation order), and
# Rosenbrock's valley amplifies that over many iterations: it gets fewer calls. The cases also
# avoid line searches whose Wolfe tests are decided within a rounding error.
LBFGS_CASES = [
    ({}, "smooth", 4),
    (dict(lr=0.5, max_iter=5, history_size=3), "smooth", 4),
    (dict(lr=0.1, max_iter=1), "smooth", 4),  # the first step length is a tensor, kept in state
    (dict(max_iter=3, max_eval=4, tolerance_grad=1e-3), "smooth", 4),
    (dict(tolerance_change=1e-3, max_iter=8), "rosenbrock", 2),
    (dict(line_search_fn="strong_wolfe"), "smooth", 4),
    (dict(line_search_fn="strong_wolfe", max_iter=10), "rosenbrock", 2),
    (dict(line_search_fn="strong_wolfe", history_size=2, max_iter=7, lr=0.7), "rosenbrock", 2),
    # short first steps: the line search extrapolates (cubic steps within bounds)
    (dict(line_search_fn="strong_wolfe", lr=0.02, max_iter=4), "smooth", 2),
    (dict(line_search_fn="strong_wolfe", lr=0.003, max_iter=5), "smooth", 2),
    # long first steps: the line search zooms into a bracket
    (dict(line_search_fn="strong_wolfe", lr=5.0, max_iter=6), "smooth", 2),
    (dict(line_search_fn="strong_wolfe", lr=3.0, max_iter=6), "rosenbrock", 2),
]


@pytest.mark.parametrize("options,problem,calls", LBFGS_CASES,
                         ids=[f"LBFGS-{i}" for i in range(len(LBFGS_CASES))])
def test_lbfgs_matches_pytorch(torch_lib, options, problem, calls):
    losses, history, evaluations, opt = lbfgs_run(ember, options, problem, calls=calls)
    tlosses, thistory, tevaluations, topt = lbfgs_run(torch_lib, options, problem, calls=calls)
    np.testing.assert_allclose(evaluations, tevaluations, rtol=1e-10)
    assert len(evaluations) == len(tevaluations)
    np.testing.assert_allclose(losses, tlosses, rtol=1e-12)
    compare(history, thistory, rtol=1e-9, atol=1e-12)
    assert_same_state(opt, topt, rtol=1e-9, atol=1e-12)


def test_lbfgs_float32_matches_pytorch(torch_lib):
    options = dict(line_search_fn="strong_wolfe", max_iter=6)
    losses, history, _, opt = lbfgs_run(ember, options, "smooth", dtype=np.float32, calls=2)
    tlosses, thistory, _, topt = lbfgs_run(torch_lib, options, "smooth", dtype=np.float32,
                                           calls=2)
    np.testing.assert_allclose(losses, tlosses, rtol=1e-5)
    compare(history, thistory, rtol=1e-4, atol=1e-5)


def test_lbfgs_state_dict_round_trip():
    _, _, _, opt = lbfgs_run(ember, dict(history_size=4), "smooth", calls=2)
    saved = opt.state_dict()
    assert sorted(saved["state"]) == [0]
    x = ember.tensor(opt._params[0].tolist(), dtype=ember.float64, requires_grad=True)
    s = ember.tensor(opt._params[1].tolist(), dtype=ember.float64, requires_grad=True)
    fresh = ember.optim.LBFGS([x, s], history_size=4)
    fresh.load_state_dict(saved)
    state = fresh.state[x]
    assert state["n_iter"] == opt.state[opt._params[0]]["n_iter"]
    assert len(state["old_dirs"]) == 4 and state["old_dirs"][0] is not saved["state"][0][
        "old_dirs"][0]


# --- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize("make,exc,message", [
    (lambda lib, p: lib.optim.Adadelta([p], lr=-1.0), ValueError, "Invalid learning rate: -1.0"),
    (lambda lib, p: lib.optim.Adadelta([p], rho=1.5), ValueError, "Invalid rho value: 1.5"),
    (lambda lib, p: lib.optim.Adadelta([p], eps=-1.0), ValueError, "Invalid epsilon value: -1.0"),
    (lambda lib, p: lib.optim.Adadelta([p], weight_decay=-1.0), ValueError,
     "Invalid weight_decay value: -1.0"),
    (lambda lib, p: lib.optim.Adamax([p], betas=(0.9, 1.0)), ValueError,
     "Invalid beta parameter at index 1: 1.0"),
    (lambda lib, p: lib.optim.Adamax([p], eps=-1e-8), ValueError, "Invalid epsilon value: -1e-08"),
    (lambda lib, p: lib.optim.Adamax([p], weight_decay=-0.5), ValueError,
     "Invalid weight_decay value: -0.5"),
    (lambda lib, p: lib.optim.NAdam([p], momentum_decay=-0.1), ValueError,
     "Invalid momentum_decay value: -0.1"),
    (lambda lib, p: lib.optim.NAdam([p], betas=(-0.1, 0.9)), ValueError,
     "Invalid beta parameter at index 0: -0.1"),
    (lambda lib, p: lib.optim.NAdam([p], lr=-0.1), ValueError, "Invalid learning rate: -0.1"),
    (lambda lib, p: lib.optim.RAdam([p], weight_decay=-1.0), ValueError,
     "Invalid weight_decay value: -1.0"),
    (lambda lib, p: lib.optim.RAdam([p], betas=(0.9, 1.5)), ValueError,
     "Invalid beta parameter at index 1: 1.5"),
    (lambda lib, p: lib.optim.Rprop([p], etas=(1.5, 2.0)), ValueError,
     "Invalid eta values: 1.5, 2.0"),
    (lambda lib, p: lib.optim.Rprop([p], etas=(0.5, 0.9)), ValueError,
     "Invalid eta values: 0.5, 0.9"),
    (lambda lib, p: lib.optim.Rprop([p], lr=-1.0), ValueError, "Invalid learning rate: -1.0"),
    (lambda lib, p: lib.optim.ASGD([p], weight_decay=-1.0), ValueError,
     "Invalid weight_decay value: -1.0"),
    (lambda lib, p: lib.optim.ASGD([p], lr=-1.0), ValueError, "Invalid learning rate: -1.0"),
    (lambda lib, p: lib.optim.LBFGS([p], lr=-1.0), ValueError, "Invalid learning rate: -1.0"),
    (lambda lib, p: lib.optim.LBFGS([{"params": [p]}, {"params": [p * 1]}]), ValueError,
     "can't optimize a non-leaf Tensor"),
    (lambda lib, p: lib.optim.LBFGS([{"params": [p]}, {"params": [lib.ones(1,
                                                                            requires_grad=True)]}]),
     ValueError, "LBFGS doesn't support per-parameter options (parameter groups)"),
    (lambda lib, p: lib.optim.Adadelta(p), TypeError,
     "params argument given to the optimizer should be an iterable of Tensors or dicts"),
])
def test_errors_match_pytorch(make, exc, message):
    expect_error(lambda lib: make(lib, lib.ones(2, requires_grad=True)), exc, message)


def test_lbfgs_unknown_line_search_errors_like_pytorch():
    def run_step(lib):
        p = lib.ones(2, requires_grad=True)
        opt = lib.optim.LBFGS([p], line_search_fn="armijo")

        def closure():
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss

        opt.step(closure)

    expect_error(run_step, RuntimeError, "only 'strong_wolfe' is supported")


def test_lbfgs_needs_a_closure():
    expect_error(lambda lib: lib.optim.LBFGS([lib.ones(2, requires_grad=True)]).step(None),
                 TypeError, "'NoneType' object is not callable")


def test_sparse_adam_is_not_provided():
    # PyTorch's SparseAdam only accepts sparse gradients, which ember does not have.
    assert not hasattr(ember.optim, "SparseAdam")
