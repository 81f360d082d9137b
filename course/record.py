"""Record the figures a notebook computes, so tests can assert on them.

:func:`record` shows a short line to the reader and attaches the value to the cell output under
a course-specific MIME type; :func:`read_records` collects the values from an executed notebook
(papermill's output, or nbgrader's autograded copy).

Example
-------
>>> record("stickiness", 0.663)  # doctest: +SKIP
📌 stickiness = 0.663
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

MIME = "application/vnd.inside-the-feed.record+json"


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def record(name: str, value: Any) -> Any:
    """Display ``name = value`` and attach the value (JSON-serialisable) for tests."""
    from IPython.display import display

    value = _plain(value)
    json.dumps(value)  # fail early on values tests could not read
    shown = f"{value:.4g}" if isinstance(value, float) else repr(value)
    display({"text/plain": f"📌 {name} = {shown}", MIME: {name: value}}, raw=True)
    return value


def read_records(notebook: str | Path | dict) -> dict[str, Any]:
    """Every value recorded in an executed notebook, by name (the last one wins)."""
    if isinstance(notebook, str | Path):
        notebook = json.loads(Path(notebook).read_text())
    found: dict[str, Any] = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if MIME in data:
                payload = data[MIME]
                found.update(json.loads(payload) if isinstance(payload, str) else payload)
    return found
