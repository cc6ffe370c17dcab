"""autograd.functional: Jacobians, Hessians and vector products of whole functions.

Every function here is built on ``autograd.grad``: rows of a Jacobian are vector-Jacobian
products, and forward-mode products (``jvp``, ``hvp``) use the double-backward trick: the
gradient of ``grad(out, x, u)`` with respect to the dummy ``u`` is the Jacobian-vector product.

Results nest as PyTorch nests them: a single Tensor where the inputs (or outputs) were a single
Tensor, a tuple where they were a tuple, and a tuple of tuples, indexed ``[output][input]``,
when both were tuples.

>>> import ember
>>> from ember.autograd.functional import jacobian
>>> jacobian(lambda x: x ** 2, ember.tensor([1., 2.]))
tensor([[2., 0.],
        [0., 4.]])
"""

from __future__ import annotations

from .._tensor import Tensor
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


# --- shared steps ------------------------------------------------------------------------------
def _to_tuple(value, what, caller):
    """``(was_tuple, tuple_of_tensors)``, with PyTorch's TypeError for anything else."""
    was_tuple = isinstance(value, tuple)
    items = value if was_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"value at index {i}" if was_tuple else f"given {what}"
            raise TypeError(f"The {what} given to {caller} must be either a Tensor or a tuple of "
                            f"Tensors but the {where} has type {type(item)}.")
    return was_tuple, items


def _unpack(result, outer_was_tuple, inner_was_tuple=None):
    """Undo the tupling of the caller's arguments: ``result[i][j]`` loses the inner level when
    the inner argument was a single Tensor, and the outer level likewise."""
    if inner_was_tuple is not None and not inner_was_tuple:
        result = tuple(row[0] for row in result)
    return result if outer_was_tuple else result[0]


def _fresh_inputs(inputs, create_graph, need_graph):
    """New tensor objects for the function to see: differentiable views of inputs that require
    grad when ``create_graph`` (so results stay connected to them), detached copies otherwise.
    New objects keep the inputs apart from the same tensors captured inside the function."""
    fresh = []
    for x in inputs:
        if create_graph and x.requires_grad:
            fresh.append(x.view_as(x))
        else:
            fresh.append(x.detach().requires_grad_(need_graph))
    return tuple(fresh)


def _detach_all(values, create_graph):
    if create_graph:
        return values
    return tuple(v.detach() if isinstance(v, Tensor) else _detach_all(v, False) for v in values)


def _check_v(v, reference, reference_was_tuple):
    if len(v) != len(reference):
        if reference_was_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(reference)} but "
                               f"got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (vector, ref) in enumerate(zip(v, reference)):
        if vector.shape != ref.shape:
            where = f"Entry {i} in " if reference_was_tuple else ""
            raise RuntimeError(f"{where}v has invalid size: should be {ref.shape} but got "
                               f"{vector.shape}.")


_NOT_DIFFERENTIABLE = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The "
               "outputs must be computed in a differentiable manner from the input when running "
               "in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the "
                   "user-provided function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided "
                "function with respect to input {i} is independent of the input. This is not "
                "allowed in strict mode. You should ensure that your function is twice "
                "differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is "
               "independent of the input. This is not allowed in strict mode. You should ensure "
               "that your function is thrice differentiable and that the hessian depends on the "
               "inputs.",
}


def _strict_requires_grad(values, kind, strict):
    if not strict:
        return
    for i, value in enumerate(values):
        if value is None:
            raise RuntimeError(f"The output of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode.")
        if not value.requires_grad:
            raise RuntimeError(_NOT_DIFFERENTIABLE[kind].format(i=i))


