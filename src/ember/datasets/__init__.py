"""ember.datasets: MNIST and Fashion-MNIST (the IDX format), and image transforms."""

from . import transforms
from .mnist import MNIST, FashionMNIST, default_root, read_idx

__all__ = ["MNIST", "FashionMNIST", "transforms", "default_root", "read_idx"]
