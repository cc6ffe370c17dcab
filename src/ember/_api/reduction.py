"""Reductions, statistics, scans and sorting. Public functions, each also a Tensor method."""

from __future__ import annotations

import builtins
import math
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor, wrap_dim
from ..ops import reduction as R
from . import public
from .pointwise import maximum, minimum


class _ReturnType(tuple):
    """A (values, indices) pair printed as PyTorch prints ``torch.return_types.max``."""

    __slots__ = ()
    _name = "return_type"
    _fields = ("values", "indices")

    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return f"torch.return_types.{self._name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


def _return_type(name):
    return type(name, (_ReturnType,), {"__slots__": (), "_name": name})


return_types = {name: _return_type(name) for name in (
    "max", "min", "sort", "topk", "kthvalue", "median", "mode", "cummax", "cummin")}


def _legacy(t):
    return t.dtype._legacy[:-6]


# --- reductions ---------------------------------------------------------------------------------
def _dims(dim, ndim):
    if isinstance(dim, (list, tuple)):
        dims = tuple(wrap_dim(d, ndim) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
        return dims
    return (wrap_dim(dim, ndim),)


def _all_dims(dim, ndim):
    """``None`` or ``()`` mean every dim (as in PyTorch); else a tuple of wrapped dims."""
    if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0):
        return None
    return _dims(dim, ndim) if ndim else None


def _as_int64(input, dtype):  # noqa: A002
    if dtype is not None:
        return input.to(dtype)
    if input._data.dtype.kind in "biu" and input._data.dtype != np.int64:
        return input.to(_dtype.int64)  # PyTorch sums (and multiplies) integers as int64
    return input


@public()
def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001, A002
    """The sum of all elements, or over ``dim``; integers and bools sum as int64.

    >>> ember.tensor([[1, 2], [3, 4]]).sum(0)
    tensor([4, 6])
    """
    input = _as_int64(input, dtype)
    if dim is None:
        return R.sum_all(input) if not keepdim else R.sum_dim(input, None, True)
    if isinstance(dim, (list, tuple)) and len(dim) == 0:
        return R.sum_all(input) if not keepdim else R.sum_dim(input, None, True)
    return R.sum_dim(input, _dims(dim, input.ndim), keepdim)


@public()
def mean(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The mean of all elements, or over ``dim`` (floating tensors only).

    >>> ember.tensor([1., 2., 6.]).mean()
    tensor(3.)
    """
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point():
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_legacy(input)}")
    if dim is None:
        if keepdim:  # (every dim reduced and kept: a shape of ones, as PyTorch gives)
            return R.mean_dim(input, tuple(range(input.ndim)), True)
        return R.mean_all(input)
    return R.mean_dim(input, _dims(dim, input.ndim), keepdim)


@public()
def prod(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The product of all elements, or along one ``dim``; integers multiply as int64.

    >>> ember.tensor([[1., 2.], [3., 4.]]).prod(1)
    tensor([ 2., 12.])
    """
    input = _as_int64(input, dtype)
    if dim is None:
        return R.prod_all(input)
    return R.prod_dim(input, wrap_dim(dim, input.ndim) if input.ndim else None, keepdim)


def _correction(name, input, dim, unbiased, keepdim, correction):  # noqa: A002
    if isinstance(dim, builtins.bool):  # var(x, False): the old positional ``unbiased``
        dim, unbiased = None, dim
    if not input.is_floating_point():
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    dims = _all_dims(dim, input.ndim)
    count = input.numel() if dims is None else math.prod(input.shape[d] for d in dims)
    if count - correction <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=3)
    return dims, correction


@public()
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """The variance, with Bessel's correction unless ``correction=0`` (or ``unbiased=False``).

    >>> ember.tensor([1., 2., 3., 4.]).var()
    tensor(1.6667)
    """
    dims, correction = _correction("var", input, dim, unbiased, keepdim, correction)
    return R.var(input, dims, correction, keepdim)


@public()
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """The standard deviation (see :func:`var` for ``correction``).

    >>> ember.tensor([1., 2., 3., 4.]).std(correction=0)
    tensor(1.1180)
    """
    dims, correction = _correction("std", input, dim, unbiased, keepdim, correction)
    return R.std(input, dims, correction, keepdim)


def _floating_moments(input, name):  # noqa: A002
    if not input.is_floating_point():
        raise RuntimeError(f"{name} only support floating point and complex dtypes")


@public(method=False)
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """``(var(input, ...), mean(input, ...))``."""
    _floating_moments(input, "var_mean")
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim if dim is not None and dim != () else None, keepdim))


