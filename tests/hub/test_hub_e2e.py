"""One term on a real JupyterHub, set up as deploy/README.md says, driven as people would.

The course is deployed as an instructor would deploy it, and one assignment goes through a
whole term:

* **set-up**: ``deploy/install.py --tree-only`` builds the student-only tree (no ``solutions/``,
  ``authoring/`` or tests), run by a Python every user can execute; ``deploy/setup_course.py``
  (with a roster CSV of names and e-mails, a course id other than ``inside-the-feed``, its own
  three ports, memory/CPU limits, the idle culler) makes real Unix users and groups, clones the
  course repository for the instructor (no "dubious ownership") and imports the roster into
  the gradebook; the hub is started from the systemd unit it wrote (``ExecStart``, its
  ``Environment``), with PAM logins (passwords set with ``chpasswd``);
* **the term**: the instructor releases a tiny assignment (``add`` 2 points, ``square`` 1, a
  written answer ``why`` 2) from a JupyterLab terminal (nbgrader on PATH in a login shell);
  student A logs in with Chromium (Playwright), fetches it in the Assignments panel and answers;
  student B fetches it and leaves it; the instructor re-releases a corrected version; A's
  *next fetch* (in A's terminal) keeps A's notebook and brings the fix beside it, B's *Fetch*
  button comes back in the browser and replaces B's untouched copy; A validates and submits in
  the browser; a due date is set, B and C submit late, C has an extension; C also tries to
  submit in A's name (with nbgrader's ``--student`` and by writing into the exchange); the
  instructor collects (the forgery is refused with a clear line), autogrades, grades A's
  written answer in the formgrader with its rubric beside it (screenshot for the guide),
  releases feedback, exports Canvas and Moodle CSVs; A fetches the feedback in the browser.

The checks then look at the scores, penalties, exports, feedback, file permissions (as the
other users, with ``runuser``), every file a student can read on the machine (no hidden-test
or solution line of any course notebook), the students' JupyterLab (no instructor tools), the
hub admin, the culler and the per-user limits. Screenshots and the hub's log go to
``test-artifacts/``; ``COURSE_UPDATE_DOCS=1`` also copies the formgrader screenshot into
``docs/images/``.

Needs root (users, PAM, cgroups), configurable-http-proxy (``./run test`` installs it) and
Chromium. Everything it creates is removed at the end, even when it fails.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import html
import io
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
import uuid
from pathlib import Path

import nbformat
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
sys.path.insert(0, str(ROOT / "authoring"))
sys.path.insert(0, str(DEPLOY))
from nbbuild import Notebook  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from test_grading_robustness import add_two_exercises  # noqa: E402

pytestmark = [
    pytest.mark.hub,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the test creates Unix users for "
                       "the instructor and students, and the hub spawns servers as them"),
]

ASSIGNMENT = "week1"
ADD_RIGHT = "def add(a, b):\n    return a + b"
ADD_WRONG = "def add(a, b):\n    return a - b"
SQUARE_RIGHT = "def square(x):\n    return x * x"
HIDDEN = ["assert add(-1, 1) == 0", "assert add(0.5, 0.25) == 0.75", "assert square(-4) == 16"]
MODEL_ANSWER = "Addition commutes, so the order of the arguments cannot matter here"
# C's answer also tries, when graded, to read the instructor's master and gradebook and to
# reach the network: the sandbox must show it nothing (nbgrader alone runs it as the instructor).
PROBE = """
import pathlib, socket
for _name, _path in (("master", {secret!r}), ("gradebook", {gradebook!r})):
    try:
        pathlib.Path(_path).read_bytes()
        print("PROBE", _name, "READ")
    except OSError as _err:
        print("PROBE", _name, type(_err).__name__)
try:
    socket.create_connection(("127.0.0.1", 22), timeout=2)
    print("PROBE network OPEN")
except OSError as _err:
    print("PROBE network", type(_err).__name__)
