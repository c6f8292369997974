"""Settings: defaults declared once, round-trip through user.sqlite, bad values reset, the API
key kept in the keyring (or in user.sqlite only when accepted) and never in logs or exports."""

from __future__ import annotations

import json
import logging
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import fields, replace
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from lba_desktop import paths
from lba_desktop.data.lba_client import DEFAULT_LBA_URL
from lba_desktop.datapack import export_datapack
from lba_desktop.exports import export_shortlist
from lba_desktop.exports.privacy import export_person_data
from lba_desktop.logging_setup import remove_logging, setup_logging
from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService
from lba_desktop.settings import (
    DEFAULTS,
    KEYRING_SERVICE,
    KEYRING_USER,
    ApiKeyNotStored,
    Settings,
    keyring_available,
    load_settings,
    parse_departements,
    save_settings,
    set_data_folder,
    validate,
)
from lba_desktop.settings_env import read_api_settings
from lba_desktop.sync import SyncService

SECRET = "cle-TRES-secrete-0123456789abcdef"


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in the test (the machine's real one is never touched)."""

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


@pytest.fixture(autouse=True)
def _detach_log_file() -> Iterator[None]:
    yield
    remove_logging()


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


def test_defaults_are_declared_once_and_sensible() -> None:
    s = Settings()
    assert s == DEFAULTS
    assert s.default_radius_km == 30 and s.retention_months == 12
    assert s.lba_url == DEFAULT_LBA_URL and s.caller == "lba-desktop"
    assert s.online_tiles is False and s.welcome_done is False
    assert validate(s) == {}
    assert SECRET not in repr(replace(s, api_key=SECRET, serve_token=SECRET))
    assert "api_key=" not in repr(replace(s, api_key=SECRET))


def test_loading_creates_nothing_on_a_first_start() -> None:
    assert load_settings() == DEFAULTS
    assert not paths.user_db_path().exists()


def test_round_trip(memory_keyring: MemoryKeyring) -> None:
    s = Settings(
        structure_name="Mission Locale du Cantal",
        structure_commune="Aurillac",
        sync_departements=("15", "63"),
        default_radius_km=60,
        caller="contact@ml-cantal.fr lba-desktop",
        apprentissage_url="https://api.apprentissage.beta.gouv.fr/api",
        api_key=SECRET,
        retention_months=24,
        online_tiles=True,
        serve_token="jeton-de-service-long-1234",
        welcome_done=True,
    )
    save_settings(s)
    assert load_settings() == s
    # The key went to the keyring, not to the file.
    assert memory_keyring.store[(KEYRING_SERVICE, KEYRING_USER)] == SECRET
    assert SECRET.encode() not in paths.user_db_path().read_bytes()
    # Saving again with no key removes it from the keyring.
    save_settings(replace(s, api_key=""))
    assert (KEYRING_SERVICE, KEYRING_USER) not in memory_keyring.store
    assert load_settings().api_key == ""


def test_unknown_keys_ignored_and_wrong_types_reset(caplog: pytest.LogCaptureFixture) -> None:
    save_settings(Settings(structure_name="CIO d'Aurillac"))
    conn = sqlite3.connect(paths.user_db_path())
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
            [
                ("a_future_setting", json.dumps({"x": 1})),
                ("default_radius_km", json.dumps("trente")),
                ("retention_months", json.dumps(5000)),
                ("online_tiles", json.dumps(1)),
                ("sync_departements", json.dumps(["15", 63])),
                ("caller", "{not json"),
            ],
        )
    conn.close()
    with caplog.at_level(logging.WARNING, logger="lba_desktop.settings"):
        s = load_settings()
    assert s.structure_name == "CIO d'Aurillac"
    for name in ("default_radius_km", "retention_months", "online_tiles", "sync_departements"):
        assert getattr(s, name) == getattr(DEFAULTS, name)
    assert s.caller == DEFAULTS.caller
    warned = " ".join(r.getMessage() for r in caplog.records)
    for name in ("default_radius_km", "retention_months", "online_tiles", "caller"):
        assert name in warned
    assert "a_future_setting" not in warned


def test_every_field_is_stored(memory_keyring: MemoryKeyring) -> None:
    save_settings(Settings())
    conn = sqlite3.connect(paths.user_db_path())
    keys = {k for (k,) in conn.execute("SELECT key FROM settings")}
    conn.close()
    assert keys == {f.name for f in fields(Settings)} - {"api_key"}


