"""`GET /api/v3/jobs/search` over the local catalogue: the 2026 route partners moved to.

The answer is `{jobs, recruiters, warnings}` in the 2026 shapes the sync itself reads (the
parsers in `data/parsers/jobs_v3.py` turn them back into the same items). An item the schema
cannot hold (no application link, no position) is left out with upstream's warning code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from lba_desktop.data import upstream_validation as uv
from lba_desktop.data.parsers.common import SOURCE_FRANCE_TRAVAIL, SOURCE_RECRUTEURS_LBA
from lba_desktop.geocoding import FRANCE_CENTRE
from lba_desktop.models import Hit, Item, Kind, Place, PlaceKind
from lba_desktop.partner_api.service import ApiService, SchemaError
from lba_desktop.partner_api.v1_job_shapes import recipient_id
from lba_desktop.partner_api.v1_values import contract_types, full_address, iso, naf_code, texts

DEFAULT_RADIUS = 30.0
RNCP_V3 = re.compile(r"^RNCP\d{3,5}$")
WARNINGS = {
    "JOB_OFFER_FORMATING_ERROR": "Some job offers are invalid and have been excluded due to "
    "unexpected errors.",
    "RECRUITERS_FORMATING_ERROR": "Some recruiters are invalid and have been excluded due to "
    "unexpected errors.",
}
LABEL_FRANCE_TRAVAIL = "France Travail"
LABEL_LBA_OFFERS = "offres_emploi_lba"
LABEL_RECRUITERS = "recruteurs_lba"
_EUROPEAN = {3: "3", 4: "4", 5: "5", 6: "6", 7: "7"}
_LEVEL_LABELS = {
    3: "Cap, autres formations (Infrabac)",
    4: "BP, Bac, autres formations (Bac)",
    5: "BTS, DEUST, autres formations (Bac+2)",
    6: "Licence, Maîtrise, autres formations (Bac+3 à Bac+4)",
    7: "Master, titre ingénieur, autres formations (Bac+5)",
}


class RncpUnknown(SchemaError):
    """Upstream's 400 for an RNCP code without an active certification (not a schema error)."""

    def __init__(self, rncp: str) -> None:
        super().__init__([])
        self.payload = {
            "statusCode": 400,
            "error": "Bad Request",
            "message": "Cannot find an active Certification for the given RNCP",
            "data": {"rncp": rncp},
        }


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [v.strip() for v in values if str(v).strip()]


def partner_label(item: Item) -> str:
    label = str(item.details.get("partner_label") or "")
    if label:
        return label
    if item.source == SOURCE_FRANCE_TRAVAIL:
        return LABEL_FRANCE_TRAVAIL
    if item.source == SOURCE_RECRUTEURS_LBA or item.kind is Kind.PARTENARIAT:
        return LABEL_LBA_OFFERS
    return "partenaires"


def _workplace(item: Item) -> dict[str, Any]:
    d = item.details
    naf = naf_code(d.get("naf_code"))
    opco = item.opco if item.opco in uv.OPCO_VALUES else None
    return {
        "siret": item.siret or None,
        "brand": d.get("brand") or None,
        "legal_name": d.get("legal_name") or None,
        "website": d.get("website") or None,
        "name": item.organisation or None,
        "description": d.get("company_description") or None,
        "size": d.get("size") or d.get("company_size") or None,
        "location": {
            "address": full_address(item) or item.commune,
            "geopoint": {"type": "Point", "coordinates": [item.lon, item.lat]},
        },
        "domain": {
            "idcc": d.get("idcc"),
            "opco": opco,
            "naf": {"code": naf, "label": d.get("naf_label") or None} if naf else None,
        },
    }


def _apply(item: Item) -> dict[str, Any] | None:
    url = item.details.get("apply_url") or item.url
    if not url:
        return None  # the schema requires a link: upstream leaves such an item out too
    return {"url": url, "phone": item.phone or None, "recipient_id": recipient_id(item)}


