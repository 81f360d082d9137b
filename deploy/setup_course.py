"""Prepare a machine for a course of Inside the Feed on JupyterHub (run as root; idempotent).

Run ``deploy/install.py`` first (the software); this script sets up one course:

1. Unix groups ``formgrade-<course>`` (instructors) and ``nbgrader-<course>`` (everyone in the
   course), and the Unix users that do not exist yet, with private home folders (mode 0700, so no
   student can read another's notebooks or nbgrader's submission cache); students come from the
   roster CSV (``--roster``; its format is in ``course/instructor/roster.py``);
2. nbgrader's exchange: the root (mode 1777, which nbgrader insists on) and the course's folder in
   it, owned by the first instructor and open only to the course's group (mode 0750);
3. each instructor's course directory ``~/<course>``: a clone of the course repository
   (``--course-repo``), made by root and handed to the instructor (no "dubious ownership"), with
   the roster imported into its gradebook (names and e-mails);
4. the per-role Jupyter configuration the spawner points each server at (``JUPYTER_CONFIG_PATH``):
   ``instructor/`` (formgrader with rubrics, course directory ``~/<course>``) and ``student/``
   (the formgrader, create-assignment and course-list tools off), from ``deploy/jupyter/``;
5. ``/etc/profile.d/inside-the-feed.sh`` (the course's tools on PATH in JupyterLab's terminals),
   the course settings file that ``jupyterhub_config.py`` reads, and the systemd unit
   ``inside-the-feed-hub.service``.

Example::

    python3 deploy/setup_course.py --course-id inside-the-feed --instructor alice \\
        --roster roster.csv --course-repo /root/inside-the-feed

Set passwords with ``passwd`` (the hub logs users in with PAM). ``--dry-run`` prints the plan.
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import io
import json
import os
import pwd
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
APP = DEPLOY.parent  # the installed student-only tree (deploy/install.py), or a checkout
USERNAME = re.compile(r"[a-z_][a-z0-9_-]{0,30}")
DEFAULT_PYTHON = Path("/opt/inside-the-feed/venv/bin/python")


def _names(values: list[str]) -> list[str]:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    for name in names:
        if not USERNAME.fullmatch(name):
            raise SystemExit(f"{name!r} is not a valid Unix user name (lower-case letters, "
                             "digits, - and _, starting with a letter or _)")
    return names


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="setup_course.py", description=__doc__.split("\n")[0])
    p.add_argument("--course-id", default="inside-the-feed",
                   help="the course id (letters, digits, -): the exchange folder, the groups, "
                        "and the instructors' ~/<course id>")
    p.add_argument("--instructor", action="append", required=True,
                   help="instructor user name (repeat or comma-separate for several)")
    p.add_argument("--roster", type=Path,
                   help="the class roster, a CSV with columns id,first_name,last_name,email "
                        "(see course/instructor/roster.py)")
    p.add_argument("--students", action="append", default=[],
                   help="more student user names, comma-separated (repeatable)")
    p.add_argument("--course-repo",
                   help="the course repository (a path or URL) to clone into each instructor's "
                        "~/<course id> if it is not there yet")
    p.add_argument("--python", default=str(DEFAULT_PYTHON if DEFAULT_PYTHON.exists()
                                           else sys.executable),
                   help="the Python with the course installed, executable by every user "
                        "(default: deploy/install.py's, else this one)")
    p.add_argument("--exchange", default="/srv/nbgrader/exchange", help="nbgrader's exchange")
    p.add_argument("--etc", default="/etc/inside-the-feed",
                   help="where the settings file and the per-role Jupyter config go")
    p.add_argument("--hub-admin", action="append", default=[],
                   help="JupyterHub admins (the /hub/admin page; they can also open anyone's "
                        "server); default: the first instructor")
    p.add_argument("--port", type=int, default=8000, help="the hub's public port (8000)")
    p.add_argument("--ip", default="127.0.0.1",
                   help="the hub's public address (127.0.0.1: put a TLS proxy in front)")
    p.add_argument("--hub-api-port", type=int, default=8081, help="the hub's internal API port")
    p.add_argument("--proxy-api-port", type=int, default=8001, help="the proxy's API port")
    p.add_argument("--mem-limit", default="2G",
                   help="memory per user, for their server and kernels together (2G; 'none' "
                        "for no limit); see the sizing guide in deploy/README.md")
    p.add_argument("--cpu-limit", type=float, default=1.0,
                   help="CPUs per user (1.0; 0 for no limit)")
    p.add_argument("--cull-idle", type=int, default=3600,
                   help="stop servers idle this many seconds (3600; 0: never)")
    p.add_argument("--data-dir", help="where the course's datasets are, if not in the "
                                      "installed tree (sets INSIDE_THE_FEED_DATA)")
    p.add_argument("--systemd-dir", default="/etc/systemd/system",
                   help="where the hub's unit file goes")
    p.add_argument("--profile-dir", default="/etc/profile.d",
                   help="where the login-shell PATH fix goes")
    p.add_argument("--dry-run", action="store_true", help="print the commands, change nothing")
    args = p.parse_args(argv)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", args.course_id):
        raise SystemExit(f"{args.course_id!r} is not a usable course id (letters, digits, "
                         "., _ and -)")
    args.instructor = _names(args.instructor)
    args.roster_rows = []
    if args.roster:
        sys.path.insert(0, str(APP))
        from course.instructor.roster import RosterError, read_roster

        try:
            args.roster_rows = read_roster(args.roster)
        except (RosterError, OSError) as err:
            raise SystemExit(f"error: {err}") from err
    args.students = list(dict.fromkeys(
        [r["id"] for r in args.roster_rows] + _names(args.students)))
    overlap = set(args.instructor) & set(args.students)
    if overlap:
        raise SystemExit(f"{sorted(overlap)} listed as both instructor and student: pick one")
    args.hub_admin = _names(args.hub_admin) or args.instructor[:1]
    args.mem_limit = None if str(args.mem_limit).lower() in ("none", "0", "") else args.mem_limit
    return args


class Machine:
    """Runs (or, in a dry run, prints) the system changes."""

    def __init__(self, dry_run: bool) -> None:
        self.dry_run = dry_run

    def run(self, *cmd: str, **kw) -> None:
        print("+", shlex.join(cmd))
        if not self.dry_run:
            subprocess.run(cmd, check=True, **kw)

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


def home(user: str) -> Path:
    return Path(pwd.getpwnam(user).pw_dir)


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
        elif not m.dry_run and home(user).stat().st_mode & 0o077:
            print(f"! {user}'s home folder can be read by others; `chmod 700` it so classmates "
                  "cannot read each other's notebooks", file=sys.stderr)
        extra = [graders, members] if user in instructors else [members]
        m.run("usermod", "--append", "--groups", ",".join(extra), user)


def ensure_exchange(m: Machine, exchange: Path, course: str, owner: str) -> None:
    m.mkdir(exchange, 0o1777)  # nbgrader requires rwx for all; the sticky bit stops deletions
    # Only the course's members may enter its folder; nbgrader creates outbound/ (readable),
    # inbound/ (writable, not listable) and feedback/ (not listable) inside at the first release.
    m.mkdir(exchange / course, 0o750, owner=owner, group=f"nbgrader-{course}")


def clone_course(m: Machine, repo: str, instructor: str, course: str) -> None:
    """Clone the course repository into the instructor's home as root, then hand it over.

    Cloning as root and changing the owner afterwards avoids git's "detected dubious ownership"
    (a user cloning a repository owned by root); ``--no-hardlinks`` keeps the clone's objects
    from being the source's files (whose owner would change with them).
    """
    dest = home(instructor) / course if not m.dry_run else Path(f"~{instructor}/{course}")
    if not m.dry_run and dest.exists():
        print(f"= {dest} exists: left as it is (git pull there to update it)")
        return
    m.run("git", "clone", "--quiet", "--no-hardlinks", repo, str(dest))
    upstream = None
    if Path(repo).is_dir():
        done = subprocess.run(["git", "-C", repo, "remote", "get-url", "origin"],
                              capture_output=True, text=True)
        upstream = done.stdout.strip() if done.returncode == 0 else None
    if upstream:  # pull from where the source came from, not from root's private copy
        m.run("git", "-C", str(dest), "remote", "set-url", "origin", upstream)
    elif Path(repo).is_dir():
        m.run("git", "-C", str(dest), "remote", "remove", "origin")
    m.run("chown", "-R", f"{instructor}:{instructor}", str(dest))
    m.run("chmod", "700", str(dest))


def roster_in_gradebook(db: Path, rows: list[dict]) -> bool:
    """True when every roster row is already in nbgrader's gradebook as it is."""
    import sqlite3

    if not db.exists():
        return False
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        try:
            have = {r[0]: r[1:] for r in con.execute(
                "SELECT id, first_name, last_name, email, lms_user_id FROM student")}
        except sqlite3.Error:
            return False
    return all(have.get(r["id"]) == tuple(r.get(k) or None for k in
                                          ("first_name", "last_name", "email", "lms_user_id"))
               for r in rows)


