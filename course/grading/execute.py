"""nbgrader's execution step, sandboxed and judged: :class:`JudgedExecute`.

``nbgrader_config.py`` puts :class:`JudgedExecute` in place of nbgrader's ``Execute`` in
``Autograde.autograde_preprocessors`` (:func:`autograde_preprocessors`), so ``nbgrader
autograde``, the formgrader's autograde button and ``python -m course.grading autograde`` all go
through it. For one notebook it

1. starts the student's kernel in a sandbox (:mod:`course.grading.sandbox`) on a private copy of
   the submission's folder, and runs every cell *except the test cells* in order, as nbgrader
   would (cell timeout, interrupt, output cap; a kernel that dies costs only the cells from the
   crash on). Where a test cell stands, the kernel only notes its names (``bridge.pin``);
2. sends no test cell to that kernel. After the last cell, a separate sandboxed judge
   (:mod:`course.grading.judge`) runs the test cells: first the visible part of every test
   cell, then the hidden parts, so that no output the student sees can depend on a hidden
   test's inputs (the student's code first meets them after all visible output is written);
3. scores zero an exercise whose answer only delegates to the course's reference
   implementation (:mod:`course.grading.delegation`);
4. writes the results into the test cells as ordinary outputs, so nbgrader's ``SaveAutoGrades``
   scores them as usual (an error, or output on stderr, means zero).

:class:`RobustExecute` is the plain (unsandboxed, unjudged) executor that only survives a dead
kernel; it is kept for comparison and for configurations that name it.

Example
-------
>>> split_test("assert f(1) == 2\\n### BEGIN HIDDEN TESTS\\nassert f(2) == 3\\n"
...            "### END HIDDEN TESTS")
('assert f(1) == 2', '### BEGIN HIDDEN TESTS\\nassert f(2) == 3\\n### END HIDDEN TESTS', 2)
"""

from __future__ import annotations

import ast
import asyncio
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
import zmq
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async, run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Dict, Integer, Unicode

from course.grading import sandbox as sb
from course.grading.feedback import BEGIN, HIDDEN_OUTPUT

KERNEL_DIED = ("the kernel died while running this cell (os._exit, a crash, or running out of "
               "memory); the cells after it were not run")
NOT_RUN = "not run: the kernel died in an earlier cell"
JUDGE_VERSION = "1"


def _error(ename: str, evalue: str, hidden: bool = False) -> NotebookNode:
    out = NotebookNode(output_type="error", ename=ename, evalue=evalue,
                       traceback=[f"{ename}: {evalue}"])
    if hidden:
        out["metadata"] = {HIDDEN_OUTPUT: True}
    return out


def is_test(cell: NotebookNode) -> bool:
    """An autograded test cell (nbgrader: a code grade cell that is not a solution)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def split_test(source: str) -> tuple[str, str, int]:
    """A test cell's source as (visible part, hidden part, first line of the hidden part).

    The hidden part starts at the first top-level statement that reaches the
    ``### BEGIN HIDDEN TESTS`` line and runs to the end of the cell.
    """
    lines = source.split("\n")
    begin = next((i + 1 for i, line in enumerate(lines) if BEGIN in line), None)
    if begin is None:
        return source, "", len(lines) + 1
    split = begin
    try:
        for stmt in ast.parse(source).body:
            if (stmt.end_lineno or stmt.lineno) >= begin:
                split = min(stmt.lineno, begin)
                break
    except SyntaxError:
        pass
    return "\n".join(lines[:split - 1]), "\n".join(lines[split - 1:]), split


def notebook_names(nb: NotebookNode) -> tuple[list[str], list[str]]:
    """(trusted import statements, answer names) of an instructor notebook.

    Trusted imports: the top-level ``import`` statements of its ordinary code cells. Answer
    names: what its solution cells bind at top level (always read from the student).
    """
    imports: list[str] = []
    answers: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        if meta.get("solution"):
            for stmt in tree.body:
                answers |= _bound_names(stmt)
        elif not meta.get("grade"):
            imports += [ast.unparse(s) for s in tree.body
                        if isinstance(s, ast.Import | ast.ImportFrom)]
    return imports, sorted(answers)


def _bound_names(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {stmt.name}
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names}
    names = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) \
                and node in getattr(stmt, "body", []):
            names.add(node.name)
    return names


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in the grading sandbox and talks over Unix sockets."""

    def __init__(self, *, sandbox: sb.Sandbox, scratch: sb.Scratch, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sandbox = sandbox
        self._scratch = scratch
        self.transport = "ipc"
        self.ip = str(scratch.comm / "kernel")
        self.connection_file = str(scratch.comm / "kernel.json")

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        # The bridge is imported before the first cell, so a submission that breaks imports
        # (a tracer, a patched import system) does not break the grader's questions.
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file,
                *(extra_arguments or []),
                "--IPKernelApp.exec_lines=['import course.grading.bridge']"]
        return sb.wrap(self._sandbox, argv, work=self._scratch.work,
                       shared=[self._scratch.comm])

    async def _async_interrupt_kernel(self) -> None:
        # Signals do not cross the sandbox: interrupt through the control channel.
        if self.has_kernel:
            msg = self.session.msg("interrupt_request", content={})
            self._connect_control_socket()
            self.session.send(self._control_socket, msg)

    interrupt_kernel = _async_interrupt_kernel


