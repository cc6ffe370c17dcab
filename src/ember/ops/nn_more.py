"""More rows for ember.nn: pixel and channel shuffles, im2col/col2im (unfold/fold), adaptive max
pooling, max unpooling, and the multi-class margin losses; PyTorch's node names.

The rearranging rows come in adjoint pairs whose formulas call each other with ``.on``
(pixel_shuffle and pixel_unshuffle, im2col and col2im, scatter and gather), so derivatives of
every order follow. PyTorch leaves the margin losses' second derivatives unimplemented: their
gradient is a ``NotImplemented`` node that raises when differentiated, as PyTorch's does.
"""

from __future__ import annotations

from ..backend import xp
from . import formula as F
from .loss import _count_of, _reduce, _spread
from .nn import connected
from .op import defop
from .pointwise import _not_implemented


# --- pixel and channel shuffles -----------------------------------------------------------------
def _pixel_shuffle(self, upscale_factor):
    # (*, C r r, H, W) -> (*, C, H r, W r): each channel's r x r block spreads over a pixel grid.
    r = upscale_factor
    *lead, channels, h, w = self.shape
    c = channels // (r * r)
    x = self.reshape(*lead, c, r, r, h, w)
    n = len(lead)
    order = tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2)
    return xp.ascontiguousarray(x.transpose(order)).reshape(*lead, c, h * r, w * r)


def _pixel_unshuffle(self, downscale_factor):
    r = downscale_factor
    *lead, c, height, width = self.shape
    h, w = height // r, width // r
    x = self.reshape(*lead, c, h, r, w, r)
    n = len(lead)
    order = tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3)
    return xp.ascontiguousarray(x.transpose(order)).reshape(*lead, c * r * r, h, w)


pixel_shuffle = defop(
    "PixelShuffleBackward0", forward=_pixel_shuffle,
    self=lambda grad, upscale_factor: pixel_unshuffle.on(grad, upscale_factor),
)
pixel_unshuffle = defop(
    "PixelUnshuffleBackward0", forward=_pixel_unshuffle,
    self=lambda grad, downscale_factor: pixel_shuffle.on(grad, downscale_factor),
)


def _channel_shuffle(self, groups):
    n, c = self.shape[:2]
    x = self.reshape(n, groups, c // groups, *self.shape[2:])
    return xp.ascontiguousarray(x.swapaxes(1, 2)).reshape(self.shape)


# Shuffling C = g * k channels with g groups is a transpose of a (g, k) grid; its inverse shuffles
# with k groups.
channel_shuffle = defop(
    "ChannelShuffleBackward0", forward=_channel_shuffle,
    self=lambda grad, groups, self_shape: channel_shuffle.on(grad, self_shape[1] // groups),
)


# --- im2col / col2im ----------------------------------------------------------------------------
# Both work on (N, C, H, W) images and (N, C * kh * kw, L) column blocks, or the same without N.
# ``kernel``, ``dilation``, ``padding`` and ``stride`` are pairs.
def blocks(size, kernel, dilation, padding, stride):
    """How many sliding blocks fit along each spatial dim."""
    return tuple((s + 2 * p - d * (k - 1) - 1) // st + 1
                 for s, k, d, p, st in zip(size, kernel, dilation, padding, stride))


def _block_slices(kernel, dilation, stride, counts):
    """For each kernel offset (i, j): the strided row and column slices it reads."""
    (kh, kw), (dh, dw), (sh, sw), (oh, ow) = kernel, dilation, stride, counts
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
        for j in range(kw):
            yield i, j, rows, slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)


def _im2col(self, kernel, dilation, padding, stride):
    batched = self.ndim == 4
    x = self if batched else self[None]
    n, c, h, w = x.shape
    (ph, pw) = padding
    if ph or pw:
        x = xp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    counts = blocks((h, w), kernel, dilation, padding, stride)
    out = xp.empty((n, c, kernel[0], kernel[1]) + counts, dtype=self.dtype)
    for i, j, rows, columns in _block_slices(kernel, dilation, stride, counts):
        out[:, :, i, j] = x[:, :, rows, columns]
    out = out.reshape(n, c * kernel[0] * kernel[1], counts[0] * counts[1])
    return out if batched else out[0]


def _col2im(self, output_size, kernel, dilation, padding, stride):
    # The adjoint of im2col: every column entry is added back where im2col read it.
    batched = self.ndim == 3
    x = self if batched else self[None]
    (h, w), (ph, pw) = output_size, padding
    counts = blocks((h, w), kernel, dilation, padding, stride)
    n = x.shape[0]
    c = x.shape[1] // (kernel[0] * kernel[1])
    x = x.reshape((n, c, kernel[0], kernel[1]) + counts)
    out = xp.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=self.dtype)
    for i, j, rows, columns in _block_slices(kernel, dilation, stride, counts):
        out[:, :, rows, columns] += x[:, :, i, j]
    out = xp.ascontiguousarray(out[:, :, ph:ph + h, pw:pw + w])
    return out if batched else out[0]


