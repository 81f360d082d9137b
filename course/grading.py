"""Instructor tooling around nbgrader: release the student versions, keep hidden tests hidden.

``python -m course.grading release [assignment ...]`` regenerates ``notebooks/`` (nbgrader's
release folder) from ``solutions/`` (its source folder). ``./run release`` calls it.

:class:`RobustExecute` replaces nbgrader's ``Execute`` when autograding (``nbgrader_config.py``): a
submission that kills its kernel (``os._exit``, a segfault, running out of memory) keeps the
points it earned before the crash, where plain nbgrader drops the whole notebook; the cell that
crashed and every later code cell get an error output, so their tests score zero.

:class:`HideHiddenTests` is a feedback preprocessor (configured in ``nbgrader_config.py``):
nbgrader's default feedback shows the hidden tests (nbgrader issue #917) and the tracebacks of
failed hidden asserts quote them. Ours replaces the hidden region with a note and cuts those
tracebacks down to the error's name and message.

Example
-------
>>> import nbformat
>>> cell = nbformat.v4.new_code_cell("assert f(1) == 2\\n### BEGIN HIDDEN TESTS\\n"
...                                  "assert f(7) == 8\\n### END HIDDEN TESTS")
>>> cell.metadata["nbgrader"] = {"grade": True, "solution": False}
>>> print(hide_hidden_tests(cell).source)
assert f(1) == 2
# (hidden tests are not shown)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from nbclient.exceptions import DeadKernelError
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbgrader.converters.autograde import Autograde
from nbgrader.preprocessors import Execute
from traitlets import Bool

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
HIDDEN_NOTE = "# (hidden tests are not shown)"


def hide_hidden_tests(cell):
    """Remove hidden test regions from a grade cell and strip tracebacks that could quote them."""
    if cell.cell_type != "code" or BEGIN not in cell.source:
        return cell
    lines, kept, inside = cell.source.split("\n"), [], False
    for line in lines:
        if BEGIN in line:
            inside = True
            kept.append(HIDDEN_NOTE)
        elif END in line:
            inside = False
        elif not inside:
            kept.append(line)
    cell.source = "\n".join(kept)
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
    return cell


class HideHiddenTests(Preprocessor):
    """nbconvert preprocessor for ``GenerateFeedback``: apply :func:`hide_hidden_tests`."""

    enabled = Bool(True, help="on by default, like nbgrader's own preprocessors").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        return hide_hidden_tests(cell), resources


# -- autograding that survives a crashing submission ------------------------------------------
KERNEL_DIED = ("the kernel died while running this cell (os._exit, a crash, or running out of "
               "memory); the cells after it were not run")
NOT_RUN = "not run: the kernel died in an earlier cell"


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"{ename}: {evalue}"])


class RobustExecute(Execute):
    """nbgrader's ``Execute``, except that a dead kernel costs only the cells from the crash on."""

    def preprocess(self, nb, resources=None, km=None):
        self._kernel_died = False
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if getattr(self, "_kernel_died", False):
            if cell.cell_type == "code":
                cell.outputs = [_error("KernelDied", NOT_RUN)]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._kernel_died = True
            self.log.warning("Kernel died in cell %d; the remaining cells are marked not run",
                             index)
            cell.outputs.append(_error("KernelDied", KERNEL_DIED))
            return cell, resources


def autograde_preprocessors() -> list[type]:
    """nbgrader's autograde pipeline with :class:`RobustExecute` in place of ``Execute``."""
    default = Autograde.class_traits()["autograde_preprocessors"].default()
    return [RobustExecute if p is Execute else p for p in default]


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
    args = parser.parse_args(argv)
    if args.command == "points":
        print(points_table())
        return 0
    for path in release(args.assignments):
        print(f"released {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
