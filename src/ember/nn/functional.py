"""ember.nn.functional: the layers and losses as functions, PyTorch's signatures and errors.

Built on the public tensor API and the rows of :mod:`ember.ops.nn` / :mod:`ember.ops.activation`.

>>> import ember
>>> import ember.nn.functional as F
>>> F.cross_entropy(ember.zeros(2, 3), ember.tensor([0, 2]))
tensor(1.0986)
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _api, _dtype
from .. import (
    can_cast, full_like, no_grad, rand, result_type, tensor, where, zeros, zeros_like,
)
from .._tensor import Tensor
from ..autograd.anomaly_mode import dtype_mismatch_hint
from ..ops import activation as A
from ..ops import linalg as L
from ..ops import loss as Loss
from ..ops import nn as N
from ..ops import nn3d as N3
from ..ops import shape as S
from ._attention import multi_head_attention_forward, scaled_dot_product_attention  # noqa: F401

_f = _api.FUNCTIONS
softsign = _f["softsign"]
logsigmoid = _f["logsigmoid"]
sigmoid = _f["sigmoid"]
tanh = _f["tanh"]


def _maybe_inplace(name, input, inplace, *args):  # noqa: A002
    """Run ``ember.<name>(input, *args)``, writing into ``input`` when ``inplace``."""
    fn = _f[name]
    return _api.inplace_call(fn, input, *args) if inplace else fn(input, *args)


def relu6(input, inplace=False):  # noqa: A002
    """min(max(x, 0), 6). >>> F.relu6(ember.tensor([-1., 7.]))"""
    return _maybe_inplace("relu6", input, inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002
    """Clamp to [min_val, max_val]. >>> F.hardtanh(ember.tensor([-2., .5]))"""
    return _maybe_inplace("hardtanh", input, inplace, min_val, max_val)


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    """x if x > 0 else negative_slope * x. >>> F.leaky_relu(ember.tensor([-1., 2.]), 0.1)"""
    return _maybe_inplace("leaky_relu", input, inplace, negative_slope)


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    """x if x > 0 else alpha * (exp(x) - 1). >>> F.elu(ember.tensor([-1., 2.]))"""
    return _maybe_inplace("elu", input, inplace, alpha)


def selu(input, inplace=False):  # noqa: A002
    """Scaled ELU. >>> F.selu(ember.tensor([-1., 2.]))"""
    return _maybe_inplace("selu", input, inplace)


def celu(input, alpha=1.0, inplace=False):  # noqa: A002
    """Continuously differentiable ELU. >>> F.celu(ember.tensor([-1., 2.]))"""
    return _maybe_inplace("celu", input, inplace, alpha)


def gelu(input, approximate="none"):  # noqa: A002
    """x * Phi(x), or its tanh approximation. >>> F.gelu(ember.tensor([1.]))"""
    return _f["gelu"](input, approximate)


def silu(input, inplace=False):  # noqa: A002
    """x * sigmoid(x). >>> F.silu(ember.tensor([1.]))"""
    return _maybe_inplace("silu", input, inplace)


def mish(input, inplace=False):  # noqa: A002
    """x * tanh(softplus(x)). >>> F.mish(ember.tensor([1.]))"""
    return _maybe_inplace("mish", input, inplace)


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    """log(1 + exp(beta * x)) / beta. >>> F.softplus(ember.zeros(1))"""
    return _f["softplus"](input, beta, threshold)


def hardsigmoid(input, inplace=False):  # noqa: A002
    """clamp(x / 6 + 1/2, 0, 1). >>> F.hardsigmoid(ember.zeros(1))"""
    return _maybe_inplace("hardsigmoid", input, inplace)


def hardswish(input, inplace=False):  # noqa: A002
    """x * relu6(x + 3) / 6. >>> F.hardswish(ember.ones(1))"""
    return _maybe_inplace("hardswish", input, inplace)


def prelu(input, weight):  # noqa: A002
    """x if x > 0 else weight * x, one weight per channel (dim 1) or one for all."""
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() != 1 and weight.numel() != channels:
        raise RuntimeError("Mismatch of parameter numbers and input channel size. Found "
                           f"parameter numbers = {weight.numel()} and channel size = {channels}.")
    return A.prelu(input, weight)


def relu(input, inplace=False):  # noqa: A002
    """max(x, 0). >>> F.relu(ember.tensor([-1., 2.]))"""
    return input.relu_() if inplace else _f["relu"](input)


def softshrink(input, lambd=0.5):  # noqa: A002
    """x - lambd above lambd, x + lambd below -lambd, 0 between. >>> F.softshrink(x)"""
    _floating_input(input, "softshrink_check")
    if lambd < 0:
        top = float(np.finfo(input.dtype.np).max)
        raise RuntimeError(f"lambda must be in range [0, {top:g}] for input dtype "
                           f"{_name(input.dtype)}, but found {lambd:g}")
    return A.softshrink(input, float(lambd))


def hardshrink(input, lambd=0.5):  # noqa: A002
    """x outside [-lambd, lambd], 0 inside. >>> F.hardshrink(x)"""
    _floating_input(input, "hardshrink_cpu")
    return A.hardshrink(input, float(lambd))


def threshold(input, threshold, value, inplace=False):  # noqa: A002
    """x where x > threshold, else value. >>> F.threshold(x, 0.1, 20.)"""
    if inplace:
        return threshold_(input, threshold, value)
    return A.threshold(input, threshold, value)


def threshold_(input, threshold, value):  # noqa: A002
    """In-place :func:`threshold`."""
    return _api.inplace_call(A.threshold, input, threshold, value)


def tanhshrink(input):  # noqa: A002
    """x - tanh(x), composed as PyTorch composes it. >>> F.tanhshrink(x)"""
    return input - input.tanh()


def softmin(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """softmax(-x) along ``dim``. >>> F.softmin(ember.zeros(2), dim=0)"""
    if dim is None:
        warnings.warn("Implicit dimension choice for softmin has been deprecated. Change the "
                      "call to include dim=X as an argument.", stacklevel=_stacklevel)
        dim = _dim_for(input.ndim)
    return _f["softmax"](-input if dtype is None else -input.to(dtype), dim)


def glu(input, dim=-1):  # noqa: A002
    """a * sigmoid(b) for the two halves a, b of ``dim`` (composed: PyTorch records one
    GluBackward0 node where ember records the chunk, sigmoid and multiply)."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    size = input.shape[dim]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension "
                           f"{dim % input.ndim} is size {size}")
    a, b = input.chunk(2, dim)
    return a * b.sigmoid()


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """The cosine of the angle between x1 and x2 along ``dim`` (each normalised first, with its
    norm clamped at ``eps``, as PyTorch computes it)."""
    n1 = x1.norm(dim=dim, keepdim=True).clamp(min=eps)
    n2 = x2.norm(dim=dim, keepdim=True).clamp(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm of x1 - x2 + eps along the last dim. >>> F.pairwise_distance(a, b)"""
    return (x1 - x2 + eps).norm(p=p, dim=-1, keepdim=keepdim)


def _dim_for(ndim):
    # PyTorch's legacy rule when softmax is called without dim.
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """Softmax along ``dim``. >>> F.softmax(ember.zeros(2), dim=0)"""
    if dim is None:
        warnings.warn("Implicit dimension choice for softmax has been deprecated. Change the "
                      "call to include dim=X as an argument.", stacklevel=_stacklevel)
        dim = _dim_for(input.ndim)
    return _f["softmax"](input, dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """Log of softmax, computed stably. >>> F.log_softmax(ember.zeros(2), dim=0)"""
    if dim is None:
        warnings.warn("Implicit dimension choice for log_softmax has been deprecated. Change "
                      "the call to include dim=X as an argument.", stacklevel=_stacklevel)
        dim = _dim_for(input.ndim)
    return _f["log_softmax"](input, dim, dtype=dtype)


# --- linear -------------------------------------------------------------------------------------
def linear(input, weight, bias=None):  # noqa: A002
    """``input @ weight.T + bias`` (one BLAS call and an in-place add: AddmmBackward0).

    >>> F.linear(ember.ones(2, 3), ember.ones(4, 3)).shape
    torch.Size([2, 4])
    """
    if input.dtype != weight.dtype:
        hint = dtype_mismatch_hint(input.dtype, weight.dtype)
        if bias is None:
            raise RuntimeError("expected m1 and m2 to have the same dtype, but got: "
                               f"{_c_name(input.dtype)} != {_c_name(weight.dtype)}" + hint)
        raise RuntimeError("mat1 and mat2 must have the same dtype, but got "
                           f"{input.dtype._legacy[:-6]} and {weight.dtype._legacy[:-6]}" + hint)
    if bias is None:
        return L.matmul(input, S.t(weight)) if weight.ndim == 2 else L.matmul(input, weight)
    if input.ndim == 2:
        weight_t = S.t(weight)
        L.check_mm(input, weight_t)
        return N.addmm(bias, input, weight_t)
    if input.ndim == 0:
        raise RuntimeError("both arguments to linear need to be at least 1D, but they are 0D "
                           f"and {weight.ndim}D")
    batch = input.shape[:-1]
    folded = input.reshape(-1, input.shape[-1])
    weight_t = S.t(weight)
    L.check_mm(folded, weight_t)
    return N.addmm(bias, folded, weight_t).view(*batch, weight.shape[0])


def _c_name(dtype):
    return dtype._c_name  # the C type name PyTorch's kernels print in dtype errors


# --- dropout ------------------------------------------------------------------------------------
def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(shape, p, like):
    # Bernoulli(1 - p) scaled by 1 / (1 - p): the expected activation is unchanged.
    if p == 1.0:
        return zeros(*shape, dtype=like.dtype)
    keep = (rand(*shape, dtype=like.dtype) >= p).to(like.dtype)
    return keep * (1.0 / (1.0 - p))


def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero each element with probability ``p`` while training. >>> F.dropout(x, 0.2)"""
    _check_p(p)
    if not training or p == 0.0:
        return input
    mask = _keep_mask(input.shape, p, input)
    return input.mul_(mask) if inplace else input * mask


def _feature_dropout(input, p, training, inplace, name, spatial):  # noqa: A002
    _check_p(p)
    if not training or p == 0.0:
        return input
    batched = input.ndim == spatial + 2
    shape = tuple(input.shape[:2] if batched else input.shape[:1]) + (1,) * spatial
    mask = _keep_mask(shape, p, input)
    return input.mul_(mask) if inplace else input * mask


def dropout1d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    return _feature_dropout(input, p, training, inplace, "dropout1d", 1)


def dropout2d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels with probability ``p``. >>> F.dropout2d(ember.ones(1, 2, 3, 3))"""
    return _feature_dropout(input, p, training, inplace, "dropout2d", 2)


# --- convolution --------------------------------------------------------------------------------
def _pair(value, n, name="value"):
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            return (int(value[0]),) * n  # (PyTorch repeats a one-element list too)
        if len(value) != n:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of "
                               f"{n} values to match the convolution dimensions, but got "
                               f"{name}={list(value)}")
        return tuple(int(v) for v in value)
    return (int(value),) * n


def _conv(input, weight, bias, stride, padding, dilation, groups, n, name):  # noqa: A002
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                           f"{name}, but got input of size: {list(input.shape)}")
    if bias is not None and input.dtype != bias.dtype:
        raise RuntimeError(f"Input type ({_c_name(input.dtype)}) and bias type "
                           f"({_c_name(bias.dtype)}) should be the same")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype._legacy[:-6]} but found "
                           f"{weight.dtype._legacy[:-6]}")
    unbatched = input.ndim == n + 1
    if unbatched:
        input = input.unsqueeze(0)
    stride = _pair(stride, n, "stride")
    dilation = _pair(dilation, n, "dilation")
    kernel = tuple(weight.shape[2:])
    # PyTorch's checks, in its order: groups, padding, stride, channels, bias, dilation.
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if not isinstance(padding, str) and any(p < 0 for p in _pair(padding, n, "padding")):
        raise RuntimeError("negative padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if input.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
            f"input{list(input.shape)} to have {weight.shape[1] * groups} channels, but got "
            f"{input.shape[1]} channels instead")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[0]):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be "
                           f"1-dimensional with {weight.shape[0]} elements, but got bias of size "
                           f"{list(bias.shape)} instead")
    if any(d <= 0 for d in dilation):
        shown = [1, *dilation] if n == 1 else list(dilation)  # (PyTorch runs conv1d as 2-D)
        raise RuntimeError(f"dilation should be greater than zero, but got {shown}")
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * n
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = []
            for k, d in zip(kernel, dilation):
                total = d * (k - 1)
                pads.append((total // 2, total - total // 2))
            pads = tuple(pads)
        else:
            raise ValueError(f"Invalid padding string '{padding}', should be one of "
                             "{'valid', 'same'}")
    else:
        pads = tuple((p, p) for p in _pair(padding, n, "padding"))
    spatial = input.shape[2:]
    padded = [s + a + b for s, (a, b) in zip(spatial, pads)]
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(p < s for p, s in zip(padded, span)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, span))}). Kernel size can't be greater than "
            "actual input size")
    if n == 1:
        stride, dilation, pads = (1,) + stride, (1,) + dilation, ((0, 0),) + pads
    row = N.convolution if n < 3 else N3.convolution  # (3-D: the N-d kernels of ops.nn3d)
    out = row(input, weight, bias, stride, pads, dilation, groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """1-D convolution over (N, C, L). >>> F.conv1d(ember.ones(1, 2, 5), ember.ones(3, 2, 3))"""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """2-D convolution over (N, C, H, W), im2col + BLAS.

    >>> F.conv2d(ember.ones(1, 1, 4, 4), ember.ones(2, 1, 3, 3)).shape
    torch.Size([1, 2, 2, 2])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


_TRANSPOSE_ARGUMENTS = (("input", 1), ("weight", 2), ("bias", 3), ("stride", 4), ("padding", 5),
                        ("output_padding", 6), ("groups", 7), ("dilation", 8))


def _int_list(value, n, name, position, function):
    """An int list argument as PyTorch's argument parser reads it: an int stands for n copies."""
    where = f"{function}(): argument '{name}' (position {position})"
    if _is_int(value):
        return [int(value)] * n
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{where} must be tuple of ints, not {type(value).__name__}")
    for i, v in enumerate(value):
        if not _is_int(v):
            raise TypeError(f"{where} must be tuple of ints, but found element of type "
                            f"{type(v).__name__} at pos {i}")
    return [int(v) for v in value]


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _expanded(values, name, dims):
    """One value per spatial dim of the weight (a single value is repeated), or PyTorch's error."""
    if len(values) == 1:
        return values * dims
    if len(values) != dims:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {dims} "
                           "values to match the convolution dimensions, but got "
                           f"{name}={values}")
    return values


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, n,  # noqa: A002
                    name):
    for (argument, position), value in zip(_TRANSPOSE_ARGUMENTS, (input, weight, bias)):
        if not isinstance(value, Tensor) and (value is not None or argument != "bias"):
            raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be "
                            f"Tensor, not {type(value).__name__}")
    lists = {}
    for (argument, position), value in zip(_TRANSPOSE_ARGUMENTS[3:], (
            stride, padding, output_padding, groups, dilation)):
        if argument == "groups":
            if not _is_int(value):
                raise TypeError(f"{name}(): argument 'groups' (position 7) must be int, not "
                                f"{type(value).__name__}")
            continue
        lists[argument] = _int_list(value, n, argument, position, name)
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                           f"{name}, but got input of size: {list(input.shape)}")
    unbatched = input.ndim == n + 1
    if unbatched:
        input = input.unsqueeze(0)
    dims = weight.ndim - 2
    if dims <= 0:
        raise RuntimeError("weight should have at least three dimensions")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    stride, padding, dilation, output_padding = (
        _expanded(lists[argument], argument, dims)
        for argument in ("stride", "padding", "dilation", "output_padding"))
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d < 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    shape = list(weight.shape)
    if weight.ndim != input.ndim:
        k = weight.ndim
        raise RuntimeError(f"Expected {k}-dimensional input for {k}-dimensional weight {shape}, "
                           f"but got {input.ndim}-dimensional input of size "
                           f"{list(input.shape)} instead")
    if shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at "
                           f"dimension 0, but got weight of size {shape} instead")
    if shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{shape}] instead")
    if input.shape[1] != shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {shape}, expected "
                           f"input{list(input.shape)} to have {shape[0]} channels, but got "
                           f"{input.shape[1]} channels instead")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != shape[1] * groups):
        raise RuntimeError(f"Given transposed=1, weight of size {shape}, expected bias to be "
                           f"1-dimensional with {shape[1] * groups} elements, but got bias of "
                           f"size {list(bias.shape)} instead")
    # PyTorch's CPU kernel sees a 1-D convolution as a 2-D one of height 1, and says so.
    if n == 1:
        stride, padding, dilation, output_padding = ([1] + stride, [0] + padding,
                                                     [1] + dilation, [0] + output_padding)
    spatial = ([1] if n == 1 else []) + list(input.shape[2:])
    if 0 in spatial:
        raise RuntimeError("Only zero batch or zero channel inputs are supported, but got input "
                           f"shape: {list(input.shape[:2]) + spatial}")
    for parameter, other in ((weight, "weight"), (bias, "bias")):
        if parameter is not None and input.dtype == _dtype.float32 \
                and parameter.dtype != input.dtype:
            raise RuntimeError(f"Input type (torch.FloatTensor) and {other} type "
                               f"(torch.{parameter.dtype._legacy}) should be the same or input "
                               f"should be a MKLDNN tensor and {other} is a dense tensor")
    if 0 in dilation:
        raise RuntimeError("dilation should be greater than zero, but got dilation_height: "
                           f"{dilation[0]}, dilation_width: {dilation[1]}")
    if any(p >= s and p >= d for p, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {output_padding[0]} output_padding_width: "
            f"{output_padding[1]} stride_height: {stride[0]} stride_width: {stride[1]} "
            f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}")
    kernel = ([1] if n == 1 else []) + shape[2:]
    if shape[1] == 0:
        raise RuntimeError(f"non-empty 2D or 4D weight tensor expected, but got: "
                           f"{shape[:2] + kernel}")
    sizes = [(i - 1) * s - 2 * p + d * (k - 1) + extra + 1 for i, s, p, d, k, extra in zip(
        spatial, stride, padding, dilation, kernel, output_padding)]
    if any(size < 1 for size in sizes):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, spatial))}). "
                           f"Calculated output size per channel: "
                           f"({' x '.join(map(str, sizes))}). Output size is too small")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"expected scalar type {_name(input.dtype)} but found "
                           f"{_name(weight.dtype)}")
    if not input.is_floating_point() and input.dtype != _dtype.int64:
        raise NotImplementedError(f'"slow_conv_transpose2d_out_cpu" not implemented for '
                                  f"'{_name(input.dtype)}'")
    if bias is not None and bias.dtype != input.dtype:
        bias = bias.to(input.dtype)  # PyTorch's CPU kernel accepts it and keeps the input's type
    row = N.conv_transpose if n < 3 else N3.conv_transpose
    out = row(input, weight, bias, tuple(stride), tuple((p, p) for p in padding),
              tuple(output_padding), tuple(dilation), groups)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,  # noqa: A002
                     groups=1, dilation=1):
    """1-D transposed convolution over (N, C_in, L), weight (C_in, C_out / groups, k).

    >>> F.conv_transpose1d(ember.ones(1, 2, 3), ember.ones(2, 1, 2), stride=2)
    tensor([[[2., 2., 2., 2., 2., 2.]]])
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                           1, "conv_transpose1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,  # noqa: A002
                     groups=1, dilation=1):
    """2-D transposed convolution over (N, C_in, H, W), weight (C_in, C_out / groups, kh, kw):
    the gradient of conv2d with respect to its input, as a layer.

    >>> F.conv_transpose2d(ember.ones(1, 1, 2, 2), ember.ones(1, 3, 3, 3), stride=2).shape
    torch.Size([1, 3, 5, 5])
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                           2, "conv_transpose2d")


