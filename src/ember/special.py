"""``ember.special``: PyTorch's torch.special namespace.

Most names are ember functions under their special-function names (``expit`` is sigmoid,
``gammaln`` is lgamma, ``psi`` is digamma...). The functions ember had no op for (``entr``,
``xlog1py``, ``ndtr``, ``log_ndtr``, ``erfcx``, ``i0e``, ``i1e``) are composed from public ember
ops, so their gradients (and second derivatives) come from the ops they use; the ones that lose
accuracy in a tail compute in float64 and round once at the end. ``ndtri`` refines its value by
Newton steps and carries PyTorch's derivative ``sqrt(2 pi) exp(ndtri(p)**2 / 2)``.

``zeta``, ``gammainc``/``gammaincc``, the Bessel J/Y/K families, ``spherical_bessel_j0``,
``airy_ai`` and the orthogonal polynomials are rows of ember/ops/special_rows.py (NumPy kernels
in ember/ops/gamma.py, bessel.py and polynomials.py). As in PyTorch, zeta and the incomplete
gamma functions are differentiable in their second argument only, and the Bessel, Airy and
polynomial functions not at all.

>>> import ember as torch
>>> torch.special.ndtr(torch.tensor([0., 1.]))
tensor([0.5000, 0.8413])
"""

from __future__ import annotations

import math

import numpy as np

from . import _dtype
from ._api import FUNCTIONS as _FUNCTIONS
from ._creation import tensor as _new_tensor
from ._tensor import Tensor
from .autograd.function import BackwardCFunction, Function
from .autograd.grad_mode import no_grad
from .ops import extra as _extra_ops
from .ops import gamma as _gamma
from .ops import special_rows as _rows

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1",
           "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
           "chebyshev_polynomial_w", "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2",
           "expit", "expm1", "gammainc", "gammaincc", "gammaln", "hermite_polynomial_h",
           "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
           "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp",
           "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
           "modified_bessel_k1", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round",
           "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
           "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "sinc", "softmax",
           "spherical_bessel_j0", "xlog1py", "xlogy", "zeta"]

_abs, _clamp, _erfc, _exp, _log, _log1p, _sgn, _where = (
    _FUNCTIONS[name] for name in ("abs", "clamp", "erfc", "exp", "log", "log1p", "sgn", "where"))

# --- the functions ember already has, under their torch.special names ----------------------------
expit = _FUNCTIONS["sigmoid"]
logit = _FUNCTIONS["logit"]
erf = _FUNCTIONS["erf"]
erfc = _FUNCTIONS["erfc"]
erfinv = _FUNCTIONS["erfinv"]
gammaln = _FUNCTIONS["lgamma"]
digamma = psi = _FUNCTIONS["digamma"]
polygamma = _FUNCTIONS["polygamma"]
i0 = _FUNCTIONS["i0"]
xlogy = _FUNCTIONS["xlogy"]
sinc = _FUNCTIONS["sinc"]
round = _FUNCTIONS["round"]  # noqa: A001 (PyTorch's name)
exp2 = _FUNCTIONS["exp2"]
expm1 = _FUNCTIONS["expm1"]
log1p = _FUNCTIONS["log1p"]
logsumexp = _FUNCTIONS["logsumexp"]


def softmax(input, dim, *, dtype=None):  # noqa: A002
    """Softmax along ``dim`` (``ember.softmax``).

    >>> ember.special.softmax(ember.tensor([0., 0.]), 0)
    tensor([0.5000, 0.5000])
    """
    return _FUNCTIONS["softmax"](input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):  # noqa: A002
    """Log of the softmax along ``dim`` (``ember.log_softmax``).

    >>> ember.special.log_softmax(ember.tensor([0., 0.]), 0)
    tensor([-0.6931, -0.6931])
    """
    return _FUNCTIONS["log_softmax"](input, dim, dtype=dtype)


def multigammaln(input, p):  # noqa: A002
    """The log of the multivariate gamma function of dimension ``p`` (``ember.mvlgamma``).

    >>> ember.special.multigammaln(ember.tensor([3.]), 2)
    tensor([1.5502])
    """
    return _FUNCTIONS["mvlgamma"](input, p)


