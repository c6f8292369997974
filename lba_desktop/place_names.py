"""The place names every map draws offline: communes from the shipped referential, each with
the zoom from which it shows (big towns and préfectures first, never two labels on top of each
other), département names at a point inside each outline, and the outlines themselves."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lba_desktop import paths
from lba_desktop.data.demo_hubs import CHEFS_LIEUX
from lba_desktop.data.referentials import load_communes
from lba_desktop.safe_text import json_in_script

# Label kinds, also their drawing style in the page (map_labels.js) and their priority.
DEPARTEMENT, CITY, PREFECTURE, TOWN, VILLAGE = 0, 1, 2, 3, 4

FIRST_ZOOM = 5  # below it France is a thumbnail: only the outlines
LAST_ZOOM = 14  # deepest offline zoom: every commune has its label by then
DEPARTEMENT_ZOOMS = (7, 10)  # past 10 the name of the département sits in one commune

# (population from which, zoom from which): at a country view a village filling an empty
# valley would outrank nothing yet mislead, so size opens a zoom before room is looked for.
_SIZE_ZOOMS = ((200_000, 5), (50_000, 6), (15_000, 7), (5_000, 8), (1_500, 9), (500, 10),
               (150, 11))  # fmt: skip
# Approximate glyph width (px per character) and line height of each kind's font in the page;
# the page measures the real text and drops what still collides.
_CHAR_PX = {CITY: 8.4, PREFECTURE: 7.6, TOWN: 6.8, VILLAGE: 6.2}
_LINE_PX = {CITY: 18, PREFECTURE: 17, TOWN: 16, VILLAGE: 15}
_GAP_PX = 4  # free space kept around each label


@dataclass(frozen=True, slots=True)
class PlaceLabel:
    name: str
    lat: float
    lon: float
    min_zoom: int
    kind: int
    population: int = 0


@dataclass(frozen=True, slots=True)
class Outline:
    code: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # outer rings, (lon, lat)
    bbox: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


@lru_cache(maxsize=1)
def departement_outlines() -> tuple[Outline, ...]:
    """The départements' outer rings from the shipped GeoJSON (empty if it is missing)."""
    path = paths.resource("geo", "departements.geojson")
    if not path.is_file():
        return ()
    data = json.loads(path.read_text(encoding="utf-8"))
    outlines = []
    for feature in data.get("features", []):
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            continue
        rings = tuple(tuple((p[0], p[1]) for p in poly[0]) for poly in polygons if poly)
        lons = [p[0] for ring in rings for p in ring]
        lats = [p[1] for ring in rings for p in ring]
        props = feature.get("properties") or {}
        outlines.append(
            Outline(
                code=str(props.get("code", "")),
                name=str(props.get("nom", "")),
                rings=rings,
                bbox=(min(lons), min(lats), max(lons), max(lats)),
            )
        )
    return tuple(outlines)


def label_point(outline: Outline) -> tuple[float, float]:
    """(lon, lat) for the name of an outline: the area centroid of its largest ring (the
    mainland, not an island), pulled back inside along its widest row when the centroid
    falls outside (a crescent-shaped département)."""
    ring = max(outline.rings, key=lambda r: abs(_ring_area(r)))
    area = _ring_area(ring)
    if abs(area) < 1e-12:
        return ring[0]
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    cx, cy = cx / (6 * area), cy / (6 * area)
    crossings = sorted(_crossings(ring, cy))
    spans = [(crossings[i], crossings[i + 1]) for i in range(0, len(crossings) - 1, 2)]
    if not spans or any(a <= cx <= b for a, b in spans):
        return cx, cy
    a, b = max(spans, key=lambda s: s[1] - s[0])
    return (a + b) / 2, cy


def _ring_area(ring: tuple[tuple[float, float], ...]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1],
                                                                  strict=True)) / 2  # fmt: skip


def _crossings(ring: tuple[tuple[float, float], ...], y: float) -> list[float]:
    found = []
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 <= y < y1) or (y1 <= y < y0):
            found.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    return found


