"""Padding layers: constant (and zero), reflection, replication and circular, in 1, 2 and 3 dims.

``padding`` is an int (every side) or PyTorch's tuple ``(last_left, last_right, prev_left, ...)``.
"""

from __future__ import annotations

from .. import functional as F
from .module import Module


class _Pad(Module):
    mode = "constant"
    dims = 1

    def __init__(self, padding, value=None):
        super().__init__()
        self.padding = (padding,) * (2 * self.dims) if isinstance(padding, int) else \
            tuple(padding)
        if self.mode == "constant":
            self.value = 0.0 if value is None else value

    def forward(self, input):  # noqa: A002
        if self.mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self):
        return str(self.padding)


class _ConstantPad(_Pad):
    def __init__(self, padding, value):
        super().__init__(padding, value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class _ZeroPad(_Pad):
    def __init__(self, padding):
        super().__init__(padding, 0.0)


def _layer(base, name, mode, dims):
    return type(name, (base,), {"mode": mode, "dims": dims, "__module__": __name__,
                                "__doc__": f"{mode.capitalize()} padding of the last {dims} "
                                           f"dim{'s' if dims > 1 else ''}."})


ConstantPad1d = _layer(_ConstantPad, "ConstantPad1d", "constant", 1)
ConstantPad2d = _layer(_ConstantPad, "ConstantPad2d", "constant", 2)
ConstantPad3d = _layer(_ConstantPad, "ConstantPad3d", "constant", 3)
ZeroPad1d = _layer(_ZeroPad, "ZeroPad1d", "constant", 1)
ZeroPad2d = _layer(_ZeroPad, "ZeroPad2d", "constant", 2)
ZeroPad3d = _layer(_ZeroPad, "ZeroPad3d", "constant", 3)
ReflectionPad1d = _layer(_Pad, "ReflectionPad1d", "reflect", 1)
ReflectionPad2d = _layer(_Pad, "ReflectionPad2d", "reflect", 2)
ReflectionPad3d = _layer(_Pad, "ReflectionPad3d", "reflect", 3)
ReplicationPad1d = _layer(_Pad, "ReplicationPad1d", "replicate", 1)
ReplicationPad2d = _layer(_Pad, "ReplicationPad2d", "replicate", 2)
ReplicationPad3d = _layer(_Pad, "ReplicationPad3d", "replicate", 3)
CircularPad1d = _layer(_Pad, "CircularPad1d", "circular", 1)
CircularPad2d = _layer(_Pad, "CircularPad2d", "circular", 2)
CircularPad3d = _layer(_Pad, "CircularPad3d", "circular", 3)
