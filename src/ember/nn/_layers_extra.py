"""Still more layer functions for ember.nn.functional: bags of embeddings, the CTC loss, in-place
and randomised activations, alpha dropout, local response normalisation and power-average
pooling, with PyTorch's signatures and errors. ``ember.nn.functional`` re-exports them.

>>> import ember
>>> import ember.nn.functional as F
>>> F.embedding_bag(ember.tensor([0, 1, 1]), ember.eye(2), ember.tensor([0, 1]))
tensor([[1., 0.],
        [0., 1.]])
"""

from __future__ import annotations

import math

import numpy as np

from .. import Tensor, empty_like, rand, tensor, where, zeros, zeros_like
from ..ops import nn_extra as X
from ..ops import nn_extra2 as X2
from . import _layers_extra2 as _extra2
from .functional import _pair, _renorm_rows, avg_pool1d, avg_pool2d, hardtanh, relu, softmax

__all__ = [
    "embedding_bag", "ctc_loss", "relu_", "elu_", "leaky_relu_", "hardtanh_", "selu_", "celu_",
    "rrelu", "rrelu_", "gumbel_softmax", "alpha_dropout", "feature_alpha_dropout",
    "local_response_norm", "lp_pool1d", "lp_pool2d",
]

_MODES = {"sum": X.SUM, "mean": X.MEAN, "max": X.MAX}


# --- embedding_bag ------------------------------------------------------------------------------
def _bag_layout(input, offsets, include_last_offset):  # noqa: A002
    """The flat indices, each position's bag and the number of bags."""
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is "
                             "a mini-batch of fixed length sequences. However, found offsets of "
                             f"type {type(offsets)}")
        count, length = input.shape
        return (input.numpy().reshape(-1), np.repeat(np.arange(count), length), count)
    if input.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.ndim}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.ndim != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    starts = offsets.numpy().astype(np.int64)
    if starts.size and starts[0] != 0:
        raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch "
                           f"has to start from position 0. However, got {starts[0]}")
    if include_last_offset:
        starts = starts[:-1]
    indices = input.numpy().astype(np.int64)
    bags = np.searchsorted(starts, np.arange(indices.size), side="right") - 1
    return indices, bags, starts.size


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,  # noqa: A002
                  scale_grad_by_freq=False, mode="mean", sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """Sum, mean or max of the embedding rows in each bag, without building the per-index rows.

    Bags are the rows of a 2-D ``input``, or the runs of a 1-D ``input`` that start at each of
    ``offsets``. Entries equal to ``padding_idx`` are left out (and not counted by the mean); an
    empty bag gives zeros.

    >>> F.embedding_bag(ember.tensor([[0, 1]]), ember.eye(2), mode="sum")
    tensor([[1., 1.]])
    """
    if mode not in _MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if input.is_floating_point():
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           "following scalar types: Long, Int; but got "
                           f"torch.{input.dtype._legacy} instead (while checking arguments for "
                           "embedding_bag)")
    if per_sample_weights is not None:
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape})"
                             f" is not None, then it must have the same shape as the input "
                             f"({input.shape})")
        if mode != "sum":
            raise NotImplementedError("embedding_bag: per_sample_weights was not None. "
                                      "per_sample_weights is only supported for mode='sum' "
                                      f"(got mode='{mode}'). Please open a feature request on "
                                      "GitHub.")
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding_bag(scale_grad_by_freq=True or sparse=True) is not "
                                  "in ember yet")
    indices, bags, num_bags = _bag_layout(input, offsets, include_last_offset)
    num = weight.shape[0]
    bad = np.flatnonzero((indices < 0) | (indices >= num))
    if bad.size:
        raise RuntimeError(f"Index {bad[0]} of input takes value {indices[bad[0]]} which is not "
                           f"in the valid range [0, {num})")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += num
    if max_norm is not None:
        _renorm_rows(weight, indices, max_norm, norm_type)
    keep = np.ones(indices.shape, dtype=bool) if padding_idx is None else indices != padding_idx
    scale = keep.astype(weight.dtype.np)
    if mode == "mean":
        counts = np.bincount(bags[keep], minlength=num_bags)
        scale = scale / np.maximum(counts, 1)[bags]
    samples = None if per_sample_weights is None else per_sample_weights.reshape(-1)
    return X.embedding_bag(weight, samples, indices, bags, num_bags, _MODES[mode],
                           scale.astype(weight.dtype.np), keep)


