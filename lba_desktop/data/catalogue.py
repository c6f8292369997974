"""The catalogue database: bulk writing and read access (schema: catalogue_schema, searches:
catalogue_search).

One `items` table holds the four kinds (formation, offre, entreprise, partenariat): they share
almost every column a search filters on, and one table keeps one FTS index. Rows are stored by
kind and map cell, so that the items around a place share pages and a box is a few rowid
ranges. `item_romes` repeats each item once per ROME code with its kind, position, unit
vector and filtered columns, so a "métier around a point" query is a few range scans on one
covering index (rome, kind, band, lon, lat); `band` is a 0.25° latitude strip, so a box is
read strip by strip over its own longitudes only, not across the whole width of France.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any

import orjson

from lba_desktop.data.bulk import gc_paused
from lba_desktop.data.catalogue_schema import (
    CELL,
    SCHEMA_VERSION,
    create_place_index,
    ensure_math_functions,
    fill_certification_index,
    fill_rome_index,
    fill_search_tables,
    migrate,
)
from lba_desktop.data.catalogue_search import Area, ItemFilter, NearestSearch
from lba_desktop.data.insertion_store import InsertionReader, join_insertion
from lba_desktop.data.lru_cache import LruCache
from lba_desktop.data.storage import catalogue_error as storage_error
from lba_desktop.data.storage import translated
from lba_desktop.data.territory import build_territory
from lba_desktop.errors import CatalogueError
from lba_desktop.models import Item, Kind

KM_PER_DEGREE = 111.195  # mean Earth radius 6371.0 km × π / 180

ITEM_COLUMNS: tuple[str, ...] = (
    "kind",
    "id",
    "title",
    "organisation",
    "address",
    "commune",
    "insee",
    "postcode",
    "departement",
    "lat",
    "lon",
    "romes",
    "diploma_level",
    "source",
    "created",
    "updated",
    "phone",
    "email",
    "url",
    "siret",
    "opco",
    "handi_friendly",
    "fictitious",
    "details",
)
_SELECT_ITEM = "SELECT " + ", ".join(f"i.{c}" for c in ITEM_COLUMNS)
_INSERT_ITEM = (
    f"INSERT OR REPLACE INTO items ({', '.join(ITEM_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in ITEM_COLUMNS)})"
)


# --- Row conversion ----------------------------------------------------------------------


def item_to_row(item: Item) -> tuple[Any, ...]:
    return (
        item.kind._value_,  # the member's plain attribute: `.value` is a Python-level property
        item.id,
        item.title,
        item.organisation,
        item.address,
        item.commune,
        item.insee,
        item.postcode,
        item.departement,
        item.lat,
        item.lon,
        " ".join(item.romes),
        item.diploma_level,
        item.source,
        item.created.isoformat() if item.created else None,
        item.updated.isoformat() if item.updated else None,
        item.phone,
        item.email,
        item.url,
        item.siret,
        item.opco,
        int(item.handi_friendly),
        int(item.fictitious),
        _details_json(item.details),
    )


# The training codes `training_romes_by` reads from the details (checked: they go into SQL).
_TRAINING_CODES = frozenset({"rncp_code", "cfd"})


class StoredDetails(Mapping[str, Any]):
    """An item's `details` as stored: decoded on first read. A search materialises hundreds of
    items of which a person opens one, so decoding every JSON text up front is wasted work."""

    __slots__ = ("_complete", "_decoded", "raw")

    def __init__(self, raw: str, complete: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.raw = raw  # as stored: what a copy into another catalogue writes
        self._decoded: dict[str, Any] | None = None
        self._complete = complete  # adds what is read from other tables (a training's rates)

    def _data(self) -> dict[str, Any]:
        if self._decoded is None:
            decoded = orjson.loads(self.raw)
            if self._complete is not None:
                self._complete(decoded)
            self._decoded = decoded
        return self._decoded

    def __getitem__(self, key: str) -> Any:
        return self._data()[key]

    def get(self, key: str, default: Any = None) -> Any:
        # The inherited `Mapping.get` goes through `__getitem__` and a KeyError per missing
        # key: it was 40 % of an API request that shapes ~100 items.
        return self._data().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def __repr__(self) -> str:
        return repr(self._data())


_EMPTY_DETAILS: Mapping[str, Any] = MappingProxyType({})
_KINDS = {kind.value: kind for kind in Kind}


def _details_json(details: Mapping[str, Any]) -> str | None:
    if isinstance(details, StoredDetails):
        return details.raw if details.raw != "{}" else None  # as stored, rates left out
    if not details:
        return None
    # orjson is ~10x faster than json.dumps here (a third of add_items); it only takes a plain
    # dict with string keys and 64-bit integers, so anything else goes the slow, general way.
    try:
        return orjson.dumps(details if type(details) is dict else dict(details)).decode()
    except TypeError:
        return json.dumps(dict(details), ensure_ascii=False, separators=(",", ":"))


def row_to_item(row: Sequence[Any], insertion: InsertionReader | None = None) -> Item:
    """The item of a row of `items`; a training read with its catalogue's `insertion` reader
    shows its InserJeunes rates in `details["insertion"]` (schema 10 keeps them in their table)."""
    (
        kind,
        id_,
        title,
        organisation,
        address,
        commune,
        insee,
        postcode,
        departement,
        lat,
        lon,
        romes,
        diploma_level,
        source,
        created,
        updated,
        phone,
        email,
        url,
        siret,
        opco,
        handi,
        fictitious,
        details,
    ) = row
    # Positional arguments, in the field order of `Item`: this runs for every search result.
    return Item(
        _KINDS[kind],
        id_,
        title or "",
        organisation or "",
        address or "",
        commune or "",
        insee or "",
        postcode or "",
        departement or "",
        lat,
        lon,
        tuple(romes.split()) if romes else (),
        diploma_level,
        source or "",
        date.fromisoformat(created) if created else None,
        date.fromisoformat(updated) if updated else None,
        phone or "",
        email or "",
        url or "",
        siret or "",
        opco or "",
        bool(handi),
        bool(fictitious),
        _details_of(details, kind, diploma_level, departement, insertion),
    )


def _details_of(
    raw: str | None,
    kind: str,
    level: int | None,
    departement: str | None,
    insertion: InsertionReader | None,
) -> Mapping[str, Any]:
    if insertion is not None and kind == "formation" and insertion.present:
        complete = partial(_complete_training, insertion, level, departement or "")
        return StoredDetails(raw or "{}", complete)
    return StoredDetails(raw) if raw else _EMPTY_DETAILS


def _complete_training(
    insertion: InsertionReader, level: int | None, departement: str, details: dict[str, Any]
) -> None:
    insertion.complete(details, level, departement)


# --- Writing -----------------------------------------------------------------------------


class CatalogueWriter:
    """Writes a new catalogue file (a staging file, swapped in by the caller once validated).

    Secondary structures (ROME index, FTS) are filled once at `finish()`: building them
    from a sorted scan is several times faster than maintaining them per insert.
    """

    def __init__(
        self, path: Path, *, schema_version: int = SCHEMA_VERSION, today: date | None = None
    ) -> None:
        self.path = path
        self.schema_version = schema_version
        self.today = today  # dates the territory's « sessions in the next 12 months »
        if path.exists():
            path.unlink()
        self.conn = sqlite3.connect(path, isolation_level=None)
        # 8 KB pages: the write and the index building of a sync ~15 % faster than with 4 KB,
        # searches unchanged (bench_sync, bench_search); set before the first table exists.
        self.conn.execute("PRAGMA page_size = 8192")
        self.conn.execute("PRAGMA journal_mode = OFF")  # a staging file is rebuilt, not repaired
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.execute("PRAGMA cache_size = -65536")
        migrate(self.conn, target=schema_version)
        ensure_math_functions(self.conn)
        self.conn.execute("BEGIN")
        # Built once at `finish()`, over rows already in place order: 0.1 s less per 67,000
        # items than keeping it up to date at every insert (bench_sync).
        self.conn.execute("DROP INDEX IF EXISTS idx_items_place")
        # The other indexes of `items` but the unique (kind, id) one, which a later row
        # replacing an earlier one needs: no write reads them, and updating them at every
        # insert was a third of `add_items`. Created again at `finish()`.
        self._deferred_indexes = _drop_indexes(self.conn, keep=_UNIQUE_ITEM_INDEX)

    def add_items(self, items: Iterable[Item]) -> int:
        items = list(items)
        with gc_paused():
            try:
                # Each row is converted as SQLite consumes it, while the fresh tuple is still
                # in the CPU cache: ~13% faster than building the whole list of rows first.
                self.conn.executemany(_INSERT_ITEM, map(item_to_row, items))
            except sqlite3.OperationalError as exc:
                raise storage_error(exc, path=self.path) from exc
        return len(items)

    def set_meta(self, values: Mapping[str, Any]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in values.items()],
        )

    def set_freshness(self, source: str, departement: str, updated_at: str, items: int) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO freshness VALUES (?, ?, ?, ?)",
            (source, departement, updated_at, items),
        )

    @gc_paused()  # the territory's tallies build a million small objects (bulk.gc_paused)
    def finish(self) -> None:
        """Fill the secondary indexes, check the file and close it (fsynced)."""
        conn = self.conn
        try:
            if 6 <= self.schema_version < 10:
                join_insertion(conn)  # from version 10 the rates are joined when read
            # The rows are written again in place order: into a table without indexes, which
            # are then built from sorted scans (several times faster than row by row).
            deferred = self._deferred_indexes + _drop_indexes(conn)
            _store_in_spatial_order(conn)
            for sql in deferred:
                conn.execute(sql)
            conn.execute("DELETE FROM item_romes")
            if self.schema_version >= 4:
                create_place_index(conn)
            if self.schema_version >= 3:
                fill_rome_index(conn, version=self.schema_version)
            if self.schema_version >= 5:
                build_territory(conn, today=self.today)
            if self.schema_version >= 9:
                fill_certification_index(conn)
            conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
            if self.schema_version >= 7:
                fill_search_tables(conn, version=self.schema_version)
            conn.execute("COMMIT")
            conn.execute("ANALYZE")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA journal_mode = DELETE")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.OperationalError as exc:
            conn.close()
            raise storage_error(exc, path=self.path) from exc
        conn.close()
        if check != "ok":
            raise CatalogueError(f"Le nouveau catalogue est incohérent ({check}).")
        # Make the content durable before anyone renames the file over the current catalogue.
        with open(self.path, "rb+") as fh:
            os.fsync(fh.fileno())

    def abort(self) -> None:
        self.conn.close()
        self.path.unlink(missing_ok=True)


_UNIQUE_ITEM_INDEX = "idx_items_kind_id"


def _drop_indexes(conn: sqlite3.Connection, *, keep: str = "") -> list[str]:
    """Drop the explicit indexes of `items` (but `keep`); return the SQL that creates them."""
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' "
        "AND sql IS NOT NULL AND name != ? ORDER BY name",
        (keep,),
    ).fetchall()
    for name, _sql in found:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def _store_in_spatial_order(conn: sqlite3.Connection) -> None:
    """Rewrite `items` ordered by kind and map cell. A search reads a few hundred rows around
    one place: stored side by side they share pages, instead of one page read per row
    scattered over the whole file (measured: p95 of a wide search 15 → 11 ms at france scale).
    The rows go through a temporary table so that the file reuses its own pages and does not
    grow; this runs before the secondary indexes are filled, since rowids change."""
    columns = ", ".join(ITEM_COLUMNS)
    conn.execute("DROP TABLE IF EXISTS temp.items_unsorted")
    conn.execute(f"CREATE TEMP TABLE items_unsorted AS SELECT {columns} FROM items")
    conn.execute("DELETE FROM main.items")
    conn.execute(
        f"INSERT INTO main.items ({columns}) SELECT {columns} FROM temp.items_unsorted "
        f"ORDER BY kind, lat IS NULL, {CELL}, lat, lon"
    )
    conn.execute("DROP TABLE temp.items_unsorted")


class CatalogueStore:
    """Read access to a catalogue file; safe to share between threads (one lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            raise CatalogueError(
                "Aucun catalogue local.",
                hint="Lancez « lba-desktop demo » ou importez un paquet de données.",
            )
        try:
            self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise storage_error(exc, path=path) from exc
        if version != SCHEMA_VERSION:
            self.conn.close()
            if version > SCHEMA_VERSION or version == 0:
                raise CatalogueError(
                    "Ce catalogue n'a pas un format que cette version sait lire.",
                    hint="Mettez l'application à jour ou reconstruisez le catalogue.",
                )
            upgrade_in_place(path)
            self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.conn.execute("PRAGMA cache_size = -32768")
        self.conn.execute("PRAGMA mmap_size = 0")
        self.lock = threading.Lock()
        self.insertion = InsertionReader(path)
        self.item_cache: LruCache[int, Item] = LruCache()
        self._search = NearestSearch(self.conn, self._fetch)

    def close(self) -> None:
        self.conn.close()
        self.insertion.close()

    # -- metadata

    @translated
    def meta(self) -> dict[str, str]:
        with self.lock:
            return dict(self.conn.execute("SELECT key, value FROM meta"))

    @translated
    def counts(self) -> dict[Kind, int]:
        with self.lock:
            rows = self.conn.execute("SELECT kind, count(*) FROM items GROUP BY kind").fetchall()
        found = {Kind(kind): n for kind, n in rows}
        return {kind: found.get(kind, 0) for kind in Kind}

    @translated
    def freshness(self) -> list[tuple[str, str, str, int]]:
        with self.lock:
            return self.conn.execute(
                "SELECT source, departement, updated_at, items FROM freshness "
                "ORDER BY source, departement"
            ).fetchall()

    @translated
    def training_romes_by(self, key: str) -> dict[str, tuple[str, ...]]:
        """The ROME codes of the trainings by one of their codes (`key`: "rncp_code" or
        "cfd" in their details), most used first: one pass over the trainings."""
        if key not in _TRAINING_CODES:
            raise ValueError(f"not a training code: {key}")
        with self.lock:
            rows = self.conn.execute(
                f"SELECT json_extract(details, '$.{key}'), romes FROM items "
                f'WHERE kind = ? AND details LIKE \'%"{key}":"%\'',
                (Kind.FORMATION.value,),
            ).fetchall()
        counts: dict[str, dict[str, int]] = {}
        for code, romes in rows:
            if not code or not romes:
                continue
            by_rome = counts.setdefault(str(code).strip().upper(), {})
            for rome in romes.split():
                by_rome[rome] = by_rome.get(rome, 0) + 1
        return {
            code: tuple(sorted(by_rome, key=lambda r: (-by_rome[r], r)))
            for code, by_rome in counts.items()
        }

    @translated
    def certification_rows(self) -> list[tuple[str, str, str, str, int | None, str, int]]:
        """(RNCP code, title, RNCP label, diploma, level, ROME codes, trainings): each way
        the catalogue's trainings spell a certification, with how many spell it so."""
        with self.lock:
            return self.conn.execute(
                "SELECT rncp, title, label, diploma, diploma_level, romes, trainings "
                "FROM certification_titles ORDER BY rncp"
            ).fetchall()

    @translated
    def get(self, kind: Kind, item_id: str) -> Item | None:
        with self.lock:
            row = self.conn.execute(
                f"{_SELECT_ITEM} FROM items i WHERE kind = ? AND id = ?", (kind.value, item_id)
            ).fetchone()
        return row_to_item(row, self.insertion) if row else None

    @translated
    def iter_items(self) -> Iterator[Item]:
        with self.lock:
            rows = self.conn.execute(f"{_SELECT_ITEM} FROM items i ORDER BY kind, id").fetchall()
        return (row_to_item(r, self.insertion) for r in rows)

    # -- search

    @translated
    def nearest(self, area: Area, flt: ItemFilter, *, limit: int) -> list[tuple[Item, float]]:
        """Up to `limit` items matching `flt` in `area`, nearest first (ties by id), with their
        great-circle distance in km from the area's centre: the same items a scan of every
        row would keep (catalogue_search)."""
        with self.lock:
            return self._search.nearest(area, flt, limit)

    def _fetch(self, rowids: Sequence[int]) -> dict[int, Item]:
        """Items by rowid, read once (then from the item cache); called under the lock."""
        items = self.item_cache.get_many(rowids)
        missing = [rowid for rowid, item in items.items() if item is None]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self.conn.execute(
                f"{_SELECT_ITEM}, i.rowid FROM items i WHERE i.rowid IN ({marks})", chunk
            ).fetchall()
            for row in rows:
                item = items[row[-1]] = row_to_item(row[:-1], self.insertion)
                self.item_cache.put(row[-1], item)
        return items  # type: ignore[return-value]


def upgrade_in_place(path: Path) -> None:
    """Run pending migrations on an older catalogue file."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        migrate(conn)
    finally:
        conn.close()


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
