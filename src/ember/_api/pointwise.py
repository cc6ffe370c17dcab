"""Elementwise functions: arithmetic, unary math, comparisons, where. Public functions, each also a Tensor method."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _shape_args, wrap_dim
from . import public, tensor_arg
from ..ops import pointwise as P


# --- arithmetic ---------------------------------------------------------------------------------
@public(inplace=True, snapshot=False)
def add(input, other, *, alpha=1):  # noqa: A002
    if not isinstance(input, Tensor):
        return P.add(other, input, alpha) if alpha == 1 else add(as_tensor_like(input, other),
                                                                  other, alpha=alpha)
    return P.add(input, other, alpha)


@public("subtract", inplace=True, snapshot=False)
def sub(input, other, *, alpha=1):  # noqa: A002
    if not isinstance(input, Tensor):
        return P.rsub(other, input, alpha)
    return P.sub(input, other, alpha)




@public("multiply", inplace=True)
def mul(input, other):  # noqa: A002
    if not isinstance(input, Tensor):
        return P.mul(other, input)
    return P.mul(input, other)




@public("divide", "true_divide", inplace=True)
def div(input, other, *, rounding_mode=None):  # noqa: A002
    if not isinstance(input, Tensor):
        return P.mul(P.reciprocal(other), input)
    if rounding_mode is not None:
        raise NotImplementedError("div(rounding_mode=...) arrives with the op library")
    return P.div(input, other)




@public("negative", inplace=True, snapshot=False)
def neg(input):  # noqa: A002
    return P.neg(input)




@public(inplace=True)
def pow(input, exponent):  # noqa: A001, A002
    if isinstance(input, Tensor):
        if isinstance(exponent, Tensor):
            return P.pow_tensor(input, exponent)
        return P.pow_scalar(input, exponent)
    if not isinstance(exponent, Tensor):
        raise TypeError("pow(): at least one argument must be a Tensor")
    return P.pow_scalar_base(exponent, input)


def as_tensor_like(value, like):
    return Tensor._make(np.asarray(value, dtype=_dtype.result_type(value, like).np))


# Rows whose formulas read only the result: their in-place forms need no copy of the input.
_RESULT_ONLY = frozenset({"exp", "tanh", "sigmoid", "relu", "reciprocal"})


def _unary(row, name):
    def fn(input):  # noqa: A002
        return row(tensor_arg(input, "input", name))

    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name} (PyTorch's ``torch.{name}``); differentiable."
    return public(inplace=True, snapshot=name not in _RESULT_ONLY)(fn)


abs = _unary(P.abs, "abs")  # noqa: A001
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


@public("clip", inplace=True)
def clamp(input, min=None, max=None):  # noqa: A001, A002
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return P.clamp(input, min, max)




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


@public()
def where(condition, input=None, other=None):  # noqa: A002
    if input is None and other is None:
        return tuple(Tensor._make(i) for i in np.nonzero(condition._data))
    target = _dtype.result_type(input, other)
    input = _cast(input, target)
    other = _cast(other, target)
    return P.where(condition._data.astype(bool, copy=False), input, other)


def _cast(x, dtype):
    if isinstance(x, Tensor):
        return x if x.dtype is dtype else x.to(dtype)
    return Tensor._make(np.asarray(x, dtype=dtype.np))
