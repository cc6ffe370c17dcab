"""Tensor-only in-place methods that are not the in-place form of a function."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _shape_args, wrap_dim
from ..autograd import grad_mode
from ..ops.indexing import copy as copy_row
from ..ops.indexing import fill as fill_row
from ..ops.indexing import fill_scalar as fill_scalar_row
from ..ops.indexing import zero as zero_row
from ..ops.op import _broadcast_error
from ..ops.inplace import inplace as run_inplace
from ..ops.shape import narrow_copy as narrow_copy_row
from . import public
from .indexing import _check_copy_shape
from . import pointwise


@public(function=False)
def zero_(self):
    """Fill with zeros, in place; in a graph the old values get no gradient (ZeroBackward0)."""
    if self._requires_grad and grad_mode.state.enabled:
        return run_inplace(zero_row, self)
    return _write_fill(self, 0)


@public(function=False)
def fill_(self, value):
    """Fill with ``value``, in place; in a graph the old values get no gradient (FillBackward2,
    or FillBackward3 for a 0-d tensor value)."""
    row = fill_scalar_row
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
        row, value = fill_row, value.item()
    if self._requires_grad and grad_mode.state.enabled:
        return run_inplace(row, self, value)
    return _write_fill(self, value)


def _write_fill(self, value):
    """Fill the array directly: nothing to record (no grad needed, or grad mode off)."""
    self._data[...] = value
    self._bump_version()
    return self


@public(function=False)
def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast to this shape, cast to this dtype) into this tensor; a Python
    number fills it."""
    if isinstance(src, (bool, int, float)):
        return fill_(self, src)
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    try:
        src = _check_copy_shape(src, self)
    except RuntimeError:
        raise _broadcast_error((self._data, src._data)) from None  # PyTorch's copy_ message
    return run_inplace(copy_row, self, src)


@public(function=False)
def where(self, condition, other):
    """``self`` where ``condition`` holds, else ``other`` (the method form of ember.where)."""
    return pointwise.where(condition, self, other)


# --- in-place forms of composite functions ------------------------------------------------------
def _register_in_place_forms():
    from .linalg import addmv, addr

    for fn in (addmv, addr):
        public(inplace=True)(fn)


_register_in_place_forms()


# --- sizes, dtype and device questions ------------------------------------------------------------
@public(function=False)
def sum_to_size(self, *size):
    """Sum this tensor down to ``size`` (the reverse of expanding ``size`` to this shape).

    >>> import ember
    >>> ember.ones(2, 3).sum_to_size(1, 3)
    tensor([[2., 2., 2.]])
    """
    shape = _shape_args(size, "size")
    own = self._data.shape
    lead = len(own) - len(shape)
    if lead < 0 or any(s != 1 and s != o for s, o in zip(shape, own[lead:])):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(own)}}}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and own[lead + i] != 1)
    if not dims:
        return self
    summed = self.sum(dims, keepdim=True)
    return summed.view(shape) if lead else summed


@public(function=False)
def split_with_sizes(self, split_sizes, dim=0):
    """Pieces of the listed sizes along ``dim`` (views).

    >>> import ember
    >>> [p.tolist() for p in ember.arange(3).split_with_sizes([1, 2])]
    [[0], [1, 2]]
    """
    from .joining import split

    return split(self, list(split_sizes), dim)


@public()
def narrow_copy(input, dim, start, length):  # noqa: A002
    """:meth:`narrow` into new memory (NarrowCopyBackward0)."""
    input.narrow(dim, start, length)  # (checks the arguments as narrow does)
    dim = wrap_dim(dim, input.ndim)
    start = start + input._data.shape[dim] if start < 0 else start
    return narrow_copy_row(input, dim, start, start + length)


@public(function=False)
def is_signed(self):
    """Whether the dtype holds negative values (False for uint8 and bool)."""
    return self.dtype.is_signed


@public(function=False)
def is_same_size(self, other):
    """Whether both tensors have the same shape."""
    return self._data.shape == other._data.shape


@public()
def is_complex(input):  # noqa: A002
    """Whether the dtype is complex: never, in ember (it has no complex dtypes)."""
    return False


@public()
def is_inference(input):  # noqa: A002
    """Whether the tensor was made in inference mode: never, in ember (no inference mode)."""
    return False


@public(function=False)
def get_device(self):
    """The CUDA device index, or -1 for a tensor on the CPU."""
    return -1


Tensor.itemsize = property(lambda self: self._data.itemsize,
                           doc="Bytes per element (``element_size()``).")
Tensor.nbytes = property(lambda self: self._data.size * self._data.itemsize,
                         doc="Bytes of all elements: ``numel() * itemsize``.")
Tensor.is_cpu = property(lambda self: True, doc="True: ember tensors live on the CPU.")


# --- conjugate transposes and complex parts (ember's tensors are all real) ---------------------
def _H(self):  # noqa: N802
    if self._data.ndim > 2 or self._data.ndim == 1:
        raise RuntimeError("tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{self._data.ndim}-D tensor.")
    return self.transpose(0, 1) if self._data.ndim == 2 else self


def _mH(self):  # noqa: N802
    if self._data.ndim < 2:
        raise RuntimeError("tensor.mH is only supported on matrices or batches of matrices. Got "
                           f"{self._data.ndim}-D tensor.")
    return self.transpose(-2, -1)


Tensor.H = property(_H, doc="The conjugate transpose of a matrix (its transpose: ember is real).")
Tensor.mH = property(_mH, doc="The conjugate transpose of the last two dims (their transpose).")


@public()
def adjoint(input):  # noqa: A002
    """The conjugate transpose of the last two dims (their transpose, for real tensors)."""
    if input.ndim < 2:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of "
                           f"matrices. Got {input.ndim}-D tensor.")
    return input.transpose(-2, -1)