"""
V1_NOTE, V2_NOTE = "Release one, with a typo: sqaure.", "Release two: the typo is fixed."
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
TIMINGS: dict[str, float] = {}


def tiny_assignment(note: str) -> nbformat.NotebookNode:
    nb = Notebook(ASSIGNMENT, "Week 1")
    nb.md(f"# Week 1\n{note}")
    add_two_exercises(nb)
    nb.written("why", 2, prompt="Why does the order of `add`'s arguments not matter?",
               model_answer=MODEL_ANSWER + ".",
               rubric="- 1 pt: says that addition commutes\n- 1 pt: gives an example")
    return nb.notebook()


# -- processes and users --------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_chp() -> str:
    for candidate in (ROOT / ".tools" / "node_modules" / ".bin" / "configurable-http-proxy",
                      shutil.which("configurable-http-proxy")):
        if candidate and Path(candidate).exists():
            return str(Path(candidate).resolve())
    pytest.fail("configurable-http-proxy not found: `./run test` installs it, or run "
                "`npm install --prefix .tools configurable-http-proxy@4`")


def run(*cmd: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("timeout", 300)
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


def as_user(user: str, code: str) -> subprocess.CompletedProcess:
    """Run Python code as ``user`` (a real process with that user's permissions)."""
    return run("runuser", "-u", user, "--", "/usr/bin/python3", "-c", code, check=False,
               cwd="/")


def denied(user: str, action: str, path: Path) -> bool:
    """True when ``user`` gets PermissionError doing ``action`` ('read' or 'list') on ``path``."""
    op = "open(p).read()" if action == "read" else "os.listdir(p)"
    code = (f"import os\np = {str(path)!r}\ntry:\n    {op}\nexcept PermissionError:\n"
            "    print('DENIED')\nelse:\n    print('ALLOWED')")
    done = as_user(user, code)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() == "DENIED"


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _kill_processes_of(user: str) -> None:
    """End the processes the test's user still runs (by their ids), and wait until they are
    gone (userdel refuses a user who still runs something)."""
    for _ in range(20):
        pids = run("ps", "-u", user, "-o", "pid=", check=False).stdout.split()
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        time.sleep(0.5)


def python_for_users(prefix: Path, app: Path) -> str:
    """A venv at ``prefix/venv`` that every user can run, with the course from the student-only
    tree ``app`` and the other packages from this test's venv (no second pip install).

    When the interpreter lives in a private folder (pyenv under /root), it is hard-linked into
    ``prefix`` (instant, no copy) and run through a wrapper that finds its shared library.
    """
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    interpreter = Path(sys.base_prefix) / "bin" / version
    venv = prefix / "venv"
    if run("runuser", "-u", "nobody", "--", str(interpreter), "-c", "pass",
           check=False).returncode == 0:
        run(str(interpreter), "-m", "venv", "--without-pip", str(venv))
    else:
        copy_ = prefix / "interpreter"
        if run("cp", "-al", sys.base_prefix, str(copy_), check=False).returncode:
            shutil.rmtree(copy_, ignore_errors=True)
            shutil.copytree(sys.base_prefix, copy_, symlinks=True,
                            ignore=shutil.ignore_patterns("site-packages"))
        run(str(copy_ / "bin" / version), "-m", "venv", "--without-pip", str(venv))
        (venv / "bin" / "python").unlink()
        (venv / "bin" / "python").write_text(
            f"#!/bin/bash\nexport LD_LIBRARY_PATH={copy_ / 'lib'}${{LD_LIBRARY_PATH:+:}}"
            f"${{LD_LIBRARY_PATH}}\nexec -a \"$0\" {copy_ / 'bin' / version} \"$@\"\n")
        (venv / "bin" / "python").chmod(0o755)
    site = venv / "lib" / version / "site-packages"
    source_site = Path(sys.prefix) / "lib" / version / "site-packages"
    # the packages, hard-linked (instant, no copy): a self-contained environment, as the
    # grading sandbox binds only the environment's own folders
    if run("cp", "-al", f"{source_site}/.", str(site), check=False).returncode == 0:
        for editable in site.glob("__editable__*inside_the_feed*"):
            editable.unlink()  # the checkout's course; the installed tree's is used instead
    else:
        (site / "course_venv.pth").write_text(
            f"import site; site.addsitedir({str(source_site)!r})\n")
    (site / "00-course-app.pth").write_text(f"{app}\n")  # the installed tree's course
    for top in ("etc", "share"):  # server extensions, lab, kernels, the hub's templates
        for data in (Path(sys.prefix) / top).iterdir():
            (venv / top).mkdir(parents=True, exist_ok=True)
            if not (venv / top / data.name).exists():
                (venv / top / data.name).symlink_to(data)
    for script in (Path(sys.prefix) / "bin").iterdir():
        target = venv / "bin" / script.name
        if target.exists() or target.is_symlink() or not script.is_file():
            continue
        with contextlib.suppress(UnicodeDecodeError):
            text = script.read_text()
            if text.startswith("#!") and "python" in text.splitlines()[0]:
                target.write_text(f"#!{venv / 'bin' / 'python'}\n" + text.split("\n", 1)[1])
                target.chmod(0o755)
    return str(venv / "bin" / "python")


def parse_unit(text: str) -> dict:
    """ExecStart, WorkingDirectory and Environment of a systemd unit."""
    env, out = {}, {}
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key == "Environment":
            name, _, val = value.partition("=")
            env[name] = val
        elif key in ("ExecStart", "WorkingDirectory", "Delegate"):
            out[key] = value
    out["Environment"] = env
    return out


# -- the hub ---------------------------------------------------------------------------------------
class Hub:
    """A course deployed with deploy/ and its running hub; :meth:`close` undoes everything."""

    def __init__(self) -> None:
        suffix = secrets.token_hex(3)
        self.course = f"itf-e2e-{suffix}"  # deliberately not inside-the-feed
        self.instructor = f"itf-i-{suffix}"
        self.students = [f"itf-a-{suffix}", f"itf-b-{suffix}", f"itf-c-{suffix}"]
        self.outsider = f"itf-x-{suffix}"
        self.token = secrets.token_hex(32)
        self.password = secrets.token_urlsafe(12)
        self.base = Path(tempfile.mkdtemp(prefix="itf-hub-", dir="/tmp"))
        self.base.chmod(0o755)
        self.prefix = self.base / "opt"
        self.exchange = self.base / "exchange"
        self.etc = self.base / "etc"
        self.proc: subprocess.Popen | None = None
        self.log = self.base / "hub.log"
        self.started = time.monotonic()
        self.started_wall = time.time()
        self.users_made: list[str] = []
        self.profile = Path("/etc/profile.d/inside-the-feed.sh")
        self.profile_made = False
        self.ports = {"hub": free_port(), "hub_api": free_port(), "proxy_api": free_port()}
        self.limits = True
        self.setup_output = ""

    @property
    def users(self) -> list[str]:
        return [self.instructor, *self.students]

    @property
    def course_dir(self) -> Path:
        return Path(pwd.getpwnam(self.instructor).pw_dir) / self.course

    # -- set-up ----------------------------------------------------------------------------------
    def setup(self) -> None:
        t0 = time.monotonic()
        done = run(sys.executable, str(DEPLOY / "install.py"), "--tree-only", "--prefix",
                   str(self.prefix), "--source", str(ROOT))
        self.app = self.prefix / "app"
        python = python_for_users(self.prefix, self.app)
        tools = self.prefix / "tools" / "node_modules" / ".bin"
        tools.mkdir(parents=True)
        (tools / "configurable-http-proxy").symlink_to(find_chp())
        roster = self.base / "roster.csv"
        names = [("Ada", "Lovelace"), ("Bo", "Berg"), ("Cy", "Chen")]
        roster.write_text("id,first_name,last_name,email\n" + "".join(
            f"{s},{f},{la},{f.lower()}@uni.example\n"
            for s, (f, la) in zip(self.students, names, strict=True)))
        self.users_made = [u for u in [*self.users, self.outsider] if not _user_exists(u)]
        self.profile_made = not self.profile.exists()
        from limits import CgroupError, Cgroups

        try:
            Cgroups()
        except CgroupError:
            self.limits = False
        for attempt in ("first", "second"):  # the second run must change nothing and succeed
            # as deploy/README.md says: the installed tree's setup_course.py, so the hub and
            # every server load deploy/ from the tree (students cannot read the checkout)
            done = run(sys.executable, str(self.app / "deploy" / "setup_course.py"),
                       "--course-id",
                       self.course, "--instructor", self.instructor, "--roster", str(roster),
                       "--course-repo", str(ROOT), "--python", python, "--exchange",
                       str(self.exchange), "--etc", str(self.etc),
                       "--port", str(self.ports["hub"]),
                       "--hub-api-port", str(self.ports["hub_api"]),
                       "--proxy-api-port", str(self.ports["proxy_api"]),
                       "--mem-limit", "1G" if self.limits else "none", "--cpu-limit", "1",
                       "--cull-idle", "3600", "--systemd-dir", str(self.base / "systemd"),
                       check=False)
            self.setup_output += done.stdout + done.stderr
            assert done.returncode == 0, f"{attempt} run:\n{done.stdout}{done.stderr}"
        assert "useradd" not in done.stdout and "groupadd" not in done.stdout
        TIMINGS["set-up: tree + setup_course.py twice"] = round(time.monotonic() - t0, 1)
        run("useradd", "--create-home", "--key", "HOME_MODE=0700", self.outsider)
        run("chpasswd", input="".join(f"{u}:{self.password}\n" for u in self.users))
        self.add_assignment(V1_NOTE)
        # a late policy without grace, so that seconds count (the course's default is 15 min)
        self.as_instructor_append(self.course_dir / "nbgrader_config.py",
                                  "\nc.LatePolicy.grace_minutes = 0\n")
        self.start_hub()

    def as_instructor_append(self, path: Path, text: str) -> None:
        with open(path, "a") as fh:
            fh.write(text)

    def add_assignment(self, note: str) -> None:
        """The instructor's master of the tiny assignment, in their course directory."""
        source = self.course_dir / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        source.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(tiny_assignment(note), source)
        run("chown", "-R", f"{self.instructor}:{self.instructor}",
            str(self.course_dir / "solutions"))

    def start_hub(self) -> None:
        (self.etc / "hub.d" / "50-e2e-driver.py").write_text(f"""
# The test's driver: a service with an API token (the users log in with PAM as usual).
c.JupyterHub.services.append({{"name": "e2e-driver", "api_token": {self.token!r}}})
c.JupyterHub.load_roles.append({{
    "name": "e2e-driver", "services": ["e2e-driver"],
    "scopes": ["admin:users", "admin:servers", "access:servers", "list:users", "read:users",
               "read:groups", "list:services", "read:services"],
}})
""")
        self.unit = parse_unit((self.base / "systemd" / "inside-the-feed-hub.service")
                               .read_text())
        env = {"LANG": "C.UTF-8", **self.unit["Environment"]}
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                self.unit["ExecStart"].split(), cwd=self.unit["WorkingDirectory"], env=env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait(lambda: self.api("GET", "/").ok, 60, "the hub to answer")

    # -- talking to the hub ------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports['hub']}"

    def api(self, method: str, path: str, **kw) -> requests.Response:
        try:
            return requests.request(method, f"{self.url}/hub/api{path}", timeout=30,
                                    headers={"Authorization": f"token {self.token}"}, **kw)
        except requests.ConnectionError:
            r = requests.Response()
            r.status_code = 599  # not answering yet
            return r

    def server(self, user: str, method: str, path: str, ok: bool = True,
               **kw) -> requests.Response:
        """A request to ``user``'s single-user server, through the proxy."""
        r = requests.request(method, f"{self.url}/user/{user}{path}", timeout=180,
                             headers={"Authorization": f"token {self.token}"}, **kw)
        if ok:
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

    def spawn(self, users: list[str]) -> None:
        for user in users:
            r = self.api("POST", f"/users/{user}/server")
            assert r.status_code in (201, 202, 400), f"spawning {user}: {r.status_code} {r.text}"

        def all_ready() -> bool:
            for user in users:
                model = self.api("GET", f"/users/{user}").json()
                if not model.get("servers", {}).get("", {}).get("ready"):
                    return False
            return True

        self.wait(all_ready, 300, f"the servers of {users}")

    def terminal(self, user: str) -> Terminal:
        return Terminal(self, user)

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
        ARTIFACTS.mkdir(exist_ok=True)
        if self.log.exists():  # kept for CI: test-artifacts/hub-e2e.log
            shutil.copy(self.log, ARTIFACTS / "hub-e2e.log")
        (ARTIFACTS / "hub-e2e-timings.json").write_text(json.dumps(TIMINGS, indent=1))
        for user in self.users_made:
            _kill_processes_of(user)
            run("userdel", "--remove", user, check=False)
        for group in (f"formgrade-{self.course}", f"nbgrader-{self.course}"):
            run("groupdel", group, check=False)
        if self.profile_made:
            self.profile.unlink(missing_ok=True)
        from limits import CGROUP

        for user in self.users:
            for ctrl in ("memory", "cpu"):
                for _ in range(10):  # empty once its last process is gone
                    try:
                        (CGROUP / ctrl / "inside-the-feed" / user).rmdir()
                        break
                    except FileNotFoundError:
                        break
                    except OSError:
                        time.sleep(0.5)
        shutil.rmtree(self.base, ignore_errors=True)


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


class Terminal:
    """A JupyterLab terminal of ``user`` (a login shell, as in the browser), over its websocket."""

    def __init__(self, hub: Hub, user: str) -> None:
        import websocket

        name = hub.server(user, "POST", "/api/terminals").json()["name"]
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{hub.ports['hub']}/user/{user}/terminals/websocket/{name}",
            header=[f"Authorization: token {hub.token}"], timeout=300)
        self.run("cd ~")

    def run(self, command: str, timeout: float = 300) -> tuple[int, str]:
        """Type ``command``; return its exit status and what the terminal showed."""
        marker = uuid.uuid4().hex[:10]
        self.ws.send(json.dumps(["stdin", f"{command}; echo {marker}$?{marker}\r"]))
        seen, end = "", time.monotonic() + timeout
        pattern = re.compile(f"{marker}(\\d+){marker}")
        while time.monotonic() < end:
            message = json.loads(self.ws.recv())
            if message[0] == "stdout":
                seen += message[1]
                found = pattern.search(ANSI.sub("", seen))
                if found:
                    text = ANSI.sub("", seen)
                    return int(found.group(1)), text[:found.start()]
        raise TimeoutError(f"{command!r} did not finish; the terminal showed:\n{seen[-3000:]}")

    def ok(self, command: str, timeout: float = 300) -> str:
        status, text = self.run(command, timeout)
        assert status == 0, f"{command!r} failed ({status}):\n{text[-4000:]}"
        return text

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def hub():
    h = Hub()
    try:
        t0 = time.monotonic()
        h.setup()
        h.spawn(h.users)
        TIMINGS["set-up (tree, users, clone, hub, 4 servers)"] = time.monotonic() - t0
        yield h
    finally:
        h.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (./run test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                      headless=True)
        yield chromium
        chromium.close()


