"""Today's upstream as it answers: texts on request, no CFA e-mail, handicap-engaged employers
only through the filtered search, partner fields; and a catalogue synced from it keeps them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lba_desktop import paths
from lba_desktop.cli import main
from lba_desktop.data import parsers
from lba_desktop.data import upstream_validation as uv
from lba_desktop.data.apprentissage_client import ApprentissageClient
from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.data.http import RetryPolicy
from lba_desktop.data.lba_client import LbaClient
from lba_desktop.models import Item, Kind
from lba_desktop.sync import make_scope
from lba_desktop.sync_handi import HandiPass
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream
from tests.fake_upstream.shapes import HANDI_KEY
from tests.unit.test_sync import make_service

HANDI_KINDS = (Kind.OFFRE, Kind.PARTENARIAT, Kind.ENTREPRISE)


def lba(server: FakeUpstream) -> LbaClient:
    return LbaClient(
        base_url=server.api_url,
        caller="tests@example.org lba-desktop",
        retry=RetryPolicy(attempts=1, base_delay=0.0),
    )


def jobs(server: FakeUpstream) -> ApprentissageClient:
    return ApprentissageClient(
        base_url=server.api_url, api_key="test-key", retry=RetryPolicy(attempts=1, base_delay=0.0)
    )


def test_trainings_texts_only_on_request_and_no_cfa_email(
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    client = lba(fake_upstream)
    bare = client.formations_par_region(departement="15", with_description=False)["results"]
    full = client.formations_par_region(departement="15")["results"]
    assert bare and len(bare) == len(full)
    assert all(f["training"]["description"] is None for f in bare)
    assert all(f["training"]["objectif"] is None for f in bare)
    assert all(f["training"]["description"] for f in full)
    # The contact is a phone and `hasEmail`, never an address, with or without the option.
    assert all(set(f["contact"]) == {"phone", "hasEmail"} for f in bare + full)
    assert not any(f["contact"]["hasEmail"] for f in full)
    near = client.formations(["D1102", "G1602"], 45.0, 2.5, 100)["results"]
    assert near and all(f["training"]["description"] for f in near)
    assert uv.validate_formations_par_region(
        {"departement": "15", "caller": "x", "options": "all"}
    ) == ["options : seule la valeur « with_description » est possible"]


def test_jobs_items_say_nothing_of_handicap_and_the_filter_answers_the_engaged(
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    client = jobs(fake_upstream)
    everyone = client.jobs_search(departements="63")
    engaged = client.jobs_search(departements="63", handi_engaged_only=True)
    for entry in everyone["jobs"] + everyone["recruiters"]:
        assert "is_disabled_elligible" not in entry and HANDI_KEY not in entry
    engaged_ids = {j["identifier"]["id"] for j in engaged["jobs"]}
    all_ids = {j["identifier"]["id"] for j in everyone["jobs"]}
    assert engaged_ids and engaged_ids < all_ids
    held = {j["identifier"]["id"]: j for j in fake_upstream.state.jobs}
    assert all(held[i][HANDI_KEY] for i in engaged_ids)
    assert {r["workplace"]["siret"] for r in engaged["recruiters"]} < {
        r["workplace"]["siret"] for r in everyone["recruiters"]
    }
    # Only active, unexpired offers are listed, with the partner fields of the spec.
    assert {j["offer"]["status"] for j in everyone["jobs"]} == {"Active"}
    sample = everyone["jobs"][0]
    assert sample["offer"]["publication"]["expiration"]
    assert isinstance(sample["offer"]["desired_skills"], list)
    assert isinstance(sample["offer"]["access_conditions"], list)
    assert "partner_label" in sample["identifier"] and "is_delegated" in sample


def test_a_wrong_handicap_filter_value_is_refused(
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    import requests

    answer = requests.get(
        fake_upstream.api_url + "/v3/jobs/search",
        params={"departements": "15", "elligibleHandicapFilter": "oui"},
        headers={"authorization": "Bearer test-key"},
        timeout=5,
    )
    assert answer.status_code == 400
    assert "elligibleHandicapFilter" in answer.text


def test_older_shapes_on_switch(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    fake_upstream.state.shapes = "2024"
    try:
        found = lba(fake_upstream).formations_par_region(departement="15", with_description=False)[
            "results"
        ]
        assert all(f["training"]["description"] and f["contact"]["email"] for f in found)
        listed = jobs(fake_upstream).jobs_search(departements="15")["jobs"]
        assert any(j["is_disabled_elligible"] for j in listed)
    finally:
        fake_upstream.state.shapes = "2026"


def _engaged_keys(server: FakeUpstream, dep: str) -> set[tuple[Kind, str]]:
    """What the engaged pass answers, as (kind, id) once parsed."""
    body = jobs(server).jobs_search(departements=dep, handi_engaged_only=True)
    return {(i.kind, i.id) for i in parsers.parse_jobs_search(body).items}


def test_synced_catalogue_has_what_a_counsellor_reads(
    demo_home: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    result = make_service(fake_upstream).run(make_scope(departements=["15", "19"]))
    assert result.ok, result.summary_fr()
    store = CatalogueStore(paths.catalogue_path())
    try:
        items = list(store.iter_items())
    finally:
        store.close()
    formations = [i for i in items if i.kind is Kind.FORMATION]
    assert formations and all(i.details["description"] for i in formations)
    assert all(i.details["objectif"] for i in formations)
    # No e-mail is invented for a CFA: the upstream says it has none to give.
    assert all(i.email == "" and i.details["cfa_has_email"] is False for i in formations)

    tagged = {(i.kind, i.id) for i in items if i.kind in HANDI_KINDS and i.handi_friendly}
    assert tagged == _engaged_keys(fake_upstream, "15") | _engaged_keys(fake_upstream, "19")
    untagged = [i for i in items if i.kind in HANDI_KINDS and not i.handi_friendly]
    assert untagged  # most employers are not engaged

    offers = [i for i in items if i.kind in (Kind.OFFRE, Kind.PARTENARIAT)]
    assert offers and all(i.details["status"] == "Active" for i in offers)
    assert all(i.details["expiration"] for i in offers)
    assert any(i.details["access_conditions"] for i in offers)
    assert all(i.details["desired_skills"] and i.details["partner_label"] for i in offers)
    assert {i.details["remote"] for i in offers} >= {"onsite", "hybrid", "remote"}
    assert any(i.kind is Kind.PARTENARIAT and i.details["delegated"] for i in offers)
    held = {j["identifier"]["id"]: j for j in fake_upstream.state.jobs}
    closed = {i for i, j in held.items() if j["offer"]["status"] != "Active"}
    assert closed and not closed & {i.id for i in offers}


def test_cli_handi_lists_exactly_the_employers_the_engaged_pass_returned(
    demo_home: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert make_service(fake_upstream).run(make_scope(departements=["15"])).ok
    capsys.readouterr()
    store = CatalogueStore(paths.catalogue_path())
    try:
        with_code = {(i.kind, i.id) for i in store.iter_items() if "D1214" in i.romes}
    finally:
        store.close()
    argv = ["search", "--metier", "D1214", "--lieu", "Cantal", "--handi", "--json"]
    argv += ["--limit", "5000"]
    assert main([*argv, "--types", "offres,entreprises,partenariats"]) == 0
    found = json.loads(capsys.readouterr().out)["resultats"]
    assert found and all(r["employeur_handi_engage"] is True for r in found)
    expected = _engaged_keys(fake_upstream, "15") & with_code
    assert {(Kind(r["type"]), r["id"]) for r in found} == expected
    # Trainings are not employers: the filter leaves them listed, with no handicap claim.
    assert main([*argv, "--types", "formations"]) == 0
    trainings = json.loads(capsys.readouterr().out)["resultats"]
    assert trainings and all(r["employeur_handi_engage"] is None for r in trainings)


def test_a_handicap_filter_the_service_ignores_tags_nobody(
    demo_home: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    fake_upstream.state.handicap_filter_applied = False
    result = make_service(fake_upstream).run(make_scope(departements=["15"]))
    assert result.ok, result.summary_fr()
    assert any(
        "n'a pas appliqué le filtre « employeur handi-engagé »" in w for w in result.warnings
    )
    store = CatalogueStore(paths.catalogue_path())
    try:
        assert not any(i.handi_friendly for i in store.iter_items() if i.kind in HANDI_KINDS)
    finally:
        store.close()


def test_handi_pass_tags_only_what_it_can_vouch_for() -> None:
    def item(kind: Kind, ident: str) -> Item:
        return Item(kind=kind, id=ident, title=ident)

    a, b, c = item(Kind.OFFRE, "a"), item(Kind.ENTREPRISE, "b"), item(Kind.OFFRE, "c")
    extra = item(Kind.PARTENARIAT, "d")
    handi = HandiPass()
    handi.add_plain(("15", ()), (a, b))
    handi.add_engaged(("15", ()), (b, extra))  # d: beyond what the plain pass listed
    handi.add_plain(("19", ()), (c,))
    handi.add_engaged(("19", ()), (c,))  # the whole answer again: the filter was ignored
    handi.add_plain(("63", ()), (item(Kind.OFFRE, "e"),))
    handi.fail(("63", ()))
    tagged, warnings = handi.tag([a, b, c, item(Kind.OFFRE, "e")])
    assert {i.id for i in tagged if i.handi_friendly} == {"b", "d"}
    assert len(tagged) == 5
    assert any("(départements 19)" in w for w in warnings)
    assert any("non vérifiés (départements 63)" in w for w in warnings)


def test_parsers_read_contacts_and_offer_states_as_published() -> None:
    def training(contact: object) -> dict[str, object]:
        return {"cleMinistereEducatif": f"k{len(str(contact))}", "title": "CAP", "contact": contact}

    found = parsers.parse_formations(
        {
            "results": [
                training({"phone": "0471000000", "hasEmail": False}),
                training({"phone": None, "hasEmail": True, "email": "cfa@exemple.fr"}),
                training(None),
            ]
        }
    ).items
    assert [(i.email, i.details["cfa_has_email"]) for i in found] == [
        ("", False),
        ("cfa@exemple.fr", True),
        ("", None),
    ]

    def job(ident: str, status: object, expiration: object) -> dict[str, object]:
        return {
            "identifier": {"id": ident, "partner_label": "Hellowork"},
            "offer": {
                "title": "Apprenti",
                "status": status,
                "publication": {"creation": "2026-01-02", "expiration": expiration},
            },
        }

    outcome = parsers.parse_jobs_search(
        {
            "jobs": [
                job("active", "Active", "2099-01-01T00:00:00.000Z"),
                job("no-date", "Active", None),
                job("pending", "Pending", None),
                job("filled", "Filled", None),
                job("expired", "Active", "2021-03-01T00:00:00.000Z"),
                job("odd-date", "Active", "bientôt"),
            ],
            "recruiters": [],
            "warnings": [],
        }
    )
    assert {i.id for i in outcome.items} == {"active", "no-date", "odd-date"}
    assert outcome.skipped == 3


def test_cli_json_details_carry_everything_the_sync_brought(
    demo_home: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert make_service(fake_upstream).run(make_scope(departements=["63"])).ok
    capsys.readouterr()
    listed = jobs(fake_upstream).jobs_search(departements="63")["jobs"]
    code = next(j["offer"]["rome_codes"][0] for j in listed if j["is_delegated"])
    argv = ["search", "--metier", code, "--lieu", "Puy-de-Dôme", "--limit", "500"]
    assert main([*argv, "--json", "--details"]) == 0
    found = json.loads(capsys.readouterr().out)["resultats"]
    trainings = [r["details"] for r in found if r["type"] == "formation"]
    assert trainings and all(d["description"] and d["sessions"] for d in trainings)
    assert all(d["cfa_has_email"] is False and d["email"] == "" for d in trainings)
    assert all(d["telephone"] for d in trainings)
    partners = [r["details"] for r in found if r["type"] == "partenariat"]
    assert partners and all(d["delegated"] is True and d["is_delegated"] is True for d in partners)
    offers = [r["details"] for r in found if r["type"] == "offre"]
    assert all(d["is_delegated"] is False for d in offers)
    assert all(d["desired_skills"] and d["expiration"] for d in partners)
    assert all(isinstance(d["access_conditions"], list) for d in partners)
    # Without --json there is nothing to add the details to: a clear refusal.
    assert main([*argv, "--details"]) == 2
    assert "--details va avec --json" in capsys.readouterr().err
