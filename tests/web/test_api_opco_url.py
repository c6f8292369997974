"""`opcoUrl`: job opportunities limited to the employers an OPCO's site names, as upstream."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import orjson

from lba_desktop.data.catalogue import CatalogueWriter
from lba_desktop.data.parsers import parse_v1_jobs
from lba_desktop.partner_api.service import ApiService
from tests.web.conftest import LiveServer

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "upstream"
AROUND = "latitude=44.93&longitude=2.44&radius=30&insee=15014&caller=t"
GROUPS = ("peJobs", "partnerJobs", "matchas", "lbaCompanies")


def test_an_unknown_opco_site_leaves_the_trainings_and_no_job(live_partner: LiveServer) -> None:
    query = f"/api/V1/jobsEtFormations?romes=D1102,D1104&{AROUND}"
    plain = live_partner.get(query).json()
    site = live_partner.get(query + "&opcoUrl=www.jecompte.fr").json()
    assert plain["formations"]["results"] and site["formations"] == plain["formations"]
    assert any(plain["jobs"][g]["results"] for g in GROUPS)
    # The synced catalogue knows no employer's OPCO site (2026 answers give none): as
    # upstream does for employers whose site it does not know, none is left.
    assert all(site["jobs"][g]["results"] == [] for g in GROUPS)


def _offers(service: ApiService, params: dict[str, str]) -> list[dict]:
    return orjson.loads(orjson.dumps(service.jobs(params)))["peJobs"]["results"]


def test_employers_of_that_opco_site_are_kept(tmp_path: Path) -> None:
    payload = json.loads((FIXTURE / "jobs_et_formations_v1.json").read_text(encoding="utf-8"))
    jobs = payload["jobs"]
    offer = jobs["peJobs"]["results"][0]
    other = copy.deepcopy(offer)
    other["id"] = other["job"]["id"] = "204ABCE"
    other["company"]["opco"] = {"label": "AKTO", "url": "www.akto.fr"}
    offer["company"]["opco"]["url"] = "www.jecompte.fr"
    jobs["peJobs"]["results"].append(other)
    writer = CatalogueWriter(tmp_path / "catalogue.sqlite")
    writer.add_items(parse_v1_jobs(payload).items)
    writer.finish()
    service = ApiService.open(tmp_path / "catalogue.sqlite")
    where = {"romes": "D1106", "latitude": "45.78", "longitude": "3.09", "radius": "10",
             "insee": "63113"}  # fmt: skip
    params = {**where, "caller": "t", "sources": "offres"}
    assert len(_offers(service, params)) == 2
    found = _offers(service, {**params, "opcoUrl": "WWW.JeCompte.fr"})
    assert [o["id"] for o in found] == [offer["id"]]
    assert found[0]["company"]["opco"] == {
        "label": "Opco entreprises de proximité",
        "url": "www.jecompte.fr",
    }
