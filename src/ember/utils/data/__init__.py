"""ember.utils.data: datasets, samplers and the DataLoader (PyTorch's torch.utils.data)."""

from .dataloader import DataLoader, default_collate, default_convert
from .dataset import (ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset,
                      random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler, WeightedRandomSampler)

__all__ = ["DataLoader", "default_collate", "default_convert", "Dataset", "IterableDataset",
           "TensorDataset", "Subset", "ConcatDataset", "random_split", "Sampler",
           "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler"]
from .dataset import ChainDataset, StackDataset  # noqa: E402
from .distributed import DistributedSampler  # noqa: E402


from ._worker import get_worker_info  # noqa: E402

__all__ += ["ChainDataset", "StackDataset", "DistributedSampler", "get_worker_info"]