def login(browser, hub: Hub, user: str):
    """A browser page logged in to the hub as ``user`` (the hub's PAM login form)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.password)
    page.click("#login_submit")
    page.wait_for_url(re.compile(f"/user/{user}/"), timeout=60_000)
    return page


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"hub-{name}.png"
    page.screenshot(path=str(path))
    return path


def open_assignments(page, hub: Hub, user: str):
    """JupyterLab's Assignments panel (nbgrader's assignment list), freshly loaded."""
    page.goto(f"{hub.url}/user/{user}/lab?reset")
    page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
    page.get_by_text("Nbgrader", exact=True).first.click()
    page.get_by_text("Assignment List", exact=True).first.click()
    page.wait_for_selector("#released_assignments_list", timeout=30_000)
    page.wait_for_timeout(1500)
    return page


def solved(nb: dict, add: str, why: str = "") -> dict:
    """The fetched notebook with the answers filled in (``add`` as given)."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id == "add":
            cell["source"] = add
        elif grade_id == "square":
            cell["source"] = SQUARE_RIGHT
        elif grade_id == "why" and why:
            cell["source"] = why
    return nb


def timed(name: str):
    class Timer:
        def __enter__(self):
            self.t0 = time.monotonic()

        def __exit__(self, *exc):
            TIMINGS[name] = round(time.monotonic() - self.t0, 1)
    return Timer()


