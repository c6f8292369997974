"""« What's new for my young people »: after a new catalogue, the items that appeared within each
profile are listed once, until a counsellor reviews them."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from lba_desktop.cli.main import main
from lba_desktop.data.catalogue import CatalogueStore, CatalogueWriter
from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService
from lba_desktop.people.news import News
from lba_desktop.people.profiles import Profiles
from tests.unit.test_parcours import _item


def _catalogue(path: Path, items: list[Item], built_at: str) -> CatalogueStore:
    writer = CatalogueWriter(path)
    writer.add_items(items)
    writer.set_meta({"built_at": built_at, "origin": "sync"})
    writer.finish()
    return CatalogueStore(path)


BEFORE = [
    _item(Kind.FORMATION, "cap-ancien", 3, diploma_level=3),
    _item(Kind.ENTREPRISE, "boulangerie-ancienne", 5),
]
ARRIVED = [
    _item(Kind.OFFRE, "offre-neuve", 4, diploma_level=3),
    _item(Kind.ENTREPRISE, "boulangerie-neuve", 12),
    _item(Kind.ENTREPRISE, "a-l-est", 0, 29),  # several map cells away, within 30 km
    _item(Kind.OFFRE, "offre-bts", 4, diploma_level=5),  # another level
    _item(Kind.ENTREPRISE, "trop-loin", 45),
    _item(Kind.ENTREPRISE, "coiffeur", 2, romes=("D1202",)),
]


@pytest.fixture
def people(tmp_path: Path):
    with PeopleService(tmp_path / "user.sqlite") as service:
        inès = service.create_person(first_name="Inès", home_insee="Aurillac")
        Profiles(service.store).save(inès.id, mobility_km=30, diploma_level=3, romes=["D1102"])
        nohome = service.create_person(first_name="Sans domicile")
        Profiles(service.store).save(nohome.id, mobility_km=30, diploma_level=None, romes=["D1102"])
        yield service


def test_items_that_appeared_within_the_profile_are_listed_once(tmp_path: Path, people) -> None:
    news = News(people.store, seen_path=tmp_path / "seen.sqlite")
    first = news.refresh(_catalogue(tmp_path / "a.sqlite", BEFORE, "2026-12-01T00:00:00"))
    assert first.first_pass and news.leads() == []

    report = news.refresh(_catalogue(tmp_path / "b.sqlite", BEFORE + ARRIVED, "2026-12-02"))
    assert (report.new_items, report.leads, report.people) == (6, 3, 1)
    assert report.summary_fr == "3 nouvelles pistes pour 1 jeune"
    leads = news.leads()
    assert [(lead.item_id, lead.distance_km) for lead in leads] == [
        ("offre-neuve", 4.0),
        ("boulangerie-neuve", 12.0),
        ("a-l-est", 29.0),
    ]
    assert {lead.person_id for lead in leads} == {people.find_person("Inès").id}

    # The same catalogue again: nothing new, nothing doubled.
    again = news.refresh(CatalogueStore(tmp_path / "b.sqlite"))
    assert again.leads == 0 and len(news.leads()) == 3


def test_a_lead_whose_item_left_the_catalogue_goes_and_a_reviewed_one_stays_gone(
    tmp_path: Path, people
) -> None:
    news = News(people.store, seen_path=tmp_path / "seen.sqlite")
    news.refresh(_catalogue(tmp_path / "a.sqlite", BEFORE, "1"))
    news.refresh(_catalogue(tmp_path / "b.sqlite", BEFORE + ARRIVED, "2"))
    without_offer = [i for i in BEFORE + ARRIVED if i.id != "offre-neuve"]
    news.refresh(_catalogue(tmp_path / "c.sqlite", without_offer, "3"))
    assert [lead.item_id for lead in news.leads()] == ["boulangerie-neuve", "a-l-est"]
    inès = people.find_person("Inès")
    assert news.dismiss(inès.id) == 2
    news.refresh(CatalogueStore(tmp_path / "c.sqlite"))
    assert news.leads() == []


def test_an_unreadable_record_starts_over_without_inventing_news(tmp_path: Path, people) -> None:
    seen = tmp_path / "seen.sqlite"
    seen.write_bytes(b"not a database")
    news = News(people.store, seen_path=seen)
    report = news.refresh(_catalogue(tmp_path / "a.sqlite", BEFORE + ARRIVED, "1"))
    assert report.first_pass and news.leads() == []


def test_leads_are_erased_with_the_person(tmp_path: Path, people) -> None:
    news = News(people.store, seen_path=tmp_path / "seen.sqlite")
    news.refresh(_catalogue(tmp_path / "a.sqlite", BEFORE, "1"))
    news.refresh(_catalogue(tmp_path / "b.sqlite", BEFORE + ARRIVED, "2"))
    deleted = people.erase_person(people.find_person("Inès").id)
    assert deleted["person_news"] == 3 and news.leads() == []


def test_cli_profile_then_news_after_a_new_catalogue(isolated_home: Path, capsys) -> None:
    catalogue = isolated_home / "catalogue.sqlite"
    _catalogue(catalogue, BEFORE, "2026-12-01T06:00:00").close()
    assert main(["jeunes", "ajouter", "Inès", "--commune", "Aurillac"]) == 0
    capsys.readouterr()
    argv = ["jeunes", "profil", "Inès", "--metiers", "D1102", "--mobilite", "40", "--json"]
    assert main(argv) == 0
    profile = json.loads(capsys.readouterr().out)
    assert (profile["mobilite_km"], profile["romes"]) == (40, ["D1102"])
    assert main(["jeunes", "nouveautes", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["jeunes"] == [] and "prochaine mise à jour" in first["resume"]

    # A sync brings a new catalogue: one more bakery near Aurillac.
    bakery = _item(Kind.ENTREPRISE, "nouvelle-boulangerie", 6, organisation="Au Bon Pain")
    staging = isolated_home / "staging.sqlite"
    _catalogue(staging, [*BEFORE, bakery], "2026-12-03T06:00:00").close()
    shutil.move(staging, catalogue)
    assert main(["jeunes", "nouveautes", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    (young,) = answer["jeunes"]
    assert young["nom"] == "Inès"
    assert [p["id"] for p in young["pistes"]] == ["nouvelle-boulangerie"]
    assert answer["resume"] == "1 nouvelle piste pour 1 jeune"
    assert main(["jeunes", "nouveautes", "--vues", "Inès"]) == 0
    assert "1 piste(s)" in capsys.readouterr().out


def test_two_catalogues_built_in_the_same_second_are_still_compared(tmp_path: Path, people) -> None:
    news = News(people.store, seen_path=tmp_path / "seen.sqlite")
    news.refresh(_catalogue(tmp_path / "a.sqlite", BEFORE, "2026-12-01T06:00:00"))
    report = news.refresh(
        _catalogue(tmp_path / "b.sqlite", BEFORE + ARRIVED, "2026-12-01T06:00:00")
    )
    assert (report.new_items, report.leads) == (6, 3)


def test_a_record_written_by_an_earlier_version_is_compared_not_started_over(
    tmp_path: Path, people
) -> None:
    # The record before catalogue identities: the build time and the keys, without an index.
    seen = tmp_path / "seen.sqlite"
    conn = sqlite3.connect(seen)
    conn.execute("CREATE TABLE seen_meta (built_at TEXT NOT NULL)")
    conn.execute("INSERT INTO seen_meta VALUES ('1')")
    conn.execute("CREATE TABLE seen_items (kind TEXT NOT NULL, id TEXT NOT NULL)")
    conn.executemany("INSERT INTO seen_items VALUES (?, ?)", [(i.kind.value, i.id) for i in BEFORE])
    conn.commit()
    conn.close()
    news = News(people.store, seen_path=seen)
    report = news.refresh(_catalogue(tmp_path / "b.sqlite", BEFORE + ARRIVED, "2"))
    assert not report.first_pass
    assert (report.new_items, report.leads, report.people) == (6, 3, 1)
    assert news.refresh(CatalogueStore(tmp_path / "b.sqlite")).new_items == 0
    assert len(news.leads()) == 3
