"""The V1 routes that open one item (by id, SIRET) or list métiers (by label, by CFD)."""

from __future__ import annotations

from tests.web.conftest import LiveServer

AROUND = "latitude=44.93&longitude=2.44&radius=30&insee=15014&caller=t"
COMPANY = "55566677500013"
FT_OFFER = "FT-204XYZ"
PARTNER_OFFER = "hw-0001"
LBA_OFFER = "6650aa000000000000000001"
CFA_OFFER = "6650aa000000000000000002"


def _opened(item: dict) -> dict:
    """An item as its own route gives it: without a search centre, no distance."""
    return {**item, "place": {**item["place"], "distance": None}}


def _search(live: LiveServer) -> dict:
    r = live.get(f"/api/V1/jobs?romes=D1102,D1104&{AROUND}")
    assert r.status_code == 200
    return r.json()


def test_each_offer_opens_by_its_id_as_its_group(live_partner: LiveServer) -> None:
    found = _search(live_partner)
    by_id = {o["id"]: _opened(o) for g in found.values() if g for o in g["results"]}
    ft = live_partner.get(f"/api/V1/jobs/job/{FT_OFFER}")
    assert ft.status_code == 200
    assert ft.json()["peJobs"] == [by_id[FT_OFFER]]
    # Upstream hides an offer's SIRET from API callers.
    assert ft.json()["peJobs"][0]["company"]["siret"]
    hidden = live_partner.get(f"/api/V1/jobs/job/{FT_OFFER}?caller=t").json()
    assert hidden["peJobs"][0]["company"]["siret"] is None
    partner = live_partner.get(f"/api/V1/jobs/partnerJob/{PARTNER_OFFER}").json()
    assert partner["partnerJobs"] == [by_id[PARTNER_OFFER]]
    for offer, delegated in ((LBA_OFFER, False), (CFA_OFFER, True)):
        matcha = live_partner.get(f"/api/V1/jobs/matcha/{offer}?caller=t").json()
        assert matcha["matchas"] == [by_id[offer]]
        assert matcha["matchas"][0]["company"]["mandataire"] is delegated
    company = live_partner.get(f"/api/V1/jobs/company/{COMPANY}?caller=t").json()
    assert company["lbaCompanies"] == [by_id[COMPANY]]


def test_unknown_ids_get_upstream_404_bodies(live_partner: LiveServer) -> None:
    # /jobs/job only opens France Travail's offers.
    for path, body in (
        (
            f"/api/V1/jobs/job/{PARTNER_OFFER}",
            {"statusCode": 404, "error": "Not Found", "message": "Not Found"},
        ),
        (
            "/api/V1/jobs/job/nope",
            {"statusCode": 404, "error": "Not Found", "message": "Not Found"},
        ),
        ("/api/V1/jobs/matcha/6650aa0000000000000000ff", {"error": "not_found"}),
        (f"/api/V1/jobs/partnerJob/{LBA_OFFER}", {"error": "not_found"}),
        (
            "/api/V1/jobs/company/73282932000074",
            {
                "error": "not_found",
                "status": 404,
                "result": "not_found",
                "message": "Société non trouvée",
            },
        ),
    ):
        r = live_partner.get(path + "?caller=t")
        assert r.status_code == 404, path
        assert r.json() == body, path


def test_offer_ids_are_checked_as_upstream_checks_them(live_partner: LiveServer) -> None:
    # LBA's and partners' offers have MongoDB ids upstream: any other id is refused before
    # the query string is read, unless it names an offer of the local catalogue.
    for route in ("matcha", "partnerJob"):
        for offer in (FT_OFFER, "123", "6650aa00000000000000000g"):
            r = live_partner.get(f"/api/V1/jobs/{route}/{offer}?nope=1")
            assert r.status_code == 400, (route, offer)
            assert r.json()["message"] == "params.id: Invalid input"
            assert r.json()["data"]["validationError"]["validationContext"] == "params"
    assert live_partner.get(f"/api/V1/jobs/partnerJob/{PARTNER_OFFER}").status_code == 200
    # France Travail's ids are any string: an unknown one is a 404.
    assert live_partner.get("/api/V1/jobs/job/6650aa00000000000000000g").status_code == 404


