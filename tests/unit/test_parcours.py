"""Parcours complets: what a counsellor checks on the pairs proposed for a young person."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from lba_desktop.cli.main import main
from lba_desktop.data.catalogue import CatalogueStore, CatalogueWriter
from lba_desktop.errors import InvalidInput
from lba_desktop.geo import distance_km
from lba_desktop.geocoding import default_geocoder
from lba_desktop.models import Item, Kind
from lba_desktop.parcours import NO_EMPLOYER_WARNING, ParcoursService
from lba_desktop.search import SearchService

BAKER = ("D1102",)


def _at(place: str, km_north: float, km_east: float = 0.0) -> tuple[float, float]:
    """A point `km_north` km north and `km_east` km east of a commune as the geocoder places it."""
    centre = default_geocoder().resolve(place)
    return (
        centre.lat + km_north / 111.195,
        centre.lon + km_east / (111.195 * math.cos(math.radians(centre.lat))),
    )


def _item(kind: Kind, id_: str, north: float, east: float = 0.0, *, near="Aurillac", **kw) -> Item:
    lat, lon = _at(near, north, east)
    fields = dict(title=f"{kind.value} {id_}", organisation=f"Org {id_}", romes=BAKER)
    fields.update(kw)
    return Item(kind=kind, id=id_, lat=lat, lon=lon, **fields)


def _service(tmp_path: Path, items: list[Item]) -> ParcoursService:
    path = tmp_path / "c.sqlite"
    writer = CatalogueWriter(path)
    writer.add_items(items)
    writer.finish()
    return ParcoursService(SearchService(CatalogueStore(path)))


def _pairs(result) -> list[tuple[str | None, str]]:
    return [(p.training.id if p.training else None, p.employer.id) for p in result.pairs]


def test_pairs_are_ordered_by_what_the_young_person_travels(tmp_path: Path) -> None:
    service = _service(
        tmp_path,
        [
            _item(Kind.FORMATION, "cfa-5", 5, diploma_level=3, organisation="CFA Nord"),
            _item(Kind.FORMATION, "cfa-20", -20, diploma_level=3, organisation="CFA Sud"),
            _item(Kind.OFFRE, "offre-3", 0, 3),
            _item(Kind.ENTREPRISE, "boulangerie-12", 0, -12),
            # Beyond 30 km of home: neither may appear in a pair.
            _item(Kind.ENTREPRISE, "boulangerie-31", 31),
            _item(Kind.FORMATION, "cfa-33", -33, diploma_level=3),
            # Another métier.
            _item(Kind.ENTREPRISE, "coiffeur-1", 1, romes=("D1202",)),
        ],
    )
    result = service.for_profile(domicile="Aurillac", metier="D1102", mobilite=30)
    assert _pairs(result) == [
        ("cfa-5", "offre-3"),
        ("cfa-5", "boulangerie-12"),
        ("cfa-20", "offre-3"),
        ("cfa-20", "boulangerie-12"),
    ]
    assert result.total_pairs == 4
    first = result.pairs[0]
    assert first.training_from_home_km == pytest.approx(5.0, abs=0.05)
    assert first.employer_from_home_km == pytest.approx(3.0, abs=0.05)
    # The score is the exact sum; the CFA↔employer distance is shown beside it.
    assert first.travel_km == pytest.approx(8.0, abs=0.05)
    assert first.employer_to_training_km == pytest.approx(math.hypot(5, 3), abs=0.05)
    assert first.employer_label == "Offre d'emploi"
    assert result.pairs[1].employer_label == "Entreprise susceptible de recruter"
    assert [(t.item.id, t.employers) for t in result.trainings] == [("cfa-5", 2), ("cfa-20", 2)]


def test_no_employer_near_any_training_is_said_for_each_training(tmp_path: Path) -> None:
    service = _service(
        tmp_path,
        [
            _item(Kind.FORMATION, "cap-4", 4, diploma_level=3),
            _item(Kind.FORMATION, "bp-9", 0, 9, diploma_level=4),
            _item(Kind.ENTREPRISE, "far-80", 80),
            _item(Kind.OFFRE, "other-metier", 2, romes=("D1202",)),
        ],
    )
    result = service.for_profile(domicile="Aurillac", romes=BAKER, mobilite=30)
    assert result.pairs == ()
    assert result.total_pairs == 0
    assert [t.item.id for t in result.trainings_without_employer] == ["cap-4", "bp-9"]


def test_an_employer_equidistant_from_two_trainings_pairs_with_both(tmp_path: Path) -> None:
    service = _service(
        tmp_path,
        [
            _item(Kind.FORMATION, "cfa-ouest", 0, -10),
            _item(Kind.FORMATION, "cfa-est", 0, 10),
            _item(Kind.ENTREPRISE, "milieu", 6, 0),
        ],
    )
    result = service.for_profile(domicile="Aurillac", romes=BAKER)
    west, east = result.pairs
    assert west.employer_to_training_km == east.employer_to_training_km
    assert west.travel_km == pytest.approx(east.travel_km)
    # A tie is broken the same way every time, and neither training loses the employer.
    assert _pairs(result) == [("cfa-est", "milieu"), ("cfa-ouest", "milieu")]
    assert {t.item.id: t.employers for t in result.trainings} == {"cfa-ouest": 1, "cfa-est": 1}


def test_an_offer_for_another_level_is_not_paired_with_the_training(tmp_path: Path) -> None:
    service = _service(
        tmp_path,
        [
            _item(Kind.FORMATION, "cap", 2, diploma_level=3),
            _item(Kind.OFFRE, "offre-bts", 3, diploma_level=5),
            _item(Kind.OFFRE, "offre-ouverte", 4, diploma_level=None),
            _item(Kind.ENTREPRISE, "entreprise", 5),
        ],
    )
    result = service.for_profile(domicile="Aurillac", romes=BAKER)
    assert _pairs(result) == [("cap", "offre-ouverte"), ("cap", "entreprise")]


def test_a_young_person_with_no_home_commune_gets_a_clear_message(tmp_path: Path) -> None:
    service = _service(tmp_path, [_item(Kind.FORMATION, "cap", 2)])
    with pytest.raises(InvalidInput, match="commune de domicile"):
        service.for_profile(domicile="", romes=BAKER)
    with pytest.raises(InvalidInput, match="doit être une commune"):
        service.for_profile(domicile="Cantal", romes=BAKER)
    with pytest.raises(InvalidInput, match="mobilité"):
        service.for_profile(domicile="Aurillac", romes=BAKER, mobilite=0)
    with pytest.raises(InvalidInput, match="métier"):
        service.for_profile(domicile="Aurillac")


def test_overseas_pairs_stay_on_the_island(tmp_path: Path) -> None:
    gp = "Pointe-à-Pitre"
    service = _service(
        tmp_path,
        [
            _item(Kind.FORMATION, "cfa-gp", 3, near=gp, departement="971"),
            _item(Kind.OFFRE, "offre-gosier", 0, 8, near=gp, departement="971"),
            # The same métier in mainland France and in Guyane: out of reach.
            _item(Kind.ENTREPRISE, "aurillac", 0, departement="15"),
            _item(Kind.ENTREPRISE, "cayenne", 0, near="Cayenne", departement="973"),
        ],
    )
    result = service.for_profile(domicile="97110", romes=BAKER, mobilite=100)
    assert _pairs(result) == [("cfa-gp", "offre-gosier")]
    assert result.pairs[0].travel_km < 12


def test_delegated_offers_come_first_with_the_training_of_their_cfa(tmp_path: Path) -> None:
    service = _service(
        tmp_path,
        [
            _item(Kind.FORMATION, "cfa-a-near", 2, organisation="CFA des Métiers"),
            _item(Kind.FORMATION, "cfa-a-far", -25, organisation="CFA des Métiers"),
            _item(Kind.FORMATION, "cfa-b", 1, organisation="Autre CFA"),
            _item(Kind.ENTREPRISE, "entreprise-1", 0, 1),
            # 24 km from home, 1 km from the far campus of its CFA.
            _item(Kind.PARTENARIAT, "mandat", -24, details={"cfa": "CFA DES METIERS"}),
            _item(Kind.PARTENARIAT, "mandat-orphelin", 20, details={"cfa": "CFA inconnu"}),
        ],
    )
    result = service.for_profile(domicile="Aurillac", romes=BAKER, limit=3)
    assert _pairs(result) == [
        (None, "mandat-orphelin"),
        ("cfa-a-far", "mandat"),
        ("cfa-b", "entreprise-1"),
    ]
    orphan, with_cfa, _ = result.pairs
    assert orphan.included and orphan.included_cfa == "CFA inconnu"
    assert orphan.travel_km == pytest.approx(20, abs=0.05)
    assert with_cfa.included and with_cfa.employer_to_training_km == pytest.approx(1, abs=0.05)
    assert with_cfa.employer_label == "Offre avec formation incluse"
    counts = {t.item.id: t.employers for t in result.trainings}
    # The delegated offer counts for its own campus only.
    assert counts == {"cfa-b": 1, "cfa-a-near": 1, "cfa-a-far": 2}
    assert result.total_pairs == 2 + 3


def test_the_limit_cuts_the_list_but_not_the_count(tmp_path: Path) -> None:
    items = [_item(Kind.FORMATION, "cfa", 1)]
    items += [_item(Kind.ENTREPRISE, f"e{i:02d}", 0, i) for i in range(1, 21)]
    result = _service(tmp_path, items).for_profile(domicile="Aurillac", romes=BAKER, limit=5)
    assert [p.employer.id for p in result.pairs] == ["e01", "e02", "e03", "e04", "e05"]
    assert result.total_pairs == 20
    assert result.trainings[0].employers == 20


def test_from_a_training_employers_reachable_from_home_and_from_the_cfa(tmp_path: Path) -> None:
    service = _service(
        tmp_path,
        [
            # The place the young person has, 40 km away: beyond the radius, and still chosen.
            _item(Kind.FORMATION, "ma-place", 40, organisation="CFA Nord", diploma_level=3),
            _item(Kind.ENTREPRISE, "entre-les-deux", 20),
            _item(Kind.OFFRE, "offre-a-mi-chemin", 22, diploma_level=3),
            _item(Kind.OFFRE, "offre-bts", 21, diploma_level=5),
            _item(Kind.ENTREPRISE, "pres-du-cfa-seulement", 57),
            _item(Kind.ENTREPRISE, "pres-de-chez-lui-seulement", 2),
            _item(Kind.PARTENARIAT, "mandat-du-cfa", 25, details={"cfa": "CFA Nord"}),
            _item(Kind.PARTENARIAT, "mandat-d-un-autre", 24, details={"cfa": "CFA Sud"}),
        ],
    )
    result = service.from_training("ma-place", domicile="Aurillac", mobilite=30)
    assert result.chosen_training is not None and result.chosen_training.id == "ma-place"
    assert [p.employer.id for p in result.pairs] == [
        "mandat-du-cfa",
        "entre-les-deux",
        "offre-a-mi-chemin",
    ]
    entre = result.pairs[1]
    assert entre.employer_from_home_km == pytest.approx(20, abs=0.05)
    assert entre.employer_to_training_km == pytest.approx(20, abs=0.05)
    assert entre.travel_km == pytest.approx(60, abs=0.05)
    assert result.trainings[0].employers == 3

    # Home unknown: everything within reach of the CFA, nearest to it first.
    alone = service.from_training("ma-place", mobilite=30)
    assert [p.employer.id for p in alone.pairs] == [
        "mandat-du-cfa",
        "pres-du-cfa-seulement",
        "offre-a-mi-chemin",
        "entre-les-deux",
    ]
    with pytest.raises(InvalidInput, match="Formation introuvable"):
        service.from_training("n-existe-pas")


def test_exact_distance_decides_at_the_edge_of_the_radius(tmp_path: Path) -> None:
    lat, lon = _at("Aurillac", 0)
    inside = _item(Kind.ENTREPRISE, "inside", 29.97)
    outside = _item(Kind.ENTREPRISE, "outside", 30.03)
    assert (
        distance_km(lat, lon, inside.lat, inside.lon)
        < 30
        < distance_km(lat, lon, outside.lat, outside.lon)
    )
    service = _service(tmp_path, [_item(Kind.FORMATION, "cfa", 1), inside, outside])
    result = service.for_profile(domicile="Aurillac", romes=BAKER, mobilite=30)
    assert [p.employer.id for p in result.pairs] == ["inside"]


def test_cli_json_gives_pairs_in_the_documented_shape(demo_home: Path, capsys) -> None:
    argv = ["parcours", "--metier", "boulanger", "--domicile", "Aurillac", "--json"]
    assert main([*argv, "--limit", "5"]) == 0
    answer = json.loads(capsys.readouterr().out)
    pairs = answer["parcours"]
    assert 0 < len(pairs) <= 5
    assert answer["nombre_de_parcours"] >= len(pairs)
    travel = [p["trajet_km"] for p in pairs if not p["formation_incluse"]]
    assert travel == sorted(travel)
    for pair in pairs:
        training, employer = pair["formation"], pair["employeur"]
        assert {"id", "intitule", "distance_domicile_km"} <= training.keys()
        assert employer["type"] in {"offre", "entreprise", "partenariat"}
        assert {
            "id",
            "intitule",
            "distance_domicile_km",
            "distance_formation_km",
        } <= employer.keys()
        assert employer["distance_domicile_km"] <= 30
        assert pair["trajet_km"] == pytest.approx(
            training["distance_domicile_km"] + employer["distance_domicile_km"], abs=0.11
        )
    assert all(t["distance_domicile_km"] <= 30 for t in answer["formations"])
    alone = [t for t in answer["formations"] if t["employeurs_a_portee"] == 0]
    assert all(t["alerte"] == NO_EMPLOYER_WARNING for t in alone)

    # From one training of that list.
    training_id = pairs[0]["formation"]["id"]
    assert main(["parcours", "--formation", training_id, "--domicile", "Aurillac", "--json"]) == 0
    from_training = json.loads(capsys.readouterr().out)
    assert from_training["criteres"]["formation"] == training_id
    assert {p["formation"]["id"] for p in from_training["parcours"]} == {training_id}


def test_cli_without_home_says_so_in_french(demo_home: Path, capsys) -> None:
    assert main(["parcours", "--metier", "boulanger"]) == 2
    assert "commune de domicile" in capsys.readouterr().err


def test_cli_json_on_a_catalogue_written_here(isolated_home: Path, capsys) -> None:
    """The documented shape, field by field: the delegated offers first (by trajet_km), each
    with the training it comes with (or « Formation incluse » and its CFA's name), then the
    other pairs by trajet_km; mobility and level taken from the options; a training with no
    employer flagged; the same pairs as text."""
    _service(
        isolated_home,
        [
            _item(Kind.FORMATION, "cap-nord", 4, diploma_level=3, organisation="CFA des Métiers"),
            _item(Kind.FORMATION, "cap-sud", -9, diploma_level=3, organisation="CFA Sud"),
            _item(Kind.FORMATION, "cap-seul", 0, 35, diploma_level=3, romes=("D1104",)),
            _item(Kind.FORMATION, "bts-nord", 3, diploma_level=5),
            _item(Kind.OFFRE, "offre-cap", 0, 2, diploma_level=3),
            _item(Kind.ENTREPRISE, "fournil", -6),
            _item(Kind.PARTENARIAT, "mandat", 5, details={"cfa": "CFA DES METIERS"}),
            _item(Kind.PARTENARIAT, "orphelin", 0, -7, details={"cfa": "CFA Absent"}),
            _item(Kind.ENTREPRISE, "trop-loin", 45),
        ],
    ).search.store.close()
    (isolated_home / "c.sqlite").replace(isolated_home / "catalogue.sqlite")
    argv = ["parcours", "--metier", "D1102", "--domicile", "Aurillac"]
    assert main([*argv, "--mobilite", "40", "--niveau", "3", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["criteres"]["mobilite_km"] == 40 and answer["criteres"]["niveau"] == 3
    assert answer["criteres"]["domicile"]["libelle"].startswith("Aurillac")
    got = [(p["formation"]["id"], p["employeur"]["id"]) for p in answer["parcours"]]
    assert got == [
        (None, "orphelin"),  # 7 km of travel
        ("cap-nord", "mandat"),  # 4 + 5 km
        ("cap-nord", "offre-cap"),  # 4 + 2
        ("cap-nord", "fournil"),  # 4 + 6
        ("cap-sud", "offre-cap"),  # 9 + 2
        ("cap-sud", "fournil"),  # 9 + 6
    ]
    assert answer["nombre_de_parcours"] == 6
    orphan, first = answer["parcours"][:2]
    assert first["formation_incluse"] and first["employeur"]["type"] == "partenariat"
    assert first["employeur"]["que_faire"].startswith("Postuler à l'offre : le CFA gère")
    assert first["employeur"]["distance_formation_km"] == pytest.approx(1.0, abs=0.05)
    assert orphan["formation"] == {
        "id": None,
        "intitule": "Formation incluse",
        "distance_domicile_km": None,
        "organisme": "CFA Absent",
    }
    assert orphan["trajet_km"] == pytest.approx(7.0, abs=0.05)
    assert orphan["employeur"]["distance_formation_km"] is None
    others = [p["trajet_km"] for p in answer["parcours"] if not p["formation_incluse"]]
    assert others == sorted(others)
    company = answer["parcours"][3]["employeur"]
    assert company["type"] == "entreprise" and company["niveau"] is None
    assert company["libelle_type"] == "Entreprise susceptible de recruter"
    assert company["que_faire"] == "Candidature spontanée auprès de l'entreprise"
    reach = {t["id"]: (t["employeurs_a_portee"], t["alerte"]) for t in answer["formations"]}
    # The BTS is for another level; the pâtissier's CAP teaches another métier.
    assert reach == {"cap-nord": (3, None), "cap-sud": (2, None)}

    assert main([*argv, "--metier", "D1104", "--mobilite", "40"]) == 0
    text = capsys.readouterr().out
    assert "1 formation(s) sans aucun employeur à portée" in text
    assert "Aucun parcours complet à portée" in text

    assert main([*argv, "--mobilite", "40", "--niveau", "3", "--limit", "2"]) == 0
    text = capsys.readouterr().out
    assert "6 parcours, 2 formation(s) à portée" in text
    assert "Formation incluse CFA Absent" in text and "… 4 autres" in text
    assert main([*argv, "--mobilite", "0"]) == 2
    assert "mobilité" in capsys.readouterr().err
