"""The array seam. Every array ember computes with comes from here.

Today the only backend is NumPy. A tensor keeps its array in ``Tensor._data``; code that needs the
array module of a particular array asks :func:`array_module`, so a CuPy backend for ``'cuda'``
tensors can slot in without touching the op table.
"""

import numpy

xp = numpy  # the default array module


def array_module(array):
    """The array module (NumPy, later CuPy) that owns ``array``."""
    return xp


def scalar_one(shape, dtype):
    """A fresh array of one element, 1, of ``shape`` (``()`` or all ones) and ``dtype``: the seed
    of ``loss.backward()``. (``numpy.ones`` is a Python-level wrapper, three times slower for
    one element, and backward pays it on every call.)"""
    one = xp.array(1, dtype=dtype)
    return one.reshape(shape) if shape else one
