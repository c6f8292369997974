"""Territory aggregates: the figures agree with what the search finds over the same territory."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from lba_desktop.cli.main import main
from lba_desktop.data.catalogue import CatalogueStore, CatalogueWriter
from lba_desktop.geocoding import default_geocoder
from lba_desktop.models import Item, Kind, Place, PlaceKind
from lba_desktop.search import SearchService
from lba_desktop.territory import TerritoryService

EVERYTHING = {kind.value: 100_000 for kind in Kind}
EMPLOYERS = frozenset({Kind.OFFRE, Kind.ENTREPRISE, Kind.PARTENARIAT})


@pytest.fixture(scope="module")
def store(demo_catalogue_file: Path) -> CatalogueStore:
    return CatalogueStore(demo_catalogue_file)


def _search(store: CatalogueStore, place: Place, rome: str, kinds=frozenset(Kind), radius=30):
    service = SearchService(store)
    criteria = service.build_criteria(lieu=place, romes=[rome], types=kinds, rayon=radius)
    return service.search(replace(criteria, limits=EVERYTHING))


def _territory_json(capsys, *argv: str) -> dict:
    assert main(["territoire", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_every_rome_of_a_departement_counts_what_the_search_finds(demo_home, store, capsys):
    doc = _territory_json(capsys, "--departement", "15")
    assert doc["territoire"]["libelle"] == "Cantal (15)"
    service = TerritoryService(store)
    cantal = service.place_of(service.territory(departement="15"))
    assert cantal == default_geocoder().resolve("Cantal")
    # Every ROME any item of the Cantal carries, straight from the catalogue file.
    conn = sqlite3.connect(store.path)
    romes = {
        code
        for (codes,) in conn.execute(
            "SELECT romes FROM items WHERE departement = '15' AND lat IS NOT NULL"
        )
        for code in codes.split()
    }
    assert {m["rome"] for m in doc["metiers"]} == romes and len(romes) > 20
    for metier in doc["metiers"]:
        result = _search(store, cantal, metier["rome"])
        assert not result.nearest_anywhere
        found = {kind.value + "s": n for kind, n in result.counts.items()}
        for key in ("formations", "offres", "partenariats", "entreprises"):
            assert metier[key] == found[key], (metier["rome"], key)
        sirets = {h.item.siret or h.item.id for h in result.hits if h.item.kind in EMPLOYERS}
        assert metier["employeurs"] == len(sirets), metier["rome"]


def test_every_domain_of_a_departement_counts_what_the_search_of_its_metiers_finds(
    demo_home, store, capsys
):
    doc = _territory_json(capsys, "--departement", "15")
    service = TerritoryService(store)
    cantal = service.place_of(service.territory(departement="15"))
    here = {m["rome"] for m in doc["metiers"]}
    assert {d["domaine"] for d in doc["domaines"]} == {rome[:3] for rome in here}
    assert len(doc["domaines"]) > 20
    several = 0
    for domain in doc["domaines"]:
        romes = domain["romes"]
        assert romes == sorted(r for r in here if r[:3] == domain["domaine"]) and romes
        assert domain["metiers"] == len(romes) <= 20 and domain["grand_domaine_libelle"]
        service_ = SearchService(store)
        criteria = service_.build_criteria(lieu=cantal, romes=romes, rayon=30)
        result = service_.search(replace(criteria, limits=EVERYTHING))
        found = {kind.value + "s": n for kind, n in result.counts.items()}
        for key in ("formations", "offres", "partenariats", "entreprises"):
            assert domain[key] == found[key], (domain["domaine"], key)
        sirets = {h.item.siret or h.item.id for h in result.hits if h.item.kind in EMPLOYERS}
        assert domain["employeurs"] == len(sirets), domain["domaine"]
        # An item of two métiers of the domain counts once, not once per métier.
        per_metier = sum(
            m["formations"] + m["offres"] for m in doc["metiers"] if m["rome"] in romes
        )
        several += per_metier > domain["formations"] + domain["offres"]
    assert several, "some demo items carry two métiers of one domain"


def test_an_item_listed_under_two_metiers_of_a_domain_is_one_isolated_item(tmp_path: Path):
    path = tmp_path / "c.sqlite"
    writer = CatalogueWriter(path, today=date(2026, 11, 1))
    writer.add_items(
        [
            Item(
                kind=Kind.FORMATION,
                id="f1",
                title="CAP boulanger pâtissier",
                romes=("D1102", "D1104", "G1602"),
                departement="15",
                lat=44.93,
                lon=2.44,
                details={"places": 12, "sessions": [{"start": "2027-01-10"}]},
            )
        ]
    )
    writer.finish()
    service = TerritoryService(CatalogueStore(path))
    view = service.view(service.territory(departement="15"))
    assert [m.counts.formations_sans_employeur for m in view.metiers] == [1, 1, 1]
    by_code = {d.code: d for d in view.domains}
    assert set(by_code) == {"D11", "G16"}
    d11 = by_code["D11"].counts
    assert (d11.metiers, d11.formations, d11.places, d11.sessions_12_mois) == (2, 1, 12, 1)
    assert d11.formations_sans_employeur == 1
    assert by_code["D11"].romes == ("D1102", "D1104")
    assert by_code["D11"].grand_domaine_label.startswith("Commerce")
    assert by_code["D11"].label == "Boucher, Boulanger et 16 autres métiers"
    # Asked for one métier: its domain is shown whole.
    (only,) = service.view(service.territory(departement="15"), ["D1104"]).domains
    assert only.code == "D11" and only.romes == ("D1102", "D1104")


def test_a_catalogue_of_schema_10_gets_its_domain_figures_when_opened(tmp_path: Path):
    path = tmp_path / "v9.sqlite"
    writer = CatalogueWriter(path, schema_version=10)
    writer.add_items(
        [
            Item(
                kind=Kind.OFFRE,
                id="o1",
                title="Boulanger",
                romes=("D1102",),
                departement="15",
                lat=44.93,
                lon=2.44,
            )
        ]
    )
    writer.finish()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE territory_domains")  # as version 10 wrote it
    conn.commit()
    conn.close()
    service = TerritoryService(CatalogueStore(path))
    (domain,) = service.view(service.territory(departement="15")).domains
    assert (domain.code, domain.counts.offres, domain.counts.offres_sans_formation) == (
        "D11",
        1,
        1,
    )


def test_a_region_and_france_add_up_their_departements(demo_home, capsys):
    region = _territory_json(capsys, "--region", "84")
    assert region["territoire"]["libelle"] == "Auvergne-Rhône-Alpes"
    summed: dict[str, int] = {}
    for dep in region["territoire"]["departements"]:
        for m in _territory_json(capsys, "--departement", dep, "--metier", "D1102")["metiers"]:
            summed[m["rome"]] = summed.get(m["rome"], 0) + m["formations"] + m["offres"]
    boulanger = next(m for m in region["metiers"] if m["rome"] == "D1102")
    assert boulanger["formations"] + boulanger["offres"] == summed["D1102"] > 0
    france = _territory_json(capsys, "--metier", "D1102")
    assert france["territoire"]["type"] == "france"
    assert [m["rome"] for m in france["metiers"]] == ["D1102"]
    assert france["metiers"][0]["formations"] >= boulanger["formations"]


def _commune_at(lat: float, lon: float) -> Place:
    return Place(PlaceKind.COMMUNE, "00000", "ici", lat, lon)


def test_trainings_listed_have_no_employer_within_30_km_and_the_others_do(demo_home, store, capsys):
    doc = _territory_json(capsys, "--region", "84")
    listed = {(g["id"], g["rome"]) for g in doc["formations_sans_employeur_30km"]}
    assert listed, "the demo has isolated trainings in Auvergne-Rhône-Alpes"
    for g in doc["formations_sans_employeur_30km"][:15]:
        around = _search(store, _commune_at(g["latitude"], g["longitude"]), g["rome"], EMPLOYERS)
        assert around.nearest_anywhere or not around.hits, g
        assert g["plus_proche_km"] is None or g["plus_proche_km"] > 30
    # Some trainings of the Cantal that are not listed: each has an employer within 30 km.
    cantal = default_geocoder().resolve("Cantal")
    checked = 0
    for hit in _search(store, cantal, "D1102", frozenset({Kind.FORMATION})).hits:
        if (hit.item.id, "D1102") in listed:
            continue
        here = _commune_at(hit.item.lat, hit.item.lon)
        around = _search(store, here, "D1102", EMPLOYERS)
        assert around.hits and not around.nearest_anywhere, hit.item.id
        checked += 1
    assert checked


def test_metiers_without_training_list_offers_with_no_training_within_60_km(
    demo_home, store, capsys
):
    doc = _territory_json(capsys, "--region", "84")
    offers = doc["offres_sans_formation_60km"]
    assert doc["metiers_sans_formation_60km"] and offers
    for g in offers[:15]:
        here = _commune_at(g["latitude"], g["longitude"])
        around = _search(store, here, g["rome"], frozenset({Kind.FORMATION}), radius=60)
        assert around.nearest_anywhere or not around.hits, g
    per_rome = {m["rome"]: m["offres_sans_formation_60km"] for m in doc["metiers"]}
    for m in doc["metiers_sans_formation_60km"]:
        assert 0 < m["offres_sans_formation"] == per_rome[m["rome"]] <= m["offres"]


def test_sessions_and_places_are_dated_from_the_build_day(tmp_path: Path):
    path = tmp_path / "c.sqlite"
    sessions = [
        {"start": "2027-01-10", "places": 12},
        {"start": "2026-02-01", "places": 8},  # already started
    ]
    items = [
        Item(
            kind=Kind.FORMATION,
            id=f"f{i}",
            title="CAP",
            romes=("D1102",),
            departement="15",
            lat=44.93,
            lon=2.44,
            details={"places": 20, "sessions": sessions[i:]},
        )
        for i in range(2)
    ]
    writer = CatalogueWriter(path, today=date(2026, 11, 1))
    writer.add_items(items)
    writer.finish()
    service = TerritoryService(CatalogueStore(path))
    (row,) = service.view(service.territory(departement="Cantal")).metiers
    assert (row.counts.formations, row.counts.sessions_12_mois, row.counts.places) == (2, 1, 40)
    assert row.counts.formations_sans_employeur == 2 and row.employers_per_training == 0


def test_an_older_catalogue_gets_its_figures_when_opened(tmp_path: Path):
    path = tmp_path / "old.sqlite"
    writer = CatalogueWriter(path, schema_version=4)
    writer.add_items(
        [
            Item(
                kind=Kind.OFFRE,
                id="o1",
                title="Boulanger",
                romes=("D1102",),
                departement="15",
                lat=44.93,
                lon=2.44,
            )
        ]
    )
    writer.finish()
    service = TerritoryService(CatalogueStore(path))
    (row,) = service.view(service.territory(departement="15")).metiers
    assert (row.rome, row.counts.offres, row.counts.offres_sans_formation) == ("D1102", 1, 1)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["territoire", "--departement", "99"], "Département inconnu"),
        (["territoire", "--region", "Atlantide"], "Région inconnue"),
        (["territoire", "--departement", "15", "--region", "84"], "Erreur"),
        (["territoire", "--metier", "zzzqqq"], "zzzqqq"),
    ],
)
def test_bad_territory_or_metier_is_refused_in_french(demo_home, capsys, argv, words):
    assert main(argv) == 2
    assert words in capsys.readouterr().err


def test_the_table_shows_the_domains_and_employers_per_place(demo_home, capsys):
    assert main(["territoire", "--departement", "15"]) == 0
    out = capsys.readouterr().out
    assert "Empl./place" in out.splitlines()[2]
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Domaines professionnels"))
    assert int(lines[start].rsplit(":", 1)[1]) > 20
    # The biggest domain first, named by its métiers: D11 holds the boulangers.
    assert lines[start + 3].startswith("D11  Boucher, Boulanger et 16 autres métiers")
