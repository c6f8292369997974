"""The offline geocoder: what a counsellor types, and the place it gets."""

from __future__ import annotations

import dataclasses

import pytest

from lba_desktop.errors import AmbiguousPlace, InvalidInput, PlaceNotFound
from lba_desktop.geo import distance_km
from lba_desktop.geocoding import Geocoder, default_geocoder
from lba_desktop.models import PlaceKind


@pytest.fixture(scope="module")
def geo() -> Geocoder:
    return default_geocoder()


def test_aurillac(geo: Geocoder) -> None:
    place = geo.resolve("Aurillac")
    assert place.kind is PlaceKind.COMMUNE
    assert place.code == "15014"
    assert place.departement == "15"
    assert place.region == "84"
    assert place.label == "Aurillac (15)"
    assert place.lat == pytest.approx(44.93, abs=0.02)
    assert place.lon == pytest.approx(2.44, abs=0.02)
    assert place.postcode == "15000"


@pytest.mark.parametrize(
    ("text", "insee"),
    [
        ("aurillac", "15014"),
        ("AURILLAC", "15014"),
        ("le puy en velay", "43157"),
        ("Le Puy-en-Velay", "43157"),
        ("Puy-en-Velay", "43157"),
        ("l'isle sur la sorgue", "84054"),
        ("st etienne", "42218"),
        ("Saint-Étienne", "42218"),
        ("ste maxime", "83115"),
        ("Havre", "76351"),
        ("15000", "15014"),
        ("15014", "15014"),
        ("2A004", "2A004"),
        ("2a004", "2A004"),
        ("Saint-Denis (974)", "97411"),
        ("Saint-Denis 93", "93066"),
        ("Saint-Denis (Seine-Saint-Denis)", "93066"),
        ("Saint-Pierre 974", "97416"),
        ("Cayenne", "97302"),
        ("Mamoudzou", "97611"),
        ("Paris", "75056"),
        ("Lyon", "69123"),
        ("Marseille", "13055"),
        ("75011", "75056"),
        ("Aurill", "15014"),  # an unambiguous beginning
    ],
)
def test_communes(geo: Geocoder, text: str, insee: str) -> None:
    place = geo.resolve(text)
    assert place.kind is PlaceKind.COMMUNE
    assert place.code == insee


def test_postcode_is_kept_on_the_place(geo: Geocoder) -> None:
    assert geo.resolve("75011").postcode == "75011"


@pytest.mark.parametrize(
    ("text", "label", "postcode"),
    [
        ("75011", "Paris 11e arrondissement (75)", "75011"),
        ("75116", "Paris 16e arrondissement (75)", "75116"),
        ("69003", "Lyon 3e arrondissement (69)", "69003"),
        ("13008", "Marseille 8e arrondissement (13)", "13008"),
        ("Paris 11", "Paris 11e arrondissement (75)", "75011"),
        ("paris 11e", "Paris 11e arrondissement (75)", "75011"),
        ("Lyon 1er arrondissement", "Lyon 1er arrondissement (69)", "69001"),
        ("Paris 11e arrondissement (75)", "Paris 11e arrondissement (75)", "75011"),
    ],
)
def test_an_arrondissement_is_searched_around_itself(
    geo: Geocoder, text: str, label: str, postcode: str
) -> None:
    # 75011 is the 11th arrondissement, not the middle of Paris; items keep the commune's code.
    place = geo.resolve(text)
    city = geo.resolve(label.split(" ")[0])
    assert (place.label, place.postcode, place.code) == (label, postcode, city.code)
    assert (place.lat, place.lon) != (city.lat, city.lon)
    # The label a suggestion writes back in the field finds the same spot again.
    again = geo.resolve(place.label)
    assert (again.label, again.lat, again.lon) == (place.label, place.lat, place.lon)


