"""Instructor machinery, kept apart from what students read.

* :mod:`course.instructor.exchange`: nbgrader's exchange for a shared hub (private submissions,
  forged ones refused, mid-term fixes fetched without losing work); ``deploy/nbgrader_config.py``
  installs it.
* :mod:`course.instructor.roster`: the roster CSV (ids, names, e-mails) into nbgrader's gradebook
  (``python -m course.instructor.roster import roster.csv``).
* :mod:`course.instructor.late`: the late-penalty plugin and per-student extensions
  (``python -m course.instructor.late extend STUDENT ASSIGNMENT --days 2``).
* :mod:`course.instructor.lms`: grade CSVs for Canvas and Moodle
  (``python -m course.instructor.lms canvas``).
* :mod:`course.instructor.formgrader`: the model answer and rubric beside each answer graded by
  hand in the formgrader (a Jupyter server extension, instructors only).
"""