def _identity(name, doc):
    def fn(input):  # noqa: A002
        return input

    fn.__name__ = name
    fn.__doc__ = doc
    return public()(fn)


conj = _identity("conj", "The complex conjugate: the tensor itself, for real tensors.")
resolve_conj = _identity("resolve_conj", "The tensor itself (a real tensor has no lazy "
                                         "conjugation to resolve).")
resolve_neg = _identity("resolve_neg", "The tensor itself (ember has no lazy negation).")


@public()
def is_conj(input):  # noqa: A002
    """Whether the tensor is a lazy conjugate: never, in ember."""
    return False


@public()
def is_neg(input):  # noqa: A002
    """Whether the tensor is a lazy negation: never, in ember."""
    return False


def _imag(self):
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


@public(method=False)
def real(input):  # noqa: A002
    """The real part: the tensor itself, for real tensors (as in PyTorch)."""
    return input


@public(method=False)
def imag(input):  # noqa: A002
    """The imaginary part, which real tensors do not have (PyTorch's error)."""
    return _imag(input)


Tensor.real = property(real, doc="The real part: the tensor itself, for real tensors.")
Tensor.imag = property(_imag, doc="The imaginary part: an error for real tensors, as in PyTorch.")


# --- resizing -------------------------------------------------------------------------------------
@public(function=False)
def resize_(self, *sizes, memory_format=None):
    """Give this tensor the shape ``sizes`` in place: it keeps its first elements (in row-major
    order) and shares its memory when it shrinks; new elements of a grown tensor are zeros
    (PyTorch leaves them uninitialised).

    >>> import ember
    >>> ember.arange(6.).resize_(2, 2)
    tensor([[0., 1.],
            [2., 3.]])
    """
    shape = _shape_args(sizes, "size")
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    count = 1
    for s in shape:
        count *= s
    data = self._data
    if data.flags.c_contiguous and count <= data.size:
        self._data = data.reshape(-1)[:count].reshape(shape)
    elif data.shape != shape:
        grown = np.zeros(count, dtype=data.dtype)
        keep = min(count, data.size)
        grown[:keep] = data.reshape(-1)[:keep]
        self._data = grown.reshape(shape)
    self._bump_version()
    return self


@public(function=False)
def resize_as_(self, other, memory_format=None):
    """:meth:`resize_` to ``other``'s shape."""
    return resize_(self, *other._data.shape)


@public(function=False)
def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False,
                      layout=None, pin_memory=False):
    """A new tensor with the given ``size`` and element ``stride`` (zeros; PyTorch leaves them
    uninitialised), of this tensor's dtype unless ``dtype`` is given.

    >>> import ember
    >>> ember.ones(1).new_empty_strided((2, 3), (1, 2)).stride()
    (1, 2)
    """
    size = _shape_args((size,), "size")
    stride = _shape_args((stride,), "stride")
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    np_dtype = (dtype or self.dtype).np
    extent = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    storage = np.zeros(extent, dtype=np_dtype)
    itemsize = storage.itemsize
    data = np.lib.stride_tricks.as_strided(storage, size, tuple(s * itemsize for s in stride))
    result = Tensor._make(data)
    if requires_grad:
        result.requires_grad_(True)
    return result


# --- memory: pinning, sharing, storages -----------------------------------------------------------
@public(function=False)
def pin_memory(self, device=None):
    """Page-locked memory needs an accelerator: an error, as on a CPU-only PyTorch."""
    raise RuntimeError("Cannot access accelerator device when none is available.")


@public(function=False)
def is_pinned(self, device=None):
    """Whether the tensor is in page-locked memory: never, in ember."""
    return False


@public(function=False)
def share_memory_(self):
    """Mark this tensor's memory as shared between processes and return the tensor.

    ember keeps the NumPy array where it is: :meth:`is_shared` then answers True for this tensor
    and every view of its memory, as in PyTorch, but the memory is not moved into OS shared
    memory, so a child process gets a copy.
    """
    from .._utilities import mark_shared

    mark_shared(self._data)
    return self


@public(function=False)
def is_shared(self):
    """Whether :meth:`share_memory_` was called on this tensor or on one sharing its memory."""
    from .._utilities import _is_shared

    return _is_shared(self._data)


@public(function=False)
def untyped_storage(self):
    """The bytes behind this tensor (see ``ember.UntypedStorage``): views of one tensor have
    storages with the same ``data_ptr()``.

    >>> import ember
    >>> ember.arange(6.).untyped_storage().size()
    24
    """
    from .._utilities import UntypedStorage

    return UntypedStorage(self._data)


_typed_storage_warned = [False]


@public(function=False)
def storage(self):
    """This tensor's storage counted in elements of its dtype (deprecated, with PyTorch's
    warning: use :meth:`untyped_storage`)."""
    import warnings

    from .._utilities import TypedStorage

    if _typed_storage_warned[0]:
        return TypedStorage(self._data, self.dtype)
    _typed_storage_warned[0] = True  # PyTorch warns once per process
    warnings.warn("TypedStorage is deprecated. It will be removed in the future and "
                  "UntypedStorage will be the only storage class. This should only matter to you "
                  "if you are using storages directly.  To access UntypedStorage directly, use "
                  "tensor.untyped_storage() instead of tensor.storage()", UserWarning,
                  stacklevel=2)
    return TypedStorage(self._data, self.dtype)


@public(function=False)
def bfloat16(self, memory_format=None):
    """PyTorch's cast to bfloat16, a dtype ember does not have: a TypeError."""
    raise TypeError("ember has no bfloat16 dtype (NumPy has no bfloat16); use float32 or "
                    "float16 instead")
