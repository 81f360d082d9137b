# /etc/profile.d/inside-the-feed.sh (installed by deploy/setup_course.py)
# JupyterLab's terminal starts a login shell, and Debian's /etc/profile resets PATH; put the
# course's tools (nbgrader, jupyter, python) back in front for servers the hub started.
if [ -n "${COURSE_BIN:-}" ]; then
  case ":$PATH:" in
    *":$COURSE_BIN:"*) ;;
    *) PATH="$COURSE_BIN:$PATH"; export PATH ;;
  esac
fi