@pytest.fixture(scope="module")
def term(hub, browser):
    """Run the whole term once; return what the checks need."""
    a, b, c = hub.students
    teacher = hub.instructor
    ids = {"course_id": hub.course, "assignment_id": ASSIGNMENT}
    nb_path = f"/api/contents/{hub.course}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    out: dict = {"screens": {}}
    t_start = time.monotonic()
    tt = hub.terminal(teacher)
    out["teacher_which"] = tt.ok("command -v nbgrader")

    # 1. the instructor releases from a terminal, in the course directory
    with timed("release (generate + release, instructor terminal)"):
        tt.ok(f"cd ~/{hub.course}")
        tt.ok(f"nbgrader generate_assignment {ASSIGNMENT} --force && "
              f"nbgrader release_assignment {ASSIGNMENT}")

    # 2. A fetches in the browser and answers; B fetches and leaves it as it is
    page_a = login(browser, hub, a)
    with timed("student A: fetch in the Assignments panel"):
        open_assignments(page_a, hub, a)
        out["screens"]["a-released"] = shot(page_a, "student-released")
        page_a.locator("#released_assignments_list button", has_text="Fetch").first.click()
        page_a.wait_for_selector("#fetched_assignments_list .list_item", timeout=60_000)
    fetched_a = hub.server(a, "GET", nb_path).json()["content"]
    hub.server(a, "PUT", nb_path, json={"type": "notebook", "format": "json", "content": solved(
        fetched_a, ADD_RIGHT, why="Because addition commutes: add(1, 2) == add(2, 1).")})
    result = hub.server(b, "POST", "/assignments/fetch", json=ids).json()
    assert result["success"], result

    # 3. the instructor fixes the notebook and releases it again
    hub.add_assignment(V2_NOTE)
    with timed("re-release a corrected notebook (instructor terminal)"):
        tt.ok(f"nbgrader generate_assignment {ASSIGNMENT} --force && "
              f"nbgrader release_assignment {ASSIGNMENT} --force")

    # 4. A's next fetch (A's terminal) keeps A's work and says where the fix went
    ta = hub.terminal(a)
    out["a_which"] = ta.ok("command -v nbgrader")
    out["a_list"] = ta.ok(f"nbgrader list --course {hub.course}")
    out["a_fetch"] = ta.ok(f"nbgrader fetch_assignment {ASSIGNMENT} --course {hub.course}")
    out["a_mine"] = hub.server(a, "GET", nb_path).json()["content"]
    out["a_updated"] = hub.server(
        a, "GET", nb_path.replace(".ipynb", ".updated.ipynb")).json()["content"]
    # B's Fetch button is back; fetching replaces B's untouched copy. C fetches for the first time.
    page_b = login(browser, hub, b)
    open_assignments(page_b, hub, b)
    out["b_fetch_button"] = page_b.locator("#released_assignments_list button",
                                           has_text="Fetch").count()
    out["screens"]["b-update"] = shot(page_b, "student-update-available")
    page_b.locator("#released_assignments_list button", has_text="Fetch").first.click()
    page_b.wait_for_selector("#fetched_assignments_list .list_item", timeout=60_000)
    out["b_mine"] = hub.server(b, "GET", nb_path).json()["content"]
    out["b_updated_exists"] = hub.server(
        b, "GET", nb_path.replace(".ipynb", ".updated.ipynb"), ok=False).status_code == 200
    page_b.context.close()
    result = hub.server(c, "POST", "/assignments/fetch", json=ids).json()
    assert result["success"], result

    # 5. A validates and submits in the browser
    with timed("student A: validate + submit in the browser"):
        open_assignments(page_a, hub, a)
        page_a.locator("#fetched_assignments_list a.assignment-notebooks-link").first.click()
        page_a.locator("#fetched_assignments_list button", has_text="Validate").first.click()
        dialog = page_a.locator(".jp-Dialog-content")
        dialog.wait_for(timeout=120_000)
        out["a_validate"] = dialog.inner_text()
        out["screens"]["a-validate"] = shot(page_a, "student-validate")
        page_a.keyboard.press("Escape")
        dialog.wait_for(state="detached", timeout=10_000)
        page_a.locator("#fetched_assignments_list button", has_text="Submit").first.click()
        page_a.wait_for_selector("#submitted_assignments_list .list_item", timeout=60_000)
        out["screens"]["a-submitted"] = shot(page_a, "student-submitted")

    # 6. a due date after A's submission; B and C submit late; C has an extension
    due = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(time.time() + 1))  # after A's
    time.sleep(2.5)
    tt.ok(f'nbgrader db assignment add {ASSIGNMENT} --duedate="{due}"')
    tt.ok(f"python -m course.instructor.late extend {c} {ASSIGNMENT} --hours 1")
    fetched = hub.server(b, "GET", nb_path).json()["content"]
    hub.server(b, "PUT", nb_path, json={"type": "notebook", "format": "json",
                                        "content": solved(fetched, ADD_WRONG)})
    fetched = hub.server(c, "GET", nb_path).json()["content"]
    probe = PROBE.format(
        secret=str(hub.course_dir / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
        gradebook=str(hub.course_dir / "gradebook.db"))
    hub.server(c, "PUT", nb_path, json={"type": "notebook", "format": "json",
                                        "content": solved(fetched, ADD_RIGHT + probe)})
    for student in (b, c):
        result = hub.server(student, "POST", "/assignments/submit", json=ids).json()
        assert result["success"], f"submit failed for {student}: {result}"

    # 7. C tries to submit in A's name: with nbgrader's --student, then straight into inbound/
    tc = hub.terminal(c)
    out["forge_cli"] = tc.run(f"nbgrader submit {ASSIGNMENT} --course {hub.course} "
                              f"--student {a}")
    stamp = time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC", time.gmtime(time.time() + 60))
    inbound = hub.exchange / hub.course / "inbound"
    forged = inbound / f"{a}+{ASSIGNMENT}+{stamp}+forged"
    out["forge_raw"] = tc.run(
        f"mkdir '{forged}' && cp ~/{hub.course}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb '{forged}/' && "
        f"echo '{stamp}' > '{forged}/timestamp.txt'")

    # 8. the instructor collects and autogrades (terminal)
    with timed("collect (instructor terminal)"):
        out["collect"] = tt.ok(f"nbgrader collect {ASSIGNMENT}")
    with timed("autograde 3 submissions, sandboxed, in parallel (instructor terminal)"):
        out["autograde"] = tt.ok(f"python -m course.grading autograde {ASSIGNMENT}",
                                 timeout=600)

    # 9. the instructor grades A's written answer in the formgrader (own browser tab)
    page_i = login(browser, hub, teacher)
    with timed("instructor: grade a written answer in the formgrader"):
        notebooks = hub.server(teacher, "GET", f"/formgrader/api/submitted_notebooks/"
                               f"{ASSIGNMENT}/{ASSIGNMENT}").json()
        sid = next(n["id"] for n in notebooks if n["student"] == a)
        page_i.goto(f"{hub.url}/user/{teacher}/formgrader/submissions/{sid}/")
        page_i.wait_for_selector(".course-rubric", timeout=60_000)
        out["rubric_text"] = page_i.locator(".course-rubric").first.inner_text()
        score = page_i.locator("input#why")
        score.fill("2")
        score.press("Enter")
        page_i.wait_for_timeout(1500)
        page_i.locator(".course-rubric").first.scroll_into_view_if_needed()
        out["screens"]["rubric"] = shot(page_i, "formgrader-rubric")
        out["live_href"] = page_i.locator("li.live-notebook a.name-hidden").get_attribute("href")
        out["live_status"] = requests.get(
            f"{hub.url}{out['live_href']}", timeout=60,
            headers={"Authorization": f"token {hub.token}"}).status_code
    page_i.context.close()

    # 10. feedback, exports (terminal)
    with timed("feedback: generate + release (instructor terminal)"):
        tt.ok(f"nbgrader generate_feedback {ASSIGNMENT} && nbgrader release_feedback "
              f"{ASSIGNMENT}")
    with timed("exports: Canvas, Moodle (instructor terminal)"):
        tt.ok("python -m course.instructor.lms canvas && python -m course.instructor.lms moodle")
    exports = {}
    for name in ("canvas-grades.csv", "moodle-grades.csv"):
        exports[name] = hub.server(teacher, "GET", f"/api/contents/{hub.course}/{name}",
                                   params={"type": "file", "format": "text"}).json()["content"]
    out["exports"] = exports
    fg = "/formgrader/api"
    submissions = hub.server(teacher, "GET", f"{fg}/submissions/{ASSIGNMENT}").json()
    out["scores"] = {s["student"]: (s["score"], s["max_score"]) for s in submissions}

    # 11. the students fetch their feedback (A in the browser)
    with timed("student A: fetch feedback in the browser"):
        open_assignments(page_a, hub, a)
        page_a.locator("#submitted_assignments_list button",
                       has_text="Fetch Feedback").first.click()
        page_a.wait_for_selector("#submitted_assignments_list a:has-text('view feedback')",
                                 timeout=60_000)
        out["screens"]["a-feedback-list"] = shot(page_a, "student-feedback-list")
    stamps = hub.server(a, "GET", f"/api/contents/{hub.course}/{ASSIGNMENT}/feedback").json()
    page_a.goto(f"{hub.url}/user/{a}/files/{stamps['content'][0]['path']}/{ASSIGNMENT}.html")
    out["screens"]["a-feedback"] = shot(page_a, "student-feedback")
    feedback = {}
    for student in hub.students:
        if student != a:
            result = hub.server(student, "POST", "/assignments/fetch_feedback", json=ids).json()
            assert result["success"], result
        folder = f"/api/contents/{hub.course}/{ASSIGNMENT}/feedback"
        stamps = hub.server(student, "GET", folder).json()["content"]
        feedback[student] = [
            hub.server(student, "GET", f"/api/contents/{s['path']}/{ASSIGNMENT}.html",
                       params={"type": "file", "format": "text"}).json()["content"]
            for s in stamps]
    out["feedback"] = feedback
    page_a.context.close()
    for t in (tt, ta, tc):
        t.close()
    TIMINGS["the whole term (steps above and the rest)"] = round(time.monotonic() - t_start, 1)
    if os.environ.get("COURSE_UPDATE_DOCS"):
        shutil.copy(out["screens"]["rubric"], ROOT / "docs" / "images" / "formgrader-rubric.png")
    return out


# -- checks ----------------------------------------------------------------------------------------
def test_nbgrader_is_on_path_in_terminals(hub, term):
    bin_dir = str(Path(hub.unit["ExecStart"].split()[0]).parent)
    assert term["teacher_which"].strip().endswith(f"{bin_dir}/nbgrader"), term["teacher_which"]
    assert term["a_which"].strip().endswith(f"{bin_dir}/nbgrader"), term["a_which"]


def test_scores_late_penalty_and_extension(hub, term):
    a, b, c = hub.students
    assert term["scores"][a] == (pytest.approx(5.0), pytest.approx(5.0))  # 3 auto + 2 by hand
    assert term["scores"][b][0] == pytest.approx(1.0)  # add wrong
    assert term["scores"][c][0] == pytest.approx(3.0)  # the written answer not graded yet
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hub.course_dir / 'gradebook.db'}", hub.course) as gb:
        late = {s: gb.find_submission(ASSIGNMENT, s) for s in hub.students}
        assert late[a].total_seconds_late == 0 and late[a].late_submission_penalty == 0
        assert late[b].total_seconds_late > 0  # after the due date: 10% of 1 point off
        assert late[b].late_submission_penalty == pytest.approx(0.1)
        assert late[c].extension.total_seconds() == 3600  # granted by the late plugin
        assert late[c].total_seconds_late == 0 and late[c].late_submission_penalty == 0


