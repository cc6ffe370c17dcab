"""The formula vocabulary: helpers a derivative formula may use besides Python operators.

Each helper works on backend arrays (an ordinary backward, no graph) and on Tensors (backward
with ``create_graph=True``, where the helper's own ops are recorded so higher derivatives follow).
Formulas never call NumPy directly.
"""

from __future__ import annotations

from .._tensor import Tensor
from ..backend import xp


def is_tensor(x) -> bool:
    return isinstance(x, Tensor)


def sum_to(grad, shape):
    """Sum ``grad`` down to ``shape``: undo broadcasting (leading dims and size-1 dims)."""
    shape = tuple(shape)
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, size in enumerate(shape) if size == 1 and grad.shape[lead + i] != 1)
    if isinstance(grad, Tensor):
        if axes:
            grad = grad.sum(axes, keepdim=True)
        return grad.reshape(shape) if grad.shape != shape else grad
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def expand(grad, shape):
    """Broadcast ``grad`` to ``shape`` (the derivative of a sum)."""
    shape = tuple(shape)
    if isinstance(grad, Tensor):
        return grad.expand(shape) if grad.shape != shape else grad
    return xp.broadcast_to(grad, shape)


def unsqueeze_dims(grad, dims, ndim):
    """Put back the reduced ``dims`` (as size 1) of a tensor that had ``ndim`` dims."""
    if dims is None:
        dims = range(ndim)
    dims = sorted(d % ndim if ndim else 0 for d in ((dims,) if isinstance(dims, int) else dims))
    if isinstance(grad, Tensor):
        for d in dims:
            grad = grad.unsqueeze(d)
        return grad
    return xp.expand_dims(grad, tuple(dims)) if dims else grad


def cast(x, dtype):
    """Cast to a NumPy dtype (arrays) or its ember dtype (Tensors)."""
    if isinstance(x, Tensor):
        from .._dtype import from_numpy_dtype

        return x.to(from_numpy_dtype[xp.dtype(dtype)])
    return x.astype(dtype, copy=False)


def _unary(array_fn, method):
    def helper(x):
        if isinstance(x, Tensor):
            return getattr(x, method)()
        return array_fn(x)

    helper.__name__ = method
    return helper


exp = _unary(xp.exp, "exp")
log = _unary(xp.log, "log")
sqrt = _unary(xp.sqrt, "sqrt")
sin = _unary(xp.sin, "sin")
cos = _unary(xp.cos, "cos")
sign = _unary(xp.sign, "sign")
# (array methods, not xp.swapaxes: NumPy's module function adds a Python wrapper per call)
mT = _unary(lambda a: a.swapaxes(-1, -2), "_mT")


def matmul_transposed(a, b):
    """``a @ b``; on arrays computed as ``(b.mT @ a.mT).mT``, so the result is column-major.

    That is the layout of a transposed matrix, such as the ``weight.t()`` a Linear layer hands to
    addmm: its gradient then reaches the weight laid out like the weight (PyTorch's gradient
    layout contract) without a transposing copy.
    """
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return a @ b
    return (b.swapaxes(-1, -2) @ a.swapaxes(-1, -2)).swapaxes(-1, -2)


def where(condition, x, y):
    """``x`` where ``condition`` else ``y``; ``condition`` is never differentiated."""
    if isinstance(condition, Tensor):
        condition = condition._data
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        from .. import where as tensor_where

        return tensor_where(Tensor._make(condition), x, y)
    return xp.where(condition, x, y)


def detached(x):
    """The value of ``x`` as a constant: its array, never part of a higher-order graph."""
    return x._data if isinstance(x, Tensor) else x


def zeros(shape, like):
    data = xp.zeros(shape, dtype=detached(like).dtype)
    return Tensor._make(data) if isinstance(like, Tensor) else data


def outer(a, b):
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return a.unsqueeze(-1) * b.unsqueeze(0) if a.ndim else a * b
    return xp.multiply.outer(a, b)


def transpose(x, dim0, dim1):
    if isinstance(x, Tensor):
        return x.transpose(dim0, dim1)
    return x.swapaxes(dim0, dim1)


def permute(x, dims):
    if isinstance(x, Tensor):
        return x.permute(dims)
    return xp.transpose(x, dims)
