"""Small APIs PyTorch scripts use: asarray, frombuffer, the default device, legacy tensor types,
pinning and sharing, storages, and nn.Module helpers (get_buffer, set_submodule, to_empty...),
each compared with torch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
from oracle import require_torch


def _outcome(fn):
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = fn()
        return repr(result), None, [str(w.message)[:60] for w in caught]
    except Exception as error:  # noqa: BLE001 - the type is what we compare
        return None, (type(error).__name__, str(error)[:60]), None


def _same(fn, compare_warnings=True):
    torch = require_torch()
    got, expected = _outcome(lambda: fn(ember)), _outcome(lambda: fn(torch))
    if not compare_warnings:
        got, expected = got[:2], expected[:2]
    assert got == expected


# --- asarray -------------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda t: t.asarray(np.arange(3.)),
    lambda t: t.asarray(np.arange(3.), dtype=t.float32),
    lambda t: t.asarray(np.arange(3.), dtype=t.float32, copy=False),
    lambda t: t.asarray(np.arange(3, dtype=np.int8), dtype=t.uint8, copy=False),
    lambda t: t.asarray([1, 2], copy=False),
    lambda t: t.asarray([1, 2]), lambda t: t.asarray([1., 2]), lambda t: t.asarray(3.5),
    lambda t: t.asarray(True), lambda t: t.asarray(np.float32(3.5)),
    lambda t: t.asarray(np.float64(3.5)), lambda t: t.asarray(np.float64(3.5), copy=False),
    lambda t: t.asarray([1, 2], requires_grad=True),
    lambda t: t.asarray([1., 2], requires_grad=True),
    lambda t: t.asarray(np.arange(3.), requires_grad=True),
    lambda t: t.asarray(t.ones(2), dtype=t.int64, copy=False),
    lambda t: t.asarray(t.ones(2), dtype=t.float64),
    lambda t: t.asarray(t.ones(2), requires_grad=True),
    lambda t: t.asarray(t.ones(2, requires_grad=True), requires_grad=False),
    lambda t: t.asarray([1, 2], dtype=t.float64), lambda t: t.asarray(range(3)),
    lambda t: t.asarray(np.arange(3), device="cuda"), lambda t: t.asarray("ab"),
    lambda t: t.asarray(bytearray(8)), lambda t: t.asarray(bytearray(2)),
    lambda t: t.asarray(bytearray(8), dtype=t.int32),
])
def test_asarray_values_dtypes_and_errors_match_torch(call):
    _same(call)


def test_asarray_shares_memory_unless_a_copy_is_needed_or_asked():
    torch = require_torch()
    for lib in (ember, torch):
        a = np.arange(4.)
        shared, copied = lib.asarray(a), lib.asarray(a, copy=True)
        converted = lib.asarray(a, dtype=lib.float32)
        strided = lib.asarray(a[::2])
        a[0] = 7
        assert shared[0].item() == 7 and strided[0].item() == 7
        assert copied[0].item() == 0 and converted[0].item() == 0
        x = lib.zeros(2)
        assert lib.asarray(x) is x
        assert lib.asarray(x, copy=True) is not x
        b = bytearray(4)
        over = lib.asarray(b, dtype=lib.uint8)
        b[2] = 9
        assert over.tolist() == [0, 0, 9, 0]


def test_asarray_of_a_tensor_keeps_its_graph_for_a_cast():
    torch = require_torch()
    names = []
    for lib in (ember, torch):
        x = lib.ones(2, requires_grad=True)
        names.append((type(lib.asarray(x, dtype=lib.float64, requires_grad=True).grad_fn).__name__,
                       lib.asarray(x, requires_grad=False).requires_grad))
    assert names[0] == names[1]


# --- frombuffer -----------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda t: t.frombuffer(bytearray(16), dtype=t.int32),
    lambda t: t.frombuffer(bytearray(16), dtype=t.int32, count=2, offset=4),
    lambda t: t.frombuffer(bytearray(16), dtype=t.int32, count=5),
    lambda t: t.frombuffer(bytearray(16), dtype=t.int32, offset=20),
    lambda t: t.frombuffer(bytearray(16), dtype=t.int32, offset=-1),
    lambda t: t.frombuffer(bytearray(16), dtype=t.int32, offset=2),
    lambda t: t.frombuffer(bytearray(16), dtype=t.int32, count=0),
    lambda t: t.frombuffer(bytearray(0), dtype=t.int32),
    lambda t: t.frombuffer(bytearray(8), dtype=t.float32, count=1, offset=7),
    lambda t: t.frombuffer(bytearray(7), dtype=t.int32, offset=1),
    lambda t: t.frombuffer(b"abcd", dtype=t.uint8),
    lambda t: t.frombuffer([1, 2], dtype=t.uint8),
    lambda t: t.frombuffer(bytearray(8), dtype=t.float32, requires_grad=True),
    lambda t: t.frombuffer(bytearray(8), dtype=t.int32, requires_grad=True),
    lambda t: t.frombuffer(bytearray(8)), lambda t: t.frombuffer(bytearray(8), dtype="float"),
    lambda t: t.frombuffer(bytearray(8), dtype=t.float32, count=1.5),
    lambda t: t.frombuffer(memoryview(bytearray(8)), dtype=t.int16),
    lambda t: t.frombuffer(np.arange(4, dtype=np.int32), dtype=t.int32),
])
def test_frombuffer_matches_torch(call):
    _same(call)


def test_frombuffer_shares_the_buffer_both_ways():
    torch = require_torch()
    for lib in (ember, torch):
        b = bytearray(8)
        x = lib.frombuffer(b, dtype=lib.uint8, offset=2, count=4)
        b[3] = 5
        x[0] = 3
        assert x.tolist() == [3, 5, 0, 0] and b[2] == 3


# --- default device and legacy tensor types ---------------------------------------------------
@pytest.mark.parametrize("device", ["cpu", None, "cuda", "mps", "foo"])
def test_default_device_as_on_cpu_only_torch(device):
    def call(t):
        try:
            t.set_default_device(device)
            return t.get_default_device()
        finally:
            t.set_default_device(None)
    if device == "foo":  # ember's message for an unknown device differs; the type matches
        torch = require_torch()
        for lib in (ember, torch):
            with pytest.raises(RuntimeError):
                call(lib)
        return
    _same(call)


def test_set_default_tensor_type_warns_and_sets_the_default_dtype():
    torch = require_torch()
    from ember import _utilities

    _utilities._tensor_type_warned[0] = False
    for lib in (ember, torch):
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                lib.set_default_tensor_type(lib.DoubleTensor)
            assert lib.get_default_dtype() is lib.float64
            assert lib.tensor([1.]).dtype is lib.float64
            if lib is ember:  # torch warns once per process: it may have warned already
                assert "set_default_tensor_type() is deprecated" in str(caught[0].message)
            lib.set_default_tensor_type("torch.HalfTensor")
            assert lib.get_default_dtype() is lib.float16
        finally:
            lib.set_default_dtype(lib.float32)
    for call in (lambda t: t.set_default_tensor_type(t.LongTensor),
                 lambda t: t.set_default_tensor_type("torch.cuda.FloatTensor"),
                 lambda t: t.set_default_tensor_type(t.float64),
                 lambda t: t.set_default_tensor_type("torch.FooTensor")):
        _same(call)
    assert ember.get_default_dtype() is ember.float32


@pytest.mark.parametrize("call", [
    lambda t: t.FloatTensor, lambda t: t.FloatTensor([1, 2]), lambda t: t.LongTensor([1.5, 2]),
    lambda t: t.DoubleTensor(2).dtype, lambda t: t.BoolTensor([1, 0]),
    lambda t: t.ByteTensor([1, 0]), lambda t: t.IntTensor([1, 0]),
    lambda t: t.HalfTensor([1, 0]), lambda t: t.ShortTensor([1]), lambda t: t.CharTensor([1]),
    lambda t: t.FloatTensor(), lambda t: t.FloatTensor((2, 3)),
    lambda t: t.FloatTensor(t.Size([2, 3])).shape, lambda t: t.LongTensor(3, 2).shape,
    lambda t: t.FloatTensor(t.tensor([1, 2])), lambda t: t.HalfTensor(t.tensor([1., 2])),
    lambda t: t.FloatTensor(np.array([1., 2])), lambda t: t.FloatTensor(2, device="cuda"),
    lambda t: t.FloatTensor("a"), lambda t: type(t.FloatTensor([1])) is t.Tensor,
    lambda t: isinstance(t.zeros(2), t.FloatTensor),
    lambda t: isinstance(t.zeros(2, dtype=t.float64), t.FloatTensor),
    lambda t: isinstance(t.zeros(2, dtype=t.long), t.LongTensor),
    lambda t: issubclass(t.FloatTensor, t.Tensor), lambda t: t.FloatTensor.dtype,
    lambda t: t.FloatTensor.is_cuda, lambda t: t.FloatTensor.__name__,
    lambda t: t.typename(t.FloatTensor),
])
def test_legacy_tensor_types_match_torch(call):
    _same(call)


def test_legacy_constructor_of_a_tensor_shares_its_memory():
    torch = require_torch()
    for lib in (ember, torch):
        y = lib.tensor([1., 2.])
        z = lib.FloatTensor(y)
        z[0] = 5
        assert y[0].item() == 5


# --- pinning, sharing, storages -----------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda t: t.arange(3.).pin_memory(), lambda t: t.arange(3.).is_pinned(),
    lambda t: t.arange(3.).is_shared(), lambda t: t.arange(6.).untyped_storage(),
    lambda t: t.arange(6.).untyped_storage().size(),
    lambda t: t.arange(6.).untyped_storage().nbytes(),
    lambda t: len(t.arange(6.).untyped_storage()),
    lambda t: t.arange(6.).untyped_storage().element_size(),
    lambda t: t.arange(6.)[2:].untyped_storage().size(),
    lambda t: t.arange(6.).untyped_storage().tolist(),
    lambda t: t.arange(6.).untyped_storage()[4], lambda t: t.arange(6.).untyped_storage().device,
    lambda t: t.arange(6.).untyped_storage().is_pinned(),
    lambda t: t.arange(6, dtype=t.int16).storage(),
    lambda t: t.arange(6.).storage().size(), lambda t: t.arange(6.).storage().element_size(),
    lambda t: t.arange(6.).storage().nbytes(), lambda t: t.arange(6.).storage().dtype,
    lambda t: t.arange(6.).storage().tolist(), lambda t: t.arange(6.).storage()[1],
    lambda t: t.is_storage(t.zeros(2).untyped_storage()), lambda t: t.is_storage(t.zeros(2)),
])
def test_memory_queries_match_torch(call):
    _same(call, compare_warnings=False)  # TypedStorage's warning comes once per process


def test_storage_warns_that_typed_storage_is_deprecated():
    from ember._api import tensor_methods

    tensor_methods._typed_storage_warned[0] = False
    with pytest.warns(UserWarning, match="TypedStorage is deprecated"):
        ember.zeros(2).storage()


def test_views_share_a_storage_and_copies_do_not():
    torch = require_torch()
    for lib in (ember, torch):
        x = lib.arange(6.)
        ptr = x.untyped_storage().data_ptr()
        assert ptr == x.data_ptr()
        assert x[2:].untyped_storage().data_ptr() == ptr
        assert x.view(2, 3).t().untyped_storage().data_ptr() == ptr
        assert x.view(2, 3).t().contiguous().untyped_storage().data_ptr() != ptr
        assert x.clone().untyped_storage().data_ptr() != ptr
        assert x.untyped_storage() == x[1:].untyped_storage()


def test_share_memory_marks_the_tensor_and_its_views():
    torch = require_torch()
    for lib in (ember, torch):
        x = lib.arange(6.)
        view = x[1:]
        assert x.share_memory_() is x
        assert x.is_shared() and view.is_shared() and x.untyped_storage().is_shared()
        assert not lib.arange(6.).is_shared()


def test_bfloat16_says_ember_has_no_bfloat16():
    with pytest.raises(TypeError, match="ember has no bfloat16"):
        ember.ones(2).bfloat16()


# --- nn.Module helpers ------------------------------------------------------------------------
def _net(t):
    return t.nn.Sequential(t.nn.Linear(2, 2), t.nn.BatchNorm1d(2))


@pytest.mark.parametrize("call", [
    lambda t: _net(t).get_buffer("1.running_mean"), lambda t: _net(t).get_buffer("1.weight"),
    lambda t: _net(t).get_buffer("1.nope"), lambda t: _net(t).get_buffer("2.nope"),
    lambda t: _net(t).get_buffer("1.training"), lambda t: _net(t).get_extra_state(),
    lambda t: _net(t).set_extra_state(1), lambda t: _net(t).set_submodule("0", 3),
    lambda t: _net(t).set_submodule("", t.nn.ReLU()),
    lambda t: _net(t).set_submodule("9", t.nn.ReLU(), strict=True),
    lambda t: _net(t).set_submodule("9.x", t.nn.ReLU()),
    lambda t: t.nn.Linear(2, 2).to_empty(device="cuda"),
    lambda t: t.nn.Linear(2, 2).to_empty(),
])
def test_module_helpers_match_torch(call):
    _same(call)


def test_set_submodule_replaces_in_place_and_adds():
    torch = require_torch()
    reprs = []
    for lib in (ember, torch):
        net = _net(lib)
        assert net.set_submodule("0", lib.nn.ReLU()) is None
        net.set_submodule("1", lib.nn.Tanh(), strict=True)
        net.set_submodule("2", lib.nn.Sigmoid())
        reprs.append(repr(net))
    assert reprs[0] == reprs[1]


def test_to_empty_keeps_parameters_and_their_shapes():
    torch = require_torch()
    for lib in (ember, torch):
        net = _net(lib).double()
        weight = net[0].weight
        weight.grad = lib.ones(2, 2, dtype=lib.float64)
        assert net.to_empty(device="cpu") is net
        assert net[0].weight is weight and weight.dtype is lib.float64
        assert weight.grad.shape == (2, 2) and weight.requires_grad
        assert net[1].running_mean.shape == (2,)


def test_share_memory_and_compile_on_modules():
    torch = require_torch()
    for lib in (ember, torch):
        net = _net(lib)
        assert net.share_memory() is net
        assert net[0].weight.is_shared() and net[1].running_mean.is_shared()
    net = _net(ember)
    assert net.compile() is None
    assert net(ember.ones(3, 2)).shape == (3, 2)
