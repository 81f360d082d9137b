"""Install Inside the Feed for a JupyterHub, publishing nothing private (run as root).

What every user's server runs must not contain the solutions: the course repository holds the
instructor masters (``solutions/``), the authoring scripts and the tests, so it is never made
readable to students. This script builds, from your private checkout, a **student-only tree**
with just what a running course needs, and installs it::

    /opt/inside-the-feed/app/     course/ (the package), datasets/, deploy/, pyproject.toml, README
    /opt/inside-the-feed/venv/    Python with the course (``pip install -e "app[hub]"``: the
                                  course, JupyterLab, nbgrader, JupyterHub, the idle culler;
                                  no test tools)
    /opt/inside-the-feed/tools/   configurable-http-proxy (npm)

then fetches MovieLens into ``app/datasets/`` (checksummed) and makes ``/opt/inside-the-feed``
readable (not writable) by everyone. Re-running it updates everything in place (the datasets
already fetched are kept). The instructors' course directories are separate private clones
(``setup_course.py --course-repo``).

Example::

    python3 deploy/install.py                      # from your private checkout, as root
    python3 deploy/install.py --prefix /srv/itf    # elsewhere

``--tree-only`` only builds the student-only tree (the end-to-end test uses it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1]
#: What students' servers need; nothing else of the repository is copied.
STUDENT_TREE = ["course", "datasets", "deploy", "pyproject.toml", "README.md"]
NEVER = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "downloads",
                               "*.egg-info")
FORBIDDEN = ["solutions", "authoring", "tests", ".git", "notebooks"]


def say(msg: str) -> None:
    print(f"[install] {msg}", flush=True)


def run(*cmd: str) -> None:
    say("+ " + " ".join(cmd))
    # never from inside the checkout: `python -m course...` would import the checkout's copy
    subprocess.run(cmd, check=True, cwd="/")


def build_tree(source: Path, app: Path) -> Path:
    """Copy the student-only part of ``source`` to ``app`` (keeping fetched datasets)."""
    missing = [p for p in STUDENT_TREE if not (source / p).exists()]
    if missing:
        raise SystemExit(f"{source} is not the course repository (no {', '.join(missing)})")
    fresh = app.with_name(app.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    for name in STUDENT_TREE:
        src = source / name
        if src.is_dir():
            shutil.copytree(src, fresh / name, ignore=NEVER)
        else:
            shutil.copy2(src, fresh / name)
    fetched = app / "datasets" / "ml-100k"
    if fetched.is_dir() and not (fresh / "datasets" / "ml-100k").exists():
        shutil.copytree(fetched, fresh / "datasets" / "ml-100k")
    for name in FORBIDDEN:
        assert not (fresh / name).exists(), name
    old = app.with_name(app.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if app.exists():
        app.rename(old)
    fresh.rename(app)
    shutil.rmtree(old, ignore_errors=True)
    return app


def open_for_reading(prefix: Path) -> None:
    """Everyone may read and run, nobody but root may write."""
    run("chown", "-R", "root:root", str(prefix))
    run("chmod", "-R", "u+rwX,go+rX,go-w", str(prefix))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="install.py", description=__doc__.split("\n")[0])
    p.add_argument("--prefix", type=Path, default=Path("/opt/inside-the-feed"))
    p.add_argument("--source", type=Path, default=SOURCE,
                   help="your private checkout of the course (default: this one)")
    p.add_argument("--python", default="/usr/bin/python3" if Path("/usr/bin/python3").exists()
                   else sys.executable,
                   help="the Python 3.11+ to make the virtualenv with, one every user can run "
                        "(default: Debian's /usr/bin/python3)")
    p.add_argument("--tree-only", action="store_true", help="only build the student-only tree")
    args = p.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("run as root: it installs under /opt for every user")
    prefix = args.prefix.resolve()
    if prefix == args.source.resolve() or args.source.resolve() in prefix.parents:
        raise SystemExit("install outside the checkout (the checkout stays private)")
    started = time.monotonic()
    prefix.mkdir(parents=True, exist_ok=True)
    app = build_tree(args.source.resolve(), prefix / "app")
    say(f"student-only tree in {app} (no {', '.join(FORBIDDEN)})")
    if not args.tree_only:
        venv = prefix / "venv"
        if not (venv / "bin" / "python").exists():
            run(args.python, "-m", "venv", str(venv))
        py = str(venv / "bin" / "python")
        run(py, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(py, "-m", "pip", "install", "--quiet", "-e", f"{app}[hub]")
        run(py, "-m", "course.data", "fetch", "--quiet")
        if not shutil.which("npm"):
            raise SystemExit("npm is missing: apt-get install -y nodejs npm")
        if not shutil.which("bwrap"):
            raise SystemExit("bubblewrap is missing (autograding runs every submission in its "
                             "sandbox): apt-get install -y bubblewrap")
        run("npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
            str(prefix / "tools"), "configurable-http-proxy@4")
    open_for_reading(prefix)
    say(f"done in {time.monotonic() - started:.0f} s; next: deploy/setup_course.py "
        f"(see {app / 'deploy' / 'README.md'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
