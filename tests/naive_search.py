"""The search written the obvious way: every row of the catalogue scanned, its exact distance
computed, each kind sorted and capped. The reference the search service must equal (test and
bench): same items per kind, same items kept at each cap."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from lba_desktop.geo import distance_km
from lba_desktop.geocoding import Geocoder
from lba_desktop.models import Kind, PlaceKind, SearchCriteria
from lba_desktop.search import NEAREST_ANYWHERE_PER_KIND
from lba_desktop.text import fold


@dataclass(frozen=True, slots=True)
class Row:
    kind: str
    id: str
    lat: float
    lon: float
    romes: frozenset[str]
    text: str  # " " + folded title, organisation and commune, to test word starts
    departement: str
    diploma_level: int | None
    opco: str
    handi_friendly: bool
    expiration: str


def load_rows(path: Path) -> list[Row]:
    """Every positioned item of the catalogue file, read once."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT kind, id, lat, lon, romes, title, organisation, commune, departement, "
            "diploma_level, opco, handi_friendly, json_extract(details, '$.expiration') "
            "FROM items WHERE lat IS NOT NULL AND lon IS NOT NULL"
        ).fetchall()
    finally:
        conn.close()
    return [
        Row(
            kind,
            id_,
            lat,
            lon,
            frozenset((romes or "").split()),
            " " + fold(f"{title or ''} {organisation or ''} {commune or ''}"),
            departement or "",
            level,
            opco or "",
            bool(handi),
            expiration if isinstance(expiration, str) else "",
        )
        for (
            kind,
            id_,
            lat,
            lon,
            romes,
            title,
            organisation,
            commune,
            departement,
            level,
            opco,
            handi,
            expiration,
        ) in rows
    ]


def naive_search(
    rows: list[Row], criteria: SearchCriteria, geocoder: Geocoder, today: str
) -> tuple[dict[Kind, list[str]], bool]:
    """The ids kept per kind, nearest first (ties by id), and whether the answer is the
    « nearest anywhere » fallback (nothing within the radius)."""
    place = criteria.place
    radius = criteria.radius_km if place.kind is PlaceKind.COMMUNE else None
    departements = set(geocoder.departement_codes_of(place))
    if place.kind is PlaceKind.FRANCE:
        departements = set()  # all of them, and items of any département code
    found = _scan(rows, criteria, radius, departements, today, per_kind=None)
    if radius is not None and not any(found.values()):
        anywhere = _scan(rows, criteria, None, departements, today, NEAREST_ANYWHERE_PER_KIND)
        return anywhere, any(anywhere.values())
    return found, False


def _scan(
    rows: list[Row],
    criteria: SearchCriteria,
    radius: float | None,
    departements: set[str],
    today: str,
    per_kind: int | None,
) -> dict[Kind, list[str]]:
    lat0, lon0 = criteria.place.lat, criteria.place.lon
    romes = set(criteria.romes)
    words = [" " + w for w in fold(criteria.text).split()]
    level = criteria.diploma_level
    opco = criteria.opco.strip().casefold()
    by_kind: dict[str, list[tuple[float, str]]] = {k.value: [] for k in criteria.kinds}
    for row in rows:
        if row.kind not in by_kind:
            continue
        if romes and not romes & row.romes:
            continue
        if words and not all(w in row.text for w in words):
            continue
        if departements and row.departement not in departements:
            continue
        # An offer open to any level (no level) matches every requested level.
        if (
            level is not None
            and row.diploma_level != level
            and (row.kind == Kind.FORMATION.value or row.diploma_level is not None)
        ):
            continue
        if opco and row.kind != "formation" and row.opco.casefold() != opco:
            continue
        if criteria.handi_friendly_only and row.kind != "formation" and not row.handi_friendly:
            continue
        if (
            row.kind in ("offre", "partenariat")
            and row.expiration[:10]
            and (row.expiration[4:5] == "-" and row.expiration[:10] < today)
        ):
            continue
        d = distance_km(lat0, lon0, row.lat, row.lon)
        if radius is not None and d > radius:
            continue
        by_kind[row.kind].append((d, row.id))
    kept = {}
    for kind in Kind:
        found = sorted(by_kind.get(kind.value, []))
        cap = per_kind or criteria.limits.get(kind.value, 100)
        kept[kind] = [id_ for _d, id_ in found[:cap]]
    return kept
