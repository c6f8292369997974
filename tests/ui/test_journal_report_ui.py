"""« Rapport d'activité » from the Suivi menu: a period, a counsellor, a format; the PDF
written holds each young person's n° de dossier, typed in their form."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFileDialog

from tests.ui.test_people_ui import SHOTS, create_person, ready


def pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_the_report_dialog_writes_the_pdf_with_the_case_numbers(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.resize(1366, 768)
    follow = ready(qtbot, window)
    lea = create_person(qtbot, follow, first_name="Léa", last_name="Martin", case_number="ML-041")
    assert lea.case_number == "ML-041"
    follow.people_actions.edit_person(lea)
    form = follow.people_actions.dialog
    assert form.text("case_number") == "ML-041"  # shown again when the form opens
    SHOTS.mkdir(parents=True, exist_ok=True)
    form.grab().save(str(SHOTS / "person_dialog_case_number.png"))
    form.reject()
    follow.people.record_step(lea.id, "entretien", on=date.today(), note="Projet boulangerie")

    follow.report_action.trigger()
    dialog = follow.report_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.period.setCurrentIndex(2)  # the last 30 days
    assert dialog.end.date().toPython() == date.today()
    assert dialog.start.date().toPython() == date.today() - timedelta(days=30)
    names = [dialog.counsellor.itemText(i) for i in range(dialog.counsellor.count())]
    assert names[0] == "Tous les conseillers" and follow.people.counsellor in names
    assert dialog.fmt() == "pdf"
    dialog.grab().save(str(SHOTS / "journal_report_dialog.png"))
    window.grab().save(str(SHOTS / "journal_report_window.png"))

    # A period ending before it starts: said in the dialog, choices kept, nothing asked.
    dialog.start.setDate(QDate.currentDate())
    dialog.end.setDate(QDate.currentDate().addDays(-3))
    asked: list[str] = []
    target = tmp_path / "rapport"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (asked.append(a[2]), (str(target), ""))[1]),
    )
    dialog.export()
    assert dialog.error.isVisible() and "commence après sa fin" in dialog.error.text()
    assert asked == [] and dialog.isVisible()
    assert dialog.period.currentText() == "Autre période"

    dialog.period.setCurrentIndex(2)
    dialog.counsellor.setCurrentIndex(names.index(follow.people.counsellor))
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as written:
        dialog.export()
    path, count = written.args
    assert path == str(target) + ".pdf" and count == 2  # the form created, the interview
    assert asked[0].endswith(".pdf") and "rapport-suivi-" in asked[0]
    text = pdf_text(Path(path))
    assert "ML-041" in text and "Léa Martin" in text and "Projet boulangerie" in text
    assert f"Conseiller : {follow.people.counsellor}" in text
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    assert follow.saved_message is not None and path in follow.saved_message.text()
