"""PyTorch's complex-number functions on real tensors: ``sgn`` and ``angle``.

ember has no complex dtypes; on real inputs PyTorch gives these their real meaning (``sgn`` is
``sign``, ``angle`` is pi below zero and 0 elsewhere) under their own node names.
"""

from __future__ import annotations

import math

from ..backend import xp
from .op import defop


def _sgn(self):
    # PyTorch's sgn is x / |x| with 0 where that is undefined, so NaN gives 0 (sign keeps NaN).
    out = xp.sign(self)
    if self.dtype.kind == "f":
        out = xp.where(out != out, self.dtype.type(0), out)
    return out


sgn = defop("SgnBackward0", forward=_sgn, self=lambda grad: grad * 0)


def _angle(self):
    # NaN stays NaN; -0.0 counts as zero, not as negative.
    return xp.where(self < 0, self.dtype.type(math.pi), self * 0)


angle = defop("AngleBackward0", promote="float", forward=_angle, self=lambda grad: grad * 0)
