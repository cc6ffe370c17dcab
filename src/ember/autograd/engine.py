"""The backward engine: small, iterative and op-agnostic.

It counts dependencies, then runs nodes newest-first (a heap on sequence number, as PyTorch
does), summing the gradients that meet at a node before the node runs. It calls tensor hooks,
keeps ``retain_grad`` gradients, accumulates into leaves' ``.grad`` (or captures gradients for
``autograd.grad``) and frees saved buffers unless ``retain_graph``. It never names an op. See
Note [Engine order] in docs/notes.md.
"""

from __future__ import annotations

import heapq

from .._tensor import Tensor
from . import grad_mode
from .graph import AccumulateGrad


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
        return
    if old is None:
        # A fresh, writable array that nothing else shares (gradients passed through add or
        # expand can be shared or read-only views).
        variable._grad = Tensor._make(grad.astype(variable._data.dtype, copy=True))
    elif old._requires_grad:
        variable._grad = Tensor._make(old._data + grad)
    else:
        old._data += grad
        old._bump_version()


def _graph_nodes(roots):
    """Dependency counts (edges into each node) of every node reachable from ``roots``."""
    dependencies = dict.fromkeys(roots, 0)
    stack = list(dependencies)
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is not None:
                if child in dependencies:
                    dependencies[child] += 1
                else:
                    dependencies[child] = 1
                    stack.append(child)
    return dependencies


def _needed_nodes(seen, targets):
    """The nodes with a path to one of ``targets``: the only ones worth running."""
    parents = {}
    for node in seen:
        for child, _ in node.next_functions:
            if child is not None:
                parents.setdefault(child, []).append(node)
    needed = set(targets)
    stack = list(targets)
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in needed:
                needed.add(parent)
                stack.append(parent)
    return needed


def run_backward(outputs, grad_outputs, retain_graph, create_graph, inputs=None,
                 accumulate=True):
    """Backpropagate from ``outputs`` (tensors) seeded with ``grad_outputs`` (arrays/tensors).

    With ``accumulate`` the leaves' ``.grad`` fields are updated (``backward``); otherwise the
    gradients of ``inputs`` are returned in order (``autograd.grad``). ``inputs`` restricts the
    work to nodes on a path to them.
    """
    roots = []
    for tensor, grad in zip(outputs, grad_outputs):
        node = tensor.grad_fn
        if node is None:
            node = tensor._accumulator_node()
            output_nr = 0
        else:
            output_nr = tensor._output_nr
        roots.append((node, output_nr, grad))

    # Where gradients are captured (autograd.grad) or accumulated (backward with inputs=).
    captures = {}
    if inputs is not None:
        for position, tensor in enumerate(inputs):
            if tensor.grad_fn is None:
                key = (tensor._accumulator_node(), 0)
            else:
                key = (tensor.grad_fn, tensor._output_nr)
            captures.setdefault(key, []).append(position)
    captured = [None] * (len(inputs) if inputs is not None else 0)

    root_nodes = list(dict.fromkeys(node for node, _, _ in roots))
    dependencies = _graph_nodes(root_nodes)
    needed = None
    if inputs is not None:
        needed = _needed_nodes(dependencies, [node for node, _ in captures])
        dependencies = {}
        for node in needed:
            for child, _ in node.next_functions:
                if child is not None and child in needed:
                    dependencies[child] = dependencies.get(child, 0) + 1

    buffers = {}
    for node, output_nr, grad in roots:
        buffer = buffers.get(node)
        if buffer is None:
            buffer = buffers[node] = [None] * node.num_outputs
        old = buffer[output_nr]
        buffer[output_nr] = grad if old is None else old + grad

    ready = [(-node._sequence_nr, node) for node in root_nodes
             if dependencies.get(node, 0) == 0 and (needed is None or node in needed)]
    heapq.heapify(ready)

    previous_mode = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph
    try:
        while ready:
            _, node = heapq.heappop(ready)
            grads = buffers.pop(node)
            if node._tensor_hooks is not None or node._retained is not None:
                _run_tensor_hooks(node, grads, create_graph)
            if captures:
                for output_nr, grad in enumerate(grads):
                    for position in captures.get((node, output_nr), ()):
                        if not accumulate:
                            captured[position] = _capture(grad, node, create_graph)
                        elif type(node) is not AccumulateGrad and grad is not None:
                            _accumulate_retained(inputs[position], grad, create_graph)
            if type(node) is AccumulateGrad:
                if grads[0] is not None and accumulate:
                    _accumulate(node.variable, grads[0], create_graph)
                continue
            if needed is not None and not any(child in needed for child, _ in node.next_functions):
                continue
            input_grads = node.apply(grads, create_graph)
            if not retain_graph:
                node.release()
            for (child, output_nr), grad in zip(node.next_functions, input_grads):
                if child is None or (needed is not None and child not in needed):
                    continue
                buffer = buffers.get(child)
                if buffer is None:
                    buffer = buffers[child] = [None] * child.num_outputs
                if grad is not None:
                    old = buffer[output_nr]
                    buffer[output_nr] = grad if old is None else old + grad
                remaining = dependencies[child] - 1
                dependencies[child] = remaining
                if remaining == 0:
                    heapq.heappush(ready, (-child._sequence_nr, child))
    finally:
        grad_mode.state.enabled = previous_mode
    return captured


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
