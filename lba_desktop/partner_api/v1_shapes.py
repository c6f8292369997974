"""Our catalogue `Item`s rendered as the items of the La Bonne Alternance V1 API (no I/O)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from lba_desktop.geo import distance_km
from lba_desktop.models import DIPLOMA_LEVELS, Item, Kind

# Offers from France Travail are the V1 `peJobs`; our other offers (job boards) have no V1
# group of their own, so they go there too, as upstream did before `partnerJobs` existed.
IDEA_TYPES: Mapping[Kind, str] = {
    Kind.FORMATION: "formation",
    Kind.OFFRE: "peJob",
    Kind.PARTENARIAT: "matcha",  # an offer posted through LBA by a CFA acting for a company
    Kind.ENTREPRISE: "lba",
}
# `sources` values of V1 (lower-cased) and the kinds they select.
SOURCE_KINDS: Mapping[str, frozenset[Kind]] = {
    "formation": frozenset({Kind.FORMATION}),
    "offres": frozenset({Kind.OFFRE}),
    "pejob": frozenset({Kind.OFFRE}),
    "partnerjob": frozenset({Kind.OFFRE}),
    "matcha": frozenset({Kind.PARTENARIAT}),
    "lba": frozenset({Kind.ENTREPRISE}),
    "lbb": frozenset({Kind.ENTREPRISE}),
}
DAYS_PER_MONTH = 30.4
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SIZE_WORDS = re.compile(r"\s+(?:à|ou)\s+")

RomeLabel = Callable[[str], str | None]


def _s(value: Any) -> str | None:
    """Empty strings are `null` upstream."""
    if value is None or value == "":
        return None
    return str(value)


def _joined(value: Any) -> str | None:
    """A string key whose source may be a list (V3 offers give several contract types)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if v) or None
    return _s(value)


def _iso(value: date | str | None) -> str | None:
    """A full ISO instant as upstream writes them ("2026-03-01T00:00:00.000Z")."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if isinstance(value, date):
        return value.isoformat() + "T00:00:00.000Z"
    text = str(value).strip()
    if _DATE_ONLY.match(text):
        return text + "T00:00:00.000Z"
    try:
        return _iso(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return text  # not a date we can read: as the source wrote it


def naf_code(code: Any) -> str | None:
    """Upstream's NAF codes have no dot: "1071D", not "10.71D"."""
    text = str(code or "").replace(".", "").replace(" ", "").upper()
    return text or None


def size_band(size: Any) -> str | None:
    """Staff bands as upstream writes them ("10-19"), not in words ("10 à 19")."""
    text = str(size or "").strip()
    if not text:
        return None
    if text.startswith("0 salari"):
        return "0-0"
    return _SIZE_WORDS.sub("-", text.removesuffix(" salariés").removesuffix(" salarié"))


def contract_types(value: Any) -> list[str] | None:
    """`job.type`: only the two values of upstream's enum."""
    values = value if isinstance(value, (list, tuple)) else [value]
    found: list[str] = []
    for v in values:
        text = str(v or "").lower()
        kind = "Professionnalisation" if "profession" in text else None
        if "apprenti" in text:
            kind = "Apprentissage"
        if kind and kind not in found:
            found.append(kind)
    return found or None


def place_of(item: Item, distance: float | None) -> dict[str, Any]:
    full = ", ".join(p for p in (item.address, f"{item.postcode} {item.commune}".strip()) if p)
    return {
        "distance": distance,
        "fullAddress": full or None,
        "latitude": item.lat,
        "longitude": item.lon,
        "city": _s(item.commune),
        "address": _s(item.address),
        "cedex": None,
        "zipCode": _s(item.postcode),
        "insee": _s(item.insee),
        "departementNumber": _s(item.departement),
        "region": None,
        "remoteOnly": None if item.kind is Kind.FORMATION else False,
    }


def romes_of(item: Item, rome_label: RomeLabel) -> list[dict[str, Any]]:
    return [{"code": code, "label": rome_label(code)} for code in item.romes]


def _company(item: Item, *, name: str | None, mandataire: bool | None) -> dict[str, Any]:
    d = item.details
    opco = {"label": item.opco, "url": None} if item.opco else None
    return {
        "name": name,
        "siret": _s(item.siret),
        "size": size_band(d.get("company_size") or d.get("size")),
        "logo": None,
        "description": None,
        "socialNetwork": None,
        "url": None,
        "id": None,
        "uai": _s(d.get("uai")),
        "creationDate": None,
        "mandataire": mandataire,
        "opco": opco,
        "headquarter": None,
        "place": {"city": _s(item.commune)},
    }


def _contact(item: Item) -> dict[str, Any]:
    # `info` is a string when upstream has one, and left out (never null) when not.
    email = item.email or item.details.get("cfa_email") or None
    return {"email": email, "phone": _s(item.phone), "name": None, "iv": None}


def _nafs(item: Item) -> list[dict[str, Any]] | None:
    code = item.details.get("naf_code")
    if not code:
        return None
    return [{"code": naf_code(code), "label": _s(item.details.get("naf_label"))}]


