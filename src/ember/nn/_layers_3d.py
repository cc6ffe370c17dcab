"""Volumetric layers and resampling for ember.nn.functional: conv3d, conv_transpose3d, 3-D max,
average and adaptive pooling, dropout3d, grid_sample and affine_grid, and the bicubic and area
modes of interpolate, with PyTorch's signatures and errors. ``ember.nn.functional`` re-exports
the public names.

>>> import ember
>>> import ember.nn.functional as F
>>> F.max_pool3d(ember.ones(1, 1, 4, 4, 4), 2).shape
torch.Size([1, 1, 2, 2, 2])
"""

from __future__ import annotations

import warnings

from ..ops import nn3d as N3
from .functional import (
    _conv, _conv_transpose, _feature_dropout, _pair, _pool_size, adaptive_avg_pool1d,
    adaptive_avg_pool2d,
)

__all__ = [
    "conv3d", "conv_transpose3d", "max_pool3d", "max_pool3d_with_indices", "avg_pool3d",
    "adaptive_avg_pool3d", "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices",
    "dropout3d", "grid_sample", "affine_grid",
]


# --- convolution --------------------------------------------------------------------------------
def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """3-D convolution over (N, C, D, H, W) or (C, D, H, W), im2col + one BLAS call per group.

    >>> F.conv3d(ember.ones(1, 1, 4, 4, 4), ember.ones(2, 1, 3, 3, 3)).shape
    torch.Size([1, 2, 2, 2, 2])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0,  # noqa: A002
                     groups=1, dilation=1):
    """3-D transposed convolution over (N, C_in, D, H, W), weight (C_in, C_out / groups, *k):
    the gradient of conv3d with respect to its input, as a layer.

    >>> F.conv_transpose3d(ember.ones(1, 1, 2, 2, 2), ember.ones(1, 2, 2, 2, 2), stride=2).shape
    torch.Size([1, 2, 4, 4, 4])
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                           3, "conv_transpose3d")


# --- pooling ------------------------------------------------------------------------------------
def _pool3d_input(input):  # noqa: A002
    if input.ndim not in (4, 5) or input.numel() == 0:
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    return (input.unsqueeze(0), True) if input.ndim == 4 else (input, False)


def _pool3d_arguments(kernel_size, stride, padding, dilation):
    kernel = _pair(kernel_size, 3, "kernel_size")
    stride = kernel if stride is None or stride == [] else _pair(stride, 3, "stride")
    padding = _pair(padding, 3, "padding")
    dilation = _pair(dilation, 3, "dilation")
    for p, k, d in zip(padding, kernel, dilation):
        if p > k // 2:
            raise RuntimeError("pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    return kernel, stride, padding, dilation


def _pool3d_sizes(x, kernel, stride, padding, dilation, ceil_mode):
    sizes = [_pool_size(*args, ceil_mode)
             for args in zip(x.shape[2:], kernel, stride, padding, dilation)]
    if min(sizes) <= 0:
        given = "x".join(map(str, x.shape[1:]))
        calculated = "x".join(map(str, [x.shape[1], *sizes]))
        raise RuntimeError(f"Given input size: ({given}). Calculated output size: "
                           f"({calculated}). Output size is too small")
    pads = []
    for size, out, k, s, p, d in zip(x.shape[2:], sizes, kernel, stride, padding, dilation):
        needed = (out - 1) * s + d * (k - 1) + 1
        pads.append((p, max(needed - size - p, 0)))
    return sizes, tuple(pads)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
                            ceil_mode=False, return_indices=False):
    """3-D max pooling with the maxima's positions in each D * H * W volume."""
    kernel, stride, padding, dilation = _pool3d_arguments(kernel_size, stride, padding, dilation)
    x, unbatched = _pool3d_input(input)
    _, pads = _pool3d_sizes(x, kernel, stride, padding, dilation, ceil_mode)
    values, indices = N3.max_pool3d(x, kernel, stride, pads, dilation)
    if unbatched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return values, indices


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """Maximum over each window of (N, C, D, H, W) or (C, D, H, W).

    >>> F.max_pool3d(ember.arange(8.0).reshape(1, 2, 2, 2), 2)
    tensor([[[[7.]]]])
    """
    values, indices = max_pool3d_with_indices(input, kernel_size, stride, padding, dilation,
                                              ceil_mode)
    return (values, indices) if return_indices else values


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True, divisor_override=None):
    """Mean over each window of (N, C, D, H, W) or (C, D, H, W).

    >>> F.avg_pool3d(ember.ones(1, 1, 4, 4, 4), 2).shape
    torch.Size([1, 1, 2, 2, 2])
    """
    kernel, stride, padding, _ = _pool3d_arguments(kernel_size, stride, padding, 1)
    x, unbatched = _pool3d_input(input)
    if any(size + 2 * p < k for size, p, k in zip(x.shape[2:], padding, kernel)):
        t, h, w = x.shape[2:]
        raise RuntimeError(f"input image (T: {t} H: {h} W: {w}) smaller than kernel size "
                           f"(kT: {kernel[0]} kH: {kernel[1]} kW: {kernel[2]})")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    sizes, pads = _pool3d_sizes(x, kernel, stride, padding, (1, 1, 1), ceil_mode)
    if divisor_override is not None:
        divisor = float(divisor_override)
    else:
        divisor = N3.avg_pool_divisor(x.shape[2:], sizes, kernel, stride, padding,
                                      count_include_pad)
    out = N3.avg_pool3d(x, kernel, stride, pads, divisor)
    return out.squeeze(0) if unbatched else out


