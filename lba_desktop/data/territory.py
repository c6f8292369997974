"""Territory aggregates: per département and région and per ROME, the counts a territory view
shows, and the two action lists (trainings far from any employer, offers far from any
training), computed once when a catalogue is written or upgraded, read with a few seeks.

A territory is the `departement` column of the items (the one the search filters an area
on), a région the départements the referential puts in it; an item is counted under a ROME
when it is in the ROME index (`item_romes`: it has a position and that code), as the search
finds it. Distances are great-circle, as the search measures its radius.
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import orjson

from lba_desktop.data.referentials import load_departements
from lba_desktop.geo import distance_km

# A training « with no employer » has no offer, company or partnership of its métier this
# close; a métier's offer « with no training » has no training of that métier this close.
TRAINING_ALONE_KM = 30
OFFER_ALONE_KM = 60
EMPLOYER_KINDS = ("offre", "entreprise", "partenariat")
SCOPE_DEPARTEMENT = "departement"
SCOPE_REGION = "region"
SCOPE_FRANCE = "france"
FRANCE_CODE = "FR"
KM_PER_DEGREE = 111.195
_CELLS_PER_DEGREE = 4  # grid of the distance checks: 0.25°, about 28 km of latitude

METIER_COLUMNS = (
    "formations",
    "sessions_12_mois",
    "places",
    "offres",
    "partenariats",
    "entreprises",
    "employeurs",
    "formations_sans_employeur",
    "offres_sans_formation",
)


@dataclass(frozen=True, slots=True)
class MetierCounts:
    """One ROME in one territory. `places` is None where no training states its places."""

    rome: str
    formations: int
    sessions_12_mois: int
    places: int | None
    offres: int
    partenariats: int
    entreprises: int
    employeurs: int
    formations_sans_employeur: int
    offres_sans_formation: int


@dataclass(frozen=True, slots=True)
class GapItem:
    """An item of an action list: which one, where, and how far the nearest counterpart is
    (None when there is none of that métier anywhere)."""

    kind: str
    item_id: str
    rome: str
    departement: str
    title: str
    organisation: str
    commune: str
    lat: float
    lon: float
    nearest_km: float | None


# --- Building ----------------------------------------------------------------------------


def create_territory_tables(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE IF EXISTS territory_metiers")
    conn.execute("DROP TABLE IF EXISTS territory_gaps")
    conn.execute("DROP TABLE IF EXISTS territory_domains")
    counts = ", ".join(f"{c} INTEGER" for c in METIER_COLUMNS)
    conn.execute(
        f"CREATE TABLE territory_metiers (scope TEXT NOT NULL, code TEXT NOT NULL, "
        f"rome TEXT NOT NULL, {counts}, PRIMARY KEY (scope, code, rome)) WITHOUT ROWID"
    )
    # Per ROME professional domain (« D11 »: the first three characters of a code), each item
    # once however many métiers of the domain it carries: what a search of them all finds.
    conn.execute(
        f"CREATE TABLE territory_domains (scope TEXT NOT NULL, code TEXT NOT NULL, "
        f"domaine TEXT NOT NULL, metiers INTEGER, {counts}, "
        "PRIMARY KEY (scope, code, domaine)) WITHOUT ROWID"
    )
    # « All départements for one métier » (the map) reads this one.
    conn.execute("CREATE INDEX idx_territory_metiers_rome ON territory_metiers (rome, scope, code)")
    conn.execute(
        "CREATE TABLE territory_gaps (kind TEXT NOT NULL, departement TEXT NOT NULL, "
        "rome TEXT NOT NULL, item_id TEXT NOT NULL, nearest_km REAL, "
        "PRIMARY KEY (kind, departement, rome, item_id)) WITHOUT ROWID"
    )


def build_territory(conn: sqlite3.Connection, *, today: date | None = None) -> None:
    """Fill the territory tables from `items` and `item_romes` (already filled), inside the
    caller's transaction. `today` dates the « sessions in the next 12 months »."""
    today = today or date.today()
    create_territory_tables(conn)
    # One sequential scan of `items`, split by ROME here: twice as fast as joining the ROME
    # index back to `items` (a random page read per row). The conditions are the ROME
    # index's, so that an item counts here exactly when the search can find it by métier.
    rows = conn.execute(
        "SELECT kind, lat, lon, departement, id, siret, romes, "
        "CASE WHEN kind = 'formation' THEN details END FROM items "
        "WHERE lat IS NOT NULL AND lon IS NOT NULL AND romes != ''"
    )
    horizon = (today.isoformat(), (today + timedelta(days=365)).isoformat())
    by_rome: dict[str, list[_Row]] = defaultdict(list)
    by_domain: dict[str, list[_Row]] = defaultdict(list)
    for kind, lat, lon, dep, item_id, siret, romes, details in rows:
        # A training's details read once (not once per métier): its places and next session.
        places, soon = _training_facts(details, horizon) if details else (None, False)
        row = (kind, lat, lon, dep or "", item_id, siret or "", places, soon)
        codes = tuple(dict.fromkeys(romes.split()))
        for rome in codes:
            by_rome[rome].append(row)
        for domain in dict.fromkeys(code[:3] for code in codes):
            by_domain[domain].append(row)
    per_dep: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    gaps: list[tuple[str, str, str, str, float | None]] = []
    for rome in sorted(by_rome):
        _tally_rome(rome, by_rome.pop(rome), per_dep, gaps)
    per_dep_domain: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    for domain in sorted(by_domain):
        _tally_domain(domain, by_domain.pop(domain), per_dep_domain)
    for dep, rome in per_dep:
        per_dep_domain[(dep, rome[:3])].romes.add(rome)
    _domain_gaps(gaps, per_dep_domain)

    region_of = {code: d.region for code, d in load_departements().items()}
    for table, tallies in (("territory_metiers", per_dep), ("territory_domains", per_dep_domain)):
        _insert_counts(conn, table, tallies, region_of)
    conn.executemany("INSERT OR IGNORE INTO territory_gaps VALUES (?, ?, ?, ?, ?)", gaps)