def test_arrondissements_lie_apart_inside_their_city(geo: Geocoder) -> None:
    eleventh, sixteenth = geo.resolve("75011"), geo.resolve("75016")
    # Bastille to Passy: about 8 km, both well inside Paris.
    assert 6 < distance_km(eleventh.lat, eleventh.lon, sixteenth.lat, sixteenth.lon) < 10
    assert geo.resolve("75116") == dataclasses.replace(sixteenth, postcode="75116")
    # A postcode only begun suggests the city itself; the whole postcode, the arrondissement.
    assert [p.label for p in geo.candidates("7501")] == ["Paris (75)"]
    assert [p.label for p in geo.candidates("75011")] == ["Paris 11e arrondissement (75)"]
    assert geo.resolve("Paris").label == "Paris (75)"


@pytest.mark.parametrize(
    ("text", "code"),
    [("15", "15"), ("2A", "2A"), ("974", "974"), ("Cantal", "15"), ("cantal", "15")],
)
def test_departements(geo: Geocoder, text: str, code: str) -> None:
    place = geo.resolve(text)
    assert place.kind is PlaceKind.DEPARTEMENT
    assert place.code == code


def test_departement_place(geo: Geocoder) -> None:
    cantal = geo.resolve("Cantal")
    assert cantal.label == "Cantal (département 15)"
    assert cantal.region == "84"
    assert 44.6 < cantal.lat < 45.5 and 2.0 < cantal.lon < 3.4
    assert geo.resolve("Seine-Saint-Denis").code == "93"
    assert geo.departement_codes_of(cantal) == ("15",)


@pytest.mark.parametrize(
    ("text", "code"), [("Auvergne-Rhône-Alpes", "84"), ("bretagne", "53"), ("Corse", "94")]
)
def test_regions(geo: Geocoder, text: str, code: str) -> None:
    place = geo.resolve(text)
    assert place.kind is PlaceKind.REGION
    assert place.code == code


def test_region_covers_its_departements(geo: Geocoder) -> None:
    bretagne = geo.resolve("Bretagne")
    assert bretagne.label == "Bretagne (région)"
    assert sorted(geo.departement_codes_of(bretagne)) == ["22", "29", "35", "56"]
    assert 47.5 < bretagne.lat < 48.8


def test_france(geo: Geocoder) -> None:
    for text in ("France", "france entière", "France entière"):
        place = geo.resolve(text)
        assert place.kind is PlaceKind.FRANCE
        assert place.label == "France entière"
        assert (place.lat, place.lon) == (46.6, 2.4)
    assert len(geo.departement_codes_of(geo.resolve("France"))) == 101
    assert geo.departement_codes_of(geo.resolve("Aurillac")) == ()


def test_saint_denis_is_ambiguous(geo: Geocoder) -> None:
    with pytest.raises(AmbiguousPlace) as caught:
        geo.resolve("Saint-Denis")
    candidates = caught.value.candidates
    departements = [p.departement for p in candidates]
    assert {"93", "974"} <= set(departements[:2])
    populations = [p.population for p in candidates]
    assert populations == sorted(populations, reverse=True)
    assert "Saint-Denis (974)" in caught.value.message
    assert "Saint-Denis (93)" in caught.value.message
    assert isinstance(caught.value, InvalidInput)


def test_shared_postcode(geo: Geocoder) -> None:
    # 15170 groups eleven small Cantal villages, none of them dominant.
    with pytest.raises(AmbiguousPlace) as caught:
        geo.resolve("15170")
    assert len(caught.value.candidates) >= 5
    assert all(p.postcode == "15170" for p in caught.value.candidates)
    listed = geo.candidates("15170")
    assert len(listed) >= 5
    assert {p.code for p in listed} >= {"15141", "15231"}  # Neussargues-Moissac, Talizat


def test_homonym_of_an_area(geo: Geocoder) -> None:
    # Vienne (Isère, 30k inhabitants) against the Vienne département: ask.
    with pytest.raises(AmbiguousPlace) as caught:
        geo.resolve("Vienne")
    kinds = {p.kind for p in caught.value.candidates}
    assert kinds == {PlaceKind.COMMUNE, PlaceKind.DEPARTEMENT}
    assert geo.resolve("Vienne (38)").code == "38544"


