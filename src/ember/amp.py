"""``ember.amp``: automatic mixed precision, run in full precision.

PyTorch's CPU autocast computes matrix products in bfloat16, a dtype ember does not have, so
ember's :class:`autocast` runs the block unchanged, in the tensors' own dtypes, and says so once
with a ``UserWarning``. :class:`GradScaler` passes values and steps through unscaled, as
PyTorch's does with ``enabled=False``.

>>> import ember as torch
>>> with torch.autocast('cpu', enabled=False):
...     torch.ones(2) @ torch.ones(2)
tensor(2.)
"""

from __future__ import annotations

import functools
import warnings

__all__ = ["GradScaler", "autocast", "is_autocast_available", "is_autocast_enabled"]

# The device types PyTorch's device strings accept, in the order its error lists them.
_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
                 "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                 "privateuseone")


class _Warned:
    autocast = False
    scaler = False


_warned = _Warned()


def is_autocast_available(device_type: str) -> bool:
    """Whether ``autocast(device_type)`` is accepted: 'cpu' and 'cuda' (which disables itself)."""
    return device_type in ("cpu", "cuda")


def is_autocast_enabled(device_type=None) -> bool:
    """False: ember never casts ops to a lower precision, inside autocast or not."""
    return False


class autocast:
    """Mixed-precision context manager and decorator; ember runs the block in full precision.

    ``autocast('cuda')`` disables itself with PyTorch's warning, as on a CPU-only build.
    ``autocast('cpu')`` (enabled) warns once that ember keeps float32 where PyTorch would
    compute in bfloat16 (or the ``dtype`` given).

    >>> import ember as torch
    >>> @torch.autocast('cpu', enabled=False)
    ... def f(x):
    ...     return x * 2
    >>> f(torch.ones(1))
    tensor([2.])
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        kind = device_type.split(":")[0]
        if kind not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start "
                               f"of device string: {device_type}")
        self.device = device_type
        self.fast_dtype = dtype
        self._enabled = bool(enabled)
        if self._enabled and kind == "cuda":
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.",
                          UserWarning, stacklevel=2)
            self._enabled = False
        elif self._enabled and kind != "cpu":
            warnings.warn(f"User specified an unsupported autocast device_type '{device_type}'",
                          UserWarning, stacklevel=2)
            self._enabled = False

    def __enter__(self):
        if self._enabled and not _warned.autocast:
            _warned.autocast = True
            warnings.warn("ember's autocast runs the block in full precision: ember has no "
                          "bfloat16, so no op is cast to a lower-precision dtype.",
                          UserWarning, stacklevel=2)
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return run


class GradScaler:
    """Loss scaling for mixed precision, as a pass-through: ember trains in full precision, so
    there is nothing to rescue from underflow. ``scale(loss)`` returns ``loss``, ``step(opt)``
    calls ``opt.step()``, ``get_scale()`` is 1.0 and ``is_enabled()`` is False, PyTorch's
    behaviour with ``enabled=False``. Asking for an enabled scaler warns once.

    >>> import ember as torch
    >>> scaler = torch.amp.GradScaler(enabled=False)
    >>> scaler.scale(torch.tensor(3.))
    tensor(3.)
    """

    def __init__(self, device="cuda", init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        self._device = device
        if enabled:
            if str(device).split(":")[0] == "cuda":
                warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available. "
                              " Disabling.", UserWarning, stacklevel=2)
            elif not _warned.scaler:
                _warned.scaler = True
                warnings.warn("ember's GradScaler does not scale: ember trains in full "
                              "precision, so it passes the loss and the step through.",
                              UserWarning, stacklevel=2)
        self._enabled = False

    def is_enabled(self) -> bool:
        return self._enabled

    def scale(self, outputs):
        return outputs

    def unscale_(self, optimizer) -> None:
        return None

    def step(self, optimizer, *args, **kwargs):
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None) -> None:
        return None

    def get_scale(self) -> float:
        return 1.0

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state_dict) -> None:
        return None
