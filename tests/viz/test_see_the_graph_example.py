"""examples/see_the_graph.py runs end to end and writes its pictures."""

import importlib.util
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_example_prints_the_explanation_and_writes_pictures(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("see_the_graph",
                                                  ROOT / "examples" / "see_the_graph.py")
    program = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(program)
    written = program.main([str(tmp_path)])
    out = capsys.readouterr().out
    assert "5 = 2*1 + 3*1" in out and "matches the engine's gradient" in out
    assert "Saved for backward" in out and "every step's graph is still attached" in out
    if shutil.which("dot") is None:
        assert written == []
        return
    names = sorted(pathlib.Path(p).name for p in written)
    assert names == ["mlp.png", "mlp.svg", "notes.png", "notes.svg"]
    assert all(pathlib.Path(p).stat().st_size > 1000 for p in written)
