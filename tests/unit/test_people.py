"""People and shortlists in user.sqlite: validation, shortlist operations, availability."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lba_desktop.data.catalogue import CatalogueStore, CatalogueWriter
from lba_desktop.data.userdb import USER_SCHEMA_VERSION, connect
from lba_desktop.errors import InvalidInput, LbaError
from lba_desktop.models import Item, Kind
from lba_desktop.paths import user_db_path
from lba_desktop.people import (
    PeopleService,
    PersonNotFound,
    ShortlistStatus,
    months_before,
    normalise_phone,
)

# Every test here runs on user.sqlite and on PostgreSQL (see conftest.user_backend).
pytestmark = pytest.mark.usefixtures("user_backend")


def item(n: int, kind: Kind = Kind.FORMATION, **extra: object) -> Item:
    values: dict[str, object] = {
        "title": f"Formation {n}",
        "organisation": f"CFA {n}",
        "commune": "Aurillac",
        "postcode": "15000",
        "departement": "15",
        "lat": 44.93 + n / 100,
        "lon": 2.44,
        "url": f"https://example.org/{n}",
    }
    values.update(extra)
    return Item(kind, f"ID{n}", **values)  # type: ignore[arg-type]


@pytest.fixture
def service() -> PeopleService:
    with PeopleService() as svc:
        yield svc


def build_catalogue(path: Path, items: list[Item]) -> CatalogueStore:
    writer = CatalogueWriter(path)
    writer.add_items(items)
    writer.finish()
    return CatalogueStore(path)


def test_database_settings_and_version() -> None:
    conn = connect()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == USER_SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    conn.close()
    assert user_db_path().exists()


def test_newer_database_is_refused() -> None:
    raw = sqlite3.connect(user_db_path())
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(LbaError) as info:
        connect()
    assert "plus récente" in info.value.message


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("06 12 34 56 78", "0612345678"),
        ("+33 6 12 34 56 78", "0612345678"),
        ("+33 (0)6 12 34 56 78", "0612345678"),
        ("06.12.34.56.78", "0612345678"),
        ("", ""),
    ],
)
def test_phone_normalisation(typed: str, expected: str) -> None:
    assert normalise_phone(typed) == expected


def test_validation_messages_are_french_and_carry_no_personal_data(
    service: PeopleService,
) -> None:
    with pytest.raises(InvalidInput, match="prénom"):
        service.create_person(first_name="  ")
    with pytest.raises(InvalidInput, match="Adresse électronique invalide") as info:
        service.create_person(first_name="Léa", email="lea.secret@")
    assert "lea.secret" not in str(info.value)
    with pytest.raises(InvalidInput, match="téléphone") as info:
        service.create_person(first_name="Léa", phone="07 99 88 77")
    assert "99 88" not in str(info.value)


def test_create_update_search_and_home_commune(service: PeopleService) -> None:
    lea = service.create_person(
        first_name="Léa", last_name="Martin", phone="+33 6 12 34 56 78", home_insee="Aurillac"
    )
    assert lea.phone == "0612345678"
    assert lea.home_insee == "15014"
    assert lea.home_label.startswith("Aurillac")
    assert lea.home_departement == "15"
    service.create_person(first_name="Zoé")
    assert [p.id for p in service.search_people("lea")] == [lea.id]
    assert [p.id for p in service.search_people("MARTIN")] == [lea.id]
    assert [p.id for p in service.search_people("0612")] == [lea.id]
    assert len(service.search_people()) == 2
    updated = service.update_person(lea.id, notes="Cherche en boulangerie", email="l@ex.fr")
    assert updated.notes == "Cherche en boulangerie"
    assert updated.email == "l@ex.fr"
    assert service.find_person("Léa Martin").id == lea.id
    assert service.find_person(str(lea.id)).id == lea.id
    with pytest.raises(InvalidInput):
        service.find_person("personne")
    with pytest.raises(InvalidInput, match="commune"):
        service.update_person(lea.id, home_insee="Cantal")


def test_shortlist_round_trip(service: PeopleService) -> None:
    person = service.create_person(first_name="Léa", home_insee="15014")
    entries = [service.add_to_shortlist(person.id, item=item(n))[0] for n in range(4)]
    assert [e.position for e in service.shortlist(person.id)] == [0, 1, 2, 3]
    assert entries[0].distance_km is not None and entries[0].distance_km < 2
    assert entries[0].status is ShortlistStatus.A_ETUDIER

    again, created = service.add_to_shortlist(person.id, item=item(1))
    assert not created
    assert again.id == entries[1].id
    assert len(service.shortlist(person.id)) == 4

    reordered = service.move(entries[3].id, 0)
    assert [e.item_id for e in reordered] == ["ID3", "ID0", "ID1", "ID2"]
    assert [e.item_id for e in service.move(entries[3].id, 99)] == ["ID0", "ID1", "ID2", "ID3"]

    service.set_status(entries[2].id, ShortlistStatus.ENTRETIEN)
    service.set_note(entries[2].id, "RDV mardi 14 h")
    again = service.get_entry(entries[2].id)
    assert again.status is ShortlistStatus.ENTRETIEN
    assert again.status.label_fr == "Entretien / RDV"
    assert again.note == "RDV mardi 14 h"
    with pytest.raises(InvalidInput, match="Statut"):
        service.set_status(entries[2].id, "perdu")

    service.remove_from_shortlist(entries[1].id)
    assert [(e.item_id, e.position) for e in service.shortlist(person.id)] == [
        ("ID0", 0),
        ("ID2", 1),
        ("ID3", 2),
    ]
    assert service.get_person(person.id).item_count == 3


def test_same_item_for_two_people_and_kinds_are_distinct(service: PeopleService) -> None:
    a = service.create_person(first_name="A")
    b = service.create_person(first_name="B")
    assert service.add_to_shortlist(a.id, item=item(1))[1]
    assert service.add_to_shortlist(b.id, item=item(1))[1]
    assert service.add_to_shortlist(a.id, item=item(1, Kind.OFFRE))[1]
    assert len(service.shortlist(a.id)) == 2
    assert len(service.shortlist(b.id)) == 1


def test_distance_falls_back_on_search_distance_without_home(service: PeopleService) -> None:
    person = service.create_person(first_name="Sans domicile connu")
    entry, _ = service.add_to_shortlist(person.id, item=item(1), distance_km=12.5)
    assert entry.distance_km == 12.5
    service.update_person(person.id, home_insee="15014")
    assert service.shortlist(person.id)[0].distance_km < 5


def test_snapshot_survives_a_catalogue_without_the_item(
    service: PeopleService, tmp_path: Path
) -> None:
    person = service.create_person(first_name="Léa", home_insee="15014")
    first = build_catalogue(tmp_path / "v1.sqlite", [item(1), item(2)])
    for n in (1, 2):
        found = first.get(Kind.FORMATION, f"ID{n}")
        assert found is not None
        service.add_to_shortlist(person.id, item=found)
    assert service.refresh_availability(first) == 0

    moved = item(2, phone="0471000000", title="Formation 2 (nouvel intitulé)")
    second = build_catalogue(tmp_path / "v2.sqlite", [moved, item(3)])
    assert service.refresh_availability(second, person_id=person.id) == 1
    gone, kept = service.shortlist(person.id)
    assert not gone.available
    assert gone.availability_fr == "n'est plus disponible"
    assert gone.title == "Formation 1"  # the snapshot still shows what the counsellor saw
    assert gone.organisation == "CFA 1"
    assert kept.available
    assert kept.title == "Formation 2 (nouvel intitulé)"
    assert kept.phone == "0471000000"

    # The item comes back in a later catalogue: the line is available again.
    assert service.refresh_availability(first) == 1
    assert all(e.available for e in service.shortlist(person.id))


def test_inactive_people(tmp_path: Path) -> None:
    moments = iter(
        [datetime(2025, 1, 10, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)]
        + [datetime(2026, 3, 2, tzinfo=UTC)] * 20
    )
    with PeopleService(clock=lambda: next(moments)) as service:
        old = service.create_person(first_name="Ancien")
        recent = service.create_person(first_name="Récent")
        assert [p.id for p in service.people_inactive_since(12)] == [old.id]
        service.touch(old.id)
        assert service.people_inactive_since(12) == []
        assert recent.id
    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1).day == 28


def test_unknown_person(service: PeopleService) -> None:
    with pytest.raises(PersonNotFound):
        service.get_person(42)
    with pytest.raises(PersonNotFound):
        service.add_to_shortlist(42, item=item(1))


def test_check_person_reports_every_wrong_field_at_once(service: PeopleService) -> None:
    assert service.check_person(first_name="Léa", phone="06 12 34 56 78") == {}
    errors = service.check_person(first_name=" ", phone="12", email="lea@", notes="x" * 6000)
    assert set(errors) == {"first_name", "phone", "email", "notes"}
    assert errors["email"].startswith("Adresse électronique invalide.")
    assert "pseudonyme" in errors["first_name"]
    assert service.search_people() == []  # checking never saves
