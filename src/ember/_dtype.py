"""dtypes as objects, and PyTorch's type-promotion rules.

A :class:`dtype` wraps a NumPy dtype. Promotion follows PyTorch, not NumPy: operands are ranked
by *priority* (dimensioned tensors > zero-dim tensors > Python numbers) and by *category*
(bool < integer < floating). A lower-priority operand only changes the result when it is of a
higher category, so ``float32_tensor + 2.5`` stays float32 and ``int_tensor + 2.5`` becomes the
default float dtype. See Note [Type promotion] in docs/notes.md.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dtype", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
           "uint8", "bool", "get_default_dtype", "set_default_dtype", "promote_types",
           "result_type"]

_BOOL, _INT, _FLOAT = 0, 1, 2


class dtype:
    """A tensor element type, printed as PyTorch prints it (``torch.float32``)."""

    __slots__ = ("name", "np", "category", "itemsize", "is_floating_point", "is_signed",
                 "_legacy")

    def __init__(self, name: str, np_dtype, category: int, legacy: str):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category
        self.itemsize = self.np.itemsize
        self.is_floating_point = category == _FLOAT
        self.is_signed = name not in ("uint8", "bool")
        self._legacy = legacy

    @property
    def is_complex(self) -> bool:
        return False

    @property
    def _c_name(self) -> str:
        """The C type name PyTorch's kernels print in dtype errors (``long int``, ``c10::Half``)."""
        return _C_NAMES[self.name]

    def __repr__(self) -> str:
        return "torch." + self.name

    __str__ = __repr__

    def __reduce__(self):
        return (_by_name, (self.name,))


_C_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}

float16 = half = dtype("float16", np.float16, _FLOAT, "HalfTensor")
float32 = float = dtype("float32", np.float32, _FLOAT, "FloatTensor")
float64 = double = dtype("float64", np.float64, _FLOAT, "DoubleTensor")
uint8 = dtype("uint8", np.uint8, _INT, "ByteTensor")
int8 = dtype("int8", np.int8, _INT, "CharTensor")
int16 = short = dtype("int16", np.int16, _INT, "ShortTensor")
int32 = int = dtype("int32", np.int32, _INT, "IntTensor")
int64 = long = dtype("int64", np.int64, _INT, "LongTensor")
bool = dtype("bool", np.bool_, _BOOL, "BoolTensor")  # noqa: A001 (PyTorch's name)

ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool)
# NumPy dtype -> ember dtype, the lookup every tensor does to report its dtype.
from_numpy_dtype = {d.np: d for d in ALL}
_NAMES = {d.name: d for d in ALL}
_NAMES.update(half=float16, float=float32, double=float64, short=int16, int=int32, long=int64)


def _by_name(name: str) -> dtype:
    return _NAMES[name]


class _Defaults:
    float_dtype = float32


_defaults = _Defaults()


def get_default_dtype() -> dtype:
    """The dtype of floating-point tensors made from Python floats (float32 unless changed)."""
    return _defaults.float_dtype


def set_default_dtype(d: dtype) -> None:
    """Set the default floating-point dtype; only float16/float32/float64 are allowed."""
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _defaults.float_dtype = d


def promote_types(a: dtype, b: dtype) -> dtype:
    """PyTorch's promote_types: the smallest dtype both ``a`` and ``b`` fit in."""
    if a is b:
        return a
    return _PROMOTE[a, b]


def _promote_pair(a: dtype, b: dtype) -> dtype:
    if a.category != b.category:
        # A float beats any integer whatever its size (int64 + float16 -> float16).
        return a if a.category > b.category else b
    if a.category == _FLOAT:
        return a if a.itemsize >= b.itemsize else b
    return from_numpy_dtype[np.promote_types(a.np, b.np)]


_PROMOTE = {(a, b): _promote_pair(a, b) for a in ALL for b in ALL}


def scalar_dtype(value) -> dtype:
    """The dtype a Python number takes as an operand (a "wrapped number" in PyTorch)."""
    t = type(value)
    if t is builtins_bool or isinstance(value, (np.bool_,)):
        return bool
    if t is builtins_int or isinstance(value, np.integer):
        return int64
    return _defaults.float_dtype


builtins_bool = type(True)
builtins_int = type(1)


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """Combine the results of two priority levels (higher priority first)."""
    if higher is None:
        return lower
    if lower is None or higher.category == _FLOAT:
        return higher
    if higher is bool or lower.category == _FLOAT:
        return promote_types(higher, lower)
    return higher


def result_type(*operands) -> dtype:
    """The dtype PyTorch gives an op over ``operands`` (tensors and Python numbers)."""
    levels: list[dtype | None] = [None, None, None]  # dimensioned, zero-dim, python number
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(d, np.dtype):
            d = from_numpy_dtype[d]
        if isinstance(d, dtype):
            level = 0 if x.ndim else 1
        else:
            d, level = scalar_dtype(x), 2
        cur = levels[level]
        levels[level] = d if cur is None else promote_types(cur, d)
    return _combine(levels[0], _combine(levels[1], levels[2]))


def to_dtype(d) -> dtype:
    """Accept an ember dtype, a NumPy dtype or a Python type and return the ember dtype."""
    if isinstance(d, dtype):
        return d
    if d is builtins_float_type:
        return _defaults.float_dtype
    if d is builtins_int:
        return int64
    if d is builtins_bool:
        return bool
    if isinstance(d, str) and d.startswith("torch."):
        d = d[6:]
    if isinstance(d, str) and d in _NAMES:
        return _NAMES[d]
    try:
        return from_numpy_dtype[np.dtype(d)]
    except (TypeError, KeyError):
        raise TypeError(f"dtype must be an ember dtype, got {d!r}") from None


builtins_float_type = type(1.0)
