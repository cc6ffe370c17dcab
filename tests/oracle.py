"""Compare ember with PyTorch (the oracle) and with finite differences.

``check(fn, *arrays)`` runs ``fn(lib, *tensors)`` with lib = ember and lib = torch on the same
inputs and compares the forward values, the gradients of every floating input (for a random
upstream gradient) and the second derivatives (the gradient of <grads, random v> with
create_graph=True). Tests that need torch call ``require_torch()`` and skip, visibly, without it.
"""

from __future__ import annotations

import numpy as np
import pytest

import ember

try:
    import torch
except ImportError:  # pragma: no cover - CI always installs torch
    torch = None


def require_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed: the oracle comparison needs torch==2.13.0")
    return torch


def to_numpy(x):
    if isinstance(x, ember.Tensor):
        return x.detach()._data
    if torch is not None and isinstance(x, torch.Tensor):
        return x.detach().numpy(force=True)  # force: PyTorch may return a ZeroTensor
    return np.asarray(x)


def make(lib, array, requires_grad):
    array = np.array(array)
    if lib is ember:
        t = ember.tensor(array)
    else:
        t = torch.tensor(array)
    if requires_grad and array.dtype.kind == "f":
        t.requires_grad_(True)
    return t


def _outputs(out):
    if isinstance(out, (tuple, list)):
        return [o for o in out if o is not None]
    return [out]


def _tolerance(dtype):
    return (1e-4, 1e-5) if dtype in (np.float32, np.float16) else (1e-7, 1e-9)


def assert_close(actual, expected, rtol=None, atol=None, what="value"):
    a, e = to_numpy(actual), to_numpy(expected)
    assert a.shape == e.shape, f"{what}: shape {a.shape} != torch's {e.shape}"
    assert a.dtype == e.dtype, f"{what}: dtype {a.dtype} != torch's {e.dtype}"
    default_rtol, default_atol = _tolerance(e.dtype)
    np.testing.assert_allclose(a, e, rtol=rtol or default_rtol, atol=atol or default_atol,
                               err_msg=what, equal_nan=True)


def check(fn, *arrays, grad=True, gradgrad=True, rtol=None, atol=None, seed=0):
    """Forward, gradient and second derivative of ``fn(lib, *tensors)``: ember vs torch."""
    require_torch()
    rng = np.random.default_rng(seed)
    results = {}
    for lib in (ember, torch):
        tensors = [make(lib, a, grad) if isinstance(a, np.ndarray) else a for a in arrays]
        outs = _outputs(fn(lib, *tensors))
        results[lib] = (tensors, outs)
    e_inputs, e_outs = results[ember]
    t_inputs, t_outs = results[torch]
    assert len(e_outs) == len(t_outs)
    for i, (e, t) in enumerate(zip(e_outs, t_outs)):
        assert_close(e, t, rtol, atol, what=f"forward output {i}")
    if not grad:
        return
    e_diff = [t for t in e_inputs if isinstance(t, ember.Tensor) and t.requires_grad]
    t_diff = [t for t in t_inputs if isinstance(t, torch.Tensor) and t.requires_grad]
    pairs = [(e, t) for e, t in zip(e_outs, t_outs) if t.requires_grad]
    if not t_diff or not pairs:
        for e, _t in zip(e_outs, t_outs):
            assert not e.requires_grad or not t_diff
        return
    for e, t in pairs:
        assert e.requires_grad, "ember's output does not require grad, torch's does"
    upstream = [rng.standard_normal(t.shape).astype(to_numpy(t).dtype) for _, t in pairs]
    e_grads = ember.autograd.grad([e for e, _ in pairs], e_diff,
                                  [ember.tensor(u) for u in upstream], create_graph=gradgrad,
                                  allow_unused=True)
    t_grads = torch.autograd.grad([t for _, t in pairs], t_diff,
                                  [torch.tensor(u) for u in upstream], create_graph=gradgrad,
                                  allow_unused=True)
    for i, (e, t) in enumerate(zip(e_grads, t_grads)):
        if t is None:
            assert e is None or np.all(to_numpy(e) == 0), f"gradient {i}: torch has none"
            continue
        assert e is not None, f"gradient {i}: ember has none, torch has one"
        assert_close(e, t, rtol, atol, what=f"gradient of input {i}")
    if not gradgrad:
        return
    e_pairs = [(e, t) for e, t in zip(e_grads, t_grads) if t is not None and t.requires_grad]
    if not e_pairs:
        return
    vs = [rng.standard_normal(t.shape).astype(to_numpy(t).dtype) for _, t in e_pairs]
    for e, _ in e_pairs:
        assert e.requires_grad, "ember's gradient has no graph with create_graph=True"
    e_total = sum(((e * ember.tensor(v)).sum() for (e, _), v in zip(e_pairs, vs)),
                  start=ember.tensor(0.0, dtype=e_pairs[0][0].dtype))
    t_total = sum(((t * torch.tensor(v)).sum() for (_, t), v in zip(e_pairs, vs)),
                  start=torch.tensor(0.0, dtype=e_pairs[0][1].dtype))
    e_gg = ember.autograd.grad(e_total, e_diff, allow_unused=True)
    t_gg = torch.autograd.grad(t_total, t_diff, allow_unused=True)
    for i, (e, t) in enumerate(zip(e_gg, t_gg)):
        if t is None:
            assert e is None or np.allclose(to_numpy(e), 0), f"second derivative {i}: torch none"
            continue
        if e is None:
            assert np.allclose(to_numpy(t), 0), f"second derivative {i}: ember has none"
            continue
        assert_close(e, t, rtol, atol, what=f"second derivative of input {i}")


def gradcheck(fn, *arrays, gradgrad=True):
    """Finite differences in float64: ember's first (and second) derivatives of ``fn(ember, ...)``."""
    inputs = [ember.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)
              if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a for a in arrays]
    assert ember.autograd.gradcheck(lambda *xs: fn(ember, *xs), inputs)
    if gradgrad:
        assert ember.autograd.gradgradcheck(lambda *xs: fn(ember, *xs), inputs)


def expect_error(fn, exception, message):
    """ember raises the same exception type as torch, with the given leading message."""
    require_torch()
    with pytest.raises(exception) as torch_error:
        fn(torch)
    assert str(torch_error.value).startswith(message), str(torch_error.value)
    with pytest.raises(exception) as ember_error:
        fn(ember)
    assert str(ember_error.value).startswith(message), str(ember_error.value)
