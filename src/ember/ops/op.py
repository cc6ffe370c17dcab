"""The op table's machinery: how a row becomes a callable op and a graph node.

An op is declared once with :func:`defop`: the PyTorch node name, the forward on backend arrays,
and one derivative formula per differentiable input, side by side::

    mul = defop("MulBackward0", inputs="self other", promote="binary", broadcast=True,
                forward=lambda self, other: self * other,
                self=lambda grad, other: grad * other,
                other=lambda grad, self: grad * self)

A formula's parameter names say what the node saves: an input's name (``self``, ``other``) keeps
that input, ``result`` keeps the output's array, ``<input>_shape`` keeps only a shape, and any
other name is one of the forward's non-tensor arguments (``dim``, ``keepdim``, ``exponent``).
Formulas use only operators and :mod:`ember.ops.formula`, so the same formula runs on arrays
in an ordinary backward and on Tensors (recording a graph) with ``create_graph=True``.
See Note [Saved values] in docs/notes.md.
"""

from __future__ import annotations

import inspect

from .. import _dtype
from .._tensor import Tensor
from ..autograd import anomaly_mode, grad_mode
from ..autograd.graph import (
    FREED_MESSAGE, Node, _sequence, accumulator, saved_tensors_hooks_stack,
)
from ..backend import xp
from . import formula

_grad_state = grad_mode.state
_anomaly = anomaly_mode.state
_NO_GRAD_CUT = ("no_grad", None)  # why a result of tensors that require grad has no graph
_float_dtypes = frozenset(d.np for d in _dtype.ALL if d.is_floating_point)


class SavedTensor:
    """An input saved for backward, with the version it had (to detect in-place changes)."""

    __slots__ = ("tensor", "version")

    def __init__(self, tensor):
        self.tensor = tensor
        self.version = tensor._version

    def unpack(self, node, create_graph):
        tensor = self.tensor
        counter = tensor._vc
        if counter is not None and counter[0] != self.version:
            raise RuntimeError(_modified_message(tensor, self.version, node)
                               + anomaly_mode.modified_explanation(node, counter))
        return tensor if create_graph else tensor._data


class SavedResult:
    """The op's own output, kept as an array (never the Tensor: no cycle through the node)."""

    __slots__ = ("array", "counter", "version", "output_nr")

    def __init__(self, tensor, output_nr=0):
        self.array = tensor._data
        self.counter = tensor._version_counter()
        self.version = self.counter[0]
        self.output_nr = output_nr

    def unpack(self, node, create_graph):
        if self.counter[0] != self.version:
            raise RuntimeError(_modified_message(Tensor._make(self.array), self.version, node,
                                                 self.counter[0])
                               + anomaly_mode.modified_explanation(node, self.counter))
        if create_graph:
            return Tensor._make(self.array, True, node, self.output_nr)
        return self.array


class PackedSaved:
    """A tensor saved under ``saved_tensors_hooks``: what the pack hook returned, and the unpack
    hook that gives the tensor back (PyTorch checks no versions for these)."""

    __slots__ = ("packed", "unpack_hook", "output_nr")

    def unpack(self, node, create_graph):
        tensor = self.unpack_hook(self.packed)
        if not isinstance(tensor, Tensor):
            raise TypeError("Output of saved tensor unpack_hook expected to be a Tensor but got "
                            f"result of type {type(tensor).__name__}")
        return tensor if create_graph else tensor._data


def pack(tensor, output_nr=0):
    """Save ``tensor`` through the innermost saved-tensor hooks (only called when some are
    active). The pack hook runs with no hooks active, so its own ops do not pack again."""
    pack_hook, unpack_hook = saved_tensors_hooks_stack[-1]
    active = saved_tensors_hooks_stack[:]
    saved_tensors_hooks_stack.clear()
    try:
        packed = pack_hook(tensor)
    finally:
        saved_tensors_hooks_stack[:] = active
    record = _new(PackedSaved)
    record.packed = packed
    record.unpack_hook = unpack_hook
    record.output_nr = output_nr
    return record


