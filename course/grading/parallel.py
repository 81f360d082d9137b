"""Autograde a whole class at once: ``python -m course.grading autograde <assignment> --jobs N``.

nbgrader grades one submission after another (its issue #174). This command, run in the course
directory, grades ``N`` submissions at a time (default: the number of cores) and gives exactly
the scores of ``nbgrader autograde``, because nbgrader itself still does all the bookkeeping:

1. ``N`` worker processes each run nbgrader's own autograde for one student after another, on a
   private copy of ``gradebook.db`` and into a private scratch folder. Their
   :class:`~course.grading.execute.JudgedExecute` (sandbox, judge, delegation check: the same
   code as always) stores each executed notebook in a private cache, keyed by a hash of the
   sanitized notebook, the settings and the student;
2. as results arrive, this process runs nbgrader's autograde for that student on the real
   course directory, one at a time. Its ``JudgedExecute`` finds the notebook it is about to run
   in the cache and takes the result instead of running it again; everything else (copying
   files, restoring test cells, late penalties, scores in ``gradebook.db``, the ``autograded``
   folder) is nbgrader's, as in a sequential run, and one process writes the gradebook.

So the formgrader shows the results as usual, and its own per-submission autograde button keeps
working (sandboxed and judged, just not parallel). Without ``--force``, submissions already
autograded are left alone, as with ``nbgrader autograde``.

Example
-------
>>> parser = __import__("argparse").ArgumentParser()
>>> add_arguments(parser)
>>> parser.parse_args(["08-capstone", "--jobs", "4"]).jobs
4
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import queue
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help="the assignment id, e.g. 08-capstone")
    parser.add_argument("--jobs", "-j", type=int, default=cores(),
                        help="submissions graded at once (default: the number of cores)")
    parser.add_argument("--student", default="*",
                        help="only students whose id matches this pattern (default: all)")
    parser.add_argument("--force", action="store_true",
                        help="regrade submissions that were already autograded")
    parser.add_argument("--no-create", dest="create", action="store_false",
                        help="do not add unknown students to the gradebook")
    parser.add_argument("--course-dir", default=".",
                        help="the course directory (default: the current folder)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")


def _config(course: Path, extra: dict[str, dict[str, Any]] | None = None):
    """nbgrader's configuration as ``nbgrader`` would load it in ``course``."""
    from nbgrader.apps.nbgraderapp import NbGraderApp
    from traitlets.config import Config

    here = os.getcwd()
    os.chdir(course)
    try:
        app = NbGraderApp()
        app.initialize([])
        config = Config(app.config)
    finally:
        os.chdir(here)
    config.CourseDirectory.root = str(course)
    for section, values in (extra or {}).items():
        for key, value in values.items():
            config[section][key] = value
    return config


def _api(config):
    from nbgrader.apps import NbGraderAPI

    return NbGraderAPI(config=config)


