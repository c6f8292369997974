"""The demo catalogue: deterministic, fictitious, inside France, and credible where it matters."""

from __future__ import annotations

import errno
import hashlib
import math
import shutil
import sqlite3
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from lba_desktop.data import demo
from lba_desktop.data.catalogue import CatalogueStore, item_to_row
from lba_desktop.data.demo_version import GENERATOR_VERSION, stale_demo_scale
from lba_desktop.data.demo_world import DemoWorld, inclusive, masculine
from lba_desktop.errors import StorageFull
from lba_desktop.local_catalogue import open_catalogue
from lba_desktop.models import Item, Kind
from lba_desktop.search import SearchService
from tests.conftest import DEMO_TODAY

TODAY = date(2026, 11, 23)

# Metropolitan France (Corsica included), then each overseas département.
BOXES = (
    (41.2, 51.2, -5.3, 9.7),
    (15.8, 16.6, -61.9, -60.9),  # Guadeloupe
    (14.3, 14.95, -61.3, -60.7),  # Martinique
    (2.0, 6.0, -54.7, -51.5),  # Guyane
    (-21.5, -20.8, 55.1, 55.9),  # La Réunion
    (-13.1, -12.5, 44.9, 45.4),  # Mayotte
)

# What a diploma's name says about its level.
TITLE_LEVELS = (
    ("CAP", 3),
    ("Bac pro", 4),
    ("BP ", 4),
    ("BTS", 5),
    ("BUT", 6),
    ("Licence", 6),
    ("Master", 7),
    ("Titre d'ingénieur", 7),
)


def _digest(path: Path) -> str:
    store = CatalogueStore(path)
    try:
        sha = hashlib.sha256()
        for item in store.iter_items():
            sha.update(repr(item_to_row(item)).encode())
        return sha.hexdigest()
    finally:
        store.close()


def _luhn_ok(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    return sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2)
               for i, d in enumerate(digits)) % 10 == 0  # fmt: skip


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[Kind, int], list]:
    path = tmp_path_factory.mktemp("demo") / "catalogue.sqlite"
    reports: list[tuple[int, int, str]] = []
    counts = demo.build_demo_catalogue(
        path, today=TODAY, report=lambda d, t, label: reports.append((d, t, label))
    )
    return path, counts, reports


@pytest.fixture(scope="module")
def items(built: tuple[Path, dict[Kind, int], list]) -> list[Item]:
    store = CatalogueStore(built[0])
    try:
        return list(store.iter_items())
    finally:
        store.close()


def test_counts_in_expected_ranges(built, items) -> None:
    _, counts, _ = built
    assert counts == demo.SCALES["demo"]
    # Ids are unique per kind: nothing was silently replaced on insert.
    assert Counter(item.kind for item in items) == Counter(counts)


def test_same_seed_and_day_give_identical_items(built, demo_catalogue_file: Path) -> None:
    # The shared session catalogue (conftest) is a second build with the same seed and day.
    assert date.fromisoformat(DEMO_TODAY) == TODAY
    assert demo_catalogue_file != built[0]
    assert _digest(demo_catalogue_file) == _digest(built[0])


def test_meta_freshness_and_progress(built) -> None:
    path, counts, reports = built
    store = CatalogueStore(path)
    try:
        meta = store.meta()
        freshness = store.freshness()
    finally:
        store.close()
    assert meta["origin"] == "demo"
    assert meta["label_fr"] == "Données de démonstration (fictives)"
    assert meta["scale"] == "demo"
    assert meta["seed"] == str(demo.DEFAULT_SEED)
    assert meta["built_at"]
    assert sum(n for *_, n in freshness) == sum(counts.values())
    assert {source for source, *_ in freshness} >= {"catalogue", "lba", "recruteurs-lba"}
    assert len({dept for _, dept, *_ in freshness}) >= 100
    assert len(reports) >= 4
    assert reports[-1][0] == reports[-1][1] == sum(counts.values())
    assert {"Formations", "Entreprises"} <= {label for *_, label in reports}


def test_every_item_is_fictitious_complete_and_in_france(items) -> None:
    for item in items:
        assert item.fictitious
        assert item.title and item.organisation and item.address
        assert item.insee and item.postcode and item.departement and item.commune
        assert item.romes and all(len(code) == 5 for code in item.romes)
        assert item.lat is not None and item.lon is not None
        assert any(
            lat0 <= item.lat <= lat1 and lon0 <= item.lon <= lon1
            for lat0, lat1, lon0, lon1 in BOXES
        ), item
    overseas = {item.departement for item in items if len(item.departement) == 3}
    assert {"971", "972", "973", "974", "976"} <= overseas


