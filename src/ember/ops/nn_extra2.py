"""Rows for the in-place activations (PyTorch's ``*Backward1`` nodes, whose derivatives read
the result), fractional max pooling and the cross-map response normalisation.
"""

from __future__ import annotations

from ..backend import xp
from . import formula as F
from .activation import _celu, _elu, _leaky_relu, constant, step
from .nn import _scatter_planes, connected, max_pool_gather
from .op import defop


# --- in-place activations -----------------------------------------------------------------------
# The input is overwritten, so these derivatives are written in terms of the result: where the
# result is <= 0 (the input was), d elu = input_scale * (result + alpha * scale). A negative
# alpha or slope would make the sign of the result lie about the input's: PyTorch refuses then.
_NEGATIVE_ELU = ("In-place elu backward calculation is triggered with a negative slope which is "
                 "not supported. This is caused by calling in-place forward function with a "
                 "negative slope, please call out-of-place version instead.")
_NEGATIVE_LEAKY = ("In-place leakyReLu backward calculation is triggered with a negative slope "
                   "which is not supported. This is caused by calling in-place forward function "
                   "with a negative slope, please call out-of-place version instead. File an "
                   "issue at https://github.com/pytorch/pytorch if you do require supporting "
                   "in-place leakRelu backward calculation with negative slope")


def _positive(result):
    """1 where the result is positive, as a zero-derivative factor of ``result``."""
    return step.on(result, F.detached(result) > 0)


def _elu_from_result(grad, result, alpha, scale, input_scale):
    if alpha < 0:
        raise RuntimeError(_NEGATIVE_ELU)
    positive = _positive(result)
    # (result * [result < 0] rather than result * [result <= 0]: equal values, but at a zero
    # result PyTorch's second derivative is 0)
    negative = step.on(result, F.detached(result) < 0)
    return grad * (positive * scale + (1 - positive) * (input_scale * alpha * scale)
                   + negative * result * input_scale)


def _leaky_relu_from_result(grad, result, negative_slope):
    if negative_slope < 0:
        raise RuntimeError(_NEGATIVE_LEAKY)
    return grad * step.on(result, xp.where(F.detached(result) > 0, 1.0, negative_slope))


elu_inplace = defop("EluBackward1", forward=_elu, self=_elu_from_result)
celu_inplace = defop(
    "CeluBackward1", forward=_celu,
    self=lambda grad, result, alpha: _elu_from_result(grad, result, alpha, 1.0, 1.0 / alpha),
)
leaky_relu_inplace = defop("LeakyReluBackward1", forward=_leaky_relu,
                           self=_leaky_relu_from_result)
# ``noise`` holds each element's slope (1 where the input was positive).
rrelu_with_noise_inplace = defop(
    "RreluWithNoiseBackward1", forward=lambda self, noise: self * noise.astype(self.dtype),
    self=lambda grad, result, noise: connected(
        grad * constant(noise.astype(F.detached(grad).dtype), grad), result),
)


# --- fractional max pooling ---------------------------------------------------------------------
def _intervals(sample, size, out, kernel, dtype):
    """Each output position's window start along one dim, from one random sample in [0, 1):
    the windows advance by alpha = (size - kernel) / (out - 1) on average (PyTorch's sequence,
    computed in the input's dtype); the last window ends at the input's end."""
    starts = xp.empty(out, dtype=xp.int64)
    if out > 1:
        alpha = dtype.type(size - kernel) / dtype.type(out - 1)
        sample = dtype.type(sample)
        steps = (xp.arange(out - 1).astype(dtype) + sample) * alpha
        starts[:-1] = steps.astype(xp.int64) - xp.int64(sample * alpha)
    if out > 0:
        starts[-1] = size - kernel
    return starts


