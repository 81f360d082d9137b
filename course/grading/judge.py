"""The judge: runs a notebook's test cells in a trusted process, never in the student's kernel.

Started by :class:`~course.grading.execute.JudgedExecute` (in its own sandbox), once per graded
notebook, as ``python -m course.grading.judge``. It speaks JSON lines with the grader on its
standard input and output:

* ``setup``: the notebook id, the *trusted imports* (the ``import`` statements of the instructor's
  version of the notebook, run here only when a test needs one of their names) and the *answer
  names* (what the solution cells define; those always come from the student);
* ``run``: one part (visible or hidden) of one test cell. Its names resolve, in order, to what
  the test itself defines, Python's own builtins, the trusted imports, and only then the
  student's namespace, through the bridge: data comes back decoded by :mod:`course.grading.wire`,
  a function as a :class:`RemoteFunction` whose calls run in the student's kernel. The student's
  kernel never sees the test's source, and nothing it did to itself (patched builtins, numpy or
  course functions, IPython hooks, tracing) runs here. ``checks.check(...)`` reads the same
  namespace (``NBGRADER_EXECUTION`` is set, so a failing check raises);
* ``exit``.

Results are nbformat outputs. Errors in a *hidden* part show the instructor's assertion message
only when the failing statement is the test's own ``assert``; anything else is reduced to the
error's name, because the student's code has seen the hidden inputs by then and could have
written them into an exception message or a returned string.

Example
-------
>>> free_names("x = f(a)\\nprint(x, [b for b in range(3)])")
['a', 'f']
"""

from __future__ import annotations

import ast
import builtins
import io
import json
import os
import pickle
import signal
import sys
import traceback
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from course.grading import wire
from course.grading.wire import HIDDEN_OUTPUT

HIDDEN_DETAIL = "details of hidden tests are not shown"


class BridgeLost(Exception):
    """The student's kernel did not answer (it died, or ran out of time)."""


class CellTimeout(Exception):
    """The test cell ran longer than the cell timeout."""


def free_names(source: str) -> list[str]:
    """Names a piece of code reads before binding them itself (builtins excluded).

    A name bound anywhere in the code (assignment, loop or comprehension variable, argument,
    import, definition) counts as the code's own unless it is read on an earlier line.
    """
    tree = ast.parse(source)
    first_load: dict[str, int] = {}
    first_bind: dict[str, int] = {}

    def bind(name: str, line: int) -> None:
        first_bind[name] = min(first_bind.get(name, line), line)

    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                first_load[node.id] = min(first_load.get(node.id, line), line)
            else:
                bind(node.id, line)
        elif isinstance(node, ast.arg):
            bind(node.arg, line)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bind(node.name, line)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                bind((alias.asname or alias.name).split(".")[0], line)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bind(node.name, line)
    return sorted(name for name, line in first_load.items()
                  if not hasattr(builtins, name)
                  and not (name in first_bind and first_bind[name] <= line))


# ============================================================================ the bridge client
class Bridge:
    """Sends requests to the student's kernel through the grader (which relays them)."""

    def __init__(self, folder: Path, to_grader, from_grader) -> None:
        self.folder = folder
        self.to_grader = to_grader
        self.from_grader = from_grader
        self.counter = 0
        self.waiting = False
        self.expired = False

    def request(self, op: str, pin: int | None, *args: Any) -> Any:
        self.counter += 1
        n = self.counter
        with open(self.folder / f"req-{n}.pkl", "wb") as f:
            _Pickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump((op, pin, *args))
        self.waiting = True
        try:
            _send(self.to_grader, {"op": "bridge", "n": n})
            reply = json.loads(self.from_grader.readline() or "{}")
        finally:
            self.waiting = False
        if self.expired:
            raise CellTimeout()
        if reply.get("status") != "ok":
            raise BridgeLost(reply.get("message") or "the student's kernel did not answer")
        path = self.folder / f"resp-{n}.bin"
        try:
            data = path.read_bytes()
        except OSError:
            raise BridgeLost("the student's kernel gave no answer") from None
        finally:
            for leftover in (path, self.folder / f"req-{n}.pkl"):
                leftover.unlink(missing_ok=True)
        return wire.load(data, make_ref=lambda ref, kind, info: _proxy(self, pin, ref, kind,
                                                                        info))


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj: Any) -> Any:
        if isinstance(obj, Remote):
            return ("ref", object.__getattribute__(obj, "_ref"))
        return None


