"""The journal of a young person as a timeline: the automatic events and a step the
counsellor records, newest first under its day."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from tests.ui.test_people_ui import create_person, ready

SHOTS = Path(os.environ.get("LBA_UI_SHOTS") or tempfile.gettempdir()) / "lba-ui-shots"


def rows(dialog: Any) -> list[list[str]]:
    tree = dialog.tree
    return [
        [tree.topLevelItem(i).text(c) for c in range(3)] for i in range(tree.topLevelItemCount())
    ]


def test_the_journal_shows_the_path_and_records_a_step(qtbot: Any, window: Any) -> None:
    follow = ready(qtbot, window)
    lea = create_person(qtbot, follow, first_name="Léa", last_name="Martin")
    follow.panel.choose(lea.id)
    follow.journal_action.trigger()
    dialog = follow.journal_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Journal de Léa Martin"
    assert any(r[0].strip() == "Fiche créée" for r in rows(dialog))

    dialog.kind.setCurrentIndex(dialog.kind.findData("atelier"))
    dialog.note.setText("Atelier CV <b>pas du HTML</b>")
    with qtbot.waitSignal(dialog.stepRecorded, timeout=5_000):
        dialog.add_button.click()
    shown = rows(dialog)
    # Newest first: today's heading, then the step (bold) before the automatic events.
    assert shown[1][0].strip() == "Atelier" and shown[1][1] == "Atelier CV <b>pas du HTML</b>"
    assert dialog.tree.topLevelItem(1).font(0).bold()
    assert [e.kind.value for e in follow.people.journal(lea.id)][-1] == "atelier"
    assert dialog.note.text() == ""
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "journal.png"))
