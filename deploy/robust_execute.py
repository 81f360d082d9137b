"""Keep grading when a submission kills its kernel: only the cells from the crash on lose points.

nbgrader's ``Execute`` preprocessor stops at a dead kernel (``os._exit``, a segfault, running out
of memory) and nbgrader then drops the whole notebook: the student scores zero even for tests
that passed before the crash, and the instructor sees only a log message. :class:`RobustExecute`
records the crash as an error in the cell that caused it and marks every later code cell as not
run (an error output, so its tests score zero), then lets nbgrader save the grades as usual.

``deploy/nbgrader_config.py`` puts it in place of ``Execute`` in nbgrader's autograde pipeline;
``tests/test_grading_robustness.py`` checks a crashing submission keeps its earlier points.

Example
-------
>>> from nbgrader.preprocessors import Execute
>>> issubclass(RobustExecute, Execute)
True
>>> [p.__name__ for p in autograde_preprocessors()][0]
'RobustExecute'
"""

from __future__ import annotations

from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.converters.autograde import Autograde
from nbgrader.preprocessors import Execute

KERNEL_DIED = ("the kernel died while running this cell (os._exit, a crash, or running out of "
               "memory); the cells after it were not run")
NOT_RUN = "not run: the kernel died in an earlier cell"


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"{ename}: {evalue}"])


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


def autograde_preprocessors() -> list[type]:
    """nbgrader's autograde pipeline with :class:`RobustExecute` in place of ``Execute``."""
    default = Autograde.class_traits()["autograde_preprocessors"].default()
    return [RobustExecute if p is Execute else p for p in default]
