"""Per-row code: the recorder and the node's ``apply``, written out once when a row is declared.

A generic recorder would loop over the row's inputs and save plan on every call; these functions
write the loops out for one row (the way ``dataclasses`` writes ``__init__``), so a call runs
straight-line code. They do exactly what :meth:`ember.ops.op.Op._record` and
:meth:`ember.ops.op.OpNode.apply` do, which stay as the readable reference. See Note [Hot path].
"""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd import anomaly_mode
from ..autograd.graph import FREED_MESSAGE, _sequence, accumulator
from . import formula
from .op import (
    _ATTRIBUTE, _INPUT, _NO_EDGE, _RESULT, _SHAPE, PackedSaved, SavedResult, SavedTensor,
    _float_dtypes, _new, pack, saved_tensors_hooks_stack,
)


def compile_recorder(op):
    """Write ``op._record`` out for this one row: edges, saved values and broadcast bookkeeping
    unrolled for its inputs and its save plan, so a call runs no loops and no branches on the
    row's shape (the way dataclasses write ``__init__``). It does what :meth:`Op._record` does;
    see Note [Hot path]."""
    lines = ["def record(args, results):",
             "    result = results[0]",
             "    node = _new(node_class)"]
    count = op.num_inputs
    for i in range(count):
        lines.append(f"    x{i} = args[{i}]")
    for i, derivative in enumerate(op.derivatives):
        if derivative is None:
            lines.append(f"    e{i} = _NO_EDGE")
            continue
        lines += [
            f"    if isinstance(x{i}, Tensor) and x{i}._requires_grad:",
            f"        fn = x{i}.grad_fn",
            "        if fn is None:",
            f"            ref = x{i}._accumulator",
            "            fn = ref() if ref is not None else None",
            f"            e{i} = (fn if fn is not None else accumulator(x{i}), 0)",
            "        else:",
            f"            e{i} = (fn, x{i}._output_nr)",
            "    else:",
            f"        e{i} = _NO_EDGE",
        ]
    lines.append("    node.next_functions = (" + "".join(f"e{i}, " for i in range(count)) + ")")
    lines.append("    node._sequence_nr = next(_sequence)")
    namespace = {"_new": _new, "node_class": op.node_class, "Tensor": Tensor,
                 "_NO_EDGE": _NO_EDGE, "accumulator": accumulator, "_sequence": _sequence,
                 "SavedTensor": SavedTensor, "SavedResult": SavedResult,
                 "_float_dtypes": _float_dtypes, "_hooks": saved_tensors_hooks_stack,
                 "_pack": pack}
    for j, (kind, index) in enumerate(op.save_plan):
        guard = op.save_guards[j]
        if guard is not None:  # saved only if a formula that reads it will run
            lines.append("    if " + " and ".join(f"e{i} is _NO_EDGE" for i in guard) + ":")
            lines.append(f"        s{j} = None")
            lines.append("    else:")
            body_start = len(lines)
        if kind == _INPUT:
            lines += [
                f"    if isinstance(x{index}, Tensor):",
                f"        s{j} = _new(SavedTensor)",
                f"        s{j}.tensor = x{index}",
                f"        counter = x{index}._vc",
                f"        s{j}.version = 0 if counter is None else counter[0]",
                # (one read of a module-level list when no saved-tensor hooks are active)
                "        if _hooks:",
                f"            s{j} = _pack(x{index})",
                "    else:",
                f"        s{j} = x{index}",
            ]
        elif kind == _ATTRIBUTE:
            namespace[f"default{j}"] = op.attribute_defaults[index - count]
            lines.append(f"    s{j} = args[{index}] if len(args) > {index} else default{j}")
        elif kind == _SHAPE:
            lines.append(f"    s{j} = x{index}._data.shape if isinstance(x{index}, Tensor) "
                         "else ()")
        elif op.num_outputs == 1:
            lines.append(f"    s{j} = SavedResult(result) if not _hooks else _pack(result)")
        else:
            lines.append(f"    s{j} = tuple(SavedResult(r, i) if not _hooks else _pack(r, i) "
                         "for i, r in enumerate(results))")
        if guard is not None:
            lines[body_start:] = ["    " + line for line in lines[body_start:]]
    saved = "".join(f"s{j}, " for j in range(len(op.save_plan)))
    if op.num_outputs > 1:  # the outputs' shapes and dtypes, for gradients of unused outputs
        saved += "tuple((r._data.shape, r._data.dtype) for r in results), "
    lines.append("    node._saved = (" + saved + ")")
    if op.broadcast:
        lines.append("    out = result._data")
        for i in range(count):
            lines += [
                f"    if isinstance(x{i}, Tensor) and x{i}._requires_grad:",
                f"        data = x{i}._data",
                "        if data.shape != out.shape:",
                "            if node._shapes is None:",
                f"                node._shapes = [None] * {count}",
                f"            node._shapes[{i}] = data.shape",
                "        if data.dtype != out.dtype:",
                "            if node._dtypes is None:",
                f"                node._dtypes = [None] * {count}",
                f"            node._dtypes[{i}] = data.dtype",
            ]
    if op.num_outputs == 1:
        lines += [
            "    if result._data.dtype in _float_dtypes:",
            "        result._requires_grad = True",
            "        result.grad_fn = node",
        ]
    else:
        lines += [
            "    for i, r in enumerate(results):",
            "        if r._data.dtype in _float_dtypes:",
            "            r._requires_grad = True",
            "            r.grad_fn = node",
            "            if i:",
            "                r._output_nr = i",
        ]
    exec("\n".join(lines), namespace)  # noqa: S102 - the text is built above from the row
    return namespace["record"]


