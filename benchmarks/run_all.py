"""The benchmark suite: every workload in ember and in PyTorch, in one process.

Run:  python benchmarks/run_all.py            (writes BENCHMARKS.md at the repo root)
      python benchmarks/run_all.py --runs 3   (the whole suite three times: median and range)
      python benchmarks/run_all.py W1 W6      (only some workloads)

Each workload is written once against the PyTorch API and run with ``lib = ember`` and
``lib = torch``; repeats are interleaved and medians reported, float32 throughout, both
libraries on the same number of threads. Timing never enters a unit test.
"""

from __future__ import annotations

import datetime
import gc
import os
import platform
import resource
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "src"))

import ember  # noqa: E402


def _threads():
    try:
        from threadpoolctl import threadpool_info

        return max(info["num_threads"] for info in threadpool_info()
                   if info.get("user_api") == "blas")
    except Exception:
        return os.cpu_count() or 1


def interleaved(fns, repeats, number=1, warmup=1):
    """Median seconds per call for each function, repeats interleaved."""
    for fn in fns:
        for _ in range(warmup):
            fn()
    samples = [[] for _ in fns]
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            gc.collect()
            start = time.perf_counter()
            for _ in range(number):
                fn()
            samples[i].append((time.perf_counter() - start) / number)
    return [statistics.median(s) for s in samples]


# --- workloads: each returns a step function for a library ---------------------------------------
def w1_tiny(lib):
    w = lib.tensor([1.0], requires_grad=True)
    x = lib.tensor([2.0], requires_grad=True)

    def step():
        a = w + x
        b = w + 1
        y = a * b
        y.backward()

    return step


def _logistic_data(lib):
    rng = np.random.default_rng(0)
    x0 = rng.normal(1.7, 1.0, (100, 2)) + 1
    x1 = rng.normal(-1.7, 1.0, (100, 2)) + 1
    x = lib.tensor(np.concatenate([x0, x1]).astype(np.float32))
    y = lib.tensor(np.concatenate([np.zeros(100), np.ones(100)]).astype(np.float32)).reshape(-1, 1)
    return x, y


def w2_logistic(lib):
    x, y = _logistic_data(lib)

    def run():
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(2, 1), lib.nn.Sigmoid())
        loss_fn = lib.nn.BCELoss()
        optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        for _ in range(1000):
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    return run


def _mlp(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(784, 512), lib.nn.ReLU(), lib.nn.Linear(512, 256),
                             lib.nn.ReLU(), lib.nn.Linear(256, 10))


def w3_mlp_step(lib):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((128, 784)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 10, 128))
    model = _mlp(lib)
    loss_fn = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step


def _mnist(lib):
    from ember.datasets import MNIST

    train = MNIST(train=True)
    test = MNIST(train=False)
    def to_lib(d):
        images = (d.data.numpy().astype(np.float32) / 255.0 - 0.1307) / 0.3081
        return lib.tensor(images.reshape(-1, 784)), lib.tensor(d.targets.numpy().astype(np.int64))
    return to_lib(train), to_lib(test)


def w4_mnist_epoch(lib, results):
    (x_train, y_train), (x_test, y_test) = _mnist(lib)
    data = lib.utils.data

    def run():
        model = _mlp(lib)
        loss_fn = lib.nn.CrossEntropyLoss()
        optimizer = lib.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        loader = data.DataLoader(data.TensorDataset(x_train, y_train), batch_size=128,
                                 shuffle=True, generator=lib.Generator().manual_seed(0))
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with lib.no_grad():
            accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
        results[lib.__name__] = accuracy

    return run


