"""nbgrader configuration for Inside the Feed.

The instructor masters live in ``solutions/`` (nbgrader's *source* step) and the student versions
are released into ``notebooks/`` (nbgrader's *release* step), so the repository itself is the
course directory. See the instructor section of the README.
"""

import os

from course.grading import autograde_preprocessors

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "inside-the-feed"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

# An unanswered exercise must not stop Run All: the solution becomes a stub that runs (`pass`),
# and the visible test after it says "not attempted" in one line (course.checks); under nbgrader
# the same test raises, so a blank answer still scores zero.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\npass"}

# Only notebooks are released; checkpoints and caches never are.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Grading must survive bad submissions (tests/test_grading_robustness.py):
# - a runaway cell is stopped after 120 s and the kernel interrupted, so the next cells still run;
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
# - a submission that kills its kernel keeps the points it earned before the crash;
c.Autograde.autograde_preprocessors = autograde_preprocessors()
# - deleted test cells are put back (and run) instead of leaving the exercise ungraded;
c.OverwriteCells.add_missing_cells = True
# - huge outputs (a print in a loop) are cut before they reach the gradebook and feedback.
c.LimitOutput.max_lines = 200

# nbgrader's default feedback shows hidden tests (nbgrader issue #917).  Our feedback removes the
# hidden test code and the tracebacks that would quote it; tests/test_grading.py checks this.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course.grading.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