def test_exports_for_canvas_and_moodle_have_names_and_emails(hub, term):
    a, b, c = hub.students
    canvas = list(csv.reader(io.StringIO(term["exports"]["canvas-grades.csv"])))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT]
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][-1] == "5"
    rows = {r[3]: r for r in canvas[2:]}
    assert rows[a][0] == "Lovelace, Ada" and rows[a][-1] == "5"
    assert rows[b][-1] == "0.9" and rows[c][-1] == "3"
    moodle = list(csv.DictReader(io.StringIO(term["exports"]["moodle-grades.csv"])))
    by_mail = {r["Email address"]: r for r in moodle}
    assert by_mail["ada@uni.example"]["First name"] == "Ada"
    assert by_mail["bo@uni.example"][ASSIGNMENT] == "0.9"
    assert {r["Email address"] for r in moodle} == {"ada@uni.example", "bo@uni.example",
                                                     "cy@uni.example"}


def test_forged_submissions_are_refused(hub, term):
    a, b, c = hub.students
    status, text = term["forge_cli"]
    assert status != 0 and "only submit as yourself" in text, text
    status, text = term["forge_raw"]
    assert status == 0, f"C could not even write into the inbox: {text}"
    assert re.search(rf"REFUSED {re.escape(a)}\+{ASSIGNMENT}\+.*forged: it claims to be "
                     rf"{re.escape(a)}'s submission but its folder belongs to {re.escape(c)}",
                     term["collect"]), term["collect"]
    submitted = hub.course_dir / "submitted" / a / ASSIGNMENT
    assert "forged" not in (submitted / "timestamp.txt").read_text()
    nb = nbformat.read(submitted / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "add"
            ] == [ADD_RIGHT], "A's real submission was not the one collected"
    assert term["scores"][a][0] == pytest.approx(5.0)


