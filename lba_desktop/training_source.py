"""Where a sync reads its trainings (API Apprentissage with a key, LBA's V1 without one or when
asked) and how the window and `info` name the sources a catalogue's trainings came from."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from lba_desktop.data.parsers import SOURCE_FORMATIONS
from lba_desktop.data.parsers.formations_api import SOURCE_FORMATIONS_API
from lba_desktop.errors import InvalidInput

ENV = "LBA_FORMATIONS_SOURCE"
V1 = "v1"
API = "api-apprentissage"
META_KEY = "formations_sources"  # catalogue meta: {item source: trainings}, set by a sync

SOURCE_NAMES_FR = {
    SOURCE_FORMATIONS_API: "API Apprentissage",
    SOURCE_FORMATIONS: "La bonne alternance (V1)",
}


def chosen_source(api_key: str) -> str:
    """API when a key is set, unless LBA_FORMATIONS_SOURCE=v1 forces V1; V1 without a key."""
    asked = os.environ.get(ENV, "").strip().lower()
    if asked not in ("", V1, API):
        raise InvalidInput(
            f"{ENV} : source de formations inconnue, rien n'a été synchronisé.",
            hint=f"Indiquez {V1} ou {API}, ou retirez la variable.",
        )
    return API if api_key and asked != V1 else V1


def without_key_note(api_key: str) -> str:
    """The warning a sync gives when API Apprentissage was asked for but no key is set."""
    asked = os.environ.get(ENV, "").strip().lower()
    if asked == API and not api_key:
        return (
            "Formations lues sur La bonne alternance (V1) : API Apprentissage demande une clé "
            "d'API (Réglages)."
        )
    return ""


def sources_fr(counts: Mapping[str, Any] | Any) -> str:
    """« Formations : API Apprentissage (1 234), La bonne alternance (V1) (56) », the most first;
    empty when the catalogue does not say (demo data, a catalogue synced before)."""
    if not isinstance(counts, Mapping):
        return ""
    known = [
        (SOURCE_NAMES_FR[source], n)
        for source, n in counts.items()
        if source in SOURCE_NAMES_FR and isinstance(n, int) and not isinstance(n, bool) and n > 0
    ]
    if not known:
        return ""
    known.sort(key=lambda pair: (-pair[1], pair[0]))
    parts = [f"{name} ({n:,})".replace(",", "\u202f") for name, n in known]
    return "Formations : " + ", ".join(parts)
