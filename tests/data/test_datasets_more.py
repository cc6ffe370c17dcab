"""ChainDataset, StackDataset, get_worker_info and DistributedSampler against PyTorch.

DistributedSampler's shuffled order comes from ember's generator, so shuffled runs are checked
for PyTorch's partitioning properties; unshuffled runs must match PyTorch index for index.
"""

from __future__ import annotations

import pytest

import ember
from ember.utils import data as ember_data
from oracle import require_torch


def _data(lib):
    if lib is ember:
        return ember_data
    return require_torch().utils.data


def _counting(lib):
    module = _data(lib)

    class Count(module.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    return Count


@pytest.fixture(params=["ember", "torch"])
def lib(request):
    return ember if request.param == "ember" else require_torch()


def test_chain_dataset(lib):
    data, Count = _data(lib), _counting(lib)
    chain = data.ChainDataset([Count(2), Count(3)])
    assert list(chain) == [0, 1, 0, 1, 2]
    assert len(chain) == 5
    with pytest.raises(AssertionError, match="^ChainDataset only supports IterableDataset"):
        list(data.ChainDataset([Count(1), [7]]))
    loader = data.DataLoader(chain, batch_size=2)
    assert [batch.tolist() for batch in loader] == [[0, 1], [0, 1], [2]]


def test_stack_dataset(lib):
    data = _data(lib)
    pairs = data.StackDataset([1, 2], [3, 4])
    assert pairs[1] == (2, 4) and len(pairs) == 2
    assert pairs.__getitems__([0, 1]) == [(1, 3), (2, 4)]
    named = data.StackDataset(a=[1, 2], b=[3, 4])
    assert named[1] == {"a": 2, "b": 4}
    assert named.__getitems__([0]) == [{"a": 1, "b": 3}]
    x = lib.arange(6.0).reshape(3, 2)
    batches = list(data.DataLoader(data.StackDataset(x, lib.tensor([0, 1, 2])), batch_size=2))
    assert [b[1].tolist() for b in batches] == [[0, 1], [2]]
    assert batches[0][0].tolist() == [[0.0, 1.0], [2.0, 3.0]]
    for args, kwargs, message in (
            (([1, 2], [3]), {}, "Size mismatch between datasets"),
            (([1, 2],), {"b": [3, 4]}, "Supported either ``tuple``- (via ``args``) or``dict``-"),
            ((), {}, "At least one dataset should be passed")):
        with pytest.raises(ValueError) as error:
            data.StackDataset(*args, **kwargs)
        assert str(error.value).startswith(message)


def test_get_worker_info_in_the_main_process(lib):
    assert _data(lib).get_worker_info() is None


@pytest.mark.parametrize("size", [0, 1, 7, 10, 12])
@pytest.mark.parametrize("replicas", [1, 3, 4])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_sampler_unshuffled_matches_torch(size, replicas, drop_last):
    torch = require_torch()
    for rank in range(replicas):
        e = ember_data.DistributedSampler(range(size), num_replicas=replicas, rank=rank,
                                          shuffle=False, drop_last=drop_last)
        if size == 0 and not drop_last:
            assert list(e) == [] and len(e) == 0
            continue
        t = torch.utils.data.DistributedSampler(range(size), num_replicas=replicas, rank=rank,
                                                shuffle=False, drop_last=drop_last)
        assert list(e) == list(t)
        assert len(e) == len(t) == len(list(e))


@pytest.mark.parametrize("size,replicas,drop_last", [(10, 3, False), (10, 3, True),
                                                     (8, 4, False), (5, 2, True)])
def test_distributed_sampler_shuffled_partitions(size, replicas, drop_last):
    torch = require_torch()
    expected_lengths = [len(torch.utils.data.DistributedSampler(
        range(size), num_replicas=replicas, rank=r, drop_last=drop_last)) for r in range(replicas)]
    samplers = [ember_data.DistributedSampler(range(size), num_replicas=replicas, rank=r,
                                              seed=5, drop_last=drop_last)
                for r in range(replicas)]
    shares = [list(s) for s in samplers]
    assert [len(s) for s in shares] == [len(s) for s in samplers] == expected_lengths
    everything = [i for share in shares for i in share]
    if drop_last:
        assert len(set(everything)) == len(everything)  # no index twice
    else:
        assert set(everything) == set(range(size))  # every index, padding repeats a few
        assert len(everything) - len(set(everything)) == samplers[0].total_size - size
    # the same seed and epoch give every replica the same permutation: shares are repeatable
    again = [list(ember_data.DistributedSampler(range(size), num_replicas=replicas, rank=r,
                                                seed=5, drop_last=drop_last))
             for r in range(replicas)]
    assert again == shares
    for s in samplers:
        s.set_epoch(1)
    reshuffled = [list(s) for s in samplers]
    assert reshuffled != shares
    assert [len(share) for share in reshuffled] == expected_lengths
    if not drop_last:
        assert {i for share in reshuffled for i in share} == set(range(size))


def test_distributed_sampler_errors():
    torch = require_torch()
    for module in (ember_data, torch.utils.data):
        with pytest.raises(ValueError, match=r"^Invalid rank 3, rank should be in the interval"):
            module.DistributedSampler(range(10), num_replicas=3, rank=3)
        with pytest.raises(ValueError, match=r"^Invalid rank -1"):
            module.DistributedSampler(range(10), num_replicas=3, rank=-1)
    # without a process group neither can find num_replicas and rank on its own
    with pytest.raises(ValueError, match="^Default process group has not been initialized"):
        ember_data.DistributedSampler(range(10))
    with pytest.raises(ValueError, match="^Default process group has not been initialized"):
        torch.utils.data.DistributedSampler(range(10))
