"""Random sampling: the in-place fills (``x.normal_()``, ``x.uniform_()``, ``x.random_()`` ...),
``ember.bernoulli``, ``ember.multinomial``, ``ember.poisson`` and ``ember.normal``.

Samples come from ember's generators (``ember.manual_seed`` or an explicit
``ember.Generator().manual_seed(s)``): the same seed gives the same numbers, though never
PyTorch's numbers. Arguments are checked first, with PyTorch's messages, then the samples are
drawn with NumPy and written. With nothing to record they go straight into the tensor's array
(``w.normal_(0, 0.01)`` under ``no_grad`` in init code); in a graph a row of ember.ops.random
gives them PyTorch's node, whose derivative is zero.
"""

from __future__ import annotations

import operator
import warnings

import numpy as np

from .._creation import Generator, _factory, _resolve, _rng
from .._tensor import Tensor, _check_device, _shape_args
from ..autograd.grad_mode import state as _grad_state
from ..ops import random as R
from ..ops.inplace import inplace as run_inplace
from ..ops.inplace import note_write
from ..ops.op import _broadcast_error
from . import public, tensor_arg

_INT64_MIN, _INT64_MAX = -2 ** 63, 2 ** 63 - 1


# --- argument checks ------------------------------------------------------------------------------
def _fmt(x):
    """A number as PyTorch's C++ messages print a double (``-1``, ``1.5``, ``1e-07``, ``nan``)."""
    return f"{x:g}"


def _float_arg(value, fn, name, position):
    """A Python number (or one-element tensor) for a ``float`` parameter of ``fn``."""
    if isinstance(value, Tensor) and value._data.size == 1:
        return float(value.item())
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be float, not "
                    f"{type(value).__name__}")


def _generator_arg(generator, fn, position=None):
    if generator is not None and not isinstance(generator, Generator):
        where = "" if position is None else f" (position {position})"
        raise TypeError(f"{fn}(): argument 'generator'{where} must be torch.Generator, not "
                        f"{type(generator).__name__}")
    return generator


def _floating_only(self, kernel):
    if not self.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{self.dtype._legacy[:-6]}\'')


def _continuous_only(self, distribution, type_name):
    if not self.dtype.is_floating_point:
        raise RuntimeError(f"{distribution} distribution is a continuous probability "
                           f"distribution. dtype must be a floating point but you specified "
                           f"{type_name}")


def _refuse_leaf(self):
    """PyTorch refuses an in-place op on a leaf that requires grad (or a view of one) before
    it looks at the op's arguments."""
    if _grad_state.enabled and self._requires_grad:
        if self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        base = self._base
        if base is not None and base._requires_grad and base.grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")


def _cast(values, d):
    with np.errstate(over="ignore", invalid="ignore"):  # float16 overflows to inf, as in PyTorch
        return values.astype(d.np, copy=False)


# --- writing the samples --------------------------------------------------------------------------
def _write(self, row, sample, *tensors):
    """Write ``sample`` (an array of ``self``'s shape and dtype) into ``self``; in a graph,
    through ``row`` so that ``self`` gets PyTorch's node (and a view rebases its base)."""
    if _grad_state.enabled and (self._requires_grad or any(t._requires_grad for t in tensors)):
        return run_inplace(row, self, *tensors, sample)
    if not self._data.flags.writeable:  # an expanded tensor: run_inplace raises PyTorch's error
        return run_inplace(row, self, *tensors, sample)
    self._data[...] = sample
    note_write(self, row.public_name() + "_")
    return self


