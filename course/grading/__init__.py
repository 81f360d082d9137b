"""Instructor tooling around nbgrader: release, grade safely and in parallel, keep tests hidden.

A submission is hostile code. The course's ``nbgrader_config.py`` puts
:class:`~course.grading.execute.JudgedExecute` in place of nbgrader's ``Execute``, so every graded
run goes like this:

* the student's notebook runs in a **sandbox** (:mod:`course.grading.sandbox`, bubblewrap): it sees
  a private copy of its own folder, the course package, the datasets and the Python environment
  read-only, and a private ``/tmp``; nothing of the course directory, no home folder, no
  network; memory, CPU time, processes and output are capped;
* its **test cells never reach the student's kernel**: a separate sandboxed **judge**
  (:mod:`course.grading.judge`) runs them, and reads the student's variables through a narrow
  **bridge** (:mod:`course.grading.bridge`, :mod:`course.grading.wire`) that carries data, never
  code; the student's functions become proxies called with serialized arguments;
* an answer that only calls the course's reference implementation scores zero
  (:mod:`course.grading.delegation`);
* feedback never shows hidden tests (:class:`~course.grading.feedback.HideHiddenTests`).

``python -m course.grading autograde <assignment> --jobs N`` grades a whole class in parallel
(:mod:`course.grading.parallel`); ``python -m course.grading release`` regenerates ``notebooks/``
from ``solutions/`` (``./run release`` calls it).

This package keeps its import light (the bridge module is imported inside students' kernels):
the names below are loaded on first use.

Example
-------
>>> import nbformat
>>> from course.grading import hide_hidden_tests
>>> cell = nbformat.v4.new_code_cell("assert f(1) == 2\\n### BEGIN HIDDEN TESTS\\n"
...                                  "assert f(7) == 8\\n### END HIDDEN TESTS")
>>> cell.metadata["nbgrader"] = {"grade": True, "solution": False}
>>> print(hide_hidden_tests(cell).source)
assert f(1) == 2
# (hidden tests are not shown)
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    # release, points, helpers
    "ROOT": "core", "nbgrader": "core", "assignments": "core", "release": "core",
    "points": "core", "points_table": "core", "fresh_release": "core", "main": "core",
    # feedback
    "BEGIN": "feedback", "END": "feedback", "HIDDEN_NOTE": "feedback",
    "hide_hidden_tests": "feedback", "HideHiddenTests": "feedback",
    # execution
    "RobustExecute": "execute", "JudgedExecute": "execute", "KERNEL_DIED": "execute",
    "NOT_RUN": "execute", "autograde_preprocessors": "execute",
    # sandbox
    "Sandbox": "sandbox", "SandboxUnavailable": "sandbox",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'course.grading' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"course.grading.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
