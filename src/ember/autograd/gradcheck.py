"""gradcheck and gradgradcheck: analytical gradients against central finite differences."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised when analytical and numerical gradients disagree."""


def _outputs(fn, inputs):
    out = fn(*inputs)
    return (out,) if isinstance(out, Tensor) else tuple(out)


def _numerical(fn, inputs, eps):
    """J[i][k]: d(outputs[k]) / d(inputs[i]) as a (numel_in, numel_out) array."""
    base = _outputs(fn, inputs)
    jacobians = []
    for x in inputs:
        if not (isinstance(x, Tensor) and x._requires_grad):
            jacobians.append(None)
            continue
        flat = x._data.reshape(-1)  # x is contiguous: gradcheck copies its inputs
        per_output = [np.zeros((flat.size, o.numel())) for o in base]
        for j in range(flat.size):
            original = flat[j].item()
            flat[j] = original + eps
            plus = [o._data.astype(np.float64).reshape(-1) for o in _outputs(fn, inputs)]
            flat[j] = original - eps
            minus = [o._data.astype(np.float64).reshape(-1) for o in _outputs(fn, inputs)]
            flat[j] = original
            for k in range(len(base)):
                per_output[k][j] = (plus[k] - minus[k]) / (2 * eps)
        jacobians.append(per_output)
    return jacobians


def _analytical(fn, inputs):
    from . import grad

    outputs = _outputs(fn, inputs)
    wanted = [x for x in inputs if isinstance(x, Tensor) and x._requires_grad]
    jacobians = {id(x): [np.zeros((x.numel(), o.numel())) for o in outputs] for x in wanted}
    for k, out in enumerate(outputs):
        if not out._requires_grad:
            continue
        for m in range(out.numel()):
            seed = np.zeros(out.shape, out._data.dtype)
            seed.reshape(-1)[m] = 1
            grads = grad(out, wanted, Tensor._make(seed), retain_graph=True, allow_unused=True)
            for x, g in zip(wanted, grads):
                if g is not None:
                    jacobians[id(x)][k][:, m] = g._data.reshape(-1)
    return [jacobians.get(id(x)) if isinstance(x, Tensor) and x._requires_grad else None
            for x in inputs]


def _prepare(inputs):
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    prepared = []
    for x in inputs:
        if isinstance(x, Tensor):
            copy = Tensor._make(np.array(x._data, copy=True, order="C"))
            copy._requires_grad = x._requires_grad
            prepared.append(copy)
        else:
            prepared.append(x)
    return prepared


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **_):
    """Check ``fn``'s gradients against central differences (use float64 inputs).

    >>> import ember
    >>> x = ember.randn(3, dtype=ember.float64, requires_grad=True)
    >>> ember.autograd.gradcheck(lambda t: (t * t).sum(), (x,))
    True
    """
    inputs = _prepare(inputs)
    numerical = _numerical(fn, inputs, eps)
    analytical = _analytical(fn, inputs)
    for i, (num, ana) in enumerate(zip(numerical, analytical)):
        if num is None:
            continue
        for k, (n, a) in enumerate(zip(num, ana)):
            if not np.allclose(a, n, atol=atol, rtol=rtol):
                if raise_exception:
                    raise GradcheckError(
                        f"Jacobian mismatch for output {k} with respect to input {i},\n"
                        f"numerical:{n}\nanalytical:{a}\n")
                return False
    return True


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, **_):
    """Check second derivatives: gradcheck of (inputs, v) -> vᵀ J, built with create_graph."""
    from . import grad

    inputs = _prepare(inputs)
    outputs = _outputs(fn, inputs)
    rng = np.random.default_rng(0)
    if grad_outputs is None:
        grad_outputs = [Tensor._make(rng.standard_normal(o.shape).astype(o._data.dtype))
                        for o in outputs]
        for g in grad_outputs:
            g._requires_grad = True
    count = len(inputs)

    def first_derivative(*args):
        xs, vs = args[:count], args[count:]
        wanted = [x for x in xs if isinstance(x, Tensor) and x._requires_grad]
        outs = _outputs(fn, xs)
        grads = grad(outs, wanted, vs, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)