def _modified_message(tensor, expected, node, actual=None):
    actual = tensor._version if actual is None else actual
    shape = list(tensor.shape)
    return (
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [torch.{tensor.dtype._legacy} {shape}], which is an input or output of "
        f"{node.name()}, is at version {actual}; expected version {expected} instead. Hint: "
        "the backtrace further above shows the operation that failed to compute its gradient."
    )


class OpNode(Node):
    """A node made by an op row. Its class is named after the row (``MulBackward0``)."""

    __slots__ = ("_saved", "_freed_at")
    op: Op
    _shapes = None  # input shapes where they differ from the output's (broadcasting)
    _dtypes = None  # input dtypes where they differ from the output's (promotion)

    def apply(self, grads, create_graph):
        op = self.op
        saved = self._saved
        if saved is None:
            raise RuntimeError(FREED_MESSAGE + anomaly_mode.freed_explanation(
                self, getattr(self, "_freed_at", None)))
        if op.saves_tensors:
            values = []
            for record in saved:
                kind = type(record)
                if kind is SavedTensor or kind is SavedResult or kind is PackedSaved:
                    record = record.unpack(self, create_graph)
                elif kind is tuple and record and type(record[0]) in _SAVED_TYPES:
                    record = tuple(r.unpack(self, create_graph) for r in record)  # outputs > 1
                values.append(record)
        else:
            values = saved
        grad = grads[0] if op.num_outputs == 1 else tuple(
            self._zeros_for_missing(grads, create_graph))
        shapes = self._shapes
        dtypes = self._dtypes
        results = []
        for (child, _), formula_fn, slots, i in zip(self.next_functions, op.derivatives,
                                                   op.argument_slots, op.input_positions):
            if child is None or formula_fn is None:
                results.append(None)
                continue
            if not slots:
                g = formula_fn(grad)
            elif len(slots) == 1:
                g = formula_fn(grad, values[slots[0]])
            else:
                g = formula_fn(grad, *[values[j] for j in slots])
            if shapes is not None:
                shape = shapes[i]
                if shape is not None and g.shape != shape:
                    g = formula.sum_to(g, shape)
            if dtypes is not None and dtypes[i] is not None:
                g = formula.cast(g, dtypes[i])
            results.append(g)
        return results

    def _zeros_for_missing(self, grads, create_graph):
        for grad, (shape, dtype) in zip(grads, self._dtypes_out()):
            if grad is None:
                zeros = xp.zeros(shape, dtype)
                grad = Tensor._make(zeros) if create_graph else zeros
            yield grad

    def _dtypes_out(self):
        return self._saved[-1]

    def release(self, freed_at=None):
        if self.op.saves_tensors and self._saved is not None:
            self._saved = None
            self._freed_at = freed_at

    def _saved_value(self, slot):
        """What the node saved in ``slot``, as PyTorch's ``node._saved_<name>`` shows it (the row
        makes one such property per saved name; a class-level ``__getattr__`` would instead
        keep Python from specializing every other attribute read on every node)."""
        op = self.op
        guard = op.save_guards[slot]
        if guard is not None and all(self.next_functions[i][0] is None for i in guard):
            return None  # never saved: no formula that reads it runs
        saved = self._saved
        if saved is None:
            raise RuntimeError(FREED_MESSAGE)
        value = saved[slot]
        if type(value) in _SAVED_TYPES:
            value = value.unpack(self, True)
            return value.detach() if isinstance(value, Tensor) else value
        return value

    def metadata(self):
        return {"saved": type(self).op.saved_names}


_SAVED_TYPES = (SavedTensor, SavedResult, PackedSaved)
_INPUT, _RESULT, _SHAPE, _ATTRIBUTE = range(4)
_NO_EDGE = (None, 0)
_new = object.__new__
REGISTRY: list = []  # every row, in declaration order (docs/ops.md is rendered from it)
_NUMBER_TYPES = (int, float, xp.generic)


