"""The Données menu from the window: sync against the fake upstream (progress, cancel, errors
with what to do), data pack export and import, back to the demo data."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from lba_desktop import paths
from lba_desktop.data.http import RetryPolicy
from lba_desktop.settings_env import read_api_settings
from lba_desktop.sync import SyncService
from lba_desktop.ui import backend as backend_module
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream
from tests.ui.conftest import wait_map_ready
from tests.ui.test_main_window import search_from_keyboard

SYNC_TIMEOUT_MS = 60_000
PACK_FILTER_ANY = "Tous les fichiers (*)"


@pytest.fixture
def window(qtbot: Any, make_window: Any) -> Any:
    """A window whose map page has loaded: a window closed before that gets a late
    load signal on a released view."""
    made = make_window()
    wait_map_ready(qtbot, made)
    return made


@pytest.fixture
def upstream(
    fake_upstream: FakeUpstream,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> FakeUpstream:
    """The window's sync pointed at the fake, with no waiting between retries."""
    monkeypatch.setenv("LBA_API_URL", fake_upstream.api_url)
    monkeypatch.setenv("LBA_API_KEY", "test-key")
    monkeypatch.setenv("LBA_CALLER", "tests@example.org lba-desktop")

    def fast_service() -> SyncService:
        return SyncService.from_settings(
            read_api_settings(),
            sleep=lambda _s: None,
            timeout=(2.0, 5.0),
            retry=RetryPolicy(attempts=2, base_delay=0.0),
        )

    monkeypatch.setattr(backend_module, "make_sync_service", fast_service)
    return fake_upstream


def catalogue_hash() -> str:
    return hashlib.sha256(paths.catalogue_path().read_bytes()).hexdigest()


def open_dialog(window: Any) -> Any:
    window.data_actions.sync_action.trigger()
    dialog = window.data_actions.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def tick(qtbot: Any, dialog: Any, text: str) -> None:
    """Check the only département the filter leaves visible, as a user would."""
    dialog.dep_filter.clear()
    qtbot.keyClicks(dialog.dep_filter, text)
    shown = [
        dialog.dep_list.item(i)
        for i in range(dialog.dep_list.count())
        if not dialog.dep_list.item(i).isHidden()
    ]
    assert len(shown) == 1, [item.text() for item in shown]
    shown[0].setCheckState(Qt.CheckState.Checked)


def test_sync_from_the_menu_replaces_the_catalogue_and_reruns_the_search(
    qtbot: Any, window: Any, upstream: FakeUpstream
) -> None:
    before = search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    assert before.hits and all(hit.item.fictitious for hit in before.hits)

    dialog = open_dialog(window)
    assert dialog.departements() == (), "the demo catalogue covers France: nothing preselected"
    assert not dialog.start_button.isEnabled()
    tick(qtbot, dialog, "cantal")
    assert dialog.departements() == ("15",)
    qtbot.keyClicks(dialog.metier_edit, "boulanger")
    resolved = [dialog.metier_list.item(i).text() for i in range(dialog.metier_list.count())]
    assert dialog.metier_label.text().startswith("Synchronisera ")
    assert any(line.startswith("D1102 – ") for line in resolved)
    dialog.metier_edit.setText("zzzz")
    assert "introuvable" in dialog.metier_label.text() and not dialog.start_button.isEnabled()
    dialog.metier_edit.clear()  # every métier: the whole département
    assert dialog.metier_label.text() == "Tous les métiers seront synchronisés."
    assert not dialog.metier_list.isVisible() and dialog.start_button.isEnabled()

    with (
        qtbot.waitSignal(window.catalogueReplaced, timeout=SYNC_TIMEOUT_MS),
        qtbot.waitSignal(dialog.syncFinished, timeout=SYNC_TIMEOUT_MS) as finished,
    ):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        assert dialog.is_running() and dialog.cancel_button.isEnabled()
        assert not window.data_actions.import_action.isEnabled()
    report = finished.args[0]
    assert report.ok, report.summary_fr()
    # With the key set, trainings come from API Apprentissage, not V1.
    assert upstream.calls("formation_search") >= 1 and upstream.calls("formationsParRegion") == 0

    # The summary and the dialog state at the end.
    qtbot.waitUntil(lambda: dialog.summary.isVisible())
    assert dialog.summary.toPlainText() == report.summary_fr()
    assert "Synchronisation terminée pour 15" in dialog.summary.toPlainText()
    assert "démonstration" in dialog.summary.toPlainText()  # the warning is listed
    assert dialog.progress.value() == dialog.progress.maximum()
    assert not dialog.cancel_button.isEnabled() and dialog.start_button.isEnabled()
    assert window.data_actions.import_action.isEnabled()

    # The status bar says where the data now comes from, and the search ran again on it.
    qtbot.waitUntil(lambda: window.data_label.text().startswith("Synchronisé le "))
    assert "pour 15" in window.data_label.text()
    assert "Formations lues sur API Apprentissage." in dialog.summary.toPlainText()
    assert "Formations : API Apprentissage (" in window.data_label.toolTip()
    qtbot.waitUntil(
        lambda: (
            window.last_result is not None
            and window.last_result.hits
            and not any(hit.item.fictitious for hit in window.last_result.hits)
        ),
        timeout=20_000,
    )
    assert window.model.rowCount() == len(window.last_result.hits)

    # A later search around Aurillac finds the synced items only.
    window.filters.metier_edit.clear()
    window.filters.place_edit.clear()
    again = search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    assert again.hits and not any(hit.item.fictitious for hit in again.hits)


