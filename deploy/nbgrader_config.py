"""Hub-wide nbgrader settings for a course of Inside the Feed on JupyterHub.

Everyone's single-user server reads this file (``setup_course.py`` writes a small
``nbgrader_config.py`` per role that loads it with ``load_subconfig``); the instructor's course
directory (a clone of the repository, whose own ``nbgrader_config.py`` sets the folders, the cell
timeout, the feedback filter and the late policy) is read after it and wins where both set
something. The course id comes from ``COURSE_ID`` in both, so they agree.

Settings (environment variables the hub sets for every server, with defaults):

* ``COURSE_ID`` (``inside-the-feed``): the course id; JupyterHub groups ``formgrade-<id>`` and
  ``nbgrader-<id>`` hold its instructors and students.
* ``NBGRADER_EXCHANGE`` (``/srv/nbgrader/exchange``): the exchange folder shared by all users.

The exchange is nbgrader's own with three changes (``course/instructor/exchange.py``):
submissions readable only by their student and the instructors, forged submissions refused at
collection, and fetching again brings a corrected release without losing a line of work.
"""

import os

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "inside-the-feed")
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
# Students may take several courses: fetched assignments go to ~/<course id>/<assignment>.
c.Exchange.path_includes_course = True

# A corrected release that arrived beside a student's own notebook (NAME.updated.ipynb) is
# theirs to copy from, never submitted or graded; nor are checkpoints, caches, feedback.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            "*.updated.ipynb"]

EXCHANGE = "course.instructor.exchange"
c.ExchangeFactory.submit = f"{EXCHANGE}.PrivateExchangeSubmit"
c.ExchangeFactory.collect = f"{EXCHANGE}.CheckedExchangeCollect"
c.ExchangeFactory.fetch_assignment = f"{EXCHANGE}.UpdatingExchangeFetchAssignment"
c.ExchangeFactory.list = f"{EXCHANGE}.UpdatingExchangeList"

# Course membership comes from JupyterHub groups (nbgrader-<course>, formgrade-<course>) when
# running under the hub; outside it (an instructor grading on a laptop) everyone has access.
if os.environ.get("JUPYTERHUB_API_TOKEN"):
    c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"
