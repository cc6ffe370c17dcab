"""Shared by the distribution tests: PyTorch's argument validation kept on.

Importing torch._dynamo (as other test modules may) turns PyTorch's distribution validation off
for the whole process; the comparisons here need PyTorch's default, on.
"""

import pytest

from tests.oracle import torch

if torch is not None:
    import torch.distributions  # noqa: F401


@pytest.fixture(autouse=True)
def _torch_validates_arguments():
    if torch is None:
        yield
        return
    before = torch.distributions.Distribution._validate_args
    torch.distributions.Distribution.set_default_validate_args(True)
    yield
    torch.distributions.Distribution.set_default_validate_args(before)