def _grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """``autograd.grad`` over the outputs that are connected to a graph (None for the rest);
    every input unreached gets None."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(out, g) for out, g in zip(outputs, grad_outputs)
             if out is not None and out.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    from . import grad

    return grad([out for out, _ in pairs], inputs, [g for _, g in pairs],
                retain_graph=retain_graph, create_graph=create_graph, allow_unused=True)


_MISSING = {
    "back": "The output of the user-provided function is independent of input {i}. This is not "
            "allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
                   "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} "
                         "in the grad_jacobian. This is not allowed in strict mode as it "
                         "prevents from using the double backward trick to replace forward "
                         "mode AD.",
}


def _zeros_for_missing(grads, references, strict, create_graph, stage):
    """Replace None gradients by zeros (the mathematical answer), or raise in strict mode."""
    from .. import zeros_like

    filled = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_MISSING[stage].format(i=i))
            g = zeros_like(references[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if stage.startswith("double") else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode when "
                               "create_graph=True.")
        filled.append(g)
    return tuple(filled)


def _prepare_v(v, reference, reference_was_tuple, create_graph, caller, none_message):
    if v is None:
        if len(reference) != 1 or reference[0].nelement() != 1:
            raise RuntimeError(none_message)
        return None
    _, v = _to_tuple(v, "v", caller)
    v = _fresh_inputs(v, create_graph, need_graph=False)
    _check_v(v, reference, reference_was_tuple)
    return v


_V_NONE_FOR_OUTPUT = ("The vector v can only be None if the user-provided function returns a "
                      "single Tensor with a single element.")
_V_NONE_FOR_INPUT = ("The vector v can only be None if the input to the user-provided function "
                     "is a single Tensor with a single element.")


def _single_scalar_output(outputs, outputs_were_tuple, caller):
    if outputs_were_tuple:
        raise RuntimeError(f"The function given to {caller} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {caller} should "
                           "contain a single element")


# --- products ----------------------------------------------------------------------------------
def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``: the vector-Jacobian product at ``inputs``.

    >>> import ember
    >>> from ember.autograd.functional import vjp
    >>> vjp(lambda x: x * 3, ember.tensor([1., 2.]), ember.tensor([1., 1.]))
    (tensor([3., 6.]), tensor([3., 3.]))
    """
    with enable_grad():
        inputs_were_tuple, inputs = _to_tuple(inputs, "inputs", "vjp")
        inputs = _fresh_inputs(inputs, create_graph, need_graph=True)
        outputs_were_tuple, outputs = _to_tuple(func(*inputs),
                                                "outputs of the user-provided function", "vjp")
        _strict_requires_grad(outputs, "outputs", strict)
        v = _prepare_v(v, outputs, outputs_were_tuple, create_graph, "vjp", _V_NONE_FOR_OUTPUT)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _grad(outputs, inputs, v, create_graph=create_graph)
        result = _zeros_for_missing(grads, inputs, strict, create_graph, "back")
    return (_unpack(_detach_all(outputs, create_graph), outputs_were_tuple),
            _unpack(_detach_all(result, create_graph), inputs_were_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)``: the Jacobian-vector product, by the double-backward trick.

    >>> import ember
    >>> from ember.autograd.functional import jvp
    >>> jvp(lambda x: x ** 2, ember.tensor([1., 2.]), ember.tensor([1., 1.]))
    (tensor([1., 4.]), tensor([2., 4.]))
    """
    from .. import zeros_like

    with enable_grad():
        inputs_were_tuple, inputs = _to_tuple(inputs, "inputs", "jvp")
        inputs = _fresh_inputs(inputs, create_graph, need_graph=True)
        v = _prepare_v(v, inputs, inputs_were_tuple, create_graph, "jvp", _V_NONE_FOR_INPUT)
        outputs_were_tuple, outputs = _to_tuple(func(*inputs),
                                                "outputs of the user-provided function", "jvp")
        _strict_requires_grad(outputs, "outputs", strict)
        # grad(outputs, inputs, u) is linear in the dummy u; its gradient with respect to u,
        # seeded with v, is J v.
        dummies = tuple(zeros_like(out, requires_grad=True) for out in outputs)
        grad_inputs = _grad(outputs, inputs, dummies, create_graph=True)
        _strict_requires_grad(grad_inputs, "grad_inputs", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _grad(grad_inputs, dummies, v, create_graph=create_graph)
        result = _zeros_for_missing(grads, outputs, strict, create_graph, "back_trick")
    return (_unpack(_detach_all(outputs, create_graph), outputs_were_tuple),
            _unpack(_detach_all(result, create_graph), outputs_were_tuple))


def _scalar_function_gradient(func, inputs, v, create_graph, strict, caller):
    """The shared start of ``vhp`` and ``hvp``: inputs, v, the output and its gradient (with a
    graph, to be differentiated again)."""
    inputs_were_tuple, inputs = _to_tuple(inputs, "inputs", caller)
    inputs = _fresh_inputs(inputs, create_graph, need_graph=True)
    v = _prepare_v(v, inputs, inputs_were_tuple, create_graph, caller, _V_NONE_FOR_INPUT)
    outputs_were_tuple, outputs = _to_tuple(func(*inputs),
                                            "outputs of the user-provided function", caller)
    _strict_requires_grad(outputs, "outputs", strict)
    _single_scalar_output(outputs, outputs_were_tuple, caller)
    gradient = _grad(outputs, inputs, create_graph=True)
    _strict_requires_grad(gradient, "jacobian", strict)
    return inputs_were_tuple, inputs, v, outputs, outputs_were_tuple, gradient


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T H)`` for a function with one scalar output.

    >>> import ember
    >>> from ember.autograd.functional import vhp
    >>> vhp(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]), ember.tensor([1., 0.]))
    (tensor(9.), tensor([6., 0.]))
    """
    with enable_grad():
        inputs_were_tuple, inputs, v, outputs, outputs_were_tuple, gradient = \
            _scalar_function_gradient(func, inputs, v, create_graph, strict, "vhp")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _grad(gradient, inputs, v, create_graph=create_graph)
        result = _zeros_for_missing(grads, inputs, strict, create_graph, "double_back")
    return (_unpack(_detach_all(outputs, create_graph), outputs_were_tuple),
            _unpack(_detach_all(result, create_graph), inputs_were_tuple))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)`` for a function with one scalar output (double-backward trick).

    >>> import ember
    >>> from ember.autograd.functional import hvp
    >>> hvp(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]), ember.tensor([1., 0.]))
    (tensor(9.), tensor([6., 0.]))
    """
    from .. import zeros_like

    with enable_grad():
        inputs_were_tuple, inputs, v, outputs, outputs_were_tuple, gradient = \
            _scalar_function_gradient(func, inputs, v, create_graph, strict, "hvp")
        dummies = tuple(zeros_like(x, requires_grad=True) for x in inputs)
        double_back = _grad(gradient, inputs, dummies, create_graph=True)
        _strict_requires_grad(gradient, "hessian", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _grad(double_back, dummies, v, create_graph=create_graph)
        result = _zeros_for_missing(grads, inputs, strict, create_graph, "double_back_trick")
    return (_unpack(_detach_all(outputs, create_graph), outputs_were_tuple),
            _unpack(_detach_all(result, create_graph), inputs_were_tuple))


# --- full matrices -----------------------------------------------------------------------------
_STRATEGY_MESSAGE = ('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If '
                     'your function has more outputs than inputs, "forward-mode" tends to be '
                     'more performant. Otherwise, prefer to use "reverse-mode".')


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: one vector-Jacobian product per output element.

    ``result[i][j]`` has shape ``outputs[i].shape + inputs[j].shape``; the tuple levels are
    dropped where the outputs or the inputs were a single Tensor. ``vectorize=True`` (and
    ``strategy="forward-mode"``, which PyTorch allows only with it) is accepted for
    compatibility and runs the same row-by-row loop: ember has no vmap.

    >>> import ember
    >>> from ember.autograd.functional import jacobian
    >>> jacobian(lambda x, y: x * y, (ember.tensor([1., 2.]), ember.tensor([3., 4.])))
    (tensor([[3., 0.],
            [0., 4.]]), tensor([[1., 0.],
            [0., 2.]]))
    """
    from .. import stack, zeros_like

    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(_STRATEGY_MESSAGE)
    forward_mode = strategy == "forward-mode"
    if forward_mode:
        if create_graph:
            raise NotImplementedError(
                "torch.autograd.functional.jacobian: `create_graph=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either set '
                '`create_graph=False` or `strategy="reverse-mode"`.')
        if strict:
            raise RuntimeError(
                'torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` '
                'are not supported together (yet). Please either set `strict=False` or '
                '`strategy="reverse-mode"`.')
        if not vectorize:
            # (PyTorch's message lacks the space between "is" and "only"; kept as it is)
            raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse "
                                      "Hessian isonly implemented for `vectorize=True`.")

    with enable_grad():
        inputs_were_tuple, inputs = _to_tuple(inputs, "inputs", "jacobian")
        inputs = _fresh_inputs(inputs, create_graph, need_graph=True)
        outputs_were_tuple, outputs = _to_tuple(
            func(*inputs), "outputs of the user-provided function", "jacobian")
        _strict_requires_grad(outputs, "outputs", strict)
        if vectorize and strict:
            raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and "
                               "`vectorized=True` are not supported together. Please either set "
                               "`strict=False` or `vectorize=False`.")

        result = []
        for i, out in enumerate(outputs):
            rows = [[] for _ in inputs]  # rows[j]: d out[k] / d inputs[j] for each element k
            flat = out.reshape(-1)
            for k in range(out.nelement()):
                grads = _grad((flat[k],), inputs, retain_graph=True, create_graph=create_graph)
                for j, (g, x) in enumerate(zip(grads, inputs)):
                    if g is None:
                        if strict:
                            raise RuntimeError(f"Output {i} of the user-provided function is "
                                               f"independent of input {j}. This is not allowed "
                                               "in strict mode.")
                        g = zeros_like(x)
                    elif strict and create_graph and not g.requires_grad:
                        raise RuntimeError("The jacobian of the user-provided function is "
                                           f"independent of input {i}. This is not allowed in "
                                           "strict mode when create_graph=True.")
                    rows[j].append(g)
            result.append(tuple(_stack_rows(stack, row, out, x) for row, x in zip(rows, inputs)))
        result = _detach_all(tuple(result), create_graph)
        if forward_mode:
            # PyTorch's forward-mode path nests lists, which show where the inputs were a tuple.
            result = [list(row) for row in result]
        return _unpack(result, outputs_were_tuple, inputs_were_tuple)


