"""nbgrader configuration for Inside the Feed.

The instructor masters live in ``solutions/`` (nbgrader's *source* step) and the student versions
are released into ``notebooks/`` (nbgrader's *release* step), so the repository itself is the
course directory. See the instructor section of the README.
"""

import os

from course.grading import autograde_preprocessors

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# The hub sets COURSE_ID for every server, so the instructor's clone and the students agree on
# the exchange folder whatever the course is called (deploy/README.md).
c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "inside-the-feed")
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

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

# Late submissions: nbgrader computes how late each submission is (due dates per assignment,
# extensions per student); course.instructor.late.LatePolicy turns that into a penalty
# (15 minutes' grace, 10% of the score per started day, zero after 7 days; change them with
# c.LatePolicy.percent_per_day etc.). See docs/instructor-guide.md, "Deadlines".
c.AssignLatePenalties.plugin_class = "course.instructor.late.LatePolicy"
