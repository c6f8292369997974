"""The map tile cache: one MBTiles file (SQLite) in the data folder, bounded in size, the least
recently used tiles removed first; the tiles of a prepared territory kept out of that bound."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The MBTiles layout (tiles, metadata) so other tools can read the file, plus when each tile
# was last used, for the size bound.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS metadata (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS tiles (
    zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL,
    tile_data BLOB NOT NULL, used_at REAL NOT NULL,
    PRIMARY KEY (zoom_level, tile_column, tile_row)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tiles_used ON tiles (used_at);
CREATE TABLE IF NOT EXISTS prepared (
    zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL,
    PRIMARY KEY (zoom_level, tile_column, tile_row)
) WITHOUT ROWID;
"""
# The tiles the size bound counts and may drop: those not part of a prepared territory.
_SEEN = (
    "FROM tiles t WHERE NOT EXISTS (SELECT 1 FROM prepared p WHERE p.zoom_level = t.zoom_level"
    " AND p.tile_column = t.tile_column AND p.tile_row = t.tile_row)"
)
_KEY = "zoom_level=? AND tile_column=? AND tile_row=?"
DEFAULT_MAX_BYTES = 500 * 1024 * 1024


class TileCache:
    """Tiles by (z, x, y) in the XYZ scheme the map asks for (MBTiles rows are flipped).
    `max_bytes` bounds the tiles seen on maps; the prepared ones (a territory fetched ahead for
    offline use) are never dropped and do not count in it."""

    def __init__(self, path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, name: str = "") -> None:
        self.path = path
        self.max_bytes = max_bytes
        path.parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by the threads serving the page, behind a lock: SQLite is
        # fast enough that serialising tile reads costs less than a connection per thread.
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            self._db.execute(
                "INSERT OR IGNORE INTO metadata VALUES ('name', ?), ('format', 'png'), "
                "('type', 'baselayer'), ('version', '1')",
                (name or "LBA Desktop",),
            )
            row = self._db.execute(f"SELECT COALESCE(SUM(LENGTH(tile_data)), 0) {_SEEN}")
            self._bytes = int(row.fetchone()[0])

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """An explicit transaction (the connection is in autocommit mode)."""
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @staticmethod
    def _row(z: int, y: int) -> int:
        return (1 << z) - 1 - y

    def get(self, z: int, x: int, y: int) -> bytes | None:
        with self._lock:
            found = self._db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, self._row(z, y)),
            ).fetchone()
            if found is None:
                return None
            self._db.execute(
                "UPDATE tiles SET used_at=? WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (time.time(), z, x, self._row(z, y)),
            )
        return bytes(found[0])

    def has(self, z: int, x: int, y: int) -> bool:
        with self._lock:
            return (
                self._db.execute(
                    "SELECT 1 FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                    (z, x, self._row(z, y)),
                ).fetchone()
                is not None
            )

    def put(self, z: int, x: int, y: int, data: bytes, *, prepared: bool = False) -> None:
        """Keep a tile; `prepared` puts it out of the size bound for good."""
        key = (z, x, self._row(z, y))
        with self._lock:
            old = self._db.execute(
                f"SELECT LENGTH(tile_data), NOT EXISTS (SELECT 1 FROM prepared WHERE {_KEY}) "
                f"FROM tiles WHERE {_KEY}",
                key + key,
            ).fetchone()
            with self._transaction():  # the tile and its protection together
                self._db.execute("INSERT OR REPLACE INTO tiles VALUES (?, ?, ?, ?, ?)",
                                 (*key, data, time.time()))  # fmt: skip
                if prepared:
                    self._db.execute("INSERT OR IGNORE INTO prepared VALUES (?, ?, ?)", key)
            if old is not None and old[1]:
                self._bytes -= old[0]  # counted until now; replaced or protected below
            if not prepared and (old is None or old[1]):
                self._bytes += len(data)
            if self._bytes > self.max_bytes:
                self._shrink()

    def mark_prepared(self, z: int, x: int, y: int) -> bool:
        """Protect a tile already kept (seen before the territory was prepared); False when
        there is no such tile."""
        key = (z, x, self._row(z, y))
        with self._lock:
            found = self._db.execute(
                f"SELECT LENGTH(tile_data), NOT EXISTS (SELECT 1 FROM prepared WHERE {_KEY}) "
                f"FROM tiles WHERE {_KEY}",
                key + key,
            ).fetchone()
            if found is None:
                return False
            if found[1]:
                self._db.execute("INSERT OR IGNORE INTO prepared VALUES (?, ?, ?)", key)
                self._bytes -= found[0]
            return True

    def is_prepared(self, z: int, x: int, y: int) -> bool:
        with self._lock:
            found = self._db.execute(
                f"SELECT 1 FROM prepared WHERE {_KEY}", (z, x, self._row(z, y))
            ).fetchone()
            return found is not None

    def prepared_tiles(self) -> list[tuple[int, int, int, bytes]]:
        """(z, x, y, data) of every prepared tile (for a data pack)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT t.zoom_level, t.tile_column, t.tile_row, t.tile_data FROM tiles t "
                "JOIN prepared p USING (zoom_level, tile_column, tile_row)"
            ).fetchall()
        return [(z, x, self._row(z, row), bytes(data)) for z, x, row, data in rows]

    def territories(self) -> list[dict[str, object]]:
        """The territories prepared into this file, as recorded by `add_territory`."""
        with self._lock:
            found = self._db.execute(
                "SELECT value FROM metadata WHERE name = 'lba_territories'"
            ).fetchone()
        try:
            value = json.loads(found[0]) if found else []
        except ValueError:
            return []
        return value if isinstance(value, list) else []

    def add_territory(self, departements: list[str], zoom_max: int) -> None:
        """Record a finished preparation (départements, deepest zoom) in the file's metadata."""
        kept = [t for t in self.territories() if t.get("departements") != departements]
        kept.append({"departements": departements, "zoom_max": zoom_max})
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO metadata VALUES ('lba_territories', ?)",
                (json.dumps(kept, ensure_ascii=False),),
            )

    def _shrink(self) -> None:
        """Drop the least recently used tiles until the file holds 90 % of its bound."""
        target = self.max_bytes * 0.9
        rows = self._db.execute(
            f"SELECT zoom_level, tile_column, tile_row, LENGTH(tile_data) {_SEEN} ORDER BY used_at"
        )
        gone = []
        for z, x, row, size in rows:
            if self._bytes <= target:
                break
            gone.append((z, x, row))
            self._bytes -= size
        self._db.executemany(
            "DELETE FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?", gone
        )

    @property
    def size_bytes(self) -> int:
        """What the tiles seen take (the size bound's measure; prepared tiles are apart)."""
        return self._bytes

    def prepared_bytes(self) -> int:
        with self._lock:
            found = self._db.execute(
                "SELECT COALESCE(SUM(LENGTH(t.tile_data)), 0) FROM tiles t "
                "JOIN prepared p USING (zoom_level, tile_column, tile_row)"
            ).fetchone()
        return int(found[0])

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM tiles").fetchone()[0])

    def write_prepared(self, target: Path) -> int:
        """A new MBTiles file at `target` holding only the prepared tiles and the territories
        (what a data pack carries); returns how many tiles it holds."""
        target.unlink(missing_ok=True)
        TileCache(target, name="LBA Desktop — territoires préparés").close()
        with self._lock, self._attached(target):
            self._db.execute(
                "INSERT INTO pack.tiles SELECT t.zoom_level, t.tile_column, t.tile_row, "
                "t.tile_data, t.used_at FROM main.tiles t "
                "JOIN main.prepared p USING (zoom_level, tile_column, tile_row)"
            )
            self._db.execute(
                "INSERT INTO pack.prepared SELECT zoom_level, tile_column, tile_row FROM pack.tiles"
            )
            self._db.execute(
                "INSERT OR REPLACE INTO pack.metadata SELECT name, value FROM main.metadata "
                "WHERE name = 'lba_territories'"
            )
            count = self._db.execute("SELECT COUNT(*) FROM pack.tiles").fetchone()[0]
        _single_file(target)
        return int(count)

    def merge_prepared(self, source: Path) -> int:
        """Add the tiles of a checked pack file (see `check_tiles_file`) as prepared ones, and
        its territories; returns how many tiles came."""
        pack = TileCache(source)
        territories = pack.territories()
        pack.close()
        with self._lock:
            with self._attached(source):
                self._db.execute(
                    "INSERT OR REPLACE INTO main.tiles SELECT zoom_level, tile_column, tile_row, "
                    "tile_data, used_at FROM pack.tiles"
                )
                self._db.execute(
                    "INSERT OR IGNORE INTO main.prepared "
                    "SELECT zoom_level, tile_column, tile_row FROM pack.tiles"
                )
                count = self._db.execute("SELECT COUNT(*) FROM pack.tiles").fetchone()[0]
            row = self._db.execute(f"SELECT COALESCE(SUM(LENGTH(tile_data)), 0) {_SEEN}")
            self._bytes = int(row.fetchone()[0])
        for territory in territories:
            departements = territory.get("departements")
            zoom = territory.get("zoom_max")
            if isinstance(departements, list) and isinstance(zoom, int):
                self.add_territory([str(d) for d in departements], zoom)
        return int(count)

    @contextmanager
    def _attached(self, other: Path) -> Iterator[None]:
        """`other` attached as « pack », inside one transaction (lock held by the caller)."""
        self._db.execute("ATTACH DATABASE ? AS pack", (str(other),))
        try:
            with self._transaction():
                yield
        finally:
            self._db.execute("DETACH DATABASE pack")

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _single_file(path: Path) -> None:
    """Fold the write-ahead log into the file, so it travels alone."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=DELETE")
    finally:
        db.close()


def check_tiles_file(path: Path) -> int:
    """How many tiles a map file from elsewhere (a data pack) holds, after checking it:
    SQLite's integrity check, the MBTiles tables, every tile an image within the world.
    Raises ValueError with the reason in French."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ValueError("la carte est illisible.") from exc
    try:
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise ValueError("la carte est endommagée (contrôle d'intégrité).")
        db.execute("SELECT zoom_level, tile_column, tile_row, tile_data, used_at FROM tiles")
        bad = db.execute(
            "SELECT COUNT(*) FROM tiles WHERE zoom_level NOT BETWEEN 0 AND 22 "
            "OR tile_column NOT BETWEEN 0 AND (1 << zoom_level) - 1 "
            "OR tile_row NOT BETWEEN 0 AND (1 << zoom_level) - 1 "
            "OR typeof(tile_data) != 'blob' "
            "OR (substr(tile_data, 1, 8) != ? AND substr(tile_data, 1, 3) != ?)",
            (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"),
        ).fetchone()[0]
        if bad:
            raise ValueError(f"la carte contient {bad} tuiles qui ne sont pas des images.")
        return int(db.execute("SELECT COUNT(*) FROM tiles").fetchone()[0])
    except sqlite3.Error as exc:
        raise ValueError("la carte est illisible ou endommagée.") from exc
    finally:
        db.close()