def _fractional_max_pool2d(self, samples, kernel_size, output_size):
    """(N, C, H, W) or (C, H, W) -> values and flat (h * W + w) indices of each window's
    maximum; a NaN wins, and the first of equal maxima (row by row) is taken."""
    if self.ndim == 3:
        values, indices = _fractional_max_pool2d(self[None], samples, kernel_size, output_size)
        return values[0], indices[0]
    n, c, h, w = self.shape
    kh, kw = kernel_size
    oh, ow = output_size
    values = xp.empty((n, c, oh, ow), dtype=self.dtype)
    indices = xp.empty((n, c, oh, ow), dtype=xp.int64)
    for b in range(n):
        for ch in range(c):
            # sample 0 places the columns, sample 1 the rows
            cols = _intervals(samples[b, ch, 0], w, ow, kw, self.dtype)
            rows = _intervals(samples[b, ch, 1], h, oh, kh, self.dtype)
            r = rows[:, None, None, None] + xp.arange(kh)[None, None, :, None]
            q = cols[None, :, None, None] + xp.arange(kw)[None, None, None, :]
            window = self[b, ch][r, q].reshape(oh, ow, kh * kw)
            flat = xp.broadcast_to(r * w + q, (oh, ow, kh, kw)).reshape(oh, ow, kh * kw)
            nan = xp.isnan(window)
            last_nan = kh * kw - 1 - nan[..., ::-1].argmax(-1)  # (PyTorch keeps the last NaN)
            best = xp.where(nan.any(-1), last_nan, window.argmax(-1))
            values[b, ch] = xp.take_along_axis(window, best[..., None], -1)[..., 0]
            indices[b, ch] = xp.take_along_axis(flat, best[..., None], -1)[..., 0]
    return values, indices


fractional_max_pool2d = defop(
    "FractionalMaxPool2DBackward0", outputs=2, forward=_fractional_max_pool2d,
    self=lambda grad, self, result: connected(fractional_max_pool2d_scatter.on(
        grad[0], F.detached(result[1]), F.detached(self).shape), self),
)
def _scatter_any(grad, indices, input_shape):
    if len(input_shape) == 3:
        return _scatter_planes(grad[None], indices[None], (1,) + tuple(input_shape))[0]
    return _scatter_planes(grad, indices, input_shape)


def _gather_any(gg, indices):
    if indices.ndim == 3:
        return max_pool_gather.on(gg[None], indices[None])[0]
    return max_pool_gather.on(gg, indices)


fractional_max_pool2d_scatter = defop(
    "FractionalMaxPool2DBackwardBackward0", inputs="grad", forward=_scatter_any,
    grad=lambda gg, indices: _gather_any(gg, indices),
)


# --- cross-map local response normalisation ------------------------------------------------------
# PyTorch's legacy CrossMapLRN2d: its running window sum over channels and its backward (which
# assumes a symmetric window) are reproduced as they are, so forward and gradient match its own
# even where the backward is not the derivative of the forward (``size`` even, or a window that
# never drops channel 0).
def _cross_map_scale(self, size, alpha, k):
    channels = self.shape[1]
    squares = self * self
    pre_pad = int((size - 1) / 2 + 1)
    scale = xp.empty_like(self)
    scale[:, 0] = squares[:, :min(pre_pad, channels)].sum(axis=1)
    for c in range(1, channels):
        scale[:, c] = scale[:, c - 1]
        if c < channels - pre_pad + 1:
            scale[:, c] += squares[:, c + pre_pad - 1]
        if c > pre_pad:
            scale[:, c] -= squares[:, c - pre_pad]
    return scale * self.dtype.type(alpha / size) + self.dtype.type(k)


def _cross_map_lrn2d(self, size, alpha, beta, k):
    return (self * _cross_map_scale(self, size, alpha, k) ** -beta).astype(self.dtype)


_NO_DOUBLE_BACKWARD = ("mul(): functions with out=... arguments don't support automatic "
                       "differentiation, but one of the arguments requires grad.")


def _cross_map_lrn2d_grad(grad, self, result, size, alpha, beta, k):
    if F.is_tensor(grad):  # create_graph: PyTorch's backward is not differentiable
        raise RuntimeError(_NO_DOUBLE_BACKWARD)
    channels = self.shape[1]
    scale = _cross_map_scale(self, size, alpha, k)
    out = scale ** -beta * grad
    inverse_pre_pad = int(size - (size - 1) / 2)
    padded = xp.zeros((self.shape[0], channels + size - 1) + self.shape[2:], dtype=self.dtype)
    if inverse_pre_pad + channels > padded.shape[1]:  # size 1: PyTorch's narrow fails
        raise RuntimeError(f"start ({inverse_pre_pad}) + length ({channels}) exceeds dimension "
                           f"size ({padded.shape[1]}).")
    padded[:, inverse_pre_pad:inverse_pre_pad + channels] = grad * result / scale
    accumulated = padded[:, :size - 1].sum(axis=1)
    factor = self.dtype.type(2 * alpha * beta / size)
    for c in range(channels):
        accumulated = accumulated + padded[:, c + size - 1]
        out[:, c] -= self[:, c] * accumulated * factor
        accumulated = accumulated - padded[:, c]
    return out.astype(self.dtype)


cross_map_lrn2d = defop("CrossMapLRN2dBackward", forward=_cross_map_lrn2d,
                        self=_cross_map_lrn2d_grad)