class Remote:
    """Base of proxies for objects that live in the student's kernel."""

    __slots__ = ("_bridge", "_pin", "_ref", "_info")

    def __init__(self, bridge: Bridge, pin: int | None, ref: int, info: dict) -> None:
        object.__setattr__(self, "_bridge", bridge)
        object.__setattr__(self, "_pin", pin)
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_info", info)

    def _ask(self, op: str, *args: Any) -> Any:
        bridge = object.__getattribute__(self, "_bridge")
        return bridge.request(op, object.__getattribute__(self, "_pin"),
                              object.__getattribute__(self, "_ref"), *args)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._ask("getattr", name)

    def __getitem__(self, key: Any) -> Any:
        return self._ask("getitem", key)

    def __deepcopy__(self, memo: dict) -> Any:
        return self._ask("deepcopy")

    def __copy__(self) -> Any:
        return self._ask("deepcopy")

    def __len__(self) -> int:
        value = self._ask("len")
        if not isinstance(value, int):
            raise TypeError("len() of the student's object is not an int")
        return value

    def __iter__(self):
        return iter(self._ask("iter"))

    def __contains__(self, item: Any) -> bool:
        return bool(self._ask("contains", item) is True)

    def __bool__(self) -> bool:
        return self._ask("bool") is True

    def __repr__(self) -> str:
        return f"<student object: {object.__getattribute__(self, '_info').get('type', '?')}>"


class RemoteFunction(Remote):
    """A function the student defined: calling it calls it in the student's kernel."""

    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._ask("call", args, kwargs)

    @property
    def __name__(self) -> str:  # noqa: PLW3201 - functions have a __name__
        return object.__getattribute__(self, "_info").get("name", "function")

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"

    @property
    def __code__(self) -> SimpleNamespace:  # noqa: PLW3201 - what code-inspecting checks read
        """The names the function's code refers to (``co_names``), as the kernel reports them."""
        return SimpleNamespace(co_names=tuple(self._ask("code_names")), co_consts=())


def _proxy(bridge: Bridge, pin: int | None, ref: int, kind: str, info: dict) -> Any:
    if kind == "function":
        return RemoteFunction(bridge, pin, ref, info)
    return Remote(bridge, pin, ref, {**info, "type": info.get("type", kind)})


