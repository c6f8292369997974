"""Our catalogue `Item`s as the items of the La Bonne Alternance V1 API, by group (no I/O)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lba_desktop.data.parsers.common import SOURCE_FRANCE_TRAVAIL, SOURCE_RECRUTEURS_LBA
from lba_desktop.geo import distance_km
from lba_desktop.models import DIPLOMA_LEVELS, Item, Kind
from lba_desktop.partner_api.v1_job_shapes import (
    lba_company_item,
    matcha_item,
    partner_job_item,
    pe_job_item,
)
from lba_desktop.partner_api.v1_values import (
    RomeLabel,
    company_of,
    contact_of,
    iso,
    place_of,
    romes_of,
    text,
)

# The V1 group of an item: France Travail's offers are `peJobs`, the offers of LBA's own
# recruiters (a CFA posting for a company among them) `matchas`, other job boards'
# `partnerJobs`, recruiting companies `lbaCompanies`.
GROUPS = ("peJobs", "partnerJobs", "matchas", "lbaCompanies")
DAYS_PER_MONTH = 30.4


def group_of(item: Item) -> str:
    if item.kind is Kind.FORMATION:
        return "formations"
    if item.kind is Kind.ENTREPRISE:
        return "lbaCompanies"
    if item.kind is Kind.PARTENARIAT or item.source == SOURCE_RECRUTEURS_LBA:
        return "matchas"
    if item.source == SOURCE_FRANCE_TRAVAIL:
        return "peJobs"
    return "partnerJobs"


# `sources` values of V1 and the groups they select.
SOURCE_GROUPS: Mapping[str, frozenset[str]] = {
    "formation": frozenset({"formations"}),
    "offres": frozenset({"peJobs"}),
    "peJob": frozenset({"peJobs"}),
    "partnerJob": frozenset({"partnerJobs"}),
    "matcha": frozenset({"matchas"}),
    "lba": frozenset({"lbaCompanies"}),
    "lbb": frozenset({"lbaCompanies"}),
}


def _headquarter(item: Item) -> dict[str, Any] | None:
    name = text(item.details.get("cfa_gestionnaire"))
    if name is None:
        return None
    return {
        "id": None,
        "uai": None,
        "siret": None,
        "type": None,
        "hasConvention": None,
        "place": None,
        "name": name,
    }


def formation_item(item: Item, distance: float | None, rome_label: RomeLabel) -> dict[str, Any]:
    d = item.details
    months = d.get("duration_months")
    days = d.get("duration") or (round(months * DAYS_PER_MONTH) if months else None)
    sessions = [
        {
            "startDate": iso(s.get("start")),
            "endDate": iso(s.get("end")),
            "isPermanentEntry": bool(s.get("permanent")),
        }
        for s in d.get("sessions") or ()
    ]
    level = DIPLOMA_LEVELS.get(item.diploma_level) if item.diploma_level else None
    company = company_of(
        item,
        name=text(d.get("cfa")) or text(item.organisation),
        mandataire=None,
        headquarter=_headquarter(item),
    )
    return {
        "ideaType": "formation",
        "id": item.id,
        "title": item.title,
        "longTitle": text(d.get("long_title")) or text(d.get("diploma")) or item.title,
        "diploma": text(d.get("diploma")),
        "diplomaLevel": level,
        "target_diploma_level": level,
        "cfd": text(d.get("cfd")),
        "rncpCode": text(d.get("rncp_code")),
        "rncpLabel": text(d.get("rncp_label")),
        "rncpEligibleApprentissage": None,
        "period": None,
        "capacity": text(d.get("capacity") or d.get("places")),
        "onisepUrl": text(d.get("onisep_url")),
        "cleMinistereEducatif": d.get("cle_ministere_educatif") or item.id,
        "idRco": None,
        "idRcoFormation": None,
        "detailsLoaded": True,
        "romes": romes_of(item, rome_label),
        "place": place_of(item, distance),
        "company": company,
        "contact": contact_of(item),
        "training": {
            "description": text(d.get("description")),
            "objectif": text(d.get("objectif")),
            "duration": round(days) if days else None,
            "sessions": sessions,
        },
        "rdvContext": None,
    }


CONVERTERS: Mapping[str, Callable[[Item, float | None, RomeLabel], dict[str, Any]]] = {
    "formations": formation_item,
    "peJobs": pe_job_item,
    "partnerJobs": partner_job_item,
    "matchas": matcha_item,
    "lbaCompanies": lba_company_item,
}


def v1_item(
    item: Item,
    distance: float | None,
    rome_label: RomeLabel,
    *,
    origin: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """The V1 item for `item`; `origin` gives a distance when the search had no radius."""
    convert = CONVERTERS[group_of(item)]
    return convert(item, distance_from(item, distance, origin), rome_label)


def distance_from(
    item: Item, distance: float | None, origin: tuple[float, float] | None
) -> float | None:
    if distance is None and origin is not None and item.has_position:
        return round(distance_km(origin[0], origin[1], item.lat, item.lon), 1)  # type: ignore[arg-type]
    return distance
