"""Submissions only the course's instructors can read, even by someone who knows their path.

nbgrader's default exchange makes each submission in ``inbound/`` readable by every user
(files 0644, folder 0777) and relies on the folder's name, which ends in a random string, staying
secret (``inbound/`` cannot be listed). :class:`PrivateExchangeSubmit` submits as nbgrader does,
then closes the submission to everyone but its owner and the instructors:

* ``inbound/`` is set-group-ID and belongs to the releasing instructor's group, so anything
  *created* in it belongs to that group. nbgrader's copy also copies the student's folder mode,
  which drops that bit before it writes ``timestamp.txt`` and ``submission_secret.txt``; so the
  submission is rewritten once into a fresh folder (created, not copied: every file gets the
  instructors' group) and swapped in;
* then files become 0640 and folders 0750 (the submission's own folder 0770, so instructors can
  still remove it): no other student can read it, even knowing its name.

``deploy/nbgrader_config.py`` installs it for everyone on the hub; the end-to-end test checks a
student cannot read a classmate's submission at its exact path, and the instructor still
collects and grades it.

Example
-------
>>> from nbgrader.exchange.default import ExchangeSubmit
>>> issubclass(PrivateExchangeSubmit, ExchangeSubmit)
True
"""

from __future__ import annotations

import os
import shutil

from nbgrader.exchange.default import ExchangeSubmit

FILE_MODE = 0o640    # owner rw, instructors' group r, others nothing
DIR_MODE = 0o750     # owner rwx, instructors' group rx, others nothing
TOP_MODE = 0o770     # the submission's folder: instructors may delete it


def copy_into_group_folder(src: str, dest: str) -> None:
    """Copy the tree ``src`` to a new ``dest`` creating every folder and file afresh, so that
    they take the group of a set-group-ID parent (unlike ``shutil.copytree``, which copies
    modes)."""
    os.mkdir(dest)
    for folder, dirs, files in os.walk(src):
        target = os.path.join(dest, os.path.relpath(folder, src))
        for name in dirs:
            os.mkdir(os.path.join(target, name))
        for name in files:
            shutil.copyfile(os.path.join(folder, name), os.path.join(target, name))


class PrivateExchangeSubmit(ExchangeSubmit):
    """nbgrader's submit, with the submission readable only by its owner and the instructors."""

    def copy_files(self) -> None:
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        fresh = dest + ".private"
        copy_into_group_folder(dest, fresh)
        self.set_perms(fresh, fileperms=FILE_MODE, dirperms=DIR_MODE)
        os.chmod(fresh, TOP_MODE)
        shutil.rmtree(dest)
        os.rename(fresh, dest)
