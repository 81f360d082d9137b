"""JupyterHub configuration for one course of Inside the Feed: instructors, students, nbgrader.

Run ``deploy/install.py`` and ``deploy/setup_course.py`` first (as root, see deploy/README.md);
the systemd unit that ``setup_course.py`` writes starts the hub with this file. What it sets up:

* users log in with their Unix password (PAM); only the course's users are allowed in; the hub
  admins of the course settings get JupyterHub's admin page (``/hub/admin``);
* JupyterHub groups ``formgrade-<course>`` (instructors) and ``nbgrader-<course>`` (students),
  the groups nbgrader's ``JupyterHubAuthPlugin`` reads to know who takes or grades the course;
* each user's server runs as that Unix user (``deploy/limits.py``: ``LocalProcessSpawner`` with
  its memory and CPU limits enforced through control groups) with the course's Python, and with
  a per-role Jupyter configuration: instructors get the formgrader (with rubrics) and their
  course directory, students get the assignment list only;
* an idle culler stops servers nobody has used for a while (``jupyterhub-idle-culler``);
* site-specific settings (another authenticator, more services) go in
  ``/etc/inside-the-feed/hub.d/*.py``, loaded last.

Settings come from the course settings file (``COURSE_SETTINGS``, default
``/etc/inside-the-feed/course.json``). Environment variables override its ports:
``HUB_IP``/``HUB_PORT`` (the public address, default ``127.0.0.1:8000``: put a TLS-terminating
reverse proxy in front of it), ``HUB_API_PORT`` (the hub's internal API, 8081) and
``PROXY_API_PORT`` (configurable-http-proxy's API, 8001).
"""

import glob
import json
import os
import sys

c = get_config()  # noqa: F821  (provided by traitlets when JupyterHub loads this file)

DEPLOY = os.path.dirname(os.path.abspath(__file__))  # noqa: F821 (traitlets sets __file__)
if DEPLOY not in sys.path:
    sys.path.insert(0, DEPLOY)

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
PORTS = {"hub": 8000, "hub_api": 8081, "proxy_api": 8001, **COURSE.get("ports", {})}


def setting(env: str, default):
    return os.environ.get(env) or default


# -- where the hub listens -------------------------------------------------------------------
c.JupyterHub.bind_url = (f"http://{setting('HUB_IP', COURSE.get('ip', '127.0.0.1'))}:"
                         f"{setting('HUB_PORT', PORTS['hub'])}")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(setting("HUB_API_PORT", PORTS["hub_api"]))
proxy_api_port = setting("PROXY_API_PORT", PORTS["proxy_api"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api_port}"
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
c.JupyterHub.spawner_class = "limits.LimitedSpawner"
c.Spawner.cmd = [COURSE["python"], "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.ip = "127.0.0.1"
# a class logging in at once on a small machine: servers can take a minute or more to start
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.mem_limit = COURSE.get("mem_limit")
c.Spawner.cpu_limit = COURSE.get("cpu_limit")
if c.Spawner.mem_limit or c.Spawner.cpu_limit:
    from limits import CgroupError, Cgroups  # noqa: E402

    try:
        Cgroups()  # fail now, with a message, rather than at the first login
    except CgroupError as err:
        raise SystemExit(str(err)) from err
# nbgrader (JupyterHubAuthPlugin) asks the hub which course groups its user is in.
c.Spawner.server_token_scopes = [
    "users:activity!user", "access:servers!server",
    "read:users:name!user", "read:users:groups!user",
]
BIN = os.path.dirname(COURSE["python"])
c.Spawner.environment = {
    "COURSE_ID": COURSE_ID,
    "NBGRADER_EXCHANGE": COURSE["exchange"],
    # the course's tools (nbgrader, alembic, jupyter) first on PATH; login shells in the
    # terminal reset PATH, so /etc/profile.d/inside-the-feed.sh puts COURSE_BIN back in front
    "COURSE_BIN": BIN,
    "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
}
if COURSE.get("data_dir"):
    c.Spawner.environment["INSIDE_THE_FEED_DATA"] = COURSE["data_dir"]


def use_role_config(spawner):
    """Point the server at the Jupyter configuration of its user's role."""
    role = "instructor" if spawner.user.name in INSTRUCTORS else "student"
    spawner.environment["JUPYTER_CONFIG_PATH"] = os.path.join(COURSE["jupyter_config"], role)


c.Spawner.pre_spawn_hook = use_role_config

# -- idle culling ------------------------------------------------------------------------------
cull = COURSE.get("cull_idle_seconds", 3600)
if cull:
    c.JupyterHub.services = [{
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={cull}",
                    f"--cull-every={max(30, min(300, cull // 4))}"],
    }]
    c.JupyterHub.load_roles = [{
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }]

# -- site-specific settings, run last in this file's namespace ---------------------------------
# (so `c.JupyterHub.services.append(...)` adds to the services above instead of replacing them)
for extra in sorted(glob.glob(os.path.join(COURSE.get("etc", "/etc/inside-the-feed"), "hub.d",
                                           "*.py"))):
    with open(extra) as fh:
        exec(compile(fh.read(), extra, "exec"), {"c": c, "COURSE": COURSE, "get_config": get_config})  # noqa: E501,F821