def _insert_counts(
    conn: sqlite3.Connection,
    table: str,
    per_dep: dict[tuple[str, str], _Tally],
    region_of: dict[str, str],
) -> None:
    # Wider territories from the départements the referential knows, as the search's areas.
    per_region: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    per_france: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    for (dep, key), tally in per_dep.items():
        if region_of.get(dep):
            per_region[(region_of[dep], key)].merge(tally)
            per_france[(FRANCE_CODE, key)].merge(tally)
    domains = table == "territory_domains"
    width = 3 + len(METIER_COLUMNS) + domains
    conn.executemany(
        f"INSERT INTO {table} VALUES ({', '.join('?' for _ in range(width))})",
        [
            (scope, code, key, *((len(tally.romes),) if domains else ()), *tally.row())
            for scope, tallies in (
                (SCOPE_DEPARTEMENT, per_dep),
                (SCOPE_REGION, per_region),
                (SCOPE_FRANCE, per_france),
            )
            for (code, key), tally in sorted(tallies.items())
        ],
    )


# kind, lat, lon, département, id, SIRET, places stated (trainings), a session within 12 months
_Row = tuple[str, float, float, str, str, str, int | None, bool]


class _Tally:
    """Counts of one (territory, ROME) while building; employers are told apart by SIRET."""

    __slots__ = ("counts", "employers", "isolated", "places", "places_known", "romes")

    def __init__(self) -> None:
        self.counts = dict.fromkeys(METIER_COLUMNS, 0)
        self.employers: set[str] = set()
        self.places = 0
        self.places_known = False
        self.romes: set[str] = set()  # a domain's métiers found here
        self.isolated: set[tuple[str, str]] = set()  # a domain's listed items, once each

    def add_training(self, places: int | None, soon: bool) -> None:
        if places is not None:
            self.places += places
            self.places_known = True
        if soon:
            self.counts["sessions_12_mois"] += 1

    def merge(self, other: _Tally) -> None:
        for key, value in other.counts.items():
            self.counts[key] += value
        self.employers |= other.employers
        self.places += other.places
        self.places_known = self.places_known or other.places_known
        self.romes |= other.romes

    def row(self) -> tuple[int | None, ...]:
        c = self.counts
        return (
            c["formations"],
            c["sessions_12_mois"],
            self.places if self.places_known else None,
            c["offres"],
            c["partenariats"],
            c["entreprises"],
            len(self.employers),
            c["formations_sans_employeur"],
            c["offres_sans_formation"],
        )


_PLURAL = {"formation": "formations", "offre": "offres", "entreprise": "entreprises"}
_PLURAL["partenariat"] = "partenariats"