def test_contacts_are_obviously_fictitious(items) -> None:
    for item in items:
        assert not item.email or item.email.endswith("@exemple.fr")
        assert not item.url or ".invalid/" in item.url
        if item.phone:
            assert item.phone[:8] in {"01 99 00", "02 61 91", "03 53 01", "04 65 71", "05 36 49"}


def test_training_levels_match_their_titles(items) -> None:
    trainings = [item for item in items if item.kind is Kind.FORMATION]
    levels = Counter(item.diploma_level for item in trainings)
    assert set(levels) <= {3, 4, 5, 6, 7}
    assert all(levels[level] > 100 for level in (3, 4, 5, 6, 7))
    for item in trainings:
        for prefix, level in TITLE_LEVELS:
            if item.title.startswith(prefix):
                assert item.diploma_level == level, item.title
        details = item.details
        assert item.id.startswith("DEMO-") and details["cle_ministere_educatif"] == item.id
        assert details["sessions"] and details["duration_months"] in (12, 24, 36)
        assert details["onisep_url"].startswith("https://exemple.onisep.invalid/")
    assert any(item.title == "CAP Boulanger" and item.romes == ("D1102",) for item in trainings)
    assert any(item.title == "Diplôme d'État d'aide-soignant" for item in trainings)
    rdv = sum(item.details["rdv_eligible"] for item in trainings) / len(trainings)
    assert 0.4 < rdv < 0.6


def test_popular_metiers_dominate(items) -> None:
    romes = Counter(item.romes[0] for item in items if item.kind is Kind.FORMATION)
    assert romes["D1102"] > 5 * max(romes["L1503"], 1)
    assert len(romes) > 500  # the long tail: rare métiers exist somewhere


def test_bakery_training_near_aurillac(items) -> None:
    near = [
        item
        for item in items
        if item.kind is Kind.FORMATION
        and "D1102" in item.romes
        and _km(44.93, 2.44, item.lat, item.lon) <= 30
    ]
    assert near


def test_paris_has_more_companies_than_cantal(items) -> None:
    by_dept = Counter(item.departement for item in items if item.kind is Kind.ENTREPRISE)
    assert by_dept["75"] > by_dept["15"] > 0


def test_companies_look_real(items) -> None:
    companies = [item for item in items if item.kind is Kind.ENTREPRISE]
    for item in companies:
        assert len(item.siret) == 14 and item.id == item.siret
        assert _luhn_ok(item.siret) and _luhn_ok(item.siret[:9])  # SIRET and its SIREN
        assert item.opco and 1 <= item.details["hiring_potential"] <= 5
        assert 1 <= len(item.romes) <= 3
    handi = sum(item.handi_friendly for item in companies) / len(companies)
    assert 0.05 < handi < 0.11
    bakeries = [item for item in companies if item.romes[0] == "D1102"]
    assert bakeries and all(item.details["naf_code"] == "10.71C" for item in bakeries)
    assert {item.opco for item in bakeries} == {"OPCO EP"}


def test_offers_and_partenariats(items) -> None:
    for item in items:
        if item.kind not in (Kind.OFFRE, Kind.PARTENARIAT):
            continue
        start = date.fromisoformat(item.details["start_date"])
        assert 0 < (start - TODAY).days <= 186
        assert 0 <= (TODAY - item.created).days <= 60
        assert item.diploma_level is None or 3 <= item.diploma_level <= 7
        assert item.details["contract_type"] in ("Apprentissage", "Contrat de professionnalisation")
        if item.kind is Kind.PARTENARIAT:
            assert item.source == "recruteurs-lba" and item.details["cfa"]
        else:
            assert item.source in ("france-travail", "partenaires")
    offers = [item for item in items if item.kind is Kind.OFFRE]
    open_level = sum(item.diploma_level is None for item in offers) / len(offers)
    assert 0.3 < open_level < 0.5


def test_inclusive_job_names() -> None:
    assert inclusive("Boulanger / Boulangère") == "Boulanger(ère)"
    assert inclusive("Conducteur / Conductrice de poids lourd") == (
        "Conducteur(rice) de poids lourd"
    )
    assert inclusive("Assistant commercial / Assistante commerciale") == (
        "Assistant(e) commercial(e)"
    )
    assert inclusive("Barman / Barmaid") == "Barman / Barmaid"
    assert masculine("Chef / Cheffe de cuisine") == "Chef de cuisine"


def test_unknown_scale_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        demo.build_demo_catalogue(tmp_path / "x.sqlite", scale="monde")


