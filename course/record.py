"""Record the figures a notebook computes, so tests can assert on them.

:func:`record` shows a short line to the reader and attaches the value to the cell output under
a course-specific MIME type; :func:`read_records` collects the values from an executed notebook
(papermill's output, or nbgrader's autograded copy).

Example
-------
>>> record("stickiness", 0.663)  # doctest: +SKIP
▸ stickiness = 0.663
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


def readable(value: Any) -> str:
    """A readable form: thousands separated, 4 significant digits, no exponent for everyday
    magnitudes.

    >>> readable(1790000000.0), readable(0.66296), readable(100000), readable([1, 2])
    ('1,790,000,000', '0.663', '100,000', '[1, 2]')
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return repr(value)
    if isinstance(value, int):
        return f"{value:,}"
    if value != value or value in (float("inf"), float("-inf")):
        return repr(value)
    if abs(value) >= 1e4 and abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:.4g}" if abs(value) >= 1e-4 or value == 0 else f"{value:.3e}"


def record(name: str, value: Any) -> None:
    """Display ``name = value`` once and attach the value (JSON-serialisable) for tests.

    Returns nothing, so a ``record(...)`` left last in a cell does not show the value twice.
    """
    from IPython.display import display

    value = _plain(value)
    json.dumps(value)  # fail early on values tests could not read
    shown = readable(value)
    display({"text/plain": f"▸ {name} = {shown}", MIME: {name: value}}, raw=True)


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