def v3_job(item: Item) -> dict[str, Any] | None:
    apply = _apply(item)
    if apply is None or not item.has_position:
        return None
    d = item.details
    level = item.diploma_level
    months = d.get("contract_duration_months") or d.get("duration_months")
    remote = d.get("remote")
    return {
        "identifier": {
            "id": item.id,
            "partner_label": partner_label(item),
            "partner_job_id": str(d.get("partner_job_id") or item.id),
        },
        "workplace": _workplace(item),
        "apply": apply,
        "contract": {
            "start": iso(d.get("contract_start") or d.get("start_date")),
            "duration": int(months) if months else None,
            "type": contract_types(d.get("contract_type")) or ["Apprentissage"],
            "remote": remote if remote in ("onsite", "remote", "hybrid") else None,
        },
        "offer": {
            "title": item.title,
            "rome_codes": list(item.romes),
            "description": str(d.get("description") or ""),
            "target_diploma": (
                {
                    "european": _EUROPEAN[level],
                    "label": d.get("target_diploma_label") or _LEVEL_LABELS[level],
                }
                if level in _EUROPEAN
                else None
            ),
            "desired_skills": texts(d.get("desired_skills")),
            "to_be_acquired_skills": texts(d.get("to_be_acquired_skills")),
            "access_conditions": texts(d.get("access_conditions")),
            "publication": {"creation": iso(item.created), "expiration": iso(d.get("expiration"))},
            "opening_count": d.get("opening_count") or d.get("positions") or 1,
            "status": "Active",
        },
        "is_delegated": item.kind is Kind.PARTENARIAT or bool(d.get("delegated")),
    }


def v3_recruiter(item: Item) -> dict[str, Any] | None:
    apply = _apply(item)
    if apply is None or not item.has_position:
        return None
    recruiter = item.details.get("recruiter_id") or item.id
    return {"identifier": {"id": recruiter}, "workplace": _workplace(item), "apply": apply}


def _romes(service: ApiService, params: Mapping[str, Any]) -> tuple[str, ...] | None:
    """ROME codes asked for (`romes` and `rncp` add up); None: every métier."""
    romes = [r.upper() for r in _list(params.get("romes"))]
    rncp = str(params.get("rncp") or "").strip()
    if rncp:
        found = service.rncp_romes(rncp)
        if found is None:
            raise RncpUnknown(rncp)
        romes.extend(found)
    if not romes and not rncp:
        return None
    return tuple(dict.fromkeys(romes))


def _hits(service: ApiService, params: Mapping[str, Any], romes: tuple[str, ...]) -> list[Hit]:
    kinds = frozenset({Kind.OFFRE, Kind.PARTENARIAT, Kind.ENTREPRISE})
    level = str(params.get("target_diploma_level") or "")
    diploma = int(level) if level.isdigit() else None
    opco = str(params.get("opco") or "")
    departements = _list(params.get("departements"))
    lat, lon = params.get("latitude"), params.get("longitude")
    if lat not in (None, "") and lon not in (None, ""):
        radius = float(params.get("radius") or DEFAULT_RADIUS)
        position = (float(lat), float(lon), radius)
        hits = service.search(
            kinds=kinds, romes=romes, position=position, diploma=diploma, opco=opco
        )
        if departements:
            hits = [h for h in hits if h.item.departement in departements]
        return hits
    if not departements:
        return service.search(kinds=kinds, romes=romes, position=None, diploma=diploma, opco=opco)
    found: list[Hit] = []
    for code in departements:  # one search per département: each keeps its own caps
        area = Place(PlaceKind.DEPARTEMENT, code.upper(), "", *FRANCE_CENTRE)
        found.extend(
            service.search(
                kinds=kinds, romes=romes, position=None, diploma=diploma, opco=opco, area=area
            )
        )
    return found


def _excluded(item: Item, partners: Iterable[str]) -> bool:
    label = LABEL_RECRUITERS if item.kind is Kind.ENTREPRISE else partner_label(item)
    return label in partners


def jobs_search(service: ApiService, params: Mapping[str, Any]) -> dict[str, Any]:
    errors = uv.validate_jobs_search(params)
    rncp = str(params.get("rncp") or "").strip()
    if rncp and not RNCP_V3.match(rncp):
        errors.append(f"querystring.rncp: Invalid string: must match pattern /{RNCP_V3.pattern}/")
    if errors:
        raise SchemaError.from_body(uv.zod_error_body(errors))
    romes = _romes(service, params)
    hits = _hits(service, params, romes if romes is not None else service.all_romes())
    partners = set(_list(params.get("partners_to_exclude")))
    handi_only = str(params.get("elligibleHandicapFilter") or "").lower() == "true"
    jobs: list[dict[str, Any]] = []
    recruiters: list[dict[str, Any]] = []
    warnings: dict[str, str] = {}
    for hit in hits:
        item = hit.item
        if _excluded(item, partners) or (handi_only and not item.handi_friendly):
            continue
        if item.kind is Kind.ENTREPRISE:
            shaped, into, code = v3_recruiter(item), recruiters, "RECRUITERS_FORMATING_ERROR"
        else:
            shaped, into, code = v3_job(item), jobs, "JOB_OFFER_FORMATING_ERROR"
        if shaped is None:
            warnings[code] = WARNINGS[code]
        else:
            into.append(shaped)
    return {
        "jobs": jobs,
        "recruiters": recruiters,
        "warnings": [{"code": c, "message": m} for c, m in warnings.items()],
    }
