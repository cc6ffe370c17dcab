"""Helpers shared by the distributions: broadcasting parameters, probs <-> logits, lazy
properties and summing the rightmost dims."""

from __future__ import annotations

import numbers

import ember

# Machine constants PyTorch reads from ``torch.finfo``: (eps, tiny) per floating dtype.
_FINFO = {
    ember.float16: (0.0009765625, 6.103515625e-05),
    ember.float32: (1.1920928955078125e-07, 1.1754943508222875e-38),
    ember.float64: (2.220446049250313e-16, 2.2250738585072014e-308),
}


def eps(dtype):
    return _FINFO[dtype][0]


def tiny(dtype):
    return _FINFO[dtype][1]


def broadcast_all(*values):
    """Tensors of one shape from tensors and numbers; numbers take the tensors' dtype (or the
    default dtype when every value is a number)."""
    tensors = [v for v in values if isinstance(v, ember.Tensor)]
    for v in values:
        if not isinstance(v, (ember.Tensor, numbers.Number)):
            raise ValueError("Input arguments must all be instances of numbers.Number, "
                             "torch.Tensor or objects implementing __torch_function__.")
    if not tensors:
        dtype = ember.get_default_dtype()
        return tuple(ember.tensor(float(v), dtype=dtype) for v in values)
    dtype = tensors[0].dtype
    converted = [v if isinstance(v, ember.Tensor) else ember.tensor(float(v), dtype=dtype)
                 for v in values]
    return tuple(ember.broadcast_tensors(*converted))


def standard_normal(shape, dtype):
    return ember.empty(shape, dtype=dtype).normal_()


def sum_rightmost(value, dim):
    """Sum the last ``dim`` dims of ``value``."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:value.dim() - dim]) + (-1,)).sum(-1)


def clamp_probs(probs):
    """Probabilities kept inside (0, 1) by one machine epsilon."""
    e = eps(probs.dtype)
    return probs.clamp(min=e, max=1 - e)


def logits_to_probs(logits, is_binary=False):
    if is_binary:
        return ember.sigmoid(logits)
    return ember.softmax(logits, dim=-1)


def probs_to_logits(probs, is_binary=False):
    clamped = clamp_probs(probs)
    if is_binary:
        return ember.log(clamped) - ember.log1p(-clamped)
    return ember.log(clamped)


def bce_with_logits(logits, target):
    """Elementwise binary cross entropy with logits: softplus(x) - x * target. softplus is
    overflow-safe and smooth, so first and second derivatives are exact at x = 0 too (the
    max(x, 0) + log1p(exp(-|x|)) form loses both there)."""
    return ember.softplus(logits) - logits * target


def clamp_by_zero(x):
    """``max(x, 0)`` whose gradient at 0 is 1/2, as PyTorch's Binomial uses."""
    return (x.clamp(min=0) + x - x.clamp(max=0)) / 2


def one_hot(indices, num_classes, dtype):
    """One-hot vectors along a new last dim."""
    classes = ember.arange(num_classes)
    return (indices.unsqueeze(-1) == classes).to(dtype)


class lazy_property:
    """Computed on first access and stored on the instance (so ``repr`` and ``expand`` see it
    only once it exists); computed with gradients on, as PyTorch does."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with ember.enable_grad():
            value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value


class BinaryProbs:
    """``probs`` and ``logits`` of a binary event, each made from the other on first use: the
    distribution's constructor sets one of them (and ``_param`` to it)."""

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        return self._param.size()
