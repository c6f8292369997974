"""Parsers on hand-written upstream fixtures: every kind, nulls, strings as numbers, positions."""

from __future__ import annotations

import gc
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lba_desktop.data import parsers
from lba_desktop.data.bulk import gc_paused
from lba_desktop.data.parsers import ParseOutcome, dedupe, departement_of, diploma_level
from lba_desktop.models import Item, Kind

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "upstream"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def by_id(outcome: ParseOutcome) -> dict[str, Item]:
    return {item.id: item for item in outcome.items}


def assert_json_details(outcome: ParseOutcome) -> None:
    for item in outcome.items:
        json.dumps(dict(item.details))  # the catalogue stores details as JSON


def test_formations_fields_and_tolerance() -> None:
    outcome = parsers.parse_formations(load("formations.json"))
    items = by_id(outcome)
    assert outcome.skipped == 3  # no id, a string, a null
    assert set(items) == {
        "088281P01313885594860007038855948600070-15014#L01",
        "KEY-STRINGS-AS-NUMBERS",
        "KEY-NO-COORDINATES",
        "KEY-NOWHERE",
        "only-an-id-0001",
    }
    cap = items["088281P01313885594860007038855948600070-15014#L01"]
    assert cap.kind is Kind.FORMATION
    assert cap.title == "CAP Boulanger (duplicate)"  # same id twice: one item, the later one
    first = parsers.parse_formations({"results": [load("formations.json")["results"][0]]}).items[0]
    assert first.title == "CAP Boulanger"
    assert first.diploma_level == 3
    assert first.romes == ("D1102",)
    assert (first.insee, first.postcode, first.departement) == ("15014", "15000", "15")
    assert (first.lat, first.lon) == (44.93, 2.44)
    assert first.handi_friendly is True
    assert first.url == "https://www.onisep.example/formation/boulanger"
    assert first.source == "lba-formations"
    assert first.siret == "11122233300014"
    assert first.details["rdv_eligible"] is True
    assert first.details["rdv_url"] == "https://rdv.example/form/1"
    assert first.details["sessions"][0]["start"].startswith("2026-09-07")
    assert first.details["cfa_gestionnaire"] == "Chambre des Métiers Fictive"
    strings = items["KEY-STRINGS-AS-NUMBERS"]
    assert (strings.lat, strings.lon) == (44.9, 2.45)
    assert strings.diploma_level == 5
    assert strings.title == "BTS MANAGEMENT COMMERCIAL OPERATIONNEL"
    assert strings.details["duration"] == 365.0
    assert items["KEY-NO-COORDINATES"].departement == "2A"
    assert items["KEY-NOWHERE"].departement == "974"
    assert items["only-an-id-0001"].diploma_level == 7
    assert_json_details(outcome)


def test_missing_positions_counted_without_locator() -> None:
    outcome = parsers.parse_formations(load("formations.json"))
    items = by_id(outcome)
    assert not items["KEY-NO-COORDINATES"].has_position
    assert not items["KEY-NOWHERE"].has_position
    assert not items["only-an-id-0001"].has_position
    assert outcome.without_position == 3


def test_missing_positions_located_by_callback() -> None:
    asked: list[tuple[str, str]] = []

    def locate(insee: str, postcode: str) -> tuple[float, float] | None:
        asked.append((insee, postcode))
        return (41.93, 8.74) if insee == "2A004" else None

    outcome = parsers.parse_formations(load("formations.json"), locate=locate)
    items = by_id(outcome)
    assert (items["KEY-NO-COORDINATES"].lat, items["KEY-NO-COORDINATES"].lon) == (41.93, 8.74)
    assert ("2A004", "20000") in asked
    assert ("97411", "97411") in asked
    assert outcome.without_position == 2  # the 974 one and the one with no place at all


