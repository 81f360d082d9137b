"""What the notebook tests share: the registry of assignments, built from ``authoring/``.

Each ``authoring/nbNN_*.py`` script declares its assignment id, the papermill parameters of the
quick test run, the figures the notebook must record (with tolerances) and one plausible wrong
answer for the nbgrader round trip (see docs/authoring.md).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
AUTHORING = ROOT / "authoring"
ARTIFACTS = ROOT / "test-artifacts"
FULL_RUN = os.environ.get("COURSE_FULL_RUN") == "1"


@dataclass(frozen=True)
class Assignment:
    id: str
    script: Path
    module: ModuleType

    @property
    def master(self) -> Path:
        return ROOT / "solutions" / self.id / f"{self.id}.ipynb"

    @property
    def student(self) -> Path:
        return ROOT / "notebooks" / self.id / f"{self.id}.ipynb"

    def __str__(self) -> str:
        return self.id


def _load(script: Path) -> ModuleType:
    if str(AUTHORING) not in sys.path:
        sys.path.insert(0, str(AUTHORING))
    spec = importlib.util.spec_from_file_location(f"authoring_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("ASSIGNMENT", "QUICK_PARAMETERS", "EXPECTED", "EXPECTED_FULL", "WRONG_ANSWER",
                 "build"):
        if not hasattr(module, name):
            raise AttributeError(f"{script.name} must define {name} (see docs/authoring.md)")
    return module


def assignments() -> list[Assignment]:
    found = []
    for script in sorted(AUTHORING.glob("nb[0-9][0-9]_*.py")):
        module = _load(script)
        found.append(Assignment(module.ASSIGNMENT, script, module))
    return found


def read_notebook(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def student_assignments() -> list[str]:
    """The assignments whose student version is on disk (a new notebook is covered at once)."""
    return sorted(p.name for p in (ROOT / "notebooks").iterdir()
                  if (p / f"{p.name}.ipynb").exists())
