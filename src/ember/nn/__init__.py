"""ember.nn: Modules, layers, losses, ``functional``, ``init`` and ``utils``, as in torch.nn.

>>> import ember
>>> from ember import nn
>>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
>>> model(ember.ones(3, 4)).shape
torch.Size([3, 2])
"""

from . import functional, init, utils  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import Module  # noqa: F401
from .parameter import Buffer, Parameter  # noqa: F401