@public(function=False)
def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with samples of N(mean, std**2), in place.

    >>> import ember
    >>> _ = ember.manual_seed(0)
    >>> ember.empty(2, 3).normal_(0, 0.01).shape
    torch.Size([2, 3])
    """
    _refuse_leaf(self)
    mean = _float_arg(mean, "normal_", "mean", 1)
    std = _float_arg(std, "normal_", "std", 2)
    _generator_arg(generator, "normal_")
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    _floating_only(self, "normal_kernel_cpu")
    sample = mean + std * _rng(generator).standard_normal(self._data.shape)
    return _write(self, R.normal_fill, _cast(sample, self.dtype))


def _float_limits(d):
    info = np.finfo(d.np)
    return float(info.min), float(info.max)


@public(function=False)
def uniform_(self, *args, generator=None, **kwargs):
    """Fill with samples of the uniform distribution on [from, to), in place
    (``uniform_(from=0, to=1)``).

    >>> import ember
    >>> x = ember.empty(1000).uniform_(-1, 1)
    >>> bool(x.min() >= -1) and bool(x.max() < 1)
    True
    """
    _refuse_leaf(self)
    low, high = _two_args("uniform_", args, kwargs, ("from", "to"), (0.0, 1.0))
    low = _float_arg(low, "uniform_", "from", 1)
    high = _float_arg(high, "uniform_", "to", 2)
    _generator_arg(generator, "uniform_")
    d = self.dtype
    _floating_only(self, "check_uniform_bounds")
    lowest, highest = _float_limits(d)
    for name, value in (("from", low), ("to", high)):
        if not lowest <= value <= highest:
            raise RuntimeError(f"{name} is out of bounds for {d._c_name}")
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={_fmt(low)} > to={_fmt(high)}")
    if high - low > highest:
        raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<{d._legacy[:-6]}>"
                           f"::max(), but found to={_fmt(high)} and from={_fmt(low)} which "
                           f"result in to-from to exceed the limit")
    sample = _cast(low + (high - low) * _rng(generator).random(self._data.shape), d)
    if low < high:
        # Rounding to a narrower float may land on ``to`` itself; the range is half-open.
        top = np.nextafter(d.np.type(high), d.np.type(low))
        np.minimum(sample, top, out=sample)
    return _write(self, R.uniform_fill, sample)


def _two_args(fn, args, kwargs, names, defaults):
    """``fn``'s two optional parameters, given by position or by (reserved-word) name."""
    if len(args) > 2:
        raise TypeError(f"{fn}() takes from 0 to 2 positional arguments but {len(args)} were "
                        f"given")
    values = list(args) + list(defaults[len(args):])
    for key, value in kwargs.items():
        if key not in names:
            raise TypeError(f"{fn}() got an unexpected keyword argument '{key}'")
        i = names.index(key)
        if i < len(args):
            raise TypeError(f"{fn}() got multiple values for argument '{key}'")
        values[i] = value
    return values


