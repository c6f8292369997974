"""The catalogue file's schema: its versioned migrations and the indexes a search reads."""

from __future__ import annotations

import math
import sqlite3
from typing import TYPE_CHECKING

from lba_desktop.data.insertion_store import create_insertion_table
from lba_desktop.data.territory import build_territory, has_domains
from lba_desktop.errors import CatalogueError

if TYPE_CHECKING:  # imported when a migration runs: opening an up-to-date file needs none
    import sqlite_utils

SCHEMA_VERSION = 11

# Latitude strips of 0.25° (about 28 km) for the ROME index.
BANDS_PER_DEGREE = 4
_BAND = f"CAST((lat + 90) * {BANDS_PER_DEGREE} AS INTEGER)"
ITEM_BAND = f"CAST((i.lat + 90) * {BANDS_PER_DEGREE} AS INTEGER)"
# Map cells: a band cut every 0.25° of longitude. Rows of `items` are stored by kind and cell,
# so the cells of a box are a few rowid ranges (`item_cells`).
CELLS_PER_BAND = 2000
CELL = f"({_BAND} * {CELLS_PER_BAND} + CAST((lon + 180) * {BANDS_PER_DEGREE} AS INTEGER))"
# The unit vector of a position (catalogue_search ranks by the chord between two of them).
UNIT_VECTOR = (
    "cos(radians(lat)) * cos(radians(lon))",
    "cos(radians(lat)) * sin(radians(lon))",
    "sin(radians(lat))",
)


def band_of(lat: float) -> int:
    return int((lat + 90) * BANDS_PER_DEGREE)


def lon_cell_of(lon: float) -> int:
    return int((lon + 180) * BANDS_PER_DEGREE)


def ensure_math_functions(conn: sqlite3.Connection) -> None:
    """Give `conn` the SQL math functions the unit vectors are computed with, when this build
    of SQLite lacks them (they are optional at compile time)."""
    try:
        conn.execute("SELECT cos(radians(1.0)) + sin(1.0)").fetchone()
    except sqlite3.OperationalError:
        for name, function in (("cos", math.cos), ("sin", math.sin), ("radians", math.radians)):
            conn.create_function(name, 1, function, deterministic=True)


def create_place_index(conn: sqlite3.Connection) -> None:
    conn.execute(f"CREATE INDEX idx_items_place ON items (kind, {_BAND}, lon, lat)")


def _create_rome_index_v4(conn: sqlite3.Connection) -> None:
    # One row per (item, ROME code); WITHOUT ROWID so the primary key *is* the covering index.
    conn.execute(
        "CREATE TABLE item_romes (rome TEXT NOT NULL, kind TEXT NOT NULL, band INTEGER NOT NULL, "
        "lon REAL NOT NULL, lat REAL NOT NULL, item INTEGER NOT NULL, diploma_level INTEGER, "
        "PRIMARY KEY (rome, kind, band, lon, lat, item)) WITHOUT ROWID"
    )


def create_rome_index(conn: sqlite3.Connection) -> None:
    # Version 7: each row also carries what a search filters and ranks on (unit vector,
    # département, OPCO, handi), so that no search reads `items` to rank.
    conn.execute(
        "CREATE TABLE item_romes (rome TEXT NOT NULL, kind TEXT NOT NULL, band INTEGER NOT NULL, "
        "lon REAL NOT NULL, lat REAL NOT NULL, item INTEGER NOT NULL, diploma_level INTEGER, "
        "x REAL NOT NULL, y REAL NOT NULL, z REAL NOT NULL, departement TEXT, opco TEXT, "
        "handi_friendly INTEGER, "
        "PRIMARY KEY (rome, kind, band, lon, lat, item)) WITHOUT ROWID"
    )


