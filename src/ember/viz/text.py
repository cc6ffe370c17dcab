"""``print_graph``: the graph behind an output as an indented text tree, for terminals and tests."""

from __future__ import annotations

from .._tensor import Tensor
from ._read import dtype_text, is_leaf_node, leaf_name, shape_text, walk


def format_graph(*outputs, params=None):
    """The text that :func:`print_graph` prints.

    >>> import ember
    >>> w = ember.tensor(1., requires_grad=True); x = ember.tensor(2., requires_grad=True)
    >>> print(format_graph((w + x) * (w + 1), params={"w": w, "x": x}))
    MulBackward0
    ├─ AddBackward0
    │  ├─ w: AccumulateGrad [] float32  (#1)
    │  └─ x: AccumulateGrad [] float32
    └─ AddBackward0
       └─ w  (#1, see above)
    """
    names = {id(t): name for name, t in (params or {}).items()}
    lines = []
    for tensor in outputs:
        if not isinstance(tensor, Tensor):
            raise TypeError(f"print_graph(): outputs must be Tensors, got {type(tensor).__name__}")
    roots = [t.grad_fn for t in outputs if t.grad_fn is not None]
    _, parents = walk(roots)
    shared = {}  # node -> its number, once shown
    for tensor in outputs:
        if tensor.grad_fn is None:
            state = ("requires_grad=True" if tensor.requires_grad
                     else "no grad_fn: not part of a graph")
            lines.append(f"{names.get(id(tensor), 'tensor')} {shape_text(tensor.shape)} "
                         f"{dtype_text(tensor._data)} (a leaf, {state})")
            continue
        _tree(tensor.grad_fn, tensor._output_nr, names, parents, shared, lines)
    return "\n".join(lines)


def print_graph(*outputs, params=None):
    """Print the graph behind ``outputs`` as an indented tree, from each output's ``grad_fn``
    down to the leaves. A node reached along several edges (a shared subgraph) is printed once,
    numbered ``(#k)``, and later mentioned as ``(#k, see above)``. ``params`` names leaves.

    >>> import ember
    >>> w = ember.tensor(1., requires_grad=True)
    >>> print_graph((w * 2).exp(), params={"w": w})
    ExpBackward0
    └─ MulBackward0
       └─ w: AccumulateGrad [] float32
    """
    print(format_graph(*outputs, params=params))


def _name(node, output_nr, names):
    text = node.name()
    if is_leaf_node(node):
        variable = node.variable
        name = leaf_name(node, names)
        text = f"{name}: {text}" if name else text
        return f"{text} {shape_text(variable.shape)} {dtype_text(variable._data)}"
    if output_nr:
        text += f" (output {output_nr})"
    return text


_MAX_INDENT = 40  # deeper levels start again at the left margin, so a long chain stays linear


def _tree(root, root_output, names, parents, shared, lines):
    # Each stack entry: (node, output_nr, prefix of this line, prefix for its children, depth).
    stack = [(root, root_output, "", "", 0)]
    while stack:
        node, output_nr, head, tail, depth = stack.pop()
        if depth and depth % _MAX_INDENT == 0:
            head = f"[depth {depth}] "
            tail = ""
        if node in shared:
            short = leaf_name(node, names) if is_leaf_node(node) else node.name()
            lines.append(f"{head}{short or node.name()}  (#{shared[node]}, see above)")
            continue
        line = head + _name(node, output_nr, names)
        if parents.get(node, 0) > 1:
            shared[node] = len(shared) + 1
            line += f"  (#{shared[node]})"
        lines.append(line)
        edges = [(child, nr) for child, nr in node.next_functions if child is not None]
        for i in range(len(edges) - 1, -1, -1):
            child, nr = edges[i]
            last = i == len(edges) - 1
            stack.append((child, nr, tail + ("└─ " if last else "├─ "),
                          tail + ("   " if last else "│  "), depth + 1))
