"""Rows for ember.nn: linear, convolution, padding, pooling, normalisation, embedding
(the losses are in ember.ops.loss).

Each row carries PyTorch's node name. Where a derivative is itself a big kernel (convolution,
pooling), the backward kernel is a row too, and the rows' formulas call each other with ``.on``:
the set is closed under differentiation, so any order of derivative works (create_graph=True).
Non-differentiable arguments (class indices, masks, pooling indices) are attributes: arrays.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .._tensor import Tensor
from ..backend import xp
from . import formula as F
from .activation import constant, sum_keep
from .op import defop


def sum_dims(x, dims):
    """``x`` summed over ``dims`` (dims dropped), for arrays and Tensors alike."""
    if isinstance(x, Tensor):
        return x.sum(dims)
    return x.sum(axis=dims)


def _zeros_of(grad, other_shape):
    return F.zeros(other_shape, grad)


# ``self``, recorded as depending on ``other`` with a zero derivative. A gradient that does not
# involve an input (a conv's bias gradient, a max-pool's scattered gradient) still belongs to
# the input's second-order graph in PyTorch; this keeps ember's graph the same shape.
depends = defop("DependsBackward0", inputs="self other",
                forward=lambda self, other: self,
                self=lambda grad: grad,
                other=_zeros_of)


def connected(g, x):
    """``g``, made part of ``x``'s graph when building a higher-order graph (create_graph)."""
    if type(g) is Tensor and isinstance(x, Tensor) and x._requires_grad and not g._requires_grad:
        return depends(g, x)
    return g


# --- linear -------------------------------------------------------------------------------------
def _addmm(self, mat1, mat2):
    out = mat1 @ mat2
    out += self  # in place: no second temporary of the output's size
    return out


addmm = defop(
    "AddmmBackward0", inputs="self mat1 mat2", broadcast=True,
    forward=_addmm,
    self=lambda grad: grad,
    mat1=lambda grad, mat2: grad @ F.mT(mat2),
    mat2=lambda grad, mat1: F.matmul_transposed(F.mT(mat1), grad),  # Linear's weight.t()
)


# --- convolution --------------------------------------------------------------------------------
# Arrays are handled as 2-D convolutions: a 1-D input (N, C, L) gets a size-1 height. ``padding``
# is ((top, bottom), (left, right)); stride and dilation are pairs.
#
# All three kernels work on the column matrix of im2col, laid out (C * kh * kw, N * oh * width)
# so that each is a single BLAS call per group. With stride 1 the columns are cut from the
# flattened (H * W) planes of the padded input: a kernel position's column for a whole image is
# one contiguous run of the plane, shifted by that position's offset, and ``width`` is the padded
# input's width W. The run also covers the W - ow positions past each output row: junk (input
# values from the next row) that the forward crops and the gradients meet with zeros. Long runs
# copy much faster than ow-wide rows, and the input gradient adds each kernel position back with
# one contiguous add per plane. Other strides copy the strided window view (``width`` is ow) and
# add back with 2-D strided slices.
def _as_2d(a):
    return a[:, :, None, :] if a.ndim == 3 else a


def _padded(x, rows, columns):
    """``x`` with zeros around its last two dims (faster than np.pad for these sizes)."""
    if not any(rows + columns):
        return x
    n, c, h, w = x.shape
    out = xp.zeros((n, c, h + sum(rows), w + sum(columns)), dtype=x.dtype)
    out[:, :, rows[0]:rows[0] + h, columns[0]:columns[0] + w] = x
    return out


def _out_size(size, k, stride, dilation):
    return (size - (k - 1) * dilation - 1) // stride + 1


def _windows(x, kernel, stride, padding, dilation):
    """(N, C, out_h, out_w, kh, kw) strided view of the padded input: im2col without a copy."""
    x = _padded(x, *padding)
    kh, kw = kernel
    dh, dw = dilation
    span = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    view = sliding_window_view(x, span, axis=(2, 3))
    return view[:, :, ::stride[0], ::stride[1], ::dh, ::dw]


def _shifts(kernel, dilation, width):
    """Each kernel position's offset in a flattened plane of the given width, row-major."""
    return [i * dilation[0] * width + j * dilation[1]
            for i in range(kernel[0]) for j in range(kernel[1])]