def fill_rome_index(conn: sqlite3.Connection, *, version: int = SCHEMA_VERSION) -> None:
    """Fill the ROME index in the shape of schema `version` (empty before)."""
    names, values = "", ""
    if version >= 7:
        names = "x, y, z, departement, opco, handi_friendly, "
        values = ", ".join(UNIT_VECTOR) + ", departement, opco, handi_friendly, "
    # Split the space-separated codes in SQL: twice as fast as a Python loop at france scale,
    # and the sorted insert fills the index pages in order.
    conn.execute(
        f"""
        WITH RECURSIVE split(item, kind, band, lon, lat, level, {names}code, rest) AS (
            SELECT rowid, kind, {_BAND}, lon, lat, diploma_level, {values}'', romes || ' '
            FROM items WHERE lat IS NOT NULL AND lon IS NOT NULL AND romes != ''
            UNION ALL
            SELECT item, kind, band, lon, lat, level, {names}
                   substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
            FROM split WHERE rest != ''
        )
        INSERT OR IGNORE INTO item_romes
        SELECT code, kind, band, lon, lat, item, level{", " + names.rstrip(", ") if names else ""}
        FROM split WHERE code != ''
        ORDER BY 1, 2, 3, 4, 5, 6
        """
    )


def fill_search_tables(conn: sqlite3.Connection, *, version: int = SCHEMA_VERSION) -> None:
    """The tables a search reads besides the ROME and full-text indexes: rowid ranges per
    kind and map cell, the box of each département's items, the terms of the full-text
    index (a typed word is matched against the exact terms it starts) and, from version 8,
    each position's point (unit vector and filtered columns, a few dozen bytes where a row
    of `items` is a kilobyte)."""
    tables = ["item_cells", "departement_extents", "item_terms"]
    for table in [*tables, "item_points"] if version >= 8 else tables:
        conn.execute(f"DELETE FROM {table}")
    positioned = "FROM items WHERE lat IS NOT NULL AND lon IS NOT NULL"
    if version >= 8:
        conn.execute(
            f"INSERT INTO item_points SELECT rowid, kind, {', '.join(UNIT_VECTOR)}, lat, lon, "
            f"departement, diploma_level, opco, handi_friendly {positioned} ORDER BY rowid"
        )
    conn.execute(
        f"INSERT INTO item_cells SELECT kind, {CELL}, min(rowid), max(rowid) {positioned} "
        "GROUP BY 1, 2"
    )
    conn.execute(
        "INSERT INTO departement_extents SELECT coalesce(departement, ''), min(lat), max(lat), "
        f"min(lon), max(lon) {positioned} GROUP BY 1"
    )
    conn.execute("CREATE VIRTUAL TABLE temp.items_fts_terms USING fts5vocab(main, items_fts, row)")
    try:
        conn.execute("INSERT INTO item_terms SELECT term FROM temp.items_fts_terms")
    finally:
        conn.execute("DROP TABLE temp.items_fts_terms")


def create_certification_index(conn: sqlite3.Connection) -> None:
    # The trainings of each RNCP certification, so a diploma picked in the métier lookup
    # (« CAP Boulanger ») lists its trainings without reading every training's details;
    # and the spellings of each (derived data), so the lookup is built from a few thousand
    # rows instead of a JSON parse per training at every start.
    conn.execute(
        "CREATE TABLE item_rncp (rncp TEXT NOT NULL, item INTEGER NOT NULL, "
        "PRIMARY KEY (rncp, item)) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TABLE certification_titles (rncp TEXT NOT NULL, title TEXT, label TEXT, "
        "diploma TEXT, diploma_level INTEGER, romes TEXT, trainings INTEGER NOT NULL)"
    )


