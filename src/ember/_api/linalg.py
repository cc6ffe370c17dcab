"""Matrix products and linear algebra. Public functions, each also a Tensor method."""

from __future__ import annotations

import numpy as np

from ..ops import linalg as L
from . import public, tensor_arg
from .reduction import vector_norm


def _shape_text(shape):
    return "x".join(str(s) for s in shape)


# --- products -------------------------------------------------------------------------------------
@public()
def matmul(input, other):  # noqa: A002
    """The matrix product, by the inputs' dims: dot, mv, mm, or a broadcast batched product.

    >>> (ember.ones(2, 3, 4) @ ember.ones(4)).shape
    torch.Size([2, 3])
    """
    tensor_arg(input, "input", "matmul")
    tensor_arg(other, "other", "matmul")
    return L.matmul(input, other)


def _same_dtype(first, second):
    if first.dtype is not second.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{first.dtype._c_name} != {second.dtype._c_name}")


@public()
def mm(input, mat2):  # noqa: A002
    """The product of two matrices.

    >>> ember.mm(ember.ones(2, 3), ember.ones(3, 4)).shape
    torch.Size([2, 4])
    """
    L.check_mm(input, mat2)
    _same_dtype(input, mat2)
    return L.mm(input, mat2)


@public()
def dot(input, tensor):  # noqa: A002
    """The inner product of two 1-D tensors.

    >>> ember.dot(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor(11.)
    """
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D "
                           "tensors")
    if input.dtype is not tensor.dtype:
        raise RuntimeError("dot : expected both vectors to have same dtype, but found "
                           f"{input.dtype._legacy[:-6]} and {tensor.dtype._legacy[:-6]}")
    return L.matmul(input, tensor)


@public()
def mv(input, vec):  # noqa: A002
    """The product of a matrix and a vector."""
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    return L.matmul(input, vec)


@public()
def bmm(input, mat2):  # noqa: A002
    """Batched matrix product of two 3-D tensors (no broadcasting)."""
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor" if input.ndim != 3
                           else "batch2 must be a 3D tensor")
    if input.dtype is not mat2.dtype:
        raise L.dtype_mismatch(input, mat2)
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
    return L.bmm(input, mat2)


@public("ger")
def outer(input, vec2):  # noqa: A002
    """The outer product of two vectors: ``input[:, None] * vec2`` (PyTorch's own composition).

    >>> ember.outer(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor([[3., 4.],
            [6., 8.]])
    """
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {input.ndim}-D"
                           if input.ndim != 1 else
                           f"outer: Expected 1-D argument vec2, but got {vec2.ndim}-D")
    return input.reshape(-1, 1) * vec2


@public(inplace=True)
def addmm(input, mat1, mat2, *, beta=1, alpha=1):  # noqa: A002
    """``beta * input + alpha * (mat1 @ mat2)``; ``input`` broadcasts.

    >>> ember.addmm(ember.zeros(2), ember.ones(2, 3), ember.ones(3, 2))
    tensor([[3., 3.],
            [3., 3.]])
    """
    if mat1.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"{'mat1' if mat1.ndim != 2 else 'mat2'} must be a matrix, got "
                           f"{mat1.ndim if mat1.ndim != 2 else mat2.ndim}-D tensor")
    L.check_mm(mat1, mat2)
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{input.dtype._legacy[:-6]} and {mat2.dtype._legacy[:-6]}")
    _same_dtype(mat1, mat2)
    out_shape = (mat1.shape[0], mat2.shape[1])
    if np.broadcast_shapes(input.shape, out_shape) != out_shape:
        raise RuntimeError(f"The expanded size of the tensor ({out_shape[-1]}) must match the "
                           f"existing size ({input.shape[-1]}) at non-singleton dimension 1.  "
                           f"Target sizes: {list(out_shape)}.  Tensor sizes: {list(input.shape)}")
    return L.addmm(input, mat1, mat2, beta, alpha)


@public(inplace=True)
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    """``beta * input + alpha * (batch1 @ batch2)`` for batches of matrices."""
    bmm(batch1, batch2)  # (shape checks only; the row recomputes the product)
    return L.baddbmm(input, batch1, batch2, beta, alpha)


