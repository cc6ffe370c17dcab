"""ember.viz: pictures and text views of the autograd graph.

``draw`` makes a Graphviz picture, ``print_graph`` an indented text tree, and ``track_modules``
records which ``nn.Module`` made which node (for boxes around modules). See docs/viz.md, and
``ember.autograd.explain`` / ``ember.autograd.memory_report`` for the numbers behind a gradient.
They only read the graph; the engine knows nothing about them.
"""

from ._read import track_modules
from .draw import Graph, draw
from .text import format_graph, print_graph

__all__ = ["draw", "print_graph", "format_graph", "track_modules", "Graph"]
