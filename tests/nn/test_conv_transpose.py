"""Transposed convolutions against PyTorch: F.conv_transpose1d/2d (forward, gradients of input,
weight and bias, second derivatives) over a grid of stride, padding, output_padding, dilation,
groups, bias and batching; finite differences; node names; ConvTranspose1d/2d modules (reprs,
state_dict, default initialisation, output_size); PyTorch's errors."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import ember
from oracle import assert_close, check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(11)


def F(lib):
    return lib.nn.functional


def randn(*shape):
    return rng.standard_normal(shape)


def _valid(output_padding, stride, dilation):
    """PyTorch's rule: output_padding must be smaller than either stride or dilation."""
    return output_padding < stride or output_padding < dilation


def _arrays(n, batched, in_channels, out_per_group, kernel, groups, bias, size):
    x = randn(*((2,) if batched else ()), in_channels, *size[:n])
    w = randn(in_channels, out_per_group, *kernel[:n])
    return (x, w, randn(out_per_group * groups)) if bias else (x, w)


# --- the grid: 1-D -------------------------------------------------------------------------------
# Every stride, padding, output_padding and dilation, each with four (groups, bias, batched)
# settings that together hold every pair of those three values.
SETTINGS = ((1, True, True), (1, False, False), (2, True, False), (2, False, True))
GRID_1D = [
    (stride, padding, output_padding, dilation, groups, bias, batched)
    for stride, padding, output_padding, dilation in itertools.product(
        (1, 2, 3), (0, 2), (0, 1, 2), (1, 2))
    for groups, bias, batched in SETTINGS
    if _valid(output_padding, stride, dilation)
]


@pytest.mark.parametrize("stride,padding,output_padding,dilation,groups,bias,batched", GRID_1D)
def test_conv_transpose1d_grid(stride, padding, output_padding, dilation, groups, bias, batched):
    def fn(lib, x, w, b=None):
        return F(lib).conv_transpose1d(x, w, b, stride, padding, output_padding, groups, dilation)

    check(fn, *_arrays(1, batched, 2 * groups, 3, (3,), groups, bias, (5,)))


# --- the grid: 2-D (one setting per dim, so rows and columns differ) -------------------------------
GRID_2D = [
    (stride, padding, output_padding, dilation, groups, bias, batched)
    for stride, padding, output_padding, dilation in itertools.product(
        ((1, 1), (2, 3), (3, 1)), ((0, 0), (1, 2)), ((0, 0), (1, 0), (2, 1)),
        ((1, 1), (3, 2)))
    for groups, bias, batched in SETTINGS + ((3, True, False),)
    if all(_valid(o, s, d) for o, s, d in zip(output_padding, stride, dilation))
]


@pytest.mark.parametrize("stride,padding,output_padding,dilation,groups,bias,batched", GRID_2D)
def test_conv_transpose2d_grid(stride, padding, output_padding, dilation, groups, bias, batched):
    def fn(lib, x, w, b=None):
        return F(lib).conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation)

    check(fn, *_arrays(2, batched, 2 * groups, 2, (3, 2), groups, bias, (4, 5)))


def test_grids_cover_output_padding_past_the_stride():
    # Output padding at or above the stride (allowed below the dilation) adds rows that the
    # adjoint convolution must not see: it drops them from its bottom padding, or, where that
    # padding is too small, crops the gradient. The grids must reach both branches.
    def shrinks(s, p, o):
        return o >= s and p - (o - s + 1) >= 0

    def crops(s, p, o):
        return p - (o - s + 1) < 0

    for branch in (shrinks, crops):
        assert any(branch(c[0], c[1], c[2]) for c in GRID_1D)
        assert any(any(map(branch, c[0], c[1], c[2])) for c in GRID_2D)


@pytest.mark.parametrize("kwargs", [
    {"stride": 2, "padding": 1, "output_padding": 1},
    {"stride": (1, 2), "output_padding": (2, 1), "dilation": (3, 2), "groups": 2},
    {"stride": 3, "padding": (0, 2), "output_padding": 2, "dilation": 1},
])
def test_conv_transpose2d_float32(kwargs):
    x = randn(2, 4, 5, 4).astype(np.float32)
    w = randn(4, 3, 3, 3).astype(np.float32)
    b = randn(3 * kwargs.get("groups", 1)).astype(np.float32)
    check(lambda lib, x, w, b: F(lib).conv_transpose2d(x, w, b, **kwargs), x, w, b)