def _adaptive_size(output_size, input, name):  # noqa: A002
    if input.ndim not in (4, 5):
        raise RuntimeError(f"{name}(): Expected 4D or 5D tensor, but got"
                           f"{':' if name.startswith('adaptive_max') else ''} "
                           f"{list(input.shape)}")
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != 3:
            raise RuntimeError(f"{name}(): internal error: output_size.size() must be 3")
        return tuple(input.shape[-3 + i] if s is None else int(s)
                     for i, s in enumerate(output_size))
    return (int(output_size),) * 3


def adaptive_avg_pool3d(input, output_size):  # noqa: A002
    """Average-pool (N, C, D, H, W) or (C, D, H, W) to ``output_size``; PyTorch's windows.

    >>> F.adaptive_avg_pool3d(ember.ones(1, 1, 5, 4, 3), (2, 2, 1)).shape
    torch.Size([1, 1, 2, 2, 1])
    """
    size = _adaptive_size(output_size, input, "adaptive_avg_pool3d")
    if size == (1, 1, 1):
        return input.mean((-3, -2, -1), keepdim=True)  # PyTorch takes a mean here (MeanBackward1)
    matrices = tuple(N3.averaging_matrix(s, o) for s, o in zip(input.shape[-3:], size))
    return N3.adaptive_avg_pool3d(input, matrices)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):  # noqa: A002
    """Adaptive 3-D max pooling with the maxima's positions in each D * H * W volume."""
    size = _adaptive_size(output_size, input, "adaptive_max_pool3d")
    unbatched = input.ndim == 4
    x = input.unsqueeze(0) if unbatched else input
    values, indices = N3.adaptive_max_pool3d(x, size)
    if unbatched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return values, indices


def adaptive_max_pool3d(input, output_size, return_indices=False):  # noqa: A002
    """Max-pool (N, C, D, H, W) or (C, D, H, W) to ``output_size``; PyTorch's windows.

    >>> F.adaptive_max_pool3d(ember.arange(8.0).reshape(1, 2, 2, 2), 1)
    tensor([[[[7.]]]])
    """
    values, indices = adaptive_max_pool3d_with_indices(input, output_size)
    return (values, indices) if return_indices else values


