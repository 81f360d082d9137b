"""Every student notebook, exactly as released (blank exercises and all), runs top to bottom
under nbclient with errors not allowed: an unanswered exercise never stops Run All.

The per-cell times are written to ``test-artifacts/student-notebooks.json`` (the goal: no cell
over 10 s at default parameters on 2 cores; a benchmark figure, not asserted here).
"""

from __future__ import annotations

import json

import pytest

from harness import ARTIFACTS, student_assignments

RESULTS: dict[str, dict] = {}


@pytest.mark.parametrize("name", student_assignments())
def test_untouched_student_version_runs_top_to_bottom(name, student_runs, timings):
    result = student_runs[name].result(timeout=1800)
    RESULTS[name] = {"seconds": round(result["seconds"], 1),
                     "slowest_cells": sorted(((round(s, 1), i) for i, s in
                                              result["cells"].items()), reverse=True)[:3]}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "student-notebooks.json").write_text(json.dumps(RESULTS, indent=1))
    timings[f"nbclient {name} (student version, defaults)"] = result["seconds"]
    assert result["error"] is None, f"{name} stops with an error:\n{result['error'][-2000:]}"
