"""Diploma titles in the métier lookup: « cap boulanger », « bts mco », RNCP codes and `--rncp`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from lba_desktop.certifications import certification_index
from lba_desktop.data.catalogue import CatalogueStore, CatalogueWriter
from lba_desktop.errors import InvalidInput, MetierNotFound
from lba_desktop.geocoding import default_geocoder
from lba_desktop.models import Item, Kind
from lba_desktop.search import SearchService


def _near_aurillac(km_north: float) -> tuple[float, float]:
    town = default_geocoder().resolve("Aurillac")
    return town.lat + km_north / 111.195, town.lon


def _training(id_: str, km: float, title: str, rncp: str, romes: tuple[str, ...], **details):
    lat, lon = _near_aurillac(km)
    return Item(
        kind=Kind.FORMATION,
        id=id_,
        title=title,
        organisation="CFA",
        lat=lat,
        lon=lon,
        departement="15",
        romes=romes,
        diploma_level=details.pop("level", 3),
        details={"rncp_code": rncp, **details} if rncp else details,
    )


def _job(kind: Kind, id_: str, km: float, romes: tuple[str, ...]) -> Item:
    lat, lon = _near_aurillac(km)
    return Item(kind=kind, id=id_, title=id_, lat=lat, lon=lon, departement="15", romes=romes)


# Upstream's shapes (2026): `diploma` spelled out, `title` short, `rncpLabel` the specialty.
TRAININGS = [
    _training(
        "cap-boul-1",
        3,
        "CAP Boulanger",
        "RNCP37862",
        ("D1102",),
        diploma="CERTIFICAT D'APTITUDES PROFESSIONNELLES",
        rncp_label="Boulanger",
    ),
    _training("cap-boul-2", 12, "CAP BOULANGER", "rncp37862", ("D1102",), diploma="CAP"),
    _training("bp-boul", 8, "BP Boulanger", "RNCP35477", ("D1102",), level=4),
    _training(
        "bts-mco",
        5,
        "BTS Management commercial opérationnel",
        "RNCP38362",
        ("D1509", "D1503"),
        level=5,
        diploma="BREVET DE TECHNICIEN SUPERIEUR",
    ),
    _training(
        "bts-ndrc",
        6,
        "BTS Négociation et digitalisation de la relation client",
        "RNCP38368",
        ("D1407",),
        level=5,
    ),
    _training(
        "bacpro-commerce",
        7,
        "Baccalauréat professionnel Métiers du commerce et de la vente",
        "RNCP32208",
        ("D1106", "D1214"),
        level=4,
    ),
    _training(
        "tp-sa",
        9,
        "Titre professionnel Secrétaire assistant",
        "RNCP36805",
        ("M1607",),
        level=4,
    ),
    # A training that names no certification stays out of the diploma lookup.
    _training("no-code", 2, "CAP Boulanger", "", ("D1102",)),
    # A code in a shape the index cannot read is left out, not a crash.
    _training("odd-code", 2, "CAP Pâtissier", "pas un code", ("D1104",)),
]
JOBS = [
    _job(Kind.OFFRE, "offre-boulangerie", 4, ("D1102",)),
    _job(Kind.ENTREPRISE, "ent-boulangerie", 6, ("D1102",)),
    _job(Kind.ENTREPRISE, "ent-vente", 6, ("D1509",)),
    _job(Kind.OFFRE, "offre-secretariat", 4, ("M1607",)),
]


@pytest.fixture
def store(isolated_home: Path) -> CatalogueStore:
    # Written where the application reads its catalogue, so the CLI test reads it too.
    writer = CatalogueWriter(isolated_home / "catalogue.sqlite")
    writer.add_items([*TRAININGS, *JOBS])
    writer.finish()
    return CatalogueStore(isolated_home / "catalogue.sqlite")


@pytest.mark.parametrize(
    ("typed", "rncp"),
    [
        ("cap boulanger", "RNCP37862"),
        ("CAP Boulang", "RNCP37862"),
        ("certificat d'aptitude boulanger", "RNCP37862"),
        ("bp boulanger", "RNCP35477"),
        ("bts mco", "RNCP38362"),
        ("bts management commercial", "RNCP38362"),
        ("bts ndrc", "RNCP38368"),
        ("bac pro commerce", "RNCP32208"),
        ("titre pro secrétaire assistant", "RNCP36805"),
        ("tp secretaire", "RNCP36805"),
        ("RNCP36805", "RNCP36805"),
        ("rncp 36805", "RNCP36805"),
    ],
)
def test_usual_names_find_the_certification(store, typed, rncp) -> None:
    found = certification_index(store).lookup(typed)
    assert found, typed
    assert found[0].rncp == rncp


def test_a_certification_gathers_its_trainings_under_one_code(store) -> None:
    index = certification_index(store)
    cap = index.get("RNCP37862")
    assert cap is not None
    # Two trainings (the lower-case code read as the same one), the usual spelling kept.
    assert (cap.trainings, cap.title, cap.romes, cap.diploma_level) == (
        2,
        "CAP Boulanger",
        ("D1102",),
        3,
    )
    assert index.get("RNCP99999") is None
    assert len(index) == 6  # the training without a code and the odd code are not listed


def test_the_kind_typed_ranks_first(store) -> None:
    boulanger = [c.rncp for c in certification_index(store).lookup("boulanger")]
    assert set(boulanger) == {"RNCP37862", "RNCP35477"}
    assert [c.rncp for c in certification_index(store).lookup("bp boul")] == ["RNCP35477"]
    assert certification_index(store).lookup("cap informatique") == ()


def test_picking_a_diploma_searches_its_trainings_and_the_jobs_of_its_metiers(store) -> None:
    service = SearchService(store)
    criteria = service.build_criteria(metier="cap boulanger", lieu="Aurillac")
    assert (criteria.rncp, criteria.romes) == ("RNCP37862", ("D1102",))
    result = service.search(criteria)
    # Only the trainings of that certification: not the BP, not the uncoded CAP.
    assert {h.item.id for h in result.of_kind(Kind.FORMATION)} == {"cap-boul-1", "cap-boul-2"}
    assert {h.item.id for h in result.of_kind(Kind.OFFRE)} == {"offre-boulangerie"}
    assert {h.item.id for h in result.of_kind(Kind.ENTREPRISE)} == {"ent-boulangerie"}


def test_a_metier_stays_a_metier(store) -> None:
    service = SearchService(store)
    criteria = service.build_criteria(metier="boulanger", lieu="Aurillac")
    assert criteria.rncp == ""
    trainings = {h.item.id for h in service.search(criteria).of_kind(Kind.FORMATION)}
    assert {"cap-boul-1", "bp-boul", "no-code"} <= trainings


def test_rncp_option_and_its_refusals(store) -> None:
    service = SearchService(store)
    criteria = service.build_criteria(rncp="rncp38362", lieu="Aurillac")
    result = service.search(criteria)
    assert [h.item.id for h in result.of_kind(Kind.FORMATION)] == ["bts-mco"]
    assert [h.item.id for h in result.of_kind(Kind.ENTREPRISE)] == ["ent-vente"]
    with pytest.raises(InvalidInput, match="Code RNCP invalide"):
        service.build_criteria(rncp="38362x", lieu="Aurillac")
    with pytest.raises(InvalidInput, match="Aucune formation du catalogue ne prépare"):
        service.build_criteria(rncp="RNCP11111", lieu="Aurillac")
    with pytest.raises(InvalidInput, match="pas les deux"):
        service.build_criteria(rncp="RNCP38362", metier="boulanger", lieu="Aurillac")
    with pytest.raises(MetierNotFound):
        service.build_criteria(metier="cap astronaute", lieu="Aurillac")
    with pytest.raises(MetierNotFound):  # which BTS? Not the most taught one
        service.build_criteria(metier="bts", lieu="Aurillac")
    # A diploma title typed without its kind is found when no métier label matches.
    typed = service.build_criteria(metier="secretaire assistant", lieu="Aurillac")
    assert (typed.rncp, typed.romes) == ("RNCP36805", ("M1607",))


def test_an_older_catalogue_gets_the_diploma_index_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "v6.sqlite"
    writer = CatalogueWriter(path, schema_version=6)
    writer.add_items(TRAININGS)
    writer.finish()
    store = CatalogueStore(path)  # migrated to the current version
    assert certification_index(store).get("RNCP38362") is not None
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == len(TRAININGS)


def test_demo_catalogue_finds_cap_boulanger(demo_home: Path) -> None:
    from lba_desktop.local_catalogue import open_catalogue

    service = SearchService(open_catalogue())
    criteria = service.build_criteria(metier="cap boulanger", lieu="Aurillac")
    result = service.search(criteria)
    titles = {h.item.title for h in result.of_kind(Kind.FORMATION)}
    assert titles == {"CAP Boulanger"}
    assert "D1102" in criteria.romes and result.counts[Kind.ENTREPRISE] > 0


def test_cli_rncp_json(store, capsys) -> None:
    from lba_desktop.cli.main import main

    assert main(["search", "--rncp", "RNCP36805", "--lieu", "Aurillac", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["criteres"]["rncp"] == "RNCP36805"
    assert {(r["type"], r["id"]) for r in out["resultats"]} == {
        ("formation", "tp-sa"),
        ("offre", "offre-secretariat"),
    }
    assert main(["search", "--rncp", "RNCP1", "--lieu", "Aurillac"]) != 0
    assert "Code RNCP invalide" in capsys.readouterr().err