# ================================================================================== the judge
class Judge:
    def __init__(self, to_grader, from_grader) -> None:
        self.to_grader = to_grader
        self.from_grader = from_grader
        self.bridge: Bridge | None = None
        self.imports: dict[str, str] = {}
        self.trusted: dict[str, Any] = {}
        self.answers: set[str] = set()
        self.cells: dict[str, dict[str, Any]] = {}
        self.timeout = 0
        self.current: dict[str, Any] = {}

    # -- set-up ----------------------------------------------------------------------------------
    def setup(self, msg: dict) -> dict:
        self.bridge = Bridge(Path(msg["bridge"]), self.to_grader, self.from_grader)
        self.answers = set(msg.get("answers", []))
        self.timeout = int(msg.get("timeout") or 0)
        for statement in msg.get("imports", []):
            try:
                tree = ast.parse(statement)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import | ast.ImportFrom):
                    for alias in node.names:
                        name = (alias.asname or alias.name).split(".")[0]
                        if name != "*" and name not in self.answers:
                            self.imports.setdefault(name, ast.unparse(node))
        self._install_namespace_hooks(msg.get("notebook"))
        return {"op": "ready"}

    def _install_namespace_hooks(self, notebook: str | None) -> None:
        """Make ``course.checks`` read the test's namespace (it normally asks IPython)."""
        judge = self

        class _Shell:
            @property
            def user_ns(self):
                return LazyNamespace(judge)

        shell = _Shell()
        try:
            from course import checks
        except ImportError:
            checks = None
        if checks is not None and hasattr(checks, "_user_namespace"):
            checks._user_namespace = lambda: LazyNamespace(judge)
        try:  # checkers may also ask IPython for the notebook's namespace
            import IPython
            import IPython.core.getipython as getipython

            IPython.get_ipython = getipython.get_ipython = lambda: shell
        except ImportError:
            pass
        if checks is not None:
            if notebook:
                try:
                    checks.start(notebook)
                except Exception:  # noqa: BLE001 - a notebook without self-checks
                    pass

    def trusted_value(self, name: str) -> Any:
        if name not in self.trusted:
            scratch: dict[str, Any] = {}
            exec(compile(self.imports[name], "<trusted import>", "exec"), scratch)  # noqa: S102
            self.trusted.update({k: v for k, v in scratch.items() if k != "__builtins__"})
        return self.trusted[name]

    def resolve(self, names: list[str], pin: int | None) -> dict[str, Any]:
        """Values for ``names``: trusted imports first, then the student's namespace."""
        values: dict[str, Any] = {}
        remote = []
        for name in names:
            if name in self.imports and name not in self.answers:
                try:
                    values[name] = self.trusted_value(name)
                    continue
                except Exception:  # noqa: BLE001 - fall back to the student's value
                    pass
            remote.append(name)
        if remote:
            found = self.bridge.request("resolve", pin, remote)
            if not isinstance(found, dict):
                raise wire.WireError("the student's kernel answered nonsense")
            for name in remote:
                value = found.get(name, wire.MISSING)
                if value is not wire.MISSING:
                    values[name] = _trusted_library_object(value, name in self.answers)
        return values

    # -- running a test ---------------------------------------------------------------------------
    def run(self, msg: dict) -> dict:
        cell, phase, pin = msg["cell"], msg["phase"], msg.get("pin")
        hidden = phase == "hidden"
        first_line = int(msg.get("first_line", 1))
        source = msg["source"]
        stdout, stderr = io.StringIO(), io.StringIO()
        outputs: list[dict] = []
        error = None
        state = self.cells.setdefault(cell, {"__name__": "__main__",
                                             "__builtins__": builtins})
        self.current = {"ns": state, "pin": pin}
        if self.bridge is not None:
            self.bridge.expired = False
        old_out, old_err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = stdout, stderr
        self._arm(self.timeout)
        try:
            code_text = "\n" * (first_line - 1) + source
            tree = ast.parse(code_text)
            missing = [n for n in free_names(code_text) if n not in state]
            state.update(self.resolve(missing, pin))
            result = None
            body = tree.body
            if body and isinstance(body[-1], ast.Expr):
                head = ast.Module(body=body[:-1], type_ignores=[])
                exec(compile(head, f"<test {cell}>", "exec"), state)  # noqa: S102
                last = ast.Expression(body=body[-1].value)
                result = eval(compile(last, f"<test {cell}>", "eval"), state)  # noqa: S307
            else:
                exec(compile(tree, f"<test {cell}>", "exec"), state)  # noqa: S102
            if result is not None:
                outputs.append({"output_type": "execute_result", "metadata": {},
                                "data": {"text/plain": _safe_repr(result)},
                                "execution_count": None})
        except BaseException as err:  # noqa: BLE001 - a test may fail in any way
            error = self._error(err, cell, hidden)
        finally:
            self._arm(0)
            sys.stdout, sys.stderr = old_out, old_err
        streams = []
        for name, buffer in (("stdout", stdout), ("stderr", stderr)):
            text = buffer.getvalue()
            if text and not hidden:
                streams.append({"output_type": "stream", "name": name, "text": text[:100_000]})
        outputs = streams + outputs
        if hidden:
            # What a hidden test prints may spell out its inputs or the student's values: it is
            # not kept. A number it ends with (nbgrader's partial credit) is.
            outputs = [o for o in outputs if o["output_type"] == "execute_result"
                       and _is_number(o["data"]["text/plain"])]
            if error is None and stderr.getvalue():
                # nbgrader scores a test cell that writes to stderr zero: keep the rule
                error = {"output_type": "error", "ename": "HiddenTestWarning",
                         "evalue": "a hidden test wrote to stderr",
                         "traceback": ["HiddenTestWarning: a hidden test wrote to stderr"]}
        if error:
            outputs.append(error)
        if hidden:
            for output in outputs:
                output.setdefault("metadata", {})[HIDDEN_OUTPUT] = True
        return {"op": "done", "outputs": outputs, "failed": error is not None}

    def _error(self, err: BaseException, cell: str, hidden: bool) -> dict:
        if isinstance(err, wire.StudentError):
            ename = err.ename
            evalue = (f"your code raised {ename}; {HIDDEN_DETAIL}" if hidden
                      else f"your code raised {ename}: {err.evalue}"[:2000])
        elif isinstance(err, BridgeLost):
            ename, evalue = "KernelError", str(err)[:500]
        elif isinstance(err, wire.WireError):
            ename, evalue = "AnswerError", f"the answer is not readable data ({err})"[:500]
        elif isinstance(err, CellTimeout):
            ename, evalue = "CellTimeoutError", f"the test took longer than {self.timeout} s"
        else:
            ename = type(err).__name__
            if not hidden:
                evalue = str(err)[:2000]
            elif isinstance(err, AssertionError) and _raised_by_test(err, cell):
                evalue = str(err)[:500]
            else:
                evalue = HIDDEN_DETAIL
        where = "hidden test" if hidden else "test"
        line = _failing_line(err, cell)
        traceback_lines = [f"{ename}: {evalue}"]
        if line and not hidden:
            traceback_lines.insert(0, f"{where} failed at line {line}")
        sys.__stderr__.write("".join(traceback.format_exception(err))[-4000:])
        return {"output_type": "error", "ename": ename, "evalue": evalue,
                "traceback": traceback_lines}

    def _arm(self, seconds: int) -> None:
        if not hasattr(signal, "SIGALRM"):
            return
        signal.setitimer(signal.ITIMER_REAL, max(0, seconds))

    def alarm(self, signum, frame) -> None:
        if self.bridge is not None and self.bridge.waiting:
            self.bridge.expired = True  # raised when the call returns (the grader times it out)
            return
        raise CellTimeout()


