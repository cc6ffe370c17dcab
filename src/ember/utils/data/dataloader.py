"""DataLoader: batches from a dataset, in a sampler's order, through a collate function."""

from __future__ import annotations

import collections.abc
import itertools
import multiprocessing
import multiprocessing.context
import numbers
import os
import queue
import time
import warnings

import numpy as np

from ... import _dtype
from ..._creation import as_tensor, default_generator, tensor
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ..._api.shape import stack
from . import _worker
from .dataset import IterableDataset, batch_getter
from .sampler import BatchSampler, RandomSampler, SequentialSampler


def default_convert(data):
    """Turn NumPy arrays (also inside tuples, lists and dicts) into tensors; leave the rest."""
    if isinstance(data, np.ndarray) and data.dtype.kind not in "SUO":
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # a list, as PyTorch gives
    if isinstance(data, list):
        return [default_convert(d) for d in data]
    return data


def default_collate(batch):
    """Merge a list of samples into a batch, as PyTorch's ``default_collate`` does.

    Tensors and arrays are stacked along a new first dimension; Python floats become a float64
    tensor, ints an int64 tensor; strings stay a list; tuples, lists and dicts are collated
    field by field (tuples give lists, as in PyTorch).

    >>> import ember
    >>> from ember.utils.data import default_collate
    >>> default_collate([(ember.tensor([1., 2.]), 0), (ember.tensor([3., 4.]), 1)])
    [tensor([[1., 2.],
            [3., 4.]]), tensor([0, 1])]
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        with no_grad():
            return stack(batch, 0)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "SUO":
            raise TypeError("default_collate: batch must contain tensors, numpy arrays, "
                            f"numbers, dicts or lists; found {elem.dtype}")
        return as_tensor(np.stack(batch))
    if isinstance(elem, np.generic):
        return as_tensor(np.array(batch))
    if isinstance(elem, bool):
        return tensor(batch, dtype=_dtype.bool)
    if isinstance(elem, float):
        return tensor(batch, dtype=_dtype.float64)
    if isinstance(elem, int):
        return tensor(batch, dtype=_dtype.int64)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        size = len(next(it))
        if not all(len(e) == size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [default_collate(list(s)) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return fields
        try:
            return type(elem)(fields)
        except TypeError:
            return fields
    if isinstance(elem, numbers.Number):
        return tensor(batch)
    raise TypeError("default_collate: batch must contain tensors, numpy arrays, numbers, "
                    f"dicts or lists; found {type(elem)}")


class DataLoader:
    """Iterate over ``dataset`` in batches.

    ``shuffle=True`` visits samples in a new random order each epoch (repeatable with
    ``generator=ember.Generator().manual_seed(0)`` or ``ember.manual_seed``). For datasets such
    as TensorDataset and MNIST a batch is built by indexing whole tensors with the batch's
    indices, not sample by sample.

    With ``num_workers=0`` every batch is loaded in the calling process. With
    ``num_workers > 0`` that many worker processes load batches ahead of time, as in PyTorch:

    - map-style datasets: batch ``i`` of an epoch is built (indexed and collated) by worker
      ``i % num_workers``; batches come back in the sampler's order, or as soon as they are ready
      with ``in_order=False``. Each worker keeps up to ``prefetch_factor`` (default 2) batches
      requested ahead.
    - iterable-style datasets: every worker iterates its own copy of the dataset and forms its
      own batches, so without sharding by ``get_worker_info()`` each sample comes once per
      worker. Batches alternate between the workers that still have data.
    - each worker seeds Python's ``random``, ember's default generator and NumPy's global
      generator from a base seed (drawn from ``generator``, or ember's default generator, for
      every new iterator) plus its id, then calls ``worker_init_fn(worker_id)``;
      ``get_worker_info()`` describes the worker from inside it.
    - an exception in a worker is raised again in the main process, with the same type and the
      worker's traceback in the message; ``timeout`` (seconds) bounds the wait for one batch.
    - workers finish when the epoch ends or the iterator is garbage collected;
      ``persistent_workers=True`` keeps them for the next epoch.
    - ``multiprocessing_context`` ('fork', 'spawn', 'forkserver' or a context) picks how
      workers start; by default, the platform's default. With 'spawn' the dataset, collate_fn and
      worker_init_fn must be picklable.

    ``pin_memory`` is accepted and, as on a PyTorch without an accelerator, only warns.

    >>> import ember
    >>> from ember.utils.data import DataLoader, TensorDataset
    >>> ds = TensorDataset(ember.arange(10.), ember.arange(10))
    >>> for x, y in DataLoader(ds, batch_size=4, drop_last=True):
    ...     print(x, y)
    tensor([0., 1., 2., 3.]) tensor([0, 1, 2, 3])
    tensor([4., 5., 6., 7.]) tensor([4, 5, 6, 7])
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set "
                             "prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self.generator = generator
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (False, None):
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None and not self._iterable:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        if collate_fn is None:
            collate_fn = default_collate if batch_size is not None or batch_sampler is not None \
                else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._stream_length = None  # len(dataset) of an IterableDataset, once len(loader) asked
        self._iterator = None  # the persistent workers' iterator
        if num_workers > 0:
            _warn_if_too_many_workers(num_workers, stacklevel=3)

    @property
    def multiprocessing_context(self):
        """How worker processes start: None (the platform's default) or a multiprocessing
        context."""
        return self._multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context):
        if context is not None:
            if self.num_workers == 0:
                raise ValueError("multiprocessing_context can only be used with multi-process "
                                 "loading (num_workers > 0), but got num_workers="
                                 f"{self.num_workers}")
            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError("multiprocessing_context option should specify a valid "
                                     f"start method in {methods!r}, but got "
                                     f"multiprocessing_context={context!r}")
                context = multiprocessing.get_context(context)
            if not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError("multiprocessing_context option should be a valid context "
                                "object or a string specifying the start method, but got "
                                f"multiprocessing_context={context}")
        self._multiprocessing_context = context

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    def __len__(self):
        if self._iterable:
            length = self._stream_length = len(self.dataset)
            if self.batch_size is not None:
                return length // self.batch_size if self.drop_last else (
                    -(-length // self.batch_size))
            return length
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)

    def __iter__(self):
        if self.num_workers == 0:
            if self.pin_memory:
                self._warn_pin_memory()
            return self._iter_in_process()
        if self.persistent_workers and self._iterator is not None \
                and not self._iterator._shutdown:
            self._iterator._reset(self)
            return self._iterator
        if self.pin_memory:
            self._warn_pin_memory()
        iterator = _WorkerIterator(self)
        if self.persistent_workers:
            self._iterator = iterator
        return iterator

    def _warn_pin_memory(self):
        from ... import cuda

        if self.pin_memory_device:
            warnings.warn("pin_memory_device is deprecated, the current accelerator will be used "
                          f"as the device,ignore pin_memory_device='{self.pin_memory_device}'.",
                          stacklevel=3)
        if not cuda.is_available():
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=3)

    def _iter_in_process(self):
        if self._iterable:
            return self._iter_stream()
        if self.batch_sampler is None:
            return (self.collate_fn(self.dataset[i]) for i in self.sampler)
        fetch = batch_getter(self.dataset) if self.collate_fn is default_collate else None
        if fetch is not None:
            return (fetch(indices) for indices in self._index_batches())
        return (self.collate_fn([self.dataset[i] for i in indices])
                for indices in self.batch_sampler)

    def _index_batches(self):
        """Each batch of indices as an int64 array (for datasets that index whole batches)."""
        if isinstance(self.batch_sampler, BatchSampler):
            return self.batch_sampler._index_batches()
        return (np.asarray(b, dtype=np.int64) for b in self.batch_sampler)

    def _iter_stream(self):
        if self.batch_size is None:
            for sample in self.dataset:
                yield self.collate_fn(sample)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

    def _whole_batches(self):
        """Whether workers build each batch by indexing whole tensors (as ``_iter_in_process``
        does when it can)."""
        return (not self._iterable and self.batch_sampler is not None
                and self.collate_fn is default_collate and batch_getter(self.dataset) is not None)

    def _worker_tasks(self, whole_batches):
        """What the main process sends to the workers for one epoch, task by task."""
        if self._iterable:
            return itertools.repeat(None)  # "your next batch"
        if self.batch_sampler is None:
            return iter(self.sampler)
        if whole_batches:
            return self._index_batches()
        return iter(self.batch_sampler)


