"""Search service: what a counsellor checks on the results of a search."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from lba_desktop.data.catalogue import CatalogueStore, CatalogueWriter
from lba_desktop.errors import InvalidInput, MetierNotFound, PlaceNotFound
from lba_desktop.geo import distance_km
from lba_desktop.geocoding import default_geocoder
from lba_desktop.models import Item, Kind, PlaceKind
from lba_desktop.search import NEAREST_ANYWHERE_PER_KIND, SearchService, search_words


def _at(km_north: float, km_east: float = 0.0) -> tuple[float, float]:
    """A point `km_north` km north of Aurillac as the geocoder places it."""
    aurillac = default_geocoder().resolve("Aurillac")
    lat0, lon0 = aurillac.lat, aurillac.lon
    return (
        lat0 + km_north / 111.195,
        lon0 + km_east / (111.195 * math.cos(math.radians(lat0))),
    )


def _item(kind: Kind, id_: str, km: float, **kw) -> Item:
    lat, lon = _at(km)
    fields = dict(
        title=f"{kind.value} {id_}", organisation="Org", romes=("D1102",), departement="15"
    )
    fields.update(kw)
    return Item(kind=kind, id=id_, lat=lat, lon=lon, **fields)


@pytest.fixture
def service(tmp_path: Path) -> SearchService:
    items = [
        _item(Kind.FORMATION, "cap-5km", 5, diploma_level=3, title="CAP Boulanger"),
        _item(Kind.FORMATION, "bp-25km", 25, diploma_level=4, title="BP Boulanger"),
        _item(Kind.FORMATION, "bts-50km", 50, diploma_level=5, title="BTS MCO", romes=("D1106",)),
        _item(Kind.OFFRE, "offre-any-2km", 2, diploma_level=None, title="Apprenti boulanger"),
        _item(Kind.OFFRE, "offre-bts-3km", 3, diploma_level=5),
        _item(Kind.ENTREPRISE, "ent-handi-8km", 8, handi_friendly=True, opco="Opcommerce"),
        _item(Kind.ENTREPRISE, "ent-12km", 12, opco="OPCO EP"),
        _item(Kind.PARTENARIAT, "part-20km", 20),
        _item(
            Kind.FORMATION,
            "coiffure-1km",
            1,
            romes=("D1202",),
            diploma_level=3,
            title="CAP Métiers de la coiffure",
        ),
        _item(Kind.ENTREPRISE, "far-300km", 300, romes=("A1101",), departement="75"),
    ]
    writer = CatalogueWriter(tmp_path / "c.sqlite")
    writer.add_items(items)
    writer.finish()
    return SearchService(CatalogueStore(tmp_path / "c.sqlite"))


def _ids(result) -> list[str]:
    return [h.item.id for h in result.hits]


def test_boulanger_around_aurillac_nearest_first_within_radius(service: SearchService) -> None:
    criteria = service.build_criteria(metier="D1102", lieu="Aurillac", rayon=30)
    result = service.search(criteria)
    assert _ids(result) == [
        "offre-any-2km",
        "offre-bts-3km",
        "cap-5km",
        "ent-handi-8km",
        "ent-12km",
        "part-20km",
        "bp-25km",
    ]
    assert result.counts == {
        Kind.FORMATION: 2,
        Kind.OFFRE: 2,
        Kind.ENTREPRISE: 2,
        Kind.PARTENARIAT: 1,
    }
    distances = [h.distance_km for h in result.hits]
    assert distances == sorted(distances)
    assert distances[0] == pytest.approx(2.0, abs=0.2)
    assert all(d <= 30 for d in distances)
    assert not result.nearest_anywhere
    assert result.widen_hint  # 7 results < 10


def test_radius_boundary_excludes_box_corners(service: SearchService) -> None:
    criteria = service.build_criteria(metier="D1102", lieu="Aurillac", rayon=10)
    result = service.search(criteria)
    assert "ent-12km" not in _ids(result)
    assert "ent-handi-8km" in _ids(result)


def test_diploma_level_filters_trainings_and_keeps_indifferent_offers(service) -> None:
    result = service.search(service.build_criteria(metier="D1102", lieu="Aurillac", niveau=3))
    assert [h.item.id for h in result.of_kind(Kind.FORMATION)] == ["cap-5km"]
    assert [h.item.id for h in result.of_kind(Kind.OFFRE)] == ["offre-any-2km"]
    assert result.counts[Kind.ENTREPRISE] == 2  # companies have no level


def test_kinds_opco_and_handi_filters(service: SearchService) -> None:
    only = service.search(
        service.build_criteria(metier="D1102", lieu="Aurillac", types=[Kind.ENTREPRISE])
    )
    assert {h.item.kind for h in only.hits} == {Kind.ENTREPRISE}
    assert only.counts[Kind.FORMATION] == 0
    opco = service.search(
        service.build_criteria(
            metier="D1102", lieu="Aurillac", types=[Kind.ENTREPRISE], opco="OPCO EP"
        )
    )
    assert _ids(opco) == ["ent-12km"]
    # The OPCO narrows the employers; the trainings around stay (« entreprises et offres »).
    every_kind = service.search(
        service.build_criteria(metier="D1102", lieu="Aurillac", opco="OPCO EP")
    )
    assert every_kind.counts[Kind.FORMATION] == 2
    assert every_kind.counts[Kind.ENTREPRISE] == 1
    handi = service.search(
        service.build_criteria(metier="D1102", lieu="Aurillac", types=[Kind.ENTREPRISE], handi=True)
    )
    assert _ids(handi) == ["ent-handi-8km"]


def test_free_text_ignores_accents_and_case(service: SearchService) -> None:
    result = service.search(service.build_criteria(texte="métiers COIFFURE", lieu="Aurillac"))
    assert _ids(result) == ["coiffure-1km"]
    # FTS syntax typed in the box is only words; punctuation alone is no search at all.
    assert search_words('boul" OR x*') == ("boul", "or", "x")
    typed = service.search(service.build_criteria(texte='coiff" OR* (', lieu="Aurillac"))
    assert _ids(typed) == ["coiffure-1km"]  # "or" starts the word "Org"
    with pytest.raises(InvalidInput):
        service.build_criteria(texte=' "?! ', lieu="Aurillac")


def test_nothing_in_radius_shows_nearest_anywhere(service: SearchService) -> None:
    result = service.search(service.build_criteria(metier="A1101", lieu="Aurillac", rayon=30))
    assert result.nearest_anywhere
    assert _ids(result) == ["far-300km"]
    assert result.hits[0].distance_km == pytest.approx(300, abs=1)
    assert len(result.hits) <= NEAREST_ANYWHERE_PER_KIND * len(Kind)


def test_widen_proposes_a_radius_that_reaches_the_nearest_results(
    service: SearchService,
) -> None:
    # Nothing within 1 km: the nearest CAP is 5 km away, the proposal reaches it.
    empty = service.search(service.build_criteria(metier="D1102", lieu="Aurillac", rayon=1))
    assert empty.nearest_anywhere and empty.widen_to_km == 10
    # Few within 10 km (offers at 2 and 3 km, CAP at 5, company at 8): 30 km holds all seven.
    few = service.search(service.build_criteria(metier="D1102", lieu="Aurillac", rayon=10))
    assert few.widen_hint and few.widen_to_km == 30
    wider = service.search(service.build_criteria(metier="D1102", lieu="Aurillac", rayon=30))
    assert len(wider.hits) == 7
    # Nothing more to reach, or the nearest beyond what a radius may be (300 km > 200 km).
    assert wider.widen_to_km is None
    far = service.search(service.build_criteria(metier="A1101", lieu="Aurillac", rayon=30))
    assert far.nearest_anywhere and far.widen_to_km is None


def test_departement_and_france_areas(service: SearchService) -> None:
    cantal = service.search(service.build_criteria(metier="D1102", lieu="Cantal"))
    assert cantal.criteria.place.kind is PlaceKind.DEPARTEMENT
    assert "bts-50km" not in _ids(cantal)  # wrong ROME
    assert all(h.item.departement == "15" for h in cantal.hits)
    assert "part-20km" in _ids(cantal)
    france = service.search(service.build_criteria(metier="A1101", lieu="France"))
    assert _ids(france) == ["far-300km"]
    assert france.hits[0].distance_km is None  # no meaningful distance from "France"


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        (dict(lieu="Aurillac"), InvalidInput, "métier"),
        (dict(lieu="Aurillac", metier="D1102", rayon=0), InvalidInput, "Rayon"),
        (dict(lieu="Aurillac", metier="D1102", rayon=201), InvalidInput, "Rayon"),
        (dict(lieu="Aurillac", metier="D1102", niveau=8), InvalidInput, "Niveau"),
        (dict(lieu="Aurillac", metier="D1102", types=[]), InvalidInput, "type"),
        (dict(lieu="Zzyzx-sur-Mer", metier="D1102"), PlaceNotFound, "Lieu introuvable"),
        (dict(lieu="Aurillac", metier="qwxzv"), MetierNotFound, "Métier introuvable"),
        (dict(lieu="Aurillac", romes=[f"D{1100 + i}" for i in range(21)]), InvalidInput, "20"),
    ],
)
def test_bad_input_is_refused_in_french(service, kwargs, error, words) -> None:
    with pytest.raises(error) as err:
        service.build_criteria(**kwargs)
    assert words in err.value.message


def test_demo_catalogue_boulanger_aurillac(demo_home: Path) -> None:
    from lba_desktop.local_catalogue import open_catalogue

    service = SearchService(open_catalogue())
    result = service.search(service.build_criteria(metier="boulanger", lieu="Aurillac", rayon=30))
    place = result.criteria.place
    assert place.code == "15014"
    assert "D1102" in result.criteria.romes
    assert result.counts[Kind.FORMATION] > 0
    assert result.counts[Kind.ENTREPRISE] > 0
    for hit in result.hits:
        assert hit.item.fictitious
        exact = distance_km(place.lat, place.lon, hit.item.lat, hit.item.lon)
        assert exact <= 30.05
        assert hit.distance_km == pytest.approx(exact, abs=0.06)


def test_ended_offers_hidden_and_the_handi_filter_keeps_trainings(tmp_path: Path) -> None:
    writer = CatalogueWriter(tmp_path / "c.sqlite")
    writer.add_items(
        [
            _item(Kind.FORMATION, "cap-5km", 5, diploma_level=3, title="CAP Boulanger"),
            _item(Kind.ENTREPRISE, "ent-handi-8km", 8, handi_friendly=True),
            _item(Kind.ENTREPRISE, "ent-12km", 12),
            _item(Kind.PARTENARIAT, "part-20km", 20, details={"expiration": "2099-01-31"}),
            # Its publication ended after the sync: no longer shown.
            _item(Kind.OFFRE, "offre-ended-4km", 4, details={"expiration": "2021-01-31T08:00Z"}),
            _item(Kind.OFFRE, "offre-odd-date-6km", 6, details={"expiration": "fin du mois"}),
        ]
    )
    writer.finish()
    service = SearchService(CatalogueStore(tmp_path / "c.sqlite"))
    result = service.search(service.build_criteria(metier="D1102", lieu="Aurillac"))
    shown = set(_ids(result))
    assert "offre-ended-4km" not in shown
    assert {"offre-odd-date-6km", "part-20km"} <= shown  # unreadable date: unknown, kept
    handi = service.search(service.build_criteria(metier="D1102", lieu="Aurillac", handi=True))
    # « Employeur handi-engagé » concerns employers; trainings stay, as upstream.
    assert {h.item.kind for h in handi.hits} == {Kind.FORMATION, Kind.ENTREPRISE}
    assert [h.item.id for h in handi.of_kind(Kind.ENTREPRISE)] == ["ent-handi-8km"]


def test_a_ligature_is_found_however_it_is_typed(tmp_path: Path) -> None:
    writer = CatalogueWriter(tmp_path / "c.sqlite")
    writer.add_items(
        [
            _item(Kind.FORMATION, "oeno", 4, title="BTS Viticulture-œnologie", romes=("A1413",)),
            _item(Kind.OFFRE, "oeuvre", 6, title="Apprenti chef d'Œuvre", romes=("A1413",)),
            _item(Kind.FORMATION, "poete", 8, title="Atelier des poètes", romes=("A1413",)),
        ]
    )
    writer.finish()
    service = SearchService(CatalogueStore(tmp_path / "c.sqlite"))

    def found(text: str) -> list[str]:
        return _ids(service.search(service.build_criteria(texte=text, lieu="Aurillac")))

    for typed in ("oenologie", "œnologie", "ŒNOLOGIE", "oeno"):
        assert found(typed) == ["oeno"], typed
    assert found("chef d'oeuvre") == ["oeuvre"]
    assert found("poetes") == ["poete"]  # an ordinary « oe » still matches itself
