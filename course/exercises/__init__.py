"""Self-check definitions, one module per notebook (``nb00`` for ``00-start-here``...).

Each module registers checkers with :func:`course.checks.exercise`; see ``course/checks.py``.
"""