def import_roster(m: Machine, rows: list[dict], instructor: str, course: str,
                  python: str) -> None:
    """Put the roster into the instructor's gradebook, as the instructor (who owns it)."""
    if not rows:
        return
    buf = io.StringIO()
    import csv

    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    where = home(instructor) / course if not m.dry_run else Path(f"~{instructor}/{course}")
    if not m.dry_run and roster_in_gradebook(where / "gradebook.db", rows):
        print(f"= the roster is already in {where / 'gradebook.db'}")
        return
    if not m.dry_run and not (where / "nbgrader_config.py").exists():
        print(f"! {where} is not a course directory yet: import the roster later with "
              f"`python -m course.instructor.roster import roster.csv` there", file=sys.stderr)
        return
    m.run("runuser", "-u", instructor, "--", "env", f"COURSE_ID={course}",
          f"PATH={Path(python).parent}:/usr/bin:/bin", python, "-m",
          "course.instructor.roster", "import", "-", "--course-dir", str(where),
          input=buf.getvalue(), text=True, cwd="/")


def role_configs(course: str) -> dict[str, dict[str, str]]:
    """file name -> text, for the instructor's and the students' Jupyter config folders."""
    load = f"load_subconfig({str(DEPLOY / 'nbgrader_config.py')!r})"
    header = "# Written by deploy/setup_course.py; edit that script, not this file.\n"
    instructor_nbgrader = (
        f"{header}import os\n\nc = get_config()  # noqa: F821\n{load}  # noqa: F821\n"
        f"# The instructor's course directory: a clone of the course repository.\n"
        f"c.CourseDirectory.root = os.path.expanduser('~/{course}')\n")
    student_nbgrader = f"{header}c = get_config()  # noqa: F821\n{load}  # noqa: F821\n"
    files: dict[str, dict[str, str]] = {"instructor": {"nbgrader_config.py": instructor_nbgrader},
                                        "student": {"nbgrader_config.py": student_nbgrader}}
    for role in files:   # settings every role shares (no news prompt), then the role's own
        for base in (DEPLOY / "jupyter" / "common", DEPLOY / "jupyter" / role):
            for path in sorted(base.rglob("*.json")):
                files[role][path.relative_to(base).as_posix()] = path.read_text()
    return files