class Op:
    """One row of the op table. Call it with tensor inputs first, then non-tensor arguments."""

    def __init__(self, name, forward, inputs, promote, broadcast, view, outputs, derivatives):
        self.name = name
        self.forward = forward
        self.input_names = tuple(inputs.split())
        if "result" in self.input_names:
            raise TypeError(f"{name}: 'result' names the op's output in formulas; "
                            "call the input something else")
        self.num_inputs = len(self.input_names)
        self.promote = promote
        self.broadcast = broadcast
        self.view = view
        self.num_outputs = outputs
        signature = inspect.signature(forward).parameters
        parameters = list(signature)
        # The first parameters are the tensor inputs (by position, whatever forward calls
        # them); the rest are non-tensor arguments, named as in forward.
        self.attribute_names = tuple(parameters[self.num_inputs:])
        self.attribute_defaults = tuple(signature[p].default for p in self.attribute_names)
        unknown = set(derivatives) - set(self.input_names)
        if unknown:
            raise TypeError(f"{name}: derivatives for unknown inputs {sorted(unknown)}")
        self.derivatives = tuple(derivatives.get(n) for n in self.input_names)
        self.differentiable = any(d is not None for d in self.derivatives)

        # What the node saves: the union of the names the formulas ask for, in order.
        saved = []
        for d in self.derivatives:
            if d is not None:
                for arg in list(inspect.signature(d).parameters)[1:]:
                    if arg not in saved:
                        saved.append(arg)
        for arg in saved:
            known = (arg == "result" or arg in self.input_names or arg in self.attribute_names
                     or (arg.endswith("_shape") and arg[:-6] in self.input_names))
            if not known:
                raise TypeError(f"{name}: a formula asks for {arg!r}, which the op does not have")
        self.saved_names = tuple(saved)
        # How to fetch each saved value at record time: (kind, position in the call's args).
        plan = []
        for arg in saved:
            if arg == "result":
                plan.append((_RESULT, 0))
            elif arg in self.input_names:
                plan.append((_INPUT, self.input_names.index(arg)))
            elif arg in self.attribute_names:
                plan.append((_ATTRIBUTE, self.num_inputs + self.attribute_names.index(arg)))
            else:
                plan.append((_SHAPE, self.input_names.index(arg[:-6])))
        self.save_plan = tuple(plan)
        self.argument_slots = tuple(
            tuple(saved.index(a) for a in list(inspect.signature(d).parameters)[1:])
            if d is not None else () for d in self.derivatives)
        # A tensor (an input or the result) is saved only when a formula that reads it will
        # run, that is, when one of the inputs whose formulas read it needs a gradient; as in
        # PyTorch, ``x * 2`` keeps no copy of ``x`` and ``x`` may then change in place.
        # ``save_guards[j]`` lists those inputs, or is None where slot j is always needed.
        differentiable = {i for i, d in enumerate(self.derivatives) if d is not None}
        guards = []
        for j, (kind, _) in enumerate(plan):
            users = tuple(i for i, slots in enumerate(self.argument_slots) if j in slots)
            conditional = kind in (_INPUT, _RESULT) and set(users) != differentiable
            guards.append(users if conditional else None)
        self.save_guards = tuple(guards)
        self.input_positions = tuple(range(self.num_inputs))
        self.saves_tensors = any(a == "result" or a in self.input_names for a in saved)
        self.saves_self = "self" in saved and self.input_names[:1] == ("self",)
        self.node_class = type(name, (OpNode,), {"__slots__": (), "op": self,
                                                 "num_outputs": outputs})
        self.node_class.__module__ = "ember.autograd.graph"
        for slot, key in enumerate(saved):
            setattr(self.node_class, "_saved_" + key,
                    property(lambda node, slot=slot: node._saved_value(slot)))
        if outputs == 1 or not broadcast:
            from .codegen import compile_apply, compile_recorder

            self._record = compile_recorder(self)
            self.node_class.apply = compile_apply(self)

    def __repr__(self):
        return f"<op {self.name}>"

    def __call__(self, *args):
        num_inputs = self.num_inputs
        arrays = list(args)
        requires_grad = False
        for i in range(num_inputs):
            x = args[i]
            if type(x) is Tensor or isinstance(x, Tensor):
                arrays[i] = x._data
                if x._requires_grad:
                    requires_grad = True
            elif x is not None and type(x) is not xp.ndarray and not isinstance(x, _NUMBER_TYPES):
                # (arrays are allowed: formulas pass constants such as masks this way)
                raise TypeError(
                    f"{self.public_name()}(): argument '{self.input_names[i]}' must be Tensor, "
                    f"not {type(x).__name__}")
        if self.promote is not None:
            _promote(self.promote, args, arrays, num_inputs)
        try:
            out = self.forward(*arrays)
        except ValueError as error:
            if self.broadcast:
                raise _broadcast_error(arrays[:num_inputs]) from error
            raise
        if self.num_outputs == 1:
            if type(out) is not xp.ndarray:
                out = xp.asarray(out)
            result = _new(Tensor)
            result._data = out
            result._requires_grad = False
            result.grad_fn = None
            results = (result,)
        else:
            results = tuple(Tensor._make(o if type(o) is xp.ndarray else xp.asarray(o))
                            for o in out)
            result = results
        if self.view:
            base = args[0]
            replay = (base._view_replay or ()) + ((self, args[num_inputs:]),)
            for r in results:
                r._share_version(base)
                r._view_replay = replay
        if requires_grad:
            if not _grad_state.enabled:
                for r in results:
                    r._cut = _NO_GRAD_CUT
            elif self.differentiable:
                self._record(args, results)
        elif not _grad_state.enabled:
            _propagate_cut(args[:num_inputs], results)
        if _anomaly.enabled:
            _anomaly_forward(self, arrays, results)
        return result

    def on(self, *args):
        """Run on arrays (no graph) or on Tensors (recorded): how a formula uses another row."""
        for i in range(self.num_inputs):
            if isinstance(args[i], Tensor):
                return self(*args)
        return self.forward(*args)

    def public_name(self):
        name = self.name
        for suffix in ("Backward0", "Backward1", "Backward2"):
            name = name.replace(suffix, "")
        return name.lower()

    def _record(self, args, results):
        node = _new(self.node_class)
        num_inputs = self.num_inputs
        edges = []
        for x, derivative in zip(args, self.derivatives):
            if derivative is not None and isinstance(x, Tensor) and x._requires_grad:
                fn = x.grad_fn
                if fn is None:
                    # The leaf's AccumulateGrad node, via its weak reference (graph.accumulator).
                    ref = x._accumulator
                    fn = ref() if ref is not None else None
                    edges.append((fn if fn is not None else accumulator(x), 0))
                else:
                    edges.append((fn, x._output_nr))
            else:
                edges.append(_NO_EDGE)
        node.next_functions = tuple(edges)
        node._sequence_nr = next(_sequence)  # after the edges: newer than every input's node
        saved = []
        for (kind, index), guard in zip(self.save_plan, self.save_guards):
            if guard is not None and all(edges[i] is _NO_EDGE for i in guard):
                saved.append(None)  # only formulas that will not run read it
            elif kind == _INPUT:
                x = args[index]
                if isinstance(x, Tensor) and saved_tensors_hooks_stack:
                    x = pack(x)
                elif isinstance(x, Tensor):
                    record = _new(SavedTensor)
                    record.tensor = x
                    counter = x._vc
                    record.version = 0 if counter is None else counter[0]
                    x = record
                saved.append(x)
            elif kind == _ATTRIBUTE:
                saved.append(args[index] if index < len(args)
                             else self.attribute_defaults[index - num_inputs])
            elif kind == _SHAPE:
                x = args[index]
                saved.append(x._data.shape if isinstance(x, Tensor) else ())
            elif saved_tensors_hooks_stack:
                saved.append(pack(results[0]) if len(results) == 1
                             else tuple(pack(r, i) for i, r in enumerate(results)))
            else:
                saved.append(SavedResult(results[0]) if len(results) == 1
                             else tuple(SavedResult(r, i) for i, r in enumerate(results)))
        if self.num_outputs > 1:
            saved.append(tuple((r._data.shape, r._data.dtype) for r in results))
        node._saved = tuple(saved)
        out = results[0]._data
        if self.broadcast:
            for i in range(num_inputs):
                x = args[i]
                if isinstance(x, Tensor) and x._requires_grad:
                    data = x._data
                    if data.shape != out.shape:
                        if node._shapes is None:
                            node._shapes = [None] * num_inputs
                        node._shapes[i] = data.shape
                    if data.dtype != out.dtype:
                        if node._dtypes is None:
                            node._dtypes = [None] * num_inputs
                        node._dtypes[i] = data.dtype
        if len(results) == 1:
            if out.dtype in _float_dtypes:
                result = results[0]
                result._requires_grad = True
                result.grad_fn = node
            return
        for i, r in enumerate(results):
            if r._data.dtype in _float_dtypes:
                r._requires_grad = True
                r.grad_fn = node
                if i:
                    r._output_nr = i


