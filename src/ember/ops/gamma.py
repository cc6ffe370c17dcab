"""Vectorised gamma-family and Bessel kernels on NumPy arrays: lgamma, digamma, polygamma,
erfinv, i0 and i1, in float64 inside and cast back to the input's dtype.

SciPy is not a dependency, so each function is a fixed sequence of NumPy array operations:

* ``lgamma``: for x >= 8 Stirling's series (nine Bernoulli terms: the first dropped one is below
  1e-17 there). On [1.5, 2.5) the Taylor series of lgamma(2 + z), whose coefficients are
  (-1)**k (zeta(k) - 1) / k (derived with mpmath at 40 digits): it keeps full relative accuracy
  next to the zero at x = 2, and, through ``lgamma(x) = lgamma(x + 1) - log(x)`` with
  ``log1p``, next to the zero at x = 1. Between 2.5 and 8 the recurrence walks down to the series
  (adding logarithms of positive factors: no cancellation). Below zero, the reflection formula
  with an exactly reduced sin(pi x).
* ``digamma``: the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the asymptotic
  series; negative x by reflection (cot of the exactly reduced fractional part).
* ``polygamma(n, x)``: n = 1 by the recurrence and asymptotic series of the trigamma function,
  n >= 2 as (-1)**(n+1) n! zeta(n + 1, x), the Hurwitz zeta by Euler-Maclaurin summation.
* ``erfinv``: Winitzki's closed-form estimate (relative error about 2e-3), then three Halley
  steps on erf(y) = x, written on erfc(y) = 1 - x where |x| > 0.5 (1 - x is exact there), so
  even x next to +-1 converge to full precision.
* ``i0``, ``i1``: the power series (positive terms: Horner's rule is stable) for |x| < 30, and
  the asymptotic expansion exp(x) / sqrt(2 pi x) * sum(...) above.

Special values follow PyTorch (see each function).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["lgamma", "digamma", "polygamma", "erfinv", "i0", "i1", "zeta", "gammainc", "gammaincc"]

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_LOG_PI = math.log(math.pi)
# Bernoulli numbers B2, B4, ..., B20.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
              43867 / 798, -174611 / 330)

# lgamma(2 + z) = sum c_k z**k for |z| <= 0.5: c_1 = 1 - euler_gamma, c_k = (-1)**k (zeta(k) - 1)
# / k (mpmath, 40 digits); the first dropped term is below 2e-19 at |z| = 0.5.
_LGAMMA_AT_2 = (
    0.42278433509846713, 0.3224670334241132, -0.0673523010531981, 0.020580808427784546,
    -0.007385551028673986, 0.0028905103307415234, -0.001192753911703261,
    0.0005096695247430425, -0.00022315475845357939, 9.945751278180853e-05,
    -4.492623673813314e-05, 2.050721277567069e-05, -9.439488275268397e-06,
    4.374866789907488e-06, -2.039215753801366e-06, 9.55141213040742e-07,
    -4.492469198764566e-07, 2.1207184805554665e-07, -1.0043224823968099e-07,
    4.7698101693639804e-08, -2.2711094608943164e-08, 1.0838659214896955e-08,
    -5.183475041970047e-09, 2.4836745438024785e-09, -1.1921401405860912e-09,
    5.731367241678862e-10, -2.7595228851242334e-10, 1.330476437424449e-10,
    -6.4229645638381e-11,
)


def _horner(coefficients, z):
    """sum coefficients[k] * z**k (a new array)."""
    out = np.full_like(z, coefficients[-1])
    for c in coefficients[-2::-1]:
        out *= z
        out += c
    return out


def _float64(x):
    x = np.asarray(x)
    return x, x.astype(np.float64)


def _back(out, x):
    return out.astype(x.dtype, copy=False) if x.dtype.kind == "f" else out


# --- lgamma -------------------------------------------------------------------------------------
def _lgamma_near_2(z):
    """lgamma(2 + z) for |z| <= 0.5."""
    return _horner((0.0,) + _LGAMMA_AT_2, z)


def _stirling(x):
    """lgamma(x) for x >= 8 (inf stays inf)."""
    inverse = 1.0 / x
    square = inverse * inverse
    terms = tuple(b / ((2 * k + 2) * (2 * k + 1)) for k, b in enumerate(_BERNOULLI[:9]))
    correction = _horner(terms, square) * inverse
    with np.errstate(invalid="ignore"):
        # x * (log x - 1) first: (x - 0.5) * log(x) alone overflows before the result does.
        out = x * (np.log(x) - 1.0) - 0.5 * np.log(x) + _HALF_LOG_2PI + correction
    return np.where(np.isinf(x), np.inf, out)


def _lgamma_positive(x):
    """lgamma(x) for x > 0 (float64)."""
    out = np.empty_like(x)
    big = x >= 8.0
    out[big] = _stirling(x[big])
    middle = (x >= 2.5) & ~big
    if middle.any():
        y = x[middle]
        logs = np.zeros_like(y)
        while True:  # lgamma(y) = lgamma(y - 1) + log(y - 1), down into [1.5, 2.5)
            step = y >= 2.5
            if not step.any():
                break
            y = np.where(step, y - 1.0, y)
            logs += np.where(step, np.log(y), 0.0)
        out[middle] = _lgamma_near_2(y - 2.0) + logs
    near = (x >= 1.5) & (x < 2.5)
    out[near] = _lgamma_near_2(x[near] - 2.0)
    one = (x >= 0.5) & (x < 1.5)
    z = x[one] - 1.0  # exact
    out[one] = _lgamma_near_2(z) - np.log1p(z)
    small = x < 0.5
    z = x[small]
    out[small] = _lgamma_near_2(z) - np.log1p(z) - np.log(z)
    return out


def _abs_sin_pi(x):
    """|sin(pi x)| with x reduced exactly to [-0.5, 0.5] first."""
    return np.abs(np.sin(math.pi * (x - np.round(x))))


def lgamma(x):
    """log|Gamma(x)| elementwise; +inf at 0, the negative integers and +-inf (as PyTorch).

    Example::

        >>> lgamma(np.array([0.5, 3.0, -2.5]))
        array([ 0.57236494,  0.69314718, -0.05624372])
    """
    x, a = _float64(x)
    out = np.full_like(a, np.nan)
    positive = a > 0
    out[positive] = _lgamma_positive(a[positive])
    negative = a <= 0
    b = a[negative]
    pole = (b == np.floor(b))  # zeros, negative integers, -inf
    value = np.full_like(b, np.inf)
    c = b[~pole]
    with np.errstate(divide="ignore"):
        value[~pole] = _LOG_PI - np.log(_abs_sin_pi(c)) - _lgamma_positive(1.0 - c)
    out[negative] = value
    return _back(out, x)


# --- digamma and polygamma ----------------------------------------------------------------------
def _shift_up(x, limit, term):
    """Walk x up to ``limit`` by steps of 1, returning the shifted x and sum(term(x_i))."""
    total = np.zeros_like(x)
    x = x.copy()
    while True:
        low = x < limit
        if not low.any():
            return x, total
        total[low] += term(x[low])
        x[low] += 1.0


def _digamma_positive(x):
    x, total = _shift_up(x, 10.0, lambda y: 1.0 / y)
    inverse_square = 1.0 / (x * x)
    # psi(x) ~ log(x) - 1/(2x) - sum B_2k / (2k x**2k)
    terms = tuple(b / (2 * k + 2) for k, b in enumerate(_BERNOULLI[:8]))
    series = _horner(terms, inverse_square) * inverse_square
    return np.log(x) - 0.5 / x - series - total


def digamma(x):
    """The digamma function psi = d lgamma / dx, elementwise.

    As PyTorch: -inf at +0.0 and +inf at -0.0, NaN at the negative integers and at -inf.

    Example::

        >>> digamma(np.array([1.0, 0.5]))
        array([-0.57721566, -1.96351003])
    """
    x, a = _float64(x)
    out = np.full_like(a, np.nan)
    positive = a > 0
    out[positive] = _digamma_positive(a[positive])
    out[a == np.inf] = np.inf
    zero = a == 0
    out[zero] = np.copysign(np.inf, -a[zero])
    negative = (a < 0) & (a != np.floor(a))
    b = a[negative]
    fraction = b - np.trunc(b)  # tan(pi x) of the fractional part: exact reduction
    out[negative] = _digamma_positive(1.0 - b) - math.pi / np.tan(math.pi * fraction)
    return _back(out, x)


def _trigamma(a):
    out = np.empty_like(a)
    # Reflection below 1/2: psi1(x) = pi**2 / sin(pi x)**2 - psi1(1 - x). sin(pi x) is taken on
    # x itself, as PyTorch does, so at the negative integers the result is PyTorch's large finite
    # number (pi / sin(pi * -1.0), sin not exactly 0) and +inf at 0.
    reflect = a < 0.5
    x = np.where(reflect, 1.0 - a, a)
    x, total = _shift_up(x, 10.0, lambda y: 1.0 / (y * y))
    inverse = 1.0 / x
    inverse_square = inverse * inverse
    # psi1(x) ~ 1/x + 1/(2x**2) + sum B_2k / x**(2k + 1)
    series = _horner(_BERNOULLI[:8], inverse_square) * inverse_square
    out = total + inverse * (1.0 + 0.5 * inverse + series)
    with np.errstate(divide="ignore"):
        sine = np.sin(math.pi * a[reflect])
        out[reflect] = (math.pi * math.pi) / (sine * sine) - out[reflect]
    out[np.isnan(a) | (a == -np.inf)] = np.nan
    out[a == np.inf] = 0.0
    return out


def _hurwitz_zeta(s, q):
    """zeta(s, q) = sum_k (q + k)**-s for an integer s >= 3, by Euler-Maclaurin summation."""
    out = np.empty_like(q)
    pole = q <= 0
    pole &= q == np.floor(q)
    out[pole] = np.inf  # (PyTorch's value at the poles, -inf included)
    out[np.isnan(q)] = np.nan
    out[q == np.inf] = np.nan  # (PyTorch's value)
    regular = ~pole & np.isfinite(q)
    limit = 10.0 + s  # (the Bernoulli terms grow with s: keep x well above it)
    x, total = _shift_up(q[regular], limit, lambda y: y ** -s)
    power = x ** -s
    tail = x * power / (s - 1) + 0.5 * power
    # + sum_j B_2j / (2j)! * s (s+1) ... (s+2j-2) * x**(-s-2j+1)
    factor = power / x * s  # (s)_1 x**(-s-1)
    inverse_square = 1.0 / (x * x)
    for j, b in enumerate(_BERNOULLI, start=1):
        tail += b / math.factorial(2 * j) * factor
        factor = factor * ((s + 2 * j - 1) * (s + 2 * j)) * inverse_square
    out[regular] = total + tail
    return out


def polygamma(n, x):
    """The n-th derivative of digamma, elementwise (n = 0 is digamma itself).

    Example::

        >>> polygamma(1, np.array([1.0]))  # pi**2 / 6
        array([1.64493407])
    """
    if n == 0:
        return digamma(x)
    x, a = _float64(x)
    if n == 1:
        out = _trigamma(a)
    else:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            sign = 1.0 if n % 2 else -1.0
            out = sign * math.factorial(n) * _hurwitz_zeta(n + 1, a)
    return _back(out, x)


# --- erfinv -------------------------------------------------------------------------------------
_WINITZKI_A = 0.147
_SQRT_PI_OVER_2 = math.sqrt(math.pi) / 2


def erfinv(x):
    """The inverse error function on [-1, 1]: +-inf at +-1, NaN outside (as PyTorch).

    Example::

        >>> erfinv(np.array([0.0, 0.5, -0.9]))
        array([ 0.        ,  0.47693628, -1.16308715])
    """
    from .special import erf, erfc

    x, a = _float64(x)
    magnitude = np.abs(a)
    inside = magnitude < 1
    t = magnitude[inside]
    with np.errstate(divide="ignore"):
        log_term = np.log((1.0 - t) * (1.0 + t))
    first = 2.0 / (math.pi * _WINITZKI_A) + 0.5 * log_term
    y = np.sqrt(np.sqrt(first * first - log_term / _WINITZKI_A) - first)
    # (the estimate loses tiny inputs to rounding; the series start keeps them)
    y = np.where(t < 1e-3, _SQRT_PI_OVER_2 * t, y)
    tail = t > 0.5
    complement = 1.0 - t  # exact where used (t > 0.5)
    for _ in range(3):
        # Halley's step for f(y) = erf(y) - t: y -= (f / f') / (1 + y f / f'), f'' = -2y f'.
        residual = np.where(tail, complement - erfc(y), erf(y) - t)
        ratio = residual / (2.0 / math.sqrt(math.pi) * np.exp(-y * y))
        y = y - ratio / (1.0 + y * ratio)
    out = np.full_like(a, np.nan)
    out[inside] = y
    out[magnitude == 1] = np.inf
    out = np.copysign(out, a)
    out[np.isnan(a)] = np.nan
    return _back(out, x)


# --- modified Bessel functions of the first kind, orders 0 and 1 --------------------------------
_BESSEL_SWITCH = 30.0
_I0_SERIES = tuple(1.0 / math.factorial(k) ** 2 for k in range(60))
_I1_SERIES = tuple(0.5 / (math.factorial(k) * math.factorial(k + 1)) for k in range(60))


def _bessel_asymptotic(x, order):
    """I_order(x) for x >= 30: exp(x) / sqrt(2 pi x) * sum_k (-1)**k a_k / x**k."""
    mu = 4.0 * order * order
    inverse = 1.0 / x
    term = np.ones_like(x)
    total = np.ones_like(x)
    for k in range(1, 40):
        term = term * (-(mu - (2 * k - 1) ** 2) / (8.0 * k)) * inverse
        total += term
    with np.errstate(over="ignore", invalid="ignore"):
        # exp(x) first, as PyTorch: overflow to inf from x = 709.8, and NaN at x = inf.
        return np.exp(x) * (total / np.sqrt(2 * math.pi * x))


def _bessel(x, order):
    x, a = _float64(x)
    magnitude = np.abs(a)
    out = np.empty_like(a)
    small = ~(magnitude >= _BESSEL_SWITCH)  # (NaN too)
    m = magnitude[small]
    series = _horner(_I0_SERIES if order == 0 else _I1_SERIES, 0.25 * m * m)
    out[small] = series if order == 0 else series * m
    out[~small] = _bessel_asymptotic(magnitude[~small], order)
    if order == 1:
        out = np.copysign(out, a)  # i1 is odd
    return _back(out, x)


def i0(x):
    """The modified Bessel function of the first kind, order 0, elementwise.

    Example::

        >>> i0(np.array([0.0, 1.0]))
        array([1.        , 1.26606588])
    """
    return _bessel(x, 0)


def i1(x):
    """The modified Bessel function of the first kind, order 1 (the derivative of i0).

    Example::

        >>> i1(np.array([0.0, 1.0]))
        array([0.        , 0.56515910])
    """
    return _bessel(x, 1)


# --- Hurwitz zeta -------------------------------------------------------------------------------
def zeta(x, q):
    """The Hurwitz zeta function ``sum_k (q + k)**-x`` for real ``x > 1``, elementwise.

    Euler-Maclaurin summation: the first terms are added one by one until ``q`` passes
    ``10 + min(x, 50)`` (so the Bernoulli tail converges fast), then the integral, half the
    last term and ten Bernoulli corrections. Special values follow PyTorch: +inf at ``x = 1``,
    NaN for ``x < 1``, +inf at the poles ``q = 0, -1, -2, ...`` (and ``-inf``), NaN for a
    negative ``q`` with a fractional ``x``, NaN at ``q = inf``.

    Example::

        >>> zeta(np.array([2.0, 4.0]), np.array([1.0, 1.0]))  # pi**2 / 6, pi**4 / 90
        array([1.64493407, 1.08232323])
    """
    x, q = np.asarray(x), np.asarray(q)
    s, a = np.broadcast_arrays(x.astype(np.float64), q.astype(np.float64))
    s, a = s.ravel(), a.ravel()
    out = np.full(s.shape, np.nan)
    pole = (a <= 0) & (a == np.floor(a))
    fractional = (a < 0) & ~pole & (s != np.floor(s))
    regular = (s > 1) & ~pole & ~fractional & np.isfinite(a) & np.isfinite(s)
    # s = inf: only the terms with |q + k| <= 1 survive (PyTorch: NaN once every term is 0).
    infinite = (s == np.inf) & ~pole & np.isfinite(a)
    out[infinite] = np.where(a[infinite] < 1, np.inf, np.where(a[infinite] == 1, 1.0, np.nan))
    out[regular] = _hurwitz_general(s[regular], a[regular])
    out[pole & ~(s < 1)] = np.inf  # (NaN x included, as PyTorch)
    out[s == 1] = np.inf
    dtype = np.result_type(x, q)
    out = out.reshape(np.broadcast_shapes(x.shape, q.shape))
    return out.astype(dtype, copy=False) if dtype.kind == "f" else out


def _hurwitz_general(s, q):
    """zeta(s, q) for finite s > 1 and finite q that is not a pole (Euler-Maclaurin)."""
    limit = 10.0 + np.minimum(s, 50.0)
    total = np.zeros_like(q)
    x = q.copy()
    while True:
        low = x < limit
        if not low.any():
            break
        total[low] += x[low] ** -s[low]
        x[low] += 1.0
    power = x ** -s
    tail = x * power / (s - 1) + 0.5 * power
    factor = power / x * s  # s (s + 1) ... (s + 2j - 2) x**(-s - 2j + 1), j = 1
    inverse_square = 1.0 / (x * x)
    for j, b in enumerate(_BERNOULLI, start=1):
        tail += b / math.factorial(2 * j) * factor
        factor = factor * ((s + 2 * j - 1) * (s + 2 * j)) * inverse_square
    return total + tail


# --- the regularized incomplete gamma functions ------------------------------------------------
_EPSILON = np.finfo(np.float64).eps
_MAX_ITERATIONS = 100_000


# log(1 + t) - t = -t**2/2 + t**3/3 - ...: 56 terms reach 1e-19 relative at |t| = 0.5
_LOG1P_MINUS = tuple((-1) ** (k + 1) / (k + 2) for k in range(56))


def _lgamma1p(a):
    """lgamma(1 + a) without rounding 1 + a first (which would cost small a its digits)."""
    out = np.empty_like(a)
    small = np.abs(a) < 0.5
    z = a[small]
    out[small] = _lgamma_near_2(z) - np.log1p(z)
    out[~small] = lgamma(a[~small] + 1.0)
    return out


def _stirling_correction(a):
    """lgamma(a) - ((a - 0.5) log a - a + log(2 pi) / 2) for a >= 10 (Stirling's series)."""
    inverse = 1.0 / a
    terms = tuple(b / ((2 * k + 2) * (2 * k + 1)) for k, b in enumerate(_BERNOULLI[:9]))
    return _horner(terms, inverse * inverse) * inverse


def _log_prefactor(a, x):
    """log(x**a exp(-x) / Gamma(a)). For large a it is written as
    a (log1p(t) - t) + log(a / (2 pi)) / 2 - correction(a), t = (x - a) / a, which avoids the
    cancellation between a log x, x and lgamma(a), all near a log a."""
    out = np.empty_like(a)
    big = a >= 10.0
    ab, xb = a[big], x[big]
    t = (xb - ab) / ab
    # a (log1p(t) - t): by its series near t = 0, else as a log(x / a) - (x - a) (1 + t
    # itself would lose the digits of a small x / a)
    with np.errstate(divide="ignore"):
        exponent = ab * np.log(xb / ab) - (xb - ab)
    near = np.abs(t) < 0.5
    exponent[near] = ab[near] * t[near] * t[near] * _horner(_LOG1P_MINUS, t[near])
    out[big] = exponent + 0.5 * np.log(ab / (2 * math.pi)) - _stirling_correction(ab)
    small = ~big
    out[small] = a[small] * np.log(x[small]) - x[small] - lgamma(a[small])
    return out


def _lower_series(a, x):
    """P(a, x) = x**a exp(-x) / Gamma(a + 1) * sum_n x**n / ((a + 1) ... (a + n))."""
    total = np.ones_like(a)
    term = np.ones_like(a)
    active = np.arange(a.size)
    denominator = a.copy()
    for _ in range(_MAX_ITERATIONS):
        denominator[active] += 1.0
        term[active] *= x[active] / denominator[active]
        total[active] += term[active]
        active = active[term[active] > _EPSILON * total[active]]
        if active.size == 0:
            break
    return np.exp(_log_prefactor(a, x)) * total / a


def _upper_fraction(a, x):
    """Q(a, x) = x**a exp(-x) / Gamma(a) / (x + 1 - a - 1 (1 - a) / (x + 3 - a - ...)), the
    continued fraction evaluated forwards (modified Lentz), for x > 1.1 and x >= a."""
    tiny = 1e-300
    b = x + 1.0 - a
    c = np.full_like(a, 1.0 / tiny)
    d = 1.0 / b
    h = d.copy()
    active = np.arange(a.size)
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a[active])
        b[active] += 2.0
        dn = an * d[active] + b[active]
        dn = np.where(np.abs(dn) < tiny, tiny, dn)
        cn = b[active] + an / c[active]
        cn = np.where(np.abs(cn) < tiny, tiny, cn)
        dn = 1.0 / dn
        delta = dn * cn
        d[active], c[active] = dn, cn
        h[active] *= delta
        active = active[np.abs(delta - 1.0) > _EPSILON]
        if active.size == 0:
            break
    return np.exp(_log_prefactor(a, x)) * h


