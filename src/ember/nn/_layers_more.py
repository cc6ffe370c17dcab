"""More layer functions for ember.nn.functional: RMS and instance normalisation, pixel and channel
shuffles, unfold/fold, bilinear, adaptive max pooling, max unpooling and the multi-class margin
losses, with PyTorch's signatures and errors. ``ember.nn.functional`` re-exports them.

>>> import ember
>>> import ember.nn.functional as F
>>> F.pixel_shuffle(ember.ones(1, 4, 2, 3), 2).shape
torch.Size([1, 1, 4, 6])
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype, no_grad
from ..ops import loss as Loss
from ..ops import nn_more as M
from .functional import _pair, _reduced, _reduction, pairwise_distance

__all__ = [
    "rms_norm", "instance_norm", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "unfold",
    "fold", "bilinear", "adaptive_max_pool1d", "adaptive_max_pool2d",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
    "max_pool1d_with_indices", "max_pool2d_with_indices", "max_unpool1d", "max_unpool2d",
    "multi_margin_loss", "multilabel_margin_loss", "triplet_margin_with_distance_loss",
]


def _shape_list(shape):
    return str(list(shape))


def _require_floating(input, name):  # noqa: A002
    if not input.is_floating_point():
        raise NotImplementedError(f'"{name}" not implemented for \'{input.dtype._legacy[:-6]}\'')


# --- normalisation ------------------------------------------------------------------------------
def rms_norm(input, normalized_shape, weight=None, eps=None):  # noqa: A002
    """``input / sqrt(mean(input ** 2) + eps)`` over the trailing ``normalized_shape`` dims, times
    ``weight``. ``eps=None`` means the dtype's machine epsilon, as in PyTorch.

    >>> F.rms_norm(ember.tensor([[3.0, 4.0]]), (2,))
    tensor([[0.8485, 1.1314]])
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*{', '.join(map(str, shape))}], but got input of size"
                           f"{_shape_list(input.shape)}")
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError("Expected weight to be of same shape as normalized_shape, but got "
                           f"weight of shape {_shape_list(weight.shape)} and normalized_shape = "
                           f"{list(shape)}")
    _require_floating(input, "rms_norm")
    dims = tuple(range(-k, 0))
    # Half precision is normalised in float32 and cast back (PyTorch does the same).
    low = input.dtype is _dtype.float16
    x = input.float() if low else input
    if eps is None:
        eps = float(np.finfo(input.dtype.np).eps)
    out = x * (x.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    if low:
        out = out.to(input.dtype)
    return out if weight is None else out * weight


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,  # noqa: A002
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalise each channel of each sample over its spatial dims. As in PyTorch this is a batch
    norm over a (1, N * C, ...) view, so running statistics (when given) are averaged over the
    batch.

    >>> F.instance_norm(ember.tensor([[[1.0, 3.0]]]))
    tensor([[[-1.0000,  1.0000]]])
    """
    from .functional import batch_norm

    if use_input_stats and math.prod(input.shape[2:]) == 1:
        raise ValueError("Expected more than 1 spatial element when training, got input size "
                         f"{input.shape}")
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when "
                           "use_input_stats is false")
    batch, channels = input.shape[:2]
    flat = input.reshape(1, batch * channels, *input.shape[2:])

    def repeated(t):
        return None if t is None else t.repeat(batch)

    mean, var = repeated(running_mean), repeated(running_var)
    out = batch_norm(flat, mean, var, repeated(weight), repeated(bias), use_input_stats,
                     momentum, eps)
    if use_input_stats and running_mean is not None:
        with no_grad():
            running_mean.copy_(mean.view(batch, channels).mean(0))
    if use_input_stats and running_var is not None:
        with no_grad():
            running_var.copy_(var.view(batch, channels).mean(0))
    return out.view(input.shape)


# --- rearranging --------------------------------------------------------------------------------
def pixel_shuffle(input, upscale_factor):  # noqa: A002
    """(*, C r^2, H, W) -> (*, C, H r, W r). >>> F.pixel_shuffle(ember.ones(4, 1, 1), 2).shape"""
    if input.ndim < 3:
        raise RuntimeError("pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.ndim} dimension(s)")
    if upscale_factor <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got "
                           f"{upscale_factor}")
    square = upscale_factor * upscale_factor
    if input.shape[-3] % square:
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be "
                           "divisible by the square of upscale_factor, but input.size(-3)="
                           f"{input.shape[-3]} is not divisible by {square}")
    return M.pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):  # noqa: A002
    """(*, C, H r, W r) -> (*, C r^2, H, W): the inverse of :func:`pixel_shuffle`."""
    if input.ndim < 3:
        raise RuntimeError("pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.ndim} dimension(s)")
    if downscale_factor <= 0:
        raise RuntimeError("pixel_unshuffle expects a positive downscale_factor, but got "
                           f"{downscale_factor}")
    for name, dim in (("height", -2), ("width", -1)):
        if input.shape[dim] % downscale_factor:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by "
                               f"downscale_factor, but input.size({dim})={input.shape[dim]} is "
                               f"not divisible by {downscale_factor}")
    return M.pixel_unshuffle(input, downscale_factor)


def channel_shuffle(input, groups):  # noqa: A002
    """Interleave ``groups`` groups of channels: (N, g * k, *) read as (N, k, g, *).

    >>> F.channel_shuffle(ember.arange(4.0).reshape(1, 4, 1), 2).flatten()
    tensor([0., 2., 1., 3.])
    """
    if input.ndim <= 2:
        raise RuntimeError("channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {_shape_list(input.shape)}")
    if groups <= 0:
        raise RuntimeError("Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    if input.shape[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got "
                           f"{input.shape[1]} channels and {groups} groups.")
    return M.channel_shuffle(input, groups)


def _positive(name, values, label):
    if any(v <= 0 for v in values):
        raise RuntimeError(f"{name} should be greater than zero, but got {label}_height: "
                           f"{values[0]} {label}_width: {values[1]}")


def _block_arguments(kernel_size, dilation, padding, stride):
    kernel = _pair(kernel_size, 2, "kernel_size")
    dilation, padding, stride = (_pair(dilation, 2, "dilation"), _pair(padding, 2, "padding"),
                                 _pair(stride, 2, "stride"))
    _positive("kernel size", kernel, "kernel")
    _positive("stride", stride, "stride")
    _positive("dilation", dilation, "dilation")
    if any(p < 0 for p in padding):
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {padding[0]} "
                           f"pad_width: {padding[1]}")
    return kernel, dilation, padding, stride


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """im2col: every sliding ``kernel_size`` block of (N, C, H, W) as a column of
    (N, C * kh * kw, L).

    >>> F.unfold(ember.ones(1, 2, 4, 4), 2).shape
    torch.Size([1, 8, 9])
    """
    kernel, dilation, padding, stride = _block_arguments(kernel_size, dilation, padding, stride)
    if input.ndim not in (3, 4):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and "
                           f"other non-zero dimensions for input, but got: "
                           f"{_shape_list(input.shape)}")
    size = tuple(input.shape[-2:])
    counts = M.blocks(size, kernel, dilation, padding, stride)
    if min(counts) < 1:
        raise RuntimeError(f"Given input with spatial size {size}, kernel_size={kernel}, "
                           f"dilation={dilation}, padding={padding}, calculated shape of the "
                           f"array of sliding blocks as {counts}, but its components must be at "
                           "least one.")
    return M.im2col(input, kernel, dilation, padding, stride)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """col2im: sum the columns of (N, C * kh * kw, L) back into (N, C, H, W) images (the adjoint
    of :func:`unfold`).

    >>> F.fold(ember.ones(1, 4, 4), (3, 3), 2)[0, 0]
    tensor([[1., 2., 1.],
            [2., 4., 2.],
            [1., 2., 1.]])
    """
    size = _pair(output_size, 2, "output_size")
    kernel, dilation, padding, stride = _block_arguments(kernel_size, dilation, padding, stride)
    if input.ndim not in (2, 3):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
                           "batch size and non-zero dimensions for input, but got: "
                           f"{_shape_list(input.shape)}")
    # (PyTorch names the dims of the batched view, also for an unbatched input)
    area = kernel[0] * kernel[1]
    if input.shape[-2] % area:
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the "
                           f"product of kernel_size, but got input.size(1)={input.shape[-2]} and "
                           f"kernel_size={kernel}.")
    counts = M.blocks(size, kernel, dilation, padding, stride)
    described = (f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, "
                 f"padding={padding}, stride={stride}, ")
    if min(counts) < 1:
        raise RuntimeError(described + f"calculated shape of the array of sliding blocks as "
                           f"{counts}, but its components must be at least one.")
    if input.shape[-1] != counts[0] * counts[1]:
        raise RuntimeError(described + "expected size of input's dimension 2 to match the "
                           "calculated number of sliding blocks "
                           f"{counts[0]} * {counts[1]} = {counts[0] * counts[1]}, but got "
                           f"input.size(2)={input.shape[-1]}.")
    return M.col2im(input, size, kernel, dilation, padding, stride)


# --- bilinear ------------------------------------------------------------------------------------
def bilinear(input1, input2, weight, bias=None):
    """``y[..., o] = input1 @ weight[o] @ input2 + bias[o]``, over any leading batch dims.

    >>> F.bilinear(ember.ones(2, 3), ember.ones(2, 4), ember.ones(5, 3, 4)).shape
    torch.Size([2, 5])
    """
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and "
                           f"{input2.ndim}")
    for d in range(input1.ndim - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: "
                               f"got {input1.shape[d]} and {input2.shape[d]}")
    for name, x, dim in (("input1", input1, 1), ("input2", input2, 2)):
        if x.shape[-1] != weight.shape[dim]:
            raise RuntimeError(f"bilinear(): {name} size does not match weight size: got "
                               f"{x.shape[-1]} but expected {weight.shape[dim]}")
    if bias is not None and bias.shape[-1] != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.shape[-1]} but expected {weight.shape[0]}")
    lead = tuple(input1.shape[:-1])
    x1 = input1.reshape(-1, input1.shape[-1])
    x2 = input2.reshape(-1, input2.shape[-1])
    out_features, in1, in2 = weight.shape
    # (B, in1) @ (in1, O * in2) -> (B, O, in2), then a batched dot with input2.
    left = (x1 @ weight.permute(1, 0, 2).reshape(in1, out_features * in2)).reshape(
        -1, out_features, in2)
    out = (left @ x2.unsqueeze(-1)).squeeze(-1).reshape(*lead, out_features)
    return out if bias is None else out + bias


# --- adaptive max pooling, max pooling with indices, unpooling ----------------------------------
def _adaptive_size(output_size, input, n):  # noqa: A002
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != n:
            raise RuntimeError(f"adaptive_max_pool{n}d(): internal error: output_size.size() "
                               f"must be {n}")
        return tuple(input.shape[-n + i] if s is None else int(s)
                     for i, s in enumerate(output_size))
    return (int(output_size),) * n


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):  # noqa: A002
    """Adaptive max pooling with the maxima's positions in each H * W plane."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: "
                           f"{_shape_list(input.shape)}")
    for d in range(input.ndim - 2, input.ndim):
        if input.shape[d] == 0:
            raise RuntimeError("adaptive_max_pool2d(): Expected input to have non-zero size for "
                               f"non-batch dimensions, but input has sizes "
                               f"{_shape_list(input.shape)} with dimension {d} being empty")
    _require_floating(input, "adaptive_max_pool2d")
    return M.adaptive_max_pool2d(input, _adaptive_size(output_size, input, 2))


