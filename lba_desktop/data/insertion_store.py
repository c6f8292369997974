"""InserJeunes rates in the catalogue: the `insertion_rates` table, and their join onto each
training (by the CFA's UAI and the diploma's CFD, with the région's and France's figure for
the same diploma) into the training's `details["insertion"]`, so every output reads them.

Since catalogue schema 10 the join happens when a training's details are read
(`InsertionReader`): the file keeps each rate once, in its table, instead of a copy per
training (15 MB of the demo catalogue), and new rates reach every training at once. Files of
older schemas were joined when written (`join_insertion`)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from lba_desktop.data.parsers.inserjeunes import RATES, InsertionRow
from lba_desktop.data.referentials import load_departements, load_regions

TABLE = "insertion_rates"
MAX_LEVEL = 5  # InserJeunes covers CAP to BTS (levels 3 to 5)
META_MILLESIME = "inserjeunes_millesime"
META_FICTITIOUS = "inserjeunes_fictitious"

# Why a training shows no rate of its own (the sentences are in lba_desktop/insertion.py).
STATUS_OK = "ok"
STATUS_NO_UAI = "no_uai"
STATUS_NO_CFD = "no_cfd"
STATUS_ABOVE_BTS = "above_bts"
STATUS_NO_ROW = "no_row"

_COLUMNS = (
    "level",
    "uai",
    "region",
    "cfd",
    "millesime",
    "diploma_type",
    "label",
    "cfa",
    "leavers",
    *RATES,
    "missing",
    "fictitious",
)


def create_insertion_table(conn: sqlite3.Connection) -> None:
    rates = ", ".join(f"{name} REAL" for name in RATES)
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (level TEXT NOT NULL, uai TEXT NOT NULL, "
        "region TEXT NOT NULL, cfd TEXT NOT NULL, millesime TEXT NOT NULL, diploma_type TEXT, "
        f"label TEXT, cfa TEXT, leavers INTEGER, {rates}, missing TEXT, "
        "fictitious INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (level, uai, region, cfd)) "
        "WITHOUT ROWID"
    )


def _row(row: InsertionRow, fictitious: bool) -> tuple[Any, ...]:
    return (
        row.level,
        row.uai,
        row.region,
        row.cfd,
        row.millesime,
        row.diploma_type,
        row.label,
        row.cfa,
        row.leavers,
        *(row.rates.get(name) for name in RATES),
        orjson.dumps(dict(row.missing)).decode(),
        int(fictitious),
    )


def held_millesime(conn: sqlite3.Connection, level: str) -> str:
    found = conn.execute(f"SELECT max(millesime) FROM {TABLE} WHERE level = ?", (level,))
    return found.fetchone()[0] or ""


def replace_level(
    conn: sqlite3.Connection, level: str, rows: Iterable[InsertionRow], *, fictitious: bool = False
) -> int:
    """Put one file's rows in place of the level's rows; returns how many were written."""
    conn.execute(f"DELETE FROM {TABLE} WHERE level = ?", (level,))
    marks = ", ".join("?" for _ in _COLUMNS)
    cursor = conn.executemany(
        f"INSERT OR REPLACE INTO {TABLE} ({', '.join(_COLUMNS)}) VALUES ({marks})",
        [_row(r, fictitious) for r in rows if r.level == level],
    )
    return cursor.rowcount


def copy_insertion(conn: sqlite3.Connection, schema: str, *, levels: Iterable[str]) -> int:
    """Copy the given levels' rows from an attached catalogue (`schema`) that has the table."""
    found = conn.execute(
        f"SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone()
    chosen = list(levels)
    if not found or not chosen:
        return 0
    marks = ", ".join("?" for _ in chosen)
    cols = ", ".join(_COLUMNS)
    return conn.execute(
        f"INSERT OR REPLACE INTO main.{TABLE} ({cols}) SELECT {cols} FROM {schema}.{TABLE} "
        f"WHERE level IN ({marks})",
        chosen,
    ).rowcount


def _figures(row: sqlite3.Row | tuple[Any, ...]) -> dict[str, Any]:
    values = dict(zip(_COLUMNS, row, strict=True))
    missing = orjson.loads(values["missing"] or "{}")
    figures: dict[str, Any] = {"millesime": values["millesime"]}
    for name in RATES:
        if values[name] is not None:
            figures[name] = values[name]
    if missing:
        figures["missing"] = missing
    if values["leavers"] is not None:
        figures["leavers"] = values["leavers"]
    return figures


def _load(conn: sqlite3.Connection) -> tuple[dict[tuple[str, str], Any], ...]:
    cfa: dict[tuple[str, str], Any] = {}
    region: dict[tuple[str, str], Any] = {}
    national: dict[tuple[str, str], Any] = {}
    for row in conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM {TABLE}"):
        level, uai, reg, cfd = row[0], row[1], row[2], row[3]
        if level == "etablissement":
            cfa[(uai, cfd)] = row
        elif level == "region":
            region[(reg, cfd)] = row
        else:
            national[("", cfd)] = row
    return cfa, region, national


def insertion_block(
    details: Mapping[str, Any],
    diploma_level: int | None,
    region_code: str,
    tables: tuple[dict[tuple[str, str], Any], ...],
    region_names: Mapping[str, str],
) -> dict[str, Any]:
    """What the details, exports and PDF show for one training."""
    cfa_rows, region_rows, national_rows = tables
    uai = str(details.get("uai") or "").strip().upper()
    cfd = str(details.get("cfd") or "").strip().upper()
    block: dict[str, Any] = {}
    if diploma_level is not None and diploma_level > MAX_LEVEL:
        block["status"] = STATUS_ABOVE_BTS
        return block
    if not cfd:
        block["status"] = STATUS_NO_CFD
        return block
    own = cfa_rows.get((uai, cfd)) if uai else None
    block["status"] = STATUS_OK if own else (STATUS_NO_UAI if not uai else STATUS_NO_ROW)
    fictitious = False
    if own:
        block["cfa"] = _figures(own)
        fictitious = bool(own[-1])
        if own[5]:
            block["diploma_type"] = own[5]
    reg = region_rows.get((region_code, cfd))
    if reg:
        block["region"] = {**_figures(reg), "code": region_code,
                           "name": region_names.get(region_code, region_code)}  # fmt: skip
        fictitious = fictitious or bool(reg[-1])
    nat = national_rows.get(("", cfd))
    if nat:
        block["national"] = _figures(nat)
        fictitious = fictitious or bool(nat[-1])
        block.setdefault("diploma_type", nat[5] or "")
    if fictitious:
        block["fictitious"] = True
    return block


def join_insertion(conn: sqlite3.Connection) -> int:
    """Write `details["insertion"]` on every training; returns how many have a rate of their
    own. Without any InserJeunes data in the file, trainings are left as they are."""
    present = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone()
    if not present or conn.execute(f"SELECT 1 FROM {TABLE} LIMIT 1").fetchone() is None:
        return 0
    tables = _load(conn)
    region_of = {code: dep.region for code, dep in load_departements().items()}
    region_names = {code: region.name for code, region in load_regions().items()}
    updates: list[tuple[str, int]] = []
    own = 0
    for rowid, departement, level, raw in conn.execute(
        "SELECT rowid, departement, diploma_level, details FROM items WHERE kind = 'formation'"
    ):
        details = orjson.loads(raw) if raw else {}
        block = insertion_block(
            details, level, region_of.get(departement or "", ""), tables, region_names
        )
        own += block["status"] == STATUS_OK
        details["insertion"] = block
        updates.append((orjson.dumps(details).decode(), rowid))
    conn.executemany("UPDATE items SET details = ? WHERE rowid = ?", updates)
    return own


# Each level's rows by the key `insertion_block` asks for; the other columns of the primary key
# are "" at that level (parsers.inserjeunes, demo_insertion), so every lookup is one seek.
_LOOKUPS = {
    "etablissement": "level = 'etablissement' AND uai = ? AND region = ? AND cfd = ?",
    "region": "level = 'region' AND uai = '' AND region = ? AND cfd = ?",
    "national": "level = 'national' AND uai = '' AND region = ? AND cfd = ?",
}


class _LevelRows:
    """One level's rows as `insertion_block` reads them (`.get(key)`), looked up on demand."""

    __slots__ = ("_cache", "_reader", "_sql")

    def __init__(self, reader: InsertionReader, level: str) -> None:
        self._reader = reader
        self._sql = f"SELECT {', '.join(_COLUMNS)} FROM {TABLE} WHERE {_LOOKUPS[level]}"
        if level == "etablissement":
            # A CFA's rows carry its région, which the training does not give: any région,
            # the last in key order as the join of earlier versions kept.
            self._sql = self._sql.replace("AND region = ? ", "") + " ORDER BY region DESC LIMIT 1"
        self._cache: dict[tuple[str, str], tuple[Any, ...] | None] = {}

    def get(self, key: tuple[str, str]) -> tuple[Any, ...] | None:
        if key in self._cache:
            return self._cache[key]
        found = self._reader.fetch_one(self._sql, key)
        self._cache[key] = found
        return found


class InsertionReader:
    """The `details["insertion"]` block of a catalogue's trainings, computed from its rates
    table when a training's details are first read.

    It has its own read-only connection and lock: details are read on any thread, sometimes
    while the store's lock is held by the same thread (a search filtering its hits).
    """

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._uri = f"file:{path}?mode=ro"
        self._conn: sqlite3.Connection | None = None
        self._present = False
        try:
            conn = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
            present = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
            ).fetchone()
            self._present = bool(present) and bool(
                conn.execute(f"SELECT 1 FROM {TABLE} LIMIT 1").fetchone()
            )
        except sqlite3.DatabaseError:
            return  # the store reports an unreadable file; its trainings show no rates
        if not self._present:
            conn.close()
            return
        self._conn = conn
        self._tables = (
            _LevelRows(self, "etablissement"),
            _LevelRows(self, "region"),
            _LevelRows(self, "national"),
        )

    @property
    def present(self) -> bool:
        """Whether the file holds any rate (without, trainings have no block at all)."""
        return self._present

    def fetch_one(self, sql: str, key: tuple[str, str]) -> tuple[Any, ...] | None:
        with self._lock:
            try:
                if self._conn is not None:
                    return self._conn.execute(sql, key).fetchone()
                # Items outlive their store (an export reads them once it is closed): a
                # connection for this lookup only, so no file stays open behind the store.
                conn = sqlite3.connect(self._uri, uri=True)
                try:
                    return conn.execute(sql, key).fetchone()
                finally:
                    conn.close()
            except sqlite3.Error:
                return None  # a file gone or damaged under a reader: no rate rather than a crash

    def complete(self, details: dict[str, Any], level: int | None, departement: str) -> None:
        """Add the training's block to its decoded `details` (nothing when the file has no rate)."""
        if not self._present:
            return
        region = _region_of().get(departement or "", "")
        details["insertion"] = insertion_block(
            details, level, region, self._tables, _region_names()
        )

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


@lru_cache(maxsize=1)
def _region_of() -> dict[str, str]:
    return {code: dep.region for code, dep in load_departements().items()}


@lru_cache(maxsize=1)
def _region_names() -> dict[str, str]:
    return {code: region.name for code, region in load_regions().items()}
