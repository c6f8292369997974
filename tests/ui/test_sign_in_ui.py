"""The « Suivi partagé » tab of the settings: a server address checked in French, the
counsellor's name saved, the password never written to a file (no keyring on this machine)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QMessageBox

from lba_desktop import paths
from lba_desktop.data import user_pg
from lba_desktop.settings import Settings, load_settings
from lba_desktop.ui.settings_dialog import SettingsDialog
from tests.ui.test_shared_followup_ui import opened, shared  # noqa: F401 (fixture)

SHOTS = Path(os.environ.get("LBA_UI_SHOTS") or tempfile.gettempdir()) / "lba-ui-shots"


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)
    user_pg._session_passwords.clear()


def test_the_shared_server_is_chosen_in_the_settings(
    app: Any, qtbot: Any, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", staticmethod(lambda _p, _t, text, *_a: told.append(text))
    )
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    tab = dialog.shared
    dialog.tabs.setCurrentWidget(tab)
    tab.user_db.setText("postgresql://anne@serveur.cantal.fr/suivi?sslmode=disable")
    tab.counsellor.setText("  Anne   Dupont ")
    tab.password.setText("mot-de-passe-9")
    dialog.accept()
    assert dialog.saved is None
    assert "Suivi partagé : " in dialog.error_label.text()
    assert "chiffrée" in dialog.error_label.text()
    dialog.show()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "settings_shared.png"))

    tab.user_db.setText("postgresql://anne@serveur.cantal.fr/suivi")
    dialog.accept()
    assert dialog.saved is not None
    saved = load_settings()
    assert (saved.user_db, saved.counsellor_name) == (
        "postgresql://anne@serveur.cantal.fr/suivi",
        "Anne Dupont",
    )
    assert told and "trousseau" in told[0] and "jamais en clair" in told[0]
    assert b"mot-de-passe-9" not in paths.user_db_path().read_bytes()


def test_the_structures_name_saved_on_one_computer_goes_to_the_shared_server(
    qtbot: Any,
    shared: str,  # noqa: F811
    make_window: Any,
) -> None:
    window = make_window()
    follow = opened(qtbot, window)
    dialog = SettingsDialog(load_settings(), window)
    dialog.structure_name.setText("Mission Locale du Cantal")
    dialog.accept()
    assert dialog.saved is not None
    assert "partagés avec vos collègues" in window.statusBar().currentMessage()
    rows = follow.people.store.read("SELECT value FROM settings WHERE key = 'structure_name'")
    assert [r[0] for r in rows] == ['"Mission Locale du Cantal"']
