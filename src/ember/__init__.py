"""ember: PyTorch's tensor and autograd API on NumPy, built to show what the graph is doing.

>>> import ember as torch
>>> w = torch.tensor([1.], requires_grad=True)
>>> x = torch.tensor([2.], requires_grad=True)
>>> y = (w + x) * (w + 1)
>>> y.backward()
>>> w.grad, x.grad
(tensor([5.]), tensor([2.]))
"""

from __future__ import annotations

from ._dtype import (  # noqa: F401
    bool, double, dtype, float, float16, float32, float64, get_default_dtype, half, int, int8,
    int16, int32, int64, long, promote_types, set_default_dtype, short, uint8,
)
from ._tensor import Size, Tensor, device  # noqa: F401
from ._api import FUNCTIONS as _FUNCTIONS
from ._creation import *  # noqa: F401,F403
from ._creation import default_generator  # noqa: F401
from ._printing import set_printoptions  # noqa: F401
from . import autograd  # noqa: F401
from .autograd.grad_mode import (  # noqa: F401
    enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled,
)

globals().update(_FUNCTIONS)

__version__ = "0.1.0"


def result_type(tensor1, tensor2):
    """The dtype PyTorch's promotion gives for an op on ``tensor1`` and ``tensor2``."""
    from ._dtype import result_type as _result_type

    return _result_type(tensor1, tensor2)


def can_cast(from_, to):
    return from_.category <= to.category if from_.category != to.category else (
        from_.itemsize <= to.itemsize or from_.is_floating_point)

from . import nn, optim, utils, datasets  # noqa: E402,F401
from . import linalg  # noqa: E402,F401
from .serialization import load, save  # noqa: E402,F401
from . import viz  # noqa: E402,F401
from . import func  # noqa: E402,F401
from . import distributions  # noqa: E402,F401
from ._utilities import (  # noqa: E402,F401
    are_deterministic_algorithms_enabled, compile, finfo, get_float32_matmul_precision,
    get_num_interop_threads, get_num_threads, iinfo, is_deterministic_algorithms_warn_only_enabled,
    is_storage, set_float32_matmul_precision, set_num_interop_threads, set_num_threads, typename,
    use_deterministic_algorithms,
)
from ._utilities import INPLACE_FUNCTIONS as _INPLACE_FUNCTIONS  # noqa: E402

globals().update({name: fn for name, fn in _INPLACE_FUNCTIONS.items() if name not in globals()})
from . import amp, backends, cuda, special, testing  # noqa: E402,F401
from .amp import autocast, is_autocast_enabled  # noqa: E402,F401
from ._utilities import (  # noqa: E402,F401
    LEGACY_TYPES as _LEGACY_TYPES, TypedStorage, UntypedStorage, get_default_device,
    set_default_device, set_default_tensor_type,
)

globals().update(_LEGACY_TYPES)