# --- pooling ------------------------------------------------------------------------------------
def _pool_input(input, name):  # noqa: A002
    if input.ndim not in (3, 4):
        raise RuntimeError(f"{name}: Expected 3D or 4D tensor, but got {list(input.shape)}")
    return (input.unsqueeze(0), True) if input.ndim == 3 else (input, False)


def _pool_size(size, kernel, stride, pad, dilation, ceil_mode):
    """PyTorch's pooling output length (ceil_mode may add a last, partly outside window)."""
    span = size + 2 * pad - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1  # the last window must start inside the input or its left padding
    return out


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """Maximum over each window. >>> F.max_pool2d(ember.ones(1, 1, 4, 4), 2).shape"""
    kernel = _pair(kernel_size, 2, "kernel_size")
    stride = kernel if stride is None or stride == [] else _pair(stride, 2, "stride")
    padding = _pair(padding, 2, "padding")
    dilation = _pair(dilation, 2, "dilation")
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise RuntimeError("pad should be at most half of effective kernel size, but got "
                           f"pad={padding[0]}, kernel_size={kernel[0]} and dilation={dilation[0]}")
    x, unbatched = _pool_input(input, "max_pool2d")
    sizes = [_pool_size(*args, ceil_mode)
             for args in zip(x.shape[2:], kernel, stride, padding, dilation)]
    if min(sizes) <= 0:
        raise RuntimeError(f"Given input size: ({x.shape[1]}x{x.shape[2]}x{x.shape[3]}). "
                           f"Calculated output size: ({x.shape[1]}x{sizes[0]}x{sizes[1]}). "
                           "Output size is too small")
    pads = []
    for size, out, k, s, p, d in zip(x.shape[2:], sizes, kernel, stride, padding, dilation):
        needed = (out - 1) * s + d * (k - 1) + 1
        pads.append((p, max(needed - size - p, 0)))
    values, indices = N.max_pool2d(x, kernel, stride, tuple(pads), dilation)
    if unbatched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return (values, indices) if return_indices else values


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True, divisor_override=None):
    """Mean over each window. >>> F.avg_pool2d(ember.ones(1, 1, 4, 4), 2).shape"""
    kernel = _pair(kernel_size, 2, "kernel_size")
    stride = kernel if stride is None or stride == [] else _pair(stride, 2, "stride")
    padding = _pair(padding, 2, "padding")
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise RuntimeError("pad should be at most half of effective kernel size, but got "
                           f"pad={padding[0]}, kernel_size={kernel[0]} and dilation=1")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    x, unbatched = _pool_input(input, "avg_pool2d")
    sizes = [_pool_size(size, k, s, p, 1, ceil_mode)
             for size, k, s, p in zip(x.shape[2:], kernel, stride, padding)]
    if min(sizes) <= 0:
        raise RuntimeError(f"Given input size: ({x.shape[1]}x{x.shape[2]}x{x.shape[3]}). "
                           f"Calculated output size: ({x.shape[1]}x{sizes[0]}x{sizes[1]}). "
                           "Output size is too small")
    pads = []
    for size, out, k, s, p in zip(x.shape[2:], sizes, kernel, stride, padding):
        pads.append((p, max((out - 1) * s + k - size - p, 0)))
    if divisor_override is not None:
        divisor = float(divisor_override)
    else:
        divisor = N.avg_pool_divisor(x.shape[2:], sizes, kernel, stride, padding,
                                     count_include_pad)
    out = N.avg_pool2d(x, kernel, stride, tuple(pads), divisor)
    return out.squeeze(0) if unbatched else out


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    """Average-pool to a fixed output size. >>> F.adaptive_avg_pool2d(ember.ones(1, 1, 5, 5), 1)"""
    size = _pair(output_size, 2, "output_size") if not isinstance(output_size, (tuple, list)) \
        else tuple(input.shape[-2 + i] if s is None else s for i, s in enumerate(output_size))
    if size == (1, 1):
        return input.mean((-2, -1), keepdim=True)  # PyTorch takes a mean here (MeanBackward1)
    return N.adaptive_avg_pool2d(input, size)


