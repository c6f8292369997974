"""`rncp` on the V1 job routes, with upstream's rules and its conversion to ROME codes."""

from __future__ import annotations

import pytest

from lba_desktop.data import upstream_validation as uv
from tests.web.conftest import LiveServer

AROUND = "latitude=44.93&longitude=2.44&radius=30&insee=15014&caller=t"


def _messages(live: LiveServer, path: str) -> list[str]:
    r = live.get(path)
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "wrong_parameters"
    return r.json()["error_messages"]


def test_rncp_alone_searches_the_metiers_of_its_trainings(live_partner: LiveServer) -> None:
    body = live_partner.get(f"/api/V1/jobsEtFormations?rncp=RNCP35316&{AROUND}").json()
    # RNCP35316 leads to D1102 and D1104 (its two local trainings): both métiers are searched.
    trainings = {f["id"] for f in body["formations"]["results"]}
    assert trainings == {"KEY-CAP-BOUL", "KEY-BP-BOUL"}
    offers = [o for g in body["jobs"].values() if g for o in g["results"]]
    romes = {r["code"] for o in offers for r in o.get("romes") or ()}
    assert {"D1102", "D1104"} <= romes
    same = live_partner.get(f"/api/V1/jobsEtFormations?romes=D1102,D1104&{AROUND}").json()
    assert same == body
    jobs = live_partner.get(f"/api/V1/jobs?rncp=RNCP35317&{AROUND}").json()
    titles = {o["title"] for g in jobs.values() if g for o in g["results"]}
    assert titles == {"Apprenti pâtissier"}


@pytest.mark.parametrize("route", ["jobs", "jobsEtFormations"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("romes=D1102&rncp=RNCP35316&caller=t", [uv.MSG_ROMES_AND_RNCP]),
        ("rncp=35316&caller=t", [uv.MSG_RNCP_FORMAT]),
        ("rncp=RNCP1&caller=t", [uv.MSG_RNCP_FORMAT]),
        ("rncp=RNCP99999&caller=t", [uv.MSG_RNCP_UNKNOWN.format(rncp="RNCP99999")]),
        ("caller=t", [uv.MSG_ROMES_MISSING]),
        ("rncp=RNCP35316", [uv.MSG_CALLER]),
    ],
)
def test_rncp_rules_and_messages(
    live_partner: LiveServer, route: str, query: str, expected: list[str]
) -> None:
    assert _messages(live_partner, f"/api/V1/{route}?{query}") == expected


def test_messages_are_upstream_words() -> None:
    assert uv.MSG_ROMES_AND_RNCP == (
        "romes or rncp : You must specify either a rncp code or 1 or more rome codes."
    )
    assert uv.MSG_RNCP_UNKNOWN.format(rncp="RNCP1234") == (
        "rncp : Rncp code not recognized. Please check that it exists. (RNCP1234)"
    )


def test_trainings_routes_take_no_rncp(live_partner: LiveServer) -> None:
    # Upstream's /formations has no `rncp`: romes or romeDomain stay required.
    messages = _messages(live_partner, "/api/V1/formations?rncp=RNCP35316&caller=t")
    assert messages == [uv.MSG_ROME_OR_DOMAIN]


def test_insee_rules_differ_between_jobs_and_jobs_et_formations(live: LiveServer) -> None:
    lba = {"Referer": "https://labonnealternance.apprentissage.beta.gouv.fr/"}
    point = "romes=D1102&latitude=44.93&longitude=2.44&radius=30"
    # Without caller, /jobs does not ask for insee; /jobsEtFormations does, whenever a
    # longitude is given (upstream's two validators).
    assert live.get(f"/api/V1/jobs?{point}", headers=lba).status_code == 200
    r = live.get(f"/api/V1/jobsEtFormations?{point}", headers=lba)
    assert r.status_code == 400 and r.json()["error_messages"] == [uv.MSG_INSEE_MISSING]
