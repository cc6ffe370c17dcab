"""Layer functions against PyTorch: forward, every input's gradient, second derivatives."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import assert_close, check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(0)


def F(lib):
    return lib.nn.functional


def randn(*shape):
    return rng.standard_normal(shape)


# (id, fn(lib, *tensors), arrays, gradgrad)
CASES = [
    ("linear_2d", lambda lib, x, w, b: F(lib).linear(x, w, b), (randn(4, 3), randn(5, 3), randn(5)), True),
    ("linear_3d", lambda lib, x, w, b: F(lib).linear(x, w, b), (randn(2, 4, 3), randn(5, 3), randn(5)), True),
    ("linear_1d", lambda lib, x, w, b: F(lib).linear(x, w, b), (randn(3), randn(5, 3), randn(5)), True),
    ("linear_nobias", lambda lib, x, w: F(lib).linear(x, w), (randn(4, 3), randn(5, 3)), True),
    ("linear_nobias_3d", lambda lib, x, w: F(lib).linear(x, w), (randn(2, 4, 3), randn(5, 3)), True),
    ("conv2d", lambda lib, x, w, b: F(lib).conv2d(x, w, b), (randn(2, 3, 6, 5), randn(4, 3, 3, 2), randn(4)), True),
    ("conv2d_stride_pad", lambda lib, x, w, b: F(lib).conv2d(x, w, b, stride=2, padding=1),
     (randn(2, 2, 7, 6), randn(3, 2, 3, 3), randn(3)), True),
    ("conv2d_dilation", lambda lib, x, w: F(lib).conv2d(x, w, None, (1, 2), (2, 1), (2, 1)),
     (randn(1, 2, 7, 8), randn(3, 2, 3, 2)), True),
    ("conv2d_groups", lambda lib, x, w, b: F(lib).conv2d(x, w, b, groups=2),
     (randn(2, 4, 5, 5), randn(6, 2, 3, 3), randn(6)), True),
    ("conv2d_same_even", lambda lib, x, w: F(lib).conv2d(x, w, padding="same"),
     (randn(1, 2, 5, 6), randn(3, 2, 4, 2)), True),
    ("conv2d_valid_unbatched", lambda lib, x, w: F(lib).conv2d(x, w, padding="valid"),
     (randn(2, 5, 5), randn(3, 2, 3, 3)), True),
    ("conv1d", lambda lib, x, w, b: F(lib).conv1d(x, w, b, stride=2, padding=2, dilation=2),
     (randn(2, 3, 11), randn(4, 3, 3), randn(4)), True),
    ("conv1d_groups", lambda lib, x, w: F(lib).conv1d(x, w, groups=3),
     (randn(2, 3, 7), randn(6, 1, 2)), True),
    ("max_pool2d", lambda lib, x: F(lib).max_pool2d(x, 2), (randn(2, 3, 6, 5),), True),
    ("max_pool2d_stride_pad", lambda lib, x: F(lib).max_pool2d(x, 3, 2, 1), (randn(1, 2, 7, 7),), True),
    ("max_pool2d_dilation", lambda lib, x: F(lib).max_pool2d(x, (2, 3), 1, 0, 2), (randn(1, 2, 7, 8),), True),
    ("avg_pool2d", lambda lib, x: F(lib).avg_pool2d(x, 2), (randn(2, 3, 6, 5),), True),
    ("avg_pool2d_stride_pad", lambda lib, x: F(lib).avg_pool2d(x, 3, 2, 1), (randn(1, 2, 7, 7),), True),
    ("adaptive_avg_pool2d_1", lambda lib, x: F(lib).adaptive_avg_pool2d(x, 1), (randn(2, 3, 5, 5),), True),
    ("adaptive_avg_pool2d_3", lambda lib, x: F(lib).adaptive_avg_pool2d(x, (3, 2)), (randn(2, 3, 7, 5),), True),
    ("max_pool1d", lambda lib, x: F(lib).max_pool1d(x, 3, 2, 1), (randn(2, 3, 9),), True),
    ("avg_pool1d", lambda lib, x: F(lib).avg_pool1d(x, 2), (randn(2, 3, 9),), True),
    ("adaptive_avg_pool1d", lambda lib, x: F(lib).adaptive_avg_pool1d(x, 4), (randn(3, 9),), True),
    ("prelu_channels", lambda lib, x, w: F(lib).prelu(x, w), (randn(2, 3, 4), randn(3)), True),
    ("prelu_single", lambda lib, x, w: F(lib).prelu(x, w), (randn(5), randn(1)), True),
    ("batch_norm_train_2d", lambda lib, x, w, b: F(lib).batch_norm(x, None, None, w, b, True),
     (randn(4, 3, 2, 3), randn(3), randn(3)), True),
    ("batch_norm_train_1d", lambda lib, x, w, b: F(lib).batch_norm(x, None, None, w, b, True),
     (randn(5, 3), randn(3), randn(3)), True),
    ("batch_norm_noaffine", lambda lib, x: F(lib).batch_norm(x, None, None, None, None, True),
     (randn(4, 2, 3),), True),
    ("batch_norm_eval", lambda lib, x, w, b: F(lib).batch_norm(
        x, lib.tensor([0.5, -1.0, 0.0], dtype=lib.float64),
        lib.tensor([2.0, 0.5, 1.0], dtype=lib.float64), w, b, False),
     (randn(4, 3, 2), randn(3), randn(3)), True),
    ("layer_norm", lambda lib, x, w, b: F(lib).layer_norm(x, (4,), w, b),
     (randn(3, 4), randn(4), randn(4)), True),
    ("layer_norm_2dims", lambda lib, x, w, b: F(lib).layer_norm(x, (2, 3), w, b),
     (randn(2, 2, 3), randn(2, 3), randn(2, 3)), True),
    ("layer_norm_noaffine", lambda lib, x: F(lib).layer_norm(x, (5,)), (randn(2, 5),), True),
    ("group_norm", lambda lib, x, w, b: F(lib).group_norm(x, 2, w, b),
     (randn(3, 4, 2, 3), randn(4), randn(4)), True),
    ("group_norm_3d_noaffine", lambda lib, x: F(lib).group_norm(x, 3), (randn(2, 6, 4),), True),
    ("embedding", lambda lib, w: F(lib).embedding(lib.tensor([[0, 2], [2, 3]]), w), (randn(4, 3),), True),
    ("embedding_padding", lambda lib, w: F(lib).embedding(lib.tensor([0, 2, 1, 2]), w, padding_idx=2),
     (randn(4, 3),), True),
]


@pytest.mark.parametrize("name,fn,arrays,gradgrad", CASES, ids=[c[0] for c in CASES])
def test_against_torch(name, fn, arrays, gradgrad):
    check(fn, *arrays, gradgrad=gradgrad)


@pytest.mark.parametrize("name,fn,arrays,gradgrad", CASES, ids=[c[0] for c in CASES])
def test_float32(name, fn, arrays, gradgrad):
    if "eval" in name:
        return
    check(fn, *[a.astype(np.float32) for a in arrays], gradgrad=False, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name,fn,arrays,gradgrad", CASES, ids=[c[0] for c in CASES])
def test_node_names(name, fn, arrays, gradgrad):
    torch = require_torch()
    e = fn(ember, *[ember.tensor(a, requires_grad=True) for a in arrays])
    t = fn(torch, *[torch.tensor(a, requires_grad=True) for a in arrays])
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__


SMALL = [c for c in CASES if c[0] in ("conv2d_stride_pad", "conv1d", "max_pool2d_stride_pad",
                                      "avg_pool2d_stride_pad", "adaptive_avg_pool2d_3",
                                      "batch_norm_train_2d", "layer_norm_2dims", "embedding", "group_norm",
                                      "conv2d_groups")]


@pytest.mark.parametrize("name,fn,arrays,gradgrad", SMALL, ids=[c[0] for c in SMALL])
def test_third_order_by_finite_differences(name, fn, arrays, gradgrad):
    # gradgradcheck of ember's own second derivatives: they come from rows that differentiate
    # each other, so every order is available.
    gradcheck(fn, *arrays)


def test_max_pool_indices():
    torch = require_torch()
    x = randn(2, 2, 6, 7)
    e_values, e_idx = ember.nn.functional.max_pool2d(ember.tensor(x), 3, 2, 1, return_indices=True)
    t_values, t_idx = torch.nn.functional.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)
    np.testing.assert_array_equal(e_idx.numpy(), t_idx.numpy())
    np.testing.assert_array_equal(e_values.numpy(), t_values.numpy())


def test_dropout():
    x = ember.ones(200, 50, requires_grad=True)
    ember.manual_seed(0)
    y = ember.nn.functional.dropout(x, 0.3)
    kept = (y.detach().numpy() != 0)
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / 0.7)
    assert type(y.grad_fn).__name__ == "MulBackward0"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.detach().numpy())
    assert ember.nn.functional.dropout(x, 0.3, training=False) is x
    z = ember.nn.functional.dropout2d(ember.ones(4, 30, 3, 3), 0.5).numpy()
    per_channel = z.reshape(4, 30, 9)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2).all(-1))
    assert np.all(ember.nn.functional.dropout(x, 1.0).detach().numpy() == 0)
    expect_error(lambda lib: lib.nn.functional.dropout(lib.ones(2), 1.5), ValueError,
                 "dropout probability has to be between 0 and 1, but got 1.5")


ERRORS = [
    (lambda lib: lib.nn.Linear(4, 5).double()(lib.ones(2, 3, dtype=lib.float64)), RuntimeError,
     "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"),
    (lambda lib: lib.nn.functional.linear(lib.ones(5, 2, 3), lib.ones(5, 4), lib.ones(5)),
     RuntimeError, "mat1 and mat2 shapes cannot be multiplied (10x3 and 4x5)"),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 2, 5, 5), lib.ones(4, 3, 3, 3)),
     RuntimeError, "Given groups=1, weight of size [4, 3, 3, 3], expected input[1, 2, 5, 5] to "
     "have 3 channels, but got 2 channels instead"),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(3, 5, 5, 5, 5), lib.ones(4, 3, 3, 3)),
     RuntimeError, "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of "
     "size: [3, 5, 5, 5, 5]"),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 3, 2, 2), lib.ones(4, 3, 3, 3)),
     RuntimeError, "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). "
     "Kernel size can't be greater than actual input size"),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 2, 5, 5), lib.ones(4, 2, 3, 3),
                                          padding="same", stride=2),
     RuntimeError, "padding='same' is not supported for strided convolutions"),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 2, 5, 5), lib.ones(3, 2, 3, 3),
                                          lib.ones(4)),
     RuntimeError, "Given weight of size [3, 2, 3, 3], expected bias to be 1-dimensional with 3 "
     "elements, but got bias of size [4] instead"),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 2, 5, 5), lib.ones(3, 2, 3, 3),
                                          lib.ones(3, 1)),
     RuntimeError, "Given weight of size [3, 2, 3, 3], expected bias to be 1-dimensional with 3 "
     "elements, but got bias of size [3, 1] instead"),
    # PyTorch's order: groups, padding, stride, the channel count, bias, dilation.
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 4, 5, 5), lib.ones(3, 2, 3, 3), groups=0,
                                          stride=0),
     RuntimeError, "non-positive groups is not supported"),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 4, 5, 5), lib.ones(3, 2, 3, 3),
                                          padding=(1, -1), stride=0),
     RuntimeError, "negative padding is not supported"),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 4, 5, 5), lib.ones(3, 2, 3, 3), stride=0,
                                          dilation=0),
     RuntimeError, "non-positive stride is not supported"),
    (lambda lib: lib.nn.functional.conv1d(lib.ones(1, 2, 5), lib.ones(3, 2, 3), dilation=0),
     RuntimeError, "dilation should be greater than zero, but got [1, 0]"),
    (lambda lib: lib.nn.functional.conv1d(lib.ones(1, 2, 5), lib.ones(3, 2, 3), lib.ones(2),
                                          dilation=0),
     RuntimeError, "Given weight of size [3, 2, 3], expected bias to be 1-dimensional"),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 4, 5, 5), lib.ones(3, 2, 3, 3), dilation=0),
     RuntimeError, "Given groups=1, weight of size [3, 2, 3, 3], expected input[1, 4, 5, 5] to "
     "have 2 channels, but got 4 channels instead"),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 2, 5, 5), lib.ones(3, 2, 3, 3),
                                          stride=(1, 2, 3)),
     RuntimeError, "expected stride to be a single integer value or a list of 2 values to match "
     "the convolution dimensions, but got stride=[1, 2, 3]"),
    (lambda lib: lib.nn.functional.embedding(lib.tensor([3]), lib.ones(3, 2)), IndexError,
     "index out of range in self"),
    (lambda lib: lib.nn.functional.layer_norm(lib.ones(2, 3), (4,)), RuntimeError,
     "Given normalized_shape=[4], expected input with shape [*, 4], but got input of size"),
    (lambda lib: lib.nn.functional.prelu(lib.ones(2, 3, 4), lib.ones(2)), RuntimeError,
     "Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and "
     "channel size = 3."),
    (lambda lib: lib.nn.functional.batch_norm(lib.ones(1, 3), None, None, training=True),
     ValueError, "Expected more than 1 value per channel when training"),
    (lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(2, 4)), RuntimeError,
     "running_mean should contain 4 elements not 3"),
    (lambda lib: lib.nn.functional.batch_norm(lib.ones(2, 4), None, None, weight=lib.ones(3),
                                              training=True),
     RuntimeError, "weight should contain 4 elements not 3"),
    (lambda lib: lib.nn.functional.one_hot(lib.tensor([0.0, 2.0])), RuntimeError,
     "one_hot is only applicable to index tensor of type LongTensor."),
    (lambda lib: lib.nn.functional.one_hot(lib.tensor([-1, 2])), RuntimeError,
     "Class values must be non-negative."),
    (lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 2]), 2), RuntimeError,
     "Class values must be smaller than num_classes."),
    (lambda lib: lib.nn.functional.one_hot(lib.tensor([], dtype=lib.int64)), RuntimeError,
     "Can not infer total number of classes from empty tensor."),
    (lambda lib: lib.nn.functional.cross_entropy(lib.zeros(2, 3), lib.tensor([0, 2],
                                                                             dtype=lib.int32)),
     RuntimeError, "expected target dtype to be Long or Byte, but got Int"),
]


@pytest.mark.parametrize("fn,exc,message", ERRORS)
def test_errors(fn, exc, message):
    expect_error(fn, exc, message)


def test_padding_idx_row_gets_no_gradient():
    # PyTorch's convention, not the true derivative: the padding row never learns.
    check(lambda lib, w: F(lib).embedding(lib.tensor([0, 2, 2]), w, padding_idx=-2), randn(4, 3))


@pytest.mark.parametrize("shape,args", [((1, 2, 5, 5), (2, 2, 0, 1, True)),
                                        ((2, 1, 7, 6), (3, 2, 1, 1, True)),
                                        ((1, 1, 6, 9), ((2, 3), (2, 2), (1, 0), (2, 1), True)),
                                        ((3, 5, 5), (2, None, 0, 1, False))])
def test_max_pool2d_ceil_mode_and_unbatched(shape, args):
    check(lambda lib, t: F(lib).max_pool2d(t, *args), randn(*shape))


def test_max_pool2d_output_too_small():
    expect_error(lambda lib: F(lib).max_pool2d(lib.ones(1, 1, 1, 1), 2), RuntimeError,
                 "Given input size: (1x1x1). Calculated output size: (1x0x0). "
                 "Output size is too small")


@pytest.mark.parametrize("args", [(3, 2, 1, True, False), (3, 2, 1, True, True),
                                  (2, 2, 0, True, True), ((3, 2), (2, 1), (1, 1), False, False),
                                  (2, 1, 0, False, True, 3)])
def test_avg_pool2d_counting_rules(args):
    check(lambda lib, t: F(lib).avg_pool2d(t, *args), randn(2, 2, 5, 6))


DTYPE_ERRORS = [
    (lambda lib: lib.nn.Linear(3, 2)(lib.randn(4, 3, dtype=lib.float64)),
     "mat1 and mat2 must have the same dtype, but got Double and Float"),
    (lambda lib: lib.nn.Linear(3, 2)(lib.ones(4, 3, dtype=lib.long)),
     "mat1 and mat2 must have the same dtype, but got Long and Float"),
    (lambda lib: lib.nn.Linear(3, 2, bias=False)(lib.randn(4, 3, dtype=lib.float64)),
     "expected m1 and m2 to have the same dtype, but got: double != float"),
    (lambda lib: lib.nn.Conv2d(1, 2, 3)(lib.randn(1, 1, 5, 5, dtype=lib.float64)),
     "Input type (double) and bias type (float) should be the same"),
    (lambda lib: lib.nn.Conv2d(1, 2, 3)(lib.ones(1, 1, 5, 5, dtype=lib.long)),
     "Input type (long int) and bias type (float) should be the same"),
]


@pytest.mark.parametrize("fn,message", DTYPE_ERRORS)
def test_dtype_errors(fn, message):
    expect_error(fn, RuntimeError, message)


def test_conv_without_bias_dtype_error():
    expect_error(lambda lib: lib.nn.Conv2d(1, 2, 3, bias=False)(lib.randn(1, 1, 5, 5, dtype=lib.float64)),
                 RuntimeError, "expected scalar type Double but found Float")


@pytest.mark.parametrize("shape,pads,value", [((2, 3), (1, 2), 0.0), ((2, 3, 4), (1, 0, 2, 1), 1.5),
                                              ((2, 3), (-1, 1, 1, -1), 0.0), ((4,), (0, 0), 0.0)])
def test_pad_constant(shape, pads, value):
    check(lambda lib, t: F(lib).pad(t, pads, value=value), randn(*shape))


def test_one_hot_and_normalize():
    torch = require_torch()
    labels = [[0, 3], [2, 1]]
    np.testing.assert_array_equal(ember.nn.functional.one_hot(ember.tensor(labels)).numpy(),
                                  torch.nn.functional.one_hot(torch.tensor(labels)).numpy())
    np.testing.assert_array_equal(ember.nn.functional.one_hot(ember.tensor(labels), 5).numpy(),
                                  torch.nn.functional.one_hot(torch.tensor(labels), 5).numpy())
    check(lambda lib, t: F(lib).normalize(t, dim=1), randn(3, 4))
    check(lambda lib, t: F(lib).normalize(t, p=1.0, dim=0), randn(3, 4))


def _random_conv_configs(count, seed=5):
    r = np.random.default_rng(seed)
    configs = []
    while len(configs) < count:
        dims = int(r.integers(1, 3))
        groups = int(r.choice([1, 2, 3]))
        cin, cout = groups * int(r.integers(1, 3)), groups * int(r.integers(1, 3))
        kernel = tuple(int(k) for k in r.integers(1, 4, dims))
        stride = tuple(int(s) for s in r.integers(1, 3, dims))
        dilation = tuple(int(d) for d in r.integers(1, 3, dims))
        padding = tuple(int(p) for p in r.integers(0, 3, dims))
        size = tuple(int(s) for s in r.integers(3, 8, dims))
        if any(s + 2 * p < d * (k - 1) + 1 for s, p, d, k in zip(size, padding, dilation, kernel)):
            continue
        configs.append((dims, groups, cin, cout, kernel, stride, dilation, padding, size,
                        bool(r.integers(0, 2))))
    return configs


@pytest.mark.parametrize("config", _random_conv_configs(16))
def test_random_convolutions(config):
    dims, groups, cin, cout, kernel, stride, dilation, padding, size, bias = config
    arrays = [randn(2, cin, *size), randn(cout, cin // groups, *kernel)] + ([randn(cout)] if bias else [])
    name = "conv1d" if dims == 1 else "conv2d"

    def fn(lib, x, w, b=None):
        return getattr(F(lib), name)(x, w, b, stride, padding, dilation, groups)

    check(fn, *arrays, gradgrad=False)


def test_embedding_max_norm_renormalises_rows_in_place():
    torch = require_torch()
    weight = randn(5, 3) * 3
    e_w, t_w = ember.tensor(weight), torch.tensor(weight)
    idx = [[0, 2], [2, 4]]
    e_out = ember.nn.functional.embedding(ember.tensor(idx), e_w, max_norm=1.5, norm_type=1.0)
    t_out = torch.nn.functional.embedding(torch.tensor(idx), t_w, max_norm=1.5, norm_type=1.0)
    np.testing.assert_allclose(e_out.numpy(), t_out.numpy(), rtol=1e-12)
    np.testing.assert_allclose(e_w.numpy(), t_w.numpy(), rtol=1e-12)


def test_conv_repeats_one_element_lists_as_torch_does():
    torch = require_torch()
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 2, 7, 7)), rng.standard_normal((3, 2, 3, 3))
    for kwargs in (dict(stride=[2]), dict(padding=[1]), dict(dilation=[2]), dict(stride=(2,))):
        for lib in (ember, torch):
            out = lib.nn.functional.conv2d(lib.tensor(x), lib.tensor(w), **kwargs)
            if lib is ember:
                actual = out
            else:
                assert_close(actual, out, what=str(kwargs))
