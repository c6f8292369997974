"""The catalogue's current record of a shortlist's trainings, for what an export adds from it
(the InserJeunes rates): read from the local catalogue, never from the network."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable

from lba_desktop import paths
from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.errors import LbaError
from lba_desktop.models import Item, Kind
from lba_desktop.people import ShortlistEntry

log = logging.getLogger(__name__)


def catalogue_trainings(entries: Iterable[ShortlistEntry]) -> dict[str, Item]:
    """The trainings among `entries` that the catalogue holds, by id. Without a readable
    catalogue the export is made all the same, without rates."""
    wanted = [e.item_id for e in entries if e.kind is Kind.FORMATION]
    path = paths.catalogue_path()
    if not wanted or not path.exists():
        return {}
    try:
        store = CatalogueStore(path)
    except (LbaError, sqlite3.Error, OSError) as exc:
        log.info("catalogue unreadable for the export's rates: %s", exc)
        return {}
    try:
        found = (store.get(Kind.FORMATION, item_id) for item_id in wanted)
        return {item.id: item for item in found if item is not None}
    finally:
        store.close()