def _propagate_cut(inputs, results):
    """Under no_grad, carry the mark of a graph cut along, so backward() can explain it."""
    for x in inputs:
        if isinstance(x, Tensor) and x._cut is not None:
            for r in results:
                r._cut = x._cut
            return


def _anomaly_forward(op, arrays, results):
    node = results[0].grad_fn
    anomaly_mode.record_forward(op.name, arrays, results, node)


def _broadcast_error(arrays):
    """PyTorch's message for shapes that do not broadcast, naming the first clashing dim."""
    shapes = [getattr(a, "shape", ()) for a in arrays if a is not None]
    ndim = max(len(s) for s in shapes)
    padded = [(1,) * (ndim - len(s)) + tuple(s) for s in shapes]
    for dim in range(ndim - 1, -1, -1):
        sizes = [s[dim] for s in padded]
        big = [s for s in sizes if s != 1]
        if len(set(big)) > 1:
            first = big[0]
            second = next(s for s in big if s != first)
            return RuntimeError(f"The size of tensor a ({first}) must match the size of tensor b "
                                f"({second}) at non-singleton dimension {dim}")
    return RuntimeError(f"shapes {shapes} cannot be broadcast together")


def _promote(kind, args, arrays, num_inputs):
    """Cast input arrays to the dtype PyTorch's promotion gives (NumPy's rules differ)."""
    if num_inputs == 1:
        if kind == "float" and arrays[0].dtype not in _float_dtypes:
            arrays[0] = arrays[0].astype(_dtype.get_default_dtype().np)
        return
    first, second = arrays[0], arrays[1]
    first_type = type(first)
    second_type = type(second)
    if num_inputs == 2 and first_type is xp.ndarray and (
            second_type is float or second_type is int) and first.dtype in _float_dtypes:
        return  # NumPy keeps a float array's dtype against a Python number, as PyTorch does
    if num_inputs == 2 and first_type is xp.ndarray and second_type is xp.ndarray:
        if first.dtype is second.dtype or first.dtype == second.dtype:
            if kind == "float" and first.dtype not in _float_dtypes:
                target = _dtype.get_default_dtype().np
                arrays[0], arrays[1] = first.astype(target), second.astype(target)
            return
    target = _dtype.result_type(*args[:num_inputs])
    if kind == "float" and not target.is_floating_point:
        target = _dtype.get_default_dtype()
    target = target.np
    for i in range(num_inputs):
        a = arrays[i]
        if type(a) is xp.ndarray:
            if a.dtype != target:
                arrays[i] = a.astype(target)
        elif a is not None:
            # Python numbers take part as 0-d arrays of the result dtype.
            arrays[i] = xp.asarray(a, dtype=target)


