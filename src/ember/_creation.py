"""Creation functions: tensor, zeros, ones, arange, rand, ... and ember's random generator."""

from __future__ import annotations

import builtins
import math
import warnings

import numpy as np

from . import _dtype
from ._tensor import Tensor, _check_device, _shape_args
from ._tensor import device as _device

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "arange",
           "linspace", "logspace", "eye", "rand", "randn", "randint", "randperm",
           "zeros_like", "ones_like", "full_like", "empty_like", "rand_like", "randn_like",
           "randint_like", "manual_seed", "seed", "initial_seed", "Generator", "is_tensor",
           "numel", "get_rng_state", "set_rng_state", "tril_indices", "triu_indices"]


def _infer_dtype(data):
    """PyTorch's inference: Python floats -> default float, ints -> int64, bools -> bool."""
    if isinstance(data, (np.ndarray, np.generic)):
        return _dtype.from_numpy_dtype.get(data.dtype)  # NumPy data keeps its dtype
    flat = data
    kinds = set()
    stack = [flat]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, Tensor):
            kinds.add(item.dtype)
        elif isinstance(item, (bool, np.bool_)):
            kinds.add("bool")
        elif isinstance(item, (int, np.integer)):
            if not -2 ** 63 <= item < 2 ** 63:
                raise ValueError("Overflow when unpacking long long")
            kinds.add("int")
        elif isinstance(item, (float, np.floating)):
            kinds.add("float")
        elif isinstance(item, str):
            raise ValueError("too many dimensions 'str'")
        elif item is None:
            raise RuntimeError("Could not infer dtype of NoneType")
        else:
            raise TypeError(f"new(): invalid data type '{type(item).__name__}'")
    tensor_dtypes = [k for k in kinds if isinstance(k, _dtype.dtype)]
    if "float" in kinds or any(d.is_floating_point for d in tensor_dtypes):
        floats = [d for d in tensor_dtypes if d.is_floating_point]
        return max(floats, key=lambda d: d.itemsize) if floats and "float" not in kinds else (
            _dtype.get_default_dtype())
    if "int" in kinds or any(d.category == 1 for d in tensor_dtypes):
        return _dtype.int64
    if kinds:
        return _dtype.bool
    return _dtype.get_default_dtype()


def _check_lengths(data):
    """PyTorch's error for ragged nested lists: every sequence at a depth has the length of the
    first one there."""
    sizes = []
    first = data
    while isinstance(first, (list, tuple)):
        sizes.append(len(first))
        first = first[0] if len(first) else None
    stack = [(data, 0)]
    while stack:
        item, dim = stack.pop()
        if dim >= len(sizes) or not isinstance(item, (list, tuple)):
            continue
        if len(item) != sizes[dim]:
            raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} "
                             f"(got {len(item)})")
        if dim + 1 < len(sizes):
            stack.extend((x, dim + 1) for x in item)


def _to_array(data, dtype):
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
        data = _unwrap_nested(data)
    return np.array(data, dtype=dtype.np if dtype is not None else None)


def _flat(data):
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            yield item


