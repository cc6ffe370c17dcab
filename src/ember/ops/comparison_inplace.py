"""In-place comparisons on a tensor in a graph: ``x.eq_(y)``, ``x.lt_(0)`` ...

The tensor's values become 0 or 1 in its own dtype and no gradient flows back, but PyTorch still
records a node (``EqBackward0`` for a number, ``EqBackward1`` for a tensor), and so does ember.
"""

from __future__ import annotations

from ..backend import xp
from .op import defop


def _rows(name, compare):
    def forward(self, other):
        return compare(self, other).astype(self.dtype)

    with_number = defop(f"{name}Backward0", forward=forward, self=lambda grad: grad * 0)
    with_tensor = defop(f"{name}Backward1", inputs="self other", broadcast=True,
                        forward=forward,
                        self=lambda grad: grad * 0, other=lambda grad: grad * 0)
    return with_number, with_tensor


eq = _rows("Eq", xp.equal)
ne = _rows("Ne", xp.not_equal)
lt = _rows("Lt", xp.less)
le = _rows("Le", xp.less_equal)
gt = _rows("Gt", xp.greater)
ge = _rows("Ge", xp.greater_equal)