def test_v3_jobs_and_recruiters() -> None:
    outcome = parsers.parse_jobs_search(load("jobs_search_v3.json"))
    items = by_id(outcome)
    assert outcome.skipped == 2  # a filled offer, a recruiter without SIRET
    offer = items["6650aa000000000000000001"]
    assert offer.kind is Kind.OFFRE
    assert offer.source == "recruteurs-lba"
    assert (offer.lat, offer.lon) == (44.927, 2.445)  # GeoJSON order is [lon, lat]
    assert (offer.postcode, offer.commune, offer.departement) == ("15000", "AURIVAL", "15")
    assert offer.diploma_level == 3
    assert offer.created == date(2026, 10, 1)
    assert offer.opco == "Opco entreprises de proximité"
    assert offer.url == "https://apply.example/1"
    assert offer.details["contract_duration_months"] == 24
    assert offer.details["opening_count"] == 2
    assert offer.details["naf_code"] == "1071C"
    delegated = items["6650aa000000000000000002"]
    assert delegated.kind is Kind.PARTENARIAT
    assert delegated.organisation == "GARAGE DES PUYS"
    assert delegated.details["opening_count"] == 1
    ft = items["France Travail:FT-204XYZ"]  # no upstream id: partner label + partner job id
    assert ft.source == "france-travail"
    assert not ft.has_position
    assert ft.diploma_level is None
    assert ft.departement == "19"
    company = items["55566677700044"]
    assert company.kind is Kind.ENTREPRISE
    assert company.source == "lba-algo"
    assert company.title == "Menuiserie Chanterive"
    assert (company.lat, company.lon) == (45.85, 3.55)
    assert company.details["score"] == 0.82
    assert company.details["why"].startswith("Candidature spontanée")
    assert outcome.warnings == (
        "Avertissement du service : Unable to retrieve job offers from France Travail API",
    )
    assert outcome.without_position == 1
    assert_json_details(outcome)


def test_v1_jobs_et_formations_every_idea_type() -> None:
    outcome = parsers.parse_v1_jobs(load("jobs_et_formations_v1.json"))
    items = by_id(outcome)
    kinds = {item.id: item.kind for item in outcome.items}
    assert kinds["V1-FORMATION-0001"] is Kind.FORMATION
    assert items["V1-FORMATION-0001"].diploma_level == 5
    pe = items["204ABCD"]
    assert (pe.kind, pe.source) == (Kind.OFFRE, "france-travail")
    assert (pe.lat, pe.lon) == (45.78, 3.09)
    assert pe.handi_friendly is True
    assert pe.url == "https://candidat.example/offres/204ABCD"
    assert pe.details["contract_type"] == "CDD"
    matcha = items["65aa00000000000000000010"]
    assert (matcha.kind, matcha.source) == (Kind.OFFRE, "recruteurs-lba")
    assert matcha.updated == date(2026, 11, 1)
    assert matcha.details["rythm"] == "2 jours / 3 jours"
    partnership = items["65aa00000000000000000011"]
    assert partnership.kind is Kind.PARTENARIAT
    assert partnership.diploma_level == 7  # "Master"
    assert partnership.details["cfa"] == "CFA Gestion Horizon"
    company = items["66677788800099"]
    assert (company.kind, company.source) == (Kind.ENTREPRISE, "lba-algo")
    assert company.details["naf_label"].startswith("Entretien")
    assert (company.postcode, company.commune, company.departement) == ("19000", "TULLE", "19")
    partner = next(i for i in outcome.items if i.title.startswith("Commis"))
    assert partner.source == "partenaires"
    assert partner.id.startswith("h")  # no id upstream: a stable content hash
    again = parsers.parse_v1_jobs(load("jobs_et_formations_v1.json"))
    assert partner.id in by_id(again)
    lba_offer = items["lba-offer-77"]
    assert lba_offer.source == "recruteurs-lba"
    assert outcome.without_position == 1  # the matcha with null coordinates
    assert outcome.warnings == ()
    assert_json_details(outcome)


def test_subsource_errors_become_warnings() -> None:
    outcome = parsers.parse_v1_jobs(load("v1_jobs_subsource_error.json"))
    assert [i.id for i in outcome.items] == ["65bb00000000000000000001"]
    assert outcome.warnings == (
        "Source « offres France Travail » indisponible : "
        "Erreur lors de l'appel à l'API France Travail",
    )
    outcome = parsers.parse_any(load("jobs_et_formations_formations_error.json"))
    assert [i.kind for i in outcome.items] == [Kind.ENTREPRISE]
    assert outcome.warnings[0].startswith("Source « formations » indisponible")


