"""The local V1 API writes values as upstream does and refuses what upstream's schema refuses."""

from __future__ import annotations

import re
from typing import Any

import pytest

from lba_desktop.data import upstream_validation as uv
from tests.web.conftest import LiveServer

AURILLAC = "latitude=44.93&longitude=2.44&insee=15014"
ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
SIZE_BAND = re.compile(r"^\d+-\d+$|^\d+\+$")
NAF = re.compile(r"^\d{4}[A-Z]$")
LBA_SITE = "https://labonnealternance.apprentissage.beta.gouv.fr/recherche?romes=D1102"


def schema_message(response: Any) -> str:
    """The message of upstream's schema-validation 400, after checking the body's shape."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["statusCode"] == 400 and body["error"] == "Bad Request"
    validation = body["data"]["validationError"]
    assert validation["validationContext"] == "querystring"
    assert validation["name"] == "ZodError" and validation["issues"]
    return body["message"]


def _jobs_and_formations(live: LiveServer) -> dict[str, Any]:
    r = live.get(f"/api/V1/jobsEtFormations?romes=D1102,D1104,D1106&{AURILLAC}&radius=200&caller=t")
    assert r.status_code == 200
    return r.json()


def test_values_are_written_as_upstream_writes_them(live: LiveServer) -> None:
    body = _jobs_and_formations(live)
    groups = {name: (group or {}).get("results") or [] for name, group in body["jobs"].items()}
    items = [*body["formations"]["results"], *(i for g in groups.values() for i in g)]
    assert groups["peJobs"] and groups["matchas"] and groups["lbaCompanies"]
    for item in items:
        # Upstream leaves `contact.info` out when it has none: never null.
        assert "info" not in item["contact"] or isinstance(item["contact"]["info"], str)
        size = item["company"]["size"]
        assert size is None or SIZE_BAND.match(size), size
        for naf in item.get("nafs") or ():
            assert NAF.match(naf["code"]), naf
    sizes = {i["company"]["size"] for i in groups["lbaCompanies"]}
    assert sizes - {None}, "the demo companies have staff bands"
    for offer in [*groups["peJobs"], *groups["matchas"]]:
        job = offer["job"]
        assert ISO_INSTANT.match(job["creationDate"]), job["creationDate"]
        assert ISO_INSTANT.match(job["jobStartDate"]), job["jobStartDate"]
        assert set(job["type"]) <= {"Apprentissage", "Professionnalisation"}
    types = {t for o in groups["peJobs"] for t in o["job"]["type"]}
    assert types == {"Apprentissage", "Professionnalisation"}


def test_unknown_source_is_refused_with_upstream_message(live: LiveServer) -> None:
    for route in ("jobs", "jobsEtFormations"):
        r = live.get(f"/api/V1/{route}?romes=D1102&caller=t&sources=foo")
        assert schema_message(r) == (
            "querystring.sources: Invalid source format. Must be a comma-separated list of "
            "valid sources of formation,matcha,lba,lbb,offres,peJob,partnerJob"
        )
    ok = live.get(f"/api/V1/jobs?romes=D1102&{AURILLAC}&radius=30&caller=t&sources=lba,peJob")
    assert ok.status_code == 200 and ok.json()["matchas"] is None


@pytest.mark.parametrize(
    ("route", "query", "expected"),
    [
        (
            "formations",
            "romes=D1102&latitude=44.9&longitude=2.4&radius=abc&caller=t",
            "querystring.radius: Expected number, received nan",
        ),
        (
            "jobs",
            "romes=D1102&latitude=nord&longitude=2.4&radius=10&insee=15014&caller=t",
            "querystring.latitude: Expected number, received nan",
        ),
        (
            "jobsEtFormations",
            "romes=D1102&latitude=x&longitude=y&radius=10&caller=t",
            "querystring.latitude: Expected number, received nan, "
            "querystring.longitude: Expected number, received nan",
        ),
        (
            "formations",
            "romes=D1102&diploma=Bac&caller=t",
            "querystring.diploma: Invalid enum value. Expected 'INDIFFERENT' | '3 (CAP...)' | "
            "'4 (BAC...)' | '5 (BTS, DEUST...)' | '6 (Licence, BUT...)' | "
            "'7 (Master, titre ingénieur...)', received 'Bac'",
        ),
        (
            "jobs",
            "romes=D1102&diploma=7&caller=t",
            "querystring.diploma: Invalid enum value. Expected 'INDIFFERENT' | '3 (CAP...)' | "
            "'4 (BAC...)' | '5 (BTS, DEUST...)' | '6 (Licence, BUT...)' | "
            "'7 (Master, titre ingénieur...)', received '7'",
        ),
        (
            "formationsParRegion",
            "romes=D1102&region=84&options=all&caller=t",
            'querystring.options: Invalid literal value, expected "with_description"',
        ),
    ],
)
def test_malformed_values_get_upstream_schema_body(
    live: LiveServer, route: str, query: str, expected: str
) -> None:
    assert schema_message(live.get(f"/api/V1/{route}?{query}")) == expected


def test_numbers_are_read_as_javascript_reads_them(live: LiveServer) -> None:
    # Upstream coerces with Number(): "3e1" is 30 and " 30 " too; "30km" is not a number.
    base = f"/api/V1/formations?romes=D1102&{AURILLAC}&caller=t&radius="
    thirty = live.get(base + "30").json()
    assert live.get(base + "3e1").json() == thirty
    assert live.get(base + "%2030%20").json() == thirty
    assert schema_message(live.get(base + "30km")).startswith("querystring.radius:")


def test_trainings_default_to_a_30_km_radius(live: LiveServer) -> None:
    base = f"/api/V1/formations?romes=D1102&{AURILLAC}&caller=t"
    without = live.get(base)
    assert without.status_code == 200
    assert without.json() == live.get(base + "&radius=30").json()
    distances = [f["place"]["distance"] for f in without.json()["results"]]
    assert distances and max(distances) <= 30
    assert len(live.get(base + "&radius=100").json()["results"]) > len(distances)


def test_nothing_in_the_radius_gives_the_nearest_trainings(live: LiveServer) -> None:
    # At sea off Brittany: no training within 10 km; upstream answers the 5 nearest.
    at_sea = "latitude=47.0&longitude=-5.5&radius=10&caller=t"
    found = live.get(f"/api/V1/formations?romes=D1102&{at_sea}").json()["results"]
    assert 1 <= len(found) <= 5
    distances = [f["place"]["distance"] for f in found]
    assert distances == sorted(distances) and distances[0] > 10
    both = live.get(f"/api/V1/jobsEtFormations?romes=D1102&{at_sea}&insee=29155").json()
    assert both["formations"]["results"] == found
    # Job opportunities have no such fallback upstream: none in the radius, none answered.
    assert both["jobs"]["lbaCompanies"]["results"] == []


def test_calls_from_the_upstream_site_need_no_caller(live: LiveServer) -> None:
    query = f"/api/V1/jobsEtFormations?romes=D1102&{AURILLAC}&radius=30"
    r = live.get(query, headers={"Referer": LBA_SITE})
    assert r.status_code == 200 and r.json()["formations"]["results"]
    assert live.get(f"/api/V1/formations?romes=D1102&{AURILLAC}", headers={"Referer": LBA_SITE})
    # Its API documentation pages, another site, or no Referer: `caller` is required.
    for referer in (
        "https://labonnealternance.apprentissage.beta.gouv.fr/api-docs",
        "https://exemple.invalid/labonnealternance.apprentissage.beta.gouv.fr",
        None,
    ):
        headers = {"Referer": referer} if referer else {}
        refused = live.get(query, headers=headers)
        assert refused.status_code == 400, referer
        assert refused.json()["error_messages"] == [uv.MSG_CALLER]
