"""Matrix products. ``matmul`` composes rows exactly where PyTorch composes them."""

from __future__ import annotations

from ..backend import xp
from . import formula as F
from . import shape as S
from ..autograd import anomaly_mode
from .op import defop

mm = defop(
    "MmBackward0", inputs="self mat2", promote="binary",
    forward=lambda self, mat2: self @ mat2,
    self=lambda grad, mat2: grad @ F.mT(mat2),
    mat2=lambda grad, self: F.mT(self) @ grad,
)
bmm = defop(
    "BmmBackward0", inputs="self mat2", promote="binary",
    forward=lambda self, mat2: self @ mat2,
    self=lambda grad, mat2: grad @ F.mT(mat2),
    mat2=lambda grad, self: F.mT(self) @ grad,
)
dot = defop(
    "DotBackward0", inputs="self tensor", promote="binary",
    forward=lambda self, tensor: xp.dot(self, tensor),
    self=lambda grad, tensor: grad * tensor,
    tensor=lambda grad, self: grad * self,
)
mv = defop(
    "MvBackward0", inputs="self vec", promote="binary",
    forward=lambda self, vec: self @ vec,
    self=lambda grad, vec: F.outer(grad, vec),
    vec=lambda grad, self: F.mT(self) @ grad,
)


def _shape_text(shape):
    return "x".join(str(s) for s in shape)


def check_mm(a, b):
    if a.ndim != 2 or b.ndim != 2:
        raise RuntimeError(f"{'self' if a.ndim != 2 else 'mat2'} must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                           f"({_shape_text(a.shape)} and {_shape_text(b.shape)})")


def _kind(t):
    return t.dtype._legacy[:-6]


def dtype_mismatch(a, b):
    """PyTorch's error for a product of two dtypes, worded as the kernel each form reaches,
    with ember's hint when float64 data meets float32 parameters."""
    error = _dtype_mismatch(a, b)
    hint = anomaly_mode.dtype_mismatch_hint(a.dtype, b.dtype)
    return RuntimeError(str(error) + hint) if hint else error


def _dtype_mismatch(a, b):
    da, db = a.ndim, b.ndim
    if da == 1 and db == 1:
        return RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                            f"{_kind(a)} and {_kind(b)}")
    if db == 1 and da == 2:
        return RuntimeError(f"addmv input tensors must have the same dtype, but got {_kind(b)}, "
                            f"{_kind(a)}, and {_kind(b)}")
    if db <= 2:
        return RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                            f"{a.dtype._c_name} != {b.dtype._c_name}")
    return RuntimeError(f"expected scalar type {_kind(a)} but found {_kind(b)}")


def matmul(a, b):
    """PyTorch's matmul: dot, mv, mm, or a broadcast batched product, by the inputs' dims."""
    da, db = a.ndim, b.ndim
    if a._data.dtype != b._data.dtype:
        raise dtype_mismatch(a, b)
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{da}D and {db}D")
    if da == 2 and db == 2:
        check_mm(a, b)
        return mm(a, b)
    if da == 1 and db == 1:
        if a.shape[0] != b.shape[0]:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] "
                f"to have the same number of elements, but got {a.shape[0]} and {b.shape[0]} "
                "elements respectively")
        return dot(a, b)
    if da == 2 and db == 1:
        if a.shape[1] != b.shape[0]:
            raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat "
                               f"({_shape_text(a.shape)}), vec ({b.shape[0]})")
        return mv(a, b)
    if da == 1 and db == 2:
        check_mm(S.unsqueeze(a, 0), b)
        return S.squeeze_dims(mm(S.unsqueeze(a, 0), b), (0,))
    if db <= 2 and da >= 3:
        # Fold the batch into the rows of one mm, as PyTorch does.
        if db == 1:
            folded = S.view(a, (-1, a.shape[-1]))
            check_mm(folded, S.unsqueeze(b, 1))
            return S.squeeze_dims(S.unsafe_view(mm(folded, S.unsqueeze(b, 1)),
                                                a.shape[:-1] + (1,)), (da - 1,))
        folded = S.view(a, (-1, a.shape[-1]))
        check_mm(folded, b)
        return S.unsafe_view(mm(folded, b), a.shape[:-1] + (b.shape[-1],))
    return _batched(a, b)