class _UnaryOp(Op):
    """The same op with a shorter path for its common call: one tensor, no dtype change."""

    def __call__(self, *args):
        x = args[0]
        if type(x) is not Tensor and not isinstance(x, Tensor):
            return Op.__call__(self, *args)
        data = x._data
        if self.promote == "float" and data.dtype not in _float_dtypes:
            return Op.__call__(self, *args)
        out = self.forward(data, *args[1:])
        if type(out) is not xp.ndarray:
            out = xp.asarray(out)
        result = _new(Tensor)
        result._data = out
        result._requires_grad = False
        result.grad_fn = None
        if x._requires_grad:
            if not _grad_state.enabled:
                result._cut = _NO_GRAD_CUT
            elif self.differentiable:
                self._record(args, (result,))
        elif x._cut is not None and not _grad_state.enabled:
            result._cut = x._cut
        if _anomaly.enabled:
            _anomaly_forward(self, (data,), (result,))
        return result


class _BinaryOp(Op):
    """The same op with a shorter path for its common calls: two tensors of one dtype, or a
    floating tensor and a Python number (Note [Hot path])."""

    def __call__(self, *args):
        a = args[0]
        b = args[1]
        if type(a) is not Tensor and not isinstance(a, Tensor):
            return Op.__call__(self, *args)
        first = a._data
        requires_grad = a._requires_grad
        if type(b) is Tensor or isinstance(b, Tensor):
            second = b._data
            if first.dtype is not second.dtype or (
                    self.promote == "float" and first.dtype not in _float_dtypes):
                return Op.__call__(self, *args)
            requires_grad = requires_grad or b._requires_grad
        elif (type(b) is float or type(b) is int) and first.dtype in _float_dtypes:
            second = b
        else:
            return Op.__call__(self, *args)
        try:
            out = self.forward(first, second, *args[2:])
        except ValueError as error:
            if self.broadcast:
                raise _broadcast_error((first, second)) from error
            raise
        if type(out) is not xp.ndarray:
            out = xp.asarray(out)
        result = _new(Tensor)
        result._data = out
        result._requires_grad = False
        result.grad_fn = None
        if requires_grad:
            if not _grad_state.enabled:
                result._cut = _NO_GRAD_CUT
            elif self.differentiable:
                self._record(args, (result,))
        elif not _grad_state.enabled:
            _propagate_cut(args[:2], (result,))
        if _anomaly.enabled:
            _anomaly_forward(self, (first, second), (result,))
        return result


