"""draw(): DOT source (labels, nodes, edges, module boxes, highlights) and real Graphviz renders."""

import re
import shutil

import numpy as np
import pytest

import ember
from ember import nn
from ember.viz import draw, track_modules

try:
    import graphviz  # noqa: F401
    HAVE_GRAPHVIZ = shutil.which("dot") is not None
except ImportError:
    HAVE_GRAPHVIZ = False
needs_graphviz = pytest.mark.skipif(
    not HAVE_GRAPHVIZ, reason="Graphviz is not installed (pip install graphviz; apt-get install "
    "graphviz): rendering not tested")

NODE = re.compile(r'^\t+(\w+) \[label="((?:[^"\\]|\\.)*)" ([^\]]*)\]$', re.M)
EDGE = re.compile(r"^\t(\w+) -> (\w+)$", re.M)


def parse(source):
    """{id: (label lines, attributes)} and the list of edges, read back from DOT text."""
    nodes = {m[1]: (m[2].replace('\\"', '"').split("\\n"), m[3]) for m in NODE.finditer(source)}
    return nodes, EDGE.findall(source)


def notes_graph():
    w = ember.tensor(1., requires_grad=True)
    x = ember.tensor(2., requires_grad=True)
    return (w + x) * (w + 1), {"w": w, "x": x}


def by_first_line(nodes):
    found = {}
    for node_id, (label, _) in nodes.items():
        found.setdefault(label[0], []).append(node_id)
    return found


def test_notes_graph_nodes_labels_and_edges():
    y, names = notes_graph()
    nodes, edges = parse(draw(y, params=names).source)
    assert sorted(label[0] for label, _ in nodes.values()) == [
        "AddBackward0", "AddBackward0", "MulBackward0", "output", "w", "x"]
    ids = by_first_line(nodes)
    mul, (w,), (x,), (out,) = ids["MulBackward0"][0], ids["w"], ids["x"], ids["output"]
    add_wx, add_w1 = ids["AddBackward0"]
    assert nodes[w][0] == ["w", "[] float32"]
    # Edges point the way next_functions do: from a node to its inputs' nodes.
    assert sorted(edges) == sorted([(out, mul), (mul, add_wx), (mul, add_w1), (add_wx, w),
                                    (add_wx, x), (add_w1, w)])
    assert "fillcolor=\"lightblue\"" in nodes[w][1]


def test_values_grads_and_saved_bytes():
    w = ember.tensor([1., 2., 3.], requires_grad=True)
    y = (w * w.exp()).sum()
    nodes, _ = parse(draw(y, params={"w": w}, show_values=True, show_grads=True,
                          show_saved=True).source)
    ids = by_first_line(nodes)
    leaf = nodes[ids["w"][0]][0]
    assert leaf[2] == "value: mean 2 min 1 max 3" and leaf[3] == "grad: None"
    exp_label = nodes[ids["ExpBackward0"][0]][0]
    e = np.exp(np.array([1., 2., 3.], np.float32))
    assert exp_label[1] == f"value: mean {e.mean():.4g} min {e.min():.4g} max {e.max():.4g}"
    assert exp_label[2] == "result: [3] float32 12 B"
    mul_label = nodes[ids["MulBackward0"][0]][0]
    assert sorted(mul_label[1:]) == ["other: [3] float32 12 B", "self: [3] float32 12 B"]

    y.backward()
    nodes, _ = parse(draw(y, params={"w": w}, show_grads=True, show_saved=True).source)
    ids = by_first_line(nodes)
    expected = (np.exp([1., 2., 3.]) * (1 + np.array([1., 2., 3.]))).astype(np.float32)
    assert nodes[ids["w"][0]][0][2] == (f"grad: mean {expected.mean():.4g} "
                                        f"min {expected.min():.4g} max {expected.max():.4g}")
    assert nodes[ids["MulBackward0"][0]][0][1] == "saved: freed by backward"


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_nan_and_inf_are_highlighted():
    x = ember.tensor([0., 1., 4.], requires_grad=True)
    y = ember.where(x > 0, x.sqrt(), x).sum()
    y.backward(retain_graph=True)  # sqrt's gradient at 0 is inf; times the where's 0: NaN
    nodes, _ = parse(draw(y, params={"x": x}, show_grads=True).source)
    label, attributes = nodes[by_first_line(nodes)["x"][0]]
    assert label[2] == "grad: mean 0.375 min 0.25 max 0.5, 1 NaN"
    assert 'fillcolor="salmon"' in attributes
    inf = ember.tensor([1., float("inf")], requires_grad=True)
    nodes, _ = parse(draw(inf * 2, params={"inf": inf}, show_values=True).source)
    label, attributes = nodes[by_first_line(nodes)["inf"][0]]
    assert label[2] == "value: mean 1 min 1 max 1, 1 inf" and "salmon" in attributes