def _batched(a, b):
    squeeze_front = a.ndim == 1
    squeeze_back = b.ndim == 1
    if squeeze_front:
        a = S.unsqueeze(a, 0)
    if squeeze_back:
        b = S.unsqueeze(b, 1)
    if a.shape[-1] != b.shape[-2]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{_prod(a.shape[:-2])}, {a.shape[-1]}] but got: "
            f"[{_prod(b.shape[:-2])}, {b.shape[-2]}].")
    try:
        batch = xp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({a.shape[0]}) must match the size of tensor b "
            f"({b.shape[0]}) at non-singleton dimension 0") from None
    n, k, m = a.shape[-2], a.shape[-1], b.shape[-1]
    count = _prod(batch)
    if a.shape[:-2] != batch:
        a = S.expand(a, batch + (n, k))
    if b.shape[:-2] != batch:
        b = S.expand(b, batch + (k, m))
    if a.ndim != 3:
        a = S.view(a, (count, n, k)) if a._data.flags.c_contiguous else S.unsafe_view(
            S.clone(a), (count, n, k))
    if b.ndim != 3:
        b = S.view(b, (count, k, m)) if b._data.flags.c_contiguous else S.unsafe_view(
            S.clone(b), (count, k, m))
    out = bmm(a, b)
    if len(batch) != 1:
        out = S.unsafe_view(out, batch + (n, m))
    if squeeze_back:
        out = S.squeeze_dims(out, (out.ndim - 1,))
    if squeeze_front:
        out = S.squeeze_dims(out, (out.ndim - 2,))
    return out


def _prod(shape):
    count = 1
    for s in shape:
        count *= s
    return count


# --- products with an added term ------------------------------------------------------------------
def _scaled(x, factor):
    return x if factor == 1 else x * factor


addmm = defop(
    "AddmmBackward0", inputs="self mat1 mat2", promote="binary", broadcast=True,
    forward=lambda self, mat1, mat2, beta=1, alpha=1: _scaled(self, beta) + _scaled(
        mat1 @ mat2, alpha) if beta != 0 else _scaled(mat1 @ mat2, alpha),
    self=lambda grad, beta: _scaled(grad, beta),
    mat1=lambda grad, mat2, alpha: _scaled(grad @ F.mT(mat2), alpha),
    mat2=lambda grad, mat1, alpha: _scaled(F.mT(mat1) @ grad, alpha),
)
baddbmm = defop(
    "BaddbmmBackward0", inputs="self batch1 batch2", promote="binary", broadcast=True,
    forward=lambda self, batch1, batch2, beta=1, alpha=1: _scaled(self, beta) + _scaled(
        batch1 @ batch2, alpha) if beta != 0 else _scaled(batch1 @ batch2, alpha),
    self=lambda grad, beta: _scaled(grad, beta),
    batch1=lambda grad, batch2, alpha: _scaled(grad @ F.mT(batch2), alpha),
    batch2=lambda grad, batch1, alpha: _scaled(F.mT(batch1) @ grad, alpha),
)


# --- einsum ---------------------------------------------------------------------------------------
# An equation is kept as (input subscripts, output subscripts), each a string of letters (the
# public function has already spelled out '...' and an implicit output). Rows take one or two
# operands; longer equations are contracted pairwise by the public function.
def _spec(equation):
    inputs, output = equation
    return ",".join(inputs) + "->" + output


def _contract(spec, operands):
    """einsum on arrays, or (recorded) on Tensors when any operand is one."""
    if any(F.is_tensor(o) for o in operands):
        from .._api.linalg import einsum as tensor_einsum
        from .._tensor import Tensor

        return tensor_einsum(spec, *[o if F.is_tensor(o) else Tensor._make(o) for o in operands])
    return xp.einsum(spec, *operands)


def _diagonal_mask(target, sizes, dtype):
    """1 where every repeated letter of ``target`` indexes the same position, else 0."""
    shape = tuple(sizes[c] for c in target)
    grids = xp.indices(shape, sparse=True)
    mask = xp.ones(shape, dtype=dtype)
    for c in set(target):
        positions = [i for i, d in enumerate(target) if d == c]
        for p in positions[1:]:
            mask = mask * (grids[positions[0]] == grids[p])
    return mask


