"""The counsellors' database (user.sqlite): schema, migrations, connections and erasure."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lba_desktop import paths
from lba_desktop.data import user_schema
from lba_desktop.data.network_fs import network_filesystem
from lba_desktop.data.storage import LOW_SPACE, free_bytes, full_disk, storage_failure
from lba_desktop.errors import LbaError

USER_SCHEMA_VERSION = user_schema.SCHEMA_VERSION
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


def _apply_step(conn: sqlite3.Connection, version: int) -> None:
    for statement in user_schema.step_sql(version, user_schema.SQLITE):
        conn.execute(statement)


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
            _apply_step(conn, version)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise
    return USER_SCHEMA_VERSION


def local_setting(key: str, path: Path | None = None) -> str:
    """One text setting of this computer's user.sqlite, "" when absent (read without creating
    the file: a first start has none)."""
    path = path or paths.user_db_path()
    if not path.exists():
        return ""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return ""  # no settings table yet, or a damaged file the next open will report
    try:
        value = json.loads(row[0]) if row else ""
    except ValueError:
        return ""
    return value.strip() if isinstance(value, str) else ""


def connect(path: Path | None = None) -> sqlite3.Connection:
    """Open (creating and migrating if needed) user.sqlite for one service.

    WAL lets the window read while a task writes; busy_timeout rides out short locks;
    secure_delete zeroes deleted rows so erased personal data does not linger in free pages.
    Autocommit mode: callers open explicit transactions.
    """
    path = path or paths.user_db_path()
    refuse_network_folder(path.parent)
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


def refuse_network_folder(folder: Path) -> None:
    """user.sqlite on NFS or a Windows share would be corrupted sooner or later: say why,
    and what to do instead, before anything is opened."""
    kind = network_filesystem(folder)
    if kind:
        raise UserDbError(
            f"Le dossier des données ({folder}) est sur un disque réseau ({kind}) : "
            "les données des conseillers n'y seraient pas en sécurité (SQLite ne peut pas "
            "y verrouiller son fichier).",
            hint="Choisissez un dossier sur le disque de cet ordinateur (LBA_DESKTOP_HOME), "
            "ou, pour partager le suivi entre conseillers, un serveur PostgreSQL "
            "(LBA_USER_DB=postgresql://…).",
        )


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


def check_room_to_compact(conn: sqlite3.Connection) -> None:
    """Refuse before deleting anything when VACUUM could not rewrite the file: a failed
    VACUUM would leave the deleted rows' pages on disk."""
    path = getattr(conn, "path", None)
    if path is not None:
        needed = Path(path).stat().st_size + LOW_SPACE
        free = free_bytes(path)
        if free is not None and free < needed:
            raise full_disk(path, needed=needed)


def compact(conn: sqlite3.Connection) -> None:
    """VACUUM rebuilds the file without the freed pages, and the TRUNCATE checkpoint empties
    the write-ahead log, which may still hold copies of the deleted pages."""
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
