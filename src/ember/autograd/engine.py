"""The backward engine: small, iterative and op-agnostic.

Every node is stamped with a creation number after its edges exist, so a node is always newer
than the nodes it feeds; running the reachable nodes newest-first therefore runs each node after
every gradient bound for it has arrived, and the gradients that meet at a node are summed before
it runs. It calls tensor hooks,
keeps ``retain_grad`` gradients, accumulates into leaves' ``.grad`` (or captures gradients for
``autograd.grad``) and frees saved buffers unless ``retain_graph``. It never names an op. See
Note [Engine order] in docs/notes.md.
"""

from __future__ import annotations

import operator

from .._tensor import Tensor
from ..backend import xp
from . import grad_mode
from .anomaly_mode import check_backward, user_site
from .anomaly_mode import state as anomaly
from .graph import AccumulateGrad, accumulator


def _wrap(grad):
    return grad if type(grad) is Tensor else Tensor._make(grad)


def _unwrap(value, create_graph):
    if create_graph:
        return value
    return value._data if isinstance(value, Tensor) else value


def _run_hooks(hooks, grad, create_graph):
    for hook in hooks:
        out = hook(_wrap(grad))
        if out is not None:
            grad = _unwrap(out, create_graph)
    return grad


def _accumulate(variable, grad, create_graph):
    """Add ``grad`` into ``variable.grad`` with PyTorch's rules."""
    if variable._hooks:
        grad = _run_hooks(variable._hooks, grad, create_graph)
    old = variable._grad
    if create_graph:
        grad = grad if grad.dtype is variable.dtype else grad.to(variable.dtype)
        variable._grad = grad if old is None else old + grad
    elif old is None:
        # A fresh, writable array that nothing else shares (gradients passed through add or
        # expand can be shared or read-only views), laid out like the variable, as PyTorch's
        # gradient layout contract asks: a Linear weight's gradient arrives transposed, and an
        # optimizer's passes over a transposed gradient run several times slower.
        fresh = xp.empty_like(variable._data)
        fresh[...] = grad
        variable._grad = Tensor._make(fresh)
    elif old._requires_grad:
        variable._grad = Tensor._make(old._data + grad)
    else:
        old._data += grad  # in place, as PyTorch does outside create_graph
        counter = old._vc
        if counter is None:
            old._vc = [1]
        else:
            counter[0] += 1
    if variable._post_accumulate_grad_hooks is not None:  # (a class-level None by default)
        for hook in tuple(variable._post_accumulate_grad_hooks):
            hook(variable)


def _graph_nodes(roots):
    """Every node reachable from ``roots``, newest first: an order in which each node comes
    after all the nodes that feed it gradients (Note [Engine order])."""
    seen = set(roots)
    stack = list(seen)
    while stack:
        node = stack.pop()
        for child, _ in node.next_functions:
            if child is not None and child not in seen:
                if child._sequence_nr > node._sequence_nr:
                    raise RuntimeError(f"ember internal error: {node.name()} is older than its "
                                       f"input {child.name()}; stamp nodes after their edges")
                seen.add(child)
                stack.append(child)
    return sorted(seen, key=_sequence_nr, reverse=True)  # (creation numbers are unique)


_sequence_nr = operator.attrgetter("_sequence_nr")


def _needed_nodes(nodes, targets):
    """The nodes with a path to one of ``targets`` (the only ones worth running), and those of
    them that lead to a target only through themselves (nothing to pass on: not applied)."""
    needed = set(targets)
    passes_on = set()
    for node in reversed(nodes):  # oldest first, so every child is decided before its parents
        for child, _ in node.next_functions:
            if child in needed:
                needed.add(node)
                passes_on.add(node)
                break
    return needed, needed - passes_on


