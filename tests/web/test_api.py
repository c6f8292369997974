"""The local V1 API over real HTTP: routes, upstream validation messages, shapes, auth, limits."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from lba_desktop import cli
from lba_desktop.data import upstream_validation as uv
from lba_desktop.partner_api.service import ApiService
from lba_desktop.web.app import create_app
from lba_desktop.web.openapi import build_openapi
from tests.web.conftest import LiveServer
from tests.web.upstream_v1 import ROUTES as UPSTREAM_ROUTES

AURILLAC = "latitude=44.93&longitude=2.44&insee=15014"
DOC = build_openapi()


def check_shape(body: Any, schema_name: str) -> None:
    """Validate against our own OpenAPI document (its components are JSON Schema 2020-12)."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": DOC["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)


def check_route_schema(path: str, body: Any) -> None:
    response = DOC["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    schema = {**response["schema"], "components": DOC["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)


def wrong(response: Any) -> list[str]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "wrong_parameters"
    check_shape(body, "Error")
    return body["error_messages"]


# --- routes and shapes ------------------------------------------------------------------


def test_jobs_et_formations_shapes_and_local_data_header(live: LiveServer) -> None:
    r = live.get(f"/api/V1/jobsEtFormations?romes=D1102,D1104&{AURILLAC}&radius=60&caller=t")
    assert r.status_code == 200
    assert r.headers["X-LBA-Desktop-Data"] == "demo"
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    check_route_schema("/api/V1/jobsEtFormations", body)
    assert set(body) == {"formations", "jobs"}
    assert set(body["jobs"]) == {
        "peJobs",
        "partnerJobs",
        "matchas",
        "lbaCompanies",
        "lbbCompanies",
    }
    formations = body["formations"]["results"]
    assert formations and all(f["ideaType"] == "formation" for f in formations)
    companies = body["jobs"]["lbaCompanies"]["results"]
    assert companies and all(c["ideaType"] == "lba" for c in companies)
    for group in (formations, companies):
        distances = [item["place"]["distance"] for item in group]
        assert distances == sorted(distances)
        assert all(d <= 60 for d in distances)
    first = formations[0]
    assert first["cleMinistereEducatif"]
    assert first["place"]["region"] is None  # unknown locally: present and null
    assert first["romes"][0]["code"] in {"D1102", "D1104"}


def test_jobs_groups_and_sources(live: LiveServer) -> None:
    r = live.get(f"/api/V1/jobs?romes=D1102,D1104,D1106&{AURILLAC}&radius=200&caller=t")
    body = r.json()
    check_route_schema("/api/V1/jobs", body)
    assert body["lbbCompanies"] is None
    groups = (("peJobs", "peJob"), ("partnerJobs", "partnerJob"), ("matchas", "matcha"))
    for name, idea in (*groups, ("lbaCompanies", "lba")):
        assert all(i["ideaType"] == idea for i in body[name]["results"])
    assert body["matchas"]["results"], "the demo has partenariats in 200 km"
    assert all(i["company"]["mandataire"] for i in body["matchas"]["results"])
    only = live.get(f"/api/V1/jobs?romes=D1102&{AURILLAC}&radius=200&caller=t&sources=lba").json()
    assert only["peJobs"] is None and only["matchas"] is None
    assert only["lbaCompanies"]["results"]
    trainings = live.get(
        f"/api/V1/jobsEtFormations?romes=D1102&{AURILLAC}&radius=50&caller=t&sources=formation"
    ).json()
    assert trainings["jobs"] is None and trainings["formations"]["results"]


def test_caps_over_all_france(live: LiveServer) -> None:
    romes = ",".join(f"D11{n:02d}" for n in range(1, 13))
    body = live.get(f"/api/V1/jobsEtFormations?romes={romes}&{AURILLAC}&radius=20000&caller=t")
    data = body.json()
    check_route_schema("/api/V1/jobsEtFormations", data)
    assert len(data["formations"]["results"]) <= 500
    assert len(data["jobs"]["lbaCompanies"]["results"]) == 150
    assert len(data["jobs"]["peJobs"]["results"]) <= 250
    distances = [c["place"]["distance"] for c in data["jobs"]["lbaCompanies"]["results"]]
    assert distances == sorted(distances) and distances[-1] > 0


def test_formations_and_formation_by_id(live: LiveServer) -> None:
    r = live.get(f"/api/V1/formations?romes=D1102&{AURILLAC}&radius=100&caller=t")
    body = r.json()
    check_route_schema("/api/V1/formations", body)
    first = body["results"][0]
    one = live.get(f"/api/V1/formations/formation/{first['id']}?caller=t")
    assert one.status_code == 200
    check_route_schema("/api/V1/formations/formation/{id}", one.json())
    assert one.json()["results"][0]["id"] == first["id"]
    assert one.json()["results"][0]["place"]["distance"] is None
    # Upstream answers an unknown id with an empty list, and takes no other parameter.
    missing = live.get("/api/V1/formations/formation/DEMO-nothing-here?caller=t")
    assert missing.status_code == 200 and missing.json() == {"results": []}
    extra = live.get(f"/api/V1/formations/formation/{first['id']}?caller=t&romes=D1102")
    assert extra.status_code == 400
    assert extra.json()["message"] == "querystring.: Unrecognized key(s) in object: 'romes'"
    # Without a position: France-wide, no distance.
    anywhere = live.get("/api/V1/formations?romeDomain=D11&caller=t").json()
    assert anywhere["results"] and anywhere["results"][0]["place"]["distance"] is None
    assert all(r["romes"][0]["code"].startswith("D11") for r in anywhere["results"])


def test_formations_par_region(live: LiveServer) -> None:
    dep = live.get("/api/V1/formationsParRegion?romes=D1102&departement=15&caller=t").json()
    check_route_schema("/api/V1/formationsParRegion", dep)
    assert dep["results"]
    assert {f["place"]["departementNumber"] for f in dep["results"]} == {"15"}
    region = live.get("/api/V1/formationsParRegion?romes=D1102&region=84&caller=t").json()
    assert {f["place"]["departementNumber"] for f in region["results"]} > {"15"}
    diploma = live.get(
        "/api/V1/formationsParRegion?romes=D1102&region=84&caller=t&diploma=3 (CAP...)"
    ).json()
    assert diploma["results"]
    assert {f["diplomaLevel"] for f in diploma["results"]} == {"3 (CAP...)"}


def test_metiers(live: LiveServer) -> None:
    found = live.get("/api/V1/metiers?title=boulang").json()
    check_route_schema("/api/V1/metiers", found)
    assert "D1102" in {r for m in found["labelsAndRomes"] for r in m["romes"]}
    assert wrong(live.get("/api/V1/metiers")) == [uv.MSG_TITLE_MISSING]
    every = live.get("/api/V1/metiers/all").json()
    check_route_schema("/api/V1/metiers/all", every)
    assert len(every["metiers"]) > 10
    assert every["metiers"] == sorted(every["metiers"], key=str.casefold)


def test_widget_helpers(live: LiveServer) -> None:
    places = live.get("/api/local/lieux?q=aurill").json()
    check_route_schema("/api/local/lieux", places)
    assert places[0]["insee"] == "15014"
    metiers = live.get("/api/local/metiers?q=boulang").json()
    check_route_schema("/api/local/metiers", metiers)
    assert metiers[0]["code"] == "D1102"
    assert live.get("/api/local/lieu?zipcode=15000").json()["insee"] == "15014"
    # A widget opened with zipcode=75011 searches around the 11th arrondissement.
    paris = live.get("/api/local/lieu?insee=75056").json()
    eleventh = live.get("/api/local/lieu?zipcode=75011").json()
    assert eleventh["label"] == "Paris 11e arrondissement (75)"
    assert eleventh["insee"] == "75056" and eleventh["zipcode"] == "75011"
    assert (eleventh["lat"], eleventh["lon"]) != (paris["lat"], paris["lon"])
    assert live.get("/api/local/lieu?insee=99999").status_code == 404


def test_openapi_document_lists_every_route(live: LiveServer) -> None:
    doc = live.get("/api/docs/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    # Every V1 route upstream documents (the transcribed contract) is in ours, and only those
    # and the widget's own.
    v1 = {p for p in doc["paths"] if p.startswith("/api/V1/")}
    assert v1 == set(UPSTREAM_ROUTES)
    assert set(doc["paths"]) - v1 == {
        "/api/v3/jobs/search",
        "/api/local/metiers",
        "/api/local/lieux",
        "/api/local/lieu",
    }
    page = live.get("/api/docs")
    assert page.status_code == 200 and "openapi.json" in page.text


# --- validation: the upstream's rules and messages --------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("romes=D1102,XX&radius=10&caller=t", [uv.MSG_ROMES_FORMAT]),
        (
            "romes=" + ",".join(["D1102"] * 21) + "&caller=t",
            [uv.MSG_ROMES_TOO_MANY],
        ),
        ("romes=D1102&latitude=44.9&longitude=2.4&radius=201&caller=t", [uv.MSG_RADIUS_RANGE]),
        ("romes=D1102&latitude=95&longitude=2.4&radius=10&caller=t", [uv.MSG_LAT_RANGE]),
        ("romes=D1102&latitude=44&radius=10&caller=t", [uv.MSG_LON_MISSING]),
        ("romes=D1102", [uv.MSG_CALLER]),
        ("caller=t", [uv.MSG_ROME_OR_DOMAIN]),
        ("romes=D1102&romeDomain=D11&caller=t", [uv.MSG_ROME_AND_DOMAIN]),
        ("romeDomain=D1&caller=t", [uv.MSG_DOMAIN_FORMAT]),
    ],
)
def test_formations_validation(live: LiveServer, query: str, expected: list[str]) -> None:
    assert wrong(live.get(f"/api/V1/formations?{query}")) == expected