class LazyNamespace(dict):
    """The namespace ``checks`` sees: the running test's names, then the student's (on demand)."""

    def __init__(self, judge: Judge) -> None:
        super().__init__()
        self.judge = judge

    def _lookup(self, key: str) -> Any:
        state = self.judge.current.get("ns", {})
        if key in state:
            return state[key]
        found = self.judge.resolve([key], self.judge.current.get("pin"))
        if key not in found:
            raise KeyError(key)
        state[key] = found[key]
        return found[key]

    def __getitem__(self, key: str) -> Any:
        return self._lookup(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self._lookup(key)
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return self.get(key, wire.MISSING) is not wire.MISSING


def _trusted_library_object(value: Any, is_answer: bool) -> Any:
    """A student name bound to a library function or class (not an answer): use our own copy."""
    if is_answer or not isinstance(value, RemoteFunction):
        return value
    info = object.__getattribute__(value, "_info")
    module, qualname = info.get("module", ""), info.get("qualname", "")
    if module in ("", "__main__", "builtins") or not wire.importable(module) or "<" in qualname:
        return value
    import importlib

    try:
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        return obj
    except (ImportError, AttributeError):
        return value


def _raised_by_test(err: BaseException, cell: str) -> bool:
    tb = err.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    return last is not None and last.tb_frame.f_code.co_filename == f"<test {cell}>"


def _failing_line(err: BaseException, cell: str) -> int | None:
    tb, line = err.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == f"<test {cell}>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _safe_repr(value: Any) -> str:
    try:
        return repr(value)[:10_000]
    except Exception:  # noqa: BLE001
        return f"<{type(value).__name__}>"


def _send(stream, msg: dict) -> None:
    stream.write(json.dumps(msg) + "\n")
    stream.flush()


def main() -> int:
    # The protocol has fds 0/1 to itself; anything else that writes to them goes nowhere.
    from_grader = os.fdopen(os.dup(0), "r", encoding="utf-8")
    to_grader = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    sys.stdin = open(os.devnull)  # noqa: SIM115
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    judge = Judge(to_grader, from_grader)
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, judge.alarm)
    for line in from_grader:
        msg = json.loads(line)
        if msg["op"] == "setup":
            _send(to_grader, judge.setup(msg))
        elif msg["op"] == "run":
            _send(to_grader, judge.run(msg))
        elif msg["op"] == "exit":
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
