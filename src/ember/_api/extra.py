"""PyTorch functions added later: special functions, log-space scans, floating-point helpers,
set and index helpers, statistics (cov, quantile, nanmedian) and matrix products.

Functions with a row of their own call ember.ops.extra; the rest are composed from public ember
functions, so their gradients come from the rows those use.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Size, Tensor, wrap_dim
from ..ops import extra as X
from ..ops import special_rows as S
from . import FUNCTIONS, public, tensor_arg
from .reduction import _return_type


def _api(name):
    return FUNCTIONS[name]


def _legacy(dtype):
    return dtype._legacy[:-6]


class _Pair(tuple):
    """A named pair printed as PyTorch prints ``torch.return_types.<name>``."""

    __slots__ = ()
    _name = "pair"
    _fields = ("first", "second")

    def __new__(cls, first, second):
        return tuple.__new__(cls, (first, second))

    def __getattr__(self, name):
        try:
            return self[type(self)._fields.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    def __repr__(self):
        first, second = self._fields
        return f"torch.return_types.{self._name}(\n{first}={self[0]!r},\n{second}={self[1]!r})"


def _pair_type(name, fields):
    return type(name, (_Pair,), {"__slots__": (), "_name": name, "_fields": fields})


_aminmax_type = _pair_type("aminmax", ("min", "max"))
_frexp_type = _pair_type("frexp", ("mantissa", "exponent"))
_nanmedian_type = _return_type("nanmedian")


# --- special functions --------------------------------------------------------------------------
def _special(row, name, doc):
    def fn(input):  # noqa: A002
        tensor_arg(input, "input", name)
        return row(input)

    fn.__name__ = name
    fn.__doc__ = doc
    return public(inplace=True)(fn)


erfinv = _special(X.erfinv, "erfinv", """The inverse error function: ``erf(erfinv(x)) == x`` on
    (-1, 1), +-inf at +-1, NaN outside.

    >>> ember.erfinv(ember.tensor([0., 0.5]))
    tensor([0.0000, 0.4769])
    """)
lgamma = _special(X.lgamma, "lgamma", """``log|Gamma(x)|``; +inf at 0 and the negative integers.

    >>> ember.lgamma(ember.tensor([0.5, 3.]))
    tensor([0.5724, 0.6931])
    """)
digamma = _special(X.digamma, "digamma", """The digamma function, the derivative of lgamma.

    >>> ember.digamma(ember.tensor([1.]))
    tensor([-0.5772])
    """)
i0 = _special(X.i0, "i0", """The modified Bessel function of the first kind, order 0.

    >>> ember.i0(ember.tensor([0., 1.]))
    tensor([1.0000, 1.2661])
    """)


def _check_polygamma_order(n):
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")


@public(method=False)
def polygamma(n, input):  # noqa: A002
    """The ``n``-th derivative of digamma (``n = 0``: digamma itself).

    >>> ember.polygamma(1, ember.tensor([1.]))
    tensor([1.6449])
    """
    tensor_arg(input, "input", "polygamma")
    _check_polygamma_order(n)
    return X.polygamma(input, n)


def _polygamma_method(self, n):
    _check_polygamma_order(n)
    return X.polygamma(self, n)


def _polygamma_inplace(self, n):
    from . import inplace_call

    return inplace_call(_polygamma_method, self, n)


Tensor.polygamma = _polygamma_method
Tensor.polygamma_ = _polygamma_inplace


def _incomplete_gamma(row, name, input, other):  # noqa: A002
    tensor_arg(input, "input", name)
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")
    _float_kernel(f"{name}_cpu", _dtype.result_type(input, other))
    return row(input, other)


@public(inplace=True)
def igamma(input, other):  # noqa: A002
    """The regularized lower incomplete gamma function ``P(input, other)``
    (``ember.special.gammainc``); differentiable in ``other`` only, as in PyTorch.

    >>> ember.igamma(ember.tensor([1.]), ember.tensor([1.]))
    tensor([0.6321])
    """
    return _incomplete_gamma(S.igamma, "igamma", input, other)


@public(inplace=True)
def igammac(input, other):  # noqa: A002
    """The regularized upper incomplete gamma function ``Q(input, other) = 1 - P``
    (``ember.special.gammaincc``).

    >>> ember.igammac(ember.tensor([1.]), ember.tensor([1.]))
    tensor([0.3679])
    """
    return _incomplete_gamma(S.igammac, "igammac", input, other)


@public(inplace=True)
def mvlgamma(input, p):  # noqa: A002
    """The log of the multivariate gamma function of dimension ``p``.

    >>> ember.mvlgamma(ember.tensor([3.]), 2)
    tensor([1.5502])
    """
    tensor_arg(input, "input", "mvlgamma")
    if not isinstance(p, int) or isinstance(p, bool):
        raise TypeError(f"mvlgamma(): argument 'p' (position 2) must be int, not "
                        f"{type(p).__name__}")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    return X.mvlgamma(input, p)


# --- log-space scans and sums ---------------------------------------------------------------------
def _float_kernel(kernel, dtype):
    if not dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_legacy(dtype)}\'')


@public()
def logcumsumexp(input, dim):  # noqa: A002
    """``log(cumsum(exp(input), dim))``, computed without overflow.

    >>> ember.logcumsumexp(ember.tensor([0., 0.]), 0)
    tensor([0.0000, 0.6931])
    """
    tensor_arg(input, "input", "logcumsumexp")
    dim = wrap_dim(dim, input.ndim)
    _float_kernel("logcumsumexp_out_cpu", input.dtype)
    return X.logcumsumexp(input, dim)


def _as_tensor(value, like):
    if isinstance(value, Tensor):
        return value
    return Tensor._make(np.asarray(value, dtype=_dtype.result_type(value, like).np))


@public()
def logaddexp2(input, other):  # noqa: A002
    """``log2(2**input + 2**other)``, computed stably.

    >>> ember.logaddexp2(ember.tensor([1.]), ember.tensor([1.]))
    tensor([2.])
    """
    tensor_arg(input, "input", "logaddexp2")
    _float_kernel("logaddexp2_cpu", _dtype.result_type(input, other))
    return X.logaddexp2(input, other)


@public(inplace=True)
def copysign(input, other):  # noqa: A002
    """``|input|`` with the sign of ``other`` (integers become floats).

    >>> ember.copysign(ember.tensor([1, 2]), -1)
    tensor([-1., -2.])
    """
    tensor_arg(input, "input", "copysign")
    return X.copysign(input, _as_tensor(other, input))


@public(inplace=True)
def nextafter(input, other):  # noqa: A002
    """The next floating-point value after ``input`` towards ``other``.

    >>> ember.nextafter(ember.tensor([1.]), ember.tensor([2.])) > 1
    tensor([True])
    """
    tensor_arg(input, "input", "nextafter")
    _float_kernel("nextafter_cpu", _dtype.result_type(input, other))
    return X.nextafter(input, _as_tensor(other, input))


@public(inplace=True)
def ldexp(input, other):  # noqa: A002
    """``input * 2**other``.

    >>> ember.ldexp(ember.tensor([1.]), ember.tensor([3]))
    tensor([8.])
    """
    return _api("mul")(input, _api("pow")(2.0, other))


@public()
def frexp(input):  # noqa: A002
    """Split into mantissa in [0.5, 1) (by magnitude) and int32 exponent: ``m * 2**e``.

    >>> ember.frexp(ember.tensor([8.])).exponent
    tensor([4], dtype=torch.int32)
    """
    tensor_arg(input, "input", "frexp")
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    return _frexp_type(*X.frexp(input))


def _integer_binary(name, kernel, numpy_fn, doc):
    def fn(input, other):  # noqa: A002
        tensor_arg(input, "input", name)
        target = _dtype.result_type(input, other)
        if target.is_floating_point or target is _dtype.bool:
            raise NotImplementedError(f'"{kernel}" not implemented for \'{_legacy(target)}\'')
        a = np.asarray(input._data, target.np)
        b = np.asarray(other._data if isinstance(other, Tensor) else other, target.np)
        return Tensor._make(np.asarray(numpy_fn(a, b), target.np))

    fn.__name__ = name
    fn.__doc__ = doc
    return public(inplace=True)(fn)


gcd = _integer_binary("gcd", "gcd_cpu", np.gcd, """The greatest common divisor (integers).

    >>> ember.gcd(ember.tensor([4, 6]), ember.tensor([6, 9]))
    tensor([2, 3])
    """)
lcm = _integer_binary("lcm", "lcm_cpu", np.lcm, """The least common multiple (integers).

    >>> ember.lcm(ember.tensor([4, -6]), ember.tensor([6, 4]))
    tensor([12, 12])
    """)


# --- predicates -----------------------------------------------------------------------------------
@public(method=False)
def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each of ``elements`` is in ``test_elements`` (either may be a number).

    >>> ember.isin(ember.tensor([1, 2, 3]), ember.tensor([2, 3]))
    tensor([False,  True,  True])
    """
    target = _dtype.result_type(elements, test_elements).np
    a = np.asarray(elements._data if isinstance(elements, Tensor) else elements, target)
    b = np.asarray(test_elements._data if isinstance(test_elements, Tensor) else test_elements,
                   target)
    return Tensor._make(np.isin(a, b, assume_unique=assume_unique, invert=invert))


