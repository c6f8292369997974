"""Signing in to the shared follow-up: the server's address checked, the password in the
keyring or for the session only (never in a file), the counsellor's name on every change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import keyring
import psycopg
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from lba_desktop import paths
from lba_desktop.data import user_pg
from lba_desktop.data.user_pg import connection_settings, server_error
from lba_desktop.data.userdb import UserDbError
from lba_desktop.data.userstore import ServerAway, SignInRefused, configured_target
from lba_desktop.errors import InvalidInput
from lba_desktop.people import PeopleService
from lba_desktop.people.account import check_server_address, keep_password, password_kept
from lba_desktop.settings import Settings, save_settings, validate
from tests.postgres import SUPERUSER, PgCluster


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _forget_session_passwords() -> Iterator[None]:
    yield
    user_pg._session_passwords.clear()


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("https://serveur/suivi", "postgresql://"),
        ("postgresql://anne:s3cret@serveur.cantal.fr/suivi", "mot de passe"),
        ("postgresql://anne@serveur.cantal.fr/suivi?sslmode=disable", "chiffrée"),
        ("postgresql://serveur.cantal.fr/suivi", "votre compte"),
    ],
)
def test_a_wrong_server_address_is_refused_in_french(address: str, said: str) -> None:
    with pytest.raises(InvalidInput, match=said):
        check_server_address(address)
    assert "user_db" in validate(replace(Settings(), user_db=address))


def test_a_good_address_passes_and_tls_is_asked_of_a_remote_server() -> None:
    remote = "postgresql://anne@serveur.cantal.fr/suivi"
    assert check_server_address(f" {remote} ") == remote
    assert connection_settings(remote)["sslmode"] == "require"
    assert "sslmode" not in connection_settings("postgresql://anne@localhost/suivi")


def test_the_password_goes_to_the_keyring_never_to_a_file(
    memory_keyring: MemoryKeyring, pg_url: str
) -> None:
    assert keep_password(pg_url, "mot-de-passe-9")
    assert password_kept(pg_url)
    assert list(memory_keyring.store.values()) == ["mot-de-passe-9"]
    assert connection_settings(pg_url)["password"] == "mot-de-passe-9"
    save_settings(replace(Settings(), user_db=pg_url))
    assert b"mot-de-passe-9" not in paths.user_db_path().read_bytes()


def test_without_a_keyring_the_password_is_kept_for_the_session_only(
    no_keyring: None, pg_url: str
) -> None:
    assert not keep_password(pg_url, "mot-de-passe-9")
    assert not password_kept(pg_url)
    assert connection_settings(pg_url)["password"] == "mot-de-passe-9"
    user_pg._session_passwords.clear()  # the application is closed and opened again
    assert "password" not in connection_settings(pg_url)


def test_the_server_chosen_in_the_settings_is_used_with_the_counsellors_name(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LBA_CONSEILLER", raising=False)
    save_settings(replace(Settings(), user_db=pg_url, counsellor_name="Anne Dupont"))
    assert configured_target() == pg_url
    with PeopleService() as people:
        lea = people.create_person(first_name="Léa")
        assert people.store.dialect == "postgresql"
        assert lea.created_by == "Anne Dupont"
    monkeypatch.setenv("LBA_USER_DB", str(Path(paths.data_root()) / "autre.sqlite"))
    assert configured_target() == Path(paths.data_root()) / "autre.sqlite"  # env first


def test_a_refused_password_is_told_apart_from_a_server_away() -> None:
    refused = psycopg.OperationalError(
        'connection failed: FATAL:  password authentication failed for user "anne"'
    )
    away = psycopg.OperationalError("connection failed: Connection refused")
    assert isinstance(server_error(refused, "serveur"), SignInRefused)
    error = server_error(away, "serveur")
    assert isinstance(error, ServerAway) and not isinstance(error, SignInRefused)


@pytest.mark.parametrize(
    ("address", "environment"),
    [
        # libpq goes to hostaddr whatever the host's name says.
        ("postgresql://anne@localhost/suivi?hostaddr=10.1.2.3", {}),
        # No host in the address: libpq takes PGHOST (or PGHOSTADDR, or a service file's).
        ("postgresql://anne@/suivi", {"PGHOST": "base.mission-locale.fr"}),
        ("postgresql://anne@/suivi", {"PGHOSTADDR": "10.1.2.3"}),
        ("postgresql://anne@/suivi?service=suivi", {}),
        ("postgresql://anne@/suivi", {"PGSERVICE": "suivi"}),
        # PGSSLMODE=disable does not weaken a remote address that names no sslmode.
        ("postgresql://anne@base.mission-locale.fr/suivi", {"PGSSLMODE": "disable"}),
    ],
)
def test_tls_is_asked_wherever_libpq_would_really_go(
    address: str, environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert connection_settings(address)["sslmode"] == "require"
    weak = address + ("&" if "?" in address else "?") + "sslmode=allow"
    with pytest.raises(UserDbError, match="chiffrée"):
        connection_settings(weak)


def test_after_connecting_clear_text_is_only_accepted_on_this_machine() -> None:
    assert user_pg.encrypted_enough("localhost", "127.0.0.1", False)
    assert user_pg.encrypted_enough("base", "::1", False)
    assert user_pg.encrypted_enough("/run/postgresql", "", False)  # a Unix socket
    assert user_pg.encrypted_enough("base.mission-locale.fr", "10.1.2.3", True)
    assert not user_pg.encrypted_enough("base.mission-locale.fr", "10.1.2.3", False)
    assert not user_pg.encrypted_enough("localhost", "192.168.1.20", False)


def test_a_server_without_tls_is_told_so_not_taken_for_away(pg_cluster: PgCluster) -> None:
    # A remote name (TLS asked) that reaches the test server, which has no TLS.
    address = (
        f"postgresql://{SUPERUSER}@base.mission-locale.fr:{pg_cluster.port}/postgres"
        "?hostaddr=127.0.0.1"
    )
    with pytest.raises(UserDbError) as caught:
        PeopleService(address)
    assert not isinstance(caught.value, ServerAway)
    assert "n'accepte pas les connexions chiffrées" in caught.value.message
    assert "ssl = on" in caught.value.hint