def i1(input):  # noqa: A002
    """The modified Bessel function of the first kind, order 1.

    >>> ember.special.i1(ember.tensor([0., 1.]))
    tensor([0.0000, 0.5652])
    """
    _tensor_arg(input, "special_i1")
    return _extra_ops.i1(input)


# --- helpers -------------------------------------------------------------------------------------
def _tensor_arg(x, name):
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(x).__name__}")


def _floating(x, name):
    """``x`` as a floating tensor: integers and bools become the default float dtype."""
    _tensor_arg(x, name)
    return x if x.dtype.is_floating_point else x.to(_dtype.get_default_dtype())


def _in_float64(compute, x, name):
    """``compute(x)`` evaluated in float64 and rounded once to ``x``'s (floating) dtype."""
    x = _floating(x, name)
    # Infinities and NaNs in unused where-branches are expected: keep NumPy quiet about them.
    with np.errstate(all="ignore"):
        return compute(x.to(_dtype.float64)).to(x.dtype)


_SQRT_PI = math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)
_SQRT1_2 = math.sqrt(0.5)


# --- entr, xlog1py -------------------------------------------------------------------------------
def entr(input):  # noqa: A002
    """Elementwise entropy ``-x log x``: 0 at 0, -inf for negative ``x``.

    >>> ember.special.entr(ember.tensor([0., 0.5, 1.]))
    tensor([0.0000, 0.3466, -0.0000])
    """
    x = _floating(input, "special_entr")
    positive = x > 0
    # log only sees positive numbers, so no NaN reaches the gradient of the unused branch.
    inside = -x * _log(_where(positive, x, 1.0))
    # 0 at 0, NaN stays NaN.
    return _where(positive, inside, _where(x < 0, -math.inf, 0.0 * x))


