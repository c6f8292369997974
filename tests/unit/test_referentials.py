"""The shipped referentials load, are complete and hold plausible values."""

from __future__ import annotations

import json
import re

from lba_desktop.data.referentials import (
    load_communes,
    load_departements,
    load_grands_domaines,
    load_metiers,
    load_regions,
    load_sectors,
    outline_path,
)


def test_commune_count_and_order() -> None:
    communes = load_communes()
    assert 34_000 < len(communes) < 36_000
    codes = [c.insee for c in communes]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)


def test_every_commune_has_a_plausible_position() -> None:
    # Metropolitan France and the five overseas départements, with some margin.
    boxes = [
        (41.0, 51.5, -5.5, 10.0),  # metropolitan France and Corsica
        (15.8, 16.6, -61.9, -60.9),  # Guadeloupe
        (14.3, 15.0, -61.3, -60.7),  # Martinique
        (2.0, 6.0, -54.7, -51.5),  # Guyane
        (-21.5, -20.8, 55.1, 55.9),  # La Réunion
        (-13.1, -12.5, 44.9, 45.4),  # Mayotte
    ]
    for commune in load_communes():
        assert any(s <= commune.lat <= n and w <= commune.lon <= e for s, n, w, e in boxes), commune


def test_overseas_and_big_cities_are_present() -> None:
    by_insee = {c.insee: c for c in load_communes()}
    for insee in ("97105", "97209", "97302", "97411", "97611", "75056", "69123", "13055"):
        assert insee in by_insee
    assert by_insee["97411"].name == "Saint-Denis"
    assert by_insee["97411"].departement == "974"
    assert by_insee["75056"].population > 2_000_000
    # Arrondissement postcodes belong to their commune.
    assert "75011" in by_insee["75056"].postcodes
    assert "13001" in by_insee["13055"].postcodes
    # The article left out by INSEE is put back.
    assert by_insee["76351"].name == "Le Havre"


def test_communes_point_to_known_departements_and_regions() -> None:
    departements = load_departements()
    regions = load_regions()
    for commune in load_communes():
        assert commune.departement in departements
        assert departements[commune.departement].region == commune.region
        assert commune.region in regions
        assert all(re.fullmatch(r"\d{5}", pc) for pc in commune.postcodes)


def test_departements_and_regions() -> None:
    departements = load_departements()
    regions = load_regions()
    assert len(departements) == 101
    assert len(regions) == 18
    assert departements["15"].name == "Cantal"
    assert departements["2A"].name == "Corse-du-Sud"
    assert departements["974"].region == "04"
    assert regions["84"].name == "Auvergne-Rhône-Alpes"
    assert all(d.region in regions for d in departements.values())


def test_metiers_sectors_and_domains() -> None:
    metiers = load_metiers()
    assert len(metiers) >= 500
    assert all(re.fullmatch(r"[A-N]\d{4}", m.code) for m in metiers)
    assert len({m.code for m in metiers}) == len(metiers)
    by_code = {m.code: m for m in metiers}
    assert by_code["D1102"].label == "Boulanger / Boulangère"
    assert by_code["D1102"].domain == "D11"
    sectors = load_sectors()
    assert sectors and all(s.romes for s in sectors)
    assert all(all(code in by_code for code in s.romes) for s in sectors)
    sector_ids = {s.id for s in sectors}
    assert all(set(m.sectors) <= sector_ids for m in metiers)
    domains = load_grands_domaines()
    assert list(domains) == list("ABCDEFGHIJKLMN")
    assert domains["J"] == "Santé"


def test_outlines() -> None:
    for level, count in (("departements", 101), ("regions", 18)):
        collection = json.loads(outline_path(level).read_text(encoding="utf-8"))
        assert len(collection["features"]) == count
        assert {"code", "nom"} <= set(collection["features"][0]["properties"])
    assert outline_path("region") == outline_path("regions")


def test_communes_lie_near_the_rest_of_their_departement() -> None:
    """Catches a commune placed at a wrong town-hall point far from home (source errors)."""
    from collections import defaultdict
    from math import cos, radians, sqrt
    from statistics import median

    by_dep = defaultdict(list)
    for commune in load_communes():
        by_dep[commune.departement].append(commune)
    for dep, communes in by_dep.items():
        lat0 = median(c.lat for c in communes)
        lon0 = median(c.lon for c in communes)
        for c in communes:
            km = 111 * sqrt((c.lat - lat0) ** 2 + ((c.lon - lon0) * cos(radians(lat0))) ** 2)
            assert km < (400 if dep == "973" else 200), c