@public(function=False)
def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 1 (probability ``p``) or 0, in place; ``p`` a number or a tensor of
    probabilities (broadcast to this tensor's shape).

    >>> import ember
    >>> ember.zeros(4, dtype=ember.bool).bernoulli_(1.0)
    tensor([True, True, True, True])
    """
    _refuse_leaf(self)
    _generator_arg(generator, "bernoulli_")
    shape = self._data.shape
    if isinstance(p, Tensor):
        _floating_only(p, "bernoulli_tensor_cpu_p_")
        p = p.expand(tuple(shape))
        _check_probabilities(p._data)
        sample = _rng(generator).random(shape) < p._data
        return _write(self, R.bernoulli_tensor_fill, _cast(sample, self.dtype), p)
    if isinstance(p, (str, bytes)) or not isinstance(p, (int, float, np.number)):
        raise TypeError(f"bernoulli_() received an invalid combination of arguments - got "
                        f"({type(p).__name__}), but expected one of:\n"
                        " * (Tensor p, *, torch.Generator generator = None)\n"
                        " * (float p = 0.5, *, torch.Generator generator = None)\n")
    p = float(p)
    _check_p(p)
    sample = _rng(generator).random(shape) < p
    return _write(self, R.bernoulli_fill, _cast(sample, self.dtype))


def _check_p(p):
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")


def _check_probabilities(p):
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could "
                           "this error message be improved?  If so, please report an "
                           "enhancement request to PyTorch.)")


# --- random_: PyTorch's integer ranges per dtype --------------------------------------------------
_RANDOM_OVERLOADS = (" * (*, torch.Generator generator = None)\n"
                     " * (int from, int to, *, torch.Generator generator = None)\n"
                     " * (int to, *, torch.Generator generator = None)\n")


def _invalid_random(got):
    return TypeError(f"random_() received an invalid combination of arguments - got ({got}), "
                     f"but expected one of:\n{_RANDOM_OVERLOADS}")


def _random_args(args, kwargs):
    """(from, to, row) for ``random_()``, ``random_(to)`` and ``random_(from, to)``."""
    if len(args) > 2:
        raise TypeError(f"random_() takes 2 positional arguments but {len(args)} were given")
    given = list(args)
    if set(kwargs) - {"from", "to"} or ("from" in kwargs and "to" not in kwargs):
        raise _invalid_random(", ".join(f"{k}={type(v).__name__}" for k, v in kwargs.items())
                              + ", ")
    for name in ("from", "to"):
        if name in kwargs:
            if len(given) == 2 or (name == "from" and given):
                raise TypeError(f"random_() got multiple values for argument '{name}'")
            given.append(kwargs[name])
    if not all(_is_int(a) or (i == 1 and a is None) for i, a in enumerate(given)):
        raise _invalid_random(", ".join(type(a).__name__ for a in given))
    for a in given:
        if a is not None and not _INT64_MIN <= int(a) <= _INT64_MAX:
            raise ValueError("Overflow when unpacking long long")
    if not given:
        return 0, None, R.random_fill
    if len(given) == 1:
        return 0, int(given[0]), R.random_to_fill
    return int(given[0]), None if given[1] is None else int(given[1]), R.random_range_fill


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _random_limits(d):
    """(lowest, highest) values the dtype holds, and the largest integer every smaller one of
    which it holds exactly (2**digits for floats, where PyTorch's default range stops)."""
    if d.np == np.bool_:
        return 0, 1, 1
    if d.is_floating_point:
        lowest, highest = _float_limits(d)
        return lowest, highest, 2 ** (np.finfo(d.np).nmant + 1)
    info = np.iinfo(d.np)
    return int(info.min), int(info.max), int(info.max)


def _check_random_bound(value, name, d, lowest, highest, exact):
    if not lowest <= value <= highest:
        raise RuntimeError(f"{name} is out of bounds for {d._c_name}")
    if d.is_floating_point and not -exact <= value <= exact:
        power = np.finfo(d.np).nmant + 1
        warnings.warn(f"{name} is out of bounds [-(2^{power}), 2^{power}]. Due to precision "
                      f"limitations {d._c_name} can support discrete uniform distribution only "
                      f"within this range. This warning will become an error in version 1.7 "
                      f"release, please fix the code in advance", UserWarning, stacklevel=4)


@public(function=False)
def random_(self, *args, generator=None, **kwargs):
    """Fill with integers drawn uniformly from [from, to - 1], in place.

    ``random_(to)`` draws from [0, to - 1]; ``random_()`` from [0, the dtype's largest value]
    (for floats [0, 2**mantissa bits], every integer there being exact); ``random_(from, None)``
    from [from, that same top].

    >>> import ember
    >>> x = ember.zeros(1000, dtype=ember.uint8).random_(3, 7)
    >>> sorted(set(x.tolist()))
    [3, 4, 5, 6]
    """
    _refuse_leaf(self)
    low, high, row = _random_args(args, kwargs)
    _generator_arg(generator, "random_")
    d = self.dtype
    lowest, highest, exact = _random_limits(d)
    if high is None:
        _check_random_bound(low, "from", d, lowest, highest, exact)
        top = exact
        if low > top:
            raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than or equal "
                               f"to 'to_inc' casted to dtype, but got from={low} > to_inc={top}")
    else:
        if low >= high:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                               f"from={low} >= to={high}")
        _check_random_bound(low, "from", d, lowest, highest, exact)
        _check_random_bound(high - 1, "to - 1", d, lowest, highest, exact)
        top = high - 1
    sample = _rng(generator).integers(low, top, size=self._data.shape, dtype=np.int64,
                                      endpoint=True)
    return _write(self, row, _cast(sample, d))


@public(function=False)
def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with samples of the exponential distribution with rate ``lambd``, in place.

    >>> import ember
    >>> bool((ember.empty(100).exponential_(2.0) >= 0).all())
    True
    """
    _refuse_leaf(self)
    lambd = _float_arg(lambd, "exponential_", "lambd", 1)
    _generator_arg(generator, "exponential_")
    if not lambd > 0.0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
    _continuous_only(self, "Exponential", self.dtype._legacy[:-6])
    sample = _rng(generator).standard_exponential(self._data.shape) / lambd
    return _write(self, R.exponential_fill, _cast(sample, self.dtype))


@public(function=False)
def geometric_(self, p=None, *, generator=None):
    """Fill with the number of Bernoulli(``p``) trials up to the first success (1, 2, ...),
    in place.

    >>> import ember
    >>> bool((ember.empty(100).geometric_(0.5) >= 1).all())
    True
    """
    if p is None:  # (PyTorch's wording)
        raise TypeError('geometric_() missing 1 required positional arguments: "p"')
    _refuse_leaf(self)
    p = _float_arg(p, "geometric_", "p", 1)
    _generator_arg(generator, "geometric_")
    if not 0.0 < p < 1.0:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(p)}")
    if self.dtype.np == np.bool_:
        raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
    sample = _rng(generator).geometric(p, size=self._data.shape)
    return _write(self, R.geometric_fill, _cast(sample, self.dtype))


@public(function=False)
def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with exp(N(mean, std**2)) samples, in place.

    >>> import ember
    >>> bool((ember.empty(100).log_normal_(0, 0.5) > 0).all())
    True
    """
    _refuse_leaf(self)
    mean = _float_arg(mean, "log_normal_", "mean", 1)
    std = _float_arg(std, "log_normal_", "std", 2)
    _generator_arg(generator, "log_normal_")
    if not std > 0.0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(std)}")
    _floating_only(self, "log_normal_cpu")
    with np.errstate(over="ignore"):
        sample = np.exp(mean + std * _rng(generator).standard_normal(self._data.shape))
    return _write(self, R.log_normal_fill, _cast(sample, self.dtype))