def _unwrap_nested(data):
    if isinstance(data, (list, tuple)):
        return [_unwrap_nested(x) for x in data]
    if isinstance(data, Tensor):
        if data.numel() != 1 and data.ndim:
            return data._data.tolist()
        return data.item()
    return data


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (nested lists, numbers or an array).

    >>> import ember
    >>> ember.tensor([[1., 2.], [3., 4.]])
    tensor([[1., 2.],
            [3., 4.]])
    """
    _check_device(device)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()."
            "clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    if isinstance(data, (list, tuple)):
        _check_lengths(data)
    target = _dtype.to_dtype(dtype) if dtype is not None else _infer_dtype(
        data._data if isinstance(data, Tensor) else data)
    array = np.array(_to_array(data, None), dtype=target.np, copy=True)
    return _factory(array, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like :func:`tensor`, but shares memory with a tensor or array when it needs no conversion."""
    _check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(_dtype.to_dtype(dtype))
    if isinstance(data, np.ndarray) and data.dtype in _dtype.from_numpy_dtype:
        if dtype is None or _dtype.to_dtype(dtype).np == data.dtype:
            return Tensor._make(data)
    return tensor(data, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares memory with a NumPy array (changes show through both ways)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    if array.dtype not in _dtype.from_numpy_dtype:
        raise TypeError(f"can't convert np.ndarray of type numpy.{array.dtype}. The only "
                        "supported types are: float64, float32, float16, int64, int32, int16, "
                        "int8, uint8, and bool.")
    return Tensor._make(array)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def numel(input) -> int:  # noqa: A002
    return input.numel()


def _factory(array, requires_grad):
    t = Tensor._make(array)
    if requires_grad:
        if array.dtype.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t.requires_grad_(True)
    return t


def _resolve(dtype, default=None):
    if dtype is None:
        return default if default is not None else _dtype.get_default_dtype()
    return _dtype.to_dtype(dtype)


def _size(fn, size, keyword=None):
    """A size given as varargs (``zeros(2, 3)``), one sequence (``zeros((2, 3))``) or ``size=``,
    checked with PyTorch's messages."""
    if keyword is not None:
        if size:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        size = (keyword,)
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
        for position, s in enumerate(size):
            if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
                raise TypeError(f"{fn}(): argument 'size' failed to unpack the object at pos "
                                f"{position + 1} with error \"type must be tuple of ints,but "
                                f"got {type(s).__name__}\"")
    else:
        for s in size:
            if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
                raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, "
                                f"not {type(s).__name__}")
    size = tuple(int(s) for s in size)
    for s in size:
        if s < 0:
            if fn == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(size)}")
    return size


def _no_more(fn, kwargs):
    for name in kwargs:
        raise TypeError(f"{fn}() got an unexpected keyword argument '{name}'")


def zeros(*size, out=None, dtype=None, device=None, requires_grad=False, **kwargs):
    """A tensor of zeros; the size as varargs, a sequence or ``size=``.

    >>> import ember
    >>> ember.zeros(2, 3).shape == ember.zeros((2, 3)).shape == ember.zeros(size=[2, 3]).shape
    True
    """
    _check_device(device)
    shape = _size("zeros", size, kwargs.pop("size", None))
    _no_more("zeros", kwargs)
    return _factory(np.zeros(shape, _resolve(dtype).np), requires_grad)


def ones(*size, out=None, dtype=None, device=None, requires_grad=False, **kwargs):
    """A tensor of ones; the size as varargs, a sequence or ``size=``."""
    _check_device(device)
    shape = _size("ones", size, kwargs.pop("size", None))
    _no_more("ones", kwargs)
    return _factory(np.ones(shape, _resolve(dtype).np), requires_grad)


def empty(*size, out=None, dtype=None, device=None, requires_grad=False, memory_format=None,
          **kwargs):
    """An uninitialised tensor (its contents are whatever the memory held)."""
    _check_device(device)
    shape = _size("empty", size, kwargs.pop("size", None))
    _no_more("empty", kwargs)
    return _factory(np.empty(shape, _resolve(dtype).np), requires_grad)


