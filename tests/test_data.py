"""MovieLens 100K: loaders, known quirks, checksums and the messages that say what to do."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from course import data


def test_ratings_are_tidy():
    r = data.load_ratings()
    assert r.shape == (100_000, 4)
    assert list(r.columns) == ["user", "item", "rating", "timestamp"]
    assert r["user"].nunique() == 943 and r["item"].nunique() == 1682
    assert pd.api.types.is_datetime64_any_dtype(r["timestamp"])
    assert r["timestamp"].min().year == 1997 and r["timestamp"].max().year == 1998
    assert r["rating"].mean() == pytest.approx(3.52986, abs=1e-5)
    assert r["rating"].value_counts().sort_index().tolist() == [6110, 11370, 27145, 34174, 21201]


def test_movies_quirks_are_handled():
    m = data.load_movies().set_index("item")
    assert len(m) == 1682
    assert m.loc[127, "title"] == "The Godfather" and m.loc[127, "year"] == 1972
    assert m.loc[267, "title"] == "unknown" and pd.isna(m.loc[267, "year"])
    assert m.loc[1, "genres"] == ("Animation", "Children's", "Comedy")
    assert not m["title"].str.contains(r", The$|\(\d{4}\)$").any()
    assert m["year"].isna().sum() == 1


def test_users_keep_canadian_zip_codes_as_text():
    u = data.load_users()
    assert len(u) == 943 and set(u["gender"]) == {"M", "F"}
    assert u["zip_code"].str.contains(r"[A-Z]").any()
    assert u["occupation"].nunique() == 21


def test_genre_matrix():
    g = data.genre_matrix()
    assert g.shape == (1682, 19) and list(g.columns) == data.GENRES
    assert g.loc[1, ["Animation", "Children's", "Comedy"]].tolist() == [1, 1, 1]
    assert g.to_numpy().sum(axis=1).min() >= 1
    assert g["Drama"].sum() == 725
    with pytest.raises(ValueError, match="GENRES"):
        data.genre_matrix(pd.DataFrame({"item": [1], "genres": [("Romcom",)]}))


@pytest.mark.parametrize("raw, expected", [
    ("Godfather, The (1972)", ("The Godfather", 1972)),
    ("Godfather: Part II, The", ("The Godfather: Part II", None)),
    ("Toy Story (1995)", ("Toy Story", 1995)),
    ("unkonwn", ("unknown", None)),
    ("Enfer, L' (1994)", ("L'Enfer", 1994)),
])
def test_tidy_title(raw, expected):
    assert data.tidy_title(raw) == expected


def test_missing_dataset_names_the_fetch_command(tmp_path, monkeypatch):
    monkeypatch.setenv("INSIDE_THE_FEED_DATA", str(tmp_path))
    data.load_table.cache_clear()
    try:
        with pytest.raises(data.MissingDataError, match="course-fetch-data"):
            data.load_ratings()
        assert not data.is_fetched()
    finally:
        data.load_table.cache_clear()


def test_corrupt_dataset_is_detected(tmp_path, monkeypatch):
    shutil.copytree(data.movielens_dir(), tmp_path / "ml-100k")
    path = tmp_path / "ml-100k" / "ratings.csv"
    path.write_text(path.read_text().replace("196,242,3", "196,242,5", 1))
    monkeypatch.setenv("INSIDE_THE_FEED_DATA", str(tmp_path))
    data.load_table.cache_clear()
    try:
        with pytest.raises(data.MissingDataError, match="--force"):
            data.load_ratings()
    finally:
        data.load_table.cache_clear()


def _as_grouplens(folder):
    """Write the normalised data back in GroupLens' own file formats."""
    r, m, u = data.load_ratings(), data.load_movies(), data.load_users()
    out = r.assign(timestamp=r["timestamp"].astype("int64") // 10**6)
    out.to_csv(folder / "u.data", sep="\t", header=False, index=False)
    article = m["title"].str.extract(r"^(The|A|An) (.*)$")
    title = np.where(article[0].notna(), article[1] + ", " + article[0], m["title"])
    title = [t if pd.isna(y) else f"{t} ({y})" for t, y in zip(title, m["year"], strict=True)]
    date = [("" if pd.isna(y) else f"01-Jan-{y}") for y in m["year"]]
    flags = data.genre_matrix(m).to_numpy()
    rows = [[i, t, d, "", "http://example"] + list(f)
            for i, t, d, f in zip(m["item"], title, date, flags, strict=True)]
    pd.DataFrame(rows).to_csv(folder / "u.item", sep="|", header=False, index=False,
                              encoding="latin-1")
    u.to_csv(folder / "u.user", sep="|", header=False, index=False)


def test_grouplens_files_normalise_to_the_same_tables(tmp_path):
    _as_grouplens(tmp_path)
    tables = data._from_grouplens(tmp_path)
    data._validate(tables)
    movies = tables["movies"].assign(genres=lambda d: d["genres"].str.split("|").map(tuple))
    pd.testing.assert_frame_equal(movies.reset_index(drop=True), data.load_movies(),
                                  check_dtype=False)
    assert tables["ratings"]["rating"].tolist() == data.load_ratings()["rating"].tolist()


@pytest.fixture
def offline_copy(tmp_path, monkeypatch):
    """A data folder holding only the recbole wheel, with GroupLens out of reach."""
    wheel = data.data_dir() / "downloads" / data.RECBOLE_WHEEL
    if not wheel.exists():
        pytest.skip("the recbole wheel is fetched by ./run setup")
    (tmp_path / "downloads").mkdir()
    shutil.copy(wheel, tmp_path / "downloads")
    monkeypatch.setenv("INSIDE_THE_FEED_DATA", str(tmp_path))

    def offline(progress):
        raise ConnectionError("no route to GroupLens")

    monkeypatch.setattr(data, "_fetch_grouplens", offline)
    return tmp_path


def test_fetch_falls_back_to_the_wheel_and_verifies_it(offline_copy, monkeypatch):
    tmp_path = offline_copy
    data.load_table.cache_clear()
    try:
        folder = data.fetch_movielens(progress=False)
        assert (folder / "MANIFEST.json").exists() and data.is_fetched()
        assert len(data.load_ratings()) == 100_000
        # a damaged wheel is refused, deleted, and the error says what to do
        bad = tmp_path / "downloads" / data.RECBOLE_WHEEL
        bad.write_bytes(b"not a wheel")
        monkeypatch.setattr(data.subprocess, "run",
                            lambda cmd, **k: data.subprocess.CompletedProcess(cmd, 0, "", ""))
        with pytest.raises(data.MissingDataError, match="then run course-fetch-data"):
            data.fetch_movielens(progress=False, force=True)
        assert not bad.exists()
    finally:
        data.load_table.cache_clear()


def test_quiet_fetch_says_once_which_source_it_used(offline_copy, monkeypatch, capsys):
    """``./run`` fetches with --quiet: the first fetch still names its source (and why an earlier
    source failed), in a line or two; later runs, with the data present, print nothing."""
    data.load_table.cache_clear()
    try:
        assert data.main(["fetch", "--quiet"]) == 0
        out, err = capsys.readouterr()
        assert out.strip().endswith("(from PyPI wheel recbole==1.2.1)")
        assert err.strip() == ("MovieLens 100K: could not fetch GroupLens ml-100k.zip "
                               "(ConnectionError); trying the next source")
        assert data.main(["fetch", "--quiet"]) == 0
        assert capsys.readouterr() == ("", "")
    finally:
        data.load_table.cache_clear()
