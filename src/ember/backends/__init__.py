"""``ember.backends``: PyTorch's backend switches, answered as on a CPU-only build.

The flags (``cudnn.benchmark``, ``cuda.matmul.allow_tf32``...) can be read and set, so scripts
that tune them run unchanged; ember's NumPy kernels do not read them.

>>> import ember as torch
>>> torch.backends.mps.is_available()
False
>>> torch.backends.cudnn.benchmark = True
"""

from . import cuda, cudnn, mps  # noqa: F401

__all__ = ["cuda", "cudnn", "mps"]
