"""The counsellors' database (user.sqlite): schema, migrations, connections and erasure."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lba_desktop import paths
from lba_desktop.data.storage import LOW_SPACE, free_bytes, full_disk, storage_failure
from lba_desktop.errors import LbaError

USER_SCHEMA_VERSION = 4
BUSY_TIMEOUT_MS = 5000
# Switching a new file to WAL and migrating it take locks SQLite may refuse at once (busy
# handler not consulted) when several threads of this process open the file together.
_setup_lock = threading.Lock()

# Tables holding rows about one person, as (table, column naming the person). Modules that
# add such a table (e.g. the appointment outbox) call `register_person_table` at import time.
# Any table with a `person_id` column is erased too, even if its module was never imported:
# forgetting a registration must not leave personal data behind.
_PERSON_TABLES: list[tuple[str, str]] = [
    ("shortlist_items", "person_id"),
    ("appointment_requests", "person_id"),
]
_registry_lock = threading.Lock()


class UserDbError(LbaError):
    """user.sqlite cannot be opened or written."""


def register_person_table(table: str, column: str = "person_id") -> None:
    """Declare a table whose rows belong to one person, so exports and erasure include it."""
    if not (table.isidentifier() and column.isidentifier()):
        raise ValueError("table and column must be plain SQL identifiers")
    with _registry_lock:
        if (table, column) not in _PERSON_TABLES:
            _PERSON_TABLES.append((table, column))


def person_tables(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Registered tables plus every table with a `person_id` column, as present in the file."""
    existing = {
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    with _registry_lock:
        found = [(t, c) for t, c in _PERSON_TABLES if t in existing]
    for table in sorted(existing - {"people"}):
        columns = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        if "person_id" in columns and (table, "person_id") not in found:
            found.append((table, "person_id"))
    return found


# --- Schema and migrations ---------------------------------------------------------------


def _create_v1(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            first_name TEXT NOT NULL CHECK (first_name != ''),
            last_name TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            home_insee TEXT NOT NULL DEFAULT '',
            home_label TEXT NOT NULL DEFAULT '',
            home_lat REAL,
            home_lon REAL,
            home_departement TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            search_key TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            last_activity_at TEXT NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX people_activity ON people (last_activity_at)")
    conn.execute(
        """CREATE TABLE shortlist_items (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            item_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            status TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            organisation TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            commune TEXT NOT NULL DEFAULT '',
            postcode TEXT NOT NULL DEFAULT '',
            insee TEXT NOT NULL DEFAULT '',
            departement TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            lat REAL,
            lon REAL,
            distance_km REAL,
            source TEXT NOT NULL DEFAULT '',
            diploma_level INTEGER,
            fictitious INTEGER NOT NULL DEFAULT 0,
            available INTEGER NOT NULL DEFAULT 1,
            checked_at TEXT NOT NULL DEFAULT '',
            UNIQUE (person_id, kind, item_id)
        )"""
    )
    conn.execute("CREATE INDEX shortlist_order ON shortlist_items (person_id, position)")


def _appointments_v2(conn: sqlite3.Connection) -> None:
    """The RDV Apprentissage outbox: a request is stored here before anything is sent."""
    # The person's contact details are copied, not referenced: the request must say what was
    # actually sent, even if the person's record changes afterwards.
    conn.execute(
        """CREATE TABLE appointment_requests (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
            shortlist_entry_id INTEGER REFERENCES shortlist_items (id) ON DELETE SET NULL,
            cle_ministere_educatif TEXT NOT NULL CHECK (cle_ministere_educatif != ''),
            idempotency_key TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL,
            channel TEXT NOT NULL DEFAULT '',
            first_name TEXT NOT NULL DEFAULT '',
            last_name TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            applicant_type TEXT NOT NULL DEFAULT 'etudiant',
            reasons TEXT NOT NULL DEFAULT '',
            message TEXT NOT NULL DEFAULT '',
            origin TEXT NOT NULL DEFAULT '',
            training_title TEXT NOT NULL DEFAULT '',
            cfa_name TEXT NOT NULL DEFAULT '',
            cfa_email TEXT NOT NULL DEFAULT '',
            cfa_phone TEXT NOT NULL DEFAULT '',
            training_address TEXT NOT NULL DEFAULT '',
            rdv_eligible INTEGER,
            form_url TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            queued_at TEXT NOT NULL DEFAULT '',
            sent_at TEXT NOT NULL DEFAULT '',
            transmitted_at TEXT NOT NULL DEFAULT '',
            attempts INTEGER NOT NULL DEFAULT 0,
            last_attempt_at TEXT NOT NULL DEFAULT '',
            next_retry_at TEXT NOT NULL DEFAULT '',
            failure_reason TEXT NOT NULL DEFAULT '',
            upstream_messages TEXT NOT NULL DEFAULT '[]',
            upstream_id TEXT NOT NULL DEFAULT '',
            upstream_answer TEXT NOT NULL DEFAULT '{}'
        )"""
    )
    conn.execute(
        "CREATE INDEX appointment_person ON appointment_requests "
        "(person_id, cle_ministere_educatif, created_at)"
    )
    conn.execute("CREATE INDEX appointment_due ON appointment_requests (status, next_retry_at)")
    conn.execute("CREATE INDEX appointment_entry ON appointment_requests (shortlist_entry_id)")


def _settings_v3(conn: sqlite3.Connection) -> None:
    """The application settings, one JSON value per key (see lba_desktop.settings)."""
    # Key/value rather than columns: a new setting needs no migration, and a file written
    # later with more keys still opens (unknown keys are ignored).
    conn.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _appointment_claims_v4(conn: sqlite3.Connection) -> None:
    """Who is sending a request, until when: the claim that lets one process post it."""
    # Taken in the same transaction that marks the request « en cours d'envoi »; a process
    # that dies while sending leaves a claim that expires, so another one resumes the work.
    conn.execute("ALTER TABLE appointment_requests ADD COLUMN claimed_by TEXT NOT NULL DEFAULT ''")
    conn.execute(
        "ALTER TABLE appointment_requests ADD COLUMN claim_expires_at TEXT NOT NULL DEFAULT ''"
    )


# Index i creates version i + 1 from version i; version 0 is an empty file.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _create_v1,
    _appointments_v2,
    _settings_v3,
    _appointment_claims_v4,
)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the file to the current version; refuse a file written by a newer application."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > USER_SCHEMA_VERSION:
        raise UserDbError(
            "Les données des conseillers ont été enregistrées par une version plus récente "
            "de LBA Desktop.",
            hint="Mettez l'application à jour pour les ouvrir.",
        )
    for version in range(current, USER_SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # On a first start the window, the settings and a task open the file at once:
            # another connection may have run this step while this one waited for the lock.
            if conn.execute("PRAGMA user_version").fetchone()[0] > version:
                conn.execute("COMMIT")
                continue
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise
    return USER_SCHEMA_VERSION


def connect(path: Path | None = None) -> sqlite3.Connection:
    """Open (creating and migrating if needed) user.sqlite for one service.

    WAL lets the window read while a task writes; busy_timeout rides out short locks;
    secure_delete zeroes deleted rows so erased personal data does not linger in free pages.
    Autocommit mode: callers open explicit transactions.
    """
    path = path or paths.user_db_path()
    conn: UserConnection | None = None
    try:
        paths.private_folder(path.parent)
        paths.private_file(path)
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, factory=UserConnection
        )
        conn.path = path
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        with _setup_lock:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            migrate(conn)
        # SQLite gives -wal and -shm the main file's mode; a file from an older version may
        # still have them readable by all.
        for suffix in ("-wal", "-shm"):
            paths.private_file(Path(f"{path}{suffix}"), create=False)
    except (sqlite3.DatabaseError, OSError) as exc:
        if conn is not None:
            conn.close()
        raise storage_error(exc, conn=conn) from exc
    conn.row_factory = sqlite3.Row
    return conn


USER_DB_LABEL = "Les données des conseillers (user.sqlite)"
USER_DB_DAMAGED_HINT = (
    "Restaurez une sauvegarde du fichier ou contactez votre support informatique."
)


class UserConnection(sqlite3.Connection):
    """A connection to user.sqlite that knows its file, so an error can say where it is."""

    path: Path


def storage_error(exc: BaseException, *, conn: Any = None, needed: int | None = None) -> LbaError:
    """The typed French error for a failure on user.sqlite: disque plein (where, how much),
    fichier endommagé (only then: restore a copy), busy, or not reachable."""
    path = getattr(conn, "path", None) or paths.user_db_path()
    if needed is None:
        # Writes go to the write-ahead log and a rewrite (erasure) copies the whole file.
        try:
            needed = Path(path).stat().st_size
        except OSError:
            needed = None
    return storage_failure(
        exc,
        path=Path(path),
        label=USER_DB_LABEL,
        damaged_hint=USER_DB_DAMAGED_HINT,
        needed=needed,
        busy_message="Les données des conseillers sont occupées par une autre opération.",
    )


@contextmanager
def transaction(conn: sqlite3.Connection, lock: threading.RLock) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once (IMMEDIATE) so that two writers never deadlock;
    rolled back on any error, which comes out as a French `LbaError`."""
    with lock:
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                rollback(conn)
                raise
        except sqlite3.Error as exc:
            raise storage_error(exc, conn=conn) from exc


def rollback(conn: sqlite3.Connection) -> None:
    """Undo the open transaction, if SQLite has not already: after SQLITE_FULL it rolls back
    by itself, and a second ROLLBACK would hide the real error behind « no transaction »."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def read(
    conn: sqlite3.Connection, lock: threading.RLock, sql: str, params: Sequence[Any] = ()
) -> list[sqlite3.Row]:
    with lock:
        try:
            return conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as exc:
            raise storage_error(exc, conn=conn) from exc