@public(function=False)
def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with samples of the Cauchy distribution, in place.

    >>> import ember
    >>> ember.empty(2, 2).cauchy_(0, 1).shape
    torch.Size([2, 2])
    """
    _refuse_leaf(self)
    median = _float_arg(median, "cauchy_", "median", 1)
    sigma = _float_arg(sigma, "cauchy_", "sigma", 2)
    _generator_arg(generator, "cauchy_")
    if not sigma > 0.0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(sigma)}")
    _continuous_only(self, "Cauchy", self.dtype._c_name)
    with np.errstate(over="ignore", invalid="ignore"):
        sample = median + sigma * _rng(generator).standard_cauchy(self._data.shape)
    return _write(self, R.cauchy_fill, _cast(sample, self.dtype))


# --- sampling functions ---------------------------------------------------------------------------
def _sampled(row, sample, *inputs):
    """A new tensor holding ``sample``; in a graph, ``row`` gives it PyTorch's node."""
    if _grad_state.enabled and any(t._requires_grad for t in inputs):
        return row(*inputs, sample)
    return Tensor._make(sample)


@public()
def bernoulli(input, p=None, *, generator=None):  # noqa: A002
    """1 with probability ``input`` (or ``p``, a number, if given), else 0; same dtype.

    >>> import ember
    >>> ember.bernoulli(ember.tensor([0., 1., 1.]))
    tensor([0., 1., 1.])
    """
    tensor_arg(input, "input", "bernoulli")
    _generator_arg(generator, "bernoulli")
    shape = input._data.shape
    if p is None:
        _floating_only(input, "bernoulli_tensor_cpu_p_")
        _check_probabilities(input._data)
        sample = _rng(generator).random(shape) < input._data
        return _sampled(R.bernoulli, _cast(sample, input.dtype), input)
    p = _float_arg(p, "bernoulli", "p", 2)
    _check_p(p)
    sample = _rng(generator).random(shape) < p
    return _sampled(R.bernoulli_scalar, _cast(sample, input.dtype), input)


