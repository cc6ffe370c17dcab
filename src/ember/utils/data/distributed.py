"""DistributedSampler: each of ``num_replicas`` processes reads its own share of a dataset.

ember has no process group, so ``num_replicas`` and ``rank`` must be given explicitly. The
arithmetic is PyTorch's: the index list is padded by repeating its start (or cut, with
``drop_last``) to a multiple of ``num_replicas``, and replica ``rank`` takes every
``num_replicas``-th index from position ``rank``. With ``shuffle`` the list is first permuted by
a generator seeded with ``seed + epoch``; ember's generator is not PyTorch's, so the order (not
the partitioning) differs from PyTorch's.
"""

from __future__ import annotations

import math

from ..._creation import Generator, randperm
from .sampler import Sampler


class DistributedSampler(Sampler):
    """The indices of ``dataset`` that replica ``rank`` of ``num_replicas`` should read.

    >>> from ember.utils.data import DistributedSampler
    >>> [list(DistributedSampler(range(5), num_replicas=2, rank=r, shuffle=False))
    ...  for r in range(2)]
    [[0, 2, 4], [1, 3, 0]]
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False):
        if num_replicas is None or rank is None:
            raise ValueError("Default process group has not been initialized, please make sure "
                             "to call init_process_group.")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, "
                             f"{num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        size = len(dataset)
        if drop_last and size % num_replicas:
            # Drop the tail so every replica gets the same number of samples.
            self.num_samples = math.ceil((size - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(size / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        size = len(self.dataset)
        if self.shuffle:
            generator = Generator()
            generator.manual_seed(self.seed + self.epoch)
            indices = randperm(size, generator=generator).tolist()
        else:
            indices = list(range(size))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            missing = self.total_size - len(indices)
            if missing > 0:
                repeats = math.ceil(missing / len(indices))
                indices += (indices * repeats)[:missing]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Use ``epoch`` in the shuffle's seed, so each epoch has its own order (same on every
        replica)."""
        self.epoch = epoch