def adaptive_max_pool2d(input, output_size, return_indices=False):  # noqa: A002
    """Max-pool (C, H, W) or (N, C, H, W) to ``output_size``; adaptive windows as in PyTorch.

    >>> F.adaptive_max_pool2d(ember.arange(16.0).reshape(1, 4, 4), 2)
    tensor([[[ 5.,  7.],
             [13., 15.]]])
    """
    values, indices = adaptive_max_pool2d_with_indices(input, output_size)
    return (values, indices) if return_indices else values


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):  # noqa: A002
    """Adaptive max pooling of the last dim, with the maxima's positions."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor "
                           "for argument #1 'self' (while checking arguments for "
                           "adaptive_max_pool1d)")
    if isinstance(output_size, (tuple, list)):
        output_size = output_size[0]
    # As PyTorch: a 2-D pool over an inserted height of 1 (SqueezeBackward1).
    values, indices = adaptive_max_pool2d_with_indices(input.unsqueeze(-2), (1, output_size))
    return values.squeeze(-2), indices.squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):  # noqa: A002
    """Max-pool the last dim of (C, L) or (N, C, L) to ``output_size``."""
    values, indices = adaptive_max_pool1d_with_indices(input, output_size)
    return (values, indices) if return_indices else values


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
                            ceil_mode=False, return_indices=False):
    """:func:`max_pool2d` returning (values, indices)."""
    from .functional import max_pool2d

    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
                            ceil_mode=False, return_indices=False):
    """:func:`max_pool1d` returning (values, indices)."""
    from .functional import max_pool1d

    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _unpool_output_size(input, kernel, stride, padding, output_size):  # noqa: A002
    n = len(kernel)
    default = [(input.shape[-n + d] - 1) * stride[d] + kernel[d] - 2 * padding[d]
               for d in range(n)]
    if output_size is None:
        return default
    if len(output_size) == n + 2:
        output_size = output_size[2:]
    if len(output_size) != n:
        raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} elements, "
                         f"but it has a length of '{len(output_size)}'")
    for d in range(n):
        low, high = default[d] - stride[d], default[d] + stride[d]
        if not low < output_size[d] < high:
            raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between '
                             f"{low} and {high})")
    return output_size


def _max_unpool(input, indices, size):  # noqa: A002
    if input.ndim not in (3, 4):
        raise RuntimeError("Input to max_unpooling2d should be a 3d or 4d Tensor, but got a "
                           f"tensor with {input.ndim} dimensions.")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError("Expected shape of indices to be same as that of the input tensor "
                           f"({_shape_list(input.shape)}) but got indices tensor with shape: "
                           f"{_shape_list(indices.shape)}")
    if indices.dtype is not _dtype.int64:
        raise RuntimeError(f"elements in indices should be type int64 but got: "
                           f"{indices.dtype._legacy[:-6]}")
    positions = indices.numpy()
    planes = size[0] * size[1]
    if positions.size and (positions.min() < 0 or positions.max() >= planes):
        bad = positions[(positions < 0) | (positions >= planes)].ravel()[0]
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                           f"{size[0]}x{size[1]}")
    return M.max_unpool2d(input, positions, tuple(size))


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0,  # noqa: A002
                 output_size=None):
    """Put each value back where :func:`max_pool2d` found it (``indices``); zeros elsewhere.

    >>> values, indices = F.max_pool2d(ember.arange(16.0).reshape(1, 1, 4, 4), 2,
    ...                                return_indices=True)
    >>> F.max_unpool2d(values, indices, 2)[0, 0]
    tensor([[ 0.,  0.,  0.,  0.],
            [ 0.,  5.,  0.,  7.],
            [ 0.,  0.,  0.,  0.],
            [ 0., 13.,  0., 15.]])
    """
    kernel = _pair(kernel_size, 2, "kernel_size")
    stride = kernel if stride is None else _pair(stride, 2, "stride")
    padding = _pair(padding, 2, "padding")
    size = _unpool_output_size(input, kernel, stride, padding, output_size)
    return _max_unpool(input, indices, size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0,  # noqa: A002
                 output_size=None):
    """Put each value back where :func:`max_pool1d` found it; zeros elsewhere."""
    kernel = _pair(kernel_size, 1, "kernel_size")
    stride = kernel if stride is None else _pair(stride, 1, "stride")
    padding = _pair(padding, 1, "padding")
    size = _unpool_output_size(input, kernel, stride, padding, output_size)
    # As PyTorch: a 2-D unpooling over an appended width of 1 (SqueezeBackward1).
    return _max_unpool(input.unsqueeze(-1), indices.unsqueeze(-1), (size[0], 1)).squeeze(-1)


# --- margin losses ------------------------------------------------------------------------------
def _class_targets(target):
    if target.dtype is not _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype._legacy[:-6]}")
    return target.numpy()


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,  # noqa: A002
                      reduce=None, reduction="mean"):
    """Multi-class hinge loss: for each class j other than the target y,
    ``max(0, margin - x[y] + x[j]) ** p`` (times ``weight[y]``), averaged over the classes.

    >>> F.multi_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([3]))
    tensor(0.3250)
    """
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    mode = _reduction(reduction, size_average, reduce)
    if input.ndim > 2 or (input.ndim == 1 and input.shape[0] == 0) or (
            input.ndim == 2 and input.shape[1] == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {_shape_list(input.shape)}")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    batch, classes = x.shape
    if (input.ndim == 2 and (target.ndim != 1 or target.shape[0] != batch)) or (
            input.ndim < 2 and target.numel() != 1):
        raise RuntimeError("multi_margin_loss: target tensor should be 1-D with size equal to the "
                           "number of input samples (batch size). Expected target size "
                           f"[{batch}], but got {_shape_list(target.shape)}. Input has shape "
                           f"{_shape_list(input.shape)}.")
    labels = _class_targets(target).reshape(-1)
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise RuntimeError("target out of range")
    w = None
    if weight is not None:
        if weight.numel() != classes:
            raise RuntimeError(f"inconsistent weight size, expected {classes} but got "
                               f"{_shape_list(weight.shape)}")
        if weight.requires_grad:
            raise RuntimeError("The function 'multi_margin_loss' is not differentiable with "
                               "respect to argument 'weight'. This input cannot have "
                               "requires_grad True.")
        w = weight.detach().numpy().astype(input.dtype.np, copy=False)
    out = M.multi_margin_loss(x, labels, w, p, float(margin), mode)
    if mode == Loss.NONE and input.ndim < 2 and target.ndim == 0:
        out = out.squeeze(0)
    return out


def multilabel_margin_loss(input, target, size_average=None, reduce=None,  # noqa: A002
                           reduction="mean"):
    """Multi-label hinge loss: ``target`` lists each sample's classes, ended by the first -1;
    every (target j, non-target k) pair adds ``max(0, 1 - (x[j] - x[k]))``, over the classes.

    >>> F.multilabel_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]),
    ...                          ember.tensor([[3, 0, -1, 1]]))
    tensor(0.8500)
    """
    mode = _reduction(reduction, size_average, reduce)
    if input.ndim > 2 or (input.ndim >= 1 and input.shape[-1] == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {_shape_list(input.shape)}")
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"inconsistent target size: {_shape_list(target.shape)} for input of "
                           f"size: {_shape_list(input.shape)}")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    labels = _class_targets(target).reshape(x.shape)
    if labels.size and (labels.min() < -1 or labels.max() >= x.shape[1]):
        raise RuntimeError("argument #2 'target' is out of range")
    out = M.multilabel_margin_loss(x, labels, mode)
    if mode == Loss.NONE and input.ndim < 2:
        out = out.squeeze(0)
    return out


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))`` for any distance ``d``
    (the pairwise 2-norm by default); ``swap`` also tries d(positive, negative)."""
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _reduction(reduction)
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {anchor.ndim}D, positive "
                           f"{positive.ndim}D, and negative {negative.ndim}D inputs")
    distance = pairwise_distance if distance_function is None else distance_function
    d_positive = distance(anchor, positive)
    d_negative = distance(anchor, negative)
    if swap:
        from .. import minimum

        d_negative = minimum(d_negative, distance(positive, negative))
    loss = (margin + d_positive - d_negative).clamp_min(0)
    return _reduced(loss, reduction)
