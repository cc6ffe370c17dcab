"""ember.autograd: backward(), grad(), grad modes, custom Functions and gradcheck."""

from __future__ import annotations

from .._tensor import Tensor
from ..backend import scalar_one
from .anomaly_mode import (
    detect_anomaly, graph_cut_explanation, is_anomaly_check_nan_enabled, is_anomaly_enabled,
    set_detect_anomaly,
)
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .graph import Node

__all__ = ["backward", "grad", "Function", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "is_grad_enabled", "gradcheck", "gradgradcheck", "Node",
           "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "functional"]


def _as_tuple(x):
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _seed_gradients(outputs, grad_outputs, create_graph, caller):
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have "
                               "a grad_fn" + graph_cut_explanation(out))
        if g is None:
            data = out._data
            if data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if data.dtype.kind != "f":
                raise RuntimeError("grad can be implicitly created only for real scalar outputs "
                                   f"but got {out.dtype}")
            seed = scalar_one(data.shape, data.dtype)
            seeds.append(Tensor._make(seed) if create_graph else seed)
            continue
        if not isinstance(g, Tensor):
            raise TypeError(f"{caller}: grad_tensors must be Tensors or None, got "
                            f"{type(g).__name__}")
        if g.shape != out.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                               f"output[{i}] has a shape of {out.shape}.")
        seeds.append(g if create_graph else g._data)
    return seeds


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None,
             grad_variables=None):
    """Compute the gradients of ``tensors`` and accumulate them into the leaves' ``.grad``.

    >>> import ember
    >>> x = ember.tensor([2.], requires_grad=True)
    >>> ember.autograd.backward([x * x])
    >>> x.grad
    tensor([4.])
    """

    tensors = (tensors,) if type(tensors) is Tensor else _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    if grad_tensors is None:
        grad_tensors = (None,) * len(tensors)
    else:
        grad_tensors = _as_tuple(grad_tensors) if not isinstance(grad_tensors, Tensor) else (
            grad_tensors,)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f"got {len(grad_tensors)} gradients but {len(tensors)} tensors")
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    seeds = _seed_gradients(tensors, grad_tensors, create_graph, "backward")
    run_backward(tensors, seeds, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Return the gradients of ``outputs`` with respect to ``inputs`` (``.grad`` is untouched).

    >>> import ember
    >>> x = ember.tensor([3.], requires_grad=True)
    >>> ember.autograd.grad(x ** 2, x)
    (tensor([6.]),)
    """

    outputs = _as_tuple(outputs)
    inputs_tuple = _as_tuple(inputs)
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    for x in inputs_tuple:
        if not x._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    seeds = _seed_gradients(outputs, grad_outputs, create_graph, "grad")
    results = run_backward(outputs, seeds, retain_graph, create_graph, inputs=inputs_tuple,
                           accumulate=False)
    final = []
    for x, g in zip(inputs_tuple, results):
        if g is None:
            if materialize_grads:
                from .. import zeros_like

                g = zeros_like(x)
            elif not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have been "
                                   "used in the graph. Set allow_unused=True if this is the "
                                   "desired behavior.")
        elif g.dtype is not x.dtype:
            g = g.to(x.dtype)
        final.append(g)
    return tuple(final)


from .engine import run_backward  # noqa: E402
from .function import Function  # noqa: E402
from .gradcheck import gradcheck, gradgradcheck  # noqa: E402
from .explain import explain, memory_report  # noqa: E402,F401
from . import functional  # noqa: E402,F401