im2col = defop(
    "Im2ColBackward0", forward=_im2col,
    self=lambda grad, kernel, dilation, padding, stride, self_shape: col2im.on(
        grad, self_shape[-2:], kernel, dilation, padding, stride),
)
col2im = defop(
    "Col2ImBackward0", forward=_col2im,
    self=lambda grad, kernel, dilation, padding, stride: im2col.on(
        grad, kernel, dilation, padding, stride),
)


# --- adaptive max pooling and max unpooling -----------------------------------------------------
def adaptive_bounds(size, out):
    """PyTorch's adaptive windows: [floor(i * size / out), ceil((i + 1) * size / out))."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def _adaptive_max_pool(self, output_size):
    """Window maxima over (*, H, W) and their positions in each H * W plane. As in PyTorch, a
    later element wins when it is larger or NaN (the first of equal maxima, the last NaN)."""
    *lead, h, w = self.shape
    oh, ow = output_size
    values = xp.empty((*lead, oh, ow), dtype=self.dtype)
    indices = xp.empty((*lead, oh, ow), dtype=xp.int64)
    floating = self.dtype.kind == "f"
    for i, (r0, r1) in enumerate(adaptive_bounds(h, oh)):
        for j, (c0, c1) in enumerate(adaptive_bounds(w, ow)):
            window = self[..., r0:r1, c0:c1].reshape(*lead, -1)
            position = window.argmax(axis=-1)
            if floating:
                nan = xp.isnan(window)
                if nan.any():
                    last = nan.shape[-1] - 1 - nan[..., ::-1].argmax(axis=-1)
                    position = xp.where(nan.any(axis=-1), last, position)
            values[..., i, j] = xp.take_along_axis(window, position[..., None], axis=-1)[..., 0]
            width = c1 - c0
            indices[..., i, j] = (r0 + position // width) * w + c0 + position % width
    return values, indices


def _planes(x, count):
    """``x`` as rows of its last ``count`` dims flattened: (planes, plane size)."""
    lead = _count_of(x.shape[:x.ndim - count])
    return x.reshape(lead, -1)


def _scatter_add(grad, indices, input_shape):
    """Add each gradient value at its index of its (H * W) plane (repeated indices add up, in
    the gradient's dtype, as in PyTorch)."""
    rows = _planes(indices, 2)
    size = input_shape[-2] * input_shape[-1]
    out = xp.zeros(rows.shape[0] * size, dtype=grad.dtype)
    flat = rows + xp.arange(rows.shape[0])[:, None] * size
    xp.add.at(out, flat.ravel(), grad.ravel())
    return out.reshape(input_shape)


def _gather(self, indices):
    rows = _planes(indices, 2)
    return xp.take_along_axis(_planes(self, 2), rows, axis=1).reshape(indices.shape)


adaptive_max_pool2d = defop(
    "AdaptiveMaxPool2DBackward0", outputs=2, forward=_adaptive_max_pool,
    self=lambda grad, self, result: connected(adaptive_max_pool_scatter.on(
        grad[0], F.detached(result[1]), F.detached(self).shape), self),
)
# The gradient of a gather from each plane is a scatter-add into it, and the other way round.
adaptive_max_pool_scatter = defop(
    "AdaptiveMaxPool2DBackwardBackward0", inputs="grad", forward=_scatter_add,
    grad=lambda gg, indices: gather.on(gg, indices),
)
gather = defop(
    "GatherBackward0", forward=_gather,
    self=lambda grad, indices, self_shape: adaptive_max_pool_scatter.on(grad, indices, self_shape),
)


def _max_unpool(self, indices, output_size):
    size = output_size[0] * output_size[1]
    rows = _planes(indices, 2)
    out = xp.zeros((rows.shape[0], size), dtype=self.dtype)
    xp.put_along_axis(out, rows, _planes(self, 2), axis=1)
    return out.reshape(*self.shape[:-2], *output_size)


# PyTorch's gradient of max_unpool2d is a gather with no graph of its own (its grad_fn is None
# even with create_graph=True); ember's is the gather row, which differentiates back.
max_unpool2d = defop(
    "MaxUnpool2DBackward0", forward=_max_unpool,
    self=lambda grad, indices: gather.on(grad, indices),
)


# --- margin losses ------------------------------------------------------------------------------
# ``self`` is (N, C); ``target`` is an int64 array, ``weight`` a per-class array or None.
def _multi_margin_terms(self, target, weight, p, margin):
    """Each class's term max(0, margin - x[y] + x[j]) ** p (times weight[y]), the target's own
    term left out, and the hinge mask."""
    rows = xp.arange(self.shape[0])
    chosen = self[rows, target][:, None]
    hinge = margin - chosen + self
    active = hinge > 0
    active[rows, target] = False
    terms = xp.where(active, hinge if p == 1 else hinge * hinge, 0)
    if weight is not None:
        terms = terms * weight[target][:, None]
    return terms, active, hinge


def _multi_margin_loss(self, target, weight, p, margin, reduction):
    terms, _, _ = _multi_margin_terms(self, target, weight, p, margin)
    loss = (terms.sum(axis=1) / self.shape[1]).astype(self.dtype, copy=False)
    return _reduce(loss, reduction)


def _multi_margin_loss_backward(grad, self, target, weight, p, margin, reduction):
    _, active, hinge = _multi_margin_terms(self, target, weight, p, margin)
    slope = xp.where(active, 1.0 if p == 1 else 2 * hinge, 0).astype(self.dtype, copy=False)
    if weight is not None:
        slope = slope * weight[target][:, None]
    rows = xp.arange(self.shape[0])
    slope[rows, target] = -slope.sum(axis=1)
    g = _spread(grad, reduction, self.shape[0])
    g = g[:, None] if xp.ndim(g) else g
    return (slope * g / self.shape[1]).astype(self.dtype, copy=False)


multi_margin_loss_backward = defop(
    "NotImplemented", inputs="grad self", forward=_multi_margin_loss_backward,
    grad=_not_implemented("multi_margin_loss_backward"),
    self=_not_implemented("multi_margin_loss_backward"),
)
multi_margin_loss = defop(
    "MultiMarginLossBackward0", forward=_multi_margin_loss,
    self=lambda grad, self, target, weight, p, margin, reduction: multi_margin_loss_backward.on(
        grad, self, target, weight, p, margin, reduction),
)


def _label_masks(self, target):
    """Which classes are targets (those listed before the first -1 of each row), as a mask."""
    listed = xp.cumprod(target >= 0, axis=1).astype(bool)
    is_target = xp.zeros(self.shape, dtype=bool)
    rows = xp.broadcast_to(xp.arange(self.shape[0])[:, None], target.shape)
    is_target[rows[listed], target[listed]] = True
    return listed, is_target


def _label_hinges(self, target):
    """For each row, listed target j and non-target k: max(0, 1 - x[j] + x[k]) (summed per j,k)."""
    listed, is_target = _label_masks(self, target)
    picked = xp.take_along_axis(self, xp.where(listed, target, 0), axis=1)  # (N, C) x[j]
    hinge = 1 - picked[:, :, None] + self[:, None, :]  # [n, slot, k]
    active = (hinge > 0) & listed[:, :, None] & ~is_target[:, None, :]
    return hinge, active, listed


def _multilabel_margin_loss(self, target, reduction):
    hinge, active, _ = _label_hinges(self, target)
    loss = (xp.where(active, hinge, 0).sum(axis=(1, 2)) / self.shape[1])
    return _reduce(loss.astype(self.dtype, copy=False), reduction)


def _multilabel_margin_loss_backward(grad, self, target, reduction):
    hinge, active, listed = _label_hinges(self, target)
    active = active.astype(self.dtype)
    slope = active.sum(axis=1)  # +1 for each (j, k) pair that k is in
    per_slot = active.sum(axis=2)  # -1 for each pair whose target slot is j
    rows = xp.broadcast_to(xp.arange(self.shape[0])[:, None], target.shape)
    xp.add.at(slope, (rows[listed], target[listed]), -per_slot[listed])
    g = _spread(grad, reduction, self.shape[0])
    g = g[:, None] if xp.ndim(g) else g
    return (slope * g / self.shape[1]).astype(self.dtype, copy=False)


multilabel_margin_loss_backward = defop(
    "NotImplemented", inputs="grad self", forward=_multilabel_margin_loss_backward,
    grad=_not_implemented("multilabel_margin_loss_backward"),
    self=_not_implemented("multilabel_margin_loss_backward"),
)
multilabel_margin_loss = defop(
    "MultilabelMarginLossBackward0", forward=_multilabel_margin_loss,
    self=lambda grad, self, target, reduction: multilabel_margin_loss_backward.on(
        grad, self, target, reduction),
)
