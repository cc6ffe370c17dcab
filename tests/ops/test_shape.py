"""Shape ops against PyTorch: forward, gradient, second derivative, grad_fn names and errors.

Each row is (id, fn(lib, *tensors), input arrays). ``check`` runs the row in ember and in torch;
inputs include 0-dim, empty and non-contiguous (transposed inside the row) tensors.
"""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(0)


def arr(*shape, dtype=np.float32):
    if dtype == np.int64:
        return rng.integers(-5, 5, size=shape).astype(np.int64)
    return rng.standard_normal(shape).astype(dtype)


A = arr(3, 4)
B = arr(2, 3, 4)
S = arr()
E = arr(0, 3)

ROWS = [
    # views
    ("view", lambda L, x: x.view(4, 3), [A]),
    ("view-1", lambda L, x: x.view(-1), [B]),
    ("view_0d", lambda L, x: x.view(1, 1), [S]),
    ("view_empty", lambda L, x: x.view(3, 0), [E]),
    ("view_nc_ok", lambda L, x: x.transpose(0, 1).view(4, 3, 1), [A]),
    ("reshape_nc", lambda L, x: x.t().reshape(12), [A]),
    ("reshape_same", lambda L, x: x.reshape(3, 4), [A]),
    ("reshape_tuple", lambda L, x: x.reshape((2, -1)), [B]),
    ("flatten", lambda L, x: x.flatten(), [B]),
    ("flatten_range", lambda L, x: x.flatten(1, 2), [B]),
    ("flatten_0d", lambda L, x: x.flatten(), [S]),
    ("unflatten", lambda L, x: x.unflatten(1, (2, 2)), [A]),
    ("unflatten-1", lambda L, x: x.unflatten(-1, (-1, 2)), [B]),
    ("squeeze", lambda L, x: x.view(1, 3, 1, 4).squeeze(), [A]),
    ("squeeze_dim", lambda L, x: x.view(1, 3, 1, 4).squeeze(2), [A]),
    ("squeeze_dim_noop", lambda L, x: x.squeeze(0), [A]),
    ("squeeze_tuple", lambda L, x: x.view(1, 3, 1, 4).squeeze((0, 2, 3)), [A]),
    ("unsqueeze", lambda L, x: x.unsqueeze(-1), [A]),
    ("unsqueeze_0d", lambda L, x: x.unsqueeze(0), [S]),
    ("expand", lambda L, x: x[:, :1].expand(3, 5), [A]),
    ("expand_lead", lambda L, x: x.expand(2, -1, -1), [A]),
    ("expand_0d", lambda L, x: x.expand(2, 3), [S]),
    ("expand_as", lambda L, x, y: x[0].expand_as(y), [A, B]),
    ("broadcast_to", lambda L, x: L.broadcast_to(x, (2, 3, 4)), [A]),
    ("broadcast_tensors", lambda L, x, y: L.broadcast_tensors(x, y[:, :1]), [B, A]),
    ("transpose", lambda L, x: x.transpose(0, 2), [B]),
    ("swapaxes", lambda L, x: x.swapaxes(-1, 0), [B]),
    ("swapdims", lambda L, x: L.swapdims(x, 1, 2), [B]),
    ("permute", lambda L, x: x.permute(2, 0, 1), [B]),
    ("permute_list", lambda L, x: L.permute(x, [1, 0, 2]), [B]),
    ("movedim", lambda L, x: x.movedim(0, -1), [B]),
    ("movedim_tuple", lambda L, x: L.movedim(x, (0, 1), (2, 0)), [B]),
    ("moveaxis", lambda L, x: L.moveaxis(x, 1, 0), [B]),
    ("t", lambda L, x: x.t(), [A]),
    ("t_1d", lambda L, x: x[0].t(), [A]),
    ("mT", lambda L, x: x.mT, [B]),
    ("narrow", lambda L, x: x.narrow(1, 1, 2), [A]),
    ("narrow_neg", lambda L, x: x.narrow(-1, -3, 2), [A]),
    ("contiguous", lambda L, x: x.t().contiguous(), [A]),
    ("clone", lambda L, x: L.clone(x.t()), [A]),
    # copies
    ("repeat", lambda L, x: x.repeat(2, 1, 3), [A]),
    ("repeat_0d", lambda L, x: x.repeat(3), [S]),
    ("repeat_zero", lambda L, x: x.repeat(0, 2), [A]),
    ("tile", lambda L, x: L.tile(x, (2,)), [A]),
    ("repeat_interleave", lambda L, x: x.repeat_interleave(2), [A]),
    ("repeat_interleave_dim", lambda L, x: x.repeat_interleave(3, dim=1), [B]),
    ("repeat_interleave_tensor",
     lambda L, x: x.repeat_interleave(L.tensor([1, 0, 3]), dim=0), [A]),
    ("flip", lambda L, x: x.flip(0, 2), [B]),
    ("flip_list", lambda L, x: L.flip(x.t(), [-1]), [A]),
    ("flip_0d", lambda L, x: x.flip(0), [S]),
    ("roll", lambda L, x: x.roll(1, 0), [A]),
    ("roll_flat", lambda L, x: x.roll(-5), [B]),
    ("roll_multi", lambda L, x: x.roll((1, -2), (2, 0)), [B]),
    ("tril", lambda L, x: x.tril(), [A]),
    ("tril_k", lambda L, x: L.tril(x, -1), [B]),
    ("triu", lambda L, x: x.triu(1), [A]),
    ("triu_nc", lambda L, x: x.t().triu(), [A]),
    ("diag_vector", lambda L, x: x[0].diag(), [A]),
    ("diag_vector_k", lambda L, x: L.diag(x[1], -2), [A]),
    ("diag_matrix", lambda L, x: x.diag(), [A]),
    ("diag_matrix_k", lambda L, x: x.diag(2), [A]),
    ("diag_matrix_neg", lambda L, x: L.diag(x.t(), -1), [A]),
    ("diagonal", lambda L, x: x.diagonal(), [A]),
    ("diagonal_offset", lambda L, x: L.diagonal(x, -1), [A]),
    ("diagonal_3d", lambda L, x: x.diagonal(1, 2, 0), [B]),
    ("diagonal_nc", lambda L, x: x.t().diagonal(2), [A]),
    ("diagonal_far", lambda L, x: x.diagonal(9), [A]),
    ("diag_embed", lambda L, x: x.diag_embed(), [A]),
    ("diag_embed_dims", lambda L, x: L.diag_embed(x, 1, 0, 2), [A]),
    ("diag_embed_neg", lambda L, x: x[0].diag_embed(-2), [A]),
    ("select", lambda L, x: x.select(1, -2), [B]),
    ("view_as", lambda L, x, y: x.view_as(y[0].t()), [A, B]),
    ("reshape_as", lambda L, x, y: x.t().reshape_as(y[0]), [A, B]),
    ("ravel", lambda L, x: L.ravel(x.t()), [A]),
    ("flipud", lambda L, x: x.flipud(), [B]),
    ("fliplr", lambda L, x: L.fliplr(x), [A]),
    ("rot90", lambda L, x: x.rot90(), [A]),
    ("rot90_k", lambda L, x: L.rot90(x, -3, [2, 0]), [B]),
    ("rot90_2", lambda L, x: x.rot90(2, (1, 2)), [B]),
    ("unfold", lambda L, x: x.unfold(1, 2, 1), [A]),
    ("unfold_step", lambda L, x: x.unfold(-1, 2, 3), [B]),
    ("unfold_0d", lambda L, x: x.unfold(0, 1, 1), [S]),
    ("atleast_1d", lambda L, x: L.atleast_1d(x), [S]),
    ("atleast_2d", lambda L, x, y: L.atleast_2d(x, y[0]), [S, A]),
    ("atleast_3d", lambda L, x, y: L.atleast_3d([x, y[0], y]), [S, A]),
    ("dstack", lambda L, x: L.dstack([x, x[0:3]]), [A]),
    ("column_stack", lambda L, x: L.column_stack([x[0], x.t()[:, :2], x[0, 0:4]]), [A]),
    ("hsplit", lambda L, x: x.hsplit(2), [A]),
    ("vsplit", lambda L, x: L.vsplit(x, [1, 2]), [A]),
    ("dsplit", lambda L, x: x.dsplit(2), [B]),
    # joining
    ("cat", lambda L, x, y: L.cat([x, y[0]], 0), [A, B]),
    ("cat_dim", lambda L, x, y: L.cat([x, x.t().t(), y[1]], dim=-1), [A, B]),
    ("cat_empty_legacy", lambda L, x: L.cat([x, L.zeros(0)], 0), [A]),
    ("cat_empty_rows", lambda L, x, e: L.cat([e, x.t()[:, :3]]), [A, E]),
    ("concat", lambda L, x: L.concat((x, x), 1), [A]),
    ("concatenate", lambda L, x: L.concatenate((x, x), axis=1) if L is not ember
     else L.concatenate((x, x), 1), [A]),
    ("stack", lambda L, x, y: L.stack([x, y[0], y[1]]), [A, B]),
    ("stack_dim", lambda L, x: L.stack([x, x], dim=-1), [A]),
    ("stack_0d", lambda L, x: L.stack([x, x * 2]), [S]),
    ("hstack", lambda L, x: L.hstack([x, x[:, :1]]), [A]),
    ("hstack_1d", lambda L, x: L.hstack([x[0], x[1], x[0, 0]]), [A]),
    ("vstack", lambda L, x: L.vstack([x, x[0]]), [A]),
    ("vstack_0d", lambda L, x: L.vstack([x, x]), [S]),
    ("meshgrid_ij", lambda L, x, y: L.meshgrid(x[0], y[0, 0, :3], indexing="ij"), [A, B]),
    ("meshgrid_xy", lambda L, x, y: L.meshgrid([x[0], y[0, 0, :3], x[1, :2]], indexing="xy"),
     [A, B]),
    ("meshgrid_0d", lambda L, x, s: L.meshgrid(s, x[0], indexing="ij"), [A, S]),
    # splitting
    ("split", lambda L, x: x.split(2), [A]),
    ("split_dim", lambda L, x: L.split(x, 3, dim=-1), [B]),
    ("split_sizes", lambda L, x: x.split([1, 3], 1), [A]),
    ("split_one", lambda L, x: x.split(5), [A]),
    ("chunk", lambda L, x: x.chunk(2, 1), [A]),
    ("chunk_uneven", lambda L, x: x.chunk(3, 2), [B]),
    ("unbind", lambda L, x: x.unbind(), [A]),
    ("unbind_dim", lambda L, x: L.unbind(x, -1), [B]),
    ("unbind_one", lambda L, x: x[:1].unbind(), [A]),
    ("split_one_used", lambda L, x: x.split(2)[1] * x.sum(), [A]),
    ("unbind_one_used", lambda L, x: x.unbind(1)[2] ** 2, [A]),
    ("chunk_last_used", lambda L, x: x.chunk(3, 2)[-1].exp(), [B]),
    ("tensor_split", lambda L, x: x.tensor_split(3, 1), [A]),
    ("tensor_split_idx", lambda L, x: x.tensor_split([1, 5, 2], 1), [A]),
    ("tensor_split_tensor", lambda L, x: L.tensor_split(x, L.tensor(2)), [A]),
    # integer inputs: forward only (no gradients)
    ("int_repeat", lambda L, x: x.repeat(2, 2), [arr(2, 3, dtype=np.int64)]),
    ("int_flip", lambda L, x: x.flip(1), [arr(2, 3, dtype=np.int64)]),
    ("int_cat_promote", lambda L, x, y: L.cat([x, y]), [arr(2, 3, dtype=np.int64), arr(1, 3)]),
    ("stack_promote", lambda L, x, y: L.stack([x, y]), [arr(3), arr(3, dtype=np.float64)]),
    ("int_tril", lambda L, x: x.tril(), [arr(3, 3, dtype=np.int64)]),
    ("double_roll", lambda L, x: x.roll(2, 1), [arr(2, 5, dtype=np.float64)]),
]