@pytest.mark.parametrize("route", ["jobs", "jobsEtFormations"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("caller=t", [uv.MSG_ROMES_MISSING]),
        ("romes=D1102,D11&caller=t", [uv.MSG_ROMES_FORMAT]),
        ("romes=" + ",".join(["A1234"] * 21) + "&caller=t", [uv.MSG_ROMES_TOO_MANY]),
        (f"romes=D1102&{AURILLAC}&caller=t", [uv.MSG_RADIUS_MISSING]),
        (f"romes=D1102&{AURILLAC}&radius=-1&caller=t", [uv.MSG_RADIUS_RANGE]),
        ("romes=D1102&latitude=44.9&longitude=2.4&radius=10&caller=t", [uv.MSG_INSEE_MISSING]),
        (
            "romes=D1102&latitude=44.9&longitude=2.4&radius=10&insee=1501&caller=t",
            [uv.MSG_INSEE_FORMAT],
        ),
        ("romes=D1102", [uv.MSG_CALLER]),
    ],
)
def test_jobs_validation(live: LiveServer, route: str, query: str, expected: list[str]) -> None:
    assert wrong(live.get(f"/api/V1/{route}?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("caller=t", [uv.MSG_REGION_OR_ROME]),
        ("departement=15&region=84&caller=t", [uv.MSG_REGION_AND_DEP]),
        ("departement=2A&caller=t", [uv.MSG_DEP_FORMAT]),
        ("region=99&caller=t", [uv.MSG_REGION_UNKNOWN]),
        ("departement=15", [uv.MSG_CALLER]),
    ],
)
def test_formations_par_region_validation(
    live: LiveServer, query: str, expected: list[str]
) -> None:
    assert wrong(live.get(f"/api/V1/formationsParRegion?{query}")) == expected


