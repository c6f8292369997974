"""Every kind of search gives what a scan of every row gives: same items per kind, the same
ones kept at each cap (exact great-circle distance, ties by id)."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from lba_desktop.data.catalogue import CatalogueStore, CatalogueWriter
from lba_desktop.geocoding import default_geocoder
from lba_desktop.models import ALL_KINDS, Item, Kind, SearchCriteria
from lba_desktop.search import SearchService
from tests.naive_search import load_rows, naive_search

TODAY = "2026-12-01"
# Small caps, so that every search is decided at a cap, often among ties.
LIMITS = {"formation": 7, "offre": 5, "entreprise": 6, "partenariat": 4}
ROMES = ("D1102", "D1104", "D1202", "F1603", "G1602", "M1607")
WORDS = (
    "Boulangerie",
    "Pâtisserie",
    "CAP",
    "Coiffure",
    "L'Atelier",
    "Aide-soignant",
    "Électricité",
    "Saint-Malo",
    "Crêperie",
    "BTS",
)
OPCOS = ("AKTO", "akto", "OPCO EP", "Constructys", "")
# Centres items gather around, with the départements drawn for them (not always the one the
# point lies in: a data error the search must follow all the same).
CENTRES = {
    "Lille": (50.633, 3.058, ("59", "62")),
    "Rennes": (48.111, -1.68, ("35", "22", "29", "56")),
    "Aurillac": (44.926, 2.44, ("15", "63")),
    "Cayenne": (4.938, -52.326, ("973",)),
}


def _catalogue(rng: random.Random) -> list[Item]:
    items = []
    n = 0

    def add(kind: Kind, lat: float | None, lon: float | None, departement: str, **kw) -> None:
        nonlocal n
        n += 1
        fields = dict(
            title=" ".join(rng.sample(WORDS, 2)),
            organisation=rng.choice(WORDS) + f" {n}",
            commune=rng.choice(["Lille", "Rennes", "Saint-Flour", "L'Isle-sur-Serein"]),
            romes=tuple(rng.sample(ROMES, rng.choice([1, 1, 2, 3]))),
            departement=departement,
            diploma_level=rng.choice([3, 4, 5, None]) if kind is not Kind.FORMATION else None,
            opco=rng.choice(OPCOS) if kind is not Kind.FORMATION else "",
            handi_friendly=rng.random() < 0.3,
        )
        if kind is Kind.FORMATION:
            fields["diploma_level"] = rng.choice([3, 4, 5, 6])
        if kind in (Kind.OFFRE, Kind.PARTENARIAT) and rng.random() < 0.2:
            fields["details"] = {"expiration": rng.choice(["2026-11-30", "2027-01-15", "bad"])}
        fields.update(kw)
        items.append(Item(kind=kind, id=f"{kind.value[:3]}-{n:05d}", lat=lat, lon=lon, **fields))

    for lat0, lon0, departements in CENTRES.values():
        coslat = math.cos(math.radians(lat0))
        for kind in Kind:
            for _ in range(220):
                # Distances spread over 0–150 km, many right at 10/30/60/100 km.
                km = rng.choice(
                    [rng.uniform(0, 150), rng.choice([10, 30, 60, 100]) + rng.gauss(0, 0.3)]
                )
                bearing = rng.uniform(0, 2 * math.pi)
                lat = lat0 + km * math.cos(bearing) / 111.195
                lon = lon0 + km * math.sin(bearing) / (111.195 * coslat)
                add(kind, lat, lon, rng.choice(departements))
            # Ties: several items at one spot, more than a cap.
            spot = (lat0 + 0.05, lon0 - 0.03)
            for _ in range(9):
                add(kind, *spot, departements[0], romes=("D1102",), title="Boulangerie CAP")
            add(kind, None, None, departements[0])  # never on a map, never found
    return items


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scan") / "c.sqlite"
    writer = CatalogueWriter(path)
    writer.add_items(_catalogue(random.Random(16)))
    writer.finish()
    return path


def _queries(rng: random.Random) -> list[SearchCriteria]:
    geocoder = default_geocoder()
    communes = [
        geocoder.resolve(name) for name in ("Lille", "Rennes", "Aurillac", "Cayenne", "Mende")
    ]
    areas = [geocoder.resolve(name) for name in ("Nord", "Finistère", "Cantal", "Bretagne")]
    areas.append(geocoder.resolve("France"))
    queries = []
    for i in range(160):
        what: dict = {}
        if i % 3 == 0:
            what["text"] = rng.choice(
                ["boulang", "pâtisserie cap", "l'atelier", "saint", "créperie", "aide soig", "zzz"]
            )
        else:
            what["romes"] = tuple(rng.sample(ROMES, rng.choice([1, 2, 4])))
        if i % 5 == 1:
            what["diploma_level"] = rng.choice([3, 4, 5])
        if i % 7 == 2:
            what["opco"] = rng.choice(["akto", "OPCO EP", "Constructys"])
        if i % 4 == 3:
            what["handi_friendly_only"] = True
        if i % 6 == 4:
            what["kinds"] = frozenset(rng.sample(sorted(ALL_KINDS), rng.choice([1, 2])))
        if i % 2:
            place = {"place": rng.choice(areas)}
        else:
            place = {"place": rng.choice(communes), "radius_km": rng.choice([10, 30, 60, 100, 200])}
        queries.append(SearchCriteria(**place, **what, limits=LIMITS))
    return queries


def test_every_kind_of_search_equals_a_full_scan(
    catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("lba_desktop.search.date", _Today)
    store = CatalogueStore(catalogue)
    service = SearchService(store)
    rows = load_rows(catalogue)
    geocoder = default_geocoder()
    decided_at_cap = 0
    for criteria in _queries(random.Random(7)):
        result = service.search(criteria)
        expected, fallback = naive_search(rows, criteria, geocoder, TODAY)
        assert result.nearest_anywhere == fallback, criteria
        for kind in Kind:
            got = sorted(h.item.id for h in result.of_kind(kind))
            assert got == sorted(expected[kind]), (criteria, kind)
            decided_at_cap += len(got) == LIMITS[kind.value]
        distances = [h.distance_km for h in result.hits if h.distance_km is not None]
        assert distances == sorted(distances)
    store.close()
    assert decided_at_cap > 100  # the caps were reached, ties and all


class _Today:
    """`date.today()` pinned, so that the expired offers are the same for both searches."""

    @staticmethod
    def today() -> _Today:
        return _Today()

    def isoformat(self) -> str:
        return TODAY
