"""The widget in a real headless Chromium: list rows, markers, autocomplete, selection, layouts."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import LiveServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING_BROWSER = (
    "Chromium et chromedriver absents : python3 -m lba_desktop.system_packages --tests"
)
if os.environ.get("CI") == "true" and not (CHROMIUM and CHROMEDRIVER):
    # CI runs the README's test command, which installs them: a skip there would hide a gap.
    raise RuntimeError(MISSING_BROWSER)
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason=MISSING_BROWSER)
WIDGET_QUERY = "?romes=D1102&lat=44.93&lon=2.44&radius=30&caller=test"
SCREENSHOTS = Path(tempfile.gettempdir()) / "lba-widget-screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    profile = tempfile.mkdtemp(prefix="lba-chromium-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--lang=fr-FR",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait(driver: object, condition: object, timeout: float = 15) -> object:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # The list is re-rendered while the condition reads it: a row that vanished mid-read
    # only means "not yet".
    wait = WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))
    return wait.until(condition)  # type: ignore[arg-type]


def _rows(driver: object) -> list:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, "#liste .ligne")  # type: ignore[attr-defined]


def _markers(driver: object) -> list:
    from selenium.webdriver.common.by import By

    # Single pins and clusters both stand for results on the map.
    return driver.find_elements(By.CSS_SELECTOR, "#carte .pin, #carte .marker-cluster")  # type: ignore[attr-defined]


def _load(driver: object, url: str, width: int, height: int) -> None:
    driver.set_window_size(width, height)  # type: ignore[attr-defined]
    driver.get(url)  # type: ignore[attr-defined]
    _wait(driver, lambda d: len(_rows(d)) > 0)


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (360, 640)])
def test_widget_lists_and_maps_results(
    browser: object, live: LiveServer, width: int, height: int
) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    _load(driver, live.url + "/recherche-apprentissage" + WIDGET_QUERY, width, height)
    _wait(driver, lambda d: len(_markers(d)) > 0)
    rows = _rows(driver)
    assert rows[0].find_element(By.CSS_SELECTOR, ".titre").text
    count = driver.find_element(By.ID, "nombre-formation").text  # type: ignore[attr-defined]
    assert int(count) == len([r for r in rows if r.get_attribute("data-kind") == "formation"])
    assert driver.find_element(By.ID, "lieu").get_attribute("value") == "Aurillac (15)"  # type: ignore[attr-defined]
    assert "démonstration" in driver.find_element(By.ID, "origine").text  # type: ignore[attr-defined]
    # Nothing overflows sideways, even at 360 px.
    overflow = driver.execute_script(  # type: ignore[attr-defined]
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"widget-{width}x{height}.png"))  # type: ignore[attr-defined]


def test_click_on_a_row_selects_it(browser: object, live: LiveServer) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    _load(driver, live.url + "/recherche-apprentissage" + WIDGET_QUERY, 1280, 800)
    rows = _rows(driver)
    target = rows[min(1, len(rows) - 1)]
    target.click()
    _wait(driver, lambda d: target.get_attribute("aria-selected") == "true")
    assert target.find_element(By.CSS_SELECTOR, ".details").is_displayed()
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#carte .pin-choisi"))
    selected = [r for r in _rows(driver) if r.get_attribute("aria-selected") == "true"]
    assert selected == [target]
    driver.save_screenshot(str(SCREENSHOTS / "widget-selection.png"))  # type: ignore[attr-defined]


def test_typing_a_metier_and_searching_with_the_keyboard(browser: object, live: LiveServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    _load(driver, live.url + "/recherche-apprentissage" + WIDGET_QUERY, 1280, 800)
    before = {r.get_attribute("data-key") for r in _rows(driver)}
    field = driver.find_element(By.ID, "metier")  # type: ignore[attr-defined]
    field.clear()
    field.send_keys("aide-soign")
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#metier-liste li"))
    field.send_keys(Keys.ARROW_DOWN, Keys.ENTER)  # pick the first suggestion
    assert "soign" in field.get_attribute("value").lower()
    field.send_keys(Keys.ENTER)  # submits the form
    _wait(driver, lambda d: {r.get_attribute("data-key") for r in _rows(d)} != before)
    assert "résultat" in driver.find_element(By.ID, "message").text  # type: ignore[attr-defined]


def test_scopes_and_parameters(browser: object, live: LiveServer) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    _load(
        driver,
        live.url + "/recherche-apprentissage-formation" + WIDGET_QUERY + "&displayMap=0"
        "&frozen_job=1&job_name=Boulanger&return_uri=https://exemple.fr/",
        360,
        640,
    )
    assert {r.get_attribute("data-kind") for r in _rows(driver)} == {"formation"}
    assert not driver.find_element(By.ID, "carte-zone").is_displayed()  # type: ignore[attr-defined]
    field = driver.find_element(By.ID, "metier")  # type: ignore[attr-defined]
    assert field.get_attribute("readonly") is not None
    assert field.get_attribute("value") == "Boulanger"
    assert driver.find_element(By.ID, "retour").is_displayed()  # type: ignore[attr-defined]
    jobs_only = "/recherche-emploi?romes=D1102,D1104,D1106&insee=15014&radius=100&caller=t"
    driver.get(live.url + jobs_only)  # type: ignore[attr-defined]
    _wait(driver, lambda d: len(_rows(d)) > 0)
    assert "formation" not in {r.get_attribute("data-kind") for r in _rows(driver)}


def test_test_widget_page_builds_a_snippet(browser: object, live: LiveServer) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.set_window_size(1280, 800)  # type: ignore[attr-defined]
    driver.get(live.url + "/test-widget")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "t-romes").send_keys("D1102")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "t-zipcode").send_keys("15000")  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, "#reglages button").click()  # type: ignore[attr-defined]
    code = driver.find_element(By.ID, "t-code").get_attribute("value")  # type: ignore[attr-defined]
    assert code.startswith("<iframe src=") and "romes=D1102" in code and "zipcode=15000" in code
    driver.switch_to.frame("t-apercu")  # type: ignore[attr-defined]
    _wait(driver, lambda d: len(_rows(d)) > 0)
    driver.switch_to.default_content()  # type: ignore[attr-defined]


def test_widget_partner_parameters(browser: object, live_partner: LiveServer) -> None:
    """`rncp=` searches its métiers, `itemId`/`type` open that result, job boards' offers
    (partnerJobs) are listed with the others, `displayMap=false` gives the list the width."""
    driver = browser
    base = "?lat=44.93&lon=2.44&radius=30&caller=test"
    _load(
        driver, live_partner.url + "/recherche-apprentissage" + base + "&rncp=RNCP35316", 1366, 768
    )
    titles = {r.find_element("css selector", ".titre").text for r in _rows(driver)}
    assert {"CAP Boulanger", "BP Boulanger", "Apprenti boulanger H/F"} <= titles
    _load(
        driver,
        live_partner.url + "/recherche-apprentissage-formation" + base + "&rncp=RNCP35317",
        1366,
        768,
    )
    # RNCP35317 leads to D1104 only: the BP (D1102 and D1104) is in the radius, the CAP
    # Pâtissier of Saint-Flour (55 km) is not.
    assert {r.find_element("css selector", ".titre").text for r in _rows(driver)} == {
        "BP Boulanger"
    }
    opened = base + "&romes=D1102&type=partnerJob&itemId=hw-0001&displayMap=false"
    _load(driver, live_partner.url + "/recherche-emploi" + opened, 1366, 768)
    _wait(driver, lambda d: any(r.get_attribute("aria-selected") == "true" for r in _rows(d)))
    selected = [r for r in _rows(driver) if r.get_attribute("aria-selected") == "true"]
    assert [r.find_element("css selector", ".titre").text for r in selected] == [
        "Apprenti boulanger H/F"
    ]
    width = driver.execute_script(  # type: ignore[attr-defined]
        "return document.querySelector('.liste-zone').getBoundingClientRect().width"
    )
    assert width > 1200  # the whole window, not the 520 px column beside a map
    SCREENSHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / "widget-sans-carte-1366.png"))  # type: ignore[attr-defined]
