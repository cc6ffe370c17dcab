"""Elementwise functions: arithmetic, unary math, comparisons, logic. Each also a Tensor method."""

from __future__ import annotations

import builtins
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from . import public, tensor_arg
from ..ops import op as _op
from ..ops import pointwise as P


# --- writing straight into an array (in-place ops with no graph to record) ---------------------
# An optimizer's step runs ``p.add_(g, alpha=-lr)`` on large arrays under no_grad; computing the
# result apart and copying it in would cost a fresh allocation and a second pass. These writers
# do the arithmetic in place with NumPy's ``out=`` when the operands keep the target's dtype and
# broadcast to its shape, and return False otherwise (the general path then handles the call,
# including PyTorch's errors). See Note [Hot path].
def _operand(x, out):
    if isinstance(x, Tensor):
        data = x._data
        if data.dtype != out.dtype:
            return None
        if data.shape != out.shape:
            try:
                if np.broadcast_shapes(data.shape, out.shape) != out.shape:
                    return None
            except ValueError:
                return None
        return data
    if (type(x) is float or type(x) is int) and out.dtype.kind == "f":
        return x
    return None


def _write_add(out, other, *, alpha=1):
    other = _operand(other, out)
    if other is None or out.dtype.kind != "f" or type(alpha) not in (int, float):
        return False
    np.add(out, other if alpha == 1 else np.multiply(other, alpha, dtype=out.dtype), out=out)
    return True


def _write_sub(out, other, *, alpha=1):
    return _write_add(out, other, alpha=-alpha) if type(alpha) in (int, float) else False


def _write_mul(out, other):
    other = _operand(other, out)
    if other is None or out.dtype.kind != "f":
        return False
    np.multiply(out, other, out=out)
    return True


def _write_div(out, other, *, rounding_mode=None):
    other = _operand(other, out)
    if other is None or rounding_mode is not None or out.dtype.kind != "f":
        return False
    np.divide(out, other, out=out)
    return True


def _write_combined(combine):
    def write(out, tensor1, tensor2, *, value=1):
        first, second = _operand(tensor1, out), _operand(tensor2, out)
        if first is None or second is None or out.dtype.kind != "f" or \
                type(value) not in (int, float):
            return False
        term = combine(first, second, dtype=out.dtype)
        if value != 1:
            np.multiply(term, value, out=term)
        np.add(out, term, out=out)
        return True

    return write


def _write_lerp(out, end, weight):
    end = _operand(end, out)
    if end is None or type(weight) not in (int, float) or out.dtype.kind != "f":
        return False
    step = np.subtract(end, out, dtype=out.dtype)
    np.multiply(step, weight, out=step)
    np.add(out, step, out=out)
    return True


# --- arithmetic ---------------------------------------------------------------------------------
@public(inplace=True, snapshot=False, writer=_write_add)
def add(input, other, *, alpha=1):  # noqa: A002
    if not isinstance(input, Tensor):
        return P.add(other, input, alpha) if alpha == 1 else add(as_tensor_like(input, other),
                                                                  other, alpha=alpha)
    return P.add(input, other, alpha)


def _no_bool(kernel, input, other):  # noqa: A002
    """PyTorch has no kernel for some ops on bools: raise its error when both operands are."""
    if _dtype.result_type(input, other) is _dtype.bool:
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


@public("subtract", inplace=True, snapshot=False, writer=_write_sub)
def sub(input, other, *, alpha=1):  # noqa: A002
    """``input - alpha * other``.

    >>> ember.tensor([3, 4]) - 1
    tensor([2, 3])
    """
    bools = [type(x) is builtins.bool or (isinstance(x, Tensor) and x.dtype is _dtype.bool)
             for x in (input, other)]
    if bools[0] and bools[1]:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if bools[0] or bools[1]:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    if not isinstance(input, Tensor):
        return P.rsub(_scalar_operand(other, input), input, alpha)
    return P.sub(input, other, alpha)


@public("multiply", inplace=True, writer=_write_mul)
def mul(input, other):  # noqa: A002
    if not isinstance(input, Tensor):
        return P.mul(other, input)
    return P.mul(input, other)