@public()
def multinomial(input, num_samples, replacement=False, *, generator=None):  # noqa: A002
    """Draw ``num_samples`` category indices from each row of the weights ``input`` (1-D or
    2-D, non-negative, not necessarily summing to one); int64 indices.

    Without replacement each category is drawn at most once, so ``num_samples`` can be at most
    the number of categories (once the positive-weight ones are used up, zero-weight ones follow
    in random order, as in PyTorch).

    >>> import ember
    >>> ember.multinomial(ember.tensor([0., 3., 0.]), 2, replacement=True)
    tensor([1, 1])
    """
    tensor_arg(input, "input", "multinomial")
    if not _is_int(num_samples):
        raise TypeError(f"multinomial(): argument 'num_samples' (position 2) must be int, not "
                        f"{type(num_samples).__name__}")
    if not isinstance(replacement, (bool, np.bool_)):
        raise TypeError(f"multinomial(): argument 'replacement' (position 3) must be bool, not "
                        f"{type(replacement).__name__}")
    _generator_arg(generator, "multinomial")
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{input.dtype._legacy[:-6]}")
    categories = input._data.shape[-1]
    if not replacement and num_samples > categories:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if categories > 2 ** 24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    weights = input._data.reshape(-1, categories).astype(np.float64)
    if not (np.isfinite(weights) & (weights >= 0)).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    totals = weights.sum(axis=1)
    if (totals <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = _rng(generator)
    if replacement:
        # Inverse CDF: a uniform draw in [0, total) lands in category i with chance w_i / total;
        # a zero weight spans an empty interval and is never drawn.
        cdf = np.cumsum(weights, axis=1)
        draws = rng.random((weights.shape[0], num_samples)) * cdf[:, -1:]
        indices = np.stack([np.searchsorted(c, u, side="right") for c, u in zip(cdf, draws)]) \
            if weights.shape[0] else np.empty((0, num_samples), np.int64)
        indices = np.minimum(indices, categories - 1)
    else:
        # The exponential race: sorting w_i / E_i (E_i ~ Exp(1)) in decreasing order gives the
        # order of successive draws without replacement. Zero weights go last, in random order.
        race = rng.standard_exponential(weights.shape)
        keys = np.where(weights > 0, weights / race, -race)
        indices = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    indices = indices.astype(np.int64).reshape(input._data.shape[:-1] + (num_samples,))
    return Tensor._make(indices)


@public(method=False)
def poisson(input, generator=None):  # noqa: A002
    """Poisson samples with the rates in ``input``; same dtype.

    >>> import ember
    >>> ember.poisson(ember.tensor([0., 0.]))
    tensor([0., 0.])
    """
    tensor_arg(input, "input", "poisson")
    _generator_arg(generator, "poisson", 2)
    _floating_only(input, "poisson_cpu")
    rates = input._data.astype(np.float64)
    if not (rates >= 0).all():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    rng = _rng(generator)
    # NumPy's sampler refuses rates past about 1e19; there the normal approximation is exact to
    # far better than float precision, and an infinite rate gives inf.
    large = rates > 1e15
    # (asarray: for a 0-d rate NumPy's sampler returns a Python int)
    sample = np.asarray(rng.poisson(np.where(large, 0.0, rates)), dtype=np.float64)
    if large.any():
        big = rates[large]
        with np.errstate(invalid="ignore"):
            approx = np.round(big + np.sqrt(big) * rng.standard_normal(big.shape))
        sample[large] = np.where(np.isinf(big), np.inf, approx)
    return _sampled(R.poisson, _cast(sample, input.dtype), input)


_NORMAL_OVERLOADS = (
    " * (Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (float mean, float std, tuple of ints size, *, torch.Generator generator = None, "
    "Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
    "torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n")


@public(method=False)
def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, pin_memory=False, requires_grad=False):
    """Samples of N(mean, std**2): ``mean`` and ``std`` tensors (broadcast together) or numbers,
    or two numbers and a ``size``.

    >>> import ember
    >>> ember.normal(ember.tensor([0., 10.]), 0.0)
    tensor([ 0., 10.])
    >>> ember.normal(2.0, 0.5, size=(2, 3)).shape
    torch.Size([2, 3])
    """
    _generator_arg(generator, "normal")
    mean_is_tensor, std_is_tensor = isinstance(mean, Tensor), isinstance(std, Tensor)
    rng = _rng(generator)
    if size is not None or not (mean_is_tensor or std_is_tensor):
        if size is None or mean_is_tensor or std_is_tensor:
            got = ", ".join(type(a).__name__ for a in (mean, std) + (() if size is None
                                                                      else (size,)))
            raise TypeError(f"normal() received an invalid combination of arguments - got "
                            f"({got}), but expected one of:\n{_NORMAL_OVERLOADS}")
        _check_device(device)
        shape = _shape_args((size,), "size")
        mean = _float_arg(mean, "normal", "mean", 1)
        std = _float_arg(std, "normal", "std", 2)
        if not std >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
        d = _resolve(dtype)
        if not d.is_floating_point:
            raise NotImplementedError(f'"normal_kernel_cpu" not implemented for '
                                      f"'{d._legacy[:-6]}'")
        sample = _cast(mean + std * rng.standard_normal(shape), d)
        return _out(_factory(sample, requires_grad), out)
    if mean_is_tensor and std_is_tensor:
        try:
            shape = np.broadcast_shapes(mean._data.shape, std._data.shape)
        except ValueError:
            raise _broadcast_error((mean._data, std._data)) from None
        d, row, inputs = mean.dtype, R.normal_tensor_tensor, (mean, std)
    elif mean_is_tensor:
        shape, d, row, inputs = mean._data.shape, mean.dtype, R.normal_tensor_float, (mean,)
        std = _float_arg(std, "normal", "std", 2)
        if not std >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    else:
        shape, d, row, inputs = std._data.shape, std.dtype, R.normal_float_tensor, (std,)
        mean = _float_arg(mean, "normal", "mean", 1)
    if not d.is_floating_point:
        raise NotImplementedError(f"\"normal_kernel_cpu\" not implemented for '{d._legacy[:-6]}'")
    m = mean._data if mean_is_tensor else mean
    s = std._data if std_is_tensor else std
    if std_is_tensor and not (s >= 0).all():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    sample = _cast(m + s * rng.standard_normal(shape), d)
    return _out(_sampled(row, sample, *inputs), out)


