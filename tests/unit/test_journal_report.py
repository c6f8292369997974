"""The reporting export per period and counsellor as PDF: what a counsellor re-keys from it
(dates, « n° de dossier », who, what) is on the page, French accents included."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from lba_desktop.cli.main import main
from lba_desktop.errors import InvalidInput
from lba_desktop.exports.journal_export import render_journal_report
from lba_desktop.people import PeopleService

pytestmark = pytest.mark.usefixtures("user_backend")

NOW = datetime(2026, 12, 3, 9, 15, tzinfo=UTC)
NOVEMBER = {"start": date(2026, 11, 1), "end": date(2026, 11, 30)}


def service(name: str) -> PeopleService:
    return PeopleService(counsellor=name, clock=lambda: NOW)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_report_holds_the_period_with_the_case_numbers() -> None:
    with service("Paul Durand") as paul, service("Amina Diallo") as amina:
        lea = paul.create_person(first_name="Léa", last_name="Martin", case_number="ML-2026-041")
        yanis = amina.create_person(first_name="Yanis")
        paul.record_step(lea.id, "immersion", on="2026-11-02", note="Boulangerie Roux, 3 jours")
        amina.record_step(yanis.id, "entretien", on="2026-11-20")
        amina.record_step(lea.id, "atelier", on="2026-10-01")  # before the period
        assert amina.journal_counsellors() == ["Amina Diallo", "Paul Durand"]

        data, count = render_journal_report(
            amina, **NOVEMBER, fmt="pdf", structure="Mission Locale d'Aurillac"
        )
        text = pdf_text(data)
        assert count == 2
        assert "Activité du suivi du 01/11/2026 au 30/11/2026" in text
        assert "Tous les conseillers" in text and "2 événement(s), 2 jeune(s)" in text
        for seen in ("ML-2026-041", "Léa Martin", "Immersion", "Boulangerie Roux", "02/11/2026"):
            assert seen in text
        assert "Yanis" in text and "Entretien" in text and "20/11/2026" in text
        assert "Atelier" not in text  # October

        mine, count = render_journal_report(amina, **NOVEMBER, fmt="pdf", counsellor="Paul Durand")
        text = pdf_text(mine)
        assert count == 1 and "Conseiller : Paul Durand" in text
        assert "Léa Martin" in text and "Yanis" not in text


def test_an_empty_period_and_a_wrong_one() -> None:
    with service("Paul Durand") as paul:
        paul.create_person(first_name="Léa")
        data, count = render_journal_report(paul, **NOVEMBER, fmt="pdf")
        assert count == 0 and "Aucun événement" in pdf_text(data)
        with pytest.raises(InvalidInput, match="commence après sa fin"):
            render_journal_report(paul, start=date(2026, 12, 1), end=date(2026, 11, 1))


def test_the_command_line_writes_the_pdf(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LBA_CONSEILLER", "Paul Durand")
    assert main(["jeunes", "ajouter", "Léa", "--dossier", "41"]) == 0
    assert main(["jeunes", "journal", "Léa", "--etape", "entretien", "--note", "Premier RDV"]) == 0
    capsys.readouterr()
    report = tmp_path / "rapport.pdf"
    assert main(["jeunes", "exporter", "--output", str(report), "--conseiller", "Paul Durand"]) == 0
    assert "2 événements" in capsys.readouterr().out
    text = pdf_text(report.read_bytes())
    assert "41" in text and "Premier RDV" in text and "Conseiller : Paul Durand" in text
