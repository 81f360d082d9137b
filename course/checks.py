"""Self-checks for learners: right, wrong or not attempted, in one line, with hints in tiers.

Every graded exercise in the course has a checker registered here by the module
``course.exercises.nbNN`` of its notebook; written answers (graded by hand) are registered too.
A checker looks at what the learner wrote and says whether it is right, without ever printing
the expected answer, so the checks work offline and for someone studying alone.

Feedback is always **one line**. The visible test cell after an exercise calls
``check(name, strict=True)``, which behaves differently by context:

* in a learner's session (JupyterLab, Voila, papermill) it prints the line and, when the answer
  is not right yet, quietly ends the test cell: no traceback, and *Run All* carries on;
* under nbgrader (``NBGRADER_EXECUTION`` is set while validating and autograding) it raises
  :class:`ExerciseFailed`, whose traceback is that same single line, so a blank or wrong answer
  scores zero and nbgrader's Validate dialog lists one readable line per exercise.

Example
-------
>>> from course import checks
>>> @checks.exercise("99-demo", "answer", points=1, hints=["It is a famous number."])
... def _(value):
...     return None if value == 42 else "not quite"
>>> state = checks.check("answer", {"answer": 41}, notebook="99-demo")
✘ answer: not quite  (need help? hint('answer'))
>>> state == checks.WRONG          # in a notebook, the line above is all a learner sees
True

In a notebook, ``checks.start("00-start-here")`` once at the top, then ``checks.check("name")``
looks the learner's variable up in the notebook's namespace.
"""

from __future__ import annotations

import dis
import importlib
import json
import os
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RIGHT, WRONG, NOT_ATTEMPTED = "right", "wrong", "not attempted"
WRITTEN, NOT_WRITTEN, BY_HAND = "written", "not written yet", "graded by hand"
UNKNOWN = "unknown"
# Symbols every common font has (DejaVu, Liberation...): emoji show as boxes where no emoji
# font is installed.
SYMBOL = {RIGHT: "✔", WRONG: "✘", NOT_ATTEMPTED: "○", WRITTEN: "✎", NOT_WRITTEN: "○",
          BY_HAND: "✎", UNKNOWN: "?"}
#: What nbgrader's ``ClearSolutions.code_stub`` puts in place of a solution (nbgrader_config.py):
#: ``pass`` leaves a cell that runs, so Run All never stops at an unanswered exercise.
CODE_STUB = "# YOUR CODE HERE\npass"
TEXT_STUB = "YOUR ANSWER HERE"


@dataclass
class Exercise:
    """One checkable code exercise.

    ``checker`` receives the learner's object (a value or a function) and returns ``None`` when it
    is right, or a message explaining what is wrong (never the answer itself). Raising
    ``NotImplementedError`` means the learner has not attempted it yet.
    """

    notebook: str
    name: str
    target: str
    checker: Callable[[Any], str | None]
    hints: Sequence[str] = ()
    points: float | None = None
    hints_shown: int = field(default=0, compare=False)


@dataclass
class WrittenAnswer:
    """A written answer, graded by hand with a rubric: nothing to check automatically."""

    notebook: str
    name: str
    points: float | None = None
    hints: Sequence[str] = ()
    hints_shown: int = field(default=0, compare=False)


_REGISTRY: dict[str, dict[str, Exercise | WrittenAnswer]] = {}
_current: list[str] = []


