"""Your own copy of the course notebooks, which updates never overwrite.

``./run lab`` opens JupyterLab on ``work/``, not on ``notebooks/``: the student versions in
``notebooks/`` belong to the course and change when it is updated (``git pull``), while ``work/``
holds what you write. :func:`sync` copies each released notebook into ``work/`` the first time and,
after an update, only ever *adds* files:

* a notebook you have not opened yet (byte-identical to the release you were given) is replaced
  by the new release (nothing of yours is lost);
* a notebook you have changed is left alone, and the new release is saved beside it as
  ``<name>.updated.ipynb`` so you can compare and copy across what you want.

Example
-------
>>> from pathlib import Path
>>> import tempfile
>>> tmp = Path(tempfile.mkdtemp())
>>> (tmp / "notebooks" / "00-a").mkdir(parents=True)
>>> _ = (tmp / "notebooks" / "00-a" / "00-a.ipynb").write_text("v1")
>>> [p.name for p in sync(tmp / "notebooks", tmp / "work", quiet=True)]
['00-a.ipynb']
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = ".course-sync.json"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def updated_name(path: Path) -> Path:
    """Where an update of ``path`` goes when the learner has changed it: ``NAME.updated.EXT``.

    >>> updated_name(Path("01-x/01-x.ipynb")).name
    '01-x.updated.ipynb'
    """
    return path.with_name(f"{path.stem}.updated{path.suffix}")


def merge_update(released: Path, mine: Path, given: str | None) -> tuple[Path | None, str]:
    """Bring one released file to ``mine`` without overwriting the learner's changes.

    ``given`` is the digest of the release the learner last received at ``mine`` (None if
    unknown). Returns ``(target, digest)``: the file written (``mine``, its
    :func:`updated_name`, or None when there was nothing new) and the released file's digest.
    The caller records ``digest`` as given when ``target == mine``.
    """
    new_digest = _digest(released)
    if not mine.exists():
        target = mine
    elif given == new_digest:
        return None, new_digest  # no update since it was last given
    elif given is not None and _digest(mine) == given:
        target = mine  # untouched by the learner: safe to refresh
    elif given is None and _digest(mine) == new_digest:
        return None, new_digest  # same content, nothing recorded yet
    else:
        target = updated_name(mine)
        if target.exists() and _digest(target) == new_digest:
            return None, new_digest
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(released, target)
    return target, new_digest


def sync(release_dir: Path = ROOT / "notebooks", work_dir: Path = ROOT / "work",
         quiet: bool = False) -> list[Path]:
    """Bring new or updated releases into ``work_dir`` without overwriting learner changes.

    Returns the files written.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    state_path = work_dir / STATE
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    written = []
    for released in sorted(release_dir.glob("*/*.ipynb")):
        if ".ipynb_checkpoints" in released.parts:
            continue
        rel = released.relative_to(release_dir).as_posix()
        mine = work_dir / rel
        target, digest = merge_update(released, mine, state.get(rel))
        if target is None:
            continue
        written.append(target)
        if target == mine:
            state[rel] = digest
        elif not quiet:
            print(f"{rel}: you have changed your copy, so the updated version was saved "
                  f"beside it as {target.name}")
    state_path.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")
    if not quiet:
        print(f"work/ is up to date ({len(written)} file(s) added).")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.workspace")
    parser.add_argument("command", choices=["sync"])
    parser.add_argument("--work", type=Path, default=ROOT / "work")
    args = parser.parse_args(argv)
    sync(ROOT / "notebooks", args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
