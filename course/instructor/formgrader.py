"""The formgrader, with the model answer and rubric beside every answer graded by hand.

nbgrader's formgrader shows a written answer without its model answer or rubric, so graders had
to open ``solutions/`` separately. This Jupyter server extension (instructors only: the hub's
instructor configuration enables it, ``./run lab --instructor`` too) changes the formgrader's
page renderer in the running server:

* :class:`RubricPreprocessor` looks up each answer graded by hand (nbgrader ``solution`` +
  ``grade`` cells, and ``task`` cells) in the assignment's source notebook by its ``grade_id``
  and attaches the instructor's text (the ``### BEGIN SOLUTION`` region: the model answer and the
  rubric) to the student's cell;
* the page template ``templates/course_formgrade`` (it extends nbgrader's own ``formgrade``
  template) shows that text in a box above the student's answer, and makes the "Open live
  notebook" link work under JupyterHub (nbgrader's link leaves out ``/user/<name>/``).

Only the formgrader's own renderer is changed: feedback for students is made by another
exporter and never sees this preprocessor.

Example
-------
>>> solution_region("intro\\n### BEGIN SOLUTION\\nmodel answer\\n### END SOLUTION\\n")
'model answer'
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "course_formgrade"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def solution_region(source: str) -> str:
    """The instructor-only part of a master cell: between the solution markers, or all of it."""
    if BEGIN not in source:
        return source.strip()
    inside, kept = False, []
    for line in source.splitlines():
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        elif inside:
            kept.append(line)
    return "\n".join(kept).strip()


def graded_by_hand(meta: dict) -> bool:
    return bool(meta.get("task") or (meta.get("solution") and meta.get("grade")))


def rubrics(master: Path) -> dict[str, dict[str, str]]:
    """grade_id -> {"source", "kind"} for every cell graded by hand in a source notebook."""
    nb = nbformat.read(master, as_version=4)
    found = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if graded_by_hand(meta) and meta.get("grade_id"):
            found[meta["grade_id"]] = {"source": solution_region(cell.source),
                                       "kind": "code" if cell.cell_type == "code" else "markdown"}
    return found


class RubricPreprocessor(Preprocessor):
    """Attach each hand-graded cell's model answer and rubric (``metadata.course_rubric``)."""

    def __init__(self, formgrader=None, **kw):
        super().__init__(**kw)
        self.formgrader = formgrader  # nbgrader's; its course directory can change at run time

    @property
    def coursedir(self):
        return getattr(self.formgrader, "coursedir", None)

    def master(self, resources: dict) -> Path | None:
        assignment, notebook = resources.get("assignment_id"), resources.get("notebook_id")
        if self.coursedir is None or not assignment or not notebook:
            return None
        folder = self.coursedir.format_path(self.coursedir.source_directory, ".", assignment)
        path = Path(folder) / f"{notebook}.ipynb"
        return path if path.exists() else None

    def preprocess(self, nb, resources):
        master = self.master(resources)
        if master is None:
            return nb, resources
        found = rubrics(master)
        origin = str(master.relative_to(self.coursedir.root)) if self.coursedir.root else master
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if graded_by_hand(meta) and meta.get("grade_id") in found:
                cell.metadata["course_rubric"] = {**found[meta["grade_id"]], "origin": origin}
        return nb, resources


def install(webapp) -> bool:
    """Point the formgrader's page renderer at our template and preprocessor (True if done)."""
    exporter = webapp.settings.get("nbgrader_exporter")
    formgrader = webapp.settings.get("nbgrader_formgrader")
    if exporter is None or formgrader is None:
        return False
    if str(TEMPLATES) not in exporter.extra_template_basedirs:
        exporter.extra_template_basedirs = [str(TEMPLATES), *exporter.extra_template_basedirs]
    # our template extends nbgrader's as 'formgrade/index.html.j2', relative to nbgrader's folder
    from nbgrader.server_extensions.formgrader.handlers import template_path

    if template_path not in exporter.extra_template_paths:
        exporter.extra_template_paths = [*exporter.extra_template_paths, template_path]
    exporter.template_name = TEMPLATE_NAME
    exporter.template_paths = exporter._template_paths()  # computed once at start otherwise
    exporter.register_preprocessor(RubricPreprocessor(formgrader=formgrader),
                                   enabled=True)
    return True


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "course.instructor.formgrader"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Hook into nbgrader's formgrader once it has loaded (it may load after us)."""
    from tornado.ioloop import IOLoop

    tries = {"left": 120}  # every 0.5 s for a minute: extensions load while the server starts

    def attempt() -> None:
        if install(serverapp.web_app):
            serverapp.log.info("course.instructor.formgrader: rubrics shown in the formgrader")
        elif tries["left"] > 0:
            tries["left"] -= 1
            IOLoop.current().call_later(0.5, attempt)
        else:
            serverapp.log.warning("course.instructor.formgrader: nbgrader's formgrader is not "
                                  "enabled here, so there is nothing to add rubrics to")

    if not install(serverapp.web_app):
        IOLoop.current().add_callback(attempt)
    else:
        serverapp.log.info("course.instructor.formgrader: rubrics shown in the formgrader")
