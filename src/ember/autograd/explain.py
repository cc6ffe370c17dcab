"""Explain a gradient: every path from an output back to one tensor, and what the graph keeps.

:func:`explain` shows the chain rule at work: the gradient of ``y`` with respect to ``w`` is the
sum, over every path from ``y`` to ``w`` in the graph, of the product of the local derivatives
along that path. :func:`memory_report` lists what each node saved for backward and how many bytes
that keeps alive.

Both only *read* the graph (``next_functions``, ``AccumulateGrad.variable``, the saved values); the
engine knows nothing about them. Walks are iterative, so deep graphs cannot hit a recursion limit.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from .graph import AccumulateGrad

__all__ = ["explain", "memory_report", "Explanation", "Path", "MemoryReport", "saved_values"]


# --- reading the graph ----------------------------------------------------------------------------

def graph_nodes(roots):
    """Every node reachable from ``roots`` (nodes), each once, in depth-first discovery order."""
    seen = {}
    stack = [node for node in reversed(roots) if node is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen[node] = None
        for child, _ in reversed(node.next_functions):
            if child is not None and child not in seen:
                stack.append(child)
    return list(seen)


def saved_values(node):
    """What ``node`` saved for backward, as ``(name, array_or_value, kind)`` triples.

    ``kind`` is ``"leaf"`` (a saved input without a grad_fn: data or a parameter the program
    holds anyway), ``"intermediate"`` (a saved input made by another op), ``"result"`` (the op's
    own output),
    ``"array"`` (a constant array) or ``"value"`` (a shape or a non-tensor argument, no tensor
    memory). Returns ``None`` when the node's buffers were freed by a backward.
    """
    op = getattr(type(node), "op", None)
    if op is not None and hasattr(op, "saved_names"):
        try:
            saved = object.__getattribute__(node, "_saved")
        except AttributeError:
            return []
        if saved is None:
            return None
        rows = []
        for name, record, guard in zip(op.saved_names, saved, op.save_guards):
            if record is None and guard is not None:
                continue  # not saved: only formulas that will not run read it
            rows.extend(_unpack_record(name, record))
        return rows
    ctx = getattr(node, "ctx", None)  # a custom Function's node
    if ctx is not None and hasattr(ctx, "_saved"):
        if ctx._freed:
            return None
        return [(f"saved_tensors[{i}]", t._data if isinstance(t, Tensor) else t,
                 ("leaf" if t.grad_fn is None else "intermediate") if isinstance(t, Tensor)
                 else "value") for i, t in enumerate(ctx._saved)]
    return []


def _unpack_record(name, record):
    kind = type(record).__name__
    if kind == "SavedTensor":
        tensor = record.tensor
        return [(name, tensor._data, "leaf" if tensor.grad_fn is None else "intermediate")]
    if kind == "SavedResult":
        return [(name, record.array, "result")]
    if type(record) is tuple and record and type(record[0]).__name__ == "SavedResult":
        return [(f"{name}[{i}]", r.array, "result") for i, r in enumerate(record)]
    if type(record) is np.ndarray:
        return [(name, record, "array")]
    return [(name, record, "value")]


def _memory_key(array):
    """Identify the memory an array uses, so two views of one buffer count once."""
    return (array.__array_interface__["data"][0], array.nbytes)


# --- memory_report -------------------------------------------------------------------------------

class MemoryReport:
    """The result of :func:`memory_report`.

    ``rows``: ``(node_name, saved_name, shape, dtype, nbytes, kind)`` for every saved array,
    biggest first. ``by_node``: ``(node_name, nbytes)`` per node, biggest first. ``total_bytes``:
    the sum over rows; ``unique_bytes``: the same with each buffer counted once (a tensor saved by
    two nodes is one buffer); ``graph_only_bytes``: unique bytes that are not leaves' data
    (parameters, inputs), that is, memory that only the graph keeps alive. ``freed``: nodes
    whose buffers a backward already freed. ``num_nodes``: nodes in the graph. Printing shows
    the ``max_rows`` biggest.
    """

    max_rows = 20

    def __init__(self, rows, by_node, total, unique, graph_only, freed, num_nodes):
        self.rows = rows
        self.by_node = by_node
        self.total_bytes = total
        self.unique_bytes = unique
        self.graph_only_bytes = graph_only
        self.freed = freed
        self.num_nodes = num_nodes

    def __str__(self):
        lines = [f"Saved for backward: {_bytes(self.total_bytes)} in {len(self.rows)} arrays over "
                 f"{self.num_nodes} nodes ({_bytes(self.unique_bytes)} distinct buffers, "
                 f"{_bytes(self.graph_only_bytes)} kept alive only by the graph)"]
        if self.rows:
            shown = self.rows[:self.max_rows]
            width = max(len(f"{r[0]}.{r[1]}") for r in shown)
            for node, name, shape, dtype, nbytes, kind in shown:
                label = f"{node}.{name}"
                lines.append(f"  {label:<{width}}  {nbytes:>12,} B  {_shape(shape):<14} "
                             f"{dtype:<8} {kind}")
            if len(self.rows) > len(shown):
                rest = sum(r[4] for r in self.rows[len(shown):])
                lines.append(f"  ... {len(self.rows) - len(shown)} smaller arrays, "
                             f"{_bytes(rest)} together")
        if self.freed:
            lines.append(f"  ({self.freed} node(s) already freed by backward: their buffers are "
                         "gone; use retain_graph=True to keep them)")
        return "\n".join(lines)

    __repr__ = __str__


def memory_report(*outputs):
    """Bytes of the tensors the graph behind ``outputs`` saved for backward, per node and in total.

    Use it to see what memory a graph holds: no graph at all under ``no_grad``, nothing after a
    ``backward()`` (buffers are freed unless ``retain_graph=True``), and a graph that keeps growing
    when a loop does ``total_loss += loss`` instead of ``total_loss += loss.item()``.

    >>> import ember
    >>> w = ember.ones(1000, requires_grad=True)
    >>> y = (w * w.exp()).sum()
    >>> memory_report(y).total_bytes  # w (4000 B, a leaf) and exp's result (4000 B)
    12000
    """
    roots = [t.grad_fn for t in outputs if isinstance(t, Tensor) and t.grad_fn is not None]
    nodes = graph_nodes(roots)
    rows = []
    per_node = {}
    unique = {}
    leaf_memory = set()
    freed = 0
    for node in nodes:
        if type(node) is AccumulateGrad:
            leaf_memory.add(_memory_key(node.variable._data))
            continue
        values = saved_values(node)
        if values is None:
            freed += 1
            continue
        name = node.name()
        for saved_name, value, kind in values:
            if type(value) is not np.ndarray:
                continue
            rows.append((name, saved_name, value.shape, str(value.dtype), value.nbytes, kind))
            if kind == "leaf":
                leaf_memory.add(_memory_key(value))
            per_node[node] = per_node.get(node, 0) + value.nbytes
            unique[_memory_key(value)] = value.nbytes
    rows.sort(key=lambda r: -r[4])
    by_node = sorted(((n.name(), b) for n, b in per_node.items()), key=lambda r: -r[1])
    total = sum(r[4] for r in rows)
    graph_only = sum(b for key, b in unique.items() if key not in leaf_memory)
    return MemoryReport(rows, by_node, total, sum(unique.values()), graph_only, freed, len(nodes))


def _bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def _shape(shape):
    return "[" + ", ".join(map(str, shape)) + "]"


# --- explain -------------------------------------------------------------------------------------

class Path:
    """One path from ``y`` to ``w``: its ``nodes`` (names, from y's node to w's), the ``local``
    derivative on each edge (a float where both ends hold one number, else ``None``), its
    ``contribution`` (the gradient that flows along only this path, an array of w's shape) and
    ``nan_origin`` (the node where 0 * inf made a NaN on this path, or ``None``)."""

    def __init__(self, nodes, local, contribution, nan_origin):
        self.nodes = nodes
        self.local = local
        self.contribution = contribution
        self.nan_origin = nan_origin

    def __repr__(self):
        return f"Path({' -> '.join(self.nodes)}, contribution={_number(self.contribution)})"


class Explanation:
    """The result of :func:`explain`.

    ``paths``: the :class:`Path` objects examined, in graph order; ``num_paths``: how many paths
    exist (counted without enumerating them); ``total``: the sum of the examined paths'
    contributions; ``gradient``: the gradient the engine computes; ``matches``: whether they agree
    (only meaningful when every path was examined, ``complete``).
    """

    def __init__(self, y_name, w_name, paths, num_paths, total, gradient, complete, top):
        self.y_name = y_name
        self.w_name = w_name
        self.paths = paths
        self.num_paths = num_paths
        self.total = total
        self.gradient = gradient
        self.complete = complete
        self.matches = gradient is not None and total is not None and bool(
            np.allclose(total, gradient, rtol=1e-5, atol=1e-6, equal_nan=True))
        self._top = top

    @property
    def contributions(self):
        return [p.contribution for p in self.paths]

    def __str__(self):
        y, w = self.y_name, self.w_name
        if self.num_paths == 0:
            return f"No path from {y} to {w}: {y} does not depend on {w} (its gradient is None)."
        scalar = all(p.contribution.size == 1 for p in self.paths) and all(
            v is not None for p in self.paths for v in p.local)
        lines = [f"d{y}/d{w} = the sum over the {self.num_paths} path(s) from {y} to {w} of the "
                 "product of the local derivatives on their edges:"]
        shown = self.paths
        if len(shown) > self._top:
            shown = sorted(shown, key=lambda p: -_magnitude(p.contribution))[:self._top]
            lines.append(f"(the {len(shown)} largest of {len(self.paths)} examined paths)")
        for number, path in enumerate(shown, 1):
            lines.append(f"  path {number}: {_path_text(path, y, w)}")
            if path.local and all(v is not None for v in path.local):
                product = _product_text(path.local)
                lines.append(f"          {product} = {_number(path.contribution)}")
            else:
                lines.append(f"          contribution: {_number(path.contribution)}")
            if path.nan_origin is not None:
                lines.append(f"          NaN: a zero gradient met an infinite local derivative at "
                             f"{path.nan_origin} (0*inf), e.g. the unselected branch of a where()")
        if self.complete:
            if scalar:
                terms = " + ".join(_product_text(p.local) for p in self.paths)
                lines.append(f"{_number(self.total)} = {terms}")
            else:
                lines.append(f"sum of the {len(self.paths)} contributions: {_number(self.total)}")
        else:
            lines.append(f"{self.num_paths - len(self.paths)} more path(s) not examined; together "
                         f"they contribute gradient - examined = "
                         f"{_number(self.gradient - self.total)}")
        verdict = "matches" if self.matches else "DIFFERS FROM"
        if self.complete:
            lines.append(f"which {verdict} the engine's gradient {_number(self.gradient)}")
        return "\n".join(lines)

    __repr__ = __str__


_LONG = 12  # paths with more edges are shown by their ends only


def _path_text(path, y, w):
    parts = [f"{y} ({path.nodes[0]})"] if len(path.nodes) > 1 else [y]
    for node, local in zip(path.nodes[1:], path.local):
        edge = f"-[{_number(local)}]->" if local is not None else "->"
        parts.append(edge)
        parts.append(node)
    if len(path.nodes) > 1:
        parts[-1] = f"{w}"
    if len(path.local) > _LONG:  # parts: y's node, then an (edge, node) pair per edge
        half = _LONG // 2
        hidden = len(path.local) - _LONG
        parts = parts[:1 + 2 * half] + [f"... ({hidden} more edges) ..."] + parts[-2 * half:]
    return " ".join(parts)


def _product_text(local):
    if len(local) > _LONG:
        return ("*".join(_number(v) for v in local[:_LONG // 2]) + f"*...({len(local) - _LONG} "
                "more)...*" + "*".join(_number(v) for v in local[-(_LONG // 2):]))
    return "*".join(_number(v) for v in local)


def _magnitude(array):
    with np.errstate(invalid="ignore", over="ignore"):
        value = float(np.abs(array).max()) if array.size else 0.0
    return float("inf") if np.isnan(value) else value


def _number(value):
    if value is None:
        return "?"
    array = np.asarray(value)
    if array.size == 1:
        x = float(array.reshape(()))
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 else f"{x:.6g}"
    return np.array2string(array, precision=4, threshold=20, separator=", ")


def _target_key(w):
    if w.grad_fn is not None:
        return (w.grad_fn, w._output_nr)
    ref = w._accumulator
    node = ref() if ref is not None else None
    return (node, 0) if node is not None else None


def _count_paths(start, key):
    """How many paths lead from ``(start, output 0)`` to ``key`` = (node, output_nr), by dynamic
    programming over the graph (never by enumerating them): ``counts[node]`` is the number of
    paths from ``node``'s inputs down to the target."""
    nodes = graph_nodes([start])
    order = sorted(nodes, key=lambda n: n._sequence_nr)  # inputs are older than their users
    counts = {}
    target, target_output = key
    for node in order:
        if node is target:
            counts[node] = 0  # paths end on arrival (the target's own inputs are below w)
            continue
        total = 0
        for child, output_nr in node.next_functions:
            if child is None:
                continue
            if child is target and output_nr == target_output:
                total += 1
            else:
                total += counts.get(child, 0)
        counts[node] = total
    return counts


def explain(y, w, params=None, max_paths=1000, top=10):
    """Show how the gradient of ``y`` (one number) with respect to ``w`` is put together: every
    path from ``y`` back to ``w``, the local derivative on each edge, each path's product, and
    their sum, checked against the gradient the engine computes.

    For tensors each path's contribution is the gradient that flows along only that path (a
    vector-Jacobian product). Paths are counted without enumerating them; at most ``max_paths``
    are followed and the ``top`` largest are printed. ``params`` (``{name: tensor}``) names the
    tensors. The graph must still hold its saved values (``retain_graph=True`` if ``backward``
    already ran); it is not changed.

    >>> import ember
    >>> w = ember.tensor(1., requires_grad=True); x = ember.tensor(2., requires_grad=True)
    >>> e = explain((w + x) * (w + 1), w, params={"w": w, "x": x})
    >>> [float(p.contribution) for p in e.paths], float(e.total)
    ([2.0, 3.0], 5.0)
    """
    if not isinstance(y, Tensor) or not isinstance(w, Tensor):
        raise TypeError("explain(): y and w must be Tensors")
    if y.numel() != 1:
        raise RuntimeError("explain(): y must hold a single number (it plays the loss); got "
                           f"shape {list(y.shape)}")
    names = {id(t): name for name, t in (params or {}).items()}
    y_name = names.get(id(y), "y")
    w_name = names.get(id(w), "w")
    dtype = w._data.dtype
    if y is w:
        one = np.ones(w._data.shape, dtype)
        return Explanation(y_name, w_name, [Path([w_name], [], one, None)], 1, one, one, True, top)
    key = _target_key(w)
    start = y.grad_fn
    if key is None or start is None:
        return Explanation(y_name, w_name, [], 0, None, None, True, top)
    counts = _count_paths(start, key)
    num_paths = counts.get(start, 0) if (start, y._output_nr) != key else 1
    if num_paths == 0:
        return Explanation(y_name, w_name, [], 0, None, None, True, top)

    from . import grad as engine_grad

    gradient = engine_grad(y, w, retain_graph=True)[0]._data
    seed = np.ones(y._data.shape, y._data.dtype)
    names.setdefault(id(w), w_name)
    paths = _follow_paths(start, y._output_nr, seed, key, counts, max_paths, names)
    total = np.zeros(w._data.shape, dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        for path in paths:
            path.contribution = path.contribution.astype(dtype, copy=False)
            total = total + path.contribution
    complete = len(paths) == num_paths
    return Explanation(y_name, w_name, paths, num_paths, total, gradient, complete, top)


def _label(node, names):
    if type(node) is AccumulateGrad:
        return names.get(id(node.variable), "leaf")
    return node.name()


def _follow_paths(start, start_output, seed, key, counts, max_paths, names):
    """Push a gradient along each path separately, depth first. Each stack entry is one path
    prefix: (node, output_nr, gradient arriving there, trail, where a NaN first appeared). The
    trail is a linked list ``(previous trail, label, local derivative)`` so that extending a
    prefix costs O(1) however long the path is; prefixes are shared, so each node runs once per
    prefix."""
    target, target_output = key
    paths = []
    stack = [(start, start_output, seed, (None, _label(start, names), None), None)]
    while stack and len(paths) < max_paths:
        node, output_nr, grad, trail, nan_origin = stack.pop()
        if node is target and output_nr == target_output:
            labels, local = _unwind(trail)
            paths.append(Path(labels, local, grad, nan_origin))
            continue
        grads = [None] * node.num_outputs
        grads[output_nr] = grad
        with np.errstate(all="ignore"):
            input_grads = node.apply(grads, False)
            ones = None
            if grad.size == 1:  # the local derivative itself is worth showing
                grads[output_nr] = np.ones_like(grad)
                ones = node.apply(grads, False)
        children = []
        for i, (child, child_output) in enumerate(node.next_functions):
            if child is None or input_grads[i] is None:
                continue
            reaches = (child is target and child_output == target_output) or counts.get(child, 0)
            if not reaches:
                continue
            g = np.asarray(input_grads[i])
            derivative = None
            if ones is not None and ones[i] is not None and np.size(ones[i]) == 1:
                derivative = float(np.asarray(ones[i]).reshape(()))
            origin = nan_origin
            if origin is None and np.isnan(g).any() and not np.isnan(grad).any():
                origin = node.name()
            children.append((child, child_output, g, (trail, _label(child, names), derivative),
                             origin))
        stack.extend(reversed(children))  # the first input's paths come out first
    return paths


def _unwind(trail):
    labels = []
    local = []
    while trail is not None:
        trail, label, derivative = trail
        labels.append(label)
        local.append(derivative)
    labels.reverse()
    local.reverse()
    return labels, local[1:]  # the first entry (y's node) has no edge into it