def test_a_fix_released_mid_term_reaches_students_who_fetched(hub, term):
    def text(nb):
        return json.dumps(nb)

    # A had answered: A's notebook is A's, the fix arrives beside it, and the fetch says so
    assert ADD_RIGHT.split("\n")[1] in text(term["a_mine"]) and V1_NOTE in text(term["a_mine"])
    assert V2_NOTE in text(term["a_updated"]) and V1_NOTE not in text(term["a_updated"])
    assert "updated since you fetched it" in term["a_list"], term["a_list"]
    assert f"saved beside it as {ASSIGNMENT}.updated.ipynb" in term["a_fetch"], term["a_fetch"]
    # B had not touched it: the Fetch button came back and the fix replaced B's copy
    submitted = hub.course_dir / "submitted" / hub.students[0] / ASSIGNMENT
    assert not (submitted / f"{ASSIGNMENT}.updated.ipynb").exists(), "the update was submitted"
    assert term["b_fetch_button"] == 1
    assert V2_NOTE in text(term["b_mine"]) and not term["b_updated_exists"]


def test_autograde_is_sandboxed(hub, term):
    c = hub.students[2]
    graded = nbformat.read(hub.course_dir / "autograded" / c / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           as_version=4)
    printed = "".join(o.get("text", "") for cell in graded.cells if cell.cell_type == "code"
                      for o in cell.get("outputs", []))
    probes = dict(line.split()[1:3] for line in printed.splitlines() if line.startswith("PROBE"))
    answer = [(cell.source, cell.get("outputs")) for cell in graded.cells
              if cell.metadata.get("nbgrader", {}).get("grade_id") == "add"]
    assert set(probes) == {"master", "gradebook", "network"}, (answer, term["autograde"][-3000:])
    assert "READ" not in probes.values() and probes["network"] != "OPEN", probes
    assert term["scores"][c][0] == pytest.approx(3.0)  # the right answer still scores


def test_validate_and_submit_in_the_browser(term):
    assert "Success" in term["a_validate"] or "passes" in term["a_validate"], term["a_validate"]


def test_rubric_beside_the_written_answer_and_live_notebook_link(hub, term):
    assert MODEL_ANSWER in term["rubric_text"] and "1 pt: says that addition commutes" in (
        term["rubric_text"])
    assert term["live_href"].startswith(f"/user/{hub.instructor}/notebooks/"), term["live_href"]
    assert term["live_status"] == 200


def test_feedback_without_hidden_tests_or_model_answers(hub, term):
    a, b, c = hub.students
    for student in hub.students:
        assert len(term["feedback"][student]) == 1, f"{student}: {len(term['feedback'][student])}"
        page = html.unescape(re.sub(r"<[^>]+>", "", term["feedback"][student][0]))
        assert "assert add(1, 2) == 3" in page, f"{student}'s feedback lacks the visible test"
        for line in [*HIDDEN, MODEL_ANSWER, "1 pt: says that addition commutes"]:
            assert line not in page, f"{student}'s feedback shows {line!r}"
    page_a = html.unescape(re.sub(r"<[^>]+>", "", term["feedback"][a][0]))
    assert "Score: 5.0 / 5.0" in page_a


