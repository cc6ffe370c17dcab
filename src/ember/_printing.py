"""Tensor repr, character for character as PyTorch prints it.

The rules (precision 4, scientific notation past a 1000x spread or above 1e8 or below 1e-4,
integer-valued floats printed as ``1.``, summaries with 3 edge items past 1000 elements, lines
wrapped at 80 columns) are PyTorch's defaults; ``set_printoptions`` changes them.
"""

from __future__ import annotations

import math

import numpy as np

from . import _dtype


class _Options:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


options = _Options()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Change how tensors print (PyTorch's ``set_printoptions``)."""
    if profile == "default":
        options.precision, options.threshold, options.edgeitems, options.linewidth = 4, 1000, 3, 80
    elif profile == "short":
        options.precision, options.threshold, options.edgeitems, options.linewidth = 2, 1000, 2, 80
    elif profile == "full":
        options.precision, options.threshold, options.edgeitems, options.linewidth = (
            4, math.inf, 3, 80)
    if precision is not None:
        options.precision = precision
    if threshold is not None:
        options.threshold = threshold
    if edgeitems is not None:
        options.edgeitems = edgeitems
    if linewidth is not None:
        options.linewidth = linewidth
    options.sci_mode = sci_mode


class _Formatter:
    """Decides one number format and width for every element shown."""

    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        flat = values.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.width = max(self.width, len(str(v)))
            return
        shown = flat.astype(np.float64)
        finite = shown[np.isfinite(shown) & (shown != 0)]
        if finite.size == 0:
            return  # PyTorch sizes columns by the nonzero finite values only
        magnitudes = np.abs(finite)
        low, high = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        p = options.precision
        if self.int_mode:
            if high / low > 1000.0 or high > 1.0e8:
                self.sci_mode = True
                texts = [f"{v:.{p}e}" for v in finite.tolist()]
            else:
                texts = [f"{v:.0f}." for v in finite.tolist()]
        elif high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4:
            self.sci_mode = True
            texts = [f"{v:.{p}e}" for v in finite.tolist()]
        else:
            texts = [f"{v:.{p}f}" for v in finite.tolist()]
        if options.sci_mode is not None:
            self.sci_mode = options.sci_mode
        for text in texts:
            self.width = max(self.width, len(text))

    def _plain(self, v):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return f"{v:.0f}." if self.int_mode else f"{v:.{options.precision}f}"

    def format(self, value) -> str:
        if not self.floating:
            text = str(value)
        else:
            p = options.precision
            if not math.isfinite(value):
                text = self._plain(value)
            elif self.sci_mode:
                text = f"{value:.{p}e}"
            elif self.int_mode:
                text = f"{value:.0f}."
            else:
                text = f"{value:.{p}f}"
        return " " * (self.width - len(text)) + text


def _summarize(a: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows: the edge items of every dimension."""
    e = options.edgeitems
    if a.ndim == 0:
        return a
    if a.shape[0] > 2 * e:
        a = np.concatenate([a[:e], a[-e:]])
    return np.stack([_summarize(x) for x in a]) if a.ndim > 1 and a.shape[0] else a


def _vector(a, indent, summarize, formatter):
    element_length = formatter.width + 2
    per_line = max(1, int(math.floor((options.linewidth - indent) / element_length)))
    e = options.edgeitems
    values = a.tolist()
    if summarize and len(values) > 2 * e:
        items = [formatter.format(v) for v in values[:e]] + [" ..."] + [
            formatter.format(v) for v in values[-e:]]
    else:
        items = [formatter.format(v) for v in values]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(a, indent, summarize, formatter):
    if a.ndim == 0:
        return formatter.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, formatter)
    e = options.edgeitems
    if summarize and a.shape[0] > 2 * e:
        parts = ([_nested(a[i], indent + 1, summarize, formatter) for i in range(e)] + ["..."]
                 + [_nested(a[i], indent + 1, summarize, formatter)
                    for i in range(a.shape[0] - e, a.shape[0])])
    else:
        parts = [_nested(a[i], indent + 1, summarize, formatter) for i in range(a.shape[0])]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def format_data(a: np.ndarray, indent: int) -> str:
    summarize = a.size > options.threshold
    shown = _summarize(a) if summarize else a
    if a.dtype == np.float16:
        shown = shown.astype(np.float32)
    return _nested(a if not summarize else a, indent, summarize, _Formatter(shown))


def _with_suffixes(text, suffixes, indent):
    parts = [text]
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > options.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t, prefix="tensor(") -> str:
    a = t._data
    indent = len(prefix)
    suffixes = []
    dtype = t.dtype
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        body = "[]"
    else:
        body = format_data(a, indent)
    # An empty tensor has no values to tell an integer dtype by, so PyTorch names any dtype but
    # the default float one.
    implied = (_dtype.get_default_dtype(),) if a.size == 0 else (
        _dtype.get_default_dtype(), _dtype.int64, _dtype.bool)
    if dtype not in implied:
        suffixes.append(f"dtype={dtype}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + body, suffixes, indent)
