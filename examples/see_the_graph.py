"""See the graph: pictures, a text tree, the chain rule path by path, and what the graph keeps.

Writes SVG and PNG pictures into runs/see_the_graph/ (or the folder given as the first argument)
of the notes' graph y = (w + x)(w + 1) and of a small MLP, then prints explain() and
memory_report() for both. Pictures need Graphviz (`apt-get install graphviz`,
`pip install graphviz`); without it the text parts still run.
"""

import pathlib
import shutil
import sys

import ember
from ember import nn
from ember.autograd import explain, memory_report
from ember.viz import draw, print_graph, track_modules


def save(picture, folder, name):
    if shutil.which("dot") is None:
        print(f"(Graphviz's dot is not installed: {name} not drawn)")
        return []
    return [picture.render(folder / f"{name}.{fmt}") for fmt in ("svg", "png")]


def notes_graph(folder):
    print("=== y = (w + x) * (w + 1) at w = 1, x = 2 ===")
    w = ember.tensor(1., requires_grad=True)
    x = ember.tensor(2., requires_grad=True)
    y = (w + x) * (w + 1)
    names = {"w": w, "x": x}
    print_graph(y, params=names)
    print()
    print(explain(y, w, params=names))
    print()
    print(memory_report(y))
    y.backward()
    written = save(draw(y, params=names, show_values=True, show_grads=True), folder, "notes")
    print()
    print("after backward():", memory_report(y), sep="\n")
    return written


def mlp_graph(folder):
    print("\n=== a small MLP: Linear(4, 8) -> ReLU -> Linear(8, 3), cross entropy ===")
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    inputs = ember.randn(5, 4)
    targets = ember.tensor([0, 2, 1, 1, 0])
    with track_modules(model):  # remembers which module made which node (boxes in the picture)
        loss = nn.functional.cross_entropy(model(inputs), targets)
    params = dict(model.named_parameters())
    print_graph(loss, params=params)
    print()
    print(explain(loss, params["0.bias"], params={"loss": loss, **params}))
    print()
    print(memory_report(loss))
    loss.backward(retain_graph=True)
    picture = draw(loss, params=params, show_values=True, show_grads=True, show_saved=True)
    written = save(picture, folder, "mlp")

    print("\n=== the `total_loss += loss` habit keeps every step's graph alive ===")
    one_step = memory_report(nn.functional.cross_entropy(model(inputs), targets))
    print("one step's graph keeps          ", one_step.graph_only_bytes, "bytes alive")
    total_loss = 0
    for _ in range(3):
        total_loss += nn.functional.cross_entropy(model(inputs), targets)
    print("total_loss += loss, 3 steps     ", memory_report(total_loss).graph_only_bytes,
          "bytes: every step's graph is still attached")
    total_loss = 0.0
    for _ in range(3):
        total_loss += nn.functional.cross_entropy(model(inputs), targets).item()
    print("total_loss += loss.item()       ", 0, "bytes: a float holds no graph")
    with ember.no_grad():
        evaluated = nn.functional.cross_entropy(model(inputs), targets)
    print("under no_grad                   ", memory_report(evaluated).graph_only_bytes,
          "bytes: no graph is built at all")
    return written


def main(argv=()):
    folder = pathlib.Path(argv[0]) if argv else pathlib.Path("runs") / "see_the_graph"
    folder.mkdir(parents=True, exist_ok=True)
    written = notes_graph(folder) + mlp_graph(folder)
    for path in written:
        print("wrote", path)
    return written


if __name__ == "__main__":
    main(sys.argv[1:])
