"""The examples in the docstrings of ``course/`` run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import course

MODULES = sorted(m.name for m in pkgutil.walk_packages(course.__path__, "course."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
