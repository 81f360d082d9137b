"""`./run lab` gives a learner nbgrader's student tools only; `--instructor` gives them all.

JupyterLab is started as `./run lab` starts it (``JUPYTER_CONFIG_PATH`` pointing at
``deploy/jupyter/student``, the same files the hub gives students) and as
``./run lab --instructor`` does, and the page and the server are asked what they offer: the
JupyterLab plugins switched off in the page's configuration, and whether the formgrader answers.
The hub end-to-end test checks the menus themselves in Chromium.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
INSTRUCTOR_ONLY = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                   "@jupyter/nbgrader:course-list"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_run_lab_uses_the_role_folders():
    script = (ROOT / "run").read_text()
    assert 'JUPYTER_CONFIG_PATH="$ROOT/deploy/jupyter/student' in script
    assert 'JUPYTER_CONFIG_PATH="$ROOT/deploy/jupyter/instructor' in script


@pytest.mark.parametrize("role", ["student", "instructor"])
def test_nbgrader_tools_by_role(role, tmp_path):
    port, token = free_port(), secrets.token_hex(8)
    config_path = os.pathsep.join(str(ROOT / "deploy" / "jupyter" / d) for d in (role, "common"))
    env = {**os.environ, "JUPYTER_CONFIG_PATH": config_path,
           "HOME": str(tmp_path), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    bin_dir = Path(sys.executable).parent
    proc = subprocess.Popen(
        [str(bin_dir / "jupyter"), "lab", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"token {token}"}
    try:
        for _ in range(120):
            try:
                if requests.get(f"{url}/api/status", headers=headers, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        page = requests.get(f"{url}/lab", headers=headers, timeout=30).text
        config = json.loads(html_unescape(re.search(
            r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page,
            re.S).group(1)))
        disabled = config.get("disabledExtensions", [])
        formgrader = requests.get(f"{url}/formgrader/api/assignments", headers=headers,
                                  timeout=60).status_code
        assignments = requests.get(f"{url}/nbgrader_version", params={"version": "0.9.6"},
                                   headers=headers, timeout=60).status_code
        notification = requests.get(
            f"{url}/lab/api/settings/@jupyterlab/apputils-extension:notification",
            headers=headers, timeout=60).json()["schema"]["properties"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
    assert assignments == 200, "the assignment list must work for everyone"
    assert notification["fetchNews"]["default"] == "false", "no news prompt over the content"
    assert notification["checkForUpdates"]["default"] is False
    if role == "student":
        assert set(INSTRUCTOR_ONLY) <= set(disabled), disabled
        assert formgrader == 404
    else:
        assert not set(INSTRUCTOR_ONLY) & set(disabled), disabled
        assert formgrader == 200


def test_the_hub_gives_each_role_the_common_settings():
    """setup_course.py writes deploy/jupyter/common into every role's folder on the hub."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("setup_course",
                                                  ROOT / "deploy" / "setup_course.py")
    setup_course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup_course)
    configs = setup_course.role_configs("some-course")
    common = (ROOT / "deploy/jupyter/common/labconfig/default_setting_overrides.json").read_text()
    for role in ("student", "instructor"):
        assert configs[role]["labconfig/default_setting_overrides.json"] == common
    assert "labconfig/page_config.json" in configs["student"]


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)
