"""Rows for ember.nn's volumetric layers (conv3d, conv_transpose3d, 3-D pooling) and for the
resampling layers (bicubic and area interpolation, grid_sample, affine_grid); PyTorch's node names.

The 1-D and 2-D convolution and pooling kernels of :mod:`ember.ops.nn` are tuned for their sizes
and stay as they are; the kernels here work on any number of spatial dims (im2col through a
strided window view, one BLAS call per group) and are used for three. As there, each backward
kernel is a row too and the rows' formulas call each other with ``.on``, so derivatives of every
order follow.
"""

from __future__ import annotations

import itertools
import math

from numpy.lib.stride_tricks import sliding_window_view

from .._tensor import Tensor
from ..backend import xp
from . import formula as F
from .activation import constant
from .nn import _group_slices, connected, convolution_rows, sum_dims
from .op import defop


# --- convolution --------------------------------------------------------------------------------
# ``padding`` is one (before, after) pair per spatial dim; stride and dilation one value per dim.
def _pad_spatial(x, padding, fill=0):
    if not any(a or b for a, b in padding):
        return x
    return xp.pad(x, ((0, 0), (0, 0)) + tuple(padding), constant_values=fill)


def _windows(x, kernel, stride, padding, dilation, fill=0):
    """(N, C, *out, *kernel) strided view of the padded input: im2col without a copy."""
    n = len(kernel)
    x = _pad_spatial(x, padding, fill)
    span = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation))
    view = sliding_window_view(x, span, axis=tuple(range(2, 2 + n)))
    steps = tuple(slice(None, None, s) for s in stride) + tuple(
        slice(None, None, d) for d in dilation)
    return view[(slice(None), slice(None)) + steps]


def _columns(x, kernel, stride, padding, dilation):
    """The (C * prod(kernel), N * prod(out)) column matrix and the output sizes."""
    win = _windows(x, kernel, stride, padding, dilation)
    n = len(kernel)
    out = win.shape[2:2 + n]
    order = (1,) + tuple(range(2 + n, 2 + 2 * n)) + (0,) + tuple(range(2, 2 + n))
    cols = xp.ascontiguousarray(win.transpose(order))
    return cols.reshape(x.shape[1] * math.prod(kernel), -1), out


def _conv_forward(input, weight, bias, stride, padding, dilation, groups):  # noqa: A002
    n, o = input.shape[0], weight.shape[0]
    kernel = weight.shape[2:]
    parts = []
    for cs, os_ in zip(_group_slices(groups, input.shape[1]), _group_slices(groups, o)):
        cols, out = _columns(input[:, cs], kernel, stride, padding, dilation)
        parts.append(weight[os_].reshape(os_.stop - os_.start, -1) @ cols)  # one BLAS call
    result = parts[0] if groups == 1 else xp.concatenate(parts, axis=0)  # (O, N * prod(out))
    if bias is not None:
        result += bias.reshape(-1, 1)
    result = result.reshape((o, n) + tuple(out))
    return xp.ascontiguousarray(xp.moveaxis(result, 0, 1))


def _grad_matrix(grad):
    """(N, O, *out) -> (O, N * prod(out)), the columns' layout."""
    return xp.ascontiguousarray(xp.moveaxis(grad, 1, 0)).reshape(grad.shape[1], -1)


def _kernel_slices(kernel, stride, dilation, out):
    """For each kernel position: its index and the strided slices of the padded input it reads."""
    for position in itertools.product(*(range(k) for k in kernel)):
        yield position, tuple(slice(p * d, p * d + s * (o - 1) + 1, s)
                              for p, s, d, o in zip(position, stride, dilation, out))


def _conv_input_grad(grad, weight, input_shape, stride, padding, dilation, groups):
    """The gradient of a convolution with respect to its input (a transposed convolution): the
    columns' gradient, one BLAS call per group, added back at every kernel position (col2im).
    ``input_shape`` may reach past the windows (a transposed convolution's output_padding): the
    positions no window reaches get zeros."""
    n, c = input_shape[:2]
    kernel = weight.shape[2:]
    out = grad.shape[2:]
    padded_shape = tuple(s + a + b for s, (a, b) in zip(input_shape[2:], padding))
    padded = xp.zeros((c, n) + padded_shape, dtype=grad.dtype)
    g = _grad_matrix(grad)
    for cs, os_ in zip(_group_slices(groups, c), _group_slices(groups, weight.shape[0])):
        cols = weight[os_].reshape(os_.stop - os_.start, -1).T @ g[os_]
        cols = cols.reshape((cs.stop - cs.start,) + tuple(kernel) + (n,) + tuple(out))
        target = padded[cs]
        for position, slices in _kernel_slices(kernel, stride, dilation, out):
            target[(slice(None), slice(None)) + slices] += cols[(slice(None),) + position]
    crop = tuple(slice(a, a + s) for s, (a, _) in zip(input_shape[2:], padding))
    result = padded[(slice(None), slice(None)) + crop]
    return xp.ascontiguousarray(xp.moveaxis(result, 0, 1))


