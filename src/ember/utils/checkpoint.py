"""Activation checkpointing: run a piece of the forward without keeping its intermediate
values, and run it again during backward to get its gradients."""

from __future__ import annotations

import warnings

import ember

from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.function import Function

__all__ = ["checkpoint", "checkpoint_sequential"]

_REENTRANT_WARNING = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting "
    "in PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
    "use_reentrant=False is recommended, but if you need to preserve the current default "
    "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
    "differences between the two variants.")


class CheckpointFunction(Function):
    """Runs ``function`` without recording; backward replays it (with the random state it
    first saw) and backpropagates through the replay. Its node is
    ``CheckpointFunctionBackward``, as in PyTorch."""

    @staticmethod
    def forward(ctx, function, preserve_rng_state, kwargs, *args):
        ctx.function = function
        ctx.kwargs = kwargs
        ctx.rng_state = ember.get_rng_state() if preserve_rng_state else None
        ctx.inputs = args
        outputs = function(*args, **kwargs)
        return outputs

    @staticmethod
    def backward(ctx, *grads):
        inputs = [a.detach().requires_grad_(a.requires_grad) if isinstance(a, Tensor) else a
                  for a in ctx.inputs]
        state = ember.get_rng_state() if ctx.rng_state is not None else None
        if state is not None:
            ember.set_rng_state(ctx.rng_state)
        try:
            with grad_mode.enable_grad():
                outputs = ctx.function(*inputs, **ctx.kwargs)
        finally:
            if state is not None:
                ember.set_rng_state(state)
        outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
        pairs = [(o, g) for o, g in zip(outputs, grads)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not "
                               "necessary")
        ember.autograd.backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None, None) + tuple(
            a.grad if isinstance(a, Tensor) else None for a in inputs)


def checkpoint(function, *args, use_reentrant=None, context_fn=None, determinism_check="default",
               debug=False, preserve_rng_state=True, **kwargs):
    """Compute ``function(*args, **kwargs)`` without keeping its intermediate values; backward
    runs it again. Gradients equal those of the plain call, dropout included (the random state
    is replayed).

    >>> import ember
    >>> from ember.utils.checkpoint import checkpoint
    >>> x = ember.tensor([1., 2.], requires_grad=True)
    >>> checkpoint(lambda t: (t * t).sum(), x, use_reentrant=False).backward()
    >>> x.grad
    tensor([2., 4.])
    """
    if use_reentrant is None:
        warnings.warn(_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        if grad_mode.is_grad_enabled() and not any(
                isinstance(a, Tensor) and a.requires_grad for a in args):
            warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                          stacklevel=2)
        return CheckpointFunction.apply(function, preserve_rng_state, {}, *args)
    # ember's non-reentrant form replays through the same node, with one more input that
    # requires grad so a node is made even when no argument needs one (parameters inside
    # ``function`` still get their gradients).
    anchor = ember.zeros((), requires_grad=True)
    return CheckpointFunction.apply(_Anchored(function), preserve_rng_state, kwargs, anchor,
                                    *args)


class _Anchored:
    """``function`` with a leading argument it ignores (the non-reentrant form's anchor)."""

    def __init__(self, function):
        self.function = function

    def __call__(self, anchor, *args, **kwargs):
        return self.function(*args, **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):  # noqa: A002
    """Run a Sequential (or list of modules) in ``segments`` checkpointed pieces; the last
    segment runs normally, as in PyTorch.

    >>> import ember
    >>> from ember.utils.checkpoint import checkpoint_sequential
    >>> net = ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.ReLU())
    >>> checkpoint_sequential(net, 2, ember.ones(1, 2), use_reentrant=False).shape
    torch.Size([1, 2])
    """
    if use_reentrant is None:
        warnings.warn(_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if isinstance(functions, ember.nn.Sequential):
        functions = list(functions.children())
    functions = list(functions)

    def run(start, end):
        def forward(x):
            for index in range(start, end + 1):
                x = functions[index](x)
            return x
        return forward

    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant,  # noqa: A001
                           preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)
