import importlib
import pathlib
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def example(tmp_path, monkeypatch):
    """Import an example program by name, with its outputs redirected to a temporary folder."""
    monkeypatch.setenv("EMBER_RUNS", str(tmp_path))
    monkeypatch.syspath_prepend(str(EXAMPLES))

    def load(name):
        sys.modules.pop(name, None)
        return importlib.import_module(name)

    return load


class FakePyplot:
    """Stands in for matplotlib.pyplot: records what is plotted, writes a placeholder file."""

    def __init__(self):
        self.calls = []
        self.saved = []

    def subplots(self, *args, **kwargs):
        return self, self

    def savefig(self, path, **kwargs):
        self.saved.append(pathlib.Path(path))
        pathlib.Path(path).write_bytes(b"\x89PNG placeholder")

    def __getattr__(self, name):
        def record(*args, **kwargs):
            self.calls.append(name)
            return self

        return record


@pytest.fixture
def fake_pyplot(monkeypatch):
    plt = FakePyplot()
    monkeypatch.syspath_prepend(str(EXAMPLES))
    import _common

    monkeypatch.setattr(_common, "pyplot", lambda: plt)
    return plt