def test_several_messages_at_once(live: LiveServer) -> None:
    messages = wrong(live.get("/api/V1/jobs?romes=XX&latitude=44&longitude=2"))
    assert messages == [uv.MSG_CALLER, uv.MSG_ROMES_FORMAT, uv.MSG_RADIUS_MISSING]


def test_schema_errors_are_400_not_422(live: LiveServer) -> None:
    r = live.get("/api/local/metiers?q=boul&limit=beaucoup")
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "wrong_parameters" and body["error_messages"]


def test_paths_ignore_case(live: LiveServer) -> None:
    for path in (
        "/API/v1/JOBSETFORMATIONS",
        "/api/v1/jobsetformations",
        "/Api/V1/JobsEtFormations",
    ):
        r = live.get(f"{path}?romes=D1102&{AURILLAC}&radius=30&caller=t")
        assert r.status_code == 200, path
        assert "formations" in r.json()
    assert live.get("/api/v1/metiers/ALL").status_code == 200
    assert live.get("/api/v1/formationsparregion?departement=15&caller=t").status_code == 200
    assert live.get("/RECHERCHE-apprentissage").status_code == 200
    first = live.get("/api/V1/formations?romes=D1102&caller=t").json()["results"][0]["id"]
    # The id keeps its case: only the route's fixed words are folded.
    assert live.get(f"/API/V1/FORMATIONS/FORMATION/{first}").status_code == 200


