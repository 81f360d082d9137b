"""Execute every instructor notebook under papermill and check the figures it records.

The quick run uses each assignment's ``QUICK_PARAMETERS``; ``COURSE_FULL_RUN=1`` also runs the
default parameters (what students and nbgrader run) and checks ``EXPECTED_FULL``.
"""

from __future__ import annotations

import time

import papermill
import pytest

from course.record import read_records
from harness import FULL_RUN, assignments

ASSIGNMENTS = assignments()


def _execute(assignment, parameters, artifacts, timings, label):
    out = artifacts / "executed" / f"{assignment.id}-{label}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    papermill.execute_notebook(str(assignment.master), str(out), parameters=parameters,
                               kernel_name="python3", cwd=str(assignment.master.parent),
                               progress_bar=False)
    timings[f"papermill {assignment.id} ({label})"] = time.perf_counter() - start
    return read_records(out)


def _check(records, expected):
    assert expected, "a notebook must record figures the tests can check"
    for name, (value, tolerance) in expected.items():
        assert name in records, f"the notebook did not record {name!r}"
        assert records[name] == pytest.approx(value, abs=tolerance), name


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=str)
def test_notebook_quick_run(assignment, artifacts, timings):
    records = _execute(assignment, assignment.module.QUICK_PARAMETERS, artifacts, timings, "quick")
    _check(records, assignment.module.EXPECTED)


@pytest.mark.slow
@pytest.mark.skipif(not FULL_RUN, reason="slow mode: set COURSE_FULL_RUN=1")
@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=str)
def test_notebook_default_run(assignment, artifacts, timings):
    records = _execute(assignment, {}, artifacts, timings, "defaults")
    if assignment.module.EXPECTED_FULL:
        _check(records, assignment.module.EXPECTED_FULL)
    else:  # the quick run's values need not hold at full size, but every figure must be there
        assert set(assignment.module.EXPECTED) <= set(records)