def test_cancel_midway_leaves_the_catalogue_unchanged(
    qtbot: Any, window: Any, upstream: FakeUpstream
) -> None:
    before = catalogue_hash()
    upstream.faults.set(timeout=-1, delay=0.4)  # every call answers slowly
    dialog = open_dialog(window)
    dialog.set_departements(["15", "19", "63"])
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.step_label.text().startswith("Formations –"), timeout=10_000)
    with qtbot.waitSignal(dialog.syncFinished, timeout=SYNC_TIMEOUT_MS) as finished:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        assert "Annulation demandée" in dialog.step_label.text()
    report = finished.args[0]
    assert report.status == "cancelled"
    assert dialog.step_label.text() == "Synchronisation annulée : le catalogue n'a pas changé."
    assert "annulée" in window.statusBar().currentMessage()
    assert catalogue_hash() == before
    assert window.data_label.text().startswith("Données de démonstration")

    # Opened again, the dialog offers to resume what was done.
    dialog.close()
    upstream.faults.reset()
    dialog = open_dialog(window)
    assert dialog.resume_box.isVisible() and dialog.resume_box.isChecked()
    assert dialog.departements() == ("15", "19", "63")


def test_failing_upstream_shows_what_to_do_and_keeps_the_catalogue(
    qtbot: Any, window: Any, upstream: FakeUpstream
) -> None:
    before = catalogue_hash()
    upstream.faults.set(http_500=-1)
    dialog = open_dialog(window)
    dialog.set_departements(["15"])
    with qtbot.waitSignal(dialog.syncFinished, timeout=SYNC_TIMEOUT_MS) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].status == "failed"
    assert dialog.error_label.isVisible()
    text = dialog.error_label.text()
    assert "La Bonne Alternance a rencontré un problème" in text
    assert "Que faire : Réessayez plus tard." in text
    assert "échouée" in dialog.summary.toPlainText()
    assert catalogue_hash() == before


