"""Saving a hand-over as a counsellor does: the first save proposes the Documents folder, the
next one the folder chosen last; success is a message with « Ouvrir » and « Afficher dans le
dossier »; the standard dialogs speak French."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QPushButton

from lba_desktop.people import PeopleService
from lba_desktop.ui import saved_files
from lba_desktop.ui.saved_files import SavedMessage, documents_folder
from tests.ui.test_main_window import search_from_keyboard
from tests.ui.test_people_ui import create_person, ready


def test_exports_start_in_documents_then_the_last_folder(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    follow = ready(qtbot, window)
    create_person(qtbot, follow, first_name="Léa")
    search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    window.table.selectRow(0)
    follow.picking.add_current()
    asked: list[str] = []
    target = tmp_path / "remis" / "selection.pdf"
    target.parent.mkdir()

    def choose(_parent: Any, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    view = follow.shortlist
    with qtbot.waitSignal(view.exported, timeout=20_000):
        view.export("pdf")
    assert Path(asked[0]).parent == documents_folder()
    assert Path(asked[0]).name == f"selection-personne-{follow.person.id}.pdf"
    assert target.read_bytes()[:5] == b"%PDF-"

    box = follow.saved_message
    assert isinstance(box, SavedMessage) and box.isVisible()
    texts = [b.text() for b in box.findChildren(QPushButton)]
    assert "Ouvrir" in texts and "Afficher dans le dossier" in texts
    assert str(target) in box.text()
    opened: list[str] = []
    monkeypatch.setattr(
        saved_files.QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url))
    )
    box.folder_button.click()
    assert opened[0].toLocalFile() == str(target.parent)
    box.close()

    with qtbot.waitSignal(view.exported, timeout=20_000):
        view.export("csv")
    assert Path(asked[1]).parent == target.parent  # the folder used last
    with PeopleService() as people:
        assert people.shortlist(follow.person.id)


@pytest.mark.parametrize("mode", ["save", "open", "folder"])
def test_the_file_dialog_speaks_french(app: Any, qtbot: Any, tmp_path: Path, mode: str) -> None:
    dialog = QFileDialog(None, "Exporter", str(tmp_path), "Document PDF (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    if mode == "save":
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    elif mode == "folder":
        dialog.setFileMode(QFileDialog.FileMode.Directory)
    qtbot.addWidget(dialog)
    dialog.show()
    shown = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
    shown += [button.text() for button in dialog.findChildren(QPushButton) if button.text()]
    for english in ("Look in", "Files of", "File name", "Save", "Open", "Cancel", "Choose"):
        assert not any(english in text for text in shown), shown
    assert any("Voir dans" in text for text in shown)


def test_message_boxes_speak_french(app: Any) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Question",
        "Supprimer ?",
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel,
    )
    assert sorted(b.text().replace("&", "") for b in box.buttons()) == ["Annuler", "Non", "Oui"]
