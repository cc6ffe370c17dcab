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
    _pre_hooks = None  # {handle id: hook(grad_outputs)} from register_prehook
    _post_hooks = None  # {handle id: hook(grad_inputs, grad_outputs)} from register_hook
    # True once any of the four above is set: the engine reads only this on every node.
    _watched = False

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
        self._watched = True

    def _retain(self, output_nr, tensor):
        if self._retained is None:
            self._retained = {}
        self._retained[output_nr] = weakref.ref(tensor)
        self._watched = True

    def register_hook(self, fn):
        """Call ``fn(grad_inputs, grad_outputs)`` after this node computed the gradients of its
        inputs; a returned tuple replaces ``grad_inputs``. Returns a handle with ``remove()``.

        >>> import ember
        >>> x = ember.tensor([1., 2.], requires_grad=True)
        >>> y = x * 3
        >>> handle = y.grad_fn.register_hook(lambda gi, go: print(gi[0]))
        >>> y.sum().backward()
        tensor([3., 3.])
        """
        if self._post_hooks is None:
            self._post_hooks = {}
        self._watched = True
        handle = NodeHookHandle(self._post_hooks)
        self._post_hooks[handle.id] = fn
        return handle

    def register_prehook(self, fn):
        """Call ``fn(grad_outputs)`` before this node runs; a returned tuple replaces
        ``grad_outputs``. Returns a handle with ``remove()``.

        >>> import ember
        >>> x = ember.tensor([1., 2.], requires_grad=True)
        >>> y = x * 3
        >>> handle = y.grad_fn.register_prehook(lambda go: (go[0] * 0,))
        >>> y.sum().backward()
        >>> x.grad
        tensor([0., 0.])
        """
        if self._pre_hooks is None:
            self._pre_hooks = {}
        self._watched = True
        handle = NodeHookHandle(self._pre_hooks)
        self._pre_hooks[handle.id] = fn
        return handle

    def metadata(self):
        return {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def __call__(self, *grads):
        return self.apply(list(grads), False)


class NodeHookHandle:
    """Returned by ``Node.register_hook``/``register_prehook``: ``remove()`` unregisters it."""

    _ids = itertools.count()

    def __init__(self, hooks):
        self.hooks_dict_ref = hooks
        self.id = next(NodeHookHandle._ids)

    def remove(self):
        self.hooks_dict_ref.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


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


# Saved-tensor hooks. The recorders (ember.ops.codegen) read this list once per saved tensor;
# it is mutated in place, never rebound, so the generated code can hold it. Innermost wins.
saved_tensors_hooks_stack: list = []
_hooks_disabled_message = None


class saved_tensors_hooks:
    """Within this context, ``pack_hook(tensor)`` runs whenever an op saves a tensor for
    backward and what it returns is kept instead; ``unpack_hook(packed)`` runs when backward (or
    ``grad_fn._saved_<name>``) needs the tensor back and must return a tensor equal to it.

    >>> import ember
    >>> x = ember.tensor([1., 2.], requires_grad=True)
    >>> with ember.autograd.graph.saved_tensors_hooks(lambda t: t * 1, lambda t: t):
    ...     y = x * x
    >>> y.sum().backward()
    >>> x.grad
    tensor([2., 4.])
    """

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _hooks_disabled_message is not None:
            raise RuntimeError(_hooks_disabled_message)
        saved_tensors_hooks_stack.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        saved_tensors_hooks_stack.pop()


class save_on_cpu(saved_tensors_hooks):
    """Keep tensors saved for backward on the CPU and bring them back to their device when
    backward needs them. ember's tensors already live on the CPU, so this keeps a copy (as
    PyTorch does for CPU tensors: later in-place changes do not reach the saved value).

    >>> import ember
    >>> x = ember.tensor([3.], requires_grad=True)
    >>> with ember.autograd.graph.save_on_cpu():
    ...     y = x * x
    >>> y.backward()
    >>> x.grad
    tensor([6.])
    """

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack(tensor):
            return tensor.device, tensor.detach().cpu().clone()

        def unpack(packed):
            device, tensor = packed
            return tensor.to(device)

        super().__init__(pack, unpack)


class disable_saved_tensors_hooks:
    """Within this context, entering :class:`saved_tensors_hooks` raises
    ``RuntimeError(error_message)``.

    >>> import ember
    >>> with ember.autograd.graph.disable_saved_tensors_hooks("not here"):
    ...     pass
    """

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        global _hooks_disabled_message
        self.previous = _hooks_disabled_message
        _hooks_disabled_message = self.error_message
        return self

    def __exit__(self, *exc):
        global _hooks_disabled_message
        _hooks_disabled_message = self.previous
