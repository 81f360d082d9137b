"""Browser-test harness: Voila and JupyterLab on loopback, driven by Debian's Chromium.

Servers start on free loopback ports with a random token (JupyterLab) or loopback-only access
(Voila), in a temporary home so they read and write nothing of the developer's, and are always
stopped at teardown. Pages record console errors, uncaught page errors and any request that
would leave the machine (the course must work offline); ``Watched.assert_clean`` fails on any
of them. Playwright uses ``/usr/bin/chromium`` (``./run test`` installs it; we never run
``playwright install``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from harness import student_assignments

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
START_TIMEOUT = 90.0
LAB_SETTINGS = {   # the test's own: start a kernel without asking (the course's are in etc/)
    "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True},
}
#: ``./run lab``'s JupyterLab settings (no news prompt): the tests use the same.
LAB_ENV = {"JUPYTER_CONFIG_PATH": str(ROOT / "deploy" / "jupyter" / "common")}
#: A laptop screen, where everything must fit.
LAPTOP = {"width": 1366, "height": 768}
# How the app is served (``./run voila`` must match): the course's Voila template (Voila's lab
# template without the two stylesheets it fetches from a CDN) lives in apps/share/jupyter, which
# JUPYTER_PATH adds to Jupyter's data directories; apps/etc/jupyter/voila.json (found through
# JUPYTER_CONFIG_PATH) selects it and loads only the widget extensions.
VOILA_ENV = {"JUPYTER_PATH": str(ROOT / "apps" / "share" / "jupyter"),
             "JUPYTER_CONFIG_PATH": str(ROOT / "apps" / "etc" / "jupyter")}
VOILA_FLAGS = ["--no-browser"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A server process on loopback, its base URL and log file."""

    name: str
    process: subprocess.Popen
    url: str
    log: Path
    token: str = ""

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)   # its own process group: kernels too
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _server_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Interactive servers: widgets must behave as for a learner, not as in a batch run.
    for name in ("COURSE_BATCH_RUN", "NBGRADER_EXECUTION"):
        env.pop(name, None)
    env.update({
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "MPLBACKEND": "Agg",
        "PYTHONUNBUFFERED": "1",
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    })
    return env


def start_server(name: str, argv: list[str], port: int, home: Path, ready_path: str,
                 token: str = "", env: dict[str, str] | None = None) -> Server:
    """Start ``argv`` in its own process group and wait until ``ready_path`` answers."""
    log = home / f"{name}.log"
    handle = log.open("wb")
    process = subprocess.Popen(argv, cwd=home, env={**_server_env(home), **(env or {})},
                               stdout=handle,
                               stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(name, process, f"http://127.0.0.1:{port}", log, token)
    deadline = time.monotonic() + START_TIMEOUT
    probe = f"{server.url}{ready_path}" + (f"?token={token}" if token else "")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{server.tail()}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"{name} did not answer {ready_path} within {START_TIMEOUT:.0f} s:\n"
                       f"{server.tail()}")


@pytest.fixture(scope="session")
def server_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("browser-home")
    for sub in ("config", "runtime", "ipython", "notebooks"):
        (home / sub).mkdir()
    return home


def start_voila(app: str, home: Path) -> Server:
    """The Voila app ``apps/<app>.ipynb`` as ``./run voila <app>`` starts it, on a free port."""
    port = free_port()
    argv = [str(BIN / "voila"), str(ROOT / "apps" / f"{app}.ipynb"), *VOILA_FLAGS,
            f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"]
    return start_server(f"voila-{app}", argv, port, home, "/voila/static/voila.js",
                        env=VOILA_ENV)


@pytest.fixture(scope="session")
def voila_server(server_home: Path) -> Iterator[Server]:
    """The playground app (``./run voila``)."""
    server = start_voila("playground", server_home)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def toy_voila_server(server_home: Path) -> Iterator[Server]:
    """The toy recommender app (``./run voila toy-recommender``)."""
    server = start_voila("toy-recommender", server_home)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def lab_server(server_home: Path) -> Iterator[Server]:
    """JupyterLab as ``./run lab`` starts it, on a copy of the student notebooks (and of the
    apps), on a free loopback port."""
    port = free_port()
    token = secrets.token_hex(16)
    notebooks = server_home / "notebooks"
    shutil.copy(ROOT / "apps" / "playground.ipynb", notebooks / "playground.ipynb")
    shutil.copy(ROOT / "apps" / "toy-recommender.ipynb", notebooks / "toy-recommender.ipynb")
    for name in student_assignments():
        shutil.copytree(ROOT / "notebooks" / name, notebooks / name, dirs_exist_ok=True)
    for plugin, settings in LAB_SETTINGS.items():
        path = server_home / "lab-settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    argv = [str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={notebooks}",
            f"--LabApp.user_settings_dir={server_home / 'lab-settings'}",
            f"--LabApp.workspaces_dir={server_home / 'lab-workspaces'}",
            "--LabApp.expose_app_in_browser=True"]
    server = start_server("jupyterlab", argv, port, server_home, "/api/status", token,
                          env=LAB_ENV)
    yield server
    server.stop()


@pytest.fixture(scope="module")  # not session: Playwright's sync API keeps an asyncio loop
def browser() -> Iterator:          # running until it stops, which other tests must not see
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install -y "
                    "chromium; ./run test does it) or set COURSE_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                      headless=True)
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """A page and what went wrong on it."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        """No JavaScript errors and nothing fetched from outside the machine."""
        assert not self.page_errors, f"uncaught JavaScript errors: {self.page_errors}"
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.outside_requests, \
            f"requests to the internet (must work offline): {self.outside_requests}"


@pytest.fixture
def viewport() -> dict[str, int]:
    """The page size of ``watched_page`` (a test module may override this fixture)."""
    return LAPTOP


@pytest.fixture
def watched_page(browser, viewport) -> Iterator[Watched]:
    """A fresh page (a laptop's 1366 x 768 unless ``viewport`` says otherwise) that records
    JavaScript errors and blocks, and records, any request to a host other than loopback."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    watched = Watched(page)
    page.on("console", lambda msg: watched.console_errors.append(msg.text)
            if msg.type == "error" else None)
    page.on("pageerror", lambda err: watched.page_errors.append(str(err)))

    def guard(route) -> None:
        host = urlparse(route.request.url).hostname or ""
        if host in LOCAL_HOSTS:
            route.continue_()
        else:
            watched.outside_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    yield watched
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (``rep_call``) for failure screenshots."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def screenshot_on_failure(watched_page, artifacts, request):
    """Save what the browser showed when a test fails (next to the other artefacts)."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        watched_page.page.screenshot(path=str(artifacts / f"{request.node.name}-failure.png"))
