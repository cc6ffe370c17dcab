import pytest

import ember


@pytest.fixture(scope="package")
def deep_chain():
    """y = x * 1 * 1 * ... : a graph of 100,000 MulBackward0 nodes above one leaf."""
    x = ember.tensor(1., requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    return y, x
