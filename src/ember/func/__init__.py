"""ember.func: PyTorch's function transforms, built on ember's reverse-mode engine.

``grad``, ``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd`` and ``hessian`` turn a
function into one that returns derivatives; ``vmap`` maps a function over a batch dimension;
``functional_call`` runs a module with parameters given as a dict. They compose as in
torch.func (``vmap(grad(f))`` gives per-sample gradients). ember has no forward mode and no
batching rules: ``jvp`` and ``jacfwd`` are computed in reverse mode, and ``vmap`` calls the
function once per batch element; the values are PyTorch's.

>>> import ember
>>> from ember.func import grad, vmap
>>> vmap(grad(lambda x: (x ** 3).sum()))(ember.tensor([[1., 2.], [3., 4.]]))
tensor([[ 3., 12.],
        [27., 48.]])
>>> m = ember.nn.Linear(2, 1)
>>> ember.func.functional_call(m, {"weight": ember.ones(1, 2), "bias": ember.zeros(1)},
...                            (ember.tensor([[1., 2.]]),))
tensor([[3.]])
"""

from __future__ import annotations

from collections.abc import Sequence

from ._autodiff import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp
from ._vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd",
           "hessian", "vmap"]


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """Run ``module(*args, **kwargs)`` with the named tensors (one dict, or a sequence of dicts
    with distinct keys) in place of its parameters and buffers; the module is left as it was."""
    from ..nn.utils.stateless import _functional_call

    if isinstance(parameter_and_buffer_dicts, dict):
        values = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, Sequence):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be "
                             "dictionaries")
        counts = {}
        for d in parameter_and_buffer_dicts:
            for key in d:
                counts[key] = counts.get(key, 0) + 1
        repeated = [key for key, n in counts.items() if n > 1]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of "
                             "functional call is ambiguous")
        values = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of "
                         f"dicts, but got {type(parameter_and_buffer_dicts)}")
    return _functional_call(module, values, args, kwargs, tie_weights=tie_weights,
                            strict=strict)
