"""print_graph / format_graph: exact text trees, shared subgraphs, deep chains, read-only."""

import ember
from ember.viz import format_graph, print_graph


def notes_graph():
    w = ember.tensor(1., requires_grad=True)
    x = ember.tensor(2., requires_grad=True)
    return (w + x) * (w + 1), {"w": w, "x": x}


def test_notes_graph_exact_text(capsys):
    y, names = notes_graph()
    print_graph(y, params=names)
    assert capsys.readouterr().out == (
        "MulBackward0\n"
        "├─ AddBackward0\n"
        "│  ├─ w: AccumulateGrad [] float32  (#1)\n"
        "│  └─ x: AccumulateGrad [] float32\n"
        "└─ AddBackward0\n"
        "   └─ w  (#1, see above)\n"
    )


def test_node_names_are_pytorchs():
    torch = __import__("torch")
    w = torch.tensor(1., requires_grad=True)
    x = torch.tensor(2., requires_grad=True)
    y = (w + x) * (w + 1)
    expected = [y.grad_fn.name()] + [n.name() for n, _ in y.grad_fn.next_functions]
    lines = format_graph(notes_graph()[0]).splitlines()
    assert [lines[0], lines[1][3:], lines[4][3:]] == expected


def test_shared_subgraph_is_shown_once_with_its_inputs():
    w = ember.tensor([1., 2.], requires_grad=True)
    a = w * 2
    y = (a * a + a).sum()
    assert format_graph(y, params={"w": w}) == (
        "SumBackward0\n"
        "└─ AddBackward0\n"
        "   ├─ MulBackward0\n"
        "   │  ├─ MulBackward0  (#1)\n"
        "   │  │  └─ w: AccumulateGrad [2] float32\n"
        "   │  └─ MulBackward0  (#1, see above)\n"
        "   └─ MulBackward0  (#1, see above)"
    )


def test_unnamed_leaves_inputs_without_grad_and_second_outputs():
    w = ember.ones(2, 3, dtype=ember.float64, requires_grad=True)
    constant = ember.ones(3)
    first, second = w.unbind(0)
    y = (second * constant).sum()
    assert format_graph(y) == (
        "SumBackward0\n"
        "└─ MulBackward0\n"
        "   └─ UnbindBackward0 (output 1)\n"
        "      └─ AccumulateGrad [2, 3] float64"
    )


def test_outputs_without_a_graph():
    leaf = ember.zeros(2, requires_grad=True)
    plain = ember.zeros(3, dtype=ember.int64)
    assert format_graph(leaf, plain, params={"leaf": leaf}) == (
        "leaf [2] float32 (a leaf, requires_grad=True)\n"
        "tensor [3] int64 (a leaf, no grad_fn: not part of a graph)"
    )


def test_several_outputs_share_numbers():
    w = ember.tensor(3., requires_grad=True)
    a = w.exp()
    assert format_graph(a * 2, a + 1, params={"w": w}) == (
        "MulBackward0\n"
        "└─ ExpBackward0  (#1)\n"
        "   └─ w: AccumulateGrad [] float32\n"
        "AddBackward0\n"
        "└─ ExpBackward0  (#1, see above)"
    )


def test_graph_is_unchanged_and_backward_still_works():
    y, names = notes_graph()
    before = y.grad_fn.next_functions
    saved = y.grad_fn._saved
    format_graph(y, params=names)
    assert y.grad_fn.next_functions is before and y.grad_fn._saved is saved
    y.backward()
    assert names["w"].grad.item() == 5.0  # d/dw (w + x)(w + 1) = (w + 1) + (w + x) = 2 + 3


def test_a_100000_node_chain_prints_without_recursion(deep_chain):
    y, x = deep_chain
    text = format_graph(y, params={"x": x})
    lines = text.splitlines()
    assert len(lines) == 100_001
    assert lines[0] == "MulBackward0"
    assert lines[-1].endswith("x: AccumulateGrad [] float32")
    assert max(len(line) for line in lines) < 200  # indentation restarts instead of growing