def _copy_gradebook(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite gradebook (the backup API, safe while others read it)."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, \
            sqlite3.connect(target) as dst:
        src.backup(dst)


# -- worker: phase 1 ------------------------------------------------------------------------------
def worker(argv: list[str]) -> int:
    """``python -m course.grading.parallel worker <course> <scratch> <assignment> <create>``:
    autograde the students named on stdin (one per line) into the scratch folder."""
    course, scratch, assignment, create = Path(argv[0]), Path(argv[1]), argv[2], argv[3] == "1"
    config = _config(course, {
        "CourseDirectory": {"db_url": f"sqlite:///{scratch / 'gradebook.db'}",
                            "autograded_directory": str(scratch / "autograded")},
        "JudgedExecute": {"results_cache": str(scratch.parent / "cache"),
                          "cache_role": "produce"},
    })
    api = _api(config)
    for line in sys.stdin:
        student = line.strip()
        if not student:
            continue
        result = api.autograde(assignment, student, force=True, create=create)
        print(json.dumps({"student": student, "success": bool(result.get("success")),
                          "error": (result.get("error") or "")[-2000:]}), flush=True)
    return 0


# -- the command ---------------------------------------------------------------------------------
def autograde(course: Path, assignment: str, jobs: int, student: str = "*",
              force: bool = False, create: bool = True, log=print) -> dict[str, Any]:
    """Autograde every submission of ``assignment`` in ``course``, ``jobs`` at a time.

    Returns ``{"graded": [...], "failed": {student: error}, "seconds": float}``.
    """
    from course.grading import sandbox

    course = Path(course).resolve()
    config = _config(course)
    api = _api(config)
    sandbox.check(sandbox.Sandbox(config=config))
    students = sorted(s for s in api.get_submitted_students(assignment)
                      if fnmatch.fnmatchcase(s, student))
    if not force:
        students = [s for s in students if not Path(api.coursedir.format_path(
            api.coursedir.autograded_directory, s, assignment)).exists()]
    start = time.perf_counter()
    failed: dict[str, str] = {}
    graded: list[str] = []
    if not students:
        log(f"nothing to grade for {assignment} (use --force to regrade)")
        return {"graded": graded, "failed": failed, "seconds": 0.0}
    db = Path(api.coursedir.db_url.removeprefix("sqlite:///"))
    scratch = Path(tempfile.mkdtemp(prefix="itf-autograde-"))
    (scratch / "cache").mkdir()
    ready: queue.Queue[tuple[str, bool, str]] = queue.Queue()
    todo: queue.Queue[str | None] = queue.Queue()
    for s in students:
        todo.put(s)
    jobs = max(1, min(jobs, len(students)))

    def run_worker(number: int) -> None:
        folder = scratch / f"worker{number}"
        folder.mkdir()
        if db.exists():
            _copy_gradebook(db, folder / "gradebook.db")
        proc = subprocess.Popen(
            [sys.executable, "-m", "course.grading.parallel", "worker", str(course),
             str(folder), assignment, "1" if create else "0"],
            cwd=course, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=open(folder / "log.txt", "w"), text=True,  # noqa: SIM115
            env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                 f"{os.environ.get('PATH', '')}"})
        while True:
            try:
                name = todo.get_nowait()
            except queue.Empty:
                break
            proc.stdin.write(name + "\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
            if not line:
                ready.put((name, False, "the worker stopped"))
                break
            msg = json.loads(line)
            ready.put((name, msg["success"], msg["error"]))
        proc.stdin.close()
        proc.wait()

    threads = [threading.Thread(target=run_worker, args=(i,), daemon=True) for i in range(jobs)]
    for thread in threads:
        thread.start()
    # phase 2: nbgrader's own autograde, one student at a time, using the results computed ahead
    final = _api(_config(course, {"JudgedExecute": {"results_cache": str(scratch / "cache"),
                                                   "cache_role": "consume"}}))
    try:
        for _ in students:
            name, ok, error = ready.get()
            if not ok:
                log(f"  {name}: computing ahead failed; grading it directly")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = final.autograde(assignment, name, force=True, create=create)
            if result.get("success"):
                graded.append(name)
                ahead = "" if "computed ahead" in (result.get("log") or "") else \
                    " (graded directly)"
                log(f"  graded {name} ({len(graded)}/{len(students)}){ahead}")
            else:
                failed[name] = (result.get("error") or result.get("log") or "")[-3000:]
                log(f"  FAILED {name}: {failed[name].strip().splitlines()[-1:]}")
    finally:
        for thread in threads:
            thread.join(timeout=5)
        shutil.rmtree(scratch, ignore_errors=True)
    return {"graded": graded, "failed": failed, "seconds": time.perf_counter() - start}


def run_from_args(args: argparse.Namespace) -> int:
    log = (lambda *a: None) if args.quiet else print
    result = autograde(Path(args.course_dir), args.assignment, args.jobs, args.student,
                       args.force, args.create, log=log)
    n = len(result["graded"])
    print(f"autograded {n} submission(s) of {args.assignment} in {result['seconds']:.1f} s "
          f"with {args.jobs} job(s)" + (f"; {len(result['failed'])} failed: "
                                        f"{', '.join(sorted(result['failed']))}"
                                        if result["failed"] else ""))
    return 1 if result["failed"] else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "worker":
        return worker(argv[1:])
    parser = argparse.ArgumentParser(prog="course-autograde", description=__doc__.split("\n")[0])
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
