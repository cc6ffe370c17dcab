"""Shared timing helpers: interleaved repeats, medians, ratios ember / PyTorch."""

from __future__ import annotations

import statistics
import time


def median_time(fn, number, repeats):
    """Median seconds per call of ``fn`` over ``repeats`` runs of ``number`` calls."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def compare(ember_fn, torch_fn, number=1000, repeats=15, warmup=50):
    """Interleave ember and torch repeats so both see the same machine state."""
    for _ in range(warmup):
        ember_fn()
        torch_fn()
    ember_samples, torch_samples = [], []
    for _ in range(repeats):
        ember_samples.append(median_time(ember_fn, number, 1))
        torch_samples.append(median_time(torch_fn, number, 1))
    e, t = statistics.median(ember_samples), statistics.median(torch_samples)
    return e, t, e / t


def row(name, ember_s, torch_s, ratio, unit=1e6, suffix="us"):
    """One markdown table row: name, both times, and the ratio."""
    e, t = ember_s * unit, torch_s * unit
    return f"| {name} | {e:.1f} {suffix} | {t:.1f} {suffix} | {ratio:.2f} |"