def full(size, fill_value, *, out=None, dtype=None, device=None, requires_grad=False):
    """A tensor filled with ``fill_value``; its dtype follows the value (int64, bool, float).

    >>> import ember
    >>> ember.full((2,), 7)
    tensor([7, 7])
    """
    _check_device(device)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = _dtype.scalar_dtype(fill_value)
    if isinstance(size, (int, np.integer)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    shape = _size("full", (size,))
    return _factory(np.full(shape, fill_value, _resolve(dtype).np), requires_grad)


def _like(input, dtype):  # noqa: A002
    return input.shape, (input.dtype if dtype is None else _dtype.to_dtype(dtype))


def zeros_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    shape, d = _like(input, dtype)
    return zeros(shape, dtype=d, requires_grad=requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    shape, d = _like(input, dtype)
    return ones(shape, dtype=d, requires_grad=requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    shape, d = _like(input, dtype)
    return empty(shape, dtype=d, requires_grad=requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False,  # noqa: A002
              memory_format=None):
    shape, d = _like(input, dtype)
    return full(shape, fill_value, dtype=d, requires_grad=requires_grad)


def _number(value):
    return value.item() if isinstance(value, Tensor) else value


def arange(start, end=None, step=1, *, out=None, dtype=None, device=None, requires_grad=False):
    """Values from ``start`` up to (not including) ``end`` in steps of ``step``.

    Its length is PyTorch's ``ceil((end - start) / step)``, computed in double precision; for
    an integer dtype the bounds and step are first truncated to integers, as PyTorch does.

    >>> import ember
    >>> ember.arange(1, 2.5, 0.5)
    tensor([1.0000, 1.5000, 2.0000])
    """
    _check_device(device)
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    if dtype is None:
        floating = any(isinstance(v, (float, np.floating)) for v in (start, end, step))
        dtype = _dtype.get_default_dtype() if floating else _dtype.int64
    dtype = _dtype.to_dtype(dtype)
    if dtype is _dtype.bool:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    if not dtype.is_floating_point:
        start, end, step = int(start), int(end), int(step)
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    count = math.ceil((end - start) / step)
    if dtype.is_floating_point:
        array = (start + np.arange(count, dtype=np.float64) * step).astype(dtype.np)
    else:
        array = np.arange(start, start + count * step, step, dtype=dtype.np)[:count]
    return _factory(array, requires_grad)


def _steps(steps):
    steps = int(_number(steps))
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return steps


def linspace(start, end, steps, *, out=None, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` (both included).

    >>> import ember
    >>> ember.linspace(0, 1, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    _check_device(device)
    array = np.linspace(_number(start), _number(end), _steps(steps))
    return _factory(array.astype(_resolve(dtype).np), requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, device=None,
             requires_grad=False):
    """``steps`` values from ``base ** start`` to ``base ** end``, evenly spaced in exponent.

    >>> import ember
    >>> ember.logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    """
    _check_device(device)
    array = np.logspace(_number(start), _number(end), _steps(steps), base=base)
    return _factory(array.astype(_resolve(dtype).np), requires_grad)


def eye(n, m=None, *, out=None, dtype=None, device=None, requires_grad=False):
    """An ``n`` by ``m`` (default ``n``) matrix with ones on the diagonal.

    >>> import ember
    >>> ember.eye(2, 3)
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    _check_device(device)
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    return _factory(np.eye(n, n if m is None else m, dtype=_resolve(dtype).np), requires_grad)


def _triangle_indices(row, col, offset, lower, dtype):
    rows, cols = np.nonzero(np.tri(row, col, offset, dtype=bool) if lower else
                            ~np.tri(row, col, offset - 1, dtype=bool))
    return Tensor._make(np.stack([rows, cols]).astype(_resolve(dtype, _dtype.int64).np))


def tril_indices(row, col, offset=0, *, dtype=None, device=None):
    """The (row, column) positions of the lower triangle of a ``row`` x ``col`` matrix.

    >>> import ember
    >>> ember.tril_indices(2, 2)
    tensor([[0, 1, 1],
            [0, 0, 1]])
    """
    _check_device(device)
    return _triangle_indices(row, col, offset, True, dtype)


def triu_indices(row, col, offset=0, *, dtype=None, device=None):
    """The (row, column) positions of the upper triangle of a ``row`` x ``col`` matrix."""
    _check_device(device)
    return _triangle_indices(row, col, offset, False, dtype)


# --- Tensor.new_*: a new tensor with this one's dtype (unless given) --------------------------
def _new_dtype(self, dtype):
    return self.dtype if dtype is None else dtype


def _new_zeros(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
    """A tensor of zeros with this tensor's dtype."""
    return zeros(*size, dtype=_new_dtype(self, dtype), requires_grad=requires_grad, **kwargs)


def _new_ones(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
    """A tensor of ones with this tensor's dtype."""
    return ones(*size, dtype=_new_dtype(self, dtype), requires_grad=requires_grad, **kwargs)


def _new_empty(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
    """An uninitialised tensor with this tensor's dtype."""
    return empty(*size, dtype=_new_dtype(self, dtype), requires_grad=requires_grad, **kwargs)


def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """A tensor filled with ``fill_value``, with this tensor's dtype."""
    return full(size, fill_value, dtype=_new_dtype(self, dtype), requires_grad=requires_grad)


def _new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    """A copy of ``data`` as a tensor with this tensor's dtype."""
    return tensor(data, dtype=_new_dtype(self, dtype), requires_grad=requires_grad)


Tensor.new_zeros = _new_zeros
Tensor.new_ones = _new_ones
Tensor.new_empty = _new_empty
Tensor.new_full = _new_full
Tensor.new_tensor = _new_tensor


# --- random numbers -------------------------------------------------------------------------------
_DEFAULT_SEED = 67280421310721  # PyTorch's default seed; the streams differ, the habit is kept


class Generator:
    """ember's random generator (a NumPy PCG64 stream). ``manual_seed`` makes runs repeatable."""

    def __init__(self, device="cpu"):
        self._seed = _DEFAULT_SEED
        self.rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed):
        self._seed = int(seed)
        self.rng = np.random.Generator(np.random.PCG64(self._seed))
        return self

    def seed(self):
        return self.manual_seed(np.random.SeedSequence().entropy % (2 ** 63))._seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        return self.rng.bit_generator.state

    def set_state(self, state):
        self.rng.bit_generator.state = state


default_generator = Generator()


def manual_seed(seed) -> Generator:
    """Seed ember's default generator."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def _rng(generator):
    return (generator or default_generator).rng


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None,
         **kwargs):
    """Uniform samples on [0, 1)."""
    _check_device(device)
    d = _resolve(dtype)
    shape = _size("rand", size, kwargs.pop("size", None))
    _no_more("rand", kwargs)
    _floating_kernel(d, "check_uniform_bounds")
    array = _rng(generator).random(shape, dtype=np.float64).astype(d.np)
    return _factory(array, requires_grad)


def _floating_kernel(d, kernel):
    if not d.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{d._legacy[:-6]}\'')


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None,
          **kwargs):
    """Standard normal samples."""
    _check_device(device)
    d = _resolve(dtype)
    shape = _size("randn", size, kwargs.pop("size", None))
    _no_more("randn", kwargs)
    _floating_kernel(d, "normal_kernel_cpu")
    if d.np in (np.float32, np.float64):
        array = _rng(generator).standard_normal(shape, dtype=d.np)
    else:
        array = _rng(generator).standard_normal(shape).astype(d.np)
    return _factory(array, requires_grad)


def randint(low, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False):
    if size is None and isinstance(high, (tuple, list)):
        high, size = None, high  # randint(high, size)
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing 1 required positional argument: 'size'")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= "
                           f"to={high}")
    d = _resolve(dtype, _dtype.int64)
    array = _rng(generator).integers(low, high, size=_shape_args((size,), "size")).astype(d.np)
    return _factory(array, requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    d = _resolve(dtype, _dtype.int64)
    return _factory(_rng(generator).permutation(n).astype(d.np), requires_grad)


def rand_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    shape, d = _like(input, dtype)
    return rand(shape, dtype=d, requires_grad=requires_grad)


def randn_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    shape, d = _like(input, dtype)
    return randn(shape, dtype=d, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, dtype=None, device=None, requires_grad=False):  # noqa: A002
    shape, d = _like(input, dtype)
    return randint(low, high, shape, dtype=d)


def _legacy_tensor(*args, **kwargs):
    """``ember.Tensor(2, 3)`` (uninitialised float data) or ``ember.Tensor([1, 2])`` (data)."""
    if not args:
        return Tensor._make(np.empty((0,), _dtype.get_default_dtype().np))
    if builtins.all(isinstance(a, (int, np.integer)) for a in args):
        return Tensor._make(np.zeros(args, _dtype.get_default_dtype().np))
    data = args[0]
    if isinstance(data, Tensor):
        return data.detach()
    return tensor(data, dtype=_dtype.get_default_dtype())


# --- asarray and frombuffer -----------------------------------------------------------------------
# PyTorch's names for scalar types in its aliasing errors.
_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
                 "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                 "bool": "Bool"}


def _alias_error(have, want):
    return ValueError(f"can't alias tensor with dtype '{_SCALAR_NAMES[have.name]}' into dtype "
                      f"'{_SCALAR_NAMES[want.name]}'.")


def _asarray_device(dev):
    # asarray names CUDA as an unlinked device, where other creation functions assert.
    if dev is not None and _device(dev).type == "cuda":
        raise RuntimeError("PyTorch is not linked with support for cuda devices")
    _check_device(dev)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """``obj`` as a tensor, sharing its memory when it can.

    A tensor, a NumPy array or an object with the buffer protocol is shared when ``dtype`` needs
    no conversion and ``copy`` is not True; ``copy=False`` raises where a copy is needed, and
    ``copy=True`` always copies. Numbers and nested sequences are copied (as :func:`tensor`).

    >>> import numpy as np
    >>> a = np.zeros(2)
    >>> t = ember.asarray(a)
    >>> a[0] = 5
    >>> t
    tensor([5., 0.], dtype=torch.float64)
    """
    _asarray_device(device)
    want = _dtype.to_dtype(dtype) if dtype is not None else None
    if isinstance(obj, Tensor):
        result = obj
        if want is not None and want is not obj.dtype:
            if copy is False:
                raise _alias_error(obj.dtype, want)
            result = obj.to(want)
        elif copy:
            result = obj.clone()
        # ember's default is PyTorch's explicit requires_grad=False: a tensor that requires grad
        # comes back detached (PyTorch keeps it, with a warning, when the argument is left out).
        if requires_grad != result.requires_grad:
            result = result.detach()
            if requires_grad:
                result.requires_grad_(True)
        return result
    if isinstance(obj, np.generic):
        if copy is False:
            raise RuntimeError("can't alias NumPy scalars. Either remove copy=False or transform "
                               "it in a ndarray. ")
        obj = np.asarray(obj)
        copy = True
    if isinstance(obj, np.ndarray):
        if copy:
            obj = obj.copy()
        if not obj.flags.writeable:
            warnings.warn("The given NumPy array is not writable, and PyTorch does not support "
                          "non-writable tensors. This means writing to this tensor will result "
                          "in undefined behavior. You may want to copy the array to protect its "
                          "data or make it writable before converting it to a tensor. This type "
                          "of warning will be suppressed for the rest of this program.",
                          UserWarning, stacklevel=2)
        result = from_numpy(obj)
        if want is not None and want is not result.dtype:
            if copy is False:
                raise _alias_error(result.dtype, want)
            result = result.to(want)
        return _factory(result._data, requires_grad) if requires_grad else result
    if not isinstance(obj, (list, tuple, str, int, float, bool, range)):
        try:
            memoryview(obj)
        except TypeError:
            pass
        else:
            result = frombuffer(obj, dtype=want or _dtype.get_default_dtype(),
                                requires_grad=requires_grad)
            return result.clone() if copy else result
    if copy is False:
        raise ValueError("can't alias arbitrary sequence into a tensor.")
    if isinstance(obj, str):
        raise TypeError("new(): invalid data type 'str'")
    if isinstance(obj, range):
        obj = list(obj)
    return _factory(np.array(_to_array(obj, None) if isinstance(obj, (list, tuple)) else obj,
                             dtype=(want or _infer_dtype(obj)).np), requires_grad)


def frombuffer(buffer, *, dtype=None, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor over the bytes of a Python buffer (``bytearray``, ``memoryview``...), sharing
    them: writes show through both ways. ``offset`` skips bytes; ``count`` limits the elements
    (-1: all).

    >>> b = bytearray(4)
    >>> t = ember.frombuffer(b, dtype=ember.uint8)
    >>> b[1] = 7
    >>> t
    tensor([0, 7, 0, 0], dtype=torch.uint8)
    """
    if dtype is None:
        raise TypeError('frombuffer() missing 1 required positional arguments: "dtype"')
    if not isinstance(dtype, _dtype.dtype):
        raise TypeError(f"frombuffer(): argument 'dtype' must be torch.dtype, not "
                        f"{type(dtype).__name__}")
    for name, value in (("count", count), ("offset", offset)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise TypeError(f"frombuffer(): argument '{name}' must be int, not "
                            f"{type(value).__name__}")
    try:
        view = memoryview(buffer)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    length = view.nbytes
    size = dtype.itemsize
    if length <= 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({length} bytes) minus 1")
    if count < 0:
        if (length - offset) % size:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} "
                             f"bytes) must be a multiple of element size ({size})")
        count = (length - offset) // size
    elif offset + count * size > length:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({length} bytes)")
    if view.readonly:
        warnings.warn("The given buffer is not writable, and PyTorch does not support "
                      "non-writable tensors. This means you can write to the underlying "
                      "(supposedly non-writable) buffer using the tensor. You may want to copy "
                      "the buffer to protect its data or make it writable before converting it "
                      "to a tensor. This type of warning will be suppressed for the rest of "
                      "this program.", UserWarning, stacklevel=2)
    array = np.frombuffer(view.cast("B") if view.ndim != 1 or view.format != "B" else view,
                          dtype=dtype.np, count=count, offset=offset)
    # A read-only buffer gives a read-only array: a write raises where PyTorch would change bytes
    # it was told it must not.
    return _factory(array, requires_grad)


__all__ += ["asarray", "frombuffer"]