# PyTorch computes the 1-D pools as 2-D pools over an inserted height of 1 (SqueezeBackward1).
def _pool1d_input(input, name):  # noqa: A002
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{name}() Expected 2D or 3D input tensor, but got "
                           f"{list(input.shape)}")
    return input.unsqueeze(-2)


def _one(value, name):
    return value[0] if isinstance(value, (tuple, list)) and len(value) == 1 else value


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """Maximum over windows of the last dim. >>> F.max_pool1d(ember.ones(1, 2, 6), 2).shape"""
    kernel = _one(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == [] else _one(stride, "stride")
    out = max_pool2d(_pool1d_input(input, "max_pool1d"), (1, kernel), (1, stride),
                     (0, _one(padding, "padding")), (1, _one(dilation, "dilation")), ceil_mode,
                     return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True):
    """Mean over windows of the last dim. >>> F.avg_pool1d(ember.ones(1, 2, 6), 2).shape"""
    kernel = _one(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == [] else _one(stride, "stride")
    return avg_pool2d(_pool1d_input(input, "avg_pool1d"), (1, kernel), (1, stride),
                      (0, _one(padding, "padding")), ceil_mode, count_include_pad).squeeze(-2)


def adaptive_avg_pool1d(input, output_size):  # noqa: A002
    """Average-pool the last dim to ``output_size``. >>> F.adaptive_avg_pool1d(x, 3)"""
    x = _pool1d_input(input, "adaptive_avg_pool1d")
    return N.adaptive_avg_pool2d(x, (1, _one(output_size, "output_size"))).squeeze(-2)


# --- normalisation ------------------------------------------------------------------------------
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,  # noqa: A002
               momentum=0.1, eps=1e-5):
    """Normalise over the batch (and spatial dims) per channel; update running statistics."""
    channels = input.shape[1] if input.ndim > 1 else 0
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")
    if training:
        size = input.numel() // input.shape[1]
        if size == 1:
            raise ValueError("Expected more than 1 value per channel when training, got input "
                             f"size {input.shape}")
        out, mean, var = N.batch_norm(input, weight, bias, eps)
        if running_mean is not None:
            with no_grad():
                mean, var = mean.detach(), var.detach()
                running_mean.mul_(1 - momentum).add_(mean * momentum)
                # The running variance is the unbiased estimate, as in PyTorch.
                running_var.mul_(1 - momentum).add_(var * (momentum * size / (size - 1)))
        return out
    if running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    return N.batch_norm_eval(input, weight, bias, running_mean.detach().numpy(),
                             running_var.detach().numpy(), eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """Normalise over the trailing ``normalized_shape`` dims. >>> F.layer_norm(x, (3,))"""
    normalized_shape = _pair(normalized_shape, 1) if isinstance(normalized_shape, int) \
        else tuple(normalized_shape)
    k = len(normalized_shape)
    if tuple(input.shape[input.ndim - k:]) != normalized_shape or input.ndim < k:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(map(str, normalized_shape))}], but got input of size"
            f"{input.shape}")
    return N.layer_norm(input, weight, bias, k, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """Normalise over groups of channels (and the spatial dims). >>> F.group_norm(x, 2)"""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    if input.shape[1] % num_groups != 0:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {input.shape} and "
                           f"num_groups={num_groups}")
    return N.group_norm(input, weight, bias, num_groups, eps)