def _operand_grad(grad, shape, others, equation, index):
    """The gradient of operand ``index``: the contraction of the gradient with the other operands
    onto this operand's letters. Letters summed away by the forward come back by broadcasting;
    a letter repeated inside the operand (a diagonal) is spread back with an identity mask."""
    inputs, output = equation
    target = inputs[index]
    other_subs = [s for i, s in enumerate(inputs) if i != index]
    letters = "".join(dict.fromkeys(target))
    known = set(output).union(*other_subs)
    kept = "".join(c for c in letters if c in known)
    g = _contract(",".join([output] + other_subs) + "->" + kept, [grad] + others)
    sizes = dict(zip(target, shape))
    g = g.reshape(tuple(sizes[c] if c in kept else 1 for c in letters))
    g = F.expand(g, tuple(sizes[c] for c in letters))
    if len(letters) != len(target):
        # Spread over the diagonal: repeated letters get fresh names, and a mask keeps the
        # positions where all the copies of a letter agree.
        spare = (c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in target)
        renamed = "".join(c if target.index(c) == i else next(spare)
                          for i, c in enumerate(target))
        mask = _diagonal_mask(target, sizes, F.detached(grad).dtype)
        g = _contract(letters + "," + renamed + "->" + renamed, [g, mask])
    return g


einsum_one = defop(
    "EinsumBackward0",
    forward=lambda self, equation: xp.einsum(_spec(equation), self),
    self=lambda grad, self_shape, equation: _operand_grad(grad, self_shape, [], equation, 0),
)
einsum_two = defop(
    "EinsumBackward0", inputs="self other", promote="binary",
    forward=lambda self, other, equation: xp.einsum(_spec(equation), self, other),
    self=lambda grad, other, self_shape, equation: _operand_grad(grad, self_shape, [other],
                                                                 equation, 0),
    other=lambda grad, self, other_shape, equation: _operand_grad(grad, other_shape, [self],
                                                                  equation, 1),
)


# --- inverse, determinant, solve ------------------------------------------------------------------
class LinAlgError(RuntimeError):
    """A singular matrix: PyTorch's torch.linalg.LinAlgError (a RuntimeError)."""


def _inv_forward(self, name="linalg.inv"):
    """The inverse; a singular matrix raises PyTorch's error worded for ``name``, or with
    ``name=None`` (inv_ex) gives the infinities and nans of the elimination."""
    try:
        return xp.linalg.inv(self)
    except xp.linalg.LinAlgError:
        from .decompositions import lu_factor_arrays, lu_solve

        packed, pivots, info = lu_factor_arrays(self)
        if name is None:
            eye = xp.broadcast_to(xp.eye(self.shape[-1], dtype=self.dtype), self.shape)
            with xp.errstate(all="ignore"):
                return lu_solve.forward(packed, eye, pivots, True, False)
        flat = info.reshape(-1)
        index = int(xp.argmax(flat != 0))
        where = f"(Batch element {index}): " if info.ndim else ""
        raise LinAlgError(f"{name}: {where}The diagonal element {flat[index]} is zero, the "
                          "inversion could not be completed because the input matrix is "
                          "singular.") from None


inv = defop(
    "LinalgInvExBackward0", forward=_inv_forward,
    self=lambda grad, result: -(F.mT(result) @ grad @ F.mT(result)),
)


def _det_grad(grad, self, result):
    unsqueezed = F.unsqueeze_dims(F.unsqueeze_dims(grad * result, (len(result.shape),),
                                                   len(result.shape) + 1),
                                  (len(result.shape) + 1,), len(result.shape) + 2)
    return unsqueezed * F.mT(inv.on(self))


det = defop("LinalgDetBackward0", forward=xp.linalg.det, self=_det_grad)


def _solve(A, B, vector):
    try:
        if vector:
            return xp.linalg.solve(A, B[..., None])[..., 0]
        return xp.linalg.solve(A, B)
    except xp.linalg.LinAlgError:  # (a ValueError, which the row would word as a broadcast)
        raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is "
                          "singular.") from None


def _solve_A(grad, A, result, vector):
    gB = solve.on(F.mT(A), grad, vector)
    if vector:
        return -(gB.reshape(gB.shape + (1,)) * result.reshape(result.shape[:-1] + (1,) +
                                                              result.shape[-1:]))
    return -(gB @ F.mT(result))


solve = defop(
    "LinalgSolveExBackward0", inputs="A B", promote="binary", broadcast=True, forward=_solve,
    A=_solve_A,
    B=lambda grad, A, vector: solve.on(F.mT(A), grad, vector),
)