def fill_certification_index(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM item_rncp")
    conn.execute("DELETE FROM certification_titles")
    # The LIKE skips the JSON parse of trainings without a code (and of every other kind).
    conn.execute(
        """
        INSERT OR IGNORE INTO item_rncp
        SELECT upper(trim(json_extract(details, '$.rncp_code'))) AS code, rowid FROM items
        WHERE kind = 'formation' AND details LIKE '%"rncp_code":"%'
          AND json_valid(details) AND code LIKE 'RNCP%'
        ORDER BY 1, 2
        """
    )
    conn.execute(
        """
        INSERT INTO certification_titles
        SELECT r.rncp, i.title, json_extract(i.details, '$.rncp_label'),
               json_extract(i.details, '$.diploma'), i.diploma_level, i.romes, count(*)
        FROM item_rncp r JOIN items i ON i.rowid = r.item
        GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1
        """
    )


# --- Reading -----------------------------------------------------------------------------


def _create_v1(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["items"].create(
        {
            "rowid": int,
            "kind": str,
            "id": str,
            "title": str,
            "organisation": str,
            "address": str,
            "commune": str,
            "insee": str,
            "postcode": str,
            "departement": str,
            "lat": float,
            "lon": float,
            "romes": str,
            "diploma_level": int,
            "source": str,
            "created": str,
            "updated": str,
            "phone": str,
            "email": str,
            "url": str,
            "siret": str,
            "opco": str,
            "handi_friendly": int,
            "fictitious": int,
            "details": str,
        },
        pk="rowid",
        not_null={"kind", "id", "title"},
    )
    db["items"].create_index(["kind", "id"], unique=True)
    db["items"].create_index(["departement", "kind"])
    db["items"].create_index(["source", "departement"])
    # Version 1's ROME index (rebuilt with the diploma level by version 3).
    db.execute(
        "CREATE TABLE item_romes (rome TEXT NOT NULL, kind TEXT NOT NULL, lat REAL NOT NULL, "
        "lon REAL NOT NULL, item INTEGER NOT NULL, PRIMARY KEY (rome, kind, lat, lon, item)) "
        "WITHOUT ROWID"
    )
    db.execute(
        "CREATE VIRTUAL TABLE items_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon)"
    )
    db["items"].enable_fts(
        ["title", "organisation", "commune"], tokenize="unicode61 remove_diacritics 2"
    )
    # Freshness of each (source, département) the catalogue holds.
    db["freshness"].create(
        {"source": str, "departement": str, "updated_at": str, "items": int},
        pk=("source", "departement"),
    )


def _migrate_v1_to_v2(db: sqlite_utils.Database) -> None:
    db["sync_journal"].create(
        {
            "id": int,
            "started_at": str,
            "ended_at": str,
            "scope": str,
            "status": str,
            "calls": int,
            "items": int,
            "warnings": str,
            "errors": str,
        },
        pk="id",
    )


def _rebuild_rome_index(db: sqlite_utils.Database) -> None:
    # The ROME index is derived data: a new shape is simply rebuilt from `items`.
    # Version 3 added the diploma level ("métier + niveau" answered from the index alone);
    # version 4 the latitude band (a box is read over its own longitudes only).
    db.execute("DROP TABLE IF EXISTS item_romes")
    _create_rome_index_v4(db.conn)
    fill_rome_index(db.conn, version=4)


def _migrate_v3_to_v4(db: sqlite_utils.Database) -> None:
    _rebuild_rome_index(db)
    # The R*Tree gives way to a plain index by (kind, band, lon, lat), read the same way as
    # the ROME index: a box query 7.7 → 0.04 ms, and building it 7 s → 0.5 s at france scale.
    db.execute("DROP TABLE IF EXISTS items_rtree")
    create_place_index(db.conn)


def _migrate_v4_to_v5(db: sqlite_utils.Database) -> None:
    # Territory aggregates (derived data): an older catalogue or data pack gets them at once.
    build_territory(db.conn)


def _migrate_v5_to_v6(db: sqlite_utils.Database) -> None:
    # InserJeunes rates per CFA × diploma, région × diploma and France × diploma; an older
    # file gets the empty table (its trainings keep their details until rates arrive).
    create_insertion_table(db.conn)


def _migrate_v6_to_v7(db: sqlite_utils.Database) -> None:
    # Exact ranking with no trigonometry per row: the ROME index carries each position's
    # unit vector with the filtered columns, and the small search tables appear. Version 7
    # also gave `items` unit vector columns, unused since version 8 (`item_points`): they
    # are added for the same shape, and left empty.
    conn = db.conn
    ensure_math_functions(conn)
    for column in ("x", "y", "z"):
        conn.execute(f"ALTER TABLE items ADD COLUMN {column} REAL")
    conn.execute("DROP TABLE IF EXISTS item_romes")
    create_rome_index(conn)
    fill_rome_index(conn, version=7)
    create_search_tables(conn)
    fill_search_tables(conn, version=7)


def _migrate_v7_to_v8(db: sqlite_utils.Database) -> None:
    # Candidates of the full-text and place searches ranked on a compact table of points
    # rather than on `items` rows (a kilobyte each).
    conn = db.conn
    ensure_math_functions(conn)
    create_points_table(conn)
    fill_search_tables(conn, version=8)


def create_points_table(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE item_points (item INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
        "x REAL NOT NULL, y REAL NOT NULL, z REAL NOT NULL, lat REAL NOT NULL, "
        "lon REAL NOT NULL, departement TEXT, diploma_level INTEGER, opco TEXT, "
        "handi_friendly INTEGER)"
    )


def create_search_tables(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE item_cells (kind TEXT NOT NULL, cell INTEGER NOT NULL, "
        "first INTEGER NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (kind, cell)) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TABLE departement_extents (departement TEXT PRIMARY KEY, min_lat REAL, "
        "max_lat REAL, min_lon REAL, max_lon REAL)"
    )
    conn.execute("CREATE TABLE item_terms (term TEXT PRIMARY KEY) WITHOUT ROWID")


def _migrate_v8_to_v9(db: sqlite_utils.Database) -> None:
    create_certification_index(db.conn)
    fill_certification_index(db.conn)


def _migrate_v9_to_v10(db: sqlite_utils.Database) -> None:
    # A smaller file (the demo catalogue 137 → 117 MB): the trainings' InserJeunes rates are read
    # from `insertion_rates` when their details are opened (insertion_store.InsertionReader)
    # rather than copied into each training's details, and the unit vector columns of `items`,
    # empty since version 8, go.
    conn = db.conn
    conn.execute(
        "UPDATE items SET details = json_remove(details, '$.insertion') "
        "WHERE kind = 'formation' AND details LIKE '%\"insertion\":%' AND json_valid(details)"
    )
    columns = {row[1] for row in conn.execute("PRAGMA table_info(items)")}
    for column in ("x", "y", "z"):
        if column in columns:
            conn.execute(f"ALTER TABLE items DROP COLUMN {column}")


def _migrate_v10_to_v11(db: sqlite_utils.Database) -> None:
    # Territory figures per ROME professional domain (derived data, rebuilt with the others);
    # a file that went through the v5 step here already has them.
    if not has_domains(db.conn):
        build_territory(db.conn)


# Index i creates version i + 1 from version i; version 0 is an empty file.
MIGRATIONS = (
    _create_v1,
    _migrate_v1_to_v2,
    _rebuild_rome_index,
    _migrate_v3_to_v4,
    _migrate_v4_to_v5,
    _migrate_v5_to_v6,
    _migrate_v6_to_v7,
    _migrate_v7_to_v8,
    _migrate_v8_to_v9,
    _migrate_v9_to_v10,
    _migrate_v10_to_v11,
)


def migrate(conn: sqlite3.Connection, *, target: int = SCHEMA_VERSION) -> int:
    """Bring the file to `target` version; refuse a file written by a newer application."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise CatalogueError(
            "Ce catalogue a été créé par une version plus récente de LBA Desktop.",
            hint="Mettez l'application à jour pour l'ouvrir.",
        )
    if current >= target:
        return current
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    for version in range(current, target):
        with conn:
            MIGRATIONS[version](db)
            conn.execute(f"PRAGMA user_version = {version + 1}")
    return max(current, target)