@public(method=False)
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """``(std(input, ...), mean(input, ...))``."""
    _floating_moments(input, "std_mean")
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim if dim is not None and dim != () else None, keepdim))


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The ``ord``-norm of ``x`` seen as a vector (over ``dim``, else over all elements).

    >>> ember.linalg.vector_norm(ember.tensor([3., 4.]))
    tensor(5.)
    """
    if dtype is not None:
        x = x.to(dtype)
    if not x.is_floating_point():
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_legacy(x)}")
    dims = _all_dims(dim, x.ndim)
    ord = builtins.float(ord)  # noqa: A001
    if ord < 0 and ord != -math.inf or (ord == -math.inf and x.numel() == 0):
        if x.numel() == 0:
            raise RuntimeError("linalg.vector_norm cannot compute the "
                               f"{ord:g} norm on an empty tensor because the operation does "
                               "not have an identity")
    return R.vector_norm(x, ord, dims, keepdim)


@public()
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):  # noqa: A002
    """The vector ``p``-norm (``'fro'`` is the 2-norm of all the elements).

    >>> ember.tensor([[3., 4.]]).norm()
    tensor(5.)
    """
    if p == "fro" or p is None:
        p = 2
    if isinstance(p, str):
        raise NotImplementedError(f"norm(p={p!r}) is not supported by ember yet")
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


def _reduced_shape(shape, dim, keepdim):
    if keepdim:
        return tuple(1 if d == dim else s for d, s in enumerate(shape))
    return tuple(s for d, s in enumerate(shape) if d != dim)


def _check_nonempty(name, input, dim):  # noqa: A002
    if input.ndim and input.shape[dim] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")


def _extreme(name, whole_row, dim_row, binary):
    def fn(input, dim=None, keepdim=False):  # noqa: A002
        if isinstance(dim, Tensor):
            return binary(input, dim)
        if dim is None:
            if input.numel() == 0:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                                   "input.numel() == 0. Specify the reduction dim with the "
                                   "'dim' argument.")
            return whole_row(input)
        dim = wrap_dim(dim, input.ndim)
        _check_nonempty(name, input, dim)
        return return_types[name](*dim_row(input, dim, keepdim))

    fn.__name__ = name
    fn.__doc__ = f"""The {name}imum of all elements; with ``dim``, ``(values, indices)`` along it;
    with a tensor, the elementwise {name}imum.

    >>> ember.tensor([[1., 5.], [7., 2.]]).{name}(1)  # doctest: +SKIP
    """
    return public()(fn)


max = _extreme("max", R.max_all, R.max_dim, maximum)  # noqa: A001
min = _extreme("min", R.min_all, R.min_dim, minimum)  # noqa: A001


def _amax(name, row):
    def fn(input, dim=(), keepdim=False):  # noqa: A002
        dims = _all_dims(dim, input.ndim)
        for d in (range(input.ndim) if dims is None else dims):
            if input.shape[d] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        if dims is None and input.numel() == 0 and input.ndim == 0:
            raise IndexError(f"{name}(): Expected reduction dim to have non-zero size.")
        return row(input, dims, keepdim)

    fn.__name__ = name
    fn.__doc__ = f"""The {name[1:]}imum over ``dim`` (all dims by default); ties share the gradient.

    >>> ember.tensor([[1., 5.], [7., 2.]]).{name}(0)  # doctest: +SKIP
    """
    return public()(fn)


amax = _amax("amax", R.amax)
amin = _amax("amin", R.amin)


def _arg(name, fn_np):
    def fn(input, dim=None, keepdim=False):  # noqa: A002
        data = input._data
        if data.dtype == np.bool_:
            raise RuntimeError(f"{name}(): does not support bool input")
        if dim is None:
            if data.size == 0:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                                   "input.numel() == 0.")
            out = np.asarray(fn_np(data.reshape(-1)), dtype=np.int64)
            if keepdim:
                out = out.reshape((1,) * data.ndim)
            return Tensor._make(out)
        dim = wrap_dim(dim, input.ndim)
        if data.ndim == 0:
            return Tensor._make(np.zeros((), np.int64))
        _check_nonempty(name, input, dim)
        return Tensor._make(np.asarray(fn_np(data, axis=dim, keepdims=keepdim), dtype=np.int64))

    fn.__name__ = name
    fn.__doc__ = f"""The index of the {name[3:]}imum (of the flattened tensor, or along ``dim``).

    >>> ember.tensor([1., 5., 2.]).{name}()  # doctest: +SKIP
    """
    return public()(fn)


argmax = _arg("argmax", np.argmax)
argmin = _arg("argmin", np.argmin)


@public()
def logsumexp(input, dim, keepdim=False):  # noqa: A002
    """``log(sum(exp(input)))`` over ``dim``, computed without overflow.

    >>> ember.tensor([0., 0.]).logsumexp(0)
    tensor(0.6931)
    """
    if not input.is_floating_point():
        input = input.to(_dtype.get_default_dtype())
    return R.logsumexp(input, _dims(dim, input.ndim) if input.ndim else None, keepdim)


# --- scans ----------------------------------------------------------------------------------------
def _scan(name, row):
    def fn(input, dim, *, dtype=None):  # noqa: A002
        input = _as_int64(input, dtype)
        return row(input, wrap_dim(dim, input.ndim))

    fn.__name__ = name
    fn.__doc__ = f"""The running {name[3:]} along ``dim`` (integers accumulate as int64).

    >>> ember.tensor([1, 2, 3]).{name}(0)  # doctest: +SKIP
    """
    return public(inplace=True)(fn)


cumsum = _scan("cumsum", R.cumsum)
cumprod = _scan("cumprod", R.cumprod)


def _cumulative(name, row):
    def fn(input, dim):  # noqa: A002
        return return_types[name](*row(input, wrap_dim(dim, input.ndim)))

    fn.__name__ = name
    fn.__doc__ = f"""The running {name[3:]}imum along ``dim`` and the index where it was found.

    >>> ember.tensor([1., 3., 2.]).{name}(0)  # doctest: +SKIP
    """
    return public()(fn)


cummax = _cumulative("cummax", R.cummax)
cummin = _cumulative("cummin", R.cummin)


# --- sorting and order statistics -----------------------------------------------------------------
@public()
def sort(input, dim=-1, descending=False, *, stable=False):  # noqa: A002
    """Sorted values along ``dim`` and their original indices (a stable sort).

    >>> ember.tensor([3., 1., 2.]).sort()
    torch.return_types.sort(
    values=tensor([1., 2., 3.]),
    indices=tensor([1, 2, 0]))
    """
    dim = wrap_dim(dim, input.ndim)
    return return_types["sort"](*R.sort(input, dim, descending))


@public()
def argsort(input, dim=-1, descending=False, *, stable=False):  # noqa: A002
    """The indices that sort ``input`` along ``dim``."""
    return sort(input, dim, descending)[1]


@public()
def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    """The ``k`` largest (or smallest) values along ``dim`` and their indices.

    >>> ember.tensor([1., 5., 3.]).topk(2)
    torch.return_types.topk(
    values=tensor([5., 3.]),
    indices=tensor([1, 2]))
    """
    dim = wrap_dim(dim, input.ndim)
    size = input.shape[dim] if input.ndim else 1
    if k < 0 or k > size:
        raise RuntimeError("selected index k out of range")
    return return_types["topk"](*R.topk(input, k, dim, largest, sorted))


@public()
def kthvalue(input, k, dim=-1, keepdim=False):  # noqa: A002
    """The ``k``-th smallest value along ``dim`` (``k`` counts from 1) and its index.

    >>> ember.tensor([3., 1., 2.]).kthvalue(2)
    torch.return_types.kthvalue(
    values=tensor(2.),
    indices=tensor(2))
    """
    dim = wrap_dim(dim, input.ndim)
    size = input.shape[dim] if input.ndim else 1
    if k < 1 or k > size:
        raise IndexError(f"kthvalue(): selected number k out of range for dimension {dim}")
    return return_types["kthvalue"](*R.kthvalue(input, k, dim, keepdim))


@public()
def median(input, dim=None, keepdim=False):  # noqa: A002
    """The lower median of all elements, or ``(values, indices)`` along ``dim``.

    >>> ember.tensor([1., 4., 2., 3.]).median()
    tensor(2.)
    """
    if input._data.dtype.kind == "b":
        kernel = "median_cpu" if dim is None else "median_out"
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
    if dim is None:
        if input.numel() == 0:
            return Tensor._make(np.asarray(np.nan, input._data.dtype))
        return R.median_all(input)
    dim = wrap_dim(dim, input.ndim)
    _check_nonempty("median", input, dim)
    return return_types["median"](*R.median_dim(input, dim, keepdim))


@public()
def mode(input, dim=-1, keepdim=False):  # noqa: A002
    """The most frequent value along ``dim`` (the smallest among equally frequent ones) and the
    index of its last occurrence.

    >>> ember.tensor([1, 2, 2, 3]).mode()
    torch.return_types.mode(
    values=tensor(2),
    indices=tensor(2))
    """
    dim = wrap_dim(dim, input.ndim)
    _check_nonempty("mode", input, dim)
    return return_types["mode"](*R.mode(input, dim, keepdim))


# --- logical reductions and counting (never differentiable) ---------------------------------------
def _truth(name, np_fn):
    def fn(input, dim=None, keepdim=False):  # noqa: A002
        data = input._data
        axis = _all_dims(dim, data.ndim)
        out = np_fn(data, axis=axis, keepdims=keepdim)  # (keepdim over all dims: all ones)
        return Tensor._make(np.asarray(out, dtype=np.uint8 if data.dtype == np.uint8 else bool))

    fn.__name__ = name
    fn.__doc__ = f"""Whether {name} elements are true (over ``dim``, or all).

    >>> ember.tensor([True, False]).{name}()  # doctest: +SKIP
    """
    return public()(fn)


all = _truth("all", np.all)  # noqa: A001
any = _truth("any", np.any)  # noqa: A001


@public()
def count_nonzero(input, dim=None):  # noqa: A002
    """How many elements are not zero (over ``dim``, or all).

    >>> ember.tensor([0, 1, 2]).count_nonzero()
    tensor(2)
    """
    axis = _all_dims(dim, input.ndim)
    return Tensor._make(np.asarray(np.count_nonzero(input._data, axis=axis), dtype=np.int64))


@public()
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct values (sorted), optionally with the inverse indices and the counts.

    >>> ember.unique(ember.tensor([3, 1, 3]), return_counts=True)
    (tensor([1, 3]), tensor([1, 2]))
    """
    data = input._data
    if dim is None:
        data = data.reshape(-1)
        axis = None
    else:
        axis = wrap_dim(dim, data.ndim)
    values, inverse, counts = np.unique(data, return_inverse=True, return_counts=True, axis=axis)
    out = [Tensor._make(values)]
    if return_inverse:
        out.append(Tensor._make(inverse.reshape(input.shape if dim is None else -1)
                                .astype(np.int64)))
    if return_counts:
        out.append(Tensor._make(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


@public()
def bincount(input, weights=None, minlength=0):  # noqa: A002
    """How often each non-negative integer occurs (summing ``weights`` instead of ones).

    >>> ember.bincount(ember.tensor([0, 2, 2]))
    tensor([1, 0, 2])
    """
    data = input._data
    if data.ndim != 1 or data.dtype.kind not in "iub" or (data.size and data.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return Tensor._make(np.bincount(data, minlength=minlength).astype(np.int64))
    if weights.shape != input.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    w = weights._data
    dtype = w.dtype if w.dtype.kind == "f" else np.float64
    return Tensor._make(np.bincount(data, w.astype(np.float64), minlength).astype(dtype))


@public()
def histc(input, bins=100, min=0, max=0):  # noqa: A001, A002
    """A histogram of ``bins`` equal bins over ``[min, max]`` (the data's range when equal).

    >>> ember.histc(ember.tensor([1., 2., 1.]), bins=4, min=0, max=3)
    tensor([0., 2., 1., 0.])
    """
    data = input._data
    if data.dtype.kind != "f":
        raise NotImplementedError(f'"histogram_cpu" not implemented for \'{_legacy(input)}\'')
    if bins <= 0:
        raise RuntimeError("torch.histogram(): bins must be > 0")
    low, high = builtins.float(min), builtins.float(max)
    if low == high and data.size:
        low, high = builtins.float(data.min()), builtins.float(data.max())
    if low == high:
        low, high = low - 1, high + 1
    if low > high:
        raise RuntimeError("torch.histogram(): max must be larger than min")
    counts, _ = np.histogram(data, bins=bins, range=(low, high))
    return Tensor._make(counts.astype(data.dtype))


@public()
def nansum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The sum, with NaNs counted as zero (integers sum as int64).

    >>> ember.tensor([1., float('nan'), 2.]).nansum()
    tensor(3.)
    """
    input = _as_int64(input, dtype)
    dims = _all_dims(dim, input.ndim)
    return R.nansum(input, dims, keepdim)


@public()
def nanmean(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The mean of the elements that are not NaN.

    >>> ember.tensor([1., float('nan'), 2.]).nanmean()
    tensor(1.5000)
    """
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point():
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {_legacy(input)}")
    return nansum(input, dim, keepdim) / (~input.isnan()).sum(dim, keepdim)


@public()
def trace(input):  # noqa: A002
    """The sum of a matrix's diagonal. >>> ember.eye(3).trace()  # tensor(3.)"""
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    return R.trace(input)


@public()
def diff(input, n=1, dim=-1, prepend=None, append=None):  # noqa: A002
    """Differences of neighbours along ``dim``, ``n`` times (bools: ``!=``).

    >>> ember.diff(ember.tensor([1, 4, 9]))
    tensor([3, 5])
    """
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    dim = wrap_dim(dim, input.ndim)
    parts = [t for t in (prepend, input, append) if t is not None]
    if len(parts) > 1:
        from .joining import cat

        input = cat(parts, dim)
    for _ in range(n):
        size = input.shape[dim]
        if size == 0:
            break
        later, earlier = input.narrow(dim, 1, size - 1), input.narrow(dim, 0, size - 1)
        input = later != earlier if input.dtype is _dtype.bool else later - earlier
    return input
