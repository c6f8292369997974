"""The offline map page (folium + Leaflet from the xstatic wheels), built once and fed with
results by JavaScript calls, and the marker payload those calls carry. No Qt here."""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import folium
import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster
from branca.element import Element, MacroElement
from folium.plugins import MarkerCluster
from jinja2 import Template

from lba_desktop import map_tiles, paths, place_names
from lba_desktop.models import Hit, Kind, SearchResult

# Bump when the page's HTML or JavaScript changes, so a cached page is rebuilt.
PAGE_VERSION = 5

# One colour per kind, shared by the map markers and the list badges. Mid-tone hues chosen to
# stay readable on a light and on a dark background (white text on them reads too).
KIND_COLOURS: dict[Kind, str] = {
    Kind.FORMATION: "#2f6fdf",
    Kind.OFFRE: "#1e9e4a",
    Kind.ENTREPRISE: "#e07b00",
    Kind.PARTENARIAT: "#9b4fd6",
}

FRANCE_CENTRE = (46.6, 2.4)


def _file_uri(path: Path) -> str:
    return path.resolve().as_uri()


def _offline_assets() -> tuple[
    list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]
]:
    """folium's CDN links replaced by the files of the xstatic wheels (DESIGN §3).

    Bootstrap and Font Awesome are left out on purpose: the page uses no folium Icon."""
    leaflet = Path(xs_leaflet.BASE_DIR)
    cluster = Path(xs_cluster.BASE_DIR)
    jquery = Path(xs_jquery.BASE_DIR)
    map_js = [
        ("leaflet", _file_uri(leaflet / "leaflet.js")),
        ("jquery", _file_uri(jquery / "jquery.min.js")),
    ]
    map_css = [("leaflet_css", _file_uri(leaflet / "leaflet.css"))]
    cluster_js = [("markerclusterjs", _file_uri(cluster / "leaflet.markercluster.js"))]
    cluster_css = [
        ("markerclustercss", _file_uri(cluster / "MarkerCluster.css")),
        ("markerclusterdefaultcss", _file_uri(cluster / "MarkerCluster.Default.css")),
    ]
    return map_js, map_css, cluster_js, cluster_css


def _outline_files() -> list[tuple[str, Path]]:
    found = []
    for name in ("regions", "departements"):
        path = paths.resource("geo", f"{name}.geojson")
        if path.is_file():
            found.append((name, path))
    return found


def page_key(*, online_tiles: bool, provider_key: str = map_tiles.DEFAULT_PROVIDER) -> str:
    """What the built page depends on; a change of any of it gives a new file name."""
    parts: list[str] = [
        str(PAGE_VERSION),
        folium.__version__,
        str(online_tiles),
        # The attribution and deepest zoom are written into the page.
        repr(map_tiles.provider(provider_key)) if online_tiles else "",
        xs_leaflet.BASE_DIR,
        xs_cluster.BASE_DIR,
        xs_jquery.BASE_DIR,
    ]
    # This module's own source: any change to the page's code rebuilds the cached page.
    parts.append(hashlib.sha1(Path(__file__).read_bytes()).hexdigest())
    label_files = [
        ("communes", paths.resource("referentials", "communes.csv.gz")),
        ("labels_js", paths.resource("map", "map_labels.js")),
        ("labels_css", paths.resource("map", "map_labels.css")),
        ("place_names", Path(place_names.__file__)),  # its zoom rules (absent when frozen)
    ]
    for name, path in [*_outline_files(), *[f for f in label_files if f[1].is_file()]]:
        stat = path.stat()
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


class _LbaScript(MacroElement):
    """The page's API for the application: lbaSetResults, lbaShowKinds, lbaSelect, lbaTheme.

    Rendered after the map and the cluster layer, so their JavaScript variables exist."""

    def __init__(self, map_name: str, cluster_name: str) -> None:
        super().__init__()
        self._name = "LbaScript"
        self.map_name = map_name
        self.cluster_name = cluster_name
        self.colours = json.dumps({k.value: c for k, c in KIND_COLOURS.items()})
        self._template = Template("{% macro script(this, kwargs) %}" + _PAGE_JS + "{% endmacro %}")


