"""In-place arithmetic with no graph to record writes straight into the array; it must give
exactly what the general path (and PyTorch) gives, bump versions, and fall back where needed."""

import numpy as np
import pytest

import ember
from oracle import assert_close, require_torch

PROGRAMS = [
    "p.add_(g, alpha=-0.1)", "p.sub_(g)", "p.sub_(2.5, alpha=2)", "p.mul_(0.9)", "p.mul_(g)",
    "p.div_(g.abs() + 1)", "p.addcmul_(g, g, value=0.5)", "p.addcdiv_(g, g.abs() + 1, value=-2)",
    "p.lerp_(g, 0.25)", "p.add_(row)", "p.mul_(row)", "p.add_(g.double())", "p.add_(1)",
    "q.add_(2)", "q.mul_(3)", "q.add_(q)",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_untracked_inplace_matches_torch(program):
    torch = require_torch()
    rng = np.random.default_rng(0)
    p0 = rng.standard_normal((3, 4)).astype(np.float32)
    g0 = rng.standard_normal((3, 4)).astype(np.float32)
    row0 = rng.standard_normal(4).astype(np.float32)
    results = {}
    for lib in (ember, torch):
        p = lib.tensor(p0, requires_grad=True)
        scope = {"p": p, "g": lib.tensor(g0), "row": lib.tensor(row0),
                 "q": lib.tensor([[1, 2], [3, 4]])}
        before = p._version
        with lib.no_grad():
            exec(program, scope)
        results[lib] = (p.detach().clone(), scope["q"].clone(), p._version - before)
    assert_close(results[ember][0], results[torch][0])
    assert results[ember][1].tolist() == results[torch][1].tolist()
    assert results[ember][2] == results[torch][2] == (1 if program.startswith("p.") else 0)


def test_untracked_write_is_seen_by_views_and_saved_checks():
    w = ember.ones(4, requires_grad=True)
    view = w.detach()[1:3]
    loss = (w * w).sum()
    with ember.no_grad():
        w.add_(1)
    assert view.tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_tracked_inplace_still_records():
    x = ember.ones(3, requires_grad=True)
    y = x * 2
    y.add_(x, alpha=3)
    y.sum().backward()
    assert type(y.grad_fn).__name__ == "AddBackward0"
    assert x.grad.tolist() == [5.0, 5.0, 5.0]


def test_fill_and_zero_in_a_graph_match_torch():
    """fill_/zero_ on a tensor in a graph record FillBackward2/3 and ZeroBackward0 (the old values
    get no gradient); on a view of one they rebase it (CopySlices), as PyTorch does."""
    torch = require_torch()
    results = []
    for lib in (ember, torch):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        y.fill_(3.0)
        z = x * 2
        z.zero_()
        w = x * 2
        w[0].fill_(5.0)
        v = x * 3
        v.fill_(lib.tensor(7.0))
        names = [type(t.grad_fn).__name__ for t in (y, z, w, v)]
        (y.sum() + z.sum() + (w * w).sum() + v.sum()).backward()
        results.append((names, [t.tolist() for t in (y, z, w, v)], x.grad.tolist()))
    assert results[0] == results[1]


def test_copy_of_a_number_fills():
    torch = require_torch()
    got = ember.ones(2, dtype=ember.int64).copy_(2.7)
    want = torch.ones(2, dtype=torch.int64).copy_(2.7)
    assert got.tolist() == want.tolist() and str(got.dtype) == str(want.dtype)
