"""Custom differentiable ops: subclass ``Function`` with ``forward(ctx, ...)`` and
``backward(ctx, *grads)``, then call ``MyFunction.apply(...)``, as in PyTorch.
"""

from __future__ import annotations

from .._tensor import Tensor
from . import grad_mode
from .graph import FREED_MESSAGE, Node, _sequence, accumulator


class FunctionCtx:
    """The ``ctx`` object: saves tensors and flags between forward and backward."""

    def __init__(self):
        self._saved = ()
        self._saved_versions = ()
        self._freed = False
        self.needs_input_grad = ()
        self.materialize_grads = True
        self._non_differentiable = ()

    def save_for_backward(self, *tensors):
        self._saved = tensors
        self._saved_versions = tuple(t._version if isinstance(t, Tensor) else None
                                     for t in tensors)

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = tensors

    def mark_dirty(self, *tensors):
        pass

    def set_materialize_grads(self, value):
        self.materialize_grads = value

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        for t, version in zip(self._saved, self._saved_versions):
            if isinstance(t, Tensor) and t._version != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: [torch.{t.dtype._legacy} {list(t.shape)}] is at "
                    f"version {t._version}; expected version {version} instead.")
        return self._saved


class BackwardCFunction(Node):
    """The node of a custom Function; its class is named ``<Function>Backward``."""

    __slots__ = ("ctx", "function", "_output_meta")

    def apply(self, grads, create_graph):
        ctx = self.ctx
        if ctx._freed:
            raise RuntimeError(FREED_MESSAGE)
        wrapped = []
        for g, meta in zip(grads, self._output_meta):
            if g is None and meta is not None and ctx.materialize_grads:
                import numpy as np

                g = np.zeros(*meta)
            if g is not None and not isinstance(g, Tensor):
                g = Tensor._make(g)
            wrapped.append(g)
        with grad_mode.set_grad_enabled(create_graph):
            result = self.function.backward(ctx, *wrapped)
        if not isinstance(result, tuple):
            result = (result,)
        out = []
        for (child, _), g in zip(self.next_functions, result):
            if child is None or g is None:
                out.append(None)
            elif create_graph:
                out.append(g)
            else:
                out.append(g._data if isinstance(g, Tensor) else g)
        return out

    def release(self, freed_at=None):
        if self.ctx._saved:
            self.ctx._freed = True


class Function:
    """Base class for custom differentiable operations.

    >>> import ember
    >>> class Square(ember.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x * x
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         x, = ctx.saved_tensors
    ...         return 2 * x * grad
    >>> x = ember.tensor([3.], requires_grad=True)
    >>> Square.apply(x).backward()
    >>> x.grad
    tensor([6.])
    """

    _node_class = None

    @classmethod
    def _node_type(cls):
        if cls.__dict__.get("_node_class") is None:
            cls._node_class = type(cls.__name__ + "Backward", (BackwardCFunction,),
                                   {"__slots__": ()})
        return cls._node_class

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        with grad_mode.no_grad():
            outputs = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        requires = grad_mode.state.enabled and any(ctx.needs_input_grad)
        if requires:
            node = cls._node_type()()
            node.ctx = ctx
            node.function = cls
            edges = []
            for a in args:
                if isinstance(a, Tensor) and a._requires_grad:
                    edges.append((a.grad_fn, a._output_nr) if a.grad_fn is not None
                                 else (accumulator(a), 0))
                else:
                    edges.append((None, 0))
            node.next_functions = tuple(edges)
            node._sequence_nr = next(_sequence)  # stamped after its edges (Note [Engine order])
            # One entry per output, in output order (None for a non-tensor output), so that
            # gradient i belongs to output i.
            node._output_meta = tuple((o.shape, o._data.dtype) if isinstance(o, Tensor) else None
                                      for o in outs)
            if len(outs) > 1:
                node.num_outputs = len(outs)
            fresh = []
            for i, o in enumerate(outs):
                if isinstance(o, Tensor):
                    if any(o is a for a in args):
                        o = o.detach()  # an input returned as is becomes a new output tensor
                    if o.is_floating_point() and not any(o is n for n in ctx._non_differentiable):
                        o._requires_grad = True
                        o.grad_fn = node
                        o._output_nr = i
                fresh.append(o)
            outs = tuple(fresh)
        return outs[0] if single else outs

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode "
                                  "AD.")
