"""Sync storage: the resume state of an interrupted sync, the staging copy and the sync journal."""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from lba_desktop.data.catalogue import ITEM_COLUMNS, CatalogueWriter, storage_error
from lba_desktop.data.insertion_store import TABLE as INSERTION_TABLE
from lba_desktop.data.insertion_store import copy_insertion
from lba_desktop.errors import StorageDamaged

# A resume state older than this is not trusted: upstream data has moved on since.
MAX_RESUME_AGE_S = 24 * 3600


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One sync as the journal keeps it (warnings and errors in French)."""

    started_at: str
    ended_at: str
    scope: dict[str, Any]
    status: str  # "ok", "cancelled", "failed"
    calls: int
    items: int
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    summary: dict[str, Any] = field(default_factory=dict)

    def to_row(self) -> tuple[Any, ...]:
        scope = dict(self.scope)
        if self.summary:
            scope["_summary"] = self.summary
        return (
            self.started_at,
            self.ended_at,
            json.dumps(scope, ensure_ascii=False, sort_keys=True),
            self.status,
            self.calls,
            self.items,
            json.dumps(list(self.warnings), ensure_ascii=False),
            json.dumps(list(self.errors), ensure_ascii=False),
        )

    @classmethod
    def from_row(cls, row: Iterable[Any]) -> JournalEntry:
        started, ended, scope, status, calls, items, warnings, errors = row
        scope_dict = _loads(scope, {})
        summary = scope_dict.pop("_summary", {}) if isinstance(scope_dict, dict) else {}
        return cls(
            started_at=started or "",
            ended_at=ended or "",
            scope=scope_dict if isinstance(scope_dict, dict) else {},
            status=status or "",
            calls=int(calls or 0),
            items=int(items or 0),
            warnings=tuple(_loads(warnings, [])),
            errors=tuple(_loads(errors, [])),
            summary=summary if isinstance(summary, dict) else {},
        )


def _loads(text: str | None, default: Any) -> Any:
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default


_JOURNAL_INSERT = (
    "INSERT INTO sync_journal (started_at, ended_at, scope, status, calls, items, warnings, "
    "errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_JOURNAL_SELECT = (
    "SELECT started_at, ended_at, scope, status, calls, items, warnings, errors FROM sync_journal"
)


# --- Resume state ---------------------------------------------------------------------------


def _open_state(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        conn.executescript(
            "CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT);"
            "CREATE TABLE IF NOT EXISTS calls (key TEXT PRIMARY KEY, payload BLOB NOT NULL,"
            " finished_at REAL NOT NULL);"
            "CREATE TABLE IF NOT EXISTS journal (id INTEGER PRIMARY KEY, started_at TEXT,"
            " ended_at TEXT, scope TEXT, status TEXT, calls INTEGER, items INTEGER,"
            " warnings TEXT, errors TEXT);"
        )
    except BaseException:
        conn.close()
        raise
    return conn


class ResumeStore:
    """`sync-state.sqlite`: the answer of every finished call, committed one call at a time.

    Keyed by a scope fingerprint: a sync of another scope (or a stale state) starts afresh.
    It also keeps the journal entries of syncs that did not change the catalogue (failed,
    cancelled), until a successful sync carries them into the catalogue's journal.
    """

    def __init__(self, path: Path, *, clock: Any = time.time) -> None:
        self.path = path
        self._clock = clock
        try:
            self.conn = _open_state(path)
        except sqlite3.DatabaseError as exc:
            failure = storage_error(exc, path=path)
            if not isinstance(failure, StorageDamaged):
                raise failure from exc
            # An unreadable state is only a lost shortcut: start again without it.
            path.unlink(missing_ok=True)
            self.conn = _open_state(path)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        try:
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                yield self.conn
        except sqlite3.OperationalError as exc:
            raise storage_error(exc, path=self.path) from exc

    def begin(self, scope_key: str, *, restart: bool = False) -> int:
        """Use the state for `scope_key`; return how many finished calls it already holds."""
        row = self.conn.execute("SELECT value FROM state WHERE key = 'scope'").fetchone()
        started = self.conn.execute("SELECT value FROM state WHERE key = 'started'").fetchone()
        stale = started is None or self._clock() - float(started[0]) > MAX_RESUME_AGE_S
        if restart or row is None or row[0] != scope_key or stale:
            with self._writing() as conn:
                conn.execute("DELETE FROM calls")
                conn.execute(
                    "INSERT OR REPLACE INTO state VALUES ('scope', ?), ('started', ?)",
                    (scope_key, repr(self._clock())),
                )
        return int(self.conn.execute("SELECT count(*) FROM calls").fetchone()[0])

    def finished(self, call_key: str) -> Any | None:
        """The stored answer of a call finished by an earlier run, or None."""
        row = self.conn.execute("SELECT payload FROM calls WHERE key = ?", (call_key,)).fetchone()
        if row is None:
            return None
        try:
            return orjson.loads(zlib.decompress(row[0]))
        except (zlib.error, ValueError):
            return None

    def record(self, call_key: str, payload: Any) -> None:
        """Keep a call's answer; committed (and synced) before the next call starts."""
        blob = zlib.compress(orjson.dumps(payload), 1)
        with self._writing() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO calls VALUES (?, ?, ?)", (call_key, blob, self._clock())
            )

    def add_journal(self, entry: JournalEntry) -> None:
        with self._writing() as conn:
            conn.execute(_JOURNAL_INSERT.replace("sync_journal", "journal"), entry.to_row())

    def pending_journal(self) -> list[JournalEntry]:
        rows = self.conn.execute(
            _JOURNAL_SELECT.replace("sync_journal", "journal") + " ORDER BY id"
        ).fetchall()
        return [JournalEntry.from_row(r) for r in rows]

    def delete(self) -> None:
        """A finished sync needs no resume state: remove the file."""
        self.conn.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)


