"""Job opportunities as V1 items: `peJob`, `matcha`, `partnerJob` and `lba` (no I/O).

Each item holds the union of its 2024 and 2026 keys, as partners read them; keys the local
catalogue cannot know are null (or the empty string where upstream's type is a plain string).
"""

from __future__ import annotations

from typing import Any

from lba_desktop.data.parsers.common import SOURCE_FRANCE_TRAVAIL, SOURCE_RECRUTEURS_LBA
from lba_desktop.models import DIPLOMA_LEVELS, Item
from lba_desktop.partner_api.v1_values import (
    RomeLabel,
    company_of,
    contact_of,
    contract_types,
    iso,
    joined,
    nafs_of,
    place_of,
    romes_of,
    text,
    texts,
)

# V3 offer statuses, in the French words of the V1 enum.
_STATUS = {"active": "Active", "filled": "Pourvue", "cancelled": "Annulée", "pending": "En attente"}
# Partner labels upstream writes for the sources whose offers carry none locally.
_PARTNER_OF_SOURCE = {
    SOURCE_FRANCE_TRAVAIL: "France Travail",
    SOURCE_RECRUTEURS_LBA: "offres_emploi_lba",
}
# Applying through LBA needs a token the upstream signs; a local server has none to give.
NO_TOKEN = ""


def recipient_id(item: Item) -> str:
    """Whom an application goes to: the id upstream gave, or its `partners_<id>` form."""
    return text(item.details.get("apply_recipient_id")) or f"partners_{item.id}"


def _apply_url(item: Item) -> str | None:
    return text(item.details.get("apply_url") or item.url)


def _level(item: Item) -> str | None:
    return DIPLOMA_LEVELS.get(item.diploma_level) if item.diploma_level else None


def _target_level(item: Item) -> str | None:
    return text(item.details.get("target_diploma_label")) or _level(item)


def job_of(item: Item) -> dict[str, Any]:
    d = item.details
    months = d.get("contract_duration_months") or d.get("duration_months")
    hours = d.get("weekly_hours")
    status = str(d.get("status") or "active").lower()
    return {
        "id": text(d.get("partner_job_id")) or item.id,
        "creationDate": iso(item.created),
        "description": text(d.get("description")),
        "employeurDescription": text(d.get("company_description")),
        "contractType": joined(d.get("contract_type")),
        "contractDescription": None,
        "duration": f"{hours} h par semaine" if hours else None,
        "dureeContrat": f"{months} mois" if months else None,
        "jobStartDate": iso(d.get("start_date") or d.get("contract_start")),
        "jobExpirationDate": iso(d.get("expiration")),
        "quantiteContrat": d.get("positions") or d.get("opening_count"),
        "elligibleHandicap": item.handi_friendly,
        "rythmeAlternance": text(d.get("contract_rythm")),
        "contract_rythm": text(d.get("contract_rythm")),
        "romeDetails": None,
        "status": _STATUS.get(status, "Active"),
        "type": contract_types(d.get("contract_type")),
        "partner_label": text(d.get("partner_label")) or _PARTNER_OF_SOURCE.get(item.source),
        "origin": text(d.get("origin")),
        "offer_desired_skills": texts(d.get("desired_skills")),
        "offer_to_be_acquired_skills": texts(d.get("to_be_acquired_skills")),
        "offer_to_be_acquired_knowledge": texts(d.get("to_be_acquired_knowledge")),
        "offer_access_conditions": texts(d.get("access_conditions")),
        "isCfaEntreprise": d.get("is_cfa_entreprise"),
    }


def _offer_company(item: Item, *, mandataire: bool) -> dict[str, Any]:
    return company_of(item, name=text(item.organisation), mandataire=mandataire)


def pe_job_item(item: Item, distance: float | None, rome_label: RomeLabel) -> dict[str, Any]:
    url = _apply_url(item)
    return {
        "ideaType": "peJob",
        "id": item.id,
        "title": item.title,
        "url": url,
        "detailsLoaded": True,
        "place": place_of(item, distance),
        "company": _offer_company(item, mandataire=False),
        "contact": contact_of(item, url=url),
        "job": job_of(item),
        "romes": romes_of(item, rome_label),
        "nafs": nafs_of(item),
    }


def matcha_item(item: Item, distance: float | None, rome_label: RomeLabel) -> dict[str, Any]:
    # A partenariat is posted by a CFA for the company: upstream calls that "mandataire".
    delegated = bool(item.details.get("delegated", item.kind.value == "partenariat"))
    return {
        "ideaType": "matcha",
        "id": item.id,
        "title": item.title,
        "applicationCount": 0,
        "token": NO_TOKEN,
        "recipient_id": recipient_id(item),
        "diplomaLevel": _level(item),
        "target_diploma_level": _target_level(item),
        "detailsLoaded": True,
        "place": place_of(item, distance),
        "company": _offer_company(item, mandataire=delegated),
        "contact": contact_of(item, url=_apply_url(item)),
        "job": job_of(item),
        "romes": romes_of(item, rome_label),
        "nafs": nafs_of(item),
    }


def partner_job_item(item: Item, distance: float | None, rome_label: RomeLabel) -> dict[str, Any]:
    return {
        "ideaType": "partnerJob",
        "id": item.id,
        "title": item.title,
        "applicationCount": 0,
        "token": NO_TOKEN,
        "recipient_id": recipient_id(item),
        "target_diploma_level": _target_level(item),
        "place": place_of(item, distance),
        "company": _offer_company(item, mandataire=bool(item.details.get("delegated"))),
        "contact": contact_of(item, url=_apply_url(item)),
        "job": job_of(item),
        "romes": romes_of(item, rome_label),
        "nafs": nafs_of(item),
    }


def lba_company_item(item: Item, distance: float | None, rome_label: RomeLabel) -> dict[str, Any]:
    name = text(item.details.get("legal_name")) or item.title
    return {
        "ideaType": "lba",
        "id": item.id,
        "title": item.title,
        "url": text(item.url),
        "applicationCount": 0,
        "token": None,
        "recipient_id": recipient_id(item),
        "status": "Active",
        "detailsLoaded": True,
        "place": place_of(item, distance),
        "company": company_of(item, name=name, mandataire=None),
        "contact": contact_of(item, url=_apply_url(item)),
        "nafs": nafs_of(item),
    }
