"""Spectral normalisation by a forward pre-hook (the older API): ``w = w_orig / sigma(w_orig)``.

``sigma`` is estimated by power iteration on the weight viewed as a matrix (``dim`` first): the
buffers ``<name>_u`` and ``<name>_v`` hold the current singular-vector estimates and advance by
``n_power_iterations`` steps before every forward in training mode; in eval mode they stay fixed.
"""

from __future__ import annotations

from ... import dot, mv, no_grad
from ..functional import normalize
from ..parameter import Parameter


class SpectralNorm:
    """The forward pre-hook that ``spectral_norm`` registers."""

    def __init__(self, name="weight", n_power_iterations=1, dim=0, eps=1e-12):
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.name = name
        self.dim = dim
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight):
        matrix = weight
        if self.dim != 0:
            matrix = matrix.movedim(self.dim, 0)
        return matrix.reshape(matrix.shape[0], -1)

    def compute_weight(self, module, do_power_iteration):
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        matrix = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    # The buffers are updated in place (so state_dict sees the new estimates)...
                    v.copy_(normalize(mv(matrix.t(), u), dim=0, eps=self.eps))
                    u.copy_(normalize(mv(matrix, v), dim=0, eps=self.eps))
            # ...and the copies used below keep the values this forward saw for backward.
            u, v = u.clone(), v.clone()
        sigma = dot(u, mv(matrix, v))
        return weight / sigma

    def remove(self, module):
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        delattr(module, self.name)
        delattr(module, self.name + "_u")
        delattr(module, self.name + "_v")
        delattr(module, self.name + "_orig")
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name,
                self.compute_weight(module, do_power_iteration=module.training))

    @staticmethod
    def apply(module, name, n_power_iterations, dim, eps):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same "
                                   f"parameter {name}")
        hook = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        with no_grad():
            height, width = hook.reshape_weight_to_matrix(weight).shape
            u = normalize(weight.new_empty(height).normal_(0, 1), dim=0, eps=hook.eps)
            v = normalize(weight.new_empty(width).normal_(0, 1), dim=0, eps=hook.eps)
        delattr(module, name)
        module.register_parameter(name + "_orig", weight)
        # Until the first forward, <name> is the unnormalised weight's values (as in PyTorch).
        setattr(module, name, weight.detach())
        module.register_buffer(name + "_u", u)
        module.register_buffer(name + "_v", v)
        module.register_forward_pre_hook(hook)
        return hook


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Divide ``module.<name>`` by its largest singular value, estimated by power iteration.

    ``dim`` (default 0, or 1 for ConvTranspose layers) is the output-channel dimension.

    >>> import ember
    >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 4))
    >>> sorted(m.state_dict())
    ['bias', 'weight_orig', 'weight_u', 'weight_v']
    """
    if dim is None:
        dim = 1 if _is_conv_transpose(module) else 0
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module, name="weight"):
    """Undo ``spectral_norm``: ``<name>`` becomes an ordinary Parameter (the normalised weight)."""
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")


def _is_conv_transpose(module):
    from .. import modules

    kinds = tuple(getattr(modules, kind) for kind in
                  ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d")
                  if hasattr(modules, kind))
    return isinstance(module, kinds)
