"""Release student versions, count points, run nbgrader: the course's own nbgrader helpers.

``python -m course.grading release [assignment ...]`` regenerates ``notebooks/`` (nbgrader's
release folder) from ``solutions/`` (its source folder); ``./run release`` calls it.
``python -m course.grading points`` prints the points table of the instructor guide;
``python -m course.grading autograde <assignment> --jobs N`` grades every submission of an
assignment in parallel (:mod:`course.grading.parallel`).

Example
-------
>>> from course.grading.core import assignments
>>> "02-recommendation-basics" in assignments()
True
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def nbgrader(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run an ``nbgrader`` command in course folder ``cwd`` with this Python's tools on PATH
    (nbgrader calls ``alembic`` by name); output is captured and returned."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"],
                            cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed in {cwd}:\n{result.stderr}")
    return result


def assignments(root: Path = ROOT) -> list[str]:
    """The assignment ids: folders of ``solutions/`` holding a notebook of the same name."""
    return sorted(p.name for p in (root / "solutions").iterdir()
                  if (p / f"{p.name}.ipynb").exists())


def release(names: list[str] | None = None, root: Path = ROOT) -> list[Path]:
    """Regenerate the student versions of ``names`` (default: all) into ``root/notebooks``."""
    names = names or assignments(root)
    out = []
    for name in names:
        if not (root / "solutions" / name / f"{name}.ipynb").exists():
            raise SystemExit(f"no solutions/{name}/{name}.ipynb; known: {assignments(root)}")
        nbgrader("generate_assignment", name, "--force", cwd=root)
        out.append(root / "notebooks" / name / f"{name}.ipynb")
    return out


def points(name: str, root: Path = ROOT) -> dict[str, float]:
    """Points of one assignment: ``auto`` (autograded tests), ``manual`` (written answers), total.

    >>> points("01-engagement-metrics")["total"] > 0  # doctest: +SKIP
    True
    """
    import nbformat

    nb = nbformat.read(root / "solutions" / name / f"{name}.ipynb", as_version=4)
    auto = manual = 0.0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            if cell.cell_type == "code":
                auto += meta.get("points", 0)
            else:
                manual += meta.get("points", 0)
    return {"auto": auto, "manual": manual, "total": auto + manual}


def points_table(root: Path = ROOT) -> str:
    """A Markdown table of the points of every assignment (for the instructor guide)."""
    rows = ["| assignment | autograded | written (manual) | total |",
            "| --- | ---: | ---: | ---: |"]
    for name in assignments(root):
        p = points(name, root)
        rows.append(f"| `{name}` | {p['auto']:g} | {p['manual']:g} | {p['total']:g} |")
    return "\n".join(rows)


def fresh_release(tmp: Path, root: Path = ROOT) -> Path:
    """Generate every student version in a scratch copy of the course; return its notebooks/."""
    shutil.copytree(root / "solutions", tmp / "solutions",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(root / "nbgrader_config.py", tmp / "nbgrader_config.py")
    release(root=tmp)
    return tmp / "notebooks"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.grading")
    sub = parser.add_subparsers(dest="command", required=True)
    rel = sub.add_parser("release", help="regenerate student versions in notebooks/")
    rel.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    sub.add_parser("points", help="print the points of every assignment as a Markdown table")
    grade = sub.add_parser("autograde", help="autograde every submission of an assignment in "
                           "parallel (run it in the course directory)")
    from course.grading.parallel import add_arguments

    add_arguments(grade)
    args = parser.parse_args(argv)
    if args.command == "autograde":
        from course.grading.parallel import run_from_args

        return run_from_args(args)
    if args.command == "points":
        print(points_table())
        return 0
    for path in release(args.assignments):
        print(f"released {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
