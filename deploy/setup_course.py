"""Prepare a machine for a course of Inside the Feed on JupyterHub (run as root; idempotent).

Creates what ``deploy/jupyterhub_config.py`` and nbgrader need:

1. Unix groups ``formgrade-<course>`` (instructors) and ``nbgrader-<course>`` (everyone in the
   course), and the Unix users that do not exist yet, with private home folders (mode 0700, so no
   student can read another's notebooks or nbgrader's submission cache);
2. nbgrader's exchange: the root (mode 1777, which nbgrader insists on) and the course's folder in
   it, owned by the first instructor and open only to the course's group (mode 0750);
3. the per-role Jupyter configuration the spawner points each server at (``JUPYTER_CONFIG_PATH``):
   ``instructor/`` (formgrader on, course directory ``~/<course>``) and ``student/`` (formgrader
   and the create-assignment tools off);
4. the course settings file that ``jupyterhub_config.py`` reads.

Example::

    python deploy/setup_course.py --course-id inside-the-feed --instructor alice \\
        --students bob,carol --python /opt/inside-the-feed/.venv/bin/python

Set passwords with ``passwd`` (the hub logs users in with PAM). ``--dry-run`` prints the plan.
"""

from __future__ import annotations

import argparse
import grp
import json
import os
import pwd
import re
import shlex
import subprocess
import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
USERNAME = re.compile(r"[a-z_][a-z0-9_-]{0,30}")

#: nbgrader's JupyterLab plugins a student never needs.
STUDENT_DISABLED_LAB_PLUGINS = {
    "@jupyter/nbgrader:formgrader": True,
    "@jupyter/nbgrader:create-assignment": True,
    "@jupyter/nbgrader:course-list": True,
}


def _names(values: list[str]) -> list[str]:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    for name in names:
        if not USERNAME.fullmatch(name):
            raise SystemExit(f"{name!r} is not a valid Unix user name (lower-case letters, "
                             "digits, - and _, starting with a letter or _)")
    return names


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="setup_course.py", description=__doc__.split("\n")[0])
    p.add_argument("--course-id", default="inside-the-feed")
    p.add_argument("--instructor", action="append", required=True,
                   help="instructor user name (repeat or comma-separate for several)")
    p.add_argument("--students", action="append", default=[],
                   help="student user names, comma-separated (repeatable)")
    p.add_argument("--students-file", type=Path, help="a file with one student user name a line")
    p.add_argument("--python", default=sys.executable,
                   help="the Python with the course installed, executable by every user "
                        "(default: this one)")
    p.add_argument("--exchange", default="/srv/nbgrader/exchange", help="nbgrader's exchange")
    p.add_argument("--etc", default="/etc/inside-the-feed",
                   help="where the settings file and the per-role Jupyter config go")
    p.add_argument("--hub-admin", action="append", default=[],
                   help="JupyterHub admins (can open anyone's server; default: none)")
    p.add_argument("--dry-run", action="store_true", help="print the commands, change nothing")
    args = p.parse_args(argv)
    args.instructor = _names(args.instructor)
    students = list(args.students)
    if args.students_file:
        students += args.students_file.read_text().split()
    args.students = _names(students)
    overlap = set(args.instructor) & set(args.students)
    if overlap:
        raise SystemExit(f"{sorted(overlap)} listed as both instructor and student: pick one")
    return args


class Machine:
    """Runs (or, in a dry run, prints) the system changes."""

    def __init__(self, dry_run: bool) -> None:
        self.dry_run = dry_run

    def run(self, *cmd: str) -> None:
        print("+", shlex.join(cmd))
        if not self.dry_run:
            subprocess.run(cmd, check=True)

    def write(self, path: Path, text: str, mode: int = 0o644) -> None:
        print(f"+ write {path} ({oct(mode)})")
        if not self.dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            path.chmod(mode)

    def mkdir(self, path: Path, mode: int, owner: str = "root", group: str = "root") -> None:
        print(f"+ mkdir {path} ({oct(mode)}, {owner}:{group})")
        if not self.dry_run:
            path.mkdir(parents=True, exist_ok=True)
            os.chown(path, pwd.getpwnam(owner).pw_uid, grp.getgrnam(group).gr_gid)
            path.chmod(mode)


def _exists(name: str, db) -> bool:
    try:
        db(name)
        return True
    except KeyError:
        return False


