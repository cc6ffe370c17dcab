"""Grad modes: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

The mode is one module-level flag read by every op (see design.md, "Grad mode is a cheap
module-level flag"). Each context manager also works as a decorator, as in PyTorch.
"""

from __future__ import annotations

import functools


class _State:
    __slots__ = ("enabled",)

    def __init__(self):
        self.enabled = True


state = _State()


def is_grad_enabled() -> bool:
    """Whether ops currently record the graph."""
    return state.enabled


class _Mode:
    """Base of the grad-mode context managers; subclasses say which flag value they set."""

    _value = True

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self._value
        return None

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args()):
                return func(*args, **kwargs)

        return wrapper

    def _args(self):
        return ()

    def clone(self):
        return self.__class__(*self._args())


class no_grad(_Mode):
    """Context manager and decorator that turns off graph recording.

    >>> import ember
    >>> x = ember.ones(2, requires_grad=True)
    >>> with ember.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    _value = False


class enable_grad(_Mode):
    """Context manager and decorator that turns graph recording back on."""

    _value = True


class set_grad_enabled(_Mode):
    """Set grad mode on or off; works as a function call, a context manager or a decorator."""

    def __init__(self, mode: bool):
        self._value = bool(mode)
        self._prev = state.enabled
        state.enabled = self._value  # PyTorch applies it at once, even without ``with``

    def __enter__(self):
        return None

    def _args(self):
        return (self._value,)


class inference_mode(_Mode):
    """Like ``no_grad`` (ember keeps no extra inference-only state)."""

    def __init__(self, mode: bool = True):
        self._value = not mode

    def _args(self):
        return (not self._value,)