@public("divide", inplace=True, writer=_write_div)
def div(input, other, *, rounding_mode=None):  # noqa: A002
    """Elementwise division; ``rounding_mode`` 'trunc' or 'floor' rounds (integers stay integers).

    >>> ember.div(ember.tensor([7, -7]), 2, rounding_mode="floor")
    tensor([ 3, -4])
    """
    if rounding_mode is not None:
        if rounding_mode not in ("trunc", "floor"):
            raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                             f"but found '{rounding_mode}'")
        _no_bool(f"div_{rounding_mode}_cpu", input, other)
        input, other = _both_tensors(input, other)
        row = P.div_trunc if rounding_mode == "trunc" else P.div_floor
        return row(input, other)
    if not isinstance(input, Tensor):
        return P.mul(P.reciprocal(other), input)
    return P.div(input, other)


@public(inplace=True)
def true_divide(input, other):  # noqa: A002
    """Division that always gives a floating result (``div`` without rounding)."""
    return div(input, other)


@public(inplace=True)
def floor_divide(input, other):  # noqa: A002
    """``input // other``: rounds toward minus infinity; integer tensors stay integer.

    >>> ember.tensor([7, -7]) // 2
    tensor([ 3, -4])
    """
    _no_bool("div_floor_cpu", input, other)
    input, other = _both_tensors(input, other)
    return P.floor_divide(input, other)


@public(inplace=True)
def remainder(input, other):  # noqa: A002
    """Python's ``%``: the result takes the divisor's sign.

    >>> ember.tensor([-3, 3]) % 2
    tensor([1, 1])
    """
    _no_bool("remainder_cpu", input, other)
    if not isinstance(input, Tensor):
        return P.remainder_scalar_self(_scalar_operand(other, input), input)
    if isinstance(other, Tensor):
        return P.remainder(input, other)
    return P.remainder_scalar(_scalar_operand(input, other), other)


@public(inplace=True)
def fmod(input, other):  # noqa: A002
    """C's ``fmod``: the result takes the dividend's sign.

    >>> ember.fmod(ember.tensor([-3, 3]), 2)
    tensor([-1,  1])
    """
    _no_bool("fmod_cpu", input, other)
    if isinstance(other, Tensor):
        return P.fmod(input, other)
    return P.fmod_scalar(_scalar_operand(input, other), other)


def _both_tensors(input, other):  # noqa: A002
    if not isinstance(input, Tensor):
        input = as_tensor_like(input, other)
    if not isinstance(other, Tensor):
        other = as_tensor_like(other, input)
    return input, other


_PYTHON_NUMBERS = frozenset({int, float, builtins.bool})
_BOUNDS = frozenset({int, float, type(None)})


def _scalar_operand(input, scalar):  # noqa: A002
    """Cast ``input`` to the dtype an op with a Python number gives (int tensor % 2.5 -> float)."""
    if input._data.dtype.kind == "f" and type(scalar) in _PYTHON_NUMBERS:
        return input  # (the common case: a float tensor keeps its dtype)
    target = _dtype.result_type(input, scalar)
    return input if input.dtype is target else input.to(target)


@public("negative", inplace=True, snapshot=False)
def neg(input):  # noqa: A002
    """``-input``; a bool tensor has no negation (use ``~``).

    >>> -ember.tensor([1, -2])
    tensor([-1,  2])
    """
    return P.neg(input)


@public(inplace=True)
def pow(input, exponent):  # noqa: A001, A002
    """``input ** exponent``; any of the two may be a Python number. Integers stay integers.

    >>> ember.tensor([1, 2, 3]) ** 2
    tensor([1, 4, 9])
    """
    if isinstance(input, Tensor):
        if isinstance(exponent, Tensor):
            _no_bool("pow", input, exponent)  # (a bool tensor to a Python bool power is fine)
            return P.pow_tensor(input, exponent)
        if input._data.dtype.kind != "f" and not isinstance(exponent, float) and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return P.pow_scalar(_scalar_operand(input, exponent), exponent)
    if not isinstance(exponent, Tensor):
        raise TypeError("pow(): at least one argument must be a Tensor")
    _no_bool("pow", input, exponent)
    return P.pow_scalar_base(_scalar_operand(exponent, input), input)