def w5_deep_chain(lib, depth=2000):
    x = lib.linspace(-1, 1, 16, requires_grad=True)

    def run():
        y = x
        for _ in range(depth // 2):
            y = y * 1.0001 + 0.001
            y = y.tanh()
        y.sum().backward()

    return run


def w6_matmul(lib):
    rng = np.random.default_rng(0)
    a = lib.tensor(rng.standard_normal((1024, 1024)).astype(np.float32), requires_grad=True)
    b = lib.tensor(rng.standard_normal((1024, 1024)).astype(np.float32), requires_grad=True)

    def run():
        c = (a @ b).relu()
        c.sum().backward()

    return run


def w7_second_derivative(lib):
    x = lib.tensor(3.0, requires_grad=True)

    def run():
        y = x ** 3
        g, = lib.autograd.grad(y, x, create_graph=True)
        gg, = lib.autograd.grad(g, x)
        return gg

    return run


def w9_lenet(lib):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((64, 1, 28, 28)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 10, 64))
    nn = lib.nn
    lib.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step


def _rss_mb():
    # Linux reports ru_maxrss in kilobytes; read the current resident size from /proc instead.
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def w8_memory(lib_name):
    """Extra resident memory of 50 MLP steps, measured in a fresh interpreter per library."""
    import subprocess

    source = os.path.join(ROOT, "src")
    code = (
        f"import sys; sys.path.insert(0, {HERE!r}); sys.path.insert(0, {source!r})\n"
        f"import run_all, {lib_name} as lib\n"
        "before = run_all._rss_mb()\n"
        "step = run_all.w3_mlp_step(lib)\n"
        "for _ in range(50): step()\n"
        "print(run_all._rss_mb() - before)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


# --- the suite -----------------------------------------------------------------------------------
GOALS = {"W1": 0.20, "W2": 0.50, "W3": 1.00, "W4": 1.00, "W5": 0.50, "W6": 1.05, "W7": 0.50,
         "W8": 1.00, "W9": 1.50}
NAMES = {
    "W1": "tiny graph: (w+x)*(w+1), backward",
    "W2": "logistic regression, 1000 full-batch SGD steps",
    "W3": "MLP 784-512-256-10 step, batch 128",
    "W4": "one MNIST epoch (DataLoader, batch 128) + test accuracy",
    "W5": "deep chain: 2000 ops on (16,), backward",
    "W6": "relu(A @ B), 1024x1024, backward",
    "W7": "second derivative of x**3 via autograd.grad",
    "W8": "extra resident memory of 50 MLP steps (MB)",
    "W9": "LeNet step, batch 64",
}


def run(selected):
    import torch

    threads = _threads()
    torch.set_num_threads(threads)
    rows = []
    notes = []

    def timed(key, make, repeats, number=1, warmup=1):
        e, t = interleaved([make(ember), make(torch)], repeats, number, warmup)
        rows.append((key, e, t, e / t))
        print(f"{key}: ember {e * 1e3:.3f} ms, torch {t * 1e3:.3f} ms, ratio {e / t:.2f}",
              flush=True)
        return e, t

    if "W1" in selected:
        timed("W1", w1_tiny, repeats=15, number=2000, warmup=200)
    if "W2" in selected:
        timed("W2", w2_logistic, repeats=5)
    if "W3" in selected:
        timed("W3", w3_mlp_step, repeats=15, number=5, warmup=3)
    if "W4" in selected:
        accuracy = {}
        timed("W4", lambda lib: w4_mnist_epoch(lib, accuracy), repeats=3, warmup=0)
        notes.append(f"W4 test accuracy after one epoch: ember {accuracy['ember'] * 100:.2f}%, "
                     f"PyTorch {accuracy['torch'] * 100:.2f}%")
    if "W5" in selected:
        timed("W5", w5_deep_chain, repeats=9, number=3)
        deep = w5_deep_chain(ember, depth=100_000)
        deep()
        notes.append("W5 at depth 100,000 runs (no RecursionError).")
    if "W6" in selected:
        e, t = timed("W6", w6_matmul, repeats=7)
        a = np.random.default_rng(0).standard_normal((1024, 1024)).astype(np.float32)
        numpy_s = interleaved([lambda: a @ a], repeats=7, number=3)[0]
        gflops = 2 * 1024 ** 3 / numpy_s / 1e9
        # the step does three 1024^3 matmuls (forward, two gradients)
        ember_gflops = 3 * 2 * 1024 ** 3 / e / 1e9
        notes.append(f"W6: NumPy matmul {gflops:.1f} GFLOP/s; ember's step runs at "
                     f"{ember_gflops:.1f} GFLOP/s ({ember_gflops / gflops * 100:.0f}% of NumPy).")
    if "W7" in selected:
        timed("W7", w7_second_derivative, repeats=15, number=500, warmup=50)
    if "W8" in selected:
        e, t = w8_memory("ember"), w8_memory("torch")
        rows.append(("W8", e, t, e / t if t > 0 else float("nan")))
        print(f"W8: ember {e:.1f} MB, torch {t:.1f} MB", flush=True)
    if "W9" in selected:
        timed("W9", w9_lenet, repeats=9, number=2, warmup=2)
    return rows, notes, threads, torch.__version__


def combine(runs):
    """Rows of several whole-suite runs as one: per workload, the run with the median ratio
    (its times), plus the lowest and highest ratio seen."""
    rows = []
    for i, (key, *_) in enumerate(runs[0]):
        seen = sorted((r[i] for r in runs), key=lambda row: row[3])
        key, e, t, ratio = seen[len(seen) // 2]
        rows.append((key, e, t, ratio, seen[0][3], seen[-1][3]))
    return rows


def write_markdown(rows, notes, threads, torch_version, path, runs=1):
    spread = (f" The suite ran {runs} times; each row shows the run with the median ratio and, "
              "in brackets, the lowest and highest ratio of all runs (this 2-core machine's "
              "speed drifts; see docs/performance.md)." if runs > 1 else "")
    lines = [
        "# Benchmarks: ember vs PyTorch",
        "",
        f"Made by `python benchmarks/run_all.py --runs {runs}` on "
        f"{datetime.date.today().isoformat()}: "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, NumPy {np.__version__}, "
        f"PyTorch {torch_version} (CPU), {threads} BLAS thread(s) for both. Medians of "
        "interleaved repeats; float32. Ratio = ember time / PyTorch time (lower is better)."
        + spread,
        "",
        "| id | workload | ember | PyTorch | ratio | goal | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, e, t, ratio, low, high in rows:
        if key == "W8":
            shown = (f"{e:.1f} MB", f"{t:.1f} MB")
        elif e < 1e-3:
            shown = (f"{e * 1e6:.1f} us", f"{t * 1e6:.1f} us")
        else:
            shown = (f"{e * 1e3:.2f} ms", f"{t * 1e3:.2f} ms")
        met = "yes" if ratio <= GOALS[key] else "no"
        if runs > 1 and low <= GOALS[key] < high:
            met += " (not in every run)" if met == "yes" else " (met in some runs)"
        shown_ratio = f"{ratio:.2f}" + (f" [{low:.2f}-{high:.2f}]" if runs > 1 else "")
        lines.append(f"| {key} | {NAMES[key]} | {shown[0]} | {shown[1]} | {shown_ratio} | "
                     f"<= {GOALS[key]:.2f} | {met} |")
    lines.append("")
    lines.extend(f"- {note}" for note in notes)
    lines.append("")
    lines.append("Where the time goes in the workloads that miss their goal, with profiles and "
                 "the floors that stop them: `docs/performance.md`.")
    lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    args = sys.argv[1:]
    runs = 1
    if "--runs" in args:
        at = args.index("--runs")
        runs = int(args[at + 1])
        del args[at:at + 2]
    selected = [a for a in args if a.startswith("W")] or list(GOALS)
    results = []
    for i in range(runs):
        if runs > 1:
            print(f"-- run {i + 1} of {runs}", flush=True)
        rows, notes, threads, version = run(selected)
        results.append(rows)
    if len(selected) == len(GOALS):
        write_markdown(combine(results), notes, threads, version,
                       os.path.join(ROOT, "BENCHMARKS.md"), runs)
        print("wrote BENCHMARKS.md")


if __name__ == "__main__":
    main()
