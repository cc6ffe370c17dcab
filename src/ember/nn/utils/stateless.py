"""Call a module with other tensors in place of its parameters and buffers."""

from __future__ import annotations

import contextlib
import warnings

from ... import Tensor


def _owner(module, dotted):
    path, _, name = dotted.rpartition(".")
    for item in path.split(".") if path else ():
        children = module.__dict__["_modules"]
        if item not in children:
            raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
        module = children[item]
    return module, name


def _swap(module, dotted, value):
    """Put ``value`` where ``module.<dotted>`` lives and return what was there (None: absent)."""
    owner, name = _owner(module, dotted)
    for table in ("_parameters", "_buffers"):
        entries = owner.__dict__[table]
        if name in entries:
            old = entries[name]
            if value is None:
                del entries[name]
            else:
                entries[name] = value
            return table, old
    old = owner.__dict__.get(name)
    if value is not None:
        object.__setattr__(owner, name, value)
    else:
        owner.__dict__.pop(name, None)
    return None, old


def _untie(module, values):
    """Give every name of a tied (shared) tensor the value given for any one of its names."""
    names_of = {}
    for prefix, sub in module.named_modules(remove_duplicate=False):
        for table in ("_parameters", "_buffers"):
            for name, tensor in sub.__dict__[table].items():
                if tensor is not None:
                    key = f"{prefix}.{name}" if prefix else name
                    names_of.setdefault(id(tensor), set()).add(key)
    untied = dict(values)
    for names in names_of.values():
        given = sorted(names & set(values))
        if len(names) < 2 or not given:
            continue
        if len({id(values[n]) for n in given}) > 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, "
                             "which are tied. Consider using tie_weights=False")
        for name in names:
            untied[name] = values[given[0]]
    return untied


@contextlib.contextmanager
def _reparametrize_module(module, values, tie_weights=False, strict=False):
    if tie_weights:
        values = _untie(module, values)
    if strict:
        expected = {name for name, _ in module.named_parameters(remove_duplicate=False)}
        expected |= {name for name, _ in module.named_buffers(remove_duplicate=False)}
        missing = sorted(expected - set(values))
        unexpected = sorted(set(values) - expected)
        errors = []
        if unexpected:
            errors.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            errors.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if errors:
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(
                module._get_name(), "\n\t".join(errors)))
    saved = []
    try:
        for name, value in values.items():
            if not isinstance(value, Tensor):
                raise TypeError(f"{value} is not an instance of torch.Tensor")
            saved.append((name, _swap(module, name, value)))
        yield
    finally:
        for name, (_table, old) in reversed(saved):
            _swap(module, name, old)


def _functional_call(module, values, args=None, kwargs=None, *, tie_weights=True, strict=False):
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize_module(module, values, tie_weights=tie_weights, strict=strict):
        return module(*args, **kwargs)


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True,
                    strict=False):
    """Run ``module(*args, **kwargs)`` with the named tensors in place of its parameters and
    buffers (the module is left as it was). Deprecated by PyTorch in favour of
    ``torch.func.functional_call``; warns as it does.
    """
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 "
                  "and will be removed in a future version of PyTorch. Please use "
                  "`torch.func.functional_call` instead which is a drop-in replacement.",
                  FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)
