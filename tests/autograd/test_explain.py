"""autograd.explain and autograd.memory_report against the engine, PyTorch and plain arithmetic."""

import numpy as np
import pytest
import torch

import ember
from ember.autograd import explain, memory_report


def test_notes_example_two_paths():
    w = ember.tensor(1., requires_grad=True)
    x = ember.tensor(2., requires_grad=True)
    e = explain((w + x) * (w + 1), w, params={"w": w, "x": x})
    # y = (w + x)(w + 1): through w + x the local derivatives are (w + 1) = 2 and 1, through
    # w + 1 they are (w + x) = 3 and 1.
    assert e.num_paths == 2 and e.complete and e.matches
    assert [p.local for p in e.paths] == [[2.0, 1.0], [3.0, 1.0]]
    assert [float(p.contribution) for p in e.paths] == [2.0, 3.0]
    assert float(e.total) == 5.0 == float(e.gradient)
    assert [p.nodes for p in e.paths] == [["MulBackward0", "AddBackward0", "w"]] * 2
    text = str(e)
    assert "5 = 2*1 + 3*1" in text
    assert "path 1: y (MulBackward0) -[2]-> AddBackward0 -[1]-> w" in text
    assert "path 2: y (MulBackward0) -[3]-> AddBackward0 -[1]-> w" in text
    assert "matches the engine's gradient 5" in text


def torch_grad(fn, *arrays):
    tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
    fn(torch, *tensors).backward()
    return [t.grad.numpy() for t in tensors]


def run(fn, *arrays):
    tensors = [ember.tensor(a, requires_grad=True) for a in arrays]
    return fn(ember, *tensors), tensors


def test_shared_subpath_counts_each_edge():
    # a = 3w feeds the product a * a through two edges: two paths, each worth 3 * a.
    fn = lambda lib, w: ((w * 3) * (w * 3)).sum()  # noqa: E731
    w0 = np.array([1., -2., 0.5])
    y, (w,) = run(fn, w0)
    e = explain(y, w)
    assert e.num_paths == 2 and e.matches
    for path in e.paths:
        np.testing.assert_allclose(path.contribution, 3 * (3 * w0), rtol=1e-6)
    np.testing.assert_allclose(e.total, torch_grad(fn, w0)[0], rtol=1e-6)


def test_broadcasting_contributions_are_summed_to_the_input_shape():
    fn = lambda lib, w, x: (w * x + w).sum()  # noqa: E731
    w0 = np.array([1., 2., 3.])
    x0 = np.arange(6.).reshape(2, 3)
    y, (w, x) = run(fn, w0, x0)
    e = explain(y, w, params={"w": w})
    assert e.num_paths == 2 and e.matches
    by_route = {tuple(p.nodes): p.contribution for p in e.paths}
    np.testing.assert_allclose(by_route[("SumBackward0", "AddBackward0", "MulBackward0", "w")],
                               x0.sum(0))
    np.testing.assert_allclose(by_route[("SumBackward0", "AddBackward0", "w")], [2., 2., 2.])
    np.testing.assert_allclose(e.total, torch_grad(fn, w0, x0)[0])
    assert all(p.contribution.shape == (3,) for p in e.paths)


def test_paths_through_a_non_leaf_and_float64():
    w = ember.tensor([0.5, 1.5], dtype=ember.float64, requires_grad=True)
    h = w.sin()
    y = (h * h.exp() + h).sum()
    e = explain(y, h)  # h is not a leaf: paths end at its node
    assert e.num_paths == 3 and e.matches and e.total.dtype == np.float64
    h0 = np.sin([0.5, 1.5])
    np.testing.assert_allclose(e.total, np.exp(h0) + h0 * np.exp(h0) + 1)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_unselected_where_branch_nan_is_flagged():
    fn = lambda lib, x: lib.where(x > 0, x.sqrt(), x).sum()  # noqa: E731
    x0 = np.array([0., 1., 4.])
    y, (x,) = run(fn, x0)
    e = explain(y, x)
    expected = torch_grad(fn, x0)[0]
    assert np.isnan(expected[0])  # PyTorch also gives 0 * inf = NaN here
    np.testing.assert_allclose(e.total, expected, equal_nan=True)
    assert e.matches
    flagged = [p for p in e.paths if p.nan_origin is not None]
    assert [p.nodes for p in flagged] == [["SumBackward0", "WhereBackward0", "SqrtBackward0", "w"]]
    assert flagged[0].nan_origin == "SqrtBackward0"
    assert "0*inf" in str(e)


