"""``ember.backends.mps``: Apple's Metal backend, which ember does not have."""


def is_available() -> bool:
    """False: ember computes on the CPU."""
    return False


def is_built() -> bool:
    """False: ember has no MPS backend."""
    return False
