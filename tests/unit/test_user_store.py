"""The user-data store on both engines: one schema, migrations, two machines on one server."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from lba_desktop.data import user_schema
from lba_desktop.data.user_pg import PostgresStore, connection_settings, pg_sql, server_label
from lba_desktop.data.userdb import UserDbError
from lba_desktop.data.userstore import Change, SqliteStore, configured_target, open_store
from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService
from tests.postgres import PgCluster, free_port


def tables_and_columns(store: SqliteStore | PostgresStore) -> dict[str, list[str]]:
    if isinstance(store, SqliteStore):
        names = [
            r[0]
            for r in store.read(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence'"
            )
        ]
        return {n: sorted(r[1] for r in store.read(f'PRAGMA table_info("{n}")')) for n in names}
    rows = store.read(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name != 'lba_schema'"
    )
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return {t: sorted(c) for t, c in found.items()}


def test_both_engines_end_with_the_same_tables(pg_url: str, tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "user.sqlite") as lite, PostgresStore(pg_url) as pg:
        assert tables_and_columns(lite) == tables_and_columns(pg)
        assert {"people", "shortlist_items", "appointment_requests"} <= set(tables_and_columns(pg))


def test_the_configured_store_follows_lba_user_db(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path, pg_url: str
) -> None:
    assert configured_target() == isolated_home / "user.sqlite"
    monkeypatch.setenv("LBA_USER_DB", pg_url)
    with open_store() as store:
        assert isinstance(store, PostgresStore)
        assert store.label.startswith("serveur PostgreSQL 127.0.0.1:")
    monkeypatch.setenv("LBA_USER_DB", str(isolated_home / "autre.sqlite"))
    with open_store() as store:
        assert isinstance(store, SqliteStore) and store.path.name == "autre.sqlite"


def test_placeholders_are_translated_outside_quotes_only() -> None:
    assert pg_sql("SELECT * FROM t WHERE a = ? AND b LIKE ? ESCAPE '\\'") == (
        "SELECT * FROM t WHERE a = %s AND b LIKE %s ESCAPE '\\'"
    )
    assert pg_sql("SELECT '?', \"a?\", 5 % 2 FROM t WHERE x = ?") == (
        "SELECT '?', \"a?\", 5 %% 2 FROM t WHERE x = %s"
    )
    assert pg_sql("SELECT 'it''s ?' WHERE y = ?") == "SELECT 'it''s ?' WHERE y = %s"


def test_rows_read_by_name_and_by_position(pg_url: str) -> None:
    with PostgresStore(pg_url) as store:
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO people (first_name, created_at, last_activity_at) VALUES (?, ?, ?)",
                ("Inès", "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00"),
            )
        (row,) = store.read("SELECT id, first_name FROM people WHERE first_name LIKE ?", ("In%",))
        assert row["first_name"] == row[1] == "Inès"
        assert row.keys() == ["id", "first_name"]


def test_two_machines_migrating_at_once_migrate_once(pg_url: str) -> None:
    errors: list[BaseException] = []
    stores: list[PostgresStore] = []

    def start() -> None:
        try:
            stores.append(PostgresStore(pg_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with psycopg.connect(pg_url) as raw:
        assert raw.execute("SELECT version FROM lba_schema").fetchall() == [
            (user_schema.SCHEMA_VERSION,)
        ]
    for store in stores:
        store.close()


def test_a_database_from_a_newer_version_is_refused(pg_url: str) -> None:
    PostgresStore(pg_url).close()
    with psycopg.connect(pg_url) as raw:
        raw.execute("UPDATE lba_schema SET version = 99")
    with pytest.raises(UserDbError, match="version plus récente"):
        PostgresStore(pg_url)


def test_a_user_sqlite_of_the_current_release_opens_unchanged(tmp_path: Path) -> None:
    """A v4 file written before the store existed keeps its rows and its version."""
    path = tmp_path / "user.sqlite"
    raw = sqlite3.connect(path)
    for version in range(4):  # the schema of the release before the shared store
        for statement in user_schema.step_sql(version, user_schema.SQLITE):
            raw.execute(statement)
    raw.execute(
        "INSERT INTO people (first_name, created_at, last_activity_at) VALUES (?, ?, ?)",
        ("Yanis", "2026-05-04T10:00:00+00:00", "2026-05-04T10:00:00+00:00"),
    )
    raw.execute("PRAGMA user_version = 4")
    raw.commit()
    raw.close()
    with PeopleService(path) as people:
        assert [p.first_name for p in people.search_people()] == ["Yanis"]
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == (
        user_schema.SCHEMA_VERSION
    )


def test_two_machines_on_one_server_see_each_other(pg_url: str) -> None:
    with PeopleService(pg_url) as first, PeopleService(pg_url) as second:
        lea = first.create_person(first_name="Léa", last_name="Martin")
        assert [p.display_name for p in second.search_people("lea")] == ["Léa Martin"]
        second.update_person(lea.id, notes="Vue au CIO")
        assert first.get_person(lea.id).notes == "Vue au CIO"


def test_writers_on_two_machines_lose_nothing(pg_url: str) -> None:
    """Eight machines each adding people at once: every one of them is there."""
    errors: list[BaseException] = []

    def add(n: int) -> None:
        try:
            with PeopleService(pg_url) as people:
                for i in range(10):
                    people.create_person(first_name=f"Jeune {n}-{i}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with PeopleService(pg_url) as people:
        assert len(people.search_people()) == 80


def test_tls_is_required_to_a_remote_server() -> None:
    with pytest.raises(UserDbError, match="chiffrée"):
        connection_settings("postgresql://conseil@base.mission-locale.fr/suivi?sslmode=disable")
    settings = connection_settings("postgresql://conseil@base.mission-locale.fr/suivi")
    assert settings["sslmode"] == "require"
    local = connection_settings("postgresql://conseil@localhost/suivi")
    assert "sslmode" not in local and local["connect_timeout"] == 5


def test_an_unreachable_server_says_so_without_the_password() -> None:
    url = f"postgresql://conseil:s3cret@127.0.0.1:{free_port()}/suivi"
    assert "s3cret" not in server_label(url)
    with pytest.raises(UserDbError) as caught:
        PeopleService(url)
    text = f"{caught.value.message} {caught.value.hint}"
    assert "ne répond pas" in text and "s3cret" not in text


def test_a_server_restarted_under_a_running_app_is_picked_up_again(
    pg_cluster: PgCluster,
) -> None:
    """The server stops: the next call says so in French; it comes back: the same service
    works again without a restart, and nothing saved before is lost."""
    url = pg_cluster.new_database()
    with PeopleService(url) as people:
        saved = people.create_person(first_name="Sacha")
        pg_cluster.stop()
        try:
            with pytest.raises(UserDbError, match="ne répond pas"):
                people.search_people()
        finally:
            pg_cluster.start()
        assert [p.id for p in people.search_people()] == [saved.id]
        people.update_person(saved.id, notes="Revu après la panne")
        assert people.get_person(saved.id).notes == "Revu après la panne"


class Heard:
    """Changes a watching machine heard, for a test to wait on."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self._new = threading.Condition()

    def __call__(self, change: Change) -> None:
        with self._new:
            self.changes.append(change)
            self._new.notify_all()

    def wait_for(self, predicate: Callable[[Change], bool], timeout: float = 10.0) -> Change:
        with self._new:
            self._new.wait_for(lambda: any(predicate(c) for c in self.changes), timeout)
            return next(c for c in self.changes if predicate(c))