def test_company_siret_is_checked_as_upstream_checks_it(live_partner: LiveServer) -> None:
    luhn = (
        "params.siret: Le siret ne respecte pas l'algorithme luhn "
        "(https://fr.wikipedia.org/wiki/Formule_de_Luhn)"
    )
    r = live_partner.get("/api/V1/jobs/company/55566677500014")
    assert r.status_code == 400 and r.json()["message"] == luhn
    short = live_partner.get("/api/V1/jobs/company/123").json()
    assert short["message"] == "params.siret: SIRET invalide, " + luhn
    assert short["data"]["validationError"]["validationContext"] == "params"


def test_metiers_by_label(live_partner: LiveServer) -> None:
    body = live_partner.get("/api/V1/metiers/intitule?label=boulang").json()
    couples = body["coupleAppellationRomeMetier"]
    assert 1 <= len(couples) <= 30
    assert "D1102" in {c["codeRome"] for c in couples}
    assert all(set(c) == {"codeRome", "intitule", "appellation"} for c in couples)
    for query, message in (
        ("", "querystring.label: Required"),
        ("?label=", "querystring.label: String must contain at least 1 character(s)"),
        ("?label=pain&caller=t", "querystring.: Unrecognized key(s) in object: 'caller'"),
    ):
        r = live_partner.get("/api/V1/metiers/intitule" + query)
        assert r.status_code == 400 and r.json()["message"] == message, query


def test_metiers_of_a_training_diploma(live_partner: LiveServer, partner_service) -> None:
    metiers = live_partner.get("/api/V1/metiers/metiersParFormation/50022137").json()["metiers"]
    expected = {
        s.label for s in partner_service.metiers.sectors() if {"D1102", "D1104"} & set(s.romes)
    }
    assert metiers and set(metiers) == expected
    assert metiers == sorted(metiers, key=str.casefold)
    assert live_partner.get("/api/V1/metiers/metiersParFormation/99999999").json() == {
        "metiers": []
    }


def test_min_routes_answer_light_items_of_their_full_routes(live_partner: LiveServer) -> None:
    trainings = f"romes=D1102&{AROUND}"
    full = live_partner.get(f"/api/V1/formations?{trainings}").json()["results"]
    light = live_partner.get(f"/api/V1/formations/min?{trainings}").json()["results"]
    assert full and [t["id"] for t in light] == [t["id"] for t in full]
    for short, long in zip(light, full, strict=True):
        # A list's few keys, with the full item's values; the rest is read by id.
        assert set(short) == {"ideaType", "id", "title", "place", "company"}
        assert short["title"] == long["title"]
        assert short["place"]["city"] == long["place"]["city"]
        assert short["place"]["distance"] == long["place"]["distance"]
        assert short["company"] == {
            "name": long["company"]["name"],
            "siret": long["company"]["siret"],
            "headquarter": {"siret": (long["company"]["headquarter"] or {}).get("siret")},
        }
    jobs = f"romes=D1102,D1104&{AROUND}"
    full_jobs = _search(live_partner)
    light_jobs = live_partner.get(f"/api/V1/jobs/min?{jobs}").json()
    listed = {"ideaType", "id", "title", "place", "company"}
    applying = {"applicationCount", "token", "recipient_id"}
    keys = {
        "peJobs": listed | {"job", "contact"},
        "partnerJobs": listed | {"job", "contact"} | applying,
        "matchas": listed | {"job"} | applying,
        "lbaCompanies": listed | {"nafs"} | applying,
    }
    for group, wanted in keys.items():
        items = light_jobs[group]["results"]
        assert items, group
        assert [i["id"] for i in items] == [i["id"] for i in full_jobs[group]["results"]]
        for short, long in zip(items, full_jobs[group]["results"], strict=True):
            assert set(short) == wanted, group
            assert short["title"] == long["title"]
            assert short["company"]["siret"] == long["company"]["siret"]
            if "job" in short:
                assert short["job"] == {"creationDate": long["job"]["creationDate"]}
    assert light_jobs["matchas"]["results"][0]["company"]["mandataire"] in (True, False)
    assert light_jobs["lbaCompanies"]["results"][0]["nafs"][0]["label"] == (
        "Boulangerie et boulangerie-pâtisserie"
    )
    assert live_partner.get(f"/api/v1/JOBS/MIN?{jobs}").status_code == 200
    assert live_partner.get(f"/api/v1/jobs/COMPANY/{COMPANY}").status_code == 200
