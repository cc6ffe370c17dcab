"""The worker-process side of a DataLoader with ``num_workers > 0``.

Each worker is a process running ``worker_loop``: it seeds its random generators, calls the
user's ``worker_init_fn``, then takes tasks from its own index queue and puts results on the
queue shared by all workers. A task is ``(epoch, task_index, index)``; ``index`` is what the
main process would hand the fetcher itself: a batch of indices, one sample index, or None for an
iterable dataset (meaning "the next batch of your stream"). The reply is
``(epoch, task_index, data)``, where ``data`` is the collated batch, a ``WorkerError`` carrying a
failure back to the main process, or ``StreamEnd`` when the worker's copy of an iterable dataset
is exhausted. ``None`` on the index queue tells the worker to finish; ``RESUME`` (persistent
workers over an iterable dataset) tells it to start its stream again.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import pickle
import queue
import random
import sys
import traceback

import numpy as np

from ..._creation import manual_seed

# How long a blocking get waits before checking that the other side is still alive (seconds).
STATUS_CHECK_INTERVAL = 1.0

RESUME = "resume"

_worker_info = None


@dataclasses.dataclass(frozen=True)
class WorkerInfo:
    """What a DataLoader worker knows about itself (see ``get_worker_info``).

    ``id`` runs from 0 to ``num_workers - 1``; ``seed`` is the seed of this worker's generators;
    ``dataset`` is this worker's own copy of the dataset. Frozen, as in PyTorch.
    """

    id: int  # noqa: A003 - PyTorch's field name
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


def get_worker_info():
    """Inside a DataLoader worker process, that worker's ``WorkerInfo``; in the main process, None.

    An IterableDataset uses it to give each worker its own share of the stream:

    >>> import ember
    >>> from ember.utils.data import IterableDataset, get_worker_info
    >>> class Shard(IterableDataset):
    ...     def __iter__(self):
    ...         info = get_worker_info()
    ...         if info is None:  # loading in the main process: the whole stream
    ...             return iter(range(6))
    ...         return iter(range(info.id, 6, info.num_workers))
    >>> get_worker_info() is None
    True
    """
    return _worker_info


class _KeyErrorMessage(str):
    """A message that KeyError prints as it is (KeyError shows the repr of its argument)."""

    def __repr__(self):
        return self


class WorkerError:
    """An exception caught in a worker, sent to the main process and raised again there.

    The main process raises an exception of the same type whose message is PyTorch's:
    ``Caught ValueError in DataLoader worker process 0.`` followed by the worker's traceback.
    """

    def __init__(self, worker_id):
        exc_type, exc, tb = sys.exc_info()
        self.where = f"in DataLoader worker process {worker_id}"
        self.traceback = "".join(traceback.format_exception(exc_type, exc, tb))
        try:  # a class defined inside a function cannot travel back; RuntimeError can
            pickle.dumps(exc_type)
            self.exc_type = exc_type
        except Exception:
            self.exc_type = RuntimeError
        self.exc_name = exc_type.__name__

    def reraise(self):
        message = f"Caught {self.exc_name} {self.where}.\nOriginal {self.traceback}"
        if self.exc_type is KeyError:
            message = _KeyErrorMessage(message)
        try:
            exception = self.exc_type(message)
        except Exception:  # an exception class that wants other arguments
            raise RuntimeError(message) from None
        try:
            raise exception
        finally:
            del exception  # the traceback holds this frame: no cycle back to the exception


class StreamEnd:
    """Sent by a worker whose copy of an iterable dataset has no more batches."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


def seed_worker(base_seed, worker_id):
    """Seed Python's ``random``, ember's default generator and NumPy's global generator, as
    PyTorch seeds ``random``, torch and NumPy in each worker; returns the worker's seed."""
    seed = base_seed + worker_id
    random.seed(seed)
    manual_seed(seed)
    # NumPy's legacy seed takes 32-bit words; mix base seed and worker id so that no two
    # workers (and no worker and ``random``) share a stream.
    entropy = [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32]
    np.random.seed(np.random.SeedSequence(entropy).generate_state(4))
    return seed


def make_fetcher(dataset, iterable, auto_collation, collate_fn, drop_last, batch_size, fetch):
    """The function that turns one task's ``index`` into a batch (StopIteration: stream over)."""
    if iterable:
        stream = iter(dataset)
        if not auto_collation:
            return lambda _: collate_fn(next(stream))

        def next_batch(_):
            batch = []
            for sample in stream:
                batch.append(sample)
                if len(batch) == batch_size:
                    break
            if not batch or (drop_last and len(batch) < batch_size):
                raise StopIteration
            return collate_fn(batch)

        return next_batch
    if not auto_collation:
        return lambda index: collate_fn(dataset[index])
    if fetch is not None:  # whole-batch indexing, as the main-process path does
        return fetch
    return lambda indices: collate_fn([dataset[i] for i in indices])


def worker_loop(dataset, iterable, auto_collation, collate_fn, drop_last, batch_size,
                whole_batches, index_queue, result_queue, done_event, base_seed, worker_init_fn,
                worker_id, num_workers):
    """Body of one worker process (see the module note)."""
    global _worker_info
    from .dataset import batch_getter

    try:
        seed = seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)
        fetch = batch_getter(dataset) if whole_batches else None

        def new_fetcher():
            return make_fetcher(dataset, iterable, auto_collation, collate_fn, drop_last,
                                batch_size, fetch)

        start_error = None
        try:
            if worker_init_fn is not None:
                worker_init_fn(worker_id)
            fetcher = new_fetcher()
        except Exception:
            start_error = WorkerError(worker_id)  # reported with the first task
        stream_over = False
        parent = multiprocessing.parent_process()
        while parent is None or parent.is_alive():
            try:
                task = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if task is None:
                break
            if task == RESUME:
                stream_over = False
                try:
                    fetcher = new_fetcher()
                except Exception:
                    start_error = WorkerError(worker_id)
                continue
            if done_event.is_set() or stream_over:
                continue
            epoch, task_index, index = task
            if start_error is not None:
                data, start_error = start_error, None
            else:
                try:
                    data = fetcher(index)
                except StopIteration:
                    if not iterable:
                        data = WorkerError(worker_id)
                    else:
                        data, stream_over = StreamEnd(worker_id), True
                except Exception:
                    data = WorkerError(worker_id)
            result_queue.put((epoch, task_index, data))
            del data, index, task  # let a batch go as soon as it is sent
    except KeyboardInterrupt:
        pass  # the main process sees the interrupt too and shuts the workers down
    if done_event.is_set():
        # The main process is finishing and may not read what is still buffered: exit without
        # waiting for the queue's feeder thread to flush it.
        result_queue.cancel_join_thread()
        result_queue.close()
