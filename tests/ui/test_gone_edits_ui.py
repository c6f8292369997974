"""A note typed while the server was away, on a young person a colleague deleted meanwhile:
the window shows it for a decision at the next contact with the server, and nothing is lost
until the counsellor chose (saved to a file, or let go knowingly). Real PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService
from lba_desktop.people.offline import LocalCopy
from tests.ui.test_shared_followup_ui import SHOTS, opened, shared  # noqa: F401 (fixture)


def typed_away_then_erased(url: str, note: str) -> int:
    """Anne types a note away from the server; Bruno erases the young person meanwhile."""
    with (
        PeopleService(url, counsellor="Anne") as anne,
        PeopleService(url, counsellor="Bruno") as bruno,
    ):
        lea = anne.create_person(first_name="Léa", last_name="Martin")
        line, _ = anne.add_to_shortlist(
            lea.id, item=Item(Kind.FORMATION, "F1", title="CAP Boulanger")
        )
        copy = LocalCopy()
        copy.refresh(anne)
        offline = copy.people_service(counsellor="Anne", where="serveur")
        offline.set_note(line.id, note)
        offline.close()
        bruno.erase_person(lea.id)
    return lea.id


def test_a_note_on_someone_deleted_meanwhile_is_saved_to_a_file(
    qtbot: Any,
    shared: str,  # noqa: F811
    make_window: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    note = (
        "Appeler la boulangerie Roux jeudi pour l'essai de deux jours en janvier ; après "
        "16 h seulement, son portable ne capte pas au CFA : laisser un message à sa mère"
    )
    typed_away_then_erased(shared, note)
    window = make_window()
    window.resize(1366, 768)
    follow = opened(qtbot, window)
    qtbot.waitUntil(lambda: follow.link.gone_dialog is not None, timeout=20_000)
    dialog = follow.link.gone_dialog
    assert dialog.isVisible()
    line = dialog.tree.topLevelItem(0)
    assert [line.text(c) for c in range(3)] == [
        "Léa Martin",
        "CAP Boulanger",
        f"note « {note} »",
    ]
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "gone_edits_dialog.png"))
    # Read whole at 1366×768: the dialog fits the screen and no cell is cut short.
    assert dialog.width() <= 1366 and dialog.height() <= 768
    metrics = dialog.tree.fontMetrics()
    for col in (0, 1, 3):
        assert dialog.tree.columnWidth(col) >= metrics.horizontalAdvance(line.text(col))
    assert dialog.tree.columnWidth(2) >= metrics.horizontalAdvance("note « Appeler la boulangerie")
    # A long note reads whole under the list, inside the dialog.
    assert dialog.detail.text().endswith(f"note « {note} »")
    assert dialog.detail.isVisible() and dialog.rect().contains(dialog.detail.geometry())

    dialog.later_button.click()  # not now: still on this computer
    assert len(LocalCopy().gone()) == 1

    dialog.open()
    target = tmp_path / "saisies"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    with qtbot.waitSignal(dialog.settled, timeout=10_000) as settled:
        dialog.save_button.click()
    assert settled.args == [str(target) + ".csv"]
    rows = list(
        csv.reader(io.StringIO(Path(settled.args[0]).read_text("utf-8-sig")), delimiter=";")
    )
    assert rows[1][0] == "Léa Martin" and rows[1][2] == "CAP Boulanger"
    assert rows[1][4] == f"note « {note} »"
    assert LocalCopy().gone() == []
    with PeopleService(shared, counsellor="Anne") as anne:  # never sent to the server
        assert anne.search_people() == []
        assert anne.store.read("SELECT count(*) FROM shortlist_items")[0][0] == 0
    assert follow.saved_message is not None


def test_letting_go_asks_first(
    qtbot: Any,
    shared: str,  # noqa: F811
    make_window: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typed_away_then_erased(shared, "Note à abandonner")
    follow = opened(qtbot, make_window())
    qtbot.waitUntil(lambda: follow.link.gone_dialog is not None, timeout=20_000)
    dialog = follow.link.gone_dialog
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: answers.pop(0)))
    dialog.drop_button.click()
    assert dialog.isVisible() and len(LocalCopy().gone()) == 1  # « Non »: nothing changed
    with qtbot.waitSignal(dialog.settled, timeout=10_000):
        dialog.drop_button.click()
    assert LocalCopy().gone() == [] and not dialog.isVisible()
