"""Optimizer: the bookkeeping shared by every optimizer (parameter groups, state, state_dict).

The update arithmetic lives in each subclass's ``step``; this base only keeps track of which
tensors are optimised with which options, and of the per-parameter state (momentum buffers,
running averages...), keyed by the parameter tensor itself as in PyTorch.
"""

from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from itertools import chain

from .._creation import tensor
from .._dtype import float32
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad, no_grad


class _RequiredParameter:
    """Marks a hyperparameter without a default (``lr`` of the old SGD signature)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj):
    if isinstance(obj, Tensor):
        return "torch." + obj.dtype._legacy
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module in ("builtins", None) else f"{module}.{name}"


class Optimizer:
    """Base class of all optimizers.

    ``params`` is an iterable of tensors, or of dicts that each hold ``'params'`` and options
    that override ``defaults`` for that group:

    >>> import ember
    >>> w, b = ember.zeros(3, requires_grad=True), ember.zeros(1, requires_grad=True)
    >>> opt = ember.optim.SGD([{'params': w, 'weight_decay': 0.1}, {'params': b}], lr=0.01)
    >>> [g['weight_decay'] for g in opt.param_groups]
    [0.1, 0]
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {_typename(params)}")
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self):
        lines = [self.__class__.__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key != "params":
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    # --- parameter groups ---------------------------------------------------------------------
    def add_param_group(self, param_group):
        """Add a group of parameters (a dict with ``'params'`` and optional option overrides)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            param_group["params"] = list(params)
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(param))
            if not param.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len({id(p) for p in params}):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # --- gradients and steps --------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True):
        """Reset the gradients of all optimised tensors (to None by default, as PyTorch 2.x)."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if grad.grad_fn is not None:
                        grad.detach_()
                    else:
                        grad.requires_grad_(False)
                    grad.zero_()

    def step(self, closure=None):
        raise NotImplementedError

    def _updates(self, group):
        """``(parameter, gradient, state)`` for each parameter of ``group`` with a gradient, as
        PyTorch's optimizers walk them: the state made on first use (``step``, a float32 0-d
        tensor as PyTorch keeps it, then :meth:`_new_state`), the gradient negated under
        ``maximize``, and ``step`` counted before the update."""
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            state = self.state[p]
            if not state:
                state["step"] = tensor(0.0, dtype=float32)
                self._new_state(group, p, state)
            if group["maximize"]:
                grad = -grad
            state["step"] += 1
            yield p, grad, state

    def _new_state(self, group, p, state):
        """Fill a parameter's state on its first update (the optimizer's buffers)."""

    def _closure_loss(self, closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # --- saving and restoring -----------------------------------------------------------------
    def state_dict(self):
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}``.

        Parameters are replaced by their position over all groups, so the dict can be loaded
        into a new optimizer over new (but identically ordered) parameters.
        """
        index_of = {}
        groups = []
        start = 0
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for offset, p in enumerate(group["params"], start):
                index_of.setdefault(id(p), offset)
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            start += len(packed["params"])
            groups.append(packed)
        state = {index_of[id(p)]: value for p, value in self.state.items()
                 if id(p) in index_of}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore what :meth:`state_dict` returned (tensors are copied, cast to each parameter's
        floating dtype except ``step``)."""
        state_dict = state_dict.copy()
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for group, saved in zip(groups, saved_groups):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't "
                                 "match the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                state[param] = {name: _cast_state(param, name, v) for name, v in value.items()}
            else:
                state[key] = value
        self.state = state
        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            new_groups.append(saved)
        self.param_groups = new_groups


def _cast_state(param, name, value):
    if isinstance(value, Tensor):
        with no_grad():
            if name != "step" and param.is_floating_point() and value.is_floating_point():
                return value.to(param.dtype, copy=True)
            return value.clone()
    if isinstance(value, dict):
        return {k: _cast_state(param, k, v) for k, v in value.items()}
    return copy.deepcopy(value)


def _check_value(value, low, message):
    if not low <= value:
        raise ValueError(message.format(value))


def _check_adam_like(eps, betas, weight_decay):
    """The checks Adam and its relatives share, with PyTorch's errors, in PyTorch's order."""
    _check_nonnegative(epsilon=eps)
    for i, beta in enumerate(betas[:2]):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
    _check_nonnegative(weight_decay=weight_decay)


def _check_nonnegative(**values):
    """PyTorch's ``Invalid <name> value: <value>`` for the first hyper-parameter below zero."""
    for name, value in values.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {name} value: {value}")


def _check_lr(lr):
    if isinstance(lr, Tensor):
        lr = lr.item()
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