@public()
def float_power(input, exponent):  # noqa: A002
    """``pow`` computed in float64 (PyTorch's float_power).

    >>> ember.float_power(ember.tensor([2]), 3)
    tensor([8.], dtype=torch.float64)
    """
    if isinstance(input, Tensor):
        input = input.to(_dtype.float64)
    if isinstance(exponent, Tensor):
        exponent = exponent.to(_dtype.float64)
    return pow(input, exponent if isinstance(exponent, Tensor) else builtins.float(exponent))


@public(inplace=True)
def square(input):  # noqa: A002
    """``input ** 2`` (a bool tensor squares to int64, as in PyTorch)."""
    if input.dtype is _dtype.bool:
        input = input.to(_dtype.int64)
    return P.pow_scalar(input, 2)


def as_tensor_like(value, like):
    return Tensor._make(np.asarray(value, dtype=_dtype.result_type(value, like).np))


# Rows whose formulas read only the result: their in-place forms need no copy of the input.
_RESULT_ONLY = frozenset({"exp", "tanh", "sigmoid", "relu", "reciprocal", "rsqrt", "exp2",
                          "expm1", "tan", "deg2rad", "rad2deg"})
# The dtypes PyTorch's CPU kernels refuse, by dtype kind ('b' bool, 'u'/'i' integers), with
# the kernel's name as its NotImplementedError gives it.
_REFUSED = {"abs": ("b", "abs_cpu"), "floor": ("b", "floor_vml_cpu"),
            "ceil": ("b", "ceil_vml_cpu"), "trunc": ("b", "trunc_vml_cpu"),
            "frac": ("biu", "frac_cpu")}


def _unary(row, name, *aliases):
    refused_kinds, kernel = _REFUSED.get(name, ("", None))

    def fn(input):  # noqa: A002
        tensor_arg(input, "input", name)
        kind = input._data.dtype.kind
        if kind == "b":
            if name == "relu":
                raise RuntimeError("Boolean inputs not supported for relu")
            if name == "sign":
                return input.clone()  # (the sign of a bool is itself)
        if kind in refused_kinds:
            raise NotImplementedError(f'"{kernel}" not implemented for '
                                      f"'{input.dtype._legacy[:-6]}'")
        return row(input)

    fn.__name__ = name
    fn.__doc__ = f"""Elementwise {name} (PyTorch's ``torch.{name}``); differentiable.

    >>> ember.{name}(ember.tensor([0.5]))  # doctest: +SKIP
    """
    return public(*aliases, inplace=True, snapshot=name not in _RESULT_ONLY)(fn)


abs = _unary(P.abs, "abs", "absolute")  # noqa: A001
exp = _unary(P.exp, "exp")
log = _unary(P.log, "log")
sqrt = _unary(P.sqrt, "sqrt")
sin = _unary(P.sin, "sin")
cos = _unary(P.cos, "cos")
tanh = _unary(P.tanh, "tanh")
sigmoid = _unary(P.sigmoid, "sigmoid")
relu = _unary(P.relu, "relu")
sign = _unary(P.sign, "sign")
reciprocal = _unary(P.reciprocal, "reciprocal")
rsqrt = _unary(P.rsqrt, "rsqrt")
exp2 = _unary(P.exp2, "exp2")
expm1 = _unary(P.expm1, "expm1")
log2 = _unary(P.log2, "log2")
log10 = _unary(P.log10, "log10")
log1p = _unary(P.log1p, "log1p")
tan = _unary(P.tan, "tan")
asin = _unary(P.asin, "asin", "arcsin")
acos = _unary(P.acos, "acos", "arccos")
atan = _unary(P.atan, "atan", "arctan")
sinh = _unary(P.sinh, "sinh")
cosh = _unary(P.cosh, "cosh")
asinh = _unary(P.asinh, "asinh", "arcsinh")
acosh = _unary(P.acosh, "acosh", "arccosh")
atanh = _unary(P.atanh, "atanh", "arctanh")
erf = _unary(P.erf, "erf")
erfc = _unary(P.erfc, "erfc")
floor = _unary(P.floor, "floor")
ceil = _unary(P.ceil, "ceil")
trunc = _unary(P.trunc, "trunc", "fix")
frac = _unary(P.frac, "frac")


