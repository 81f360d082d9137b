"""The ``run`` script's setup copes with a fresh Debian machine: an interrupted dpkg is finished
before installing packages, and pip's warnings about this machine's local indexes are not shown.

The functions are taken from ``run`` and driven with stand-ins for ``dpkg``, ``apt-get`` and
``sudo`` that behave like Debian's (apt-get refuses to work while dpkg's journal is not empty), so
nothing on the machine is touched.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

from harness import ROOT

RUN = (ROOT / "run").read_text()


def _function(name: str) -> str:
    match = re.search(rf"^{name}\(\) {{\n.*?^}}\n", RUN, re.S | re.M)
    assert match, f"run has no function {name}"
    return match.group(0)


def _tool(folder: Path, name: str, body: str) -> None:
    (folder / "bin").mkdir(exist_ok=True)
    path = folder / "bin" / name
    path.write_text(f"#!/usr/bin/env bash\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def _bash(script: str, folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{folder / 'bin'}:{os.environ['PATH']}",
           "LOG": str(folder / "log"), "COURSE_DPKG_ADMINDIR": str(folder / "dpkg")}
    prelude = "set -euo pipefail\nsay() { echo \"[say] $*\"; }\n"
    return subprocess.run(["bash", "-c", prelude + script], env=env, capture_output=True,
                          text=True)


def test_apt_install_finishes_an_interrupted_dpkg_first(tmp_path):
    updates = tmp_path / "dpkg" / "updates"
    updates.mkdir(parents=True)
    (updates / "0001").write_text("Package: chromium\n")
    _tool(tmp_path, "sudo", 'exec "$@"')
    _tool(tmp_path, "dpkg", f'echo "dpkg $*" >> "$LOG"; [ "$*" = "--configure -a" ] && '
                            f'rm -f {updates}/*; exit 0')
    _tool(tmp_path, "apt-get", f'if [ -n "$(ls -A {updates})" ]; then echo "E: dpkg was '
                               "interrupted, you must manually run 'dpkg --configure -a' to "
                               'correct the problem." >&2; exit 100; fi; echo "apt-get $*" >> '
                               '"$LOG"')
    done = _bash(_function("apt_install") + "apt_install chromium", tmp_path)
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "log").read_text().splitlines()
    assert log[0] == "dpkg --configure -a"
    assert log[-1].endswith("install -y -qq chromium")
    assert "interrupted package installation" in done.stdout

    # without the repair step, this machine fails exactly as the issue reports
    (updates / "0001").write_text("Package: chromium\n")
    bare = _bash("apt-get install -y chromium", tmp_path)
    assert bare.returncode == 100 and "dpkg was interrupted" in bare.stderr


def test_pip_install_hides_only_the_local_index_warnings(tmp_path):
    noise = ("WARNING: Location 'file:///opt/pypi/simple/numpy/' is ignored: it is neither a "
             "file nor a directory.")
    _tool(tmp_path, "python", f'echo "{noise}" >&2; echo "ERROR: something real" >&2; exit 3')
    done = _bash(f'PY={tmp_path / "bin" / "python"}\n' + _function("pip_install")
                 + "pip_install -e . || echo \"status $?\"", tmp_path)
    assert "something real" in done.stderr and "is ignored" not in done.stderr
    assert done.stdout.strip() == "status 3"
