"""Property tests: random shapes and random valid index expressions, ember against PyTorch.

Each example builds a key from integers, slices with steps, None, Ellipsis, integer lists,
integer tensors, boolean masks and Python bools, in any mix; reads ``x[key]`` (value and
gradient) and writes ``x[key] = value`` (result and gradients of both sides) in both libraries.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember
from oracle import assert_close, require_torch

torch = require_torch()

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def indexed(draw, unique=False):
    """A shape and a key that is valid for it; ``unique``: integer arrays repeat no index (so
    the order of writes cannot matter)."""
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=0, max_size=4)))
    parts, dim = [], 0
    used_ellipsis = False
    for _ in range(draw(st.integers(0, 5))):
        left = len(shape) - dim
        choices = ["none", "bool"] + (["ellipsis"] if not used_ellipsis else [])
        if left:
            choices += ["slice", "list", "tensor", "mask"]
            if shape[dim]:
                choices += ["int"]
        kind = draw(st.sampled_from(choices))
        size = shape[dim] if left else 0
        if kind == "none":
            parts.append(None)
        elif kind == "bool":
            parts.append(draw(st.booleans()))
        elif kind == "ellipsis":
            used_ellipsis = True
            parts.append(Ellipsis)
            # the ellipsis stands for the dims no later part takes: reserve them by taking
            # the rest of the key from the end
            rest = draw(st.integers(0, left))
            dim = len(shape) - rest
        elif kind == "int":
            parts.append(draw(st.integers(-size, size - 1)))
            dim += 1
        elif kind == "slice":
            start = draw(st.none() | st.integers(-6, 6))
            stop = draw(st.none() | st.integers(-6, 6))
            step = draw(st.none() | st.integers(1, 3))
            parts.append(slice(start, stop, step))
            dim += 1
        elif kind in ("list", "tensor"):
            if size == 0:
                values = []
            elif unique:
                values = draw(st.lists(st.integers(-size, size - 1), max_size=size,
                                       unique_by=lambda v: v % size))
            else:
                values = draw(st.lists(st.integers(-size, size - 1), max_size=4))
            if kind == "tensor" and values and draw(st.booleans()):
                parts.append(("tensor2d", values))  # a column: broadcasts against the rest
            else:
                parts.append((kind, values))
            dim += 1
        else:  # a mask over one or more of the next dims
            count = draw(st.integers(1, left))
            mask_shape = shape[dim:dim + count]
            bits = draw(st.lists(st.booleans(), min_size=int(np.prod(mask_shape)),
                                 max_size=int(np.prod(mask_shape))))
            parts.append(("mask", np.array(bits, dtype=bool).reshape(mask_shape)))
            dim += count
    if used_ellipsis:  # the parts after it must take exactly the dims it left to them
        parts += [slice(None)] * (len(shape) - dim)
    return shape, parts


def build(lib, parts):
    key = []
    for part in parts:
        if isinstance(part, tuple):
            kind, values = part
            if kind == "list":
                key.append(list(values))
            elif kind == "tensor":
                key.append(lib.tensor(values, dtype=lib.int64))
            elif kind == "tensor2d":
                key.append(lib.tensor(values, dtype=lib.int64).reshape(-1, 1))
            else:
                key.append(lib.tensor(values))
        else:
            key.append(part)
    return tuple(key)


def _outcome(fn):
    try:
        return fn(), None
    except (IndexError, RuntimeError, ValueError) as error:
        return None, error


@SETTINGS
@given(indexed(), st.integers(0, 2 ** 31))
def test_getitem_matches_torch(case, seed):
    shape, parts = case
    rng = np.random.default_rng(seed)
    data = rng.standard_normal(shape)
    t = torch.tensor(data, requires_grad=True)
    e = ember.tensor(data, requires_grad=True)
    t_out, t_error = _outcome(lambda: t[build(torch, parts)])
    e_out, e_error = _outcome(lambda: e[build(ember, parts)])
    if t_error is not None:  # e.g. index arrays that do not broadcast together
        assert e_error is not None and type(e_error) is type(t_error), (t_error, e_error)
        return
    assert e_error is None, e_error
    assert_close(e_out, t_out, what=f"x{parts}")
    upstream = rng.standard_normal(tuple(t_out.shape))
    (t_out * torch.tensor(upstream)).sum().backward()
    (e_out * ember.tensor(upstream)).sum().backward()
    assert_close(e.grad, t.grad, what="gradient")


@SETTINGS
@given(indexed(unique=True), st.booleans(), st.integers(0, 2 ** 31))
def test_setitem_matches_torch(case, scalar, seed):
    shape, parts = case
    rng = np.random.default_rng(seed)
    data = rng.standard_normal(shape)
    t_leaf = torch.tensor(data, requires_grad=True)
    e_leaf = ember.tensor(data, requires_grad=True)
    t_shape, t_error = _outcome(lambda: tuple(t_leaf.detach()[build(torch, parts)].shape))
    if t_error is not None:
        return
    values = rng.standard_normal(t_shape)
    t_value = 2.5 if scalar else torch.tensor(values, requires_grad=True)
    e_value = 2.5 if scalar else ember.tensor(values, requires_grad=True)
    t_x, e_x = t_leaf * 1, e_leaf * 1
    t_x[build(torch, parts)] = t_value * 1
    e_x[build(ember, parts)] = e_value * 1
    assert_close(e_x, t_x, what=f"x{parts} = value")
    upstream = rng.standard_normal(shape)
    (t_x * torch.tensor(upstream)).sum().backward()
    (e_x * ember.tensor(upstream)).sum().backward()
    assert_close(e_leaf.grad, t_leaf.grad, what="gradient of x")
    if not scalar:
        assert_close(e_value.grad, t_value.grad, what="gradient of value")