def test_conv_transpose_long_inputs():
    # PyTorch's CPU kernel has an int64 version (no other integer type).
    torch = require_torch()
    x = rng.integers(-3, 4, (2, 2, 3, 4))
    w = rng.integers(-3, 4, (2, 3, 2, 2))
    e = F(ember).conv_transpose2d(ember.tensor(x), ember.tensor(w), stride=2)
    t = F(torch).conv_transpose2d(torch.tensor(x), torch.tensor(w), stride=2)
    assert e.dtype == ember.int64
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_empty_batch():
    check(lambda lib, x, w, b: F(lib).conv_transpose2d(x, w, b, 2), randn(0, 2, 3, 3),
          randn(2, 3, 2, 2), randn(3), gradgrad=False)


def test_bias_of_another_float_type():
    # PyTorch's CPU kernel adds a float32 bias to a float64 convolution and keeps float64; the
    # bias gradient comes back in the bias's own type.
    torch = require_torch()
    x, w, b = randn(1, 2, 3, 3), randn(2, 2, 2, 2), randn(2).astype(np.float32)
    results = []
    for lib in (ember, torch):
        tb = lib.tensor(b, requires_grad=True)
        out = F(lib).conv_transpose2d(lib.tensor(x), lib.tensor(w), tb)
        out.sum().backward()
        results.append((out, tb.grad))
    assert_close(results[0][0], results[1][0])
    assert_close(results[0][1], results[1][1])


# --- finite differences (float64, first and second order) -----------------------------------------
@pytest.mark.parametrize("n,kwargs", [
    (1, {"stride": 2, "padding": 1, "output_padding": 1}),
    (1, {"stride": 1, "output_padding": 2, "dilation": 3, "groups": 2}),
    (2, {"stride": (2, 1), "padding": (1, 0), "output_padding": (1, 0)}),
    (2, {"stride": 1, "output_padding": (1, 2), "dilation": (2, 3), "groups": 2}),
])
def test_gradcheck_and_gradgradcheck(n, kwargs):
    groups = kwargs.get("groups", 1)
    x = randn(2, 2 * groups, *(3, 4)[:n])
    w = randn(2 * groups, 2, *(2, 3)[:n])
    fn = getattr(F(ember), f"conv_transpose{n}d")
    gradcheck(lambda lib, x, w, b: fn(x, w, b, **kwargs), x, w, randn(2 * groups))


def test_third_order_against_torch():
    # The derivative rows call each other, so a third derivative exists and matches PyTorch.
    # (PyTorch itself refuses a third derivative when output_padding is set: "output_padding is
    # not supported for non-transposed convolutions".)
    torch = require_torch()
    x, w = randn(1, 2, 3, 3), randn(2, 2, 2, 2)
    grads = []
    for lib in (ember, torch):
        tx, tw = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        out = F(lib).conv_transpose2d(tx, tw, stride=2, padding=1)
        (gx,) = lib.autograd.grad((out ** 2).sum(), tx, create_graph=True)
        (gw,) = lib.autograd.grad((gx ** 2).sum(), tw, create_graph=True)
        (gx2,) = lib.autograd.grad(gw.sum(), tx)
        grads.append(gx2)
    assert_close(grads[0], grads[1])


def test_third_order_with_output_padding_by_finite_differences():
    # Where PyTorch stops, ember's third derivative is checked against finite differences of
    # its second: the input gradient (create_graph=True) passes gradcheck and gradgradcheck.
    def input_gradient(lib, x, w):
        out = F(lib).conv_transpose2d(x, w, None, (2, 1), 0, (1, 2), 1, (1, 3))
        return lib.autograd.grad((out ** 2).sum(), x, create_graph=True)[0]

    gradcheck(input_gradient, randn(1, 2, 3, 3), randn(2, 2, 2, 2))


def test_conv2d_with_an_empty_batch_shares_the_fixed_kernels():
    # The kernels serve conv2d too: an empty batch passes through forward and backward.
    for stride in (1, 2):
        check(lambda lib, x, w: F(lib).conv2d(x, w, stride=stride), randn(0, 2, 5, 5),
              randn(3, 2, 3, 3), gradgrad=False)