def ensure_groups_and_users(m: Machine, course: str, instructors: list[str],
                            students: list[str]) -> None:
    graders, members = f"formgrade-{course}", f"nbgrader-{course}"
    for group in (graders, members):
        if not _exists(group, grp.getgrnam):
            m.run("groupadd", group)
    for user in instructors + students:
        if not _exists(user, pwd.getpwnam):
            m.run("useradd", "--create-home", "--key", "HOME_MODE=0700", "--shell", "/bin/bash",
                  user)
        elif not m.dry_run and Path(pwd.getpwnam(user).pw_dir).stat().st_mode & 0o077:
            print(f"! {user}'s home folder can be read by others; `chmod 700` it so classmates "
                  "cannot read each other's notebooks", file=sys.stderr)
        extra = [graders, members] if user in instructors else [members]
        m.run("usermod", "--append", "--groups", ",".join(extra), user)


def ensure_exchange(m: Machine, exchange: Path, course: str, owner: str) -> None:
    m.mkdir(exchange, 0o1777)  # nbgrader requires rwx for all; the sticky bit stops deletions
    # Only the course's members may enter its folder; nbgrader creates outbound/ (readable),
    # inbound/ (writable, not listable) and feedback/ (not listable) inside at the first release.
    m.mkdir(exchange / course, 0o750, owner=owner, group=f"nbgrader-{course}")


def role_configs(course: str) -> dict[str, dict[str, str]]:
    """file name -> text, for the instructor's and the students' Jupyter config folders."""
    load = f"load_subconfig({str(DEPLOY / 'nbgrader_config.py')!r})"
    header = "# Written by deploy/setup_course.py; edit that script, not this file.\n"
    instructor_nbgrader = (
        f"{header}import os\n\nc = get_config()  # noqa: F821\n{load}  # noqa: F821\n"
        f"# The instructor's course directory: a clone of the course repository.\n"
        f"c.CourseDirectory.root = os.path.expanduser('~/{course}')\n")
    student_nbgrader = f"{header}c = get_config()  # noqa: F821\n{load}  # noqa: F821\n"
    instructor_server = {"ServerApp": {"jpserver_extensions": {
        "nbgrader.server_extensions.formgrader": True,
        "nbgrader.server_extensions.assignment_list": True,
        "nbgrader.server_extensions.course_list": True,
        "nbgrader.server_extensions.validate_assignment": True}}}
    student_server = {"ServerApp": {"jpserver_extensions": {
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False,
        "nbgrader.server_extensions.assignment_list": True,
        "nbgrader.server_extensions.validate_assignment": True}}}
    return {
        "instructor": {"nbgrader_config.py": instructor_nbgrader,
                       "jupyter_server_config.json": json.dumps(instructor_server, indent=1)},
        "student": {"nbgrader_config.py": student_nbgrader,
                    "jupyter_server_config.json": json.dumps(student_server, indent=1),
                    "labconfig/page_config.json": json.dumps(
                        {"disabledExtensions": STUDENT_DISABLED_LAB_PLUGINS}, indent=1)},
    }


def check_python(python: str, users: list[str], dry_run: bool) -> None:
    """Every user must be able to run the course's Python (a venv under /root is not)."""
    if dry_run or not users:
        return
    probe = "import jupyterhub, nbgrader, course"
    done = subprocess.run(["runuser", "-u", users[0], "--", python, "-c", probe],
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(
            f"user {users[0]} cannot run {python} with the course installed:\n"
            f"{done.stderr.strip()}\nInstall the course where every user can read it (for "
            "example /opt/inside-the-feed, folders mode 755) and pass its Python with --python.")


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if os.geteuid() != 0 and not args.dry_run:
        raise SystemExit("run as root (it creates users, groups and /srv folders), "
                         "or add --dry-run to see what it would do")
    m = Machine(args.dry_run)
    course, etc, exchange = args.course_id, Path(args.etc), Path(args.exchange)
    ensure_groups_and_users(m, course, args.instructor, args.students)
    ensure_exchange(m, exchange, course, owner=args.instructor[0])
    m.mkdir(etc, 0o755)
    m.mkdir(etc / "state", 0o700)
    for role, files in role_configs(course).items():
        for name, text in files.items():
            m.write(etc / "jupyter" / role / name, text)
    settings = {
        "course_id": course, "instructors": args.instructor, "students": args.students,
        "python": args.python, "exchange": str(exchange), "jupyter_config": str(etc / "jupyter"),
        "state_dir": str(etc / "state"), "hub_admins": args.hub_admin,
    }
    m.write(etc / "course.json", json.dumps(settings, indent=1) + "\n")
    check_python(args.python, args.students or args.instructor, args.dry_run)
    print(f"Course {course!r} ready: start the hub with "
          f"COURSE_SETTINGS={etc / 'course.json'} jupyterhub -f {DEPLOY / 'jupyterhub_config.py'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
