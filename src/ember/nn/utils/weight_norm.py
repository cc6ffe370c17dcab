"""Weight normalisation by a forward pre-hook (the older API): ``w = g * v / ||v||``.

The parameter ``name`` is replaced by ``name_g`` (the magnitude) and ``name_v`` (the direction);
before every forward the hook recomputes ``name`` from them as a plain tensor attribute.
``nn.utils.parametrizations.weight_norm`` is the newer form of the same idea.
"""

from __future__ import annotations

import warnings

from ..parameter import Parameter


def norm_except_dim(v, pow=2, dim=0):
    """The ``pow``-norm of ``v`` over every dimension but ``dim`` (over all of them when
    ``dim == -1``), shaped to broadcast against ``v``."""
    if dim == -1:
        return v.norm(pow)
    dim = dim % v.ndim
    kept = [1] * v.ndim
    kept[dim] = v.shape[dim]
    rows = v.movedim(dim, 0).reshape(v.shape[dim], -1)
    return rows.norm(pow, dim=1).reshape(kept)


def _weight_norm(v, g, dim):
    return v * (g / norm_except_dim(v, 2, dim))


class WeightNorm:
    """The forward pre-hook that ``weight_norm`` registers (``remove_weight_norm`` finds it)."""

    def __init__(self, name, dim):
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module):
        return _weight_norm(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"),
                            self.dim)

    @staticmethod
    def apply(module, name, dim):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter "
                                   f"{name}")
        hook = WeightNorm(name, dim)
        weight = getattr(module, name)
        del module._parameters[name]
        module.register_parameter(name + "_g",
                                  Parameter(norm_except_dim(weight, 2, hook.dim).detach()))
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        setattr(module, name, hook.compute_weight(module))
        module.register_forward_pre_hook(hook)
        return hook

    def remove(self, module):
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Reparametrise ``module.<name>`` as ``<name>_g * <name>_v / ||<name>_v||`` (norms over every
    dimension but ``dim``; over the whole tensor when ``dim`` is None). Deprecated by PyTorch in
    favour of ``nn.utils.parametrizations.weight_norm``; warns as it does.

    >>> import ember, warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     m = ember.nn.utils.weight_norm(ember.nn.Linear(3, 4))
    >>> m.weight_g.shape, m.weight_v.shape
    (torch.Size([4, 1]), torch.Size([4, 3]))
    """
    warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                  "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning, stacklevel=2)
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    """Undo ``weight_norm``: ``<name>`` becomes an ordinary Parameter holding the current weight."""
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