# --- token and rate limits --------------------------------------------------------------


def test_token_required_when_configured(live_with_token: LiveServer) -> None:
    query = f"/api/V1/jobsEtFormations?romes=D1102&{AURILLAC}&radius=30&caller=t"
    assert live_with_token.get(query).status_code == 200
    refused = live_with_token.get(query, headers={"Authorization": "Bearer faux"})
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    check_shape(refused.json(), "Error")
    assert live_with_token.get(query, headers={"Authorization": ""}).status_code == 401
    assert (
        live_with_token.get("/api/local/lieux?q=aur", headers={"Authorization": ""}).status_code
        == 401
    )
    # The pages hold no data: they load, and the widget sends the token it is given.
    assert live_with_token.get("/recherche-apprentissage", headers={"Authorization": ""}).ok


def test_rate_limit_answers_429_with_retry_after(live_rate_limited: LiveServer) -> None:
    query = f"/api/V1/jobs?romes=D1102&{AURILLAC}&radius=10&caller=t"
    statuses = [live_rate_limited.get(query) for _ in range(6)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited, [r.status_code for r in statuses]
    assert int(limited[0].headers["Retry-After"]) >= 1
    check_shape(limited[0].json(), "Error")
    # Another family has its own bucket.
    assert live_rate_limited.get("/api/V1/metiers?title=boul").status_code == 200


# --- the command -------------------------------------------------------------------------


def test_serve_refuses_the_network_without_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("LBA_SERVE_TOKEN", raising=False)
    assert cli.main(["serve", "--host", "0.0.0.0"]) == 2
    assert "jeton est obligatoire" in capsys.readouterr().err


def test_repeated_query_is_served_from_the_cache(live: LiveServer, api_service: object) -> None:
    query = f"/api/V1/jobsEtFormations?romes=D1104&{AURILLAC}&radius=30&caller=t"
    first = live.get(query)
    reordered = live.get(f"/api/V1/jobsEtFormations?caller=t&radius=30&{AURILLAC}&romes=D1104")
    assert first.content == reordered.content
    assert reordered.headers["X-LBA-Desktop-Data"] == "demo"
    # Errors are never kept: the same wrong query gives the same 400 each time.
    assert wrong(live.get("/api/V1/jobs?caller=t")) == wrong(live.get("/api/V1/jobs?caller=t"))


def test_token_bucket_refills_at_the_configured_rate() -> None:
    from lba_desktop.web.ratelimit import RateLimiter

    limiter = RateLimiter({"jobs": 5})
    assert all(limiter.take("1.2.3.4", "jobs", now=100.0) is None for _ in range(5))
    wait = limiter.take("1.2.3.4", "jobs", now=100.0)
    assert wait is not None and 0 < wait <= 0.2
    assert limiter.take("5.6.7.8", "jobs", now=100.0) is None  # per client
    assert limiter.take("1.2.3.4", "jobs", now=100.2) is None  # one token back after 1/5 s
    assert limiter.take("1.2.3.4", "metiers", now=100.0) is None  # no limit configured


def test_an_id_may_hold_any_character(api_service: ApiService) -> None:
    # Called in process as the fuzzer does (the path reaches the router decoded): an id with
    # a newline got the router's undocumented 404 instead of the route's own answer.
    app = create_app(api_service, rates={}, hosts=("testserver",))

    def get(raw_path: str) -> tuple[int, bytes]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": unquote(raw_path),
            "raw_path": raw_path.encode(),
            "query_string": b"caller=t",
            "root_path": "",
            "headers": [(b"host", b"testserver")],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        asyncio.run(app(scope, receive, send))
        return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

    for odd in ("A%0AB", "A%C2%A3p%C2%B3z%0A%F1%8B%BF%85%5B", "X%0A%0A"):
        assert get(f"/api/V1/formations/formation/{odd}") == (200, b'{"results":[]}'), odd
    routes = ("jobs/job", "jobs/matcha", "jobs/partnerJob", "jobs/company")
    for route in (*routes, "metiers/metiersParFormation"):
        unknown = get(f"/api/V1/{route}/X-unknown")
        assert unknown[1] != b'{"error":"not_found","error_messages":["Not Found"]}', route
        for odd in ("%0A%F3%A7%A6%83", "X%0AY"):
            assert get(f"/api/V1/{route}/{odd}")[0] == unknown[0], (route, odd)