def _conv_weight_grad(grad, input, weight_shape, stride, padding, dilation, groups):  # noqa: A002
    """The gradient of a convolution with respect to its weight."""
    g = _grad_matrix(grad)
    parts = []
    for cs, os_ in zip(_group_slices(groups, input.shape[1]),
                       _group_slices(groups, weight_shape[0])):
        cols, _ = _columns(input[:, cs], weight_shape[2:], stride, padding, dilation)
        parts.append(g[os_] @ cols.T)
    out = parts[0] if groups == 1 else xp.concatenate(parts, axis=0)
    return out.reshape(weight_shape)


convolution, conv_input_grad, conv_weight_grad, conv_transpose = convolution_rows(
    _conv_forward, _conv_input_grad, _conv_weight_grad)


# --- max pooling --------------------------------------------------------------------------------
def _max_pool(self, kernel, stride, padding, dilation):
    """Window maxima over (N, C, D, H, W) and their flat positions in each D * H * W volume;
    ``padding`` as (before, after) pairs (a larger after: ceil_mode's extra windows).

    PyTorch's rule for the index: each window starts at its first real element, and a later
    element replaces the maximum when it is larger or NaN (the first of equal maxima wins, the
    last NaN); padding is never chosen.
    """
    floating = self.dtype.kind == "f"
    fill = -xp.inf if floating else xp.iinfo(self.dtype).min
    win = _windows(self, kernel, stride, padding, dilation, fill)
    n, c = self.shape[:2]
    out = win.shape[2:5]
    values = win.reshape(n, c, *out, -1)
    position = values.argmax(axis=-1)
    if any(a or b for a, b in padding):
        # A window whose real elements are all -inf would pick the padding before them.
        inside = xp.ones(self.shape[2:], dtype=bool)
        real = _windows(inside[None, None], kernel, stride, padding, dilation, False)
        real = real.reshape(*out, -1)
        picked_real = xp.take_along_axis(real[None, None], position[..., None], axis=-1)[..., 0]
        first_real = xp.broadcast_to(real.argmax(axis=-1), position.shape)
        position = xp.where(picked_real, position, first_real)
    if floating:
        nan = xp.isnan(values)
        if nan.any():
            last = nan.shape[-1] - 1 - nan[..., ::-1].argmax(axis=-1)
            position = xp.where(nan.any(axis=-1), last, position)
    best = xp.take_along_axis(values, position[..., None], axis=-1)[..., 0]
    # The window position -> a flat index into the unpadded volume.
    offsets = xp.unravel_index(position, kernel)
    sizes = self.shape[2:]
    flat = xp.zeros(position.shape, xp.int64)
    for axis, (offset, s, d, (before, _), size) in enumerate(
            zip(offsets, stride, dilation, padding, sizes)):
        starts = xp.arange(out[axis]) * s - before
        starts = starts.reshape((-1,) + (1,) * (2 - axis))
        flat = flat * size + (starts + offset * d)
    return best, flat


def _scatter_volumes(grad, indices, input_shape):
    """Add each grad value at its index of its (D * H * W) volume: the max-pool gradient. As in
    PyTorch, repeated indices add up in the gradient's dtype, in output order."""
    n, c = input_shape[:2]
    size = math.prod(input_shape[2:])
    volumes = xp.arange(n * c).reshape(n, c, 1, 1, 1) * size
    out = xp.zeros(n * c * size, dtype=grad.dtype)
    xp.add.at(out, (indices + volumes).ravel(), grad.ravel())
    return out.reshape(input_shape)


def _gather_volumes(self, indices):
    n, c = self.shape[:2]
    return xp.take_along_axis(self.reshape(n, c, -1), indices.reshape(n, c, -1),
                              axis=2).reshape(indices.shape)