# --- CTC loss -----------------------------------------------------------------------------------
def _lengths(value):
    return np.asarray(value.numpy() if isinstance(value, Tensor) else value,
                      dtype=np.int64).reshape(-1)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0,
             reduction="mean", zero_infinity=False):
    """Connectionist temporal classification: -log of the total probability of every alignment
    of each target to its input frames (with blanks and repeats), from (T, N, C) log-probabilities
    (or (T, C) for one sample). ``targets`` is (N, S) padded, or all targets concatenated.

    "mean" divides each loss by its target length, then averages over the batch;
    ``zero_infinity`` replaces the infinite losses of impossible alignments (and their gradients)
    by zero.

    >>> lp = ember.full((3, 1, 2), 0.5).log()
    >>> F.ctc_loss(lp, ember.tensor([[1]]), [3], [1], reduction="sum")
    tensor(0.9808)
    """
    from .functional import _reduction

    _reduction(reduction)
    unbatched = log_probs.ndim == 2
    x = log_probs.unsqueeze(1) if unbatched else log_probs
    steps, batch, classes = x.shape
    inputs, lengths = _lengths(input_lengths), _lengths(target_lengths)
    if blank < 0 or blank >= classes:
        raise RuntimeError("blank must be in label range")
    if inputs.size != batch:
        raise RuntimeError("input_lengths must be of size batch_size")
    if lengths.size != batch:
        raise RuntimeError("target_lengths must be of size batch_size")
    labels = targets.numpy().astype(np.int64)
    if unbatched:
        labels = labels.reshape(1, -1)
    if labels.ndim == 1:  # concatenated targets: pad them into (N, S)
        padded = np.zeros((batch, max(int(lengths.max(initial=0)), 1)), dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        for n, (start, length) in enumerate(zip(starts, lengths)):
            padded[n, :length] = labels[start:start + length]
        labels = padded
    for n in range(batch):
        if lengths[n] > labels.shape[1]:
            raise RuntimeError(f"Expected tensor to have size at least {lengths[n]} at dimension "
                               f"1, but got size {labels.shape[1]} for argument #2 'targets' "
                               "(while checking arguments for ctc_loss_allocate_outputs)")
        if inputs[n] > steps:
            raise RuntimeError(f"Expected input_lengths to have value at most {steps}, but got "
                               f"value {inputs[n]} (while checking arguments for "
                               "ctc_loss_allocate_outputs)")
    labels = labels[:, :max(int(lengths.max(initial=0)), 1)]
    labels = np.where(np.arange(labels.shape[1]) < lengths[:, None], labels, blank)
    loss = X.ctc_loss(x, labels, inputs, lengths, blank, zero_infinity)
    if zero_infinity:
        loss = where(loss == math.inf, zeros((), dtype=loss.dtype), loss)
    if reduction == "mean":
        divisor = tensor(np.maximum(lengths, 1)).to(loss.dtype)
        return (loss / divisor).mean()
    if reduction == "sum":
        return loss.sum()
    return loss.squeeze(0) if unbatched else loss


# --- activations --------------------------------------------------------------------------------
# PyTorch names the nodes of in-place elu, selu, celu, leaky_relu and rrelu ``*Backward1``
# (their derivatives read the result): those come from the in-place rows of ops.nn_extra2.
def relu_(input):  # noqa: A002
    """In-place :func:`relu`. >>> F.relu_(ember.tensor([-1., 2.]))"""
    return relu(input, inplace=True)


def elu_(input, alpha=1.0):  # noqa: A002
    """In-place :func:`elu`."""
    return _extra2.elu(input, alpha, inplace=True)


def leaky_relu_(input, negative_slope=0.01):  # noqa: A002
    """In-place :func:`leaky_relu`."""
    return _extra2.leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input, min_val=-1.0, max_val=1.0):  # noqa: A002
    """In-place :func:`hardtanh`."""
    return hardtanh(input, min_val, max_val, inplace=True)


def selu_(input):  # noqa: A002
    """In-place :func:`selu`."""
    return _extra2.selu(input, inplace=True)


