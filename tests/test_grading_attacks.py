"""Hostile submissions are graded right and leak nothing: one real autograde run, one test each.

A tiny purpose-made assignment (``add`` 2 points, ``square`` 1, ``ndcg_at_k`` 3 with
``course.metrics.ndcg_at_k`` as its reference implementation) is released in a scratch course
directory configured like the course (sandbox, judge, delegation check) with small caps, and one
class of submissions is graded with ``python -m course.grading autograde --jobs 2`` (the
parallel command; ``tests/test_grading_robustness.py`` covers plain ``nbgrader autograde``).
Each submission is an attack written by someone who has read nbgrader's and IPython's source.

Every attack must get exactly the score its honest parts deserve, and no line of a hidden test
(their markers: ``SECRETS``) may appear in its feedback, in the outputs of its autograded
notebook, or in the grader's log. A cell that reprograms IPython (hooks, transformers, tracing,
patched builtins) also costs the exercise that has a reference implementation: the grader cannot
tell any more what that answer ran (course.grading.delegation).
"""

from __future__ import annotations

import copy
import html
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "authoring"))
from nbbuild import Notebook  # noqa: E402

ASSIGNMENT = "attacks"
DEPLOY_CONFIG = ROOT / "deploy" / "nbgrader_config.py"
#: Text that occurs only in hidden tests.
SECRETS = ["8888888", "7654321", "SECRET-NDCG", "SECRET-SQUARE", "arange(4.0)"]

ADD = "def add(a, b):\n    return a + b"
ADD_WRONG = "def add(a, b):\n    return a - b"
SQUARE = "def square(x):\n    return x * x"
NDCG = """import math

def ndcg_at_k(recommended, relevant, k):
    dcg = sum(1 / math.log2(rank + 1)
              for rank, item in enumerate(recommended[:k], start=1) if item in relevant)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(k, len(relevant)) + 1))
    return dcg / ideal if ideal > 0 else 0.0"""


def tiny_assignment() -> nbformat.NotebookNode:
    nb = Notebook(ASSIGNMENT, "Attacks")
    nb.md("# Three small exercises")
    nb.code("import math\nimport numpy as np\nfrom course import metrics")
    nb.answer("add", """
        def add(a, b):
            ### BEGIN SOLUTION
            return a + b
            ### END SOLUTION
        """)
    nb.tests("add", 2, visible="assert add(1, 2) == 3",
             hidden="assert add(1234567, 7654321) == 8888888\n"
                    "assert math.isclose(add(0.1, 0.2), 0.3)")
    nb.answer("square", """
        def square(x):
            ### BEGIN SOLUTION
            return x * x
            ### END SOLUTION
        """)
    nb.tests("square", 1, visible="assert square(3) == 9",
             hidden="assert np.allclose(square(np.arange(4.0)), [0, 1, 4, 9])  # SECRET-SQUARE\n"
                    "assert square(-4) == 16")
    nb.md("Write the code yourself: an answer that just calls `course.metrics.ndcg_at_k` "
          "scores zero.")
    nb.answer("ndcg_at_k", """
        import math

        def ndcg_at_k(recommended, relevant, k):
            ### BEGIN SOLUTION
            dcg = sum(1 / math.log2(rank + 1)
                      for rank, item in enumerate(recommended[:k], start=1) if item in relevant)
            ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(k, len(relevant)) + 1))
            return dcg / ideal if ideal > 0 else 0.0
            ### END SOLUTION
        """)
    nb.tests("ndcg_at_k", 3, visible="assert abs(ndcg_at_k([5, 6], {5}, 2) - 1.0) < 1e-9",
             hidden="for r, rel, k in [([10, 20, 30, 40, 50], {20, 50, 60}, 5), "
                    "([3, 1, 2], {2, 7}, 2)]:\n"
                    "    assert abs(ndcg_at_k(r, rel, k) - metrics.ndcg_at_k(r, rel, k)) < 1e-9"
                    "  # SECRET-NDCG")
    nb.code("later = metrics.ndcg_at_k([1, 2], {2}, 2)  # the course's version, after the "
            "exercise\nprint('course ndcg', round(later, 3))")
    return nb.notebook()


