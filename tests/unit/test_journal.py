"""A young person's dated journal, who changed what, and two counsellors saving the same record;
on user.sqlite and on PostgreSQL (conftest.user_backend)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from lba_desktop.cli.main import main
from lba_desktop.errors import InvalidInput
from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService, ShortlistStatus
from lba_desktop.people.conflicts import EditConflict
from lba_desktop.people.journal import JournalKind

pytestmark = pytest.mark.usefixtures("user_backend")

NOW = datetime(2026, 12, 3, 9, 15, tzinfo=UTC)


def training(n: int = 1) -> Item:
    return Item(Kind.FORMATION, f"F{n}", title=f"CAP Boulanger {n}", organisation="CFA du Cantal")


def service(name: str) -> PeopleService:
    return PeopleService(counsellor=name, clock=lambda: NOW)


def test_each_step_of_the_follow_up_is_dated_with_its_counsellor() -> None:
    with service("Paul Durand") as paul, service("Amina Diallo") as amina:
        lea = paul.create_person(first_name="Léa", last_name="Martin", case_number="ML-2026-041")
        entry, _ = paul.add_to_shortlist(lea.id, item=training())
        amina.set_status(entry.id, ShortlistStatus.CONTACTE)
        amina.record_step(lea.id, "Entretien", on="01/12/2026", note="Projet boulangerie")
        paul.remove_from_shortlist(entry.id)
        events = amina.journal(lea.id)
    assert [(e.happened_on, e.kind, e.counsellor) for e in events] == [
        (date(2026, 12, 1), JournalKind.ENTRETIEN, "Amina Diallo"),
        (date(2026, 12, 3), JournalKind.FICHE_CREEE, "Paul Durand"),
        (date(2026, 12, 3), JournalKind.AJOUT_SELECTION, "Paul Durand"),
        (date(2026, 12, 3), JournalKind.STATUT, "Amina Diallo"),
        (date(2026, 12, 3), JournalKind.RETRAIT_SELECTION, "Paul Durand"),
    ]
    assert events[0].text_fr == "Entretien — Projet boulangerie"
    assert events[3].summary == "À étudier → Contacté : CAP Boulanger 1 (CFA du Cantal)"
    assert events[1].recorded_at == NOW


def test_the_record_says_who_changed_it_last() -> None:
    with service("Paul Durand") as paul, service("Amina Diallo") as amina:
        lea = paul.create_person(first_name="Léa")
        assert (lea.created_by, lea.updated_by, lea.version) == ("Paul Durand", "Paul Durand", 1)
        changed = amina.update_person(lea.id, phone="06 12 34 56 78")
        assert (changed.updated_by, changed.updated_at, changed.version) == (
            "Amina Diallo",
            NOW,
            2,
        )
        (event,) = [e for e in paul.journal(lea.id) if e.kind is JournalKind.FICHE_MODIFIEE]
        # The journal names the field, never its value (a phone number is personal data).
        assert event.summary == "téléphone" and "0612" not in event.summary


def test_a_bad_step_is_refused_and_writes_nothing() -> None:
    with service("Paul Durand") as paul:
        lea = paul.create_person(first_name="Léa")
        with pytest.raises(InvalidInput, match="Étape inconnue"):
            paul.record_step(lea.id, "plongée", on="01/12/2026")
        with pytest.raises(InvalidInput, match="futur"):
            paul.record_step(lea.id, "atelier", on="2026-12-25")
        with pytest.raises(InvalidInput, match="Date invalide"):
            paul.record_step(lea.id, "atelier", on="31/02/2026")
        assert [e.kind for e in paul.journal(lea.id)] == [JournalKind.FICHE_CREEE]


def test_the_second_save_sees_the_first_and_nothing_is_overwritten() -> None:
    with service("Paul Durand") as paul, service("Amina Diallo") as amina:
        created = paul.create_person(first_name="Léa", last_name="Martin")
        opened_by_paul = paul.get_person(created.id)
        opened_by_amina = amina.get_person(created.id)
        amina.update_person(created.id, base=opened_by_amina, phone="0612345678")
        with pytest.raises(EditConflict) as caught:
            paul.update_person(created.id, base=opened_by_paul, notes="Rappeler lundi")
        conflict = caught.value
        assert "modifiée par Amina Diallo le " in conflict.message
        assert "(téléphone)" in conflict.message and "Rien n'a été enregistré" in conflict.message
        assert conflict.theirs.phone == "0612345678" and conflict.mine == {
            "notes": "Rappeler lundi"
        }
        assert amina.get_person(created.id).notes == ""  # nothing written
        # Paul keeps his version over hers, knowingly: her phone stays, his note goes in.
        kept = paul.update_person(created.id, base=conflict.theirs, notes="Rappeler lundi")
        assert (kept.phone, kept.notes, kept.updated_by) == (
            "0612345678",
            "Rappeler lundi",
            "Paul Durand",
        )


def test_a_shortlist_line_changed_by_a_colleague_is_not_overwritten() -> None:
    with service("Paul Durand") as paul, service("Amina Diallo") as amina:
        lea = paul.create_person(first_name="Léa")
        entry, _ = paul.add_to_shortlist(lea.id, item=training())
        amina.set_status(entry.id, ShortlistStatus.RETENU, base=entry)
        with pytest.raises(EditConflict) as caught:
            paul.set_note(entry.id, "Appeler le CFA", base=entry)
        assert "La piste « CAP Boulanger 1 » de Léa a été modifiée par Amina Diallo" in (
            caught.value.message
        )
        line = paul.get_entry(entry.id)
        assert (line.status, line.note, line.updated_by) == (
            ShortlistStatus.RETENU,
            "",
            "Amina Diallo",
        )


def test_the_period_export_by_counsellor(tmp_path: Path) -> None:
    with service("Paul Durand") as paul, service("Amina Diallo") as amina:
        lea = paul.create_person(first_name="Léa", case_number="=HYPERLINK(1)")
        paul.record_step(lea.id, "immersion", on="2026-11-02")
        amina.record_step(lea.id, "candidature", on="2026-11-20", note="Boulangerie Roux")
        amina.record_step(lea.id, "atelier", on="2026-10-01")
        in_november = amina.journal_between(date(2026, 11, 1), date(2026, 11, 30))
        assert [e.kind for e in in_november] == [JournalKind.IMMERSION, JournalKind.CANDIDATURE]
        assert [
            e.kind
            for e in amina.journal_between(
                date(2026, 11, 1), date(2026, 12, 31), counsellor="Amina  Diallo"
            )
        ] == [JournalKind.CANDIDATURE]


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LBA_CONSEILLER", "Paul Durand")
    code, out, _ = run_cli(capsys, "jeunes", "ajouter", "Léa", "--nom", "Martin", "--dossier", "41")
    assert code == 0 and out.strip() == "Jeune n° 1 enregistré : Léa Martin."
    code, _, err = run_cli(capsys, "jeunes", "ajouter", "Yanis", "--telephone", "0612")
    assert code != 0 and "Numéro de téléphone invalide" in err
    code, out, _ = run_cli(capsys, "jeunes", "liste", "--json")
    assert [(p["numero"], p["dossier"], p["modifie_par"]) for p in json.loads(out)] == [
        (1, "41", "Paul Durand")
    ]
    today = date.today().strftime("%d/%m/%Y")
    code, out, _ = run_cli(
        capsys, "jeunes", "journal", "Léa", "--etape", "entretien", "--note", "Premier RDV"
    )
    assert code == 0 and out.strip() == f"Étape notée pour le jeune n° 1 : Entretien le {today}."
    code, out, _ = run_cli(capsys, "jeunes", "journal", "1")
    assert f"{today}  Entretien — Premier RDV  (Paul Durand)" in out

    report = tmp_path / "journal.csv"
    code, out, _ = run_cli(capsys, "jeunes", "exporter", "--output", str(report))
    assert code == 0 and "2 événements" in out
    rows = list(csv.reader(io.StringIO(report.read_text("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Date", "N° de dossier", "N° jeune"]
    assert {(r[1], r[5], r[6]) for r in rows[1:]} == {
        ("41", "Paul Durand", "Fiche créée"),
        ("41", "Paul Durand", "Entretien"),
    }
    everything = tmp_path / "jeunes.json"
    code, _, _ = run_cli(capsys, "jeunes", "exporter", "--output", str(everything))
    tables = json.loads(everything.read_text("utf-8"))["personnes"][0]["tables"]
    assert code == 0 and tables["people"][0]["last_name"] == "Martin"
    assert len(tables["journal_events"]) == 2
