"""End to end on a real JupyterHub: release, fetch, submit, collect, autograde, feedback.

The test sets up a course exactly as an instructor would with ``deploy/`` (real Unix users made by
``deploy/setup_course.py``, nbgrader's exchange, the per-role Jupyter configuration), starts
JupyterHub with ``deploy/jupyterhub_config.py`` on loopback behind configurable-http-proxy, and has
the hub spawn each user's server as that Unix user. Everything then goes through HTTP, the way the
JupyterLab buttons do it:

1. the instructor's formgrader generates and releases a tiny assignment (``add``: 2 points,
   ``square``: 1 point);
2. two students fetch it through their own servers' assignment-list API, edit it through the
   contents API (one solves it, one gets ``add`` wrong) and submit it;
3. the instructor collects, autogrades, generates and releases feedback;
4. the students fetch their feedback.

It then checks the scores (3 and 1 of 3), that the feedback shows the right score and no hidden
test, and, by running commands as the other student (``runuser``), that no student can read the
other's work, submission cache or submission (even at its exact path in the exchange), list the
exchange's inbox or feedback, or read the instructor's
course directory (the hidden tests and the gradebook); and that a user outside the course cannot
enter the course's exchange at all.

Needs root (to create users); skipped otherwise. configurable-http-proxy must be installed
(``./run test`` installs it into .tools/). Everything the test creates (users, groups, homes,
folders, processes) is removed at the end, even when it fails. About a minute on 2 cores.
"""

from __future__ import annotations

import contextlib
import copy
import html
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
sys.path.insert(0, str(ROOT / "tests"))
from test_grading_robustness import ADD_RIGHT, ADD_WRONG, tiny_assignment  # noqa: E402

pytestmark = [
    pytest.mark.hub,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the test creates Unix users for "
                       "the instructor and students, and the hub spawns servers as them"),
]