def xlog1py(input, other):  # noqa: A002
    """``input * log1p(other)``, and 0 where ``input`` is 0 (unless ``other`` is NaN).

    >>> ember.special.xlog1py(ember.tensor([0., 2.]), ember.tensor([-1., 1.]))
    tensor([0.0000, 1.3863])
    """
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError("special_xlog1py(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    dtype = _dtype.result_type(input, other)
    if not dtype.is_floating_point:
        dtype = _dtype.get_default_dtype()
    x = input.to(dtype) if isinstance(input, Tensor) else _new_tensor(input, dtype=dtype)
    y = other.to(dtype) if isinstance(other, Tensor) else _new_tensor(other, dtype=dtype)
    # Where x is 0 and log1p(y) is -inf, NaN or inf, y is replaced by 0, so the product is 0
    # and, as in PyTorch, so is the gradient for x there (log1p(y) elsewhere, also at x = 0).
    replace = (x == 0) & ((y <= -1) | (y == math.inf))
    return x * _log1p(_where(replace, 0.0, y))


# --- the normal distribution: ndtr, log_ndtr, ndtri, and erfcx -----------------------------------
def ndtr(input):  # noqa: A002
    """The standard normal CDF, ``(1 + erf(x / sqrt(2))) / 2``, written with erfc so that the
    lower tail keeps its relative accuracy.

    >>> ember.special.ndtr(ember.tensor([-1., 0., 1.]))
    tensor([0.1587, 0.5000, 0.8413])
    """
    return _in_float64(lambda x: 0.5 * _erfc(-x * _SQRT1_2), input, "special_ndtr")


# erfcx = exp(x^2) erfc(x): below _ERFCX_SWITCH the product itself (exp(x^2) stays finite in
# float64 and erfc(x) normal); above it the asymptotic series
# 1 / (x sqrt(pi)) * sum_k (-1)^k (2k-1)!! / (2x^2)^k, whose 12 terms reach 1e-15 at x = 9.
_ERFCX_SWITCH = 9.0
_ERFCX_TERMS = 12


def _erfcx64(x):
    small = _clamp(x, max=_ERFCX_SWITCH)
    direct = _exp(small * small) * _erfc(small)
    large = _clamp(x, min=_ERFCX_SWITCH)
    step = 1.0 / (2.0 * large * large)
    series, term = 1.0, 1.0
    for k in range(1, _ERFCX_TERMS + 1):
        term = -term * (2 * k - 1) * step
        series = series + term
    asymptotic = series / (large * _SQRT_PI)
    return _where(x < _ERFCX_SWITCH, direct, asymptotic)


def erfcx(input):  # noqa: A002
    """The scaled complementary error function ``exp(x**2) * erfc(x)``, finite for large ``x``.

    >>> ember.special.erfcx(ember.tensor([0., 1., 30.]))
    tensor([1.0000, 0.4276, 0.0188])
    """
    return _in_float64(_erfcx64, input, "special_erfcx")


def _log_ndtr64(x):
    # Left half: log(erfc(t) / 2) with t = -x / sqrt(2), written as log(erfcx(t) / 2) - t^2 so
    # that it stays finite where ndtr underflows. Right half: log1p(-ndtr(-x)), exact near 0.
    t = -_clamp(x, max=0.0) * _SQRT1_2
    left = _log(0.5 * _erfcx64(t)) - t * t
    right = _log1p(-0.5 * _erfc(_clamp(x, min=0.0) * _SQRT1_2))
    return _where(x < 0, left, right)


def log_ndtr(input):  # noqa: A002
    """The log of the standard normal CDF, accurate in both tails.

    >>> ember.special.log_ndtr(ember.tensor([-10., 0.]))
    tensor([-53.2313,  -0.6931])
    """
    return _in_float64(_log_ndtr64, input, "special_log_ndtr")


def _ndtri_array(p):
    """The inverse normal CDF of a float64 array: a starting point from erfinv (or, deep in the
    tail, Abramowitz & Stegun 26.2.23), then Newton steps on log_ndtr, solved for the lower tail
    ``q = min(p, 1 - p)`` and mirrored."""
    with np.errstate(all="ignore"):
        q = np.minimum(p, 1.0 - p)
        z = math.sqrt(2.0) * _gamma.erfinv(2.0 * q - 1.0)
        t = np.sqrt(-2.0 * np.log(q))
        tail = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t)
                 / (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t ** 3))
        z = np.where(q < 1e-3, tail, z)
        solvable = (q > 0) & (q < 0.5)
        z = np.where(solvable, z, 0.0)
        log_q = np.log(np.where(solvable, q, 0.5))
        with no_grad():
            for _ in range(4):
                log_cdf = _log_ndtr64(_new_tensor(z))._data
                z = z - (log_cdf - log_q) * np.exp(log_cdf + z * z / 2) * _SQRT_2PI
        z = np.where(p > 0.5, -z, z)
        z = np.where(q == 0, np.where(p > 0.5, np.inf, -np.inf), z)
        z = np.where(p == 0.5, 0.0, z)
        return np.where((p >= 0) & (p <= 1), z, np.nan)


class _SpecialNdtri(Function):
    """ndtri as one node: value from :func:`_ndtri_array`, derivative 1 / pdf(ndtri(p))."""

    # PyTorch's node name for ndtri, in place of the default "<Function>Backward".
    _node_class = type("SpecialNdtriBackward0", (BackwardCFunction,), {"__slots__": ()})

    @staticmethod
    def forward(ctx, p):
        value = _ndtri_array(np.asarray(p._data, dtype=np.float64)).astype(p._data.dtype)
        result = _new_tensor(value)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad):
        (result,) = ctx.saved_tensors
        return grad * _SQRT_2PI * _exp(result * result * 0.5)


def ndtri(input):  # noqa: A002
    """The inverse of the standard normal CDF (``ndtr(ndtri(p)) == p``): -inf at 0, inf at 1,
    NaN outside [0, 1].

    >>> ember.special.ndtri(ember.tensor([0.5, 0.975]))
    tensor([0.0000, 1.9600])
    """
    return _SpecialNdtri.apply(_floating(input, "special_ndtri"))


