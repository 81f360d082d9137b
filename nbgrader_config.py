"""nbgrader configuration for Inside the Feed.

The instructor masters live in ``solutions/`` (nbgrader's *source* step) and the student versions
are released into ``notebooks/`` (nbgrader's *release* step), so the repository itself is the
course directory. See the instructor section of the README.
"""

import os

from course.grading import autograde_preprocessors
from course.grading.sandbox import pre_grading_hook

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# The hub sets COURSE_ID for every server, so the instructor's clone and the students agree on
# the exchange folder whatever the course is called (deploy/README.md).
c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "inside-the-feed")
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

# An unanswered exercise must not stop Run All: the solution becomes a stub that runs (`pass`),
# and the visible test after it says "not attempted" in one line (course.checks); under nbgrader
# the same test raises, so a blank answer still scores zero.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\npass"}

# Only notebooks are released; checkpoints and caches never are.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# A submission is hostile code (docs/instructor-guide.md, "Safe grading"). Autograding runs it
# through course.grading.JudgedExecute in place of nbgrader's Execute:
# - the student's kernel runs in a bubblewrap sandbox: a private copy of the submission's folder,
#   the course package, datasets and Python read-only, a private /tmp; no course directory, no
#   home, no network; caps below. Without bubblewrap, grading stops and says what to install;
#   `c.Sandbox.enabled = False` grades unsandboxed (unsafe: student code gets your rights);
# - test cells never reach the student's kernel: a separate sandboxed judge runs them and reads
#   the student's variables as data; an answer that only calls the course's reference
#   implementation scores zero (tests/test_grading_attacks.py tries the tricks);
c.Autograde.autograde_preprocessors = autograde_preprocessors()
c.Autograde.pre_convert_hook = pre_grading_hook(c)  # no sandbox: stop before grading anything
c.Sandbox.memory = 4 * 1024**3          # bytes: per process, and all the sandbox's together
c.Sandbox.cpu_time = 900                # CPU seconds per process
c.Sandbox.processes = 64                # processes plus threads
c.Sandbox.file_size = 256 * 1024**2     # largest file it may write
c.Sandbox.tmp_size = 256 * 1024**2      # its private /tmp
c.Sandbox.output_size = 1024**2         # bytes of output per cell (the rest is cut)

# Grading must survive bad submissions (tests/test_grading_robustness.py):
# - a runaway cell is stopped after 120 s and the kernel interrupted, so the next cells still run;
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
# - a submission that kills its kernel keeps the points it earned before the crash (above);
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