def exercise(notebook: str, name: str, *, target: str | None = None, points: float | None = None,
             hints: Sequence[str] = ()) -> Callable[[Callable[[Any], str | None]], Callable]:
    """Decorator that registers a checker for code exercise ``name`` of ``notebook``.

    ``target`` is the variable or function name the learner defines (defaults to ``name``);
    ``points`` what its test cell is worth (tests compare them with the notebook).
    """

    def register(checker: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
        _REGISTRY.setdefault(notebook, {})[name] = Exercise(
            notebook, name, target or name, checker, tuple(hints), points)
        return checker

    return register


def written(notebook: str, name: str, *, points: float | None = None,
            hints: Sequence[str] = ()) -> None:
    """Register written answer ``name`` of ``notebook`` (graded by hand), so that
    :func:`check`, :func:`hint` and :func:`check_all` know about it."""
    _REGISTRY.setdefault(notebook, {})[name] = WrittenAnswer(notebook, name, points,
                                                             tuple(hints))


def not_a_number(value: Any, name: str) -> str | None:
    """A message if ``value`` is not a finite real number (for checkers), else ``None``.

    >>> not_a_number("0.5", "stickiness")
    'stickiness should be a number, not str'
    """
    import numbers

    import numpy as np

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return f"{name} should be a number, not {type(value).__name__}"
    if not np.isfinite(value):
        return f"{name} should be a finite number"
    return None


def not_a_function(value: Any, name: str) -> str | None:
    """A message if ``value`` is not a function (for checkers), else ``None``."""
    if not callable(value):
        return f"`{name}` should be a function (define it with def {name}(...):)"
    return None


def is_stub(function: Any) -> bool:
    """True for a function whose body does nothing (the released ``pass`` stub, a docstring).

    >>> def f(x):
    ...     '''Double x.'''
    ...     pass
    >>> is_stub(f), is_stub(lambda x: 2 * x)
    (True, False)
    """
    code = getattr(function, "__code__", None)
    if not isinstance(code, types.CodeType):   # not a Python function (or a grader's proxy)
        return False
    quiet = {"RESUME", "NOP", "RETURN_CONST", "LOAD_CONST", "RETURN_VALUE", "COPY_FREE_VARS",
             "MAKE_CELL", "CACHE"}
    return all(ins.opname in quiet and (ins.opname not in {"RETURN_CONST", "LOAD_CONST"}
                                        or ins.argval is None)
               for ins in dis.get_instructions(code))


# -- one line of feedback ------------------------------------------------------------------------
class Feedback(str):
    """The status of a check (equal to ``RIGHT``, ``WRONG``...), already printed as one line:
    left last in a cell it shows nothing more."""

    line: str

    def __new__(cls, status: str, line: str) -> Feedback:
        obj = super().__new__(cls, status)
        obj.line = line
        return obj

    def _ipython_display_(self) -> None:
        pass


class ExerciseFailed(AssertionError):
    """A visible test that failed under nbgrader; its traceback is its one line of feedback."""

    def _render_traceback_(self) -> list[str]:   # IPython shows this instead of a traceback
        return [str(self)]


class UnknownExercise(KeyError):
    """An exercise name the notebook does not have (a typo, or another notebook's exercise)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def _render_traceback_(self) -> list[str]:
        return [f"{SYMBOL[UNKNOWN]} {self}"]


class _EndTestCell(Exception):
    """Ends a visible-test cell quietly after its feedback line (learner sessions only)."""


def grading() -> bool:
    """True while nbgrader validates or autogrades (it sets ``NBGRADER_EXECUTION``)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _quiet_end(shell, etype, value, tb, tb_offset=None):  # an IPython custom exception handler
    return None                                            # (the line was printed already)


def _forget_quiet_end(result) -> None:   # post_run_cell hook: the cell counts as run, not failed
    if isinstance(getattr(result, "error_in_exec", None), _EndTestCell):
        result.error_in_exec = None


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    return get_ipython()


def _install_quiet_end(shell) -> bool:
    """Let :class:`_EndTestCell` end a cell without an error in this IPython shell."""
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    if _EndTestCell not in getattr(shell, "custom_exceptions", ()):
        shell.set_custom_exc((*getattr(shell, "custom_exceptions", ()), _EndTestCell),
                             _quiet_end)
        shell.events.register("post_run_cell", _forget_quiet_end)
    return True


# -- finding things --------------------------------------------------------------------------------
def _load(notebook: str) -> dict[str, Exercise | WrittenAnswer]:
    if notebook not in _REGISTRY:
        module = f"course.exercises.nb{notebook[:2]}"
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as err:
            raise ValueError(f"no self-checks for notebook {notebook!r} ({module} is missing)") \
                from err
    return _REGISTRY.get(notebook, {})


def start(notebook: str) -> None:
    """Say which notebook the following checks belong to (call once at its top)."""
    _load(notebook)
    _current[:] = [notebook]
    if not grading():
        _install_quiet_end(_shell())


def _notebook(notebook: str | None) -> str:
    if notebook:
        return notebook
    if not _current:
        raise RuntimeError("call course.checks.start('<notebook id>') first")
    return _current[0]


def _user_namespace() -> Mapping[str, Any]:
    """Where :func:`check` looks the learner's names up when no namespace is given: the
    notebook's namespace. A grading process that holds the names elsewhere replaces this
    function (``course.grading``'s judge does)."""
    shell = _shell()
    return shell.user_ns if shell is not None else {}


def _find(name: str, notebook: str) -> Exercise | WrittenAnswer:
    found = _load(notebook).get(name)
    if found is None:
        known = ", ".join(_load(notebook)) or "none"
        raise UnknownExercise(f"{notebook} has no exercise {name!r}; its exercises are: {known}")
    return found


def _saved_notebook(ns: Mapping[str, Any]) -> dict | None:
    """The notebook file as last saved (JupyterLab tells the kernel its path), if readable."""
    session = ns.get("__session__") or os.environ.get("JPY_SESSION_NAME")
    if not session:
        return None
    for path in (Path(session), Path.cwd() / Path(session).name):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return None


def _written_status(answer: WrittenAnswer, ns: Mapping[str, Any]) -> tuple[str, str]:
    saved = _saved_notebook(ns)
    graded = "graded by hand with a rubric"
    if saved is not None:
        for cell in saved.get("cells", []):
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == answer.name:
                text = "".join(cell.get("source", "")).strip()
                if not text or text == TEXT_STUB:
                    return NOT_WRITTEN, (f"written answer, {graded}: not written yet (in the "
                                         "file as last saved); double-click 'YOUR ANSWER "
                                         "HERE' and write it")
                return WRITTEN, f"written answer, {graded}: written (as last saved)"
    return BY_HAND, (f"written answer, {graded}; make sure the cell below its question no "
                     "longer says 'YOUR ANSWER HERE'")


# -- checking --------------------------------------------------------------------------------------
def status(name: str, namespace: Mapping[str, Any] | None = None,
           notebook: str | None = None) -> tuple[str, str]:
    """Return ``(status, message)`` for one exercise without printing anything.

    Raises :class:`UnknownExercise` for a name the notebook does not have.
    """
    nb = _notebook(notebook)
    ex = _find(name, nb)
    ns = _user_namespace() if namespace is None else namespace
    if isinstance(ex, WrittenAnswer):
        return _written_status(ex, ns)
    value = ns.get(ex.target, Ellipsis)
    if value is Ellipsis or value is None:
        return NOT_ATTEMPTED, (f"not attempted yet: define `{ex.target}` in the exercise cell "
                               "and run it")
    if callable(value) and is_stub(value):
        return NOT_ATTEMPTED, (f"not attempted yet: write the body of `{ex.target}` in place "
                               "of `pass` and run its cell")
    try:
        problem = ex.checker(value)
    except NotImplementedError:
        return NOT_ATTEMPTED, (f"not attempted yet: replace `raise NotImplementedError()` in "
                               f"the cell that defines `{ex.target}` with your code")
    except Exception as err:  # the learner's code raised: report it, helpfully, on one line
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        return WRONG, f"your code raised {type(err).__name__}" + (f": {first}" if first else "")
    if problem is None:
        return RIGHT, "right."
    return WRONG, " ".join(str(problem).split())


def check(name: str, namespace: Mapping[str, Any] | None = None, notebook: str | None = None,
          strict: bool = False) -> Feedback:
    """Print one line saying whether exercise ``name`` is right, wrong or not attempted.

    Returns the status (``RIGHT``, ``WRONG``, ``NOT_ATTEMPTED``; ``WRITTEN`` or
    ``NOT_WRITTEN`` for a written answer). With ``strict=True`` (visible test cells) an answer
    that is not right ends the test cell: quietly in a learner's session, with
    :class:`ExerciseFailed` under nbgrader (see the module docstring).
    """
    try:
        state, message = status(name, namespace, notebook)
    except UnknownExercise as err:
        if strict and grading():
            raise
        print(f"{SYMBOL[UNKNOWN]} {err}")
        return Feedback(UNKNOWN, str(err))
    line = f"{SYMBOL[state]} {name}: {message}"
    if state in (WRONG, NOT_ATTEMPTED):
        line += f"  (need help? hint({name!r}))"
    if strict and state != RIGHT:
        if grading() or not _install_quiet_end(_shell()):
            raise ExerciseFailed(line)
        print(line)
        raise _EndTestCell(line)
    print(line)
    return Feedback(state, line)


def hint(name: str, notebook: str | None = None) -> Feedback:
    """Show the next hint for ``name``; hints go from gentle to specific, never the answer."""
    nb = _notebook(notebook)
    try:
        ex = _find(name, nb)
    except UnknownExercise as err:
        text = f"{SYMBOL[UNKNOWN]} {err}"
        print(text)
        return Feedback(text, text)
    if not ex.hints:
        what = "written answer" if isinstance(ex, WrittenAnswer) else "exercise"
        text = (f"No hints for the {what} {name}: re-read the question, which lists what a "
                "full answer covers, and the section above it.")
    else:
        level = min(ex.hints_shown, len(ex.hints) - 1)
        ex.hints_shown += 1
        text = f"Hint {level + 1} of {len(ex.hints)} for {name}: {ex.hints[level]}"
    print(text)
    return Feedback(text, text)


@dataclass
class Summary:
    """What :func:`check_all` found: a table (one row per exercise) and a one-line summary."""

    notebook: str
    table: Any            # pandas.DataFrame: exercise, kind, points, status, message
    line: str

    def _ipython_display_(self) -> None:   # check_all() shows it once; no echo as Out[]
        pass

    def show(self) -> None:
        """Display the summary line and the table (left-aligned) in a notebook."""
        from IPython.display import display

        display({"text/plain": repr(self), "text/html": self._repr_html_()}, raw=True)

    def _repr_html_(self) -> str:
        styled = (self.table.style.hide(axis="index")
                  .set_properties(**{"text-align": "left"})
                  .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
                  .format({"points": lambda p: "" if p != p else f"{p:g}"}))
        return f"<p>{self.line}</p>{styled.to_html()}"

    def __repr__(self) -> str:
        return f"{self.line}\n{self.table.to_string(index=False)}"


def check_all(namespace: Mapping[str, Any] | None = None,
              notebook: str | None = None) -> Summary:
    """Check every exercise of the notebook, code and written, and show a table of the results.

    Code exercises are checked as :func:`check` does; written answers are graded by hand, so
    they are listed with their points and whether the saved notebook has an answer in them.
    """
    import pandas as pd

    nb = _notebook(notebook)
    rows = []
    for name, ex in _load(nb).items():
        state, message = status(name, namespace, nb)
        rows.append({"exercise": name,
                     "kind": "written" if isinstance(ex, WrittenAnswer) else "code",
                     "points": float("nan") if ex.points is None else ex.points,
                     "status": f"{SYMBOL[state]} {state}", "message": message})
    table = pd.DataFrame(rows, columns=["exercise", "kind", "points", "status", "message"])
    code = table[table["kind"] == "code"]
    words = table[table["kind"] == "written"]
    right = code["status"].str.endswith(RIGHT)
    line = f"{nb}: {int(right.sum())} of {len(code)} code exercises right"
    if code["points"].notna().all() and len(code):
        line += f" ({code.loc[right, 'points'].sum():g} of {code['points'].sum():g} points)"
    if len(words):
        pts = (f" ({words['points'].sum():g} points)" if words["points"].notna().all() else "")
        missing = int(words["status"].str.endswith(NOT_WRITTEN).sum())
        line += (f"; {len(words)} written answer{'s' if len(words) > 1 else ''}{pts} graded by "
                 "hand" + (f", {missing} not written yet" if missing else ""))
    summary = Summary(nb, table, line + ".")
    if _shell() is not None:
        summary.show()
    else:
        print(repr(summary))
    return summary
