"""The course's nbgrader exchange (course/instructor/exchange.py) with real nbgrader commands.

Fast checks of what the hub end-to-end test also drives through JupyterLab: forged submissions
are refused at collection (needs root, to give files to other users), and fetching again after a
corrected release keeps a student's work and brings the fix beside it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXCHANGE = "course.instructor.exchange"
COURSE = "unit-course"


def nbgrader(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--course={COURSE}"],
                          cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PATH": path, **(env or {})})


def config(root: Path, exchange: Path) -> None:
    (root / "nbgrader_config.py").write_text(f"""
c = get_config()
c.CourseDirectory.root = {str(root)!r}
c.Exchange.root = {str(exchange)!r}
c.Exchange.path_includes_course = True
c.ExchangeFactory.collect = "{EXCHANGE}.CheckedExchangeCollect"
c.ExchangeFactory.fetch_assignment = "{EXCHANGE}.UpdatingExchangeFetchAssignment"
c.ExchangeFactory.list = "{EXCHANGE}.UpdatingExchangeList"
""")


def submission(inbound: Path, student: str, stamp: str, owner: str, text: str) -> Path:
    folder = inbound / f"{student}+a1+2026-01-0{stamp} 10:00:00.000000 UTC+xyz{stamp}"
    folder.mkdir()
    (folder / "a1.ipynb").write_text(text)
    (folder / "timestamp.txt").write_text(f"2026-01-0{stamp} 10:00:00.000000 UTC")
    uid = pwd.getpwnam(owner).pw_uid
    for p in (folder, *folder.iterdir()):
        os.chown(p, uid, -1)
    return folder


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make files of other users")
def test_collect_refuses_forgeries_and_keeps_the_real_submission(tmp_path):
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    course.mkdir()
    inbound = exchange / COURSE / "inbound"
    inbound.mkdir(parents=True)
    config(course, exchange)
    submission(inbound, "nobody", "1", "nobody", "the real one")
    submission(inbound, "nobody", "2", "daemon", "forged, newer")  # another user's files
    linked = submission(inbound, "daemon", "3", "daemon", "with a link")
    (linked / "secret").symlink_to("/etc/shadow")
    os.lchown(linked / "secret", pwd.getpwnam("daemon").pw_uid, -1)
    done = nbgrader("collect", "a1", cwd=course)
    assert done.returncode == 0, done.stderr
    log = done.stdout + done.stderr
    assert "REFUSED nobody+a1+2026-01-02" in log and "belongs to daemon" in log, log
    assert "REFUSED daemon+a1+2026-01-03" in log and "secret is a link" in log, log
    got = course / "submitted" / "nobody" / "a1" / "a1.ipynb"
    assert got.read_text() == "the real one"
    assert not (course / "submitted" / "daemon").exists()


def test_fetching_again_keeps_work_and_brings_the_fix(tmp_path):
    course, exchange, home = tmp_path / "course", tmp_path / "exchange", tmp_path / "home"
    for d in (course, home):
        d.mkdir()
    config(course, exchange)
    shutil.copy(course / "nbgrader_config.py", home / "nbgrader_config.py")
    outbound = exchange / COURSE / "outbound" / "a1"
    outbound.mkdir(parents=True)
    env = {"JUPYTER_DATA_DIR": str(tmp_path / "data")}
    (outbound / "a1.ipynb").write_text("release 1")
    (outbound / "b.ipynb").write_text("other 1")
    assert nbgrader("fetch_assignment", "a1", cwd=home, env=env).returncode == 0
    mine = home / COURSE / "a1"
    (mine / "a1.ipynb").write_text("release 1 + my answers")
    (outbound / "a1.ipynb").write_text("release 2")
    (outbound / "b.ipynb").write_text("other 2")
    listed = nbgrader("list", cwd=home, env=env)
    assert "updated since you fetched it" in listed.stdout + listed.stderr
    done = nbgrader("fetch_assignment", "a1", cwd=home, env=env)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert (mine / "a1.ipynb").read_text() == "release 1 + my answers"
    assert (mine / "a1.updated.ipynb").read_text() == "release 2"
    assert (mine / "b.ipynb").read_text() == "other 2"  # untouched: replaced
    assert "saved beside it as a1.updated.ipynb" in log and "Updated b.ipynb" in log, log
    listed = nbgrader("list", cwd=home, env=env)
    assert "updated since" not in listed.stdout + listed.stderr
