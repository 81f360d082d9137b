"""The feedback preprocessor removes hidden tests and the tracebacks that quote them."""

from __future__ import annotations

import nbformat

from course.grading import HIDDEN_NOTE, hide_hidden_tests


def test_hidden_region_and_traceback_are_removed():
    cell = nbformat.v4.new_code_cell(
        "assert f(1) == 2\n### BEGIN HIDDEN TESTS\nassert f(10) == 11, 'edge case'\n"
        "### END HIDDEN TESTS\nprint('done')")
    cell.outputs = [nbformat.v4.new_output(
        "error", ename="AssertionError", evalue="edge case",
        traceback=["Traceback...", "----> 3 assert f(10) == 11, 'edge case'"])]
    hide_hidden_tests(cell)
    assert cell.source == f"assert f(1) == 2\n{HIDDEN_NOTE}\nprint('done')"
    assert cell.outputs[0]["traceback"] == ["AssertionError: edge case"]


def test_cells_without_hidden_tests_are_untouched():
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [nbformat.v4.new_output("error", ename="E", evalue="v", traceback=["t"])]
    hide_hidden_tests(cell)
    assert cell.source == "x = 1" and cell.outputs[0]["traceback"] == ["t"]


def test_outputs_the_judge_marked_hidden_are_dropped_but_failures_stay():
    from course.grading.feedback import HIDDEN_OUTPUT

    cell = nbformat.v4.new_code_cell("assert f(1) == 2\n### BEGIN HIDDEN TESTS\nassert f(7) == 8\n"
                                     "### END HIDDEN TESTS")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="visible\n"),
                    nbformat.v4.new_output("execute_result", data={"text/plain": "1.0"}),
                    nbformat.v4.new_output("error", ename="AssertionError", evalue="",
                                           traceback=["AssertionError: "])]
    for output in cell.outputs[1:]:
        output["metadata"] = {HIDDEN_OUTPUT: True}
    hide_hidden_tests(cell)
    assert [o["output_type"] for o in cell.outputs] == ["stream", "error"]
