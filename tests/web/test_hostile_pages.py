"""Hostile records in a real Chromium: the widget and the HTML export run no script they carry
and link only to what the link policy allows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from lba_desktop.data.catalogue import CatalogueWriter
from lba_desktop.exports import export_shortlist
from lba_desktop.models import Item, Kind
from lba_desktop.partner_api.service import ApiService
from lba_desktop.people import PeopleService
from lba_desktop.web.app import create_app
from tests.hostile import BAD_LINKS, GOOD_LINKS, HTML, SCRIPT_TEMPLATE
from tests.web.conftest import LiveServer, _serve
from tests.web.test_widget_browser import CHROMEDRIVER, CHROMIUM, _rows, _wait, browser  # noqa: F401

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="Chromium et chromedriver absents : lancez .ci/install_browser.sh",
)
ALLOWED = ("http:", "https:", "mailto:", "tel:")


def hostile_items() -> list[Item]:
    items = []
    for n, url in enumerate((*BAD_LINKS, *GOOD_LINKS)):
        title = (HTML, SCRIPT_TEMPLATE, f"Boulangerie {n}")[n % 3]
        items.append(
            Item(
                Kind.FORMATION if n % 2 else Kind.OFFRE,
                f"H{n}",
                title,
                organisation=SCRIPT_TEMPLATE,
                commune="Aurillac",
                insee="15014",
                postcode="15000",
                departement="15",
                lat=44.93 + n * 0.001,
                lon=2.44,
                romes=("D1102",),
                email="x@y.fr?attach=/etc/passwd" if n % 3 else "contact@cfa.fr",
                url=url,
                details={"onisep_url": url},
            )
        )
    return items


@pytest.fixture(scope="module")
def hostile_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("hostile") / "catalogue.sqlite"
    writer = CatalogueWriter(path)
    writer.add_items(hostile_items())
    writer.set_meta({"origin": "sync", "label_fr": HTML, "built_at": "2026-11-23"})
    writer.finish()
    for url in _serve(create_app(ApiService.open(path), rates={})):
        yield LiveServer(url)


def anchors(driver: object) -> list[str]:
    return driver.execute_script(  # type: ignore[attr-defined]
        "return [...document.querySelectorAll('a[href]')].map(a => a.href)"
    )


def test_widget_links_and_titles_from_a_hostile_catalogue(browser, hostile_live) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    driver = browser
    driver.set_window_size(1280, 800)
    driver.get(hostile_live.url + "/recherche-apprentissage?romes=D1102&insee=15014&radius=30")
    _wait(driver, lambda d: len(_rows(d)) > 0)
    for row in _rows(driver):
        row.click()  # opens each row's details, where the links are
    titles = {r.find_element(By.CSS_SELECTOR, ".titre").text for r in _rows(driver)}
    assert HTML in titles  # shown as text
    links = anchors(driver)
    assert links and all(link.startswith(ALLOWED) for link in links), links
    assert any(link.startswith("https://www.onisep.fr/") for link in links)
    # Tooltips and titles carry the payloads: none ran.
    driver.execute_script(  # type: ignore[attr-defined]
        "document.querySelectorAll('.leaflet-marker-icon').forEach(m =>"
        " m.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))"
    )
    assert driver.execute_script("return window.__pwned === undefined")  # type: ignore[attr-defined]


def test_html_export_runs_no_script_from_the_data(browser, tmp_path: Path) -> None:  # noqa: F811
    with PeopleService() as service:
        person = service.create_person(first_name="Léa", home_insee="15014")
        for item in hostile_items():
            service.add_to_shortlist(person.id, item=item)
        path = export_shortlist(
            service, person.id, fmt="html", output=tmp_path / "s.html", today=date(2026, 11, 23)
        )
    driver = browser
    driver.get(path.as_uri())
    _wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    # Open every popup and tooltip: folium writes them into JavaScript template strings.
    driver.execute_script(
        "document.querySelectorAll('.leaflet-marker-icon').forEach(m => {"
        " m.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));"
        " m.dispatchEvent(new MouseEvent('click', {bubbles: true})); })"
    )
    assert driver.execute_script("return window.__pwned === undefined")
    assert driver.execute_script("return document.querySelectorAll('.leaflet-marker-icon').length")
    page_text = driver.execute_script("return document.body.innerText")
    assert SCRIPT_TEMPLATE.split("`")[0] in page_text  # the payload is shown, as text
    links = [link for link in anchors(driver) if not link.startswith(path.as_uri())]
    assert links and all(link.startswith(ALLOWED) for link in links), links
