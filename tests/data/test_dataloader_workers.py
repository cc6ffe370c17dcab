"""DataLoader with worker processes (num_workers > 0), against num_workers=0 and PyTorch.

Every test checks, through an autouse fixture, that no worker process outlives it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import random
import time
import warnings

import numpy as np
import pytest

import ember
from ember.utils import data as ember_data
from oracle import expect_error, require_torch


def _data(lib):
    return ember_data if lib is ember else require_torch().utils.data


def as_plain(x):
    """A comparable structure: tensors become (dtype name, shape, nested lists)."""
    if hasattr(x, "tolist") and hasattr(x, "dtype"):
        return (str(x.dtype), tuple(x.shape), x.tolist())
    if isinstance(x, dict):
        return {k: as_plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x).__name__, [as_plain(v) for v in x]
    return x


def _gone(pid):
    """True once ``pid`` has ended and been reaped (no zombie left)."""
    return not os.path.exists(f"/proc/{pid}")


@pytest.fixture(autouse=True)
def no_worker_left_behind():
    yield
    if multiprocessing.active_children():
        gc.collect()
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []


def tensor_dataset(lib):
    return _data(lib).TensorDataset(lib.arange(22.).reshape(11, 2),
                                    lib.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1]))


def sample_dataset(lib):
    """Samples of several kinds, with the worker that built each one."""

    class Samples(_data(lib).Dataset):
        def __len__(self):
            return 7

        def __getitem__(self, i):
            info = _data(lib).get_worker_info()
            return {"index": i, "worker": -1 if info is None else info.id,
                    "half": lib.full((2,), i, dtype=lib.float16), "flag": i % 2 == 0,
                    "scalar": lib.tensor(i, dtype=lib.int32), "array": np.full(3, i, np.float32),
                    "name": f"s{i}", "pair": (i / 2, lib.tensor([i, -i]))}

    return Samples()


@pytest.mark.parametrize("options", [
    dict(batch_size=3),
    dict(batch_size=3, drop_last=True),
    dict(batch_size=None),
    dict(batch_size=4, sampler=[9, 1, 3, 0, 5, 10]),
    dict(batch_sampler=[[0, 9], [4], [2, 2, 7], [1]]),
    dict(batch_size=2, collate_fn=lambda batch: batch),
    dict(batch_size=4, in_order=False),
])
@pytest.mark.parametrize("num_workers", [1, 2])
def test_map_style_batches_match_main_process_and_torch(options, num_workers):
    torch = require_torch()
    in_process = [as_plain(b) for b in ember_data.DataLoader(tensor_dataset(ember), **options)]
    loader = ember_data.DataLoader(tensor_dataset(ember), num_workers=num_workers, **options)
    ours = [as_plain(b) for b in loader]
    theirs = [as_plain(b) for b in torch.utils.data.DataLoader(
        tensor_dataset(torch), num_workers=num_workers, **options)]
    if options.get("in_order") is False:  # the order is whatever finishes first
        ours, theirs, in_process = (sorted(map(repr, x)) for x in (ours, theirs, in_process))
    assert ours == in_process
    assert ours == theirs
    assert len(loader) == len(theirs)


def test_samples_of_every_kind_cross_the_process_boundary():
    torch = require_torch()
    ours = [as_plain(b) for b in ember_data.DataLoader(sample_dataset(ember), batch_size=3,
                                                       num_workers=2)]
    theirs = [as_plain(b) for b in torch.utils.data.DataLoader(sample_dataset(torch),
                                                               batch_size=3, num_workers=2)]
    assert ours == theirs
    # batch i was built by worker i % num_workers
    assert [b["worker"][2] for b in ours] == [[0, 0, 0], [1, 1, 1], [0]]
    in_process = [as_plain(b) for b in ember_data.DataLoader(sample_dataset(ember), batch_size=3)]
    assert [b["worker"][2] for b in in_process] == [[-1] * 3, [-1] * 3, [-1]]
    for ours_batch, main_batch in zip(ours, in_process):
        del ours_batch["worker"], main_batch["worker"]
        assert ours_batch == main_batch


def test_shuffled_order_is_the_main_process_order_for_the_same_generator():
    def epochs(num_workers):
        loader = ember_data.DataLoader(tensor_dataset(ember), batch_size=4, shuffle=True,
                                       num_workers=num_workers,
                                       generator=ember.Generator().manual_seed(3))
        return [[y.tolist() for _, y in loader] for _ in range(2)]

    first = epochs(0)
    assert epochs(2) == first and first[0] != first[1]


class _InitRecorder:
    """worker_init_fn that leaves a mark inside the worker, for the dataset to report."""

    seen = None

    def __call__(self, worker_id):
        info = ember_data.get_worker_info()
        _InitRecorder.seen = (worker_id, info.id, info.num_workers, os.getpid())


class _Reporter(ember_data.Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        info = ember_data.get_worker_info()
        return {"index": i, "id": info.id, "num_workers": info.num_workers, "seed": info.seed,
                "pid": os.getpid(), "same_dataset": info.dataset is self,
                "repr": repr(info), "init": _InitRecorder.seen, "random": random.random(),
                "numpy": float(np.random.rand()), "ember": ember.rand(()).item()}


def _report(generator=None, **options):
    loader = ember_data.DataLoader(_Reporter(), batch_size=None, num_workers=2,
                                   worker_init_fn=_InitRecorder(), generator=generator, **options)
    return list(loader)


def test_worker_init_fn_and_get_worker_info_inside_workers():
    assert ember_data.get_worker_info() is None
    samples = _report()
    assert [s["id"] for s in samples] == [0, 1, 0, 1, 0, 1]
    assert all(s["num_workers"] == 2 and s["same_dataset"] for s in samples)
    pids = {s["id"]: s["pid"] for s in samples}
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
    for s in samples:  # worker_init_fn ran in the same worker, with its id, before any sample
        assert s["init"] == [s["id"], s["id"], 2, s["pid"]]  # default_convert: a list
        assert s["repr"].startswith(f"WorkerInfo(id={s['id']}, num_workers=2, seed={s['seed']}, "
                                    "dataset=<")
        assert s["repr"].endswith(", rng=None, worker_method='multiprocessing')")
    assert samples[1]["seed"] == samples[0]["seed"] + 1  # base seed + worker id
    assert all(_gone(pid) for pid in pids.values())  # ended and reaped
    assert ember_data.get_worker_info() is None
    info = ember_data._worker.WorkerInfo(id=0, num_workers=1, seed=0, dataset=None)
    with pytest.raises(AttributeError, match="cannot assign to field 'id'"):
        info.id = 1  # frozen, as in PyTorch


def test_worker_seeds_differ_per_worker_and_repeat_with_a_generator():
    first = _report(ember.Generator().manual_seed(11))
    again = _report(ember.Generator().manual_seed(11))
    other = _report(ember.Generator().manual_seed(12))
    keys = ("seed", "random", "numpy", "ember")
    assert [[s[k] for k in keys] for s in first] == [[s[k] for k in keys] for s in again]
    assert [s["seed"] for s in first] != [s["seed"] for s in other]
    for key in ("random", "numpy", "ember"):  # each worker has its own stream of each library
        assert first[0][key] != first[1][key]
        assert first[0][key] != other[0][key]
    # without a generator, ember.manual_seed fixes the seeds; each new iterator draws new ones
    ember.manual_seed(0)
    a, b = _report(), _report()
    ember.manual_seed(0)
    assert [s["seed"] for s in _report()] == [s["seed"] for s in a] != [s["seed"] for s in b]


def stream_dataset(lib, shard):
    class Stream(_data(lib).IterableDataset):
        def __len__(self):
            return 5

        def __iter__(self):
            info = _data(lib).get_worker_info()
            if shard and info is not None:
                return iter(range(info.id, 5, info.num_workers))
            return iter(range(5))

    return Stream()


@pytest.mark.parametrize("shard", [False, True])
@pytest.mark.parametrize("options", [dict(batch_size=2), dict(batch_size=None),
                                     dict(batch_size=2, drop_last=True)])
def test_iterable_dataset_matches_torch(shard, options):
    torch = require_torch()
    results = {}
    for lib in (ember, torch):
        loader = _data(lib).DataLoader(stream_dataset(lib, shard), num_workers=2, **options)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            length = len(loader)
            batches = [as_plain(b) for b in loader]
        messages = [str(w.message).replace(repr(loader.dataset), "DATASET") for w in caught]
        results[lib] = length, batches, messages
    assert results[ember] == results[torch]
    length, batches, messages = results[ember]
    if not shard and options["batch_size"] is None:  # every sample once per worker
        assert batches == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4] and len(messages) == 5
        assert messages[0].startswith("Length of IterableDataset DATASET was reported to be "
                                      "5(when accessing len(dataloader)), but 6 samples have "
                                      "been fetched. For multiprocessing data-loading")
    if shard:
        assert messages == []


def error_dataset(lib, exception):
    class Failing(_data(lib).Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            if i == 3:
                raise exception
            return i

    return Failing()


class TwoArgumentError(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)


@pytest.mark.parametrize("exception,raised", [
    (ValueError("bad sample 3"), ValueError),
    (KeyError("missing"), KeyError),
    (TwoArgumentError(1, 2), RuntimeError),  # cannot be rebuilt from a message alone
])
def test_errors_in_workers_are_raised_in_the_main_process(exception, raised):
    torch = require_torch()
    name = type(exception).__name__
    head = f"Caught {name} in DataLoader worker process 1.\nOriginal Traceback (most recent call"
    for lib in (torch, ember):
        iterator = iter(_data(lib).DataLoader(error_dataset(lib, exception), batch_size=2,
                                              num_workers=2))
        assert next(iterator).tolist() == [0, 1]
        with pytest.raises(raised) as error:
            next(iterator)
        assert type(error.value) is raised
        assert str(error.value).startswith(head), (lib.__name__, str(error.value))
        assert f"{name}: " in str(error.value)  # the worker's traceback ends with the original
        assert next(iterator).tolist() == [4, 5]  # loading goes on, as in PyTorch
        with pytest.raises(StopIteration):
            next(iterator)


def test_error_in_worker_init_fn_comes_with_the_first_batch():
    def init(worker_id):
        raise ValueError(f"cannot start {worker_id}")

    loader = ember_data.DataLoader(ember.arange(4), batch_size=2, num_workers=1,
                                   worker_init_fn=init)
    with pytest.raises(ValueError, match="^Caught ValueError in DataLoader worker process 0"
                       r"\.\nOriginal Traceback[\s\S]*ValueError: cannot start 0"):
        list(loader)


def test_persistent_workers_serve_several_epochs():
    class Pids(ember_data.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return i, os.getpid()

    loader = ember_data.DataLoader(Pids(), batch_size=2, num_workers=2, persistent_workers=True)
    first = iter(loader)
    epoch1 = [(b[0].tolist(), b[1].tolist()) for b in first]
    second = iter(loader)
    assert second is first  # the same iterator, reset, as in PyTorch
    epoch2 = [(b[0].tolist(), b[1].tolist()) for b in second]
    assert [i for i, _ in epoch1] == [i for i, _ in epoch2] == [[0, 1], [2, 3], [4]]
    pids = {p for _, ps in epoch1 + epoch2 for p in ps}
    assert len(pids) == 2 and [p for _, p in epoch1] == [p for _, p in epoch2]
    # an epoch left half-way: the next one still starts at the beginning
    partial = iter(loader)
    next(partial)
    assert [b[0].tolist() for b in iter(loader)] == [[0, 1], [2, 3], [4]]
    assert not any(_gone(pid) for pid in pids)  # still alive between epochs
    del loader, first, second, partial  # reference counting alone stops the workers
    assert all(_gone(pid) for pid in pids)


def test_persistent_workers_restart_iterable_streams():
    loader = ember_data.DataLoader(stream_dataset(ember, shard=True), batch_size=2,
                                   num_workers=2, persistent_workers=True)
    assert [b.tolist() for b in loader] == [[0, 2], [1, 3], [4]]
    assert [b.tolist() for b in loader] == [[0, 2], [1, 3], [4]]


def test_iterator_garbage_collected_mid_epoch_stops_its_workers():
    class Pids(ember_data.Dataset):
        def __len__(self):
            return 100

        def __getitem__(self, i):
            return os.getpid()

    iterator = iter(ember_data.DataLoader(Pids(), batch_size=None, num_workers=2))
    pids = {next(iterator), next(iterator)}
    assert len(pids) == 2 and not any(_gone(pid) for pid in pids)
    del iterator
    assert all(_gone(pid) for pid in pids)


def test_timeout_and_worker_death():
    class Slow(ember_data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            time.sleep(3)
            return i

    loader = ember_data.DataLoader(Slow(), batch_size=2, num_workers=1, timeout=0.2)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0\.2 seconds$"):
        list(loader)
    assert time.monotonic() - start < 2.5  # includes stopping the busy worker

    class Dying(ember_data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            os._exit(3)

    with pytest.raises(RuntimeError, match=r"^DataLoader worker \(pid\(s\) \d+\) exited "
                                           "unexpectedly"):
        list(ember_data.DataLoader(Dying(), num_workers=1))


def test_in_order_false_hands_out_batches_as_they_come():
    class SlowFirst(ember_data.Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            if i == 0:
                time.sleep(0.5)
            return i

    def run(in_order):
        loader = ember_data.DataLoader(SlowFirst(), batch_size=None, num_workers=2,
                                       in_order=in_order)
        return [int(x) for x in loader]

    assert run(True) == [0, 1, 2, 3, 4, 5]
    out_of_order = run(False)
    assert sorted(out_of_order) == [0, 1, 2, 3, 4, 5] and out_of_order[0] != 0


def test_spawned_workers():
    loader = ember_data.DataLoader(tensor_dataset(ember), batch_size=4, num_workers=1,
                                   multiprocessing_context="spawn")
    assert [as_plain(b) for b in loader] == [
        as_plain(b) for b in ember_data.DataLoader(tensor_dataset(ember), batch_size=4)]


@pytest.mark.parametrize("options,exception,message", [
    (dict(prefetch_factor=2), ValueError,
     "prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
     "to enable multiprocessing, otherwise set prefetch_factor to None."),
    (dict(num_workers=2, prefetch_factor=-1), ValueError,
     "prefetch_factor option should be non-negative"),
    (dict(persistent_workers=True), ValueError, "persistent_workers option needs num_workers > 0"),
    (dict(multiprocessing_context="fork"), ValueError,
     "multiprocessing_context can only be used with multi-process loading (num_workers > 0), "
     "but got num_workers=0"),
    (dict(num_workers=1, multiprocessing_context="bogus"), ValueError,
     "multiprocessing_context option should specify a valid start method in ["),
    (dict(num_workers=1, multiprocessing_context=3), TypeError,
     "multiprocessing_context option should be a valid context object or a string specifying "
     "the start method, but got multiprocessing_context=3"),
    (dict(timeout=-1), ValueError, "timeout option should be non-negative"),
])
def test_argument_errors_match_torch(options, exception, message):
    expect_error(lambda lib: _data(lib).DataLoader(tensor_dataset(lib), **options), exception,
                 message)


def test_warnings_match_torch():
    torch = require_torch()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    for options in (dict(pin_memory=True), dict(pin_memory=True, num_workers=1),
                    dict(num_workers=cpus + 1)):
        messages = {}
        for lib in (ember, torch):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                batches = [as_plain(b) for b in _data(lib).DataLoader(
                    tensor_dataset(lib), batch_size=4, **options)]
            messages[lib] = [(w.category, str(w.message)) for w in caught], batches
        assert messages[ember] == messages[torch] and len(messages[ember][0]) >= 1


def test_worker_module_docstring_examples():
    import doctest

    result = doctest.testmod(ember_data._worker, extraglobs={"ember": ember})
    assert result.attempted > 0 and result.failed == 0
