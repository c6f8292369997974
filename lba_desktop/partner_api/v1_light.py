"""The light items of `/formations/min` and `/jobs/min`: a full V1 item cut to what a list shows.

Upstream's 2024 `min` routes answered each item with the few keys a list of results needs
(title, place, company name and SIRET, creation date), the rest of the item being read with
the item's own route; offers of France Travail and the LBA recruiters' offers and companies
each kept their own few keys. A partner's parser that reads those keys finds them here with
the values of the full item.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# What each group keeps: a key maps to None (its value as it is), to the keys kept inside
# an object, or to a one-entry list for a list of objects (null stays null). An object absent
# from the full item is given with its kept keys null, as upstream gives
# `headquarter: {siret: null}` to a training without a managing CFA.
_Keep = Mapping[str, Any]

_TRAINING_PLACE = dict.fromkeys(
    ("distance", "fullAddress", "latitude", "longitude", "city", "zipCode", "insee")
)
_EMPLOYER_PLACE = dict.fromkeys(
    ("distance", "fullAddress", "address", "latitude", "longitude", "city")
)

LIGHT: Mapping[str, _Keep] = {
    "formations": {
        "ideaType": None,
        "id": None,
        "title": None,
        "place": _TRAINING_PLACE,
        "company": {"name": None, "siret": None, "headquarter": {"siret": None}},
    },
    "peJobs": {
        "ideaType": None,
        "id": None,
        "title": None,
        "place": _TRAINING_PLACE,
        "company": {"name": None, "siret": None},
        "job": {"creationDate": None},
        "contact": {"hasEmail": None},
    },
    # Offers of other job boards came after the 2024 `min` routes: kept as France Travail's,
    # with what applying needs as for LBA's offers.
    "partnerJobs": {
        "ideaType": None,
        "id": None,
        "title": None,
        "place": _TRAINING_PLACE,
        "company": {"name": None, "siret": None},
        "job": {"creationDate": None},
        "contact": {"hasEmail": None},
        "applicationCount": None,
        "token": None,
        "recipient_id": None,
    },
    "matchas": {
        "ideaType": None,
        "id": None,
        "title": None,
        "place": _EMPLOYER_PLACE,
        "company": {"siret": None, "name": None, "mandataire": None},
        "job": {"creationDate": None},
        "applicationCount": None,
        "token": None,
        "recipient_id": None,  # required since 2026: whom an application goes to
    },
    "lbaCompanies": {
        "ideaType": None,
        "id": None,
        "title": None,
        "place": _EMPLOYER_PLACE,
        "company": {"name": None, "siret": None},
        # Upstream kept the NAF label only; its schemas require the code beside it.
        "nafs": None,
        "applicationCount": None,
        "token": None,
        "recipient_id": None,
    },
}


def light_item(group: str, full: Mapping[str, Any]) -> dict[str, Any]:
    """The light item of `group` ("formations", "peJobs", …) cut from its full V1 item."""
    return _cut(full, LIGHT[group])


def _cut(value: Mapping[str, Any] | None, keep: _Keep) -> dict[str, Any]:
    value = value or {}
    out: dict[str, Any] = {}
    for key, inner in keep.items():
        found = value.get(key)
        if inner is None:
            out[key] = found
        elif isinstance(inner, list):
            out[key] = None if found is None else [_cut(entry, inner[0]) for entry in found]
        else:
            out[key] = _cut(found, inner)
    return out
