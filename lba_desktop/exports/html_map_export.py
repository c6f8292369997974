"""A shortlist as one self-contained HTML file: an offline Leaflet map and the list of items."""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any

import folium
import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet
from branca.element import Element, MacroElement
from jinja2 import Template

from lba_desktop.exports.common import (
    FICTITIOUS_FR,
    UNAVAILABLE_FR,
    Handout,
    diploma_fr,
    distance_fr,
    french_date,
    phone_fr,
    where_fr,
)
from lba_desktop.files import write_file
from lba_desktop.links import mailto_link, tel_link, web_link
from lba_desktop.map_background import export_tiles, fit_zoom, page_tiles, page_views
from lba_desktop.map_page import home_pin
from lba_desktop.map_page_build import add_place_names
from lba_desktop.map_tiles import MB
from lba_desktop.models import HANDI_LABEL
from lba_desktop.people import ShortlistEntry
from lba_desktop.place_names import departement_outlines, labels_around
from lba_desktop.safe_text import html_in_script, json_in_script, shorten

# A field longer than this is cut on the page (the shortlist keeps it whole).
MAX_SHOWN = 2000
# The map tiles a page carries, at most: a few zooms around the items (a few hundred KB
# of Plan IGN each), so the file still goes by e-mail.
EMBEDDED_TILES_MAX_BYTES = 6 * MB
# The map's size on a laptop screen (960 px wide at most, 60 % of a 768 px high window),
# less fit_bounds' padding: the zoom the page opens at follows from it.
VIEW_PX = (900, 400)


def escape(text: str) -> str:
    """Every upstream or typed text of the page: HTML-escaped, also inside folium's
    JavaScript template strings (popups, tooltips), and cut when very long."""
    return html_in_script(shorten(text, MAX_SHOWN))


PAGE_CSS = """
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; margin: 0; color: #111; }
header, main { max-width: 960px; margin: 0 auto; padding: 0 16px; }
h1 { font-size: 1.5em; margin: 16px 0 4px; }
.sub { color: #444; margin: 0 0 12px; }
.folium-map { max-width: 960px; margin: 0 auto; border: 1px solid #999; }
ol.items { padding-left: 0; list-style: none; }
ol.items li { border-bottom: 1px solid #ccc; padding: 10px 0 10px 44px; position: relative; }
.num, .pin { display: inline-flex; align-items: center; justify-content: center;
  width: 24px; height: 24px; border-radius: 50%; background: #111; color: #fff;
  font-weight: bold; font-size: 13px; border: 2px solid #111; box-sizing: border-box; }
.num.gone, .pin.gone { background: #fff; color: #111; }
ol.items .num { position: absolute; left: 6px; top: 10px; }
/* folium sets the map's text to 1rem: popups at 17 px crowd a printed page. */
body .leaflet-container { font: 13px/1.4 "DejaVu Sans", Arial, Helvetica, sans-serif; }
body .leaflet-popup-content { font-size: 13px; margin: 8px 12px; }
.leaflet-popup-content .title { font-size: 14px; }
.gone-label { font-weight: bold; text-transform: uppercase; font-size: .85em; }
.title { font-weight: bold; font-size: 1.1em; }
.meta { color: #333; }
.legend { max-width: 960px; margin: 4px auto 0; padding: 0 16px; font-size: .9em; color: #333; }
.pin.small { width: 18px; height: 18px; font-size: 10px; vertical-align: middle; }
.dash { display: inline-block; width: 28px; border-top: 3px dashed #333; vertical-align: middle; }
@media print { .folium-map { break-inside: avoid; } }
"""


def _inline_assets() -> tuple[str, str]:
    """Leaflet and jQuery (folium popups call `$`) as inline script and style texts."""
    leaflet = Path(xs_leaflet.BASE_DIR)
    js = (leaflet / "leaflet.js").read_text(encoding="utf-8")
    js += "\n" + (Path(xs_jquery.BASE_DIR) / "jquery.min.js").read_text(encoding="utf-8")
    css = (leaflet / "leaflet.css").read_text(encoding="utf-8")
    # Inlined code must not close its own <script> element early.
    return js.replace("</script", "<\\/script"), css


def write_html(handout: Handout, output: Path) -> None:
    write_file(output, render_html(handout).encode("utf-8"), private=True, example="carte.html")