# --- einsum and tensordot -------------------------------------------------------------------------
_SPARE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _parse_einsum(equation, operands):
    """Spell out '...' with spare letters and an implicit output: (inputs, output) subscripts."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(operands) > len(inputs) else
                           "einsum(): fewer operands were provided than specified in the equation")
    ellipsis = 0
    for subs, op in zip(inputs, operands):
        if "..." in subs:
            ellipsis = max(ellipsis, op.ndim - (len(subs) - 3))
    spare = _SPARE[:ellipsis]
    spelled = []
    for subs, op in zip(inputs, operands):
        if "..." in subs:
            count = op.ndim - (len(subs) - 3)
            subs = subs.replace("...", spare[ellipsis - count:])
        if len(subs) != op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(subs)}) "
                               f"does not match the number of dimensions ({op.ndim}) for operand "
                               f"{len(spelled)} and no ellipsis was given")
        spelled.append(subs)
    if arrow:
        output = rhs.replace("...", spare)
    else:
        counts = {}
        for subs in spelled:
            for c in subs:
                counts[c] = counts.get(c, 0) + 1
        output = spare + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in spare))
    return spelled, output


@public(method=False)
def einsum(equation, *operands):
    """Einstein summation: ``einsum('ij,jk->ik', a, b)`` is ``a @ b``.

    >>> ember.einsum("i,i->", ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor(11.)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    inputs, output = _parse_einsum(equation, operands)
    for op in operands[1:]:
        if op.dtype is not operands[0].dtype:
            raise L.dtype_mismatch(operands[0], op.reshape(1, 1, -1))
    if len(operands) == 1:
        return L.einsum_one(operands[0], ((inputs[0],), output))
    # Contract left to right, keeping the letters that later operands or the output still need.
    current, current_subs = operands[0], inputs[0]
    for i in range(1, len(operands)):
        later = set(output).union(*inputs[i + 1:])
        letters = dict.fromkeys(current_subs + inputs[i])
        keep = output if i == len(operands) - 1 else "".join(c for c in letters if c in later)
        current = L.einsum_two(current, operands[i], ((current_subs, inputs[i]), keep))
        current_subs = keep
    return current


@public(method=False)
def tensordot(a, b, dims=2):
    """Contract the last ``dims`` dims of ``a`` with the first of ``b`` (or the listed dims).

    >>> ember.tensordot(ember.ones(2, 3), ember.ones(3, 4), dims=1).shape
    torch.Size([2, 4])
    """
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a = list(range(a.ndim - dims, a.ndim))
        dims_b = list(range(dims))
    else:
        dims_a, dims_b = (list(d) if isinstance(d, (list, tuple)) else [d] for d in dims)
    dims_a = [d % a.ndim for d in dims_a]
    dims_b = [d % b.ndim for d in dims_b]
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[da]} in dim {da} and second has size {b.shape[db]} in "
                               f"dim {db}")
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    size = int(np.prod([a.shape[d] for d in dims_a]))
    left = a.permute(free_a + dims_a).reshape(-1, size)
    right = b.permute(dims_b + free_b).reshape(size, -1)
    return (left @ right).reshape([a.shape[d] for d in free_a] + [b.shape[d] for d in free_b])


# --- inverse, determinant, solve ------------------------------------------------------------------
def _check_square(name, A):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if not A.is_floating_point():
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {A.dtype._legacy[:-6]}")


LinAlgError = L.LinAlgError


