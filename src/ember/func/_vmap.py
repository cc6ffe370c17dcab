"""vmap: map a function over a dimension of its inputs, by calling it once per index.

PyTorch runs ``func`` once on batched tensors through per-op batching rules; ember has none, so
``vmap`` slices every mapped input, calls ``func`` on each slice and stacks the results. The
values are the same, the cost is one Python call of ``func`` per batch element. Because the
slices are ordinary views and the results are stacked with ``stack``, vmap composes with the
transforms in ``_autodiff`` and with itself.
"""

from __future__ import annotations

import functools

from .._creation import default_generator
from .._tensor import Tensor
from ._autodiff import _check_randomness
from ._tree import _children, broadcast_prefix, describe, flatten, unflatten

__all__ = ["vmap"]

_RANDOM_ERROR = ("vmap: called random operation while in randomness error mode. Please either "
                 "use the 'same' or 'different' randomness flags on vmap or perform the "
                 "randomness operation out of vmap")


def _name(func):
    if isinstance(func, functools.partial):
        return f"functools.partial({_name(func.func)}, ...)"
    return getattr(func, "__name__", repr(func))


def _is_dim(value):
    return _children(value) is None


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """``func`` mapped over dimension ``in_dims`` of its inputs, the results stacked along
    ``out_dims``.

    ``in_dims`` is an int for every input, or a tuple with one entry per positional argument
    (an int, None for an argument passed whole, or a nested tuple/list/dict matching that
    argument); keyword arguments are passed whole. ``out_dims`` is an int or one entry per output.
    ``func`` may return a tensor or a tuple, list or dict of them.

    Unlike PyTorch, ember calls ``func`` once per batch element and stacks the results: the same
    values, with a Python call per element instead of one batched call (``chunk_size`` is
    accepted and changes nothing). With ``randomness='error'`` a draw from the default generator
    inside ``func`` raises PyTorch's error (draws from an explicit ``generator`` go unnoticed);
    ``'same'`` replays the same draws for every element, ``'different'`` lets them differ.
    ``.item()`` and data-dependent control flow work here, where PyTorch refuses them. An
    output given ``out_dims=None`` must come out equal for every element: ember compares the
    values, where PyTorch knows whether the output depends on the mapped inputs.

    >>> import ember
    >>> ember.func.vmap(lambda a, b: a @ b)(ember.ones(3, 2), ember.ones(3, 2))
    tensor([2., 2., 2.])
    """
    _check_randomness(randomness)
    if chunk_size is not None and not chunk_size > 0:
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return _vmap_call(func, in_dims, out_dims, randomness, args, kwargs)

    return wrapped


def _mapped_inputs(func, in_dims, args):
    """The flat inputs, their spec, and ``[(position, dim)]`` for the mapped ones."""
    name = _name(func)
    if not args:
        raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add "
                         "inputs, or you are trying to vmap over a function with no inputs. The "
                         "latter is unsupported.")
    where = f"vmap({name}, in_dims={in_dims}, ...)(<inputs>)"
    if not (isinstance(in_dims, int) or type(in_dims) is tuple):
        raise ValueError(f"{where}: expected `in_dims` to be int or a (potentially nested) tuple "
                         f"matching the structure of inputs, got: {type(in_dims)}.")
    leaves, spec = flatten(args)
    dims = broadcast_prefix(in_dims, args, _is_dim)
    if dims is None:
        raise ValueError(f"{where}: in_dims is not compatible with the structure of `inputs`. "
                         f"in_dims has structure {describe(flatten(in_dims)[1])} but inputs has "
                         f"structure {describe(spec)}.")
    mapped = []
    for i, (leaf, dim) in enumerate(zip(leaves, dims)):
        if dim is None:
            continue
        if not isinstance(dim, int):
            raise ValueError(f"{where}: Got in_dim={dim} for an input but in_dim must be either "
                             "an integer dimension or None.")
        if not isinstance(leaf, Tensor):
            raise ValueError(f"{where}: Got in_dim={dim} for an input but the input is of type "
                             f"{type(leaf)}. We cannot vmap over non-Tensor arguments, please use "
                             "None as the respective in_dim")
        n = leaf.dim()
        if not -n <= dim < n:
            raise ValueError(f"{where}: Got in_dim={dim} for some input, but that input is a "
                             f"Tensor of dimensionality {n} so expected in_dim to satisfy "
                             f"-{n} <= in_dim < {n}.")
        mapped.append((i, dim % n))
    if not mapped:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    sizes = [leaves[i].shape[dim] for i, dim in mapped]
    if any(size != sizes[0] for size in sizes):
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    return leaves, spec, mapped, sizes[0]


def _vmap_call(func, in_dims, out_dims, randomness, args, kwargs):
    leaves, spec, mapped, batch_size = _mapped_inputs(func, in_dims, args)
    generator = default_generator
    rng = generator.rng
    start_state = rng.bit_generator.state
    results = []
    # A batch of size 0 still calls func once, on zeros, to learn the outputs' shapes.
    for index in range(max(batch_size, 1)):
        call_leaves = list(leaves)
        for i, dim in mapped:
            x = leaves[i]
            if batch_size:
                call_leaves[i] = x.select(dim, index)
            else:
                call_leaves[i] = x.new_zeros(x.shape[:dim] + x.shape[dim + 1:])
        if randomness == "same" and index:
            generator.set_state(start_state)
        results.append(func(*unflatten(call_leaves, spec), **kwargs))
        if randomness == "error" and (generator.rng is not rng
                                      or rng.bit_generator.state != start_state):
            generator.rng = rng
            rng.bit_generator.state = start_state
            raise RuntimeError(_RANDOM_ERROR)
    return _stack_outputs(func, out_dims, results, batch_size)


def _stack_outputs(func, out_dims, results, batch_size):
    name = _name(func)
    out_leaves, out_spec = flatten(results[0])
    per_leaf = [flatten(r)[0] for r in results]
    dim_leaves = flatten(out_dims)[0]
    if not all(d is None or (isinstance(d, int) and not isinstance(d, bool))
               for d in dim_leaves):
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims}): `out_dims` must be an int, "
                         "None or a python collection of ints representing where in the outputs "
                         "the vmapped dimension should appear.")
    if isinstance(out_dims, tuple) and len(out_dims) == 1 and _children(results[0]) is None:
        out_dims = out_dims[0]  # PyTorch accepts (d,) for a single output
    dims = broadcast_prefix(out_dims, results[0], _is_dim)
    if dims is None:
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
                         "compatible with the structure of `outputs`. out_dims has structure "
                         f"{describe(flatten(out_dims)[1])} but outputs has structure "
                         f"{describe(out_spec)}.")
    stacked = []
    for j, dim in enumerate(dims):
        values = [leaves[j] for leaves in per_leaf]
        first = values[0]
        if dim is None:
            if isinstance(first, Tensor) and not all(
                    v is first or (v.shape == first.shape and bool((v == first).all()))
                    for v in values[1:]):
                raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor "
                                 "when out_dim is None")
            stacked.append(first)
            continue
        if not isinstance(first, Tensor):
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                             f"{type(first)}. Did you mean to set out_dims= to None for output?")
        stacked.append(_stack(values, dim, batch_size))
    return unflatten(stacked, out_spec)


def _stack(values, dim, batch_size):
    from .. import stack

    n = values[0].dim() + 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    if batch_size:
        return stack(values, dim)
    shape = list(values[0].shape)
    shape.insert(dim % n, 0)
    return values[0].new_zeros(shape)
