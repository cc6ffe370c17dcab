"""``draw``: a Graphviz picture of the graph behind some outputs.

Blue boxes are leaves (their ``AccumulateGrad`` node: the tensors whose ``.grad`` a backward
fills), grey boxes are operations named as PyTorch names their ``grad_fn``, green boxes are the
outputs, and red marks NaN or inf. Edges point the way ``next_functions`` do: from a node to the
nodes of its inputs, the way gradients flow.
"""

from __future__ import annotations

import shutil
import subprocess

from .._tensor import Tensor
from ..autograd.explain import saved_values
from ._read import (
    _module_types, dtype_text, is_leaf_node, leaf_name, module_of, shape_text, summary, walk,
)

_STYLE = {
    "leaf": 'shape=box style=filled fillcolor="lightblue"',
    "op": 'shape=box style=filled fillcolor="lightgrey"',
    "output": 'shape=box style=filled fillcolor="darkolivegreen1"',
    "bad": 'shape=box style=filled fillcolor="salmon" color="red" penwidth=2',
}


class Graph:
    """A drawn graph: ``.source`` is the DOT text; ``render(path, format)`` writes an SVG or PNG
    with Graphviz's ``dot``; in Jupyter it shows itself (``_repr_svg_``). ``nodes`` and ``edges``
    list what was drawn (DOT ids and labels; ``(from, to)`` pairs)."""

    def __init__(self, source, nodes, edges):
        self.source = source
        self.nodes = nodes
        self.edges = edges

    def pipe(self, format="svg"):
        """The picture as bytes, made by Graphviz."""
        try:
            import graphviz
        except ImportError:
            graphviz = None
        if graphviz is not None:
            return graphviz.Source(self.source).pipe(format=format)
        dot = shutil.which("dot")
        if dot is None:
            raise RuntimeError("drawing needs Graphviz: install the 'dot' program "
                               "(apt-get install graphviz) and `pip install graphviz`")
        return subprocess.run([dot, f"-T{format}"], input=self.source.encode(),
                              capture_output=True, check=True).stdout

    def render(self, path, format=None):
        """Write the picture to ``path``; the format is ``format`` or the path's suffix
        (``svg`` or ``png``; ``svg`` when neither says). Returns the path written."""
        path = str(path)
        suffix = path.rpartition(".")[2].lower() if "." in path.rpartition("/")[2] else ""
        if format is None:
            format = suffix if suffix in ("svg", "png", "pdf") else "svg"
        if suffix != format:
            path = f"{path}.{format}"
        data = self.pipe(format)
        with open(path, "wb") as file:
            file.write(data)
        return path

    def _repr_svg_(self):
        return self.pipe("svg").decode()

    def __str__(self):
        return self.source


def _quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def draw(*outputs, params=None, show_values=False, show_grads=False, show_saved=False,
         group_modules=True):
    """Draw the graph behind ``outputs`` (Tensors) with Graphviz.

    ``params`` (``{name: tensor}``, e.g. ``dict(model.named_parameters())``) names the leaves;
    ``show_values`` / ``show_grads`` add a summary of every tensor's numbers / ``.grad`` (after a
    backward); ``show_saved`` lists what each operation saved for backward, with its bytes.
    ``group_modules`` draws a box around the operations each ``nn.Module`` made, for graphs built
    inside ``ember.viz.track_modules(model)``. NaN and inf are drawn in red. The graph is only
    read, never changed.

    >>> import ember
    >>> w = ember.tensor(1., requires_grad=True); x = ember.tensor(2., requires_grad=True)
    >>> picture = draw((w + x) * (w + 1), params={"w": w, "x": x})
    >>> picture.source.count("AddBackward0")
    2
    >>> picture.render("runs/graph.svg")  # doctest: +SKIP
    """
    names = {id(t): name for name, t in (params or {}).items()}
    roots = [t.grad_fn for t in outputs if isinstance(t, Tensor) and t.grad_fn is not None]
    order, _ = walk(roots)
    ids = {node: f"n{i}" for i, node in enumerate(order)}

    nodes = []  # (id, label, style, module)
    edges = []
    for node in order:
        label, bad = _node_label(node, names, show_values, show_grads, show_saved)
        style = "bad" if bad else ("leaf" if is_leaf_node(node) else "op")
        module = module_of(node, names) if group_modules else ""
        nodes.append((ids[node], label, style, module))
        for child, _ in node.next_functions:
            if child is not None:
                edges.append((ids[node], ids[child]))

    for i, tensor in enumerate(outputs):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"draw(): outputs must be Tensors, got {type(tensor).__name__}")
        node_id = f"out{i}"
        label = names.get(id(tensor), "output") + f"\n{shape_text(tensor.shape)} " \
            f"{dtype_text(tensor._data)}"
        bad = False
        if show_values:
            text, bad = summary(tensor._data)
            label += f"\nvalue: {text}"
        nodes.append((node_id, label, "bad" if bad else "output", ""))
        if tensor.grad_fn is not None:
            edges.append((node_id, ids[tensor.grad_fn]))

    return Graph(_source(nodes, edges), [(n[0], n[1]) for n in nodes], edges)


