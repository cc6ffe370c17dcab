"""The example programs run end to end on a small budget and learn what they should."""

import os
import pathlib
import subprocess
import sys

import pytest

import ember

ROOT = pathlib.Path(__file__).resolve().parents[2]

nn_ready = pytest.mark.skipif(not hasattr(ember, "nn"), reason="ember.nn has not landed yet")


@nn_ready
def test_logistic_regression_separates_the_clusters(example, fake_pyplot, tmp_path):
    program = example("logistic_regression")
    program.pyplot = lambda: fake_pyplot
    results = program.main([])
    assert set(results) == {"nn.Module", "nn.Sequential"}
    assert all(acc > 0.99 for acc in results.values())
    assert fake_pyplot.saved == [tmp_path / "logistic_regression" / "decision_boundary.png"]


@nn_ready
def test_mnist_mlp_quick_run_then_eval(example, fake_pyplot, tmp_path):
    program = example("mnist_mlp")
    program.pyplot = lambda: fake_pyplot
    accuracy = program.main(["--quick"])
    assert accuracy > 0.8  # 30 batches already learn most digits
    assert (tmp_path / "mnist_mlp" / "checkpoint.pt").is_file()
    assert (tmp_path / "mnist_mlp" / "loss.png").is_file()
    assert program.main(["--quick", "--eval"]) == accuracy  # the checkpoint reloads exactly


@nn_ready
def test_weight_decay_shrinks_the_weight(example, fake_pyplot, tmp_path):
    program = example("weight_decay")
    program.pyplot = lambda: fake_pyplot
    results = program.main([])
    free, decayed = results[0], results[3]
    assert decayed["norm"] < free["norm"] / 10
    assert free["train_loss"] < decayed["train_loss"]  # without decay it fits the 20 examples
    assert decayed["test_loss"] < free["test_loss"]  # and generalises worse
    assert len(fake_pyplot.saved) == 2


@nn_ready
@pytest.mark.skipif(not hasattr(getattr(ember, "nn", None), "Conv2d"),
                    reason="ember.nn.Conv2d has not landed yet")
def test_lenet_quick_run(example, fake_pyplot, tmp_path):
    program = example("lenet_mnist")
    program.pyplot = lambda: fake_pyplot
    accuracy = program.main(["--quick"])
    assert accuracy > 0.3  # ten batches: well above chance (0.1)
    assert program.main(["--quick", "--eval"]) == accuracy


@nn_ready
def test_programs_run_as_scripts(tmp_path):
    env = dict(os.environ, EMBER_RUNS=str(tmp_path))
    env.pop("PYTHONPATH", None)  # the programs find ember in the checkout by themselves
    result = subprocess.run([sys.executable, "examples/weight_decay.py", "--epochs", "10"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "wd = 0: L2 norm of w:" in result.stdout and "wd = 3: L2 norm of w:" in result.stdout


def test_progress_uses_tqdm_when_installed_and_prints_otherwise(monkeypatch, capsys):
    import types

    monkeypatch.syspath_prepend(str(ROOT / "examples"))
    import _common

    monkeypatch.setitem(sys.modules, "tqdm", None)  # not installed
    bar = _common.progress(range(10), total=10, desc="epoch 1")
    for step, _ in enumerate(bar, 1):
        bar.report(step, 0.5)
    assert capsys.readouterr().out.count("epoch 1 [") == 4  # every fifth, not at the end

    postfixes = []

    class FakeBar:
        def __init__(self, iterable, **kwargs):
            self.iterable = iterable

        def __iter__(self):
            return iter(self.iterable)

        def set_postfix(self, **kwargs):
            postfixes.append(kwargs)

    monkeypatch.setitem(sys.modules, "tqdm", types.SimpleNamespace(tqdm=FakeBar))
    bar = _common.progress(range(20), total=20, desc="epoch 1")
    for step, _ in enumerate(bar, 1):
        bar.report(step, 0.25)
    assert postfixes == [{"loss": "0.2500"}] * 2 and capsys.readouterr().out == ""
