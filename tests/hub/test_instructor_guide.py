"""The points table of docs/instructor-guide.md matches the instructor notebooks."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "instructor-guide.md"
ROW = re.compile(r"^\| (\d\d-[a-z0-9-]+) \| (\d+(?:\.\d+)?) \| (\d+(?:\.\d+)?) \| "
                 r"(\d+(?:\.\d+)?) \|$", re.M)


def points(master: Path) -> tuple[float, float]:
    """(autograded, graded by hand) points of an nbgrader source notebook."""
    auto = manual = 0.0
    for cell in json.loads(master.read_text())["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            if cell["cell_type"] == "code" and not meta.get("solution"):
                auto += meta["points"]
            else:
                manual += meta["points"]
    return auto, manual


def test_points_table_matches_the_notebooks():
    rows = ROW.findall(GUIDE.read_text())
    assert rows, "no points table found in docs/instructor-guide.md"
    for assignment, auto, manual, total in rows:
        master = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
        assert master.exists(), f"the guide lists {assignment}, which has no {master}"
        got = points(master)
        assert (float(auto), float(manual)) == got, (
            f"docs/instructor-guide.md: {assignment} is now {got[0]:g} autograded + {got[1]:g} "
            "written points; update its row")
        assert float(total) == sum(got), f"{assignment}: the total is not the sum"
    listed = {r[0] for r in rows}
    masters = {p.parent.name for p in (ROOT / "solutions").glob("*/*.ipynb")
               if p.stem == p.parent.name}
    assert masters <= listed, f"add rows for {sorted(masters - listed)} to the points table"
    auto = sum(float(r[1]) for r in rows)
    manual = sum(float(r[2]) for r in rows)
    sentence = f"worth {auto + manual:g} points ({auto:g} autograded, {manual:g} by hand)"
    assert sentence in " ".join(GUIDE.read_text().split()), (
        f"update the course total in docs/instructor-guide.md: {sentence}")
