"""The user-data store: one interface over user.sqlite and a structure's PostgreSQL server."""

from __future__ import annotations

import os
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from lba_desktop import paths
from lba_desktop.data import user_schema, userdb

USER_DB_ENV = "LBA_USER_DB"
PG_SCHEMES = ("postgresql://", "postgres://")
SERVER_SETTING = "user_db"  # the settings key of the shared server's address


class ServerAway(userdb.UserDbError):
    """The structure's server does not answer (stopped, network cut): the window switches
    to its local copy rather than showing an error at each click."""


class SignInRefused(userdb.UserDbError):
    """The server answered but refused this counsellor's role or password."""


class Cursor(Protocol):
    """What the services read back from a statement, on either engine."""

    rowcount: int

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class StoreConnection(Protocol):
    """The connection a transaction hands out: `?` placeholders on both engines."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Cursor: ...


@dataclass(frozen=True, slots=True)
class Change:
    """Another machine (or this one) changed a person's rows: which table, how, whose."""

    table: str
    op: str  # insert, update, delete
    person_id: int | None


class Watch(Protocol):
    """A running subscription to changes; `stop()` ends it."""

    def stop(self) -> None: ...


class UserStore(ABC):
    """Where the counsellors' data lives. Rows read back answer both `row["name"]` and
    `row[0]`; statements use `?` placeholders and the SQL both engines share."""

    dialect: str
    # Said in messages: a file path or « serveur hôte/base », never a password.
    label: str

    @abstractmethod
    def transaction(self, *, serialize: bool = True) -> Any:
        """A context manager: one write transaction, rolled back on any error. With
        `serialize`, writers take turns (as SQLite always does), so a read-then-write in
        one transaction sees no other writer between its read and its write."""

    @abstractmethod
    def read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """The rows of one query, outside any transaction."""

    @abstractmethod
    def person_tables(self) -> list[tuple[str, str]]:
        """The (table, column) pairs holding rows about one person."""

    @abstractmethod
    def compact(self) -> None:
        """Rewrite the storage so erased rows leave no readable copy behind."""

    @abstractmethod
    def close(self) -> None: ...

    def rows_of_person(self, person_id: int) -> dict[str, list[dict[str, object]]]:
        """Every stored row about one person, table by table (for the right of access)."""
        found: dict[str, list[dict[str, object]]] = {
            "people": [
                _as_dict(r) for r in self.read("SELECT * FROM people WHERE id = ?", (person_id,))
            ]
        }
        for table, column in self.person_tables():
            rows = self.read(f'SELECT * FROM "{table}" WHERE "{column}" = ?', (person_id,))
            found[table] = [_as_dict(r) for r in rows]
        return found

    def erase_person(self, person_id: int) -> dict[str, int]:
        """Delete every row about one person from every table, then compact. Returns the
        rows deleted per table (tables with none are left out)."""
        self.check_room_to_erase()
        deleted: dict[str, int] = {}
        with self.transaction() as conn:
            for table, column in self.person_tables():
                cur = conn.execute(f'DELETE FROM "{table}" WHERE "{column}" = ?', (person_id,))
                # Tables with nothing about the person stay out of the report: it lists what
                # was actually there, whatever tables the schema has grown since.
                if cur.rowcount:
                    deleted[table] = cur.rowcount
            deleted["people"] = conn.execute(
                "DELETE FROM people WHERE id = ?", (person_id,)
            ).rowcount
        self.compact()
        return deleted

    @abstractmethod
    def check_room_to_erase(self) -> None:
        """Refuse an erasure before deleting anything when its compaction cannot finish."""

    def watch(self, callback: Callable[[Change], None]) -> Watch | None:
        """Call `callback` (on another thread) for each change committed by any machine;
        None when the store has no other machine to hear from (user.sqlite)."""
        return None

    def __enter__(self) -> UserStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_dict(row: Any) -> dict[str, object]:
    # Iterating a sqlite3.Row gives its values: the names come from keys().
    return dict(zip(row.keys(), row, strict=True))


class SqliteStore(UserStore):
    """user.sqlite: one counsellor, one machine, nothing to install (the default)."""

    dialect = user_schema.SQLITE

    def __init__(self, path: Path | None = None) -> None:
        self.conn = userdb.connect(path)
        self.path: Path = self.conn.path
        self.label = str(self.path)
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self, *, serialize: bool = True) -> Iterator[sqlite3.Connection]:
        # SQLite has one writer at a time whatever `serialize` says.
        with userdb.transaction(self.conn, self._lock) as conn:
            yield conn

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return userdb.read(self.conn, self._lock, sql, params)

    def person_tables(self) -> list[tuple[str, str]]:
        with self._lock:
            return userdb.person_tables(self.conn)

    def check_room_to_erase(self) -> None:
        userdb.check_room_to_compact(self.conn)

    def compact(self) -> None:
        with self._lock:
            try:
                userdb.compact(self.conn)
            except sqlite3.Error as exc:
                raise userdb.storage_error(exc, conn=self.conn) from exc

    def close(self) -> None:
        with self._lock:
            self.conn.close()


def is_server_url(target: object) -> bool:
    return isinstance(target, str) and target.strip().lower().startswith(PG_SCHEMES)


def configured_target() -> Path | str:
    """Where the user data is: `LBA_USER_DB` (a postgresql:// address or a file), else the
    server chosen in the settings (kept in this computer's user.sqlite), else that file."""
    value = os.environ.get(USER_DB_ENV, "").strip() or userdb.local_setting(SERVER_SETTING)
    if not value:
        return paths.user_db_path()
    return value if is_server_url(value) else Path(value).expanduser()


def open_store(target: Path | str | UserStore | None = None) -> UserStore:
    """The store for `target` (a user.sqlite path or a postgresql:// address; the configured
    one when None). A store passed in is returned as it is."""
    if isinstance(target, UserStore):
        return target
    if target is None:
        target = configured_target()
    if is_server_url(target):
        from lba_desktop.data.user_pg import PostgresStore

        return PostgresStore(str(target))
    return SqliteStore(Path(target))