def _tally_rome(
    rome: str,
    rows: Sequence[_Row],
    per_dep: dict[tuple[str, str], _Tally],
    gaps: list[tuple[str, str, str, str, float | None]],
) -> None:
    # Each grid only where it is asked: employers around trainings, trainings around offers.
    kinds = {row[0] for row in rows}
    employers = _Grid(
        (lat, lon) for kind, lat, lon, *_ in rows if kind in EMPLOYER_KINDS and "formation" in kinds
    )
    trainings = _Grid(
        (lat, lon) for kind, lat, lon, *_ in rows if kind == "formation" and "offre" in kinds
    )
    for kind, lat, lon, dep, item_id, siret, places, soon in rows:
        if not dep:
            continue
        tally = per_dep[(dep, rome)]
        tally.counts[_PLURAL[kind]] += 1
        if kind == "formation":
            tally.add_training(places, soon)
            if employers.any_within(lat, lon, TRAINING_ALONE_KM):
                continue
            tally.counts["formations_sans_employeur"] += 1
            gaps.append((kind, dep, rome, item_id, employers.nearest(lat, lon)))
        else:
            tally.employers.add(siret or f"{kind}:{item_id}")
            if kind != "offre":
                continue
            if trainings.any_within(lat, lon, OFFER_ALONE_KM):
                continue
            tally.counts["offres_sans_formation"] += 1
            gaps.append((kind, dep, rome, item_id, trainings.nearest(lat, lon)))


def _training_facts(details: str, horizon: tuple[str, str]) -> tuple[int | None, bool]:
    """The places a training states, and whether a session starts within the horizon."""
    data = orjson.loads(details)
    places = data.get("places")
    if not (isinstance(places, int) and not isinstance(places, bool) and places >= 0):
        places = None
    sessions = data.get("sessions") or ()
    starts = [s.get("start") for s in sessions if isinstance(s, dict)]
    soon = any(isinstance(s, str) and horizon[0] <= s[:10] <= horizon[1] for s in starts)
    return places, soon


def _tally_domain(
    domain: str, rows: Sequence[_Row], per_dep: dict[tuple[str, str], _Tally]
) -> None:
    """A domain's counts: each item once (the rows hold it once per domain)."""
    for kind, _lat, _lon, dep, item_id, siret, places, soon in rows:
        if not dep:
            continue
        tally = per_dep[(dep, domain)]
        tally.counts[_PLURAL[kind]] += 1
        if kind == "formation":
            tally.add_training(places, soon)
        else:
            tally.employers.add(siret or f"{kind}:{item_id}")


def _domain_gaps(
    gaps: Sequence[tuple[str, str, str, str, float | None]],
    per_dep: dict[tuple[str, str], _Tally],
) -> None:
    """An item listed under any métier of a domain counts once for the domain."""
    for kind, dep, rome, item_id, _ in gaps:
        tally = per_dep.get((dep, rome[:3]))
        if tally is not None and (kind, item_id) not in tally.isolated:
            tally.isolated.add((kind, item_id))
            key = "formations_sans_employeur" if kind == "formation" else "offres_sans_formation"
            tally.counts[key] += 1


class _Grid:
    """Points of one métier in cells of 0.25°, to answer « is one within d km » by reading the
    few cells around a point instead of every point of France. Points at the same place (the
    companies of one commune) are kept once."""

    def __init__(self, points: Iterable[tuple[float, float]]) -> None:
        cells: dict[tuple[int, int], set[tuple[float, float]]] = defaultdict(set)
        for lat, lon in points:
            cells[(math.floor(lat * _CELLS_PER_DEGREE), math.floor(lon * _CELLS_PER_DEGREE))].add(
                (lat, lon)
            )
        self.cells = {cell: tuple(found) for cell, found in cells.items()}

    def _around(self, lat: float, lon: float, km: float) -> Iterator[tuple[float, float]]:
        dlat = km / KM_PER_DEGREE
        dlon = km / (KM_PER_DEGREE * max(math.cos(math.radians(abs(lat) + dlat)), 0.01))
        row0, col0 = _cell(lat - dlat, lon - dlon)
        row1, col1 = _cell(lat + dlat, lon + dlon)
        if (row1 - row0 + 1) * (col1 - col0 + 1) > len(self.cells):
            # A wide square over a sparse métier: fewer cells to read than to look up.
            for (row, col), found in self.cells.items():
                if row0 <= row <= row1 and col0 <= col <= col1:
                    yield from found
            return
        for row in range(row0, row1 + 1):
            for col in range(col0, col1 + 1):
                yield from self.cells.get((row, col), ())

    def any_within(self, lat: float, lon: float, km: float) -> bool:
        # A flat-earth distance settles nearly every point (2 % either side of `km` is far
        # more than its error at 60 km); the exact great circle decides the rest.
        kx = KM_PER_DEGREE * math.cos(math.radians(lat))
        inside, outside = (km * 0.98) ** 2, (km * 1.02) ** 2
        for plat, plon in self._around(lat, lon, km):
            dy, dx = (plat - lat) * KM_PER_DEGREE, (plon - lon) * kx
            d2 = dx * dx + dy * dy
            if d2 <= inside:
                return True
            if d2 <= outside and distance_km(lat, lon, plat, plon) <= km:
                return True
        return False

    def nearest(self, lat: float, lon: float) -> float | None:
        """The distance to the nearest point, searched in growing squares (only for the items
        of an action list, a small share)."""
        if not self.cells:
            return None
        km = 120.0
        while km <= 1000:
            found = [distance_km(lat, lon, p, q) for p, q in self._around(lat, lon, km)]
            # A point outside the square is farther than its half-width: one within is nearest.
            best = min((d for d in found if d <= km), default=None)
            if best is not None:
                return round(best, 1)
            km *= 2
        points = (p for found in self.cells.values() for p in found)
        return round(min(distance_km(lat, lon, p, q) for p, q in points), 1)


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return (math.floor(lat * _CELLS_PER_DEGREE), math.floor(lon * _CELLS_PER_DEGREE))


