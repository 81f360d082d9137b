"""How long does autograding one assignment for a class take, sequentially and in parallel?

Builds scratch course directories configured like the hub (the course's ``nbgrader_config.py``
plus ``deploy/nbgrader_config.py``), releases the assignment and places ``--submissions`` solved
submissions (the instructor master, as a student who got everything right would hand in; every
``--wrong-every``-th one with the assignment's ``WRONG_ANSWER`` instead). Then, in one run:

1. **sequential**: one ``nbgrader autograde`` over the whole class, as nbgrader does it (one
   submission after another; sandboxed and judged, as the course configures it);
2. **parallel**: ``python -m course.grading autograde --jobs N`` over the same class in a fresh
   course directory (N = the number of cores unless ``--jobs``); its scores must be the
   sequential run's;
3. **overhead**: one submission graded ``--sample`` times each way, the three ways in turn: the
   plain nbgrader pipeline (no sandbox, no judge), judged without the sandbox
   (``c.Sandbox.enabled = False``), judged in the sandbox. The differences of the medians are
   the judge's and the sandbox's costs per submission.

Usage::

    .venv/bin/python benchmarks/autograde.py                         # 08-capstone, 30 students
    .venv/bin/python benchmarks/autograde.py --assignment 00-start-here --submissions 5

Prints the wall times, the time per submission and the scores (so a broken run shows). Note the
load average it prints: other jobs on the machine change every figure.
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
ENV = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
       "COURSE_BATCH_RUN": "1", "MPLBACKEND": "Agg"}
PLAIN = ("\nfrom course.grading.execute import RobustExecute as _Robust\n"
         "c.Autograde.autograde_preprocessors = [_Robust if p.__name__ == 'JudgedExecute' else p "
         "for p in c.Autograde.autograde_preprocessors]\n")


def run(*args: str, cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=cwd, env=ENV, capture_output=True,
                          text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n"
                         f"{done.stderr[-3000:]}")
    return time.perf_counter() - start


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


def make_class(root: Path, assignment: str, n: int, wrong_every: int,
               extra_config: str = "") -> list[str]:
    master_path = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    if not master_path.exists():
        known = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())
        raise SystemExit(f"no {master_path.relative_to(ROOT)}; assignments: {known}")
    shutil.copytree(master_path.parent, root / "solutions" / assignment)
    config = (ROOT / "nbgrader_config.py").read_text()
    deploy = ROOT / "deploy" / "nbgrader_config.py"
    (root / "nbgrader_config.py").write_text(
        f"{config}\nload_subconfig({str(deploy)!r})\n{extra_config}")
    run("-m", "nbgrader", "generate_assignment", assignment, "--log-level=WARN", cwd=root)
    master = json.loads(master_path.read_text())
    wrong = wrong_answer(assignment)
    students = []
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
        students.append(student)
    return students


def scores(root: Path, assignment: str, students: list[str]) -> dict[str, float]:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return {s: gb.find_submission(assignment, s).score for s in students}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--assignment", default="08-capstone")
    p.add_argument("--submissions", type=int, default=30)
    p.add_argument("--wrong-every", type=int, default=3,
                   help="every n-th submission has the assignment's WRONG_ANSWER (0: none)")
    p.add_argument("--jobs", type=int, default=None, help="parallel jobs (default: cores)")
    p.add_argument("--sample", type=int, default=5,
                   help="runs of each way to measure the overhead (0: skip)")
    p.add_argument("--overhead-only", action="store_true",
                   help="skip the sequential and parallel runs")
    args = p.parse_args(argv)
    if args.submissions < 1:
        raise SystemExit("--submissions must be at least 1")
    from course.grading.parallel import cores

    jobs = args.jobs or cores()
    a, n = args.assignment, args.submissions
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="autograde-bench-") as tmp:
        tmp = Path(tmp)
        seq_root, par_root = tmp / "sequential", tmp / "parallel"
        sequential = parallel = None
        if not args.overhead_only:
            students = make_class(seq_root, a, n, args.wrong_every)
            make_class(par_root, a, n, args.wrong_every)
            sequential = run("-m", "nbgrader", "autograde", a, "--create", "--log-level=WARN",
                             cwd=seq_root)
            load.append(os.getloadavg()[0])
            parallel = run("-m", "course.grading", "autograde", a, "--jobs", str(jobs),
                           "--quiet", cwd=par_root)
            load.append(os.getloadavg()[0])
            seq_scores = scores(seq_root, a, students)
            par_scores = scores(par_root, a, students)
            with Gradebook(f"sqlite:///{seq_root / 'gradebook.db'}") as gb:
                max_score = gb.find_assignment(a).max_score
        overhead: dict[str, list[float]] = {}
        if args.sample:
            # One submission per run, the three ways in turn, so that a change of load
            # affects them alike (each run's start-up is in all three alike too).
            configs = (("plain nbgrader (no sandbox, no judge)", PLAIN),
                       ("judged, no sandbox", "\nc.Sandbox.enabled = False\n"),
                       ("judged, sandboxed", ""))
            for i in range(min(args.sample, n)):
                for number, (name, extra) in enumerate(configs):
                    root = tmp / f"sample{i}-{number}"
                    make_class(root, a, 1, 0, extra)
                    overhead.setdefault(name, []).append(
                        run("-m", "nbgrader", "autograde", a, "--create", "--log-level=WARN",
                            cwd=root))
            load.append(os.getloadavg()[0])
    print(f"assignment            {a}")
    if sequential is not None:
        values = list(seq_scores.values())
        print(f"submissions           {n}")
        print(f"sequential            {sequential:.1f} s ({sequential / 60:.1f} min), "
              f"{sequential / n:.1f} s per submission  (nbgrader autograde)")
        print(f"parallel, {jobs} jobs     {parallel:.1f} s ({parallel / 60:.1f} min), "
              f"{parallel / n:.1f} s per submission  (python -m course.grading autograde)")
        print(f"speed-up              {sequential / parallel:.2f}x")
        print(f"same scores           {'yes' if seq_scores == par_scores else 'NO'}")
        print(f"scores                min {min(values):g}, median {statistics.median(values):g}"
              f", max {max(values):g} of {max_score:g} (written answers count 0 until graded "
              "by hand)")
        counts = ", ".join(f"{c} x {score:g}" for score, c in sorted(Counter(values).items()))
        print(f"score counts          {counts}")
    for name, times in overhead.items():
        print(f"one submission        {statistics.median(times):.2f} s  {name} "
              f"(median of {len(times)} runs, nbgrader's start-up included)")
    if len(overhead) == 3:
        plain, bare, boxed = (statistics.median(t) for t in overhead.values())
        print(f"judge's cost          {bare - plain:+.2f} s per submission")
        print(f"sandbox's cost        {boxed - bare:+.2f} s per submission")
    print(f"cpu cores             {os.cpu_count()}, load average "
          + " -> ".join(f"{x:.1f}" for x in load))
    return 0 if sequential is None or seq_scores == par_scores else 1


if __name__ == "__main__":
    sys.exit(main())
