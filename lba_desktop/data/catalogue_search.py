"""How a search reads the catalogue: the items nearest a point, ranked by exact great-circle
distance, through the ROME index, or the full-text index read over the rowid ranges of the
area's map cells, or the points of those cells.

Every position is indexed with its unit vector (x, y, z; in `item_romes` and `item_points`):
the squared chord between two unit vectors grows with the great-circle distance, so plain SQL
arithmetic ranks exactly, with no trigonometry per row. Boxes only prefilter (they hold every
point of their circle); the decision, distance and cap, is taken on the exact figures.

An area without a radius (France, a département, a région) is read in growing circles around
its centre: once a circle holds `limit` items, nothing outside it can be nearer, so most
searches never read the whole country.
"""

from __future__ import annotations

import bisect
import json
import math
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from lba_desktop.data.catalogue_schema import band_of, lon_cell_of
from lba_desktop.geo import EARTH_RADIUS_KM, distance_km
from lba_desktop.models import Item, Kind

Box = tuple[float, float, float, float]  # min_lat, max_lat, min_lon, max_lon

# Rows ranked beyond `limit`, so that ties and rounding at the cap are decided exactly.
_SLACK = 32
# Relative margin between the SQL figure and the exact one: far above rounding (1e-16),
# far below any real difference of distance.
_MARGIN = 1e-9
# Circles tried around the centre of an area without a radius (km); the last step reads the
# area whole (its box for départements, everything for France).
_FIRST_CIRCLE_KM = 12.5
_LAST_CIRCLE_KM = 400.0  # its box is most of mainland France
# A typed word standing for more index terms than this is matched as a prefix by FTS itself.
_MAX_TERMS_PER_WORD = 200
# Term seeks (terms × rowid ranges) above which a search reads the country's matches once.
_MAX_TERM_READS = 64


@dataclass(frozen=True, slots=True)
class Area:
    """Where to look: a circle around a point, or a set of départements, or everywhere.

    Without a radius, items are ranked by their distance from the centre."""

    centre_lat: float
    centre_lon: float
    radius_km: float | None = None  # None: no distance limit
    departements: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ItemFilter:
    """What an item must be to be found (all applied before the cap)."""

    kind: Kind
    romes: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # folded words; each must start a word of the item
    diploma_level: int | None = None
    opco: str = ""
    handi_friendly_only: bool = False
    rncp: str = ""  # trainings of this RNCP certification only (item_rncp)
    valid_on: str = ""  # ISO date: offers whose publication ended before it are left out


# --- Geometry ----------------------------------------------------------------------------


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    p, la = math.radians(lat), math.radians(lon)
    return (math.cos(p) * math.cos(la), math.cos(p) * math.sin(la), math.sin(p))


def chord2_of_km(distance: float) -> float:
    """The squared chord between unit vectors `distance` km apart on the sphere."""
    return (2 * math.sin(min(distance / EARTH_RADIUS_KM, math.pi) / 2)) ** 2


def box_around(lat: float, lon: float, radius_km: float) -> Box | None:
    """The latitude/longitude box that holds every point within `radius_km` of the centre;
    None when it would reach a pole or cross the ±180° meridian (read everything then)."""
    rho = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(rho)
    if abs(lat) + dlat >= 89.0:
        return None
    # The widest longitude of a spherical cap: wider than radius / cos(latitude).
    dlon = math.degrees(math.asin(min(1.0, math.sin(rho) / math.cos(math.radians(lat)))))
    edge = 1e-7  # degrees (1 cm): float rounding never cuts an item on the edge
    box = (lat - dlat - edge, lat + dlat + edge, lon - dlon - edge, lon + dlon + edge)
    if box[2] < -180.0 or box[3] > 180.0 or dlon >= 90.0:
        return None
    return box


def _contains(outer: Box, inner: Box) -> bool:
    return (
        outer[0] <= inner[0]
        and inner[1] <= outer[1]
        and outer[2] <= inner[2]
        and inner[3] <= outer[3]
    )


def _chord2_sql(table: str) -> str:
    x, y, z = f"{table}x", f"{table}y", f"{table}z"
    return f"(({x} - ?) * ({x} - ?) + ({y} - ?) * ({y} - ?) + ({z} - ?) * ({z} - ?))"


