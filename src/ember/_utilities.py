"""Top-level helpers that ordinary PyTorch scripts call: dtype limits (``finfo``, ``iinfo``),
thread counts, the deterministic-algorithms switch, ``compile``, ``typename``, ``is_storage``
and the top-level spellings of in-place functions (``ember.relu_(x)``).
"""

from __future__ import annotations

import math
import os
import warnings
import weakref

import numpy as np

from . import _dtype
from ._tensor import Tensor

__all__ = ["are_deterministic_algorithms_enabled", "compile", "finfo",
           "get_float32_matmul_precision", "get_num_interop_threads", "get_num_threads",
           "iinfo", "is_deterministic_algorithms_warn_only_enabled", "is_storage",
           "set_float32_matmul_precision", "set_num_interop_threads", "set_num_threads",
           "typename", "use_deterministic_algorithms", "get_default_device", "set_default_device",
           "set_default_tensor_type", "UntypedStorage", "TypedStorage"]


# --- finfo and iinfo -----------------------------------------------------------------------------
def _dtype_arg(type, name):  # noqa: A002
    if not isinstance(type, _dtype.dtype):
        raise TypeError(f"{name}(): argument 'type' (position 1) must be torch.dtype, not "
                        f"{builtins_type(type).__name__}")
    return type


builtins_type = type


class finfo:
    """The limits of a floating-point dtype (``eps``, ``max``, ``tiny``...), as Python floats.

    >>> ember.finfo(ember.float32).eps
    1.1920928955078125e-07
    >>> ember.finfo(ember.float16)
    finfo(resolution=0.001, min=-65504, max=65504, eps=0.000976562, smallest_normal=6.10352e-05, tiny=6.10352e-05, dtype=float16)
    """  # noqa: E501

    __slots__ = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")

    def __hash__(self):  # PyTorch's finfo compares by value and is unhashable
        raise TypeError("unhashable type: 'torch.finfo'")

    def __init__(self, type=None):  # noqa: A002
        type = _dtype.get_default_dtype() if type is None else _dtype_arg(type, "finfo")  # noqa: A001
        if not type.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo "
                            "to handle 'torch.finfo'")
        info = np.finfo(type.np)
        self.bits = info.bits
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        # 10 ** -(decimal digits the type resolves): 1e-06 for float32.
        self.resolution = 10.0 ** -math.floor(-math.log10(self.eps))
        self.dtype = type.name

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")

    __str__ = __repr__


class iinfo:
    """The limits of an integer dtype (``bits``, ``min``, ``max``), as Python ints.

    >>> ember.iinfo(ember.int8)
    iinfo(min=-128, max=127, dtype=int8)
    """

    __slots__ = ("bits", "max", "min", "dtype")

    def __hash__(self):
        raise TypeError("unhashable type: 'torch.iinfo'")

    def __init__(self, type):  # noqa: A002
        _dtype_arg(type, "iinfo")
        if type is _dtype.bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to "
                            "handle 'torch.iinfo'")
        info = np.iinfo(type.np)
        self.bits, self.max, self.min = info.bits, int(info.max), int(info.min)
        self.dtype = type.name

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __repr__(self):
        # PyTorch prints the limits with %g, so int32's read -2.14748e+09.
        return f"iinfo(min={float(self.min):g}, max={float(self.max):g}, dtype={self.dtype})"

    __str__ = __repr__


# --- threads -------------------------------------------------------------------------------------
try:
    import threadpoolctl as _threadpoolctl
except ImportError:  # optional: without it ember only remembers the number
    _threadpoolctl = None


class _Threads:
    intra = None  # set_num_threads' value; None: whatever the BLAS uses
    interop = None


_threads = _Threads()


def _positive_int(value, name):
    if not isinstance(value, int) or isinstance(value, bool):
        raise RuntimeError(f"{name} expects an int, but got {builtins_type(value).__name__}")
    if value <= 0:
        raise RuntimeError(f"{name} expects a positive integer")
    return value


def set_num_threads(int):  # noqa: A002 (PyTorch's argument name)
    """Set the number of threads ember's heavy kernels use.

    ember's parallelism is NumPy's BLAS (matrix products, convolutions): with ``threadpoolctl``
    installed this sets the BLAS thread pools; without it ember only remembers the number, which
    :func:`get_num_threads` reports.

    >>> ember.set_num_threads(1)
    >>> ember.get_num_threads()
    1
    """
    _threads.intra = _positive_int(int, "set_num_threads")
    if _threadpoolctl is not None:
        _threadpoolctl.threadpool_limits(limits=_threads.intra, user_api="blas")


