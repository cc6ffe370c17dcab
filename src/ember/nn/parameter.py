"""nn.Parameter: a Tensor that a Module registers as one of its parameters."""

from __future__ import annotations

from .._tensor import Tensor


class Parameter(Tensor):
    """A Tensor that a Module registers when assigned as an attribute; requires grad by default.

    >>> import ember
    >>> ember.nn.Parameter(ember.ones(2))
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    """

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from .. import empty

            data = empty(0)
        # Share the data's storage: a detached alias re-classed as a Parameter (same layout).
        param = data.detach()
        param.__class__ = cls
        param.requires_grad_(requires_grad)
        return param

    def __init__(self, data=None, requires_grad=True):
        pass  # everything happens in __new__ (Tensor.__init__ is the legacy constructor)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = Parameter(self.data.clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, protocol):
        return (Parameter, (self.data, self.requires_grad))


class Buffer(Tensor):
    """Marks a tensor to be registered as a buffer when assigned to a Module attribute."""

    __slots__ = ()

    def __new__(cls, data=None, *, persistent=True):
        from .. import empty

        buffer = (empty(0) if data is None else data).detach()
        buffer.__class__ = cls
        buffer.persistent = persistent
        return buffer

    def __init__(self, data=None, *, persistent=True):
        pass