def test_modules_become_boxes():
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    with track_modules(model):
        loss = model(ember.randn(5, 4)).pow(2).mean()
    assert not model[0]._forward_hooks and not model[0]._forward_pre_hooks  # hooks removed
    source = draw(loss, params=dict(model.named_parameters())).source
    boxes = re.findall(r'subgraph cluster_\d+ \{\n\t\tlabel="([^"]*)"[^\n]*'
                       r'((?:\n\t\t\w+ \[label="[^"]*"[^\n]*)*)', source)
    contents = {title: sorted(re.findall(r'label="([^"\\]*)', body)) for title, body in boxes}
    assert contents == {
        "0: Linear": ["0.bias", "0.weight", "AddmmBackward0", "TBackward0"],
        "1: ReLU": ["ReluBackward0"],
        "2: Linear": ["2.bias", "2.weight", "AddmmBackward0", "TBackward0"],
    }
    # Outside any module: the loss's own operations.
    assert "PowBackward0" not in "".join(body for _, body in boxes)
    plain = draw(loss, params=dict(model.named_parameters()), group_modules=False).source
    assert "subgraph" not in plain
    assert len(parse(plain)[0]) == len(parse(source)[0])


def test_nested_modules_nest_boxes():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Linear(2, 2)

        def forward(self, x):
            return self.inner(x).tanh()

    model = nn.Sequential(Block())
    with track_modules(model):
        y = model(ember.ones(1, 2)).sum()
    source = draw(y).source
    outer = source.index('label="0: Block"')
    inner = source.index('label="0.inner: Linear"')
    tanh = source.index('"TanhBackward0"')
    assert outer < tanh < inner  # tanh belongs to the block, not to its Linear
    assert source.count("\t}") == 2


def test_draw_reads_only():
    y, names = notes_graph()
    edges = y.grad_fn.next_functions
    saved = y.grad_fn._saved
    draw(y, params=names, show_values=True, show_grads=True, show_saved=True)
    assert y.grad_fn.next_functions is edges and y.grad_fn._saved is saved
    y.backward()
    assert names["w"].grad.item() == 5.0 and names["x"].grad.item() == 2.0


def test_a_100000_node_chain_draws_without_recursion(deep_chain):
    y, x = deep_chain
    nodes, edges = parse(draw(y, params={"x": x}).source)
    assert len(nodes) == 100_002  # the muls, the leaf and the output box
    assert len(edges) == 100_001


@needs_graphviz
def test_renders_svg_and_png_with_dot(tmp_path):
    y, names = notes_graph()
    picture = draw(y, params=names, show_values=True)
    svg_path = picture.render(tmp_path / "notes.svg")
    png_path = picture.render(tmp_path / "notes", format="png")
    assert png_path == str(tmp_path / "notes.png")
    svg = open(svg_path).read()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert svg.count("<g id=\"node") == 6 and svg.count("<g id=\"edge") == 6
    for text in ("MulBackward0", "AddBackward0", "value: 1", "value: 2"):
        assert text in svg
    with open(png_path, "rb") as file:
        assert file.read(8) == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in picture._repr_svg_()


def test_retained_intermediate_gradients_and_named_outputs():
    w = ember.tensor([1., 2.], requires_grad=True)
    h = w * 3
    h.retain_grad()
    loss = h.sum()
    loss.backward()
    nodes, _ = parse(draw(loss, params={"w": w, "loss": loss}, show_grads=True).source)
    ids = by_first_line(nodes)
    assert nodes[ids["MulBackward0"][0]][0] == ["MulBackward0", "grad: mean 1 min 1 max 1"]
    assert nodes[ids["loss"][0]][0] == ["loss", "[] float32"]