def compile_apply(op):
    """Write ``apply`` out for this row's node class: the saved values unpacked by position and
    each input's formula called directly. It does what :meth:`OpNode.apply` does
    (Note [Hot path])."""
    lines = ["def apply(self, grads, create_graph):",
             "    saved = self._saved",
             "    if saved is None:",
             "        raise RuntimeError(FREED_MESSAGE + anomaly_mode.freed_explanation(",
             "            self, getattr(self, '_freed_at', None)))"]
    if op.num_outputs == 1:
        lines.append("    grad = grads[0]")
    else:  # a tuple, with zeros for the outputs that received no gradient
        lines.append("    grad = tuple(self._zeros_for_missing(grads, create_graph))")
    for j, (kind, _) in enumerate(op.save_plan):
        lines.append(f"    v{j} = saved[{j}]")
        if kind == _RESULT and op.num_outputs > 1:
            lines.append(f"    v{j} = tuple(r.unpack(self, create_graph) for r in v{j})")
        elif kind in (_INPUT, _RESULT):
            lines += [f"    if type(v{j}) is SavedTensor or type(v{j}) is SavedResult:",
                      f"        v{j} = v{j}.unpack(self, create_graph)",
                      f"    elif type(v{j}) is PackedSaved:",
                      f"        v{j} = v{j}.unpack(self, create_graph)"]
    namespace = {"FREED_MESSAGE": FREED_MESSAGE, "anomaly_mode": anomaly_mode,
                 "SavedTensor": SavedTensor, "SavedResult": SavedResult,
                 "PackedSaved": PackedSaved, "sum_to": formula.sum_to, "cast": formula.cast}
    count = op.num_inputs
    lines.append("    edges = self.next_functions")
    if op.broadcast:
        lines += ["    shapes = self._shapes", "    dtypes = self._dtypes"]
    for i, derivative in enumerate(op.derivatives):
        if derivative is None:
            lines.append(f"    g{i} = None")
            continue
        namespace[f"formula{i}"] = derivative
        arguments = "".join(f", v{j}" for j in op.argument_slots[i])
        lines += [f"    if edges[{i}][0] is None:",
                  f"        g{i} = None",
                  "    else:",
                  f"        g{i} = formula{i}(grad{arguments})"]
        if op.broadcast:
            lines += [f"        if shapes is not None and shapes[{i}] is not None "
                      f"and g{i}.shape != shapes[{i}]:",
                      f"            g{i} = sum_to(g{i}, shapes[{i}])",
                      f"        if dtypes is not None and dtypes[{i}] is not None:",
                      f"            g{i} = cast(g{i}, dtypes[{i}])"]
    lines.append("    return (" + "".join(f"g{i}, " for i in range(count)) + ")")
    exec("\n".join(lines), namespace)  # noqa: S102 - the text is built above from the row
    return namespace["apply"]
