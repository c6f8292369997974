"""Place names in the pages a browser opens, in a real headless Chromium: the widget (town
names, the search centre's pin) and the HTML export of a shortlist (names, the home pin),
no label over another, and map pixels that are not one flat colour."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from lba_desktop.exports import Handout, write_handout
from lba_desktop.models import Kind
from lba_desktop.people import Person, ShortlistEntry, ShortlistStatus
from tests.map_checks import OVERLAPS_JS
from tests.web import test_widget_browser
from tests.web.conftest import LiveServer
from tests.web.test_widget_browser import SCREENSHOTS, WIDGET_QUERY, _wait

pytestmark = test_widget_browser.pytestmark
browser = test_widget_browser.browser  # the module's headless Chromium, shared


# The names are hidden while Leaflet animates a zoom: a screenshot waits for them.
VISIBLE_JS = (
    "return getComputedStyle(document.querySelector('.lba-places')).visibility == 'visible'"
)


def _labels(driver: object) -> dict:
    return json.loads(driver.execute_script("return " + OVERLAPS_JS))  # type: ignore[attr-defined]


def _distinct_colours(driver: object, path: Path) -> int:
    from PIL import Image

    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    with Image.open(path) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 20) or [])


def test_widget_names_towns_and_pins_the_search_centre(browser: object, live: LiveServer) -> None:
    driver = browser
    driver.set_window_size(1280, 800)  # type: ignore[attr-defined]
    driver.get(live.url + "/recherche-apprentissage" + WIDGET_QUERY + "&address=Aurillac")  # type: ignore[attr-defined]
    # The server computes the names on first use (seconds on a loaded machine), and the page
    # first shows all of France: wait for the search to have moved the map to the centre's pin.
    _wait(
        driver,
        lambda d: d.execute_script(VISIBLE_JS) and "Aurillac" in _labels(d)["names"],
        40,
    )
    found = _labels(driver)
    assert "Aurillac" in found["names"]  # the centre's pin carries the typed place
    assert driver.execute_script("return document.querySelectorAll('.lba-pin-centre').length") == 1  # type: ignore[attr-defined]
    assert found["bad"] == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert _distinct_colours(driver, SCREENSHOTS / "widget-noms.png") > 50


def _entry(n: int, title: str, lat: float, lon: float) -> ShortlistEntry:
    moment = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    return ShortlistEntry(
        id=n, person_id=1, kind=Kind.FORMATION, item_id=f"f{n}", position=n,
        status=ShortlistStatus.A_CONTACTER, note="", added_at=moment, updated_at=moment,
        title=title, organisation="CFA", commune="Aurillac", departement="15",
        lat=lat, lon=lon, distance_km=2.0,
    )  # fmt: skip


def test_html_export_names_places_and_the_home(browser: object, tmp_path: Path) -> None:
    hostile = 'Ytrac <img src=x onerror="document.title=1"> {{ 7*7 }}'
    person = Person(id=1, first_name="Léa", home_label=hostile, home_lat=44.91, home_lon=2.37,
                    home_departement="15")  # fmt: skip
    handout = Handout(
        person=person,
        entries=(_entry(1, "CAP Boulanger", 44.93, 2.44), _entry(2, "BP", 45.03, 3.09)),
        structure="Mission locale",
        today=date(2026, 11, 23),
    )
    page = write_handout(handout, fmt="html", output=tmp_path / "selection.html")
    driver = browser
    driver.set_window_size(1366, 768)  # type: ignore[attr-defined]
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    _wait(driver, lambda d: len(_labels(d)["names"]) >= 5, 40)
    found = _labels(driver)
    assert f"Domicile : {hostile}" in found["names"]  # as typed, not as HTML or a template
    assert "Saint-Flour" in found["names"] and found["bad"] == []
    assert driver.execute_script("return document.querySelectorAll('.lba-places img').length") == 0  # type: ignore[attr-defined]
    driver.execute_script("document.querySelector('.folium-map').scrollIntoView()")  # type: ignore[attr-defined]
    _wait(driver, lambda d: d.execute_script(VISIBLE_JS))
    assert driver.execute_script(
        "return document.querySelector('.leaflet-control-scale').textContent.trim()"
    ).endswith("km")  # type: ignore[attr-defined]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert _distinct_colours(driver, SCREENSHOTS / "export-html.png") > 50


def test_html_export_shows_its_tiles_without_any_server(
    browser: object, tmp_path: Path, monkeypatch: object
) -> None:
    from lba_desktop.settings import Settings, save_settings
    from tests.tile_server import TileServer

    server = TileServer()
    monkeypatch.setenv("LBA_TILE_URL", server.template)  # type: ignore[attr-defined]
    save_settings(Settings(online_tiles=True))
    person = Person(id=1, first_name="Léa", home_label="Ytrac", home_lat=44.91, home_lon=2.37)
    handout = Handout(person=person, entries=(_entry(1, "CAP Boulanger", 44.93, 2.44),),
                      structure="Mission locale", today=date(2026, 11, 23))  # fmt: skip
    page = write_handout(handout, fmt="html", output=tmp_path / "selection.html")
    server.stop()  # the page must not need it
    driver = browser
    driver.set_window_size(1366, 768)  # type: ignore[attr-defined]
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    driver.execute_script("document.querySelector('.folium-map').scrollIntoView()")  # type: ignore[attr-defined]
    loaded = "return document.querySelectorAll('.leaflet-tile-loaded[src^=\"data:\"]').length"
    _wait(driver, lambda d: d.execute_script(loaded) >= 4 and d.execute_script(VISIBLE_JS), 40)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "export-html-tuiles.png"
    driver.save_screenshot(str(shot))  # type: ignore[attr-defined]
    box = driver.execute_script(  # type: ignore[attr-defined]
        "var r = document.querySelector('.folium-map').getBoundingClientRect();"
        "return [r.left, Math.max(r.top, 0), r.right, Math.min(r.bottom, innerHeight)]"
    )
    from PIL import Image

    with Image.open(shot) as image:
        raw = image.convert("RGB").crop(tuple(int(v) for v in box)).tobytes()
    pixels = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    # The reference layer is white and grey: the tiles are what colours most of the map.
    assert sum(1 for p in pixels if max(p) - min(p) > 25) / len(pixels) > 0.5
    assert "IGN" in driver.execute_script(  # type: ignore[attr-defined]
        "return document.querySelector('.leaflet-control-attribution').textContent"
    )
