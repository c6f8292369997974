"""Pre-rendered V1 items: the same JSON as shaping each item afresh, distance included."""

from __future__ import annotations

from datetime import date

import orjson
import pytest

from lba_desktop.geo import distance_km
from lba_desktop.models import Item, Kind
from lba_desktop.partner_api.v1_fragments import V1Renderer
from lba_desktop.partner_api.v1_shapes import v1_item

LABELS = {"D1102": "Boulangerie - viennoiserie"}


def _items() -> list[Item]:
    common = dict(
        organisation="Fournil d'Aurillac",
        address="2 rue du Pain",
        commune="Aurillac",
        postcode="15000",
        insee="15014",
        departement="15",
        lat=44.93,
        lon=2.44,
        romes=("D1102",),
        created=date(2026, 10, 1),
        phone="0471000000",
    )
    return [
        Item(
            Kind.FORMATION,
            "F1",
            "CAP Boulanger",
            diploma_level=3,
            details={"sessions": [{"start": "2027-09-01"}], "duration_months": 24},
            **common,
        ),
        Item(Kind.OFFRE, "O1", "Apprenti boulanger", details={"contract_type": "CDD"}, **common),
        Item(Kind.PARTENARIAT, "P1", "Vendeur en boulangerie", **common),
        Item(
            Kind.ENTREPRISE, "E1", "Boulangerie du Centre", details={"naf_code": "1071C"}, **common
        ),
    ]


def _decoded(fragment: orjson.Fragment) -> object:
    return orjson.loads(orjson.dumps({"results": [fragment]}))["results"][0]


@pytest.mark.parametrize("distance", [None, 0.0, 3.4, 27.0])
def test_a_fragment_is_the_item_shaped_afresh(distance: float | None) -> None:
    renderer = V1Renderer(LABELS.get)
    for item in _items():
        renderer.item(item, 99.9)  # rendered once with another distance, then reused
        assert _decoded(renderer.item(item, distance)) == v1_item(item, distance, LABELS.get)
        assert _decoded(renderer.item(item, distance))["place"]["distance"] == distance


def test_a_search_without_radius_gets_its_distance_from_the_origin() -> None:
    item = _items()[0]
    fragment = V1Renderer(LABELS.get).item(item, None, origin=(45.0, 2.5))
    expected = round(distance_km(45.0, 2.5, item.lat, item.lon), 1)
    assert _decoded(fragment)["place"]["distance"] == expected
