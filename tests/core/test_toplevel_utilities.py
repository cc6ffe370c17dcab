"""The top-level pieces ordinary PyTorch scripts touch: ember.cuda and ember.backends as on a
CPU-only PyTorch, finfo/iinfo, thread and determinism switches, compile, typename, autocast,
GradScaler and ember.testing (assert_close, make_tensor), each compared with torch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
from oracle import require_torch


def _outcome(fn):
    """(result, None) or (None, (exception type, message)) of ``fn()``."""
    try:
        return fn(), None
    except Exception as error:  # noqa: BLE001 - the type is what we compare
        return None, (type(error), str(error))


def _same(fn):
    """``fn(lib)`` returns the same value, or raises the same error, in ember and torch."""
    torch = require_torch()
    expected, expected_error = _outcome(lambda: fn(torch))
    got, got_error = _outcome(lambda: fn(ember))
    assert got_error == expected_error
    assert repr(got) == repr(expected)


# --- ember.cuda, ember.backends, devices --------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda t: t.cuda.is_available(), lambda t: t.cuda.device_count(),
    lambda t: t.cuda.is_initialized(), lambda t: t.cuda.manual_seed(3),
    lambda t: t.cuda.manual_seed_all(3), lambda t: t.cuda.empty_cache(),
    lambda t: t.cuda.synchronize(), lambda t: t.cuda.current_device(),
    lambda t: t.cuda.get_device_name(), lambda t: t.cuda.get_device_name(0),
    lambda t: t.cuda.get_device_properties(0), lambda t: t.cuda.memory_allocated(),
    lambda t: t.cuda.is_bf16_supported(), lambda t: t.cuda.init(),
    lambda t: t.backends.mps.is_available(), lambda t: t.backends.mps.is_built(),
    lambda t: t.backends.cudnn.enabled, lambda t: t.backends.cudnn.benchmark,
    lambda t: t.backends.cudnn.deterministic, lambda t: t.backends.cudnn.is_available(),
    lambda t: t.backends.cuda.matmul.allow_tf32, lambda t: t.backends.cuda.is_built(),
    lambda t: t.backends.cuda.matmul.no_such_flag,
    lambda t: t.tensor([1.0]).to("cuda"), lambda t: t.tensor([1.0]).cuda(),
    lambda t: t.tensor([1.0]).to("cuda:0"), lambda t: t.tensor([1.0]).to(t.device("cuda")),
    lambda t: t.zeros(2, device="cuda"), lambda t: t.tensor([1.0], device="cuda"),
    lambda t: t.tensor([1.0]).to("mps"), lambda t: t.nn.Linear(2, 2).cuda(),
    lambda t: t.tensor([1.0]).to("cpu"),
])
def test_cuda_and_backends_answer_as_a_cpu_only_torch(call):
    _same(call)


def test_backend_flags_are_settable_and_unknown_ones_rejected():
    torch = require_torch()
    for lib in (ember, torch):
        before = lib.backends.cudnn.benchmark, lib.backends.cuda.matmul.allow_tf32
        try:
            lib.backends.cudnn.benchmark = True
            lib.backends.cuda.matmul.allow_tf32 = True
            assert lib.backends.cudnn.benchmark is True
            assert lib.backends.cuda.matmul.allow_tf32 is True
            with pytest.raises(AttributeError, match="^Unknown attribute bogus$"):
                lib.backends.cuda.matmul.bogus = 1
        finally:
            lib.backends.cudnn.benchmark, lib.backends.cuda.matmul.allow_tf32 = before


def _device_selection_program(torch):
    torch.manual_seed(0)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.cuda.manual_seed_all(0)
    model = torch.nn.Linear(3, 2)
    with torch.no_grad():
        model.weight.copy_(torch.arange(6.0).reshape(2, 3) / 10)
        model.bias.fill_(0.5)
    model = model.to(device)
    x = torch.ones(4, 3, device=device)
    out = model(x).sum()
    out.backward()
    return device, str(next(model.parameters()).device), repr(out), repr(model.weight.grad)


def test_device_selection_snippet_runs_and_prints_as_torch():
    torch = require_torch()
    assert _device_selection_program(ember) == _device_selection_program(torch)
    assert _device_selection_program(ember)[0] == "cpu"


# --- finfo, iinfo ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_finfo_matches_torch(name):
    torch = require_torch()
    e, t = ember.finfo(getattr(ember, name)), torch.finfo(getattr(torch, name))
    for attribute in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution",
                      "dtype"):
        assert getattr(e, attribute) == getattr(t, attribute), attribute
        assert type(getattr(e, attribute)) is type(getattr(t, attribute)), attribute
    assert repr(e) == repr(t) and str(e) == str(t)


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_matches_torch(name):
    torch = require_torch()
    e, t = ember.iinfo(getattr(ember, name)), torch.iinfo(getattr(torch, name))
    for attribute in ("bits", "max", "min", "dtype"):
        assert getattr(e, attribute) == getattr(t, attribute), attribute
    assert repr(e) == repr(t)


@pytest.mark.parametrize("call", [
    lambda t: t.finfo(), lambda t: t.finfo(t.int32), lambda t: t.finfo("float32"),
    lambda t: t.iinfo(t.float32), lambda t: t.iinfo(t.bool),
    lambda t: t.finfo(t.float32) == t.finfo(t.float32),
    lambda t: t.finfo(t.float32) == t.finfo(t.float64),
    lambda t: t.iinfo(t.int8) == t.iinfo(t.int8),
    lambda t: hash(t.finfo(t.float32)),
])
def test_finfo_iinfo_edges(call):
    _same(call)


# --- threads, determinism, compile, typename ------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda t: t.set_num_threads(0), lambda t: t.set_num_threads(-2),
    lambda t: t.set_num_threads(1.5), lambda t: t.set_num_threads("2"),
    lambda t: t.use_deterministic_algorithms(1),
    lambda t: t.use_deterministic_algorithms(True, warn_only="yes"),
    lambda t: t.compile(3),
    lambda t: t.typename(t.zeros(2)), lambda t: t.typename(t.zeros(2, dtype=t.int64)),
    lambda t: t.typename(t.zeros(2, dtype=t.bool)), lambda t: t.typename(3),
    lambda t: t.typename("a"), lambda t: t.typename(t.nn.Linear(1, 1)),
    lambda t: t.typename(t.nn.Linear), lambda t: t.is_storage(t.zeros(2)),
    lambda t: t.is_storage([1]),
    lambda t: t.clamp_(t.tensor([1.0, 5.0]), max=2.0), lambda t: t.relu_(t.tensor([-1.0, 2.0])),
    lambda t: t.sigmoid_(t.tensor([0.0])), lambda t: t.zero_(t.tensor([3.0])),
])
def test_small_top_level_functions(call):
    _same(call)


def test_top_level_inplace_function_rejects_a_non_tensor():
    message = "clamp_() received an invalid combination of arguments - got (list, max=float)"
    for lib in (ember, require_torch()):
        with pytest.raises(TypeError) as error:
            lib.clamp_([1.0], max=2.0)
        assert str(error.value).startswith(message)


def test_thread_counts_and_determinism_flags_round_trip():
    old_threads, old_interop = ember.get_num_threads(), ember.get_num_interop_threads()
    try:
        ember.set_num_threads(3)
        assert ember.get_num_threads() == 3
        ember.set_num_interop_threads(2)
        assert ember.get_num_interop_threads() == 2
    finally:
        ember.set_num_threads(old_threads)
        ember.set_num_interop_threads(old_interop)
    assert not ember.are_deterministic_algorithms_enabled()
    try:
        ember.use_deterministic_algorithms(True, warn_only=True)
        assert ember.are_deterministic_algorithms_enabled()
        assert ember.is_deterministic_algorithms_warn_only_enabled()
    finally:
        ember.use_deterministic_algorithms(False)
    assert not ember.are_deterministic_algorithms_enabled()


def test_compile_returns_the_callable_in_every_spelling():
    def f(x):
        return x * 2

    model = ember.nn.Linear(2, 2)
    assert ember.compile(f) is f and ember.compile(model) is model

    @ember.compile
    def g(x):
        return x + 1

    @ember.compile(mode="reduce-overhead", fullgraph=True)
    def h(x):
        return x - 1

    x = ember.tensor([1.0])
    assert (g(x).item(), h(x).item()) == (2.0, 0.0)


# --- autocast, GradScaler --------------------------------------------------------------------------
def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [(w.category, str(w.message)) for w in caught]


def test_autocast_cuda_disables_itself_with_torchs_warning():
    torch = require_torch()
    for lib in (ember, torch):
        context, caught = _warnings_of(lambda lib=lib: lib.autocast("cuda"))
        assert caught == [(UserWarning,
                           "CUDA is not available or torch_xla is imported. Disabling autocast.")]
        with context:
            assert not lib.is_autocast_enabled()
    _same(lambda t: t.autocast("foo"))
    _same(lambda t: t.autocast(3))


def test_cpu_autocast_runs_in_full_precision_and_warns_once():
    import ember.amp as amp

    amp._warned.autocast = False
    a = ember.ones(2, 2)

    def run():
        with ember.autocast("cpu"):
            return a @ a

    out, caught = _warnings_of(run)
    assert out.dtype is ember.float32 and out.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    assert len(caught) == 1 and caught[0][0] is UserWarning
    assert "full precision" in caught[0][1]
    _, again = _warnings_of(run)
    assert again == []
    _, disabled = _warnings_of(lambda: ember.amp.autocast("cpu", enabled=False).__enter__())
    assert disabled == []

    @ember.autocast("cpu")
    def decorated(x):
        return x + 1

    assert decorated(ember.tensor([1.0])).tolist() == [2.0]


def _scaler_program(torch, **kwargs):
    torch.manual_seed(0)
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    scaler = torch.amp.GradScaler(**kwargs)
    for _ in range(3):
        optimizer.zero_grad()
        loss = (w * w).sum()
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        scaler.step(optimizer)
        scaler.update()
    return repr(w), scaler.is_enabled(), scaler.get_scale(), scaler.state_dict()


def test_grad_scaler_is_torchs_disabled_scaler():
    torch = require_torch()
    assert _scaler_program(ember, enabled=False) == _scaler_program(torch, enabled=False)
    # torch's default ('cuda') scaler disables itself with this warning without CUDA.
    for lib in (ember, torch):
        result, caught = _warnings_of(lambda lib=lib: _scaler_program(lib))
        assert (UserWarning, "torch.cuda.amp.GradScaler is enabled, but CUDA is not available. "
                " Disabling.") in caught
        assert result == _scaler_program(torch, enabled=False)
    _, caught = _warnings_of(lambda: ember.cuda.amp.GradScaler(enabled=False))
    assert caught[0][0] is FutureWarning


# --- ember.testing.assert_close --------------------------------------------------------------------
def _nan():
    return float("nan")


ASSERT_CLOSE_CASES = [
    lambda t: ([t.tensor([1.0, 2.0, 3.0]), t.tensor([1.0, 2.5, 3.0])], {}),
    lambda t: ([t.tensor([[1.0, 2.0], [3.0, 4.0]]), t.tensor([[1.0, 2.0], [3.0, 5.0]])], {}),
    lambda t: ([t.tensor(1.0), t.tensor(2.0)], {}),
    lambda t: ([t.tensor(1.0), t.tensor(0.0)], {}),
    lambda t: ([t.tensor(5), t.tensor(6)], {}),
    lambda t: ([t.tensor(True), t.tensor(False)], {}),
    lambda t: ([t.tensor([1, 2, 3]), t.tensor([1, 2, 4])], {}),
    lambda t: ([t.tensor([True, False]), t.tensor([True, True])], {}),
    lambda t: ([t.tensor([1, 2], dtype=t.uint8), t.tensor([2, 1], dtype=t.uint8)], {}),
    lambda t: ([t.tensor([1.0, 2.0]), t.tensor([1.0, 2.0], dtype=t.float64)], {}),
    lambda t: ([t.tensor([1.0]), t.tensor([1.0, 2.0], dtype=t.float64)], {}),
    lambda t: ([t.tensor([1.0, 2.0]), t.tensor([1.0, 2.0], dtype=t.float64)],
               {"check_dtype": False}),
    lambda t: ([t.tensor([1, 2]), t.tensor([1.0, 2.5])], {"check_dtype": False}),
    lambda t: ([t.tensor([1.0, 2.0]), t.tensor([1, 3])], {"check_dtype": False}),
    lambda t: ([1.0, 1.0 + 1e-9], {}),
    lambda t: ([1.0, 1.1], {}),
    lambda t: ([1.0, 0.0], {}),
    lambda t: ([1, 2], {}),
    lambda t: ([1, 1.0], {}),
    lambda t: ([2, 2.0], {"check_dtype": False}),
    lambda t: ([True, False], {}),
    lambda t: ([None, None], {}),
    lambda t: ([_nan(), _nan()], {}),
    lambda t: ([_nan(), _nan()], {"equal_nan": True}),
    lambda t: ([[1.0, 2.0], [1.0, 2.1]], {}),
    lambda t: ([[[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 5.0]]], {}),
    lambda t: ([(1.0, 2.0), [1.0, 2.0]], {}),
    lambda t: ([[1.0, 2.0], [1.0]], {}),
    lambda t: ([{"a": t.tensor(1.0)}, {"a": t.tensor(2.0)}], {}),
    lambda t: ([{"a": [1.0, {"b": 2}]}, {"a": [1.0, {"b": 3}]}], {}),
    lambda t: ([{"a": 1.0}, {"b": 1.0}], {}),
    lambda t: ([[t.tensor([1.0]), t.tensor([1.0, 3.0])],
                [t.tensor([1.0]), t.tensor([1.0, 2.0])]], {}),
    lambda t: ([t.tensor([_nan()]), t.tensor([_nan()])], {}),
    lambda t: ([t.tensor([_nan()]), t.tensor([_nan()])], {"equal_nan": True}),
    lambda t: ([t.tensor([_nan(), 1.0]), t.tensor([_nan(), 2.0])], {}),
    lambda t: ([t.tensor([float("inf")]), t.tensor([float("inf")])], {}),
    lambda t: ([t.tensor([float("inf")]), t.tensor([1.0])], {}),
    lambda t: ([t.tensor([1.0]), t.tensor([2.0])], {"msg": "custom"}),
    lambda t: ([t.tensor([1.0]), t.tensor([2.0])], {"msg": lambda m: "X" + m}),
    lambda t: ([t.tensor([1.0]), t.tensor([2.0])], {"rtol": 0.1}),
    lambda t: ([t.tensor([1.0]), t.tensor([2.0])], {"atol": 0.1}),
    lambda t: ([t.tensor([1.5]), t.tensor([1.0])], {"rtol": 0.1, "atol": 0.1}),
    lambda t: ([t.tensor([1.0, 2.0, 3.0, 4.0]), t.tensor([1.1, 2.0, 3.3, 4.0])],
               {"rtol": 0, "atol": 0}),
    lambda t: ([t.tensor([0.0, 2.0]), t.tensor([1.0, 2.0])], {}),
    lambda t: ([t.tensor([1.0], dtype=t.float16), t.tensor([1.01], dtype=t.float16)], {}),
    lambda t: ([t.tensor([1.0]), t.tensor([1.0], requires_grad=True)], {}),
    lambda t: ([t.tensor([1.0, 2.0]), t.tensor([1.0, 2.00001])], {}),
    lambda t: ([t.ones(12, 1), t.zeros(12, 1)], {}),
    lambda t: ([t.ones(2, 3).t(), t.ones(3, 2)], {"check_stride": True}),
    lambda t: ([t.ones(2, 3).t(), t.ones(3, 2)], {}),
    lambda t: ([t.empty(0), t.empty(0)], {}),
    lambda t: ([np.array([1.0]), np.array([2.0])], {}),
    lambda t: ([t.tensor([1.0]), [1.0]], {}),
    lambda t: ([t.tensor([1.0]), 1.0], {}),
    lambda t: (["a", "a"], {}),
    lambda t: ([np.float32(1.0), np.float32(2.0)], {}),
]


@pytest.mark.parametrize("case", range(len(ASSERT_CLOSE_CASES)))
def test_assert_close_passes_and_fails_as_torch(case):
    torch = require_torch()

    def run(lib):
        args, kwargs = ASSERT_CLOSE_CASES[case](lib)
        return lib.testing.assert_close(*args, **kwargs)

    expected, expected_error = _outcome(lambda: run(torch))
    got, got_error = _outcome(lambda: run(ember))
    if expected_error is not None and expected_error[0] is TypeError:
        # "No comparison pair ... <class 'torch.Tensor'>": ember names its own class.
        assert got_error[0] is TypeError
        assert got_error[1] == expected_error[1].replace("torch.Tensor", "ember._tensor.Tensor")
    else:
        assert got_error == expected_error
    assert got is expected is None


def test_assert_close_message_text_for_a_typical_mismatch():
    with pytest.raises(AssertionError) as error:
        ember.testing.assert_close(ember.tensor([1.0, 2.0, 3.0]), ember.tensor([1.0, 2.5, 3.0]))
    assert str(error.value) == (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 3 (33.3%)\n"
        "Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)")


# --- ember.testing.make_tensor -----------------------------------------------------------------------
@pytest.mark.parametrize("name, low, high", [("float32", -9, 9), ("float64", -9, 9),
                                             ("int64", -9, 9), ("uint8", 0, 9), ("int8", -9, 9)])
def test_make_tensor_default_ranges(name, low, high):
    t = ember.testing.make_tensor(2000, dtype=getattr(ember, name), device="cpu")
    assert t.dtype is getattr(ember, name) and t.shape == (2000,)
    assert low <= t.min().item() and t.max().item() <= high
    assert t.min().item() < low + 1 and t.max().item() > high - 1  # the range is used


def test_make_tensor_options():
    make = ember.testing.make_tensor
    t = make((3, 4), dtype=ember.float32, device="cpu", low=2, high=3, requires_grad=True)
    assert t.shape == (3, 4) and t.requires_grad and t.is_leaf
    assert bool(((t >= 2) & (t < 3)).all())
    assert not make(3, 4, dtype=ember.float32, device="cpu", noncontiguous=True).is_contiguous()
    assert bool((make(500, dtype=ember.int64, device="cpu", low=-1, high=1,
                      exclude_zero=True) != 0).all())
    flags = make(200, dtype=ember.bool, device="cpu")
    assert flags.dtype is ember.bool and 0 < flags.sum().item() < 200


@pytest.mark.parametrize("call", [
    lambda t: t.testing.make_tensor(3, dtype=t.float32, device="cpu", low=2, high=1),
    lambda t: t.testing.make_tensor(3, dtype=t.int64, device="cpu", low=3, high=3),
    lambda t: t.testing.make_tensor(3, dtype=t.float32, device="cpu", low=_nan()),
    lambda t: t.testing.make_tensor(3, dtype=t.int64, device="cpu", requires_grad=True),
    lambda t: t.testing.make_tensor(3, dtype=t.float32),
    lambda t: t.testing.make_tensor(3, dtype=t.float32, device="cuda"),
    lambda t: t.testing.make_tensor(3, dtype=t.float32, device="cpu", low=3, high=3),
])
def test_make_tensor_errors(call):
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        expected, expected_error = _outcome(lambda: call(torch))
        got, got_error = _outcome(lambda: call(ember))
    assert got_error == expected_error
    if expected_error is None:
        assert repr(got) == repr(expected)