# --- exponentially scaled Bessel functions i0e, i1e ----------------------------------------------
# Below _BESSEL_SWITCH: exp(-|x|) * i0(x) (i0 stays finite in float64); above it Hankel's series
# 1 / sqrt(2 pi x) * sum_k (-1)^k a_k(nu) / x^k, which needs 8 terms for 1e-16 at x = 700.
_BESSEL_SWITCH = 700.0
_BESSEL_TERMS = 8


def _scaled_bessel_series(x, order):
    mu = 4 * order * order
    series, term = 1.0, 1.0
    for k in range(1, _BESSEL_TERMS + 1):
        term = -term * (mu - (2 * k - 1) ** 2) / (8 * k) / x
        series = series + term
    return series / (_SQRT_2PI * x.sqrt())


def _scaled_bessel(x, order, bessel):
    small = _clamp(x, -_BESSEL_SWITCH, _BESSEL_SWITCH)
    direct = _exp(-_abs(small)) * bessel(small)
    size = _clamp(_abs(x), min=_BESSEL_SWITCH)
    asymptotic = _scaled_bessel_series(size, order)
    if order == 1:
        asymptotic = _sgn(x) * asymptotic  # i1 is odd
    return _where(_abs(x) < _BESSEL_SWITCH, direct, asymptotic)


def i0e(input):  # noqa: A002
    """The exponentially scaled modified Bessel function of order 0, ``exp(-|x|) * i0(x)``.

    >>> ember.special.i0e(ember.tensor([0., 1., 1000.]))
    tensor([1.0000, 0.4658, 0.0126])
    """
    return _in_float64(lambda x: _scaled_bessel(x, 0, _FUNCTIONS["i0"]), input, "special_i0e")


def i1e(input):  # noqa: A002
    """The exponentially scaled modified Bessel function of order 1, ``exp(-|x|) * i1(x)``.

    >>> ember.special.i1e(ember.tensor([0., 1., -1000.]))
    tensor([ 0.0000,  0.2079, -0.0126])
    """
    return _in_float64(lambda x: _scaled_bessel(x, 1, _extra_ops.i1), input, "special_i1e")


# --- zeta and the incomplete gamma functions -----------------------------------------------------
def _invalid_combination(name, first, second, x="input", other="other"):
    return TypeError(
        f"{name}() received an invalid combination of arguments - got "
        f"({type(first).__name__}, {type(second).__name__}), but expected one of:\n"
        f" * (Tensor {x}, Tensor {other}, *, Tensor out = None)\n"
        f" * (Number {'self' if x == 'input' else x}, Tensor {other}, *, Tensor out = None)\n"
        f" * (Tensor {x}, Number {other}, *, Tensor out = None)\n")


def zeta(input, other):  # noqa: A002
    """The Hurwitz zeta function ``sum_k (other + k) ** -input``; either argument may be a
    number. Differentiable in ``other`` only (as PyTorch).

    >>> ember.special.zeta(ember.tensor([2., 4.]), 1.)
    tensor([1.6449, 1.0823])
    """
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise _invalid_combination("special_zeta", input, other)
    return _rows.zeta(input, other)


def gammainc(input, other):  # noqa: A002
    """The regularized lower incomplete gamma function ``P(input, other)`` (``ember.igamma``).

    >>> ember.special.gammainc(ember.tensor([1., 2.]), ember.tensor([1., 1.]))
    tensor([0.6321, 0.2642])
    """
    _tensor_arg(input, "special_gammainc")
    if not isinstance(other, Tensor):
        raise TypeError("special_gammainc(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")
    return _FUNCTIONS["igamma"](input, other)


def gammaincc(input, other):  # noqa: A002
    """The regularized upper incomplete gamma function ``Q(input, other)`` (``ember.igammac``).

    >>> ember.special.gammaincc(ember.tensor([1., 2.]), ember.tensor([1., 1.]))
    tensor([0.3679, 0.7358])
    """
    _tensor_arg(input, "special_gammaincc")
    if not isinstance(other, Tensor):
        raise TypeError("special_gammaincc(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")
    return _FUNCTIONS["igammac"](input, other)