def test_students_cannot_read_each_others_work(hub, term):
    a, b, c = hub.students
    home_a = Path(pwd.getpwnam(a).pw_dir)
    work = home_a / hub.course / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert work.exists()
    assert denied(b, "read", work), "a student can read a classmate's notebook"
    assert denied(b, "list", home_a), "a student can list a classmate's home folder"
    inbound = hub.exchange / hub.course / "inbound"
    assert denied(b, "list", inbound), "a student can list the exchange's inbox"
    submission = next(p for p in inbound.iterdir()
                      if p.name.startswith(f"{a}+") and not p.name.endswith("forged"))
    assert denied(b, "read", submission / f"{ASSIGNMENT}.ipynb"), (
        "a student can read a classmate's submission in the inbox")
    assert denied(b, "read", submission / "submission_secret.txt")
    assert denied(b, "list", hub.exchange / hub.course / "feedback")
    for student in hub.students:
        assert denied(student, "list", hub.course_dir), "the course directory is not private"


def test_instructor_clone_is_theirs_and_usable(hub):
    done = run("runuser", "-u", hub.instructor, "--", "git", "-C", str(hub.course_dir),
               "status", "--short", check=False, cwd="/")
    assert done.returncode == 0 and "dubious ownership" not in done.stderr, done.stderr
    assert hub.course_dir.stat().st_uid == pwd.getpwnam(hub.instructor).pw_uid


def test_roster_is_in_the_gradebook(hub):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hub.course_dir / 'gradebook.db'}", hub.course) as gb:
        people = {s.id: (s.first_name, s.last_name, s.email) for s in gb.students}
    assert people[hub.students[0]] == ("Ada", "Lovelace", "ada@uni.example")
    assert len(people) == 3