# --- dropout ------------------------------------------------------------------------------------
def dropout3d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) with probability ``p``.

    >>> F.dropout3d(ember.ones(1, 2, 2, 2, 2), 0.0).shape
    torch.Size([1, 2, 2, 2, 2])
    """
    if input.ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is "
                      "deprecated and will result in an error in a future release. To retain the "
                      "behavior and silence this warning, please use dropout instead. Note that "
                      "dropout3d exists to provide channel-wise dropout on inputs with 3 spatial "
                      "dimensions, a channel dimension, and an optional batch dimension (i.e. "
                      "4D or 5D inputs).", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, "dropout3d", 3)


# --- interpolate's bicubic and area modes -------------------------------------------------------
def resize(input, sizes, scales, mode, align_corners):  # noqa: A002
    """``F.interpolate`` for ``bicubic`` (separable cubic convolution, PyTorch's A = -0.75 and
    its edge repetition) and ``area`` (adaptive average pooling)."""
    if mode == "area":
        pool = {1: adaptive_avg_pool1d, 2: adaptive_avg_pool2d, 3: adaptive_avg_pool3d}
        return pool[input.ndim - 2](input, tuple(sizes) if input.ndim > 3 else sizes[0])
    matrices = tuple(N3.cubic_matrix(size, out, scale, bool(align_corners))
                     for size, out, scale in zip(input.shape[2:], sizes, scales))
    return N3.upsample_bicubic2d(input, matrices)


# --- grid_sample and affine_grid ----------------------------------------------------------------
_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False "
                  "since 1.3.0. Please specify align_corners=True if the old behavior is desired. "
                  "See the documentation of grid_sample for details.")


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):  # noqa: A002
    """Sample (N, C, H, W) ``input`` at the points of ``grid`` (N, Ho, Wo, 2), given as (x, y)
    in [-1, 1]: ``bilinear`` or ``nearest``, outside points by ``padding_mode`` (``zeros``,
    ``border``, ``reflection``). Differentiable in both input and grid.

    >>> x = ember.arange(4.0).reshape(1, 1, 2, 2)
    >>> F.grid_sample(x, ember.zeros(1, 1, 1, 2), align_corners=True)
    tensor([[[[1.5000]]]])
    """
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if mode == "bicubic":
        raise NotImplementedError("F.grid_sample(mode='bicubic') is not in ember yet")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if input.ndim != 4:
        raise NotImplementedError("F.grid_sample is in ember for 4-D inputs only (got "
                                  f"{input.ndim}-D input)")
    if grid.ndim != 4 or input.shape[0] != grid.shape[0]:
        raise RuntimeError("grid_sampler(): expected grid and input to have same batch size, but "
                           f"got input with sizes {list(input.shape)} and grid with sizes "
                           f"{list(grid.shape)}")
    if grid.shape[-1] != 2:
        raise RuntimeError("grid_sampler(): expected grid to have size 2 in last dimension, but "
                           f"got grid with sizes {list(grid.shape)}")
    if input.dtype != grid.dtype:
        raise RuntimeError("grid_sampler(): expected input and grid to have same dtype, but "
                           f"input has {input.dtype} and grid has {grid.dtype}")
    return N3.grid_sampler_2d(input, grid, mode, padding_mode, bool(align_corners))


def affine_grid(theta, size, align_corners=None):
    """The sampling grid of a batch of affine maps ``theta`` (N, 2, 3) or (N, 3, 4) over an
    output of ``size`` (N, C, H, W) or (N, C, D, H, W), for :func:`grid_sample`.

    >>> F.affine_grid(ember.tensor([[[1.0, 0, 0], [0, 1, 0]]]), (1, 1, 1, 2), False)
    tensor([[[[-0.5000,  0.0000],
              [ 0.5000,  0.0000]]]])
    """
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = tuple(int(s) for s in size)
    if len(size) == 4:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError("Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                             f"{size}. Got {theta.shape}.")
    elif len(size) == 5:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError("Expected a batch of 3D affine matrices of shape Nx3x4 for size "
                             f"{size}. Got {theta.shape}.")
    else:
        raise NotImplementedError("affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if align_corners and min(size[2:]) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids "
                      "when align_corners=True. This is not an intended use case of affine_grid. "
                      "See the documentation of affine_grid for details.", stacklevel=2)
    return N3.affine_grid_generator(theta, size, bool(align_corners))