max_pool3d = defop(
    "MaxPool3DWithIndicesBackward0", outputs=2,
    forward=_max_pool,
    self=lambda grad, self, result: connected(max_pool_scatter.on(
        grad[0], F.detached(result[1]), F.detached(self).shape), self),
)
max_pool_scatter = defop(
    "MaxPool3DWithIndicesBackwardBackward0", inputs="grad",
    forward=_scatter_volumes,
    grad=lambda gg, indices: max_pool_gather.on(gg, indices),
)
max_pool_gather = defop(
    "MaxPoolGatherBackward0",
    forward=_gather_volumes,
    self=lambda grad, indices, self_shape: max_pool_scatter.on(grad, indices, self_shape),
)


def _adaptive_max_pool(self, output_size):
    """Window maxima over (N, C, D, H, W) with PyTorch's adaptive windows, and their positions in
    each D * H * W volume (the first of equal maxima, the last NaN)."""
    n, c = self.shape[:2]
    sizes = self.shape[2:]
    values = xp.empty((n, c) + tuple(output_size), dtype=self.dtype)
    indices = xp.empty((n, c) + tuple(output_size), dtype=xp.int64)
    floating = self.dtype.kind == "f"
    bounds = [adaptive_bounds(size, out) for size, out in zip(sizes, output_size)]
    for where in itertools.product(*(range(o) for o in output_size)):
        box = [bounds[axis][i] for axis, i in enumerate(where)]
        window = self[(slice(None), slice(None)) + tuple(slice(a, b) for a, b in box)]
        lengths = window.shape[2:]
        window = window.reshape(n, c, -1)
        position = window.argmax(axis=-1)
        if floating:
            nan = xp.isnan(window)
            if nan.any():
                last = nan.shape[-1] - 1 - nan[..., ::-1].argmax(axis=-1)
                position = xp.where(nan.any(axis=-1), last, position)
        at = (slice(None), slice(None)) + where
        values[at] = xp.take_along_axis(window, position[..., None], axis=-1)[..., 0]
        local = xp.unravel_index(position, lengths)
        flat = xp.zeros(position.shape, xp.int64)
        for (start, _), offset, size in zip(box, local, sizes):
            flat = flat * size + start + offset
        indices[at] = flat
    return values, indices


adaptive_max_pool3d = defop(
    "AdaptiveMaxPool3DBackward0", outputs=2, forward=_adaptive_max_pool,
    self=lambda grad, self, result: connected(adaptive_max_pool_scatter.on(
        grad[0], F.detached(result[1]), F.detached(self).shape), self),
)
adaptive_max_pool_scatter = defop(
    "AdaptiveMaxPool3DBackwardBackward0", inputs="grad", forward=_scatter_volumes,
    grad=lambda gg, indices: max_pool_gather.on(gg, indices),
)


# --- average pooling ----------------------------------------------------------------------------
def avg_pool_divisor(sizes, outputs, kernel, stride, padding, count_include_pad):
    """Each output position's divisor, by PyTorch's rule: the window clipped to the padded
    input (count_include_pad) or to the input itself."""
    result = xp.ones((), dtype=xp.float64)
    for size, out, k, s, p in zip(sizes, outputs, kernel, stride, padding):
        start = xp.arange(out) * s - p
        end = xp.minimum(start + k, size + p)
        length = end - start if count_include_pad else xp.minimum(end, size) - xp.maximum(start, 0)
        result = xp.multiply.outer(result, length)
    return result.astype(xp.float64)


def _avg_pool(self, kernel, stride, padding, divisor):
    """Window sums over the zero-padded input, divided by ``divisor`` (one number per output
    position, as PyTorch counts it)."""
    win = _windows(self, kernel, stride, padding, (1,) * len(kernel))
    axes = tuple(range(-len(kernel), 0))
    return (win.sum(axis=axes, dtype=self.dtype) / divisor).astype(self.dtype, copy=False)


def _avg_pool_grad(grad, kernel, stride, padding, divisor, input_shape):
    # The adjoint of averaging: every window position receives grad / its window's divisor.
    padded_shape = tuple(s + a + b for s, (a, b) in zip(input_shape[2:], padding))
    padded = xp.zeros(tuple(input_shape[:2]) + padded_shape, dtype=grad.dtype)
    share = (grad / divisor).astype(grad.dtype, copy=False)
    ones = (1,) * len(kernel)
    for _, slices in _kernel_slices(kernel, stride, ones, grad.shape[2:]):
        padded[(slice(None), slice(None)) + slices] += share
    crop = tuple(slice(a, a + s) for s, (a, _) in zip(input_shape[2:], padding))
    return xp.ascontiguousarray(padded[(slice(None), slice(None)) + crop])