def _solution_lines() -> tuple[set[str], dict[str, int]]:
    """Every solution and hidden-test line of the course's notebooks and of the test's
    assignment, less those the student release or the course package itself publishes."""
    def regions(src, begin, end):
        out, inside = [], False
        for ln in src.splitlines():
            if begin in ln:
                inside = True
            elif end in ln:
                inside = False
            elif inside:
                out.append(ln.strip())
        return out

    masters = [(nbformat.read(p, as_version=4),
                (ROOT / "notebooks" / p.parent.name / p.name).read_text())
               for p in sorted(ROOT.glob("solutions/*/*.ipynb"))]
    masters.append((tiny_assignment(V2_NOTE), ""))
    published = "\n".join(p.read_text() for p in (ROOT / "course").rglob("*.py"))
    lines, dropped = set(), {"in the student release": 0, "in the course package": 0}
    for nb, release in masters:
        for cell in nb.cells:
            for begin, end, shortest in (("### BEGIN SOLUTION", "### END SOLUTION", 30),
                                         ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS", 20)):
                for ln in regions(cell.source, begin, end):
                    if len(ln) < shortest and ln not in HIDDEN:
                        continue
                    if ln in release:
                        dropped["in the student release"] += 1
                    elif ln in published:
                        dropped["in the course package"] += 1
                    else:
                        lines.add(ln)
    return lines, dropped


def test_no_student_can_read_a_solution_or_hidden_test_anywhere(hub, term):
    """Search every file a student can read on the machine (as that student) for the lines.

    Left out: /proc, /sys, /dev, /run, files over 20 MB, and developer checkouts of the course
    (a folder with ``authoring/nbbuild.py`` and ``solutions/``: the one running this test, other
    worktrees; none may be inside the deployment). A file that matches fails the test when the
    deployment made or changed it (it is in the deployment's folders or the users' homes, or a
    user of the course changed it after the test began); other files (a developer's scratch
    files, older or written as root by other work on the machine) are reported as a warning.
    """
    lines, dropped = _solution_lines()
    patterns = hub.base / "patterns.txt"
    patterns.write_text("\n".join(sorted(lines)) + "\n")
    patterns.chmod(0o644)
    student = hub.students[0]
    t0 = time.monotonic()
    skip = ["/proc", "/sys", "/dev", "/run"]
    # developer checkouts of the course (this one, other worktrees): not the deployment's
    found_builds = run("runuser", "-u", student, "--", "find", "/", "-maxdepth", "6", "(",
                       *" -o ".join(
        f"-path {p}" for p in skip).split(), ")", "-prune", "-o", "-path",
        "*/authoring/nbbuild.py", "-print", check=False, cwd="/", timeout=600).stdout.split()
    checkouts = sorted({str(Path(p).parents[1]) for p in found_builds
                        if (Path(p).parents[1] / "solutions").is_dir()})
    prune = " -o ".join(f"-path {p}" for p in [*skip, *checkouts]).split()
    listing = run("runuser", "-u", student, "--", "find", "/", "(", *prune, ")", "-prune",
                  "-o", "-type", "f", "-readable", "-size", "-20M", "-print0", check=False,
                  cwd="/", timeout=600).stdout.split("\0")
    files = [p for p in listing if p and p != str(patterns)]
    todo = hub.base / "readable.list"
    todo.write_text("\0".join(files))
    todo.chmod(0o644)
    found = run("runuser", "-u", student, "--", "xargs", "-0", "-a", str(todo), "grep", "-lIsF",
                "-f", str(patterns), check=False, cwd="/", timeout=600).stdout.splitlines()
    TIMINGS["scan of student-readable files"] = round(time.monotonic() - t0, 1)
    ours = [str(hub.base), "/etc/inside-the-feed",
            *(str(Path(pwd.getpwnam(u).pw_dir)) for u in hub.users)]
    began = hub.started_wall
    assert not [c for c in checkouts if any(c.startswith(d + "/") for d in ours)], checkouts
    uids = {pwd.getpwnam(u).pw_uid for u in hub.users}

    def made_by_the_course(path: str) -> bool:
        st = os.stat(path)
        return st.st_mtime >= began and st.st_uid in uids

    leaks = [p for p in found if any(p.startswith(d + "/") for d in ours)
             or made_by_the_course(p)]
    older = sorted(set(found) - set(leaks))
    print(f"\nscanned {len(files)} files a student can read for {len(lines)} solution and "
          f"hidden-test lines (left out as published on purpose: {dropped}; developer "
          f"checkouts left out: {checkouts})")
    if older:
        folders = sorted({str(Path(p).parent) for p in older})
        print(f"WARNING: {len(older)} files that were on this machine before the deployment "
              f"(not made by it) hold solution lines a student could read, in: {folders[:15]}")
    assert len(lines) > 100 and len(files) > 1000
    assert not leaks, f"a student can read solution or hidden-test lines in: {leaks[:20]}"


def test_the_student_tree_has_no_private_folders(hub):
    for name in ("solutions", "authoring", "tests", ".git", "notebooks"):
        assert not (hub.app / name).exists()
    import_path = run("runuser", "-u", hub.students[0], "--", hub.unit["ExecStart"].split()[0]
                      .replace("jupyterhub", "python"), "-c",
                      "import course; print(course.__file__)", cwd="/").stdout
    assert import_path.startswith(str(hub.app)), import_path


def test_students_see_student_tools_only(hub, browser, term):
    a = hub.students[0]
    r = requests.get(f"{hub.url}/user/{a}/formgrader/api/assignments",
                     headers={"Authorization": f"token {hub.token}"}, timeout=30)
    assert r.status_code == 404, "the formgrader is switched on for students"
    menus = {}
    for user in (a, hub.instructor):
        page = login(browser, hub, user)
        page.goto(f"{hub.url}/user/{user}/lab")
        page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
        page.get_by_text("Nbgrader", exact=True).first.click()
        page.wait_for_timeout(500)
        menus[user] = page.locator(".lm-Menu-content").last.inner_text()
        shot(page, f"nbgrader-menu-{'student' if user == a else 'instructor'}")
        page.context.close()
    for tool in ("formgrader", "create assignment", "course list"):
        assert tool not in menus[a].lower(), f"students see {tool}: {menus[a]!r}"
        assert tool in menus[hub.instructor].lower(), (
            f"instructors lack {tool}: {menus[hub.instructor]!r}")
    assert "Assignment List" in menus[a]


def test_hub_admin_page_for_the_instructor_only(hub, browser, term):
    for user, allowed in ((hub.instructor, True), (hub.students[0], False)):
        page = login(browser, hub, user)
        response = page.goto(f"{hub.url}/hub/admin")
        assert (response.status == 200) == allowed, f"{user}: /hub/admin -> {response.status}"
        page.context.close()


def test_login_needs_the_password(hub):
    s = requests.Session()
    s.get(f"{hub.url}/hub/login", timeout=30)
    xsrf = s.cookies.get("_xsrf")
    bad = s.post(f"{hub.url}/hub/login", timeout=30, allow_redirects=False,
                 data={"username": hub.students[0], "password": "wrong", "_xsrf": xsrf})
    assert bad.status_code == 403
    outsider = s.post(f"{hub.url}/hub/login", timeout=30, allow_redirects=False,
                      data={"username": hub.outsider, "password": hub.password, "_xsrf": xsrf})
    assert outsider.status_code == 403, "a user outside the course got in"


def test_ports_and_systemd_unit(hub):
    for name in ("hub_api", "proxy_api"):
        with socket.create_connection(("127.0.0.1", hub.ports[name]), timeout=5):
            pass
    assert hub.unit["Delegate"] == "yes"
    assert Path(hub.unit["ExecStart"].split()[0]).exists()
    assert Path(hub.unit["ExecStart"].split()[-1]) == hub.app / "deploy" / "jupyterhub_config.py"
    if shutil.which("systemd-analyze"):
        done = run("systemd-analyze", "verify", str(hub.base / "systemd" /
                                                     "inside-the-feed-hub.service"), check=False)
        assert "inside-the-feed-hub.service" not in done.stderr or done.returncode == 0, done


def test_idle_culler_runs(hub):
    services = hub.api("GET", "/services").json()
    assert "idle-culler" in services, services
    assert services["idle-culler"].get("pid"), services["idle-culler"]
    assert "--timeout=3600" in " ".join(services["idle-culler"]["command"])


def test_per_user_memory_and_cpu_limits(hub, term):
    if not hub.limits:
        pytest.skip("no writable memory/cpu control groups on this machine")
    from limits import CGROUP, peak_memory

    a = hub.students[0]
    pid = hub.api("GET", f"/users/{a}").json()  # the server runs: its process is in the group
    assert pid["servers"][""]["ready"]
    group = CGROUP / "memory" / "inside-the-feed" / a
    procs = (group / "cgroup.procs").read_text().split()
    assert procs, "the student's server is not in its control group"
    assert int((group / "memory.limit_in_bytes").read_text()) == 2**30
    quota = int((CGROUP / "cpu" / "inside-the-feed" / a / "cpu.cfs_quota_us").read_text())
    assert quota == 100_000
    peaks = {s: peak_memory(s) for s in hub.students}
    TIMINGS.update({f"peak memory MB, {s}": round((p or 0) / 2**20) for s, p in peaks.items()})
    assert all(peaks.values())

    # the limit is enforced: a process of this user, in its group, asking for 1.5 GiB is killed
    def join() -> None:
        with open(group / "cgroup.procs", "w") as fh:
            fh.write(str(os.getpid()))

    hog = subprocess.run(
        ["runuser", "-u", a, "--", "/usr/bin/python3", "-c",
         "b = bytearray(1500 * 2**20)\nb[::4096] = b'x' * len(b[::4096])\nprint('survived')"],
        capture_output=True, text=True, timeout=120, preexec_fn=join, cwd="/")
    assert "survived" not in hog.stdout and hog.returncode != 0, (hog.returncode, hog.stdout)


def test_the_term_fits_the_time_budget(hub, term):
    elapsed = time.monotonic() - hub.started
    print("\nhub e2e timings (s):\n" + "\n".join(f"  {k}: {v}" for k, v in TIMINGS.items()))
    print(f"  total: {elapsed:.0f}")
    assert elapsed < 720  # a guard against hangs; measured 7-10 minutes at load average 5-35
