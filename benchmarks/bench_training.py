"""Training speed, ember vs PyTorch side by side in one process.

    python benchmarks/bench_training.py            # step: 15 repeats of 20 steps; epoch: 3 repeats
    python benchmarks/bench_training.py --quick    # fewer repeats, 50-batch "epochs"
    python benchmarks/bench_training.py --cpu      # CPU time instead of wall-clock

1. One MLP training step: 784-512-256-10 with ReLU, a batch of 128 MNIST digits,
   CrossEntropyLoss, SGD (lr 0.01, momentum 0.9), float32: forward, zero_grad, backward, step.
2. One MNIST epoch *including data loading*: 469 batches of 128 from the uint8 images, each
   batch converted to float and normalised on the fly, shuffled by the DataLoader. ember uses
   ``ember.datasets.MNIST`` with its ``normalize`` transform; PyTorch (no torchvision here) a
   TensorDataset over the same uint8 tensors and the same arithmetic per batch.

Both libraries run on the same number of threads (PyTorch's set to the BLAS pool NumPy uses);
repeats are interleaved and medians reported, with the ratio ember / PyTorch.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

import ember  # noqa: E402


def blas_threads():
    try:
        from threadpoolctl import threadpool_info

        return max(info["num_threads"] for info in threadpool_info()
                   if info.get("user_api") == "blas")
    except Exception:
        return os.cpu_count() or 1


def interleaved(fns, repeats, number, clock):
    """Median seconds per call of each function; repeats alternate between the functions."""
    for fn in fns:
        fn()  # warm-up
    samples = [[] for _ in fns]
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            gc.collect()
            start = clock()
            for _ in range(number):
                fn()
            samples[i].append((clock() - start) / number)
    return [statistics.median(s) for s in samples]


def mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                         nn.Linear(256, 10))


def mlp_step(lib, images, labels):
    """One step per call, cycling through prepared batches of real MNIST digits.

    (Repeating one batch would drive the loss to zero and the gradients into subnormal floats,
    which are slow in both libraries and measure the CPU's subnormal handling instead.)
    """
    batches = [(lib.tensor(images[i:i + 128]), lib.tensor(labels[i:i + 128]))
               for i in range(0, len(images), 128)]
    model = mlp(lib)
    loss_fn = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    position = [0]

    def step():
        x, y = batches[position[0] % len(batches)]
        position[0] += 1
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step


MEAN, STD = 0.1307, 0.3081


def ember_epoch(max_batches):
    from ember.datasets import MNIST
    from ember.utils.data import DataLoader

    train_set = MNIST(train=True, transform=MNIST.normalize)

    def run():
        model = mlp(ember)
        loss_fn = ember.nn.CrossEntropyLoss()
        optimizer = ember.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        loader = DataLoader(train_set, batch_size=128, shuffle=True)
        for i, (images, labels) in enumerate(loader):
            if i == max_batches:
                break
            loss = loss_fn(model(images.flatten(1)), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    return run


def torch_epoch(max_batches):
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    from ember.datasets import MNIST

    raw = MNIST(train=True)
    dataset = TensorDataset(torch.from_numpy(raw.data.numpy().copy()),
                            torch.from_numpy(raw.targets.numpy().copy()))

    def run():
        model = mlp(torch)
        loss_fn = torch.nn.CrossEntropyLoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        loader = DataLoader(dataset, batch_size=128, shuffle=True)
        for i, (images, labels) in enumerate(loader):
            if i == max_batches:
                break
            images = (images.float() / 255.0 - MEAN) / STD
            loss = loss_fn(model(images.flatten(1)), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    return run


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cpu", action="store_true",
                        help="time process CPU seconds (all threads) instead of wall-clock: "
                             "steadier on a shared, loaded machine")
    args = parser.parse_args(argv)
    clock = time.process_time if args.cpu else time.perf_counter
    import torch

    threads = blas_threads()
    torch.set_num_threads(threads)
    ember.manual_seed(0)
    torch.manual_seed(0)
    step_repeats, step_number = (5, 5) if args.quick else (15, 20)
    epoch_repeats, max_batches = (1, 50) if args.quick else (3, None)

    print(f"ember {ember.__version__} vs torch {torch.__version__}, {threads} thread(s), "
          f"float32, {'CPU' if args.cpu else 'wall-clock'} time, medians of interleaved repeats")
    print(f"{'workload':<44} {'ember':>10} {'PyTorch':>10} {'ember/PyTorch':>14}")
    from ember.datasets import MNIST

    digits = MNIST(train=True)
    images = ((digits.data.numpy()[:128 * 64].reshape(-1, 784) / 255.0 - MEAN) / STD).astype(
        np.float32)
    labels = digits.targets.numpy()[:128 * 64]
    e, t = interleaved([mlp_step(ember, images, labels), mlp_step(torch, images, labels)],
                       step_repeats, step_number,
                       clock)
    print(f"{'MLP step 784-512-256-10, batch 128':<44} {e * 1e3:>7.2f} ms {t * 1e3:>7.2f} ms "
          f"{e / t:>14.2f}")
    name = "MNIST epoch incl. loading (469 batches)" if max_batches is None else (
        f"MNIST {max_batches} batches incl. loading")
    e, t = interleaved([ember_epoch(max_batches), torch_epoch(max_batches)], epoch_repeats, 1,
                       clock)
    print(f"{name:<44} {e:>8.2f} s {t:>8.2f} s {e / t:>14.2f}")


if __name__ == "__main__":
    main()