def test_ensure_builds_once_and_leaves_no_staging_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "sub" / "catalogue.sqlite"
    calls: list[Path] = []

    def fake_build(path: Path, **kwargs: object) -> dict[Kind, int]:
        calls.append(path)
        path.write_bytes(b"catalogue")
        return {}

    monkeypatch.setattr(demo, "build_demo_catalogue", fake_build)
    assert demo.ensure_demo_catalogue(target) is True
    assert calls == [target.with_suffix(".building")]
    assert target.read_bytes() == b"catalogue"
    assert demo.ensure_demo_catalogue(target) is False
    assert len(calls) == 1
    assert not target.with_suffix(".building").exists()


def test_ensure_failure_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "catalogue.sqlite"

    def broken_build(path: Path, **kwargs: object) -> dict[Kind, int]:
        path.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(demo, "build_demo_catalogue", broken_build)
    with pytest.raises(StorageFull, match="Le disque est plein"):  # typed, in French
        demo.ensure_demo_catalogue(target)
    assert not target.exists()
    assert not target.with_suffix(".building").exists()


def _set_meta(path: Path, **values: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(values.items()))
    conn.close()


def test_a_demo_catalogue_of_an_older_generator_is_rebuilt_at_start(
    demo_home: Path, demo_catalogue_file: Path, monkeypatch
) -> None:
    """The demo data a person sees follows the application: an older generator's file is
    replaced at the next start, at the scale it was built at; synced data never is."""
    target = demo_home / "catalogue.sqlite"
    _set_meta(target, generator_version="2", scale="france")
    assert stale_demo_scale(target) == "france"
    built: list[str] = []

    def fake_build(path: Path, *, scale: str, **kwargs: object) -> dict[Kind, int]:
        built.append(scale)  # the current generator's output, without building it again
        shutil.copyfile(demo_catalogue_file, path)
        return {}

    monkeypatch.setattr(demo, "build_demo_catalogue", fake_build)
    store = open_catalogue(target)
    try:
        assert store.meta()["generator_version"] == GENERATOR_VERSION
    finally:
        store.close()
    assert built == ["france"]
    assert not target.with_suffix(".building").exists()

    open_catalogue(target).close()  # up to date now: opened as it is
    assert built == ["france"]

    _set_meta(target, origin="sync", generator_version="2")
    open_catalogue(target).close()
    assert built == ["france"]
    assert stale_demo_scale(target) is None


def test_common_metiers_are_taught_and_offered_where_counsellors_search(items) -> None:
    """Each chef-lieu and big city: every common métier has a training at each level it is
    taught at, and offers."""
    world = DemoWorld()
    assert len(world.hubs) >= 101 and len(world.common_romes) == 50
    taught: set[tuple[str, str, int]] = set()
    offered: set[tuple[str, str]] = set()
    for item in items:
        if item.kind is Kind.FORMATION:
            taught.update((item.insee, code, item.diploma_level) for code in item.romes)
        elif item.kind is Kind.OFFRE:
            offered.add((item.insee, item.romes[0]))
    for hub in world.hubs:
        insee = world.places[hub.place].insee
        for code in world.common_romes:
            for level, _title in world.titles[code]:
                assert (insee, code, level) in taught, (world.places[hub.place].name, code, level)
            assert (insee, code) in offered, (world.places[hub.place].name, code)


@pytest.mark.parametrize(
    "criteria, kinds_wanted, at_least",
    [
        # The README's examples and the presentation mode's three scenarios.
        ({"metier": "boulanger", "lieu": "Aurillac", "rayon": 30}, {"formation", "offre"}, 10),
        ({"metier": "aide soignant", "lieu": "59000", "niveau": 5}, {"formation"}, 3),
        ({"texte": "pâtisserie", "lieu": "Cantal"}, {"formation", "entreprise"}, 4),
        ({"romes": ["D1102"], "lieu": "Aurillac", "rayon": 30}, {"formation", "offre"}, 10),
        ({"romes": ["J1501"], "lieu": "Lille", "rayon": 30}, {"formation", "offre"}, 20),
        ({"romes": ["I1604"], "lieu": "974", "rayon": 30}, {"formation", "offre"}, 20),
    ],
)
def test_the_examples_shown_first_find_a_realistic_list(
    built, criteria: dict, kinds_wanted: set[str], at_least: int
) -> None:
    service = SearchService(CatalogueStore(built[0]))
    result = service.search(service.build_criteria(**criteria))
    assert len(result.hits) >= at_least and not result.nearest_anywhere
    assert kinds_wanted <= {hit.item.kind.value for hit in result.hits}


def test_aide_soignant_around_lille_is_taught_from_level_3_to_5(built) -> None:
    service = SearchService(CatalogueStore(built[0]))
    result = service.search(service.build_criteria(romes=["J1501"], lieu="Lille", rayon=30))
    trainings = result.of_kind(Kind.FORMATION)
    assert len(trainings) >= 10
    assert {3, 4, 5} <= {hit.item.diploma_level for hit in trainings}
