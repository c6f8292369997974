"""Catalogue store: round-trips, indexes, filters, migrations and damaged files."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path
from types import MappingProxyType

import pytest

from lba_desktop.data.catalogue import (
    SCHEMA_VERSION,
    Area,
    CatalogueStore,
    CatalogueWriter,
    ItemFilter,
)
from lba_desktop.data.lru_cache import LruCache
from lba_desktop.errors import CatalogueError
from lba_desktop.models import Item, Kind

AURILLAC = (44.9264, 2.4398)


def _item(kind: Kind, id_: str, lat: float, lon: float, **kw) -> Item:
    defaults = dict(title=f"{kind.value} {id_}", organisation="Org", romes=("D1102",))
    defaults.update(kw)
    return Item(kind=kind, id=id_, lat=lat, lon=lon, **defaults)


def _write(path: Path, items: list[Item], **writer_kw) -> Path:
    writer = CatalogueWriter(path, **writer_kw)
    writer.add_items(items)
    writer.set_meta({"origin": "demo", "label_fr": "Test"})
    writer.finish()
    return path


@pytest.fixture
def store(tmp_path: Path) -> CatalogueStore:
    lat, lon = AURILLAC
    items = [
        _item(
            Kind.FORMATION,
            "near-cap",
            lat + 0.05,
            lon,
            diploma_level=3,
            title="CAP Boulanger",
            details={"sessions": [{"debut": "2027-09-01"}]},
            created=date(2026, 9, 1),
        ),
        _item(
            Kind.FORMATION,
            "far-bts",
            lat + 0.5,
            lon,
            diploma_level=5,
            title="BTS Commerce",
            romes=("D1106",),
        ),
        _item(
            Kind.OFFRE,
            "any-level",
            lat,
            lon + 0.1,
            diploma_level=None,
            title="Apprenti boulanger H/F",
        ),
        _item(Kind.OFFRE, "level-5", lat, lon + 0.12, diploma_level=5),
        _item(
            Kind.ENTREPRISE,
            "handi",
            lat - 0.1,
            lon,
            handi_friendly=True,
            opco="OPCO EP",
            romes=("D1102", "D1104"),
        ),
        _item(Kind.ENTREPRISE, "other", lat - 0.11, lon, opco="AKTO"),
        _item(Kind.ENTREPRISE, "no-position", None, None),  # type: ignore[arg-type]
    ]
    return CatalogueStore(_write(tmp_path / "c.sqlite", items))


def _ids(rows) -> list[str]:
    return [item.id for item, _ in rows]


def test_round_trip_keeps_every_field(store: CatalogueStore) -> None:
    item = store.get(Kind.FORMATION, "near-cap")
    assert item is not None
    assert item.title == "CAP Boulanger"
    assert item.diploma_level == 3
    assert item.created == date(2026, 9, 1)
    assert item.details == {"sessions": [{"debut": "2027-09-01"}]}
    assert store.counts() == {
        Kind.FORMATION: 2,
        Kind.OFFRE: 2,
        Kind.ENTREPRISE: 3,
        Kind.PARTENARIAT: 0,
    }


def test_rome_and_radius_filter_nearest_first(store: CatalogueStore) -> None:
    area = Area(*AURILLAC, radius_km=30)
    rows = store.nearest(area, ItemFilter(Kind.ENTREPRISE, romes=("D1102",)), limit=10)
    assert _ids(rows) == ["handi", "other"]  # the item without coordinates is never on a map
    far = store.nearest(area, ItemFilter(Kind.FORMATION, romes=("D1106",)), limit=10)
    assert far == []  # 55 km away


def test_diploma_level_indifferent_offers_match_any_level(store: CatalogueStore) -> None:
    area = Area(*AURILLAC, radius_km=30)
    offers = store.nearest(area, ItemFilter(Kind.OFFRE, romes=("D1102",), diploma_level=3), limit=9)
    assert _ids(offers) == ["any-level"]
    trainings = store.nearest(area, ItemFilter(Kind.FORMATION, diploma_level=5), limit=9)
    assert trainings == []


def test_opco_handi_and_text_filters(store: CatalogueStore) -> None:
    area = Area(*AURILLAC, radius_km=30)
    assert _ids(store.nearest(area, ItemFilter(Kind.ENTREPRISE, opco="opco ep"), limit=9)) == [
        "handi"
    ]
    assert _ids(
        store.nearest(area, ItemFilter(Kind.ENTREPRISE, handi_friendly_only=True), limit=9)
    ) == ["handi"]
    text = store.nearest(area, ItemFilter(Kind.OFFRE, words=("boulang",)), limit=9)
    assert _ids(text) == ["any-level"]


def test_departement_area_and_limit(tmp_path: Path) -> None:
    items = [
        _item(Kind.OFFRE, str(i), 45 + i / 100, 2.0, departement="15" if i % 2 else "63")
        for i in range(10)
    ]
    store = CatalogueStore(_write(tmp_path / "d.sqlite", items))
    rows = store.nearest(Area(45.0, 2.0, departements=("15",)), ItemFilter(Kind.OFFRE), limit=3)
    assert _ids(rows) == ["1", "3", "5"]


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as err:
        CatalogueStore(tmp_path / "absent.sqlite")
    assert "lba-desktop demo" in err.value.hint


def test_corrupt_file_is_refused_with_a_french_message(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    with pytest.raises(CatalogueError) as err:
        CatalogueStore(path)
    assert "endommagé" in err.value.message


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.sqlite", [])
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(CatalogueError):
        CatalogueStore(path)


def test_older_schema_is_migrated_and_keeps_its_items(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.sqlite", [_item(Kind.OFFRE, "kept", 45.0, 2.0)], schema_version=1)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "sync_journal" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    store = CatalogueStore(path)
    assert store.get(Kind.OFFRE, "kept") is not None
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert "sync_journal" in tables
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    # The rebuilt indexes answer both kinds of search around a point.
    area = Area(45.0, 2.0, radius_km=10)
    by_rome = store.nearest(area, ItemFilter(Kind.OFFRE, romes=("D1102",)), limit=5)
    anything = store.nearest(area, ItemFilter(Kind.OFFRE), limit=5)
    assert [i.id for i, _ in by_rome] == [i.id for i, _ in anything] == ["kept"]


@pytest.mark.parametrize("version", [5, 6, 7])
def test_a_file_of_an_earlier_search_layout_is_migrated_and_searched(
    tmp_path: Path, version: int
) -> None:
    items = [
        _item(Kind.OFFRE, "near", 45.0, 2.0, title="Boulangerie du coin", departement="15"),
        _item(Kind.OFFRE, "far", 45.3, 2.0, title="Boulangerie loin", departement="15"),
    ]
    path = _write(tmp_path / "c.sqlite", items, schema_version=version)
    store = CatalogueStore(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    around = Area(45.0, 2.0, radius_km=10)
    for flt in (ItemFilter(Kind.OFFRE, ("D1102",)), ItemFilter(Kind.OFFRE, words=("boulang",))):
        assert [i.id for i, _ in store.nearest(around, flt, limit=5)] == ["near"]
    in_cantal = store.nearest(
        Area(45.0, 2.0, departements=("15",)), ItemFilter(Kind.OFFRE), limit=5
    )
    assert [i.id for i, _ in in_cantal] == ["near", "far"]


def test_writer_builds_the_indexes_a_search_uses(tmp_path: Path) -> None:
    # Items over mainland France, so that the planner's statistics look like a real catalogue.
    items = [
        _item(
            kind,
            f"{kind.value}{i}",
            42.5 + (i % 80) / 10,
            -4.0 + (i // 80) / 5,
            romes=("A1", "B2"),
            title=f"Offre {i}",
            departement="29",
        )
        for kind in Kind
        for i in range(2000)
    ]
    path = _write(tmp_path / "c.sqlite", items)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM item_romes").fetchone()[0] == 2 * len(items)
    store = CatalogueStore(path)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)  # each statement, values filled in
    around = Area(45.0, -2.0, radius_km=30)
    searches = [
        (around, ItemFilter(Kind.OFFRE, ("A1",))),
        (around, ItemFilter(Kind.OFFRE, ("A1", "B2"), diploma_level=None)),
        (around, ItemFilter(Kind.OFFRE)),
        (around, ItemFilter(Kind.OFFRE, words=("offre",))),
        (Area(45.0, -2.0, departements=("29",)), ItemFilter(Kind.OFFRE, ("A1",))),
    ]
    for area, flt in searches:
        assert store.nearest(area, flt, limit=10)
    ranking = [sql for sql in statements if "ORDER BY d2" in sql]
    assert len(ranking) >= len(searches)
    for sql in ranking:
        plan = " ".join(str(r) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        # The box is read through an index (ROME, place or full text), never a full scan;
        # the full-text index over rowid ranges (`><`), the cells of the box.
        assert not re.search(r"SCAN (i|items|item_romes)\b(?!_)", plan), plan
        assert "items_fts" not in plan or "><" in plan, plan


def test_distances_are_great_circle_with_or_without_sqlite_math(store: CatalogueStore) -> None:
    from lba_desktop.geo import distance_km

    area = Area(*AURILLAC, radius_km=30)
    flt = ItemFilter(Kind.ENTREPRISE, romes=("D1102",))
    with_math = store.nearest(area, flt, limit=10)
    for item, d in with_math:
        assert d == pytest.approx(distance_km(*AURILLAC, item.lat, item.lon), abs=1e-6)
    # Some SQLite builds lack asin/radians: the distance is then computed in Python.
    store._sql_distance, store._distance_sql = False, "NULL"
    without = store.nearest(area, flt, limit=10)
    assert [(i.id, round(d, 6)) for i, d in without] == [(i.id, round(d, 6)) for i, d in with_math]
    text = store.nearest(area, ItemFilter(Kind.OFFRE, words=("boulang",)), limit=9)
    assert text[0][1] == pytest.approx(distance_km(*AURILLAC, text[0][0].lat, text[0][0].lon))


def test_a_radius_spanning_latitude_bands_finds_items_on_both_sides(tmp_path: Path) -> None:
    # 45.0° is a band boundary of the ROME index: the box must be read on both sides, and
    # longitudes outside the box must stay out even inside a band it touches.
    items = [
        _item(Kind.OFFRE, "south", 44.99, 2.0),
        _item(Kind.OFFRE, "north", 45.01, 2.0),
        _item(Kind.OFFRE, "far-north", 45.40, 2.0),
        _item(Kind.OFFRE, "same-band-far-east", 45.01, 3.5),
    ]
    store = CatalogueStore(_write(tmp_path / "c.sqlite", items))
    found = store.nearest(
        Area(45.0, 2.0, radius_km=20), ItemFilter(Kind.OFFRE, ("D1102",)), limit=10
    )
    assert sorted(item.id for item, _ in found) == ["north", "south"]
    wide = store.nearest(
        Area(45.0, 2.0, radius_km=50), ItemFilter(Kind.OFFRE, ("D1102",)), limit=10
    )
    assert {item.id for item, _ in wide} == {"south", "north", "far-north"}


def test_a_repeated_search_reads_only_the_rows_it_has_not_read(tmp_path: Path) -> None:
    lat, lon = AURILLAC
    items = [_item(Kind.OFFRE, f"o{i}", lat + i * 0.01, lon) for i in range(30)]
    store = CatalogueStore(_write(tmp_path / "c.sqlite", items))
    flt = ItemFilter(Kind.OFFRE, ("D1102",))
    first = store.nearest(Area(*AURILLAC, radius_km=10), flt, limit=100)
    assert store.item_cache.misses == len(first) and store.item_cache.hits == 0
    wider = store.nearest(Area(*AURILLAC, radius_km=30), flt, limit=100)
    assert store.item_cache.hits == len(first)
    assert store.item_cache.misses == len(wider)  # only the new ones were read
    # Same answer as a store without the cache, in the same order with the same distances.
    cold = CatalogueStore(tmp_path / "c.sqlite")
    cold.item_cache = LruCache(0)
    assert cold.nearest(Area(*AURILLAC, radius_km=30), flt, limit=100) == wider


def test_the_item_cache_forgets_the_least_recently_used_first() -> None:
    cache = LruCache(capacity=2)
    a, b, c = (Item(kind=Kind.OFFRE, id=x, title=x) for x in "abc")
    cache.put(1, a)
    cache.put(2, b)
    assert cache.get(1) is a  # 1 is now the most recent
    cache.put(3, c)
    assert cache.get(2) is None and cache.get(1) is a and cache.get(3) is c
    assert len(cache) == 2


def test_details_round_trip_whatever_their_shape(tmp_path: Path) -> None:
    details = {
        "text": "Café « crème » 😀",
        "nested": {"sessions": [{"start": None, "permanent": True}], "n": 2.5},
        "skills": ["a", "b"],
        "big": 10**20,  # beyond 64 bits: stored through the general encoder
    }
    items = [
        _item(Kind.OFFRE, "dict", 45.0, 3.0, details=details),
        _item(Kind.OFFRE, "proxy", 45.0, 3.0, details=MappingProxyType({"why": "é"})),
        _item(Kind.OFFRE, "int-keys", 45.0, 3.0, details={1: "un"}),
        _item(Kind.OFFRE, "empty", 45.0, 3.0),
    ]
    store = CatalogueStore(_write(tmp_path / "c.sqlite", items))
    try:
        assert dict(store.get(Kind.OFFRE, "dict").details) == details
        assert dict(store.get(Kind.OFFRE, "proxy").details) == {"why": "é"}
        assert dict(store.get(Kind.OFFRE, "int-keys").details) == {"1": "un"}
        assert dict(store.get(Kind.OFFRE, "empty").details) == {}
    finally:
        store.close()
