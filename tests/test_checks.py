"""Self-checks: right / wrong / not attempted, tiered hints, never the answer itself."""

from __future__ import annotations

import pytest

from course import checks

NB = "99-test-notebook"


@checks.exercise(NB, "double", hints=["Multiply.", "Return 2 * x."])
def _check_double(f):
    if f(3) != 6:
        return "double(3) should be twice 3"
    return None


@checks.exercise(NB, "answer", target="my_answer")
def _check_answer(value):
    return None if value == 42 else "not the right number"


def _not_done(x):
    raise NotImplementedError()


def test_statuses(capsys):
    assert checks.check("double", {"double": lambda x: 2 * x}, NB) == checks.RIGHT
    assert checks.check("double", {"double": lambda x: x + 2}, NB) == checks.WRONG
    assert checks.check("double", {"double": _not_done}, NB) == checks.NOT_ATTEMPTED
    assert checks.check("double", {}, NB) == checks.NOT_ATTEMPTED
    assert checks.check("answer", {"my_answer": 41}, NB) == checks.WRONG
    out = capsys.readouterr().out
    assert "42" not in out, "a check must not reveal the answer"
    assert "hint('double')" in out


def test_learner_exceptions_are_reported_not_raised():
    state, message = checks.status("double", {"double": lambda x: 1 / 0}, NB)
    assert state == checks.WRONG and "ZeroDivisionError" in message


def test_strict_mode_raises_for_visible_tests():
    with pytest.raises(AssertionError, match="twice"):
        checks.check("double", {"double": lambda x: x}, NB, strict=True)


def test_hints_come_in_tiers():
    assert "Hint 1 of 2" in checks.hint("double", NB)
    assert "Hint 2 of 2" in checks.hint("double", NB)
    assert "Hint 2 of 2" in checks.hint("double", NB)


def test_check_all_table():
    table = checks.check_all({"double": lambda x: 2 * x}, NB)
    assert table["exercise"].tolist() == ["double", "answer"]
    assert table["status"].tolist() == ["✅ right", "⏳ not attempted"]


def test_unknown_notebook_is_a_clear_error():
    with pytest.raises(ValueError, match="no self-checks"):
        checks.start("77-nothing")
