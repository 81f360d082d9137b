"""JupyterHub configuration for one course of Inside the Feed: an instructor, students, nbgrader.

Run ``deploy/setup_course.py`` first (as root): it creates the Unix users and groups, the nbgrader
exchange and the per-role Jupyter configuration, and writes the course settings file this
configuration reads. Then start the hub as root (it spawns each user's server as that user)::

    jupyterhub -f deploy/jupyterhub_config.py

What it sets up (see deploy/README.md and docs/instructor-guide.md):

* users log in with their Unix password (PAM); only the course's users are allowed in;
* JupyterHub groups ``formgrade-<course>`` (instructors) and ``nbgrader-<course>`` (students),
  the groups nbgrader's ``JupyterHubAuthPlugin`` reads to know who takes or grades the course;
* each user's server runs as that Unix user (``LocalProcessSpawner``) with the course's Python,
  and with a per-role Jupyter configuration: instructors get the formgrader and their course
  directory, students get the assignment list only;
* the servers' API tokens may read their own user's groups (nbgrader needs this).

Settings come from the course settings file (``COURSE_SETTINGS``, default
``/etc/inside-the-feed/course.json``); ``HUB_IP``/``HUB_PORT`` change where the hub listens
(default ``127.0.0.1:8000``: put a TLS-terminating reverse proxy in front of it).
"""

import json
import os

c = get_config()  # noqa: F821  (provided by traitlets when JupyterHub loads this file)

SETTINGS_FILE = os.environ.get("COURSE_SETTINGS", "/etc/inside-the-feed/course.json")
try:
    with open(SETTINGS_FILE) as fh:
        COURSE = json.load(fh)
except FileNotFoundError as err:
    raise SystemExit(f"{SETTINGS_FILE} not found: run deploy/setup_course.py first (as root), "
                     "or point COURSE_SETTINGS at the file it wrote.") from err

COURSE_ID = COURSE["course_id"]
INSTRUCTORS = COURSE["instructors"]
STUDENTS = COURSE["students"]

# -- where the hub listens -------------------------------------------------------------------
c.JupyterHub.bind_url = (f"http://{os.environ.get('HUB_IP', '127.0.0.1')}:"
                         f"{os.environ.get('HUB_PORT', '8000')}")
c.JupyterHub.hub_ip = "127.0.0.1"
state = COURSE["state_dir"]  # owned by root, 0700: the hub's database and cookie secret
c.JupyterHub.db_url = f"sqlite:///{os.path.join(state, 'jupyterhub.sqlite')}"
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "jupyterhub-proxy.pid")

# -- who may log in ----------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(INSTRUCTORS) | set(STUDENTS)
c.Authenticator.admin_users = set(COURSE.get("hub_admins", []))

# The groups nbgrader expects: formgrade-<course> may grade, nbgrader-<course> takes the course.
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE_ID}": {"users": INSTRUCTORS},
    f"nbgrader-{COURSE_ID}": {"users": STUDENTS},
}

# -- the users' servers ------------------------------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [COURSE["python"], "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.ip = "127.0.0.1"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
# nbgrader (JupyterHubAuthPlugin) asks the hub which course groups its user is in.
c.Spawner.server_token_scopes = [
    "users:activity!user", "access:servers!server",
    "read:users:name!user", "read:users:groups!user",
]
c.Spawner.environment = {
    "COURSE_ID": COURSE_ID,
    "NBGRADER_EXCHANGE": COURSE["exchange"],
    # the course's tools (nbgrader, alembic, jupyter) first on PATH
    "PATH": f"{os.path.dirname(COURSE['python'])}:/usr/local/bin:/usr/bin:/bin",
}


def use_role_config(spawner):
    """Point the server at the Jupyter configuration of its user's role."""
    role = "instructor" if spawner.user.name in INSTRUCTORS else "student"
    spawner.environment["JUPYTER_CONFIG_PATH"] = os.path.join(COURSE["jupyter_config"], role)


c.Spawner.pre_spawn_hook = use_role_config
