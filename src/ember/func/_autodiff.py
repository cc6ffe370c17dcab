"""grad, vjp, jvp, jacrev, jacfwd and hessian as function transforms, on the reverse-mode engine.

Each call of a transformed function is one *level*. The level gives ``func`` differentiable
aliases of the chosen arguments: a fresh leaf (``x.detach().requires_grad_()``) where nothing
outside tracks ``x``, or a view of ``x`` where something does (an outer transform, or the user's
own ``requires_grad``), so that the graph stays connected to the outside. After the gradients are
taken the level looks at what its results are connected to: a result that reaches only the
level's own aliases is detached, as torch.func unwraps it; a result that reaches anything outside
(an outer level's alias, a captured parameter, an input that requires grad) keeps its graph, and
for such calls the gradients are built with ``create_graph=True`` so that an outer level can
differentiate them again. That is how ``grad(grad(f))`` and ``vmap(grad(f))`` compose.
"""

from __future__ import annotations

import weakref

from .._tensor import Tensor
from ..autograd import grad as autograd_grad
from ..autograd.graph import AccumulateGrad
from ..autograd.grad_mode import enable_grad, is_grad_enabled
from ._tree import describe, flatten, tree_map, unflatten

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian"]

_RANDOMNESS = ("error", "different", "same")


def _check_randomness(randomness):
    if randomness not in _RANDOMNESS:
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")


# --- one level of differentiation ----------------------------------------------------------------
# id(leaf) -> (weak reference to the leaf, the level that made it), for every alias leaf alive.
_LEAF_LEVEL = {}


def _forget(leaf_id):
    def callback(_reference):
        _LEAF_LEVEL.pop(leaf_id, None)

    return callback