# --- node names -----------------------------------------------------------------------------------
@pytest.mark.parametrize("n,batched", [(1, True), (2, True), (1, False), (2, False)])
def test_node_names(n, batched):
    torch = require_torch()
    x, w, b = _arrays(n, batched, 2, 3, (2, 2), 1, True, (3, 3))
    names = []
    for lib in (ember, torch):
        tensors = [lib.tensor(a, requires_grad=True) for a in (x, w, b)]
        out = getattr(F(lib), f"conv_transpose{n}d")(*tensors, stride=2)
        node = out.grad_fn
        names.append((type(node).__name__,
                       [type(f).__name__ for f, _ in node.next_functions if f is not None]))
    assert names[0] == names[1]
    assert names[0][0] == ("ConvolutionBackward0" if batched else "SqueezeBackward1")


# --- modules --------------------------------------------------------------------------------------
def _module_pair(make):
    torch = require_torch()
    t_module = make(torch.nn).double()
    e_module = make(ember.nn).double()
    e_module.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t_module.state_dict().items()})
    return e_module, t_module


MODULES = [
    (lambda nn: nn.ConvTranspose2d(3, 6, 3, stride=2), (2, 3, 4, 5), None),
    (lambda nn: nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=1, output_padding=(1, 0),
                                   groups=2, bias=False, dilation=2), (2, 4, 3, 4), None),
    (lambda nn: nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1), (2, 4, 4), [8, 7]),
    (lambda nn: nn.ConvTranspose2d(2, 3, 3, stride=3), (1, 2, 3, 3), [1, 3, 10, 11]),
    (lambda nn: nn.ConvTranspose1d(4, 6, 3, stride=2, output_padding=1, groups=2), (2, 4, 5),
     None),
    (lambda nn: nn.ConvTranspose1d(2, 3, 2, stride=3, dilation=2), (2, 6), (3, 19)),
    (lambda nn: nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(),
                              nn.ConvTranspose2d(4, 1, 3, stride=2, padding=1)), (2, 1, 7, 7),
     None),
]


@pytest.mark.parametrize("index", range(len(MODULES)))
def test_module_against_torch(index):
    torch = require_torch()
    make, shape, output_size = MODULES[index]
    e_module, t_module = _module_pair(make)
    assert repr(e_module) == repr(t_module)
    assert list(e_module.state_dict()) == list(t_module.state_dict())
    for key, value in t_module.state_dict().items():
        assert tuple(e_module.state_dict()[key].shape) == tuple(value.shape), key
    x = randn(*shape)
    e_x, t_x = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    if output_size is None:
        e_out, t_out = e_module(e_x), t_module(t_x)
    else:
        e_out = e_module(e_x, output_size=output_size)
        t_out = t_module(t_x, output_size=output_size)
        assert tuple(t_out.shape) != tuple(t_module(t_x).shape)  # output_size made a difference
    assert_close(e_out, t_out, what="forward")
    upstream = randn(*t_out.shape)
    e_out.backward(ember.tensor(upstream))
    t_out.backward(torch.tensor(upstream))
    assert_close(e_x.grad, t_x.grad, what="input gradient")
    t_params = dict(t_module.named_parameters())
    e_params = dict(e_module.named_parameters())
    assert list(e_params) == list(t_params)
    for name in t_params:
        assert_close(e_params[name].grad, t_params[name].grad, what=f"gradient of {name}")


def test_reprs_match_torch():
    torch = require_torch()

    def build(nn):
        return nn.Sequential(
            nn.ConvTranspose2d(3, 6, 3, stride=2), nn.ConvTranspose2d(3, 6, (3, 1)),
            nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=1, output_padding=(1, 0),
                               groups=2, bias=False, dilation=2),
            nn.ConvTranspose1d(4, 6, 3, stride=2, output_padding=1), nn.ConvTranspose1d(4, 6, 3),
            nn.ConvTranspose2d(3, 6, 3, output_padding=(1, 2, 3)),
            nn.ConvTranspose2d(3, 6, 3, padding="same"))

    assert repr(build(ember.nn)) == repr(build(torch.nn))
    assert repr(ember.nn.ConvTranspose2d(3, 6, 3, stride=2)) == \
        "ConvTranspose2d(3, 6, kernel_size=(3, 3), stride=(2, 2))"


def test_module_attributes_match_torch():
    torch = require_torch()
    for lib in (ember, torch):
        m = lib.nn.ConvTranspose1d(4, 6, 3, stride=2, groups=2)
        assert m.transposed is True
        assert (m.kernel_size, m.stride, m.padding, m.output_padding, m.dilation) == (
            (3,), (2,), (0,), (0,), (1,))
        assert tuple(m.weight.shape) == (4, 3, 3) and tuple(m.bias.shape) == (6,)
        assert m.padding_mode == "zeros"
    assert ember.nn.ConvTranspose2d(2, 3, 2, dtype=ember.float64).weight.dtype == ember.float64


