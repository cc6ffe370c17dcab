"""The runnable examples in the docstrings of ember.optim, ember.utils.data, ember.datasets and
ember.save/load print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

import ember

MODULES = ["ember.optim", "ember.optim.optimizer", "ember.optim.sgd", "ember.optim.adam",
           "ember.optim.rmsprop", "ember.optim.adagrad", "ember.optim.lr_scheduler",
           "ember.utils.data.dataset", "ember.utils.data.dataloader", "ember.utils.data.sampler",
           "ember.datasets.mnist", "ember.datasets.transforms", "ember.serialization"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"ember": ember})
    assert result.attempted > 0 and result.failed == 0
