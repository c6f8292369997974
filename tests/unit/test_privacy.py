"""Personal-data rights: everything exported, erasure that leaves no bytes behind."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest

from lba_desktop.cli import main
from lba_desktop.data import userdb
from lba_desktop.errors import InvalidInput
from lba_desktop.exports.privacy import erase_person, export_person_data, purge_proposal
from lba_desktop.models import Item, Kind
from lba_desktop.paths import user_db_path
from lba_desktop.people import PeopleService

NAME, LAST, PHONE, EMAIL = "Berenice", "Quintalhac", "0698765432", "berenice.q@exemple.fr"


def person_bytes_present() -> list[bytes]:
    """Personal values found in user.sqlite or its write-ahead log, as raw bytes."""
    found = []
    for path in (user_db_path(), user_db_path().with_name("user.sqlite-wal")):
        if not path.exists():
            continue
        raw = path.read_bytes()
        for value in (NAME, LAST, PHONE, EMAIL, "note très personnelle"):
            if value.encode() in raw:
                found.append(value.encode())
    return found


@pytest.fixture
def filled(caplog: pytest.LogCaptureFixture) -> tuple[PeopleService, int, int]:
    caplog.set_level(logging.DEBUG)
    service = PeopleService()
    person = service.create_person(
        first_name=NAME, last_name=LAST, phone=PHONE, email=EMAIL, notes="note très personnelle"
    )
    for n in range(3):
        entry, _ = service.add_to_shortlist(
            person.id, item=Item(Kind.FORMATION, f"F{n}", f"Formation {n}", lat=45.0, lon=2.4)
        )
        service.set_note(entry.id, "note très personnelle")
    other = service.create_person(first_name="Autre", phone="0611111111")
    service.add_to_shortlist(other.id, item=Item(Kind.OFFRE, "O1", "Offre de l'autre"))
    yield service, person.id, other.id
    service.close()


def test_export_everything_about_one_person(filled, tmp_path: Path) -> None:
    service, person_id, _ = filled
    files = export_person_data(service, person_id, folder=tmp_path / "droit-acces")
    assert [f.suffix for f in files] == [".json", ".pdf"]
    assert all(NAME not in f.name for f in files)
    data = json.loads(files[0].read_text(encoding="utf-8"))
    assert data["tables"]["people"][0]["email"] == EMAIL
    assert len(data["tables"]["shortlist_items"]) == 3
    assert "Offre de l'autre" not in files[0].read_text(encoding="utf-8")


def test_erasure_leaves_no_trace(filled, caplog: pytest.LogCaptureFixture) -> None:
    service, person_id, other_id = filled
    # A future module (appointment outbox) with its own table about people.
    service._conn.execute(
        "CREATE TABLE appointment_outbox (id INTEGER PRIMARY KEY, person_id INTEGER, body TEXT)"
    )
    service._conn.execute(
        "INSERT INTO appointment_outbox (person_id, body) VALUES (?, ?)", (person_id, EMAIL)
    )
    service._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert person_bytes_present()

    deleted = erase_person(service, person_id)
    # The journal: « fiche créée » and three « ajout à la sélection ».
    assert deleted == {
        "shortlist_items": 3,
        "appointment_outbox": 1,
        "journal_events": 4,
        "people": 1,
    }
    assert person_bytes_present() == []
    with pytest.raises(InvalidInput):
        service.get_person(person_id)
    assert service.get_person(other_id).item_count == 1  # the other person is untouched
    # Logs speak of person numbers only.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for value in (NAME, LAST, PHONE, EMAIL):
        assert value not in logged


def test_registered_tables_are_erased(filled, monkeypatch: pytest.MonkeyPatch) -> None:
    service, person_id, _ = filled
    monkeypatch.setattr(userdb, "_PERSON_TABLES", list(userdb._PERSON_TABLES))
    service._conn.execute("CREATE TABLE rdv_requests (id INTEGER PRIMARY KEY, applicant INTEGER)")
    service._conn.execute("INSERT INTO rdv_requests (applicant) VALUES (?)", (person_id,))
    userdb.register_person_table("rdv_requests", "applicant")
    assert service.export_person_data(person_id)["rdv_requests"][0]["applicant"] == person_id
    assert service.erase_person(person_id)["rdv_requests"] == 1
    raw = sqlite3.connect(user_db_path())
    assert raw.execute("SELECT count(*) FROM rdv_requests").fetchone()[0] == 0
    raw.close()


def test_purge_proposal(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    clock = iter([datetime(2024, 5, 1, tzinfo=UTC)] + [datetime(2026, 11, 23, tzinfo=UTC)] * 9)
    with PeopleService(clock=lambda: next(clock)) as service:
        old = service.create_person(first_name="Ancien")
        service.create_person(first_name="Actif")
        assert [p.id for p in purge_proposal(service)] == [old.id]
        assert purge_proposal(service, months=36) == []


def test_cli_export_data_and_erase(filled, tmp_path: Path, capsys) -> None:
    service, person_id, _ = filled
    assert main(["shortlist", "export-data", str(person_id), "--output", str(tmp_path)]) == 0
    assert (tmp_path / f"donnees-personne-{person_id}.json").exists()
    assert main(["shortlist", "erase", str(person_id)]) == 2  # confirmation required
    assert service.get_person(person_id)
    assert main(["shortlist", "erase", str(person_id), "--oui"]) == 0
    assert "supprimée définitivement" in capsys.readouterr().out
    with pytest.raises(InvalidInput):
        service.get_person(person_id)
