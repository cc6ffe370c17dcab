"""Anomaly detection and errors that say where: the user's file and line, not ember's.

``detect_anomaly()`` / ``set_detect_anomaly(True)`` behave as in PyTorch (a backward node that
returns NaN raises "Function 'LogBackward0' returned nan values in its 0th output."), and ember
adds where that node was created and which forward op first produced a NaN or inf, with its
inputs' ranges. Recording a line costs a frame walk per op, so creation sites are recorded only
in anomaly mode; the line of the backward() that freed a graph and the line of an in-place op
are recorded always (once per call, which the tiny-graph benchmark does not notice).
See Note [Errors that say where] in docs/notes.md.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class _State:
    __slots__ = ("enabled", "check_nan")

    def __init__(self):
        self.enabled = False
        self.check_nan = True


state = _State()


# Both caches are keyed by id(code): a code object's own hash is not cached and hashes its
# name, constants and names on every call, which cost more than the rest of the walk.
_internal_code = {}  # id -> code object known to be ember's own (kept alive: ids stay unique)
_sites = {}  # (id of a user code object, offset) -> (that code, kept alive; "file:line")


def user_site(skip=0):
    """``file:line`` of the innermost frame outside ember (the user's line), or None.

    It runs on every in-place op and every backward, so it looks at as few frames as it can:
    each frame read from Python becomes a frame object. The caller is ember's own, and ``skip``
    says how many frames above it are known to be ember's too; those are not looked at. Frames
    are reached with ``sys._getframe(depth)``, which builds no objects for the frames it passes.
    ember's own code objects are remembered after their file name is checked once, and the
    user's recent lines by (code object, instruction offset) in a bounded cache."""
    depth = 2 + skip
    while True:
        try:
            frame = sys._getframe(depth)
        except ValueError:
            return None
        code = frame.f_code
        if id(code) not in _internal_code:
            seen = _sites.get((id(code), frame.f_lasti))
            if seen is not None:
                return seen[1]
            filename = code.co_filename
            if not filename.startswith(_PACKAGE) and not filename.startswith("<frozen"):
                if len(_sites) > 4096:  # (bounded: code made at run time must not pile up)
                    _sites.clear()
                site = f"{filename}:{frame.f_lineno}"
                _sites[id(code), frame.f_lasti] = (code, site)
                return site
            _internal_code[id(code)] = code
        depth += 1


def is_anomaly_enabled() -> bool:
    return state.enabled


def is_anomaly_check_nan_enabled() -> bool:
    return state.check_nan


class detect_anomaly:
    """Context manager and decorator that turns anomaly detection on (PyTorch's name)."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self):
        self._previous = (state.enabled, state.check_nan)
        state.enabled, state.check_nan = True, self.check_nan

    def __exit__(self, *exc):
        state.enabled, state.check_nan = self._previous
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return func(*args, **kwargs)

        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off; works as a call or as a context manager."""

    def __init__(self, mode, check_nan=True):
        self._previous = (state.enabled, state.check_nan)
        state.enabled, state.check_nan = bool(mode), check_nan

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        state.enabled, state.check_nan = self._previous
        return False


# --- forward: where nodes come from, and the first op that made a NaN -------------------------
def record_forward(op_name, arrays, results, node):
    """Called for every op in anomaly mode: note the creating line and non-finite outputs."""
    import numpy as np

    site = user_site()
    if node is not None:
        node._creation_site = site
    if not state.check_nan:
        return
    for result in results:
        data = result._data
        if data.dtype.kind == "f" and data.size and not np.isfinite(data).all():
            inputs_finite = all(
                not (isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.size
                     and not np.isfinite(a).all()) for a in arrays)
            if inputs_finite:
                ranges = ", ".join(_describe(a) for a in arrays if a is not None)
                message = (f"{op_name} produced {'nan' if np.isnan(data).any() else 'inf'} "
                           f"values in its forward at {site} (inputs: {ranges})")
                if node is not None:
                    node._forward_anomaly = message
                warnings.warn("ember anomaly: " + message, RuntimeWarning, stacklevel=4)
            return


def _describe(array):
    import numpy as np

    if not isinstance(array, np.ndarray):
        return repr(array)
    if array.size == 0:
        return f"empty {array.dtype}"
    return f"{array.dtype}{list(array.shape)} in [{array.min():.4g}, {array.max():.4g}]"


# --- backward: NaN outputs of a node ------------------------------------------------------------
def check_backward(node, grads):
    """In anomaly mode, raise PyTorch's error if ``node`` returned NaN gradients."""
    import numpy as np

    if not state.check_nan:
        return
    for index, grad in enumerate(grads):
        if grad is None:
            continue
        data = getattr(grad, "_data", grad)
        if np.isnan(data).any():
            message = f"Function '{node.name()}' returned nan values in its {index}th output."
            site = getattr(node, "_creation_site", None)
            if site:
                message += f"\nember: {node.name()} was created at {site}."
            origin = _first_forward_anomaly(node)
            if origin:
                message += ("\nember: the first forward op that produced a non-finite value: "
                            + origin)
            raise RuntimeError(message)


def _first_forward_anomaly(node):
    """The oldest recorded forward NaN/inf among ``node`` and the nodes it reaches."""
    seen = {node}
    stack = [node]
    found = []
    while stack:
        current = stack.pop()
        message = getattr(current, "_forward_anomaly", None)
        if message:
            found.append((current._sequence_nr, message))
        for child, _ in current.next_functions:
            if child is not None and child not in seen:
                seen.add(child)
                stack.append(child)
    return min(found)[1] if found else None


# --- messages that say where --------------------------------------------------------------------
def freed_explanation(node, freed_at):
    """What to add to PyTorch's "backward through the graph a second time" message."""
    created = getattr(node, "_creation_site", None)
    parts = [f"\n\nember: {node.name()}"]
    parts.append(f" (created at {created})" if created else
                 " (run with ember.autograd.set_detect_anomaly(True) to see the line that "
                 "created it)")
    if freed_at:
        parts.append(f" had its saved values freed by the backward() at {freed_at}.")
    else:
        parts.append(" had its saved values freed by an earlier backward().")
    parts.append(" If a tensor computed once (before a loop) is used in every iteration, "
                 "recompute it inside the loop or .detach() it; or pass retain_graph=True to the "
                 "earlier backward() if you really need to go through the graph twice.")
    return "".join(parts)


def modified_explanation(node, counter):
    """What to add to PyTorch's "modified by an inplace operation" message."""
    created = getattr(node, "_creation_site", None)
    text = f"\n\nember: the value was saved by {node.name()}"
    text += f" (created at {created})" if created else ""
    if len(counter) > 1 and counter[1]:
        op_name, site = counter[1]
        text += f" and later changed in place by {op_name} at {site}"
    text += ". Use an out-of-place op (x = x * 2 instead of x *= 2), or clone() before."
    return text


def graph_cut_explanation(tensor):
    """Why a tensor that backward() was called on has no grad_fn."""
    cut = tensor._cut
    if cut is not None:
        how, site = cut
        where = f" at {site}" if site else ""
        if how == "no_grad":
            return (f"\n\nember: this tensor was computed from tensors that require grad, but "
                    f"with grad mode off (inside no_grad(){where}), so no graph was recorded.")
        if how == "detach":
            return (f"\n\nember: this tensor comes from detach(){where}, which cuts it from the "
                    "graph.")
    return ("\n\nember: this tensor is a leaf that does not require grad: none of the tensors "
            "it was computed from required grad (set requires_grad=True on the parameters), or "
            "it was rebuilt from plain numbers (.item(), .tolist(), .numpy()), which carry no "
            "graph.")


def dtype_mismatch_hint(first, second):
    """The suggestion ember adds when float64 NumPy data meets float32 parameters."""
    if {str(first), str(second)} != {"torch.float64", "torch.float32"}:
        return ""
    return (f"\n\nember: the first operand is {first} and the second is {second}. NumPy arrays "
            "are float64 by default while ember's parameters are float32: convert the data "
            "with .float() (or torch.tensor(array, dtype=torch.float32)).")
