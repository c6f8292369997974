"""The place index kept in the data folder: the geocoder's lookup tables in a small SQLite file,
so that a command resolves « Aurillac » with a few indexed reads instead of folding the names
of 35,000 communes at every start. Rebuilt whenever its source (the shipped referentials, the
way names are folded) changes; any trouble with the file only means building in memory."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from lba_desktop.models import Commune

FILE_NAME = "lieux.sqlite"
# Bumped whenever what the tables hold changes for the same referentials (the name folding
# of lba_desktop.text, the forms of keys the geocoder looks up).
FORMAT_VERSION = "1"
SOURCE_FILES = ("communes.csv.gz", "departements.csv", "regions.csv")

# A lookup table's kinds: a commune's INSEE code, its folded name without and with the
# leading article, a postcode.
LOOKUP_KINDS = ("insee", "key", "full", "postcode")

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE communes (
    i INTEGER PRIMARY KEY, insee TEXT NOT NULL, name TEXT NOT NULL, postcodes TEXT NOT NULL,
    departement TEXT NOT NULL, region TEXT NOT NULL, population INTEGER NOT NULL,
    lat REAL NOT NULL, lon REAL NOT NULL
);
CREATE TABLE lookups (
    kind TEXT NOT NULL, key TEXT NOT NULL, pos INTEGER NOT NULL, i INTEGER NOT NULL,
    PRIMARY KEY (kind, key, pos)
) WITHOUT ROWID;
"""


def source_key(referentials: Path) -> str:
    """What the index was built from: a digest of the referential files and the format."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for name in SOURCE_FILES:
        digest.update(name.encode())
        digest.update((referentials / name).read_bytes())
    return digest.hexdigest()


class PlaceIndexFile:
    """An open, up-to-date place index: indexed reads, one connection, read only."""

    def __init__(self, conn: sqlite3.Connection, meta: Mapping[str, str]) -> None:
        self._conn = conn
        self._meta = meta
        self.communes = _CommuneRows(conn, int(meta["communes"]))

    def lookup(self, kind: str) -> Mapping[str, list[int]]:
        return _Lookup(self._conn, kind)

    def extra(self, name: str) -> Any:
        """A JSON value stored beside the tables (the areas, their weights…)."""
        return json.loads(self._meta["extra:" + name])

    def close(self) -> None:
        self._conn.close()


def open_place_index(path: Path, key: str) -> PlaceIndexFile | None:
    """The index at `path` if it exists, is readable and was built from `key`; else None."""
    if not path.exists():
        return None
    conn = None
    try:
        # check_same_thread off: the window resolves places from its worker threads; reads only.
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        meta = dict(conn.execute("SELECT name, value FROM meta"))
        if meta.get("source") != key:
            conn.close()
            return None
        return PlaceIndexFile(conn, meta)
    except (sqlite3.Error, KeyError, ValueError):  # damaged or foreign file: rebuilt
        if conn is not None:
            conn.close()
        return None


def write_place_index(
    path: Path,
    key: str,
    communes: Sequence[Commune],
    lookups: Mapping[str, Mapping[str, Sequence[int]]],
    extras: Mapping[str, Any],
) -> bool:
    """Write the index beside `path` and rename it over: a reader sees the old file or the
    new one, two processes building at once both leave a whole file. False if it could not
    be written (full disk, read-only folder): the caller keeps its tables in memory."""
    staging = path.with_name(f"{path.name}.{os.getpid()}.building")
    try:
        staging.unlink(missing_ok=True)
        conn = sqlite3.connect(staging)
        try:
            conn.executescript(_SCHEMA)
            conn.executemany(
                "INSERT INTO communes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        i,
                        c.insee,
                        c.name,
                        " ".join(c.postcodes),
                        c.departement,
                        c.region,
                        c.population,
                        c.lat,
                        c.lon,
                    )
                    for i, c in enumerate(communes)
                ),
            )
            conn.executemany("INSERT INTO lookups VALUES (?, ?, ?, ?)", _lookup_rows(lookups))
            meta = {"extra:" + name: json.dumps(value) for name, value in extras.items()}
            meta |= {"communes": str(len(communes)), "source": key}
            conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            conn.commit()
        finally:
            conn.close()
        os.replace(staging, path)
        return True
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            staging.unlink(missing_ok=True)
        return False


def _lookup_rows(
    lookups: Mapping[str, Mapping[str, Sequence[int]]],
) -> Iterable[tuple[str, str, int, int]]:
    for kind, table in lookups.items():
        for key, ids in table.items():
            for pos, ident in enumerate(ids):
                yield kind, key, pos, ident


class _Lookup(Mapping[str, list[int]]):
    """One lookup table read on demand: key → commune numbers, in the order they were built."""

    def __init__(self, conn: sqlite3.Connection, kind: str) -> None:
        self._conn = conn
        self._kind = kind

    def __getitem__(self, key: str) -> list[int]:
        ids = [
            row[0]
            for row in self._conn.execute(
                "SELECT i FROM lookups WHERE kind = ? AND key = ? ORDER BY pos", (self._kind, key)
            )
        ]
        if not ids:
            raise KeyError(key)
        return ids

    def __iter__(self) -> Iterator[str]:
        rows = self._conn.execute(
            "SELECT DISTINCT key FROM lookups WHERE kind = ? ORDER BY key", (self._kind,)
        )
        return (row[0] for row in rows)

    def __len__(self) -> int:
        query = "SELECT COUNT(DISTINCT key) FROM lookups WHERE kind = ?"
        return self._conn.execute(query, (self._kind,)).fetchone()[0]


class _CommuneRows(Sequence[Commune]):
    """The communes by number, each read when asked for."""

    def __init__(self, conn: sqlite3.Connection, count: int) -> None:
        self._conn = conn
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        row = self._conn.execute("SELECT * FROM communes WHERE i = ?", (index,)).fetchone()
        if row is None:
            raise IndexError(index)
        _, insee, name, postcodes, departement, region, population, lat, lon = row
        return Commune(
            insee, name, tuple(postcodes.split()), departement, region, population, lat, lon
        )
