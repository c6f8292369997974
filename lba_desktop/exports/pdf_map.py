"""The map of the PDF hand-out: département outlines, place names from the shipped referential
(as on screen: by size for the scale, never one over another), the home's star with its name,
the numbered items over them, and a scale bar in km."""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from fpdf.enums import TextMode
from PIL import Image

from lba_desktop.exports.common import Handout
from lba_desktop.map_background import Background, background
from lba_desktop.place_names import (
    CITY,
    DEPARTEMENT,
    DEPARTEMENT_ZOOMS,
    PREFECTURE,
    TOWN,
    VILLAGE,
    departement_outlines,
    place_labels,
)

if TYPE_CHECKING:
    from lba_desktop.exports.pdf_export import HandoutPdf
    from lba_desktop.map_tiles import TileSource

log = logging.getLogger(__name__)

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in mm

# Sizes in points per kind of name; one millimetre of paper stands for this many screen pixels
# when choosing which names the scale allows (the screen's names are 11–14 px, these 6–8 pt).
LABEL_PT = {DEPARTEMENT: 6.0, CITY: 8.0, PREFECTURE: 7.4, TOWN: 6.6, VILLAGE: 6.0}
LABEL_GREY = {DEPARTEMENT: 120, CITY: 0, PREFECTURE: 20, TOWN: 45, VILLAGE: 70}
PX_PER_MM = 6.0
PT_MM = 0.3528
MAX_NAMES = 300  # a bound on the work, far above what fits
# Tiles printed a little paler, so the black dots and names stay what the eye finds first on
# a black and white printout.
TILE_FADE = 0.25


class Projection:
    """Web Mercator projection of a lon/lat box onto a rectangle of the page: the tiles' own,
    so a cached tile lies exactly under the dots and names."""

    def __init__(self, points: Sequence[tuple[float, float]], *, x: float, y: float, w: float,
                 h: float) -> None:  # fmt: skip
        us = [math.radians(p[0]) for p in points]
        vs = [_mercator(p[1]) for p in points]
        self.u_c = (min(us) + max(us)) / 2
        self.v_c = (min(vs) + max(vs)) / 2
        self.lat_c = math.degrees(math.atan(math.sinh(self.v_c)))
        kx = math.cos(math.radians(self.lat_c))
        # Padding keeps dots off the frame; the minimum span (0.3° of longitude and 0.2° of
        # latitude on the ground) shows a single item in context.
        span_u = max((max(us) - min(us)) * 1.25, math.radians(0.3) / kx)
        span_v = max((max(vs) - min(vs)) * 1.25, math.radians(0.2) / kx)
        self.scale = min(w / span_u, h / span_v)  # mm per radian of Mercator
        self.x, self.y, self.w, self.h = x, y, w, h

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return self.at(math.radians(lon), _mercator(lat))

    def at(self, u: float, v: float) -> tuple[float, float]:
        """The page point of Mercator coordinates (radians)."""
        return (self.x + self.w / 2 + (u - self.u_c) * self.scale,
                self.y + self.h / 2 - (v - self.v_c) * self.scale)  # fmt: skip

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        half_u = self.w / 2 / self.scale
        half_v = self.h / 2 / self.scale
        return (math.degrees(self.u_c - half_u), _latitude(self.v_c - half_v),
                math.degrees(self.u_c + half_u), _latitude(self.v_c + half_v))  # fmt: skip

    def km_per_mm(self) -> float:
        return 6371.0 * math.cos(math.radians(self.lat_c)) / self.scale

    def zoom(self) -> float:
        """The web map's zoom with as many names per area as this scale should carry."""
        return math.log2(self.scale * PX_PER_MM * 2 * math.pi / 256)

    def tile_box(self, z: int, x: int, y: int) -> Box:
        """Where tile (z, x, y) lies on the page."""
        n = 1 << z
        u0, u1 = (2 * math.pi * c / n - math.pi for c in (x, x + 1))
        v0, v1 = (math.pi - 2 * math.pi * r / n for r in (y, y + 1))
        (x0, y0), (x1, y1) = self.at(u0, v0), self.at(u1, v1)
        return x0, y0, x1, y1


