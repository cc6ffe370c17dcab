"""More layer functions for ember.nn.functional: fractional max pooling and the cross-map
response normalisation, and the in-place activations with PyTorch's ``*Backward1`` nodes.
``ember.nn.functional`` re-exports them.

>>> import ember
>>> import ember.nn.functional as F
>>> samples = ember.full((1, 1, 2), 0.5)
>>> F.fractional_max_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2, output_size=2,
...                         _random_samples=samples)
tensor([[[[ 5.,  7.],
          [13., 15.]]]])
"""

from __future__ import annotations

from .. import rand
from .._api.activation import _SELU_ALPHA, _SELU_SCALE
from ..ops import nn_extra2 as X2
from .functional import _pair
from .functional import celu as _celu
from .functional import elu as _elu
from .functional import leaky_relu as _leaky_relu
from .functional import selu as _selu

__all__ = [
    "fractional_max_pool2d", "fractional_max_pool2d_with_indices", "elu", "selu", "celu",
    "leaky_relu",
]



# --- in-place activations -----------------------------------------------------------------------
def _inplace(row, input, *args):  # noqa: A002
    """Write ``row(input, *args)`` into ``input``; the node reads only the result, so no copy of
    the old input is kept (PyTorch's ``EluBackward1``, ``LeakyReluBackward1``...)."""
    from .. import _api

    return _api.inplace_call(row, input, *args, snapshot=False)


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    """x if x > 0 else alpha * (exp(x) - 1); in place the node is ``EluBackward1``.

    >>> F.elu(ember.tensor([-1., 2.]))
    tensor([-0.6321,  2.0000])
    """
    if inplace and input.is_floating_point():
        return _inplace(X2.elu_inplace, input, float(alpha), 1.0, 1.0)
    return _elu(input, alpha, inplace)


def selu(input, inplace=False):  # noqa: A002
    """Scaled ELU with the self-normalising constants; in place the node is ``EluBackward1``."""
    if inplace and input.is_floating_point():
        return _inplace(X2.elu_inplace, input, _SELU_ALPHA, _SELU_SCALE, 1.0)
    return _selu(input, inplace)


def celu(input, alpha=1.0, inplace=False):  # noqa: A002
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)); in place the node is ``CeluBackward1``."""
    if inplace and input.is_floating_point() and alpha != 0:
        return _inplace(X2.celu_inplace, input, float(alpha))
    return _celu(input, alpha, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    """x if x > 0 else negative_slope * x; in place the node is ``LeakyReluBackward1``."""
    if inplace and input.is_floating_point():
        return _inplace(X2.leaky_relu_inplace, input, float(negative_slope))
    return _leaky_relu(input, negative_slope, inplace)


# --- fractional max pooling ---------------------------------------------------------------------
def _check_samples(samples, batch, channels):
    if samples.ndim != 3:
        raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {samples.ndim}")
    if samples.shape[0] < batch:
        raise RuntimeError("Expect _random_samples.size(0) no less than input batch size.")
    if samples.shape[1] != channels:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if samples.shape[2] != 2:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to 2; got {samples.shape[2]}.")


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None,  # noqa: A002
                                       output_ratio=None, return_indices=False,
                                       _random_samples=None):
    """Fractional max pooling (Graham, 2014): windows of ``kernel_size`` at pseudo-random
    starts that shrink (H, W) to ``output_size`` (or ``output_ratio`` times the input's); one
    random pair per sample and channel, drawn unless ``_random_samples`` (N, C, 2) is given.
    Returns the maxima and their flat (h * W + w) indices.

    >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
    >>> F.fractional_max_pool2d_with_indices(x, 3, output_size=1)[1]
    tensor([[[[15]]]])
    """
    if output_size is None and output_ratio is None:
        raise ValueError("fractional_max_pool2d requires specifying either an output_size or an "
                         "output_ratio")
    if output_size is None:
        if len(output_ratio) > 2:  # (a plain number fails here too, as in PyTorch)
            raise ValueError("fractional_max_pool2d requires output_ratio to either be a single "
                             "Int or tuple of Ints.")
        ratio = output_ratio
        output_size = [int(input.shape[-2] * ratio[0]), int(input.shape[-1] * ratio[1])]
    if _random_samples is None:
        batch = 1 if input.ndim == 3 else input.size(0)
        _random_samples = rand(batch, input.size(-3), 2, dtype=input.dtype)
    kernel = _pair(kernel_size, 2, "kernel_size")
    out_h, out_w = _pair(output_size, 2, "output_size")
    if input.ndim not in (3, 4) or any(s == 0 for s in input.shape[-3:]):
        raise RuntimeError("fractional_max_pool2d(): Expected 3D or 4D tensor, but got: "
                           f"{list(input.shape)}")
    if _random_samples.dtype is not input.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    batch = 1 if input.ndim == 3 else input.shape[0]
    _check_samples(_random_samples, batch, input.shape[-3])
    height, width = input.shape[-2:]
    if out_h + kernel[0] - 1 > height:
        raise RuntimeError(f"fractional_max_pool2d(): pool height {kernel[0]} too large relative "
                           f"to input height {height}")
    if out_w + kernel[1] - 1 > width:
        raise RuntimeError(f"fractional_max_pool2d(): pool width {kernel[1]} too large relative "
                           f"to input width {width}")
    samples = _random_samples.detach().numpy()
    return X2.fractional_max_pool2d(input, samples, kernel, (out_h, out_w))


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,  # noqa: A002
                          return_indices=False, _random_samples=None):
    """:func:`fractional_max_pool2d_with_indices`, with the indices only if ``return_indices``.

    >>> F.fractional_max_pool2d(ember.ones(1, 5, 5), 2, output_ratio=(0.5, 0.5)).shape
    torch.Size([1, 2, 2])
    """
    values, indices = fractional_max_pool2d_with_indices(
        input, kernel_size, output_size, output_ratio, return_indices, _random_samples)
    return (values, indices) if return_indices else values
