"""Instructor machinery, apart from what students read: the exchange on a shared hub, the roster,
due dates and late penalties, grade exports for Canvas and Moodle, rubrics in the formgrader.

| module | what | how to run it |
| --- | --- | --- |
| :mod:`course.instructor.exchange` | private submissions, forged ones refused, mid-term fixes fetched without losing work | installed by ``deploy/nbgrader_config.py`` |
| :mod:`course.instructor.roster` | the roster CSV (ids, names, e-mails) into nbgrader's gradebook | ``python -m course.instructor.roster import roster.csv`` |
| :mod:`course.instructor.late` | late penalty plugin, per-student extensions | ``python -m course.instructor.late extend STUDENT ASSIGNMENT --days 2`` |
| :mod:`course.instructor.lms` | Canvas and Moodle grade CSVs | ``python -m course.instructor.lms canvas`` |
| :mod:`course.instructor.formgrader` | model answer and rubric beside each answer graded by hand | a Jupyter server extension (instructors) |
"""
