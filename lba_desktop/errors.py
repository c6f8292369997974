"""Typed failures a user can understand: each carries a French message and what to do next."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lba_desktop.models import Place


class LbaError(Exception):
    """A known failure. `message` is French and shown as is; `hint` says what to do."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class InvalidInput(LbaError):
    """Something the user typed cannot be used (bad radius, unknown level, empty search…)."""

    exit_code = 2


class PlaceNotFound(InvalidInput):
    def __init__(self, text: str, suggestions: tuple[str, ...] = ()) -> None:
        hint = (
            "Vouliez-vous dire : " + ", ".join(suggestions) + " ?"
            if suggestions
            else "Tapez un nom de commune, un code postal, un département ou une région."
        )
        super().__init__(f"Lieu introuvable : « {text} ».", hint=hint)
        self.text = text
        self.suggestions = suggestions


class MetierNotFound(InvalidInput):
    def __init__(self, text: str, suggestions: tuple[str, ...] = ()) -> None:
        hint = (
            "Vouliez-vous dire : " + ", ".join(suggestions) + " ?"
            if suggestions
            else "Tapez le début d'un métier (« boulang »), un code ROME (« D1102 ») ou un secteur."
        )
        super().__init__(f"Métier introuvable : « {text} ».", hint=hint)
        self.text = text
        self.suggestions = suggestions


class CatalogueError(LbaError):
    """The local catalogue is missing, corrupt or from a newer version of the application."""


class StorageFull(LbaError):
    def __init__(self) -> None:
        super().__init__(
            "Le disque est plein : rien n'a été modifié.",
            hint="Libérez de la place sur le disque puis recommencez.",
        )


class OfflineError(LbaError):
    """No network, or the upstream cannot be reached."""


class UpstreamError(LbaError):
    """The upstream answered, but with an error we cannot fix by retrying."""


class AmbiguousPlace(InvalidInput):
    """Several places match what was typed and none clearly dominates: the user must choose."""

    def __init__(self, text: str, candidates: tuple[Place, ...]) -> None:
        labels = ", ".join(place.label for place in candidates)
        example = candidates[0].label if candidates else "Saint-Denis (93)"
        super().__init__(
            f"Plusieurs lieux correspondent à « {text} » : {labels}.",
            hint=f"Précisez le département, par exemple « {example} ».",
        )
        self.text = text
        self.candidates = candidates