@public(inplace=True)
def logit(input, eps=None):  # noqa: A002
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given.

    >>> ember.logit(ember.tensor([0.5]))
    tensor([0.])
    """
    return P.logit(input, eps)


@public(inplace=True)
def round(input, *, decimals=0):  # noqa: A001, A002
    """Round half to even, to ``decimals`` places.

    >>> ember.round(ember.tensor([0.5, 1.5, 1.25]), decimals=1)
    tensor([0.5000, 1.5000, 1.2000])
    """
    tensor_arg(input, "input", "round")
    if input._data.dtype.kind == "b":
        raise NotImplementedError('"round_vml_cpu" not implemented for \'Bool\'')
    if decimals == 0:
        return P.round(input)
    return P.round_decimals(input, decimals)


@public(inplace=True)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):  # noqa: A002
    """Replace NaN by ``nan``, infinities by ``posinf``/``neginf`` (default: the dtype limits)."""
    return P.nan_to_num(input, nan, posinf, neginf)


def _tensor_other(name, other):
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")


@public("arctan2", inplace=True)
def atan2(input, other):  # noqa: A002
    """The angle of the point (``other``, ``input``), elementwise."""
    _tensor_other("atan2", other)
    return P.atan2(input, other)


@public(inplace=True)
def hypot(input, other):  # noqa: A002
    """``sqrt(input**2 + other**2)`` without overflow (floating tensors only)."""
    _tensor_other("hypot", other)
    target = _dtype.result_type(input, other)
    if not target.is_floating_point:
        raise NotImplementedError(f'"hypot_cpu" not implemented for \'{target._legacy[:-6]}\'')
    input, other = _same_dtype(input, other)
    return P.hypot(input, other)


def _binary(row, name, doc=None):
    """A public function of two tensors calling ``row``, with PyTorch's argument checks."""
    def fn(input, other):  # noqa: A002
        tensor_arg(input, "input", name)
        _tensor_other(name, other)
        return row(input, other)

    fn.__name__ = name
    fn.__doc__ = doc or f"Elementwise {name} of two tensors (PyTorch's ``torch.{name}``)."
    return public()(fn)


maximum = _binary(P.maximum, "maximum")
minimum = _binary(P.minimum, "minimum")
fmax = _binary(P.fmax, "fmax")
fmin = _binary(P.fmin, "fmin")


@public(inplace=True, writer=_write_lerp)
def lerp(input, end, weight):  # noqa: A002
    """``input + weight * (end - input)``; ``weight`` is a number or a tensor.

    >>> ember.lerp(ember.tensor([0.]), ember.tensor([10.]), 0.25)
    tensor([2.5000])
    """
    tensor_arg(end, "end", "lerp")
    if end.dtype is not input.dtype:
        raise RuntimeError(f"expected dtype {input.dtype._c_name} for `end` but got dtype "
                           f"{end.dtype._c_name}")
    if not input.is_floating_point():
        raise NotImplementedError(f'"lerp_kernel_scalar" not implemented for '
                                  f"'{input.dtype._legacy[:-6]}'")
    if isinstance(weight, Tensor):
        return P.lerp_tensor(*_same_dtype(input, end, weight))
    return P.lerp_scalar(input, end, weight)


def _same_dtype(*tensors):
    target = _dtype.result_type(*tensors)
    return [t if t.dtype is target else t.to(target) for t in tensors]


