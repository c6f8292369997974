"""Personal-data rights for one young person: export everything stored, erase it for good."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lba_desktop import __version__
from lba_desktop.errors import InvalidInput
from lba_desktop.exports import export_shortlist
from lba_desktop.files import write_file
from lba_desktop.settings import load_settings

if TYPE_CHECKING:
    from lba_desktop.people import PeopleService, Person

DEFAULT_INACTIVITY_MONTHS = 12  # the upstream anonymises its own records after one year


def export_person_data(
    service: PeopleService,
    person_id: int,
    *,
    folder: Path,
    structure: str = "",
    today: date | None = None,
) -> list[Path]:
    """« Exporter toutes les données de cette personne »: a JSON file with every stored row
    about the person (every table that holds some) and the PDF hand-out. File names carry the
    person's number, not their name, so a folder listing reveals nothing."""
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(
            f"« {folder} » est un fichier : indiquez un dossier où écrire les données.",
            hint="Par exemple : un dossier vide sur la clé USB de la personne.",
        )
    data: dict[str, Any] = {
        "application": f"LBA Desktop {__version__}",
        "structure": structure or load_settings().structure_name,
        "exporte_le": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "personne_numero": person_id,
        "tables": service.export_person_data(person_id),
    }
    json_path = write_file(
        folder / f"donnees-personne-{person_id}.json",
        json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"),
        private=True,
    )
    pdf_path = export_shortlist(
        service,
        person_id,
        fmt="pdf",
        output=folder / f"selection-personne-{person_id}.pdf",
        structure=structure,
        today=today,
    )
    return [json_path, pdf_path]


def erase_person(service: PeopleService, person_id: int) -> dict[str, int]:
    """« Supprimer définitivement »: every row in every table, then the file is rewritten;
    on a shared server, this computer's copy for when the server is away forgets them too
    (the other computers' copies do at their next refresh, a few seconds later)."""
    deleted = service.erase_person(person_id)
    from lba_desktop.people.offline import LocalCopy, on_server

    if on_server(service):
        copy = LocalCopy()
        try:
            copy.forget_person(person_id)
        finally:
            copy.close()
    return deleted


def purge_proposal(
    service: PeopleService, *, months: int = DEFAULT_INACTIVITY_MONTHS
) -> list[Person]:
    """People to propose for erasure: no activity for `months` months."""
    return service.people_inactive_since(months)
