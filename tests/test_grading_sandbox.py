"""The sandbox's set-up and the bridge's data format, without the attack suite's full class.

* Where bubblewrap is missing, ``nbgrader autograde`` (and the parallel command) stop with one
  line saying what to install; ``c.Sandbox.enabled = False`` grades anyway, with a warning.
* The sandbox's environment carries no secret of the grader's (a hub API token, for one).
* The judge never unpickles what a student's kernel sends: crafted responses are refused.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from nbgrader.api import Gradebook
from test_grading_robustness import ASSIGNMENT, make_course, place_submissions, solve

from course.grading import sandbox, wire
from course.grading.execute import notebook_names, split_test
from course.grading.judge import free_names

ENV = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def _course(tmp_path: Path, extra_config: str) -> Path:
    released = make_course(tmp_path)
    (tmp_path / "nbgrader_config.py").write_text(
        (tmp_path / "nbgrader_config.py").read_text() + "\n" + extra_config + "\n")
    place_submissions(tmp_path, {"good": solve(released)})
    return tmp_path


def _score(root: Path) -> float | None:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        try:
            return gb.find_submission(ASSIGNMENT, "good").score
        except Exception:  # noqa: BLE001 - not graded
            return None


def test_without_bubblewrap_grading_stops_with_one_line_saying_what_to_install(tmp_path):
    root = _course(tmp_path, "c.Sandbox.bwrap = '/nonexistent/bwrap'")
    for command in (["-m", "nbgrader", "autograde", ASSIGNMENT, "--create"],
                    ["-m", "course.grading", "autograde", ASSIGNMENT]):
        done = subprocess.run([sys.executable, *command], cwd=root, env=ENV,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode != 0
        last = done.stderr.strip().splitlines()[-1]
        assert last.startswith("grading stopped:") and "apt-get install bubblewrap" in last, last
        assert "c.Sandbox.enabled = False" in last
    assert _score(root) is None
    assert not (root / "autograded" / "good" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()


def test_opting_out_grades_without_the_sandbox_and_says_so(tmp_path):
    root = _course(tmp_path, "c.Sandbox.enabled = False")
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT,
                           "--create"], cwd=root, env=ENV, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WITHOUT a sandbox" in done.stderr
    assert _score(root) == 3


def test_sandboxed_processes_get_no_secret_from_the_environment(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "TOPSECRET-TOKEN")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "TOPSECRET-KEY")
    env = sandbox.environment(sandbox.Sandbox())
    assert "TOPSECRET" not in json.dumps(env)
    assert env["NBGRADER_EXECUTION"] and env["HOME"].startswith("/tmp")
    command = sandbox.wrap(sandbox.Sandbox(), [sys.executable, "-c", "print(1)"], env=env)
    assert "--clearenv" in command and "--unshare-net" in command
    assert "TOPSECRET" not in " ".join(command)


# -- the wire format: data only --------------------------------------------------------------------
def _response(tree, blobs=()) -> bytes:
    out = io.BytesIO()
    wire._write(out, tree, list(blobs))
    return out.getvalue()


def _npy(arr) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, arr, allow_pickle=True)
    return buffer.getvalue()


@pytest.mark.parametrize("tree, blobs, why", [
    (["a", 0], [_npy(np.array([object()], dtype=object))], "object array (a pickle)"),
    (["a", 0], [_npy(np.zeros(2))[:-8]], "array shorter than its header"),
    (["dc", "collections", "OrderedDict", []], [], "not a course dataclass"),
    (["dc", "course.simulation", "World", [["nope", ["n"]]]], [], "unknown field"),
    (["module", "os"], [], "a module the judge will not import (needs a reference)"),
    (["ref", 1, "function", {}], [], "references where none are expected"),
    (["i", "9" * 6000], [], "a huge integer"),
    (["l", [["l", [["l", []]]]] * 2], [], None),
    (["zz"], [], "unknown tag"),
])
def test_crafted_responses_are_refused(tree, blobs, why):
    data = _response(tree, blobs)
    if why is None:
        assert wire.load(data, make_ref=None) == [[[]]] * 2
        return
    with pytest.raises(wire.WireError):
        wire.load(data, make_ref=None)


def test_truncated_and_oversized_responses_are_refused():
    good = _response(["s", "hello"])
    assert wire.load(good, make_ref=None) == "hello"
    for bad in (good[:10], b"junk" + good, good[:len(wire.MAGIC)] + struct.pack("<QQ", 10**9, 0)):
        with pytest.raises(wire.WireError):
            wire.load(bad, make_ref=None)


def test_student_errors_come_back_as_a_name_and_a_message():
    out = io.BytesIO()
    wire.dump_error("ValueError; rm -rf /", "boom", out)
    with pytest.raises(wire.StudentError) as err:
        wire.load(out.getvalue(), make_ref=None)
    assert err.value.ename == "ValueErrorrmrf" and err.value.evalue == "boom"


# -- how the judge reads a notebook ----------------------------------------------------------------
def test_test_cells_split_into_visible_and_hidden_parts():
    visible, hidden, line = split_test("checks.check('x', strict=True)\nassert x > 0\n\n"
                                       "### BEGIN HIDDEN TESTS\nassert x == 3\n"
                                       "### END HIDDEN TESTS")
    assert visible.strip().endswith("assert x > 0") and "x == 3" not in visible
    assert hidden.splitlines()[1] == "assert x == 3" and line == 4


def test_trusted_imports_and_answer_names_come_from_the_instructor_notebook():
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import numpy as np\nfrom course import metrics\nx = 1"),
                nbformat.v4.new_code_cell("from course.metrics import ndcg_at_k\n"
                                          "def precision(r, rel, k):\n    return 0")]
    nb.cells[1].metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "p"}
    imports, answers = notebook_names(nb)
    assert imports == ["import numpy as np", "from course import metrics"]
    assert answers == ["ndcg_at_k", "precision"]
    assert free_names("toy = f(np.arange(3))\nassert toy[0] == answer") == ["answer", "f", "np"]


# -- delegation: what counts -----------------------------------------------------------------------
NDCG_REF = {"course.metrics.ndcg_at_k"}
OWN = ("import math\ndef ndcg_at_k(r, rel, k):\n"
       "    return sum(1 / math.log2(i + 2) for i in range(k))")


@pytest.mark.parametrize("cells, delegates", [
    ([OWN], False),
    (["%matplotlib inline", OWN], False),
    (["from course.metrics import ndcg_at_k as ref", OWN, "assert ndcg_at_k([1], {1}, 1) >= 0"],
     False),  # importing the reference to compare with is fine; the answer is the student's
    (["from course.metrics import ndcg_at_k"], True),
    (["from course import metrics\nndcg_at_k = metrics.ndcg_at_k"], True),
    (["import course.metrics as m\ndef ndcg_at_k(r, rel, k):\n    return m.ndcg_at_k(r, rel, k)"],
     True),
    (["from course.metrics import *"], True),
    (["from course.metrics import ndcg_at_k as _h",
      "def ndcg_at_k(r, rel, k):\n    return _h(r, rel, k)"], True),
    (["from course import metrics\ndef ndcg_at_k(r, rel, k):\n"
      "    return getattr(metrics, 'ndcg' + '_at_k')(r, rel, k)"], True),
    (["from course import metrics\ndef ndcg_at_k(r, rel, k):\n"
      "    return metrics.__dict__['ndcg_at_k'](r, rel, k)"], True),
    (["from helper import f\ndef ndcg_at_k(r, rel, k):\n    return f(r, rel, k)"], True),
    (["exec('x = 1')", OWN], True),
    (["get_ipython().input_transformers_cleanup.append(lambda lines: lines)", OWN], True),
    (["import functools\nfrom course import metrics as mm\n"
      "ndcg_at_k = functools.partial(mm.ndcg_at_k)"], True),
])
def test_delegation_is_found_through_aliases_helpers_and_dynamic_tricks(cells, delegates):
    from course.grading.delegation import find_delegation

    found = find_delegation(cells, ["ndcg_at_k"], NDCG_REF)
    assert (found is not None) == delegates, found


def test_a_reference_the_notebook_itself_imports_counts_too():
    from course.grading.delegation import find_delegation

    answer = "def damped_mean_scores(r, d):\n    return DampedMean(damping=d).fit(r).item_scores_"
    found = find_delegation([answer], ["damped_mean_scores"], {"course.popularity.DampedMean"})
    assert found and "DampedMean" in found


# -- student functions seen through the bridge ---------------------------------------------------
def test_a_student_function_can_be_copied_and_inspected_through_the_bridge(tmp_path):
    """The capstone's dashboard gives every run a fresh copy of a policy (``copy.deepcopy``) and
    checks which names its code uses; both work on the judge's proxy of a student function."""
    import copy
    import pickle
    from types import SimpleNamespace

    from course import capstone
    from course.grading import bridge
    from course.grading.judge import RemoteFunction

    world = SimpleNamespace(item_false=[1, 0])

    def policy(scores, view, k):
        return world.item_false if view is None else scores  # reads the true labels

    namespace = {"policy": policy}

    class LocalBridge:  # the judge's side, answered in-process by the kernel's serve()
        n = 0

        def request(self, op, pin, *args):
            self.n += 1
            (tmp_path / f"req-{self.n}.pkl").write_bytes(pickle.dumps((op, pin, *args)))
            bridge.serve(tmp_path, self.n, namespace=namespace)
            data = (tmp_path / f"resp-{self.n}.bin").read_bytes()
            return wire.load(data, make_ref=lambda ref, kind, info: RemoteFunction(
                self, None, ref, info))

    local = LocalBridge()
    proxy = local.request("resolve", None, ["policy"])["policy"]
    assert isinstance(proxy, RemoteFunction)
    copied = copy.deepcopy(proxy)
    assert isinstance(copied, RemoteFunction) and copied("scores", "view", 3) == "scores"
    assert capstone.uses_hidden_information(proxy) == ["item_false"]
    namespace["fair"] = lambda scores, view, k: scores
    fair = local.request("resolve", None, ["fair"])["fair"]
    assert capstone.uses_hidden_information(fair) == []
