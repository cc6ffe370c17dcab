"""The runnable examples in ember.nn's docstrings print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

import ember

MODULES = ["ember.nn", "ember.nn.functional", "ember.nn.init", "ember.nn.parameter",
           "ember.nn.modules.module", "ember.nn.modules.linear", "ember.nn.modules.conv",
           "ember.nn.modules.sparse", "ember.nn.utils.clip_grad", "ember.nn._attention",
           "ember.nn.modules.attention", "ember.nn.modules.transformer",
           "ember.nn._layers_more", "ember.nn.modules.more"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"ember": ember, "F": ember.nn.functional,
                                                 "nn": ember.nn})
    assert result.attempted > 0 and result.failed == 0