def _chord2_params(area: Area) -> list[float]:
    x, y, z = unit_vector(area.centre_lat, area.centre_lon)
    return [x, x, y, y, z, z]


def _level_condition(kind: Kind, column: str) -> str:
    if kind is Kind.FORMATION:
        return f"{column} = ?"
    # An offer open to any level ("Indifférent") matches every requested level.
    return f"({column} = ? OR {column} IS NULL)"


def expired(item: Item, today: str) -> bool:
    """An offer whose publication ended since the sync is no longer shown (ISO dates compare
    as text; an unreadable one reads as unknown, so the offer stays)."""
    if not today or item.kind is Kind.FORMATION or item.kind is Kind.ENTREPRISE:
        return False
    raw = getattr(item.details, "raw", None)
    if raw is not None and '"expiration"' not in raw:
        return False  # stored details without the key: no need to decode them
    expiration = (item.details or {}).get("expiration")
    if not isinstance(expiration, str) or len(expiration) < 10 or expiration[4] != "-":
        return False
    return expiration[:10] < today


# --- The search --------------------------------------------------------------------------

Ranked = list[tuple[int, float]]  # (rowid, squared chord), nearest first
Fetch = Callable[[Sequence[int]], dict[int, Item]]


class NearestSearch:
    """The nearest items of one kind: ranks rowids in SQL, decides on exact distances.

    `conn` is used under the caller's lock; `fetch` reads items by rowid (with its cache)."""

    def __init__(self, conn: sqlite3.Connection, fetch: Fetch) -> None:
        self.conn = conn
        self.fetch = fetch
        self._cells: dict[str, tuple[list[int], list[int], list[int]]] | None = None
        self._extents: dict[str, Box] | None = None
        self._terms: dict[str, tuple[str, ...] | None] = {}
        self._last_matches: tuple[str, list[int]] = ("", [])

    def nearest(self, area: Area, flt: ItemFilter, limit: int) -> list[tuple[Item, float]]:
        """Up to `limit` items matching `flt` in `area`, nearest first (ties by id), each with
        its great-circle distance in km from the area's centre."""
        if limit <= 0:
            return []
        last_box: Box | None
        if area.radius_km is not None:
            radius: float | None = float(area.radius_km)
            last_box = box_around(*_centre(area), float(area.radius_km))
            # In a dense place the nearest `limit` items often lie in a much smaller circle.
            circle, widest = float(area.radius_km) / 4, float(area.radius_km)
        else:
            radius = None
            last_box = self._extent_of(area.departements) if area.departements else None
            if area.departements and last_box is None:
                return []  # no item in these départements has a position
            circle, widest = _FIRST_CIRCLE_KM, _LAST_CIRCLE_KM
        while circle < widest:
            box = box_around(*_centre(area), circle)
            if box is None or (last_box is not None and _contains(box, last_box)):
                break  # this circle reads as much as the last step
            found, count = self._within(area, flt, limit, circle, box)
            if found is not None:
                return found
            # Fewer than `limit` inside: the next circle should hold them at the same density
            # (at least twice as wide, so that a sparse area is soon read whole).
            circle = max(2 * circle, circle * math.sqrt(limit / max(count, 1)) * 1.2)
        found, _count = self._within(area, flt, limit, radius, last_box, final=True)
        assert found is not None
        return found

    def _within(
        self,
        area: Area,
        flt: ItemFilter,
        limit: int,
        circle: float | None,
        box: Box | None,
        *,
        final: bool = False,
    ) -> tuple[list[tuple[Item, float]] | None, int]:
        """The `limit` nearest within `circle` (km, None: anywhere in `box`), or None and the
        count found when the circle holds fewer and is not the last step."""
        asked = limit + _SLACK
        while True:
            ranked, complete = self._rank(area, flt, circle, box, asked)
            if complete and not final and len(ranked) < limit:
                return None, len(ranked)  # too few, whatever they are: no need to read them
            if not complete:
                # Rows not returned rank at or beyond the last one: keep only those surely
                # before it, the others are decided with a longer list.
                boundary = ranked[-1][1] * (1 - _MARGIN)
                ranked = [row for row in ranked if row[1] < boundary]
            kept = self._decide(area, flt, limit, circle, ranked)
            if len(kept) >= limit:
                return kept[:limit], len(kept)
            if complete:
                return (kept if final else None), len(kept)
            asked *= 4

    def _decide(
        self, area: Area, flt: ItemFilter, limit: int, circle: float | None, ranked: Ranked
    ) -> list[tuple[Item, float]]:
        """The exact answer among `ranked` (every candidate ranking before the others): items
        read for the first `limit` and whatever ties with them, more if some drop out."""
        lat0, lon0 = _centre(area)
        head = len(ranked) if len(ranked) <= limit else limit
        if head < len(ranked):
            edge = ranked[head - 1][1] * (1 + _MARGIN) + 1e-18
            while head < len(ranked) and ranked[head][1] <= edge:
                head += 1
        kept: list[tuple[float, str, Item]] = []
        for part in (ranked[:head], ranked[head:]):
            if not part or len(kept) >= limit:
                break
            items = self.fetch([rowid for rowid, _c2 in part])
            for rowid, _c2 in part:
                item = items[rowid]
                d = distance_km(lat0, lon0, item.lat, item.lon)  # type: ignore[arg-type]
                if circle is not None and d > circle:
                    continue
                if expired(item, flt.valid_on):
                    continue
                kept.append((d, item.id, item))
        kept.sort()  # ids are unique within a kind: items themselves are never compared
        return [(item, d) for d, _id, item in kept]

    # -- ranking in SQL

    def _rank(
        self, area: Area, flt: ItemFilter, circle: float | None, box: Box | None, n: int
    ) -> tuple[Ranked, bool]:
        """The first `n` candidates by squared chord then rowid, and whether there are no more."""
        if flt.words:
            ranked = self._rank_text(area, flt, circle, box, n)
        elif flt.romes:
            return self._rank_rome(area, flt, circle, box, n)
        else:
            ranked = self._rank_place(area, flt, circle, box, n)
        return ranked, len(ranked) < n

    def _rank_rome(
        self, area: Area, flt: ItemFilter, circle: float | None, box: Box | None, n: int
    ) -> tuple[Ranked, bool]:
        """On the covering ROME index alone: no row of `items` is read to rank."""
        c2 = _chord2_sql("")
        marks = ", ".join("?" for _ in flt.romes)
        where = [f"rome IN ({marks})", "kind = ?"]
        params: list[Any] = [*flt.romes, flt.kind.value]
        if box:
            bands = _bands(box)
            where.append(
                f"band IN ({', '.join('?' for _ in bands)}) "
                "AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?"
            )
            params += [*bands, box[2], box[3], box[0], box[1]]
        where, params = self._common(area, flt, circle, "", where, params)
        # An item listed under several of the requested codes comes once per code, its rows
        # side by side (same figure, same rowid): `n` items are within n × codes rows, and
        # keeping the first of each is cheaper than a GROUP BY over every row of the box.
        rows_wanted = n * len(flt.romes)
        sql = (
            f"SELECT item, {c2} AS d2 FROM item_romes WHERE {' AND '.join(where)} "
            "ORDER BY d2, item LIMIT ?"
        )
        rows = self.conn.execute(sql, [*_chord2_params(area), *params, rows_wanted]).fetchall()
        ranked = list(dict.fromkeys(rows)) if len(flt.romes) > 1 else rows
        return ranked[:n], len(rows) < rows_wanted and len(ranked) <= n

    def _rank_text(
        self, area: Area, flt: ItemFilter, circle: float | None, box: Box | None, n: int
    ) -> Ranked:
        """Full-text matches read only over the rowids of the area's map cells (items are
        stored by kind and cell, so a box is one rowid range per latitude band)."""
        match = self._match(flt.words)
        if match is None:
            return []
        expression, terms = match
        ranges = self._rowid_ranges(flt.kind, box)
        if not ranges:
            return []
        if terms * len(ranges) <= _MAX_TERM_READS:
            # Each range costs a seek per term: cheap for a word or two with few terms.
            sub = " UNION ALL ".join(
                "SELECT rowid FROM items_fts WHERE items_fts MATCH ? AND rowid BETWEEN ? AND ?"
                for _ in ranges
            )
            sub_params: list[Any] = [v for r in ranges for v in (expression, *r)]
        else:
            # Many terms: the country's matches are read once for the whole search, and each
            # kind and circle takes those in its ranges.
            matches = self._matches_of(expression)
            chosen = [
                rowid
                for first, last in ranges
                for rowid in matches[
                    bisect.bisect_left(matches, first) : bisect.bisect_right(matches, last)
                ]
            ]
            if not chosen:
                return []
            sub, sub_params = "SELECT value FROM json_each(?)", [json.dumps(chosen)]
        where = [f"p.item IN ({sub})", "p.kind = ?"]
        params: list[Any] = [*sub_params, flt.kind.value]
        if flt.romes:
            romes = "(SELECT romes FROM items WHERE rowid = p.item)"
            where.append(
                "(" + " OR ".join(f"instr(' ' || {romes} || ' ', ?) > 0" for _ in flt.romes) + ")"
            )
            params += [f" {code} " for code in flt.romes]
        return self._rank_points(area, flt, circle, box, n, where, params)

    def _rank_place(
        self, area: Area, flt: ItemFilter, circle: float | None, box: Box | None, n: int
    ) -> Ranked:
        """Everything of a kind around a point: the points of the box's rowid ranges."""
        ranges = self._rowid_ranges(flt.kind, box)
        if not ranges:
            return []
        where = [
            "(" + " OR ".join("p.item BETWEEN ? AND ?" for _ in ranges) + ")",
            "p.kind = ?",
        ]
        params: list[Any] = [*(v for r in ranges for v in r), flt.kind.value]
        return self._rank_points(area, flt, circle, box, n, where, params)

    def _rank_points(
        self,
        area: Area,
        flt: ItemFilter,
        circle: float | None,
        box: Box | None,
        n: int,
        where: list[str],
        params: list[Any],
    ) -> Ranked:
        """Rank candidates on `item_points`: a few dozen bytes per item, where `items` rows
        are a kilobyte or more."""
        if box:
            where = [*where, "p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ?"]
            params = [*params, *box]
        where, params = self._common(area, flt, circle, "p.", where, params)
        c2 = _chord2_sql("p.")
        sql = (
            f"SELECT p.item, {c2} AS d2 FROM item_points p WHERE {' AND '.join(where)} "
            "ORDER BY d2, p.item LIMIT ?"
        )
        return self.conn.execute(sql, [*_chord2_params(area), *params, n]).fetchall()

    @staticmethod
    def _common(
        area: Area,
        flt: ItemFilter,
        circle: float | None,
        table: str,
        where: list[str],
        params: list[Any],
    ) -> tuple[list[str], list[Any]]:
        """The conditions every index carries: circle, départements, level, OPCO, handi,
        certification."""
        where, params = list(where), list(params)
        if circle is not None:
            where.append(f"{_chord2_sql(table)} <= ?")
            params += [*_chord2_params(area), chord2_of_km(circle) * (1 + _MARGIN) + 1e-18]
        if area.departements:
            marks = ", ".join("?" for _ in area.departements)
            where.append(f"{table}departement IN ({marks})")
            params += list(area.departements)
        if flt.diploma_level is not None:
            where.append(_level_condition(flt.kind, f"{table}diploma_level"))
            params.append(flt.diploma_level)
        if flt.opco and flt.kind is not Kind.FORMATION:  # an OPCO funds employers, not CFAs
            where.append(f"{table}opco = ? COLLATE NOCASE")
            params.append(flt.opco)
        if flt.handi_friendly_only:
            where.append(f"{table}handi_friendly = 1")
        if flt.rncp:
            rowid = f"{table}rowid" if table else "item"  # the ROME index names it `item`
            where.append(f"{rowid} IN (SELECT item FROM item_rncp WHERE rncp = ?)")
            params.append(flt.rncp)
        return where, params

    # -- what the area and the words stand for in the indexes

    def _rowid_ranges(self, kind: Kind, box: Box | None) -> list[tuple[int, int]]:
        cells, firsts, lasts = self._cells_of(kind)
        if not cells:
            return []
        if box is None:
            return [(min(firsts), max(lasts))]
        lo_cell, hi_cell = lon_cell_of(box[2]), lon_cell_of(box[3])
        ranges = []
        for band in _bands(box):
            start = bisect.bisect_left(cells, band * 2000 + lo_cell)
            end = bisect.bisect_right(cells, band * 2000 + hi_cell)
            if start < end:
                ranges.append((min(firsts[start:end]), max(lasts[start:end])))
        return ranges

    def _cells_of(self, kind: Kind) -> tuple[list[int], list[int], list[int]]:
        if self._cells is None:
            cells: dict[str, tuple[list[int], list[int], list[int]]] = {
                k.value: ([], [], []) for k in Kind
            }
            rows = self.conn.execute(
                "SELECT kind, cell, first, last FROM item_cells ORDER BY kind, cell"
            )
            for kind_value, cell, first, last in rows:
                if kind_value in cells:
                    lists = cells[kind_value]
                    lists[0].append(cell)
                    lists[1].append(first)
                    lists[2].append(last)
            self._cells = cells
        return self._cells[kind.value]

    def _extent_of(self, departements: Sequence[str]) -> Box | None:
        if self._extents is None:
            self._extents = {
                dep: (a, b, c, d)
                for dep, a, b, c, d in self.conn.execute(
                    "SELECT departement, min_lat, max_lat, min_lon, max_lon "
                    "FROM departement_extents"
                )
            }
        boxes = [self._extents[d] for d in departements if d in self._extents]
        if not boxes:
            return None
        return (
            min(b[0] for b in boxes),
            max(b[1] for b in boxes),
            min(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def _match(self, words: Sequence[str]) -> tuple[str, int] | None:
        """An FTS5 expression where each word stands for the index terms it starts (read in
        `item_terms`), with the number of terms: exact terms are read over a rowid range
        without loading their whole doclists, as a prefix query would. None when a word
        starts no term at all."""
        groups, count = [], 0
        for word in words:
            spellings = ligature_spellings(word)
            found = [self._terms_of(w) for w in spellings]
            if any(terms is None for terms in found):
                # Too many terms: FTS merges them itself.
                groups.append("(" + " OR ".join(f'"{w}"*' for w in spellings) + ")")
                count += _MAX_TERMS_PER_WORD
                continue
            terms = [t for ts in found for t in ts or ()]
            if not terms:
                return None
            groups.append("(" + " OR ".join(f'"{t}"' for t in terms) + ")")
            count += len(terms)
        return " AND ".join(groups), count

    def _matches_of(self, expression: str) -> list[int]:
        """Every rowid matching `expression`, in order; kept for the search being answered
        (its kinds and circles ask again)."""
        if self._last_matches[0] != expression:
            rows = self.conn.execute(
                "SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid", (expression,)
            ).fetchall()
            self._last_matches = (expression, [rowid for (rowid,) in rows])
        return self._last_matches[1]

    def _terms_of(self, word: str) -> tuple[str, ...] | None:
        if word not in self._terms:
            upper = word[:-1] + chr(ord(word[-1]) + 1)
            rows = self.conn.execute(
                "SELECT term FROM item_terms WHERE term >= ? AND term < ? LIMIT ?",
                (word, upper, _MAX_TERMS_PER_WORD + 1),
            ).fetchall()
            terms = tuple(t for (t,) in rows if t.startswith(word) and '"' not in t)
            if len(self._terms) > 10_000:
                self._terms.clear()
            self._terms[word] = None if len(rows) > _MAX_TERMS_PER_WORD else terms
        return self._terms[word]


def ligature_spellings(word: str) -> list[str]:
    """A folded word as the index may hold it: FTS5 keeps « œ » and « æ » as letters while a
    query folds them to « oe », « ae », so « oenologie » must also look for « œnologie »."""
    spellings = [word]
    for plain, ligature in (("oe", "œ"), ("ae", "æ")):
        if plain in word:
            spellings += [s.replace(plain, ligature) for s in spellings]
    return spellings


def _centre(area: Area) -> tuple[float, float]:
    return area.centre_lat, area.centre_lon


def _bands(box: Box) -> list[int]:
    return list(range(band_of(box[0]), band_of(box[1]) + 1))