def test_without_keyring_the_key_needs_consent(no_keyring: None) -> None:
    assert not keyring_available()
    with pytest.raises(ApiKeyNotStored) as refused:
        save_settings(Settings(api_key=SECRET))
    assert "trousseau" in refused.value.message
    assert not paths.user_db_path().exists() or SECRET.encode() not in (
        paths.user_db_path().read_bytes()
    )
    save_settings(Settings(api_key=SECRET, api_key_in_file=True))
    assert load_settings().api_key == SECRET
    # Consent withdrawn (or key cleared): no copy stays behind.
    save_settings(Settings(api_key="", api_key_in_file=False))
    assert load_settings().api_key == ""
    conn = sqlite3.connect(paths.user_db_path())
    assert conn.execute("SELECT count(*) FROM settings WHERE key = 'api_key'").fetchone()[0] == 0
    conn.close()


def test_env_vars_override_the_stored_api_settings(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_settings(
        Settings(
            caller="ml@exemple.fr lba-desktop", lba_url="https://stocke.test/api", api_key=SECRET
        )
    )
    api = read_api_settings()
    assert (api.caller, api.lba_url, api.apprentissage_url, api.api_key) == (
        "ml@exemple.fr lba-desktop",
        "https://stocke.test/api",
        "https://stocke.test/api",
        SECRET,
    )
    monkeypatch.setenv("LBA_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("LBA_API_KEY", "cle-env")
    api = read_api_settings()
    assert api.lba_url == api.apprentissage_url == "http://127.0.0.1:9/api"
    assert api.api_key == "cle-env" and api.caller == "ml@exemple.fr lba-desktop"
    service = SyncService.from_settings()
    assert SECRET not in repr(service.jobs.__dict__.get("api_key", ""))


def test_validation_messages_are_french() -> None:
    bad = Settings(
        sync_departements=("15", "99", "2C"),
        default_radius_km=0,
        caller=" ",
        lba_url="ftp://x",
        retention_months=0,
        serve_token="court",
        api_key="avec espace",
    )
    errors = validate(bad)
    assert set(errors) == {
        "sync_departements",
        "default_radius_km",
        "caller",
        "lba_url",
        "retention_months",
        "serve_token",
        "api_key",
    }
    assert "99, 2C" in errors["sync_departements"]
    assert parse_departements("15, 63;2a 1 974 15") == ("15", "63", "2A", "01", "974")


def test_data_folder_pointer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = tmp_path / "os-default"
    monkeypatch.setattr(paths, "default_data_root", lambda: default)
    monkeypatch.delenv("LBA_DESKTOP_HOME")
    assert paths.data_root() == default
    target = tmp_path / "cle-usb" / "lba"
    message = set_data_folder(target)
    assert "Rien n'a été déplacé" in message and str(default) in message
    assert paths.data_root() == target.resolve()
    assert not (target / "user.sqlite").exists()  # nothing moved automatically
    set_data_folder(None)
    assert paths.data_root() == default


def test_api_key_never_in_logs_or_exports(
    no_keyring: None, demo_home: Path, tmp_path: Path
) -> None:
    log_file = setup_logging()
    save_settings(Settings(api_key=SECRET, api_key_in_file=True, serve_token=SECRET + "-jeton"))
    settings = load_settings()
    log = logging.getLogger("lba_desktop.test")
    # Code that (wrongly) logs the key, directly, as an argument and in a traceback.
    log.warning("clé : " + settings.api_key)
    log.info("réglages %s / %r / %s", settings, settings, settings.api_key)
    try:
        raise RuntimeError(f"échec avec {settings.api_key}")
    except RuntimeError:
        log.exception("appel en échec")
    read_api_settings()
    SyncService.from_settings()

    pack = export_datapack(target=tmp_path / "paquet.lbapack")
    assert pack["format"]
    with zipfile.ZipFile(tmp_path / "paquet.lbapack") as zf:
        for name in zf.namelist():
            assert SECRET.encode() not in zf.read(name), name
    with PeopleService() as people:
        person = people.create_person(first_name="Alix", email="alix@exemple.fr")
        people.add_to_shortlist(person.id, item=Item(Kind.FORMATION, "F1", "CAP Boulanger"))
        files = export_person_data(people, person.id, folder=tmp_path / "acces")
        for fmt in ("csv", "html"):
            files.append(
                export_shortlist(people, person.id, fmt=fmt, output=tmp_path / f"liste.{fmt}")
            )
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "appel en échec" in text and "[secret masqué]" in text
    for path in [log_file, *files]:
        assert SECRET.encode() not in path.read_bytes(), path


def test_first_start_opens_user_db_from_several_threads_at_once() -> None:
    """The window, the welcome (settings) and a task all open user.sqlite on a first start:
    the one that migrates second must not replay the steps."""
    import threading

    from lba_desktop.data import userdb

    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_it() -> None:
        barrier.wait()
        try:
            userdb.connect().close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert load_settings() == DEFAULTS
