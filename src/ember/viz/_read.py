"""Reading the graph for the pictures: node labels, value summaries, module records.

Everything here only reads public node attributes (``name()``, ``next_functions``,
``AccumulateGrad.variable``, saved values); nothing changes the graph.
"""

from __future__ import annotations

import weakref

import numpy as np

from ..autograd.graph import AccumulateGrad, _sequence

# node -> dotted module name ("0.fc1"), filled by track_modules() while a forward runs.
_module_of = weakref.WeakKeyDictionary()
_module_types = {}  # dotted module name -> class name, for the boxes' titles (last seen wins)


def is_leaf_node(node):
    return type(node) is AccumulateGrad


def shape_text(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def dtype_text(array):
    return str(array.dtype)


def summary(array):
    """A short description of an array's numbers: the value itself when it is one number,
    otherwise mean/min/max; NaN and inf counted. Returns (text, has_nan_or_inf)."""
    array = np.asarray(array)
    if array.size == 0:
        return "empty", False
    if array.dtype.kind not in "fc":
        if array.size == 1:
            return str(array.reshape(()).item()), False
        return f"min {array.min()} max {array.max()}", False
    finite = np.isfinite(array)
    bad = not bool(finite.all())
    if array.size == 1:
        return f"{float(array.reshape(())):.4g}", bad
    parts = []
    if finite.any():
        values = array[finite]
        parts.append(f"mean {values.mean():.4g} min {values.min():.4g} max {values.max():.4g}")
    nans = int(np.isnan(array).sum())
    infs = int(np.isinf(array).sum())
    if nans:
        parts.append(f"{nans} NaN")
    if infs:
        parts.append(f"{infs} inf")
    return ", ".join(parts), bad


def leaf_name(node, names):
    return names.get(id(node.variable), "")


def walk(roots):
    """Every node reachable from ``roots`` once, depth first in next_functions order, and the
    number of edges arriving at each node (to know which ones are shared)."""
    order = []
    parents = {}
    stack = [node for node in reversed(roots) if node is not None]
    for node in stack:
        parents[node] = parents.get(node, 0) + 1
    seen = set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        for child, _ in reversed(node.next_functions):
            if child is None:
                continue
            parents[child] = parents.get(child, 0) + 1
            if child not in seen:
                stack.append(child)
    return order, parents


class track_modules:
    """Record which ``nn.Module`` created each graph node while a forward runs, so
    ``draw(..., group_modules=True)`` can draw a box around each module's operations.

    It uses only the modules' public forward hooks, removed again on exit; the innermost module
    that was running when a node was made claims it.

    >>> import ember
    >>> model = ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.ReLU())
    >>> with track_modules(model):
    ...     y = model(ember.ones(1, 3)).sum()
    >>> source = ember.viz.draw(y, params=dict(model.named_parameters())).source
    >>> source.count("subgraph cluster_")  # one box per module
    2
    """

    def __init__(self, model):
        self.model = model
        self.handles = []

    def __enter__(self):
        for name, module in self.model.named_modules():
            if not name:
                continue  # the model itself is the whole picture, not a box
            starts = []
            _module_types[name] = type(module).__name__
            self.handles.append(module.register_forward_pre_hook(self._pre(starts)))
            self.handles.append(module.register_forward_hook(self._post(name, starts)))
        return self

    def __exit__(self, *exc):
        for handle in self.handles:
            handle.remove()
        self.handles = []
        return False

    @staticmethod
    def _pre(starts):
        def hook(module, args):
            # Nodes are numbered as they are made; everything newer than this number and
            # reachable from the module's output was made inside the module.
            starts.append(next(_sequence))
        return hook

    @staticmethod
    def _post(name, starts):
        def hook(module, args, output):
            start = starts.pop()
            stack = [t.grad_fn for t in _tensors(output) if t.grad_fn is not None]
            seen = set()
            while stack:
                node = stack.pop()
                if node in seen or node._sequence_nr <= start:
                    continue
                seen.add(node)
                if node not in _module_of:  # an inner module already claimed it
                    _module_of[node] = name
                stack.extend(child for child, _ in node.next_functions
                             if child is not None and not is_leaf_node(child))
        return hook


def _tensors(output):
    from .._tensor import Tensor

    stack = [output]
    while stack:
        item = stack.pop()
        if isinstance(item, Tensor):
            yield item
        elif isinstance(item, (tuple, list)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def module_of(node, names):
    """The dotted module name a node belongs to, or "" (the graph's top level)."""
    if is_leaf_node(node):
        name = leaf_name(node, names)
        return name.rpartition(".")[0] if name else ""
    return _module_of.get(node, "")
