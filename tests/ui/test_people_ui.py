"""People and shortlists in the window: the person form, adding results, editing the shortlist
in place, reordering, export through the file dialog, erasure with confirmation."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from lba_desktop.errors import StorageDamaged
from lba_desktop.people import PeopleService, ShortlistStatus
from lba_desktop.ui.shortlist_model import COL_NOTE, COL_STATUS
from tests.ui.test_main_window import search_from_keyboard

# Screenshots for a human look, only when asked: LBA_UI_SHOTS=/some/folder.
SHOTS = Path(os.environ.get("LBA_UI_SHOTS") or tempfile.gettempdir()) / "lba-ui-shots"


def ready(qtbot: Any, window: Any) -> Any:
    qtbot.waitUntil(lambda: window.followup.services is not None, timeout=20_000)
    return window.followup


def create_person(qtbot: Any, follow: Any, **fields: str) -> Any:
    follow.people_actions.new_person()
    dialog = follow.people_actions.dialog
    for key, value in fields.items():
        dialog._set_text(key, value)
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        dialog.save()
    return dialog.person


def test_person_form_keeps_text_on_error_and_creates(qtbot: Any, window: Any) -> None:
    follow = ready(qtbot, window)
    follow.people_actions.new_person()
    dialog = follow.people_actions.dialog
    dialog._set_text("first_name", "Léa")
    dialog._set_text("email", "lea@")
    dialog._set_text("phone", "06 12 34 56 78")
    dialog.save()
    assert dialog.isVisible()
    assert dialog.errors["email"].isVisible()
    assert "invalide" in dialog.errors["email"].text()
    assert not dialog.errors["phone"].isVisible()
    assert dialog.text("first_name") == "Léa" and dialog.text("email") == "lea@"
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "person_dialog.png"))
    dialog._set_text("email", "lea@exemple.fr")
    dialog._set_text("home_insee", "Aurillac")
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        dialog.save()
    with PeopleService() as people:
        (person,) = people.search_people("lea")
        assert person.email == "lea@exemple.fr" and person.home_insee == "15014"
    assert follow.person is not None and follow.person.id == person.id


def test_shortlist_add_edit_reorder_remove_export(
    qtbot: Any, window: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    follow = ready(qtbot, window)
    person = create_person(qtbot, follow, first_name="Léa", home_insee="Aurillac")
    search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    for row in range(3):
        window.table.selectRow(row)
        follow.add_action.trigger()  # what Ctrl+D does (offscreen windows are never active)
    assert follow.add_action.shortcut().toString() == "Ctrl+D"
    view = follow.shortlist
    assert view.model.rowCount() == 3
    # The same result again: nothing added, the counsellor is told.
    assert follow.picking.add_hit(window.details.hit()) is False
    assert "déjà" in window.statusBar().currentMessage()
    assert window.details.add_button.text().startswith("✓ Déjà")

    model = view.model
    assert model.setData(model.index(0, COL_STATUS), ShortlistStatus.CONTACTE.value)
    assert model.setData(model.index(0, COL_NOTE), "Appeler lundi")
    first = model.entry(0)
    with PeopleService() as people:
        entries = people.shortlist(person.id)
        assert entries[0].status is ShortlistStatus.CONTACTE
        assert entries[0].note == "Appeler lundi"
        assert entries[0].distance_km is not None

    view.table.selectRow(0)
    view.move_down()
    assert model.entry(1).id == first.id
    mime = model.mimeData([model.index(1, 0)])
    model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, model.index(-1, -1))
    assert model.entry(0).id == first.id
    with PeopleService() as people:
        assert [e.id for e in people.shortlist(person.id)] == [e.id for e in model.entries()]

    SHOTS.mkdir(parents=True, exist_ok=True)
    follow.dock.grab().save(str(SHOTS / "people_dock.png"))

    view.table.selectRow(2)
    view.remove_selected()
    assert model.rowCount() == 2

    target = tmp_path / "selection.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    with qtbot.waitSignal(view.exported, timeout=20_000):
        view.export("csv")
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) >= 3
    assert any("Appeler lundi" in cell for row in rows for cell in row)


def test_erase_person_after_confirmation(qtbot: Any, window: Any, monkeypatch: Any) -> None:
    follow = ready(qtbot, window)
    person = create_person(qtbot, follow, first_name="Noé")
    shown: list[tuple[str, Any]] = []

    def confirm(box: QMessageBox) -> QMessageBox.StandardButton:
        shown.append((box.text(), box.textFormat()))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "exec", confirm)
    with qtbot.waitSignal(follow.personErased, timeout=20_000):
        follow.people_actions.erase_person(person)
    # Who goes is said plainly, by number and name, and a name is never read as HTML.
    assert f"n° {person.id} : Noé" in shown[0][0]
    assert shown[0][1] == Qt.TextFormat.PlainText
    with PeopleService() as people:
        assert people.search_people() == []
    assert follow.panel.model.rowCount() == 0


def test_a_colleagues_save_is_not_overwritten_by_the_form(qtbot: Any, window: Any) -> None:
    follow = ready(qtbot, window)
    person = create_person(qtbot, follow, first_name="Léa", last_name="Martin")
    follow.people_actions.edit_person(person)
    dialog = follow.people_actions.dialog
    with PeopleService(counsellor="Amina Diallo") as colleague:
        colleague.update_person(person.id, phone="0612345678")
    dialog._set_text("notes", "Rappeler lundi")
    dialog.save()
    assert dialog.isVisible()  # nothing saved, the form stays open with the typed text
    message = dialog.general_error.text()
    assert "modifiée par Amina Diallo" in message and "(téléphone)" in message
    assert "Enregistrer de nouveau garde votre version" in message
    assert dialog.text("notes") == "Rappeler lundi"
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "person_dialog_conflict.png"))
    with PeopleService() as people:
        assert people.get_person(person.id).notes == ""
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        dialog.save()  # the counsellor keeps their version, knowingly
    with PeopleService() as people:
        saved = people.get_person(person.id)
    assert (saved.notes, saved.phone) == ("Rappeler lundi", "0612345678")


def test_a_failed_check_after_a_sync_is_said_in_the_status_bar_not_in_a_dialog(
    qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready(qtbot, window)

    def damaged(_people: Any, _store: Any) -> int:
        raise StorageDamaged("Le fichier des personnes est endommagé.")

    monkeypatch.setattr("lba_desktop.ui.followup.refresh_shortlists", damaged)
    window.catalogueReplaced.emit()
    # A modal here would stop the counsellor (and the suite's guard fails the test).
    qtbot.waitUntil(lambda: "endommagé" in window.statusBar().currentMessage(), timeout=10_000)
    assert window.statusBar().currentMessage().startswith("Suivi des jeunes : ")
