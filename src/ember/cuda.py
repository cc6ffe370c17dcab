"""``ember.cuda``: what PyTorch's ``torch.cuda`` answers on a build without CUDA.

ember computes on the CPU, so it behaves as a CPU-only PyTorch does: ``is_available()`` is
False, the seeding and cache functions do nothing, and the functions that need a GPU raise
PyTorch's ``AssertionError('Torch not compiled with CUDA enabled')``. The usual device-selection
line therefore picks the CPU:

>>> import ember as torch
>>> 'cuda' if torch.cuda.is_available() else 'cpu'
'cpu'
"""

from __future__ import annotations

import sys
import types
import warnings

from ._tensor import NOT_COMPILED_WITH_CUDA

__all__ = ["current_device", "device_count", "empty_cache", "get_device_capability",
           "get_device_name", "get_device_properties", "init", "initial_seed",
           "is_available", "is_bf16_supported", "is_initialized", "manual_seed",
           "manual_seed_all", "max_memory_allocated", "max_memory_reserved",
           "memory_allocated", "memory_reserved", "seed", "seed_all", "synchronize"]


def _not_compiled():
    raise AssertionError(NOT_COMPILED_WITH_CUDA)


def is_available() -> bool:
    """False: ember has no GPU backend."""
    return False


def device_count() -> int:
    """0: no CUDA devices."""
    return 0


def is_initialized() -> bool:
    """False: CUDA is never initialised."""
    return False


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False, as PyTorch answers without CUDA."""
    return False


def manual_seed(seed) -> None:
    """Does nothing (no CUDA generators), as on a CPU-only PyTorch (see ``ember.manual_seed``)."""
    int(seed)


def manual_seed_all(seed) -> None:
    """Does nothing (no CUDA generators), as on a CPU-only PyTorch."""
    int(seed)


def seed() -> None:
    """Does nothing (no CUDA generators)."""


def seed_all() -> None:
    """Does nothing (no CUDA generators)."""


def empty_cache() -> None:
    """Does nothing: there is no CUDA caching allocator."""


def memory_allocated(device=None) -> int:
    """0 bytes: nothing lives on a GPU."""
    return 0


def max_memory_allocated(device=None) -> int:
    """0 bytes: nothing lives on a GPU."""
    return 0


def memory_reserved(device=None) -> int:
    """0 bytes: nothing lives on a GPU."""
    return 0


def max_memory_reserved(device=None) -> int:
    """0 bytes: nothing lives on a GPU."""
    return 0


def init() -> None:
    """Raises PyTorch's CPU-only error."""
    _not_compiled()


def synchronize(device=None) -> None:
    """Raises PyTorch's CPU-only ``AssertionError: Torch not compiled with CUDA enabled``."""
    _not_compiled()


def current_device() -> int:
    """Raises PyTorch's CPU-only error."""
    _not_compiled()


def get_device_name(device=None) -> str:
    """Raises PyTorch's CPU-only error."""
    _not_compiled()


def get_device_properties(device=None):
    """Raises PyTorch's CPU-only error."""
    _not_compiled()


def get_device_capability(device=None):
    """Raises PyTorch's CPU-only error."""
    _not_compiled()


def initial_seed() -> int:
    """Raises PyTorch's CPU-only error."""
    _not_compiled()


# --- torch.cuda.amp: the deprecated spellings of ember.amp's autocast and GradScaler -----------
def _amp_module():
    from . import amp as _amp

    def autocast(enabled=True, dtype=None, cache_enabled=True):
        """Deprecated spelling of ``ember.amp.autocast('cuda', ...)``: disabled, as without CUDA."""
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        return _amp.autocast("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)

    def GradScaler(init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5,  # noqa: N802
                   growth_interval=2000, enabled=True):
        """Deprecated spelling of ``ember.amp.GradScaler('cuda', ...)``: a pass-through."""
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        return _amp.GradScaler("cuda", init_scale, growth_factor, backoff_factor,
                               growth_interval, enabled)

    module = types.ModuleType(__name__ + ".amp", "Deprecated torch.cuda.amp spellings.")
    module.autocast, module.GradScaler = autocast, GradScaler
    sys.modules[module.__name__] = module
    return module


amp = _amp_module()