class _Level:
    """The leaves one transformed call made, and what its results are connected to.

    While the call runs the level is *active*: its leaves are "outside" to any level nested in
    it. Once the call returns nobody differentiates with respect to its leaves again, so to the
    levels around it they are just constants.
    """

    __slots__ = ("active",)

    def __init__(self):
        self.active = True

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.active = False

    def leaf(self, tensor):
        _LEAF_LEVEL[id(tensor)] = (weakref.ref(tensor, _forget(id(tensor))), self)
        return tensor

    def alias(self, x):
        if not isinstance(x, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
        if x.requires_grad:
            return x.view_as(x)  # an outer level (or the user) differentiates through x
        return self.leaf(x.detach().requires_grad_())

    def _is_outside(self, leaf):
        entry = _LEAF_LEVEL.get(id(leaf))
        if entry is None or entry[0]() is not leaf:
            return True  # the user's tensor
        level = entry[1]
        return level is not self and level.active

    def reaches_outside(self, tensors):
        """Whether any of ``tensors`` depends on a tensor that requires grad and that an
        enclosing level or the user may differentiate with respect to."""
        seen = set()
        stack = []
        for t in tensors:
            if not isinstance(t, Tensor) or not t.requires_grad:
                continue
            if t.grad_fn is None:
                if self._is_outside(t):
                    return True
                continue
            stack.append(t.grad_fn)
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if type(node) is AccumulateGrad:
                if self._is_outside(node.variable):
                    return True
                continue
            for next_node, _ in node.next_functions:
                if next_node is not None:
                    stack.append(next_node)
        return False

    def unwrap(self, value):
        """``value`` as this level hands it out: detached unless it reaches outside."""
        if isinstance(value, Tensor) and value.requires_grad and not self.reaches_outside([value]):
            return value.detach()
        return value


def _gradients(outputs, inputs, cotangents, create_graph):
    """``autograd.grad`` of the outputs that have a graph, with zeros for unreached inputs."""
    pairs = [(out, c) for out, c in zip(outputs, cotangents) if out.requires_grad]
    grads = (None,) * len(inputs)
    if pairs:
        grads = autograd_grad([out for out, _ in pairs], inputs, [c for _, c in pairs],
                              retain_graph=True, create_graph=create_graph, allow_unused=True)
    from .. import zeros_like

    return [zeros_like(x) if g is None else g for g, x in zip(grads, inputs)]


def _argnums_tuple(argnums, count):
    """``argnums`` as a tuple of non-negative positions, with PyTorch's errors."""
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        positions = (argnums,)
    elif isinstance(argnums, tuple) and all(isinstance(a, int) for a in argnums):
        if not argnums:
            raise RuntimeError("argnums must be non-empty")
        if len(set(argnums)) != len(argnums):
            raise RuntimeError(f"argnums elements must be unique, got {argnums}")
        positions = argnums
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    for a in positions:
        if not -count <= a < count:
            raise RuntimeError(f"Got argnum={a}, but only {count} positional inputs")
    return tuple(a % count for a in positions)


def _alias_arguments(level, args, argnums):
    """The call's arguments with those at ``argnums`` replaced by aliases, and the flat list and
    spec of those aliases (the spec of the tuple of chosen arguments)."""
    positions = _argnums_tuple(argnums, len(args))
    args = list(args)
    for p in positions:
        args[p] = tree_map(level.alias, args[p])
    leaves, spec = flatten(tuple(args[p] for p in positions))
    return args, leaves, spec


def _pick(chosen, argnums):
    """The per-argument result: a tuple over ``argnums``, or its only item for an int."""
    return chosen if isinstance(argnums, tuple) else chosen[0]


def _split_aux(output, has_aux, caller):
    if not has_aux:
        return output, None
    if not (isinstance(output, tuple) and len(output) == 2):
        raise RuntimeError(f"{caller}: output of function f should be a tuple: (output, aux) if "
                           "has_aux is True")
    return output


def _tensor_leaves(output, caller):
    leaves, spec = flatten(output)
    for leaf in leaves:
        if not isinstance(leaf, Tensor):
            raise RuntimeError(f"{caller}: expected f(*primals) to return only tensors, got "
                               f"unsupported type {type(leaf)}")
    return leaves, spec


# --- grad ----------------------------------------------------------------------------------------
_GRAD = "grad_and_value(f)(*args)"


def grad_and_value(func, argnums=0, has_aux=False):
    """A function returning ``(gradient, value)`` of the scalar-valued ``func`` (with
    ``has_aux``: ``(gradient, (value, aux))``).

    >>> import ember
    >>> ember.func.grad_and_value(lambda x: (x ** 2).sum())(ember.tensor([1., 2.]))
    (tensor([2., 4.]), tensor(5.))
    """

    def wrapper(*args, **kwargs):
        grad_mode = is_grad_enabled()
        with _Level() as level, enable_grad():
            args, inputs, spec = _alias_arguments(level, args, argnums)
            output, aux = _split_aux(func(*args, **kwargs), has_aux, _GRAD)
            if not isinstance(output, Tensor):
                raise RuntimeError(f"{_GRAD}: Expected f(*args) to return a Tensor, got "
                                   f"{type(output)}")
            if output.dim() != 0:
                raise RuntimeError(f"{_GRAD}: Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {output.dim()} dims. Maybe you wanted to use "
                                   "the vjp or jacrev APIs instead?")
            create_graph = grad_mode and level.reaches_outside([output])
            grads = _gradients([output], inputs, [None], create_graph)
        gradient = _pick(unflatten([level.unwrap(g) for g in grads], spec), argnums)
        value = level.unwrap(output)
        if not has_aux:
            return gradient, value
        for leaf in flatten(aux)[0]:
            if not isinstance(leaf, Tensor):
                raise RuntimeError(f"Expected tensors, got unsupported type {type(leaf)}")
        return gradient, (value, tree_map(level.unwrap, aux))

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """A function returning the gradient of the scalar-valued ``func`` with respect to the
    positional arguments ``argnums`` (an int, or a tuple for a tuple of gradients); each chosen
    argument may be a tuple, list or dict of tensors, and its gradient has the same nesting.

    Arguments are differentiated whether or not they require grad; the result carries a graph
    only where something outside the call is being differentiated, so ``grad(grad(f))`` gives
    second derivatives. With ``has_aux`` ``func`` returns ``(output, aux)`` and the result is
    ``(gradient, aux)``.

    >>> import ember
    >>> ember.func.grad(ember.func.grad(lambda x: x ** 3))(ember.tensor(2.))
    tensor(12.)
    """
    with_value = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        gradient, value = with_value(*args, **kwargs)
        return (gradient, value[1]) if has_aux else gradient

    return wrapper


# --- vector products -----------------------------------------------------------------------------
_VJP = "vjp(f, *primals)"
_JVP = "jvp(f, primals, tangents)"


def vjp(func, *primals, has_aux=False):
    """``(func(*primals), vjp_fn)``: ``vjp_fn(cotangents)`` (cotangents nested like the output)
    returns the vector-Jacobian product, a tuple with one entry per primal. With ``has_aux``
    ``func`` returns ``(output, aux)`` and the result is ``(output, vjp_fn, aux)``.

    >>> import ember
    >>> out, vjp_fn = ember.func.vjp(lambda x: x ** 2, ember.tensor([1., 2.]))
    >>> vjp_fn(ember.tensor([1., 1.]))
    (tensor([2., 4.]),)
    """
    with _Level() as level, enable_grad():
        aliases = tree_map(level.alias, primals)
        output, aux = _split_aux(func(*aliases), has_aux, _VJP)
        outputs, output_spec = _tensor_leaves(output, _VJP)
    inputs, input_spec = flatten(aliases)
    outside = level.reaches_outside(outputs)

    def vjp_fn(cotangents, *, retain_graph=True, create_graph=None):
        leaves, spec = flatten(cotangents)
        if spec != output_spec:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree "
                               "structure of outputs to the function. cotangents: "
                               f"{describe(spec)}, primal output: {describe(output_spec)}")
        for i, (c, out) in enumerate(zip(leaves, outputs)):
            if not isinstance(c, Tensor):
                raise RuntimeError(f"Expected tensors, got unsupported type {type(c)}")
            if c.shape != out.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {c.shape} "
                                   f"and output[{i}] has a shape of {out.shape}.")
        if create_graph is None:
            create_graph = is_grad_enabled() and (
                outside or any(c.requires_grad for c in leaves))
        with enable_grad():
            grads = _gradients(outputs, inputs, leaves, create_graph)
        return unflatten([level.unwrap(g) for g in grads], input_spec)

    result = tree_map(level.unwrap, output)
    if has_aux:
        return result, vjp_fn, tree_map(level.unwrap, aux)
    return result, vjp_fn


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``(func(*primals), J @ tangents)``: the Jacobian-vector product (forward mode's answer).

    ember has no forward-mode engine; the product comes from the double-backward trick: for a
    dummy cotangent ``u`` the vector-Jacobian product ``J^T u`` is linear in ``u``, and its
    gradient with respect to ``u``, seeded with the tangents, is ``J @ tangents``. That costs two
    backward passes and needs ``func``'s derivatives to be differentiable again. The products
    take each output's dtype (PyTorch promotes with the tangents' dtype).

    >>> import ember
    >>> ember.func.jvp(lambda x: x ** 2, (ember.tensor([1., 2.]),), (ember.tensor([1., 0.]),))
    (tensor([1., 4.]), tensor([2., 0.]))
    """
    from .. import zeros_like

    if not isinstance(primals, tuple):
        raise RuntimeError(f"{_JVP}: Expected primals to be a tuple. E.g. it should be valid to "
                           "call f(*primals).")
    primal_leaves, primal_spec = flatten(primals)
    tangent_leaves, tangent_spec = flatten(tangents)
    if primal_spec != tangent_spec:
        raise RuntimeError(f"{_JVP}: Expected primals and tangents to have the same python "
                           "structure. For example, if primals is a tuple of 3 tensors, tangents "
                           "also must be. Got primals with structure "
                           f"{describe(primal_spec)} and tangents with structure "
                           f"{describe(tangent_spec)}")
    if not primal_leaves:
        raise RuntimeError(f"{_JVP}: Expected primals to contain at least one Tensor.")
    for what, leaves in (("primals", primal_leaves), ("tangents", tangent_leaves)):
        for leaf in leaves:
            if not isinstance(leaf, Tensor):
                raise RuntimeError(f"{_JVP}: Expected {what} to only contain Tensors, got "
                                   f"{type(leaf)}")
    for p, t in zip(primal_leaves, tangent_leaves):
        if p.shape != t.shape:
            raise RuntimeError("Trying to set a forward gradient that has a different size than "
                               "that of the original Tensor, this is not supported. Tensor is of "
                               f"size {list(p.shape)} while the given forward gradient is of "
                               f"size {list(t.shape)}.")

    grad_mode = is_grad_enabled()
    with _Level() as level, enable_grad():
        aliases = [level.alias(p) for p in primal_leaves]
        output, aux = _split_aux(func(*unflatten(aliases, primal_spec)), has_aux, _JVP)
        outputs, output_spec = _tensor_leaves(output, _JVP)
        create_graph = grad_mode and (level.reaches_outside(outputs)
                                      or any(t.requires_grad for t in tangent_leaves))
        tracked = [i for i, out in enumerate(outputs)
                   if out.requires_grad and out.is_floating_point()]
        products = [None] * len(outputs)
        if tracked:
            dummies = [level.leaf(zeros_like(outputs[i]).requires_grad_()) for i in tracked]
            backward = autograd_grad([outputs[i] for i in tracked], aliases, dummies,
                                     create_graph=True, allow_unused=True)
            pairs = [(b, t) for b, t in zip(backward, tangent_leaves)
                     if b is not None and b.requires_grad]
            if pairs:
                forward = autograd_grad([b for b, _ in pairs], dummies, [t for _, t in pairs],
                                        create_graph=create_graph, allow_unused=True)
                for i, f in zip(tracked, forward):
                    products[i] = f
    products = [zeros_like(out) if p is None else level.unwrap(p)
                for p, out in zip(products, outputs)]
    result = (tree_map(level.unwrap, output), unflatten(products, output_spec))
    return result + (tree_map(level.unwrap, aux),) if has_aux else result


# --- Jacobians -----------------------------------------------------------------------------------
def _jacobian(func, argnums, has_aux, caller, args, kwargs):
    """The Jacobian of every output leaf with respect to the chosen arguments, one backward pass
    per output element (reverse mode, whichever transform asked)."""
    from .. import stack, zeros

    grad_mode = is_grad_enabled()
    with _Level() as level, enable_grad():
        args, inputs, input_spec = _alias_arguments(level, args, argnums)
        output, aux = _split_aux(func(*args, **kwargs), has_aux, caller)
        outputs, output_spec = _tensor_leaves(output, caller)
        create_graph = grad_mode and level.reaches_outside(outputs)
        jacobians = []
        for out in outputs:
            rows = [[] for _ in inputs]
            flat = out.reshape(-1)
            for k in range(out.nelement()):
                element = flat[k]
                for row, g in zip(rows, _gradients([element], inputs, [None], create_graph)):
                    row.append(g)
            blocks = []
            for row, x in zip(rows, inputs):
                shape = tuple(out.shape) + tuple(x.shape)
                if row:
                    blocks.append(level.unwrap(stack(row).reshape(shape)))
                else:  # an output without elements
                    blocks.append(zeros(shape, dtype=x.dtype))
            jacobians.append(_pick(unflatten(blocks, input_spec), argnums))
    result = unflatten(jacobians, output_spec)
    return (result, tree_map(level.unwrap, aux)) if has_aux else result


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """A function returning the Jacobian of ``func`` with respect to the arguments ``argnums``,
    one vector-Jacobian product per output element.

    Each output leaf is replaced by its Jacobian, of shape ``output.shape + input.shape``, nested
    like the chosen argument (a tuple over ``argnums`` when that is a tuple). ``chunk_size`` is
    accepted for compatibility: ember computes one row at a time in any case.

    >>> import ember
    >>> ember.func.jacrev(lambda x: x.sin())(ember.tensor([0., 0.]))
    tensor([[1., 0.],
            [0., 1.]])
    """
    if chunk_size is not None and not chunk_size > 0:
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    def wrapper(*args, **kwargs):
        return _jacobian(func, argnums, has_aux, _VJP, args, kwargs)

    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """A function returning the Jacobian of ``func`` with respect to the arguments ``argnums``,
    nested as ``jacrev`` nests it.

    ember has no forward-mode engine: the values are computed in reverse mode, one
    vector-Jacobian product per output element, and equal PyTorch's forward-mode Jacobian.
    ``randomness`` is checked and otherwise ignored (it matters to PyTorch's vmap).

    >>> import ember
    >>> ember.func.jacfwd(lambda x: x ** 2)(ember.tensor([1., 3.]))
    tensor([[2., 0.],
            [0., 6.]])
    """
    _check_randomness(randomness)

    def wrapper(*args, **kwargs):
        return _jacobian(func, argnums, has_aux, _JVP, args, kwargs)

    return wrapper


def hessian(func, argnums=0):
    """A function returning the Hessian of the scalar-valued ``func``: ``jacfwd(jacrev(func))``.

    >>> import ember
    >>> ember.func.hessian(lambda x: (x ** 3).sum())(ember.tensor([1., 2.]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)