def render_html(handout: Handout) -> str:
    person = handout.person
    numbered = list(enumerate(handout.entries, 1))
    points: list[tuple[float, float]] = [
        (e.lat, e.lon)
        for _, e in numbered
        if e.has_position and e.lat is not None and e.lon is not None
    ]
    if person.has_home and person.home_lat is not None and person.home_lon is not None:
        points.append((person.home_lat, person.home_lon))
    centre = (
        (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
        if points
        else (46.6, 2.4)
    )
    fmap = folium.Map(
        location=centre,
        zoom_start=9 if points else 5,
        tiles=None,
        max_zoom=18,
        height="60vh",
        control_scale=False,  # folium's shows miles too: ours below, in km only
        prefer_canvas=False,
    )
    # Nothing may come from a CDN: Leaflet and jQuery are inlined below, and no folium Icon
    # is used, so Bootstrap and Font Awesome are not needed at all.
    fmap.default_js = []
    fmap.default_css = []
    root = fmap.get_root()
    leaflet_js, leaflet_css = _inline_assets()
    root.header.add_child(Element(f"<style>{leaflet_css}</style>"), name="leaflet_css_inline")
    root.header.add_child(Element(f"<script>{leaflet_js}</script>"), name="leaflet_js_inline")
    root.header.add_child(Element(f"<style>{PAGE_CSS}</style>"), name="page_css")
    root.header.add_child(Element(f"<title>{escape(handout.title_fr)}</title>"), name="title")

    with export_tiles() as source:
        zoom = fit_zoom(points, *VIEW_PX) if len(points) > 1 else 9 if points else 5
        tiles = page_tiles(source, page_views(points, zoom, *VIEW_PX),
                           max_bytes=EMBEDDED_TILES_MAX_BYTES)  # fmt: skip
        attribution = source.provider.attribution if source is not None else ""
    if tiles:
        fmap.add_child(_EmbeddedTiles(fmap.get_name(), tiles, attribution))

    outlines = _outlines_geojson(handout, points)
    # Outlines under the place names, the numbered pins over both.
    folium.map.CustomPane("lbaBase", z_index=250, pointer_events=False).add_to(fmap)
    if outlines["features"]:
        folium.GeoJson(
            outlines,
            name="Départements",
            style_function=_outline_style,
            interactive=False,
            pane="lbaBase",
        ).add_to(fmap)
    add_place_names(fmap, labels_around(points))
    fmap.add_child(_PlaceNames(fmap.get_name(), home_pin(person)))
    notes = handout.pair_notes()
    # A parcours: a dashed line from its training to its employer, under the pins.
    for line in handout.pairs:
        ends = [(e.lat, e.lon) for e in line.entries if e.has_position]
        if len(ends) == 2:
            folium.PolyLine(
                ends, color="#333333", weight=3, dash_array="6 5", opacity=0.8,
                tooltip=escape(f"Parcours : {line.entry.title} + {line.entries[1].title}"),
            ).add_to(fmap)  # fmt: skip
    shifts = _side_by_side(numbered, zoom)
    for number, entry in numbered:
        if not entry.has_position or entry.lat is None or entry.lon is None:
            continue
        gone = "" if entry.available else " gone"
        folium.Marker(
            (entry.lat, entry.lon),
            icon=folium.DivIcon(
                html=f'<div class="pin{gone}">{number}</div>',
                icon_size=(24, 24),
                icon_anchor=(12 - shifts.get(number, 0), 12),
            ),
            popup=folium.Popup(_popup(number, entry, notes.get(entry.id, [])), max_width=320),
            tooltip=escape(f"{number}. {entry.title}"),
        ).add_to(fmap)
    if len(points) > 1:
        lats = [p[0] for p in points]
        lons = [p[1] for p in points]
        fmap.fit_bounds([(min(lats), min(lons)), (max(lats), max(lons))], padding=(30, 30))

    root.html.add_child(Element(_heading(handout)), name="heading", index=0)
    # The map's own element takes this place when it renders (same name): the map under the
    # heading, as on the PDF, rather than after the whole list.
    root.html.add_child(Element(""), name=fmap.get_name())
    if points:
        root.html.add_child(Element(_legend(handout)), name="legend")
    root.html.add_child(Element(_item_list(handout)), name="item_list")
    return root.render()


# Pins this close on the opening map (in pixels) would hide one another: they go side by
# side, this far apart.
PIN_NEAR = 22
PIN_STEP = 26
MERCATOR_MAX_LAT = 85.0511287798


def _side_by_side(numbered: list[tuple[int, ShortlistEntry]], zoom: float) -> dict[int, int]:
    """Number → horizontal shift of its pin, for pins that would cover one another on the
    map as it opens (one address's two trainings, two neighbours); the others stay put."""
    scale = 256 * 2**zoom
    groups: list[tuple[float, float, list[int]]] = []
    for number, entry in numbered:
        if not entry.has_position or entry.lat is None or entry.lon is None:
            continue
        x = (entry.lon + 180) / 360 * scale
        # Web Mercator stops at ±85.05° (a pole would divide by zero): as Leaflet does.
        sin = math.sin(math.radians(max(-MERCATOR_MAX_LAT, min(MERCATOR_MAX_LAT, entry.lat))))
        y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * scale
        for gx, gy, numbers in groups:
            if abs(gx - x) < PIN_NEAR and abs(gy - y) < PIN_NEAR:
                numbers.append(number)
                break
        else:
            groups.append((x, y, [number]))
    shifts: dict[int, int] = {}
    for _x, _y, numbers in groups:
        for k, number in enumerate(numbers):
            shifts[number] = round((k - (len(numbers) - 1) / 2) * PIN_STEP)
    return shifts


def _legend(handout: Handout) -> str:
    parts = []
    if handout.person.has_home:
        parts.append("★ domicile")
    parts.append('<span class="pin small">1</span> piste (numéro de la liste)')
    if any(not e.available for e in handout.entries):
        parts.append(f'<span class="pin small gone">1</span> {UNAVAILABLE_FR.lower()}')
    if handout.pairs:
        parts.append('<span class="dash"></span> parcours (formation + employeur)')
    return f'<p class="legend">{" &nbsp; ".join(parts)}</p>'


class _PlaceNames(MacroElement):
    """Draws the place names, the home pin (« Domicile : … », its ★) and a scale in km once
    the map exists."""

    def __init__(self, map_name: str, home: dict[str, Any] | None) -> None:
        super().__init__()
        self._name = "PlaceNames"
        self.map_name = map_name
        self.home = json_in_script(home)  # a value of the template: never read as Jinja
        self._template = Template(
            "{% macro script(this, kwargs) %}"
            "LbaPlaces.attach({{ this.map_name }}, window.LBA_PLACES)"
            ".setPin('home', {{ this.home }});"
            "L.control.scale({imperial: false}).addTo({{ this.map_name }});"
            "{% endmacro %}"
        )


# A transparent pixel: a tile the page does not carry lets the outlines show.
BLANK_TILE = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


class _EmbeddedTiles(MacroElement):
    """The map tiles the page carries (data: URLs by « z/x/y »), in a pane over the outlines
    and under the names: where a tile is missing the outlines show through."""

    def __init__(self, map_name: str, tiles: dict[tuple[int, int, int], bytes],
                 attribution: str) -> None:  # fmt: skip
        super().__init__()
        self._name = "EmbeddedTiles"
        self.map_name = map_name
        zooms = sorted({z for z, _x, _y in tiles})
        self.tiles = json_in_script({f"{z}/{x}/{y}": _data_url(data)
                                     for (z, x, y), data in tiles.items()})  # fmt: skip
        # Beyond the zooms carried, Leaflet stretches the nearest ones rather than nothing.
        options = {"minNativeZoom": zooms[0], "maxNativeZoom": zooms[-1], "maxZoom": 18}
        options |= {"pane": "lbaTiles", "attribution": escape(attribution)}
        self.options = json_in_script(options)
        self._template = Template(
            "{% macro script(this, kwargs) %}"
            "(function (map, tiles, options) {"
            "  map.createPane('lbaTiles').style.zIndex = 260;"
            "  var Embedded = L.TileLayer.extend({getTileUrl: function (c) {"
            "    return tiles[c.z + '/' + c.x + '/' + c.y] || '" + BLANK_TILE + "'; }});"
            "  new Embedded('', options).addTo(map);"
            "})({{ this.map_name }}, {{ this.tiles }}, {{ this.options }});"
            "{% endmacro %}"
        )


def _data_url(data: bytes) -> str:
    mime = "image/jpeg" if data.startswith(b"\xff\xd8") else "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _outline_style(feature: dict[str, Any]) -> dict[str, Any]:
    highlighted = feature["properties"].get("highlighted")
    return {
        "color": "#666",
        "weight": 1.2,
        "fillColor": "#e6e6e6" if highlighted else "#ffffff",
        "fillOpacity": 1.0,
    }


def _outlines_geojson(handout: Handout, points: list[tuple[float, float]]) -> dict[str, Any]:
    """The départements of the items and home, plus their neighbours in view (as background:
    the export must draw something without online tiles)."""
    if not points:
        return {"type": "FeatureCollection", "features": []}
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    view = (min(lons) - 0.6, min(lats) - 0.4, max(lons) + 0.6, max(lats) + 0.4)
    highlighted = {e.departement for e in handout.entries if e.departement}
    if handout.person.home_departement:
        highlighted.add(handout.person.home_departement)
    features = []
    for outline in departement_outlines():
        b = outline.bbox
        if not (b[0] <= view[2] and view[0] <= b[2] and b[1] <= view[3] and view[1] <= b[3]):
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": outline.code,
                    "nom": f"{outline.name} ({outline.code})",
                    "highlighted": outline.code in highlighted,
                },
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[list(p) for p in ring]] for ring in outline.rings],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _heading(handout: Handout) -> str:
    person = handout.person
    facts = [
        f"Préparée par {handout.structure}, le {french_date(handout.today)}",
        handout.count_fr,
    ]
    if person.home_label:
        facts.append(f"domicile : {person.home_label} (★ sur la carte)")
    if any(e.fictitious for e in handout.entries):
        facts.append(FICTITIOUS_FR.lower())
    return (
        f"<header><h1>{escape(handout.title_fr)}</h1>"
        f'<p class="sub">{escape(" — ".join(facts))}</p></header>'
    )