def _predicate(name, test, doc):
    def fn(input):  # noqa: A002
        tensor_arg(input, "input", name)
        return Tensor._make(np.asarray(test(input._data)))

    fn.__name__ = name
    fn.__doc__ = doc
    return public()(fn)


isposinf = _predicate("isposinf", np.isposinf, "Whether each element is +inf (a bool tensor).")
isneginf = _predicate("isneginf", np.isneginf, "Whether each element is -inf (a bool tensor).")
isreal = _predicate("isreal", lambda a: np.ones(a.shape, bool),
                    "Whether each element is real: all True for ember's real dtypes.")


# --- reductions and selections ------------------------------------------------------------------
@public()
def aminmax(input, *, dim=None, keepdim=False):  # noqa: A002
    """The minimum and maximum together, over all elements or along ``dim``.

    >>> ember.aminmax(ember.tensor([3., 1., 2.]))
    torch.return_types.aminmax(
    min=tensor(1.),
    max=tensor(3.))
    """
    tensor_arg(input, "input", "aminmax")
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as "
                               "the operation has no identity.")
        axis = None
        if keepdim:
            axis = tuple(range(input.ndim))
    else:
        axis = wrap_dim(dim, input.ndim)
        if input.ndim and input.shape[axis] == 0:
            raise IndexError(f"aminmax(): Expected reduction dim {axis} to have non-zero size.")
        if not input.ndim:
            axis = None
    return _aminmax_type(*X.aminmax(input, axis, keepdim))


