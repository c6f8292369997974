"""« Parcours complets » on the window map: home, the trainings within reach, their employers,
and the lines from one chosen training to each of its employers. No Qt here."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from lba_desktop.map_page import home_pin, marker_key
from lba_desktop.models import Item
from lba_desktop.parcours import ParcoursResult


def _marker(item: Item, distance: float | None, status: str = "") -> dict[str, Any] | None:
    if not item.has_position or item.lat is None or item.lon is None:
        return None
    marker: dict[str, Any] = {
        "id": marker_key(item.kind, item.id),
        "k": item.kind.value,
        "la": round(item.lat, 5),
        "lo": round(item.lon, 5),
        "t": item.title,
        "o": item.organisation,
        "c": item.commune,
        "d": distance,
    }
    if status:
        marker["s"] = status
    return marker


def parcours_payload(result: ParcoursResult, person: Any = None) -> dict[str, Any]:
    """The JSON-ready argument of `lbaSetResults` for a parcours result: every training in
    reach and every employer of a pair, once each; the home as a pin, no radius circle."""
    items: dict[str, dict[str, Any]] = {}
    for reach in result.trainings:
        said = "Aucun employeur à portée" if reach.employers == 0 else ""
        marker = _marker(reach.item, reach.from_home_km, said)
        if marker is not None:
            items.setdefault(marker["id"], marker)
    for pair in result.pairs:
        if pair.training is not None:
            marker = _marker(pair.training, pair.training_from_home_km)
            if marker is not None:
                items.setdefault(marker["id"], marker)
        marker = _marker(pair.employer, pair.employer_from_home_km, pair.employer_label)
        if marker is not None:
            items.setdefault(marker["id"], marker)
    pin = home_pin(person)
    if pin is None and result.home is not None:
        pin = {"lat": result.home.lat, "lon": result.home.lon, "label": result.home.label}
    return {
        "items": list(items.values()),
        "centre": None,
        "home": pin,
        "radius_km": None,
        "kinds": None,
        "mode": "parcours",
    }


def training_links(result: ParcoursResult, training_id: str | None) -> list[dict[str, Any]]:
    """One line per employer of that training: from the CFA to the workplace, with the
    distance between them (nothing for an unknown training or a point without coordinates)."""
    links = []
    for pair in result.pairs:
        training, employer = pair.training, pair.employer
        if training is None or training.id != training_id:
            continue
        if not (training.has_position and employer.has_position):
            continue
        assert training.lat is not None and training.lon is not None
        assert employer.lat is not None and employer.lon is not None
        links.append(
            {
                "from": [round(training.lat, 5), round(training.lon, 5)],
                "to": [round(employer.lat, 5), round(employer.lon, 5)],
                "id": marker_key(employer.kind, employer.id),
                "km": pair.employer_to_training_km,
                "t": employer.organisation or employer.title,
            }
        )
    return links


def set_links_js(links: list[dict[str, Any]]) -> str:
    return f"lbaSetLinks({json.dumps(links, ensure_ascii=False, separators=(',', ':'))})"


def shortlist_links(lines: Iterable[Any]) -> list[dict[str, Any]]:
    """One line per parcours of a shortlist (`people.pairs.ShortlistLine`): from its CFA to
    its employer, named by both sides (nothing for a side without coordinates)."""
    links = []
    for line in lines:
        training, employer = line.entry, line.employer
        if employer is None or training.lat is None or training.lon is None:
            continue
        if employer.lat is None or employer.lon is None:
            continue
        links.append(
            {
                "from": [round(training.lat, 5), round(training.lon, 5)],
                "to": [round(employer.lat, 5), round(employer.lon, 5)],
                "id": marker_key(employer.kind, employer.item_id),
                "km": line.employer_to_training_km,
                "t": f"Parcours : {training.title} + {employer.organisation or employer.title}",
            }
        )
    return links
