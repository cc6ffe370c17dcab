"""The public function layer: PyTorch's signatures over the op table.

Each family module (pointwise, reduction, linalg, shape, ...) parses arguments, checks them
(raising PyTorch's errors) and calls rows of ember.ops. ``@public()`` registers a function as
``ember.<name>`` and as ``Tensor.<name>``; ``inplace=True`` also makes ``Tensor.<name>_``,
which runs the function and writes its result into the tensor (see ember.ops.inplace).
"""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd.grad_mode import state as _grad_state
from ..ops.inplace import inplace as _run_inplace
from ..ops.inplace import note_write

FUNCTIONS: dict = {}  # name -> function exported as ember.<name>
METHODS: dict = {}  # name -> function bound as Tensor.<name>


def public(*aliases, method=True, function=True, inplace=False, snapshot=True, writer=None):
    """Register a public function under its name and ``aliases``.

    ``snapshot=False`` says the function's formulas never read the input's old value, so its
    in-place form needs no copy of it. ``writer(array, *args, **kwargs)``, if given, computes
    the in-place form straight into the tensor's array when no graph is being recorded (an
    optimizer step) and returns False for arguments it does not handle (Note [Hot path]).
    """

    def register(fn):
        for name in (fn.__name__,) + aliases:
            if function:
                FUNCTIONS[name] = fn
            if method:
                METHODS[name] = fn
            if inplace:
                METHODS[name + "_"] = _inplace_method(fn, name + "_", snapshot, writer)
        return fn

    return register


def tensor_arg(x, name, fn):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position 1) must be Tensor, not "
                        f"{type(x).__name__}")
    return x


class _Call:
    """Adapts a public function call to the form ``ember.ops.inplace.inplace`` expects."""

    __slots__ = ("fn", "args", "kwargs", "num_inputs", "saves_self")

    @property
    def name(self):
        return self.fn.__name__ + "_"

    def __init__(self, fn, args, kwargs, saves_self):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.num_inputs = 1
        self.saves_self = saves_self

    def __call__(self, target):
        return self.fn(target, *self.args, **self.kwargs)


def _inplace_method(fn, name, snapshot, writer=None):
    def method(self, *args, **kwargs):
        # No graph to record (grad mode off, as in an optimizer step, or nothing requires grad):
        # the writer computes straight into the array.
        if writer is not None and (not _grad_state.enabled or not _tracked(self, args)) \
                and self._data.flags.writeable and writer(self._data, *args, **kwargs):
            note_write(self, name)
            return self
        return _run_inplace(_Call(fn, args, kwargs, snapshot), self)

    method.__name__ = name
    method.__doc__ = f"In-place form of :meth:`Tensor.{name[:-1]}`."
    return method


def _tracked(target, args):
    """Whether an in-place op on ``target`` with ``args`` must be recorded in the graph."""
    if not _grad_state.enabled:
        return False
    if target._requires_grad:
        return True
    for a in args:
        if isinstance(a, Tensor) and a._requires_grad:
            return True
    return False


def inplace_call(fn, target, *args, snapshot=True):
    """Run ``fn(target, *args)`` and write the result into ``target``."""
    return _run_inplace(_Call(fn, args, {}, snapshot), target)


def bind():
    """Attach every registered method to Tensor."""
    for name, fn in METHODS.items():
        setattr(Tensor, name, fn)


from . import activation, extra, indexing, linalg, pointwise, random, reduction, shape, tensor_methods  # noqa: E402,F401,E501

bind()