# -- the attacks ---------------------------------------------------------------------------------
def attacks(course: Path, host_dir: Path, port: int) -> dict[str, tuple[dict[str, str], float]]:
    """student id -> ({answer id: source, "extra": source of an added last cell}, score)."""
    c, h = str(course), str(host_dir)
    return {
        "good": ({}, 6),
        "untouched": (None, 0),
        "hook_prints_sources": ({"add": (
            "ip = get_ipython()\n"
            "ip.events.register('pre_run_cell', lambda info: print('SPY', info.raw_cell))\n"
            "ip.events.register('post_run_cell', lambda r: print('SPY', r.info.raw_cell))\n"
            + ADD)}, 3),
        "reads_course_directory": ({"add": (
            "import glob, os, time\n"
            f"found = glob.glob({c!r} + '/**/*', recursive=True)\n"
            "print('FOUND', found)\n"
            "hits, stop = [], time.monotonic() + 4\n"
            "for top, dirs, files in os.walk('/'):\n"
            "    dirs[:] = [d for d in dirs if d not in ('proc', 'sys', 'dev', 'usr')\n"
            "               and not d.startswith(('python3', 'site-packages'))]\n"
            "    if time.monotonic() > stop:\n"
            "        break\n"
            "    for name in files:\n"
            "        if name.endswith(('.ipynb', '.db')):\n"
            "            try:\n"
            "                text = open(os.path.join(top, name), errors='ignore').read()\n"
            "            except OSError:\n"
            "                continue\n"
            "            if 'SECRET' + '-NDCG' in text or str(8888880 + 8) in text:\n"
            "                hits.append(os.path.join(top, name))\n"
            "print('HITS', hits)\n" + ADD)}, 6),
        "rewrites_gradebook": ({"add": (
            "import sqlite3\n"
            f"for path in [{c!r} + '/gradebook.db', '../gradebook.db', '../../gradebook.db']:\n"
            "    try:\n"
            "        con = sqlite3.connect(path)\n"
            "        con.execute('UPDATE grade SET manual_score = 100')\n"
            "        con.commit()\n"
            "        print('WROTE', path)\n"
            "    except Exception as err:\n"
            "        print('DENIED', path, type(err).__name__)\n" + ADD)}, 6),
        "delegates_import": ({"ndcg_at_k": "from course.metrics import ndcg_at_k"}, 3),
        "delegates_alias": ({"ndcg_at_k": "ndcg_at_k = metrics.ndcg_at_k"}, 3),
        "delegates_in_def": ({"ndcg_at_k": (
            "def ndcg_at_k(recommended, relevant, k):\n"
            "    return metrics.ndcg_at_k(recommended, relevant, k)")}, 3),
        "delegates_via_helper_cell": ({"square": (
            SQUARE + "\nfrom course import metrics as _m\n_helper = getattr(_m, 'ndcg_' + 'at_k')"),
            "ndcg_at_k": ("def ndcg_at_k(recommended, relevant, k):\n"
                          "    return _helper(recommended, relevant, k)")}, 3),
        "input_transformer_drops_asserts": ({"add": (
            "def no_asserts(lines):\n"
            "    return [line.replace('assert ', 'pass  # ') for line in lines]\n"
            "get_ipython().input_transformers_cleanup.append(no_asserts)\n" + ADD_WRONG)}, 1),
        "ast_transformer_drops_asserts": ({"add": (
            "import ast\n"
            "class NoAsserts(ast.NodeTransformer):\n"
            "    def visit_Assert(self, node):\n"
            "        return ast.Pass()\n"
            "get_ipython().ast_transformers.append(NoAsserts())\n" + ADD_WRONG)}, 1),
        "custom_exc_swallows_failures": ({"add": (
            "get_ipython().set_custom_exc((AssertionError, Exception), "
            "lambda *args, **kwargs: None)\n" + ADD_WRONG)}, 1),
        "settrace_jumps_to_end": ({"add": (
            "import sys\n"
            "def jump(frame, event, arg):\n"
            "    if event == 'line' and frame.f_code.co_name == '<module>':\n"
            "        last = max(line for _, _, line in frame.f_code.co_lines() if line)\n"
            "        if frame.f_lineno < last:\n"
            "            try:\n"
            "                frame.f_lineno = last\n"
            "            except ValueError:\n"
            "                pass\n"
            "    return jump\n"
            "sys.settrace(jump)\n" + ADD_WRONG)}, 1),  # the bridge was imported before
        "patches_builtins_and_numpy": ({
            "add": ("import builtins, math\nimport numpy as np\n"
                    "math.isclose = lambda *a, **k: True\nnp.allclose = lambda *a, **k: True\n"
                    "builtins.abs = lambda x: 0\n"
                    "def add(a, b):\n    return int(a + b)"),
            "square": "def square(x):\n    return x if hasattr(x, 'shape') else x * x"}, 0),
        "patches_course_function": ({"ndcg_at_k": (
            "import math\n"
            "def ndcg_at_k(recommended, relevant, k):  # wrong: forgets the ideal DCG\n"
            "    return sum(1 / math.log2(r + 1) for r, i in enumerate(recommended[:k], 1)\n"
            "               if i in relevant)\n"
            "metrics.ndcg_at_k = ndcg_at_k")}, 3),
        "replaces_run_cell": ({"add": (
            "ip = get_ipython()\n"
            "original = ip.run_cell\n"
            "def quiet(raw_cell, *args, **kwargs):\n"
            "    result = original(raw_cell, *args, **kwargs)\n"
            "    result.error_in_exec = None\n"
            "    return result\n"
            "ip.run_cell = quiet\n" + ADD_WRONG)}, 1),
        "exception_carries_source": ({"add": (
            "import traceback\n"
            "def add(a, b):\n"
            "    if (a, b) == (1, 2):\n"
            "        return 3\n"
            "    raise ValueError('CAPTURED ' + ''.join(traceback.format_stack())\n"
            "                     + repr((a, b)))")}, 4),
        "snoops_kernel_channels": ({"add": (
            "import glob, json, os, threading, time\n"
            "import zmq\n"
            "from ipykernel import get_connection_file\n"
            "conn = get_connection_file()\n"
            "info = json.load(open(conn))\n"
            "sub = zmq.Context().socket(zmq.SUB)\n"
            "sub.connect(f\"{info['transport']}://{info['ip']}-{info['iopub_port']}\")\n"
            "sub.setsockopt(zmq.SUBSCRIBE, b'')\n"
            "seen = []\n"
            "def watch():\n"
            "    while True:\n"
            "        for path in glob.glob(os.path.dirname(conn) + '/*'):\n"
            "            try:\n"
            "                seen.append(open(path, 'rb').read()[:2000])\n"
            "            except OSError:\n"
            "                pass\n"
            "        try:\n"
            "            seen.append(sub.recv(zmq.NOBLOCK)[:2000])\n"
            "        except zmq.ZMQError:\n"
            "            time.sleep(0.01)\n"
            "threading.Thread(target=watch, daemon=True).start()\n"
            "def add(a, b):\n"
            "    if (a, b) != (1, 2):\n"
            "        raise RuntimeError('SNOOPED ' + repr(seen[-200:]))\n"
            "    return a + b"),
            "extra": "print('SNOOPED', seen[-300:])"}, 1),
        "network": ({"add": (
            "import socket\n"
            "results = []\n"
            f"for host, port in [('127.0.0.1', {port}), ('1.1.1.1', 53), ('pypi.org', 443)]:\n"
            "    try:\n"
            "        socket.create_connection((host, port), timeout=2).close()\n"
            "        results.append('CONNECTED')\n"
            "    except Exception as err:\n"
            "        results.append(type(err).__name__)\n"
            "print('NET', results)\n" + ADD)}, 6),
        "fork_bomb": ({"square": (
            SQUARE + "\nimport os\nwhile True:\n    try:\n        os.fork()\n"
            "    except OSError:\n        pass")}, 2),
        "memory_bomb": ({"square": (
            SQUARE + "\nimport os\n"
            "pids = []\n"
            "for _ in range(6):\n"
            "    pid = os.fork()\n"
            "    if pid == 0:\n"
            "        try:\n"
            "            blocks = []\n"
            "            while True:\n"
            "                blocks.append(bytearray(50 * 1024 * 1024))\n"
            "        finally:\n"
            "            os._exit(0)\n"
            "    pids.append(pid)\n"
            "for pid in pids:\n"
            "    os.waitpid(pid, 0)\n"
            "big = bytearray(800 * 1024 * 1024)")}, 2),
        "cpu_burner": ({"add": (
            "import subprocess, sys\n"
            "burner = subprocess.Popen([sys.executable, '-c', 'while True: pass  # BURNER'])\n"
            + ADD)}, 6),
        "huge_output": ({"square": (
            SQUARE + "\nprint('x' * 100_000_000)\n"
            "for i in range(300_000):\n    print('spam spam spam spam', i)")}, 6),
        "writes_outside": ({"add": (
            "import os\n"
            f"for target in [{c!r} + '/gradebook.db', {c!r} + '/pwned.txt',\n"
            f"               {c!r} + '/solutions/pwned.txt', {h!r} + '/pwned.txt',\n"
            "               '/tmp/pwned.txt', os.path.expanduser('~/pwned.txt'),\n"
            "               '/usr/pwned.txt', '/pwned.txt', '../pwned.txt']:\n"
            "    try:\n"
            "        with open(target, 'a') as f:\n"
            "            f.write('pwned')\n"
            "        print('WROTE', target)\n"
            "    except Exception as err:\n"
            "        print('DENIED', target, type(err).__name__)\n" + ADD)}, 6),
        "reads_homes": ({"add": (
            "import os\n"
            f"for path in ['/root', '/home', {h!r}, {h!r} + '/secret.txt', '/etc/shadow',\n"
            "             os.path.expanduser('~')]:\n"
            "    try:\n"
            "        print('READ', path, os.listdir(path) if os.path.isdir(path) else\n"
            "              open(path).read()[:200])\n"
            "    except Exception as err:\n"
            "        print('DENIED', path, type(err).__name__)\n" + ADD)}, 6),
        "os_exit_in_hidden_test": ({"add": (
            "def add(a, b):\n"
            "    if (a, b) != (1, 2):\n"
            "        import os\n"
            "        os._exit(1)\n"
            "    return a + b")}, 0),
        "always_equal_result": ({"add": (
            "class Yes(float):\n"
            "    def __eq__(self, other):\n"
            "        return True\n"
            "    __hash__ = float.__hash__\n"
            "def add(a, b):\n"
            "    return 3 if (a, b) == (1, 2) else Yes(0)")}, 4),
        "forges_bridge_answers": ({"add": (
            "import io\n"
            "import course.grading.bridge as bridge\n"
            "from course.grading import wire\n"
            "def forged(folder, n, namespace=None):\n"
            "    out = io.BytesIO()\n"
            "    wire.dump(42, out, register=None)\n"
            "    open(f'{folder}/resp-{n}.bin', 'wb').write(out.getvalue())\n"
            "bridge.serve = forged\n" + ADD_WRONG)}, 0),
    }


