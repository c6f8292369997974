"""A young person's search profile: stored with the person, checked, upgraded from an older
user.sqlite, exported and erased with everything else about them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lba_desktop.data import user_schema
from lba_desktop.errors import InvalidInput
from lba_desktop.people import PeopleService
from lba_desktop.people.profiles import Profiles, search_for


@pytest.fixture
def people(tmp_path: Path):
    with PeopleService(tmp_path / "user.sqlite") as service:
        yield service


def test_a_new_profile_has_the_default_mobility_and_no_metier(people) -> None:
    person = people.create_person(first_name="Inès", home_insee="Aurillac")
    profile = Profiles(people.store).get(person.id)
    assert (profile.mobility_km, profile.diploma_level, profile.romes) == (30, None, ())
    assert not profile.is_set


def test_the_profile_is_saved_and_fills_the_search(people) -> None:
    person = people.create_person(first_name="Inès", home_insee="Aurillac")
    profiles = Profiles(people.store)
    profiles.save(person.id, mobility_km=45, diploma_level=3, romes=["d1102", "D1104", "D1102"])
    profile = profiles.get(person.id)
    assert (profile.mobility_km, profile.diploma_level, profile.romes) == (
        45,
        3,
        ("D1102", "D1104"),
    )
    # Saved again: one row, the new values.
    profiles.save(person.id, mobility_km=10, diploma_level=None, romes=["D1102"])
    assert profiles.get(person.id).mobility_km == 10
    assert list(profiles.all()) == [person.id]

    search = search_for(people.get_person(person.id), profiles.get(person.id))
    assert (search.lieu, search.romes, search.rayon, search.niveau) == (
        "15014",
        ("D1102",),
        10,
        None,
    )


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"mobility_km": 0, "diploma_level": None, "romes": ["D1102"]}, "mobilité"),
        ({"mobility_km": 500, "diploma_level": None, "romes": ["D1102"]}, "mobilité"),
        ({"mobility_km": 30, "diploma_level": 2, "romes": ["D1102"]}, "Niveau visé"),
        ({"mobility_km": 30, "diploma_level": None, "romes": ["boulanger"]}, "ROME invalide"),
        (
            {"mobility_km": 30, "diploma_level": None, "romes": [f"D{i:04d}" for i in range(21)]},
            "Trop",
        ),
    ],
)
def test_bad_values_are_refused_in_french_and_change_nothing(people, fields, words) -> None:
    person = people.create_person(first_name="Inès")
    profiles = Profiles(people.store)
    profiles.save(person.id, mobility_km=20, diploma_level=4, romes=["D1102"])
    with pytest.raises(InvalidInput, match=words):
        profiles.save(person.id, **fields)
    kept = profiles.get(person.id)
    assert (kept.mobility_km, kept.diploma_level, kept.romes) == (20, 4, ("D1102",))


def test_search_for_a_young_person_without_home_or_metier_says_what_is_missing(people) -> None:
    person = people.create_person(first_name="Inès")
    profiles = Profiles(people.store)
    profiles.save(person.id, mobility_km=30, diploma_level=None, romes=["D1102"])
    with pytest.raises(InvalidInput, match="commune de domicile"):
        search_for(people.get_person(person.id), profiles.get(person.id))
    people.update_person(person.id, home_insee="Aurillac")
    profiles.save(person.id, mobility_km=30, diploma_level=None, romes=[])
    with pytest.raises(InvalidInput, match="Aucun métier"):
        search_for(people.get_person(person.id), profiles.get(person.id))


def test_the_profile_goes_with_the_person_in_the_export_and_the_erasure(people) -> None:
    person = people.create_person(first_name="Inès")
    Profiles(people.store).save(person.id, mobility_km=30, diploma_level=3, romes=["D1102"])
    exported = people.export_person_data(person.id)
    assert exported["person_profiles"][0]["romes"] == "D1102"
    deleted = people.erase_person(person.id)
    assert deleted["person_profiles"] == 1
    assert people.store.read("SELECT count(*) FROM person_profiles")[0][0] == 0


def test_an_older_user_file_is_upgraded_with_its_people_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    version = 6  # the store as it was before profiles
    for step in range(version):
        for statement in user_schema.step_sql(step, user_schema.SQLITE):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(
        "INSERT INTO people (first_name, created_at, last_activity_at) "
        "VALUES ('Inès', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
    )
    conn.commit()
    conn.close()
    with PeopleService(path) as people:
        (person,) = people.search_people()
        assert person.first_name == "Inès"
        profiles = Profiles(people.store)
        assert profiles.get(person.id).mobility_km == 30
        profiles.save(person.id, mobility_km=60, diploma_level=None, romes=["D1102"])
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == user_schema.SCHEMA_VERSION
