"""``ember.testing``: PyTorch's ``assert_close`` and ``make_tensor``.

``assert_close`` compares tensors, NumPy arrays, Python numbers and (nested) sequences and
mappings of them, with PyTorch's default tolerances per dtype and its failure messages:

>>> import ember as torch
>>> torch.testing.assert_close(torch.tensor([1., 2.]), torch.tensor([1., 2.]))
>>> torch.testing.assert_close(1.0, 1.1)
Traceback (most recent call last):
...
AssertionError: Scalars are not close!
<BLANKLINE>
Expected 1.1 but got 1.0.
Absolute difference: 0.10000000000000009 (up to 1e-07 allowed)
Relative difference: 0.09090909090909098 (up to 1e-07 allowed)
"""

from __future__ import annotations

import collections.abc
import math
import numbers
import warnings

import numpy as np

from . import _dtype
from ._creation import tensor as _tensor
from ._tensor import Size, Tensor, _check_device

__all__ = ["assert_close", "make_tensor"]

# (rtol, atol) for each dtype: PyTorch's defaults; integers and bools compare exactly.
_TOLERANCES = {_dtype.float16: (1e-3, 1e-5), _dtype.float32: (1.3e-6, 1e-5),
               _dtype.float64: (1e-7, 1e-7)}


def _tolerances(*dtypes):
    pairs = [_TOLERANCES.get(d, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


class _Mismatch(AssertionError):
    """A failed comparison; the message is completed with the failing item's path."""


def _attribute_error(name, actual, expected):
    raise _Mismatch(f"The values for attribute '{name}' do not match: {actual} != {expected}.")


def _difference_text(kind, equal, value, tolerance):
    allowed = "" if equal else f" (up to {tolerance} allowed)"
    return f"{kind} difference: {value}{allowed}"


# --- scalars -------------------------------------------------------------------------------------
def _scalar_close(a, e, rtol, atol, equal_nan):
    if a == e:
        return True
    if math.isnan(a) or math.isnan(e):
        return equal_nan and math.isnan(a) and math.isnan(e)
    difference = abs(a - e)
    return math.isfinite(difference) and difference <= atol + abs(rtol * e)


def _scalar_message(a, e, rtol, atol):
    shown_a, shown_e = a, e
    a, e = (int(x) if isinstance(x, (bool, np.bool_)) else x for x in (a, e))
    difference = abs(a - e)
    if e != 0:
        relative = difference / abs(e)
    else:
        relative = math.nan if difference == 0 or math.isnan(difference) else math.inf
    equal = rtol == 0 and atol == 0
    return "\n".join([f"Scalars are not {'equal' if equal else 'close'}!", "",
                      f"Expected {shown_e} but got {shown_a}.",
                      _difference_text("Absolute", equal, difference, atol),
                      _difference_text("Relative", equal, relative, rtol)])


def _compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype):
    if check_dtype and type(actual) is not type(expected):
        raise _Mismatch(f"The (d)types do not match: {type(actual)} != {type(expected)}.")
    if rtol is None:
        kinds = {_dtype.float64 if isinstance(x, (float, np.floating)) else _dtype.int64
                 for x in (actual, expected)}
        rtol, atol = _tolerances(*kinds)
    if not _scalar_close(actual, expected, rtol, atol, equal_nan):
        raise _Mismatch(_scalar_message(actual, expected, rtol, atol))


# --- tensors -------------------------------------------------------------------------------------
def _as_tensor(x):
    return x if isinstance(x, Tensor) else _tensor(x)


def _close(a, e, rtol, atol, equal_nan):
    """PyTorch's isclose on arrays of one dtype: ``|a - e| <= atol + |rtol * e|``."""
    if a.dtype.kind in "biu":
        if rtol == 0 and atol == 0:
            return a == e
        a, e = a.astype(np.float64), e.astype(np.float64)
    with np.errstate(all="ignore"):
        close = a == e
        if equal_nan:
            close |= np.isnan(a) & np.isnan(e)
        error = np.abs(a - e)
        close |= np.isfinite(error) & (error <= atol + np.abs(rtol * e))
    return close


def _worst_differences(a, e, close):
    """The flat index and value of the largest absolute and relative differences among the
    mismatched elements, and the mismatch count."""
    total = close.size
    mismatches = total - int(np.count_nonzero(close))
    if a.dtype.kind in "biu":
        # Integers are compared as int64 so differences cannot wrap around.
        a, e = a.astype(np.int64), e.astype(np.int64)
    a, e, close = a.ravel(), e.ravel(), close.ravel()
    with np.errstate(all="ignore"):
        difference = np.abs(a - e)
        difference[close] = 0
        if difference.dtype.kind == "i":
            # PyTorch's true division of integers is a float32 division.
            relative = difference.astype(np.float32) / np.abs(e).astype(np.float32)
        else:
            relative = difference / np.abs(e)
        relative[close] = 0
    worst_abs, worst_rel = int(np.argmax(difference)), int(np.argmax(relative))
    return (worst_abs, difference[worst_abs].item(), worst_rel, relative[worst_rel].item(),
            mismatches, total)


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, check_stride):
    actual, expected = _as_tensor(actual), _as_tensor(expected)
    if actual.shape != expected.shape:
        _attribute_error("shape", actual.shape, expected.shape)
    if check_dtype and actual.dtype is not expected.dtype:
        _attribute_error("dtype", actual.dtype, expected.dtype)
    if check_stride and actual.numel() > 0 and actual.stride() != expected.stride():
        _attribute_error("stride()", actual.stride(), expected.stride())
    if rtol is None:
        rtol, atol = _tolerances(actual.dtype, expected.dtype)
    common = _dtype.promote_types(actual.dtype, expected.dtype).np
    a = np.asarray(actual.detach()._data, dtype=common)
    e = np.asarray(expected.detach()._data, dtype=common)
    close = _close(a, e, rtol, atol, equal_nan)
    if np.all(close):
        return
    if a.ndim == 0:
        raise _Mismatch(_scalar_message(a.item(), e.item(), rtol, atol))
    shape = a.shape
    worst_abs, abs_value, worst_rel, rel_value, mismatches, total = _worst_differences(a, e, close)
    equal = rtol == 0 and atol == 0

    def index(flat):
        return tuple(int(i) for i in np.unravel_index(flat, shape))

    raise _Mismatch("\n".join([
        f"Tensor-likes are not {'equal' if equal else 'close'}!", "",
        f"Mismatched elements: {mismatches} / {total} ({mismatches / total:.1%})",
        _difference_text("Greatest absolute", equal, f"{abs_value} at index {index(worst_abs)}",
                         atol),
        _difference_text("Greatest relative", equal, f"{rel_value} at index {index(worst_rel)}",
                         rtol)]))


