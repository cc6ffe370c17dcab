import numpy as np

from oracle import check, gradcheck


def test_notes_graph_matches_torch():
    def f(lib, w, x):
        return (w + x) * (w + 1)

    check(f, np.array([1.0]), np.array([2.0]))


def test_notes_graph_finite_differences():
    gradcheck(lambda lib, w, x: (w + x) * (w + 1), np.array([1.0]), np.array([2.0]))