avg_pool3d = defop(
    "AvgPool3DBackward0", forward=_avg_pool,
    self=lambda grad, kernel, stride, padding, divisor, self: connected(avg_pool_grad.on(
        grad, kernel, stride, padding, divisor, F.detached(self).shape), self),
)
avg_pool_grad = defop(
    "AvgPool3DBackwardBackward0", inputs="grad", forward=_avg_pool_grad,
    grad=lambda gg, kernel, stride, padding, divisor: avg_pool3d.on(
        gg, kernel, stride, padding, divisor),
)


# --- separable linear resampling ----------------------------------------------------------------
# Adaptive average pooling and bicubic interpolation map each trailing dim through a matrix:
# out = M_1 x_1 M_2 x_2 ... (one (out, in) matrix per dim). The gradient applies the transposed
# matrices, and the gradient of that applies the matrices again.
def adaptive_bounds(size, out):
    """PyTorch's adaptive windows: [floor(i * size / out), ceil((i + 1) * size / out))."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def averaging_matrix(size, out):
    """The (out, size) matrix of adaptive average pooling along one dim."""
    matrix = xp.zeros((out, size), dtype=xp.float64)
    for i, (start, end) in enumerate(adaptive_bounds(size, out)):
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


def _through(x, matrices):
    """``x`` with each of its trailing dims mapped through its matrix."""
    n = len(matrices)
    for axis, matrix in enumerate(matrices):
        moved = xp.moveaxis(x, x.ndim - n + axis, -1)
        x = xp.moveaxis(moved @ matrix.T.astype(x.dtype, copy=False), -1, x.ndim - n + axis)
    return xp.ascontiguousarray(x)


def _transposed(matrices):
    return tuple(m.T for m in matrices)


adaptive_avg_pool3d = defop(
    "AdaptiveAvgPool3DBackward0", forward=_through,
    self=lambda grad, matrices, self: connected(adaptive_avg_pool_grad.on(
        grad, _transposed(matrices)), self),
)
adaptive_avg_pool_grad = defop(
    "AdaptiveAvgPool3DBackwardBackward0", inputs="grad", forward=_through,
    grad=lambda gg, matrices: adaptive_avg_pool3d.on(gg, _transposed(matrices)),
)


def _cubic_weights(t):
    """PyTorch's cubic convolution weights (A = -0.75) of the four neighbours of a point at
    fraction ``t`` past the second one."""
    a = -0.75

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return (far(t + 1), near(t), near(1 - t), far(2 - t))


def cubic_matrix(size, out, scale, align_corners):
    """The (out, size) matrix of bicubic interpolation along one dim. The source position is not
    clamped at 0 (as PyTorch does for cubic), and neighbours past the border repeat the edge."""
    positions = xp.arange(out, dtype=xp.float64)
    if align_corners:
        source = positions * ((size - 1) / (out - 1) if out > 1 else 0.0)
    else:
        source = (positions + 0.5) * scale - 0.5
    floor = xp.floor(source)
    weights = _cubic_weights(source - floor)
    matrix = xp.zeros((out, size), dtype=xp.float64)
    rows = xp.arange(out)
    for k, weight in enumerate(weights):
        columns = xp.clip(floor.astype(xp.int64) - 1 + k, 0, size - 1)
        xp.add.at(matrix, (rows, columns), weight)
    return matrix


upsample_bicubic2d = defop(
    "UpsampleBicubic2DBackward0", forward=_through,
    self=lambda grad, matrices: upsample_bicubic2d_grad.on(grad, _transposed(matrices)),
)
upsample_bicubic2d_grad = defop(
    "UpsampleBicubic2DBackwardBackward0", inputs="grad", forward=_through,
    grad=lambda gg, matrices: upsample_bicubic2d.on(gg, _transposed(matrices)),
)


# --- grid_sample and affine_grid ----------------------------------------------------------------
# grid_sample reads input (N, C, H, W) at the points of grid (N, Ho, Wo, 2), x then y in [-1, 1].
# The forward and both gradients are written in operations that arrays and Tensors share, with
# the point-dependent weights as functions of the grid: the second derivatives then follow.
def _source(coordinate, size, padding_mode, align_corners):
    """A grid coordinate as a pixel position, with padding_mode applied, as ``a * coordinate + b``
    (piecewise linear: clipping and reflection only change ``a`` and ``b``); returns the
    position and its slope ``a`` with respect to the grid coordinate."""
    value = F.detached(coordinate).astype(xp.float64)
    if align_corners:
        slope, offset = (size - 1) / 2, (size - 1) / 2
    else:
        slope, offset = size / 2, (size - 1) / 2
    position = value * slope + offset
    factor = xp.ones_like(position)
    if padding_mode == "reflection":
        low, high = (0.0, size - 1.0) if align_corners else (-0.5, size - 0.5)
        span = high - low
        if span <= 0:
            position, factor = xp.zeros_like(position), xp.zeros_like(position)
        else:
            shifted = xp.abs(position - low)
            flips = xp.floor(shifted / span)
            extra = shifted - flips * span
            sign = xp.where(position < low, -1.0, 1.0)
            even = flips % 2 == 0
            position = xp.where(even, low + extra, high - extra)
            factor = sign * xp.where(even, 1.0, -1.0)
    if padding_mode in ("border", "reflection"):
        inside = (position > 0) & (position < size - 1)
        factor = xp.where(inside, factor, 0.0)
        position = xp.clip(position, 0, size - 1)
    # position = factor * slope * coordinate + constant, exactly where the result is taken.
    a = factor * slope
    b = position - a * value
    dtype = F.detached(coordinate).dtype
    return (coordinate * constant(a.astype(dtype), coordinate)
            + constant(b.astype(dtype), coordinate)), a.astype(dtype)


def _corners(grid, size, padding_mode, align_corners, mode):
    """For each of the (2 or 1) x (2 or 1) neighbours of each point: flat index into the H * W
    plane, whether it lies inside, its weight (a function of the grid) and the weight's
    derivatives with respect to the grid's x and y."""
    h, w = size
    x, ax = _source(grid[..., 0], w, padding_mode, align_corners)
    y, ay = _source(grid[..., 1], h, padding_mode, align_corners)
    xs, ys = F.detached(x), F.detached(y)
    if mode == "nearest":
        ix, iy = xp.rint(xs).astype(xp.int64), xp.rint(ys).astype(xp.int64)
        inside = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h)
        index = xp.clip(iy, 0, h - 1) * w + xp.clip(ix, 0, w - 1)
        return [(index, inside, None, None, None)], None
    x0, y0 = xp.floor(xs), xp.floor(ys)
    tx = x - constant(x0.astype(xs.dtype), x)
    ty = y - constant(y0.astype(ys.dtype), y)
    result = []
    for dy, dx in ((0, 0), (0, 1), (1, 0), (1, 1)):
        ix, iy = x0.astype(xp.int64) + dx, y0.astype(xp.int64) + dy
        inside = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h)
        index = xp.clip(iy, 0, h - 1) * w + xp.clip(ix, 0, w - 1)
        wx = tx if dx else 1 - tx
        wy = ty if dy else 1 - ty
        sx, sy = (1.0 if dx else -1.0), (1.0 if dy else -1.0)
        result.append((index, inside, wx * wy, wy * sx, wx * sy))
    return result, (ax, ay)