def test_refused_api_key_points_at_the_settings(
    qtbot: Any, window: Any, upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LBA_API_KEY", "wrong-key")
    before = catalogue_hash()
    dialog = open_dialog(window)
    dialog.set_departements(["15"])
    dialog.formations_box.setChecked(False)
    with qtbot.waitSignal(dialog.syncFinished, timeout=SYNC_TIMEOUT_MS):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert "Vérifiez la clé API" in dialog.error_label.text()
    assert catalogue_hash() == before


def test_closing_during_a_sync_asks_whether_to_cancel(
    qtbot: Any, window: Any, upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    upstream.faults.set(timeout=-1, delay=0.4)
    dialog = open_dialog(window)
    dialog.set_departements(["15", "19"])
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def question(_parent: Any, title: str, *_args: Any, **_kwargs: Any) -> Any:
        asked.append(title)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog.close()
    assert asked and dialog.isVisible() and dialog.is_running()
    with qtbot.waitSignal(dialog.syncFinished, timeout=SYNC_TIMEOUT_MS) as finished:
        dialog.close()
        assert not dialog.isVisible()
    assert finished.args[0].status == "cancelled" and len(asked) == 2


def test_data_pack_round_trip_through_the_menu(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "usb" / "donnees"
    pack.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(pack), PACK_FILTER_ANY)
    )
    actions = window.data_actions
    with qtbot.waitSignal(actions.exported, timeout=30_000) as exported:
        actions.export_action.trigger()
    written = pack.with_suffix(".lbapack")
    assert written.is_file() and exported.args[0]["counts"]
    assert "Paquet de données écrit" in window.statusBar().currentMessage()

    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(written), PACK_FILTER_ANY)
    )
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_args: Any, **_kwargs: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    before = catalogue_hash()
    imported: list[object] = []
    actions.imported.connect(imported.append)
    actions.import_action.trigger()  # declined: nothing is replaced
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=30_000)
    qtbot.waitUntil(actions.import_action.isEnabled, timeout=5_000)
    assert not imported and catalogue_hash() == before
    # What comes in against what is there: origin, date, territory, counts.
    assert asked[0].startswith("Le paquet apporte : Données de démonstration (fictives), données")
    assert "territoire : la France entière" in asked[0] and "formations" in asked[0]
    assert "Le catalogue actuel, qui sera remplacé : Données de démonstration" in asked[0]
    with qtbot.waitSignal(window.catalogueReplaced, timeout=30_000):
        actions.import_action.trigger()
    # Demo data stays marked fictitious once imported.
    qtbot.waitUntil(
        lambda: window.data_label.text().startswith(
            "Paquet de données de démonstration (fictives) du "
        )
    )
    assert window.backend.info.origin == "datapack"
    result = search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    assert result.hits  # the search uses the imported file


def test_a_corrupt_pack_is_refused_with_its_message(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = catalogue_hash()
    bad = tmp_path / "abime.lbapack"
    bad.write_bytes(b"PK\x03\x04 ceci n'est pas un paquet")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(bad), PACK_FILTER_ANY)
    )
    shown: list[tuple[str, str]] = []
    # Shown as plain text (a pack's text is not HTML): the module's own message function.
    monkeypatch.setattr(
        "lba_desktop.ui.datapack_actions.plain_message",
        lambda _p, title, text, **_k: shown.append((title, text)),
    )
    replaced: list[bool] = []
    window.catalogueReplaced.connect(lambda: replaced.append(True))
    with qtbot.waitSignal(window.data_actions.taskFailed, timeout=30_000):
        window.data_actions.import_action.trigger()
    assert shown and shown[0][0] == "Importer un paquet de données"
    assert shown[0][1].startswith("Paquet de données refusé")
    assert "Le catalogue actuel n'a pas été modifié." in shown[0][1]
    assert "Vérifiez le fichier" in shown[0][1]
    assert catalogue_hash() == before and not replaced
    assert window.data_actions.import_action.isEnabled()


def test_back_to_demo_data_after_confirmation(
    qtbot: Any, window: Any, upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(window)
    dialog.set_departements(["15"])
    with qtbot.waitSignal(window.catalogueReplaced, timeout=SYNC_TIMEOUT_MS):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.backend.info.origin == "sync")
    dialog.close()

    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_args: Any, **_kwargs: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    window.data_actions.demo_action.trigger()  # declined: nothing happens
    assert window.backend.info.origin == "sync"
    assert "synchronisées" in asked[0]
    with qtbot.waitSignal(window.catalogueReplaced, timeout=60_000):
        window.data_actions.demo_action.trigger()
    qtbot.waitUntil(lambda: window.data_label.text().startswith("Données de démonstration"))
    assert window.backend.info.origin == "demo"