def test_a_change_on_one_machine_is_heard_on_the_other(pg_url: str) -> None:
    with PeopleService(pg_url) as first, PeopleService(pg_url) as second:
        heard = Heard()
        watch = second.watch_changes(heard)
        assert watch is not None
        try:
            assert watch.listening.wait(10)
            lea = first.create_person(first_name="Léa")
            first.add_to_shortlist(lea.id, item=Item(Kind.FORMATION, "F1", title="CAP"))
            assert heard.wait_for(lambda c: c.table == "shortlist_items") == Change(
                "shortlist_items", "insert", lea.id
            )
            assert Change("people", "insert", lea.id) in heard.changes
            # What is notified names no one: a table, an operation, a number.
            first.update_person(lea.id, phone="0612345678")
            assert heard.wait_for(lambda c: c.op == "update" and c.table == "people")
        finally:
            watch.stop()


def test_user_sqlite_has_nothing_to_watch(tmp_path: Path) -> None:
    with PeopleService(tmp_path / "user.sqlite") as people:
        assert people.watch_changes(lambda change: None) is None


def test_the_watch_survives_a_server_restart(pg_cluster: PgCluster) -> None:
    url = pg_cluster.new_database()
    with PeopleService(url) as first, PeopleService(url) as second:
        heard = Heard()
        watch = second.watch_changes(heard)
        assert watch is not None
        try:
            assert watch.listening.wait(10)
            pg_cluster.stop()
            pg_cluster.start()
            assert heard.wait_for(lambda c: c.op == "reconnect", timeout=20)
            sacha = first.create_person(first_name="Sacha")
            assert heard.wait_for(lambda c: c.person_id == sacha.id)
        finally:
            watch.stop()
