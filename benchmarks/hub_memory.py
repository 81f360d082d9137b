"""Memory per active student on the hub: each course notebook run as a student would run it.

For every notebook (the instructor version, i.e. a student who has answered everything, at its
default size) this runs it under papermill (as the test suite does) in a fresh memory control
group and prints the group's peak memory (the kernel and papermill together), plus an idle
JupyterLab server's. A student's server with one notebook open needs about
``server + kernel``; the sizing guide in deploy/README.md uses the heaviest notebook. Needs
root and cgroup v1 or v2 memory accounting (the hub's own limits need the same). Example::

    sudo .venv/bin/python benchmarks/hub_memory.py            # all notebooks
    sudo .venv/bin/python benchmarks/hub_memory.py 08-capstone
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CGROUP = Path("/sys/fs/cgroup")


def group(name: str) -> tuple[Path, Path]:
    """A fresh memory group: (its folder, its peak-memory file)."""
    if (CGROUP / "memory").is_dir():  # v1
        folder = CGROUP / "memory" / "itf-bench" / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder, folder / "memory.max_usage_in_bytes"
    folder = CGROUP / "itf-bench" / name  # v2
    folder.mkdir(parents=True, exist_ok=True)
    return folder, folder / "memory.peak"


def run_in_group(name: str, cmd: list[str], cwd: Path, seconds: float | None = None
                 ) -> tuple[float, float]:
    """Run ``cmd`` in a new group; (peak MiB, wall seconds). ``seconds``: stop it after that."""
    folder, peak = group(name)

    def join() -> None:
        (folder / "cgroup.procs").write_text(str(os.getpid()))

    env = {**os.environ, "COURSE_BATCH_RUN": "1", "MPLBACKEND": "Agg"}
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, preexec_fn=join, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        _, err = proc.communicate(timeout=seconds)
        if proc.returncode:
            print(f"  ! {name} failed: {err.strip().splitlines()[-1:]}", file=sys.stderr)
    except subprocess.TimeoutExpired:
        proc.terminate()
        proc.wait(20)
    wall = time.monotonic() - t0
    mib = int(peak.read_text()) / 2**20
    for _ in range(20):
        try:
            folder.rmdir()
            break
        except OSError:
            time.sleep(0.5)
    return mib, wall


def main(argv: list[str]) -> int:
    if os.geteuid() != 0:
        raise SystemExit("run as root (it makes memory control groups)")
    names = argv or sorted(p.name for p in (ROOT / "solutions").iterdir()
                           if (p / f"{p.name}.ipynb").exists())
    bin_dir = Path(sys.executable).parent
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        port = 18765
        mib, _ = run_in_group("server", [str(bin_dir / "jupyter"), "lab", "--no-browser",
                                         "--allow-root", f"--port={port}",
                                         "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={home}",
                                         "--IdentityProvider.token=x"], home, seconds=25)
        print(f"{'idle JupyterLab server':32s} {mib:7.0f} MiB")
        results = {}
        for name in names:
            src = ROOT / "solutions" / name
            work = home / name
            shutil.copytree(src, work)
            mib, wall = run_in_group(name, [sys.executable, "-m", "papermill",
                                            f"{name}.ipynb", "out.ipynb", "--cwd", str(work),
                                            "--kernel", "python3", "--execution-timeout", "300"],
                                     work)
            results[name] = mib
            print(f"{name:32s} {mib:7.0f} MiB  ({wall:.0f} s)")
    heaviest = max(results, key=results.get)
    print(f"heaviest: {heaviest} ({results[heaviest]:.0f} MiB with papermill)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
