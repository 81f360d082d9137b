"""Shared pytest set-up: batch-mode kernels, artefact folder, and a timing summary."""

from __future__ import annotations

import json
import os

import pytest

from harness import ARTIFACTS

# Kernels started by the tests (papermill, nbgrader) see this and never wait for widgets.
os.environ.setdefault("COURSE_BATCH_RUN", "1")

TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def timings():
    return TIMINGS


def pytest_terminal_summary(terminalreporter):
    if not TIMINGS:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "timings.json").write_text(json.dumps(TIMINGS, indent=1, sort_keys=True))
    terminalreporter.write_sep("-", "notebook and grading times (s)")
    for name, seconds in sorted(TIMINGS.items()):
        terminalreporter.write_line(f"{name:60s} {seconds:7.1f}")
