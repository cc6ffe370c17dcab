"""``ember.backends.cudnn``: cuDNN's switches as settable module attributes.

The defaults are PyTorch's (``enabled`` True, ``benchmark`` and ``deterministic`` False,
``allow_tf32`` True); ember records them and nothing reads them, since it has no cuDNN.
"""

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True
benchmark_limit = 10


def is_available() -> bool:
    """False: ember has no cuDNN."""
    return False


def version():
    """None: no cuDNN is linked."""
    return None