def _flat_points(index, inside, like):
    """(N, Ho, Wo) indices and masks as (N, 1, Ho * Wo), for every channel."""
    n = index.shape[0]
    return index.reshape(n, 1, -1), constant(inside.reshape(n, 1, -1).astype(
        F.detached(like).dtype), like)


def _gather_points(input, index):  # noqa: A002
    n, c = F.detached(input).shape[:2]
    index = xp.broadcast_to(index, (n, c, index.shape[-1]))
    return grid_gather.on(input.reshape(n, c, -1), index)


def _sample(input, grid, mode, padding_mode, align_corners):  # noqa: A002
    n, c, h, w = F.detached(input).shape
    corners, _ = _corners(grid, (h, w), padding_mode, align_corners, mode)
    out = None
    for index, inside, weight, _, _ in corners:
        index, mask = _flat_points(index, inside, input)
        term = _gather_points(input, index) * mask
        if weight is not None:
            term = term * weight.reshape(n, 1, -1)
        out = term if out is None else out + term
    return out.reshape(tuple(F.detached(grid).shape[:1]) + (c,) + tuple(
        F.detached(grid).shape[1:3]))


def _sample_input_grad(grad, grid, input_shape, mode, padding_mode, align_corners):
    n, c, h, w = input_shape
    corners, _ = _corners(grid, (h, w), padding_mode, align_corners, mode)
    g = grad.reshape(n, c, -1)
    out = None
    for index, inside, weight, _, _ in corners:
        index, mask = _flat_points(index, inside, grad)
        share = g * mask if weight is None else g * (mask * weight.reshape(n, 1, -1))
        term = grid_scatter.on(share, xp.broadcast_to(index, (n, c, index.shape[-1])), h * w)
        out = term if out is None else out + term
    # (nearest: no weights, so the grid is joined to the graph as PyTorch's node joins it)
    return connected(out.reshape(input_shape), grid)


