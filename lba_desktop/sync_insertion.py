"""The InserJeunes step of a sync: download the three files (CFA × diploma, région × diploma,
France × diploma), then put them in the new catalogue in place of the ones it held — unless a
file failed or is older than what is held, in which case the held rates are kept. The join onto
trainings happens when the catalogue is written (insertion_store.join_insertion)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lba_desktop.data.catalogue import CatalogueWriter
from lba_desktop.data.inserjeunes_client import InserJeunesClient
from lba_desktop.data.insertion_store import META_MILLESIME, held_millesime, replace_level
from lba_desktop.data.parsers.inserjeunes import LEVELS, InserJeunesOutcome
from lba_desktop.data.sync_store import copy_insertion_rows, held_insertion_millesimes
from lba_desktop.errors import LbaError

LEVEL_FR = {
    "etablissement": "par CFA et diplôme",
    "region": "par région et diplôme",
    "national": "France entière par diplôme",
}


@dataclass(slots=True)
class InsertionFetch:
    """What the download step brought: one outcome per level that answered properly."""

    outcomes: dict[str, InserJeunesOutcome] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # level -> French reason
    calls: int = 0


def fetch_insertion(
    client: InserJeunesClient,
    *,
    report: Callable[[str], None],
    cancelled: Callable[[], bool],
) -> InsertionFetch:
    """Each file in turn; a failed one is noted (its held rates will be kept), never fatal."""
    fetched = InsertionFetch()
    for level in LEVELS:
        if cancelled():
            break
        report(f"Taux d'insertion InserJeunes – {LEVEL_FR[level]}")
        fetched.calls += 1
        try:
            fetched.outcomes[level] = client.rates(level)
        except LbaError as exc:
            fetched.failed[level] = exc.message
    return fetched


def write_insertion(
    writer: CatalogueWriter, old: Path | None, fetched: InsertionFetch | None
) -> tuple[dict[str, int], list[str]]:
    """Put the rates in the staging catalogue; returns (rows written per level received,
    French warnings). Levels not received come from `old` unchanged."""
    held = held_insertion_millesimes(old) if old is not None else {}
    received: dict[str, int] = {}
    warnings: list[str] = []
    keep: list[str] = []
    for level in LEVELS:
        outcome = fetched.outcomes.get(level) if fetched else None
        if outcome is None:
            keep.append(level)
            if fetched is not None and level in fetched.failed:
                warnings.append(
                    f"InserJeunes ({LEVEL_FR[level]}) : {fetched.failed[level]} — "
                    + ("les taux déjà présents sont gardés." if level in held else "pas de taux.")
                )
            continue
        if outcome.millesime < held.get(level, ""):
            keep.append(level)
            warnings.append(
                f"InserJeunes ({LEVEL_FR[level]}) : le fichier reçu (cumul {outcome.millesime}) "
                f"est plus ancien que les taux présents (cumul {held[level]}) : ils sont gardés."
            )
            continue
        received[level] = replace_level(writer.conn, level, outcome.rows)
        if outcome.unreadable:
            warnings.append(
                f"InserJeunes ({LEVEL_FR[level]}) : {outcome.unreadable} ligne(s) illisible(s) "
                "ignorée(s)."
            )
    if old is not None and keep:
        copy_insertion_rows(writer, old, levels=keep)
    newest = max((held_millesime(writer.conn, level) for level in LEVELS), default="")
    if newest:
        writer.set_meta({META_MILLESIME: newest})
    return received, warnings