def test_non_differentiable_branches_have_no_path():
    w = ember.tensor([1., 2.], requires_grad=True)
    y = (w * w.detach() + (w > 1).float() + w.argmax()).sum()
    e = explain(y, w)
    assert e.num_paths == 1 and e.matches
    np.testing.assert_allclose(e.total, [1., 2.])
    other = ember.tensor(1., requires_grad=True)
    none = explain(other * 2, w)
    assert none.num_paths == 0 and none.paths == [] and "does not depend" in str(none)


def test_many_paths_are_counted_not_enumerated():
    w = ember.tensor(0.5, dtype=ember.float64, requires_grad=True)
    y = w
    for _ in range(30):  # each step doubles the paths: two edges into the previous node
        y = y * 0.5 + y * 0.25
    e = explain(y, w, max_paths=50, top=3)
    assert e.num_paths == 2 ** 30 and len(e.paths) == 50 and not e.complete
    for p in e.paths:  # each path picks 0.5 or 0.25 at each step
        assert np.isclose(float(p.contribution), np.prod([v for v in p.local]))
    text = str(e)
    assert "the 3 largest of 50 examined paths" in text
    assert f"{2 ** 30 - 50} more path(s) not examined" in text
    np.testing.assert_allclose(float(e.gradient), 0.75 ** 30)


def test_explain_leaves_the_graph_usable():
    w = ember.tensor([1., 2.], requires_grad=True)
    y = (w.exp() * w).sum()
    explain(y, w)
    explain(y, w)
    y.backward()
    np.testing.assert_allclose(w.grad.numpy(), np.exp([1., 2.]) * (1 + np.array([1., 2.])),
                               rtol=1e-6)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        explain(y, w)


def test_explain_errors():
    w = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="y must hold a single number"):
        explain(w * 2, w)
    with pytest.raises(TypeError):
        explain(1.0, w)


# --- memory_report ---------------------------------------------------------------------------------

def test_memory_report_matches_saved_arrays():
    w = ember.ones(1000, requires_grad=True)
    e = w.exp()
    y = (w * e).sum()
    report = memory_report(y)
    # MulBackward0 keeps w and e; ExpBackward0 keeps its result, the same buffer as e.
    w_bytes, e_bytes = w.detach().numpy().nbytes, e.detach().numpy().nbytes
    assert report.total_bytes == w_bytes + 2 * e_bytes
    assert report.unique_bytes == w_bytes + e_bytes
    assert report.graph_only_bytes == e_bytes  # w's data lives on with w anyway
    assert sorted((r[0], r[1], r[4], r[5]) for r in report.rows) == [
        ("ExpBackward0", "result", e_bytes, "result"),
        ("MulBackward0", "other", e_bytes, "intermediate"),
        ("MulBackward0", "self", w_bytes, "leaf"),
    ]
    assert report.by_node == [("MulBackward0", w_bytes + e_bytes), ("ExpBackward0", e_bytes)]
    assert "Saved for backward: 11.7 KiB in 3 arrays over 4 nodes" in str(report)


def test_memory_report_after_backward_and_with_retain_graph():
    w = ember.ones(10, requires_grad=True)
    y = (w * w).sum()
    before = memory_report(y).total_bytes
    y.backward(retain_graph=True)
    assert memory_report(y).total_bytes == before == 2 * w.detach().numpy().nbytes
    y.backward()
    after = memory_report(y)
    assert after.total_bytes == 0 and after.freed == 1
    assert "already freed by backward" in str(after)


def test_no_grad_and_the_total_loss_habit():
    w = ember.randn(50, requires_grad=True)
    x = ember.randn(50)
    with ember.no_grad():
        assert memory_report((w * x).exp().sum()).total_bytes == 0
    one = memory_report((w * x).exp().sum()).graph_only_bytes
    assert one == 50 * 4  # exp's float32 result; w and x are leaves the program holds anyway
    total_loss = 0
    for step in range(1, 4):
        total_loss += (w * x).exp().sum()
        # Each step's graph stays attached: the graph-only memory grows by one step's worth.
        assert memory_report(total_loss).graph_only_bytes == step * one


def test_custom_function_saved_tensors():
    class Square(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return 2 * x * grad

    w = ember.ones(7, dtype=ember.float64, requires_grad=True)
    report = memory_report(Square.apply(w).sum())
    assert [(r[1], r[4]) for r in report.rows] == [("saved_tensors[0]", 56)]
    assert explain(Square.apply(w).sum(), w).matches
