"""Two counsellors saving the same record: the second is told who changed what, and when."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from lba_desktop.errors import InvalidInput


def moment_fr(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone().strftime(" le %d/%m/%Y à %H:%M")


class EditConflict(InvalidInput):
    """The record changed since the counsellor opened it: nothing was saved.

    `theirs` is the record as it is now (the other counsellor's version), `mine` the values
    this counsellor typed: a window shows both, and saving `mine` again with `base=theirs`
    keeps them over the other version. The message names the young person: it is shown,
    never logged.
    """

    def __init__(
        self,
        *,
        what: str,
        by: str,
        at: datetime | None,
        fields: Sequence[str],
        theirs: Any,
        mine: Mapping[str, Any],
    ) -> None:
        changed = ", ".join(fields) if fields else "la fiche"
        super().__init__(
            f"{what} a été modifiée par {by or 'un autre conseiller'}{moment_fr(at)} pendant "
            f"que vous la modifiiez ({changed}). Rien n'a été enregistré.",
            hint="Choisissez la version à garder : la sienne (affichée maintenant) ou la "
            "vôtre, qui remplacera la sienne.",
        )
        self.by = by
        self.at = at
        self.fields = tuple(fields)
        self.theirs = theirs
        self.mine = dict(mine)


PERSON_LABELS_FR = {
    "first_name": "prénom",
    "last_name": "nom",
    "phone": "téléphone",
    "email": "courriel",
    "home_insee": "commune",
    "notes": "notes",
    "case_number": "n° de dossier",
}
ENTRY_LABELS_FR = {"status": "statut", "note": "note", "position": "ordre"}


def _changed(base: Any, theirs: Any, labels: Mapping[str, str]) -> list[str]:
    return [label for key, label in labels.items() if getattr(base, key) != getattr(theirs, key)]


def person_conflict(base: Any, theirs: Any, mine: Mapping[str, Any]) -> EditConflict:
    """The person's record changed between `base` (opened) and `theirs` (now)."""
    return EditConflict(
        what=f"La fiche de {theirs.display_name}",
        by=theirs.updated_by,
        at=theirs.updated_at,
        fields=_changed(base, theirs, PERSON_LABELS_FR),
        theirs=theirs,
        mine=mine,
    )


def entry_conflict(base: Any, theirs: Any, mine: Mapping[str, Any], person: Any) -> EditConflict:
    """A shortlist line changed between `base` (opened) and `theirs` (now)."""
    return EditConflict(
        what=f"La piste « {theirs.title} » de {person.display_name}",
        by=theirs.updated_by,
        at=theirs.updated_at,
        fields=_changed(base, theirs, ENTRY_LABELS_FR),
        theirs=theirs,
        mine=mine,
    )