# --- Bessel and Airy functions -------------------------------------------------------------------
# (PyTorch names the argument ``x`` for these four, ``input`` for the others)
_NAMED_X = ("scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "spherical_bessel_j0",
            "airy_ai")


def _bessel_function(name, doc):
    row = getattr(_rows, name)
    argument = "x" if name in _NAMED_X else "input"

    def fn(input):  # noqa: A002
        if not isinstance(input, Tensor):
            raise TypeError(f"special_{name}(): argument '{argument}' (position 1) must be "
                            f"Tensor, not {type(input).__name__}")
        return row(input)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


bessel_j0 = _bessel_function("bessel_j0", """The Bessel function of the first kind, order 0.

    >>> ember.special.bessel_j0(ember.tensor([0., 2.]))
    tensor([1.0000, 0.2239])
    """)
bessel_j1 = _bessel_function("bessel_j1", """The Bessel function of the first kind, order 1.

    >>> ember.special.bessel_j1(ember.tensor([0., 2.]))
    tensor([0.0000, 0.5767])
    """)
bessel_y0 = _bessel_function("bessel_y0", """The Bessel function of the second kind, order 0
    (-inf at 0, NaN for negative x).

    >>> ember.special.bessel_y0(ember.tensor([2.]))
    tensor([0.5104])
    """)
bessel_y1 = _bessel_function("bessel_y1", """The Bessel function of the second kind, order 1
    (-inf at 0, NaN for negative x).

    >>> ember.special.bessel_y1(ember.tensor([2.]))
    tensor([-0.1070])
    """)
modified_bessel_i0 = _bessel_function("modified_bessel_i0", """The modified Bessel function of
    the first kind, order 0.

    >>> ember.special.modified_bessel_i0(ember.tensor([0., 1.]))
    tensor([1.0000, 1.2661])
    """)
modified_bessel_i1 = _bessel_function("modified_bessel_i1", """The modified Bessel function of
    the first kind, order 1.

    >>> ember.special.modified_bessel_i1(ember.tensor([0., 1.]))
    tensor([0.0000, 0.5652])
    """)
modified_bessel_k0 = _bessel_function("modified_bessel_k0", """The modified Bessel function of
    the second kind, order 0 (inf at 0, NaN for negative x).

    >>> ember.special.modified_bessel_k0(ember.tensor([1.]))
    tensor([0.4210])
    """)
modified_bessel_k1 = _bessel_function("modified_bessel_k1", """The modified Bessel function of
    the second kind, order 1 (inf at 0, NaN for negative x).

    >>> ember.special.modified_bessel_k1(ember.tensor([1.]))
    tensor([0.6019])
    """)
scaled_modified_bessel_k0 = _bessel_function("scaled_modified_bessel_k0", """``exp(x) * K0(x)``,
    finite for large x.

    >>> ember.special.scaled_modified_bessel_k0(ember.tensor([1.]))
    tensor([1.1445])
    """)
scaled_modified_bessel_k1 = _bessel_function("scaled_modified_bessel_k1", """``exp(x) * K1(x)``,
    finite for large x.

    >>> ember.special.scaled_modified_bessel_k1(ember.tensor([1.]))
    tensor([1.6362])
    """)
spherical_bessel_j0 = _bessel_function("spherical_bessel_j0", """The spherical Bessel function
    of the first kind, order 0: ``sin(x) / x``.

    >>> ember.special.spherical_bessel_j0(ember.tensor([0., 2.]))
    tensor([1.0000, 0.4546])
    """)
airy_ai = _bessel_function("airy_ai", """The Airy function Ai.

    >>> ember.special.airy_ai(ember.tensor([0., 1.]))
    tensor([0.3550, 0.1353])
    """)


