"""Moving in: a user.sqlite written by the release before the shared store, imported into the
configured store (user.sqlite or PostgreSQL) with a report, all or nothing, once."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from lba_desktop.cli.main import main
from lba_desktop.data import user_schema
from lba_desktop.errors import InvalidInput
from lba_desktop.people import PeopleService, ShortlistStatus
from lba_desktop.people.journal import JournalKind
from lba_desktop.people.profiles import Profiles

pytestmark = pytest.mark.usefixtures("user_backend")

AT = "2026-05-04T10:00:00+00:00"


def old_release_file(path: Path) -> Path:
    """A v4 user.sqlite: two people, three lines, one request pointing at a line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = sqlite3.connect(path)
    for version in range(4):
        for statement in user_schema.step_sql(version, user_schema.SQLITE):
            raw.execute(statement)
    people = [("Inès", "Benali", "0612345678", "ines@exemple.fr"), ("Yanis", "Roux", "", "")]
    for first, last, phone, email in people:
        raw.execute(
            "INSERT INTO people (first_name, last_name, phone, email, created_at, "
            "last_activity_at) VALUES (?, ?, ?, ?, ?, ?)",
            (first, last, phone, email, AT, AT),
        )
    for person_id, item, status in (
        (1, "F1", "contacte"),
        (1, "F2", "a_etudier"),
        (2, "F1", "retenu"),
    ):
        raw.execute(
            "INSERT INTO shortlist_items (person_id, kind, item_id, position, status, added_at, "
            "updated_at, title) VALUES (?, 'formation', ?, 0, ?, ?, ?, ?)",
            (person_id, item, status, AT, AT, f"Formation {item}"),
        )
    raw.execute(
        "INSERT INTO appointment_requests (person_id, shortlist_entry_id, cle_ministere_educatif, "
        "idempotency_key, status, first_name, email, created_at, updated_at) "
        "VALUES (1, 2, 'F2', 'cle-unique-1', 'envoyee', 'Inès', 'ines@exemple.fr', ?, ?)",
        (AT, AT),
    )
    raw.execute("INSERT INTO settings (key, value) VALUES ('api_key', '\"secret\"')")
    raw.execute("PRAGMA user_version = 4")
    raw.commit()
    raw.close()
    return path


def test_a_counsellors_file_moves_in_with_a_report(tmp_path: Path) -> None:
    source = old_release_file(tmp_path / "ancien" / "user.sqlite")
    before = source.read_bytes()
    with PeopleService(counsellor="Amina Diallo") as people:
        already = people.create_person(first_name="Déjà là")
        report = people.import_user_file(source)
        assert (report.people, report.entries, report.requests, report.events) == (2, 3, 1, 0)
        assert report.text_fr.startswith(
            "Importé depuis user.sqlite : 2 jeunes, 3 pistes de sélection, 1 demande de "
            "rendez-vous, 0 ligne de journal."
        )
        ines = people.find_person("Inès Benali")
        assert ines.id != 1 or already.id != 1
        assert (ines.phone, ines.email) == ("0612345678", "ines@exemple.fr")
        lines = people.shortlist(ines.id)
        assert [(e.item_id, e.status) for e in lines] == [
            ("F1", ShortlistStatus.CONTACTE),
            ("F2", ShortlistStatus.A_ETUDIER),
        ]
        data = people.export_person_data(ines.id)
        (request,) = data["appointment_requests"]
        # The request still points at Inès's own F2 line, under its new number.
        assert request["shortlist_entry_id"] == lines[1].id
        (event,) = people.journal(ines.id)
        assert (event.kind, event.counsellor) == (JournalKind.IMPORT, "Amina Diallo")
        assert event.summary == "depuis user.sqlite (n° 1)"
        yanis = people.find_person("Yanis")
        assert [e.status for e in people.shortlist(yanis.id)] == [ShortlistStatus.RETENU]
        assert "settings" not in data  # the file's API key stays on its machine
    assert source.read_bytes() == before  # the counsellor's file is never written


def test_a_second_import_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    source = old_release_file(tmp_path / "user.sqlite")
    with PeopleService() as people:
        people.import_user_file(source)
        with pytest.raises(InvalidInput, match="déjà été importé"):
            people.import_user_file(source)
        assert len(people.search_people()) == 2


def test_a_file_that_is_not_a_user_file_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "notes.sqlite"
    junk.write_bytes(b"pas une base" * 100)
    with PeopleService() as people:
        with pytest.raises(InvalidInput, match="n'est pas un fichier de données"):
            people.import_user_file(junk)
        with pytest.raises(InvalidInput, match="introuvable"):
            people.import_user_file(tmp_path / "absent.sqlite")
        assert people.search_people() == []


def test_the_command_line_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = old_release_file(tmp_path / "user.sqlite")
    assert main(["jeunes", "importer", str(source)]) == 0
    out = capsys.readouterr().out
    assert "2 jeunes, 3 pistes de sélection, 1 demande de rendez-vous" in out
    assert main(["jeunes", "importer", str(source)]) != 0
    assert "déjà été importé" in capsys.readouterr().err


def test_the_young_peoples_profiles_move_in_with_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Mobility, level aimed at and métiers come along: after the import, « Parcours
    complets » and « what's new » read the same profile as on the counsellor's machine."""
    source = tmp_path / "collegue" / "user.sqlite"
    source.parent.mkdir()
    with PeopleService(source) as theirs:
        lea = theirs.create_person(first_name="Léa", last_name="Martin", home_insee="15014")
        tom = theirs.create_person(first_name="Tom", last_name="Petit")
        theirs.create_person(first_name="Zoé", last_name="Sans profil")
        Profiles(theirs.store).save(lea.id, mobility_km=45, diploma_level=4, romes=["D1102"])
        Profiles(theirs.store).save(tom.id, mobility_km=10, diploma_level=None, romes=[])
    with PeopleService() as people:
        first = people.create_person(first_name="Déjà là")  # so the numbers change on the way
        Profiles(people.store).save(first.id, mobility_km=60, diploma_level=3, romes=["H2909"])
    assert main(["jeunes", "importer", str(source)]) == 0
    out = capsys.readouterr().out
    assert "3 jeunes (dont 2 avec leur profil de recherche), 0 piste de sélection" in out
    with PeopleService() as people:
        profiles = Profiles(people.store)
        moved = {p.first_name: profiles.get(p.id) for p in people.search_people()}
    assert (moved["Léa"].mobility_km, moved["Léa"].diploma_level, moved["Léa"].romes) == (
        45,
        4,
        ("D1102",),
    )
    assert (moved["Tom"].mobility_km, moved["Tom"].diploma_level, moved["Tom"].romes) == (
        10,
        None,
        (),
    )
    assert moved["Zoé"].mobility_km == 30 and moved["Zoé"].romes == ()  # the default
    assert moved["Déjà là"].romes == ("H2909",)  # the profile already there is untouched
    assert main(["jeunes", "profil", "Léa Martin", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["mobilite_km"], shown["niveau"], shown["romes"]) == (45, 4, ["D1102"])