@public(inplace=True, writer=_write_combined(np.multiply))
def addcmul(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """``input + value * tensor1 * tensor2``."""
    tensor_arg(tensor1, "tensor1", "addcmul")
    tensor_arg(tensor2, "tensor2", "addcmul")
    if input.dtype is _dtype.bool and tensor1.dtype is _dtype.bool and \
            tensor2.dtype is _dtype.bool:
        raise NotImplementedError('"addcmul_cpu_out" not implemented for \'Bool\'')
    return P.addcmul(*_same_dtype(input, tensor1, tensor2), value)


@public(inplace=True, writer=_write_combined(np.divide))
def addcdiv(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """``input + value * tensor1 / tensor2`` (floating tensors only)."""
    tensor_arg(tensor1, "tensor1", "addcdiv")
    tensor_arg(tensor2, "tensor2", "addcdiv")
    if not tensor1.is_floating_point() and not tensor2.is_floating_point():
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future "
                           " release addcdiv will perform a true division of tensor1 and tensor2. "
                           "The historic addcdiv behavior can be implemented as (input + value * "
                           "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and "
                           "as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * "
                           "tensor1 / tensor2), for all dtypes.")
    return P.addcdiv(*_same_dtype(input, tensor1, tensor2), value)


@public("clip", inplace=True)
def clamp(input, min=None, max=None):  # noqa: A001, A002
    """Limit values to ``[min, max]``; bounds are numbers or tensors (then broadcast).

    >>> ember.clamp(ember.tensor([-2., 0.5, 3.]), -1, 1)
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if type(min) in _BOUNDS and type(max) in _BOUNDS and input._data.dtype.kind == "f" and (
            min is not None or max is not None):
        return P.clamp(input, min, max)  # (the common case, without dtype decisions)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        bounds = [b for b in (min, max) if b is not None]
        target = _dtype.result_type(input, *bounds)
        if target is _dtype.bool and len(bounds) == 2:
            raise NotImplementedError('"clamp_cpu" not implemented for \'Bool\'')
        input, min, max = (None if b is None else _cast(b, target) for b in (input, min, max))
        return P.clamp_tensor(input, min, max)
    for bound in (min, max):  # (either bound may promote: an int tensor clamped at 2.5 is float)
        if bound is not None:
            input = _scalar_operand(input, bound)
    if input.dtype is _dtype.bool and (max is None or _dtype.result_type(input, max) is
                                       _dtype.bool):
        kernel = "clamp_min" if max is None else "clamp_max" if min is None else "clamp"
        raise NotImplementedError(f'"{kernel}_scalar_cpu" not implemented for \'Bool\'')
    return P.clamp(input, min, max)


@public(inplace=True)
def clamp_min(input, min):  # noqa: A002
    """``clamp(input, min=min)`` (its own node, as in PyTorch)."""
    if isinstance(min, Tensor):
        return P.clamp_min_tensor(*_same_dtype(input, min))
    input = _scalar_operand(input, min)
    if input.dtype is _dtype.bool:
        raise NotImplementedError('"clamp_min_scalar_cpu" not implemented for \'Bool\'')
    return P.clamp_min(input, min)


@public(inplace=True)
def clamp_max(input, max):  # noqa: A002
    """``clamp(input, max=max)`` (its own node, as in PyTorch)."""
    if isinstance(max, Tensor):
        return P.clamp_max_tensor(*_same_dtype(input, max))
    input = _scalar_operand(input, max)
    if input.dtype is _dtype.bool:
        raise NotImplementedError('"clamp_max_scalar_cpu" not implemented for \'Bool\'')
    return P.clamp_max(input, max)


def _compare(row, name):
    def fn(input, other):  # noqa: A002
        return row(input, other)

    fn.__name__ = name
    return public()(fn)


eq = _compare(P.eq, "eq")
ne = _compare(P.ne, "ne")
lt = _compare(P.lt, "lt")
le = _compare(P.le, "le")
gt = _compare(P.gt, "gt")
ge = _compare(P.ge, "ge")
for _name, _alias in (("ne", "not_equal"), ("lt", "less"), ("le", "less_equal"),
                      ("gt", "greater"), ("ge", "greater_equal")):
    public(_alias)(globals()[_name])


@public()
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """``|input - other| <= atol + rtol * |other|``, elementwise (same dtypes required).

    >>> ember.isclose(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.1]))
    tensor([ True, False])
    """
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype._legacy[:-6]} did not match {other.dtype._legacy[:-6]}")
    a, b = input._data, other._data
    if input.dtype.category != 2:
        a, b = a.astype(np.float64), b.astype(np.float64)
    try:
        with np.errstate(invalid="ignore"):
            close = (a == b) | (np.abs(a - b) <= atol + rtol * np.abs(b))
    except ValueError:
        raise _op._broadcast_error((a, b)) from None
    if equal_nan:
        close |= np.isnan(a) & np.isnan(b)
    return Tensor._make(np.asarray(close))


@public()
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """True when every element of ``input`` is close to ``other`` (see :func:`isclose`)."""
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


@public()
def equal(input, other):  # noqa: A002
    """True when both tensors have the same shape and values.

    >>> ember.equal(ember.tensor([1, 2]), ember.tensor([1., 2.]))
    True
    """
    return input.shape == other.shape and builtins.bool(np.all(input._data == other._data))


def _logical(row, name):
    return _binary(row, name, f"Elementwise {name} of the truth values of two tensors (a bool "
                              "tensor).")


logical_and = _logical(P.logical_and, "logical_and")
logical_or = _logical(P.logical_or, "logical_or")
logical_xor = _logical(P.logical_xor, "logical_xor")


@public()
def logical_not(input):  # noqa: A002
    """Elementwise ``not`` of the truth values (a bool tensor)."""
    return P.logical_not(input)


def _bitwise(row, name):
    def fn(input, other):  # noqa: A002
        for x in (input, other):
            if isinstance(x, Tensor) and x.dtype.category == 2 or isinstance(x, float):
                kind = x.dtype._legacy[:-6] if isinstance(x, Tensor) else "Float"
                raise NotImplementedError(f'"{name}_cpu" not implemented for \'{kind}\'')
        if not isinstance(input, Tensor):
            input = as_tensor_like(input, other)
        return row(input, other)

    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name} of integer or bool tensors."
    return public(inplace=True, snapshot=False)(fn)


bitwise_and = _bitwise(P.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(P.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(P.bitwise_xor, "bitwise_xor")


@public(inplace=True, snapshot=False)
def bitwise_not(input):  # noqa: A002
    """Elementwise NOT: ``~x`` (bits flipped for integers, negation for bools)."""
    if input.dtype.category == 2:
        raise NotImplementedError(f'"bitwise_not_cpu" not implemented for '
                                  f"'{input.dtype._legacy[:-6]}'")
    return P.bitwise_not(input)


def _predicate(row, name):
    def fn(input):  # noqa: A002
        return row(input)

    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name[2:]} test (a bool tensor)."
    return public()(fn)


isnan = _predicate(P.isnan, "isnan")
isinf = _predicate(P.isinf, "isinf")
isfinite = _predicate(P.isfinite, "isfinite")


def _invert(self):
    if self.dtype.category == 2:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return P.bitwise_not(self)


# Python's operators for these functions (PyTorch's Tensor has the same).
Tensor.__floordiv__ = floor_divide
Tensor.__rfloordiv__ = lambda self, other: floor_divide(other, self)
Tensor.__ifloordiv__ = lambda self, other: self.floor_divide_(other)
Tensor.__mod__ = remainder
Tensor.__rmod__ = lambda self, other: remainder(other, self)
Tensor.__imod__ = lambda self, other: self.remainder_(other)
Tensor.__and__ = bitwise_and
Tensor.__rand__ = bitwise_and
Tensor.__iand__ = lambda self, other: self.bitwise_and_(other)
Tensor.__or__ = bitwise_or
Tensor.__ror__ = bitwise_or
Tensor.__ior__ = lambda self, other: self.bitwise_or_(other)
Tensor.__xor__ = bitwise_xor
Tensor.__rxor__ = bitwise_xor
Tensor.__ixor__ = lambda self, other: self.bitwise_xor_(other)
Tensor.__invert__ = _invert


@public(method=False)  # Tensor.where(condition, other) is in tensor_methods.py
def where(condition, input=None, other=None):  # noqa: A002
    if input is None and other is None:
        return tuple(Tensor._make(i) for i in np.nonzero(condition._data))
    if condition._data.dtype.kind != "b":
        if condition._data.dtype != np.uint8:
            raise RuntimeError("where expected condition to be a boolean tensor, but got a "
                               f"tensor with dtype {condition.dtype._legacy[:-6]}")
        warnings.warn("where received a uint8 condition tensor. This behavior is deprecated and "
                      "will be removed in a future version of PyTorch. Use a boolean condition "
                      "instead.", UserWarning, stacklevel=2)
    target = _dtype.result_type(input, other)
    input = _cast(input, target)
    other = _cast(other, target)
    mask = condition._data.astype(bool, copy=False)
    try:
        return P.where(mask, input, other)
    except RuntimeError as error:
        if not str(error).startswith("The size of tensor"):
            raise
        # PyTorch names the clash against the broadcast of the earlier operands
        try:
            front = np.broadcast_to(0, np.broadcast_shapes(mask.shape, input.shape))
        except ValueError:
            raise _op._broadcast_error([mask, input._data]) from None
        raise _op._broadcast_error([front, other._data]) from None


def _cast(x, dtype):
    if isinstance(x, Tensor):
        return x if x.dtype is dtype else x.to(dtype)
    return Tensor._make(np.asarray(x, dtype=dtype.np))


# --- angles, log-sum-exp of two, x * log(y), sign bits -----------------------------------------
deg2rad = _unary(P.deg2rad, "deg2rad")
rad2deg = _unary(P.rad2deg, "rad2deg")
logaddexp = _binary(P.logaddexp, "logaddexp", "``log(exp(input) + exp(other))``, computed stably.")


@public()
def xlogy(input, other):  # noqa: A002
    """``input * log(other)``, and 0 where ``input`` is 0 (unless ``other`` is NaN).

    >>> ember.xlogy(ember.tensor([0., 2.]), ember.tensor([0., 1.]))
    tensor([0., 0.])
    """
    if not isinstance(input, Tensor):
        input = as_tensor_like(input, other)
    if not isinstance(other, Tensor):
        other = as_tensor_like(other, input)
    return P.xlogy(input, other)


@public()
def positive(input):  # noqa: A002
    """``input`` itself (``+input``); bools have no ``+``."""
    tensor_arg(input, "input", "positive")
    if input.dtype is _dtype.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


@public()
def signbit(input):  # noqa: A002
    """Whether each element's sign bit is set (``-0.0`` included), as a bool tensor.

    >>> ember.signbit(ember.tensor([-1., -0., 2.]))
    tensor([ True,  True, False])
    """
    tensor_arg(input, "input", "signbit")
    return Tensor._make(np.signbit(input._data))


sinc = _unary(P.sinc, "sinc")


@public()
def heaviside(input, values):  # noqa: A002
    """0 below zero, 1 above, ``values`` at zero (no gradient, as in PyTorch).

    >>> ember.heaviside(ember.tensor([-1., 0., 2.]), ember.tensor(0.5))
    tensor([0.0000, 0.5000, 1.0000])
    """
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return P.heaviside(input, values)


# --- in-place comparisons and logic -------------------------------------------------------------
def _compare_in_place(rows, name):
    number_row, tensor_row = rows

    def method(self, other):
        from ..ops.inplace import inplace

        if isinstance(other, Tensor):
            return inplace(tensor_row, self, other)
        return inplace(number_row, self, other)

    method.__name__ = name + "_"
    method.__doc__ = (f"``self {name} other`` written into ``self`` as 0 or 1 in its own dtype "
                      "(no gradient flows back).")
    return method


def _register_compare_in_place():
    from ..ops import comparison_inplace as C
    from . import METHODS

    for name, rows, aliases in (("eq", C.eq, ()), ("ne", C.ne, ("not_equal",)),
                                ("lt", C.lt, ("less",)), ("le", C.le, ("less_equal",)),
                                ("gt", C.gt, ("greater",)), ("ge", C.ge, ("greater_equal",))):
        method = _compare_in_place(rows, name)
        for spelling in (name,) + aliases:
            METHODS[spelling + "_"] = method


_register_compare_in_place()
# The truth-value functions write 0/1 in the tensor's dtype; PyTorch records no node for them.
for _fn in (logical_and, logical_or, logical_xor, logical_not, xlogy, heaviside):
    public(inplace=True, snapshot=_fn is xlogy)(_fn)


@public(function=False)
def float_power_(self, exponent):
    """In-place :func:`float_power`; the tensor must already be float64, as PyTorch requires."""
    if self.dtype is not _dtype.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {self.dtype._legacy[:-6]} "
                           "but the operation's result requires dtype Double")
    from . import inplace_call

    return inplace_call(float_power, self, exponent)


# --- shifts ---------------------------------------------------------------------------------------
def _shift(name, kernel, ufunc):
    def fn(input, other):  # noqa: A002
        for x in (input, other):
            if isinstance(x, Tensor) and x.dtype.category == 2 or isinstance(x, float):
                kind = x.dtype._legacy[:-6] if isinstance(x, Tensor) else "Float"
                raise NotImplementedError(f'"{kernel}" not implemented for \'{kind}\'')
        target = _dtype.result_type(input, other)
        if target is _dtype.bool:
            target = _dtype.int64  # (shifting bools shifts their integer values)
        a = np.asarray(input._data if isinstance(input, Tensor) else input, dtype=target.np)
        b = np.asarray(other._data if isinstance(other, Tensor) else other, dtype=target.np)
        bits = a.itemsize * 8
        # A shift by the whole width or more empties the value (left) or leaves its sign
        # (right), as PyTorch defines it; NumPy leaves such shifts to the C compiler.
        inside = (b >= 0) & (b < bits)
        with np.errstate(over="ignore"):
            shifted = ufunc(a, np.where(inside, b, 0))
        overflow = 0 if ufunc is np.left_shift else np.where(a < 0, -1, 0).astype(a.dtype)
        try:
            return Tensor._make(np.asarray(np.where(inside, shifted, overflow), dtype=target.np))
        except ValueError:
            raise _op._broadcast_error((a, b)) from None

    fn.__name__ = name
    fn.__doc__ = f"""Elementwise {name.split('_', 1)[1].replace('_', ' ')} of integers.

    >>> ember.{name}(ember.tensor([1, 8]), 2)  # doctest: +SKIP
    """
    return public(inplace=True, snapshot=False)(fn)


bitwise_left_shift = _shift("bitwise_left_shift", "lshift_cpu", np.left_shift)
bitwise_right_shift = _shift("bitwise_right_shift", "rshift_cpu", np.right_shift)
Tensor.__lshift__ = bitwise_left_shift
Tensor.__rlshift__ = lambda self, other: bitwise_left_shift(other, self)
Tensor.__ilshift__ = lambda self, other: self.bitwise_left_shift_(other)
Tensor.__rshift__ = bitwise_right_shift
Tensor.__rrshift__ = lambda self, other: bitwise_right_shift(other, self)
Tensor.__irshift__ = lambda self, other: self.bitwise_right_shift_(other)


# --- sgn and angle: their real-valued meaning (ember has no complex dtypes) ----------------------
@public(inplace=True)
def sgn(input):  # noqa: A002
    """The sign of each element (for real tensors the same values as :func:`sign`).

    >>> ember.sgn(ember.tensor([-2., 0., 3.]))
    tensor([-1.,  0.,  1.])
    """
    from ..ops import complex_on_real

    tensor_arg(input, "input", "sgn")
    if input.dtype is _dtype.bool:
        return input.clone()
    return complex_on_real.sgn(input)


@public()
def angle(input):  # noqa: A002
    """The angle of each element: pi where it is negative, 0 elsewhere (NaN stays NaN);
    integers give the default float dtype. No gradient flows back.

    >>> ember.angle(ember.tensor([-1., 2.]))
    tensor([3.1416, 0.0000])
    """
    from ..ops import complex_on_real

    tensor_arg(input, "input", "angle")
    return complex_on_real.angle(input)