def get_num_threads():
    """The number of threads of ember's BLAS (see :func:`set_num_threads`).

    >>> ember.get_num_threads() >= 1
    True
    """
    if _threads.intra is not None:
        return _threads.intra
    if _threadpoolctl is not None:
        counts = [pool["num_threads"] for pool in _threadpoolctl.threadpool_info()
                  if pool.get("user_api") == "blas"]
        if counts:
            return max(counts)
    return os.cpu_count() or 1


def set_num_interop_threads(int):  # noqa: A002
    """Record the number of inter-op threads; ember runs ops one after another, so only
    :func:`get_num_interop_threads` reads it.

    >>> ember.set_num_interop_threads(2)
    """
    _threads.interop = _positive_int(int, "set_num_interop_threads")


def get_num_interop_threads():
    """The value given to :func:`set_num_interop_threads` (default: the intra-op count).

    >>> ember.get_num_interop_threads() >= 1
    True
    """
    return _threads.interop if _threads.interop is not None else get_num_threads()


# --- determinism, matmul precision ---------------------------------------------------------------
class _Flags:
    deterministic = False
    warn_only = False
    matmul_precision = "highest"


_flags = _Flags()


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Record the deterministic-algorithms switch. ember's kernels are deterministic whatever it
    says, so it changes nothing but what :func:`are_deterministic_algorithms_enabled` reports.

    >>> ember.use_deterministic_algorithms(True)
    >>> ember.are_deterministic_algorithms_enabled()
    True
    """
    for name, value in (("'mode' (position 1)", mode), ("'warn_only'", warn_only)):
        if not isinstance(value, bool):
            raise TypeError(f"_set_deterministic_algorithms(): argument {name} must be bool, "
                            f"not {builtins_type(value).__name__}")
    _flags.deterministic, _flags.warn_only = mode, warn_only


def are_deterministic_algorithms_enabled():
    """Whether :func:`use_deterministic_algorithms` was last given True."""
    return _flags.deterministic


def is_deterministic_algorithms_warn_only_enabled():
    """Whether :func:`use_deterministic_algorithms` was last given ``warn_only=True``."""
    return _flags.warn_only


def set_float32_matmul_precision(precision):
    """Record ``'highest'``, ``'high'`` or ``'medium'``; ember's float32 products are always full
    precision.

    >>> ember.set_float32_matmul_precision('high')
    """
    if precision not in ("highest", "high", "medium"):
        raise RuntimeError(f"Invalid precision {precision}")
    _flags.matmul_precision = precision


def get_float32_matmul_precision():
    """The value last given to :func:`set_float32_matmul_precision` (``'highest'`` at first)."""
    return _flags.matmul_precision


# --- compile, typename, is_storage ---------------------------------------------------------------
def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,  # noqa: A001
            options=None, disable=False):
    """Return ``model`` unchanged: ember runs eagerly and has no graph compiler yet.

    Works as ``compile(model)``, as ``@compile`` and as ``@compile(mode=...)``, so scripts that
    compile their model run unchanged (at eager speed).

    >>> f = ember.compile(lambda x: x + 1)
    >>> f(ember.tensor([1.]))
    tensor([2.])
    """
    if model is None:
        return lambda fn: fn
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model


def typename(obj):
    """The type name PyTorch prints: ``'torch.FloatTensor'`` for a float32 tensor, else the
    module-qualified class name. ember's classes are named as PyTorch's (its modules mirror
    PyTorch's), the same way dtypes print as ``torch.float32``.

    >>> ember.typename(ember.zeros(2))
    'torch.FloatTensor'
    >>> ember.typename(3)
    'int'
    """
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        name = obj.__qualname__
    elif hasattr(obj, "__name__"):
        name = obj.__name__
    else:
        module = type(obj).__module__ or ""
        name = type(obj).__qualname__
    if module in ("", "builtins"):
        return name
    if module == "ember" or module.startswith("ember."):
        module = "torch" + module[5:]
    return f"{module}.{name}"


def is_storage(obj):
    """Whether ``obj`` is a storage (from ``Tensor.untyped_storage()`` or ``Tensor.storage()``).

    >>> ember.is_storage(ember.zeros(2))
    False
    >>> ember.is_storage(ember.zeros(2).untyped_storage())
    True
    """
    return isinstance(obj, (UntypedStorage, TypedStorage))


# --- top-level spellings of in-place methods (ember.relu_(x) is x.relu_()) -----------------------
_INPLACE_NAMES = (
    "abs_", "acos_", "acosh_", "addmv_", "arccos_", "arccosh_", "arcsin_", "arcsinh_",
    "arctan_", "arctanh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_",
    "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_", "erf_", "erfc_", "exp2_", "exp_",
    "expm1_", "fill_", "fix_", "floor_", "frac_", "gcd_", "i0_", "lcm_", "ldexp_", "log10_",
    "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_", "negative_", "rad2deg_",
    "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_",
    "square_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_",
)


def _inplace_function(name):
    method = getattr(Tensor, name)

    def function(input, *args, **kwargs):  # noqa: A002
        if not isinstance(input, Tensor):
            got = [builtins_type(a).__name__ for a in (input,) + args]
            got += [f"{key}={builtins_type(value).__name__}" for key, value in kwargs.items()]
            raise TypeError(f"{name}() received an invalid combination of arguments - got "
                            f"({', '.join(got)}), but expected a Tensor as 'input'")
        return method(input, *args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``ember.{name}(input, ...)`` is ``input.{name}(...)``."
    return function


INPLACE_FUNCTIONS = {name: _inplace_function(name) for name in _INPLACE_NAMES
                     if hasattr(Tensor, name)}


# --- the default device ----------------------------------------------------------------------
class _DefaultDevice:
    device = None  # None: the CPU


_default_device = _DefaultDevice()


def set_default_device(device):
    """Set the device tensors are made on: ``'cpu'`` or ``None`` (the CPU, again).

    As on a CPU-only PyTorch, ``'cuda'`` is accepted here and fails when it is read back; other
    accelerators raise at once. ember's creation functions always make CPU tensors.

    >>> ember.set_default_device('cpu')
    >>> ember.get_default_device()
    device(type='cpu')
    """
    from ._tensor import _UNLINKED_DEVICES, device as _device

    if device is None:
        _default_device.device = None
        return
    chosen = _device(device)
    if chosen.type in _UNLINKED_DEVICES:
        raise RuntimeError(f"PyTorch is not linked with support for {chosen.type} devices")
    if chosen.type not in ("cpu", "cuda"):
        raise RuntimeError(f"ember computes on the CPU only; device {device!r} is not available")
    _default_device.device = chosen


def get_default_device():
    """The device set by :func:`set_default_device` (the CPU unless it was changed).

    >>> ember.get_default_device()
    device(type='cpu')
    """
    from ._tensor import NOT_COMPILED_WITH_CUDA, device as _device  # noqa: I001

    chosen = _default_device.device
    if chosen is not None and chosen.type == "cuda":
        raise AssertionError(NOT_COMPILED_WITH_CUDA)
    return chosen if chosen is not None else _device("cpu")


# --- legacy tensor types: ember.FloatTensor, ember.LongTensor ... ------------------------------
# PyTorch's C++ names for dtypes, in its "expected TensorOptions" error.
_OPTION_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
                 "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
                 "uint8": "unsigned char", "bool": "bool"}


def _options(d):
    return (f"TensorOptions(dtype={_OPTION_NAMES[d.name]}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


class tensortype(type):
    """The type of the legacy tensor types: ``isinstance(x, ember.FloatTensor)`` asks whether
    ``x`` is a float32 tensor, and calling one makes a tensor of its dtype."""

    def __instancecheck__(cls, instance):
        return isinstance(instance, Tensor) and instance.dtype is cls.dtype

    def __subclasscheck__(cls, subclass):
        return subclass is cls

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"

    def __call__(cls, *args, device=None, **kwargs):
        from ._tensor import Size, device as _device

        if kwargs:
            got = [builtins_type(a).__name__ for a in args]
            got += [f"{key}={typename(value)}" for key, value in kwargs.items()]
            raise TypeError(f"new() received an invalid combination of arguments - got "
                            f"({', '.join(got)}), but expected one of the legacy constructor's "
                            f"forms: (*, device), (Tensor other), (tuple of ints size, *, device) "
                            f"or (object data, *, device)")
        if device is not None and _device(device).type != "cpu":
            raise RuntimeError(f"legacy constructor expects device type: cpu but device type: "
                               f"{_device(device).type} was passed")
        d = cls.dtype
        if not args:
            return Tensor._make(np.empty((0,), d.np))
        if len(args) == 1 and isinstance(args[0], Tensor):
            if args[0].dtype is not d:
                raise TypeError(f"expected {_options(d)} (got {_options(args[0].dtype)})")
            return args[0].detach()
        sizes = args[0] if len(args) == 1 and isinstance(args[0], Size) else args
        if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in sizes):
            # PyTorch leaves the memory uninitialised; ember fills it with zeros.
            return Tensor._make(np.zeros(tuple(sizes), d.np))
        from ._creation import tensor

        return tensor(args[0], dtype=d)


def _legacy_type(d):
    cls = tensortype(d._legacy, (), {"dtype": d, "is_cuda": False, "is_sparse": False,
                                     "__module__": "ember",
                                     "__doc__": f"Legacy constructor of {d} tensors."})
    return cls


LEGACY_TYPES = {d._legacy: _legacy_type(d) for d in _dtype.ALL if d.name in _OPTION_NAMES}
"""``{'FloatTensor': ember.FloatTensor, ...}``, for ember's top level."""


_tensor_type_warned = [False]


def set_default_tensor_type(t):
    """Deprecated (as in PyTorch): set the default dtype from a floating legacy tensor type,
    given as a class (``ember.DoubleTensor``) or its name (``'torch.DoubleTensor'``). Use
    :func:`ember.set_default_dtype` instead.
    """
    if not _tensor_type_warned[0]:
        _tensor_type_warned[0] = True  # PyTorch warns once per process
        warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please "
                      "use torch.set_default_dtype() and torch.set_default_device() as "
                      "alternatives.", UserWarning, stacklevel=2)
    if isinstance(t, str):
        if t.startswith("torch.cuda."):
            raise TypeError(f"type {t} not available. Torch not compiled with CUDA enabled.")
        name = t[6:] if t.startswith("torch.") else t
        if name not in LEGACY_TYPES:
            raise AttributeError(f"module 'torch' has no attribute '{name}'")
        t = LEGACY_TYPES[name]
    if not isinstance(t, tensortype):
        raise TypeError("invalid type object: only floating-point types are supported as the "
                        "default type")
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _dtype.set_default_dtype(t.dtype)


