"""Values and shared parts of V1 items (place, company, contact) as upstream writes them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from lba_desktop.models import Item, Kind

RomeLabel = Callable[[str], str | None]
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SIZE_WORDS = re.compile(r"\s+(?:à|ou)\s+")


def text(value: Any) -> str | None:
    """Empty strings are `null` upstream."""
    if value is None or value == "":
        return None
    return str(value)


def joined(value: Any) -> str | None:
    """A string key whose source may be a list (V3 offers give several contract types)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if v) or None
    return text(value)


def texts(value: Any) -> list[str]:
    """A list of strings (skills, conditions): empty when the source has none."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v]
    return [str(value)] if value else []


def iso(value: date | str | None) -> str | None:
    """A full ISO instant as upstream writes them ("2026-03-01T00:00:00.000Z")."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if isinstance(value, date):
        return value.isoformat() + "T00:00:00.000Z"
    raw = str(value).strip()
    if _DATE_ONLY.match(raw):
        return raw + "T00:00:00.000Z"
    try:
        return iso(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except ValueError:
        return raw  # not a date we can read: as the source wrote it


def naf_code(code: Any) -> str | None:
    """Upstream's NAF codes have no dot: "1071D", not "10.71D"."""
    found = str(code or "").replace(".", "").replace(" ", "").upper()
    return found or None


def size_band(size: Any) -> str | None:
    """Staff bands as upstream writes them ("10-19"), not in words ("10 à 19")."""
    found = str(size or "").strip()
    if not found:
        return None
    if found.startswith("0 salari"):
        return "0-0"
    return _SIZE_WORDS.sub("-", found.removesuffix(" salariés").removesuffix(" salarié"))


def contract_types(value: Any) -> list[str] | None:
    """`job.type`: only the two values of upstream's enum."""
    found: list[str] = []
    for v in value if isinstance(value, (list, tuple)) else [value]:
        lowered = str(v or "").lower()
        kind = "Professionnalisation" if "profession" in lowered else None
        if "apprenti" in lowered:
            kind = "Apprentissage"
        if kind and kind not in found:
            found.append(kind)
    return found or None


def full_address(item: Item) -> str | None:
    town = f"{item.postcode} {item.commune}".strip()
    if item.address and (not town or (item.postcode and item.postcode in item.address)):
        return item.address  # a synced address already ends with its town
    return ", ".join(p for p in (item.address, town) if p) or None


def place_of(item: Item, distance: float | None) -> dict[str, Any]:
    # `distance` comes first: `V1Renderer` splices each answer's distance in at that spot, and
    # the item's own place must come before its company's (whose place has one too).
    return {
        "distance": distance,
        "fullAddress": full_address(item),
        "latitude": item.lat,
        "longitude": item.lon,
        "city": text(item.commune),
        "address": text(item.address),
        "numberAndStreet": text(item.address),
        "cedex": None,
        "zipCode": text(item.postcode),
        "insee": text(item.insee),
        "departementNumber": text(item.departement),
        "region": None,
        "remoteOnly": None
        if item.kind is Kind.FORMATION
        else item.details.get("remote") == "remote",
    }


def romes_of(item: Item, rome_label: RomeLabel) -> list[dict[str, Any]]:
    return [{"code": code, "label": rome_label(code)} for code in item.romes]


def company_of(
    item: Item,
    *,
    name: str | None,
    mandataire: bool | None,
    headquarter: dict[str, Any] | None = None,
) -> dict[str, Any]:
    d = item.details
    return {
        "name": name,
        "siret": text(item.siret),
        "size": size_band(d.get("company_size") or d.get("size")),
        "logo": None,
        "description": text(d.get("company_description")),
        "socialNetwork": None,
        "url": text(d.get("website")),
        "id": None,
        "uai": text(d.get("uai")),
        "creationDate": None,
        "mandataire": mandataire,
        "elligibleHandicap": item.handi_friendly,
        "opco": {"label": item.opco, "url": text(d.get("opco_url"))} if item.opco else None,
        "headquarter": headquarter,
        "place": {"distance": None, "city": text(item.commune)},
    }


def contact_of(item: Item, *, url: str | None = None) -> dict[str, Any]:
    """`info` and `url` are strings when there is one, and left out (never null) when not;
    `hasEmail` says whether an application can be sent by e-mail, as the 2026 answers do."""
    d = item.details
    email = item.email or d.get("cfa_email") or None
    has_email = d.get("cfa_has_email")
    found: dict[str, Any] = {
        "email": email,
        "phone": text(item.phone),
        "name": None,
        "iv": None,
        "hasEmail": bool(email) if has_email is None else bool(has_email or email),
    }
    if url:
        found["url"] = url
    return found


def nafs_of(item: Item) -> list[dict[str, Any]] | None:
    code = item.details.get("naf_code")
    if not code:
        return None
    return [{"code": naf_code(code), "label": text(item.details.get("naf_label"))}]