def rows_of_person(conn: sqlite3.Connection, person_id: int) -> dict[str, list[dict[str, object]]]:
    """Every stored row about one person, table by table (for the right of access)."""
    found: dict[str, list[dict[str, object]]] = {}
    cursor = conn.execute("SELECT * FROM people WHERE id = ?", (person_id,))
    found["people"] = [
        dict(zip([d[0] for d in cursor.description], r, strict=True)) for r in cursor
    ]
    for table, column in person_tables(conn):
        cursor = conn.execute(f'SELECT * FROM "{table}" WHERE "{column}" = ?', (person_id,))
        names = [d[0] for d in cursor.description]
        found[table] = [dict(zip(names, r, strict=True)) for r in cursor]
    return found


def erase_person(conn: sqlite3.Connection, person_id: int) -> dict[str, int]:
    """Delete every row about one person from every table, then rewrite the file.

    VACUUM rebuilds the file without the freed pages, and the TRUNCATE checkpoint empties
    the write-ahead log, which may still hold copies of the deleted pages.
    Returns the number of rows deleted per table (tables with none are left out).
    """
    # The rewrite needs room for a copy of the file: refuse before deleting anything rather
    # than leave the deleted rows' pages on disk after a failed VACUUM.
    path = getattr(conn, "path", None)
    if path is not None:
        needed = Path(path).stat().st_size + LOW_SPACE
        free = free_bytes(path)
        if free is not None and free < needed:
            raise full_disk(path, needed=needed)
    deleted: dict[str, int] = {}
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table, column in person_tables(conn):
            cur = conn.execute(f'DELETE FROM "{table}" WHERE "{column}" = ?', (person_id,))
            # Tables with nothing about the person stay out of the report: it lists what was
            # actually there, whatever tables the schema has grown since.
            if cur.rowcount:
                deleted[table] = cur.rowcount
        deleted["people"] = conn.execute("DELETE FROM people WHERE id = ?", (person_id,)).rowcount
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    compact(conn)
    return deleted


def compact(conn: sqlite3.Connection) -> None:
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