ASSIGNMENT = "robust"  # the tiny assignment of tests/test_grading_robustness.py
HIDDEN = ["assert add(-1, 1) == 0", "assert add(0.5, 0.25) == 0.75", "assert square(-4) == 16"]
ARTIFACTS = ROOT / "test-artifacts"
DEADLINE = 180  # seconds: set-up and the whole term stay under this (measured: 35-75 s)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_chp() -> str:
    for candidate in (ROOT / ".tools" / "node_modules" / ".bin" / "configurable-http-proxy",
                      shutil.which("configurable-http-proxy")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    pytest.fail("configurable-http-proxy not found: `./run test` installs it, or run "
                "`npm install --prefix .tools configurable-http-proxy@4`")


def run(*cmd: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120, **kw)


def as_user(user: str, code: str) -> subprocess.CompletedProcess:
    """Run Python code as ``user`` (a real process with that user's permissions)."""
    return run("runuser", "-u", user, "--", "/usr/bin/python3", "-c", code, check=False)


def denied(user: str, action: str, path: Path) -> bool:
    """True when ``user`` gets PermissionError doing ``action`` ('read' or 'list') on ``path``."""
    op = "open(p).read()" if action == "read" else "os.listdir(p)"
    code = (f"import os\np = {str(path)!r}\ntry:\n    {op}\nexcept PermissionError:\n"
            "    print('DENIED')\nelse:\n    print('ALLOWED')")
    done = as_user(user, code)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() == "DENIED"


def python_for_users(base: Path) -> str:
    """A Python with the course installed that every user can execute.

    The repository's venv is used directly when other users can run it. When its interpreter
    lives in a private folder (pyenv under /root), the interpreter is hard-linked into ``base``
    (instant, no copy) and a small venv is made on it that loads the repository venv's packages,
    with a ``python`` that finds the interpreter's shared library, and the venv's tools (such as
    nbgrader's ``alembic``) re-pointed at it.
    """
    venv_python = Path(sys.executable)
    if run("runuser", "-u", "nobody", "--", str(venv_python), "-c", "import nbgrader",
           check=False).returncode == 0:
        return str(venv_python)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    interpreter = base / "interpreter"
    if run("cp", "-al", sys.base_prefix, str(interpreter), check=False).returncode:
        shutil.rmtree(interpreter, ignore_errors=True)
        shutil.copytree(sys.base_prefix, interpreter, symlinks=True,
                        ignore=shutil.ignore_patterns("site-packages"))
    shim = base / "venv"
    run(str(interpreter / "bin" / version), "-m", "venv", "--without-pip", str(shim))
    (shim / "bin" / "python").unlink()
    (shim / "bin" / "python").write_text(
        f"#!/bin/bash\nexport LD_LIBRARY_PATH={interpreter / 'lib'}${{LD_LIBRARY_PATH:+:}}"
        f"${{LD_LIBRARY_PATH}}\nexec -a \"$0\" {interpreter / 'bin' / version} \"$@\"\n")
    (shim / "bin" / "python").chmod(0o755)
    site = shim / "lib" / version / "site-packages"
    source_site = Path(sys.prefix) / "lib" / version / "site-packages"
    (site / "course_venv.pth").write_text(f"import site; site.addsitedir({str(source_site)!r})\n")
    for data in ("etc/jupyter", "share/jupyter"):  # server extensions, lab, kernels
        (shim / data).parent.mkdir(parents=True, exist_ok=True)
        (shim / data).symlink_to(Path(sys.prefix) / data)
    for script in (Path(sys.prefix) / "bin").iterdir():
        target = shim / "bin" / script.name
        if target.exists() or target.is_symlink() or not script.is_file():
            continue
        with contextlib.suppress(UnicodeDecodeError):
            text = script.read_text()
            if text.startswith("#!") and "python" in text.splitlines()[0]:
                target.write_text(f"#!{shim / 'bin' / 'python'}\n" + text.split("\n", 1)[1])
                target.chmod(0o755)
    return str(shim / "bin" / "python")


class Hub:
    """A running hub and the handles the test needs; :meth:`close` undoes everything."""

    def __init__(self) -> None:
        suffix = secrets.token_hex(3)
        self.course = f"itf-e2e-{suffix}"
        self.instructor = f"itf-i-{suffix}"
        self.students = [f"itf-a-{suffix}", f"itf-b-{suffix}"]
        self.outsider = f"itf-x-{suffix}"
        self.token = secrets.token_hex(32)
        self.password = secrets.token_urlsafe(16)
        self.base = Path(tempfile.mkdtemp(prefix="itf-hub-", dir="/tmp"))
        self.base.chmod(0o755)
        self.exchange = self.base / "exchange"
        self.etc = self.base / "etc"
        self.proc: subprocess.Popen | None = None
        self.log = self.base / "hub.log"
        self.started = time.monotonic()
        self.users_made: list[str] = []

    @property
    def users(self) -> list[str]:
        return [self.instructor, *self.students]

    # -- set-up ----------------------------------------------------------------------------------
    def setup(self) -> None:
        python = python_for_users(self.base)
        self.users_made = [u for u in [*self.users, self.outsider] if not _user_exists(u)]
        for attempt in ("first", "second"):  # the second run must change nothing and succeed
            done = run(sys.executable, str(DEPLOY / "setup_course.py"), "--course-id",
                       self.course, "--instructor", self.instructor, "--students",
                       ",".join(self.students), "--python", python, "--exchange",
                       str(self.exchange), "--etc", str(self.etc), check=False)
            assert done.returncode == 0, f"{attempt} run:\n{done.stdout}{done.stderr}"
        assert "useradd" not in done.stdout and "groupadd" not in done.stdout
        run("useradd", "--create-home", "--key", "HOME_MODE=0700", self.outsider)
        self.make_course_directory()
        self.start_hub()

    def make_course_directory(self) -> None:
        """The instructor's course directory: the course's nbgrader config and the assignment."""
        home = Path(pwd.getpwnam(self.instructor).pw_dir)
        course_dir = home / self.course
        source = course_dir / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        source.parent.mkdir(parents=True)
        nbformat.write(tiny_assignment(), source)
        shutil.copy(ROOT / "nbgrader_config.py", course_dir / "nbgrader_config.py")
        run("chown", "-R", f"{self.instructor}:{self.instructor}", str(course_dir))

    def start_hub(self) -> None:
        self.port, hub_port, api_port = free_port(), free_port(), free_port()
        config = self.base / "jupyterhub_test_config.py"
        config.write_text(f"""
c = get_config()  # noqa: F821
load_subconfig({str(DEPLOY / 'jupyterhub_config.py')!r})  # noqa: F821
# The test logs in with a shared password instead of PAM (the users have no passwords).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {self.password!r}
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{find_chp()!r}]
c.JupyterHub.services = [{{"name": "e2e-driver", "api_token": {self.token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "e2e-driver", "services": ["e2e-driver"],
    "scopes": ["admin:users", "admin:servers", "access:servers", "list:users", "read:users",
               "read:groups"],
}}]
""")
        env = {**os.environ, "COURSE_SETTINGS": str(self.etc / "course.json"),
               "HUB_IP": "127.0.0.1", "HUB_PORT": str(self.port),
               "PATH": f"{Path(find_chp()).parent}:{Path(sys.executable).parent}:"
                       f"{os.environ.get('PATH', '')}"}
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=self.etc / "state",
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait(lambda: self.api("GET", "/").ok, 45, "the hub to answer")

    # -- talking to the hub ------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, method: str, path: str, **kw) -> requests.Response:
        try:
            return requests.request(method, f"{self.url}/hub/api{path}", timeout=30,
                                    headers={"Authorization": f"token {self.token}"}, **kw)
        except requests.ConnectionError:
            r = requests.Response()
            r.status_code = 599  # not answering yet
            return r

    def server(self, user: str, method: str, path: str, **kw) -> requests.Response:
        """A request to ``user``'s single-user server, through the proxy."""
        r = requests.request(method, f"{self.url}/user/{user}{path}", timeout=120,
                             headers={"Authorization": f"token {self.token}"}, **kw)
        assert r.ok, (f"{method} /user/{user}{path}: {r.status_code} {r.text[:300]}\n"
                      f"hub log:\n{self.tail()}")
        return r

    def wait(self, ready, seconds: float, what: str) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.proc is not None and self.proc.poll() is not None:
                pytest.fail(f"the hub exited while waiting for {what}:\n{self.tail()}")
            if ready():
                return
            time.sleep(0.5)
        pytest.fail(f"timed out after {seconds} s waiting for {what}:\n{self.tail()}")

    def tail(self) -> str:
        return self.log.read_text()[-12000:] if self.log.exists() else ""

    def spawn_all(self) -> None:
        for user in self.users:
            r = self.api("POST", f"/users/{user}/server")
            assert r.status_code in (201, 202), f"spawning {user}: {r.status_code} {r.text}"

        def all_ready() -> bool:
            for user in self.users:
                model = self.api("GET", f"/users/{user}").json()
                if not model.get("servers", {}).get("", {}).get("ready"):
                    return False
            return True

        self.wait(all_ready, 90, "the three single-user servers")

    # -- teardown ---------------------------------------------------------------------------------
    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)  # the hub stops the servers and proxy
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        if self.log.exists():  # kept for CI: test-artifacts/hub-e2e.log
            ARTIFACTS.mkdir(exist_ok=True)
            shutil.copy(self.log, ARTIFACTS / "hub-e2e.log")
        for user in self.users_made:
            _kill_processes_of(user)
            run("userdel", "--remove", user, check=False)
        for group in (f"formgrade-{self.course}", f"nbgrader-{self.course}"):
            run("groupdel", group, check=False)
        shutil.rmtree(self.base, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _kill_processes_of(user: str) -> None:
    """End the processes the test's user still runs (by their ids)."""
    done = run("ps", "-u", user, "-o", "pid=", check=False)
    for pid in done.stdout.split():
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGKILL)


