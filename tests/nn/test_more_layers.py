"""RMSNorm, InstanceNorm, pixel/channel shuffles, unfold/fold, bilinear, adaptive max pooling,
max unpooling and the multi-class margin losses against PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
from oracle import assert_close, check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(7)


def F(lib):
    return lib.nn.functional


def randn(*shape):
    return rng.standard_normal(shape)


def distinct(*shape):
    """Values far apart (no ties, no kinks near finite-difference steps) for max pooling."""
    return rng.permutation(np.arange(np.prod(shape), dtype=np.float64)).reshape(shape) * 0.1


def _pool_then_unpool(lib, x, pool, unpool, *args, **kwargs):
    values, indices = pool(x)
    return unpool(values, indices, *args, **kwargs)


LABELS = np.array([[3, 0, -1, 1, 2], [1, -1, 4, 4, 0], [0, 1, 2, 3, 4], [-1, 2, 0, 0, 0]])

# (id, fn(lib, *tensors), arrays, gradgrad)
CASES = [
    ("rms_norm", lambda lib, x, w: F(lib).rms_norm(x, (4,), w), (randn(3, 4), randn(4)), True),
    ("rms_norm_2dims_eps", lambda lib, x: F(lib).rms_norm(x, [2, 3], eps=1e-3),
     (randn(4, 2, 3),), True),
    ("instance_norm_2d", lambda lib, x, w, b: F(lib).instance_norm(x, weight=w, bias=b),
     (randn(2, 3, 4, 5), randn(3), randn(3)), True),
    ("instance_norm_1d_noaffine", lambda lib, x: F(lib).instance_norm(x), (randn(3, 2, 6),), True),
    ("instance_norm_eval_stats", lambda lib, x, w, b: F(lib).instance_norm(
        x, lib.tensor([0.5, -1.0, 0.0], dtype=lib.float64),
        lib.tensor([2.0, 0.5, 1.0], dtype=lib.float64), w, b, use_input_stats=False),
     (randn(2, 3, 4), randn(3), randn(3)), True),
    ("pixel_shuffle", lambda lib, x: F(lib).pixel_shuffle(x, 2), (randn(2, 8, 3, 2),), True),
    ("pixel_shuffle_5d", lambda lib, x: F(lib).pixel_shuffle(x, 3), (randn(2, 1, 9, 2, 2),), True),
    ("pixel_unshuffle", lambda lib, x: F(lib).pixel_unshuffle(x, 2), (randn(2, 3, 4, 6),), True),
    ("pixel_unshuffle_3d", lambda lib, x: F(lib).pixel_unshuffle(x, 3), (randn(2, 6, 3),), True),
    ("channel_shuffle", lambda lib, x: F(lib).channel_shuffle(x, 3), (randn(2, 6, 2, 2),), True),
    ("channel_shuffle_3d", lambda lib, x: F(lib).channel_shuffle(x, 2), (randn(2, 8, 3),), True),
    ("unfold", lambda lib, x: F(lib).unfold(x, 2), (randn(2, 3, 4, 5),), True),
    ("unfold_all_args", lambda lib, x: F(lib).unfold(x, (2, 3), dilation=(2, 1), padding=(1, 2),
                                                     stride=(2, 3)), (randn(2, 2, 7, 8),), True),
    ("unfold_unbatched", lambda lib, x: F(lib).unfold(x, 3, padding=1), (randn(2, 4, 4),), True),
    ("fold", lambda lib, x: F(lib).fold(x, (4, 5), 2), (randn(2, 12, 12),), True),
    ("fold_all_args", lambda lib, x: F(lib).fold(x, (7, 8), (2, 3), dilation=(2, 1),
                                                 padding=(1, 2), stride=(2, 3)),
     (randn(2, 12, 16),), True),
    ("fold_unbatched", lambda lib, x: F(lib).fold(x, (3, 4), 2, stride=1), (randn(8, 6),), True),
    ("bilinear", lambda lib, a, b, w, bias: F(lib).bilinear(a, b, w, bias),
     (randn(4, 2), randn(4, 3), randn(5, 2, 3), randn(5)), True),
    ("bilinear_batch_dims_nobias", lambda lib, a, b, w: F(lib).bilinear(a, b, w),
     (randn(2, 3, 2), randn(2, 3, 4), randn(3, 2, 4)), True),
    ("adaptive_max_pool2d", lambda lib, x: F(lib).adaptive_max_pool2d(x, (3, 2)),
     (distinct(2, 3, 7, 5),), True),
    ("adaptive_max_pool2d_overlap_unbatched", lambda lib, x: F(lib).adaptive_max_pool2d(x, 4),
     (distinct(2, 5, 6),), True),
    ("adaptive_max_pool2d_none", lambda lib, x: F(lib).adaptive_max_pool2d(x, (None, 2)),
     (distinct(1, 2, 3, 5),), True),
    ("adaptive_max_pool1d", lambda lib, x: F(lib).adaptive_max_pool1d(x, 3), (distinct(2, 3, 8),),
     True),
    ("adaptive_max_pool1d_unbatched", lambda lib, x: F(lib).adaptive_max_pool1d(x, 4),
     (distinct(3, 7),), True),
    ("max_unpool2d", lambda lib, x: _pool_then_unpool(
        lib, x, lambda t: F(lib).max_pool2d(t, 2, return_indices=True), F(lib).max_unpool2d, 2),
     (distinct(2, 3, 4, 6),), True),
    ("max_unpool2d_output_size", lambda lib, x: _pool_then_unpool(
        lib, x, lambda t: F(lib).max_pool2d(t, 3, 2, 1, return_indices=True),
        F(lib).max_unpool2d, 3, 2, 1, output_size=(1, 2, 5, 7)), (distinct(1, 2, 5, 7),), True),
    ("max_unpool1d", lambda lib, x: _pool_then_unpool(
        lib, x, lambda t: F(lib).max_pool1d(t, 2, return_indices=True), F(lib).max_unpool1d, 2),
     (distinct(2, 3, 8),), True),
    ("max_unpool1d_unbatched", lambda lib, x: _pool_then_unpool(
        lib, x, lambda t: F(lib).max_pool1d(t, 3, 2, return_indices=True),
        F(lib).max_unpool1d, 3, 2, output_size=[8]), (distinct(3, 8),), True),
    ("multi_margin_loss", lambda lib, x: F(lib).multi_margin_loss(x, lib.tensor([1, 0, 4, 2])),
     (randn(4, 5),), False),
    ("multi_margin_loss_p2_weight_sum", lambda lib, x: F(lib).multi_margin_loss(
        x, lib.tensor([1, 0, 4, 2]), p=2, margin=0.7, weight=lib.tensor(
            [0.5, 1.0, 2.0, 0.1, 3.0], dtype=lib.float64), reduction="sum"),
     (randn(4, 5),), False),
    ("multi_margin_loss_none", lambda lib, x: F(lib).multi_margin_loss(
        x, lib.tensor([2, 2, 0]), reduction="none"), (randn(3, 4),), False),
    ("multi_margin_loss_1d", lambda lib, x: F(lib).multi_margin_loss(x, lib.tensor(3)),
     (randn(5),), False),
    ("multilabel_margin_loss", lambda lib, x: F(lib).multilabel_margin_loss(
        x, lib.tensor(LABELS)), (randn(4, 5),), False),
    ("multilabel_margin_loss_none", lambda lib, x: F(lib).multilabel_margin_loss(
        x, lib.tensor(LABELS), reduction="none"), (randn(4, 5),), False),
    ("multilabel_margin_loss_1d_sum", lambda lib, x: F(lib).multilabel_margin_loss(
        x, lib.tensor([2, 0, -1, 1]), reduction="sum"), (randn(4),), False),
    ("triplet_with_distance", lambda lib, a, p, n: F(lib).triplet_margin_with_distance_loss(
        a, p, n), (randn(4, 3), randn(4, 3), randn(4, 3)), True),
    ("triplet_with_distance_custom_swap", lambda lib, a, p, n:
        F(lib).triplet_margin_with_distance_loss(
            a, p, n, distance_function=lambda x, y: 1.0 - F(lib).cosine_similarity(x, y),
            margin=0.5, swap=True, reduction="none"),
     (randn(5, 3), randn(5, 3), randn(5, 3)), True),
]


@pytest.mark.parametrize("name,fn,arrays,gradgrad", CASES, ids=[c[0] for c in CASES])
def test_against_torch(name, fn, arrays, gradgrad):
    check(fn, *arrays, gradgrad=gradgrad)


@pytest.mark.parametrize("name,fn,arrays,gradgrad", CASES, ids=[c[0] for c in CASES])
def test_float32(name, fn, arrays, gradgrad):
    if "eval" in name or "weight" in name:
        return  # (float64 statistics / weights would promote)
    check(fn, *[a.astype(np.float32) for a in arrays], gradgrad=False, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name,fn,arrays,gradgrad", CASES, ids=[c[0] for c in CASES])
def test_node_names(name, fn, arrays, gradgrad):
    torch = require_torch()
    e = fn(ember, *[ember.tensor(a, requires_grad=True) for a in arrays])
    t = fn(torch, *[torch.tensor(a, requires_grad=True) for a in arrays])
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__


SMALL = [c for c in CASES if c[0] in (
    "rms_norm", "instance_norm_2d", "pixel_shuffle", "pixel_unshuffle_3d", "channel_shuffle",
    "unfold_all_args", "fold_all_args", "bilinear", "adaptive_max_pool2d_overlap_unbatched",
    "max_unpool2d", "triplet_with_distance")]


@pytest.mark.parametrize("name,fn,arrays,gradgrad", SMALL, ids=[c[0] for c in SMALL])
def test_gradcheck(name, fn, arrays, gradgrad):
    gradcheck(fn, *arrays)


@pytest.mark.parametrize("name", ["multi_margin_loss_p2_weight_sum", "multilabel_margin_loss"])
def test_margin_losses_first_order_gradcheck(name):
    fn, arrays = next((c[1], c[2]) for c in CASES if c[0] == name)
    gradcheck(fn, *arrays, gradgrad=False)


@pytest.mark.parametrize("loss", [
    lambda lib, x: F(lib).multi_margin_loss(x, lib.tensor([1, 0]), p=2),
    lambda lib, x: F(lib).multilabel_margin_loss(x, lib.tensor([[1, -1, 0], [2, 0, 1]])),
])
def test_margin_losses_have_no_second_derivative(loss):
    # PyTorch's gradient is a NotImplemented node: differentiating it again raises.
    torch = require_torch()
    for lib in (ember, torch):
        x = lib.tensor(randn(2, 3), requires_grad=True)
        (g,) = lib.autograd.grad(loss(lib, x), x, create_graph=True)
        assert type(g.grad_fn).__name__ == "NotImplemented"
        with pytest.raises(RuntimeError, match="derivative for aten::multi"):
            lib.autograd.grad(g.sum(), x)


def test_adaptive_max_pool_indices_and_ties():
    torch = require_torch()
    x = np.array([[[[1.0, 3.0, 3.0], [0.0, np.nan, 2.0], [np.nan, 1.0, 5.0]]]])
    for args in ((2,), ((1, 3),), ((3, 1),)):
        e_v, e_i = ember.nn.functional.adaptive_max_pool2d(ember.tensor(x), *args, True)
        t_v, t_i = torch.nn.functional.adaptive_max_pool2d(torch.tensor(x), *args, True)
        assert_close(e_v, t_v)
        np.testing.assert_array_equal(e_i.numpy(), t_i.numpy())
    y = randn(2, 3, 9)
    e_v, e_i = ember.nn.functional.adaptive_max_pool1d_with_indices(ember.tensor(y), 4)
    t_v, t_i = torch.nn.functional.adaptive_max_pool1d_with_indices(torch.tensor(y), 4)
    np.testing.assert_array_equal(e_i.numpy(), t_i.numpy())
    assert_close(e_v, t_v)


def test_max_pool_with_indices_functions():
    torch = require_torch()
    x = randn(2, 2, 6, 7)
    e = ember.nn.functional.max_pool2d_with_indices(ember.tensor(x), 3, 2, 1)
    t = torch.nn.functional.max_pool2d_with_indices(torch.tensor(x), 3, 2, 1)
    np.testing.assert_array_equal(e[1].numpy(), t[1].numpy())
    assert_close(e[0], t[0])
    e = ember.nn.functional.max_pool1d_with_indices(ember.tensor(x[0]), 2)
    t = torch.nn.functional.max_pool1d_with_indices(torch.tensor(x[0]), 2)
    np.testing.assert_array_equal(e[1].numpy(), t[1].numpy())
    assert_close(e[0], t[0])


def test_fold_is_adjoint_of_unfold():
    x, y = randn(2, 3, 7, 6), randn(2, 3 * 2 * 3, 24)
    args = dict(kernel_size=(2, 3), dilation=(2, 1), padding=1, stride=(2, 1))
    unfold = ember.nn.functional.unfold(ember.tensor(x), **args)
    assert unfold.shape == (2, 18, 24)
    fold = ember.nn.functional.fold(ember.tensor(y), (7, 6), **args)
    np.testing.assert_allclose((unfold * ember.tensor(y)).sum().item(),
                               (ember.tensor(x) * fold).sum().item(), rtol=1e-12)


def test_rms_norm_default_eps_is_machine_epsilon():
    torch = require_torch()
    x = np.array([[1e-4, -2e-4, 0.0]], dtype=np.float32)  # eps matters at this scale
    assert_close(ember.nn.functional.rms_norm(ember.tensor(x), (3,)),
                 torch.nn.functional.rms_norm(torch.tensor(x), (3,)))
    for dtype in ("float16",):
        e = ember.nn.functional.rms_norm(ember.ones(2, 3, dtype=getattr(ember, dtype)) * 3, (3,))
        t = torch.nn.functional.rms_norm(torch.ones(2, 3, dtype=getattr(torch, dtype)) * 3, (3,))
        assert e.dtype == getattr(ember, dtype)
        np.testing.assert_allclose(e.float().numpy(), t.float().numpy())


def test_instance_norm_running_stats_and_eval():
    torch = require_torch()
    x, y = randn(3, 2, 5, 4), randn(2, 2, 3, 3)
    mods = {}
    for lib in (ember, torch):
        m = lib.nn.InstanceNorm2d(2, momentum=0.3, affine=True, track_running_stats=True)
        m.weight.data = lib.tensor(np.array([1.5, -0.5]), dtype=lib.float32)
        m.bias.data = lib.tensor(np.array([0.1, 0.2]), dtype=lib.float32)
        train_out = m(lib.tensor(x, dtype=lib.float32))
        m(lib.tensor(y[0], dtype=lib.float32))  # unbatched (C, H, W) also updates the stats
        m.eval()
        eval_out = m(lib.tensor(y, dtype=lib.float32))
        mods[lib] = (m, train_out, eval_out)
    (em, e_train, e_eval), (tm, t_train, t_eval) = mods[ember], mods[torch]
    assert_close(e_train, t_train)
    assert_close(e_eval, t_eval)
    for key, value in tm.state_dict().items():
        assert_close(em.state_dict()[key], value, what=key)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert int(em.num_batches_tracked) == 0  # InstanceNorm never counts batches


def test_instance_norm_momentum_none_and_no_tracking_in_eval():
    torch = require_torch()
    x = randn(2, 3, 6)
    outs = []
    for lib in (ember, torch):
        tracked = lib.nn.InstanceNorm1d(3, momentum=None, track_running_stats=True)
        tracked(lib.tensor(x))
        plain = lib.nn.InstanceNorm1d(3).eval()  # no running stats: always input statistics
        outs.append((tracked.running_mean, tracked.running_var, plain(lib.tensor(x))))
    for e, t in zip(*outs):
        assert_close(e, t)


def test_instance_norm_warns_on_channel_mismatch_without_affine():
    torch = require_torch()
    messages = []
    for lib in (ember, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.nn.InstanceNorm2d(3)(lib.ones(2, 4, 3, 3))
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1] and len(messages[0]) == 1


def test_module_reprs_and_state_dicts():
    torch = require_torch()
    builders = [
        lambda nn: nn.RMSNorm(4), lambda nn: nn.RMSNorm([2, 3], eps=1e-3, elementwise_affine=False),
        lambda nn: nn.InstanceNorm1d(3), lambda nn: nn.InstanceNorm2d(3, affine=True),
        lambda nn: nn.InstanceNorm2d(4, affine=True, track_running_stats=True, bias=False),
        lambda nn: nn.PixelShuffle(2), lambda nn: nn.PixelUnshuffle(3),
        lambda nn: nn.ChannelShuffle(3), lambda nn: nn.Unfold(2),
        lambda nn: nn.Unfold((2, 3), dilation=2, padding=1, stride=(1, 2)),
        lambda nn: nn.Fold((4, 5), 2), lambda nn: nn.Bilinear(2, 3, 4),
        lambda nn: nn.Bilinear(2, 3, 4, bias=False), lambda nn: nn.Softmax2d(),
        lambda nn: nn.LazyLinear(3), lambda nn: nn.AdaptiveMaxPool2d((None, 2)),
        lambda nn: nn.AdaptiveMaxPool1d(3, return_indices=True), lambda nn: nn.MaxUnpool2d(2),
        lambda nn: nn.MaxUnpool2d((2, 3)), lambda nn: nn.MaxUnpool1d(3, stride=2, padding=1),
        lambda nn: nn.MultiMarginLoss(), lambda nn: nn.MultiLabelMarginLoss(),
        lambda nn: nn.TripletMarginWithDistanceLoss(),
        lambda nn: nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(),
                                                    margin=2.0),
    ]
    for build in builders:
        e, t = build(ember.nn), build(torch.nn)
        assert repr(e) == repr(t)
        assert list(e.state_dict()) == list(t.state_dict())
        assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    weighted = ember.nn.MultiMarginLoss(weight=ember.ones(3))
    assert list(weighted.state_dict()) == list(torch.nn.MultiMarginLoss(
        weight=torch.ones(3)).state_dict())


def test_modules_against_torch_with_copied_weights():
    torch = require_torch()
    pairs = [
        (lambda nn: nn.RMSNorm((3, 4)), (randn(2, 3, 4),)),
        (lambda nn: nn.InstanceNorm1d(3, affine=True), (randn(2, 3, 5),)),
        (lambda nn: nn.Bilinear(3, 2, 4), (randn(5, 3), randn(5, 2))),
        (lambda nn: nn.Bilinear(3, 2, 4, bias=False), (randn(3), randn(2))),
        (lambda nn: nn.Softmax2d(), (randn(2, 3, 2, 2),)),
        (lambda nn: nn.Sequential(nn.Unfold(2), nn.Fold((3, 4), 2)), (randn(1, 2, 3, 4),)),
        (lambda nn: nn.Sequential(nn.PixelUnshuffle(2), nn.ChannelShuffle(2), nn.PixelShuffle(2)),
         (randn(1, 2, 4, 4),)),
        (lambda nn: nn.AdaptiveMaxPool2d(2), (distinct(1, 2, 5, 5),)),
    ]
    for build, arrays in pairs:
        t_mod = build(torch.nn).double()
        e_mod = build(ember.nn).double()
        e_mod.load_state_dict({k: ember.tensor(v.detach().numpy())
                               for k, v in t_mod.state_dict().items()})
        e_in = [ember.tensor(a, requires_grad=True) for a in arrays]
        t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
        e_out, t_out = e_mod(*e_in), t_mod(*t_in)
        assert_close(e_out, t_out)
        upstream = randn(*t_out.shape)
        e_out.backward(ember.tensor(upstream))
        t_out.backward(torch.tensor(upstream))
        for e, t in zip(e_in, t_in):
            assert_close(e.grad, t.grad)
        for (name, e), (_, t) in zip(e_mod.named_parameters(), t_mod.named_parameters()):
            assert_close(e.grad, t.grad, what=name)


def test_bilinear_init_bounds_and_lazy_linear():
    layer = ember.nn.Bilinear(4, 3, 5)
    bound = 1 / 4 ** 0.5
    assert layer.weight.shape == (5, 4, 3)
    assert float(layer.weight.abs().max()) <= bound and float(layer.bias.abs().max()) <= bound
    assert float(layer.weight.std()) > 0.1 * bound
    lazy = ember.nn.LazyLinear(2)
    weight = lazy.weight
    assert repr(weight) == "<UninitializedParameter>"
    out = lazy(ember.ones(4, 3))
    assert out.shape == (4, 2) and type(lazy) is ember.nn.Linear
    assert lazy.weight is weight and lazy.weight.shape == (2, 3) and lazy.weight.requires_grad
    assert repr(lazy) == "Linear(in_features=3, out_features=2, bias=True)"
    out.sum().backward()
    np.testing.assert_allclose(lazy.bias.grad.numpy(), [4.0, 4.0])


def test_unpool_module_with_pool_module():
    torch = require_torch()
    x = distinct(1, 2, 6, 6)
    results = []
    for lib in (ember, torch):
        pool, unpool = lib.nn.MaxPool2d(2, return_indices=True), lib.nn.MaxUnpool2d(2)
        values, indices = pool(lib.tensor(x))
        results.append(unpool(values, indices, output_size=[7, 7]))
    assert_close(*results)


def test_triplet_with_distance_module():
    torch = require_torch()
    a, p, n = randn(4, 3), randn(4, 3), randn(4, 3)
    out = [lib.nn.TripletMarginWithDistanceLoss(margin=2.0, swap=True)(
        lib.tensor(a), lib.tensor(p), lib.tensor(n)) for lib in (ember, torch)]
    assert_close(*out)
    out = [lib.nn.MultiMarginLoss(p=2, margin=0.5, reduction="sum")(
        lib.tensor(a), lib.tensor([0, 2, 1, 1])) for lib in (ember, torch)]
    assert_close(*out)
    out = [lib.nn.MultiLabelMarginLoss(reduction="none")(
        lib.tensor(a), lib.tensor([[0, -1, 1]] * 4)) for lib in (ember, torch)]
    assert_close(*out)


ERRORS = [
    (lambda lib: F(lib).rms_norm(lib.ones(2, 3), (4,)), RuntimeError,
     "Given normalized_shape=[4], expected input with shape [*4], but got input of size[2, 3]"),
    (lambda lib: F(lib).rms_norm(lib.ones(2, 3), (3,), lib.ones(2)), RuntimeError,
     "Expected weight to be of same shape as normalized_shape, but got weight of shape [2] and "
     "normalized_shape = [3]"),
    (lambda lib: lib.nn.InstanceNorm1d(3)(lib.ones(2, 3, 4, 5)), ValueError,
     "expected 2D or 3D input (got 4D input)"),
    (lambda lib: lib.nn.InstanceNorm2d(3)(lib.ones(3, 4)), ValueError,
     "expected 3D or 4D input (got 2D input)"),
    (lambda lib: lib.nn.InstanceNorm2d(3, affine=True)(lib.ones(2, 4, 3, 3)), ValueError,
     "expected input's size at dim=1 to match num_features (3), but got: 4."),
    (lambda lib: F(lib).instance_norm(lib.ones(1, 3, 1)), ValueError,
     "Expected more than 1 spatial element when training, got input size torch.Size([1, 3, 1])"),
    (lambda lib: F(lib).instance_norm(lib.ones(2, 3, 4), lib.zeros(2), lib.ones(2)),
     RuntimeError, "running_mean should contain 6 elements not 4"),
    (lambda lib: F(lib).pixel_shuffle(lib.ones(2, 3, 6, 6), 2), RuntimeError,
     "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
     "upscale_factor, but input.size(-3)=3 is not divisible by 4"),
    (lambda lib: F(lib).pixel_shuffle(lib.ones(3, 6), 2), RuntimeError,
     "pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 "
     "dimension(s)"),
    (lambda lib: F(lib).pixel_unshuffle(lib.ones(2, 3, 5, 6), 2), RuntimeError,
     "pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=5 "
     "is not divisible by 2"),
    (lambda lib: F(lib).pixel_unshuffle(lib.ones(2, 3, 4, 5), 2), RuntimeError,
     "pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=5 "
     "is not divisible by 2"),
    (lambda lib: F(lib).channel_shuffle(lib.ones(2, 3, 6, 6), 2), RuntimeError,
     "Number of channels must be divisible by groups. Got 3 channels and 2 groups."),
    (lambda lib: F(lib).channel_shuffle(lib.ones(2, 3), 3), RuntimeError,
     "channel_shuffle expects input with > 2 dims, but got input with sizes [2, 3]"),
    (lambda lib: F(lib).channel_shuffle(lib.ones(2, 4, 3), 0), RuntimeError,
     "Number of groups to divide channels in must be positive. Value of groups:0"),
    (lambda lib: F(lib).unfold(lib.ones(2, 3, 4, 4, 4), 2), RuntimeError,
     "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
     "dimensions for input, but got: [2, 3, 4, 4, 4]"),
    (lambda lib: F(lib).unfold(lib.ones(1, 3, 4, 4), 5), RuntimeError,
     "Given input with spatial size (4, 4), kernel_size=(5, 5), dilation=(1, 1), padding=(0, 0), "
     "calculated shape of the array of sliding blocks as (0, 0), but its components must be at "
     "least one."),
    (lambda lib: F(lib).unfold(lib.ones(1, 3, 4, 4), 2, stride=0), RuntimeError,
     "stride should be greater than zero, but got stride_height: 0 stride_width: 0"),
    (lambda lib: F(lib).unfold(lib.ones(1, 3, 4, 4), 2, dilation=(1, 0)), RuntimeError,
     "dilation should be greater than zero, but got dilation_height: 1 dilation_width: 0"),
    (lambda lib: F(lib).fold(lib.ones(1, 13, 9), (4, 4), 2), RuntimeError,
     "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
     "got input.size(1)=13 and kernel_size=(2, 2)."),
    (lambda lib: F(lib).fold(lib.ones(1, 12, 9, 2), (4, 4), 2), RuntimeError,
     "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
     "dimensions for input, but got: [1, 12, 9, 2]"),
    (lambda lib: F(lib).fold(lib.ones(1, 12, 8), (4, 4), 2), RuntimeError,
     "Given output_size=(4, 4), kernel_size=(2, 2), dilation=(1, 1), padding=(0, 0), "
     "stride=(1, 1), expected size of input's dimension 2 to match the calculated number of "
     "sliding blocks 3 * 3 = 9, but got input.size(2)=8."),
    (lambda lib: F(lib).bilinear(lib.ones(3, 2), lib.ones(3, 4), lib.ones(5, 3, 4)),
     RuntimeError, "bilinear(): input1 size does not match weight size: got 2 but expected 3"),
    (lambda lib: F(lib).bilinear(lib.ones(3, 2), lib.ones(2, 4), lib.ones(5, 2, 4)),
     RuntimeError, "bilinear(): input batch dimensions do not match at dim 0: got 3 and 2"),
    (lambda lib: lib.nn.Softmax2d()(lib.ones(3, 4)), ValueError,
     "Softmax2d: expected input to be 3D or 4D, got 2D instead"),
    (lambda lib: F(lib).adaptive_max_pool2d(lib.ones(2, 3), 2), RuntimeError,
     "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [2, 3]"),
    (lambda lib: F(lib).adaptive_max_pool1d(lib.ones(2, 3, 4, 4), 2), RuntimeError,
     "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while "
     "checking arguments for adaptive_max_pool1d)"),
    (lambda lib: F(lib).adaptive_max_pool2d(lib.ones(1, 2, 0, 3), 2), RuntimeError,
     "adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but "
     "input has sizes [1, 2, 0, 3] with dimension 2 being empty"),
    (lambda lib: F(lib).max_unpool2d(lib.ones(1, 1, 2, 2), lib.tensor([[[[0, 1], [2, 100]]]]), 2),
     RuntimeError, "Found an invalid max index: 100 (output volumes are of size 4x4"),
    (lambda lib: F(lib).max_unpool1d(lib.ones(2, 2), lib.tensor([[0, 1], [2, 30]]), 2),
     RuntimeError, "Found an invalid max index: 30 (output volumes are of size 4x1"),
    (lambda lib: F(lib).max_unpool2d(lib.ones(1, 1, 2, 2), lib.tensor([[[[0, 1], [2, 3]]]]), 2,
                                     output_size=(9, 9)),
     ValueError, 'invalid output_size "(9, 9)" (dim 0 must be between 2 and 6)'),
    (lambda lib: F(lib).max_unpool2d(lib.ones(1, 1, 2, 2), lib.tensor([[[[0, 1], [2, 3]]]]), 2,
                                     output_size=(4, 4, 4)),
     ValueError, "output_size should be a sequence containing 2 or 4 elements, but it has a "
     "length of '3'"),
    (lambda lib: F(lib).max_unpool2d(lib.ones(1, 1, 2, 2), lib.tensor([[[0, 1], [2, 3]]]), 2),
     RuntimeError, "Expected shape of indices to be same as that of the input tensor "
     "([1, 1, 2, 2]) but got indices tensor with shape: [1, 2, 2]"),
    (lambda lib: F(lib).max_unpool2d(lib.ones(2, 2), lib.tensor([[0, 1], [2, 3]]), 2),
     RuntimeError, "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with "
     "2 dimensions."),
    (lambda lib: F(lib).multi_margin_loss(lib.ones(3, 5), lib.tensor([1, 0, 5])), RuntimeError,
     "target out of range"),
    (lambda lib: F(lib).multi_margin_loss(lib.ones(3, 5), lib.tensor([1, 0])), RuntimeError,
     "multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
     "samples (batch size). Expected target size [3], but got [2]. Input has shape [3, 5]."),
    (lambda lib: F(lib).multi_margin_loss(lib.ones(3, 5), lib.tensor([1, 0, 2]), p=3),
     ValueError, "only p == 1 and p == 2 supported"),
    (lambda lib: F(lib).multi_margin_loss(lib.ones(3, 5), lib.tensor([1, 0, 2]),
                                          weight=lib.ones(4)),
     RuntimeError, "inconsistent weight size, expected 5 but got [4]"),
    (lambda lib: F(lib).multi_margin_loss(lib.ones(3, 5), lib.tensor([1, 0, 2]),
                                          weight=lib.ones(5, requires_grad=True)),
     RuntimeError, "The function 'multi_margin_loss' is not differentiable with respect to "
     "argument 'weight'. This input cannot have requires_grad True."),
    (lambda lib: F(lib).multi_margin_loss(lib.ones(3, 5, 2), lib.tensor([1, 0, 2])),
     RuntimeError, "Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
     "[3, 5, 2]"),
    (lambda lib: F(lib).multi_margin_loss(lib.ones(3, 5), lib.tensor([1, 0, 2]).int()),
     RuntimeError, "expected scalar type Long but found Int"),
    (lambda lib: lib.nn.MultiMarginLoss(weight=lib.ones(2, 2)), ValueError,
     "MultiMarginLoss: expected weight to be None or 1D tensor, got 2D instead"),
    (lambda lib: F(lib).multilabel_margin_loss(lib.ones(3, 5), lib.tensor([1, 0, 2])),
     RuntimeError, "inconsistent target size: [3] for input of size: [3, 5]"),
    (lambda lib: F(lib).multilabel_margin_loss(lib.ones(3, 5), lib.tensor([[1, 0, 7, 0, 0]] * 3)),
     RuntimeError, "argument #2 'target' is out of range"),
    (lambda lib: F(lib).triplet_margin_with_distance_loss(lib.ones(3, 4), lib.ones(3, 4),
                                                          lib.ones(3, 4), margin=-1),
     ValueError, "margin must be greater than 0, got -1"),
    (lambda lib: F(lib).triplet_margin_with_distance_loss(lib.ones(3, 4), lib.ones(3, 4),
                                                          lib.ones(3, 4, 5)),
     RuntimeError, "The anchor, positive, and negative tensors are expected to have the same "
     "number of dimensions, but got: anchor 2D, positive 2D, and negative 3D inputs"),
    (lambda lib: lib.nn.TripletMarginWithDistanceLoss(margin=0), ValueError,
     "TripletMarginWithDistanceLoss: expected margin to be greater than 0, got 0 instead"),
    (lambda lib: F(lib).fold(lib.ones(13, 9), (4, 4), 2), RuntimeError,
     "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
     "got input.size(1)=13 and kernel_size=(2, 2)."),
    (lambda lib: F(lib).unfold(lib.ones(1, 3, 4, 4), 2, padding=-1), RuntimeError,
     "padding should be non-negative, but got pad_height: -1 pad_width: -1"),
    (lambda lib: F(lib).pixel_shuffle(lib.ones(2, 4, 2, 2), 0), RuntimeError,
     "pixel_shuffle expects a positive upscale_factor, but got 0"),
    (lambda lib: F(lib).channel_shuffle(lib.ones(2, 3), 0), RuntimeError,
     "channel_shuffle expects input with > 2 dims"),
    (lambda lib: F(lib).rms_norm(lib.ones(2, 3, dtype=lib.int64), (3,)), NotImplementedError,
     "\"rms_norm\" not implemented for 'Long'"),
    (lambda lib: F(lib).adaptive_max_pool2d(lib.ones(1, 4, 4, dtype=lib.int64), 2),
     NotImplementedError, "\"adaptive_max_pool2d\" not implemented for 'Long'"),
    (lambda lib: F(lib).max_unpool2d(lib.ones(1, 1, 2, 2), lib.tensor([[[[0, 1], [2, 3]]]]).int(),
                                     2),
     RuntimeError, "elements in indices should be type int64 but got: Int"),
    (lambda lib: F(lib).instance_norm(lib.ones(2, 3, 4), use_input_stats=False), RuntimeError,
     "Expected running_mean and running_var to be defined when use_input_stats is false"),
    (lambda lib: F(lib).bilinear(lib.ones(3, 2), lib.ones(3, 4), lib.ones(5, 2, 4), lib.ones(4)),
     RuntimeError, "bilinear(): bias size does not match weight size: got 4 but expected 5"),
    (lambda lib: F(lib).bilinear(lib.ones(3, 2), lib.ones(3, 4), lib.ones(5, 2, 3)),
     RuntimeError, "bilinear(): input2 size does not match weight size: got 4 but expected 3"),
    (lambda lib: F(lib).bilinear(lib.ones(3, 2), lib.ones(3, 3, 4), lib.ones(5, 2, 4)),
     RuntimeError, "bilinear(): input dimensions do not match: got 2 and 3"),
]


@pytest.mark.parametrize("fn,exc,message", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors(fn, exc, message):
    expect_error(fn, exc, message)
