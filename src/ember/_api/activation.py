"""Activation functions: ``ember.softmax``, ``ember.selu``, ... and their Tensor methods.

``relu``, ``sigmoid`` and ``tanh`` live with the other pointwise functions. The functional
forms with PyTorch's extra arguments (``inplace=``) are in :mod:`ember.nn.functional`.
"""

from __future__ import annotations

from .._tensor import wrap_dim
from ..ops import activation as A
from . import public, tensor_arg

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _float_input(input, name):  # noqa: A002
    tensor_arg(input, "input", name)
    if not input.is_floating_point():
        raise NotImplementedError(f'"{name}" not implemented for '
                                  f"'{input.dtype._legacy[:-6]}'")
    return input


def _hardtanh_input(input, min_val):  # noqa: A002
    """hardtanh takes integer tensors too (the limits truncated to integers), not bools."""
    tensor_arg(input, "input", "hardtanh")
    kind = input._data.dtype.kind
    if kind == "b":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if kind == "u" and min_val < 0:
        raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
    return input


@public(method=False)
def relu6(input):  # noqa: A002
    """min(max(x, 0), 6). >>> ember.relu6(ember.tensor([-1., 7.]))  # tensor([0., 6.])"""
    return A.hardtanh(_hardtanh_input(input, 0.0), 0.0, 6.0)


@public(method=False)
def hardtanh(input, min_val=-1.0, max_val=1.0):  # noqa: A002
    """Clamp to [min_val, max_val]. >>> ember.hardtanh(ember.tensor([-2., .5]))"""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return A.hardtanh(_hardtanh_input(input, min_val), float(min_val), float(max_val))


@public(method=False)
def leaky_relu(input, negative_slope=0.01):  # noqa: A002
    """x if x > 0 else negative_slope * x. >>> ember.leaky_relu(ember.tensor([-1., 2.]))"""
    return A.leaky_relu(_float_input(input, "leaky_relu_cpu"), float(negative_slope))


@public(method=False)
def elu(input, alpha=1.0):  # noqa: A002
    """x if x > 0 else alpha * (exp(x) - 1). >>> ember.elu(ember.tensor([-1., 2.]))"""
    return A.elu(_float_input(input, "elu_cpu"), float(alpha), 1.0, 1.0)


@public(method=False)
def selu(input):  # noqa: A002
    """Scaled ELU with the self-normalising constants. >>> ember.selu(ember.tensor([-1., 2.]))"""
    return A.elu(_float_input(input, "elu_cpu"), _SELU_ALPHA, _SELU_SCALE, 1.0)


@public(method=False)
def celu(input, alpha=1.0):  # noqa: A002
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). >>> ember.celu(ember.tensor([-1.]))"""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return A.celu(_float_input(input, "elu_cpu"), float(alpha))


@public(method=False)
def gelu(input, approximate="none"):  # noqa: A002
    """x * Phi(x) (``approximate='tanh'``: the tanh formula). >>> ember.gelu(ember.tensor([1.]))"""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return A.gelu(_float_input(input, "GeluKernelImpl"), approximate)


@public(method=False)
def silu(input):  # noqa: A002
    """x * sigmoid(x). >>> ember.silu(ember.tensor([1.]))"""
    return A.silu(_float_input(input, "silu_cpu"))


@public(method=False)
def mish(input):  # noqa: A002
    """x * tanh(softplus(x)). >>> ember.mish(ember.tensor([1.]))"""
    return A.mish(_float_input(input, "mish_cpu"))


@public(method=False)
def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    """log(1 + exp(beta * x)) / beta, linear above threshold. >>> ember.softplus(ember.zeros(1))"""
    return A.softplus(_float_input(input, "softplus_cpu"), float(beta), float(threshold))


@public(method=False)
def softsign(input):  # noqa: A002
    """x / (1 + |x|), composed as PyTorch composes it. >>> ember.softsign(ember.tensor([1.]))"""
    return input / (input.abs() + 1)


@public(method=False)
def hardsigmoid(input):  # noqa: A002
    """clamp(x / 6 + 1/2, 0, 1). >>> ember.hardsigmoid(ember.tensor([0.]))"""
    return A.hardsigmoid(_float_input(input, "hardsigmoid_cpu"))


@public(method=False)
def hardswish(input):  # noqa: A002
    """x * relu6(x + 3) / 6. >>> ember.hardswish(ember.tensor([1.]))"""
    return A.hardswish(_float_input(input, "hardswish_cpu"))


@public(method=False)
def logsigmoid(input):  # noqa: A002
    """log(sigmoid(x)), stable for large |x|. >>> ember.logsigmoid(ember.tensor([0.]))"""
    return A.log_sigmoid(_float_input(input, "log_sigmoid_cpu"))


def _softmax_input(input, dim, dtype, name):  # noqa: A002
    tensor_arg(input, "input", name)
    if dtype is not None:
        input = input.to(dtype)
    elif not input.is_floating_point():
        raise NotImplementedError(f'"{name}_lastdim_kernel_impl" not implemented for '
                           f"'{input.dtype._legacy[:-6]}'")
    return input, wrap_dim(dim, input.ndim)


@public()
def softmax(input, dim, dtype=None):  # noqa: A002
    """exp(x) / exp(x).sum(dim), computed stably. >>> ember.softmax(ember.zeros(2), 0)"""
    input, dim = _softmax_input(input, dim, dtype, "softmax")
    if input.ndim == 0:
        return A.softmax(input, None)
    return A.softmax(input, dim)


@public()
def log_softmax(input, dim, dtype=None):  # noqa: A002
    """x - logsumexp(x, dim), computed stably. >>> ember.log_softmax(ember.zeros(2), 0)"""
    input, dim = _softmax_input(input, dim, dtype, "log_softmax")
    if input.ndim == 0:
        return A.log_softmax(input, None)
    return A.log_softmax(input, dim)