@public()
def nanmedian(input, dim=None, keepdim=False):  # noqa: A002
    """The lower median ignoring NaN, or ``(values, indices)`` along ``dim``.

    >>> ember.nanmedian(ember.tensor([1., float('nan'), 4., 3.]))
    tensor(3.)
    """
    tensor_arg(input, "input", "nanmedian")
    if input.dtype is _dtype.bool:
        raise NotImplementedError(
            f'"{"nanmedian_cpu" if dim is None else "nanmedian_out"}" not implemented for '
            "'Bool'")
    if dim is None:
        if input.numel() == 0:
            return Tensor._make(np.asarray(np.nan, input._data.dtype))
        return X.nanmedian_all(input)
    dim = wrap_dim(dim, input.ndim)
    if input.ndim and input.shape[dim] == 0:
        raise IndexError(f"nanmedian(): Expected reduction dim {dim} to have non-zero size.")
    return _nanmedian_type(*X.nanmedian_dim(input, dim, keepdim))


@public()
def msort(input):  # noqa: A002
    """Sort along the first dimension (``sort(input, dim=0).values``)."""
    return _api("sort")(input, 0).values


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):  # noqa: A002
    tensor_arg(input, "input", name)
    name = "quantile"  # (nanquantile's messages say quantile() too, as PyTorch's)
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest, but got {interpolation}")
    scalar_q = not isinstance(q, Tensor)
    if scalar_q:
        if not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
        q_values = np.asarray([q], np.float64)
    else:
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype is not input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        q_values = q._data.reshape(-1).astype(np.float64)
        if ((q_values < 0) | (q_values > 1)).any():
            raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    if dim is None:
        source = input.reshape(-1)
        axis = 0
    else:
        axis = wrap_dim(dim, input.ndim)
        source = input if input.ndim else input.reshape(1)
    if source.shape[axis] == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    ordered = _api("sort")(source, axis).values  # NaN sorts last
    moved = ordered.movedim(axis, -1)
    size = moved.shape[-1]
    data = moved._data
    if ignore_nan:
        valid = (~np.isnan(data)).sum(axis=-1, keepdims=True)
    else:
        valid = np.full(data.shape[:-1] + (1,), size)
    has_nan = np.isnan(data).any(axis=-1, keepdims=True)
    last = np.maximum(valid - 1, 0).astype(np.float64)
    outs = []
    for fraction in q_values:
        rank = fraction * last  # (rank in float64, as PyTorch computes it)
        if interpolation == "lower":
            rank = np.floor(rank)
        elif interpolation == "higher":
            rank = np.ceil(rank)
        elif interpolation == "nearest":
            rank = np.round(rank)  # (half to even, as PyTorch)
        low = np.floor(rank).astype(np.int64)
        high = np.ceil(rank).astype(np.int64)
        below = _api("gather")(moved, -1, Tensor._make(low))
        above = _api("gather")(moved, -1, Tensor._make(high))
        if interpolation == "midpoint":
            weight = np.where(high > low, 0.5, 0.0)
        else:
            weight = rank - low
        value = _api("lerp")(below, above, Tensor._make(weight.astype(data.dtype)))
        empty = (valid == 0) if ignore_nan else has_nan
        if empty.any():
            value = _api("where")(Tensor._make(empty), Tensor._make(np.asarray(np.nan, data.dtype)),
                                  value)
        value = value.squeeze(-1)
        if keepdim:
            value = value.unsqueeze(axis) if dim is not None else value.reshape(
                (1,) * input.ndim)
        outs.append(value)
    if scalar_q:
        return outs[0]
    return _api("stack")(outs, 0).reshape((q.numel(),) + tuple(outs[0].shape)) \
        if q.ndim else outs[0]


