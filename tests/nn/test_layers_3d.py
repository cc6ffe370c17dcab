"""Volumetric layers and sampling against PyTorch: F.conv3d / conv_transpose3d, 3-D max, average
and adaptive pooling, dropout3d, grid_sample and affine_grid (forward, gradients of every floating
input, second derivatives), finite differences in float64, node names, the 3-D modules (reprs,
state_dict keys, outputs with the same weights) and PyTorch's errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
from oracle import assert_close, check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(5)
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'",
                                        "ignore:Since version 1.3.0, affine_grid")


def F(lib):
    return lib.nn.functional


def randn(*shape):
    return rng.standard_normal(shape)


# --- convolution --------------------------------------------------------------------------------
@pytest.mark.parametrize("stride,padding,dilation,groups,bias,batched", [
    (1, 0, 1, 1, True, True),
    ((1, 2, 1), (1, 0, 2), (2, 1, 1), 2, True, True),
    (2, 1, 1, 1, False, False),
    ((2, 1, 3), "same", 1, 1, True, True),
])
def test_conv3d(stride, padding, dilation, groups, bias, batched):
    if padding == "same":
        stride = 1

    def fn(lib, x, w, b=None):
        return F(lib).conv3d(x, w, b, stride, padding, dilation, groups)

    x = randn(*((2,) if batched else ()), 2 * groups, 5, 6, 5)
    w = randn(3 * groups, 2, 2, 3, 2)
    check(fn, *((x, w, randn(3 * groups)) if bias else (x, w)))


@pytest.mark.parametrize("stride,padding,output_padding,dilation,groups", [
    (1, 0, 0, 1, 1),
    ((2, 1, 3), (1, 0, 1), (1, 0, 2), (1, 2, 1), 2),
    (2, 1, 1, 1, 1),
    (1, 0, 1, 2, 1),  # output padding below the dilation, past the stride
])
def test_conv_transpose3d(stride, padding, output_padding, dilation, groups):
    def fn(lib, x, w, b):
        return F(lib).conv_transpose3d(x, w, b, stride, padding, output_padding, groups, dilation)

    check(fn, randn(2, 2 * groups, 3, 4, 3), randn(2 * groups, 3, 2, 3, 2), randn(3 * groups))


def test_conv3d_finite_differences():
    gradcheck(lambda lib, x, w, b: F(lib).conv3d(x, w, b, 2, 1, 1, 1),
              randn(1, 2, 3, 3, 3), randn(2, 2, 2, 2, 2), randn(2))
    gradcheck(lambda lib, x, w: F(lib).conv_transpose3d(x, w, None, 2, 1, 1),
              randn(1, 2, 2, 2, 2), randn(2, 1, 2, 2, 2))


def test_conv3d_float32_and_node_names():
    torch = require_torch()
    x, w = randn(2, 3, 4, 5, 6).astype(np.float32), randn(4, 3, 3, 3, 3).astype(np.float32)
    check(lambda lib, x, w: F(lib).conv3d(x, w, padding=1), x, w)
    for lib in (ember, torch):
        xs = lib.tensor(x, requires_grad=True)
        ws = lib.tensor(w, requires_grad=True)
        y = F(lib).conv3d(xs, ws)
        assert type(y.grad_fn).__name__ == "ConvolutionBackward0"
        (gx,) = lib.autograd.grad(y, xs, lib.ones_like(y), create_graph=True)
        assert type(gx.grad_fn).__name__ == "ConvolutionBackwardBackward0"


# --- pooling ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kernel,stride,padding,dilation,ceil_mode", [
    (2, None, 0, 1, False),
    ((2, 3, 2), (2, 1, 2), (1, 1, 0), (1, 1, 2), True),
    (3, 2, 1, 1, True),
    ((1, 2, 3), 1, 0, (2, 1, 1), False),
])
def test_max_pool3d(kernel, stride, padding, dilation, ceil_mode):
    def fn(lib, x):
        return F(lib).max_pool3d(x, kernel, stride, padding, dilation, ceil_mode, True)

    check(fn, randn(2, 3, 5, 6, 7))
    check(fn, randn(3, 5, 6, 7))  # unbatched


def test_max_pool3d_ties_nan_and_minus_infinity():
    # Ties keep the first maximum, NaN wins (the last one), and a window of -inf next to the
    # padding picks its first real element.
    x = np.zeros((1, 1, 4, 4, 4))
    x[0, 0, 1, 1, 1] = np.nan
    x[0, 0, 1, 2, 1] = np.nan
    x[0, 0, 3] = -np.inf
    check(lambda lib, x: F(lib).max_pool3d(x, 3, 2, 1, return_indices=True), x, grad=False)
    check(lambda lib, x: F(lib).max_pool3d(x, 2, return_indices=True), x, grad=False)


@pytest.mark.parametrize("kernel,stride,padding,ceil_mode,count_include_pad,divisor", [
    (2, None, 0, False, True, None),
    ((2, 3, 2), (2, 1, 2), (1, 1, 0), True, False, None),
    (3, 2, 1, True, True, None),
    (3, 2, 1, False, True, 5),
])
def test_avg_pool3d(kernel, stride, padding, ceil_mode, count_include_pad, divisor):
    def fn(lib, x):
        return F(lib).avg_pool3d(x, kernel, stride, padding, ceil_mode, count_include_pad,
                                 divisor)

    check(fn, randn(2, 3, 5, 6, 7))
    check(fn, randn(3, 5, 6, 4))


@pytest.mark.parametrize("size", [(2, 4, 3), 3, (None, 2, 5), 1])
def test_adaptive_pools3d(size):
    check(lambda lib, x: F(lib).adaptive_avg_pool3d(x, size), randn(2, 3, 5, 6, 7))
    check(lambda lib, x: F(lib).adaptive_max_pool3d(x, size, True), randn(2, 3, 5, 6, 7))
    check(lambda lib, x: F(lib).adaptive_max_pool3d(x, size), randn(3, 5, 6, 4))


def test_pool3d_finite_differences():
    gradcheck(lambda lib, x: F(lib).max_pool3d(x, 2, 1, 1), randn(1, 2, 3, 3, 3))
    gradcheck(lambda lib, x: F(lib).avg_pool3d(x, 2, 1, 1, True, False), randn(1, 2, 3, 3, 3))
    gradcheck(lambda lib, x: F(lib).adaptive_avg_pool3d(x, (2, 3, 2)), randn(1, 2, 3, 4, 3))
    gradcheck(lambda lib, x: F(lib).adaptive_max_pool3d(x, 2), randn(1, 2, 3, 4, 3))


@pytest.mark.parametrize("name,call,first,second", [
    ("max", lambda F, x: F.max_pool3d(x, 2), "MaxPool3DWithIndicesBackward0",
     "MaxPool3DWithIndicesBackwardBackward0"),
    ("avg", lambda F, x: F.avg_pool3d(x, 2), "AvgPool3DBackward0",
     "AvgPool3DBackwardBackward0"),
    ("adaptive_avg", lambda F, x: F.adaptive_avg_pool3d(x, (2, 3, 2)),
     "AdaptiveAvgPool3DBackward0", "AdaptiveAvgPool3DBackwardBackward0"),
    ("adaptive_max", lambda F, x: F.adaptive_max_pool3d(x, 2), "AdaptiveMaxPool3DBackward0",
     "AdaptiveMaxPool3DBackwardBackward0"),
    ("adaptive_one", lambda F, x: F.adaptive_avg_pool3d(x, 1), "MeanBackward1", None),
])
def test_pool3d_node_names(name, call, first, second):
    torch = require_torch()
    for lib in (ember, torch):
        x = lib.tensor(randn(1, 2, 4, 4, 4), requires_grad=True)
        y = call(F(lib), x)
        assert type(y.grad_fn).__name__ == first, (lib.__name__, name)
        if second:
            (g,) = lib.autograd.grad(y, x, lib.ones_like(y).requires_grad_(), create_graph=True)
            assert type(g.grad_fn).__name__ == second, (lib.__name__, name)


# --- grid_sample and affine_grid ----------------------------------------------------------------
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample(mode, padding_mode, align_corners):
    grid = rng.uniform(-1.7, 1.7, (2, 3, 4, 2))
    check(lambda lib, x, g: F(lib).grid_sample(x, g, mode, padding_mode, align_corners),
          randn(2, 3, 4, 5), grid)


def test_grid_sample_float32_far_points_and_node_name():
    torch = require_torch()
    grid = rng.uniform(-4, 4, (1, 5, 3, 2)).astype(np.float32)
    x = randn(1, 2, 3, 4).astype(np.float32)
    for padding_mode in ("zeros", "border", "reflection"):
        check(lambda lib, x, g: F(lib).grid_sample(x, g, "bilinear", padding_mode, False), x, grid)
    for lib in (ember, torch):
        y = F(lib).grid_sample(lib.tensor(x, requires_grad=True), lib.tensor(grid),
                               align_corners=True)
        assert type(y.grad_fn).__name__ == "GridSampler2DBackward0"


def test_grid_sample_finite_differences():
    grid = rng.uniform(-1.3, 1.3, (1, 2, 3, 2))
    for padding_mode in ("zeros", "border", "reflection"):
        gradcheck(lambda lib, x, g: F(lib).grid_sample(x, g, "bilinear", padding_mode, False),
                  randn(1, 2, 3, 4), grid)


@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid(align_corners):
    check(lambda lib, t: F(lib).affine_grid(t, (2, 3, 4, 5), align_corners), randn(2, 2, 3))
    check(lambda lib, t: F(lib).affine_grid(t, (2, 3, 4, 1, 3), align_corners), randn(2, 3, 4))
    gradcheck(lambda lib, t: F(lib).affine_grid(t, (1, 1, 2, 3), align_corners), randn(1, 2, 3))


def test_affine_grid_then_grid_sample():
    theta = np.array([[[0.8, -0.3, 0.1], [0.2, 1.1, -0.2]]])

    def fn(lib, x, t):
        grid = F(lib).affine_grid(t, (1, 2, 5, 4), align_corners=False)
        return F(lib).grid_sample(x, grid, align_corners=False)

    check(fn, randn(1, 2, 4, 4), theta)


def test_grid_sample_and_affine_grid_warn_without_align_corners():
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior"):
        F(ember).grid_sample(ember.zeros(1, 1, 2, 2), ember.zeros(1, 1, 1, 2))
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior"):
        F(ember).affine_grid(ember.zeros(1, 2, 3), (1, 1, 2, 2))


# --- modules ------------------------------------------------------------------------------------
def _same_weights(module, reference):
    torch = require_torch()
    with torch.no_grad():
        for name, parameter in module.named_parameters():
            dict(reference.named_parameters())[name].copy_(torch.tensor(parameter.detach().numpy()))


MODULES = [
    ("Conv3d", (2, 4, (2, 3, 2)), {"stride": (1, 2, 1), "padding": 1, "bias": False}),
    ("Conv3d", (2, 4, 3), {"groups": 2, "dilation": 2, "padding": "same"}),
    ("ConvTranspose3d", (2, 3, 2), {"stride": 2, "output_padding": 1}),
    ("MaxPool3d", (2,), {}),
    ("MaxPool3d", ((2, 1, 2),), {"stride": 1, "padding": (1, 0, 1), "ceil_mode": True}),
    ("AvgPool3d", (3, 2, 1, True, False, 3), {}),
    ("AvgPool3d", (2,), {}),
    ("AdaptiveAvgPool3d", ((2, None, 3),), {}),
    ("AdaptiveMaxPool3d", (2,), {}),
    ("BatchNorm3d", (2,), {}),
    ("InstanceNorm3d", (2,), {"affine": True}),
    ("InstanceNorm3d", (2,), {}),
    ("Dropout3d", (0.3,), {}),
]


@pytest.mark.parametrize("name,args,kwargs", MODULES)
def test_modules(name, args, kwargs):
    torch = require_torch()
    module = getattr(ember.nn, name)(*args, **kwargs)
    reference = getattr(torch.nn, name)(*args, **kwargs)
    assert repr(module) == repr(reference)
    assert list(module.state_dict()) == list(reference.state_dict())
    _same_weights(module, reference)
    x = randn(2, 2, 4, 5, 6).astype(np.float32)
    if name == "Dropout3d":
        module.eval()
        reference.eval()
    e_x = ember.tensor(x, requires_grad=True)
    t_x = torch.tensor(x, requires_grad=True)
    e_out, t_out = module(e_x), reference(t_x)
    assert_close(e_out, t_out)
    e_out.sum().backward()
    t_out.sum().backward()
    assert_close(e_x.grad, t_x.grad)
    for (e_name, e_p), (t_name, t_p) in zip(module.named_parameters(),
                                            reference.named_parameters()):
        assert e_name == t_name
        assert_close(e_p.grad, t_p.grad, what=e_name)
    for (e_name, e_b), (_, t_b) in zip(module.named_buffers(), reference.named_buffers()):
        assert_close(e_b, t_b, what=e_name)


def test_conv_transpose3d_output_size():
    torch = require_torch()
    module = ember.nn.ConvTranspose3d(1, 1, 3, stride=2, padding=1)
    reference = torch.nn.ConvTranspose3d(1, 1, 3, stride=2, padding=1)
    _same_weights(module, reference)
    x = randn(1, 1, 3, 3, 3).astype(np.float32)
    assert_close(module(ember.tensor(x), output_size=[6, 5, 6]),
                 reference(torch.tensor(x), output_size=[6, 5, 6]))


def test_dropout3d_drops_whole_channels():
    ember.manual_seed(0)
    out = F(ember).dropout3d(ember.ones(4, 6, 2, 3, 2), 0.5)
    per_channel = out.detach().numpy().reshape(4, 6, -1)
    assert set(np.unique(per_channel)) <= {0.0, 2.0}
    assert np.all(per_channel.min(axis=2) == per_channel.max(axis=2))
    assert 0 < (per_channel[..., 0] == 0).sum() < 24
    assert np.all(F(ember).dropout3d(ember.ones(2, 2, 2, 2, 2), 1.0).numpy() == 0)
    x = ember.ones(1, 2, 2, 2, 2)
    assert F(ember).dropout3d(x, 0.5, training=False) is x


def test_batch_norm3d_training_updates_running_statistics():
    torch = require_torch()
    module, reference = ember.nn.BatchNorm3d(3, momentum=None), torch.nn.BatchNorm3d(3,
                                                                                    momentum=None)
    for _ in range(2):
        x = randn(2, 3, 2, 3, 2).astype(np.float32)
        assert_close(module(ember.tensor(x)), reference(torch.tensor(x)))
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        assert_close(getattr(module, name), getattr(reference, name), what=name)


# --- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize("call,exception,message", [
    (lambda lib: F(lib).max_pool3d(lib.ones(2, 3), 2), RuntimeError,
     "non-empty 4D or 5D (batch mode) tensor expected for input"),
    (lambda lib: F(lib).avg_pool3d(lib.ones(2, 3), 2), RuntimeError,
     "non-empty 4D or 5D (batch mode) tensor expected for input"),
    (lambda lib: F(lib).max_pool3d(lib.ones(1, 1, 2, 2, 2), 3), RuntimeError,
     "Given input size: (1x2x2x2). Calculated output size: (1x0x0x0). Output size is too small"),
    (lambda lib: F(lib).avg_pool3d(lib.ones(1, 1, 2, 2, 2), 3), RuntimeError,
     "input image (T: 2 H: 2 W: 2) smaller than kernel size (kT: 3 kH: 3 kW: 3)"),
    (lambda lib: F(lib).max_pool3d(lib.ones(1, 1, 5, 5, 5), 2, padding=2), RuntimeError,
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and "
     "dilation=1"),
    (lambda lib: F(lib).adaptive_avg_pool3d(lib.ones(1, 5, 5), 2), RuntimeError,
     "adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got [1, 5, 5]"),
    (lambda lib: F(lib).adaptive_max_pool3d(lib.ones(1, 5, 5), 2), RuntimeError,
     "adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: [1, 5, 5]"),
    (lambda lib: F(lib).conv3d(lib.ones(1, 5, 5), lib.ones(1, 1, 1, 1, 1)), RuntimeError,
     "Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: [1, 5, 5]"),
    (lambda lib: F(lib).conv3d(lib.ones(1, 2, 3, 3, 3), lib.ones(1, 1, 2, 2, 2)), RuntimeError,
     "Given groups=1, weight of size [1, 1, 2, 2, 2], expected input[1, 2, 3, 3, 3] to have 1 "
     "channels, but got 2 channels instead"),
    (lambda lib: F(lib).grid_sample(lib.ones(1, 1, 5, 5), lib.ones(2, 3, 3, 2),
                                    align_corners=False), RuntimeError,
     "grid_sampler(): expected grid and input to have same batch size, but got input with sizes "
     "[1, 1, 5, 5] and grid with sizes [2, 3, 3, 2]"),
    (lambda lib: F(lib).grid_sample(lib.ones(1, 1, 5, 5), lib.ones(1, 3, 3, 3),
                                    align_corners=False), RuntimeError,
     "grid_sampler(): expected grid to have size 2 in last dimension"),
    (lambda lib: F(lib).grid_sample(lib.ones(1, 1, 5, 5), lib.ones(1, 3, 3, 2),
                                    padding_mode="foo"), ValueError,
     "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
     "'reflection', but got: 'foo'"),
    (lambda lib: F(lib).affine_grid(lib.ones(1, 2, 3), (1, 1, 4), align_corners=False),
     NotImplementedError, "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine "
     "transforms, respectively. Got size (1, 1, 4)."),
    (lambda lib: F(lib).affine_grid(lib.ones(1, 3, 3), (1, 1, 4, 4), align_corners=False),
     ValueError, "Expected a batch of 2D affine matrices of shape Nx2x3 for size (1, 1, 4, 4). "
     "Got torch.Size([1, 3, 3])."),
    (lambda lib: lib.nn.BatchNorm3d(2)(lib.ones(2, 2, 3, 3)), ValueError,
     "expected 5D input (got 4D input)"),
    (lambda lib: lib.nn.InstanceNorm3d(2)(lib.ones(2, 3)), ValueError,
     "expected 4D or 5D input (got 2D input)"),
])
def test_errors(call, exception, message):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expect_error(call, exception, message)


def test_docstring_examples():
    import doctest

    import ember.nn._layers_3d as layers

    result = doctest.testmod(layers, extraglobs={"ember": ember, "F": ember.nn.functional})
    assert result.attempted > 0 and result.failed == 0