def test_parse_any_detects_shapes() -> None:
    assert {i.kind for i in parsers.parse_any(load("formations.json")).items} == {Kind.FORMATION}
    v3 = parsers.parse_any(load("jobs_search_v3.json"))
    assert {i.kind for i in v3.items} == {Kind.OFFRE, Kind.PARTENARIAT, Kind.ENTREPRISE}
    v1 = parsers.parse_any(load("jobs_et_formations_v1.json"))
    assert len(v1.items) == len(parsers.parse_v1_jobs(load("jobs_et_formations_v1.json")).items)
    export = parsers.parse_any(load("jobs_search_v3.json")["jobs"])  # a bulk export is a list
    assert len(export.items) == 3
    mixed = parsers.parse_any(
        {"results": load("jobs_et_formations_v1.json")["jobs"]["matchas"]["results"]}
    )
    assert {i.kind for i in mixed.items} == {Kind.OFFRE, Kind.PARTENARIAT}
    assert parsers.parse_any({"what": 1}).warnings
    assert parsers.parse_any("nonsense").items == ()
    assert parsers.parse_any(None).warnings


def test_null_everything_never_raises() -> None:
    nulls = {"place": None, "romes": None, "training": None, "company": None, "job": None}
    for payload in (
        {"results": [{"cleMinistereEducatif": "K", **nulls}]},
        {
            "jobs": [{"identifier": {"id": "1"}, "workplace": None, "offer": None, "apply": None}],
            "recruiters": None,
            "warnings": None,
        },
        {"jobs": None, "formations": None},
        {"peJobs": {"results": [{"ideaType": "peJob", **nulls}]}},
    ):
        outcome = parsers.parse_any(payload)
        assert isinstance(outcome, ParseOutcome)
        assert_json_details(outcome)


def test_helpers() -> None:
    assert diploma_level("5 (BTS, DEUST...)") == 5
    assert diploma_level("6") == 6
    assert diploma_level(4) == 4
    assert diploma_level("Licence") == 6
    assert diploma_level("Cap, autres formations niveau (Infrabac)") == 3
    assert diploma_level("Indifférent") is None
    assert diploma_level("9") is None
    assert departement_of("2B033") == "2B"
    assert departement_of("", "20200") == "2B"
    assert departement_of("", "20090") == "2A"
    assert departement_of("97209") == "972"
    assert departement_of("", "15000") == "15"
    assert departement_of("", "") == ""


def test_dedupe_keeps_most_recently_updated() -> None:
    old = Item(kind=Kind.OFFRE, id="1", title="old", updated=date(2026, 1, 1))
    new = Item(kind=Kind.OFFRE, id="1", title="new", updated=date(2026, 5, 1))
    other_kind = Item(kind=Kind.PARTENARIAT, id="1", title="other")
    assert [i.title for i in dedupe([new, old, other_kind])] == ["new", "other"]
    assert [i.title for i in dedupe([old, new])] == ["new"]
    merged = ParseOutcome(items=(old,), skipped=1).merged(
        ParseOutcome(items=(new,), warnings=("w",))
    )
    assert [i.title for i in merged.items] == ["new"]
    assert (merged.skipped, merged.warnings) == (1, ("w",))


def test_a_parse_leaves_the_cycle_collector_as_it_found_it() -> None:
    assert gc.isenabled()
    parsers.parse_formations({"results": [{"cleMinistereEducatif": "x", "title": "T"}]})
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
    gc.disable()  # paused by someone else: not re-enabled behind their back
    try:
        parsers.parse_any([{"ideaType": "formation", "id": "y"}])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_absurd_numbers_become_unknown_instead_of_stopping_the_parse() -> None:
    payload = load("jobs_search_v3.json")
    first = payload["jobs"][0]
    first["offer"]["opening_count"] = "1e999"  # infinity once read
    first["contract"]["duration"] = 10**40  # beyond what SQLite stores
    first["workplace"]["location"]["geopoint"]["coordinates"] = ["NaN", "inf"]
    outcome = parsers.parse_jobs_search(payload)
    offer = by_id(outcome)["6650aa000000000000000001"]
    assert offer.details["opening_count"] is None
    assert offer.details["contract_duration_months"] is None
    assert not offer.has_position
    assert_json_details(outcome)
