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


def size_fr(size: int) -> str:
    """1 536 → « 1,5 Ko », 3 200 000 → « 3,1 Mo » (binary units, as file managers show)."""
    value = float(size)
    for unit in ("octets", "Ko", "Mo", "Go"):
        if value < 1024 or unit == "Go":
            break
        value /= 1024
    if unit == "octets":
        return f"{int(value)} octets"
    return f"{value:.1f}".replace(".", ",") + f" {unit}"


class StorageFull(LbaError):
    """No room left on the disk that holds `folder` («disque plein»): how much is free there and
    about how much the operation needs. Nothing was changed (transactions are rolled back,
    files are written beside their target and renamed only once complete)."""

    def __init__(
        self, folder: object = None, *, needed: int | None = None, free: int | None = None
    ) -> None:
        where = f" dans « {folder} »" if folder else ""
        facts = []
        if free is not None:
            facts.append(f"{size_fr(free)} libres")
        if needed:
            facts.append(f"il faut environ {size_fr(needed)}")
        shown = f" ({', '.join(facts)})" if facts else ""
        hint = (
            "Libérez de la place sur ce disque (ou choisissez un autre dossier) puis recommencez."
        )
        if needed and free is not None and needed > free:
            hint = (
                f"Libérez au moins {size_fr(needed - free)} sur ce disque "
                "(ou choisissez un autre dossier) puis recommencez."
            )
        super().__init__(f"Le disque est plein{where}{shown} : rien n'a été modifié.", hint=hint)
        self.folder = folder
        self.needed = needed
        self.free = free


class StorageDamaged(LbaError):
    """A file SQLite found corrupt or not a database («fichier endommagé»). Only this error
    advises restoring a copy: after a full disk that advice would lose current records."""


class StorageUnavailable(LbaError):
    """A file that cannot be read or written for another reason (rights, read-only or failing
    disk, removed USB key): neither full nor damaged."""


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
