"""Gradient clipping: by total norm and by value, in place."""

from __future__ import annotations

import math

from ... import Tensor, no_grad, stack, tensor


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scale gradients so their total norm is at most ``max_norm``; returns the total norm.

    >>> import ember
    >>> w = ember.ones(2, requires_grad=True); (w * 3).sum().backward()
    >>> ember.nn.utils.clip_grad_norm_([w], 1.0)
    tensor(4.2426)
    """
    grads = _grads(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not grads:
        return tensor(0.0)
    with no_grad():
        if norm_type == math.inf:
            norms = [g.detach().abs().max() if g.numel() else tensor(0.0, dtype=g.dtype)
                     for g in grads]
            total = norms[0] if len(norms) == 1 else stack(norms).max()
        else:
            norms = [(g.detach().abs() ** norm_type).sum() ** (1.0 / norm_type) for g in grads]
            total = (stack([n.to(norms[0].dtype) for n in norms]) ** norm_type).sum() \
                ** (1.0 / norm_type)
        value = total.item()
        if error_if_nonfinite and not math.isfinite(value):
            raise RuntimeError(
                f"The total norm of order {norm_type} for gradients from `parameters` is "
                "non-finite, so it cannot be clipped. To disable this error and scale the "
                "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
        coefficient = min(max_norm / (value + 1e-6), 1.0)
        for g in grads:
            g.mul_(coefficient)
    return total


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element to [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(-clip_value, clip_value)
