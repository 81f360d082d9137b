"""The student-kernel end of the bridge: answers the judge's questions with data.

Runs *inside the student's sandboxed kernel*, so nothing here is trusted: a submission can
replace any of it, and then only changes what its own answers look like to the judge (which
checks them like any other answer). The grader sends, through the kernel's normal execute
channel, one-line calls that never contain test code:

* ``pin(i)`` while the notebook runs, where test cell ``i`` stands: remembers the names the
  notebook has bound at that point (the judge runs the tests after the last cell, and a test sees
  the names as they were at its place);
* ``serve(folder, n)`` afterwards: reads request ``n`` (a pickle written by the judge), looks up
  names, calls the student's functions or reads attributes, and writes the answer with
  :mod:`course.grading.wire` (data, or a reference for a function or an opaque object).

Output the student's code prints while it is called this way is discarded.

Example
-------
>>> import io, pickle, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "req-1.pkl").write_bytes(pickle.dumps(("resolve", None, ["x"])))
>>> serve(folder, 1, namespace={"x": 41})
>>> from course.grading import wire
>>> wire.load((folder / "resp-1.bin").read_bytes(), make_ref=None)
{'x': 41}
"""

from __future__ import annotations

import copy
import io
import itertools
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from IPython import get_ipython

from course.grading import wire

_PINS: dict[int, dict[str, Any]] = {}
_REFS: dict[int, Any] = {}
_STATE: dict[str, Any] = {"pin": None}
_counter = itertools.count(1)


def _user_ns() -> dict[str, Any]:
    shell = get_ipython()
    if shell is None:
        raise RuntimeError("not running in an IPython kernel")
    return shell.user_ns


def pin(index: int) -> None:
    """Remember the namespace as it is where test cell ``index`` stands."""
    _PINS[int(index)] = dict(_user_ns())


def _restore(index: int | None, namespace: dict[str, Any]) -> None:
    if index is None or _STATE["pin"] == index or index not in _PINS:
        return
    namespace.clear()
    namespace.update(_PINS[index])
    _STATE["pin"] = index


def _register(value: Any) -> list:
    ref = next(_counter)
    _REFS[ref] = value
    if callable(value):
        info = {"name": getattr(value, "__name__", type(value).__name__),
                "module": getattr(value, "__module__", None) or "",
                "qualname": getattr(value, "__qualname__", "") or ""}
        return ["ref", ref, "function", {k: str(v) for k, v in info.items()}]
    return ["ref", ref, "object", {"type": type(value).__name__}]


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        kind, ref = pid
        if kind != "ref" or ref not in _REFS:
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return _REFS[ref]


def _code_names(target: Any) -> set[str]:
    code = getattr(target, "__code__", None)
    if code is None:
        code = getattr(vars(type(target)).get("__call__"), "__code__", None)
    names: set[str] = set()
    stack = [code] if code is not None else []
    while stack:
        current = stack.pop()
        names |= set(current.co_names)
        stack += [c for c in current.co_consts if hasattr(c, "co_names")]
    return names


def _handle(request: tuple, namespace: dict[str, Any]) -> Any:
    op, pin_index, *args = request
    _restore(pin_index, namespace)
    if op == "resolve":
        return {name: namespace.get(name, wire.MISSING) for name in args[0]}
    target = _REFS[args[0]]
    if op == "call":
        return target(*args[1], **args[2])
    if op == "getattr":
        return getattr(target, args[1])
    if op == "getitem":
        return target[args[1]]
    if op == "len":
        return len(target)
    if op == "iter":
        return list(itertools.islice(iter(target), 1_000_000))
    if op == "contains":
        return args[1] in target
    if op == "bool":
        return bool(target)
    if op == "str":
        return str(target)[:20_000]
    if op == "repr":
        return repr(target)[:20_000]
    if op == "deepcopy":   # e.g. a dashboard that gives every run a fresh copy of a policy
        return copy.deepcopy(target)
    if op == "code_names":  # the names a function's code refers to (course.capstone's check)
        return sorted(_code_names(target))
    raise ValueError(f"unknown request {op!r}")


def serve(folder: str | os.PathLike, n: int, namespace: dict[str, Any] | None = None) -> None:
    """Answer request ``n`` found in ``folder`` (``req-<n>.pkl`` -> ``resp-<n>.bin``)."""
    folder = Path(folder)
    out = io.BytesIO()
    stdout, stderr = sys.stdout, sys.stderr
    try:
        with open(folder / f"req-{n}.pkl", "rb") as f:
            request = _Unpickler(f).load()
        sink = open(os.devnull, "w")  # noqa: SIM115 - closed below
        sys.stdout = sys.stderr = sink
        try:
            result = _handle(request, _user_ns() if namespace is None else namespace)
        finally:
            sys.stdout, sys.stderr = stdout, stderr
            sink.close()
        wire.dump(result, out, register=_register)
    except BaseException as err:  # noqa: BLE001 - the student's code may raise anything
        sys.stdout, sys.stderr = stdout, stderr
        out = io.BytesIO()
        try:
            message = str(err)
        except BaseException:  # noqa: BLE001
            message = ""
        wire.dump_error(type(err).__name__, message, out)
    partial = folder / f"resp-{n}.part"
    partial.write_bytes(out.getvalue())
    partial.rename(folder / f"resp-{n}.bin")