# --- Reading -----------------------------------------------------------------------------


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return found is not None


def _territory_rows(
    conn: sqlite3.Connection,
    table: str,
    key: str,
    columns: str,
    scope: str,
    code: str,
    only: Sequence[str],
) -> list[tuple[Any, ...]]:
    """The rows of one territory in an aggregate table, all of them or those whose `key` is
    in `only` (table and column names are this module's own, never typed by anyone)."""
    where = ["scope = ? AND code = ?"]
    params: list[object] = [scope, code]
    if only:
        where.append(f"{key} IN ({', '.join('?' for _ in only)})")
        params += list(only)
    return conn.execute(
        f"SELECT {key}, {columns} FROM {table} WHERE {' AND '.join(where)} ORDER BY {key}",
        params,
    ).fetchall()


def has_territory(conn: sqlite3.Connection) -> bool:
    return _has_table(conn, "territory_metiers")


def metier_counts(
    conn: sqlite3.Connection, scope: str, code: str, romes: Sequence[str] = ()
) -> list[MetierCounts]:
    """Per ROME, the counts of one territory (all its métiers, or those of `romes`)."""
    columns = ", ".join(METIER_COLUMNS)
    rows = _territory_rows(conn, "territory_metiers", "rome", columns, scope, code, romes)
    return [MetierCounts(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class DomainCounts:
    """One ROME professional domain (« D11 ») in one territory; `metiers` is how many of its
    ROME codes have something here; each item counts once however many it carries."""

    domaine: str
    metiers: int
    formations: int
    sessions_12_mois: int
    places: int | None
    offres: int
    partenariats: int
    entreprises: int
    employeurs: int
    formations_sans_employeur: int
    offres_sans_formation: int


def has_domains(conn: sqlite3.Connection) -> bool:
    return _has_table(conn, "territory_domains")


def domain_counts(
    conn: sqlite3.Connection, scope: str, code: str, domains: Sequence[str] = ()
) -> list[DomainCounts]:
    """Per professional domain, the counts of one territory (all, or those of `domains`)."""
    columns = "metiers, " + ", ".join(METIER_COLUMNS)
    rows = _territory_rows(conn, "territory_domains", "domaine", columns, scope, code, domains)
    return [DomainCounts(*row) for row in rows]


def metier_by_territory(
    conn: sqlite3.Connection, scope: str, rome: str
) -> list[tuple[str, MetierCounts]]:
    """One ROME in every territory of `scope` (the map of one métier)."""
    rows = conn.execute(
        f"SELECT code, rome, {', '.join(METIER_COLUMNS)} FROM territory_metiers "
        "WHERE rome = ? AND scope = ? ORDER BY code",
        (rome, scope),
    ).fetchall()
    return [(row[0], MetierCounts(*row[1:])) for row in rows]


def gap_items(
    conn: sqlite3.Connection,
    kind: str,
    departements: Sequence[str],
    romes: Sequence[str] = (),
    *,
    limit: int = 500,
) -> list[GapItem]:
    """An action list over `departements`: the trainings (kind "formation") with no employer
    of their métier within 30 km, or the offers ("offre") with no training within 60 km;
    those with nothing anywhere first, then the farthest."""
    marks = ", ".join("?" for _ in departements)
    where = [f"g.kind = ? AND g.departement IN ({marks})"]
    params: list[object] = [kind, *departements]
    if romes:
        where.append(f"g.rome IN ({', '.join('?' for _ in romes)})")
        params += list(romes)
    rows = conn.execute(
        "SELECT g.kind, g.item_id, g.rome, g.departement, i.title, i.organisation, i.commune, "
        "i.lat, i.lon, g.nearest_km FROM territory_gaps g "
        "JOIN items i ON i.kind = g.kind AND i.id = g.item_id "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY g.nearest_km IS NOT NULL, g.nearest_km DESC, g.rome, g.item_id LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [GapItem(*row) for row in rows]
