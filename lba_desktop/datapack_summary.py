"""What a data pack brings, set against the catalogue it would replace, in French: read from
its manifest before anything is imported."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lba_desktop.data.datapack_io import BadDataPack, read_manifest
from lba_desktop.data.referentials import load_departements
from lba_desktop.models import CatalogueInfo, Kind

# Beyond this many départements a catalogue is said to cover « la France entière ».
WHOLE_COUNTRY = 90
NAMED_DEPARTEMENTS = 4

ORIGINS_FR = {
    "demo": "données de démonstration (fictives)",
    "sync": "données synchronisées",
    "datapack": "paquet de données",
}


@dataclass(frozen=True, slots=True)
class CatalogueFacts:
    """The side of a comparison: where the data comes from, when, where, how much."""

    origin: str  # French, « données synchronisées »
    fictitious: bool
    dated: str  # « 23/11/2026 » or ""
    territory: str  # « Cantal (15), Corrèze (19) » or « la France entière »
    counts: Mapping[str, int]


def is_fictitious(meta: Mapping[str, Any], origin: str = "") -> bool:
    """Demo data, or data descended from it (a pack of a pack keeps the mark)."""
    return origin == "demo" or str(meta.get("fictitious", "")).strip().lower() in ("1", "true")


def read_pack_manifest(source: Path) -> dict[str, Any]:
    """The manifest of a data pack, without extracting it (a refused file raises BadDataPack)."""
    if not source.is_file():
        raise BadDataPack("le fichier est introuvable.")
    try:
        with zipfile.ZipFile(source) as zf:
            return read_manifest(zf)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BadDataPack("le fichier est endommagé ou incomplet.") from exc


def _parsed(iso: str) -> datetime | None:
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None


def _day(iso: str) -> str:
    parsed = _parsed(iso)
    return parsed.strftime("%d/%m/%Y") if parsed else ""


def _territory(freshness: Sequence[Any]) -> str:
    codes = sorted(
        {str(row.get("departement", "")) for row in freshness if isinstance(row, Mapping)} - {""}
    )
    if not codes:
        return "aucun territoire"
    if len(codes) >= WHOLE_COUNTRY:
        return "la France entière"
    names = load_departements()
    shown = [f"{names[c].name} ({c})" if c in names else c for c in codes[:NAMED_DEPARTEMENTS]]
    more = len(codes) - len(shown)
    return ", ".join(shown) + (f" et {more} autre{'s' if more > 1 else ''}" if more else "")


def _latest(freshness: Sequence[Any]) -> str:
    """The most recent readable date of the data (an unreadable one is left out)."""
    dates = [str(r.get("updated_at", "")) for r in freshness if isinstance(r, Mapping)]
    return max((d for d in dates if _parsed(d)), key=lambda d: _parsed(d).date(), default="")


def pack_facts(manifest: Mapping[str, Any]) -> CatalogueFacts:
    meta = manifest.get("meta") if isinstance(manifest.get("meta"), Mapping) else {}
    origin = str(manifest.get("origin", ""))
    freshness = manifest.get("freshness") if isinstance(manifest.get("freshness"), list) else []
    counts = manifest.get("counts") if isinstance(manifest.get("counts"), Mapping) else {}
    return CatalogueFacts(
        origin=ORIGINS_FR.get(origin, "origine inconnue"),
        fictitious=is_fictitious(meta, origin),
        dated=_day(_latest(freshness) or str(manifest.get("created_at", ""))),
        territory=_territory(freshness),
        counts={k.value: _int(counts.get(k.value)) for k in Kind},
    )


def catalogue_facts(info: CatalogueInfo) -> CatalogueFacts:
    meta = info.details.get("meta") or {}
    freshness = info.details.get("freshness") or []
    return CatalogueFacts(
        origin=ORIGINS_FR.get(info.origin, info.origin),
        fictitious=is_fictitious(meta, info.origin),
        dated=_day(_latest(freshness) or info.built_at),
        territory=_territory(freshness),
        counts={k.value: int(info.counts.get(k, 0)) for k in Kind},
    )


def _int(value: Any) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def _line(facts: CatalogueFacts) -> str:
    origin = facts.origin
    if facts.fictitious and "fictiv" not in origin:
        origin += " (fictives)"
    counts = ", ".join(
        f"{facts.counts.get(k.value, 0):,}".replace(",", "\u202f") + f" {k.plural_fr.lower()}"
        for k in Kind
    )
    dated = f", données du {facts.dated}" if facts.dated else ""
    return f"{origin[0].upper()}{origin[1:]}{dated} ; territoire : {facts.territory} ; {counts}."


def replacement_text(incoming: CatalogueFacts, current: CatalogueFacts | None) -> str:
    """The question asked before an import: what comes in, against what is there."""
    lines = [f"Le paquet apporte : {_line(incoming)}"]
    if current is not None:
        lines.append(f"Le catalogue actuel, qui sera remplacé : {_line(current)}")
        if current.fictitious is False and incoming.fictitious:
            lines.append("Attention : des données fictives remplaceraient des données réelles.")
    return "\n\n".join(lines)
