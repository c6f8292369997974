"""Which items a catalogue holds, by (kind, id), and the side file that remembers those of the
catalogue seen last, so that « what's new » can tell the items a sync or a data pack brought.

The keys are copied and compared inside SQLite (the catalogue and the previous record attached
to the new record), never gathered into Python sets: memory stays flat however large the
catalogue, and a catalogue already seen is recognised by its identity without reading a key.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from lba_desktop.data.catalogue import ITEM_COLUMNS, row_to_item
from lba_desktop.data.storage import catalogue_error as storage_error
from lba_desktop.models import Item

Key = tuple[str, str]  # (kind, id)
_ITEM_SELECT = ", ".join(f"i.{c}" for c in ITEM_COLUMNS)
# An item without a position or a métier is within nobody's profile: not even built.
_WITHIN_REACH = "i.lat IS NOT NULL AND i.lon IS NOT NULL AND i.romes IS NOT NULL AND i.romes <> ''"


def catalogue_identity(path: Path, built_at: str) -> str:
    """What tells one catalogue file from another without reading it: its build time, and the
    size, modification time and inode of the file (a sync or a data pack writes a new file and
    renames it over the old one, so each of them changes)."""
    st = path.stat()
    return f"{built_at}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}"


def _uri(path: Path, mode: str) -> str:
    # as_uri() escapes the characters (« ? », « # », « % ») that would end a raw file: URI.
    return f"{path.resolve().as_uri()}?mode={mode}"


class SeenCatalogue:
    """The keys of the catalogue seen at the last pass and its identity, in a SQLite file
    beside it (`seen_meta`, and `seen_items` keyed by (kind, id)).

    A new record is written to a staging file then renamed: a pass killed halfway leaves the
    previous record, so the next pass finds the same new items again rather than none.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def identity(self) -> str | None:
        """The identity of the catalogue recorded at the last pass; "" for a record without one
        (written by an earlier version); None when no pass ran yet or the record is unreadable
        (then the next pass starts a new record)."""
        if not self.path.exists():
            return None
        try:
            conn = sqlite3.connect(_uri(self.path, "ro"), uri=True)
            try:
                cur = conn.execute("SELECT * FROM seen_meta")
                row = cur.fetchone()
                names = [d[0] for d in cur.description]
                conn.execute("SELECT kind, id FROM seen_items LIMIT 1").fetchall()
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            return None
        if row is None:
            return None
        return str(dict(zip(names, row, strict=True)).get("identity") or "")

    def compare(self, catalogue_path: Path) -> CatalogueChange:
        """A new record of the catalogue at `catalogue_path`, compared with the previous one;
        it replaces the previous record at `commit()`."""
        return CatalogueChange(self, catalogue_path, previous=self.identity() is not None)

    def write(self, keys: Iterable[Key], *, identity: str = "", built_at: str = "") -> None:
        """Record `keys` as the catalogue seen last (benchmarks and tests stage a past here)."""
        conn, staging = self._staging()
        try:
            _create_record(conn)
            conn.executemany("INSERT OR IGNORE INTO seen_items VALUES (?, ?)", keys)
            conn.execute("INSERT INTO seen_meta VALUES (?, ?)", (built_at, identity))
            conn.execute("COMMIT")
            conn.close()
            os.replace(staging, self.path)
        except (OSError, sqlite3.DatabaseError) as exc:
            conn.close()
            staging.unlink(missing_ok=True)
            raise storage_error(exc, path=self.path) from exc

    def _staging(self) -> tuple[sqlite3.Connection, Path]:
        # A staging file of its own: a second pass at the same time never shares it.
        staging = self.path.with_name(f"{self.path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            staging.unlink(missing_ok=True)
            conn = sqlite3.connect(_uri(staging, "rwc"), uri=True, isolation_level=None)
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute("BEGIN")
        except (OSError, sqlite3.DatabaseError) as exc:
            staging.unlink(missing_ok=True)
            raise storage_error(exc, path=self.path) from exc
        return conn, staging


def _create_record(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE seen_meta (built_at TEXT NOT NULL, identity TEXT NOT NULL)")
    # Keyed by (kind, id): the set difference with the next catalogue is one ordered walk.
    conn.execute(
        "CREATE TABLE seen_items (kind TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, id)) "
        "WITHOUT ROWID"
    )


class CatalogueChange:
    """The record of a catalogue being written, with what it holds that the previous record
    did not (`fresh_count`, `fresh_items`) and whether it holds a key (`holds`)."""

    def __init__(self, seen: SeenCatalogue, catalogue_path: Path, *, previous: bool) -> None:
        self.seen = seen
        self.has_previous = previous
        self.conn, self._staging = seen._staging()
        try:
            before = catalogue_path.stat()
            self.conn.execute("ATTACH DATABASE ? AS cat", (_uri(catalogue_path, "ro"),))
            row = self.conn.execute("SELECT value FROM cat.meta WHERE key = 'built_at'").fetchone()
            self.built_at = str(row[0]) if row else ""
            _create_record(self.conn)
            # The unique index on (kind, id) hands the keys over already in order.
            self.conn.execute(
                "INSERT INTO seen_items SELECT kind, id FROM cat.items ORDER BY kind, id"
            )
            identity = catalogue_identity(catalogue_path, self.built_at)
            after = catalogue_path.stat()
            if (before.st_ino, before.st_mtime_ns) != (after.st_ino, after.st_mtime_ns):
                identity = ""  # replaced while read: the next pass compares the keys again
            self.conn.execute("INSERT INTO seen_meta VALUES (?, ?)", (self.built_at, identity))
            self.conn.execute("COMMIT")
            self._fresh = 0
            if previous:
                self.conn.execute("ATTACH DATABASE ? AS prev", (_uri(seen.path, "ro"),))
                # The set difference, once, in a temporary table (spilled to disk when large).
                self.conn.execute(
                    "CREATE TEMP TABLE fresh (kind TEXT, id TEXT, PRIMARY KEY (kind, id)) "
                    "WITHOUT ROWID"
                )
                self.conn.execute(f"INSERT INTO temp.fresh {self._difference()}")
                self._fresh = self.conn.execute("SELECT count(*) FROM temp.fresh").fetchone()[0]
        except (OSError, sqlite3.DatabaseError) as exc:
            self.abort()
            raise storage_error(exc, path=catalogue_path) from exc

    def __enter__(self) -> CatalogueChange:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abort()  # after a commit there is nothing left to abort

    def _difference(self) -> str:
        if self.conn.execute("PRAGMA prev.index_list('seen_items')").fetchall():
            return (
                "SELECT kind, id FROM main.seen_items s WHERE NOT EXISTS "
                "(SELECT 1 FROM prev.seen_items p WHERE p.kind = s.kind AND p.id = s.id)"
            )
        # A record of an earlier version, without its key: EXCEPT sorts both sides instead.
        return "SELECT kind, id FROM main.seen_items EXCEPT SELECT kind, id FROM prev.seen_items"

    def fresh_count(self) -> int:
        """How many items of this catalogue the previous record did not hold."""
        return self._fresh

    def fresh_items(self) -> Iterator[Item]:
        """The new items that may be within someone's profile (a position and a métier), read
        as the caller consumes them."""
        if not self._fresh:
            return
        # CROSS JOIN keeps the new keys outside: else the planner may walk the whole catalogue.
        cur = self._read(
            f"SELECT {_ITEM_SELECT} FROM temp.fresh s "
            f"CROSS JOIN cat.items i ON i.kind = s.kind AND i.id = s.id WHERE {_WITHIN_REACH}"
        )
        try:
            for row in cur:
                yield row_to_item(row)
        except sqlite3.DatabaseError as exc:
            raise storage_error(exc, path=self.seen.path) from exc

    def holds(self, key: Key) -> bool:
        found = self._read("SELECT 1 FROM main.seen_items WHERE kind = ? AND id = ?", key)
        return found.fetchone() is not None

    def commit(self) -> None:
        """This catalogue becomes the one seen last."""
        try:
            self.conn.close()
            os.replace(self._staging, self.seen.path)
        except OSError as exc:
            self.abort()
            raise storage_error(exc, path=self.seen.path) from exc

    def abort(self) -> None:
        self.conn.close()
        self._staging.unlink(missing_ok=True)

    def _read(self, sql: str, params: tuple[str, ...] = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.DatabaseError as exc:
            raise storage_error(exc, path=self.seen.path) from exc