class RobustExecute(Execute):
    """nbgrader's ``Execute``, except that a dead kernel costs only the cells from the crash on."""

    def preprocess(self, nb, resources=None, km=None):
        self._kernel_died = False
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if getattr(self, "_kernel_died", False):
            if cell.cell_type == "code":
                cell.outputs = [_error("KernelDied", NOT_RUN)]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._kernel_died = True
            self.log.warning("Kernel died in cell %d; the remaining cells are marked not run",
                             index)
            cell.outputs.append(_error("KernelDied", KERNEL_DIED))
            return cell, resources


class JudgedExecute(Execute):
    """nbgrader's execution step with the sandbox, the judge and the delegation check."""

    judge_grace = Integer(30, help="Seconds the judge may run over the cell timeout before it "
                          "is stopped.").tag(config=True)
    kernel_grace = Integer(10, help="Seconds an interrupted kernel has to become responsive "
                           "again before it is stopped.").tag(config=True)
    results_cache = Unicode("", help="Folder of results computed ahead by parallel "
                            "autograding (set by python -m course.grading autograde)."
                            ).tag(config=True)
    cache_role = Unicode("", help="'produce': store results in results_cache; 'consume': use "
                         "(and remove) them.").tag(config=True)
    references = Dict(help="More reference implementations an answer must not delegate to: "
                      "{notebook: {exercise grade id: ['module.name', ...]}} (added to "
                      "course.grading.delegation.REFERENCES).").tag(config=True)

    # -- nbconvert entry point ------------------------------------------------------------------
    def preprocess(self, nb, resources=None, km=None):
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self.sandbox = sb.Sandbox(parent=self)
        sb.check(self.sandbox)
        key = self._cache_key() if self.results_cache else None
        if key and self.cache_role == "consume" and self._use_cached(key):
            return self.nb, self.resources
        run_sync(self._grade)()
        if key and self.cache_role == "produce":
            self._store_cached(key)
        return self.nb, self.resources

    # -- the whole run ----------------------------------------------------------------------------
    async def _grade(self) -> None:
        path = self.resources.get("metadata", {}).get("path")
        self._source = Path(path) if path else None
        self._scratch = sb.Scratch(self._source)
        self._judge_proc = None
        self._cgroups: list = []
        self._instructor = None
        self._kernel_dead = False
        self._watch: dict[str, Any] | None = None
        try:
            tests = [i for i, c in enumerate(self.nb.cells) if is_test(c)]
            await self._start_kernel()
            died = await self._student_pass(len(self.nb.cells), record=True)
            if died is not None and any(i < died for i in tests):
                await self._restart_kernel()
                replay_died = await self._student_pass(died, record=False)
                if replay_died is not None:
                    died = replay_died
            await self._judge_tests(tests, died)
        finally:
            await self._stop_judge()
            await self._stop_kernel()
            self._scratch.cleanup()
            for group in self._cgroups:
                sb.release_cgroup(group)

    async def _start_kernel(self) -> None:
        self.km = SandboxedKernelManager(sandbox=self.sandbox, scratch=self._scratch,
                                         kernel_name="python3", config=self.config)
        self.owns_km = True
        # A single huge message (print of a 1 GB string) never reaches this process's memory.
        self.km.context.setsockopt(zmq.MAXMSGSIZE, 8 * self.sandbox.output_size + 64 * 1024**2)
        env = None if self.sandbox.enabled else sb.environment(self.sandbox)
        kwargs: dict[str, Any] = {"cwd": str(self._scratch.work), "stdout": subprocess.DEVNULL,
                                  "stderr": subprocess.DEVNULL}
        if env is not None:
            import os

            kwargs["env"] = {**os.environ, **env, "HOME": os.environ.get("HOME", "/tmp")}
        await self.async_start_new_kernel(**kwargs)
        pid = getattr(getattr(self.km.provisioner, "process", None), "pid", None)
        self._watch = sb.WATCHDOG.watch(pid, self.sandbox) if pid and self.sandbox.enabled \
            else None
        self._kernel_pid = pid
        if pid and self.sandbox.enabled:
            self._cgroups.append(sb.limit_processes(pid, self.sandbox.processes + 2))
        await self.async_start_new_kernel_client()
        msg_id = await ensure_async(self.kc.kernel_info())
        info = await self.async_wait_for_reply(msg_id)
        if info is not None and "language_info" in info["content"]:
            self.nb.metadata["language_info"] = info["content"]["language_info"]

    async def _stop_kernel(self) -> None:
        if getattr(self, "_kernel_pid", None):
            sb.WATCHDOG.forget(self._kernel_pid)
        if self.km is None:
            return
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if await ensure_async(self.km.is_alive()):
                await ensure_async(self.km.shutdown_kernel(now=True))
        except Exception as err:  # noqa: BLE001 - best effort
            self.log.debug("stopping the kernel: %s", err)
        self.km = None
        self.kc = None

    async def _restart_kernel(self) -> None:
        await self._stop_kernel()
        self._scratch.fresh_work(self._source)
        await self._start_kernel()
        self._kernel_dead = False

    def _death_reason(self) -> str:
        reason = self._watch.get("reason") if self._watch else None
        return f"the sandbox stopped the kernel: {reason}" if reason else KERNEL_DIED

    # -- pass 1: the student's cells, in order --------------------------------------------------
    async def _student_pass(self, upto: int, record: bool) -> int | None:
        """Run the code cells before ``upto`` (test cells: only pin their names). Returns the
        index of the cell in which the kernel died, or None."""
        count = 0
        for index, cell in enumerate(self.nb.cells[:upto]):
            if cell.cell_type != "code":
                continue
            count += 1
            if is_test(cell):
                if record:
                    cell.outputs = []
                    cell.execution_count = count
                status = await self._kernel_exec(
                    f"__import__('course.grading.bridge', fromlist=['pin']).pin({index})",
                    timeout=60)
                if status == "dead":
                    return self._mark_dead(index, record, in_test=True)
                continue
            if not cell.source.strip():
                continue
            if not record:
                status = await self._kernel_exec(cell.source, timeout=self.timeout or 120,
                                                 silent=False)
                if status == "dead":
                    return index
                continue
            try:
                await self.async_execute_cell(cell, index, execution_count=count)
                self._cap_outputs(cell)
            except DeadKernelError:
                return self._mark_dead(index, record)
            except CellTimeoutError:  # interrupted, and then not even its output came back
                await self._kill_kernel()
                cell.outputs.append(_error("KernelUnresponsive", "the kernel did not respond "
                                           "after being interrupted and was stopped; the cells "
                                           "after it were not run"))
                return self._mark_dead(index, record, already_marked=True)
            if any(o.get("ename") == "CellTimeoutError" for o in cell.outputs) \
                    and await self._kernel_exec("pass", timeout=self.kernel_grace) != "ok":
                await self._kill_kernel()
                cell.outputs.append(_error("KernelUnresponsive", "the kernel did not respond "
                                           "after being interrupted and was stopped; the cells "
                                           "after it were not run"))
                return self._mark_dead(index, record, already_marked=True)
        return None

    def _mark_dead(self, index: int, record: bool, in_test: bool = False,
                   already_marked: bool = False) -> int:
        self._kernel_dead = True
        if not record:
            return index
        self.log.warning("Kernel died in cell %d; the remaining cells are marked not run", index)
        if not in_test and not already_marked:
            self.nb.cells[index].outputs.append(_error("KernelDied", self._death_reason()))
        for cell in self.nb.cells[index + 1:]:
            if cell.cell_type == "code" and not is_test(cell):
                cell.outputs = [_error("KernelDied", NOT_RUN)]
        return index

    def output(self, outs, msg, display_id, cell_index):
        """Collect an output, up to ``Sandbox.output_size`` bytes per cell."""
        used = sum(len(json.dumps(o)) for o in outs) if outs else 0
        if used > self.sandbox.output_size:
            return None
        out = super().output(outs, msg, display_id, cell_index)
        if out is not None and used + len(json.dumps(out)) > self.sandbox.output_size:
            outs.remove(out)
            outs.append(nbformat.v4.new_output(
                "stream", name="stdout",
                text=f"\n... output cut: more than {self.sandbox.output_size} bytes ...\n"))
            return None
        return out

    def _cap_outputs(self, cell: NotebookNode) -> None:
        limit = self.sandbox.output_size
        if sum(len(json.dumps(o)) for o in cell.outputs) <= limit:
            return
        kept, used = [], 0
        for out in cell.outputs:
            size = len(json.dumps(out))
            if used + size > limit:
                kept.append(nbformat.v4.new_output(
                    "stream", name="stdout", text=f"\n... output cut: more than {limit} bytes\n"))
                break
            kept.append(out)
            used += size
        cell.outputs = kept

    async def _kill_kernel(self) -> None:
        try:
            await ensure_async(self.km.shutdown_kernel(now=True))
        except Exception:  # noqa: BLE001
            pass
        self._kernel_dead = True

    # -- talking to the kernel outside of notebook cells ------------------------------------------
    async def _kernel_exec(self, code: str, timeout: float, silent: bool = True) -> str:
        """Run ``code`` in the kernel, discarding its output: 'ok', 'error', 'timeout', 'dead'."""
        if self._kernel_dead or self.km is None or not await ensure_async(self.km.is_alive()):
            self._kernel_dead = True
            return "dead"
        msg_id = await ensure_async(self.kc.execute(code, silent=silent, store_history=not silent,
                                                    allow_stdin=False, stop_on_error=False))
        deadline = time.monotonic() + max(0.1, timeout)
        interrupted = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if interrupted:
                    await self._kill_kernel()
                    return "dead"
                await ensure_async(self.km.interrupt_kernel())
                interrupted = True
                deadline = time.monotonic() + self.kernel_grace
                continue
            try:
                reply = await ensure_async(self.kc.get_shell_msg(timeout=min(remaining, 0.5)))
            except Empty:
                if not await ensure_async(self.km.is_alive()):
                    self._kernel_dead = True
                    return "dead"
                continue
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            await self._drain_iopub()
            if interrupted:
                return "timeout"
            return "ok" if reply["content"].get("status") == "ok" else "error"

    async def _drain_iopub(self) -> None:
        while True:
            try:
                await ensure_async(self.kc.get_iopub_msg(timeout=0.01))
            except Empty:
                return

    # -- pass 2: the judge ------------------------------------------------------------------------
    def _instructor_notebook(self) -> NotebookNode:
        if getattr(self, "_instructor", None) is None:
            self._instructor = self._read_instructor_notebook()
        return self._instructor

    def _read_instructor_notebook(self) -> NotebookNode:
        info = self.resources.get("nbgrader", {})
        try:
            from nbgrader.coursedir import CourseDirectory

            coursedir = CourseDirectory(config=self.config)
            path = Path(coursedir.format_path(coursedir.source_directory, ".",
                                              info["assignment"])) / f"{info['notebook']}.ipynb"
            return nbformat.read(path, as_version=4)
        except Exception as err:  # noqa: BLE001 - outside nbgrader, or no source folder
            self.log.warning("instructor notebook not found (%s); trusted imports are taken "
                             "from the submission", err)
            return self.nb

    async def _start_judge(self) -> None:
        imports, answers = notebook_names(self._instructor_notebook())
        argv = [sys.executable, "-m", "course.grading.judge"]
        env = sb.environment(self.sandbox, {"MPLBACKEND": "Agg"})
        cmd = sb.wrap(self.sandbox, argv, shared=[self._scratch.comm], env=env)
        self._judge_log = open(self._scratch.root / "judge.log", "wb")  # noqa: SIM115
        import os

        self._judge_proc = await asyncio.create_subprocess_exec(
            *cmd, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=self._judge_log, limit=1 << 26, cwd=str(self._scratch.root),
            env=None if self.sandbox.enabled else {**os.environ, **env})
        self._judge_watch = sb.WATCHDOG.watch(self._judge_proc.pid, self.sandbox) \
            if self.sandbox.enabled else None
        if self.sandbox.enabled:
            self._cgroups.append(sb.limit_processes(self._judge_proc.pid,
                                                    self.sandbox.processes + 2))
        notebook = self.resources.get("nbgrader", {}).get("notebook") or ""
        await self._judge_send({"op": "setup", "notebook": notebook, "imports": imports,
                                "answers": answers, "bridge": str(self._scratch.comm),
                                "timeout": int(self.timeout or 0)})
        reply = await self._judge_read(120)
        if reply.get("op") != "ready":
            raise RuntimeError("the judge did not start")

    async def _stop_judge(self) -> None:
        proc = self._judge_proc
        if proc is None:
            return
        sb.WATCHDOG.forget(proc.pid)
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        self._judge_proc = None
        self._judge_log.close()
        log = (self._scratch.root / "judge.log").read_text(errors="replace")
        if log.strip():
            self.log.debug("judge log:\n%s", log[-20000:])

    async def _judge_send(self, msg: dict) -> None:
        self._judge_proc.stdin.write((json.dumps(msg) + "\n").encode())
        await self._judge_proc.stdin.drain()

    async def _judge_read(self, timeout: float) -> dict:
        line = await asyncio.wait_for(self._judge_proc.stdout.readline(), max(1, timeout))
        if not line:
            raise RuntimeError("the judge stopped")
        return json.loads(line)

    async def _judge_tests(self, tests: list[int], died: int | None) -> None:
        from course.grading import delegation

        verdicts = delegation.verdicts(self.nb, self.resources.get("nbgrader", {}),
                                       self._instructor_notebook(), self.references)
        failed: set[int] = set()
        for phase in ("visible", "hidden"):
            for index in tests:
                cell = self.nb.cells[index]
                if index in failed:
                    continue
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", str(index))
                if phase == "visible" and grade_id in verdicts:
                    cell.outputs = [_error("DelegationError", verdicts[grade_id])]
                    failed.add(index)
                    continue
                if (died is not None and index > died) or (died == index):
                    if phase == "visible":
                        cell.outputs = [_error("KernelDied", NOT_RUN)]
                        failed.add(index)
                    continue
                visible, hidden, first_hidden = split_test(cell.source)
                source, first = (visible, 1) if phase == "visible" else (hidden, first_hidden)
                if not source.strip():
                    continue
                if self._kernel_dead:
                    cell.outputs.append(_error("KernelDied", "not run: the kernel died while "
                                               "an earlier test was running",
                                               hidden=phase == "hidden"))
                    failed.add(index)
                    continue
                outputs, ok = await self._judge_cell(grade_id, index, phase, source, first)
                cell.outputs.extend(outputs)
                if not ok:
                    failed.add(index)

    async def _judge_cell(self, grade_id: str, index: int, phase: str, source: str,
                          first_line: int) -> tuple[list[NotebookNode], bool]:
        hidden = phase == "hidden"
        try:
            if self._judge_proc is None or self._judge_proc.returncode is not None:
                await self._start_judge()
            await self._judge_send({"op": "run", "cell": grade_id, "pin": index, "phase": phase,
                                    "source": source, "first_line": first_line})
            limit = (self.timeout or 3600) + self.judge_grace
            deadline = time.monotonic() + limit
            while True:
                msg = await self._judge_read(deadline - time.monotonic())
                if msg.get("op") == "bridge":
                    remaining = max(1.0, deadline - self.judge_grace - time.monotonic())
                    status = await self._kernel_exec(
                        "__import__('course.grading.bridge', fromlist=['serve']).serve("
                        f"{str(self._scratch.comm)!r}, {int(msg['n'])})", timeout=remaining)
                    reply = {"status": "ok" if status in ("ok", "error") else status}
                    if status == "timeout":
                        reply["message"] = (f"your code did not finish within {int(remaining)} s "
                                            "(it was interrupted)")
                    elif status == "dead":
                        reply["message"] = (self._death_reason() if self._watch and
                                            self._watch.get("reason") else
                                            "the kernel died while running your code")
                    await self._judge_send(reply)
                elif msg.get("op") == "done":
                    return self._outputs(msg, hidden), not msg.get("failed")
        except (TimeoutError, RuntimeError, ValueError, OSError) as err:
            self.log.error("judge failed on %s (%s): %s", grade_id, phase, err)
            if self._judge_proc is not None and self._judge_proc.returncode is None:
                self._judge_proc.kill()
            await self._stop_judge()
            reason = (f"the test did not finish within {self.timeout} s"
                      if isinstance(err, TimeoutError) else "the grader's judge failed")
            return [_error("JudgeError", reason, hidden=hidden)], False

    def _outputs(self, msg: dict, hidden: bool) -> list[NotebookNode]:
        outputs = []
        for raw in msg.get("outputs", [])[:20]:
            kind = raw.get("output_type")
            meta = {HIDDEN_OUTPUT: True} if hidden else {}
            if kind == "stream" and raw.get("name") in ("stdout", "stderr"):
                out = nbformat.v4.new_output("stream", name=raw["name"],
                                             text=str(raw.get("text", ""))[:100_000])
            elif kind == "execute_result":
                text = str(raw.get("data", {}).get("text/plain", ""))[:10_000]
                out = nbformat.v4.new_output("execute_result", data={"text/plain": text})
            elif kind == "error":
                out = _error(str(raw.get("ename", "Error"))[:100],
                             str(raw.get("evalue", ""))[:2000])
                out["traceback"] = [str(t)[:2000] for t in raw.get("traceback", [])][:5] \
                    or out["traceback"]
            else:
                continue
            if meta:
                out["metadata"] = meta
            outputs.append(out)
        return outputs

    # -- results computed ahead (parallel autograding) ---------------------------------------------
    def _cache_key(self) -> str:
        info = self.resources.get("nbgrader", {})
        cells = [[c.cell_type, c.source, c.get("metadata", {}).get("nbgrader", {})]
                 for c in self.nb.cells]
        payload = json.dumps([JUDGE_VERSION, cells, self.nb.metadata.get("kernelspec", {}),
                              info.get("assignment"), info.get("notebook"), info.get("student"),
                              self.timeout, self.sandbox.limits(), self.sandbox.enabled],
                             sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    def _store_cached(self, key: str) -> None:
        folder = Path(self.results_cache)
        folder.mkdir(parents=True, exist_ok=True)
        record = {"cells": [[c.get("outputs", []), c.get("execution_count")]
                            if c.cell_type == "code" else None for c in self.nb.cells],
                  "language_info": self.nb.metadata.get("language_info")}
        partial = folder / f"{key}.part"
        partial.write_text(json.dumps(record))
        partial.rename(folder / f"{key}.json")

    def _use_cached(self, key: str) -> bool:
        path = Path(self.results_cache) / f"{key}.json"
        if not path.exists():
            return False
        record = json.loads(path.read_text())
        path.unlink()
        if len(record["cells"]) != len(self.nb.cells):
            return False
        for cell, saved in zip(self.nb.cells, record["cells"], strict=True):
            if cell.cell_type == "code" and saved is not None:
                cell.outputs = [nbformat.from_dict(o) for o in saved[0]]
                cell.execution_count = saved[1]
        if record.get("language_info"):
            self.nb.metadata["language_info"] = record["language_info"]
        self.log.warning("used the result computed ahead for this notebook")
        return True


def autograde_preprocessors() -> list[type]:
    """nbgrader's autograde pipeline with :class:`JudgedExecute` in place of ``Execute``."""
    from nbgrader.converters.autograde import Autograde

    default = Autograde.class_traits()["autograde_preprocessors"].default()
    return [JudgedExecute if p is Execute else p for p in default]
