"""Hub-wide nbgrader settings for a course of Inside the Feed on JupyterHub.

Everyone's single-user server reads this file (``setup_course.py`` writes a small
``nbgrader_config.py`` per role that loads it with ``load_subconfig``); the instructor's course
directory (a clone of the repository, whose own ``nbgrader_config.py`` sets the folders, the cell
timeout and the feedback filter) is read after it and wins where both set something.

Settings (environment variables, with defaults):

* ``COURSE_ID`` (``inside-the-feed``): the course id; JupyterHub groups ``formgrade-<id>`` and
  ``nbgrader-<id>`` hold its instructors and students.
* ``NBGRADER_EXCHANGE`` (``/srv/nbgrader/exchange``): the exchange folder shared by all users.
"""

import os
import sys

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

HERE = os.path.dirname(os.path.abspath(__file__))  # noqa: F821 (traitlets sets __file__)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
from private_exchange import PrivateExchangeSubmit  # noqa: E402

c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "inside-the-feed")
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
# Students may take several courses: fetched assignments go to ~/<course id>/<assignment>.
c.Exchange.path_includes_course = True

# A submission is readable by its student and the instructors only (nbgrader's default leaves
# it readable by anyone who learns its randomized name).
c.ExchangeFactory.submit = PrivateExchangeSubmit

# Course membership comes from JupyterHub groups (nbgrader-<course>, formgrade-<course>) when
# running under the hub; outside it (an instructor grading on a laptop) everyone has access.
if os.environ.get("JUPYTERHUB_API_TOKEN"):
    c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"

# Robust autograding (crashed kernels, runaway cells, deleted test cells, huge outputs) is set in
# the course directory's own nbgrader_config.py, which the instructor's clone reads after this.