def _columns(x, kernel, stride, padding, dilation, flat=True):
    """im2col: the (C * kh * kw, N * oh * width) column matrix, and (oh, ow, width).

    ``flat=False`` asks for columns without junk (the window path) even for stride 1.
    """
    if stride != (1, 1) or not flat:
        win = _windows(x, kernel, stride, padding, dilation)
        n, c, oh, ow, kh, kw = win.shape
        cols = xp.ascontiguousarray(win.transpose(1, 4, 5, 0, 2, 3))
        return cols.reshape(c * kh * kw, n * oh * ow), (oh, ow, ow)
    # One extra zero row at the bottom: the last kernel positions' runs end past the plane.
    x = _padded(x, (padding[0][0], padding[0][1] + 1), padding[1])
    n, c, h, w = x.shape
    oh, ow = _out_size(h - 1, kernel[0], 1, dilation[0]), _out_size(w, kernel[1], 1, dilation[1])
    planes = x.reshape(n, c, h * w).transpose(1, 0, 2)  # (C, N, H * W)
    cols = xp.empty((c, kernel[0] * kernel[1], n, oh * w), dtype=x.dtype)
    for p, shift in enumerate(_shifts(kernel, dilation, w)):
        cols[:, p] = planes[:, :, shift:shift + oh * w]
    return cols.reshape(c * kernel[0] * kernel[1], n * oh * w), (oh, ow, w)


def _columns_width(in_width, out_width, stride, padding, flat=True):
    """The ``width`` of ``_columns`` for an input and output of these widths."""
    return in_width + sum(padding[1]) if stride == (1, 1) and flat else out_width


def _group_slices(groups, size):
    step = size // groups
    return [slice(g * step, (g + 1) * step) for g in range(groups)]


def _conv_forward(input, weight, bias, stride, padding, dilation, groups):  # noqa: A002
    x, w = _as_2d(input), _as_2d(weight)
    n, o = x.shape[0], w.shape[0]
    kernel = w.shape[2:]
    parts = []
    for cs, os_ in zip(_group_slices(groups, x.shape[1]), _group_slices(groups, o)):
        cols, (oh, ow, width) = _columns(x[:, cs], kernel, stride, padding, dilation)
        parts.append(w[os_].reshape(os_.stop - os_.start, -1) @ cols)  # one BLAS call
    out = parts[0] if groups == 1 else xp.concatenate(parts, axis=0)  # (O, N * oh * width)
    if bias is not None:
        out += bias.reshape(-1, 1)
    out = out.reshape(o, n, oh, width)[..., :ow].transpose(1, 0, 2, 3)
    out = xp.ascontiguousarray(out)
    return out[:, :, 0, :] if input.ndim == 3 else out


def _grad_matrix(g, width):
    """(N, O, oh, ow) -> (O, N * oh * width), the columns' layout (zeros past ow)."""
    n, o, oh, ow = g.shape
    if width == ow:
        return xp.ascontiguousarray(g.transpose(1, 0, 2, 3)).reshape(o, -1)
    out = xp.zeros((o, n, oh, width), dtype=g.dtype)
    out[..., :ow] = g.transpose(1, 0, 2, 3)
    return out.reshape(o, -1)


def _conv_input_grad(grad, weight, input_shape, stride, padding, dilation, groups):
    """The gradient of a convolution with respect to its input (a transposed convolution):
    the columns' gradient, one BLAS call, added back at every kernel position (col2im)."""
    g, w = _as_2d(grad), _as_2d(weight)
    shape = input_shape if len(input_shape) == 4 else input_shape[:2] + (1,) + input_shape[2:]
    n, c, h, wd = shape
    (pt, pb), (pl, pr) = padding
    kh, kw = w.shape[2:]
    oh, ow = g.shape[2:]
    height, width = h + pt + pb, wd + pl + pr
    flat = stride == (1, 1)
    run = (oh - 1) * width + ow
    columns_width = _columns_width(wd, ow, stride, padding)
    g = _grad_matrix(g, columns_width)
    padded = xp.zeros((c, n, height * width), dtype=g.dtype)  # (C, N, H * W)
    for cs, os_ in zip(_group_slices(groups, c), _group_slices(groups, w.shape[0])):
        cols = w[os_].reshape(os_.stop - os_.start, -1).T @ g[os_]
        cols = cols.reshape(cs.stop - cs.start, kh * kw, n, oh * columns_width)  # n may be 0
        target = padded[cs]
        if flat:
            for p, shift in enumerate(_shifts((kh, kw), dilation, width)):
                target[:, :, shift:shift + run] += cols[:, p, :, :run]
            continue
        target = target.reshape(cs.stop - cs.start, n, height, width)
        cols = cols.reshape(cs.stop - cs.start, kh, kw, n, oh, ow)
        for i in range(kh):
            top = i * dilation[0]
            rows = slice(top, top + stride[0] * (oh - 1) + 1, stride[0])
            for j in range(kw):
                left = j * dilation[1]
                columns = slice(left, left + stride[1] * (ow - 1) + 1, stride[1])
                target[:, :, rows, columns] += cols[:, i, j]
    out = padded.reshape(c, n, height, width)[:, :, pt:pt + h, pl:pl + wd]
    return xp.ascontiguousarray(out.transpose(1, 0, 2, 3)).reshape(input_shape)


