"""What the fake publishes from its records: the 2026 shapes by default, the 2024 ones on demand.

The records in `data.py` hold everything the upstream knows, including what it keeps to itself
today (a CFA's e-mail, an employer's handicap engagement, offers no longer active). The 2026
services publish less: these functions are that filter, so the fake cannot leak what they hide.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

SHAPES = ("2026", "2024")  # "2024": the older item shapes partners still hold

# Private markers of a record, never published in the 2026 shapes.
HANDI_KEY = "_handi_engaged"


def formation_2026(record: dict[str, Any], *, with_description: bool) -> dict[str, Any]:
    """A V1 `Formation` as `/v1/formations*` answer it now: the contact is a phone and
    `hasEmail` (always false upstream: the e-mail stays with the RDV service), and the
    training's texts only with `options=with_description`."""
    contact = record.get("contact") or {}
    published = {
        **record,
        "contact": {"phone": contact.get("phone"), "hasEmail": False},
    }
    training = record.get("training")
    if isinstance(training, dict) and not with_description:
        published["training"] = {**training, "description": None, "objectif": None}
    return published


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def job_2026(record: dict[str, Any]) -> dict[str, Any]:
    """A V3 `jobs[]` entry without the private markers (no per-item handicap field)."""
    return _public(record)


def recruiter_2026(record: dict[str, Any]) -> dict[str, Any]:
    return _public(record)


def job_2024(record: dict[str, Any]) -> dict[str, Any]:
    """The older V3 shape some partners stored: the engagement as a per-item flag."""
    published = _public(record)
    published["is_disabled_elligible"] = bool(record.get(HANDI_KEY))
    return published


def handi_engaged(record: dict[str, Any]) -> bool:
    return bool(record.get(HANDI_KEY))


def _parse_iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def searchable_job(record: dict[str, Any], now: datetime) -> bool:
    """What `/v3/jobs/search` and the export list: active offers not yet expired."""
    offer = record.get("offer") or {}
    if offer.get("status") != "Active":
        return False
    expiration = _parse_iso((offer.get("publication") or {}).get("expiration"))
    return expiration is None or expiration > now
