"""The shared store on a structure's PostgreSQL server (psycopg 3, the same SQL as SQLite)."""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import conninfo

from lba_desktop.data import keyring_store, user_schema
from lba_desktop.data.userdb import UserDbError
from lba_desktop.data.userstore import Change, ServerAway, SignInRefused, UserStore

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5
# pg_advisory_xact_lock keys: one for migrations, one that serialises writers the way
# SQLite's single writer does (a read-then-write sees no other writer in between).
MIGRATION_LOCK = 0x4C42_4100
WRITE_LOCK = 0x4C42_4101
LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}
# Modes that may talk in clear text or without checking anything: refused to a remote host.
_WEAK_SSL = {"disable", "allow", "prefer"}
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|%")


@functools.lru_cache(maxsize=512)
def pg_sql(sql: str) -> str:
    """The statement with SQLite's `?` placeholders as psycopg's `%s` (and a literal `%` as
    `%%`), leaving quoted strings and names as they are."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        return {"?": "%s", "%": "%%"}.get(token, token)

    return _TOKEN.sub(swap, sql)


class Row(tuple):  # type: ignore[type-arg]
    """A row read by name or by position, like sqlite3.Row."""

    _index: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    names = [d.name for d in cursor.description or ()]
    row_class = type("Row", (Row,), {"_index": {n: i for i, n in enumerate(names)}})
    return lambda values: row_class(values)


class _Connection:
    """A transaction's connection, taking the `?` placeholders the services write."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        return self._conn.execute(pg_sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> psycopg.Cursor[Any]:
        cur = self._conn.cursor()
        cur.executemany(pg_sql(sql), [tuple(r) for r in rows])
        return cur


def server_label(url: str) -> str:
    """« serveur hôte:port/base »: where the data is, without the password."""
    try:
        info = conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "serveur PostgreSQL (adresse illisible)"
    host = str(info.get("host") or "localhost")
    port = f":{info['port']}" if info.get("port") else ""
    return f"serveur PostgreSQL {host}{port}/{info.get('dbname') or ''}"


def connection_settings(url: str) -> dict[str, Any]:
    """The libpq parameters for `url`: a timeout always, TLS to any host but this machine."""
    try:
        info = conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise UserDbError(
            "L'adresse du serveur des données partagées est illisible.",
            hint="Forme attendue : postgresql://conseiller@serveur/base (variable LBA_USER_DB "
            "ou réglages).",
        ) from exc
    remote = _may_be_remote(info)
    mode = str(info.get("sslmode") or "")  # PGSSLMODE is overridden below, not trusted
    if remote and mode in _WEAK_SSL:
        raise UserDbError(
            f"La connexion au serveur des données partagées doit être chiffrée (sslmode={mode}).",
            hint="Retirez sslmode de l'adresse ou mettez sslmode=verify-full : les données "
            "des jeunes ne circulent pas en clair sur le réseau.",
        )
    if remote and not mode:
        info["sslmode"] = "require"
    if not info.get("password"):
        password = _session_passwords.get(account_of(url)) or keyring_store.get(account_of(url))
        if password:
            info["password"] = password
    info.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    info.setdefault("application_name", "lba-desktop")
    return info


def _may_be_remote(info: dict[str, Any]) -> bool:
    """Whether the connection may leave this machine: a host or an address (`hostaddr` is
    where libpq really goes) other than this one, from the address or, when it names none,
    from PGHOST / PGHOSTADDR; a service file's host is not known here: taken as remote."""
    if info.get("service") or (not info.get("host") and os.environ.get("PGSERVICE")):
        return True
    names = []
    for key, env in (("host", "PGHOST"), ("hostaddr", "PGHOSTADDR")):
        value = str(info.get(key) or os.environ.get(env, ""))
        names += [h.strip() for h in value.split(",") if h.strip()]
    return any(h not in LOCAL_HOSTS and not h.startswith("/") for h in names)


def encrypted_enough(host: str, hostaddr: str, ssl_in_use: bool) -> bool:
    """After connecting: clear text only through a Unix socket or to a loopback address
    (whatever the address said, a service file or an environment variable may have sent
    the connection elsewhere)."""
    if ssl_in_use or host.startswith("/") or (not hostaddr and host in LOCAL_HOSTS):
        return True
    try:
        return ipaddress.ip_address(hostaddr).is_loopback
    except ValueError:
        return False


def _refuse_clear_text(conn: psycopg.Connection[Any]) -> None:
    info = conn.info
    if not encrypted_enough(info.host, info.hostaddr, bool(conn.pgconn.ssl_in_use)):
        conn.close()
        raise UserDbError(
            "La connexion au serveur des données partagées doit être chiffrée : ce serveur "
            f"({info.host}) a été joint en clair.",
            hint="Mettez sslmode=verify-full dans l'adresse (ou le fichier de service) : les "
            "données des jeunes ne circulent pas en clair sur le réseau.",
        )


