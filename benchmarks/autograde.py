"""How long does autograding one assignment for a class take? Prints the figures.

Builds a scratch course directory configured like the hub (the course's ``nbgrader_config.py``
plus ``deploy/nbgrader_config.py``), releases the assignment, places ``--submissions`` solved
submissions (the instructor master, as a student who got everything right would hand in; every
``--wrong-every``-th one with the assignment's ``WRONG_ANSWER`` instead) and times one
``nbgrader autograde`` run over the whole class, as an instructor would start it from a terminal.

Usage::

    .venv/bin/python benchmarks/autograde.py                         # 08-capstone, 30 students
    .venv/bin/python benchmarks/autograde.py --assignment 00-start-here --submissions 5

Prints the wall time, the time per submission, and the scores (so a broken run shows).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parents[1]


def nbgrader(*args: str, cwd: Path) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "COURSE_BATCH_RUN": "1", "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"],
                          cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}")


def wrong_answer(assignment: str) -> tuple[str, str] | None:
    """The ``WRONG_ANSWER`` of the assignment's authoring script, if it has one."""
    for script in (ROOT / "authoring").glob("nb[0-9][0-9]_*.py"):
        sys.path.insert(0, str(ROOT / "authoring"))
        spec = importlib.util.spec_from_file_location(script.stem, script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if getattr(module, "ASSIGNMENT", None) == assignment:
            return module.WRONG_ANSWER
    return None


def make_class(root: Path, assignment: str, n: int, wrong_every: int) -> dict[str, dict]:
    master_path = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    if not master_path.exists():
        known = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())
        raise SystemExit(f"no {master_path.relative_to(ROOT)}; assignments: {known}")
    shutil.copytree(master_path.parent, root / "solutions" / assignment)
    config = (ROOT / "nbgrader_config.py").read_text()
    deploy = ROOT / "deploy" / "nbgrader_config.py"
    (root / "nbgrader_config.py").write_text(f"{config}\nload_subconfig({str(deploy)!r})\n")
    nbgrader("generate_assignment", assignment, cwd=root)
    master = json.loads(master_path.read_text())
    wrong = wrong_answer(assignment)
    students = {}
    for i in range(1, n + 1):
        nb = json.loads(json.dumps(master))
        if wrong and wrong_every and i % wrong_every == 0:
            for cell in nb["cells"]:
                if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == wrong[0]:
                    cell["source"] = wrong[1]
        student = f"student{i:02d}"
        folder = root / "submitted" / student / assignment
        folder.mkdir(parents=True)
        (folder / f"{assignment}.ipynb").write_text(json.dumps(nb))
        (folder / "timestamp.txt").write_text("2026-11-26 12:00:00.000000 UTC")
        students[student] = nb
    return students


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--assignment", default="08-capstone")
    p.add_argument("--submissions", type=int, default=30)
    p.add_argument("--wrong-every", type=int, default=3,
                   help="every n-th submission has the assignment's WRONG_ANSWER (0: none)")
    args = p.parse_args(argv)
    if args.submissions < 1:
        raise SystemExit("--submissions must be at least 1")
    with tempfile.TemporaryDirectory(prefix="autograde-bench-") as tmp:
        root = Path(tmp)
        students = make_class(root, args.assignment, args.submissions, args.wrong_every)
        start = time.perf_counter()
        nbgrader("autograde", args.assignment, "--create", cwd=root)
        seconds = time.perf_counter() - start
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
            scores = [gb.find_submission(args.assignment, s).score for s in students]
            max_score = gb.find_assignment(args.assignment).max_score
    n = len(students)
    print(f"assignment            {args.assignment}")
    print(f"submissions           {n}")
    print(f"autograde wall time   {seconds:.1f} s  ({seconds / 60:.1f} min)")
    print(f"per submission        {seconds / n:.1f} s")
    print(f"scores                min {min(scores):g}, median {statistics.median(scores):g}, "
          f"max {max(scores):g} of {max_score:g} (written answers count 0 until graded by hand)")
    counts = ", ".join(f"{n} x {score:g}" for score, n in sorted(Counter(scores).items()))
    print(f"score counts          {counts}")
    print(f"cpu cores             {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