def test_not_found_with_suggestions(geo: Geocoder) -> None:
    with pytest.raises(PlaceNotFound):
        geo.resolve("xyzzy")
    with pytest.raises(PlaceNotFound) as caught:
        geo.resolve("Aurilac")
    assert "Aurillac (15)" in caught.value.suggestions
    assert "Aurillac" in str(caught.value)


@pytest.mark.parametrize("text", ["", "   ", "-'"])
def test_empty_text(geo: Geocoder, text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        geo.resolve(text)
    assert not isinstance(caught.value, PlaceNotFound)
    assert caught.value.message


def test_candidates_labels(geo: Geocoder) -> None:
    assert geo.candidates("aurillac")[0].label == "Aurillac (15)"
    assert geo.candidates("Cantal")[0].label == "Cantal (département 15)"
    assert geo.candidates("auvergne")[0].label == "Auvergne-Rhône-Alpes (région)"
    assert geo.candidates("France")[0].label == "France entière"
    assert geo.candidates("15")[0].label == "Cantal (département 15)"
    assert geo.candidates("15014")[0].code == "15014"
    assert geo.candidates("") == ()


def test_candidates_by_prefix(geo: Geocoder) -> None:
    assert geo.candidates("aur")[0].code == "15014"
    assert geo.candidates("st eti")[0].code == "42218"
    assert geo.candidates("le pu", limit=3)[0].code == "43157"
    assert "76351" in [p.code for p in geo.candidates("havr")]
    assert [p.code for p in geo.candidates("150")][:2] == ["15014", "15267"]
    saint_denis = [p.label for p in geo.candidates("Saint-Denis")]
    assert saint_denis[:2] == ["Saint-Denis (974)", "Saint-Denis (93)"]
    assert [p.label for p in geo.candidates("Saint-Denis 9")] == saint_denis[:2]
    assert len(geo.candidates("s", limit=25)) == 25


def test_candidate_labels_resolve_back(geo: Geocoder) -> None:
    for query in ("saint denis", "aur", "ca", "bre", "le h", "15", "pa", "fr"):
        for place in geo.candidates(query):
            assert geo.resolve(place.label) == place, place.label


def test_small_referential() -> None:
    """The geocoder accepts injected referentials (tests of other modules use this)."""
    from lba_desktop.models import Commune, Departement, Region

    geo = Geocoder(
        communes=[
            Commune("15014", "Aurillac", ("15000",), "15", "84", 25_000, 44.93, 2.44),
            Commune("15187", "Saint-Flour", ("15100",), "15", "84", 6_400, 45.03, 3.09),
        ],
        departements={"15": Departement("15", "Cantal", "84")},
        regions={"84": Region("84", "Auvergne-Rhône-Alpes")},
    )
    assert geo.resolve("st flour").code == "15187"
    cantal = geo.resolve("Cantal")
    assert cantal.population == 31_400
    assert cantal.lat == pytest.approx((44.93 * 25_000 + 45.03 * 6_400) / 31_400, abs=1e-4)


def test_every_commune_label_resolves_to_its_commune(geo: Geocoder) -> None:
    """A label picked in the autocomplete list must always come back as the same commune."""
    from lba_desktop.data.referentials import load_communes

    for commune in load_communes():
        assert geo.resolve(f"{commune.name} ({commune.departement})").code == commune.insee


def test_the_shared_geocoder_is_left_out_of_the_cycle_collector() -> None:
    import gc

    from lba_desktop.data.referentials import load_communes
    from lba_desktop.geocoding import default_geocoder

    geocoder = default_geocoder()
    # Its communes and indexes are frozen: a full collection no longer walks them (it cost
    # ~65 ms, paid by whichever search ran at that moment).
    assert gc.get_freeze_count() > len(load_communes())
    assert gc.is_tracked(geocoder) and geocoder.resolve("Aurillac").label == "Aurillac (15)"
