"""Shared pytest set-up: batch-mode kernels, artefact folder, and a timing summary."""

from __future__ import annotations

import json
import os

import pytest

from harness import ARTIFACTS, student_assignments

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


# -- every student notebook, untouched, under nbclient (started early, run in the background) ---
def _execute_student_version(name: str, folder) -> dict:
    """Run ``notebooks/<name>/<name>.ipynb`` as released, top to bottom, errors not allowed;
    returns the error (if any), the total and the per-cell seconds."""
    import shutil
    import time

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from harness import ROOT

    work = folder / name
    shutil.copytree(ROOT / "notebooks" / name, work)
    nb = nbformat.read(work / f"{name}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(work)}})
    seconds: dict[int, float] = {}
    execute_cell = client.async_execute_cell

    async def timed(cell, cell_index, **kwargs):
        start = time.perf_counter()
        try:
            return await execute_cell(cell, cell_index, **kwargs)
        finally:
            seconds[cell_index] = time.perf_counter() - start

    client.async_execute_cell = timed
    start, error = time.perf_counter(), None
    try:
        client.execute()
    except CellExecutionError as err:
        error = str(err)
    nbformat.write(nb, work / f"{name}.executed.ipynb")
    return {"error": error, "seconds": time.perf_counter() - start, "cells": seconds}


@pytest.fixture(scope="session")
def student_runs(tmp_path_factory):
    """Futures of :func:`_execute_student_version` for every assignment, run one after another
    on a background thread from the first test that asks (the browser tests ask first, so the
    two overlap instead of adding up)."""
    from concurrent.futures import ThreadPoolExecutor

    folder = tmp_path_factory.mktemp("student-runs")
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nbclient")
    futures = {name: pool.submit(_execute_student_version, name, folder)
               for name in student_assignments()}
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)   # a selective run skips the rest