def test_default_initialisation_uses_the_transposed_fan_in():
    # PyTorch's fan-in of a (in, out // groups, k...) weight is out // groups * k...: with
    # 2 -> 50 channels the bound is 1 / sqrt(450), not 1 / sqrt(18).
    torch = require_torch()
    ember.manual_seed(0)
    m = ember.nn.ConvTranspose2d(2, 50, 3)
    fan_in, _ = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(2, 50, 3, 3))
    bound = 1 / math.sqrt(fan_in)
    assert fan_in == 450
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.abs(b).max() <= bound and np.abs(b).max() > 0.5 * bound
    assert abs(w.mean()) < 0.1 * bound
    m = ember.nn.ConvTranspose1d(6, 4, 5, groups=2)
    assert np.abs(m.weight.detach().numpy()).max() <= 1 / math.sqrt(2 * 5)


# --- errors ---------------------------------------------------------------------------------------
def _x(lib, *shape):
    return lib.tensor(np.ones(shape))


ERRORS = [
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), None, 2, 0, 2),
     RuntimeError, "output padding must be smaller than either stride or dilation, but got "
     "output_padding_height: 2 output_padding_width: 2 stride_height: 2 stride_width: 2 "
     "dilation_height: 1 dilation_width: 1"),
    (lambda lib: F(lib).conv_transpose1d(_x(lib, 2, 3, 5), _x(lib, 3, 6, 3), output_padding=1),
     RuntimeError, "output padding must be smaller than either stride or dilation, but got "
     "output_padding_height: 0 output_padding_width: 1 stride_height: 1"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 4, 6, 3, 3)),
     RuntimeError, "Given transposed=1, weight of size [4, 6, 3, 3], expected input[2, 3, 4, 4] "
     "to have 4 channels, but got 3 channels instead"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), groups=2),
     RuntimeError, "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got "
     "weight of size [[3, 6, 3, 3]] instead"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), groups=4),
     RuntimeError, "Given groups=4, expected weight to be at least 4 at dimension 0"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), groups=0),
     RuntimeError, "non-positive groups is not supported"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 4, 4), _x(lib, 4, 6, 3, 3)),
     RuntimeError, "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got "
     "input of size: [4, 4]"),
    (lambda lib: F(lib).conv_transpose1d(_x(lib, 1, 2, 4, 4), _x(lib, 2, 6, 3)),
     RuntimeError, "Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but got "
     "input of size: [1, 2, 4, 4]"),
    (lambda lib: F(lib).conv_transpose1d(_x(lib, 2, 3, 5), _x(lib, 3, 6, 3, 3)),
     RuntimeError, "Expected 4-dimensional input for 4-dimensional weight [3, 6, 3, 3], but got "
     "3-dimensional input of size [2, 3, 5] instead"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3)),
     RuntimeError, "expected stride to be a single integer value or a list of 1 values to match "
     "the convolution dimensions, but got stride=[1, 1]"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), None, 1,
                                         (1, 2, 3)),
     RuntimeError, "expected padding to be a single integer value or a list of 2 values"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6)),
     RuntimeError, "weight should have at least three dimensions"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), _x(lib, 5)),
     RuntimeError, "Given transposed=1, weight of size [3, 6, 3, 3], expected bias to be "
     "1-dimensional with 6 elements, but got bias of size [5] instead"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), padding=-1),
     RuntimeError, "negative padding is not supported"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), None, 2, 0,
                                         -1),
     RuntimeError, "negative output_padding is not supported"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), stride=0),
     RuntimeError, "non-positive stride is not supported"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), dilation=0),
     RuntimeError, "dilation should be greater than zero, but got dilation_height: 0, "
     "dilation_width: 0"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), padding=3),
     RuntimeError, "Given input size per channel: (4 x 4). Calculated output size per channel: "
     "(0 x 0). Output size is too small"),
    (lambda lib: F(lib).conv_transpose1d(_x(lib, 2, 3, 2), _x(lib, 3, 6, 3), padding=3),
     RuntimeError, "Given input size per channel: (1 x 2). Calculated output size per channel: "
     "(1 x -2). Output size is too small"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 0, 4), _x(lib, 3, 6, 3, 3)),
     RuntimeError, "Only zero batch or zero channel inputs are supported, but got input shape: "
     "[2, 3, 0, 4]"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 0, 3, 3)),
     RuntimeError, "non-empty 2D or 4D weight tensor expected, but got: [3, 0, 3, 3]"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3).float()),
     RuntimeError, "expected scalar type Double but found Float"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4).float(), _x(lib, 3, 6, 3, 3)),
     RuntimeError, "Input type (torch.FloatTensor) and weight type (torch.DoubleTensor) should "
     "be the same"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4).float(), _x(lib, 3, 6, 3, 3).float(),
                                         _x(lib, 6)),
     RuntimeError, "Input type (torch.FloatTensor) and bias type (torch.DoubleTensor) should be "
     "the same"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4).int(), _x(lib, 3, 6, 3, 3).int()),
     NotImplementedError, "\"slow_conv_transpose2d_out_cpu\" not implemented for 'Int'"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), 3),
     TypeError, "conv_transpose2d(): argument 'bias' (position 3) must be Tensor, not int"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), None, 1.5),
     TypeError, "conv_transpose2d(): argument 'stride' (position 4) must be tuple of ints, not "
     "float"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), None, 1,
                                         "same"),
     TypeError, "conv_transpose2d(): argument 'padding' (position 5) must be tuple of ints, not "
     "str"),
    (lambda lib: F(lib).conv_transpose2d(_x(lib, 2, 3, 4, 4), _x(lib, 3, 6, 3, 3), None, 1, 0,
                                         0, 1.0),
     TypeError, "conv_transpose2d(): argument 'groups' (position 7) must be int, not float"),
    (lambda lib: lib.nn.ConvTranspose2d(3, 6, 3, padding="same").double()(_x(lib, 1, 3, 4, 4)),
     TypeError, "conv_transpose2d(): argument 'padding' (position 5) must be tuple of ints, but "
     "found element of type str at pos 0"),
    (lambda lib: lib.nn.ConvTranspose2d(3, 6, 3, padding_mode="reflect"),
     ValueError, 'Only "zeros" padding mode is supported for ConvTranspose2d'),
    (lambda lib: lib.nn.ConvTranspose1d(3, 6, 3, padding_mode="circular"),
     ValueError, 'Only "zeros" padding mode is supported for ConvTranspose1d'),
    (lambda lib: lib.nn.ConvTranspose2d(3, 6, 3, groups=2),
     ValueError, "in_channels must be divisible by groups"),
    (lambda lib: lib.nn.ConvTranspose2d(4, 6, 3, groups=4),
     ValueError, "out_channels must be divisible by groups"),
    (lambda lib: lib.nn.ConvTranspose2d(4, 6, 3, groups=0),
     ValueError, "groups must be a positive integer"),
    (lambda lib: lib.nn.ConvTranspose2d(4, 6, 3, output_padding=1).double()(_x(lib, 1, 4, 3, 3)),
     RuntimeError, "output padding must be smaller than either stride or dilation"),
    (lambda lib: lib.nn.ConvTranspose2d(3, 6, 3, stride=2).double()(_x(lib, 2, 3, 4, 4),
                                                                    output_size=[12, 12]),
     ValueError, "requested an output size of [12, 12], but valid sizes range from [9, 9] to "
     "[10, 10] (for an input of torch.Size([4, 4]))"),
    (lambda lib: lib.nn.ConvTranspose2d(3, 6, 3, stride=2).double()(_x(lib, 3, 4, 4),
                                                                    output_size=(8, 10)),
     ValueError, "requested an output size of (8, 10), but valid sizes range from [9, 9] to "
     "[10, 10] (for an input of torch.Size([4]))"),
    (lambda lib: lib.nn.ConvTranspose2d(3, 6, 3, stride=2).double()(_x(lib, 2, 3, 4, 4),
                                                                    output_size=[2, 9, 9]),
     ValueError, "ConvTranspose2D: for 4D input, output_size must have 2 or 4 elements (got 3)"),
    (lambda lib: lib.nn.ConvTranspose1d(3, 6, 3, stride=3).double()(_x(lib, 3, 5),
                                                                    output_size=[1, 2, 3]),
     ValueError, "ConvTranspose1D: for 2D input, output_size must have 1 or 2 elements (got 3)"),
    (lambda lib: lib.nn.ConvTranspose2d(3, 6, 3, output_padding=(1, 2, 3)).double()(
        _x(lib, 2, 3, 4, 4)),
     RuntimeError, "expected output_padding to be a single integer value or a list of 2 values"),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_torch(index):
    fn, exception, message = ERRORS[index]
    expect_error(fn, exception, message)
