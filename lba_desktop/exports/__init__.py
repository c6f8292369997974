"""Exports of one person's shortlist (PDF, CSV, XLSX, HTML map) and of their personal data."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from lba_desktop.errors import InvalidInput
from lba_desktop.exports.common import DEFAULT_STRUCTURE, Handout
from lba_desktop.exports.trainings import catalogue_trainings
from lba_desktop.files import check_output
from lba_desktop.people.pairs import flatten
from lba_desktop.settings import load_settings

if TYPE_CHECKING:
    from lba_desktop.people import PeopleService

FORMATS: tuple[str, ...] = ("pdf", "csv", "xlsx", "html")


def build_handout(
    service: PeopleService,
    person_id: int,
    *,
    structure: str = "",
    today: date | None = None,
) -> Handout:
    """What every export shows: one person and their shortlist, nobody else's. The structure
    named in the header is the one given, else the settings' one, else « Mission Locale »."""
    person = service.get_person(person_id)
    # A parcours' training and employer come one after the other, numbered in that order.
    entries = flatten(service.shortlist_lines(person_id))
    return Handout(
        person=person,
        entries=entries,
        structure=structure.strip() or load_settings().structure_name or DEFAULT_STRUCTURE,
        today=today or date.today(),
        trainings=catalogue_trainings(entries),
    )


def write_handout(handout: Handout, *, fmt: str, output: Path) -> Path:
    """Write `handout` as `fmt` (pdf, csv, xlsx or html) to `output`; returns the path."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "pdf":
        from lba_desktop.exports.pdf_export import write_pdf as writer
    elif fmt == "csv":
        from lba_desktop.exports.csv_export import write_csv as writer
    elif fmt == "xlsx":
        from lba_desktop.exports.xlsx_export import write_xlsx as writer
    elif fmt == "html":
        from lba_desktop.exports.html_map_export import write_html as writer
    else:
        raise InvalidInput(
            f"Format d'export inconnu : « {fmt} ».", hint="Formats : " + ", ".join(FORMATS) + "."
        )
    writer(handout, output)  # written whole, owner-only (lba_desktop.files)
    return output


def export_shortlist(
    service: PeopleService,
    person_id: int,
    *,
    fmt: str,
    output: Path,
    structure: str = "",
    today: date | None = None,
) -> Path:
    """Export one person's shortlist to a file a counsellor can hand over."""
    check_output(output, example=f"selection.{fmt}")  # a folder is refused before any work
    handout = build_handout(service, person_id, structure=structure, today=today)
    return write_handout(handout, fmt=fmt, output=output)


__all__ = ["DEFAULT_STRUCTURE", "FORMATS", "Handout", "build_handout", "export_shortlist"]