# Typed at sign-in on a computer without a keyring: kept in memory until the application ends.
_session_passwords: dict[str, str] = {}


def account_of(url: str) -> str:
    """The keyring entry of a server account: role, host, port and database, no password."""
    try:
        info = conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "serveur:?"
    role, base = info.get("user") or "", info.get("dbname") or ""
    return f"serveur:{role}@{info.get('host') or 'localhost'}:{info.get('port') or 5432}/{base}"


def written_password(url: str) -> bool:
    """Whether the address itself holds a password (refused in the settings: it is a file)."""
    try:
        return bool(conninfo.conninfo_to_dict(url).get("password"))
    except psycopg.ProgrammingError:
        return False


def role_of(url: str) -> str:
    try:
        return str(conninfo.conninfo_to_dict(url).get("user") or "")
    except psycopg.ProgrammingError:
        return ""


def keep_password(url: str, password: str, *, in_keyring: bool) -> bool:
    """Use `password` for `url` from now on; in the keyring when asked and possible (True),
    else for this session only (False). Never written to a file."""
    _session_passwords[account_of(url)] = password
    return in_keyring and keyring_store.put(account_of(url), password)


def _no_tls_there(exc: psycopg.OperationalError) -> bool:
    # libpq: « server does not support SSL, but SSL was required ».
    return "does not support ssl" in str(exc).lower()


def _sign_in_refused(exc: psycopg.OperationalError) -> bool:
    # libpq says it in the server's language; its codes are not passed for a refused login.
    text = str(exc).lower()
    return any(
        word in text
        for word in ("password", "authentication", "authentification", "mot de passe", "role")
    )


def server_error(exc: BaseException, label: str) -> UserDbError:
    """The French message for a failure talking to the server (never its raw text, which
    may quote the data)."""
    if isinstance(exc, psycopg.OperationalError) and _no_tls_there(exc):
        return UserDbError(
            f"Le {label} n'accepte pas les connexions chiffrées : l'application ne s'y "
            "connecte pas en clair.",
            hint="Demandez à l'administrateur du serveur d'activer TLS (ssl = on).",
        )
    if isinstance(exc, psycopg.OperationalError) and _sign_in_refused(exc):
        return SignInRefused(
            f"Le {label} a refusé la connexion : compte ou mot de passe incorrect.",
            hint="Vérifiez le compte dans Fichier › Réglages › Suivi partagé et saisissez "
            "votre mot de passe.",
        )
    if isinstance(exc, psycopg.OperationalError):
        return ServerAway(
            f"Le serveur des données partagées ne répond pas ({label}).",
            hint="Vérifiez le réseau ou demandez à votre support si le serveur est arrêté ; "
            "la recherche de formations continue de fonctionner.",
        )
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return UserDbError(
            f"Votre compte n'a pas les droits nécessaires sur le {label}.",
            hint="Demandez à l'administrateur de la base de vous les donner.",
        )
    return UserDbError(
        f"Le {label} a refusé l'opération ({type(exc).__name__}).",
        hint="Recommencez ; si cela se reproduit, contactez votre support informatique.",
    )