def _node_label(node, names, show_values, show_grads, show_saved):
    bad = False
    if is_leaf_node(node):
        variable = node.variable
        name = leaf_name(node, names)
        lines = [name] if name else []
        lines.append(f"{shape_text(variable.shape)} {dtype_text(variable._data)}")
        if show_values:
            text, flagged = summary(variable._data)
            lines.append(f"value: {text}")
            bad |= flagged
        if show_grads:
            grad = variable._grad
            if grad is None:
                lines.append("grad: None")
            else:
                text, flagged = summary(grad._data)
                lines.append(f"grad: {text}")
                bad |= flagged
        return "\n".join(lines), bad
    lines = [node.name()]
    saved = saved_values(node) if (show_saved or show_values) else []
    if show_values and saved:
        for _, value, kind in saved:
            if kind == "result":
                text, flagged = summary(value)
                lines.append(f"value: {text}")
                bad |= flagged
    if show_grads and node._retained:
        for reference in node._retained.values():
            tensor = reference()
            if tensor is not None and tensor._grad is not None:
                text, flagged = summary(tensor._grad._data)
                lines.append(f"grad: {text}")
                bad |= flagged
    if show_saved:
        if saved is None:
            lines.append("saved: freed by backward")
        else:
            for name, value, kind in saved:
                if kind == "value":
                    continue
                lines.append(f"{name}: {shape_text(value.shape)} {value.dtype} "
                             f"{value.nbytes} B")
    return "\n".join(lines), bad


def _source(nodes, edges):
    lines = ["digraph {", '\tgraph [rankdir=TB]', '\tnode [fontname="monospace" fontsize=11]']
    clusters = {}  # module name -> node lines
    for node_id, label, style, module in nodes:
        line = f"\t{node_id} [label={_quote(label)} {_STYLE[style]}]"
        clusters.setdefault(module, []).append(line)
    lines.extend(clusters.pop("", []))
    lines.extend(_cluster_lines(clusters))
    lines.extend(f"\t{a} -> {b}" for a, b in edges)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _cluster_lines(clusters):
    """Nested ``subgraph cluster_...`` blocks, one per module, inner modules inside outer ones."""
    if not clusters:
        return []
    # Every prefix of a module name is a box too ("0.fc1" sits inside "0").
    names = set()
    for name in clusters:
        parts = name.split(".")
        names.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    children = {}
    for name in sorted(names):
        children.setdefault(name.rpartition(".")[0], []).append(name)
    out = []
    stack = [(name, False) for name in reversed(children.get("", []))]
    while stack:
        name, closing = stack.pop()
        if closing:
            out.append("\t}")
            continue
        number = len(out)
        out.append(f"\tsubgraph cluster_{number} {{")
        title = f"{name}: {_module_types[name]}" if name in _module_types else name
        out.append(f'\t\tlabel={_quote(title)} style=rounded color="steelblue"')
        out.extend("\t" + line for line in clusters.get(name, []))
        stack.append((name, True))
        stack.extend((child, False) for child in reversed(children.get(name, [])))
    return out