def _details(entry: ShortlistEntry) -> list[str]:
    """Escaped HTML lines describing one item (shared by the popup and the list)."""
    who = entry.kind.label_fr + (f" — {entry.organisation}" if entry.organisation else "")
    if entry.diploma_level:
        who += f" — niveau {diploma_fr(entry.diploma_level)}"
    if entry.handi_friendly:
        who += f" — {HANDI_LABEL.lower()}"
    lines = [f'<span class="meta">{escape(who)}</span>']
    where = where_fr(entry)
    if entry.distance_km is not None:
        where = f"{where} — à {distance_fr(entry.distance_km)} du domicile".lstrip(" —")
    if where:
        lines.append(f"Où : {escape(where)}")
    contact = [
        _link(tel_link(entry.phone), phone_fr(entry.phone)),
        _link(mailto_link(entry.email), entry.email),
    ]
    contact = [c for c in contact if c]
    if contact:
        lines.append("Contact : " + " — ".join(contact))
    lines.append(
        f"Statut : {escape(entry.status.label_fr)}. "
        f"Prochaine étape : {escape(entry.status.next_step_fr)}"
    )
    if entry.note:
        lines.append(f"Note : {escape(entry.note)}")
    if entry.url:
        lines.append("Lien : " + _link(web_link(entry.url), entry.url, new_tab=True))
    return lines