# --- embedding ----------------------------------------------------------------------------------
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,  # noqa: A002
              scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` picked by the indices in ``input``. >>> F.embedding(idx, weight)"""
    if input.is_floating_point():
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           "following scalar types: Long, Int; but got torch.FloatTensor instead"
                           " (while checking arguments for embedding)")
    num = weight.shape[0]
    if padding_idx is not None and padding_idx < 0:
        padding_idx += num
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding(scale_grad_by_freq=True or sparse=True) is not in "
                                  "ember yet")
    indices = input.numpy()
    if indices.size and (indices.min() < 0 or indices.max() >= num):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_rows(weight, indices, max_norm, norm_type)
    return N.embedding(weight, indices, padding_idx)


def _renorm_rows(weight, indices, max_norm, norm_type):
    """PyTorch's max_norm: rescale, in place, the looked-up rows whose norm exceeds it."""
    with no_grad():
        rows = tensor(np.unique(indices))
        picked = weight[rows]
        norms = (picked.abs() ** norm_type).sum(1) ** (1.0 / norm_type)
        scale = where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        weight[rows] = picked * scale.unsqueeze(1)


# --- losses -------------------------------------------------------------------------------------
_REDUCTIONS = {"none": Loss.NONE, "mean": Loss.MEAN, "sum": Loss.SUM}


def _reduction(reduction, size_average=None, reduce=None):
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else "mean" if size_average else "sum"
    try:
        return _REDUCTIONS[reduction]
    except (KeyError, TypeError):
        raise ValueError(f"{reduction} is not a valid value for reduction") from None


def _reduced(loss, reduction, size_average=None, reduce=None):
    """A composed loss reduced as ``reduction`` (and the legacy flags) say."""
    mode = _reduction(reduction, size_average, reduce)
    return loss.mean() if mode == Loss.MEAN else loss.sum() if mode == Loss.SUM else loss


def _same_size(input, target, name):  # noqa: A002
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", stacklevel=3)


def _name(dtype):
    return dtype._legacy[:-6]  # 'Float', 'Long': PyTorch's scalar type names in messages


def _floating_input(input, kernel):  # noqa: A002
    """PyTorch's error for a kernel that exists for floating types only."""
    if not input.is_floating_point():
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_name(input.dtype)}\'')


def _floating_kernel(input, target, kernel):  # noqa: A002
    """PyTorch's pointwise loss kernels exist for floating types only; returns the result type
    of ``input`` and ``target`` (PyTorch's promotion: long with float is float)."""
    dtype = result_type(input, target)
    if not dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_name(dtype)}\'')
    return dtype


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    """Mean squared error. >>> F.mse_loss(ember.zeros(2), ember.ones(2))  # tensor(1.)"""
    _same_size(input, target, "mse_loss")
    _floating_kernel(input, target, "mse_cpu")
    return Loss.mse_loss(input, target, _reduction(reduction, size_average, reduce))


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """Mean absolute error (composed as PyTorch composes it). >>> F.l1_loss(a, b)"""
    _same_size(input, target, "l1_loss")
    return _reduced((input - target).abs(), reduction, size_average, reduce)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean",  # noqa: A002
                   beta=1.0):
    """Quadratic below ``beta``, linear above. >>> F.smooth_l1_loss(a, b)"""
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    _same_size(input, target, "smooth_l1_loss")
    _floating_kernel(input, target, "smooth_l1_cpu")
    return Loss.smooth_l1_loss(input, target, _reduction(reduction, size_average, reduce),
                            float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):  # noqa: A002
    """Quadratic below ``delta``, delta-scaled linear above. >>> F.huber_loss(a, b)"""
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _same_size(input, target, "huber_loss")
    dtype = result_type(input, target)
    if not can_cast(dtype, input.dtype):  # (the result has the input's type)
        raise RuntimeError(f"result type {_name(dtype)} can't be cast to the desired output type "
                           f"{_name(input.dtype)}")
    _floating_kernel(input, target, "huber_cpu")
    return Loss.huber_loss(input, target, _reduction(reduction), float(delta))


def _array(value, like):
    if value is None:
        return None
    if isinstance(value, Tensor):
        if value.dtype is like.dtype and not value.requires_grad:
            return value.numpy()  # (the common case: a target tensor as it is)
        return value.detach().to(like.dtype).numpy()
    return tensor(value, dtype=like.dtype).numpy()


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                         reduction="mean"):
    """BCE on probabilities (logs clamped at -100). >>> F.binary_cross_entropy(p, t)"""
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {_name(target.dtype)} but expected {_name(input.dtype)}")
    _floating_input(input, "binary_cross_entropy")
    # (the row checks that input and target lie in [0, 1], as PyTorch's kernel does)
    mode = _reduction(reduction, size_average, reduce)
    return Loss.binary_cross_entropy(input, _array(target, input), _array(weight, input), mode)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,  # noqa: A002
                                     reduce=None, reduction="mean", pos_weight=None):
    """Sigmoid + BCE in one stable row. >>> F.binary_cross_entropy_with_logits(x, t)"""
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    _floating_input(input, "log_sigmoid_cpu")
    if not target.is_floating_point():  # (the result has the target's type)
        raise RuntimeError(f"result type {_name(result_type(input, target))} can't be cast to the "
                           f"desired output type {_name(target.dtype)}")
    mode = _reduction(reduction, size_average, reduce)
    loss = Loss.binary_cross_entropy_with_logits(input, target, _array(weight, input),
                                                 _array(pos_weight, input), mode)
    return loss if loss.dtype is target.dtype else loss.to(target.dtype)


def _check_targets(input, target):  # noqa: A002
    if target.dtype is not _dtype.int64 and target.dtype is not _dtype.uint8:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{target.dtype._legacy[:-6]}")
    batched = input.ndim >= 2
    if batched and target.ndim >= 1 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    if input.ndim == 2 and target.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
             reduction="mean"):
    """Negative log-likelihood of class indices. >>> F.nll_loss(F.log_softmax(x, 1), y)"""
    _check_targets(input, target)
    mode = _reduction(reduction, size_average, reduce)
    unbatched = input.ndim == 1
    if unbatched:
        input, target = input.unsqueeze(0), target.reshape(1)
    classes = input.shape[1]
    labels = target.numpy()
    if labels.size and (np.minimum.reduce(labels, axis=None) < 0
                        or np.maximum.reduce(labels, axis=None) >= classes):
        bad = (labels != ignore_index) & ((labels < 0) | (labels >= classes))
        if bad.any():
            raise IndexError(f"Target {labels[bad].ravel()[0]} is out of bounds.")
    if labels.dtype != "int64":
        labels = labels.astype("int64")
    w = None
    if weight is not None:
        if weight.numel() != classes:
            raise RuntimeError(f"weight tensor should be defined either for all {classes} "
                               f"classes or no classes but got weight tensor of shape: "
                               f"{list(weight.shape)}")
        w = _array(weight, input)
    row = Loss.nll_loss2d if input.ndim == 4 else Loss.nll_loss
    out = row(input, labels, w, mode, ignore_index)
    return out.squeeze(0) if unbatched and mode == Loss.NONE else out


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,  # noqa: A002
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """log_softmax over the class dim, then nll_loss (or soft targets: class probabilities).

    >>> F.cross_entropy(ember.zeros(2, 3), ember.tensor([0, 2]))
    tensor(1.0986)
    """
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    mode = _reduction(reduction, size_average, reduce)
    class_dim = 0 if input.ndim == 1 else 1
    logp = log_softmax(input, class_dim)
    if target.is_floating_point():
        return _soft_cross_entropy(input, logp, target, weight, mode, label_smoothing, class_dim)
    loss = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing == 0.0:
        return loss
    classes = input.shape[class_dim]
    if weight is not None:
        shape = [1] * input.ndim
        shape[class_dim] = classes
        smooth = -(logp * weight.reshape(shape)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth = smooth.masked_fill(target == ignore_index, 0.0)
    kept = target != ignore_index
    if mode == Loss.MEAN:
        if weight is not None:
            smooth = smooth.sum() / weight.gather(0, target.masked_select(kept).flatten()).sum()
        else:
            smooth = smooth.sum() / kept.sum()
    elif mode == Loss.SUM:
        smooth = smooth.sum()
    return loss * (1 - label_smoothing) + smooth * (label_smoothing / classes)


def _soft_cross_entropy(input, logp, target, weight, mode, label_smoothing, class_dim):  # noqa: A002
    if tuple(target.shape) != tuple(input.shape):
        # PyTorch takes a target of another shape for class indices, and rejects it there.
        if input.ndim == 2 and target.ndim != 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{target.dtype._legacy[:-6]}")
    classes = input.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    if weight is not None:
        shape = [1] * input.ndim
        shape[class_dim] = classes
        loss = -(logp * target * weight.reshape(shape)).sum(class_dim)
    else:
        loss = -(logp * target).sum(class_dim)
    if mode == Loss.MEAN:
        count = input.numel() // classes if input.ndim > 1 else 1
        return Loss.div_scalar(loss.sum(), count) if input.ndim > 1 else loss
    if mode == Loss.SUM:
        return loss.sum()
    return loss


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):  # noqa: A002
    """KL divergence with ``input`` given as log-probabilities. >>> F.kl_div(logp, q)"""
    if not (input.is_floating_point() and target.is_floating_point()):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.", stacklevel=2)
    if reduction == "batchmean":
        mode = "batchmean"
    else:
        mode = _reduction(reduction, size_average, reduce)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        # target * log(target), 0 where target is 0 (xlogy).
        positive = target > 0
        safe = where(positive, target, 1.0)
        loss = where(positive, target * safe.log(), 0.0) - target * input
    if mode == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return loss.mean() if mode == Loss.MEAN else loss.sum() if mode == Loss.SUM else loss


# --- shape helpers ------------------------------------------------------------------------------
def pad(input, pad, mode="constant", value=None):  # noqa: A002
    """Pad the last len(pad) // 2 dims: pad = (last_left, last_right, prev_left, ...).

    >>> F.pad(ember.ones(1, 2), (1, 1)).tolist()
    [[0.0, 1.0, 1.0, 0.0]]
    """
    if len(pad) % 2 != 0:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input "
                           "dimension but got padding length "
                           f"{len(pad)} and input of dimension {input.ndim}")
    if mode != "constant":
        return _pad_by_index(input, pad, mode, value)
    pairs = [(0, 0)] * input.ndim
    for i in range(len(pad) // 2):
        pairs[input.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    for d, (a, b) in enumerate(pairs):
        if input.shape[d] + a + b < 0:
            raise RuntimeError(f"The input size {input.shape[d]}, plus negative padding {a} and "
                               f"{b} resulted in a negative output size, which is invalid. "
                               f"Check dimension {d} of your input.")
    return N.constant_pad(input, tuple(pairs), 0.0 if value is None else value)


def _pad_by_index(input, pad, mode, value):  # noqa: A002
    """reflect, replicate and circular padding: each padded dim read through index_select from
    the input (so the gradient adds back where an element was read twice). PyTorch records one
    ReflectionPad/ReplicationPad node; ember records the index selections."""
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    dims = len(pad) // 2
    if dims not in (1, 2, 3) or input.ndim not in (dims + 1, dims + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    out = input
    for i in range(dims):
        d = input.ndim - 1 - i
        left, right = int(pad[2 * i]), int(pad[2 * i + 1])
        size = input.shape[d]
        if mode == "reflect" and (left >= size or right >= size):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding "
                               f"input dimension, but got: padding ({left}, {right}) at "
                               f"dimension {d} of input {list(input.shape)}")
        if mode == "circular" and (left > size or right > size):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        inner = list(range(max(-left, 0), size - max(-right, 0)))  # (negative pads crop)
        left, right = max(left, 0), max(right, 0)
        if mode == "reflect":
            before = list(range(left, 0, -1))
            after = list(range(size - 2, size - 2 - right, -1))
        elif mode == "replicate":
            before, after = [0] * left, [size - 1] * right
        else:
            before, after = list(range(size - left, size)), list(range(right))
        out = out.index_select(d, tensor(before + inner + after))
    return out


_LINEAR_MODES = {"linear": 1, "bilinear": 2, "trilinear": 3}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,  # noqa: A002
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims (after batch and channel) by ``size`` or ``scale_factor``:
    ``nearest``, ``nearest-exact``, or ``linear``/``bilinear``/``trilinear`` (separable, one
    dim at a time), composed from index selections and weights (PyTorch records one Upsample*
    node); ``bicubic`` (4-D, one UpsampleBicubic2D node) and ``area`` (adaptive average
    pooling) are in ember.nn._layers_3d."""
    dims = input.ndim - 2
    if mode not in ("nearest", "nearest-exact", "bicubic", "area") and mode not in _LINEAR_MODES:
        raise NotImplementedError(f"F.interpolate(mode={mode!r}) is not in ember yet")
    if align_corners is not None and mode not in _LINEAR_MODES and mode != "bicubic":
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if mode in _LINEAR_MODES and _LINEAR_MODES[mode] != dims:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                  f"{_LINEAR_MODES[mode] + 2}D input")
    if not 1 <= dims <= 3 or (mode == "bicubic" and dims != 2):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported "
                                  f"(got {input.ndim}D) for the modes: nearest | linear | "
                                  f"bilinear | bicubic | trilinear | area | nearest-exact "
                                  f"(got {mode})")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if antialias:
        raise NotImplementedError("F.interpolate(antialias=True) is not in ember yet")
    spatial = tuple(input.shape[2:])
    if size is not None:
        sizes = (size,) * dims if isinstance(size, int) else tuple(size)
        scales = [inp / out for inp, out in zip(spatial, sizes)]
    else:
        factors = (scale_factor,) * dims if isinstance(scale_factor, (int, float)) else \
            tuple(scale_factor)
        sizes = tuple(int(math.floor(inp * f)) for inp, f in zip(spatial, factors))
        scales = [inp / out if recompute_scale_factor else 1.0 / f
                  for inp, out, f in zip(spatial, sizes, factors)]
    if mode in ("bicubic", "area"):
        from ._layers_3d import resize

        return resize(input, sizes, scales, mode, align_corners)
    out = input
    for k, (length, wanted, scale) in enumerate(zip(spatial, sizes, scales)):
        out = _resample(out, 2 + k, length, wanted, scale, mode, bool(align_corners))
    return out


def _resample(x, axis, length, wanted, scale, mode, align_corners):
    """One dim of interpolate: PyTorch's source index for each output position."""
    positions = np.arange(wanted, dtype=np.float64)
    if mode == "nearest":
        picks = np.minimum(np.floor(positions * scale).astype(np.int64), length - 1)
        return x.index_select(axis, tensor(picks))
    if mode == "nearest-exact":
        picks = np.minimum(np.floor((positions + 0.5) * scale).astype(np.int64), length - 1)
        return x.index_select(axis, tensor(picks))
    if align_corners:
        source = positions * ((length - 1) / (wanted - 1) if wanted > 1 else 0.0)
    else:
        source = np.maximum((positions + 0.5) * scale - 0.5, 0.0)
    low = np.minimum(np.floor(source).astype(np.int64), length - 1)
    high = np.minimum(low + 1, length - 1)
    shape = [1] * x.ndim
    shape[axis] = wanted
    weight = tensor((source - low).reshape(shape), dtype=x.dtype)
    return x.index_select(axis, tensor(low)) * (1 - weight) + x.index_select(
        axis, tensor(high)) * weight


def one_hot(tensor, num_classes=-1):
    """Class indices (int64) as rows of zeros with a 1 at the index. >>> F.one_hot(t, 3)"""
    from .. import arange, int64

    if tensor.dtype is not int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if tensor.numel():
        if int(tensor.min()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        largest = int(tensor.max())
        if num_classes == -1:
            num_classes = largest + 1
        elif largest >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    elif num_classes == -1:
        raise RuntimeError("Can not infer total number of classes from empty tensor.")
    return (tensor.unsqueeze(-1) == arange(num_classes)).long()


def normalize(input, p=2.0, dim=1, eps=1e-12):  # noqa: A002
    norm = (input.abs() ** p).sum(dim, keepdim=True) ** (1.0 / p)
    return input / norm.clamp(min=eps)


# --- losses PyTorch composes from other ops (their graphs are those compositions) ---------------

def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -target * (input1 - input2) + margin): ranks input1 above input2 where target is 1."""
    if not (input1.ndim == input2.ndim == target.ndim):
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {input1.shape}, input2: {input2.shape}, "
                           f"target: {target.shape} ")
    loss = (-target * (input1 - input2) + margin).clamp_min(0)
    return _reduced(loss, reduction, size_average, reduce)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,  # noqa: A002
                         reduction="mean"):
    """input where target is 1, max(0, margin - input) where target is -1."""
    zeros = zeros_like(input)
    outside = where(target != 1, (margin - input).clamp_min(0), zeros)
    inside = where(target != -1, input, zeros)
    return _reduced(outside + inside, reduction, size_average, reduce)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """log(1 + exp(-target * input)), composed (PyTorch records SoftMarginLossBackward0)."""
    loss = (-target * input).exp().log1p()
    return _reduced(loss, reduction, size_average, reduce)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(input1, input2) where target is 1, max(0, cos - margin) where target is -1."""
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"cosine_embedding_loss : All input tensors should have same "
                           f"dimension but got sizes: input1: {input1.shape}, input2: "
                           f"{input2.shape}, target: {target.shape} ")
    dim = input1.ndim - 1
    eps = 1e-12  # (PyTorch's EPSILON in the squared magnitudes)
    dot = (input1 * input2).sum(dim)
    magnitudes = ((input1 * input1).sum(dim) + eps) * ((input2 * input2).sum(dim) + eps)
    cos = dot / magnitudes.sqrt()
    zeros = zeros_like(cos)
    loss = where(target == 1, 1 - cos, zeros) + where(target == -1, (cos - margin).clamp_min(0),
                                                      zeros)
    return _reduced(loss, reduction, size_average, reduce)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the pairwise p-distance."""
    d_positive = pairwise_distance(anchor, positive, p, eps)
    d_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_negative = _f["minimum"](d_negative, pairwise_distance(positive, negative, p, eps))
    loss = (margin + d_positive - d_negative).clamp_min(0)
    return _reduced(loss, reduction, size_average, reduce)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None,  # noqa: A002
                     eps=1e-8, reduce=None, reduction="mean"):
    """exp(input) - target * input (log_input), else input - target * log(input + eps); with
    ``full`` Stirling's term for target > 1."""
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:  # (computed on targets above 1 only, where it applies: no log of 0)
        big = target > 1
        t = where(big, target, full_like(target, 2.0))
        stirling = t * t.log() - t + 0.5 * (2 * math.pi * t).log()
        loss = loss + where(big, stirling, zeros_like(stirling))
    return _reduced(loss, reduction, size_average, reduce)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):  # noqa: A002
    """0.5 * (log(var) + (input - target)^2 / var), var clamped at ``eps`` (no gradient through
    the clamp), with ``full`` the constant 0.5 * log(2 pi)."""
    if isinstance(var, (int, float)):
        var = full_like(input, var)
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (input.shape[:-1] == var.shape[:-1] and var.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduced(loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None,  # noqa: A002
                                reduce=None, reduction="mean"):
    """Per class -(target * log sigmoid(x) + (1 - target) * log sigmoid(-x)), averaged over the
    classes (the last dim), then reduced."""
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    classes = input.shape[-1] if input.ndim else 1
    loss = loss.sum(dim=input.ndim - 1) / classes if input.ndim else loss / classes
    return _reduced(loss, reduction, size_average, reduce)


from ._layers_more import *  # noqa: E402,F401,F403  (rms_norm, instance_norm, unfold, ...)
from ._layers_3d import *  # noqa: E402,F401,F403  (conv3d, 3-D pooling, grid_sample, ...)
from ._layers_extra import *  # noqa: E402,F401,F403  (embedding_bag, ctc_loss, rrelu, ...)
from ._layers_extra2 import *  # noqa: E402,F401,F403  (fractional_max_pool2d, elu_ nodes, ...)