def _mercator(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator position in [0, 1]² (multiply by 256·2^zoom for pixels)."""
    lat = max(min(lat, 85.0), -85.0)
    s = math.sin(math.radians(lat))
    return (lon + 180.0) / 360.0, 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)


def _kind(population: int, prefecture: bool) -> int:
    if population >= 100_000:
        return CITY
    if prefecture or population >= 20_000:
        return PREFECTURE
    return TOWN if population >= 2_000 else VILLAGE


@lru_cache(maxsize=1)
def place_labels() -> tuple[PlaceLabel, ...]:
    """Every commune and département label, in drawing priority (earlier wins a collision).

    A commune's zoom is the first at which its size allows it and its label box finds room
    among those already shown: boxes keep their size in pixels while distances double with
    each zoom, so a label shown at one zoom still fits at every deeper one."""
    communes = load_communes()
    prefectures = {(d, n) for d, n in CHEFS_LIEUX.items()}
    rows = []
    for c in communes:
        prefecture = (c.departement, c.name) in prefectures
        kind = _kind(c.population, prefecture)
        first = next((z for pop, z in _SIZE_ZOOMS if c.population >= pop), 12)
        if prefecture:
            first = min(first, 6)
        mx, my = _mercator(c.lat, c.lon)
        half_w = (len(c.name) * _CHAR_PX[kind]) / 2 + 4 + _GAP_PX
        height = _LINE_PX[kind] + _GAP_PX
        rows.append((kind, -c.population, first, mx, my, half_w, height, c))
    # Priority within a zoom: préfectures and big towns before villages, then by population.
    rows.sort(key=lambda r: (min(r[0], PREFECTURE), r[1], r[7].insee))
    zooms: list[int | None] = [None] * len(rows)
    for z in range(FIRST_ZOOM, LAST_ZOOM):
        world = 256.0 * (1 << z)
        # Only those whose size allows this zoom, in priority order, with their boxes.
        open_ = [
            (i, (mx * world - hw, my * world - h, mx * world + hw, my * world + 4))
            for i, (_k, _p, first, mx, my, hw, h, _c) in enumerate(rows)
            if first <= z
        ]
        grid = _BoxGrid()
        for i, box in open_:  # those shown already keep their place
            if zooms[i] is not None:
                grid.add(box)
        for i, box in open_:
            if zooms[i] is None and not grid.hits(box):
                grid.add(box)
                zooms[i] = z
    labels = [
        PlaceLabel(c.name, c.lat, c.lon, zooms[i] or LAST_ZOOM, kind, c.population)
        for i, (kind, _p, _f, _x, _y, _w, _h, c) in enumerate(rows)
    ]
    depts = [
        PlaceLabel(o.name, lat, lon, DEPARTEMENT_ZOOMS[0], DEPARTEMENT)
        for o in departement_outlines()
        for lon, lat in [label_point(o)]
    ]
    # A zoom's département names before its communes, then big towns before villages.
    everything = labels + depts
    everything.sort(key=lambda p: (p.min_zoom, p.kind != DEPARTEMENT, min(p.kind, PREFECTURE),
                                   -p.population, p.name))  # fmt: skip
    return tuple(everything)


class _BoxGrid:
    """Boxes filed in every grid cell they touch, for overlap tests against few others."""

    CELL = 160.0

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def _span(self, box: tuple[float, float, float, float]) -> tuple[range, range]:
        c = self.CELL
        return range(int(box[0] // c), int(box[2] // c) + 1), range(
            int(box[1] // c), int(box[3] // c) + 1
        )

    def add(self, box: tuple[float, float, float, float]) -> None:
        cols, lines = self._span(box)
        cells = self._cells
        for i in cols:
            for j in lines:
                cells.setdefault((i, j), []).append(box)

    def hits(self, box: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = box
        cols, lines = self._span(box)
        cells = self._cells
        for i in cols:
            for j in lines:
                for o in cells.get((i, j), ()):
                    if x0 < o[2] and o[0] < x1 and y0 < o[3] and o[1] < y1:
                        return True
        return False


def labels_around(points: list[tuple[float, float]], *, margin: float = 1.0) -> list[PlaceLabel]:
    """For a page that carries only its area (an export): the labels within `margin` degrees
    of the (lat, lon) points, and the country's big names for a view zoomed out."""
    if not points:
        return [p for p in place_labels() if p.min_zoom <= 7]
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    s, n = min(lats) - margin * 0.7, max(lats) + margin * 0.7
    w, e = min(lons) - margin, max(lons) + margin
    return [p for p in place_labels() if p.min_zoom <= 7 or (s <= p.lat <= n and w <= p.lon <= e)]


def labels_json(labels: Sequence[PlaceLabel]) -> str:
    """The labels for map_labels.js, as rows [name, lat, lon, zoom, kind], written to sit
    inside a <script> element (names are data: escaped on the way, drawn as text)."""
    rows: list[list[Any]] = [
        [p.name, round(p.lat, 4), round(p.lon, 4), p.min_zoom, p.kind] for p in labels
    ]
    return json_in_script(rows)


def labels_script() -> str:
    """The page code that draws the labels, the search centre and the home (one file shared
    by the window's map, the HTML export and the widget)."""
    return paths.resource("map", "map_labels.js").read_text(encoding="utf-8")


def labels_css() -> str:
    """The labels' and pins' style sheet, shared like `labels_script`."""
    return paths.resource("map", "map_labels.css").read_text(encoding="utf-8")
