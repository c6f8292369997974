"""Place names on the window's map, offline: communes and départements under the markers,
the search centre as a named pin, the young person's home, no label over another, and typed
or upstream text shown as text."""

from __future__ import annotations

import json
from typing import Any

from tests.map_checks import OVERLAPS_JS
from tests.ui.conftest import run_js, wait_map_ready
from tests.ui.test_main_window import search_from_keyboard


def shown(qtbot: Any, window: Any) -> list[list[Any]]:
    return json.loads(run_js(qtbot, window, "JSON.stringify(lbaPlaces.shown())"))


def view(qtbot: Any, window: Any, lat: float, lon: float, zoom: int) -> set[str]:
    """Move the map once it has its size in the laid-out window; the names then shown."""
    size = "(lbaMap.invalidateSize(), lbaMap.getSize().x > 300 && lbaMap.getSize().y > 200)"
    qtbot.waitUntil(lambda: run_js(qtbot, window, size) is True, timeout=10_000)
    run_js(qtbot, window, f"lbaMap.setView([{lat}, {lon}], {zoom}, {{animate: false}}), 1")
    return {n for n, _k in shown(qtbot, window)}


def labels(qtbot: Any, window: Any) -> dict[str, Any]:
    return json.loads(run_js(qtbot, window, OVERLAPS_JS))


def test_a_search_shows_the_centre_pin_and_the_towns_around_without_overlaps(
    qtbot: Any, window: Any
) -> None:
    wait_map_ready(qtbot, window)
    with qtbot.waitSignal(window.map.resultsShown, timeout=20_000):
        search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    qtbot.waitUntil(
        lambda: ["Aurillac (15)", "centre"] in shown(qtbot, window),
        timeout=10_000,
    )
    # Once the map has its size and has framed the search, towns around are named.
    qtbot.waitUntil(lambda: labels(qtbot, window)["count"] >= 4, timeout=10_000)
    assert labels(qtbot, window)["bad"] == []
    # The names lie under the markers: their pane is below the one markers are drawn in.
    under = run_js(
        qtbot,
        window,
        "+getComputedStyle(lbaMap.getPane('lbaLabels')).zIndex < "
        "+getComputedStyle(lbaMap.getPane('overlayPane')).zIndex",
    )
    assert under is True


def test_names_follow_the_zoom(qtbot: Any, window: Any) -> None:
    wait_map_ready(qtbot, window)
    with qtbot.waitSignal(window.map.resultsShown, timeout=10_000):
        window.map.set_results({"items": [], "centre": None, "radius_km": None, "kinds": None})
    # The whole country: big towns only.
    names = view(qtbot, window, 47.3, 3.5, 6)
    assert {"Paris", "Lyon"} <= names and len(names) >= 6
    assert "Roannes-Saint-Mary" not in names  # a village waits for the zoom
    assert labels(qtbot, window)["bad"] == []
    names = view(qtbot, window, 44.93, 2.44, 8)
    assert {"Cantal", "Aurillac", "Saint-Flour", "Corrèze"} <= names
    assert labels(qtbot, window)["bad"] == []


def test_pins_show_typed_text_as_text_and_the_home_appears(qtbot: Any, window: Any) -> None:
    wait_map_ready(qtbot, window)
    hostile = 'Aurillac <img src=x onerror="document.title=1"> {{ 7*7 }}'
    with qtbot.waitSignal(window.map.resultsShown, timeout=10_000):
        window.map.set_results(
            {
                "items": [],
                "centre": {"lat": 44.93, "lon": 2.44, "label": hostile},
                "radius_km": 10,
                "kinds": None,
            }
        )
    window.map.set_home({"lat": 44.91, "lon": 2.39, "label": "Domicile : Ytrac"})
    qtbot.waitUntil(
        lambda: ["Domicile : Ytrac", "home"] in shown(qtbot, window),
        timeout=10_000,
    )
    assert run_js(qtbot, window, "document.querySelector('.lba-pin-centre').textContent") == hostile
    assert run_js(qtbot, window, "document.querySelectorAll('.lba-places img').length") == 0
    assert labels(qtbot, window)["bad"] == []
    window.map.set_home(None)
    qtbot.waitUntil(
        lambda: run_js(qtbot, window, "document.querySelectorAll('.lba-pin-home').length") == 0,
        timeout=10_000,
    )


def test_popup_text_is_the_size_of_the_window_text(qtbot: Any, window: Any) -> None:
    wait_map_ready(qtbot, window)
    # A popup as the page makes them (selecting a marker inside a cluster waits on
    # animations that an offscreen test cannot rely on).
    run_js(
        qtbot,
        window,
        "L.popup().setLatLng(lbaMap.getCenter())"
        ".setContent('<div class=\"lba-pop\"><b>BP Boulanger</b></div>').openOn(lbaMap), 1",
    )
    qtbot.waitUntil(
        lambda: run_js(qtbot, window, "!!document.querySelector('.leaflet-popup-content')"),
        timeout=10_000,
    )
    size = run_js(qtbot, window, "getComputedStyle(document.querySelector('.lba-pop b')).fontSize")
    assert size == "13px"  # folium's 1rem made it 17 px
