"""Due dates, per-student extensions and a late penalty, applied when autograding.

nbgrader keeps a due date per assignment (``nbgrader db assignment add 01-engagement-metrics
--duedate="2025-10-06 17:00:00 Europe/London"``, or the formgrader's *Manage Assignments* page),
an optional extension per student and submission (its gradebook's ``grant_extension``), and asks a
*late-submission plugin* for the penalty of every late notebook while autograding. This module
is that plugin, and a small tool for extensions:

* :class:`LatePolicy` (``c.AssignLatePenalties.plugin_class`` in the course's
  ``nbgrader_config.py``): a grace period, then ``percent_per_day`` of the notebook's score off
  for each started day late, and zero after ``max_days_late`` days. Defaults: 15 minutes grace,
  10% a day, zero after 7 days; change them with ``c.LatePolicy.percent_per_day = ...`` etc.
* Extensions live in ``extensions.csv`` in the course directory (``student_id,assignment_id,
  hours``), written by ``python -m course.instructor.late extend STUDENT ASSIGNMENT --days 2``.
  A submission is only in the gradebook once it has been autograded, so the plugin grants the
  extension through nbgrader's API when it grades that submission (and the tool grants it at
  once when the submission is already there): the formgrader and ``nbgrader export`` then show
  the extended due date and the penalty actually applied.

Example
-------
>>> policy = LatePolicy()
>>> policy.penalty(score=10, seconds_late=10 * 60)        # within the grace period
0.0
>>> policy.penalty(score=10, seconds_late=26 * 3600)      # two started days late: 20%
2.0
>>> policy.penalty(score=10, seconds_late=8 * 86400)      # more than a week: nothing left
10.0
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
from pathlib import Path

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

EXTENSIONS_FILE = "extensions.csv"


def read_extensions(path: Path) -> dict[tuple[str, str], float]:
    """(student_id, assignment_id) -> extra hours, from an extensions CSV (missing: none)."""
    if not path.exists():
        return {}
    with open(path, newline="") as fh:
        return {(r["student_id"], r["assignment_id"]): float(r["hours"])
                for r in csv.DictReader(fh)}


def write_extension(path: Path, student: str, assignment: str, hours: float) -> None:
    """Record (or replace, or with 0 hours remove) one extension in the CSV file."""
    table = read_extensions(path)
    if hours > 0:
        table[(student, assignment)] = hours
    else:
        table.pop((student, assignment), None)
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student_id", "assignment_id", "hours"])
        for (s, a), h in sorted(table.items()):
            writer.writerow([s, a, f"{h:g}"])


class LatePolicy(LateSubmissionPlugin):
    """Grace period, a share of the score off per started day late, zero after a limit."""

    grace_minutes = Float(15, help="minutes after the due date that still count as on time"
                          ).tag(config=True)
    percent_per_day = Float(10, help="percent of the notebook's score lost per started day "
                            "late").tag(config=True)
    max_days_late = Float(7, help="after this many days late the notebook scores zero"
                          ).tag(config=True)

    def penalty(self, score: float, seconds_late: float) -> float:
        """The points taken off a notebook that scored ``score`` and came ``seconds_late``."""
        if seconds_late <= self.grace_minutes * 60:
            return 0.0
        days = seconds_late / 86400
        if days > self.max_days_late:
            return float(score)
        return round(min(score, score * self.percent_per_day / 100 * math.ceil(days)), 4)

    def _apply_extension(self, student_id: str) -> float | None:
        """Grant the student's recorded extension in the gradebook; the new seconds late."""
        parent = self.parent  # nbgrader's AssignLatePenalties preprocessor
        assignment_id = getattr(parent, "assignment_id", None)
        gradebook = getattr(parent, "gradebook", None)
        if assignment_id is None or gradebook is None:
            return None
        root = Path(getattr(getattr(parent, "coursedir", None), "root", "") or os.getcwd())
        hours = read_extensions(root / EXTENSIONS_FILE).get((student_id, assignment_id))
        if not hours:
            return None
        gradebook.grant_extension(assignment_id, student_id, hours=hours)
        submission = gradebook.find_submission(assignment_id, student_id)
        self.log.info("%s has an extension of %g hours for %s", student_id, hours, assignment_id)
        return submission.total_seconds_late

    def late_submission_penalty(self, student_id: str, score: float,
                                total_seconds_late: float) -> float:
        late = self._apply_extension(student_id)
        if late is not None:
            total_seconds_late = late
        points = self.penalty(score, total_seconds_late)
        self.log.warning("%s: %.1f hours late, late penalty %g of %g points", student_id,
                         total_seconds_late / 3600, points, score)
        return points


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m course.instructor.late",
                                description="Grant a student more time for one assignment "
                                            "(run in the course directory).")
    sub = p.add_subparsers(dest="command", required=True)
    ext = sub.add_parser("extend", help="give STUDENT more time for ASSIGNMENT")
    ext.add_argument("student")
    ext.add_argument("assignment")
    ext.add_argument("--days", type=float, default=0)
    ext.add_argument("--hours", type=float, default=0)
    sub.add_parser("list", help="list the extensions")
    args = p.parse_args(argv)
    path = Path.cwd() / EXTENSIONS_FILE
    if args.command == "list":
        for (s, a), h in sorted(read_extensions(path).items()):
            print(f"{s:20s} {a:35s} +{h:g} h")
        return 0
    hours = args.days * 24 + args.hours
    write_extension(path, args.student, args.assignment, hours)
    from course.instructor.roster import course_directory

    db_url, course_id = course_directory(Path.cwd())
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id) as gb:
        try:
            gb.grant_extension(args.assignment, args.student, hours=hours)
            now = " and in the gradebook (autograde again to recompute the penalty)"
        except MissingEntry:
            now = "; it is granted when the submission is autograded"
    print(f"{args.student}: {hours:g} hours more for {args.assignment}, recorded in "
          f"{EXTENSIONS_FILE}{now}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
