"""V1 items rendered to JSON once per item; later answers only splice in the distance."""

from __future__ import annotations

import orjson

from lba_desktop.data.lru_cache import LruCache
from lba_desktop.models import Item, Kind
from lba_desktop.partner_api.v1_shapes import RomeLabel, distance_from, v1_item

# `place_of` writes the distance first: the one thing in an item that depends on the query.
_DISTANCE_SLOT = b'"place":{"distance":null'
_DISTANCE_KEY = b'"place":{"distance":'


class V1Renderer:
    """Turns catalogue items into V1 JSON fragments for `orjson.dumps` to embed as they are.

    Shaping an item (a hundred fields from `details`) was most of an API request's time, and
    the same items come back in answer after answer around the same places: each item is
    shaped and encoded once, then only its distance changes.
    """

    def __init__(self, rome_label: RomeLabel, *, capacity: int = 20_000) -> None:
        self.rome_label = rome_label
        self._parts: LruCache[tuple[Kind, str], tuple[bytes, bytes]] = LruCache(capacity)

    def item(
        self,
        item: Item,
        distance: float | None,
        *,
        origin: tuple[float, float] | None = None,
    ) -> orjson.Fragment:
        key = (item.kind, item.id)
        parts = self._parts.get(key)
        if parts is None:
            parts = self._split(orjson.dumps(v1_item(item, None, self.rome_label)))
            self._parts.put(key, parts)
        head, tail = parts
        return orjson.Fragment(head + orjson.dumps(distance_from(item, distance, origin)) + tail)

    @staticmethod
    def _split(data: bytes) -> tuple[bytes, bytes]:
        head, slot, tail = data.partition(_DISTANCE_SLOT)
        if not slot:  # cannot happen with `place_of` as written; kept honest if it changes
            raise ValueError("V1 item without place.distance")
        return head + _DISTANCE_KEY, tail
