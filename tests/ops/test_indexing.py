"""Indexing against PyTorch: x[key], x[key] = value, and the index functions.

Rows are (id, fn(lib, *tensors), input arrays); ``check`` compares forward, gradients and second
derivatives with torch. Setting rows clone first (a leaf cannot be written in place).
"""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(1)


def arr(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


A = arr(4, 5)
B = arr(3, 4, 5)
S = arr()
E = arr(0, 3)


def idx(L, values):
    return L.tensor(values)


GET = [
    ("int", lambda L, x: x[1], [A]),
    ("int_neg", lambda L, x: x[-1, -2], [B]),
    ("slice", lambda L, x: x[1:3], [A]),
    ("slice_step", lambda L, x: x[::2, 1::3], [B]),
    ("slice_clamped", lambda L, x: x[-10:2, 3:100], [A]),
    ("slice_empty", lambda L, x: x[3:1], [A]),
    ("full_slice", lambda L, x: x[:], [A]),
    ("none", lambda L, x: x[None, :, None], [A]),
    ("ellipsis", lambda L, x: x[..., 1], [B]),
    ("ellipsis_mid", lambda L, x: x[1, ..., None, 2], [B]),
    ("ellipsis_only", lambda L, x: x[...], [A]),
    ("empty_tuple", lambda L, x: x[()], [S]),
    ("0d_none", lambda L, x: x[None], [S]),
    ("0d_ellipsis", lambda L, x: x[..., None], [S]),
    ("list", lambda L, x: x[[0, 2, 2]], [A]),
    ("tensor", lambda L, x: x[idx(L, [[0, 1], [3, 3]])], [A]),
    ("tensor_int32", lambda L, x: x[L.tensor([1, 0], dtype=L.int32)], [A]),
    ("tensor_0d_int", lambda L, x: x[idx(L, 2)], [A]),
    ("two_arrays", lambda L, x: x[[0, 1, 2], [4, 3, 1]], [A]),
    ("arrays_broadcast", lambda L, x: x[idx(L, [[0], [2]]), idx(L, [1, 2, 3])], [A]),
    ("array_then_slice", lambda L, x: x[[0, 2], 1:], [B]),
    ("slice_then_array", lambda L, x: x[1:, [0, 1]], [A]),
    ("separated_arrays", lambda L, x: x[[0, 1], :, [1, 2]], [B]),
    ("int_slice_array", lambda L, x: x[1, :, [0, 1]], [B]),  # PyTorch: (4, 2), NumPy: (2, 4)
    ("array_slice_int", lambda L, x: x[[0, 2], :, 1], [B]),
    ("none_array_slice", lambda L, x: x[None, [0, 1], 1:3], [A]),
    ("array_none_array", lambda L, x: x[[0, 1], None, [2, 3]], [B]),
    ("ellipsis_array", lambda L, x: x[..., [0, 4]], [B]),
    ("negative_array", lambda L, x: x[[-1, -4]], [A]),
    ("repeated_array", lambda L, x: x[[1, 1, 1]], [A]),
    ("empty_list", lambda L, x: x[[]], [A]),
    ("mask", lambda L, x: x[x > 0], [A]),
    ("mask_rows", lambda L, x: x[idx(L, [True, False, True, False])], [A]),
    ("mask_after_slice", lambda L, x: x[:, x[0, :, 0] > 0], [B]),
    ("mask_2d_of_3d", lambda L, x: x[x[:, :, 0] > 0], [B]),
    ("mask_and_array", lambda L, x: x[idx(L, [True, False, True]), :, [0, 1]], [B]),
    ("bool_true", lambda L, x: x[True], [A]),
    ("bool_false", lambda L, x: x[False], [A]),
    ("bool_mid", lambda L, x: x[1, True], [A]),
    ("0d_true", lambda L, x: x[True], [S]),
    ("empty_tensor_rows", lambda L, x: x[:, 1], [E]),
    ("nc_input", lambda L, x: x.t()[[1, 3]], [A]),
    ("nc_mask", lambda L, x: x.t()[x.t() > 0], [A]),
    ("chained", lambda L, x: x[1:][:, [0, 1]][0], [B]),
    ("double", lambda L, x: x[[0, 1], 2:4], [arr(3, 5, dtype=np.float64)]),
    ("int64_input", lambda L, x: x[[0, 2], 1:], [rng.integers(0, 9, (3, 4))]),
]


@pytest.mark.parametrize("fn,arrays", [r[1:] for r in GET], ids=[r[0] for r in GET])
def test_getitem(fn, arrays):
    check(fn, *arrays)


def _setter(key, value=None, value_shape=None):
    """x[key] = value on a clone; the value may be a number, a row of its own, or an input."""

    def fn(L, x, *values):
        y = x * 1
        if values:
            y[key(L) if callable(key) else key] = values[0] * 2
        else:
            y[key(L) if callable(key) else key] = value
        return y

    return fn


SET = [
    ("int_scalar", _setter(1, 5.0), [A]),
    ("slice_scalar", _setter(slice(1, 3), -1.0), [A]),
    ("ellipsis_scalar", _setter(Ellipsis, 2.0), [A]),
    ("full_slice_tensor", _setter(slice(None)), [A, arr(5)]),
    ("int_tensor", _setter(2), [A, arr(5)]),
    ("int_tensor_lead1", _setter(2), [A, arr(1, 5)]),
    ("step_tensor", _setter((slice(None, None, 2), slice(1, None, 2))), [A, arr(2, 2)]),
    ("broadcast_tensor", _setter((slice(None), slice(0, 2))), [B, arr(2, 1)]),
    ("none_tensor", _setter((None, 1)), [A, arr(5)]),
    ("list_scalar", _setter([0, 3], 0.5), [A]),
    ("list_tensor", _setter([0, 3]), [A, arr(2, 5)]),
    ("list_broadcast", _setter([0, 3]), [A, arr(5)]),
    ("list_repeated_tensor", _setter([1, 1]), [A, arr(2, 5)]),
    ("mask_scalar", lambda L, x: _masked(L, x, 0.0), [A]),
    ("mask_tensor", lambda L, x, v: _masked(L, x, v[0, 0] * 3), [A, arr(1, 1)]),
    ("mixed_tensor", _setter(lambda L: (slice(1, None), [0, 1])), [B, arr(2, 2, 5)]),
    ("int_slice_array", _setter(lambda L: (1, slice(None), [0, 1])), [B, arr(4, 2)]),
    ("separated_arrays", _setter(lambda L: ([0, 1], slice(None), [1, 2])), [B, arr(2, 4)]),
    ("bool_key", _setter(True), [A, arr(4, 5)]),
    ("0d_ellipsis", _setter(Ellipsis), [S, arr()]),
    ("tensor_key", _setter(lambda L: L.tensor([2, 0])), [A, arr(5)]),
    ("double", _setter((slice(None), 1)), [arr(3, 4, dtype=np.float64), arr(3)]),
]


def _masked(L, x, value):
    y = x * 1
    y[x > 0] = value
    return y


@pytest.mark.parametrize("fn,arrays", [r[1:] for r in SET], ids=[r[0] for r in SET])
def test_setitem(fn, arrays):
    check(fn, *arrays)


def test_setitem_names_and_versions():
    torch = require_torch()
    for key, value, name in [(1, 1.0, "CopySlices"), (slice(1, 3), 1.0, "CopySlices"),
                             ([0, 1], 1.0, "IndexPutBackward0"),
                             ((slice(None), [0, 1]), 1.0, "IndexPutBackward0"),
                             (Ellipsis, 1.0, "FillBackward3")]:
        for L in (torch, ember):
            w = L.tensor(A, requires_grad=True)
            x = w * 1
            version = x._version
            x[key] = value
            assert type(x.grad_fn).__name__ == name, (key, L)
            assert x._version > version


def test_setitem_value_requires_grad_into_plain_tensor():
    torch = require_torch()
    grads = []
    for L in (torch, ember):
        v = L.tensor(arr(5), requires_grad=True)
        x = L.zeros(4, 5)
        x[1] = v * 2
        x[[0, 3]] = v
        assert x.requires_grad and type(x.grad_fn).__name__ in ("CopySlices", "IndexPutBackward0")
        (x * L.tensor(A)).sum().backward()
        grads.append(v.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-6)


def test_setitem_through_a_view_updates_the_base():
    x = ember.zeros(3, 4)
    row = x[1]
    row[2] = 7.0
    row[[0, 1]] = ember.tensor([1.0, 2.0])
    assert x.tolist()[1] == [1.0, 2.0, 7.0, 0.0]
    assert x._version == row._version == 2
    s = ember.zeros(3)
    s[1] = 4  # a 1-D tensor's element is a 0-d view, written through
    assert s.tolist() == [0.0, 4.0, 0.0]


def test_expand_without_repeats_is_writable():
    x = ember.zeros(1, 3)
    view = x.expand(1, 3)
    view[0, 1] = 2.0
    x[None].expand(1, 1, 3)[0, 0, 2] = 3.0
    assert x.tolist() == [[0.0, 2.0, 3.0]]


def test_setitem_casts_to_the_tensor_dtype():
    torch = require_torch()
    for L in (torch, ember):
        x = L.zeros(2, 3, dtype=L.int64)
        x[0] = 1.7
        x[1, [0, 2]] = -3.5
        x[1, 1:] = L.tensor([2.9, 4.2])
        assert x.tolist() == [[1, 1, 1], [-3, 2, 4]]


def test_index_put_needs_matching_dtypes():
    expect_error(lambda L: L.zeros(2, 3, dtype=L.int64).__setitem__([0], L.ones(3)), RuntimeError,
                 "Index put requires the source and destination dtypes match, got Long for the "
                 "destination and Float for the source.")


def test_modified_saved_tensor_is_detected():
    x = ember.tensor(A, requires_grad=True)
    y = x.exp()
    z = y * 1
    y[0] = 1.0  # exp saved its result; writing it must make backward fail
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
        y.sum().backward()


# --- index functions ----------------------------------------------------------------------------
I2 = np.array([[0, 2], [1, 1], [4, 0], [3, 3]])
FUNCS = [
    ("index_select", lambda L, x: x.index_select(1, idx(L, [4, 0, 0])), [A]),
    ("index_select_dim0", lambda L, x: L.index_select(x, 0, idx(L, [2])), [B]),
    ("index_select_0d", lambda L, x: x.index_select(0, idx(L, [0])), [S]),
    ("index_select_empty", lambda L, x: x.index_select(0, L.tensor([], dtype=L.int64)), [A]),
    ("gather", lambda L, x: x.gather(1, idx(L, I2)), [A]),
    ("gather_dim0", lambda L, x: L.gather(x, 0, idx(L, [[0, 1, 3], [3, 2, 0]])), [A]),
    ("gather_small", lambda L, x: x.gather(2, idx(L, [[[1], [4]]])), [B]),
    ("gather_0d", lambda L, x: x.gather(0, idx(L, 0)), [S]),
    ("scatter_value", lambda L, x: x.scatter(1, idx(L, I2), 2.5), [A]),
    ("scatter_src", lambda L, x, s: x.scatter(1, idx(L, [[0, 2], [1, 3], [4, 0], [3, 1]]), s),
     [A, arr(4, 2)]),
    ("scatter_add", lambda L, x, s: x.scatter_add(1, idx(L, I2), s), [A, arr(4, 2)]),
    ("scatter_int32_index", lambda L, x: x.scatter(1, L.tensor([[1], [0], [2], [4]],
                                                               dtype=L.int32), 0.0), [A]),
    ("scatter_add_dim0", lambda L, x, s: L.scatter_add(x, 0, idx(L, [[0, 0, 1, 1, 0]]), s),
     [A, arr(1, 5)]),
    ("index_add", lambda L, x, s: x.index_add(0, idx(L, [0, 2, 0]), s), [A, arr(3, 5)]),
    ("index_add_alpha", lambda L, x, s: L.index_add(x, 1, idx(L, [4, 1]), s, alpha=2.0),
     [A, arr(4, 2)]),
    ("index_put", lambda L, x, v: x.index_put((idx(L, [0, 0]), idx(L, [1, 2])), v), [A, arr(2)]),
    ("index_put_acc", lambda L, x, v: x.index_put((idx(L, [0, 0, 3]),), v, accumulate=True),
     [A, arr(3, 5)]),
    ("masked_fill", lambda L, x: x.masked_fill(x > 0, -1.0), [A]),
    ("masked_fill_bcast_mask", lambda L, x: x.masked_fill(idx(L, [True, False, False, True,
                                                                  False]), 0.0), [A]),
    ("masked_fill_bcast_self", lambda L, x, m: x[0].masked_fill(m > 0, 3.0), [A, arr(4, 5)]),
    ("masked_fill_tensor", lambda L, x, v: x.masked_fill(x < 0, v), [A, arr()]),
    ("masked_fill_int", lambda L, x: x.masked_fill(x > 0, 2.7),
     [rng.integers(-3, 3, (3, 4))]),
    ("masked_select", lambda L, x: x.masked_select(x > 0.5), [A]),
    ("masked_select_bcast", lambda L, x, m: L.masked_select(x[0], m > 0), [A, arr(3, 5)]),
    ("take", lambda L, x: x.take(idx(L, [[0, 19], [-1, 7]])), [A]),
    ("take_nc", lambda L, x: L.take(x.t(), idx(L, [1, 2, 5])), [A]),
    ("take_along_dim", lambda L, x: x.take_along_dim(idx(L, I2), 1), [A]),
    ("take_along_dim_bcast", lambda L, x: L.take_along_dim(x, idx(L, [[[2], [0], [1], [4]]]), 2),
     [B]),
    ("take_along_dim_flat", lambda L, x: x.take_along_dim(idx(L, [0, 19, 3])), [A]),
    ("index_fill", lambda L, x: x.index_fill(1, idx(L, [0, 3, 3]), -2.0), [A]),
    ("index_fill_tensor", lambda L, x, v: L.index_fill(x, 0, idx(L, [1, 1, 2]), v), [A, arr()]),
    ("index_copy", lambda L, x, s: x.index_copy(1, idx(L, [4, 0]), s), [A, arr(4, 2)]),
    ("index_copy_1d", lambda L, x, s: x[0].index_copy(0, idx(L, [2]), s), [A, arr(1)]),
    ("masked_scatter", lambda L, x, s: x.masked_scatter(x > 0, s), [A, arr(30)]),
    ("masked_scatter_bcast", lambda L, x, s: L.masked_scatter(x, idx(L, [True, False, True, True,
                                                                          False]), s),
     [A, arr(4, 3)]),
    ("nonzero", lambda L, x: (x > 0).nonzero(), [A]),
    ("nonzero_tuple", lambda L, x: L.nonzero(x > 0, as_tuple=True), [B]),
    ("nonzero_0d", lambda L, x: (x * 0 + 1).nonzero(), [S]),
    ("nonzero_0d_tuple", lambda L, x: (x * 0).nonzero(as_tuple=True), [S]),
    ("argwhere", lambda L, x: L.argwhere(x < 0), [A]),
    ("where_1arg", lambda L, x: L.where(x > 0), [A]),
]


@pytest.mark.parametrize("fn,arrays", [r[1:] for r in FUNCS], ids=[r[0] for r in FUNCS])
def test_index_functions(fn, arrays):
    check(fn, *arrays)


def test_scatter_with_a_larger_src():
    # Only src's leading block is read. (PyTorch's own backward fails on this shape, so the
    # gradient is checked against finite differences instead.)
    check(lambda L, x, s: x.scatter(0, idx(L, [[0, 1], [2, 3]]), s), A, arr(3, 5), grad=False)
    gradcheck(lambda L, x, s: x.scatter(0, L.tensor([[0, 1], [2, 3]]), s) ** 2,
              rng.standard_normal((4, 5)), rng.standard_normal((3, 5)))


INPLACE = [
    ("index_add_", lambda L, x, s: (x * 1).index_add_(1, idx(L, [0, 0]), s), [A, arr(4, 2)]),
    ("scatter_", lambda L, x, s: (x * 1).scatter_(1, idx(L, I2), s), [A, arr(4, 2)]),
    ("scatter_add_", lambda L, x, s: (x * 1).scatter_add_(0, idx(L, [[1, 1, 0, 0, 3]]), s),
     [A, arr(1, 5)]),
    ("masked_fill_", lambda L, x: (x * 1).masked_fill_(x > 0, 0.0), [A]),
    ("index_put_", lambda L, x, v: (x * 1).index_put_((idx(L, [1, 3]),), v), [A, arr(5)]),
    ("index_fill_", lambda L, x: (x * 1).index_fill_(0, idx(L, [1]), 0.5), [A]),
    ("index_copy_", lambda L, x, s: (x * 1).index_copy_(0, idx(L, [3]), s), [A, arr(1, 5)]),
    ("masked_scatter_", lambda L, x, s: (x * 1).masked_scatter_(x < 0, s), [A, arr(20)]),
]


@pytest.mark.parametrize("fn,arrays", [r[1:] for r in INPLACE], ids=[r[0] for r in INPLACE])
def test_in_place_forms(fn, arrays):
    check(fn, *arrays)


NAMES = [
    (lambda L, x: x[1], "SelectBackward0"),
    (lambda L, x: x[1:], "SliceBackward0"),
    (lambda L, x: x[:], "SliceBackward0"),
    (lambda L, x: x[None], "UnsqueezeBackward0"),
    (lambda L, x: x[...], "AliasBackward0"),
    (lambda L, x: x[[0, 1]], "IndexBackward0"),
    (lambda L, x: x[x > 0], "IndexBackward0"),
    (lambda L, x: x.index_select(0, L.tensor([0])), "IndexSelectBackward0"),
    (lambda L, x: x.gather(1, L.tensor([[0]])), "GatherBackward0"),
    (lambda L, x: x.take_along_dim(L.tensor([[0]]), 1), "GatherBackward0"),
    (lambda L, x: x.scatter(1, L.tensor([[0]]), 1.0), "ScatterBackward1"),
    (lambda L, x: x.scatter(1, L.tensor([[0]]), x), "ScatterBackward0"),
    (lambda L, x: x.scatter_add(1, L.tensor([[0]]), x), "ScatterAddBackward0"),
    (lambda L, x: x.index_add(0, L.tensor([0]), x[:1]), "IndexAddBackward0"),
    (lambda L, x: x.masked_fill(x > 0, 1.0), "MaskedFillBackward0"),
    (lambda L, x: x.masked_fill(x > 0, L.tensor(1.0)), "MaskedFillBackward1"),
    (lambda L, x: x.masked_select(x > 0), "MaskedSelectBackward0"),
    (lambda L, x: x.take(L.tensor([0])), "TakeBackward0"),
    (lambda L, x: x.index_fill(0, L.tensor([0]), 1.0), "IndexFillBackward0"),
    (lambda L, x: x.index_fill(0, L.tensor([0]), L.tensor(1.0)), "IndexFillBackward1"),
    (lambda L, x: x.index_copy(0, L.tensor([0]), x[:1]), "IndexCopyBackward0"),
    (lambda L, x: x.masked_scatter(x > 0, x), "MaskedScatterBackward0"),
]


@pytest.mark.parametrize("fn,name", NAMES, ids=[n for _, n in NAMES])
def test_grad_fn_names(fn, name):
    torch = require_torch()
    assert type(fn(torch, torch.tensor(A, requires_grad=True)).grad_fn).__name__ == name
    assert type(fn(ember, ember.tensor(A, requires_grad=True)).grad_fn).__name__ == name


def test_basic_indexing_returns_views():
    x = ember.zeros(3, 4)
    for view in (x[1], x[:, 1:3], x[None], x[..., ::2], x[...]):
        assert view._base is x
    assert x[[0, 1]]._base is None


GRADCHECK = [
    lambda L, x: x[[0, 2, 2], 1:].exp(),
    lambda L, x: x[x.detach() > 0] * x.sum(),
    lambda L, x: x.gather(1, L.tensor([[0, 0], [3, 1], [2, 2]])) ** 2,
    lambda L, x: x.scatter(0, L.tensor([[2, 0, 1, 1]]), x[:1] ** 2),
    lambda L, x: x.index_select(1, L.tensor([3, 3, 0])).index_add(0, L.tensor([0, 0, 2]),
                                                                  x[:, :3] ** 2),
    lambda L, x: x.masked_fill(x.detach() > 0, 0.0) * x,
    lambda L, x: x.take(L.tensor([0, 5, 5])) * x.sum(),
    lambda L, x: x.index_copy(1, L.tensor([2, 0]), x[:, :2] ** 2).index_fill(0, L.tensor([1]),
                                                                             0.0) * x,
    lambda L, x: x.masked_scatter(x.detach() > 0, x.t() ** 2),
]


@pytest.mark.parametrize("fn", GRADCHECK)
def test_gradcheck(fn):
    gradcheck(fn, rng.standard_normal((3, 4)))


def test_gradcheck_setitem():
    def fn(L, x, v):
        y = x * x
        y[1:, [0, 2]] = v * v
        y[0] = v[0, 0]
        return y

    gradcheck(fn, rng.standard_normal((3, 4)), rng.standard_normal((2, 2)))


ERRORS = [
    (lambda L: L.zeros(4, 5)[4], IndexError, "index 4 is out of bounds for dimension 0 with size 4"),
    (lambda L: L.zeros(4, 5)[:, -6], IndexError,
     "index -6 is out of bounds for dimension 1 with size 5"),
    (lambda L: L.zeros(4, 5)[[0, 4]], IndexError,
     "index 4 is out of bounds for dimension 0 with size 4"),
    (lambda L: L.zeros(4, 5)[[0, 1], [0, 7]], IndexError,
     "index 7 is out of bounds for dimension 1 with size 5"),
    (lambda L: L.zeros(4, 5)[1, 1, 1], IndexError, "too many indices for tensor of dimension 2"),
    (lambda L: L.tensor(1.)[0], IndexError, "invalid index of a 0-dim tensor."),
    (lambda L: L.tensor(1.)[0:1], IndexError, "slice() cannot be applied to a 0-dim tensor."),
    (lambda L: L.zeros(4, 5)[::-1], ValueError, "step must be greater than zero"),
    (lambda L: L.zeros(4, 5)[1.5], IndexError,
     "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
     "indices (got float)"),
    (lambda L: L.zeros(4, 5)[L.tensor([1.0])], IndexError,
     "tensors used as indices must be long, int, byte or bool tensors"),
    (lambda L: L.zeros(4, 5)[[0, 1], [0, 1, 2]], IndexError,
     "shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]"),
    (lambda L: L.zeros(4, 5)[L.ones(2, dtype=L.bool)], IndexError,
     "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor "
     "[4, 5] at index 0"),
    (lambda L: L.zeros(3, 4, 5)[:, L.ones(4, 4, dtype=L.bool)], IndexError,
     "The shape of the mask [4, 4] at index 1 does not match the shape of the indexed tensor "
     "[3, 4, 5] at index 2"),
    (lambda L: L.zeros(4, 5).__setitem__(slice(0, 2), L.ones(3)), RuntimeError,
     "The expanded size of the tensor (5) must match the existing size (3)"),
    (lambda L: L.zeros(4, 5).__setitem__([0, 1], L.ones(3)), RuntimeError,
     "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape "
     "[2, 5]"),
    (lambda L: L.zeros(4, 5).__setitem__(9, 1.0), IndexError,
     "index 9 is out of bounds for dimension 0 with size 4"),
    (lambda L: L.zeros(4, 5, requires_grad=True).__setitem__(0, 1.0), RuntimeError,
     "a view of a leaf Variable that requires grad is being used in an in-place operation."),
    (lambda L: L.zeros(4, 5, requires_grad=True).__setitem__([0], 1.0), RuntimeError,
     "a leaf Variable that requires grad is being used in an in-place operation."),
    (lambda L: L.zeros(5).expand(4, 5).__setitem__((slice(None), 0), 1.0), RuntimeError,
     "unsupported operation: more than one element of the written-to tensor refers to a single "
     "memory location."),
    (lambda L: L.zeros(4, 5).index_select(0, L.tensor([4])), IndexError,
     "index out of range in self"),
    (lambda L: L.tensor(1.).index_select(0, L.tensor([0, 0])), RuntimeError,
     "index_select(): Index to scalar can have only 1 value, got 2 value(s)"),
    (lambda L: L.zeros(4, 5).index_select(0, L.tensor([[1]])), IndexError,
     "index_select(): Index is supposed to be a vector"),
    (lambda L: L.zeros(4, 5).index_select(0, L.tensor([1.0])), RuntimeError,
     "index_select(): Expected dtype int32 or int64 for index"),
    (lambda L: L.zeros(4, 5).index_select(2, L.tensor([0])), IndexError, "Dimension out of range"),
    (lambda L: L.zeros(4, 5).gather(1, L.tensor([[7]])), RuntimeError,
     "index 7 is out of bounds for dimension 1 with size 5"),
    (lambda L: L.zeros(4, 5).gather(1, L.tensor([7])), RuntimeError,
     "Index tensor must have the same number of dimensions as input tensor"),
    (lambda L: L.zeros(4, 5).gather(1, L.zeros(5, 2, dtype=L.int64)), RuntimeError,
     "Size does not match at dimension 0 expected index [5, 2] to be no larger than self [4, 5] "
     "apart from dimension 1"),
    (lambda L: L.zeros(4, 5).scatter(1, L.tensor([[7]]), 1.0), RuntimeError,
     "index 7 is out of bounds for dimension 1 with size 5"),
    (lambda L: L.zeros(4, 5).scatter(1, L.tensor([0]), L.ones(1, 1)), RuntimeError,
     "Index tensor must have the same number of dimensions as self tensor"),
    (lambda L: L.zeros(4, 5).scatter(1, L.tensor([[0, 1]]), L.ones(1, 1)), RuntimeError,
     "Expected index [1, 2] to be no larger than self [4, 5] apart from dimension 1 and to be "
     "no larger size than src [1, 1]"),
    (lambda L: L.zeros(4, 5).index_add(0, L.tensor([0]), L.ones(2, 5)), RuntimeError,
     "index_add_(): Number of indices (1) should be equal to source.size(dim): (2), for dim: 0"),
    (lambda L: L.zeros(4, 5).index_add(0, L.tensor([9]), L.ones(1, 5)), RuntimeError,
     "index 9 is out of bounds for dimension 0 with size 4"),
    (lambda L: L.zeros(4, 5).index_add(0, L.tensor([0]), L.ones(1, 5, dtype=L.float64)),
     RuntimeError, "index_add_(): self (Float) and source (Double) must have the same scalar type"),
    (lambda L: L.zeros(4, 5).masked_fill(L.ones(4, 5), 1.0), RuntimeError,
     "masked_fill_ only supports boolean masks, but got mask with dtype float"),
    (lambda L: L.zeros(4, 5).masked_fill(L.ones(4, 5, dtype=L.bool), L.ones(2)), RuntimeError,
     "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 "
     "dimension(s)."),
    (lambda L: L.zeros(4, 5).masked_select(L.ones(4, 5)), RuntimeError,
     "masked_select: expected BoolTensor for mask"),
    (lambda L: L.zeros(4, 5).index_fill(0, L.tensor([5]), 1.0), IndexError,
     "index 5 is out of bounds for dimension 0 with size 4"),
    (lambda L: L.zeros(4, 5).index_fill(0, L.tensor([1]), L.ones(1)), RuntimeError,
     "index_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dim"),
    (lambda L: L.zeros(4, 5).index_copy(0, L.tensor([0]), L.ones(2, 5)), IndexError,
     "index_copy_(): Number of indices (1) should be equal to source.size(dim) (2)"),
    (lambda L: L.zeros(4, 5).index_copy(0, L.tensor([7]), L.ones(1, 5)), IndexError,
     "index_copy_(): index 7 is out of bounds for dimension 0 with size 4"),
    (lambda L: L.zeros(4, 5).masked_scatter(L.ones(4, 5, dtype=L.bool), L.ones(3)), RuntimeError,
     "Number of elements of source < number of ones in mask"),
    # dtype rules: these ops never convert their source
    (lambda L: L.zeros(2, 3).scatter(1, L.tensor([[0]]), L.ones(1, 1, dtype=L.float64)),
     RuntimeError, "scatter(): Expected self.dtype to be equal to src.dtype"),
    (lambda L: L.zeros(2, 3).scatter_add(1, L.tensor([[0]]), L.ones(1, 1, dtype=L.float64)),
     RuntimeError, "scatter(): Expected self.dtype to be equal to src.dtype"),
    (lambda L: L.zeros(2, 3).index_copy(0, L.tensor([0]), L.ones(1, 3, dtype=L.float64)),
     RuntimeError, "index_copy_(): self and source expected to have the same dtype, but got "
     "(self) Float and (source) Double"),
    (lambda L: L.zeros(2, 3).index_copy(0, L.tensor([0], dtype=L.int32), L.ones(1, 3)),
     RuntimeError, "index_copy_(): Expected a long tensor for index, but got Int"),
    (lambda L: L.zeros(2, 3).masked_scatter(L.ones(2, 3, dtype=L.bool), L.ones(6, dtype=L.float64)),
     RuntimeError, "masked_scatter: expected self and source to have same dtypes but gotFloat "
     "and Double"),
    (lambda L: L.zeros(2, 3).index_put((L.tensor([0]),), L.ones(3, dtype=L.float64)),
     RuntimeError, "Index put requires the source and destination dtypes match, got Float for "
     "the destination and Double for the source."),
    (lambda L: L.zeros(2, 3).take(L.tensor([0], dtype=L.int32)), RuntimeError,
     "take(): Expected a long tensor for index, but got Int"),
    (lambda L: L.zeros(2, 3).gather(1, L.tensor([[0.0]])), RuntimeError,
     "gather(): Expected dtype int32/int64 for index"),
    (lambda L: L.zeros(2, 3).index_fill(0, L.tensor([0], dtype=L.int32), 1.0), IndexError,
     "index_fill_(): Expected dtype int64 for index."),
    (lambda L: L.zeros(4, 5).take(L.tensor([20])), IndexError,
     "out of range: tried to access index 20 on a tensor of 20 elements."),
    (lambda L: L.zeros(4, 5).take(L.tensor([-21])), IndexError,
     "out of range: tried to access index -21 on a tensor of 20 elements."),
]


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors(fn, exception, message):
    expect_error(fn, exception, message)


def _chain(y):
    names, node = [], y.grad_fn
    while node is not None:
        names.append(type(node).__name__)
        children = [child for child, _ in node.next_functions if child is not None]
        node = children[0] if children else None
    return names


CHAIN_KEYS = [slice(None), (slice(None),), (slice(None), 1), (slice(None), slice(1, 3)),
              (slice(1, None), slice(None)), (slice(None), slice(None)), Ellipsis, (),
              (Ellipsis, slice(1, 3)), (None, slice(None)), (1, None), ([0, 1], slice(1, None)),
              (None, [0, 1], slice(1, 3)), (1, [0, 1]), True, (slice(None), [True, False] * 2 + [True])]


@pytest.mark.parametrize("key", CHAIN_KEYS, ids=[repr(k) for k in CHAIN_KEYS])
def test_getitem_node_chain(key):
    """x[key] shows PyTorch's nodes, in PyTorch's order (full slices in a tuple make none)."""
    torch = require_torch()
    t = _chain(torch.tensor(A, requires_grad=True)[key])
    e = _chain(ember.tensor(A, requires_grad=True)[key])
    assert e == t


@pytest.mark.parametrize("key", CHAIN_KEYS + [1, [0, 2], (Ellipsis, 0)],
                         ids=[repr(k) for k in CHAIN_KEYS + [1, [0, 2], (Ellipsis, 0)]])
def test_setitem_node_chain(key):
    torch = require_torch()
    chains = []
    for L in (torch, ember):
        w = L.tensor(A, requires_grad=True)
        x = w * 1
        x[key] = L.ones(1) * w[0, 0]
        chains.append([name.replace("torch::autograd::", "") for name in _chain(x)[:2]])
    assert chains[1] == chains[0]


# --- random calls: random shapes (0-dim and empty included), random dims and in-range indices --
def _index_calls(pick):
    def dim(nd):
        return int(pick.integers(-nd, nd)) if nd else int(pick.integers(-1, 1))

    def positions(L, shape, high):
        return L.tensor(pick.integers(0, max(high, 1), size=shape).astype(np.int64))

    def sizes(x, low, high):
        return [int(pick.integers(low, high + 1)) for _ in range(x.ndim)]

    def mask(L, x):
        return L.tensor(pick.random(x.shape[int(pick.integers(0, x.ndim + 1)):]) > 0.5)

    return [
        lambda L, x: x.gather(dim(x.ndim), positions(L, sizes(x, 0, 3), min(x.shape or (1,)))),
        lambda L, x: x.scatter(dim(x.ndim), positions(L, sizes(x, 0, 2), min(x.shape or (1,))),
                               1.5),
        lambda L, x: x.scatter_add(dim(x.ndim), positions(L, sizes(x, 0, 2), min(x.shape or (1,))),
                                   L.ones([3] * x.ndim, dtype=L.float64)),
        lambda L, x: x.index_add(0, positions(L, [1], x.shape[0]), x[:1] * 2) if x.ndim else x,
        lambda L, x: x.masked_fill(mask(L, x), 2.0),
        lambda L, x: x.masked_select(mask(L, x)),
        lambda L, x: x.take_along_dim(positions(L, [1] * x.ndim, min(x.shape or (1,))),
                                      dim(x.ndim)) if x.ndim else x,
        lambda L, x: x.take_along_dim(positions(L, [2], x.numel())),
        lambda L, x: x.index_put((positions(L, [2], x.shape[0]),), L.tensor(3.0, dtype=L.float64),
                                 accumulate=bool(pick.integers(2))) if x.ndim else x,
        lambda L, x: (x > 0).nonzero(as_tuple=bool(pick.integers(2))),
        lambda L, x: x.index_select(dim(x.ndim), positions(L, [2], (x.shape or (1,))[0])),
        lambda L, x: x.take(positions(L, [3], x.numel())),
    ]


def _call_outcome(L, call, data):
    x = L.tensor(data, requires_grad=True)
    try:
        out = call(L, x)
    except (IndexError, RuntimeError, TypeError, ValueError) as error:
        return type(error).__name__, str(error).split("\n")[0][:60]
    outs = out if isinstance(out, tuple) else (out,)
    values = [o.detach().numpy().copy() for o in outs]
    total = sum(((o * (L.arange(o.numel(), dtype=L.float64).reshape(o.shape) + 1)).sum()
                 for o in outs if o.requires_grad), L.tensor(0.0, dtype=L.float64))
    grad = None
    if total.requires_grad:
        total.backward()
        grad = None if x.grad is None else x.grad.numpy()
    return values, grad


def test_random_index_calls_match_torch():
    """Index functions with random shapes, dims and in-range indices: same values and gradients
    (or the same error, e.g. for indices of an empty dimension)."""
    torch = require_torch()
    pick = np.random.default_rng(5)
    for trial in range(800):
        data = pick.standard_normal([int(s) for s in pick.integers(0, 4, pick.integers(0, 4))])
        seed = int(pick.integers(2 ** 31))
        number = trial % 12
        expected = _call_outcome(torch, _index_calls(np.random.default_rng(seed))[number], data)
        actual = _call_outcome(ember, _index_calls(np.random.default_rng(seed))[number], data)
        if isinstance(expected[0], str):
            assert isinstance(actual[0], str) and actual[0] == expected[0], (trial, expected)
            continue
        assert not isinstance(actual[0], str), (trial, data.shape, actual)
        for a, e in zip(actual[0], expected[0]):
            assert a.shape == e.shape and np.allclose(a, e), (trial, number, data.shape)
        if expected[1] is None or actual[1] is None:
            assert all(g is None or not np.any(g) for g in (expected[1], actual[1]))
        else:
            np.testing.assert_allclose(actual[1], expected[1], err_msg=str((trial, number)))


def test_changing_the_index_tensor_later_does_not_change_the_gradient():
    x = ember.tensor(A, requires_grad=True)
    rows = ember.tensor([0, 2])
    columns = ember.tensor([[1], [0], [3], [2]])
    y = x[rows].sum() + x.gather(1, columns).sum()
    rows.fill_(1)
    columns.fill_(4)
    y.backward()
    expected = np.zeros_like(A)
    expected[[0, 2]] += 1
    expected[[0, 1, 2, 3], [1, 0, 3, 2]] += 1
    np.testing.assert_array_equal(x.grad.numpy(), expected)