# --- orthogonal polynomials ----------------------------------------------------------------------
def _polynomial_function(name, doc):
    row = getattr(_rows, name)

    def fn(x, n):
        if not isinstance(x, Tensor) and not isinstance(n, Tensor):
            raise _invalid_combination(f"special_{name}", x, n, "x", "n")
        return row(x, n)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc + """
    ``n`` (a tensor or a number) is truncated to an integer; ``n < 0`` gives 0, as PyTorch.
    """
    return fn


chebyshev_polynomial_t = _polynomial_function("chebyshev_polynomial_t", """The Chebyshev
    polynomial of the first kind ``T_n(x)``.

    >>> ember.special.chebyshev_polynomial_t(ember.tensor([0.5, 2.]), 3)
    tensor([-1., 26.])""")
chebyshev_polynomial_u = _polynomial_function("chebyshev_polynomial_u", """The Chebyshev
    polynomial of the second kind ``U_n(x)``.

    >>> ember.special.chebyshev_polynomial_u(ember.tensor([0.5, 2.]), 2)
    tensor([ 0., 15.])""")
chebyshev_polynomial_v = _polynomial_function("chebyshev_polynomial_v", """The Chebyshev
    polynomial of the third kind ``V_n(x)``.

    >>> ember.special.chebyshev_polynomial_v(ember.tensor([0.5, 2.]), 2)
    tensor([-1., 11.])""")
chebyshev_polynomial_w = _polynomial_function("chebyshev_polynomial_w", """The Chebyshev
    polynomial of the fourth kind ``W_n(x)``.

    >>> ember.special.chebyshev_polynomial_w(ember.tensor([0.5, 2.]), 2)
    tensor([ 1., 19.])""")
shifted_chebyshev_polynomial_t = _polynomial_function("shifted_chebyshev_polynomial_t", """The
    shifted Chebyshev polynomial of the first kind ``T_n(2x - 1)``.

    >>> ember.special.shifted_chebyshev_polynomial_t(ember.tensor([0.5, 1.]), 3)
    tensor([0., 1.])""")
shifted_chebyshev_polynomial_u = _polynomial_function("shifted_chebyshev_polynomial_u", """The
    shifted Chebyshev polynomial of the second kind ``U_n(2x - 1)``.

    >>> ember.special.shifted_chebyshev_polynomial_u(ember.tensor([0.5, 1.]), 2)
    tensor([-1.,  3.])""")
shifted_chebyshev_polynomial_v = _polynomial_function("shifted_chebyshev_polynomial_v", """The
    shifted Chebyshev polynomial of the third kind ``V_n(2x - 1)``.

    >>> ember.special.shifted_chebyshev_polynomial_v(ember.tensor([0.5, 1.]), 2)
    tensor([-1.,  1.])""")
shifted_chebyshev_polynomial_w = _polynomial_function("shifted_chebyshev_polynomial_w", """The
    shifted Chebyshev polynomial of the fourth kind ``W_n(2x - 1)``.

    >>> ember.special.shifted_chebyshev_polynomial_w(ember.tensor([0.5, 1.]), 2)
    tensor([-1.,  5.])""")
hermite_polynomial_h = _polynomial_function("hermite_polynomial_h", """The physicists' Hermite
    polynomial ``H_n(x)``.

    >>> ember.special.hermite_polynomial_h(ember.tensor([1., 2.]), 3)
    tensor([-4., 40.])""")
hermite_polynomial_he = _polynomial_function("hermite_polynomial_he", """The probabilists'
    Hermite polynomial ``He_n(x)``.

    >>> ember.special.hermite_polynomial_he(ember.tensor([1., 2.]), 3)
    tensor([-2.,  2.])""")
laguerre_polynomial_l = _polynomial_function("laguerre_polynomial_l", """The Laguerre
    polynomial ``L_n(x)``.

    >>> ember.special.laguerre_polynomial_l(ember.tensor([1., 2.]), 2)
    tensor([-0.5000, -1.0000])""")
legendre_polynomial_p = _polynomial_function("legendre_polynomial_p", """The Legendre
    polynomial ``P_n(x)``.

    >>> ember.special.legendre_polynomial_p(ember.tensor([0.5, 2.]), 2)
    tensor([-0.1250,  5.5000])""")