def read_pending_journal(path: Path) -> list[JournalEntry]:
    """Journal entries waiting in a resume state file (read-only; [] when there is none)."""
    if not path.exists():
        return []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                _JOURNAL_SELECT.replace("sync_journal", "journal") + " ORDER BY id"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return []
    return [JournalEntry.from_row(r) for r in rows]


# --- Reading the current catalogue ----------------------------------------------------------


def _open_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def catalogue_breakdown(path: Path) -> dict[tuple[str, str], int]:
    """Item count per (kind, département) of a catalogue file."""
    conn = _open_ro(path)
    try:
        rows = conn.execute(
            "SELECT kind, departement, count(*) FROM items GROUP BY kind, departement"
        ).fetchall()
    finally:
        conn.close()
    return {(kind, dep or ""): n for kind, dep, n in rows}


def catalogue_meta(path: Path) -> dict[str, str]:
    conn = _open_ro(path)
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()


def held_insertion_millesimes(path: Path) -> dict[str, str]:
    """The latest millésime of InserJeunes rates per level a catalogue file holds."""
    conn = _open_ro(path)
    try:
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = ?", (INSERTION_TABLE,)
        ).fetchone():
            return {}
        rows = conn.execute(
            f"SELECT level, max(millesime) FROM {INSERTION_TABLE} GROUP BY level"
        ).fetchall()
    finally:
        conn.close()
    return {level: millesime for level, millesime in rows}


