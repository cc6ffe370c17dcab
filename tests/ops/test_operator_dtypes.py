"""Python's operators on every pair of dtypes (and with Python numbers on either side) against
PyTorch: the result dtype and values, or PyTorch's exception type and leading message."""

from __future__ import annotations

import operator
import warnings

import numpy as np
import pytest

import ember
from oracle import require_torch

OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
             "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "&": operator.and_,
             "|": operator.or_, "^": operator.xor, "<": operator.lt, "==": operator.eq}
VALUES = {"bool": [True, False], "uint8": [3, 1], "int32": [5, -2], "int64": [7, 3],
          "float16": [1.5, 2.0], "float32": [1.5, -2.0], "float64": [0.5, 4.0]}
NUMBERS = [2, 2.5, True]


def _outcome(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = fn()
        except Exception as error:  # noqa: BLE001 - the outcome is what is compared
            return type(error), str(error)[:40]
    return str(out.dtype), np.asarray(out.tolist(), dtype=np.float64)


@pytest.mark.parametrize("symbol", list(OPERATORS))
def test_operator_dtypes_match_torch(symbol):
    torch = require_torch()
    op = OPERATORS[symbol]
    cases = [(a, b, False) for a in VALUES for b in VALUES]
    cases += [(a, n, swap) for a in VALUES for n in NUMBERS for swap in (False, True)]
    mismatches = []
    for a, b, swap in cases:
        outcomes = []
        for lib in (ember, torch):
            x = lib.tensor(VALUES[a], dtype=getattr(lib, a))
            y = lib.tensor(VALUES[b], dtype=getattr(lib, b)) if isinstance(b, str) else b
            outcomes.append(_outcome(lambda: op(y, x) if swap else op(x, y)))
        got, want = outcomes
        if isinstance(want[0], type):
            same = got[0] is want[0] and got[1][:25] == want[1][:25]
        else:
            same = got[0] == want[0] and np.allclose(got[1], want[1], rtol=1e-3, equal_nan=True)
        if not same:
            mismatches.append((a, b, swap, got, want))
    assert not mismatches, mismatches[:5]
