"""The catalogue database: bulk writing and the spatial/text queries (schema: catalogue_schema).

One `items` table holds the four kinds (formation, offre, entreprise, partenariat): they share
almost every column a search filters on, and one table keeps one FTS index.
`idx_items_place` (kind, band, lon, lat) answers "everything around a point".
`item_romes` repeats each item once per ROME code with its kind and position, so a
"métier around a point" query is a few range scans on one covering index
(rome, kind, band, lon, lat) instead of a join over the whole catalogue. `band` is a
0.25° latitude strip: a box around a point is then read strip by strip over its own
longitudes only, not across the whole width of France.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import orjson

from lba_desktop.data.bulk import gc_paused
from lba_desktop.data.catalogue_schema import (
    ITEM_BAND,
    SCHEMA_VERSION,
    band_of,
    create_place_index,
    fill_rome_index,
    migrate,
)
from lba_desktop.data.insertion_store import join_insertion
from lba_desktop.data.lru_cache import LruCache
from lba_desktop.data.storage import catalogue_error as storage_error
from lba_desktop.data.storage import translated
from lba_desktop.data.territory import build_territory
from lba_desktop.errors import CatalogueError
from lba_desktop.geo import distance_km
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

    __slots__ = ("_decoded", "raw")

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._decoded: dict[str, Any] | None = None

    def _data(self) -> dict[str, Any]:
        if self._decoded is None:
            self._decoded = orjson.loads(self.raw)
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
        return details.raw
    if not details:
        return None
    # orjson is ~10x faster than json.dumps here (a third of add_items); it only takes a plain
    # dict with string keys and 64-bit integers, so anything else goes the slow, general way.
    try:
        return orjson.dumps(details if type(details) is dict else dict(details)).decode()
    except TypeError:
        return json.dumps(dict(details), ensure_ascii=False, separators=(",", ":"))


def row_to_item(row: Sequence[Any]) -> Item:
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
        StoredDetails(details) if details else _EMPTY_DETAILS,
    )


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
        self.conn.execute("BEGIN")
        # Built once at `finish()`, over rows already in place order: 0.1 s less per 67,000
        # items than keeping it up to date at every insert (bench_sync).
        self.conn.execute("DROP INDEX IF EXISTS idx_items_place")

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

    def finish(self) -> None:
        """Fill the secondary indexes, check the file and close it (fsynced)."""
        conn = self.conn
        try:
            if self.schema_version >= 6:
                join_insertion(conn)
            _store_in_spatial_order(conn)
            conn.execute("DELETE FROM item_romes")
            if self.schema_version >= 4:
                create_place_index(conn)
            if self.schema_version >= 3:
                fill_rome_index(conn)
            if self.schema_version >= 5:
                build_territory(conn, today=self.today)
            conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
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


# Cells of 0.25° (about 25 km): rows of one cell are stored together.
_CELL = "(CAST((lat + 90) * 4 AS INTEGER) * 2000 + CAST((lon + 180) * 4 AS INTEGER))"


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
        f"ORDER BY kind, lat IS NULL, {_CELL}, lat, lon"
    )
    conn.execute("DROP TABLE temp.items_unsorted")


@dataclass(frozen=True, slots=True)
class Area:
    """Where to look: a bounding box around a point, or a set of départements, or everywhere."""

    centre_lat: float
    centre_lon: float
    radius_km: float | None = None  # None: no distance limit
    departements: tuple[str, ...] = ()

    def bbox(self) -> tuple[float, float, float, float] | None:
        if self.radius_km is None:
            return None
        dlat = self.radius_km / KM_PER_DEGREE
        dlon = self.radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(self.centre_lat)), 0.01))
        return (
            self.centre_lat - dlat,
            self.centre_lat + dlat,
            self.centre_lon - dlon,
            self.centre_lon + dlon,
        )


@dataclass(frozen=True, slots=True)
class ItemFilter:
    """Filters on indexed columns, applied in SQL."""

    kind: Kind
    romes: tuple[str, ...] = ()
    fts_query: str = ""  # an FTS5 MATCH expression, already escaped
    diploma_level: int | None = None
    opco: str = ""
    handi_friendly_only: bool = False


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
        self._sql_distance = _has_math_functions(self.conn)
        self._distance_sql = _DISTANCE_SQL if self._sql_distance else "NULL"
        self.conn.execute("PRAGMA mmap_size = 0")
        self.lock = threading.Lock()
        self.item_cache: LruCache[int, Item] = LruCache()

    def close(self) -> None:
        self.conn.close()

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
    def get(self, kind: Kind, item_id: str) -> Item | None:
        with self.lock:
            row = self.conn.execute(
                f"{_SELECT_ITEM} FROM items i WHERE kind = ? AND id = ?", (kind.value, item_id)
            ).fetchone()
        return row_to_item(row) if row else None

    @translated
    def iter_items(self) -> Iterator[Item]:
        with self.lock:
            rows = self.conn.execute(f"{_SELECT_ITEM} FROM items i ORDER BY kind, id").fetchall()
        return (row_to_item(r) for r in rows)

    # -- search

    @translated
    def nearest(self, area: Area, flt: ItemFilter, *, limit: int) -> list[tuple[Item, float]]:
        """Up to `limit` items matching `flt` in `area`, nearest first, with their great-circle
        distance in km from the area's centre. Ranking uses an equirectangular approximation
        (plain SQL arithmetic); the square box around a radius may keep corners beyond it.
        """
        index_only = not (flt.fts_query or flt.opco or flt.handi_friendly_only or area.departements)
        if flt.romes and index_only:
            return self._nearest_by_rome(area, flt, limit)
        sql, params = self._nearest_sql(area, flt, limit)
        with self.lock:
            rows = self.conn.execute(sql, params).fetchall()
        return [(row_to_item(r[:-1]), self._distance(area, r)) for r in rows]

    def _distance_params(self, area: Area) -> list[float]:
        if not self._sql_distance:
            return []
        lat, lon = area.centre_lat, area.centre_lon
        return [lat, lat, lat, lon, lon]

    def _distance(self, area: Area, row: Sequence[Any]) -> float:
        # Without SQLite's math functions the distance column is NULL: compute it here.
        if self._sql_distance:
            return row[-1]
        return distance_km(area.centre_lat, area.centre_lon, row[_LAT], row[_LON])

    def _nearest_by_rome(self, area: Area, flt: ItemFilter, limit: int) -> list[tuple[Item, float]]:
        """The common case (métier around a point, maybe a level) in two steps: rank on the
        covering ROME index alone, then read only the winning rows of `items` that the item
        cache does not hold yet."""
        with self.lock:
            ranked = self._rank_by_rome(area, flt, limit)
            items = self.item_cache.get_many(rowid for rowid, _d2 in ranked)
            missing = [rowid for rowid, item in items.items() if item is None]
            if missing:
                marks = ", ".join("?" for _ in missing)
                rows = self.conn.execute(
                    f"{_SELECT_ITEM}, i.rowid FROM items i WHERE i.rowid IN ({marks})", missing
                ).fetchall()
                for row in rows:
                    item = items[row[-1]] = row_to_item(row[:-1])
                    self.item_cache.put(row[-1], item)
        lat, lon = area.centre_lat, area.centre_lon
        # Every item of the ROME index has a position (rows without one are not indexed).
        return [
            (item, distance_km(lat, lon, item.lat, item.lon))  # type: ignore[arg-type]
            for item in items.values()
        ]

    def _rank_by_rome(self, area: Area, flt: ItemFilter, limit: int) -> list[tuple[int, float]]:
        if area.radius_km is not None:
            # In a dense place (a city, a common métier) the nearest `limit` items often lie in
            # a much smaller circle: try it first. Everything outside the small box is farther
            # than its radius, so if the small circle holds `limit` items they are the answer.
            for fraction in (0.25, 0.5):
                inner = replace(area, radius_km=area.radius_km * fraction)
                ranked = self._rank_in_box(inner, flt, limit)
                if len(ranked) == limit and ranked[-1][1] <= (inner.radius_km / KM_PER_DEGREE) ** 2:
                    return ranked
        return self._rank_in_box(area, flt, limit)

    def _rank_in_box(self, area: Area, flt: ItemFilter, limit: int) -> list[tuple[int, float]]:
        dist, params = _squared_distance(area, "")
        marks = ", ".join("?" for _ in flt.romes)
        where = [f"rome IN ({marks})", "kind = ?"]
        params += [*flt.romes, flt.kind.value]
        bbox = area.bbox()
        if bbox:
            box_sql, box_params = _box_condition(bbox, "band", "lat", "lon")
            where.append(box_sql)
            params += box_params
        if flt.diploma_level is not None:
            where.append(_level_condition(flt.kind, "diploma_level"))
            params.append(flt.diploma_level)
        # An item listed under several of the requested codes appears once per code: keep one.
        sql = (
            f"SELECT item, min({dist}) AS d2 "
            f"FROM item_romes WHERE {' AND '.join(where)} GROUP BY item ORDER BY d2 LIMIT ?"
        )
        return self.conn.execute(sql, [*params, limit]).fetchall()

    def _nearest_sql(self, area: Area, flt: ItemFilter, limit: int) -> tuple[str, list[Any]]:
        dist, params = _squared_distance(area, "i.")
        where = ["i.kind = ?", "i.lat IS NOT NULL"]
        where_params: list[Any] = [flt.kind.value]
        bbox = area.bbox()

        if flt.romes:
            marks = ", ".join("?" for _ in flt.romes)
            sub = f"SELECT item FROM item_romes WHERE rome IN ({marks}) AND kind = ?"
            sub_params: list[Any] = [*flt.romes, flt.kind.value]
            if bbox:
                box_sql, box_params = _box_condition(bbox, "band", "lat", "lon")
                sub += f" AND {box_sql}"
                sub_params += box_params
            where.append(f"i.rowid IN ({sub})")
            where_params += sub_params
        elif bbox:
            # The same expression as idx_items_place, so that SQLite reads that index.
            box_sql, box_params = _box_condition(bbox, ITEM_BAND, "i.lat", "i.lon")
            where.append(box_sql)
            where_params += box_params
        if flt.fts_query:
            where.append("i.rowid IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
            where_params.append(flt.fts_query)
        if area.departements:
            marks = ", ".join("?" for _ in area.departements)
            where.append(f"i.departement IN ({marks})")
            where_params += list(area.departements)
        if flt.diploma_level is not None:
            where.append(_level_condition(flt.kind, "i.diploma_level"))
            where_params.append(flt.diploma_level)
        if flt.opco:
            where.append("i.opco = ? COLLATE NOCASE")
            where_params.append(flt.opco)
        if flt.handi_friendly_only:
            where.append("i.handi_friendly = 1")

        nearest = (
            f"{_SELECT_ITEM}, {dist} AS d2 FROM items i "
            f"WHERE {' AND '.join(where)} ORDER BY d2 LIMIT ?"
        )
        sql = f"SELECT {', '.join(ITEM_COLUMNS)}, {self._distance_sql} FROM ({nearest}) ORDER BY d2"
        return sql, [*self._distance_params(area), *params, *where_params, limit]


# Haversine in SQL: per row it costs a fraction of a Python call, which matters for the
# ~1,000 rows of a wide search. Parameters: centre latitude twice, then longitude twice.
_DISTANCE_SQL = (
    "2 * 6371.0 * asin(min(1.0, sqrt("
    "sin(radians(lat - ?) / 2) * sin(radians(lat - ?) / 2) + "
    "cos(radians(?)) * cos(radians(lat)) * "
    "sin(radians(lon - ?) / 2) * sin(radians(lon - ?) / 2))))"
)
_LAT = ITEM_COLUMNS.index("lat")
_LON = ITEM_COLUMNS.index("lon")


def _squared_distance(area: Area, table: str) -> tuple[str, list[Any]]:
    """A squared distance to the area's centre in degrees (longitudes shrunk by the cosine of
    the latitude): plain arithmetic SQLite evaluates in C, enough to rank; the exact
    distance is computed for the winners only. `table` prefixes the columns ("i.")."""
    lat, lon = f"{table}lat", f"{table}lon"
    coslat = math.cos(math.radians(area.centre_lat))
    sql = f"(({lat} - ?) * ({lat} - ?) + ({lon} - ?) * ({lon} - ?) * ?)"
    return sql, [area.centre_lat, area.centre_lat, area.centre_lon, area.centre_lon, coslat**2]


def _box_condition(
    bbox: tuple[float, float, float, float], band: str, lat: str, lon: str
) -> tuple[str, list[Any]]:
    """The conditions selecting a box on an index (…, band, lon, lat): its bands listed one
    by one (SQLite seeks each band, then reads only the box's longitudes), then the box."""
    min_lat, max_lat, min_lon, max_lon = bbox
    bands = list(range(band_of(max(min_lat, -90.0)), band_of(min(max_lat, 90.0)) + 1))
    marks = ", ".join("?" for _ in bands)
    sql = f"{band} IN ({marks}) AND {lon} BETWEEN ? AND ? AND {lat} BETWEEN ? AND ?"
    return sql, [*bands, min_lon, max_lon, min_lat, max_lat]


def _has_math_functions(conn: sqlite3.Connection) -> bool:
    # Python's SQLite usually has them (SQLITE_ENABLE_MATH_FUNCTIONS) but not every build.
    try:
        conn.execute("SELECT asin(sin(radians(1.0)))").fetchone()
    except sqlite3.OperationalError:
        return False
    return True


def _level_condition(kind: Kind, column: str) -> str:
    if kind is Kind.FORMATION:
        return f"{column} = ?"
    # An offer open to any level ("Indifférent") matches every requested level.
    return f"({column} = ? OR {column} IS NULL)"


def upgrade_in_place(path: Path) -> None:
    """Run pending migrations on an older catalogue file."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        migrate(conn)
    finally:
        conn.close()


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