def defop(name, forward, inputs="self", promote=None, broadcast=False, view=False, outputs=1,
          **derivatives):
    """Declare an op: PyTorch node name, forward on arrays, one formula per differentiable input.

    ``promote``: None (no dtype change), ``"binary"`` (PyTorch type promotion across inputs) or
    ``"float"`` (the same, then integer results become the default float dtype).
    ``broadcast``: reduce each input's gradient back to its shape. ``view``: the result shares
    the input's storage and version counter. ``outputs``: how many tensors forward returns.
    """
    kind = Op
    if outputs == 1 and not view:
        arity = len(inputs.split())
        kind = _UnaryOp if arity == 1 else _BinaryOp if arity == 2 else Op
    row = kind(name, forward, inputs, promote, broadcast, view, outputs, derivatives)
    REGISTRY.append(row)
    return row


class VariadicNode(Node):
    """The node of a variadic row (``cat``, ``stack``): one edge per tensor in the list."""

    __slots__ = ("_shapes", "_attributes")
    op: VariadicOp

    def apply(self, grads, create_graph):
        grad = grads[0]
        derivative = self.op.derivative
        return [None if child is None else derivative(grad, i, self._shapes, *self._attributes)
                for i, (child, _) in enumerate(self.next_functions)]


class VariadicOp:
    """A row over a list of tensors: ``forward(arrays, *attributes)`` and
    ``derivative(grad, index, shapes, *attributes)`` giving the gradient of tensor ``index``."""

    def __init__(self, name, forward, derivative):
        self.name = name
        self.forward = forward
        self.derivative = derivative
        self.node_class = type(name, (VariadicNode,), {"__slots__": (), "op": self})
        self.node_class.__module__ = "ember.autograd.graph"

    def __call__(self, tensors, *attributes):
        target = _dtype.result_type(*tensors).np if len(tensors) > 1 else None
        arrays = [t._data if target is None or t._data.dtype == target else t._data.astype(target)
                  for t in tensors]
        result = Tensor._make(xp.asarray(self.forward(arrays, *attributes)))
        if _grad_state.enabled and any(t._requires_grad for t in tensors) \
                and result._data.dtype in _float_dtypes:
            node = self.node_class()
            node.next_functions = tuple(
                ((t.grad_fn, t._output_nr) if t.grad_fn is not None else (accumulator(t), 0))
                if t._requires_grad else (None, 0) for t in tensors)
            node._sequence_nr = next(_sequence)  # stamped after its edges
            node._shapes = tuple(t._data.shape for t in tensors)
            node._attributes = attributes
            result._requires_grad = True
            result.grad_fn = node
        return result


def defop_variadic(name, forward, derivative):
    """Declare a row over a list of tensors (see :class:`VariadicOp`)."""
    row = VariadicOp(name, forward, derivative)
    REGISTRY.append(row)
    return row
