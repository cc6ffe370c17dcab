"""docs/ops.md is rendered from the op table: every row, its saved values and its formulas."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

import ember
from ember.ops import table
from ember.ops.op import REGISTRY, Op, VariadicOp, defop

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "ops.md"


@pytest.fixture(scope="module")
def rendered():
    return table.render_markdown()


def _block(text, name):
    """The rendered block of the (first) row called ``name``: its heading up to the next one."""
    match = re.search(rf"^### `{re.escape(name)}`.*?(?=^### |^## |\Z)", text, re.M | re.S)
    assert match, f"{name} is not rendered"
    return match.group(0)


def _section(text, family):
    match = re.search(rf"^## {family}\n.*?(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no section for {family}"
    return match.group(0)


def test_every_row_is_rendered_once(rendered):
    headings = re.findall(r"^### `([^`]+)`", rendered, re.M)
    assert len(headings) == len(REGISTRY)
    assert sorted(headings) == sorted(row.name for row in REGISTRY)


def test_rows_made_on_first_use_are_rendered():
    # split's rows are made per number of pieces, when first used: the table follows REGISTRY.
    before = len(REGISTRY)
    ember.split(ember.arange(7.0, requires_grad=True), 2)
    assert any(row.name == "SplitBackward0" for row in REGISTRY)
    text = table.render_markdown()
    assert len(re.findall(r"^### `", text, re.M)) == len(REGISTRY) >= before
    assert "### `SplitBackward0`" in text


@pytest.mark.parametrize("name, family, formulas", [
    ("MulBackward0", "pointwise",
     ["self = lambda grad, other: grad * other", "other = lambda grad, self: grad * self"]),
    ("DivBackward0", "pointwise",
     ["self = lambda grad, other: grad / other",
      "other = lambda grad, self, other: -grad * self / (other * other)"]),
    ("NegBackward0", "pointwise", ["self = lambda grad: -grad"]),
])
def test_known_rows_show_their_formulas(rendered, name, family, formulas):
    block = _block(_section(rendered, family), name)
    for text in formulas:
        assert text in block


def test_known_rows_show_inputs_flags_and_saves(rendered):
    block = _block(rendered, "MulBackward0")
    assert "- inputs: `self`, `other`" in block
    assert 'promote="binary"' in block and "broadcast" in block
    saves = re.search(r"- saves: (.*)", block).group(1)
    assert set(re.findall(r"`([^`]+)`", saves)) == {"self", "other"}


def _shows_row(block, row):
    """Does this rendered block show ``row``'s saved values and one line per input?"""
    saves = re.search(r"- saves: (.*)", block).group(1)
    expected = list(row.saved_names)
    if re.findall(r"`([^`]+)`", saves) != expected or (saves == "nothing") != (not expected):
        return False
    for name, formula in zip(row.input_names, row.derivatives):
        if formula is None:
            if f"# {name}: not differentiable" not in block:
                return False
        elif f"{name} = lambda" not in block and f"# {name}:" not in block:
            return False
    return True


def test_every_row_shows_what_it_saves():
    text = table.render_markdown()
    blocks = {}  # node name -> its blocks (a few names belong to more than one row)
    for block in re.split(r"^(?=### `)", text, flags=re.M)[1:]:
        blocks.setdefault(re.match(r"### `([^`]+)`", block).group(1), []).append(block)
    for row in REGISTRY:
        if isinstance(row, Op):
            assert any(_shows_row(block, row) for block in blocks[row.name]), row.name


def test_non_differentiable_inputs_and_variadic_rows(rendered):
    block = _block(rendered, "EqBackward0")
    assert "# self: not differentiable" in block and "# other: not differentiable" in block
    variadic = [row for row in REGISTRY if isinstance(row, VariadicOp)]
    assert variadic
    for row in variadic:
        block = _block(rendered, row.name)
        assert "a list of tensors" in block
        assert "derivative = lambda" in block or "# derivative:" in block


def test_rows_are_grouped_by_declaring_module(rendered):
    # activation.log_sigmoid is also imported by other modules: it stays with activation.
    for row in REGISTRY:
        for family in ("pointwise", "activation", "shape", "reduction"):
            module = sys.modules[f"ember.ops.{family}"]
            names = [n for n, v in vars(module).items() if v is row]
            if names and row.forward.__module__ == module.__name__:
                assert f"### `{row.name}` — `{family}." in _section(rendered, family)


def test_lambdas_sharing_a_line_are_told_apart():
    # Two lambdas with the same parameters on one line: the keyword (self=, other=) decides.
    row = defop("TableTestBackward0", inputs="self other", forward=lambda self, other, k=2: self, self=lambda grad: grad * 3, other=lambda grad: grad * 5)  # noqa: E501
    try:
        text = table.render_markdown()
    finally:
        REGISTRY.remove(row)
    block = _block(text, "TableTestBackward0")
    assert "self = lambda grad: grad * 3\n" in block
    assert "other = lambda grad: grad * 5\n" in block
    assert "- arguments: `k=2`" in block


def test_formula_source_falls_back_to_the_name():
    assert table.formula_source(len) == "builtins.len"

    def helper(grad, self):
        return grad * self

    assert table.formula_source(helper).startswith("def helper(grad, self):")


def test_doc_is_committed():
    assert DOC.read_text(encoding="utf-8").startswith("# The op table")


def test_doc_is_not_stale():
    # A fresh process: the rows that exist after import (not those made on use by other tests).
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    fresh = subprocess.run([sys.executable, "-m", "ember.ops.table"], capture_output=True,
                           text=True, env=env, cwd=ROOT, check=True).stdout
    assert fresh == DOC.read_text(encoding="utf-8"), (
        "docs/ops.md is stale: run `PYTHONPATH=src python -m ember.ops.table > docs/ops.md`")


def test_main_prints_the_table(capsys):
    table.main()
    assert capsys.readouterr().out == table.render_markdown()


def test_used_by_names_the_public_functions(rendered):
    assert "`torch.mul`" in _block(rendered, "MulBackward0").partition("- inputs")[0]
    assert "`torch.cat`" in _block(rendered, "CatBackward0").partition("- inputs")[0]
    # a method and its in-place form are implied by the function of the same name
    assert table._shortest(["torch.mul", "Tensor.mul", "Tensor.mul_", "Tensor.view",
                            "Tensor.view_"]) == ["Tensor.view", "torch.mul"]


def test_multi_line_lambdas_keep_their_lines_without_pragmas():
    row = defop("TableTestBackward1", forward=lambda self: self,
                self=lambda grad:  # noqa: E731
                grad * 7)
    try:
        block = _block(table.render_markdown(), "TableTestBackward1")
    finally:
        REGISTRY.remove(row)
    assert "self = lambda grad:\n" in block and "grad * 7\n" in block
    assert "noqa" not in block