def inv(A):
    """The inverse of a square matrix (or a batch of them).

    >>> ember.linalg.inv(ember.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    _check_square("linalg.inv", A)
    return L.inv(A)


@public()
def inverse(input):  # noqa: A002
    """``ember.linalg.inv(input)``."""
    return inv(input)


@public()
def det(A):
    """The determinant of a square matrix (or of each in a batch).

    >>> ember.linalg.det(ember.tensor([[2., 0.], [1., 4.]]))
    tensor(8.)
    """
    _check_square("linalg.det", A)
    return L.det(A)


def solve(A, B, *, left=True):
    """The ``X`` with ``A @ X = B``; ``B`` is a vector or a (batch of) matrices.

    >>> ember.linalg.solve(ember.tensor([[2., 0.], [0., 4.]]), ember.tensor([2., 4.]))
    tensor([1., 1.])
    """
    if not left:
        return solve(A.mT, B.mT).mT
    _check_square("linalg.solve", A)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    if A.dtype is not B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found "
                           f"A of type {A.dtype._c_name.title()} and B of type "
                           f"{B.dtype._c_name.title()} instead")
    return L.solve(A, B, vector)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """A vector norm (``ord`` a number, or None: the 2-norm of all elements) or, with a matrix
    ``ord`` ('fro', 'nuc', 2, -2, 1, -1, inf, -inf), a matrix norm.

    >>> ember.linalg.norm(ember.tensor([[3., 4.]]))
    tensor(5.)
    """
    if dtype is not None:
        A = A.to(dtype)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim)
    if isinstance(ord, str) or (dim is not None and not isinstance(dim, int)
                                and len(dim) == 2) or (dim is None and A.ndim == 2):
        return matrix_norm(A, ord, (-2, -1) if dim is None else dim, keepdim)
    return vector_norm(A, ord, dim, keepdim)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):  # noqa: A002
    """'fro' (the 2-norm of the entries), the max column (1) / row (inf) absolute sum, the
    largest (2) or smallest (-2) singular value, or their sum ('nuc')."""
    if dtype is not None:
        A = A.to(dtype)
    if ord == "fro":
        return vector_norm(A, 2, dim, keepdim)
    if ord in (1, -1, float("inf"), -float("inf")):
        d0, d1 = (d % A.ndim for d in dim)
        if ord in (float("inf"), -float("inf")):
            d0, d1 = d1, d0
        sums = A.abs().sum(d0, keepdim=True)
        out = sums.amax(d1, keepdim=True) if ord > 0 else sums.amin(d1, keepdim=True)
        return out if keepdim else out.squeeze((d0, d1))
    if ord in (2, -2, "nuc"):
        if not A.is_floating_point():
            raise RuntimeError("linalg.matrix_norm: Expected a floating point or complex tensor "
                               f"as input. Got {A.dtype._legacy[:-6]}")
        d0, d1 = (d % A.ndim for d in dim)
        return singular_norm(A, ord, d0, d1, keepdim)
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


# --- composed products and distances (their graphs are the compositions) -------------------------
@public()
def cross(input, other, dim=None):  # noqa: A002
    """The cross product of 3-vectors along ``dim`` (default: the first dim of size 3, which
    PyTorch deprecates).

    >>> ember.cross(ember.tensor([1., 0., 0.]), ember.tensor([0., 1., 0.]), dim=0)
    tensor([0., 0., 1.])
    """
    if dim is None:
        import warnings

        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\n"
                      "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
                      "The default value of dim will change to agree with that of linalg.cross "
                      "in a future release.", UserWarning, stacklevel=2)
        dim = next((d for d, s in enumerate(np.broadcast_shapes(input.shape, other.shape))
                    if s == 3), -1)
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")
    from ..ops.decompositions import linalg_cross

    return linalg_cross(input, other, dim)


@public()
def kron(input, other):  # noqa: A002
    """The Kronecker product: every element of ``input`` times the whole of ``other``.

    >>> ember.kron(ember.eye(2), ember.ones(1, 2))
    tensor([[1., 1., 0., 0.],
            [0., 0., 1., 1.]])
    """
    ndim = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (ndim - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (ndim - other.ndim) + tuple(other.shape))
    # a's dims interleaved with b's: (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...)
    spread_a = a.reshape(tuple(s for d in a.shape for s in (d, 1)))
    spread_b = b.reshape(tuple(s for d in b.shape for s in (1, d)))
    return (spread_a * spread_b).reshape(tuple(x * y for x, y in zip(a.shape, b.shape)))


@public()
def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distance between each row of ``x1`` and each row of ``x2`` (batched)."""
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X{1 if x1.ndim < 2 else 2} "
                           f"got: {(x1 if x1.ndim < 2 else x2).ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} "
                           f"X2: {x2.shape[-1]}")
    differences = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return vector_norm(differences, p, dim=-1)


@public()
def dist(input, other, p=2):  # noqa: A002
    """The p-norm of ``input - other``. >>> ember.dist(ember.zeros(2), ember.ones(2))"""
    return vector_norm(input - other, p)


@public()
def addmv(input, mat, vec, *, beta=1, alpha=1):  # noqa: A002
    """``beta * input + alpha * (mat @ vec)``."""
    product = matmul(mat, vec)
    product = product if alpha == 1 else product * alpha
    return product + (input if beta == 1 else input * beta) if beta != 0 else product


@public()
def addr(input, vec1, vec2, *, beta=1, alpha=1):  # noqa: A002
    """``beta * input + alpha * outer(vec1, vec2)``."""
    product = outer(vec1, vec2)
    product = product if alpha == 1 else product * alpha
    return product + (input if beta == 1 else input * beta) if beta != 0 else product


from .decompositions import singular_norm  # noqa: E402  (registers the decompositions)