def _stack_rows(stack, row, out, x):
    if not row:  # an output with no elements
        from .. import zeros

        return zeros(tuple(out.shape) + tuple(x.shape), dtype=x.dtype)
    return stack(row, 0).view(tuple(out.shape) + tuple(x.shape))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a function with one scalar output: the Jacobian of its gradient.

    ``result[i][j]`` is ``d^2 f / d inputs[i] d inputs[j]``, with shape
    ``inputs[i].shape + inputs[j].shape`` (a single Tensor for a single input).

    >>> import ember
    >>> from ember.autograd.functional import hessian
    >>> hessian(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    inputs_were_tuple, inputs = _to_tuple(inputs, "inputs", "hessian")

    def scalar_output(*args):
        out = func(*args)
        out_was_tuple, outs = _to_tuple(out, "outputs of the user-provided function", "hessian")
        _strict_requires_grad(outs, "outputs", strict)
        _single_scalar_output(outs, out_was_tuple, "hessian")
        return out.squeeze()

    def gradient(*args):
        if outer_jacobian_strategy == "forward-mode":
            args = tuple(a.requires_grad_(True) for a in args)
        rows = jacobian(scalar_output, args, create_graph=True)
        _strict_requires_grad(rows, "jacobian", strict)
        return rows

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict,
                      vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _unpack(result, inputs_were_tuple, inputs_were_tuple)
