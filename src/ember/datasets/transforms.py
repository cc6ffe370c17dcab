"""Transforms for image datasets: uint8 images to normalised float tensors.

Each transform works on one sample (``__call__``) and on a stacked batch (``batch``), so a
DataLoader can transform a whole batch with a few array operations.
"""

from __future__ import annotations

from .. import _dtype
from .._creation import tensor
from ..autograd.grad_mode import no_grad


class Compose:
    """Apply transforms one after the other.

    >>> import ember
    >>> from ember.datasets.transforms import Compose, Normalize, ToTensor
    >>> t = Compose([ToTensor(), Normalize((0.5,), (0.5,))])
    >>> t(ember.tensor([[0, 255]], dtype=ember.uint8))
    tensor([[[-1.,  1.]]])
    """

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, sample):
        for t in self.transforms:
            sample = t(sample)
        return sample

    def batch(self, samples):
        for t in self.transforms:
            samples = _batch(t, samples)
        return samples

    def __repr__(self):
        inner = "".join(f"\n    {t!r}" for t in self.transforms)
        return f"{type(self).__name__}({inner}\n)"


def _batch(transform, samples):
    """A batch through ``transform``: its ``batch`` method, or sample by sample and restacked."""
    method = getattr(transform, "batch", None)
    if method is not None:
        return method(samples)
    from .._api.shape import stack

    return stack([transform(s) for s in samples])


class ToTensor:
    """A uint8 image (H x W, or H x W x C) to a float32 tensor C x H x W with values in [0, 1]."""

    def __call__(self, image):
        return self._convert(image, batched=False)

    def batch(self, images):
        return self._convert(images, batched=True)

    @staticmethod
    def _convert(images, batched):
        images = images if hasattr(images, "dtype") and hasattr(images, "to") else tensor(images)
        with no_grad():
            x = images.to(_dtype.float32)
            if images.dtype is _dtype.uint8:
                x = x / 255.0
            channel_dim = 1 if batched else 0
            if x.ndim == 2 + batched:  # grey image: add the channel dimension
                return x.unsqueeze(channel_dim)
            return x.permute(*range(batched), -1, -3, -2) if batched else x.permute(2, 0, 1)

    def __repr__(self):
        return "ToTensor()"


class Normalize:
    """``(x - mean) / std`` per channel, for C x H x W images (or N x C x H x W batches)."""

    def __init__(self, mean, std):
        self.mean = tuple(mean)
        self.std = tuple(std)
        self._mean = tensor(self.mean, dtype=_dtype.float32).reshape(-1, 1, 1)
        self._std = tensor(self.std, dtype=_dtype.float32).reshape(-1, 1, 1)
        if any(s == 0 for s in self.std):
            raise ValueError("std evaluated to zero after conversion to torch.float32, leading "
                             "to division by zero.")

    def __call__(self, image):
        with no_grad():
            return (image - self._mean) / self._std

    batch = __call__

    def __repr__(self):
        return f"Normalize(mean={self.mean}, std={self.std})"


class Lambda:
    """Wrap a function as a transform (applied sample by sample)."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, sample):
        return self.fn(sample)