# --- the recursive walk --------------------------------------------------------------------------
def _is_number(x):
    return isinstance(x, numbers.Number) and not isinstance(x, (bool, np.bool_))


def _is_sequence(x):
    return isinstance(x, collections.abc.Sequence) and not isinstance(x, (str, bytes))


def _compare(actual, expected, path, options):
    if isinstance(actual, collections.abc.Mapping) and \
            isinstance(expected, collections.abc.Mapping):
        missing = sorted(set(expected) - set(actual), key=repr)
        extra = sorted(set(actual) - set(expected), key=repr)
        if missing or extra:
            lines = ["The keys of the mappings do not match:"]
            if missing:
                lines.append(f"Missing keys in the actual mapping: {missing}")
            if extra:
                lines.append(f"Additional keys in the actual mapping: {extra}")
            raise _Mismatch("\n".join(lines))
        for key in expected:
            _compare(actual[key], expected[key], path + [key], options)
        return
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(f"The length of the sequences mismatch: {len(actual)} != "
                            f"{len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, path + [i], options)
        return
    try:
        _compare_leaves(actual, expected, options)
    except _Mismatch as error:
        text = str(error)
        if path:
            text += "\n\nThe failure occurred for item " + "".join(f"[{p!r}]" for p in path)
        raise _Mismatch(text) from None


def _compare_leaves(actual, expected, options):
    rtol, atol, equal_nan, check_dtype, check_stride = options
    if actual is None and expected is None:
        return
    if isinstance(actual, (bool, np.bool_)) and isinstance(expected, (bool, np.bool_)):
        if bool(actual) != bool(expected):
            raise _Mismatch(f"Booleans mismatch: {actual} is not {expected}")
        return
    if _is_number(actual) and _is_number(expected):
        _compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype)
        return
    both_tensors = isinstance(actual, Tensor) and isinstance(expected, Tensor)
    both_arrays = isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray)
    if both_tensors or both_arrays:
        _compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, check_stride)
        return
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and "
                    f"{type(expected)}.")


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Assert that ``actual`` and ``expected`` are close: ``|actual - expected| <= atol + rtol *
    |expected|`` elementwise, with PyTorch's default ``rtol``/``atol`` for the dtype (exact for
    integers and bools), after checking shapes and (``check_dtype``) dtypes. Sequences and
    mappings are compared item by item. ``msg`` replaces the message (a string) or rewrites it
    (a callable). ember tensors all live on the CPU with a strided layout, so ``check_device``
    and ``check_layout`` always pass.

    >>> import ember as torch
    >>> torch.testing.assert_close(torch.tensor([1., 2.]), torch.tensor([1., 2.000001]))
    """
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'atol' if atol is None else 'rtol'}.")
    options = (rtol, atol, equal_nan, check_dtype, check_stride)
    try:
        _compare(actual, expected, [], options)
    except _Mismatch as error:
        text = str(error)
        if callable(msg):
            text = msg(text)
        elif msg is not None:
            text = msg
        raise AssertionError(text) from None


# --- make_tensor ---------------------------------------------------------------------------------
def _shape(shape):
    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = tuple(shape[0])
    return Size(shape)


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False,
                noncontiguous=False, exclude_zero=False, memory_format=None):
    """A tensor of ``shape`` filled with random values, as PyTorch's test helper makes it:
    floats uniform in ``[low, high)`` (default ``[-9, 9)``), integers in ``[low, high)``
    (default ``[-9, 10)``, both clamped to the dtype's range), bools at random.
    ``exclude_zero`` replaces zeros (by 1 for integers, by the smallest normal for floats);
    ``noncontiguous`` returns a strided view. ember's generator makes the numbers.

    >>> import ember as torch
    >>> t = torch.testing.make_tensor(2, 3, dtype=torch.float32, device='cpu', low=0, high=1)
    >>> t.shape, bool(((t >= 0) & (t < 1)).all())
    (torch.Size([2, 3]), True)
    """
    from . import _creation

    _check_device(device)
    dtype = _dtype.to_dtype(dtype)
    size = _shape(shape)
    if requires_grad and not dtype.is_floating_point:
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral dtypes, "
                         f"but got dtype={dtype}")
    if dtype is _dtype.bool:
        values = _creation.randint(0, 2, tuple(size))._data.astype(np.bool_)
    else:
        values = _random_values(size, dtype, low, high, _creation)
    if exclude_zero:
        replacement = 1 if dtype.category == 1 else np.finfo(dtype.np).smallest_normal
        values = np.where(values == 0, np.asarray(replacement, dtype=dtype.np), values)
    values = values.astype(dtype.np)
    if noncontiguous and values.size > 1:
        # Every other element of a buffer twice as long in the last dimension.
        wide = np.repeat(values, 2, axis=-1)
        result = _tensor(wide)[..., ::2]
    else:
        result = _tensor(values)
    if requires_grad:
        result.requires_grad_(True)
    return result


def _random_values(size, dtype, low, high, creation):
    floating = dtype.is_floating_point
    info = np.finfo(dtype.np) if floating else np.iinfo(dtype.np)
    low = -9 if low is None else low
    high = (9 if floating else 10) if high is None else high
    if (isinstance(low, float) and math.isnan(low)) or (isinstance(high, float) and
                                                         math.isnan(high)):
        raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
    low = max(low, float(info.min) if floating else int(info.min))
    high = min(high, float(info.max) if floating else int(info.max))
    if floating and low == high:
        warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or complex "
                      "types is deprecated since 2.1 and will be removed in 2.3. Use "
                      "`torch.full(...)` instead.", FutureWarning, stacklevel=3)
        return np.full(tuple(size), low, dtype=dtype.np)
    if low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    if floating:
        uniform = creation.rand(tuple(size), dtype=_dtype.float64)._data
        return (low + (high - low) * uniform).astype(dtype.np)
    return creation.randint(int(math.ceil(low)), int(math.ceil(high)), tuple(size),
                            dtype=_dtype.int64)._data