def _sample_grid_grad(grad, input, grid, mode, padding_mode, align_corners):  # noqa: A002
    n, c, h, w = F.detached(input).shape
    if mode == "nearest":
        return connected(F.zeros(F.detached(grid).shape, grad), grid)
    corners, (ax, ay) = _corners(grid, (h, w), padding_mode, align_corners, mode)
    g = grad.reshape(n, c, -1)
    gx = gy = None
    for index, inside, _, dx, dy in corners:
        index, mask = _flat_points(index, inside, input)
        along = sum_dims(g * _gather_points(input, index) * mask, 1)
        tx, ty = along * dx.reshape(n, -1), along * dy.reshape(n, -1)
        gx = tx if gx is None else gx + tx
        gy = ty if gy is None else gy + ty
    shape = tuple(F.detached(grid).shape[:3]) + (1,)
    gx = gx.reshape(shape) * constant(ax.reshape(shape), grad)
    gy = gy.reshape(shape) * constant(ay.reshape(shape), grad)
    if isinstance(gx, Tensor):
        from .. import cat

        return cat([gx, gy], -1)
    return xp.concatenate([gx, gy], axis=-1)


grid_sampler_2d = defop(
    "GridSampler2DBackward0", inputs="input grid",
    forward=_sample,
    input=lambda grad, grid, input_shape, mode, padding_mode, align_corners: _sample_input_grad(
        grad, grid, input_shape, mode, padding_mode, align_corners),
    grid=lambda grad, input, grid, mode, padding_mode, align_corners: _sample_grid_grad(  # noqa: A002
        grad, input, grid, mode, padding_mode, align_corners),
)


def _scatter_points(grad, indices, size):
    """Add (N, C, P) values at their indices of (N, C, size) planes (repeats add up)."""
    n, c = grad.shape[:2]
    out = xp.zeros((n * c, size), dtype=grad.dtype)
    rows = xp.arange(n * c)[:, None] * size
    xp.add.at(out.reshape(-1), (indices.reshape(n * c, -1) + rows).ravel(), grad.ravel())
    return out.reshape(n, c, size)


grid_gather = defop(
    "GatherBackward0",
    forward=lambda self, indices: xp.take_along_axis(self, indices, axis=2),
    self=lambda grad, indices, self_shape: grid_scatter.on(grad, indices, self_shape[2]),
)
grid_scatter = defop(
    "ScatterAddBackward0", inputs="grad", forward=_scatter_points,
    grad=lambda gg, indices: grid_gather.on(gg, indices),
)


def base_grid(size, align_corners, dtype):
    """The (*spatial, n + 1) grid of normalised coordinates (x first) with a trailing 1."""
    spatial = size[2:]

    def line(count):
        if count <= 1:
            return xp.zeros(count, dtype=xp.float64)
        steps = xp.linspace(-1.0, 1.0, count)
        return steps if align_corners else steps * (count - 1) / count

    axes = xp.meshgrid(*(line(s) for s in spatial), indexing="ij")
    coordinates = [a for a in reversed(axes)] + [xp.ones(tuple(spatial))]
    return xp.stack(coordinates, axis=-1).astype(dtype)


def _affine_grid(theta, size, align_corners):
    base = base_grid(size, align_corners, theta.dtype)
    points = base.reshape(-1, base.shape[-1])
    out = points @ theta.swapaxes(1, 2)  # (N, points, n)
    return out.reshape((theta.shape[0],) + tuple(size[2:]) + (theta.shape[1],))


def _affine_grid_grad(grad, size, align_corners):
    base = base_grid(size, align_corners, F.detached(grad).dtype)
    points = constant(base.reshape(-1, base.shape[-1]), grad)
    flat = grad.reshape(F.detached(grad).shape[0], -1, F.detached(grad).shape[-1])
    return F.transpose(flat, 1, 2) @ points


affine_grid_generator = defop(
    "AffineGridGeneratorBackward0", inputs="theta", forward=_affine_grid,
    theta=lambda grad, size, align_corners: _affine_grid_grad(grad, size, align_corners),
)
