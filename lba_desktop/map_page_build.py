"""Writes the offline map page with folium: outlines of régions and départements, one empty
marker cluster, the place names and the lba* JavaScript functions the window calls. Imported
only when `map_page.ensure_map_page` finds no up-to-date cached page."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.plugins import MarkerCluster
from jinja2 import Template

from lba_desktop import map_tiles, place_names
from lba_desktop.map_page import FRANCE_CENTRE, KIND_COLOURS, _offline_assets, _outline_files


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
  // « Parcours complets »: dashed lines from the chosen training to each of its employers.
  var links = L.layerGroup().addTo(map);
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
  // "shortlist": a person's selection, numbered, without the link; "parcours": the pairs
  var mode = "results";

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
      if (mode !== "results") { h += ' du domicile'; }
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
    links.clearLayers();
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
    shown = payload.kinds || (mode !== "results" ? null : shown);
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
  window.lbaSetLinks = function (list) {
    links.clearLayers();
    (list || []).forEach(function (l) {
      var line = L.polyline([l.from, l.to], {color: "#333333", weight: 3, opacity: 0.85,
                                             dashArray: "7 5", interactive: true});
      var km = l.km == null ? "" : " — " + String(l.km).replace(".", ",") + " km du CFA";
      line.bindTooltip(esc(l.t) + km, {sticky: true});
      links.addLayer(line);
    });
    return links.getLayers().length;
  };
  window.lbaLinkCount = function () { return links.getLayers().length; };
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
