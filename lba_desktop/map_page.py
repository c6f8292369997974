"""The offline map page (folium + Leaflet from the xstatic wheels), built once and fed with
results by JavaScript calls, and the marker payload those calls carry. No Qt here. The page
itself is written by `map_page_build`, imported only when the cached page must be rebuilt
(folium compiles its templates on import: a second and more of a cold start)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster

from lba_desktop import map_tiles, paths, place_names
from lba_desktop.models import Hit, Kind, SearchResult

# Bump when the page's HTML or JavaScript changes, so a cached page is rebuilt.
PAGE_VERSION = 6

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


def _folium_version() -> str:
    """folium's version without importing it (its import is the slow part of building)."""
    try:
        return metadata.version("folium")
    except metadata.PackageNotFoundError:  # a bundle without the package's metadata
        import folium

        return str(folium.__version__)


def page_key(*, online_tiles: bool, provider_key: str = map_tiles.DEFAULT_PROVIDER) -> str:
    """What the built page depends on; a change of any of it gives a new file name."""
    parts: list[str] = [
        str(PAGE_VERSION),
        _folium_version(),
        str(online_tiles),
        # The attribution and deepest zoom are written into the page.
        repr(map_tiles.provider(provider_key)) if online_tiles else "",
        xs_leaflet.BASE_DIR,
        xs_cluster.BASE_DIR,
        xs_jquery.BASE_DIR,
    ]
    # The page's code (this module and its builder): any change rebuilds the cached page.
    for module in (Path(__file__), Path(__file__).with_name("map_page_build.py")):
        if module.is_file():
            parts.append(hashlib.sha1(module.read_bytes()).hexdigest())
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
    from lba_desktop.map_page_build import build_map_page

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