def read_journal(path: Path, *, limit: int = 20) -> list[JournalEntry]:
    """The latest journal entries of a catalogue file, newest first."""
    conn = _open_ro(path)
    try:
        rows = conn.execute(_JOURNAL_SELECT + " ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    except sqlite3.DatabaseError:
        return []
    finally:
        conn.close()
    return [JournalEntry.from_row(r) for r in rows]


# --- Filling the staging catalogue ----------------------------------------------------------


@contextmanager
def _attached(writer: CatalogueWriter, old: Path) -> Iterator[sqlite3.Connection]:
    # ATTACH is refused inside a transaction: close the writer's one, reopen it afterwards.
    conn = writer.conn
    conn.execute("COMMIT")
    conn.execute("ATTACH DATABASE ? AS old", (str(old),))
    try:
        conn.execute("BEGIN")
        yield conn
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        conn.execute("ROLLBACK")
        raise storage_error(exc) from exc
    finally:
        conn.execute("DETACH DATABASE old")
        conn.execute("BEGIN")


def copy_kept_rows(
    writer: CatalogueWriter,
    old: Path,
    *,
    replaced_items: Iterable[tuple[str, str]],
    replaced_freshness: Iterable[tuple[str, str]],
    copy_items: bool = True,
) -> int:
    """Copy into the staging catalogue what the sync does not replace; return the item count.

    Items whose (kind, département) is in `replaced_items` and freshness rows whose
    (source, département) is in `replaced_freshness` are left out; the journal is kept whole.
    """
    cols = ", ".join(c for c in ITEM_COLUMNS)
    with _attached(writer, old) as conn:
        conn.execute("CREATE TEMP TABLE replaced_items (kind TEXT, departement TEXT)")
        conn.execute("CREATE TEMP TABLE replaced_fresh (source TEXT, departement TEXT)")
        conn.executemany("INSERT INTO replaced_items VALUES (?, ?)", list(replaced_items))
        conn.executemany("INSERT INTO replaced_fresh VALUES (?, ?)", list(replaced_freshness))
        copied = 0
        if copy_items:
            copied = conn.execute(
                f"INSERT OR REPLACE INTO main.items ({cols}) SELECT {cols} FROM old.items "
                "WHERE (kind, coalesce(departement, '')) NOT IN "
                "(SELECT kind, departement FROM temp.replaced_items)"
            ).rowcount
            conn.execute(
                "INSERT OR REPLACE INTO main.freshness SELECT * FROM old.freshness "
                "WHERE (source, departement) NOT IN "
                "(SELECT source, departement FROM temp.replaced_fresh)"
            )
        has_journal = conn.execute(
            "SELECT 1 FROM old.sqlite_master WHERE name = 'sync_journal'"
        ).fetchone()
        if has_journal:
            conn.execute(
                "INSERT INTO main.sync_journal (started_at, ended_at, scope, status, calls, "
                "items, warnings, errors) SELECT started_at, ended_at, scope, status, calls, "
                "items, warnings, errors FROM old.sync_journal ORDER BY id"
            )
        conn.execute("DROP TABLE temp.replaced_items")
        conn.execute("DROP TABLE temp.replaced_fresh")
    return copied


def copy_insertion_rows(writer: CatalogueWriter, old: Path, *, levels: Iterable[str]) -> int:
    """Keep the InserJeunes rates of these levels from the current catalogue."""
    with _attached(writer, old) as conn:
        return copy_insertion(conn, "old", levels=levels)


def add_journal_entries(writer: CatalogueWriter, entries: Iterable[JournalEntry]) -> None:
    try:
        writer.conn.executemany(_JOURNAL_INSERT, [e.to_row() for e in entries])
    except sqlite3.OperationalError as exc:
        raise storage_error(exc) from exc


def staging_sources(writer: CatalogueWriter, kind: str) -> dict[str, int]:
    """Item count per upstream source of one kind in the staging catalogue."""
    rows = writer.conn.execute(
        "SELECT source, count(*) FROM items WHERE kind = ? GROUP BY source", (kind,)
    ).fetchall()
    return {source: n for source, n in rows}


def staging_breakdown(writer: CatalogueWriter) -> dict[tuple[str, str], int]:
    """Item count per (kind, département) of the staging catalogue being written."""
    rows = writer.conn.execute(
        "SELECT kind, departement, count(*) FROM items GROUP BY kind, departement"
    ).fetchall()
    return {(kind, dep or ""): n for kind, dep, n in rows}