def _warn_if_too_many_workers(num_workers, stacklevel=4):
    """PyTorch's warning when a DataLoader asks for more workers than there are CPUs."""
    checked = hasattr(os, "sched_getaffinity")
    cpus = len(os.sched_getaffinity(0)) if checked else os.cpu_count()
    if cpus is not None and num_workers <= cpus:
        return
    if cpus is None:
        suggestion = ("DataLoader is not able to compute a suggested max number of worker in "
                      "current system.")
    else:
        suggestion = (f"Our suggested max number of worker in current system is {cpus}"
                      f"{'' if checked else ' (`cpuset` is not taken into account)'}, which is "
                      "smaller than what this DataLoader is going to create.")
    warnings.warn(f"This DataLoader will create {num_workers} worker processes in total. "
                  f"{suggestion} Please be aware that excessive worker creation might get "
                  "DataLoader running slow or even freeze, lower the worker number to avoid "
                  "potential slowness/freeze if necessary.", stacklevel=stacklevel)


class _WorkerIterator:
    """One epoch (or, with persistent workers, every epoch) of batches from worker processes.

    Bookkeeping follows PyTorch's: tasks are numbered in the order they are sent; ``_pending``
    maps a task number to ``[worker_id]`` while the batch is being built and to
    ``[worker_id, batch]`` once it arrived ahead of its turn. At most
    ``prefetch_factor * num_workers`` tasks are out at once; each batch handed to the caller
    sends the next task. Replies carry the epoch they belong to, so that after an epoch left
    unfinished (persistent workers) late replies are recognised and dropped.
    """

    def __init__(self, loader):
        self._num_workers = loader.num_workers
        self._max_tasks = loader.prefetch_factor * loader.num_workers
        self._timeout = loader.timeout
        self._in_order = loader.in_order
        self._persistent = loader.persistent_workers
        self._iterable = loader._iterable
        self._dataset = loader.dataset
        self._whole_batches = loader._whole_batches()
        self._index_sampler = loader.batch_sampler if loader._auto_collation else loader.sampler
        self._epoch = 0
        _warn_if_too_many_workers(self._num_workers)
        # The base seed comes from a child stream of the generator, so drawing it leaves the
        # generator's own stream (and hence the shuffle order) as with num_workers=0.
        rng = (loader.generator or default_generator).rng
        base_seed = int(rng.spawn(1)[0].integers(0, 2 ** 63 - 1))
        batched = loader.batch_size is not None or loader.batch_sampler is not None
        context = loader.multiprocessing_context or multiprocessing
        self._result_queue = context.Queue()
        self._done_event = context.Event()
        self._index_queues, self._workers = [], []
        self._shutdown = False
        try:
            for worker_id in range(self._num_workers):
                index_queue = context.Queue()
                index_queue.cancel_join_thread()
                worker = context.Process(
                    target=_worker.worker_loop, daemon=True,
                    args=(loader.dataset, self._iterable, batched,
                          loader.collate_fn, loader.drop_last, loader.batch_size,
                          self._whole_batches, index_queue, self._result_queue,
                          self._done_event, base_seed, loader.worker_init_fn, worker_id,
                          self._num_workers))
                worker.start()
                self._index_queues.append(index_queue)
                self._workers.append(worker)
        except BaseException:
            self._shutdown_workers()
            raise
        self._reset(loader, first=True)

    def _reset(self, loader, first=False):
        self._tasks = loader._worker_tasks(self._whole_batches)
        self._stream_length = loader._stream_length
        self._sent = 0  # number of the next task to send
        self._received = 0  # number of the next batch to hand out
        self._pending = {}
        self._outstanding = [0] * self._num_workers
        self._active = [True] * self._num_workers
        self._yielded = 0
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first:
            self._epoch += 1
            if self._iterable:  # every worker starts its stream again
                for index_queue in self._index_queues:
                    index_queue.put(_worker.RESUME)
        for _ in range(self._max_tasks):
            self._send_task()

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError(f"{type(self).__name__} cannot be pickled")

    def _send_task(self):
        """Send the next task to the next worker in turn that can take it, if there is one.

        In order, any worker whose stream has not ended can; out of order
        (``in_order=False``), only one with less than its share of the tasks out, so that a
        slow worker is not given more."""
        share = self._max_tasks // max(1, sum(self._active))
        for _ in range(self._num_workers):
            worker_id = next(self._worker_cycle)
            if self._active[worker_id] and (self._in_order
                                            or self._outstanding[worker_id] < share):
                break
        else:
            return
        try:
            index = next(self._tasks)
        except StopIteration:
            return
        self._index_queues[worker_id].put((self._epoch, self._sent, index))
        self._pending[self._sent] = [worker_id]
        self._outstanding[worker_id] += 1
        self._sent += 1

    def __next__(self):
        while True:
            # Skip tasks that will never be answered: their worker's stream ended first.
            while self._received < self._sent:
                entry = self._pending.get(self._received)
                if entry is not None and (len(entry) == 2 or self._active[entry[0]]):
                    break
                self._pending.pop(self._received, None)
                self._received += 1
            else:
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            entry = self._pending[self._received]
            if len(entry) == 2:  # it arrived earlier, ahead of its turn
                del self._pending[self._received]
                self._received += 1
                return self._hand_out(entry[1])
            task, data = self._next_reply()
            if isinstance(data, _worker.StreamEnd):
                self._active[data.worker_id] = False
                if not self._persistent:
                    self._index_queues[data.worker_id].put(None)  # that worker may finish
                self._send_task()
                continue
            if task != self._received and self._in_order:
                self._pending[task].append(data)
                continue
            del self._pending[task]
            if task == self._received:
                self._received += 1
            return self._hand_out(data)

    def _hand_out(self, data):
        self._send_task()
        if isinstance(data, _worker.WorkerError):
            data.reraise()
        self._yielded += 1
        if self._iterable and self._stream_length is not None \
                and self._yielded > self._stream_length:
            warnings.warn(f"Length of IterableDataset {self._dataset} was reported to be "
                          f"{self._stream_length}(when accessing len(dataloader)), but "
                          f"{self._yielded} samples have been fetched. For multiprocessing "
                          "data-loading, this could be caused by not properly configuring the "
                          "IterableDataset replica at each worker. Please see "
                          "https://pytorch.org/docs/stable/data.html#torch.utils.data."
                          "IterableDataset for examples.", stacklevel=3)
        return data

    def _next_reply(self):
        """The next reply of this epoch: (task number, data)."""
        while True:
            epoch, task, data = self._get_reply()
            if epoch == self._epoch:
                self._outstanding[self._pending[task][0]] -= 1
                return task, data

    def _get_reply(self):
        wait = self._timeout if self._timeout > 0 else _worker.STATUS_CHECK_INTERVAL
        while True:
            try:
                return self._result_queue.get(timeout=wait)
            except queue.Empty:
                failed = [str(w.pid) for w, active in zip(self._workers, self._active)
                          if active and not w.is_alive()]
                if failed:
                    self._shutdown_workers()
                    raise RuntimeError(f"DataLoader worker (pid(s) {', '.join(failed)}) exited "
                                       "unexpectedly") from None
                if self._timeout > 0:
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} "
                                       "seconds") from None

    def _shutdown_workers(self):
        """Stop every worker and reap it: ask politely, wait briefly, then terminate."""
        if self._shutdown:
            return
        self._shutdown = True
        try:
            self._done_event.set()
            for index_queue, worker in zip(self._index_queues, self._workers):
                if worker.is_alive():
                    index_queue.put(None)
            deadline = time.monotonic() + _worker.STATUS_CHECK_INTERVAL
            for worker in self._workers:
                worker.join(timeout=max(0.0, deadline - time.monotonic()))
            for worker in self._workers:
                if worker.is_alive():
                    worker.terminate()
                    worker.join()
        finally:
            for index_queue in self._index_queues:
                index_queue.cancel_join_thread()
                index_queue.close()
            self._result_queue.cancel_join_thread()
            self._result_queue.close()

    def __del__(self):
        try:
            self._shutdown_workers()
        except Exception:  # noqa: S110 - at interpreter exit the modules may already be gone
            pass
