"""Per-user memory and CPU limits for the servers the hub spawns (Linux control groups).

JupyterHub's ``LocalProcessSpawner`` accepts ``mem_limit`` and ``cpu_limit`` but does not
enforce them. :class:`LimitedSpawner` does: before a user's server starts (in the new process,
while it is still root) it joins a control group of its own, ``inside-the-feed/<user>``, whose
memory and CPU caps the kernel enforces for the server and every kernel it starts. Past the
memory cap the kernel's OOM killer ends a process of that user only (the notebook shows "kernel
died"; the server and the other students are untouched); past the CPU cap the user's processes
are slowed, not stopped.

Both cgroup layouts are handled:

* **cgroup v2** (Debian 12 with systemd): the hub's unit has ``Delegate=yes``, so the hub may
  manage the control group systemd gave it. The hub moves itself into ``<its group>/hub`` (v2
  allows processes only in leaves), enables the memory and cpu controllers, and puts each user
  into ``<its group>/user-<name>`` (``memory.max``, ``memory.swap.max`` 0, ``cpu.max``).
* **cgroup v1** (older systems, some containers): ``/sys/fs/cgroup/{memory,cpu}/inside-the-feed/
  <user>`` (``memory.limit_in_bytes``, ``cpu.cfs_quota_us``).

Where neither can be written the hub stops at start-up with a message, unless the limits are off
(``"mem_limit": null`` in the course settings). :func:`peak_memory` reads the most memory a user's
group has used (the sizing guide's figure).

Example
-------
>>> parse_bytes("2G"), parse_bytes("512M"), parse_bytes(None)
(2147483648, 536870912, None)
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner

CGROUP = Path(os.environ.get("COURSE_CGROUP_ROOT", "/sys/fs/cgroup"))
BASE = "inside-the-feed"
PERIOD = 100_000  # microseconds: the CPU quota is cpu_limit * PERIOD per PERIOD


def parse_bytes(value: str | int | None) -> int | None:
    """'2G' / '512M' / '1.5G' / an int -> bytes (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    m = re.fullmatch(r"\s*([\d.]+)\s*([KMGT]?)i?B?\s*", str(value), re.I)
    if not m:
        raise ValueError(f"{value!r} is not a size like 2G or 512M")
    scale = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}[m.group(2).upper()]
    return int(float(m.group(1)) * scale)


class CgroupError(RuntimeError):
    """The limits cannot be applied; the message says what to do."""


def _write(path: Path, value: str) -> None:
    path.write_text(value)


class Cgroups:
    """Create per-user control groups with a memory and a CPU cap (v2, else v1)."""

    def __init__(self, root: Path = CGROUP) -> None:
        self.root = root
        controllers = root / "cgroup.controllers"
        if controllers.exists() and {"memory", "cpu"} <= set(controllers.read_text().split()):
            self.version = 2
            self.base = self._v2_base()
        elif (root / "memory").is_dir() and (root / "cpu").is_dir():
            self.version = 1
            self.base = None
        else:
            raise CgroupError(
                f"no memory and cpu control groups under {root}: per-user limits need them "
                "(Debian 12 with systemd has them); or switch the limits off with "
                '"mem_limit": null in the course settings')

    # -- cgroup v2 --------------------------------------------------------------------------
    def _v2_base(self) -> Path:
        """The hub's own group (delegated by systemd), with the hub moved into a leaf."""
        line = next(ln for ln in Path("/proc/self/cgroup").read_text().splitlines()
                    if ln.startswith("0::"))
        here = self.root / line[3:].lstrip("/")
        if here.name == "hub":  # already moved (a restart of the spawner, not of the hub)
            here = here.parent
        leaf = here / "hub"
        try:
            leaf.mkdir(exist_ok=True)
            for pid in (here / "cgroup.procs").read_text().split():
                try:
                    _write(leaf / "cgroup.procs", pid)
                except ProcessLookupError:
                    pass
            _write(here / "cgroup.subtree_control", "+memory +cpu")
        except OSError as err:
            raise CgroupError(
                f"cannot manage the control group {here} ({err}): run the hub from its systemd "
                "unit, which has Delegate=yes (deploy/README.md), or switch the limits off with "
                '"mem_limit": null in the course settings') from err
        return here

    def user_group(self, user: str) -> list[Path]:
        """The group folder(s) of ``user`` (one for v2, memory and cpu for v1)."""
        if self.version == 2:
            return [self.base / f"user-{user}"]
        return [self.root / "memory" / BASE / user, self.root / "cpu" / BASE / user]

    def prepare(self, user: str, mem: int | None, cpus: float | None) -> list[Path]:
        """Create ``user``'s group(s) with the caps; return the files a process joins through."""
        procs = []
        try:
            for group in self.user_group(user):
                group.mkdir(parents=True, exist_ok=True)
                procs.append(group / "cgroup.procs")
                if self.version == 2:
                    if mem:
                        _write(group / "memory.max", str(mem))
                        if (group / "memory.swap.max").exists():
                            _write(group / "memory.swap.max", "0")
                    if cpus:
                        _write(group / "cpu.max", f"{int(cpus * PERIOD)} {PERIOD}")
                elif group.parts[-3] == "memory" and mem:
                    _write(group / "memory.limit_in_bytes", str(mem))
                    if (group / "memory.memsw.limit_in_bytes").exists():
                        _write(group / "memory.memsw.limit_in_bytes", str(mem))
                elif group.parts[-3] == "cpu" and cpus:
                    _write(group / "cpu.cfs_period_us", str(PERIOD))
                    _write(group / "cpu.cfs_quota_us", str(int(cpus * PERIOD)))
        except OSError as err:
            raise CgroupError(f"cannot set the limits of {user} ({err})") from err
        return procs


def peak_memory(user: str, root: Path = CGROUP) -> int | None:
    """The most memory (bytes) ``user``'s servers and kernels have used together, if known."""
    for path in (root / "memory" / BASE / user / "memory.max_usage_in_bytes",):
        if path.exists():
            return int(path.read_text())
    for found in root.glob(f"**/user-{user}/memory.peak"):
        return int(found.read_text())
    return None


class LimitedSpawner(LocalProcessSpawner):
    """``LocalProcessSpawner`` whose ``mem_limit`` and ``cpu_limit`` are enforced (cgroups)."""

    _cgroups: Cgroups | None = None

    def make_preexec_fn(self, name):
        drop_privileges = super().make_preexec_fn(name)
        mem, cpus = self.mem_limit, self.cpu_limit
        if not mem and not cpus:
            return drop_privileges
        if LimitedSpawner._cgroups is None:
            LimitedSpawner._cgroups = Cgroups()
        procs = LimitedSpawner._cgroups.prepare(name, mem, cpus)

        def join_group_then_drop_privileges():
            pid = str(os.getpid())
            for path in procs:
                with open(path, "w") as fh:
                    fh.write(pid)
            drop_privileges()

        return join_group_then_drop_privileges
