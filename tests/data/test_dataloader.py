"""Datasets, samplers, collate and DataLoader, checked against PyTorch where the results are
deterministic (orders without shuffling, collate structure, lengths, errors)."""

import collections

import numpy as np
import pytest
import torch

import ember
import ember.utils.data as data
from oracle import expect_error


def as_plain(x):
    """A comparable structure: tensors become (dtype name, nested lists)."""
    if isinstance(x, (ember.Tensor, torch.Tensor)):
        return (str(x.dtype), x.tolist())
    if isinstance(x, dict):
        return {k: as_plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x).__name__, [as_plain(v) for v in x]
    return x


def tensor_dataset(lib):
    return lib.utils.data.TensorDataset(lib.arange(20.).reshape(10, 2), lib.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]))


@pytest.mark.parametrize("options", [
    dict(batch_size=3),
    dict(batch_size=3, drop_last=True),
    dict(batch_size=10),
    dict(batch_size=None),
    dict(batch_size=4, sampler=[9, 1, 3, 0, 5]),
    dict(batch_sampler=[[0, 9], [4], [2, 2, 7]]),
])
def test_tensor_dataset_batches_match_pytorch(options):
    import torch.utils.data  # noqa: F401

    ours = [as_plain(b) for b in ember.utils.data.DataLoader(tensor_dataset(ember), **options)]
    theirs = [as_plain(b) for b in torch.utils.data.DataLoader(tensor_dataset(torch), **options)]
    assert ours == theirs
    assert len(ember.utils.data.DataLoader(tensor_dataset(ember), **options)) == len(theirs)


class Samples(data.Dataset):
    """Samples of every kind default_collate knows."""

    def __init__(self, lib):
        self.lib = lib

    def __len__(self):
        return 5

    def __getitem__(self, i):
        Point = collections.namedtuple("Point", "x y")
        return {"image": self.lib.ones(2, 2) * i, "label": i, "weight": i / 2, "flag": i % 2 == 0,
                "name": f"s{i}", "array": np.full(3, i, dtype=np.float32),
                "pair": (i, self.lib.tensor([i, -i])), "point": Point(i, float(i))}


def test_default_collate_matches_pytorch():
    import torch.utils.data as tdata

    ours = [as_plain(b) for b in data.DataLoader(Samples(ember), batch_size=2)]
    theirs = [as_plain(b) for b in tdata.DataLoader(TorchSamples(), batch_size=2)]
    assert ours == theirs


class TorchSamples(Samples):
    def __init__(self):
        super().__init__(torch)


def test_shuffle_is_a_permutation_and_repeatable_with_a_generator():
    ds = tensor_dataset(ember)

    def epoch(generator):
        loader = data.DataLoader(ds, batch_size=4, shuffle=True, generator=generator)
        return [y for _, ys in loader for y in ys.tolist()], [
            x[:, 0].tolist() for x, _ in loader]

    first = epoch(ember.Generator().manual_seed(3))
    again = epoch(ember.Generator().manual_seed(3))
    other = epoch(ember.Generator().manual_seed(4))
    assert first == again and first != other
    xs = sorted(v for batch in first[1] for v in batch)
    assert xs == [float(2 * i) for i in range(10)]  # every sample exactly once
    ember.manual_seed(5)
    a = epoch(None)
    ember.manual_seed(5)
    assert epoch(None) == a


def test_batches_are_built_by_whole_tensor_indexing():
    class Counting(data.TensorDataset):
        calls = 0

        def __getitem__(self, index):
            Counting.calls += 1
            return super().__getitem__(index)

    ds = Counting(ember.arange(100.), ember.arange(100))
    batches = list(data.DataLoader(ds, batch_size=32, shuffle=True))
    assert Counting.calls == 0 and [len(b[0]) for b in batches] == [32, 32, 32, 4]
    sub = data.Subset(ds, list(range(50, 100)))
    first = next(iter(data.DataLoader(sub, batch_size=5)))
    assert first[0].tolist() == [50.0, 51.0, 52.0, 53.0, 54.0] and Counting.calls == 0
    # a custom collate_fn gets the list of samples, as in PyTorch
    out = next(iter(data.DataLoader(ds, batch_size=2, collate_fn=lambda b: b)))
    assert isinstance(out, list) and len(out) == 2 and Counting.calls == 2


def test_random_split_subset_and_concat():
    gen = ember.Generator().manual_seed(0)
    a, b, c = data.random_split(range(10), [5, 3, 2], generator=gen)
    assert sorted(list(a) + list(b) + list(c)) == list(range(10))
    assert [len(a), len(b), len(c)] == [5, 3, 2]
    x, y = data.random_split(range(11), [0.5, 0.5])
    assert (len(x), len(y)) == (6, 5)  # the remainder goes round-robin, as in PyTorch
    both = data.ConcatDataset([range(3), range(10, 12)])
    assert len(both) == 5 and [both[i] for i in range(5)] == [0, 1, 2, 10, 11] and both[-1] == 11
    expect_error(lambda lib: lib.utils.data.random_split(range(3), [1, 1]), ValueError,
                 "Sum of input lengths does not equal the length of the input dataset!")


def test_samplers():
    assert list(data.SequentialSampler(range(4))) == [0, 1, 2, 3]
    order = list(data.RandomSampler(range(6), generator=ember.Generator().manual_seed(1)))
    assert sorted(order) == list(range(6))
    drawn = list(data.RandomSampler(range(3), replacement=True, num_samples=20))
    assert len(drawn) == 20 and set(drawn) <= {0, 1, 2}
    assert sorted(data.SubsetRandomSampler([7, 8, 9])) == [7, 8, 9]
    weighted = list(data.WeightedRandomSampler([0.0, 1.0, 0.0], 5))
    assert weighted == [1] * 5
    batches = data.BatchSampler(data.SequentialSampler(range(7)), 3, drop_last=True)
    assert list(batches) == [[0, 1, 2], [3, 4, 5]] and len(batches) == 2


def test_iterable_dataset():
    class Stream(data.IterableDataset):
        def __iter__(self):
            return iter(range(7))

    assert [b.tolist() for b in data.DataLoader(Stream(), batch_size=3)] == [[0, 1, 2], [3, 4, 5],
                                                                             [6]]


@pytest.mark.parametrize("options,message", [
    (dict(sampler=[0, 1], shuffle=True), "sampler option is mutually exclusive with shuffle"),
    (dict(batch_sampler=[[0]], batch_size=2),
     "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"),
    (dict(batch_size=None, drop_last=True),
     "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"),
    (dict(num_workers=-1), "num_workers option should be non-negative"),
    (dict(batch_size=0), "batch_size should be a positive integer value, but got batch_size=0"),
])
def test_dataloader_errors_match_pytorch(options, message):
    import torch.utils.data  # noqa: F401

    expect_error(lambda lib: lib.utils.data.DataLoader(tensor_dataset(lib), **options),
                 ValueError, message)


def test_tensor_dataset_size_mismatch():
    import torch.utils.data  # noqa: F401

    expect_error(lambda lib: lib.utils.data.TensorDataset(lib.zeros(3), lib.zeros(4)),
                 AssertionError, "Size mismatch between tensors")