# --- storages ------------------------------------------------------------------------------------
def _root(array):
    """The NumPy array that owns the memory ``array`` views (itself when it owns it)."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


class UntypedStorage:
    """The bytes behind a tensor: the memory of the NumPy array its data views.

    Tensors that view one array (``x``, ``x[2:]``, ``x.view(2, 3)``) have storages with one
    ``data_ptr()``. A minimal stand-in for PyTorch's: sizes, the address and reading bytes.

    >>> x = ember.arange(6.)
    >>> x[2:].untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    True
    >>> x.untyped_storage().nbytes()
    24
    """

    __slots__ = ("_array",)
    device = property(lambda self: _cpu_device(), doc="The CPU.")

    def __init__(self, array):
        self._array = _root(array)

    def _bytes(self):
        return self._array.reshape(-1).view(np.uint8) if self._array.flags.c_contiguous else (
            np.frombuffer(self._array.tobytes(), np.uint8))

    def size(self):
        return self._array.nbytes

    nbytes = size

    def __len__(self):
        return self._array.nbytes

    def element_size(self):
        return 1

    def data_ptr(self):
        return self._array.__array_interface__["data"][0]

    def tolist(self):
        return self._bytes().tolist()

    def __getitem__(self, index):
        return self._bytes()[index].tolist()

    def is_shared(self):
        return _is_shared(self._array)

    def is_pinned(self, device="cuda"):
        return False

    def __eq__(self, other):
        return isinstance(other, UntypedStorage) and other._array is self._array

    __hash__ = object.__hash__

    def __repr__(self):
        body = "\n".join(f" {b}" for b in self.tolist())
        head = f"{body}\n" if body else ""
        return f"{head}[torch.storage.UntypedStorage(device=cpu) of size {len(self)}]"


class TypedStorage:
    """A tensor's storage counted in elements of its dtype (deprecated in PyTorch, which warns).

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ember.arange(6.).storage().size()
    6
    """

    __slots__ = ("_untyped", "dtype")
    device = property(lambda self: _cpu_device(), doc="The CPU.")

    def __init__(self, array, dtype):
        self._untyped, self.dtype = UntypedStorage(array), dtype

    def _elements(self):
        return self._untyped._bytes().view(self.dtype.np)

    def size(self):
        return self._untyped.size() // self.dtype.itemsize

    __len__ = size

    def element_size(self):
        return self.dtype.itemsize

    def nbytes(self):
        return self._untyped.size()

    def data_ptr(self):
        return self._untyped.data_ptr()

    def untyped(self):
        return self._untyped

    def tolist(self):
        return self._elements().tolist()

    def __getitem__(self, index):
        return self._elements()[index].tolist()

    def is_shared(self):
        return self._untyped.is_shared()

    def is_pinned(self, device="cuda"):
        return False

    def __repr__(self):
        body = "\n".join(f" {v}" for v in self.tolist())
        head = f"{body}\n" if body else ""
        return (f"{head}[torch.storage.TypedStorage(dtype={self.dtype}, device=cpu) of size "
                f"{len(self)}]")


def _cpu_device():
    from ._tensor import device as _device

    return _device("cpu")


# Arrays marked by Tensor.share_memory_(), by id, with a weak reference to drop the entry when
# the array goes.
_shared_arrays = {}


def _is_shared(array):
    ref = _shared_arrays.get(id(_root(array)))
    return ref is not None and ref() is not None


def mark_shared(array):
    root = _root(array)
    key = id(root)
    _shared_arrays[key] = weakref.ref(root, lambda _ref: _shared_arrays.pop(key, None))
