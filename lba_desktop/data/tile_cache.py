"""The map tile cache: one MBTiles file (SQLite) in the data folder, bounded in size, the least
recently used tiles removed first."""

from __future__ import annotations

import sqlite3
import threading
import time
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
"""
DEFAULT_MAX_BYTES = 500 * 1024 * 1024


class TileCache:
    """Tiles by (z, x, y) in the XYZ scheme the map asks for (MBTiles rows are flipped)."""

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
            row = self._db.execute("SELECT COALESCE(SUM(LENGTH(tile_data)), 0) FROM tiles")
            self._bytes = int(row.fetchone()[0])

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

    def put(self, z: int, x: int, y: int, data: bytes) -> None:
        with self._lock:
            old = self._db.execute(
                "SELECT LENGTH(tile_data) FROM tiles "
                "WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, self._row(z, y)),
            ).fetchone()
            self._db.execute(
                "INSERT OR REPLACE INTO tiles VALUES (?, ?, ?, ?, ?)",
                (z, x, self._row(z, y), data, time.time()),
            )
            self._bytes += len(data) - (old[0] if old else 0)
            if self._bytes > self.max_bytes:
                self._shrink()

    def _shrink(self) -> None:
        """Drop the least recently used tiles until the file holds 90 % of its bound."""
        target = self.max_bytes * 0.9
        rows = self._db.execute(
            "SELECT zoom_level, tile_column, tile_row, LENGTH(tile_data) FROM tiles "
            "ORDER BY used_at"
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
        return self._bytes

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM tiles").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
