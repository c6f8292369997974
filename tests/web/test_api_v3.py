"""`GET /api/v3/jobs/search` from the local catalogue, in the 2026 shapes the sync reads."""

from __future__ import annotations

from typing import Any

import jsonschema

from lba_desktop.data.parsers import parse_jobs_search
from tests.web.conftest import LiveServer

AROUND = "latitude=44.93&longitude=2.44&radius=30"
S = {"type": "string"}
NS = {"type": ["string", "null"]}
WORKPLACE = {
    "type": "object",
    "required": [
        "siret",
        "brand",
        "legal_name",
        "website",
        "name",
        "description",
        "size",
        "location",
        "domain",
    ],
    "properties": {
        "siret": {"type": ["string", "null"], "pattern": r"^\d{14}$"},
        "location": {
            "type": "object",
            "required": ["address", "geopoint"],
            "properties": {
                "address": S,
                "geopoint": {
                    "type": "object",
                    "required": ["type", "coordinates"],
                    "properties": {"type": {"const": "Point"}},
                },
            },
        },
        "domain": {"type": "object", "required": ["idcc", "opco", "naf"]},
    },
}
APPLY = {"type": "object", "required": ["url", "phone"], "properties": {"url": S, "phone": NS}}
# The 2026 answer's required keys and types, transcribed from its OpenAPI document.
ANSWER = {
    "type": "object",
    "required": ["jobs", "recruiters", "warnings"],
    "properties": {
        "jobs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["identifier", "workplace", "apply", "contract", "offer"],
                "properties": {
                    "identifier": {
                        "type": "object",
                        "required": ["id", "partner_label", "partner_job_id"],
                        "properties": {"partner_label": S, "partner_job_id": S},
                    },
                    "workplace": WORKPLACE,
                    "apply": APPLY,
                    "contract": {
                        "type": "object",
                        "required": ["start", "duration", "type", "remote"],
                        "properties": {
                            "duration": {"type": ["integer", "null"]},
                            "type": {
                                "type": "array",
                                "items": {"enum": ["Apprentissage", "Professionnalisation"]},
                            },
                            "remote": {"enum": ["onsite", "remote", "hybrid", None]},
                        },
                    },
                    "offer": {
                        "type": "object",
                        "required": [
                            "title",
                            "rome_codes",
                            "description",
                            "target_diploma",
                            "desired_skills",
                            "to_be_acquired_skills",
                            "access_conditions",
                            "publication",
                            "opening_count",
                            "status",
                        ],
                        "properties": {
                            "rome_codes": {"type": "array", "items": {"pattern": "^[A-Z]\\d{4}$"}},
                            "status": {"enum": ["Active", "Filled", "Cancelled", "Pending"]},
                            "opening_count": {"type": "number"},
                        },
                    },
                },
            },
        },
        "recruiters": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["identifier", "workplace", "apply"],
                "properties": {"workplace": WORKPLACE, "apply": APPLY},
            },
        },
        "warnings": {
            "type": "array",
            "items": {"type": "object", "required": ["message", "code"]},
        },
    },
}


def _search(live: LiveServer, query: str) -> dict[str, Any]:
    r = live.get(f"/api/v3/jobs/search?{query}")
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    jsonschema.Draft202012Validator(ANSWER).validate(body)
    return body


def test_jobs_and_recruiters_around_a_point(live_partner: LiveServer, partner_service) -> None:
    body = _search(live_partner, f"{AROUND}&romes=D1102,D1104")
    labels = {j["identifier"]["partner_label"] for j in body["jobs"]}
    assert labels == {"Hellowork", "France Travail", "offres_emploi_lba"}
    assert [r["workplace"]["siret"] for r in body["recruiters"]] == ["55566677500013"]
    assert body["warnings"] == []
    # What the local API answers, the sync reads back into the same items.
    again = {(i.kind, i.id, i.title, i.siret) for i in parse_jobs_search(body).items}
    stored = {
        (i.kind, i.id, i.title, i.siret)
        for i in partner_service.store.iter_items()
        if i.kind.value != "formation"
    }
    assert again == stored


def test_rncp_adds_its_metiers(live_partner: LiveServer) -> None:
    by_rncp = _search(live_partner, f"{AROUND}&rncp=RNCP35316")
    assert by_rncp == _search(live_partner, f"{AROUND}&romes=D1102,D1104")
    r = live_partner.get(f"/api/v3/jobs/search?{AROUND}&rncp=RNCP99999")
    assert r.status_code == 400
    assert r.json()["message"] == "Cannot find an active Certification for the given RNCP"
    bad = live_partner.get(f"/api/v3/jobs/search?{AROUND}&rncp=RNCP1")
    assert bad.status_code == 400 and bad.json()["message"].startswith("querystring.rncp:")


def test_filters(live_partner: LiveServer) -> None:
    base = f"{AROUND}&romes=D1102,D1104"
    kept = _search(live_partner, f"{base}&partners_to_exclude=France Travail,recruteurs_lba")
    assert "France Travail" not in {j["identifier"]["partner_label"] for j in kept["jobs"]}
    assert kept["recruiters"] == []
    repeated = _search(
        live_partner,
        f"{base}&partners_to_exclude=France Travail&partners_to_exclude=recruteurs_lba",
    )
    assert repeated == kept
    cantal = _search(live_partner, "romes=D1102&departements=15")
    assert cantal["jobs"] and cantal["recruiters"]
    assert _search(live_partner, "romes=D1102&departements=63") == {
        "jobs": [],
        "recruiters": [],
        "warnings": [],
    }
    far = _search(live_partner, "latitude=48.85&longitude=2.35&radius=10&romes=D1102")
    assert far["jobs"] == [] and far["recruiters"] == []
    # The synced items say no employer is engaged for disabled workers.
    assert _search(live_partner, f"{base}&elligibleHandicapFilter=true")["jobs"] == []


def test_validation_and_token(live_partner: LiveServer, live_with_token: LiveServer) -> None:
    r = live_partner.get("/api/v3/jobs/search?latitude=abc&longitude=2.44")
    assert r.status_code == 400
    assert r.json()["statusCode"] == 400 and r.json()["message"].startswith("querystring.latitude")
    refused = live_with_token.get("/api/v3/jobs/search?romes=D1102", headers={"Authorization": ""})
    assert refused.status_code == 401
    assert live_with_token.get(f"/api/v3/jobs/search?{AROUND}&romes=D1102").status_code == 200