def formation_item(item: Item, distance: float | None, rome_label: RomeLabel) -> dict[str, Any]:
    d = item.details
    months = d.get("duration_months")
    sessions = [
        {
            "startDate": _iso(s.get("start")),
            "endDate": _iso(s.get("end")),
            "isPermanentEntry": False,
        }
        for s in d.get("sessions") or ()
    ]
    key = d.get("cle_ministere_educatif") or item.id
    return {
        "ideaType": "formation",
        "id": item.id,
        "title": item.title,
        "longTitle": _s(d.get("diploma")) or item.title,
        "diploma": _s(d.get("diploma")),
        "diplomaLevel": DIPLOMA_LEVELS.get(item.diploma_level) if item.diploma_level else None,
        "cfd": _s(d.get("cfd")),
        "rncpCode": _s(d.get("rncp_code")),
        "rncpLabel": _s(d.get("rncp_label")),
        "rncpEligibleApprentissage": None,
        "period": None,
        "capacity": _s(d.get("places")),
        "onisepUrl": _s(d.get("onisep_url")),
        "cleMinistereEducatif": key,
        "idRco": None,
        "idRcoFormation": None,
        "detailsLoaded": True,
        "romes": romes_of(item, rome_label),
        "place": place_of(item, distance),
        "company": _company(item, name=_s(d.get("cfa")) or _s(item.organisation), mandataire=None),
        "contact": _contact(item),
        "training": {
            "description": _s(d.get("description")),
            "objectif": None,
            "duration": round(months * DAYS_PER_MONTH) if months else None,
            "sessions": sessions,
        },
        "rdvContext": None,
    }


def _job(item: Item) -> dict[str, Any]:
    d = item.details
    months = d.get("duration_months")
    created = _iso(item.created)
    return {
        "id": item.id,
        "creationDate": created,
        "description": _s(d.get("description")),
        "employeurDescription": None,
        "contractType": _joined(d.get("contract_type")),
        "contractDescription": None,
        "duration": _s(f"{d['weekly_hours']} h par semaine") if d.get("weekly_hours") else None,
        "dureeContrat": f"{months} mois" if months else None,
        "jobStartDate": _iso(d.get("start_date") or d.get("contract_start")),
        "quantiteContrat": d.get("positions"),
        "elligibleHandicap": item.handi_friendly,
        "rythmeAlternance": None,
        "romeDetails": None,
        "status": "Active",
        "type": contract_types(d.get("contract_type")),
    }


def pe_job_item(item: Item, distance: float | None, rome_label: RomeLabel) -> dict[str, Any]:
    return {
        "ideaType": "peJob",
        "id": item.id,
        "title": item.title,
        "url": _s(item.url or item.details.get("apply_url")),
        "detailsLoaded": True,
        "place": place_of(item, distance),
        "company": _company(item, name=_s(item.organisation), mandataire=False),
        "contact": _contact(item),
        "job": _job(item),
        "romes": romes_of(item, rome_label),
        "nafs": _nafs(item),
    }


def matcha_item(item: Item, distance: float | None, rome_label: RomeLabel) -> dict[str, Any]:
    return {
        "ideaType": "matcha",
        "id": item.id,
        "title": item.title,
        "applicationCount": 0,
        "token": None,
        "diplomaLevel": DIPLOMA_LEVELS.get(item.diploma_level) if item.diploma_level else None,
        "detailsLoaded": True,
        "place": place_of(item, distance),
        # A partenariat is posted by a CFA for the company: upstream calls that "mandataire".
        "company": _company(item, name=_s(item.organisation), mandataire=True),
        "contact": _contact(item),
        "job": _job(item),
        "romes": romes_of(item, rome_label),
        "nafs": _nafs(item),
    }


def lba_company_item(item: Item, distance: float | None, rome_label: RomeLabel) -> dict[str, Any]:
    return {
        "ideaType": "lba",
        "id": item.id,
        "title": item.title,
        "url": _s(item.url),
        "applicationCount": 0,
        "token": None,
        "detailsLoaded": True,
        "place": place_of(item, distance),
        "company": _company(
            item, name=_s(item.details.get("legal_name")) or item.title, mandataire=None
        ),
        "contact": _contact(item),
        "nafs": _nafs(item),
    }


CONVERTERS: Mapping[Kind, Callable[[Item, float | None, RomeLabel], dict[str, Any]]] = {
    Kind.FORMATION: formation_item,
    Kind.OFFRE: pe_job_item,
    Kind.PARTENARIAT: matcha_item,
    Kind.ENTREPRISE: lba_company_item,
}


def v1_item(
    item: Item,
    distance: float | None,
    rome_label: RomeLabel,
    *,
    origin: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """The V1 item for `item`; `origin` gives a distance when the search had no radius."""
    return CONVERTERS[item.kind](item, distance_from(item, distance, origin), rome_label)


def distance_from(
    item: Item, distance: float | None, origin: tuple[float, float] | None
) -> float | None:
    if distance is None and origin is not None and item.has_position:
        return round(distance_km(origin[0], origin[1], item.lat, item.lon), 1)  # type: ignore[arg-type]
    return distance
