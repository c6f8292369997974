"""Values a search filter can take in the current catalogue (e.g. the OPCOs it holds), for the
pickers of the window."""

from __future__ import annotations

from lba_desktop.data.catalogue import CatalogueStore


def opco_values(store: CatalogueStore) -> tuple[str, ...]:
    """The distinct OPCO names of the catalogue, sorted; the search compares them exactly
    (case aside), so a picker must offer them as stored, whatever their source wrote."""
    with store.lock:
        rows = store.conn.execute(
            "SELECT DISTINCT opco FROM items WHERE opco IS NOT NULL AND opco != ''"
        ).fetchall()
    return tuple(sorted({r[0] for r in rows}, key=str.casefold))