@pytest.fixture(scope="module")
def hub():
    h = Hub()
    try:
        h.setup()
        h.spawn_all()
        yield h
    finally:
        h.close()


def solved(nb: dict, add: str) -> dict:
    """The fetched notebook with both answers filled in (``add`` as given)."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id == "add":
            cell["source"] = add
        elif grade_id == "square":
            cell["source"] = "def square(x):\n    return x * x"
    return nb


@pytest.fixture(scope="module")
def course_round(hub):
    """Run the whole term once; return what the checks need."""
    course, teacher = hub.course, hub.instructor
    fg = "/formgrader/api"
    t0 = time.monotonic()

    # 1. the instructor generates and releases the assignment
    for step in ("assign", "release"):
        result = hub.server(teacher, "POST", f"{fg}/assignment/{ASSIGNMENT}/{step}").json()
        assert result["success"], f"{step}: {result}"

    # 2. both students fetch it, work on it and submit
    ids = {"course_id": course, "assignment_id": ASSIGNMENT}
    nb_path = f"/api/contents/{course}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    fetched = {}
    for student, add in zip(hub.students, (ADD_RIGHT, ADD_WRONG), strict=True):
        result = hub.server(student, "POST", "/assignments/fetch", json=ids).json()
        assert result["success"], f"fetch failed for {student}: {result}"
        fetched[student] = hub.server(student, "GET", nb_path).json()["content"]
        hub.server(student, "PUT", nb_path, json={
            "type": "notebook", "format": "json", "content": solved(fetched[student], add)})
        result = hub.server(student, "POST", "/assignments/submit", json=ids).json()
        assert result["success"], f"submit failed for {student}: {result}"
        assert [a for a in result["value"] if a["status"] == "submitted"], result

    # 3. the instructor collects, autogrades, and releases feedback
    result = hub.server(teacher, "POST", f"{fg}/assignment/{ASSIGNMENT}/collect").json()
    assert result["success"], f"collect: {result}"
    for student in hub.students:
        result = hub.server(teacher, "POST",
                            f"{fg}/submission/{ASSIGNMENT}/{student}/autograde").json()
        assert result["success"], f"autograde {student}: {result}"
    for step in ("generate_feedback", "release_feedback"):
        result = hub.server(teacher, "POST", f"{fg}/assignment/{ASSIGNMENT}/{step}").json()
        assert result["success"], f"{step}: {result}"
    submissions = hub.server(teacher, "GET", f"{fg}/submissions/{ASSIGNMENT}").json()
    scores = {s["student"]: (s["score"], s["max_score"]) for s in submissions}

    # 4. the students fetch their feedback
    feedback = {}
    for student in hub.students:
        result = hub.server(student, "POST", "/assignments/fetch_feedback", json=ids).json()
        assert result["success"], f"fetch_feedback failed for {student}: {result}"
        folder = f"/api/contents/{course}/{ASSIGNMENT}/feedback"
        stamps = hub.server(student, "GET", folder).json()["content"]
        assert len(stamps) == 1, f"{student} has {len(stamps)} feedback folders"
        page = hub.server(student, "GET", f"/api/contents/{stamps[0]['path']}/{ASSIGNMENT}.html",
                          params={"type": "file", "format": "text"}).json()["content"]
        feedback[student] = page
    return {"scores": scores, "fetched": fetched, "feedback": feedback,
            "seconds": time.monotonic() - t0}


def test_scores_after_autograding(hub, course_round):
    good, partly_wrong = hub.students
    assert course_round["scores"][good] == (pytest.approx(3.0), pytest.approx(3.0))
    assert course_round["scores"][partly_wrong] == (pytest.approx(1.0), pytest.approx(3.0))


def test_each_student_gets_their_own_feedback_without_hidden_tests(hub, course_round):
    for student, score in zip(hub.students, ("3.0", "1.0"), strict=True):
        page = html.unescape(re.sub(r"<[^>]+>", "", course_round["feedback"][student]))
        assert f"Score: {score} / 3.0" in page, f"{student}'s feedback shows another score"
        assert "assert add(1, 2) == 3" in page, f"{student}'s feedback lacks the visible test"
        for line in HIDDEN:
            assert line not in page, f"{student}'s feedback shows the hidden test {line!r}"


def test_released_notebook_has_no_hidden_tests(hub, course_round):
    for nb in course_round["fetched"].values():
        text = json.dumps(nb)
        assert "BEGIN HIDDEN TESTS" not in text
        assert not [line for line in HIDDEN if line in text]


def test_students_cannot_read_each_others_work(hub, course_round):
    a, b = hub.students
    home_a = Path(pwd.getpwnam(a).pw_dir)
    work = home_a / hub.course / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert work.exists()
    assert denied(b, "read", work), "a student can read a classmate's notebook"
    assert denied(b, "list", home_a), "a student can list a classmate's home folder"
    cache = home_a / ".local" / "share" / "jupyter" / "nbgrader_cache"
    assert cache.exists() and denied(b, "list", cache)
    inbound = hub.exchange / hub.course / "inbound"
    assert len(os.listdir(inbound)) == 2, "both submissions should be in the inbox"
    assert denied(b, "list", inbound), "a student can list the exchange's inbox"
    # even knowing the exact path of a classmate's submission (deploy/private_exchange.py)
    submission = next(p for p in inbound.iterdir() if p.name.startswith(f"{a}+"))
    assert denied(b, "read", submission / f"{ASSIGNMENT}.ipynb"), (
        "a student can read a classmate's submission in the inbox")
    assert denied(b, "read", submission / "submission_secret.txt")
    assert denied(b, "list", hub.exchange / hub.course / "feedback")


def test_students_cannot_read_hidden_tests_or_grades(hub, course_round):
    course_dir = Path(pwd.getpwnam(hub.instructor).pw_dir) / hub.course
    source = course_dir / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert HIDDEN[0] in source.read_text()
    for student in hub.students:
        assert denied(student, "read", source), "a student can read the hidden tests"
        assert denied(student, "read", course_dir / "gradebook.db")
        assert denied(student, "list", course_dir / "submitted")


def test_users_outside_the_course_cannot_enter_its_exchange(hub, course_round):
    outbound = hub.exchange / hub.course / "outbound"
    assert denied(hub.outsider, "list", outbound)
    assert not denied(hub.students[0], "list", outbound)


def test_hub_has_the_course_groups_nbgrader_expects(hub):
    graders = hub.api("GET", f"/groups/formgrade-{hub.course}").json()
    takers = hub.api("GET", f"/groups/nbgrader-{hub.course}").json()
    assert graders["users"] == [hub.instructor]
    assert sorted(takers["users"]) == sorted(hub.students)


def test_students_get_no_formgrader(hub, course_round):
    r = requests.get(f"{hub.url}/user/{hub.students[0]}/formgrader/api/assignments",
                     headers={"Authorization": f"token {hub.token}"}, timeout=30)
    assert r.status_code == 404, "the formgrader is switched on for students"


def test_formgrader_opens_in_its_own_tab(hub):
    """JupyterHub (>= 4.1) forbids framing single-user pages (``frame-ancestors 'none'``), so
    JupyterLab's embedded formgrader panel stays blank; the instructor guide says to open
    ``/user/<instructor>/formgrader`` in its own browser tab, which this checks works."""
    r = requests.get(f"{hub.url}/user/{hub.instructor}/formgrader/manage_assignments",
                     headers={"Authorization": f"token {hub.token}"}, timeout=30)
    assert r.status_code == 200 and "Manage Assignments" in r.text
    assert "frame-ancestors 'none'" in r.headers.get("Content-Security-Policy", "")


def test_login_needs_the_password(hub):
    s = requests.Session()
    s.get(f"{hub.url}/hub/login", timeout=30)
    xsrf = s.cookies.get("_xsrf")
    bad = s.post(f"{hub.url}/hub/login", timeout=30, allow_redirects=False,
                 data={"username": hub.students[0], "password": "wrong", "_xsrf": xsrf})
    assert bad.status_code == 403
    good = s.post(f"{hub.url}/hub/login", timeout=30, allow_redirects=False,
                  data={"username": hub.students[0], "password": hub.password, "_xsrf": xsrf})
    assert good.status_code == 302, good.text[:300]


def test_the_whole_term_fits_the_time_budget(hub, course_round):
    elapsed = time.monotonic() - hub.started
    print(f"\nhub e2e: course round {course_round['seconds']:.1f} s, total {elapsed:.1f} s")
    assert elapsed < DEADLINE
