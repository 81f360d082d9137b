"""Widget latencies measured in the browser, collected in ``test-artifacts/latencies.json``
(figures for the report and ``docs/benchmarks.md``, not pass/fail thresholds)."""

from __future__ import annotations

import json
import os

from harness import ARTIFACTS


def record_latency(name: str, seconds: float) -> None:
    """Add one measurement (seconds) under ``name``, with the machine's load average."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "latencies.json"
    found = json.loads(path.read_text()) if path.exists() else {}
    found.setdefault(name, []).append({"seconds": round(seconds, 3),
                                       "load_average": round(os.getloadavg()[0], 1)})
    path.write_text(json.dumps(found, indent=1, sort_keys=True))