@public()
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):  # noqa: A002
    """The ``q``-th quantiles of all elements or along ``dim`` (NaN if a NaN is present).

    >>> ember.quantile(ember.tensor([1., 2., 3., 4.]), 0.5)
    tensor(2.5000)
    """
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


@public()
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):  # noqa: A002
    """:func:`quantile` ignoring NaN (NaN only where every value is).

    >>> ember.nanquantile(ember.tensor([1., float('nan'), 3.]), 0.5)
    tensor(2.)
    """
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)


@public()
def cov(input, *, correction=1, fweights=None, aweights=None):  # noqa: A002
    """The covariance matrix of the variables in the rows of ``input`` (observations in columns).

    >>> ember.cov(ember.tensor([[0., 1., 2.], [2., 1., 0.]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    tensor_arg(input, "input", "cov")
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.ndim} dimensions")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    if not x.dtype.is_floating_point:
        x = x.to(_dtype.get_default_dtype())
    observations = x.shape[1]
    weights = None
    if fweights is not None:
        weights = fweights
    if aweights is not None:
        weights = aweights if weights is None else weights * aweights
    if weights is None:
        total = observations
        mean = x.mean(1, keepdim=True)
        scale = total - correction
    else:
        weights = weights.to(x.dtype)
        total = weights.sum()
        mean = (x * weights).sum(1, keepdim=True) / total
        if correction == 0:
            scale = total
        elif aweights is None:
            scale = total - correction
        else:
            scale = total - correction * (weights * aweights).sum() / total
    centered = x - mean
    product = centered * weights if weights is not None else centered
    if not isinstance(scale, Tensor) and scale <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        scale = max(scale, 0)
    out = _api("matmul")(product, centered.mT) / scale
    return out.squeeze() if input.ndim < 2 else out


@public()
def corrcoef(input):  # noqa: A002
    """Pearson correlation coefficients of the variables in the rows of ``input``.

    >>> ember.corrcoef(ember.tensor([[0., 1., 2.], [2., 1., 0.]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    tensor_arg(input, "input", "corrcoef")
    c = cov(input)
    if c.ndim == 0:
        return c / c
    deviation = _api("sqrt")(_api("diagonal")(c))
    c = c / deviation.unsqueeze(1)
    c = c / deviation.unsqueeze(0)
    return _api("clamp")(c, -1, 1)


# --- shapes and indices ---------------------------------------------------------------------------
@public(method=False)
def broadcast_shapes(*shapes):
    """The shape that tensors of ``shapes`` broadcast to.

    >>> ember.broadcast_shapes((2, 1), (3,))
    torch.Size([2, 3])
    """
    normalized = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    ndim = max((len(s) for s in normalized), default=0)
    result = [1] * ndim
    for index, shape in enumerate(normalized):
        for axis in range(-1, -len(shape) - 1, -1):
            size = shape[axis]
            if size < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {size}: "
                                   f"{list(shape)}")
            if result[axis] == 1:
                result[axis] = size
            elif size != 1 and size != result[axis]:
                expected = [result[a] for a in range(ndim)]
                raise RuntimeError(f"Attempting to broadcast a dimension of length {size} at "
                                   f"{axis}! Mismatching argument at index {index} had "
                                   f"{tuple(shape)}; but expected shape should be broadcastable "
                                   f"to {expected}")
    return Size(result)


@public(method=False)
def unravel_index(indices, shape):
    """Turn flat indices into a tuple of coordinate tensors for ``shape``.

    >>> ember.unravel_index(ember.tensor([5]), (2, 4))
    (tensor([1]), tensor([1]))
    """
    if not isinstance(indices, Tensor):
        indices = Tensor._make(np.asarray(indices))
    if indices.dtype.is_floating_point or indices.dtype is _dtype.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got " + str(tuple(shape)))
    total = math.prod(shape)
    flat = indices._data.astype(np.int64)
    if ((flat < -total) | (flat >= total)).any():
        raise ValueError(f"'indices' must be in range [-{total}, {total})"
                         if total else "'indices' must be in range [0, 0)")
    flat = np.where(flat < 0, flat + total, flat)
    coordinates = []
    for size in reversed(shape):
        coordinates.append(flat % size if size else flat)
        flat = flat // size if size else flat
    return tuple(Tensor._make(np.asarray(c, np.int64)) for c in reversed(coordinates))


@public()
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """Collapse runs of equal consecutive values (or slices along ``dim``) to one.

    >>> ember.unique_consecutive(ember.tensor([1, 1, 2, 2, 1]))
    tensor([1, 2, 1])
    """
    tensor_arg(input, "input", "unique_consecutive")
    data = input._data
    if dim is None:
        flat = data.reshape(-1)
        starts = np.ones(flat.shape, bool)
        if flat.size:
            starts[1:] = flat[1:] != flat[:-1]
        values = flat[starts]
        inverse_shape = data.shape
    else:
        dim = wrap_dim(dim, data.ndim)
        moved = np.moveaxis(data, dim, 0)
        rows = moved.reshape(moved.shape[0], -1)
        starts = np.ones(rows.shape[0], bool)
        if rows.shape[0]:
            starts[1:] = (rows[1:] != rows[:-1]).any(axis=1)
        values = np.moveaxis(moved[starts], 0, dim)
        inverse_shape = (data.shape[dim],)
    out = [Tensor._make(np.ascontiguousarray(values))]
    if return_inverse:
        inverse = (np.cumsum(starts) - 1).reshape(inverse_shape)
        out.append(Tensor._make(inverse.astype(np.int64)))
    if return_counts:
        edges = np.flatnonzero(np.append(starts, True))
        out.append(Tensor._make(np.diff(edges).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


@public(method=False)
def combinations(input, r=2, with_replacement=False):  # noqa: A002
    """All length-``r`` combinations of a 1-D tensor's elements, one per row.

    >>> ember.combinations(ember.tensor([1, 2, 3]))
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    tensor_arg(input, "input", "combinations")
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return Tensor._make(np.empty((0,), input._data.dtype))
    choose = itertools.combinations_with_replacement if with_replacement \
        else itertools.combinations
    rows = list(choose(range(input.shape[0]), r))
    if not rows:
        return Tensor._make(np.empty((0, r), input._data.dtype))
    index = np.asarray(rows, np.int64)
    columns = [_api("index_select")(input, 0, Tensor._make(index[:, i])) for i in range(r)]
    return _api("stack")(columns, 1)


@public(method=False)
def vander(x, N=None, increasing=False):  # noqa: N803 (PyTorch's argument name)
    """The Vandermonde matrix: columns are powers of ``x`` (decreasing unless ``increasing``).

    >>> ember.vander(ember.tensor([1, 2, 3]))
    tensor([[1, 1, 1],
            [4, 2, 1],
            [9, 3, 1]])
    """
    tensor_arg(x, "x", "vander")
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is None:
        N = x.shape[0]  # noqa: N806
    if N < 0:
        raise RuntimeError("N must be non-negative.")
    if N == 0:
        dtype = x.dtype if x.dtype is not _dtype.bool else _dtype.int64
        return Tensor._make(np.empty((x.shape[0], 0), dtype.np))
    if x.dtype is _dtype.bool or not x.dtype.is_floating_point:
        x = x.to(_dtype.promote_types(x.dtype, _dtype.int64))
    # powers by a running product, as PyTorch: no 0 ** 0 in any derivative
    ones = Tensor._make(np.ones((x.shape[0], 1), x._data.dtype))
    if N == 1:
        powers = ones
    else:
        repeated = x.unsqueeze(1).expand(x.shape[0], N - 1)
        powers = _api("cumprod")(_api("cat")([ones, repeated], 1), 1)
    return powers if increasing else _api("flip")(powers, (1,))


@public()
def diagflat(input, offset=0):  # noqa: A002
    """A 2-D matrix with the flattened ``input`` on its ``offset``-th diagonal.

    >>> ember.diagflat(ember.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    tensor_arg(input, "input", "diagflat")
    return _api("diag_embed")(input.reshape(-1), offset)


@public()
def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoidal rule along ``dim``, with sample points ``x`` or spacing ``dx``.

    >>> ember.trapezoid(ember.tensor([1., 2., 4.]))
    tensor(4.5000)
    """
    tensor_arg(y, "y", "trapezoid")
    dim = wrap_dim(dim, y.ndim)
    if not y.dtype.is_floating_point:
        y = y.to(_dtype.get_default_dtype())
    length = y.shape[dim]
    if x is not None and isinstance(x, Tensor):
        if x.ndim == 1 and x.shape[0] != length:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
        if x.ndim == 1:
            spacing = _api("diff")(x)
            shape = [1] * y.ndim
            shape[dim] = length - 1 if length else 0
            spacing = spacing.reshape(shape)
        else:
            spacing = _api("diff")(x, dim=dim)
        if length == 0:
            return y.sum(dim)
        left = y.narrow(dim, 0, length - 1)
        right = y.narrow(dim, 1, length - 1)
        return (spacing * (left + right)).sum(dim) / 2
    step = dx if dx is not None else (x if x is not None else 1)
    if length == 0:
        return y.sum(dim)
    ends = y.select(dim, 0) + y.select(dim, -1)
    return (y.sum(dim) - ends * 0.5) * step


@public()
def trapz(y, x=None, *, dx=None, dim=-1):
    """Alias of :func:`trapezoid`."""
    return trapezoid(y, x, dx=dx, dim=dim)


# --- products -------------------------------------------------------------------------------------
@public()
def inner(input, other):  # noqa: A002
    """Sum of products over the last dimensions of both (a scalar factor multiplies).

    >>> ember.inner(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor(11.)
    """
    tensor_arg(input, "input", "inner")
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.dtype is not other.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(input.shape)} and {list(other.shape)}")
    return _api("tensordot")(input, other, ([-1], [-1]))


@public()
def vdot(input, other):  # noqa: A002
    """The dot product of two 1-D tensors (complex conjugation aside, as :func:`dot`).

    >>> ember.vdot(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor(11.)
    """
    tensor_arg(input, "input", "vdot")
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D "
                           "tensors")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_legacy(input.dtype)} and {_legacy(other.dtype)}")
    if input.shape[0] != other.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input.shape[0]}] and "
                           f"src [{other.shape[0]}] to have the same number of elements, but "
                           "got {} and {} elements respectively".format(input.shape[0],
                                                                        other.shape[0]))
    return X.vdot(input, other)


@public(inplace=True)
def addbmm(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]``.

    >>> ember.addbmm(ember.zeros(2, 2), ember.ones(3, 2, 4), ember.ones(3, 4, 2))
    tensor([[12., 12.],
            [12., 12.]])
    """
    tensor_arg(input, "input", "addbmm")
    if batch1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if batch2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got "
                           f"{batch1.shape[0]} and {batch2.shape[0]}")
    if batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x"
                           f"{batch1.shape[2]} and {batch2.shape[1]}x{batch2.shape[2]})")
    try:
        np.broadcast_shapes(input.shape, (batch1.shape[1], batch2.shape[2]))
    except ValueError:
        raise RuntimeError(f"The expanded size of the tensor ({batch2.shape[2]}) must match the "
                           f"existing size ({input.shape[-1]}) at non-singleton dimension 1.  "
                           f"Target sizes: [{batch1.shape[1]}, {batch2.shape[2]}].  Tensor "
                           f"sizes: {list(input.shape)}") from None
    return X.addbmm(input, batch1, batch2, beta, alpha)


@public(method=False)
def chain_matmul(*matrices, out=None):
    """The product of 2-D matrices, left to right (deprecated in PyTorch for linalg.multi_dot).

    >>> ember.chain_matmul(ember.ones(2, 3), ember.ones(3, 4)).shape
    torch.Size([2, 4])
    """
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                  "release. Use torch.linalg.multi_dot instead, which accepts a list of two or "
                  "more tensors rather than multiple parameters.", UserWarning, stacklevel=2)
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    result = matrices[0]
    for m in matrices[1:]:
        result = _api("mm")(result, m)
    return result


@public()
def matrix_power(input, n):  # noqa: A002
    """``input`` (a square matrix or a batch of them) to the integer power ``n``.

    >>> ember.matrix_power(ember.tensor([[1., 1.], [0., 1.]]), 3)
    tensor([[1., 3.],
            [0., 1.]])
    """
    tensor_arg(input, "input", "matrix_power")
    if input.ndim < 2 or input.shape[-1] != input.shape[-2]:
        if input.ndim < 2:
            raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 "
                               "dimensions.")
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but "
                           f"they are {input.shape[-2]} by {input.shape[-1]} matrices")
    if n == 0:
        eye = np.broadcast_to(np.eye(input.shape[-1], dtype=input._data.dtype), input.shape)
        return Tensor._make(np.array(eye))
    base = input
    if n < 0:
        from .. import linalg

        base = linalg.inv(input)
        n = -n
    # binary powering: the fewest products
    result = None
    square = base
    while n:
        if n & 1:
            result = square if result is None else _api("matmul")(result, square)
        n >>= 1
        if n:
            square = _api("matmul")(square, square)
    return result


@public(inplace=True)
def renorm(input, p, dim, maxnorm):  # noqa: A002
    """Rescale each sub-tensor along ``dim`` whose ``p``-norm exceeds ``maxnorm`` to that norm.

    >>> ember.renorm(ember.ones(2, 2), 2, 0, 1.)
    tensor([[0.7071, 0.7071],
            [0.7071, 0.7071]])
    """
    tensor_arg(input, "input", "renorm")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"renorm: expected a floating point or complex input, but got "
                           f"{_legacy(input.dtype)}")
    dim = wrap_dim(dim, input.ndim)
    return X.renorm(input, float(p), dim, maxnorm)
