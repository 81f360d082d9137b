"""Grades out of nbgrader into the CSV files Canvas and Moodle import, with names and e-mails.

Two nbgrader export plugins (nbgrader's ``ExportPlugin`` API, used by ``nbgrader export``)::

    nbgrader export --exporter=course.instructor.lms.CanvasExport --to canvas-grades.csv
    nbgrader export --exporter=course.instructor.lms.MoodleExport --to moodle-grades.csv

or ``python -m course.instructor.lms canvas|moodle [--to FILE]`` in the course directory. One
row per student of the gradebook (import the roster first: names and e-mails come from it), one
column per assignment, the score after the late penalty; a student who did not submit gets 0.

* **Canvas** (Grades -> Import): the columns of Canvas's own gradebook export, ``Student``
  ("Last, First"), ``ID`` (the roster's ``lms_user_id``, Canvas's user id), ``SIS User ID``
  (blank), ``SIS Login ID`` (the hub user name; Canvas matches a row by ID, SIS User ID or SIS
  Login ID), ``Section``, then one column per assignment and a second ``Points Possible`` row.
  A column name that matches no Canvas assignment creates one.
* **Moodle** (Grades -> Import -> CSV file): ``First name``, ``Last name``, ``ID number`` (the
  roster's ``lms_user_id``), ``Email address``, then one column per assignment. In the import
  form map *Email address* to the users' e-mail addresses and each assignment column to its grade
  item (or to a new one).

Example
-------
>>> rows = grade_rows([], [])
>>> rows
[]
"""

from __future__ import annotations

import argparse
import csv
import sys

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin
from traitlets import Unicode


def _score(gradebook: Gradebook, assignment: str, student: str) -> float:
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return 0.0
    return max(0.0, submission.score - (submission.late_submission_penalty or 0.0))


def grade_rows(students: list, assignments: list,
               gradebook: Gradebook | None = None) -> list[dict]:
    """One dict per student: ``student`` (the gradebook row) and ``scores`` by assignment."""
    return [{"student": s, "scores": {a.name: round(_score(gradebook, a.name, s.id), 2)
                                      for a in assignments}} for s in students]


class LmsExport(ExportPlugin):
    """What the Canvas and Moodle exports share: which students, which assignments, where."""

    default_file = "grades.csv"

    def selection(self, gradebook: Gradebook) -> tuple[list, list]:
        assignments = [a for a in gradebook.assignments
                       if not self.assignment or a.name in self.assignment]
        students = [s for s in gradebook.students
                    if not self.student or s.id in map(str, self.student)]
        return sorted(students, key=lambda s: (s.last_name or "", s.first_name or "", s.id)), \
            sorted(assignments, key=lambda a: a.name)

    def export(self, gradebook: Gradebook) -> None:
        dest = self.to or self.default_file
        students, assignments = self.selection(gradebook)
        missing = [s.id for s in students if not s.email]
        if missing:
            self.log.warning("%d student(s) have no e-mail in the gradebook (%s); import the "
                             "roster: python -m course.instructor.roster import roster.csv",
                             len(missing), ", ".join(missing[:5]))
        with open(dest, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            self.write(writer, grade_rows(students, assignments, gradebook), assignments)
        self.log.info("Wrote %s: %d students x %d assignments", dest, len(students),
                      len(assignments))

    def write(self, writer, rows: list[dict], assignments: list) -> None:
        raise NotImplementedError


class CanvasExport(LmsExport):
    """Canvas's gradebook CSV (see the module docstring)."""

    default_file = "canvas-grades.csv"
    section = Unicode("", help="the Section column (blank: Canvas keeps each student's)"
                      ).tag(config=True)

    def write(self, writer, rows, assignments) -> None:
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                         *[a.name for a in assignments]])
        writer.writerow(["    Points Possible", "", "", "", "",
                         *[f"{a.max_score:g}" for a in assignments]])
        for row in rows:
            s = row["student"]
            name = ", ".join(p for p in (s.last_name, s.first_name) if p) or s.id
            writer.writerow([name, s.lms_user_id or "", "", s.id, self.section,
                             *[f"{row['scores'][a.name]:g}" for a in assignments]])


class MoodleExport(LmsExport):
    """Moodle's grade import CSV (see the module docstring)."""

    default_file = "moodle-grades.csv"

    def write(self, writer, rows, assignments) -> None:
        writer.writerow(["First name", "Last name", "ID number", "Email address",
                         *[a.name for a in assignments]])
        for row in rows:
            s = row["student"]
            writer.writerow([s.first_name or "", s.last_name or "", s.lms_user_id or "",
                             s.email or "", *[f"{row['scores'][a.name]:g}" for a in assignments]])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m course.instructor.lms",
                                description="Export grades for Canvas or Moodle (run in the "
                                            "course directory).")
    p.add_argument("lms", choices=["canvas", "moodle"])
    p.add_argument("--to", help="output file (default: canvas-grades.csv / moodle-grades.csv)")
    p.add_argument("--assignment", action="append", default=[], help="only these (repeatable)")
    args = p.parse_args(argv)
    from nbgrader.apps.exportapp import ExportApp

    exporter = {"canvas": CanvasExport, "moodle": MoodleExport}[args.lms]
    cli = ["--log-level=INFO", f"--exporter={exporter.__module__}.{exporter.__name__}"]
    if args.to:
        cli.append(f"--to={args.to}")
    for a in args.assignment:
        cli.append(f"--assignment={a}")
    ExportApp.launch_instance(cli)
    return 0


if __name__ == "__main__":
    sys.exit(main())