def _conv_weight_grad(grad, input, weight_shape, stride, padding, dilation, groups):  # noqa: A002
    """The gradient of a convolution with respect to its weight."""
    g, x = _as_2d(grad), _as_2d(input)
    shape = weight_shape if len(weight_shape) == 4 else weight_shape[:2] + (1,) + weight_shape[2:]
    # The junk of stride 1's columns meets zeros here; 0 * inf would be NaN.
    flat = x.dtype.kind != "f" or bool(xp.isfinite(x).all())
    g = _grad_matrix(g, _columns_width(x.shape[3], g.shape[3], stride, padding, flat))
    parts = []
    for cs, os_ in zip(_group_slices(groups, x.shape[1]), _group_slices(groups, shape[0])):
        cols, _ = _columns(x[:, cs], shape[2:], stride, padding, dilation, flat)
        parts.append(g[os_] @ cols.T)
    out = parts[0] if groups == 1 else xp.concatenate(parts, axis=0)
    return out.reshape(weight_shape)


def _bias_grad(grad):
    return sum_dims(grad, (0,) + tuple(range(2, grad.ndim)))


# --- transposed convolution ---------------------------------------------------------------------
# A transposed convolution with weight (C_in, C_out / groups, kh, kw) is the input gradient of the
# convolution that maps its output back to its input with the same weight, so the three kernels
# above serve it too: its forward is ``_conv_input_grad``, its input gradient is that convolution
# of ``grad``, its weight gradient is ``_conv_weight_grad`` with input and gradient swapped.
# ``output_padding`` lengthens the output at the bottom and right. ``_conv_input_grad`` takes an
# input shape longer than its windows reach as it is (the positions past them get only zeros),
# and the derivatives leave out the positions that no window of the forward reaches.
def _transposed(input_grad):
    """The forward of a transposed convolution over a family's input-gradient kernel."""

    def conv_transpose(input, weight, bias, stride, padding, output_padding, dilation, groups):  # noqa: A002
        n = input.ndim - 2
        sizes = tuple((size - 1) * s - before - after + d * (k - 1) + extra + 1
                      for size, k, s, (before, after), extra, d in zip(
                          input.shape[2:], weight.shape[2:], stride[-n:], padding[-n:],
                          output_padding[-n:], dilation[-n:]))
        shape = (input.shape[0], weight.shape[1] * groups) + sizes
        out = input_grad(input, weight, shape, stride, padding, dilation, groups)
        if bias is not None:
            out += bias.reshape((-1,) + (1,) * n)
        return out

    return conv_transpose


def _adjoint_padding(stride, padding, output_padding):
    """The padding of the convolution a transposed convolution is the adjoint of, run over the
    transposed convolution's output: it has exactly one window per input position. Output
    padding of a stride or more (allowed below the dilation) would add windows; the bottom
    padding shrinks to drop them, and below zero :func:`_adjoint_input` crops instead."""
    return tuple((before, max(0, after - max(0, extra - s + 1)))
                 for s, (before, after), extra in zip(stride, padding, output_padding))


def _adjoint_input(grad, stride, padding, output_padding):
    """``grad`` without the trailing rows and columns that no window of the input reaches."""
    ends = [after - max(0, extra - s + 1)
            for s, (_, after), extra in zip(stride, padding, output_padding)]
    if all(end >= 0 for end in ends):
        return grad
    n = grad.ndim - 2
    return grad[(...,) + tuple(slice(0, size + min(end, 0))
                               for size, end in zip(grad.shape[2:], ends[-n:]))]