def _upper_series(a, x):
    """Q(a, x) for x <= 1.1 and small a: 1 - x**a / Gamma(a + 1) computed with expm1, minus
    x**a / Gamma(a) * sum_{n >= 1} (-1)**n x**n / (n! (a + n)) (keeps Q's relative accuracy
    where P is near 1)."""
    total = np.zeros_like(a)
    power = np.ones_like(a)
    for n in range(1, 200):
        power = power * (-x / n)
        term = power / (a + n)
        total += term
        if np.all(np.abs(term) <= _EPSILON * np.abs(total)):
            break
    log_power = a * np.log(x)
    first = -np.expm1(log_power - _lgamma1p(a))
    return first - np.exp(log_power - lgamma(a)) * total


def _incomplete_gamma(a, x, upper):
    a0, x0 = np.asarray(a), np.asarray(x)
    a, x = np.broadcast_arrays(a0.astype(np.float64), x0.astype(np.float64))
    shape = a.shape
    a, x = a.ravel(), x.ravel()
    out = np.full(a.shape, np.nan)
    regular = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
    ar, xr = a[regular], x[regular]
    # Which of P and Q to compute directly (the other is 1 minus it, never a small number).
    fraction = (xr > 1.1) & (xr >= ar)
    small_x_upper = (xr <= 1.1) & np.where(xr > 0.5, ar <= 1.1 * xr,
                                           ar <= -0.4 / np.log(np.minimum(xr, 0.5)))
    series = ~fraction & ~small_x_upper
    value = np.empty_like(ar)
    is_upper = ~series
    value[fraction] = _upper_fraction(ar[fraction], xr[fraction])
    value[small_x_upper] = _upper_series(ar[small_x_upper], xr[small_x_upper])
    value[series] = _lower_series(ar[series], xr[series])
    out[regular] = np.where(is_upper == upper, value, 1.0 - value)
    # PyTorch's special values, in its order of precedence (each rule for what is left).
    done = regular | (a < 0) | (x < 0)
    for rule, p_value in (
            (a == 0, np.where(x > 0, 1.0, np.nan)),
            (x == 0, 0.0),
            (np.isinf(a), np.where(np.isinf(x), np.nan, 0.0)),
            (np.isinf(x), 1.0)):
        rule = rule & ~done
        value = np.broadcast_to(p_value, a.shape)[rule]
        out[rule] = 1.0 - value if upper else value
        done |= rule
    out = out.reshape(shape)
    dtype = np.result_type(a0, x0)
    return out.astype(dtype, copy=False) if dtype.kind == "f" else out


def gammainc(a, x):
    """The regularized lower incomplete gamma function ``P(a, x) = gamma(a, x) / Gamma(a)``.

    The power series where it converges fast, else ``1 - Q`` with Q from its continued
    fraction (x > 1.1, x >= a) or, for small x and a, from a series that keeps Q's relative
    accuracy. Special values as PyTorch: NaN for negative arguments, 1 at ``a = 0 < x``, 0 at
    ``x = 0``, 0 at ``a = inf`` (NaN if x is inf too), 1 at ``x = inf``.

    Example::

        >>> gammainc(np.array([1.0, 0.5]), np.array([1.0, 1.0]))  # 1 - 1/e, erf(1)
        array([0.63212056, 0.84270079])
    """
    return _incomplete_gamma(a, x, upper=False)


def gammaincc(a, x):
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)`` (see
    :func:`gammainc`), computed directly where it is small.

    Example::

        >>> gammaincc(np.array([1.0]), np.array([30.0]))  # exp(-30)
        array([9.35762297e-14])
    """
    return _incomplete_gamma(a, x, upper=True)