@pytest.mark.parametrize("fn,arrays", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_against_torch(fn, arrays):
    check(fn, *arrays)


# The node names users see: one row per PyTorch node, including several outputs on one node.
NAMES = [
    (lambda L, x: x.view(12), "ViewBackward0"),
    (lambda L, x: x.t().reshape(12), "UnsafeViewBackward0"),
    (lambda L, x: x.view(1, 3, 4).squeeze((0,)), "SqueezeBackward2"),
    (lambda L, x: x.view(1, 3, 4).squeeze(0), "SqueezeBackward1"),
    (lambda L, x: x.flip(0), "FlipBackward0"),
    (lambda L, x: x.roll(1), "RollBackward0"),
    (lambda L, x: x.repeat(2, 2), "RepeatBackward0"),
    (lambda L, x: x.repeat_interleave(2), "ViewBackward0"),
    (lambda L, x: x.repeat_interleave(L.tensor([1, 2, 0]), dim=0), "IndexSelectBackward0"),
    (lambda L, x: x.tril(), "TrilBackward0"),
    (lambda L, x: x.triu(), "TriuBackward0"),
    (lambda L, x: x.diag(), "DiagonalBackward0_copy"),
    (lambda L, x: x[0].diag(), "DiagEmbedBackward0"),
    (lambda L, x: x.movedim(0, 1), "PermuteBackward0"),
    (lambda L, x: x.narrow(0, 0, 2), "SliceBackward0"),
    (lambda L, x: x.broadcast_to(2, 3, 4), "ExpandBackward0"),
    (lambda L, x: L.hstack([x, x]), "CatBackward0"),
    (lambda L, x: x.split(2)[1], "SplitBackward0"),
    (lambda L, x: x.split([1, 2])[1], "SplitWithSizesBackward0"),
    (lambda L, x: x.chunk(2)[0], "SplitBackward0"),
    (lambda L, x: x.unbind(1)[3], "UnbindBackward0"),
    (lambda L, x: x.tensor_split(2)[1], "SliceBackward0"),
    (lambda L, x: L.meshgrid(x[0], x[1], indexing="ij")[1], "ExpandBackward0"),
    (lambda L, x: L.clone(x), "CloneBackward0"),
    (lambda L, x: x.diagonal(), "DiagonalBackward0"),
    (lambda L, x: x.diag_embed(), "DiagEmbedBackward0"),
    (lambda L, x: x.rot90(), "Rot90Backward0"),
    (lambda L, x: x.unfold(0, 2, 1), "UnfoldBackward0"),
    (lambda L, x: x.fliplr(), "FlipBackward0"),
    (lambda L, x: x.ravel(), "ViewBackward0"),
    (lambda L, x: x.select(0, 1), "SelectBackward0"),
    (lambda L, x: L.atleast_3d(x), "UnsqueezeBackward0"),
    (lambda L, x: L.column_stack([x[0], x[1]]), "CatBackward0"),
    (lambda L, x: x.hsplit(2)[0], "SliceBackward0"),
]


@pytest.mark.parametrize("fn,name", NAMES, ids=[n for _, n in NAMES])
def test_grad_fn_names(fn, name):
    torch = require_torch()
    t = fn(torch, torch.tensor(A, requires_grad=True))
    e = fn(ember, ember.tensor(A, requires_grad=True))
    assert type(t.grad_fn).__name__ == name
    assert type(e.grad_fn).__name__ == name


def test_multi_output_node_is_shared():
    x = ember.tensor(A, requires_grad=True)
    a, b = x.split([1, 2])
    assert a.grad_fn is b.grad_fn
    assert (a._output_nr, b._output_nr) == (0, 1)
    (b * 3).sum().backward()  # only the second output is used: the first gets zeros
    np.testing.assert_array_equal(x.grad.numpy(), np.r_[np.zeros((1, 4)), np.full((2, 4), 3)])


def test_views_share_storage_and_version():
    x = ember.zeros(3, 4)
    for view in (x.view(12), x.t(), x[1:], x.unflatten(1, (2, 2)), x.narrow(1, 1, 2),
                 x.movedim(0, 1), x.expand(2, 3, 4), x.split(2)[1], x.unbind()[2]):
        before = view._version
        x.add_(1)
        assert view._version == before + 1
        np.testing.assert_array_equal(view.numpy(), view.numpy() * 0 + x.numpy().max())


def test_copies_do_not_share():
    x = ember.zeros(3, 4)
    for copy in (x.flip(0), x.roll(1), x.repeat(1, 1), x.tril(), L_clone(x)):
        copy.add_(1)
    assert x.sum().item() == 0


def L_clone(x):
    return ember.clone(x)


def test_in_place_on_split_output_raises():
    torch = require_torch()
    for L in (torch, ember):
        x = L.tensor(A, requires_grad=True) * 1
        with pytest.raises(RuntimeError, match="Output 0 of Split is a view"):
            x.split(2)[0].mul_(2)
        with pytest.raises(RuntimeError, match="Output 1 of Unbind is a view"):
            x.unbind()[1].add_(1)
    with ember.no_grad():  # allowed without autograd, and seen through the base
        x = ember.zeros(3, 4)
        x.unbind()[1].add_(1)
        assert x.sum().item() == 4


GRADCHECK = [
    lambda L, x: x.repeat(2, 1).roll(1, 0).flip(1),
    lambda L, x: L.cat(x.split([1, 2])[::-1], 0).tril(),
    lambda L, x: L.stack(x.unbind(1)).diag(),
    lambda L, x: x[0].diag(1) * x.sum(),
    lambda L, x: x.t().reshape(-1).unflatten(0, (2, 6)).movedim(1, 0),
    lambda L, x: x.unfold(1, 2, 1).diagonal(0, 0, 2).rot90() * x.sum(),
    lambda L, x: x.diag_embed(1).diagonal(-1, 1, 2),
]


@pytest.mark.parametrize("fn", GRADCHECK)
def test_gradcheck(fn):
    gradcheck(fn, arr(3, 4, dtype=np.float64))


# Errors: PyTorch's exception type and leading message.
ERRORS = [
    (lambda L: L.zeros(3, 4).t().view(12), RuntimeError, "view size is not compatible"),
    (lambda L: L.zeros(3, 4).view(5), RuntimeError, "shape '[5]' is invalid for input of size 12"),
    (lambda L: L.zeros(3, 4).view(-1, -1), RuntimeError, "only one dimension can be inferred"),
    (lambda L: L.zeros(0, 3).reshape(-1, 0), RuntimeError, "cannot reshape tensor of 0 elements"),
    (lambda L: L.zeros(3, 4).transpose(2, 0), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda L: L.zeros(3, 4).unsqueeze(3), IndexError,
     "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    (lambda L: L.zeros(3, 4).squeeze(-3), IndexError, "Dimension out of range"),
    (lambda L: L.zeros(3, 4).flatten(1, 0), RuntimeError,
     "flatten() has invalid args: start_dim cannot come after end_dim"),
    (lambda L: L.zeros(3, 4).unflatten(1, (3, 2)), RuntimeError,
     "unflatten: Provided sizes [3, 2] don't multiply up to the size of dim 1 (4)"),
    (lambda L: L.zeros(3, 4).expand(2, 4), RuntimeError,
     "The expanded size of the tensor (2) must match the existing size (3) at non-singleton "
     "dimension 0"),
    (lambda L: L.zeros(3, 4).broadcast_to((4,)), RuntimeError, "expand(torch.FloatTensor{[3, 4]}"),
    (lambda L: L.broadcast_tensors(L.zeros(3, 4), L.zeros(3)), RuntimeError,
     "The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 1"),
    (lambda L: L.zeros(3, 4).permute(0), RuntimeError, "permute(sparse_coo): number of dimensions"),
    (lambda L: L.zeros(3, 4).movedim((0, 1), (1,)), RuntimeError,
     "movedim: Invalid source or destination dims"),
    (lambda L: L.zeros(3, 4).movedim((0, 0), (1, 0)), RuntimeError,
     "movedim: repeated dim in `source` ([0, 0])"),
    (lambda L: L.zeros(2, 3, 4).t(), RuntimeError, "t() expects a tensor with <= 2 dimensions"),
    (lambda L: L.zeros(3, 4).repeat(2), RuntimeError,
     "Number of dimensions of repeat dims can not be smaller"),
    (lambda L: L.zeros(3, 4).flip(0, 0), RuntimeError, "dim 0 appears multiple times"),
    (lambda L: L.zeros(3, 4).flip(2), IndexError, "Dimension out of range"),
    (lambda L: L.zeros(3, 4).roll((1, 2), 0), RuntimeError,
     "shifts and dimensions must align. shifts: 2, dims:1"),
    (lambda L: L.zeros(3, 4).narrow(0, 2, 2), RuntimeError,
     "start (2) + length (2) exceeds dimension size (3)."),
    (lambda L: L.zeros(3, 4).narrow(0, 5, 0), IndexError,
     "start out of range (expected to be in range of [-3, 3], but got 5)"),
    (lambda L: L.zeros(3).tril(), RuntimeError, "tril: input tensor must have at least 2 dim"),
    (lambda L: L.zeros(2, 2, 2).diag(), RuntimeError, "diag(): Supports 1D or 2D tensors. Got 3D"),
    (lambda L: L.cat([L.zeros(3, 4), L.zeros(2, 5)]), RuntimeError,
     "Sizes of tensors must match except in dimension 0. Expected size 4 but got size 5 for "
     "tensor number 1 in the list."),
    (lambda L: L.cat([L.zeros(3, 4), L.zeros(4)]), RuntimeError,
     "Tensors must have same number of dimensions: got 2 and 1"),
    (lambda L: L.cat([]), ValueError, "torch.cat(): expected a non-empty list of Tensors"),
    (lambda L: L.cat([L.zeros(3, 4)], 2), IndexError, "Dimension out of range"),
    (lambda L: L.cat([L.tensor(1.)]), RuntimeError,
     "zero-dimensional tensor (at position 0) cannot be concatenated"),
    (lambda L: L.stack([L.zeros(3, 4), L.zeros(2, 4)]), RuntimeError,
     "stack expects each tensor to be equal size, but got [3, 4] at entry 0 and [2, 4] at "
     "entry 1"),
    (lambda L: L.stack([L.zeros(3, 4)], 3), IndexError, "Dimension out of range"),
    (lambda L: L.zeros(3, 4).split([1, 1]), RuntimeError,
     "split_with_sizes expects split_sizes to sum exactly to 3"),
    (lambda L: L.zeros(3, 4).split(0), RuntimeError,
     "split_size can only be 0 if dimension size is 0"),
    (lambda L: L.zeros(3, 4).chunk(0), RuntimeError,
     "chunk expects `chunks` to be greater than 0, got: 0"),
    (lambda L: L.tensor(1.).unbind(), IndexError,
     "Dimension specified as 0 but tensor has no dimensions"),
    (lambda L: L.zeros(3, 4).tensor_split(0), RuntimeError,
     "number of sections must be larger than 0, got 0"),
    (lambda L: L.zeros(3, 4).repeat_interleave(L.tensor([1, 2])), RuntimeError,
     "repeats must have the same size as input along dim"),
    (lambda L: L.zeros(3, 4).diagonal(0, 1, -1), RuntimeError,
     "diagonal dimensions cannot be identical 1, -1"),
    (lambda L: L.zeros(3, 4).select(0, 5), IndexError,
     "select(): index 5 out of range for tensor of size [3, 4] at dimension 0"),
    (lambda L: L.tensor(1.).select(0, 0), IndexError, "select() cannot be applied to a 0-dim"),
    (lambda L: L.zeros(3).rot90(), RuntimeError, "expected total dims >= 2, but got total dims = 1"),
    (lambda L: L.zeros(3, 4).rot90(1, [0, 0]), RuntimeError,
     "expected rotation dims to be different, but got dim0 = 0 and dim1 = 0"),
    (lambda L: L.zeros(3, 4).rot90(1, [0]), RuntimeError, "expected total rotation dims == 2"),
    (lambda L: L.tensor(1.).flipud(), RuntimeError, "Input must be >= 1-d."),
    (lambda L: L.zeros(3).fliplr(), RuntimeError, "Input must be >= 2-d."),
    (lambda L: L.zeros(3, 4).unfold(1, 5, 1), RuntimeError,
     "maximum size for tensor at dimension 1 is 4 but size is 5"),
    (lambda L: L.zeros(3, 4).unfold(1, 2, 0), RuntimeError, "step is 0 but must be > 0"),
    (lambda L: L.zeros(3, 3).hsplit(2), RuntimeError,
     "torch.hsplit attempted to split along dimension 1, but the size of the dimension 3 is not "
     "divisible by the split_size 2!"),
    (lambda L: L.zeros(3).vsplit(1), RuntimeError,
     "torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with 1 dim"),
    (lambda L: L.meshgrid(L.zeros(2), indexing="xx"), RuntimeError,
     'torch.meshgrid: indexing must be one of "xy" or "ij"'),
]


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors(fn, exception, message):
    expect_error(fn, exception, message)


def test_meshgrid_warns_without_indexing():
    with pytest.warns(UserWarning, match="torch.meshgrid: in an upcoming release"):
        grid = ember.meshgrid(ember.zeros(2), ember.zeros(3))
    assert [tuple(g.shape) for g in grid] == [(2, 3), (2, 3)]


def _factorizations(n, parts):
    if parts == 1:
        return [[n]]
    return [[d] + rest for d in range(1, n + 1) if n % d == 0
            for rest in _factorizations(n // d, parts - 1)]


def _strides(x):
    # The stride of a size-1 dim is never used, and libraries choose it differently.
    return tuple(st if size > 1 else None for st, size in zip(x.stride(), x.shape))


def test_view_follows_pytorch_stride_rule():
    """view succeeds exactly when PyTorch's does, over permuted, stepped and expanded inputs."""
    torch = require_torch()
    pick = np.random.default_rng(7)
    compared = 0
    for _ in range(300):
        shape = [int(s) for s in pick.integers(1, 5, size=pick.integers(1, 4))]
        steps = []
        for _ in range(pick.integers(0, 4)):
            steps.append((pick.choice(["permute", "slice", "expand"]), int(pick.integers(0, 99))))

        def build(L):
            x = L.zeros(shape)
            for kind, seed in steps:
                if kind == "permute":
                    x = x.permute(tuple(np.random.default_rng(seed).permutation(x.ndim)))
                elif kind == "slice":
                    key = [slice(None)] * x.ndim
                    key[seed % x.ndim] = slice(seed % 2, None, 1 + seed % 2)
                    x = x[tuple(key)]
                else:
                    x = x.unsqueeze(0).expand(1 + seed % 3, *x.shape)
            return x

        t, e = build(torch), build(ember)
        assert _strides(e) == _strides(t)
        options = _factorizations(t.numel(), int(pick.integers(1, 4))) if t.numel() else []
        for target in options[:4]:
            outcomes = []
            for x in (t, e):
                try:
                    outcomes.append(_strides(x.view(target)))
                except RuntimeError as error:
                    outcomes.append(str(error)[:40])
            assert outcomes[1] == outcomes[0], (shape, steps, target)
            compared += 1
    assert compared > 500


# --- random calls: random shapes (0-dim and empty included) and random arguments, valid or not --
def _random_calls(pick):
    def dim(nd):
        return int(pick.integers(-nd - 1, nd + 1)) if nd else int(pick.integers(-1, 2))

    def small(low, high, count=None):
        values = pick.integers(low, high + 1, size=count)
        return [int(v) for v in values] if count is not None else int(values)

    return [
        lambda L, x, nd: x.split(small(0, 3), dim(nd)),
        lambda L, x, nd: x.split(small(0, 2, small(1, 3)), dim(nd)),
        lambda L, x, nd: x.chunk(small(-1, 4), dim(nd)),
        lambda L, x, nd: x.tensor_split(small(-1, 4), dim(nd)),
        lambda L, x, nd: x.tensor_split(sorted(small(-2, 5, 2)), dim(nd)),
        lambda L, x, nd: x.unbind(dim(nd)),
        lambda L, x, nd: x.roll(small(-5, 5), dim(nd)),
        lambda L, x, nd: x.roll(small(-5, 5)),
        lambda L, x, nd: x.flip(dim(nd)),
        lambda L, x, nd: x.narrow(dim(nd), small(-3, 3), small(0, 3)),
        lambda L, x, nd: x.movedim(dim(nd), dim(nd)),
        lambda L, x, nd: x.repeat(*small(0, 2, max(0, nd + small(-1, 1)))),
        lambda L, x, nd: x.repeat_interleave(small(0, 2), dim=dim(nd)),
        lambda L, x, nd: x.squeeze(dim(nd)),
        lambda L, x, nd: x.squeeze((dim(nd), dim(nd))),
        lambda L, x, nd: x.unsqueeze(dim(nd + 1)),
        lambda L, x, nd: x.flatten(dim(nd), dim(nd)),
        lambda L, x, nd: x.transpose(dim(nd), dim(nd)),
        lambda L, x, nd: x.tril(small(-2, 2)),
        lambda L, x, nd: x.triu(small(-2, 2)),
        lambda L, x, nd: x.diag(small(-2, 2)),
        lambda L, x, nd: L.cat([x, x], dim(nd)),
        lambda L, x, nd: L.stack([x, x], dim(nd + 1)),
        lambda L, x, nd: L.hstack([x, x]),
        lambda L, x, nd: L.vstack([x, x]),
        lambda L, x, nd: x.expand(*([small(1, 2)] + [-1] * nd)),
        lambda L, x, nd: x.index_select(dim(nd), L.tensor(small(-1, 3, 2))),
        lambda L, x, nd: x.take(L.tensor([small(-5, 5)])),
        lambda L, x, nd: x.unflatten(dim(nd), tuple(small(-1, 2, 2))),
        lambda L, x, nd: x.view(small(-1, 4), small(-1, 2)),
        lambda L, x, nd: x.t(),
        lambda L, x, nd: x.gather(dim(nd), L.zeros(small(0, 2, nd), dtype=L.int64)),
        lambda L, x, nd: x.diagonal(small(-3, 3), dim(nd), dim(nd)),
        lambda L, x, nd: x.diag_embed(small(-2, 2), dim(nd + 1), dim(nd + 1)),
        lambda L, x, nd: x.unfold(dim(nd), small(0, 3), small(1, 2)),
        lambda L, x, nd: x.rot90(small(-4, 4), (dim(nd), dim(nd))),
    ]


def _outcome(L, call, data):
    x = L.tensor(data, requires_grad=True)
    try:
        out = call(L, x, data.ndim)
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


def test_random_calls_match_torch():
    """Random shape ops with random arguments: the same result and gradient, or the same error."""
    torch = require_torch()
    pick = np.random.default_rng(11)
    for trial in range(1500):
        data = pick.standard_normal([int(s) for s in pick.integers(0, 5, pick.integers(0, 5))])
        seed = int(pick.integers(2 ** 31))
        call = _random_calls(np.random.default_rng(seed))[trial % 36]
        # the same draws for both libraries: rebuild the call from the same seed
        expected = _outcome(torch, call, data)
        actual = _outcome(ember, _random_calls(np.random.default_rng(seed))[trial % 36], data)
        if isinstance(expected[0], str):
            assert actual == expected, (trial, data.shape)
            continue
        assert not isinstance(actual[0], str), (trial, data.shape, actual)
        assert len(actual[0]) == len(expected[0])
        for a, e in zip(actual[0], expected[0]):
            assert a.shape == e.shape and np.allclose(a, e), (trial, data.shape)
        if expected[1] is None or actual[1] is None:
            assert all(g is None or not np.any(g) for g in (expected[1], actual[1]))
        else:
            np.testing.assert_allclose(actual[1], expected[1], err_msg=str(trial))


IN_PLACE_VIEWS = [
    ("unsqueeze_", lambda x: x.unsqueeze_(0), "UnsqueezeBackward1"),
    ("squeeze_", lambda x: x.squeeze_(), "SqueezeBackward3"),
    ("squeeze_dim", lambda x: x.squeeze_(0), "SqueezeBackward4"),
    ("squeeze_dims", lambda x: x.squeeze_((0, 2)), "SqueezeBackward5"),
    ("transpose_", lambda x: x.transpose_(0, 1), "TransposeBackward1"),
    ("swapaxes_", lambda x: x.swapaxes_(2, 0), "TransposeBackward1"),
    ("t_", lambda x: x.squeeze_(2).t_(), "TBackward1"),
]


@pytest.mark.parametrize("fn,name", [r[1:] for r in IN_PLACE_VIEWS],
                         ids=[r[0] for r in IN_PLACE_VIEWS])
def test_in_place_view_ops(fn, name):
    torch = require_torch()
    data = arr(1, 3, 1)
    upstream = None
    grads = []
    for L in (torch, ember):
        w = L.tensor(data, requires_grad=True)
        x = w * 2
        version = x._version
        y = fn(x)
        assert y is x
        assert type(y.grad_fn).__name__ == name
        assert y._version == version + (2 if name == "TBackward1" else 1)
        if upstream is None:
            upstream = rng.standard_normal(tuple(y.shape)).astype(np.float32)
        (y * L.tensor(upstream)).sum().backward()
        grads.append(w.grad.numpy())
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            fn(L.tensor(data, requires_grad=True))
    np.testing.assert_allclose(grads[1], grads[0])


def test_in_place_view_op_on_a_view_writes_through():
    x = ember.zeros(2, 3)
    row = x[1]
    row.unsqueeze_(0)
    assert tuple(row.shape) == (1, 3) and row._base is x
    row[0, 2] = 5.0
    assert x.tolist() == [[0.0, 0.0, 0.0], [0.0, 0.0, 5.0]]


DTYPE_OPS = [
    lambda L, x: x.t().reshape(-1),
    lambda L, x: L.cat([x, x.flip(0)], 1),
    lambda L, x: L.stack(x.unbind(1)),
    lambda L, x: x.repeat(2, 1).roll(1, 0),
    lambda L, x: x[[0, 2], 1:].tril(),
    lambda L, x: x.split([1, 2])[1].diagonal(),
    lambda L, x: x.unsqueeze(0).expand(2, 3, 4).movedim(0, 2),
]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int32", "int64", "uint8",
                                   "bool"])
@pytest.mark.parametrize("fn", DTYPE_OPS)
def test_dtypes_are_kept(fn, dtype):
    """Shape ops never change the dtype: every dtype gives torch's values (and gradients for
    floating dtypes)."""
    data = rng.standard_normal((3, 4)) * 3
    if dtype == "bool":
        data = data > 0
    check(fn, data.astype(dtype), gradgrad=dtype != "float16")


def _index(L, *shape):
    return L.zeros(*shape, dtype=L.int64)


# PyTorch code passes arguments by keyword, NumPy's axis/axis0/axis1 included.
KEYWORD_CALLS = [
    lambda L, x: x.squeeze(axis=2), lambda L, x: x.unsqueeze(axis=0),
    lambda L, x: x.index_select(axis=0, index=L.tensor([0])),
    lambda L, x: x.gather(axis=0, index=_index(L, 1, 1, 1)),
    lambda L, x: x.narrow(axis=0, start=0, length=1), lambda L, x: x.chunk(2, axis=0),
    lambda L, x: x.unbind(axis=0), lambda L, x: x.tensor_split(2, axis=0),
    lambda L, x: x.take_along_dim(_index(L, 1, 1, 1), axis=0),
    lambda L, x: x.repeat_interleave(2, axis=0), lambda L, x: x.swapaxes(axis0=0, axis1=1),
    lambda L, x: x.scatter(axis=0, index=_index(L, 1, 1, 1), value=1.0),
    lambda L, x: x.index_add(axis=0, index=L.tensor([0]), source=x[:1]),
    lambda L, x: L.cat([x, x], axis=1), lambda L, x: L.concatenate([x, x], axis=1),
    lambda L, x: L.stack([x, x], axis=1), lambda L, x: L.cat(tensors=[x], dim=0),
    lambda L, x: x.split(split_size=1), lambda L, x: L.split(x, split_size_or_sections=1, dim=0),
    lambda L, x: x.flip(dims=[0]), lambda L, x: x.permute(dims=(1, 0, 2)),
    lambda L, x: x.view(size=(4,)), lambda L, x: x.reshape(shape=(4,)),
    lambda L, x: L.reshape(input=x, shape=(4,)), lambda L, x: x.expand(size=(2, 2, 1)),
    lambda L, x: x.broadcast_to(size=(2, 2, 2)), lambda L, x: x.repeat(repeats=(2, 1, 1)),
    lambda L, x: x.roll(shifts=1, dims=0), lambda L, x: x.transpose(dim0=0, dim1=1),
    lambda L, x: x.masked_fill(mask=x > 0, value=1.0),
    lambda L, x: x.unflatten(dim=0, sizes=(1, 2)), lambda L, x: x[:, :, 0].tril(diagonal=1),
    lambda L, x: x.select(dim=0, index=1), lambda L, x: x.movedim(source=0, destination=1),
    lambda L, x: x.rot90(k=1, dims=(0, 1)), lambda L, x: x.unfold(dimension=0, size=1, step=1),
    lambda L, x: x.diagonal(offset=0, dim1=0, dim2=1), lambda L, x: x.tile(dims=(2,)),
    lambda L, x: x.index_fill(dim=0, index=L.tensor([0]), value=1.0),
    lambda L, x: x.masked_scatter(mask=x > 0, source=x * 2),
    lambda L, x: x.scatter_add(dim=0, index=_index(L, 1, 1, 1), src=x[:1, :1]),
    lambda L, x: L.narrow(input=x, dim=0, start=0, length=1),
]


@pytest.mark.parametrize("fn", KEYWORD_CALLS)
def test_keyword_arguments(fn):
    check(fn, arr(2, 2, 1))


def test_cat_promotes_with_the_skipped_legacy_empty():
    """PyTorch skips 1-D empty tensors in cat but still promotes with their dtype."""
    torch = require_torch()
    got = ember.cat([ember.arange(6).reshape(2, 3), ember.tensor([])])
    want = torch.cat([torch.arange(6).reshape(2, 3), torch.tensor([])])
    assert str(got.dtype) == str(want.dtype) == "torch.float32"
    np.testing.assert_array_equal(got.numpy(), want.numpy())