def convolution_rows(forward, input_grad, weight_grad):
    """Declare one family of convolution rows over its three kernels: the convolution, its two
    backward kernels, and the transposed convolution. Each derivative is another row of the
    family, so the wiring below is written once and every order of derivative follows; the 1-D
    and 2-D kernels here and the N-d kernels of :mod:`ember.ops.nn3d` both declare through it.

    ``forward(input, weight, bias, stride, padding, dilation, groups)``, ``input_grad(grad,
    weight, input_shape, ...)`` and ``weight_grad(grad, input, weight_shape, ...)`` work on
    arrays; padding is one (before, after) pair per spatial dim.
    """
    convolution = defop(
        "ConvolutionBackward0", inputs="input weight bias",
        forward=forward,
        input=lambda grad, weight, input_shape, stride, padding, dilation, groups:
        conv_input_grad.on(grad, weight, input_shape, stride, padding, dilation, groups),
        weight=lambda grad, input, weight_shape, stride, padding, dilation, groups:  # noqa: A002
        conv_weight_grad.on(grad, input, weight_shape, stride, padding, dilation, groups),
        bias=lambda grad, input: connected(_bias_grad(grad), input),  # noqa: A002
    )
    # The two backward kernels are bilinear; their derivatives are the other two kernels.
    conv_input_grad = defop(
        "ConvolutionBackwardBackward0", inputs="grad weight",
        forward=input_grad,
        grad=lambda gg, weight, stride, padding, dilation, groups: convolution.on(
            gg, weight, None, stride, padding, dilation, groups),
        weight=lambda gg, grad, weight_shape, stride, padding, dilation, groups:
        conv_weight_grad.on(grad, gg, weight_shape, stride, padding, dilation, groups),
    )
    conv_weight_grad = defop(
        "ConvolutionBackwardBackward1", inputs="grad input",
        forward=weight_grad,
        grad=lambda gg, input, stride, padding, dilation, groups: convolution.on(  # noqa: A002
            input, gg, None, stride, padding, dilation, groups),
        input=lambda gg, grad, input_shape, stride, padding, dilation, groups:
        conv_input_grad.on(grad, gg, input_shape, stride, padding, dilation, groups),
    )
    conv_transpose = defop(
        # PyTorch names this node ConvolutionBackward0 too: one convolution op, transposed or not.
        "ConvolutionBackward0", inputs="input weight bias",
        forward=_transposed(input_grad),
        input=lambda grad, weight, stride, padding, output_padding, dilation, groups:
        convolution.on(_adjoint_input(grad, stride, padding, output_padding), weight, None,
                       stride, _adjoint_padding(stride, padding, output_padding), dilation,
                       groups),
        weight=lambda grad, input, weight_shape, stride, padding, output_padding, dilation,  # noqa: A002
        groups: conv_weight_grad.on(
            input, _adjoint_input(grad, stride, padding, output_padding), weight_shape, stride,
            _adjoint_padding(stride, padding, output_padding), dilation, groups),
        bias=lambda grad, input: connected(_bias_grad(grad), input),  # noqa: A002
    )
    return convolution, conv_input_grad, conv_weight_grad, conv_transpose


convolution, conv_input_grad, conv_weight_grad, conv_transpose = convolution_rows(
    _conv_forward, _conv_input_grad, _conv_weight_grad)


# --- padding ------------------------------------------------------------------------------------
# ``pads`` is one (before, after) pair per dim, all dims listed; negative sizes crop.
def _constant_pad(self, pads, value):
    grow = tuple((max(a, 0), max(b, 0)) for a, b in pads)
    out = xp.pad(self, grow, constant_values=value) if any(a or b for a, b in grow) else self
    crop = tuple(slice(-min(a, 0), out.shape[d] + min(b, 0)) for d, (a, b) in enumerate(pads))
    return xp.ascontiguousarray(out[crop])


def _negated(pads):
    return tuple((-a, -b) for a, b in pads)


constant_pad = defop(
    "ConstantPadNdBackward0", forward=_constant_pad,
    # Padding's adjoint is the crop that undoes it (a pad by the negated sizes).
    self=lambda grad, pads: constant_pad.on(grad, _negated(pads), 0),
)