class Verbatim(Element):
    """Page text inserted as it is (a shipped script, style sheet or escaped data), never
    rendered as a template: branca re-reads macro output as Jinja, where « {{ » would run."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


# The JavaScript side. Markers live in one markercluster layer that is cleared and refilled per
# search; `window.lbaMarkers` maps an item key ("kind:id") to its marker for lbaSelect.
_PAGE_JS = r"""
(function () {
  var map = {{ this.map_name }};
  var cluster = {{ this.cluster_name }};
  var COLOURS = {{ this.colours }};
  var LABELS = {formation: "Formation", offre: "Offre d'emploi", entreprise: "Entreprise",
                partenariat: "Partenariat"};
  var extras = L.layerGroup().addTo(map);
  var places = LbaPlaces.attach(map, window.LBA_PLACES || []);
  window.lbaPlaces = places;
  window.lbaMap = map;
  L.control.scale({imperial: false}).addTo(map);
  var all = [];          // every marker of the last search, whatever its kind
  var shown = null;      // kinds to show (null: all)
  window.lbaMarkers = {};
  window.lbaSelectedId = null;
  window.lbaBridge = null;
  var addLabel = null;   // « Ajouter à la sélection de … » while a person is chosen
  var mode = "results";  // "shortlist": a person's selection, numbered, without the link

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function popup(p) {
    var h = '<div class="lba-pop">' + (p.n ? '<span class="lba-num">' + p.n + '</span> ' : '') +
            '<span class="lba-kind" style="background:' + COLOURS[p.k] +
            '">' + LABELS[p.k] + '</span><br><b>' + esc(p.t) + '</b>';
    if (p.o) { h += '<br>' + esc(p.o); }
    if (p.c) { h += '<br>' + esc(p.c); }
    if (p.d != null) {
      h += '<br>' + String(p.d).replace('.', ',') + ' km';
      if (mode === "shortlist") { h += ' du domicile'; }
    }
    if (p.s) { h += '<br><i>' + esc(p.s) + '</i>'; }
    if (addLabel && mode === "results") {
      h += '<br><a href="#" class="lba-add" data-id="' + esc(p.id) + '">' + esc(addLabel) + '</a>';
    }
    return h + '</div>';
  }
  function refill() {
    cluster.clearLayers();
    var keep = [];
    for (var i = 0; i < all.length; i++) {
      if (shown === null || shown.indexOf(all[i].options.lbaKind) >= 0) { keep.push(all[i]); }
    }
    cluster.addLayers(keep);   // one call: markercluster builds its tree in a single pass
    return keep.length;
  }
  window.lbaSetResults = function (payload) {
    extras.clearLayers();
    window.lbaMarkers = {};
    window.lbaSelectedId = null;
    all = [];
    var bounds = [];
    (payload.items || []).forEach(function (p) {
      var m = L.circleMarker([p.la, p.lo], {radius: 7, weight: 2, color: "#ffffff",
                                             fillColor: COLOURS[p.k], fillOpacity: 0.95,
                                             lbaKind: p.k, lbaId: p.id});
      // A function: the « Ajouter à la sélection » link follows the person chosen now.
      m.bindPopup(function () { return popup(p); });
      m.on("click", function () {
        window.lbaSelectedId = p.id;
        if (window.lbaBridge) { window.lbaBridge.markerClicked(p.id); }
      });
      window.lbaMarkers[p.id] = m;
      all.push(m);
      bounds.push([p.la, p.lo]);
    });
    mode = payload.mode || "results";
    shown = payload.kinds || (mode === "shortlist" ? null : shown);
    var count = refill();
    var c = payload.centre;
    if (c) {
      if (payload.radius_km) {
        var circle = L.circle([c.lat, c.lon], {radius: payload.radius_km * 1000, weight: 1.5,
                      color: "#c0392b", fill: false, dashArray: "6 4", interactive: false});
        extras.addLayer(circle);
        var b = circle.getBounds();
        bounds.push(b.getSouthWest(), b.getNorthEast());
      }
      bounds.push([c.lat, c.lon]);
    }
    places.setPin("centre", c);
    if ("home" in payload) { places.setPin("home", payload.home); }
    if (payload.home) { bounds.push([payload.home.lat, payload.home.lon]); }
    fitWhenSized(bounds.length ? bounds : null);
    return count;
  };
  // Leaflet fits bounds to the container's current size: a map still hidden or being laid
  // out (0 px) would zoom to the street. Fit once it has a size, and again if it changes
  // before the counsellor moves the map.
  var pendingBounds = null;
  function fitWhenSized(bounds) {
    pendingBounds = bounds;
    map.invalidateSize({animate: false});
    var size = map.getSize();
    if (bounds && size.x > 50 && size.y > 50) {
      map.fitBounds(bounds, {padding: [24, 24], maxZoom: 13, animate: false});
    }
  }
  map.on("resize", function () {
    if (pendingBounds) {
      map.fitBounds(pendingBounds, {padding: [24, 24], maxZoom: 13, animate: false});
    }
  });
  map.on("dragstart", function () { pendingBounds = null; });
  window.lbaSetAddLabel = function (text) { addLabel = text || null; return !!addLabel; };
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a.lba-add") : null;
    if (!a) { return; }
    ev.preventDefault();
    if (window.lbaBridge && window.lbaBridge.addClicked) {
      window.lbaBridge.addClicked(a.getAttribute("data-id"));
    }
  });
  // The chosen young person's home (null: nobody chosen, or no home known).
  window.lbaSetHome = function (pin) { places.setPin("home", pin); return !!pin; };
  window.lbaShowKinds = function (kinds) { shown = kinds; return refill(); };
  window.lbaMarkerCount = function () { return cluster.getLayers().length; };
  function openMarker(m) {
    var parent = cluster.getVisibleParent(m);
    if (!parent || parent === m) {
      m.openPopup();
    } else if (cluster._spiderfied === parent) {
      m.openPopup();
    } else if (parent.getChildCount() <= 12) {
      // A few results at one address (a CFA's diplomas): fan them out where they are rather
      // than zooming to the street, which loses the surroundings.
      cluster.once("spiderfied", function () { m.openPopup(); });
      parent.spiderfy();
    } else {
      // Inside a big cluster (a city centre): zooming to the street would lose the whole
      // search, so the popup opens over the cluster and the overview stays.
      var content = m.getPopup() ? m.getPopup().getContent() : "";
      if (typeof content === "function") { content = content(m); }
      if (!map.getBounds().contains(m.getLatLng())) { map.panTo(m.getLatLng()); }
      L.popup({autoPan: true}).setLatLng(m.getLatLng()).setContent(content).openOn(map);
    }
  }
  window.lbaSelect = function (id) {
    var m = window.lbaMarkers[id];
    window.lbaSelectedId = id;
    if (!m || !cluster.hasLayer(m)) { map.closePopup(); return false; }
    if (cluster._inZoomAnimation) {
      // Right after lbaSetResults the clusters of the new zoom are still being built.
      cluster.once("animationend", function () { openMarker(m); });
    } else {
      openMarker(m);
    }
    return true;
  };
  window.lbaTheme = function (dark) {
    document.body.classList.toggle("lba-dark", !!dark);
    // Outlines are vector layers styled by folium: recolour them, the markers keep theirs.
    map.eachLayer(function (l) {
      if (!l.feature || !l.setStyle) { return; }
      if (!l._lbaLight) { l._lbaLight = {color: l.options.color, fillColor: l.options.fillColor}; }
      l.setStyle(dark ? {color: "#7d8894", fillColor: "#33383e"} : l._lbaLight);
    });
    return dark;
  };
  // The desktop application links the page through QWebChannel; a browser has no `qt`.
  if (window.qt && window.qt.webChannelTransport && window.QWebChannel) {
    new QWebChannel(window.qt.webChannelTransport, function (channel) {
      window.lbaBridge = channel.objects.lbaBridge || null;
    });
  }
})();
"""

_PAGE_CSS = """
<style>
  html, body { margin: 0; padding: 0; }
  /* folium's own style sets the map's text to 1rem (16 px, popups 17 px): too big beside
     the window's 9-point text. A more specific rule brings it back to the window's size. */
  body .leaflet-container { background: #dfe8ef; font: 13px/1.35 sans-serif; }
  body .leaflet-popup-content { font-size: 13px; line-height: 1.4; margin: 8px 12px; }
  body .leaflet-control-attribution, body .leaflet-control-scale-line { font-size: 11px; }
  body.lba-dark .leaflet-container { background: #1f262d; }
  .lba-pop .lba-kind { color: #fff; border-radius: 3px; padding: 0 5px; font-size: 11px; }
  .lba-pop .lba-num { display: inline-block; min-width: 16px; text-align: center; color: #fff;
                      background: #333; border-radius: 8px; font-size: 11px; padding: 0 3px; }
  .lba-pop .lba-add { display: inline-block; margin-top: 4px; font-weight: bold; }
</style>
"""


def add_place_names(fmap: folium.Map, labels: Sequence[place_names.PlaceLabel]) -> None:
    """Put the place-name code, its style and `labels` (as window.LBA_PLACES) in the page's
    head; the page then calls LbaPlaces.attach(map, window.LBA_PLACES)."""
    header = fmap.get_root().header
    header.add_child(Verbatim(f"<style>{place_names.labels_css()}</style>"), name="places_css")
    header.add_child(Verbatim(f"<script>{place_names.labels_script()}</script>"), name="places_js")
    rows = place_names.labels_json(labels)
    header.add_child(Verbatim(f"<script>window.LBA_PLACES = {rows};</script>"), name="places_data")


def build_map_page(
    path: Path, *, online_tiles: bool = False, provider_key: str = map_tiles.DEFAULT_PROVIDER
) -> Path:
    """Write the map page to `path`: outlines of régions and départements as background,
    one empty marker cluster, and the lba* JavaScript functions. Returns `path`."""
    map_js, map_css, cluster_js, cluster_css = _offline_assets()
    fmap = folium.Map(
        location=FRANCE_CENTRE,
        zoom_start=6,
        tiles=None,
        prefer_canvas=True,
    )
    # Without tiles, folium's max_zoom goes nowhere: the map itself needs maxZoom or
    # markercluster throws (DESIGN §3).
    # Offline, outlines show nothing past zoom 14: a deeper zoom only disorients.
    fmap.options["maxZoom"] = 18 if online_tiles else 14
    fmap.options["minZoom"] = 4
    fmap.options["zoomSnap"] = 0.25  # fitBounds can then frame the radius circle closely
    fmap.default_js = map_js
    fmap.default_css = map_css
    if online_tiles:
        # Tiles come through the window (lbatile://): from its cache, or from the provider
        # with the application's User-Agent and rate limit; a missing one leaves the names.
        chosen = map_tiles.provider(provider_key)
        folium.TileLayer(
            map_tiles.page_template(chosen),
            attr=html.escape(chosen.attribution),
            name=chosen.label,
            max_zoom=18,
            overlay=False,
        ).add_to(fmap)
    styles = {
        "regions": {"color": "#6b7b8c", "weight": 1.6, "fillColor": "#f4f1ea", "fillOpacity": 1.0},
        "departements": {"color": "#8c99a6", "weight": 0.7, "fill": False},
    }
    # Outlines in a pane of their own under the place names, markers over both.
    folium.map.CustomPane("lbaBase", z_index=250, pointer_events=False).add_to(fmap)
    for name, outline in _outline_files():
        style = styles[name]
        if online_tiles:
            style = {**style, "fillOpacity": 0.0}  # tiles underneath must stay visible
        folium.GeoJson(
            json.loads(outline.read_text(encoding="utf-8")),
            name=name,
            style_function=lambda _f, s=style: s,
            interactive=False,
            control=False,
            smooth_factor=1.0,
            pane="lbaBase",
        ).add_to(fmap)
    cluster = MarkerCluster(
        name="Résultats",
        control=False,
        options={"showCoverageOnHover": False, "maxClusterRadius": 45},
    )
    cluster.default_js = cluster_js
    cluster.default_css = cluster_css
    cluster.add_to(fmap)
    fmap.get_root().header.add_child(folium.Element(_PAGE_CSS), name="lba_css")
    add_place_names(fmap, place_names.place_labels())
    fmap.add_child(_LbaScript(fmap.get_name(), cluster.get_name()))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fmap.save(str(tmp))
    tmp.replace(path)  # a half-written page is never loaded
    return path


def ensure_map_page(
    *,
    online_tiles: bool = False,
    provider_key: str = map_tiles.DEFAULT_PROVIDER,
    folder: Path | None = None,
) -> Path:
    """The map page in the data folder, built only when missing or out of date."""
    folder = folder or paths.data_root() / "carte"
    key = page_key(online_tiles=online_tiles, provider_key=provider_key)
    path = folder / f"carte-{key}.html"
    if path.is_file():
        return path
    if folder.is_dir():
        for old in folder.glob("carte-*.html"):
            old.unlink(missing_ok=True)
    return build_map_page(path, online_tiles=online_tiles, provider_key=provider_key)


# --- Payload sent to lbaSetResults --------------------------------------------------------


def marker_key(kind: Kind | str, item_id: str) -> str:
    """The id a marker and a list row share (ids are only unique within a kind)."""
    return f"{Kind(kind).value}:{item_id}"


def markers_payload(
    result: SearchResult | None,
    *,
    hits: Iterable[Hit] | None = None,
    kinds: Iterable[Kind] | None = None,
) -> dict[str, Any]:
    """The JSON-ready argument of `lbaSetResults`: short keys, since 2,000 markers cross the
    bridge as one string."""
    if result is None:
        return {"items": [], "centre": None, "radius_km": None, "kinds": None}
    place = result.criteria.place
    items = [
        {
            "id": marker_key(h.item.kind, h.item.id),
            "k": h.item.kind.value,
            "la": round(h.item.lat, 5),
            "lo": round(h.item.lon, 5),
            "t": h.item.title,
            "o": h.item.organisation,
            "c": h.item.commune,
            "d": h.distance_km,
        }
        for h in (result.hits if hits is None else hits)
        if h.item.lat is not None and h.item.lon is not None
    ]
    radius = result.criteria.radius_km if not place.is_area else None
    return {
        "items": items,
        "centre": None
        if place.kind.value == "france"
        else {"lat": place.lat, "lon": place.lon, "label": place.label},
        # With "nearest anywhere" the circle would not contain the markers: draw it anyway,
        # it shows how far they are from what was asked.
        "radius_km": radius,
        "kinds": sorted(k.value for k in kinds) if kinds is not None else None,
    }


def set_results_js(payload: dict[str, Any]) -> str:
    """The JavaScript call that feeds the page (JSON is valid JavaScript)."""
    return f"lbaSetResults({json.dumps(payload, ensure_ascii=False, separators=(',', ':'))})"


def shortlist_payload(person: Any, entries: Iterable[Any]) -> dict[str, Any]:
    """A person's shortlist for `lbaSetResults`: numbered markers in shortlist order, the
    distance from the home commune, the home as a pin, no radius circle."""
    items = [
        {
            "id": marker_key(e.kind, e.item_id),
            "k": e.kind.value,
            "la": round(e.lat, 5),
            "lo": round(e.lon, 5),
            "t": e.title,
            "o": e.organisation,
            "c": e.commune,
            "d": e.distance_km,
            "n": n,
            "s": e.status.label_fr + ("" if e.available else " — n'est plus disponible"),
        }
        for n, e in enumerate(entries, start=1)
        if e.lat is not None and e.lon is not None
    ]
    return {
        "items": items,
        "centre": None,
        "home": home_pin(person),
        "radius_km": None,
        "kinds": None,
        "mode": "shortlist",
    }


def home_pin(person: Any) -> dict[str, Any] | None:
    """The young person's home as a map pin (None without a person or a known home)."""
    if person is None or not person.has_home:
        return None
    return {
        "lat": person.home_lat,
        "lon": person.home_lon,
        "label": f"Domicile : {person.home_label}" if person.home_label else "Domicile",
    }


def set_home_js(pin: dict[str, Any] | None) -> str:
    return f"lbaSetHome({json.dumps(pin, ensure_ascii=False)})"
