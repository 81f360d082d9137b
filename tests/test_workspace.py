"""Setup and updates never overwrite what a learner wrote in work/."""

from __future__ import annotations

from course.workspace import sync


def _release(root, text):
    path = root / "notebooks" / "01-x" / "01-x.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_first_sync_copies_and_second_is_a_no_op(tmp_path):
    _release(tmp_path, "release 1")
    assert len(sync(tmp_path / "notebooks", tmp_path / "work", quiet=True)) == 1
    assert sync(tmp_path / "notebooks", tmp_path / "work", quiet=True) == []
    assert (tmp_path / "work" / "01-x" / "01-x.ipynb").read_text() == "release 1"


def test_update_keeps_learner_work_and_adds_the_new_version(tmp_path):
    _release(tmp_path, "release 1")
    sync(tmp_path / "notebooks", tmp_path / "work", quiet=True)
    mine = tmp_path / "work" / "01-x" / "01-x.ipynb"
    mine.write_text("release 1 + my answers")
    _release(tmp_path, "release 2")
    written = sync(tmp_path / "notebooks", tmp_path / "work", quiet=True)
    assert mine.read_text() == "release 1 + my answers"
    assert [p.name for p in written] == ["01-x.updated.ipynb"]
    assert (mine.parent / "01-x.updated.ipynb").read_text() == "release 2"
    assert sync(tmp_path / "notebooks", tmp_path / "work", quiet=True) == []


def test_untouched_copy_is_refreshed(tmp_path):
    _release(tmp_path, "release 1")
    sync(tmp_path / "notebooks", tmp_path / "work", quiet=True)
    _release(tmp_path, "release 2")
    sync(tmp_path / "notebooks", tmp_path / "work", quiet=True)
    assert (tmp_path / "work" / "01-x" / "01-x.ipynb").read_text() == "release 2"
    assert not (tmp_path / "work" / "01-x" / "01-x.updated.ipynb").exists()
