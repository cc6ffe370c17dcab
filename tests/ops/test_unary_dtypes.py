"""One-input functions, methods and activations on every dtype against PyTorch: the result
dtype and values, or PyTorch's exception type and leading message (integer and bool inputs
are where the kernels differ most)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
from oracle import require_torch

VALUES = {"bool": [True, False, True], "uint8": [3, 1, 0], "int32": [5, -2, 0],
          "int64": [7, 3, -1], "float16": [1.5, 2.0, -0.5], "float32": [1.5, -2.0, 0.25],
          "float64": [0.5, 4.0, -3.0]}
METHODS = ["abs", "neg", "exp", "log", "sqrt", "sin", "sigmoid", "tanh", "relu", "floor", "ceil",
           "round", "trunc", "sign", "reciprocal", "square", "rsqrt", "exp2", "expm1", "log1p",
           "log2", "frac", "logical_not", "bitwise_not", "sum", "mean", "prod", "max", "min",
           "argmax", "argmin", "std", "var", "all", "any", "norm", "count_nonzero", "median",
           "isnan", "isfinite", "erf", "atan", "asin", "cosh", "clone", "float", "double",
           "half", "long", "int", "bool", "byte", "t", "flatten", "amax", "nonzero", "sort",
           "argsort", "unique", "ravel"]
ALONG_DIM = ["softmax", "log_softmax", "cumsum", "cumprod", "logsumexp"]
FUNCTIONAL = ["relu6", "hardtanh", "silu", "gelu", "elu", "selu", "celu", "softplus", "mish",
              "leaky_relu", "hardsigmoid", "hardswish", "logsigmoid", "softsign"]


def _outcome(lib, kind, name, dtype):
    x = lib.tensor(VALUES[dtype], dtype=getattr(lib, dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if kind == "functional":
                out = getattr(lib.nn.functional, name)(x)
            elif kind == "dim":
                out = getattr(x, name)(0)
            else:
                out = getattr(x, name)()
        except Exception as error:  # noqa: BLE001 - the outcome is what is compared
            return type(error), str(error)[:40]
    if isinstance(out, tuple):
        out = out[0]
    return str(out.dtype), np.asarray(out.tolist(), dtype=np.float64)


@pytest.mark.parametrize("kind,name", [("method", n) for n in METHODS]
                         + [("dim", n) for n in ALONG_DIM]
                         + [("functional", n) for n in FUNCTIONAL])
def test_unary_dtypes_match_torch(kind, name):
    torch = require_torch()
    mismatches = []
    for dtype in VALUES:
        got, want = _outcome(ember, kind, name, dtype), _outcome(torch, kind, name, dtype)
        if isinstance(want[0], type):
            same = got[0] is want[0] and got[1][:25] == want[1][:25]
        else:
            same = got[0] == want[0] and np.allclose(got[1], want[1], rtol=2e-3, equal_nan=True)
        if not same:
            mismatches.append((dtype, got, want))
    assert not mismatches, mismatches