def _mercator(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _latitude(v: float) -> float:
    return math.degrees(math.atan(math.sinh(v)))


def draw_map(pdf: HandoutPdf, handout: Handout, *, x: float, y: float, w: float, h: float,
             tiles: TileSource | None = None) -> list[tuple[str, Box]]:  # fmt: skip
    """The map in (x, y, w, h), over the tiles of `tiles` that cover it when there are some;
    returns the place names drawn with their boxes."""
    entries = [(n, e) for n, e in enumerate(handout.entries, 1) if e.has_position]
    person = handout.person
    points = [(e.lon, e.lat) for _, e in entries if e.lon is not None and e.lat is not None]
    home = None
    if person.has_home and person.home_lat is not None and person.home_lon is not None:
        home = (person.home_lon, person.home_lat)
        points.append(home)
    if not points:
        return []
    proj = Projection(points, x=x, y=y, w=w, h=h)
    # Where the home and the dots go is decided first: names then keep clear of them.
    reserved: list[Box] = [(x, y + h - 8, x + 45, y + h)]  # the scale bar
    placed: list[tuple[float, float]] = []
    home_xy = None
    if home is not None:
        home_xy = proj(*home)
        placed.append(home_xy)
        reserved.append((home_xy[0] - 4, home_xy[1] - 4, home_xy[0] + 4, home_xy[1] + 4))
    dots = []
    for n, entry in entries:
        assert entry.lon is not None and entry.lat is not None
        px, py = _spread(proj(entry.lon, entry.lat), placed)
        placed.append((px, py))
        dots.append((n, entry, px, py))
        reserved.append((px - 2.6, py - 2.6, px + 2.6, py + 2.6))
    shown = background(tiles, proj.bbox, math.ceil(proj.zoom()))
    highlighted = {e.departement for _, e in entries if e.departement}
    if person.home_departement:
        highlighted.add(person.home_departement)
    with pdf.rect_clip(x, y, w, h):
        pdf.set_fill_color(250)
        pdf.rect(x, y, w, h, style="F")
        pdf.set_line_width(0.25)
        pdf.set_draw_color(110)
        for outline in departement_outlines():
            if not _overlaps(outline.bbox, proj.bbox):
                continue
            pdf.set_fill_color(232 if outline.code in highlighted else 255)
            for ring in outline.rings:
                pdf.polygon([proj(lon, lat) for lon, lat in ring], style="DF")
        if shown is not None:
            _draw_tiles(pdf, proj, shown)
            reserved.append(_attribution(pdf, shown.attribution, x + w, y + h))
        if home_xy is not None:
            _home_name(pdf, home_xy, person.home_label, reserved, (x, y, w, h))
        drawn = _names(pdf, proj, reserved)
        if home_xy is not None:
            pdf.set_fill_color(255)
            pdf.set_draw_color(0)
            pdf.set_line_width(0.5)
            pdf.star(home_xy[0], home_xy[1], 1.6, 4.0, 5, rotate_degrees=-90, style="DF")
        _scale_bar(pdf, proj, x=x + 3, y=y + h - 4)
        # A parcours: a dashed line from its training to its employer, under the badges.
        at = {entry.id: (px, py) for _, entry, px, py in dots}
        pdf.set_draw_color(40)
        pdf.set_line_width(0.45)
        with pdf.local_context():
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
            for line in handout.pairs:
                assert line.employer is not None
                ends = at.get(line.entry.id), at.get(line.employer.id)
                if ends[0] is not None and ends[1] is not None:
                    pdf.line(*ends[0], *ends[1])
        for n, entry, px, py in dots:  # over everything: what the sheet is about
            badge(pdf, px, py, n, filled=entry.available, radius=2.4, size=7)
    pdf.set_line_width(0.4)
    pdf.set_draw_color(0)
    pdf.rect(x, y, w, h)
    return drawn


def _draw_tiles(pdf: HandoutPdf, proj: Projection, shown: Background) -> None:
    """The tiles over the outlines (which stay visible where a tile is missing)."""
    for (tx, ty), data in shown.tiles.items():
        try:
            with Image.open(io.BytesIO(data)) as raw:
                tile = Image.blend(raw.convert("RGB"), Image.new("RGB", raw.size, "white"),
                                   TILE_FADE)  # fmt: skip
        except (OSError, ValueError) as exc:  # a damaged tile in the cache: left out
            log.debug("Tuile illisible ignorée : %s", type(exc).__name__)
            continue
        x0, y0, x1, y1 = proj.tile_box(shown.zoom, tx, ty)
        # A hair wider than exact, so no white seam shows between two tiles.
        pdf.image(tile, x=x0, y=y0, w=x1 - x0 + 0.05, h=y1 - y0 + 0.05)


def _attribution(pdf: HandoutPdf, text: str, right: float, bottom: float) -> Box:
    """The provider's credit in the bottom right corner; returns the box it takes."""
    label = pdf.txt(text)
    pdf.font(5.5)
    tw = pdf.get_string_width(label) + 2
    box = (right - tw, bottom - 3.2, right, bottom)
    pdf.set_fill_color(255)
    pdf.rect(box[0], box[1], tw, 3.2, style="F")
    pdf.set_text_color(60)
    pdf.text(box[0] + 1, bottom - 0.9, label)
    pdf.set_text_color(0)
    return box


def _halo_text(pdf: HandoutPdf, x: float, y: float, text: str, grey: int) -> None:
    """Text on a white halo, so a line of an outline under it does not cut it."""
    with pdf.local_context(text_mode=TextMode.STROKE, line_width=0.7, draw_color=255):
        pdf.text(x, y, text)
    with pdf.local_context(text_color=grey):
        pdf.text(x, y, text)


def _home_name(pdf: HandoutPdf, at: tuple[float, float], label: str, reserved: list[Box],
               frame: Box) -> None:  # fmt: skip
    """« Domicile : … » beside the star: right of it, else left, below or above, wherever it
    covers no dot and stays inside the frame (right if nowhere)."""
    text = pdf.txt(f"Domicile : {label}" if label else "Domicile")[:60]
    pdf.font(7.4, bold=True)
    tw = pdf.get_string_width(text)
    hx, hy = at
    choices = [(hx + 3.2, hy + 0.9), (hx - 3.2 - tw, hy + 0.9), (hx - tw / 2, hy + 5.6),
               (hx - tw / 2, hy - 4.0)]  # fmt: skip
    fx0, fy0, fx1, fy1 = (
        frame[0] + 1,
        frame[1] + 1,
        frame[0] + frame[2] - 1,
        frame[1] + frame[3] - 1,
    )
    others = [r for r in reserved if not (r[0] <= hx <= r[2] and r[1] <= hy <= r[3])]
    chosen = choices[0]
    for tx, ty in choices:
        box = (tx - 0.6, ty - 3.1, tx + tw + 0.6, ty + 0.6)
        inside = fx0 <= box[0] and fy0 <= box[1] and box[2] <= fx1 and box[3] <= fy1
        if inside and not any(_overlaps(box, r) for r in others):
            chosen = (tx, ty)
            break
    tx, ty = chosen
    reserved.append((tx - 0.6, ty - 3.1, tx + tw + 0.6, ty + 0.6))
    _halo_text(pdf, tx, ty, text, 0)
    pdf.set_text_color(0)


def _names(pdf: HandoutPdf, proj: Projection, reserved: list[Box]) -> list[tuple[str, Box]]:
    """Place names for this scale, in the referential's priority, each only where it
    covers no other name, no dot and nothing reserved; returns them with their boxes."""
    zoom = math.floor(proj.zoom() + 1e-6)
    west, south, east, north = proj.bbox
    x0, y0 = proj.x + 1, proj.y + 1
    x1, y1 = proj.x + proj.w - 1, proj.y + proj.h - 1
    boxes = list(reserved)
    drawn: list[tuple[str, Box]] = []
    for place in place_labels():
        if len(drawn) >= MAX_NAMES:
            break
        if place.min_zoom > zoom or not (south <= place.lat <= north and west <= place.lon <= east):
            continue
        if place.kind == DEPARTEMENT and not DEPARTEMENT_ZOOMS[0] <= zoom <= DEPARTEMENT_ZOOMS[1]:
            continue
        px, py = proj(place.lon, place.lat)
        text = pdf.txt(place.name.upper() if place.kind == DEPARTEMENT else place.name)
        size = LABEL_PT[place.kind]
        pdf.font(size, bold=place.kind in (CITY, PREFECTURE))
        tw = pdf.get_string_width(text)
        th = size * PT_MM * 0.75  # capital height, about
        # (text's left, baseline): a département's name centred on its point; a town's
        # above its dot, else below or right of it (a numbered dot often sits on a town).
        if place.kind == DEPARTEMENT:
            spots = [(px - tw / 2, py + th / 2)]
        else:
            spots = [(px - tw / 2, py - 1.0), (px - tw / 2, py + th + 1.2), (px + 1.2, py + th / 2),
                     (px - tw / 2, py - 3.2), (px - tw / 2, py + th + 3.2)]  # fmt: skip
        for tx, ty in spots:
            box = (tx - 0.4, ty - th - 0.4, tx + tw + 0.4, ty + 0.6)
            inside = x0 <= box[0] and y0 <= box[1] and box[2] <= x1 and box[3] <= y1
            if inside and not any(_overlaps(box, other) for other in boxes):
                break
        else:
            continue
        boxes.append(box)
        drawn.append((place.name, box))
        if place.kind != DEPARTEMENT:
            pdf.set_fill_color(70)
            pdf.ellipse(px - 0.35, py - 0.35, 0.7, 0.7, style="F")
        _halo_text(pdf, tx, ty, text, LABEL_GREY[place.kind])
    pdf.set_text_color(0)
    return drawn


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _spread(point: tuple[float, float], placed: Iterable[tuple[float, float]]
            ) -> tuple[float, float]:  # fmt: skip
    """Move a dot that would cover another one (same address) onto a small ring around it."""
    placed = list(placed)
    px, py = point
    for step in range(12):
        if all(math.hypot(px - qx, py - qy) >= 4.6 for qx, qy in placed):
            return px, py
        angle = math.radians(60 * step - 30)
        radius = 5.0 * (1 + step // 6)
        px, py = point[0] + radius * math.cos(angle), point[1] + radius * math.sin(angle)
    return px, py


def badge(pdf: HandoutPdf, cx: float, cy: float, number: int, *, filled: bool, radius: float,
          size: float) -> None:  # fmt: skip
    """A numbered dot: black with a white number, or hollow for an item no longer available."""
    pdf.set_line_width(0.35)
    pdf.set_draw_color(0)
    pdf.set_fill_color(0 if filled else 255)
    pdf.ellipse(cx - radius, cy - radius, 2 * radius, 2 * radius, style="DF")
    pdf.set_text_color(255 if filled else 0)
    pdf.font(size if number < 10 else size * 0.8, bold=True)
    pdf.set_xy(cx - radius, cy - radius)
    pdf.cell(2 * radius, 2 * radius, str(number), align="C")
    pdf.set_text_color(0)


def _scale_bar(pdf: HandoutPdf, proj: Projection, *, x: float, y: float) -> None:
    km_per_mm = proj.km_per_mm()
    target = proj.w / 5 * km_per_mm
    length_km = max((s for s in (0.5, 1, 2, 5, 10, 20, 50, 100, 200) if s <= target), default=0.5)
    length = length_km / km_per_mm
    label = pdf.txt(f"{length_km:g} km".replace(".", ","))
    pdf.font(6.5)
    pdf.set_fill_color(255)
    pdf.rect(x - 1, y - 3.6, length + pdf.get_string_width(label) + 4, 5, style="F")
    pdf.set_line_width(0.5)
    pdf.set_draw_color(0)
    pdf.line(x, y, x + length, y)
    pdf.line(x, y - 1, x, y + 0.5)
    pdf.line(x + length, y - 1, x + length, y + 0.5)
    pdf.set_xy(x + length + 1, y - 2.4)
    pdf.cell(pdf.get_string_width(label) + 1, 3, label)
