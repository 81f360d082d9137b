"""Self-checks for learners: right, wrong or not attempted, with hints in tiers.

Every graded exercise in the course has a checker registered here by the module
``course.exercises.nbNN`` of its notebook. A checker looks at what the learner wrote and says
whether it is right, without ever printing the expected answer, so the checks work offline and
can be used by someone studying alone. The visible test cells call :func:`check` with
``strict=True``, so the same feedback appears when nbgrader validates a notebook.

Example
-------
>>> from course import checks
>>> @checks.exercise("99-demo", "answer", hints=["It is a famous number."])
... def _(value):
...     return None if value == 42 else "not quite"
>>> checks.check("answer", {"answer": 41}, notebook="99-demo")
❌ answer: not quite  (need help? hint('answer'))
'wrong'

In a notebook, ``checks.start("00-start-here")`` once at the top, then ``checks.check("name")``
looks the learner's variable up in the notebook's namespace.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

RIGHT, WRONG, NOT_ATTEMPTED = "right", "wrong", "not attempted"
_SYMBOL = {RIGHT: "✅", WRONG: "❌", NOT_ATTEMPTED: "⏳"}


@dataclass
class Exercise:
    """One checkable exercise.

    ``checker`` receives the learner's object (a value or a function) and returns ``None`` when it
    is right, or a message explaining what is wrong (never the answer itself). Raising
    ``NotImplementedError`` means the learner has not attempted it yet.
    """

    notebook: str
    name: str
    target: str
    checker: Callable[[Any], str | None]
    hints: Sequence[str] = ()
    hints_shown: int = field(default=0, compare=False)


_REGISTRY: dict[str, dict[str, Exercise]] = {}
_current: list[str] = []


def exercise(notebook: str, name: str, *, target: str | None = None,
             hints: Sequence[str] = ()) -> Callable[[Callable[[Any], str | None]], Callable]:
    """Decorator that registers a checker for exercise ``name`` of ``notebook``.

    ``target`` is the variable or function name the learner defines (defaults to ``name``).
    """

    def register(checker: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
        _REGISTRY.setdefault(notebook, {})[name] = Exercise(
            notebook, name, target or name, checker, tuple(hints))
        return checker

    return register


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


def _load(notebook: str) -> dict[str, Exercise]:
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


def _notebook(notebook: str | None) -> str:
    if notebook:
        return notebook
    if not _current:
        raise RuntimeError("call course.checks.start('<notebook id>') first")
    return _current[0]


def _user_namespace() -> Mapping[str, Any]:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return {}
    shell = get_ipython()
    return shell.user_ns if shell is not None else {}


def status(name: str, namespace: Mapping[str, Any] | None = None,
           notebook: str | None = None) -> tuple[str, str]:
    """Return ``(status, message)`` for one exercise without printing anything."""
    ex = _load(_notebook(notebook)).get(name)
    if ex is None:
        raise KeyError(f"no exercise {name!r} in notebook {_notebook(notebook)!r}")
    ns = _user_namespace() if namespace is None else namespace
    value = ns.get(ex.target, Ellipsis)
    if value is Ellipsis or value is None:
        return NOT_ATTEMPTED, (f"not attempted yet: define `{ex.target}` in the exercise cell "
                               "and run it.")
    try:
        problem = ex.checker(value)
    except NotImplementedError:
        return NOT_ATTEMPTED, (f"not attempted yet: replace `raise NotImplementedError()` in "
                               f"the cell that defines `{ex.target}` with your code.")
    except Exception as err:  # the learner's code raised: report it, helpfully
        return WRONG, f"your code raised {type(err).__name__}: {err}"
    if problem is None:
        return RIGHT, "right."
    return WRONG, problem


def check(name: str, namespace: Mapping[str, Any] | None = None, notebook: str | None = None,
          strict: bool = False) -> str:
    """Print whether exercise ``name`` is right, wrong or not attempted, and return the status.

    With ``strict=True`` anything but right raises ``AssertionError`` (used by visible tests).
    """
    state, message = status(name, namespace, notebook)
    text = f"{_SYMBOL[state]} {name}: {message}"
    if state != RIGHT:
        text += f"  (need help? hint({name!r}))"
    if strict and state != RIGHT:
        raise AssertionError(text)
    print(text)
    return state


def hint(name: str, notebook: str | None = None) -> str:
    """Show the next hint for exercise ``name``; hints go from gentle to nearly the answer."""
    ex = _load(_notebook(notebook))[name]
    if not ex.hints:
        text = f"No hints for {name}; re-read the prose above the exercise."
    else:
        level = min(ex.hints_shown, len(ex.hints) - 1)
        ex.hints_shown += 1
        text = f"Hint {level + 1} of {len(ex.hints)} for {name}: {ex.hints[level]}"
    print(text)
    return text


def check_all(namespace: Mapping[str, Any] | None = None, notebook: str | None = None):
    """Check every exercise of the notebook and return a table of the results."""
    import pandas as pd

    nb = _notebook(notebook)
    rows = []
    for name in _load(nb):
        state, message = status(name, namespace, nb)
        rows.append({"exercise": name, "status": f"{_SYMBOL[state]} {state}",
                     "message": message})
    table = pd.DataFrame(rows, columns=["exercise", "status", "message"])
    done = sum(r["status"].endswith(RIGHT) for r in rows)
    print(f"{nb}: {done} of {len(rows)} exercises right.")
    return table