def _link(href: str | None, text: str, *, new_tab: bool = False) -> str:
    """An anchor when the link policy allows `href`, else the text alone ("" for no text)."""
    if not text:
        return ""
    if href is None:
        return escape(text)
    target = ' target="_blank" rel="noopener noreferrer"' if new_tab else ""
    return f'<a href="{escape(href)}"{target}>{escape(text)}</a>'


def _popup(number: int, entry: ShortlistEntry, pair_notes: list[str]) -> str:
    gone = "" if entry.available else f'<div class="gone-label">{UNAVAILABLE_FR}</div>'
    return f'{gone}<div class="title">{number}. {escape(entry.title)}</div>' + "<br>".join(
        _details(entry) + _pair_lines(pair_notes)
    )


def _pair_lines(pair_notes: list[str]) -> list[str]:
    return [f'<strong class="parcours">{escape(text)}</strong>' for text in pair_notes]


def _item_list(handout: Handout) -> str:
    if not handout.entries:
        return "<main><p>Aucune piste dans la sélection pour l'instant.</p></main>"
    rows = []
    notes = handout.pair_notes()
    for number, entry in enumerate(handout.entries, 1):
        gone = "" if entry.available else " gone"
        label = "" if entry.available else f'<div class="gone-label">{UNAVAILABLE_FR}</div>'
        rows.append(
            f'<li id="piste-{number}"><span class="num{gone}">{number}</span>{label}'
            f'<div class="title">{escape(entry.title)}</div>'
            + "<br>".join(_details(entry) + _pair_lines(notes.get(entry.id, [])))
            + "</li>"
        )
    return f'<main><ol class="items">{"".join(rows)}</ol></main>'


__all__ = ["render_html", "write_html"]
