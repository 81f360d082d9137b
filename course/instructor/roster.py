"""The class roster: one CSV file, read by the hub's set-up and by nbgrader's student table.

The format is nbgrader's own (``nbgrader db student import``): a header line and one student a
line, with the columns

=============  ========  ==========================================================
column         needed    what
=============  ========  ==========================================================
``id``         yes       the student's Unix user name on the hub (``a-z``, digits, ``-``, ``_``)
``first_name`` no        shown in the formgrader and in the LMS exports
``last_name``  no        idem
``email``      no        how Moodle (and Canvas, through the SIS login) matches grades to people
``lms_user_id`` no       the student's id in the LMS (Canvas "ID"), if you have it
=============  ========  ==========================================================

``deploy/setup_course.py --roster roster.csv`` makes the Unix accounts from the ``id`` column;
``python -m course.instructor.roster import roster.csv`` (run in the course directory) puts
everyone into nbgrader's gradebook with their names and e-mails, through nbgrader's API.

Example
-------
>>> import io
>>> rows = read_roster(io.StringIO("id,first_name,last_name,email\\n"
...                                "bob,Bob,Jones,bob@example.org\\n"))
>>> rows[0]["id"], rows[0]["email"]
('bob', 'bob@example.org')
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path
from typing import TextIO

USERNAME = re.compile(r"[a-z_][a-z0-9_-]{0,30}")
COLUMNS = ("id", "first_name", "last_name", "email", "lms_user_id")


class RosterError(ValueError):
    """The roster cannot be used; the message says which line and what to fix."""


def read_roster(source: str | Path | TextIO) -> list[dict[str, str]]:
    """The students of a roster CSV (see the module docstring), validated ("-": stdin)."""
    if str(source) == "-":
        return read_roster_rows(sys.stdin, "roster (standard input)")
    if isinstance(source, str | Path):
        name = str(source)
        with open(source, newline="", encoding="utf-8-sig") as fh:
            return read_roster_rows(fh, name)
    return read_roster_rows(source, "roster")


def read_roster_rows(fh: TextIO, name: str) -> list[dict[str, str]]:
    reader = csv.DictReader(fh)
    fields = [f.strip() for f in reader.fieldnames or []]
    if "id" not in fields:
        raise RosterError(f"{name}: the first line must name the columns, with at least 'id' "
                          f"(found {fields or 'nothing'}); e.g. id,first_name,last_name,email")
    unknown = set(fields) - set(COLUMNS)
    if unknown:
        raise RosterError(f"{name}: unknown column(s) {sorted(unknown)}; the columns are "
                          f"{', '.join(COLUMNS)}")
    students, seen = [], set()
    for line, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        sid = row.get("id", "")
        if not USERNAME.fullmatch(sid):
            raise RosterError(f"{name}, line {line}: {sid!r} is not a valid user name (lower-case "
                              "letters, digits, - and _, starting with a letter or _)")
        if sid in seen:
            raise RosterError(f"{name}, line {line}: {sid} is listed twice")
        email = row.get("email", "")
        if email and "@" not in email:
            raise RosterError(f"{name}, line {line}: {email!r} is not an e-mail address")
        seen.add(sid)
        students.append({c: row.get(c, "") for c in COLUMNS})
    return students


def import_roster(students: list[dict[str, str]], db_url: str, course_id: str) -> int:
    """Add or update every student in nbgrader's gradebook; returns how many."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gb:
        for s in students:
            fields = {k: (s.get(k) or None) for k in COLUMNS if k != "id"}
            gb.update_or_create_student(s["id"], **fields)
    return len(students)


def course_directory(path: Path) -> tuple[str, str]:
    """(db_url, course_id) of the nbgrader course directory at ``path``, from its config."""
    import os

    from nbgrader.apps import NbGrader
    from nbgrader.coursedir import CourseDirectory

    here = os.getcwd()
    os.chdir(path)
    try:
        app = NbGrader()
        app.config_file_paths.append(str(path))
        app.load_config_file()
        coursedir = CourseDirectory(config=app.config)
        if not coursedir.root or coursedir.root == "":
            coursedir.root = str(path)
        return coursedir.db_url, coursedir.course_id
    finally:
        os.chdir(here)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m course.instructor.roster",
                                description="Check a roster, or import it into nbgrader's "
                                            "gradebook (names and e-mails for the formgrader "
                                            "and the LMS exports).")
    sub = p.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check a roster file and list its students")
    check.add_argument("roster", type=Path)
    imp = sub.add_parser("import", help="import a roster into the course's gradebook")
    imp.add_argument("roster", type=Path)
    imp.add_argument("--course-dir", type=Path, default=Path.cwd(),
                     help="the nbgrader course directory (default: here)")
    args = p.parse_args(argv)
    try:
        students = read_roster(args.roster)
    except (RosterError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.command == "check":
        for s in students:
            print(f"{s['id']:20s} {s['first_name']} {s['last_name']} <{s['email']}>")
        print(f"{len(students)} students")
        return 0
    db_url, course_id = course_directory(args.course_dir.resolve())
    n = import_roster(students, db_url, course_id)
    print(f"{n} students imported into the gradebook of {course_id} ({db_url})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