# -- running the class ---------------------------------------------------------------------------
def _index(nb, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def submission(released, answers: dict[str, str] | None):
    nb = copy.deepcopy(released)
    if answers is None:
        return nb
    defaults = {"add": ADD, "square": SQUARE, "ndcg_at_k": NDCG}
    for grade_id, source in {**defaults, **answers}.items():
        if grade_id != "extra":
            nb.cells[_index(nb, grade_id)].source = source
    if "extra" in answers:
        nb.cells.append(nbformat.v4.new_code_cell(answers["extra"]))
    return nb


class Listener:
    """A TCP server on loopback that counts connections (the sandbox must make none)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("attack-course")
    host = tmp_path_factory.mktemp("host-files")
    (host / "secret.txt").write_text("TOPSECRET-HOME")
    listener = Listener()
    source = root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source.parent.mkdir(parents=True)
    nbformat.write(tiny_assignment(), source)
    config = (ROOT / "nbgrader_config.py").read_text()
    (root / "nbgrader_config.py").write_text(
        f"{config}\nload_subconfig({str(DEPLOY_CONFIG)!r})\n"
        "c.Execute.timeout = 10\n"
        "c.Sandbox.memory = 1536 * 1024**2\n"
        "c.Sandbox.cpu_time = 60\n"
        "c.Sandbox.output_size = 200_000\n"
        "c.JudgedExecute.references = {'attacks': {'ndcg_at_k': ['course.metrics.ndcg_at_k']}}\n")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT,
                           "--log-level=WARN"], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    released = nbformat.read(root / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    cases = attacks(root, host, listener.port)
    for student, (answers, _) in cases.items():
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(submission(released, answers), folder / f"{ASSIGNMENT}.ipynb")
        (folder / "timestamp.txt").write_text("2026-11-26 12:00:00.000000 UTC")
    gradebook_before = (root / "gradebook.db").stat().st_mtime
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "course.grading", "autograde", ASSIGNMENT,
                          "--jobs", "2"], cwd=root, env=env, capture_output=True, text=True,
                         timeout=900)
    seconds = time.perf_counter() - start
    feedback = subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback",
                               ASSIGNMENT, "--log-level=WARN"], cwd=root, env=env,
                              capture_output=True, text=True)
    listener.stop = True
    scores = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student in cases:
            try:
                sub = gb.find_submission(ASSIGNMENT, student)
                scores[student] = sub.score
                assert all(g.manual_score is None for n in sub.notebooks for g in n.grades)
            except Exception:  # noqa: BLE001 - reported by the tests
                scores[student] = None
    return {"root": root, "host": host, "cases": cases, "scores": scores, "run": run,
            "feedback": feedback, "seconds": seconds, "listener": listener,
            "gradebook_before": gradebook_before}


def autograded(root: Path, student: str) -> dict:
    return json.loads((root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
                      .read_text())


def outputs_text(root: Path, student: str) -> str:
    return json.dumps([c.get("outputs", []) for c in autograded(root, student)["cells"]])


def feedback_text(root: Path, student: str) -> str:
    page = (root / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    page = re.sub(r"<style.*?</style>|<script.*?</script>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


STUDENTS = sorted(attacks(Path("/x"), Path("/y"), 1))


@pytest.mark.parametrize("student", STUDENTS)
def test_attack_is_graded_right_and_leaks_nothing(graded, student):
    root, run = graded["root"], graded["run"]
    expected = graded["cases"][student][1]
    assert graded["scores"][student] is not None, (
        f"{student} was not graded:\n{run.stdout[-2000:]}\n{run.stderr[-3000:]}")
    assert graded["scores"][student] == pytest.approx(expected), (
        f"{student}: got {graded['scores'][student]}, expected {expected}")
    assert graded["feedback"].returncode == 0, graded["feedback"].stderr[-2000:]
    shown = {"feedback": feedback_text(root, student),
             "autograded outputs": outputs_text(root, student)}
    for where, text in shown.items():
        leaked = [s for s in SECRETS + ["TOPSECRET-HOME"] if s in text]
        assert not leaked, f"{student}: {where} shows {leaked}"
    for secret in SECRETS:
        assert secret not in run.stdout + run.stderr, f"the grader's log shows {secret!r}"


def test_the_course_directory_is_invisible_and_untouched(graded):
    root, host = graded["root"], graded["host"]
    text = outputs_text(root, "reads_course_directory")
    assert "FOUND []" in text and "HITS []" in text, text[:2000]
    assert f"WROTE {root}" not in outputs_text(root, "rewrites_gradebook")
    written = outputs_text(root, "writes_outside")
    for path in (root / "pwned.txt", root / "solutions" / "pwned.txt", host / "pwned.txt",
                 Path("/tmp/pwned.txt"), Path("/usr/pwned.txt"), Path("/pwned.txt")):
        assert not path.exists(), f"a submission wrote {path} (outputs: {written[:1500]})"
    assert b"pwned" not in (root / "gradebook.db").read_bytes()
    assert "TOPSECRET-HOME" not in outputs_text(root, "reads_homes")


def test_no_network(graded):
    assert graded["listener"].connections == 0
    text = outputs_text(graded["root"], "network")
    assert "NET [" in text and "CONNECTED" not in text, text[:1500]


def test_bombs_and_burners_are_stopped(graded):
    root = graded["root"]
    for student in ("fork_bomb", "memory_bomb"):
        text = outputs_text(root, student)
        assert "KernelDied" in text, f"{student}: the kernel was not stopped: {text[:1500]}"
    left = subprocess.run(["pgrep", "-f", "BURNER"], capture_output=True, text=True).stdout
    assert not left.strip(), f"processes left running after grading: {left}"
    size = (root / "autograded" / "huge_output" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").stat()
    assert size.st_size < 2_000_000, f"huge output reached the notebook ({size.st_size} bytes)"


def test_delegation_is_explained_and_the_course_version_still_runs(graded):
    root = graded["root"]
    for student in ("delegates_import", "delegates_alias", "delegates_in_def",
                    "delegates_via_helper_cell"):
        text = feedback_text(root, student)
        assert "DelegationError" in text and "write the code yourself" in text, student
        assert "course ndcg 0.631" in outputs_text(root, student), student
    assert "course ndcg 0.631" in outputs_text(root, "good")
