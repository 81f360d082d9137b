"""nbgrader configuration for Inside the Feed.

The instructor masters live in ``solutions/`` (nbgrader's *source* step) and the student versions
are released into ``notebooks/`` (nbgrader's *release* step), so the repository itself is the
course directory. See the instructor section of the README.
"""

import os

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "inside-the-feed"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

# Only notebooks are released; checkpoints and caches never are.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Grading must survive bad submissions: a cell that runs away is stopped.
c.Execute.timeout = 120

# nbgrader's default feedback shows hidden tests (nbgrader issue #917).  Our feedback removes the
# hidden test code and the tracebacks that would quote it; tests/test_grading.py checks this.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course.grading.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
