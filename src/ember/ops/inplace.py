"""In-place ops: ``x.add_(y)``, ``x += y``, ``x[i] = v``, and writes into views.

The out-of-place row computes the value and the node; the value is written into the target's
storage, its version counter bumps (shared with its views), and a target that requires grad
takes the row's node as its ``grad_fn``. A view of a tensor that requires grad rebases its base
through the ``CopySlices`` row below. See Note [In-place ops] in docs/notes.md.
"""

from __future__ import annotations

from .. import _dtype
from .._tensor import Tensor
from ..autograd import anomaly_mode
from ..backend import xp
from . import formula
from .op import Op, SavedResult, _grad_state, defop

_user_site = anomaly_mode.user_site


def inplace(op, target, *args):
    """Run ``op`` in place on ``target``: ``x.add_(y)``, ``x += y``, ``x[i] = v``.

    The out-of-place op computes the value and the node; the value is written into ``target``'s
    storage, its version bumps, and a target that requires grad takes the new node as grad_fn.
    A view of a tensor that requires grad rebases its base instead (Note [In-place ops]).
    """
    grad_on = _grad_state.enabled
    if grad_on and target._requires_grad and target.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    others = args[:op.num_inputs - 1] if args else getattr(op, "args", ())
    tracked = grad_on and (target._requires_grad or any(
        isinstance(a, Tensor) and a._requires_grad for a in others))
    base = target._base
    rebase = tracked and base is not None and target._view_replay is not None
    if rebase and base._requires_grad and base.grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    source = target
    if tracked and op.saves_self:
        # The formula needs the value from before the write: save a snapshot of it.
        source = target._shallow_copy(target._data.copy())
    result = op(source, *args)
    value = result._data
    if value.dtype != target._data.dtype:
        result_dtype = _dtype.from_numpy_dtype[value.dtype]
        if result_dtype.category > target.dtype.category:
            raise RuntimeError(f"result type {result_dtype._legacy[:-6]} can't be cast to the "
                               f"desired output type {target.dtype._legacy[:-6]}")
    if value.shape != target._data.shape:
        raise RuntimeError(f"output with shape {list(target.shape)} doesn't match the broadcast "
                           f"shape {list(value.shape)}")
    if not target._data.flags.writeable:
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor "
                           "refers to a single memory location. Please clone() the tensor before "
                           "performing the operation.")
    if rebase:
        _rebase_view(target, base, result)
        return target
    xp.copyto(target._data, value, casting="unsafe")
    target._bump_version()
    _note_inplace(op, target)
    node = result.grad_fn
    if node is not None and tracked:
        target.grad_fn = node
        target._requires_grad = True
        target._output_nr = 0
        if node._saved is not None:
            node._saved = tuple(_retarget(s, target) for s in node._saved)
    return target


def _replay(x, replay):
    """Apply a view's recorded steps to ``x`` (an array gives a NumPy view; a Tensor records)."""
    for row, arguments in replay:
        x = row.on(x, *arguments)
    return x


def _write_view(self, value, replay):
    out = self.copy()
    _replay(out, replay)[...] = value
    return out


def _outside_view(self_shape, replay):
    mask = xp.ones(self_shape, dtype=bool)
    _replay(mask, replay)[...] = False
    return mask


# Writing into a view of a tensor that requires grad replaces the base's grad_fn with this node:
# the base's old values flow through outside the view, the new values inside it.
copy_slices_view = defop(
    "CopySlices", inputs="self value",
    forward=_write_view,
    self=lambda grad, self_shape, replay: grad * _outside_view(self_shape, replay),
    value=lambda grad, value_shape, replay: formula.sum_to(_replay(grad, replay), value_shape),
)


def _rebase_view(target, base, result):
    replay = target._view_replay
    new_base = copy_slices_view(base, result, replay)
    xp.copyto(base._data, new_base._data, casting="unsafe")
    base._bump_version()
    _note_inplace(copy_slices_view, base)
    base.grad_fn = new_base.grad_fn
    base._requires_grad = True
    base.__dict__.pop("_output_nr", None)
    regenerated = _replay(base, replay)
    target.grad_fn = regenerated.grad_fn
    target._requires_grad = True


def _note_inplace(op, target):
    """Remember which in-place op last changed this storage, and where (for error messages)."""
    counter = target._vc
    name = op.public_name() + "_" if isinstance(op, Op) else getattr(op, "name", "in-place op")
    site = anomaly_mode.user_site()
    _remember_write(counter, name, site)


def note_write(target, name):
    """Bump ``target``'s version after its array was written directly (an untracked in-place
    op) and remember the op and the user's line. (Every optimizer update runs it.)"""
    site = _user_site(1)  # (the frame above is the in-place method: ember's own)
    counter = target._vc
    if counter is None:
        target._vc = [1, (name, site)]
    else:
        counter[0] += 1
        _remember_write(counter, name, site)


def _remember_write(counter, name, site):
    if len(counter) == 1:
        counter.append((name, site))
    else:
        counter[1] = (name, site)


def _retarget(saved, target):
    """A saved result of an in-place op is the target's storage from now on."""
    if type(saved) is SavedResult:
        fresh = SavedResult.__new__(SavedResult)
        fresh.array = target._data
        fresh.counter = target._version_counter()
        fresh.version = fresh.counter[0]
        fresh.output_nr = 0
        return fresh
    return saved
