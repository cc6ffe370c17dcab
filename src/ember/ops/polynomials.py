"""Vectorised kernels for PyTorch's orthogonal polynomials ``p_n(x)`` on NumPy arrays:
Chebyshev T, U, V, W (and their shifted forms on [0, 1]), Hermite H and He, Laguerre L and
Legendre P, each with PyTorch's signature ``(x, n)`` and its rules:

* ``n`` is truncated to an integer; ``n < 0`` gives 0 (NaN and inf ``n`` too, as PyTorch).
* the closed values at the ends of the interval (``x = +-1``, or 0 and 1 for the shifted forms);
* the Chebyshev families switch from the three-term recurrence to the trigonometric form
  (``cos(n acos x)`` ...) for ``|x| < 1`` once ``n`` is above 6 (T, the shifted forms) or 8
  (U, V, W): it costs nothing and keeps large ``n`` accurate;
* otherwise the three-term recurrence, which overflows to inf (or NaN) for large ``n``
  outside [-1, 1], as PyTorch's does.

All arithmetic is in float64; the result is cast back to the input's dtype.
"""

from __future__ import annotations

import numpy as np

__all__ = ["chebyshev_t", "chebyshev_u", "chebyshev_v", "chebyshev_w", "shifted_chebyshev_t",
           "shifted_chebyshev_u", "shifted_chebyshev_v", "shifted_chebyshev_w", "hermite_h",
           "hermite_he", "laguerre_l", "legendre_p"]


def _degree(n):
    """n truncated to int64 (NaN and inf become negative, as in PyTorch's cast)."""
    n = np.asarray(n)
    if n.dtype.kind in "iub":
        return n.astype(np.int64)
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(n)
        return np.where(finite, np.trunc(np.where(finite, n, 0)), -1).astype(np.int64)


def _recurrence(x, n, first, second, step):
    """p_n(x) from p_0 = first, p_1 = second and p_{k+1} = step(k, x, p_k, p_{k-1});
    each element stops at its own n (n >= 0)."""
    out = np.where(n == 0, first, second)
    active = np.flatnonzero(n >= 2)
    if active.size == 0:
        return out
    x_active = x[active]
    previous = np.broadcast_to(first, x.shape)[active].astype(np.float64)
    current = np.broadcast_to(second, x.shape)[active].astype(np.float64)
    remaining = n[active]
    k = 1
    while active.size:
        previous, current = current, step(k, x_active, current, previous)
        k += 1
        done = remaining == k
        out[active[done]] = current[done]
        keep = ~done
        active, x_active, remaining = active[keep], x_active[keep], remaining[keep]
        previous, current = previous[keep], current[keep]
    return out


def _evaluate(x, n, rules, first, second, step):
    """Apply ``rules`` (mask, value) in order of precedence, then the recurrence for the rest."""
    x0 = np.asarray(x)
    a = x0.astype(np.float64)
    degree = _degree(n)
    a, degree = np.broadcast_arrays(a, degree)
    shape = a.shape
    a, degree = a.ravel(), degree.ravel()
    out = np.empty(a.shape)
    done = np.zeros(a.shape, bool)
    with np.errstate(all="ignore"):
        for mask, value in rules(a, degree):
            mask = mask & ~done
            out[mask] = np.broadcast_to(value, a.shape)[mask]
            done |= mask
        rest = ~done & (degree >= 0)
        out[rest] = _recurrence(a[rest], degree[rest], first(a[rest]), second(a[rest]), step)
        out[~done & (degree < 0)] = 0.0
    out = out.reshape(shape)
    return out.astype(x0.dtype, copy=False) if x0.dtype.kind == "f" else out


def _sign(n):
    """(-1)**n for integer arrays."""
    return np.where(n % 2 == 0, 1.0, -1.0)


def _ones(x):
    return np.ones_like(x)


# --- Chebyshev polynomials --------------------------------------------------------------------
def _chebyshev_rules(kind, shifted):
    """The end values and the trigonometric form of Chebyshev ``kind`` (T, U, V or W)."""
    threshold = 6 if shifted or kind == "t" else 8

    def rules(x, n):
        y = x + x - 1.0 if shifted else x
        top = x == 1.0
        bottom = (x == 0.0) if shifted else (x == -1.0)
        count = (n + n + 1).astype(np.float64)
        at_top = {"t": 1.0, "u": n + 1.0, "v": 1.0, "w": count}[kind]
        at_bottom = {"t": _sign(n), "u": _sign(n) * (n + 1.0), "v": _sign(n) * count,
                     "w": _sign(n)}[kind]
        yield n < 0, 0.0
        yield top, at_top
        yield bottom, at_bottom
        theta = np.arccos(np.clip(y, -1.0, 1.0))
        if kind == "t":
            trig = np.cos(n * theta)
        elif kind == "u":
            trig = np.sin((n + 1) * theta) / np.sin(theta)
        elif kind == "v":
            trig = np.cos((n + 0.5) * theta) / np.cos(theta / 2)
        else:
            trig = np.sin((n + 0.5) * theta) / np.sin(theta / 2)
        yield (n > threshold) & (np.abs(y) < 1.0), trig

    return rules


