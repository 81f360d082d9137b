"""nbgrader's exchange for a shared machine: private submissions, no forgeries, mid-term fixes.

Three subclasses of nbgrader's default exchange, installed for everyone on the hub by
``deploy/nbgrader_config.py`` (``c.ExchangeFactory.<step> = ...``):

* :class:`PrivateExchangeSubmit`: nbgrader's submit leaves a submission readable by anyone who
  learns its name (files 0644, the folder name ends in a random string). Ours makes it readable
  by its student and the instructors only, and refuses to submit in another student's name
  (nbgrader's ``--student`` option would).
* :class:`CheckedExchangeCollect`: nbgrader's collect takes, for each student, the newest folder
  in ``inbound/`` named after them, and only *warns* ("cheating attempt?") when the folder belongs
  to someone else, so a classmate can replace a real submission. Ours refuses every submission
  whose folder or files are not owned by the student it names, or that holds links: it never
  reaches ``submitted/``, the student's newest genuine submission is collected instead, and the
  instructor gets one line per refusal (``REFUSED ...``).
* :class:`UpdatingExchangeFetchAssignment` and :class:`UpdatingExchangeList`: nbgrader refuses to
  fetch an assignment a student already has (``--replace`` only restores missing files), so a
  fix released mid-term never reaches them. Ours fetches again and merges, as
  :func:`course.workspace.merge_update` does for ``./run lab``: a file the student has not changed
  is replaced, a changed one is kept and the new release arrives beside it as
  ``NAME.updated.ipynb``; the fetch says which. The assignment list shows an assignment with an
  update as released again, so the *Fetch* button comes back.

Example
-------
>>> from nbgrader.exchange.default import ExchangeCollect
>>> issubclass(CheckedExchangeCollect, ExchangeCollect)
True
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from nbgrader.exchange.default import (
    ExchangeCollect,
    ExchangeFetchAssignment,
    ExchangeList,
    ExchangeSubmit,
)
from nbgrader.utils import get_username, ignore_patterns

from course.workspace import merge_update

FILE_MODE = 0o640    # owner rw, instructors' group r, others nothing
DIR_MODE = 0o750     # owner rwx, instructors' group rx, others nothing
TOP_MODE = 0o770     # the submission's folder: instructors may delete it


# -- submit ------------------------------------------------------------------------------------
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
    """nbgrader's submit, readable only by its owner and the instructors, in one's own name.

    ``inbound/`` is set-group-ID and belongs to the releasing instructor's group, so anything
    *created* in it belongs to that group; nbgrader's copy copies the student's folder mode, which
    drops that bit, so the submission is rewritten once into a fresh folder and swapped in.
    """

    def init_dest(self) -> None:
        me = get_username()
        if self.coursedir.student_id not in ("*", "", me):
            self.fail(f"You can only submit as yourself ({me}), not as "
                      f"{self.coursedir.student_id}.")
        super().init_dest()

    def copy_files(self) -> None:
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        fresh = dest + ".private"
        copy_into_group_folder(dest, fresh)
        self.set_perms(fresh, fileperms=FILE_MODE, dirperms=DIR_MODE)
        os.chmod(fresh, TOP_MODE)
        shutil.rmtree(dest)
        os.rename(fresh, dest)


# -- collect -----------------------------------------------------------------------------------
def forgery(path: str, student: str) -> str | None:
    """Why the submission folder ``path`` cannot be from ``student`` (None if it can).

    Every folder and file must belong to the student's Unix account, and none may be a link
    (a link would make the instructor's collect copy whatever it points at).

    >>> import getpass, tempfile
    >>> forgery(tempfile.mkdtemp(), getpass.getuser()) is None
    True
    >>> forgery(tempfile.mkdtemp(), "nobody")
    'its folder belongs to ...'
    """
    import pwd

    try:
        uid = pwd.getpwnam(student).pw_uid
    except KeyError:
        return f"there is no user {student!r} on this machine"

    def owner(p: str) -> str:
        st_uid = os.lstat(p).st_uid
        try:
            return pwd.getpwuid(st_uid).pw_name
        except KeyError:
            return f"uid {st_uid}"

    if os.path.islink(path) or os.lstat(path).st_uid != uid:
        return f"its folder belongs to {owner(path)}"
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            p = os.path.join(folder, name)
            rel = os.path.relpath(p, path)
            if os.path.islink(p):
                return f"{rel} is a link"
            if os.lstat(p).st_uid != uid:
                return f"{rel} belongs to {owner(p)}"
    return None


class CheckedExchangeCollect(ExchangeCollect):
    """nbgrader's collect, refusing submissions not owned by the student they name."""

    def init_src(self) -> None:
        super().init_src()
        if not self.check_owner:
            return
        # nbgrader kept one record per student (the newest, or the newest before the due date);
        # look at all of them again and keep the newest genuine one.
        import glob

        self.refused = []
        pattern = os.path.join(self.inbound_path, f"*+{self.coursedir.assignment_id}+*")
        by_student: dict[str, list[dict]] = {}
        for path in glob.glob(pattern):
            record = self._path_to_record(path)
            only = self.coursedir.student_id
            if only not in ("", "*") and record["username"] != only:
                continue
            by_student.setdefault(record["username"], []).append(record)
        chosen = {r["username"]: r for r in self.src_records}
        genuine_records = []
        for student, records in by_student.items():
            genuine = []
            for record in self._sort_by_timestamp(records):
                why = forgery(os.path.join(self.inbound_path, record["filename"]), student)
                if why is None:
                    genuine.append(record)
                else:
                    self.refused.append(record["filename"])
                    self.log.error(
                        "REFUSED %s: it claims to be %s's submission but %s; it was not "
                        "collected (a forgery: look at who made it)", record["filename"],
                        student, why)
            if not genuine:
                continue
            first = chosen.get(student)
            if first is not None and first in genuine:
                genuine_records.append(first)
            else:
                genuine_records.append(genuine[0])
        self.src_records = genuine_records


# -- fetch and list with updates ----------------------------------------------------------------
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class UpdatesMixin:
    """Where a student's record of what they fetched lives (outside the assignment folder, so
    it is never submitted): ``$JUPYTER_DATA_DIR/course-fetched/<course>/<assignment>.json``."""

    def state_path(self, assignment_id: str | None = None) -> Path:
        return (Path(jupyter_data_dir()) / "course-fetched" / self.coursedir.course_id
                / f"{assignment_id or self.coursedir.assignment_id}.json")

    def released_files(self, src: Path) -> dict[str, Path]:
        """relative path -> file, for every file of a release nbgrader would copy."""
        ignore = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                 max_file_size=self.coursedir.max_file_size, log=self.log)
        files = {}
        for folder, dirs, names in os.walk(src):
            skipped = ignore(folder, dirs + names)
            dirs[:] = [d for d in dirs if d not in skipped]
            for name in names:
                if name not in skipped:
                    p = Path(folder) / name
                    files[p.relative_to(src).as_posix()] = p
        return files

    def load_state(self, assignment_id: str | None = None) -> dict[str, dict[str, str]]:
        """relative path -> {"given": digest of the release last copied into the student's
        file, "seen": digest of the newest release the student received (there or beside)}."""
        path = self.state_path(assignment_id)
        return json.loads(path.read_text()) if path.exists() else {}

    def save_state(self, state: dict[str, dict[str, str]]) -> None:
        path = self.state_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")


