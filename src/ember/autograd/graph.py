"""Graph nodes: what a non-leaf tensor's ``grad_fn`` is.

A :class:`Node` knows the edges to the nodes of its inputs (``next_functions``, as PyTorch shows
them) and how to turn the gradients of its outputs into gradients of its inputs (``apply``).
Nodes never hold the tensors they produced, so tensors and nodes form no reference cycles; see
Note [Saved values] in docs/notes.md.
"""

from __future__ import annotations

import itertools
import weakref

_sequence = itertools.count()

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling "
    "backward."
)


class Node:
    """Base of every graph node. Subclasses are named as PyTorch names them (``MulBackward0``).

    ``next_functions`` is a tuple of ``(node, output_nr)`` edges, one per input, with
    ``(None, 0)`` for inputs that need no gradient. ``apply(grads, create_graph)`` takes one
    gradient per output and returns one per input (``None`` where none is needed). With
    ``create_graph`` the gradients are Tensors and the node records its own work; otherwise they
    are backend arrays.
    """

    # Rarely set fields are class-level defaults (an instance stores its own in __dict__ only
    # when a hook is registered), so making a node costs two stores.
    __slots__ = ("next_functions", "_sequence_nr", "__dict__", "__weakref__")
    num_outputs = 1
    _tensor_hooks = None  # {output_nr: [hook, ...]} from Tensor.register_hook
    _retained = None  # {output_nr: weakref to the tensor} from Tensor.retain_grad

    def __init__(self):
        self._sequence_nr = next(_sequence)

    def name(self) -> str:
        return type(self).__name__

    def apply(self, grads, create_graph):
        raise NotImplementedError

    def release(self, freed_at=None) -> None:
        """Free saved buffers (called by the engine unless ``retain_graph``); ``freed_at`` is
        the user's line of that backward(), for the error a later use raises."""

    def _add_tensor_hook(self, output_nr, hook):
        if self._tensor_hooks is None:
            self._tensor_hooks = {}
        self._tensor_hooks.setdefault(output_nr, []).append(hook)

    def _retain(self, output_nr, tensor):
        if self._retained is None:
            self._retained = {}
        self._retained[output_nr] = weakref.ref(tensor)

    def metadata(self):
        return {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def __call__(self, *grads):
        return self.apply(list(grads), False)


class AccumulateGrad(Node):
    """The node of a leaf that requires grad: adds incoming gradients into ``variable.grad``."""

    __slots__ = ("variable",)

    next_functions = ()  # a leaf's node has no inputs

    def __init__(self, variable):
        # (Node.__init__ written in: leaves get a new node for every graph, so this runs once
        # per parameter per training step)
        self._sequence_nr = next(_sequence)
        self.variable = variable

    def apply(self, grads, create_graph):
        # The engine calls accumulate() itself; this exists for completeness.
        return ()


def accumulator(tensor) -> AccumulateGrad:
    """The leaf's AccumulateGrad node, made once and then shared while anything holds it.

    The tensor keeps only a weak reference, so leaf and node form no cycle (PyTorch does the same).
    """
    ref = tensor._accumulator
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(tensor)
        tensor._accumulator = weakref.ref(node)
    return node
