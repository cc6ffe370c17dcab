"""Matrix products. ``matmul`` composes rows exactly where PyTorch composes them."""

from __future__ import annotations

from ..backend import xp
from . import formula as F
from . import shape as S
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


def matmul(a, b):
    """PyTorch's matmul: dot, mv, mm, or a broadcast batched product, by the inputs' dims."""
    da, db = a.ndim, b.ndim
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{da}D and {db}D")
    if da == 2 and db == 2:
        check_mm(a, b)
        return mm(a, b)
    if da == 1 and db == 1:
        if a.shape[0] != b.shape[0]:
            raise RuntimeError(
                "inconsistent tensor size, expected tensor [%d] and src [%d] to have the same "
                "number of elements, but got %d and %d elements respectively"
                % (a.shape[0], b.shape[0], a.shape[0], b.shape[0]))
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
