"""Every route of the local V1 API answers what upstream's own schemas allow, 200s and errors."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from tests.web.conftest import LiveServer
from tests.web.upstream_v1 import FAILURE, ROUTES

AROUND = "latitude=44.93&longitude=2.44&radius=200&insee=15014&caller=t"


def _valid(schema: dict[str, Any], body: Any) -> None:
    jsonschema.Draft202012Validator(schema).validate(body)


def _answers(live: LiveServer, route: str, path: str, status: int = 200) -> Any:
    r = live.get(path)
    assert r.status_code == status, (path, r.text[:300])
    body = r.json()
    _valid(ROUTES[route] if status == 200 else FAILURE, body)
    return body


def _ids(body: dict[str, Any]) -> dict[str, list[str]]:
    return {
        name: [i["id"] for i in group["results"]]
        for name, group in body.items()
        if isinstance(group, dict) and "results" in group
    }


@pytest.mark.parametrize("server", ["live", "live_partner"])
def test_every_route_answers_upstream_shapes(server: str, request: pytest.FixtureRequest) -> None:
    live: LiveServer = request.getfixturevalue(server)
    romes = "romes=D1102,D1104,D1106"
    both = _answers(live, "/api/V1/jobsEtFormations", f"/api/V1/jobsEtFormations?{romes}&{AROUND}")
    jobs = _answers(live, "/api/V1/jobs", f"/api/V1/jobs?{romes}&{AROUND}")
    _answers(live, "/api/V1/jobs/min", f"/api/V1/jobs/min?{romes}&{AROUND}")
    trainings = _answers(live, "/api/V1/formations", f"/api/V1/formations?{romes}&{AROUND}")
    _answers(live, "/api/V1/formations/min", f"/api/V1/formations/min?{romes}&{AROUND}")
    _answers(
        live,
        "/api/V1/formationsParRegion",
        f"/api/V1/formationsParRegion?{romes}&region=84&caller=t",
    )
    assert trainings["results"] and both["formations"]["results"]
    ids = _ids(jobs)
    assert ids["lbaCompanies"] and ids["peJobs"] and ids["matchas"]
    first = trainings["results"][0]["id"]
    _answers(
        live, "/api/V1/formations/formation/{id}", f"/api/V1/formations/formation/{first}?caller=t"
    )
    for route, group in (
        ("/api/V1/jobs/job/{id}", "peJobs"),
        ("/api/V1/jobs/matcha/{id}", "matchas"),
        ("/api/V1/jobs/partnerJob/{id}", "partnerJobs"),
        ("/api/V1/jobs/company/{siret}", "lbaCompanies"),
    ):
        for item_id in ids.get(group, [])[:3]:
            _answers(live, route, route.split("{")[0] + f"{item_id}?caller=t")
    _answers(live, "/api/V1/metiers", "/api/V1/metiers?title=boulang")
    _answers(live, "/api/V1/metiers/all", "/api/V1/metiers/all")
    _answers(live, "/api/V1/metiers/intitule", "/api/V1/metiers/intitule?label=boulanger")
    _answers(
        live,
        "/api/V1/metiers/metiersParFormation/{cfd}",
        "/api/V1/metiers/metiersParFormation/50022137",
    )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/V1/jobs?romes=D1102", 400),
        ("/api/V1/jobs?romes=D1102&caller=t&radius=loin", 400),
        ("/api/V1/jobsEtFormations?rncp=RNCP1&caller=t", 400),
        ("/api/V1/formations?caller=t", 400),
        ("/api/V1/formationsParRegion?region=99&caller=t", 400),
        ("/api/V1/formations/formation/X?caller=t&radius=3", 400),
        ("/api/V1/jobs/job/inconnue?caller=t", 404),
        ("/api/V1/jobs/matcha/inconnue?caller=t", 400),
        ("/api/V1/jobs/matcha/6650aa0000000000000000ff?caller=t", 404),
        ("/api/V1/jobs/partnerJob/inconnue?caller=t", 400),
        ("/api/V1/jobs/partnerJob/6650aa0000000000000000ff?caller=t", 404),
        ("/api/V1/jobs/company/73282932000074?caller=t", 404),
        ("/api/V1/jobs/company/1234?caller=t", 400),
        ("/api/V1/metiers/intitule", 400),
        ("/api/V1/metiers", 400),
    ],
)
def test_failures_are_upstream_error_bodies(live: LiveServer, path: str, status: int) -> None:
    _answers(live, "", path, status)