# --- pooling ------------------------------------------------------------------------------------
def _max_pool(self, kernel, stride, padding, dilation):
    """Window maxima and their flat positions; ``padding`` is ((top, bottom), (left, right))
    (the bottom/right may be larger: ceil_mode's extra windows).

    One pass per window position over strided views of the input (for MaxPool2d(2), four views
    of every other row and column), which avoids copying the windows out and an argmax along a
    short axis. PyTorch's rule for the index: a later element replaces the maximum when it is
    larger or NaN (so the first of equal maxima wins, and the last NaN); padding is never chosen.
    """
    n, c, h, w = self.shape
    (pt, pb), (pl, pr) = padding
    padded = bool(pt or pb or pl or pr)
    floating = self.dtype.kind == "f"
    x = self
    if padded:
        fill = -xp.inf if floating else xp.iinfo(self.dtype).min
        x = xp.pad(self, ((0, 0), (0, 0)) + tuple(padding), constant_values=fill)
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    oh, ow = _out_size(x.shape[2], kh, sh, dh), _out_size(x.shape[3], kw, sw, dw)
    views = [x[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
             for i in range(kh) for j in range(kw)]
    first = None
    if padded:  # where each window's first real element is (PyTorch's start)
        rows = [_first_inside(oh, sh, i, dh, pt, h) for i in range(kh)]
        columns = [_first_inside(ow, sw, j, dw, pl, w) for j in range(kw)]
        first = [r[:, None] & c for r in rows for c in columns]
    best, updates = _running_max(views, first, nan=False)
    if floating and xp.isnan(best).any():  # np.maximum propagates NaN: rare, so checked once
        best, updates = _running_max(views, first, nan=True)
    # The last update wins: the winner's position is the number of positions p >= 1 that are
    # updated at p or later.
    position = xp.zeros(best.shape, xp.uint8 if kh * kw < 256 else xp.int64)
    later = None
    for update in reversed(updates):
        later = update if later is None else xp.logical_or(later, update, out=later)
        position += later
    # PyTorch's indices: positions in each (unpadded) h * w plane.
    offsets = xp.array(_shifts(kernel, dilation, w), xp.int64)
    starts = (xp.arange(oh).reshape(-1, 1) * sh - pt) * w + xp.arange(ow) * sw - pl
    indices = offsets.take(position)
    indices += starts
    return best, indices


def _running_max(views, first, nan):
    """The maximum over ``views`` and, for each view after the first, where it replaced the
    maximum so far (larger, or NaN with ``nan``, or the window's ``first`` real element)."""
    best, updates = views[0].copy(), []
    for p, candidate in enumerate(views[1:], 1):
        update = candidate > best
        if nan:
            update |= xp.isnan(candidate)
        if first is not None:  # a real -inf still replaces the padding before it
            update |= first[p]
        xp.maximum(best, candidate, out=best)
        updates.append(update)
    return best, updates


def _first_inside(count, stride, k, dilation, pad, size):
    """For each of ``count`` windows along a dim: is its ``k``-th element the first one inside
    the unpadded input? (PyTorch starts each window's search there.)"""
    at = xp.arange(count) * stride + k * dilation - pad
    inside = (at >= 0) & (at < size)
    return inside & (at < dilation) if k else inside


def _scatter_planes(grad, indices, input_shape):
    """Add each grad value at its index of its (h * w) plane: the max-pool gradient.

    ``np.add.at`` adds in the gradient's dtype, in output order, as PyTorch does (and beats
    bincount, which adds in float64, on LeNet's pools).
    """
    n, c, h, w = input_shape
    planes = xp.arange(n * c).reshape(n, c, 1, 1) * (h * w)
    out = xp.zeros(n * c * h * w, dtype=grad.dtype)
    xp.add.at(out, (indices + planes).ravel(), grad.ravel())
    return out.reshape(input_shape)


def _gather_planes(self, indices):
    n, c = self.shape[:2]
    return xp.take_along_axis(self.reshape(n, c, -1), indices.reshape(n, c, -1),
                              axis=2).reshape(indices.shape)


max_pool2d = defop(
    "MaxPool2DWithIndicesBackward0", outputs=2,
    forward=_max_pool,
    self=lambda grad, self, result: connected(max_pool_scatter.on(
        grad[0], F.detached(result[1]), F.detached(self).shape), self),
)
max_pool_scatter = defop(
    "MaxPool2DWithIndicesBackwardBackward0", inputs="grad",
    forward=_scatter_planes,
    grad=lambda gg, indices: max_pool_gather.on(gg, indices),
)
max_pool_gather = defop(
    "MaxPoolGatherBackward0",
    forward=_gather_planes,
    self=lambda grad, indices, self_shape: max_pool_scatter.on(grad, indices, self_shape),
)


def avg_pool_divisor(sizes, outputs, kernel, stride, padding, count_include_pad):
    """Each output position's divisor, by PyTorch's rule: the window clipped to the padded
    input (count_include_pad) or to the input itself."""
    per_dim = []
    for size, out, k, s, p in zip(sizes, outputs, kernel, stride, padding):
        start = xp.arange(out) * s - p
        end = xp.minimum(start + k, size + p)
        per_dim.append(end - start if count_include_pad
                       else xp.minimum(end, size) - xp.maximum(start, 0))
    return xp.multiply.outer(*per_dim).astype(xp.float64)


def _avg_pool(self, kernel, stride, padding, divisor):
    """Window sums over the zero-padded input (``padding`` as ((top, bottom), (left, right))),
    divided by ``divisor``: one number per output position, as PyTorch counts it."""
    win = _windows(self, kernel, stride, padding, (1, 1))
    return (win.sum(axis=(4, 5), dtype=self.dtype) / divisor).astype(self.dtype, copy=False)


def _avg_pool_grad(grad, kernel, stride, padding, divisor, input_shape):
    # The adjoint of averaging: every window position receives grad / its window's divisor.
    n, c, h, w = input_shape
    (pt, pb), (pl, pr) = padding
    oh, ow = grad.shape[2:]
    padded = xp.zeros((n, c, h + pt + pb, w + pl + pr), dtype=grad.dtype)
    share = (grad / divisor).astype(grad.dtype, copy=False)
    for i in range(kernel[0]):
        rows = slice(i, i + stride[0] * (oh - 1) + 1, stride[0])
        for j in range(kernel[1]):
            padded[:, :, rows, j:j + stride[1] * (ow - 1) + 1:stride[1]] += share
    return xp.ascontiguousarray(padded[:, :, pt:pt + h, pl:pl + w])


avg_pool2d = defop(
    "AvgPool2DBackward0", forward=_avg_pool,
    self=lambda grad, kernel, stride, padding, divisor, self: connected(avg_pool_grad.on(
        grad, kernel, stride, padding, divisor, F.detached(self).shape), self),
)
avg_pool_grad = defop(
    "AvgPool2DBackwardBackward0", inputs="grad", forward=_avg_pool_grad,
    grad=lambda gg, kernel, stride, padding, divisor: avg_pool2d.on(
        gg, kernel, stride, padding, divisor),
)


def _adaptive_bounds(size, out):
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def _adaptive_avg_pool(self, output_size):
    h, w = self.shape[-2:]
    out = xp.empty(self.shape[:-2] + tuple(output_size), dtype=self.dtype)
    for i, (r0, r1) in enumerate(_adaptive_bounds(h, output_size[0])):
        for j, (c0, c1) in enumerate(_adaptive_bounds(w, output_size[1])):
            out[..., i, j] = self[..., r0:r1, c0:c1].mean(axis=(-2, -1))
    return out


def _adaptive_avg_pool_grad(grad, input_shape):
    h, w = input_shape[-2:]
    out = xp.zeros(input_shape, dtype=grad.dtype)
    oh, ow = grad.shape[-2:]
    for i, (r0, r1) in enumerate(_adaptive_bounds(h, oh)):
        for j, (c0, c1) in enumerate(_adaptive_bounds(w, ow)):
            out[..., r0:r1, c0:c1] += (grad[..., i, j] / ((r1 - r0) * (c1 - c0)))[..., None, None]
    return out


adaptive_avg_pool2d = defop(
    "AdaptiveAvgPool2DBackward0", forward=_adaptive_avg_pool,
    self=lambda grad, self: connected(adaptive_avg_pool_grad.on(
        grad, F.detached(self).shape), self),
)
adaptive_avg_pool_grad = defop(
    "AdaptiveAvgPool2DBackwardBackward0", inputs="grad", forward=_adaptive_avg_pool_grad,
    grad=lambda gg, grad_shape: adaptive_avg_pool2d.on(gg, grad_shape[-2:]),
)


# --- normalisation ------------------------------------------------------------------------------
# Batch norm (training) normalises over ``dims`` (all but the channel dim); layer norm over the
# trailing dims. The input-gradient formulas recompute mean and 1/std from the input with
# differentiable operations, so second derivatives follow (PyTorch supports them too).
def _shape_for_channels(ndim):
    return (1, -1) + (1,) * (ndim - 2)


def _normalise(x, dims, eps):
    mean = x.mean(axis=dims, keepdims=True)
    centered = x - mean
    var = (centered * centered).mean(axis=dims, keepdims=True)
    return centered / xp.sqrt(var + eps), mean, var


def _batch_norm(input, weight, bias, eps):  # noqa: A002
    dims = (0,) + tuple(range(2, input.ndim))
    out, mean, var = _normalise(input, dims, eps)
    shape = _shape_for_channels(input.ndim)
    if weight is not None:
        out *= weight.reshape(shape)
    if bias is not None:
        out += bias.reshape(shape)
    return out, mean.reshape(-1), var.reshape(-1)


def _mean_keep(x, dims, count):
    return sum_keep(x, dims) / count


def _normalised_tensor(x, dims, eps, count):
    """(x - mean) / sqrt(var + eps) and 1 / sqrt(var + eps), differentiable in ``x``."""
    centered = x - _mean_keep(x, dims, count)
    invstd = 1 / F.sqrt(_mean_keep(centered * centered, dims, count) + eps)
    return centered * invstd, invstd


def _norm_input_grad(grad, input, weight, dims, eps, shape):  # noqa: A002
    count = 1
    for d in dims:
        count *= F.detached(input).shape[d]
    xhat, invstd = _normalised_tensor(input, dims, eps, count)
    g = grad if weight is None else grad * weight.reshape(shape)
    return invstd * (g - _mean_keep(g, dims, count) - xhat * _mean_keep(g * xhat, dims, count))


def _batch_dims(ndim):
    return (0,) + tuple(range(2, ndim))


batch_norm = defop(
    "NativeBatchNormBackward0", inputs="input weight bias", outputs=3,
    forward=_batch_norm,
    input=lambda grad, input, weight, eps: _norm_input_grad(  # noqa: A002
        grad[0], input, weight, _batch_dims(input.ndim), eps, _shape_for_channels(input.ndim)),
    weight=lambda grad, input, eps: sum_dims(grad[0] * _normalised_tensor(  # noqa: A002
        input, _batch_dims(input.ndim), eps, _count(input, _batch_dims(input.ndim)))[0],
        _batch_dims(input.ndim)),
    bias=lambda grad, input: connected(  # noqa: A002
        sum_dims(grad[0], _batch_dims(grad[0].ndim)), input),
)


def _count(x, dims):
    count = 1
    for d in dims:
        count *= F.detached(x).shape[d]
    return count


def _batch_norm_eval(input, weight, bias, running_mean, running_var, eps):  # noqa: A002
    shape = _shape_for_channels(input.ndim)
    scale = 1 / xp.sqrt(running_var + eps)
    if weight is not None:
        scale = scale * weight
    out = (input - running_mean.reshape(shape)) * scale.reshape(shape)
    if bias is not None:
        out += bias.reshape(shape)
    return out.astype(input.dtype, copy=False)


def _eval_scale(running_var, eps, like):
    return constant((1 / np.sqrt(running_var + eps)).astype(F.detached(like).dtype), like)


batch_norm_eval = defop(
    "NativeBatchNormBackward0", inputs="input weight bias",
    forward=_batch_norm_eval,
    input=lambda grad, input, weight, running_var, eps: connected(  # noqa: A002
        grad * _eval_scale(running_var, eps, grad).reshape(_shape_for_channels(grad.ndim))
        * (1 if weight is None else weight.reshape(_shape_for_channels(grad.ndim))), input),
    weight=lambda grad, input, running_mean, running_var, eps: sum_dims(  # noqa: A002
        grad * (input - constant(running_mean, grad).reshape(_shape_for_channels(grad.ndim)))
        * _eval_scale(running_var, eps, grad).reshape(_shape_for_channels(grad.ndim)),
        _batch_dims(grad.ndim)),
    bias=lambda grad, input: connected(sum_dims(grad, _batch_dims(grad.ndim)), input),  # noqa: A002
)


def _layer_norm(input, weight, bias, normalized_ndim, eps):  # noqa: A002
    dims = tuple(range(input.ndim - normalized_ndim, input.ndim))
    out, _, _ = _normalise(input, dims, eps)
    if weight is not None:
        out *= weight
    if bias is not None:
        out += bias
    return out


def _trailing(ndim, k):
    return tuple(range(ndim - k, ndim))


def _leading(ndim, k):
    return tuple(range(ndim - k))


layer_norm = defop(
    "NativeLayerNormBackward0", inputs="input weight bias",
    forward=_layer_norm,
    input=lambda grad, input, weight, normalized_ndim, eps: _norm_input_grad(  # noqa: A002
        grad, input, weight, _trailing(grad.ndim, normalized_ndim), eps, weight_shape_of(weight)),
    weight=lambda grad, input, normalized_ndim, eps: sum_dims(  # noqa: A002
        grad * _normalised_tensor(input, _trailing(grad.ndim, normalized_ndim), eps,
                                  _count(input, _trailing(grad.ndim, normalized_ndim)))[0],
        _leading(grad.ndim, normalized_ndim)),
    bias=lambda grad, input, normalized_ndim: connected(  # noqa: A002
        sum_dims(grad, _leading(grad.ndim, normalized_ndim)), input),
)


def weight_shape_of(weight):
    return None if weight is None else tuple(weight.shape)


def _grouped(x, groups):
    """(N, C, *) viewed as (N, groups, C / groups * prod(*)): group norm's normalised axis."""
    return x.reshape((x.shape[0], groups, -1))


def _group_norm(input, weight, bias, groups, eps):  # noqa: A002
    out, _, _ = _normalise(_grouped(input, groups), (2,), eps)
    out = out.reshape(input.shape)
    shape = _shape_for_channels(input.ndim)
    if weight is not None:
        out *= weight.reshape(shape)
    if bias is not None:
        out += bias.reshape(shape)
    return out


def _group_norm_input_grad(grad, input, weight, groups, eps):  # noqa: A002
    g = grad if weight is None else grad * weight.reshape(_shape_for_channels(grad.ndim))
    grouped = _norm_input_grad(_grouped(g, groups), _grouped(input, groups), None, (2,), eps,
                               None)
    return grouped.reshape(tuple(F.detached(input).shape))


def _group_norm_weight_grad(grad, input, groups, eps):  # noqa: A002
    xhat = _normalised_tensor(_grouped(input, groups), (2,), eps,
                              _count(_grouped(F.detached(input), groups), (2,)))[0]
    return sum_dims(grad * xhat.reshape(tuple(F.detached(input).shape)),
                    _batch_dims(grad.ndim))


group_norm = defop(
    "NativeGroupNormBackward0", inputs="input weight bias",
    forward=_group_norm,
    input=_group_norm_input_grad,
    weight=_group_norm_weight_grad,
    bias=lambda grad, input: connected(sum_dims(grad, _batch_dims(grad.ndim)), input),  # noqa: A002
)


# --- embedding ----------------------------------------------------------------------------------
def _embedding_grad(grad, indices, num_weights, padding_idx):
    dim = grad.shape[-1]
    flat = indices.reshape(-1)
    out = xp.zeros((num_weights, dim), dtype=grad.dtype)
    xp.add.at(out, flat, grad.reshape(-1, dim))
    if padding_idx is not None:
        out[padding_idx] = 0
    return out


embedding = defop(
    "EmbeddingBackward0", inputs="weight",
    forward=lambda weight, indices, padding_idx: weight[indices],
    weight=lambda grad, weight, indices, padding_idx: connected(embedding_grad.on(
        grad, indices, F.detached(weight).shape[0], padding_idx), weight),
)
embedding_grad = defop(
    "EmbeddingDenseBackwardBackward0", inputs="grad",
    forward=_embedding_grad,
    grad=lambda gg, indices, padding_idx: _masked_embedding(gg, indices, padding_idx),
)


def _masked_embedding(gg, indices, padding_idx):
    out = embedding.on(gg, indices, padding_idx)
    if padding_idx is None:
        return out
    keep = (indices != padding_idx)[..., None].astype(F.detached(gg).dtype)
    return out * constant(keep, gg)
