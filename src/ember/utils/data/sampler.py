"""Samplers: the order in which a DataLoader visits a dataset's indices."""

from __future__ import annotations

import numpy as np

from ..._creation import randint, randperm, tensor
from ... import _dtype


class Sampler:
    """Base class: an iterable over dataset indices."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError

    def _index_array(self):
        """All indices of one pass as an int64 array (samplers that can, say so cheaply)."""
        return np.fromiter(iter(self), dtype=np.int64)


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)

    def _index_array(self):
        return np.arange(len(self.data_source), dtype=np.int64)


class RandomSampler(Sampler):
    """A random permutation each pass (or ``num_samples`` draws with replacement).

    ``generator`` (an ``ember.Generator``) makes the order repeatable; without one the order
    comes from ember's default generator, so ``ember.manual_seed`` fixes it too.
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError("replacement should be a boolean value, but got replacement="
                            f"{replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __len__(self):
        return self.num_samples

    def __iter__(self):
        return iter(self._index_array().tolist())

    def _index_array(self):
        n = len(self.data_source)
        if self.replacement:
            draws = randint(0, n, (self.num_samples,), generator=self.generator)
            return np.asarray(draws.numpy(), dtype=np.int64)
        passes = -(-self.num_samples // n)
        order = np.concatenate([randperm(n, generator=self.generator).numpy()
                                for _ in range(passes)])
        return order[:self.num_samples].astype(np.int64, copy=False)


class SubsetRandomSampler(Sampler):
    """The given indices, in a random order each pass."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __len__(self):
        return len(self.indices)

    def __iter__(self):
        return iter(self._index_array().tolist())

    def _index_array(self):
        order = randperm(len(self.indices), generator=self.generator).numpy()
        return np.asarray(self.indices, dtype=np.int64)[order]


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights``."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        self.weights = tensor(weights, dtype=_dtype.float64)
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __len__(self):
        return self.num_samples

    def __iter__(self):
        return iter(self._index_array().tolist())

    def _index_array(self):
        from ..._creation import _rng

        p = self.weights.numpy() / self.weights.numpy().sum()
        return _rng(self.generator).choice(len(p), self.num_samples, replace=self.replacement,
                                           p=p).astype(np.int64)


class BatchSampler(Sampler):
    """Group another sampler's indices into lists of ``batch_size``.

    >>> import ember
    >>> from ember.utils.data import BatchSampler, SequentialSampler
    >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
    [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler, batch_size, drop_last):
        if (not isinstance(batch_size, int) or isinstance(batch_size, bool)
                or batch_size <= 0):
            raise ValueError("batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError("drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        return (batch.tolist() for batch in self._index_batches())

    def _index_batches(self):
        """Each batch as an int64 array, sliced from one array of the whole pass."""
        if isinstance(self.sampler, Sampler):
            order = self.sampler._index_array()
        else:
            order = np.fromiter(iter(self.sampler), dtype=np.int64)
        size = self.batch_size
        stop = len(order) - len(order) % size if self.drop_last else len(order)
        return (order[i:i + size] for i in range(0, stop, size))

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return -(-len(self.sampler) // self.batch_size)