class UpdatingExchangeFetchAssignment(UpdatesMixin, ExchangeFetchAssignment):
    """nbgrader's fetch; fetching again brings a corrected release without losing any work."""

    def init_dest(self) -> None:
        self.replace_missing_files = True  # never "You already have a copy"
        super().init_dest()

    def copy_files(self) -> None:
        src, dest = Path(self.src_path), Path(self.dest_path)
        first = not dest.is_dir()
        state = self.load_state()
        if first:
            state = {}
        replaced, beside = [], []
        for rel, released in sorted(self.released_files(src).items()):
            mine = dest / rel
            had = mine.exists()
            record = state.get(rel, {})
            target, digest = merge_update(released, mine, record.get("given"))
            if target == mine:
                record["given"] = digest  # what is now in the student's file
            record["seen"] = digest       # the newest release the student has received
            state[rel] = record
            if target == mine and had:
                replaced.append(rel)
            elif target is not None and target != mine:
                beside.append((rel, target.name))
        self.save_state(state)
        where = os.path.relpath(dest, os.getcwd())
        if first:
            self.log.info("Fetched %s into %s", self.coursedir.assignment_id, where)
            return
        for rel in replaced:
            self.log.warning("Updated %s: the corrected release replaced your copy, which you "
                             "had not changed", rel)
        for rel, name in beside:
            self.log.warning("Updated %s: you have changed your copy, so it stays as it is and "
                             "the corrected release was saved beside it as %s; copy across "
                             "what you need", rel, name)
        if not replaced and not beside:
            self.log.info("%s is up to date: no new release since you fetched it",
                          self.coursedir.assignment_id)


class UpdatingExchangeList(UpdatesMixin, ExchangeList):
    """nbgrader's list; a fetched assignment with a newer release shows as released again."""

    def update_available(self, info: dict) -> bool:
        if self.inbound or self.cached or info.get("status") != "fetched":
            return False
        src = Path(self.root) / info["course_id"] / "outbound" / info["assignment_id"]
        saved, self.coursedir.course_id = self.coursedir.course_id, info["course_id"]
        try:
            state = self.load_state(info["assignment_id"])
        finally:
            self.coursedir.course_id = saved
        if not state or not src.is_dir():
            return False
        return any(state.get(rel, {}).get("seen") != _digest(p)
                   for rel, p in self.released_files(src).items())

    def parse_assignments(self) -> list[dict]:
        assignments = super().parse_assignments()
        for info in assignments:
            if self.update_available(info):
                info["status"] = "released"
                info["update_available"] = True
                info["path"] = os.path.join(self.root, info["course_id"], "outbound",
                                            info["assignment_id"])
                info["notebooks"] = [
                    {"notebook_id": p.stem, "path": str(p)}
                    for p in sorted(Path(info["path"]).glob("*.ipynb"))]
        return assignments

    def format_outbound_assignment(self, info: dict) -> str:
        if info.get("update_available"):
            return (f"{info['course_id']} {info['assignment_id']} (updated since you fetched "
                    "it: fetch again; your work is kept)")
        return super().format_outbound_assignment(info)