def _chebyshev(kind, shifted=False):
    offset = {"t": None, "u": 0.0, "v": -1.0, "w": 1.0}[kind]

    def first_degree(x):
        y = x + x - 1.0 if shifted else x
        return y if offset is None else y + y + offset

    def step(k, x, current, previous):
        y = x + x - 1.0 if shifted else x
        return (y + y) * current - previous

    def kernel(x, n):
        return _evaluate(x, n, _chebyshev_rules(kind, shifted), _ones, first_degree, step)

    return kernel


chebyshev_t = _chebyshev("t")
chebyshev_u = _chebyshev("u")
chebyshev_v = _chebyshev("v")
chebyshev_w = _chebyshev("w")
shifted_chebyshev_t = _chebyshev("t", shifted=True)
shifted_chebyshev_u = _chebyshev("u", shifted=True)
shifted_chebyshev_v = _chebyshev("v", shifted=True)
shifted_chebyshev_w = _chebyshev("w", shifted=True)
for _kernel, _name, _doc in (
        (chebyshev_t, "chebyshev_t", "T_n(x), with T_n(cos t) = cos(n t)"),
        (chebyshev_u, "chebyshev_u", "U_n(x), with U_n(cos t) = sin((n + 1) t) / sin t"),
        (chebyshev_v, "chebyshev_v", "V_n(x), with V_n(cos t) = cos((n + 1/2) t) / cos(t/2)"),
        (chebyshev_w, "chebyshev_w", "W_n(x), with W_n(cos t) = sin((n + 1/2) t) / sin(t/2)"),
        (shifted_chebyshev_t, "shifted_chebyshev_t", "T_n(2x - 1)"),
        (shifted_chebyshev_u, "shifted_chebyshev_u", "U_n(2x - 1)"),
        (shifted_chebyshev_v, "shifted_chebyshev_v", "V_n(2x - 1)"),
        (shifted_chebyshev_w, "shifted_chebyshev_w", "W_n(2x - 1)")):
    _kernel.__name__ = _name
    _kernel.__doc__ = f"The Chebyshev polynomial {_doc}, elementwise."


# --- Hermite, Laguerre and Legendre polynomials -----------------------------------------------
def _only_negative(x, n):
    yield n < 0, 0.0


def hermite_h(x, n):
    """The physicists' Hermite polynomial H_n(x): H_{k+1} = 2x H_k - 2k H_{k-1}.

    Example::

        >>> hermite_h(np.array([1.0]), 3)  # 8x**3 - 12x
        array([-4.])
    """
    return _evaluate(x, n, _only_negative, _ones, lambda x: x + x,
                     lambda k, x, p, q: (x + x) * p - (k + k) * q)


def hermite_he(x, n):
    """The probabilists' Hermite polynomial He_n(x): He_{k+1} = x He_k - k He_{k-1}.

    Example::

        >>> hermite_he(np.array([2.0]), 3)  # x**3 - 3x
        array([2.])
    """
    return _evaluate(x, n, _only_negative, _ones, lambda x: x,
                     lambda k, x, p, q: x * p - k * q)


def _laguerre_rules(x, n):
    yield n < 0, 0.0
    yield x == 0.0, 1.0


def laguerre_l(x, n):
    """The Laguerre polynomial L_n(x): (k + 1) L_{k+1} = (2k + 1 - x) L_k - k L_{k-1}.

    Example::

        >>> laguerre_l(np.array([1.0]), 2)  # (x**2 - 4x + 2) / 2
        array([-0.5])
    """
    return _evaluate(x, n, _laguerre_rules, _ones, lambda x: 1.0 - x,
                     lambda k, x, p, q: (((k + k) + (1.0 - x)) * p - k * q) / (k + 1))


def _legendre_rules(x, n):
    yield n < 0, 0.0
    yield np.abs(x) == 1.0, np.where((x > 0) | (n % 2 == 0), 1.0, -1.0)


def legendre_p(x, n):
    """The Legendre polynomial P_n(x): (k + 1) P_{k+1} = (2k + 1) x P_k - k P_{k-1}.

    Example::

        >>> legendre_p(np.array([0.5]), 2)  # (3x**2 - 1) / 2
        array([-0.125])
    """
    return _evaluate(x, n, _legendre_rules, _ones, lambda x: x,
                     lambda k, x, p, q: ((k + k + 1) * x * p - k * q) / (k + 1))
