"""``python -m course.grading``: release, points, parallel autograde (:mod:`.core`)."""

import sys

from course.grading.core import main

if __name__ == "__main__":
    sys.exit(main())