class PostgresStore(UserStore):
    """The structure's PostgreSQL database, shared by its counsellors' machines.

    One connection per store, in autocommit: each `transaction()` is an explicit one. A lost
    connection is opened again at the next call, so a server restarted under a running
    application is picked up without a restart of the application.
    """

    dialect = user_schema.POSTGRESQL

    def __init__(self, url: str) -> None:
        self.label = server_label(url)
        self._settings = connection_settings(url)
        self._lock = threading.RLock()
        self._conn: psycopg.Connection[Any] | None = None
        with self._lock:
            self._connection()

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is not None and not self._conn.closed and not self._conn.broken:
            return self._conn
        try:
            conn = psycopg.connect(**self._settings, autocommit=True)
        except psycopg.Error as exc:
            raise server_error(exc, self.label) from exc
        _refuse_clear_text(conn)
        conn.row_factory = _row_factory  # type: ignore[assignment]
        try:
            migrate(conn, self.label)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    @contextmanager
    def transaction(self, *, serialize: bool = True) -> Iterator[_Connection]:
        with self._lock:
            conn = self._begin(serialize)
            try:
                yield _Connection(conn)
                conn.execute("COMMIT")
            except BaseException as exc:
                if not conn.broken:
                    with contextlib.suppress(psycopg.Error):
                        conn.execute("ROLLBACK")
                if isinstance(exc, psycopg.Error):
                    raise server_error(exc, self.label) from exc
                raise

    def _begin(self, serialize: bool) -> psycopg.Connection[Any]:
        """Open a transaction. A connection the server dropped (restarted, network cut and
        back) is only found out when used: when BEGIN fails that way, nothing was done
        yet, so a new connection is tried once."""
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.execute("BEGIN")
                if serialize:
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                return conn
            except psycopg.OperationalError as exc:
                self._drop(conn)
                if attempt == 2:
                    raise server_error(exc, self.label) from exc
            except psycopg.Error as exc:
                raise server_error(exc, self.label) from exc
        raise AssertionError("unreachable")

    def _drop(self, conn: psycopg.Connection[Any]) -> None:
        with contextlib.suppress(psycopg.Error):
            conn.close()
        if self._conn is conn:
            self._conn = None

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            for attempt in (1, 2):
                conn = self._connection()
                # Inside a transaction a lost connection lost the transaction: no retry.
                idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
                try:
                    return conn.execute(pg_sql(sql), tuple(params)).fetchall()
                except psycopg.OperationalError as exc:
                    self._drop(conn)
                    if attempt == 2 or not idle:
                        raise server_error(exc, self.label) from exc
                except psycopg.Error as exc:
                    raise server_error(exc, self.label) from exc
            raise AssertionError("unreachable")

    def person_tables(self) -> list[tuple[str, str]]:
        rows = self.read(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND column_name = 'person_id' ORDER BY table_name"
        )
        return [(r[0], "person_id") for r in rows]

    def check_room_to_erase(self) -> None:
        """The server's disk is its administrator's: nothing to check from here."""

    def compact(self) -> None:
        """VACUUM the tables that held the person, so their dead rows are reclaimed now
        rather than at the next autovacuum."""
        tables = ", ".join(f'"{t}"' for t, _ in self.person_tables())
        with self._lock:
            try:
                self._connection().execute(f"VACUUM people, {tables}")
            except psycopg.Error as exc:
                # Only the table owner may VACUUM: the rows are deleted all the same.
                log.warning("VACUUM après effacement impossible (%s)", type(exc).__name__)

    def watch(self, callback: Callable[[Change], None]) -> ChangeListener:
        return ChangeListener(self._settings, callback)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()


class ChangeListener:
    """LISTEN on its own connection, in a daemon thread: each notification committed by any
    machine calls `callback`. A lost server is heard as `Change("*", "lost", None)` and
    retried every few seconds; when it is back the callback hears a
    `Change("*", "reconnect", None)`, since changes made meanwhile were
    not notified to this machine (read everything again)."""

    POLL_S = 0.5
    RETRY_S = 3.0

    def __init__(self, settings: dict[str, Any], callback: Callable[[Change], None]) -> None:
        self._settings = settings
        self._callback = callback
        self._stop = threading.Event()
        self.listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lba-changes", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(**self._settings, autocommit=True) as conn:
                    _refuse_clear_text(conn)
                    conn.execute(f"LISTEN {user_schema.CHANGES_CHANNEL}")
                    self.listening.set()
                    if not first:
                        self._deliver(Change("*", "reconnect", None))
                    first = False
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=self.POLL_S):
                            self._deliver(_change_of(note.payload))
            except psycopg.Error as exc:
                if self.listening.is_set():
                    # Heard at once by the window, rather than at the counsellor's next click.
                    self._deliver(Change("*", "lost", None))
                self.listening.clear()
                log.info("Écoute des changements interrompue (%s)", type(exc).__name__)
                self._stop.wait(self.RETRY_S)

    def _deliver(self, change: Change) -> None:
        try:
            self._callback(change)
        except Exception:
            # A window's handler failing must not end the listening.
            log.exception("Traitement d'un changement impossible")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _change_of(payload: str) -> Change:
    try:
        data = json.loads(payload)
        person = data.get("person_id")
        return Change(str(data["table"]), str(data["op"]), int(person) if person else None)
    except (ValueError, KeyError, TypeError):
        return Change("*", "unknown", None)


def schema_version(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT max(version) FROM lba_schema").fetchone()
    return int(row[0] or 0) if row else 0


def migrate(conn: psycopg.Connection[Any], label: str) -> int:
    """Bring the database to the current version, in one transaction under an advisory lock
    (two machines starting together migrate once); refuse a newer database."""
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS lba_schema (version INTEGER NOT NULL)")
            current = schema_version(conn)
            if current > user_schema.SCHEMA_VERSION:
                raise UserDbError(
                    "Les données partagées ont été enregistrées par une version plus récente "
                    "de LBA Desktop.",
                    hint="Mettez l'application à jour pour les ouvrir.",
                )
            for version in range(current, user_schema.SCHEMA_VERSION):
                for statement in user_schema.step_sql(version, user_schema.POSTGRESQL):
                    conn.execute(statement)
            if current < user_schema.SCHEMA_VERSION:
                conn.execute("DELETE FROM lba_schema")
                conn.execute(
                    "INSERT INTO lba_schema (version) VALUES (%s)", (user_schema.SCHEMA_VERSION,)
                )
                log.info("Données partagées : schéma %d → %d", current, user_schema.SCHEMA_VERSION)
    except psycopg.Error as exc:
        raise server_error(exc, label) from exc
    return user_schema.SCHEMA_VERSION