def check_python(python: str, users: list[str], dry_run: bool) -> None:
    """Every user must be able to run the course's Python (a venv under /root is not)."""
    if dry_run or not users:
        return
    probe = "import jupyterhub, nbgrader, course"
    done = subprocess.run(["runuser", "-u", users[0], "--", python, "-c", probe],
                          capture_output=True, text=True, cwd="/")
    if done.returncode:
        raise SystemExit(
            f"user {users[0]} cannot run {python} with the course installed:\n"
            f"{done.stderr.strip()}\nInstall it with deploy/install.py (under /opt, readable "
            "by everyone) and pass its Python with --python.")


def unit_file(args: argparse.Namespace, etc: Path) -> str:
    bin_dir = Path(args.python).parent
    tools = bin_dir.parent.parent / "tools" / "node_modules" / ".bin"
    return (DEPLOY / "inside-the-feed-hub.service").read_text().format(
        course_id=args.course_id, state_dir=etc / "state", settings=etc / "course.json",
        tools=tools, bin=bin_dir, hub_config=DEPLOY / "jupyterhub_config.py")


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
    m.mkdir(etc / "hub.d", 0o700)
    for role, files in role_configs(course).items():
        for name, text in files.items():
            m.write(etc / "jupyter" / role / name, text)
    settings = {
        "course_id": course, "instructors": args.instructor, "students": args.students,
        "python": args.python, "exchange": str(exchange), "jupyter_config": str(etc / "jupyter"),
        "etc": str(etc), "state_dir": str(etc / "state"), "hub_admins": args.hub_admin,
        "ip": args.ip, "ports": {"hub": args.port, "hub_api": args.hub_api_port,
                                 "proxy_api": args.proxy_api_port},
        "mem_limit": args.mem_limit, "cpu_limit": args.cpu_limit or None,
        "cull_idle_seconds": args.cull_idle, "data_dir": args.data_dir,
    }
    m.write(etc / "course.json", json.dumps(settings, indent=1) + "\n")
    m.write(Path(args.profile_dir) / "inside-the-feed.sh",
            (DEPLOY / "inside-the-feed.sh").read_text())
    m.write(Path(args.systemd_dir) / "inside-the-feed-hub.service", unit_file(args, etc))
    check_python(args.python, args.students or args.instructor, args.dry_run)
    if args.course_repo:
        for instructor in args.instructor:
            clone_course(m, args.course_repo, instructor, course)
    import_roster(m, args.roster_rows, args.instructor[0], course, args.python)
    running = shutil.which("systemctl") and Path("/run/systemd/system").is_dir()
    print(f"Course {course!r} ready. Start the hub "
          + ("with: systemctl daemon-reload && systemctl enable --now inside-the-feed-hub"
             if running else f"(no systemd here) with: COURSE_SETTINGS={etc / 'course.json'} "
             f"{Path(args.python).parent / 'jupyterhub'} -f {DEPLOY / 'jupyterhub_config.py'}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