def run_backward(outputs, grad_outputs, retain_graph, create_graph, inputs=None,
                 accumulate=True):
    """Backpropagate from ``outputs`` (tensors) seeded with ``grad_outputs`` (arrays/tensors).

    With ``accumulate`` the leaves' ``.grad`` fields are updated (``backward``); otherwise the
    gradients of ``inputs`` are returned in order (``autograd.grad``). ``inputs`` restricts the
    work to nodes on a path to them.
    """
    buffers = {}
    for tensor, grad in zip(outputs, grad_outputs):
        node = tensor.grad_fn
        if node is None:
            node, output_nr = accumulator(tensor), 0
        else:
            output_nr = tensor._output_nr
        buffer = buffers.get(node)
        if buffer is None:
            buffer = buffers[node] = [None] * node.num_outputs
        old = buffer[output_nr]
        buffer[output_nr] = grad if old is None else old + grad
    nodes = _graph_nodes(list(buffers))

    # Where gradients are captured (autograd.grad) or accumulated (backward with inputs=).
    captures = {}  # node -> [(output_nr, position in inputs)]
    final = ()
    captured = []
    if inputs is not None:
        for position, tensor in enumerate(inputs):
            if tensor.grad_fn is None:
                node, output_nr = accumulator(tensor), 0
            else:
                node, output_nr = tensor.grad_fn, tensor._output_nr
            captures.setdefault(node, []).append((output_nr, position))
        needed, final = _needed_nodes(nodes, list(captures))
        nodes = [node for node in nodes if node in needed]
        captured = [None] * len(inputs)

    # The line of this backward(), named if the graph is used again (the frame above is
    # Tensor.backward or autograd.backward/grad: ember's own).
    freed_at = None if retain_graph else user_site(1)
    previous_mode = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph
    try:
        for node in nodes:
            grads = buffers.pop(node, None)
            if grads is None:
                continue  # no gradient reached this node
            watched = node._watched  # (a class-level False: one read on the common path)
            if watched:
                grads = _run_pre_hooks(node, grads, create_graph)
            if captures and node in captures:
                for output_nr, position in captures[node]:
                    grad = grads[output_nr]
                    if not accumulate:
                        captured[position] = _capture(grad, node, create_graph)
                    elif type(node) is not AccumulateGrad and grad is not None:
                        _accumulate_retained(inputs[position], grad, create_graph)
            if type(node) is AccumulateGrad:
                if accumulate and grads[0] is not None:
                    _accumulate(node.variable, grads[0], create_graph)
                continue
            if node in final:
                continue  # a captured node that leads nowhere else
            input_grads = node.apply(grads, create_graph)
            if watched and node._post_hooks:
                input_grads = _run_post_hooks(node, input_grads, grads, create_graph)
            if anomaly.enabled:
                check_backward(node, input_grads)
            if not retain_graph:
                node.release(freed_at)
            for (child, output_nr), grad in zip(node.next_functions, input_grads):
                if child is None or grad is None:
                    continue
                buffer = buffers.get(child)
                if buffer is None:
                    buffer = buffers[child] = [None] * child.num_outputs
                old = buffer[output_nr]
                buffer[output_nr] = grad if old is None else old + grad
    finally:
        grad_mode.state.enabled = previous_mode
    return captured


def _as_tensors(grads):
    return tuple(None if grad is None else _wrap(grad) for grad in grads)


def _replace(hook, given, old, create_graph):
    """A node hook's returned gradients, checked against the ones it was given."""
    if not isinstance(given, (tuple, list)):
        raise TypeError(f"Expected a tuple of Tensors or None from hook "
                        f"'{getattr(hook, '__name__', hook)}', got {type(given).__name__}")
    if len(given) != len(old):
        raise RuntimeError(f"hook '{getattr(hook, '__name__', hook)}' has returned an incorrect "
                           f"number of values (got {len(given)}, but expected {len(old)})")
    return [None if g is None else _unwrap(g, create_graph) for g in given]


def _run_pre_hooks(node, grads, create_graph):
    """Tensor hooks and retain_grad first, then the node's own pre-hooks (PyTorch's order)."""
    if node._tensor_hooks is not None or node._retained is not None:
        _run_tensor_hooks(node, grads, create_graph)
    if node._pre_hooks:
        for hook in tuple(node._pre_hooks.values()):
            given = hook(_as_tensors(grads))
            if given is not None:
                grads = _replace(hook, given, grads, create_graph)
    return grads


def _run_post_hooks(node, input_grads, grads, create_graph):
    grad_outputs = _as_tensors(grads)
    for hook in tuple(node._post_hooks.values()):
        given = hook(_as_tensors(input_grads), grad_outputs)
        if given is not None:
            input_grads = _replace(hook, given, input_grads, create_graph)
    return input_grads


def _run_tensor_hooks(node, grads, create_graph):
    hooks = node._tensor_hooks or {}
    for output_nr, grad in enumerate(grads):
        if grad is None:
            continue
        if output_nr in hooks:
            grad = grads[output_nr] = _run_hooks(hooks[output_nr], grad, create_graph)
        retained = node._retained.get(output_nr) if node._retained else None
        tensor = retained() if retained is not None else None
        if tensor is not None and tensor.grad_fn is node:
            _accumulate_retained(tensor, grad, create_graph)


def _accumulate_retained(tensor, grad, create_graph):
    old = tensor._grad
    if create_graph:
        tensor._grad = grad if old is None else old + grad
    else:
        tensor._grad = Tensor._make(grad.copy()) if old is None else Tensor._make(old._data + grad)


def _capture(grad, node, create_graph):
    if grad is None:
        return None
    if type(node) is AccumulateGrad and node.variable._hooks:
        grad = _run_hooks(node.variable._hooks, grad, create_graph)
    if create_graph:
        return grad
    return Tensor._make(grad if type(grad) is not Tensor else grad._data)