def celu_(input, alpha=1.0):  # noqa: A002
    """In-place :func:`celu`."""
    return _extra2.celu(input, alpha, inplace=True)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):  # noqa: A002
    """Randomised leaky ReLU: while training each negative element gets its own slope drawn
    uniformly from [lower, upper]; otherwise the mean slope (lower + upper) / 2.

    >>> F.rrelu(ember.tensor([-1., 2.]), 0.2, 0.4)
    tensor([-0.3000,  2.0000])
    """
    if training:
        slopes = rand(*input.shape, dtype=input.dtype) * (upper - lower) + lower
    else:
        slopes = (lower + upper) / 2  # (still PyTorch's noise node, with the mean slope)
    noise = where(input > 0, 1.0, slopes).detach().numpy()
    if inplace:
        from .. import _api

        return _api.inplace_call(X2.rrelu_with_noise_inplace, input, noise, snapshot=False)
    return X.rrelu_with_noise(input, noise)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):  # noqa: A002
    """In-place :func:`rrelu`."""
    return rrelu(input, lower, upper, training, inplace=True)


def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    """A sample from the Gumbel-softmax distribution: softmax((logits + g) / tau) with g
    standard Gumbel noise. ``hard`` returns one-hot vectors whose gradient is the soft sample's
    (the straight-through estimator).

    >>> F.gumbel_softmax(ember.zeros(2, 3), hard=True).sum(-1)
    tensor([1., 1.])
    """
    gumbels = -empty_like(logits).exponential_().log()
    soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return soft
    index = soft.max(dim, keepdim=True)[1]
    one_hot = zeros_like(logits).scatter_(dim, index, 1.0)
    return one_hot - soft.detach() + soft


# --- alpha dropout ------------------------------------------------------------------------------
_SELU_ALPHA = 1.7580993408473766  # -scale * alpha of SELU: where a dropped unit is sent


def _alpha_dropout(input, p, training, inplace, feature):  # noqa: A002
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0 or input.numel() == 0:
        return input
    if feature and input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    if p == 1:
        zero = zeros((), dtype=input.dtype)
        return input.mul_(zero) if inplace else input * zero
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2) if feature else tuple(input.shape)
    keep = (rand(*shape, dtype=input.dtype) >= p).to(input.dtype)
    # Dropped units go to SELU's negative saturation; a and b restore zero mean, unit variance.
    a = 1.0 / math.sqrt((_SELU_ALPHA ** 2 * p + 1) * (1 - p))
    b = (keep - 1) * (_SELU_ALPHA * a) + _SELU_ALPHA * a * p
    keep = keep * a
    return input.mul_(keep).add_(b) if inplace else input * keep + b


def alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """Dropout that keeps SELU activations at zero mean and unit variance.

    >>> F.alpha_dropout(ember.ones(3), 0.5) is not None
    True
    """
    return _alpha_dropout(input, p, training, inplace, False)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """:func:`alpha_dropout` of whole channels (dim 1)."""
    return _alpha_dropout(input, p, training, inplace, True)


# --- local response normalisation and power-average pooling --------------------------------------
def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):  # noqa: A002
    """``x / (k + alpha * mean of x ** 2 over a window of size neighbouring channels) ** beta``.

    >>> F.local_response_norm(ember.ones(1, 3, 2), 2, alpha=1.0).shape
    torch.Size([1, 3, 2])
    """
    if input.ndim < 3:
        # (PyTorch's message has this run of spaces)
        raise ValueError("Expected 3D or higher dimensionality                          input "
                         f"(got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    batch, channels = input.shape[:2]
    # The squares as a one-channel (N, 1, C, L) image; the channel window is a (size, 1) pool,
    # zero-padded size // 2 before and (size - 1) // 2 after.
    squares = (input * input).reshape(batch, 1, channels, -1)
    from .functional import pad

    squares = pad(squares, (0, 0, size // 2, (size - 1) // 2))
    average = avg_pool2d(squares, (size, 1), stride=1).reshape(input.shape)
    return input / (average * alpha + k) ** beta


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """``(sum of x ** p over each window) ** (1 / p)``.

    >>> F.lp_pool2d(ember.ones(1, 1, 2, 2), 2, 2)
    tensor([[[[2.]]]])
    """
    kh, kw = _pair(kernel_size, 2, "kernel_size")
    pooled = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (pooled.sign() * relu(pooled.abs())).mul(kh * kw).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """``(sum of x ** p over each window of the last dim) ** (1 / p)``."""
    pooled = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (pooled.sign() * relu(pooled.abs())).mul(kernel_size).pow(1.0 / norm_type)