def _out(result, out):
    """Write ``result`` into ``out`` (resized to its shape) and return ``out``."""
    if out is None:
        return result
    if out._data.shape != result._data.shape:
        if out._data.size:
            warnings.warn(f"An output with one or more elements was resized since it had shape "
                          f"{list(out.shape)}, which does not match the required output shape "
                          f"{list(result.shape)}. This behavior is deprecated, and in a future "
                          f"PyTorch release outputs will not be resized unless they have zero "
                          f"elements. You can explicitly reuse an out tensor t by resizing it, "
                          f"inplace, to zero elements with t.resize_(0).", UserWarning,
                          stacklevel=3)
        out._data = np.empty(result._data.shape, out._data.dtype)
    out._data[...] = result._data
    out._bump_version()
    return out


# --- small Tensor methods -------------------------------------------------------------------------
@public(function=False)
def type_as(self, other):
    """This tensor with ``other``'s dtype (itself when the dtypes already match).

    >>> import ember
    >>> ember.tensor([1, 2]).type_as(ember.tensor([0.5]))
    tensor([1., 2.])
    """
    if not isinstance(other, Tensor):
        raise TypeError(f"type_as(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(other).__name__}")
    return self.to(other.dtype)


@public(function=False)
def storage_offset(self):
    """How many elements into its storage this tensor's first element lies (0 unless a view).

    >>> import ember
    >>> ember.arange(12).reshape(3, 4)[1, 2:].storage_offset()
    6
    """
    data = self._data
    root = owner = data
    while getattr(owner, "base", None) is not None:  # (as_strided views pass through a wrapper)
        owner = owner.base
        if isinstance(owner, np.ndarray):
            root = owner
    start = data.__array_interface__["data"][0]
    return (start - root.__array_interface__["data"][0]) // data.itemsize


@public(method=False, function=True)
def is_floating_point(input):  # noqa: A002
    """Whether ``input``'s dtype is a floating point type.

    >>> import ember
    >>> ember.is_floating_point(ember.tensor([1.]))
    True
    """
    tensor_arg(input, "input", "is_floating_point")
    return input.dtype.is_floating_point


@public()
def is_nonzero(input):  # noqa: A002
    """Whether a one-element tensor's value is not zero (``NaN`` counts as nonzero).

    >>> import ember
    >>> ember.is_nonzero(ember.tensor([0.]))
    False
    """
    tensor_arg(input, "input", "is_nonzero")
    size = input._data.size
    if size == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if size > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input._data.reshape(()) != 0)


@public(function=False)
def apply_(self, callable):  # noqa: A002
    """Replace each element ``v`` with ``callable(v)`` (a Python number in, a number out), in
    place. Slow: one Python call per element. Like PyTorch, it bumps no version counter.

    >>> import ember
    >>> ember.tensor([1., 2.]).apply_(lambda v: v * 10)
    tensor([10., 20.])
    """
    if self._requires_grad:
        raise RuntimeError("Can't call apply_() on Variable that requires grad. Use "
                           "var.detach().apply_() instead.")
    data = self._data
    kind = data.dtype.kind
    convert = bool if kind == "b" else float if kind == "f" else int
    if kind in "iu":
        info = np.iinfo(data.dtype)
    with np.nditer(data, flags=["refs_ok", "zerosize_ok"], op_flags=["readwrite"]) as it:
        for element in it:
            value = callable(element.item())
            if isinstance(value, Tensor):
                value = value.item()
            if kind in "iu":
                value = operator.index(value) if not isinstance(value, float) else int(value)
                if not info.min <= value <= info.max:
                    raise RuntimeError(f"value cannot be converted to type {data.dtype.name} "
                                       f"without overflow")
            with np.errstate(over="ignore"):
                element[...] = convert(value)
    return self
